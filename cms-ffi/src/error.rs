//! The one place where the core's errors become the door's: [`CmsError`], and [`guard`], which
//! turns a panic into [`CmsError::Internal`] instead of unwinding into the host.
//!
//! Findings about a file are never errors (a terrible file gives a report); an error means the
//! work could not run.

use std::fmt;
use std::io;
use std::panic::{self, AssertUnwindSafe};

use cms_core::crn::CrnError;

/// Everything that can stop a call from doing its work. In Kotlin: `CmsException` and its
/// subclasses `CmsException.Io`, `.Rules`, `.Argument`, `.Crn`, `.Internal`.
#[derive(Debug, uniffi::Error)]
pub enum CmsError {
    /// Reading or writing a file failed: `path` names it when there is one.
    Io {
        /// The file involved, when known.
        path: Option<String>,
        /// What kind of failure (not found, permission denied, ...).
        kind: IoErrorKind,
        /// The operating system's description.
        reason: String,
    },
    /// A rule file could not be used: the file, the place in it and the problem.
    Rules {
        /// The file (or `<embedded>` for the built-in default).
        origin: String,
        /// Where: `line 12, column 5` for syntax, a path such as `formats[CMQ].records[C01]`.
        place: String,
        /// What is wrong.
        problem: String,
    },
    /// An argument was wrong (an unknown format code, an unknown organisation type, ...).
    Argument {
        /// What is wrong with it.
        reason: String,
    },
    /// The CRN generator could not issue a number.
    Crn {
        /// What went wrong, for a caller to act on.
        kind: CrnErrorKind,
        /// The core's description.
        reason: String,
    },
    /// A bug in cms: a panic inside the library, caught at the door. Please report it.
    Internal {
        /// The panic's message.
        reason: String,
    },
}

/// Kinds of I/O failure a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum IoErrorKind {
    /// The file does not exist.
    NotFound,
    /// Not allowed to read or write it.
    PermissionDenied,
    /// Any other failure.
    Other,
}

/// Why the CRN generator could not issue a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CrnErrorKind {
    /// No sequences are left (the scheme's largest was issued, or the source has no more).
    Exhausted,
    /// The host's sequence source failed (its database could not be reached, say): retry later.
    SourceFailed,
    /// The sequence source handed out a block the generator refuses (empty, backwards, beyond
    /// the scheme's largest sequence): a bug in the source.
    BadBlock,
    /// The scheme or the sequence is not valid.
    Invalid,
    /// The generator is unusable (a thread panicked inside it).
    Unusable,
}

impl fmt::Display for CmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmsError::Io { path, reason, .. } => match path {
                Some(p) => write!(f, "`{p}`: {reason}"),
                None => f.write_str(reason),
            },
            CmsError::Rules {
                origin,
                place,
                problem,
            } => write!(f, "rule file `{origin}`: {place}: {problem}"),
            CmsError::Argument { reason }
            | CmsError::Crn { reason, .. }
            | CmsError::Internal { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for CmsError {}

impl From<cms_core::Error> for CmsError {
    fn from(e: cms_core::Error) -> Self {
        match e {
            cms_core::Error::Io { path, source } => CmsError::Io {
                path,
                kind: io_kind(&source),
                reason: source.to_string(),
            },
            cms_core::Error::Rules {
                origin,
                place,
                problem,
            } => CmsError::Rules {
                origin,
                place,
                problem,
            },
            cms_core::Error::Argument(reason) => CmsError::Argument { reason },
            cms_core::Error::Crn(e) => e.into(),
            // `cms_core::Error` is non-exhaustive: a variant added later still crosses, as text.
            other => CmsError::Argument {
                reason: other.to_string(),
            },
        }
    }
}

impl From<CrnError> for CmsError {
    fn from(e: CrnError) -> Self {
        let kind = match &e {
            CrnError::Exhausted => CrnErrorKind::Exhausted,
            CrnError::Source(_) => CrnErrorKind::SourceFailed,
            CrnError::EmptyBlock { .. }
            | CrnError::BackwardsBlock { .. }
            | CrnError::BlockBeyondMaximum { .. } => CrnErrorKind::BadBlock,
            CrnError::Poisoned => CrnErrorKind::Unusable,
            CrnError::Scheme(_)
            | CrnError::SequenceZero
            | CrnError::SequenceTooLarge { .. }
            | CrnError::WrongPrefix { .. }
            | CrnError::WrongLength { .. }
            | CrnError::NotDigits { .. }
            | CrnError::CheckDigits { .. }
            | CrnError::Malformed { .. } => CrnErrorKind::Invalid,
        };
        CmsError::Crn {
            kind,
            reason: e.to_string(),
        }
    }
}

fn io_kind(e: &io::Error) -> IoErrorKind {
    match e.kind() {
        io::ErrorKind::NotFound => IoErrorKind::NotFound,
        io::ErrorKind::PermissionDenied => IoErrorKind::PermissionDenied,
        _ => IoErrorKind::Other,
    }
}

impl CmsError {
    /// A value from the host that does not convert (a date UniFFI could not read, say).
    pub(crate) fn argument_conversion(what: &str, text: &str, e: &dyn fmt::Display) -> Self {
        CmsError::Argument {
            reason: format!("`{text}` is not a {what}: {e}"),
        }
    }
}

/// Runs `work`, turning a panic into [`CmsError::Internal`]: a panic never unwinds into the host.
///
/// Every exported call that does work goes through here. (UniFFI's scaffolding also catches
/// panics, as its own `InternalException`; this keeps them in the one error type.)
pub(crate) fn guard<T>(work: impl FnOnce() -> Result<T, CmsError>) -> Result<T, CmsError> {
    panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Err(CmsError::Internal {
            reason: format!("internal error in cms (please report it): {reason}"),
        })
    })
}

#[cfg(panic = "abort")]
compile_error!("cms-ffi needs `panic = \"unwind\"`: a panic must become an exception in the host");

#[cfg(test)]
#[allow(
    clippy::panic,
    reason = "tests: a panic is how a test fails, and one test panics on purpose"
)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_map_to_their_variants() {
        let io = cms_core::Error::io("x.CMQ", io::Error::new(io::ErrorKind::NotFound, "gone"));
        match CmsError::from(io) {
            CmsError::Io { path, kind, reason } => {
                assert_eq!(path.as_deref(), Some("x.CMQ"));
                assert_eq!(kind, IoErrorKind::NotFound);
                assert_eq!(reason, "gone");
            }
            other => panic!("expected Io, got {other:?}"),
        }
        let rules = cms_core::Error::Rules {
            origin: "mine.json".into(),
            place: "crn".into(),
            problem: "bad".into(),
        };
        let mapped = CmsError::from(rules);
        assert_eq!(mapped.to_string(), "rule file `mine.json`: crn: bad");
        assert!(matches!(
            CmsError::from(cms_core::Error::Argument("no".into())),
            CmsError::Argument { reason } if reason == "no"
        ));
        assert!(matches!(
            CmsError::from(cms_core::Error::Crn(CrnError::Exhausted)),
            CmsError::Crn {
                kind: CrnErrorKind::Exhausted,
                ..
            }
        ));
    }

    #[test]
    fn guard_turns_a_panic_into_internal() {
        let out: Result<(), CmsError> = guard(|| panic!("boom {}", 1));
        match out {
            Err(CmsError::Internal { reason }) => {
                assert_eq!(reason, "internal error in cms (please report it): boom 1");
            }
            other => panic!("expected Internal, got {other:?}"),
        }
        assert!(matches!(guard(|| Ok(7)), Ok(7)));
    }
}
