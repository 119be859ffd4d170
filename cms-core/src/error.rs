//! Errors: for when work could not run. Findings about a file are data (see [`crate::finding`]).

use std::io;

/// Everything that can stop cms-core from doing a piece of work.
///
/// A bad file is never an `Error`: validating it returns a [`crate::Report`] full of findings.
/// An `Error` means I/O failed, a rule file is bad, an argument is wrong, or a host-supplied
/// sequence misbehaved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing failed. `path` names the file when there is one.
    #[error("{}{source}", path.as_ref().map(|p| format!("`{p}`: ")).unwrap_or_default())]
    Io {
        /// The file involved, when known.
        path: Option<String>,
        /// The underlying error; its [`io::ErrorKind`] is kept for callers (and for the
        /// Python door, which maps it to `FileNotFoundError`, `PermissionError`, ...).
        #[source]
        source: io::Error,
    },
    /// A rule file could not be used: it names the file, the place in it and the problem.
    #[error("rule file `{origin}`: {place}: {problem}")]
    Rules {
        /// The file (or `<embedded>` for the built-in default).
        origin: String,
        /// Where: `line 12, column 5` for syntax, a path such as `formats[CMQ].records[C01]`
        /// for consistency problems.
        place: String,
        /// What is wrong.
        problem: String,
    },
    /// An argument was wrong (an unknown format code, an unknown organisation type, ...).
    #[error("{0}")]
    Argument(String),
    /// The CRN generator could not issue a number.
    #[error(transparent)]
    Crn(#[from] crate::crn::CrnError),
}

impl Error {
    /// An I/O error about a named file.
    pub fn io(path: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            path: Some(path.into()),
            source,
        }
    }
}

impl From<io::Error> for Error {
    fn from(source: io::Error) -> Self {
        Error::Io { path: None, source }
    }
}

/// Shorthand for results of cms-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
