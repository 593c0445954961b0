//! A reader of Windows registry hive files (regf), for offline images.
//!
//! Written by hand because no crate fits: `nt-hive` is GPL-2.0 (not
//! allowed in the shipped binary), and the permissively licensed readers
//! either pull in a forensic framework (log replay, carving, Python
//! bindings) or give no bound on hostile input. sovscan needs one thing:
//! walk a few known key paths, list their subkeys and read string and
//! number values, without ever trusting an offset.
//!
//! Format: Joachim Metz, "Windows NT Registry File (REGF) format
//! specification" (libyal/libregf, `documentation/Windows NT Registry File
//! (REGF) format.asciidoc`), and Maxim Suhanov, "Windows registry file
//! format specification" (msuhanov/regf, `Windows registry file format
//! specification.md`). Layout used here:
//!
//! - base block (4096 bytes): `regf`, primary and secondary sequence numbers
//!   (unequal = the hive was not written back cleanly: *dirty*; its
//!   transaction logs are not replayed here), root cell offset at 36, hive
//!   bins data size at 40, XOR checksum of the first 508 bytes at 508;
//! - hive bins from file offset 4096: `hbin`, its offset (relative to the
//!   first bin) at 4, its size at 8, 32-byte header, then cells;
//! - cells: a signed 32-bit size (negative = allocated) and the data; cell
//!   offsets are relative to the first hive bin;
//! - `nk` key node (flags, subkey count and list, value count and list, name
//!   with the compressed-name flag 0x0020 = Latin-1, else UTF-16LE), `vk`
//!   value (name, data size with bit 31 = data stored in the offset field,
//!   data offset, type; flag 0x0001 = Latin-1 name), subkey lists `lf`/`lh`
//!   (offset + 4-byte hint), `li` (offsets), `ri` (offsets of other lists),
//!   and `db` big data (value data over 16344 bytes, in segments).
//!
//! Hostile input: every offset is checked against the hive bins that passed
//! validation, cells never extend past their bin, every list is bounded by
//! its cell size, `ri` lists nest at most once (as Windows writes them) and
//! the lists seen are remembered, so a cycle or a billion-entry count ends
//! in an error, never in a hang or an allocation the file can't back.

#[cfg(test)]
pub(crate) mod writer;

use crate::formats::bytes::{le16, le32};
use std::collections::HashSet;

/// Value types (winnt.h `REG_*`).
pub const REG_SZ: u32 = 1;
pub const REG_EXPAND_SZ: u32 = 2;
pub const REG_DWORD: u32 = 4;
pub const REG_DWORD_BIG_ENDIAN: u32 = 5;
pub const REG_MULTI_SZ: u32 = 7;
pub const REG_QWORD: u32 = 11;

const BASE_BLOCK: usize = 4096;
const HBIN_HEADER: usize = 32;
/// Data larger than this is stored in a `db` record (hive format 1.4+).
const BIG_DATA_SEGMENT: usize = 16344;
/// The most subkeys or values one key may list (a sanity bound: real hives
/// stay far below; the cell size bounds it further).
const MAX_LIST: usize = 1 << 20;

/// A problem with a hive, in one line.
pub type Error = String;

/// An opened hive. The bytes stay with the caller.
pub struct Hive<'a> {
    data: &'a [u8],
    /// The hive-bins area (file bytes from 4096), cut at the end of the last
    /// valid bin.
    bins: &'a [u8],
    /// Valid bins: (start, end) relative to `bins`, sorted.
    valid: Vec<(usize, usize)>,
    root: u32,
    /// Doubts about the whole file (dirty, truncated, a corrupt bin): the
    /// hive is still read.
    pub warnings: Vec<String>,
}

/// A key node.
#[derive(Clone)]
pub struct Key<'h, 'a> {
    hive: &'h Hive<'a>,
    /// Cell offset of the `nk` record.
    offset: u32,
    pub name: String,
}

/// A value of a key.
pub struct Value {
    pub name: String,
    pub kind: u32,
    pub data: Vec<u8>,
}

