//! Memory while validating: a counting global allocator measures the peak of bytes allocated
//! during `cms_core::format::validate` on uploads streamed from a generator (so the input itself
//! is never in memory), and checks DESIGN.md's "memory does not grow with the number of records"
//! as far as the format allows: only the two per-contact indexes of DOMAIN.md §8 may grow.
//!
//! `cargo test -p cms-benches --test memory -- --nocapture` prints the figures.
//!
//! The allocator counts what is asked of it: `realloc` counts the change of size (as if in
//! place), an allocation that moves to a new block (a hash table growing) counts old and new
//! together, as they really are. This file holds one test so that nothing else allocates on
//! other threads while it measures.

// A counting allocator must implement the unsafe GlobalAlloc trait; it only forwards to System.
#![allow(unsafe_code)]
// Tests: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use cms_benches::{CmqStream, FILE_NAME};
use cms_core::format::{validate, ValidateOptions};
use cms_core::RuleSet;

/// Forwards to [`System`], keeping the bytes currently allocated and the peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(n: usize) {
    CURRENT.fetch_sub(n, Ordering::Relaxed);
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// GlobalAlloc contract; the counters are only atomics and never touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees about `layout` are passed on as they are.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller's guarantees about `new_size` are passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What one validation cost.
#[derive(Debug, Clone, Copy)]
struct Cost {
    contacts: usize,
    /// Peak bytes allocated during the run, above what was allocated before it.
    peak: usize,
    /// Bytes still allocated by the report after the run.
    report: usize,
    errors: u64,
    listed: usize,
}

fn measure(rules: &std::sync::Arc<RuleSet>, contacts: usize, all_bad: bool) -> Cost {
    let opts = ValidateOptions::default();
    let input = CmqStream::new(contacts, all_bad);
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let report = validate(rules, input, Some(FILE_NAME), &opts).unwrap();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let held = CURRENT.load(Ordering::Relaxed).saturating_sub(base);
    let cost = Cost {
        contacts,
        peak,
        report: held,
        errors: report.errors,
        listed: report.findings().len(),
    };
    if all_bad {
        assert!(report.errors >= 2 * contacts as u64, "{cost:?}");
        assert_eq!(
            report.findings().len(),
            opts.max_findings + 1,
            "the cap, and the capped warning"
        );
    } else if contacts > 0 {
        assert!(report.findings().is_empty(), "{cost:?}");
    }
    drop(report);
    cost
}

fn show(label: &str, c: &Cost) {
    eprintln!(
        "memory: {label:<8} {:>7} contacts: peak {:>11} B ({:>6.2} MiB, {:>5.1} B/contact); report keeps {:>9} B; {} errors, {} listed",
        c.contacts,
        c.peak,
        c.peak as f64 / (1024.0 * 1024.0),
        c.peak as f64 / c.contacts.max(1) as f64,
        c.report,
        c.errors,
        c.listed,
    );
}

#[test]
fn memory_grows_only_with_the_contact_indexes_and_findings_stay_capped() {
    const N1: usize = 100_000;
    const N2: usize = 400_000;
    let rules = RuleSet::embedded().unwrap();
    // Warm up: anything allocated once per process (lazy statics) is not the validator's.
    let _ = measure(&rules, 100, false);

    let empty = measure(&rules, 0, false);
    let clean1 = measure(&rules, N1, false);
    let clean2 = measure(&rules, N2, false);
    let bad2 = measure(&rules, N2, true);
    eprintln!();
    // An upload with no contact is rejected (it needs a C01): the run's fixed cost.
    eprintln!(
        "memory: fixed cost (a file with no contact): peak {} B",
        empty.peak
    );
    show("clean", &clean1);
    show("clean", &clean2);
    show("all-bad", &bad2);
    let slope = (clean2.peak as f64 - clean1.peak as f64) / (N2 - N1) as f64;
    let ratio = bad2.peak as f64 / clean2.peak as f64;
    eprintln!("memory: growth between {N1} and {N2} contacts: {slope:.1} B/contact (limit 64)");
    eprintln!(
        "memory: all-bad / clean peak at {N2} contacts: {ratio:.3} ({} B more)",
        bad2.peak as i64 - clean2.peak as i64
    );

    assert!(slope <= 64.0, "memory grows by {slope:.1} B a contact");
    // Findings are capped: the all-bad file costs the clean one's memory plus the capped findings.
    assert!(
        bad2.peak as f64 <= 1.2 * clean2.peak as f64 + 1024.0 * 1024.0,
        "all-bad {} B, clean {} B",
        bad2.peak,
        clean2.peak
    );
    // A report keeps only its findings: nothing of the per-contact indexes.
    assert!(
        clean2.report < 4096,
        "a clean report keeps {} B",
        clean2.report
    );
    assert!(
        bad2.report < 1024 * 1024,
        "an all-bad report keeps {} B",
        bad2.report
    );
}
