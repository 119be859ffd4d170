//! Contact Reference Numbers: schemes, check digits and thread-safe generators (DOMAIN.md §9).
//!
//! A CRN is a prefix, a zero-padded sequence number and two check digits by ISO 7064 MOD 97-10
//! over the sequence digits: `check = 98 − ((n × 100) mod 97)`, written as two digits (`02` to
//! `98`). Zero padding adds nothing to `n`, so the check depends on the sequence alone
//! ([`check_digits`]). The default scheme ([`CrnScheme::default`]) is `C` and 9 digits:
//!
//! ```
//! use cms_core::crn::CrnScheme;
//!
//! let scheme = CrnScheme::default();
//! assert_eq!(scheme.format(1)?.as_str(), "C00000000195");
//! assert_eq!(scheme.format(123_456_789)?.as_str(), "C12345678978");
//! assert_eq!(scheme.parse("C12345678978")?, 123_456_789);
//! assert!(scheme.parse("C12345687978").is_err()); // two digits swapped
//! # Ok::<(), cms_core::crn::CrnError>(())
//! ```
//!
//! The check catches every single-digit substitution and every swap of two adjacent differing
//! digits anywhere in the digits, check digits included: the digits with their check, read as one
//! number, are 1 modulo 97, and such an error changes that number by `d × 10^k` or
//! `9 × d × 10^k` (`0 < d ≤ 9`), never a multiple of the prime 97.
//!
//! # Generators
//! A CRN is never reused. [`CrnGenerator`] hands out sequences from blocks that a
//! [`SequenceSource`] reserves: in one process a [`LocalSequence`]; across processes a host
//! implements the trait over something shared (a database sequence that hands out blocks), so that
//! no two processes ever receive the same block. The generator is `Send + Sync`, never repeats
//! a sequence, and hands them out in increasing order: it refuses a block that is empty, starts at
//! or below the last sequence it handed out, or starts above the scheme's largest sequence.
//!
//! ```
//! use cms_core::crn::{CrnGenerator, CrnScheme};
//!
//! let generator = CrnGenerator::local(CrnScheme::default(), 1)?;
//! assert_eq!(generator.next()?.as_str(), "C00000000195");
//! assert_eq!(generator.next_sequence()?, 2);
//! # Ok::<(), cms_core::crn::CrnError>(())
//! ```

use std::fmt;
use std::fmt::Write as _;
use std::ops::Range;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Widest sequence a [`CrnScheme`] may have, in digits.
pub const CRN_MAX_WIDTH: u8 = 18;

/// Sequences a [`CrnGenerator`] asks its source for at a time, unless told otherwise.
pub const DEFAULT_BLOCK_SIZE: u64 = 1000;

/// The two check digits, as ASCII, for a sequence: `98 − ((sequence × 100) mod 97)` as two digits.
///
/// ```
/// use cms_core::crn::check_digits;
///
/// assert_eq!(check_digits(1), *b"95");
/// assert_eq!(check_digits(123_456_789), *b"78");
/// ```
pub fn check_digits(sequence: u64) -> [u8; 2] {
    // (n × 100) mod 97 without overflow: reduce n first.
    let rest = (sequence % 97) * 100 % 97;
    let check = 98 - rest;
    // `check` is 2 to 98, so both casts hold a single digit.
    [b'0' + (check / 10) as u8, b'0' + (check % 10) as u8]
}

/// How CRNs are written: a prefix and the width of the zero-padded sequence (DOMAIN.md §9).
///
/// Deserializing checks the scheme ([`CrnScheme::check`]); missing fields take the default.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawCrnScheme")]
pub struct CrnScheme {
    /// Written before the sequence: printable ASCII, not empty, no digits, no spaces.
    pub prefix: String,
    /// Digits in the zero-padded sequence, 1 to 18.
    pub width: u8,
}

impl Default for CrnScheme {
    /// `C` and 9 digits: `C00000000195` is sequence 1.
    fn default() -> Self {
        Self {
            prefix: "C".to_owned(),
            width: 9,
        }
    }
}

/// The serde shape of [`CrnScheme`], checked before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawCrnScheme {
    prefix: String,
    width: u8,
}

impl Default for RawCrnScheme {
    fn default() -> Self {
        let CrnScheme { prefix, width } = CrnScheme::default();
        Self { prefix, width }
    }
}

impl TryFrom<RawCrnScheme> for CrnScheme {
    type Error = SchemeError;

    fn try_from(raw: RawCrnScheme) -> Result<Self, Self::Error> {
        let scheme = Self {
            prefix: raw.prefix,
            width: raw.width,
        };
        scheme.check().map(|()| scheme)
    }
}

/// Whether a prefix may hold `ch`: printable ASCII other than a digit (space is not printable).
fn prefix_char(ch: char) -> bool {
    ch.is_ascii_graphic() && !ch.is_ascii_digit()
}

impl CrnScheme {
    /// Checks the scheme: width 1 to 18, prefix not empty and made of printable ASCII that is
    /// not a digit (a digit would make the end of the prefix ambiguous).
    ///
    /// ```
    /// use cms_core::crn::{CrnScheme, SchemeError};
    ///
    /// assert_eq!(CrnScheme::default().check(), Ok(()));
    /// let scheme = CrnScheme { prefix: "C".into(), width: 19 };
    /// assert_eq!(scheme.check(), Err(SchemeError::Width { width: 19 }));
    /// ```
    pub fn check(&self) -> Result<(), SchemeError> {
        if self.width == 0 || self.width > CRN_MAX_WIDTH {
            return Err(SchemeError::Width { width: self.width });
        }
        if self.prefix.is_empty() {
            return Err(SchemeError::EmptyPrefix);
        }
        if let Some(ch) = self.prefix.chars().find(|&ch| !prefix_char(ch)) {
            return Err(SchemeError::PrefixChar {
                prefix: self.prefix.clone(),
                ch,
            });
        }
        Ok(())
    }

