//! Findings: what validation says about a file, one located fact at a time.
//!
//! Every finding comes from a [`Check`] — a rule the engine applies. The rule set's catalogue
//! gives each check its public code (UK Link shape, three capitals and five digits, e.g.
//! `CON00008`), its severity, its usual scope and its message template; codes never change
//! meaning within a rule set. `cms rules` prints the catalogue. The codes and the catalogue's
//! format are public API.
//!
//! Positions: `line` is 1-based and counts every line of the file, blank ones included;
//! `field_index` is 1-based (the record type is field 1); `offset` is the 0-based byte offset of
//! the start of the line (or of the field, when one is named) from the start of the file,
//! byte-order mark included.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Any `Error` finding means the file (or the record) is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Rejects what its scope names.
    Error,
    /// Accepted, with a warning.
    Warning,
}

/// The level a finding rejects (for a warning: the level it is about).
///
/// A finding that rejects the whole file is `File` even when it names a field, such as a wrong
/// `RECORD_COUNT` or a bad header date; a finding on a record that belongs to no level-1 record
/// (a stray child before the first parent) is `File` too, since no response could carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The whole file.
    File,
    /// A record and its children.
    Record,
    /// One field (which rejects its record and the record's children).
    Field,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::File => "file",
            Scope::Record => "record",
            Scope::Field => "field",
        })
    }
}

macro_rules! checks {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, [$($param:literal),*] ;)*) => {
        /// A rule the engine applies. Its public code, severity and message come from the rule
        /// set's catalogue; the name (`snake_case`) is how a rule file refers to it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Check {
            $( $(#[$doc])* $variant, )*
        }

        impl Check {
            /// Every check, in catalogue order.
            pub const ALL: &'static [Check] = &[$(Check::$variant),*];

            /// The name a rule file uses for this check.
            pub fn name(self) -> &'static str {
                match self { $(Check::$variant => $name,)* }
            }

            /// The parameters this check fills in; a message template may use only these
            /// (as `{name}`).
            pub fn params(self) -> &'static [&'static str] {
                match self { $(Check::$variant => &[$($param),*],)* }
            }
        }
    };
}

