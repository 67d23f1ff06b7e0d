//! What reading a file comes to: its rows and the notes about its lines, or
//! why the whole file is refused.

use crate::store::ImportRow;

/// What the file was, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV in UTF-8 (with or without a byte order mark).
    Utf8Csv,
    /// CSV in Windows-1252, decoded.
    Windows1252Csv,
    /// An Excel workbook (`.xlsx`), its first sheet.
    Xlsx,
}

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
