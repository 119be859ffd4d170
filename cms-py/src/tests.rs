//! Unit tests that need no Python interpreter: the door's tables agree with cms-core's types.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: a panic is how a test fails

use cms_core::format::FindingOut;
use cms_core::{Scope, Severity};

#[test]
fn finding_columns_are_the_json_keys_in_order() {
    let f = FindingOut {
        code: "CON00008".into(),
        severity: Severity::Error,
        scope: Scope::Field,
        line: Some(2),
        record_type: Some("C01".into()),
        field: Some("SUPPLY_METER_POINT_REFERENCE".into()),
        field_index: Some(4),
        message: "m".into(),
    };
    let text = serde_json::to_string(&f).unwrap();
    let mut keys: Vec<(usize, &str)> = crate::report::FINDING_COLUMNS
        .iter()
        .map(|(k, _)| (text.find(&format!("\"{k}\":")).unwrap(), *k))
        .collect();
    keys.sort();
    let names: Vec<&str> = keys.into_iter().map(|(_, k)| k).collect();
    let expected: Vec<&str> = crate::report::FINDING_COLUMNS
        .iter()
        .map(|(k, _)| *k)
        .collect();
    assert_eq!(names, expected);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value.as_object().unwrap().len(), expected.len());
}

#[test]
fn repr_is_pythons() {
    use crate::convert::{py_repr, py_repr_opt};
    assert_eq!(py_repr("CON00008"), "'CON00008'");
    assert_eq!(py_repr("it's \"x\"\n"), "'it\\'s \"x\"\\n'");
    assert_eq!(py_repr_opt(None), "None");
    assert_eq!(py_repr_opt(Some("a")), "'a'");
}
