//! FAT12/16/32 (the EFI system partition) through the `fatfs` crate
//! (MIT), read only, with long names.
//!
//! `fatfs` 0.3 opens files by path from a `FileSystem` that keeps its
//! reader in a `RefCell` and wants `Write`, so each call here builds its
//! own `FileSystem` over a fresh cursor (two sector reads) whose writes
//! fail; nothing is ever written. FAT has no inode numbers: a node is a
//! number this reader hands out per (parent, name), kept for the life of
//! the [`FatFs`]. Each call's cursor has a read budget, so a cluster chain
//! that loops (which `fatfs` does not detect) ends in an error instead of
//! a hang; every call runs under [`guarded`].

use super::budget::Budgeted;
use super::{DirEntry, DiskFs, FsError, Kind, MAX_DIR_ENTRIES, NodeId, Result, guarded};
use crate::image::disk::ReadAt;
use std::collections::HashMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Most bytes one listing may read, the path walk to the directory
/// included: a full directory is 2 MiB ([`MAX_FAT_ENTRIES`]), far more
/// than an EFI system partition holds.
const LIST_BUDGET: u64 = 8 << 20;

/// Whether a boot sector is a FAT one: the 0x55AA signature, a jump, a
/// power-of-two sector size and cluster size, and a FAT count.
pub(super) fn looks_like_fat(head: &[u8]) -> bool {
    if head.len() < 512 || head[510..512] != [0x55, 0xAA] || !matches!(head[0], 0xEB | 0xE9) {
        return false;
    }
    let sector = u16::from_le_bytes([head[11], head[12]]);
    let cluster = head[13];
    (512..=4096).contains(&sector)
        && sector.is_power_of_two()
        && cluster.is_power_of_two()
        && matches!(head[16], 1 | 2)
}

type Fs = fatfs::FileSystem<Budgeted>;

/// Most entries a FAT directory can hold (the specification's limit: a
/// directory is at most 2 MiB of 32-byte entries).
const MAX_FAT_ENTRIES: usize = 65_536;

/// Deepest directory listed. FAT has no directory identity `fatfs` gives
/// out (the first cluster is private to it), so a directory whose entry
/// points back at itself or an ancestor shows up as an endless chain of
/// new paths (`/a/a/a/...`); Windows' own path limit (260 characters)
/// ends real trees far earlier.
const MAX_DEPTH: usize = 128;

/// Most directories listed on one volume: a directory holding two entries
/// that point back at it doubles with each level, which the depth bound
/// alone would let grow to 2^128. An EFI system partition holds tens.
const MAX_LISTINGS: u64 = 2_000;

/// Most bytes all listings of one volume may read together (the path
/// walks to each directory included): a listing may read up to
/// [`LIST_BUDGET`], and a loop of directories whose chains loop too would
/// otherwise read that for each of [`MAX_LISTINGS`] directories. An EFI
/// system partition's listings read a few megabytes at most (Windows'
/// has about 60 directories).
const VOLUME_LIST_BUDGET: u64 = 16 << 20;

/// Node 0 is the root; every other node is a name in a parent.
#[derive(Default)]
struct Nodes {
    /// Parent, name, and the size its directory entry gives.
    names: Vec<(u64, String, u64)>,
    ids: HashMap<(u64, String), u64>,
    /// Directories listed so far.
    listed: u64,
}

struct Inner {
    src: Arc<dyn ReadAt>,
    nodes: Mutex<Nodes>,
    /// Bytes read by listings so far ([`VOLUME_LIST_BUDGET`]).
    listed_bytes: Arc<AtomicU64>,
}

/// A FAT12/16/32 volume in a partition.
pub struct FatFs {
    inner: Arc<Inner>,
    kind: &'static str,
}

fn fat_err(what: &str, e: io::Error) -> FsError {
    FsError::corrupt(what, e)
}

