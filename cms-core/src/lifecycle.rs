//! The contact lifecycle: statuses, actions and transitions as data, and one pure function
//! `(state, action, actor, now) -> outcome or refusal`.
//!
//! The host stores the state; the core never holds it. Every transition yields an [`Event`];
//! [`replay`] rebuilds a state from its history and refuses an invalid or reordered one. The
//! target clock pauses while a contact awaits the customer's response and the target date moves
//! on by the working days it was paused.
//!
//! Times are UTC [`NaiveDateTime`]s; dates (targets, deadlines, pauses) are Europe/London dates.

use std::collections::HashSet;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::access::{OrganisationRecord, Role, User};
use crate::calendar::london_date;
use crate::rules::{ContactTypeDef, OrgType, Organisation, RuleSet};

/// The workflow a contact type follows unless it names another.
pub const DEFAULT_WORKFLOW: &str = "default";

/// What the target clock does in a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// Working days count towards the target.
    Running,
    /// The clock is paused (awaiting the customer); the target moves on.
    Paused,
    /// The contact is resolved or finished.
    Stopped,
}

/// A status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    /// Its code, e.g. `open`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What the target clock does.
    pub clock: Clock,
    /// No transition leads out of it.
    #[serde(default)]
    pub terminal: bool,
}

/// A kind of correspondence Xoserve raises on a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestKindDef {
    /// Its code, e.g. `data_clarification`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Working days the customer has to respond before the contact may be auto-closed.
    pub response_working_days: u32,
    /// Only on theft-related contact types.
    #[serde(default)]
    pub theft_only: bool,
}

/// The actions of the lifecycle. What each needs (a text, a code, a party) is fixed; which
/// statuses it leads from and to, and who may take it, is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Give the contact to a user of the handling organisation.
    Assign,
    /// Move it to another user of the handling organisation.
    Transfer,
    /// Route it to a third party (the network, the shipper, the DMSP).
    Route,
    /// The third party hands it back to Xoserve.
    ReturnToXoserve,
    /// Xoserve asks the customer (Data Clarification, Configuration Change, Request for
    /// Information); the target clock pauses.
    RequestInformation,
    /// The customer answers a request.
    Respond,
    /// The request's response deadline passed unanswered.
    AutoClose,
    /// Resolved, with resolution text.
    Resolve,
    /// Rejected, with a rejection code from the catalogue.
    Reject,
    /// Withdrawn by the raiser before resolution.
    Cancel,
    /// Closed after resolution.
    Close,
    /// Reopened by the raiser within the reopen window.
    Reopen,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 12] = [
        ActionKind::Assign,
        ActionKind::Transfer,
        ActionKind::Route,
        ActionKind::ReturnToXoserve,
        ActionKind::RequestInformation,
        ActionKind::Respond,
        ActionKind::AutoClose,
        ActionKind::Resolve,
        ActionKind::Reject,
        ActionKind::Cancel,
        ActionKind::Close,
        ActionKind::Reopen,
    ];

    /// Its `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Assign => "assign",
            ActionKind::Transfer => "transfer",
            ActionKind::Route => "route",
            ActionKind::ReturnToXoserve => "return_to_xoserve",
            ActionKind::RequestInformation => "request_information",
            ActionKind::Respond => "respond",
            ActionKind::AutoClose => "auto_close",
            ActionKind::Resolve => "resolve",
            ActionKind::Reject => "reject",
            ActionKind::Cancel => "cancel",
            ActionKind::Close => "close",
            ActionKind::Reopen => "reopen",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Who may take a transition, relative to the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A user of the organisation that raised the contact.
    Raiser,
    /// A user of the CDSP (Xoserve), which handles contacts.
    Handler,
    /// A user of the organisation the contact is routed to now.
    RoutedParty,
    /// The system itself (auto-close).
    System,
}

impl Party {
    /// Its `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Raiser => "raiser",
            Party::Handler => "handler",
            Party::RoutedParty => "routed_party",
            Party::System => "system",
        }
    }
}

