//! Reading files of an image through its confined root: what root detection
//! and every collector use, so that no reader opens a host path.
//!
//! The helpers take anything that holds a [`RootFs`] (an [`Image`], or the
//! bare root while the image is still being detected). A missing file is
//! `Ok(None)`, not an error: the image simply doesn't have it. A file that
//! exists but can't be read, or isn't the document it should be, is a
//! [`ReadError`], whose message is the one line the report's `errors[]`
//! entry shows.
//!
//! [`Image`]: super::Image

use super::file::ImageFile;
use super::rootfs::OpenFileError;
use super::{ResolveError, RootFs};
use crate::bounded;
use crate::formats::nesting::{self, JsonError};
use crate::isolate::Panic;
use std::path::Path;

/// Why an image file that exists was not read, or not as what it should
/// be. The file system's refusals, the bounds sovscan sets and the
/// parsers' complaints are kept apart.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path can't be followed inside the image (a link loop, a
    /// component that is a file...).
    #[error(transparent)]
    Resolve(ResolveError),
    #[error("is a directory")]
    IsADirectory,
    /// The operating system refused to read it.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Not a property list, in the `plist` crate's words.
    #[error("not a property list: {0}")]
    NotAPlist(plist::Error),
    #[error("property list is not a dictionary")]
    NotADictionary,
    /// Past [`MAX_PLIST_DEPTH`], refused before parsing.
    #[error("property list nested deeper than {MAX_PLIST_DEPTH} levels")]
    PlistTooDeep,
    /// The `plist` crate panicked (isolated).
    #[error("plist parser crashed ({0})")]
    PlistCrashed(Panic),
    /// Not valid JSON, or past [`nesting::MAX_JSON_DEPTH`].
    #[error(transparent)]
    Json(#[from] JsonError),
}

/// Property lists nested deeper than this are refused before they are
/// parsed. Info.plist, receipts and SystemVersion.plist nest a handful of
/// levels; the bound is serde_json's.
pub const MAX_PLIST_DEPTH: usize = 32;

/// Reads an image file as text, following symlinks inside the image only.
/// `Ok(None)` when it doesn't exist; `Err` (a one-line reason) when it exists
/// but can't be read.
pub fn read_text(root: &impl AsRef<RootFs>, rel: &str) -> Result<Option<String>, ReadError> {
    match read_bytes(root, rel)? {
        None => Ok(None),
        Some(b) => match String::from_utf8(b) {
            Ok(s) => Ok(Some(s)),
            // Package databases are UTF-8 by policy, but old records carry
            // Latin-1 names: keep them readable rather than drop the file.
            Err(e) => Ok(Some(String::from_utf8_lossy(e.as_bytes()).into_owned())),
        },
    }
}

/// Like [`read_text`], as bytes, up to [`bounded::TEXT`].
pub fn read_bytes(root: &impl AsRef<RootFs>, rel: &str) -> Result<Option<Vec<u8>>, ReadError> {
    read_capped(root, rel, bounded::TEXT)
}

/// Reads an image file up to `cap`, following links inside the image only:
/// `Ok(None)` when it doesn't exist.
pub fn read_capped(
    root: &impl AsRef<RootFs>,
    rel: &str,
    cap: bounded::Cap,
) -> Result<Option<Vec<u8>>, ReadError> {
    match open(root, rel)? {
        None => Ok(None),
        Some(file) => Ok(Some(read_all(file, cap)?)),
    }
}

/// Opens an image file for a reader that streams it (and bounds what it
/// keeps): relative to the image root's descriptor, links followed inside
/// the image only, never blocking, a regular file only (on a disk image,
/// through its file system). `Ok(None)` when it doesn't exist. This is
/// how a collector opens any file of an image.
pub fn open(root: &impl AsRef<RootFs>, rel: &str) -> Result<Option<ImageFile>, ReadError> {
    match open_file(root.as_ref(), Path::new(rel)) {
        Err(ReadError::Resolve(ResolveError::NotFound | ResolveError::NotADirectory)) => Ok(None),
        r => r.map(Some),
    }
}

fn open_file(fs: &RootFs, path: &Path) -> Result<ImageFile, ReadError> {
    fs.open_file(path).map_err(|e| match e {
        OpenFileError::Resolve(e) => ReadError::Resolve(e),
        OpenFileError::IsADirectory => ReadError::IsADirectory,
        OpenFileError::Io(e) => ReadError::Io(e),
    })
}

