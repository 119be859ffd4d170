//! The main job: a contact upload in, every format and contact rule applied, CRNs and target
//! dates issued for accepted contacts, and the response file written.
//!
//! The upload is read twice. The first pass decides whether the whole file is rejected (framing,
//! header, trailer count, ...): then the response carries only file rejection records and no CRN
//! is issued. Otherwise the second pass issues CRNs in input order and writes one response record
//! per contact as it goes. Memory stays flat apart from the two per-contact indexes.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Serialize;

use crate::contact::ContactCapture;
use crate::crn::CrnGenerator;
use crate::error::{Error, Result};
use crate::finding::{display_bytes, render, Finding};
use crate::format::engine::{self, Attach, Sink, Unit, ValidateOptions};
use crate::format::{check_options, finding_out, FindingOut};
use crate::rules::{Domain, Format, Organisation, RecordSpec, ResponseDef, RuleSet};

/// The outcome of one contact, as the response writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Outcome {
    /// Accepted.
    #[serde(rename = "AC")]
    Accepted,
    /// Rejected.
    #[serde(rename = "RJ")]
    Rejected,
    /// Accepted with a warning.
    #[serde(rename = "WN")]
    Warned,
}

impl Outcome {
    /// The response code: `AC`, `RJ` or `WN`.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Accepted => "AC",
            Outcome::Rejected => "RJ",
            Outcome::Warned => "WN",
        }
    }
}

/// How to run the batch job.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The uploading organisation.
    pub uploader: Organisation,
    /// The processing date: targets count working days from it; the response carries it.
    pub today: NaiveDate,
    /// The processing time of day, written in the response header.
    pub time: NaiveTime,
    /// The last generation accepted from this sender for this file type.
    pub last_generation: Option<u64>,
    /// Strictness, limits and redaction (its `uploader` and `last_generation` are replaced by
    /// the fields above).
    pub validate: ValidateOptions,
}

impl BatchOptions {
    /// Options for an uploader on a day, everything else by default.
    pub fn new(uploader: Organisation, today: NaiveDate) -> Self {
        BatchOptions {
            uploader,
            today,
            time: NaiveTime::MIN,
            last_generation: None,
            validate: ValidateOptions::default(),
        }
    }
}

/// One contact's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactResult {
    /// The contact record's line in the upload.
    pub line: u64,
    /// The customer's reference, when valid.
    pub customer_reference: Option<String>,
    /// The contact type code as written, when valid.
    pub contact_type: Option<String>,
    /// `AC`, `RJ` or `WN`.
    pub outcome: Outcome,
    /// The CRN issued (AC and WN only).
    pub crn: Option<String>,
    /// The target resolution date (AC and WN only).
    pub target_date: Option<NaiveDate>,
    /// The lifecycle status the contact starts in (AC and WN only).
    pub status: Option<String>,
    /// Every finding on the contact and its child records.
    pub findings: Vec<FindingOut>,
}

impl ContactResult {
    /// The public codes of the contact's findings.
    pub fn codes(&self) -> Vec<&str> {
        self.findings.iter().map(|f| f.code.as_str()).collect()
    }
}

/// What the batch job did with a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Everything from [`process_bytes`].
#[derive(Debug, Clone)]
pub struct BatchOutput {
    /// The summary.
    pub summary: BatchSummary,
    /// Every contact's result, in input order.
    pub contacts: Vec<ContactResult>,
    /// The response file's bytes.
    pub response: Vec<u8>,
}

/// The response file's name for an upload: the same name with the response format's extension
/// (`SHP00007.CMQ` → `SHP00007.CMR`; a lower-case extension stays lower case).
pub fn response_name(upload: &str, response_code: &str) -> String {
    let base = upload.rsplit(['/', '\\']).next().unwrap_or(upload);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let lower = ext.chars().any(|c| c.is_ascii_lowercase())
                && !ext.chars().any(|c| c.is_ascii_uppercase());
            let code = if lower {
                response_code.to_ascii_lowercase()
            } else {
                response_code.to_string()
            };
            format!("{stem}.{code}")
        }
        _ => format!("{base}.{response_code}"),
    }
}