/// One line of a workflow's transition table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionDef {
    /// The action.
    pub action: ActionKind,
    /// The statuses it may be taken from.
    pub from: Vec<String>,
    /// The status it leads to.
    pub to: String,
    /// Who may take it. (Which roles may take an action is access control's: see
    /// [`crate::access::GrantDef`].)
    pub by: Vec<Party>,
}

/// A named workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDef {
    /// Its code; contact types name it (`default` unless they say otherwise).
    pub code: String,
    /// Its transitions.
    pub transitions: Vec<TransitionDef>,
}

/// The lifecycle section of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleDef {
    /// The status a contact has when its CRN is issued.
    pub initial_status: String,
    /// Every status.
    pub statuses: Vec<StatusDef>,
    /// Kinds of request for information.
    pub request_kinds: Vec<RequestKindDef>,
    /// Working days after resolution during which the raiser may reopen.
    pub reopen_working_days: u32,
    /// The workflows.
    pub workflows: Vec<WorkflowDef>,
}

/// A checked workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// Its code.
    pub code: String,
    /// Its transitions.
    pub transitions: Vec<TransitionDef>,
}

/// Check the lifecycle section: statuses, request kinds and workflows agree with each other and
/// with the contact types. Errors are `(place, problem)`.
pub(crate) fn compile(
    def: &LifecycleDef,
    types: &[ContactTypeDef],
) -> Result<Vec<Workflow>, (String, String)> {
    let err = |place: &str, problem: String| (place.to_string(), problem);
    let mut statuses = HashSet::new();
    for s in &def.statuses {
        if s.code.is_empty() || !statuses.insert(s.code.as_str()) {
            return Err(err(
                "lifecycle.statuses",
                format!("status `{}` is empty or listed twice", s.code),
            ));
        }
    }
    if !statuses.contains(def.initial_status.as_str()) {
        return Err(err(
            "lifecycle.initial_status",
            format!("`{}` is not one of the statuses", def.initial_status),
        ));
    }
    let mut kinds = HashSet::new();
    for k in &def.request_kinds {
        if !kinds.insert(k.code.as_str()) {
            return Err(err(
                "lifecycle.request_kinds",
                format!("request kind `{}` listed twice", k.code),
            ));
        }
    }
    let mut out = Vec::new();
    for w in &def.workflows {
        let place = format!("lifecycle.workflows[{}]", w.code);
        if out.iter().any(|x: &Workflow| x.code == w.code) {
            return Err(err(&place, "workflow defined twice".into()));
        }
        for (i, t) in w.transitions.iter().enumerate() {
            let tplace = format!("{place}.transitions[{i}]");
            for s in t.from.iter().chain(std::iter::once(&t.to)) {
                if !statuses.contains(s.as_str()) {
                    return Err(err(&tplace, format!("unknown status `{s}`")));
                }
            }
            if t.by.is_empty() {
                return Err(err(
                    &tplace,
                    "a transition needs at least one party in `by`".into(),
                ));
            }
            if (t.action == ActionKind::AutoClose) != (t.by == [Party::System]) {
                return Err(err(
                    &tplace,
                    "auto_close, and only auto_close, is taken by the system alone".into(),
                ));
            }
            for f in &t.from {
                let terminal = def.statuses.iter().any(|s| &s.code == f && s.terminal);
                if terminal {
                    return Err(err(
                        &tplace,
                        format!("status `{f}` is terminal: nothing leads out of it"),
                    ));
                }
            }
        }
        out.push(Workflow {
            code: w.code.clone(),
            transitions: w.transitions.clone(),
        });
    }
    if !out.iter().any(|w| w.code == DEFAULT_WORKFLOW) {
        return Err(err(
            "lifecycle.workflows",
            format!("there is no `{DEFAULT_WORKFLOW}` workflow"),
        ));
    }
    for t in types {
        if let Some(w) = &t.workflow {
            if !out.iter().any(|x| &x.code == w) {
                return Err(err(
                    &format!("contact_types[{}].workflow", t.code),
                    format!("unknown workflow `{w}`"),
                ));
            }
        }
    }
    Ok(out)
}

