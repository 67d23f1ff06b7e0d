//! An administrator reads the audit log in the dashboard: every change in
//! words, newest first, filtered by action, person and day; never an address.

use super::*;

async fn an_administrator_reads_who_did_what(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    let session = session_of(&t).await;
    let (_, page) = get_page(&t, &session, "/dashboard").await;
    let csrf = csrf_in(&page);
    let response = post_form(
        &t,
        &session,
        &format!("/dashboard/campaigns/{id}/cancel"),
        format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (status, log) = get_page(&t, &session, "/dashboard/audit").await;
    assert_eq!(status, StatusCode::OK);
    // The events' table, below the filters (whose menu names every action).
    let table = &log[log.find("<tbody>").expect("events")..];
    for said in [
        "Canceló una campaña",
        "Creó una campaña",
        "Importó personas",
        "Ingresó al panel",
    ] {
        assert!(table.contains(said), "{said}: {log}");
    }
    assert!(
        table.find("Canceló una campaña").unwrap() < table.find("Creó una campaña").unwrap(),
        "newest first: {table}"
    );
    assert!(
        log.contains(&format!("href=\"/dashboard/campaigns/{id}\"")),
        "{log}"
    );
    assert!(!log.contains("@example.org"), "no address: {log}");

    let (_, only) = get_page(&t, &session, "/dashboard/audit?action=campaign.cancel").await;
    let only = &only[only.find("<tbody>").expect("events")..];
    assert!(
        only.contains("Canceló una campaña") && !only.contains("Creó una campaña"),
        "{only}"
    );
    let (_, future) = get_page(&t, &session, "/dashboard/audit?since=2999-01-01").await;
    assert!(
        future.contains("No hay actividad con estos filtros"),
        "{future}"
    );
    let (status, refused) = get_page(&t, &session, "/dashboard/audit?action=nothing").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("Esa acción no existe en el registro"),
        "{refused}"
    );
}

on_both_backends!(an_administrator_reads_who_did_what);
