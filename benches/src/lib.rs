//! Shared helpers for the benchmarks: a generator of CMQ contact uploads (DOMAIN.md §8), either
//! as bytes in memory ([`cmq_file`]) or streamed record by record from a [`Read`] ([`CmqStream`]),
//! so that a measurement can keep the input out of the memory it measures.
//!
//! A generated file has a valid header (`"A00",1234,"CMQ",20261202,093000,42`, to be validated
//! under the name [`FILE_NAME`]), the given number of `C01` contacts with distinct customer
//! references and distinct valid MPRNs, some `C02` notes and `C03` addresses, and a trailer with
//! the right record count. Contacts cycle through the contact types a shipper may raise (RFA,
//! CDQ, DMQ, MNC), each with the fields and records its type requires. A clean file is accepted
//! with no finding at all, by `validate` and by the batch job (uploader: a shipper); about
//! 120 bytes a contact on average, children included (1,000,000 contacts ≈ 120 MB).
//!
//! With `all_bad`, every contact is rejected — its MPRN fails its check digits (or, for MNC, is
//! not allowed at all) and its EFFECTIVE_DATE is not a date — while the file stays valid at file
//! level; the bad file is about the size of the clean one (2% larger: its MNC contacts carry an
//! MPRN).

use std::io::{self, Read, Write};

/// The name generated files are validated under (generation 42 of a CMQ file).
pub const FILE_NAME: &str = "SHP00042.CMQ";

/// The header line of every generated file.
pub const HEADER: &[u8] = b"\"A00\",1234,\"CMQ\",20261202,093000,42\n";

/// Contact types, one a contact, in a cycle of ten: 3 RFA, 3 CDQ, 2 DMQ, 2 MNC.
const TYPES: [Kind; 10] = [
    Kind::Rfa,
    Kind::Cdq,
    Kind::Dmq,
    Kind::Mnc,
    Kind::Rfa,
    Kind::Cdq,
    Kind::Rfa,
    Kind::Cdq,
    Kind::Dmq,
    Kind::Mnc,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rfa,
    Cdq,
    Dmq,
    Mnc,
}

/// Contact descriptions (printable ASCII, no double quote; commas are inside the quotes).
const DESCRIPTIONS: [&str; 16] = [
    "estimated reads too high",
    "customer disputes winter bill",
    "meter exchanged, reads open",
    "AQ wrong after change of use",
    "reads rejected twice",
    "consumption doubled",
    "site vacant; no usage",
    "correction factor in error",
    "new build plot needs a meter",
    "daily reads missing",
    "volume spike after fault",
    "check read from customer",
    "imperial meter read as metric",
    "please review reconciliation",
    "duplicate read on one day",
    "supply point now class 3",
];

/// Note texts for `C02` records.
const NOTES: [&str; 6] = [
    "photo of the meter index sent by email",
    "customer available weekday mornings only",
    "see earlier contact on the same site",
    "access via the rear gate, dog on site",
    "reads taken by the customer, not verified",
    "landlord holds the keys to the meter room",
];

/// Street, town, outcode and incode for `C03` addresses.
const ADDRESSES: [(&str, &str, &str, &str); 6] = [
    ("HIGH STREET", "LEEDS", "LS1", "4AB"),
    ("STATION ROAD", "YORK", "YO24", "1AA"),
    ("CHURCH LANE", "DERBY", "DE1", "2QT"),
    ("MILL ROAD", "CAMBRIDGE", "CB1", "3NP"),
    ("VICTORIA ROAD", "SWINDON", "SN1", "3BQ"),
    ("PARK AVENUE", "HULL", "HU5", "3EP"),
];

/// The two MPRN check digits of an 8-digit body (DOMAIN.md §5): the digits weighted 8, 7, …, 1
/// from the left, summed, modulo 11.
pub fn mprn_check(body: u64) -> u64 {
    let mut sum = 0;
    let mut rest = body;
    // The rightmost digit has weight 1, the leftmost (of 8) weight 8.
    for weight in 1..=8 {
        sum += (rest % 10) * weight;
        rest /= 10;
    }
    sum % 11
}

/// The valid 10-digit MPRN of contact `i`: a distinct 8-digit body for every `i` below
/// 90,000,000, then its check digits.
pub fn mprn(i: usize) -> u64 {
    let body = mprn_body(i);
    body * 100 + mprn_check(body)
}

fn mprn_body(i: usize) -> u64 {
    // 7,919 is prime and coprime to 90,000,000, so i ↦ body is one-to-one below 90,000,000.
    10_000_000 + (i as u64 % 90_000_000) * 7_919 % 90_000_000
}

/// The MPRN written on a bad contact: the right body with wrong check digits.
fn bad_mprn(i: usize) -> u64 {
    let body = mprn_body(i);
    body * 100 + (mprn_check(body) + 1) % 100
}

