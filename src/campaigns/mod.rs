//! Campaign management shared by the CLI and the HTTP API: validation against
//! the catalogue and the lists, lifecycle commands, fallback checks, retries
//! and previews.

mod fallbacks;
mod previews;
mod retry;

use chrono::{DateTime, Utc};

pub use self::fallbacks::{Fallback, FallbackRefused, ScheduleError};
pub use self::previews::{LocalePreview, SAMPLE_ADDRESS, SAMPLE_NAME};
pub use self::retry::{RETRY_REASON_CHARS, Retried};
use crate::app::{App, AppError};
use crate::catalogue::CatalogueError;
use crate::domain::{Actor, AuditAction, CampaignStatus, ListName};
use crate::store::{Campaign, NewCampaign, now_millis};

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

impl CampaignAction {
    /// The command as one that needs no catalogue; none for scheduling.
    pub fn steer(self) -> Option<Steer> {
        match self {
            CampaignAction::Schedule => None,
            CampaignAction::Pause => Some(Steer::Pause),
            CampaignAction::Resume => Some(Steer::Resume),
            CampaignAction::Cancel => Some(Steer::Cancel),
        }
    }
}

impl<R> App<R> {
    /// Pauses, resumes or cancels campaign `id`, by `actor`.
    pub async fn steer_campaign(
        &self,
        id: i64,
        steer: Steer,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        let (to, audit) = match steer {
            Steer::Pause => (CampaignStatus::Paused, AuditAction::CampaignPaused),
            Steer::Resume => (CampaignStatus::Running, AuditAction::CampaignResumed),
            Steer::Cancel => (CampaignStatus::Cancelled, AuditAction::CampaignCancelled),
        };
        Ok(self
            .store
            .transition_campaign(id, to, None, now_millis(), actor, audit)
            .await?)
    }

    /// The ids of the lists named, each of which must exist.
    async fn list_ids(&self, lists: &[ListName]) -> Result<Vec<i64>, AppError> {
        let mut ids = Vec::with_capacity(lists.len());
        for list in lists {
            ids.push(self.store.list_id(list).await?);
        }
        Ok(ids)
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
        let list_ids = self.list_ids(&request.lists).await?;
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

    /// Applies a lifecycle command for `actor`; `at` is the schedule's time.
    pub async fn change_campaign(
        &self,
        id: i64,
        action: CampaignAction,
        at: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        match action.steer() {
            Some(steer) => self.steer_campaign(id, steer, actor).await,
            None => self.schedule_campaign(id, at, actor).await,
        }
    }

    /// Schedules draft `id` (at `at`, default now) once its message is known.
    async fn schedule_campaign(
        &self,
        id: i64,
        at: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<Campaign, AppError> {
        let campaign = self.store.campaign(id).await?;
        self.check_message(&campaign.message_id)?;
        let at = at.map(|t| t.timestamp_millis());
        let audit = AuditAction::CampaignScheduled;
        Ok(self
            .store
            .transition_campaign(
                id,
                CampaignStatus::Scheduled,
                at,
                now_millis(),
                actor,
                audit,
            )
            .await?)
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
