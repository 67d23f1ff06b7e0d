//! Links act only on the person they were sent to: an erased person's id is
//! never given to someone else, and her old confirmation and unsubscribe
//! links cannot confirm or unsubscribe whoever signs up after her.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use reqwest::header;
use secrecy::ExposeSecret;
use willay::app::App;
use willay::domain::{EmailAddress, SubscriberStatus};
use willay::store::{NewSubscriber, now_millis};
use willay::unsubscribe::{
    LinkBinding, LinkKey, LinkRefused, LinkSent, TokenError, UnsubscribeToken,
};
use willay::web::{ConfirmSigner, ConfirmToken};

use crate::helpers::web::page;
use crate::helpers::web::{PEOPLE, WebTest, roomy};
use crate::helpers::{Backend, TestApp, TestDb, execute_sql, settings, shipped_locales};
use crate::on_both_backends;
use crate::smtp::{Received, SmtpServer};
use crate::web_public::{subscribe, subscribe_form, wait_for_mail};

/// Signs `email` up through the public form onto list `peru`, in `language`.
async fn sign_up(t: &WebTest, email: &str, language: &str) {
    let (csrf, cookie) = subscribe_form(t, "?list=peru").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("language", language),
        ("list", "peru"),
    ];
    let (status, _, body) = subscribe(t, Some(&cookie), &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The token of the confirmation link in the mail to `email`, waiting for it.
async fn confirm_link_of(t: &WebTest, smtp: &SmtpServer, email: &str) -> String {
    t.state.mail_settled().await;
    let mail = smtp
        .messages()
        .into_iter()
        .rfind(|m| m.to == email && m.list_unsubscribe.is_empty())
        .unwrap_or_else(|| panic!("no confirmation mail to {email}"));
    let start = mail.text.find("/confirm/").expect("a confirm link") + 9;
    mail.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The campaign mail to `email` (the last one).
fn campaign_mail_to(smtp: &SmtpServer, email: &str) -> Received {
    smtp.messages()
        .into_iter()
        .rfind(|m| m.to == email && !m.list_unsubscribe.is_empty())
        .unwrap_or_else(|| panic!("no campaign mail to {email}"))
}

/// Posts `fields` to a link's address, as an English speaker: status and body.
async fn press(t: &WebTest, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = t
        .client
        .post(t.url(path))
        .header(header::ACCEPT_LANGUAGE, "en")
        .form(fields)
        .send()
        .await
        .unwrap();
    let (status, _, body) = page(response).await;
    (status, body)
}

async fn status_of(t: &WebTest, id: i64) -> SubscriberStatus {
    t.app.store.subscriber(id).await.unwrap().status
}

async fn an_erased_persons_links_never_act_on_the_next_sign_up(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "peru").await;

    // Alba signs up, confirms, and gets a campaign message.
    sign_up(&t, "alba@example.org", "es").await;
    wait_for_mail(&smtp, 1).await;
    let alba = t.id_of("alba@example.org").await;
    let alba_confirm = confirm_link_of(&t, &smtp, "alba@example.org").await;
    let (status, body) = press(&t, &format!("/confirm/{alba_confirm}"), &[("x", "y")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.campaign_due_now("survivor-rights").await;
    t.run_worker().await;
    let alba_unsubscribe = campaign_mail_to(&smtp, "alba@example.org").unsubscribe_token();

    // She asks to be erased; then Bea signs up, in Quechua.
    let (status, body) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{alba}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let before = smtp.messages().len();
    sign_up(&t, "bea@example.org", "quz-PE").await;
    wait_for_mail(&smtp, before + 1).await;
    let bea = t.id_of("bea@example.org").await;

    // Alba's old links show no button, in no language of Bea's, and do nothing.
    for path in [
        format!("/confirm/{alba_confirm}"),
        format!("/u/{alba_unsubscribe}"),
    ] {
        let (status, lang, body) = page(
            t.client
                .get(t.url(&path))
                .header(header::ACCEPT_LANGUAGE, "en")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, lang.as_str()),
            (StatusCode::NOT_FOUND, "en"),
            "{path}: {body}"
        );
        assert!(!body.contains("<form"), "nothing to press: {body}");
    }
    let (status, body) = press(&t, &format!("/confirm/{alba_confirm}"), &[("x", "y")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(status_of(&t, bea).await, SubscriberStatus::Unconfirmed);
    assert!(t.app.store.subscriber_lists(bea).await.unwrap().is_empty());
    let one_click = [("List-Unsubscribe", "One-Click")];
    let (status, body) = press(&t, &format!("/u/{alba_unsubscribe}"), &one_click).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(status_of(&t, bea).await, SubscriberStatus::Unconfirmed);

    // Bea's own links work.
    let bea_confirm = confirm_link_of(&t, &smtp, "bea@example.org").await;
    let (status, body) = press(&t, &format!("/confirm/{bea_confirm}"), &[("x", "y")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&t, bea).await, SubscriberStatus::Confirmed);
    assert_eq!(t.app.store.subscriber_lists(bea).await.unwrap(), ["peru"]);
    t.campaign_due_now("survivor-rights").await;
    t.run_worker().await;
    let bea_unsubscribe = campaign_mail_to(&smtp, "bea@example.org").unsubscribe_token();
    let (status, body) = press(&t, &format!("/u/{bea_unsubscribe}"), &one_click).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&t, bea).await, SubscriberStatus::Unsubscribed);
    assert!(
        bea > alba,
        "Bea got id {bea}, Alba had {alba}: an id was reused"
    );
}

fn person(email: &str) -> NewSubscriber {
    NewSubscriber {
        email: EmailAddress::parse(email).unwrap(),
        name: Default::default(),
        language: "es".into(),
        region: Default::default(),
    }
}

async fn ids_are_never_reused(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let store = &t.app.store;
    let create = |email: &'static str| async move {
        store
            .create_subscriber(
                &person(email),
                SubscriberStatus::Confirmed,
                "test",
                &[],
                now_millis(),
                &willay::domain::Actor::Cli,
            )
            .await
            .unwrap()
            .expect("a new person")
    };
    let first = create("uno@example.org").await;
    let newest = create("dos@example.org").await;
    // Erasing the person with the highest id is what gave hers away.
    assert!(
        store
            .delete_subscriber(newest, now_millis(), &willay::domain::Actor::Cli)
            .await
            .unwrap()
    );
    let next = create("tres@example.org").await;
    assert!(next > newest, "new id {next} after erasing {newest}");
    assert!(
        store
            .delete_subscriber(next, now_millis(), &willay::domain::Actor::Cli)
            .await
            .unwrap()
    );
    // The import path too.
    t.import("email\ncuatro@example.org\n", "peru").await;
    let imported = store
        .signup_state("cuatro@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(
        imported > next,
        "imported id {imported} after erasing {next}"
    );
    assert!(first < newest);
}

on_both_backends!(
    an_erased_persons_links_never_act_on_the_next_sign_up,
    ids_are_never_reused,
);

async fn a_link_with_another_persons_key_is_refused(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    t.import(PEOPLE, "peru").await;
    let store = &t.app.store;
    let rosa = t.id_of("rosa@example.org").await;
    let key = store.link_key(rosa).await.unwrap();
    let mut bytes = *key.as_bytes();
    bytes[15] ^= 1;
    let wrong = LinkKey::from_bytes(&bytes).unwrap();
    // Well signed, for Rosa's id, with another person value: what an erased
    // person's link looked like once her id was someone else's.
    assert_eq!(
        store
            .link_subscriber(rosa, LinkBinding::Key(wrong), LinkSent::InCampaign(1))
            .await
            .unwrap()
            .unwrap_err(),
        LinkRefused::NotTheirs
    );
    let unsubscribe = t.app.signer.sign(UnsubscribeToken {
        subscriber_id: rosa,
        campaign_id: 1,
        link_key: wrong,
    });
    let confirm = ConfirmSigner::for_app(&t.app).sign(ConfirmToken {
        subscriber_id: rosa,
        list_id: None,
        issued_at: now_millis(),
        link_key: wrong,
    });
    let one_click = [("List-Unsubscribe", "One-Click")];
    let (status, body) = press(&t, &format!("/u/{unsubscribe}"), &one_click).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("Nobody was found for this link"), "{body}");
    let (status, body) = press(&t, &format!("/confirm/{confirm}"), &[("x", "y")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(status_of(&t, rosa).await, SubscriberStatus::Confirmed);

    // Her own link, its person value altered in transit: the signature fails.
    let own = t.app.signer.sign(UnsubscribeToken {
        subscriber_id: rosa,
        campaign_id: 1,
        link_key: key,
    });
    let mut raw = URL_SAFE_NO_PAD.decode(&own).unwrap();
    raw[1 + 8 + 8 + 15] ^= 1;
    let altered = URL_SAFE_NO_PAD.encode(&raw);
    assert_eq!(t.app.signer.verify(&altered), Err(TokenError::BadSignature));
    let (status, body) = press(&t, &format!("/u/{altered}"), &one_click).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("This link is not valid"), "{body}");
    assert_eq!(status_of(&t, rosa).await, SubscriberStatus::Confirmed);
    let (status, body) = press(&t, &format!("/u/{own}"), &one_click).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&t, rosa).await, SubscriberStatus::Unsubscribed);
}

