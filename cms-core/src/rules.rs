//! The rule set as data: organisation types, contact types, file formats, the finding catalogue,
//! the calendar, service hours and the CRN scheme.
//!
//! cms-core ships an embedded default ([`RuleSet::embedded`], from `cms-core/data/rules.json`,
//! parsed once). A user loads their own — the official layouts, say — with [`RuleSet::load`]
//! without recompiling. The rule file's format (the serde types in this module, spelt in
//! `snake_case` JSON) is public API. Loading checks the rule set's own consistency and reports the
//! first problem with its place in the file.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::access::AccessDef;
use crate::calendar::{Calendar, CalendarData};
use crate::crn::CrnScheme;
use crate::error::{Error, Result};
use crate::finding::{Check, FindingDef, Name};
use crate::ids::MprnRules;
use crate::lifecycle::{LifecycleDef, Workflow};

/// The name errors and reports give the embedded rule set.
pub const EMBEDDED_ORIGIN: &str = "<embedded>";

/// The embedded default rule set, as JSON.
pub const EMBEDDED_RULES: &str = include_str!("../data/rules.json");

/// A type of organisation in the gas market.
///
/// Spelt `shipper`, `gt`, `igt`, `mra`, `dmsp`, `uip`, `cdsp` everywhere (command line, JSON,
/// rule files, Python, Kotlin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

impl OrgType {
    /// Every organisation type.
    pub const ALL: [OrgType; 7] = [
        OrgType::Shipper,
        OrgType::Gt,
        OrgType::Igt,
        OrgType::Mra,
        OrgType::Dmsp,
        OrgType::Uip,
        OrgType::Cdsp,
    ];

    /// The spelling used everywhere.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgType::Shipper => "shipper",
            OrgType::Gt => "gt",
            OrgType::Igt => "igt",
            OrgType::Mra => "mra",
            OrgType::Dmsp => "dmsp",
            OrgType::Uip => "uip",
            OrgType::Cdsp => "cdsp",
        }
    }
}

impl fmt::Display for OrgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrgType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        OrgType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                Error::Argument(format!(
                    "unknown organisation type `{s}` (one of shipper, gt, igt, mra, dmsp, uip, cdsp)"
                ))
            })
    }
}

/// An uploading (or acting) organisation: its id and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Organisation {
    /// `ORGANISATION_ID` in UK Link files.
    pub id: u64,
    /// Its type.
    pub org_type: OrgType,
}

/// An organisation type's entry in the rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgTypeDef {
    /// The type.
    pub code: OrgType,
    /// Its full name.
    pub name: String,
    /// Whether organisations of this type may use CMS (raise contacts, upload batches).
    pub may_use_cms: bool,
}

/// Operational or invoicing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Operational contacts.
    Operational,
    /// Invoicing contacts.
    Invoicing,
}

/// Whether an entry is confirmed by public material or only illustrative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// Stated in public material.
    Confirmed,
    /// An illustrative placeholder: the real code is not public.
    Illustrative,
}

/// A contact type: who may raise it, what it needs, where it goes, how fast it is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(default)]
    pub required_fields: Vec<String>,
    /// Fields of the upload's contact record that must be empty.
    #[serde(default)]
    pub forbidden_fields: Vec<String>,
    /// Child records (of the contact record) that must be present.
    #[serde(default)]
    pub required_records: Vec<String>,
    /// Allowed supply point classes; absent means any.
    #[serde(default)]
    pub classes: Option<Vec<u8>>,
    /// The earliest EFFECTIVE_DATE allowed.
    #[serde(default)]
    pub earliest_effective_date: Option<NaiveDate>,
    /// Target resolution, in working days after acceptance (absent for a retired type).
    #[serde(default)]
    pub target_working_days: Option<u32>,
    /// Whether the type lives in the new CMS (else it is raised in the existing system).
    pub new_cms: bool,
    /// A retired type cannot be raised.
    #[serde(default)]
    pub retired: bool,
    /// Theft of gas: allows a Request for Information.
    #[serde(default)]
    pub theft_related: bool,
    /// The lifecycle workflow it follows (absent: `default`).
    #[serde(default)]
    pub workflow: Option<String>,
    /// Confirmed or illustrative.
    pub provenance: Provenance,
    /// Free notes.
    #[serde(default)]
    pub notes: String,
}

/// Mandatory or optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Opt {
    /// Mandatory.
    M,
    /// Optional.
    O,
}

/// A field domain as UK Link documents write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dom {
    /// Text, at most `lng` characters, in double quotes.
    T,
    /// Numeric: at most `lng` digits of which `dec` after the decimal point.
    N,
    /// A date, `YYYYMMDD` (`lng` 8).
    D,
    /// A time: `HHMMSS` (`lng` 6) or a timestamp `YYYYMMDDHHMMSS` (`lng` 14).
    M,
}

/// A field of a record, as in a UK Link record format document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The field's name, e.g. `SUPPLY_METER_POINT_REFERENCE`.
    pub name: String,
    /// Mandatory or optional.
    pub opt: Opt,
    /// Domain.
    pub dom: Dom,
    /// Length.
    pub lng: u32,
    /// Decimal places (numeric fields).
    #[serde(default)]
    pub dec: u32,
    /// Whether a numeric field may be negative (a leading `-`).
    #[serde(default)]
    pub signed: bool,
    /// The only values allowed, when the field has a closed list.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// Free description.
    #[serde(default)]
    pub description: String,
}

