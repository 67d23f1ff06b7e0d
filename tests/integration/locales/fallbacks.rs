//! Fallbacks counted on campaigns, `--strict` refusing them, broken translations named.

use super::*;

const PERU: &str = "email,name,language,region
rosa@example.org,Rosa Quispe,quz-PE,Cusco
juana@example.org,Juana Huamán,quy,Huancavelica
ana@example.org,Ana Torres,es-PE,Lima
kate@example.org,Kate Smith,en-GB,Lima
";

#[test]
fn campaigns_count_fallbacks_and_strict_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_catalogue_without(&locales, "qu", "survivor-rights");
    let run = |args: &[&str]| willay(dir.path(), &locales, args);
    import_peru(&run, dir.path());
    let create = [
        "campaigns",
        "create",
        "--message",
        "survivor-rights",
        "--list",
        "peru",
    ];
    let at = ["--at", "2030-01-01T00:00:00Z"];
    let warning =
        "warning: the message has no `qu` translation; 2 subscriber(s) will receive it in `es`\n";
    let refusal = "error: refused (--strict): 2 subscriber(s) would receive `survivor-rights` in `es` instead of `qu`\n";

    // Without --strict: created and scheduled, with the count of people affected.
    let output = run(&[&create[..], &at[..]].concat());
    assert_eq!(
        text(&output),
        ("created campaign 1 (scheduled)\n".into(), warning.into())
    );

    // --strict: refused before anything is stored.
    let output = run(&[&create[..], &at[..], &["--strict"]].concat());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output),
        (
            String::new(),
            format!(
                "note: no campaign was created; add the missing translation (see `willay locales check`) or go ahead without --strict\n{refusal}"
            )
        )
    );
    let (list, _) = text(&run(&["campaigns", "list"]));
    assert_eq!(
        list.matches("survivor-rights").count(),
        2,
        "only campaign 1: {list}"
    );

    // A draft: scheduling strictly is refused and it stays a draft; without, it goes.
    let output = run(&create);
    assert_eq!(
        text(&output),
        ("created campaign 2 (draft)\n".into(), warning.into())
    );
    let output = run(&["campaigns", "schedule", "2", "--strict"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output).1,
        format!(
            "note: campaign 2 was not scheduled; add the missing translation (see `willay locales check`) or go ahead without --strict\n{refusal}"
        )
    );
    let (show, _) = text(&run(&["campaigns", "show", "2"]));
    assert!(show.contains("draft"), "{show}");
    let output = run(&["campaigns", "schedule", "2", "--at", "2030-01-01T00:00:00Z"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(
        stdout,
        "campaign 2 is now scheduled\nstarts at 2030-01-01 00:00:00Z\n"
    );
    assert_eq!(stderr, warning);

    // A message every locale has: --strict lets it through, silently.
    let output = run(&[
        "campaigns",
        "create",
        "--message",
        "agro-workers-rights",
        "--list",
        "peru",
        "--at",
        "2030-01-01T00:00:00Z",
        "--strict",
    ]);
    assert_eq!(
        text(&output),
        ("created campaign 3 (scheduled)\n".into(), String::new())
    );
}

/// A translation that parses but does not format is named where a manager
/// sees it: when creating the campaign, with what `locales check` says.
#[test]
fn a_broken_translation_is_named_when_a_campaign_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_catalogue(&locales);
    // Saved from Notepad (a byte order mark), with a term that uses an undefined one.
    let shared = locales.join("qu/shared.ftl");
    let original = std::fs::read_to_string(&shared).unwrap();
    let broken = original.replace(
        "*[other] { $count } warmi",
        "*[other] { $count } { -warmi }",
    );
    assert_ne!(broken, original);
    std::fs::write(&shared, format!("\u{feff}{broken}")).unwrap();
    let diagnostic = format!(
        "{}:36:30: error: term `-warmi` is used but not defined in `qu` [undefined-term]",
        shared.display()
    );

    let output = willay(dir.path(), &locales, &["locales", "check"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output).0,
        format!(
            "{diagnostic}\nchecked 3 locale(s) (en, es, qu), 12 file(s): 1 error(s), 0 warning(s)\n"
        )
    );

    // A reviewer previewing it sees the Spanish fallback, and why.
    let output = willay(
        dir.path(),
        &locales,
        &["preview", "sterilisation-justice", "--locale", "quz-PE"],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("Content-Language: es\n"), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "note: the `qu` translation of `sterilisation-justice` does not format; showing the `es` fallback\n  {diagnostic}\n"
        )
    );

    let run = |args: &[&str]| willay(dir.path(), &locales, args);
    import_peru(&run, dir.path());
    let create = |message: &str, strict: bool| {
        let mut args = vec![
            "campaigns",
            "create",
            "--message",
            message,
            "--list",
            "peru",
            "--at",
            "2030-01-01T00:00:00Z",
        ];
        if strict {
            args.push("--strict");
        }
        run(&args)
    };
    assert_eq!(
        text(&create("sterilisation-justice", false)),
        (
            "created campaign 1 (scheduled)\n".into(),
            format!(
                "warning: the message has a `qu` translation that does not format; 2 subscriber(s) will receive it in `es`\n  {diagnostic}\n"
            )
        )
    );
    let refused = create("sterilisation-justice", true);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused).1,
        "note: no campaign was created; fix or add the translation (see `willay locales check`) or go ahead without --strict\n\
         error: refused (--strict): 2 subscriber(s) would receive `sterilisation-justice` in `es` instead of `qu` (it has a `qu` translation that does not format)\n"
    );
    // A message that does not use the broken term is Quechua as ever.
    assert_eq!(
        text(&create("survivor-rights", true)),
        ("created campaign 2 (scheduled)\n".into(), String::new())
    );
}

