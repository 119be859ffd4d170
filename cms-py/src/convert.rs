//! Conversions shared by the classes: enum spellings through serde (so they are the rule
//! files' spellings), dates, rule-set arguments, and DataFrames.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::errors::{argument_error, guard, IntoPy};
use crate::rules::RuleSet;

/// A text as Python's `repr` shows it (for `__repr__`s): single quotes, escapes as Rust's.
pub(crate) fn py_repr(text: &str) -> String {
    let inner = format!("{text:?}");
    let inner = inner
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(&inner);
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

/// An optional text as Python's `repr` shows it.
pub(crate) fn py_repr_opt(text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_string(), py_repr)
}

/// What `__reduce__` returns: a callable and its arguments.
pub(crate) type Reduce<'py, A> = PyResult<(Bound<'py, PyAny>, A)>;

/// A value's serde spelling when it serializes to a string (`"shipper"`, `"operational"`).
pub(crate) fn serde_str<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A value from its serde spelling; `what` names it in the error.
pub(crate) fn from_serde_str<T: DeserializeOwned>(
    py: Python<'_>,
    what: &str,
    text: &str,
) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| argument_error(py, format!("unknown {what} `{text}`")))
}

/// A JSON value as Python objects (via the `json` module, which gives the expected types).
pub(crate) fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// A value given as Python data (dicts, lists, str, int, ...) read the way a rule file or the
/// command line's JSON is read (through `json.dumps` and serde); `what` names it in the error.
pub(crate) fn serde_arg<T: DeserializeOwned>(
    py: Python<'_>,
    what: &str,
    obj: &Bound<'_, PyAny>,
) -> PyResult<T> {
    let text: String = py
        .import("json")?
        .call_method1("dumps", (obj,))
        .map_err(|e| PyTypeError::new_err(format!("{what} must be JSON-like data: {e}")))?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| argument_error(py, format!("{what}: {e}")))
}

/// A UTC instant: a naive `datetime` is taken as UTC, an aware one is converted to UTC, text
/// `YYYY-MM-DDTHH:MM:SS` is read as the command line reads it.
pub(crate) fn utc_arg(
    py: Python<'_>,
    what: &str,
    obj: &Bound<'_, PyAny>,
) -> PyResult<NaiveDateTime> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text: String = s.extract()?;
        return text.parse::<NaiveDateTime>().map_err(|_| {
            argument_error(
                py,
                format!("{what} `{text}` is not a time YYYY-MM-DDTHH:MM:SS"),
            )
        });
    }
    if let Ok(naive) = obj.extract::<NaiveDateTime>() {
        return Ok(naive);
    }
    if let Ok(aware) = obj.extract::<DateTime<FixedOffset>>() {
        return Ok(aware.naive_utc());
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a datetime.datetime (naive ones are UTC) or a str YYYY-MM-DDTHH:MM:SS, got {}",
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// A date argument: a `datetime.date`, or text `YYYY-MM-DD` as the command line takes it.
pub(crate) fn date_arg(py: Python<'_>, what: &str, obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text: String = s.extract()?;
        return text
            .parse::<NaiveDate>()
            .map_err(|_| argument_error(py, format!("{what} `{text}` is not a date YYYY-MM-DD")));
    }
    obj.extract::<NaiveDate>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a datetime.date or a str YYYY-MM-DD, got {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

/// A `rules=` argument: a `RuleSet`, a path to a rule file, or None for the embedded default.
pub(crate) fn rules_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<Arc<cms_core::RuleSet>> {
    match obj {
        None => guard(py, || cms_core::RuleSet::embedded().py_err(py)),
        Some(o) if o.is_none() => guard(py, || cms_core::RuleSet::embedded().py_err(py)),
        Some(o) => {
            if let Ok(r) = o.cast::<RuleSet>() {
                return Ok(Arc::clone(&r.get().0));
            }
            if o.is_instance_of::<PyString>() || o.hasattr("__fspath__")? {
                let path: std::path::PathBuf = o.extract()?;
                return guard(py, || {
                    py.detach(|| cms_core::RuleSet::load(&path))
                        .map(Arc::new)
                        .py_err(py)
                });
            }
            Err(PyTypeError::new_err(format!(
                "rules must be a cms.RuleSet or the path of a rule file, got {}",
                o.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            )))
        }
    }
}

/// A DataFrame of `library` (`pandas` or `polars`) from columns of Python values; `columns`
/// gives each column's name and kind (`str`, `int`, `date`, `list[str]`) so that an empty
/// table still has typed columns. The building is done by `cms._frames`.
pub(crate) fn frame<'py>(
    py: Python<'py>,
    library: &str,
    columns: &[(&str, &str)],
    values: Vec<Vec<Bound<'py, PyAny>>>,
) -> PyResult<Bound<'py, PyAny>> {
    let data = PyDict::new(py);
    let kinds = PyDict::new(py);
    for ((name, kind), col) in columns.iter().zip(values) {
        data.set_item(*name, PyList::new(py, col)?)?;
        kinds.set_item(*name, *kind)?;
    }
    py.import("cms._frames")?
        .getattr(library)?
        .call1((data, kinds))
}
