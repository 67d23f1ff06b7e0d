//! The people on the lists, for managers and administrators: search, a
//! person's page (lists, language, consent record, deliveries by campaign),
//! changing her language or region, unsubscribing her, and erasing her after
//! a confirmation step.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::form::SignedForm;
use super::text::DashText;
use super::{Done, failed, page};
use crate::domain::{Region, SubscriberStatus};
use crate::store::{FoundSubscriber, ListRef, PersonRecord, Subscriber, now_millis};
use crate::web::api::search::SearchQuery;
use crate::web::api::subscribers;
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;

#[derive(Template)]
#[template(path = "web/people.html")]
struct PeoplePage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    query: &'a SearchQuery,
    lists: Vec<ListRef>,
    people: Vec<FoundSubscriber>,
    /// The address of the next page, with the same filters.
    next: Option<String>,
    /// What just happened, as a message id (someone erased: the page she was on is gone).
    notice: Option<&'static str>,
}

/// `GET /dashboard/subscribers`: the search form and a page of results.
pub(super) async fn search(
    State(state): State<WebState>,
    staff: Staff,
    query: Result<Query<SearchQuery>, QueryRejection>,
    done: Done,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let notice = done.notice(&[("erased", "dash-people-erased")]);
    // A mangled query shows the empty form rather than an error.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result: Result<Response, ApiError> = async {
        let found = state
            .app
            .store
            .search_subscribers(&query.resolve(&state).await?)
            .await?;
        let next = found.next.map(|after| next_page(&query, after));
        let body = PeoplePage {
            t: &t,
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            query: &query,
            lists: state.app.store.list_refs().await?,
            people: found.people,
            next,
            notice,
        }
        .render();
        Ok(page(&t, StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(&state, &staff, e))
}

/// The next page's address: the same filters, after `after`.
fn next_page(query: &SearchQuery, after: i64) -> String {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("q", &query.q),
        ("status", &query.status),
        ("list", &query.list),
        ("region", &query.region),
        ("language", &query.language),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            url.append_pair(key, value);
        }
    }
    url.append_pair("after", &after.to_string());
    format!("/dashboard/subscribers?{}", url.finish())
}

#[derive(Template)]
#[template(path = "web/person.html")]
struct PersonPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    person: Subscriber,
    lists: Vec<String>,
    record: PersonRecord,
    /// Her state allows unsubscribing her.
    may_unsubscribe: bool,
    /// Asking to confirm the erasure.
    confirm_erase: bool,
}

/// A subscriber id from a dashboard address; anything else names no one.
fn person_id(text: &str) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found("subscriber_not_found", "there is no such subscriber"))
}

async fn person_page(state: &WebState, staff: &Staff, id: &str, confirm_erase: bool) -> Response {
    let t = DashText::for_staff(state, staff);
    let result: Result<Response, ApiError> = async {
        let id = person_id(id)?;
        let store = &state.app.store;
        let person = store.subscriber(id).await?;
        let body = PersonPage {
            t: &t,
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            lists: store.subscriber_lists(id).await?,
            record: store.person_record(id).await?,
            may_unsubscribe: matches!(
                person.status,
                SubscriberStatus::Confirmed | SubscriberStatus::Unconfirmed
            ),
            person,
            confirm_erase,
        }
        .render();
        Ok(page(&t, StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(state, staff, e))
}

/// `GET /dashboard/subscribers/{id}`: a person's page.
pub(super) async fn person(
    State(state): State<WebState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    person_page(&state, &staff, &id, false).await
}

/// `GET /dashboard/subscribers/{id}/erase`: her page, asking to confirm the erasure.
pub(super) async fn confirm_erase(
    State(state): State<WebState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    person_page(&state, &staff, &id, true).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct PersonForm {
    language: String,
    region: String,
    /// The erasure's confirmation: must be `yes`.
    confirm: String,
}

/// `POST /dashboard/subscribers/{id}/{action}`: `profile` (language and
/// region), `unsubscribe`, or `erase` (confirmed).
pub(super) async fn act(
    State(state): State<WebState>,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    SignedForm(form): SignedForm<PersonForm>,
) -> Response {
    act_on(&state, &staff, &id, &action, form).await
}

/// `POST /dashboard/subscribers/{id}/erase` (its address also shows the confirmation).
pub(super) async fn erase(
    State(state): State<WebState>,
    staff: Staff,
    Path(id): Path<String>,
    SignedForm(form): SignedForm<PersonForm>,
) -> Response {
    act_on(&state, &staff, &id, "erase", form).await
}

async fn act_on(
    state: &WebState,
    staff: &Staff,
    id: &str,
    action: &str,
    form: PersonForm,
) -> Response {
    let result: Result<String, ApiError> = async {
        let id = person_id(id)?;
        let store = &state.app.store;
        let now = now_millis();
        let actor = staff.session.actor();
        store.subscriber(id).await?;
        match action {
            "profile" => {
                let language = subscribers::language(&form.language)?;
                let region = Region::parse(&form.region).map_err(subscribers::too_long)?;
                store
                    .update_subscriber_profile(
                        id,
                        Some(&language),
                        Some(region.as_str()),
                        now,
                        &actor,
                    )
                    .await?;
                tracing::info!(
                    subscriber_id = id,
                    "subscriber profile changed from the dashboard"
                );
            }
            "unsubscribe" => {
                store.unsubscribe(id, now, Some(&actor)).await?;
                tracing::info!(
                    subscriber_id = id,
                    "subscriber unsubscribed from the dashboard"
                );
            }
            "erase" if form.confirm == "yes" => {
                store.delete_subscriber(id, now, &actor).await?;
                tracing::info!(subscriber_id = id, "subscriber erased from the dashboard");
                return Ok("/dashboard/subscribers?done=erased".to_owned());
            }
            "erase" => return Ok(format!("/dashboard/subscribers/{id}/erase")),
            _ => {
                return Err(ApiError::not_found(
                    "no_such_action",
                    format!("`{action}` is not an action on a person"),
                ));
            }
        }
        Ok(format!("/dashboard/subscribers/{id}"))
    }
    .await;
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(error) => failed(state, staff, error),
    }
}
