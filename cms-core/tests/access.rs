//! Access control (issue 3 §Access control): service hours right across the clock changes, the
//! maintenance-window flag, declared outages, visibility, search filters, the account rules,
//! and users who are not active. Every expectation is written by hand from DOMAIN.md §2–3 and
//! the issue.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // tests: a panic is how a test fails

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use cms_core::access::{
    decide, is_visible, search, service_status, AccountAction, Context, Decision,
    OrganisationRecord, Outage, Permissions, Query, Request, Role, Rule, User, UserStatus,
};
use cms_core::lifecycle::{transition, Action, Actor, ContactState};
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

/// Thursday 3 December 2026, 10:00 GMT: open, no maintenance window.
fn thursday() -> NaiveDateTime {
    at("2026-12-03T10:00:00")
}

const SHIPPER: u64 = 1001;
const OTHER_SHIPPER: u64 = 1002;
const GT: u64 = 3003;
const DMSP: u64 = 4004;
const MRA: u64 = 5005;
const CDSP: u64 = 9999;

fn org(id: u64, org_type: OrgType) -> OrganisationRecord {
    OrganisationRecord {
        id,
        short_code: String::new(),
        org_type,
        active: true,
    }
}

fn user(id: &str, organisation_id: u64, roles: &[Role]) -> User {
    User {
        id: id.into(),
        organisation_id,
        roles: roles.to_vec(),
        status: UserStatus::Active,
        permissions: Permissions {
            raise: vec!["CDQ".into(), "RFA".into(), "DMQ".into(), "MNC".into()],
            upload_batches: true,
            view_only: false,
        },
    }
}

fn with_status(mut u: User, status: UserStatus) -> User {
    u.status = status;
    u
}

fn ctx(now: NaiveDateTime) -> Context<'static> {
    Context { now, outages: &[] }
}

fn contact(crn: &str, ty: &str, status: &str, raiser: u64, raised_at: &str) -> ContactState {
    ContactState {
        crn: crn.into(),
        contact_type: ty.into(),
        status: status.into(),
        raised_by: Organisation {
            id: raiser,
            org_type: OrgType::Shipper,
        },
        raised_by_user: "u-raiser".into(),
        raised_at: at(raised_at),
        target_date: day("2026-12-17"),
        routed_party: None,
        routed_to: vec![],
        assignee: None,
        paused_since: None,
        paused_working_days: 0,
        request: None,
        resolved_at: None,
        resolution: None,
        rejection_code: None,
        events: 0,
    }
}

fn available(now: &str) -> (bool, bool) {
    let s = service_status(&rules(), at(now), &[]);
    assert_eq!(s.available, s.rule.is_none(), "{s:?}");
    assert_eq!(s.available, s.reason.is_none(), "{s:?}");
    (s.available, s.may_be_unavailable)
}

// ---- service hours -----------------------------------------------------------------------

#[test]
fn service_hours_across_the_spring_change() {
    // Sunday 29 March 2026: the clocks go forward at 01:00 UTC. (available, may be unavailable)
    // — all of Sunday is in the weekend window (Saturday 12:00 to Monday 07:00).
    assert_eq!(available("2026-03-29T00:30:00"), (false, true)); // 00:30 GMT
    assert_eq!(available("2026-03-29T06:59:00"), (false, true)); // 07:59 BST
    assert_eq!(available("2026-03-29T07:00:00"), (true, true)); // 08:00 BST
    assert_eq!(available("2026-03-29T07:30:00"), (true, true)); // 08:30 BST: open
    assert_eq!(available("2026-03-29T16:59:00"), (true, true)); // 17:59 BST
    assert_eq!(available("2026-03-29T17:00:00"), (false, true)); // 18:00 BST
                                                                 // The Saturday before, still GMT: 07:30 UTC is 07:30, closed.
    assert_eq!(available("2026-03-28T07:30:00"), (false, false));
    assert_eq!(available("2026-03-28T08:00:00"), (true, false));
    assert_eq!(available("2026-03-28T17:30:00"), (true, true)); // 17:30 GMT, weekend window
                                                                // Monday 30 March, BST: 07:00 UTC is 08:00.
    assert_eq!(available("2026-03-30T05:59:00"), (false, true)); // 06:59 BST, window
    assert_eq!(available("2026-03-30T06:00:00"), (false, false)); // 07:00 BST, window over
    assert_eq!(available("2026-03-30T06:30:00"), (false, false)); // 07:30 BST
    assert_eq!(available("2026-03-30T07:00:00"), (true, false)); // 08:00 BST
    assert_eq!(available("2026-03-30T15:59:00"), (true, false)); // 16:59 BST
    assert_eq!(available("2026-03-30T16:00:00"), (true, true)); // 17:00 BST, window
    assert_eq!(available("2026-03-30T17:00:00"), (false, true)); // 18:00 BST
}

