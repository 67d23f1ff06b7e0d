//! Byte positions in the file: where lines start, and where a record's bytes
//! run, so line numbers are counted from the bytes themselves.

/// Where each line of the file starts, to turn byte offsets into line numbers.
///
/// A line ends at `\n`, `\r\n` or a lone `\r` (the csv crate accepts all three).
pub(super) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(super) fn new(bytes: &[u8]) -> Self {
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
    pub(super) fn of(&self, offset: usize) -> u64 {
        self.starts.partition_point(|&start| start <= offset) as u64
    }
}

/// The bytes of one record as the file has them, to say where it starts and
/// ends and whether a quote in it is left open.
pub(super) struct Span<'a> {
    text: &'a [u8],
    /// Offset of `text` in the file.
    pub(super) start: usize,
}

impl<'a> Span<'a> {
    /// The record that the reader consumed between byte `from` and byte `to`,
    /// without the line ends before it (the reader's start position is often
    /// still on the previous line, or on blank lines it skipped).
    pub(super) fn new(bytes: &'a [u8], from: usize, to: usize) -> Self {
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
    pub(super) fn end(&self) -> usize {
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
    pub(super) fn unclosed_quote(&self) -> Option<usize> {
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
