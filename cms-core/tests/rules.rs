//! The rule set loader: the embedded default, user files, and clear errors for bad ones.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use cms_core::rules::{RuleSetData, EMBEDDED_RULES};
use cms_core::{Check, Error, RuleSet};
use serde_json::Value;

fn default_json() -> Value {
    serde_json::from_str(EMBEDDED_RULES).unwrap()
}

fn load(v: &Value) -> Result<RuleSet, Error> {
    RuleSet::from_json(&v.to_string(), "mine.json")
}

fn rules_error(v: &Value) -> (String, String, String) {
    match load(v) {
        Err(Error::Rules {
            origin,
            place,
            problem,
        }) => (origin, place, problem),
        other => panic!("expected a rule-file error, got {other:?}"),
    }
}

#[test]
fn embedded_rule_set_loads_with_every_check() {
    let rules = RuleSet::embedded().unwrap();
    assert_eq!(rules.name(), "cms-default");
    assert_eq!(rules.catalogue().len(), Check::ALL.len());
    for check in Check::ALL {
        assert_eq!(rules.finding_def(*check).check, *check);
    }
    assert!(rules.format("CMQ").unwrap().upload.is_some());
    assert!(rules.format("CMR").unwrap().def.response.is_some());
    let (_, rfa) = rules.contact_type("RFA").unwrap();
    assert_eq!(rfa.target_working_days, Some(10));
    assert!(rules.contact_types().iter().any(|t| t.retired));
    assert!(rules
        .contact_types()
        .iter()
        .any(|t| t.provenance == cms_core::rules::Provenance::Illustrative && !t.new_cms));
}

#[test]
fn export_round_trips() {
    let rules = RuleSet::embedded().unwrap();
    let again = RuleSet::from_json(&rules.to_json(), "export").unwrap();
    assert_eq!(again.data(), rules.data());
    let _: RuleSetData = serde_json::from_str(&rules.to_json()).unwrap();
}

#[test]
fn syntax_errors_name_line_and_column() {
    match RuleSet::from_json("{\n \"name\": \"x\",\n \"version\": }", "mine.json") {
        Err(Error::Rules {
            origin,
            place,
            problem,
        }) => {
            assert_eq!(origin, "mine.json");
            assert_eq!(place, "line 3, column 13");
            assert!(problem.contains("expected value"), "{problem}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_fields_are_refused() {
    let mut v = default_json();
    v["colour"] = Value::from("blue");
    let (_, _, problem) = rules_error(&v);
    assert!(problem.contains("unknown field `colour`"), "{problem}");
}

#[test]
fn unknown_record_in_hierarchy() {
    let mut v = default_json();
    v["formats"][0]["hierarchy"][1]["record"] = Value::from("C09");
    let (_, place, problem) = rules_error(&v);
    assert_eq!(place, "formats[CMQ].hierarchy[C09]");
    assert_eq!(problem, "unknown record `C09`");
}

#[test]
fn field_longer_than_its_domain_allows() {
    let mut v = default_json();
    v["formats"][0]["records"][0]["fields"][6]["lng"] = Value::from(9); // EFFECTIVE_DATE, a date
    let (_, place, problem) = rules_error(&v);
    assert_eq!(place, "formats[CMQ].records[C01].fields[EFFECTIVE_DATE]");
    assert_eq!(problem, "a date (YYYYMMDD) has length 8, not 9");
    let mut v = default_json();
    v["formats"][0]["records"][0]["fields"][3]["lng"] = Value::from(99);
    let (_, place, _) = rules_error(&v);
    assert_eq!(
        place,
        "formats[CMQ].records[C01].fields[SUPPLY_METER_POINT_REFERENCE]"
    );
}

#[test]
fn duplicate_codes_and_missing_checks() {
    let mut v = default_json();
    let first = v["findings"][0]["code"].clone();
    v["findings"][1]["code"] = first;
    let (_, place, problem) = rules_error(&v);
    assert_eq!(place, "findings[missing_header]");
    assert_eq!(problem, "duplicate code `FIL00001`");

    // A user's file may leave a check out: it takes the embedded entry.
    let mut v = default_json();
    v["findings"].as_array_mut().unwrap().remove(0);
    let rules = load(&v).unwrap();
    assert_eq!(rules.finding_def(Check::EmptyFile).code, "FIL00001");
    // The embedded rule set itself must be complete.
    match RuleSet::from_json(&v.to_string(), cms_core::rules::EMBEDDED_ORIGIN) {
        Err(Error::Rules { place, problem, .. }) => {
            assert_eq!(place, "findings");
            assert_eq!(problem, "no entry for check `empty_file`");
        }
        other => panic!("{other:?}"),
    }

    let mut v = default_json();
    v["findings"][0]["code"] = Value::from("FIL0001");
    let (_, _, problem) = rules_error(&v);
    assert!(
        problem.contains("not three capitals and five digits"),
        "{problem}"
    );
}

#[test]
fn message_templates_use_only_their_parameters() {
    let mut v = default_json();
    v["findings"][0]["message"] = Value::from("empty: {value}");
    let (_, place, problem) = rules_error(&v);
    assert_eq!(place, "findings[empty_file]");
    assert!(problem.contains("`{value}`"), "{problem}");
}

#[test]
fn contact_types_are_checked_against_the_upload_format() {
    let mut v = default_json();
    v["contact_types"][0]["required_fields"][0] = Value::from("NO_SUCH_FIELD");
    let (_, place, problem) = rules_error(&v);
    assert_eq!(place, "contact_types[RFA].required_fields");
    assert_eq!(problem, "`C01` has no field `NO_SUCH_FIELD`");

    let mut v = default_json();
    v["contact_types"][1]["code"] = Value::from("RFA");
    let (_, place, problem) = rules_error(&v);
    assert_eq!(place, "contact_types[RFA]");
    assert_eq!(problem, "contact type defined twice");
}

#[test]
fn a_user_rule_set_replaces_messages_and_codes() {
    let mut v = default_json();
    let i = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .position(|d| d["check"] == "mprn_check_digits")
        .unwrap();
    v["findings"][i]["code"] = Value::from("ADD00001");
    v["findings"][i]["message"] = Value::from("bad MPRN {value}");
    let rules = std::sync::Arc::new(load(&v).unwrap());
    let file = b"\"A00\",1,\"CMQ\",20261202,093000,1\n\"C01\",\"R\",\"CDQ\",1234567890,,,20261101,,,,\"d\"\n\"Z99\",1\n";
    let report = cms_core::format::validate_bytes(&rules, file, None, &Default::default()).unwrap();
    let f = &report.findings()[0];
    assert_eq!(report.code(f), "ADD00001");
    assert_eq!(report.message(f), "bad MPRN 1234567890");
}

#[test]
fn missing_rule_file_is_an_io_error_with_its_path() {
    match RuleSet::load("/no/such/rules.json") {
        Err(Error::Io { path, source }) => {
            assert_eq!(path.as_deref(), Some("/no/such/rules.json"));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}
