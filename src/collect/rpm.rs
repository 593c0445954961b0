//! Red Hat, Fedora, SUSE and derivatives: the rpm package database.
//!
//! rpm has stored its database in three formats: Berkeley DB `Packages`
//! (up to RHEL 8 and Fedora 32), ndb `Packages.db` (openSUSE, SLE 15) and
//! sqlite `rpmdb.sqlite` (Fedora 33+, RHEL 9). All three hold the same
//! thing, one binary rpm header per package; the `rpmdb` crate reads each,
//! detecting the format from the content. Newer systems keep the database in
//! `usr/lib/sysimage/rpm` and make `var/lib/rpm` a link to it; the first
//! location that exists (inside the image) is the database rpm would use.
//!
//! The crate is a third-party parser facing hostile files, and reading its
//! source shows inputs on which it panics, loops forever or allocates
//! without bound. So the database is copied to a private temporary file
//! (which also keeps sqlite from writing `-wal`/`-shm` files into the image
//! and lets read-only mounts work), the bdb and ndb layouts are checked for
//! the unbounded cases first (`preflight`), and the parse runs on its own
//! thread under `catch_unwind` with a deadline (`isolated`). The crate
//! fails the whole database on one bad header, so that is an error for the
//! file, not a warning for the record.

use super::Collector;
use crate::bounded;
use crate::formats::bytes::{le16, le32};
use crate::image::{Image, ResolveError};
use crate::isolate::Panic;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source, prop};
use crate::model::purl::{Distro, purl};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

pub struct Rpm;

/// Database locations in the order rpm's own defaults moved through them.
const DATABASES: &[&str] = &[
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/Packages.db",
    "var/lib/rpm/Packages.db",
    "var/lib/rpm/Packages",
    "usr/share/rpm/Packages",
];

/// How long the parser may take before its database is given up on: far
/// more than a real database needs (a few seconds for thousands of packages).
const PARSE_BASE: Duration = Duration::from_secs(120);
const PARSE_PER_MIB: Duration = Duration::from_secs(2);

impl Collector for Rpm {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let Some(db) = locate(image, out) else {
            return;
        };
        let headers = match read_database(image, &db) {
            Ok(h) => h,
            Err(e) => {
                out.error(&db, e);
                return;
            }
        };
        let distro = Distro::new(image.os.id.as_deref(), image.os.version.as_deref(), "");
        for h in headers {
            // Imported signing keys are stored as headers named gpg-pubkey.
            if h.name == "gpg-pubkey" {
                continue;
            }
            if h.name.is_empty() {
                out.warn(&db, "package header without a name");
                continue;
            }
            let pkg = convert(h, &db, &distro, out);
            out.packages.push(pkg);
        }
    }
}

/// The canonical image path of the database in use, if any. Names that
/// resolve to the same file (through the `var/lib/rpm` link) are one
/// database, so the first hit is the only one.
fn locate(image: &Image, out: &mut Inventory) -> Option<String> {
    for rel in DATABASES {
        match image.fs.resolve(rel) {
            Ok(real) => return Some(crate::paths::display(&real).0),
            Err(ResolveError::NotFound | ResolveError::NotADirectory) => {}
            Err(e) => out.error(*rel, e),
        }
    }
    None
}

/// Why a database was not read; the message is its error entry.
#[derive(Debug, thiserror::Error)]
enum DbError {
    /// The file system refused (the database, or its private copy).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("not a regular file")]
    NotARegularFile,
    #[error("temporary directory: {0}")]
    TempDir(std::io::Error),
    #[error("copying out of the image: {0}")]
    Copy(std::io::Error),
    /// The write-ahead log beside the database, and why it wasn't copied.
    #[error("{wal}: {source}")]
    Wal { wal: String, source: Box<DbError> },
    /// A bdb or ndb layout on which the crate would never return or would
    /// allocate without bound ([`preflight`]).
    #[error("corrupt {format} database: {problem}")]
    Corrupt {
        format: &'static str,
        problem: String,
    },
    /// The crate's own error.
    #[error("not a readable rpm database: {0}")]
    Unreadable(rpmdb::RpmdbError),
    #[error("rpm database parser crashed: {0}")]
    Crashed(Panic),
    #[error("cannot start the parser thread: {0}")]
    Thread(std::io::Error),
    #[error("rpm database parser gave no result within {} s; database skipped", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("rpm database parser stopped without a result")]
    Stopped,
}

