//! The rule set object, and the two jobs it runs: validating a file and processing a batch.
//! Each job is one foreign call per file: the whole report or result comes back at once.

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use cms_core::access::{Outage, User};
use cms_core::batch::{self, BatchSummary, ContactResult};
use cms_core::format::{self, FindingOut};
use cms_core::rules::ContactTypeDef;
use cms_core::{OrgType, Organisation};

use crate::calendar::Calendar;
use crate::crn::CrnGenerator;
use crate::error::{guard, CmsError};
use crate::ids::{check_mprn_with, MprnCheck};
use cms_core::crn::CrnScheme;
use cms_core::ids::MprnRules;

/// How to validate. Every field has a default: `ValidateOptions()` in Kotlin.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ValidateOptions {
    /// Validate as this format instead of the header's FILE_TYPE.
    #[uniffi(default = None)]
    pub format: Option<String>,
    /// Strict quoting: text fields must be in double quotes, other fields must not.
    #[uniffi(default = false)]
    pub strict: bool,
    /// The uploading organisation: enables the rules that need it.
    #[uniffi(default = None)]
    pub uploader: Option<Organisation>,
    /// The last generation accepted from this sender for this file type.
    #[uniffi(default = None)]
    pub last_generation: Option<u64>,
    /// Most findings a report lists (null: the core's default, 1,000).
    #[uniffi(default = None)]
    pub max_findings: Option<u32>,
    /// Longest line in bytes before it is a finding (null: the core's default, 64 KiB).
    #[uniffi(default = None)]
    pub max_line_bytes: Option<u32>,
    /// Most fields in a record before it is a finding (null: the core's default, 1,024).
    #[uniffi(default = None)]
    pub max_fields: Option<u32>,
    /// Leave customer data (field values) out of messages.
    #[uniffi(default = false)]
    pub redact: bool,
    /// The uploading user (with `uploader`): their permissions are checked.
    #[uniffi(default = None)]
    pub user: Option<User>,
    /// The time of the upload (UTC): the service hours and declared outages are checked.
    #[uniffi(default = None)]
    pub at: Option<NaiveDateTime>,
    /// Declared outages.
    #[uniffi(default = [])]
    pub outages: Vec<Outage>,
}

impl From<ValidateOptions> for format::ValidateOptions {
    fn from(o: ValidateOptions) -> Self {
        let core = format::ValidateOptions::default();
        let size = |v: Option<u32>, default: usize| {
            v.map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        format::ValidateOptions {
            format: o.format,
            strict: o.strict,
            uploader: o.uploader,
            last_generation: o.last_generation,
            max_findings: size(o.max_findings, core.max_findings),
            max_line_bytes: size(o.max_line_bytes, core.max_line_bytes),
            max_fields: size(o.max_fields, core.max_fields),
            redact: o.redact,
            user: o.user,
            at: o.at,
            outages: o.outages,
        }
    }
}

/// The result of validating one file.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// The file's name or path, when known.
    pub file: Option<String>,
    /// The format it was validated as (null when it could not be told).
    pub format: Option<String>,
    /// Name of the rule set used.
    pub rules_name: String,
    /// Version of the rule set used.
    pub rules_version: String,
    /// True when no finding is an error.
    pub accepted: bool,
    /// Records read (non-blank lines, header and trailer included).
    pub records: u64,
    /// Error findings, all of them (listed or not).
    pub errors: u64,
    /// Warning findings, all of them.
    pub warnings: u64,
    /// Findings past the cap, counted but not listed.
    pub suppressed: u64,
    /// The listed findings, in line order.
    pub findings: Vec<FindingOut>,
}

impl From<format::Report> for Report {
    fn from(r: format::Report) -> Self {
        Report {
            findings: r.findings().iter().map(|f| r.finding_out(f)).collect(),
            rules_name: r.rules().name().to_string(),
            rules_version: r.rules().version().to_string(),
            accepted: r.accepted(),
            file: r.file,
            format: r.format,
            records: r.records,
            errors: r.errors,
            warnings: r.warnings,
            suppressed: r.suppressed,
        }
    }
}