#[test]
fn service_hours_across_the_autumn_change() {
    // Sunday 25 October 2026: the clocks go back at 01:00 UTC.
    assert_eq!(available("2026-10-25T00:30:00"), (false, true)); // 01:30 BST
    assert_eq!(available("2026-10-25T01:30:00"), (false, true)); // 01:30 GMT
    assert_eq!(available("2026-10-25T07:30:00"), (false, true)); // 07:30 GMT: closed
    assert_eq!(available("2026-10-25T07:59:59"), (false, true));
    assert_eq!(available("2026-10-25T08:00:00"), (true, true)); // 08:00 GMT
    assert_eq!(available("2026-10-25T17:59:00"), (true, true));
    assert_eq!(available("2026-10-25T18:00:00"), (false, true));
    // The Saturday before, BST: 07:30 UTC is 08:30.
    assert_eq!(available("2026-10-24T07:30:00"), (true, false));
    assert_eq!(available("2026-10-24T06:59:00"), (false, false)); // 07:59 BST
    assert_eq!(available("2026-10-24T10:59:00"), (true, false)); // 11:59 BST
    assert_eq!(available("2026-10-24T11:00:00"), (true, true)); // 12:00 BST, weekend window
    assert_eq!(available("2026-10-24T16:59:00"), (true, true)); // 17:59 BST
    assert_eq!(available("2026-10-24T17:00:00"), (false, true)); // 18:00 BST
                                                                 // Monday 26 October, GMT.
    assert_eq!(available("2026-10-26T07:30:00"), (false, false));
    assert_eq!(available("2026-10-26T08:00:00"), (true, false));
    assert_eq!(available("2026-10-26T17:30:00"), (true, true));
    assert_eq!(available("2026-10-26T18:00:00"), (false, true));
}

#[test]
fn decisions_follow_the_service_hours() {
    let rules = rules();
    let me = user("u-1", SHIPPER, &[Role::User]);
    let o = org(SHIPPER, OrgType::Shipper);
    let search_at = |now: &str| decide(&rules, &me, &o, &Request::Search, &ctx(at(now)));
    let d = search_at("2026-10-25T07:30:00");
    assert_eq!((d.allowed, d.rule), (false, Rule::OutsideServiceHours));
    assert!(d.may_be_unavailable);
    assert_eq!(
        d.reason,
        "07:30 is outside service hours 08:00-18:00 (Europe/London)"
    );
    let d = search_at("2026-03-29T07:30:00");
    assert_eq!(
        (d.allowed, d.rule, d.may_be_unavailable),
        (true, Rule::Allowed, true)
    );
    let d = search_at("2026-03-30T07:00:00");
    assert_eq!(
        (d.allowed, d.rule, d.may_be_unavailable),
        (true, Rule::Allowed, false)
    );
    let d = search_at("2026-06-15T17:30:00"); // 18:30 BST
    assert_eq!(d.rule, Rule::OutsideServiceHours);
    assert_eq!(
        d.reason,
        "18:30 is outside service hours 08:00-18:00 (Europe/London)"
    );
    // Everything is refused outside hours: raising, uploading, own password, account actions.
    let night = ctx(at("2026-12-03T22:00:00"));
    let lso = user("u-lso", SHIPPER, &[Role::Lso]);
    let target = user("u-2", SHIPPER, &[Role::User]);
    for (who, r) in [
        (
            &me,
            Request::Raise {
                contact_type: "CDQ",
            },
        ),
        (&me, Request::UploadBatch),
        (&me, Request::ChangeOwnPassword),
        (&me, Request::ChangeOwnProfile),
        (
            &lso,
            Request::Account {
                action: AccountAction::ResetPassword,
                target: &target,
                organisation_users: &[],
            },
        ),
    ] {
        let d = decide(&rules, who, &o, &r, &night);
        assert_eq!(d.rule, Rule::OutsideServiceHours, "{r:?}");
        assert!(d.may_be_unavailable);
    }
}

#[test]
fn maintenance_windows_are_a_flag() {
    // 17:00–07:00 Monday to Friday, Saturday 12:00 to Monday 07:00 (DOMAIN.md §3). Inside
    // service hours a window only says the service may be unavailable; outside them it is
    // closed anyway. December: GMT, so UTC is London time.
    assert_eq!(available("2026-12-01T16:59:00"), (true, false)); // Tuesday
    assert_eq!(available("2026-12-01T17:00:00"), (true, true));
    assert_eq!(available("2026-12-01T17:30:00"), (true, true)); // Tuesday 17:30
    assert_eq!(available("2026-12-01T18:00:00"), (false, true));
    assert_eq!(available("2026-12-01T23:59:00"), (false, true));
    assert_eq!(available("2026-12-02T06:59:00"), (false, true)); // Wednesday
    assert_eq!(available("2026-12-02T07:00:00"), (false, false));
    assert_eq!(available("2026-12-02T08:00:00"), (true, false));
    assert_eq!(available("2026-12-04T17:00:00"), (true, true)); // Friday
    assert_eq!(available("2026-12-05T06:59:00"), (false, true)); // Saturday
    assert_eq!(available("2026-12-05T07:00:00"), (false, false));
    assert_eq!(available("2026-12-05T11:59:00"), (true, false));
    assert_eq!(available("2026-12-05T12:00:00"), (true, true));
    assert_eq!(available("2026-12-05T12:30:00"), (true, true)); // Saturday 12:30
    assert_eq!(available("2026-12-05T18:00:00"), (false, true));
    assert_eq!(available("2026-12-06T10:00:00"), (true, true)); // Sunday
    assert_eq!(available("2026-12-07T06:59:00"), (false, true)); // Monday
    assert_eq!(available("2026-12-07T07:00:00"), (false, false));
    assert_eq!(available("2026-12-07T08:00:00"), (true, false));
    // The flag is on every decision, allowed or not.
    let rules = rules();
    let me = user("u-1", SHIPPER, &[Role::User]);
    let o = org(SHIPPER, OrgType::Shipper);
    let d = decide(
        &rules,
        &me,
        &o,
        &Request::Search,
        &ctx(at("2026-12-05T12:30:00")),
    );
    assert_eq!((d.allowed, d.may_be_unavailable), (true, true));
    let d = decide(
        &rules,
        &me,
        &o,
        &Request::Search,
        &ctx(at("2026-12-01T17:30:00")),
    );
    assert_eq!((d.allowed, d.may_be_unavailable), (true, true));
    let d = decide(
        &rules,
        &me,
        &o,
        &Request::Search,
        &ctx(at("2026-12-01T18:30:00")),
    );
    assert_eq!(
        (d.allowed, d.rule, d.may_be_unavailable),
        (false, Rule::OutsideServiceHours, true)
    );
    let suspended = with_status(me.clone(), UserStatus::Suspended);
    let d = decide(
        &rules,
        &suspended,
        &o,
        &Request::Search,
        &ctx(at("2026-12-05T12:30:00")),
    );
    assert_eq!((d.rule, d.may_be_unavailable), (Rule::UserNotActive, true));
}