impl Inner {
    fn mount(&self, budget: u64) -> Result<Fs> {
        let disk = Budgeted::new(self.src.clone(), budget);
        fatfs::FileSystem::new(disk, fatfs::FsOptions::new())
            .map_err(|e| fat_err("FAT boot sector", e))
    }

    fn nodes(&self) -> std::sync::MutexGuard<'_, Nodes> {
        self.nodes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The path of a node from the root ("" for the root itself).
    fn path(&self, node: NodeId) -> Result<String> {
        let nodes = self.nodes();
        let mut parts = Vec::new();
        let mut at = node.0;
        while at != 0 {
            let Some((parent, name, _)) = nodes.names.get(at as usize - 1) else {
                return Err(FsError::not_found(
                    format!("FAT node {}", node.0),
                    "unknown node",
                ));
            };
            parts.push(name.as_str());
            at = *parent;
        }
        parts.reverse();
        Ok(parts.join("/"))
    }

    fn intern(&self, parent: u64, name: &str, size: u64) -> u64 {
        let mut nodes = self.nodes();
        let key = (parent, name.to_owned());
        if let Some(&id) = nodes.ids.get(&key) {
            nodes.names[id as usize - 1].2 = size;
            return id;
        }
        nodes.names.push((parent, name.to_owned(), size));
        let id = nodes.names.len() as u64;
        nodes.ids.insert(key, id);
        id
    }

    fn size(&self, node: NodeId) -> u64 {
        let nodes = self.nodes();
        node.0
            .checked_sub(1)
            .and_then(|i| nodes.names.get(i as usize))
            .map_or(0, |n| n.2)
    }

    fn list(&self, dir: NodeId) -> Result<Vec<DirEntry>> {
        let path = self.path(dir)?;
        let what = format!("FAT directory /{path}");
        if path.split('/').count() > MAX_DEPTH {
            return Err(FsError::corrupt(
                &what,
                format!("nested deeper than {MAX_DEPTH} levels (a directory loop); not listed"),
            ));
        }
        {
            let mut nodes = self.nodes();
            nodes.listed += 1;
            if nodes.listed > MAX_LISTINGS {
                return Err(FsError::corrupt(
                    &what,
                    format!(
                        "more than {MAX_LISTINGS} directories listed on this volume (a directory loop?); not listed"
                    ),
                ));
            }
        }
        let left = VOLUME_LIST_BUDGET.saturating_sub(self.listed_bytes.load(Ordering::Relaxed));
        if left == 0 {
            return Err(FsError::corrupt(
                &what,
                "the volume's listings read more than 16 MiB (a directory loop?); not listed",
            ));
        }
        let disk = Budgeted::new(self.src.clone(), LIST_BUDGET.min(left))
            .counted(self.listed_bytes.clone());
        let fs = fatfs::FileSystem::new(disk, fatfs::FsOptions::new())
            .map_err(|e| fat_err("FAT boot sector", e))?;
        let root = fs.root_dir();
        let d = if path.is_empty() {
            root
        } else {
            root.open_dir(&path).map_err(|e| fat_err(&what, e))?
        };
        let mut out = Vec::new();
        for entry in d.iter() {
            let entry = entry.map_err(|e| fat_err(&what, e))?;
            let name = entry.file_name();
            if name == "."
                || name == ".."
                || entry
                    .attributes()
                    .contains(fatfs::FileAttributes::VOLUME_ID)
            {
                continue;
            }
            if out.len() >= MAX_DIR_ENTRIES.min(MAX_FAT_ENTRIES) {
                return Err(FsError::corrupt(what, "too many directory entries"));
            }
            let kind = if entry.is_dir() {
                Kind::Dir
            } else {
                Kind::File
            };
            let size = if kind == Kind::Dir { 0 } else { entry.len() };
            let node = self.intern(dir.0, &name, size);
            out.push(DirEntry {
                name: name.into_bytes(),
                kind,
                size,
                node: NodeId(node),
                perm: super::default_perm(kind),
                links: 1,
                file_id: node,
                zone_identifier: None,
                damage: None,
            });
        }
        Ok(out)
    }
}

