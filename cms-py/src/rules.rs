//! `cms.RuleSet` and what it holds: contact types and the finding catalogue.

use std::sync::Arc;

use cms_core::rules::{ContactTypeDef, EMBEDDED_ORIGIN};
use cms_core::OrgType;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::calendar::Calendar;
use crate::convert::{json_to_py, py_repr, serde_str};
use crate::crn::CrnScheme;
use crate::errors::{guard, IntoPy};

/// A loaded, checked rule set: contact types, file formats, finding codes, calendar, CRN scheme.
#[pyclass(frozen, module = "cms", name = "RuleSet")]
pub(crate) struct RuleSet(pub Arc<cms_core::RuleSet>);

#[pymethods]
impl RuleSet {
    /// The embedded default rule set (parsed once per process).
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Self> {
        guard(py, || cms_core::RuleSet::embedded().map(RuleSet).py_err(py))
    }

    /// Loads a rule file (JSON); a file that cannot be used raises RuleFileError.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        guard(py, || {
            py.detach(|| cms_core::RuleSet::load(&path))
                .map(|r| RuleSet(Arc::new(r)))
                .py_err(py)
        })
    }

    /// Parses and checks a rule set from JSON text; `origin` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, origin = "<string>"))]
    fn from_json(py: Python<'_>, text: &str, origin: &str) -> PyResult<Self> {
        guard(py, || {
            py.detach(|| cms_core::RuleSet::from_json(text, origin))
                .map(|r| RuleSet(Arc::new(r)))
                .py_err(py)
        })
    }

    /// The rule set's name.
    #[getter]
    fn name(&self) -> &str {
        self.0.name()
    }

    /// The rule set's version.
    #[getter]
    fn version(&self) -> &str {
        self.0.version()
    }

    /// Where it came from: `<embedded>` or the file's path.
    #[getter]
    fn origin(&self) -> &str {
        self.0.origin()
    }

    /// Its description.
    #[getter]
    fn description(&self) -> &str {
        &self.0.data().description
    }

    /// The CDSP's (Xoserve's) organisation id, written in response headers.
    #[getter]
    fn cdsp_organisation_id(&self) -> u64 {
        self.0.data().cdsp_organisation_id
    }

    /// The codes of the file formats, e.g. `["CMQ", "CMR"]`.
    #[getter]
    fn formats(&self) -> Vec<String> {
        self.0
            .formats()
            .iter()
            .map(|f| f.code.to_string())
            .collect()
    }

    /// Every contact type.
    #[getter]
    fn contact_types(&self) -> Vec<ContactType> {
        self.0
            .contact_types()
            .iter()
            .map(|t| ContactType(t.clone()))
            .collect()
    }

    /// A contact type by code, or None.
    fn contact_type(&self, code: &str) -> Option<ContactType> {
        self.0
            .contact_type(code)
            .map(|(_, t)| ContactType(t.clone()))
    }

    /// The finding catalogue: every code with its severity, scope and message template.
    #[getter]
    fn catalogue(&self) -> Vec<FindingDef> {
        self.0
            .catalogue()
            .iter()
            .map(|d| FindingDef(d.clone()))
            .collect()
    }

    /// Whether organisations of this type may use CMS.
    fn may_use_cms(&self, py: Python<'_>, org_type: &str) -> PyResult<bool> {
        let t: OrgType = org_type.parse().py_err(py)?;
        Ok(self.0.may_use_cms(t))
    }

    /// The working-day calendar.
    #[getter]
    fn calendar(&self) -> Calendar {
        Calendar(self.0.calendar().clone())
    }

    /// The CRN scheme.
    #[getter]
    fn crn_scheme(&self) -> CrnScheme {
        CrnScheme(self.0.crn_scheme().clone())
    }

    /// The MPRN length limits, `(min_digits, max_digits)`.
    #[getter]
    fn mprn_digits(&self) -> (u8, u8) {
        let m = self.0.mprn_rules();
        (m.min_digits, m.max_digits)
    }

    /// The codes of the lifecycle workflows (contact types name theirs; `default` otherwise).
    #[getter]
    fn workflows(&self) -> Vec<String> {
        self.0.workflows().iter().map(|w| w.code.clone()).collect()
    }

    /// A lifecycle workflow as a Mermaid state diagram (as `cms lifecycle --mermaid`), or None
    /// when the rule set has no workflow of that code.
    #[pyo3(signature = (workflow = "default"))]
    fn lifecycle_mermaid(&self, py: Python<'_>, workflow: &str) -> PyResult<Option<String>> {
        guard(py, || {
            Ok(self
                .0
                .workflows()
                .iter()
                .find(|w| w.code == workflow)
                .map(|w| cms_core::lifecycle::mermaid(&self.0, w)))
        })
    }

    /// The rule set as a rule file (pretty JSON): a starting point for your own.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The rule set as Python data (`json.loads(to_json())`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.0.to_json())
    }

    fn __repr__(&self) -> String {
        format!(
            "<RuleSet {} {} from {}>",
            self.0.name(),
            self.0.version(),
            self.0.origin()
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let r = &slf.get().0;
        let class = slf.get_type();
        let embedded = cms_core::RuleSet::embedded().ok();
        if r.origin() == EMBEDDED_ORIGIN && embedded.is_some_and(|e| Arc::ptr_eq(&e, r)) {
            return Ok((class.getattr("default")?, PyTuple::empty(py)));
        }
        let args = PyTuple::new(py, [r.to_json(), r.origin().to_string()])?;
        Ok((class.getattr("from_json")?, args))
    }
}