/// A link as version 1 (unsubscribe) or 2 (confirmation) laid it out, before
/// link keys: `base64url(version ‖ i64s ‖ first 16 bytes of HMAC-SHA256)`.
fn legacy_link(key: &[u8], version: u8, numbers: &[i64]) -> String {
    use hmac::Mac;
    let mut payload = vec![version];
    for n in numbers {
        payload.extend_from_slice(&n.to_be_bytes());
    }
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(&payload);
    payload.extend_from_slice(&mac.finalize().into_bytes()[..16]);
    URL_SAFE_NO_PAD.encode(payload)
}

/// The schema as it was before link keys, holding: Ana (1, confirmed, on
/// `peru`, mailed in campaign 1), Eva (2, unconfirmed, a confirmation mail
/// sent; id 2 was mailed in campaign 2 before she existed: someone else's,
/// reused) and an erased person (3, whose ledger rows stay).
const BEFORE_LINK_KEYS: &[&str] = &[
    "INSERT INTO lists (name, created_at) VALUES ('peru', 1000)",
    "INSERT INTO subscribers (email, email_key, status, created_at, updated_at) \
     VALUES ('ana@example.org', 'ana@example.org', 'confirmed', 1000, 1000)",
    "INSERT INTO subscribers (email, email_key, status, created_at, updated_at) \
     VALUES ('eva@example.org', 'eva@example.org', 'unconfirmed', 1000, 1000)",
    "INSERT INTO subscribers (email, email_key, status, created_at, updated_at) \
     VALUES ('ida@example.org', 'ida@example.org', 'confirmed', 1000, 1000)",
    "INSERT INTO memberships (list_id, subscriber_id, created_at) VALUES (1, 1, 1000), (1, 3, 1000)",
    "INSERT INTO confirmation_mail (subscriber_id, last_sent_at) VALUES (2, 1000)",
    "INSERT INTO campaigns (name, message_id, status, created_at, updated_at) \
     VALUES ('one', 'survivor-rights', 'done', 1000, 1000), ('two', 'survivor-rights', 'done', 500, 500)",
    "INSERT INTO deliveries (campaign_id, subscriber_id, state, created_at, updated_at) \
     VALUES (1, 1, 'sent', 2000, 2000), (1, 3, 'sent', 2000, 2000), (2, 2, 'sent', 500, 500)",
    "DELETE FROM memberships WHERE subscriber_id = 3",
    "DELETE FROM subscribers WHERE id = 3",
];