/// The response's generation: the number in its own name when the name is in the usual style
/// (so that the response validates against its name), else the upload header's, else 0.
fn response_generation(response_file: &str, header: Option<u64>) -> u64 {
    let (styled, _, number) = crate::format::engine::parse_file_name(response_file);
    let from_name = number
        .filter(|_| styled)
        .and_then(|n| n.parse::<u64>().ok());
    from_name.or(header).filter(|g| *g <= 999_999).unwrap_or(0)
}

/// Writes records of a format: text fields in quotes, printable ASCII only, cut to length.
struct RecordWriter<'w> {
    out: &'w mut dyn Write,
    line: Vec<u8>,
    body_records: u64,
}

impl RecordWriter<'_> {
    fn write(&mut self, rec: &RecordSpec, values: &[(usize, &str)]) -> io::Result<()> {
        self.line.clear();
        for (i, spec) in rec.fields.iter().enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            let value = if i == 0 {
                Some(&*rec.record_type)
            } else {
                values.iter().find(|(j, _)| *j == i).map(|(_, v)| *v)
            };
            let text = spec.domain == Domain::Text;
            if text {
                self.line.push(b'"');
            }
            if let Some(v) = value {
                let max = spec.length as usize;
                for c in v.bytes().take(max) {
                    self.line.push(match c {
                        b'"' => b'\'',
                        0x20..=0x7e => c,
                        _ => b'?',
                    });
                }
            }
            if text {
                self.line.push(b'"');
            }
        }
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }
}

struct Response<'a, 'w> {
    rules: &'a RuleSet,
    format: &'a Format,
    def: &'a ResponseDef,
    writer: RecordWriter<'w>,
    redact: bool,
}

impl<'a, 'w> Response<'a, 'w> {
    fn new(
        rules: &'a RuleSet,
        format: &'a Format,
        out: &'w mut dyn Write,
        redact: bool,
    ) -> Result<Self> {
        let def = format.def.response.as_ref().ok_or_else(|| {
            Error::Argument(format!("format `{}` is not a response format", format.code))
        })?;
        Ok(Response {
            rules,
            format,
            def,
            writer: RecordWriter {
                out,
                line: Vec::new(),
                body_records: 0,
            },
            redact,
        })
    }

    fn record(&self, rt: &str) -> Option<&'a RecordSpec> {
        self.format.records.iter().find(|r| &*r.record_type == rt)
    }

    fn header(&mut self, date: NaiveDate, time: NaiveTime, generation: u64) -> io::Result<()> {
        let env = self.rules.envelope();
        let org = self.rules.data().cdsp_organisation_id.to_string();
        let date = date.format("%Y%m%d").to_string();
        let time = time.format("%H%M%S").to_string();
        let generation = generation.to_string();
        let values = [
            (env.organisation_id, org.as_str()),
            (env.file_type, &*self.format.code),
            (env.creation_date, date.as_str()),
            (env.creation_time, time.as_str()),
            (env.generation_number, generation.as_str()),
        ];
        self.writer.write(&env.header, &values)
    }

    fn trailer(&mut self) -> io::Result<()> {
        let env = self.rules.envelope();
        let count = self.writer.body_records.to_string();
        self.writer
            .write(&env.trailer, &[(env.record_count, count.as_str())])
    }

    fn body(&mut self, rt: &str, values: &[(&str, &str)]) -> io::Result<()> {
        let Some(rec) = self.record(rt) else {
            return Ok(());
        };
        let resolved: Vec<(usize, &str)> = values
            .iter()
            .filter_map(|(name, v)| rec.field_index(name).map(|i| (i, *v)))
            .collect();
        self.writer.body_records += 1;
        self.writer.write(rec, &resolved)
    }

    fn file_rejection(&mut self, f: &Finding) -> io::Result<()> {
        let d = &self.def.file_rejection;
        let def = self.rules.finding_def(f.check);
        let text = located(f, &render(&def.message, &f.params, self.redact));
        self.body(&d.record.clone(), &[(&d.code, &def.code), (&d.text, &text)])
    }

    fn detail(&mut self, f: &Finding) -> io::Result<()> {
        let d = &self.def.detail;
        let def = self.rules.finding_def(f.check);
        let text = located(f, &render(&def.message, &f.params, self.redact));
        let field = f.field.as_deref().unwrap_or("");
        self.body(
            &d.record.clone(),
            &[(&d.code, &def.code), (&d.field, field), (&d.text, &text)],
        )
    }
}

