//! Hostile inputs: files built to break the reader, the splitter, the validator and the batch
//! job. Every case asserts the exact findings (code, line, field) it must give — never only
//! "no panic" — and none may be an `Err` (a bad file is a report, DESIGN.md Conventions 2).
//! Codes are those of `cms rules` (cms-core/data/rules.json).
//!
//! Cases where the behaviour looked wrong against DOMAIN.md / DESIGN.md are written for the
//! right behaviour and marked `#[ignore = "bug: ..."]`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a panic is how a test fails"
)]

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use chrono::NaiveDate;
use cms_core::batch::{process_bytes, process_path, BatchOptions, BatchOutput};
use cms_core::crn::{CrnGenerator, CrnScheme};
use cms_core::format::{validate, validate_bytes, ValidateOptions};
use cms_core::{Error, OrgType, Organisation, Report, RuleSet, Scope, Severity};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const NAME: &str = "SHP00042.CMQ";
const HEADER: &[u8] = b"\"A00\",1234,\"CMQ\",20261202,093000,42";
/// A clean CDQ contact (MPRN 1234567810 passes its check digits).
const C1: &[u8] = b"\"C01\",\"R1\",\"CDQ\",1234567810,,,20261101,,,,\"d\"";
/// A second clean CDQ contact.
const C2: &[u8] = b"\"C01\",\"R2\",\"CDQ\",9876543209,,,20261101,,,,\"d\"";
const NOTE: &[u8] = b"\"C02\",\"note\"";
const ADDRESS: &[u8] = b"\"C03\",1,,\"High Street\",\"Leeds\",\"LS1\",\"6BT\"";

fn rules() -> Arc<RuleSet> {
    RuleSet::embedded().unwrap()
}

fn trailer(n: u64) -> Vec<u8> {
    format!("\"Z99\",{n}").into_bytes()
}

/// Lines joined with LF, the last one terminated too.
fn file(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// A header, the given body lines and a trailer whose count is right.
fn upload(body: &[&[u8]]) -> Vec<u8> {
    let z = trailer(body.len() as u64);
    let mut lines = vec![HEADER];
    lines.extend_from_slice(body);
    lines.push(&z);
    file(&lines)
}

/// The clean C01 with field `index` (1-based) replaced by `value` (raw bytes, quotes included).
fn c01_with(index: usize, value: &[u8]) -> Vec<u8> {
    let mut fields: Vec<Vec<u8>> = C1.split(|b| *b == b',').map(<[u8]>::to_vec).collect();
    assert_eq!(fields.len(), 11);
    fields[index - 1] = value.to_vec();
    fields.join(&b","[..])
}

fn validate_with(bytes: &[u8], name: Option<&str>, opts: &ValidateOptions) -> Report {
    match validate_bytes(&rules(), bytes, name, opts) {
        Ok(r) => r,
        Err(e) => panic!("bad content must give findings, not an error: {e}"),
    }
}

fn check(bytes: &[u8]) -> Report {
    validate_with(bytes, Some(NAME), &ValidateOptions::default())
}

fn shipper() -> Organisation {
    Organisation {
        id: 1234,
        org_type: OrgType::Shipper,
    }
}

type Want<'a> = (&'a str, Option<u64>, Option<&'a str>);
/// A finding as (code, line, field).
type Row = (String, Option<u64>, Option<String>);

/// (code, line, field) of every listed finding, in report order.
fn got(r: &Report) -> Vec<Row> {
    r.findings()
        .iter()
        .map(|f| {
            (
                r.code(f).to_string(),
                f.line,
                f.field.as_deref().map(str::to_string),
            )
        })
        .collect()
}

/// The report lists exactly these findings, in this order.
#[track_caller]
fn expect(r: &Report, want: &[Want<'_>]) {
    let want: Vec<Row> = want
        .iter()
        .map(|(c, l, f)| ((*c).to_string(), *l, f.map(str::to_string)))
        .collect();
    let messages: Vec<String> = r.findings().iter().map(|f| r.message(f)).collect();
    assert_eq!(got(r), want, "messages: {messages:#?}");
    let errors = r
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count() as u64;
    assert_eq!(
        r.errors, errors,
        "every error is listed (no cap reached here)"
    );
    assert_eq!(r.accepted(), errors == 0);
}

/// The one finding with this code.
#[track_caller]
fn the<'r>(r: &'r Report, code: &str) -> &'r cms_core::Finding {
    let all: Vec<_> = r.findings().iter().filter(|f| r.code(f) == code).collect();
    assert_eq!(all.len(), 1, "one {code} in {:?}", got(r));
    all[0]
}

/// The byte offset of the first occurrence of `needle` in `hay`.
fn offset_of(hay: &[u8], needle: &[u8]) -> u64 {
    hay.windows(needle.len()).position(|w| w == needle).unwrap() as u64
}

// ---------------------------------------------------------------------------------------------
// Framing: empty files, header, trailer
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_file_is_one_file_level_finding() {
    let r = check(b"");
    expect(&r, &[("FIL00001", None, None)]);
    assert_eq!(r.findings()[0].scope, Scope::File);
    assert_eq!(r.records, 0);
}

#[test]
fn only_blank_lines_is_an_empty_file_with_a_warning_per_line() {
    let r = check(b"\n\n  \n\t\r\n");
    expect(
        &r,
        &[
            ("FIL00001", None, None),
            ("FIL00019", Some(1), None),
            ("FIL00019", Some(2), None),
            ("FIL00019", Some(3), None),
            ("FIL00019", Some(4), None),
        ],
    );
    assert_eq!(r.records, 0);
}

#[test]
fn only_a_header() {
    let r = check(&file(&[HEADER]));
    // No C01 (mandatory) and no trailer; the missing trailer is reported at the last line.
    expect(&r, &[("FIL00018", None, None), ("FIL00003", Some(1), None)]);
    assert!(r.findings().iter().all(|f| f.scope == Scope::File));
}

