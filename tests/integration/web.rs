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

use crate::helpers::{Backend, TestApp, TestDb, columns_containing, execute_sql, shipped_locales};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

/// A running `willay serve` of a test's own, with an API token.
pub struct WebTest {
    pub base: String,
    pub app: Arc<App>,
    pub client: reqwest::Client,
    pub token: String,
    /// The server's state, for waiting on its background mail.
    pub state: WebState,
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
        tokio::spawn(web::serve(
            listener,
            web::router(state.clone()),
            shutdown.clone(),
        ));
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
            state,
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

    /// The id of the stored subscriber with address `email`.
    pub async fn id_of(&self, email: &str) -> i64 {
        let state = self.app.store.signup_state(email).await.unwrap();
        state.unwrap_or_else(|| panic!("no subscriber {email}")).id
    }

    /// Creates, through the API, a campaign of `message` to list `peru`, due now; its id.
    pub async fn campaign_due_now(&self, message: &str) -> i64 {
        let (status, body) = self
            .post(
                "/api/campaigns",
                json!({"message_id": message, "lists": ["peru"], "at": chrono::Utc::now()}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["campaign"]["id"].as_i64().unwrap()
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
    let first = t.campaign_due_now("survivor-rights").await;
    assert_eq!(t.run_worker().await.sent, 4);
    let before = t.app.store.reach(ReachFilter::default()).await.unwrap();

    // A second campaign expanded but not sent yet: Rosa has a pending row.
    let second = t.campaign_due_now("sterilisation-justice").await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let rosa = t.id_of("rosa@example.org").await;

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
    assert_eq!(
        after.by_list, before.by_list,
        "reach by list counts the lists people were on when the campaign went out"
    );
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
    let (status, body) = t.post(&path("resume"), json!({})).await;
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
    let running = t.campaign_due_now("sterilisation-justice").await;
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
    let (status, body) = t
        .post(&format!("/api/campaigns/{running}/cancel"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
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
    let (status, body) = t.get("/api/reach/daily?campaign=999999").await;
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
    t.campaign_due_now("survivor-rights").await;
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

/// The document and the router agree: every documented operation exists and
/// answers 401 without a token and with a revoked one (a missing route would
/// be 404, a missing method 405), and every route the API serves is documented.
async fn every_api_route_is_documented_and_needs_a_token(backend: Backend) {
    let t = WebTest::start(backend).await;
    let response = t
        .client
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    let (status, doc) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "the document itself is public");
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} documents no 401"
            );
            if let Some(body) = operation["requestBody"]["content"]["application/json"].as_object()
            {
                let responses = &operation["responses"];
                assert!(
                    responses["400"].is_object() && responses["422"].is_object(),
                    "{method} {path} parses JSON but documents no 400/422: {body:?}"
                );
            }
        }
    }
    let served: std::collections::BTreeSet<(String, String)> =
        web::api_routes().into_iter().collect();
    assert_eq!(documented, served, "documented vs served");
    assert_eq!(served.len(), 19);

    let revoked = web::auth::create_token(&t.app.store, "revoked")
        .await
        .unwrap();
    assert!(t.app.store.revoke_api_token("revoked").await.unwrap());
    for (method, path) in &documented {
        let url = t.url(
            &path
                .replace("{id}", "1")
                .replace("{message_id}", "survivor-rights"),
        );
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        for token in [None, Some(revoked.as_str())] {
            let mut request = t.client.request(method.clone(), &url).json(&json!({}));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert!(
                response.headers().contains_key(header::WWW_AUTHENTICATE),
                "{method} {path}"
            );
            let (status, body) = json_of(response).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
            assert_eq!(body["error"], "unauthorized", "{method} {path}");
        }
    }
    let response = t
        .client
        .get(t.url("/metrics"))
        .bearer_auth(&revoked)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Reach has a real schema, the same object `willay reach --format json` prints.
    let reach = &doc["paths"]["/api/reach"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert_eq!(reach["$ref"], "#/components/schemas/Reach", "{reach}");
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Reach",
        "ReachRow",
        "ReachDetail",
        "Breakdown",
        "FallbackRefusedBody",
    ] {
        assert!(schemas[name].is_object(), "{name} has no schema");
    }
    let reach_doc = schemas["Reach"].to_string();
    for field in [
        "people_reached",
        "by_locale",
        "by_region",
        "by_list",
        "detail",
    ] {
        assert!(
            reach_doc.contains(field) || schemas["ReachRow"].to_string().contains(field),
            "{field}: {reach_doc}"
        );
    }
    // The schedule body is optional, as the handler treats it.
    let schedule = &doc["paths"]["/api/campaigns/{id}/schedule"]["post"]["requestBody"];
    assert!(schedule.is_object(), "{schedule}");
    assert_ne!(schedule["required"], true, "{schedule}");
    assert_eq!(
        doc["paths"]["/api/campaigns"]["post"]["requestBody"]["required"],
        true
    );
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
    t.campaign_due_now("survivor-rights").await;
    let report = t.run_worker().await;
    assert_eq!((report.sent, report.failed), (3, 1), "{report:?}");
    // Relays quote the refused address in their reply; willay stores it
    // redacted, but rows written before it did were not: stage one.
    execute_sql(
        &t.db_url,
        "UPDATE deliveries SET last_error = '550 5.1.1 <rosa@example.org>: Recipient address rejected: user unknown in virtual mailbox table' WHERE state = 'failed' AND attempts = $1",
        1,
    )
    .await;
    // A second campaign expanded but not sent yet, and a confirmation mail on record.
    t.campaign_due_now("sterilisation-justice").await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let rosa = t.id_of("rosa@example.org").await;
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

async fn api_errors_are_json_with_a_stable_code(backend: Backend) {
    let t = WebTest::start(backend).await;
    for path in [
        "/api/reach?campaign=abc",
        "/api/reach/daily?campaign=abc",
        "/api/messages/survivor-rights/preview?locale=es&locale=en",
    ] {
        let (status, body) = t.get(path).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    }
    for (method, path) in [
        (reqwest::Method::PUT, "/api/lists"),
        (reqwest::Method::DELETE, "/api/campaigns"),
        (reqwest::Method::GET, "/api/campaigns/1/pause"),
    ] {
        let (status, body) = t.api(method.clone(), path, None).await;
        assert_error(
            status,
            &body,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        );
    }
    let post = |path: &str, content_type: &'static str, body: &'static str| {
        t.client
            .post(t.url(path))
            .bearer_auth(&t.token)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    let (status, body) = json_of(
        post("/api/lists", "text/plain", "{\"name\": \"x\"}")
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    for path in ["/api/lists", "/api/campaigns", "/api/campaigns/1/schedule"] {
        let (status, body) =
            json_of(post(path, "application/json", "{not json").await.unwrap()).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "malformed_request");
    }

    // A file of 45,000 people (about 2.6 MB) is read in full: here it reaches the
    // list check, which refuses the unknown list, instead of the body limit.
    let mut big = String::from("email,name,language,region\n");
    for i in 0..45_000 {
        big.push_str(&format!(
            "person{i:05}@example.org,Persona {i},es-PE,Lima\n"
        ));
    }
    assert!(big.len() > 2 * 1024 * 1024);
    let upload = |body: Vec<u8>| {
        t.client
            .post(t.url("/api/subscribers/import?list=no-such-list"))
            .bearer_auth(&t.token)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(body)
            .send()
    };
    let (status, body) = json_of(upload(big.into_bytes()).await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_list",
    );
    let (status, body) = json_of(
        upload(vec![b'x'; web::IMPORT_BODY_LIMIT + 1])
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
}

async fn strict_campaigns_refuse_language_fallbacks(backend: Backend) {
    // Quechua lacks `survivor-rights`: Rosa and Juana would get it in Spanish.
    let scratch = tempfile::tempdir().unwrap();
    crate::pipeline::copy_catalogue_without(scratch.path(), "qu", "survivor-rights");
    let TestApp { app, _db, dir } = TestApp::spawn_with(backend, scratch.path(), None).await;
    let t = WebTest::serve(Arc::new(app), WebConfig::default(), _db, dir).await;
    t.import(PEOPLE, "peru").await;
    let expected = json!([{"wanted": "qu", "used": "es", "people": 2,
        "reason": "has no `qu` translation", "problems": []}]);

    // Strict: refused, with the fallbacks listed, and nothing stored.
    let (status, body) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "strict": true,
                   "at": chrono::Utc::now()}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "fallback_refused");
    assert_eq!(body["fallbacks"], expected, "{body}");
    assert_eq!(body["campaign_id"], Value::Null, "{body}");
    assert!(t.app.store.campaigns().await.unwrap().is_empty());

    // Not strict: created, with the warning.
    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["fallbacks"], expected, "{created}");
    let id = created["campaign"]["id"].as_i64().unwrap();

    // Scheduling strictly is refused and leaves the draft as it was.
    let schedule = format!("/api/campaigns/{id}/schedule");
    let (status, body) = t.post(&schedule, json!({"strict": true})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "fallback_refused");
    assert_eq!(
        (&body["fallbacks"], body["campaign_id"].as_i64()),
        (&expected, Some(id)),
        "{body}"
    );
    let (_, shown) = t.get(&format!("/api/campaigns/{id}")).await;
    assert_eq!(shown["status"], "draft");
    let (status, scheduled) = t.post(&schedule, json!({"strict": false})).await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["campaign"]["status"], "scheduled");
    assert_eq!(scheduled["fallbacks"], expected, "{scheduled}");

