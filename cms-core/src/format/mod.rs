//! UK Link files: a streaming reader, a record splitter and a schema-driven validator that
//! works for any format of the rule set.
//!
//! ```
//! use cms_core::{RuleSet, format::{validate_bytes, ValidateOptions}};
//! let rules = RuleSet::embedded().unwrap();
//! let file = b"\"A00\",1234,\"CMQ\",20261202,093000,42\n\"Z99\",0\n";
//! let report = validate_bytes(&rules, file, Some("SHP00042.CMQ"), &ValidateOptions::default()).unwrap();
//! // No C01 contact at all: the file is rejected at file level.
//! assert!(!report.accepted());
//! assert_eq!(report.code(&report.findings()[0]), "FIL00018");
//! ```
//!
//! Limits: a line longer than [`ValidateOptions::max_line_bytes`] (default 64 KiB) is a finding
//! and only its first bytes are read; a record with more than [`ValidateOptions::max_fields`]
//! fields (default 1,024) is a finding; a report keeps [`ValidateOptions::max_findings`] findings
//! (default 1,000) and counts the rest.

pub(crate) mod engine;
mod outbox;
pub mod reader;
mod report;
pub mod split;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

pub use engine::{
    ValidateOptions, DEFAULT_MAX_FIELDS, DEFAULT_MAX_FINDINGS, DEFAULT_MAX_LINE_BYTES,
};
pub use report::{finding_out, FindingOut, Report};

use crate::error::{Error, Result};
use crate::rules::RuleSet;

pub(crate) fn check_options(rules: &RuleSet, opts: &ValidateOptions) -> Result<()> {
    if let Some(code) = &opts.format {
        if rules.format(code).is_none() {
            let known: Vec<&str> = rules.formats().iter().map(|f| &*f.code).collect();
            return Err(Error::Argument(format!(
                "unknown format `{code}` (rule set has {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// Validate a file read from `input`. `file_name` (the name only matters, not the directory)
/// enables the checks of the name against the header.
pub fn validate<R: Read>(
    rules: &Arc<RuleSet>,
    input: R,
    file_name: Option<&str>,
    opts: &ValidateOptions,
) -> Result<Report> {
    let lines = reader::LineReader::new(input, opts.max_line_bytes);
    validate_lines(rules, lines, file_name, opts)
}

fn validate_lines<L: reader::LineSource>(
    rules: &Arc<RuleSet>,
    lines: L,
    file_name: Option<&str>,
    opts: &ValidateOptions,
) -> Result<Report> {
    check_options(rules, opts)?;
    let sink = report::ReportSink::new(opts.max_findings);
    let (sink, stats) =
        engine::run_lines(rules, lines, file_name, opts, sink).map_err(|e| match file_name {
            Some(n) => Error::io(n, e),
            None => Error::from(e),
        })?;
    Ok(sink.into_report(
        Arc::clone(rules),
        file_name.map(str::to_string),
        stats,
        opts.redact,
    ))
}

/// Validate bytes in memory.
pub fn validate_bytes(
    rules: &Arc<RuleSet>,
    bytes: &[u8],
    file_name: Option<&str>,
    opts: &ValidateOptions,
) -> Result<Report> {
    // Lines borrowed from the bytes: the same lines as `validate` reads, without copying them.
    let lines = reader::SliceLines::new(bytes, opts.max_line_bytes);
    validate_lines(rules, lines, file_name, opts)
}

/// Validate a file on disk; its name is checked against its header.
pub fn validate_path(
    rules: &Arc<RuleSet>,
    path: impl AsRef<Path>,
    opts: &ValidateOptions,
) -> Result<Report> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(shown.clone(), e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut report = validate(rules, file, name.as_deref(), opts).map_err(|e| match e {
        Error::Io { source, .. } => Error::io(shown.clone(), source),
        other => other,
    })?;
    report.file = Some(shown);
    Ok(report)
}