impl<'a> Hive<'a> {
    /// Checks the base block and the hive bins. Fails when the file is not
    /// a hive or its root key is unreachable; other damage becomes a warning
    /// and the keys in damaged bins become errors when they are read.
    pub fn open(data: &'a [u8]) -> Result<Self, Error> {
        if data.len() < BASE_BLOCK {
            return Err(format!(
                "not a registry hive: {} bytes, shorter than its 4096-byte header",
                data.len()
            ));
        }
        if &data[..4] != b"regf" {
            return Err("not a registry hive (no `regf` signature)".into());
        }
        let mut warnings = Vec::new();
        let seq1 = le32(data, 4).unwrap_or(0);
        let seq2 = le32(data, 8).unwrap_or(0);
        if seq1 != seq2 {
            warnings.push(format!(
                "dirty hive (sequence numbers {seq1} and {seq2} differ): it was not written back cleanly and its transaction logs are not replayed, so recent changes may be missing"
            ));
        }
        let checksum = (0..127).fold(0u32, |acc, i| acc ^ le32(data, i * 4).unwrap_or(0));
        if checksum != le32(data, 508).unwrap_or(0) {
            warnings.push("header checksum does not match".into());
        }
        let root = le32(data, 36).unwrap_or(u32::MAX);
        let declared = le32(data, 40).unwrap_or(0) as usize;
        let avail = data.len() - BASE_BLOCK;
        if declared > avail {
            warnings.push(format!(
                "truncated: the header declares {declared} bytes of hive bins, the file has {avail}"
            ));
        }
        let limit = if declared == 0 {
            avail
        } else {
            declared.min(avail)
        };
        let bins = &data[BASE_BLOCK..BASE_BLOCK + limit];
        // Walk the bins. A bin with a bad header or size stops the walk
        // where it is; bins after it are found by scanning for the next
        // `hbin` signature at a 4096-byte boundary whose offset field
        // agrees with where it sits.
        let mut valid = Vec::new();
        let mut at = 0usize;
        let mut bad = 0usize;
        let mut in_bad = false;
        while at + HBIN_HEADER <= bins.len() {
            let sig_ok = &bins[at..at + 4] == b"hbin";
            let off_ok = le32(bins, at + 4) == Some(at as u32);
            let size = le32(bins, at + 8).unwrap_or(0) as usize;
            let size_ok = size >= 4096 && size.is_multiple_of(4096);
            if sig_ok && off_ok && size_ok {
                let end = at + size;
                if end > bins.len() {
                    warnings.push(format!(
                        "hive bin at offset {at:#x} runs past the end of the file ({size} bytes declared)"
                    ));
                    valid.push((at, bins.len()));
                    break;
                }
                valid.push((at, end));
                in_bad = false;
                at = end;
            } else {
                // One report per run of unreadable 4096-byte blocks.
                let new_run = !in_bad;
                in_bad = true;
                if new_run {
                    bad += 1;
                }
                if new_run && bad <= 3 {
                    warnings.push(format!(
                        "hive bin at offset {at:#x} is corrupt ({}); keys stored in it are skipped",
                        if !sig_ok {
                            "no `hbin` signature"
                        } else if !off_ok {
                            "wrong offset field"
                        } else {
                            "bad size"
                        }
                    ));
                }
                at = (at / 4096 + 1) * 4096;
            }
        }
        if bad > 3 {
            warnings.push(format!("{} more corrupt hive bins", bad - 3));
        }
        if valid.is_empty() {
            return Err("no valid hive bin: the file is truncated or corrupt".into());
        }
        let hive = Hive {
            data,
            bins,
            valid,
            root,
            warnings,
        };
        if let Err(e) = hive.root() {
            // Say why the root is gone (a truncated file, a corrupt bin).
            let mut why = hive.warnings.clone();
            why.push(e);
            return Err(why.join("; "));
        }
        Ok(hive)
    }

    /// Whether the primary and secondary sequence numbers differ.
    pub fn is_dirty(&self) -> bool {
        le32(self.data, 4) != le32(self.data, 8)
    }

