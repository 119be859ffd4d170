//! MPRN helpers. An invalid MPRN is an answer, not an error: [`MprnCheck`] says why.

use cms_core::ids::{self, MprnError, MprnRules};

/// Why a value is not an MPRN (never carries the value itself: it is customer data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum MprnProblem {
    /// A character is not an ASCII digit.
    NotDigits {
        /// 0-based byte offset of the first one.
        offset: u64,
    },
    /// Too few or too many digits.
    Length {
        /// Digits written (leading zeros count).
        digits: u64,
        /// Fewest digits the rules accept.
        min: u8,
        /// Most digits the rules accept.
        max: u8,
    },
    /// The last two digits are not the check of the others.
    CheckDigits {
        /// The check digits the other digits call for (`00` to `10`).
        expected: String,
        /// The last two digits of the value.
        found: String,
    },
    /// The length limits themselves are invalid.
    Rules,
}

/// The answer to "is this an MPRN?".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MprnCheck {
    /// True when the value is a valid MPRN.
    pub valid: bool,
    /// Its number (leading zeros dropped), when valid.
    pub number: Option<u64>,
    /// Why not, when invalid.
    pub problem: Option<MprnProblem>,
    /// The core's description of the problem, when invalid.
    pub message: Option<String>,
}

pub(crate) fn check_mprn_with(value: &str, rules: &MprnRules) -> MprnCheck {
    match ids::check_mprn(value.as_bytes(), rules) {
        Ok(number) => MprnCheck {
            valid: true,
            number: Some(number),
            problem: None,
            message: None,
        },
        Err(e) => MprnCheck {
            valid: false,
            number: None,
            message: Some(e.to_string()),
            problem: Some(match e {
                MprnError::NotDigits { offset, .. } => MprnProblem::NotDigits {
                    offset: to_u64(offset),
                },
                MprnError::Length { digits, min, max } => MprnProblem::Length {
                    digits: to_u64(digits),
                    min,
                    max,
                },
                MprnError::CheckDigits { expected, found } => MprnProblem::CheckDigits {
                    expected: String::from_utf8_lossy(&expected).into_owned(),
                    found: String::from_utf8_lossy(&found).into_owned(),
                },
                MprnError::Rules(_) => MprnProblem::Rules,
            }),
        },
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Check an MPRN with the default length limits (6 to 10 digits); see `RuleSet.checkMprn` for a
/// rule set's own limits.
#[uniffi::export]
pub fn check_mprn(value: String) -> MprnCheck {
    check_mprn_with(&value, &MprnRules::default())
}

/// The two MPRN check digits for `body` (the digits other than the last two), or null when
/// `body` is empty or holds something other than digits.
#[uniffi::export]
pub fn mprn_check_digits(body: String) -> Option<String> {
    ids::mprn_check_digits(body.as_bytes()).map(|d| String::from_utf8_lossy(&d).into_owned())
}

/// Whether `code` is a Local Distribution Zone code (exact, upper case).
#[uniffi::export]
pub fn is_ldz(code: String) -> bool {
    ids::is_ldz(&code)
}

/// The Local Distribution Zone codes, in alphabetical order.
#[uniffi::export]
pub fn ldz_codes() -> Vec<String> {
    ids::LDZ_CODES.iter().map(|c| (*c).to_string()).collect()
}
