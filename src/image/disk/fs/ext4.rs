//! ext2/3/4 read by inode number: superblock, group descriptors, inodes,
//! extent trees, linear directories, fast and slow symlinks.
//!
//! Hand-written, not `ext4-view`: that crate (1.0) resolves only paths, so
//! it gives no inode number or link count (hard links can't be told), and
//! its `Ext4` is an `Rc` over a `RefCell` reader, so it can't be shared by
//! the parallel workers [`DiskFs`] is for. What is read here is small and
//! documented (the kernel's `Documentation/filesystems/ext4/`): offsets are
//! the on-disk layout, every count and pointer is checked against the
//! partition before use, extent trees are depth-bounded.
//!
//! Not read: block-mapped files of ext2/3 (no extents flag), inline data,
//! encrypted directories, `meta_bg` layouts: said as
//! [`FsErrorKind::Unsupported`](super::FsErrorKind::Unsupported).

use super::extents::{Run, RunReader};
use super::{DirEntry, DiskFs, FsError, Kind, MAX_DIR_ENTRIES, MAX_LINK_TARGET, NodeId, Result};
use crate::image::disk::ReadAt;
use std::sync::Arc;

const INCOMPAT_META_BG: u32 = 0x10;
const INCOMPAT_64BIT: u32 = 0x80;
const EXTENTS_FL: u32 = 0x80000;
const INLINE_DATA_FL: u32 = 0x1000_0000;
const ENCRYPT_FL: u32 = 0x800;
/// The extent tree of the kernel has at most 5 levels.
const MAX_EXTENT_DEPTH: u16 = 5;
/// Directories larger than this are called corrupt (a real one with a
/// million entries is about 40 MiB).
const MAX_DIR_BYTES: u64 = 256 << 20;
const ROOT_INODE: u64 = 2;

/// An ext2/3/4 file system in a partition.
pub struct Ext4Fs {
    src: Arc<dyn ReadAt>,
    block_size: u64,
    inodes_per_group: u64,
    inode_size: u64,
    inodes_count: u64,
    /// Each group's inode table, as a byte offset.
    inode_tables: Vec<u64>,
}

/// What is used of an inode.
struct Inode {
    number: u64,
    mode: u16,
    size: u64,
    links: u16,
    flags: u32,
    block: [u8; 60],
}

impl Inode {
    fn kind(&self) -> Kind {
        match self.mode & 0xF000 {
            0x8000 => Kind::File,
            0x4000 => Kind::Dir,
            0xA000 => Kind::Symlink,
            _ => Kind::Other,
        }
    }