    /// The data of the allocated cell at `offset` (without its size field),
    /// or why it can't be read.
    fn cell(&self, offset: u32) -> Result<&'a [u8], Error> {
        let at = offset as usize;
        // The last valid bin starting at or before the offset (bins are sorted).
        let i = self.valid.partition_point(|(s, _)| *s <= at);
        let bin = i
            .checked_sub(1)
            .map(|i| &self.valid[i])
            .filter(|(s, e)| at >= s + HBIN_HEADER && at < *e)
            .ok_or_else(|| format!("cell offset {offset:#x} is outside the valid hive bins"))?;
        let raw = le32(self.bins, at).ok_or("cell header cut off")? as i32;
        if raw >= 0 {
            return Err(format!("cell at {offset:#x} is not allocated"));
        }
        let size = raw.unsigned_abs() as usize;
        if size < 8 || at + size > bin.1 {
            return Err(format!("cell at {offset:#x} has a bad size ({size})"));
        }
        Ok(&self.bins[at + 4..at + size])
    }

    /// The root key.
    pub fn root(&self) -> Result<Key<'_, 'a>, Error> {
        self.key_at(self.root)
            .map_err(|e| format!("root key unreadable: {e}"))
    }

    fn key_at(&self, offset: u32) -> Result<Key<'_, 'a>, Error> {
        let c = self.cell(offset)?;
        if c.len() < 76 || &c[..2] != b"nk" {
            return Err(format!("cell at {offset:#x} is not a key node"));
        }
        let flags = le16(c, 2).unwrap_or(0);
        let len = le16(c, 72).unwrap_or(0) as usize;
        let raw = c
            .get(76..76 + len)
            .ok_or_else(|| format!("key name at {offset:#x} runs past its cell"))?;
        Ok(Key {
            hive: self,
            offset,
            name: decode_name(raw, flags & 0x0020 != 0),
        })
    }

    /// The offsets of the keys a subkey list names, following `ri` indexes.
    fn subkey_offsets(
        &self,
        list: u32,
        depth: u32,
        seen: &mut HashSet<u32>,
        out: &mut Vec<u32>,
    ) -> Result<(), Error> {
        if !seen.insert(list) {
            return Err(format!(
                "subkey list at {list:#x} is referenced twice (a cycle)"
            ));
        }
        let c = self.cell(list)?;
        let sig = c.get(..2).ok_or("empty subkey list")?;
        let count = le16(c, 2).unwrap_or(0) as usize;
        let (step, nested) = match sig {
            b"lf" | b"lh" => (8, false),
            b"li" => (4, false),
            b"ri" => (4, true),
            _ => return Err(format!("cell at {list:#x} is not a subkey list")),
        };
        if 4 + count * step > c.len() {
            return Err(format!(
                "subkey list at {list:#x} counts {count} entries, its cell holds fewer"
            ));
        }
        for i in 0..count {
            let off = le32(c, 4 + i * step).unwrap_or(u32::MAX);
            if nested {
                if depth >= 1 {
                    return Err(format!("index list at {list:#x} nests too deep"));
                }
                self.subkey_offsets(off, depth + 1, seen, out)?;
            } else {
                if out.len() >= MAX_LIST {
                    return Err("more than a million subkeys".into());
                }
                out.push(off);
            }
        }
        Ok(())
    }
}

