//! The contact lifecycle: `ContactState`, `transition()`, `allowed()`, `parties()`, `replay()`
//! and the target clock (`is_breached()`, `effective_target()`, `working_days_remaining()`).
//!
//! The host stores each contact's state; the core is the one pure function
//! `(state, action, actor, now) -> new state and event, or refusal`. A refused transition is a
//! normal result (a `Refusal`, as cms-core's `Result<Transitioned, Refusal>` has it), not an
//! exception; a history that cannot be replayed raises `ReplayError`.
//!
//! States, events, actions and actors are read as the package's classes or as their serde form
//! (the dicts of `conformance/lifecycle_cases.json`); see [`crate::convert::py_to_json`].

use std::sync::Arc;

use cms_core::access::{OrganisationRecord, User};
use cms_core::lifecycle::{self as core, Action, ActionKind, Actor};
use cms_core::Organisation;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString, PyTuple};

use crate::access::{organisation_arg, user_arg, OrganisationRecord as PyOrganisationRecord};
use crate::convert::{
    from_json_text, from_serde_str, mapping_arg, py_date, py_repr, py_repr_opt, py_time,
    py_to_json, rules_arg, serde_str, to_py_data, type_name, utc_arg, value_arg, Reduce,
};
use crate::errors::{argument_error, guard, replay_error};

/// An organisation (`{"id", "org_type"}`) as Python data.
fn organisation_dict<'py>(py: Python<'py>, o: &Organisation) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", o.id)?;
    d.set_item("org_type", o.org_type.as_str())?;
    Ok(d)
}

/// The JSON text of a value (cms-core's types always serialize).
fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Everything the lifecycle needs to know of a contact. The host stores it.
#[pyclass(frozen, eq, hash, module = "cms", name = "ContactState")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct ContactState(pub core::ContactState);

#[pymethods]
impl ContactState {
    /// A new contact, as the batch job or an online raise creates it: the workflow's initial
    /// status and a target counted from the London date of `raised_at`. None for a contact type
    /// that is unknown or has no target (a retired one).
    #[staticmethod]
    #[pyo3(signature = (crn, contact_type, raised_by, raised_by_user, raised_at, *, rules = None))]
    fn raised(
        py: Python<'_>,
        crn: &str,
        contact_type: &str,
        raised_by: &Bound<'_, PyAny>,
        raised_by_user: &str,
        raised_at: &Bound<'_, PyAny>,
        rules: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Self>> {
        let rules = rules_arg(py, rules)?;
        let by = match raised_by.cast::<PyOrganisationRecord>() {
            Ok(o) => Organisation {
                id: o.get().0.id,
                org_type: o.get().0.org_type,
            },
            Err(_) => mapping_arg(py, "raised_by", "cms.OrganisationRecord", raised_by)?,
        };
        let at = utc_arg(py, "raised_at", raised_at)?;
        guard(py, || {
            Ok(
                core::ContactState::raised(&rules, crn, contact_type, by, raised_by_user, at)
                    .map(ContactState),
            )
        })
    }

    /// A state from its dict form (as `to_dict()` gives it; dates and times may be `date` and
    /// `datetime` objects or text).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        mapping_arg(py, "state", "cms.ContactState", data).map(ContactState)
    }

