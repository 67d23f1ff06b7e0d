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
mod parsed;
mod report;
#[cfg(test)]
mod tests;

use std::io::Read;

pub use self::parsed::{COLUMNS, Format, ImportError, LineNote, MAX_COLUMNS, ParsedCsv};
pub use crate::store::ImportRow;

use self::header::{Header, Shape, shape};
use self::lines::{Lines, Span};
use self::report::Report;

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