/// A response text names the line it is about, since a response has no place for it otherwise.
fn located(f: &Finding, message: &str) -> String {
    match f.line {
        Some(l) => format!("line {l}: {message}"),
        None => message.to_string(),
    }
}

/// Pass 1: only whether (and why) the whole file is rejected.
struct FileSink {
    rejections: Vec<Finding>,
    count: usize,
    max: usize,
}

impl Sink for FileSink {
    fn finding(&mut self, finding: Finding, attach: Attach) {
        if attach == Attach::File {
            self.count += 1;
            if self.rejections.len() < self.max {
                self.rejections.push(finding);
            }
        }
    }
}

/// Pass 2: contacts, CRNs, response records.
struct ContactSink<'a, 'w, 'c> {
    response: Response<'a, 'w>,
    crn: &'a CrnGenerator,
    today: NaiveDate,
    unit_findings: Vec<Finding>,
    on_contact: &'c mut dyn FnMut(&ContactResult),
    failed: Option<Error>,
    summary: BatchSummary,
}

/// Most findings kept per contact for its result (the response carries `max_details`).
const MAX_CONTACT_FINDINGS: usize = 100;

impl Sink for ContactSink<'_, '_, '_> {
    fn finding(&mut self, finding: Finding, attach: Attach) {
        if attach == Attach::Unit && self.unit_findings.len() < MAX_CONTACT_FINDINGS {
            self.unit_findings.push(finding);
        }
    }

    fn wants_units(&self) -> bool {
        true
    }

    fn unit(&mut self, unit: &Unit<'_>) {
        if !unit.is_contact {
            self.unit_findings.clear();
            return;
        }
        if self.failed.is_none() {
            if let Err(e) = self.contact(unit) {
                self.failed = Some(e);
            }
        }
        self.unit_findings.clear();
    }
}

impl ContactSink<'_, '_, '_> {
    fn contact(&mut self, unit: &Unit<'_>) -> Result<()> {
        let rules = self.response.rules;
        let capture: &ContactCapture = unit.capture;
        let outcome = if unit.rejected {
            Outcome::Rejected
        } else if unit.warned {
            Outcome::Warned
        } else {
            Outcome::Accepted
        };
        let (crn, target, status) = if outcome == Outcome::Rejected {
            (None, None, None)
        } else {
            let crn = self.crn.next()?.to_string();
            let days = capture
                .type_index
                .and_then(|i| rules.contact_types().get(i))
                .and_then(|t| t.target_working_days)
                .unwrap_or(0);
            let target = rules.calendar().add_working_days(self.today, days);
            (
                Some(crn),
                target,
                Some(rules.data().lifecycle.initial_status.clone()),
            )
        };
        let reference = capture.reference().map(|b| display_bytes(b, 60));
        let contact_type = capture.type_code().map(|b| display_bytes(b, 60));
        let def = self.response.def;
        let c = &def.contact;
        let target_text = target
            .map(|d| d.format("%Y%m%d").to_string())
            .unwrap_or_default();
        self.response.body(
            &c.record.clone(),
            &[
                (&c.reference, reference.as_deref().unwrap_or("")),
                (&c.outcome, outcome.code()),
                (&c.crn, crn.as_deref().unwrap_or("")),
                (&c.contact_type, contact_type.as_deref().unwrap_or("")),
                (&c.target_date, &target_text),
            ],
        )?;
        for f in self.unit_findings.iter().take(def.max_details) {
            self.response.detail(f)?;
        }
        let s = &mut self.summary;
        s.contacts_total += 1;
        match outcome {
            Outcome::Accepted => s.accepted += 1,
            Outcome::Warned => s.warned += 1,
            Outcome::Rejected => s.rejected += 1,
        }
        if crn.is_some() {
            if s.first_crn.is_none() {
                s.first_crn.clone_from(&crn);
            }
            s.last_crn.clone_from(&crn);
        }
        let redact = self.response.redact;
        let result = ContactResult {
            line: unit.line,
            customer_reference: reference,
            contact_type,
            outcome,
            crn,
            target_date: target,
            status,
            findings: self
                .unit_findings
                .iter()
                .map(|f| finding_out(rules, f, redact))
                .collect(),
        };
        (self.on_contact)(&result);
        Ok(())
    }
}

