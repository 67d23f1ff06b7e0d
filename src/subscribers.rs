//! Subscriber import shared by the CLI and the HTTP API.

use std::io::Read;

use crate::app::{App, AppError};
use crate::domain::{ListName, SubscriberStatus};
use crate::import::{LineNote, ParsedCsv, parse_csv};
use crate::store::{Consent, ImportSummary, now_millis};

/// What an import did, line by line where something was wrong.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Rows stored (created or updated).
    pub summary: ImportSummary,
    /// Rows refused, with line and reason.
    pub rejected: Vec<LineNote>,
    /// Rows stored with a caveat.
    pub warnings: Vec<LineNote>,
}

/// Rows per database call, so progress can be shown on long imports.
const PROGRESS_STEP: usize = 5000;

impl App {
    /// Imports CSV rows, adding everyone to `list` when given.
    ///
    /// `on_progress` is called with the number of rows stored so far.
    pub async fn import_subscribers(
        &self,
        csv: impl Read,
        source: &str,
        list: Option<&ListName>,
        status: SubscriberStatus,
        on_progress: impl FnMut(u64, u64),
    ) -> Result<ImportReport, AppError> {
        let list_id = self.import_list(list).await?;
        let parsed = parse_csv(csv).map_err(|e| AppError::Invalid(e.to_string()))?;
        self.store_import(parsed, source, list_id, status, on_progress)
            .await
    }

    /// [`App::import_subscribers`] for a server: the file is read on a
    /// blocking thread, so a big upload does not hold up the async threads
    /// that answer every other request.
    pub async fn import_subscribers_off_runtime(
        &self,
        csv: impl AsRef<[u8]> + Send + 'static,
        source: &str,
        list: Option<&ListName>,
        status: SubscriberStatus,
    ) -> Result<ImportReport, AppError> {
        let list_id = self.import_list(list).await?;
        let parsed = tokio::task::spawn_blocking(move || parse_csv(csv.as_ref()))
            .await
            .map_err(|e| AppError::Invalid(format!("the file could not be read: {e}")))?
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        self.store_import(parsed, source, list_id, status, |_, _| {})
            .await
    }

    /// Resolves the list first: an unknown list must not leave half an import behind.
    async fn import_list(&self, list: Option<&ListName>) -> Result<Option<i64>, AppError> {
        Ok(match list {
            Some(name) => Some(self.store.list_id(name).await?),
            None => None,
        })
    }

    async fn store_import(
        &self,
        parsed: ParsedCsv,
        source: &str,
        list_id: Option<i64>,
        status: SubscriberStatus,
        mut on_progress: impl FnMut(u64, u64),
    ) -> Result<ImportReport, AppError> {
        let consent = Consent {
            status,
            source: format!("csv import: {source}"),
        };
        let total = parsed.subscribers.len() as u64;
        let mut summary = ImportSummary::default();
        for chunk in parsed.subscribers.chunks(PROGRESS_STEP) {
            let done = self
                .store
                .upsert_subscribers(chunk, &consent, list_id, now_millis())
                .await?;
            summary.created += done.created;
            summary.updated += done.updated;
            on_progress(summary.created + summary.updated, total);
        }
        Ok(ImportReport {
            summary,
            rejected: parsed.rejected,
            warnings: parsed.warnings,
        })
    }
}