    /// A state from its JSON form (as `to_json()` gives it).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        from_json_text(py, "state", text).map(ContactState)
    }

    /// A copy with some fields changed (keyword arguments, as in `to_dict()`).
    #[pyo3(signature = (**changes))]
    fn replace(&self, py: Python<'_>, changes: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut value = serde_json::to_value(&self.0).unwrap_or_default();
        if let (Some(changes), Some(fields)) = (changes, value.as_object_mut()) {
            for (k, v) in changes.iter() {
                let key: String = k.extract()?;
                if !fields.contains_key(&key) {
                    return Err(argument_error(py, format!("state: unknown field `{key}`")));
                }
                let v = py_to_json(&v, &format!("state.{key}"))?;
                fields.insert(key, v);
            }
        }
        value_arg(py, "state", &value).map(ContactState)
    }

    /// The contact's CRN.
    #[getter]
    fn crn(&self) -> &str {
        &self.0.crn
    }

    /// Its contact type code.
    #[getter]
    fn contact_type(&self) -> &str {
        &self.0.contact_type
    }

    /// Its status (a code of the rule set's lifecycle, e.g. `open`).
    #[getter]
    fn status(&self) -> &str {
        &self.0.status
    }

    /// The raising organisation, `{"id": int, "org_type": str}`.
    #[getter]
    fn raised_by<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        organisation_dict(py, &self.0.raised_by)
    }

    /// The raising user.
    #[getter]
    fn raised_by_user(&self) -> &str {
        &self.0.raised_by_user
    }

    /// When it was raised (UTC, naive).
    #[getter]
    fn raised_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_time(py, "raised_at", self.0.raised_at)
    }

    /// The target resolution date, moved on by paused working days.
    #[getter]
    fn target_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, "target_date", self.0.target_date)
    }

    /// The organisation it is routed to now, if any.
    #[getter]
    fn routed_party(&self) -> Option<u64> {
        self.0.routed_party
    }

    /// Every organisation it has ever been routed to (they keep sight of it).
    #[getter]
    fn routed_to(&self) -> Vec<u64> {
        self.0.routed_to.clone()
    }

    /// The user it is assigned to.
    #[getter]
    fn assignee(&self) -> Option<&str> {
        self.0.assignee.as_deref()
    }

    /// The (London) date the clock was paused, while paused.
    #[getter]
    fn paused_since<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .paused_since
            .map(|d| py_date(py, "paused_since", d))
            .transpose()
    }

    /// Working days the clock has been paused in all.
    #[getter]
    fn paused_working_days(&self) -> u32 {
        self.0.paused_working_days
    }

    /// The open request for information, `{"kind": str, "deadline": date}`, if any.
    #[getter]
    fn request<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.0
            .request
            .as_ref()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("kind", &r.kind)?;
                d.set_item("deadline", py_date(py, "request.deadline", r.deadline)?)?;
                Ok(d)
            })
            .transpose()
    }

    /// When it was resolved (UTC, naive).
    #[getter]
    fn resolved_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .resolved_at
            .map(|t| py_time(py, "resolved_at", t))
            .transpose()
    }

    /// The resolution text.
    #[getter]
    fn resolution(&self) -> Option<&str> {
        self.0.resolution.as_deref()
    }

    /// The rejection code.
    #[getter]
    fn rejection_code(&self) -> Option<&str> {
        self.0.rejection_code.as_deref()
    }

    /// Events applied so far (the next event's `seq` is one more).
    #[getter]
    fn events(&self) -> u64 {
        self.0.events
    }

    /// The state as a dict (its serde form: dates and times as text).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    /// The state as JSON, for the host to store.
    fn to_json(&self) -> String {
        json_text(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "ContactState(crn={}, contact_type={}, status={}, target_date='{}', events={})",
            py_repr(&self.0.crn),
            py_repr(&self.0.contact_type),
            py_repr(&self.0.status),
            self.0.target_date,
            self.0.events
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (json_text(&slf.get().0),),
        ))
    }
}

/// One entry of a contact's history. Append-only.
#[pyclass(frozen, eq, hash, module = "cms", name = "Event")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Event(pub core::Event);

#[pymethods]
impl Event {
    /// An event from its dict form (as `to_dict()` gives it).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        mapping_arg(py, "event", "cms.Event", data).map(Event)
    }

    /// An event from its JSON form (as `to_json()` gives it).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        from_json_text(py, "event", text).map(Event)
    }

    /// `{crn}-{seq}`.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }

    /// 1-based position in the history.
    #[getter]
    fn seq(&self) -> u64 {
        self.0.seq
    }

    /// Who: `{"user": str | None, "organisation": {"id", "org_type"} | None, "roles": [...]}`
    /// (user and organisation are None for the system).
    #[getter]
    fn actor<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0.actor)
    }

    /// When (UTC, naive).
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_time(py, "at", self.0.at)
    }

    /// The status before.
    #[getter(from_status)]
    fn status_before(&self) -> &str {
        &self.0.from
    }

    /// The status after.
    #[getter]
    fn to_status(&self) -> &str {
        &self.0.to
    }

    /// What, with what it needed: the action's dict form, e.g. `{"action": "resolve", "text":
    /// "..."}`.
    #[getter]
    fn action<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0.action)
    }

    /// The action's kind, e.g. `resolve`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.action.kind().as_str()
    }

    /// A free note.
    #[getter]
    fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The event as a dict (its serde form: times as text).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    /// The event as JSON, for the host to store.
    fn to_json(&self) -> String {
        json_text(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Event(id={}, kind={}, from_status={}, to_status={}, at='{}')",
            py_repr(&self.0.id),
            py_repr(self.0.action.kind().as_str()),
            py_repr(&self.0.from),
            py_repr(&self.0.to),
            self.0.at
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (json_text(&slf.get().0),),
        ))
    }
}

