//! What the rows came to: kept people, rejected lines, and repeated addresses.

use std::collections::HashMap;

use super::parsed::{LineNote, ParsedCsv};
use crate::store::ImportRow;

/// What the rows came to, with each address's row and first line.
#[derive(Default)]
pub(super) struct Report {
    pub(super) parsed: ParsedCsv,
    seen: HashMap<String, (usize, u64)>,
}

impl Report {
    pub(super) fn reject(&mut self, line: u64, message: String) {
        self.parsed.rejected.push(LineNote { line, message });
    }

    /// Keeps `person`, read on `line`; a repeated address keeps its later row.
    pub(super) fn keep(&mut self, person: ImportRow, line: u64) {
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
