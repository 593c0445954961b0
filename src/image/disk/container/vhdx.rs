//! VHDX (MS-VHDX version 1), read-only: fixed, dynamic and differencing.
//!
//! Layout (little-endian): a file identifier; two headers at 64 and 128 KiB
//! (CRC-32C, the higher sequence number wins); two region tables at 192
//! and 256 KiB naming the BAT and the metadata region; the metadata (block
//! size, virtual size, logical sector size, parent locator); the BAT, one
//! 8-byte entry per payload block with a sector-bitmap entry after every
//! `chunk ratio` payload entries. A header with a log GUID set means
//! writes are waiting in the log: replaying it writes the file, so the
//! image is refused ([`DiskError::DirtyLog`]) instead of read stale.

use std::sync::Arc;

use super::cache::Meta;
use super::{Mapped, Run, mapped_read_at};
use crate::image::disk::guid::guid;
use crate::image::disk::{DiskError, ReadAt};

pub const MAGIC: &[u8] = b"vhdxfile";
const F: &str = "vhdx";
const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

const BAT: [u8; 16] = guid("2DC27766-F623-4200-9D64-115E9BFD4A08");
const METADATA: [u8; 16] = guid("8B7CA206-4790-4B9A-B8FE-575F050F886E");
const FILE_PARAMETERS: [u8; 16] = guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
const VIRTUAL_DISK_SIZE: [u8; 16] = guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
const LOGICAL_SECTOR_SIZE: [u8; 16] = guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
const PARENT_LOCATOR: [u8; 16] = guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

/// BAT entry states (the low three bits).
const NOT_PRESENT: u64 = 0;
const UNDEFINED: u64 = 1;
const ZERO: u64 = 2;
const UNMAPPED: u64 = 3;
const FULLY_PRESENT: u64 = 6;
const PARTIALLY_PRESENT: u64 = 7;

/// An opened VHDX.
pub struct Vhdx {
    meta: Meta<Arc<dyn ReadAt>>,
    parent: Option<Arc<dyn ReadAt>>,
    size: u64,
    block: u64,
    sector: u64,
    chunk_ratio: u64,
    bat_offset: u64,
}

/// What the metadata region says.
struct Params {
    block: u64,
    has_parent: bool,
    size: u64,
    sector: u64,
    parent_name: Option<String>,
}

impl Vhdx {
    /// Reads the headers, region table and metadata; a differencing disk
    /// needs `parent`.
    pub fn open(file: Arc<dyn ReadAt>, parent: Option<Arc<dyn ReadAt>>) -> Result<Self, DiskError> {
        let header = current_header(&file)?;
        if header[48..64].iter().any(|&b| b != 0) {
            return Err(DiskError::DirtyLog);
        }
        let (bat, metadata) = regions(&file)?;
        let p = params(&file, metadata)?;
        let chunk_ratio = (1u64 << 23) * p.sector / p.block;
        let blocks = p.size.div_ceil(p.block);
        let entries = if p.has_parent {
            blocks.div_ceil(chunk_ratio) * (chunk_ratio + 1)
        } else {
            blocks + blocks.saturating_sub(1) / chunk_ratio
        };
        if u64::from(bat.1) < entries * 8 {
            return Err(DiskError::corrupt(
                F,
                "BAT",
                format!(
                    "{} bytes cannot hold the {entries} entries a {}-byte disk needs",
                    bat.1, p.size
                ),
            ));
        }
        let parent = if p.has_parent {
            match parent {
                Some(p) => Some(p),
                None => {
                    return Err(DiskError::Missing {
                        format: F,
                        what: "parent disk",
                        name: p
                            .parent_name
                            .unwrap_or_else(|| "(not named in the locator)".into()),
                    });
                }
            }
        } else {
            None
        };
        Ok(Self {
            meta: Meta::new(file),
            parent,
            size: p.size,
            block: p.block,
            sector: p.sector,
            chunk_ratio,
            bat_offset: bat.0,
        })
    }

    fn bat(&self, index: u64) -> Result<(u64, u64), DiskError> {
        let e = self
            .meta
            .u64_le(self.bat_offset + index * 8)
            .map_err(DiskError::io(F, "BAT"))?;
        Ok((e & 7, (e >> 20) * MIB))
    }

    /// Where a sector of a partially present block lies: here or in the
    /// parent.
    fn partial(&self, block: u64, within: u64, host: u64) -> Result<(Run, u64), DiskError> {
        let chunk = block / self.chunk_ratio;
        let (state, bitmap) = self.bat((chunk + 1) * self.chunk_ratio + chunk)?;
        if state != FULLY_PRESENT || bitmap.saturating_add(MIB) > self.meta.file().size() {
            return Err(DiskError::corrupt(
                F,
                "BAT",
                format!(
                    "the sector bitmap of chunk {chunk} is missing or past the end of the file"
                ),
            ));
        }
        let sector = (block % self.chunk_ratio) * (self.block / self.sector) + within / self.sector;
        let byte = self
            .meta
            .bytes::<1>(bitmap + sector / 8)
            .map_err(DiskError::io(F, "sector bitmap"))?[0];
        let rest = self.sector - within % self.sector;
        if byte >> (sector % 8) & 1 == 1 {
            Ok((Run::Data(host + within), rest))
        } else {
            Ok((Run::Parent, rest))
        }
    }
}

