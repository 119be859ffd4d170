//! Runs the shared lifecycle and access corpus, `conformance/lifecycle_cases.json`, through the
//! Rust API. The Python and Kotlin doors are to run the same file; the form (also in
//! `conformance/README.md`):
//!
//! ```text
//! [ {
//!   "name": "unique_snake_case", "description": "what the case shows",
//!   "kind": "transition" | "decide",
//!   "state":   ContactState as serde JSON   (transition: required; decide: the contact of a
//!                                            "view" or "lifecycle" request),
//!   "actor":   "system" | {"user": User, "organisation": OrganisationRecord}
//!                                           (decide: always a user),
//!   "action":  Action, e.g. {"action": "route", "to": {"id": 3003, "org_type": "gt"}}
//!                                           (transition only),
//!   "note":    "free text"                  (transition, optional),
//!   "request": {"kind": "raise", "contact_type": "CDQ"} | {"kind": "upload_batch"}
//!            | {"kind": "view"} | {"kind": "search"}
//!            | {"kind": "lifecycle", "action": Action}
//!            | {"kind": "account", "action": "create_user" | "delete_user" | "change_permissions"
//!                 | "reset_password" | "suspend" | "reinstate",
//!               "target": User, "organisation_users": [User, ...]}
//!            | {"kind": "change_own_password"} | {"kind": "change_own_profile"}
//!                                           (decide only),
//!   "now":     "2026-12-03T10:00:00"        (UTC, no offset),
//!   "outages": [{"from": "...", "to": "..."}]   (decide, optional; UTC, end exclusive),
//!   "expect":
//!     transition: {"ok": true, "to": "status",
//!                  "state": {field: value, ...},   optional: those fields of the new state
//!                  "event": {field: value, ...}}   optional: those fields of the event
//!              or {"ok": false, "reason": "not_from_status" | "not_for_actor" | "guard",
//!                  "guard": "snake_case guard" | null}
//!     decide:     {"allowed": bool, "rule": "snake_case rule",
//!                  "may_be_unavailable": bool}    the last optional
//! } ]
//! ```
//!
//! Dates are `YYYY-MM-DD`, times `YYYY-MM-DDTHH:MM:SS`; a year past 9999 is written with a
//! sign (`+262142-12-31`, the end of the calendar). Every enum is its snake_case name. A
//! runner also checks that every rule, guard and action (taken) appears in some case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;
use cms_core::access::{
    decide, AccountAction, Context, OrganisationRecord, Outage, Request, Rule, User,
};
use cms_core::lifecycle::{transition, Action, ActionKind, Actor, ContactState, Guard, Reason};
use cms_core::RuleSet;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/lifecycle_cases.json");
    let text = std::fs::read_to_string(&path).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Array(cases) => cases,
        other => panic!("{} is not a JSON list: {other}", path.display()),
    }
}

fn parse<T: DeserializeOwned>(v: &Value, what: &str) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("{what}: {e}"))
}

fn name_of<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_value(x)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Every key of `want` has the same value in `got`.
fn partial(got: &Value, want: &Value, what: &str) -> Result<(), String> {
    let Some(fields) = want.as_object() else {
        return Err(format!("expect.{what} is not an object"));
    };
    for (k, v) in fields {
        let g = got.get(k).unwrap_or(&Value::Null);
        if g != v {
            return Err(format!("{what}.{k}: expected {v}, got {g}"));
        }
    }
    Ok(())
}

/// What a case shows, for the coverage checks.
#[derive(Default)]
struct Seen {
    rules: BTreeSet<Rule>,
    guards: BTreeSet<String>,
    reasons: BTreeSet<String>,
    actions_taken: BTreeSet<ActionKind>,
}

const KEYS: [&str; 11] = [
    "name",
    "description",
    "kind",
    "state",
    "actor",
    "action",
    "request",
    "note",
    "now",
    "outages",
    "expect",
];