    fn what(&self) -> String {
        format!("ext4 inode {}", self.number)
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Ext4Fs {
    /// Reads the superblock and the group descriptors (nothing else).
    pub fn new(src: Arc<dyn ReadAt>) -> Result<Self> {
        let mut sb = [0u8; 1024];
        src.read_exact_at(&mut sb, 1024)
            .map_err(|e| FsError::corrupt("ext4 superblock", e))?;
        let bad = |d: &str| FsError::corrupt("ext4 superblock", d);
        if le16(&sb, 56) != 0xEF53 {
            return Err(bad("no ext2/3/4 magic"));
        }
        let log = le32(&sb, 24);
        if log > 6 {
            return Err(bad("block size over 64 KiB"));
        }
        let block_size = 1024u64 << log;
        let inodes_count = u64::from(le32(&sb, 0));
        let blocks_count = u64::from(le32(&sb, 4));
        let first_data_block = u64::from(le32(&sb, 20));
        let blocks_per_group = u64::from(le32(&sb, 32));
        let inodes_per_group = u64::from(le32(&sb, 40));
        let rev = le32(&sb, 76);
        let inode_size = if rev == 0 {
            128
        } else {
            u64::from(le16(&sb, 88))
        };
        let incompat = le32(&sb, 96);
        if blocks_per_group == 0 || inodes_per_group == 0 {
            return Err(bad("zero blocks or inodes per group"));
        }
        if !(128..=block_size).contains(&inode_size) || !inode_size.is_power_of_two() {
            return Err(bad(&format!("inode size {inode_size}")));
        }
        if incompat & INCOMPAT_META_BG != 0 {
            return Err(FsError::unsupported("ext4 superblock", "meta_bg layout"));
        }
        let blocks = if incompat & INCOMPAT_64BIT != 0 {
            blocks_count | u64::from(le32(&sb, 0x150)) << 32
        } else {
            blocks_count
        };
        let desc_size = if incompat & INCOMPAT_64BIT != 0 {
            u64::from(le16(&sb, 0xFE)).max(32)
        } else {
            32
        };
        let groups = blocks
            .saturating_sub(first_data_block)
            .div_ceil(blocks_per_group);
        if groups == 0 || groups.saturating_mul(inodes_per_group) < inodes_count {
            return Err(bad("group count does not cover the inodes"));
        }
        // The descriptor table must fit in the partition before it is
        // allocated.
        let table_len = groups.saturating_mul(desc_size);
        let table_at = (first_data_block + 1) * block_size;
        if table_at.saturating_add(table_len) > src.size() {
            return Err(bad("group descriptors past the end of the partition"));
        }
        let mut table = vec![0u8; table_len as usize];
        src.read_exact_at(&mut table, table_at)
            .map_err(|e| FsError::corrupt("ext4 group descriptors", e))?;
        let inode_tables = table
            .chunks_exact(desc_size as usize)
            .map(|d| {
                let lo = u64::from(le32(d, 8));
                let hi = if desc_size >= 64 {
                    u64::from(le32(d, 0x28))
                } else {
                    0
                };
                (hi << 32 | lo).saturating_mul(block_size)
            })
            .collect();
        let fs = Self {
            src,
            block_size,
            inodes_per_group,
            inode_size,
            inodes_count,
            inode_tables,
        };
        let root = fs.inode(ROOT_INODE)?;
        if root.kind() != Kind::Dir {
            return Err(FsError::corrupt(root.what(), "the root is not a directory"));
        }
        Ok(fs)
    }

    fn inode(&self, number: u64) -> Result<Inode> {
        let what = format!("ext4 inode {number}");
        if number == 0 || number > self.inodes_count {
            return Err(FsError::corrupt(what, "number out of range"));
        }
        let group = ((number - 1) / self.inodes_per_group) as usize;
        let index = (number - 1) % self.inodes_per_group;
        let table = *self
            .inode_tables
            .get(group)
            .ok_or_else(|| FsError::corrupt(&what, "no group descriptor"))?;
        let at = table.saturating_add(index * self.inode_size);
        let mut raw = [0u8; 128];
        self.src
            .read_exact_at(&mut raw, at)
            .map_err(|e| FsError::corrupt(&what, format!("inode table: {e}")))?;
        let mut block = [0u8; 60];
        block.copy_from_slice(&raw[40..100]);
        Ok(Inode {
            number,
            mode: le16(&raw, 0),
            size: u64::from(le32(&raw, 4)) | u64::from(le32(&raw, 108)) << 32,
            links: le16(&raw, 26),
            flags: le32(&raw, 32),
            block,
        })
    }

    /// The inode's data as runs (byte offsets), from its extent tree.
    fn runs(&self, inode: &Inode) -> Result<Vec<Run>> {
        if inode.flags & INLINE_DATA_FL != 0 {
            return Err(FsError::unsupported(inode.what(), "inline data"));
        }
        if inode.flags & EXTENTS_FL == 0 {
            return Err(FsError::unsupported(
                inode.what(),
                "block-mapped (ext2/3) file, only extents are read",
            ));
        }
        let mut runs = Vec::new();
        // Extents beyond the file's size would not be read anyway; a tree
        // that claims more entries than the file has blocks is corrupt.
        let max_runs = (inode.size / self.block_size + 1).min(1 << 22) as usize;
        // Index blocks visited: a tree whose index entries all point to
        // one block would otherwise be walked 340^4 times.
        let mut visits = max_runs.saturating_mul(2).saturating_add(64);
        let mut walk = Walk {
            runs: &mut runs,
            max_runs,
            visits: &mut visits,
        };
        self.walk_extents(inode, &inode.block, MAX_EXTENT_DEPTH, &mut walk)?;
        runs.sort_by_key(|r| r.logical);
        if runs
            .windows(2)
            .any(|w| w[0].logical + w[0].len > w[1].logical)
        {
            return Err(FsError::corrupt(inode.what(), "overlapping extents"));
        }
        Ok(runs)
    }

    fn walk_extents(
        &self,
        inode: &Inode,
        node: &[u8],
        depth_left: u16,
        walk: &mut Walk<'_>,
    ) -> Result<()> {
        let bad = |d: &str| FsError::corrupt(inode.what(), format!("extent tree: {d}"));
        if node.len() < 12 || le16(node, 0) != 0xF30A {
            return Err(bad("bad header magic"));
        }
        let entries = le16(node, 2) as usize;
        let depth = le16(node, 6);
        if 12 + entries * 12 > node.len() {
            return Err(bad("more entries than the node holds"));
        }
        if depth >= depth_left {
            return Err(bad("deeper than 5 levels"));
        }
        for e in node[12..12 + entries * 12].chunks_exact(12) {
            let logical = u64::from(le32(e, 0)) * self.block_size;
            if depth == 0 {
                let raw_len = le16(e, 4);
                let (len, unwritten) = if raw_len > 32768 {
                    (raw_len - 32768, true)
                } else {
                    (raw_len, false)
                };
                let start = u64::from(le16(e, 6)) << 32 | u64::from(le32(e, 8));
                let bytes = u64::from(len) * self.block_size;
                let physical = start.saturating_mul(self.block_size);
                if !unwritten && physical.saturating_add(bytes) > self.src.size() {
                    return Err(bad("extent past the end of the partition"));
                }
                if walk.runs.len() >= walk.max_runs {
                    return Err(bad("more extents than the file has blocks"));
                }
                walk.runs.push(Run {
                    logical,
                    len: bytes,
                    physical: (!unwritten).then_some(physical),
                });
            } else {
                if *walk.visits == 0 {
                    return Err(bad("more index blocks than the file has blocks"));
                }
                *walk.visits -= 1;
                let leaf = (u64::from(le16(e, 8)) << 32 | u64::from(le32(e, 4)))
                    .saturating_mul(self.block_size);
                let mut child = vec![0u8; self.block_size as usize];
                self.src
                    .read_exact_at(&mut child, leaf)
                    .map_err(|err| bad(&format!("index block: {err}")))?;
                self.walk_extents(inode, &child, depth, walk)?;
            }
        }
        Ok(())
    }

    fn reader(&self, inode: &Inode) -> Result<RunReader> {
        let runs = self.runs(inode)?;
        Ok(RunReader::new(self.src.clone(), runs, inode.size))
    }

    fn entry(&self, name: Vec<u8>, number: u64) -> Result<DirEntry> {
        let inode = self.inode(number)?;
        let kind = inode.kind();
        Ok(DirEntry {
            name,
            kind,
            size: if kind == Kind::Dir { 0 } else { inode.size },
            node: NodeId(number),
            perm: u32::from(inode.mode) & 0o7777,
            links: u32::from(inode.links),
            file_id: number,
            zone_identifier: None,
            damage: None,
        })
    }

    /// Parses directory blocks: `inode u32, rec_len u16, name_len u8,
    /// file_type u8, name`. An htree directory reads the same way (its
    /// index nodes look like empty entries), so no hash index is needed.
    fn parse_dir(&self, inode: &Inode, data: &[u8]) -> Result<Vec<(Vec<u8>, u64)>> {
        let mut out = Vec::new();
        for (b, block) in data.chunks(self.block_size as usize).enumerate() {
            let mut at = 0usize;
            while at + 8 <= block.len() {
                let ino = u64::from(le32(block, at));
                let rec_len = le16(block, at + 4) as usize;
                let name_len = block[at + 6] as usize;
                if rec_len < 8 || at + rec_len > block.len() || 8 + name_len > rec_len {
                    return Err(FsError::corrupt(
                        inode.what(),
                        format!("directory block {b}: bad entry at byte {at}"),
                    ));
                }
                let name = &block[at + 8..at + 8 + name_len];
                if ino != 0 && name != b"." && name != b".." && !name.is_empty() {
                    if out.len() >= MAX_DIR_ENTRIES {
                        return Err(FsError::corrupt(inode.what(), "too many directory entries"));
                    }
                    out.push((name.to_vec(), ino));
                }
                at += rec_len;
            }
        }
        Ok(out)
    }
}

/// What one extent-tree walk collects, and its bounds.
struct Walk<'a> {
    runs: &'a mut Vec<Run>,
    max_runs: usize,
    visits: &'a mut usize,
}

fn read_all(r: &dyn ReadAt, what: &str) -> Result<Vec<u8>> {
    let mut data = vec![0u8; r.size() as usize];
    r.read_exact_at(&mut data, 0)
        .map_err(|e| FsError::corrupt(what, e))?;
    Ok(data)
}

impl DiskFs for Ext4Fs {
    fn name(&self) -> &'static str {
        "ext4"
    }

