//! The public pages: double opt-in with the mail caught by a real SMTP server,
//! one-click unsubscribe, forged and tampered requests, languages, rate limits.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header;
use willay::domain::SubscriberStatus;
use willay::store::now_millis;
use willay::unsubscribe::UnsubscribeToken;
use willay::web::{ConfirmSigner, ConfirmToken, PublicRateLimit, WebConfig};

use crate::helpers::Backend;
use crate::helpers::web::{
    Fetch, PEOPLE, WebTest, page, roomy, same_length_other, set_cookie, signed_up,
};
use crate::on_both_backends;
use crate::smtp::{Received, SmtpServer};

mod languages;
mod opt_in;
mod rate_limits;
mod refusals;
mod unsubscribe;

/// The subscribe form's anti-forgery value and cookie.
pub(crate) async fn subscribe_form(t: &WebTest, query: &str) -> (String, String) {
    let response = t
        .client
        .get(t.url(&format!("/subscribe{query}")))
        .fetch()
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (cookie, attributes) =
        set_cookie(response.headers(), "willay_form").expect("a form cookie");
    assert!(
        attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict"),
        "{attributes}"
    );
    let body = response.text().await.unwrap();
    let start = body.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    let csrf = body[start..].split('"').next().unwrap().to_owned();
    assert_eq!(csrf, cookie, "double-submit value");
    (csrf, cookie)
}

pub(crate) async fn subscribe(
    t: &WebTest,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut request = t.client.post(t.url("/subscribe")).form(fields);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("willay_form={cookie}"));
    }
    request.page().await
}

/// The language switcher's links, unescaped, as (path, query pairs).
fn switcher_links(body: &str) -> Vec<(String, Vec<(String, String)>)> {
    let start = body.find("<nav").expect("a language switcher");
    let end = start + body[start..].find("</nav>").unwrap();
    body[start..end]
        .split("href=\"")
        .skip(1)
        .map(|rest| {
            let href = rest.split('"').next().unwrap();
            let href = href.replace("&#38;", "&").replace("&amp;", "&");
            let url = url::Url::parse(&format!("http://x{href}")).unwrap();
            let pairs = url.query_pairs().into_owned().collect();
            (url.path().to_owned(), pairs)
        })
        .collect()
}

/// Waits until the SMTP server holds `n` messages (the mail is sent in the background).
pub(crate) async fn wait_for_mail(smtp: &SmtpServer, n: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let messages = smtp.messages();
        if messages.len() >= n {
            return messages;
        }
        assert!(
            Instant::now() < deadline,
            "no confirmation mail arrived ({} of {n})",
            messages.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
