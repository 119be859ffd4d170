//! `cms.CrnScheme` and `cms.CrnGenerator`: Contact Reference Numbers.
//!
//! A generator is shared, never copied (it cannot be pickled: two copies would issue the same
//! CRNs). A host that runs many processes hands each generator a `source`: a callable
//! `source(wanted) -> (start, end)` (or a `range`) that reserves a block of sequences from
//! something every process shares, such as a database sequence.

use std::ops::Range;
use std::sync::Arc;

use cms_core::crn::{self as core_crn, CrnError, SequenceSource};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyRange, PyRangeMethods};

use crate::convert::py_repr;
use crate::errors::{argument_error, crn_error, guard};

/// How CRNs are written: a prefix and the width of the zero-padded sequence; two check digits
/// (ISO 7064 MOD 97-10) follow.
#[pyclass(frozen, eq, module = "cms", name = "CrnScheme")]
#[derive(PartialEq)]
pub(crate) struct CrnScheme(pub core_crn::CrnScheme);

#[pymethods]
impl CrnScheme {
    #[new]
    #[pyo3(signature = (prefix = "C", width = 9))]
    fn new(py: Python<'_>, prefix: &str, width: u8) -> PyResult<Self> {
        let scheme = core_crn::CrnScheme {
            prefix: prefix.to_string(),
            width,
        };
        scheme
            .check()
            .map_err(|e| crn_error(py, CrnError::Scheme(e)))?;
        Ok(CrnScheme(scheme))
    }

    /// The prefix.
    #[getter]
    fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// Digits in the zero-padded sequence.
    #[getter]
    fn width(&self) -> u8 {
        self.0.width
    }

    /// The largest sequence that fits.
    #[getter]
    fn max_sequence(&self) -> u64 {
        self.0.max_sequence()
    }

    /// The length of every CRN of this scheme.
    #[getter]
    fn length(&self) -> usize {
        self.0.len()
    }

    /// The CRN of a sequence number.
    fn format(&self, py: Python<'_>, sequence: u64) -> PyResult<String> {
        guard(py, || {
            self.0
                .format(sequence)
                .map(|c| c.into_string())
                .map_err(|e| crn_error(py, e))
        })
    }

    /// The sequence number of a CRN of this scheme; CrnError when it is not one.
    fn parse(&self, py: Python<'_>, text: &str) -> PyResult<u64> {
        guard(py, || self.0.parse(text).map_err(|e| crn_error(py, e)))
    }

    /// Whether the text is a CRN of this scheme.
    fn is_valid(&self, py: Python<'_>, text: &str) -> PyResult<bool> {
        guard(py, || Ok(self.0.parse(text).is_ok()))
    }

    fn __repr__(&self) -> String {
        format!(
            "CrnScheme(prefix={}, width={})",
            py_repr(&self.0.prefix),
            self.0.width
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, u8))> {
        let s = &slf.get().0;
        Ok((slf.get_type().into_any(), (s.prefix.clone(), s.width)))
    }
}

/// The two CRN check digits of a sequence number.
#[pyfunction]
pub(crate) fn crn_check_digits(sequence: u64) -> String {
    core_crn::check_digits(sequence)
        .iter()
        .map(|&b| char::from(b))
        .collect()
}

/// A [`SequenceSource`] that calls a Python callable: `source(wanted) -> (start, end)` or a
/// `range` with step 1. The callable's exception comes back to the caller as it was raised.
struct PySource(Py<PyAny>);

impl SequenceSource for PySource {
    fn next_block(&self, wanted: u64) -> Result<Range<u64>, CrnError> {
        Python::attach(|py| {
            let got = self.0.bind(py).call1((wanted,)).map_err(boxed)?;
            if let Ok(r) = got.cast::<PyRange>() {
                if r.step().map_err(boxed)? != 1 {
                    return Err(boxed(PyTypeError::new_err(
                        "the sequence source returned a range whose step is not 1",
                    )));
                }
                let start: u64 = r.start().map_err(boxed)?.try_into().map_err(|_| {
                    boxed(PyTypeError::new_err(
                        "negative start from the sequence source",
                    ))
                })?;
                let end: u64 = r.stop().map_err(boxed)?.try_into().map_err(|_| {
                    boxed(PyTypeError::new_err(
                        "negative end from the sequence source",
                    ))
                })?;
                return Ok(start..end);
            }
            let (start, end): (u64, u64) = got.extract().map_err(|_| {
                boxed(PyTypeError::new_err(
                    "the sequence source must return (start, end) or a range of ints >= 0",
                ))
            })?;
            Ok(start..end)
        })
    }
}

fn boxed(e: PyErr) -> CrnError {
    CrnError::Source(Box::new(e))
}

/// Issues CRNs: unique and increasing across every thread using one generator.
#[pyclass(frozen, module = "cms", name = "CrnGenerator")]
pub(crate) struct CrnGenerator(pub Arc<core_crn::CrnGenerator>);

#[pymethods]
impl CrnGenerator {
    /// A generator over its own in-process counter starting at `first_sequence`, or over a
    /// host's `source(wanted) -> (start, end)` shared between processes.
    #[new]
    #[pyo3(signature = (scheme = None, first_sequence = None, *, source = None, block_size = None))]
    fn new(
        py: Python<'_>,
        scheme: Option<&Bound<'_, CrnScheme>>,
        first_sequence: Option<u64>,
        source: Option<Py<PyAny>>,
        block_size: Option<u64>,
    ) -> PyResult<Self> {
        let scheme = match scheme {
            Some(s) => s.get().0.clone(),
            None => core_crn::CrnScheme::default(),
        };
        guard(py, || {
            let generator = match (source, first_sequence) {
                (Some(_), Some(_)) => {
                    return Err(argument_error(
                        py,
                        "give either first_sequence or source, not both",
                    ))
                }
                (Some(s), None) => {
                    if !s.bind(py).is_callable() {
                        return Err(PyTypeError::new_err("source must be callable"));
                    }
                    core_crn::CrnGenerator::new(scheme, PySource(s))
                }
                (None, first) => core_crn::CrnGenerator::local(scheme, first.unwrap_or(1)),
            }
            .map_err(|e| crn_error(py, e))?;
            let generator = match block_size {
                Some(n) => generator.with_block_size(n),
                None => generator,
            };
            Ok(CrnGenerator(Arc::new(generator)))
        })
    }

    /// Issues the next CRN.
    fn next(&self, py: Python<'_>) -> PyResult<String> {
        let g = Arc::clone(&self.0);
        // Without the GIL: a Python source takes it back itself, and a thread holding the
        // generator's lock must never wait for a GIL that a thread waiting for the lock holds.
        guard(py, || {
            py.detach(move || g.next().map(|c| c.into_string()))
                .map_err(|e| crn_error(py, e))
        })
    }

    /// Issues the next sequence number.
    fn next_sequence(&self, py: Python<'_>) -> PyResult<u64> {
        let g = Arc::clone(&self.0);
        guard(py, || {
            py.detach(move || g.next_sequence())
                .map_err(|e| crn_error(py, e))
        })
    }

    /// The scheme CRNs are written in.
    #[getter]
    fn scheme(&self) -> CrnScheme {
        CrnScheme(self.0.scheme().clone())
    }

    /// How many sequences the generator reserves at a time.
    #[getter]
    fn block_size(&self) -> u64 {
        self.0.block_size()
    }

    fn __repr__(&self) -> String {
        format!(
            "<CrnGenerator {}{}>",
            self.0.scheme().prefix,
            "#".repeat(usize::from(self.0.scheme().width))
        )
    }
}
