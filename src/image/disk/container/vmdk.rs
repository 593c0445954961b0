//! VMDK, read-only: monolithic sparse (hosted sparse extent), stream-
//! optimised (compressed grains, grain directory in a footer) and flat
//! extents named by a text descriptor.
//!
//! Sparse layout (little-endian): a `KDMV` header; a grain directory of
//! 4-byte sector offsets of grain tables; grain tables of 4-byte sector
//! offsets of grains (0 = unallocated, 1 = a zero grain). A
//! stream-optimised file writes the directory last and says so with
//! `gdOffset = -1` in the header; the real header is then the footer 1 KiB
//! before the end. Its grains are zlib streams behind a 12-byte marker
//! (LBA, size). Delta (child) disks and split sparse extents are refused
//! with a clear error rather than read with the parent's data missing.

use std::path::Path;
use std::sync::Arc;

use super::cache::{Bounded, Meta};
use super::{Mapped, Run, inflate, mapped_read_at};
use crate::image::disk::{DiskError, HostFile, ReadAt};

pub const SPARSE_MAGIC: &[u8] = b"KDMV";
const DESCRIPTOR: &[u8] = b"# Disk DescriptorFile";
const F: &str = "vmdk";
const GD_AT_END: u64 = u64::MAX;
const COMPRESSED: u32 = 1 << 16;
/// Decompressed grains kept (64 KiB each with qemu's and VMware's default).
const INFLATED: usize = 64;
/// The largest grain accepted: 16 MiB (VMware writes 64 KiB).
const MAX_GRAIN_SECTORS: u64 = 32 * 1024;

/// A text descriptor at the start of the file.
pub fn is_descriptor(start: &[u8]) -> bool {
    start.starts_with(DESCRIPTOR)
}

/// A monolithic sparse or stream-optimised VMDK.
pub struct Sparse {
    meta: Meta<Arc<dyn ReadAt>>,
    size: u64,
    grain: u64,
    gtes: u64,
    gd_offset: u64,
    compressed: bool,
    inflated: Bounded<Vec<u8>>,
}

impl Sparse {
    pub fn open(file: Arc<dyn ReadAt>) -> Result<Self, DiskError> {
        let mut h = [0u8; 80];
        file.read_exact_at(&mut h, 0)
            .map_err(DiskError::io(F, "header"))?;
        if u64::from_le_bytes(h[56..64].try_into().unwrap_or_default()) == GD_AT_END {
            // Stream-optimised: the footer header holds the real offsets.
            let at = file.size().checked_sub(1024).ok_or_else(|| {
                DiskError::corrupt(F, "footer", "the file is too short to hold one")
            })?;
            file.read_exact_at(&mut h, at)
                .map_err(DiskError::io(F, "footer"))?;
            if !h.starts_with(SPARSE_MAGIC) {
                return Err(DiskError::corrupt(
                    F,
                    "footer",
                    "no KDMV header 1 KiB before the end (the file is truncated?)",
                ));
            }
        }
        let le32 = |o: usize| u32::from_le_bytes(h[o..o + 4].try_into().unwrap_or_default());
        let le64 = |o: usize| u64::from_le_bytes(h[o..o + 8].try_into().unwrap_or_default());
        let (version, flags, capacity, grain) = (le32(4), le32(8), le64(12), le64(20));
        let (gtes, gd_offset) = (u64::from(le32(44)), le64(56));
        if !(1..=3).contains(&version) {
            return Err(DiskError::unsupported(
                F,
                format!("sparse extent version {version}"),
            ));
        }
        if !grain.is_power_of_two() || !(1..=MAX_GRAIN_SECTORS).contains(&grain) {
            return Err(DiskError::corrupt(
                F,
                "header",
                format!("grain size of {grain} sectors"),
            ));
        }
        if !(1..=4096).contains(&gtes) {
            return Err(DiskError::corrupt(
                F,
                "header",
                format!("{gtes} entries per grain table"),
            ));
        }
        check_descriptor(&file, le64(28), le64(36))?;
        let size = capacity.checked_mul(512).ok_or_else(|| {
            DiskError::corrupt(F, "header", format!("capacity of {capacity} sectors"))
        })?;
        let directory = capacity.div_ceil(grain).div_ceil(gtes);
        let gd_bytes = gd_offset.saturating_mul(512);
        if gd_bytes.saturating_add(directory * 4) > file.size() {
            return Err(DiskError::corrupt(
                F,
                "grain directory",
                format!(
                    "{directory} entries at sector {gd_offset} pass the end of the file ({})",
                    file.size()
                ),
            ));
        }
        Ok(Self {
            meta: Meta::new(file),
            size,
            grain: grain * 512,
            gtes,
            gd_offset: gd_bytes,
            compressed: flags & COMPRESSED != 0,
            inflated: Bounded::new(INFLATED),
        })
    }

    pub fn stream_optimised(&self) -> bool {
        self.compressed
    }

