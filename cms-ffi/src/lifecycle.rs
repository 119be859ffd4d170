//! The contact lifecycle: the host stores each contact's state; `RuleSet.transition` is the one
//! pure function `(state, action, actor, now) -> new state and event, or refusal`.

use chrono::{NaiveDate, NaiveDateTime};
use cms_core::access::{OrganisationRecord, Role, User};
use cms_core::lifecycle::{
    self as core, Action, ActionKind, ActorRecord, ContactState, Event, Guard, OpenRequest, Party,
    Reason, Refusal,
};
use cms_core::Organisation;

use crate::error::{guard, CmsError};
use crate::rules::RuleSet;

/// The actions of the lifecycle.
#[uniffi::remote(Enum)]
pub enum ActionKind {
    /// Give the contact to a user of the handling organisation.
    Assign,
    /// Move it to another user of the handling organisation.
    Transfer,
    /// Route it to a third party.
    Route,
    /// The third party hands it back to Xoserve.
    ReturnToXoserve,
    /// Xoserve asks the customer; the target clock pauses.
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

/// Who may take a transition, relative to the contact.
#[uniffi::remote(Enum)]
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

/// An open request for information on a contact.
#[uniffi::remote(Record)]
pub struct OpenRequest {
    /// The request kind.
    pub kind: String,
    /// The last (London) date on which the customer may respond.
    pub deadline: NaiveDate,
}

/// Everything the lifecycle needs to know of a contact. The host stores it.
#[uniffi::remote(Record)]
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

/// An action with what it needs.
#[uniffi::remote(Enum)]
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

/// The actor as an event records it.
#[uniffi::remote(Record)]
pub struct ActorRecord {
    /// The user id (null for the system).
    pub user: Option<String>,
    /// The organisation (null for the system).
    pub organisation: Option<Organisation>,
    /// The user's roles at the time.
    pub roles: Vec<Role>,
}

/// One entry of a contact's history. Append-only.
#[uniffi::remote(Record)]
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
#[uniffi::remote(Enum)]
pub enum Reason {
    /// The contact type is unknown or its workflow is missing.
    UnknownContactType,
    /// The action is not allowed from this status.
    NotFromStatus,
    /// Not allowed for this actor (the party or the role).
    NotForActor,
    /// A guard failed; the refusal's `guard` says which.
    Guard,
}

/// The guards on actions.
#[uniffi::remote(Enum)]
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
    /// A contact is routed to a market organisation other than the CDSP.
    RouteTargetInvalid,
    /// A date passed the calendar's range.
    DateOutOfRange,
}

/// A refused transition: nothing changed.
#[uniffi::remote(Record)]
pub struct Refusal {
    /// Why.
    pub reason: Reason,
    /// The guard, when a guard failed.
    pub guard: Option<Guard>,
    /// A message naming what was refused and why.
    pub message: String,
}

/// Who acts (the core's actor, owning its data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Actor {
    /// A user of an organisation.
    User {
        /// The user.
        user: User,
        /// The user's organisation.
        organisation: OrganisationRecord,
    },
    /// The system (auto-close).
    System,
}

impl Actor {
    /// The core's actor, borrowing from this one.
    pub(crate) fn as_core(&self) -> core::Actor<'_> {
        match self {
            Actor::User { user, organisation } => core::Actor::User { user, organisation },
            Actor::System => core::Actor::System,
        }
    }
}

/// The outcome of an action: the new state and the event to append, or the refusal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[allow(
    clippy::large_enum_variant,
    reason = "a value that crosses the FFI at once, serialized; UniFFI has no Box"
)]
pub enum TransitionResult {
    /// The action was taken.
    Done {
        /// The state after.
        state: ContactState,
        /// The event to append to the history.
        event: Event,
    },
    /// Refused: nothing changed.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

/// The outcome of replaying a history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[allow(
    clippy::large_enum_variant,
    reason = "a value that crosses the FFI at once, serialized; UniFFI has no Box"
)]
pub enum ReplayResult {
    /// The history is valid: the state it leads to.
    Done {
        /// The state after the last event.
        state: ContactState,
    },
    /// The history is invalid or reordered.
    Invalid {
        /// 0-based index of the first bad event.
        index: u64,
        /// What is wrong with it.
        message: String,
    },
}

