//! Reading subscribers from CSV: every bad row is reported by line, every good
//! row is kept.

use std::collections::HashMap;
use std::io::Read;

use crate::domain::{EmailAddress, LanguageTag};
use crate::store::NewSubscriber;

/// The columns willay reads; `email` is required, the others optional.
pub const COLUMNS: [&str; 4] = ["email", "name", "language", "region"];

/// A problem with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineNote {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// What is wrong, in words a campaign manager understands.
    pub message: String,
}

impl std::fmt::Display for LineNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The outcome of reading a CSV file.
#[derive(Debug, Default)]
pub struct ParsedCsv {
    /// Valid rows, one per address (a repeated address keeps its last row).
    pub subscribers: Vec<NewSubscriber>,
    /// Rows that were not imported, with why.
    pub rejected: Vec<LineNote>,
    /// Rows imported with a caveat (unknown language, repeated address).
    pub warnings: Vec<LineNote>,
}

/// The file as a whole cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No usable header row.
    #[error("the first line must be a header naming the columns ({}); found `{found}`", COLUMNS.join(","))]
    Header {
        /// What the first line held.
        found: String,
    },
    /// Reading failed below the CSV level.
    #[error("cannot read the CSV file: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads subscribers from CSV with a header row.
pub fn parse_csv(reader: impl Read) -> Result<ParsedCsv, ImportError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header_error = |found: String| ImportError::Header { found };
    let headers = csv
        .headers()
        .map_err(|e| header_error(e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let email_at = column("email")
        .ok_or_else(|| header_error(headers.iter().collect::<Vec<_>>().join(",")))?;
    let (name_at, language_at, region_at) = (column("name"), column("language"), column("region"));
    let width = headers.len();

    let mut parsed = ParsedCsv::default();
    let mut seen: HashMap<String, (usize, u64)> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(line, |p| p.line());
                parsed.rejected.push(LineNote {
                    line,
                    message: format!("unreadable row: {error}"),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != width {
            parsed.rejected.push(LineNote {
                line,
                message: format!("expected {width} fields, found {}", record.len()),
            });
            continue;
        }
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or_default();
        let email = match EmailAddress::parse(field(Some(email_at))) {
            Ok(email) => email,
            Err(error) => {
                parsed.rejected.push(LineNote {
                    line,
                    message: if error.input.trim().is_empty() {
                        "no email address".into()
                    } else {
                        error.to_string()
                    },
                });
                continue;
            }
        };
        let raw_language = field(language_at);
        let language = match LanguageTag::parse(raw_language) {
            Some(tag) => tag.to_string(),
            None => {
                if !raw_language.is_empty() {
                    parsed.warnings.push(LineNote {
                        line,
                        message: format!(
                            "language `{raw_language}` is not a language tag; this person will get the reference language"
                        ),
                    });
                }
                raw_language.to_owned()
            }
        };
        let person = NewSubscriber {
            email,
            name: field(name_at).to_owned(),
            language,
            region: field(region_at).to_owned(),
        };
        match seen.get(&person.email.key()) {
            Some(&(index, first_line)) => {
                parsed.warnings.push(LineNote {
                    line,
                    message: format!(
                        "repeats the address on line {first_line}; this later row is kept"
                    ),
                });
                parsed.subscribers[index] = person;
            }
            None => {
                seen.insert(person.email.key(), (parsed.subscribers.len(), line));
                parsed.subscribers.push(person);
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_bad_rows_by_line_and_keeps_the_rest() {
        let csv = "email,name,language,region\n\
                   rosa@example.org,Rosa,quz-PE,Cusco\n\
                   maria.quispe@,María,es,Lima\n\
                   ,Nadie,es,Ica\n\
                   ana@example.org,Ana,es,Ica,extra\n\
                   Rosa@Example.org,Rosa Q.,quy,Ayacucho\n\
                   luz@example.org,,xx!!,Lima\n";
        let parsed = parse_csv(csv.as_bytes()).unwrap();
        let lines: Vec<u64> = parsed.rejected.iter().map(|n| n.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(parsed.rejected[0].message.contains("maria.quispe@"));
        assert_eq!(parsed.rejected[1].message, "no email address");
        assert_eq!(parsed.rejected[2].message, "expected 4 fields, found 5");
        assert_eq!(parsed.subscribers.len(), 2);
        assert_eq!(parsed.subscribers[0].name, "Rosa Q.");
        assert_eq!(parsed.subscribers[0].language, "quy");
        let warned: Vec<u64> = parsed.warnings.iter().map(|n| n.line).collect();
        assert_eq!(warned, [6, 7]);
    }

    #[test]
    fn refuses_a_file_without_an_email_column() {
        let err = parse_csv("correo,nombre\na@b.org,Ana\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("found `correo,nombre`"), "{err}");
    }
}
