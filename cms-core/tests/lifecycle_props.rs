//! Property tests of the lifecycle: random sequences of actions, by random actors, at random
//! times, from a freshly raised contact.
//!
//! (a) no sequence reaches a status, or a (from, to) pair, outside the default table (copied
//!     here by hand), nor takes a line with an actor the line does not name;
//! (b) a refused action changes nothing: the state passed in is unchanged, no event is added,
//!     and the reason agrees with the table (not from this status / not for this actor / a
//!     named guard);
//! (c) `replay(raised, history)` rebuilds the final state, and every prefix rebuilds the state
//!     of its moment; a history with two events swapped, a (not last) event removed, or an
//!     event's `to` edited is refused with the index of the first bad event;
//! (d) the target clock: outside a pause, `target_date` is the original target moved on by
//!     `paused_working_days`; during a pause the effective target moves on with every working
//!     day; after the response the target is the original plus the paused working days.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use cms_core::access::{OrganisationRecord, Permissions, Role, User, UserStatus};
use cms_core::calendar::london_date;
use cms_core::lifecycle::{
    effective_target, is_breached, replay, transition, working_days_remaining, Action, ActionKind,
    Actor, ContactState, Event, Party, Reason,
};
use cms_core::{OrgType, Organisation, RuleSet};
use proptest::prelude::*;
use proptest::sample::Index;

fn rules() -> Arc<RuleSet> {
    RuleSet::embedded().unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const RAISER_ORG: u64 = 1001;
const CDSP_ORG: u64 = 9999;
const GT_ORG: u64 = 3003;
const DMSP_ORG: u64 = 4004;
const MRA_ORG: u64 = 5005;

const STATUSES: [&str; 8] = [
    "open",
    "with_xoserve",
    "with_third_party",
    "awaiting_customer",
    "resolved",
    "closed",
    "rejected",
    "cancelled",
];

/// The default workflow, by hand: (action, from, to, who).
const TABLE: &[(ActionKind, &str, &str, &[Party])] = {
    use ActionKind as A;
    use Party as P;
    &[
        (A::Assign, "open", "with_xoserve", &[P::Handler]),
        (A::Assign, "with_xoserve", "with_xoserve", &[P::Handler]),
        (
            A::Assign,
            "with_third_party",
            "with_third_party",
            &[P::RoutedParty],
        ),
        (A::Transfer, "with_xoserve", "with_xoserve", &[P::Handler]),
        (
            A::Transfer,
            "with_third_party",
            "with_third_party",
            &[P::RoutedParty],
        ),
        (A::Route, "open", "with_third_party", &[P::Handler]),
        (A::Route, "with_xoserve", "with_third_party", &[P::Handler]),
        (
            A::ReturnToXoserve,
            "with_third_party",
            "with_xoserve",
            &[P::RoutedParty, P::Handler],
        ),
        (
            A::RequestInformation,
            "with_xoserve",
            "awaiting_customer",
            &[P::Handler],
        ),
        (
            A::Respond,
            "awaiting_customer",
            "with_xoserve",
            &[P::Raiser],
        ),
        (A::AutoClose, "awaiting_customer", "closed", &[P::System]),
        (
            A::Resolve,
            "with_xoserve",
            "resolved",
            &[P::Handler, P::RoutedParty],
        ),
        (
            A::Resolve,
            "with_third_party",
            "resolved",
            &[P::Handler, P::RoutedParty],
        ),
        (A::Reject, "open", "rejected", &[P::Handler]),
        (A::Reject, "with_xoserve", "rejected", &[P::Handler]),
        (A::Reject, "with_third_party", "rejected", &[P::Handler]),
        (A::Cancel, "open", "cancelled", &[P::Raiser]),
        (A::Cancel, "with_xoserve", "cancelled", &[P::Raiser]),
        (A::Cancel, "with_third_party", "cancelled", &[P::Raiser]),
        (A::Cancel, "awaiting_customer", "cancelled", &[P::Raiser]),
        (A::Close, "resolved", "closed", &[P::Raiser, P::Handler]),
        (A::Reopen, "resolved", "with_xoserve", &[P::Raiser]),
    ]
};

/// Who acts in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Raiser,
    Cdsp,
    /// Whoever the contact is routed to now (the gas transporter when it is routed to nobody).
    RoutedNow,
    Gt,
    Dmsp,
    Unrelated,
    System,
}

