//! The staff dashboard over HTTP: log-in with a token, sessions, forms with
//! anti-forgery values, creating and steering a campaign; `willay tokens` and
//! `willay serve` as the binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use reqwest::header;

use crate::helpers::web::{PEOPLE, WebTest, assert_error, roomy, same_length_other, set_cookie};
use crate::helpers::{Backend, shipped_locales};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

mod audit_page;
mod commands;
mod import_export;
mod language;
mod lists;
mod password;
mod people;
mod roles;
mod staff;

/// The value of `name="csrf"` in a page.
fn csrf_in(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    body[start..].split('"').next().unwrap().to_owned()
}

/// Logs in through the form; returns the session cookie value.
async fn log_in(t: &WebTest, token: &str) -> reqwest::Response {
    let form = t.client.get(t.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").expect("a form cookie");
    let csrf = csrf_in(&form.text().await.unwrap());
    t.client
        .post(t.url("/login"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[("csrf", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap()
}

async fn session_of(t: &WebTest) -> String {
    let response = log_in(t, &t.token).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/dashboard");
    let (session, attributes) =
        set_cookie(response.headers(), "willay_session").expect("a session cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Secure",
        "Max-Age=43200",
        "Path=/",
    ] {
        assert!(
            attributes.contains(attribute),
            "{attribute} in {attributes}"
        );
    }
    session
}

async fn get_page(t: &WebTest, session: &str, path: &str) -> (StatusCode, String) {
    let response = t
        .client
        .get(t.url(path))
        .header(header::COOKIE, format!("willay_session={session}"))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn post_form(t: &WebTest, session: &str, path: &str, body: String) -> reqwest::Response {
    t.client
        .post(t.url(path))
        .header(header::COOKIE, format!("willay_session={session}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}
