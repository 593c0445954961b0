//! VS_VERSIONINFO: every string table, the Translation list and the fixed
//! file version, read with bounds checks from the RT_VERSION resource.
//!
//! Why by hand: goblin 0.10 exposes only the *first* string table's twelve
//! fixed keys (a file localised for several languages has one table per
//! language, and the company may be named only in one of them) and builds
//! `VsFixedFileInfo::file_version()` from the file *date* fields. pelite
//! reads every table, but on hostile headers (an odd SizeOfOptionalHeader)
//! it forms misaligned references in `unsafe` code, which our mutation test
//! hit; sovscan reads untrusted files. The format is small: a tree of
//! `{wLength, wValueLength, wType, szKey, Value, Children}` nodes, 32-bit
//! aligned (<https://learn.microsoft.com/en-us/windows/win32/menurc/vs-versioninfo>).
//! goblin still maps the resource directory's RVAs to file offsets.

use super::ReadError;
use crate::formats::bytes::{le16, le32};
use goblin::pe::PE;
use goblin::pe::optional_header::OptionalHeader;
use goblin::pe::options::ParseOptions;
use goblin::pe::section_table::SectionTable;
use std::borrow::Cow;
use std::cell::Cell;

const RT_VERSION: u32 = 16;
const FIXED_SIGNATURE: u32 = 0xfeef_04bd;
/// Bound on nodes visited: a corrupt tree must not spin.
const MAX_NODES: usize = 4096;

/// What a version resource says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Version {
    /// `a.b.c.d` from VS_FIXEDFILEINFO's dwFileVersionMS/LS.
    pub fixed_file_version: Option<String>,
    /// (lang_id, codepage) pairs from VarFileInfo\Translation, in order.
    pub translations: Vec<(u16, u16)>,
    /// String tables: (key such as `040904B0`, [(name, value)]), file order.
    pub tables: Vec<(String, Vec<(String, String)>)>,
}

/// The RT_VERSION resource's bytes, if the file has one.
pub fn resource<'a>(
    data: &'a [u8],
    pe: &PE,
    opts: &ParseOptions,
) -> Result<Option<&'a [u8]>, ReadError> {
    let Some(opt) = pe.header.optional_header.as_ref() else {
        return Ok(None);
    };
    let Some((start, size)) = locate(data, opt, &pe.sections, opts)? else {
        return Ok(None);
    };
    let start = usize::try_from(start).unwrap_or(usize::MAX);
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    data.get(start..start.saturating_add(size))
        .map(Some)
        .ok_or(ReadError::truncated(
            "RT_VERSION data lies past the end of the file",
        ))
}

/// Where the RT_VERSION resource lies in the file (offset, size), if the
/// file has one: the resource tree walked from the resource directory,
/// type RT_VERSION → first name (normally 1) → first language. Also what
/// [`pe_parts`](super::pe_parts) reads, so both walk the same tree.
pub fn locate(
    data: &[u8],
    opt: &OptionalHeader,
    sections: &[SectionTable],
    opts: &ParseOptions,
) -> Result<Option<(u64, u64)>, ReadError> {
    let Some(dir) = opt.data_directories.get_resource_table() else {
        return Ok(None);
    };
    if dir.virtual_address == 0 || dir.size == 0 {
        return Ok(None);
    }
    let align = opt.windows_fields.file_alignment;
    let map = |rva: u32| {
        goblin::pe::utils::find_offset(rva as usize, sections, align, opts)
            .ok_or_else(|| ReadError::malformed(format!("resource RVA {rva:#x} is in no section")))
    };
    let base = map(dir.virtual_address)?;
    let rsrc = data.get(base..).ok_or(PAST_END)?;
    let Some(by_name) = find_entry(rsrc, 0, Some(RT_VERSION))? else {
        return Ok(None);
    };
    let by_lang = subdir(rsrc, by_name)?;
    let Some(lang) = find_entry(rsrc, by_lang, None)? else {
        return Ok(None);
    };
    let leaf = subdir(rsrc, lang)?;
    let Some(lang_entry) = find_entry(rsrc, leaf, None)? else {
        return Ok(None);
    };
    if lang_entry & 0x8000_0000 != 0 {
        return Err(ReadError::malformed(
            "resource tree deeper than type/name/language",
        ));
    }
    let entry = lang_entry as usize;
    let rva = le32(rsrc, entry).ok_or(PAST_END)?;
    let size = le32(rsrc, entry + 4).ok_or(PAST_END)?;
    Ok(Some((map(rva)? as u64, u64::from(size))))
}

