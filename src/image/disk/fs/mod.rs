//! File systems read inside a partition, never mounted: NTFS, ext4, FAT.
//!
//! [`DiskFs`] is the seam the walk and the collectors read an image
//! through when it is a disk file instead of a directory: list a directory
//! by node, open a file for positioned reads, read a link, resolve a path.
//! Every method takes `&self`; each call reads through its own cursor over
//! the shared [`ReadAt`], so rayon workers list and read at once.
//!
//! Nothing is read ahead: a listing reads the directory and one inode (MFT
//! record) per entry, an opened file reads only the bytes asked for.
//! Corrupt structures are errors naming the structure ("MFT record 1234:
//! …", "ext4 inode 12: …"); the third-party readers run under
//! [`crate::isolate::catch`] so a panic in them is an error too.

mod budget;
mod ext4;
mod extents;
mod fat;
mod ntfs;

pub use ext4::Ext4Fs;
pub use fat::FatFs;
pub use ntfs::NtfsFs;

use super::ReadAt;
use std::sync::Arc;

/// How many symbolic links one [`DiskFs::lookup`] follows before it calls
/// the path a loop (Linux's `MAXSYMLINKS`).
pub const MAX_LINK_HOPS: usize = 40;

/// Most entries one directory listing returns; a corrupt directory that
/// claims more is an error, not an allocation the image chooses.
pub const MAX_DIR_ENTRIES: usize = 1 << 20;

/// Longest link target read (bytes).
pub const MAX_LINK_TARGET: u64 = 16 * 1024;

/// A file, directory or link inside one file system: an inode number, an
/// MFT record number, or (FAT, which has neither) a number handed out by
/// the listing. Only meaningful to the [`DiskFs`] that returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u64);

/// What a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A symbolic link, or an NTFS reparse point that names a target (a
    /// symlink or a junction): [`DiskFs::read_link`] gives the target.
    Symlink,
    /// A device, socket, FIFO, or a reparse point without a target (a
    /// deduplicated or cloud file): listed, never read.
    Other,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// The name as stored: bytes on ext4, UTF-8 on NTFS and FAT (UTF-16
    /// names are converted; an unpaired surrogate becomes U+FFFD).
    pub name: Vec<u8>,
    pub kind: Kind,
    /// Length of the file's data (of the link target for a link); 0 for a
    /// directory.
    pub size: u64,
    /// Pass to [`DiskFs::open`], [`DiskFs::list`], [`DiskFs::read_link`].
    pub node: NodeId,
    /// Permission bits (`0o7777` of `st_mode`): ext4's own; on NTFS and
    /// FAT, which have none, 0o755 for a directory and 0o644 otherwise.
    pub perm: u32,
    /// Names the file has (hard links); 1 on FAT.
    pub links: u32,
    /// Equal for two names of one file (inode or MFT record number): the
    /// walk reads a hard-linked file once.
    pub file_id: u64,
    /// NTFS only: the `Zone.Identifier` alternate data stream Windows
    /// attaches to downloaded files (`[ZoneTransfer] ZoneId=3`,
    /// `HostUrl=…`), evidence of where the file came from. Other streams
    /// are ignored. At most [`MAX_ZONE_IDENTIFIER`] bytes.
    pub zone_identifier: Option<Vec<u8>>,
    /// Set when the directory names this entry but its own record (MFT
    /// record, inode) does not read: the error, naming the structure. The
    /// entry's `kind` is then [`Kind::Other`]; the rest of the directory
    /// lists as usual, so one damaged file costs only itself.
    pub damage: Option<String>,
}

/// Longest `Zone.Identifier` stream kept (they are a few hundred bytes).
pub const MAX_ZONE_IDENTIFIER: u64 = 4096;

/// An entry whose own record does not read (see [`DirEntry::damage`]).
pub(crate) fn damaged(name: Vec<u8>, node: u64, e: &FsError) -> DirEntry {
    DirEntry {
        name,
        kind: Kind::Other,
        size: 0,
        node: NodeId(node),
        perm: 0,
        links: 1,
        file_id: node,
        zone_identifier: None,
        damage: Some(e.to_string()),
    }
}

