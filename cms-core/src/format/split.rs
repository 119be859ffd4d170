//! Splits one line into fields: comma-separated, each optionally in double quotes.
//!
//! A quoted field ends at a `"` that is followed by a comma or the end of the line; any other
//! `"` is kept in the field and flagged (no escape for a quote is documented). A quoted field
//! that reaches the end of the line unclosed makes the record unbalanced: a quote never joins
//! lines.

use crate::bytes::{classify, Classes, BLOCK};

/// Where one field's value lies in the line (quotes excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte of the value.
    pub start: usize,
    /// One past the last byte of the value.
    pub end: usize,
    /// The field was in double quotes.
    pub quoted: bool,
    /// A `"` stands inside the value.
    pub inner_quote: bool,
}

/// The fields of a line, reused from line to line.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    /// Spans, at most `max` of them.
    pub spans: Vec<Span>,
    /// A quoted field was not closed.
    pub unbalanced: bool,
    /// More fields than the limit: `total` counts them (by commas after the limit).
    pub overflow: bool,
    /// The number of fields in the line (exact up to the limit, then counted by commas).
    pub total: usize,
    /// Every byte of the line is printable ASCII (0x20 to 0x7E). False can also mean "not
    /// known": after more fields than the limit, the rest of the line is not looked at.
    pub printable: bool,
}

impl Fields {
    /// Push the line's last field, which ends with the line (`len`): from `start`, or, while a
    /// quoted field is open, from its value's start `quoted` — then the record is unbalanced.
    /// And count the fields.
    fn end_line(&mut self, start: usize, quoted: Option<usize>, inner: bool, len: usize) {
        let span = match quoted {
            Some(from) => {
                self.unbalanced = true;
                Span {
                    start: from,
                    end: len,
                    quoted: true,
                    inner_quote: inner,
                }
            }
            None => Span {
                start,
                end: len,
                quoted: false,
                inner_quote: inner,
            },
        };
        self.spans.push(span);
        self.total = self.spans.len();
    }

    /// Empty, for the next line.
    fn clear(&mut self) {
        self.spans.clear();
        self.unbalanced = false;
        self.overflow = false;
        self.total = 0;
        self.printable = false;
    }

    /// The value of field `i` (0-based).
    pub fn value<'a>(&self, line: &'a [u8], i: usize) -> &'a [u8] {
        match self.spans.get(i) {
            Some(s) => line.get(s.start..s.end).unwrap_or_default(),
            None => &[],
        }
    }
}

/// Split `line` into `out`, keeping at most `max` fields.
///
/// A block of bytes at a time (see [`classify`]): only the commas and double quotes are looked
/// at. The common line, whose quotes all stand at the edges of fields, is split by its commas
/// outside quotes alone, found for a whole block at once ([`split_plain`]); any other line is
/// read quote by quote ([`split_exact`]).
pub fn split(line: &[u8], max: usize, out: &mut Fields) {
    let max = max.max(1);
    if !split_plain(line, max, out) {
        split_exact(line, max, out);
    }
}

/// The classes of the block of `line` from `at`. A short last block is read as the line's
/// last 64 bytes, its bits then shifted down to start at `at` (the bytes it shares with the
/// block before are the line's own, so the printable flag holds); in a line shorter than a
/// block, the block is padded with spaces, which are neither commas nor quotes.
fn classify_at(line: &[u8], at: usize) -> Classes {
    if let Some(block) = line.get(at..at + BLOCK).and_then(|b| b.try_into().ok()) {
        return classify(block);
    }
    let rest = line.len().saturating_sub(at);
    let last = line
        .len()
        .checked_sub(BLOCK)
        .and_then(|from| line.get(from..));
    if let Some(block) = last.and_then(|b| b.try_into().ok()) {
        let c = classify(block);
        let shift = BLOCK - rest;
        return Classes {
            quotes: c.quotes >> shift,
            commas: c.commas >> shift,
            printable: c.printable,
        };
    }
    let rest = line.get(at..).unwrap_or_default();
    let mut block = [b' '; BLOCK];
    if let Some(head) = block.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    classify(&block)
}