/// Copies the database (and a sqlite write-ahead log beside it) out of the
/// image and parses the copy.
fn read_database(image: &Image, db: &str) -> Result<Vec<rpmdb::Package>, DbError> {
    let meta = image.fs.stat(db).map_err(std::io::Error::other)?;
    if meta.kind != rustix::fs::FileType::RegularFile {
        return Err(DbError::NotARegularFile);
    }
    let tmp = tempfile::tempdir().map_err(DbError::TempDir)?;
    let copy = tmp.path().join(crate::paths::file_name(db));
    copy_private(image, db, &copy)?;
    // Committed transactions may still sit in the log; sqlite replays it
    // when it opens the copy.
    let wal = format!("{db}-wal");
    if image.fs.is_file(&wal) {
        let mut name = copy.clone().into_os_string();
        name.push("-wal");
        copy_private(image, &wal, Path::new(&name)).map_err(|e| DbError::Wal {
            wal: wal.clone(),
            source: Box::new(e),
        })?;
    }
    preflight(&copy)?;
    let mib = u32::try_from(meta.len >> 20).unwrap_or(u32::MAX);
    let limit = PARSE_BASE.saturating_add(PARSE_PER_MIB.saturating_mul(mib));
    isolated(limit, move || {
        rpmdb::read_packages(copy).map_err(DbError::Unreadable)
    })
}

fn copy_private(image: &Image, from: &str, to: &Path) -> Result<(), DbError> {
    use std::os::unix::fs::PermissionsExt;
    // Opened as every image file is (relative to the root's descriptor): a
    // FIFO or device swapped in since the type was checked is refused, not
    // waited on or read without end.
    let cap = bounded::DATABASE;
    let src = crate::image::read::open(image, from)
        .map_err(|e| DbError::Io(std::io::Error::other(e.to_string())))?
        .ok_or_else(|| DbError::Io(std::io::ErrorKind::NotFound.into()))?;
    let mut dst = File::create(to).map_err(DbError::Copy)?;
    let n = std::io::copy(&mut std::io::Read::take(src, cap.bytes + 1), &mut dst)
        .map_err(DbError::Copy)?;
    if n > cap.bytes {
        return Err(DbError::Io(bounded::too_large(cap)));
    }
    // The copy keeps the image file's mode; sqlite needs to write beside a
    // WAL-mode database even to read it.
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600)).map_err(DbError::Copy)
}

/// Runs a parser on its own thread, turning a panic or a missed deadline
/// into an error. A parser that never returns is left running, detached:
/// threads can't be killed, and the scan must go on.
fn isolated<T, F>(limit: Duration, parse: F) -> Result<T, DbError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, DbError> + Send + 'static,
{
    use std::sync::mpsc::{RecvTimeoutError, channel};
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("rpmdb-parse".into())
        .spawn(move || {
            let result = crate::isolate::catch(parse).unwrap_or_else(|p| Err(DbError::Crashed(p)));
            let _ = tx.send(result);
        })
        .map_err(DbError::Thread)?;
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => Err(DbError::Timeout(limit)),
        Err(RecvTimeoutError::Disconnected) => Err(DbError::Stopped),
    }
}