#[test]
fn no_trailer() {
    let r = check(&file(&[HEADER, C1, NOTE]));
    expect(&r, &[("FIL00003", Some(3), None)]);
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn two_headers() {
    let r = check(&file(&[HEADER, C1, HEADER, &trailer(1)]));
    expect(&r, &[("FIL00004", Some(3), None)]);
    let f = the(&r, "FIL00004");
    assert_eq!(f.scope, Scope::File);
    assert_eq!(f.record_type.as_deref(), Some("A00"));
    assert_eq!(f.param("first_line"), Some("1"));
}

#[test]
fn records_after_the_trailer() {
    let r = check(&file(&[HEADER, C1, &trailer(1), C2, NOTE]));
    expect(
        &r,
        &[("FIL00005", Some(4), None), ("FIL00005", Some(5), None)],
    );
    assert_eq!(r.findings()[0].param("trailer_line"), Some("3"));
}

#[test]
fn a_second_trailer_is_a_record_after_the_trailer() {
    let r = check(&file(&[HEADER, C1, &trailer(1), &trailer(1)]));
    expect(&r, &[("FIL00005", Some(4), None)]);
}

#[test]
fn trailer_count_wrong_is_file_level_and_names_the_field() {
    let bytes = file(&[HEADER, C1, NOTE, &trailer(5)]);
    let r = check(&bytes);
    expect(&r, &[("FIL00006", Some(4), Some("RECORD_COUNT"))]);
    let f = &r.findings()[0];
    assert_eq!(f.scope, Scope::File);
    assert_eq!(f.field_index, Some(2));
    assert_eq!(
        (f.param("declared"), f.param("found")),
        (Some("5"), Some("2"))
    );
    assert_eq!(f.offset, Some(offset_of(&bytes, b"\"Z99\",5") + 6));
}

#[test]
fn trailer_count_not_numeric_negative_decimal_or_empty() {
    for (count, code) in [
        (&b"abc"[..], "FLD00003"),
        (b"-1", "FLD00006"),
        (b"1.0", "FLD00005"),
        (b"", "FLD00001"),
        (b"\xff", "FLD00003"),
    ] {
        let mut z = b"\"Z99\",".to_vec();
        z.extend_from_slice(count);
        let r = check(&file(&[HEADER, C1, &z]));
        expect(&r, &[(code, Some(3), Some("RECORD_COUNT"))]);
        assert_eq!(r.findings()[0].scope, Scope::File, "{count:?}");
    }
}

#[test]
fn trailer_count_huge_is_too_many_digits_not_an_overflow() {
    let r = check(&file(&[HEADER, C1, b"\"Z99\",99999999999999999999"]));
    expect(&r, &[("FLD00004", Some(3), Some("RECORD_COUNT"))]);
    assert_eq!(r.findings()[0].scope, Scope::File);
    // u64::MAX + 1 has 20 digits too; 10 nines fits the field and is just the wrong count.
    let r = check(&file(&[HEADER, C1, b"\"Z99\",9999999999"]));
    expect(&r, &[("FIL00006", Some(3), Some("RECORD_COUNT"))]);
}

#[test]
fn trailer_count_quoted_or_zero_padded_is_fine() {
    expect(&check(&file(&[HEADER, C1, b"\"Z99\",\"1\""])), &[]);
    expect(&check(&file(&[HEADER, C1, b"\"Z99\",0000000001"])), &[]);
}

#[test]
fn trailer_with_missing_or_extra_fields() {
    let r = check(&file(&[HEADER, C1, b"\"Z99\""]));
    expect(&r, &[("REC00002", Some(3), None)]);
    assert_eq!(r.findings()[0].scope, Scope::File);
    let r = check(&file(&[HEADER, C1, b"\"Z99\",1,"]));
    expect(&r, &[("REC00003", Some(3), None)]);
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn first_record_not_a_header() {
    let r = check(&file(&[C1, &trailer(1)]));
    let codes: Vec<_> = got(&r).into_iter().map(|(c, l, _)| (c, l)).collect();
    assert_eq!(
        codes.first(),
        Some(&("FIL00002".to_string(), Some(1))),
        "{codes:?}"
    );
    assert!(!r.accepted());
    assert_eq!(r.findings()[0].param("record"), Some("C01"));
}

// ---------------------------------------------------------------------------------------------
// Line ends, BOM, encodings, control bytes
// ---------------------------------------------------------------------------------------------

#[test]
fn crlf_everywhere_is_clean() {
    let lf = upload(&[C1, NOTE, C2]);
    let crlf: Vec<u8> = lf
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        })
        .collect();
    let r = check(&crlf);
    expect(&r, &[]);
    assert_eq!(r.records, 5);
}

#[test]
fn mixed_lf_and_crlf_is_clean() {
    let z = trailer(2);
    let mut bytes = Vec::new();
    for (i, l) in [HEADER, C1, C2, &z].iter().enumerate() {
        bytes.extend_from_slice(l);
        bytes.extend_from_slice(if i % 2 == 0 { b"\r\n" } else { b"\n" });
    }
    expect(&check(&bytes), &[]);
}

#[test]
fn crlf_findings_point_at_the_right_line_and_offset() {
    let bad = c01_with(7, b"20230229");
    let bytes = file(&[
        &[HEADER, b"\r"].concat(),
        &[&bad[..], b"\r"].concat(),
        &[&trailer(1)[..], b"\r"].concat(),
    ]);
    let r = check(&bytes);
    expect(&r, &[("FLD00007", Some(2), Some("EFFECTIVE_DATE"))]);
    assert_eq!(r.findings()[0].offset, Some(offset_of(&bytes, b"20230229")));
    assert_eq!(r.findings()[0].field_index, Some(7));
}

#[test]
fn utf8_bom_is_a_warning_and_offsets_count_it() {
    let bad = c01_with(4, b"1234567890");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&upload(&[&bad]));
    let r = check(&bytes);
    expect(
        &r,
        &[
            ("FIL00016", Some(1), None),
            ("CON00008", Some(2), Some("SUPPLY_METER_POINT_REFERENCE")),
        ],
    );
    assert_eq!(r.findings()[0].severity, Severity::Warning);
    assert_eq!(
        r.findings()[1].offset,
        Some(offset_of(&bytes, b"1234567890"))
    );
}

#[test]
fn a_bom_that_is_not_at_the_start_is_data() {
    let mut c = b"\xEF\xBB\xBF".to_vec();
    c.extend_from_slice(C1);
    let r = check(&upload(&[&c]));
    let f = the(&r, "REC00001");
    assert_eq!(f.line, Some(2));
    assert!(!r.accepted());
}

#[test]
fn bytes_that_are_not_utf8() {
    // In a text field: a character finding on that field.
    let r = check(&upload(&[&c01_with(11, b"\"d\xFF\xFEx\"")]));
    expect(&r, &[("FLD00010", Some(2), Some("DESCRIPTION"))]);
    assert_eq!(r.findings()[0].scope, Scope::Field);
    assert_eq!(r.findings()[0].field_index, Some(11));
    // In the record type: an unknown record type on that line.
    let r = check(&upload(&[C1, b"\xFF\xFE,\"x\""]));
    expect(&r, &[("REC00001", Some(3), None)]);
    assert_eq!(r.findings()[0].param("value"), Some("\\xFF\\xFE"));
    // In a numeric field.
    let r = check(&upload(&[&c01_with(9, b"12\xC3\xA934")]));
    expect(&r, &[("FLD00003", Some(2), Some("METER_READING"))]);
    // A whole file of 0xFF.
    let r = check(&[0xFF; 4096]);
    expect(
        &r,
        &[
            ("FIL00002", Some(1), None),
            ("FIL00003", Some(1), None),
            ("FIL00015", Some(1), None),
        ],
    );
}

