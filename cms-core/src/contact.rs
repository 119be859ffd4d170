//! The contact rules of an upload (DOMAIN §8), applied to each contact record as the file streams
//! past: the contact type's rules, MPRN check digits, dates, and the two per-file indexes
//! (customer references and MPRN + contact type) — the only state that grows with the file.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;

use chrono::NaiveDate;

use crate::access::{decide_without_time, OrganisationRecord, Request, Rule, User};
use crate::bytes::{le_u64, load_le};
use crate::finding::{display_bytes, Check};
use crate::format::engine::FieldCheck;
use crate::format::split::Fields;
use crate::ids::{check_mprn, MprnError};
use crate::rules::{Organisation, RecordSpec, RuleSet, UploadSpec};

/// Open addressing (linear probing) with a one-byte tag for each slot, in an array of its own:
/// a lookup reads the tags, and a slot only where its tag agrees with the key's. In a file of a
/// million contacts the slots outgrow the processor's caches (and its TLB), so each slot read
/// waits on memory; the tags, an eighth of the size, mostly stay cached, and a new key — the
/// common case — usually costs no slot read at all (only the write of its own).
struct Table<P> {
    /// 0 is empty, else 1 to 255 from the key's hash.
    tags: Vec<u8>,
    slots: Vec<P>,
    len: usize,
}

/// The home slot of a hash in a table of `size` slots (its high bits).
fn home(hash: u32, size: usize) -> usize {
    ((u64::from(hash) * size as u64) >> 32) as usize
}

/// The tag of a hash (its low bits, never 0).
fn tag8(hash: u32) -> u8 {
    (hash % 255) as u8 + 1
}

impl<P: Copy + Default> Table<P> {
    fn new() -> Self {
        Table {
            tags: Vec::new(),
            slots: Vec::new(),
            len: 0,
        }
    }

    /// The slot holding an entry `is` accepts among those of this hash: `Ok`, or `Err` with the
    /// empty slot where it would go. Grows first when one more entry would crowd the table.
    fn find(
        &mut self,
        hash: u32,
        is: impl Fn(P) -> bool,
        rehash: impl Fn(P) -> u32,
    ) -> Result<usize, usize> {
        if (self.len + 1) * 8 > self.tags.len() * 7 {
            self.grow(rehash);
        }
        let size = self.tags.len();
        let want = tag8(hash);
        let mut at = home(hash, size);
        loop {
            match self.tags.get(at).copied() {
                Some(0) | None => return Err(at),
                Some(t) => {
                    if t == want && self.slots.get(at).is_some_and(|p| is(*p)) {
                        return Ok(at);
                    }
                    at = if at + 1 == size { 0 } else { at + 1 };
                }
            }
        }
    }

    /// Fill the empty slot `at` (from [`Self::find`]).
    fn put(&mut self, at: usize, hash: u32, entry: P) {
        if let (Some(t), Some(s)) = (self.tags.get_mut(at), self.slots.get_mut(at)) {
            *t = tag8(hash);
            *s = entry;
            self.len += 1;
        }
    }

    fn grow(&mut self, rehash: impl Fn(P) -> u32) {
        let size = (self.tags.len() * 2).max(1024);
        let mut tags = vec![0u8; size];
        let mut slots = vec![P::default(); size];
        for (&t, &p) in self.tags.iter().zip(&self.slots) {
            if t == 0 {
                continue;
            }
            let hash = rehash(p);
            let mut at = home(hash, size);
            while tags.get(at).copied().unwrap_or(0) != 0 {
                at = if at + 1 == size { 0 } else { at + 1 };
            }
            if let (Some(t), Some(s)) = (tags.get_mut(at), slots.get_mut(at)) {
                *t = tag8(hash);
                *s = p;
            }
        }
        self.tags = tags;
        self.slots = slots;
    }
}

/// A set of byte strings stored end to end in one buffer: about the strings' own length plus
/// 14 to 27 bytes each, where a `HashSet<Vec<u8>>` costs 40 and more. Each slot keeps 32 bits of
/// the string's hash, so strings are compared only when those agree, and growing never rehashes.
pub(crate) struct ByteSet {
    arena: Vec<u8>,
    ends: Vec<u32>,
    /// The hash (high 32 bits) and the index into `ends` (low 32 bits).
    table: Table<u64>,
    hasher: BytesHash,
    /// Strings the arena could not take (past 4 GiB): kept exactly, the slow way.
    overflow: HashSet<Vec<u8>>,
}

