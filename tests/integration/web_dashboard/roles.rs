//! Every dashboard page × every role: shown, or a 403 page inside the
//! signed-in frame (the same areas as the API's).

use willay::access::Role;
use willay::web;

use super::*;

/// Which roles each page lets in; every other role gets the 403 page.
const PAGES: &[(&str, &str, &str)] = &[
    ("GET", "/dashboard", "admin manager analyst"),
    ("GET", "/dashboard/campaigns/1", "admin manager analyst"),
    ("GET", "/dashboard/campaigns/new", "admin manager"),
    ("POST", "/dashboard/campaigns", "admin manager"),
    ("POST", "/dashboard/campaigns/1/pause", "admin manager"),
    ("GET", "/dashboard/subscribers", "admin manager"),
    ("GET", "/dashboard/lists", "admin manager"),
    ("GET", "/dashboard/lists/1/export.csv", "admin manager"),
    ("GET", "/dashboard/subscribers/import", "admin manager"),
    ("GET", "/dashboard/audit", "admin"),
    ("GET", "/dashboard/messages", "admin manager translator"),
    ("POST", "/dashboard/lists", "admin manager"),
    ("POST", "/dashboard/lists/1/rename", "admin manager"),
    ("POST", "/dashboard/lists/1/delete", "admin manager"),
    ("POST", "/dashboard/subscribers/1/profile", "admin manager"),
    ("POST", "/dashboard/subscribers/1/erase", "admin manager"),
    ("GET", "/dashboard/subscribers/1", "admin manager"),
    ("GET", "/dashboard/subscribers/1/erase", "admin manager"),
    (
        "POST",
        "/dashboard/subscribers/1/unsubscribe",
        "admin manager",
    ),
];

async fn each_role_sees_exactly_its_pages(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    t.import(PEOPLE, "peru").await;
    t.campaign_due_now("survivor-rights").await;
    for role in Role::ALL {
        let token = web::auth::create_token(
            &t.app.store,
            &format!("{role}-token"),
            role,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
        let response = log_in(&t, &token).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{role}");
        let (session, _) = set_cookie(response.headers(), "willay_session").unwrap();
        // Every page of a session, a refusal too, carries its anti-forgery value.
        let (_, first) = get_page(&t, &session, "/dashboard/no-such-page").await;
        let csrf = csrf_in(&first);
        for (method, path, allowed) in PAGES {
            let (status, body) = if *method == "GET" {
                get_page(&t, &session, path).await
            } else {
                let response = post_form(&t, &session, path, format!("csrf={csrf}")).await;
                (response.status(), response.text().await.unwrap())
            };
            let what = format!("{role} {method} {path}: {status}");
            if *path == "/dashboard" && role == Role::Translator {
                assert_eq!(
                    status,
                    StatusCode::SEE_OTHER,
                    "{what}: the translator's first page is the messages"
                );
                continue;
            }
            if allowed.split(' ').any(|r| r == role.as_str()) {
                assert_ne!(status, StatusCode::FORBIDDEN, "{what}: {body}");
                assert!(!body.contains("no abre esta página"), "{what}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
                assert!(body.contains("no abre esta página"), "{what}: {body}");
                assert!(
                    !body.contains("survivor-rights") && !body.contains("@example.org"),
                    "{what}: shows nothing of the page"
                );
            }
        }
    }
}

on_both_backends!(each_role_sees_exactly_its_pages);
