//! Identifiers of the gas market: MPRN, organisation id and LDZ codes (DOMAIN.md §5, §2).
//!
//! Everything here works on bytes, because values come from files and a file is never assumed to
//! be UTF-8, and nothing here panics on any input.
//!
//! Errors never carry the value that was checked (an MPRN is customer data): they carry the
//! facts a caller needs to act on — the offending byte and its offset, the digit count, the check
//! digits found and expected. A caller that may show customer data has the value already.
//!
//! # MPRN
//! The last two digits of an MPRN are a check over the others: weight the other digits n, n−1,
//! …, 1 from the left (n = their count), sum the products, take the sum modulo 11 and write it as
//! two digits (`00` to `10`).
//!
//! ```
//! use cms_core::ids::{check_mprn, mprn_check_digits, MprnError, MprnRules};
//!
//! let rules = MprnRules::default(); // 6 to 10 digits
//! assert_eq!(check_mprn(b"3938424403", &rules), Ok(3_938_424_403));
//! assert_eq!(mprn_check_digits(b"39384244"), Some(*b"03"));
//! assert_eq!(
//!     check_mprn(b"1234567890", &rules),
//!     Err(MprnError::CheckDigits { expected: *b"10", found: *b"90" })
//! );
//! ```
//!
//! **Leading zeros.** The digit count is the count of digits written, so `0` padding counts
//! towards the length limits. A leading zero adds nothing to the weighted sum, so padding never
//! changes the check digits: `123456707` and `0123456707` are both valid and [`check_mprn`]
//! returns the same number for both, while `00123456707` has 11 digits and is refused. [`Mprn`]
//! keeps the digit count, so it displays the value as written.
//!
//! **What the check catches.** With at most 10 body digits every weight is 1 to 10, which shares
//! no factor with 11, so every single-digit substitution in the body changes the sum modulo 11
//! and is caught; so is every swap of two adjacent differing body digits (the sum changes by their
//! difference). A change to the check digits is caught because the check is unique. Rules that
//! allow more than 12 digits give some body digit a weight of 11 (0 modulo 11), and a
//! substitution there is not caught.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Smallest `min_digits` an [`MprnRules`] may have: one body digit and the two check digits.
pub const MPRN_MIN_DIGITS_LIMIT: u8 = 3;
/// Largest `max_digits` an [`MprnRules`] may have: every 19-digit number fits in a `u64`.
pub const MPRN_MAX_DIGITS_LIMIT: u8 = 19;

/// Length limits for an MPRN, as data (DOMAIN.md §5: 6 to 10 digits by default).
///
/// Deserializing checks the limits ([`MprnRules::check`]); missing fields take the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawMprnRules")]
pub struct MprnRules {
    /// Fewest digits accepted, check digits included.
    pub min_digits: u8,
    /// Most digits accepted, check digits included.
    pub max_digits: u8,
}

impl Default for MprnRules {
    fn default() -> Self {
        Self {
            min_digits: 6,
            max_digits: 10,
        }
    }
}

impl MprnRules {
    /// Checks the limits: `3 <= min_digits <= max_digits <= 19`.
    ///
    /// ```
    /// use cms_core::ids::MprnRules;
    ///
    /// assert!(MprnRules::default().check().is_ok());
    /// assert!(MprnRules { min_digits: 2, max_digits: 10 }.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), MprnRulesError> {
        if MPRN_MIN_DIGITS_LIMIT <= self.min_digits
            && self.min_digits <= self.max_digits
            && self.max_digits <= MPRN_MAX_DIGITS_LIMIT
        {
            Ok(())
        } else {
            Err(MprnRulesError {
                min_digits: self.min_digits,
                max_digits: self.max_digits,
            })
        }
    }
}

/// The serde shape of [`MprnRules`], checked before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawMprnRules {
    min_digits: u8,
    max_digits: u8,
}

