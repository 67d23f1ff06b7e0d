//! Finding locale folders and reading `.ftl` files, shared by
//! [`super::Catalogue::load`] and `locales check` so both see the same catalogue.

use std::path::{Path, PathBuf};

use fluent::concurrent::FluentBundle;
use fluent::{FluentError, FluentResource};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use super::error::{CatalogueError, SyntaxError};

/// One locale folder loaded for rendering: its Fluent bundle and campaign messages.
pub(super) struct LocaleBundle {
    pub(super) id: LanguageIdentifier,
    pub(super) bundle: FluentBundle<FluentResource>,
    /// Ids of campaign messages (those with a `.subject`), sorted.
    pub(super) campaign_messages: Vec<String>,
}

/// The deepest nesting of placeables (and call arguments) a file may have.
/// fluent-syntax parses nested placeables by recursion with no limit of its
/// own, so 30,000 `{` overflow the stack and abort the process; real messages
/// nest two or three deep.
pub(crate) const MAX_NESTING: usize = 100;

/// The byte order mark Windows Notepad writes at the start of UTF-8 files.
/// Fluent's grammar has no place for it, so it would be a syntax error at 1:1.
const BOM: char = '\u{feff}';

/// What a folder's name says about it.
#[derive(Debug, Clone)]
pub(crate) enum FolderName {
    /// A language code: the folder is a locale.
    Locale(LanguageIdentifier),
    /// Parses as a tag but its language part is not a two- or three-letter code
    /// (`drafts`, `backup`): BCP 47 reserves five to eight letters for languages
    /// never registered, so it is a stray folder, not a language.
    NotALanguageCode,
    /// Not a language tag at all (`old files`, `es_PE`).
    NotATag,
}

/// A folder under the catalogue root that holds `.ftl` files.
#[derive(Debug, Clone)]
pub(crate) struct LocaleFolder {
    /// The folder.
    pub path: PathBuf,
    /// Its name as written.
    pub name: String,
    /// Whether the name is a language code.
    pub kind: FolderName,
    /// Its `.ftl` files, sorted.
    pub files: Vec<PathBuf>,
}

/// The folders under `root` that hold `.ftl` files, sorted by name.
///
/// A folder without `.ftl` files is not a locale, whatever its name: it may
/// hold notes or images, and loading it would add an empty language.
pub(crate) fn locale_folders(root: &Path) -> Result<Vec<LocaleFolder>, CatalogueError> {
    let mut folders = Vec::new();
    for path in list(root)? {
        let name = file_name(&path);
        if !path.is_dir() || name.starts_with('.') {
            continue;
        }
        let files: Vec<PathBuf> = list(&path)?
            .into_iter()
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        if files.is_empty() {
            continue;
        }
        let kind = match name.parse::<LanguageIdentifier>() {
            Ok(id) if (2..=3).contains(&id.language.as_str().len()) && !id.language.is_empty() => {
                FolderName::Locale(id)
            }
            Ok(_) => FolderName::NotALanguageCode,
            Err(_) => FolderName::NotATag,
        };
        folders.push(LocaleFolder {
            path,
            name,
            kind,
            files,
        });
    }
    Ok(folders)
}

/// Parses one locale folder into a bundle, adding syntax errors to `syntax`
/// and showing each file that parses to `parsed` before the bundle takes it.
pub(super) fn load_locale(
    id: LanguageIdentifier,
    folder: &LocaleFolder,
    syntax: &mut Vec<SyntaxError>,
    mut parsed: impl FnMut(&Path, &FluentResource),
) -> Result<LocaleBundle, CatalogueError> {
    let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
    // Bidi isolation marks around placeables would leak into plain-text
    // mail as invisible characters; every shipped locale is left-to-right.
    bundle.set_use_isolating(false);
    bundle
        .add_builtins()
        .expect("builtins are added once to a fresh bundle");
    let mut campaign_messages = Vec::new();
    for file in &folder.files {
        let source = match read_nested_within_limit(file)? {
            Ok(source) => source,
            Err(too_deep) => {
                syntax.push(too_deep);
                continue;
            }
        };
        let resource = match FluentResource::try_new(source) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                syntax.extend(
                    errors
                        .iter()
                        .map(|e| syntax_error(file, resource.source(), e)),
                );
                continue;
            }
        };
        parsed(file, &resource);
        campaign_messages.extend(resource.entries().filter_map(|entry| match entry {
            ast::Entry::Message(m) if m.attributes.iter().any(|a| a.id.name == "subject") => {
                Some(m.id.name.to_owned())
            }
            _ => None,
        }));
        if let Err(errors) = bundle.add_resource(resource) {
            let duplicate = errors
                .iter()
                .find_map(|e| match e {
                    FluentError::Overriding { id, .. } => Some(id.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            return Err(CatalogueError::Duplicate {
                path: file.clone(),
                locale: folder.name.clone(),
                id: duplicate,
            });
        }
    }
    campaign_messages.sort();
    Ok(LocaleBundle {
        id,
        bundle,
        campaign_messages,
    })
}

/// The entries of `dir`, sorted.
fn list(dir: &Path) -> Result<Vec<PathBuf>, CatalogueError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| CatalogueError::Io {
            path: dir.to_owned(),
            source,
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths)
}