fn convert(h: rpmdb::Package, db: &str, distro: &Distro, out: &mut Inventory) -> Package {
    let vr = format!("{}-{}", h.version, h.release);
    let evr = if h.epoch != 0 {
        format!("{}:{vr}", h.epoch)
    } else {
        vr.clone()
    };
    let nevra = format!("{}-{evr}.{}", h.name, h.arch);
    let mut pkg = Package::new(
        Source::Rpm,
        &h.name,
        Evidence::new(db, "rpmdb", format!("header {nevra}")),
    );
    pkg.version = Some(evr);
    pkg.arch = Some(h.arch.clone()).filter(|a| !a.is_empty());
    pkg.supplier.vendor = Some(h.vendor).filter(|v| !v.is_empty());
    pkg.license = Some(h.license).filter(|v| !v.is_empty());
    pkg.properties.insert("release", h.release);
    if h.epoch != 0 {
        pkg.properties.insert("epoch", h.epoch.to_string());
    }
    if let Some(src) = source_name(&h.source_rpm) {
        pkg.properties.insert(prop::SOURCE_PACKAGE, src.to_owned());
    }
    for (prop, value) in [
        ("source_rpm", h.source_rpm),
        ("modularity_label", h.modularitylabel),
    ] {
        if !value.is_empty() {
            pkg.properties.insert(prop, value);
        }
    }
    let epoch = (h.epoch != 0).then(|| h.epoch.to_string());
    // purl puts the epoch in a qualifier, not the version (purl-spec, rpm type).
    pkg.purl = purl(
        "rpm",
        Some(&distro.id),
        &h.name,
        Some(&vr),
        &[
            ("arch", pkg.arch.as_deref()),
            ("epoch", epoch.as_deref()),
            ("distro", distro.qualifier.as_deref()),
        ],
    );
    let mut orphans = 0usize;
    for (base, index) in h.base_names.iter().zip(&h.dir_indexes) {
        let dir = usize::try_from(*index)
            .ok()
            .and_then(|i| h.dir_names.get(i));
        match dir {
            Some(dir) if dir.ends_with('/') => pkg.files.push(format!("{dir}{base}")),
            Some(dir) => pkg.files.push(format!("{dir}/{base}")),
            None => orphans += 1,
        }
    }
    if orphans > 0 || h.base_names.len() != h.dir_indexes.len() {
        out.warn(
            db,
            format!(
                "{nevra}: file list is inconsistent ({} names, {} directory indexes, {orphans} out of range)",
                h.base_names.len(),
                h.dir_indexes.len()
            ),
        );
    }
    pkg
}

/// The package name in a source rpm file name (`NAME-VERSION-RELEASE.src.rpm`),
/// for rules that match source packages.
fn source_name(source_rpm: &str) -> Option<&str> {
    let nvr = source_rpm
        .strip_suffix(".src.rpm")
        .or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))?;
    let mut parts = nvr.rsplitn(3, '-');
    let (_release, _version) = (parts.next()?, parts.next()?);
    parts.next().filter(|n| !n.is_empty())
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const NDB_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const NDB_SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const NDB_BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const BDB_PAGE_SIZES: [u32; 8] = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
const BDB_PAGE_HEADER: usize = 26;
const BDB_HASH_UNSORTED: u8 = 2;
const BDB_HASH: u8 = 13;
const BDB_OFF_PAGE: u8 = 3;
const BDB_OVERFLOW: u8 = 7;

/// Rejects the bdb and ndb files on which rpmdb 0.1 would never return or
/// would allocate without bound, by walking the same structures the same way
/// it does. Anything else it reports as an error itself, so files this
/// doesn't understand pass.
fn preflight(path: &Path) -> Result<(), DbError> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = [0u8; 36];
    if file.read_exact_at(&mut head, 0).is_err() || head.starts_with(SQLITE_MAGIC) {
        return Ok(());
    }
    if le32(&head, 0) == Some(NDB_MAGIC) {
        check_ndb(&file, len, &head)
    } else {
        check_bdb(&file, len, &head)
    }
}

