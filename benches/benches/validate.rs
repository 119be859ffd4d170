//! Validating a generated CMQ upload, measured in one criterion group beside two baselines so
//! the numbers of one run are comparable:
//!
//! - `lines_memchr`: count the line ends (the floor: one pass over the bytes);
//! - `csv_byte_records`: read every record with the csv crate (a general CSV reader, no checks);
//! - `cms_validate_clean`: `cms_core::format::validate_bytes` on a file with no finding;
//! - `cms_validate_all_bad`: the same on a file whose every contact is rejected (findings capped
//!   at the default `max_findings`).
//!
//! The file has `CMS_BENCH_CONTACTS` contacts (default 1,000,000, about 118 MB), generated once
//! and kept in memory. After the group, the two ratios the README tracks are printed to stderr,
//! from a timed loop of its own — the four measurements taken in turn, round after round, and
//! the best of each kept, so that a machine slowing down for a while slows all four alike:
//! throughput of clean validation / csv (target ≥ 0.30) and all-bad time / clean time (≤ 2.0).
//!
//! `cargo bench -p cms-benches --bench validate`

use std::hint::black_box;
use std::time::{Duration, Instant};

use cms_benches::{cmq_file, FILE_NAME};
use cms_core::format::{validate_bytes, ValidateOptions};
use cms_core::{Report, RuleSet};
use criterion::{Criterion, SamplingMode, Throughput};

/// Contacts in the generated file unless `CMS_BENCH_CONTACTS` says otherwise.
const DEFAULT_CONTACTS: usize = 1_000_000;
/// The default when criterion runs the bench as a test (`cargo test --benches`): a quick check.
const TEST_MODE_CONTACTS: usize = 10_000;

fn contacts(test_mode: bool) -> usize {
    match std::env::var("CMS_BENCH_CONTACTS") {
        Ok(v) => match v.trim().replace('_', "").parse() {
            Ok(n) => n,
            Err(_) => fail(&format!("CMS_BENCH_CONTACTS=`{v}` is not a number")),
        },
        Err(_) if test_mode => TEST_MODE_CONTACTS,
        Err(_) => DEFAULT_CONTACTS,
    }
}

fn fail(message: &str) -> ! {
    eprintln!("validate bench: {message}");
    std::process::exit(2)
}

/// Lines, as the cheapest possible pass.
fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Records and fields, read by the csv crate with one reused record.
fn csv_records(bytes: &[u8]) -> (u64, u64) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let (mut records, mut fields) = (0u64, 0u64);
    while let Ok(true) = reader.read_byte_record(&mut record) {
        records += 1;
        fields += record.len() as u64;
    }
    (records, fields)
}

fn validate(rules: &std::sync::Arc<RuleSet>, bytes: &[u8], opts: &ValidateOptions) -> Report {
    match validate_bytes(rules, bytes, Some(FILE_NAME), opts) {
        Ok(r) => r,
        Err(e) => fail(&format!("validation could not run: {e}")),
    }
}

/// The time of one run of `f`.
fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let test_mode = args.iter().any(|a| a == "--test" || a == "--list");
    // Under `--profile-time` criterion only runs the code: so does this bench, without extras.
    let profiling = args.iter().any(|a| a == "--profile-time");
    let n = contacts(test_mode);
    let rules = match RuleSet::embedded() {
        Ok(r) => r,
        Err(e) => fail(&format!("the embedded rule set: {e}")),
    };
    let opts = ValidateOptions::default();
    let clean = cmq_file(n, false);
    let bad = cmq_file(n, true);

    // What is measured must be what it says: a clean file, and a file where every contact is bad.
    let start = Instant::now();
    let report = validate(&rules, &clean, &opts);
    let once = start.elapsed();
    if !report.findings().is_empty() {
        fail(&format!(
            "the clean file has {} findings",
            report.findings().len()
        ));
    }
    let report = validate(&rules, &bad, &opts);
    if report.accepted() || (n > 0 && report.errors < n as u64) {
        fail(&format!(
            "the bad file has {} errors for {n} contacts",
            report.errors
        ));
    }
    eprintln!(
        "validate bench: {n} contacts; clean file {:.1} MB, all-bad file {:.1} MB ({} errors, {} listed, {} suppressed)",
        clean.len() as f64 / 1e6,
        bad.len() as f64 / 1e6,
        report.errors,
        report.findings().len(),
        report.suppressed,
    );
    drop(report);

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    {
        let mut group = c.benchmark_group(format!("validate/{n}"));
        // A few long iterations: the same number of iterations in every sample.
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(clean.len() as u64));
        group.bench_function("lines_memchr", |b| {
            b.iter(|| count_lines(black_box(&clean)))
        });
        group.bench_function("csv_byte_records", |b| {
            b.iter(|| csv_records(black_box(&clean)))
        });
        // Time enough for 10 runs of a validation (criterion warns when it cannot finish).
        group.measurement_time(Duration::from_secs(5).max(once * 12));
        group.bench_function("cms_validate_clean", |b| {
            b.iter(|| validate(&rules, black_box(&clean), &opts))
        });
        group.throughput(Throughput::Bytes(bad.len() as u64));
        group.bench_function("cms_validate_all_bad", |b| {
            b.iter(|| validate(&rules, black_box(&bad), &opts))
        });
        group.finish();
    }
    c.final_summary();
    if test_mode || profiling {
        return;
    }

    let runs = 5;
    let mut best = [Duration::MAX; 4];
    for _ in 0..runs {
        let round = [
            timed(|| {
                black_box(count_lines(black_box(&clean)));
            }),
            timed(|| {
                black_box(csv_records(black_box(&clean)));
            }),
            timed(|| {
                black_box(validate(&rules, black_box(&clean), &opts));
            }),
            timed(|| {
                black_box(validate(&rules, black_box(&bad), &opts));
            }),
        ];
        for (b, t) in best.iter_mut().zip(round) {
            *b = (*b).min(t);
        }
    }
    let [t_lines, t_csv, t_clean, t_bad] = best;
    eprintln!("validate bench, best of {runs} timed runs ({n} contacts):");
    for (name, bytes, t) in [
        ("lines_memchr", clean.len(), t_lines),
        ("csv_byte_records", clean.len(), t_csv),
        ("cms_validate_clean", clean.len(), t_clean),
        ("cms_validate_all_bad", bad.len(), t_bad),
    ] {
        eprintln!(
            "  {name:<22} {:>9.1} ms  {:>8.1} MB/s",
            t.as_secs_f64() * 1e3,
            mb_per_s(bytes, t)
        );
    }
    let speed = mb_per_s(clean.len(), t_clean) / mb_per_s(clean.len(), t_csv);
    let slowdown = t_bad.as_secs_f64() / t_clean.as_secs_f64().max(1e-9);
    let per_byte = slowdown * clean.len() as f64 / bad.len().max(1) as f64;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    eprintln!(
        "  clean / csv throughput   {speed:.2}  (target >= 0.30: {})",
        verdict(speed >= 0.30)
    );
    eprintln!(
        "  all-bad / clean time     {slowdown:.2}  (target <= 2.0: {}; per byte {per_byte:.2})",
        verdict(slowdown <= 2.0)
    );
}