/// A record: its type (the first field) and its fields, the type itself being field 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordDef {
    /// The record type, e.g. `C01`.
    pub record_type: String,
    /// Its name, e.g. `CONTACT`.
    pub name: String,
    /// Its fields, in order, starting with `TRANSACTION_TYPE`.
    pub fields: Vec<FieldDef>,
}

/// A line of a format's hierarchy table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HierarchyDef {
    /// The record type.
    pub record: String,
    /// Level: 1 for records directly under the file.
    pub level: u8,
    /// The parent record type (level − 1); absent at level 1.
    #[serde(default)]
    pub parent: Option<String>,
    /// The most occurrences per parent (per file at level 1); absent means no limit.
    #[serde(default)]
    pub max: Option<u64>,
    /// Mandatory (`M`: at least one under each parent) or optional.
    pub opt: Opt,
}

/// Which fields of an upload format carry the contact's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactFieldsDef {
    /// The customer's reference (unique in the file).
    pub reference: String,
    /// The contact type code.
    pub contact_type: String,
    /// The MPRN.
    #[serde(default)]
    pub mprn: Option<String>,
    /// The supply point class.
    #[serde(default)]
    pub class: Option<String>,
    /// The effective date.
    #[serde(default)]
    pub effective_date: Option<String>,
    /// The end date (not before the effective date).
    #[serde(default)]
    pub end_date: Option<String>,
}

/// Marks a format as a contact upload: the batch job and the contact rules apply to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadDef {
    /// The level-1 record that is one contact.
    pub contact_record: String,
    /// Its fields that the contact rules read.
    pub fields: ContactFieldsDef,
    /// The format code of the response file.
    pub response_format: String,
}

/// Record and fields of a response's file rejection record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRejectionDef {
    /// Record type.
    pub record: String,
    /// Field for the rejection code.
    pub code: String,
    /// Field for the rejection text.
    pub text: String,
}

/// Record and fields of a response's per-contact record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactResponseDef {
    /// Record type.
    pub record: String,
    /// Field echoing the customer reference.
    pub reference: String,
    /// Field for the outcome code (`AC`, `RJ`, `WN`).
    pub outcome: String,
    /// Field for the CRN.
    pub crn: String,
    /// Field echoing the contact type code.
    pub contact_type: String,
    /// Field for the target resolution date.
    pub target_date: String,
}

/// Record and fields of a response's rejection detail record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailDef {
    /// Record type.
    pub record: String,
    /// Field for the rejection code.
    pub code: String,
    /// Field for the field name.
    pub field: String,
    /// Field for the rejection text.
    pub text: String,
}

/// Marks a format as a response the batch job writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    /// The file rejection record.
    pub file_rejection: FileRejectionDef,
    /// The per-contact record.
    pub contact: ContactResponseDef,
    /// The rejection detail record.
    pub detail: DetailDef,
    /// The most detail records under one contact record.
    pub max_details: usize,
    /// The most file rejection records.
    pub max_file_rejections: usize,
}

/// A file format: its records and their hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatDef {
    /// The file type: the header's FILE_TYPE and the file name's extension.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Free description (say whether the layout is official or a project default).
    #[serde(default)]
    pub description: String,
    /// Its body records (the header and trailer come from the envelope).
    pub records: Vec<RecordDef>,
    /// The hierarchy of the body records.
    pub hierarchy: Vec<HierarchyDef>,
    /// Present when the format is a contact upload.
    #[serde(default)]
    pub upload: Option<UploadDef>,
    /// Present when the format is a response the batch job writes.
    #[serde(default)]
    pub response: Option<ResponseDef>,
}

/// Names of the header and trailer fields the engine reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeFieldsDef {
    /// Header: organisation id.
    pub organisation_id: String,
    /// Header: file type.
    pub file_type: String,
    /// Header: creation date.
    pub creation_date: String,
    /// Header: creation time.
    pub creation_time: String,
    /// Header: generation number.
    pub generation_number: String,
    /// Trailer: record count.
    pub record_count: String,
}

/// The header and trailer every format shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeDef {
    /// The header record (`A00`).
    pub header: RecordDef,
    /// The trailer record (`Z99`).
    pub trailer: RecordDef,
    /// Which of their fields mean what.
    pub fields: EnvelopeFieldsDef,
}

/// The characters text fields may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charset {
    /// Bytes 0x20–0x7E.
    PrintableAscii,
    /// Printable ISO 8859-1: 0x20–0x7E and 0xA0–0xFF.
    Latin1,
    /// Valid UTF-8 without control characters.
    Utf8,
}

impl Charset {
    /// The name used in rule files and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Charset::PrintableAscii => "printable ASCII",
            Charset::Latin1 => "printable Latin-1",
            Charset::Utf8 => "UTF-8 without control characters",
        }
    }
}

/// A point in the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekTime {
    /// Day of the week (`Mon` … `Sun`).
    pub day: Weekday,
    /// Time of day (`HH:MM:SS`).
    pub time: NaiveTime,
}

/// A weekly window from one point to a later one (wrapping over the week's end if need be).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyWindow {
    /// Start (inclusive).
    pub from: WeekTime,
    /// End (exclusive).
    pub to: WeekTime,
}

/// When CMS is available, in Europe/London time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceHoursDef {
    /// Opening time each day.
    pub open: NaiveTime,
    /// Closing time each day.
    pub close: NaiveTime,
    /// Windows in which planned outages may happen.
    pub maintenance: Vec<WeeklyWindow>,
}

