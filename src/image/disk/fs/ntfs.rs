//! NTFS through the `ntfs` crate (MIT OR Apache-2.0): boot sector, MFT
//! records with their fixups, attribute lists, directory indexes, data
//! runs, resident and sparse data.
//!
//! The crate takes a `Read + Seek` per call and keeps no reader, so one
//! [`Ntfs`] is shared by every worker and each call makes its own
//! [`Cursor`] over the partition. A file is read by reopening its MFT
//! record on each read and seeking in its `$DATA` value (the crate walks
//! the data runs): nothing is read ahead. The crate does not decompress
//! LZNT1 nor decrypt EFS, so compressed and encrypted files are
//! [`Unsupported`](super::FsErrorKind::Unsupported) errors, never garbage.
//! Reparse points (`$REPARSE_POINT`, parsed here: a tag and the
//! documented symlink, junction and WSL-link layouts) are links with
//! their target.

use super::budget::Budgeted;
use super::{
    DirEntry, DiskFs, FsError, Kind, MAX_DIR_ENTRIES, MAX_LINK_TARGET, MAX_ZONE_IDENTIFIER, NodeId,
    Result, guarded,
};
use crate::image::disk::ReadAt;
use ntfs::structured_values::{NtfsFileName, NtfsFileNamespace};
use ntfs::{Ntfs, NtfsAttributeFlags, NtfsAttributeType, NtfsFile, NtfsReadSeek};
use std::io::{self, SeekFrom};
use std::sync::Arc;

type Src = Budgeted;

/// What one call may read: a listing (its index records, once each; a
/// directory of 100,000 names is about 30 MiB), or a record with its
/// attribute list and small values.
const LIST_BUDGET: u64 = 256 << 20;
const RECORD_BUDGET: u64 = 16 << 20;

const ROOT_RECORD: u64 = 5;
/// Records 0–23 are NTFS's own metadata files ($MFT … $Extend).
const FIRST_USER_RECORD: u64 = 24;
const TAG_MOUNT_POINT: u32 = 0xA000_0003;
const TAG_SYMLINK: u32 = 0xA000_000C;
const TAG_LX_SYMLINK: u32 = 0xA000_001D;

struct Inner {
    src: Arc<dyn ReadAt>,
    ntfs: Ntfs,
}

/// An NTFS volume in a partition.
pub struct NtfsFs {
    inner: Arc<Inner>,
}

fn record(n: u64) -> String {
    format!("MFT record {n}")
}

/// What a record holds that a listing reports.
struct Facts {
    kind: Kind,
    size: u64,
    links: u16,
    zone: Option<Vec<u8>>,
}

impl Inner {
    fn cursor(&self, budget: u64) -> Src {
        Budgeted::new(self.src.clone(), budget)
    }