    /// The grain table entry of grain `g` (0 when its table is absent).
    fn gte(&self, g: u64) -> Result<u32, DiskError> {
        let (d, t) = (g / self.gtes, g % self.gtes);
        let gde = self
            .meta
            .u32_le(self.gd_offset + d * 4)
            .map_err(DiskError::io(F, "grain directory"))?;
        if gde == 0 {
            return Ok(0);
        }
        let table = u64::from(gde) * 512;
        if table + self.gtes * 4 > self.meta.file().size() {
            return Err(DiskError::corrupt(
                F,
                "grain directory",
                format!("entry {d} points to a grain table at {table}, past the end of the file"),
            ));
        }
        self.meta
            .u32_le(table + t * 4)
            .map_err(DiskError::io(F, "grain table"))
    }
}

/// Refuses delta disks: their unallocated grains are the parent's.
fn check_descriptor(file: &dyn ReadAt, sector: u64, sectors: u64) -> Result<(), DiskError> {
    if sector == 0 || sectors == 0 {
        return Ok(());
    }
    let len = sectors.saturating_mul(512).min(64 * 1024) as usize;
    let mut d = vec![0u8; len];
    let n = file
        .read_at(&mut d, sector.saturating_mul(512))
        .map_err(DiskError::io(F, "descriptor"))?;
    let text = String::from_utf8_lossy(&d[..n]);
    if let Some(parent) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("parentFileNameHint="))
    {
        return Err(DiskError::unsupported(
            F,
            format!("a delta disk (parent {})", parent.trim_matches('"')),
        ));
    }
    Ok(())
}

impl Mapped for Sparse {
    fn virtual_size(&self) -> u64 {
        self.size
    }

    fn locate(&self, offset: u64) -> Result<(Run, u64), DiskError> {
        let g = offset / self.grain;
        let within = offset % self.grain;
        let rest = self.grain - within;
        match self.gte(g)? {
            0 | 1 => Ok((Run::Zero, rest)),
            _ if self.compressed => Ok((
                Run::Compressed {
                    key: g,
                    skip: within as usize,
                },
                rest,
            )),
            gte => {
                let host = u64::from(gte) * 512;
                if host + self.grain > self.meta.file().size() {
                    return Err(DiskError::corrupt(
                        F,
                        "grain table",
                        format!(
                            "grain {g} points to {host}, past the end of the file ({})",
                            self.meta.file().size()
                        ),
                    ));
                }
                Ok((Run::Data(host + within), rest))
            }
        }
    }

    fn host(&self) -> &dyn ReadAt {
        &**self.meta.file()
    }

    fn parent(&self) -> Option<&dyn ReadAt> {
        None
    }

    fn inflate(&self, g: u64) -> Result<Arc<Vec<u8>>, DiskError> {
        self.inflated.get_or(g, || {
            let host = u64::from(self.gte(g)?) * 512;
            let marker = self
                .meta
                .bytes::<12>(host)
                .map_err(DiskError::io(F, "grain marker"))?;
            let len = u64::from(u32::from_le_bytes(
                marker[8..12].try_into().unwrap_or_default(),
            ));
            // zlib never grows data by more than a few bytes per 16 KiB.
            if len == 0 || len > self.grain + 4096 || host + 12 + len > self.meta.file().size() {
                return Err(DiskError::corrupt(
                    F,
                    "grain marker",
                    format!("grain {g} at {host} claims {len} compressed bytes"),
                ));
            }
            let mut input = vec![0u8; len as usize];
            self.meta
                .file()
                .read_exact_at(&mut input, host + 12)
                .map_err(DiskError::io(F, "compressed grain"))?;
            inflate(&input, self.grain as usize, true)
                .map_err(|e| DiskError::corrupt(F, "compressed grain", format!("grain {g}: {e}")))
        })
    }

    fn format(&self) -> &'static str {
        F
    }
}

mapped_read_at!(Sparse);

/// One extent of a flat disk: virtual start, length, the extent file and
/// the offset in it (`None` for a ZERO extent).
type FlatExtent = (u64, u64, Option<(HostFile, u64)>);

/// A disk made of flat extent files named by a text descriptor.
pub struct Flat {
    extents: Vec<FlatExtent>,
    size: u64,
}

impl Flat {
    /// Parses the descriptor in `file` and opens its extents in `dir`.
    pub fn open(file: &dyn ReadAt, dir: Option<&Path>) -> Result<Self, DiskError> {
        let mut d = vec![0u8; file.size().min(64 * 1024) as usize];
        file.read_exact_at(&mut d, 0)
            .map_err(DiskError::io(F, "descriptor"))?;
        let text = String::from_utf8_lossy(&d);
        let mut extents = Vec::new();
        let mut size = 0u64;
        for (no, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(parent) = line.strip_prefix("parentFileNameHint=") {
                return Err(DiskError::unsupported(
                    F,
                    format!("a delta disk (parent {})", parent.trim_matches('"')),
                ));
            }
            let Some(ext) = parse_extent(line).map_err(|e| {
                DiskError::corrupt(F, "descriptor", format!("line {}: {e}", no + 1))
            })?
            else {
                continue;
            };
            let len = ext.sectors.checked_mul(512).ok_or_else(|| {
                DiskError::corrupt(
                    F,
                    "descriptor",
                    format!("line {}: extent too large", no + 1),
                )
            })?;
            let source = match ext.name {
                None => None,
                Some(name) => Some((open_extent(dir, name, ext.offset, len)?, ext.offset * 512)),
            };
            extents.push((size, len, source));
            size = size.checked_add(len).ok_or_else(|| {
                DiskError::corrupt(
                    F,
                    "descriptor",
                    "the extents add up to more than 2^64 bytes",
                )
            })?;
        }
        if extents.is_empty() {
            return Err(DiskError::corrupt(
                F,
                "descriptor",
                "no extent line (RW <sectors> FLAT \"file\" <offset>)",
            ));
        }
        Ok(Self { extents, size })
    }
}