fn run(rules: &RuleSet, case: &Value, seen: &mut Seen) -> Result<(), String> {
    let obj = case.as_object().ok_or("a case is not an object")?;
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown key `{k}`"));
    }
    let desc = case["description"].as_str().unwrap_or_default();
    if desc.is_empty() {
        return Err("no description".into());
    }
    let now: NaiveDateTime = parse(&case["now"], "now")?;
    let expect = &case["expect"];
    let state: Option<ContactState> = match case.get("state") {
        Some(s) => Some(parse(s, "state")?),
        None => None,
    };
    let who: Option<(User, OrganisationRecord)> = match &case["actor"] {
        Value::String(s) if s == "system" => None,
        a => Some((
            parse(&a["user"], "actor.user")?,
            parse(&a["organisation"], "actor.organisation")?,
        )),
    };
    match case["kind"].as_str() {
        Some("transition") => {
            let state = state.ok_or("a transition case needs a state")?;
            let action: Action = parse(&case["action"], "action")?;
            let actor = match &who {
                None => Actor::System,
                Some((user, organisation)) => Actor::User { user, organisation },
            };
            let note = case.get("note").and_then(Value::as_str);
            let before = state.clone();
            let got = transition(rules, &state, &action, &actor, now, note);
            if state != before {
                return Err("the state passed in changed".into());
            }
            match (expect["ok"].as_bool(), got) {
                (Some(true), Ok(t)) => {
                    let to = expect["to"].as_str().ok_or("expect.to")?;
                    if t.state.status != to {
                        return Err(format!("expected `{to}`, got `{}`", t.state.status));
                    }
                    if t.event.to != to || t.event.from != before.status {
                        return Err(format!("event {} -> {}", t.event.from, t.event.to));
                    }
                    if let Some(want) = expect.get("state") {
                        partial(&serde_json::to_value(&t.state).unwrap(), want, "state")?;
                    }
                    if let Some(want) = expect.get("event") {
                        partial(&serde_json::to_value(&t.event).unwrap(), want, "event")?;
                    }
                    seen.actions_taken.insert(action.kind());
                }
                (Some(false), Err(r)) => {
                    let reason = name_of(&r.reason);
                    let guard = r.guard.map(|g| name_of(&g));
                    let want_reason = expect["reason"].as_str().ok_or("expect.reason")?;
                    let want_guard = expect.get("guard").and_then(Value::as_str);
                    if reason != want_reason || guard.as_deref() != want_guard {
                        return Err(format!(
                            "expected refusal {want_reason}/{want_guard:?}, got {reason}/{guard:?}: {}",
                            r.message
                        ));
                    }
                    if r.message.is_empty() {
                        return Err("a refusal without a message".into());
                    }
                    seen.reasons.insert(reason);
                    if let Some(g) = guard {
                        seen.guards.insert(g);
                    }
                }
                (Some(true), Err(r)) => return Err(format!("refused: {r:?}")),
                (Some(false), Ok(t)) => {
                    return Err(format!("expected a refusal, moved to `{}`", t.state.status))
                }
                (None, _) => return Err("expect.ok must be true or false".into()),
            }
        }
        Some("decide") => {
            let (user, organisation) = who.ok_or("a decide case needs a user")?;
            let outages: Vec<Outage> = match case.get("outages") {
                Some(o) => parse(o, "outages")?,
                None => vec![],
            };
            let ctx = Context {
                now,
                outages: &outages,
            };
            let r = &case["request"];
            let contact = || state.as_ref().ok_or("this request needs a state");
            let action: Option<Action>;
            let target: User;
            let users: Vec<User>;
            let contact_type: String;
            let request = match r["kind"].as_str().unwrap_or_default() {
                "raise" => {
                    contact_type = r["contact_type"].as_str().unwrap_or_default().to_string();
                    Request::Raise {
                        contact_type: &contact_type,
                    }
                }
                "upload_batch" => Request::UploadBatch,
                "view" => Request::View {
                    contact: contact()?,
                },
                "search" => Request::Search,
                "lifecycle" => {
                    action = Some(parse(&r["action"], "request.action")?);
                    Request::Lifecycle {
                        action: action.as_ref().ok_or("request.action")?,
                        contact: contact()?,
                    }
                }
                "account" => {
                    let a: AccountAction = parse(&r["action"], "request.action")?;
                    target = parse(&r["target"], "request.target")?;
                    users = parse(&r["organisation_users"], "request.organisation_users")?;
                    Request::Account {
                        action: a,
                        target: &target,
                        organisation_users: &users,
                    }
                }
                "change_own_password" => Request::ChangeOwnPassword,
                "change_own_profile" => Request::ChangeOwnProfile,
                other => return Err(format!("unknown request kind `{other}`")),
            };
            let d = decide(rules, &user, &organisation, &request, &ctx);
            let want_rule: Rule = parse(&expect["rule"], "expect.rule")?;
            let want_allowed = expect["allowed"].as_bool().ok_or("expect.allowed")?;
            if d.rule != want_rule || d.allowed != want_allowed {
                return Err(format!(
                    "expected {want_allowed}/{want_rule}, got {}/{} ({})",
                    d.allowed, d.rule, d.reason
                ));
            }
            if let Some(flag) = expect.get("may_be_unavailable") {
                if Some(d.may_be_unavailable) != flag.as_bool() {
                    return Err(format!("may_be_unavailable: {}", d.may_be_unavailable));
                }
            }
            if d.reason.is_empty() {
                return Err("a decision without a reason".into());
            }
            seen.rules.insert(d.rule);
        }
        other => return Err(format!("unknown kind {other:?}")),
    }
    Ok(())
}

