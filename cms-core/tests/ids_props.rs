//! Property tests of `cms_core::ids`: MPRN check digits and organisation ids.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on a wrong value"
)]

use cms_core::ids::{
    check_mprn, mprn_check_digits, parse_organisation_id, IdError, Mprn, MprnError, MprnRules,
    OrganisationId,
};
use proptest::prelude::*;

/// Body digits (the MPRN without its check), 4 to 8 of them: MPRNs of 6 to 10 digits.
fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(b'0'..=b'9', 4..=8)
}

/// The body with its check digits appended.
fn with_check(body: &[u8]) -> Vec<u8> {
    let check = mprn_check_digits(body).expect("a body of digits has a check");
    let mut value = body.to_vec();
    value.extend_from_slice(&check);
    value
}

/// The weighted sum of the body modulo 11, computed independently of the library.
fn weighted_sum_mod_11(body: &[u8]) -> u64 {
    let n = body.len() as u64;
    body.iter()
        .zip((1..=n).rev())
        .map(|(&digit, weight)| u64::from(digit - b'0') * weight)
        .sum::<u64>()
        % 11
}

proptest! {
    #[test]
    fn check_digits_are_the_weighted_sum_mod_11(
        body in proptest::collection::vec(b'0'..=b'9', 1..=30),
    ) {
        let check = mprn_check_digits(&body).unwrap();
        let expected = format!("{:02}", weighted_sum_mod_11(&body));
        prop_assert_eq!(check.to_vec(), expected.into_bytes());
    }

    #[test]
    fn round_trip(body in body()) {
        let value = with_check(&body);
        let number = check_mprn(&value, &MprnRules::default()).unwrap();
        let text = String::from_utf8(value.clone()).unwrap();
        prop_assert_eq!(number, text.parse::<u64>().unwrap());
        let mprn: Mprn = text.parse().unwrap();
        prop_assert_eq!(mprn.as_u64(), number);
        prop_assert_eq!(usize::from(mprn.digits()), value.len());
        prop_assert_eq!(mprn.to_string(), text.clone());
        let json = serde_json::to_string(&mprn).unwrap();
        prop_assert_eq!(&json, &format!("\"{text}\""));
        prop_assert_eq!(serde_json::from_str::<Mprn>(&json).unwrap(), mprn);
    }

    /// Weights 1 to 8 share no factor with 11 and a substitution changes a digit by 1 to 9, so
    /// the weighted sum always changes modulo 11: every single substitution in the body fails.
    #[test]
    fn every_body_substitution_fails(
        body in body(),
        position in any::<prop::sample::Index>(),
        digit in b'0'..=b'9',
    ) {
        let mut value = with_check(&body);
        let index = position.index(body.len());
        let slot = value.get_mut(index).unwrap();
        prop_assume!(*slot != digit);
        *slot = digit;
        let err = check_mprn(&value, &MprnRules::default()).unwrap_err();
        prop_assert!(matches!(err, MprnError::CheckDigits { .. }), "{:?}", err);
    }

    /// The check is a function of the body, so changing a check digit always fails.
    #[test]
    fn every_check_digit_substitution_fails(
        body in body(),
        last in any::<bool>(),
        digit in b'0'..=b'9',
    ) {
        let mut value = with_check(&body);
        let index = value.len() - if last { 1 } else { 2 };
        let slot = value.get_mut(index).unwrap();
        prop_assume!(*slot != digit);
        *slot = digit;
        let err = check_mprn(&value, &MprnRules::default()).unwrap_err();
        prop_assert!(matches!(err, MprnError::CheckDigits { .. }), "{:?}", err);
    }

    /// Adjacent body digits a, b have weights w, w − 1: swapping them changes the sum by a − b,
    /// which is not 0 modulo 11 when they differ.
    #[test]
    fn every_adjacent_body_transposition_fails(
        body in body(),
        position in any::<prop::sample::Index>(),
    ) {
        let mut value = with_check(&body);
        let index = position.index(body.len() - 1);
        prop_assume!(value.get(index) != value.get(index + 1));
        value.swap(index, index + 1);
        let err = check_mprn(&value, &MprnRules::default()).unwrap_err();
        prop_assert!(matches!(err, MprnError::CheckDigits { .. }), "{:?}", err);
    }

    /// Leading zeros add nothing to the sum: padding keeps the check and the number, and only
    /// the length limits decide.
    #[test]
    fn leading_zeros_keep_the_check(body in body(), zeros in 0_usize..=4) {
        let value = with_check(&body);
        let mut padded = vec![b'0'; zeros];
        padded.extend_from_slice(&value);
        let padded_body = padded.get(..padded.len() - 2).unwrap();
        prop_assert_eq!(mprn_check_digits(padded_body), mprn_check_digits(&body));
        let rules = MprnRules::default();
        let result = check_mprn(&padded, &rules);
        if padded.len() <= 10 {
            prop_assert_eq!(result, check_mprn(&value, &rules));
        } else {
            let length = MprnError::Length { digits: padded.len(), min: 6, max: 10 };
            prop_assert_eq!(result, Err(length));
        }
    }

    /// Any bytes at all: no panic, and acceptance means digits only, a length within the rules,
    /// and the right check digits.
    #[test]
    fn arbitrary_bytes_never_panic(value in proptest::collection::vec(any::<u8>(), 0..=24)) {
        let rules = MprnRules::default();
        match check_mprn(&value, &rules) {
            Ok(number) => {
                prop_assert!(value.iter().all(u8::is_ascii_digit));
                prop_assert!((6..=10).contains(&value.len()));
                let (body, check) = value.split_at(value.len() - 2);
                prop_assert_eq!(mprn_check_digits(body), <[u8; 2]>::try_from(check).ok());
                let written: u64 = std::str::from_utf8(&value).unwrap().parse().unwrap();
                prop_assert_eq!(number, written);
            }
            Err(MprnError::NotDigits { offset, byte }) => {
                prop_assert_eq!(value.get(offset), Some(&byte));
                prop_assert!(!byte.is_ascii_digit());
                prop_assert!(value.get(..offset).unwrap().iter().all(u8::is_ascii_digit));
            }
            Err(MprnError::Length { digits, .. }) => {
                prop_assert_eq!(digits, value.len());
                prop_assert!(!(6..=10).contains(&digits));
            }
            Err(MprnError::CheckDigits { expected, found }) => {
                prop_assert_ne!(expected, found);
                prop_assert_eq!(value.get(value.len() - 2..), Some(found.as_slice()));
            }
            Err(err @ MprnError::Rules(_)) => prop_assert!(false, "default rules refused: {err}"),
        }
    }

    /// Digit strings of any length are refused for length exactly when outside the rules.
    #[test]
    fn length_limits_follow_the_rules(
        value in proptest::collection::vec(b'0'..=b'9', 0..=22),
        min_digits in 3_u8..=19,
        span in 0_u8..=16,
    ) {
        let rules = MprnRules { min_digits, max_digits: min_digits.saturating_add(span).min(19) };
        let allowed = usize::from(rules.min_digits)..=usize::from(rules.max_digits);
        let in_range = allowed.contains(&value.len());
        let result = check_mprn(&value, &rules);
        prop_assert_eq!(matches!(result, Err(MprnError::Length { .. })), !in_range);
    }

    #[test]
    fn organisation_id_round_trip(number in 0_u64..=OrganisationId::MAX) {
        let id = OrganisationId::new(number).unwrap();
        let text = id.to_string();
        prop_assert_eq!(text.parse::<OrganisationId>().unwrap(), id);
        prop_assert_eq!(parse_organisation_id(text.as_bytes()), Ok(number));
        let padded = format!("{number:010}");
        prop_assert_eq!(parse_organisation_id(padded.as_bytes()), Ok(number));
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(&json, &text);
        prop_assert_eq!(serde_json::from_str::<OrganisationId>(&json).unwrap(), id);
    }

    #[test]
    fn organisation_ids_above_ten_digits_are_refused(number in OrganisationId::MAX + 1..) {
        prop_assert_eq!(OrganisationId::new(number), Err(IdError::TooLarge { value: number }));
        prop_assert!(serde_json::from_str::<OrganisationId>(&number.to_string()).is_err());
        let text = number.to_string();
        let length = IdError::Length { digits: text.len() };
        prop_assert_eq!(parse_organisation_id(text.as_bytes()), Err(length));
    }

    #[test]
    fn organisation_id_arbitrary_bytes(value in proptest::collection::vec(any::<u8>(), 0..=14)) {
        let digits_only = value.iter().all(u8::is_ascii_digit);
        let result = parse_organisation_id(&value);
        prop_assert_eq!(result.is_ok(), digits_only && (1..=10).contains(&value.len()));
        if let Err(IdError::NotDigits { offset, byte }) = result {
            prop_assert_eq!(value.get(offset), Some(&byte));
        }
    }
}

