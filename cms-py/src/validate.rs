//! `cms.validate`: the format's rules and its contact rules, as `cms validate` applies them.

use cms_core::format::{self, ValidateOptions};
use cms_core::Organisation;
use pyo3::prelude::*;

use crate::access::{outages_arg, user_arg};
use crate::convert::{json_to_py, rules_arg, utc_arg};
use crate::errors::{argument_error, guard, IntoPy};
use crate::report::Report;
use crate::rules::org_type as parse_org_type;
use crate::source::{PyReader, Source};

/// The uploader from `org_id` and `org_type`, which go together.
pub(crate) fn uploader(
    py: Python<'_>,
    org_id: Option<u64>,
    org_type: Option<&str>,
) -> PyResult<Option<Organisation>> {
    match (org_id, org_type) {
        (Some(id), Some(t)) => Ok(Some(Organisation {
            id,
            org_type: parse_org_type(py, t)?,
        })),
        (None, None) => Ok(None),
        _ => Err(argument_error(
            py,
            "org_id and org_type go together: give both or neither",
        )),
    }
}

/// The access options: the uploading user (a `User` or its dict), the upload's time (UTC) and
/// declared outages (`Outage`s or `{"from": ..., "to": ...}` dicts).
pub(crate) fn access(
    py: Python<'_>,
    opts: &mut ValidateOptions,
    user: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    outages: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    if let Some(u) = user.filter(|u| !u.is_none()) {
        opts.user = Some(user_arg(py, "user", u)?);
    }
    if let Some(t) = at.filter(|t| !t.is_none()) {
        opts.at = Some(utc_arg(py, "at", t)?);
    }
    opts.outages = outages_arg(py, outages)?;
    Ok(())
}

/// Whether the service is open at a UTC time: `{"available", "may_be_unavailable", "reason",
/// "rule"}` from the rule set's service hours, maintenance windows and the declared outages.
#[pyfunction]
#[pyo3(signature = (at, outages = None, rules = None))]
pub(crate) fn service_status<'py>(
    py: Python<'py>,
    at: &Bound<'py, PyAny>,
    outages: Option<&Bound<'py, PyAny>>,
    rules: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rules = rules_arg(py, rules)?;
    let mut opts = ValidateOptions::default();
    access(py, &mut opts, None, Some(at), outages)?;
    let now = opts.at.unwrap_or_default();
    let status = guard(py, || {
        Ok(cms_core::access::service_status(&rules, now, &opts.outages))
    })?;
    json_to_py(py, &serde_json::to_string(&status).unwrap_or_default())
}

/// Limits: a value given replaces cms-core's default.
pub(crate) fn limits(
    opts: &mut ValidateOptions,
    max_findings: Option<usize>,
    max_line_bytes: Option<usize>,
    max_fields: Option<usize>,
) {
    if let Some(n) = max_findings {
        opts.max_findings = n;
    }
    if let Some(n) = max_line_bytes {
        opts.max_line_bytes = n;
    }
    if let Some(n) = max_fields {
        opts.max_fields = n;
    }
}

/// Validates a file: a path (`str` or `os.PathLike`), bytes, or a binary file object.
#[pyfunction]
#[pyo3(signature = (
    source, format = None, strict = false, rules = None, org_id = None, org_type = None, *,
    file_name = None, last_generation = None, max_findings = None, max_line_bytes = None,
    max_fields = None, redact = false, user = None, at = None, outages = None
))]
#[allow(
    clippy::too_many_arguments,
    reason = "Python keyword arguments, one per option"
)]
pub(crate) fn validate(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    format: Option<String>,
    strict: bool,
    rules: Option<&Bound<'_, PyAny>>,
    org_id: Option<u64>,
    org_type: Option<&str>,
    file_name: Option<String>,
    last_generation: Option<u64>,
    max_findings: Option<usize>,
    max_line_bytes: Option<usize>,
    max_fields: Option<usize>,
    redact: bool,
    user: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    outages: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    let source = Source::from_py(source)?;
    let rules = rules_arg(py, rules)?;
    let mut opts = ValidateOptions {
        format,
        strict,
        uploader: uploader(py, org_id, org_type)?,
        last_generation,
        redact,
        ..ValidateOptions::default()
    };
    limits(&mut opts, max_findings, max_line_bytes, max_fields);
    access(py, &mut opts, user, at, outages)?;
    guard(py, || match source {
        Source::Path(path) => {
            if file_name.is_some() {
                return Err(argument_error(
                    py,
                    "file_name is for bytes and file objects: a path gives its own name",
                ));
            }
            py.detach(|| format::validate_path(&rules, &path, &opts).map(|r| Report::new(&r)))
                .py_err(py)
        }
        Source::Bytes(held) => py
            .detach(|| {
                format::validate_bytes(&rules, held.as_slice(), file_name.as_deref(), &opts)
                    .map(|r| Report::new(&r))
            })
            .py_err(py),
        Source::Reader(file, name) => {
            let name = file_name.or(name);
            py.detach(|| {
                format::validate(&rules, PyReader::new(file), name.as_deref(), &opts)
                    .map(|r| Report::new(&r))
            })
            .py_err(py)
        }
    })
}
