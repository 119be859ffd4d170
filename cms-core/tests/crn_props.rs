//! Property and concurrency tests of `cms_core::crn`: round trips, error detection, and unique,
//! increasing sequences across threads and generators.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on a wrong value"
)]

use std::collections::{HashSet, VecDeque};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use cms_core::crn::{
    check_digits, Crn, CrnError, CrnGenerator, CrnScheme, LocalSequence, SequenceSource,
};
use proptest::prelude::*;

/// A valid scheme with a random prefix and width, and a sequence that fits it.
fn scheme_and_sequence() -> impl Strategy<Value = (CrnScheme, u64)> {
    ("[A-Z]{1,4}|[!-/:-~]{1,3}", 1_u8..=18).prop_flat_map(|(prefix, width)| {
        let scheme = CrnScheme { prefix, width };
        let max = scheme.max_sequence();
        (Just(scheme), 1..=max)
    })
}

proptest! {
    #[test]
    fn default_round_trip(sequence in 1..=CrnScheme::default().max_sequence()) {
        let scheme = CrnScheme::default();
        let crn = scheme.format(sequence).unwrap();
        prop_assert_eq!(crn.as_str().len(), 12);
        prop_assert!(crn.as_str().starts_with('C'));
        prop_assert_eq!(scheme.parse(crn.as_str()).unwrap(), sequence);
        prop_assert_eq!(crn.as_str().parse::<Crn>().unwrap().sequence(), sequence);
        prop_assert_eq!(crn.sequence(), sequence);
    }

    #[test]
    fn any_scheme_round_trip((scheme, sequence) in scheme_and_sequence()) {
        prop_assert_eq!(scheme.check(), Ok(()));
        let crn = scheme.format(sequence).unwrap();
        prop_assert_eq!(crn.as_str().len(), scheme.len());
        prop_assert_eq!(scheme.parse(crn.as_str()).unwrap(), sequence);
        prop_assert_eq!(&scheme.parse_crn(crn.as_str()).unwrap(), &crn);
        let parsed: Crn = crn.as_str().parse().unwrap();
        prop_assert_eq!(parsed.sequence(), sequence);
        let json = serde_json::to_string(&crn).unwrap();
        prop_assert_eq!(serde_json::from_str::<Crn>(&json).unwrap(), crn);
    }

    /// The digits with their check, read as one number, are 1 modulo 97 (ISO 7064 MOD 97-10).
    #[test]
    fn check_digits_make_the_number_one_mod_97(sequence in any::<u64>()) {
        let [tens, units] = check_digits(sequence);
        prop_assert!(tens.is_ascii_digit() && units.is_ascii_digit());
        let check = u128::from(tens - b'0') * 10 + u128::from(units - b'0');
        prop_assert!((2..=98).contains(&check));
        prop_assert_eq!((u128::from(sequence) * 100 + check) % 97, 1);
    }

    #[test]
    fn a_sequence_beyond_the_width_is_refused((scheme, extra) in scheme_and_sequence()) {
        let too_big = scheme.max_sequence().saturating_add(extra);
        let refused = matches!(scheme.format(too_big), Err(CrnError::SequenceTooLarge { .. }));
        prop_assert!(refused);
    }

    #[test]
    fn every_single_substitution_is_rejected(
        (scheme, sequence) in scheme_and_sequence(),
        position in any::<prop::sample::Index>(),
        digit in b'0'..=b'9',
    ) {
        let crn = scheme.format(sequence).unwrap();
        let mut bytes = crn.as_str().as_bytes().to_vec();
        let index = scheme.prefix.len() + position.index(usize::from(scheme.width) + 2);
        let slot = bytes.get_mut(index).unwrap();
        prop_assume!(*slot != digit);
        *slot = digit;
        let changed = String::from_utf8(bytes).unwrap();
        let err = scheme.parse(&changed).unwrap_err();
        prop_assert!(matches!(err, CrnError::CheckDigits { .. }), "{}: {}", changed, err);
        prop_assert!(changed.parse::<Crn>().is_err());
    }

    #[test]
    fn every_adjacent_transposition_is_rejected(
        (scheme, sequence) in scheme_and_sequence(),
        position in any::<prop::sample::Index>(),
    ) {
        let crn = scheme.format(sequence).unwrap();
        let mut bytes = crn.as_str().as_bytes().to_vec();
        let index = scheme.prefix.len() + position.index(usize::from(scheme.width) + 1);
        prop_assume!(bytes.get(index) != bytes.get(index + 1));
        bytes.swap(index, index + 1);
        let changed = String::from_utf8(bytes).unwrap();
        let err = scheme.parse(&changed).unwrap_err();
        prop_assert!(matches!(err, CrnError::CheckDigits { .. }), "{}: {}", changed, err);
    }

    /// Any text: no panic, and what parses formats back to the same text.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,16}|C[0-9]{11}") {
        let scheme = CrnScheme::default();
        if let Ok(sequence) = scheme.parse(&text) {
            let formatted = scheme.format(sequence).unwrap();
            prop_assert_eq!(formatted.as_str(), text.as_str());
        }
        if let Ok(crn) = text.parse::<Crn>() {
            prop_assert_eq!(crn.as_str(), text.as_str());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..=16)) {
        let scheme = CrnScheme::default();
        if let Ok(sequence) = scheme.parse_bytes(&bytes) {
            let formatted = scheme.format(sequence).unwrap();
            prop_assert_eq!(formatted.as_str().as_bytes(), bytes.as_slice());
        }
    }

    /// A generator hands out exactly the sequences of the accepted blocks, in increasing order,
    /// and refuses a block exactly when it is empty, does not start above the last sequence
    /// issued, or starts above the scheme's maximum.
    #[test]
    fn generator_follows_its_source(
        blocks in proptest::collection::vec((0_u64..40, 0_u64..6), 1..12),
    ) {
        let scheme = CrnScheme { prefix: "T".to_owned(), width: 2 };
        let max = scheme.max_sequence();
        let source = Scripted::new(blocks.iter().map(|&(start, len)| Ok(start..start + len)));
        let generator = CrnGenerator::new(scheme, source).unwrap().with_block_size(5);
        let mut last = 0;
        for &(start, len) in &blocks {
            let end = start + len;
            let result = generator.next_sequence();
            if len == 0 {
                prop_assert!(matches!(result, Err(CrnError::EmptyBlock { .. })), "{:?}", result);
            } else if start <= last {
                let refused = matches!(result, Err(CrnError::BackwardsBlock { .. }));
                prop_assert!(refused, "{:?}", result);
            } else if start > max {
                let refused = matches!(result, Err(CrnError::BlockBeyondMaximum { .. }));
                prop_assert!(refused, "{:?}", result);
            } else {
                prop_assert_eq!(result.unwrap(), start);
                for expected in start + 1..end.min(max + 1) {
                    prop_assert_eq!(generator.next_sequence().unwrap(), expected);
                }
                last = end.min(max + 1) - 1;
            }
        }
        let result = generator.next_sequence();
        prop_assert!(matches!(result, Err(CrnError::Exhausted)), "{:?}", result);
    }
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
        self.0
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Err(CrnError::Exhausted))
    }
}