/// Reads an open image file whole, refused past `cap`.
fn read_all(file: ImageFile, cap: bounded::Cap) -> Result<Vec<u8>, ReadError> {
    let len = file.snapshot()?.len;
    Ok(bounded::read_stream(file, len, cap)?)
}

/// Reads a file of the image by its resolved image path (from
/// [`RootFs::resolve`] or its variants), up to `cap`: opened relative to
/// the root's descriptor ([`RootFs::open_file`]), never blocking on a FIFO,
/// never reading a device ([`bounded`]).
pub fn read_resolved(fs: &RootFs, real: &Path, cap: bounded::Cap) -> Result<Vec<u8>, ReadError> {
    read_all(open_file(fs, real)?, cap)
}

/// Opens a file of the image by its resolved image path, for a reader
/// that streams it: a regular file only, opened as [`read_resolved`] does.
pub fn open_resolved(fs: &RootFs, real: &Path) -> Result<ImageFile, ReadError> {
    open_file(fs, real)
}

/// Reads an image file as JSON, refused past [`nesting::MAX_JSON_DEPTH`]
/// before it is parsed. `Ok(None)` when it doesn't exist.
pub fn read_json(
    root: &impl AsRef<RootFs>,
    rel: &str,
) -> Result<Option<serde_json::Value>, ReadError> {
    match read_text(root, rel)? {
        None => Ok(None),
        Some(text) => Ok(Some(nesting::parse_json(text.as_bytes())?)),
    }
}

