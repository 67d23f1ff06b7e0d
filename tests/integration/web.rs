//! The web service over real HTTP: a server on a loopback port built from the
//! app, driven with reqwest. This file holds the harness and the admin API's
//! tests; `web_public`, `web_dashboard` and `web_browser` hold the rest.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;
use willay::app::App;
use willay::store::{ReachFilter, now_millis};
use willay::web::{self, WebConfig, WebState};

use crate::helpers::{Backend, TestApp, TestDb, columns_containing, execute, shipped_locales};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

/// A running `willay serve` of a test's own, with an API token.
pub struct WebTest {
    pub base: String,
    pub app: Arc<App>,
    pub client: reqwest::Client,
    pub token: String,
    /// The database the server writes to, for tests that inspect it directly.
    pub db_url: String,
    shutdown: CancellationToken,
    _db: TestDb,
    _dir: TempDir,
}

impl WebTest {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, None, WebConfig::default()).await
    }

    pub async fn start_with(
        backend: Backend,
        smtp: Option<&SmtpServer>,
        config: WebConfig,
    ) -> Self {
        let TestApp { app, _db, dir } =
            TestApp::spawn_with(backend, &shipped_locales(), smtp).await;
        Self::serve(Arc::new(app), config, _db, dir).await
    }

    pub async fn serve(app: Arc<App>, config: WebConfig, db: TestDb, dir: TempDir) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        Self::serve_on(listener, base, app, config, db, dir).await
    }

    pub async fn serve_on(
        listener: tokio::net::TcpListener,
        base: String,
        app: Arc<App>,
        config: WebConfig,
        db: TestDb,
        dir: TempDir,
    ) -> Self {
        let state = WebState::new(app.clone(), config, Some(web::install_metrics_recorder()))
            .await
            .expect("web state");
        let shutdown = CancellationToken::new();
        tokio::spawn(web::serve(listener, web::router(state), shutdown.clone()));
        let token = web::auth::create_token(&app.store, "test-runner")
            .await
            .unwrap();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base,
            app,
            client,
            token,
            db_url: db.url.clone(),
            shutdown,
            _db: db,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An authenticated API call; returns status and JSON body (Null when empty).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        json_of(response).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.api(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.api(reqwest::Method::POST, path, Some(body)).await
    }

    /// Imports confirmed subscribers into `list` (created if needed).
    pub async fn import(&self, csv: &str, list: &str) {
        let list = willay::domain::ListName::parse(list).unwrap();
        self.app
            .store
            .ensure_list(&list, now_millis())
            .await
            .unwrap();
        self.app
            .import_subscribers(
                csv.as_bytes(),
                "test.csv",
                Some(&list),
                willay::domain::SubscriberStatus::Confirmed,
                |_, _| {},
            )
            .await
            .unwrap();
    }

    pub async fn run_worker(&self) -> willay::worker::WorkerReport {
        let args = willay::config::WorkerArgs {
            concurrency: 4,
            until_idle: true,
            ..Default::default()
        };
        self.app
            .worker(&args)
            .unwrap()
            .run(CancellationToken::new())
            .await
            .unwrap()
    }
}

impl Drop for WebTest {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, value)
}

/// The value a `Set-Cookie` header gives cookie `name`, with its attributes.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<(String, String)> {
    headers.get_all(header::SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let rest = v.strip_prefix(&format!("{name}="))?;
        let (value, attributes) = rest.split_once(';').unwrap_or((rest, ""));
        Some((value.to_owned(), attributes.to_owned()))
    })
}

/// Public-page limits no test reaches by accident (one rate-limit test sets its own).
pub fn roomy() -> WebConfig {
    WebConfig {
        rate: web::PublicRateLimit {
            per_minute: std::num::NonZeroU32::new(6000).unwrap(),
            burst: std::num::NonZeroU32::new(1000).unwrap(),
        },
        ..WebConfig::default()
    }
}

pub fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

