//! Access control: `User`, `OrganisationRecord`, `Outage`, `Query`, `Decision`, and
//! `decide()`, `decide_without_time()`, `is_visible()`, `search()`.
//!
//! Deny by default, and every decision names the rule that decided — all of it cms-core's.
//! Users, organisations and outages are read as the package's classes or as their serde form
//! (the dicts of `conformance/lifecycle_cases.json`). A request is `"search"`, `"upload_batch"`,
//! `"change_own_password"`, `"change_own_profile"`, or a dict with a `kind` and what that kind
//! needs: `{"kind": "raise", "contact_type"}`, `{"kind": "view", "contact"}`, `{"kind":
//! "lifecycle", "action", "contact"}`, `{"kind": "account", "action", "target",
//! "organisation_users"}`.

use chrono::NaiveDateTime;
use cms_core::access::{self as core, AccountAction, Context, Request};
use cms_core::lifecycle::{Action, ContactState};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString};

use crate::convert::{
    from_json_text, from_serde_str, mapping_arg, py_repr, py_time, py_to_json, rules_arg,
    serde_str, str_list, to_py_data, type_name, utc_arg, value_arg, Reduce,
};
use crate::errors::{argument_error, guard};
use crate::lifecycle::{action_arg, state_arg};
use crate::rules::org_type as parse_org_type;

/// The JSON text of a value (cms-core's types always serialize).
fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A user of CMS. The id never changes once set.
#[pyclass(frozen, eq, hash, module = "cms", name = "User")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct User(pub core::User);

#[pymethods]
impl User {
    /// A user: `roles` among `lso`, `supervisor`, `user`; `status` one of `active`,
    /// `suspended`, `revoked`; `permissions` what the LSO granted, `{"raise": [contact type
    /// codes], "upload_batches": bool, "view_only": bool}` (None: nothing).
    #[new]
    #[pyo3(signature = (id, organisation_id, roles, status, permissions = None))]
    fn new(
        py: Python<'_>,
        id: String,
        organisation_id: u64,
        roles: &Bound<'_, PyAny>,
        status: String,
        permissions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let permissions = match permissions.filter(|p| !p.is_none()) {
            Some(p) => py_to_json(p, "user.permissions")?,
            None => serde_json::json!({}),
        };
        let roles = str_list("roles", roles)?;
        let value = serde_json::json!({
            "id": id,
            "organisation_id": organisation_id,
            "roles": roles,
            "status": status,
            "permissions": permissions,
        });
        value_arg(py, "user", &value).map(User)
    }

    /// A user from its dict form (as `to_dict()` gives it).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        mapping_arg(py, "user", "cms.User", data).map(User)
    }

    /// A user from its JSON form.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        from_json_text(py, "user", text).map(User)
    }

    /// The user id.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }

    /// The organisation the user belongs to.
    #[getter]
    fn organisation_id(&self) -> u64 {
        self.0.organisation_id
    }

    /// Roles: `lso`, `supervisor`, `user`.
    #[getter]
    fn roles(&self) -> Vec<String> {
        self.0.roles.iter().map(serde_str).collect()
    }

    /// `active`, `suspended` or `revoked`.
    #[getter]
    fn status(&self) -> String {
        serde_str(&self.0.status)
    }

    /// What the LSO granted: `{"raise": [...], "upload_batches": bool, "view_only": bool}`.
    #[getter]
    fn permissions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0.permissions)
    }

    /// The user as a dict (its serde form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    /// The user as JSON.
    fn to_json(&self) -> String {
        json_text(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "User(id={}, organisation_id={}, roles=[{}], status={})",
            py_repr(&self.0.id),
            self.0.organisation_id,
            self.0
                .roles
                .iter()
                .map(|r| py_repr(&serde_str(r)))
                .collect::<Vec<_>>()
                .join(", "),
            py_repr(&serde_str(&self.0.status))
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (json_text(&slf.get().0),),
        ))
    }
}