impl Default for RawMprnRules {
    fn default() -> Self {
        let rules = MprnRules::default();
        Self {
            min_digits: rules.min_digits,
            max_digits: rules.max_digits,
        }
    }
}

impl TryFrom<RawMprnRules> for MprnRules {
    type Error = MprnRulesError;

    fn try_from(raw: RawMprnRules) -> Result<Self, Self::Error> {
        let rules = Self {
            min_digits: raw.min_digits,
            max_digits: raw.max_digits,
        };
        rules.check().map(|()| rules)
    }
}

/// [`MprnRules`] whose limits are out of order or outside 3 to 19 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid MPRN length limits `{min_digits}..={max_digits}`, \
     expected a range within 3 to 19 digits"
)]
pub struct MprnRulesError {
    /// The `min_digits` given.
    pub min_digits: u8,
    /// The `max_digits` given.
    pub max_digits: u8,
}

/// Why a value is not an MPRN. No variant carries the value itself (it is customer data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MprnError {
    /// A byte is not an ASCII digit.
    #[error("expected only digits in an MPRN, found `{}` at byte {offset}", show_byte(.byte))]
    NotDigits {
        /// 0-based offset of the first byte that is not a digit.
        offset: usize,
        /// That byte.
        byte: u8,
    },
    /// The value has too few or too many digits.
    #[error("expected {min} to {max} digits in an MPRN, found `{digits}`")]
    Length {
        /// Digits written (leading zeros count).
        digits: usize,
        /// Fewest digits the rules accept.
        min: u8,
        /// Most digits the rules accept.
        max: u8,
    },
    /// The last two digits are not the check of the others.
    #[error(
        "wrong MPRN check digits `{}`, expected `{}`",
        show_digits(.found),
        show_digits(.expected)
    )]
    CheckDigits {
        /// The check digits the other digits call for, as ASCII (`*b"00"` to `*b"10"`).
        expected: [u8; 2],
        /// The last two digits of the value, as ASCII.
        found: [u8; 2],
    },
    /// The rules themselves are invalid, so no value can be checked against them.
    #[error(transparent)]
    Rules(#[from] MprnRulesError),
}

fn show_byte(byte: &u8) -> std::ascii::EscapeDefault {
    std::ascii::escape_default(*byte)
}

fn show_digits(digits: &[u8; 2]) -> std::slice::EscapeAscii<'_> {
    // Digits unless built by hand; escaping keeps any byte readable.
    digits.escape_ascii()
}

/// The two MPRN check digits, as ASCII, for `body` (the digits other than the last two).
///
/// The digits are weighted n, n−1, …, 1 from the left (n = `body.len()`); the sum of the products
/// modulo 11 is written as two digits, `00` to `10`. Returns `None` when `body` is empty or holds
/// a byte that is not an ASCII digit. Any length is handled (the sum is kept modulo 11).
///
/// ```
/// use cms_core::ids::mprn_check_digits;
///
/// assert_eq!(mprn_check_digits(b"39384244"), Some(*b"03"));
/// assert_eq!(mprn_check_digits(b"12345678"), Some(*b"10"));
/// assert_eq!(mprn_check_digits(b"3938x244"), None);
/// ```
pub fn mprn_check_digits(body: &[u8]) -> Option<[u8; 2]> {
    if body.is_empty() {
        return None;
    }
    let mut check = CheckSum::new(body.len());
    // Reduced modulo 11 every 2^20 digits at the latest, so the sum never overflows.
    for chunk in body.chunks(1 << 20) {
        for &byte in chunk {
            if !byte.is_ascii_digit() {
                return None;
            }
            check.add(byte - b'0');
        }
        check.sum %= 11;
    }
    Some(check.digits())
}

/// The weighted sum of an MPRN body's digits, a digit at a time: for `n` digits the weights run
/// from `n` down to 1, kept modulo 11 (a weight of 11 counts as 0). At most 10 × 9 a digit, and
/// no division per digit.
struct CheckSum {
    sum: u64,
    weight: u64,
}