/// An action, its payload resolved when the step runs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Act {
    /// `None`: the actor's own organisation.
    Assign(Option<u64>),
    Transfer(Option<u64>),
    Route(Organisation),
    Return,
    Request(&'static str),
    Respond,
    AutoClose,
    Resolve(&'static str),
    Reject(&'static str),
    Cancel,
    Close,
    Reopen,
}

#[derive(Debug, Clone)]
struct Step {
    who: Who,
    act: Act,
    /// Minutes from the step before.
    advance: i64,
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        3 => Just(Who::Raiser),
        4 => Just(Who::Cdsp),
        3 => Just(Who::RoutedNow),
        1 => Just(Who::Gt),
        1 => Just(Who::Dmsp),
        1 => Just(Who::Unrelated),
        1 => Just(Who::System),
    ]
}

fn assignee_org() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![
        3 => Just(None),
        1 => prop::sample::select(vec![CDSP_ORG, GT_ORG, DMSP_ORG, RAISER_ORG]).prop_map(Some),
    ]
}

fn route_target() -> impl Strategy<Value = Organisation> {
    prop::sample::select(vec![
        Organisation {
            id: GT_ORG,
            org_type: OrgType::Gt,
        },
        Organisation {
            id: DMSP_ORG,
            org_type: OrgType::Dmsp,
        },
        Organisation {
            id: MRA_ORG,
            org_type: OrgType::Mra,
        },
        Organisation {
            id: CDSP_ORG,
            org_type: OrgType::Cdsp,
        },
        Organisation {
            id: RAISER_ORG,
            org_type: OrgType::Shipper,
        },
    ])
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        assignee_org().prop_map(Act::Assign),
        assignee_org().prop_map(Act::Transfer),
        route_target().prop_map(Act::Route),
        Just(Act::Return),
        prop::sample::select(vec![
            "data_clarification",
            "configuration_change",
            "request_for_information",
            "carrier_pigeon",
        ])
        .prop_map(Act::Request),
        Just(Act::Respond),
        Just(Act::AutoClose),
        prop::sample::select(vec!["", " ", "reads corrected"]).prop_map(Act::Resolve),
        prop::sample::select(vec!["CON00008", "NOT00000"]).prop_map(Act::Reject),
        Just(Act::Cancel),
        Just(Act::Close),
        Just(Act::Reopen),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (
        who(),
        act(),
        prop_oneof![
            4 => Just(0i64),
            4 => 1i64..=600,
            2 => 600i64..=4 * 1440,
            1 => 4 * 1440i64..=20 * 1440,
        ],
    )
        .prop_map(|(who, act, advance)| Step { who, act, advance })
}

fn contact_type() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["RFA", "CDQ", "DMQ", "FOM", "MNC", "XTH"])
}

fn raiser_type(contact_type: &str) -> OrgType {
    if contact_type == "FOM" {
        OrgType::Uip
    } else {
        OrgType::Shipper
    }
}