/// An organisation, as access control sees it.
#[pyclass(frozen, eq, hash, module = "cms", name = "OrganisationRecord")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct OrganisationRecord(pub core::OrganisationRecord);

#[pymethods]
impl OrganisationRecord {
    /// An organisation: its `ORGANISATION_ID`, type (`shipper`, `gt`, `igt`, `mra`, `dmsp`,
    /// `uip`, `cdsp`), whether it is active, and its short code.
    #[new]
    #[pyo3(signature = (id, org_type, active, short_code = String::new()))]
    fn new(
        py: Python<'_>,
        id: u64,
        org_type: &str,
        active: bool,
        short_code: String,
    ) -> PyResult<Self> {
        Ok(OrganisationRecord(core::OrganisationRecord {
            id,
            short_code,
            org_type: parse_org_type(py, org_type)?,
            active,
        }))
    }

    /// An organisation from its dict form (as `to_dict()` gives it).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        mapping_arg(py, "organisation", "cms.OrganisationRecord", data).map(OrganisationRecord)
    }

    /// An organisation from its JSON form.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        from_json_text(py, "organisation", text).map(OrganisationRecord)
    }

    /// `ORGANISATION_ID`.
    #[getter]
    fn id(&self) -> u64 {
        self.0.id
    }

    /// Its type: `shipper`, `gt`, `igt`, `mra`, `dmsp`, `uip` or `cdsp`.
    #[getter]
    fn org_type(&self) -> &'static str {
        self.0.org_type.as_str()
    }

    /// Whether it is active.
    #[getter]
    fn active(&self) -> bool {
        self.0.active
    }

    /// Its short code.
    #[getter]
    fn short_code(&self) -> &str {
        &self.0.short_code
    }

    /// The organisation as a dict (its serde form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    /// The organisation as JSON.
    fn to_json(&self) -> String {
        json_text(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "OrganisationRecord(id={}, org_type={}, active={}, short_code={})",
            self.0.id,
            py_repr(self.0.org_type.as_str()),
            if self.0.active { "True" } else { "False" },
            py_repr(&self.0.short_code)
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (String,)> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (json_text(&slf.get().0),),
        ))
    }
}

/// A declared outage: the service is unavailable from `start` to `end` (UTC, end exclusive).
/// Its dict form is `{"from": ..., "to": ...}`.
#[pyclass(frozen, eq, hash, module = "cms", name = "Outage")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Outage(pub core::Outage);

#[pymethods]
impl Outage {
    /// An outage from `start` to `end` (UTC `datetime`s, naive ones are UTC, or text
    /// `YYYY-MM-DDTHH:MM:SS`).
    #[new]
    fn new(py: Python<'_>, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Outage(core::Outage {
            from: utc_arg(py, "start", start)?,
            to: utc_arg(py, "end", end)?,
        }))
    }

    /// Start (UTC, naive).
    #[getter]
    fn start<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_time(py, "start", self.0.from)
    }

    /// End (UTC, naive, exclusive).
    #[getter]
    fn end<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_time(py, "end", self.0.to)
    }

    /// `{"from": ..., "to": ...}` (times as text).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!("Outage(start='{}', end='{}')", self.0.from, self.0.to)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduce<'py, (NaiveDateTime, NaiveDateTime)> {
        let o = slf.get().0;
        Ok((slf.get_type().into_any(), (o.from, o.to)))
    }
}

/// A search over contacts the host passes in; an empty list matches anything.
#[pyclass(frozen, eq, module = "cms", name = "Query")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Query(pub core::Query);

