//! Which messages a translation cannot format, from the check's findings:
//! what the renderer passes over and what campaign warnings name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Diagnostic, run};
use crate::catalogue::CatalogueError;

/// Every (locale, message) whose message the check finds errors in, with those
/// errors, including errors in the terms and messages it uses: the renderer
/// passes over these translations and the campaign warnings name them.
pub(crate) fn broken_messages(
    root: &Path,
) -> Result<BTreeMap<(String, String), Vec<Diagnostic>>, CatalogueError> {
    let (report, locales) = run(root, false)?;
    let mut broken = BTreeMap::new();
    for locale in &locales {
        // What each entry uses, to follow a message into its terms.
        let mut uses: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for reference in &locale.references {
            uses.entry(reference.from.as_str())
                .or_default()
                .push(reference.id.as_str());
        }
        let mut errors: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for diagnostic in report.errors().filter(|d| d.locale == locale.name) {
            if let (Some(entry), true) = (&diagnostic.entry, diagnostic.code.breaks_formatting()) {
                errors.entry(entry.as_str()).or_default().push(diagnostic);
            }
        }
        for id in locale.messages.keys() {
            let mut seen = BTreeSet::from([id.as_str()]);
            let mut queue = vec![id.as_str()];
            let mut found = Vec::new();
            while let Some(entry) = queue.pop() {
                found.extend(
                    errors
                        .get(entry)
                        .into_iter()
                        .flatten()
                        .map(|d| (*d).clone()),
                );
                for used in uses.get(entry).into_iter().flatten() {
                    if seen.insert(used) {
                        queue.push(used);
                    }
                }
            }
            if !found.is_empty() {
                broken.insert((locale.name.clone(), id.clone()), found);
            }
        }
    }
    Ok(broken)
}
