//! Poison names: what real address books and a curious attacker bring
//! (issue 12, items 1 and 7). A line break in a name, an address the mailer
//! cannot use, a name of megabytes: each is folded, refused with a reason, or
//! fails its own row only — and nobody is mailed twice or left out.

use std::collections::HashMap;
use std::path::Path;
use std::process::Output;

use reqwest::StatusCode;
use serde_json::json;
use willay::domain::{CampaignStatus, DeliveryState};

use crate::binary::Willay;
use crate::helpers::web::{WebTest, assert_error};
use crate::helpers::{Backend, TestApp, TestDb, execute_sql, shipped_locales};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

/// The issue's file: Ana's name was typed with Alt+Enter in Excel.
pub(crate) const POISONED: &str = "email,name,language,region\n\
                        rosa@example.net,Rosa,es,Lima\n\
                        ana@example.net,\"Ana\nQ\",es,Lima\n\
                        luz@example.net,Luz,es,Lima\n";

/// The binary in `dir` on `db`, sending to `smtp`.
pub(crate) fn willay(dir: &Path, db: &TestDb, smtp: Option<&SmtpServer>, args: &[&str]) -> Output {
    let willay = Willay { dir, db };
    let mut command = match smtp {
        Some(smtp) => willay.command_to(&smtp.url()),
        None => willay.command(),
    };
    command.args(args).output().expect("the willay binary runs")
}

pub(crate) fn succeeded(output: &Output) -> (String, String) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert!(
        output.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        output.status.code()
    );
    (stdout, stderr)
}

/// Messages received per address, with the `To` display names seen.
fn copies(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut copies = HashMap::new();
    for message in smtp.messages() {
        *copies.entry(message.to).or_default() += 1;
    }
    copies
}

/// The `To` of every message received, as `name <address>`, decoded.
fn to_names(smtp: &SmtpServer) -> Vec<String> {
    smtp.raw_messages()
        .iter()
        .filter_map(|raw| {
            let message = mail_parser::MessageParser::default().parse(raw)?;
            let to = message.to()?.first()?;
            Some(format!("{} <{}>", to.name()?, to.address()?))
        })
        .collect()
}

/// The issue's repro through the real binary: before the fix the worker
/// panicked (exit 101), and every restart mailed Rosa again and never Luz.
async fn a_name_with_a_line_break_reaches_everyone_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let smtp = SmtpServer::start();
    std::fs::write(dir.path().join("p.csv"), POISONED).unwrap();
    let run = |args: &[&str]| willay(dir.path(), &db, Some(&smtp), args);
    succeeded(&run(&["lists", "create", "t"]));
    let (stdout, _) = succeeded(&run(&["subscribers", "import", "p.csv", "--list", "t"]));
    assert!(stdout.contains("3 new, 0 updated, 0 rejected"), "{stdout}");
    succeeded(&run(&[
        "campaigns",
        "create",
        "--message",
        "survivor-rights",
        "--list",
        "t",
        "--at",
        "2020-01-01T00:00:00Z",
    ]));
    for _ in 0..2 {
        succeeded(&run(&["worker", "--until-idle"]));
    }
    let expected: HashMap<String, usize> = ["rosa", "ana", "luz"]
        .iter()
        .map(|who| (format!("{who}@example.net"), 1))
        .collect();
    assert_eq!(copies(&smtp), expected);
    assert!(
        to_names(&smtp).contains(&"Ana Q <ana@example.net>".to_owned()),
        "{:?}",
        to_names(&smtp)
    );
}

/// A name stored before the entry points folded them (old data, written here
/// with SQL): the send must not panic, and nobody else may lose her message.
async fn a_poisoned_name_already_stored_is_sent_folded(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let poison = "UPDATE subscribers SET name = 'Ana\r\nBcc: eve@example.com\n' WHERE id = $1";
    let (_, campaign) = poisoned_campaign(&t, poison).await;
    let report = t.run_worker().await;
    assert_eq!((report.sent, report.failed), (3, 0), "{report:?}");
    let names = to_names(&smtp);
    assert!(
        names.contains(&"Ana Bcc: eve@example.com <ana@example.net>".to_owned()),
        "{names:?}"
    );
    assert_eq!(copies(&smtp).len(), 3);
    assert!(!copies(&smtp).contains_key("eve@example.com"));
    let campaign = t.app.store.campaign(campaign.id).await.unwrap();
    assert_eq!(campaign.status, CampaignStatus::Done);
}