#[test]
fn declared_outages_close_the_service() {
    let rules = rules();
    let outages = [
        Outage {
            from: at("2026-12-03T09:00:00"),
            to: at("2026-12-03T11:00:00"),
        },
        Outage {
            from: at("2026-12-04T17:30:00"),
            to: at("2026-12-04T19:00:00"),
        },
        // In June, given in UTC: 08:00–09:00 BST.
        Outage {
            from: at("2026-06-10T07:00:00"),
            to: at("2026-06-10T08:00:00"),
        },
    ];
    let status = |now: &str| service_status(&rules, at(now), &outages);
    let s = status("2026-12-03T08:59:59");
    assert!(s.available);
    for now in [
        "2026-12-03T09:00:00",
        "2026-12-03T10:00:00",
        "2026-12-03T10:59:59",
    ] {
        let s = status(now);
        assert_eq!((s.available, s.rule), (false, Some(Rule::Outage)), "{now}");
        assert!(!s.may_be_unavailable);
        assert_eq!(
            s.reason.as_deref(),
            Some("a declared outage from 2026-12-03 09:00:00 to 2026-12-03 11:00:00 (UTC)")
        );
    }
    assert!(
        status("2026-12-03T11:00:00").available,
        "the end is exclusive"
    );
    // An outage names itself even outside service hours, in a window.
    let s = status("2026-12-04T18:30:00");
    assert_eq!(
        (s.available, s.rule, s.may_be_unavailable),
        (false, Some(Rule::Outage), true)
    );
    let s = status("2026-12-04T17:29:00");
    assert_eq!((s.available, s.may_be_unavailable), (true, true));
    assert_eq!(status("2026-06-10T07:30:00").rule, Some(Rule::Outage));
    assert!(status("2026-06-10T08:00:00").available);
    // Just before it, 06:59 UTC is 07:59 BST: closed by the hours, not the outage.
    assert_eq!(
        status("2026-06-10T06:59:00").rule,
        Some(Rule::OutsideServiceHours)
    );
}

#[test]
fn declared_outages_refuse_decisions() {
    let rules = rules();
    let outages = [Outage {
        from: at("2026-12-03T09:00:00"),
        to: at("2026-12-03T11:00:00"),
    }];
    let c = Context {
        now: thursday(),
        outages: &outages,
    };
    let me = user("u-1", SHIPPER, &[Role::User]);
    let o = org(SHIPPER, OrgType::Shipper);
    let d = decide(
        &rules,
        &me,
        &o,
        &Request::Raise {
            contact_type: "CDQ",
        },
        &c,
    );
    assert_eq!((d.allowed, d.rule), (false, Rule::Outage));
    let xo = user("u-x", CDSP, &[Role::Supervisor]);
    let contact = contact(
        "C00000000195",
        "CDQ",
        "open",
        SHIPPER,
        "2026-12-01T10:00:00",
    );
    let a = Action::Reject {
        code: "CON00008".into(),
    };
    let d = decide(
        &rules,
        &xo,
        &org(CDSP, OrgType::Cdsp),
        &Request::Lifecycle {
            action: &a,
            contact: &contact,
        },
        &c,
    );
    assert_eq!(d.rule, Rule::Outage);
    let d = decide(
        &rules,
        &xo,
        &org(CDSP, OrgType::Cdsp),
        &Request::Lifecycle {
            action: &a,
            contact: &contact,
        },
        &ctx(thursday()),
    );
    assert_eq!(d.rule, Rule::Allowed);
}

// ---- visibility --------------------------------------------------------------------------

