//! A staff member sets her password with her one-time link and logs in with
//! her name; the session carries her role.

use willay::access::staff;
use willay::access::{AccountName, Role};

use super::*;
use crate::helpers::columns_containing;

/// Posts the password form of `path` (its form cookie and value from a GET).
async fn choose(t: &WebTest, path: &str, password: &str, again: &str) -> (StatusCode, String) {
    let form = t.client.get(t.url(path)).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").expect("a form cookie");
    let csrf = csrf_in(&form.text().await.unwrap());
    let response = t
        .client
        .post(t.url(path))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", password),
            ("again", again),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Logs in through the form with a name and password.
pub(super) async fn log_in_as(t: &WebTest, name: &str, password: &str) -> reqwest::Response {
    let form = t.client.get(t.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").unwrap();
    let csrf = csrf_in(&form.text().await.unwrap());
    t.client
        .post(t.url("/login"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", name),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn rosa_sets_her_password_and_logs_in_as_a_manager(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    let store = &t.app.store;
    let public_url = &t.app.settings.public_url;
    let rosa = AccountName::parse("rosa").unwrap();
    let link = staff::add(
        store,
        public_url,
        &rosa,
        Role::Manager,
        &willay::domain::Actor::Cli,
    )
    .await
    .unwrap();
    let path = link.url.path().to_owned();
    assert!(path.starts_with("/staff/password/"), "{path}");

    let (status, body) = get_page(&t, "none", &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Para rosa."), "{body}");
    // No password yet: the log-in refuses her like a stranger.
    let refused = log_in_as(&t, "rosa", "").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let chosen = "wayra pacha llaqta 1990";
    for (password, again, says) in [
        ("corta", "corta", "al menos 12 caracteres"),
        (chosen, "wayra pacha llaqta 1991", "no son iguales"),
    ] {
        let (status, body) = choose(&t, &path, password, again).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(says), "{says}: {body}");
    }
    let (status, body) = choose(&t, &path, chosen, chosen).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Tu contraseña quedó guardada"), "{body}");
    // The link is spent; the password is stored only as an argon2id hash.
    let (status, body) = get_page(&t, "none", &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("ya no es válido"), "{body}");
    assert!(columns_containing(&t.db_url, chosen).await.is_empty());
    assert_eq!(
        columns_containing(&t.db_url, "$argon2id$").await,
        ["staff.password_hash"]
    );

    // A wrong password and an unknown name get the same answer.
    let mut refusals = Vec::new();
    for (name, password) in [("rosa", "wayra pacha llaqta 1991"), ("nadie", chosen)] {
        let response = log_in_as(&t, name, password).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        let alert = body
            .lines()
            .find(|l| l.contains("role=\"alert\""))
            .map(str::to_owned);
        refusals.push((status, alert));
    }
    assert_eq!(refusals[0].0, StatusCode::UNAUTHORIZED);
    assert!(
        refusals[0]
            .1
            .as_deref()
            .unwrap_or_default()
            .contains("no coinciden"),
        "{refusals:?}"
    );
    assert_eq!(refusals[0], refusals[1]);

    let response = log_in_as(&t, "rosa", chosen).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (session, _) = set_cookie(response.headers(), "willay_session").unwrap();
    let (status, body) = get_page(&t, &session, "/dashboard/campaigns/new").await;
    assert_eq!(status, StatusCode::OK, "a manager may create campaigns");
    assert!(body.contains("rosa"), "signed in as rosa: {body}");

    // A new role ends her sessions: the next page asks her to log in again.
    store
        .set_staff_role("rosa", Role::Analyst, &willay::domain::Actor::Cli)
        .await
        .unwrap();
    let (status, _) = get_page(&t, &session, "/dashboard").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let response = log_in_as(&t, "rosa", chosen).await;
    let (session, _) = set_cookie(response.headers(), "willay_session").unwrap();
    let (status, _) = get_page(&t, &session, "/dashboard/campaigns/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an analyst may not");
}

on_both_backends!(rosa_sets_her_password_and_logs_in_as_a_manager);
