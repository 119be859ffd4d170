//! The `cms` command end to end: outputs, exit codes, files written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cms(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cms"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cms-cli-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn validate_clean_file_exits_0() {
    let out = cms(&["validate", "examples/data/SHP00042.CMQ"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "examples/data/SHP00042.CMQ: accepted: 57 records, 0 errors, 0 warnings (format CMQ, rules cms-default 2026.12.0)"
    );
}

#[test]
fn validate_faulty_file_names_line_field_and_rule() {
    let out = cms(&[
        "validate",
        "--org-id",
        "1234",
        "--org-type",
        "shipper",
        "examples/data/SHP00043.CMQ",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(s.contains("examples/data/SHP00043.CMQ:4: SUPPLY_METER_POINT_REFERENCE: error[CON00008]: MPRN `1234567890` fails its check digits (they would be `10`)\n"), "{s}");
    assert!(s.contains("examples/data/SHP00043.CMQ:20: CONTACT_TYPE_CODE: error[CON00004]: organisation type `shipper` may not raise contact type `FOM`\n"), "{s}");
    assert!(
        s.contains(
            "examples/data/SHP00043.CMQ:30: SUPPLY_METER_POINT_REFERENCE: warning[CON00015]"
        ),
        "{s}"
    );
    assert!(s.ends_with("rejected: 48 records, 27 errors, 1 warnings (format CMQ, rules cms-default 2026.12.0)\n"), "{s}");
}

#[test]
fn validate_json_is_one_object_per_file() {
    let out = cms(&[
        "validate",
        "--output",
        "json",
        "examples/data/SHP00042.CMQ",
        "examples/data/SHP00044.CMQ",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["accepted"], true);
    assert_eq!(lines[0]["format"], "CMQ");
    assert_eq!(lines[0]["rules_version"], "2026.12.0");
    assert_eq!(lines[1]["accepted"], false);
    let f = &lines[1]["findings"][0];
    let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "field",
            "field_index",
            "line",
            "message",
            "record_type",
            "scope",
            "severity"
        ]
    );
    assert_eq!(f["code"], "FIL00006");
    assert_eq!(f["scope"], "file");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 9);
    assert_eq!(f["field"], "RECORD_COUNT");
    assert_eq!(f["field_index"], 2);
}