#[pymethods]
impl Query {
    /// Contacts with any of these CRNs, statuses and contact types (None or empty: any), raised
    /// at or after `raised_from` and before `raised_to` (UTC).
    #[new]
    #[pyo3(signature = (*, crns = None, statuses = None, contact_types = None, raised_from = None, raised_to = None))]
    fn new(
        py: Python<'_>,
        crns: Option<&Bound<'_, PyAny>>,
        statuses: Option<&Bound<'_, PyAny>>,
        contact_types: Option<&Bound<'_, PyAny>>,
        raised_from: Option<&Bound<'_, PyAny>>,
        raised_to: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let time = |what: &str, t: Option<&Bound<'_, PyAny>>| {
            t.filter(|t| !t.is_none())
                .map(|t| utc_arg(py, what, t))
                .transpose()
        };
        let list = |what: &str, l: Option<&Bound<'_, PyAny>>| {
            l.filter(|l| !l.is_none())
                .map(|l| str_list(what, l))
                .transpose()
                .map(Option::unwrap_or_default)
        };
        Ok(Query(core::Query {
            crns: list("crns", crns)?,
            statuses: list("statuses", statuses)?,
            contact_types: list("contact_types", contact_types)?,
            raised_from: time("raised_from", raised_from)?,
            raised_to: time("raised_to", raised_to)?,
        }))
    }

    /// A query from its dict form (as `to_dict()` gives it).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        mapping_arg(py, "query", "cms.Query", data).map(Query)
    }

    /// Any of these CRNs.
    #[getter]
    fn crns(&self) -> Vec<String> {
        self.0.crns.clone()
    }

    /// Any of these statuses.
    #[getter]
    fn statuses(&self) -> Vec<String> {
        self.0.statuses.clone()
    }

    /// Any of these contact types.
    #[getter]
    fn contact_types(&self) -> Vec<String> {
        self.0.contact_types.clone()
    }

    /// Raised at or after (UTC, naive).
    #[getter]
    fn raised_from<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .raised_from
            .map(|t| py_time(py, "raised_from", t))
            .transpose()
    }

    /// Raised before (UTC, naive).
    #[getter]
    fn raised_to<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .raised_to
            .map(|t| py_time(py, "raised_to", t))
            .transpose()
    }

    /// The query as a dict (its serde form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let list = |v: &[String]| v.iter().map(|s| py_repr(s)).collect::<Vec<_>>().join(", ");
        let time = |t: Option<NaiveDateTime>| t.map_or("None".to_string(), |t| format!("'{t}'"));
        format!(
            "Query(crns=[{}], statuses=[{}], contact_types=[{}], raised_from={}, raised_to={})",
            list(&self.0.crns),
            list(&self.0.statuses),
            list(&self.0.contact_types),
            time(self.0.raised_from),
            time(self.0.raised_to)
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
        from_json_text(py, "query", text).map(Query)
    }
}

/// A decision: allowed or not, the rule that decided (e.g. `no_grant`, `outside_service_hours`,
/// `allowed`), and why.
#[pyclass(frozen, eq, hash, module = "cms", name = "Decision")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Decision(pub core::Decision);

#[pymethods]
impl Decision {
    /// Allowed.
    #[getter]
    fn allowed(&self) -> bool {
        self.0.allowed
    }

    /// The rule that decided, e.g. `user_not_active`, `no_grant`, `allowed`.
    #[getter]
    fn rule(&self) -> String {
        serde_str(&self.0.rule)
    }

    /// Why, in words.
    #[getter]
    fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The time falls in a maintenance window: the service may be unavailable.
    #[getter]
    fn may_be_unavailable(&self) -> bool {
        self.0.may_be_unavailable
    }

    /// `{"allowed", "rule", "reason", "may_be_unavailable"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_data(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Decision(allowed={}, rule={}, reason={})",
            if self.0.allowed { "True" } else { "False" },
            py_repr(&serde_str(&self.0.rule)),
            py_repr(&self.0.reason)
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
        from_json_text(py, "decision", text).map(Decision)
    }
}