impl CheckSum {
    /// Before the first digit of a body of `n` digits.
    fn new(n: usize) -> Self {
        Self {
            sum: 0,
            weight: (n % 11) as u64,
        }
    }

    /// The next digit (0 to 9).
    fn add(&mut self, digit: u8) {
        self.sum += self.weight * u64::from(digit);
        self.weight = if self.weight == 0 {
            10
        } else {
            self.weight - 1
        };
    }

    /// The check digits: the sum modulo 11, as two ASCII digits.
    fn digits(&self) -> [u8; 2] {
        two_digits((self.sum % 11) as usize)
    }
}

/// `value` (below 100) as two ASCII digits.
fn two_digits(value: usize) -> [u8; 2] {
    // Both quotients are below 10, so the casts cannot truncate.
    [b'0' + (value / 10 % 10) as u8, b'0' + (value % 10) as u8]
}

/// Finds the first byte that is not an ASCII digit.
fn first_non_digit(value: &[u8]) -> Option<(usize, u8)> {
    let offset = crate::bytes::leading_digits(value);
    value.get(offset).map(|&byte| (offset, byte))
}

/// The number written by `digits` (all ASCII digits), or `None` when it does not fit in a `u64`.
fn digits_value(digits: &[u8]) -> Option<u64> {
    if digits.len() <= 19 {
        // Nineteen digits always fit: no check per digit.
        let n = digits.iter().fold(0_u64, |acc, &byte| {
            acc.wrapping_mul(10)
                .wrapping_add(u64::from(byte.wrapping_sub(b'0')))
        });
        return Some(n);
    }
    digits.iter().try_fold(0_u64, |acc, &byte| {
        acc.checked_mul(10)?
            .checked_add(u64::from(byte.wrapping_sub(b'0')))
    })
}

/// Checks an MPRN and returns its number.
///
/// The checks run in this order: every byte is an ASCII digit ([`MprnError::NotDigits`]), the
/// digit count is within the rules ([`MprnError::Length`]; leading zeros count), the last two
/// digits are the check of the others ([`MprnError::CheckDigits`]). Invalid rules give
/// [`MprnError::Rules`]. Leading zeros are not part of the number returned; see [`Mprn`] to keep
/// them.
///
/// ```
/// use cms_core::ids::{check_mprn, MprnError, MprnRules};
///
/// let rules = MprnRules::default();
/// assert_eq!(check_mprn(b"2459924700", &rules), Ok(2_459_924_700));
/// assert_eq!(
///     check_mprn(b"12345", &rules),
///     Err(MprnError::Length { digits: 5, min: 6, max: 10 })
/// );
/// assert_eq!(
///     check_mprn(b"39384244O3", &rules),
///     Err(MprnError::NotDigits { offset: 8, byte: b'O' })
/// );
/// ```
pub fn check_mprn(value: &[u8], rules: &MprnRules) -> Result<u64, MprnError> {
    rules.check()?;
    let length = MprnError::Length {
        digits: value.len(),
        min: rules.min_digits,
        max: rules.max_digits,
    };
    // The rules allow at most 19 digits: longer, only the digits are checked, then the length.
    if value.len() > usize::from(MPRN_MAX_DIGITS_LIMIT) {
        return Err(
            first_non_digit(value).map_or(length, |(offset, byte)| MprnError::NotDigits {
                offset,
                byte,
            }),
        );
    }
    // One pass: every byte a digit, the number (19 digits always fit), and the body's check.
    let body = value.len().saturating_sub(2);
    let mut number = 0_u64;
    let mut check = CheckSum::new(body);
    for (offset, &byte) in value.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(MprnError::NotDigits { offset, byte });
        }
        number = number.wrapping_mul(10).wrapping_add(u64::from(digit));
        if offset < body {
            check.add(digit);
        }
    }
    if value.len() < usize::from(rules.min_digits) || value.len() > usize::from(rules.max_digits) {
        return Err(length);
    }
    let expected = check.digits();
    // At least 3 digits (the rules' minimum), so the last two are there.
    let Some(found) = value.last_chunk::<2>() else {
        return Err(length);
    };
    if expected != *found {
        return Err(MprnError::CheckDigits {
            expected,
            found: *found,
        });
    }
    Ok(number)
}

