//! The public pages, in the visitor's language: subscribe (double opt-in),
//! confirm, unsubscribe (RFC 8058 one-click).
//!
//! Nothing here says whether an address is subscribed: every valid sign-up gets
//! the same "check your inbox" page, and a confirmation is mailed only when
//! clicking it would change something (a new, unconfirmed or unsubscribed
//! address, or a confirmed one asking for a list it is not on). Mails go out in
//! the background so the response time does not tell either.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::WebState;
use super::auth::{self, FORM_COOKIE};
use super::confirm::{ConfirmToken, ConfirmTokenError, ConfirmationMail};
use super::i18n::{Language, Words};
use crate::domain::{EmailAddress, LanguageTag, ListName, SubscriberStatus};
use crate::store::{ConfirmOutcome, NewSubscriber, StoreError, now_millis};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/subscribe") }))
        .route("/subscribe", get(subscribe_form).post(subscribe))
        .route("/confirm/{token}", get(confirm_page).post(confirm))
        .route("/u/{token}", get(unsubscribe_page).post(unsubscribe))
}

/// What every public page shows around its content.
struct Page<'a> {
    t: &'a Words<'a>,
    lang: String,
    org: String,
    languages: Vec<Language>,
    here: String,
    postal_address: &'a str,
}

impl<'a> Page<'a> {
    fn new(state: &'a WebState, t: &'a Words<'a>, here: &str) -> Self {
        Self {
            lang: t.lang(),
            org: t.get("web-org-name"),
            languages: t.languages(),
            here: here.to_owned(),
            postal_address: &state.app.settings.postal_address,
            t,
        }
    }
}

#[derive(Template)]
#[template(path = "web/subscribe.html")]
struct SubscribePage<'a> {
    page: Page<'a>,
    title: String,
    csrf: &'a str,
    error: Option<String>,
    email: &'a str,
    name: &'a str,
    region: &'a str,
    list: Option<String>,
}

#[derive(Template)]
#[template(path = "web/notice.html")]
struct NoticePage<'a> {
    page: Page<'a>,
    title: String,
    body: String,
    action: Option<String>,
    button: String,
}

/// An HTML response with the headers every page carries.
pub(super) fn html(
    status: StatusCode,
    lang: &str,
    body: Result<String, askama::Error>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "page template failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    if let Ok(lang) = HeaderValue::from_str(lang) {
        headers.insert(header::CONTENT_LANGUAGE, lang);
    }
    response
}

fn notice(
    state: &WebState,
    t: &Words<'_>,
    here: &str,
    status: StatusCode,
    key: &str,
    action: Option<(String, &str)>,
) -> Response {
    let page = NoticePage {
        page: Page::new(state, t, here),
        title: t.get(&format!("{key}-title")),
        body: t.get(&format!("{key}-body")),
        button: action.as_ref().map(|(_, b)| t.get(b)).unwrap_or_default(),
        action: action.map(|(a, _)| a),
    };
    html(status, &t.lang(), page.render())
}

fn server_error(state: &WebState, t: &Words<'_>, here: &str, error: StoreError) -> Response {
    tracing::error!(%error, "public page failed");
    let _ = (state, t, here);
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The 429 page, in the visitor's language, with `Retry-After`.
pub(super) fn too_many_requests(
    state: &WebState,
    headers: &HeaderMap,
    uri: &Uri,
    seconds: u64,
) -> Response {
    let lang = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    let t = Words::for_request(state.app.catalogue(), lang.as_deref(), headers);
    let page = NoticePage {
        page: Page::new(state, &t, uri.path()),
        title: t.get("web-rate-limited-title"),
        body: t.with("web-rate-limited-body", "seconds", seconds),
        action: None,
        button: String::new(),
    };
    let mut response = html(StatusCode::TOO_MANY_REQUESTS, &t.lang(), page.render());
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PageQuery {
    lang: Option<String>,
    list: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct SubscribeForm {
    csrf: String,
    lang: Option<String>,
    email: String,
    name: String,
    language: String,
    region: String,
    list: Option<String>,
}

fn with_form_cookie(
    state: &WebState,
    mut response: Response,
    token: &str,
    fresh: bool,
) -> Response {
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, token, 24 * 3600, state.secure_cookies),
        );
    }
    response
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &WebState,
    t: &Words<'_>,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    form: &SubscribeForm,
    list: Option<String>,
) -> Response {
    let (csrf, fresh) = auth::form_token(headers);
    let page = SubscribePage {
        page: Page::new(state, t, "/subscribe"),
        title: t.get("web-subscribe-title"),
        csrf: &csrf,
        error,
        email: &form.email,
        name: &form.name,
        region: &form.region,
        list,
    };
    let response = html(status, &t.lang(), page.render());
    with_form_cookie(state, response, &csrf, fresh)
}