/// An address the mailer cannot use, stored before the import refused it:
/// that one row fails with the reason, the others are sent, the campaign ends.
async fn an_unsendable_stored_address_fails_only_its_own_row(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let poison = "UPDATE subscribers SET email = '\"bcc: x\"@example.org' WHERE id = $1";
    let (ana, campaign) = poisoned_campaign(&t, poison).await;
    let report = t.run_worker().await;
    let rows = t.app.store.deliveries(campaign.id).await.unwrap();
    assert_eq!((report.sent, report.failed), (2, 1), "{report:?}");
    let failed: Vec<_> = rows
        .iter()
        .filter(|r| r.state == DeliveryState::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].subscriber_id, ana);
    let reason = failed[0].last_error.as_deref().unwrap_or_default();
    assert!(reason.contains("could not build the message"), "{reason}");
    assert!(!reason.contains("bcc"), "{reason}");
    let campaign = t.app.store.campaign(campaign.id).await.unwrap();
    assert_eq!(campaign.status, CampaignStatus::Done);
}

/// The import folds line breaks and refuses, line by line, names and regions
/// past their caps and addresses the mailer cannot use. A 10 MB name (which
/// made a 30 MB message) is one of them.
async fn the_import_folds_names_and_reports_what_it_refuses(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let csv = format!(
        "email,name,language,region\n\
         rosa@example.net,\"Rosa\r\nQuispe\",es,\"Li\nma\"\n\
         ana@example.net,{},es,Lima\n\
         luz@example.net,Luz,es,{}\n\
         eve@example.net,{},es,Lima\n\
         \"\"\"bcc: x\"\"@example.org\",Bea,es,Lima\n\
         ok@example.net,{},es,{}\n",
        "a".repeat(201),
        "r".repeat(101),
        "x".repeat(10_000_000),
        "n".repeat(200),
        "r".repeat(100),
    );
    let report = t.import(&csv, "t").await;
    let rejected: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        rejected,
        [
            "line 5: a name has 201 characters; at most 200 are allowed; shorten it and import the file again",
            "line 6: a region has 101 characters; at most 100 are allowed; shorten it and import the file again",
            "line 7: a name has 10000000 characters; at most 200 are allowed; shorten it and import the file again",
            "line 8: `\"bcc: x\"@example.org` is not a valid email address: willay cannot send mail to it \
             (an address with a quoted local part, spaces or a colon cannot be written into a To: header)",
        ]
    );
    assert_eq!(report.summary.created, 2);
    let rosa = t.app.store.signup_state("rosa@example.net").await.unwrap();
    let rosa = t.app.store.subscriber(rosa.unwrap().id).await.unwrap();
    assert_eq!(
        (rosa.name.as_str(), rosa.region.as_str()),
        ("Rosa Quispe", "Li ma")
    );
}

/// The CLI reports refused rows as `file: line N: reason`.
async fn the_cli_names_the_refused_line(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let csv = format!(
        "email,name\nrosa@example.net,Rosa\nana@example.net,{}\n",
        "a".repeat(300)
    );
    std::fs::write(dir.path().join("p.csv"), csv).unwrap();
    let (stdout, stderr) = succeeded(&willay(
        dir.path(),
        &db,
        None,
        &["subscribers", "import", "p.csv"],
    ));
    assert!(stdout.contains("1 new, 0 updated, 1 rejected"), "{stdout}");
    assert!(
        stderr.contains(
            "p.csv: line 3: a name has 300 characters; at most 200 are allowed; shorten it and import the file again (row skipped)"
        ),
        "{stderr}"
    );
}

/// The API folds control characters and answers 422 beyond the caps.
async fn the_api_folds_names_and_refuses_them_beyond_the_caps(backend: Backend) {
    let web = WebTest::start(backend).await;
    let (status, body) = web
        .post(
            "/api/subscribers",
            json!({"email": "ana@example.net", "name": "Ana\nQ\0", "region": "Li\r\nma"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["name"].as_str(), body["region"].as_str()),
        (Some("Ana Q"), Some("Li ma"))
    );
    let id = body["id"].as_i64().unwrap();

    let cases = [
        (
            json!({"email": "b@example.net", "name": "a".repeat(201)}),
            "name_too_long",
        ),
        (
            json!({"email": "c@example.net", "region": "r".repeat(101)}),
            "region_too_long",
        ),
        (json!({"email": "\"bcc: x\"@example.org"}), "invalid_email"),
    ];
    for (request, code) in cases {
        let (status, body) = web.post("/api/subscribers", request).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    let (status, body) = web
        .post(
            "/api/subscribers",
            json!({"email": "b@example.net", "name": "a".repeat(201)}),
        )
        .await;
    assert_eq!(
        body["message"], "a name has 201 characters; at most 200 are allowed",
        "{status} {body}"
    );

    let path = format!("/api/subscribers/{id}");
    let patch = |region: String| {
        web.api(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"region": region})),
        )
    };
    let (status, body) = patch("r".repeat(101)).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "region_too_long",
    );
    let (status, body) = patch("Cus\nco".into()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["region"], "Cus co");
}

