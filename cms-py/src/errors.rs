//! Errors: cms-core's error kinds as a Python exception tree, in one place.
//!
//! ```text
//! Exception
//! └── CmsError
//!     ├── RuleFileError        cms_core::Error::Rules (origin, place, problem attributes)
//!     ├── ArgumentError        cms_core::Error::Argument (also a ValueError)
//!     ├── CrnError             cms_core::Error::Crn and cms_core::crn::CrnError
//!     ├── MprnError            cms_core::ids::MprnError (also a ValueError)
//!     ├── ReplayError          cms_core::lifecycle::ReplayError (index, problem; also a ValueError)
//!     └── InternalError        a Rust panic (never a BaseException that `except Exception` misses)
//! OSError and its subclasses   cms_core::Error::Io, by errno / io::ErrorKind
//! ```
//!
//! The classes are made with Python's `type()` so that a class may have two bases
//! (`ArgumentError` is a `ValueError` too); `__module__` is `cms`, where the package re-exports
//! them, so instances pickle by reference to `cms.<Name>`. Attributes set on an instance live in
//! its `__dict__`, which `BaseException.__reduce__` carries: they survive pickling.

use std::any::Any;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{
    PyBlockingIOError, PyBrokenPipeError, PyConnectionAbortedError, PyConnectionRefusedError,
    PyConnectionResetError, PyException, PyFileExistsError, PyFileNotFoundError,
    PyInterruptedError, PyIsADirectoryError, PyNotADirectoryError, PyOSError, PyPermissionError,
    PyTimeoutError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// The exception classes, made once per process.
pub(crate) struct Classes {
    pub cms_error: Py<PyType>,
    pub rule_file_error: Py<PyType>,
    pub argument_error: Py<PyType>,
    pub crn_error: Py<PyType>,
    pub mprn_error: Py<PyType>,
    pub replay_error: Py<PyType>,
    pub internal_error: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn make_class(
    py: Python<'_>,
    name: &str,
    bases: &[&Bound<'_, PyType>],
    doc: &str,
) -> PyResult<Py<PyType>> {
    let dict = PyDict::new(py);
    dict.set_item("__module__", "cms")?;
    dict.set_item("__doc__", doc)?;
    dict.set_item("__qualname__", name)?;
    let bases = PyTuple::new(py, bases)?;
    let class = py
        .get_type::<PyType>()
        .call1((name, bases, dict))?
        .cast_into::<PyType>()?;
    Ok(class.unbind())
}

fn make_classes(py: Python<'_>) -> PyResult<Classes> {
    let exception = py.get_type::<PyException>();
    let value_error = py.get_type::<PyValueError>();
    let cms_error = make_class(
        py,
        "CmsError",
        &[&exception],
        "Base class of every error cms raises (I/O errors are the built-in OSError subclasses).",
    )?;
    let base = cms_error.bind(py).clone();
    Ok(Classes {
        rule_file_error: make_class(
            py,
            "RuleFileError",
            &[&base],
            "A rule file could not be used. Attributes: origin (the file, or <embedded>), \
             place (where in it) and problem (what is wrong).",
        )?,
        argument_error: make_class(
            py,
            "ArgumentError",
            &[&base, &value_error],
            "An argument was wrong: an unknown format code, organisation type, ...",
        )?,
        crn_error: make_class(
            py,
            "CrnError",
            &[&base],
            "A Contact Reference Number could not be made, read or issued.",
        )?,
        mprn_error: make_class(
            py,
            "MprnError",
            &[&base, &value_error],
            "A value is not a valid MPRN (Meter Point Reference Number).",
        )?,
        replay_error: make_class(
            py,
            "ReplayError",
            &[&base, &value_error],
            "A contact's history could not be replayed. Attributes: index (0-based, of the \
             first bad event) and problem (what is wrong with it).",
        )?,
        internal_error: make_class(
            py,
            "InternalError",
            &[&base],
            "A bug in cms: Rust code panicked. Please report it with the input that caused it.",
        )?,
        cms_error,
    })
}

/// The exception classes (made on first use).
pub(crate) fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || make_classes(py))
}

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    m.add("CmsError", c.cms_error.bind(py))?;
    m.add("RuleFileError", c.rule_file_error.bind(py))?;
    m.add("ArgumentError", c.argument_error.bind(py))?;
    m.add("CrnError", c.crn_error.bind(py))?;
    m.add("MprnError", c.mprn_error.bind(py))?;
    m.add("ReplayError", c.replay_error.bind(py))?;
    m.add("InternalError", c.internal_error.bind(py))?;
    Ok(())
}

/// An instance of one of the classes, with a message and attributes.
fn raise(
    py: Python<'_>,
    class: impl Fn(&Classes) -> &Py<PyType>,
    message: String,
    attrs: &[(&str, &str)],
) -> PyErr {
    let made = classes(py).and_then(|c| {
        let value = class(c).bind(py).call1((message.clone(),))?;
        for (k, v) in attrs {
            value.setattr(*k, *v)?;
        }
        Ok(PyErr::from_value(value))
    });
    match made {
        Ok(e) | Err(e) => e,
    }
}

/// An `ArgumentError` (a wrong argument the door itself finds: a missing companion argument).
pub(crate) fn argument_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, |c| &c.argument_error, message.into(), &[])
}