#[test]
fn visibility_raiser_routed_parties_and_the_cdsp() {
    let rules = rules();
    let xo = user("u-x", CDSP, &[Role::Supervisor]);
    let xo_org = org(CDSP, OrgType::Cdsp);
    let xoserve = Actor::User {
        user: &xo,
        organisation: &xo_org,
    };
    let raiser = org(SHIPPER, OrgType::Shipper);
    let gt = org(GT, OrgType::Gt);
    let dmsp = org(DMSP, OrgType::Dmsp);
    let mra = org(MRA, OrgType::Mra);
    let other_shipper = org(OTHER_SHIPPER, OrgType::Shipper);
    let fake_cdsp = org(8888, OrgType::Cdsp);
    let sees = |c: &ContactState| {
        [
            &raiser,
            &gt,
            &dmsp,
            &mra,
            &other_shipper,
            &xo_org,
            &fake_cdsp,
        ]
        .map(|o| is_visible(&rules, o, c))
    };
    let open = contact(
        "C00000000195",
        "CDQ",
        "open",
        SHIPPER,
        "2026-12-01T10:00:00",
    );
    assert_eq!(sees(&open), [true, false, false, false, false, true, false]);
    let route = |id, org_type| Action::Route {
        to: Organisation { id, org_type },
    };
    let now = thursday();
    let routed = transition(&rules, &open, &route(GT, OrgType::Gt), &xoserve, now, None)
        .unwrap()
        .state;
    assert_eq!(
        sees(&routed),
        [true, true, false, false, false, true, false]
    );
    let back = transition(
        &rules,
        &routed,
        &Action::ReturnToXoserve,
        &xoserve,
        now,
        None,
    )
    .unwrap()
    .state;
    assert_eq!(back.routed_party, None);
    assert_eq!(
        sees(&back),
        [true, true, false, false, false, true, false],
        "after return"
    );
    let again = transition(
        &rules,
        &back,
        &route(DMSP, OrgType::Dmsp),
        &xoserve,
        now,
        None,
    )
    .unwrap()
    .state;
    assert_eq!(again.routed_to, vec![GT, DMSP]);
    assert_eq!(sees(&again), [true, true, true, false, false, true, false]);

    // Through `decide`: viewing, and acting.
    let c = ctx(now);
    let view = |u: &User, o: &OrganisationRecord, s: &ContactState| {
        decide(&rules, u, o, &Request::View { contact: s }, &c)
    };
    let gt_user = user("u-gt", GT, &[Role::User]);
    let mra_user = user("u-mra", MRA, &[Role::User]);
    assert_eq!(view(&gt_user, &gt, &open).rule, Rule::NotVisible);
    assert_eq!(view(&gt_user, &gt, &back).rule, Rule::Allowed);
    assert_eq!(view(&mra_user, &mra, &again).rule, Rule::NotVisible);
    assert_eq!(view(&xo, &xo_org, &open).rule, Rule::Allowed);
    let d = view(&mra_user, &mra, &open);
    assert_eq!(
        d.reason,
        "contact C00000000195 is not visible to organisation 5005"
    );
    // The gas transporter still sees the contact after the return but has no part in it.
    let resolve = Action::Resolve {
        text: "done".into(),
    };
    let act = |u: &User, o: &OrganisationRecord, s: &ContactState| {
        decide(
            &rules,
            u,
            o,
            &Request::Lifecycle {
                action: &resolve,
                contact: s,
            },
            &c,
        )
    };
    assert_eq!(act(&gt_user, &gt, &routed).rule, Rule::Allowed);
    assert_eq!(act(&gt_user, &gt, &back).rule, Rule::LifecycleRefused);
    assert_eq!(act(&mra_user, &mra, &routed).rule, Rule::NotVisible);
}

// ---- search ------------------------------------------------------------------------------

fn corpus() -> Vec<ContactState> {
    let mut routed_here = contact(
        "C00000000583",
        "XTH",
        "with_third_party",
        OTHER_SHIPPER,
        "2026-11-15T10:00:00",
    );
    routed_here.routed_party = Some(SHIPPER);
    routed_here.routed_to = vec![SHIPPER];
    vec![
        contact(
            "C00000000195",
            "CDQ",
            "open",
            SHIPPER,
            "2026-11-02T09:00:00",
        ),
        contact(
            "C00000000292",
            "DMQ",
            "with_xoserve",
            SHIPPER,
            "2026-11-10T12:00:00",
        ),
        contact(
            "C00000000389",
            "RFA",
            "resolved",
            SHIPPER,
            "2026-11-20T08:00:00",
        ),
        contact(
            "C00000000486",
            "CDQ",
            "open",
            OTHER_SHIPPER,
            "2026-11-05T09:00:00",
        ),
        routed_here,
        contact(
            "C00000000680",
            "MNC",
            "closed",
            SHIPPER,
            "2026-12-01T16:00:00",
        ),
    ]
}

fn crns(hits: &[&ContactState]) -> Vec<String> {
    hits.iter().map(|c| c.crn[9..].to_string()).collect()
}

#[test]
fn search_filters_and_never_shows_an_invisible_contact() {
    let rules = rules();
    let all = corpus();
    let me = user("u-1", SHIPPER, &[Role::User]);
    let mine = org(SHIPPER, OrgType::Shipper);
    let c = ctx(thursday());
    let find = |q: Query| {
        let (d, hits) = search(&rules, &me, &mine, &all, &q, &c);
        assert_eq!(d.rule, Rule::Allowed);
        crns(&hits)
    };
    // Everything visible, in the order given: not the other shipper's C..486.
    assert_eq!(find(Query::default()), ["195", "292", "389", "583", "680"]);
    // By one CRN, by many; an invisible CRN finds nothing.
    let q = |crns: &[&str]| Query {
        crns: crns.iter().map(|c| c.to_string()).collect(),
        ..Query::default()
    };
    assert_eq!(find(q(&["C00000000292"])), ["292"]);
    assert_eq!(find(q(&["C00000000486"])), Vec::<String>::new());
    assert_eq!(
        find(q(&["C00000000680", "C00000000486", "C00000000195"])),
        ["195", "680"]
    );
    assert_eq!(find(q(&["C99999999999"])), Vec::<String>::new());
    // By status.
    let st = |s: &[&str]| Query {
        statuses: s.iter().map(|c| c.to_string()).collect(),
        ..Query::default()
    };
    assert_eq!(find(st(&["open"])), ["195"]);
    assert_eq!(find(st(&["open", "resolved"])), ["195", "389"]);
    assert_eq!(find(st(&["cancelled"])), Vec::<String>::new());
    // By type.
    let ty = |s: &[&str]| Query {
        contact_types: s.iter().map(|c| c.to_string()).collect(),
        ..Query::default()
    };
    assert_eq!(find(ty(&["CDQ"])), ["195"]);
    assert_eq!(find(ty(&["XTH", "MNC"])), ["583", "680"]);
    // By date range: from inclusive, to exclusive.
    let range = |from: Option<&str>, to: Option<&str>| Query {
        raised_from: from.map(at),
        raised_to: to.map(at),
        ..Query::default()
    };
    assert_eq!(
        find(range(Some("2026-11-10T12:00:00"), None)),
        ["292", "389", "583", "680"]
    );
    assert_eq!(
        find(range(None, Some("2026-11-20T08:00:00"))),
        ["195", "292", "583"]
    );
    assert_eq!(
        find(range(
            Some("2026-11-10T12:00:00"),
            Some("2026-11-20T08:00:01")
        )),
        ["292", "389", "583"]
    );
    assert_eq!(
        find(range(
            Some("2026-11-01T00:00:00"),
            Some("2026-11-06T00:00:00")
        )),
        ["195"]
    );
    // Together.
    let q = Query {
        crns: vec![
            "C00000000195".into(),
            "C00000000389".into(),
            "C00000000486".into(),
        ],
        statuses: vec!["open".into(), "resolved".into()],
        contact_types: vec!["RFA".into(), "CDQ".into()],
        raised_from: Some(at("2026-11-03T00:00:00")),
        raised_to: None,
    };
    assert_eq!(find(q), ["389"]);

    // The CDSP sees everything; an unrelated organisation nothing.
    let xo = user("u-x", CDSP, &[Role::User]);
    let (d, hits) = search(
        &rules,
        &xo,
        &org(CDSP, OrgType::Cdsp),
        &all,
        &Query::default(),
        &c,
    );
    assert_eq!(d.rule, Rule::Allowed);
    assert_eq!(crns(&hits), ["195", "292", "389", "486", "583", "680"]);
    let mra = user("u-m", MRA, &[Role::User]);
    let (d, hits) = search(
        &rules,
        &mra,
        &org(MRA, OrgType::Mra),
        &all,
        &Query::default(),
        &c,
    );
    assert_eq!((d.rule, hits.len()), (Rule::Allowed, 0));
    // The other shipper sees its own two (one routed away to us).
    let other = user("u-o", OTHER_SHIPPER, &[Role::User]);
    let (_, hits) = search(
        &rules,
        &other,
        &org(OTHER_SHIPPER, OrgType::Shipper),
        &all,
        &Query::default(),
        &c,
    );
    assert_eq!(crns(&hits), ["486", "583"]);
}