pub const PEOPLE: &str = "email,name,language,region
rosa@example.org,Rosa Quispe,quz-PE,Cusco
juana@example.org,Juana Huamán,quy,Huancavelica
maria@example.org,María Torres,es-PE,Lima
ann@example.org,Ann Smith,en-GB,Lima
";

async fn the_api_needs_a_valid_unrevoked_token(backend: Backend) {
    let t = WebTest::start(backend).await;
    let lists = t.url("/api/lists");

    let response = t.client.get(&lists).send().await.unwrap();
    assert_eq!(
        response.headers()[header::WWW_AUTHENTICATE],
        "Bearer realm=\"willay\""
    );
    let (status, body) = json_of(response).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");

    let forged = format!("{}x", &t.token[..t.token.len() - 1]);
    for wrong in [forged.as_str(), "wly_short", "not-a-token", ""] {
        let response = t
            .client
            .get(&lists)
            .bearer_auth(wrong)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    }

    let (status, _) = t.get("/api/lists").await;
    assert_eq!(status, StatusCode::OK);

    let second = web::auth::create_token(&t.app.store, "to-revoke")
        .await
        .unwrap();
    let ok = t
        .client
        .get(&lists)
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(t.app.store.revoke_api_token("to-revoke").await.unwrap());
    let response = t
        .client
        .get(&lists)
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");

    // Tokens are stored hashed: the text appears nowhere in the listing.
    let listed = format!("{:?}", t.app.store.api_tokens().await.unwrap());
    assert!(!listed.contains(&t.token), "{listed}");
    assert!(matches!(
        web::auth::create_token(&t.app.store, "test-runner").await,
        Err(web::auth::TokenError::NameTaken(_))
    ));
}