/// A checked MPRN: its number and the count of digits it was written with.
///
/// Two values that differ only in leading zeros are different `Mprn`s (they display
/// differently) but have the same [`Mprn::as_u64`]. Parses ([`FromStr`], serde) with the default
/// [`MprnRules`]; use [`Mprn::parse`] for other rules. Serializes as a string of digits.
///
/// ```
/// use cms_core::ids::Mprn;
///
/// let mprn: Mprn = "7613419305".parse()?;
/// assert_eq!(mprn.as_u64(), 7_613_419_305);
/// assert_eq!(mprn.to_string(), "7613419305");
/// assert!("1234567890".parse::<Mprn>().is_err());
/// # Ok::<(), cms_core::ids::MprnError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mprn {
    value: u64,
    digits: u8,
}

impl Mprn {
    /// Checks `value` with [`check_mprn`] and keeps its digit count.
    pub fn parse(value: &[u8], rules: &MprnRules) -> Result<Self, MprnError> {
        let number = check_mprn(value, rules)?;
        // `check_mprn` accepted at most 19 digits, so the count fits in a `u8`.
        let digits = u8::try_from(value.len()).map_err(|_| MprnError::Length {
            digits: value.len(),
            min: rules.min_digits,
            max: rules.max_digits,
        })?;
        Ok(Self {
            value: number,
            digits,
        })
    }

    /// The number (leading zeros dropped).
    pub fn as_u64(&self) -> u64 {
        self.value
    }

    /// The count of digits written, check digits and leading zeros included.
    pub fn digits(&self) -> u8 {
        self.digits
    }
}

impl fmt::Display for Mprn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:0width$}",
            self.value,
            width = usize::from(self.digits)
        )
    }
}

impl FromStr for Mprn {
    type Err = MprnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes(), &MprnRules::default())
    }
}

impl Serialize for Mprn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Mprn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Mprn;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an MPRN as a string of 6 to 10 digits")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Mprn, E> {
                value.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Why a value is not an organisation id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// A byte is not an ASCII digit.
    #[error(
        "expected only digits in an organisation id, found `{}` at byte {offset}",
        show_byte(.byte)
    )]
    NotDigits {
        /// 0-based offset of the first byte that is not a digit.
        offset: usize,
        /// That byte.
        byte: u8,
    },
    /// The value is empty or has more than 10 digits.
    #[error("expected 1 to 10 digits in an organisation id, found `{digits}`")]
    Length {
        /// Digits written (leading zeros count).
        digits: usize,
    },
    /// A number above 9999999999 (more than 10 digits).
    #[error("expected an organisation id of at most 10 digits, found `{value}`")]
    TooLarge {
        /// The number given.
        value: u64,
    },
}

/// Most digits an organisation id may have (DOMAIN.md §2).
pub const ORGANISATION_ID_MAX_DIGITS: usize = 10;

/// Parses an `ORGANISATION_ID`: 1 to 10 ASCII digits (leading zeros count towards the 10).
///
/// ```
/// use cms_core::ids::{parse_organisation_id, IdError};
///
/// assert_eq!(parse_organisation_id(b"0000012345"), Ok(12_345));
/// assert_eq!(parse_organisation_id(b""), Err(IdError::Length { digits: 0 }));
/// assert_eq!(parse_organisation_id(b"12 4"), Err(IdError::NotDigits { offset: 2, byte: b' ' }));
/// ```
pub fn parse_organisation_id(value: &[u8]) -> Result<u64, IdError> {
    if let Some((offset, byte)) = first_non_digit(value) {
        return Err(IdError::NotDigits { offset, byte });
    }
    let length = IdError::Length {
        digits: value.len(),
    };
    if value.is_empty() || value.len() > ORGANISATION_ID_MAX_DIGITS {
        return Err(length);
    }
    digits_value(value).ok_or(length)
}

