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

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The fields of a form body, or `None` when the body is not a form: the
/// content type is neither urlencoded nor (with `multipart`) multipart/form-data.
fn form_fields(headers: &HeaderMap, body: &[u8], multipart: bool) -> Option<Vec<(String, String)>> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(URLENCODED) {
        Some(url::form_urlencoded::parse(body).into_owned().collect())
    } else if multipart && essence.eq_ignore_ascii_case(MULTIPART) {
        multipart_fields(content_type, body)
    } else {
        None
    }
}

/// The text fields of a `multipart/form-data` body (RFC 7578), enough for the
/// one-click request; `None` without a boundary.
fn multipart_fields(content_type: &str, body: &[u8]) -> Option<Vec<(String, String)>> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let body = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let fields = body
        .split(delimiter.as_str())
        .skip(1) // the preamble
        .take_while(|part| !part.starts_with("--")) // the closing delimiter
        .filter_map(|part| {
            let (head, value) = part.strip_prefix("\r\n")?.split_once("\r\n\r\n")?;
            let name = head.split("\r\n").find_map(|line| {
                let (key, value) = line.split_once(':')?;
                if !key.trim().eq_ignore_ascii_case("content-disposition") {
                    return None;
                }
                value
                    .split(';')
                    .find_map(|p| p.trim().strip_prefix("name="))
                    .map(|n| n.trim_matches('"').to_owned())
            })?;
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            Some((name, value.to_owned()))
        })
        .collect();
    Some(fields)
}

fn field<'a>(fields: Option<&'a [(String, String)]>, name: &str) -> Option<&'a str> {
    fields?
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn confirm_token(state: &WebState, token: &str) -> Result<ConfirmToken, ConfirmTokenError> {
    let ttl = state.config.confirm_ttl.as_millis() as i64;
    state.confirm.verify(token, now_millis(), ttl)
}

/// The status and notice for a link that did not verify.
fn bad_confirm_link(error: ConfirmTokenError) -> (StatusCode, &'static str) {
    let key = match error {
        ConfirmTokenError::Expired => "web-expired-link",
        ConfirmTokenError::Malformed | ConfirmTokenError::BadSignature => "web-bad-link",
    };
    (StatusCode::BAD_REQUEST, key)
}

/// `GET /confirm/{token}`: the confirm button, or why the link does not work.
pub(super) async fn confirm_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let here = format!("/confirm/{token}");
    let query = PageQuery::parse(query.as_deref());
    let parsed = confirm_token(&state, &token);
    let t = words_for(
        &state,
        query.lang.as_deref(),
        parsed.ok().map(|c| c.subscriber_id),
        &headers,
    )
    .await;
    let link = match parsed {
        Ok(link) => link,
        Err(error) => {
            let (status, key) = bad_confirm_link(error);
            return notice(&state, &t, &here, status, key, None);
        }
    };
    match state.app.store.subscriber(link.subscriber_id).await {
        Ok(_) => notice(
            &state,
            &t,
            &here,
            StatusCode::OK,
            "web-confirm",
            Some((here.clone(), "web-confirm-button", false)),
        ),
        Err(StoreError::UnknownSubscriber(_)) => notice(
            &state,
            &t,
            &here,
            StatusCode::NOT_FOUND,
            "web-unknown-link",
            None,
        ),
        Err(error) => server_error(error),
    }
}

/// Confirms, when posted by the confirm page's form.
pub(super) async fn confirm(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let here = format!("/confirm/{token}");
    let fields = form_fields(&headers, &body, false);
    let parsed = confirm_token(&state, &token);
    let t = words_for(
        &state,
        field(fields.as_deref(), "lang"),
        parsed.ok().map(|c| c.subscriber_id),
        &headers,
    )
    .await;
    let link = match parsed {
        Ok(link) => link,
        Err(error) => {
            let (status, key) = bad_confirm_link(error);
            return notice(&state, &t, &here, status, key, None);
        }
    };
    if fields.is_none() {
        // Not the page's form: show it again, with its button.
        return notice(
            &state,
            &t,
            &here,
            StatusCode::BAD_REQUEST,
            "web-confirm",
            Some((here.clone(), "web-confirm-button", false)),
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
    let (status, key) = match outcome {
        Ok(ConfirmOutcome::Confirmed) => {
            tracing::info!(subscriber_id = link.subscriber_id, "subscription confirmed");
            (StatusCode::OK, "web-confirmed")
        }
        Ok(ConfirmOutcome::Stale) => (StatusCode::CONFLICT, "web-confirm-stale"),
        Ok(ConfirmOutcome::Unknown) => (StatusCode::NOT_FOUND, "web-unknown-link"),
        Err(error) => return server_error(error),
    };
    notice(&state, &t, &here, status, key, None)
}

/// `GET /u/{token}`: the unsubscribe button, or why the link does not work.
pub(super) async fn unsubscribe_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let here = format!("/u/{token}");
    let query = PageQuery::parse(query.as_deref());
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
            Some((here.clone(), "web-unsubscribe-button", true)),
        ),
        Err(StoreError::UnknownSubscriber(_)) => notice(
            &state,
            &t,
            &here,
            StatusCode::NOT_FOUND,
            "web-unknown-link",
            None,
        ),
        Err(error) => server_error(error),
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
    let here = format!("/u/{token}");
    let fields = form_fields(&headers, &body, true);
    let parsed = state.app.signer.verify(&token);
    let t = words_for(
        &state,
        field(fields.as_deref(), "lang"),
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
    let one_click = fields
        .iter()
        .flatten()
        .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
    if !one_click {
        return notice(
            &state,
            &t,
            &here,
            StatusCode::BAD_REQUEST,
            "web-unsubscribe",
            Some((here.clone(), "web-unsubscribe-button", true)),
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

    #[test]
    fn reads_urlencoded_and_multipart_forms_only() {
        let fields = form_fields(
            &typed(URLENCODED),
            b"List-Unsubscribe=One-Click&lang=qu",
            true,
        );
        assert_eq!(
            field(fields.as_deref(), "List-Unsubscribe"),
            Some("One-Click")
        );
        assert_eq!(field(fields.as_deref(), "lang"), Some("qu"));
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ\r\ncontent-disposition: form-data; name=lang\r\n\r\nen\r\n--XyZ--\r\n";
        let fields = form_fields(&typed("multipart/form-data; boundary=\"XyZ\""), body, true);
        assert_eq!(
            fields.unwrap(),
            [
                ("List-Unsubscribe".to_owned(), "One-Click".to_owned()),
                ("lang".to_owned(), "en".to_owned())
            ]
        );
        assert!(form_fields(&typed("multipart/form-data; boundary=XyZ"), body, false).is_none());
        assert!(form_fields(&typed("text/plain"), b"List-Unsubscribe=One-Click", true).is_none());
        assert!(form_fields(&HeaderMap::new(), b"List-Unsubscribe=One-Click", true).is_none());
    }
}
