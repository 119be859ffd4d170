//! The validator: one pass over a file's lines, schema-driven, for any format of the rule set.
//!
//! State kept while streaming: the current line, the open hierarchy (one frame per level), the
//! header's values, counters, and — for contact uploads — the two per-contact indexes.

use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime};

use crate::access::{
    decide_without_time, service_status, OrganisationRecord, Outage, Request, User,
};

use super::outbox::{ClaimField, Outbox, Verdict};
use super::reader::{Line, LineReader, LineSource};
use super::split::{split, Fields, Span};
use crate::contact::{self, ContactCapture, ContactContext, ContactIndex, ContactValues};
use crate::finding::{display_bytes, Check, Finding, Name, Scope, Severity};
use crate::rules::{Charset, Domain, FieldSpec, Format, Organisation, RecordSpec, RuleSet};

/// How to validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Use this format instead of the header's FILE_TYPE (a header that says otherwise is a
    /// file-level finding).
    pub format: Option<String>,
    /// Strict quoting: text fields must be in double quotes, other fields must not.
    pub strict: bool,
    /// The uploading organisation: enables the rules that need it.
    pub uploader: Option<Organisation>,
    /// The last generation accepted from this sender for this file type.
    pub last_generation: Option<u64>,
    /// Most findings a report keeps (counting goes on past it).
    pub max_findings: usize,
    /// Longest line, in bytes, before the line is a finding (and cut).
    pub max_line_bytes: usize,
    /// Most fields in a record before the record is a finding.
    pub max_fields: usize,
    /// Leave customer data (field values) out of messages.
    pub redact: bool,
    /// The uploading user (with `uploader`): their permissions are checked (may they upload,
    /// may they raise each contact's type).
    pub user: Option<User>,
    /// The time of the upload (UTC): the service hours and declared outages are checked.
    pub at: Option<NaiveDateTime>,
    /// Declared outages.
    pub outages: Vec<Outage>,
}

/// Default limit on findings per file.
pub const DEFAULT_MAX_FINDINGS: usize = 1000;
/// Default limit on a line's length, in bytes.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 * 1024;
/// Default limit on fields in a record.
pub const DEFAULT_MAX_FIELDS: usize = 1024;

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            format: None,
            strict: false,
            uploader: None,
            last_generation: None,
            max_findings: DEFAULT_MAX_FINDINGS,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_fields: DEFAULT_MAX_FIELDS,
            redact: false,
            user: None,
            at: None,
            outages: Vec::new(),
        }
    }
}

/// What a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attach {
    /// Rejects the file.
    File,
    /// Belongs to the open level-1 record (a contact, in an upload).
    Unit,
    /// A warning about the file that rejects nothing.
    Loose,
}

/// A level-1 record with its children, complete.
pub(crate) struct Unit<'a> {
    pub line: u64,
    pub is_contact: bool,
    pub capture: &'a ContactCapture,
    pub rejected: bool,
    pub warned: bool,
}

/// Where findings go.
pub(crate) trait Sink {
    fn finding(&mut self, finding: Finding, attach: Attach);
    /// A complete unit (only when [`Sink::wants_units`]).
    fn unit(&mut self, _unit: &Unit<'_>) {}
    /// The sink reads units: without them, the engine need not keep what they carry.
    fn wants_units(&self) -> bool {
        false
    }
    /// The sink keeps no more findings, and never will again: it only counts them, in any
    /// order ([`Sink::count`]), and the engine need not build them.
    fn counts_only(&self) -> bool {
        false
    }
    /// A finding it does not keep (only when [`Sink::counts_only`]).
    fn count(&mut self, _severity: Severity) {}
}

/// Counts from a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    pub records: u64,
    pub format: Option<Name>,
    pub generation: Option<u64>,
    pub header_seen: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    Body,
    After,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Envelope,
    InUnit,
    Orphan,
}

/// One field's verdict from the field checks: whether its value is good (an empty optional
/// field is), and its date when it is a good date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldCheck {
    pub ok: bool,
    pub date: Option<NaiveDate>,
}

impl FieldCheck {
    const GOOD: FieldCheck = FieldCheck {
        ok: true,
        date: None,
    };
    const BAD: FieldCheck = FieldCheck {
        ok: false,
        date: None,
    };
}

struct Frame {
    record: usize,
    line: u64,
    counts: Vec<u64>,
}

/// The open hierarchy, one frame per level. Frames stay allocated when closed and are reset in
/// place when a level opens again, so nothing moves from record to record.
#[derive(Default)]
struct Frames {
    frames: Vec<Frame>,
    depth: usize,
}

impl Frames {
    fn len(&self) -> usize {
        self.depth
    }

    fn is_empty(&self) -> bool {
        self.depth == 0
    }

    fn last(&self) -> Option<&Frame> {
        self.depth.checked_sub(1).and_then(|i| self.frames.get(i))
    }

    fn last_mut(&mut self) -> Option<&mut Frame> {
        self.depth
            .checked_sub(1)
            .and_then(|i| self.frames.get_mut(i))
    }

    /// Open a level for record `record` (line `line`), counting children of `width` kinds.
    fn push(&mut self, record: usize, line: u64, width: usize) {
        match self.frames.get_mut(self.depth) {
            Some(f) => {
                f.record = record;
                f.line = line;
                f.counts.clear();
                f.counts.resize(width, 0);
            }
            None => self.frames.push(Frame {
                record,
                line,
                counts: vec![0; width],
            }),
        }
        self.depth += 1;
    }

    /// Close the innermost level: its frame, readable until the next [`Self::push`].
    fn pop(&mut self) -> Option<&Frame> {
        self.depth = self.depth.checked_sub(1)?;
        self.frames.get(self.depth)
    }
}

struct UnitState {
    line: u64,
    is_contact: bool,
    verdict: Verdict,
}

/// The engine for one file.
pub(crate) struct Engine<'r, S> {
    rules: &'r RuleSet,
    opts: &'r ValidateOptions,
    file_name: Option<&'r str>,
    out: Outbox<'r, S>,
    format: Option<&'r Format>,
    phase: Phase,
    place: Place,
    header_line: u64,
    trailer_line: u64,
    body_records: u64,
    stats: Stats,
    creation_date: Option<NaiveDate>,
    fields: Fields,
    /// The field checks' verdicts on the current record, by field.
    checked: Vec<FieldCheck>,
    /// The fields of the current record the plain checks did not pass.
    closer: Vec<usize>,
    stack: Frames,
    top_counts: Vec<u64>,
    /// For each record of the format: the kinds of child it counts (all the format's records
    /// when some record has it as parent, else none).
    widths: Vec<usize>,
    unit: Option<UnitState>,
    capture: ContactCapture,
    index: ContactIndex,
    last_line: u64,
    last_terminated: bool,
    last_empty: bool,
    /// The header's and trailer's record types, packed.
    header_tag: Option<u64>,
    trailer_tag: Option<u64>,
    // The line being processed.
    line_no: u64,
    line_offset: u64,
}