/// Bit `i` set when an odd number of the bits 0 to `i` of `x` are.
fn prefix_parity(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The field from `start` to `end` of a plain line: quoted when it starts with a quote (its
/// last byte is then the closing quote).
fn plain_span(line: &[u8], start: usize, end: usize) -> Span {
    if line.get(start) == Some(&b'"') {
        Span {
            start: start + 1,
            end: end.saturating_sub(1).max(start + 1),
            quoted: true,
            inner_quote: false,
        }
    } else {
        Span {
            start,
            end,
            quoted: false,
            inner_quote: false,
        }
    }
}

/// Split a plain line: every quote opens a field (at the line's start or just after a comma
/// outside quotes) or closes one (at the line's end or just before such a comma), they pair up,
/// and there are at most `max` fields. Then the state machine of [`split_exact`] would only
/// ever open a quoted field at its start and close it at its end, and the commas outside quotes
/// — those after an even number of quotes — are exactly the ends of fields. False for any
/// other line (`out` then holds nothing of use).
fn split_plain(line: &[u8], max: usize, out: &mut Fields) -> bool {
    out.clear();
    let len = line.len();
    let mut printable = true;
    let mut start = 0usize;
    // From the block before: all ones after an odd number of quotes; a field starts at this
    // block's first byte (the line's start, or a comma outside quotes before it); a quote
    // closed just before it.
    let mut odd = 0u64;
    let mut field_starts = 1u64;
    let mut after_close = 0u64;
    for at in (0..len).step_by(BLOCK) {
        let c = classify_at(line, at);
        printable &= c.printable;
        let rest = len - at;
        let in_line = if rest >= BLOCK {
            !0
        } else {
            (1u64 << rest) - 1
        };
        // Bit i: byte i is inside quotes (an opening quote counts as inside, a closing one not).
        let inside = prefix_parity(c.quotes) ^ odd;
        let ends = c.commas & !inside;
        let opens = c.quotes & inside;
        let closes = c.quotes & !inside;
        let starts = ends << 1 | field_starts;
        let follows = closes << 1 | after_close;
        if opens & !starts != 0 || follows & in_line & !ends != 0 {
            return false;
        }
        odd = 0u64.wrapping_sub(inside >> 63);
        field_starts = ends >> 63;
        after_close = closes >> 63;
        let mut ends = ends;
        while ends != 0 {
            let end = at + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            out.spans.push(plain_span(line, start, end));
            if out.spans.len() >= max {
                return false;
            }
            start = end + 1;
        }
    }
    if odd != 0 {
        return false;
    }
    out.spans.push(plain_span(line, start, len));
    out.total = out.spans.len();
    out.printable = printable;
    true
}

/// Split any line, quote by quote: a small state machine over the commas and quotes alone.
fn split_exact(line: &[u8], max: usize, out: &mut Fields) {
    out.clear();
    let len = line.len();
    // Where the current field starts; whether it is quoted (and where its value starts);
    // whether a quote stands inside it; whether the last quote closed a quoted field, so the
    // next delimiter must be the comma that ends it.
    let mut start = 0usize;
    let mut quoted: Option<usize> = None;
    let mut inner = false;
    let mut closed = false;
    let mut printable = true;
    for at in (0..len).step_by(BLOCK) {
        let c = classify_at(line, at);
        printable &= c.printable;
        let mut mask = c.quotes | c.commas;
        while mask != 0 {
            let p = at + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if closed {
                // The comma right after a closing quote, in the block after the quote's.
                closed = false;
                start = p + 1;
                inner = false;
                continue;
            }
            // The comma that ends the field just pushed.
            let comma = match (quoted, line.get(p).copied().unwrap_or(0)) {
                (None, b'"') if p == start => {
                    quoted = Some(p + 1);
                    continue;
                }
                (None, b'"') => {
                    inner = true;
                    continue;
                }
                (None, _) => {
                    out.spans.push(Span {
                        start,
                        end: p,
                        quoted: false,
                        inner_quote: inner,
                    });
                    start = p + 1;
                    inner = false;
                    p
                }
                (Some(_), b',') => continue,
                (Some(from), _) => {
                    let at_end = p + 1 == len;
                    if !at_end && line.get(p + 1) != Some(&b',') {
                        inner = true;
                        continue;
                    }
                    out.spans.push(Span {
                        start: from,
                        end: p,
                        quoted: true,
                        inner_quote: inner,
                    });
                    quoted = None;
                    if at_end {
                        out.total = out.spans.len();
                        out.printable = printable;
                        return;
                    }
                    // The comma that follows is taken now when it is in this block.
                    let next = p + 1;
                    if next - at < BLOCK {
                        mask &= !(1 << (next - at));
                        start = next + 1;
                        inner = false;
                    } else {
                        closed = true;
                    }
                    next
                }
            };
            if out.spans.len() >= max {
                // A comma follows: more fields than the limit, counted by commas.
                let rest = line.get(comma + 1..).unwrap_or_default();
                out.overflow = true;
                out.total = out.spans.len() + 1 + memchr::memchr_iter(b',', rest).count();
                return;
            }
        }
    }
    out.end_line(start, quoted, inner, len);
    out.printable = printable;
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;
    use proptest::test_runner::TestCaseError;

    fn vals(line: &str) -> (Vec<(String, bool, bool)>, bool) {
        let mut f = Fields::default();
        split(line.as_bytes(), 100, &mut f);
        let v = (0..f.spans.len())
            .map(|i| {
                let s = f.spans[i];
                (
                    String::from_utf8_lossy(f.value(line.as_bytes(), i)).into_owned(),
                    s.quoted,
                    s.inner_quote,
                )
            })
            .collect();
        (v, f.unbalanced)
    }

    #[test]
    fn plain_quoted_and_empty_fields() {
        let (v, u) = vals(r#""A00","101",CFR,,"",3"#);
        assert!(!u);
        let got: Vec<_> = v.iter().map(|x| (x.0.as_str(), x.1)).collect();
        assert_eq!(
            got,
            vec![
                ("A00", true),
                ("101", true),
                ("CFR", false),
                ("", false),
                ("", true),
                ("3", false)
            ]
        );
    }

    #[test]
    fn trailing_comma_is_an_empty_last_field() {
        let (v, _) = vals("T06,RJ,,,");
        assert_eq!(v.len(), 5);
        let (v, _) = vals(r#""a","#);
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn commas_inside_quotes_stay_in_the_field() {
        let (v, _) = vals(r#""C02","a, b",x"#);
        assert_eq!(v[1].0, "a, b");
        assert_eq!(v.len(), 3);
    }

    #[test]
    fn inner_quotes_are_flagged_and_unclosed_quotes_unbalance() {
        let (v, u) = vals(r#""C02","he said "hi" ok""#);
        assert!(!u);
        assert_eq!(v[1], ("he said \"hi\" ok".to_string(), true, true));
        let (v, u) = vals(r#""C02","missing end"#);
        assert!(u);
        assert_eq!(v[1].0, "missing end");
        let (v, _) = vals(r#"C02,ab"c"#);
        assert!(v[1].2);
    }

    #[test]
    fn fields_across_word_and_block_boundaries() {
        let (v, u) = vals(r#""C01234","","a,b,c,d,e,f",1234567,"x""#);
        assert!(!u);
        let got: Vec<_> = v.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(got, vec!["C01234", "", "a,b,c,d,e,f", "1234567", "x"]);
        let (v, u) = vals(r#"1234567,"89012345"#);
        assert!(u);
        assert_eq!(v[1].0, "89012345");
        // A quoted field closing on the last byte of a block, its comma the next block's first.
        for pad in 60..70 {
            let line = format!("\"{}\",x,\"y\"", "a".repeat(pad));
            let (v, u) = vals(&line);
            assert!(!u, "{pad}");
            let got: Vec<_> = v.iter().map(|x| (x.0.len(), x.1, x.2)).collect();
            assert_eq!(
                got,
                vec![(pad, true, false), (1, false, false), (1, true, false)]
            );
        }
    }

    /// The splitter as first written, a byte at a time: the reference the fast one must match.
    fn bytewise(line: &[u8], max: usize, out: &mut Fields) {
        out.clear();
        let len = line.len();
        let max = max.max(1);
        // Where the current field starts; whether it is quoted (and where its value starts);
        // whether a quote stands inside it; whether the last quote closed a quoted field, so the
        // next delimiter must be the comma that ends it.
        let mut start = 0usize;
        let mut quoted: Option<usize> = None;
        let mut inner = false;
        let mut closed = false;
        // A plain scan: fields are short, and a vectorised search restarted for every few bytes
        // costs more than it saves.
        for (p, &c) in line.iter().enumerate() {
            if c != b',' && c != b'"' {
                continue;
            }
            if closed {
                // The comma right after a closing quote.
                closed = false;
                start = p + 1;
                inner = false;
                continue;
            }
            match (quoted, c) {
                (None, b'"') if p == start => quoted = Some(p + 1),
                (None, b'"') => inner = true,
                (None, _) => {
                    out.spans.push(Span {
                        start,
                        end: p,
                        quoted: false,
                        inner_quote: inner,
                    });
                    start = p + 1;
                    inner = false;
                }
                (Some(_), b',') => {}
                (Some(from), _) => {
                    if p + 1 == len || line.get(p + 1) == Some(&b',') {
                        out.spans.push(Span {
                            start: from,
                            end: p,
                            quoted: true,
                            inner_quote: inner,
                        });
                        quoted = None;
                        if p + 1 == len {
                            out.total = out.spans.len();
                            return;
                        }
                        closed = true;
                    } else {
                        inner = true;
                    }
                }
            }
            if out.spans.len() >= max && (quoted.is_none() || closed) {
                let rest = line.get(p + 1..).unwrap_or_default();
                let more = memchr::memchr_iter(b',', rest).count() + usize::from(!closed);
                if more > 0 {
                    out.overflow = true;
                    out.total = out.spans.len() + more;
                    return;
                }
            }
        }
        out.end_line(start, quoted, inner, len);
    }

    /// The splitter gives what the bytewise one gives, and the line's printable flag (exact
    /// unless the splitter stopped early, after more fields than the limit).
    fn agrees_with_bytewise(line: &[u8], max: usize) -> Result<(), TestCaseError> {
        let (mut fast, mut slow) = (Fields::default(), Fields::default());
        split(line, max, &mut fast);
        bytewise(line, max, &mut slow);
        proptest::prop_assert_eq!(&fast.spans, &slow.spans);
        proptest::prop_assert_eq!(
            (fast.unbalanced, fast.overflow, fast.total),
            (slow.unbalanced, slow.overflow, slow.total)
        );
        let printable = line.iter().all(|b| (0x20..0x7f).contains(b));
        if fast.overflow {
            proptest::prop_assert!(!fast.printable || printable);
        } else {
            proptest::prop_assert_eq!(fast.printable, printable);
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn the_block_at_a_time_splitter_matches_the_bytewise_one(
            line in proptest::collection::vec(
                proptest::sample::select(vec![b',', b'"', b'a', b'1', b' ', 0xff, 0x00, 0x1f, 0x7e, 0x7f]),
                0..150,
            ),
            max in 1usize..16,
        ) {
            agrees_with_bytewise(&line, max)?;
        }
    }

    proptest::proptest! {
        /// Lines of well-formed fields (the plain path's lines), across block boundaries, and
        /// the same with one byte changed (mostly lines for the exact path).
        #[test]
        fn record_like_lines_split_as_the_bytewise_splitter_does(
            fields in proptest::collection::vec(
                (
                    proptest::bool::ANY,
                    proptest::collection::vec(
                        proptest::sample::select(vec![b'a', b'1', b' ', b',', 0x7f]),
                        0..40,
                    ),
                ),
                1..12,
            ),
            change in proptest::option::of((proptest::num::usize::ANY, proptest::sample::select(vec![b'"', b',', b'a', 0x00]))),
            max in 1usize..16,
        ) {
            let mut line = Vec::new();
            for (i, (quoted, text)) in fields.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                if *quoted {
                    line.push(b'"');
                    line.extend_from_slice(text);
                    line.push(b'"');
                } else {
                    line.extend(text.iter().filter(|b| **b != b','));
                }
            }
            if let Some((at, byte)) = change {
                if !line.is_empty() {
                    let n = line.len();
                    line[at % n] = byte;
                }
            }
            agrees_with_bytewise(&line, max)?;
        }
    }

    #[test]
    fn plain_lines_take_the_plain_path() {
        let mut f = Fields::default();
        for line in [
            &br#""C01","R1","RFA",3938424403,"G4A,08",3,20250401,,-1.5,"a, b""#[..],
            b"",
            b"a,b,,c",
            br#""""#,
        ] {
            assert!(
                split_plain(line, 100, &mut f),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
        for line in [&br#""a"b",c"#[..], br#"a"b,c"#, br#""a,b"#, br#"a,""""#] {
            assert!(
                !split_plain(line, 100, &mut f),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn overflow_counts_the_rest() {
        let mut f = Fields::default();
        split(b"a,b,c,d,e", 2, &mut f);
        assert!(f.overflow);
        assert_eq!(f.spans.len(), 2);
        assert_eq!(f.total, 5);
    }
}
