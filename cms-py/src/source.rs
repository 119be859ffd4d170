//! What a caller may hand in as a file: a path, bytes, or a binary file object.

use std::io::{self, Read};
use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

use crate::errors::py_to_io;

/// Bytes held without copying when they are `bytes` (immutable, so safe to read without the
/// GIL), copied otherwise.
pub(crate) enum Held {
    Backed(PyBackedBytes),
    Owned(Vec<u8>),
}

impl Held {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Held::Backed(b) => b,
            Held::Owned(v) => v,
        }
    }
}

/// An input file.
pub(crate) enum Source {
    /// A path on disk (`str` or `os.PathLike`).
    Path(PathBuf),
    /// Bytes in memory (`bytes`, `bytearray`, `memoryview` or any other buffer of bytes).
    Bytes(Held),
    /// A binary file object (anything with `read(n)` returning bytes), read in chunks.
    Reader(Py<PyAny>, Option<String>),
}

impl Source {
    /// Tells what `obj` is. `str` and `os.PathLike` are paths, as for `open()`.
    pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
        if obj.is_instance_of::<PyBytes>() {
            return Ok(Source::Bytes(Held::Backed(obj.extract::<PyBackedBytes>()?)));
        }
        if obj.is_instance_of::<PyByteArray>() {
            // A bytearray may change while the GIL is released: take a copy.
            return Ok(Source::Bytes(Held::Owned(
                obj.cast::<PyByteArray>()?.to_vec(),
            )));
        }
        if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
            return Ok(Source::Path(obj.extract::<PathBuf>()?));
        }
        if obj.hasattr("read")? {
            let name = file_name_of(obj);
            return Ok(Source::Reader(obj.clone().unbind(), name));
        }
        if let Ok(view) = obj.py().get_type::<PyMemoryView>().call1((obj,)) {
            // Any other buffer (memoryview, array.array, numpy bytes, ...): a copy as bytes.
            let bytes = obj.py().get_type::<PyBytes>().call1((view,))?;
            return Ok(Source::Bytes(Held::Backed(
                bytes.extract::<PyBackedBytes>()?,
            )));
        }
        Err(PyTypeError::new_err(format!(
            "expected a path (str or os.PathLike), bytes or a binary file object, got {}",
            obj.get_type().name()?
        )))
    }
}

/// The last part of a file object's `name`, when it has a text one (`open()` gives it).
fn file_name_of(obj: &Bound<'_, PyAny>) -> Option<String> {
    let name: String = obj.getattr("name").ok()?.extract().ok()?;
    let path = std::path::Path::new(&name);
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// Reads a Python binary file object from Rust, taking the GIL only for each `read` call.
pub(crate) struct PyReader {
    file: Py<PyAny>,
}

impl PyReader {
    pub fn new(file: Py<PyAny>) -> Self {
        PyReader { file }
    }
}

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let chunk = self
                .file
                .bind(py)
                .call_method1("read", (buf.len(),))
                .map_err(py_to_io)?;
            let owned;
            let bytes: &[u8] = if let Ok(b) = chunk.cast::<PyBytes>() {
                b.as_bytes()
            } else if chunk.is_none() {
                // A non-blocking file with nothing to read yet.
                return Err(io::Error::from(io::ErrorKind::WouldBlock));
            } else if let Ok(b) = chunk.cast::<PyByteArray>() {
                owned = b.to_vec();
                &owned
            } else {
                let kind = chunk
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                return Err(py_to_io(PyTypeError::new_err(format!(
                    "the file object's read() returned {kind}, expected bytes \
                     (open the file in binary mode, 'rb')"
                ))));
            };
            let n = bytes.len();
            let Some(dst) = buf.get_mut(..n) else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the file object's read({}) returned {n} bytes", buf.len()),
                ));
            };
            dst.copy_from_slice(bytes);
            Ok(n)
        })
    }
}
