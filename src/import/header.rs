//! The header row and the shape of each record: which columns willay reads,
//! and which records are rows of the header's width.

use std::collections::HashSet;

use super::lines::{Lines, Span};
use super::parsed::{COLUMNS, ImportError, LineNote, MAX_COLUMNS};
use crate::domain::{EmailAddress, LanguageTag, PersonName, Region};
use crate::store::ImportRow;

/// The header row: where each column willay reads is, and how wide rows are.
pub(super) struct Header {
    email_at: usize,
    name_at: Option<usize>,
    language_at: Option<usize>,
    region_at: Option<usize>,
    pub(super) width: usize,
}

impl Header {
    /// Reads the header row; columns willay does not read become `warnings`.
    pub(super) fn read(
        csv: &mut csv::Reader<&[u8]>,
        bytes: &[u8],
        lines: &Lines,
        warnings: &mut Vec<LineNote>,
    ) -> Result<Self, ImportError> {
        let header_error = |found: String| ImportError::Header { found };
        let headers = csv.headers().map_err(|e| header_error(e.to_string()))?;
        if headers.len() > MAX_COLUMNS {
            return Err(ImportError::TooManyColumns {
                found: headers.len(),
            });
        }
        let header_line = lines.of(Span::new(bytes, 0, bytes.len()).start);
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let column = |name: &str| names.iter().position(|h| h == name);
        let email_at = column("email")
            .ok_or_else(|| header_error(headers.iter().collect::<Vec<_>>().join(",")))?;
        let mut named = HashSet::new();
        for (i, name) in names.iter().enumerate() {
            if !named.insert(name) {
                return Err(ImportError::RepeatedColumn {
                    column: name.clone(),
                });
            }
            if !COLUMNS.contains(&name.as_str()) {
                let what = if name.is_empty() {
                    format!("column {} has no name", i + 1)
                } else {
                    format!("column `{name}` is not one willay reads")
                };
                warnings.push(LineNote {
                    line: header_line,
                    message: format!("{what} ({}), so its values are ignored", COLUMNS.join(", ")),
                });
            }
        }
        Ok(Self {
            email_at,
            name_at: column("name"),
            language_at: column("language"),
            region_at: column("region"),
            width: headers.len(),
        })
    }

    /// The person on a well-shaped row at `line`, or why the row is rejected;
    /// a language that is no tag is kept with a warning.
    pub(super) fn row(
        &self,
        record: &csv::StringRecord,
        line: u64,
        warnings: &mut Vec<LineNote>,
    ) -> Result<ImportRow, String> {
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).map(str::to_owned);
        let email = EmailAddress::parse(&field(Some(self.email_at)).unwrap_or_default()).map_err(
            |error| {
                if error.input.trim().is_empty() {
                    "no email address".into()
                } else {
                    error.to_string()
                }
            },
        )?;
        let profile = field(self.name_at)
            .map(|raw| PersonName::parse(&raw))
            .transpose()
            .and_then(|name| {
                let region = field(self.region_at)
                    .map(|raw| Region::parse(&raw))
                    .transpose()?;
                Ok((name, region))
            });
        let (name, region) =
            profile.map_err(|error| format!("{error}; shorten it and import the file again"))?;
        let language = field(self.language_at).map(|raw| match LanguageTag::parse(&raw) {
            Some(tag) => tag.to_string(),
            None => {
                if !raw.is_empty() {
                    warnings.push(LineNote {
                        line,
                        message: format!(
                            "language `{raw}` is not a language tag; this person will get the reference language"
                        ),
                    });
                }
                raw
            }
        });
        Ok(ImportRow {
            email,
            name,
            language,
            region,
        })
    }
}

/// Whether a record read is a row to parse.
pub(super) enum Shape {
    Row,
    /// Every field empty: skipped without a word.
    Blank,
    Rejected(LineNote),
}

/// Sorts out records that are not a row of `width` fields: a quote left
/// open (it swallows the rest of the file), a blank row, a wrong width.
pub(super) fn shape(
    span: &Span<'_>,
    record: &csv::StringRecord,
    lines: &Lines,
    width: usize,
    line: u64,
) -> Shape {
    if let Some(opened) = span.unclosed_quote() {
        let (opened, last) = (lines.of(opened), lines.of(span.end()));
        let swallowed = if last > opened {
            format!("lines {opened}–{last} were read as one field and not imported")
        } else {
            "the row was not imported".to_owned()
        };
        return Shape::Rejected(LineNote {
            line: opened,
            message: format!(
                "a quote (\") opened on line {opened} is never closed, so {swallowed}; \
                 close or remove the quote and import the file again"
            ),
        });
    }
    if record.iter().all(str::is_empty) {
        return Shape::Blank;
    }
    if record.len() != width {
        let last = lines.of(span.end());
        let spread = if last > line {
            format!(" (a quoted field with a line break makes this row run to line {last})")
        } else {
            String::new()
        };
        return Shape::Rejected(LineNote {
            line,
            message: format!("expected {width} fields, found {}{spread}", record.len()),
        });
    }
    Shape::Row
}