fn actor_org(who: Who, state: &ContactState) -> Option<OrganisationRecord> {
    let rec = |id, org_type| {
        Some(OrganisationRecord {
            id,
            short_code: String::new(),
            org_type,
            active: true,
        })
    };
    match who {
        Who::Raiser => rec(RAISER_ORG, state.raised_by.org_type),
        Who::Cdsp => rec(CDSP_ORG, OrgType::Cdsp),
        Who::RoutedNow => match state.routed_party {
            Some(GT_ORG) | None => rec(GT_ORG, OrgType::Gt),
            Some(DMSP_ORG) => rec(DMSP_ORG, OrgType::Dmsp),
            Some(MRA_ORG) => rec(MRA_ORG, OrgType::Mra),
            Some(RAISER_ORG) => rec(RAISER_ORG, state.raised_by.org_type),
            Some(other) => rec(other, OrgType::Shipper),
        },
        Who::Gt => rec(GT_ORG, OrgType::Gt),
        Who::Dmsp => rec(DMSP_ORG, OrgType::Dmsp),
        Who::Unrelated => rec(MRA_ORG, OrgType::Mra),
        Who::System => None,
    }
}

fn action(act: &Act, own: u64) -> Action {
    match act {
        Act::Assign(o) => Action::Assign {
            assignee: "u-assignee".into(),
            assignee_organisation: o.unwrap_or(own),
        },
        Act::Transfer(o) => Action::Transfer {
            assignee: "u-other".into(),
            assignee_organisation: o.unwrap_or(own),
        },
        Act::Route(to) => Action::Route { to: *to },
        Act::Return => Action::ReturnToXoserve,
        Act::Request(k) => Action::RequestInformation { kind: (*k).into() },
        Act::Respond => Action::Respond,
        Act::AutoClose => Action::AutoClose,
        Act::Resolve(t) => Action::Resolve { text: (*t).into() },
        Act::Reject(c) => Action::Reject { code: (*c).into() },
        Act::Cancel => Action::Cancel,
        Act::Close => Action::Close,
        Act::Reopen => Action::Reopen,
    }
}

/// The parties an actor is, by hand.
fn naive_parties(org: Option<&OrganisationRecord>, state: &ContactState) -> Vec<Party> {
    let Some(o) = org else {
        return vec![Party::System];
    };
    let mut out = vec![];
    if o.id == state.raised_by.id {
        out.push(Party::Raiser);
    }
    if o.id == CDSP_ORG && o.org_type == OrgType::Cdsp {
        out.push(Party::Handler);
    }
    if state.routed_party == Some(o.id) {
        out.push(Party::RoutedParty);
    }
    out
}

/// What a run leaves behind.
struct Run {
    raised: ContactState,
    history: Vec<Event>,
    /// The state after each event (the first is the raised state).
    states: Vec<ContactState>,
    refused: usize,
}

