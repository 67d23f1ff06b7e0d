//! The audit log's vocabulary: who acted, what they did, to what.
//!
//! An event holds ids and enum words only. [`Detail`] can be built from
//! `&'static str` words and numbers and nothing else, so no address, name or
//! other typed text can reach the log by mistake.

use std::fmt;
use std::str::FromStr;

/// A stored action, subject kind or actor kind that willay does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit {kind} `{value}` (expected one of: {})", .expected.trim_end())]
pub struct UnknownAuditWord {
    kind: &'static str,
    value: String,
    expected: &'static str,
}

/// An enum stored as one word, parsed back both ways.
macro_rules! audit_words {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored text form.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = UnknownAuditWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownAuditWord {
                        kind: $kind,
                        value: s.to_owned(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownAuditWord;
            fn try_from(s: String) -> Result<Self, Self::Error> { s.parse() }
        }
    };
}

audit_words!(
    /// What was done. A new action is one line here (and nothing in the
    /// schema, which stores the word as text).
    AuditAction, "action", {
        /// A staff member logged in to the dashboard.
        LogIn => "session.login",
        /// A dashboard log-in was refused.
        LogInRefused => "session.login_refused",
        /// A dashboard session was ended by its holder.
        LogOut => "session.logout",
        /// Subscribers were imported from a CSV file (counts in the detail).
        SubscribersImported => "subscribers.import",
        /// A list's people were exported as CSV (their count in the detail).
        SubscribersExported => "subscribers.export",
        /// A subscriber was added by staff.
        SubscriberCreated => "subscriber.create",
        /// A subscriber's language or region was changed.
        SubscriberUpdated => "subscriber.update",
        /// Staff recorded a subscriber's consent.
        SubscriberConfirmed => "subscriber.confirm",
        /// Staff unsubscribed a subscriber.
        SubscriberUnsubscribed => "subscriber.unsubscribe",
        /// A subscriber's personal data was erased.
        SubscriberErased => "subscriber.erase",
        /// A list was created.
        ListCreated => "list.create",
        /// A list was renamed.
        ListRenamed => "list.rename",
        /// A list was deleted (its people stay).
        ListDeleted => "list.delete",
        /// A campaign was created.
        CampaignCreated => "campaign.create",
        /// A campaign was scheduled.
        CampaignScheduled => "campaign.schedule",
        /// A campaign was paused.
        CampaignPaused => "campaign.pause",
        /// A campaign was resumed.
        CampaignResumed => "campaign.resume",
        /// A campaign was cancelled.
        CampaignCancelled => "campaign.cancel",
        /// A campaign's failed messages were queued again.
        CampaignRetried => "campaign.retry",
        /// A staff member was added.
        StaffAdded => "staff.add",
        /// A staff member was removed.
        StaffRemoved => "staff.remove",
        /// A staff member's role was changed.
        StaffRoleSet => "staff.set_role",
        /// A one-time password link was issued.
        PasswordLinkIssued => "staff.password_link",
        /// A staff member set their password with a link.
        PasswordSet => "staff.password_set",
        /// An API token was created.
        TokenCreated => "token.create",
        /// An API token was revoked.
        TokenRevoked => "token.revoke",
    }
);

audit_words!(
    /// What kind of thing an event is about.
    SubjectKind, "subject kind", {
        /// A subscriber (by id; erased ones keep their old id).
        Subscriber => "subscriber",
        /// A subscriber list.
        List => "list",
        /// A campaign.
        Campaign => "campaign",
        /// A staff member.
        Staff => "staff",
        /// An API token.
        Token => "token",
    }
);

audit_words!(
    /// What kind of actor did it, as stored.
    ActorKind, "actor kind", {
        /// The command line on the server.
        Cli => "cli",
        /// Someone not logged in.
        Visitor => "visitor",
        /// A staff member logged in with their password.
        Staff => "staff",
        /// An API token, or a dashboard session a token opened.
        Token => "token",
    }
);

