//! Importing people from the browser: a CSV (UTF-8 or what Excel on Windows
//! saves), or an Excel workbook, into a list, with the line-by-line report on
//! the page.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::text::DashText;
use super::{failed, forged, page};
use crate::domain::{ListName, SubscriberStatus};
use crate::store::ListRef;
use crate::subscribers::ImportReport;
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;

#[derive(Template)]
#[template(path = "web/import.html")]
struct ImportPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    lists: Vec<ListRef>,
    /// The list chosen last time.
    list: String,
    report: Option<ImportReport>,
}

async fn show(
    state: &WebState,
    staff: &Staff,
    list: String,
    report: Option<ImportReport>,
) -> Response {
    let t = DashText::for_staff(state, staff);
    let lists = match state.app.store.list_refs().await {
        Ok(lists) => lists,
        Err(error) => return failed(state, staff, error),
    };
    let body = ImportPage {
        t: &t,
        user: &staff.session.token_name,
        csrf: &staff.session.csrf,
        lists,
        list,
        report,
    }
    .render();
    page(&t, StatusCode::OK, body)
}

/// `GET /dashboard/subscribers/import`: the upload form.
pub(super) async fn form(State(state): State<WebState>, staff: Staff) -> Response {
    show(&state, &staff, String::new(), None).await
}

/// The upload as sent: its fields, whatever their order.
#[derive(Default)]
struct Upload {
    csrf: String,
    list: String,
    file: Vec<u8>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        ApiError::invalid("unreadable_upload", e.body_text())
    };
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        match field.name().unwrap_or_default() {
            "csrf" => upload.csrf = field.text().await.map_err(refused)?,
            "list" => upload.list = field.text().await.map_err(refused)?,
            "file" => upload.file = field.bytes().await.map_err(refused)?.to_vec(),
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /dashboard/subscribers/import`: imports the file into the list as
/// confirmed people (the file records their consent), then shows the report.
pub(super) async fn upload(
    State(state): State<WebState>,
    staff: Staff,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let Ok(multipart) = multipart else {
        return forged(&t, Some(&staff));
    };
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(error) => return failed(&state, &staff, error),
    };
    if !staff.csrf_ok(&upload.csrf) {
        return forged(&t, Some(&staff));
    }
    let result: Result<ImportReport, ApiError> = async {
        let list = ListName::parse(&upload.list)?;
        if upload.file.is_empty() {
            return Err(ApiError::invalid("empty_upload", "choose a file to import"));
        }
        let source = format!("dashboard upload ({})", staff.session.token_name);
        let report = state
            .app
            .import_subscribers_off_runtime(
                upload.file,
                &source,
                &staff.session.actor(),
                Some(&list),
                SubscriberStatus::Confirmed,
            )
            .await?;
        Ok(report)
    }
    .await;
    match result {
        Ok(report) => {
            tracing::info!(
                created = report.summary.created,
                updated = report.summary.updated,
                rejected = report.rejected.len(),
                "subscribers imported from the dashboard"
            );
            show(&state, &staff, upload.list, Some(report)).await
        }
        Err(error) => failed(&state, &staff, error),
    }
}