/// An organisation id: a number of at most 10 digits. Serializes as a JSON number.
///
/// ```
/// use cms_core::ids::OrganisationId;
///
/// let id: OrganisationId = "42".parse()?;
/// assert_eq!(id.get(), 42);
/// assert!(OrganisationId::new(10_000_000_000).is_err());
/// # Ok::<(), cms_core::ids::IdError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct OrganisationId(u64);

impl OrganisationId {
    /// The largest organisation id, 9999999999.
    pub const MAX: u64 = 9_999_999_999;

    /// An organisation id from its number; [`IdError::TooLarge`] above [`OrganisationId::MAX`].
    pub fn new(value: u64) -> Result<Self, IdError> {
        if value <= Self::MAX {
            Ok(Self(value))
        } else {
            Err(IdError::TooLarge { value })
        }
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for OrganisationId {
    type Error = IdError;

    fn try_from(value: u64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<OrganisationId> for u64 {
    fn from(id: OrganisationId) -> Self {
        id.0
    }
}

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for OrganisationId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_organisation_id(s.as_bytes()).map(Self)
    }
}

/// The Local Distribution Zone codes (DOMAIN.md §5), in alphabetical order.
pub const LDZ_CODES: [&str; 13] = [
    "EA", "EM", "NE", "NO", "NT", "NW", "SC", "SE", "SO", "SW", "WM", "WN", "WS",
];

/// Whether `code` is one of [`LDZ_CODES`] (exact, case-sensitive: `"ea"` is not).
///
/// ```
/// use cms_core::ids::is_ldz;
///
/// assert!(is_ldz("NW"));
/// assert!(!is_ldz("nw"));
/// assert!(!is_ldz("XX"));
/// ```
pub fn is_ldz(code: &str) -> bool {
    LDZ_CODES.contains(&code)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on a wrong value"
)]
mod tests {
    use super::*;

    const VALID: [(&str, u64); 6] = [
        ("3938424403", 3_938_424_403),
        ("1234567810", 1_234_567_810),
        ("9876543209", 9_876_543_209),
        ("7613419305", 7_613_419_305),
        ("3930574909", 3_930_574_909),
        ("2459924700", 2_459_924_700),
    ];

    #[test]
    fn valid_mprns_are_accepted() {
        let rules = MprnRules::default();
        for (text, number) in VALID {
            assert_eq!(check_mprn(text.as_bytes(), &rules), Ok(number), "{text}");
            let mprn: Mprn = text.parse().unwrap();
            assert_eq!(mprn.as_u64(), number);
            assert_eq!(mprn.digits(), 10);
            assert_eq!(mprn.to_string(), text);
        }
    }

    #[test]
    fn check_digits_of_the_examples() {
        assert_eq!(mprn_check_digits(b"39384244"), Some(*b"03"));
        assert_eq!(mprn_check_digits(b"12345678"), Some(*b"10"));
        assert_eq!(mprn_check_digits(b"98765432"), Some(*b"09"));
        assert_eq!(mprn_check_digits(b"24599247"), Some(*b"00"));
        assert_eq!(mprn_check_digits(b"1"), Some(*b"01"));
        assert_eq!(mprn_check_digits(b""), None);
        assert_eq!(mprn_check_digits(b"1234567a"), None);
        assert_eq!(mprn_check_digits(b"\xff"), None);
    }

    #[test]
    fn the_common_sample_fails_the_check() {
        let err = check_mprn(b"1234567890", &MprnRules::default()).unwrap_err();
        assert_eq!(
            err,
            MprnError::CheckDigits {
                expected: *b"10",
                found: *b"90"
            }
        );
        assert_eq!(
            err.to_string(),
            "wrong MPRN check digits `90`, expected `10`"
        );
    }