/// A keyed hash of short byte strings: eight bytes at a time, each folded in with a 64×64→128
/// multiply (the construction of foldhash and wyhash). Keys are drawn per index, so a file
/// cannot aim at the table's slots.
struct BytesHash(u64, u64);

const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

fn fold(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    (m as u64) ^ ((m >> 64) as u64)
}

impl BytesHash {
    fn new() -> Self {
        let s = RandomState::new();
        BytesHash(s.hash_one(1u64) | 1, s.hash_one(2u64) | 1)
    }

    fn hash(&self, bytes: &[u8]) -> u64 {
        let mut h = self.0 ^ (bytes.len() as u64).wrapping_mul(MIX);
        let words = bytes.chunks_exact(8);
        let rest = words.remainder();
        for word in words {
            h = fold(h ^ le_u64(word), self.1 ^ MIX);
        }
        if !rest.is_empty() {
            // The last, partial word: read as the string's last eight bytes when it has them
            // (overlapping the word before), else zero-padded.
            let last = match bytes.len().checked_sub(8).and_then(|i| bytes.get(i..)) {
                Some(tail) => le_u64(tail),
                None => load_le(rest),
            };
            h = fold(h ^ last, self.1 ^ MIX);
        }
        fold(h, self.1)
    }
}

impl ByteSet {
    pub(crate) fn new() -> Self {
        ByteSet {
            arena: Vec::new(),
            ends: Vec::new(),
            table: Table::new(),
            hasher: BytesHash::new(),
            overflow: HashSet::new(),
        }
    }

    fn get<'a>(arena: &'a [u8], ends: &[u32], i: u32) -> &'a [u8] {
        let i = i as usize;
        let start = match i.checked_sub(1) {
            Some(p) => ends.get(p).copied().unwrap_or(0) as usize,
            None => 0,
        };
        let end = ends.get(i).copied().unwrap_or(0) as usize;
        arena.get(start..end).unwrap_or_default()
    }

    fn hash(&self, key: &[u8]) -> u32 {
        (self.hasher.hash(key) >> 32) as u32
    }

    /// Insert; true when the string was not there before.
    pub(crate) fn insert(&mut self, key: &[u8]) -> bool {
        if !self.overflow.is_empty() && self.overflow.contains(key) {
            return false;
        }
        let hash = self.hash(key);
        let (arena, ends) = (&self.arena, &self.ends);
        let is = |s: u64| (s >> 32) as u32 == hash && Self::get(arena, ends, s as u32) == key;
        let Err(at) = self.table.find(hash, is, |s| (s >> 32) as u32) else {
            return false;
        };
        let fits = self.arena.len() + key.len() <= u32::MAX as usize
            && self.ends.len() < u32::MAX as usize;
        if !fits {
            return self.overflow.insert(key.to_vec());
        }
        let index = self.ends.len() as u64;
        self.arena.extend_from_slice(key);
        self.ends.push(self.arena.len() as u32);
        self.table.put(at, hash, (u64::from(hash) << 32) | index);
        true
    }
}

/// A set of (MPRN, contact type index) pairs, packed in one `u64` each (MPRN below 2⁴⁷, type
/// index below 2¹⁶). A pair's slot is chosen by a keyed hash of its MPRN alone, so that the
/// slot can be read before the contact's type is known, and a file cannot aim at the table's
/// slots without the key.
pub(crate) struct MeterPointSet {
    table: Table<u64>,
    key: u64,
}

impl MeterPointSet {
    fn new() -> Self {
        MeterPointSet {
            table: Table::new(),
            key: RandomState::new().hash_one(0x5eed_u64),
        }
    }

    /// Whether a pair can be packed.
    fn packs(mprn: u64, type_index: usize) -> bool {
        mprn < (1 << 47) && type_index < (1 << 16)
    }

    /// A keyed hash of an MPRN (splitmix64's finaliser), 32 bits of it.
    fn hash(key: u64, mprn: u64) -> u32 {
        let mut x = mprn ^ key;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((x ^ (x >> 31)) >> 32) as u32
    }

