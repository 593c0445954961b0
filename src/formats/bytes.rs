//! Fixed-width integers at an offset of an untrusted buffer: `None` when
//! the field runs past the end (or its end overflows `usize`), never a
//! panic.
//!
//! Written out because std's `from_le_bytes`/`from_be_bytes` already do
//! the decoding and only the bounds check is missing; goblin's `scroll`
//! would add a direct dependency and an error type every caller here
//! throws away.

/// The `N` bytes at `at`, when all of them are inside `b`.
fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// A little-endian `u16` at `at`.
pub fn le16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_le_bytes)
}

/// A little-endian `u32` at `at`.
pub fn le32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_le_bytes)
}

/// A big-endian `u32` at `at`.
pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_and_refuses_past_the_end() {
        let b = [0x01, 0x02, 0x03, 0x04, 0x05];
        assert_eq!(le16(&b, 0), Some(0x0201));
        assert_eq!(le32(&b, 1), Some(0x0504_0302));
        assert_eq!(be32(&b, 0), Some(0x0102_0304));
        assert_eq!(le32(&b, 2), None);
        assert_eq!(le16(&b, 4), None);
        assert_eq!(be32(&b, usize::MAX - 1), None);
        assert_eq!(le16(&[], 0), None);
    }
}
