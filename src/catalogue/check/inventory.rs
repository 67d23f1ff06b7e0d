//! What a locale's `.ftl` files define and use, with the place of each thing.
//!
//! fluent-syntax's AST carries no positions, but parsing a `&str` yields slices
//! of the source, so a node's place is its slice's offset in the file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use super::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::catalogue::loader::{line_column, read_nested_within_limit, syntax_error};
use crate::catalogue::{CatalogueError, SyntaxError};

/// A message's text or one attribute: where it is and the variables it uses.
#[derive(Debug)]
pub(super) struct Pattern {
    pub at: Location,
    /// Each `$variable` with its first use.
    pub variables: BTreeMap<String, Location>,
}

/// A message or a term.
#[derive(Debug)]
pub(super) struct Entry {
    pub at: Location,
    pub value: Option<Pattern>,
    pub attributes: BTreeMap<String, Pattern>,
    /// Marked `# review: pending` in the comment above it.
    pub review_pending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReferenceKind {
    Term,
    Message,
}

/// A `{ -term }` or `{ message }` placeable.
#[derive(Debug)]
pub(super) struct Reference {
    pub kind: ReferenceKind,
    /// Terms keep their leading `-`, as translators write them.
    pub id: String,
    pub at: Location,
    /// The message or term whose text holds the reference.
    pub from: String,
}

/// Everything one locale folder defines and uses.
#[derive(Debug)]
pub(super) struct LocaleInventory {
    pub name: String,
    pub folder: PathBuf,
    pub files: usize,
    pub messages: BTreeMap<String, Entry>,
    /// Keyed with the leading `-`.
    pub terms: BTreeMap<String, Entry>,
    pub references: Vec<Reference>,
    /// Ids whose definition is inside a syntax error: reported once, as syntax.
    pub broken: BTreeSet<String>,
    /// The `### review: …` status at the top of each file that has one.
    pub review: Vec<String>,
}

/// One file being read: turns source slices into locations.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    /// The location of `slice` (a part of the source), moved `back` characters
    /// left so a `$variable` points at its `$` and an attribute at its `.`.
    fn at(&self, slice: &str, back: usize) -> Location {
        let offset = (slice.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .saturating_sub(back)
            .min(self.text.len());
        let (line, column) = line_column(self.text, offset);
        Location {
            file: self.path.to_owned(),
            line,
            column,
        }
    }
}

impl LocaleInventory {
    /// A locale with nothing gathered yet, for the `files` of `folder`.
    pub fn new(name: String, folder: &Path, files: usize) -> Self {
        LocaleInventory {
            name,
            folder: folder.to_owned(),
            files,
            messages: BTreeMap::new(),
            terms: BTreeMap::new(),
            references: Vec::new(),
            broken: BTreeSet::new(),
            review: Vec::new(),
        }
    }

    /// Reads and parses the `.ftl` `files` of `folder` (keeping comments, for
    /// review marks), adding syntax errors and duplicates to `out`.
    pub fn read(
        name: String,
        folder: &Path,
        files: &[PathBuf],
        out: &mut Vec<Diagnostic>,
    ) -> Result<Self, CatalogueError> {
        let mut locale = LocaleInventory::new(name, folder, files.len());
        for path in files {
            let text = match read_nested_within_limit(path)? {
                Ok(text) => text,
                Err(too_deep) => {
                    out.push(locale.syntax(too_deep));
                    continue;
                }
            };
            let resource = match fluent_syntax::parser::parse(text.as_str()) {
                Ok(resource) => resource,
                Err((resource, errors)) => {
                    for error in &errors {
                        out.push(locale.syntax(syntax_error(path, &text, error)));
                    }
                    resource
                }
            };
            locale.add_file(path, &text, &resource.body, out);
        }
        Ok(locale)
    }

    /// Adds what one parsed file defines and uses; `entries` are slices of `text`.
    pub fn add_file<'t>(
        &mut self,
        path: &Path,
        text: &'t str,
        entries: impl IntoIterator<Item = &'t ast::Entry<&'t str>>,
        out: &mut Vec<Diagnostic>,
    ) {
        let source = Source { path, text };
        if let Some(status) = review_header(text) {
            self.review.push(status);
        }
        for entry in entries {
            self.add(&source, entry, out);
        }
    }