async fn subscribe_form(
    State(state): State<WebState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let t = Words::for_request(state.app.catalogue(), query.lang.as_deref(), &headers);
    let list = query.list.filter(|l| !l.trim().is_empty());
    form_page(
        &state,
        &t,
        &headers,
        StatusCode::OK,
        None,
        &SubscribeForm::default(),
        list,
    )
}

async fn subscribe(
    State(state): State<WebState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SubscribeForm>,
) -> Response {
    let t = Words::for_request(state.app.catalogue(), form.lang.as_deref(), &headers);
    let list_name = form.list.clone().filter(|l| !l.trim().is_empty());
    let refuse = |status, key: &str| {
        form_page(
            &state,
            &t,
            &headers,
            status,
            Some(t.get(key)),
            &form,
            list_name.clone(),
        )
    };
    if !auth::form_token_ok(&headers, &form.csrf) {
        return refuse(StatusCode::FORBIDDEN, "web-error-form");
    }
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "web-error-email");
    };
    let list_id = match list_name.as_deref().map(ListName::parse) {
        None => None,
        Some(Err(_)) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, "web-error-list"),
        Some(Ok(name)) => match state.app.store.list_id(&name).await {
            Ok(id) => Some(id),
            Err(StoreError::UnknownList(_)) => {
                return refuse(StatusCode::UNPROCESSABLE_ENTITY, "web-error-list");
            }
            Err(error) => return server_error(&state, &t, "/subscribe", error),
        },
    };
    // Only the catalogue's own locales are offered; anything else is the page's.
    let language = LanguageTag::parse(&form.language)
        .filter(|tag| {
            state
                .app
                .catalogue()
                .locale_ids()
                .contains(tag.identifier())
        })
        .map_or_else(|| t.lang(), |tag| tag.to_string());
    let person = NewSubscriber {
        email,
        name: clip(&form.name, 200),
        language,
        region: clip(&form.region, 100),
    };
    if let Err(error) = sign_up(&state, person, list_id).await {
        return server_error(&state, &t, "/subscribe", error);
    }
    notice(
        &state,
        &t,
        "/subscribe",
        StatusCode::OK,
        "web-check-inbox",
        None,
    )
}

fn clip(text: &str, max: usize) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect()
}

