//! Reading subscribers from CSV: every bad row is reported by line, every good
//! row is kept, and nothing is dropped without a word.
//!
//! Line numbers are counted here from the bytes, not taken from the csv crate:
//! its count is one too low after a `\r\n` line end (Excel's CSV) and after
//! blank lines, because a record's position is taken before the previous
//! line's end is consumed (BurntSushi/rust-csv#395).

mod decode;
mod header;
mod lines;
mod report;
#[cfg(test)]
mod tests;

use std::io::Read;

pub use crate::store::ImportRow;
pub use decode::Format;

use self::header::{Header, Shape, shape};
use self::lines::{Lines, Span};
use self::report::Report;

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
    /// What the file was: CSV (UTF-8 or Windows-1252) or an Excel workbook.
    pub format: Option<Format>,
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
    /// A file that starts like an Excel workbook but cannot be read as one.
    #[error("cannot read the Excel workbook: {0}")]
    Workbook(String),
    /// Reading failed below the CSV level.
    #[error("cannot read the CSV file: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads subscribers from a file with a header row: CSV in UTF-8 or
/// Windows-1252, or an Excel workbook's first sheet.
pub fn parse_csv(mut reader: impl Read) -> Result<ParsedCsv, ImportError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let (bytes, format, converted) = decode::to_csv(bytes)?;
    let mut parsed = parse_utf8_csv(&bytes)?;
    parsed.format = Some(format);
    parsed.warnings.splice(0..0, converted);
    Ok(parsed)
}

fn parse_utf8_csv(bytes: &[u8]) -> Result<ParsedCsv, ImportError> {
    let bytes = bytes.to_vec();
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