fn run_all() -> Seen {
    let rules: Arc<RuleSet> = RuleSet::embedded().unwrap();
    let mut seen = Seen::default();
    let mut failures = vec![];
    let mut names = BTreeSet::new();
    let all = cases();
    for case in &all {
        let name = case["name"].as_str().unwrap_or("<no name>").to_string();
        if !names.insert(name.clone()) {
            failures.push(format!("{name}: the name is used twice"));
        }
        if let Err(e) = run(&rules, case, &mut seen) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(all.len() >= 30, "only {} cases", all.len());
    seen
}

#[test]
fn every_case_passes() {
    run_all();
}

/// Every rule, written out; the match below fails to compile when a rule is added.
const RULES: [Rule; 19] = [
    Rule::UserNotActive,
    Rule::OrganisationNotActive,
    Rule::WrongOrganisation,
    Rule::OrganisationTypeNotAllowed,
    Rule::OutsideServiceHours,
    Rule::Outage,
    Rule::NoGrant,
    Rule::ViewOnly,
    Rule::NotVisible,
    Rule::ContactTypeNotRaisable,
    Rule::OrganisationMayNotRaise,
    Rule::NoPermissionForType,
    Rule::NoPermissionToUpload,
    Rule::LifecycleRefused,
    Rule::OtherOrganisation,
    Rule::SelfGrant,
    Rule::LastActiveLso,
    Rule::NotSuspended,
    Rule::Allowed,
];

fn rule_index(r: Rule) -> usize {
    match r {
        Rule::UserNotActive => 0,
        Rule::OrganisationNotActive => 1,
        Rule::WrongOrganisation => 2,
        Rule::OrganisationTypeNotAllowed => 3,
        Rule::OutsideServiceHours => 4,
        Rule::Outage => 5,
        Rule::NoGrant => 6,
        Rule::ViewOnly => 7,
        Rule::NotVisible => 8,
        Rule::ContactTypeNotRaisable => 9,
        Rule::OrganisationMayNotRaise => 10,
        Rule::NoPermissionForType => 11,
        Rule::NoPermissionToUpload => 12,
        Rule::LifecycleRefused => 13,
        Rule::OtherOrganisation => 14,
        Rule::SelfGrant => 15,
        Rule::LastActiveLso => 16,
        Rule::NotSuspended => 17,
        Rule::Allowed => 18,
    }
}

const GUARDS: [Guard; 10] = [
    Guard::ResolutionTextRequired,
    Guard::RejectionCodeUnknown,
    Guard::RequestKindUnknown,
    Guard::TheftOnly,
    Guard::ReopenWindowPassed,
    Guard::DeadlineNotPassed,
    Guard::NoOpenRequest,
    Guard::AssigneeOutsideHandlingOrganisation,
    Guard::RouteTargetInvalid,
    Guard::DateOutOfRange,
];

fn guard_index(g: Guard) -> usize {
    match g {
        Guard::ResolutionTextRequired => 0,
        Guard::RejectionCodeUnknown => 1,
        Guard::RequestKindUnknown => 2,
        Guard::TheftOnly => 3,
        Guard::ReopenWindowPassed => 4,
        Guard::DeadlineNotPassed => 5,
        Guard::NoOpenRequest => 6,
        Guard::AssigneeOutsideHandlingOrganisation => 7,
        Guard::RouteTargetInvalid => 8,
        Guard::DateOutOfRange => 9,
    }
}

const REASONS: [Reason; 4] = [
    Reason::UnknownContactType,
    Reason::NotFromStatus,
    Reason::NotForActor,
    Reason::Guard,
];

#[test]
fn the_lists_are_complete() {
    for (i, r) in RULES.iter().enumerate() {
        assert_eq!(rule_index(*r), i);
    }
    for (i, g) in GUARDS.iter().enumerate() {
        assert_eq!(guard_index(*g), i);
    }
    assert_eq!(ActionKind::ALL.len(), 12);
}

#[test]
fn every_rule_guard_reason_and_action_appears() {
    let seen = run_all();
    for r in RULES {
        assert!(seen.rules.contains(&r), "no case shows rule `{r}`");
    }
    for g in GUARDS {
        assert!(
            seen.guards.contains(&name_of(&g)),
            "no case shows guard {g:?}"
        );
    }
    for r in REASONS {
        assert!(
            seen.reasons.contains(&name_of(&r)),
            "no case shows reason {r:?}"
        );
    }
    for a in ActionKind::ALL {
        assert!(
            seen.actions_taken.contains(&a),
            "no case takes action `{a}`"
        );
    }
}