    fn syntax(&self, error: SyntaxError) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            locale: self.name.clone(),
            file: error.path,
            line: Some(error.line),
            column: Some(error.column),
            code: Code::Syntax,
            message: error.message,
            entry: None,
        }
    }

    fn add(&mut self, source: &Source<'_>, entry: &ast::Entry<&str>, out: &mut Vec<Diagnostic>) {
        let (id, value, attributes, comment, at, is_term) = match entry {
            ast::Entry::Message(m) => (
                m.id.name.to_owned(),
                m.value.as_ref(),
                &m.attributes,
                m.comment.as_ref(),
                source.at(m.id.name, 0),
                false,
            ),
            ast::Entry::Term(t) => (
                format!("-{}", t.id.name),
                Some(&t.value),
                &t.attributes,
                t.comment.as_ref(),
                source.at(t.id.name, 1),
                true,
            ),
            ast::Entry::Junk { content } => {
                if let Some(id) = junk_id(content) {
                    self.broken.insert(id);
                }
                return;
            }
            _ => return,
        };
        let mut pattern = |p: &ast::Pattern<&str>, at: Location| {
            let mut walk = Walk {
                source,
                entry: &id,
                variables: BTreeMap::new(),
                references: &mut self.references,
            };
            walk.pattern(p);
            Pattern {
                at,
                variables: walk.variables,
            }
        };
        let entry = Entry {
            value: value.map(|v| pattern(v, at.clone())),
            attributes: attributes
                .iter()
                .map(|a| {
                    (
                        a.id.name.to_owned(),
                        pattern(&a.value, source.at(a.id.name, 1)),
                    )
                })
                .collect(),
            review_pending: comment.is_some_and(|c| {
                c.content
                    .iter()
                    .any(|line| line.trim_start().starts_with("review: pending"))
            }),
            at,
        };
        let defined = if is_term {
            &mut self.terms
        } else {
            &mut self.messages
        };
        if let Some(first) = defined.get(&id) {
            out.push(Diagnostic {
                severity: Severity::Error,
                locale: self.name.clone(),
                file: entry.at.file.clone(),
                line: Some(entry.at.line),
                column: Some(entry.at.column),
                code: Code::Duplicate,
                message: format!(
                    "`{id}` is already defined at {}; a locale may define it only once",
                    first.at
                ),
                entry: Some(id.clone()),
            });
        } else {
            defined.insert(id, entry);
        }
    }
}

/// Collects variables and references from a pattern, without entering the
/// definitions of referenced terms: a term's `$count` is its own parameter.
struct Walk<'a, 's> {
    source: &'a Source<'s>,
    /// The message or term being walked.
    entry: &'a str,
    variables: BTreeMap<String, Location>,
    references: &'a mut Vec<Reference>,
}

impl Walk<'_, '_> {
    fn pattern(&mut self, pattern: &ast::Pattern<&str>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                self.expression(expression);
            }
        }
    }

    fn expression(&mut self, expression: &ast::Expression<&str>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                self.inline(selector);
                for variant in variants {
                    self.pattern(&variant.value);
                }
            }
            ast::Expression::Inline(inline) => self.inline(inline),
        }
    }

    fn inline(&mut self, inline: &ast::InlineExpression<&str>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                if !self.variables.contains_key(id.name) {
                    self.variables
                        .insert(id.name.to_owned(), self.source.at(id.name, 1));
                }
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                self.arguments(arguments);
            }
            ast::InlineExpression::TermReference { id, arguments, .. } => {
                self.references.push(Reference {
                    kind: ReferenceKind::Term,
                    id: format!("-{}", id.name),
                    at: self.source.at(id.name, 1),
                    from: self.entry.to_owned(),
                });
                if let Some(arguments) = arguments {
                    self.arguments(arguments);
                }
            }
            ast::InlineExpression::MessageReference { id, .. } => {
                self.references.push(Reference {
                    kind: ReferenceKind::Message,
                    id: id.name.to_owned(),
                    at: self.source.at(id.name, 0),
                    from: self.entry.to_owned(),
                });
            }
            ast::InlineExpression::Placeable { expression } => self.expression(expression),
            ast::InlineExpression::StringLiteral { .. }
            | ast::InlineExpression::NumberLiteral { .. } => {}
        }
    }

    fn arguments(&mut self, arguments: &ast::CallArguments<&str>) {
        for positional in &arguments.positional {
            self.inline(positional);
        }
        for named in &arguments.named {
            self.inline(&named.value);
        }
    }
}