async fn old_links_keep_working_through_the_migration(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::at_migration(backend, dir.path(), 5, BEFORE_LINK_KEYS).await;

    let app = App::build(settings(dir.path(), &db, &shipped_locales(), None))
        .await
        .expect("migrates");
    let key = app.signing_key().expose_secret().to_vec();
    let t = WebTest::serve(Arc::new(app), roomy(), db, dir).await;
    let store = &t.app.store;
    // The rebuild kept what hung off the subscribers: memberships, and the
    // confirmation-mail throttle (a claim within its interval is refused).
    assert_eq!(store.subscriber_lists(1).await.unwrap(), ["peru"]);
    assert!(
        !store
            .claim_confirmation_mail(2, now_millis(), now_millis())
            .await
            .unwrap()
    );
    assert_ne!(
        store.link_key(1).await.unwrap(),
        store.link_key(2).await.unwrap()
    );
    // The erased person's id, kept in the ledger, is not handed out again.
    let newcomer = store
        .create_subscriber(
            &person("luz@example.org"),
            SubscriberStatus::Unconfirmed,
            "test",
            &[],
            now_millis(),
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(newcomer > 3, "newcomer got id {newcomer}");

    // Ana's unsubscribe link from campaign 1 and Eva's confirmation link work.
    let one_click = [("List-Unsubscribe", "One-Click")];
    let ana_link = legacy_link(&key, 1, &[1, 1]);
    let (status, body) = press(&t, &format!("/u/{ana_link}"), &one_click).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&t, 1).await, SubscriberStatus::Unsubscribed);
    let eva_link = legacy_link(&key, 2, &[2, 1, now_millis() - 1000]);
    let (status, body) = press(&t, &format!("/confirm/{eva_link}"), &[("x", "y")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&t, 2).await, SubscriberStatus::Confirmed);
    assert_eq!(store.subscriber_lists(2).await.unwrap(), ["peru"]);

    // Old links that were never the holder's: campaign 2 went to id 2 before
    // Eva existed, and nobody stored after the migration had old links.
    let refusals = [
        (2, LinkSent::InCampaign(2)),
        (2, LinkSent::At(999)),
        (newcomer, LinkSent::At(now_millis())),
        (newcomer, LinkSent::InCampaign(1)),
    ];
    for (id, sent) in refusals {
        assert_eq!(
            store
                .link_subscriber(id, LinkBinding::Legacy, sent)
                .await
                .unwrap()
                .unwrap_err(),
            LinkRefused::LegacyForNewcomer,
            "{id} {sent:?}"
        );
    }
    let not_evas = legacy_link(&key, 1, &[2, 2]);
    let (status, body) = press(&t, &format!("/u/{not_evas}"), &one_click).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let not_luzs = legacy_link(&key, 2, &[newcomer, 1, now_millis() - 1000]);
    let (status, body) = press(&t, &format!("/confirm/{not_luzs}"), &[("x", "y")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(status_of(&t, 2).await, SubscriberStatus::Confirmed);
    assert_eq!(status_of(&t, newcomer).await, SubscriberStatus::Unconfirmed);
}

/// A complaint names its person by the returned Message-ID
/// (`willay.c{campaign}.s{subscriber}`): it must be about the person who
/// holds that id now, not about whoever held it when the message went out.
async fn a_complaint_about_an_earlier_holder_of_an_id_unsubscribes_nobody(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let store = &t.app.store;
    let id = store
        .create_subscriber(
            &person("nueva@example.org"),
            SubscriberStatus::Confirmed,
            "test",
            &[],
            now_millis(),
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap()
        .unwrap();
    // Campaign 1's message went to id `id` long before she was stored (an id
    // reused before migration 0006).
    let db = &t.app.settings.database_url;
    execute_sql(
        db,
        "INSERT INTO campaigns (name, message_id, status, created_at, updated_at) \
         VALUES ('old', 'survivor-rights', 'done', $1, $1)",
        1000,
    )
    .await;
    execute_sql(
        db,
        "INSERT INTO deliveries (campaign_id, subscriber_id, state, created_at, updated_at) \
         VALUES (1, $1, 'sent', 1000, 1000)",
        id,
    )
    .await;
    let report = format!(
        "From: fbl@mx.example.net\r\nTo: noticias@example.org\r\nSubject: complaint\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n\
         --F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\
         --F\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: redacted@example.net\r\n\
         Message-ID: <willay.c1.s{id}@example.org>\r\n--F--\r\n"
    );
    let file = t.dir.path().join("complaint.eml");
    std::fs::write(&file, report).unwrap();
    let imported = t.app.import_bounces(&[&file]).await.unwrap();
    assert_eq!((imported.complaints, imported.unknown), (0, 1));
    assert_eq!(
        store.subscriber(id).await.unwrap().status,
        SubscriberStatus::Confirmed
    );
}

on_both_backends!(
    a_complaint_about_an_earlier_holder_of_an_id_unsubscribes_nobody,
    a_link_with_another_persons_key_is_refused,
    old_links_keep_working_through_the_migration,
);
