//! Steering a campaign from the dashboard is recorded as the person logged
//! in: Rosa by her staff id when she used her password, the token when a
//! token opened the session.

use reqwest::{StatusCode, header};
use serde_json::json;
use willay::access::password::Password;
use willay::access::staff;
use willay::access::{AccountName, Role};
use willay::domain::Actor;

use super::events_since;
use crate::helpers::web::{WebTest, roomy, set_cookie};
use crate::helpers::{Backend, execute_sql};
use crate::on_both_backends;

const PASSWORD: &str = "wayra pacha llaqta 1990";

fn csrf_in(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    body[start..].split('"').next().unwrap().to_owned()
}

/// Logs in with `fields`; the session cookie and its anti-forgery value.
async fn session(t: &WebTest, fields: &[(&str, &str)]) -> (String, String) {
    let form = t.client.get(t.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").unwrap();
    let csrf = csrf_in(&form.text().await.unwrap());
    let mut body = vec![("csrf", csrf.as_str())];
    body.extend_from_slice(fields);
    let response = t
        .client
        .post(t.url("/login"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (session, _) = set_cookie(response.headers(), "willay_session").unwrap();
    let page = t
        .client
        .get(t.url("/dashboard"))
        .header(header::COOKIE, format!("willay_session={session}"))
        .send()
        .await
        .unwrap();
    (session, csrf_in(&page.text().await.unwrap()))
}

async fn dashboard_changes_name_the_session_holder(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    let store = &t.app.store;
    let rosa = AccountName::parse("rosa").unwrap();
    let link = staff::add(
        store,
        &t.app.settings.public_url,
        &rosa,
        Role::Manager,
        &Actor::Cli,
    )
    .await
    .unwrap();
    let secret = link.url.path().rsplit('/').next().unwrap().to_owned();
    staff::set_password(
        store,
        &secret,
        &Password::choose(PASSWORD, PASSWORD).unwrap(),
    )
    .await
    .unwrap();
    let rosa = store.staff_member("rosa").await.unwrap().unwrap().id;
    let token = store.api_tokens().await.unwrap()[0].id;
    let (status, _) = t.post("/api/lists", json!({"name": "peru"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"]}),
        )
        .await;
    let campaign = created["campaign"]["id"].as_i64().unwrap();
    let sql = "UPDATE campaigns SET status = 'running' WHERE id = $1";
    assert_eq!(execute_sql(&t.db_url, sql, campaign).await, 1);

    let by_password = session(&t, &[("name", "rosa"), ("password", PASSWORD)]).await;
    let by_token = session(&t, &[("token", &t.token)]).await;
    // (who, the action, the event)
    let cases = [
        (
            &by_password,
            "pause",
            format!("staff staff#{rosa} campaign.pause campaign#{campaign}"),
        ),
        (
            &by_token,
            "resume",
            format!("token#{token} staff#- campaign.resume campaign#{campaign}"),
        ),
        (
            &by_password,
            "cancel",
            format!("staff staff#{rosa} campaign.cancel campaign#{campaign}"),
        ),
    ];
    for ((session, csrf), action, expected) in cases {
        let before = super::all_events(store).await.len();
        let response = t
            .client
            .post(t.url(&format!("/dashboard/campaigns/{campaign}/{action}")))
            .header(header::COOKIE, format!("willay_session={session}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}&at="))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
        assert_eq!(events_since(store, before).await, [expected], "{action}");
    }
}

on_both_backends!(dashboard_changes_name_the_session_holder);
