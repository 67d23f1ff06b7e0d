//! A campaign end to end: import, target, send over SMTP, read the mail back,
//! count the reach.

use std::collections::BTreeMap;

use willay::campaigns::{CampaignAction, CampaignRequest};
use willay::config::WorkerArgs;
use willay::domain::{CampaignStatus, ListName};

use crate::helpers::{Backend, TestApp, execute_sql, shipped_locales};
use crate::on_both_backends;
use crate::smtp::{Received, SmtpServer};

mod audience;
mod fallbacks;
mod imports;
mod sending;

const PEOPLE: &str = "email,name,language,region
rosa@example.org,Rosa Quispe,quz-PE,Cusco
juana@example.org,Juana Huamán,quy,Huancavelica
maria@example.org,María <b>Torres</b>,es-PE,Lima
ann@example.org,Ann Smith,en-GB,Lima
luz@example.org,,EN,Ica
pedro@example.org,Pedro,,Piura
kim@example.org,Kim,xx!!,Loreto
";

// Rosa and Juana are on both lists; Carmen only on the second.
const ANDES: &str = "email,name,language,region
rosa@example.org,Rosa Quispe,quz-PE,Cusco
juana@example.org,Juana Huamán,quy,Huancavelica
carmen@example.org,Carmen Ccori,qu,Apurímac
";

/// The words of `sterilisation-justice` and of the footer in one locale,
/// copied by hand from `locales/<locale>/`: mail is compared with these, not
/// with a second run of the renderer, so a renderer that picked the wrong
/// words, the wrong locale or no footer at all would fail.
struct Words {
    subject: &'static str,
    preheader: &'static str,
    /// `{name}` stands for the person's name.
    greeting: &'static str,
    greeting_without_name: &'static str,
    help: &'static str,
    reason: &'static str,
    unsubscribe: &'static str,
    unsubscribe_text: &'static str,
    privacy: &'static str,
}

const SPANISH: Words = Words {
    subject: "Esterilizaciones forzadas: tu derecho a la justicia y la reparación",
    preheader: "Inscribirte en el REVIESFO es gratuito. No estás sola: miles de mujeres siguen exigiendo justicia.",
    greeting: "Hola, {name}:",
    greeting_without_name: "Hola:",
    help: "Si estás en peligro o necesitas ayuda, llama gratis a la Línea 100, las 24 horas del día.",
    reason: "Recibes este mensaje porque te suscribiste a las novedades de Colectivo Willay.",
    unsubscribe: "Darme de baja",
    unsubscribe_text: "Para dejar de recibir estos mensajes, abre este enlace:",
    privacy: "No registramos si abres este mensaje.",
};

const ENGLISH: Words = Words {
    subject: "Forced sterilisations: your right to justice and reparation",
    preheader: "Registering with REVIESFO is free. You are not alone: thousands of women are still seeking justice.",
    greeting: "Hello, {name},",
    greeting_without_name: "Hello,",
    help: "If you are in danger or need help, call Línea 100 free of charge, 24 hours a day.",
    reason: "You receive this message because you subscribed to news from Colectivo Willay.",
    unsubscribe: "Unsubscribe",
    unsubscribe_text: "You can unsubscribe at any time with this link:",
    privacy: "We do not track whether you open this message.",
};

const QUECHUA: Words = Words {
    subject: "Esterilizaciones forzadas: justiciapaq, allichaypaq derechoyki",
    preheader: "REVIESFO nisqapi qillqachikuyqa mana pagaymi. Waranqa-waranqa warmikunam justiciata mask'achkanku.",
    greeting: "Allillanchu, {name}:",
    greeting_without_name: "Allillanchu:",
    help: "Sichus peligropi kachkanki, manchakunki icha yanapayta munanki chayqa, Línea 100 nisqaman waqyay; mana imatapas pagankichu, p'unchawpas tutapas, 24 horas.",
    reason: "Kay willakuyta chaskinki, Colectivo Willay nisqapa musuq willakuyninkunata chaskinaykipaq sutiykita qillqachisqaykirayku.",
    unsubscribe: "Sutiyta hurquy",
    unsubscribe_text: "Kay willakuykunata manaña chaskinaykipaq, kay t'inkita kichay:",
    privacy: "Manam qhawaykuchu kay willakuyta kichasqaykita icha manachu.",
};

/// The postal address the test settings put in every footer.
const POSTAL_ADDRESS: &str = "Jr. Ejemplo 123, Lima";

/// Each person's expected locale and name, as in `PEOPLE` and `ANDES`.
fn expected(address: &str) -> (&'static str, &'static str) {
    match address {
        "rosa@example.org" => ("qu", "Rosa Quispe"),
        "juana@example.org" => ("qu", "Juana Huamán"),
        "carmen@example.org" => ("qu", "Carmen Ccori"),
        "maria@example.org" => ("es", "María <b>Torres</b>"),
        "ann@example.org" => ("en", "Ann Smith"),
        "luz@example.org" => ("en", ""),
        "pedro@example.org" => ("es", "Pedro"),
        "kim@example.org" => ("es", "Kim"),
        other => panic!("nobody expected {other}"),
    }
}

