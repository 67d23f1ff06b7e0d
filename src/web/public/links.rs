//! The pages behind the links in mails: confirm a subscription (double
//! opt-in) and unsubscribe (RFC 8058 one-click).
//!
//! Both show a page with a button on GET and act only on POST: mail systems'
//! link scanners follow links but do not submit forms.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{PageQuery, notice, server_error, words_for};
use crate::store::{ConfirmOutcome, StoreError, now_millis};
use crate::web::WebState;
use crate::web::confirm::{ConfirmToken, ConfirmTokenError};
use crate::web::i18n::Words;

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The fields of a form body, or `None` when the body is not a form: the
/// content type is neither urlencoded nor (with `multipart`) multipart/form-data,
/// or the multipart body does not parse.
async fn form_fields(
    headers: &HeaderMap,
    body: Bytes,
    multipart: bool,
) -> Option<Vec<(String, String)>> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(URLENCODED) {
        Some(url::form_urlencoded::parse(&body).into_owned().collect())
    } else if multipart && essence.eq_ignore_ascii_case(MULTIPART) {
        multipart_fields(content_type, body).await.ok()
    } else {
        None
    }
}

/// The named fields of a `multipart/form-data` body (RFC 7578).
async fn multipart_fields(
    content_type: &str,
    body: Bytes,
) -> Result<Vec<(String, String)>, multer::Error> {
    let boundary = multer::parse_boundary(content_type)?;
    let stream = futures::stream::once(async { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    while let Some(part) = form.next_field().await? {
        let name = part.name().map(str::to_owned);
        let value = part.text().await?;
        if let Some(name) = name {
            fields.push((name, value));
        }
    }
    Ok(fields)
}

fn field<'a>(fields: Option<&'a [(String, String)]>, name: &str) -> Option<&'a str> {
    fields?
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A page at a link's address, in the words chosen for its visitor.
struct LinkPage<'a> {
    state: &'a WebState,
    t: Words<'a>,
    here: String,
}

impl LinkPage<'_> {
    /// A notice: the title and body under `key`.
    fn say(&self, status: StatusCode, key: &str) -> Response {
        notice(self.state, &self.t, &self.here, status, key, None)
    }

    /// A notice with the button that posts back to this address.
    fn ask(&self, status: StatusCode, key: &str, label: &str, one_click: bool) -> Response {
        let button = Some((self.here.clone(), label, one_click));
        notice(self.state, &self.t, &self.here, status, key, button)
    }

    /// The button page when `subscriber_id` still exists, else "unknown link".
    async fn ask_if_known(
        &self,
        subscriber_id: i64,
        key: &str,
        label: &str,
        one_click: bool,
    ) -> Response {
        match self.state.app.store.subscriber(subscriber_id).await {
            Ok(_) => self.ask(StatusCode::OK, key, label, one_click),
            Err(error) => self.failed(error),
        }
    }

    /// The page for a store error: "unknown link" for a person no longer there.
    fn failed(&self, error: StoreError) -> Response {
        match error {
            StoreError::UnknownSubscriber(_) => self.say(StatusCode::NOT_FOUND, "web-unknown-link"),
            error => server_error(error),
        }
    }
}

async fn link_page<'a>(
    state: &'a WebState,
    here: String,
    lang: Option<&str>,
    subscriber_id: Option<i64>,
    headers: &HeaderMap,
) -> LinkPage<'a> {
    let t = words_for(state, lang, subscriber_id, headers).await;
    LinkPage { state, t, here }
}

fn confirm_token(state: &WebState, token: &str) -> Result<ConfirmToken, ConfirmTokenError> {
    let ttl = state.config.confirm_ttl.as_millis() as i64;
    state.confirm.verify(token, now_millis(), ttl)
}

/// The notice for a confirm link that did not verify.
fn bad_confirm_link(error: ConfirmTokenError) -> &'static str {
    match error {
        ConfirmTokenError::Expired => "web-expired-link",
        ConfirmTokenError::Malformed | ConfirmTokenError::BadSignature => "web-bad-link",
    }
}

/// `GET /confirm/{token}`: the confirm button, or why the link does not work.
pub(super) async fn confirm_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = PageQuery::parse(query.as_deref());
    let parsed = confirm_token(&state, &token);
    let id = parsed.as_ref().ok().map(|c| c.subscriber_id);
    let page = link_page(
        &state,
        format!("/confirm/{token}"),
        query.lang.as_deref(),
        id,
        &headers,
    )
    .await;
    match parsed {
        Ok(link) => {
            page.ask_if_known(
                link.subscriber_id,
                "web-confirm",
                "web-confirm-button",
                false,
            )
            .await
        }
        Err(error) => page.say(StatusCode::BAD_REQUEST, bad_confirm_link(error)),
    }
}