/// A transition taken: the new state and the event to append to the history.
#[pyclass(frozen, eq, hash, module = "cms", name = "Transitioned")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Transitioned {
    state: core::ContactState,
    event: core::Event,
}

impl Transitioned {
    fn value(&self) -> serde_json::Value {
        serde_json::json!({"state": self.state, "event": self.event})
    }
}

#[pymethods]
impl Transitioned {
    /// Always True (a `Refusal`'s is False).
    #[getter]
    fn ok(&self) -> bool {
        true
    }

    /// The state after.
    #[getter]
    fn state(&self) -> ContactState {
        ContactState(self.state.clone())
    }

    /// The event to append to the history.
    #[getter]
    fn event(&self) -> Event {
        Event(self.event.clone())
    }

    /// `{"state": ..., "event": ...}`, each in its dict form.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.value())
    }

    fn __repr__(&self) -> String {
        format!(
            "Transitioned(from_status={}, to_status={}, event={})",
            py_repr(&self.event.from),
            py_repr(&self.event.to),
            py_repr(&self.event.id)
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("_from_json")?,
            (slf.get().value().to_string(),),
        ))
    }

    #[staticmethod]
    fn _from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| argument_error(py, format!("transitioned: not JSON: {e}")))?;
        Ok(Transitioned {
            state: value_arg(py, "state", value.get("state").unwrap_or_default())?,
            event: value_arg(py, "event", value.get("event").unwrap_or_default())?,
        })
    }
}

/// A refused transition: nothing changed. `reason` is why (`unknown_contact_type`,
/// `not_from_status`, `not_for_actor` or `guard`); `guard` names the guard that failed.
#[pyclass(frozen, eq, hash, module = "cms", name = "Refusal")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Refusal(pub core::Refusal);

#[pymethods]
impl Refusal {
    /// Always False (a `Transitioned`'s is True).
    #[getter]
    fn ok(&self) -> bool {
        false
    }

    /// Why: `unknown_contact_type`, `not_from_status`, `not_for_actor` or `guard`.
    #[getter]
    fn reason(&self) -> String {
        serde_str(&self.0.reason)
    }

    /// The guard, when a guard failed (e.g. `resolution_text_required`).
    #[getter]
    fn guard(&self) -> Option<String> {
        self.0.guard.as_ref().map(serde_str)
    }

    /// A message naming what was refused and why.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// `{"reason", "guard", "message"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    fn __str__(&self) -> &str {
        &self.0.message
    }

    fn __repr__(&self) -> String {
        format!(
            "Refusal(reason={}, guard={}, message={})",
            py_repr(&serde_str(&self.0.reason)),
            py_repr_opt(self.0.guard.as_ref().map(serde_str).as_deref()),
            py_repr(&self.0.message)
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("_from_json")?,
            (json_text(&slf.get().0),),
        ))
    }

    #[staticmethod]
    fn _from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        from_json_text(py, "refusal", text).map(Refusal)
    }
}

/// The line of a workflow's transition table that allows an action.
#[pyclass(frozen, eq, module = "cms", name = "TransitionDef")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct TransitionDef(pub core::TransitionDef);

#[pymethods]
impl TransitionDef {
    /// Always True (a `Refusal`'s is False).
    #[getter]
    fn ok(&self) -> bool {
        true
    }

    /// The action's kind, e.g. `resolve`.
    #[getter]
    fn action(&self) -> &'static str {
        self.0.action.as_str()
    }

    /// The statuses it may be taken from.
    #[getter(from_statuses)]
    fn statuses_before(&self) -> Vec<String> {
        self.0.from.clone()
    }

    /// The status it leads to.
    #[getter]
    fn to_status(&self) -> &str {
        &self.0.to
    }

    /// The parties who may take it (`raiser`, `handler`, `routed_party`, `system`).
    #[getter]
    fn by(&self) -> Vec<&'static str> {
        self.0.by.iter().map(|p| p.as_str()).collect()
    }

    /// `{"action", "from", "to", "by"}`, as the rule file writes it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "TransitionDef(action={}, from_statuses=[{}], to_status={}, by=[{}])",
            py_repr(self.0.action.as_str()),
            self.0
                .from
                .iter()
                .map(|s| py_repr(s))
                .collect::<Vec<_>>()
                .join(", "),
            py_repr(&self.0.to),
            self.0
                .by
                .iter()
                .map(|p| py_repr(p.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("_from_json")?,
            (json_text(&slf.get().0),),
        ))
    }

    #[staticmethod]
    fn _from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        from_json_text(py, "transition", text).map(TransitionDef)
    }
}

