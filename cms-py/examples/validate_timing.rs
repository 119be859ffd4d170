//! The Rust side of `benches/python/compare.py`: times `cms_core::format::validate_path` on a
//! file, as `cms.validate(path, org_id=..., org_type=...)` runs it from Python, and prints the
//! best of N runs as JSON.
//!
//! `cargo run --release -p cms-py --example validate_timing -- FILE RUNS ORG_ID ORG_TYPE`

use std::process::ExitCode;
use std::time::Instant;

use cms_core::format::{validate_path, ValidateOptions};
use cms_core::{Organisation, RuleSet};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, runs, org_id, org_type] = args.as_slice() else {
        eprintln!("usage: validate_timing FILE RUNS ORG_ID ORG_TYPE");
        return ExitCode::from(2);
    };
    let (Ok(runs), Ok(id), Ok(org_type)) = (runs.parse::<u32>(), org_id.parse(), org_type.parse())
    else {
        eprintln!("validate_timing: RUNS and ORG_ID must be numbers, ORG_TYPE a type");
        return ExitCode::from(2);
    };
    let rules = match RuleSet::embedded() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("validate_timing: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = ValidateOptions {
        uploader: Some(Organisation { id, org_type }),
        ..ValidateOptions::default()
    };
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        match validate_path(&rules, file, &opts) {
            Ok(report) => {
                best = best.min(start.elapsed().as_secs_f64());
                last = Some(report);
            }
            Err(e) => {
                eprintln!("validate_timing: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(report) = last else {
        return ExitCode::from(2);
    };
    println!(
        "{}",
        serde_json::json!({
            "seconds": best,
            "records": report.records,
            "errors": report.errors,
            "warnings": report.warnings,
        })
    );
    ExitCode::SUCCESS
}
