//! The lists, for managers and administrators: head counts, create, rename,
//! delete (its people stay; a list campaigns were sent to stays too).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::form::SignedForm;
use super::text::DashText;
use super::{Done, failed, page};
use crate::domain::ListName;
use crate::store::{ListSummary, now_millis};
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;

#[derive(Template)]
#[template(path = "web/lists.html")]
struct ListsPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    lists: Vec<ListSummary>,
    /// What just happened, as a message id.
    notice: Option<&'static str>,
}

/// `GET /dashboard/lists`.
pub(super) async fn lists(State(state): State<WebState>, staff: Staff, done: Done) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let notice = done.notice(&[
        ("created", "dash-lists-created"),
        ("renamed", "dash-lists-renamed"),
        ("deleted", "dash-lists-deleted"),
    ]);
    match state.app.store.lists().await {
        Ok(lists) => {
            let body = ListsPage {
                t: &t,
                user: &staff.session.token_name,
                csrf: &staff.session.csrf,
                lists,
                notice,
            }
            .render();
            page(&t, StatusCode::OK, body)
        }
        Err(error) => failed(&state, &staff, error),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct ListForm {
    name: String,
    /// Deleting must be confirmed: `yes`.
    confirm: String,
}

/// `POST /dashboard/lists`: creates a list.
pub(super) async fn create(
    State(state): State<WebState>,
    staff: Staff,
    SignedForm(form): SignedForm<ListForm>,
) -> Response {
    change(&state, &staff, None, "create", form).await
}

/// `POST /dashboard/lists/{id}/{action}`: `rename` or `delete`.
pub(super) async fn act(
    State(state): State<WebState>,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    SignedForm(form): SignedForm<ListForm>,
) -> Response {
    change(&state, &staff, Some(&id), &action, form).await
}

async fn change(
    state: &WebState,
    staff: &Staff,
    id: Option<&str>,
    action: &str,
    form: ListForm,
) -> Response {
    let result: Result<&str, ApiError> = async {
        let store = &state.app.store;
        let actor = staff.session.actor();
        let name = || ListName::parse(&form.name);
        let id = match id {
            Some(id) => Some(
                id.parse::<i64>()
                    .map_err(|_| ApiError::not_found("list_not_found", "there is no such list"))?,
            ),
            None => None,
        };
        match (action, id) {
            ("create", None) => {
                let name = name()?;
                let (_, created) = store.ensure_list(&name, now_millis(), &actor).await?;
                if !created {
                    return Err(crate::store::StoreError::ListExists(name.to_string()).into());
                }
                Ok("created")
            }
            ("rename", Some(id)) => {
                store.rename_list(id, &name()?, &actor).await?;
                Ok("renamed")
            }
            ("delete", Some(id)) if form.confirm == "yes" => {
                store.delete_list(id, &actor).await?;
                Ok("deleted")
            }
            ("delete", Some(_)) => Err(ApiError::invalid(
                "unconfirmed",
                "tick the box to confirm the deletion",
            )),
            _ => Err(ApiError::not_found(
                "no_such_action",
                format!("`{action}` is not an action on a list"),
            )),
        }
    }
    .await;
    match result {
        Ok(done) => {
            tracing::info!(action, "list changed from the dashboard");
            Redirect::to(&format!("/dashboard/lists?done={done}")).into_response()
        }
        Err(error) => failed(state, staff, error),
    }
}
