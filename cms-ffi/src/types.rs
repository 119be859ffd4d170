//! The core's plain data, declared to UniFFI as it is: enums and records that cross the boundary
//! unchanged (`#[uniffi::remote]` mirrors the core's definition; a field added in the core breaks
//! this build until it is added here too), plus the date and time types.
//!
//! Dates cross as ISO 8601 text (`2026-12-03`) and are `java.time.LocalDate` in Kotlin
//! (see `uniffi.toml`); times of day likewise (`09:30:00`, `java.time.LocalTime`), and date-times
//! (`2026-12-03T09:30:00`, `java.time.LocalDateTime`; always UTC, as in the core).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use cms_core::batch::{BatchSummary, ContactResult, Outcome};
use cms_core::calendar::{Holiday, HolidayKind, NamedDay};
use cms_core::crn::CrnScheme;
use cms_core::format::FindingOut;
use cms_core::ids::MprnRules;
use cms_core::rules::{ContactTypeDef, Family, Provenance};
use cms_core::{OrgType, Organisation, Scope, Severity};

use crate::error::CmsError;

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |date| date.to_string(),
    try_lift: |text| text
        .parse::<NaiveDate>()
        .map_err(|e| CmsError::argument_conversion("date", &text, &e).into()),
});

uniffi::custom_type!(NaiveDateTime, String, {
    remote,
    lower: |at| at.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
    try_lift: |text| text
        .parse::<NaiveDateTime>()
        .map_err(|e| CmsError::argument_conversion("date and time", &text, &e).into()),
});

uniffi::custom_type!(NaiveTime, String, {
    remote,
    lower: |time| time.to_string(),
    try_lift: |text| text
        .parse::<NaiveTime>()
        .map_err(|e| CmsError::argument_conversion("time", &text, &e).into()),
});

/// A type of organisation in the gas market.
#[uniffi::remote(Enum)]
pub enum OrgType {
    /// A gas shipper.
    Shipper,
    /// A gas transporter (network operator).
    Gt,
    /// An independent gas transporter.
    Igt,
    /// A meter reading agency.
    Mra,
    /// A daily metered service provider.
    Dmsp,
    /// A utility infrastructure provider.
    Uip,
    /// The central data service provider (Xoserve), which operates CMS.
    Cdsp,
}

/// An uploading (or acting) organisation: its `ORGANISATION_ID` and its type.
#[uniffi::remote(Record)]
pub struct Organisation {
    /// `ORGANISATION_ID` in UK Link files (at most 10 digits).
    pub id: u64,
    /// Its type.
    pub org_type: OrgType,
}

/// How bad a finding is: any `ERROR` means the file (or the record) is not accepted.
#[uniffi::remote(Enum)]
pub enum Severity {
    /// Rejects what its scope names.
    Error,
    /// Accepted, with a warning.
    Warning,
}

/// The level a finding rejects (for a warning: the level it is about).
#[uniffi::remote(Enum)]
pub enum Scope {
    /// The whole file.
    File,
    /// A record and its children.
    Record,
    /// One field (which rejects its record and the record's children).
    Field,
}

/// One located finding, as every door shows it. `line` and `field_index` are 1-based.
#[uniffi::remote(Record)]
pub struct FindingOut {
    /// The public code, e.g. `CON00008`; codes never change meaning.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// The level it rejects.
    pub scope: Scope,
    /// 1-based line, when the finding is about a line.
    pub line: Option<u64>,
    /// The record type, when known.
    pub record_type: Option<String>,
    /// The field name, when it is about a field.
    pub field: Option<String>,
    /// 1-based field index (the record type is field 1), when it is about a field.
    pub field_index: Option<u32>,
    /// The message, rendered from the rule set's catalogue.
    pub message: String,
}

/// The outcome of one contact, as the response file writes it (`AC`, `RJ`, `WN`; see
/// `outcomeCode`).
#[uniffi::remote(Enum)]
pub enum Outcome {
    /// Accepted (`AC`).
    Accepted,
    /// Rejected (`RJ`).
    Rejected,
    /// Accepted with a warning (`WN`).
    Warned,
}

/// One contact's result from the batch job.
#[uniffi::remote(Record)]
pub struct ContactResult {
    /// The contact record's line in the upload.
    pub line: u64,
    /// The customer's reference, when valid.
    pub customer_reference: Option<String>,
    /// The contact type code as written, when valid.
    pub contact_type: Option<String>,
    /// Accepted, rejected or warned.
    pub outcome: Outcome,
    /// The CRN issued (accepted and warned contacts only).
    pub crn: Option<String>,
    /// The target resolution date (accepted and warned contacts only).
    pub target_date: Option<NaiveDate>,
    /// The lifecycle status the contact starts in (accepted and warned contacts only).
    pub status: Option<String>,
    /// Every finding on the contact and its child records.
    pub findings: Vec<FindingOut>,
}

