//! DKIM: what willay signs, an independent verifier (mail-auth) accepts, using
//! exactly the DNS record `willay dkim dns-record` prints for people to publish.

use std::borrow::Borrow;
use std::hash::Hash;
use std::path::Path;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
};
use willay::mail::dkim::DkimAlgorithm;

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

/// What `willay dkim dns-record` prints: the record's name, and its strings as
/// a zone file holds them, each checked against DNS's 255-byte limit.
fn printed_record(key_path: &Path, algorithm: &str) -> (String, Vec<String>) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_willay"))
        .env("WILLAY_DKIM_KEY_FILE", key_path)
        .env("WILLAY_DKIM_SELECTOR", "willay2026")
        .env("WILLAY_DKIM_ALGORITHM", algorithm)
        .env("WILLAY_FROM", "Colectivo Willay <noticias@example.org>")
        .env("WILLAY_LOG", "error")
        .args(["dkim", "dns-record"])
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{printed}");
    let (name, rest) = printed.split_once(" IN TXT ").expect("a TXT record");
    // Quoted strings, as a zone-file parser reads them (base64 holds no quote).
    let strings: Vec<String> = rest
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!strings.is_empty(), "{printed}");
    for string in &strings {
        assert!(
            string.len() <= 255,
            "a {}-byte string: zone files refuse it\n{printed}",
            string.len()
        );
    }
    (name.to_owned(), strings)
}

/// The tag list of the message's DKIM-Signature (unfolded), e.g. `h` → `from:to:…`.
fn signature_tag(text: &str, tag: &str) -> String {
    let start = text.find("DKIM-Signature:").expect("signed");
    let mut header = String::new();
    for (i, line) in text[start..].split("\r\n").enumerate() {
        if i > 0 && !line.starts_with([' ', '\t']) {
            break;
        }
        header.push_str(line.trim());
    }
    header["DKIM-Signature:".len()..]
        .split(';')
        .filter_map(|t| t.trim().split_once('='))
        .find(|(name, _)| *name == tag)
        .map(|(_, value)| value.to_owned())
        .unwrap_or_else(|| panic!("no {tag}= in {header}"))
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

    let algorithm_name = match algorithm {
        DkimAlgorithm::Rsa => "rsa",
        DkimAlgorithm::Ed25519 => "ed25519",
    };
    let (name, strings) = printed_record(&key_path, algorithm_name);
    assert_eq!(name, "willay2026._domainkey.example.org.");
    // A resolver hands the verifier the strings joined, with nothing between.
    let value = strings.concat();
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
        let signed = signature_tag(&text, "h").to_ascii_lowercase();
        let signed: Vec<&str> = signed.split(':').collect();
        // RFC 8058 §4: one-click unsubscribe only counts when these are signed;
        // Gmail counts a Feedback-ID only when signed.
        for header in [
            "to",
            "date",
            "message-id",
            "mime-version",
            "content-type",
            "content-language",
            "list-id",
            "list-unsubscribe",
            "list-unsubscribe-post",
            "feedback-id",
        ] {
            assert_eq!(
                signed.iter().filter(|h| **h == header).count(),
                1,
                "{header} in h={signed:?}"
            );
        }
        // Oversigned: listed once more than the message holds them.
        for header in ["from", "subject"] {
            assert_eq!(
                signed.iter().filter(|h| **h == header).count(),
                2,
                "{header} in h={signed:?}"
            );
        }
        assert_eq!(verify(raw, &dns).await, [DkimResult::Pass]);

        // Any change to a signed header breaks the signature, and so does a
        // second From or Subject put above the signed one (most clients show the first).
        for tampered in [
            text.replacen("Subject: ", "Subject: Re: ", 1),
            text.replacen(
                "Content-Type: multipart/alternative",
                "Content-Type: text/plain; x=",
                1,
            ),
            format!("From: Mallory <mallory@evil.example>\r\n{text}"),
            format!("Subject: Your account is locked\r\n{text}"),
        ] {
            assert!(
                matches!(
                    verify(tampered.as_bytes(), &dns).await[..],
                    [DkimResult::Fail(_)]
                ),
                "still verifies: {}",
                &tampered[..200]
            );
        }
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