checks! {
    /// The file holds no records.
    EmptyFile = "empty_file", [];
    /// The first record is not the header.
    MissingHeader = "missing_header", ["record", "expected"];
    /// The file ends without the trailer.
    MissingTrailer = "missing_trailer", ["expected"];
    /// A second header.
    DuplicateHeader = "duplicate_header", ["record", "first_line"];
    /// A record after the trailer.
    RecordAfterTrailer = "record_after_trailer", ["record", "trailer_line"];
    /// The trailer's record count differs from the records between header and trailer.
    RecordCountMismatch = "record_count_mismatch", ["declared", "found"];
    /// The header's file type is not a format of the rule set.
    UnknownFileType = "unknown_file_type", ["value", "rules"];
    /// The header's file type differs from the file name's extension.
    ExtensionMismatch = "extension_mismatch", ["value", "expected"];
    /// The header's generation number differs from the number in the file name.
    GenerationMismatch = "generation_mismatch", ["value", "expected"];
    /// The generation is not above the last one accepted from this sender for this file type.
    DuplicateGeneration = "duplicate_generation", ["value", "last"];
    /// The file name is not in the expected style.
    FileNameStyle = "file_name_style", ["value"];
    /// The header's file type is not the format asked for.
    FormatMismatch = "format_mismatch", ["value", "expected"];
    /// The header's organisation is not the uploader.
    OrganisationMismatch = "organisation_mismatch", ["value", "expected"];
    /// The uploader's organisation type may not use CMS.
    OrganisationTypeNotAllowed = "organisation_type_not_allowed", ["org_type"];
    /// The last line has no line end.
    NoFinalLineEnd = "no_final_line_end", [];
    /// The file starts with a UTF-8 byte-order mark.
    ByteOrderMark = "byte_order_mark", [];
    /// The cap on findings per file was reached.
    FindingsCapped = "findings_capped", ["count", "limit"];
    /// A mandatory level-1 record is missing from the file.
    MissingMandatoryRecord = "missing_mandatory_record", ["record"];
    /// A blank line.
    BlankLine = "blank_line", [];
    /// The uploading user may not upload this file.
    UserMayNotUpload = "user_may_not_upload", ["user", "reason"];
    /// The service is not available at the upload's time.
    ServiceUnavailable = "service_unavailable", ["at", "reason"];
    /// The record type is not part of this file's format.
    UnknownRecordType = "unknown_record_type", ["value", "format"];
    /// Fewer fields than the record has.
    TooFewFields = "too_few_fields", ["found", "expected", "record"];
    /// More fields than the record has.
    TooManyFields = "too_many_fields", ["found", "expected", "record"];
    /// The record is not under the parent the hierarchy gives it.
    RecordOutOfPlace = "record_out_of_place", ["record", "parent"];
    /// More occurrences of a record than the hierarchy allows.
    TooManyOccurrences = "too_many_occurrences", ["record", "max", "parent"];
    /// A mandatory child record is missing.
    MissingChildRecord = "missing_child_record", ["record", "parent"];
    /// A quoted field is not closed before the end of the line.
    UnbalancedQuote = "unbalanced_quote", [];
    /// The line is longer than the limit.
    LineTooLong = "line_too_long", ["limit"];
    /// A mandatory field is empty.
    MandatoryFieldMissing = "mandatory_field_missing", [];
    /// Text longer than the field allows.
    TextTooLong = "text_too_long", ["value", "length", "max"];
    /// A numeric field holds something that is not a number.
    NotNumeric = "not_numeric", ["value"];
    /// Too many digits before the decimal point.
    TooManyDigits = "too_many_digits", ["value", "digits", "max"];
    /// Too many decimal places.
    TooManyDecimals = "too_many_decimals", ["value", "decimals", "max"];
    /// A negative value in an unsigned field.
    SignNotAllowed = "sign_not_allowed", ["value"];
    /// Not a real calendar date in the form YYYYMMDD.
    InvalidDate = "invalid_date", ["value"];
    /// Not a time of day in the form HHMMSS.
    InvalidTime = "invalid_time", ["value"];
    /// Not a timestamp in the form YYYYMMDDHHMMSS.
    InvalidTimestamp = "invalid_timestamp", ["value"];
    /// A character outside the allowed character set.
    CharacterNotAllowed = "character_not_allowed", ["value", "character", "charset"];
    /// A double quote inside a field.
    QuoteInField = "quote_in_field", ["value"];
    /// Strict mode: a text field without its double quotes.
    TextNotQuoted = "text_not_quoted", ["value"];
    /// Strict mode: a non-text field in double quotes.
    NonTextQuoted = "non_text_quoted", ["value"];
    /// A value outside the field's list of allowed values.
    ValueNotAllowed = "value_not_allowed", ["value", "allowed"];
    /// The contact type is not in the catalogue.
    UnknownContactType = "unknown_contact_type", ["value"];
    /// The contact type is retired.
    RetiredContactType = "retired_contact_type", ["value", "name"];
    /// The contact type is not in the new CMS yet.
    ContactTypeNotInNewCms = "contact_type_not_in_new_cms", ["value", "name"];
    /// The uploader's organisation type may not raise this contact type.
    NotRaisableByOrganisation = "not_raisable_by_organisation", ["value", "org_type"];
    /// A field the contact type needs is empty.
    RequiredFieldMissing = "required_field_missing", ["type"];
    /// A field the contact type must not have is filled in.
    FieldNotAllowed = "field_not_allowed", ["value", "type"];
    /// A child record the contact type needs is missing.
    RequiredRecordMissing = "required_record_missing", ["type", "record"];
    /// The MPRN's check digits are wrong.
    MprnCheckDigits = "mprn_check_digits", ["value", "expected"];
    /// The MPRN has too few or too many digits.
    MprnLength = "mprn_length", ["value", "digits", "min", "max"];
    /// The supply point class is not allowed for the contact type.
    ClassNotAllowed = "class_not_allowed", ["value", "type", "allowed"];
    /// END_DATE before EFFECTIVE_DATE.
    EndBeforeEffective = "end_before_effective", ["value", "other"];
    /// A contact date after the header's creation date.
    DateAfterCreation = "date_after_creation", ["value", "other"];
    /// A date before the earliest the contact type allows.
    DateBeforeEarliest = "date_before_earliest", ["value", "earliest", "type"];
    /// A customer reference used by an earlier contact in the file.
    DuplicateReference = "duplicate_reference", ["value"];
    /// Another contact in the file has the same MPRN and contact type.
    DuplicateMeterPoint = "duplicate_meter_point", ["value", "type"];
    /// The uploading user may not raise this contact type.
    UserMayNotRaise = "user_may_not_raise", ["user", "value", "reason"];
}