/// In the directory at `dir`, the entry with `id` (or the first entry):
/// its offset-to-data field.
fn find_entry(rsrc: &[u8], dir: usize, id: Option<u32>) -> Result<Option<u32>, ReadError> {
    let named = le16(rsrc, dir + 12).ok_or(PAST_END)? as usize;
    let ids = le16(rsrc, dir + 14).ok_or(PAST_END)? as usize;
    for i in 0..named + ids {
        let e = dir + 16 + 8 * i;
        let name = le32(rsrc, e).ok_or(PAST_END)?;
        let target = le32(rsrc, e + 4).ok_or(PAST_END)?;
        match id {
            None => return Ok(Some(target)),
            Some(want) if name & 0x8000_0000 == 0 && name == want => return Ok(Some(target)),
            _ => {}
        }
    }
    Ok(None)
}

fn subdir(rsrc: &[u8], target: u32) -> Result<usize, ReadError> {
    if target & 0x8000_0000 == 0 {
        return Err(ReadError::malformed(
            "resource directory entry is data where a directory belongs",
        ));
    }
    let off = (target & 0x7fff_ffff) as usize;
    if off + 16 > rsrc.len() {
        return Err(PAST_END);
    }
    Ok(off)
}

const PAST_END: ReadError = ReadError::Truncated(Cow::Borrowed(
    "resource directory lies past the end of the file",
));
const TRUNCATED_NODE: ReadError = ReadError::Truncated(Cow::Borrowed("truncated version node"));

/// One node of the tree.
struct Node<'a> {
    key: String,
    /// The value as stored (wValueLength words of text or bytes of binary).
    value: &'a [u8],
    /// Everything after the key's padding up to the node's end, for text
    /// values whose wValueLength lies (some compilers count bytes).
    rest: &'a [u8],
    children: &'a [u8],
}

/// Splits `buf` into the node at its start and what follows it (32-bit
/// aligned).
fn node(buf: &[u8]) -> Result<(Node<'_>, &[u8]), ReadError> {
    let len = le16(buf, 0).ok_or(TRUNCATED_NODE)? as usize;
    let value_len = le16(buf, 2).ok_or(TRUNCATED_NODE)? as usize;
    let text = le16(buf, 4).ok_or(TRUNCATED_NODE)? == 1;
    if len < 6 || len > buf.len() {
        return Err(ReadError::truncated(format!(
            "version node of {len} bytes where {} remain",
            buf.len()
        )));
    }
    let body = &buf[..len];
    let mut i = 6;
    let mut key = Vec::new();
    loop {
        let w = le16(body, i).ok_or(ReadError::truncated("version node key runs past its node"))?;
        i += 2;
        if w == 0 {
            break;
        }
        key.push(w);
    }
    i = align4(i).min(len);
    let rest = &body[i..];
    let value_bytes = if text { value_len * 2 } else { value_len };
    let value = &rest[..value_bytes.min(rest.len())];
    let children = &body[align4(i + value.len()).min(len)..];
    let next = &buf[align4(len).min(buf.len())..];
    Ok((
        Node {
            key: String::from_utf16_lossy(&key),
            value,
            rest,
            children,
        },
        next,
    ))
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// The nodes in a children area; `budget` bounds the nodes of the whole tree.
fn each<'a>(
    mut buf: &'a [u8],
    budget: &Cell<usize>,
    mut f: impl FnMut(Node<'a>) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    // Trailing padding shorter than a node header is not a node.
    while buf.len() >= 6 {
        if budget.get() == 0 {
            return Err(ReadError::malformed("too many version nodes"));
        }
        budget.set(budget.get() - 1);
        let (n, next) = node(buf)?;
        f(n)?;
        buf = next;
    }
    Ok(())
}

/// UTF-16LE text up to the first NUL.
fn text(b: &[u8]) -> String {
    let words: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&w| w != 0)
        .collect();
    String::from_utf16_lossy(&words)
}

