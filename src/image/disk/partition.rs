//! Partition tables: GPT (primary header and entry array CRC-checked, the
//! backup used when the primary is bad) and MBR (four primaries, an
//! extended partition's chain of logical ones, a protective MBR sending
//! to GPT). A disk with neither is one partition. Each partition gets its
//! 1-based index (the `#p3` in `disk.vhdx#p3`: the GPT entry slot, or the
//! Linux numbering for MBR with logical partitions from 5), its extent, a
//! type name, what its magic says it holds, and a [`Slice`] to read it.

use super::guid::{self, guid};
use super::probe::{Content, probe};
use super::{DiskError, ReadAt, Slice};

/// Which table the disk has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Gpt,
    Mbr,
    /// No partition table: the whole disk is one partition (a
    /// "superfloppy", or a file system written straight to the disk).
    None,
}

/// One partition.
#[derive(Debug, Clone)]
pub struct Partition<R> {
    /// 1-based, as in `disk.vhdx#p3`.
    pub index: u32,
    /// Offset on the disk, in bytes.
    pub start: u64,
    /// Length in bytes.
    pub len: u64,
    /// "EFI system", "Microsoft basic data", "MBR type 0x83 (Linux)", ...
    pub type_name: String,
    /// The GPT partition name, if any.
    pub label: Option<String>,
    /// The file system or encryption found by magic.
    pub content: Content,
    pub slice: Slice<R>,
}

/// A disk's partitions, and what was odd about its table.
#[derive(Debug, Clone)]
pub struct Table<R> {
    pub scheme: Scheme,
    pub partitions: Vec<Partition<R>>,
    /// Findings that did not stop the reading: a bad primary GPT (backup
    /// used), a partition past the end of the disk, a looping EBR chain.
    pub notes: Vec<String>,
}

/// At most this many GPT entries are read (the standard array holds 128).
const MAX_GPT_ENTRIES: u64 = 4096;
/// At most this many logical partitions are followed in an EBR chain.
const MAX_LOGICAL: usize = 128;

/// Reads the partition table of `disk`.
pub fn read<R: ReadAt + Clone>(disk: R) -> Result<Table<R>, DiskError> {
    let mut mbr = [0u8; 512];
    let n = disk
        .read_at(&mut mbr, 0)
        .map_err(DiskError::io("partition table", "first sector"))?;
    let mut notes = Vec::new();
    let protective = n == 512 && signed(&mbr) && entries(&mbr).any(|e| e.kind == 0xEE);
    let has_gpt_sig = [512u64, 4096].iter().any(|&s| sig_at(&disk, s));
    if protective || has_gpt_sig {
        match gpt(&disk, &mut notes) {
            Ok(parts) => return Ok(finish(&disk, Scheme::Gpt, parts, notes)),
            Err(e) if protective => return Err(e),
            Err(e) => notes.push(format!("{e}; read as MBR instead")),
        }
    }
    if n == 512 && is_mbr(&mbr, &disk) {
        let parts = mbr_partitions(&disk, &mbr, &mut notes)?;
        return Ok(finish(&disk, Scheme::Mbr, parts, notes));
    }
    let whole = Raw {
        index: 1,
        start: 0,
        len: disk.size(),
        type_name: "whole disk (no partition table)".into(),
        label: None,
    };
    Ok(finish(&disk, Scheme::None, vec![whole], notes))
}

/// A partition before its slice and content are made.
struct Raw {
    index: u32,
    start: u64,
    len: u64,
    type_name: String,
    label: Option<String>,
}

fn finish<R: ReadAt + Clone>(
    disk: &R,
    scheme: Scheme,
    raw: Vec<Raw>,
    mut notes: Vec<String>,
) -> Table<R> {
    let size = disk.size();
    let mut partitions = Vec::new();
    for r in raw {
        if r.start >= size || r.len == 0 {
            notes.push(format!(
                "partition {} starts at {} past the end of the disk ({size}); skipped",
                r.index, r.start
            ));
            continue;
        }
        if r.start.saturating_add(r.len) > size {
            notes.push(format!(
                "partition {} ends at {} past the end of the disk ({size}); cut to the disk",
                r.index,
                r.start.saturating_add(r.len)
            ));
        }
        let slice = Slice::new(disk.clone(), r.start, r.len);
        partitions.push(Partition {
            index: r.index,
            start: r.start,
            len: slice.size(),
            type_name: r.type_name,
            label: r.label,
            content: probe(&slice),
            slice,
        });
    }
    Table {
        scheme,
        partitions,
        notes,
    }
}

