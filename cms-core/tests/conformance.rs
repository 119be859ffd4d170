//! Runs the shared conformance corpus (`conformance/cases/*/case.json`) through the Rust API.
//! The Python and Kotlin doors run the same cases; see `conformance/README.md` for the form.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use cms_core::batch::{process_bytes, BatchOptions};
use cms_core::crn::CrnGenerator;
use cms_core::format::{validate_bytes, FindingOut, ValidateOptions};
use cms_core::{OrgType, Organisation, RuleSet};
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance")
}

struct Case {
    name: String,
    dir: PathBuf,
    spec: Value,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = std::fs::read_dir(corpus().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").exists())
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            spec: serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap())
                .unwrap(),
            dir,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn rules_for(spec: &Value) -> Arc<RuleSet> {
    match spec["rules"].as_str() {
        Some(rel) => Arc::new(RuleSet::load(corpus().join(rel)).unwrap()),
        None => RuleSet::embedded().unwrap(),
    }
}

fn validate_options(o: &Value) -> ValidateOptions {
    let mut opts = ValidateOptions {
        format: o["format"].as_str().map(str::to_string),
        strict: o["strict"].as_bool().unwrap_or(false),
        last_generation: o["last_generation"].as_u64(),
        ..ValidateOptions::default()
    };
    if let (Some(id), Some(t)) = (o["org_id"].as_u64(), o["org_type"].as_str()) {
        opts.uploader = Some(Organisation {
            id,
            org_type: t.parse::<OrgType>().unwrap(),
        });
    }
    if let Some(n) = o["max_findings"].as_u64() {
        opts.max_findings = n as usize;
    }
    if !o["user"].is_null() {
        opts.user = Some(serde_json::from_value(o["user"].clone()).unwrap());
    }
    if let Some(at) = o["at"].as_str() {
        opts.at = Some(at.parse().unwrap());
    }
    if let Some(n) = o["max_line_bytes"].as_u64() {
        opts.max_line_bytes = n as usize;
    }
    opts
}

fn matches(expected: &Value, actual: &FindingOut) -> bool {
    expected["code"].as_str() == Some(actual.code.as_str())
        && expected["line"].as_u64() == actual.line
        && expected["field"].as_str() == actual.field.as_deref()
        && expected
            .get("scope")
            .is_none_or(|s| s.as_str() == Some(&actual.scope.to_string()))
}

fn run_validate(case: &Case) -> Result<(), String> {
    let spec = &case.spec;
    let rules = rules_for(spec);
    let input = spec["input"].as_str().unwrap();
    let bytes = std::fs::read(case.dir.join(input)).unwrap();
    let report = validate_bytes(
        &rules,
        &bytes,
        Some(input),
        &validate_options(&spec["options"]),
    )
    .map_err(|e| e.to_string())?;
    let expect = &spec["expect"];
    let mut actual: Vec<FindingOut> = report
        .findings()
        .iter()
        .map(|f| report.finding_out(f))
        .collect();
    let shown = format!("{actual:#?}");
    for e in expect["findings"].as_array().unwrap() {
        match actual.iter().position(|a| matches(e, a)) {
            Some(i) => {
                actual.remove(i);
            }
            None => return Err(format!("expected finding {e} not found; got {shown}")),
        }
    }
    if !actual.is_empty() {
        return Err(format!("unexpected findings {actual:#?}"));
    }
    if expect["accepted"].as_bool() != Some(report.accepted()) {
        return Err(format!(
            "accepted: expected {}, got {}",
            expect["accepted"],
            report.accepted()
        ));
    }
    if let Some(n) = expect["errors"].as_u64() {
        if n != report.errors {
            return Err(format!("errors: expected {n}, got {}", report.errors));
        }
    }
    Ok(())
}

fn run_process(case: &Case) -> Result<(), String> {
    let spec = &case.spec;
    let rules = rules_for(spec);
    let o = &spec["options"];
    let input = spec["input"].as_str().unwrap();
    let bytes = std::fs::read(case.dir.join(input)).unwrap();
    let uploader = Organisation {
        id: o["org_id"].as_u64().unwrap(),
        org_type: o["org_type"].as_str().unwrap().parse().unwrap(),
    };
    let today: NaiveDate = o["today"].as_str().unwrap().parse().unwrap();
    let mut opts = BatchOptions::new(uploader, today);
    opts.last_generation = o["last_generation"].as_u64();
    opts.validate = validate_options(o);
    let crn = CrnGenerator::local(
        rules.crn_scheme().clone(),
        o["first_sequence"].as_u64().unwrap_or(1),
    )
    .unwrap();
    let out = process_bytes(&rules, &bytes, input, &opts, &crn).map_err(|e| e.to_string())?;
    let expect = &spec["expect"];
    if expect["file_accepted"].as_bool() != Some(out.summary.file_accepted) {
        return Err(format!(
            "file_accepted: expected {}, got {:?}",
            expect["file_accepted"], out.summary
        ));
    }
    if let Some(name) = expect["response_file"].as_str() {
        if name != out.summary.response_file {
            return Err(format!(
                "response file: expected {name}, got {}",
                out.summary.response_file
            ));
        }
    }
    if let Some(codes) = expect["file_rejections"].as_array() {
        let got: Vec<&str> = out
            .summary
            .file_rejections
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        let want: Vec<&str> = codes.iter().map(|c| c.as_str().unwrap()).collect();
        if got != want {
            return Err(format!("file rejections: expected {want:?}, got {got:?}"));
        }
    }
    let want = expect["contacts"].as_array().unwrap();
    if want.len() != out.contacts.len() {
        return Err(format!(
            "expected {} contacts, got {:#?}",
            want.len(),
            out.contacts
        ));
    }
    for (w, c) in want.iter().zip(&out.contacts) {
        let want_codes: BTreeSet<&str> = w["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let got_codes: BTreeSet<&str> = c.codes().into_iter().collect();
        let ok = w["line"].as_u64() == Some(c.line)
            && w["outcome"].as_str() == Some(c.outcome.code())
            && w["crn"].as_str() == c.crn.as_deref()
            && w["target_date"].as_str().map(str::to_string)
                == c.target_date.map(|d| d.to_string())
            && want_codes == got_codes;
        if !ok {
            return Err(format!("contact: expected {w}, got {c:#?}"));
        }
    }
    // The response must itself pass the validator as a response file, one R01 per contact.
    let report = validate_bytes(
        &rules,
        &out.response,
        Some(&out.summary.response_file),
        &ValidateOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    if report.errors != 0 || report.format.as_deref() != Some("CMR") {
        return Err(format!(
            "response did not validate: {:#?}\n{}",
            report.findings(),
            String::from_utf8_lossy(&out.response)
        ));
    }
    let r01 = out
        .response
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"\"R01\""))
        .count();
    if r01 != out.contacts.len() {
        return Err(format!(
            "{r01} R01 records for {} contacts",
            out.contacts.len()
        ));
    }
    Ok(())
}

#[test]
fn conformance_corpus() {
    let cases = cases();
    assert!(
        cases.len() > 50,
        "corpus not found or too small: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let result = match case.spec["kind"].as_str() {
            Some("validate") => run_validate(case),
            Some("process") => run_process(case),
            other => Err(format!("unknown kind {other:?}")),
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_finding_code_is_covered() {
    let mut seen = BTreeSet::new();
    for case in cases() {
        let e = &case.spec["expect"];
        for f in e["findings"].as_array().into_iter().flatten() {
            seen.insert(f["code"].as_str().unwrap().to_string());
        }
        for c in e["contacts"].as_array().into_iter().flatten() {
            for code in c["codes"].as_array().unwrap() {
                seen.insert(code.as_str().unwrap().to_string());
            }
        }
        for code in e["file_rejections"].as_array().into_iter().flatten() {
            seen.insert(code.as_str().unwrap().to_string());
        }
    }
    let rules = RuleSet::embedded().unwrap();
    let missing: Vec<&str> = rules
        .catalogue()
        .iter()
        .map(|d| d.code.as_str())
        .filter(|c| !seen.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a conformance case: {missing:?}"
    );
}
