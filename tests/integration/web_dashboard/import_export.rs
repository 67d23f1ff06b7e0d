//! A manager brings people in from the files she has — an Excel workbook, a
//! CSV that Excel on Windows saved — and takes a list out as CSV; the broken
//! row is named by its line, and the export is safe to open and recorded.

use std::path::Path;

use reqwest::multipart::{Form, Part};

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(name),
    )
    .unwrap()
}

async fn upload(
    t: &WebTest,
    session: &str,
    csrf: &str,
    name: &'static str,
) -> (StatusCode, String) {
    let form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("list", "peru")
        .part("file", Part::bytes(fixture(name)).file_name(name));
    let response = t
        .client
        .post(t.url("/dashboard/subscribers/import"))
        .header(header::COOKIE, format!("willay_session={session}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn files_come_in_from_excel_and_lists_go_out_as_csv(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(
        "email,name\nmalicia@example.org,=HYPERLINK(\"http://evil\")\n",
        "peru",
    )
    .await;
    let session = session_of(&t).await;
    let (status, form) = get_page(&t, &session, "/dashboard/subscribers/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    let csrf = csrf_in(&form);

    // Without the session's anti-forgery value nothing comes in.
    let (status, _) = upload(&t, &session, "wrong", "personas.xlsx").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        t.app
            .store
            .signup_state("rosa@example.org")
            .await
            .unwrap()
            .is_none()
    );

    let (status, report) = upload(&t, &session, &csrf, "personas.xlsx").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(
        report.contains("2 personas nuevas, 0 actualizadas, 1 filas no importadas"),
        "{report}"
    );
    assert!(
        report.contains("<td>3</td>"),
        "the broken row by its line: {report}"
    );
    let rosa = t
        .app
        .store
        .subscriber(t.id_of("rosa@example.org").await)
        .await
        .unwrap();
    assert_eq!(
        (rosa.name.as_str(), rosa.region.as_str()),
        ("Rosa Quispe", "Cusco")
    );

    let (status, report) = upload(&t, &session, &csrf, "personas-windows-1252.csv").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(
        report.contains("Windows-1252"),
        "said how it was read: {report}"
    );
    let maria = t
        .app
        .store
        .subscriber(t.id_of("maria@example.org").await)
        .await
        .unwrap();
    assert_eq!(
        (maria.name.as_str(), maria.region.as_str()),
        ("María Ñahui", "Áncash")
    );

    // The list goes out as CSV, each cell safe to open in a spreadsheet.
    let peru = t
        .app
        .store
        .list_id(&willay::domain::ListName::parse("peru").unwrap())
        .await
        .unwrap();
    let response = t
        .client
        .get(t.url(&format!("/dashboard/lists/{peru}/export.csv")))
        .header(header::COOKIE, format!("willay_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "email,name,language,region,status");
    assert_eq!(lines.len(), 5, "header and four people: {csv}");
    assert!(
        csv.contains("malicia@example.org,\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{csv}"
    );
    assert!(
        csv.contains("maria@example.org,María Ñahui,es-PE,Áncash,confirmed"),
        "{csv}"
    );
    let (status, _) = get_page(&t, &session, "/dashboard/lists/999/export.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such list, no file");
    let filter = willay::store::AuditFilter {
        action: Some(willay::domain::AuditAction::SubscribersExported),
        ..Default::default()
    };
    let events = t.app.store.audit_events(&filter).await.unwrap().events;
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].subject_id, events[0].detail.as_deref()),
        (Some(peru), Some("people=4"))
    );
}

on_both_backends!(files_come_in_from_excel_and_lists_go_out_as_csv);
