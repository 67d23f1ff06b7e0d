//! Subscriber import shared by the CLI and the HTTP API.

use std::io::Read;

use crate::app::{App, AppError};
use crate::domain::{Actor, AuditAction, AuditEntry, Detail, ListName, Subject, SubscriberStatus};
use crate::import::{ImportError, LineNote, ParsedCsv, parse_csv};
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

impl<R> App<R> {
    /// Imports CSV rows for `actor`, adding everyone to `list` when given.
    ///
    /// `on_progress` is called with the number of rows stored so far.
    pub async fn import_subscribers(
        &self,
        csv: impl Read,
        source: &str,
        actor: &Actor,
        list: Option<&ListName>,
        status: SubscriberStatus,
        on_progress: impl FnMut(u64, u64),
    ) -> Result<ImportReport, AppError> {
        let list_id = self.import_list(list).await?;
        let parsed = parse_csv(csv)?;
        self.store_import(parsed, source, actor, list_id, status, on_progress)
            .await
    }

    /// [`App::import_subscribers`] for a server: the file is read on a
    /// blocking thread, so a big upload does not hold up the async threads
    /// that answer every other request.
    pub async fn import_subscribers_off_runtime(
        &self,
        csv: impl AsRef<[u8]> + Send + 'static,
        source: &str,
        actor: &Actor,
        list: Option<&ListName>,
        status: SubscriberStatus,
    ) -> Result<ImportReport, AppError> {
        let list_id = self.import_list(list).await?;
        let parsed = tokio::task::spawn_blocking(move || parse_csv(csv.as_ref()))
            .await
            .map_err(|e| AppError::Invalid(format!("the file could not be read: {e}")))??;
        self.store_import(parsed, source, actor, list_id, status, |_, _| {})
            .await
    }

    /// Resolves the list first: an unknown list must not leave half an import behind.
    async fn import_list(&self, list: Option<&ListName>) -> Result<Option<i64>, AppError> {
        Ok(match list {
            Some(name) => Some(self.store.list_id(name).await?),
            None => None,
        })
    }

    /// Stores the rows in chunks, one transaction each, then records one
    /// audit event with the counts: an event per chunk would say nothing more.
    async fn store_import(
        &self,
        parsed: ParsedCsv,
        source: &str,
        actor: &Actor,
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
        let detail = Detail::default()
            .count("created", summary.created as i64)
            .count("updated", summary.updated as i64)
            .count("rejected", parsed.rejected.len() as i64);
        let subject = list_id.map(Subject::list);
        let entry = AuditEntry::new(actor, AuditAction::SubscribersImported, subject);
        self.store.record(&entry.with(detail)).await?;
        Ok(ImportReport {
            summary,
            rejected: parsed.rejected,
            warnings: parsed.warnings,
        })
    }
}

/// A file that cannot be read is the disk's fault (a 500, and the CLI says
/// so); a file whose header makes no sense is the request's (a 422).
impl From<ImportError> for AppError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Io(error) => AppError::Io {
                doing: "cannot read the CSV file".into(),
                error,
            },
            other => AppError::Invalid(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that fails as a full or broken disk does.
    struct BrokenDisk;

    impl Read for BrokenDisk {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("input/output error"))
        }
    }

    #[test]
    fn a_file_that_cannot_be_read_is_an_io_error_not_invalid_input() {
        let error = AppError::from(parse_csv(BrokenDisk).unwrap_err());
        assert!(matches!(error, AppError::Io { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "cannot read the CSV file: input/output error"
        );
        let header = AppError::from(parse_csv("nope\n".as_bytes()).unwrap_err());
        assert!(matches!(header, AppError::Invalid(_)), "{header:?}");
    }
}