/// An open request for information on a contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpenRequest {
    /// The request kind.
    pub kind: String,
    /// The last (London) date on which the customer may respond.
    pub deadline: NaiveDate,
}

/// Everything the lifecycle needs to know of a contact. The host stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactState {
    /// The contact's CRN.
    pub crn: String,
    /// Its contact type code.
    pub contact_type: String,
    /// Its status.
    pub status: String,
    /// The raising organisation.
    pub raised_by: Organisation,
    /// The raising user.
    pub raised_by_user: String,
    /// When it was raised (UTC).
    pub raised_at: NaiveDateTime,
    /// The target resolution date, moved on by paused working days.
    pub target_date: NaiveDate,
    /// The organisation it is routed to now, if any.
    pub routed_party: Option<u64>,
    /// Every organisation it has ever been routed to (they keep sight of it).
    pub routed_to: Vec<u64>,
    /// The user it is assigned to.
    pub assignee: Option<String>,
    /// The (London) date the clock was paused, while paused.
    pub paused_since: Option<NaiveDate>,
    /// Working days the clock has been paused in all.
    pub paused_working_days: u32,
    /// The open request for information.
    pub request: Option<OpenRequest>,
    /// When it was resolved.
    pub resolved_at: Option<NaiveDateTime>,
    /// The resolution text.
    pub resolution: Option<String>,
    /// The rejection code.
    pub rejection_code: Option<String>,
    /// Events applied so far (the next event's `seq` is one more).
    pub events: u64,
}

impl ContactState {
    /// A new contact, as the batch job (or an online raise) creates it: the workflow's initial
    /// status, a target `target_working_days` working days after the London date of `raised_at`.
    pub fn raised(
        rules: &RuleSet,
        crn: &str,
        contact_type: &str,
        raised_by: Organisation,
        raised_by_user: &str,
        raised_at: NaiveDateTime,
    ) -> Option<ContactState> {
        let (_, t) = rules.contact_type(contact_type)?;
        let today = london_date(raised_at);
        let target = rules
            .calendar()
            .add_working_days(today, t.target_working_days?)?;
        Some(ContactState {
            crn: crn.to_string(),
            contact_type: contact_type.to_string(),
            status: rules.data().lifecycle.initial_status.clone(),
            raised_by,
            raised_by_user: raised_by_user.to_string(),
            raised_at,
            target_date: target,
            routed_party: None,
            routed_to: Vec::new(),
            assignee: None,
            paused_since: None,
            paused_working_days: 0,
            request: None,
            resolved_at: None,
            resolution: None,
            rejection_code: None,
            events: 0,
        })
    }
}

/// An action with what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Assign to a user of the handling organisation.
    Assign {
        /// The user.
        assignee: String,
        /// The user's organisation.
        assignee_organisation: u64,
    },
    /// Transfer to another user of the handling organisation.
    Transfer {
        /// The user.
        assignee: String,
        /// The user's organisation.
        assignee_organisation: u64,
    },
    /// Route to a third party.
    Route {
        /// The party.
        to: Organisation,
    },
    /// Hand back to Xoserve.
    ReturnToXoserve,
    /// Ask the customer.
    RequestInformation {
        /// The request kind's code.
        kind: String,
    },
    /// Answer the request.
    Respond,
    /// Close a contact whose request went unanswered.
    AutoClose,
    /// Resolve.
    Resolve {
        /// The resolution text.
        text: String,
    },
    /// Reject.
    Reject {
        /// A code from the rule set's catalogue.
        code: String,
    },
    /// Withdraw.
    Cancel,
    /// Close.
    Close,
    /// Reopen.
    Reopen,
}