#[test]
fn nul_bytes_inside_fields() {
    let r = check(&upload(&[&c01_with(2, b"\"R\x001\"")]));
    expect(&r, &[("FLD00010", Some(2), Some("CUSTOMER_REFERENCE"))]);
    assert_eq!(
        r.findings()[0].param("character"),
        Some("a NUL byte (0x00)")
    );
    let r = check(&upload(&[&c01_with(4, b"12345\x0067810")]));
    expect(
        &r,
        &[("FLD00003", Some(2), Some("SUPPLY_METER_POINT_REFERENCE"))],
    );
    // A NUL in the header's date rejects the file.
    let r = check(&file(&[
        b"\"A00\",1234,\"CMQ\",2026\x001202,093000,42",
        C1,
        &trailer(1),
    ]));
    expect(&r, &[("FLD00007", Some(1), Some("CREATION_DATE"))]);
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn nul_bytes_between_fields() {
    // A NUL just before a quoted field makes the field unquoted, with quotes inside it.
    let r = check(&upload(&[&c01_with(3, b"\x00\"CDQ\"")]));
    let f = &r.findings()[0];
    assert_eq!(r.findings().len(), 1, "{:?}", got(&r));
    assert!(
        ["FLD00010", "FLD00011"].contains(&r.code(f)),
        "{:?}",
        got(&r)
    );
    assert_eq!(
        (f.line, f.field.as_deref()),
        (Some(2), Some("CONTACT_TYPE_CODE"))
    );
    // A NUL standing as a whole (optional, text) field.
    let r = check(&upload(&[&c01_with(5, b"\x00")]));
    expect(&r, &[("FLD00010", Some(2), Some("METER_SERIAL_NUMBER"))]);
    // A NUL line between records is a record of unknown type, not a blank line.
    let r = check(&upload(&[C1, b"\x00"]));
    expect(&r, &[("REC00001", Some(3), None)]);
}

#[test]
fn lone_cr_mid_line_is_data_not_a_line_end() {
    let r = check(&upload(&[&c01_with(7, b"20261101\r")]));
    expect(&r, &[("FLD00007", Some(2), Some("EFFECTIVE_DATE"))]);
    let r = check(&upload(&[&c01_with(11, b"\"two\rlines\"")]));
    expect(&r, &[("FLD00010", Some(2), Some("DESCRIPTION"))]);
    assert_eq!(r.records, 3, "a CR does not split the record");
    // A file with CR-only line ends is one long header line.
    let cr: Vec<u8> = upload(&[C1])
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect();
    let r = check(&cr);
    assert_eq!(r.records, 1);
    assert!(!r.accepted());
    assert!(
        got(&r).contains(&("FIL00003".into(), Some(1), None)),
        "{:?}",
        got(&r)
    );
}

#[test]
fn no_final_newline_is_a_warning_only() {
    let mut bytes = upload(&[C1]);
    bytes.pop();
    let r = check(&bytes);
    expect(&r, &[("FIL00015", Some(3), None)]);
    assert!(r.accepted());
    // With a CRLF file, dropping the LF leaves a CR on the count.
    let mut bytes = file(&[&[HEADER, b"\r"].concat(), &[C1, b"\r"].concat()]);
    bytes.extend_from_slice(b"\"Z99\",1");
    expect(&check(&bytes), &[("FIL00015", Some(3), None)]);
}

// ---------------------------------------------------------------------------------------------
// Size limits: long lines, many commas, many fields
// ---------------------------------------------------------------------------------------------

#[test]
fn a_10_mb_line_without_a_newline() {
    let r = check(&vec![b'x'; 10 * 1024 * 1024]);
    expect(
        &r,
        &[
            ("FIL00002", Some(1), None),
            ("FIL00003", Some(1), None),
            ("FIL00015", Some(1), None),
        ],
    );
    assert_eq!(r.records, 1);
}

#[test]
fn a_10_mb_contact_line_is_one_record_finding() {
    let mut long = b"\"C01\",\"".to_vec();
    long.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    long.extend_from_slice(b"\"");
    let bytes = upload(&[C1, &long, C2]);
    let r = check(&bytes);
    expect(&r, &[("REC00008", Some(3), None)]);
    let f = &r.findings()[0];
    assert_eq!(f.record_type.as_deref(), Some("C01"));
    assert_eq!(f.scope, Scope::Record);
    assert_eq!(
        f.offset,
        Some(offset_of(&bytes, C2) - 1 - long.len() as u64)
    );
    // The same 10 MB as the last line, no newline, no trailer.
    let mut bytes = file(&[HEADER, C1]);
    bytes.extend_from_slice(&long);
    let r = check(&bytes);
    expect(
        &r,
        &[
            ("REC00008", Some(3), None),
            ("FIL00003", Some(3), None),
            ("FIL00015", Some(3), None),
        ],
    );
}

#[test]
fn a_file_of_100000_commas_on_one_line() {
    let r = check(&[b','; 100_000]);
    expect(
        &r,
        &[
            ("FIL00002", Some(1), None),
            ("FIL00003", Some(1), None),
            ("FIL00015", Some(1), None),
        ],
    );
}

#[test]
fn a_contact_of_100000_commas() {
    let mut line = b"\"C01\"".to_vec();
    line.extend(std::iter::repeat_n(b',', 100_000));
    // Past the default line limit (64 KiB): the line is cut and flagged.
    let r = check(&upload(&[&line]));
    expect(&r, &[("REC00008", Some(2), None)]);
    // Under a larger line limit: too many fields, counted past the field limit.
    let opts = ValidateOptions {
        max_line_bytes: 1 << 20,
        ..ValidateOptions::default()
    };
    let r = validate_with(&upload(&[&line]), Some(NAME), &opts);
    let f = the(&r, "REC00003");
    assert_eq!((f.line, f.record_type.as_deref()), (Some(2), Some("C01")));
    assert!(
        f.param("found").unwrap().contains("100001"),
        "{:?}",
        f.param("found")
    );
    assert!(!r.accepted());
}

#[test]
fn two_thousand_fields() {
    let mut line = C1.to_vec();
    line.extend(std::iter::repeat_n(b',', 1989));
    let r = check(&upload(&[&line]));
    expect(&r, &[("REC00003", Some(2), None)]);
    let f = &r.findings()[0];
    assert_eq!(f.record_type.as_deref(), Some("C01"));
    assert_eq!(f.scope, Scope::Record);
    assert!(
        f.param("found").unwrap().contains("2000"),
        "{:?}",
        f.param("found")
    );
    // The same in the header rejects the file.
    let mut h = HEADER.to_vec();
    h.extend(std::iter::repeat_n(b',', 1994));
    let r = check(&file(&[&h, C1, &trailer(1)]));
    expect(&r, &[("REC00003", Some(1), None)]);
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn field_and_line_limits_of_zero_or_one_do_not_panic() {
    for (fields, bytes) in [(0, 0), (1, 1), (0, 64), (2, 3)] {
        let opts = ValidateOptions {
            max_fields: fields,
            max_line_bytes: bytes,
            ..ValidateOptions::default()
        };
        let r = validate_with(&upload(&[C1, NOTE]), Some(NAME), &opts);
        assert!(!r.accepted(), "limits {fields}/{bytes}");
        assert!(r
            .findings()
            .iter()
            .all(|f| f.line.is_none_or(|l| (1..=4).contains(&l))));
    }
}

// ---------------------------------------------------------------------------------------------
// Quotes
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unclosed_quote_on_every_line_stays_on_its_line() {
    let bytes = file(&[
        b"\"A00\",1234,\"CMQ\",20261202,093000,\"42",
        b"\"C01\",\"R1\",\"CDQ\",1234567810,,,20261101,,,,\"d",
        b"\"C01\",\"R2\",\"CDQ\",9876543209,,,20261101,,,,\"d",
        b"\"Z99\",\"2",
    ]);
    let r = check(&bytes);
    expect(
        &r,
        &[
            ("REC00007", Some(1), None),
            ("REC00007", Some(2), None),
            ("REC00007", Some(3), None),
            ("REC00007", Some(4), None),
        ],
    );
    let scopes: Vec<Scope> = r.findings().iter().map(|f| f.scope).collect();
    assert_eq!(
        scopes,
        [Scope::File, Scope::Record, Scope::Record, Scope::File]
    );
    assert_eq!(r.records, 4, "a quote never joins lines");
}

#[test]
fn an_unbalanced_quote_rejects_its_record_only() {
    let bad = b"\"C01\",\"R1\",\"CDQ\",1234567810,,,20261101,,,,\"d";
    let r = check(&upload(&[bad, C2]));
    expect(&r, &[("REC00007", Some(2), None)]);
    assert_eq!(r.findings()[0].record_type.as_deref(), Some("C01"));
}

#[test]
fn quotes_in_odd_places_in_a_text_field() {
    let cases: [(&[u8], &[Want<'_>]); 6] = [
        (b"\"\"\"\"", &[("FLD00011", Some(2), Some("DESCRIPTION"))]),
        (b"\"a\"\"b\"", &[("FLD00011", Some(2), Some("DESCRIPTION"))]),
        (b"a\"", &[("FLD00011", Some(2), Some("DESCRIPTION"))]),
        (
            b"\"",
            &[
                ("REC00007", Some(2), None),
                ("FLD00001", Some(2), Some("DESCRIPTION")),
            ],
        ),
        (
            b",\"",
            &[
                ("REC00007", Some(2), None),
                ("REC00003", Some(2), None),
                ("FLD00001", Some(2), Some("DESCRIPTION")),
            ],
        ),
        (b"\"x\",", &[("REC00003", Some(2), None)]),
    ];
    for (value, want) in cases {
        let r = check(&upload(&[&c01_with(11, value)]));
        expect(&r, want);
        assert!(
            r.findings().iter().all(|f| f.scope != Scope::File),
            "{value:?}"
        );
    }
}

#[test]
fn quotes_in_odd_places_in_the_first_fields() {
    // `""""` as the reference: a field holding `""`, quotes inside.
    let r = check(&upload(&[&c01_with(2, b"\"\"\"\"")]));
    expect(&r, &[("FLD00011", Some(2), Some("CUSTOMER_REFERENCE"))]);
    // A lone `"` as the reference swallows the next comma: one field fewer.
    let r = check(&upload(&[&c01_with(2, b"\"")]));
    assert_eq!(got(&r)[0], ("REC00002".to_string(), Some(2), None));
    assert!(got(&r).contains(&(
        "FLD00011".into(),
        Some(2),
        Some("CUSTOMER_REFERENCE".into())
    )));
    // An empty quoted mandatory field.
    let r = check(&upload(&[&c01_with(2, b"\"\"")]));
    expect(&r, &[("FLD00001", Some(2), Some("CUSTOMER_REFERENCE"))]);
    // A quoted record type with a quote inside is not a known record type.
    let r = check(&upload(&[C1, b"\"C\"02\",\"x\""]));
    expect(&r, &[("REC00001", Some(3), None)]);
}

#[test]
fn a_comma_inside_quotes_stays_in_the_field() {
    let r = check(&upload(&[&c01_with(11, b"\"a, b, and c\"")]));
    expect(&r, &[]);
}

// ---------------------------------------------------------------------------------------------
// Header: FILE_TYPE, file names, generations, organisations
// ---------------------------------------------------------------------------------------------

fn header_with(index: usize, value: &[u8]) -> Vec<u8> {
    let mut fields: Vec<Vec<u8>> = HEADER.split(|b| *b == b',').map(<[u8]>::to_vec).collect();
    fields[index - 1] = value.to_vec();
    fields.join(&b","[..])
}

#[test]
fn file_type_in_lower_case_is_not_a_format_code() {
    // Format codes are exact (upper case, as in the rule set); only the comparison of the
    // header with the file name is case-insensitive (DOMAIN §7).
    let r = check(&file(&[&header_with(3, b"\"cmq\""), C1, &trailer(1)]));
    expect(&r, &[("FIL00007", Some(1), Some("FILE_TYPE"))]);
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn file_type_of_2000_characters_or_of_0xff_bytes() {
    let mut long = b"\"".to_vec();
    long.extend(std::iter::repeat_n(b'Q', 2000));
    long.push(b'"');
    let r = check(&file(&[&header_with(3, &long), C1, &trailer(1)]));
    expect(&r, &[("FLD00002", Some(1), Some("FILE_TYPE"))]);
    assert_eq!(r.findings()[0].param("length"), Some("2000"));
    assert_eq!(r.findings()[0].scope, Scope::File);
    let r = check(&file(&[
        &header_with(3, b"\"\xFF\xFF\xFF\""),
        C1,
        &trailer(1),
    ]));
    expect(&r, &[("FLD00010", Some(1), Some("FILE_TYPE"))]);
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn file_type_of_another_format() {
    let r = check(&file(&[&header_with(3, b"\"CMR\""), C1, &trailer(1)]));
    expect(
        &r,
        &[
            ("FIL00008", Some(1), Some("FILE_TYPE")),
            ("REC00001", Some(2), None),
        ],
    );
    assert!(r.findings().iter().all(|f| f.scope == Scope::File));
    // With --format CMQ the header's CMR is a format mismatch.
    let opts = ValidateOptions {
        format: Some("CMQ".into()),
        ..ValidateOptions::default()
    };
    let r = validate_with(
        &file(&[&header_with(3, b"\"CMR\""), C1, &trailer(1)]),
        Some(NAME),
        &opts,
    );
    assert!(
        got(&r).contains(&("FIL00012".into(), Some(1), Some("FILE_TYPE".into()))),
        "{:?}",
        got(&r)
    );
}

#[test]
fn unknown_format_option_is_an_argument_error() {
    let opts = ValidateOptions {
        format: Some("XYZ".into()),
        ..ValidateOptions::default()
    };
    assert!(matches!(
        validate_bytes(&rules(), &upload(&[C1]), Some(NAME), &opts),
        Err(Error::Argument(_))
    ));
}

#[test]
fn file_names() {
    let bytes = upload(&[C1]);
    let style: &[Want<'_>] = &[("FIL00011", Some(1), None)];
    let cases: [(&str, &[Want<'_>]); 10] = [
        ("X.CMQ", style),
        ("SHP00042", style),
        (".CMQ", style),
        ("", style),
        ("SHP00042.", style),
        ("42.CMQ", style),
        (
            "SHP00043.CMQ",
            &[("FIL00009", Some(1), Some("GENERATION_NUMBER"))],
        ),
        ("SHP00042.CMR", &[("FIL00008", Some(1), Some("FILE_TYPE"))]),
        ("shp42.cmq", &[]),
        ("dir/sub/SHP000042.CMQ", &[]),
    ];
    for (name, want) in cases {
        let r = validate_with(&bytes, Some(name), &ValidateOptions::default());
        expect(&r, want);
        assert!(
            r.findings().iter().all(|f| f.scope == Scope::File),
            "{name}"
        );
    }
    // Without a name no name check runs.
    expect(
        &validate_with(&bytes, None, &ValidateOptions::default()),
        &[],
    );
    // A generation in the name too large for any number is still just a mismatch.
    let r = validate_with(
        &bytes,
        Some("SHP99999999999999999999999.CMQ"),
        &ValidateOptions::default(),
    );
    expect(&r, &[("FIL00009", Some(1), Some("GENERATION_NUMBER"))]);
}

#[test]
fn last_generation_equal_to_the_headers_is_a_duplicate() {
    let bytes = upload(&[C1]);
    for (last, want) in [(42, true), (43, true), (41, false), (0, false)] {
        let opts = ValidateOptions {
            last_generation: Some(last),
            ..ValidateOptions::default()
        };
        let r = validate_with(&bytes, Some(NAME), &opts);
        if want {
            expect(&r, &[("FIL00010", Some(1), Some("GENERATION_NUMBER"))]);
            assert_eq!(r.findings()[0].scope, Scope::File);
        } else {
            expect(&r, &[]);
        }
    }
}

#[test]
fn organisation_not_matching_the_header() {
    let opts = ValidateOptions {
        uploader: Some(Organisation {
            id: 999,
            org_type: OrgType::Shipper,
        }),
        ..ValidateOptions::default()
    };
    let r = validate_with(&upload(&[C1]), Some(NAME), &opts);
    expect(&r, &[("FIL00013", Some(1), Some("ORGANISATION_ID"))]);
    assert_eq!(r.findings()[0].scope, Scope::File);
    // Leading zeros are the same number.
    let opts = ValidateOptions {
        uploader: Some(shipper()),
        ..ValidateOptions::default()
    };
    expect(
        &validate_with(
            &file(&[&header_with(2, b"0001234"), C1, &trailer(1)]),
            Some(NAME),
            &opts,
        ),
        &[],
    );
}

#[test]
fn organisation_type_cdsp_may_not_use_cms() {
    let opts = ValidateOptions {
        uploader: Some(Organisation {
            id: 1234,
            org_type: OrgType::Cdsp,
        }),
        ..ValidateOptions::default()
    };
    let r = validate_with(&upload(&[C1]), Some(NAME), &opts);
    expect(
        &r,
        &[
            ("FIL00014", Some(1), None),
            ("CON00004", Some(2), Some("CONTACT_TYPE_CODE")),
        ],
    );
    assert_eq!(r.findings()[0].scope, Scope::File);
}

#[test]
fn organisation_type_cdsp_on_an_empty_file() {
    let opts = ValidateOptions {
        uploader: Some(Organisation {
            id: 1234,
            org_type: OrgType::Cdsp,
        }),
        ..ValidateOptions::default()
    };
    let r = validate_with(b"", Some(NAME), &opts);
    let codes: Vec<String> = got(&r).into_iter().map(|g| g.0).collect();
    assert!(codes.contains(&"FIL00014".to_string()), "{codes:?}");
}

#[test]
fn header_times() {
    for (time, want) in [
        (&b"240000"[..], Some("FLD00008")),
        (b"235960", Some("FLD00008")),
        (b"236000", Some("FLD00008")),
        (b"2359", Some("FLD00008")),
        (b"23:59:59", Some("FLD00008")),
        (b"-23599", Some("FLD00008")),
        (b"235959", None),
        (b"000000", None),
        (b"", Some("FLD00001")),
    ] {
        let r = check(&file(&[&header_with(5, time), C1, &trailer(1)]));
        match want {
            Some(code) => {
                expect(&r, &[(code, Some(1), Some("CREATION_TIME"))]);
                assert_eq!(r.findings()[0].scope, Scope::File);
            }
            None => expect(&r, &[]),
        }
    }
}

#[test]
fn header_dates() {
    for (date, ok) in [
        (&b"00000000"[..], false),
        (b"20240229", true),
        (b"20230229", false),
        (b"99991231", true),
        (b"2024-02-29", false),
        (b"20241301", false),
        (b"2024022", false),
        (b"202402290", false),
    ] {
        let r = check(&file(&[
            &header_with(4, date),
            &c01_with(7, b"20170101"),
            &trailer(1),
        ]));
        if ok {
            expect(&r, &[]);
        } else {
            expect(&r, &[("FLD00007", Some(1), Some("CREATION_DATE"))]);
            assert_eq!(r.findings()[0].scope, Scope::File);
        }
    }
}

#[test]
fn header_generation_and_organisation_edge_values() {
    for (index, value, code, field) in [
        (6, &b"1234567"[..], "FLD00004", "GENERATION_NUMBER"),
        (6, b"-42", "FLD00006", "GENERATION_NUMBER"),
        (6, b"4.2", "FLD00005", "GENERATION_NUMBER"),
        (6, b"+42", "FLD00003", "GENERATION_NUMBER"),
        (2, b"12345678901", "FLD00004", "ORGANISATION_ID"),
        (2, b"0x4D2", "FLD00003", "ORGANISATION_ID"),
    ] {
        let r = check(&file(&[&header_with(index, value), C1, &trailer(1)]));
        expect(&r, &[(code, Some(1), Some(field))]);
        assert_eq!(r.findings()[0].scope, Scope::File);
    }
}

// ---------------------------------------------------------------------------------------------
// Field domains on a contact
// ---------------------------------------------------------------------------------------------

#[test]
fn numeric_edge_cases() {
    // METER_READING: N12, unsigned, no decimals. ADJUSTMENT_VOLUME: N14, 3 decimals, signed.
    let cases: [(&str, Option<&str>, Option<&str>); 20] = [
        ("-0", Some("FLD00006"), None),
        ("+1", Some("FLD00003"), Some("FLD00003")),
        ("1.", Some("FLD00003"), Some("FLD00003")),
        (".5", Some("FLD00003"), Some("FLD00003")),
        ("1e5", Some("FLD00003"), Some("FLD00003")),
        ("0x10", Some("FLD00003"), Some("FLD00003")),
        (" 1", Some("FLD00003"), Some("FLD00003")),
        ("1 ", Some("FLD00003"), Some("FLD00003")),
        ("١٢", Some("FLD00003"), Some("FLD00003")),
        ("12345678901234567890", Some("FLD00004"), Some("FLD00004")),
        ("-", Some("FLD00003"), Some("FLD00003")),
        ("--1", Some("FLD00003"), Some("FLD00003")),
        ("1.2.3", Some("FLD00003"), Some("FLD00003")),
        ("1.0", Some("FLD00005"), None),
        ("1.2345", Some("FLD00005"), Some("FLD00005")),
        ("-1", Some("FLD00006"), None),
        ("0", None, None),
        ("000000000000", None, Some("FLD00004")),
        ("99999999999.999", Some("FLD00005"), None),
        ("-99999999999.999", Some("FLD00006"), None),
    ];
    for (value, reading, volume) in cases {
        for (index, field, want) in [
            (9, "METER_READING", reading),
            (10, "ADJUSTMENT_VOLUME", volume),
        ] {
            let r = check(&upload(&[&c01_with(index, value.as_bytes())]));
            match want {
                Some(code) => {
                    expect(&r, &[(code, Some(2), Some(field))]);
                    assert_eq!(r.findings()[0].field_index, Some(index as u32));
                }
                None => expect(&r, &[]),
            }
        }
    }
}

#[test]
fn mprn_and_class_edge_values() {
    let mprn = |v: &[u8]| check(&upload(&[&c01_with(4, v)]));
    let at = Some("SUPPLY_METER_POINT_REFERENCE");
    expect(&mprn(b"1234567890"), &[("CON00008", Some(2), at)]);
    expect(&mprn(b"12310"), &[("CON00009", Some(2), at)]);
    expect(&mprn(b"12345678901234567890"), &[("FLD00004", Some(2), at)]);
    expect(&mprn(b"-1234567810"), &[("FLD00006", Some(2), at)]);
    expect(&mprn(b"\"1234567810\""), &[]);
    // CDQ needs its MPRN.
    expect(&mprn(b""), &[("CON00005", Some(2), at)]);
    let class = |v: &[u8]| check(&upload(&[&c01_with(6, v)]));
    let at = Some("SUPPLY_POINT_CLASS");
    expect(&class(b"5"), &[("FLD00014", Some(2), at)]);
    expect(&class(b"0"), &[("FLD00014", Some(2), at)]);
    expect(&class(b"12"), &[("FLD00004", Some(2), at)]);
    expect(&class(b"4"), &[]);
}

#[test]
fn contact_dates() {
    let at = Some("EFFECTIVE_DATE");
    for (date, want) in [
        (&b"00000000"[..], Some("FLD00007")),
        (b"20240229", None),
        (b"20230229", Some("FLD00007")),
        // After the header's CREATION_DATE 2026-12-02.
        (b"99991231", Some("CON00012")),
        (b"20261203", Some("CON00012")),
        (b"20261202", None),
        (b"2024-02-29", Some("FLD00007")),
        (b" 20240229", Some("FLD00007")),
        (b"20240100", Some("FLD00007")),
    ] {
        let r = check(&upload(&[&c01_with(7, date)]));
        match want {
            Some(code) => expect(&r, &[(code, Some(2), at)]),
            None => expect(&r, &[]),
        }
    }
    // END_DATE before EFFECTIVE_DATE, with years at the edge of the calendar.
    let c = b"\"C01\",\"R1\",\"CDQ\",1234567810,,,20200101,00010101,,,\"d\"";
    expect(
        &check(&upload(&[c])),
        &[("CON00011", Some(2), Some("END_DATE"))],
    );
}

#[test]
fn text_lengths_at_and_past_the_limit() {
    let reference = |n: usize| {
        let mut v = b"\"".to_vec();
        v.extend(std::iter::repeat_n(b'R', n));
        v.push(b'"');
        check(&upload(&[&c01_with(2, &v)]))
    };
    expect(&reference(30), &[]);
    expect(
        &reference(31),
        &[("FLD00002", Some(2), Some("CUSTOMER_REFERENCE"))],
    );
    expect(
        &reference(5000),
        &[("FLD00002", Some(2), Some("CUSTOMER_REFERENCE"))],
    );
}

// ---------------------------------------------------------------------------------------------
// Hierarchy
// ---------------------------------------------------------------------------------------------

#[test]
fn a_c02_before_any_c01() {
    let r = check(&upload(&[NOTE, C1]));
    expect(&r, &[("REC00004", Some(2), None)]);
    let f = &r.findings()[0];
    assert_eq!(f.record_type.as_deref(), Some("C02"));
    // No contact could carry it: it rejects the file.
    assert_eq!(f.scope, Scope::File);
}

#[test]
fn a_c03_with_no_c01() {
    let r = check(&upload(&[ADDRESS]));
    expect(&r, &[("FIL00018", None, None), ("REC00004", Some(2), None)]);
    assert_eq!(r.findings()[1].record_type.as_deref(), Some("C03"));
    assert!(r.findings().iter().all(|f| f.scope == Scope::File));
}

#[test]
fn eleven_c02_under_one_c01() {
    let mut body: Vec<&[u8]> = vec![C1];
    body.extend(std::iter::repeat_n(NOTE, 11));
    body.push(C2);
    body.extend(std::iter::repeat_n(NOTE, 10));
    let r = check(&upload(&body));
    // Only the 11th note of the first contact (line 13); the second contact's ten are fine.
    expect(&r, &[("REC00005", Some(13), None)]);
    let f = &r.findings()[0];
    assert_eq!(f.record_type.as_deref(), Some("C02"));
    assert_eq!(f.scope, Scope::Record);
    assert_eq!(f.param("max"), Some("10"));
}

#[test]
fn two_c03_under_one_c01_and_notes_after_the_address() {
    let r = check(&upload(&[C1, ADDRESS, NOTE, ADDRESS]));
    expect(&r, &[("REC00005", Some(5), None)]);
    assert_eq!(r.findings()[0].record_type.as_deref(), Some("C03"));
}

#[test]
fn unknown_record_types_inside_and_outside_contacts() {
    let r = check(&upload(&[
        b"\"C09\",\"x\"",
        C1,
        b"\"c02\",\"x\"",
        b"\"Z98\",1",
        b",,,",
    ]));
    expect(
        &r,
        &[
            ("REC00001", Some(2), None),
            ("REC00001", Some(4), None),
            ("REC00001", Some(5), None),
            ("REC00001", Some(6), None),
        ],
    );
    let scopes: Vec<Scope> = r.findings().iter().map(|f| f.scope).collect();
    assert_eq!(
        scopes,
        [Scope::File, Scope::Record, Scope::Record, Scope::Record]
    );
}

#[test]
fn a_contact_type_that_needs_an_address_before_its_address() {
    let mnc = b"\"C01\",\"R9\",\"MNC\",,,,,,,,\"d\"";
    let r = check(&upload(&[ADDRESS, mnc]));
    expect(
        &r,
        &[("REC00004", Some(2), None), ("CON00007", Some(3), None)],
    );
}

#[test]
fn one_million_and_one_contacts_stream_in_bounded_memory() {
    // Run in a child process so its peak memory is its own.
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "--exact",
            "million_contacts_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CMS_HOSTILE_CHILD", "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// A source of `n` clean CDQ contacts (distinct references and MPRNs), made as they are read:
/// one line template whose digits are rewritten in place.
struct Contacts {
    n: u64,
    next: u64,
    line: Vec<u8>,
    at: usize,
    done: bool,
}

/// The contact line template: the reference's 8 digits at 10..18, the MPRN's at 26..36.
const CONTACT_TEMPLATE: &[u8] = b"\"C01\",\"REF00000000\",\"CDQ\",0000000000,,,20261101,,,,\"d\"\n";

/// Write `n` as `width` zero-padded digits into `out`.
fn put_digits(out: &mut [u8], mut n: u64) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// The MPRN for contact `i`: 8 body digits (10,000,000 + i) and their check digits.
fn put_mprn(out: &mut [u8], i: u64) {
    put_digits(&mut out[..8], 10_000_000 + i);
    let sum: u64 = out[..8]
        .iter()
        .zip((1..=8u64).rev())
        .map(|(d, w)| u64::from(d - b'0') * w)
        .sum();
    put_digits(&mut out[8..10], sum % 11);
}

impl Contacts {
    fn new(n: u64) -> Self {
        let mut line = HEADER.to_vec();
        line.push(b'\n');
        Contacts {
            n,
            next: 0,
            line,
            at: 0,
            done: false,
        }
    }

    fn refill(&mut self) {
        self.at = 0;
        if self.next < self.n {
            if self.line.len() != CONTACT_TEMPLATE.len() {
                self.line = CONTACT_TEMPLATE.to_vec();
            }
            put_digits(&mut self.line[10..18], self.next);
            put_mprn(&mut self.line[26..36], self.next);
            self.next += 1;
        } else if !self.done {
            self.line = format!("\"Z99\",{}\n", self.n).into_bytes();
            self.done = true;
        } else {
            self.line.clear();
        }
    }
}

impl Read for Contacts {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            if self.at >= self.line.len() {
                self.refill();
                if self.line.is_empty() {
                    break;
                }
            }
            let n = (self.line.len() - self.at).min(out.len() - written);
            out[written..written + n].copy_from_slice(&self.line[self.at..self.at + n]);
            self.at += n;
            written += n;
        }
        Ok(written)
    }
}

#[test]
fn the_contact_generator_makes_clean_contacts() {
    let mut bytes = Vec::new();
    Contacts::new(3).read_to_end(&mut bytes).unwrap();
    assert_eq!(
        bytes.split(|b| *b == b'\n').nth(2),
        Some(&b"\"C01\",\"REF00000001\",\"CDQ\",1000000109,,,20261101,,,,\"d\""[..])
    );
    expect(&check(&bytes), &[]);
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "run in a child process by one_million_and_one_contacts_stream_in_bounded_memory"]
fn million_contacts_child() {
    if std::env::var_os("CMS_HOSTILE_CHILD").is_none() {
        return;
    }
    let n = 1_000_001;
    let r = validate(
        &rules(),
        Contacts::new(n),
        Some(NAME),
        &ValidateOptions::default(),
    )
    .unwrap();
    // The 1,000,001st C01 (line 1,000,002) is one too many; nothing else is wrong.
    expect(&r, &[("REC00005", Some(1_000_002), None)]);
    let f = &r.findings()[0];
    assert_eq!(f.record_type.as_deref(), Some("C01"));
    assert_eq!(f.param("max"), Some("1000000"));
    assert_eq!(r.records, n + 2);
    // The file is ~52 MB; the two per-contact indexes of 1,000,001 entries need ~50 MB. A
    // validator holding the file (or its lines, or a finding per record) would pass 96 MiB.
    if let Some(peak) = peak_memory_kib() {
        println!("peak memory {peak} KiB");
        assert!(peak < 96 * 1024, "peak memory {peak} KiB");
    }
}

#[test]
fn findings_are_capped_but_counted() {
    let bad = c01_with(4, b"1234567890");
    let body: Vec<&[u8]> = vec![&bad; 5000];
    let r = check(&upload(&body));
    // Every contact repeats the reference R1 (after the first) and the bad MPRN; the repeat of
    // MPRN and type is a warning.
    assert_eq!(r.findings().len(), 1001);
    assert_eq!(r.suppressed, 5000 * 3 - 2 - 1000);
    assert_eq!(r.errors, 5000 + 4999);
    assert_eq!(r.warnings, 4999 + 1);
    let last = r.findings().last().unwrap();
    assert_eq!(r.code(last), "FIL00017");
    assert_eq!(
        last.param("count"),
        Some((5000 * 3 - 2 - 1000).to_string().as_str())
    );
    assert!(r.findings()[..1000]
        .iter()
        .all(|f| f.line.is_some_and(|l| (2..=5001).contains(&l))));
}

#[test]
fn a_repeated_reference_is_rejected_even_after_a_rejected_first() {
    // The first R1 is rejected for its shape (too few fields, too many, unbalanced quote);
    // the repeat is rejected even so (DOMAIN §8).
    for first in [
        &b"\"C01\",\"R1\",\"CDQ\""[..],
        &c01_with(11, b"\"d\",x"),
        &c01_with(11, b"\"d"),
        &c01_with(3, b"\"ZZZ\""),
    ] {
        let r = check(&upload(&[first, C1]));
        let f = the(&r, "CON00014");
        assert_eq!(
            (f.line, f.field.as_deref(), f.scope),
            (Some(3), Some("CUSTOMER_REFERENCE"), Scope::Field)
        );
        assert_eq!(f.param("value"), Some("R1"));
    }
}

#[test]
fn a_repeated_reference_after_an_overlong_contact_is_rejected() {
    let mut long = c01_with(11, b"\"");
    long.extend(std::iter::repeat_n(b'x', 70_000));
    long.push(b'"');
    let r = check(&upload(&[&long, C1]));
    expect(
        &r,
        &[
            ("REC00008", Some(2), None),
            ("CON00014", Some(3), Some("CUSTOMER_REFERENCE")),
        ],
    );
}

#[test]
fn a_garbled_header_does_not_also_miscount_the_trailer() {
    // A stray byte before the header: the header is garbled, the count of the records
    // between it and the trailer (1) is right.
    let mut bytes = b"\xEF\xBB".to_vec();
    bytes.extend_from_slice(&upload(&[C1]));
    expect(&check(&bytes), &[("FIL00002", Some(1), None)]);
}

// ---------------------------------------------------------------------------------------------
// Readers that misbehave
// ---------------------------------------------------------------------------------------------

/// Hands out one byte per read, with an `Interrupted` error before each.
struct Stutter<'a> {
    bytes: &'a [u8],
    interrupt: bool,
}

impl Read for Stutter<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "again"));
        }
        let n = self.bytes.len().min(out.len()).min(1);
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn interrupted_reads_are_retried() {
    let bytes = upload(&[&c01_with(4, b"1234567890"), NOTE, C2]);
    let whole = check(&bytes);
    let slow = validate(
        &rules(),
        Stutter {
            bytes: &bytes,
            interrupt: false,
        },
        Some(NAME),
        &ValidateOptions::default(),
    )
    .unwrap();
    assert_eq!(slow.findings(), whole.findings());
    expect(
        &slow,
        &[("CON00008", Some(2), Some("SUPPLY_METER_POINT_REFERENCE"))],
    );
}

struct Failing(usize);

impl Read for Failing {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
        }
        let n = self.0.min(out.len());
        out[..n].fill(b'x');
        self.0 -= n;
        Ok(n)
    }
}

#[test]
fn a_read_error_is_an_io_error_naming_the_file() {
    let e = validate(
        &rules(),
        Failing(100),
        Some(NAME),
        &ValidateOptions::default(),
    )
    .unwrap_err();
    match e {
        Error::Io { path, source } => {
            assert_eq!(path.as_deref(), Some(NAME));
            assert_eq!(source.kind(), io::ErrorKind::BrokenPipe);
        }
        other => panic!("{other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Reader limits and line ends
// ---------------------------------------------------------------------------------------------

#[test]
fn a_line_of_exactly_the_limit_is_not_too_long_with_lf() {
    let opts = ValidateOptions {
        max_line_bytes: C1.len(),
        ..ValidateOptions::default()
    };
    let mut longer = C1.to_vec();
    longer.insert(longer.len() - 1, b'x');
    let r = validate_with(
        &[HEADER, b"\n", C1, b"\n", &longer, b"\n"].concat(),
        None,
        &opts,
    );
    let long: Vec<u64> = r
        .findings()
        .iter()
        .filter(|f| r.code(f) == "REC00008")
        .filter_map(|f| f.line)
        .collect();
    assert_eq!(long, [3], "{:?}", got(&r));
}

#[test]
fn a_line_of_exactly_the_limit_is_not_too_long_with_crlf() {
    let opts = ValidateOptions {
        max_line_bytes: C1.len(),
        ..ValidateOptions::default()
    };
    let r = validate_with(&[HEADER, b"\r\n", C1, b"\r\n"].concat(), None, &opts);
    let long: Vec<u64> = r
        .findings()
        .iter()
        .filter(|f| r.code(f) == "REC00008")
        .filter_map(|f| f.line)
        .collect();
    assert_eq!(long, Vec::<u64>::new(), "{:?}", got(&r));
}

// ---------------------------------------------------------------------------------------------
// The batch job on hostile uploads
// ---------------------------------------------------------------------------------------------

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn batch(bytes: &[u8], name: &str) -> BatchOutput {
    let crn = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
    match process_bytes(
        &rules(),
        bytes,
        name,
        &BatchOptions::new(shipper(), today()),
        &crn,
    ) {
        Ok(out) => out,
        Err(e) => panic!("a bad upload must give a response, not an error: {e}"),
    }
}

/// The response validates as a CMR file with no error.
#[track_caller]
fn response_is_valid(out: &BatchOutput) -> Report {
    let r = validate_with(
        &out.response,
        Some(&out.summary.response_file),
        &ValidateOptions::default(),
    );
    assert_eq!(r.format.as_deref(), Some("CMR"));
    assert!(
        r.accepted(),
        "response {:?}: {:?}\n{}",
        out.summary.response_file,
        got(&r),
        String::from_utf8_lossy(&out.response)
    );
    r
}

fn response_records(out: &BatchOutput, record: &str) -> usize {
    let prefix = format!("\"{record}\",");
    out.response
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(prefix.as_bytes()))
        .count()
}

#[test]
fn batch_on_hostile_uploads_always_answers_with_a_valid_response() {
    let mut long = b"\"C01\",\"".to_vec();
    long.extend(std::iter::repeat_n(b'x', 200_000));
    let mut every_fault: Vec<Vec<u8>> = vec![
        b"\"C01\",\"R\x001\",\"ZZ\xFF\",-1,\"\"\"\",9,20230229,00000000,1e5,1.2345,\"a\"b\""
            .to_vec(),
    ];
    every_fault.extend(std::iter::repeat_n(b"\"C02\",\"\xFF\"".to_vec(), 12));
    every_fault.extend(std::iter::repeat_n(
        b"\"C03\",x,,\"\",\"\",\"RG401\",\"\"".to_vec(),
        3,
    ));
    let every: Vec<&[u8]> = every_fault.iter().map(Vec::as_slice).collect();
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        ("empty", b"".to_vec(), false),
        ("blank", b"\n \n".to_vec(), false),
        ("header only", file(&[HEADER]), false),
        ("garbage", b"\xFF\xFE\x00,,,\"\n\"\n,".to_vec(), false),
        ("10 MB", vec![b'x'; 10 << 20], false),
        ("count wrong", file(&[HEADER, C1, &trailer(9)]), false),
        (
            "huge count",
            file(&[HEADER, C1, b"\"Z99\",99999999999999999999"]),
            false,
        ),
        ("long contact", upload(&[C1, &long, C2]), true),
        ("every fault", upload(&every), true),
        ("C02 first", upload(&[NOTE, C1]), false),
        (
            "crlf",
            upload(&[C1, C2])
                .iter()
                .flat_map(|&b| {
                    if b == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![b]
                    }
                })
                .collect(),
            true,
        ),
    ];
    for (label, bytes, accepted) in cases {
        let out = batch(&bytes, NAME);
        assert_eq!(
            out.summary.file_accepted, accepted,
            "{label}: {:?}",
            out.summary.file_rejections
        );
        response_is_valid(&out);
        if accepted {
            let contacts = bytes
                .split(|b| *b == b'\n')
                .filter(|l| l.starts_with(b"\"C01\""))
                .count();
            assert_eq!(response_records(&out, "R01"), contacts, "{label}");
            assert_eq!(out.contacts.len(), contacts, "{label}");
            assert_eq!(response_records(&out, "R00"), 0, "{label}");
        } else {
            assert_eq!(response_records(&out, "R01"), 0, "{label}");
            assert!((1..=15).contains(&response_records(&out, "R00")), "{label}");
            assert_eq!(
                out.summary.first_crn, None,
                "{label}: no CRN for a rejected file"
            );
        }
    }
}

#[test]
fn batch_every_fault_contact_has_at_most_15_details() {
    let mut lines: Vec<Vec<u8>> =
        vec![b"\"C01\",\"R1\",\"ZZZ\",-1,\"\xFF\",9,20230229,00000000,1e5,1.2345,\"\"".to_vec()];
    lines.extend(std::iter::repeat_n(b"\"C02\",\"\xFF\"".to_vec(), 20));
    lines.push(C2.to_vec());
    let body: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    let out = batch(&upload(&body), NAME);
    response_is_valid(&out);
    assert_eq!(out.contacts.len(), 2);
    assert!(out.contacts[0].findings.len() > 15);
    assert_eq!(response_records(&out, "R02"), 15);
    assert_eq!(out.contacts[1].outcome.code(), "AC");
}

#[test]
fn batch_response_of_a_generation_mismatch_validates() {
    let out = batch(&upload(&[C1]), "SHP00043.CMQ");
    assert!(!out.summary.file_accepted);
    assert_eq!(out.summary.file_rejections[0].code, "FIL00009");
    response_is_valid(&out);
}

#[test]
fn batch_response_of_a_seven_digit_generation_fails_only_on_its_name() {
    // A generation that cannot be written in the 6-digit GENERATION_NUMBER: the response keeps the
    // upload's name (DOMAIN §8), so its only finding is that name against its generation 0.
    let out = batch(
        &file(&[&header_with(6, b"1234567"), C1, &trailer(1)]),
        "SHP1234567.CMQ",
    );
    assert!(!out.summary.file_accepted);
    let report = validate_bytes(
        &rules(),
        &out.response,
        Some(&out.summary.response_file),
        &ValidateOptions::default(),
    )
    .unwrap();
    let codes: Vec<String> = report
        .findings()
        .iter()
        .map(|f| report.code(f).to_string())
        .collect();
    assert_eq!(codes, ["FIL00009"]);
}

#[test]
fn batch_response_of_an_unstyled_upload_name_validates() {
    let out = batch(
        &file(&[&header_with(6, b"43"), C1, &trailer(1)]),
        "SHP00042",
    );
    assert!(
        out.summary.file_accepted,
        "{:?}",
        out.summary.file_rejections
    );
    assert_eq!(out.summary.response_file, "SHP00042.CMR");
    response_is_valid(&out);
}

#[test]
fn batch_on_the_last_day_of_9999_answers_with_a_valid_response() {
    let crn = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
    let day = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    // Refusing the date as an argument is fine too; a response that fails validation is not.
    if let Ok(out) = process_bytes(
        &rules(),
        &upload(&[C1]),
        NAME,
        &BatchOptions::new(shipper(), day),
        &crn,
    ) {
        response_is_valid(&out);
    }
}

fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cms-hostile-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn process_never_overwrites_the_upload() {
    let dir = scratch_dir("overwrite");
    let upload_bytes = upload(&[C1]);
    for name in ["SHP00042.CMR", "shp00042.cmr"] {
        let path = dir.join(name);
        std::fs::write(&path, &upload_bytes).unwrap();
        let crn = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
        let result = process_path(
            &rules(),
            &path,
            None,
            &BatchOptions::new(shipper(), today()),
            &crn,
            &mut |_| {},
        );
        // Refusing is fine; writing over the input is not.
        assert_eq!(
            std::fs::read(&path).unwrap(),
            upload_bytes,
            "{name}: the upload was overwritten ({result:?})"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn process_path_writes_only_the_response() {
    let dir = scratch_dir("only");
    let path = dir.join(NAME);
    std::fs::write(&path, upload(&[&c01_with(4, b"1234567890"), C2])).unwrap();
    let crn = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
    let (summary, written) = process_path(
        &rules(),
        &path,
        None,
        &BatchOptions::new(shipper(), today()),
        &crn,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(written, dir.join("SHP00042.CMR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["SHP00042.CMQ", "SHP00042.CMR"]);
    assert_eq!((summary.accepted, summary.rejected), (1, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Through the command line
// ---------------------------------------------------------------------------------------------

/// The `cms` binary: `CMS_BIN`, else target/debug/cms of this workspace. These tests need it
/// built (`cargo build -p cms-cli`, which `cargo test` at the workspace root does).
fn cms_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CMS_BIN") {
        return Some(PathBuf::from(p));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
        });
    let bin = target
        .join("debug")
        .join(if cfg!(windows) { "cms.exe" } else { "cms" });
    bin.exists().then_some(bin)
}

/// (file name, bytes, extra arguments, exit code, findings).
type CliCase<'a> = (&'a str, Vec<u8>, Vec<&'a str>, i32, Vec<Row>);

/// Runs `cms validate --output json` on `bytes` saved as `name`: (exit code, findings as
/// (code, line, field)).
fn cli_validate(
    bin: &PathBuf,
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
    args: &[&str],
) -> (i32, Vec<Row>) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(bin)
        .arg("validate")
        .arg("--output")
        .arg("json")
        .args(args)
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut findings = Vec::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for f in v["findings"].as_array().unwrap() {
            findings.push((
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["field"].as_str().map(str::to_string),
            ));
        }
    }
    (out.status.code().unwrap_or(-1), findings)
}

#[test]
fn cli_validate_hostile_files() {
    let Some(bin) = cms_bin() else {
        eprintln!("SKIPPED: build the cms binary first (cargo build -p cms-cli) or set CMS_BIN");
        return;
    };
    let dir = scratch_dir("cli");
    let s = |c: &str, l: Option<u64>, f: Option<&str>| (c.to_string(), l, f.map(str::to_string));
    let mut nofinal = upload(&[C1]);
    nofinal.pop();
    let cases: Vec<CliCase<'_>> = vec![
        (
            NAME,
            b"".to_vec(),
            vec![],
            1,
            vec![s("FIL00001", None, None)],
        ),
        (
            NAME,
            file(&[HEADER]),
            vec![],
            1,
            vec![s("FIL00018", None, None), s("FIL00003", Some(1), None)],
        ),
        (
            NAME,
            file(&[HEADER, C1, &trailer(7)]),
            vec![],
            1,
            vec![s("FIL00006", Some(3), Some("RECORD_COUNT"))],
        ),
        (
            NAME,
            file(&[HEADER, C1, b"\"Z99\",99999999999999999999"]),
            vec![],
            1,
            vec![s("FLD00004", Some(3), Some("RECORD_COUNT"))],
        ),
        (
            NAME,
            [b"\xEF\xBB\xBF", &upload(&[C1])[..]].concat(),
            vec![],
            0,
            vec![s("FIL00016", Some(1), None)],
        ),
        (NAME, nofinal, vec![], 0, vec![s("FIL00015", Some(3), None)]),
        (
            NAME,
            upload(&[&c01_with(11, b"\"d\xFF\"")]),
            vec![],
            1,
            vec![s("FLD00010", Some(2), Some("DESCRIPTION"))],
        ),
        (
            NAME,
            vec![b'x'; 10 << 20],
            vec![],
            1,
            vec![
                s("FIL00002", Some(1), None),
                s("FIL00003", Some(1), None),
                s("FIL00015", Some(1), None),
            ],
        ),
        (
            "SHP00043.CMQ",
            upload(&[C1]),
            vec![],
            1,
            vec![s("FIL00009", Some(1), Some("GENERATION_NUMBER"))],
        ),
        (
            "X.CMQ",
            upload(&[C1]),
            vec![],
            0,
            vec![s("FIL00011", Some(1), None)],
        ),
        (
            NAME,
            upload(&[C1]),
            vec!["--last-generation", "42"],
            1,
            vec![s("FIL00010", Some(1), Some("GENERATION_NUMBER"))],
        ),
        (
            NAME,
            upload(&[C1]),
            vec!["--org-id", "999", "--org-type", "shipper"],
            1,
            vec![s("FIL00013", Some(1), Some("ORGANISATION_ID"))],
        ),
        (
            NAME,
            upload(&[C1]),
            vec!["--org-id", "1234", "--org-type", "cdsp"],
            1,
            vec![
                s("FIL00014", Some(1), None),
                s("CON00004", Some(2), Some("CONTACT_TYPE_CODE")),
            ],
        ),
        (
            NAME,
            upload(&[NOTE, C1]),
            vec![],
            1,
            vec![s("REC00004", Some(2), None)],
        ),
    ];
    for (name, bytes, args, code, want) in cases {
        let (got_code, got) = cli_validate(&bin, &dir, name, &bytes, &args);
        assert_eq!((got_code, &got), (code, &want), "{name} {args:?}");
    }
    // Could not run: exit 2.
    let out = Command::new(&bin)
        .args(["validate", "--org-id", "1", "--org-type", "supplier"])
        .arg(dir.join(NAME))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(&bin)
        .arg("validate")
        .arg(dir.join("missing.CMQ"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_process_hostile_files() {
    let Some(bin) = cms_bin() else {
        eprintln!("SKIPPED: build the cms binary first (cargo build -p cms-cli) or set CMS_BIN");
        return;
    };
    let dir = scratch_dir("cli-process");
    for (bytes, code) in [
        (b"".to_vec(), 1),
        (vec![0xFF; 1000], 1),
        (upload(&[C1, &c01_with(4, b"1234567890")]), 0),
    ] {
        let path = dir.join(NAME);
        std::fs::write(&path, &bytes).unwrap();
        let out = Command::new(&bin)
            .args([
                "process",
                "--org-id",
                "1234",
                "--org-type",
                "shipper",
                "--today",
                "2026-12-03",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary["file_accepted"], serde_json::json!(code == 0));
        let response = std::fs::read(dir.join("SHP00042.CMR")).unwrap();
        let r = validate_with(&response, Some("SHP00042.CMR"), &ValidateOptions::default());
        assert!(r.accepted(), "{:?}", got(&r));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