fn signed(sector: &[u8; 512]) -> bool {
    sector[510..] == [0x55, 0xAA]
}

struct MbrEntry {
    status: u8,
    kind: u8,
    start: u64,
    sectors: u64,
}

fn entries(sector: &[u8; 512]) -> impl Iterator<Item = MbrEntry> + '_ {
    sector[446..510].chunks_exact(16).map(|e| MbrEntry {
        status: e[0],
        kind: e[4],
        start: u64::from(u32::from_le_bytes([e[8], e[9], e[10], e[11]])),
        sectors: u64::from(u32::from_le_bytes([e[12], e[13], e[14], e[15]])),
    })
}

/// An MBR, not a boot sector of a file system written to the whole disk
/// (FAT and NTFS boot sectors also end in 55 AA).
fn is_mbr<R: ReadAt>(sector: &[u8; 512], disk: &R) -> bool {
    if !signed(sector) || probe(disk) != Content::Unknown {
        return false;
    }
    let mut used = 0;
    for e in entries(sector) {
        if e.status != 0 && e.status != 0x80 {
            return false;
        }
        if e.kind != 0 {
            if e.start == 0 || e.sectors == 0 {
                return false;
            }
            used += 1;
        }
    }
    used > 0
}

fn is_extended(kind: u8) -> bool {
    matches!(kind, 0x05 | 0x0F | 0x85)
}

fn mbr_partitions<R: ReadAt>(
    disk: &R,
    mbr: &[u8; 512],
    notes: &mut Vec<String>,
) -> Result<Vec<Raw>, DiskError> {
    let mut out = Vec::new();
    for (i, e) in entries(mbr).enumerate() {
        if e.kind == 0 {
            continue;
        }
        if is_extended(e.kind) {
            logical(disk, e.start, notes, &mut out)?;
            continue;
        }
        out.push(Raw {
            index: i as u32 + 1,
            start: e.start * 512,
            len: e.sectors * 512,
            type_name: mbr_type(e.kind),
            label: None,
        });
    }
    Ok(out)
}

/// Follows the EBR chain of an extended partition starting at sector
/// `base`: each EBR holds a logical partition (relative to itself) and a
/// link to the next EBR (relative to `base`). Loops and chains longer than
/// [`MAX_LOGICAL`] stop with a note.
fn logical<R: ReadAt>(
    disk: &R,
    base: u64,
    notes: &mut Vec<String>,
    out: &mut Vec<Raw>,
) -> Result<(), DiskError> {
    let mut at = base;
    let mut seen = std::collections::HashSet::new();
    for n in 0..MAX_LOGICAL {
        if !seen.insert(at) {
            notes.push(format!(
                "the extended partition's chain loops back to sector {at}; stopped"
            ));
            return Ok(());
        }
        let mut ebr = [0u8; 512];
        if let Err(e) = disk.read_exact_at(&mut ebr, at.saturating_mul(512)) {
            notes.push(format!(
                "the extended boot record at sector {at} cannot be read ({e}); stopped"
            ));
            return Ok(());
        }
        if !signed(&ebr) {
            notes.push(format!(
                "the extended boot record at sector {at} has no 55 AA signature; stopped"
            ));
            return Ok(());
        }
        let mut es = entries(&ebr);
        let (first, next) = (es.next(), es.next());
        if let Some(e) = first.filter(|e| e.kind != 0 && e.sectors != 0) {
            out.push(Raw {
                index: 5 + n as u32,
                start: (at + e.start) * 512,
                len: e.sectors * 512,
                type_name: mbr_type(e.kind),
                label: None,
            });
        }
        match next {
            Some(e) if is_extended(e.kind) && e.start != 0 => at = base + e.start,
            _ => return Ok(()),
        }
    }
    notes.push(format!(
        "more than {MAX_LOGICAL} logical partitions; the rest ignored"
    ));
    Ok(())
}

fn mbr_type(kind: u8) -> String {
    let name = match kind {
        0x01 => "FAT12",
        0x04 | 0x06 | 0x0E => "FAT16",
        0x07 => "NTFS/exFAT",
        0x0B | 0x0C => "FAT32",
        0x27 => "Windows recovery",
        0x82 => "Linux swap",
        0x83 => "Linux",
        0x8E => "Linux LVM",
        0xEF => "EFI system",
        0xFD => "Linux RAID",
        _ => return format!("MBR type {kind:#04x}"),
    };
    format!("MBR type {kind:#04x} ({name})")
}

fn sig_at<R: ReadAt>(disk: &R, sector: u64) -> bool {
    let mut s = [0u8; 8];
    disk.read_exact_at(&mut s, sector).is_ok() && &s == b"EFI PART"
}

