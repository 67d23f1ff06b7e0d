//! Reading subscribers from CSV: every bad row is reported by line, every good
//! row is kept, and nothing is dropped without a word.
//!
//! Line numbers are counted here from the bytes, not taken from the csv crate:
//! its count is one too low after a `\r\n` line end (Excel's CSV) and after
//! blank lines, because a record's position is taken before the previous
//! line's end is consumed (BurntSushi/rust-csv#395).

use std::collections::{HashMap, HashSet};
use std::io::Read;

pub use crate::store::ImportRow;

use crate::domain::{EmailAddress, LanguageTag, PersonName, Region};

/// The columns willay reads; `email` is required, the others optional.
pub const COLUMNS: [&str; 4] = ["email", "name", "language", "region"];

/// Most columns a file may have: willay reads four, and a spreadsheet export
/// with a few dozen more is still plausible; a million is an attack.
pub const MAX_COLUMNS: usize = 64;

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
    /// A column the file lacks is `None` in every row, so importing it keeps
    /// what is stored.
    pub subscribers: Vec<ImportRow>,
    /// Rows that were not imported, with why.
    pub rejected: Vec<LineNote>,
    /// Rows imported with a caveat (unknown language, repeated address), and
    /// header columns willay does not read.
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
    /// More columns than any address book has.
    #[error("the header has {found} columns; at most {MAX_COLUMNS} are allowed ({} are read)", COLUMNS.join(", "))]
    TooManyColumns {
        /// How many the header names.
        found: usize,
    },
    /// A column named twice: which one holds the value would be a guess.
    #[error("the header names the `{column}` column twice; keep one")]
    RepeatedColumn {
        /// The column.
        column: String,
    },
    /// Reading failed below the CSV level.
    #[error("cannot read the CSV file: {0}")]
    Io(#[from] std::io::Error),
}

/// Where each line of the file starts, to turn byte offsets into line numbers.
///
/// A line ends at `\n`, `\r\n` or a lone `\r` (the csv crate accepts all three).
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        for (i, byte) in bytes.iter().enumerate() {
            let ends_line = match byte {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                starts.push(i + 1);
            }
        }
        Self { starts }
    }

    /// The 1-based line holding byte `offset`.
    fn of(&self, offset: usize) -> u64 {
        self.starts.partition_point(|&start| start <= offset) as u64
    }
}

/// The bytes of one record as the file has them, to say where it starts and
/// ends and whether a quote in it is left open.
struct Span<'a> {
    text: &'a [u8],
    /// Offset of `text` in the file.
    start: usize,
}

impl<'a> Span<'a> {
    /// The record that the reader consumed between byte `from` and byte `to`,
    /// without the line ends before it (the reader's start position is often
    /// still on the previous line, or on blank lines it skipped).
    fn new(bytes: &'a [u8], from: usize, to: usize) -> Self {
        let to = to.min(bytes.len());
        let skip = bytes[from.min(to)..to]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = from + skip;
        Self {
            text: &bytes[start.min(to)..to],
            start,
        }
    }

    /// The record's last byte before its line end.
    fn end(&self) -> usize {
        let content = self
            .text
            .iter()
            .rposition(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(0);
        self.start + content
    }

    /// Where a quoted field opens and never closes, if one does: the csv crate
    /// then reads everything up to the end of the file as that one field.
    ///
    /// Follows csv-core: a quote is special only at the start of a field; `""`
    /// inside quotes is a literal quote.
    fn unclosed_quote(&self) -> Option<usize> {
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let mut state = State::FieldStart;
        let mut opened = 0;
        for (i, byte) in self.text.iter().enumerate() {
            state = match (state, *byte) {
                (State::FieldStart, b'"') => {
                    opened = i;
                    State::Quoted
                }
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (_, b',' | b'\r' | b'\n') => State::FieldStart,
                (_, _) => State::Unquoted,
            };
        }
        (state == State::Quoted).then_some(self.start + opened)
    }
}

/// Reads subscribers from CSV with a header row.
pub fn parse_csv(mut reader: impl Read) -> Result<ParsedCsv, ImportError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let lines = Lines::new(&bytes);
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut report = Report::default();
    let header = Header::read(&mut csv, &bytes, &lines, &mut report.parsed.warnings)?;
    let mut record = csv::StringRecord::new();
    loop {
        let from = csv.position().byte() as usize;
        let read = csv.read_record(&mut record);
        let span = Span::new(&bytes, from, csv.position().byte() as usize);
        let line = lines.of(span.start);
        match read {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                report.reject(line, unreadable(&error));
                continue;
            }
        }
        match shape(&span, &record, &lines, header.width, line) {
            Shape::Row => {}
            Shape::Blank => continue,
            Shape::Rejected(note) => {
                report.parsed.rejected.push(note);
                continue;
            }
        }
        match header.row(&record, line, &mut report.parsed.warnings) {
            Ok(person) => report.keep(person, line),
            Err(message) => report.reject(line, message),
        }
    }
    Ok(report.parsed)
}