/// A `CrnError`, for cms-core's CRN errors.
pub(crate) fn crn_error(py: Python<'_>, e: cms_core::crn::CrnError) -> PyErr {
    if let cms_core::crn::CrnError::Source(source) = e {
        // A Python sequence source raised: give the caller its own exception back.
        return match source.downcast::<PyErr>() {
            Ok(original) => *original,
            Err(other) => raise(
                py,
                |c| &c.crn_error,
                cms_core::crn::CrnError::Source(other).to_string(),
                &[],
            ),
        };
    }
    raise(py, |c| &c.crn_error, e.to_string(), &[])
}

/// An `MprnError`.
pub(crate) fn mprn_error(py: Python<'_>, e: cms_core::ids::MprnError) -> PyErr {
    raise(py, |c| &c.mprn_error, e.to_string(), &[])
}

/// A `ReplayError`, with the bad event's `index` and the `problem`.
pub(crate) fn replay_error(py: Python<'_>, e: &cms_core::lifecycle::ReplayError) -> PyErr {
    let err = raise(
        py,
        |c| &c.replay_error,
        e.to_string(),
        &[("problem", &e.message)],
    );
    match err.value(py).setattr("index", e.index) {
        Ok(()) => err,
        Err(other) => other,
    }
}

/// `cms_core::Error` as a Python exception.
pub(crate) fn to_py(py: Python<'_>, e: cms_core::Error) -> PyErr {
    match e {
        cms_core::Error::Io { path, source } => io_to_py(path, source),
        cms_core::Error::Rules {
            ref origin,
            ref place,
            ref problem,
        } => raise(
            py,
            |c| &c.rule_file_error,
            e.to_string(),
            &[("origin", origin), ("place", place), ("problem", problem)],
        ),
        cms_core::Error::Argument(message) => raise(py, |c| &c.argument_error, message, &[]),
        cms_core::Error::Crn(c) => crn_error(py, c),
        // cms_core::Error is non-exhaustive: a kind added later is still a CmsError.
        other => raise(py, |c| &c.cms_error, other.to_string(), &[]),
    }
}

/// An I/O error as the built-in `OSError` subclass Python itself would raise.
///
/// With an OS error number, `OSError(errno, strerror, filename)` lets Python pick the subclass
/// (`FileNotFoundError` for `ENOENT`, ...), exactly as `open()` does. Without one the subclass
/// comes from the error's kind. An error that carries a Python exception (a file object's
/// `read` raised) gives that exception back.
pub(crate) fn io_to_py(path: Option<String>, source: io::Error) -> PyErr {
    if source.get_ref().is_some_and(|inner| inner.is::<PyErr>()) {
        if let Some(inner) = source.into_inner() {
            if let Ok(original) = inner.downcast::<PyErr>() {
                return *original;
            }
        }
        return PyOSError::new_err("I/O error");
    }
    let text = source.to_string();
    if let Some(errno) = source.raw_os_error() {
        // `No such file or directory (os error 2)` -> `No such file or directory`.
        let strerror = match text.rfind(" (os error ") {
            Some(i) => text.get(..i).unwrap_or(&text).to_string(),
            None => text.clone(),
        };
        return match path {
            Some(p) => PyOSError::new_err((errno, strerror, p)),
            None => PyOSError::new_err((errno, strerror)),
        };
    }
    let message = match &path {
        Some(p) => format!("`{p}`: {text}"),
        None => text,
    };
    use io::ErrorKind as K;
    match source.kind() {
        K::NotFound => PyFileNotFoundError::new_err(message),
        K::PermissionDenied => PyPermissionError::new_err(message),
        K::AlreadyExists => PyFileExistsError::new_err(message),
        K::IsADirectory => PyIsADirectoryError::new_err(message),
        K::NotADirectory => PyNotADirectoryError::new_err(message),
        K::Interrupted => PyInterruptedError::new_err(message),
        K::WouldBlock => PyBlockingIOError::new_err(message),
        K::TimedOut => PyTimeoutError::new_err(message),
        K::BrokenPipe => PyBrokenPipeError::new_err(message),
        K::ConnectionRefused => PyConnectionRefusedError::new_err(message),
        K::ConnectionReset => PyConnectionResetError::new_err(message),
        K::ConnectionAborted => PyConnectionAbortedError::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

/// A Python exception carried through `io::Read` (see [`io_to_py`]).
pub(crate) fn py_to_io(e: PyErr) -> io::Error {
    io::Error::other(e)
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Runs `f`, turning a Rust panic into `cms.InternalError`.
///
/// Every entry point that calls into cms-core goes through here; pyo3 would otherwise raise
/// `pyo3_runtime.PanicException`, a `BaseException` that `except Exception` does not catch.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(raise(
            py,
            |c| &c.internal_error,
            format!(
                "internal error in cms (please report it): {}",
                panic_text(&*payload)
            ),
            &[],
        )),
    }
}

/// `cms_core::Result` into `PyResult`.
pub(crate) trait IntoPy<T> {
    /// Maps the error with [`to_py`].
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for cms_core::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

/// Panics, so that the tests can see a panic become `cms.InternalError`.
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
pub(crate) fn panic_for_tests(py: Python<'_>, message: &str) -> PyResult<()> {
    guard(py, || {
        #[allow(
            clippy::panic,
            reason = "the one deliberate panic: it tests the panic mapping"
        )]
        {
            panic!("{message}")
        }
    })
}