#[test]
fn search_refused_gives_nothing() {
    let rules = rules();
    let all = corpus();
    let mine = org(SHIPPER, OrgType::Shipper);
    let me = user("u-1", SHIPPER, &[Role::User]);
    let cases: [(User, NaiveDateTime, Rule); 4] = [
        (
            with_status(me.clone(), UserStatus::Suspended),
            thursday(),
            Rule::UserNotActive,
        ),
        (
            with_status(me.clone(), UserStatus::Revoked),
            thursday(),
            Rule::UserNotActive,
        ),
        (user("u-2", SHIPPER, &[]), thursday(), Rule::NoGrant),
        (
            me.clone(),
            at("2026-12-03T19:00:00"),
            Rule::OutsideServiceHours,
        ),
    ];
    for (u, now, rule) in cases {
        let (d, hits) = search(&rules, &u, &mine, &all, &Query::default(), &ctx(now));
        assert_eq!((d.allowed, d.rule), (false, rule));
        assert!(hits.is_empty());
    }
    // A view-only user may search.
    let mut looker = me;
    looker.permissions.view_only = true;
    let (d, hits) = search(
        &rules,
        &looker,
        &mine,
        &all,
        &Query::default(),
        &ctx(thursday()),
    );
    assert_eq!((d.rule, hits.len()), (Rule::Allowed, 5));
}

// ---- accounts ----------------------------------------------------------------------------

const ACCOUNT_ACTIONS: [AccountAction; 6] = [
    AccountAction::CreateUser,
    AccountAction::DeleteUser,
    AccountAction::ChangePermissions,
    AccountAction::ResetPassword,
    AccountAction::Suspend,
    AccountAction::Reinstate,
];

fn account(
    actor: &User,
    organisation: &OrganisationRecord,
    action: AccountAction,
    target: &User,
    organisation_users: &[User],
) -> Decision {
    decide(
        &rules(),
        actor,
        organisation,
        &Request::Account {
            action,
            target,
            organisation_users,
        },
        &ctx(thursday()),
    )
}

#[test]
fn account_actions_are_for_the_lso_only() {
    let o = org(SHIPPER, OrgType::Shipper);
    let lso = user("u-lso", SHIPPER, &[Role::Lso]);
    let plain = user("u-user", SHIPPER, &[Role::User]);
    let suspended = with_status(
        user("u-susp", SHIPPER, &[Role::User]),
        UserStatus::Suspended,
    );
    let team = [lso.clone(), plain.clone(), suspended.clone()];
    for action in ACCOUNT_ACTIONS {
        let target = if action == AccountAction::Reinstate {
            &suspended
        } else {
            &plain
        };
        assert_eq!(
            account(&lso, &o, action, target, &team).rule,
            Rule::Allowed,
            "{action:?}"
        );
        for roles in [
            &[Role::User][..],
            &[Role::Supervisor],
            &[Role::Supervisor, Role::User],
            &[],
        ] {
            let u = user("u-other", SHIPPER, roles);
            let d = account(&u, &o, action, target, &team);
            assert_eq!(
                (d.allowed, d.rule),
                (false, Rule::NoGrant),
                "{action:?} {roles:?}"
            );
        }
    }
}

