//! An administrator at the server's shell: every change made with `willay`
//! is one event by `cli`, and `willay audit` prints them, newest first.

use willay::store::{PoolSettings, Store};

use super::{all_events, line};
use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn each_command_is_one_event_and_willay_audit_prints_them(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    let store = Store::connect(&db.url, &PoolSettings::default())
        .await
        .unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "email,name,language,region\nana@example.org,Ana,es,Ica\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();

    // (command, the events it leaves, `|` between; ids start at 1 on a fresh
    // database; `?` is the scraper's token, looked up). Adding someone also
    // issues their first password link.
    let steps: &[(&[&str], &str)] = &[
        (
            &["staff", "add", "rosa", "--role", "admin"],
            "staff.add staff#1|staff.password_link staff#1",
        ),
        (
            &["staff", "password-link", "rosa"],
            "staff.password_link staff#1",
        ),
        (
            &[
                "tokens",
                "create",
                "rosa-laptop",
                "--role",
                "manager",
                "--staff",
                "rosa",
            ],
            "token.create token#1",
        ),
        (
            &["staff", "set-role", "rosa", "analyst"],
            "staff.set_role staff#1",
        ),
        (
            &["tokens", "create", "scraper", "--role", "analyst"],
            "token.create token#?",
        ),
        (&["tokens", "revoke", "scraper"], "token.revoke token#?"),
        (&["lists", "create", "peru"], "list.create list#1"),
        (
            &["subscribers", "import", csv, "--list", "peru"],
            "subscribers.import list#1",
        ),
        (
            &[
                "campaigns",
                "create",
                "--message",
                "survivor-rights",
                "--list",
                "peru",
            ],
            "campaign.create campaign#1",
        ),
        (
            &["campaigns", "schedule", "1"],
            "campaign.schedule campaign#1",
        ),
        (&["campaigns", "cancel", "1"], "campaign.cancel campaign#1"),
        (&["staff", "remove", "rosa"], "staff.remove staff#1"),
    ];
    let mut scraper = None;
    for (args, expected) in steps {
        if expected.contains('?') && scraper.is_none() {
            let tokens = all_events(&store).await.len();
            willay.ok(args);
            let new: Vec<String> = all_events(&store).await[tokens..]
                .iter()
                .map(line)
                .collect();
            let id = all_events(&store).await.last().unwrap().subject_id.unwrap();
            scraper = Some(id);
            assert_eq!(
                new,
                [format!(
                    "cli staff#- {}",
                    expected.replace('?', &id.to_string())
                )]
            );
            continue;
        }
        let expected = expected.replace('?', &scraper.unwrap_or_default().to_string());
        let before = all_events(&store).await.len();
        willay.ok(args);
        let new: Vec<String> = all_events(&store).await[before..]
            .iter()
            .map(line)
            .collect();
        let expected: Vec<String> = expected
            .split('|')
            .map(|e| format!("cli staff#- {e}"))
            .collect();
        assert_eq!(new, expected, "{args:?}");
    }
    // Changing rosa's role revoked her manager token: the detail counts it.
    let events = all_events(&store).await;
    let set_role = events
        .iter()
        .find(|e| e.action.as_str() == "staff.set_role")
        .unwrap();
    assert_eq!(
        set_role.detail.as_deref(),
        Some("role=analyst tokens_revoked=1")
    );
    store.close().await;

    let printed = text(&willay.ok(&["audit"]).stdout);
    let rows: Vec<&str> = printed
        .lines()
        .filter(|l| l.contains('.') && l.contains('#'))
        .collect();
    assert_eq!(rows.len(), events.len(), "{printed}");
    assert!(
        rows[0].contains("staff.remove") && rows[0].contains("staff #1"),
        "newest first: {printed}"
    );
    assert!(rows[0].contains("cli"), "{printed}");
    assert!(
        printed.contains("created=1 updated=0 rejected=0"),
        "{printed}"
    );
    assert!(
        !printed.contains("ana@example.org") && !printed.contains("Ana"),
        "{printed}"
    );

    let only = text(
        &willay
            .ok(&["audit", "--action", "token.create", "--limit", "1"])
            .stdout,
    );
    let scraper = scraper.unwrap();
    // Rosa's token #1 was revoked with her role change: its id is never
    // handed out again, or the log would mix the two tokens up.
    assert_eq!(scraper, 2);
    assert!(only.contains(&format!("token #{scraper}")), "{only}");
    assert_eq!(only.matches("token.create").count(), 1, "{only}");
    let later = text(&willay.ok(&["audit", "--since", "2999-01-01"]).stdout);
    assert!(later.contains("no audit events match"), "{later}");
    let refused = willay.run(&["audit", "--action", "campaign.explode"]);
    assert!(!refused.status.success());
    // The refusal names the actions there are.
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("campaign.explode") && stderr.contains("campaign.pause"),
        "{stderr}"
    );
}

on_both_backends!(each_command_is_one_event_and_willay_audit_prints_them);
