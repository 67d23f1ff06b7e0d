//! Rendering one message per locale, and turning it into MIME: the per-message
//! CPU work of a send. `cargo bench --bench render`.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use lettre::message::Mailbox;
use willay::catalogue::Catalogue;
use willay::mail::{DeliveryKey, MessageComposer};
use willay::render::{Personalisation, Renderer};

fn renderer() -> Renderer {
    let locales = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let catalogue = Catalogue::load(&locales).expect("the shipped catalogue loads");
    Renderer::new(Arc::new(catalogue), "Jr. Ejemplo 123, Lima".into()).expect("renderer")
}

fn composer() -> MessageComposer {
    MessageComposer {
        from: "Colectivo Willay <noticias@example.org>"
            .parse::<Mailbox>()
            .unwrap(),
        unsubscribe_mailto: "noticias@example.org".parse().unwrap(),
        public_url: "https://willay.example.org".parse().unwrap(),
        dkim: None,
    }
}

const URL: &str = "https://willay.example.org/u/AQAAAAAAAAEMAAAAAAAAAAGLLtWWmtHNpFtgeRxspCz1";

fn render(c: &mut Criterion) {
    let renderer = renderer();
    let composer = composer();
    let mut group = c.benchmark_group("render");
    for (tag, name) in [
        ("es-PE", "María Elena Ccori"),
        ("en-GB", "Ann Smith"),
        ("quz-PE", ""),
    ] {
        let person = Personalisation {
            language: tag,
            name,
            unsubscribe_url: URL,
        };
        group.bench_function(format!("survivor-rights/{tag}"), |b| {
            b.iter(|| renderer.render("survivor-rights", person).unwrap())
        });
        let email = renderer.render("survivor-rights", person).unwrap();
        let key = DeliveryKey {
            campaign_id: 7,
            subscriber_id: 4242,
        };
        group.bench_function(format!("compose+format/{tag}"), |b| {
            b.iter(|| {
                composer
                    .compose(&email, key, "person@example.org", name, "AQAAAAAAAAEM")
                    .unwrap()
                    .formatted()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