fn run(rules: &RuleSet, ty: &str, steps: &[Step]) -> Result<Run, TestCaseError> {
    let t0 = at("2026-12-03T10:00:00");
    let raiser = Organisation {
        id: RAISER_ORG,
        org_type: raiser_type(ty),
    };
    let raised = ContactState::raised(rules, "C00000000195", ty, raiser, "u-raiser", t0).unwrap();
    let original_target = raised.target_date;
    let cal = rules.calendar();
    let mut state = raised.clone();
    let mut history: Vec<Event> = vec![];
    let mut states = vec![raised.clone()];
    let mut now = t0;
    let mut refused = 0;
    for (i, s) in steps.iter().enumerate() {
        now += Duration::minutes(s.advance);
        let org = actor_org(s.who, &state);
        let user = User {
            id: format!("u-{:?}", s.who).to_lowercase(),
            organisation_id: org.as_ref().map_or(0, |o| o.id),
            roles: vec![Role::Supervisor],
            status: UserStatus::Active,
            permissions: Permissions::default(),
        };
        let actor = match &org {
            Some(o) => Actor::User {
                user: &user,
                organisation: o,
            },
            None => Actor::System,
        };
        let a = action(&s.act, org.as_ref().map_or(0, |o| o.id));
        let kind = a.kind();
        let before = state.clone();
        let note = format!("step {i}");
        let lines: Vec<_> = TABLE
            .iter()
            .filter(|(k, from, _, _)| *k == kind && *from == before.status)
            .collect();
        let is = naive_parties(org.as_ref(), &before);
        match transition(rules, &state, &a, &actor, now, Some(&note)) {
            Ok(t) => {
                // (a) inside the table, for this actor.
                prop_assert!(STATUSES.contains(&t.state.status.as_str()));
                let line = lines.iter().find(|(_, _, to, _)| *to == t.state.status);
                let Some((_, _, _, by)) = line else {
                    return Err(TestCaseError::fail(format!(
                        "{kind} {} -> {} is not in the table",
                        before.status, t.state.status
                    )));
                };
                prop_assert!(
                    by.iter().any(|p| is.contains(p)),
                    "{kind} from {} by {:?} ({is:?})",
                    before.status,
                    s.who
                );
                prop_assert_eq!(&t.event.from, &before.status);
                prop_assert_eq!(&t.event.to, &t.state.status);
                prop_assert_eq!(t.event.seq, before.events + 1);
                prop_assert_eq!(t.state.events, before.events + 1);
                prop_assert_eq!(&t.event.action, &a);
                prop_assert_eq!(t.event.note.as_deref(), Some(note.as_str()));
                prop_assert_eq!(t.event.at, now);
                // The state passed in is untouched even on success.
                prop_assert_eq!(&state, &before);
                history.push(t.event);
                state = t.state;
                states.push(state.clone());
            }
            Err(r) => {
                refused += 1;
                // (b) nothing changed, and the reason is the table's.
                prop_assert_eq!(&state, &before);
                prop_assert_eq!(history.len(), states.len() - 1);
                let want = if lines.is_empty() {
                    Reason::NotFromStatus
                } else if !lines
                    .iter()
                    .any(|(_, _, _, by)| by.iter().any(|p| is.contains(p)))
                {
                    Reason::NotForActor
                } else {
                    Reason::Guard
                };
                prop_assert_eq!(
                    r.reason,
                    want,
                    "{:?} {} by {:?}: {}",
                    kind,
                    before.status,
                    s.who,
                    r.message
                );
                prop_assert_eq!(r.guard.is_some(), r.reason == Reason::Guard);
            }
        }
        // (d) the clock between events.
        match state.paused_since {
            None => prop_assert_eq!(
                Some(state.target_date),
                cal.add_working_days(original_target, state.paused_working_days)
            ),
            Some(since) => {
                prop_assert_eq!(state.status.as_str(), "awaiting_customer");
                let days = cal.working_days_between(since, london_date(now)).max(0);
                let eff = effective_target(rules, &state, now);
                prop_assert_eq!(
                    Some(eff),
                    cal.add_working_days(state.target_date, u32::try_from(days).unwrap())
                );
                prop_assert!(eff >= state.target_date);
            }
        }
    }
    Ok(Run {
        raised,
        history,
        states,
        refused,
    })
}

