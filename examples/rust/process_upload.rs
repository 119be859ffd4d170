//! Validate and process the example upload with the library API.
//!
//! Run: `cargo run -p cms-core --example process_upload`

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use cms_core::batch::{process_bytes, BatchOptions};
use cms_core::crn::CrnGenerator;
use cms_core::format::{validate_bytes, ValidateOptions};
use cms_core::{OrgType, Organisation, RuleSet};

fn main() -> Result<(), cms_core::Error> {
    let rules: Arc<RuleSet> = RuleSet::embedded()?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data/SHP00043.CMQ");
    let bytes = std::fs::read(path).map_err(|e| cms_core::Error::io(path, e))?;
    let uploader = Organisation {
        id: 1234,
        org_type: OrgType::Shipper,
    };

    // 1. What a data team runs before sending: every rejection, with line and field.
    let opts = ValidateOptions {
        uploader: Some(uploader),
        ..ValidateOptions::default()
    };
    let report = validate_bytes(&rules, &bytes, Some("SHP00043.CMQ"), &opts)?;
    println!(
        "accepted: {}, {} errors, {} warnings",
        report.accepted(),
        report.errors,
        report.warnings
    );
    for f in report.findings().iter().take(5) {
        let line = f.line.map_or("-".into(), |l| l.to_string());
        println!(
            "  line {line} {}: {} {}",
            f.field.as_deref().unwrap_or("-"),
            report.code(f),
            report.message(f)
        );
    }

    // 2. The batch job: CRNs, target dates, the response file.
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
    let mut batch = BatchOptions::new(uploader, today);
    batch.time = NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default();
    let crn = CrnGenerator::local(rules.crn_scheme().clone(), 1)?;
    let out = process_bytes(&rules, &bytes, "SHP00043.CMQ", &batch, &crn)?;
    let s = &out.summary;
    println!(
        "{}: {} contacts, {} accepted, {} warned, {} rejected",
        s.response_file, s.contacts_total, s.accepted, s.warned, s.rejected
    );
    for c in out.contacts.iter().filter(|c| c.crn.is_some()).take(3) {
        println!(
            "  {:?} {} due {:?}",
            c.customer_reference,
            c.crn.as_deref().unwrap_or(""),
            c.target_date
        );
    }
    Ok(())
}