/// The validation options of a batch run and the response format.
fn resolve<'r>(rules: &'r RuleSet, opts: &BatchOptions) -> Result<(ValidateOptions, &'r Format)> {
    let mut vopts = opts.validate.clone();
    vopts.uploader = Some(opts.uploader);
    vopts.last_generation = opts.last_generation;
    if vopts.format.is_none() {
        let uploads: Vec<&Format> = rules
            .formats()
            .iter()
            .filter(|f| f.upload.is_some())
            .collect();
        if let [only] = uploads.as_slice() {
            vopts.format = Some(only.code.to_string());
        }
    }
    check_options(rules, &vopts)?;
    if !(1000..=9989).contains(&opts.today.year()) {
        return Err(Error::Argument(format!(
            "processing date {} is outside the years 1000 to 9989 (target dates are written YYYYMMDD)",
            opts.today
        )));
    }
    let upload_format = vopts
        .format
        .as_deref()
        .and_then(|c| rules.format(c))
        .filter(|f| f.upload.is_some())
        .ok_or_else(|| {
            Error::Argument("the rule set has no single contact upload format: name one".into())
        })?;
    let response_code = upload_format
        .upload
        .as_ref()
        .map(|u| u.response_format.clone())
        .unwrap_or_default();
    let response_format = rules
        .format(&response_code)
        .ok_or_else(|| Error::Argument(format!("unknown response format `{response_code}`")))?;
    Ok((vopts, response_format))
}

/// Run the batch job. `open` is called twice and must give the same bytes each time.
/// The response goes to `response`; `on_contact` sees each contact's result in input order.
pub fn process<R: Read>(
    rules: &Arc<RuleSet>,
    mut open: impl FnMut() -> io::Result<R>,
    file_name: &str,
    opts: &BatchOptions,
    crn: &CrnGenerator,
    response: &mut dyn Write,
    on_contact: &mut dyn FnMut(&ContactResult),
) -> Result<BatchSummary> {
    let (vopts, response_format) = resolve(rules, opts)?;
    let response_code = response_format.code.to_string();
    let io_err = |e: io::Error| Error::io(file_name, e);

    let max_rejections = response_format
        .def
        .response
        .as_ref()
        .map_or(15, |r| r.max_file_rejections);
    let first = FileSink {
        rejections: Vec::new(),
        count: 0,
        max: max_rejections,
    };
    let (first, stats) = engine::run(
        rules,
        open().map_err(io_err)?,
        Some(file_name),
        &vopts,
        first,
    )
    .map_err(io_err)?;
    let response_file = response_name(file_name, &response_code);
    let generation = response_generation(&response_file, stats.generation);
    let mut summary = BatchSummary {
        file: file_name.to_string(),
        response_file,
        rules_name: rules.name().to_string(),
        rules_version: rules.version().to_string(),
        file_accepted: first.count == 0,
        file_rejections: first
            .rejections
            .iter()
            .map(|f| finding_out(rules, f, vopts.redact))
            .collect(),
        contacts_total: 0,
        accepted: 0,
        warned: 0,
        rejected: 0,
        first_crn: None,
        last_crn: None,
    };
    let mut out = Response::new(rules, response_format, response, vopts.redact)?;
    out.header(opts.today, opts.time, generation)?;
    if first.count > 0 {
        for f in &first.rejections {
            out.file_rejection(f)?;
        }
        out.trailer()?;
        return Ok(summary);
    }
    let sink = ContactSink {
        response: out,
        crn,
        today: opts.today,
        unit_findings: Vec::new(),
        on_contact,
        failed: None,
        summary,
    };
    let (mut sink, _) = engine::run(
        rules,
        open().map_err(io_err)?,
        Some(file_name),
        &vopts,
        sink,
    )
    .map_err(io_err)?;
    if let Some(e) = sink.failed.take() {
        return Err(e);
    }
    sink.response.trailer()?;
    summary = sink.summary;
    Ok(summary)
}

