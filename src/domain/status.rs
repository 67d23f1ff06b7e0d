//! The states of subscribers, campaigns and deliveries, stored as text.

use std::fmt;
use std::str::FromStr;

/// A stored state string that is not one of the known states.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}` (expected one of: {expected})")]
pub struct StatusError {
    kind: &'static str,
    value: String,
    expected: &'static str,
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every state, in lifecycle order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored text form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = StatusError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(StatusError { kind: $kind, value: s.to_owned(), expected: concat!($($text, " "),+) }),
                }
            }
        }
    };
}

text_enum!(
    /// Where a subscriber stands with respect to receiving mail.
    SubscriberStatus, "subscriber status", {
        /// Signed up, has not clicked the confirmation link yet.
        Unconfirmed => "unconfirmed",
        /// Consent recorded; receives campaigns.
        Confirmed => "confirmed",
        /// Asked to stop; never mailed again.
        Unsubscribed => "unsubscribed",
        /// The address hard-bounced; not mailed again.
        Bounced => "bounced",
    }
);

text_enum!(
    /// The lifecycle of a campaign.
    CampaignStatus, "campaign status", {
        /// Being prepared; not sent.
        Draft => "draft",
        /// Will start at its scheduled time.
        Scheduled => "scheduled",
        /// Audience expanded; workers are sending.
        Running => "running",
        /// Sending suspended; resumes where it stopped.
        Paused => "paused",
        /// Every delivery is sent or failed.
        Done => "done",
        /// Stopped for good; pending deliveries are never sent.
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// The state of one (campaign, subscriber) row of the delivery ledger.
    DeliveryState, "delivery state", {
        /// Waiting to be claimed (possibly after a back-off).
        Pending => "pending",
        /// Claimed by a worker under a lease.
        Sending => "sending",
        /// Accepted by the SMTP server (or written to the outbox).
        Sent => "sent",
        /// Given up: permanent failure or attempts exhausted.
        Failed => "failed",
        /// Not sent because the campaign was cancelled.
        Skipped => "skipped",
    }
);

impl CampaignStatus {
    /// Whether a campaign in this state may move to `next` by a manager's command.
    ///
    /// Only a worker starts a campaign (`scheduled → running`, expanding its
    /// audience in the same transaction) and finishes it (`running → done`);
    /// a manager moving it there would skip the expansion and lose the send.
    pub fn can_become(self, next: CampaignStatus) -> bool {
        use CampaignStatus::*;
        matches!(
            (self, next),
            (Draft, Scheduled)
                | (Scheduled, Draft)
                | (Running, Paused)
                | (Paused, Running)
                | (Draft | Scheduled | Running | Paused, Cancelled)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text() {
        for s in SubscriberStatus::ALL {
            assert_eq!(s.as_str().parse::<SubscriberStatus>().unwrap(), *s);
        }
        for s in CampaignStatus::ALL {
            assert_eq!(s.to_string().parse::<CampaignStatus>().unwrap(), *s);
        }
        let err = "sleeping".parse::<DeliveryState>().unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown delivery state `sleeping`")
        );
    }

    #[test]
    fn transitions() {
        use CampaignStatus::*;
        assert!(Running.can_become(Paused));
        assert!(Paused.can_become(Running));
        assert!(!Done.can_become(Running));
        assert!(!Cancelled.can_become(Scheduled));
        // Resuming a campaign that never started would mark it running without
        // an audience, and the worker would finish it having sent nothing.
        assert!(!Scheduled.can_become(Running));
        assert!(!Draft.can_become(Running));
        assert!(!Running.can_become(Done));
    }
}
