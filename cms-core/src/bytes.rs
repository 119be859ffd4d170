//! Short byte strings read as numbers, for the hot paths (record splitting, short-code
//! comparison, index hashing): without a copy of variable length, which compiles to a call and
//! then stalls when the copy is read back as one number.

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

/// The bytes [`classify`] takes at a time.
pub(crate) const BLOCK: usize = 64;

/// A block of bytes classified for the record splitter: the high bit of each byte that is a
/// comma or a double quote, as eight little-endian words of eight bytes each; and whether every
/// byte is printable ASCII (0x20 to 0x7E).
///
/// Plain loops over arrays of a fixed size, on purpose: the compiler turns them into vector
/// instructions, sixteen bytes at a time (about 55 instructions for the block, where eight
/// bytes at a time by arithmetic took about 150).
pub(crate) fn classify(block: &[u8; BLOCK]) -> ([u64; BLOCK / 8], bool) {
    let mut marks = [0u8; BLOCK];
    let mut bad = 0u8;
    for (m, &b) in marks.iter_mut().zip(block) {
        *m = if b == b',' || b == b'"' { 0x80 } else { 0 };
        bad |= u8::from(!(0x20..0x7f).contains(&b));
    }
    let mut words = [0u64; BLOCK / 8];
    for (w, m) in words.iter_mut().zip(marks.chunks_exact(8)) {
        *w = le_u64(m);
    }
    (words, bad == 0)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)] // tests: a panic is how a test fails
mod tests {
    use super::*;

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
            for at in [0, 1, 7, 8, 15, 16, 31, 40, 63] {
                let mut block = [b'x'; BLOCK];
                block[at] = b;
                let (words, printable) = classify(&block);
                let mut want = [0u64; BLOCK / 8];
                if b == b',' || b == b'"' {
                    want[at / 8] = 0x80 << (8 * (at % 8));
                }
                assert_eq!(words, want, "byte {b:#04x} at {at}");
                assert_eq!(
                    printable,
                    (0x20..0x7f).contains(&b),
                    "byte {b:#04x} at {at}"
                );
            }
        }
    }
}
