//! Rosa sets her password with her link, logs in, logs out; a stranger and
//! a wrong password are refused. Each leaves one event, and a refusal never
//! keeps the name typed.

use reqwest::{StatusCode, header};
use willay::access::password::Password;
use willay::access::staff;
use willay::access::{AccountName, Role};
use willay::domain::Actor;

use super::{all_events, events_since};
use crate::helpers::Backend;
use crate::helpers::web::{WebTest, roomy, set_cookie};
use crate::on_both_backends;

const PASSWORD: &str = "wayra pacha llaqta 1990";

fn csrf_in(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    body[start..].split('"').next().unwrap().to_owned()
}

/// Posts the log-in form with `fields` besides the anti-forgery value.
async fn log_in(t: &WebTest, fields: &[(&str, &str)]) -> reqwest::Response {
    let form = t.client.get(t.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").unwrap();
    let csrf = csrf_in(&form.text().await.unwrap());
    let mut body = vec![("csrf", csrf.as_str())];
    body.extend_from_slice(fields);
    t.client
        .post(t.url("/login"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&body)
        .send()
        .await
        .unwrap()
}

async fn log_ins_refusals_and_log_outs_are_recorded_by_id(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    let store = &t.app.store;
    let rosa = AccountName::parse("rosa").unwrap();
    let before = all_events(store).await.len();
    let link = staff::add(
        store,
        &t.app.settings.public_url,
        &rosa,
        Role::Manager,
        &Actor::Cli,
    )
    .await
    .unwrap();
    let id = store.staff_member("rosa").await.unwrap().unwrap().id;
    let secret = link.url.path().rsplit('/').next().unwrap().to_owned();
    let password = Password::choose(PASSWORD, PASSWORD).unwrap();
    staff::set_password(store, &secret, &password)
        .await
        .unwrap();
    assert_eq!(
        events_since(store, before).await,
        [
            format!("cli staff#- staff.add staff#{id}"),
            format!("cli staff#- staff.password_link staff#{id}"),
            format!("staff staff#{id} staff.password_set staff#{id}"),
        ]
    );

    // (what is typed, the status, the event)
    let cases = [
        (
            ("rosa", "not her password"),
            StatusCode::UNAUTHORIZED,
            format!("visitor staff#- session.login_refused staff#{id}"),
        ),
        (
            ("nadie-conocido", PASSWORD),
            StatusCode::UNAUTHORIZED,
            "visitor staff#- session.login_refused -".to_owned(),
        ),
        (
            ("rosa", PASSWORD),
            StatusCode::SEE_OTHER,
            format!("staff staff#{id} session.login staff#{id}"),
        ),
    ];
    let mut session = None;
    for ((name, typed), status, expected) in cases {
        let before = all_events(store).await.len();
        let response = log_in(&t, &[("name", name), ("password", typed)]).await;
        assert_eq!(response.status(), status, "{name}");
        assert_eq!(events_since(store, before).await, [expected], "{name}");
        session = set_cookie(response.headers(), "willay_session").map(|(v, _)| v);
    }
    let before = all_events(store).await.len();
    let refused = log_in(&t, &[("token", "wly_not-a-token")]).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        events_since(store, before).await,
        ["visitor staff#- session.login_refused -"]
    );

    // Log-out, with the session's own anti-forgery value.
    let session = session.expect("a session cookie");
    let page = t
        .client
        .get(t.url("/dashboard"))
        .header(header::COOKIE, format!("willay_session={session}"))
        .send()
        .await
        .unwrap();
    let csrf = csrf_in(&page.text().await.unwrap());
    let before = all_events(store).await.len();
    let out = t
        .client
        .post(t.url("/logout"))
        .header(header::COOKIE, format!("willay_session={session}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        events_since(store, before).await,
        [format!("staff staff#{id} session.logout staff#{id}")]
    );

    // No event keeps a name typed in the form, known or not.
    let typed = crate::helpers::columns_containing(&t.db_url, "nadie-conocido").await;
    assert_eq!(typed, Vec::<String>::new());
}

on_both_backends!(log_ins_refusals_and_log_outs_are_recorded_by_id);
