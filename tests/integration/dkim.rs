//! DKIM: what willay signs, an independent verifier (mail-auth) accepts, using
//! exactly the DNS record `willay dkim dns-record` tells people to publish.

use std::borrow::Borrow;
use std::hash::Hash;
use std::path::Path;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
};
use willay::mail::dkim::{DkimAlgorithm, dns_record};

use crate::helpers::{Backend, TestApp, shipped_locales};
use crate::scale_out::scheduled_campaign;
use crate::smtp::SmtpServer;

/// A resolver cache that knows one TXT record: the test's DNS.
struct OneRecord(String, Txt);

impl ResolverCache<String, Txt> for OneRecord {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        (self.0.borrow() == name).then(|| self.1.clone())
    }

    fn remove<Q>(&self, _: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _: String, _: Txt, _: std::time::Instant) {}
}

async fn verify(raw: &[u8], dns: &OneRecord) -> Vec<DkimResult> {
    let message = AuthenticatedMessage::parse(raw).expect("a parseable message");
    let authenticator = MessageAuthenticator::new_cloudflare()
        .expect("a resolver (not queried: the cache answers)");
    authenticator
        .verify_dkim(Parameters::new(&message).with_txt_cache(dns))
        .await
        .iter()
        .map(|output| output.result().clone())
        .collect()
}

async fn signs_and_verifies(algorithm: DkimAlgorithm, key_file: &str) {
    let key_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dkim")
        .join(key_file);
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_configured(Backend::Sqlite, &shipped_locales(), Some(&smtp), |s| {
        s.dkim_key_file = Some(key_path.clone());
        s.dkim_algorithm = algorithm;
        s.dkim_selector = "willay2026".into();
    })
    .await;
    scheduled_campaign(&t, 3).await;
    assert_eq!(t.run_worker().await.sent, 3);

    let key = std::fs::read_to_string(&key_path).unwrap();
    let record = dns_record("example.org", "willay2026", &key, algorithm).unwrap();
    let (name, rest) = record.split_once(" IN TXT ").unwrap();
    assert_eq!(name, "willay2026._domainkey.example.org.");
    let value = rest.trim_matches('"');
    let dns = OneRecord(
        name.to_owned(),
        Txt::from(DomainKey::parse(value.as_bytes()).unwrap()),
    );

    let messages = smtp.raw_messages();
    assert_eq!(messages.len(), 3);
    for raw in &messages {
        let text = String::from_utf8_lossy(raw);
        let signature = text
            .lines()
            .find(|l| l.starts_with("DKIM-Signature:"))
            .expect("signed");
        assert!(
            signature.contains("s=willay2026") && signature.contains("d=example.org"),
            "{signature}"
        );
        let headers = text[text.find("DKIM-Signature:").unwrap()..]
            .split("b=")
            .next()
            .unwrap()
            .to_ascii_lowercase();
        // RFC 8058 §4: one-click unsubscribe only counts when these are signed.
        assert!(headers.contains("list-unsubscribe-post"), "{headers}");
        assert_eq!(verify(raw, &dns).await, [DkimResult::Pass]);

        // Any change to a signed header breaks the signature.
        let tampered = text.replacen("Subject: ", "Subject: Re: ", 1);
        assert!(matches!(
            verify(tampered.as_bytes(), &dns).await[..],
            [DkimResult::Fail(_)]
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsa_signatures_verify() {
    signs_and_verifies(DkimAlgorithm::Rsa, "rsa-test-key.pem").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ed25519_signatures_verify() {
    signs_and_verifies(DkimAlgorithm::Ed25519, "ed25519-test-seed.txt").await;
}