impl Action {
    /// Its kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Assign { .. } => ActionKind::Assign,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::Route { .. } => ActionKind::Route,
            Action::ReturnToXoserve => ActionKind::ReturnToXoserve,
            Action::RequestInformation { .. } => ActionKind::RequestInformation,
            Action::Respond => ActionKind::Respond,
            Action::AutoClose => ActionKind::AutoClose,
            Action::Resolve { .. } => ActionKind::Resolve,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Cancel => ActionKind::Cancel,
            Action::Close => ActionKind::Close,
            Action::Reopen => ActionKind::Reopen,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A user of an organisation.
    User {
        /// The user.
        user: &'a User,
        /// The user's organisation.
        organisation: &'a OrganisationRecord,
    },
    /// The system (auto-close).
    System,
}

/// The actor as an event records it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActorRecord {
    /// The user id (absent for the system).
    pub user: Option<String>,
    /// The organisation (absent for the system).
    pub organisation: Option<Organisation>,
    /// The user's roles at the time.
    pub roles: Vec<Role>,
}

impl ActorRecord {
    fn of(actor: &Actor<'_>) -> ActorRecord {
        match actor {
            Actor::User { user, organisation } => ActorRecord {
                user: Some(user.id.clone()),
                organisation: Some(Organisation {
                    id: organisation.id,
                    org_type: organisation.org_type,
                }),
                roles: user.roles.clone(),
            },
            Actor::System => ActorRecord {
                user: None,
                organisation: None,
                roles: Vec::new(),
            },
        }
    }
}

/// One entry of a contact's history. Append-only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// `{crn}-{seq}`.
    pub id: String,
    /// 1-based position in the history.
    pub seq: u64,
    /// Who.
    pub actor: ActorRecord,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Status before.
    pub from: String,
    /// Status after.
    pub to: String,
    /// What, with what it needed.
    pub action: Action,
    /// A free note.
    pub note: Option<String>,
}

/// Why a transition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The contact type is unknown or its workflow is missing.
    UnknownContactType,
    /// The action is not allowed from this status.
    NotFromStatus,
    /// Not allowed for this actor: the actor is none of the parties the table names. (Roles
    /// are access control's: [`crate::access::decide`].)
    NotForActor,
    /// A guard failed; [`Refusal::guard`] says which.
    Guard,
}

/// The guards on actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// Resolve needs a resolution text.
    ResolutionTextRequired,
    /// Reject needs a code from the catalogue.
    RejectionCodeUnknown,
    /// The request kind is not in the rule set.
    RequestKindUnknown,
    /// A Request for Information is only for theft-related contact types.
    TheftOnly,
    /// The reopen window has passed.
    ReopenWindowPassed,
    /// The request's response deadline has not passed.
    DeadlineNotPassed,
    /// There is no open request.
    NoOpenRequest,
    /// The assignee is not of the handling organisation.
    AssigneeOutsideHandlingOrganisation,
    /// A contact is routed to a third party: a market organisation other than the CDSP and the
    /// raiser.
    RouteTargetInvalid,
    /// A date passed the calendar's range.
    DateOutOfRange,
}

/// A refused transition: nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Refusal {
    /// Why.
    pub reason: Reason,
    /// The guard, when a guard failed.
    pub guard: Option<Guard>,
    /// A message naming what was refused and why.
    pub message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The new state and the event that records the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitioned {
    /// The state after.
    pub state: ContactState,
    /// The event to append to the history.
    pub event: Event,
}

fn refuse(reason: Reason, guard: Option<Guard>, message: String) -> Refusal {
    Refusal {
        reason,
        guard,
        message,
    }
}

/// Which parties the actor is, for this contact.
pub fn parties(rules: &RuleSet, state: &ContactState, actor: &Actor<'_>) -> Vec<Party> {
    match actor {
        Actor::System => vec![Party::System],
        Actor::User { organisation, .. } => {
            let mut out = Vec::new();
            if organisation.id == state.raised_by.id {
                out.push(Party::Raiser);
            }
            if organisation.org_type == OrgType::Cdsp
                && organisation.id == rules.data().cdsp_organisation_id
            {
                out.push(Party::Handler);
            }
            if state.routed_party == Some(organisation.id) {
                out.push(Party::RoutedParty);
            }
            out
        }
    }
}