    /// The largest sequence that fits in `width` digits, `10^width − 1` (999999999 by default).
    ///
    /// Saturates at `u64::MAX` for widths over 19, which [`CrnScheme::check`] refuses anyway.
    pub fn max_sequence(&self) -> u64 {
        10_u64
            .checked_pow(u32::from(self.width))
            .map_or(u64::MAX, |power| power - 1)
    }

    /// The length of every CRN of this scheme: prefix, width and the two check digits
    /// (12 by default). It is in bytes, which are characters for a valid (ASCII) prefix.
    #[allow(
        clippy::len_without_is_empty,
        reason = "the length of the CRNs of a scheme, never zero; `is_empty` would mean nothing"
    )]
    pub fn len(&self) -> usize {
        self.prefix
            .len()
            .saturating_add(usize::from(self.width))
            .saturating_add(2)
    }

    /// The CRN of `sequence`: [`CrnError::SequenceZero`] for 0, [`CrnError::SequenceTooLarge`]
    /// above [`CrnScheme::max_sequence`], [`CrnError::Scheme`] when the scheme is invalid.
    pub fn format(&self, sequence: u64) -> Result<Crn, CrnError> {
        self.check()?;
        self.check_sequence(sequence)?;
        Ok(self.render(sequence))
    }

    fn check_sequence(&self, sequence: u64) -> Result<(), CrnError> {
        let max = self.max_sequence();
        if sequence == 0 {
            Err(CrnError::SequenceZero)
        } else if sequence > max {
            Err(CrnError::SequenceTooLarge { sequence, max })
        } else {
            Ok(())
        }
    }

    /// Writes a CRN of a valid scheme and a sequence that fits.
    fn render(&self, sequence: u64) -> Crn {
        let mut text = String::with_capacity(self.len());
        text.push_str(&self.prefix);
        // Writing to a `String` cannot fail.
        let _ = write!(text, "{sequence:0width$}", width = usize::from(self.width));
        for digit in check_digits(sequence) {
            text.push(char::from(digit));
        }
        Crn(text)
    }

    /// The sequence of a CRN written in this scheme.
    ///
    /// The checks run in this order: the prefix ([`CrnError::WrongPrefix`]), the length
    /// ([`CrnError::WrongLength`]), digits after the prefix ([`CrnError::NotDigits`]), the check
    /// digits ([`CrnError::CheckDigits`]), a sequence of 0 ([`CrnError::SequenceZero`]; its
    /// check digits are `98`, but it is never issued). Matching is exact: no trimming, and the
    /// prefix is case-sensitive.
    ///
    /// ```
    /// use cms_core::crn::{CrnError, CrnScheme};
    ///
    /// let scheme = CrnScheme::default();
    /// assert_eq!(scheme.parse("C00000000195")?, 1);
    /// assert!(matches!(scheme.parse("C00000000159"), Err(CrnError::CheckDigits { .. })));
    /// assert!(matches!(scheme.parse("c00000000195"), Err(CrnError::WrongPrefix { .. })));
    /// # Ok::<(), CrnError>(())
    /// ```
    pub fn parse(&self, text: &str) -> Result<u64, CrnError> {
        self.parse_bytes(text.as_bytes())
    }

    /// [`CrnScheme::parse`] on bytes, for values read from files (never assumed UTF-8).
    pub fn parse_bytes(&self, text: &[u8]) -> Result<u64, CrnError> {
        self.check()?;
        let Some(rest) = text.strip_prefix(self.prefix.as_bytes()) else {
            return Err(CrnError::WrongPrefix {
                expected: self.prefix.clone(),
            });
        };
        let expected = self.len();
        let wrong_length = CrnError::WrongLength {
            expected,
            found: text.len(),
        };
        if text.len() != expected {
            return Err(wrong_length);
        }
        if let Some((index, &byte)) = rest.iter().enumerate().find(|(_, b)| !b.is_ascii_digit()) {
            return Err(CrnError::NotDigits {
                offset: self.prefix.len().saturating_add(index),
                byte,
            });
        }
        // The length check leaves `width + 2` digits, at most 20.
        let Some((digits, &found)) = rest.split_last_chunk::<2>() else {
            return Err(wrong_length);
        };
        let Some(sequence) = digits_value(digits) else {
            return Err(wrong_length);
        };
        let expected = check_digits(sequence);
        if expected != found {
            return Err(CrnError::CheckDigits { expected, found });
        }
        if sequence == 0 {
            return Err(CrnError::SequenceZero);
        }
        Ok(sequence)
    }

    /// [`CrnScheme::parse`], keeping the CRN.
    pub fn parse_crn(&self, text: &str) -> Result<Crn, CrnError> {
        self.parse(text).map(|_| Crn(text.to_owned()))
    }
}

/// The number written by `digits` (all ASCII digits), or `None` when it does not fit in a `u64`.
fn digits_value(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0_u64, |acc, &byte| {
        acc.checked_mul(10)?
            .checked_add(u64::from(byte.wrapping_sub(b'0')))
    })
}

/// A [`CrnScheme`] that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemeError {
    /// The width is 0 or above 18.
    #[error("expected a CRN width of 1 to 18 digits, found `{width}`")]
    Width {
        /// The width given.
        width: u8,
    },
    /// The prefix is empty.
    #[error("expected a CRN prefix, found an empty one")]
    EmptyPrefix,
    /// The prefix holds a digit, a space, a control character or non-ASCII text.
    #[error(
        "expected printable ASCII other than digits in the CRN prefix, found `{}` in `{}`",
        .ch.escape_default(),
        .prefix.escape_default()
    )]
    PrefixChar {
        /// The prefix given.
        prefix: String,
        /// The first character that may not be in a prefix.
        ch: char,
    },
}

