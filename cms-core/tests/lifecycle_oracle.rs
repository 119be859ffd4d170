//! The oracle: a second, deliberately naive implementation of the default transition table and
//! of the access decision, written by hand from issue 3 and DOMAIN.md §1–3 and §10 (plain
//! `match` and `if`, nothing read from `rules.json`), compared with the real
//! [`cms_core::lifecycle::transition`] and [`cms_core::access::decide`] over every combination of
//!
//! - role set (every subset of LSO, supervisor, user — the three single roles, the multi-role
//!   sets and none),
//! - user status (active, suspended, revoked),
//! - the user's permissions (full, view only, nothing granted),
//! - request (every lifecycle action with a valid payload — both a Data Clarification and a
//!   Request for Information —, raise, upload, view, search, change own password and profile,
//!   and every account action on every kind of target),
//! - contact status (all 8),
//! - organisation relation (the raiser, the routed party, the CDSP, an unrelated organisation),
//! - contact type (the five confirmed, the illustrative theft type XTH, the retired USR).
//!
//! `now` is Thursday 2026-12-03 10:00 UTC, inside service hours and outside every maintenance
//! window; the states are built so that every guard holds where it can (the open request's
//! deadline has passed, the resolution is two working days old, ...). The guards themselves are
//! checked one by one at the end of the file.
//!
//! When several rules refuse a request, the oracle names the first in this order: the user's
//! status; the role grant; view only; then what the request itself needs (the type, the upload
//! permission, visibility, the lifecycle, the account rules).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use cms_core::access::{
    decide, AccountAction, Context, OrganisationRecord, Permissions, Request, Role, Rule, User,
    UserStatus,
};
use cms_core::lifecycle::{
    transition, Action, ActionKind, Actor, ContactState, Guard, OpenRequest, Party, Reason,
};
use cms_core::{OrgType, Organisation, RuleSet};

fn rules() -> Arc<RuleSet> {
    RuleSet::embedded().unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Thursday, 10:00 GMT.
fn now() -> NaiveDateTime {
    at("2026-12-03T10:00:00")
}

const RAISER_ORG: u64 = 1001;
const ROUTED_ORG: u64 = 3003;
const CDSP_ORG: u64 = 9999;
const UNRELATED_ORG: u64 = 5005;
const STRANGER_ORG: u64 = 7007;

// ---- the oracle's own knowledge, by hand -------------------------------------------------

/// Contact types of the grid: the five confirmed, the illustrative theft type, the retired one.
const TYPES: [&str; 7] = ["RFA", "CDQ", "DMQ", "FOM", "MNC", "XTH", "USR"];

/// DOMAIN.md §4 (and the illustrative XTH): which organisation types raise a type.
fn may_raise(contact_type: &str, org: OrgType) -> bool {
    match contact_type {
        "RFA" => org == OrgType::Shipper || org == OrgType::Dmsp,
        "CDQ" | "DMQ" | "MNC" => org == OrgType::Shipper,
        "FOM" => org == OrgType::Uip || org == OrgType::Gt || org == OrgType::Igt,
        "XTH" => org == OrgType::Shipper || org == OrgType::Gt || org == OrgType::Igt,
        _ => false,
    }
}

fn retired(contact_type: &str) -> bool {
    contact_type == "USR"
}

fn theft_related(contact_type: &str) -> bool {
    contact_type == "XTH"
}

/// The raiser of a contact of this type in the grid: a shipper, except for FOM (a UIP).
fn raiser_type(contact_type: &str) -> OrgType {
    if contact_type == "FOM" {
        OrgType::Uip
    } else {
        OrgType::Shipper
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Open,
    WithXoserve,
    WithThirdParty,
    AwaitingCustomer,
    Resolved,
    Closed,
    Rejected,
    Cancelled,
}

const STATUSES: [Status; 8] = [
    Status::Open,
    Status::WithXoserve,
    Status::WithThirdParty,
    Status::AwaitingCustomer,
    Status::Resolved,
    Status::Closed,
    Status::Rejected,
    Status::Cancelled,
];

impl Status {
    fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::WithXoserve => "with_xoserve",
            Status::WithThirdParty => "with_third_party",
            Status::AwaitingCustomer => "awaiting_customer",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Rejected => "rejected",
            Status::Cancelled => "cancelled",
        }
    }
}