#[test]
fn an_lso_acts_only_inside_their_own_organisation() {
    let o = org(SHIPPER, OrgType::Shipper);
    let lso = user("u-lso", SHIPPER, &[Role::Lso]);
    let stranger = with_status(
        user("u-far", OTHER_SHIPPER, &[Role::User]),
        UserStatus::Suspended,
    );
    for action in ACCOUNT_ACTIONS {
        let d = account(&lso, &o, action, &stranger, std::slice::from_ref(&stranger));
        assert_eq!(
            (d.allowed, d.rule),
            (false, Rule::OtherOrganisation),
            "{action:?}"
        );
        assert_eq!(d.reason, "user `u-far` is of organisation 1002, not 1001");
    }
    // Not even the CDSP's LSO acts on a shipper's users.
    let xo_lso = user("u-xlso", CDSP, &[Role::Lso]);
    let d = account(
        &xo_lso,
        &org(CDSP, OrgType::Cdsp),
        AccountAction::Suspend,
        &stranger,
        &[],
    );
    assert_eq!(d.rule, Rule::OtherOrganisation);
    // Creating a user for another organisation.
    let newcomer = user("u-new", OTHER_SHIPPER, &[Role::User]);
    assert_eq!(
        account(&lso, &o, AccountAction::CreateUser, &newcomer, &[]).rule,
        Rule::OtherOrganisation
    );
}

#[test]
fn no_one_grants_themselves_a_permission() {
    let o = org(SHIPPER, OrgType::Shipper);
    let lso = user("u-lso", SHIPPER, &[Role::Lso]);
    let lso2 = user("u-lso2", SHIPPER, &[Role::Lso]);
    let team = [lso.clone(), lso2.clone()];
    let d = account(&lso, &o, AccountAction::ChangePermissions, &lso, &team);
    assert_eq!((d.allowed, d.rule), (false, Rule::SelfGrant));
    // Another LSO may change them.
    assert_eq!(
        account(&lso2, &o, AccountAction::ChangePermissions, &lso, &team).rule,
        Rule::Allowed
    );
    // Resetting one's own password through the LSO door is no grant of anything.
    assert_eq!(
        account(&lso, &o, AccountAction::ResetPassword, &lso, &team).rule,
        Rule::Allowed
    );
}

#[test]
fn an_organisation_never_loses_its_last_active_lso() {
    let o = org(SHIPPER, OrgType::Shipper);
    let lso = user("u-lso", SHIPPER, &[Role::Lso]);
    let plain = user("u-user", SHIPPER, &[Role::User]);
    let lso2 = user("u-lso2", SHIPPER, &[Role::Lso, Role::User]);
    let alone = [lso.clone(), plain.clone()];
    for action in [AccountAction::DeleteUser, AccountAction::Suspend] {
        let d = account(&lso, &o, action, &lso, &alone);
        assert_eq!(
            (d.allowed, d.rule),
            (false, Rule::LastActiveLso),
            "{action:?}"
        );
        assert_eq!(d.reason, "`u-lso` is organisation 1001's last active LSO");
        // With a second active LSO it may go.
        let two = [lso.clone(), plain.clone(), lso2.clone()];
        assert_eq!(
            account(&lso, &o, action, &lso, &two).rule,
            Rule::Allowed,
            "{action:?}"
        );
        assert_eq!(
            account(&lso, &o, action, &lso2, &two).rule,
            Rule::Allowed,
            "{action:?}"
        );
        // A suspended or revoked second LSO does not count.
        for status in [UserStatus::Suspended, UserStatus::Revoked] {
            let idle = [lso.clone(), with_status(lso2.clone(), status)];
            assert_eq!(
                account(&lso, &o, action, &lso, &idle).rule,
                Rule::LastActiveLso
            );
        }
        // Removing a plain user is never about the LSO.
        assert_eq!(
            account(&lso, &o, action, &plain, &alone).rule,
            Rule::Allowed
        );
    }
    // Removing a suspended LSO leaves the active one.
    let idle = with_status(lso2.clone(), UserStatus::Suspended);
    assert_eq!(
        account(
            &lso,
            &o,
            AccountAction::DeleteUser,
            &idle,
            &[lso.clone(), idle.clone()]
        )
        .rule,
        Rule::Allowed
    );
}

#[test]
fn reinstating_an_active_user_is_refused() {
    let o = org(SHIPPER, OrgType::Shipper);
    let lso = user("u-lso", SHIPPER, &[Role::Lso]);
    let plain = user("u-user", SHIPPER, &[Role::User]);
    let d = account(&lso, &o, AccountAction::Reinstate, &plain, &[]);
    assert_eq!((d.allowed, d.rule), (false, Rule::NotSuspended));
    assert_eq!(d.reason, "user `u-user` is active");
    for status in [UserStatus::Suspended, UserStatus::Revoked] {
        let t = with_status(plain.clone(), status);
        assert_eq!(
            account(&lso, &o, AccountAction::Reinstate, &t, &[]).rule,
            Rule::Allowed
        );
    }
}

#[test]
fn own_password_and_profile_for_every_active_user() {
    let rules = rules();
    let o = org(SHIPPER, OrgType::Shipper);
    for roles in [&[Role::Lso][..], &[Role::Supervisor], &[Role::User]] {
        let mut u = user("u", SHIPPER, roles);
        u.permissions = Permissions {
            raise: vec![],
            upload_batches: false,
            view_only: true,
        };
        for r in [Request::ChangeOwnPassword, Request::ChangeOwnProfile] {
            assert_eq!(
                decide(&rules, &u, &o, &r, &ctx(thursday())).rule,
                Rule::Allowed
            );
        }
    }
    // A view-only LSO administers nothing.
    let mut lso = user("u-lso", SHIPPER, &[Role::Lso]);
    lso.permissions.view_only = true;
    let plain = user("u-user", SHIPPER, &[Role::User]);
    assert_eq!(
        account(&lso, &o, AccountAction::ResetPassword, &plain, &[]).rule,
        Rule::ViewOnly
    );
}