    fn file<'n>(&'n self, c: &mut Src, n: u64) -> Result<NtfsFile<'n>> {
        self.ntfs
            .file(c, n)
            .map_err(|e| FsError::corrupt(record(n), e))
    }

    /// The record's kind, size, link count and `Zone.Identifier`.
    fn facts(&self, n: u64) -> Result<Facts> {
        let mut c = self.cursor(RECORD_BUDGET);
        let file = self.file(&mut c, n)?;
        let err = |e: ntfs::NtfsError| FsError::corrupt(record(n), e);
        let mut kind = if file.is_directory() {
            Kind::Dir
        } else {
            Kind::File
        };
        let mut size = 0;
        let mut zone = None;
        let mut attrs = file.attributes();
        while let Some(item) = attrs.next(&mut c) {
            let item = item.map_err(err)?;
            let attr = item.to_attribute().map_err(err)?;
            match attr.ty().map_err(err)? {
                NtfsAttributeType::ReparsePoint => {
                    let target = reparse_target(&self.value_bytes(&mut c, n, &attr)?);
                    kind = if target.is_some() {
                        Kind::Symlink
                    } else {
                        Kind::Other
                    };
                    size = target.map_or(0, |t| t.len() as u64);
                    // A reparse point's data streams are not followed.
                    break;
                }
                NtfsAttributeType::Data => {
                    let name = attr.name().map_err(err)?;
                    if name.is_empty() {
                        size = attr.value_length();
                    } else if name.to_string_lossy() == "Zone.Identifier" {
                        zone = Some(self.value_bytes(&mut c, n, &attr)?);
                    }
                }
                _ => {}
            }
        }
        if kind == Kind::Dir {
            size = 0;
        }
        Ok(Facts {
            kind,
            size,
            links: file.hard_link_count(),
            zone,
        })
    }

    /// A small attribute's value (at most [`MAX_LINK_TARGET`] bytes).
    fn value_bytes(&self, c: &mut Src, n: u64, attr: &ntfs::NtfsAttribute) -> Result<Vec<u8>> {
        let err = |e: ntfs::NtfsError| FsError::corrupt(record(n), e);
        let len = attr
            .value_length()
            .min(MAX_LINK_TARGET.max(MAX_ZONE_IDENTIFIER));
        let mut value = attr.value(c).map_err(err)?;
        let mut buf = vec![0u8; len as usize];
        value.read_exact(c, &mut buf).map_err(err)?;
        Ok(buf)
    }

    fn list(&self, dir: u64) -> Result<Vec<DirEntry>> {
        let mut c = self.cursor(LIST_BUDGET);
        let file = self.file(&mut c, dir)?;
        let err =
            |e: ntfs::NtfsError| FsError::corrupt(format!("{}: directory index", record(dir)), e);
        let index = file.directory_index(&mut c).map_err(err)?;
        let mut entries = index.entries();
        let mut names: Vec<(String, u64)> = Vec::new();
        // A valid index holds each (name, record) once: a repeat is a loop
        // of index nodes, which the crate would follow for ever.
        let mut once = std::collections::HashSet::new();
        while let Some(entry) = entries.next(&mut c) {
            let entry = entry.map_err(err)?;
            let Some(key) = entry.key() else { continue };
            let key: NtfsFileName = key.map_err(err)?;
            // The 8.3 alias of a long name is the same file again.
            if key.namespace() == NtfsFileNamespace::Dos {
                continue;
            }
            let n = entry.file_reference().file_record_number();
            if dir == ROOT_RECORD && n < FIRST_USER_RECORD {
                continue;
            }
            if names.len() >= MAX_DIR_ENTRIES {
                return Err(FsError::corrupt(record(dir), "too many directory entries"));
            }
            let name = key.name().to_string_lossy();
            if !once.insert((name.clone(), n)) {
                return Err(FsError::corrupt(
                    format!("{}: directory index", record(dir)),
                    "an entry seen twice (the index loops)",
                ));
            }
            names.push((name, n));
        }
        names
            .into_iter()
            .map(|(name, n)| {
                let f = match self.facts(n) {
                    Ok(f) => f,
                    Err(e) => return Ok(super::damaged(name.into_bytes(), n, &e)),
                };
                Ok(DirEntry {
                    name: name.into_bytes(),
                    kind: f.kind,
                    size: f.size,
                    node: NodeId(n),
                    perm: super::default_perm(f.kind),
                    links: u32::from(f.links),
                    file_id: n,
                    zone_identifier: f.zone,
                    damage: None,
                })
            })
            .collect()
    }

    fn read_link(&self, n: u64) -> Result<Vec<u8>> {
        let mut c = self.cursor(RECORD_BUDGET);
        let file = self.file(&mut c, n)?;
        let err = |e: ntfs::NtfsError| FsError::corrupt(record(n), e);
        let mut attrs = file.attributes();
        while let Some(item) = attrs.next(&mut c) {
            let item = item.map_err(err)?;
            let attr = item.to_attribute().map_err(err)?;
            if attr.ty().map_err(err)? == NtfsAttributeType::ReparsePoint {
                return reparse_target(&self.value_bytes(&mut c, n, &attr)?).ok_or_else(|| {
                    FsError::unsupported(record(n), "reparse point without a target")
                });
            }
        }
        Err(FsError::not_found(record(n), "not a reparse point"))
    }
}