    // A message every language has passes strictly.
    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "agro-workers-rights", "lists": ["peru"], "strict": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["fallbacks"], json!([]));
}

async fn a_broken_translation_is_explained_by_the_api(backend: Backend) {
    // Quechua has the message, but its plural term uses a term nobody defined.
    let scratch = tempfile::tempdir().unwrap();
    crate::pipeline::copy_catalogue(scratch.path());
    let shared = scratch.path().join("qu/shared.ftl");
    let text = std::fs::read_to_string(&shared).unwrap();
    std::fs::write(
        &shared,
        text.replace(
            "*[other] { $count } warmi",
            "*[other] { $count } { -warmi }",
        ),
    )
    .unwrap();
    let TestApp { app, _db, dir } = TestApp::spawn_with(backend, scratch.path(), None).await;
    let t = WebTest::serve(Arc::new(app), WebConfig::default(), _db, dir).await;
    t.import(PEOPLE, "peru").await;
    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "sterilisation-justice", "lists": ["peru"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let fallback = &created["fallbacks"][0];
    assert_eq!(
        (&fallback["wanted"], &fallback["used"], &fallback["people"]),
        (&json!("qu"), &json!("es"), &json!(2)),
        "{created}"
    );
    assert_eq!(
        fallback["reason"],
        "has a `qu` translation that does not format"
    );
    assert_eq!(
        fallback["problems"],
        json!([format!(
            "{}:36:30: error: term `-warmi` is used but not defined in `qu` [undefined-term]",
            shared.display()
        )])
    );
}

async fn resuming_a_scheduled_campaign_is_refused(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let (_, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "at": "2031-11-25T09:00:00-05:00"}),
        )
        .await;
    let id = created["campaign"]["id"].as_i64().unwrap();
    // Resume is for paused campaigns; a scheduled one starts at its time, not now.
    let (status, body) = t
        .post(&format!("/api/campaigns/{id}/resume"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (_, shown) = t.get(&format!("/api/campaigns/{id}")).await;
    assert_eq!(shown["status"], "scheduled");
}

/// Before: no `X-Content-Type-Options` or `Strict-Transport-Security` on any
/// answer, and API answers naming people could be kept by any cache.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    for https in [true, false] {
        let TestApp { mut app, _db, dir } = TestApp::spawn(Backend::Sqlite).await;
        if !https {
            app.settings.public_url = "http://localhost:8080/".parse().unwrap();
        }
        let t = WebTest::serve(Arc::new(app), roomy(), _db, dir).await;
        for (path, token, api) in [
            ("/subscribe", false, false),
            ("/login", false, false),
            ("/dashboard", false, false),
            ("/dashboard/nope", false, false),
            ("/healthz", false, false),
            ("/metrics", true, false),
            ("/nothing-here", false, false),
            ("/api/openapi.json", false, true),
            ("/api/lists", true, true),
            ("/api/subscribers/1", true, true),
            ("/api/reach", true, true),
            ("/api/reach", false, true),
            ("/api/nothing-here", true, true),
        ] {
            let mut request = t.client.get(t.url(path));
            if token {
                request = request.bearer_auth(&t.token);
            }
            let response = request.send().await.unwrap();
            let headers = response.headers();
            let header = |name: header::HeaderName| {
                headers
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let what = format!("{path} (https {https}, {})", response.status());
            assert_eq!(header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
            let hsts = if https { "max-age=31536000" } else { "" };
            assert_eq!(header(header::STRICT_TRANSPORT_SECURITY), hsts, "{what}");
            if api {
                assert_eq!(header(header::CACHE_CONTROL), "no-store", "{what}");
            }
        }
    }
}

/// Before: `campaign` on the reach routes was documented as a path
/// parameter, and the schedule's 409 as a `FallbackRefusedBody`, which an
/// `invalid_transition` answer (no `fallbacks`) does not match.
async fn the_document_describes_what_the_api_answers(backend: Backend) {
    let t = WebTest::start(backend).await;
    let doc = web::openapi_json();
    for path in ["/api/reach", "/api/reach/daily"] {
        let parameters = &doc["paths"][path]["get"]["parameters"];
        assert_eq!(parameters[0]["name"], "campaign", "{path}: {parameters}");
        assert_eq!(parameters[0]["in"], "query", "{path}: {parameters}");
        assert_ne!(parameters[0]["required"], true, "{path}: {parameters}");
    }
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    let (status, body) = t
        .post(&format!("/api/campaigns/{id}/schedule"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let schema = &doc["paths"]["/api/campaigns/{id}/schedule"]["post"]["responses"]["409"]["content"]
        ["application/json"]["schema"];
    assert!(matches_schema(&doc, schema, &body), "{body} vs {schema}");
    // A strict refusal's body matches it too.
    let refused =
        json!({"error": "fallback_refused", "message": "m", "campaign_id": id, "fallbacks": []});
    assert!(matches_schema(&doc, schema, &refused), "{schema}");
    assert!(
        !matches_schema(&doc, schema, &json!({"error": "x"})),
        "{schema}"
    );
}

/// Whether `value` has every property `schema` requires (following `$ref`,
/// `anyOf` and `oneOf`): enough to tell which documented body an answer is.
fn matches_schema(doc: &Value, schema: &Value, value: &Value) -> bool {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "{reference} is not in the document");
        return matches_schema(doc, target, value);
    }
    for combined in ["anyOf", "oneOf"] {
        if let Some(members) = schema[combined].as_array() {
            let matching = members
                .iter()
                .filter(|m| matches_schema(doc, m, value))
                .count();
            return if combined == "oneOf" {
                matching == 1
            } else {
                matching > 0
            };
        }
    }
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|key| value.get(key.as_str().unwrap()).is_some())
}