/// A region of the file: offset and length.
type Region = (u64, u32);

/// The valid header with the higher sequence number.
fn current_header(file: &dyn ReadAt) -> Result<[u8; 4096], DiskError> {
    let mut best: Option<(u64, [u8; 4096])> = None;
    for at in [64 * KIB, 128 * KIB] {
        let mut h = [0u8; 4096];
        if file.read_exact_at(&mut h, at).is_err() || &h[..4] != b"head" {
            continue;
        }
        let stored = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        let mut zeroed = h;
        zeroed[4..8].fill(0);
        if crc32c(&zeroed) != stored || u16::from_le_bytes([h[66], h[67]]) != 1 {
            continue;
        }
        let seq = u64::from_le_bytes(h[8..16].try_into().unwrap_or_default());
        if best.as_ref().is_none_or(|(s, _)| seq > *s) {
            best = Some((seq, h));
        }
    }
    best.map(|(_, h)| h).ok_or_else(|| {
        DiskError::corrupt(
            F,
            "header",
            "neither header at 64 KiB nor at 128 KiB is valid (signature, CRC-32C, version 1)",
        )
    })
}

/// The BAT and metadata regions (offset, length) from the first valid
/// region table.
fn regions(file: &dyn ReadAt) -> Result<(Region, Region), DiskError> {
    let mut last = "neither region table (192 KiB, 256 KiB) is valid".to_string();
    for at in [192 * KIB, 256 * KIB] {
        let mut t = vec![0u8; 64 * KIB as usize];
        if file.read_exact_at(&mut t, at).is_err() || &t[..4] != b"regi" {
            continue;
        }
        let stored = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        t[4..8].fill(0);
        if crc32c(&t) != stored {
            continue;
        }
        match region_entries(&t, file.size()) {
            Ok(r) => return Ok(r),
            Err(e) => last = e,
        }
    }
    Err(DiskError::corrupt(F, "region table", last))
}

fn region_entries(t: &[u8], file_size: u64) -> Result<(Region, Region), String> {
    let count = u32::from_le_bytes([t[8], t[9], t[10], t[11]]);
    if count > 2047 {
        return Err(format!("{count} entries (at most 2047)"));
    }
    let (mut bat, mut meta) = (None, None);
    for e in t[16..].chunks_exact(32).take(count as usize) {
        let id: [u8; 16] = e[..16].try_into().unwrap_or_default();
        let offset = u64::from_le_bytes(e[16..24].try_into().unwrap_or_default());
        let len = u32::from_le_bytes(e[24..28].try_into().unwrap_or_default());
        let required = e[28] & 1 == 1;
        if !offset.is_multiple_of(MIB) || offset.saturating_add(u64::from(len)) > file_size {
            return Err(format!(
                "a region at {offset} ({len} bytes) is unaligned or past the end of the file ({file_size})"
            ));
        }
        if id == BAT {
            bat = Some((offset, len));
        } else if id == METADATA {
            meta = Some((offset, len));
        } else if required {
            return Err(format!(
                "an unknown required region {}",
                crate::image::disk::guid::format(&id)
            ));
        }
    }
    match (bat, meta) {
        (Some(b), Some(m)) => Ok((b, m)),
        _ => Err("no BAT or no metadata region".into()),
    }
}