/// Records the sign-up and, when clicking a confirmation would change
/// something, mails one (at most once per resend interval per person).
async fn sign_up(
    state: &WebState,
    person: NewSubscriber,
    list_id: Option<i64>,
) -> Result<(), StoreError> {
    let store = &state.app.store;
    let now = now_millis();
    let created = store
        .create_subscriber(&person, SubscriberStatus::Unconfirmed, "web form", &[], now)
        .await?;
    let (id, worth_mailing) = match created {
        Some(id) => (id, true),
        None => {
            let Some(known) = store.signup_state(&person.email.key()).await? else {
                return Ok(());
            };
            let worth = match known.status {
                SubscriberStatus::Unconfirmed | SubscriberStatus::Unsubscribed => true,
                SubscriberStatus::Confirmed => match list_id {
                    Some(list_id) => !store.is_member(list_id, known.id).await?,
                    None => false,
                },
                // A dead address: mailing it again only hurts our reputation.
                SubscriberStatus::Bounced => false,
            };
            (known.id, worth)
        }
    };
    let interval = state.config.confirm_resend_interval.as_millis() as i64;
    if !worth_mailing || !store.claim_confirmation_mail(id, now, interval).await? {
        return Ok(());
    }
    // The stored profile decides the mail's language: for a known address the
    // form may have been filled in by someone else.
    let subscriber = store.subscriber(id).await?;
    let token = state.confirm.sign(ConfirmToken {
        subscriber_id: id,
        list_id,
        issued_at: now,
    });
    let state = state.clone();
    tokio::spawn(async move {
        let t = Words::for_tag(state.app.catalogue(), &subscriber.language);
        let url = public_link(&state, "confirm", &token);
        let mail = ConfirmationMail {
            to: &subscriber.email,
            url: &url,
            ttl_hours: state.config.confirm_ttl.as_secs() / 3600,
        };
        match mail.send(&state.app, &t, &state.transport).await {
            Ok(()) => tracing::info!(subscriber_id = id, "confirmation mail sent"),
            // The error may quote an SMTP reply naming the address: log its kind only.
            Err(error) => tracing::warn!(
                subscriber_id = id,
                kind = error.kind(),
                "confirmation mail not sent"
            ),
        }
    });
    Ok(())
}

/// `{public_url}/{kind}/{token}`.
fn public_link(state: &WebState, kind: &str, token: &str) -> String {
    let mut url = state.app.settings.public_url.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(kind).push(token);
    }
    url.to_string()
}

/// The words for a page about a known person: `?lang=` first, then their own
/// language, then the browser's.
async fn words_for<'a>(
    state: &'a WebState,
    chosen: Option<&str>,
    subscriber_id: Option<i64>,
    headers: &HeaderMap,
) -> Words<'a> {
    let catalogue = state.app.catalogue();
    if chosen.is_none()
        && let Some(id) = subscriber_id
        && let Ok(person) = state.app.store.subscriber(id).await
        && LanguageTag::parse(&person.language).is_some()
    {
        return Words::for_tag(catalogue, &person.language);
    }
    Words::for_request(catalogue, chosen, headers)
}

fn confirm_token(state: &WebState, token: &str) -> Result<ConfirmToken, ConfirmTokenError> {
    let ttl = state.config.confirm_ttl.as_millis() as i64;
    state.confirm.verify(token, now_millis(), ttl)
}

fn bad_confirm_link(
    state: &WebState,
    t: &Words<'_>,
    here: &str,
    error: ConfirmTokenError,
) -> Response {
    let key = match error {
        ConfirmTokenError::Expired => "web-expired-link",
        ConfirmTokenError::Malformed | ConfirmTokenError::BadSignature => "web-bad-link",
    };
    notice(state, t, here, StatusCode::BAD_REQUEST, key, None)
}