/// GPT partitions from the primary header, or the backup one with a note.
fn gpt<R: ReadAt>(disk: &R, notes: &mut Vec<String>) -> Result<Vec<Raw>, DiskError> {
    let sector = if sig_at(disk, 512) || !sig_at(disk, 4096) {
        512
    } else {
        4096
    };
    let primary = gpt_header(disk, sector, 1);
    let header = match primary {
        Ok(h) => h,
        Err(why) => {
            let last = (disk.size() / sector).saturating_sub(1);
            match gpt_header(disk, sector, last) {
                Ok(h) => {
                    notes.push(format!("the primary GPT header is bad ({why}); the backup header at LBA {last} was used"));
                    h
                }
                Err(backup) => {
                    return Err(DiskError::corrupt(
                        "gpt",
                        "header",
                        format!(
                            "the primary ({why}) and the backup at LBA {last} ({backup}) are both bad"
                        ),
                    ));
                }
            }
        }
    };
    let mut out = Vec::new();
    for (i, e) in header.entries.chunks_exact(header.entry_size).enumerate() {
        let kind: [u8; 16] = e[..16].try_into().unwrap_or_default();
        if kind == [0; 16] {
            continue;
        }
        let first = u64::from_le_bytes(e[32..40].try_into().unwrap_or_default());
        let last = u64::from_le_bytes(e[40..48].try_into().unwrap_or_default());
        if last < first {
            notes.push(format!(
                "GPT entry {} ends (LBA {last}) before it starts (LBA {first}); skipped",
                i + 1
            ));
            continue;
        }
        let units: Vec<u16> = e[56..128]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        let label = String::from_utf16_lossy(&units);
        out.push(Raw {
            index: i as u32 + 1,
            start: first.saturating_mul(sector),
            len: (last - first + 1).saturating_mul(sector),
            type_name: gpt_type(&kind),
            label: (!label.is_empty()).then_some(label),
        });
    }
    Ok(out)
}

struct GptHeader {
    entries: Vec<u8>,
    entry_size: usize,
}

/// The GPT header at `lba` with its entry array, both CRC-checked; the
/// error says what is wrong.
fn gpt_header<R: ReadAt>(disk: &R, sector: u64, lba: u64) -> Result<GptHeader, String> {
    let mut h = vec![0u8; sector as usize];
    disk.read_exact_at(&mut h, lba * sector)
        .map_err(|e| format!("unreadable: {e}"))?;
    if &h[..8] != b"EFI PART" {
        return Err("no \"EFI PART\" signature".into());
    }
    let le32 = |o: usize| u32::from_le_bytes(h[o..o + 4].try_into().unwrap_or_default());
    let le64 = |o: usize| u64::from_le_bytes(h[o..o + 8].try_into().unwrap_or_default());
    let size = le32(12) as usize;
    if !(92..=sector as usize).contains(&size) {
        return Err(format!("header size {size}"));
    }
    let mut zeroed = h[..size].to_vec();
    zeroed[16..20].fill(0);
    if crc32fast::hash(&zeroed) != le32(16) {
        return Err("header CRC mismatch".into());
    }
    if le64(24) != lba {
        return Err(format!("it says it lies at LBA {}, not {lba}", le64(24)));
    }
    let (array_lba, count, entry_size) = (le64(72), u64::from(le32(80)), u64::from(le32(84)));
    if count > MAX_GPT_ENTRIES
        || !(128..=4096).contains(&entry_size)
        || !entry_size.is_multiple_of(8)
    {
        return Err(format!("{count} entries of {entry_size} bytes"));
    }
    let len = count * entry_size;
    let at = array_lba.saturating_mul(sector);
    if at.saturating_add(len) > disk.size() {
        return Err(format!(
            "the entry array at LBA {array_lba} passes the end of the disk"
        ));
    }
    let mut entries = vec![0u8; len as usize];
    disk.read_exact_at(&mut entries, at)
        .map_err(|e| format!("entry array unreadable: {e}"))?;
    if crc32fast::hash(&entries) != le32(88) {
        return Err("entry array CRC mismatch".into());
    }
    Ok(GptHeader {
        entries,
        entry_size: entry_size as usize,
    })
}

