//! The pages behind the links in mails: confirm a subscription (double
//! opt-in) and unsubscribe (RFC 8058 one-click).
//!
//! Both show a page with a button on GET and act only on POST: mail systems'
//! link scanners follow links but do not submit forms.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;

use super::{PageQuery, notice, page_text_for, server_error};
use crate::store::{ConfirmOutcome, StoreError, Subscriber, now_millis};
use crate::unsubscribe::{LinkBinding, LinkSent, UnsubscribeLink};
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

/// What a link's token came to.
enum Checked<L> {
    /// Well signed, and sent to this person.
    Theirs(L, Subscriber),
    /// It acts on nobody: the status and notice that say why.
    Refused(StatusCode, &'static str),
    /// The store could not tell.
    Broken(StoreError),
}

/// The link `token` stands for, checked: its signature, then its person. A
/// link whose person is not here (erased, or the id now someone else's) is an
/// unknown link: the page must not tell that the id is taken.
async fn check<L: Link>(state: &WebState, token: &str) -> Checked<L> {
    let link = match L::verify(state, token) {
        Ok(link) => link,
        Err(notice) => return Checked::Refused(StatusCode::BAD_REQUEST, notice),
    };
    let (subscriber_id, binding, sent) = link.sent_to();
    let found = state
        .app
        .store
        .link_subscriber(subscriber_id, binding, sent)
        .await;
    match found {
        Ok(Ok(person)) => Checked::Theirs(link, person),
        Ok(Err(refused)) => {
            tracing::info!(subscriber_id, reason = %refused, "link refused");
            Checked::Refused(StatusCode::NOT_FOUND, "web-unknown-link")
        }
        Err(error) => Checked::Broken(error),
    }
}

/// A kind of signed link: the page at its address shows a button (GET) and
/// posting that page's form acts (POST).
trait Link: Sized {
    /// The route of its page, with the token as `{token}`.
    const ROUTE: &'static str;
    /// The page's notice key, its button's label key, and whether the button
    /// posts RFC 8058's one-click pair.
    const BUTTON: (&'static str, &'static str, bool);
    /// Whether a `multipart/form-data` post is read as a form (RFC 8058 §3.1).
    const MULTIPART: bool;

    /// The link `token` stands for, if well signed (and in date); else the
    /// notice that says why not.
    fn verify(state: &WebState, token: &str) -> Result<Self, &'static str>;

    /// Whom it names (their id and binding), and when it was sent.
    fn sent_to(&self) -> (i64, LinkBinding, LinkSent);

    /// Whether a post with these form fields (none: not a form) asks to act.
    fn asked(fields: Option<&[(String, String)]>) -> bool;

    /// Acts, for the person the link was sent to; the answer is said on `page`.
    async fn act(self, state: &WebState, page: LinkPage<'_>) -> Response;
}

impl Link for ConfirmLink {
    const ROUTE: &'static str = "/confirm/{token}";
    const BUTTON: (&'static str, &'static str, bool) = ("web-confirm", "web-confirm-button", false);
    const MULTIPART: bool = false;

    /// Signature and age.
    fn verify(state: &WebState, token: &str) -> Result<Self, &'static str> {
        let ttl = state.config.confirm_ttl.as_millis() as i64;
        state
            .confirm
            .verify(token, now_millis(), ttl)
            .map_err(bad_confirm_link)
    }

    fn sent_to(&self) -> (i64, LinkBinding, LinkSent) {
        let sent = LinkSent::At(self.issued_at);
        (self.subscriber_id, self.binding, sent)
    }

    /// Any form posted by the confirm page.
    fn asked(fields: Option<&[(String, String)]>) -> bool {
        fields.is_some()
    }

