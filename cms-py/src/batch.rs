//! `cms.process`: the batch job — a contact upload in, CRNs and target dates for accepted
//! contacts, a response file out.

use std::io::Read;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use cms_core::batch::{
    self as core_batch, BatchOptions, BatchSummary, ContactResult as CoreContact, Outcome,
};
use cms_core::format::FindingOut;
use cms_core::Organisation;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyTuple};
use serde::Deserialize;

use crate::convert::{date_arg, frame, json_to_py, py_repr, py_repr_opt, rules_arg, Reduce};
use crate::crn::CrnGenerator;
use crate::errors::{argument_error, crn_error, guard, IntoPy};
use crate::report::Finding;
use crate::rules::org_type as parse_org_type;
use crate::source::{PyReader, Source};
use crate::validate::{access, limits};

/// One contact's result.
#[pyclass(frozen, eq, module = "cms", name = "ContactResult")]
#[derive(PartialEq)]
pub(crate) struct ContactResult(pub CoreContact);

/// The columns of a contacts table, with their kinds.
const CONTACT_COLUMNS: [(&str, &str); 8] = [
    ("line", "int"),
    ("customer_reference", "str"),
    ("contact_type", "str"),
    ("outcome", "str"),
    ("crn", "str"),
    ("target_date", "date"),
    ("status", "str"),
    ("codes", "list[str]"),
];

fn findings_list<'py>(py: Python<'py>, findings: &[FindingOut]) -> PyResult<Bound<'py, PyList>> {
    let items = findings
        .iter()
        .map(|f| Py::new(py, Finding(f.clone())))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

impl ContactResult {
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let c = &self.0;
        Ok(vec![
            c.line.into_pyobject(py)?.into_any(),
            c.customer_reference.clone().into_pyobject(py)?,
            c.contact_type.clone().into_pyobject(py)?,
            c.outcome.code().into_pyobject(py)?.into_any(),
            c.crn.clone().into_pyobject(py)?,
            c.target_date.into_pyobject(py)?,
            c.status.clone().into_pyobject(py)?,
            PyList::new(py, c.codes())?.into_any(),
        ])
    }
}

#[pymethods]
impl ContactResult {
    /// The contact record's line in the upload.
    #[getter]
    fn line(&self) -> u64 {
        self.0.line
    }

    /// The customer's reference, when valid.
    #[getter]
    fn customer_reference(&self) -> Option<&str> {
        self.0.customer_reference.as_deref()
    }

    /// The contact type code as written, when valid.
    #[getter]
    fn contact_type(&self) -> Option<&str> {
        self.0.contact_type.as_deref()
    }

    /// `AC` (accepted), `RJ` (rejected) or `WN` (accepted with a warning).
    #[getter]
    fn outcome(&self) -> &'static str {
        self.0.outcome.code()
    }

    /// True for `AC` and `WN`.
    #[getter]
    fn accepted(&self) -> bool {
        self.0.outcome != Outcome::Rejected
    }

    /// The CRN issued (AC and WN only).
    #[getter]
    fn crn(&self) -> Option<&str> {
        self.0.crn.as_deref()
    }

    /// The target resolution date (AC and WN only).
    #[getter]
    fn target_date(&self) -> Option<NaiveDate> {
        self.0.target_date
    }

    /// The lifecycle status the contact starts in (AC and WN only).
    #[getter]
    fn status(&self) -> Option<&str> {
        self.0.status.as_deref()
    }

    /// Every finding on the contact and its child records.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.0.findings)
    }

    /// The public codes of the contact's findings.
    #[getter]
    fn codes(&self) -> Vec<&str> {
        self.0.codes()
    }

    /// The result as a dict (findings as dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &serde_json::to_string(&self.0).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        format!(
            "ContactResult(line={}, customer_reference={}, outcome={}, crn={}, codes=[{}])",
            self.0.line,
            py_repr_opt(self.0.customer_reference.as_deref()),
            py_repr(self.0.outcome.code()),
            py_repr_opt(self.0.crn.as_deref()),
            self.0
                .codes()
                .iter()
                .map(|c| py_repr(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = serde_json::to_string(&slf.get().0).unwrap_or_default();
        Ok((slf.get_type().getattr("_from_json")?, (text,)))
    }

    #[staticmethod]
    fn _from_json(text: &str) -> PyResult<Self> {
        let c: ContactIn = serde_json::from_str(text).map_err(state_error)?;
        Ok(ContactResult(c.into_core()?))
    }
}

