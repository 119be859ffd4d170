//! `cms.Report` and `cms.Finding`: what validating one file found.
//!
//! A report keeps cms-core's plain-data form ([`ReportOut`]); Python objects for its findings
//! are made when `findings` is first read, and kept.

use cms_core::door::ReportOut;
use cms_core::format::FindingOut;
use cms_core::{Scope, Severity};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::convert::{frame, from_serde_str, py_repr, py_repr_opt};

/// One located fact about a file.
#[pyclass(frozen, eq, module = "cms", name = "Finding")]
#[derive(Clone, PartialEq)]
pub(crate) struct Finding(pub FindingOut);

/// The columns of a findings table, in order, with their kinds.
pub(crate) const FINDING_COLUMNS: [(&str, &str); 8] = [
    ("code", "str"),
    ("severity", "str"),
    ("scope", "str"),
    ("line", "int"),
    ("record_type", "str"),
    ("field", "str"),
    ("field_index", "int"),
    ("message", "str"),
];

impl Finding {
    /// The finding's values in [`FINDING_COLUMNS`] order.
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let f = &self.0;
        Ok(vec![
            f.code.clone().into_pyobject(py)?.into_any(),
            f.severity.to_string().into_pyobject(py)?.into_any(),
            f.scope.to_string().into_pyobject(py)?.into_any(),
            f.line.into_pyobject(py)?,
            f.record_type.clone().into_pyobject(py)?,
            f.field.clone().into_pyobject(py)?,
            f.field_index.into_pyobject(py)?,
            f.message.clone().into_pyobject(py)?.into_any(),
        ])
    }

    pub(crate) fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for ((name, _), value) in FINDING_COLUMNS.iter().zip(self.values(py)?) {
            d.set_item(*name, value)?;
        }
        Ok(d)
    }
}

#[pymethods]
impl Finding {
    #[new]
    #[pyo3(signature = (code, severity, scope, line, record_type, field, field_index, message))]
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per attribute, as Python sees it"
    )]
    fn new(
        py: Python<'_>,
        code: String,
        severity: &str,
        scope: &str,
        line: Option<u64>,
        record_type: Option<String>,
        field: Option<String>,
        field_index: Option<u32>,
        message: String,
    ) -> PyResult<Self> {
        Ok(Finding(FindingOut {
            code,
            severity: from_serde_str::<Severity>(py, "severity", severity)?,
            scope: from_serde_str::<Scope>(py, "scope", scope)?,
            line,
            record_type,
            field,
            field_index,
            message,
        }))
    }

    /// The public code, e.g. `CON00008`.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }

    /// `error` or `warning`.
    #[getter]
    fn severity(&self) -> String {
        self.0.severity.to_string()
    }

    /// The level it rejects: `file`, `record` or `field`.
    #[getter]
    fn scope(&self) -> String {
        self.0.scope.to_string()
    }

    /// 1-based line, when the finding is about a line.
    #[getter]
    fn line(&self) -> Option<u64> {
        self.0.line
    }

    /// The record type, when known.
    #[getter]
    fn record_type(&self) -> Option<&str> {
        self.0.record_type.as_deref()
    }

    /// The field name, when it is about a field.
    #[getter]
    fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// 1-based field index, when it is about a field.
    #[getter]
    fn field_index(&self) -> Option<u32> {
        self.0.field_index
    }

    /// The message.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// True for an error finding.
    #[getter]
    fn is_error(&self) -> bool {
        self.0.severity == Severity::Error
    }

    /// The finding as a dict (the keys of `cms validate --output json`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.dict(py)
    }

    fn __repr__(&self) -> String {
        let f = &self.0;
        format!(
            "Finding(code={}, severity={}, scope={}, line={}, field={}, message={})",
            py_repr(&f.code),
            py_repr(&f.severity.to_string()),
            py_repr(&f.scope.to_string()),
            f.line.map_or("None".to_string(), |l| l.to_string()),
            py_repr_opt(f.field.as_deref()),
            py_repr(&f.message)
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let args = PyTuple::new(py, slf.get().values(py)?)?;
        Ok((slf.get_type().into_any(), args))
    }
}

/// The result of validating one file.
#[pyclass(frozen, module = "cms", name = "Report")]
pub(crate) struct Report {
    out: ReportOut,
    suppressed: u64,
    findings: PyOnceLock<Py<PyTuple>>,
}

