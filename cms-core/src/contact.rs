//! The contact rules of an upload (DOMAIN §8), applied to each contact record as the file streams
//! past: the contact type's rules, MPRN check digits, dates, and the two per-file indexes
//! (customer references and MPRN + contact type) — the only state that grows with the file.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;

use chrono::NaiveDate;

use crate::access::{decide_without_time, OrganisationRecord, Request, Rule, User};
use crate::finding::{display_bytes, Check};
use crate::ids::{check_mprn, MprnError};
use crate::rules::{Organisation, RecordSpec, RuleSet, UploadSpec};

/// A set of byte strings stored end to end in one buffer: about the strings' own length plus
/// 12 to 24 bytes each, where a `HashSet<Vec<u8>>` costs 40 and more. Each slot keeps 32 bits of
/// the string's hash, so strings are compared only when those agree, and growing never rehashes.
pub(crate) struct ByteSet {
    arena: Vec<u8>,
    ends: Vec<u32>,
    /// Open addressing: 0 is empty, else the hash tag (high 32 bits) and the index into `ends`
    /// plus one (low 32 bits).
    slots: Vec<u64>,
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
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            for (w, b) in word.iter_mut().zip(chunk) {
                *w = *b;
            }
            h = fold(h ^ u64::from_le_bytes(word), self.1 ^ MIX);
        }
        fold(h, self.1)
    }
}

/// The home slot of a tag in a table of `size` slots.
fn home(tag: u32, size: usize) -> usize {
    ((u64::from(tag) * size as u64) >> 32) as usize
}

impl ByteSet {
    pub(crate) fn new() -> Self {
        ByteSet {
            arena: Vec::new(),
            ends: Vec::new(),
            slots: Vec::new(),
            hasher: BytesHash::new(),
            overflow: HashSet::new(),
        }
    }

    fn get(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0) as usize
        };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.arena.get(start..end).unwrap_or_default()
    }

    /// Insert; true when the string was not there before.
    pub(crate) fn insert(&mut self, key: &[u8]) -> bool {
        if !self.overflow.is_empty() && self.overflow.contains(key) {
            return false;
        }
        if (self.ends.len() + 1) * 8 > self.slots.len() * 7 {
            self.grow();
        }
        let size = self.slots.len();
        let tag = (self.hasher.hash(key) >> 32) as u32;
        let mut at = home(tag, size);
        loop {
            match self.slots.get(at).copied() {
                Some(0) | None => break,
                Some(s) => {
                    if (s >> 32) as u32 == tag && self.get((s as u32).wrapping_sub(1)) == key {
                        return false;
                    }
                    at = if at + 1 == size { 0 } else { at + 1 };
                }
            }
        }
        let fits = self.arena.len() + key.len() <= u32::MAX as usize
            && self.ends.len() < (u32::MAX - 1) as usize;
        if !fits {
            return self.overflow.insert(key.to_vec());
        }
        self.arena.extend_from_slice(key);
        self.ends.push(self.arena.len() as u32);
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = (u64::from(tag) << 32) | self.ends.len() as u64;
        }
        true
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let mut slots = vec![0u64; size];
        for &s in self.slots.iter().filter(|s| **s != 0) {
            let mut at = home((s >> 32) as u32, size);
            while slots.get(at).copied().unwrap_or(0) != 0 {
                at = if at + 1 == size { 0 } else { at + 1 };
            }
            if let Some(slot) = slots.get_mut(at) {
                *slot = s;
            }
        }
        self.slots = slots;
    }
}

/// A keyed hash for `u64` keys: splitmix64's finaliser over `key ^ n`, with a key drawn per
/// index. Much cheaper than SipHash for the MPRN index, and a file cannot aim at its buckets
/// without knowing the key.
#[derive(Clone)]
pub(crate) struct KeyedMix(u64);

impl KeyedMix {
    fn new() -> Self {
        KeyedMix(RandomState::new().hash_one(0x5eed_u64))
    }
}

pub(crate) struct MixHasher(u64, u64);

impl std::hash::Hasher for MixHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.1 = (self.1 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.1 ^= n;
    }
    fn finish(&self) -> u64 {
        let mut x = self.1 ^ self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }
}

impl BuildHasher for KeyedMix {
    type Hasher = MixHasher;
    fn build_hasher(&self) -> MixHasher {
        MixHasher(self.0, 0)
    }
}