/// A whole rule set as written in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetData {
    /// The rule set's name.
    pub name: String,
    /// Its version; reports and summaries carry it.
    pub version: String,
    /// Free description.
    #[serde(default)]
    pub description: String,
    /// The CDSP's organisation id, written in response headers.
    pub cdsp_organisation_id: u64,
    /// Organisation types.
    pub organisation_types: Vec<OrgTypeDef>,
    /// Contact types.
    pub contact_types: Vec<ContactTypeDef>,
    /// Header and trailer.
    pub envelope: EnvelopeDef,
    /// File formats.
    pub formats: Vec<FormatDef>,
    /// Characters allowed in text fields.
    pub charset: Charset,
    /// MPRN rules.
    pub mprn: MprnRules,
    /// CRN scheme.
    pub crn: CrnScheme,
    /// Bank holiday exceptions and declared non-business days.
    pub calendar: CalendarData,
    /// Service hours.
    pub service_hours: ServiceHoursDef,
    /// The contact lifecycle: statuses, actions, workflows.
    pub lifecycle: LifecycleDef,
    /// Who may do what: role grants per action.
    pub access: AccessDef,
    /// The finding catalogue: one entry per check.
    pub findings: Vec<FindingDef>,
}

/// What a field holds, with `M` split by length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    /// Text.
    Text,
    /// Number.
    Numeric,
    /// `YYYYMMDD`.
    Date,
    /// `HHMMSS`.
    Time,
    /// `YYYYMMDDHHMMSS`.
    Timestamp,
}

/// A field, ready for the engine.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Name.
    pub name: Name,
    /// Mandatory.
    pub mandatory: bool,
    /// Domain.
    pub domain: Domain,
    /// Length (total digits for numbers).
    pub length: u32,
    /// Decimal places.
    pub decimals: u32,
    /// Negative numbers allowed.
    pub signed: bool,
    /// Allowed values.
    pub values: Option<Vec<Box<[u8]>>>,
}

/// A record, ready for the engine: fields plus its place in the hierarchy.
#[derive(Debug, Clone)]
pub struct RecordSpec {
    /// Record type.
    pub record_type: Name,
    /// Its name.
    pub name: Name,
    /// Fields (field 1 is the record type).
    pub fields: Vec<FieldSpec>,
    /// Hierarchy level (1 directly under the file).
    pub level: u8,
    /// Index of the parent record in the format.
    pub parent: Option<usize>,
    /// Most occurrences per parent.
    pub max: Option<u64>,
    /// At least one under each parent.
    pub mandatory: bool,
    /// Indexes of mandatory child records.
    pub mandatory_children: Vec<usize>,
}

impl RecordSpec {
    /// The index of a field by name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| &*f.name == name)
    }
}

/// Per contact type, resolved against an upload format.
#[derive(Debug, Clone, Default)]
pub struct TypeFields {
    /// Required field indexes.
    pub required: Vec<usize>,
    /// Forbidden field indexes.
    pub forbidden: Vec<usize>,
    /// Required child record indexes.
    pub records: Vec<usize>,
}

/// An upload format's contact mapping, resolved to indexes.
#[derive(Debug, Clone)]
pub struct UploadSpec {
    /// The contact record's index.
    pub record: usize,
    /// Field indexes.
    pub reference: usize,
    /// Contact type field.
    pub contact_type: usize,
    /// MPRN field.
    pub mprn: Option<usize>,
    /// Class field.
    pub class: Option<usize>,
    /// Effective date field.
    pub effective_date: Option<usize>,
    /// End date field.
    pub end_date: Option<usize>,
    /// Every date field of the contact record.
    pub date_fields: Vec<usize>,
    /// Per contact type (same order as the rule set's contact types).
    pub types: Vec<TypeFields>,
    /// The response format's code.
    pub response_format: String,
}

/// A format, ready for the engine.
#[derive(Debug, Clone)]
pub struct Format {
    /// The file type code.
    pub code: Name,
    /// Its body records.
    pub records: Vec<RecordSpec>,
    /// Level-1 records that are mandatory in the file.
    pub mandatory_top: Vec<usize>,
    /// Present for a contact upload.
    pub upload: Option<UploadSpec>,
    /// The definition as written.
    pub def: FormatDef,
    /// The records' types packed (see `pack8`), in the same order.
    record_tags: Vec<Option<u64>>,
}

impl Format {
    /// The index of a record by type.
    pub fn record_index(&self, record_type: &[u8]) -> Option<usize> {
        self.record_index_by_tag(pack8(record_type))
    }

    /// The index of a record by its type's [`pack8`] tag.
    pub(crate) fn record_index_by_tag(&self, tag: Option<u64>) -> Option<usize> {
        let tag = tag?;
        self.record_tags.iter().position(|t| *t == Some(tag))
    }
}

/// Header and trailer, ready for the engine.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The header.
    pub header: RecordSpec,
    /// The trailer.
    pub trailer: RecordSpec,
    /// Header field indexes.
    pub organisation_id: usize,
    /// Header FILE_TYPE.
    pub file_type: usize,
    /// Header CREATION_DATE.
    pub creation_date: usize,
    /// Header CREATION_TIME.
    pub creation_time: usize,
    /// Header GENERATION_NUMBER.
    pub generation_number: usize,
    /// Trailer RECORD_COUNT.
    pub record_count: usize,
}