#[uniffi::export]
impl RuleSet {
    /// A new contact, as the batch job or an online raise creates it: the workflow's initial
    /// status and a target counted from the London date of `raised_at`. Null for a contact type
    /// that is unknown or has no target (a retired one).
    pub fn raise_contact(
        &self,
        crn: String,
        contact_type: String,
        raised_by: Organisation,
        raised_by_user: String,
        raised_at: NaiveDateTime,
    ) -> Option<ContactState> {
        ContactState::raised(
            &self.inner,
            &crn,
            &contact_type,
            raised_by,
            &raised_by_user,
            raised_at,
        )
    }

    /// Take an action on a contact. Pure: the state passed in is not changed; a refusal changes
    /// nothing.
    pub fn transition(
        &self,
        state: ContactState,
        action: Action,
        actor: Actor,
        now: NaiveDateTime,
        note: Option<String>,
    ) -> Result<TransitionResult, CmsError> {
        guard(|| {
            Ok(
                match core::transition(
                    &self.inner,
                    &state,
                    &action,
                    &actor.as_core(),
                    now,
                    note.as_deref(),
                ) {
                    Ok(done) => TransitionResult::Done {
                        state: done.state,
                        event: done.event,
                    },
                    Err(refusal) => TransitionResult::Refused { refusal },
                },
            )
        })
    }

    /// Whether the workflow's transition table lets this actor take `kind` from the contact's
    /// status: null when it does, else the refusal. Guards are not checked (see `transition`).
    pub fn check_allowed(
        &self,
        state: ContactState,
        kind: ActionKind,
        actor: Actor,
    ) -> Option<Refusal> {
        core::allowed(&self.inner, &state, kind, &actor.as_core()).err()
    }

    /// Which parties the actor is, for this contact.
    pub fn parties(&self, state: ContactState, actor: Actor) -> Vec<Party> {
        core::parties(&self.inner, &state, &actor.as_core())
    }

    /// Rebuild a contact's state from its history (`raised`, then every event in order); an
    /// invalid or reordered history is refused.
    pub fn replay(
        &self,
        raised: ContactState,
        events: Vec<Event>,
    ) -> Result<ReplayResult, CmsError> {
        guard(|| {
            Ok(match core::replay(&self.inner, &raised, &events) {
                Ok(state) => ReplayResult::Done { state },
                Err(e) => ReplayResult::Invalid {
                    index: u64::try_from(e.index).unwrap_or(u64::MAX),
                    message: e.message,
                },
            })
        })
    }

    /// The target date with the clock's pause so far counted in.
    pub fn effective_target(&self, state: ContactState, now: NaiveDateTime) -> NaiveDate {
        core::effective_target(&self.inner, &state, now)
    }

    /// Working days left to the target (negative once breached; 0 when the clock stopped).
    pub fn working_days_remaining(&self, state: ContactState, now: NaiveDateTime) -> i64 {
        core::working_days_remaining(&self.inner, &state, now)
    }

    /// Whether the contact is past its target.
    pub fn is_breached(&self, state: ContactState, now: NaiveDateTime) -> bool {
        core::is_breached(&self.inner, &state, now)
    }

    /// The codes of the rule set's lifecycle workflows.
    pub fn workflow_codes(&self) -> Vec<String> {
        self.inner
            .workflows()
            .iter()
            .map(|w| w.code.clone())
            .collect()
    }

    /// A workflow as a Mermaid state diagram, or null for an unknown code.
    pub fn mermaid(&self, workflow: String) -> Option<String> {
        self.inner
            .workflows()
            .iter()
            .find(|w| w.code == workflow)
            .map(|w| core::mermaid(&self.inner, w))
    }
}