impl Report {
    /// From cms-core's report (call it without the GIL: messages are rendered here).
    pub(crate) fn new(report: &cms_core::Report) -> Self {
        Report {
            out: ReportOut::from(report),
            suppressed: report.suppressed,
            findings: PyOnceLock::new(),
        }
    }

    fn findings_tuple<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyTuple>> {
        let t = self.findings.get_or_try_init(py, || {
            let items = self
                .out
                .findings
                .iter()
                .map(|f| Py::new(py, Finding(f.clone())))
                .collect::<PyResult<Vec<_>>>()?;
            PyResult::Ok(PyTuple::new(py, items)?.unbind())
        })?;
        Ok(t.bind(py))
    }

    fn json(&self) -> String {
        self.out.to_json().to_string()
    }
}

fn json_error(e: serde_json::Error) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(format!("not a cms report JSON object: {e}"))
}

#[pymethods]
impl Report {
    /// Reads back one line of `cms validate --output json` (or `Report.to_json()`).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(Report {
            out: ReportOut::from_json(text).map_err(json_error)?,
            suppressed: 0,
            findings: PyOnceLock::new(),
        })
    }

    #[staticmethod]
    fn _from_state(text: &str, suppressed: u64) -> PyResult<Self> {
        let mut r = Report::from_json(text)?;
        r.suppressed = suppressed;
        Ok(r)
    }

    /// True when no finding is an error.
    #[getter]
    fn accepted(&self) -> bool {
        self.out.accepted
    }

    /// The file's name or path, when known.
    #[getter]
    fn file(&self) -> Option<&str> {
        self.out.file.as_deref()
    }

    /// The format the file was validated as (None when it could not be told).
    #[getter]
    fn format(&self) -> Option<&str> {
        self.out.format.as_deref()
    }

    /// The rule set's name.
    #[getter]
    fn rules_name(&self) -> &str {
        &self.out.rules_name
    }

    /// The rule set's version.
    #[getter]
    fn rules_version(&self) -> &str {
        &self.out.rules_version
    }

    /// Records read (header and trailer included).
    #[getter]
    fn records(&self) -> u64 {
        self.out.records
    }

    /// Error findings, listed or not.
    #[getter]
    fn errors(&self) -> u64 {
        self.out.errors
    }

    /// Warning findings, listed or not.
    #[getter]
    fn warnings(&self) -> u64 {
        self.out.warnings
    }

    /// Findings past the cap (`max_findings`): counted, not listed.
    #[getter]
    fn suppressed(&self) -> u64 {
        self.suppressed
    }

    /// The listed findings, in line order.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.findings_tuple(py)?.to_list())
    }

    /// The findings as a list of dicts.
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for f in &self.out.findings {
            list.append(Finding(f.clone()).dict(py)?)?;
        }
        Ok(list)
    }

    /// The report as one JSON object, as `cms validate --output json` prints it.
    fn to_json(&self) -> String {
        self.json()
    }

    /// The report as `cms validate` prints it: a line per finding, then the verdict.
    fn to_text(&self) -> String {
        self.out.human()
    }

    /// The findings as a pandas DataFrame (needs pandas).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "pandas")
    }

    /// The findings as a polars DataFrame (needs polars).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "polars")
    }

    fn __len__(&self) -> usize {
        self.out.findings.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<Report>() {
            Ok(o) => {
                let o = o.get();
                o.out == self.out && o.suppressed == self.suppressed
            }
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<Report {} {}: {} records, {} errors, {} warnings>",
            self.out.file.as_deref().unwrap_or("-"),
            if self.out.accepted {
                "accepted"
            } else {
                "rejected"
            },
            self.out.records,
            self.out.errors,
            self.out.warnings
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, u64))> {
        let r = slf.get();
        Ok((
            slf.get_type().getattr("_from_state")?,
            (r.json(), r.suppressed),
        ))
    }
}

impl Report {
    fn frame<'py>(&self, py: Python<'py>, library: &str) -> PyResult<Bound<'py, PyAny>> {
        let columns: Vec<Vec<Bound<'py, PyAny>>> = {
            let mut cols: Vec<Vec<Bound<'py, PyAny>>> = FINDING_COLUMNS
                .iter()
                .map(|_| Vec::with_capacity(self.out.findings.len()))
                .collect();
            for f in &self.out.findings {
                for (col, value) in cols.iter_mut().zip(Finding(f.clone()).values(py)?) {
                    col.push(value);
                }
            }
            cols
        };
        frame(py, library, &FINDING_COLUMNS, columns)
    }
}