/// The Python objects that [`crate::convert::py_to_json`] reads as their dict form.
pub(crate) fn value_of(obj: &Bound<'_, PyAny>) -> Option<serde_json::Value> {
    if let Ok(s) = obj.cast::<ContactState>() {
        return serde_json::to_value(&s.get().0).ok();
    }
    if let Ok(e) = obj.cast::<Event>() {
        return serde_json::to_value(&e.get().0).ok();
    }
    None
}

/// A `state` argument: a `ContactState` or its dict form.
pub(crate) fn state_arg(
    py: Python<'_>,
    what: &str,
    obj: &Bound<'_, PyAny>,
) -> PyResult<core::ContactState> {
    match obj.cast::<ContactState>() {
        Ok(s) => Ok(s.get().0.clone()),
        Err(_) => mapping_arg(py, what, "cms.ContactState", obj),
    }
}

/// An `action` argument: its dict form (`{"action": "resolve", "text": "..."}`), or the bare
/// kind for an action that needs nothing else (`"cancel"`).
pub(crate) fn action_arg(py: Python<'_>, what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Action> {
    if let Ok(s) = obj.cast::<PyString>() {
        let kind: String = s.extract()?;
        return value_arg(py, what, &serde_json::json!({ "action": kind }));
    }
    mapping_arg(
        py,
        what,
        "str (an action needing nothing else, e.g. \"cancel\")",
        obj,
    )
}

/// Who acts: `"system"`, or a user and their organisation — `{"user": ..., "organisation":
/// ...}` or a `(user, organisation)` pair, each a `User` / `OrganisationRecord` or its dict.
pub(crate) struct ActorArg(Option<(User, OrganisationRecord)>);

impl ActorArg {
    pub(crate) fn as_core(&self) -> Actor<'_> {
        match &self.0 {
            Some((user, organisation)) => Actor::User { user, organisation },
            None => Actor::System,
        }
    }
}

pub(crate) fn actor_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<ActorArg> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text: String = s.extract()?;
        if text == "system" {
            return Ok(ActorArg(None));
        }
        return Err(argument_error(
            py,
            format!("actor `{text}`: an actor is \"system\" or a user and their organisation"),
        ));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() != 2 {
            return Err(argument_error(
                py,
                format!("actor: a pair (user, organisation), not {} items", t.len()),
            ));
        }
        let user = user_arg(py, "actor.user", &t.get_item(0)?)?;
        let org = organisation_arg(py, "actor.organisation", &t.get_item(1)?)?;
        return Ok(ActorArg(Some((user, org))));
    }
    if obj.is_instance_of::<PyDict>() || obj.cast::<PyMapping>().is_ok() {
        let m = obj.cast::<PyMapping>()?;
        for key in m.keys()?.iter() {
            let k: String = key.extract()?;
            if k != "user" && k != "organisation" {
                return Err(argument_error(
                    py,
                    format!("actor: unknown field `{k}` (an actor has `user` and `organisation`)"),
                ));
            }
        }
        let get = |k: &str| {
            m.get_item(k)
                .map_err(|_| argument_error(py, format!("actor: missing field `{k}`")))
        };
        let user = user_arg(py, "actor.user", &get("user")?)?;
        let org = organisation_arg(py, "actor.organisation", &get("organisation")?)?;
        return Ok(ActorArg(Some((user, org))));
    }
    Err(PyTypeError::new_err(format!(
        "actor must be \"system\", a dict {{\"user\", \"organisation\"}} or a (user, organisation) pair, got {}",
        type_name(obj)
    )))
}

/// Take an action on a contact at `now` (UTC). Pure: the state passed in is not changed.
/// Returns a `Transitioned` (the new state and the event to append) or a `Refusal` (nothing
/// changed).
#[pyfunction]
#[pyo3(signature = (state, action, actor, now, note = None, *, rules = None))]
pub(crate) fn transition<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyAny>,
    action: &Bound<'py, PyAny>,
    actor: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    note: Option<String>,
    rules: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rules = rules_arg(py, rules)?;
    let state = state_arg(py, "state", state)?;
    let action = action_arg(py, "action", action)?;
    let actor = actor_arg(py, actor)?;
    let now = utc_arg(py, "now", now)?;
    let done = guard(py, || {
        Ok(core::transition(
            &rules,
            &state,
            &action,
            &actor.as_core(),
            now,
            note.as_deref(),
        ))
    })?;
    match done {
        Ok(t) => Ok(Bound::new(
            py,
            Transitioned {
                state: t.state,
                event: t.event,
            },
        )?
        .into_any()),
        Err(r) => Ok(Bound::new(py, Refusal(r))?.into_any()),
    }
}

