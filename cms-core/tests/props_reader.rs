//! Property tests of the streaming reader, the validator and the batch job:
//! (a) no input panics or gives an `Err`, and every report is self-consistent;
//! (b) reading a file a few bytes at a time gives exactly the findings of reading it whole;
//! (c) the batch job on mutated uploads always answers with a response that validates as a
//!     CMR file, one R01 per C01 when the file is accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a panic is how a test fails"
)]

use std::io::{self, Read};
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use cms_core::batch::{process_bytes, BatchOptions, BatchOutput, Outcome};
use cms_core::crn::{CrnGenerator, CrnScheme};
use cms_core::format::{validate, validate_bytes, ValidateOptions};
use cms_core::{OrgType, Organisation, Report, RuleSet, Scope, Severity};
use proptest::prelude::*;

const NAME: &str = "SHP00042.CMQ";

/// `cases` unless `PROPTEST_CASES` says otherwise (for a longer soak).
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn rules() -> Arc<RuleSet> {
    static RULES: OnceLock<Arc<RuleSet>> = OnceLock::new();
    Arc::clone(RULES.get_or_init(|| RuleSet::embedded().unwrap()))
}

/// A valid small upload: every contact is accepted, no finding of any severity.
const VALID: &[u8] = b"\"A00\",1234,\"CMQ\",20261202,093000,42
\"C01\",\"SHP-1\",\"RFA\",3938424403,\"G4A08123456\",3,20250401,20250930,18234,-125.500,\"reconciliation overstated\"
\"C02\",\"customer supplied photographs\"
\"C03\",14,,\"Kirkgate Lane\",\"Leeds\",\"LS1\",\"6BT\"
\"C01\",\"SHP-2\",\"MNC\",,,,,,,,\"new meter point\"
\"C03\",,\"Mill House\",\"Bridge Street\",\"Chester\",\"CH1\",\"1NQ\"
\"C01\",\"SHP-3\",\"CDQ\",1234567810,,,20261101,,,,\"high bill, customer disputes\"
\"C01\",\"SHP-4\",\"DMQ\",2459924700,\"DM00880044\",1,,,,,\"daily metered query\"
\"Z99\",7
";

/// Tokens a UK Link file is made of, and a few that break it.
fn token() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"\"A00\"",
        b"A00",
        b"\"C01\"",
        b"C01",
        b"\"C02\"",
        b"\"C03\"",
        b"C09",
        b"\"Z99\"",
        b"Z99",
        b",",
        b",,",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\t",
        b"-",
        b".",
        b"\xFF",
        b"\x00",
        b"\xEF\xBB\xBF",
        b"\"CMQ\"",
        b"\"CMR\"",
        b"1234",
        b"20261202",
        b"093000",
        b"42",
        b"1234567810",
        b"\"CDQ\"",
        b"\"MNC\"",
        b"\"RFA\"",
        b"\"USR\"",
        b"99999999999999999999",
        b"\"A00\",1234,\"CMQ\",20261202,093000,42\n",
        b"\"C01\",\"R\",\"CDQ\",1234567810,,,20261101,,,,\"d\"\n",
        b"\"C02\",\"note\"\n",
        b"\"Z99\",1\n",
    ];
    prop_oneof![
        4 => proptest::sample::select(fixed).prop_map(<[u8]>::to_vec),
        1 => (0u64..100_000_000).prop_map(|n| n.to_string().into_bytes()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ]
}

fn tokens() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(token(), 0..120).prop_map(|t| t.concat())
}

/// Options worth varying: limits (small ones force the reader's overlong paths), strictness,
/// the uploader, the last generation, a forced format.
fn options() -> impl Strategy<Value = ValidateOptions> {
    (
        prop_oneof![Just(64 * 1024), 1usize..200],
        prop_oneof![Just(1024), 0usize..16],
        prop_oneof![Just(1000), 0usize..10],
        any::<bool>(),
        proptest::option::of(prop_oneof![
            Just(OrgType::Shipper),
            Just(OrgType::Uip),
            Just(OrgType::Cdsp)
        ]),
        proptest::option::of(0u64..100),
        proptest::option::of(prop_oneof![
            Just("CMQ".to_string()),
            Just("CMR".to_string())
        ]),
        any::<bool>(),
    )
        .prop_map(
            |(
                max_line_bytes,
                max_fields,
                max_findings,
                strict,
                org,
                last_generation,
                format,
                redact,
            )| {
                ValidateOptions {
                    format,
                    strict,
                    uploader: org.map(|org_type| Organisation { id: 1234, org_type }),
                    last_generation,
                    max_findings,
                    max_line_bytes,
                    max_fields,
                    redact,
                    ..ValidateOptions::default()
                }
            },
        )
}

