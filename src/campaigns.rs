//! Campaign management shared by the CLI and the HTTP API: validation against
//! the catalogue and the lists, lifecycle commands, previews.

use chrono::{DateTime, Utc};
use unic_langid::LanguageIdentifier;

use crate::app::{App, AppError};
use crate::catalogue::CatalogueError;
use crate::catalogue::check::Diagnostic;
use crate::domain::{Actor, AuditAction, CampaignStatus, ListName};
use crate::mail::DeliveryKey;
use crate::render::{Personalisation, RenderedEmail};
use crate::store::{Campaign, DeliveryRetry, NewCampaign, now_millis};
use crate::unsubscribe::{LinkKey, UnsubscribeToken};

/// A manager's request for a new campaign.
#[derive(Debug, Clone)]
pub struct CampaignRequest {
    /// The catalogue message to send.
    pub message_id: String,
    /// Target lists; the audience is their union.
    pub lists: Vec<ListName>,
    /// A label (defaults to the message id).
    pub name: Option<String>,
    /// Schedule for this time; without it the campaign is a draft.
    pub at: Option<DateTime<Utc>>,
}

/// A lifecycle command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignAction {
    /// Draft → scheduled (at a time, default now).
    Schedule,
    /// Running → paused.
    Pause,
    /// Paused → running.
    Resume,
    /// Anything unfinished → cancelled.
    Cancel,
}

/// The lifecycle commands that need no catalogue: scheduling is the one that
/// checks the message, so it takes an [`App`] with the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steer {
    /// Running → paused.
    Pause,
    /// Paused → running.
    Resume,
    /// Anything unfinished → cancelled.
    Cancel,
}

impl From<Steer> for CampaignAction {
    fn from(steer: Steer) -> Self {
        match steer {
            Steer::Pause => CampaignAction::Pause,
            Steer::Resume => CampaignAction::Resume,
            Steer::Cancel => CampaignAction::Cancel,
        }
    }
}

/// People who will get a message in another language than their own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fallback {
    /// Their best locale, which lacks the message or cannot format it.
    pub wanted: String,
    /// The locale they will receive.
    pub used: String,
    /// How many people.
    pub people: i64,
    /// Why translations they would have got are passed over: the `locales
    /// check` errors in them. Empty when the translations simply lack the message.
    pub broken: Vec<Diagnostic>,
}

impl Fallback {
    /// Why these people get `used`: "has no `qu` translation" or "its `qu` translation does not format".
    pub fn reason(&self) -> String {
        if self.broken.is_empty() {
            format!("has no `{}` translation", self.wanted)
        } else {
            let mut locales: Vec<&str> = self.broken.iter().map(|d| d.locale.as_str()).collect();
            locales.dedup();
            let locales = locales
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("has a {locales} translation that does not format")
        }
    }
}

/// The sample person previews are addressed to.
pub const SAMPLE_NAME: &str = "María Quispe";

/// The sample person's address (a reserved domain, RFC 2606).
pub const SAMPLE_ADDRESS: &str = "maria.quispe@example.org";

/// A strict create or schedule refused because some people would get a fallback language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused (--strict): {}", describe_fallbacks(.message_id, .fallbacks))]
pub struct FallbackRefused {
    /// The campaign a refused schedule left a draft; `None` for a refused
    /// create, which stores nothing.
    pub campaign_id: Option<i64>,
    /// Its catalogue message.
    pub message_id: String,
    /// Who would receive which language instead of their own.
    pub fallbacks: Vec<Fallback>,
}