/// Confirms, when posted by the confirm page's form.
pub(super) async fn confirm(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&headers, body, false).await;
    let parsed = confirm_token(&state, &token);
    let id = parsed.as_ref().ok().map(|c| c.subscriber_id);
    let lang = field(fields.as_deref(), "lang");
    let page = link_page(&state, format!("/confirm/{token}"), lang, id, &headers).await;
    let link = match parsed {
        Ok(link) => link,
        Err(error) => return page.say(StatusCode::BAD_REQUEST, bad_confirm_link(error)),
    };
    if fields.is_none() {
        // Not the page's form: show it again, with its button.
        return page.ask(
            StatusCode::BAD_REQUEST,
            "web-confirm",
            "web-confirm-button",
            false,
        );
    }
    let outcome = state
        .app
        .store
        .confirm_subscription(
            link.subscriber_id,
            link.list_id,
            link.issued_at,
            now_millis(),
        )
        .await;
    match outcome {
        Ok(ConfirmOutcome::Confirmed) => {
            tracing::info!(subscriber_id = link.subscriber_id, "subscription confirmed");
            page.say(StatusCode::OK, "web-confirmed")
        }
        Ok(ConfirmOutcome::Stale) => page.say(StatusCode::CONFLICT, "web-confirm-stale"),
        Ok(ConfirmOutcome::Unknown) => page.say(StatusCode::NOT_FOUND, "web-unknown-link"),
        Err(error) => server_error(error),
    }
}

/// `GET /u/{token}`: the unsubscribe button, or why the link does not work.
pub(super) async fn unsubscribe_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = PageQuery::parse(query.as_deref());
    let parsed = state.app.signer.verify(&token);
    let id = parsed.as_ref().ok().map(|u| u.subscriber_id);
    let page = link_page(
        &state,
        format!("/u/{token}"),
        query.lang.as_deref(),
        id,
        &headers,
    )
    .await;
    match parsed {
        Ok(link) => {
            page.ask_if_known(
                link.subscriber_id,
                "web-unsubscribe",
                "web-unsubscribe-button",
                true,
            )
            .await
        }
        Err(_) => page.say(StatusCode::BAD_REQUEST, "web-bad-link"),
    }
}

/// RFC 8058 one-click: a POST whose form body (urlencoded or multipart, §3.1)
/// holds the pair `List-Unsubscribe=One-Click` unsubscribes at once, without
/// cookies or anti-forgery values — the signed link is the credential.
pub(super) async fn unsubscribe(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&headers, body, true).await;
    let parsed = state.app.signer.verify(&token);
    let id = parsed.as_ref().ok().map(|u| u.subscriber_id);
    let lang = field(fields.as_deref(), "lang");
    let page = link_page(&state, format!("/u/{token}"), lang, id, &headers).await;
    let Ok(link) = parsed else {
        return page.say(StatusCode::BAD_REQUEST, "web-bad-link");
    };
    let one_click = fields
        .iter()
        .flatten()
        .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
    if !one_click {
        return page.ask(
            StatusCode::BAD_REQUEST,
            "web-unsubscribe",
            "web-unsubscribe-button",
            true,
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
            page.say(StatusCode::OK, "web-unsubscribed")
        }
        Err(error) => page.failed(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn typed(content_type: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers
    }

    #[tokio::test]
    async fn reads_urlencoded_and_multipart_forms_only() {
        let one_click = || Bytes::from_static(b"List-Unsubscribe=One-Click&lang=qu");
        let fields = form_fields(&typed(URLENCODED), one_click(), true).await;
        assert_eq!(
            field(fields.as_deref(), "List-Unsubscribe"),
            Some("One-Click")
        );
        assert_eq!(field(fields.as_deref(), "lang"), Some("qu"));
        let body = || {
            Bytes::from_static(b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ\r\ncontent-disposition: form-data; name=lang\r\n\r\nen\r\n--XyZ--\r\n")
        };
        let multipart = typed("multipart/form-data; boundary=\"XyZ\"");
        let fields = form_fields(&multipart, body(), true).await;
        assert_eq!(
            fields.unwrap(),
            [
                ("List-Unsubscribe".to_owned(), "One-Click".to_owned()),
                ("lang".to_owned(), "en".to_owned())
            ]
        );
        assert!(form_fields(&multipart, body(), false).await.is_none());
        let truncated = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Cl",
        );
        assert!(form_fields(&multipart, truncated, true).await.is_none());
        assert!(
            form_fields(&typed("text/plain"), one_click(), true)
                .await
                .is_none()
        );
        assert!(
            form_fields(&HeaderMap::new(), one_click(), true)
                .await
                .is_none()
        );
    }
}