impl Check {
    /// Parameters that carry customer data (field values); left out of messages when
    /// redaction is on.
    pub fn is_customer_data(param: &str) -> bool {
        matches!(param, "value" | "other")
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One catalogue entry: how a check is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDef {
    /// The engine's check this entry publishes.
    pub check: Check,
    /// The public code: three capitals and five digits.
    pub code: String,
    /// Severity of every finding of this check.
    pub severity: Severity,
    /// The level it usually rejects (a finding on a header or trailer field, or on a record
    /// outside every level-1 record, rejects the file instead).
    pub scope: Scope,
    /// A short title.
    pub title: String,
    /// The message template: `{param}` is replaced by the finding's parameter of that name.
    pub message: String,
}

/// A shared, cheap-to-clone name (a record type or field name from the rule set).
pub type Name = Arc<str>;

/// One located fact about a file.
///
/// Compact until read: the message is rendered from the catalogue template when asked for
/// ([`crate::Report::message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check that produced it.
    pub check: Check,
    /// Its severity (from the catalogue).
    pub severity: Severity,
    /// The level it rejects.
    pub scope: Scope,
    /// 1-based line, when the finding is about a line.
    pub line: Option<u64>,
    /// 0-based byte offset in the file of the field (or line) it is about.
    pub offset: Option<u64>,
    /// The record type, when known.
    pub record_type: Option<Name>,
    /// The field name, when it is about a field.
    pub field: Option<Name>,
    /// 1-based field index, when it is about a field.
    pub field_index: Option<u32>,
    /// The message parameters, by name.
    pub params: Vec<(&'static str, String)>,
}

impl Finding {
    /// The value of a parameter, if the finding has it.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is an error (it rejects its scope).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Render a template, replacing each `{param}` by its value. Unknown names stay as written.
pub(crate) fn render(template: &str, params: &[(&'static str, String)], redact: bool) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        match after.find('}') {
            Some(end) => {
                let name = after.get(1..end).unwrap_or_default();
                match params.iter().find(|(k, _)| *k == name) {
                    Some((k, v)) if redact && Check::is_customer_data(k) => {
                        out.push_str("<redacted>")
                    }
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(after.get(..=end).unwrap_or_default()),
                }
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Show bytes from a file as text for a message: printable ASCII as is, anything else as
/// `\xNN`, cut after `max` characters with `...`.
pub fn display_bytes(bytes: &[u8], max: usize) -> String {
    let mut out = String::with_capacity(bytes.len().min(max) + 4);
    for (i, &b) in bytes.iter().enumerate() {
        if i >= max {
            out.push_str("...");
            break;
        }
        if (0x20..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn render_replaces_known_params_and_keeps_unknown() {
        let p = vec![("value", "123".to_string()), ("max", "10".to_string())];
        assert_eq!(
            render("`{value}` over {max} {nope}", &p, false),
            "`123` over 10 {nope}"
        );
        assert_eq!(
            render("`{value}` over {max}", &p, true),
            "`<redacted>` over 10"
        );
        assert_eq!(render("no braces", &p, false), "no braces");
        assert_eq!(render("open { only", &p, false), "open { only");
    }

    #[test]
    fn display_bytes_escapes_and_cuts() {
        assert_eq!(display_bytes(b"ab\x00\xe9", 10), "ab\\x00\\xE9");
        assert_eq!(display_bytes(b"abcdef", 3), "abc...");
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = Check::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