async fn lists_and_subscribers_through_the_api(backend: Backend) {
    let t = WebTest::start(backend).await;
    let (status, list) = t
        .post("/api/lists", json!({"name": "huancavelica-2026"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    assert_eq!(list["name"], "huancavelica-2026");
    let (status, body) = t
        .post("/api/lists", json!({"name": "huancavelica-2026"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "list_exists");
    let (status, body) = t.post("/api/lists", json!({"name": "  "})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_list_name",
    );
    let (status, body) = t.post("/api/lists", json!({"nombre": "x"})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
    let response = t
        .client
        .post(t.url("/api/lists"))
        .bearer_auth(&t.token)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "malformed_request");

    let person = json!({"email": "Rosa@Example.org", "name": "Rosa", "language": "quz_pe",
                        "region": "Cusco", "lists": ["huancavelica-2026"]});
    let (status, rosa) = t.post("/api/subscribers", person.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{rosa}");
    assert_eq!(rosa["language"], "quz-PE");
    assert_eq!(rosa["status"], "confirmed");
    assert_eq!(rosa["lists"], json!(["huancavelica-2026"]));
    let (status, body) = t
        .post("/api/subscribers", json!({"email": "rosa@example.org"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "subscriber_exists");
    let (status, body) = t.post("/api/subscribers", json!({"email": "rosa@"})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_email",
    );
    let (status, body) = t
        .post(
            "/api/subscribers",
            json!({"email": "ana@example.org", "lists": ["nope"]}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_list",
    );
    let (status, body) = t
        .post(
            "/api/subscribers",
            json!({"email": "ana@example.org", "status": "bounced"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_status",
    );

    let id = rosa["id"].as_i64().unwrap();
    let (status, shown) = t.get(&format!("/api/subscribers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["email"], "Rosa@Example.org");
    for missing in ["/api/subscribers/999999", "/api/subscribers/abc"] {
        let (status, body) = t.get(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
    }

    let rosa_path = format!("/api/subscribers/{id}");
    let patch = |body: Value| t.api(reqwest::Method::PATCH, &rosa_path, Some(body));
    let (status, changed) = patch(json!({"language": "es", "region": "Ayacucho"})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["language"].as_str(), changed["region"].as_str()),
        (Some("es"), Some("Ayacucho"))
    );
    let (status, body) = patch(json!({"language": "español!!"})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_language",
    );
    let (status, body) = patch(json!({"status": "bounced"})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_status",
    );
    let (status, changed) = patch(json!({"status": "unsubscribed"})).await;
    assert_eq!(
        (status, changed["status"].as_str()),
        (StatusCode::OK, Some("unsubscribed"))
    );
    // Only the person can come back, through the double opt-in form.
    let (status, body) = patch(json!({"status": "confirmed"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "status_conflict");
    let (status, body) = t
        .api(
            reqwest::Method::PATCH,
            "/api/subscribers/999999",
            Some(json!({"region": "Ica"})),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "subscriber_not_found");

    // CSV upload: bad lines are reported by number, good ones imported.
    let csv = "email,name,language,region\nana@example.org,Ana,es,Ica\nnot-an-address,X,es,Ica\nluz@example.org,Luz,en,Lima\n";
    let upload = |query: &'static str| {
        t.client
            .post(t.url(&format!("/api/subscribers/import{query}")))
            .bearer_auth(&t.token)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .send()
    };
    let (status, report) = json_of(upload("?list=huancavelica-2026").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["created"], 2);
    assert_eq!(report["rejected"][0]["line"], 3, "{report}");
    assert!(
        report["rejected"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not-an-address")
    );
    let (status, body) = json_of(upload("?list=nope").await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_list",
    );
    let (_, lists) = t.get("/api/lists").await;
    assert_eq!(lists[0]["members"], 3, "{lists}");
    assert_eq!(lists[0]["confirmed"], 2, "Rosa unsubscribed: {lists}");
}

async fn erasing_a_subscriber_keeps_anonymous_reach(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let (status, first) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "at": chrono::Utc::now()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(t.run_worker().await.sent, 4);
    let before = t.app.store.reach(ReachFilter::default()).await.unwrap();

    // A second campaign expanded but not sent yet: Rosa has a pending row.
    let (_, second) = t.post("/api/campaigns", json!({"message_id": "sterilisation-justice", "lists": ["peru"], "at": chrono::Utc::now()})).await;
    let second = second["campaign"]["id"].as_i64().unwrap();
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let rosa = t
        .app
        .store
        .signup_state("rosa@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;

    let (status, body) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{rosa}"),
            None,
        )
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (status, _) = t.get(&format!("/api/subscribers/{rosa}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{rosa}"),
            None,
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "subscriber_not_found");

    let first = first["campaign"]["id"].as_i64().unwrap();
    let after = t
        .app
        .store
        .reach(ReachFilter {
            campaign_id: Some(first),
        })
        .await
        .unwrap();
    assert_eq!(
        after.totals.people_reached, before.totals.people_reached,
        "reach survives erasure"
    );
    assert_eq!(after.by_region.get("Cusco"), Some(&1));
    let (_, second_view) = t.get(&format!("/api/campaigns/{second}")).await;
    assert_eq!(second_view["progress"]["skipped"], 1, "{second_view}");
    assert_eq!(second_view["progress"]["pending"], 3, "{second_view}");
    let (_, lists) = t.get("/api/lists").await;
    assert_eq!(lists[0]["members"], 3, "membership gone: {lists}");
}

async fn campaigns_through_the_api(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;

    let (status, messages) = t.get("/api/messages").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        messages
            .as_array()
            .unwrap()
            .contains(&json!("survivor-rights")),
        "{messages}"
    );
    let (status, preview) = t
        .get("/api/messages/survivor-rights/preview?locale=quz-PE&name=Rosa")
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let expected = t.app.preview("survivor-rights", "quz-PE", "Rosa").unwrap();
    assert_eq!(preview["locale"], "qu");
    assert_eq!(preview["subject"], expected.subject.as_str());
    assert_eq!(preview["html"], expected.html.as_str());
    let (status, body) = t.get("/api/messages/no-such-message/preview").await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_message",
    );

    let (status, body) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "nope", "lists": ["peru"]}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_message",
    );
    let (status, body) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": []}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    let (status, body) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["nope"]}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_list",
    );

    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "name": "Nov 25"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let campaign = &created["campaign"];
    assert_eq!(
        (campaign["status"].as_str(), campaign["audience"].as_i64()),
        (Some("draft"), Some(4))
    );
    let id = campaign["id"].as_i64().unwrap();
    let path = |action: &str| format!("/api/campaigns/{id}/{action}");

    let (status, body) = t.post(&path("pause"), json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, scheduled) = t
        .post(
            &path("schedule"),
            json!({"at": "2031-11-25T09:00:00-05:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["campaign"]["status"], "scheduled");
    assert_eq!(
        scheduled["campaign"]["scheduled_at"],
        "2031-11-25T14:00:00Z"
    );
    let (status, body) = t.post(&path("schedule"), json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, cancelled) = t.post(&path("cancel"), json!({})).await;
    assert_eq!(
        (status, cancelled["campaign"]["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    for missing in ["/api/campaigns/999999", "/api/campaigns/x"] {
        let (status, body) = t.get(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let (status, body) = t.post("/api/campaigns/999999/pause", json!({})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "campaign_not_found");

    // A running campaign pauses and resumes, with live progress.
    let (_, running) = t.post("/api/campaigns", json!({"message_id": "sterilisation-justice", "lists": ["peru"], "at": chrono::Utc::now()})).await;
    let running = running["campaign"]["id"].as_i64().unwrap();
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let (status, shown) = t.get(&format!("/api/campaigns/{running}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            shown["status"].as_str(),
            shown["progress"]["pending"].as_i64()
        ),
        (Some("running"), Some(4))
    );
    let (status, paused) = t
        .post(&format!("/api/campaigns/{running}/pause"), json!({}))
        .await;
    assert_eq!(
        (status, paused["campaign"]["status"].as_str()),
        (StatusCode::OK, Some("paused"))
    );
    let (status, resumed) = t
        .post(&format!("/api/campaigns/{running}/resume"), json!({}))
        .await;
    assert_eq!(
        (status, resumed["campaign"]["status"].as_str()),
        (StatusCode::OK, Some("running"))
    );
    assert_eq!(t.run_worker().await.sent, 4);
    let (_, done) = t.get(&format!("/api/campaigns/{running}")).await;
    assert_eq!(done["status"], "done");
    assert_eq!(
        (
            done["progress"]["sent"].as_i64(),
            done["progress"]["percent_done"].as_i64()
        ),
        (Some(4), Some(100))
    );
    let (_, all) = t.get("/api/campaigns").await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    // Reach: the same object as `willay reach --format json`.
    let (status, reach) = t.get("/api/reach").await;
    assert_eq!(status, StatusCode::OK);
    let expected =
        serde_json::to_value(t.app.store.reach(ReachFilter::default()).await.unwrap()).unwrap();
    assert_eq!(reach, expected);
    assert_eq!(reach["people_reached"], 4);
    assert_eq!(reach["by_locale"], json!({"en": 1, "es": 1, "qu": 2}));
    let (status, one) = t.get(&format!("/api/reach?campaign={running}")).await;
    assert_eq!(
        (status, one["messages_delivered"].as_i64()),
        (StatusCode::OK, Some(4))
    );
    let (status, body) = t.get("/api/reach?campaign=999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "campaign_not_found");
    let (status, daily) = t.get("/api/reach/daily").await;
    assert_eq!(status, StatusCode::OK);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(
        daily,
        json!([{"day": today, "people_reached": 4, "messages_delivered": 4}])
    );
    let (status, body) = t.get("/api/nothing-here").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "no_such_route");
}

async fn health_and_metrics(backend: Backend) {
    let t = WebTest::start(backend).await;
    let response = t.client.get(t.url("/healthz")).send().await.unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));

    let response = t.client.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    t.import(PEOPLE, "peru").await;
    t.post(
        "/api/campaigns",
        json!({"message_id": "survivor-rights", "lists": ["peru"], "at": chrono::Utc::now()}),
    )
    .await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let metrics = || async {
        let response = t
            .client
            .get(t.url("/metrics"))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    };
    let text = metrics().await;
    assert!(text.contains("willay_queue_depth 4"), "{text}");

    t.run_worker().await;
    let text = metrics().await;
    assert!(text.contains("willay_queue_depth 0"), "{text}");
    assert!(
        text.contains("willay_ledger_deliveries{state=\"sent\",locale=\"qu\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("willay_ledger_deliveries{state=\"sent\",locale=\"en\"} 1"),
        "{text}"
    );
    // The worker's own counter, through the installed Prometheus recorder.
    assert!(text.contains("willay_messages_total{"), "{text}");
}

async fn openapi_describes_every_api_route(_backend: Backend) {
    let t = WebTest::start(Backend::Sqlite).await;
    let response = t
        .client
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    let (status, doc) = json_of(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc, web::openapi_json());
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/lists", "get"),
        ("/api/lists", "post"),
        ("/api/subscribers", "post"),
        ("/api/subscribers/import", "post"),
        ("/api/subscribers/{id}", "get"),
        ("/api/subscribers/{id}", "patch"),
        ("/api/subscribers/{id}", "delete"),
        ("/api/campaigns", "get"),
        ("/api/campaigns", "post"),
        ("/api/campaigns/{id}", "get"),
        ("/api/campaigns/{id}/schedule", "post"),
        ("/api/campaigns/{id}/pause", "post"),
        ("/api/campaigns/{id}/resume", "post"),
        ("/api/campaigns/{id}/cancel", "post"),
        ("/api/messages", "get"),
        ("/api/messages/{message_id}/preview", "get"),
        ("/api/reach", "get"),
        ("/api/reach/daily", "get"),
    ] {
        let operation = &paths[path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(
            operation["responses"]["401"].is_object(),
            "{method} {path} documents no 401"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

async fn erasure_leaves_no_personal_data_anywhere(backend: Backend) {
    // The relay refuses Rosa's address: her delivery fails for good.
    let smtp = SmtpServer::start_with(&["--reject-rcpt", "^rosa@"]);
    let t = WebTest::start_with(backend, Some(&smtp), WebConfig::default()).await;
    t.import(PEOPLE, "peru").await;
    let (status, body) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "at": chrono::Utc::now()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report = t.run_worker().await;
    assert_eq!((report.sent, report.failed), (3, 1), "{report:?}");
    // Many relays quote the refused address in their reply (this one does not):
    // store what they would have said.
    execute(
        &t.db_url,
        "UPDATE deliveries SET last_error = '550 5.1.1 <rosa@example.org>: Recipient address rejected: user unknown in virtual mailbox table' WHERE state = 'failed'",
    )
    .await;
    // A second campaign expanded but not sent yet, and a confirmation mail on record.
    t.post(
        "/api/campaigns",
        json!({"message_id": "sterilisation-justice", "lists": ["peru"], "at": chrono::Utc::now()}),
    )
    .await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let rosa = t
        .app
        .store
        .signup_state("rosa@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(
        t.app
            .store
            .claim_confirmation_mail(rosa, now_millis(), 0)
            .await
            .unwrap()
    );
    for needle in ["rosa@example.org", "Rosa Quispe"] {
        assert!(
            !columns_containing(&t.db_url, needle).await.is_empty(),
            "the test stages {needle}"
        );
    }

    let (status, _) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{rosa}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for needle in ["rosa@example.org", "Rosa Quispe"] {
        let left = columns_containing(&t.db_url, needle).await;
        assert!(left.is_empty(), "{needle} is still in {left:?}");
    }
    // The failure itself still counts, anonymously.
    let reach = t.app.store.reach(ReachFilter::default()).await.unwrap();
    assert_eq!(reach.totals.failed, 1, "{reach:?}");
}

on_both_backends!(
    the_api_needs_a_valid_unrevoked_token,
    lists_and_subscribers_through_the_api,
    erasing_a_subscriber_keeps_anonymous_reach,
    campaigns_through_the_api,
    health_and_metrics,
    erasure_leaves_no_personal_data_anywhere,
);

#[tokio::test]
async fn openapi_document() {
    openapi_describes_every_api_route(Backend::Sqlite).await
}
