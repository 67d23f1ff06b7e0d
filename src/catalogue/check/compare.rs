//! The rules: references resolve, campaign messages are complete, and each
//! translation matches the reference message by message.

use std::collections::{BTreeMap, BTreeSet};

use super::diagnostic::{Code, Diagnostic, Severity};
use super::inventory::{Entry, LocaleInventory, Pattern, ReferenceKind};
use crate::catalogue::loader::file_name;
use crate::catalogue::names::{PERSON_VARIABLES, REFERENCE_LOCALE};

/// Every `-term` and message reference must resolve within its own locale:
/// Fluent formats a message with its locale's bundle only.
pub(super) fn check_references(
    locale: &LocaleInventory,
    all: &[LocaleInventory],
    out: &mut Vec<Diagnostic>,
) {
    let reference = all.iter().find(|l| l.name == REFERENCE_LOCALE);
    for used in &locale.references {
        let (defined, code, kind) = match used.kind {
            ReferenceKind::Term => (&locale.terms, Code::UndefinedTerm, "term"),
            ReferenceKind::Message => (&locale.messages, Code::UndefinedMessage, "message"),
        };
        if defined.contains_key(&used.id) || locale.broken.contains(&used.id) {
            continue;
        }
        let hint = reference
            .filter(|r| r.name != locale.name)
            .and_then(|r| match used.kind {
                ReferenceKind::Term => r.terms.get(&used.id),
                ReferenceKind::Message => r.messages.get(&used.id),
            })
            .map(|r| format!("; the reference defines it at {}", r.at))
            .unwrap_or_default();
        out.push(
            Diagnostic::at(
                Severity::Error,
                code,
                &locale.name,
                &used.at,
                format!(
                    "{kind} `{}` is used but not defined in `{}`{hint}",
                    used.id, locale.name
                ),
            )
            .inside(&used.from),
        );
    }
}

/// A campaign message is one with `.subject`; sending needs its text and `.preheader` too.
pub(super) fn check_campaign_messages(reference: &LocaleInventory, out: &mut Vec<Diagnostic>) {
    for (id, message) in &reference.messages {
        if !message.attributes.contains_key("subject") {
            continue;
        }
        if !message.attributes.contains_key("preheader") {
            out.push(
                Diagnostic::at(
                    Severity::Error,
                    Code::MissingAttribute,
                    &reference.name,
                    &message.at,
                    format!(
                        "campaign message `{id}` has `.subject` but no `.preheader`; \
                     a campaign message needs both, so it cannot be sent"
                    ),
                )
                .inside(id),
            );
        }
        if message.value.is_none() {
            out.push(
                Diagnostic::at(
                    Severity::Error,
                    Code::MissingValue,
                    &reference.name,
                    &message.at,
                    format!(
                        "campaign message `{id}` has no text (the email body), only attributes"
                    ),
                )
                .inside(id),
            );
        }
    }
}

pub(super) fn compare(
    reference: &LocaleInventory,
    translation: &LocaleInventory,
    out: &mut Vec<Diagnostic>,
) {
    let t = &translation.name;
    for (id, wanted) in &reference.messages {
        // A message hidden in a syntax error was reported as such already.
        if translation.broken.contains(id) {
            continue;
        }
        match translation.messages.get(id) {
            None => {
                let add_to = translation.folder.join(file_name(&wanted.at.file));
                out.push(Diagnostic::at(
                    Severity::Warning,
                    Code::MissingMessage,
                    t,
                    &wanted.at,
                    format!(
                        "message `{id}` has no `{t}` translation (its reference definition is \
                         here); add it to {} — until then `{t}` readers get the \
                         `{REFERENCE_LOCALE}` text",
                        add_to.display()
                    ),
                ));
            }
            Some(found) => compare_entry(id, wanted, found, t, Kind::of_message(wanted), out),
        }
    }
    for (id, extra) in unmatched(&translation.messages, &reference.messages) {
        if !reference.broken.contains(id) {
            out.push(Diagnostic::at(
                Severity::Warning,
                Code::ExtraMessage,
                t,
                &extra.at,
                format!(
                    "message `{id}` is not in the reference `{REFERENCE_LOCALE}`, so it is \
                     never used; remove it or correct its name"
                ),
            ));
        }
    }
    // Terms may differ between languages (a translation can add its own), but a
    // shared term is called with the reference's arguments.
    for (id, found) in &translation.terms {
        if let Some(wanted) = reference.terms.get(id) {
            compare_entry(id, wanted, found, t, Kind::Term, out);
        }
    }
}