fn other_status(s: &str) -> String {
    let i = STATUSES.iter().position(|x| *x == s).unwrap_or(0);
    STATUSES[(i + 1) % STATUSES.len()].to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sequences_stay_in_the_table_and_replay(
        ty in contact_type(),
        steps in prop::collection::vec(step(), 0..120),
        swap in (any::<Index>(), any::<Index>()),
        remove in any::<Index>(),
        edit in any::<Index>(),
    ) {
        let rules = rules();
        let r = run(&rules, ty, &steps)?;
        let n = r.history.len();
        prop_assert_eq!(r.refused + n, steps.len());
        // (c) the whole history and every prefix.
        let last = r.states.last().unwrap().clone();
        prop_assert_eq!(replay(&rules, &r.raised, &r.history), Ok(last));
        for k in 0..=n {
            let got = replay(&rules, &r.raised, &r.history[..k]);
            prop_assert_eq!(got.as_ref(), Ok(&r.states[k]));
        }
        if n >= 2 {
            let (a, b) = (swap.0.index(n), swap.1.index(n));
            let (i, j) = (a.min(b), a.max(b));
            if i != j {
                let mut h = r.history.clone();
                h.swap(i, j);
                let e = replay(&rules, &r.raised, &h).unwrap_err();
                prop_assert_eq!(e.index, i, "{}", e.message);
            }
            let k = remove.index(n - 1);
            let mut h = r.history.clone();
            h.remove(k);
            let e = replay(&rules, &r.raised, &h).unwrap_err();
            prop_assert_eq!(e.index, k, "{}", e.message);
        }
        if n >= 1 {
            // Removing the last event leaves a valid, shorter history.
            let got = replay(&rules, &r.raised, &r.history[..n - 1]);
            prop_assert_eq!(got.as_ref(), Ok(&r.states[n - 1]));
            let k = edit.index(n);
            let mut h = r.history.clone();
            h[k].to = other_status(&h[k].to);
            let e = replay(&rules, &r.raised, &h).unwrap_err();
            prop_assert_eq!(e.index, k, "{}", e.message);
        }
    }

    #[test]
    fn a_pause_moves_the_target_by_its_working_days(
        start in 0i64..800,
        to_pause in 0i64..20,
        pause_len in 0i64..40,
        ty in contact_type(),
        kind in prop::sample::select(vec!["data_clarification", "configuration_change"]),
    ) {
        let rules = rules();
        let cal = rules.calendar();
        let t0 = at("2026-01-05T10:00:00") + Duration::days(start);
        let raiser = Organisation { id: RAISER_ORG, org_type: raiser_type(ty) };
        let raised = ContactState::raised(&rules, "C00000000195", ty, raiser, "u-raiser", t0).unwrap();
        let original = raised.target_date;
        let (cu, co) = user_of(CDSP_ORG, OrgType::Cdsp);
        let xoserve = Actor::User { user: &cu, organisation: &co };
        let (ru, ro) = user_of(RAISER_ORG, raiser.org_type);
        let customer = Actor::User { user: &ru, organisation: &ro };
        let assign = Action::Assign { assignee: "u-x".into(), assignee_organisation: CDSP_ORG };
        let s = transition(&rules, &raised, &assign, &xoserve, t0, None).unwrap().state;
        let paused_at = t0 + Duration::days(to_pause);
        let rq = Action::RequestInformation { kind: kind.into() };
        let s = transition(&rules, &s, &rq, &xoserve, paused_at, None).unwrap().state;
        let pause_day = london_date(paused_at);
        prop_assert_eq!(s.paused_since, Some(pause_day));
        prop_assert_eq!(s.target_date, original);
        // While awaiting: the effective target moves on, day by day, never back.
        let mut last = original;
        for d in 0..=pause_len {
            let when = paused_at + Duration::days(d);
            let paused = cal.working_days_between(pause_day, london_date(when));
            let eff = effective_target(&rules, &s, when);
            prop_assert_eq!(Some(eff), cal.add_working_days(original, u32::try_from(paused).unwrap()));
            prop_assert!(eff >= last);
            if paused > 0 {
                prop_assert!(eff > original);
            }
            // Not breached while the paused clock keeps the target ahead.
            prop_assert_eq!(is_breached(&rules, &s, when), london_date(when) > eff);
            last = eff;
        }
        // After the response: original + paused working days.
        let answered_at = paused_at + Duration::days(pause_len);
        let t = transition(&rules, &s, &Action::Respond, &customer, answered_at, None).unwrap();
        let paused = cal.working_days_between(pause_day, london_date(answered_at));
        prop_assert_eq!(i64::from(t.state.paused_working_days), paused);
        prop_assert_eq!(Some(t.state.target_date), cal.add_working_days(original, u32::try_from(paused).unwrap()));
        prop_assert_eq!(t.state.paused_since, None);
        prop_assert_eq!(&t.state.request, &None);
        prop_assert_eq!(effective_target(&rules, &t.state, answered_at), t.state.target_date);
        prop_assert_eq!(
            working_days_remaining(&rules, &t.state, answered_at),
            {
                let n = cal.working_days_between(london_date(answered_at), t.state.target_date);
                if n == 0 && london_date(answered_at) > t.state.target_date { -1 } else { n }
            }
        );
    }
}