/// What the batch job did with a file.
#[pyclass(frozen, module = "cms", name = "BatchResult")]
pub(crate) struct BatchResult {
    summary: BatchSummary,
    contacts: Vec<CoreContact>,
    response: Option<Vec<u8>>,
    response_path: Option<String>,
    contacts_py: PyOnceLock<Py<PyTuple>>,
}

impl BatchResult {
    fn contacts_tuple<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyTuple>> {
        let t = self.contacts_py.get_or_try_init(py, || {
            let items = self
                .contacts
                .iter()
                .map(|c| Py::new(py, ContactResult(c.clone())))
                .collect::<PyResult<Vec<_>>>()?;
            PyResult::Ok(PyTuple::new(py, items)?.unbind())
        })?;
        Ok(t.bind(py))
    }

    fn state(&self) -> String {
        serde_json::json!({
            "summary": self.summary,
            "contacts": self.contacts,
            "response_path": self.response_path,
        })
        .to_string()
    }
}

#[pymethods]
impl BatchResult {
    /// The upload's name.
    #[getter]
    fn file(&self) -> &str {
        &self.summary.file
    }

    /// The response file's name (e.g. `SHP00042.CMR`).
    #[getter]
    fn response_file(&self) -> &str {
        &self.summary.response_file
    }

    /// Where the response was written (for a path upload), else None.
    #[getter]
    fn response_path(&self) -> Option<&str> {
        self.response_path.as_deref()
    }

    /// The response file's bytes: kept for an upload given as bytes or a file object, read from
    /// `response_path` for a path upload.
    #[getter]
    fn response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        match (&self.response, &self.response_path) {
            (Some(bytes), _) => Ok(PyBytes::new(py, bytes)),
            (None, Some(path)) => {
                let bytes = py
                    .detach(|| std::fs::read(path))
                    .map_err(|e| crate::errors::io_to_py(Some(path.clone()), e))?;
                Ok(PyBytes::new(py, &bytes))
            }
            (None, None) => Ok(PyBytes::new(py, b"")),
        }
    }

    /// The rule set's name.
    #[getter]
    fn rules_name(&self) -> &str {
        &self.summary.rules_name
    }

    /// The rule set's version.
    #[getter]
    fn rules_version(&self) -> &str {
        &self.summary.rules_version
    }

    /// False when the whole file was rejected (then no CRN was issued).
    #[getter]
    fn file_accepted(&self) -> bool {
        self.summary.file_accepted
    }

    /// The file-level rejections (empty unless the file was rejected).
    #[getter]
    fn file_rejections<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.summary.file_rejections)
    }

    /// Contacts read.
    #[getter]
    fn contacts_total(&self) -> u64 {
        self.summary.contacts_total
    }

    /// Contacts accepted (`AC`).
    #[getter]
    fn accepted(&self) -> u64 {
        self.summary.accepted
    }

    /// Contacts accepted with a warning (`WN`).
    #[getter]
    fn warned(&self) -> u64 {
        self.summary.warned
    }

    /// Contacts rejected (`RJ`).
    #[getter]
    fn rejected(&self) -> u64 {
        self.summary.rejected
    }

    /// The first CRN issued.
    #[getter]
    fn first_crn(&self) -> Option<&str> {
        self.summary.first_crn.as_deref()
    }

    /// The last CRN issued.
    #[getter]
    fn last_crn(&self) -> Option<&str> {
        self.summary.last_crn.as_deref()
    }

    /// Every contact's result, in input order.
    #[getter]
    fn contacts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.contacts_tuple(py)?.to_list())
    }

    /// The summary as a dict (as `cms process` prints it, without the contacts).
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(
            py,
            &serde_json::to_string(&self.summary).unwrap_or_default(),
        )
    }

    /// The contacts as a list of dicts.
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(
            py,
            &serde_json::to_string(&self.contacts).unwrap_or_default(),
        )
    }

    /// The contacts as a pandas DataFrame (needs pandas).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "pandas")
    }

    /// The contacts as a polars DataFrame (needs polars).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "polars")
    }

    fn __len__(&self) -> usize {
        self.contacts.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<BatchResult>() {
            Ok(o) => {
                let o = o.get();
                o.summary == self.summary
                    && o.contacts == self.contacts
                    && o.response == self.response
                    && o.response_path == self.response_path
            }
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        let s = &self.summary;
        format!(
            "<BatchResult {} -> {}: {} contacts, {} AC, {} WN, {} RJ{}>",
            s.file,
            s.response_file,
            s.contacts_total,
            s.accepted,
            s.warned,
            s.rejected,
            if s.file_accepted {
                ""
            } else {
                ", file rejected"
            }
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> Reduce<'py, (String, Option<Bound<'py, PyBytes>>)> {
        let py = slf.py();
        let r = slf.get();
        let response = r.response.as_ref().map(|b| PyBytes::new(py, b));
        Ok((
            slf.get_type().getattr("_from_state")?,
            (r.state(), response),
        ))
    }

    #[staticmethod]
    #[pyo3(signature = (state, response = None))]
    fn _from_state(state: &str, response: Option<Vec<u8>>) -> PyResult<Self> {
        let s: StateIn = serde_json::from_str(state).map_err(state_error)?;
        Ok(BatchResult {
            summary: s.summary.into_core(),
            contacts: s
                .contacts
                .into_iter()
                .map(ContactIn::into_core)
                .collect::<PyResult<_>>()?,
            response,
            response_path: s.response_path,
            contacts_py: PyOnceLock::new(),
        })
    }
}

impl BatchResult {
    fn frame<'py>(&self, py: Python<'py>, library: &str) -> PyResult<Bound<'py, PyAny>> {
        let mut cols: Vec<Vec<Bound<'py, PyAny>>> = CONTACT_COLUMNS
            .iter()
            .map(|_| Vec::with_capacity(self.contacts.len()))
            .collect();
        for c in &self.contacts {
            for (col, value) in cols.iter_mut().zip(ContactResult(c.clone()).values(py)?) {
                col.push(value);
            }
        }
        frame(py, library, &CONTACT_COLUMNS, cols)
    }
}