    fn root(&self) -> NodeId {
        NodeId(ROOT_INODE)
    }

    fn list(&self, dir: NodeId) -> Result<Vec<DirEntry>> {
        let inode = self.inode(dir.0)?;
        if inode.kind() != Kind::Dir {
            return Err(FsError::not_found(inode.what(), "not a directory"));
        }
        if inode.flags & ENCRYPT_FL != 0 {
            return Err(FsError::unsupported(inode.what(), "encrypted directory"));
        }
        if inode.size > MAX_DIR_BYTES {
            return Err(FsError::corrupt(
                inode.what(),
                "directory larger than 256 MiB",
            ));
        }
        let runs = self.runs(&inode)?;
        // Directories have no holes: a size their blocks don't cover is
        // corrupt (and would allocate what the image claims).
        let covered: u64 = runs
            .iter()
            .filter(|r| r.physical.is_some())
            .map(|r| r.len)
            .sum();
        if inode.size > covered {
            return Err(FsError::corrupt(
                inode.what(),
                "directory size past its blocks",
            ));
        }
        let reader = RunReader::new(self.src.clone(), runs, inode.size);
        let data = read_all(&reader, &inode.what())?;
        self.parse_dir(&inode, &data)?
            .into_iter()
            .map(|(name, ino)| match self.entry(name.clone(), ino) {
                Ok(e) => Ok(e),
                Err(e) => Ok(super::damaged(name, ino, &e)),
            })
            .collect()
    }

    fn open(&self, node: NodeId) -> Result<Box<dyn ReadAt>> {
        let inode = self.inode(node.0)?;
        if inode.kind() != Kind::File {
            return Err(FsError::not_found(inode.what(), "not a regular file"));
        }
        Ok(Box::new(self.reader(&inode)?))
    }

    fn read_link(&self, node: NodeId) -> Result<Vec<u8>> {
        let inode = self.inode(node.0)?;
        if inode.kind() != Kind::Symlink {
            return Err(FsError::not_found(inode.what(), "not a symbolic link"));
        }
        if inode.size > MAX_LINK_TARGET {
            return Err(FsError::corrupt(inode.what(), "link target over 16 KiB"));
        }
        // A fast symlink keeps its target in the block map's 60 bytes.
        if inode.flags & (EXTENTS_FL | INLINE_DATA_FL) == 0 && inode.size < 60 {
            return Ok(inode.block[..inode.size as usize].to_vec());
        }
        if inode.flags & INLINE_DATA_FL != 0 && inode.size <= 60 {
            return Ok(inode.block[..inode.size as usize].to_vec());
        }
        read_all(&self.reader(&inode)?, &inode.what())
    }

    fn case_insensitive(&self) -> bool {
        false
    }
}