impl<'h, 'a> Key<'h, 'a> {
    fn record(&self) -> &'a [u8] {
        // Checked when the key was made.
        self.hive.cell(self.offset).unwrap_or(&[])
    }

    /// The subkeys, in stored order. Subkeys that can't be read are returned
    /// as errors alongside the good ones.
    pub fn subkeys(&self) -> (Vec<Key<'h, 'a>>, Vec<Error>) {
        let nk = self.record();
        let count = le32(nk, 20).unwrap_or(0);
        let list = le32(nk, 28).unwrap_or(u32::MAX);
        if count == 0 || list == u32::MAX {
            return (Vec::new(), Vec::new());
        }
        let mut offs = Vec::new();
        let mut errors = Vec::new();
        if let Err(e) = self
            .hive
            .subkey_offsets(list, 0, &mut HashSet::new(), &mut offs)
        {
            errors.push(format!("{}: {e}", self.name));
        }
        let mut keys = Vec::with_capacity(offs.len());
        let mut seen = HashSet::new();
        for off in offs {
            if off == self.offset || !seen.insert(off) {
                errors.push(format!(
                    "{}: subkey at {off:#x} is listed twice or is the key itself",
                    self.name
                ));
                continue;
            }
            match self.hive.key_at(off) {
                Ok(k) => keys.push(k),
                Err(e) => errors.push(format!("{}: {e}", self.name)),
            }
        }
        (keys, errors)
    }

    /// The subkey with this name (registry names ignore case).
    pub fn subkey(&self, name: &str) -> Result<Option<Key<'h, 'a>>, Error> {
        let (keys, errors) = self.subkeys();
        let want = name.to_lowercase();
        match keys.into_iter().find(|k| k.name.to_lowercase() == want) {
            Some(k) => Ok(Some(k)),
            None if errors.is_empty() => Ok(None),
            None => Err(errors.join("; ")),
        }
    }

    /// Follows a `\`-separated path of subkeys. `Ok(None)` when a key on the
    /// way doesn't exist.
    pub fn path(&self, path: &str) -> Result<Option<Key<'h, 'a>>, Error> {
        let mut k = self.clone();
        for part in path.split('\\').filter(|p| !p.is_empty()) {
            match k.subkey(part)? {
                Some(next) => k = next,
                None => return Ok(None),
            }
        }
        Ok(Some(k))
    }

    /// All values, in stored order, and the errors of those that couldn't
    /// be read.
    pub fn values(&self) -> (Vec<Value>, Vec<Error>) {
        let nk = self.record();
        let count = le32(nk, 36).unwrap_or(0) as usize;
        let list = le32(nk, 40).unwrap_or(u32::MAX);
        let mut out = Vec::new();
        let mut errors = Vec::new();
        if count == 0 || list == u32::MAX {
            return (out, errors);
        }
        let cell = match self.hive.cell(list) {
            Ok(c) => c,
            Err(e) => return (out, vec![format!("{}: value list: {e}", self.name)]),
        };
        if count > MAX_LIST || count * 4 > cell.len() {
            errors.push(format!(
                "{}: value list counts {count} values, its cell holds fewer",
                self.name
            ));
        }
        for i in 0..count.min(cell.len() / 4) {
            let off = le32(cell, i * 4).unwrap_or(u32::MAX);
            match self.value_at(off) {
                Ok(v) => out.push(v),
                Err(e) => errors.push(format!("{}: {e}", self.name)),
            }
        }
        (out, errors)
    }

    fn value_at(&self, offset: u32) -> Result<Value, Error> {
        let c = self.hive.cell(offset)?;
        if c.len() < 20 || &c[..2] != b"vk" {
            return Err(format!("cell at {offset:#x} is not a value"));
        }
        let name_len = le16(c, 2).unwrap_or(0) as usize;
        let size_raw = le32(c, 4).unwrap_or(0);
        let data_off = le32(c, 8).unwrap_or(u32::MAX);
        let kind = le32(c, 12).unwrap_or(0);
        let flags = le16(c, 16).unwrap_or(0);
        let raw_name = c
            .get(20..20 + name_len)
            .ok_or_else(|| format!("value name at {offset:#x} runs past its cell"))?;
        let name = decode_name(raw_name, flags & 0x0001 != 0);
        let data = if size_raw & 0x8000_0000 != 0 {
            // Resident: up to four bytes in the offset field itself.
            let n = (size_raw & 0x7fff_ffff).min(4) as usize;
            c[8..8 + n].to_vec()
        } else {
            self.data(data_off, size_raw as usize)
                .map_err(|e| format!("value {name:?}: {e}"))?
        };
        Ok(Value { name, kind, data })
    }

    /// Value data of `size` bytes at `offset`: a plain cell, or big data.
    fn data(&self, offset: u32, size: usize) -> Result<Vec<u8>, Error> {
        if size == 0 {
            return Ok(Vec::new());
        }
        let c = self.hive.cell(offset)?;
        if size > BIG_DATA_SEGMENT && c.len() >= 8 && &c[..2] == b"db" {
            let segments = le16(c, 2).unwrap_or(0) as usize;
            let list = self.hive.cell(le32(c, 4).unwrap_or(u32::MAX))?;
            if segments * 4 > list.len() {
                return Err("big-data segment list is cut off".into());
            }
            let mut out = Vec::with_capacity(size.min(segments * BIG_DATA_SEGMENT));
            for i in 0..segments {
                let seg = self.hive.cell(le32(list, i * 4).unwrap_or(u32::MAX))?;
                let take = seg.len().min(BIG_DATA_SEGMENT).min(size - out.len());
                out.extend_from_slice(&seg[..take]);
                if out.len() == size {
                    break;
                }
            }
            if out.len() < size {
                return Err(format!("big data holds {} of {size} bytes", out.len()));
            }
            return Ok(out);
        }
        if size > c.len() {
            return Err(format!(
                "data of {size} bytes runs past its cell ({} bytes)",
                c.len()
            ));
        }
        Ok(c[..size].to_vec())
    }

    /// A value by name (`""` is the default value), ignoring case.
    pub fn value(&self, name: &str) -> Option<Value> {
        let want = name.to_lowercase();
        self.values()
            .0
            .into_iter()
            .find(|v| v.name.to_lowercase() == want)
    }

    /// A string value (REG_SZ, REG_EXPAND_SZ, the first of a REG_MULTI_SZ),
    /// or a number as decimal text; None when absent or empty.
    pub fn string(&self, name: &str) -> Option<String> {
        self.value(name)
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    }

    /// A DWORD or QWORD value (or a string holding a number).
    pub fn number(&self, name: &str) -> Option<u64> {
        self.value(name).and_then(|v| v.as_number())
    }
}