fn state_error(e: serde_json::Error) -> PyErr {
    PyValueError::new_err(format!("not a cms batch result state: {e}"))
}

// Reading results back (pickling). cms-core's result types serialize but do not deserialize;
// these mirrors read the same JSON back into them.

#[derive(Deserialize)]
struct StateIn {
    summary: SummaryIn,
    contacts: Vec<ContactIn>,
    response_path: Option<String>,
}

#[derive(Deserialize)]
struct SummaryIn {
    file: String,
    response_file: String,
    rules_name: String,
    rules_version: String,
    file_accepted: bool,
    #[serde(deserialize_with = "cms_core::door::findings_in")]
    file_rejections: Vec<FindingOut>,
    contacts_total: u64,
    accepted: u64,
    warned: u64,
    rejected: u64,
    first_crn: Option<String>,
    last_crn: Option<String>,
}

impl SummaryIn {
    fn into_core(self) -> BatchSummary {
        BatchSummary {
            file: self.file,
            response_file: self.response_file,
            rules_name: self.rules_name,
            rules_version: self.rules_version,
            file_accepted: self.file_accepted,
            file_rejections: self.file_rejections,
            contacts_total: self.contacts_total,
            accepted: self.accepted,
            warned: self.warned,
            rejected: self.rejected,
            first_crn: self.first_crn,
            last_crn: self.last_crn,
        }
    }
}

#[derive(Deserialize)]
struct ContactIn {
    line: u64,
    customer_reference: Option<String>,
    contact_type: Option<String>,
    outcome: String,
    crn: Option<String>,
    target_date: Option<NaiveDate>,
    status: Option<String>,
    #[serde(deserialize_with = "cms_core::door::findings_in")]
    findings: Vec<FindingOut>,
}

impl ContactIn {
    fn into_core(self) -> PyResult<CoreContact> {
        let outcome = [Outcome::Accepted, Outcome::Rejected, Outcome::Warned]
            .into_iter()
            .find(|o| o.code() == self.outcome)
            .ok_or_else(|| PyValueError::new_err(format!("unknown outcome `{}`", self.outcome)))?;
        Ok(CoreContact {
            line: self.line,
            customer_reference: self.customer_reference,
            contact_type: self.contact_type,
            outcome,
            crn: self.crn,
            target_date: self.target_date,
            status: self.status,
            findings: self.findings,
        })
    }
}

