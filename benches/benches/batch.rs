//! The batch job (`cms_core::batch::process_bytes`) on a generated clean CMQ upload of
//! `CMS_BENCH_BATCH_CONTACTS` contacts (default 100,000, about 12 MB) from a shipper: two passes
//! over the upload, a CRN and a target date for every contact, the CMR response written in
//! memory, and a result kept per contact.
//!
//! `cargo bench -p cms-benches --bench batch`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use cms_benches::{cmq_file, FILE_NAME};
use cms_core::batch::{process_bytes, BatchOptions, BatchOutput};
use cms_core::crn::CrnGenerator;
use cms_core::{OrgType, Organisation, RuleSet};
use criterion::{Criterion, SamplingMode, Throughput};

/// Contacts in the upload unless `CMS_BENCH_BATCH_CONTACTS` says otherwise.
const DEFAULT_CONTACTS: usize = 100_000;

fn fail(message: &str) -> ! {
    eprintln!("batch bench: {message}");
    std::process::exit(2)
}

fn run(rules: &Arc<RuleSet>, bytes: &[u8], opts: &BatchOptions) -> BatchOutput {
    let crn = match CrnGenerator::local(rules.crn_scheme().clone(), 1) {
        Ok(g) => g,
        Err(e) => fail(&format!("CRN generator: {e}")),
    };
    match process_bytes(rules, bytes, FILE_NAME, opts, &crn) {
        Ok(out) => out,
        Err(e) => fail(&format!("the batch job could not run: {e}")),
    }
}

fn main() {
    let n =
        match std::env::var("CMS_BENCH_BATCH_CONTACTS") {
            Ok(v) => v.trim().replace('_', "").parse().unwrap_or_else(|_| {
                fail(&format!("CMS_BENCH_BATCH_CONTACTS=`{v}` is not a number"))
            }),
            Err(_) => DEFAULT_CONTACTS,
        };
    let rules = match RuleSet::embedded() {
        Ok(r) => r,
        Err(e) => fail(&format!("the embedded rule set: {e}")),
    };
    let today = match "2026-12-03".parse() {
        Ok(d) => d,
        Err(e) => fail(&format!("date: {e}")),
    };
    // The header's organisation: 1234, a shipper (who may raise every type in the file).
    let opts = BatchOptions::new(
        Organisation {
            id: 1234,
            org_type: OrgType::Shipper,
        },
        today,
    );
    let bytes = cmq_file(n, false);

    let start = std::time::Instant::now();
    let out = run(&rules, &bytes, &opts);
    let once = start.elapsed();
    let s = &out.summary;
    if !s.file_accepted || s.accepted != n as u64 || s.contacts_total != n as u64 {
        fail(&format!(
            "expected {n} accepted contacts, got file_accepted={} accepted={} warned={} rejected={}",
            s.file_accepted, s.accepted, s.warned, s.rejected
        ));
    }
    eprintln!(
        "batch bench: {n} contacts, upload {:.1} MB, response {:.1} MB, CRNs {} to {}",
        bytes.len() as f64 / 1e6,
        out.response.len() as f64 / 1e6,
        s.first_crn.as_deref().unwrap_or("-"),
        s.last_crn.as_deref().unwrap_or("-"),
    );
    drop(out);

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    {
        let mut group = c.benchmark_group(format!("batch/{n}"));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        // Time enough for 10 runs (criterion warns when it cannot finish).
        group.measurement_time(Duration::from_secs(5).max(once * 12));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("process_bytes_clean", |b| {
            b.iter(|| run(&rules, black_box(&bytes), &opts))
        });
        group.finish();
    }
    c.final_summary();
}
