//! For the doors (the Python package, the UniFFI bindings, the command): a report as plain data,
//! with the two renderings `cms validate` prints, so every door shows the same thing and none
//! has to invent a format.
//!
//! [`ReportOut`] is what a door keeps of a [`Report`] once the work is done: it owns its data
//! (no rule set), serializes to exactly the object `cms validate --output json` prints for a file
//! ([`Report::to_json`]), reads that object back, and renders the human output
//! ([`ReportOut::human`]).
//!
//! ```
//! use cms_core::{RuleSet, door::ReportOut, format::{validate_bytes, ValidateOptions}};
//!
//! let rules = RuleSet::embedded()?;
//! let file = b"\"A00\",1234,\"CMQ\",20261202,093000,42\n\"Z99\",0\n";
//! let report = validate_bytes(&rules, file, Some("SHP00042.CMQ"), &ValidateOptions::default())?;
//! let out = ReportOut::from(&report);
//! assert_eq!(out.to_json(), report.to_json());
//! let back = ReportOut::from_json(&report.to_json().to_string()).ok();
//! assert_eq!(back.as_ref(), Some(&out));
//! assert!(out.human().ends_with(
//!     "SHP00042.CMQ: rejected: 2 records, 1 errors, 0 warnings (format CMQ, rules cms-default 2026.12.0)\n"
//! ));
//! # Ok::<(), cms_core::Error>(())
//! ```

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::finding::{Scope, Severity};
use crate::format::{FindingOut, Report};

/// A report as plain data: the `cms validate --output json` object of one file.
///
/// Field order and names are those of [`Report::to_json`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOut {
    /// The file's name or path, when known.
    pub file: Option<String>,
    /// The format it was validated as.
    pub format: Option<String>,
    /// The rule set's name.
    pub rules_name: String,
    /// The rule set's version.
    pub rules_version: String,
    /// True when no finding is an error ([`Report::accepted`]).
    pub accepted: bool,
    /// Records read.
    pub records: u64,
    /// Error findings, listed or not.
    pub errors: u64,
    /// Warning findings, listed or not.
    pub warnings: u64,
    /// The listed findings, in output form.
    #[serde(deserialize_with = "findings_in")]
    pub findings: Vec<FindingOut>,
}

impl From<&Report> for ReportOut {
    fn from(report: &Report) -> Self {
        ReportOut {
            file: report.file.clone(),
            format: report.format.clone(),
            rules_name: report.rules().name().to_string(),
            rules_version: report.rules().version().to_string(),
            accepted: report.accepted(),
            records: report.records,
            errors: report.errors,
            warnings: report.warnings,
            findings: report
                .findings()
                .iter()
                .map(|f| report.finding_out(f))
                .collect(),
        }
    }
}

impl ReportOut {
    /// The report as the JSON object `cms validate --output json` prints (its text is the
    /// same, key order included: both go through a `serde_json::Value`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Reads back one `cms validate --output json` line.
    pub fn from_json(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str(text)
    }

    /// The report as `cms validate` prints it by default: one line per finding,
    /// `file:line: FIELD: severity[CODE]: message`, then a closing line with the verdict and
    /// counts; every line ends in `\n`. A report without a file name says `-`.
    pub fn human(&self) -> String {
        let file = self.file.as_deref().unwrap_or("-");
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(file);
            if let Some(line) = f.line {
                let _ = write!(out, ":{line}");
            }
            if let Some(field) = &f.field {
                let _ = write!(out, ": {field}");
            }
            let _ = writeln!(out, ": {}[{}]: {}", f.severity, f.code, f.message);
        }
        let verdict = if self.accepted {
            "accepted"
        } else {
            "rejected"
        };
        let _ = writeln!(
            out,
            "{file}: {verdict}: {} records, {} errors, {} warnings (format {}, rules {} {})",
            self.records,
            self.errors,
            self.warnings,
            self.format.as_deref().unwrap_or("unknown"),
            self.rules_name,
            self.rules_version
        );
        out
    }
}

/// [`FindingOut`] as read back from JSON.
#[derive(Deserialize)]
struct FindingIn {
    code: String,
    severity: Severity,
    scope: Scope,
    line: Option<u64>,
    record_type: Option<String>,
    field: Option<String>,
    field_index: Option<u32>,
    message: String,
}

impl From<FindingIn> for FindingOut {
    fn from(f: FindingIn) -> Self {
        FindingOut {
            code: f.code,
            severity: f.severity,
            scope: f.scope,
            line: f.line,
            record_type: f.record_type,
            field: f.field,
            field_index: f.field_index,
            message: f.message,
        }
    }
}

/// Reads findings in their output form (the inverse of `FindingOut`'s `Serialize`).
pub fn findings_in<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<FindingOut>, D::Error> {
    Vec::<FindingIn>::deserialize(d).map(|v| v.into_iter().map(FindingOut::from).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: a panic is how a test fails
mod tests {
    use super::*;
    use crate::format::{validate_bytes, ValidateOptions};
    use crate::RuleSet;

    const UPLOAD: &[u8] = b"\"A00\",1234,\"CMQ\",20261202,093000,42
\"C01\",\"REF-1\",\"CDQ\",1234567890,,,20261101,,,,\"meter over-reads\"
\"Z99\",1
";

    #[test]
    fn serializes_as_the_json_output_and_reads_it_back() {
        let rules = RuleSet::embedded().unwrap();
        let report = validate_bytes(
            &rules,
            UPLOAD,
            Some("SHP00042.CMQ"),
            &ValidateOptions::default(),
        )
        .unwrap();
        let out = ReportOut::from(&report);
        assert_eq!(serde_json::to_value(&out).unwrap(), report.to_json());
        assert_eq!(out.to_json().to_string(), report.to_json().to_string());
        let back = ReportOut::from_json(&report.to_json().to_string()).unwrap();
        assert_eq!(back, out);
    }

    #[test]
    fn renders_the_human_output() {
        let rules = RuleSet::embedded().unwrap();
        let report = validate_bytes(
            &rules,
            UPLOAD,
            Some("SHP00042.CMQ"),
            &ValidateOptions::default(),
        )
        .unwrap();
        let out = ReportOut::from(&report);
        assert_eq!(
            out.human(),
            "SHP00042.CMQ:2: SUPPLY_METER_POINT_REFERENCE: error[CON00008]: MPRN `1234567890` \
             fails its check digits (they would be `10`)\n\
             SHP00042.CMQ: rejected: 3 records, 1 errors, 0 warnings (format CMQ, rules \
             cms-default 2026.12.0)\n"
        );
        let unnamed = ReportOut {
            file: None,
            format: None,
            findings: Vec::new(),
            ..out
        };
        assert_eq!(
            unnamed.human(),
            "-: rejected: 3 records, 1 errors, 0 warnings (format unknown, rules cms-default \
             2026.12.0)\n"
        );
    }
}
