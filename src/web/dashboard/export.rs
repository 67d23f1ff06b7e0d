//! A list's people as a CSV file, for managers and administrators: every
//! cell neutralised against spreadsheet formulas, and every export recorded
//! in the audit log before a byte leaves (an export that cannot be recorded
//! does not happen).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::failed;
use crate::domain::{AuditAction, AuditEntry, Detail, Subject};
use crate::store::SubscriberSearch;
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;

/// `GET /dashboard/lists/{id}/export.csv`.
pub(super) async fn export(
    State(state): State<WebState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    let result: Result<Response, ApiError> = async {
        let id: i64 = id
            .parse()
            .map_err(|_| ApiError::not_found("list_not_found", "there is no such list"))?;
        let store = &state.app.store;
        if !store.list_refs().await?.iter().any(|l| l.id == id) {
            return Err(ApiError::not_found(
                "list_not_found",
                "there is no such list",
            ));
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        let csv_failed = |e: csv::Error| ApiError::Internal(Box::new(e));
        crate::csv_cell::write_record(&mut out, ["email", "name", "language", "region", "status"])
            .map_err(csv_failed)?;
        let mut search = SubscriberSearch {
            list_id: Some(id),
            limit: SubscriberSearch::MAX_LIMIT,
            ..Default::default()
        };
        let mut people = 0;
        loop {
            let page = store.search_subscribers(&search).await?;
            for p in &page.people {
                crate::csv_cell::write_record(
                    &mut out,
                    [&p.email, &p.name, &p.language, &p.region, &p.status],
                )
                .map_err(csv_failed)?;
                people += 1;
            }
            match page.next {
                Some(after) => search.after = Some(after),
                None => break,
            }
        }
        let body = out
            .into_inner()
            .map_err(|e| ApiError::Internal(Box::new(e.into_error())))?;
        let entry = AuditEntry::new(
            &staff.session.actor(),
            AuditAction::SubscribersExported,
            Some(Subject::list(id)),
        )
        .with(Detail::default().count("people", people));
        store.record(&entry).await?;
        tracing::info!(list_id = id, people, "list exported from the dashboard");
        let mut response = (StatusCode::OK, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        // The list's id, not its name: a name is the staff's text, a header is not the place for it.
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"list-{id}.csv\""))
        {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        Ok(response)
    }
    .await;
    result.unwrap_or_else(|e| failed(&state, &staff, e))
}