/// The default workflow (DOMAIN.md §10, issue 3 §Lifecycle 1), copied by hand: where `kind`
/// leads from `from`, and who may take it.
fn table(kind: ActionKind, from: Status) -> Option<(Status, &'static [Party])> {
    use ActionKind as A;
    use Party as P;
    use Status as S;
    match (kind, from) {
        (A::Assign, S::Open | S::WithXoserve) => Some((S::WithXoserve, &[P::Handler])),
        (A::Assign, S::WithThirdParty) => Some((S::WithThirdParty, &[P::RoutedParty])),
        (A::Transfer, S::WithXoserve) => Some((S::WithXoserve, &[P::Handler])),
        (A::Transfer, S::WithThirdParty) => Some((S::WithThirdParty, &[P::RoutedParty])),
        (A::Route, S::Open | S::WithXoserve) => Some((S::WithThirdParty, &[P::Handler])),
        (A::ReturnToXoserve, S::WithThirdParty) => {
            Some((S::WithXoserve, &[P::RoutedParty, P::Handler]))
        }
        (A::RequestInformation, S::WithXoserve) => Some((S::AwaitingCustomer, &[P::Handler])),
        (A::Respond, S::AwaitingCustomer) => Some((S::WithXoserve, &[P::Raiser])),
        (A::AutoClose, S::AwaitingCustomer) => Some((S::Closed, &[P::System])),
        (A::Resolve, S::WithXoserve | S::WithThirdParty) => {
            Some((S::Resolved, &[P::Handler, P::RoutedParty]))
        }
        (A::Reject, S::Open | S::WithXoserve | S::WithThirdParty) => {
            Some((S::Rejected, &[P::Handler]))
        }
        (A::Cancel, S::Open | S::WithXoserve | S::WithThirdParty | S::AwaitingCustomer) => {
            Some((S::Cancelled, &[P::Raiser]))
        }
        (A::Close, S::Resolved) => Some((S::Closed, &[P::Raiser, P::Handler])),
        (A::Reopen, S::Resolved) => Some((S::WithXoserve, &[P::Raiser])),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Raiser,
    Routed,
    Cdsp,
    Unrelated,
}

const RELS: [Rel; 4] = [Rel::Raiser, Rel::Routed, Rel::Cdsp, Rel::Unrelated];

fn org_id(rel: Rel) -> u64 {
    match rel {
        Rel::Raiser => RAISER_ORG,
        Rel::Routed => ROUTED_ORG,
        Rel::Cdsp => CDSP_ORG,
        Rel::Unrelated => UNRELATED_ORG,
    }
}

fn org_type(rel: Rel, contact_type: &str) -> OrgType {
    match rel {
        Rel::Raiser => raiser_type(contact_type),
        Rel::Routed => OrgType::Gt,
        Rel::Cdsp => OrgType::Cdsp,
        Rel::Unrelated => OrgType::Mra,
    }
}

fn org(rel: Rel, contact_type: &str) -> OrganisationRecord {
    OrganisationRecord {
        id: org_id(rel),
        short_code: String::new(),
        org_type: org_type(rel, contact_type),
        active: true,
    }
}

/// Which parties an organisation is, for a contact of the grid (routed now only when with a
/// third party; it keeps sight after the return, but no part).
fn oracle_parties(rel: Rel, status: Status) -> Vec<Party> {
    match rel {
        Rel::Raiser => vec![Party::Raiser],
        Rel::Cdsp => vec![Party::Handler],
        Rel::Routed if status == Status::WithThirdParty => vec![Party::RoutedParty],
        Rel::Routed | Rel::Unrelated => vec![],
    }
}

/// The raiser, everyone it was ever routed to (in the grid: the routed party once the contact
/// has left `open`), and the CDSP.
fn oracle_visible(rel: Rel, status: Status) -> bool {
    match rel {
        Rel::Raiser | Rel::Cdsp => true,
        Rel::Routed => status != Status::Open,
        Rel::Unrelated => false,
    }
}

/// The lifecycle actions of the grid, each with a valid payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    Assign,
    Transfer,
    Route,
    ReturnToXoserve,
    DataClarification,
    RequestForInformation,
    Respond,
    AutoClose,
    Resolve,
    Reject,
    Cancel,
    Close,
    Reopen,
}

const LIFE: [Life; 13] = [
    Life::Assign,
    Life::Transfer,
    Life::Route,
    Life::ReturnToXoserve,
    Life::DataClarification,
    Life::RequestForInformation,
    Life::Respond,
    Life::AutoClose,
    Life::Resolve,
    Life::Reject,
    Life::Cancel,
    Life::Close,
    Life::Reopen,
];

impl Life {
    fn kind(self) -> ActionKind {
        match self {
            Life::Assign => ActionKind::Assign,
            Life::Transfer => ActionKind::Transfer,
            Life::Route => ActionKind::Route,
            Life::ReturnToXoserve => ActionKind::ReturnToXoserve,
            Life::DataClarification | Life::RequestForInformation => ActionKind::RequestInformation,
            Life::Respond => ActionKind::Respond,
            Life::AutoClose => ActionKind::AutoClose,
            Life::Resolve => ActionKind::Resolve,
            Life::Reject => ActionKind::Reject,
            Life::Cancel => ActionKind::Cancel,
            Life::Close => ActionKind::Close,
            Life::Reopen => ActionKind::Reopen,
        }
    }