impl Value {
    /// The value as text: strings as stored (UTF-16LE, cut at the first
    /// NUL), numbers in decimal.
    pub fn as_string(&self) -> Option<String> {
        match self.kind {
            REG_SZ | REG_EXPAND_SZ | REG_MULTI_SZ => Some(utf16z(&self.data)),
            REG_DWORD | REG_DWORD_BIG_ENDIAN | REG_QWORD => self.as_number().map(|n| n.to_string()),
            // Installers write strings with other type codes now and then.
            _ if self.data.len() >= 2 && self.data.len().is_multiple_of(2) => {
                Some(utf16z(&self.data))
            }
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<u64> {
        let d = &self.data;
        match (self.kind, d.len()) {
            (REG_DWORD, 4) => Some(u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as u64),
            (REG_DWORD_BIG_ENDIAN, 4) => Some(u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as u64),
            (REG_QWORD, 8) => Some(u64::from_le_bytes(d[..8].try_into().ok()?)),
            (REG_SZ | REG_EXPAND_SZ, _) => utf16z(d).trim().parse().ok(),
            _ => None,
        }
    }
}

/// Key and value names: Latin-1 when the compressed-name flag is set (each
/// byte is one character), else UTF-16LE.
fn decode_name(raw: &[u8], compressed: bool) -> String {
    if compressed {
        raw.iter().map(|&b| b as char).collect()
    } else {
        utf16z(raw)
    }
}

/// UTF-16LE text up to the first NUL; unpaired surrogates become U+FFFD.
fn utf16z(b: &[u8]) -> String {
    let units = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::writer::{HiveWriter, Val};
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = HiveWriter::new();
        let app = w.key(&["Software", "Vendor", "App"]);
        w.value(app, "Name", Val::Sz("Ünïcode name".into()));
        w.value(app, "Count", Val::Dword(7));
        w.value(app, "Big", Val::Binary(vec![0xab; 40_000]));
        w.value(app, "Tiny", Val::Binary(vec![1, 2]));
        w.value(app, "Quad", Val::Qword(1 << 40));
        for i in 0..600 {
            w.key(&["Software", "Many", &format!("k{i:03}")]);
        }
        w.key(&["Software", "Ключ"]);
        w.finish(1, 1)
    }

    #[test]
    fn reads_keys_values_and_big_data() {
        let bytes = sample();
        let hive = Hive::open(&bytes).unwrap();
        assert!(hive.warnings.is_empty(), "{:?}", hive.warnings);
        let root = hive.root().unwrap();
        let app = root.path("software\\VENDOR\\App").unwrap().unwrap();
        assert_eq!(app.name, "App");
        assert_eq!(app.string("name").as_deref(), Some("Ünïcode name"));
        assert_eq!(app.number("Count"), Some(7));
        assert_eq!(app.string("Count").as_deref(), Some("7"));
        assert_eq!(app.number("Quad"), Some(1 << 40));
        assert_eq!(app.value("Big").unwrap().data, vec![0xab; 40_000]);
        assert_eq!(app.value("Tiny").unwrap().data, vec![1, 2]);
        let many = root.path("Software\\Many").unwrap().unwrap();
        let (keys, errors) = many.subkeys();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(keys.len(), 600);
        assert!(root.path("Software\\ключ").unwrap().is_some());
        assert!(root.path("Software\\Missing\\X").unwrap().is_none());
    }

    #[test]
    fn dirty_and_truncated_hives_are_read_with_warnings() {
        let mut bytes = sample();
        bytes[8] ^= 1;
        let hive = Hive::open(&bytes).unwrap();
        assert!(hive.is_dirty());
        assert!(hive.warnings.iter().any(|w| w.starts_with("dirty hive")));

        let bytes = sample();
        let cut = &bytes[..bytes.len() / 2];
        match Hive::open(cut) {
            Ok(h) => assert!(h.warnings.iter().any(|w| w.contains("truncated"))),
            Err(e) => assert!(e.contains("root") || e.contains("hive bin"), "{e}"),
        }
    }

    /// The file position of the data of `Software\\Many`'s subkey list: an
    /// `ri` index over `lh` lists (the key has 600 subkeys).
    fn many_index(bytes: &[u8]) -> usize {
        let hive = Hive::open(bytes).unwrap();
        let many = hive.root().unwrap().path("Software\\Many").unwrap();
        let nk = many.unwrap().offset as usize + BASE_BLOCK + 4;
        let ri = le32(bytes, nk + 28).unwrap() as usize + BASE_BLOCK + 4;
        assert_eq!(&bytes[ri..ri + 2], b"ri");
        ri
    }

    /// The errors of listing `Software\\Many`'s subkeys.
    fn many_errors(bytes: &[u8]) -> Vec<Error> {
        let hive = Hive::open(bytes).unwrap();
        let many = hive.root().unwrap().path("Software\\Many").unwrap();
        many.unwrap().subkeys().1
    }

    #[test]
    fn hostile_offsets_and_cycles_end_in_errors() {
        assert!(Hive::open(b"regf").is_err());
        assert!(Hive::open(&[0u8; 8192]).is_err());
        // A subkey list that lists its own key and a list pointing at itself.
        let mut bytes = sample();
        let list = many_index(&bytes);
        // Point the first ri entry back at the ri list itself.
        let self_off = (list - BASE_BLOCK - 4) as u32;
        bytes[list + 4..list + 8].copy_from_slice(&self_off.to_le_bytes());
        assert!(!many_errors(&bytes).is_empty());
        // Offsets far outside the file.
        bytes[list + 4..list + 8].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
        let errors = many_errors(&bytes);
        assert!(
            errors[0].contains("outside the valid hive bins"),
            "{errors:?}"
        );
    }

    /// `ri` index lists nest once, as Windows writes them. A chain of them
    /// 100 deep (carved into the data of the sample's first `lh` list) ends
    /// in an error at the second, on a stack far smaller than a worker's.
    #[test]
    fn nested_index_lists_end_in_an_error_on_a_small_stack() {
        let mut bytes = sample();
        let ri = many_index(&bytes);
        // The first lh list holds 256 entries (2 KB): room for 100 cells of
        // 16 bytes, each an `ri` list whose one entry is the next cell.
        let lh = le32(&bytes, ri + 4).unwrap() as usize;
        let first = lh + 16;
        for i in 0..100 {
            let cell = first + i * 16;
            let at = BASE_BLOCK + cell;
            bytes[at..at + 4].copy_from_slice(&(-16i32).to_le_bytes());
            bytes[at + 4..at + 6].copy_from_slice(b"ri");
            bytes[at + 6..at + 8].copy_from_slice(&1u16.to_le_bytes());
            bytes[at + 8..at + 12].copy_from_slice(&((cell + 16) as u32).to_le_bytes());
        }
        bytes[ri + 4..ri + 8].copy_from_slice(&(first as u32).to_le_bytes());
        let errors = crate::isolate::on_small_stack(move || many_errors(&bytes));
        assert!(
            errors.iter().any(|e| e.contains("nests too deep")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_garbage_bin_loses_only_its_keys() {
        let bytes = sample();
        let hive = Hive::open(&bytes).unwrap();
        let bins = hive.valid.len();
        assert!(bins >= 3, "sample spans several bins");
        let (start, _) = hive.valid[1];
        let mut bad = bytes.clone();
        for b in &mut bad[BASE_BLOCK + start..BASE_BLOCK + start + 64] {
            *b = 0x5a;
        }
        let hive = Hive::open(&bad).unwrap();
        assert!(
            hive.warnings.iter().any(|w| w.contains("is corrupt")),
            "{:?}",
            hive.warnings
        );
        assert_eq!(hive.valid.len(), bins - 1);
        // The root is in the first bin and still readable.
        assert!(hive.root().is_ok());
    }
}