/// Why a CRN could not be made, read or issued.
#[derive(Debug, thiserror::Error)]
pub enum CrnError {
    /// The scheme is invalid.
    #[error(transparent)]
    Scheme(#[from] SchemeError),
    /// Sequence 0 has no CRN: sequences start at 1.
    #[error("expected a CRN sequence of at least 1, found `0`")]
    SequenceZero,
    /// The sequence does not fit in the scheme's width.
    #[error("expected a CRN sequence of at most {max}, found `{sequence}`")]
    SequenceTooLarge {
        /// The sequence given.
        sequence: u64,
        /// The scheme's largest sequence.
        max: u64,
    },
    /// The text does not start with the scheme's prefix.
    #[error("expected a CRN starting with `{}`", .expected.escape_default())]
    WrongPrefix {
        /// The scheme's prefix.
        expected: String,
    },
    /// The text is not as long as the scheme's CRNs.
    #[error("expected a CRN of {expected} characters, found `{found}`")]
    WrongLength {
        /// The scheme's CRN length ([`CrnScheme::len`]).
        expected: usize,
        /// The length of the text, in bytes.
        found: usize,
    },
    /// A byte after the prefix is not an ASCII digit.
    #[error(
        "expected digits after the CRN prefix, found `{}` at byte {offset}",
        std::ascii::escape_default(*.byte)
    )]
    NotDigits {
        /// 0-based offset of the byte in the text.
        offset: usize,
        /// That byte.
        byte: u8,
    },
    /// The last two digits are not the check of the sequence.
    #[error(
        "wrong CRN check digits `{}`, expected `{}`",
        .found.escape_ascii(),
        .expected.escape_ascii()
    )]
    CheckDigits {
        /// The check digits of the sequence, as ASCII.
        expected: [u8; 2],
        /// The last two digits of the text, as ASCII.
        found: [u8; 2],
    },
    /// Text that is not a CRN of any valid scheme (see [`Crn`]'s [`FromStr`]).
    #[error(
        "expected a CRN (a prefix without digits, then 3 to 20 digits), found `{}`",
        .text.escape_default()
    )]
    Malformed {
        /// The text, cut to its first 40 characters.
        text: String,
    },
    /// No sequence is left: the scheme's largest has been issued, or the source has no more.
    #[error("no CRN sequences are left to issue")]
    Exhausted,
    /// The source returned a block with no sequences.
    #[error(
        "expected a block of sequences from the sequence source, \
         found the empty block `{start}..{end}`"
    )]
    EmptyBlock {
        /// Start of the block.
        start: u64,
        /// End of the block (exclusive).
        end: u64,
    },
    /// The source returned a block that does not start above the last sequence issued.
    #[error(
        "expected a block of sequences above {last} from the sequence source, \
         found `{start}..{end}`"
    )]
    BackwardsBlock {
        /// Start of the block.
        start: u64,
        /// End of the block (exclusive).
        end: u64,
        /// The last sequence this generator issued (0 when none).
        last: u64,
    },
    /// The source returned a block that starts above the scheme's largest sequence.
    #[error(
        "expected a block of sequences up to {max} from the sequence source, found `{start}..{end}`"
    )]
    BlockBeyondMaximum {
        /// Start of the block.
        start: u64,
        /// End of the block (exclusive).
        end: u64,
        /// The scheme's largest sequence.
        max: u64,
    },
    /// A thread panicked while holding the generator's lock (inside the sequence source).
    #[error("the CRN generator is unusable: a thread panicked while holding its lock")]
    Poisoned,
    /// The sequence source failed (for example, its database could not be reached).
    #[error("the sequence source failed: {0}")]
    Source(Box<dyn std::error::Error + Send + Sync + 'static>),
}

/// A Contact Reference Number, as text.
///
/// Made by a [`CrnScheme`] or a [`CrnGenerator`], or parsed ([`FromStr`], serde) without knowing
/// the scheme: then the text must be a prefix of printable ASCII without digits, 3 to 20 digits,
/// and the last two digits must be the check of the others (a sequence of at least 1). Use
/// [`CrnScheme::parse_crn`] to hold text to one scheme. Serializes as a string.
///
/// ```
/// use cms_core::crn::Crn;
///
/// let crn: Crn = "C12345678978".parse()?;
/// assert_eq!(crn.sequence(), 123_456_789);
/// assert_eq!(crn.to_string(), "C12345678978");
/// assert!("C12345678987".parse::<Crn>().is_err());
/// # Ok::<(), cms_core::crn::CrnError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Crn(String);

impl Crn {
    /// The CRN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The CRN as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The sequence written in the CRN.
    pub fn sequence(&self) -> u64 {
        let digits = self.0.trim_start_matches(|ch: char| !ch.is_ascii_digit());
        let body = digits
            .as_bytes()
            .split_last_chunk::<2>()
            .map_or(&[][..], |(body, _)| body);
        // Every way of making a `Crn` checked that the body is 1 to 18 digits.
        digits_value(body).unwrap_or(0)
    }
}

impl fmt::Display for Crn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Crn {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Crn {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<Crn> for String {
    fn from(crn: Crn) -> Self {
        crn.0
    }
}

impl FromStr for Crn {
    type Err = CrnError;