/// Run the batch job on bytes in memory.
pub fn process_bytes(
    rules: &Arc<RuleSet>,
    bytes: &[u8],
    file_name: &str,
    opts: &BatchOptions,
    crn: &CrnGenerator,
) -> Result<BatchOutput> {
    let mut response = Vec::new();
    let mut contacts = Vec::new();
    let summary = process(
        rules,
        || Ok(bytes),
        file_name,
        opts,
        crn,
        &mut response,
        &mut |c| contacts.push(c.clone()),
    )?;
    Ok(BatchOutput {
        summary,
        contacts,
        response,
    })
}

/// Run the batch job on a file, writing the response into `out_dir` (default: beside the
/// upload; created when missing). The response is written under a temporary name and renamed when complete, so a
/// failed run leaves no partial response. Returns the summary and the response's path.
pub fn process_path(
    rules: &Arc<RuleSet>,
    path: impl AsRef<Path>,
    out_dir: Option<&Path>,
    opts: &BatchOptions,
    crn: &CrnGenerator,
    on_contact: &mut dyn FnMut(&ContactResult),
) -> Result<(BatchSummary, PathBuf)> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Argument(format!("`{shown}` is not a file name")))?;
    // Fail early, with the path, when the upload cannot be opened.
    std::fs::File::open(path).map_err(|e| Error::io(shown.clone(), e))?;
    let dir = match out_dir {
        Some(d) => d.to_path_buf(),
        None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let (_, response_format) = resolve(rules, opts)?;
    let probe_name = response_name(&name, &response_format.code);
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(&dir.join(&probe_name), path) {
        return Err(Error::Argument(format!(
            "the response `{probe_name}` would overwrite the upload `{shown}`: name the upload with its own extension or choose another output directory"
        )));
    }
    let tmp = dir.join(format!(".{probe_name}.partial"));
    let mut file = io::BufWriter::new(
        std::fs::File::create(&tmp).map_err(|e| Error::io(tmp.display().to_string(), e))?,
    );
    let result = process(
        rules,
        || std::fs::File::open(path),
        &name,
        opts,
        crn,
        &mut file,
        on_contact,
    )
    .and_then(|s| {
        file.flush()
            .map_err(|e| Error::io(tmp.display().to_string(), e))?;
        Ok(s)
    });
    drop(file);
    match result {
        Ok(summary) => {
            let target = dir.join(&summary.response_file);
            std::fs::rename(&tmp, &target)
                .map_err(|e| Error::io(target.display().to_string(), e))?;
            Ok((summary, target))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(match e {
                Error::Io {
                    path: Some(p),
                    source,
                } if p == name => Error::io(shown, source),
                other => other,
            })
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn response_names() {
        assert_eq!(response_name("SHP00007.CMQ", "CMR"), "SHP00007.CMR");
        assert_eq!(response_name("dir/shp7.cmq", "CMR"), "shp7.cmr");
        assert_eq!(response_name("upload", "CMR"), "upload.CMR");
    }
}