/// Reads the metadata items the reader needs.
fn params(file: &dyn ReadAt, (offset, len): (u64, u32)) -> Result<Params, DiskError> {
    let mut table = vec![0u8; (64 * KIB).min(u64::from(len)) as usize];
    file.read_exact_at(&mut table, offset)
        .map_err(DiskError::io(F, "metadata table"))?;
    if table.len() < 32 || &table[..8] != b"metadata" {
        return Err(DiskError::corrupt(
            F,
            "metadata table",
            "no \"metadata\" signature",
        ));
    }
    let count = u16::from_le_bytes([table[10], table[11]]);
    let item = |want: &[u8; 16]| -> Result<Option<Vec<u8>>, DiskError> {
        for e in table[32..].chunks_exact(32).take(usize::from(count)) {
            if e[..16] != want[..] {
                continue;
            }
            let at = u64::from(u32::from_le_bytes(e[16..20].try_into().unwrap_or_default()));
            let n = u32::from_le_bytes(e[20..24].try_into().unwrap_or_default());
            if at.saturating_add(u64::from(n)) > u64::from(len) || n > 64 * KIB as u32 {
                return Err(DiskError::corrupt(
                    F,
                    "metadata table",
                    format!("an item at {at} ({n} bytes) is outside the region"),
                ));
            }
            let mut v = vec![0u8; n as usize];
            file.read_exact_at(&mut v, offset + at)
                .map_err(DiskError::io(F, "metadata item"))?;
            return Ok(Some(v));
        }
        Ok(None)
    };
    let need = |v: Option<Vec<u8>>, what: &str, n: usize| -> Result<Vec<u8>, DiskError> {
        v.filter(|v| v.len() >= n)
            .ok_or_else(|| DiskError::corrupt(F, "metadata table", format!("no {what} item")))
    };
    let fp = need(item(&FILE_PARAMETERS)?, "file parameters", 8)?;
    let vs = need(item(&VIRTUAL_DISK_SIZE)?, "virtual disk size", 8)?;
    let ls = need(item(&LOGICAL_SECTOR_SIZE)?, "logical sector size", 4)?;
    let block = u64::from(u32::from_le_bytes(fp[..4].try_into().unwrap_or_default()));
    let has_parent = fp[4] & 2 != 0;
    let size = u64::from_le_bytes(vs[..8].try_into().unwrap_or_default());
    let sector = u64::from(u32::from_le_bytes(ls[..4].try_into().unwrap_or_default()));
    if !block.is_power_of_two() || !(MIB..=256 * MIB).contains(&block) {
        return Err(DiskError::corrupt(
            F,
            "metadata",
            format!("block size {block} (1 MiB..256 MiB, a power of two)"),
        ));
    }
    if sector != 512 && sector != 4096 {
        return Err(DiskError::corrupt(
            F,
            "metadata",
            format!("logical sector size {sector}"),
        ));
    }
    if size == 0 || size > 64 * MIB * MIB || !size.is_multiple_of(sector) {
        return Err(DiskError::corrupt(
            F,
            "metadata",
            format!("virtual disk size {size}"),
        ));
    }
    let parent_name = if has_parent {
        item(&PARENT_LOCATOR)?.and_then(|l| locator_path(&l))
    } else {
        None
    };
    Ok(Params {
        block,
        has_parent,
        size,
        sector,
        parent_name,
    })
}

/// The parent's path from a parent locator (key/value pairs of UTF-16LE
/// strings), for the error that asks for it.
fn locator_path(l: &[u8]) -> Option<String> {
    let count = usize::from(u16::from_le_bytes(l.get(18..20)?.try_into().ok()?));
    let text = |at: u32, n: u16| -> Option<String> {
        let b = l.get(at as usize..at as usize + usize::from(n))?;
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    };
    let mut found = None;
    for e in l.get(20..)?.chunks_exact(12).take(count) {
        let key = text(
            u32::from_le_bytes(e[0..4].try_into().ok()?),
            u16::from_le_bytes([e[8], e[9]]),
        )?;
        let value = text(
            u32::from_le_bytes(e[4..8].try_into().ok()?),
            u16::from_le_bytes([e[10], e[11]]),
        )?;
        match key.as_str() {
            "relative_path" => return Some(value),
            "absolute_win32_path" | "volume_path" => found = Some(value),
            _ => {}
        }
    }
    found
}

/// CRC-32C (Castagnoli, reflected 0x82F63B78), bit by bit: only the 4 KiB
/// headers and 64 KiB region tables are checked, once per open, so a table
/// or a crate is not worth it.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                crc >> 1 ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

impl Mapped for Vhdx {
    fn virtual_size(&self) -> u64 {
        self.size
    }

    fn locate(&self, offset: u64) -> Result<(Run, u64), DiskError> {
        let block = offset / self.block;
        let within = offset % self.block;
        let rest = self.block - within;
        let (state, host) = self.bat(block + block / self.chunk_ratio)?;
        let inherit = if self.parent.is_some() {
            Run::Parent
        } else {
            Run::Zero
        };
        let present = |host: u64| {
            if host == 0 || host.saturating_add(self.block) > self.meta.file().size() {
                Err(DiskError::corrupt(
                    F,
                    "BAT",
                    format!(
                        "the entry of block {block} points to {host}, past the end of the file ({})",
                        self.meta.file().size()
                    ),
                ))
            } else {
                Ok(host)
            }
        };
        match state {
            NOT_PRESENT | UNDEFINED => Ok((inherit, rest)),
            ZERO | UNMAPPED => Ok((Run::Zero, rest)),
            FULLY_PRESENT => Ok((Run::Data(present(host)? + within), rest)),
            PARTIALLY_PRESENT if self.parent.is_some() => {
                self.partial(block, within, present(host)?)
            }
            _ => Err(DiskError::corrupt(
                F,
                "BAT",
                format!("block {block} has state {state}"),
            )),
        }
    }

    fn host(&self) -> &dyn ReadAt {
        &**self.meta.file()
    }

    fn parent(&self) -> Option<&dyn ReadAt> {
        self.parent.as_deref()
    }

    fn inflate(&self, _key: u64) -> Result<Arc<Vec<u8>>, DiskError> {
        Err(DiskError::corrupt(
            F,
            "BAT",
            "VHDX has no compressed blocks",
        ))
    }

    fn format(&self) -> &'static str {
        F
    }
}

mapped_read_at!(Vhdx);

#[cfg(test)]
mod tests {
    #[test]
    fn crc32c_matches_the_standard_check_value() {
        assert_eq!(super::crc32c(b"123456789"), 0xE306_9283);
    }
}