    /// Insert a pair that [`Self::packs`]; true when it was not there before.
    fn insert(&mut self, mprn: u64, type_index: usize) -> bool {
        let want = mprn << 16 | type_index as u64;
        let key = self.key;
        let hash = Self::hash(key, mprn);
        match self
            .table
            .find(hash, |s| s == want, |s| Self::hash(key, s >> 16))
        {
            Ok(_) => false,
            Err(at) => {
                self.table.put(at, hash, want);
                true
            }
        }
    }
}

/// The per-file indexes.
pub(crate) struct ContactIndex {
    references: ByteSet,
    meter_points: MeterPointSet,
    /// MPRNs too large to pack with the type index (only with a rule set allowing 15+ digits).
    wide_meter_points: HashSet<(u64, usize)>,
}

impl ContactIndex {
    pub(crate) fn new() -> Self {
        ContactIndex {
            references: ByteSet::new(),
            meter_points: MeterPointSet::new(),
            wide_meter_points: HashSet::new(),
        }
    }

    /// Index a customer reference; true when no earlier contact had it.
    pub(crate) fn reference_is_new(&mut self, reference: &[u8]) -> bool {
        self.references.insert(reference)
    }

    /// Index an MPRN for a contact type; true when no earlier contact of that type had it.
    pub(crate) fn meter_point_is_new(&mut self, mprn: u64, type_index: usize) -> bool {
        if MeterPointSet::packs(mprn, type_index) {
            self.meter_points.insert(mprn, type_index)
        } else {
            self.wide_meter_points.insert((mprn, type_index))
        }
    }
}

/// What the batch job needs to know of a contact after its line has gone. Its buffers are
/// reused from contact to contact (`clone_from` too).
#[derive(Debug, Default)]
pub(crate) struct ContactCapture {
    reference: Vec<u8>,
    has_reference: bool,
    type_code: Vec<u8>,
    has_type: bool,
    /// The contact type, when known.
    pub type_index: Option<usize>,
}

impl Clone for ContactCapture {
    fn clone(&self) -> Self {
        let mut c = ContactCapture::default();
        c.clone_from(self);
        c
    }

    fn clone_from(&mut self, source: &Self) {
        self.reference.clone_from(&source.reference);
        self.has_reference = source.has_reference;
        self.type_code.clone_from(&source.type_code);
        self.has_type = source.has_type;
        self.type_index = source.type_index;
    }
}

impl ContactCapture {
    pub(crate) fn reset(&mut self) {
        self.has_reference = false;
        self.has_type = false;
        self.type_index = None;
    }

    /// The customer reference, when it is a valid value of its field.
    pub(crate) fn reference(&self) -> Option<&[u8]> {
        self.has_reference.then_some(self.reference.as_slice())
    }

    /// The contact type code as written, when a valid value of its field.
    pub(crate) fn type_code(&self) -> Option<&[u8]> {
        self.has_type.then_some(self.type_code.as_slice())
    }

    pub(crate) fn set_reference(&mut self, v: &[u8]) {
        self.reference.clear();
        self.reference.extend_from_slice(v);
        self.has_reference = true;
    }

    fn set_type(&mut self, v: &[u8]) {
        self.type_code.clear();
        self.type_code.extend_from_slice(v);
        self.has_type = true;
    }
}

/// Everything the rules read besides the record itself.
pub(crate) struct ContactContext<'a> {
    pub rules: &'a RuleSet,
    pub upload: &'a UploadSpec,
    pub records: &'a [RecordSpec],
    pub uploader: Option<Organisation>,
    pub creation_date: Option<NaiveDate>,
    /// The uploading user, when given: its permission to raise each type is checked.
    pub user: Option<&'a User>,
}

type Params = Vec<(&'static str, String)>;

/// A finding the rules want: check, field index (0-based) if any, and its parameters, built
/// only when called (a report past its findings cap only counts).
pub(crate) type Emit<'e> = dyn FnMut(Check, Option<usize>, &dyn Fn() -> Params) + 'e;

/// The values of one contact record: its line, its fields and which passed their own checks.
pub(crate) struct ContactValues<'a> {
    /// The record's line and its fields.
    pub line: &'a [u8],
    pub fields: &'a Fields,
    /// The field checks' verdicts, by field (a good date field's date with it).
    pub checked: &'a [FieldCheck],
    pub present: usize,
}