    /// Checks the shape and the check digits, not a scheme (see [`Crn`]).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let malformed = || CrnError::Malformed {
            text: text.chars().take(40).collect(),
        };
        let digits = text.trim_start_matches(|ch: char| !ch.is_ascii_digit());
        let prefix_len = text.len().saturating_sub(digits.len());
        let prefix = text.get(..prefix_len).unwrap_or_default();
        if prefix.is_empty()
            || !prefix.chars().all(prefix_char)
            || !(3..=usize::from(CRN_MAX_WIDTH) + 2).contains(&digits.len())
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let Some((body, &found)) = digits.as_bytes().split_last_chunk::<2>() else {
            return Err(malformed());
        };
        let Some(sequence) = digits_value(body) else {
            return Err(malformed());
        };
        let expected = check_digits(sequence);
        if expected != found {
            return Err(CrnError::CheckDigits { expected, found });
        }
        if sequence == 0 {
            return Err(CrnError::SequenceZero);
        }
        Ok(Self(text.to_owned()))
    }
}

impl Serialize for Crn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Crn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Crn;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CRN as a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Crn, E> {
                value.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Reserves blocks of sequences for [`CrnGenerator`]s.
///
/// A host implements it over something every process shares (a database sequence that hands out
/// blocks, say `nextval` with an increment of the block size), so that many processes never
/// receive the same sequence. A block is `start..end` (end exclusive). It may be shorter than
/// `wanted`, never empty, and must not overlap any block handed out before, to anyone; a
/// generator also refuses a block that does not start above the last sequence it issued.
/// Return [`CrnError::Exhausted`] when no sequences are left and [`CrnError::Source`] for
/// the host's own failures.
pub trait SequenceSource: Send + Sync {
    /// Reserves a block of up to `wanted` sequences (`wanted` is at least 1).
    fn next_block(&self, wanted: u64) -> Result<Range<u64>, CrnError>;
}

impl<S: SequenceSource + ?Sized> SequenceSource for Arc<S> {
    fn next_block(&self, wanted: u64) -> Result<Range<u64>, CrnError> {
        (**self).next_block(wanted)
    }
}

impl<S: SequenceSource + ?Sized> SequenceSource for Box<S> {
    fn next_block(&self, wanted: u64) -> Result<Range<u64>, CrnError> {
        (**self).next_block(wanted)
    }
}

/// An in-process [`SequenceSource`]: a counter, safe to share between threads (in an [`Arc`]).
///
/// It is not shared between processes and forgets everything when dropped: a host that restarts
/// must start it past every sequence issued before (see [`LocalSequence::next_unallocated`]).
#[derive(Debug)]
pub struct LocalSequence {
    next: AtomicU64,
}

impl LocalSequence {
    /// A counter whose first block starts at `first` (a generator refuses a block at 0).
    pub fn starting_at(first: u64) -> Self {
        Self {
            next: AtomicU64::new(first),
        }
    }

    /// The start of the next block: every sequence below it has been handed out.
    pub fn next_unallocated(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}

impl Default for LocalSequence {
    /// Starts at 1.
    fn default() -> Self {
        Self::starting_at(1)
    }
}

impl SequenceSource for LocalSequence {
    /// Hands out `wanted` sequences (at least 1), fewer only at `u64::MAX`.
    fn next_block(&self, wanted: u64) -> Result<Range<u64>, CrnError> {
        let wanted = wanted.max(1);
        // One atomic read-modify-write: every caller sees a different `start`. Relaxed is enough,
        // because no other memory is published through the counter.
        let start = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
                (next < u64::MAX).then(|| next.saturating_add(wanted))
            })
            .map_err(|_| CrnError::Exhausted)?;
        Ok(start..start.saturating_add(wanted))
    }
}

/// The block a generator is handing out and the last sequence it issued.
#[derive(Debug)]
struct Block {
    next: u64,
    end: u64,
    /// The last sequence issued, 0 when none.
    last: u64,
}

/// Issues CRNs: a [`CrnScheme`] over a [`SequenceSource`], safe to share between threads.
///
/// Sequences come from the current block; when it runs out the generator asks the source for
/// the next one (of up to [`CrnGenerator::block_size`] sequences), holding its lock meanwhile, so
/// sequences are unique and increasing across every thread using one generator. Sequences of a
/// block that are not issued before the generator is dropped are never issued. A block that goes
/// past the scheme's largest sequence is cut there. A refused block is lost; the next call asks
/// the source again.
///
/// ```
/// use cms_core::crn::{CrnError, CrnGenerator, CrnScheme};
///
/// let scheme = CrnScheme { prefix: "T".into(), width: 1 };
/// let generator = CrnGenerator::local(scheme, 8)?;
/// assert_eq!(generator.next()?.as_str(), "T874");
/// assert_eq!(generator.next()?.as_str(), "T971");
/// assert!(matches!(generator.next(), Err(CrnError::Exhausted)));
/// # Ok::<(), CrnError>(())
/// ```
pub struct CrnGenerator {
    scheme: CrnScheme,
    max: u64,
    source: Box<dyn SequenceSource>,
    block_size: u64,
    block: Mutex<Block>,
}

impl fmt::Debug for CrnGenerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrnGenerator")
            .field("scheme", &self.scheme)
            .field("block_size", &self.block_size)
            .field("block", &self.block)
            .finish_non_exhaustive()
    }
}

impl CrnGenerator {
    /// A generator over `source` (pass an `Arc` to share one source between generators).
    /// [`CrnError::Scheme`] when the scheme is invalid.
    pub fn new(scheme: CrnScheme, source: impl SequenceSource + 'static) -> Result<Self, CrnError> {
        scheme.check()?;
        Ok(Self {
            max: scheme.max_sequence(),
            scheme,
            source: Box::new(source),
            block_size: DEFAULT_BLOCK_SIZE,
            block: Mutex::new(Block {
                next: 0,
                end: 0,
                last: 0,
            }),
        })
    }

    /// A generator over its own [`LocalSequence`], whose first sequence is `first_sequence`.
    pub fn local(scheme: CrnScheme, first_sequence: u64) -> Result<Self, CrnError> {
        Self::new(scheme, LocalSequence::starting_at(first_sequence))
    }