/// The status in a file's first line, `### review: pending — …` → `pending`.
fn review_header(text: &str) -> Option<String> {
    let first = text.lines().next()?.trim();
    let status = first.strip_prefix("###")?.trim().strip_prefix("review:")?;
    status
        .split(|c: char| c.is_whitespace() || c == '—' || c == '-' || c == ',' || c == '.')
        .find(|word| !word.is_empty())
        .map(str::to_owned)
}

/// The id of the entry a syntax error swallowed (its first non-comment line,
/// before `=`), so the check does not also call it missing.
fn junk_id(content: &str) -> Option<String> {
    let line = content
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let id = line.split('=').next()?.trim();
    let name = id.strip_prefix('-').unwrap_or(id);
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (valid && line.contains('=')).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str) -> (LocaleInventory, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ftl"), source).unwrap();
        let mut out = Vec::new();
        let files = [dir.path().join("a.ftl")];
        let locale = LocaleInventory::read("es".into(), dir.path(), &files, &mut out).unwrap();
        (locale, out)
    }

    #[test]
    fn variables_come_from_selectors_and_term_arguments_but_not_term_bodies() {
        let (locale, out) = read(
            "-women = { $count ->\n    [one] una\n   *[other] { $count }\n}\n\
             msg = { $has-name ->\n    [yes] Hola, { $name }\n   *[no] Hola\n} { -women($total) } { NUMBER($n, style: \"percent\") }\n    .subject = { $subject-var }\n",
        );
        assert!(out.is_empty(), "{out:?}");
        let msg = &locale.messages["msg"];
        let value: Vec<&str> = msg
            .value
            .as_ref()
            .unwrap()
            .variables
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(value, ["has-name", "n", "name", "total"]);
        let subject = &msg.attributes["subject"];
        assert_eq!(
            subject.variables.keys().collect::<Vec<_>>(),
            ["subject-var"]
        );
        assert_eq!((subject.at.line, subject.at.column), (9, 5));
        let term = &locale.terms["-women"];
        assert_eq!(
            term.value
                .as_ref()
                .unwrap()
                .variables
                .keys()
                .collect::<Vec<_>>(),
            ["count"]
        );
        assert_eq!((term.at.line, term.at.column), (1, 1));
        let total = &msg.value.as_ref().unwrap().variables["total"];
        assert_eq!((total.line, total.column), (8, 12));
        let used = &locale.references[0];
        assert_eq!(
            (used.kind, used.id.as_str()),
            (ReferenceKind::Term, "-women")
        );
        assert_eq!((used.at.line, used.at.column), (8, 5));
    }

    #[test]
    fn junk_ids_and_review_headers_are_read() {
        assert_eq!(junk_id("# c\nbad = { $name\n"), Some("bad".into()));
        assert_eq!(junk_id("-term = {"), Some("-term".into()));
        assert_eq!(junk_id("}}}\n"), None);
        assert_eq!(
            review_header("### review: pending — awaiting review\n"),
            Some("pending".into())
        );
        assert_eq!(review_header("### review: done\n"), Some("done".into()));
        assert_eq!(review_header("# review: done\n"), None);
    }

    #[test]
    fn a_second_definition_is_a_duplicate_and_pending_entries_are_counted() {
        let (locale, out) = read("# review: pending\na = x\n\na = y\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, Code::Duplicate);
        assert_eq!((out[0].line, out[0].column), (Some(4), Some(1)));
        assert!(locale.messages["a"].review_pending);
    }
}