/// A date in 2025 or 2026 (before the header's creation date), day 1–28.
fn date(i: usize, salt: usize) -> (usize, usize, usize) {
    let k = i.wrapping_mul(31).wrapping_add(salt.wrapping_mul(17));
    let year = 2025 + k % 2;
    let month = 1 + (k / 2) % 11;
    let day = 1 + (k / 7) % 28;
    (year, month, day)
}

/// Append contact `i` (its `C01` and any children) to `out`; returns the records written.
pub fn write_contact(out: &mut Vec<u8>, i: usize, all_bad: bool) -> u64 {
    // Writing to a Vec cannot fail: the results are ignored on purpose.
    let kind = TYPES.get(i % TYPES.len()).copied().unwrap_or(Kind::Cdq);
    let desc = DESCRIPTIONS
        .get((i / 3) % DESCRIPTIONS.len())
        .copied()
        .unwrap_or_default();
    let (y, m, d) = date(i, 0);
    // Feb 30th stands in for the effective date of a bad contact: same length, not a date.
    let effective = if all_bad {
        "20260230".to_string()
    } else {
        format!("{y}{m:02}{d:02}")
    };
    let mprn = if all_bad { bad_mprn(i) } else { mprn(i) };
    let _ = write!(out, "\"C01\",\"R{i:08}\",");
    let mut records = 1;
    match kind {
        Kind::Rfa => {
            let class = 2 + i % 3;
            let end_day = (d + 9).min(28);
            let volume = (i % 90_000) as f64 / 8.0 - 5_000.0;
            let _ = writeln!(
                out,
                "\"RFA\",{mprn},\"E6S{:08}\",{class},{effective},{y}{m:02}{end_day:02},,{volume:.3},\"{desc}\"",
                i % 100_000_000
            );
        }
        Kind::Cdq => {
            let reading = (i * 37) % 1_000_000;
            let _ = writeln!(
                out,
                "\"CDQ\",{mprn},\"G4A{:08}\",,{effective},,{reading:06},,\"{desc}\"",
                i % 100_000_000
            );
        }
        Kind::Dmq => {
            let _ = writeln!(out, "\"DMQ\",{mprn},,1,{effective},,,,\"{desc}\"");
        }
        Kind::Mnc => {
            // A bad MNC carries an MPRN, which the type does not allow.
            if all_bad {
                let _ = writeln!(out, "\"MNC\",{mprn},,,{effective},,,,\"{desc}\"");
            } else {
                let _ = writeln!(out, "\"MNC\",,,,{effective},,,,\"{desc}\"");
            }
            let (street, town, outcode, incode) = ADDRESSES
                .get((i / 10) % ADDRESSES.len())
                .copied()
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\"C03\",{},,\"{street}\",\"{town}\",\"{outcode}\",\"{incode}\"",
                1 + i % 200
            );
            records += 1;
        }
    }
    // A note on every third contact, a second one on every twelfth.
    if i % 3 == 0 {
        let note = NOTES.get(i % NOTES.len()).copied().unwrap_or_default();
        let _ = writeln!(out, "\"C02\",\"{note}\"");
        records += 1;
        if i % 12 == 0 {
            let note = NOTES
                .get((i / 12 + 3) % NOTES.len())
                .copied()
                .unwrap_or_default();
            let _ = writeln!(out, "\"C02\",\"{note}\"");
            records += 1;
        }
    }
    records
}

/// A whole CMQ upload in memory: `contacts` contacts, every one bad when `all_bad`.
pub fn cmq_file(contacts: usize, all_bad: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(contacts * 121 + 64);
    // Reading from the stream into a Vec cannot fail.
    let _ = CmqStream::new(contacts, all_bad).read_to_end(&mut out);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Header,
    Body,
    Trailer,
    Done,
}

/// The same file as [`cmq_file`], produced on the fly as it is read: only a few kilobytes of it
/// exist at any time.
pub struct CmqStream {
    contacts: usize,
    all_bad: bool,
    next: usize,
    records: u64,
    stage: Stage,
    buf: Vec<u8>,
    pos: usize,
}

/// Bytes generated ahead at a time.
const CHUNK: usize = 16 * 1024;

impl CmqStream {
    /// A stream of a file of `contacts` contacts, every one bad when `all_bad`.
    pub fn new(contacts: usize, all_bad: bool) -> Self {
        CmqStream {
            contacts,
            all_bad,
            next: 0,
            records: 0,
            stage: Stage::Header,
            buf: Vec::with_capacity(CHUNK + 1024),
            pos: 0,
        }
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        while self.buf.len() < CHUNK {
            match self.stage {
                Stage::Header => {
                    self.buf.extend_from_slice(HEADER);
                    self.stage = if self.contacts == 0 {
                        Stage::Trailer
                    } else {
                        Stage::Body
                    };
                }
                Stage::Body => {
                    self.records += write_contact(&mut self.buf, self.next, self.all_bad);
                    self.next += 1;
                    if self.next >= self.contacts {
                        self.stage = Stage::Trailer;
                    }
                }
                Stage::Trailer => {
                    let _ = writeln!(self.buf, "\"Z99\",{}", self.records);
                    self.stage = Stage::Done;
                }
                Stage::Done => return,
            }
        }
    }
}