/// How to run the batch job.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchOptions {
    /// The uploading organisation.
    pub uploader: Organisation,
    /// The processing date: targets count working days from it; the response carries it.
    pub today: NaiveDate,
    /// The processing time of day for the response header (null: midnight).
    #[uniffi(default = None)]
    pub time: Option<NaiveTime>,
    /// The last generation accepted from this sender for this file type.
    #[uniffi(default = None)]
    pub last_generation: Option<u64>,
    /// Strictness, limits and redaction (its `uploader` and `last_generation` are replaced by
    /// the fields above).
    #[uniffi(default)]
    pub validate: ValidateOptions,
}

impl From<BatchOptions> for batch::BatchOptions {
    fn from(o: BatchOptions) -> Self {
        let mut core = batch::BatchOptions::new(o.uploader, o.today);
        if let Some(time) = o.time {
            core.time = time;
        }
        core.last_generation = o.last_generation;
        core.validate = o.validate.into();
        core
    }
}

/// Everything the batch job gives for bytes in memory.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchResult {
    /// The summary.
    pub summary: BatchSummary,
    /// Every contact's result, in input order.
    pub contacts: Vec<ContactResult>,
    /// The response file's bytes.
    pub response: Vec<u8>,
}

/// Everything the batch job gives for a file on disk.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcessedFile {
    /// The summary.
    pub summary: BatchSummary,
    /// Every contact's result, in input order.
    pub contacts: Vec<ContactResult>,
    /// Where the response file was written.
    pub response_path: String,
}

/// A catalogue entry: how a finding code is published.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FindingDef {
    /// The engine's check this entry publishes (its name in rule files, e.g. `mprn_check_digits`).
    pub check: String,
    /// The public code.
    pub code: String,
    /// Severity of every finding of this code.
    pub severity: cms_core::Severity,
    /// The level it usually rejects.
    pub scope: cms_core::Scope,
    /// A short title.
    pub title: String,
    /// The message template (`{param}` is replaced by the finding's value).
    pub message: String,
}

/// A file format of the rule set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FormatInfo {
    /// The file type code: the header's FILE_TYPE and the file name's extension.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Free description.
    pub description: String,
    /// A contact upload: the batch job and contact rules apply to it.
    pub upload: bool,
    /// A response the batch job writes.
    pub response: bool,
}

/// A loaded, checked rule set: contact types, formats, finding catalogue, calendar, CRN scheme.
/// Cheap to share between threads; load it once.
#[derive(Debug, uniffi::Object)]
pub struct RuleSet {
    pub(crate) inner: Arc<cms_core::RuleSet>,
}

#[uniffi::export]
impl RuleSet {
    /// The embedded default rule set (parsed once per process).
    #[uniffi::constructor]
    pub fn embedded() -> Result<Arc<Self>, CmsError> {
        guard(|| Ok(Arc::new(RuleSet::wrap(cms_core::RuleSet::embedded()?))))
    }

    /// Load a rule file.
    #[uniffi::constructor]
    pub fn load(path: String) -> Result<Arc<Self>, CmsError> {
        guard(|| {
            let rules = cms_core::RuleSet::load(&path)?;
            Ok(Arc::new(RuleSet::wrap(Arc::new(rules))))
        })
    }

    /// Parse a rule set from JSON text; `origin` names it in errors.
    #[uniffi::constructor]
    pub fn from_json(text: String, origin: String) -> Result<Arc<Self>, CmsError> {
        guard(|| {
            let rules = cms_core::RuleSet::from_json(&text, &origin)?;
            Ok(Arc::new(RuleSet::wrap(Arc::new(rules))))
        })
    }

    /// The rule set's name.
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Its version; reports and summaries carry it.
    pub fn version(&self) -> String {
        self.inner.version().to_string()
    }

    /// Where it came from (`<embedded>` or the file path).
    pub fn origin(&self) -> String {
        self.inner.origin().to_string()
    }

    /// The rule set as pretty JSON: a starting point for a rule file of one's own.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Every contact type.
    pub fn contact_types(&self) -> Vec<ContactTypeDef> {
        self.inner.contact_types().to_vec()
    }

    /// A contact type by code (exact), or null.
    pub fn contact_type(&self, code: String) -> Option<ContactTypeDef> {
        self.inner.contact_type(&code).map(|(_, t)| t.clone())
    }