/// What kind of entry is compared: it decides which variables it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A message with `.subject`: the renderer gives it [`PERSON_VARIABLES`].
    Campaign,
    /// Any other message (footer, web page): given what the reference uses.
    Message,
    /// A term: called with the reference's arguments.
    Term,
}

impl Kind {
    fn of_message(reference: &Entry) -> Self {
        if reference.attributes.contains_key("subject") {
            Kind::Campaign
        } else {
            Kind::Message
        }
    }
}

fn compare_entry(
    id: &str,
    wanted: &Entry,
    found: &Entry,
    locale: &str,
    kind: Kind,
    out: &mut Vec<Diagnostic>,
) {
    let is_message = kind != Kind::Term;
    let given: &[&str] = if kind == Kind::Campaign {
        &PERSON_VARIABLES
    } else {
        &[]
    };
    let variables = |label: &str, w: &Pattern, f: &Pattern, out: &mut Vec<Diagnostic>| {
        let before = out.len();
        compare_variables(label, w, f, locale, given, out);
        for diagnostic in &mut out[before..] {
            diagnostic.entry = Some(id.to_owned());
        }
    };
    match (&wanted.value, &found.value) {
        (Some(w), Some(f)) => variables(id, w, f, out),
        (Some(_), None) => out.push(Diagnostic::at(
            Severity::Error,
            Code::MissingValue,
            locale,
            &found.at,
            format!(
                "message `{id}` has no text, only attributes; the reference has text at {}",
                wanted.at
            ),
        )),
        _ => {}
    }
    for (name, w) in &wanted.attributes {
        match found.attributes.get(name) {
            Some(f) => variables(&format!("{id}.{name}"), w, f, out),
            None if is_message => out.push(Diagnostic::at(
                Severity::Error,
                Code::MissingAttribute,
                locale,
                &found.at,
                format!(
                    "message `{id}` lacks the `.{name}` attribute that the reference has at {}; \
                     it cannot be sent in `{locale}` without it",
                    w.at
                ),
            )
            .inside(id)),
            None => {}
        }
    }
    if is_message {
        for (name, f) in unmatched(&found.attributes, &wanted.attributes) {
            let message = format!(
                "attribute `.{name}` of `{id}` is not in the reference \
                 `{REFERENCE_LOCALE}`, so it is never used"
            );
            out.push(Diagnostic::at(
                Severity::Warning,
                Code::ExtraAttribute,
                locale,
                &f.at,
                message,
            ));
        }
    }
}

/// Compares the `$variables` of one pattern (a message's text or one
/// attribute); `given` are the variables willay passes besides the reference's.
fn compare_variables(
    label: &str,
    wanted: &Pattern,
    found: &Pattern,
    locale: &str,
    given: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let expected: BTreeSet<&str> = wanted.variables.keys().map(String::as_str).collect();
    for (name, at) in &found.variables {
        if expected.contains(name.as_str()) || given.contains(&name.as_str()) {
            continue;
        }
        let message = if given.is_empty() {
            format!(
                "`${name}` in `{label}` is not a variable of the reference \
                 `{REFERENCE_LOCALE}` (which uses {}); only those are passed, so this \
                 text would not format",
                list_variables(&expected)
            )
        } else {
            let accepted: BTreeSet<&str> = expected.iter().chain(given).copied().collect();
            format!(
                "`${name}` in `{label}` is not a variable of the reference \
                 `{REFERENCE_LOCALE}` nor one willay gives every campaign message (which \
                 are {}); only those are passed, so this text would not format",
                list_variables(&accepted)
            )
        };
        out.push(Diagnostic::at(
            Severity::Error,
            Code::VariableMismatch,
            locale,
            at,
            message,
        ));
    }
    for (name, at) in unmatched(&wanted.variables, &found.variables) {
        let message = format!(
            "`{label}` does not use `${name}`, which the reference \
             `{REFERENCE_LOCALE}` uses at {at}"
        );
        out.push(Diagnostic::at(
            Severity::Warning,
            Code::VariableMismatch,
            locale,
            &found.at,
            message,
        ));
    }
}

/// The entries of `these` whose name `those` lacks: what one side has and
/// the other does not.
fn unmatched<'a, V, W>(
    these: &'a BTreeMap<String, V>,
    those: &'a BTreeMap<String, W>,
) -> impl Iterator<Item = (&'a String, &'a V)> {
    these.iter().filter(|(name, _)| !those.contains_key(*name))
}

fn list_variables(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names
        .iter()
        .map(|n| format!("`${n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