    #[test]
    fn length_is_checked_before_the_check_digits() {
        let rules = MprnRules::default();
        // `12310` and `12345678900` have correct check digits but the wrong length.
        assert_eq!(mprn_check_digits(b"123"), Some(*b"10"));
        assert_eq!(
            check_mprn(b"12310", &rules),
            Err(MprnError::Length {
                digits: 5,
                min: 6,
                max: 10
            })
        );
        assert_eq!(mprn_check_digits(b"123456789"), Some(*b"00"));
        let err = check_mprn(b"12345678900", &rules).unwrap_err();
        assert_eq!(
            err,
            MprnError::Length {
                digits: 11,
                min: 6,
                max: 10
            }
        );
        assert_eq!(
            err.to_string(),
            "expected 6 to 10 digits in an MPRN, found `11`"
        );
        assert_eq!(
            check_mprn(b"", &rules),
            Err(MprnError::Length {
                digits: 0,
                min: 6,
                max: 10
            })
        );
    }

    #[test]
    fn non_digits_are_refused_with_their_offset() {
        let rules = MprnRules::default();
        assert_eq!(
            check_mprn(b"39384244AB", &rules),
            Err(MprnError::NotDigits {
                offset: 8,
                byte: b'A'
            })
        );
        assert_eq!(
            check_mprn(b"ABCDEFGHIJ", &rules),
            Err(MprnError::NotDigits {
                offset: 0,
                byte: b'A'
            })
        );
        assert_eq!(
            check_mprn(b" 3938424403", &rules),
            Err(MprnError::NotDigits {
                offset: 0,
                byte: b' '
            })
        );
        assert_eq!(
            check_mprn(b"-938424403", &rules),
            Err(MprnError::NotDigits {
                offset: 0,
                byte: b'-'
            })
        );
        let err = check_mprn(b"39\xff8424403", &rules).unwrap_err();
        assert_eq!(
            err,
            MprnError::NotDigits {
                offset: 2,
                byte: 0xff
            }
        );
        assert_eq!(
            err.to_string(),
            "expected only digits in an MPRN, found `\\xff` at byte 2"
        );
        // Non-ASCII digits (here U+0663 ARABIC-INDIC DIGIT THREE) are not digits.
        assert!(matches!(
            check_mprn("٣938424403".as_bytes(), &rules),
            Err(MprnError::NotDigits { offset: 0, .. })
        ));
    }

    #[test]
    fn leading_zeros_count_as_digits_and_keep_the_check() {
        let rules = MprnRules::default();
        assert_eq!(mprn_check_digits(b"1234567"), Some(*b"07"));
        assert_eq!(check_mprn(b"123456707", &rules), Ok(123_456_707));
        assert_eq!(check_mprn(b"0123456707", &rules), Ok(123_456_707));
        assert_eq!(
            check_mprn(b"00123456707", &rules),
            Err(MprnError::Length {
                digits: 11,
                min: 6,
                max: 10
            })
        );
        let short: Mprn = "123456707".parse().unwrap();
        let padded: Mprn = "0123456707".parse().unwrap();
        assert_eq!(short.as_u64(), padded.as_u64());
        assert_ne!(short, padded);
        assert_eq!(padded.digits(), 10);
        assert_eq!(padded.to_string(), "0123456707");
        // All zeros: every product is 0, so `00` is the check.
        assert_eq!(check_mprn(b"000000", &rules), Ok(0));
        assert_eq!("000000".parse::<Mprn>().unwrap().to_string(), "000000");
    }