/// What the batch job did with a file.
#[uniffi::remote(Record)]
pub struct BatchSummary {
    /// The upload's name.
    pub file: String,
    /// The response file's name.
    pub response_file: String,
    /// Rule set name.
    pub rules_name: String,
    /// Rule set version.
    pub rules_version: String,
    /// False when the whole file was rejected.
    pub file_accepted: bool,
    /// The file-level rejections (empty unless the file was rejected).
    pub file_rejections: Vec<FindingOut>,
    /// Contacts read.
    pub contacts_total: u64,
    /// Contacts accepted (`AC`).
    pub accepted: u64,
    /// Contacts accepted with a warning (`WN`).
    pub warned: u64,
    /// Contacts rejected (`RJ`).
    pub rejected: u64,
    /// The first CRN issued.
    pub first_crn: Option<String>,
    /// The last CRN issued.
    pub last_crn: Option<String>,
}

/// Operational or invoicing.
#[uniffi::remote(Enum)]
pub enum Family {
    /// Operational contacts.
    Operational,
    /// Invoicing contacts.
    Invoicing,
}

/// Whether an entry is confirmed by public material or only illustrative.
#[uniffi::remote(Enum)]
pub enum Provenance {
    /// Stated in public material.
    Confirmed,
    /// An illustrative placeholder: the real code is not public.
    Illustrative,
}

/// A contact type of the rule set's catalogue.
#[uniffi::remote(Record)]
pub struct ContactTypeDef {
    /// Three upper-case letters.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Operational or invoicing.
    pub family: Family,
    /// Organisation types that may raise it (empty for a retired type).
    pub raised_by: Vec<OrgType>,
    /// Where it is routed for handling.
    pub routed_to: OrgType,
    /// Fields of the upload's contact record that must be filled in.
    pub required_fields: Vec<String>,
    /// Fields of the upload's contact record that must be empty.
    pub forbidden_fields: Vec<String>,
    /// Child records (of the contact record) that must be present.
    pub required_records: Vec<String>,
    /// Allowed supply point classes; null means any.
    pub classes: Option<Vec<u8>>,
    /// The earliest EFFECTIVE_DATE allowed.
    pub earliest_effective_date: Option<NaiveDate>,
    /// Target resolution, in working days after acceptance (null for a retired type).
    pub target_working_days: Option<u32>,
    /// Whether the type lives in the new CMS.
    pub new_cms: bool,
    /// A retired type cannot be raised.
    pub retired: bool,
    /// Theft of gas: allows a Request for Information.
    pub theft_related: bool,
    /// Confirmed or illustrative.
    pub provenance: Provenance,
    /// Free notes.
    pub notes: String,
    /// The lifecycle workflow it follows (null: `default`).
    pub workflow: Option<String>,
}

/// How CRNs are written: a prefix and the width of the zero-padded sequence.
#[uniffi::remote(Record)]
pub struct CrnScheme {
    /// Written before the sequence: printable ASCII, not empty, no digits, no spaces.
    pub prefix: String,
    /// Digits in the zero-padded sequence, 1 to 18.
    pub width: u8,
}

/// Length limits for an MPRN, check digits included.
#[uniffi::remote(Record)]
pub struct MprnRules {
    /// Fewest digits accepted.
    pub min_digits: u8,
    /// Most digits accepted.
    pub max_digits: u8,
}

/// Why a date is a bank holiday.
#[uniffi::remote(Enum)]
pub enum HolidayKind {
    /// A standing rule gives this date directly.
    Rule,
    /// A standing holiday fell at a weekend and this weekday replaces it.
    Substitute,
    /// A one-off holiday from the rule set's calendar data.
    OneOff,
}

/// One bank holiday.
#[uniffi::remote(Record)]
pub struct Holiday {
    /// The day off.
    pub date: NaiveDate,
    /// Its name (a substitute day is named after the holiday it replaces).
    pub name: String,
    /// Why the date is a holiday.
    pub kind: HolidayKind,
}

/// A date with a name (a declared non-business day).
#[uniffi::remote(Record)]
pub struct NamedDay {
    /// The day.
    pub date: NaiveDate,
    /// What the day is called.
    pub name: String,
}
