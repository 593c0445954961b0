//! Path helpers shared by every stage.
//!
//! Paths in reports are relative to their image root, use `/` separators and
//! are valid UTF-8: bytes that are not UTF-8 are written as `\xNN` so that a
//! hostile file name can't break the JSON. A name that is valid UTF-8 is
//! written as it is, backslashes included, so the name `a\xFF` (six ASCII
//! characters) and `a` followed by the byte 0xFF read the same; the
//! walk lists every escaped name under `skipped` ("file name is not UTF-8"),
//! which tells them apart.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Renders a path for reports. Returns the text and whether it had to escape
/// bytes that are not valid UTF-8.
pub fn display(path: &Path) -> (String, bool) {
    display_bytes(path.as_os_str().as_bytes())
}

/// Like [`display`], for raw bytes.
pub fn display_bytes(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
            (out, true)
        }
    }
}

/// The report form of `path` relative to `root` (no leading slash).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    display(rel).0
}

/// Normalises an image path as a manifest states it (`/usr/lib/x`, `./usr/lib/x`,
/// `usr//lib/x`) into the report form `usr/lib/x`, lexically: `..` never climbs
/// above the image root. Symlinks are not resolved here; see
/// [`crate::image::RootFs::resolve`] for that.
pub fn normalize(manifest_path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in manifest_path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The file name of a report path.
pub fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// `OsStr` → `&str` when valid UTF-8.
pub fn os_str(s: &OsStr) -> Option<&str> {
    s.to_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_never_climbs_above_root() {
        assert_eq!(normalize("/usr/lib/../../../etc/passwd"), "etc/passwd");
        assert_eq!(normalize("./usr//lib/./x"), "usr/lib/x");
        assert_eq!(normalize("/"), "");
    }

    #[test]
    fn invalid_utf8_is_escaped() {
        let (s, escaped) = display_bytes(b"bad\xffname");
        assert_eq!(s, "bad\\xFFname");
        assert!(escaped);
        assert_eq!(
            display_bytes("grüße".as_bytes()),
            ("grüße".to_owned(), false)
        );
    }
}