impl FatFs {
    /// Reads the boot sector (and FSInfo on FAT32) to check them.
    pub fn new(src: Arc<dyn ReadAt>) -> Result<Self> {
        let inner = Arc::new(Inner {
            src,
            nodes: Mutex::new(Nodes::default()),
            listed_bytes: Arc::default(),
        });
        let kind = guarded("FAT boot sector", || {
            let fs = inner.mount(1 << 20)?;
            Ok(match fs.fat_type() {
                fatfs::FatType::Fat12 => "fat12",
                fatfs::FatType::Fat16 => "fat16",
                fatfs::FatType::Fat32 => "fat32",
            })
        })?;
        Ok(Self { inner, kind })
    }
}

/// A file read by path on each call (the ESP holds a few small files).
struct FatFile {
    inner: Arc<Inner>,
    path: String,
    size: u64,
}

impl FatFile {
    fn read(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let what = format!("FAT file /{}", self.path);
        let want = buf.len().min((self.size - offset) as usize);
        // The chain walk to `offset` reads 4 bytes per cluster at most.
        let budget = (want as u64 + offset / 128 + (1 << 20)).saturating_mul(2);
        let fs = self.inner.mount(budget)?;
        let mut f = fs
            .root_dir()
            .open_file(&self.path)
            .map_err(|e| fat_err(&what, e))?;
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| fat_err(&what, e))?;
        let mut done = 0;
        while done < want {
            let n = f
                .read(&mut buf[done..want])
                .map_err(|e| fat_err(&what, e))?;
            if n == 0 {
                break;
            }
            done += n;
        }
        if done < want {
            return Err(FsError::corrupt(
                what,
                "the cluster chain ends before the file's size",
            ));
        }
        Ok(done)
    }
}

impl ReadAt for FatFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        if offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
        guarded(&format!("FAT file /{}", self.path), || {
            self.read(buf, offset)
        })
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn size(&self) -> u64 {
        self.size
    }
}

impl DiskFs for FatFs {
    fn name(&self) -> &'static str {
        self.kind
    }

    fn root(&self) -> NodeId {
        NodeId(0)
    }

    fn list(&self, dir: NodeId) -> Result<Vec<DirEntry>> {
        guarded(&format!("FAT node {}", dir.0), || self.inner.list(dir))
    }

    fn open(&self, node: NodeId) -> Result<Box<dyn ReadAt>> {
        let path = self.inner.path(node)?;
        let what = format!("FAT file /{path}");
        guarded(&what, || {
            // The path walk to the file is counted with the listings.
            let left =
                VOLUME_LIST_BUDGET.saturating_sub(self.inner.listed_bytes.load(Ordering::Relaxed));
            if left == 0 {
                return Err(FsError::corrupt(
                    &what,
                    "the volume's listings read more than 16 MiB (a directory loop?); not opened",
                ));
            }
            let disk = Budgeted::new(self.inner.src.clone(), LIST_BUDGET.min(left))
                .counted(self.inner.listed_bytes.clone());
            let fs = fatfs::FileSystem::new(disk, fatfs::FsOptions::new())
                .map_err(|e| fat_err("FAT boot sector", e))?;
            // Opened once to tell a file from a directory and a name
            // that went away; the size is the listed one (fatfs's
            // `seek(End)` stops where a damaged chain ends).
            fs.root_dir()
                .open_file(&path)
                .map_err(|e| fat_err(&what, e))?;
            let size = self.inner.size(node);
            Ok(Box::new(FatFile {
                inner: self.inner.clone(),
                path: path.clone(),
                size,
            }) as Box<dyn ReadAt>)
        })
    }

    fn read_link(&self, node: NodeId) -> Result<Vec<u8>> {
        Err(FsError::not_found(
            format!("FAT node {}", node.0),
            "FAT has no links",
        ))
    }

    fn case_insensitive(&self) -> bool {
        true
    }
}
