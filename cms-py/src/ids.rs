//! MPRN and LDZ helpers.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::convert::rules_arg;
use crate::errors::{guard, mprn_error};

/// The bytes of a `str` or `bytes` value.
fn value_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.extract::<String>()?.into_bytes());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "expected str or bytes, got {}",
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// Checks an MPRN (digits, length, check digits) against a rule set's limits and returns its
/// number; raises MprnError when it is not valid.
#[pyfunction]
#[pyo3(signature = (value, rules = None))]
pub(crate) fn check_mprn(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<u64> {
    let bytes = value_bytes(value)?;
    let rules = rules_arg(py, rules)?;
    guard(py, || {
        cms_core::ids::check_mprn(&bytes, rules.mprn_rules()).map_err(|e| mprn_error(py, e))
    })
}

/// Whether a value is a valid MPRN under a rule set's limits.
#[pyfunction]
#[pyo3(signature = (value, rules = None))]
pub(crate) fn is_valid_mprn(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    let bytes = value_bytes(value)?;
    let rules = rules_arg(py, rules)?;
    guard(py, || {
        Ok(cms_core::ids::check_mprn(&bytes, rules.mprn_rules()).is_ok())
    })
}

/// The two MPRN check digits for the digits before them; None when they are not all digits.
#[pyfunction]
pub(crate) fn mprn_check_digits(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    let bytes = value_bytes(body)?;
    guard(py, || {
        Ok(cms_core::ids::mprn_check_digits(&bytes)
            .map(|d| d.iter().map(|&b| char::from(b)).collect()))
    })
}

/// Whether the code is a Local Distribution Zone code (EA, EM, ...).
#[pyfunction]
pub(crate) fn is_ldz(code: &str) -> bool {
    cms_core::ids::is_ldz(code)
}
