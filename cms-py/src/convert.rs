//! Conversions shared by the classes: enum spellings through serde (so they are the rule
//! files' spellings), dates, rule-set arguments, and DataFrames.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
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

/// Python data as a JSON value, the form cms-core's serde types read: `None`, `bool`, `int`,
/// `float`, `str`, dicts (and other mappings) with `str` keys, lists and tuples; `datetime`s as
/// UTC times (naive ones are UTC, aware ones are converted), `date`s as `YYYY-MM-DD`; and the
/// package's own value classes (`ContactState`, `Event`, `User`, ...) as their `to_dict()`.
/// `at` names the value in errors (`state.raised_by`).
pub(crate) fn py_to_json(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(u) = i.extract::<u64>() {
            return Ok(Value::from(u));
        }
        if let Ok(s) = i.extract::<i64>() {
            return Ok(Value::from(s));
        }
        return Err(argument_error(
            py,
            format!("{at}: the integer {i} is too large"),
        ));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let x = f.value();
        return serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| argument_error(py, format!("{at}: {x} is not a finite number")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.extract()?));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return json_object(d.iter(), at);
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return json_array(l.iter(), at);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return json_array(t.iter(), at);
    }
    if let Some(v) = crate::lifecycle::value_of(obj) {
        return Ok(v);
    }
    if let Some(v) = crate::access::value_of(obj) {
        return Ok(v);
    }
    if let Ok(naive) = obj.extract::<NaiveDateTime>() {
        return Ok(serde_json::to_value(naive).unwrap_or_default());
    }
    if let Ok(aware) = obj.extract::<DateTime<FixedOffset>>() {
        return Ok(serde_json::to_value(aware.naive_utc()).unwrap_or_default());
    }
    if let Ok(date) = obj.extract::<NaiveDate>() {
        return Ok(serde_json::to_value(date).unwrap_or_default());
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let items = m.items()?;
        return json_object(
            items
                .iter()
                .map(|pair| pair.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>())
                .collect::<PyResult<Vec<_>>>()?
                .into_iter(),
            at,
        );
    }
    Err(PyTypeError::new_err(format!(
        "{at}: a {} is not data cms reads (dicts, lists, str, int, bool, None, datetime, date)",
        type_name(obj)
    )))
}

fn json_object<'py>(
    items: impl Iterator<Item = (Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    at: &str,
) -> PyResult<serde_json::Value> {
    let mut map = serde_json::Map::new();
    for (k, v) in items {
        let Ok(key) = k.extract::<String>() else {
            return Err(PyTypeError::new_err(format!(
                "{at}: keys must be str, not {}",
                type_name(&k)
            )));
        };
        let value = py_to_json(&v, &format!("{at}.{key}"))?;
        map.insert(key, value);
    }
    Ok(serde_json::Value::Object(map))
}

fn json_array<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    at: &str,
) -> PyResult<serde_json::Value> {
    items
        .enumerate()
        .map(|(i, v)| py_to_json(&v, &format!("{at}[{i}]")))
        .collect::<PyResult<Vec<_>>>()
        .map(serde_json::Value::Array)
}

/// A Python object's type name, for messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// The first key of `input` that `output` (the value read and written back) does not have:
/// a field the type does not know, which serde would otherwise pass over in silence.
pub(crate) fn unknown_key(
    input: &serde_json::Value,
    output: &serde_json::Value,
    at: &str,
) -> Option<String> {
    use serde_json::Value;
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            match b.get(k) {
                None => Some(here),
                Some(w) => unknown_key(v, w, &here),
            }
        }),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| unknown_key(v, w, &format!("{at}[{i}]"))),
        _ => None,
    }
}