    /// The finding catalogue: every code with its severity, scope and message template.
    pub fn catalogue(&self) -> Vec<FindingDef> {
        self.inner
            .catalogue()
            .iter()
            .map(|d| FindingDef {
                check: d.check.name().to_string(),
                code: d.code.clone(),
                severity: d.severity,
                scope: d.scope,
                title: d.title.clone(),
                message: d.message.clone(),
            })
            .collect()
    }

    /// The file formats.
    pub fn formats(&self) -> Vec<FormatInfo> {
        self.inner
            .formats()
            .iter()
            .map(|f| FormatInfo {
                code: f.def.code.clone(),
                name: f.def.name.clone(),
                description: f.def.description.clone(),
                upload: f.def.upload.is_some(),
                response: f.def.response.is_some(),
            })
            .collect()
    }

    /// Whether organisations of this type may use CMS.
    pub fn may_use_cms(&self, org_type: OrgType) -> bool {
        self.inner.may_use_cms(org_type)
    }

    /// The rule set's working-day calendar.
    pub fn calendar(&self) -> Arc<Calendar> {
        Arc::new(Calendar::wrap(self.inner.calendar().clone()))
    }

    /// The rule set's CRN scheme.
    pub fn crn_scheme(&self) -> CrnScheme {
        self.inner.crn_scheme().clone()
    }

    /// The rule set's MPRN length limits.
    pub fn mprn_rules(&self) -> MprnRules {
        *self.inner.mprn_rules()
    }

    /// Check an MPRN against this rule set's length limits.
    pub fn check_mprn(&self, value: String) -> MprnCheck {
        check_mprn_with(&value, self.inner.mprn_rules())
    }

    /// A CRN generator in this rule set's scheme over an in-process counter whose first
    /// sequence is `first_sequence`.
    pub fn crn_generator(&self, first_sequence: u64) -> Result<Arc<CrnGenerator>, CmsError> {
        CrnGenerator::local(self.inner.crn_scheme().clone(), first_sequence)
    }

    /// Validate a file on disk (its name is checked against its header).
    pub fn validate_path(
        &self,
        path: String,
        options: ValidateOptions,
    ) -> Result<Report, CmsError> {
        guard(|| Ok(format::validate_path(&self.inner, &path, &options.into())?.into()))
    }

    /// Validate bytes in memory; `file_name` (the name only) enables the checks of the name
    /// against the header.
    pub fn validate_bytes(
        &self,
        bytes: Vec<u8>,
        file_name: Option<String>,
        options: ValidateOptions,
    ) -> Result<Report, CmsError> {
        guard(|| {
            let report =
                format::validate_bytes(&self.inner, &bytes, file_name.as_deref(), &options.into())?;
            Ok(report.into())
        })
    }

    /// Run the batch job on an upload in memory: the summary, every contact's result and the
    /// response file's bytes.
    pub fn process_bytes(
        &self,
        bytes: Vec<u8>,
        file_name: String,
        options: BatchOptions,
        crn: Arc<CrnGenerator>,
    ) -> Result<BatchResult, CmsError> {
        guard(|| {
            let out = batch::process_bytes(
                &self.inner,
                &bytes,
                &file_name,
                &options.into(),
                crn.inner(),
            )?;
            Ok(BatchResult {
                summary: out.summary,
                contacts: out.contacts,
                response: out.response,
            })
        })
    }

    /// Run the batch job on a file, writing the response into `out_dir` (null: beside the
    /// upload; created when missing). A failed run leaves no partial response.
    pub fn process_path(
        &self,
        path: String,
        out_dir: Option<String>,
        options: BatchOptions,
        crn: Arc<CrnGenerator>,
    ) -> Result<ProcessedFile, CmsError> {
        guard(|| {
            let mut contacts = Vec::new();
            let (summary, response) = batch::process_path(
                &self.inner,
                &path,
                out_dir.as_deref().map(Path::new),
                &options.into(),
                crn.inner(),
                &mut |c| contacts.push(c.clone()),
            )?;
            Ok(ProcessedFile {
                summary,
                contacts,
                response_path: response.display().to_string(),
            })
        })
    }
}

impl RuleSet {
    fn wrap(inner: Arc<cms_core::RuleSet>) -> Self {
        RuleSet { inner }
    }
}