    /// Sets how many sequences to ask the source for at a time (0 counts as 1).
    pub fn with_block_size(mut self, size: u64) -> Self {
        self.block_size = size.max(1);
        self
    }

    /// How many sequences the generator asks its source for at a time.
    pub fn block_size(&self) -> u64 {
        self.block_size
    }

    /// The scheme CRNs are written in.
    pub fn scheme(&self) -> &CrnScheme {
        &self.scheme
    }

    /// Issues the next CRN.
    pub fn next(&self) -> Result<Crn, CrnError> {
        self.next_sequence()
            .map(|sequence| self.scheme.render(sequence))
    }

    /// Issues the next sequence, above every sequence this generator issued before.
    ///
    /// Errors: [`CrnError::Exhausted`] once the scheme's largest sequence is issued or the source
    /// has no more; [`CrnError::EmptyBlock`], [`CrnError::BackwardsBlock`] or
    /// [`CrnError::BlockBeyondMaximum`] for a block it refuses; the source's own errors;
    /// [`CrnError::Poisoned`] when a source panicked inside an earlier call.
    pub fn next_sequence(&self) -> Result<u64, CrnError> {
        let mut block = self.block.lock().map_err(|_| CrnError::Poisoned)?;
        if block.next >= block.end {
            if block.last >= self.max {
                return Err(CrnError::Exhausted);
            }
            let wanted = self.block_size.min(self.max - block.last);
            let Range { start, end } = self.source.next_block(wanted)?;
            if start >= end {
                return Err(CrnError::EmptyBlock { start, end });
            }
            if start <= block.last {
                return Err(CrnError::BackwardsBlock {
                    start,
                    end,
                    last: block.last,
                });
            }
            if start > self.max {
                return Err(CrnError::BlockBeyondMaximum {
                    start,
                    end,
                    max: self.max,
                });
            }
            block.next = start;
            // `max` is below 10^18, so `max + 1` cannot overflow.
            block.end = end.min(self.max + 1);
        }
        let sequence = block.next;
        block.next = sequence + 1;
        block.last = sequence;
        Ok(sequence)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on a wrong value"
)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    const EXAMPLES: [(u64, &str); 2] = [(1, "C00000000195"), (123_456_789, "C12345678978")];

    #[test]
    fn check_digits_of_the_examples() {
        assert_eq!(check_digits(1), *b"95");
        assert_eq!(check_digits(123_456_789), *b"78");
        assert_eq!(check_digits(0), *b"98");
        // The whole digit string is 1 modulo 97 (ISO 7064 MOD 97-10).
        for sequence in [
            1_u64,
            2,
            96,
            97,
            98,
            123_456_789,
            999_999_999,
            999_999_999_999_999_999,
        ] {
            let [tens, units] = check_digits(sequence);
            let check = u128::from(tens - b'0') * 10 + u128::from(units - b'0');
            assert_eq!((u128::from(sequence) * 100 + check) % 97, 1, "{sequence}");
            assert!((2..=98).contains(&check), "{sequence}");
        }
    }

    #[test]
    fn default_scheme() {
        let scheme = CrnScheme::default();
        assert_eq!(scheme.prefix, "C");
        assert_eq!(scheme.width, 9);
        assert_eq!(scheme.len(), 12);
        assert_eq!(scheme.max_sequence(), 999_999_999);
        assert_eq!(scheme.check(), Ok(()));
    }

    #[test]
    fn format_and_parse_the_examples() {
        let scheme = CrnScheme::default();
        for (sequence, text) in EXAMPLES {
            let crn = scheme.format(sequence).unwrap();
            assert_eq!(crn.as_str(), text);
            assert_eq!(crn.to_string(), text);
            assert_eq!(crn.as_ref(), text);
            assert_eq!(crn.sequence(), sequence);
            assert_eq!(scheme.parse(text).unwrap(), sequence);
            assert_eq!(scheme.parse_bytes(text.as_bytes()).unwrap(), sequence);
            assert_eq!(scheme.parse_crn(text).unwrap(), crn);
            assert_eq!(text.parse::<Crn>().unwrap(), crn);
        }
        assert_eq!(scheme.format(999_999_999).unwrap().as_str(), "C99999999996");
    }

    #[test]
    fn format_refuses_sequences_outside_the_width() {
        let scheme = CrnScheme::default();
        assert!(matches!(scheme.format(0), Err(CrnError::SequenceZero)));
        let err = scheme.format(1_000_000_000).unwrap_err();
        assert!(matches!(
            err,
            CrnError::SequenceTooLarge {
                sequence: 1_000_000_000,
                max: 999_999_999
            }
        ));
        assert_eq!(
            err.to_string(),
            "expected a CRN sequence of at most 999999999, found `1000000000`"
        );
        assert!(matches!(
            scheme.format(u64::MAX),
            Err(CrnError::SequenceTooLarge { .. })
        ));
    }

    #[test]
    fn every_single_substitution_is_rejected() {
        let scheme = CrnScheme::default();
        let mut tried = 0;
        for (_, text) in EXAMPLES {
            for position in 1..text.len() {
                for digit in b'0'..=b'9' {
                    let mut bytes = text.as_bytes().to_vec();
                    let slot = bytes.get_mut(position).unwrap();
                    if *slot == digit {
                        continue;
                    }
                    *slot = digit;
                    let changed = String::from_utf8(bytes).unwrap();
                    let err = scheme.parse(&changed).unwrap_err();
                    assert!(
                        matches!(err, CrnError::CheckDigits { .. }),
                        "{changed}: {err}"
                    );
                    assert!(changed.parse::<Crn>().is_err(), "{changed}");
                    tried += 1;
                }
            }
        }
        assert_eq!(tried, 2 * 11 * 9);
    }