/// Every text in `value`, as (JSON pointer, path for messages, text), in order.
fn texts(
    value: &serde_json::Value,
    pointer: &str,
    at: &str,
    out: &mut Vec<(String, String, String)>,
) {
    use serde_json::Value;
    match value {
        Value::String(s) => out.push((pointer.to_string(), at.to_string(), s.clone())),
        Value::Object(m) => {
            for (k, v) in m {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                let token = k.replace('~', "~0").replace('/', "~1");
                texts(v, &format!("{pointer}/{token}"), &here, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                texts(v, &format!("{pointer}/{i}"), &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// When reading `value` as a `T` failed because chrono could not read a date or a time: the
/// text that was to be one (the first whose replacement by a good date or time gets past the
/// failure), with where it is.
fn bad_time<T: DeserializeOwned>(value: &serde_json::Value) -> Option<(String, String)> {
    let mut all = Vec::new();
    texts(value, "", "", &mut all);
    all.into_iter().find_map(|(pointer, at, text)| {
        ["2000-01-01T00:00:00", "2000-01-01"]
            .iter()
            .find_map(|good| {
                let mut v = value.clone();
                *v.pointer_mut(&pointer)? = serde_json::Value::String((*good).to_string());
                match T::deserialize(&v) {
                    Ok(_) => Some((at.clone(), text.clone())),
                    // Past it, unless the replacement itself is what is now wrong.
                    Err(e) => {
                        let m = e.to_string();
                        (!is_chrono(&m) && !m.contains(good)).then(|| (at.clone(), text.clone()))
                    }
                }
            })
    })
}

/// Where in `value` the value that serde's `message` quotes (`integer \`-1\``, `string "x"`,
/// `variant \`x\``) is, when exactly one place has it.
pub(crate) fn locate(value: &serde_json::Value, message: &str) -> Option<String> {
    fn walk(v: &serde_json::Value, at: &str, message: &str, found: &mut Vec<String>) {
        use serde_json::Value;
        let quoted = match v {
            Value::String(s) => {
                message.contains(&format!("string {s:?}"))
                    || message.contains(&format!("variant `{s}`"))
            }
            Value::Number(n) if n.is_f64() => message.contains(&format!("floating point `{n}`")),
            Value::Number(n) => message.contains(&format!("integer `{n}`")),
            Value::Bool(b) => message.contains(&format!("boolean `{b}`")),
            Value::Null | Value::Array(_) | Value::Object(_) => false,
        };
        if quoted {
            found.push(at.to_string());
        }
        match v {
            Value::Object(m) => {
                for (k, w) in m {
                    let here = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    walk(w, &here, message, found);
                }
            }
            Value::Array(a) => {
                for (i, w) in a.iter().enumerate() {
                    walk(w, &format!("{at}[{i}]"), message, found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, "", message, &mut found);
    match found.as_slice() {
        [one] if !one.is_empty() => Some(one.clone()),
        _ => None,
    }
}

fn is_chrono(message: &str) -> bool {
    CHRONO_ERRORS.iter().any(|m| message.contains(m))
}

/// What chrono says when it cannot read a date or a time.
const CHRONO_ERRORS: [&str; 6] = [
    "input is out of range",
    "no possible date and time matching input",
    "input is not enough for unique date and time",
    "input contains invalid characters",
    "premature end of input",
    "trailing input",
];

/// A cms-core value read from its serde form, refusing fields the type does not have; `what`
/// names it in the `ArgumentError`.
pub(crate) fn value_arg<T: DeserializeOwned + Serialize>(
    py: Python<'_>,
    what: &str,
    value: &serde_json::Value,
) -> PyResult<T> {
    let parsed = T::deserialize(value).map_err(|e| {
        let text = e.to_string();
        if !is_chrono(&text) {
            return match locate(value, &text) {
                Some(at) => argument_error(py, format!("{what}.{at}: {text}")),
                None => argument_error(py, format!("{what}: {text}")),
            };
        }
        match bad_time::<T>(value) {
            Some((at, bad)) => argument_error(
                py,
                format!(
                    "{what}.{at}: `{bad}` is not a date YYYY-MM-DD or a time \
                     YYYY-MM-DDTHH:MM:SS ({text})"
                ),
            ),
            None => argument_error(
                py,
                format!("{what}: {text} (a date is YYYY-MM-DD, a time YYYY-MM-DDTHH:MM:SS)"),
            ),
        }
    })?;
    let back =
        serde_json::to_value(&parsed).map_err(|e| argument_error(py, format!("{what}: {e}")))?;
    if let Some(key) = unknown_key(value, &back, "") {
        return Err(argument_error(py, format!("{what}: unknown field `{key}`")));
    }
    Ok(parsed)
}

/// A cms-core record given as a mapping (its serde form, values as [`py_to_json`] reads them).
pub(crate) fn mapping_arg<T: DeserializeOwned + Serialize>(
    py: Python<'_>,
    what: &str,
    kind: &str,
    obj: &Bound<'_, PyAny>,
) -> PyResult<T> {
    if !(obj.is_instance_of::<PyDict>() || obj.cast::<PyMapping>().is_ok()) {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a {kind} or a dict, got {}",
            type_name(obj)
        )));
    }
    value_arg(py, what, &py_to_json(obj, what)?)
}

/// A cms-core value as Python data (its serde form through `json`: dates and times as text).
pub(crate) fn to_py_data<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    json_to_py(py, &serde_json::to_string(value).unwrap_or_default())
}

/// A cms-core value from the JSON text of its serde form (for `from_json` and unpickling).
pub(crate) fn from_json_text<T: DeserializeOwned + Serialize>(
    py: Python<'_>,
    what: &str,
    text: &str,
) -> PyResult<T> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| argument_error(py, format!("{what}: not JSON: {e}")))?;
    value_arg(py, what, &value)
}

/// A date as a `datetime.date`, or a clear `ValueError` for one past the years Python's dates
/// hold (the calendar's last day is in year 262142).
pub(crate) fn py_date<'py>(
    py: Python<'py>,
    what: &str,
    d: NaiveDate,
) -> PyResult<Bound<'py, PyAny>> {
    d.into_pyobject(py).map(Bound::into_any).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} {d} is past the years a datetime.date holds (1 to 9999); to_dict() has it as text"
        ))
    })
}

/// A UTC time as a naive `datetime.datetime`, or a clear `ValueError` (see [`py_date`]).
pub(crate) fn py_time<'py>(
    py: Python<'py>,
    what: &str,
    t: NaiveDateTime,
) -> PyResult<Bound<'py, PyAny>> {
    t.into_pyobject(py).map(Bound::into_any).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} {t} is past the years a datetime.datetime holds (1 to 9999); to_dict() has it as text"
        ))
    })
}

/// A list of texts (a list, tuple or other iterable of `str`, but not one `str`).
pub(crate) fn str_list(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of str, not a str"
        )));
    }
    let items = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a list of str, got {}",
            type_name(obj)
        ))
    })?;
    items
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            item.extract::<String>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{what}[{i}] must be a str, got {}",
                    type_name(&item)
                ))
            })
        })
        .collect()
}
