//! Files as staff bring them, turned into the UTF-8 CSV the reader expects:
//! an Excel workbook (its first sheet, each row a line, so line numbers are
//! the sheet's row numbers), or a CSV that Excel on Windows saved in
//! Windows-1252 (the bytes are not UTF-8: every character is decoded, none lost).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::parsed::{Format, ImportError, LineNote};

/// The start of every `.xlsx` (a zip archive).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The file's rows as UTF-8 CSV, what it was, and a note when it was converted.
pub(super) fn to_csv(bytes: Vec<u8>) -> Result<(Vec<u8>, Format, Option<LineNote>), ImportError> {
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok((workbook(bytes)?, Format::Xlsx, None));
    }
    if std::str::from_utf8(&bytes).is_ok() {
        return Ok((bytes, Format::Utf8Csv, None));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let note = LineNote {
        line: 1,
        message: "the file is not UTF-8; it was read as Windows-1252 (what Excel on Windows \
                  saves as CSV): check that names with accents look right"
            .into(),
    };
    Ok((
        text.into_owned().into_bytes(),
        Format::Windows1252Csv,
        Some(note),
    ))
}

fn workbook(bytes: Vec<u8>) -> Result<Vec<u8>, ImportError> {
    let unreadable = |e: &dyn std::fmt::Display| ImportError::Workbook(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Workbook("it has no sheet".into()))?
        .map_err(|e| unreadable(&e))?;
    let mut out = csv::Writer::from_writer(Vec::new());
    // Rows above the first used one are blank lines, so line N is row N.
    let (first_row, _) = sheet.start().unwrap_or((0, 0));
    for _ in 0..first_row {
        out.write_record([""]).map_err(|e| unreadable(&e))?;
    }
    for row in sheet.rows() {
        let cells: Vec<String> = row.iter().map(cell).collect();
        out.write_record(&cells).map_err(|e| unreadable(&e))?;
    }
    out.into_inner().map_err(|e| unreadable(&e))
}

/// A cell as the text a person typed; a whole number without `.0`.
fn cell(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_file_becomes_utf8_csv() {
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
        let cp1252 = std::fs::read(fixtures.join("personas-windows-1252.csv")).unwrap();
        let (csv, format, note) = to_csv(cp1252).unwrap();
        assert_eq!(format, Format::Windows1252Csv);
        assert!(
            String::from_utf8(csv)
                .unwrap()
                .contains("María Ñahui,es-PE,Áncash")
        );
        assert!(note.unwrap().message.contains("Windows-1252"));

        let xlsx = std::fs::read(fixtures.join("personas.xlsx")).unwrap();
        let (csv, format, note) = to_csv(xlsx).unwrap();
        assert_eq!(format, Format::Xlsx);
        assert!(note.is_none());
        let text = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "email,name,language,region");
        assert_eq!(lines[3], "juana@example.org,Juana Huamán,quy,Huancavelica");

        let utf8 = "email\nana@example.org\n".as_bytes().to_vec();
        assert_eq!(to_csv(utf8.clone()).unwrap(), (utf8, Format::Utf8Csv, None));
        let broken = [ZIP_MAGIC, b"not a workbook"].concat();
        assert!(matches!(to_csv(broken), Err(ImportError::Workbook(_))));
    }
}