/// The transition table lookup alone: the line that allows `kind` from the state's status for
/// this actor, or why none does. Guards are not checked.
pub fn allowed<'w>(
    rules: &'w RuleSet,
    state: &ContactState,
    kind: ActionKind,
    actor: &Actor<'_>,
) -> Result<&'w TransitionDef, Refusal> {
    let Some(workflow) = rules.workflow_for(&state.contact_type) else {
        return Err(refuse(
            Reason::UnknownContactType,
            None,
            format!("contact type `{}` has no workflow", state.contact_type),
        ));
    };
    let from_here: Vec<&TransitionDef> = workflow
        .transitions
        .iter()
        .filter(|t| t.action == kind && t.from.contains(&state.status))
        .collect();
    if from_here.is_empty() {
        return Err(refuse(
            Reason::NotFromStatus,
            None,
            format!("`{kind}` is not allowed from status `{}`", state.status),
        ));
    }
    let is = parties(rules, state, actor);
    if let Some(t) = from_here
        .iter()
        .find(|t| t.by.iter().any(|p| is.contains(p)))
    {
        return Ok(t);
    }
    let by: Vec<String> = from_here
        .iter()
        .flat_map(|t| t.by.iter())
        .map(|p| p.as_str().to_string())
        .collect();
    Err(refuse(
        Reason::NotForActor,
        None,
        format!(
            "`{kind}` from status `{}` is for {} only",
            state.status,
            by.join(", ")
        ),
    ))
}