/// The per-file indexes.
pub(crate) struct ContactIndex {
    references: ByteSet,
    meter_points: HashSet<u64, KeyedMix>,
    /// MPRNs too large to pack with the type index (only with a rule set allowing 15+ digits).
    wide_meter_points: HashSet<(u64, usize)>,
}

impl ContactIndex {
    pub(crate) fn new() -> Self {
        ContactIndex {
            references: ByteSet::new(),
            meter_points: HashSet::with_hasher(KeyedMix::new()),
            wide_meter_points: HashSet::new(),
        }
    }

    /// Index a customer reference; true when no earlier contact had it.
    pub(crate) fn reference_is_new(&mut self, reference: &[u8]) -> bool {
        self.references.insert(reference)
    }

    fn meter_point_is_new(&mut self, mprn: u64, type_index: usize) -> bool {
        if mprn < (1 << 47) && type_index < (1 << 16) {
            self.meter_points.insert(mprn << 16 | type_index as u64)
        } else {
            self.wide_meter_points.insert((mprn, type_index))
        }
    }
}

/// What the batch job needs to know of a contact after its line has gone. Its buffers are
/// reused from contact to contact.
#[derive(Debug, Default, Clone)]
pub(crate) struct ContactCapture {
    reference: Vec<u8>,
    has_reference: bool,
    type_code: Vec<u8>,
    has_type: bool,
    /// The contact type, when known.
    pub type_index: Option<usize>,
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

/// A finding the rules want: check, field index (0-based) if any, parameters.
pub(crate) type Emit<'e> = dyn FnMut(Check, Option<usize>, Params) + 'e;

/// The values of one contact record: its line, its fields and which passed their own checks.
pub(crate) struct ContactValues<'a> {
    pub value: &'a dyn Fn(usize) -> &'a [u8],
    pub ok: &'a [bool],
    pub present: usize,
}

impl ContactValues<'_> {
    fn good(&self, i: usize) -> Option<&[u8]> {
        match self.ok.get(i) {
            Some(true) if i < self.present => {
                let v = (self.value)(i);
                (!v.is_empty()).then_some(v)
            }
            _ => None,
        }
    }

    fn filled(&self, i: usize) -> bool {
        i < self.present && !(self.value)(i).is_empty()
    }
}

fn date(v: &[u8]) -> Option<NaiveDate> {
    crate::format::engine::parse_date(v)
}