    #[test]
    fn every_adjacent_transposition_is_rejected() {
        let scheme = CrnScheme::default();
        let mut tried = 0;
        for (_, text) in EXAMPLES {
            for position in 1..text.len() - 1 {
                let mut bytes = text.as_bytes().to_vec();
                if bytes.get(position) == bytes.get(position + 1) {
                    continue;
                }
                bytes.swap(position, position + 1);
                let changed = String::from_utf8(bytes).unwrap();
                let err = scheme.parse(&changed).unwrap_err();
                assert!(
                    matches!(err, CrnError::CheckDigits { .. }),
                    "{changed}: {err}"
                );
                tried += 1;
            }
        }
        // `C00000000195` has 3 differing adjacent pairs (0-1, 1-9, 9-5), `C12345678978` all 10.
        assert_eq!(tried, 3 + 10);
    }

    #[test]
    fn parse_errors_are_separate() {
        let scheme = CrnScheme::default();
        let err = scheme.parse("X00000000195").unwrap_err();
        assert!(matches!(&err, CrnError::WrongPrefix { expected } if expected == "C"));
        assert_eq!(err.to_string(), "expected a CRN starting with `C`");
        assert!(matches!(
            scheme.parse("c00000000195"),
            Err(CrnError::WrongPrefix { .. })
        ));
        assert!(matches!(
            scheme.parse(""),
            Err(CrnError::WrongPrefix { .. })
        ));
        let err = scheme.parse("C0000000195").unwrap_err();
        assert!(matches!(
            err,
            CrnError::WrongLength {
                expected: 12,
                found: 11
            }
        ));
        assert_eq!(
            err.to_string(),
            "expected a CRN of 12 characters, found `11`"
        );
        assert!(matches!(
            scheme.parse("C000000000195"),
            Err(CrnError::WrongLength { found: 13, .. })
        ));
        assert!(matches!(
            scheme.parse(" C00000000195"),
            Err(CrnError::WrongPrefix { .. })
        ));
        assert!(matches!(
            scheme.parse("C00000000195 "),
            Err(CrnError::WrongLength { found: 13, .. })
        ));
        let err = scheme.parse("C00000a00195").unwrap_err();
        assert!(matches!(
            err,
            CrnError::NotDigits {
                offset: 6,
                byte: b'a'
            }
        ));
        assert_eq!(
            err.to_string(),
            "expected digits after the CRN prefix, found `a` at byte 6"
        );
        assert!(matches!(
            scheme.parse_bytes(b"C0000000019\xff"),
            Err(CrnError::NotDigits {
                offset: 11,
                byte: 0xff
            })
        ));
        // Lengths are in bytes: eleven characters, the last one two bytes long, are 12 bytes.
        assert!(matches!(
            scheme.parse("C000000001é"),
            Err(CrnError::NotDigits {
                offset: 10,
                byte: 0xc3
            })
        ));
        assert!(matches!(
            scheme.parse("C0000000019é"),
            Err(CrnError::WrongLength { found: 13, .. })
        ));
        let err = scheme.parse("C00000000159").unwrap_err();
        assert!(matches!(
            err,
            CrnError::CheckDigits {
                expected: [b'9', b'5'],
                found: [b'5', b'9']
            }
        ));
        assert_eq!(
            err.to_string(),
            "wrong CRN check digits `59`, expected `95`"
        );
        assert!(matches!(
            scheme.parse("C00000000098"),
            Err(CrnError::SequenceZero)
        ));
        assert!(matches!(
            scheme.parse("C00000000000"),
            Err(CrnError::CheckDigits { .. })
        ));
    }

    #[test]
    fn scheme_check() {
        let scheme = |prefix: &str, width: u8| CrnScheme {
            prefix: prefix.to_owned(),
            width,
        };
        assert_eq!(scheme("C", 1).check(), Ok(()));
        assert_eq!(scheme("CMS-", 18).check(), Ok(()));
        assert_eq!(scheme("~!#", 5).check(), Ok(()));
        assert_eq!(scheme("C", 0).check(), Err(SchemeError::Width { width: 0 }));
        assert_eq!(
            scheme("C", 19).check(),
            Err(SchemeError::Width { width: 19 })
        );
        assert_eq!(scheme("", 9).check(), Err(SchemeError::EmptyPrefix));
        for (prefix, ch) in [
            ("C1", '1'),
            ("C D", ' '),
            ("É", 'É'),
            ("C\n", '\n'),
            ("0", '0'),
        ] {
            assert_eq!(
                scheme(prefix, 9).check(),
                Err(SchemeError::PrefixChar {
                    prefix: prefix.to_owned(),
                    ch
                }),
                "{prefix:?}"
            );
        }
        assert_eq!(
            scheme("C1", 9).check().unwrap_err().to_string(),
            "expected printable ASCII other than digits in the CRN prefix, found `1` in `C1`"
        );
        assert_eq!(
            scheme("C\n", 9).check().unwrap_err().to_string(),
            "expected printable ASCII other than digits in the CRN prefix, found `\\n` in `C\\n`"
        );
        assert_eq!(
            scheme("C", 0).check().unwrap_err().to_string(),
            "expected a CRN width of 1 to 18 digits, found `0`"
        );
    }

    #[test]
    fn an_invalid_scheme_is_an_error_everywhere() {
        let bad = CrnScheme {
            prefix: "C".to_owned(),
            width: 25,
        };
        assert_eq!(bad.max_sequence(), u64::MAX);
        assert!(matches!(
            bad.format(1),
            Err(CrnError::Scheme(SchemeError::Width { width: 25 }))
        ));
        assert!(matches!(bad.parse("C1"), Err(CrnError::Scheme(_))));
        assert!(matches!(
            CrnGenerator::local(bad, 1),
            Err(CrnError::Scheme(_))
        ));
        let digits = CrnScheme {
            prefix: "7".to_owned(),
            width: 9,
        };
        assert!(matches!(digits.format(1), Err(CrnError::Scheme(_))));
    }