/// A loaded, checked and indexed rule set. Cheap to share (`Arc<RuleSet>`).
#[derive(Debug, Clone)]
pub struct RuleSet {
    data: RuleSetData,
    origin: String,
    envelope: Envelope,
    formats: Vec<Format>,
    catalogue: Vec<FindingDef>,
    contact_index: HashMap<String, usize>,
    calendar: Calendar,
    workflows: Vec<Workflow>,
    contact_tags: Vec<u64>,
}

/// Up to eight bytes as one number, for comparing short codes without a call to `memcmp`
/// (the length goes in the top byte, so `A` and `A\0` differ). `None` for longer codes, and for
/// eight bytes whose last is not ASCII (its top bit marks the eight-byte codes).
#[inline]
pub(crate) fn pack8(bytes: &[u8]) -> Option<u64> {
    let n = bytes.len();
    match n {
        0..=7 => Some(crate::bytes::load_le(bytes) | (n as u64) << 56),
        8 => {
            let w = crate::bytes::le_u64(bytes);
            (w >> 63 == 0).then_some(w | 1 << 63)
        }
        _ => None,
    }
}

static EMBEDDED: OnceLock<std::result::Result<Arc<RuleSet>, String>> = OnceLock::new();

impl RuleSet {
    /// The embedded default rule set, parsed once per process.
    ///
    /// The project's reference formats `CMQ` and `CMR` are project decisions (the real CMS batch
    /// layouts are not public); they are the working default and the example of a format
    /// supplied as data.
    pub fn embedded() -> Result<Arc<RuleSet>> {
        EMBEDDED
            .get_or_init(|| {
                RuleSet::from_json(EMBEDDED_RULES, EMBEDDED_ORIGIN)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|problem| Error::Rules {
                origin: EMBEDDED_ORIGIN.into(),
                place: "-".into(),
                problem,
            })
    }

    /// Load a rule file.
    pub fn load(path: impl AsRef<Path>) -> Result<RuleSet> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| Error::io(shown.clone(), e))?;
        let text = String::from_utf8(text).map_err(|e| Error::Rules {
            origin: shown.clone(),
            place: format!("byte {}", e.utf8_error().valid_up_to()),
            problem: "the file is not UTF-8".into(),
        })?;
        RuleSet::from_json(&text, &shown)
    }

    /// Parse and check a rule set from JSON text; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<RuleSet> {
        let data: RuleSetData = serde_json::from_str(text).map_err(|e| Error::Rules {
            origin: origin.into(),
            place: format!("line {}, column {}", e.line(), e.column()),
            problem: strip_position(&e.to_string()),
        })?;
        RuleSet::from_data(data, origin)
    }

    /// Check and index rule-set data.
    pub fn from_data(data: RuleSetData, origin: &str) -> Result<RuleSet> {
        Compiler { origin }.compile(data)
    }

    /// The rule set as written (serialize it to get a rule file to edit).
    pub fn data(&self) -> &RuleSetData {
        &self.data
    }

    /// The rule set as pretty JSON: a starting point for a user's own rule file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.data).unwrap_or_default()
    }

    /// Where it came from (`<embedded>` or the file path).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Name.
    pub fn name(&self) -> &str {
        &self.data.name
    }

    /// Version.
    pub fn version(&self) -> &str {
        &self.data.version
    }

    /// Header and trailer.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// Every format.
    pub fn formats(&self) -> &[Format] {
        &self.formats
    }

    /// A format by code (exact, upper case as in the rule set).
    pub fn format(&self, code: &str) -> Option<&Format> {
        self.formats.iter().find(|f| &*f.code == code)
    }

    pub(crate) fn format_by_bytes(&self, code: &[u8]) -> Option<&Format> {
        self.formats.iter().find(|f| f.code.as_bytes() == code)
    }

    /// The catalogue entry of a check.
    pub fn finding_def(&self, check: Check) -> &FindingDef {
        // The compiler guarantees one entry per check, in `Check::ALL` order.
        let i = check as usize;
        match self.catalogue.get(i) {
            Some(def) => def,
            None => &FALLBACK_DEF,
        }
    }

    /// The whole finding catalogue, in check order.
    pub fn catalogue(&self) -> &[FindingDef] {
        &self.catalogue
    }

    /// Contact types.
    pub fn contact_types(&self) -> &[ContactTypeDef] {
        &self.data.contact_types
    }

    /// A contact type by code, with its index.
    /// A contact type by its code's bytes (as read from a file), with its index.
    pub fn contact_type_by_bytes(&self, code: &[u8]) -> Option<(usize, &ContactTypeDef)> {
        let tag = pack8(code)?;
        let i = self.contact_tags.iter().position(|t| *t == tag)?;
        self.data.contact_types.get(i).map(|t| (i, t))
    }

    /// A contact type by code, with its index.
    pub fn contact_type(&self, code: &str) -> Option<(usize, &ContactTypeDef)> {
        let i = *self.contact_index.get(code)?;
        self.data.contact_types.get(i).map(|t| (i, t))
    }

    /// Whether organisations of this type may use CMS.
    pub fn may_use_cms(&self, org_type: OrgType) -> bool {
        self.data
            .organisation_types
            .iter()
            .any(|t| t.code == org_type && t.may_use_cms)
    }

    /// Every lifecycle workflow.
    pub fn workflows(&self) -> &[Workflow] {
        &self.workflows
    }

    /// The workflow a contact type follows (its own, else `default`); none for an unknown type.
    pub fn workflow_for(&self, contact_type: &str) -> Option<&Workflow> {
        let (_, t) = self.contact_type(contact_type)?;
        let name = t
            .workflow
            .as_deref()
            .unwrap_or(crate::lifecycle::DEFAULT_WORKFLOW);
        self.workflows.iter().find(|w| w.code == name)
    }

    /// The working-day calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The CRN scheme.
    pub fn crn_scheme(&self) -> &CrnScheme {
        &self.data.crn
    }

    /// MPRN rules.
    pub fn mprn_rules(&self) -> &MprnRules {
        &self.data.mprn
    }

    /// Characters allowed in text.
    pub fn charset(&self) -> Charset {
        self.data.charset
    }
}

