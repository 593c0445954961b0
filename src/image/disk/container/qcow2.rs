//! qcow2 (QEMU copy-on-write, versions 2 and 3), read-only.
//!
//! Layout (big-endian): a header at offset 0; an L1 table of 8-byte
//! entries, each the file offset of an L2 table (one cluster of 8-byte
//! entries); an L2 entry is either a standard cluster (file offset, or 0 =
//! unallocated, bit 0 = reads as zeros in v3) or a compressed cluster
//! (bit 62: offset and sector count packed by the cluster size; raw
//! deflate). Unallocated clusters read from the backing file when the
//! image has one, else as zeros. Refcounts and snapshots are never needed
//! to read the active disk and are not read.

use std::sync::Arc;

use super::cache::{Bounded, Meta};
use super::{Mapped, Run, inflate, mapped_read_at};
use crate::image::disk::{DiskError, ReadAt};

pub const MAGIC: &[u8] = b"QFI\xfb";
const F: &str = "qcow2";
/// Offset bits of an L1 entry and a standard L2 entry (bits 9–55).
const OFFSET_MASK: u64 = 0x00ff_ffff_ffff_fe00;
const COMPRESSED: u64 = 1 << 62;
/// Decompressed clusters kept (each one cluster, at most 2 MiB).
const INFLATED: usize = 16;

/// An opened qcow2 image.
pub struct Qcow2 {
    meta: Meta<Arc<dyn ReadAt>>,
    parent: Option<Arc<dyn ReadAt>>,
    size: u64,
    cluster_bits: u32,
    l1_offset: u64,
    l1_entries: u64,
    inflated: Bounded<Vec<u8>>,
}

impl Qcow2 {
    /// Reads and checks the header; `parent` is read for unallocated
    /// clusters and must be given when the header names a backing file.
    pub fn open(file: Arc<dyn ReadAt>, parent: Option<Arc<dyn ReadAt>>) -> Result<Self, DiskError> {
        let mut h = [0u8; 112];
        file.read_exact_at(&mut h[..72], 0)
            .map_err(DiskError::io(F, "header"))?;
        let version = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
        if !(2..=3).contains(&version) {
            return Err(DiskError::unsupported(F, format!("version {version}")));
        }
        if version == 3 {
            file.read_exact_at(&mut h[72..104], 72)
                .map_err(DiskError::io(F, "header"))?;
        }
        let be32 = |o: usize| u32::from_be_bytes(h[o..o + 4].try_into().unwrap_or_default());
        let be64 = |o: usize| u64::from_be_bytes(h[o..o + 8].try_into().unwrap_or_default());
        let (backing_off, backing_len) = (be64(8), be32(16));
        let cluster_bits = be32(20);
        let size = be64(24);
        let crypt = be32(32);
        let l1_entries = u64::from(be32(36));
        let l1_offset = be64(40);
        if !(9..=21).contains(&cluster_bits) {
            return Err(DiskError::corrupt(
                F,
                "header",
                format!("cluster size 2^{cluster_bits} is outside 512 B..2 MiB"),
            ));
        }
        if crypt != 0 {
            return Err(DiskError::unsupported(
                F,
                format!("an encrypted image (crypt method {crypt})"),
            ));
        }
        if version == 3 {
            check_features(be64(72), &file, be32(100))?;
        }
        let cluster = 1u64 << cluster_bits;
        let per_l2 = cluster / 8;
        let needed = size.div_ceil(cluster).div_ceil(per_l2);
        if l1_entries < needed {
            return Err(DiskError::corrupt(
                F,
                "L1 table",
                format!("{l1_entries} entries cannot map a {size}-byte disk ({needed} needed)"),
            ));
        }
        let file_size = file.size();
        if !l1_offset.is_multiple_of(cluster) || l1_offset.saturating_add(needed * 8) > file_size {
            return Err(DiskError::corrupt(
                F,
                "L1 table",
                format!(
                    "offset {l1_offset} is unaligned or past the end of the file ({file_size})"
                ),
            ));
        }
        let backing = backing_name(&file, backing_off, backing_len)?;
        if let (Some(name), None) = (&backing, &parent) {
            return Err(DiskError::Missing {
                format: F,
                what: "backing file",
                name: name.clone(),
            });
        }
        Ok(Self {
            meta: Meta::new(file),
            parent: backing.and(parent),
            size,
            cluster_bits,
            l1_offset,
            l1_entries: needed,
            inflated: Bounded::new(INFLATED),
        })
    }

    /// The backing file named in the header, if any.
    pub fn has_parent(&self) -> bool {
        self.parent.is_some()
    }

    fn cluster(&self) -> u64 {
        1 << self.cluster_bits
    }

    /// The L2 entry of virtual cluster `vc`, or `None` when its L2 table is
    /// unallocated.
    fn l2_entry(&self, vc: u64) -> Result<Option<u64>, DiskError> {
        let per_l2 = self.cluster() / 8;
        let (l1_index, l2_index) = (vc / per_l2, vc % per_l2);
        if l1_index >= self.l1_entries {
            return Err(DiskError::corrupt(
                F,
                "L1 table",
                format!("no entry {l1_index}"),
            ));
        }
        let l1 = self
            .meta
            .u64_be(self.l1_offset + l1_index * 8)
            .map_err(DiskError::io(F, "L1 table"))?;
        let l2_offset = l1 & OFFSET_MASK;
        if l2_offset == 0 {
            return Ok(None);
        }
        if !l2_offset.is_multiple_of(self.cluster())
            || l2_offset + self.cluster() > self.meta.file().size()
        {
            return Err(DiskError::corrupt(
                F,
                "L1 table",
                format!(
                    "entry {l1_index} points to an L2 table at {l2_offset}, unaligned or past the end of the file"
                ),
            ));
        }
        self.meta
            .u64_be(l2_offset + l2_index * 8)
            .map(Some)
            .map_err(DiskError::io(F, "L2 table"))
    }
}