async fn strict_refusal_is_a_typed_error_for_the_api(backend: Backend) {
    let scratch = tempfile::tempdir().unwrap();
    copy_catalogue_without(scratch.path(), "qu", "survivor-rights");
    let t = TestApp::spawn_with(backend, scratch.path(), None).await;
    t.import(PERU, "peru").await;
    let request = CampaignRequest {
        message_id: "survivor-rights".into(),
        lists: vec![ListName::parse("peru").unwrap()],
        name: None,
        at: Some("2030-01-01T00:00:00Z".parse().unwrap()),
    };
    let expected = vec![Fallback {
        wanted: "qu".into(),
        used: "es".into(),
        people: 2,
        broken: vec![],
    }];
    let refused = match t
        .app
        .create_campaign_checked(&request, true, &willay::domain::Actor::Cli)
        .await
    {
        Err(ScheduleError::Refused(refused)) => refused,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused,
        FallbackRefused {
            campaign_id: None,
            message_id: "survivor-rights".into(),
            fallbacks: expected.clone(),
        }
    );
    assert_eq!(
        refused.to_string(),
        "refused (--strict): 2 subscriber(s) would receive `survivor-rights` in `es` instead of `qu`"
    );
    assert!(
        t.app.store.campaigns().await.unwrap().is_empty(),
        "a refused create stores nothing"
    );

    let (campaign, fallbacks) = t
        .app
        .create_campaign_checked(&request, false, &willay::domain::Actor::Cli)
        .await
        .unwrap();
    assert_eq!(campaign.status, CampaignStatus::Scheduled);
    assert_eq!(fallbacks, expected);

    let draft = t
        .app
        .create_campaign_checked(
            &CampaignRequest {
                at: None,
                ..request.clone()
            },
            false,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap()
        .0;
    assert!(matches!(
        t.app.schedule_campaign_checked(draft.id, None, true, &willay::domain::Actor::Cli).await,
        Err(ScheduleError::Refused(FallbackRefused { campaign_id, .. })) if campaign_id == Some(draft.id)
    ));
    assert_eq!(
        t.app.store.campaign(draft.id).await.unwrap().status,
        CampaignStatus::Draft
    );
}

on_both_backends!(strict_refusal_is_a_typed_error_for_the_api);

/// The list `peru` with the people of [`PERU`] on it.
fn import_peru(run: &impl Fn(&[&str]) -> Output, dir: &Path) {
    std::fs::write(dir.join("peru.csv"), PERU).unwrap();
    assert!(run(&["lists", "create", "peru"]).status.success());
    assert!(
        run(&["subscribers", "import", "peru.csv", "--list", "peru"])
            .status
            .success()
    );
}