const GPT_TYPES: &[([u8; 16], &str)] = &[
    (guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B"), "EFI system"),
    (
        guid("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"),
        "Microsoft basic data",
    ),
    (
        guid("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC"),
        "Windows recovery",
    ),
    (
        guid("E3C9E316-0B5C-4DB8-817D-F92DF00215AE"),
        "Microsoft reserved",
    ),
    (
        guid("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3"),
        "Windows LDM metadata",
    ),
    (
        guid("AF9B60A0-1431-4F62-BC68-3311714A69AD"),
        "Windows LDM data",
    ),
    (
        guid("0FC63DAF-8483-4772-8E79-3D69D8477DE4"),
        "Linux filesystem",
    ),
    (
        guid("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"),
        "Linux root (x86-64)",
    ),
    (
        guid("B921B045-1DF0-41C3-AF44-4C6F280D3FAE"),
        "Linux root (ARM64)",
    ),
    (guid("933AC7E1-2EB4-4F13-B844-0E14E2AEF915"), "Linux home"),
    (
        guid("BC13C2FF-59E6-4262-A352-B275FD6F7172"),
        "Linux extended boot",
    ),
    (guid("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"), "Linux swap"),
    (guid("E6D6D379-F507-44C2-A23C-238F2A3DF928"), "Linux LVM"),
    (guid("CA7D7CCB-63ED-4C53-861C-1742536059CC"), "Linux LUKS"),
    (guid("A19D880F-05FC-4D3B-A006-743F0F84911E"), "Linux RAID"),
    (guid("21686148-6449-6E6F-744E-656564454649"), "BIOS boot"),
    (guid("48465300-0000-11AA-AA11-00306543ECAC"), "Apple HFS+"),
    (guid("7C3457EF-0000-11AA-AA11-00306543ECAC"), "Apple APFS"),
];

fn gpt_type(kind: &[u8; 16]) -> String {
    GPT_TYPES.iter().find(|(g, _)| g == kind).map_or_else(
        || format!("GPT type {}", guid::format(kind)),
        |(_, n)| (*n).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn entry(sector: &mut [u8], slot: usize, kind: u8, start: u32, sectors: u32) {
        let e = &mut sector[446 + 16 * slot..446 + 16 * (slot + 1)];
        e[4] = kind;
        e[8..12].copy_from_slice(&start.to_le_bytes());
        e[12..16].copy_from_slice(&sectors.to_le_bytes());
    }

    /// An MBR whose extended partition at sector 100 holds one logical
    /// partition, then links to an EBR that links back to itself.
    fn looping() -> Vec<u8> {
        let mut d = vec![0u8; 400 * 512];
        entry(&mut d, 0, 0x83, 10, 50);
        entry(&mut d, 1, 0x05, 100, 300);
        d[510..512].copy_from_slice(&[0x55, 0xAA]);
        let ebr = |d: &mut Vec<u8>, at: usize, next: u32| {
            let s = &mut d[at * 512..(at + 1) * 512];
            entry(s, 0, 0x83, 1, 20);
            entry(s, 1, 0x05, next, 30);
            s[510..512].copy_from_slice(&[0x55, 0xAA]);
        };
        ebr(&mut d, 100, 50); // → sector 150
        ebr(&mut d, 150, 50); // → itself
        d
    }

    #[test]
    fn a_looping_ebr_chain_stops_with_a_note() {
        let t = read(Arc::new(looping())).unwrap();
        assert_eq!(t.scheme, Scheme::Mbr);
        let got: Vec<_> = t
            .partitions
            .iter()
            .map(|p| (p.index, p.start / 512, p.len / 512))
            .collect();
        assert_eq!(got, [(1, 10, 50), (5, 101, 20), (6, 151, 20)]);
        assert!(
            t.notes
                .iter()
                .any(|n| n.contains("loops back to sector 150")),
            "{:?}",
            t.notes
        );
    }

    #[test]
    fn partitions_past_the_end_are_cut_or_skipped_with_a_note() {
        let mut d = vec![0u8; 100 * 512];
        entry(&mut d, 0, 0x07, 50, 100);
        entry(&mut d, 1, 0x83, 500, 10);
        d[510..512].copy_from_slice(&[0x55, 0xAA]);
        let t = read(Arc::new(d)).unwrap();
        assert_eq!(t.partitions.len(), 1);
        assert_eq!(t.partitions[0].len, 50 * 512);
        assert_eq!(t.notes.len(), 2, "{:?}", t.notes);
        assert!(t.notes[0].contains("cut to the disk") && t.notes[1].contains("skipped"));
    }

    #[test]
    fn an_empty_or_tiny_disk_is_one_partition_or_none() {
        let t = read(Arc::new(vec![0u8; 4096])).unwrap();
        assert_eq!((t.scheme, t.partitions.len()), (Scheme::None, 1));
        let t = read(Arc::new(Vec::new())).unwrap();
        assert_eq!(t.partitions.len(), 0);
    }
}