const THREADS: usize = 8;
const PER_THREAD: usize = 10_000;

/// Runs `PER_THREAD` calls of `next` on each generator from `THREADS` threads (spread over the
/// generators in turn) and returns each thread's CRNs.
fn issue_from_threads(generators: &[CrnGenerator]) -> Vec<Vec<Crn>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|thread| {
                let generator = generators.get(thread % generators.len()).unwrap();
                scope.spawn(move || {
                    (0..PER_THREAD)
                        .map(|_| generator.next().unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Every CRN distinct, and each thread's sequences strictly increasing.
fn assert_unique_and_increasing(issued: &[Vec<Crn>]) {
    let mut seen = HashSet::new();
    for crns in issued {
        assert_eq!(crns.len(), PER_THREAD);
        let sequences: Vec<u64> = crns.iter().map(Crn::sequence).collect();
        assert!(
            sequences.windows(2).all(|w| w.first() < w.get(1)),
            "a thread's sequences went backwards"
        );
        for crn in crns {
            assert!(seen.insert(crn.clone()), "{crn} issued twice");
        }
    }
    assert_eq!(seen.len(), THREADS * PER_THREAD);
}

#[test]
fn one_generator_many_threads() {
    for block_size in [1000, 7, 1] {
        let generator = CrnGenerator::local(CrnScheme::default(), 1)
            .unwrap()
            .with_block_size(block_size);
        let issued = issue_from_threads(std::slice::from_ref(&generator));
        assert_unique_and_increasing(&issued);
        // One generator over one local source issues 1 to 80,000 without gaps.
        let all: HashSet<u64> = issued.iter().flatten().map(Crn::sequence).collect();
        let expected: HashSet<u64> = (1..=(THREADS * PER_THREAD) as u64).collect();
        assert_eq!(all, expected, "block size {block_size}");
    }
}

#[test]
fn generators_sharing_a_source_never_collide() {
    for block_size in [1000, 3] {
        let source = Arc::new(LocalSequence::starting_at(500));
        let generators: Vec<CrnGenerator> = (0..2)
            .map(|_| {
                CrnGenerator::new(CrnScheme::default(), Arc::clone(&source))
                    .unwrap()
                    .with_block_size(block_size)
            })
            .collect();
        let issued = issue_from_threads(&generators);
        assert_unique_and_increasing(&issued);
        assert!(issued.iter().flatten().all(|crn| crn.sequence() >= 500));
    }
}

/// Always hands out the same block, as a misconfigured host might.
struct Stuck(Range<u64>);

impl SequenceSource for Stuck {
    fn next_block(&self, _wanted: u64) -> Result<Range<u64>, CrnError> {
        Ok(self.0.clone())
    }
}

#[test]
fn a_backwards_block_is_refused() {
    let generator = CrnGenerator::new(CrnScheme::default(), Stuck(1..4)).unwrap();
    let issued: Vec<u64> = (0..3).map(|_| generator.next_sequence().unwrap()).collect();
    assert_eq!(issued, [1, 2, 3]);
    for _ in 0..3 {
        let err = generator.next().unwrap_err();
        assert!(
            matches!(
                err,
                CrnError::BackwardsBlock {
                    start: 1,
                    end: 4,
                    last: 3
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn a_backwards_block_is_refused_across_threads() {
    // Each thread drains what it can; the stuck source's second hand-out is always refused, so
    // exactly the first block is issued, once.
    let generator = CrnGenerator::new(CrnScheme::default(), Stuck(10..20)).unwrap();
    let issued: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    for _ in 0..20 {
                        match generator.next_sequence() {
                            Ok(sequence) => mine.push(sequence),
                            Err(CrnError::BackwardsBlock { .. }) => {}
                            Err(err) => return Err(err),
                        }
                    }
                    Ok(mine)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    let mut all: Vec<u64> = issued.iter().flatten().copied().collect();
    all.sort_unstable();
    assert_eq!(all, (10..20).collect::<Vec<_>>());
}