impl ContactValues<'_> {
    /// Field `i`'s value as written (empty when absent).
    fn value(&self, i: usize) -> &[u8] {
        self.fields.value(self.line, i)
    }

    /// A good field's value as a date: as the field checks read it, else read now.
    fn date(&self, i: usize) -> Option<NaiveDate> {
        // (A date comes only with a value that was there and not empty; a good verdict.)
        if let Some(d) = self.checked.get(i).filter(|c| c.ok).and_then(|c| c.date) {
            return Some(d);
        }
        self.good(i).and_then(date)
    }

    fn good(&self, i: usize) -> Option<&[u8]> {
        match self.checked.get(i) {
            Some(c) if c.ok && i < self.present => {
                let v = self.value(i);
                (!v.is_empty()).then_some(v)
            }
            _ => None,
        }
    }

    /// Field `i` is there and not empty (as `!self.value(i).is_empty()`, without the slice).
    fn filled(&self, i: usize) -> bool {
        i < self.present
            && self
                .fields
                .spans
                .get(i)
                .is_some_and(|s| s.start < s.end && s.end <= self.line.len())
    }
}

fn date(v: &[u8]) -> Option<NaiveDate> {
    crate::format::engine::parse_date(v)
}

/// A number from 0 to 255 as `str::parse::<u8>` reads one: an optional `+`, then digits.
fn parse_u8(v: &[u8]) -> Option<u8> {
    let digits = v.strip_prefix(b"+").unwrap_or(v);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u8, |n, &d| {
        let d = d.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(d)
    })
}

fn show(v: &[u8]) -> String {
    display_bytes(v, 60)
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// What a contact record claims in the two per-file indexes: its customer reference (the
/// one in the capture) and its MPRN with its contact type's index. The engine makes the
/// lookups, in file order, in batches (`format::outbox`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Claim {
    /// The reference is a valid value: it is looked up.
    pub reference: bool,
    /// The MPRN (valid or not, when it is a number) and the contact type's index.
    pub meter_point: Option<(u64, usize)>,
}