fn user_of(org: u64, org_type: OrgType) -> (User, OrganisationRecord) {
    (
        User {
            id: format!("u-{org}"),
            organisation_id: org,
            roles: vec![Role::Supervisor],
            status: UserStatus::Active,
            permissions: Permissions::default(),
        },
        OrganisationRecord {
            id: org,
            short_code: String::new(),
            org_type,
            active: true,
        },
    )
}

/// The worked example, by hand: CDQ (10 working days) raised Thursday 3 December 2026 is due
/// Thursday 17 December; paused from Monday 7 to Monday 14 December (5 working days: 8, 9, 10,
/// 11, 14) it is due Thursday 24 December.
#[test]
fn worked_pause_example() {
    let rules = rules();
    let raiser = Organisation {
        id: RAISER_ORG,
        org_type: OrgType::Shipper,
    };
    let raised = ContactState::raised(
        &rules,
        "C00000000195",
        "CDQ",
        raiser,
        "u-raiser",
        at("2026-12-03T10:00:00"),
    )
    .unwrap();
    assert_eq!(raised.target_date, day("2026-12-17"));
    assert_eq!(raised.status, "open");
    let (cu, co) = user_of(CDSP_ORG, OrgType::Cdsp);
    let xoserve = Actor::User {
        user: &cu,
        organisation: &co,
    };
    let (ru, ro) = user_of(RAISER_ORG, OrgType::Shipper);
    let customer = Actor::User {
        user: &ru,
        organisation: &ro,
    };
    let assign = Action::Assign {
        assignee: "u-x".into(),
        assignee_organisation: CDSP_ORG,
    };
    let a = transition(
        &rules,
        &raised,
        &assign,
        &xoserve,
        at("2026-12-04T09:00:00"),
        None,
    )
    .unwrap();
    let rq = Action::RequestInformation {
        kind: "data_clarification".into(),
    };
    let b = transition(
        &rules,
        &a.state,
        &rq,
        &xoserve,
        at("2026-12-07T11:00:00"),
        None,
    )
    .unwrap();
    assert_eq!(b.state.status, "awaiting_customer");
    assert_eq!(
        b.state.request.as_ref().unwrap().deadline,
        day("2026-12-14")
    );
    // Thursday 10th: three working days paused, so the target reads 22 December.
    assert_eq!(
        effective_target(&rules, &b.state, at("2026-12-10T12:00:00")),
        day("2026-12-22")
    );
    // Paused or not, a pause keeps the contact from breaching: on 18 December (after the
    // original target) it is not breached.
    assert!(!is_breached(&rules, &b.state, at("2026-12-18T12:00:00")));
    let c = transition(
        &rules,
        &b.state,
        &Action::Respond,
        &customer,
        at("2026-12-14T15:00:00"),
        None,
    )
    .unwrap();
    assert_eq!(c.state.paused_working_days, 5);
    assert_eq!(c.state.target_date, day("2026-12-24"));
    assert_eq!(c.state.paused_since, None);
    assert_eq!(
        working_days_remaining(&rules, &c.state, at("2026-12-14T15:00:00")),
        8
    );
    assert!(!is_breached(&rules, &c.state, at("2026-12-24T17:00:00")));
    // Late from Christmas Day; Boxing Day's substitute (Monday 28) is no working day, so on
    // the 29th it is one working day late, on the 30th two.
    assert!(is_breached(&rules, &c.state, at("2026-12-25T12:00:00")));
    assert_eq!(
        working_days_remaining(&rules, &c.state, at("2026-12-29T12:00:00")),
        -1
    );
    assert_eq!(
        working_days_remaining(&rules, &c.state, at("2026-12-30T12:00:00")),
        -2
    );
    // Resolved: the clock stops, never breached.
    let text = Action::Resolve {
        text: "reads corrected".into(),
    };
    let d = transition(
        &rules,
        &c.state,
        &text,
        &xoserve,
        at("2026-12-15T10:00:00"),
        None,
    )
    .unwrap();
    assert!(!is_breached(&rules, &d.state, at("2027-06-01T10:00:00")));
    assert_eq!(
        working_days_remaining(&rules, &d.state, at("2027-06-01T10:00:00")),
        0
    );
    // The history replays.
    let history = [a.event, b.event, c.event, d.event];
    assert_eq!(replay(&rules, &raised, &history), Ok(d.state));
}

