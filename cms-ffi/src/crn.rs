//! Contact Reference Numbers: check digits, formatting and parsing in a scheme, and the
//! thread-safe [`CrnGenerator`], over an in-process counter or a host's [`SequenceSource`]
//! (a database sequence handing out blocks, so that many processes never collide).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use cms_core::crn::{self, CrnError, CrnScheme};

use crate::error::{guard, CmsError};

/// A block of sequences `start` (inclusive) to `end` (exclusive) reserved by a sequence source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SequenceBlock {
    /// The first sequence of the block.
    pub start: u64,
    /// One past the last sequence of the block.
    pub end: u64,
}

/// Why a host's sequence source could not reserve a block.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum SequenceSourceError {
    /// No sequences are left.
    Exhausted,
    /// The source failed (its database could not be reached, say).
    Failed {
        /// The host's description.
        reason: String,
    },
}

impl fmt::Display for SequenceSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SequenceSourceError::Exhausted => f.write_str("exhausted"),
            SequenceSourceError::Failed { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for SequenceSourceError {}

impl From<uniffi::UnexpectedUniFFICallbackError> for SequenceSourceError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        SequenceSourceError::Failed { reason: e.reason }
    }
}

/// Reserves blocks of sequences for a [`CrnGenerator`]; implemented by the host over something
/// every process shares. A block may be shorter than `wanted`, never empty, and must not overlap
/// any block handed out before, to anyone. An exception other than `SequenceSourceException`
/// counts as `Failed`.
#[uniffi::export(with_foreign)]
pub trait SequenceSource: Send + Sync {
    /// Reserve a block of up to `wanted` sequences (`wanted` is at least 1).
    fn next_block(&self, wanted: u64) -> Result<SequenceBlock, SequenceSourceError>;
}

/// The host's source, as the core's.
struct HostSource(Arc<dyn SequenceSource>);

impl crn::SequenceSource for HostSource {
    fn next_block(&self, wanted: u64) -> Result<Range<u64>, CrnError> {
        match self.0.next_block(wanted) {
            Ok(block) => Ok(block.start..block.end),
            Err(SequenceSourceError::Exhausted) => Err(CrnError::Exhausted),
            Err(e) => Err(CrnError::Source(Box::new(e))),
        }
    }
}

/// Issues CRNs: a scheme over a sequence source, safe to share between threads. Sequences are
/// unique and increasing across every thread using one generator; a CRN is never reused.
#[derive(Debug, uniffi::Object)]
pub struct CrnGenerator {
    inner: crn::CrnGenerator,
}

impl CrnGenerator {
    pub(crate) fn inner(&self) -> &crn::CrnGenerator {
        &self.inner
    }
}

#[uniffi::export]
impl CrnGenerator {
    /// A generator over its own in-process counter, whose first sequence is `first_sequence`.
    /// Not shared between processes: see `withSource` for that.
    #[uniffi::constructor]
    pub fn local(scheme: CrnScheme, first_sequence: u64) -> Result<Arc<Self>, CmsError> {
        guard(|| {
            Ok(Arc::new(CrnGenerator {
                inner: crn::CrnGenerator::local(scheme, first_sequence)?,
            }))
        })
    }

    /// A generator over the host's `source`, asking it for `block_size` sequences at a time
    /// (0 counts as 1).
    #[uniffi::constructor]
    pub fn with_source(
        scheme: CrnScheme,
        source: Arc<dyn SequenceSource>,
        block_size: u64,
    ) -> Result<Arc<Self>, CmsError> {
        guard(|| {
            let inner =
                crn::CrnGenerator::new(scheme, HostSource(source))?.with_block_size(block_size);
            Ok(Arc::new(CrnGenerator { inner }))
        })
    }

    /// Issue the next CRN.
    pub fn next(&self) -> Result<String, CmsError> {
        guard(|| Ok(self.inner.next()?.into_string()))
    }

    /// Issue the next sequence (above every sequence this generator issued before).
    pub fn next_sequence(&self) -> Result<u64, CmsError> {
        guard(|| Ok(self.inner.next_sequence()?))
    }

    /// The scheme CRNs are written in.
    pub fn scheme(&self) -> CrnScheme {
        self.inner.scheme().clone()
    }

    /// How many sequences the generator asks its source for at a time.
    pub fn block_size(&self) -> u64 {
        self.inner.block_size()
    }
}

/// Why text is not a CRN of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CrnProblem {
    /// It does not start with the scheme's prefix.
    WrongPrefix {
        /// The scheme's prefix.
        expected: String,
    },
    /// It is not as long as the scheme's CRNs.
    WrongLength {
        /// The scheme's CRN length.
        expected: u64,
        /// The text's length, in bytes.
        found: u64,
    },
    /// A character after the prefix is not a digit.
    NotDigits {
        /// 0-based byte offset of the first one.
        offset: u64,
    },
    /// The last two digits are not the check of the sequence.
    CheckDigits {
        /// The check digits of the sequence.
        expected: String,
        /// The last two digits of the text.
        found: String,
    },
    /// Sequence 0, which is never issued.
    SequenceZero,
    /// The scheme itself is invalid.
    Scheme,
}

/// The answer to "is this a CRN of the scheme?".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CrnCheck {
    /// True when the text is a CRN of the scheme.
    pub valid: bool,
    /// Its sequence, when valid.
    pub sequence: Option<u64>,
    /// Why not, when invalid.
    pub problem: Option<CrnProblem>,
    /// The core's description of the problem, when invalid.
    pub message: Option<String>,
}

fn ascii(digits: [u8; 2]) -> String {
    String::from_utf8_lossy(&digits).into_owned()
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Check text as a CRN of `scheme` (exact: no trimming, the prefix is case-sensitive).
#[uniffi::export]
pub fn check_crn(scheme: CrnScheme, text: String) -> CrnCheck {
    match scheme.parse(&text) {
        Ok(sequence) => CrnCheck {
            valid: true,
            sequence: Some(sequence),
            problem: None,
            message: None,
        },
        Err(e) => CrnCheck {
            valid: false,
            sequence: None,
            message: Some(e.to_string()),
            problem: Some(match e {
                CrnError::WrongPrefix { expected } => CrnProblem::WrongPrefix { expected },
                CrnError::WrongLength { expected, found } => CrnProblem::WrongLength {
                    expected: to_u64(expected),
                    found: to_u64(found),
                },
                CrnError::NotDigits { offset, .. } => CrnProblem::NotDigits {
                    offset: to_u64(offset),
                },
                CrnError::CheckDigits { expected, found } => CrnProblem::CheckDigits {
                    expected: ascii(expected),
                    found: ascii(found),
                },
                CrnError::SequenceZero => CrnProblem::SequenceZero,
                // Parsing gives only the errors above, and `Scheme` for an invalid scheme.
                _ => CrnProblem::Scheme,
            }),
        },
    }
}

/// The CRN of `sequence` in `scheme`.
#[uniffi::export]
pub fn format_crn(scheme: CrnScheme, sequence: u64) -> Result<String, CmsError> {
    guard(|| Ok(scheme.format(sequence)?.into_string()))
}

/// The two check digits of a sequence (ISO 7064 MOD 97-10).
#[uniffi::export]
pub fn crn_check_digits(sequence: u64) -> String {
    ascii(crn::check_digits(sequence))
}

/// The default CRN scheme (`C` and 9 digits); a rule set's is `RuleSet.crnScheme()`.
#[uniffi::export]
pub fn default_crn_scheme() -> CrnScheme {
    CrnScheme::default()
}
