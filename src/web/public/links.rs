//! The pages behind the links in mails: confirm a subscription (double
//! opt-in) and unsubscribe (RFC 8058 one-click).
//!
//! Both show a page with a button on GET and act only on POST: mail systems'
//! link scanners follow links but do not submit forms.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{PageQuery, notice, page_text_for, server_error};
use crate::store::{ConfirmOutcome, StoreError, Subscriber, now_millis};
use crate::unsubscribe::{LinkRefused, LinkSent, UnsubscribeLink};
use crate::web::confirm::{ConfirmLink, ConfirmTokenError};
use crate::web::i18n::PageText;
use crate::web::state::WebState;

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
    t: PageText<'a>,
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
}

/// The page for `link`: in the language of the person it was sent to when it
/// was (never in that of whoever holds its id now), else in the visitor's.
async fn link_page<'a, L>(
    state: &'a WebState,
    here: String,
    lang: Option<&str>,
    link: &Checked<L>,
    headers: &HeaderMap,
) -> LinkPage<'a> {
    let person = match link {
        Checked::Theirs(_, person) => Some(person.id),
        _ => None,
    };
    let t = page_text_for(state, lang, person, headers).await;
    LinkPage { state, t, here }
}

/// A link's GET page: its button (notice key, label key, one-click) when the
/// link is the holder's, else the notice that says why it does nothing.
async fn button_page<L>(
    state: &WebState,
    here: String,
    query: Option<String>,
    link: Checked<L>,
    headers: &HeaderMap,
    (key, label, one_click): (&str, &str, bool),
) -> Response {
    let query = PageQuery::parse(query.as_deref());
    let page = link_page(state, here, query.lang.as_deref(), &link, headers).await;
    match link {
        Checked::Theirs(..) => page.ask(StatusCode::OK, key, label, one_click),
        Checked::Refused(status, key) => page.say(status, key),
        Checked::Broken(error) => server_error(error),
    }
}

/// What a link's token came to.
enum Checked<L> {
    /// Well signed, and sent to this person.
    Theirs(L, Subscriber),
    /// It acts on nobody: the status and notice that say why.
    Refused(StatusCode, &'static str),
    /// The store could not tell.
    Broken(StoreError),
}

impl<L> Checked<L> {
    /// The store's word on a verified `link` naming `subscriber_id`. A link
    /// whose person is not here (erased, or the id now someone else's) is an
    /// unknown link: the page must not tell that the id is taken.
    fn from_store(
        link: L,
        subscriber_id: i64,
        found: Result<Result<Subscriber, LinkRefused>, StoreError>,
    ) -> Self {
        match found {
            Ok(Ok(person)) => Self::Theirs(link, person),
            Ok(Err(refused)) => {
                tracing::info!(subscriber_id, reason = %refused, "link refused");
                Self::Refused(StatusCode::NOT_FOUND, "web-unknown-link")
            }
            Err(error) => Self::Broken(error),
        }
    }
}

/// A confirmation link, checked: signature, age, and person.
async fn check_confirm(state: &WebState, token: &str) -> Checked<ConfirmLink> {
    let ttl = state.config.confirm_ttl.as_millis() as i64;
    let link = match state.confirm.verify(token, now_millis(), ttl) {
        Ok(link) => link,
        Err(error) => return Checked::Refused(StatusCode::BAD_REQUEST, bad_confirm_link(error)),
    };
    let sent = LinkSent::At(link.issued_at);
    let found = state
        .app
        .store
        .link_subscriber(link.subscriber_id, link.binding, sent)
        .await;
    Checked::from_store(link, link.subscriber_id, found)
}

/// An unsubscribe link, checked: signature and person.
async fn check_unsubscribe(state: &WebState, token: &str) -> Checked<UnsubscribeLink> {
    let Ok(link) = state.app.signer.verify(token) else {
        return Checked::Refused(StatusCode::BAD_REQUEST, "web-bad-link");
    };
    let sent = LinkSent::InCampaign(link.campaign_id);
    let found = state
        .app
        .store
        .link_subscriber(link.subscriber_id, link.binding, sent)
        .await;
    Checked::from_store(link, link.subscriber_id, found)
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
    let link = check_confirm(&state, &token).await;
    let here = format!("/confirm/{token}");
    let button = ("web-confirm", "web-confirm-button", false);
    button_page(&state, here, query, link, &headers, button).await
}

/// Confirms, when posted by the confirm page's form.
pub(super) async fn confirm(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&headers, body, false).await;
    let checked = check_confirm(&state, &token).await;
    let lang = field(fields.as_deref(), "lang");
    let page = link_page(
        &state,
        format!("/confirm/{token}"),
        lang,
        &checked,
        &headers,
    )
    .await;
    let link = match checked {
        Checked::Theirs(link, _) => link,
        Checked::Refused(status, key) => return page.say(status, key),
        Checked::Broken(error) => return server_error(error),
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
    let link = check_unsubscribe(&state, &token).await;
    let here = format!("/u/{token}");
    let button = ("web-unsubscribe", "web-unsubscribe-button", true);
    button_page(&state, here, query, link, &headers, button).await
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
    let checked = check_unsubscribe(&state, &token).await;
    let lang = field(fields.as_deref(), "lang");
    let page = link_page(&state, format!("/u/{token}"), lang, &checked, &headers).await;
    let link = match checked {
        Checked::Theirs(link, _) => link,
        Checked::Refused(status, key) => return page.say(status, key),
        Checked::Broken(error) => return server_error(error),
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
    match state
        .app
        .store
        .unsubscribe(link.subscriber_id, now_millis(), None)
        .await
    {
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
        Err(error) => server_error(error),
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