/// ndb: a 32-byte header, `slot_npages * 256 - 2` 16-byte slots, and
/// blobs at `slot.blk_offset * 16`, each with a 16-byte header whose length
/// the crate allocates before reading.
fn check_ndb(file: &File, len: u64, head: &[u8]) -> Result<(), DbError> {
    let npages = le32(head, 12).unwrap_or(0);
    if le32(head, 4) != Some(0) || npages == 0 || npages > 2048 {
        return Ok(());
    }
    let nslots = u64::from(npages) * 256 - 2;
    for i in 0..nslots {
        let mut slot = [0u8; 16];
        if file.read_exact_at(&mut slot, 32 + i * 16).is_err()
            || le32(&slot, 0) != Some(NDB_SLOT_MAGIC)
        {
            return Ok(());
        }
        let pkg = le32(&slot, 4).unwrap_or(0);
        if pkg == 0 {
            continue;
        }
        let offset = u64::from(le32(&slot, 8).unwrap_or(0).wrapping_mul(16));
        let mut blob = [0u8; 16];
        if file.read_exact_at(&mut blob, offset).is_err()
            || le32(&blob, 0) != Some(NDB_BLOB_MAGIC)
            || le32(&blob, 4) != Some(pkg)
        {
            return Ok(());
        }
        let blob_len = u64::from(le32(&blob, 12).unwrap_or(0));
        if offset + 16 + blob_len > len {
            return Err(DbError::Corrupt {
                format: "ndb",
                problem: format!("package {pkg} claims {blob_len} bytes past the end of the file"),
            });
        }
    }
    Ok(())
}

/// bdb: a hash database. Values too big for a hash page live in chains of
/// overflow pages; the crate follows a chain until a zero link, re-reading
/// forever a link to a page that isn't an overflow page and growing without
/// bound on a cycle. In a sound file each overflow page belongs to one
/// value, so all chains together cover at most the file.
fn check_bdb(file: &File, len: u64, head: &[u8]) -> Result<(), DbError> {
    let page_size = le32(head, 20).unwrap_or(0);
    if !BDB_PAGE_SIZES.contains(&page_size) {
        return Ok(());
    }
    let page_size = u64::from(page_size);
    let in_file = len / page_size;
    let pages = in_file.min(u64::from(le32(head, 32).unwrap_or(0)) + 1);
    // Slack for files this check misreads; still bounded by the file size.
    let budget = in_file.saturating_mul(4);
    let mut walked = 0u64;
    let mut page = vec![0u8; page_size as usize];
    for p in 0..pages {
        if file.read_exact_at(&mut page, p * page_size).is_err() {
            return Ok(());
        }
        let kind = page.get(25).copied().unwrap_or(0);
        if kind != BDB_HASH && kind != BDB_HASH_UNSORTED {
            continue;
        }
        let entries = usize::from(le16(&page, 20).unwrap_or(0));
        let Some(index) = page.get(BDB_PAGE_HEADER..BDB_PAGE_HEADER + entries * 2) else {
            return Ok(());
        };
        if entries % 2 != 0 {
            return Ok(());
        }
        // Entries come in key, value pairs; only values are read.
        for pair in index.chunks_exact(4) {
            let at = usize::from(le16(pair, 2).unwrap_or(0));
            if page.get(at) != Some(&BDB_OFF_PAGE) {
                continue;
            }
            if page.get(at..at + 12).is_none() {
                return Ok(());
            }
            let first = le32(&page, at + 4).unwrap_or(0);
            let mut next = first;
            let mut steps = 0u64;
            while next != 0 {
                let mut header = [0u8; BDB_PAGE_HEADER];
                let at = u64::from(next) * page_size;
                if at + page_size > len || file.read_exact_at(&mut header, at).is_err() {
                    return Ok(());
                }
                if header[25] != BDB_OVERFLOW {
                    return Err(bdb_corrupt(format!(
                        "page {p} links to page {next}, which is not an overflow page"
                    )));
                }
                steps += 1;
                walked += 1;
                if steps > in_file {
                    return Err(bdb_corrupt(format!(
                        "overflow chain from page {first} loops"
                    )));
                }
                if walked > budget {
                    return Err(bdb_corrupt(
                        "overflow chains share pages many times over".into(),
                    ));
                }
                next = le32(&header, 16).unwrap_or(0);
            }
        }
    }
    Ok(())
}