/// Rejects v3 images whose incompatible features change how data is laid
/// out (external data file, extended L2 entries, a non-deflate codec).
fn check_features(incompatible: u64, file: &dyn ReadAt, header_len: u32) -> Result<(), DiskError> {
    // Bit 0 (dirty: refcounts stale) and bit 1 (corrupt: qemu refuses to
    // write, reading is allowed) do not affect reading.
    let known = 0b11;
    if incompatible & (1 << 2) != 0 {
        return Err(DiskError::unsupported(F, "an external data file"));
    }
    if incompatible & (1 << 4) != 0 {
        return Err(DiskError::unsupported(
            F,
            "extended L2 entries (subclusters)",
        ));
    }
    if incompatible & (1 << 3) != 0 && header_len > 104 {
        let mut t = [0u8; 1];
        file.read_exact_at(&mut t, 104)
            .map_err(DiskError::io(F, "header"))?;
        if t[0] != 0 {
            return Err(DiskError::unsupported(
                F,
                format!("compression type {} (zstd)", t[0]),
            ));
        }
    }
    let unknown = incompatible & !(known | (1 << 3));
    if unknown != 0 {
        return Err(DiskError::unsupported(
            F,
            format!("incompatible feature bits {unknown:#x}"),
        ));
    }
    Ok(())
}

fn backing_name(file: &dyn ReadAt, offset: u64, len: u32) -> Result<Option<String>, DiskError> {
    if offset == 0 {
        return Ok(None);
    }
    if len == 0 || len > 1023 {
        return Err(DiskError::corrupt(
            F,
            "header",
            format!("backing file name of {len} bytes"),
        ));
    }
    let mut name = vec![0u8; len as usize];
    file.read_exact_at(&mut name, offset)
        .map_err(DiskError::io(F, "backing file name"))?;
    Ok(Some(String::from_utf8_lossy(&name).into_owned()))
}

impl Mapped for Qcow2 {
    fn virtual_size(&self) -> u64 {
        self.size
    }

    fn locate(&self, offset: u64) -> Result<(Run, u64), DiskError> {
        let cluster = self.cluster();
        let vc = offset >> self.cluster_bits;
        let within = offset & (cluster - 1);
        let rest = cluster - within;
        let unallocated = if self.parent.is_some() {
            Run::Parent
        } else {
            Run::Zero
        };
        let Some(entry) = self.l2_entry(vc)? else {
            return Ok((unallocated, rest));
        };
        if entry & COMPRESSED != 0 {
            return Ok((
                Run::Compressed {
                    key: vc,
                    skip: within as usize,
                },
                rest,
            ));
        }
        let host = entry & OFFSET_MASK;
        if entry & 1 != 0 {
            return Ok((Run::Zero, rest));
        }
        if host == 0 {
            return Ok((unallocated, rest));
        }
        let file_size = self.meta.file().size();
        if !host.is_multiple_of(cluster) || host.saturating_add(cluster) > file_size {
            return Err(DiskError::corrupt(
                F,
                "L2 table",
                format!(
                    "the entry for virtual cluster {vc} points to {host}, unaligned or past the end of the file ({file_size})"
                ),
            ));
        }
        Ok((Run::Data(host + within), rest))
    }

    fn host(&self) -> &dyn ReadAt {
        &**self.meta.file()
    }

    fn parent(&self) -> Option<&dyn ReadAt> {
        self.parent.as_deref()
    }

    fn inflate(&self, vc: u64) -> Result<Arc<Vec<u8>>, DiskError> {
        self.inflated.get_or(vc, || {
            let entry = self.l2_entry(vc)?.unwrap_or(0);
            // Offset in the low (62 - (cluster_bits - 8)) bits, then the
            // count of additional 512-byte sectors.
            let shift = 62 - (self.cluster_bits - 8);
            let host = entry & ((1u64 << shift) - 1);
            let sectors = ((entry & (COMPRESSED - 1)) >> shift) + 1;
            let len = (sectors * 512 - (host & 511)).min(self.cluster() + 1024);
            let file_size = self.meta.file().size();
            if host >= file_size {
                return Err(DiskError::corrupt(
                    F,
                    "L2 table",
                    format!("compressed cluster {vc} at {host} is past the end of the file ({file_size})"),
                ));
            }
            // The sector count is rounded up: the last cluster's may pass
            // the end of the file.
            let len = len.min(file_size - host) as usize;
            let mut input = vec![0u8; len];
            self.meta
                .file()
                .read_exact_at(&mut input, host)
                .map_err(DiskError::io(F, "compressed cluster"))?;
            inflate(&input, self.cluster() as usize, false).map_err(|e| {
                DiskError::corrupt(F, "compressed cluster", format!("virtual cluster {vc}: {e}"))
            })
        })
    }

    fn format(&self) -> &'static str {
        F
    }
}

mapped_read_at!(Qcow2);
