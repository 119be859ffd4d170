//! # cms-core
//!
//! The rules of the GB gas market's Contact Management Service (CMS), as a library: contact
//! types, Contact Reference Numbers (CRNs), working days, and validation and processing of UK
//! Link batch files.
//!
//! ## Overview
//! - [`rules`]: the rule set as data — organisation and contact types, file formats, the finding
//!   catalogue, calendar exceptions, service hours. An embedded default ships with the crate;
//!   a user loads their own without recompiling ([`RuleSet::load`]).
//! - [`format`]: a streaming, schema-driven validator for any UK Link format of the rule set.
//! - [`batch`]: the main job — a contact upload in, CRNs and target dates issued, a response
//!   file out.
//! - [`ids`], [`crn`], [`calendar`]: MPRNs, CRNs, working days.
//!
//! ## Usage
//! ```
//! use cms_core::{RuleSet, format::{validate_bytes, ValidateOptions}};
//!
//! let rules = RuleSet::embedded()?;
//! let upload = b"\"A00\",1234,\"CMQ\",20261202,093000,42
//! \"C01\",\"REF-1\",\"CDQ\",1234567890,,,20261101,,,,\"meter over-reads\"
//! \"Z99\",1
//! ";
//! let report = validate_bytes(&rules, upload, Some("SHP00042.CMQ"), &ValidateOptions::default())?;
//! assert!(!report.accepted());
//! let f = &report.findings()[0];
//! assert_eq!((report.code(f), f.line, f.field.as_deref()), ("CON00008", Some(2), Some("SUPPLY_METER_POINT_REFERENCE")));
//! assert_eq!(report.message(f), "MPRN `1234567890` fails its check digits (they would be `10`)");
//! # Ok::<(), cms_core::Error>(())
//! ```
//!
//! ## Untrusted input
//! Files are read as bytes, never decoded; every line is bounded; no input panics (the crate
//! denies `unwrap`, `expect`, `panic!` and slice indexing by lint, and forbids `unsafe`).
//! Findings are data: a terrible file gives a report, not an error.
//!
//! ## Public API
//! Finding codes and the rule-file format are public API: a code never changes meaning.

pub mod access;
pub mod batch;
mod bytes;
pub mod calendar;
mod contact;
pub mod crn;
pub mod door;
mod error;
pub mod finding;
pub mod format;
pub mod ids;
pub mod lifecycle;
pub mod rules;

pub use error::{Error, Result};
pub use finding::{Check, Finding, Scope, Severity};
pub use format::Report;
pub use rules::{OrgType, Organisation, RuleSet};
