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

#[test]
fn unknown_keys_are_found_at_any_depth() {
    use crate::convert::unknown_key;
    use serde_json::json;
    let read = |v: &serde_json::Value| -> serde_json::Value {
        let s: cms_core::lifecycle::ContactState = serde_json::from_value(v.clone()).unwrap();
        serde_json::to_value(s).unwrap()
    };
    let state = json!({
        "crn": "C00000000195", "contact_type": "CDQ", "status": "open",
        "raised_by": {"id": 1001, "org_type": "shipper"}, "raised_by_user": "u",
        "raised_at": "2026-12-01T10:00:00", "target_date": "2026-12-15", "routed_party": null,
        "routed_to": [], "assignee": null, "paused_since": null, "paused_working_days": 0,
        "request": null, "resolved_at": null, "resolution": null, "rejection_code": null,
        "events": 0
    });
    assert_eq!(unknown_key(&state, &read(&state), ""), None);
    let mut extra = state.clone();
    extra["statuss"] = json!("open");
    assert_eq!(
        unknown_key(&extra, &read(&extra), ""),
        Some("statuss".to_string())
    );
    let mut nested = state.clone();
    nested["raised_by"]["active"] = json!(true);
    assert_eq!(
        unknown_key(&nested, &read(&nested), ""),
        Some("raised_by.active".to_string())
    );
    // Missing optional fields are not unknown ones.
    let mut fewer = state;
    fewer.as_object_mut().unwrap().remove("assignee");
    assert_eq!(unknown_key(&fewer, &read(&fewer), ""), None);
}

#[test]
fn a_quoted_value_is_located_when_only_one_place_has_it() {
    use crate::convert::locate;
    use serde_json::json;
    let v = json!({"a": {"b": -1}, "c": "supplier", "d": ["x", "y"], "e": 2.5});
    assert_eq!(
        locate(&v, "invalid value: integer `-1`, expected u64"),
        Some("a.b".to_string())
    );
    assert_eq!(
        locate(&v, "unknown variant `supplier`, expected one of `shipper`"),
        Some("c".to_string())
    );
    assert_eq!(
        locate(&v, "invalid type: string \"y\", expected u64"),
        Some("d[1]".to_string())
    );
    assert_eq!(
        locate(&v, "invalid type: floating point `2.5`, expected u64"),
        Some("e".to_string())
    );
    let twice = json!({"a": "x", "b": "x"});
    assert_eq!(locate(&twice, "invalid type: string \"x\""), None);
    assert_eq!(locate(&v, "missing field `status`"), None);
}