/// The transition table alone: the `TransitionDef` that lets this actor take `action` (a kind
/// such as `"resolve"`, or an action dict) from the contact's status, or the `Refusal` saying
/// why none does. Guards are not checked (`transition()` checks them).
#[pyfunction]
#[pyo3(signature = (state, action, actor, *, rules = None))]
pub(crate) fn allowed<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyAny>,
    action: &Bound<'py, PyAny>,
    actor: &Bound<'py, PyAny>,
    rules: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rules = rules_arg(py, rules)?;
    let state = state_arg(py, "state", state)?;
    let kind: ActionKind = match action.cast::<PyString>() {
        Ok(s) => from_serde_str(py, "action", &s.extract::<String>()?)?,
        Err(_) => action_arg(py, "action", action)?.kind(),
    };
    let actor = actor_arg(py, actor)?;
    let line = guard(py, || {
        Ok(core::allowed(&rules, &state, kind, &actor.as_core()).cloned())
    })?;
    match line {
        Ok(t) => Ok(Bound::new(py, TransitionDef(t))?.into_any()),
        Err(r) => Ok(Bound::new(py, Refusal(r))?.into_any()),
    }
}

/// Which parties the actor is for this contact: `raiser`, `handler`, `routed_party`, `system`.
#[pyfunction]
#[pyo3(signature = (state, actor, *, rules = None))]
pub(crate) fn parties(
    py: Python<'_>,
    state: &Bound<'_, PyAny>,
    actor: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<&'static str>> {
    let rules = rules_arg(py, rules)?;
    let state = state_arg(py, "state", state)?;
    let actor = actor_arg(py, actor)?;
    guard(py, || {
        Ok(core::parties(&rules, &state, &actor.as_core())
            .into_iter()
            .map(|p| p.as_str())
            .collect())
    })
}

/// Rebuild a contact's state from the state it was raised in and its history (`Event`s or their
/// dicts, in order). Raises `ReplayError` (with the bad event's 0-based `index`) for an invalid
/// or reordered history.
#[pyfunction]
#[pyo3(signature = (raised, events, *, rules = None))]
pub(crate) fn replay(
    py: Python<'_>,
    raised: &Bound<'_, PyAny>,
    events: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<ContactState> {
    let rules: Arc<cms_core::RuleSet> = rules_arg(py, rules)?;
    let raised = state_arg(py, "raised", raised)?;
    if events.is_instance_of::<PyString>() || events.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "events must be an iterable of cms.Event or dicts, got {}",
            type_name(events)
        )));
    }
    let mut history = Vec::new();
    for (i, e) in events.try_iter()?.enumerate() {
        let e = e?;
        history.push(match e.cast::<Event>() {
            Ok(ev) => ev.get().0.clone(),
            Err(_) => mapping_arg(py, &format!("events[{i}]"), "cms.Event", &e)?,
        });
    }
    let done = guard(py, || {
        Ok(py.detach(|| core::replay(&rules, &raised, &history)))
    })?;
    done.map(ContactState).map_err(|e| replay_error(py, &e))
}

/// Whether the contact is past its target at `now` (UTC).
#[pyfunction]
#[pyo3(signature = (state, now, *, rules = None))]
pub(crate) fn is_breached(
    py: Python<'_>,
    state: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    let rules = rules_arg(py, rules)?;
    let state = state_arg(py, "state", state)?;
    let now = utc_arg(py, "now", now)?;
    guard(py, || Ok(core::is_breached(&rules, &state, now)))
}

/// The target date at `now` (UTC) with a running pause counted in.
#[pyfunction]
#[pyo3(signature = (state, now, *, rules = None))]
pub(crate) fn effective_target<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    rules: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rules = rules_arg(py, rules)?;
    let state = state_arg(py, "state", state)?;
    let now = utc_arg(py, "now", now)?;
    let target = guard(py, || Ok(core::effective_target(&rules, &state, now)))?;
    py_date(py, "the effective target", target)
}

/// Working days from the London date of `now` (UTC) to the effective target: negative once
/// breached, 0 once the clock has stopped.
#[pyfunction]
#[pyo3(signature = (state, now, *, rules = None))]
pub(crate) fn working_days_remaining(
    py: Python<'_>,
    state: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<i64> {
    let rules = rules_arg(py, rules)?;
    let state = state_arg(py, "state", state)?;
    let now = utc_arg(py, "now", now)?;
    guard(py, || Ok(core::working_days_remaining(&rules, &state, now)))
}