fn show(v: &[u8]) -> String {
    display_bytes(v, 60)
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Apply the rules that a contact record's own line decides; `capture` keeps what the batch
/// job needs.
pub(crate) fn check_contact_line(
    ctx: &ContactContext<'_>,
    values: &ContactValues<'_>,
    index: &mut ContactIndex,
    emit: &mut Emit<'_>,
    capture: &mut ContactCapture,
) {
    let up = ctx.upload;
    capture.reset();
    let type_raw = values.good(up.contact_type);
    if let Some(t) = type_raw {
        capture.set_type(t);
    }
    let known = type_raw.and_then(|t| ctx.rules.contact_type_by_bytes(t));
    // Each date once: the rules below read them several times.
    let effective = up
        .effective_date
        .and_then(|f| values.good(f))
        .and_then(date);
    let end = up.end_date.and_then(|f| values.good(f)).and_then(date);
    let date_of = |f: usize| {
        if Some(f) == up.effective_date {
            effective
        } else if Some(f) == up.end_date {
            end
        } else {
            values.good(f).and_then(date)
        }
    };
    let type_shown = || type_raw.map(show).unwrap_or_default();
    let mut forbidden: &[usize] = &[];
    match (type_raw, known) {
        (None, _) => {}
        (Some(t), None) => emit(
            Check::UnknownContactType,
            Some(up.contact_type),
            vec![("value", show(t))],
        ),
        (Some(_), Some((ti, ct))) => {
            let name = || ct.name.clone();
            if ct.retired {
                emit(
                    Check::RetiredContactType,
                    Some(up.contact_type),
                    vec![("value", type_shown()), ("name", name())],
                );
            } else if !ct.new_cms {
                emit(
                    Check::ContactTypeNotInNewCms,
                    Some(up.contact_type),
                    vec![("value", type_shown()), ("name", name())],
                );
            } else if let Some(org) = ctx.uploader.filter(|o| !ct.raised_by.contains(&o.org_type)) {
                emit(
                    Check::NotRaisableByOrganisation,
                    Some(up.contact_type),
                    vec![
                        ("value", type_shown()),
                        ("org_type", org.org_type.to_string()),
                    ],
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
                    emit(
                        Check::UserMayNotRaise,
                        Some(up.contact_type),
                        vec![
                            ("user", user.id.clone()),
                            ("value", type_shown()),
                            ("reason", reason),
                        ],
                    );
                }
            }
            capture.type_index = Some(ti);
            if let Some(tf) = up.types.get(ti) {
                for &f in &tf.required {
                    if f < values.present && !values.filled(f) {
                        emit(
                            Check::RequiredFieldMissing,
                            Some(f),
                            vec![("type", type_shown())],
                        );
                    }
                }
                for &f in &tf.forbidden {
                    if values.filled(f) {
                        emit(
                            Check::FieldNotAllowed,
                            Some(f),
                            vec![("value", show((values.value)(f))), ("type", type_shown())],
                        );
                    }
                }
                forbidden = &tf.forbidden;
            }
            if let (Some(allowed), Some(cf)) = (&ct.classes, up.class) {
                if let Some(v) = values.good(cf) {
                    let class = std::str::from_utf8(v)
                        .ok()
                        .and_then(|s| s.parse::<u8>().ok());
                    if !class.is_some_and(|c| allowed.contains(&c)) {
                        let list: Vec<String> = allowed.iter().map(u8::to_string).collect();
                        emit(
                            Check::ClassNotAllowed,
                            Some(cf),
                            vec![
                                ("value", show(v)),
                                ("type", type_shown()),
                                ("allowed", list.join(", ")),
                            ],
                        );
                    }
                }
            }
            if let (Some(earliest), Some(ef)) = (ct.earliest_effective_date, up.effective_date) {
                if let Some(d) = date_of(ef) {
                    if d < earliest {
                        emit(
                            Check::DateBeforeEarliest,
                            Some(ef),
                            vec![
                                ("value", ymd(d)),
                                ("earliest", ymd(earliest)),
                                ("type", type_shown()),
                            ],
                        );
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
                    emit(
                        Check::MprnCheckDigits,
                        Some(mf),
                        vec![
                            ("value", show(v)),
                            ("expected", String::from_utf8_lossy(&expected).into_owned()),
                        ],
                    );
                    mprn_value = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok());
                }
                Err(MprnError::Length { digits, min, max }) => {
                    emit(
                        Check::MprnLength,
                        Some(mf),
                        vec![
                            ("value", show(v)),
                            ("digits", digits.to_string()),
                            ("min", min.to_string()),
                            ("max", max.to_string()),
                        ],
                    );
                    mprn_value = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok());
                }
                Err(_) => {}
            }
        }
    }
    if let (Some(eff), Some(ef)) = (effective, up.end_date) {
        if let Some(end) = end {
            if end < eff {
                emit(
                    Check::EndBeforeEffective,
                    Some(ef),
                    vec![("value", ymd(end)), ("other", ymd(eff))],
                );
            }
        }
    }
    if let Some(created) = ctx.creation_date {
        for &f in &up.date_fields {
            if let Some(d) = date_of(f) {
                if d > created {
                    emit(
                        Check::DateAfterCreation,
                        Some(f),
                        vec![("value", ymd(d)), ("other", ymd(created))],
                    );
                }
            }
        }
    }
    if let Some(r) = values.good(up.reference) {
        if !index.reference_is_new(r) {
            emit(
                Check::DuplicateReference,
                Some(up.reference),
                vec![("value", show(r))],
            );
        }
        capture.set_reference(r);
    }
    if let (Some(n), Some(ti), Some(mf)) = (mprn_value, capture.type_index, up.mprn) {
        if !index.meter_point_is_new(n, ti) {
            emit(
                Check::DuplicateMeterPoint,
                Some(mf),
                vec![("value", show((values.value)(mf))), ("type", type_shown())],
            );
        }
    }
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
            let name = ctx
                .records
                .get(r)
                .map(|s| s.record_type.to_string())
                .unwrap_or_default();
            emit(
                Check::RequiredRecordMissing,
                None,
                vec![("type", type_shown()), ("record", name)],
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

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
    fn meter_points_pack_and_fall_back() {
        let mut ix = ContactIndex::new();
        assert!(ix.meter_point_is_new(3938424403, 0));
        assert!(ix.meter_point_is_new(3938424403, 1));
        assert!(!ix.meter_point_is_new(3938424403, 0));
        assert!(ix.meter_point_is_new(u64::MAX, 0));
        assert!(!ix.meter_point_is_new(u64::MAX, 0));
    }
}
