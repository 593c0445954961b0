//! The walk of a file system inside a disk image ([`DiskRoot`]): the same
//! tasks, counts, candidates and guarantees as the host walk, with the
//! file system's listings in place of `getdents64` and its data runs in
//! place of descriptors.
//!
//! What differs, and why:
//! - a listing already carries each entry's type, size, link count and
//!   file id (an NTFS listing reads the MFT record of each entry, an ext4
//!   one its inode), so no entry is stat'ed again;
//! - one file system is one partition: there are no mount points to stop
//!   at;
//! - a corrupt file system can list a directory inside itself, which a
//!   kernel never shows: a directory met twice is an error and is not
//!   entered again, so the walk always ends;
//! - special files (devices, FIFOs, sockets) and NTFS reparse points
//!   without a target are listed as skipped, never opened;
//! - an open file holds no descriptor (its reads go through the image's
//!   one open file), so the bound on files in flight is only one on memory.

use super::{
    Candidate, HEAD, MIN_BINARY, Shared, Tally, hand_on, is_candidate, judge_link, read_head,
};
use crate::image::DiskRoot;
use crate::image::disk::fs::{DirEntry, Kind};

/// Lists a directory of the file system and handles each entry; a
/// directory is a task of its own.
pub(super) fn visit_dir<'s, F>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s, F>,
    root: &'s DiskRoot,
    dir: DirEntry,
    rel: String,
) where
    F: Fn(Candidate) + Sync,
{
    let first = sh
        .seen_dirs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(dir.file_id);
    if !first {
        sh.error(
            &rel,
            "directory met twice (the file system loops here); not entered again",
        );
        return;
    }
    let entries = match root.fs().list(dir.node) {
        Ok(e) => e,
        Err(e) => {
            sh.error(&rel, format!("cannot read directory: {e}"));
            return;
        }
    };
    let mut tally = Tally::default();
    for entry in entries {
        let (name_text, escaped) = crate::paths::display_bytes(&entry.name);
        let child_rel = if rel.is_empty() {
            name_text
        } else {
            format!("{rel}/{name_text}")
        };
        if escaped {
            sh.skip(
                &child_rel,
                "file name is not UTF-8 (shown escaped; still scanned)",
            );
        }
        if let Some(ex) = &sh.opts.exclude
            && ex.is_match(&child_rel)
        {
            continue;
        }
        match entry.kind {
            Kind::Symlink => {
                tally.symlinks += 1;
                match root.fs().read_link(entry.node) {
                    Ok(target) => judge_link(sh, &child_rel, &target),
                    Err(e) => sh.error(&child_rel, format!("cannot read symlink: {e}")),
                }
            }
            Kind::Dir => {
                tally.dirs += 1;
                s.spawn(move |s| visit_dir(s, sh, root, entry, child_rel));
            }
            Kind::File => handle_file(s, sh, root, entry, child_rel, &mut tally),
            Kind::Other => match &entry.damage {
                Some(d) => sh.error(&child_rel, d),
                None => sh.skip(
                    &child_rel,
                    "special file or reparse point without a target (not opened)",
                ),
            },
        }
    }
    tally.add_to(sh.counters);
    if !tally.batch.is_empty() {
        hand_on(s, sh, tally.batch);
    }
}

/// A regular file: counted; unless it is too small to be a binary, its
/// first bytes read; handed on as a [`Candidate`] when they say binary.
fn handle_file<'s, F>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s, F>,
    root: &'s DiskRoot,
    entry: DirEntry,
    rel: String,
    tally: &mut Tally,
) where
    F: Fn(Candidate) + Sync,
{
    tally.files += 1;
    let size = entry.size;
    tally.bytes += size;
    sh.manifest(&rel, size);
    let named = is_candidate(entry.perm, &entry.name);
    if size < MIN_BINARY && !named {
        return;
    }
    tally.sniffed += 1;
    let file = match root.open_entry(&entry) {
        Ok(f) => f,
        Err(e) if named => {
            sh.error(&rel, format!("cannot open: {e}"));
            return;
        }
        Err(_) => return,
    };
    let mut head = [0u8; HEAD];
    let n = match read_head(|b, at| file.read_at(b, at), &mut head, size) {
        Ok(n) => n,
        Err(e) => {
            if named {
                sh.error(&rel, format!("cannot read: {e}"));
            }
            return;
        }
    };
    let head = &head[..n];
    if let Some(filter) = sh.opts.head_filter
        && !filter(head, named)
    {
        return;
    }
    let meta = root.snapshot(&entry);
    if !sh.first_name(&meta, &rel) {
        return;
    }
    let cand = Candidate {
        rel,
        size: meta.len,
        mode: meta.mode,
        dev: meta.dev,
        ino: meta.ino,
        file,
        meta,
        head: head.to_vec(),
        zone: entry.zone_identifier,
    };
    sh.candidate(s, cand, tally);
}