/// Lines in the file as the validator counts them (LF ends a line; a last line without one
/// still counts).
fn line_count(bytes: &[u8]) -> u64 {
    let lf = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    lf + u64::from(!bytes.is_empty() && bytes.last() != Some(&b'\n'))
}

fn is_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 8
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3..].iter().all(u8::is_ascii_digit)
}

/// What every report must satisfy, whatever the input.
fn report_is_consistent(
    bytes: &[u8],
    opts: &ValidateOptions,
    r: &Report,
) -> Result<(), TestCaseError> {
    let lines = line_count(bytes);
    prop_assert!(
        r.records <= lines,
        "records {} > lines {}",
        r.records,
        lines
    );
    let listed = r.findings();
    let capped = usize::from(r.suppressed > 0);
    prop_assert!(listed.len() <= opts.max_findings + capped);
    let mut last_line = 0;
    for f in listed {
        let code = r.code(f);
        prop_assert!(is_code(code), "code {code:?}");
        let def = r
            .rules()
            .catalogue()
            .iter()
            .find(|d| d.code == code)
            .unwrap();
        prop_assert_eq!(f.severity, def.severity, "{}", code);
        if let Some(l) = f.line {
            prop_assert!(
                (1..=lines).contains(&l),
                "{} on line {} of {}",
                code,
                l,
                lines
            );
            prop_assert!(l >= last_line, "findings in line order");
            last_line = l;
        }
        prop_assert_eq!(f.field.is_some(), f.field_index.is_some(), "{}", code);
        if let Some(o) = f.offset {
            prop_assert!(
                o <= bytes.len() as u64,
                "{} offset {} past the end",
                code,
                o
            );
        }
        let message = r.message(f);
        prop_assert!(
            !message.is_empty() && !message.ends_with('.'),
            "{}: {:?}",
            code,
            message
        );
    }
    if r.suppressed == 0 {
        let errors = listed
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count() as u64;
        let warnings = listed
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count() as u64;
        prop_assert_eq!((r.errors, r.warnings), (errors, warnings));
    } else {
        prop_assert!(r.errors + r.warnings > opts.max_findings as u64);
        prop_assert_eq!(r.code(listed.last().unwrap()), "FIL00017");
    }
    prop_assert_eq!(r.accepted(), r.errors == 0);
    if bytes.is_empty() {
        prop_assert!(!r.accepted());
    }
    Ok(())
}

fn check(bytes: &[u8], opts: &ValidateOptions) -> Result<Report, TestCaseError> {
    match validate_bytes(&rules(), bytes, Some(NAME), opts) {
        Ok(r) => {
            report_is_consistent(bytes, opts, &r)?;
            Ok(r)
        }
        Err(e) => Err(TestCaseError::fail(format!(
            "bad content gave an error: {e}"
        ))),
    }
}

/// Hands out the bytes `pattern[i % len]` (1..=7) at a time.
struct Chunks<'a> {
    bytes: &'a [u8],
    pattern: &'a [usize],
    call: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let want = self.pattern[self.call % self.pattern.len()];
        self.call += 1;
        let n = want.min(self.bytes.len()).min(out.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn same_streamed(
    bytes: &[u8],
    pattern: &[usize],
    opts: &ValidateOptions,
) -> Result<(), TestCaseError> {
    let whole = check(bytes, opts)?;
    let chunks = Chunks {
        bytes,
        pattern,
        call: 0,
    };
    let streamed = validate(&rules(), chunks, Some(NAME), opts)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(streamed.findings(), whole.findings());
    prop_assert_eq!(
        (
            streamed.records,
            streamed.errors,
            streamed.warnings,
            streamed.suppressed,
            &streamed.format
        ),
        (
            whole.records,
            whole.errors,
            whole.warnings,
            whole.suppressed,
            &whole.format
        )
    );
    Ok(())
}

/// One edit of an upload.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(prop::sample::Index, Vec<u8>),
    Delete(prop::sample::Index, usize),
    Replace(prop::sample::Index, Vec<u8>),
    DuplicateLine(prop::sample::Index),
    DeleteLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<prop::sample::Index>;
    prop_oneof![
        (at(), token()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (at(), 1usize..6).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (at(), token()).prop_map(|(i, t)| Mutation::Replace(i, t)),
        at().prop_map(Mutation::DuplicateLine),
        at().prop_map(Mutation::DeleteLine),
        (at(), at()).prop_map(|(i, j)| Mutation::SwapLines(i, j)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    match m {
        Mutation::Insert(i, t) => {
            let at = i.index(len + 1);
            bytes.splice(at..at, t.iter().copied());
        }
        Mutation::Delete(i, n) if len > 0 => {
            let at = i.index(len);
            bytes.drain(at..(at + n).min(len));
        }
        Mutation::Replace(i, t) if len > 0 => {
            let at = i.index(len);
            bytes.splice(at..=at, t.iter().copied());
        }
        Mutation::DuplicateLine(i) | Mutation::DeleteLine(i) | Mutation::SwapLines(i, _) => {
            let mut lines: Vec<Vec<u8>> = bytes
                .split_inclusive(|b| *b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            if lines.is_empty() {
                return;
            }
            let a = i.index(lines.len());
            match m {
                Mutation::DuplicateLine(_) => {
                    let line = lines[a].clone();
                    lines.insert(a, line);
                }
                Mutation::DeleteLine(_) => {
                    lines.remove(a);
                }
                Mutation::SwapLines(_, j) => {
                    let b = j.index(lines.len());
                    lines.swap(a, b);
                }
                _ => {}
            }
            *bytes = lines.concat();
        }
        _ => {}
    }
}

/// The record type of a line by the documented splitting rule (split.rs): a quoted field ends
/// at a `"` followed by a comma or the end of the line, an unclosed one runs to the end.
fn record_type(line: &[u8]) -> &[u8] {
    match line.strip_prefix(b"\"") {
        Some(rest) => {
            let end = (0..rest.len())
                .find(|&q| rest[q] == b'"' && (q + 1 == rest.len() || rest[q + 1] == b','))
                .unwrap_or(rest.len());
            &rest[..end]
        }
        None => line.split(|b| *b == b',').next().unwrap_or_default(),
    }
}

/// The C01 records of an upload, counted independently of the engine.
fn contacts_in(bytes: &[u8]) -> usize {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    body.split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| record_type(l) == b"C01")
        .count()
}

fn response_lines<'a>(out: &'a BatchOutput, record: &str) -> Vec<&'a [u8]> {
    let prefix = format!("\"{record}\",");
    out.response
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(prefix.as_bytes()))
        .collect()
}

