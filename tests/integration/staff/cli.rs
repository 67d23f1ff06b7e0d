//! `willay staff` and role-carrying `willay tokens`, as an administrator
//! types them.

use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn an_admin_adds_rosa_gives_her_a_token_and_changes_her_role(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };

    let added = willay.ok(&["staff", "add", "rosa", "--role", "manager"]);
    let link = text(&added.stdout).trim().to_owned();
    assert!(
        link.starts_with("https://willay.example.org/staff/password/") && link.len() > 80,
        "{link}"
    );
    assert!(text(&added.stderr).contains("72 hours"), "{added:?}");

    // Refusals name what is wrong and store nothing.
    for (args, says) in [
        (
            &["staff", "add", "rosa", "--role", "analyst"][..],
            "already exists",
        ),
        (&["staff", "add", "luz", "--role", "boss"], "not a role"),
        (&["staff", "add", "lu\nz", "--role", "analyst"], "printable"),
        (
            &["staff", "set-role", "nadie", "analyst"],
            "no staff member named `nadie`",
        ),
        (
            &["staff", "password-link", "nadie"],
            "no staff member named `nadie`",
        ),
        (
            &[
                "tokens",
                "create",
                "rosa-laptop",
                "--role",
                "admin",
                "--staff",
                "rosa",
            ],
            "`rosa` is manager",
        ),
        (
            &[
                "tokens", "create", "x", "--role", "analyst", "--staff", "nadie",
            ],
            "no staff member named `nadie`",
        ),
        (&["tokens", "create", "no-role"], "--role"),
    ] {
        let output = willay.run(args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }

    let listed = text(&willay.ok(&["staff", "list"]).stdout);
    assert!(
        listed.contains("rosa") && listed.contains("manager"),
        "{listed}"
    );
    assert!(listed.contains("not yet"), "no password yet: {listed}");
    assert!(!listed.contains("luz"), "{listed}");

    let token = text(
        &willay
            .ok(&[
                "tokens",
                "create",
                "rosa-grafana",
                "--role",
                "analyst",
                "--staff",
                "rosa",
            ])
            .stdout,
    );
    assert!(token.trim().starts_with("wly_"), "{token}");
    let tokens = text(&willay.ok(&["tokens", "list"]).stdout);
    assert!(
        tokens
            .lines()
            .any(|l| l.contains("rosa-grafana") && l.contains("analyst") && l.contains("rosa")),
        "{tokens}"
    );

    // A translator may not hold an analyst token: it goes with the change.
    let changed = text(
        &willay
            .ok(&["staff", "set-role", "rosa", "translator"])
            .stdout,
    );
    assert!(changed.contains("`rosa` is now translator"), "{changed}");
    assert!(
        changed.contains("revoked their token `rosa-grafana`"),
        "{changed}"
    );
    assert!(!text(&willay.ok(&["tokens", "list"]).stdout).contains("rosa-grafana"));

    let again = text(&willay.ok(&["staff", "password-link", "rosa"]).stdout);
    assert!(
        again
            .trim()
            .starts_with("https://willay.example.org/staff/password/")
    );
    assert_ne!(again.trim(), link, "each link is new");

    willay.ok(&["staff", "remove", "rosa"]);
    assert!(text(&willay.ok(&["staff", "list"]).stdout).contains("no staff yet"));
    let output = willay.run(&["staff", "remove", "rosa"]);
    assert!(!output.status.success(), "removing twice says so");
}

on_both_backends!(an_admin_adds_rosa_gives_her_a_token_and_changes_her_role);