/// The target of a symlink, junction or WSL-link reparse point (the
/// documented `REPARSE_DATA_BUFFER` layouts), with `\` as `/` and a
/// `\??\C:` prefix cut, so an absolute target is from the volume root.
fn reparse_target(data: &[u8]) -> Option<Vec<u8>> {
    let u16_at = |at: usize| {
        data.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let tag = u32::from_le_bytes(data.get(0..4)?.try_into().ok()?);
    let (header, path_at) = match tag {
        TAG_SYMLINK => (8, 20),
        TAG_MOUNT_POINT => (8, 16),
        TAG_LX_SYMLINK => {
            // Version 2, then the target in UTF-8.
            let target = data.get(12..)?;
            return Some(target.to_vec());
        }
        _ => return None,
    };
    let (sub_off, sub_len) = (u16_at(header)?, u16_at(header + 2)?);
    let (print_off, print_len) = (u16_at(header + 4)?, u16_at(header + 6)?);
    let utf16 = |off: usize, len: usize| -> Option<String> {
        let bytes = data.get(path_at + off..path_at + off + len)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    };
    let mut target = utf16(sub_off, sub_len).filter(|s| !s.is_empty());
    if target.is_none() {
        target = utf16(print_off, print_len);
    }
    let mut t = target?.replace('\\', "/");
    if let Some(rest) = t.strip_prefix("/??/") {
        t = rest.to_owned();
    }
    let b = t.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        t = t[2..].to_owned();
        if t.is_empty() {
            t = "/".into();
        }
    }
    Some(t.into_bytes())
}

impl NtfsFs {
    /// Reads the boot sector and the `$MFT` record (the crate checks
    /// both), and the root directory's record.
    pub fn new(src: Arc<dyn ReadAt>) -> Result<Self> {
        guarded("NTFS boot sector", || {
            let mut c = Budgeted::new(src.clone(), RECORD_BUDGET);
            // The $UpCase table (128 KiB) is not read: nothing here
            // compares names through the crate (`Zone.Identifier` is
            // matched as Windows writes it).
            let ntfs = Ntfs::new(&mut c).map_err(|e| FsError::corrupt("NTFS boot sector", e))?;
            let inner = Inner { src, ntfs };
            inner.file(&mut c, ROOT_RECORD)?;
            Ok(Self {
                inner: Arc::new(inner),
            })
        })
    }
}

/// A file's unnamed `$DATA`, read through the crate on each call.
struct NtfsData {
    inner: Arc<Inner>,
    record: u64,
    size: u64,
}

impl NtfsData {
    fn read(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let n = self.record;
        let err = |e: ntfs::NtfsError| FsError::corrupt(record(n), e);
        let mut c = self
            .inner
            .cursor(RECORD_BUDGET.saturating_add(buf.len() as u64));
        let file = self.inner.file(&mut c, n)?;
        let item = file
            .data(&mut c, "")
            .ok_or_else(|| FsError::not_found(record(n), "no data stream"))?
            .map_err(err)?;
        let attr = item.to_attribute().map_err(err)?;
        let mut value = attr.value(&mut c).map_err(err)?;
        value.seek(&mut c, SeekFrom::Start(offset)).map_err(err)?;
        let want = buf.len().min(self.size.saturating_sub(offset) as usize);
        let mut done = 0;
        while done < want {
            let got = value.read(&mut c, &mut buf[done..want]).map_err(err)?;
            if got == 0 {
                break;
            }
            done += got;
        }
        if done < want {
            return Err(FsError::corrupt(
                record(n),
                "the data runs end before the file's size",
            ));
        }
        Ok(done)
    }
}

impl ReadAt for NtfsData {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        if offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
        guarded(&record(self.record), || self.read(buf, offset))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn size(&self) -> u64 {
        self.size
    }
}