fn bdb_corrupt(problem: String) -> DbError {
    DbError::Corrupt {
        format: "bdb",
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;

    const FIXTURE: &[u8] = include_bytes!("testdata/rpmdb.sqlite");

    /// A FIFO swapped in after the type check: refused at once, not
    /// waited on (the copy used to open it and block).
    #[test]
    fn copying_a_fifo_out_is_refused_without_blocking() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("rpmdb.sqlite");
        let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let image = Image::open(dir.path()).unwrap();
        let out = tempfile::tempdir().unwrap();
        let e = copy_private(&image, "rpmdb.sqlite", &out.path().join("copy")).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (FIFO)");
    }
    const HEADER: &[u8] = include_bytes!("testdata/libexample.hdr");

    fn image_with(path: &str, bytes: &[u8]) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::write(r.join("etc/os-release"), "ID=fedora\nVERSION_ID=40\n").unwrap();
        let full = r.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
        t
    }

    fn collect(root: &Path) -> Inventory {
        let image = Image::open(root).unwrap();
        let mut inv = Inventory::default();
        Rpm.collect(&image, &mut inv);
        inv
    }

    fn listing(root: &Path) -> Vec<PathBuf> {
        let mut all = Vec::new();
        let mut todo = vec![root.to_owned()];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    todo.push(p.clone());
                }
                all.push(p);
            }
        }
        all.sort();
        all
    }

    #[test]
    fn reads_sqlite_database_and_skips_keys() {
        let t = image_with("usr/lib/sysimage/rpm/rpmdb.sqlite", FIXTURE);
        let before = listing(t.path());
        let inv = collect(t.path());
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        let mut names: Vec<&str> = inv.packages.iter().map(|p| p.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["hello-sovscan", "libexample"]);

        let hello = inv
            .packages
            .iter()
            .find(|p| p.name == "hello-sovscan")
            .unwrap();
        assert_eq!(hello.version.as_deref(), Some("2:1.2.3-4.fc40"));
        assert_eq!(hello.arch.as_deref(), Some("x86_64"));
        assert_eq!(hello.supplier.vendor.as_deref(), Some("Example Corp"));
        assert_eq!(hello.license.as_deref(), Some("MIT"));
        assert_eq!(
            hello.purl.as_deref(),
            Some("pkg:rpm/fedora/hello-sovscan@1.2.3-4.fc40?arch=x86_64&distro=fedora-40&epoch=2")
        );
        assert_eq!(hello.properties["release"], "4.fc40");
        assert_eq!(hello.properties["epoch"], "2");
        assert_eq!(
            hello.properties["source_rpm"],
            "hello-sovscan-1.2.3-4.fc40.src.rpm"
        );
        assert_eq!(hello.properties["source_package"], "hello-sovscan");
        assert!(hello.files.contains(&"/usr/bin/hello-sovscan".to_owned()));
        assert!(
            hello
                .files
                .contains(&"/usr/share/doc/hello-sovscan/README".to_owned())
        );
        assert_eq!(hello.evidence[0].path, "usr/lib/sysimage/rpm/rpmdb.sqlite");
        assert_eq!(hello.evidence[0].kind, "rpmdb");
        assert_eq!(
            hello.evidence[0].detail,
            "header hello-sovscan-2:1.2.3-4.fc40.x86_64"
        );

        let lib = inv
            .packages
            .iter()
            .find(|p| p.name == "libexample")
            .unwrap();
        assert_eq!(
            lib.purl.as_deref(),
            Some("pkg:rpm/fedora/libexample@0.9-1?arch=noarch&distro=fedora-40")
        );
        assert_eq!(lib.supplier.vendor.as_deref(), Some("Fedora Project"));
        assert_eq!(lib.license.as_deref(), Some("GPL-2.0-or-later"));
        assert!(lib.properties.get("epoch").is_none());
        assert_eq!(lib.files, ["/usr/lib/libexample.txt"]);

        // The WAL-mode database was read from a copy: nothing new in the image.
        assert_eq!(listing(t.path()), before);
    }

    #[test]
    fn database_link_is_resolved_inside_the_image() {
        // An absolute link target means the image's /srv/rpm, not the host's.
        let t = image_with("srv/rpm/Packages.db", b"");
        std::fs::remove_file(t.path().join("srv/rpm/Packages.db")).unwrap();
        std::fs::write(t.path().join("srv/rpm/rpmdb.sqlite"), FIXTURE).unwrap();
        std::fs::create_dir_all(t.path().join("var/lib")).unwrap();
        symlink("/srv/rpm", t.path().join("var/lib/rpm")).unwrap();
        let inv = collect(t.path());
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        assert_eq!(inv.packages.len(), 2);
        assert_eq!(inv.packages[0].evidence[0].path, "srv/rpm/rpmdb.sqlite");
    }

    #[test]
    fn two_names_for_one_database_count_once() {
        let t = image_with("usr/lib/sysimage/rpm/rpmdb.sqlite", FIXTURE);
        std::fs::create_dir_all(t.path().join("var/lib")).unwrap();
        symlink("../../usr/lib/sysimage/rpm", t.path().join("var/lib/rpm")).unwrap();
        let inv = collect(t.path());
        assert_eq!(inv.packages.len(), 2);
    }

    #[test]
    fn read_only_database_file_is_read() {
        use std::os::unix::fs::PermissionsExt;
        let t = image_with("var/lib/rpm/rpmdb.sqlite", FIXTURE);
        let db = t.path().join("var/lib/rpm/rpmdb.sqlite");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        let inv = collect(t.path());
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        assert_eq!(inv.packages.len(), 2);
    }

    #[test]
    fn no_database_is_no_error() {
        let t = image_with("etc/hostname", b"box\n");
        let inv = collect(t.path());
        assert!(inv.packages.is_empty() && inv.errors.is_empty() && inv.warnings.is_empty());
    }

    #[test]
    fn corrupt_databases_are_errors_naming_the_file() {
        // Pseudo-random bytes (a fixed LCG, so the test is repeatable).
        let mut x: u32 = 0x2545_f491;
        let noise: Vec<u8> = (0..8192)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect();
        let mut sqlite_noise = SQLITE_MAGIC.to_vec();
        sqlite_noise.extend(&noise);
        for (path, bytes) in [
            ("var/lib/rpm/Packages", noise.as_slice()),
            ("var/lib/rpm/rpmdb.sqlite", sqlite_noise.as_slice()),
            ("var/lib/rpm/Packages.db", b"RpmP".as_slice()),
            ("var/lib/rpm/Packages", b"".as_slice()),
        ] {
            let t = image_with(path, bytes);
            let inv = collect(t.path());
            assert!(inv.packages.is_empty());
            assert_eq!(inv.errors.len(), 1, "{path}: {:?}", inv.errors);
            assert_eq!(inv.errors[0].path, path);
        }
        let t = image_with("var/lib/rpm/x", b"");
        std::fs::create_dir_all(t.path().join("var/lib/rpm/Packages")).unwrap();
        let inv = collect(t.path());
        assert_eq!(inv.errors[0].path, "var/lib/rpm/Packages");
        assert_eq!(inv.errors[0].message, "not a regular file");
    }

    /// An ndb file as rpmdb 0.1 reads it: header, one page of slots, blobs.
    fn ndb(blob: &[u8], claimed_len: u32) -> Vec<u8> {
        let mut f = Vec::new();
        for v in [NDB_MAGIC, 0, 1, 1, 0, 0, 0, 0] {
            f.extend(v.to_le_bytes());
        }
        let blob_at = 32 + 254 * 16;
        for i in 0..254u32 {
            let (pkg, blk) = if i == 0 { (1, blob_at / 16) } else { (0, 0) };
            for v in [NDB_SLOT_MAGIC, pkg, blk, 1] {
                f.extend(v.to_le_bytes());
            }
        }
        for v in [NDB_BLOB_MAGIC, 1, 0, claimed_len] {
            f.extend(v.to_le_bytes());
        }
        f.extend(blob);
        f
    }

    #[test]
    fn ndb_database_is_read() {
        let t = image_with(
            "usr/lib/sysimage/rpm/Packages.db",
            &ndb(HEADER, HEADER.len() as u32),
        );
        let inv = collect(t.path());
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].name, "libexample");
        assert_eq!(inv.packages[0].files, ["/usr/lib/libexample.txt"]);
    }

    #[test]
    fn ndb_blob_past_the_end_is_refused_before_parsing() {
        let t = image_with("var/lib/rpm/Packages.db", &ndb(HEADER, u32::MAX));
        let inv = collect(t.path());
        assert_eq!(inv.errors.len(), 1);
        assert_eq!(
            inv.errors[0].message,
            "corrupt ndb database: package 1 claims 4294967295 bytes past the end of the file"
        );
    }

    /// A bdb hash file as rpmdb 0.1 reads it: metadata page, one hash page
    /// whose single value lives off-page, then the overflow chain. `links`
    /// overrides the next-page link of overflow pages.
    fn bdb(blob: &[u8], links: &[(usize, u32)]) -> Vec<u8> {
        const PS: usize = 512;
        let per_page = PS - BDB_PAGE_HEADER;
        let chain = blob.len().div_ceil(per_page);
        let mut f = vec![0u8; PS * (2 + chain)];
        f[20..24].copy_from_slice(&(PS as u32).to_le_bytes());
        f[25] = 8;
        f[32..36].copy_from_slice(&((1 + chain) as u32).to_le_bytes());
        let hash = &mut f[PS..2 * PS];
        hash[20..22].copy_from_slice(&2u16.to_le_bytes());
        hash[25] = BDB_HASH;
        hash[26..28].copy_from_slice(&300u16.to_le_bytes());
        hash[28..30].copy_from_slice(&400u16.to_le_bytes());
        hash[400] = BDB_OFF_PAGE;
        hash[404..408].copy_from_slice(&2u32.to_le_bytes());
        hash[408..412].copy_from_slice(&(blob.len() as u32).to_le_bytes());
        for (i, part) in blob.chunks(per_page).enumerate() {
            let page = &mut f[(2 + i) * PS..(3 + i) * PS];
            page[25] = BDB_OVERFLOW;
            let next = if i + 1 < chain { 3 + i as u32 } else { 0 };
            page[16..20].copy_from_slice(&next.to_le_bytes());
            page[22..24].copy_from_slice(&(part.len() as u16).to_le_bytes());
            page[26..26 + part.len()].copy_from_slice(part);
        }
        for &(page, next) in links {
            f[page * PS + 16..page * PS + 20].copy_from_slice(&next.to_le_bytes());
        }
        f
    }

    #[test]
    fn bdb_database_is_read() {
        let t = image_with("var/lib/rpm/Packages", &bdb(HEADER, &[]));
        let inv = collect(t.path());
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].name, "libexample");
        assert_eq!(
            inv.packages[0].purl.as_deref(),
            Some("pkg:rpm/fedora/libexample@0.9-1?arch=noarch&distro=fedora-40")
        );
    }

    #[test]
    fn bdb_overflow_loops_are_refused_before_parsing() {
        // A cycle back to the chain's start, and a link to the hash page:
        // on both the crate would never return.
        for (links, expect) in [
            (
                vec![(4, 2)],
                "corrupt bdb database: overflow chain from page 2 loops",
            ),
            (
                vec![(3, 1)],
                "corrupt bdb database: page 1 links to page 1, which is not an overflow page",
            ),
        ] {
            let t = image_with("var/lib/rpm/Packages", &bdb(HEADER, &links));
            let inv = collect(t.path());
            assert_eq!(inv.errors.len(), 1, "{:?}", inv.errors);
            assert_eq!(inv.errors[0].path, "var/lib/rpm/Packages");
            assert_eq!(inv.errors[0].message, expect);
        }
    }

    #[test]
    fn source_package_names() {
        assert_eq!(source_name("glibc-2.38-16.fc39.src.rpm"), Some("glibc"));
        assert_eq!(
            source_name("python-rpm-macros-3.12-7.nosrc.rpm"),
            Some("python-rpm-macros")
        );
        assert_eq!(source_name("1.0-1.src.rpm"), None);
        assert_eq!(source_name("garbage"), None);
    }

    #[test]
    fn parser_panics_and_hangs_become_errors() {
        let r: Result<(), DbError> = isolated(Duration::from_secs(5), || panic!("boom"));
        let e = r.unwrap_err();
        assert!(matches!(e, DbError::Crashed(_)), "{e:?}");
        assert_eq!(e.to_string(), "rpm database parser crashed: boom");
        let r = isolated(Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(500));
            Ok(())
        });
        let e = r.unwrap_err();
        assert!(matches!(e, DbError::Timeout(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            "rpm database parser gave no result within 0.02 s; database skipped"
        );
    }
}