/// The public form folds a line break the same way, and refuses a name past
/// the cap (only a hand-made request sends one: the field has `maxlength`)
/// with the form again, storing nothing and echoing nothing back.
async fn the_public_form_folds_names_and_refuses_them_beyond_the_cap(backend: Backend) {
    let web = WebTest::start_with(backend, None, crate::helpers::web::roomy()).await;
    let form = web.client.get(web.url("/subscribe")).send().await.unwrap();
    let (cookie, _) =
        crate::helpers::web::set_cookie(form.headers(), "willay_form").expect("a form cookie");
    let sign_up = async |email: &str, name: &str| {
        let response = web
            .client
            .post(web.url("/subscribe"))
            .header(reqwest::header::COOKIE, format!("willay_form={cookie}"))
            .form(&[
                ("csrf", cookie.as_str()),
                ("email", email),
                ("name", name),
                ("region", "Li\nma"),
            ])
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    };
    let (status, body) = sign_up("ana@example.net", "Ana\r\nQ").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ana = web.id_of("ana@example.net").await;
    let ana = web.app.store.subscriber(ana).await.unwrap();
    assert_eq!((ana.name.as_str(), ana.region.as_str()), ("Ana Q", "Li ma"));

    let long = "a".repeat(201);
    let (status, body) = sign_up("bea@example.net", &long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("El formulario"), "{body}");
    assert!(!body.contains(&long));
    let bea = web.app.store.signup_state("bea@example.net").await.unwrap();
    assert!(bea.is_none());
}

on_both_backends!(
    a_name_with_a_line_break_reaches_everyone_once,
    a_poisoned_name_already_stored_is_sent_folded,
    an_unsendable_stored_address_fails_only_its_own_row,
    the_import_folds_names_and_reports_what_it_refuses,
    the_cli_names_the_refused_line,
    the_api_folds_names_and_refuses_them_beyond_the_caps,
    the_public_form_folds_names_and_refuses_them_beyond_the_cap,
);

/// `preview --name` with a line break: before, `--all-locales` panicked in
/// lettre; now the name is folded like a subscriber's.
#[tokio::test]
async fn preview_folds_a_name_with_a_line_break() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let (stdout, _) = succeeded(&willay(
        dir.path(),
        &db,
        None,
        &["preview", "survivor-rights", "--name", "Ana\nX"],
    ));
    assert!(stdout.contains("Ana X"), "{stdout}");
    assert!(!stdout.contains("Ana\nX"), "{stdout}");
    succeeded(&willay(
        dir.path(),
        &db,
        None,
        &[
            "preview",
            "survivor-rights",
            "--name",
            "Ana\nX",
            "--all-locales",
            "--out",
            "previews",
        ],
    ));
    let eml = std::fs::read_to_string(dir.path().join("previews/survivor-rights.es.eml")).unwrap();
    let to = eml
        .lines()
        .find(|l| l.starts_with("To: "))
        .unwrap_or_default();
    assert!(to.contains("Ana X"), "{eml}");
    let output = willay(
        dir.path(),
        &db,
        None,
        &["preview", "survivor-rights", "--name", &"a".repeat(201)],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("at most 200"),
        "{output:?}"
    );
}

/// Rosa, Ana and Luz on list `t`; `poison` (SQL with Ana's id as `$1`) spoils
/// Ana's row as old data would; then a campaign due now. Ana's id and the campaign's.
async fn poisoned_campaign(t: &TestApp, poison: &str) -> (i64, willay::store::Campaign) {
    t.import(
        "email,name,language,region\nrosa@example.net,Rosa,es,Lima\n\
         ana@example.net,Ana,es,Lima\nluz@example.net,Luz,es,Lima\n",
        "t",
    )
    .await;
    let ana = t
        .app
        .store
        .signup_state("ana@example.net")
        .await
        .unwrap()
        .unwrap()
        .id;
    let db_url = &t.app.settings.database_url;
    assert_eq!(execute_sql(db_url, poison, ana).await, 1);
    let campaign = t
        .app
        .create_campaign(
            &willay::campaigns::CampaignRequest {
                message_id: "survivor-rights".into(),
                lists: vec![willay::domain::ListName::parse("t").unwrap()],
                name: None,
                at: Some(chrono::Utc::now()),
            },
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    (ana, campaign)
}