async fn confirm_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let here = format!("/confirm/{token}");
    let parsed = confirm_token(&state, &token);
    let t = words_for(
        &state,
        query.lang.as_deref(),
        parsed.ok().map(|c| c.subscriber_id),
        &headers,
    )
    .await;
    match parsed {
        Err(error) => bad_confirm_link(&state, &t, &here, error),
        Ok(link) => match state.app.store.subscriber(link.subscriber_id).await {
            Ok(_) => notice(
                &state,
                &t,
                &here,
                StatusCode::OK,
                "web-confirm",
                Some((here.clone(), "web-confirm-button")),
            ),
            Err(StoreError::UnknownSubscriber(_)) => notice(
                &state,
                &t,
                &here,
                StatusCode::NOT_FOUND,
                "web-unknown-link",
                None,
            ),
            Err(error) => server_error(&state, &t, &here, error),
        },
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct LangForm {
    lang: Option<String>,
}

/// POST, not GET, confirms: link scanners in mail systems follow links but do
/// not submit forms.
async fn confirm(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LangForm>,
) -> Response {
    let here = format!("/confirm/{token}");
    let parsed = confirm_token(&state, &token);
    let t = words_for(
        &state,
        form.lang.as_deref(),
        parsed.ok().map(|c| c.subscriber_id),
        &headers,
    )
    .await;
    let link = match parsed {
        Ok(link) => link,
        Err(error) => return bad_confirm_link(&state, &t, &here, error),
    };
    match state
        .app
        .store
        .confirm_subscription(
            link.subscriber_id,
            link.list_id,
            link.issued_at,
            now_millis(),
        )
        .await
    {
        Ok(ConfirmOutcome::Confirmed) => {
            tracing::info!(subscriber_id = link.subscriber_id, "subscription confirmed");
            notice(&state, &t, &here, StatusCode::OK, "web-confirmed", None)
        }
        Ok(ConfirmOutcome::Stale) => notice(
            &state,
            &t,
            &here,
            StatusCode::CONFLICT,
            "web-confirm-stale",
            None,
        ),
        Ok(ConfirmOutcome::Unknown) => notice(
            &state,
            &t,
            &here,
            StatusCode::NOT_FOUND,
            "web-unknown-link",
            None,
        ),
        Err(error) => server_error(&state, &t, &here, error),
    }
}

async fn unsubscribe_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let here = format!("/u/{token}");
    let parsed = state.app.signer.verify(&token);
    let t = words_for(
        &state,
        query.lang.as_deref(),
        parsed.ok().map(|u| u.subscriber_id),
        &headers,
    )
    .await;
    let Ok(link) = parsed else {
        return notice(
            &state,
            &t,
            &here,
            StatusCode::BAD_REQUEST,
            "web-bad-link",
            None,
        );
    };
    match state.app.store.subscriber(link.subscriber_id).await {
        Ok(_) => notice(
            &state,
            &t,
            &here,
            StatusCode::OK,
            "web-unsubscribe",
            Some((here.clone(), "web-unsubscribe-button")),
        ),
        Err(StoreError::UnknownSubscriber(_)) => notice(
            &state,
            &t,
            &here,
            StatusCode::NOT_FOUND,
            "web-unknown-link",
            None,
        ),
        Err(error) => server_error(&state, &t, &here, error),
    }
}

/// RFC 8058 one-click: a POST whose body holds `List-Unsubscribe=One-Click`
/// (urlencoded or multipart, as mail clients differ) unsubscribes at once,
/// without cookies or anti-forgery values — the signed link is the credential.
async fn unsubscribe(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let here = format!("/u/{token}");
    let lang = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned());
    let parsed = state.app.signer.verify(&token);
    let t = words_for(
        &state,
        lang.as_deref(),
        parsed.ok().map(|u| u.subscriber_id),
        &headers,
    )
    .await;
    let Ok(link) = parsed else {
        return notice(
            &state,
            &t,
            &here,
            StatusCode::BAD_REQUEST,
            "web-bad-link",
            None,
        );
    };
    if !(body.contains("List-Unsubscribe") && body.contains("One-Click")) {
        return notice(
            &state,
            &t,
            &here,
            StatusCode::BAD_REQUEST,
            "web-unsubscribe",
            Some((here.clone(), "web-unsubscribe-button")),
        );
    }
    let store = &state.app.store;
    let result = match store.subscriber(link.subscriber_id).await {
        Ok(_) => store.unsubscribe(link.subscriber_id, now_millis()).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(changed) => {
            if changed {
                tracing::info!(
                    subscriber_id = link.subscriber_id,
                    campaign_id = link.campaign_id,
                    "unsubscribed"
                );
            }
            notice(&state, &t, &here, StatusCode::OK, "web-unsubscribed", None)
        }
        Err(StoreError::UnknownSubscriber(_)) => notice(
            &state,
            &t,
            &here,
            StatusCode::NOT_FOUND,
            "web-unknown-link",
            None,
        ),
        Err(error) => server_error(&state, &t, &here, error),
    }
}
