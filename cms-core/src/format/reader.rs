//! Lines of a file, two ways that give the same lines: [`LineReader`], streaming over any
//! [`std::io::Read`] and never holding more than one line (and never more than a set number of
//! bytes of it), and [`SliceLines`], over bytes already in memory, without copying them.

use std::io::{self, Read};

/// Bytes read from the source at a time.
const CHUNK: usize = 64 * 1024;

/// One line of a file, without its line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// The line's bytes (CR LF and LF line ends removed; at most the reader's limit).
    pub bytes: &'a [u8],
    /// 1-based line number.
    pub number: u64,
    /// 0-based byte offset of the line's first byte in the file.
    pub offset: u64,
    /// The line was longer than the limit: `bytes` holds its first `limit` bytes.
    pub overlong: bool,
    /// The line ended with a line end (false only for a last line without one).
    pub terminated: bool,
}

/// Reads lines one at a time. Lines end at LF; a CR just before the LF is removed too.
/// A quote never joins lines: that is the record splitter's business, not the reader's.
pub struct LineReader<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    eof: bool,
    carry: Vec<u8>,
    carry_overlong: bool,
    carry_offset: Option<u64>,
    number: u64,
    limit: usize,
}

impl<R: Read> LineReader<R> {
    /// A reader that keeps at most `limit` bytes of any line.
    pub fn new(inner: R, limit: usize) -> Self {
        LineReader {
            inner,
            buf: vec![0; CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            buf_offset: 0,
            eof: false,
            carry: Vec::new(),
            carry_overlong: false,
            carry_offset: None,
            number: 0,
            limit: limit.max(1),
        }
    }

    fn append_carry(&mut self, from: usize, to: usize) {
        if self.carry_offset.is_none() {
            self.carry_offset = Some(self.buf_offset + from as u64);
        }
        let room = (self.limit + 1).saturating_sub(self.carry.len());
        let chunk = self.buf.get(from..to).unwrap_or_default();
        if chunk.len() > room {
            self.carry_overlong = true;
        }
        self.carry
            .extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
    }

    /// The next line, or `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        if self.carry_offset.take().is_some() {
            self.carry.clear();
            self.carry_overlong = false;
        }
        loop {
            if self.start < self.end {
                let window = self.buf.get(self.start..self.end).unwrap_or_default();
                if let Some(i) = memchr::memchr(b'\n', window) {
                    let (from, to) = (self.start, self.start + i);
                    self.start = to + 1;
                    self.number += 1;
                    let ends_cr = to > from && self.buf.get(to - 1) == Some(&b'\r');
                    let kept = if ends_cr { to - from - 1 } else { to - from };
                    if self.carry_offset.is_none() && kept <= self.limit {
                        let bytes = strip_cr(self.buf.get(from..to).unwrap_or_default());
                        return Ok(Some(Line {
                            bytes,
                            number: self.number,
                            offset: self.buf_offset + from as u64,
                            overlong: false,
                            terminated: true,
                        }));
                    }
                    self.append_carry(from, to);
                    // The CR of a CR LF line end is not part of the line (the carry keeps one
                    // byte past the limit so that it can be told apart).
                    if self.carry.last() == Some(&b'\r') && !self.carry_overlong {
                        self.carry.pop();
                    }
                    if self.carry.len() > self.limit {
                        self.carry.truncate(self.limit);
                        self.carry_overlong = true;
                    }
                    return Ok(Some(self.carry_line(true)));
                }
                let (from, to) = (self.start, self.end);
                self.append_carry(from, to);
                self.start = self.end;
            }
            if self.eof {
                if self.carry_offset.is_some() {
                    self.number += 1;
                    if self.carry.len() > self.limit {
                        self.carry.truncate(self.limit);
                        self.carry_overlong = true;
                    }
                    return Ok(Some(self.carry_line(false)));
                }
                return Ok(None);
            }
            self.buf_offset += self.end as u64;
            self.start = 0;
            self.end = 0;
            loop {
                match self.inner.read(&mut self.buf) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(n) => {
                        self.end = n.min(self.buf.len());
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    }

    fn carry_line(&self, terminated: bool) -> Line<'_> {
        Line {
            bytes: &self.carry,
            number: self.number,
            offset: self.carry_offset.unwrap_or(self.buf_offset),
            overlong: self.carry_overlong,
            terminated,
        }
    }
}

/// Where lines come from: the engine reads any of these.
pub trait LineSource {
    /// The next line, or `None` at the end of the input.
    fn next_line(&mut self) -> io::Result<Option<Line<'_>>>;
}

impl<R: Read> LineSource for LineReader<R> {
    fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        LineReader::next_line(self)
    }
}

/// The lines of bytes in memory, borrowed from them: the same lines, numbers, offsets and flags
/// as a [`LineReader`] over the same bytes with the same limit.
#[derive(Debug, Clone)]
pub struct SliceLines<'a> {
    rest: &'a [u8],
    offset: u64,
    number: u64,
    limit: usize,
}