/// Staff put failed messages back in the queue through the API.
async fn failed_messages_are_retried_through_the_api(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--reject-data", "^(rosa|juana)@"]);
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    t.run_worker().await;
    let (_, shown) = t.get(&format!("/api/campaigns/{id}")).await;
    assert_eq!(shown["status"], "done");
    assert_eq!(shown["progress"]["failed"], 2);

    let retry = format!("/api/campaigns/{id}/retry");
    let (status, body) = t.post(&retry, json!({"reason": "relay fixed"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["retried"], 2, "{body}");
    assert_eq!(body["campaign"]["status"], "running", "{body}");
    assert_eq!(body["campaign"]["progress"]["pending"], 2, "{body}");
    let retries = t.app.store.delivery_retries(id).await.unwrap();
    assert_eq!(body["retry_id"], retries[0].id);
    assert_eq!(
        (retries[0].reason.as_str(), retries[0].requested_by.as_str()),
        ("relay fixed", "admin API (token test-runner)")
    );
    // No body is fine; nothing failed is left.
    let response = t
        .client
        .post(t.url(&retry))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body["retried"].as_i64()),
        (StatusCode::OK, Some(0)),
        "{body}"
    );
    // The next run tries them again (this relay still refuses them as spam).
    let report = t.run_worker().await;
    assert_eq!((report.sent, report.failed), (0, 2));
    assert_eq!(smtp.messages().len(), 2, "the two accepted the first time");

    let (status, body) = t.post("/api/campaigns/999999/retry", json!({})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "campaign_not_found");
    let other = t.campaign_due_now("survivor-rights").await;
    t.post(&format!("/api/campaigns/{other}/cancel"), json!({}))
        .await;
    let (status, body) = t
        .post(&format!("/api/campaigns/{other}/retry"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, body) = t.post(&retry, json!({"reason": 5})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
}

on_both_backends!(
    the_document_describes_what_the_api_answers,
    failed_messages_are_retried_through_the_api,
    the_api_needs_a_valid_unrevoked_token,
    lists_and_subscribers_through_the_api,
    erasing_a_subscriber_keeps_anonymous_reach,
    campaigns_through_the_api,
    health_and_metrics,
    erasure_leaves_no_personal_data_anywhere,
    api_errors_are_json_with_a_stable_code,
    strict_campaigns_refuse_language_fallbacks,
    every_api_route_is_documented_and_needs_a_token,
    resuming_a_scheduled_campaign_is_refused,
    a_broken_translation_is_explained_by_the_api,
);