/// Runs the batch job on an upload: a path (the response is written into `out_dir`, default
/// beside the upload), bytes or a binary file object (the response is kept in memory; give
/// `file_name`, which names the response and is checked against the header).
#[pyfunction]
#[pyo3(signature = (
    source, org_id, org_type, today, *, rules = None, out_dir = None, crn = None,
    first_sequence = None, file_name = None, last_generation = None, time = None, strict = false,
    redact = false, max_findings = None, max_line_bytes = None, max_fields = None, user = None,
    at = None, outages = None
))]
#[allow(
    clippy::too_many_arguments,
    reason = "Python keyword arguments, one per option"
)]
pub(crate) fn process(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    org_id: u64,
    org_type: &str,
    today: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
    out_dir: Option<std::path::PathBuf>,
    crn: Option<&Bound<'_, CrnGenerator>>,
    first_sequence: Option<u64>,
    file_name: Option<String>,
    last_generation: Option<u64>,
    time: Option<NaiveTime>,
    strict: bool,
    redact: bool,
    max_findings: Option<usize>,
    max_line_bytes: Option<usize>,
    max_fields: Option<usize>,
    user: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    outages: Option<&Bound<'_, PyAny>>,
) -> PyResult<BatchResult> {
    let source = Source::from_py(source)?;
    let rules = rules_arg(py, rules)?;
    let uploader = Organisation {
        id: org_id,
        org_type: parse_org_type(py, org_type)?,
    };
    let today = date_arg(py, "today", today)?;
    let mut opts = BatchOptions::new(uploader, today);
    opts.last_generation = last_generation;
    if let Some(t) = time {
        opts.time = t;
    }
    opts.validate.strict = strict;
    opts.validate.redact = redact;
    limits(&mut opts.validate, max_findings, max_line_bytes, max_fields);
    access(py, &mut opts.validate, user, at, outages)?;
    let generator = match (crn, first_sequence) {
        (Some(_), Some(_)) => {
            return Err(argument_error(
                py,
                "give either crn (a CrnGenerator) or first_sequence, not both",
            ))
        }
        (Some(g), None) => Arc::clone(&g.get().0),
        (None, first) => guard(py, || {
            cms_core::crn::CrnGenerator::local(rules.crn_scheme().clone(), first.unwrap_or(1))
                .map(Arc::new)
                .map_err(|e| crn_error(py, e))
        })?,
    };
    let in_memory = |bytes: &[u8], name: Option<String>| -> PyResult<BatchResult> {
        if out_dir.is_some() {
            return Err(argument_error(
                py,
                "out_dir is for a path upload: for bytes, the response is BatchResult.response",
            ));
        }
        let Some(name) = name else {
            return Err(argument_error(
                py,
                "file_name is needed for an upload given as bytes or a file object \
                 (it names the response and is checked against the header)",
            ));
        };
        let out = py
            .detach(|| core_batch::process_bytes(&rules, bytes, &name, &opts, &generator))
            .py_err(py)?;
        Ok(BatchResult {
            summary: out.summary,
            contacts: out.contacts,
            response: Some(out.response),
            response_path: None,
            contacts_py: PyOnceLock::new(),
        })
    };
    guard(py, || match source {
        Source::Path(path) => {
            if file_name.is_some() {
                return Err(argument_error(
                    py,
                    "file_name is for bytes and file objects: a path gives its own name",
                ));
            }
            let mut contacts = Vec::new();
            let (summary, written) = py
                .detach(|| {
                    core_batch::process_path(
                        &rules,
                        &path,
                        out_dir.as_deref(),
                        &opts,
                        &generator,
                        &mut |c| contacts.push(c.clone()),
                    )
                })
                .py_err(py)?;
            Ok(BatchResult {
                summary,
                contacts,
                response: None,
                response_path: Some(written.display().to_string()),
                contacts_py: PyOnceLock::new(),
            })
        }
        Source::Bytes(held) => in_memory(held.as_slice(), file_name),
        Source::Reader(file, name) => {
            // The job reads its upload twice: a file object is read into memory first.
            let mut bytes = Vec::new();
            py.detach(|| PyReader::new(file).read_to_end(&mut bytes))
                .map_err(|e| crate::errors::io_to_py(None, e))?;
            in_memory(&bytes, file_name.or(name))
        }
    })
}