// ---- users who are not active, and other structural rules ---------------------------------

#[test]
fn suspended_and_revoked_users_are_refused_everything() {
    let rules = rules();
    let o = org(SHIPPER, OrgType::Shipper);
    let contact = contact(
        "C00000000195",
        "CDQ",
        "open",
        SHIPPER,
        "2026-12-01T10:00:00",
    );
    let cancel = Action::Cancel;
    let other = with_status(user("u-2", SHIPPER, &[Role::User]), UserStatus::Suspended);
    let all_roles = [Role::Lso, Role::Supervisor, Role::User];
    for status in [UserStatus::Suspended, UserStatus::Revoked] {
        let me = with_status(user("u-1", SHIPPER, &all_roles), status);
        let mut requests = vec![
            Request::Raise {
                contact_type: "CDQ",
            },
            Request::UploadBatch,
            Request::View { contact: &contact },
            Request::Search,
            Request::Lifecycle {
                action: &cancel,
                contact: &contact,
            },
            Request::ChangeOwnPassword,
            Request::ChangeOwnProfile,
        ];
        for action in ACCOUNT_ACTIONS {
            requests.push(Request::Account {
                action,
                target: &other,
                organisation_users: &[],
            });
        }
        for r in &requests {
            let d = decide(&rules, &me, &o, r, &ctx(thursday()));
            assert_eq!(
                (d.allowed, d.rule),
                (false, Rule::UserNotActive),
                "{status:?} {r:?}"
            );
            let word = if status == UserStatus::Suspended {
                "suspended"
            } else {
                "revoked"
            };
            assert_eq!(d.reason, format!("user `u-1` is {word}"));
        }
        // The same user, active, may cancel their own contact.
        let active = with_status(me.clone(), UserStatus::Active);
        let d = decide(&rules, &active, &o, &requests[4], &ctx(thursday()));
        assert_eq!(d.rule, Rule::Allowed);
    }
}

#[test]
fn the_user_record_and_the_organisation() {
    let rules = rules();
    let c = ctx(thursday());
    let me = user("u-1", SHIPPER, &[Role::User]);
    // A user record of another organisation than the one given (checked before all else).
    let d = decide(
        &rules,
        &me,
        &org(OTHER_SHIPPER, OrgType::Shipper),
        &Request::Search,
        &c,
    );
    assert_eq!((d.allowed, d.rule), (false, Rule::WrongOrganisation));
    let gone = with_status(me.clone(), UserStatus::Revoked);
    let d = decide(
        &rules,
        &gone,
        &org(OTHER_SHIPPER, OrgType::Shipper),
        &Request::Search,
        &c,
    );
    assert_eq!(d.rule, Rule::WrongOrganisation);
    // An inactive organisation.
    let mut closed = org(SHIPPER, OrgType::Shipper);
    closed.active = false;
    let d = decide(&rules, &me, &closed, &Request::ChangeOwnPassword, &c);
    assert_eq!((d.allowed, d.rule), (false, Rule::OrganisationNotActive));
}

#[test]
fn raising_needs_a_raisable_type_the_organisation_and_the_user_may_raise() {
    let rules = rules();
    let c = ctx(thursday());
    let shipper = org(SHIPPER, OrgType::Shipper);
    let me = user("u-1", SHIPPER, &[Role::User]);
    let raise = |u: &User, o: &OrganisationRecord, t: &str| {
        decide(&rules, u, o, &Request::Raise { contact_type: t }, &c).rule
    };
    assert_eq!(raise(&me, &shipper, "CDQ"), Rule::Allowed);
    assert_eq!(raise(&me, &shipper, "USR"), Rule::ContactTypeNotRaisable); // retired
    assert_eq!(raise(&me, &shipper, "XAD"), Rule::ContactTypeNotRaisable); // not in the new CMS
    assert_eq!(raise(&me, &shipper, "ZZZ"), Rule::ContactTypeNotRaisable); // unknown
    assert_eq!(raise(&me, &shipper, "FOM"), Rule::OrganisationMayNotRaise);
    // The LSO granted CDQ, RFA, DMQ and MNC, not XTH.
    assert_eq!(raise(&me, &shipper, "XTH"), Rule::NoPermissionForType);
    let d = decide(
        &rules,
        &me,
        &shipper,
        &Request::Raise {
            contact_type: "XTH",
        },
        &c,
    );
    assert_eq!(d.reason, "user `u-1` may not raise contact type `XTH`");
    // A DMSP raises RFA on a shipper's behalf, not CDQ.
    let dmsp = org(DMSP, OrgType::Dmsp);
    let d_user = user("u-d", DMSP, &[Role::User]);
    assert_eq!(raise(&d_user, &dmsp, "RFA"), Rule::Allowed);
    assert_eq!(raise(&d_user, &dmsp, "CDQ"), Rule::OrganisationMayNotRaise);
    // The CDSP raises nothing.
    let xo = user("u-x", CDSP, &[Role::User]);
    assert_eq!(
        raise(&xo, &org(CDSP, OrgType::Cdsp), "CDQ"),
        Rule::OrganisationMayNotRaise
    );
    // View only.
    let mut looker = me.clone();
    looker.permissions.view_only = true;
    assert_eq!(raise(&looker, &shipper, "CDQ"), Rule::ViewOnly);
}