impl DiskFs for NtfsFs {
    fn name(&self) -> &'static str {
        "ntfs"
    }

    fn root(&self) -> NodeId {
        NodeId(ROOT_RECORD)
    }

    fn list(&self, dir: NodeId) -> Result<Vec<DirEntry>> {
        guarded(&record(dir.0), || self.inner.list(dir.0))
    }

    fn open(&self, node: NodeId) -> Result<Box<dyn ReadAt>> {
        let n = node.0;
        guarded(&record(n), || {
            let mut c = self.inner.cursor(RECORD_BUDGET);
            let file = self.inner.file(&mut c, n)?;
            if file.is_directory() {
                return Err(FsError::not_found(record(n), "a directory, not a file"));
            }
            let size = self.inner.data_size(&mut c, &file, n)?;
            Ok(Box::new(NtfsData {
                inner: self.inner.clone(),
                record: n,
                size,
            }) as Box<dyn ReadAt>)
        })
    }

    fn read_link(&self, node: NodeId) -> Result<Vec<u8>> {
        guarded(&record(node.0), || self.inner.read_link(node.0))
    }

    fn case_insensitive(&self) -> bool {
        true
    }
}

impl Inner {
    /// The unnamed `$DATA` length, after refusing what the crate can't
    /// read (compressed, encrypted).
    fn data_size(&self, c: &mut Src, file: &NtfsFile<'_>, n: u64) -> Result<u64> {
        let err = |e: ntfs::NtfsError| FsError::corrupt(record(n), e);
        let item = file
            .data(c, "")
            .ok_or_else(|| FsError::not_found(record(n), "no data stream"))?
            .map_err(err)?;
        let attr = item.to_attribute().map_err(err)?;
        let flags = attr.flags();
        if flags.contains(NtfsAttributeFlags::COMPRESSED) {
            return Err(FsError::unsupported(
                record(n),
                "LZNT1-compressed data (the ntfs crate does not decompress it)",
            ));
        }
        if flags.contains(NtfsAttributeFlags::ENCRYPTED) {
            return Err(FsError::unsupported(record(n), "EFS-encrypted data"));
        }
        Ok(attr.value_length())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `REPARSE_DATA_BUFFER` as Windows writes it: tag, length, then
    /// the substitute and print names' offsets and lengths, (flags for a
    /// symlink), and the UTF-16 path buffer.
    fn reparse(tag: u32, substitute: &str, print: &str) -> Vec<u8> {
        let sub: Vec<u8> = substitute
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let pr: Vec<u8> = print.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut b = tag.to_le_bytes().to_vec();
        b.extend_from_slice(&[0; 4]);
        for v in [0, sub.len(), sub.len(), pr.len()] {
            b.extend_from_slice(&(v as u16).to_le_bytes());
        }
        if tag == TAG_SYMLINK {
            b.extend_from_slice(&1u32.to_le_bytes());
        }
        b.extend_from_slice(&sub);
        b.extend_from_slice(&pr);
        b
    }

    #[test]
    fn reparse_targets_are_paths_in_the_volume() {
        let t = |b: &[u8]| reparse_target(b).map(|t| String::from_utf8(t).unwrap());
        let junction = reparse(TAG_MOUNT_POINT, r"\??\C:\ProgramData", r"C:\ProgramData");
        assert_eq!(t(&junction).as_deref(), Some("/ProgramData"));
        let rel = reparse(TAG_SYMLINK, r"..\lib\app.dll", r"..\lib\app.dll");
        assert_eq!(t(&rel).as_deref(), Some("../lib/app.dll"));
        let root = reparse(TAG_SYMLINK, r"\??\D:", "");
        assert_eq!(t(&root).as_deref(), Some("/"));
        // No substitute name: the print name.
        let print = reparse(TAG_SYMLINK, "", r"C:\Users");
        assert_eq!(t(&print).as_deref(), Some("/Users"));
        let mut lx = TAG_LX_SYMLINK.to_le_bytes().to_vec();
        lx.extend_from_slice(&[0, 0, 0, 0, 2, 0, 0, 0]);
        lx.extend_from_slice(b"/usr/bin/env");
        assert_eq!(t(&lx).as_deref(), Some("/usr/bin/env"));
        // A deduplicated file (no target) and cut buffers.
        assert_eq!(t(&0x8000_0013u32.to_le_bytes()), None);
        assert_eq!(t(&junction[..10]), None);
        assert_eq!(t(&junction[..20]), None);
        assert_eq!(t(&[]), None);
    }
}
