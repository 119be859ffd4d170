//! The per-file indexes (customer references; MPRN and contact type) are looked up in batches
//! of contacts, and findings and units are held back meanwhile (cms-core's `format::outbox`).
//! These files cross every batch boundary — many batches, duplicates far apart and next to each
//! other, a contact with thousands of findings of its own (which makes the engine pass things on
//! in the middle of a contact) — and check that the findings, their order, and each contact's
//! outcome are exactly those of a lookup made on the spot.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a panic is how a test fails"
)]

use chrono::NaiveDate;
use cms_core::batch::{process_bytes, BatchOptions, Outcome};
use cms_core::crn::{CrnGenerator, CrnScheme};
use cms_core::finding::Check;
use cms_core::format::{validate_bytes, ValidateOptions};
use cms_core::ids::mprn_check_digits;
use cms_core::{OrgType, Organisation, RuleSet};

const NAME: &str = "SHP00042.CMQ";

/// A valid MPRN: a 8-digit body from `n` and its two check digits.
fn mprn(n: u64) -> String {
    let body = format!("{:08}", 10_000_000 + n);
    let check = mprn_check_digits(body.as_bytes()).unwrap();
    format!("{body}{}", String::from_utf8_lossy(&check))
}

fn contact(reference: &str, mprn: &str) -> String {
    format!("\"C01\",\"{reference}\",\"CDQ\",{mprn},,,20261101,,,,\"d\"")
}

/// Header, body lines, trailer; every line terminated.
fn file(body: &[String]) -> Vec<u8> {
    let mut out = String::from("\"A00\",1234,\"CMQ\",20261202,093000,42\n");
    for l in body {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&format!("\"Z99\",{}\n", body.len()));
    out.into_bytes()
}

fn options() -> ValidateOptions {
    ValidateOptions {
        max_findings: 1_000_000,
        ..ValidateOptions::default()
    }
}

/// (check, line, field) of every finding, in order.
fn findings(bytes: &[u8]) -> Vec<(Check, u64, Option<String>)> {
    let rules = RuleSet::embedded().unwrap();
    let report = validate_bytes(&rules, bytes, Some(NAME), &options()).unwrap();
    report
        .findings()
        .iter()
        .map(|f| {
            (
                f.check,
                f.line.unwrap_or(0),
                f.field.as_deref().map(str::to_string),
            )
        })
        .collect()
}

/// Each contact's line and outcome from the batch job.
fn outcomes(bytes: &[u8]) -> Vec<(u64, Outcome)> {
    let rules = RuleSet::embedded().unwrap();
    let crn = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
    let shipper = Organisation {
        id: 1234,
        org_type: OrgType::Shipper,
    };
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let out = process_bytes(
        &rules,
        bytes,
        NAME,
        &BatchOptions::new(shipper, today),
        &crn,
    )
    .unwrap();
    out.contacts.iter().map(|c| (c.line, c.outcome)).collect()
}

const REFERENCE: &str = "CUSTOMER_REFERENCE";
const METER_POINT: &str = "SUPPLY_METER_POINT_REFERENCE";

#[test]
fn duplicates_across_many_batches() {
    // 3,000 contacts (a dozen batches): every 7th repeats the reference before it, every 11th
    // the MPRN of the contact five before it, and the last one the very first contact's
    // reference and MPRN.
    let n = 3000u64;
    let mut body = Vec::new();
    let mut want = Vec::new();
    for i in 0..n {
        let line = i + 2;
        let dup_reference = i > 0 && i % 7 == 0;
        let dup_mprn = i > 0 && i % 11 == 0;
        let last = i == n - 1;
        let reference = if last {
            "R0".to_string()
        } else if dup_reference {
            format!("R{}", i - 1)
        } else {
            format!("R{i}")
        };
        // The MPRN of contact i - 5 is `mprn(i - 5)` unless that one repeated one too.
        let own = |k: u64| if k > 0 && k % 11 == 0 { k - 5 } else { k };
        let m = if last {
            mprn(0)
        } else if dup_mprn {
            mprn(own(i - 5))
        } else {
            mprn(i)
        };
        if dup_reference || last {
            want.push((Check::DuplicateReference, line, Some(REFERENCE.to_string())));
        }
        if dup_mprn || last {
            want.push((
                Check::DuplicateMeterPoint,
                line,
                Some(METER_POINT.to_string()),
            ));
        }
        body.push(contact(&reference, &m));
    }
    let bytes = file(&body);
    assert_eq!(findings(&bytes), want);
    let got = outcomes(&bytes);
    assert_eq!(got.len(), n as usize);
    for (i, (line, outcome)) in got.iter().enumerate() {
        let i = i as u64;
        // A repeated reference rejects the contact; a repeated MPRN is a warning.
        let rejected = i == n - 1 || (i > 0 && i % 7 == 0);
        let warned = i > 0 && i % 11 == 0;
        assert_eq!(*line, i + 2);
        let want = match (rejected, warned) {
            (true, _) => Outcome::Rejected,
            (false, true) => Outcome::Warned,
            _ => Outcome::Accepted,
        };
        assert_eq!(*outcome, want, "contact on line {line}");
    }
}

#[test]
fn a_contact_with_thousands_of_findings_keeps_its_duplicate_first() {
    // Contact 2 repeats contact 1's reference and has 6,000 notes each missing its text (more
    // findings than are held back at once); contact 3 is clean; contact 4 repeats contact 2's
    // MPRN (a warning).
    let mut body = vec![contact("A", &mprn(1)), contact("A", &mprn(2))];
    let notes = 6000u64;
    for _ in 0..notes {
        body.push("\"C02\",".to_string());
    }
    body.push(contact("C", &mprn(3)));
    body.push(contact("D", &mprn(2)));
    let bytes = file(&body);
    let got = findings(&bytes);
    assert_eq!(
        got.first(),
        Some(&(Check::DuplicateReference, 3, Some(REFERENCE.to_string())))
    );
    let notes_found: Vec<_> = got
        .iter()
        .filter(|f| f.0 == Check::MandatoryFieldMissing)
        .collect();
    assert_eq!(notes_found.len() as u64, notes);
    assert!(notes_found
        .iter()
        .enumerate()
        .all(|(k, f)| f.1 == 4 + k as u64));
    let last_line = 4 + notes + 1;
    assert_eq!(
        got.last(),
        Some(&(
            Check::DuplicateMeterPoint,
            last_line,
            Some(METER_POINT.to_string())
        ))
    );
    // Lines never go back: every finding is on its own line or a later one.
    assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "{got:?}");
    let lines: Vec<_> = outcomes(&bytes);
    assert_eq!(
        lines,
        vec![
            (2, Outcome::Accepted),
            (3, Outcome::Rejected),
            (last_line - 1, Outcome::Accepted),
            (last_line, Outcome::Warned)
        ]
    );
}