fn describe_fallbacks(message_id: &str, fallbacks: &[Fallback]) -> String {
    fallbacks
        .iter()
        .map(|f| {
            let why = if f.broken.is_empty() {
                String::new()
            } else {
                format!(" (it {})", f.reason())
            };
            format!(
                "{} subscriber(s) would receive `{message_id}` in `{}` instead of `{}`{why}",
                f.people, f.used, f.wanted
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a checked create or schedule did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// The operation itself failed.
    #[error(transparent)]
    App(#[from] AppError),
    /// Strict mode refused it.
    #[error(transparent)]
    Refused(#[from] FallbackRefused),
}

/// One locale's preview, as a reviewer opens it.
#[derive(Debug, Clone)]
pub struct LocalePreview {
    /// The catalogue locale asked for; `email.locale` says which one was used.
    pub locale: LanguageIdentifier,
    /// The rendered parts.
    pub email: RenderedEmail,
    /// The complete message, as the worker would hand it to the transport.
    pub eml: Vec<u8>,
}

/// Failed deliveries put back in the queue by staff.
#[derive(Debug, Clone)]
pub struct Retried {
    /// The campaign as it is now (`running` again if it was `done`).
    pub campaign: Campaign,
    /// The retry as the ledger records it.
    pub retry: DeliveryRetry,
}

/// The most characters of a retry's reason the ledger keeps.
pub const RETRY_REASON_CHARS: usize = 500;

impl<R> App<R> {
    /// Puts campaign `id`'s failed deliveries back in the queue with a fresh
    /// set of attempts, recording `reason` and who asked in the ledger.
    /// Bounced, unsubscribed and erased people are not retried.
    pub async fn retry_failed(
        &self,
        id: i64,
        reason: &str,
        requested_by: &str,
        actor: &Actor,
    ) -> Result<Retried, AppError> {
        // One line of words, as typed: control characters would break the
        // tables and logs that show it.
        let reason: String = reason
            .trim()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(RETRY_REASON_CHARS)
            .collect();
        let retry = self
            .store
            .retry_failed(id, &reason, requested_by, now_millis(), actor)
            .await?;
        tracing::info!(
            campaign_id = id,
            retry_id = retry.id,
            rows = retry.rows_retried,
            "failed deliveries put back in the queue"
        );
        Ok(Retried {
            campaign: self.store.campaign(id).await?,
            retry,
        })
    }

    /// Pauses, resumes or cancels campaign `id`, by `actor`.
    pub async fn steer_campaign(
        &self,
        id: i64,
        steer: Steer,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        self.transition(id, steer.into(), None, actor).await
    }

    /// Moves campaign `id` to the status `action` leads to, unchecked.
    async fn transition(
        &self,
        id: i64,
        action: CampaignAction,
        at: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        let (to, audit) = match action {
            CampaignAction::Schedule => (CampaignStatus::Scheduled, AuditAction::CampaignScheduled),
            CampaignAction::Pause => (CampaignStatus::Paused, AuditAction::CampaignPaused),
            CampaignAction::Resume => (CampaignStatus::Running, AuditAction::CampaignResumed),
            CampaignAction::Cancel => (CampaignStatus::Cancelled, AuditAction::CampaignCancelled),
        };
        let at = at.map(|t| t.timestamp_millis());
        Ok(self
            .store
            .transition_campaign(id, to, at, now_millis(), actor, audit)
            .await?)
    }
}

impl App {
    /// Creates a campaign for `actor` after checking its message and lists exist.
    pub async fn create_campaign(
        &self,
        request: &CampaignRequest,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        self.check_message(&request.message_id)?;
        if request.lists.is_empty() {
            return Err(AppError::Invalid(
                "a campaign needs at least one target list (--list NAME)".into(),
            ));
        }
        let mut list_ids = Vec::with_capacity(request.lists.len());
        for list in &request.lists {
            list_ids.push(self.store.list_id(list).await?);
        }
        let new = NewCampaign {
            name: request
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| request.message_id.clone()),
            message_id: request.message_id.clone(),
            list_ids,
            scheduled_at: request.at.map(|at| at.timestamp_millis()),
        };
        let id = self
            .store
            .create_campaign(&new, now_millis(), actor)
            .await?;
        Ok(self.store.campaign(id).await?)
    }

    /// Applies a lifecycle command for `actor`.
    pub async fn change_campaign(
        &self,
        id: i64,
        action: CampaignAction,
        at: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        if action == CampaignAction::Schedule {
            let campaign = self.store.campaign(id).await?;
            self.check_message(&campaign.message_id)?;
        }
        self.transition(id, action, at, actor).await
    }

    /// Creates a campaign and says who will get a fallback language; with
    /// `strict`, refuses if anyone would.
    ///
    /// Strictly, the audience's languages are checked before anything is
    /// stored: a refused create leaves no campaign behind, so no worker can
    /// ever start it.
    pub async fn create_campaign_checked(
        &self,
        request: &CampaignRequest,
        strict: bool,
        actor: &Actor,
    ) -> Result<(Campaign, Vec<Fallback>), ScheduleError> {
        if strict {
            // Check before storing anything: a refused create leaves no trace.
            let mut list_ids = Vec::with_capacity(request.lists.len());
            for list in &request.lists {
                list_ids.push(self.store.list_id(list).await.map_err(AppError::from)?);
            }
            let languages = self
                .store
                .lists_audience_languages(&list_ids)
                .await
                .map_err(AppError::from)?;
            let fallbacks = self.fallbacks_for(&request.message_id, languages)?;
            if !fallbacks.is_empty() {
                return Err(FallbackRefused {
                    campaign_id: None,
                    message_id: request.message_id.clone(),
                    fallbacks,
                }
                .into());
            }
        }
        let campaign = self.create_campaign(request, actor).await?;
        let fallbacks = self.fallbacks(campaign.id).await?;
        Ok((campaign, fallbacks))
    }

    /// Schedules a draft and says who will get a fallback language; with
    /// `strict`, refuses (the campaign stays as it was) if anyone would.
    pub async fn schedule_campaign_checked(
        &self,
        id: i64,
        at: Option<DateTime<Utc>>,
        strict: bool,
        actor: &Actor,
    ) -> Result<(Campaign, Vec<Fallback>), ScheduleError> {
        let campaign = self.store.campaign(id).await.map_err(AppError::from)?;
        let fallbacks = self.fallbacks_of(&campaign).await?;
        if strict && !fallbacks.is_empty() {
            return Err(FallbackRefused {
                campaign_id: Some(id),
                message_id: campaign.message_id,
                fallbacks,
            }
            .into());
        }
        let campaign = self
            .change_campaign(id, CampaignAction::Schedule, at, actor)
            .await?;
        Ok((campaign, fallbacks))
    }

    /// Who in the campaign's audience will get a fallback language, grouped.
    pub async fn fallbacks(&self, id: i64) -> Result<Vec<Fallback>, AppError> {
        let campaign = self.store.campaign(id).await?;
        self.fallbacks_of(&campaign).await
    }

    async fn fallbacks_of(&self, campaign: &Campaign) -> Result<Vec<Fallback>, AppError> {
        let languages = self.store.audience_languages(campaign.id).await?;
        self.fallbacks_for(&campaign.message_id, languages)
    }

    /// Groups people by (their best locale, the locale the renderer will use
    /// for `message_id`) where the two differ: the translation lacks the
    /// message, or `locales check` finds errors that stop it formatting.
    fn fallbacks_for(
        &self,
        message_id: &str,
        languages: Vec<(String, i64)>,
    ) -> Result<Vec<Fallback>, AppError> {
        let catalogue = self.renderer().catalogue();
        let mut groups: std::collections::BTreeMap<(String, String), Fallback> = Default::default();
        for (language, people) in languages {
            let chain = catalogue.chain(&language);
            let resolved = catalogue.resolve(message_id, &chain);
            if let (Some(wanted), Some(resolved)) = (chain.first(), resolved)
                && *wanted != resolved.locale
            {
                let (wanted, used) = (wanted.to_string(), resolved.locale.to_string());
                let group = groups
                    .entry((wanted.clone(), used.clone()))
                    .or_insert_with(|| Fallback {
                        wanted,
                        used,
                        people: 0,
                        broken: resolved.skipped.into_iter().cloned().collect(),
                    });
                group.people += people;
            }
        }
        Ok(groups.into_values().collect())
    }

    /// The unsubscribe token a preview shows: signed, for nobody.
    fn sample_unsubscribe_token(&self) -> String {
        self.signer.sign(UnsubscribeToken {
            subscriber_id: 0,
            campaign_id: 0,
            link_key: LinkKey::SAMPLE,
        })
    }

    /// Renders a message as a sample person would get it (with a sample unsubscribe link).
    pub fn preview(
        &self,
        message_id: &str,
        language: &str,
        name: &str,
    ) -> Result<RenderedEmail, AppError> {
        self.check_message(message_id)?;
        let token = self.sample_unsubscribe_token();
        let url = self.composer.unsubscribe_url(&token);
        Ok(self.renderer().render(
            message_id,
            Personalisation {
                language,
                name,
                unsubscribe_url: &url,
            },
        )?)
    }

    /// Renders `message_id` in every catalogue locale for a sample person, each
    /// as the complete message [`crate::mail::MessageComposer::compose`] builds for a send.
    pub fn preview_all_locales(
        &self,
        message_id: &str,
        name: &str,
    ) -> Result<Vec<LocalePreview>, AppError> {
        self.check_message(message_id)?;
        let token = self.sample_unsubscribe_token();
        let url = self.composer.unsubscribe_url(&token);
        let key = DeliveryKey {
            campaign_id: 0,
            subscriber_id: 0,
        };
        let renderer = self.renderer();
        let mut previews = Vec::new();
        for locale in renderer.catalogue().locale_ids() {
            let language = locale.to_string();
            let email = renderer.render(
                message_id,
                Personalisation {
                    language: &language,
                    name,
                    unsubscribe_url: &url,
                },
            )?;
            let eml = self
                .composer
                .compose(&email, key, SAMPLE_ADDRESS, name, &token)?
                .formatted();
            previews.push(LocalePreview { locale, email, eml });
        }
        Ok(previews)
    }

    /// The locale chain a language tag negotiates to.
    pub fn chain(&self, language: &str) -> Vec<LanguageIdentifier> {
        self.catalogue().chain(language)
    }

    fn check_message(&self, id: &str) -> Result<(), AppError> {
        let known = self.renderer().catalogue().campaign_messages();
        if known.iter().any(|m| m == id) {
            Ok(())
        } else {
            Err(CatalogueError::UnknownMessage {
                id: id.to_owned(),
                known,
            }
            .into())
        }
    }
}