fn batch(bytes: &[u8], name: &str) -> Result<BatchOutput, TestCaseError> {
    let opts = BatchOptions::new(
        Organisation {
            id: 1234,
            org_type: OrgType::Shipper,
        },
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
    );
    let crn = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
    process_bytes(&rules(), bytes, name, &opts, &crn)
        .map_err(|e| TestCaseError::fail(format!("batch gave an error: {e}")))
}

/// Everything the batch job must do with any upload, except that its response validates
/// (checked by the callers, which differ in what they tolerate).
fn batch_is_consistent(bytes: &[u8], name: &str, out: &BatchOutput) -> Result<(), TestCaseError> {
    let s = &out.summary;
    let r01 = response_lines(out, "R01");
    let r00 = response_lines(out, "R00");
    // The file-level verdict agrees with the validator's own.
    let vopts = ValidateOptions {
        format: Some("CMQ".into()),
        uploader: Some(Organisation {
            id: 1234,
            org_type: OrgType::Shipper,
        }),
        max_findings: usize::MAX,
        ..ValidateOptions::default()
    };
    let report = validate_bytes(&rules(), bytes, Some(name), &vopts).unwrap();
    let file_errors = report
        .findings()
        .iter()
        .filter(|f| f.scope == Scope::File && f.severity == Severity::Error)
        .count();
    prop_assert_eq!(s.file_accepted, file_errors == 0, "{:?}", s.file_rejections);
    if s.file_accepted {
        let c01 = contacts_in(bytes);
        prop_assert_eq!(r01.len(), c01, "one R01 per C01");
        prop_assert_eq!(out.contacts.len(), c01);
        prop_assert_eq!(s.contacts_total, c01 as u64);
        prop_assert!(r00.is_empty());
        prop_assert_eq!(s.accepted + s.warned + s.rejected, s.contacts_total);
        let mut crns = Vec::new();
        for (c, line) in out.contacts.iter().zip(&r01) {
            let outcome = c.outcome.code().as_bytes();
            prop_assert!(line
                .windows(4)
                .any(|w| w[0] == b'"' && &w[1..3] == outcome && w[3] == b'"'));
            prop_assert_eq!(c.crn.is_some(), c.outcome != Outcome::Rejected);
            prop_assert_eq!(c.target_date.is_some(), c.outcome != Outcome::Rejected);
            prop_assert_eq!(
                c.outcome == Outcome::Rejected,
                c.findings.iter().any(|f| f.severity == Severity::Error)
            );
            crns.extend(c.crn.clone());
        }
        prop_assert_eq!(s.first_crn.as_ref(), crns.first());
        prop_assert_eq!(s.last_crn.as_ref(), crns.last());
        let mut unique = crns.clone();
        unique.dedup();
        prop_assert_eq!(unique.len(), crns.len(), "CRNs are never reused");
    } else {
        prop_assert!(r01.is_empty());
        prop_assert!((1..=15).contains(&r00.len()), "{} R00", r00.len());
        prop_assert!(out.contacts.is_empty());
        prop_assert_eq!(s.first_crn.as_ref(), None, "no CRN for a rejected file");
        prop_assert!(!s.file_rejections.is_empty());
    }
    Ok(())
}