/// The permission bits of a file system without Unix modes (NTFS, FAT).
pub(crate) fn default_perm(kind: Kind) -> u32 {
    if kind == Kind::Dir { 0o755 } else { 0o644 }
}

impl DirEntry {
    /// The name for messages and comparisons (lossy for non-UTF-8 ext4
    /// names).
    pub fn name_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.name)
    }
}

/// What went wrong inside a file system: the structure and the detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{structure}: {detail}")]
pub struct FsError {
    pub kind: FsErrorKind,
    /// "ext4 inode 12", "MFT record 1234", "FAT boot sector", a path.
    pub structure: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsErrorKind {
    /// A structure that does not hold together (bad magic, a pointer past
    /// the end, a loop), or a read of the source that failed.
    Corrupt,
    /// Valid but not read by sovscan (a compressed NTFS file, an ext4
    /// feature), said as such so a report can tell it from damage.
    Unsupported,
    /// A path that does not exist, or a node of the wrong kind.
    NotFound,
}

impl FsError {
    pub fn corrupt(structure: impl Into<String>, detail: impl ToString) -> Self {
        Self {
            kind: FsErrorKind::Corrupt,
            structure: structure.into(),
            detail: detail.to_string(),
        }
    }

    pub fn unsupported(structure: impl Into<String>, detail: impl ToString) -> Self {
        Self {
            kind: FsErrorKind::Unsupported,
            structure: structure.into(),
            detail: detail.to_string(),
        }
    }

