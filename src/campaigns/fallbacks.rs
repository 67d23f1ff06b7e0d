//! Who would get a campaign's message in another language than their own,
//! and the strict create and schedule that refuse when anyone would.

use chrono::{DateTime, Utc};

use super::CampaignRequest;
use crate::app::{App, AppError};
use crate::catalogue::check::Diagnostic;
use crate::domain::Actor;
use crate::store::Campaign;

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

impl App {
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
            let list_ids = self.list_ids(&request.lists).await?;
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
        let campaign = self.schedule_campaign(id, at, actor).await?;
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
}
