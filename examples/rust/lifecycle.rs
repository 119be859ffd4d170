//! A contact's life: raised, routed to the network, a question to the shipper, resolved.
//! Each step is checked by `access::decide` and taken by `lifecycle::transition`; the host keeps
//! the state and the history, and can rebuild one from the other.
//!
//! Run: `cargo run -p cms-core --example lifecycle`

use chrono::NaiveDateTime;
use cms_core::access::{
    decide, Context, OrganisationRecord, Permissions, Request, Role, User, UserStatus,
};
use cms_core::lifecycle::{self, Action, Actor, ContactState};
use cms_core::{OrgType, Organisation, RuleSet};

fn at(s: &str) -> NaiveDateTime {
    s.parse().unwrap_or_default()
}

fn main() -> Result<(), cms_core::Error> {
    let rules = RuleSet::embedded()?;
    let shipper = OrganisationRecord {
        id: 1234,
        short_code: "SHP".into(),
        org_type: OrgType::Shipper,
        active: true,
    };
    let xoserve = OrganisationRecord {
        id: 9999,
        short_code: "XOS".into(),
        org_type: OrgType::Cdsp,
        active: true,
    };
    let network = OrganisationRecord {
        id: 4321,
        short_code: "NGN".into(),
        org_type: OrgType::Gt,
        active: true,
    };
    let user = |id: &str, org: &OrganisationRecord, roles: Vec<Role>| User {
        id: id.into(),
        organisation_id: org.id,
        roles,
        status: UserStatus::Active,
        permissions: Permissions::default(),
    };
    let alice = user("alice", &shipper, vec![Role::User]);
    let sam = user("sam", &xoserve, vec![Role::Supervisor, Role::User]);
    let gita = user("gita", &network, vec![Role::User]);

    let raised = ContactState::raised(
        &rules,
        "C00000000195",
        "CDQ",
        Organisation {
            id: shipper.id,
            org_type: shipper.org_type,
        },
        "alice",
        at("2026-12-03T10:00:00"),
    )
    .ok_or_else(|| cms_core::Error::Argument("cannot raise".into()))?;
    println!(
        "raised {} as {}, target {}",
        raised.crn, raised.status, raised.target_date
    );

    let steps: Vec<(&User, &OrganisationRecord, Action, &str)> = vec![
        (
            &sam,
            &xoserve,
            Action::Assign {
                assignee: "sam".into(),
                assignee_organisation: 9999,
            },
            "2026-12-03T11:00:00",
        ),
        (
            &sam,
            &xoserve,
            Action::Route {
                to: Organisation {
                    id: 4321,
                    org_type: OrgType::Gt,
                },
            },
            "2026-12-03T12:00:00",
        ),
        (
            &gita,
            &network,
            Action::ReturnToXoserve,
            "2026-12-04T09:00:00",
        ),
        (
            &sam,
            &xoserve,
            Action::RequestInformation {
                kind: "data_clarification".into(),
            },
            "2026-12-04T10:00:00",
        ),
        (&alice, &shipper, Action::Respond, "2026-12-08T10:00:00"),
        (
            &sam,
            &xoserve,
            Action::Resolve {
                text: "read replaced, consumption recalculated".into(),
            },
            "2026-12-09T15:00:00",
        ),
    ];
    let mut state = raised.clone();
    let mut history = Vec::new();
    for (who, org, action, when) in steps {
        let ctx = Context {
            now: at(when),
            outages: &[],
        };
        let d = decide(
            &rules,
            who,
            org,
            &Request::Lifecycle {
                action: &action,
                contact: &state,
            },
            &ctx,
        );
        if !d.allowed {
            println!(
                "{} may not {}: {} ({})",
                who.id,
                action.kind(),
                d.reason,
                d.rule
            );
            continue;
        }
        let actor = Actor::User {
            user: who,
            organisation: org,
        };
        match lifecycle::transition(&rules, &state, &action, &actor, at(when), None) {
            Ok(done) => {
                println!(
                    "{when} {:>6} {:<20} {} -> {}",
                    who.id,
                    action.kind(),
                    done.event.from,
                    done.event.to
                );
                history.push(done.event);
                state = done.state;
            }
            Err(refusal) => println!("refused: {refusal}"),
        }
    }
    println!(
        "target moved to {} after {} paused working days",
        state.target_date, state.paused_working_days
    );
    // The network sees the contact it was routed to; another shipper would not.
    let ctx = Context {
        now: at("2026-12-09T16:00:00"),
        outages: &[],
    };
    println!(
        "network may view: {}",
        decide(
            &rules,
            &gita,
            &network,
            &Request::View { contact: &state },
            &ctx
        )
        .allowed
    );
    // The host keeps the history; replaying it rebuilds the state.
    let rebuilt = lifecycle::replay(&rules, &raised, &history)
        .map_err(|e| cms_core::Error::Argument(e.to_string()))?;
    println!(
        "replayed {} events: same state: {}",
        history.len(),
        rebuilt == state
    );
    Ok(())
}
