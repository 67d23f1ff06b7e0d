//! Which messages a translation cannot format, from the check's findings:
//! what the renderer passes over and what campaign warnings name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Diagnostic, Gathered, run};

/// Every (locale, message) of the catalogue at `root` whose message the check
/// finds errors in, with those errors, including errors in the terms and
/// messages it uses: the renderer passes over these translations and the
/// campaign warnings name them.
pub(crate) fn broken_messages(
    root: &Path,
    gathered: Vec<Gathered>,
) -> BTreeMap<(String, String), Vec<Diagnostic>> {
    let mut found = Vec::new();
    let mut locales = Vec::new();
    for mut one in gathered {
        found.append(&mut one.found);
        locales.push(one.locale);
    }
    let report = run(root, false, &locales, found);
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
    broken
}

#[cfg(test)]
mod tests {
    use super::super::read;
    use super::*;
    use crate::catalogue::Catalogue;

    #[test]
    fn the_catalogue_finds_from_its_own_parse_what_the_check_finds_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            (
                "es/a.ftl",
                "-org = Willay\nmsg = Hola { -org }\n    .subject = Asunto { $name }\n    .preheader = P\n\
                 other = { msg }\n",
            ),
            // Comments only the check's parser keeps (and one it alone refuses),
            // an undefined term, and a message broken through the one it uses.
            (
                "qu/a.ftl",
                "### review: pending\n#unspaced\n# review: pending\n\
                 msg = Allin { -orgg }\n    .subject = Q { $name }\n    .preheader = Q\n\
                 other = { msg }\n",
            ),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let loaded: BTreeMap<(String, String), Vec<Diagnostic>> = Catalogue::load(dir.path())
            .unwrap()
            .broken
            .into_iter()
            .map(|((locale, id), found)| ((locale.to_string(), id), found))
            .collect();

        let (locales, found) = read(dir.path()).unwrap();
        let mut from_disk: Vec<Gathered> = locales
            .into_iter()
            .map(|locale| Gathered {
                locale,
                found: Vec::new(),
            })
            .collect();
        from_disk[0].found = found;
        let checked = broken_messages(dir.path(), from_disk);

        assert_eq!(
            loaded.keys().collect::<Vec<_>>(),
            [
                &("qu".to_owned(), "msg".to_owned()),
                &("qu".to_owned(), "other".to_owned())
            ]
        );
        assert_eq!(loaded, checked);
        assert_eq!(
            loaded[&("qu".into(), "msg".into())][0]
                .to_string()
                .split(": ")
                .next(),
            Some(format!("{}:4:15", dir.path().join("qu/a.ftl").display()).as_str())
        );
    }
}