/// A contact type of the catalogue.
#[pyclass(frozen, eq, module = "cms", name = "ContactType")]
#[derive(PartialEq)]
pub(crate) struct ContactType(pub ContactTypeDef);

#[pymethods]
impl ContactType {
    /// Three upper-case letters, e.g. `RFA`.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }

    /// Its name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// `operational` or `invoicing`.
    #[getter]
    fn family(&self) -> String {
        serde_str(&self.0.family)
    }

    /// Organisation types that may raise it.
    #[getter]
    fn raised_by(&self) -> Vec<&'static str> {
        self.0.raised_by.iter().map(|t| t.as_str()).collect()
    }

    /// Where it is routed.
    #[getter]
    fn routed_to(&self) -> &'static str {
        self.0.routed_to.as_str()
    }

    /// Fields of the contact record that must be filled in.
    #[getter]
    fn required_fields(&self) -> Vec<String> {
        self.0.required_fields.clone()
    }

    /// Fields of the contact record that must be empty.
    #[getter]
    fn forbidden_fields(&self) -> Vec<String> {
        self.0.forbidden_fields.clone()
    }

    /// Child records that must be present.
    #[getter]
    fn required_records(&self) -> Vec<String> {
        self.0.required_records.clone()
    }

    /// Allowed supply point classes; None means any.
    #[getter]
    fn classes(&self) -> Option<Vec<u32>> {
        // As ints (a `Vec<u8>` would become `bytes`).
        self.0
            .classes
            .as_ref()
            .map(|c| c.iter().map(|&x| u32::from(x)).collect())
    }

    /// The earliest EFFECTIVE_DATE allowed.
    #[getter]
    fn earliest_effective_date(&self) -> Option<chrono::NaiveDate> {
        self.0.earliest_effective_date
    }

    /// Target resolution in working days after acceptance.
    #[getter]
    fn target_working_days(&self) -> Option<u32> {
        self.0.target_working_days
    }

    /// Whether it lives in the new CMS.
    #[getter]
    fn new_cms(&self) -> bool {
        self.0.new_cms
    }

    /// A retired type cannot be raised.
    #[getter]
    fn retired(&self) -> bool {
        self.0.retired
    }

    /// Theft of gas.
    #[getter]
    fn theft_related(&self) -> bool {
        self.0.theft_related
    }

    /// `confirmed` (public material) or `illustrative`.
    #[getter]
    fn provenance(&self) -> String {
        serde_str(&self.0.provenance)
    }

    /// Free notes.
    #[getter]
    fn notes(&self) -> &str {
        &self.0.notes
    }

    /// The entry as in a rule file.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &serde_json::to_string(&self.0).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        format!(
            "ContactType(code={}, name={})",
            py_repr(&self.0.code),
            py_repr(&self.0.name)
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("_from_json")?,
            (serde_json::to_string(&slf.get().0).unwrap_or_default(),),
        ))
    }

    #[staticmethod]
    fn _from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .map(ContactType)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

/// A finding code of the catalogue.
#[pyclass(frozen, eq, module = "cms", name = "FindingDef")]
#[derive(PartialEq)]
pub(crate) struct FindingDef(pub cms_core::finding::FindingDef);

#[pymethods]
impl FindingDef {
    /// The public code, e.g. `CON00008`.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }

    /// The name of the engine's check, as rule files write it (e.g. `mprn_check_digits`).
    #[getter]
    fn check(&self) -> &'static str {
        self.0.check.name()
    }

    /// `error` or `warning`.
    #[getter]
    fn severity(&self) -> String {
        self.0.severity.to_string()
    }

    /// `file`, `record` or `field`.
    #[getter]
    fn scope(&self) -> String {
        self.0.scope.to_string()
    }

    /// A short title.
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }

    /// The message template (`{param}` is filled in from the finding).
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The parameters the template may use.
    #[getter]
    fn params(&self) -> Vec<&'static str> {
        self.0.check.params().to_vec()
    }

    fn __repr__(&self) -> String {
        format!(
            "FindingDef(code={}, check={}, severity={})",
            py_repr(&self.0.code),
            py_repr(self.0.check.name()),
            py_repr(&self.0.severity.to_string())
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("_from_json")?,
            (serde_json::to_string(&slf.get().0).unwrap_or_default(),),
        ))
    }

    #[staticmethod]
    fn _from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .map(FindingDef)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

/// Checks an organisation type's spelling (`shipper`, `gt`, ...), as cms-core parses it.
pub(crate) fn org_type(py: Python<'_>, text: &str) -> PyResult<OrgType> {
    text.parse::<OrgType>().py_err(py)
}
