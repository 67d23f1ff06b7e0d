//! The web harness: a server on a loopback port built from a test's own app
//! (see `TestApp`), driven with reqwest, with an API token.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;
use willay::access::Role;
use willay::app::App;
use willay::subscribers::ImportReport;
use willay::web::{self, WebConfig, WebState};
use willay::worker::WorkerReport;

use super::{Backend, TestApp, TestDb, import_confirmed, run_worker_until_idle, shipped_locales};
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
        let token = web::auth::create_token(
            &app.store,
            "test-runner",
            Role::Admin,
            None,
            &willay::domain::Actor::Cli,
        )
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
    pub async fn import(&self, csv: &str, list: &str) -> ImportReport {
        import_confirmed(&self.app, csv, list).await
    }

    /// Runs a worker until nothing is left to do.
    pub async fn run_worker(&self) -> WorkerReport {
        run_worker_until_idle(&self.app).await
    }
}

impl Drop for WebTest {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A page: status, `Content-Language`, body.
pub type Page = (StatusCode, String, String);

/// Reads `response` as a page.
pub async fn page(response: reqwest::Response) -> Page {
    let status = response.status();
    let lang = response
        .headers()
        .get(header::CONTENT_LANGUAGE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, lang, response.text().await.unwrap())
}

/// Sending a request built in a test, in one step: every fetch either
/// answers or fails the test.
pub trait Fetch {
    /// Sends the request; its response.
    async fn fetch(self) -> reqwest::Response;
    /// Sends the request; the page it answers.
    async fn page(self) -> Page;
}

impl Fetch for reqwest::RequestBuilder {
    async fn fetch(self) -> reqwest::Response {
        self.send().await.expect("the server answers")
    }

    async fn page(self) -> Page {
        page(self.fetch().await).await
    }
}

/// Returns JSON of a response: its status and body (Null when empty).
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

/// A request the API must refuse: (what it shows, method, path, JSON body,
/// the status and error code expected).
pub type Refusal<'a> = (
    &'a str,
    reqwest::Method,
    String,
    Option<Value>,
    StatusCode,
    &'a str,
);

impl WebTest {
    /// Sends each request of `cases` and checks it is refused as its row says,
    /// with a message; a failure names the row.
    pub async fn assert_refusals(&self, cases: Vec<Refusal<'_>>) {
        for (story, method, path, body, expected, code) in cases {
            let (status, answer) = self.api(method, &path, body).await;
            assert_eq!(status, expected, "{story}: {answer}");
            assert_eq!(answer["error"], code, "{story}: {answer}");
            assert!(
                answer["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{story}: {answer}"
            );
        }
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

/// `value` with one character changed: same length, wrong value, so a
/// refusal comes from the comparison itself, not from a length check.
pub fn same_length_other(value: &str) -> String {
    let mut bytes = value.as_bytes().to_vec();
    bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
    let other = String::from_utf8(bytes).unwrap();
    assert_eq!(other.len(), value.len());
    other
}

/// Whether `address` has a sign-up on record (pending or confirmed).
pub async fn signed_up(t: &WebTest, address: &str) -> bool {
    t.app.store.signup_state(address).await.unwrap().is_some()
}