    /// The action, with a payload that satisfies its guard where one can: an assignee of the
    /// actor's own organisation, a route to the gas transporter, a catalogue rejection code.
    fn action(self, actor_org: u64) -> Action {
        match self {
            Life::Assign => Action::Assign {
                assignee: "u-colleague".into(),
                assignee_organisation: actor_org,
            },
            Life::Transfer => Action::Transfer {
                assignee: "u-colleague".into(),
                assignee_organisation: actor_org,
            },
            Life::Route => Action::Route {
                to: Organisation {
                    id: ROUTED_ORG,
                    org_type: OrgType::Gt,
                },
            },
            Life::ReturnToXoserve => Action::ReturnToXoserve,
            Life::DataClarification => Action::RequestInformation {
                kind: "data_clarification".into(),
            },
            Life::RequestForInformation => Action::RequestInformation {
                kind: "request_for_information".into(),
            },
            Life::Respond => Action::Respond,
            Life::AutoClose => Action::AutoClose,
            Life::Resolve => Action::Resolve {
                text: "meter exchanged, reads corrected".into(),
            },
            Life::Reject => Action::Reject {
                code: "CON00008".into(),
            },
            Life::Cancel => Action::Cancel,
            Life::Close => Action::Close,
            Life::Reopen => Action::Reopen,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    To(Status),
    NotFromStatus,
    NotForActor,
    Guard(Guard),
}

/// The oracle's transition: `who` is `None` for the system.
fn oracle_transition(life: Life, contact_type: &str, status: Status, who: Option<Rel>) -> Expect {
    let Some((to, by)) = table(life.kind(), status) else {
        return Expect::NotFromStatus;
    };
    let is = match who {
        None => vec![Party::System],
        Some(rel) => oracle_parties(rel, status),
    };
    if !by.iter().any(|p| is.contains(p)) {
        return Expect::NotForActor;
    }
    if life == Life::RequestForInformation && !theft_related(contact_type) {
        return Expect::Guard(Guard::TheftOnly);
    }
    if life == Life::Assign || life == Life::Transfer {
        let handling = if status == Status::WithThirdParty {
            ROUTED_ORG
        } else {
            CDSP_ORG
        };
        let own = who.map_or(CDSP_ORG, org_id);
        if own != handling {
            return Expect::Guard(Guard::AssigneeOutsideHandlingOrganisation);
        }
    }
    Expect::To(to)
}

/// A contact of the grid in a status, every guard satisfied where it can be.
fn contact(contact_type: &str, status: Status) -> ContactState {
    let routed_ever = status != Status::Open;
    let resolved = matches!(status, Status::Resolved | Status::Closed);
    let awaiting = status == Status::AwaitingCustomer;
    ContactState {
        crn: "C00000000195".into(),
        contact_type: contact_type.into(),
        status: status.code().into(),
        raised_by: Organisation {
            id: RAISER_ORG,
            org_type: raiser_type(contact_type),
        },
        raised_by_user: "u-raiser".into(),
        raised_at: at("2026-11-02T09:00:00"),
        target_date: day("2026-12-15"),
        routed_party: (status == Status::WithThirdParty).then_some(ROUTED_ORG),
        routed_to: if routed_ever {
            vec![ROUTED_ORG]
        } else {
            vec![]
        },
        assignee: None,
        paused_since: awaiting.then(|| day("2026-11-26")),
        paused_working_days: 0,
        // The deadline passed on Tuesday: the raiser may still answer, the system may close.
        request: awaiting.then(|| OpenRequest {
            kind: "data_clarification".into(),
            deadline: day("2026-12-01"),
        }),
        // Resolved on Tuesday: inside the reopen window.
        resolved_at: resolved.then(|| at("2026-12-01T11:00:00")),
        resolution: resolved.then(|| "done".to_string()),
        rejection_code: (status == Status::Rejected).then(|| "CON00001".to_string()),
        events: 3,
    }
}

// ---- the access side ---------------------------------------------------------------------

const ROLE_SETS: [&[Role]; 8] = [
    &[],
    &[Role::Lso],
    &[Role::Supervisor],
    &[Role::User],
    &[Role::Lso, Role::Supervisor],
    &[Role::Lso, Role::User],
    &[Role::Supervisor, Role::User],
    &[Role::Lso, Role::Supervisor, Role::User],
];

const USER_STATUSES: [UserStatus; 3] = [
    UserStatus::Active,
    UserStatus::Suspended,
    UserStatus::Revoked,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// May raise every type of the grid and upload.
    Full,
    /// The same grants, but view only.
    ViewOnly,
    /// Nothing granted.
    Nothing,
}

const PROFILES: [Profile; 3] = [Profile::Full, Profile::ViewOnly, Profile::Nothing];

fn permissions(profile: Profile) -> Permissions {
    let all = || TYPES.iter().map(|t| t.to_string()).collect();
    match profile {
        Profile::Full => Permissions {
            raise: all(),
            upload_batches: true,
            view_only: false,
        },
        Profile::ViewOnly => Permissions {
            raise: all(),
            upload_batches: true,
            view_only: true,
        },
        Profile::Nothing => Permissions::default(),
    }
}

/// Whom an account action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The actor.
    Myself,
    /// A suspended plain user of the actor's organisation.
    SuspendedColleague,
    /// An active plain user of the actor's organisation.
    ActiveColleague,
    /// A second active LSO of the actor's organisation.
    LsoColleague,
    /// An active user of another organisation.
    Stranger,
}

const ACCOUNT_ACTIONS: [AccountAction; 6] = [
    AccountAction::CreateUser,
    AccountAction::DeleteUser,
    AccountAction::ChangePermissions,
    AccountAction::ResetPassword,
    AccountAction::Suspend,
    AccountAction::Reinstate,
];

/// (target, whether the organisation has a second active LSO).
const ACCOUNT_TARGETS: [(Target, bool); 9] = [
    (Target::Myself, false),
    (Target::Myself, true),
    (Target::SuspendedColleague, false),
    (Target::SuspendedColleague, true),
    (Target::ActiveColleague, false),
    (Target::ActiveColleague, true),
    (Target::Stranger, false),
    (Target::Stranger, true),
    (Target::LsoColleague, true),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Req {
    Raise,
    Upload,
    View,
    Search,
    Lifecycle(Life),
    Account(AccountAction, Target, bool),
    OwnPassword,
    OwnProfile,
}

fn requests() -> Vec<Req> {
    let mut out = vec![
        Req::Raise,
        Req::Upload,
        Req::View,
        Req::Search,
        Req::OwnPassword,
        Req::OwnProfile,
    ];
    out.extend(LIFE.iter().map(|&l| Req::Lifecycle(l)));
    for a in ACCOUNT_ACTIONS {
        for (t, second) in ACCOUNT_TARGETS {
            out.push(Req::Account(a, t, second));
        }
    }
    out
}

/// The oracle's decision.
#[allow(clippy::too_many_arguments)] // one argument per dimension of the grid
fn oracle_decide(
    roles: &[Role],
    status: UserStatus,
    profile: Profile,
    rel: Rel,
    contact_type: &str,
    cstatus: Status,
    req: Req,
) -> Rule {
    // Suspended and revoked users can do nothing.
    if status != UserStatus::Active {
        return Rule::UserNotActive;
    }
    // (Organisations are active, of a type that may use CMS, and it is 10:00 on a Thursday.)
    let any_role = !roles.is_empty();
    let lso = roles.contains(&Role::Lso);
    let supervisor = roles.contains(&Role::Supervisor);
    let granted = match req {
        Req::Raise | Req::Upload | Req::View | Req::Search | Req::OwnPassword | Req::OwnProfile => {
            any_role
        }
        Req::Lifecycle(Life::Assign | Life::Transfer) => supervisor,
        Req::Lifecycle(Life::AutoClose) => false,
        Req::Lifecycle(_) => any_role,
        Req::Account(..) => lso,
    };
    if !granted {
        return Rule::NoGrant;
    }
    let changes = !matches!(
        req,
        Req::View | Req::Search | Req::OwnPassword | Req::OwnProfile
    );
    if changes && profile == Profile::ViewOnly {
        return Rule::ViewOnly;
    }
    match req {
        Req::Raise => {
            if retired(contact_type) {
                return Rule::ContactTypeNotRaisable;
            }
            if !may_raise(contact_type, org_type(rel, contact_type)) {
                return Rule::OrganisationMayNotRaise;
            }
            if profile == Profile::Nothing {
                return Rule::NoPermissionForType;
            }
        }
        Req::Upload => {
            if rel == Rel::Cdsp {
                return Rule::OrganisationTypeNotAllowed;
            }
            if profile == Profile::Nothing {
                return Rule::NoPermissionToUpload;
            }
        }
        Req::View => {
            if !oracle_visible(rel, cstatus) {
                return Rule::NotVisible;
            }
        }
        Req::Lifecycle(life) => {
            if !oracle_visible(rel, cstatus) {
                return Rule::NotVisible;
            }
            if !matches!(
                oracle_transition(life, contact_type, cstatus, Some(rel)),
                Expect::To(_)
            ) {
                return Rule::LifecycleRefused;
            }
        }
        Req::Account(action, target, second_lso) => {
            if target == Target::Stranger {
                return Rule::OtherOrganisation;
            }
            if action == AccountAction::ChangePermissions && target == Target::Myself {
                return Rule::SelfGrant;
            }
            let removes = action == AccountAction::DeleteUser
                || action == AccountAction::Suspend
                || action == AccountAction::ChangePermissions;
            let target_active_lso = match target {
                Target::Myself => true, // the actor is an active LSO by now
                Target::LsoColleague => true,
                _ => false,
            };
            if removes && target_active_lso {
                let mut others = 0;
                if target != Target::Myself {
                    others += 1; // the actor
                }
                if second_lso && target != Target::LsoColleague {
                    others += 1;
                }
                if others == 0 {
                    return Rule::LastActiveLso;
                }
            }
            let target_active = target != Target::SuspendedColleague;
            if action == AccountAction::Reinstate && target_active {
                return Rule::NotSuspended;
            }
        }
        Req::Search | Req::OwnPassword | Req::OwnProfile => {}
    }
    Rule::Allowed
}

fn user(id: &str, org: u64, roles: &[Role], status: UserStatus, perms: Permissions) -> User {
    User {
        id: id.into(),
        organisation_id: org,
        roles: roles.to_vec(),
        status,
        permissions: perms,
    }
}

fn real_transition(
    rules: &RuleSet,
    state: &ContactState,
    life: Life,
    who: Option<Rel>,
) -> (Expect, Option<(ContactState, cms_core::lifecycle::Event)>) {
    let u;
    let o;
    let actor = match who {
        None => Actor::System,
        Some(rel) => {
            o = org(rel, &state.contact_type);
            u = user(
                "u-actor",
                o.id,
                &[Role::Supervisor],
                UserStatus::Active,
                Permissions::default(),
            );
            Actor::User {
                user: &u,
                organisation: &o,
            }
        }
    };
    let action = life.action(who.map_or(CDSP_ORG, org_id));
    match transition(rules, state, &action, &actor, now(), Some("note")) {
        Ok(t) => {
            let to = STATUSES
                .iter()
                .copied()
                .find(|s| s.code() == t.state.status)
                .unwrap_or_else(|| panic!("a status outside the table: {}", t.state.status));
            (Expect::To(to), Some((t.state, t.event)))
        }
        Err(r) => (
            match r.reason {
                Reason::NotFromStatus => Expect::NotFromStatus,
                Reason::NotForActor => Expect::NotForActor,
                Reason::Guard => Expect::Guard(r.guard.expect("a guard refusal names its guard")),
                Reason::UnknownContactType => panic!("unknown contact type: {r:?}"),
            },
            None,
        ),
    }
}

#[test]
fn transitions_agree_with_the_oracle_for_every_combination() {
    let rules = rules();
    let mut checked = 0usize;
    let mut mismatches = Vec::new();
    let mut allowed = 0usize;
    let mut taken = std::collections::BTreeSet::new();
    for ty in TYPES {
        for status in STATUSES {
            let state = contact(ty, status);
            for who in RELS.iter().map(|&r| Some(r)).chain([None]) {
                for life in LIFE {
                    checked += 1;
                    let want = oracle_transition(life, ty, status, who);
                    let (got, done) = real_transition(&rules, &state, life, who);
                    if got != want {
                        mismatches.push(format!(
                            "{ty} {} {life:?} by {who:?}: oracle {want:?}, real {got:?}",
                            status.code()
                        ));
                        continue;
                    }
                    if let Some((next, event)) = done {
                        allowed += 1;
                        taken.insert(format!("{life:?}"));
                        assert_eq!(event.from, status.code());
                        assert_eq!(event.to, next.status);
                        assert_eq!(event.seq, 4);
                        assert_eq!(event.id, "C00000000195-4");
                        assert_eq!(event.at, now());
                        assert_eq!(event.note.as_deref(), Some("note"));
                        assert_eq!(next.events, 4);
                    }
                }
            }
        }
    }
    println!("transition combinations checked: {checked} ({allowed} allowed)");
    assert_eq!(checked, 7 * 8 * 5 * 13);
    assert!(
        mismatches.is_empty(),
        "{} of {checked} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // Not vacuous: every action of the grid is allowed somewhere.
    for life in LIFE {
        assert!(
            taken.contains(&format!("{life:?}")),
            "{life:?} is never allowed"
        );
    }
    assert!(allowed > 100, "only {allowed} allowed");
}

#[test]
fn decisions_agree_with_the_oracle_for_every_combination() {
    let rules = rules();
    let ctx = Context {
        now: now(),
        outages: &[],
    };
    let reqs = requests();
    let mut checked = 0usize;
    let mut by_rule = std::collections::BTreeMap::<Rule, usize>::new();
    let mut mismatches = Vec::new();
    for ty in TYPES {
        for cstatus in STATUSES {
            let state = contact(ty, cstatus);
            for rel in RELS {
                let organisation = org(rel, ty);
                for roles in ROLE_SETS {
                    for status in USER_STATUSES {
                        for profile in PROFILES {
                            let me = user(
                                "u-actor",
                                organisation.id,
                                roles,
                                status,
                                permissions(profile),
                            );
                            for &req in &reqs {
                                checked += 1;
                                let want =
                                    oracle_decide(roles, status, profile, rel, ty, cstatus, req);
                                let got =
                                    run_request(&rules, &me, &organisation, &state, req, &ctx);
                                *by_rule.entry(got.rule).or_default() += 1;
                                assert!(!got.may_be_unavailable, "Thursday 10:00 is no window");
                                assert_eq!(got.allowed, got.rule == Rule::Allowed, "{got:?}");
                                if got.rule != want {
                                    mismatches.push(format!(
                                        "{ty} {} {rel:?} {roles:?} {status:?} {profile:?} {req:?}: oracle {want:?}, real {:?} ({})",
                                        cstatus.code(), got.rule, got.reason
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    println!("decision combinations checked: {checked}");
    println!("by rule: {by_rule:?}");
    assert_eq!(checked, 7 * 8 * 4 * 8 * 3 * 3 * reqs.len());
    assert!(
        mismatches.is_empty(),
        "{} of {checked} differ; the first:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Every rule the grid can reach was reached (the others need an inactive organisation, a
    // mismatched user record, a closed service or missing per-type grants: see tests/access.rs).
    for r in [
        Rule::UserNotActive,
        Rule::NoGrant,
        Rule::ViewOnly,
        Rule::NotVisible,
        Rule::ContactTypeNotRaisable,
        Rule::OrganisationMayNotRaise,
        Rule::NoPermissionForType,
        Rule::NoPermissionToUpload,
        Rule::OrganisationTypeNotAllowed,
        Rule::LifecycleRefused,
        Rule::OtherOrganisation,
        Rule::SelfGrant,
        Rule::LastActiveLso,
        Rule::NotSuspended,
        Rule::Allowed,
    ] {
        assert!(by_rule.contains_key(&r), "no combination reached {r:?}");
    }
}

fn run_request(
    rules: &RuleSet,
    me: &User,
    organisation: &OrganisationRecord,
    state: &ContactState,
    req: Req,
    ctx: &Context<'_>,
) -> cms_core::access::Decision {
    match req {
        Req::Raise => decide(
            rules,
            me,
            organisation,
            &Request::Raise {
                contact_type: &state.contact_type,
            },
            ctx,
        ),
        Req::Upload => decide(rules, me, organisation, &Request::UploadBatch, ctx),
        Req::View => decide(
            rules,
            me,
            organisation,
            &Request::View { contact: state },
            ctx,
        ),
        Req::Search => decide(rules, me, organisation, &Request::Search, ctx),
        Req::OwnPassword => decide(rules, me, organisation, &Request::ChangeOwnPassword, ctx),
        Req::OwnProfile => decide(rules, me, organisation, &Request::ChangeOwnProfile, ctx),
        Req::Lifecycle(life) => {
            let action = life.action(organisation.id);
            decide(
                rules,
                me,
                organisation,
                &Request::Lifecycle {
                    action: &action,
                    contact: state,
                },
                ctx,
            )
        }
        Req::Account(action, target, second_lso) => {
            let colleague = |id: &str, roles: &[Role], status| {
                user(id, organisation.id, roles, status, Permissions::default())
            };
            let suspended = colleague("u-suspended", &[Role::User], UserStatus::Suspended);
            let active = colleague("u-active", &[Role::User], UserStatus::Active);
            let lso2 = colleague("u-lso2", &[Role::Lso], UserStatus::Active);
            let stranger = user(
                "u-stranger",
                STRANGER_ORG,
                &[Role::User],
                UserStatus::Active,
                Permissions::default(),
            );
            let mut org_users = vec![me.clone(), suspended.clone(), active.clone()];
            if second_lso {
                org_users.push(lso2.clone());
            }
            let target = match target {
                Target::Myself => me.clone(),
                Target::SuspendedColleague => suspended,
                Target::ActiveColleague => active,
                Target::LsoColleague => lso2,
                Target::Stranger => stranger,
            };
            decide(
                rules,
                me,
                organisation,
                &Request::Account {
                    action,
                    target: &target,
                    organisation_users: &org_users,
                },
                ctx,
            )
        }
    }
}

#[test]
fn total_combinations() {
    // Written out so the report can quote it: transitions (type × status × actor × action) and
    // decisions (type × status × relation × role set × user status × permissions × request).
    let transitions = TYPES.len() * STATUSES.len() * (RELS.len() + 1) * LIFE.len();
    let decisions = TYPES.len()
        * STATUSES.len()
        * RELS.len()
        * ROLE_SETS.len()
        * USER_STATUSES.len()
        * PROFILES.len()
        * requests().len();
    println!("oracle combinations: {transitions} transitions + {decisions} decisions");
    assert_eq!(transitions, 3_640);
    assert_eq!(decisions, 7 * 8 * 4 * 8 * 3 * 3 * 73);
}

// ---- guards, one by one ------------------------------------------------------------------

fn cdsp_user() -> (User, OrganisationRecord) {
    (
        user(
            "u-xoserve",
            CDSP_ORG,
            &[Role::Supervisor],
            UserStatus::Active,
            Permissions::default(),
        ),
        OrganisationRecord {
            id: CDSP_ORG,
            short_code: "XOS".into(),
            org_type: OrgType::Cdsp,
            active: true,
        },
    )
}

fn raiser_user(contact_type: &str) -> (User, OrganisationRecord) {
    let o = org(Rel::Raiser, contact_type);
    (
        user(
            "u-raiser",
            o.id,
            &[Role::User],
            UserStatus::Active,
            Permissions::default(),
        ),
        o,
    )
}

fn routed_user() -> (User, OrganisationRecord) {
    let o = org(Rel::Routed, "CDQ");
    (
        user(
            "u-gt",
            o.id,
            &[Role::Supervisor],
            UserStatus::Active,
            Permissions::default(),
        ),
        o,
    )
}

fn guard_of(
    state: &ContactState,
    action: &Action,
    who: &(User, OrganisationRecord),
    when: NaiveDateTime,
) -> Option<Guard> {
    let actor = Actor::User {
        user: &who.0,
        organisation: &who.1,
    };
    match transition(&rules(), state, action, &actor, when, None) {
        Ok(_) => None,
        Err(r) => {
            assert_eq!(r.reason, Reason::Guard, "{r:?}");
            assert!(!r.message.is_empty());
            r.guard
        }
    }
}

#[test]
fn guard_resolution_text_required() {
    let s = contact("CDQ", Status::WithXoserve);
    for text in ["", "   ", "\t\n"] {
        let a = Action::Resolve { text: text.into() };
        assert_eq!(
            guard_of(&s, &a, &cdsp_user(), now()),
            Some(Guard::ResolutionTextRequired),
            "{text:?}"
        );
    }
    let a = Action::Resolve { text: "x".into() };
    assert_eq!(guard_of(&s, &a, &cdsp_user(), now()), None);
    // The routed party is held to it too.
    let s = contact("CDQ", Status::WithThirdParty);
    let a = Action::Resolve {
        text: String::new(),
    };
    assert_eq!(
        guard_of(&s, &a, &routed_user(), now()),
        Some(Guard::ResolutionTextRequired)
    );
}

#[test]
fn guard_rejection_code_from_the_catalogue() {
    let s = contact("CDQ", Status::Open);
    for code in ["", "XYZ99999", "con00008", "CON0000"] {
        let a = Action::Reject { code: code.into() };
        assert_eq!(
            guard_of(&s, &a, &cdsp_user(), now()),
            Some(Guard::RejectionCodeUnknown),
            "{code:?}"
        );
    }
    let a = Action::Reject {
        code: "FIL00001".into(),
    };
    assert_eq!(guard_of(&s, &a, &cdsp_user(), now()), None);
}

#[test]
fn guard_request_kind_and_theft_only() {
    let rfi = Action::RequestInformation {
        kind: "request_for_information".into(),
    };
    for ty in ["RFA", "CDQ", "DMQ", "FOM", "MNC", "USR"] {
        let s = contact(ty, Status::WithXoserve);
        assert_eq!(
            guard_of(&s, &rfi, &cdsp_user(), now()),
            Some(Guard::TheftOnly),
            "{ty}"
        );
        for kind in ["data_clarification", "configuration_change"] {
            let a = Action::RequestInformation { kind: kind.into() };
            assert_eq!(guard_of(&s, &a, &cdsp_user(), now()), None, "{ty} {kind}");
        }
    }
    let s = contact("XTH", Status::WithXoserve);
    assert_eq!(guard_of(&s, &rfi, &cdsp_user(), now()), None);
    let bogus = Action::RequestInformation {
        kind: "telegram".into(),
    };
    assert_eq!(
        guard_of(&s, &bogus, &cdsp_user(), now()),
        Some(Guard::RequestKindUnknown)
    );
}

#[test]
fn guard_request_deadlines_are_working_days() {
    // Data Clarification: 5 working days from Thursday 3 December → Thursday 10 December; the
    // Request for Information: 10 → Thursday 17 December.
    let rules = rules();
    let (u, o) = cdsp_user();
    let actor = Actor::User {
        user: &u,
        organisation: &o,
    };
    let s = contact("XTH", Status::WithXoserve);
    for (kind, deadline) in [
        ("data_clarification", "2026-12-10"),
        ("configuration_change", "2026-12-10"),
        ("request_for_information", "2026-12-17"),
    ] {
        let a = Action::RequestInformation { kind: kind.into() };
        let t = transition(&rules, &s, &a, &actor, now(), None).unwrap();
        assert_eq!(
            t.state.request,
            Some(OpenRequest {
                kind: kind.into(),
                deadline: day(deadline)
            })
        );
        assert_eq!(t.state.status, "awaiting_customer");
        assert_eq!(t.state.paused_since, Some(day("2026-12-03")));
    }
}

#[test]
fn guard_reopen_window() {
    // Ten working days after resolution (DOMAIN: working days; none are holidays here). Today
    // is Thursday 3 December; resolved Thursday 19 November is exactly 10 working days back.
    let s = |resolved: &str| {
        let mut c = contact("CDQ", Status::Resolved);
        c.resolved_at = Some(at(resolved));
        c
    };
    let who = raiser_user("CDQ");
    assert_eq!(
        guard_of(&s("2026-11-19T16:00:00"), &Action::Reopen, &who, now()),
        None
    );
    assert_eq!(
        guard_of(&s("2026-11-18T16:00:00"), &Action::Reopen, &who, now()),
        Some(Guard::ReopenWindowPassed)
    );
    assert_eq!(
        guard_of(&s("2026-06-01T10:00:00"), &Action::Reopen, &who, now()),
        Some(Guard::ReopenWindowPassed)
    );
    // Over Christmas: resolved Friday 18 December 2026, the window runs to Wednesday 6 January
    // 2027 (21, 22, 23, 24, 29, 30, 31 Dec, 4, 5, 6 Jan; 25 and 28 Dec — Boxing Day's
    // substitute — and 1 Jan are holidays).
    let xmas = s("2026-12-18T12:00:00");
    assert_eq!(
        guard_of(&xmas, &Action::Reopen, &who, at("2027-01-06T12:00:00")),
        None
    );
    assert_eq!(
        guard_of(&xmas, &Action::Reopen, &who, at("2027-01-07T12:00:00")),
        Some(Guard::ReopenWindowPassed)
    );
    // Reopened: the resolution is gone and the contact is with Xoserve again.
    let rules = rules();
    let actor = Actor::User {
        user: &who.0,
        organisation: &who.1,
    };
    let t = transition(
        &rules,
        &s("2026-12-01T09:00:00"),
        &Action::Reopen,
        &actor,
        now(),
        None,
    )
    .unwrap();
    assert_eq!(t.state.status, "with_xoserve");
    assert_eq!((t.state.resolution, t.state.resolved_at), (None, None));
}

#[test]
fn guard_auto_close_only_after_the_deadline() {
    let rules = rules();
    let with_deadline = |d: &str| {
        let mut c = contact("CDQ", Status::AwaitingCustomer);
        c.request = Some(OpenRequest {
            kind: "data_clarification".into(),
            deadline: day(d),
        });
        c
    };
    let close = |s: &ContactState, when: &str| {
        transition(
            &rules,
            s,
            &Action::AutoClose,
            &Actor::System,
            at(when),
            None,
        )
    };
    // On the deadline itself the customer may still answer.
    let r = close(&with_deadline("2026-12-03"), "2026-12-03T23:30:00").unwrap_err();
    assert_eq!(
        (r.reason, r.guard),
        (Reason::Guard, Some(Guard::DeadlineNotPassed))
    );
    let r = close(&with_deadline("2026-12-10"), "2026-12-03T10:00:00").unwrap_err();
    assert_eq!(r.guard, Some(Guard::DeadlineNotPassed));
    // The London date decides: 23:30 UTC on 3 June is 00:30 BST on 4 June.
    let r = close(&with_deadline("2026-06-03"), "2026-06-03T23:30:00").unwrap();
    assert_eq!(r.state.status, "closed");
    assert_eq!(r.state.request, None);
    let t = close(&with_deadline("2026-12-02"), "2026-12-03T10:00:00").unwrap();
    assert_eq!(t.state.status, "closed");
    assert_eq!(t.event.actor.user, None);
    // No open request: nothing to close.
    let mut none = with_deadline("2026-12-01");
    none.request = None;
    let r = close(&none, "2026-12-03T10:00:00").unwrap_err();
    assert_eq!(r.guard, Some(Guard::NoOpenRequest));
    // ... and nothing to respond to.
    let who = raiser_user("CDQ");
    assert_eq!(
        guard_of(&none, &Action::Respond, &who, now()),
        Some(Guard::NoOpenRequest)
    );
}

#[test]
fn guard_assignee_of_the_handling_organisation() {
    let assign = |org: u64| Action::Assign {
        assignee: "someone".into(),
        assignee_organisation: org,
    };
    let transfer = |org: u64| Action::Transfer {
        assignee: "someone".into(),
        assignee_organisation: org,
    };
    // With Xoserve: Xoserve's users only.
    let s = contact("CDQ", Status::WithXoserve);
    for org in [ROUTED_ORG, RAISER_ORG, UNRELATED_ORG] {
        assert_eq!(
            guard_of(&s, &assign(org), &cdsp_user(), now()),
            Some(Guard::AssigneeOutsideHandlingOrganisation)
        );
        assert_eq!(
            guard_of(&s, &transfer(org), &cdsp_user(), now()),
            Some(Guard::AssigneeOutsideHandlingOrganisation)
        );
    }
    assert_eq!(guard_of(&s, &assign(CDSP_ORG), &cdsp_user(), now()), None);
    // With a third party: that party's users only.
    let s = contact("CDQ", Status::WithThirdParty);
    assert_eq!(
        guard_of(&s, &assign(CDSP_ORG), &routed_user(), now()),
        Some(Guard::AssigneeOutsideHandlingOrganisation)
    );
    assert_eq!(
        guard_of(&s, &transfer(RAISER_ORG), &routed_user(), now()),
        Some(Guard::AssigneeOutsideHandlingOrganisation)
    );
    assert_eq!(
        guard_of(&s, &transfer(ROUTED_ORG), &routed_user(), now()),
        None
    );
}

#[test]
fn guard_route_target() {
    let s = contact("CDQ", Status::Open);
    let route = |id: u64, org_type: OrgType| Action::Route {
        to: Organisation { id, org_type },
    };
    assert_eq!(
        guard_of(&s, &route(CDSP_ORG, OrgType::Cdsp), &cdsp_user(), now()),
        Some(Guard::RouteTargetInvalid)
    );
    assert_eq!(
        guard_of(&s, &route(4242, OrgType::Cdsp), &cdsp_user(), now()),
        Some(Guard::RouteTargetInvalid)
    );
    for t in [
        OrgType::Shipper,
        OrgType::Gt,
        OrgType::Igt,
        OrgType::Mra,
        OrgType::Dmsp,
        OrgType::Uip,
    ] {
        assert_eq!(
            guard_of(&s, &route(4004, t), &cdsp_user(), now()),
            None,
            "{t}"
        );
    }
}

#[test]
fn guard_route_to_the_cdsp_id_under_another_type() {
    // Organisation 9999 is the CDSP (cdsp_organisation_id); routing to it as a `shipper` makes
    // the CDSP its own routed party (Handler and RoutedParty at once).
    let s = contact("CDQ", Status::Open);
    let a = Action::Route {
        to: Organisation {
            id: CDSP_ORG,
            org_type: OrgType::Shipper,
        },
    };
    assert_eq!(
        guard_of(&s, &a, &cdsp_user(), now()),
        Some(Guard::RouteTargetInvalid)
    );
}

#[test]
fn guard_date_out_of_range() {
    // A paused clock whose target would move past the end of the calendar.
    let rules = rules();
    let mut s = contact("CDQ", Status::AwaitingCustomer);
    s.target_date = NaiveDate::MAX;
    let who = raiser_user("CDQ");
    let actor = Actor::User {
        user: &who.0,
        organisation: &who.1,
    };
    let r = transition(&rules, &s, &Action::Respond, &actor, now(), None).unwrap_err();
    assert_eq!(
        (r.reason, r.guard),
        (Reason::Guard, Some(Guard::DateOutOfRange))
    );
    // A response deadline past the end of the calendar.
    let s = contact("CDQ", Status::WithXoserve);
    let (u, o) = cdsp_user();
    let actor = Actor::User {
        user: &u,
        organisation: &o,
    };
    let late = NaiveDate::MAX.and_hms_opt(10, 0, 0).unwrap();
    let a = Action::RequestInformation {
        kind: "data_clarification".into(),
    };
    let r = transition(&rules, &s, &a, &actor, late, None).unwrap_err();
    assert_eq!(r.guard, Some(Guard::DateOutOfRange));
}

#[test]
fn unknown_contact_type_is_refused() {
    let rules = rules();
    let s = contact("ZZZ", Status::Open);
    let (u, o) = cdsp_user();
    let actor = Actor::User {
        user: &u,
        organisation: &o,
    };
    let a = Action::Reject {
        code: "CON00008".into(),
    };
    let r = transition(&rules, &s, &a, &actor, now(), None).unwrap_err();
    assert_eq!(r.reason, Reason::UnknownContactType);
}

#[test]
fn cancel_while_awaiting_closes_the_request() {
    let rules = rules();
    let s = contact("CDQ", Status::AwaitingCustomer);
    let who = raiser_user("CDQ");
    let actor = Actor::User {
        user: &who.0,
        organisation: &who.1,
    };
    let t = transition(&rules, &s, &Action::Cancel, &actor, now(), None).unwrap();
    assert_eq!(t.state.status, "cancelled");
    assert_eq!(t.state.paused_since, None);
    assert_eq!(
        t.state.request, None,
        "auto-close clears it; cancel should too"
    );
}

#[test]
fn the_mermaid_export_is_the_hand_copied_table() {
    use std::collections::BTreeSet;
    let rules = rules();
    let workflow = rules
        .workflows()
        .iter()
        .find(|w| w.code == "default")
        .unwrap();
    let text = cms_core::lifecycle::mermaid(&rules, workflow);
    let party = |p: &Party| match p {
        Party::Raiser => "raiser",
        Party::Handler => "handler",
        Party::RoutedParty => "routed_party",
        Party::System => "system",
    };
    let mut want = BTreeSet::new();
    for life in LIFE {
        for from in STATUSES {
            if let Some((to, by)) = table(life.kind(), from) {
                let mut by: Vec<&str> = by.iter().map(party).collect();
                by.sort_unstable();
                want.insert(format!(
                    "{} --> {} : {} ({})",
                    from.code(),
                    to.code(),
                    life.kind(),
                    by.join(", ")
                ));
            }
        }
    }
    let mut got = BTreeSet::new();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("stateDiagram-v2"));
    for line in lines {
        let line = line.trim();
        if line.contains("[*]") {
            continue;
        }
        // Sort the parties so that the order of `by` in the data does not matter.
        let (head, by) = line.rsplit_once(" (").unwrap();
        let mut by: Vec<&str> = by.trim_end_matches(')').split(", ").collect();
        by.sort_unstable();
        got.insert(format!("{head} ({})", by.join(", ")));
    }
    assert_eq!(got, want);
    assert!(text.contains("    [*] --> open\n"));
    for end in ["closed", "rejected", "cancelled"] {
        assert!(text.contains(&format!("    {end} --> [*]\n")), "{end}");
    }
    assert!(!text.contains("resolved --> [*]"));
}

#[test]
fn route_to_the_raiser_is_refused() {
    // DOMAIN.md §1 and §10: a contact is sent back to the raiser for clarification (a request
    // for information) or routed to *another* party — a third party, neither raiser nor CDSP.
    let s = contact("CDQ", Status::WithXoserve);
    let a = Action::Route {
        to: Organisation {
            id: RAISER_ORG,
            org_type: OrgType::Shipper,
        },
    };
    assert_eq!(
        guard_of(&s, &a, &cdsp_user(), now()),
        Some(Guard::RouteTargetInvalid)
    );
}