fn names() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        NAME,
        NAME,
        NAME,
        "shp00042.cmq",
        "X.CMQ",
        "SHP00042",
        "SHP00043.CMQ",
    ])
}

fn mutated() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(mutation(), 0..6).prop_map(|ms| {
        let mut bytes = VALID.to_vec();
        for m in &ms {
            apply(&mut bytes, m);
        }
        bytes
    })
}

#[test]
fn the_valid_upload_is_valid() {
    let r = validate_bytes(&rules(), VALID, Some(NAME), &ValidateOptions::default()).unwrap();
    assert_eq!(r.findings(), &[]);
    let out = batch(VALID, NAME).unwrap();
    assert_eq!((out.summary.accepted, out.summary.contacts_total), (4, 4));
    assert_eq!(contacts_in(VALID), 4);
}

#[test]
fn the_record_type_oracle_follows_the_documented_split() {
    assert_eq!(record_type(b"\"C01\",x"), b"C01");
    assert_eq!(record_type(b"C01,x"), b"C01");
    assert_eq!(record_type(b"\"C01"), b"C01");
    assert_eq!(record_type(b"\"C01\"x,\"y\""), b"C01\"x,\"y");
    assert_eq!(record_type(b"\"C01\"x,y"), b"C01\"x,y");
    assert_eq!(record_type(b"\"C\"01\""), b"C\"01");
    assert_eq!(record_type(b""), b"");
}

proptest! {
    #![proptest_config(config(1024))]

    /// (a) Arbitrary bytes never panic and never give an `Err`.
    #[test]
    fn arbitrary_bytes_give_a_consistent_report(bytes in proptest::collection::vec(any::<u8>(), 0..600), opts in options()) {
        check(&bytes, &opts)?;
    }

    /// (a) Nor do sequences of plausible tokens, which reach deeper into the validator.
    #[test]
    fn arbitrary_tokens_give_a_consistent_report(bytes in tokens(), opts in options()) {
        check(&bytes, &opts)?;
    }

    /// (b) Small reads give the findings of one whole buffer: arbitrary tokens.
    #[test]
    fn small_reads_match_the_whole_buffer(
        bytes in tokens(),
        pattern in proptest::collection::vec(1usize..=7, 1..8),
        opts in options(),
    ) {
        same_streamed(&bytes, &pattern, &opts)?;
    }

    /// (b) Small reads give the findings of one whole buffer: mutated uploads, default options.
    #[test]
    fn small_reads_match_the_whole_buffer_on_uploads(
        bytes in mutated(),
        pattern in proptest::collection::vec(1usize..=7, 1..8),
        max_line_bytes in prop_oneof![Just(64 * 1024), 1usize..120],
    ) {
        let opts = ValidateOptions { max_line_bytes, ..ValidateOptions::default() };
        same_streamed(&bytes, &pattern, &opts)?;
    }

    /// (c) The batch job on mutated uploads: consistent, and its response validates as a CMR
    /// file — tolerating only the known generation bug, FIL00009 in the response (the response
    /// takes its generation from the upload's header but its name from the upload's name; see
    /// the ignored strict property below).
    #[test]
    fn batch_on_mutated_uploads_answers_consistently(bytes in mutated(), name in names()) {
        let out = batch(&bytes, name)?;
        batch_is_consistent(&bytes, name, &out)?;
        let r = validate_bytes(&rules(), &out.response, Some(&out.summary.response_file), &ValidateOptions::default()).unwrap();
        prop_assert_eq!(r.format.as_deref(), Some("CMR"));
        for f in r.findings().iter().filter(|f| f.severity == Severity::Error) {
            prop_assert!(
                r.code(f) == "FIL00009",
                "response error {} {:?}\n{}",
                r.code(f),
                r.message(f),
                String::from_utf8_lossy(&out.response)
            );
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// (c) strict: the response always validates as a CMR file with zero errors.
    #[test]
    fn batch_response_always_validates(bytes in mutated(), name in names()) {
        let out = batch(&bytes, name)?;
        batch_is_consistent(&bytes, name, &out)?;
        let r = validate_bytes(&rules(), &out.response, Some(&out.summary.response_file), &ValidateOptions::default()).unwrap();
        prop_assert_eq!(r.format.as_deref(), Some("CMR"));
        prop_assert_eq!(r.errors, 0, "{:?}\n{}", r.findings().iter().map(|f| r.message(f)).collect::<Vec<_>>(), String::from_utf8_lossy(&out.response));
    }
}