impl Read for CmqStream {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.buf.len() {
            self.refill();
        }
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;
    use cms_core::format::{validate, validate_bytes, ValidateOptions};
    use cms_core::{RuleSet, Severity};

    #[test]
    fn check_digits_match_the_domain_examples() {
        assert_eq!(mprn_check(39_384_244), 3);
        assert_eq!(mprn_check(12_345_678), 10);
        assert_eq!(mprn_check(98_765_432), 9);
        assert_eq!(mprn_check(24_599_247), 0);
        let ids: std::collections::HashSet<u64> = (0..100_000).map(mprn).collect();
        assert_eq!(ids.len(), 100_000);
        assert!(ids
            .iter()
            .all(|m| (1_000_000_000..10_000_000_000).contains(m)));
    }

    #[test]
    fn clean_file_is_accepted_without_findings() {
        let rules = RuleSet::embedded().unwrap();
        for n in [1, 10, 37, 240] {
            let bytes = cmq_file(n, false);
            let report =
                validate_bytes(&rules, &bytes, Some(FILE_NAME), &ValidateOptions::default())
                    .unwrap();
            let shown: Vec<String> = report
                .findings()
                .iter()
                .map(|f| format!("{} {:?} {}", report.code(f), f.line, report.message(f)))
                .collect();
            assert!(report.findings().is_empty(), "{n} contacts: {shown:#?}");
            assert!(report.accepted());
            assert_eq!((report.errors, report.warnings), (0, 0));
            let c01 = bytes
                .split(|b| *b == b'\n')
                .filter(|l| l.starts_with(b"\"C01\""))
                .count();
            assert_eq!(c01, n);
        }
    }

    #[test]
    fn every_contact_of_the_bad_file_has_an_error() {
        let rules = RuleSet::embedded().unwrap();
        let bytes = cmq_file(240, true);
        let report =
            validate_bytes(&rules, &bytes, Some(FILE_NAME), &ValidateOptions::default()).unwrap();
        assert!(!report.accepted());
        assert_eq!(report.suppressed, 0);
        // No finding rejects the file: every one is about a contact.
        assert!(
            report
                .findings()
                .iter()
                .all(|f| f.scope != cms_core::Scope::File),
            "file-level finding"
        );
        let contact_lines: Vec<u64> = bytes
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, l)| l.starts_with(b"\"C01\""))
            .map(|(i, _)| i as u64 + 1)
            .collect();
        assert_eq!(contact_lines.len(), 240);
        for line in &contact_lines {
            let errors = report
                .findings()
                .iter()
                .filter(|f| f.line == Some(*line) && f.severity == Severity::Error)
                .count();
            assert!(errors >= 2, "line {line}: {errors} errors");
        }
        let codes: std::collections::BTreeSet<&str> =
            report.findings().iter().map(|f| report.code(f)).collect();
        assert!(codes.len() >= 3, "{codes:?}");
    }

    #[test]
    fn stream_and_bytes_agree_and_files_are_the_promised_size() {
        for (n, bad) in [(0, false), (1, false), (3_001, false), (3_001, true)] {
            let bytes = cmq_file(n, bad);
            let mut streamed = Vec::new();
            // A small buffer: reads cross the generator's chunks.
            let mut s = CmqStream::new(n, bad);
            let mut buf = [0u8; 1000];
            loop {
                let k = s.read(&mut buf).unwrap();
                if k == 0 {
                    break;
                }
                streamed.extend_from_slice(&buf[..k]);
            }
            assert_eq!(streamed, bytes);
            assert!(bytes.ends_with(b"\n"));
        }
        let clean = cmq_file(10_000, false);
        let bad = cmq_file(10_000, true);
        assert!(bad.len() > clean.len() && bad.len() < clean.len() + clean.len() / 20);
        let per_contact = clean.len() / 10_000;
        assert!(
            (110..=130).contains(&per_contact),
            "{per_contact} bytes a contact"
        );
        let rules = RuleSet::embedded().unwrap();
        let report = validate(
            &rules,
            CmqStream::new(10_000, false),
            Some(FILE_NAME),
            &ValidateOptions::default(),
        )
        .unwrap();
        assert!(report.findings().is_empty());
        let lines = clean.iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(report.records, lines);
        assert!(clean.ends_with(format!("\"Z99\",{}\n", lines - 2).as_bytes()));
    }
}