    async fn act(self, state: &WebState, page: LinkPage<'_>) -> Response {
        let outcome = state
            .app
            .store
            .confirm_subscription(
                self.subscriber_id,
                self.list_id,
                self.issued_at,
                now_millis(),
            )
            .await;
        match outcome {
            Ok(ConfirmOutcome::Confirmed) => {
                tracing::info!(subscriber_id = self.subscriber_id, "subscription confirmed");
                page.say(StatusCode::OK, "web-confirmed")
            }
            Ok(ConfirmOutcome::Stale) => page.say(StatusCode::CONFLICT, "web-confirm-stale"),
            Ok(ConfirmOutcome::Unknown) => page.say(StatusCode::NOT_FOUND, "web-unknown-link"),
            Err(error) => server_error(error),
        }
    }
}

impl Link for UnsubscribeLink {
    const ROUTE: &'static str = "/u/{token}";
    const BUTTON: (&'static str, &'static str, bool) =
        ("web-unsubscribe", "web-unsubscribe-button", true);
    const MULTIPART: bool = true;

    /// Signature.
    fn verify(state: &WebState, token: &str) -> Result<Self, &'static str> {
        state.app.signer.verify(token).map_err(|_| "web-bad-link")
    }

    fn sent_to(&self) -> (i64, LinkBinding, LinkSent) {
        let sent = LinkSent::InCampaign(self.campaign_id);
        (self.subscriber_id, self.binding, sent)
    }

    /// RFC 8058 one-click: a form body (urlencoded or multipart, §3.1) holding
    /// the pair `List-Unsubscribe=One-Click` unsubscribes at once, without
    /// cookies or anti-forgery values — the signed link is the credential.
    fn asked(fields: Option<&[(String, String)]>) -> bool {
        fields
            .into_iter()
            .flatten()
            .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click")
    }

    async fn act(self, state: &WebState, page: LinkPage<'_>) -> Response {
        match state
            .app
            .store
            .unsubscribe(self.subscriber_id, now_millis(), None)
            .await
        {
            Ok(changed) => {
                if changed {
                    tracing::info!(
                        subscriber_id = self.subscriber_id,
                        campaign_id = self.campaign_id,
                        "unsubscribed"
                    );
                }
                page.say(StatusCode::OK, "web-unsubscribed")
            }
            Err(error) => server_error(error),
        }
    }
}

/// The notice for a confirm link that did not verify.
fn bad_confirm_link(error: ConfirmTokenError) -> &'static str {
    match error {
        ConfirmTokenError::Expired => "web-expired-link",
        ConfirmTokenError::Malformed | ConfirmTokenError::BadSignature => "web-bad-link",
    }
}

/// The routes of the confirm and unsubscribe links.
pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route(
            ConfirmLink::ROUTE,
            get(show::<ConfirmLink>).post(post::<ConfirmLink>),
        )
        .route(
            UnsubscribeLink::ROUTE,
            get(show::<UnsubscribeLink>).post(post::<UnsubscribeLink>),
        )
}

/// `GET`: the link's button when the link is the holder's, else the notice
/// that says why it does nothing.
async fn show<L: Link>(
    State(state): State<WebState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let link = check::<L>(&state, &token).await;
    let query = PageQuery::parse(query.as_deref());
    let here = L::ROUTE.replace("{token}", &token);
    let page = link_page(&state, here, query.lang.as_deref(), &link, &headers).await;
    let (key, label, one_click) = L::BUTTON;
    match link {
        Checked::Theirs(..) => page.ask(StatusCode::OK, key, label, one_click),
        Checked::Refused(status, key) => page.say(status, key),
        Checked::Broken(error) => server_error(error),
    }
}

/// `POST`, from the page's form: acts when the link is the holder's and the
/// form asks to, else says why not (or shows the button again).
async fn post<L: Link>(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&headers, body, L::MULTIPART).await;
    let checked = check::<L>(&state, &token).await;
    let lang = field(fields.as_deref(), "lang");
    let here = L::ROUTE.replace("{token}", &token);
    let page = link_page(&state, here, lang, &checked, &headers).await;
    let link = match checked {
        Checked::Theirs(link, _) => link,
        Checked::Refused(status, key) => return page.say(status, key),
        Checked::Broken(error) => return server_error(error),
    };
    if !L::asked(fields.as_deref()) {
        // Not the page's form: show it again, with its button.
        let (key, label, one_click) = L::BUTTON;
        return page.ask(StatusCode::BAD_REQUEST, key, label, one_click);
    }
    link.act(&state, page).await
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