    #[test]
    fn other_schemes() {
        let scheme = CrnScheme {
            prefix: "CMS-".to_owned(),
            width: 12,
        };
        assert_eq!(scheme.len(), 18);
        assert_eq!(scheme.max_sequence(), 999_999_999_999);
        let crn = scheme.format(1).unwrap();
        assert_eq!(crn.as_str(), "CMS-00000000000195");
        assert_eq!(scheme.parse(crn.as_str()).unwrap(), 1);
        assert_eq!(crn.as_str().parse::<Crn>().unwrap().sequence(), 1);
        // The default scheme does not accept another scheme's CRN.
        assert!(CrnScheme::default().parse(crn.as_str()).is_err());

        let widest = CrnScheme {
            prefix: "X".to_owned(),
            width: 18,
        };
        assert_eq!(widest.max_sequence(), 999_999_999_999_999_999);
        let crn = widest.format(widest.max_sequence()).unwrap();
        assert_eq!(widest.parse(crn.as_str()).unwrap(), widest.max_sequence());
        assert_eq!(crn.sequence(), widest.max_sequence());

        let narrowest = CrnScheme {
            prefix: "T".to_owned(),
            width: 1,
        };
        assert_eq!(narrowest.max_sequence(), 9);
        assert_eq!(narrowest.format(1).unwrap().as_str(), "T195");
    }