/// Take an action. Pure: the state passed in is never changed; a refusal changes nothing.
pub fn transition(
    rules: &RuleSet,
    state: &ContactState,
    action: &Action,
    actor: &Actor<'_>,
    now: NaiveDateTime,
    note: Option<&str>,
) -> Result<Transitioned, Refusal> {
    let kind = action.kind();
    let line = allowed(rules, state, kind, actor)?;
    let life = &rules.data().lifecycle;
    let cal = rules.calendar();
    let today = london_date(now);
    let guard = |g: Guard, message: String| Err(refuse(Reason::Guard, Some(g), message));
    let mut next = state.clone();
    match action {
        Action::Assign {
            assignee,
            assignee_organisation,
        }
        | Action::Transfer {
            assignee,
            assignee_organisation,
        } => {
            let handling = state
                .routed_party
                .unwrap_or(rules.data().cdsp_organisation_id);
            let own = match actor {
                Actor::User { organisation, .. } => organisation.id,
                Actor::System => 0,
            };
            if *assignee_organisation != handling || *assignee_organisation != own {
                return guard(
                    Guard::AssigneeOutsideHandlingOrganisation,
                    format!("`{assignee}` of organisation {assignee_organisation} is not of the handling organisation {handling}"),
                );
            }
            next.assignee = Some(assignee.clone());
        }
        Action::Route { to } => {
            let cdsp = to.org_type == OrgType::Cdsp || to.id == rules.data().cdsp_organisation_id;
            if cdsp || to.id == state.raised_by.id || !rules.may_use_cms(to.org_type) {
                return guard(
                    Guard::RouteTargetInvalid,
                    format!(
                        "cannot route to organisation {} (`{}`): routing goes to a third party",
                        to.id, to.org_type
                    ),
                );
            }
            next.routed_party = Some(to.id);
            if !next.routed_to.contains(&to.id) {
                next.routed_to.push(to.id);
            }
            next.assignee = None;
        }
        Action::ReturnToXoserve => {
            next.routed_party = None;
            next.assignee = None;
        }
        Action::RequestInformation { kind } => {
            let Some(k) = life.request_kinds.iter().find(|k| &k.code == kind) else {
                return guard(
                    Guard::RequestKindUnknown,
                    format!("request kind `{kind}` is not in the rule set"),
                );
            };
            let theft = rules
                .contact_type(&state.contact_type)
                .is_some_and(|(_, t)| t.theft_related);
            if k.theft_only && !theft {
                return guard(
                    Guard::TheftOnly,
                    format!(
                        "a {} is only for theft-related contact types, not `{}`",
                        k.name, state.contact_type
                    ),
                );
            }
            let Some(deadline) = cal.add_working_days(today, k.response_working_days) else {
                return guard(
                    Guard::DateOutOfRange,
                    "the response deadline is past the calendar's range".into(),
                );
            };
            next.request = Some(OpenRequest {
                kind: kind.clone(),
                deadline,
            });
        }
        Action::Respond => {
            if state.request.is_none() {
                return guard(
                    Guard::NoOpenRequest,
                    "there is no open request to respond to".into(),
                );
            }
            next.request = None;
        }
        Action::AutoClose => match &state.request {
            None => return guard(Guard::NoOpenRequest, "there is no open request".into()),
            Some(r) if today <= r.deadline => {
                return guard(
                    Guard::DeadlineNotPassed,
                    format!("the response deadline {} has not passed", r.deadline),
                )
            }
            Some(_) => next.request = None,
        },
        Action::Resolve { text } => {
            if text.trim().is_empty() {
                return guard(
                    Guard::ResolutionTextRequired,
                    "resolving needs a resolution text".into(),
                );
            }
            next.resolution = Some(text.clone());
            next.resolved_at = Some(now);
        }
        Action::Reject { code } => {
            if !rules.catalogue().iter().any(|d| &d.code == code) {
                return guard(
                    Guard::RejectionCodeUnknown,
                    format!("rejection code `{code}` is not in the catalogue"),
                );
            }
            next.rejection_code = Some(code.clone());
        }
        Action::Cancel => next.request = None,
        Action::Close => {}
        Action::Reopen => {
            let resolved = state.resolved_at.map(london_date).unwrap_or(today);
            if cal.working_days_between(resolved, today) > i64::from(life.reopen_working_days) {
                return guard(
                    Guard::ReopenWindowPassed,
                    format!(
                        "more than {} working days since resolution on {resolved}",
                        life.reopen_working_days
                    ),
                );
            }
            next.resolution = None;
            next.resolved_at = None;
        }
    }
    // The target clock.
    let clock = |code: &str| {
        life.statuses
            .iter()
            .find(|s| s.code == code)
            .map_or(Clock::Running, |s| s.clock)
    };
    let (was, will) = (clock(&state.status), clock(&line.to));
    if was != Clock::Paused && will == Clock::Paused {
        next.paused_since = Some(today);
    }
    if was == Clock::Paused && will != Clock::Paused {
        let since = state.paused_since.unwrap_or(today);
        let days = u32::try_from(cal.working_days_between(since, today).max(0)).unwrap_or(u32::MAX);
        next.paused_working_days = next.paused_working_days.saturating_add(days);
        match cal.add_working_days(state.target_date, days) {
            Some(d) => next.target_date = d,
            None => {
                return guard(
                    Guard::DateOutOfRange,
                    "the moved target date is past the calendar's range".into(),
                )
            }
        }
        next.paused_since = None;
    }
    next.status = line.to.clone();
    next.events = state.events + 1;
    let event = Event {
        id: format!("{}-{}", state.crn, next.events),
        seq: next.events,
        actor: ActorRecord::of(actor),
        at: now,
        from: state.status.clone(),
        to: next.status.clone(),
        action: action.clone(),
        note: note.map(str::to_string),
    };
    Ok(Transitioned { state: next, event })
}

/// Why a history could not be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayError {
    /// 0-based index of the first bad event.
    pub index: usize,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {}: {}", self.index, self.message)
    }
}

