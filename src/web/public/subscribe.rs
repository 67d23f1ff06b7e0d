//! The sign-up form and the double opt-in mail it may send.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{Page, PageQuery, notice, server_error};
use crate::domain::{
    Actor, EmailAddress, LanguageTag, ListName, PersonName, Region, SubscriberStatus,
};
use crate::store::{NewSubscriber, StoreError, now_millis};
use crate::web::auth::{self, FORM_COOKIE};
use crate::web::confirm::{ConfirmToken, ConfirmationMail};
use crate::web::i18n::PageText;
use crate::web::page::html;
use crate::web::state::WebState;

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
    list: Option<&'a str>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct SubscribeForm {
    csrf: String,
    lang: Option<String>,
    email: String,
    name: String,
    language: String,
    region: String,
    list: Option<String>,
}

/// The list a sign-up names, as far as the page may say.
enum ListChoice {
    /// None named.
    None,
    /// A list that exists.
    Known { id: i64, name: String },
    /// A name that is no list of ours. Never shown: the page speaks for the
    /// organisation, and must not display words a stranger put in a link.
    Unknown,
}

impl ListChoice {
    async fn of(state: &WebState, raw: Option<&str>) -> Result<Self, StoreError> {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            return Ok(Self::None);
        };
        let Ok(name) = ListName::parse(raw) else {
            return Ok(Self::Unknown);
        };
        match state.app.store.list_id(&name).await {
            Ok(id) => Ok(Self::Known {
                id,
                name: name.to_string(),
            }),
            Err(StoreError::UnknownList(_)) => Ok(Self::Unknown),
            Err(error) => Err(error),
        }
    }

    /// The name the page may show.
    fn shown(&self) -> Option<&str> {
        match self {
            Self::Known { name, .. } => Some(name),
            Self::None | Self::Unknown => None,
        }
    }
}

/// The form, with `error` above it and the visitor's input kept.
fn form_page(
    state: &WebState,
    t: &PageText<'_>,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    form: &SubscribeForm,
    list: &ListChoice,
) -> Response {
    let (csrf, fresh) = auth::form_token(headers);
    let page = SubscribePage {
        page: Page::new(state, t, "/subscribe", list.shown()),
        title: t.get("web-subscribe-title"),
        csrf: &csrf,
        error,
        email: &form.email,
        name: &form.name,
        region: &form.region,
        list: list.shown(),
    };
    let mut response = html(status, &t.lang(), page.render());
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, &csrf, 24 * 3600, state.secure_cookies),
        );
    }
    response
}

/// `GET /subscribe?lang=&list=`: the form, naming the list only if it exists.
pub(super) async fn subscribe_form(
    State(state): State<WebState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = PageQuery::parse(query.as_deref());
    let t = PageText::for_request(state.app.catalogue(), query.lang.as_deref(), &headers);
    let list = match ListChoice::of(&state, query.list.as_deref()).await {
        Ok(list) => list,
        Err(error) => return server_error(error),
    };
    form_page(
        &state,
        &t,
        &headers,
        StatusCode::OK,
        None,
        &SubscribeForm::default(),
        &list,
    )
}

/// `POST /subscribe`: the same "check your inbox" page for every valid sign-up.
pub(super) async fn subscribe(
    State(state): State<WebState>,
    headers: HeaderMap,
    form: Result<axum::Form<SubscribeForm>, FormRejection>,
) -> Response {
    let Ok(axum::Form(form)) = form else {
        // Not a form this page sent (another content type, a mangled body):
        // the form again, empty, rather than a bare error.
        let t = PageText::for_request(state.app.catalogue(), None, &headers);
        let form = SubscribeForm::default();
        let error = Some(t.get("web-error-form"));
        return form_page(
            &state,
            &t,
            &headers,
            StatusCode::BAD_REQUEST,
            error,
            &form,
            &ListChoice::None,
        );
    };
    let t = PageText::for_request(state.app.catalogue(), form.lang.as_deref(), &headers);
    let list = match ListChoice::of(&state, form.list.as_deref()).await {
        Ok(list) => list,
        Err(error) => return server_error(error),
    };
    let refuse =
        |status, key: &str| form_page(&state, &t, &headers, status, Some(t.get(key)), &form, &list);
    if !auth::form_token_ok(&headers, &form.csrf) {
        return refuse(StatusCode::FORBIDDEN, "web-error-form");
    }
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "web-error-email");
    };
    let check_inbox = || {
        notice(
            &state,
            &t,
            "/subscribe",
            StatusCode::OK,
            "web-check-inbox",
            None,
        )
    };
    let list_id = match list {
        ListChoice::None => None,
        ListChoice::Known { id, .. } => Some(id),
        // The answer any sign-up gets, so the form cannot tell which lists
        // exist; nobody is stored or mailed for a list that is not there.
        ListChoice::Unknown => return check_inbox(),
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
    // Beyond the caps only a hand-made request goes (the form's fields have
    // `maxlength`): the form again, without echoing the oversized text.
    let (Ok(name), Ok(region)) = (PersonName::parse(&form.name), Region::parse(&form.region))
    else {
        let form = SubscribeForm {
            name: String::new(),
            region: String::new(),
            ..form
        };
        let error = Some(t.get("web-error-form"));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return form_page(&state, &t, &headers, status, error, &form, &list);
    };
    let person = NewSubscriber {
        email,
        name,
        language,
        region,
    };
    if let Err(error) = sign_up(&state, person, list_id).await {
        return server_error(error);
    }
    check_inbox()
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
        .create_subscriber(
            &person,
            SubscriberStatus::Unconfirmed,
            "web form",
            &[],
            now,
            &Actor::Visitor,
        )
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
        link_key: store.link_key(id).await?,
    });
    let state = state.clone();
    state.mail.clone().spawn(async move {
        let t = PageText::for_tag(state.app.catalogue(), &subscriber.language);
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
