//! Reports: what validating one file found.

use std::sync::Arc;

use serde::Serialize;

use super::engine::{Attach, Sink, Stats};
use crate::finding::{render, Check, Finding, Scope, Severity};
use crate::rules::RuleSet;

/// The result of validating one file: located findings plus counts. Findings are kept up to a
/// cap; counting (and so [`Report::accepted`]) goes on to the end of the file.
#[derive(Debug, Clone)]
pub struct Report {
    pub(crate) rules: Arc<RuleSet>,
    /// The file's name, when known.
    pub file: Option<String>,
    /// The format it was validated as (none when it could not be told).
    pub format: Option<String>,
    /// Records read (non-blank lines, header and trailer included).
    pub records: u64,
    /// Error findings, all of them (listed or not).
    pub errors: u64,
    /// Warning findings, all of them.
    pub warnings: u64,
    /// Findings past the cap, counted but not listed.
    pub suppressed: u64,
    /// Messages leave customer data out.
    pub redact: bool,
    pub(crate) findings: Vec<Finding>,
}

/// A finding as the JSON output and the doors show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingOut {
    /// Public code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: Severity,
    /// `file`, `record` or `field`.
    pub scope: Scope,
    /// 1-based line.
    pub line: Option<u64>,
    /// Record type.
    pub record_type: Option<String>,
    /// Field name.
    pub field: Option<String>,
    /// 1-based field index.
    pub field_index: Option<u32>,
    /// The rendered message.
    pub message: String,
}

impl Report {
    /// True when no finding is an error.
    pub fn accepted(&self) -> bool {
        self.errors == 0
    }

    /// The listed findings, in line order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The rule set used.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// The public code of a finding.
    pub fn code(&self, finding: &Finding) -> &str {
        &self.rules.finding_def(finding.check).code
    }

    /// The message of a finding, rendered from the catalogue.
    pub fn message(&self, finding: &Finding) -> String {
        render(
            &self.rules.finding_def(finding.check).message,
            &finding.params,
            self.redact,
        )
    }

    /// A finding in its output form.
    pub fn finding_out(&self, f: &Finding) -> FindingOut {
        finding_out(&self.rules, f, self.redact)
    }

    /// The report as one JSON object (the `cms validate --output json` line).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file,
            "format": self.format,
            "rules_name": self.rules.name(),
            "rules_version": self.rules.version(),
            "accepted": self.accepted(),
            "records": self.records,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": self.findings.iter().map(|f| self.finding_out(f)).collect::<Vec<_>>(),
        })
    }
}

/// A finding in output form.
pub fn finding_out(rules: &RuleSet, f: &Finding, redact: bool) -> FindingOut {
    let def = rules.finding_def(f.check);
    FindingOut {
        code: def.code.clone(),
        severity: f.severity,
        scope: f.scope,
        line: f.line,
        record_type: f.record_type.as_deref().map(str::to_string),
        field: f.field.as_deref().map(str::to_string),
        field_index: f.field_index,
        message: render(&def.message, &f.params, redact),
    }
}

/// Collects findings up to a cap.
pub(crate) struct ReportSink {
    pub findings: Vec<Finding>,
    pub cap: usize,
    pub errors: u64,
    pub warnings: u64,
    pub suppressed: u64,
}

impl ReportSink {
    pub fn new(cap: usize) -> Self {
        ReportSink {
            findings: Vec::new(),
            cap,
            errors: 0,
            warnings: 0,
            suppressed: 0,
        }
    }

    pub fn into_report(
        mut self,
        rules: Arc<RuleSet>,
        file: Option<String>,
        stats: Stats,
        redact: bool,
    ) -> Report {
        self.findings.sort_by_key(|f| f.line.unwrap_or(0));
        if self.suppressed > 0 {
            let def = rules.finding_def(Check::FindingsCapped);
            self.warnings += 1;
            self.findings.push(Finding {
                check: Check::FindingsCapped,
                severity: def.severity,
                scope: Scope::File,
                line: None,
                offset: None,
                record_type: None,
                field: None,
                field_index: None,
                params: vec![
                    ("count", self.suppressed.to_string()),
                    ("limit", self.cap.to_string()),
                ],
            });
        }
        Report {
            rules,
            file,
            format: stats.format.map(|f| f.to_string()),
            records: stats.records,
            errors: self.errors,
            warnings: self.warnings,
            suppressed: self.suppressed,
            redact,
            findings: self.findings,
        }
    }
}

impl Sink for ReportSink {
    fn finding(&mut self, finding: Finding, _attach: Attach) {
        if self.findings.len() < self.cap {
            self.tally(finding.severity);
            self.findings.push(finding);
        } else {
            self.count(finding.severity);
        }
    }

    fn counts_only(&self) -> bool {
        self.findings.len() >= self.cap
    }

    fn count(&mut self, severity: Severity) {
        self.tally(severity);
        self.suppressed += 1;
    }
}

impl ReportSink {
    fn tally(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}
