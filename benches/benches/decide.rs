//! One access decision and one lifecycle transition, in ns per call, measured in one criterion
//! group beside a baseline so the numbers of one run are comparable:
//!
//! - `hashmap_lookup`: a plain `HashMap<(u8, u8), bool>` lookup — (status, action) → allowed —
//!   the floor for "a permission table as a lookup";
//! - `transition`: `cms_core::lifecycle::transition` — Xoserve resolves a contact that is with
//!   it (the table lookup, the guard, the clock, the new state and its event);
//! - `decide_lifecycle`: `cms_core::access::decide` on the same action as a lifecycle request
//!   (service hours, the role grant, visibility, then the transition itself);
//! - `decide_search`: `decide` on a search (no contact, no transition).
//!
//! `cargo bench -p cms-benches --bench decide`

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use cms_core::access::{
    decide, Context, OrganisationRecord, Permissions, Request, Role, User, UserStatus,
};
use cms_core::lifecycle::{transition, Action, Actor, ContactState};
use cms_core::{OrgType, Organisation, RuleSet};
use criterion::Criterion;

fn fail(message: &str) -> ! {
    eprintln!("decide bench: {message}");
    std::process::exit(2)
}

fn main() {
    let rules = match RuleSet::embedded() {
        Ok(r) => r,
        Err(e) => fail(&format!("the embedded rules: {e}")),
    };
    // Thursday 3 December 2026, 10:00 UTC: open, no maintenance window. (The types are
    // inferred from their use: this crate does not depend on chrono.)
    let Ok(now) = "2026-12-03T10:00:00".parse() else {
        fail("the time")
    };
    let Ok(raised_at) = "2026-12-01T10:00:00".parse() else {
        fail("the time")
    };
    let shipper = Organisation {
        id: 1001,
        org_type: OrgType::Shipper,
    };
    let Some(mut contact) =
        ContactState::raised(&rules, "C00000000195", "CDQ", shipper, "u-shp", raised_at)
    else {
        fail("could not raise a CDQ contact")
    };
    contact.status = "with_xoserve".into();
    contact.assignee = Some("u-xo".into());
    contact.events = 1;
    let user = User {
        id: "u-xo".into(),
        organisation_id: 9999,
        roles: vec![Role::Supervisor],
        status: UserStatus::Active,
        permissions: Permissions::default(),
    };
    let organisation = OrganisationRecord {
        id: 9999,
        short_code: "XOS".into(),
        org_type: OrgType::Cdsp,
        active: true,
    };
    let action = Action::Resolve {
        text: "meter exchanged, reads corrected".into(),
    };
    let actor = Actor::User {
        user: &user,
        organisation: &organisation,
    };
    let ctx = Context { now, outages: &[] };
    let request = Request::Lifecycle {
        action: &action,
        contact: &contact,
    };
    // What is measured must succeed.
    if let Err(r) = transition(&rules, &contact, &action, &actor, now, None) {
        fail(&format!("the transition is refused: {r}"));
    }
    let d = decide(&rules, &user, &organisation, &request, &ctx);
    if !d.allowed {
        fail(&format!("the decision is a refusal: {}", d.reason));
    }

    // The baseline: 8 statuses × 12 actions → allowed (an arbitrary pattern).
    let mut table: HashMap<(u8, u8), bool> = HashMap::new();
    for s in 0u8..8 {
        for a in 0u8..12 {
            table.insert((s, a), (s * 12 + a) % 5 == 0);
        }
    }
    let key = (1u8, 7u8); // with_xoserve, resolve

    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    {
        let mut group = c.benchmark_group("decide");
        group.sample_size(20);
        group.bench_function("hashmap_lookup", |b| {
            b.iter(|| table.get(black_box(&key)).copied())
        });
        group.bench_function("transition", |b| {
            b.iter(|| {
                transition(
                    &rules,
                    black_box(&contact),
                    black_box(&action),
                    &actor,
                    black_box(now),
                    None,
                )
                .is_ok()
            })
        });
        group.bench_function("decide_lifecycle", |b| {
            b.iter(|| {
                decide(
                    &rules,
                    &user,
                    &organisation,
                    black_box(&request),
                    black_box(&ctx),
                )
                .allowed
            })
        });
        group.bench_function("decide_search", |b| {
            b.iter(|| {
                decide(
                    &rules,
                    &user,
                    &organisation,
                    black_box(&Request::Search),
                    black_box(&ctx),
                )
                .allowed
            })
        });
        group.finish();
    }
    c.final_summary();
}