impl<'a> SliceLines<'a> {
    /// The lines of `bytes`, keeping at most `limit` bytes of any line.
    pub fn new(bytes: &'a [u8], limit: usize) -> Self {
        SliceLines {
            rest: bytes,
            offset: 0,
            number: 0,
            limit: limit.max(1),
        }
    }

    /// The next line, or `None` at the end of the bytes.
    pub fn next_line(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let (content, terminated, used) = match memchr::memchr(b'\n', self.rest) {
            Some(i) => (
                strip_cr(self.rest.get(..i).unwrap_or_default()),
                true,
                i + 1,
            ),
            // A last line without a line end keeps a CR it ends with: it is data.
            None => (self.rest, false, self.rest.len()),
        };
        let overlong = content.len() > self.limit;
        let bytes = if overlong {
            content.get(..self.limit).unwrap_or_default()
        } else {
            content
        };
        self.number += 1;
        let offset = self.offset;
        self.rest = self.rest.get(used..).unwrap_or_default();
        self.offset += used as u64;
        Some(Line {
            bytes,
            number: self.number,
            offset,
            overlong,
            terminated,
        })
    }
}

impl LineSource for SliceLines<'_> {
    fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        Ok(SliceLines::next_line(self))
    }
}

fn strip_cr(bytes: &[u8]) -> &[u8] {
    match bytes.split_last() {
        Some((b'\r', rest)) => rest,
        _ => bytes,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

    /// A reader that hands out at most `n` bytes per read.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            let (head, tail) = self.0.split_at(n);
            out.get_mut(..n).unwrap_or_default().copy_from_slice(head);
            self.0 = tail;
            Ok(n)
        }
    }

    fn lines(input: &[u8], limit: usize, step: usize) -> Vec<(Vec<u8>, u64, u64, bool, bool)> {
        let mut r = LineReader::new(Trickle(input, step), limit);
        let mut out = Vec::new();
        while let Ok(Some(l)) = r.next_line() {
            out.push((
                l.bytes.to_vec(),
                l.number,
                l.offset,
                l.overlong,
                l.terminated,
            ));
        }
        out
    }

    #[test]
    fn splits_lf_and_crlf_and_keeps_offsets() {
        let got = lines(b"ab\r\ncd\n\nef", 100, 1 << 20);
        assert_eq!(
            got,
            vec![
                (b"ab".to_vec(), 1, 0, false, true),
                (b"cd".to_vec(), 2, 4, false, true),
                (b"".to_vec(), 3, 7, false, true),
                (b"ef".to_vec(), 4, 8, false, false),
            ]
        );
    }

    #[test]
    fn same_lines_whatever_the_read_size() {
        let input = b"\"A00\",1\r\nx,\"y\nz\"\n\n\nlast\r";
        let whole = lines(input, 100, 1 << 20);
        for step in 1..8 {
            assert_eq!(lines(input, 100, step), whole, "step {step}");
        }
        // A lone CR at the very end, without LF, is data.
        assert_eq!(whole.last().map(|l| l.0.clone()), Some(b"last\r".to_vec()));
    }

    #[test]
    fn overlong_lines_are_cut_and_flagged() {
        let got = lines(b"0123456789\nok\n", 4, 3);
        assert_eq!(got[0], (b"0123".to_vec(), 1, 0, true, true));
        assert_eq!(got[1], (b"ok".to_vec(), 2, 11, false, true));
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(lines(b"", 10, 1).is_empty());
        assert_eq!(lines(b"\n", 10, 1).len(), 1);
        assert!(slice_lines(b"", 10).is_empty());
    }

    fn slice_lines(input: &[u8], limit: usize) -> Vec<(Vec<u8>, u64, u64, bool, bool)> {
        let mut r = SliceLines::new(input, limit);
        let mut out = Vec::new();
        while let Some(l) = r.next_line() {
            out.push((
                l.bytes.to_vec(),
                l.number,
                l.offset,
                l.overlong,
                l.terminated,
            ));
        }
        out
    }

    #[test]
    fn slice_lines_are_the_reader_lines() {
        let cases: [&[u8]; 9] = [
            b"ab\r\ncd\n\nef",
            b"\"A00\",1\r\nx,\"y\nz\"\n\n\nlast\r",
            b"0123456789\nok\n",
            b"abcd\r\n",
            b"abcde\r\n",
            b"abcd\r\r\n",
            b"\r\n\r\n\r",
            b"\n",
            b"no end at all, and long",
        ];
        for input in cases {
            for limit in [0, 1, 3, 4, 5, 100] {
                let want = lines(input, limit, 1 << 20);
                assert_eq!(slice_lines(input, limit), want, "{input:?} limit {limit}");
                for step in 1..6 {
                    assert_eq!(lines(input, limit, step), want, "{input:?} step {step}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn slice_and_stream_agree(
            input in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b'\n'),
                    proptest::strategy::Just(b'\r'),
                    proptest::num::u8::ANY,
                ],
                0..300,
            ),
            limit in 0usize..40,
            step in 1usize..50,
        ) {
            proptest::prop_assert_eq!(slice_lines(&input, limit), lines(&input, limit, step));
        }
    }
}