/// Parses an RT_VERSION resource.
pub fn parse(res: &[u8]) -> Result<Version, ReadError> {
    let (root, _) = node(res)?;
    if root.key != "VS_VERSION_INFO" {
        return Err(ReadError::malformed(format!(
            "version resource key is {:?}",
            root.key
        )));
    }
    let mut out = Version::default();
    if root.value.len() >= 52 && le32(root.value, 0) == Some(FIXED_SIGNATURE) {
        let ms = le32(root.value, 8).ok_or(PAST_END)?;
        let ls = le32(root.value, 12).ok_or(PAST_END)?;
        out.fixed_file_version = Some(format!(
            "{}.{}.{}.{}",
            ms >> 16,
            ms & 0xffff,
            ls >> 16,
            ls & 0xffff
        ));
    }
    let budget = Cell::new(MAX_NODES);
    let mut tables = Vec::new();
    let mut translations = Vec::new();
    each(root.children, &budget, |info| {
        match info.key.as_str() {
            "StringFileInfo" => each(info.children, &budget, |table| {
                let mut strings = Vec::new();
                each(table.children, &budget, |s| {
                    strings.push((s.key, text(s.rest)));
                    Ok(())
                })?;
                tables.push((table.key.to_ascii_uppercase(), strings));
                Ok(())
            })?,
            "VarFileInfo" => each(info.children, &budget, |var| {
                if var.key == "Translation" {
                    for pair in var.value.chunks_exact(4) {
                        translations.push((
                            u16::from_le_bytes([pair[0], pair[1]]),
                            u16::from_le_bytes([pair[2], pair[3]]),
                        ));
                    }
                }
                Ok(())
            })?,
            _ => {}
        }
        Ok(())
    })?;
    out.tables = tables;
    out.translations = translations;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a node: key, value (text when `text`), children.
    fn n(key: &str, value: &[u8], text: bool, children: &[Vec<u8>]) -> Vec<u8> {
        let mut b = vec![0u8; 6];
        for w in key.encode_utf16().chain([0]) {
            b.extend(w.to_le_bytes());
        }
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
        b.extend(value);
        for c in children {
            while !b.len().is_multiple_of(4) {
                b.push(0);
            }
            b.extend(c);
        }
        let len = b.len() as u16;
        let vlen = if text { value.len() / 2 } else { value.len() } as u16;
        b[0..2].copy_from_slice(&len.to_le_bytes());
        b[2..4].copy_from_slice(&vlen.to_le_bytes());
        b[4..6].copy_from_slice(&(text as u16).to_le_bytes());
        b
    }

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    #[test]
    fn reads_tables_translations_and_the_fixed_version() {
        let mut fixed = vec![0u8; 52];
        fixed[0..4].copy_from_slice(&FIXED_SIGNATURE.to_le_bytes());
        fixed[8..12].copy_from_slice(&((10u32 << 16) | 2).to_le_bytes());
        fixed[12..16].copy_from_slice(&((19041u32 << 16) | 5072).to_le_bytes());
        // goblin would read these date fields as the version.
        fixed[44..52].fill(0x11);
        let res = n(
            "VS_VERSION_INFO",
            &fixed,
            false,
            &[
                n(
                    "StringFileInfo",
                    &[],
                    true,
                    &[
                        n(
                            "040704b0",
                            &[],
                            true,
                            &[n("CompanyName", &utf16z("Beispiel AG"), true, &[])],
                        ),
                        n(
                            "040904B0",
                            &[],
                            true,
                            &[n("CompanyName", &utf16z("Example Inc."), true, &[])],
                        ),
                    ],
                ),
                n(
                    "VarFileInfo",
                    &[],
                    true,
                    &[n("Translation", &[7, 4, 0xb0, 4], false, &[])],
                ),
            ],
        );
        let v = parse(&res).unwrap();
        assert_eq!(v.fixed_file_version.as_deref(), Some("10.2.19041.5072"));
        assert_eq!(v.translations, [(0x0407, 0x04b0)]);
        assert_eq!(v.tables.len(), 2);
        assert_eq!(v.tables[0].0, "040704B0");
        assert_eq!(
            v.tables[0].1,
            [("CompanyName".into(), "Beispiel AG".into())]
        );
        assert_eq!(v.tables[1].1[0].1, "Example Inc.");
    }

    #[test]
    fn corrupt_trees_are_errors_not_panics() {
        let good = n(
            "VS_VERSION_INFO",
            &[],
            false,
            &[n(
                "StringFileInfo",
                &[],
                true,
                &[n("040904B0", &[], true, &[n("A", &utf16z("b"), true, &[])])],
            )],
        );
        assert!(parse(&good).is_ok());
        for cut in 0..good.len() {
            let _ = parse(&good[..cut]);
        }
        for i in 0..good.len() {
            for v in [0, 1, 0x7f, 0xff] {
                let mut b = good.clone();
                b[i] = v;
                let _ = parse(&b);
            }
        }
        assert!(parse(b"").is_err());
        assert!(parse(&[0xff, 0xff, 0, 0, 0, 0]).is_err());
    }
}