    #[test]
    fn custom_rules_change_the_length_limits() {
        let rules = MprnRules {
            min_digits: 10,
            max_digits: 10,
        };
        assert_eq!(
            check_mprn(b"123456707", &rules),
            Err(MprnError::Length {
                digits: 9,
                min: 10,
                max: 10
            })
        );
        assert_eq!(check_mprn(b"0123456707", &rules), Ok(123_456_707));
        let mprn = Mprn::parse(b"0123456707", &rules).unwrap();
        assert_eq!(mprn.to_string(), "0123456707");
    }

    #[test]
    fn a_weight_of_eleven_hides_a_substitution() {
        // With 13 digits the first body digit has weight 11 = 0 (mod 11): any digit there passes.
        let rules = MprnRules {
            min_digits: 6,
            max_digits: 13,
        };
        assert_eq!(mprn_check_digits(b"10000000000"), Some(*b"00"));
        assert_eq!(check_mprn(b"1000000000000", &rules), Ok(1_000_000_000_000));
        assert_eq!(check_mprn(b"2000000000000", &rules), Ok(2_000_000_000_000));
        // With 12 digits the largest weight is 10, and the substitution is caught.
        assert_eq!(mprn_check_digits(b"1000000000"), Some(*b"10"));
        assert!(check_mprn(b"200000000010", &rules).is_err());
    }