    #[test]
    fn crn_from_str_checks_the_shape() {
        for text in [
            "",
            "123",
            "C",
            "C12",
            "C1234567897X",
            "C12 345678978",
            "1C95",
            "É195",
        ] {
            assert!(
                matches!(text.parse::<Crn>(), Err(CrnError::Malformed { .. })),
                "{text:?}"
            );
        }
        let long = format!("C{}", "1".repeat(21));
        assert!(matches!(
            long.parse::<Crn>(),
            Err(CrnError::Malformed { .. })
        ));
        let err = "C12".parse::<Crn>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a CRN (a prefix without digits, then 3 to 20 digits), found `C12`"
        );
        let huge = "x".repeat(1000);
        assert!(
            matches!(huge.parse::<Crn>(), Err(CrnError::Malformed { text }) if text.len() == 40)
        );
        assert!(matches!(
            "C12345678987".parse::<Crn>(),
            Err(CrnError::CheckDigits { .. })
        ));
        assert!(matches!("C098".parse::<Crn>(), Err(CrnError::SequenceZero)));
        assert_eq!("T195".parse::<Crn>().unwrap().sequence(), 1);
    }

    #[test]
    fn serde_shapes() {
        let scheme: CrnScheme = serde_json::from_str("{}").unwrap();
        assert_eq!(scheme, CrnScheme::default());
        let scheme: CrnScheme = serde_json::from_str(r#"{"prefix": "CMS"}"#).unwrap();
        assert_eq!(scheme.prefix, "CMS");
        assert_eq!(scheme.width, 9);
        let err = serde_json::from_str::<CrnScheme>(r#"{"digits": 9}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `digits`"), "{err}");
        let err = serde_json::from_str::<CrnScheme>(r#"{"width": 0}"#).unwrap_err();
        assert!(err.to_string().contains("expected a CRN width"), "{err}");
        assert!(serde_json::from_str::<CrnScheme>(r#"{"prefix": "C9"}"#).is_err());
        assert_eq!(
            serde_json::to_string(&CrnScheme::default()).unwrap(),
            r#"{"prefix":"C","width":9}"#
        );

        let crn = CrnScheme::default().format(1).unwrap();
        assert_eq!(serde_json::to_string(&crn).unwrap(), r#""C00000000195""#);
        assert_eq!(
            serde_json::from_str::<Crn>(r#""C00000000195""#).unwrap(),
            crn
        );
        assert!(serde_json::from_str::<Crn>(r#""C00000000159""#).is_err());
        assert!(serde_json::from_str::<Crn>("195").is_err());
    }

    #[test]
    fn local_generator_issues_in_order() {
        let generator = CrnGenerator::local(CrnScheme::default(), 1).unwrap();
        assert_eq!(generator.block_size(), DEFAULT_BLOCK_SIZE);
        assert_eq!(generator.next().unwrap().as_str(), "C00000000195");
        assert_eq!(generator.next_sequence().unwrap(), 2);
        assert_eq!(generator.next().unwrap().sequence(), 3);
        let generator = CrnGenerator::local(CrnScheme::default(), 123_456_789)
            .unwrap()
            .with_block_size(0);
        assert_eq!(generator.block_size(), 1);
        assert_eq!(generator.next().unwrap().as_str(), "C12345678978");
        assert_eq!(generator.next_sequence().unwrap(), 123_456_790);
    }

    #[test]
    fn generator_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<CrnGenerator>();
        assert_send_sync::<LocalSequence>();
        assert_send_sync::<CrnError>();
    }

    fn narrow() -> CrnScheme {
        CrnScheme {
            prefix: "T".to_owned(),
            width: 1,
        }
    }

    #[test]
    fn exhaustion_is_an_error() {
        let generator = CrnGenerator::local(narrow(), 8).unwrap();
        assert_eq!(generator.next_sequence().unwrap(), 8);
        assert_eq!(generator.next_sequence().unwrap(), 9);
        for _ in 0..3 {
            assert!(matches!(generator.next(), Err(CrnError::Exhausted)));
        }
        assert_eq!(
            CrnError::Exhausted.to_string(),
            "no CRN sequences are left to issue"
        );
    }

    #[test]
    fn a_block_past_the_maximum_is_cut() {
        // The generator asks for at most `max − last issued` = 9 sequences, so the block is
        // 5..14; only 5 to 9 fit in one digit.
        let source = Arc::new(LocalSequence::starting_at(5));
        let generator = CrnGenerator::new(narrow(), Arc::clone(&source)).unwrap();
        let issued: Vec<u64> = (0..5).map(|_| generator.next_sequence().unwrap()).collect();
        assert_eq!(issued, [5, 6, 7, 8, 9]);
        assert!(matches!(
            generator.next_sequence(),
            Err(CrnError::Exhausted)
        ));
        assert_eq!(source.next_unallocated(), 14);
    }

    #[test]
    fn a_block_beyond_the_maximum_is_refused() {
        let generator = CrnGenerator::local(narrow(), 10).unwrap();
        let err = generator.next_sequence().unwrap_err();
        assert!(matches!(
            err,
            CrnError::BlockBeyondMaximum {
                start: 10,
                end: 19,
                max: 9
            }
        ));
        assert_eq!(
            err.to_string(),
            "expected a block of sequences up to 9 from the sequence source, found `10..19`"
        );
    }

    /// Hands out the blocks it was given, in order, then reports exhaustion.
    struct Scripted(Mutex<VecDeque<Result<Range<u64>, CrnError>>>);

    impl Scripted {
        fn new(blocks: impl IntoIterator<Item = Result<Range<u64>, CrnError>>) -> Self {
            Self(Mutex::new(blocks.into_iter().collect()))
        }
    }

    impl SequenceSource for Scripted {
        fn next_block(&self, _wanted: u64) -> Result<Range<u64>, CrnError> {
            let mut blocks = self.0.lock().map_err(|_| CrnError::Poisoned)?;
            blocks.pop_front().unwrap_or(Err(CrnError::Exhausted))
        }
    }

    #[test]
    fn refused_blocks() {
        let source = Scripted::new([
            Ok(0..3),
            Ok(1..3),
            Ok(2..4),
            Ok(7..7),
            Ok(Range { start: 9, end: 5 }),
            Ok(2..3),
            Ok(10..11),
        ]);
        let generator = CrnGenerator::new(CrnScheme::default(), source).unwrap();
        let err = generator.next_sequence().unwrap_err();
        assert!(matches!(
            err,
            CrnError::BackwardsBlock {
                start: 0,
                end: 3,
                last: 0
            }
        ));
        assert_eq!(generator.next_sequence().unwrap(), 1);
        assert_eq!(generator.next_sequence().unwrap(), 2);
        let err = generator.next_sequence().unwrap_err();
        assert!(matches!(
            err,
            CrnError::BackwardsBlock {
                start: 2,
                end: 4,
                last: 2
            }
        ));
        assert_eq!(
            err.to_string(),
            "expected a block of sequences above 2 from the sequence source, found `2..4`"
        );
        assert!(matches!(
            generator.next_sequence(),
            Err(CrnError::EmptyBlock { start: 7, end: 7 })
        ));
        assert!(matches!(
            generator.next_sequence(),
            Err(CrnError::EmptyBlock { start: 9, end: 5 })
        ));
        assert!(matches!(
            generator.next_sequence(),
            Err(CrnError::BackwardsBlock { start: 2, .. })
        ));
        assert_eq!(generator.next_sequence().unwrap(), 10);
        assert!(matches!(
            generator.next_sequence(),
            Err(CrnError::Exhausted)
        ));
    }

    #[derive(Debug)]
    struct Unreachable;

    impl fmt::Display for Unreachable {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("database unreachable")
        }
    }

    impl std::error::Error for Unreachable {}

    #[test]
    fn source_errors_pass_through_and_the_generator_recovers() {
        let source = Scripted::new([Err(CrnError::Source(Box::new(Unreachable))), Ok(5..6)]);
        let generator = CrnGenerator::new(CrnScheme::default(), source).unwrap();
        let err = generator.next_sequence().unwrap_err();
        assert_eq!(
            err.to_string(),
            "the sequence source failed: database unreachable"
        );
        let CrnError::Source(inner) = err else {
            unreachable!("a source error")
        };
        assert!(inner.downcast_ref::<Unreachable>().is_some());
        assert_eq!(generator.next_sequence().unwrap(), 5);
    }

    struct Panicking;

    impl SequenceSource for Panicking {
        #[allow(clippy::panic, reason = "the test needs a source that panics")]
        fn next_block(&self, _wanted: u64) -> Result<Range<u64>, CrnError> {
            panic!("source failed badly")
        }
    }

    #[test]
    fn a_poisoned_lock_is_an_error() {
        let generator = CrnGenerator::new(CrnScheme::default(), Panicking).unwrap();
        let outcome = std::thread::scope(|scope| scope.spawn(|| generator.next()).join());
        assert!(outcome.is_err(), "the source panicked");
        let err = generator.next().unwrap_err();
        assert!(matches!(err, CrnError::Poisoned));
        assert_eq!(
            err.to_string(),
            "the CRN generator is unusable: a thread panicked while holding its lock"
        );
    }

    #[test]
    fn local_sequence_blocks() {
        let source = LocalSequence::default();
        assert_eq!(source.next_block(3).unwrap(), 1..4);
        assert_eq!(source.next_block(0).unwrap(), 4..5);
        assert_eq!(source.next_unallocated(), 5);
        let source = LocalSequence::starting_at(u64::MAX - 2);
        assert_eq!(source.next_block(10).unwrap(), u64::MAX - 2..u64::MAX);
        assert!(matches!(source.next_block(1), Err(CrnError::Exhausted)));
    }
}
