//! A CSV as wide as an attacker likes (issue 12, item 5): refused at once,
//! naming the limit, through the API and the CLI.

use reqwest::StatusCode;

use crate::helpers::web::{WebTest, assert_error};
use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;
use crate::poison::willay;

/// A header of a million columns is refused at once, naming the limit; before,
/// the repeated-column check compared each name with all before it (over a
/// minute of CPU on the server's async threads).
async fn a_csv_with_a_million_columns_is_refused(backend: Backend) {
    let web = WebTest::start(backend).await;
    let header: Vec<String> = std::iter::once("email".to_owned())
        .chain((1..1_000_000).map(|i| format!("c{i}")))
        .collect();
    let csv = format!("{}\n", header.join(","));
    let response = web
        .client
        .post(web.url("/api/subscribers/import"))
        .bearer_auth(&web.token)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let (status, body) = crate::helpers::web::json_of(response).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    assert_eq!(
        body["message"],
        "the header has 1000000 columns; at most 64 are allowed (email, name, language, region are read)"
    );
}

on_both_backends!(a_csv_with_a_million_columns_is_refused);

/// The CLI refuses a wide file too (200,000 columns took about 45 s before).
#[tokio::test]
async fn the_cli_refuses_a_wide_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let header: Vec<String> = std::iter::once("email".to_owned())
        .chain((1..200_000).map(|i| format!("c{i}")))
        .collect();
    std::fs::write(
        dir.path().join("wide.csv"),
        format!("{}\n", header.join(",")),
    )
    .unwrap();
    let output = willay(
        dir.path(),
        &db,
        None,
        &["subscribers", "import", "wide.csv"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the header has 200000 columns; at most 64 are allowed"),
        "{stderr}"
    );
}