/// The Python objects that [`crate::convert::py_to_json`] reads as their dict form.
pub(crate) fn value_of(obj: &Bound<'_, PyAny>) -> Option<serde_json::Value> {
    if let Ok(u) = obj.cast::<User>() {
        return serde_json::to_value(&u.get().0).ok();
    }
    if let Ok(o) = obj.cast::<OrganisationRecord>() {
        return serde_json::to_value(&o.get().0).ok();
    }
    if let Ok(o) = obj.cast::<Outage>() {
        return serde_json::to_value(o.get().0).ok();
    }
    if let Ok(q) = obj.cast::<Query>() {
        return serde_json::to_value(&q.get().0).ok();
    }
    None
}

/// A `user` argument: a `User` or its dict form.
pub(crate) fn user_arg(py: Python<'_>, what: &str, obj: &Bound<'_, PyAny>) -> PyResult<core::User> {
    match obj.cast::<User>() {
        Ok(u) => Ok(u.get().0.clone()),
        Err(_) => mapping_arg(py, what, "cms.User", obj),
    }
}

/// An `organisation` argument: an `OrganisationRecord` or its dict form.
pub(crate) fn organisation_arg(
    py: Python<'_>,
    what: &str,
    obj: &Bound<'_, PyAny>,
) -> PyResult<core::OrganisationRecord> {
    match obj.cast::<OrganisationRecord>() {
        Ok(o) => Ok(o.get().0.clone()),
        Err(_) => mapping_arg(py, what, "cms.OrganisationRecord", obj),
    }
}

/// An `outages` argument: None, or an iterable of `Outage`s or `{"from", "to"}` dicts.
pub(crate) fn outages_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<core::Outage>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "outages must be an iterable of cms.Outage or {{\"from\", \"to\"}} dicts, got {}",
            type_name(obj)
        )));
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        out.push(match item.cast::<Outage>() {
            Ok(o) => o.get().0,
            Err(_) => mapping_arg(py, &format!("outages[{i}]"), "cms.Outage", &item)?,
        });
    }
    Ok(out)
}

/// What is asked, owning its data (cms-core's `Request` borrows).
enum RequestArg {
    Raise(String),
    UploadBatch,
    View(ContactState),
    Search,
    Lifecycle(Action, ContactState),
    Account(AccountAction, core::User, Vec<core::User>),
    ChangeOwnPassword,
    ChangeOwnProfile,
}

impl RequestArg {
    fn as_core(&self) -> Request<'_> {
        match self {
            RequestArg::Raise(contact_type) => Request::Raise { contact_type },
            RequestArg::UploadBatch => Request::UploadBatch,
            RequestArg::View(contact) => Request::View { contact },
            RequestArg::Search => Request::Search,
            RequestArg::Lifecycle(action, contact) => Request::Lifecycle { action, contact },
            RequestArg::Account(action, target, organisation_users) => Request::Account {
                action: *action,
                target,
                organisation_users,
            },
            RequestArg::ChangeOwnPassword => Request::ChangeOwnPassword,
            RequestArg::ChangeOwnProfile => Request::ChangeOwnProfile,
        }
    }
}

/// The fields each kind of request has, besides `kind`.
const REQUEST_FIELDS: [(&str, &[&str]); 8] = [
    ("raise", &["contact_type"]),
    ("upload_batch", &[]),
    ("view", &["contact"]),
    ("search", &[]),
    ("lifecycle", &["action", "contact"]),
    ("account", &["action", "target", "organisation_users"]),
    ("change_own_password", &[]),
    ("change_own_profile", &[]),
];

