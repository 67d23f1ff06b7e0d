//! The public pages, in the visitor's language: subscribe (double opt-in),
//! confirm, unsubscribe (RFC 8058 one-click).
//!
//! Nothing here says whether an address is subscribed: every valid sign-up gets
//! the same "check your inbox" page, and a confirmation is mailed only when
//! clicking it would change something (a new, unconfirmed or unsubscribed
//! address, or a confirmed one asking for a list it is not on). Mails go out in
//! the background so the response time does not tell either.

mod links;
mod subscribe;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::i18n::{Language, PageText};
use super::page::html;
use super::ratelimit;
use super::state::WebState;
use crate::domain::LanguageTag;
use crate::store::StoreError;

/// Middleware: refuses over-limit clients with 429 and `Retry-After`.
pub(super) async fn limit(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    match state.limiter.check(ratelimit::client_key(address)) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            too_many_requests(&state, request.headers(), request.uri(), retry_after)
        }
    }
}

/// The public pages (rate-limited by the caller).
pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/subscribe") }))
        .route(
            "/subscribe",
            get(subscribe::subscribe_form).post(subscribe::subscribe),
        )
        .merge(links::routes())
}

/// What every public page shows around its content.
struct Page<'a> {
    t: &'a PageText<'a>,
    lang: String,
    org: String,
    languages: Vec<Language>,
    /// The language switcher's links up to the tag: the page's own address with
    /// its other parameters, so switching language keeps, e.g., the list.
    switch: String,
    postal_address: &'a str,
}

impl<'a> Page<'a> {
    /// The frame of page `here`, whose switcher keeps `list` (a list that exists).
    fn new(state: &'a WebState, t: &'a PageText<'a>, here: &str, list: Option<&str>) -> Self {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(list) = list {
            query.append_pair("list", list);
        }
        let query = query.finish();
        let switch = if query.is_empty() {
            format!("{here}?lang=")
        } else {
            format!("{here}?{query}&lang=")
        };
        Self {
            lang: t.lang(),
            org: t.get("web-org-name"),
            languages: t.languages(),
            switch,
            postal_address: &state.app.settings.postal_address,
            t,
        }
    }
}

#[derive(Template)]
#[template(path = "web/notice.html")]
struct NoticePage<'a> {
    page: Page<'a>,
    title: String,
    body: String,
    button: Option<Button>,
}

/// The one button a notice page may carry: a form posting to `action`.
struct Button {
    action: String,
    label: String,
    /// Whether the form is RFC 8058's one-click request (the unsubscribe page);
    /// any other form must not carry the pair.
    one_click: bool,
}

/// A notice page: title and text from `{key}-title` and `{key}-body`, and
/// optionally a button (`(action, label key, one-click)`).
fn notice(
    state: &WebState,
    t: &PageText<'_>,
    here: &str,
    status: StatusCode,
    key: &str,
    button: Option<(String, &str, bool)>,
) -> Response {
    let page = NoticePage {
        page: Page::new(state, t, here, None),
        title: t.get(&format!("{key}-title")),
        body: t.get(&format!("{key}-body")),
        button: button.map(|(action, label, one_click)| Button {
            action,
            label: t.get(label),
            one_click,
        }),
    };
    html(status, &t.lang(), page.render())
}

/// A bare 500: the cause goes to the log, never to the visitor.
fn server_error(error: StoreError) -> Response {
    tracing::error!(%error, "public page failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The 429 page, in the visitor's language, with `Retry-After`.
pub(super) fn too_many_requests(
    state: &WebState,
    headers: &HeaderMap,
    uri: &Uri,
    seconds: u64,
) -> Response {
    let query = PageQuery::parse(uri.query());
    let t = PageText::for_request(state.app.catalogue(), query.lang.as_deref(), headers);
    // The list is not looked up here (a limited client gets no database work);
    // it only goes back into a link, and the page it leads to checks it.
    let page = NoticePage {
        page: Page::new(state, &t, uri.path(), query.list.as_deref()),
        title: t.get("web-rate-limited-title"),
        body: t.with("web-rate-limited-body", "seconds", seconds),
        button: None,
    };
    let mut response = html(StatusCode::TOO_MANY_REQUESTS, &t.lang(), page.render());
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// `?lang=` and `?list=` of a public page.
#[derive(Debug, Default)]
struct PageQuery {
    lang: Option<String>,
    list: Option<String>,
}

impl PageQuery {
    /// Read leniently (first value wins, anything else ignored): a mangled link
    /// still shows the page rather than a bare error.
    fn parse(query: Option<&str>) -> Self {
        let mut parsed = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let slot = match key.as_ref() {
                "lang" => &mut parsed.lang,
                "list" => &mut parsed.list,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
        parsed
    }
}

/// The words for a page about a known person: `?lang=` first, then their own
/// language, then the browser's.
async fn page_text_for<'a>(
    state: &'a WebState,
    chosen: Option<&str>,
    subscriber_id: Option<i64>,
    headers: &HeaderMap,
) -> PageText<'a> {
    let catalogue = state.app.catalogue();
    if chosen.is_none()
        && let Some(id) = subscriber_id
        && let Ok(person) = state.app.store.subscriber(id).await
        && LanguageTag::parse(&person.language).is_some()
    {
        return PageText::for_tag(catalogue, &person.language);
    }
    PageText::for_request(catalogue, chosen, headers)
}