/// Who did something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The command line on the server (whoever has a shell there).
    Cli,
    /// Someone not logged in: a log-in attempt.
    Visitor,
    /// A staff member logged in with their password.
    Staff {
        /// Their id.
        staff_id: i64,
    },
    /// An API token, or a dashboard session a token opened.
    Token {
        /// The token's id.
        token_id: i64,
        /// The staff member holding it, if any.
        staff_id: Option<i64>,
    },
}

impl Actor {
    /// The stored kind.
    pub const fn kind(&self) -> ActorKind {
        match self {
            Actor::Cli => ActorKind::Cli,
            Actor::Visitor => ActorKind::Visitor,
            Actor::Staff { .. } => ActorKind::Staff,
            Actor::Token { .. } => ActorKind::Token,
        }
    }

    /// The staff member who acted, if one is known.
    pub const fn staff_id(&self) -> Option<i64> {
        match *self {
            Actor::Staff { staff_id } => Some(staff_id),
            Actor::Token { staff_id, .. } => staff_id,
            Actor::Cli | Actor::Visitor => None,
        }
    }

    /// The token used, if one was.
    pub const fn token_id(&self) -> Option<i64> {
        match *self {
            Actor::Token { token_id, .. } => Some(token_id),
            _ => None,
        }
    }
}

/// The thing an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// What kind of thing.
    pub kind: SubjectKind,
    /// Its row id.
    pub id: i64,
}

impl Subject {
    /// Subscriber `id`.
    pub const fn subscriber(id: i64) -> Self {
        Self::of(SubjectKind::Subscriber, id)
    }
    /// List `id`.
    pub const fn list(id: i64) -> Self {
        Self::of(SubjectKind::List, id)
    }
    /// Campaign `id`.
    pub const fn campaign(id: i64) -> Self {
        Self::of(SubjectKind::Campaign, id)
    }
    /// Staff member `id`.
    pub const fn staff(id: i64) -> Self {
        Self::of(SubjectKind::Staff, id)
    }
    /// Token `id`.
    pub const fn token(id: i64) -> Self {
        Self::of(SubjectKind::Token, id)
    }
    const fn of(kind: SubjectKind, id: i64) -> Self {
        Self { kind, id }
    }
}

/// An event's detail: `key=value` pairs of enum words and numbers only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail(String);

impl Detail {
    /// Adds `key=word`; a `&'static str` cannot be text someone typed.
    pub fn word(self, key: &'static str, word: &'static str) -> Self {
        self.pair(key, word)
    }

    /// Adds `key=number`.
    pub fn count(self, key: &'static str, number: i64) -> Self {
        self.pair(key, number)
    }

    fn pair(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        use fmt::Write as _;
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = write!(self.0, "{key}={value}");
        self
    }

    /// The stored text; `None` when empty.
    pub fn into_text(self) -> Option<String> {
        (!self.0.is_empty()).then_some(self.0)
    }
}

/// An event to append: the time is the store's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: AuditAction,
    /// To what, if to one thing.
    pub subject: Option<Subject>,
    /// Counts and enum words.
    pub detail: Detail,
}

impl AuditEntry {
    /// `actor` did `action` to `subject`, without detail.
    pub fn new(actor: &Actor, action: AuditAction, subject: Option<Subject>) -> Self {
        Self {
            actor: *actor,
            action,
            subject,
            detail: Detail::default(),
        }
    }

    /// The same event with `detail`.
    pub fn with(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_parses_back_from_its_stored_word() {
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>(), Ok(*action));
        }
        assert!("campaign.explode".parse::<AuditAction>().is_err());
    }

    #[test]
    fn detail_joins_words_and_counts() {
        let detail = Detail::default()
            .count("created", 3)
            .word("status", "confirmed");
        assert_eq!(
            detail.into_text().as_deref(),
            Some("created=3 status=confirmed")
        );
        assert_eq!(Detail::default().into_text(), None);
    }

    #[test]
    fn an_actor_names_its_ids() {
        let token = Actor::Token {
            token_id: 5,
            staff_id: Some(2),
        };
        assert_eq!((token.staff_id(), token.token_id()), (Some(2), Some(5)));
        assert_eq!((Actor::Cli.staff_id(), Actor::Cli.token_id()), (None, None));
        assert_eq!(Actor::Staff { staff_id: 4 }.kind(), ActorKind::Staff);
    }
}
