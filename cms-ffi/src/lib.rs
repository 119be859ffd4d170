//! # cms-ffi
//!
//! UniFFI bindings for [`cms_core`]: one shared library (`libcms_ffi`) and generated Kotlin and
//! Swift sources, so that services in other languages embed the same rules.
//!
//! The core decides, the door translates: nothing here holds a business rule, a finding code or
//! a message. The crate converts values (most of the core's plain data crosses unchanged, see
//! [`types`]) and maps errors in one place ([`error`]).
//!
//! ## The API (coarse: one foreign call per file, never per record)
//! - [`rules::RuleSet`]: the embedded default or a loaded rule file; validate a file or bytes into
//!   a [`rules::Report`]; run the batch job into a [`rules::BatchResult`] (per-contact outcomes
//!   and the response bytes) or a [`rules::ProcessedFile`]; the catalogue, contact types, formats.
//! - [`calendar::Calendar`]: working days and bank holidays.
//! - [`crn::CrnGenerator`]: issues CRNs over an in-process counter or a host's
//!   [`crn::SequenceSource`]; [`crn::check_crn`], [`crn::format_crn`].
//! - [`ids`]: MPRN checks, LDZ codes.
//! - [`lifecycle`]: contact states, transitions and their refusals, history replay, target
//!   clocks, Mermaid diagrams; [`access`]: access decisions naming their rule, service hours,
//!   visibility, search. The host stores the state; each is one pure call.
//!
//! ## Errors
//! [`error::CmsError`] (Kotlin `CmsException`): `Io`, `Rules`, `Argument`, `Crn`, `Internal`.
//! A panic inside the library becomes `CmsException.Internal`, never a crash of the host
//! (this crate must be built with `panic = "unwind"`, the default).
//!
//! ## Generating the bindings
//! ```sh
//! cargo build --release -p cms-ffi --lib
//! cargo build -p cms-ffi --features bindgen --bin uniffi-bindgen
//! target/debug/uniffi-bindgen generate --language kotlin --out-dir out --crate cms_ffi \
//!     --metadata-no-deps target/release/libcms_ffi.so
//! ```
//! `cms-ffi/kotlin/` is a Maven project that does all of this and runs the Kotlin tests.

uniffi::setup_scaffolding!("cms");

pub mod access;
pub mod calendar;
pub mod crn;
pub mod error;
pub mod ids;
pub mod json;
pub mod lifecycle;
pub mod rules;
pub mod types;

pub use error::CmsError;

use cms_core::batch::Outcome;
use cms_core::OrgType;

/// An organisation type from its spelling (`shipper`, `gt`, `igt`, `mra`, `dmsp`, `uip`, `cdsp`;
/// any case).
#[uniffi::export]
pub fn parse_org_type(text: String) -> Result<OrgType, CmsError> {
    error::guard(|| Ok(text.parse::<OrgType>()?))
}

/// The spelling of an organisation type (`shipper`, ...).
#[uniffi::export]
pub fn org_type_code(org_type: OrgType) -> String {
    org_type.as_str().to_string()
}

/// The response code of an outcome: `AC`, `RJ` or `WN`.
#[uniffi::export]
pub fn outcome_code(outcome: Outcome) -> String {
    outcome.code().to_string()
}

/// The version of the cms library (the crate's version).
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Panics inside the library on purpose, so that a host can check that its error handling sees
/// a Rust panic as `CmsException.Internal` (and that the process survives). Does nothing else.
#[uniffi::export]
pub fn self_test_panic(message: String) -> Result<(), CmsError> {
    error::guard(|| {
        #[allow(clippy::panic, reason = "the point of this function is to panic")]
        {
            panic!("{message}")
        }
    })
}