    #[test]
    fn check_digits_match_the_weighted_sum_for_any_length() {
        // The rule as written: weights n down to 1, the sum modulo 11.
        let oracle = |body: &[u8]| {
            let n = body.len();
            let sum: usize = body
                .iter()
                .enumerate()
                .map(|(i, d)| (n - i) * usize::from(d - b'0'))
                .sum();
            two_digits(sum % 11)
        };
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        for len in 1..60 {
            for _ in 0..50 {
                let body: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        b'0' + (x % 10) as u8
                    })
                    .collect();
                assert_eq!(mprn_check_digits(&body), Some(oracle(&body)), "{body:?}");
            }
        }
        let long = vec![b'9'; 3_000_000];
        assert_eq!(mprn_check_digits(&long), Some(oracle(&long)));
    }

    #[test]
    fn invalid_rules_are_an_error_not_a_panic() {
        for (min_digits, max_digits) in [(2, 10), (11, 10), (6, 20), (0, 0), (255, 255)] {
            let rules = MprnRules {
                min_digits,
                max_digits,
            };
            let err = MprnRulesError {
                min_digits,
                max_digits,
            };
            assert_eq!(rules.check(), Err(err));
            assert_eq!(
                check_mprn(b"3938424403", &rules),
                Err(MprnError::Rules(err))
            );
        }
        assert_eq!(
            MprnRules {
                min_digits: 2,
                max_digits: 10
            }
            .check()
            .unwrap_err()
            .to_string(),
            "invalid MPRN length limits `2..=10`, expected a range within 3 to 19 digits"
        );
        let widest = MprnRules {
            min_digits: 3,
            max_digits: 19,
        };
        assert_eq!(widest.check(), Ok(()));
        // The largest 19-digit value fits in a u64.
        let body = b"99999999999999999";
        let check = mprn_check_digits(body).unwrap();
        let mut value = body.to_vec();
        value.extend_from_slice(&check);
        assert_eq!(value.len(), 19);
        assert!(check_mprn(&value, &widest).is_ok());
    }

    #[test]
    fn mprn_rules_serde() {
        let rules: MprnRules = serde_json::from_str("{}").unwrap();
        assert_eq!(rules, MprnRules::default());
        let rules: MprnRules = serde_json::from_str(r#"{"min_digits": 8}"#).unwrap();
        assert_eq!(
            rules,
            MprnRules {
                min_digits: 8,
                max_digits: 10
            }
        );
        let err = serde_json::from_str::<MprnRules>(r#"{"min": 8}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `min`"), "{err}");
        let err = serde_json::from_str::<MprnRules>(r#"{"min_digits": 12, "max_digits": 10}"#)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("invalid MPRN length limits `12..=10`"),
            "{err}"
        );
        assert_eq!(
            serde_json::to_string(&MprnRules::default()).unwrap(),
            r#"{"min_digits":6,"max_digits":10}"#
        );
    }

    #[test]
    fn mprn_serde_is_a_string() {
        let mprn: Mprn = "3938424403".parse().unwrap();
        let json = serde_json::to_string(&mprn).unwrap();
        assert_eq!(json, r#""3938424403""#);
        assert_eq!(serde_json::from_str::<Mprn>(&json).unwrap(), mprn);
        let padded: Mprn = serde_json::from_str(r#""0123456707""#).unwrap();
        assert_eq!(serde_json::to_string(&padded).unwrap(), r#""0123456707""#);
        assert!(serde_json::from_str::<Mprn>("3938424403").is_err());
        let err = serde_json::from_str::<Mprn>(r#""1234567890""#).unwrap_err();
        assert!(err.to_string().contains("wrong MPRN check digits"), "{err}");
    }

    #[test]
    fn organisation_ids() {
        assert_eq!(parse_organisation_id(b"1"), Ok(1));
        assert_eq!(parse_organisation_id(b"0"), Ok(0));
        assert_eq!(parse_organisation_id(b"9999999999"), Ok(9_999_999_999));
        assert_eq!(parse_organisation_id(b"0000000001"), Ok(1));
        assert_eq!(
            parse_organisation_id(b"10000000000"),
            Err(IdError::Length { digits: 11 })
        );
        assert_eq!(
            parse_organisation_id(b"00000000001"),
            Err(IdError::Length { digits: 11 })
        );
        assert_eq!(
            parse_organisation_id(b""),
            Err(IdError::Length { digits: 0 })
        );
        assert_eq!(
            parse_organisation_id(b"12a"),
            Err(IdError::NotDigits {
                offset: 2,
                byte: b'a'
            })
        );
        assert_eq!(
            parse_organisation_id(b"+12"),
            Err(IdError::NotDigits {
                offset: 0,
                byte: b'+'
            })
        );
        assert_eq!(
            parse_organisation_id(b"12a").unwrap_err().to_string(),
            "expected only digits in an organisation id, found `a` at byte 2"
        );
        assert_eq!(
            parse_organisation_id(b"").unwrap_err().to_string(),
            "expected 1 to 10 digits in an organisation id, found `0`"
        );
    }

    #[test]
    fn organisation_id_newtype() {
        let id: OrganisationId = "0000012345".parse().unwrap();
        assert_eq!(id.get(), 12_345);
        assert_eq!(id.to_string(), "12345");
        assert_eq!(u64::from(id), 12_345);
        assert_eq!(
            OrganisationId::new(9_999_999_999).unwrap().get(),
            9_999_999_999
        );
        let err = OrganisationId::new(10_000_000_000).unwrap_err();
        assert_eq!(
            err,
            IdError::TooLarge {
                value: 10_000_000_000
            }
        );
        assert_eq!(
            err.to_string(),
            "expected an organisation id of at most 10 digits, found `10000000000`"
        );
        assert_eq!(serde_json::to_string(&id).unwrap(), "12345");
        assert_eq!(serde_json::from_str::<OrganisationId>("12345").unwrap(), id);
        assert!(serde_json::from_str::<OrganisationId>("10000000000").is_err());
        assert!(serde_json::from_str::<OrganisationId>(r#""12345""#).is_err());
        assert!(serde_json::from_str::<OrganisationId>("-1").is_err());
    }

    #[test]
    fn ldz_codes() {
        for code in LDZ_CODES {
            assert!(is_ldz(code), "{code}");
        }
        let mut sorted = LDZ_CODES;
        sorted.sort_unstable();
        assert_eq!(sorted, LDZ_CODES);
        for pair in LDZ_CODES.windows(2) {
            assert_ne!(pair.first(), pair.get(1));
        }
        for code in ["", "E", "ea", "Ea", "EAX", "XX", " EA", "NE "] {
            assert!(!is_ldz(code), "{code}");
        }
    }
}
