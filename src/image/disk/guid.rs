//! GUIDs as GPT and VHDX store them: the text form's first three groups
//! little-endian, the last two as written.

/// The 16 on-disk bytes of `s` ("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
/// evaluated at compile time for the constants.
pub const fn guid(s: &str) -> [u8; 16] {
    let t = s.as_bytes();
    assert!(t.len() == 36);
    let mut raw = [0u8; 16];
    let (mut i, mut j) = (0, 0);
    while i < 36 {
        if t[i] == b'-' {
            i += 1;
            continue;
        }
        raw[j] = hex(t[i]) << 4 | hex(t[i + 1]);
        j += 1;
        i += 2;
    }
    [
        raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6], raw[8], raw[9], raw[10],
        raw[11], raw[12], raw[13], raw[14], raw[15],
    ]
}

const fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit"),
    }
}

/// The text form of on-disk GUID bytes.
pub fn format(b: &[u8; 16]) -> String {
    format!(
        "{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{}",
        b[3],
        b[2],
        b[1],
        b[0],
        b[5],
        b[4],
        b[7],
        b[6],
        b[8],
        b[9],
        b[10..]
            .iter()
            .map(|x| format!("{x:02X}"))
            .collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn guids_round_trip_in_mixed_endian() {
        const EFI: [u8; 16] = super::guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        assert_eq!(&EFI[..4], &[0x28, 0x73, 0x2A, 0xC1]);
        assert_eq!(&EFI[8..], &[0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B]);
        assert_eq!(super::format(&EFI), "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    }
}