fn words(locale: &str) -> &'static Words {
    match locale {
        "es" => &SPANISH,
        "en" => &ENGLISH,
        "qu" => &QUECHUA,
        other => panic!("no words for {other}"),
    }
}

/// HTML-escapes like askama does, to find catalogue words in the HTML part.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Asserts the words, footer and headers of one received message.
fn assert_message(mail: &Received, locale: &str, name: &str, sent_between: (i64, i64)) {
    let w = words(locale);
    let who = &mail.to;
    assert_eq!(mail.content_language, locale, "{who}");
    assert_eq!(mail.subject, w.subject, "{who}");
    assert_eq!(
        (mail.from_name.as_str(), mail.from_address.as_str()),
        ("Colectivo Willay", "noticias@example.org"),
        "{who}"
    );
    let date = mail.date.unwrap_or_else(|| panic!("{who}: a Date header"));
    assert!(
        (sent_between.0 - 1..=sent_between.1 + 1).contains(&date),
        "{who}: Date {date} is the sending time {sent_between:?}"
    );

    let text = mail.text.replace("\r\n", "\n");
    let greeting = if name.is_empty() {
        w.greeting_without_name.to_owned()
    } else {
        w.greeting.replace("{name}", name)
    };
    assert_eq!(text.lines().next(), Some(greeting.as_str()), "{who}");
    let url = format!("https://willay.example.org/u/{}", mail.unsubscribe_token());
    let footer = format!(
        "\n-- \n{}\n\n{}\n{}\n{url}\n\n{}\n{POSTAL_ADDRESS}",
        w.help, w.reason, w.unsubscribe_text, w.privacy
    );
    assert!(text.trim_end().ends_with(&footer), "{who}: footer\n{text}");
    assert!(
        !text.contains(['\u{2068}', '\u{2069}']),
        "no bidi isolation marks"
    );

    let html = &mail.html;
    assert!(html.contains(&format!("<html lang=\"{locale}\"")), "{who}");
    assert!(
        html.contains(&format!(">{}</h1>", escaped(w.subject))),
        "{who}: subject heading"
    );
    // The preheader is the hidden preview text: in a div nobody sees.
    let preheader = format!(">{}</div>", escaped(w.preheader));
    let at = html
        .find(&preheader)
        .unwrap_or_else(|| panic!("{who}: preheader\n{html}"));
    let div = &html[html[..at].rfind("<div").unwrap()..at];
    assert!(
        div.contains("display:none"),
        "{who}: hidden preheader {div}"
    );
    for line in [w.help, w.reason, w.privacy, POSTAL_ADDRESS] {
        assert!(
            html.contains(&escaped(line)),
            "{who}: footer `{line}` in HTML"
        );
    }
    assert!(
        html.contains(&format!("<a href=\"{url}\""))
            && html.contains(&format!(">{}</a>", escaped(w.unsubscribe))),
        "{who}: unsubscribe link"
    );
}

async fn campaign_to(t: &TestApp, message: &str, lists: &[&str]) -> i64 {
    t.app
        .create_campaign(
            &CampaignRequest {
                message_id: message.into(),
                lists: lists.iter().map(|l| ListName::parse(l).unwrap()).collect(),
                name: None,
                at: Some(chrono::Utc::now()),
            },
            &willay::domain::Actor::Cli,
        )
        .await
        .expect("campaign created")
        .id
}

/// How many messages of `campaign` each address received.
fn per_address(smtp: &SmtpServer, campaign: i64) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for mail in smtp.messages() {
        if mail.message_id.starts_with(&format!("willay.c{campaign}.")) {
            *counts.entry(mail.to).or_default() += 1;
        }
    }
    counts
}

/// Copies the shipped catalogue to `dest`.
pub fn copy_catalogue(dest: &std::path::Path) {
    for entry in walk(&shipped_locales()) {
        let target = dest.join(entry.strip_prefix(shipped_locales()).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, target).unwrap();
    }
}

/// Copies the shipped catalogue to `dest`, dropping `message` from `locale`.
pub fn copy_catalogue_without(dest: &std::path::Path, locale: &str, message: &str) {
    copy_catalogue(dest);
    let mut dropped = false;
    for file in walk(&dest.join(locale)) {
        let text = std::fs::read_to_string(&file).unwrap();
        let without = drop_message(&text, message);
        dropped |= without != text;
        std::fs::write(file, without).unwrap();
    }
    assert!(dropped, "`{message}` is in the `{locale}` catalogue");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "ftl") {
            files.push(path);
        }
    }
    files
}

/// Removes one message (its id line and indented continuation) from FTL text.
fn drop_message(ftl: &str, message: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in ftl.lines() {
        if line.starts_with(&format!("{message} =")) {
            skipping = true;
            continue;
        }
        if skipping && (line.is_empty() || line.starts_with(' ')) {
            continue;
        }
        skipping = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}