/// A `.ftl` file's text, without the byte order mark some editors put first.
pub(crate) fn read_ftl(path: &Path) -> Result<String, CatalogueError> {
    let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(match text.strip_prefix(BOM) {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// A `.ftl` file's text, or the refusal of one nested too deep to parse
/// safely (see [`check_nesting`]): every parse of a file goes through here.
pub(crate) fn read_nested_within_limit(
    path: &Path,
) -> Result<Result<String, SyntaxError>, CatalogueError> {
    let text = read_ftl(path)?;
    Ok(check_nesting(path, &text).map(|()| text))
}

/// The last component of `path`, for messages.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Refuses a file whose placeables nest deeper than [`MAX_NESTING`], before
/// the parser recurses into them, naming where the limit is passed.
///
/// A cheap scan: `{` opens a level, `}` closes it; inside a placeable `(`
/// opens one too (call arguments recurse in the parser as well) and string
/// literals, which hold braces as text, are skipped to their closing quote or
/// the end of the line (they cannot span lines).
pub(crate) fn check_nesting(path: &Path, source: &str) -> Result<(), SyntaxError> {
    let mut open: Vec<char> = Vec::new();
    let mut chars = source.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' | '(' if c == '{' || !open.is_empty() => {
                open.push(c);
                if open.len() > MAX_NESTING {
                    let (line, column) = line_column(source, at);
                    return Err(SyntaxError {
                        path: path.to_owned(),
                        line,
                        column,
                        message: format!(
                            "placeables nested more than {MAX_NESTING} deep; willay refuses to parse deeper"
                        ),
                    });
                }
            }
            ')' if open.last() == Some(&'(') => {
                open.pop();
            }
            '}' => {
                // Closes the innermost placeable, and any parenthesis left open in it.
                while let Some(opened) = open.pop() {
                    if opened == '{' {
                        break;
                    }
                }
            }
            '"' if !open.is_empty() => {
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    match c {
                        '\n' => break,
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A parser error as a [`SyntaxError`]; shared with `locales check` so both say the same.
pub(crate) fn syntax_error(
    path: &Path,
    source: &str,
    error: &fluent_syntax::parser::ParserError,
) -> SyntaxError {
    let (line, column) = line_column(source, error.pos.start);
    let mut message = error.kind.to_string();
    // The parser often notices a problem only where the next entry begins;
    // name the entry that holds the mistake too.
    if let Some(slice) = &error.slice {
        let (entry_line, _) = line_column(source, slice.start);
        if entry_line != line {
            message.push_str(&format!(" (in the entry starting on line {entry_line})"));
        }
    }
    SyntaxError {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// 1-based line and character column of byte `offset` in `source`.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = "a = b\nñandú = { $x\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        // "ñandú = " is 8 characters but 10 bytes.
        assert_eq!(line_column(src, 16), (2, 9));
    }

    #[test]
    fn nesting_is_measured_outside_string_literals() {
        let deep = |n: usize| format!("a = {}x{}\n", "{".repeat(n), "}".repeat(n));
        let path = Path::new("t.ftl");
        for (source, refused_at) in [
            (deep(MAX_NESTING), None),
            (deep(MAX_NESTING + 1), Some((1, MAX_NESTING + 5))),
            // Braces in a string literal are text; so are parentheses outside placeables.
            (format!("a = {{ \"{}\" }}\n", "{".repeat(500)), None),
            (format!("a = {}\n", "(".repeat(500)), None),
            (
                format!("a = {{ {}$x }}\n", "F(".repeat(500)),
                Some((1, 2 * MAX_NESTING + 6)),
            ),
            // An escaped quote does not end the literal.
            (format!("a = {{ \"\\\"{}\" }}\n", "{".repeat(500)), None),
            // An unclosed literal ends with its line: the `}` below closes the placeable.
            (
                format!("a = {{ \"open\n  }}\n{}", deep(MAX_NESTING + 1)),
                Some((3, MAX_NESTING + 5)),
            ),
        ] {
            let found = check_nesting(path, &source)
                .err()
                .map(|e| (e.line, e.column));
            assert_eq!(found, refused_at, "{source:.40}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ftl");
        std::fs::write(&path, "\u{feff}hello = Hola\n").unwrap();
        assert_eq!(read_ftl(&path).unwrap(), "hello = Hola\n");
    }

    #[test]
    fn only_folders_with_ftl_files_named_by_language_codes_are_locales() {
        let dir = tempfile::tempdir().unwrap();
        for (folder, file) in [
            ("es", "a.ftl"),
            ("cni", "a.ftl"),
            ("es-PE", "a.ftl"),
            ("drafts", "a.ftl"),
            ("old files", "a.ftl"),
            ("images", "logo.png"),
            (".git", "a.ftl"),
        ] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            std::fs::write(dir.path().join(folder).join(file), "a = b\n").unwrap();
        }
        std::fs::create_dir_all(dir.path().join("ay")).unwrap();
        let found: Vec<(String, &str)> = locale_folders(dir.path())
            .unwrap()
            .iter()
            .map(|f| {
                let kind = match f.kind {
                    FolderName::Locale(_) => "locale",
                    FolderName::NotALanguageCode => "not a language code",
                    FolderName::NotATag => "not a tag",
                };
                (f.name.clone(), kind)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("cni".to_owned(), "locale"),
                ("drafts".to_owned(), "not a language code"),
                ("es".to_owned(), "locale"),
                ("es-PE".to_owned(), "locale"),
                ("old files".to_owned(), "not a tag"),
            ]
        );
    }
}