    pub fn not_found(structure: impl Into<String>, detail: impl ToString) -> Self {
        Self {
            kind: FsErrorKind::NotFound,
            structure: structure.into(),
            detail: detail.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, FsError>;

/// A read-only file system inside a partition.
pub trait DiskFs: Send + Sync {
    /// "ntfs", "ext4", "fat32"…, for messages and the report.
    fn name(&self) -> &'static str;

    /// The root directory.
    fn root(&self) -> NodeId;

    /// The entries of a directory, without `.` and `..` (and, on NTFS, the
    /// `$` metadata files of the root, as Windows hides them).
    fn list(&self, dir: NodeId) -> Result<Vec<DirEntry>>;

    /// A regular file's data, read on demand: nothing is read until the
    /// caller reads, and then only what it asks for.
    fn open(&self, node: NodeId) -> Result<Box<dyn ReadAt>>;

    /// A link's target as stored (NTFS: the substitute name with `\`
    /// turned into `/` and a `\??\C:` prefix removed), at most
    /// [`MAX_LINK_TARGET`] bytes.
    fn read_link(&self, node: NodeId) -> Result<Vec<u8>>;

    /// Whether names compare without case (NTFS and FAT, as Windows does).
    fn case_insensitive(&self) -> bool;

    /// Resolves a `/`-separated path from the root inside this file
    /// system: links on the way (and at the end) are followed, absolute
    /// targets from this file system's root, never outside it; `..` stops
    /// at the root; more than [`MAX_LINK_HOPS`] links is a loop error.
    /// `Ok(None)` when a component does not exist.
    fn lookup(&self, path: &str) -> Result<Option<DirEntry>> {
        resolve(self, path)
    }
}

/// Shared by every file system (see [`DiskFs::lookup`]): a stack of the
/// directories passed through, so `..` and relative link targets resolve
/// like the kernel's path walk.
fn resolve<F: DiskFs + ?Sized>(fs: &F, path: &str) -> Result<Option<DirEntry>> {
    let mut pending: Vec<Vec<u8>> = components(path.as_bytes());
    pending.reverse();
    // The directories from the root to the current one (root excluded).
    let mut stack: Vec<DirEntry> = Vec::new();
    let mut hops = 0usize;
    while let Some(name) = pending.pop() {
        match name.as_slice() {
            b"." => continue,
            b".." => {
                stack.pop();
                continue;
            }
            _ => {}
        }
        let dir = stack.last().map_or(fs.root(), |d| d.node);
        let entries = fs.list(dir)?;
        let found = entries
            .into_iter()
            .find(|e| same_name(&e.name, &name, fs.case_insensitive()));
        let Some(entry) = found else {
            return Ok(None);
        };
        match entry.kind {
            Kind::Symlink => {
                hops += 1;
                if hops > MAX_LINK_HOPS {
                    return Err(FsError::corrupt(
                        path,
                        format!("more than {MAX_LINK_HOPS} symbolic links (a loop)"),
                    ));
                }
                let target = fs.read_link(entry.node)?;
                if target.first() == Some(&b'/') {
                    stack.clear();
                }
                let mut more = components(&target);
                more.reverse();
                pending.extend(more);
            }
            Kind::Dir => stack.push(entry),
            _ if pending.is_empty() => return Ok(Some(entry)),
            // A file in the middle of a path.
            _ => return Ok(None),
        }
    }
    Ok(Some(stack.pop().unwrap_or_else(|| root_entry(fs))))
}

fn root_entry<F: DiskFs + ?Sized>(fs: &F) -> DirEntry {
    let root = fs.root();
    DirEntry {
        name: Vec::new(),
        kind: Kind::Dir,
        size: 0,
        node: root,
        perm: 0o755,
        links: 1,
        file_id: root.0,
        zone_identifier: None,
        damage: None,
    }
}

fn components(path: &[u8]) -> Vec<Vec<u8>> {
    path.split(|&b| b == b'/')
        .filter(|c| !c.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn same_name(a: &[u8], b: &[u8], fold: bool) -> bool {
    if !fold {
        return a == b;
    }
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(a), Ok(b)) => {
            a.len() == b.len() && a.eq_ignore_ascii_case(b)
                || a.chars()
                    .flat_map(char::to_uppercase)
                    .eq(b.chars().flat_map(char::to_uppercase))
        }
        _ => a == b,
    }
}

/// The file system in a partition, told by its boot sector or superblock;
/// `Ok(None)` when none of NTFS, ext2/3/4 or FAT is recognised.
pub fn open(src: Arc<dyn ReadAt>) -> Result<Option<Box<dyn DiskFs>>> {
    let mut head = vec![0u8; 2048];
    let n = src
        .read_at(&mut head, 0)
        .map_err(|e| FsError::corrupt("partition start", e))?;
    head.truncate(n);
    if head.get(3..11) == Some(b"NTFS    ") {
        return Ok(Some(Box::new(NtfsFs::new(src)?)));
    }
    if head.get(1080..1082) == Some(&[0x53, 0xEF]) {
        return Ok(Some(Box::new(Ext4Fs::new(src)?)));
    }
    if fat::looks_like_fat(&head) {
        return Ok(Some(Box::new(FatFs::new(src)?)));
    }
    Ok(None)
}

/// Turns a panic of a third-party reader into an error naming `structure`.
fn guarded<T>(structure: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    crate::isolate::catch(f).unwrap_or_else(|p| {
        Err(FsError::corrupt(
            structure,
            format!("the reader panicked: {p}"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_only_where_asked() {
        assert!(same_name(b"System32", b"SYSTEM32", true));
        assert!(!same_name(b"System32", b"SYSTEM32", false));
        assert!(same_name("Straße".as_bytes(), "STRASSE".as_bytes(), true));
        assert!(same_name("ÄPFEL".as_bytes(), "äpfel".as_bytes(), true));
        assert!(!same_name(b"a", b"ab", true));
        assert!(!same_name(b"\xff", b"\xfe", true));
        assert_eq!(
            components(b"//a/./b//"),
            [b"a".to_vec(), b".".to_vec(), b"b".to_vec()]
        );
    }

    #[test]
    fn nothing_recognised_is_none() {
        let src: Arc<dyn ReadAt> = Arc::new(vec![0u8; 4096]);
        assert!(open(src).unwrap().is_none());
        let src: Arc<dyn ReadAt> = Arc::new(Vec::new());
        assert!(open(src).unwrap().is_none());
    }
}