/// Apply the rules that a contact record's own line decides, except the two lookups in the
/// per-file indexes, which it returns; `capture` keeps what the batch job needs.
pub(crate) fn check_contact_line(
    ctx: &ContactContext<'_>,
    values: &ContactValues<'_>,
    emit: &mut Emit<'_>,
    capture: &mut ContactCapture,
) -> Claim {
    let up = ctx.upload;
    capture.reset();
    let type_raw = values.good(up.contact_type);
    if let Some(t) = type_raw {
        capture.set_type(t);
    }
    let known = type_raw.and_then(|t| ctx.rules.contact_type_by_bytes(t));
    // Each date once: the rules below read them several times.
    let effective = up.effective_date.and_then(|f| values.date(f));
    let end = up.end_date.and_then(|f| values.date(f));
    let date_of = |f: usize| {
        if Some(f) == up.effective_date {
            effective
        } else if Some(f) == up.end_date {
            end
        } else {
            values.date(f)
        }
    };
    let type_shown = || type_raw.map(show).unwrap_or_default();
    let mut forbidden: &[usize] = &[];
    match (type_raw, known) {
        (None, _) => {}
        (Some(t), None) => emit(Check::UnknownContactType, Some(up.contact_type), &|| {
            vec![("value", show(t))]
        }),
        (Some(_), Some((ti, ct))) => {
            let name = || ct.name.clone();
            if ct.retired {
                emit(Check::RetiredContactType, Some(up.contact_type), &|| {
                    vec![("value", type_shown()), ("name", name())]
                });
            } else if !ct.new_cms {
                emit(
                    Check::ContactTypeNotInNewCms,
                    Some(up.contact_type),
                    &|| vec![("value", type_shown()), ("name", name())],
                );
            } else if let Some(org) = ctx.uploader.filter(|o| !ct.raised_by.contains(&o.org_type)) {
                emit(
                    Check::NotRaisableByOrganisation,
                    Some(up.contact_type),
                    &|| {
                        vec![
                            ("value", type_shown()),
                            ("org_type", org.org_type.to_string()),
                        ]
                    },
                );
            } else if let (Some(user), Some(org)) = (ctx.user, ctx.uploader) {
                let record = OrganisationRecord {
                    id: org.id,
                    short_code: String::new(),
                    org_type: org.org_type,
                    active: true,
                };
                let type_code =
                    std::str::from_utf8(type_raw.unwrap_or_default()).unwrap_or_default();
                let d = decide_without_time(
                    ctx.rules,
                    user,
                    &record,
                    &Request::Raise {
                        contact_type: type_code,
                    },
                );
                // A user who may not upload at all is a file-level finding already.
                let reason = match d.rule {
                    Rule::NoPermissionForType => Some("the LSO has not granted it".to_string()),
                    Rule::ViewOnly => Some("the user may only view".to_string()),
                    Rule::NoGrant => Some(d.reason),
                    _ => None,
                };
                if let Some(reason) = reason {
                    emit(Check::UserMayNotRaise, Some(up.contact_type), &|| {
                        vec![
                            ("user", user.id.clone()),
                            ("value", type_shown()),
                            ("reason", reason.clone()),
                        ]
                    });
                }
            }
            capture.type_index = Some(ti);
            if let Some(tf) = up.types.get(ti) {
                for &f in &tf.required {
                    if f < values.present && !values.filled(f) {
                        emit(Check::RequiredFieldMissing, Some(f), &|| {
                            vec![("type", type_shown())]
                        });
                    }
                }
                for &f in &tf.forbidden {
                    if values.filled(f) {
                        emit(Check::FieldNotAllowed, Some(f), &|| {
                            vec![("value", show(values.value(f))), ("type", type_shown())]
                        });
                    }
                }
                forbidden = &tf.forbidden;
            }
            if let (Some(allowed), Some(cf)) = (&ct.classes, up.class) {
                if let Some(v) = values.good(cf) {
                    let class = parse_u8(v);
                    if !class.is_some_and(|c| allowed.contains(&c)) {
                        emit(Check::ClassNotAllowed, Some(cf), &|| {
                            let list: Vec<String> = allowed.iter().map(u8::to_string).collect();
                            vec![
                                ("value", show(v)),
                                ("type", type_shown()),
                                ("allowed", list.join(", ")),
                            ]
                        });
                    }
                }
            }
            if let (Some(earliest), Some(ef)) = (ct.earliest_effective_date, up.effective_date) {
                if let Some(d) = date_of(ef) {
                    if d < earliest {
                        emit(Check::DateBeforeEarliest, Some(ef), &|| {
                            vec![
                                ("value", ymd(d)),
                                ("earliest", ymd(earliest)),
                                ("type", type_shown()),
                            ]
                        });
                    }
                }
            }
        }
    }
    let mut mprn_value = None;
    if let Some(mf) = up.mprn.filter(|f| !forbidden.contains(f)) {
        if let Some(v) = values.good(mf) {
            match check_mprn(v, ctx.rules.mprn_rules()) {
                Ok(n) => mprn_value = Some(n),
                Err(MprnError::CheckDigits { expected, .. }) => {
                    emit(Check::MprnCheckDigits, Some(mf), &|| {
                        vec![
                            ("value", show(v)),
                            ("expected", String::from_utf8_lossy(&expected).into_owned()),
                        ]
                    });
                    mprn_value = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok());
                }
                Err(MprnError::Length { digits, min, max }) => {
                    emit(Check::MprnLength, Some(mf), &|| {
                        vec![
                            ("value", show(v)),
                            ("digits", digits.to_string()),
                            ("min", min.to_string()),
                            ("max", max.to_string()),
                        ]
                    });
                    mprn_value = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok());
                }
                Err(_) => {}
            }
        }
    }
    if let (Some(eff), Some(ef)) = (effective, up.end_date) {
        if let Some(end) = end {
            if end < eff {
                emit(Check::EndBeforeEffective, Some(ef), &|| {
                    vec![("value", ymd(end)), ("other", ymd(eff))]
                });
            }
        }
    }
    if let Some(created) = ctx.creation_date {
        for &f in &up.date_fields {
            if let Some(d) = date_of(f) {
                if d > created {
                    emit(Check::DateAfterCreation, Some(f), &|| {
                        vec![("value", ymd(d)), ("other", ymd(created))]
                    });
                }
            }
        }
    }
    let mut claim = Claim::default();
    if let Some(r) = values.good(up.reference) {
        capture.set_reference(r);
        claim.reference = true;
    }
    if let (Some(n), Some(ti), Some(_)) = (mprn_value, capture.type_index, up.mprn) {
        claim.meter_point = Some((n, ti));
    }
    claim
}