/// Why a record the csv crate could not read is rejected.
fn unreadable(error: &csv::Error) -> String {
    // With flexible rows, the only error left is text that is not UTF-8.
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the row is not UTF-8 text; save the file as \"CSV UTF-8\"".to_owned()
        }
        _ => format!("unreadable row: {error}"),
    }
}

/// The header row: where each column willay reads is, and how wide rows are.
struct Header {
    email_at: usize,
    name_at: Option<usize>,
    language_at: Option<usize>,
    region_at: Option<usize>,
    width: usize,
}

impl Header {
    /// Reads the header row; columns willay does not read become `warnings`.
    fn read(
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
    fn row(
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
enum Shape {
    Row,
    /// Every field empty: skipped without a word.
    Blank,
    Rejected(LineNote),
}

/// Sorts out records that are not a row of `width` fields: a quote left
/// open (it swallows the rest of the file), a blank row, a wrong width.
fn shape(
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

/// What the rows came to, with each address's row and first line.
#[derive(Default)]
struct Report {
    parsed: ParsedCsv,
    seen: HashMap<String, (usize, u64)>,
}

impl Report {
    fn reject(&mut self, line: u64, message: String) {
        self.parsed.rejected.push(LineNote { line, message });
    }

    /// Keeps `person`, read on `line`; a repeated address keeps its later row.
    fn keep(&mut self, person: ImportRow, line: u64) {
        match self.seen.get(&person.email.key()) {
            Some(&(index, first_line)) => {
                self.parsed.warnings.push(LineNote {
                    line,
                    message: format!(
                        "repeats the address on line {first_line}; this later row is kept"
                    ),
                });
                self.parsed.subscribers[index] = person;
            }
            None => {
                self.seen
                    .insert(person.email.key(), (self.parsed.subscribers.len(), line));
                self.parsed.subscribers.push(person);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(notes: &[LineNote]) -> Vec<u64> {
        notes.iter().map(|n| n.line).collect()
    }

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
        assert_eq!(lines_of(&parsed.rejected), [3, 4, 5]);
        assert!(parsed.rejected[0].message.contains("maria.quispe@"));
        assert_eq!(parsed.rejected[1].message, "no email address");
        assert_eq!(parsed.rejected[2].message, "expected 4 fields, found 5");
        assert_eq!(parsed.subscribers.len(), 2);
        assert_eq!(parsed.subscribers[0].name.as_deref(), Some("Rosa Q."));
        assert_eq!(parsed.subscribers[0].language.as_deref(), Some("quy"));
        assert_eq!(lines_of(&parsed.warnings), [6, 7]);
        assert_eq!(
            parsed.warnings[0].message,
            "repeats the address on line 2; this later row is kept"
        );
    }

    /// The same rows with every kind of line end, with and without a final
    /// one, with a byte order mark and with blank lines: the same line numbers.
    #[test]
    fn line_numbers_are_right_for_lf_crlf_cr_and_a_last_line_without_an_end() {
        let rows = [
            "email,name,language,region",
            "rosa@example.org,Rosa,quz-PE,Cusco",
            "bad@,B,es,Lima",
            "",
            "rosa@example.org,Rosa Q.,quz-PE,Cusco",
            "ana@example.org,Ana,es,Ica,extra",
        ];
        for end in ["\n", "\r\n", "\r"] {
            for (bom, last) in [("", end), ("\u{feff}", ""), ("", "")] {
                let csv = format!("{bom}{}{last}", rows.join(end));
                let parsed = parse_csv(csv.as_bytes()).unwrap();
                let case = format!("{end:?} bom {bom:?} last {last:?}");
                assert_eq!(lines_of(&parsed.rejected), [3, 6], "{case}");
                assert_eq!(
                    parsed.rejected[1].message, "expected 4 fields, found 5",
                    "{case}"
                );
                assert_eq!(lines_of(&parsed.warnings), [5], "{case}");
                assert_eq!(
                    parsed.warnings[0].message,
                    "repeats the address on line 2; this later row is kept",
                    "{case}"
                );
                assert_eq!(parsed.subscribers.len(), 1, "{case}");
            }
        }
    }

    #[test]
    fn an_unclosed_quote_names_the_lines_it_swallowed() {
        for end in ["\n", "\r\n"] {
            let csv = [
                "email,name,language,region",
                "rosa@example.org,Rosa,quz-PE,Cusco",
                "\"unterminated,x,es,Lima",
                "good@example.org,Good,es,Lima",
                "more@example.org,More,es,Ica",
                "",
            ]
            .join(end);
            let parsed = parse_csv(csv.as_bytes()).unwrap();
            let rejected: Vec<String> = parsed.rejected.iter().map(ToString::to_string).collect();
            assert_eq!(
                rejected,
                [
                    "line 3: a quote (\") opened on line 3 is never closed, so lines 3–5 were read \
                  as one field and not imported; close or remove the quote and import the file again"
                ],
                "{end:?}"
            );
            assert_eq!(parsed.subscribers.len(), 1);
        }
        // In the last column the row has the right number of fields: still refused.
        let csv = "email,name,language,region\nrosa@example.org,Rosa,qu,\"Cusco\nana@example.org,Ana,es,Ica";
        let parsed = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(lines_of(&parsed.rejected), [2]);
        assert!(
            parsed.rejected[0].message.contains("lines 2–3"),
            "{:?}",
            parsed.rejected
        );
        assert!(parsed.subscribers.is_empty());
    }

    #[test]
    fn quotes_that_close_and_quotes_inside_fields_are_fine() {
        let csv = "email,name,language,region\n\
                   rosa@example.org,\"Quispe, Rosa \"\"Rosita\"\"\",qu,Cusco\n\
                   ana@example.org,Ana \"La Flaca\" Torres,es,Ica\n\
                   luz@example.org,\"Luz\nMaría\",es,Lima,extra\n";
        let parsed = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(parsed.subscribers.len(), 2);
        assert_eq!(
            parsed.subscribers[0].name.as_deref(),
            Some("Quispe, Rosa \"Rosita\"")
        );
        assert_eq!(
            parsed.subscribers[1].name.as_deref(),
            Some("Ana \"La Flaca\" Torres")
        );
        let rejected: Vec<String> = parsed.rejected.iter().map(ToString::to_string).collect();
        assert_eq!(
            rejected,
            [
                "line 4: expected 4 fields, found 5 (a quoted field with a line break makes this row run to line 5)"
            ]
        );
    }

    #[test]
    fn only_the_columns_in_the_file_are_read() {
        let parsed = parse_csv("Name,EMAIL\nRosa Q,rosa@example.org\n".as_bytes()).unwrap();
        let rosa = &parsed.subscribers[0];
        assert_eq!(rosa.email.as_str(), "rosa@example.org");
        assert_eq!(rosa.name.as_deref(), Some("Rosa Q"));
        assert_eq!((rosa.language.as_ref(), rosa.region.as_ref()), (None, None));
        assert!(parsed.warnings.is_empty());
        assert!(parsed.rejected.is_empty());
    }

    #[test]
    fn unknown_and_repeated_columns_are_reported() {
        let parsed =
            parse_csv("email,nombre,language,\na@example.org,Ana,es,x\n".as_bytes()).unwrap();
        let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "line 1: column `nombre` is not one willay reads (email, name, language, region), so its values are ignored",
                "line 1: column 4 has no name (email, name, language, region), so its values are ignored",
            ]
        );
        assert_eq!(parsed.subscribers[0].name, None);
        let err = parse_csv("email,name,Email\na,b,c\n".as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the header names the `email` column twice; keep one"
        );
    }

    /// A header is checked in one pass, and past 64 columns refused at once:
    /// a million columns took over a minute of comparing each with all before.
    #[test]
    fn a_header_of_more_than_64_columns_is_refused() {
        let header = |n: usize| {
            let mut names = vec!["email".to_owned()];
            names.extend((1..n).map(|i| format!("c{i}")));
            format!("{}\na@example.org\n", names.join(","))
        };
        for (columns, refused) in [(4, false), (64, false), (65, true), (1_000_000, true)] {
            let result = parse_csv(header(columns).as_bytes());
            match result {
                Err(ImportError::TooManyColumns { found }) => {
                    assert!(refused, "{columns}");
                    assert_eq!(found, columns);
                }
                Ok(parsed) => {
                    assert!(!refused, "{columns}");
                    assert_eq!(parsed.warnings.len(), columns - 1);
                }
                Err(other) => panic!("{columns}: {other}"),
            }
        }
        let err = parse_csv(header(65).as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the header has 65 columns; at most 64 are allowed (email, name, language, region are read)"
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_reported_on_its_line() {
        let mut csv =
            b"email,name,language,region\r\nrosa@example.org,Rosa,qu,Cusco\r\nana@example.org,"
                .to_vec();
        csv.extend_from_slice(b"Mar\xeda,es,Ica\r\nluz@example.org,Luz,es,Lima\r\n");
        let parsed = parse_csv(csv.as_slice()).unwrap();
        let rejected: Vec<String> = parsed.rejected.iter().map(ToString::to_string).collect();
        assert_eq!(
            rejected,
            ["line 3: the row is not UTF-8 text; save the file as \"CSV UTF-8\""]
        );
        assert_eq!(parsed.subscribers.len(), 2);
    }

    #[test]
    fn refuses_a_file_without_an_email_column() {
        let err = parse_csv("correo,nombre\na@b.org,Ana\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("found `correo,nombre`"), "{err}");
    }
}