#[test]
fn uploading_needs_the_permission() {
    let rules = rules();
    let c = ctx(thursday());
    let shipper = org(SHIPPER, OrgType::Shipper);
    let mut me = user("u-1", SHIPPER, &[Role::User]);
    assert_eq!(
        decide(&rules, &me, &shipper, &Request::UploadBatch, &c).rule,
        Rule::Allowed
    );
    me.permissions.upload_batches = false;
    let d = decide(&rules, &me, &shipper, &Request::UploadBatch, &c);
    assert_eq!(
        (d.rule, d.reason.as_str()),
        (
            Rule::NoPermissionToUpload,
            "user `u-1` may not upload batch files"
        )
    );
    let xo = user("u-x", CDSP, &[Role::User]);
    let d = decide(
        &rules,
        &xo,
        &org(CDSP, OrgType::Cdsp),
        &Request::UploadBatch,
        &c,
    );
    assert_eq!(d.rule, Rule::OrganisationTypeNotAllowed);
}

#[test]
fn roles_are_decided_here_not_in_the_lifecycle() {
    // Assign and transfer are the supervisor's; the lifecycle table names only parties.
    let rules = rules();
    let c = ctx(thursday());
    let xo_org = org(CDSP, OrgType::Cdsp);
    let contact = contact(
        "C00000000195",
        "CDQ",
        "open",
        SHIPPER,
        "2026-12-01T10:00:00",
    );
    let a = Action::Assign {
        assignee: "u-y".into(),
        assignee_organisation: CDSP,
    };
    let req = Request::Lifecycle {
        action: &a,
        contact: &contact,
    };
    for (roles, rule) in [
        (&[Role::Supervisor][..], Rule::Allowed),
        (&[Role::User], Rule::NoGrant),
        (&[Role::Lso], Rule::NoGrant),
        (&[Role::Lso, Role::Supervisor], Rule::Allowed),
    ] {
        let u = user("u-x", CDSP, roles);
        assert_eq!(
            decide(&rules, &u, &xo_org, &req, &c).rule,
            rule,
            "{roles:?}"
        );
    }
    // Nobody is granted the system's auto-close.
    let u = user("u-x", CDSP, &[Role::Lso, Role::Supervisor, Role::User]);
    let req = Request::Lifecycle {
        action: &Action::AutoClose,
        contact: &contact,
    };
    assert_eq!(decide(&rules, &u, &xo_org, &req, &c).rule, Rule::NoGrant);
}

#[test]
fn rules_display_as_their_json_names() {
    assert_eq!(Rule::LastActiveLso.to_string(), "last_active_lso");
    assert_eq!(Rule::Allowed.to_string(), "allowed");
    assert_eq!(
        serde_json::to_string(&Rule::OutsideServiceHours).unwrap(),
        "\"outside_service_hours\""
    );
}

#[test]
fn only_the_rule_sets_cdsp_is_exempt_from_the_organisation_type_rule() {
    // `cdsp` may not use CMS (organisation_types); the one CDSP that operates it is 9999.
    // Lifecycle parties and visibility already require the id; `decide` does not.
    let rules = rules();
    let impostor = org(8888, OrgType::Cdsp);
    let u = user("u-8", 8888, &[Role::Lso, Role::Supervisor, Role::User]);
    let d = decide(&rules, &u, &impostor, &Request::Search, &ctx(thursday()));
    assert_eq!(
        (d.allowed, d.rule),
        (false, Rule::OrganisationTypeNotAllowed)
    );
}

#[test]
fn without_a_clock_hours_are_not_checked_and_lifecycle_is_refused() {
    use cms_core::access::decide_without_time;
    let rules = rules();
    let me = user("u-1", SHIPPER, &[Role::User]);
    let o = org(SHIPPER, OrgType::Shipper);
    let d = decide_without_time(&rules, &me, &o, &Request::UploadBatch);
    assert_eq!((d.rule, d.may_be_unavailable), (Rule::Allowed, false));
    let contact = contact(
        "C00000000195",
        "CDQ",
        "open",
        SHIPPER,
        "2026-12-01T10:00:00",
    );
    let d = decide_without_time(
        &rules,
        &me,
        &o,
        &Request::Lifecycle {
            action: &Action::Cancel,
            contact: &contact,
        },
    );
    assert_eq!(d.rule, Rule::LifecycleRefused);
    let gone = with_status(me, UserStatus::Suspended);
    assert_eq!(
        decide_without_time(&rules, &gone, &o, &Request::UploadBatch).rule,
        Rule::UserNotActive
    );
}

#[test]
fn no_grant_reasons_use_the_published_names() {
    // DESIGN.md Conventions 3: messages carry no Rust type names. The rule-file spelling of a
    // permission is `upload_batch`, `{"lifecycle": "assign"}`.
    let rules = rules();
    let o = org(CDSP, OrgType::Cdsp);
    let me = user("u-x", CDSP, &[Role::User]);
    let contact = contact(
        "C00000000195",
        "CDQ",
        "open",
        SHIPPER,
        "2026-12-01T10:00:00",
    );
    let a = Action::Assign {
        assignee: "u-y".into(),
        assignee_organisation: CDSP,
    };
    let d = decide(
        &rules,
        &me,
        &o,
        &Request::Lifecycle {
            action: &a,
            contact: &contact,
        },
        &ctx(thursday()),
    );
    assert_eq!(d.rule, Rule::NoGrant);
    assert!(
        !d.reason.contains("Lifecycle(") && !d.reason.contains("Assign"),
        "{}",
        d.reason
    );
    assert!(d.reason.contains("assign"), "{}", d.reason);
    let nobody = user("u-0", SHIPPER, &[]);
    let d = decide(
        &rules,
        &nobody,
        &org(SHIPPER, OrgType::Shipper),
        &Request::UploadBatch,
        &ctx(thursday()),
    );
    assert!(!d.reason.contains("UploadBatch"), "{}", d.reason);
    assert!(d.reason.contains("upload_batch"), "{}", d.reason);
}
