//! The `Zone.Identifier` alternate data stream Windows (the browser, Outlook,
//! the attachment manager) writes beside a file it downloaded: an INI text
//! naming the security zone the file came from and, since Windows 10, the
//! address it was fetched from:
//!
//! ```text
//! [ZoneTransfer]
//! ZoneId=3
//! ReferrerUrl=https://www.chiark.greenend.org.uk/~sgtatham/putty/
//! HostUrl=https://the.earth.li/~sgtatham/putty/latest/w64/putty.exe
//! ```
//!
//! Written as ANSI/UTF-8 by most writers, as UTF-16 with a byte-order mark
//! by some; both are read. Hand-written: the format is four keys of one
//! INI section, and an INI crate would accept far more than Windows writes.

use crate::model::binary::Download;

/// Longest value kept (a URL); longer ones are cut at a character boundary.
const MAX_VALUE: usize = 2048;

/// Reads a `Zone.Identifier` stream; `None` when it holds no
/// `[ZoneTransfer]` section with at least one known key.
pub fn parse(bytes: &[u8]) -> Option<Download> {
    let text = decode(bytes);
    let mut in_section = false;
    let mut d = Download {
        zone: None,
        host_url: None,
        referrer_url: None,
        evidence: "NTFS stream Zone.Identifier".into(),
    };
    let mut any = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line.eq_ignore_ascii_case("[ZoneTransfer]");
            continue;
        }
        if !in_section {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "zoneid" => {
                d.zone = value.parse().ok();
                any |= d.zone.is_some();
            }
            "hosturl" if !value.is_empty() => {
                d.host_url = Some(cut(value));
                any = true;
            }
            "referrerurl" if !value.is_empty() => {
                d.referrer_url = Some(cut(value));
                any = true;
            }
            _ => {}
        }
    }
    any.then_some(d)
}

/// The stream as text: UTF-16 when it starts with a byte-order mark, else
/// UTF-8 (bytes that are not become U+FFFD).
fn decode(bytes: &[u8]) -> String {
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn cut(value: &str) -> String {
    if value.len() <= MAX_VALUE {
        return value.to_owned();
    }
    let mut end = MAX_VALUE;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    value[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_windows_writes() {
        let d = parse(
            b"[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://example.org/dl/\r\nHostUrl=https://example.org/dl/setup.exe\r\n",
        )
        .unwrap();
        assert_eq!(d.zone, Some(3));
        assert_eq!(
            d.host_url.as_deref(),
            Some("https://example.org/dl/setup.exe")
        );
        assert_eq!(d.referrer_url.as_deref(), Some("https://example.org/dl/"));

        // UTF-16 with a byte-order mark, only the zone, odd spacing and case.
        let text = "[zonetransfer]\r\n ZoneId = 4 \r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let d = parse(&bytes).unwrap();
        assert_eq!((d.zone, d.host_url), (Some(4), None));
    }

    #[test]
    fn anything_else_is_no_download() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"[Other]\nZoneId=3\n"), None);
        assert_eq!(parse(b"[ZoneTransfer]\nZoneId=x\n"), None);
        assert_eq!(parse(&[0xFF, 0xFE, 0x41]), None);
        let long = format!("[ZoneTransfer]\nHostUrl=https://{}\n", "é".repeat(3000));
        let d = parse(long.as_bytes()).unwrap();
        assert!(d.host_url.unwrap().len() <= MAX_VALUE);
    }
}