fn request_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<RequestArg> {
    let kinds = || {
        REQUEST_FIELDS
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (kind, fields): (String, Option<Bound<'_, PyMapping>>) =
        if let Ok(s) = obj.cast::<PyString>() {
            (s.extract()?, None)
        } else if let Ok(m) = obj.cast::<PyMapping>() {
            let kind = m
                .get_item("kind")
                .map_err(|_| argument_error(py, "request: missing field `kind`"))?;
            let kind: String = kind
                .extract()
                .map_err(|_| PyTypeError::new_err("request: `kind` must be a str"))?;
            (kind, Some(m.clone()))
        } else {
            return Err(PyTypeError::new_err(format!(
                "request must be a str (e.g. \"search\") or a dict with a `kind`, got {}",
                type_name(obj)
            )));
        };
    let Some((_, needs)) = REQUEST_FIELDS.iter().find(|(k, _)| *k == kind) else {
        return Err(argument_error(
            py,
            format!("unknown request kind `{kind}` (one of {})", kinds()),
        ));
    };
    if let Some(m) = &fields {
        for key in m.keys()?.iter() {
            let k: String = key.extract()?;
            if k != "kind" && !needs.contains(&k.as_str()) {
                return Err(argument_error(
                    py,
                    format!("request `{kind}`: unknown field `{k}`"),
                ));
            }
        }
    }
    let get = |field: &str| -> PyResult<Bound<'_, PyAny>> {
        fields
            .as_ref()
            .and_then(|m| m.get_item(field).ok())
            .ok_or_else(|| {
                argument_error(py, format!("request `{kind}` needs the field `{field}`"))
            })
    };
    Ok(match kind.as_str() {
        "raise" => {
            RequestArg::Raise(get("contact_type")?.extract().map_err(|_| {
                PyTypeError::new_err("request `raise`: `contact_type` must be a str")
            })?)
        }
        "upload_batch" => RequestArg::UploadBatch,
        "view" => RequestArg::View(state_arg(py, "request.contact", &get("contact")?)?),
        "search" => RequestArg::Search,
        "lifecycle" => RequestArg::Lifecycle(
            action_arg(py, "request.action", &get("action")?)?,
            state_arg(py, "request.contact", &get("contact")?)?,
        ),
        "account" => {
            let action: String = get("action")?
                .extract()
                .map_err(|_| PyTypeError::new_err("request `account`: `action` must be a str"))?;
            let users = get("organisation_users")?;
            if users.is_instance_of::<PyString>() || users.is_instance_of::<PyDict>() {
                return Err(PyTypeError::new_err(
                    "request.organisation_users must be a list of cms.User or dicts",
                ));
            }
            let mut list = Vec::new();
            for (i, u) in users.try_iter()?.enumerate() {
                list.push(user_arg(
                    py,
                    &format!("request.organisation_users[{i}]"),
                    &u?,
                )?);
            }
            RequestArg::Account(
                from_serde_str(py, "account action", &action)?,
                user_arg(py, "request.target", &get("target")?)?,
                list,
            )
        }
        "change_own_password" => RequestArg::ChangeOwnPassword,
        _ => RequestArg::ChangeOwnProfile,
    })
}

/// Decide a request at `now` (UTC), with the host's declared outages. Deny by default; the
/// decision names the rule that decided.
#[pyfunction]
#[pyo3(signature = (user, organisation, request, now, outages = None, *, rules = None))]
pub(crate) fn decide(
    py: Python<'_>,
    user: &Bound<'_, PyAny>,
    organisation: &Bound<'_, PyAny>,
    request: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    outages: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<Decision> {
    let rules = rules_arg(py, rules)?;
    let user = user_arg(py, "user", user)?;
    let organisation = organisation_arg(py, "organisation", organisation)?;
    let request = request_arg(py, request)?;
    let now = utc_arg(py, "now", now)?;
    let outages = outages_arg(py, outages)?;
    guard(py, || {
        let ctx = Context {
            now,
            outages: &outages,
        };
        Ok(Decision(core::decide(
            &rules,
            &user,
            &organisation,
            &request.as_core(),
            &ctx,
        )))
    })
}

/// Decide without a clock: service hours are not checked, and lifecycle requests (which need
/// the time) are refused.
#[pyfunction]
#[pyo3(signature = (user, organisation, request, *, rules = None))]
pub(crate) fn decide_without_time(
    py: Python<'_>,
    user: &Bound<'_, PyAny>,
    organisation: &Bound<'_, PyAny>,
    request: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<Decision> {
    let rules = rules_arg(py, rules)?;
    let user = user_arg(py, "user", user)?;
    let organisation = organisation_arg(py, "organisation", organisation)?;
    let request = request_arg(py, request)?;
    guard(py, || {
        Ok(Decision(core::decide_without_time(
            &rules,
            &user,
            &organisation,
            &request.as_core(),
        )))
    })
}

/// Whether an organisation sees a contact.
#[pyfunction]
#[pyo3(signature = (organisation, contact, *, rules = None))]
pub(crate) fn is_visible(
    py: Python<'_>,
    organisation: &Bound<'_, PyAny>,
    contact: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    let rules = rules_arg(py, rules)?;
    let organisation = organisation_arg(py, "organisation", organisation)?;
    let contact = state_arg(py, "contact", contact)?;
    guard(py, || Ok(core::is_visible(&rules, &organisation, &contact)))
}

/// Search the contacts the host passes in (`ContactState`s or their dicts) at `now` (UTC):
/// `(decision, found)`, where `found` holds the very objects given that match `query` (a
/// `Query`, its dict, or None for any) and that the user's organisation may see, in the order
/// given — none when the user may not search.
#[pyfunction]
#[pyo3(signature = (user, organisation, contacts, now, query = None, outages = None, *, rules = None))]
#[allow(
    clippy::too_many_arguments,
    reason = "Python arguments, one per input of cms-core's search"
)]
pub(crate) fn search<'py>(
    py: Python<'py>,
    user: &Bound<'py, PyAny>,
    organisation: &Bound<'py, PyAny>,
    contacts: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    query: Option<&Bound<'py, PyAny>>,
    outages: Option<&Bound<'py, PyAny>>,
    rules: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Decision, Bound<'py, PyList>)> {
    let rules = rules_arg(py, rules)?;
    let user = user_arg(py, "user", user)?;
    let organisation = organisation_arg(py, "organisation", organisation)?;
    if contacts.is_instance_of::<PyString>() || contacts.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "contacts must be an iterable of cms.ContactState or dicts, got {}",
            type_name(contacts)
        )));
    }
    let mut objects = Vec::new();
    let mut states = Vec::new();
    for (i, c) in contacts.try_iter()?.enumerate() {
        let c = c?;
        states.push(state_arg(py, &format!("contacts[{i}]"), &c)?);
        objects.push(c);
    }
    let now = utc_arg(py, "now", now)?;
    let query = match query.filter(|q| !q.is_none()) {
        None => core::Query::default(),
        Some(q) => match q.cast::<Query>() {
            Ok(q) => q.get().0.clone(),
            Err(_) => mapping_arg(py, "query", "cms.Query", q)?,
        },
    };
    let outages = outages_arg(py, outages)?;
    let (decision, found) = guard(py, || {
        Ok(py.detach(|| {
            let ctx = Context {
                now,
                outages: &outages,
            };
            let (decision, hits) =
                core::search(&rules, &user, &organisation, &states, &query, &ctx);
            // The positions of the hits (in order, and each one of `states`).
            let mut at = Vec::with_capacity(hits.len());
            let mut rest = states.iter().enumerate();
            for hit in hits {
                if let Some((i, _)) = rest.by_ref().find(|(_, s)| std::ptr::eq(*s, hit)) {
                    at.push(i);
                }
            }
            (decision, at)
        }))
    })?;
    let mut keep = found.into_iter().peekable();
    let picked: Vec<Bound<'py, PyAny>> = objects
        .into_iter()
        .enumerate()
        .filter_map(|(i, o)| keep.next_if_eq(&i).map(|_| o))
        .collect();
    Ok((Decision(decision), PyList::new(py, picked)?))
}