/// `check_mprn` as its documentation states it, one rule after the other.
fn check_mprn_by_the_rules(value: &[u8], rules: &MprnRules) -> Result<u64, MprnError> {
    if let Some((offset, &byte)) = value.iter().enumerate().find(|(_, b)| !b.is_ascii_digit()) {
        return Err(MprnError::NotDigits { offset, byte });
    }
    let length = MprnError::Length {
        digits: value.len(),
        min: rules.min_digits,
        max: rules.max_digits,
    };
    if value.len() < usize::from(rules.min_digits) || value.len() > usize::from(rules.max_digits) {
        return Err(length);
    }
    let (body, found) = value.split_at(value.len().checked_sub(2).unwrap());
    let expected = mprn_check_digits(body).unwrap();
    if expected != found {
        return Err(MprnError::CheckDigits {
            expected,
            found: found.try_into().unwrap(),
        });
    }
    Ok(std::str::from_utf8(value).unwrap().parse().unwrap())
}

proptest! {
    /// The one-pass check gives exactly what the rules, applied one after the other, give.
    #[test]
    fn check_mprn_is_its_rules_in_order(
        value in proptest::collection::vec(
            prop_oneof![8 => b'0'..=b'9', 1 => Just(b'a'), 1 => any::<u8>()],
            0..=24,
        ),
        min in 3_u8..=19,
        span in 0_u8..=16,
        with_check_digits in any::<bool>(),
    ) {
        let rules = MprnRules { min_digits: min, max_digits: (min + span).min(19) };
        let mut value = value;
        if with_check_digits && value.len() >= 3 && value.iter().all(u8::is_ascii_digit) {
            let n = value.len() - 2;
            let check = mprn_check_digits(value.get(..n).unwrap()).unwrap();
            value.get_mut(n..).unwrap().copy_from_slice(&check);
        }
        prop_assert_eq!(check_mprn(&value, &rules), check_mprn_by_the_rules(&value, &rules));
    }
}