/// The rule that needs the contact's children: records the type requires.
pub(crate) fn check_contact_children(
    ctx: &ContactContext<'_>,
    capture: &ContactCapture,
    child_count: &dyn Fn(usize) -> u64,
    emit: &mut Emit<'_>,
) {
    let Some(ti) = capture.type_index else { return };
    let Some(tf) = ctx.upload.types.get(ti) else {
        return;
    };
    let type_shown = || capture.type_code().map(show).unwrap_or_default();
    for &r in &tf.records {
        if child_count(r) == 0 {
            let name = || {
                ctx.records
                    .get(r)
                    .map(|s| s.record_type.to_string())
                    .unwrap_or_default()
            };
            emit(Check::RequiredRecordMissing, None, &|| {
                vec![("type", type_shown()), ("record", name())]
            });
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn parse_u8_reads_as_str_parse_does() {
        let mut cases: Vec<Vec<u8>> = vec![b"".to_vec(), b"+".to_vec(), b"-1".to_vec()];
        for n in 0..1100u32 {
            cases.push(n.to_string().into_bytes());
            cases.push(format!("+{n}").into_bytes());
            cases.push(format!("0{n}").into_bytes());
            cases.push(format!("{n} ").into_bytes());
        }
        cases.extend([
            b"3\xff".to_vec(),
            b"\xff".to_vec(),
            b"++3".to_vec(),
            b"1.0".to_vec(),
        ]);
        for v in cases {
            let expected = std::str::from_utf8(&v)
                .ok()
                .and_then(|s| s.parse::<u8>().ok());
            assert_eq!(parse_u8(&v), expected, "{v:?}");
        }
    }

    #[test]
    fn table_is_exact_with_long_runs_equal_tags_and_wrap_around() {
        // Every hash near the top (home slots at the table's end, so runs wrap around) and all
        // with one tag: each lookup must check slot after slot.
        let hash = |k: u64| u32::MAX - (k % 5) as u32 * 255;
        let mut t: Table<u64> = Table::new();
        let mut model = HashSet::new();
        for round in 0..2u64 {
            for k in 0..3000u64 {
                let key = k * 7 % 3001 + 1;
                let got = t.find(hash(key), |p| p == key, hash);
                match got {
                    Ok(at) => {
                        assert!(!model.insert(key), "key {key} found but never put");
                        assert_eq!(t.slots[at], key);
                    }
                    Err(at) => {
                        assert!(model.insert(key), "key {key} put twice (round {round})");
                        assert_eq!(t.tags[at], 0);
                        t.put(at, hash(key), key);
                    }
                }
            }
        }
        assert_eq!(t.len, model.len());
        assert_eq!(t.tags.iter().filter(|&&x| x != 0).count(), model.len());
    }

    #[test]
    fn byte_set_is_exact_through_growth() {
        let mut s = ByteSet::new();
        for i in 0..5000u32 {
            assert!(s.insert(format!("REF{i}").as_bytes()));
        }
        for i in 0..5000u32 {
            assert!(!s.insert(format!("REF{i}").as_bytes()));
        }
        assert!(s.insert(b""));
        assert!(!s.insert(b""));
        assert!(s.insert(b"REF5000"));
    }

    #[test]
    fn meter_point_set_is_exact_through_growth() {
        let mut s = MeterPointSet::new();
        for n in 0..5000u64 {
            for t in 0..3 {
                assert!(s.insert(n * 7919 + 1, t));
            }
        }
        for n in 0..5000u64 {
            for t in 0..3 {
                assert!(!s.insert(n * 7919 + 1, t));
            }
            assert!(s.insert(n * 7919 + 1, 3));
        }
        assert!(s.insert((1 << 47) - 1, (1 << 16) - 1));
        assert!(!s.insert((1 << 47) - 1, (1 << 16) - 1));
        assert!(s.insert(0, 0));
        assert!(!s.insert(0, 0));
        assert_eq!(s.table.len, 20_002);
    }

    #[test]
    fn meter_points_pack_and_fall_back() {
        let mut ix = ContactIndex::new();
        assert!(ix.meter_point_is_new(3938424403, 0));
        assert!(ix.meter_point_is_new(3938424403, 1));
        assert!(!ix.meter_point_is_new(3938424403, 0));
        assert!(ix.meter_point_is_new(u64::MAX, 0));
        assert!(!ix.meter_point_is_new(u64::MAX, 0));
    }
}
