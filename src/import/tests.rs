//! Reading CSV files as people export them from spreadsheets.

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
                parsed.warnings[0].message, "repeats the address on line 2; this later row is kept",
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
    let csv =
        "email,name,language,region\nrosa@example.org,Rosa,qu,\"Cusco\nana@example.org,Ana,es,Ica";
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
    let parsed = parse_csv("email,nombre,language,\na@example.org,Ana,es,x\n".as_bytes()).unwrap();
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

/// What Excel on Windows saves as "CSV" is Windows-1252: read whole, with a
/// word to check the accents (it used to refuse every row with one).
#[test]
fn a_windows_1252_file_is_decoded_not_refused() {
    let mut csv =
        b"email,name,language,region\r\nrosa@example.org,Rosa,qu,Cusco\r\nana@example.org,"
            .to_vec();
    csv.extend_from_slice(b"Mar\xeda,es,Ica\r\nluz@example.org,Luz,es,Lima\r\n");
    let parsed = parse_csv(csv.as_slice()).unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.format, Some(Format::Windows1252Csv));
    let names: Vec<Option<&str>> = parsed
        .subscribers
        .iter()
        .map(|p| p.name.as_deref())
        .collect();
    assert_eq!(names, [Some("Rosa"), Some("María"), Some("Luz")]);
    assert_eq!(parsed.warnings[0].line, 1);
    assert!(parsed.warnings[0].message.contains("Windows-1252"));
}

#[test]
fn refuses_a_file_without_an_email_column() {
    let err = parse_csv("correo,nombre\na@b.org,Ana\n".as_bytes()).unwrap_err();
    assert!(err.to_string().contains("found `correo,nombre`"), "{err}");
}