/// Run the engine over a reader.
pub(crate) fn run<R: Read, S: Sink>(
    rules: &RuleSet,
    input: R,
    file_name: Option<&str>,
    opts: &ValidateOptions,
    sink: S,
) -> std::io::Result<(S, Stats)> {
    let reader = LineReader::new(input, opts.max_line_bytes);
    run_lines(rules, reader, file_name, opts, sink)
}

/// Run the engine over lines from any source (made with `opts.max_line_bytes`).
pub(crate) fn run_lines<L: LineSource, S: Sink>(
    rules: &RuleSet,
    mut lines: L,
    file_name: Option<&str>,
    opts: &ValidateOptions,
    sink: S,
) -> std::io::Result<(S, Stats)> {
    let mut engine = Engine::new(rules, opts, file_name, sink);
    while let Some(line) = lines.next_line()? {
        engine.line(&line);
    }
    engine.finish();
    engine.flush();
    Ok((engine.out.sink, engine.stats))
}

pub(crate) fn show(v: &[u8]) -> String {
    display_bytes(v, 60)
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| *b == b' ' || *b == b'\t')
}

fn parse_u64(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    v.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

fn digits2(v: &[u8]) -> Option<u32> {
    match v {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

/// `YYYYMMDD`, a real calendar date. The eight digits are read as one number: checked all at
/// once, then paired (each byte's digit times ten plus the next byte's).
pub(crate) fn parse_date(v: &[u8]) -> Option<NaiveDate> {
    use crate::bytes::{le_u64, non_digit_bytes, ONES};
    if v.len() != 8 {
        return None;
    }
    let w = le_u64(v);
    if non_digit_bytes(w) != 0 {
        return None;
    }
    let digits = w & (ONES * 0x0f);
    // Bytes 0, 2, 4 and 6: the two-digit numbers YY, YY, MM and DD (at most 99: nothing carries).
    let pairs = (digits * 10 + (digits >> 8)) & 0x00ff_00ff_00ff_00ff;
    let pair = |i: u32| ((pairs >> (16 * i)) & 0xff) as u32;
    let year = i32::try_from(pair(0) * 100 + pair(1)).ok()?;
    NaiveDate::from_ymd_opt(year, pair(2), pair(3))
}

fn valid_time(v: &[u8]) -> bool {
    let part = |r: std::ops::Range<usize>| v.get(r).and_then(digits2);
    v.len() == 6
        && matches!(part(0..2), Some(h) if h < 24)
        && matches!(part(2..4), Some(m) if m < 60)
        && matches!(part(4..6), Some(s) if s < 60)
}

/// Describe a byte that is not allowed.
fn describe_byte(b: u8) -> String {
    match b {
        0 => "a NUL byte (0x00)".to_string(),
        0x01..=0x1f | 0x7f => format!("the control character 0x{b:02X}"),
        _ => format!("the byte 0x{b:02X}"),
    }
}

/// Every byte is printable ASCII (0x20 to 0x7E): eight bytes at a time.
fn all_printable(v: &[u8]) -> bool {
    use crate::bytes::{le_u64, load_le, nonprintable_bits, HIGH, SPACES};
    let words = v.chunks_exact(8);
    let rest = words.remainder();
    let mut bad = 0;
    for w in words {
        bad |= nonprintable_bits(le_u64(w));
    }
    if !rest.is_empty() {
        // The missing bytes as spaces.
        bad |= nonprintable_bits(load_le(rest) | SPACES << (8 * rest.len()));
    }
    bad & HIGH == 0
}

/// The first character not allowed by the charset: its description.
fn charset_problem(v: &[u8], charset: Charset) -> Option<String> {
    if all_printable(v) {
        return None;
    }
    match charset {
        Charset::PrintableAscii => v
            .iter()
            .find(|b| !(0x20..0x7f).contains(*b))
            .map(|b| describe_byte(*b)),
        Charset::Latin1 => v
            .iter()
            .find(|b| !((0x20..0x7f).contains(*b) || **b >= 0xa0))
            .map(|b| describe_byte(*b)),
        Charset::Utf8 => match std::str::from_utf8(v) {
            Err(e) => {
                let at = e.valid_up_to();
                Some(format!(
                    "bytes that are not UTF-8 (from 0x{:02X})",
                    v.get(at).copied().unwrap_or(0)
                ))
            }
            Ok(s) => s.chars().find(|c| c.is_control()).map(|c| {
                if (c as u32) < 0x80 {
                    describe_byte(c as u8)
                } else {
                    format!("the control character U+{:04X}", c as u32)
                }
            }),
        },
    }
}

fn text_length(v: &[u8], charset: Charset) -> usize {
    match charset {
        Charset::Utf8 => std::str::from_utf8(v).map_or(v.len(), |s| s.chars().count()),
        _ => v.len(),
    }
}

type Params = Vec<(&'static str, String)>;

/// A field's verdict when it is plainly good (or empty and optional); `None` when it needs a
/// closer look (a quote inside, a mandatory field empty, strict quoting, or a value
/// [`field_plainly_ok`] does not pass). Inlined into its one caller's loop: a call per field
/// cost more than the common field's checks.
#[inline(always)]
fn plain_verdict(
    spec: &FieldSpec,
    span: &Span,
    line: &[u8],
    printable: bool,
    strict: bool,
) -> Option<FieldCheck> {
    if span.inner_quote {
        return None;
    }
    // (A span lies within its line: the splitter made it so.)
    let len = span.end.saturating_sub(span.start);
    if len == 0 {
        return (!spec.mandatory).then_some(FieldCheck::GOOD);
    }
    if strict && (spec.domain == Domain::Text) != span.quoted {
        return None;
    }
    // The most common field of all, decided by its length alone.
    if spec.domain == Domain::Text && printable && spec.values.is_none() {
        return (len <= spec.length as usize).then_some(FieldCheck::GOOD);
    }
    let v = line.get(span.start..span.end)?;
    let mut date = None;
    field_plainly_ok(spec, v, printable, &mut date).then_some(FieldCheck { ok: true, date })
}

/// The common case of [`field_problem`], without building anything: true when the value is
/// plainly good (printable text within its length; unsigned whole digits within theirs; a
/// date, a time, a timestamp; one of its values). False says only "look closer".
#[inline]
fn field_plainly_ok(
    spec: &FieldSpec,
    v: &[u8],
    printable: bool,
    date: &mut Option<NaiveDate>,
) -> bool {
    let domain_ok = match spec.domain {
        Domain::Text => v.len() <= spec.length as usize && (printable || all_printable(v)),
        Domain::Numeric => numeric_plainly_ok(spec, v),
        Domain::Date => {
            *date = parse_date(v);
            date.is_some()
        }
        Domain::Time => valid_time(v),
        Domain::Timestamp => valid_timestamp(v),
    };
    domain_ok && value_allowed(spec, v)
}

/// A number within its field's digits and decimals: `-` (when signed), digits, and `.` with
/// digits — what [`field_problem`] accepts, read in one pass.
#[inline]
fn numeric_plainly_ok(spec: &FieldSpec, v: &[u8]) -> bool {
    let body = match v {
        [b'-', rest @ ..] if spec.signed => rest,
        _ => v,
    };
    let max_int = spec.length.saturating_sub(spec.decimals) as usize;
    let int = crate::bytes::leading_digits(body);
    if int == 0 || int > max_int {
        return false;
    }
    match body.get(int..) {
        Some([b'.', frac @ ..]) => {
            !frac.is_empty()
                && frac.len() <= spec.decimals as usize
                && frac.iter().all(u8::is_ascii_digit)
        }
        Some(rest) => rest.is_empty(),
        None => false,
    }
}

/// `YYYYMMDDHHMMSS`: a real date and a time.
fn valid_timestamp(v: &[u8]) -> bool {
    v.len() == 14 && v.get(..8).and_then(parse_date).is_some() && v.get(8..).is_some_and(valid_time)
}

/// The value is one of the field's values, when it has a list of them.
fn value_allowed(spec: &FieldSpec, v: &[u8]) -> bool {
    spec.values
        .as_ref()
        .is_none_or(|values| values.iter().any(|a| &**a == v))
}

/// `params()` when `detail` asks for parameters (not past a report's findings cap), else none.
fn detailed(detail: bool, params: impl FnOnce() -> Params) -> Params {
    if detail {
        params()
    } else {
        Vec::new()
    }
}

/// A field's own problem, if any (value non-empty, without quotes inside), with its parameters
/// when `detail` asks for them. A date field's date goes in `date`.
#[cold]
#[inline(never)]
fn field_problem(
    spec: &FieldSpec,
    v: &[u8],
    charset: Charset,
    date: &mut Option<NaiveDate>,
    detail: bool,
) -> Option<(Check, Params)> {
    match spec.domain {
        Domain::Text => {
            if let Some(what) = charset_problem(v, charset) {
                return Some((
                    Check::CharacterNotAllowed,
                    detailed(detail, || {
                        vec![
                            ("value", show(v)),
                            ("character", what),
                            ("charset", charset.as_str().to_string()),
                        ]
                    }),
                ));
            }
            let n = text_length(v, charset);
            if n > spec.length as usize {
                return Some((
                    Check::TextTooLong,
                    detailed(detail, || {
                        vec![
                            ("value", show(v)),
                            ("length", n.to_string()),
                            ("max", spec.length.to_string()),
                        ]
                    }),
                ));
            }
        }
        Domain::Numeric => {
            let (negative, body) = match v.split_first() {
                Some((b'-', rest)) => (true, rest),
                _ => (false, v),
            };
            let (int, frac) = match memchr::memchr(b'.', body) {
                Some(i) => (
                    body.get(..i).unwrap_or_default(),
                    Some(body.get(i + 1..).unwrap_or_default()),
                ),
                None => (body, None),
            };
            let digits = |p: &[u8]| !p.is_empty() && p.iter().all(u8::is_ascii_digit);
            if !digits(int) || frac.is_some_and(|f| !digits(f)) {
                return Some((
                    Check::NotNumeric,
                    detailed(detail, || vec![("value", show(v))]),
                ));
            }
            if negative && !spec.signed {
                return Some((
                    Check::SignNotAllowed,
                    detailed(detail, || vec![("value", show(v))]),
                ));
            }
            let max_int = spec.length - spec.decimals;
            if int.len() > max_int as usize {
                return Some((
                    Check::TooManyDigits,
                    detailed(detail, || {
                        vec![
                            ("value", show(v)),
                            ("digits", int.len().to_string()),
                            ("max", max_int.to_string()),
                        ]
                    }),
                ));
            }
            let decimals = frac.map_or(0, <[u8]>::len);
            if decimals > spec.decimals as usize {
                return Some((
                    Check::TooManyDecimals,
                    detailed(detail, || {
                        vec![
                            ("value", show(v)),
                            ("decimals", decimals.to_string()),
                            ("max", spec.decimals.to_string()),
                        ]
                    }),
                ));
            }
        }
        Domain::Date => {
            *date = parse_date(v);
            if date.is_none() {
                return Some((
                    Check::InvalidDate,
                    detailed(detail, || vec![("value", show(v))]),
                ));
            }
        }
        Domain::Time => {
            if !valid_time(v) {
                return Some((
                    Check::InvalidTime,
                    detailed(detail, || vec![("value", show(v))]),
                ));
            }
        }
        Domain::Timestamp => {
            if !valid_timestamp(v) {
                return Some((
                    Check::InvalidTimestamp,
                    detailed(detail, || vec![("value", show(v))]),
                ));
            }
        }
    }
    if !value_allowed(spec, v) {
        return Some((
            Check::ValueNotAllowed,
            detailed(detail, || {
                let values = spec.values.as_deref().unwrap_or_default();
                let list: Vec<String> = values.iter().map(|a| format!("`{}`", show(a))).collect();
                vec![("value", show(v)), ("allowed", list.join(", "))]
            }),
        ));
    }
    None
}

/// The parts of a file name: `SHP00042.CMQ` → (true, Some("CMQ"), Some("00042")).
pub(crate) fn parse_file_name(name: &str) -> (bool, Option<&str>, Option<&str>) {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = match base.rsplit_once('.') {
        Some((s, e)) => (s, Some(e)),
        None => (base, None),
    };
    let digits_at = stem
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(stem.len());
    let (letters, digits) = stem.split_at(digits_at);
    let styled = !letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && ext.is_some_and(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()));
    let trailing = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let number = stem.get(stem.len() - trailing..).filter(|d| !d.is_empty());
    (styled, ext.filter(|e| !e.is_empty()), number)
}

/// A check's severity (from the catalogue), the level it rejects where it is found, and what
/// the finding belongs to.
pub(crate) fn classify(rules: &RuleSet, check: Check, place: Place) -> (Severity, Scope, Attach) {
    let def = rules.finding_def(check);
    let severity = def.severity;
    let scope = match (def.scope, place) {
        (Scope::File, _) | (_, Place::Envelope) | (_, Place::Orphan) => Scope::File,
        (s, Place::InUnit) => s,
    };
    let attach = match (scope, severity) {
        (Scope::File, Severity::Error) => Attach::File,
        (Scope::File, Severity::Warning) => Attach::Loose,
        _ => Attach::Unit,
    };
    (severity, scope, attach)
}

impl<'r, S: Sink> Engine<'r, S> {
    fn new(
        rules: &'r RuleSet,
        opts: &'r ValidateOptions,
        file_name: Option<&'r str>,
        sink: S,
    ) -> Self {
        Engine {
            rules,
            opts,
            file_name,
            out: Outbox::new(sink),
            format: None,
            phase: Phase::Start,
            place: Place::Envelope,
            header_line: 0,
            trailer_line: 0,
            body_records: 0,
            stats: Stats::default(),
            creation_date: None,
            fields: Fields::default(),
            checked: Vec::new(),
            closer: Vec::new(),
            stack: Frames::default(),
            top_counts: Vec::new(),
            widths: Vec::new(),
            unit: None,
            capture: ContactCapture::default(),
            index: ContactIndex::new(),
            last_line: 0,
            last_terminated: true,
            last_empty: true,
            header_tag: crate::rules::pack8(rules.envelope().header.record_type.as_bytes()),
            trailer_tag: crate::rules::pack8(rules.envelope().trailer.record_type.as_bytes()),
            line_no: 0,
            line_offset: 0,
        }
    }

    /// The report still keeps findings: their parameters are worth building (past its cap it
    /// only counts them).
    fn keeps_findings(&self) -> bool {
        !self.out.sink.counts_only()
    }

    /// Emit a finding about the current line.
    fn emit(
        &mut self,
        check: Check,
        record: Option<&Name>,
        field: Option<(&Name, usize, u64)>,
        params: impl FnOnce() -> Params,
    ) {
        self.emit_at(check, Some(self.line_no), record, field, params);
    }

    fn emit_at(
        &mut self,
        check: Check,
        line: Option<u64>,
        record: Option<&Name>,
        field: Option<(&Name, usize, u64)>,
        params: impl FnOnce() -> Params,
    ) {
        let (severity, scope, attach) = classify(self.rules, check, self.place);
        if attach == Attach::Unit {
            if let Some(u) = &mut self.unit {
                match severity {
                    Severity::Error => u.verdict.rejected = true,
                    Severity::Warning => u.verdict.warned = true,
                }
            }
        }
        if !self.keeps_findings() {
            self.out.sink.count(severity);
            return;
        }
        let offset = match field {
            Some((_, _, at)) => Some(at),
            None => line.map(|_| self.line_offset),
        };
        let finding = Finding {
            check,
            severity,
            scope,
            line,
            offset,
            record_type: record.cloned(),
            field: field.map(|(n, _, _)| n.clone()),
            field_index: field.and_then(|(_, i, _)| u32::try_from(i + 1).ok()),
            params: params(),
        };
        if self.out.finding(finding, attach) {
            self.flush();
        }
    }

    /// Pass on everything held back, the open unit's claims included.
    fn flush(&mut self) {
        let open = self.unit.as_mut().map(|u| &mut u.verdict);
        self.out.flush(self.rules, &mut self.index, open);
    }

    fn line(&mut self, line: &Line<'_>) {
        self.line_no = line.number;
        self.line_offset = line.offset;
        self.last_line = line.number;
        self.last_terminated = line.terminated;
        self.last_empty = line.bytes.is_empty();
        let mut bytes = line.bytes;
        let mut base = line.offset;
        if line.number == 1 {
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
                base += 3;
                self.place = Place::Envelope;
                self.emit(Check::ByteOrderMark, None, None, Vec::new);
            }
        }
        if is_blank(bytes) && !line.overlong {
            self.place = Place::Envelope;
            self.emit(Check::BlankLine, None, None, Vec::new);
            return;
        }
        self.stats.records += 1;
        split(bytes, self.opts.max_fields, &mut self.fields);
        let rt = self.fields.value(bytes, 0);
        let envelope = self.rules.envelope();
        let tag = crate::rules::pack8(rt);
        let is_header = tag.is_some() && tag == self.header_tag;
        let is_trailer = tag.is_some() && tag == self.trailer_tag;
        match self.phase {
            Phase::Start => {
                self.start_file();
                self.phase = Phase::Body;
                if is_header {
                    self.header(bytes, base, line);
                } else {
                    self.place = Place::Envelope;
                    let expected = envelope.header.record_type.to_string();
                    self.emit(Check::MissingHeader, None, None, || {
                        vec![("record", show(rt)), ("expected", expected)]
                    });
                    self.choose_format(None);
                    // A record that no format knows stands in the header's place (a garbled
                    // header): it is not counted as a body record. A known body record (or the
                    // trailer) is read as one.
                    let body_type = self
                        .rules
                        .formats()
                        .iter()
                        .any(|f| f.record_index(rt).is_some());
                    if body_type || is_trailer {
                        self.body_record(bytes, base, line, tag, is_trailer);
                    }
                }
            }
            Phase::Body if is_header => {
                self.place = Place::Envelope;
                let first = if self.header_line > 0 {
                    self.header_line.to_string()
                } else {
                    "-".into()
                };
                let name = envelope.header.record_type.clone();
                self.emit(Check::DuplicateHeader, Some(&name), None, || {
                    vec![("record", show(rt)), ("first_line", first)]
                });
            }
            Phase::Body => self.body_record(bytes, base, line, tag, is_trailer),
            Phase::After => {
                self.place = Place::Envelope;
                let tl = self.trailer_line.to_string();
                self.emit(Check::RecordAfterTrailer, None, None, || {
                    vec![("record", show(rt)), ("trailer_line", tl)]
                });
            }
        }
    }

    /// File-level rules that need no header: the uploader's type.
    fn start_file(&mut self) {
        if let Some(org) = self.opts.uploader {
            if !self.rules.may_use_cms(org.org_type) {
                self.place = Place::Envelope;
                let line = (self.line_no > 0).then_some(self.line_no);
                self.emit_at(Check::OrganisationTypeNotAllowed, line, None, None, || {
                    vec![("org_type", org.org_type.to_string())]
                });
            }
        }
        let line = (self.line_no > 0).then_some(self.line_no);
        if let (Some(_), Some(at)) = (self.opts.uploader, self.opts.at) {
            let status = service_status(self.rules, at, &self.opts.outages);
            if !status.available {
                self.place = Place::Envelope;
                let at = format!("{} UTC", at.format("%Y-%m-%d %H:%M:%S"));
                let reason = status.reason.unwrap_or_default();
                self.emit_at(Check::ServiceUnavailable, line, None, None, || {
                    vec![("at", at), ("reason", reason)]
                });
            }
        }
        if let (Some(org), Some(user)) = (self.opts.uploader, self.opts.user.as_ref()) {
            let record = OrganisationRecord {
                id: org.id,
                short_code: String::new(),
                org_type: org.org_type,
                active: true,
            };
            let d = decide_without_time(self.rules, user, &record, &Request::UploadBatch);
            if !d.allowed {
                self.place = Place::Envelope;
                let params = vec![("user", user.id.clone()), ("reason", d.reason)];
                self.emit_at(Check::UserMayNotUpload, line, None, None, || params);
            }
        }
    }

    fn choose_format(&mut self, file_type: Option<&[u8]>) {
        let name = self.rules.envelope().header.record_type.clone();
        let ft_field = self
            .rules
            .envelope()
            .header
            .fields
            .get(self.rules.envelope().file_type)
            .map(|f| f.name.clone());
        let at = ft_field
            .as_ref()
            .map(|n| (n, self.rules.envelope().file_type, self.line_offset));
        if let Some(code) = &self.opts.format {
            self.format = self.rules.format(code);
            if let Some(ft) = file_type.filter(|ft| *ft != code.as_bytes()) {
                self.emit(Check::FormatMismatch, Some(&name), at, || {
                    vec![("value", show(ft)), ("expected", code.clone())]
                });
            }
        } else if let Some(ft) = file_type {
            self.format = self.rules.format_by_bytes(ft);
            if self.format.is_none() {
                let rules = format!("{} {}", self.rules.name(), self.rules.version());
                self.emit(Check::UnknownFileType, Some(&name), at, || {
                    vec![("value", show(ft)), ("rules", rules)]
                });
            }
        }
        if let Some(f) = self.format {
            self.top_counts = vec![0; f.records.len()];
            self.widths = (0..f.records.len())
                .map(|i| {
                    let parent = f.records.iter().any(|r| r.parent == Some(i));
                    if parent {
                        f.records.len()
                    } else {
                        0
                    }
                })
                .collect();
            self.stats.format = Some(f.code.clone());
        }
    }

    fn header(&mut self, bytes: &[u8], base: u64, line: &Line<'_>) {
        self.header_line = line.number;
        self.stats.header_seen = true;
        self.place = Place::Envelope;
        let env = self.rules.envelope();
        let spec = &env.header;
        self.check_fields(spec, bytes, base, line.overlong);
        let good = |e: &Self, i: usize| -> Option<&[u8]> {
            (e.checked.get(i).is_some_and(|c| c.ok) && i < e.fields.spans.len())
                .then(|| e.fields.value(bytes, i))
        };
        let file_type = good(self, env.file_type).filter(|v| !v.is_empty());
        let generation = good(self, env.generation_number).and_then(parse_u64);
        let organisation = good(self, env.organisation_id).and_then(parse_u64);
        self.creation_date = good(self, env.creation_date).and_then(parse_date);
        self.stats.generation = generation;
        self.choose_format(file_type);
        let rt = spec.record_type.clone();
        let field_at = |e: &Self, i: usize| {
            let start = e.fields.spans.get(i).map_or(0, |s| s.start as u64);
            spec.fields
                .get(i)
                .map(|f| (f.name.clone(), i, base + start))
        };
        if let Some(name) = self.file_name {
            let (styled, ext, number) = parse_file_name(name);
            // A name in another style is only a warning: nothing in it is compared.
            let (ext, number) = if styled { (ext, number) } else { (None, None) };
            if !styled {
                self.emit(Check::FileNameStyle, None, None, || {
                    vec![("value", name.to_string())]
                });
            }
            if let (Some(ft), Some(ext)) = (file_type, ext) {
                if !ft.eq_ignore_ascii_case(ext.as_bytes()) {
                    let at = field_at(self, env.file_type);
                    let at = at.as_ref().map(|(n, i, o)| (n, *i, *o));
                    self.emit(Check::ExtensionMismatch, Some(&rt), at, || {
                        vec![("value", show(ft)), ("expected", ext.to_string())]
                    });
                }
            }
            if let (Some(g), Some(number)) = (generation, number) {
                if parse_u64(number.as_bytes()) != Some(g) {
                    let at = field_at(self, env.generation_number);
                    let at = at.as_ref().map(|(n, i, o)| (n, *i, *o));
                    self.emit(Check::GenerationMismatch, Some(&rt), at, || {
                        vec![("value", g.to_string()), ("expected", number.to_string())]
                    });
                }
            }
        }
        if let (Some(g), Some(last)) = (generation, self.opts.last_generation) {
            if g <= last {
                let at = field_at(self, env.generation_number);
                let at = at.as_ref().map(|(n, i, o)| (n, *i, *o));
                self.emit(Check::DuplicateGeneration, Some(&rt), at, || {
                    vec![("value", g.to_string()), ("last", last.to_string())]
                });
            }
        }
        if let (Some(org), Some(id)) = (self.opts.uploader, organisation) {
            if org.id != id {
                let at = field_at(self, env.organisation_id);
                let at = at.as_ref().map(|(n, i, o)| (n, *i, *o));
                self.emit(Check::OrganisationMismatch, Some(&rt), at, || {
                    vec![("value", id.to_string()), ("expected", org.id.to_string())]
                });
            }
        }
    }

    fn trailer(&mut self, bytes: &[u8], base: u64, line: &Line<'_>) {
        self.close_unit();
        self.phase = Phase::After;
        self.trailer_line = line.number;
        self.place = Place::Envelope;
        let env = self.rules.envelope();
        let spec = &env.trailer;
        self.check_fields(spec, bytes, base, line.overlong);
        let i = env.record_count;
        if self.checked.get(i).is_some_and(|c| c.ok) && i < self.fields.spans.len() {
            if let Some(declared) = parse_u64(self.fields.value(bytes, i)) {
                if declared != self.body_records {
                    let start = self.fields.spans.get(i).map_or(0, |s| s.start as u64);
                    let name = spec.fields.get(i).map(|f| f.name.clone());
                    let at = name.as_ref().map(|n| (n, i, base + start));
                    let rt = spec.record_type.clone();
                    let found = self.body_records.to_string();
                    self.emit(Check::RecordCountMismatch, Some(&rt), at, || {
                        vec![("declared", declared.to_string()), ("found", found)]
                    });
                }
            }
        }
    }

    /// A record after the header; `tag` is its type's [`crate::rules::pack8`].
    fn body_record(
        &mut self,
        bytes: &[u8],
        base: u64,
        line: &Line<'_>,
        tag: Option<u64>,
        is_trailer: bool,
    ) {
        if is_trailer {
            self.trailer(bytes, base, line);
            return;
        }
        self.body_records += 1;
        let Some(format) = self.format else { return };
        let Some(ri) = format.record_index_by_tag(tag) else {
            let rt = self.fields.value(bytes, 0);
            self.place = if self.unit.is_some() {
                Place::InUnit
            } else {
                Place::Orphan
            };
            let shown: Name = Name::from(show(rt).as_str());
            self.emit(Check::UnknownRecordType, Some(&shown), None, || {
                vec![
                    ("value", shown.to_string()),
                    ("format", format.code.to_string()),
                ]
            });
            return;
        };
        let Some(rec) = format.records.get(ri) else {
            return;
        };
        let upload = format.upload.as_ref();
        if rec.level == 1 {
            self.close_unit();
            self.unit = Some(UnitState {
                line: line.number,
                is_contact: upload.is_some_and(|u| u.record == ri),
                verdict: Verdict::default(),
            });
            self.capture.reset();
        }
        self.place = if self.unit.is_some() {
            Place::InUnit
        } else {
            Place::Orphan
        };
        self.place_record(format, ri, rec, line.number);
        if line.overlong {
            let limit = self.opts.max_line_bytes;
            self.emit(Check::LineTooLong, Some(&rec.record_type), None, || {
                vec![("limit", limit.to_string())]
            });
            if let Some(up) = upload.filter(|u| u.record == ri) {
                self.index_cut_reference(rec, up.reference, bytes, base);
            }
            return;
        }
        self.check_fields(rec, bytes, base, false);
        if let Some(up) = upload.filter(|u| u.record == ri) {
            let ctx = ContactContext {
                rules: self.rules,
                upload: up,
                records: &format.records,
                uploader: self.opts.uploader,
                creation_date: self.creation_date,
                user: self.opts.user.as_ref(),
            };
            let values = ContactValues {
                line: bytes,
                fields: &self.fields,
                checked: &self.checked,
                present: self.fields.spans.len(),
            };
            let detail = self.keeps_findings();
            let mut pending: Vec<(Check, Option<usize>, Params)> = Vec::new();
            let claim = contact::check_contact_line(
                &ctx,
                &values,
                &mut |c, f, p| pending.push((c, f, detailed(detail, p))),
                &mut self.capture,
            );
            // (Most contacts have no finding: nothing to pass on, nothing to drop.)
            if !pending.is_empty() {
                for (check, f, params) in pending {
                    let at = f.and_then(|i| {
                        let offset = base + self.fields.spans.get(i).map_or(0, |s| s.start as u64);
                        rec.fields.get(i).map(|fs| (&fs.name, i, offset))
                    });
                    self.emit(check, Some(&rec.record_type), at, || params);
                }
            }
            let spans = &self.fields.spans;
            let offset = |i: usize| base + spans.get(i).map_or(0, |s| s.start as u64);
            let reference = self.capture.reference().filter(|_| claim.reference);
            let reference = reference.map(|value| ClaimField {
                field: up.reference,
                offset: offset(up.reference),
                value,
            });
            let meter_point = match (claim.meter_point, up.mprn) {
                (Some((mprn, type_index)), Some(f)) => Some((
                    ClaimField {
                        field: f,
                        offset: offset(f),
                        value: self.fields.value(bytes, f),
                    },
                    mprn,
                    type_index,
                    self.capture.type_code().unwrap_or_default(),
                )),
                _ => None,
            };
            self.out.claim(line.number, rec, reference, meter_point);
        }
    }

    /// A contact whose line was cut still claims its customer reference, when the reference
    /// field ended before the cut and is a valid value: a later contact repeating it is rejected.
    fn index_cut_reference(&mut self, rec: &'r RecordSpec, i: usize, bytes: &[u8], base: u64) {
        let (Some(span), Some(spec)) = (self.fields.spans.get(i).copied(), rec.fields.get(i))
        else {
            return;
        };
        let v = bytes.get(span.start..span.end).unwrap_or_default();
        let ended = self.fields.spans.len() > i + 1;
        if !ended
            || v.is_empty()
            || span.inner_quote
            || field_problem(spec, v, self.rules.charset(), &mut None, false).is_some()
        {
            return;
        }
        let field = ClaimField {
            field: i,
            offset: base + span.start as u64,
            value: v,
        };
        self.out.claim(self.line_no, rec, Some(field), None);
        self.capture.set_reference(v);
    }

    /// Field count, quoting, and every field's own checks; fills `self.checked`.
    fn check_fields(&mut self, rec: &'r RecordSpec, bytes: &[u8], base: u64, overlong: bool) {
        self.checked.clear();
        if overlong {
            let limit = self.opts.max_line_bytes;
            self.emit(Check::LineTooLong, Some(&rec.record_type), None, || {
                vec![("limit", limit.to_string())]
            });
            return;
        }
        if self.fields.unbalanced {
            self.emit(
                Check::UnbalancedQuote,
                Some(&rec.record_type),
                None,
                Vec::new,
            );
        }
        let expected = rec.fields.len();
        let found = self.fields.total;
        if self.fields.overflow || found > expected {
            let shown = if self.fields.overflow {
                format!("more than {}", self.opts.max_fields)
            } else {
                found.to_string()
            };
            let shown = if self.fields.overflow {
                format!("{shown} ({found} by commas)")
            } else {
                shown
            };
            self.emit(Check::TooManyFields, Some(&rec.record_type), None, || {
                vec![
                    ("found", shown),
                    ("expected", expected.to_string()),
                    ("record", rec.record_type.to_string()),
                ]
            });
        } else if found < expected {
            self.emit(Check::TooFewFields, Some(&rec.record_type), None, || {
                vec![
                    ("found", found.to_string()),
                    ("expected", expected.to_string()),
                    ("record", rec.record_type.to_string()),
                ]
            });
        }
        // First every field's plain verdict, in one tight pass that builds nothing; then a
        // closer look, in field order, at the few fields it did not pass. The common line
        // (printable, lenient quoting) has a pass of its own, the two flags known in it.
        let strict = self.opts.strict;
        let spans = &self.fields.spans;
        let printable = self.fields.printable;
        let closer = &mut self.closer;
        closer.clear();
        let fields = rec.fields.iter().zip(spans).enumerate();
        let mut verdict = |i: usize, found: Option<FieldCheck>| {
            found.unwrap_or_else(|| {
                closer.push(i);
                FieldCheck::BAD
            })
        };
        if printable && !strict {
            self.checked.extend(fields.map(|(i, (spec, span))| {
                verdict(i, plain_verdict(spec, span, bytes, true, false))
            }));
        } else {
            self.checked.extend(fields.map(|(i, (spec, span))| {
                verdict(i, plain_verdict(spec, span, bytes, printable, strict))
            }));
        }
        // Fields missing from the line: not good (their count is a finding already).
        let missing = rec.fields.len().saturating_sub(spans.len());
        self.checked
            .extend(std::iter::repeat_n(FieldCheck::BAD, missing));
        // (Taken out while the closer look emits findings through `self`.)
        let closer = std::mem::take(&mut self.closer);
        for &i in &closer {
            let (Some(spec), Some(&span)) = (rec.fields.get(i), self.fields.spans.get(i)) else {
                continue;
            };
            let v = bytes.get(span.start..span.end).unwrap_or_default();
            let at = (&spec.name, i, base + span.start as u64);
            let check = self.check_field_closely(rec, spec, span, v, at);
            if let Some(c) = self.checked.get_mut(i) {
                *c = check;
            }
        }
        self.closer = closer;
    }

    /// A field [`field_plainly_ok`] did not pass at once: its findings, and its verdict.
    fn check_field_closely(
        &mut self,
        rec: &'r RecordSpec,
        spec: &'r FieldSpec,
        span: Span,
        v: &[u8],
        at: (&Name, usize, u64),
    ) -> FieldCheck {
        let at = Some(at);
        if span.inner_quote {
            self.emit(Check::QuoteInField, Some(&rec.record_type), at, || {
                vec![("value", show(v))]
            });
            return FieldCheck::BAD;
        }
        if v.is_empty() {
            if spec.mandatory {
                self.emit(
                    Check::MandatoryFieldMissing,
                    Some(&rec.record_type),
                    at,
                    Vec::new,
                );
                return FieldCheck::BAD;
            }
            return FieldCheck::GOOD;
        }
        let mut good = true;
        // Strict quoting: text in quotes, nothing else.
        if self.opts.strict && (spec.domain == Domain::Text) != span.quoted {
            let check = if span.quoted {
                Check::NonTextQuoted
            } else {
                Check::TextNotQuoted
            };
            self.emit(check, Some(&rec.record_type), at, || {
                vec![("value", show(v))]
            });
            good = false;
        }
        let mut date = None;
        if !field_plainly_ok(spec, v, false, &mut date) {
            let detail = self.keeps_findings();
            let found = field_problem(spec, v, self.rules.charset(), &mut date, detail);
            if let Some((check, params)) = found {
                self.emit(check, Some(&rec.record_type), at, || params);
                good = false;
            }
        }
        FieldCheck { ok: good, date }
    }

    fn place_record(&mut self, format: &'r Format, ri: usize, rec: &'r RecordSpec, line: u64) {
        let level = usize::from(rec.level);
        let width = self.widths.get(ri).copied().unwrap_or(format.records.len());
        if level <= 1 {
            let count = match self.top_counts.get_mut(ri) {
                Some(c) => {
                    *c += 1;
                    *c
                }
                None => 0,
            };
            if rec.max.is_some_and(|m| count > m) {
                self.emit(
                    Check::TooManyOccurrences,
                    Some(&rec.record_type),
                    None,
                    || {
                        vec![
                            ("record", rec.record_type.to_string()),
                            ("max", rec.max.unwrap_or(0).to_string()),
                            ("parent", "the file".into()),
                        ]
                    },
                );
            }
            self.stack.push(ri, line, width);
            return;
        }
        while self.stack.len() > level - 1 {
            self.pop_frame(format);
        }
        let parent_ok =
            self.stack.len() == level - 1 && self.stack.last().map(|f| f.record) == rec.parent;
        let parent_name = || {
            rec.parent
                .and_then(|p| format.records.get(p))
                .map(|p| p.record_type.to_string())
                .unwrap_or_default()
        };
        if !parent_ok {
            self.emit(
                Check::RecordOutOfPlace,
                Some(&rec.record_type),
                None,
                || {
                    vec![
                        ("record", rec.record_type.to_string()),
                        ("parent", parent_name()),
                    ]
                },
            );
            return;
        }
        let (count, parent_line) = match self.stack.last_mut() {
            Some(top) => match top.counts.get_mut(ri) {
                Some(c) => {
                    *c += 1;
                    (*c, top.line)
                }
                None => (0, top.line),
            },
            None => (0, 0),
        };
        if rec.max.is_some_and(|m| count > m) {
            self.emit(
                Check::TooManyOccurrences,
                Some(&rec.record_type),
                None,
                || {
                    vec![
                        ("record", rec.record_type.to_string()),
                        ("max", rec.max.unwrap_or(0).to_string()),
                        (
                            "parent",
                            format!("the `{}` on line {parent_line}", parent_name()),
                        ),
                    ]
                },
            );
        }
        self.stack.push(ri, line, width);
    }

    fn pop_frame(&mut self, format: &'r Format) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (record, line) = (frame.record, frame.line);
        if let Some(rec) = format.records.get(record) {
            for &child in &rec.mandatory_children {
                // The closed frame stays readable: nothing opens a level in between.
                let seen = self.stack.frames.get(self.stack.depth);
                if seen.and_then(|f| f.counts.get(child)).copied().unwrap_or(0) == 0 {
                    let child_name = format
                        .records
                        .get(child)
                        .map(|c| c.record_type.to_string())
                        .unwrap_or_default();
                    self.emit_at(
                        Check::MissingChildRecord,
                        Some(line),
                        Some(&rec.record_type),
                        None,
                        || {
                            vec![
                                ("record", child_name),
                                ("parent", rec.record_type.to_string()),
                            ]
                        },
                    );
                }
            }
        }
    }

    fn close_unit(&mut self) {
        let Some(format) = self.format else { return };
        if self.unit.is_none() {
            return;
        }
        self.place = Place::InUnit;
        while self.stack.len() > 1 {
            self.pop_frame(format);
        }
        let unit_line = self.unit.as_ref().map_or(0, |u| u.line);
        if let (Some(up), true) = (
            &format.upload,
            self.unit.as_ref().is_some_and(|u| u.is_contact),
        ) {
            let ctx = ContactContext {
                rules: self.rules,
                upload: up,
                records: &format.records,
                uploader: self.opts.uploader,
                creation_date: self.creation_date,
                user: self.opts.user.as_ref(),
            };
            let root = self.stack.last();
            let count = |i: usize| root.and_then(|f| f.counts.get(i)).copied().unwrap_or(0);
            let detail = self.keeps_findings();
            let mut pending = Vec::new();
            contact::check_contact_children(&ctx, &self.capture, &count, &mut |c, _, p| {
                pending.push((c, detailed(detail, p)))
            });
            let rt = format.records.get(up.record).map(|r| &r.record_type);
            for (check, params) in pending {
                self.emit_at(check, Some(unit_line), rt, None, || params);
            }
        }
        while !self.stack.is_empty() {
            self.pop_frame(format);
        }
        if let Some(u) = self.unit.take() {
            let unit = Unit {
                line: u.line,
                is_contact: u.is_contact,
                capture: &self.capture,
                rejected: u.verdict.rejected,
                warned: u.verdict.warned,
            };
            if self.out.unit(&unit) {
                self.flush();
            }
        }
    }

    fn finish(&mut self) {
        match self.phase {
            Phase::Start => {
                self.start_file();
                self.place = Place::Envelope;
                self.emit_at(Check::EmptyFile, None, None, None, Vec::new);
            }
            Phase::Body => {
                self.close_unit();
                self.place = Place::Envelope;
                let expected = self.rules.envelope().trailer.record_type.to_string();
                self.emit_at(
                    Check::MissingTrailer,
                    Some(self.last_line),
                    None,
                    None,
                    || vec![("expected", expected)],
                );
            }
            Phase::After => {}
        }
        self.place = Place::Envelope;
        if let (Some(format), false) = (self.format, self.phase == Phase::Start) {
            for &i in &format.mandatory_top {
                if self.top_counts.get(i).copied().unwrap_or(0) == 0 {
                    let name = format
                        .records
                        .get(i)
                        .map(|r| r.record_type.to_string())
                        .unwrap_or_default();
                    self.emit_at(Check::MissingMandatoryRecord, None, None, None, || {
                        vec![("record", name)]
                    });
                }
            }
        }
        if !self.last_terminated && !self.last_empty {
            self.emit_at(
                Check::NoFinalLineEnd,
                Some(self.last_line),
                None,
                None,
                Vec::new,
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file_name("SHP00042.CMQ"),
            (true, Some("CMQ"), Some("00042"))
        );
        assert_eq!(
            parse_file_name("dir/shp7.cmq"),
            (true, Some("cmq"), Some("7"))
        );
        assert_eq!(parse_file_name("upload.CMQ"), (false, Some("CMQ"), None));
        assert_eq!(
            parse_file_name("SHP_42.CMQ"),
            (false, Some("CMQ"), Some("42"))
        );
        assert_eq!(parse_file_name("SHP42"), (false, None, Some("42")));
    }

    #[test]
    fn all_printable_is_the_bytewise_rule() {
        let plain = |v: &[u8]| v.iter().all(|b| (0x20..0x7f).contains(b));
        for len in 0..20 {
            for at in 0..len.max(1) {
                for b in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    if let Some(x) = v.get_mut(at) {
                        *x = b;
                    }
                    assert_eq!(all_printable(&v), plain(&v), "{v:?}");
                }
            }
        }
    }

    proptest::proptest! {
        /// The numeric fast path accepts exactly the values the detailed check finds nothing in.
        #[test]
        fn numeric_fast_path_is_the_detailed_rule(
            v in "-?[0-9.]{0,9}|[-0-9.a ]{1,6}",
            length in 0u32..12,
            decimals in 0u32..5,
            signed: bool,
        ) {
            let spec = FieldSpec {
                name: Name::from("N"),
                mandatory: false,
                domain: Domain::Numeric,
                length: length.max(decimals),
                decimals,
                signed,
                values: None,
            };
            let v = v.as_bytes();
            proptest::prop_assume!(!v.is_empty());
            let detailed = field_problem(&spec, v, Charset::PrintableAscii, &mut None, false).is_none();
            proptest::prop_assert_eq!(numeric_plainly_ok(&spec, v), detailed);
        }
    }

    #[test]
    fn dates_and_times() {
        assert!(parse_date(b"20240229").is_some());
        assert!(parse_date(b"20230229").is_none());
        assert!(parse_date(b"2024022").is_none());
        assert!(parse_date(b"2024-2-1").is_none());
        // Every byte that is not a digit, at every place, and every date of four years.
        for at in 0..8 {
            for b in (0..=255u8).filter(|b| !b.is_ascii_digit()) {
                let mut v = *b"20240229";
                v[at] = b;
                assert!(parse_date(&v).is_none(), "{v:?}");
            }
        }
        for year in [1900, 2000, 2023, 2024, 2025, 2100] {
            for m in 0..=13u32 {
                for d in [0u32, 1, 28, 29, 30, 31, 32] {
                    let text = format!("{year:04}{m:02}{d:02}");
                    let want = NaiveDate::from_ymd_opt(year, m, d);
                    assert_eq!(parse_date(text.as_bytes()), want, "{text}");
                }
            }
        }
        assert_eq!(parse_date(b"00000101"), NaiveDate::from_ymd_opt(0, 1, 1));
        assert_eq!(
            parse_date(b"99991231"),
            NaiveDate::from_ymd_opt(9999, 12, 31)
        );
        assert!(valid_time(b"235959"));
        assert!(!valid_time(b"240000"));
        assert!(!valid_time(b"1200"));
    }
}