#[test]
fn could_not_run_exits_2() {
    let out = cms(&["validate", "no/such/file.CMQ"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("cms: error: `no/such/file.CMQ`: "),
        "{}",
        text(&out.stderr)
    );
    let out = cms(&["--rules", "no/such/rules.json", "catalogue"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cms(&["validate", "--format", "NOPE", "examples/data/SHP00042.CMQ"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown format `NOPE`"));
    let out = cms(&[
        "process",
        "examples/data/SHP00042.CMQ",
        "--org-id",
        "1",
        "--org-type",
        "supplier",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown organisation type `supplier`"));
    let out = cms(&["validate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_rule_file_names_file_place_and_problem() {
    let dir = tempdir("rules");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.json");
    std::fs::write(&path, "{\"name\": 1}").unwrap();
    let out = cms(&["--rules", path.to_str().unwrap(), "rules"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("rule file `") && err.contains("mine.json`: line 1, column 10: invalid type"),
        "{err}"
    );
}

#[test]
fn process_writes_the_response_and_prints_a_summary() {
    let dir = tempdir("process");
    let out = cms(&[
        "process",
        "examples/data/SHP00042.CMQ",
        "--org-id",
        "1234",
        "--org-type",
        "shipper",
        "--out",
        dir.to_str().unwrap(),
        "--today",
        "2026-12-03",
        "--first-sequence",
        "500",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(summary["file_accepted"], true);
    assert_eq!(summary["contacts_total"], 24);
    assert_eq!(summary["accepted"], 24);
    let rows = summary["contacts"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    assert_eq!(rows[0]["crn"], "C00000050053");
    assert_eq!(rows[0]["outcome"], "AC");
    assert_eq!(rows[0]["status"], "open");
    let response = dir.join("SHP00042.CMR");
    assert_eq!(summary["response_file"], "SHP00042.CMR");
    let written = std::fs::read_to_string(&response).unwrap();
    assert!(
        written.starts_with("\"A00\",9999,\"CMR\",20261203,"),
        "{written}"
    );
    assert!(written.ends_with("\"Z99\",24\n"), "{written}");
    let again = cms(&["validate", "--strict", response.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 1, "only the response is written: {files:?}");
}

#[test]
fn process_a_rejected_file_exits_1_with_file_rejections() {
    let dir = tempdir("rejected");
    let out = cms(&[
        "process",
        "examples/data/SHP00044.CMQ",
        "--org-id",
        "1234",
        "--org-type",
        "shipper",
        "--out",
        dir.to_str().unwrap(),
        "--today",
        "2026-12-03",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let summary: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(summary["file_accepted"], false);
    assert_eq!(summary["contacts"].as_array().unwrap().len(), 0);
    assert_eq!(summary["file_rejections"][0]["code"], "FIL00006");
    let written = std::fs::read_to_string(dir.join("SHP00044.CMR")).unwrap();
    assert!(written.contains("\n\"R00\",\"FIL00006\",\"line 9: the trailer says 3 records, 7 stand between header and trailer\"\n"));
    assert!(!written.contains("R01"));
}

#[test]
fn calendar_commands() {
    let out = cms(&["calendar", "add", "2026-12-21", "5"]);
    assert_eq!(text(&out.stdout), "2026-12-30  Wednesday\n");
    let out = cms(&["calendar", "add", "2026-12-03", "5", "--output", "json"]);
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["date"], "2026-12-10");
    let out = cms(&["calendar", "between", "2026-12-03", "2026-12-10"]);
    assert_eq!(text(&out.stdout), "5\n");
    let out = cms(&["calendar", "holidays", "2026"]);
    let s = text(&out.stdout);
    assert_eq!(s.lines().count(), 8);
    assert!(s.contains("2026-12-28  Mon"), "{s}");
}

#[test]
fn catalogue_and_rules_list_the_rule_set() {
    let out = cms(&["catalogue", "--output", "json"]);
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    for c in ["RFA", "CDQ", "DMQ", "FOM", "MNC", "USR"] {
        assert!(codes.contains(&c), "{c}");
    }
    let out = cms(&["rules", "--output", "json"]);
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "CON00008" && d["severity"] == "error"));
    let out = cms(&["rules"]);
    assert!(text(&out.stdout).contains("CON00015  warning field"));
    let out = cms(&["rules", "--export"]);
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["name"], "cms-default");
}

#[test]
fn lifecycle_exports_mermaid_and_json() {
    let out = cms(&["lifecycle", "--mermaid"]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.starts_with("stateDiagram-v2\n    [*] --> open\n"), "{s}");
    assert!(
        s.contains("    awaiting_customer --> closed : auto_close (system)\n"),
        "{s}"
    );
    assert!(s.contains("    cancelled --> [*]\n"), "{s}");
    let out = cms(&["lifecycle"]);
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["initial_status"], "open");
    assert_eq!(v["transitions"].as_array().unwrap().len(), 14);
    let out = cms(&["lifecycle", "--workflow", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn process_checks_the_user_and_the_time() {
    let dir = tempdir("user");
    std::fs::create_dir_all(&dir).unwrap();
    let user = dir.join("alice.json");
    std::fs::write(
        &user,
        r#"{"id": "alice", "organisation_id": 1234, "roles": ["user"], "status": "active",
            "permissions": {"raise": ["RFA", "CDQ", "DMQ", "MNC"], "upload_batches": false}}"#,
    )
    .unwrap();
    let args = |at: &str| {
        vec![
            "process".to_string(),
            "examples/data/SHP00042.CMQ".into(),
            "--org-id".into(),
            "1234".into(),
            "--org-type".into(),
            "shipper".into(),
            "--out".into(),
            dir.join("out").to_string_lossy().into_owned(),
            "--today".into(),
            "2026-12-03".into(),
            "--user".into(),
            user.to_string_lossy().into_owned(),
            "--at".into(),
            at.into(),
        ]
    };
    let a = args("2026-12-03T19:30:00");
    let out = cms(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    let summary: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let codes: Vec<&str> = summary["file_rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["FIL00021", "FIL00020"]);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"id\": 1}").unwrap();
    let out = cms(&[
        "validate",
        "--org-id",
        "1234",
        "--org-type",
        "shipper",
        "--user",
        bad.to_str().unwrap(),
        "examples/data/SHP00042.CMQ",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("user file `"),
        "{}",
        text(&out.stderr)
    );
}