/// Rebuild a state from the state it was raised in and its history. Each event must be the
/// next in sequence, no earlier than the one before, taken by an actor the table allows, and
/// lead where it says.
pub fn replay(
    rules: &RuleSet,
    raised: &ContactState,
    events: &[Event],
) -> Result<ContactState, ReplayError> {
    let mut state = raised.clone();
    let mut last_at = raised.raised_at;
    for (index, e) in events.iter().enumerate() {
        let bad = |message: String| ReplayError { index, message };
        if e.seq != state.events + 1 {
            return Err(bad(format!(
                "sequence {} where {} comes next",
                e.seq,
                state.events + 1
            )));
        }
        if e.at < last_at {
            return Err(bad(format!(
                "at {} is before the event before it ({last_at})",
                e.at
            )));
        }
        if e.from != state.status {
            return Err(bad(format!(
                "from `{}` but the contact is `{}`",
                e.from, state.status
            )));
        }
        let user;
        let org;
        let actor = match (&e.actor.user, &e.actor.organisation) {
            (Some(u), Some(o)) => {
                user = User::replayed(u, o.id, &e.actor.roles);
                org = OrganisationRecord {
                    id: o.id,
                    short_code: String::new(),
                    org_type: o.org_type,
                    active: true,
                };
                Actor::User {
                    user: &user,
                    organisation: &org,
                }
            }
            _ => Actor::System,
        };
        let done = transition(rules, &state, &e.action, &actor, e.at, e.note.as_deref())
            .map_err(|r| bad(r.message))?;
        if done.event != *e {
            return Err(bad(format!(
                "leads to `{}`, not to `{}` as recorded",
                done.event.to, e.to
            )));
        }
        state = done.state;
        last_at = e.at;
    }
    Ok(state)
}

/// Whether the target is breached at `now`: the London date is after the target date (moved on
/// by the working days of a pause still running).
pub fn is_breached(rules: &RuleSet, state: &ContactState, now: NaiveDateTime) -> bool {
    working_days_remaining(rules, state, now) < 0
}

/// The effective target date at `now` (a running pause moves it on day by day).
pub fn effective_target(rules: &RuleSet, state: &ContactState, now: NaiveDateTime) -> NaiveDate {
    let cal = rules.calendar();
    match state.paused_since {
        Some(since) => {
            let days = u32::try_from(cal.working_days_between(since, london_date(now)).max(0))
                .unwrap_or(u32::MAX);
            cal.add_working_days(state.target_date, days)
                .unwrap_or(state.target_date)
        }
        None => state.target_date,
    }
}

/// Working days from the London date of `now` to the effective target (negative once breached).
/// A stopped clock (resolved, closed, rejected, cancelled) is never breached.
pub fn working_days_remaining(rules: &RuleSet, state: &ContactState, now: NaiveDateTime) -> i64 {
    let stopped = rules
        .data()
        .lifecycle
        .statuses
        .iter()
        .any(|s| s.code == state.status && s.clock == Clock::Stopped);
    if stopped {
        return 0;
    }
    let target = effective_target(rules, state, now);
    let today = london_date(now);
    let n = rules.calendar().working_days_between(today, target);
    if n == 0 && today > target {
        -1
    } else {
        n
    }
}

/// The workflow as a Mermaid state diagram.
pub fn mermaid(rules: &RuleSet, workflow: &Workflow) -> String {
    let life = &rules.data().lifecycle;
    let mut out = String::from("stateDiagram-v2\n");
    out.push_str(&format!("    [*] --> {}\n", life.initial_status));
    for t in &workflow.transitions {
        let by: Vec<String> = t.by.iter().map(|p| p.as_str().to_string()).collect();
        for f in &t.from {
            out.push_str(&format!(
                "    {f} --> {} : {} ({})\n",
                t.to,
                t.action,
                by.join(", ")
            ));
        }
    }
    for s in life.statuses.iter().filter(|s| s.terminal) {
        out.push_str(&format!("    {} --> [*]\n", s.code));
    }
    out
}
