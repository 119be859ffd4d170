//! Bytes read as numbers and classified, for the hot paths (record splitting, short-code
//! comparison, index hashing): short strings without a copy of variable length, which compiles
//! to a call and then stalls when the copy is read back as one number; blocks of a record
//! classified with code the compiler turns into vector instructions.

/// Eight bytes as a little-endian number (zero unless `b` has exactly eight).
pub(crate) fn le_u64(b: &[u8]) -> u64 {
    <[u8; 8]>::try_from(b).map_or(0, u64::from_le_bytes)
}

/// The first eight bytes of `b` (fewer when it is shorter) as a little-endian number, the
/// missing high bytes zero.
pub(crate) fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| {
        b.get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
    };
    let byte_at = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
    match n {
        0 => 0,
        // Overlapping reads: the bytes they share are the same.
        1..=3 => byte_at(0) | byte_at(n / 2) << (8 * (n / 2)) | byte_at(n - 1) << (8 * (n - 1)),
        4..=7 => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
        _ => le_u64(b.get(..8).unwrap_or_default()),
    }
}

/// Every byte 0x01: times a byte, that byte in every place.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;
/// Every byte a space.
pub(crate) const SPACES: u64 = ONES * 0x20;

/// Bits whose high bits (`& HIGH`) are all zero when every byte of `w` is printable ASCII
/// (0x20 to 0x7E). Exact for the word as a whole, and for any number of words OR-ed together:
/// a byte below 0x20 borrows in the subtraction, one above 0x7E carries in the addition or has
/// its own high bit.
pub(crate) fn nonprintable_bits(w: u64) -> u64 {
    (w.wrapping_sub(SPACES) & !w) | w.wrapping_add(ONES) | w
}

/// Bytes of `w` that are not ASCII digits: a byte of the result is non-zero where a byte of `w`
/// is not `0` to `9`. Exact for the lowest such byte and every byte below it (which is all a
/// caller may read): adding 6 can carry out of a byte only upwards, and only out of one that
/// is not a digit.
pub(crate) fn non_digit_bytes(w: u64) -> u64 {
    let high = ONES * 0xf0;
    ((w & high) ^ (ONES * 0x30)) | ((w.wrapping_add(ONES * 0x06) & high) ^ (ONES * 0x30))
}

/// How many ASCII digits `v` starts with: eight bytes at a time.
pub(crate) fn leading_digits(v: &[u8]) -> usize {
    let words = v.chunks_exact(8);
    let rest = words.remainder();
    let mut n = 0;
    for w in words {
        let bad = non_digit_bytes(le_u64(w));
        if bad != 0 {
            return n + (bad.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    // The missing bytes read as 0, which is not a digit.
    let bad = non_digit_bytes(load_le(rest));
    n + ((bad.trailing_zeros() / 8) as usize).min(rest.len())
}

/// The bytes [`classify`] takes at a time.
pub(crate) const BLOCK: usize = 64;

/// What the record splitter needs to know of a block of bytes: bit `i` of `quotes` is set when
/// byte `i` is a double quote, of `commas` when it is a comma; and whether every byte is
/// printable ASCII (0x20 to 0x7E).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Classes {
    pub quotes: u64,
    pub commas: u64,
    pub printable: bool,
}

/// Classify a block of bytes.
///
/// Plain loops over arrays of a fixed size, on purpose: the compiler turns them into vector
/// instructions, sixteen bytes at a time; each 0-or-1 byte of the results then goes to its bit
/// with one multiplication for eight bytes ([`gather`]). About 160 instructions for the block,
/// the commas and quotes told apart as bits, where eight bytes at a time by arithmetic took
/// about 150 for a mask of both together, one high bit a byte.
pub(crate) fn classify(block: &[u8; BLOCK]) -> Classes {
    let mut quotes = [0u8; BLOCK];
    let mut commas = [0u8; BLOCK];
    let mut bad = 0u8;
    for ((q, c), &b) in quotes.iter_mut().zip(commas.iter_mut()).zip(block) {
        *q = u8::from(b == b'"');
        *c = u8::from(b == b',');
        bad |= u8::from(!(0x20..0x7f).contains(&b));
    }
    let bits = |marks: &[u8; BLOCK]| {
        marks
            .chunks_exact(8)
            .enumerate()
            .fold(0u64, |acc, (k, w)| acc | gather(le_u64(w)) << (8 * k))
    };
    Classes {
        quotes: bits(&quotes),
        commas: bits(&commas),
        printable: bad == 0,
    }
}

/// Eight bytes each 0 or 1 (little-endian) as eight bits, byte `i` to bit `i`: the product
/// puts byte `i` at bit 56 + `i` and nothing else in the top byte (no two partial products
/// share a bit, so nothing carries).
fn gather(w: u64) -> u64 {
    w.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn leading_digits_is_the_bytewise_count() {
        let count = |v: &[u8]| v.iter().take_while(|b| b.is_ascii_digit()).count();
        // Every byte value at every place of runs of digits up to 20 long, and after them.
        for len in 0..=20 {
            let digits: Vec<u8> = (0..len).map(|i| b'0' + (i * 7 % 10) as u8).collect();
            assert_eq!(leading_digits(&digits), len, "{digits:?}");
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut v = digits.clone();
                    v[at] = b;
                    v.extend_from_slice(b"9\xff/:0");
                    assert_eq!(leading_digits(&v), count(&v), "{v:?}");
                }
            }
        }
    }

    #[test]
    fn load_le_is_the_zero_padded_little_endian_number() {
        let bytes: Vec<u8> = (1..=12u8).map(|b| b.wrapping_mul(37) | 0x80).collect();
        for from in 0..bytes.len() {
            for to in from..=bytes.len() {
                let b = &bytes[from..to];
                let mut w = [0u8; 8];
                for (d, s) in w.iter_mut().zip(b) {
                    *d = *s;
                }
                assert_eq!(load_le(b), u64::from_le_bytes(w), "{b:?}");
            }
        }
        assert_eq!(le_u64(b"12345678"), u64::from_le_bytes(*b"12345678"));
        assert_eq!(le_u64(b"1234567"), 0);
    }

    #[test]
    fn classify_marks_exactly_commas_and_quotes_and_finds_any_unprintable_byte() {
        for b in 0..=255u8 {
            for at in [0, 1, 7, 8, 15, 16, 31, 40, 56, 63] {
                let mut block = [b'x'; BLOCK];
                block[at] = b;
                block[(at + 17) % BLOCK] = b'"';
                block[(at + 30) % BLOCK] = b',';
                let c = classify(&block);
                let bit = |x: bool| u64::from(x) << at;
                let other_quote = 1u64 << ((at + 17) % BLOCK);
                let other_comma = 1u64 << ((at + 30) % BLOCK);
                assert_eq!(
                    c.quotes,
                    bit(b == b'"') | other_quote,
                    "byte {b:#04x} at {at}"
                );
                assert_eq!(
                    c.commas,
                    bit(b == b',') | other_comma,
                    "byte {b:#04x} at {at}"
                );
                assert_eq!(
                    c.printable,
                    (0x20..0x7f).contains(&b),
                    "byte {b:#04x} at {at}"
                );
            }
        }
    }

    #[test]
    fn gather_takes_each_byte_to_its_bit() {
        for bits in 0..=255u64 {
            let w = (0..8).fold(0u64, |w, i| w | ((bits >> i) & 1) << (8 * i));
            assert_eq!(gather(w), bits);
        }
    }
}