/// An event dated before the one before it is refused at its own index, even with the right
/// sequence number.
#[test]
fn replay_refuses_time_going_backwards() {
    let rules = rules();
    let raiser = Organisation {
        id: RAISER_ORG,
        org_type: OrgType::Shipper,
    };
    let t0 = at("2026-12-03T10:00:00");
    let raised =
        ContactState::raised(&rules, "C00000000195", "CDQ", raiser, "u-raiser", t0).unwrap();
    let (cu, co) = user_of(CDSP_ORG, OrgType::Cdsp);
    let xoserve = Actor::User {
        user: &cu,
        organisation: &co,
    };
    let assign = |who: &str| Action::Assign {
        assignee: who.into(),
        assignee_organisation: CDSP_ORG,
    };
    let a = transition(
        &rules,
        &raised,
        &assign("u-1"),
        &xoserve,
        t0 + Duration::hours(2),
        None,
    )
    .unwrap();
    let b = transition(
        &rules,
        &a.state,
        &assign("u-2"),
        &xoserve,
        t0 + Duration::hours(3),
        None,
    )
    .unwrap();
    let mut h = vec![a.event.clone(), b.event.clone()];
    assert_eq!(replay(&rules, &raised, &h), Ok(b.state));
    h[1].at = t0 + Duration::hours(1);
    assert_eq!(replay(&rules, &raised, &h).unwrap_err().index, 1);
    // Before the contact was raised.
    let mut h = vec![a.event.clone()];
    h[0].at = t0 - Duration::minutes(1);
    assert_eq!(replay(&rules, &raised, &h).unwrap_err().index, 0);
    // An edited actor is refused too: the event must be the one the table gives.
    let mut h = vec![a.event.clone(), b.event];
    h[0].actor.organisation = Some(Organisation {
        id: GT_ORG,
        org_type: OrgType::Gt,
    });
    assert_eq!(replay(&rules, &raised, &h).unwrap_err().index, 0);
}

/// The random sequences are not vacuous: over a few hundred of them (a fixed seed), every line
/// of the table is taken and every status reached.
#[test]
fn random_sequences_cover_the_table() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let rules = rules();
    let mut runner = TestRunner::deterministic();
    let strategy = (contact_type(), prop::collection::vec(step(), 0..120));
    let mut taken = std::collections::BTreeSet::new();
    let mut longest = 0;
    for _ in 0..400 {
        let (ty, steps) = strategy.new_tree(&mut runner).unwrap().current();
        let r = run(&rules, ty, &steps).unwrap();
        longest = longest.max(r.history.len());
        for e in &r.history {
            taken.insert((e.action.kind(), e.from.clone(), e.to.clone()));
        }
    }
    for (k, from, to, _) in TABLE {
        assert!(
            taken.contains(&(*k, from.to_string(), to.to_string())),
            "never took {k} {from} -> {to}"
        );
    }
    assert_eq!(taken.len(), TABLE.len(), "{taken:?}");
    assert!(longest >= 8, "the longest history has {longest} events");
}
