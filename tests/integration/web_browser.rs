//! A real browser on the dashboard: headless Chromium driven over WebDriver
//! (chromedriver; the protocol is plain JSON over HTTP, spoken here with
//! reqwest) logs in, creates a campaign through the form and saves screenshots
//! to `target/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use willay::access::staff;
use willay::access::{AccountName, Role};
use willay::app::App;
use willay::web::WebConfig;

use crate::helpers::web::WebTest;
use crate::helpers::{Backend, TestDb, settings, shipped_locales};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(candidates: &[&str], package: &str) -> PathBuf {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "the browser test needs {} (Debian: apt-get install -y {package}); .ci/run installs it",
                candidates.join(" or ")
            )
        })
}

/// chromedriver on a free loopback port, killed on drop.
struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Self {
        let program = find_program(
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
            "chromium-driver",
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                && let Ok(status) = response.json::<Value>().await
                && status["value"]["ready"] == true
            {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let value: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(
            value["value"]["error"].is_null(),
            "WebDriver {path}: {value}"
        );
        value["value"].clone()
    }
}

struct Browser<'a> {
    driver: &'a Driver,
    session: String,
}

impl Browser<'_> {
    async fn open<'a>(driver: &'a Driver, profile: &Path) -> Browser<'a> {
        let chromium = find_program(
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
            "chromium",
        );
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1800",
                    format!("--user-data-dir={}", profile.display()),
                    // Staff in Peru: the browser asks for Peruvian Spanish.
                    "--lang=es-PE",
                ],
                "prefs": {"intl.accept_languages": "es-PE,es"}
            }
        }}});
        let session = driver
            .call(reqwest::Method::POST, "/session", Some(capabilities))
            .await;
        Browser {
            driver,
            session: session["sessionId"]
                .as_str()
                .expect("a session id")
                .to_owned(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.session), body)
            .await
    }

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits for a form submission's navigation to land on a URL containing
    /// `part` (chromedriver's click does not always wait for it), or fails.
    async fn wait_for_url(&self, part: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let url = self.url().await;
            if url.contains(part) {
                return url;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never reached `{part}`; at {url}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Waits for the page to show `text` (a form posted to its own address
    /// changes no URL to wait for), or fails; the page's source.
    async fn wait_for_text(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let source = self.source().await;
            if source.contains(text) {
                return source;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never showed `{text}`: {source}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn clear(&self, css: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn screenshot(&self, path: &Path) {
        let png = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    async fn close(self) {
        self.driver
            .call(
                reqwest::Method::DELETE,
                &format!("/session/{}", self.session),
                None,
            )
            .await;
    }
}

/// Sample people across languages and regions, so the charts have something to show.
fn sample_people() -> String {
    let regions = [
        "Cusco",
        "Huancavelica",
        "Ayacucho",
        "Lima",
        "Apurímac",
        "Puno",
        "Junín",
    ];
    let languages = ["quz-PE", "es-PE", "quy", "es", "en-GB", "qu", "es-PE"];
    let mut csv = String::from("email,name,language,region\n");
    for i in 0..84 {
        csv.push_str(&format!(
            "person{i}@example.org,Persona {i},{},{}\n",
            languages[(i * 5 + i / 7) % languages.len()],
            regions[(i * 3 + i / 5) % regions.len()]
        ));
    }
    csv
}

/// Spreads the deliveries of the last few days over those days (the test sends
/// everything now; a real campaign runs for days), for a meaningful time chart.
async fn spread_over_days(db_url: &str) {
    let pool = sqlx::SqlitePool::connect(db_url).await.unwrap();
    let day = 86_400_000_i64;
    sqlx::query("UPDATE deliveries SET sent_at = sent_at - (id % 5) * $1 - (id % 3) * $1 WHERE state = 'sent'")
        .bind(day)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_logs_in_creates_a_campaign_and_sees_the_charts() {
    let driver = Driver::start().await;

    // The app's public URL is the server's own address, as in production.
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = settings(dir.path(), &db, &shipped_locales(), None);
    config.public_url = format!("{base}/").parse().unwrap();
    let app = Arc::new(App::build(config).await.unwrap());
    let db_url = db.url.clone();
    let t = WebTest::serve_on(listener, base, app, WebConfig::default(), db, dir).await;

    t.import(&sample_people(), "peru-2026").await;
    t.import(
        &sample_people()
            .lines()
            .take(40)
            .collect::<Vec<_>>()
            .join("\n"),
        "andes",
    )
    .await;
    for (message, list) in [
        ("sterilisation-justice", "peru-2026"),
        ("survivor-rights", "andes"),
    ] {
        t.post(
            "/api/campaigns",
            json!({"message_id": message, "lists": [list], "at": chrono::Utc::now()}),
        )
        .await;
    }
    assert!(t.run_worker().await.sent > 100);
    spread_over_days(&db_url).await;

    let profile = tempfile::tempdir().unwrap();
    let browser = Browser::open(&driver, profile.path()).await;
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");

    // Rosa, a campaign manager, opens the link an administrator sent her and
    // chooses her password.
    let rosa = AccountName::parse("rosa").unwrap();
    let link = staff::add(
        &t.app.store,
        &t.app.settings.public_url,
        &rosa,
        Role::Manager,
        &willay::domain::Actor::Cli,
    )
    .await
    .unwrap();
    let password = "wayra pacha llaqta 1990";
    browser.go(&t.url(link.url.path())).await;
    browser.type_into("#password", password).await;
    browser.type_into("#again", password).await;
    browser.click("button[type=submit]").await;
    // Hashing the password takes a moment: wait for the answer, not the click.
    browser.wait_for_text("Tu contraseña quedó guardada").await;

    browser.go(&t.url("/dashboard")).await;
    assert!(
        browser.url().await.ends_with("/login"),
        "sent to log in first"
    );
    browser.type_into("#name", "rosa").await;
    browser.type_into("#password", password).await;
    browser.click("button[type=submit]").await;
    assert!(
        browser
            .wait_for_url("/dashboard")
            .await
            .ends_with("/dashboard")
    );

    browser
        .go(&t.url("/dashboard/campaigns/new?message=agro-workers-rights"))
        .await;
    browser.screenshot(&shots.join("new-campaign.png")).await;
    browser.type_into("#name", "Trabajadoras agrícolas").await;
    browser.click("input[name=lists][value=andes]").await;
    browser.click("input[name=when][value=now]").await;
    browser
        .click("form[action='/dashboard/campaigns'] button[type=submit]")
        .await;
    assert!(
        browser
            .wait_for_url("/dashboard/campaigns/3")
            .await
            .ends_with("/dashboard/campaigns/3")
    );
    let page = browser.source().await;
    assert!(
        page.contains("Trabajadoras agrícolas") && page.contains("status-scheduled"),
        "{page}"
    );
    let created = t.app.store.campaign(3).await.unwrap();
    assert_eq!(created.lists, ["andes"]);
    assert_eq!(created.message_id, "agro-workers-rights");

    browser.go(&t.url("/dashboard/campaigns/1")).await;
    browser.screenshot(&shots.join("campaign.png")).await;
    browser.go(&t.url("/dashboard")).await;
    let page = browser.source().await;
    assert!(page.contains("Trabajadoras agrícolas"));
    assert!(
        page.contains("Personas alcanzadas por idioma (todas las campañas)"),
        "the dashboard speaks Spanish to a browser that asks for it: {page}"
    );
    browser.screenshot(&shots.join("dashboard.png")).await;

    // Her people: she finds Persona 42, gives her Cusco Quechua, and erases
    // her only after confirming.
    browser.go(&t.url("/dashboard/subscribers")).await;
    browser.type_into("#q", "Persona 42").await;
    browser.click("form.search button[type=submit]").await;
    browser.wait_for_url("q=Persona").await;
    let found = browser.wait_for_text("person42@example.org").await;
    assert!(!found.contains("person41@"), "only her: {found}");
    browser.screenshot(&shots.join("people.png")).await;
    let rosa_id = t.id_of("person42@example.org").await;
    browser
        .go(&t.url(&format!("/dashboard/subscribers/{rosa_id}")))
        .await;
    browser.clear("#language").await;
    browser.type_into("#language", "quz-PE").await;
    browser
        .click("form[action$='/profile'] button[type=submit]")
        .await;
    browser.wait_for_text("value=\"quz-PE\"").await;
    assert_eq!(
        t.app.store.subscriber(rosa_id).await.unwrap().language,
        "quz-PE"
    );
    browser.screenshot(&shots.join("person.png")).await;
    browser.click("a[href$='/erase']").await;
    browser
        .wait_for_text("¿Borrar a esta persona para siempre?")
        .await;
    browser.click("input[name=confirm]").await;
    browser
        .click("form[action$='/erase'] button[type=submit]")
        .await;
    browser.wait_for_text("La persona fue borrada").await;
    assert!(t.app.store.subscriber(rosa_id).await.is_err(), "erased");

    // She imports a workbook with a broken row and sees its line.
    browser.go(&t.url("/dashboard/subscribers/import")).await;
    let workbook =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/personas.xlsx");
    browser.type_into("#file", workbook.to_str().unwrap()).await;
    browser
        .click("form[action='/dashboard/subscribers/import'] button[type=submit]")
        .await;
    let report = browser.wait_for_text("Resultado de la importación").await;
    assert!(
        report.contains("<td>3</td>"),
        "the broken row by its line: {report}"
    );
    browser.screenshot(&shots.join("import.png")).await;

    browser.go(&t.url("/subscribe?lang=qu")).await;
    browser.screenshot(&shots.join("subscribe-qu.png")).await;
    browser.close().await;

    let png = std::fs::metadata(shots.join("dashboard.png")).unwrap();
    assert!(png.len() > 20_000, "a real screenshot, not a blank page");
}