#[derive(Debug)]
struct Extent<'a> {
    sectors: u64,
    name: Option<&'a str>,
    offset: u64,
}

/// One extent line: `RW 2097152 FLAT "disk-flat.vmdk" 0`, or `RW n ZERO`.
/// Not an extent line → `None`; a sparse extent → an error.
fn parse_extent(line: &str) -> Result<Option<Extent<'_>>, String> {
    let mut words = line.split_whitespace();
    let Some(access) = words.next() else {
        return Ok(None);
    };
    if !matches!(access, "RW" | "RDONLY" | "NOACCESS") {
        return Ok(None);
    }
    let sectors = words
        .next()
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or("the extent's size in sectors is not a number")?;
    let kind = words.next().ok_or("no extent type")?;
    match kind {
        "ZERO" => {
            return Ok(Some(Extent {
                sectors,
                name: None,
                offset: 0,
            }));
        }
        "FLAT" | "VMFS" => {}
        other => {
            return Err(format!(
                "{other} extents (split or hosted sparse) are not supported"
            ));
        }
    }
    let rest = line
        .split_once('"')
        .map(|(_, r)| r)
        .ok_or("no quoted file name")?;
    let (name, tail) = rest.split_once('"').ok_or("unterminated file name")?;
    let offset = match tail.split_whitespace().next() {
        None => 0,
        Some(n) => n
            .parse::<u64>()
            .map_err(|_| format!("offset {n:?} is not a number"))?,
    };
    Ok(Some(Extent {
        sectors,
        name: Some(name),
        offset,
    }))
}

/// Opens an extent file named in the descriptor: a plain name in the
/// descriptor's own directory, never a path elsewhere.
fn open_extent(
    dir: Option<&Path>,
    name: &str,
    offset: u64,
    len: u64,
) -> Result<HostFile, DiskError> {
    let Some(dir) = dir else {
        return Err(DiskError::Missing {
            format: F,
            what: "extent file (open the descriptor by its path)",
            name: name.into(),
        });
    };
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(DiskError::corrupt(
            F,
            "descriptor",
            format!("extent {name:?} is not a file name in the descriptor's directory"),
        ));
    }
    let path = dir.join(name);
    let file = std::fs::File::open(&path)
        .and_then(|f| {
            if f.metadata()?.is_file() {
                HostFile::new(f)
            } else {
                Err(std::io::Error::other("not a regular file"))
            }
        })
        .map_err(|e| DiskError::Missing {
            format: F,
            what: "extent file",
            name: format!("{} ({e})", path.display()),
        })?;
    let need = offset.saturating_mul(512).saturating_add(len);
    if file.size() < need {
        return Err(DiskError::corrupt(
            F,
            "extent",
            format!(
                "{} holds {} bytes, the descriptor needs {need}",
                path.display(),
                file.size()
            ),
        ));
    }
    Ok(file)
}

impl ReadAt for Flat {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        if offset >= self.size {
            return Ok(0);
        }
        let i = self
            .extents
            .partition_point(|(start, _, _)| *start <= offset)
            - 1;
        let (start, len, source) = &self.extents[i];
        let within = offset - start;
        let n = buf
            .len()
            .min((len - within).min(usize::MAX as u64) as usize);
        match source {
            None => {
                buf[..n].fill(0);
                Ok(n)
            }
            Some((file, at)) => {
                file.read_exact_at(&mut buf[..n], at + within)?;
                Ok(n)
            }
        }
    }

    fn size(&self) -> u64 {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extent_lines_parse_and_sparse_ones_are_refused() {
        let e = parse_extent(r#"RW 2048 FLAT "disk-flat.vmdk" 0"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (e.sectors, e.name, e.offset),
            (2048, Some("disk-flat.vmdk"), 0)
        );
        assert!(parse_extent("RW 16 ZERO").unwrap().unwrap().name.is_none());
        assert!(
            parse_extent("ddb.geometry.heads = \"16\"")
                .unwrap()
                .is_none()
        );
        assert!(
            parse_extent(r#"RW 4192256 SPARSE "disk-s001.vmdk""#)
                .unwrap_err()
                .contains("SPARSE")
        );
        assert!(parse_extent("RW many FLAT").is_err());
    }

    #[test]
    fn an_extent_name_never_leaves_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/passwd", "..", "a\\b"] {
            let e = open_extent(Some(dir.path()), bad, 0, 512).err().unwrap();
            assert!(e.to_string().contains("not a file name"), "{bad}: {e}");
        }
    }
}