/// Lists the entries of an image directory (resolved inside the image),
/// sorted by name for deterministic output. Missing → empty.
pub fn list_dir(root: &impl AsRef<RootFs>, rel: &str) -> Result<Vec<String>, ReadError> {
    let entries = match root.as_ref().list(rel) {
        Ok(e) => e,
        Err(ResolveError::Io(e)) => return Err(ReadError::Resolve(ResolveError::Io(e))),
        Err(_) => return Ok(Vec::new()),
    };
    let mut names: Vec<String> = entries
        .into_iter()
        .filter_map(|(n, _)| n.into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

/// Whether an image path exists (inside the image).
pub fn exists(root: &impl AsRef<RootFs>, rel: &str) -> bool {
    root.as_ref().resolve(Path::new(rel)).is_ok()
}

/// Reads a property list, XML or binary (`plist` detects which). `Ok(None)`
/// when the file doesn't exist; `Err` when it exists but isn't a readable
/// plist, nests deeper than [`MAX_PLIST_DEPTH`], or its top level is not a
/// dictionary.
pub fn read_plist(
    root: &impl AsRef<RootFs>,
    rel: &str,
) -> Result<Option<plist::Dictionary>, ReadError> {
    let Some(bytes) = read_bytes(root, rel)? else {
        return Ok(None);
    };
    parse_plist(&bytes).map(Some)
}

/// Parses a property list whose top level is a dictionary.
pub fn parse_plist(bytes: &[u8]) -> Result<plist::Dictionary, ReadError> {
    let value = crate::isolate::catch(|| {
        check_plist_depth(bytes)?;
        plist::Value::from_reader(std::io::Cursor::new(bytes)).map_err(ReadError::NotAPlist)
    })
    .map_err(ReadError::PlistCrashed)??;
    match value {
        plist::Value::Dictionary(d) => Ok(d),
        _ => Err(ReadError::NotADictionary),
    }
}

/// Refuses a property list nested deeper than [`MAX_PLIST_DEPTH`]. The
/// `plist` crate reads with a heap stack, but the `Value` it builds is a
/// tree that is dropped (and cloned, and compared) by recursion, one stack
/// frame per level: a few hundred kilobytes of `<array>` would overflow a
/// worker's stack and abort the scan. So the file is first read into
/// [`DepthProbe`], which keeps nothing and stops at the bound. (The crate's
/// event reader would do without serde, but it is public only behind its
/// "unstable, may break in minor versions" feature.) Any other error is
/// left for the real parse to report, in its own words.
fn check_plist_depth(bytes: &[u8]) -> Result<(), ReadError> {
    match plist::from_bytes::<DepthProbe>(bytes) {
        Err(e) if e.to_string().contains(TOO_DEEP) => Err(ReadError::PlistTooDeep),
        _ => Ok(()),
    }
}

/// The probe's own error, told apart from the parser's by this text.
const TOO_DEEP: &str = "sovscan: plist depth bound reached";

/// Deserializes any property list, keeping nothing, and fails with
/// [`TOO_DEEP`] past [`MAX_PLIST_DEPTH`] levels of arrays and dictionaries:
/// serde descends by recursion, so the probe's own stack use is bounded by
/// the bound.
struct DepthProbe;

/// The probe at one level: how many arrays and dictionaries enclose it.
#[derive(Clone, Copy)]
struct Level(usize);

impl<'de> serde::Deserialize<'de> for DepthProbe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::DeserializeSeed::deserialize(Level(0), d).map(|()| DepthProbe)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Level {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Level {
    fn inner<E: serde::de::Error>(self) -> Result<Level, E> {
        if self.0 >= MAX_PLIST_DEPTH {
            return Err(E::custom(TOO_DEEP));
        }
        Ok(Level(self.0 + 1))
    }
}

impl<'de> serde::de::Visitor<'de> for Level {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a property list")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = self.inner()?;
        while seq.next_element_seed(inner)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inner = self.inner()?;
        while map.next_key_seed(inner)?.is_some() {
            map.next_value_seed(inner)?;
        }
        Ok(())
    }
}

/// A string value of a plist dictionary, trimmed; None when absent or empty.
pub fn plist_str(d: &plist::Dictionary, key: &str) -> Option<String> {
    d.get(key)
        .and_then(|v| v.as_string())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_xml(levels: usize) -> Vec<u8> {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>k</key>",
        );
        xml.push_str(&"<array>".repeat(levels));
        xml.push_str("<string>x</string>");
        xml.push_str(&"</array>".repeat(levels));
        xml.push_str("</dict></plist>");
        xml.into_bytes()
    }

    /// A binary plist (bplist00) of `levels` nested one-element arrays
    /// around an empty dictionary: object `i` is an array holding object
    /// `i + 1`, 2-byte object references.
    fn nested_binary(levels: usize) -> Vec<u8> {
        let mut out = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        for i in 0..levels {
            offsets.push(out.len() as u64);
            out.push(0xa1);
            out.extend_from_slice(&(i as u16 + 1).to_be_bytes());
        }
        offsets.push(out.len() as u64);
        out.push(0xd0);
        let table = out.len() as u64;
        for o in &offsets {
            out.extend_from_slice(&(*o as u32).to_be_bytes());
        }
        out.extend_from_slice(&[0; 6]);
        out.extend_from_slice(&[4, 2]); // offset size, reference size
        out.extend_from_slice(&(offsets.len() as u64).to_be_bytes());
        out.extend_from_slice(&0u64.to_be_bytes()); // top object
        out.extend_from_slice(&table.to_be_bytes());
        out
    }

    #[test]
    fn plists_within_the_bound_are_read() {
        let d = parse_plist(&nested_xml(MAX_PLIST_DEPTH - 1)).unwrap();
        assert!(d.get("k").is_some());
        let v = plist::Value::from_reader(std::io::Cursor::new(nested_binary(3))).unwrap();
        assert!(v.as_array().is_some());
        let e = parse_plist(&nested_xml(MAX_PLIST_DEPTH)).unwrap_err();
        assert!(matches!(e, ReadError::PlistTooDeep));
        assert_eq!(
            e.to_string(),
            format!("property list nested deeper than {MAX_PLIST_DEPTH} levels")
        );
        let e = parse_plist(b"<plist><dict>").unwrap_err();
        assert!(matches!(e, ReadError::NotAPlist(_)));
        assert!(e.to_string().starts_with("not a property list"));
    }

    /// 100 times the bound, XML and binary, on a stack far smaller than a
    /// worker's: an error, not an abort.
    #[test]
    fn nesting_past_the_bound_is_an_error_on_a_small_stack() {
        for hostile in [
            nested_xml(MAX_PLIST_DEPTH * 100),
            nested_binary(MAX_PLIST_DEPTH * 100),
        ] {
            let result = crate::isolate::on_small_stack(move || parse_plist(&hostile).map(|_| ()));
            assert!(matches!(result, Err(ReadError::PlistTooDeep)));
        }
    }
}
