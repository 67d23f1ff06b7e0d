//! CSV imports: bad rows reported, idempotent, updating only the columns a file has.

use super::*;

async fn imports_report_bad_rows_and_are_idempotent(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let csv = "email,name,language,region\n\
               rosa@example.org,Rosa,quz-PE,Cusco\n\
               maria.quispe@,María,es,Lima\n\
               ana@example.org,Ana,es,Ica,extra\n\
               ROSA@example.org,Rosa Quispe,quy,Cusco\n\
               luz@example.org,Luz,en,Ica\n";
    let first = t.import(csv, "peru").await;
    assert_eq!((first.summary.created, first.summary.updated), (2, 0));
    let rejected: Vec<String> = first.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        rejected,
        [
            "line 3: `maria.quispe@` is not a valid email address: Domain is empty.",
            "line 4: expected 4 fields, found 5"
        ]
    );
    let again = t.import(csv, "peru").await;
    assert_eq!((again.summary.created, again.summary.updated), (0, 2));
    assert_eq!(t.app.store.subscriber_count().await.unwrap(), 2);
    let lists = t.app.store.lists().await.unwrap();
    assert_eq!((lists[0].members, lists[0].confirmed), (2, 2));
}

/// A file without `language` and `region` columns updates names and leaves
/// everyone's language and region as they were.
async fn imports_update_only_the_columns_the_file_has(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.import(PEOPLE, "peru").await;
    let again = t
        .import(
            "name,email\nRosa Q.,rosa@example.org\nNueva,nueva@example.org\n",
            "peru",
        )
        .await;
    assert_eq!((again.summary.created, again.summary.updated), (1, 1));
    assert!(again.rejected.is_empty() && again.warnings.is_empty());
    let app = &t.app;
    // Ids have gaps on PostgreSQL (an upsert spends a sequence value): scan.
    let stored = |email: &'static str| async move {
        for id in 1..=100 {
            if let Ok(s) = app.store.subscriber(id).await
                && s.email == email
            {
                return (s.name, s.language, s.region);
            }
        }
        panic!("{email} is stored")
    };
    let row = |n: &str, l: &str, r: &str| (n.to_owned(), l.to_owned(), r.to_owned());
    assert_eq!(
        stored("rosa@example.org").await,
        row("Rosa Q.", "quz-PE", "Cusco")
    );
    assert_eq!(stored("nueva@example.org").await, row("Nueva", "", ""));
    assert_eq!(
        stored("ann@example.org").await,
        row("Ann Smith", "en-GB", "Lima"),
        "not in the file: untouched"
    );
    // A column that is there but empty does clear the value: the file says so.
    t.import("email,region\nrosa@example.org,\n", "peru").await;
    assert_eq!(
        stored("rosa@example.org").await,
        row("Rosa Q.", "quz-PE", "")
    );
}

on_both_backends!(
    imports_report_bad_rows_and_are_idempotent,
    imports_update_only_the_columns_the_file_has,
);