static FALLBACK_DEF: FindingDef = FindingDef {
    check: Check::EmptyFile,
    code: String::new(),
    severity: crate::finding::Severity::Error,
    scope: crate::finding::Scope::File,
    title: String::new(),
    message: String::new(),
};

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

struct Compiler<'a> {
    origin: &'a str,
}

impl Compiler<'_> {
    fn err(&self, place: impl Into<String>, problem: impl Into<String>) -> Error {
        Error::Rules {
            origin: self.origin.into(),
            place: place.into(),
            problem: problem.into(),
        }
    }

    fn compile(&self, data: RuleSetData) -> Result<RuleSet> {
        if data.name.trim().is_empty() {
            return Err(self.err("name", "the rule set needs a name"));
        }
        if data.version.trim().is_empty() {
            return Err(self.err("version", "the rule set needs a version"));
        }
        let mut seen = HashSet::new();
        for t in &data.organisation_types {
            if !seen.insert(t.code) {
                return Err(self.err(
                    format!("organisation_types[{}]", t.code),
                    "organisation type listed twice",
                ));
            }
        }
        if let Some(missing) = OrgType::ALL.iter().find(|t| !seen.contains(t)) {
            return Err(self.err(
                "organisation_types",
                format!("organisation type `{missing}` is missing"),
            ));
        }
        self.check_contact_types(&data)?;
        data.crn
            .check()
            .map_err(|e| self.err("crn", e.to_string()))?;
        if data.mprn.min_digits < 3
            || data.mprn.min_digits > data.mprn.max_digits
            || data.mprn.max_digits > 19
        {
            return Err(self.err("mprn", "need 3 <= min_digits <= max_digits <= 19"));
        }
        let workflows = crate::lifecycle::compile(&data.lifecycle, &data.contact_types)
            .map_err(|(place, problem)| self.err(place, problem))?;
        let envelope = self.envelope(&data.envelope)?;
        let mut formats = Vec::with_capacity(data.formats.len());
        for def in &data.formats {
            if formats.iter().any(|f: &Format| *f.code == def.code) {
                return Err(self.err(format!("formats[{}]", def.code), "format defined twice"));
            }
            formats.push(self.format(def, &envelope, &data)?);
        }
        for f in &formats {
            if let Some(up) = &f.upload {
                let place = format!("formats[{}].upload.response_format", f.code);
                match data.formats.iter().find(|d| d.code == up.response_format) {
                    Some(d) if d.response.is_some() => {}
                    Some(_) => {
                        return Err(self.err(
                            place,
                            format!("format `{}` has no `response` section", up.response_format),
                        ))
                    }
                    None => {
                        return Err(
                            self.err(place, format!("unknown format `{}`", up.response_format))
                        )
                    }
                }
            }
        }
        let catalogue = self.catalogue(&data.findings)?;
        let contact_index = data
            .contact_types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code.clone(), i))
            .collect();
        let calendar = Calendar::new(&data.calendar);
        let contact_tags = data
            .contact_types
            .iter()
            .map(|t| pack8(t.code.as_bytes()).unwrap_or(u64::MAX))
            .collect();
        Ok(RuleSet {
            contact_tags,
            workflows,
            origin: self.origin.to_string(),
            envelope,
            formats,
            catalogue,
            contact_index,
            calendar,
            data,
        })
    }

    fn check_contact_types(&self, data: &RuleSetData) -> Result<()> {
        let mut codes = HashSet::new();
        for t in &data.contact_types {
            let place = format!("contact_types[{}]", t.code);
            if t.code.len() != 3 || !t.code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(self.err(place, "a contact type code is three upper-case letters"));
            }
            if !codes.insert(t.code.as_str()) {
                return Err(self.err(place, "contact type defined twice"));
            }
            if let Some(classes) = &t.classes {
                if classes.is_empty() || classes.iter().any(|c| !(1..=4).contains(c)) {
                    return Err(self.err(place + ".classes", "classes are 1 to 4, at least one"));
                }
            }
            if !t.retired && t.target_working_days.is_none() {
                return Err(self.err(
                    place + ".target_working_days",
                    "a type that can be raised needs a target",
                ));
            }
            if let Some(f) = t
                .required_fields
                .iter()
                .find(|f| t.forbidden_fields.contains(f))
            {
                return Err(self.err(place, format!("`{f}` is both required and forbidden")));
            }
        }
        Ok(())
    }

    fn envelope(&self, def: &EnvelopeDef) -> Result<Envelope> {
        let header = self.record(&def.header, "envelope.header", 1, None, Some(1), true)?;
        let trailer = self.record(&def.trailer, "envelope.trailer", 1, None, Some(1), true)?;
        if header.record_type == trailer.record_type {
            return Err(self.err("envelope", "header and trailer need different record types"));
        }
        let field = |rec: &RecordSpec, name: &str, what: &str, ok: &[Domain]| -> Result<usize> {
            let place = format!("envelope.fields.{what}");
            let i = rec.field_index(name).ok_or_else(|| {
                self.err(
                    &place,
                    format!("`{}` has no field `{name}`", rec.record_type),
                )
            })?;
            match rec.fields.get(i) {
                Some(f) if ok.contains(&f.domain) => Ok(i),
                _ => Err(self.err(place, format!("field `{name}` has the wrong domain"))),
            }
        };
        let f = &def.fields;
        Ok(Envelope {
            organisation_id: field(
                &header,
                &f.organisation_id,
                "organisation_id",
                &[Domain::Numeric, Domain::Text],
            )?,
            file_type: field(&header, &f.file_type, "file_type", &[Domain::Text])?,
            creation_date: field(&header, &f.creation_date, "creation_date", &[Domain::Date])?,
            creation_time: field(
                &header,
                &f.creation_time,
                "creation_time",
                &[Domain::Time, Domain::Text],
            )?,
            generation_number: field(
                &header,
                &f.generation_number,
                "generation_number",
                &[Domain::Numeric],
            )?,
            record_count: field(
                &trailer,
                &f.record_count,
                "record_count",
                &[Domain::Numeric],
            )?,
            header,
            trailer,
        })
    }

    fn record(
        &self,
        def: &RecordDef,
        place: &str,
        level: u8,
        parent: Option<usize>,
        max: Option<u64>,
        mandatory: bool,
    ) -> Result<RecordSpec> {
        let rt = &def.record_type;
        if rt.is_empty() || rt.len() > 8 || !rt.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(self.err(
                place,
                format!("record type `{rt}` must be 1 to 8 letters or digits"),
            ));
        }
        match def.fields.first() {
            Some(f) if f.dom == Dom::T && f.lng as usize >= rt.len() && f.opt == Opt::M => {}
            _ => {
                return Err(self.err(
                    format!("{place}.fields"),
                    "field 1 must be the record type: mandatory text at least as long as the type",
                ))
            }
        }
        let mut names = HashSet::new();
        let mut fields = Vec::with_capacity(def.fields.len());
        for (i, f) in def.fields.iter().enumerate() {
            let fplace = format!(
                "{place}.fields[{}]",
                if f.name.is_empty() {
                    (i + 1).to_string()
                } else {
                    f.name.clone()
                }
            );
            if f.name.is_empty() || !names.insert(f.name.as_str()) {
                return Err(self.err(fplace, "a field needs a name, unique in its record"));
            }
            fields.push(self.field(f, &fplace)?);
        }
        if fields.len() > MAX_SCHEMA_FIELDS {
            return Err(self.err(place, format!("more than {MAX_SCHEMA_FIELDS} fields")));
        }
        Ok(RecordSpec {
            record_type: Name::from(rt.as_str()),
            name: Name::from(def.name.as_str()),
            fields,
            level,
            parent,
            max,
            mandatory,
            mandatory_children: Vec::new(),
        })
    }

    fn field(&self, f: &FieldDef, place: &str) -> Result<FieldSpec> {
        let domain = match (f.dom, f.lng) {
            (Dom::T, 1..=MAX_TEXT_LENGTH) => Domain::Text,
            (Dom::T, _) => {
                return Err(self.err(place, format!("text length must be 1 to {MAX_TEXT_LENGTH}")))
            }
            (Dom::N, 1..=MAX_NUMERIC_DIGITS) if f.dec <= f.lng => Domain::Numeric,
            (Dom::N, 1..=MAX_NUMERIC_DIGITS) => {
                return Err(self.err(place, "more decimal places than digits"))
            }
            (Dom::N, _) => {
                return Err(self.err(
                    place,
                    format!(
                        "a number has 1 to {MAX_NUMERIC_DIGITS} digits, not {}",
                        f.lng
                    ),
                ))
            }
            (Dom::D, 8) => Domain::Date,
            (Dom::D, n) => {
                return Err(self.err(place, format!("a date (YYYYMMDD) has length 8, not {n}")))
            }
            (Dom::M, 6) => Domain::Time,
            (Dom::M, 14) => Domain::Timestamp,
            (Dom::M, n) => {
                return Err(self.err(
                    place,
                    format!("a time has length 6 (HHMMSS) or 14 (YYYYMMDDHHMMSS), not {n}"),
                ))
            }
        };
        if f.dec > 0 && domain != Domain::Numeric {
            return Err(self.err(place, "only numbers have decimal places"));
        }
        if f.signed && domain != Domain::Numeric {
            return Err(self.err(place, "only numbers can be signed"));
        }
        let values = match &f.values {
            None => None,
            Some(vs) if vs.is_empty() => {
                return Err(self.err(place, "an empty list of values allows nothing"))
            }
            Some(vs) => {
                if let Some(v) = vs.iter().find(|v| v.len() > f.lng as usize || v.is_empty()) {
                    return Err(
                        self.err(place, format!("allowed value `{v}` does not fit the field"))
                    );
                }
                Some(vs.iter().map(|v| v.as_bytes().into()).collect())
            }
        };
        Ok(FieldSpec {
            name: Name::from(f.name.as_str()),
            mandatory: f.opt == Opt::M,
            domain,
            length: f.lng,
            decimals: f.dec,
            signed: f.signed,
            values,
        })
    }

    fn format(&self, def: &FormatDef, envelope: &Envelope, data: &RuleSetData) -> Result<Format> {
        let place = format!("formats[{}]", def.code);
        if def.code.is_empty()
            || def.code.len() > 8
            || !def
                .code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(self.err(
                place,
                "a format code is 1 to 8 upper-case letters or digits",
            ));
        }
        let mut records: Vec<RecordSpec> = Vec::with_capacity(def.records.len());
        for r in &def.records {
            let rplace = format!("{place}.records[{}]", r.record_type);
            if records.iter().any(|x| *x.record_type == r.record_type)
                || r.record_type == *envelope.header.record_type
                || r.record_type == *envelope.trailer.record_type
            {
                return Err(self.err(
                    rplace,
                    "record type defined twice (or clashes with the header or trailer)",
                ));
            }
            records.push(self.record(r, &rplace, 0, None, None, false)?);
        }
        let mut placed = vec![false; records.len()];
        for h in &def.hierarchy {
            let hplace = format!("{place}.hierarchy[{}]", h.record);
            let Some(i) = records.iter().position(|r| *r.record_type == h.record) else {
                return Err(self.err(hplace, format!("unknown record `{}`", h.record)));
            };
            if placed
                .get_mut(i)
                .map(|p| std::mem::replace(p, true))
                .unwrap_or(true)
            {
                return Err(self.err(hplace, "record placed twice"));
            }
            if h.level == 0 || h.level > 16 {
                return Err(self.err(hplace, "level must be 1 to 16"));
            }
            if h.max == Some(0) {
                return Err(self.err(hplace, "max must be at least 1"));
            }
            let parent = match (&h.parent, h.level) {
                (None, 1) => None,
                (Some(_), 1) => return Err(self.err(hplace, "a level-1 record has no parent")),
                (None, _) => return Err(self.err(hplace, "a record below level 1 needs a parent")),
                (Some(p), level) => {
                    let Some(pi) = records.iter().position(|r| *r.record_type == *p) else {
                        return Err(self.err(hplace, format!("unknown parent `{p}`")));
                    };
                    match def.hierarchy.iter().find(|x| x.record == *p) {
                        Some(ph) if ph.level + 1 == level => Some(pi),
                        Some(_) => {
                            return Err(self.err(
                                hplace,
                                format!("parent `{p}` is not at level {}", level - 1),
                            ))
                        }
                        None => {
                            return Err(
                                self.err(hplace, format!("parent `{p}` is not in the hierarchy"))
                            )
                        }
                    }
                }
            };
            if let Some(r) = records.get_mut(i) {
                r.level = h.level;
                r.parent = parent;
                r.max = h.max;
                r.mandatory = h.opt == Opt::M;
            }
        }
        if let Some(i) = placed.iter().position(|p| !p) {
            let rt = records
                .get(i)
                .map(|r| r.record_type.to_string())
                .unwrap_or_default();
            return Err(self.err(
                format!("{place}.hierarchy"),
                format!("record `{rt}` has no place in the hierarchy"),
            ));
        }
        let links: Vec<(usize, Option<usize>, bool)> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (i, r.parent, r.mandatory))
            .collect();
        let mut mandatory_top = Vec::new();
        for (i, parent, mandatory) in links {
            match (parent, mandatory) {
                (Some(p), true) => {
                    if let Some(pr) = records.get_mut(p) {
                        pr.mandatory_children.push(i);
                    }
                }
                (None, true) => mandatory_top.push(i),
                _ => {}
            }
        }
        let upload = match &def.upload {
            None => None,
            Some(u) => Some(self.upload(u, &records, &place, data)?),
        };
        if let Some(r) = &def.response {
            self.response(r, &records, &place)?;
        }
        let record_tags = records
            .iter()
            .map(|r| pack8(r.record_type.as_bytes()))
            .collect();
        Ok(Format {
            code: Name::from(def.code.as_str()),
            records,
            mandatory_top,
            upload,
            def: def.clone(),
            record_tags,
        })
    }

    fn upload(
        &self,
        u: &UploadDef,
        records: &[RecordSpec],
        place: &str,
        data: &RuleSetData,
    ) -> Result<UploadSpec> {
        let place = format!("{place}.upload");
        let Some(ri) = records
            .iter()
            .position(|r| *r.record_type == u.contact_record)
        else {
            return Err(self.err(
                place,
                format!("unknown contact record `{}`", u.contact_record),
            ));
        };
        let Some(rec) = records.get(ri) else {
            return Err(self.err(place, "bad contact record"));
        };
        if rec.level != 1 {
            return Err(self.err(place, "the contact record must be at level 1"));
        }
        let field = |name: &str, ok: &[Domain]| -> Result<usize> {
            let i = rec.field_index(name).ok_or_else(|| {
                self.err(
                    format!("{place}.fields"),
                    format!("`{}` has no field `{name}`", rec.record_type),
                )
            })?;
            match rec.fields.get(i) {
                Some(f) if ok.contains(&f.domain) => Ok(i),
                _ => Err(self.err(
                    format!("{place}.fields"),
                    format!("field `{name}` has the wrong domain"),
                )),
            }
        };
        let opt = |name: &Option<String>, ok: &[Domain]| {
            name.as_deref().map(|n| field(n, ok)).transpose()
        };
        let f = &u.fields;
        let mut types = Vec::with_capacity(data.contact_types.len());
        for t in &data.contact_types {
            let tplace = format!("contact_types[{}]", t.code);
            let resolve = |names: &[String], what: &str| -> Result<Vec<usize>> {
                names
                    .iter()
                    .map(|n| {
                        rec.field_index(n).ok_or_else(|| {
                            self.err(
                                format!("{tplace}.{what}"),
                                format!("`{}` has no field `{n}`", rec.record_type),
                            )
                        })
                    })
                    .collect()
            };
            let mut child_records = Vec::new();
            for name in &t.required_records {
                match records
                    .iter()
                    .position(|r| *r.record_type == *name && r.parent == Some(ri))
                {
                    Some(i) => child_records.push(i),
                    None => {
                        return Err(self.err(
                            format!("{tplace}.required_records"),
                            format!("`{name}` is not a child record of `{}`", rec.record_type),
                        ))
                    }
                }
            }
            types.push(TypeFields {
                required: resolve(&t.required_fields, "required_fields")?,
                forbidden: resolve(&t.forbidden_fields, "forbidden_fields")?,
                records: child_records,
            });
        }
        Ok(UploadSpec {
            record: ri,
            reference: field(&f.reference, &[Domain::Text])?,
            contact_type: field(&f.contact_type, &[Domain::Text])?,
            mprn: opt(&f.mprn, &[Domain::Numeric])?,
            class: opt(&f.class, &[Domain::Numeric])?,
            effective_date: opt(&f.effective_date, &[Domain::Date])?,
            end_date: opt(&f.end_date, &[Domain::Date])?,
            date_fields: rec
                .fields
                .iter()
                .enumerate()
                .filter(|(_, x)| x.domain == Domain::Date)
                .map(|(i, _)| i)
                .collect(),
            types,
            response_format: u.response_format.clone(),
        })
    }

    fn response(&self, r: &ResponseDef, records: &[RecordSpec], place: &str) -> Result<()> {
        let place = format!("{place}.response");
        let check = |rt: &str, fields: &[&str], level: u8| -> Result<()> {
            let Some(rec) = records.iter().find(|x| *x.record_type == *rt) else {
                return Err(self.err(&place, format!("unknown record `{rt}`")));
            };
            if rec.level != level {
                return Err(self.err(&place, format!("record `{rt}` must be at level {level}")));
            }
            for f in fields {
                if rec.field_index(f).is_none() {
                    return Err(self.err(&place, format!("`{rt}` has no field `{f}`")));
                }
            }
            Ok(())
        };
        let fr = &r.file_rejection;
        check(&fr.record, &[&fr.code, &fr.text], 1)?;
        let c = &r.contact;
        check(
            &c.record,
            &[
                &c.reference,
                &c.outcome,
                &c.crn,
                &c.contact_type,
                &c.target_date,
            ],
            1,
        )?;
        let d = &r.detail;
        check(&d.record, &[&d.code, &d.field, &d.text], 2)?;
        if r.max_details == 0 || r.max_file_rejections == 0 {
            return Err(self.err(
                &place,
                "max_details and max_file_rejections must be at least 1",
            ));
        }
        Ok(())
    }

    fn catalogue(&self, defs: &[FindingDef]) -> Result<Vec<FindingDef>> {
        // A user's rule file may leave checks out (say, ones added after it was written):
        // those take the embedded catalogue's entry.
        let fallback: Vec<FindingDef> = if self.origin == EMBEDDED_ORIGIN {
            Vec::new()
        } else {
            serde_json::from_str::<serde_json::Value>(EMBEDDED_RULES)
                .ok()
                .and_then(|v| serde_json::from_value(v.get("findings")?.clone()).ok())
                .unwrap_or_default()
        };
        let mut codes = HashSet::new();
        let mut out = Vec::with_capacity(Check::ALL.len());
        for check in Check::ALL {
            let place = format!("findings[{}]", check.name());
            let mut matching = defs.iter().filter(|d| d.check == *check);
            let Some(def) = matching
                .next()
                .or_else(|| fallback.iter().find(|d| d.check == *check))
            else {
                return Err(self.err("findings", format!("no entry for check `{}`", check.name())));
            };
            if matching.next().is_some() {
                return Err(self.err(place, "check listed twice"));
            }
            let b = def.code.as_bytes();
            let shaped = b.len() == 8
                && b.iter().take(3).all(|c| c.is_ascii_uppercase())
                && b.iter().skip(3).all(|c| c.is_ascii_digit());
            if !shaped {
                return Err(self.err(
                    place,
                    format!("code `{}` is not three capitals and five digits", def.code),
                ));
            }
            if !codes.insert(def.code.as_str()) {
                return Err(self.err(place, format!("duplicate code `{}`", def.code)));
            }
            if def.message.trim().is_empty() {
                return Err(self.err(place, "empty message"));
            }
            for name in template_params(&def.message) {
                if !check.params().contains(&name) {
                    return Err(self.err(
                        place,
                        format!(
                            "the message uses `{{{name}}}`; this check has {:?}",
                            check.params()
                        ),
                    ));
                }
            }
            out.push(def.clone());
        }
        Ok(out)
    }
}

/// Most fields a record definition may have.
pub const MAX_SCHEMA_FIELDS: usize = 1024;
/// Longest text field a rule set may define.
pub const MAX_TEXT_LENGTH: u32 = 32_768;
/// Most digits a numeric field may have.
pub const MAX_NUMERIC_DIGITS: u32 = 38;

fn template_params(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = rest.get(start + 1..).unwrap_or_default();
        match after.find('}') {
            Some(end) => {
                out.push(after.get(..end).unwrap_or_default());
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => break,
        }
    }
    out
}
