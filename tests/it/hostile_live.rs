//! A live image that changes under the scan: binaries truncated while they
//! are read must become error entries, never a crash (before: the binaries
//! were memory-mapped and a truncation killed the process with SIGBUS).
//! And what a scan opens, watched with `strace`: nothing outside its roots,
//! nothing inside them for writing.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Size of each binary in the truncation test: large enough that reading it
/// takes a while, sparse on disk so the test costs no disk space.
const BIG: u64 = 8 << 20;

/// An ELF whose note table sits at the very end of a `BIG`-byte file, so a
/// reader touches the last page.
fn big_elf(path: &Path, id: u8) {
    let notes = encode_notes(&[Note {
        name: "GNU",
        n_type: 3,
        desc: &[id; 20],
    }]);
    let mut v = elf_with_note_bytes(&notes);
    // Move the note table to the end: patch PT_NOTE's p_offset (at 64 + 8).
    let note_off = BIG - notes.len() as u64;
    v.truncate(64 + 56);
    v[72..80].copy_from_slice(&note_off.to_le_bytes());
    v.resize(note_off as usize, 0);
    v.extend_from_slice(&notes);
    write(path, &v, 0o755);
}

/// Builds an image with `n` big binaries; returns their paths.
fn truncation_image(root: &Path, n: u8) -> Vec<PathBuf> {
    write(&root.join("etc/os-release"), b"ID=debian\n", 0o644);
    (0..n)
        .map(|i| {
            let p = root.join(format!("usr/bin/big{i:02}"));
            big_elf(&p, i);
            p
        })
        .collect()
}

/// Cuts each file to one page and grows it back, round after round, until
/// `stop`: every binary shrinks and regrows many times during a scan.
fn truncate_loop(files: Vec<PathBuf>, stop: Arc<AtomicBool>) -> u64 {
    let handles: Vec<_> = files
        .iter()
        .map(|p| std::fs::OpenOptions::new().write(true).open(p).unwrap())
        .collect();
    let mut rounds = 0;
    while !stop.load(Ordering::Relaxed) {
        for f in &handles {
            f.set_len(4096).unwrap();
            f.set_len(BIG).unwrap();
        }
        rounds += 1;
    }
    rounds
}

/// 15 scans, each while a thread truncates the image's binaries: every scan
/// exits 0 with a parseable report, and a binary caught mid-change is an
/// error entry naming it (before: SIGBUS, exit 135, no report).
#[test]
fn binaries_truncated_during_the_scan_are_errors_not_crashes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("img");
    let files = truncation_image(&root, 40);
    let bin = assert_cmd::cargo::cargo_bin("sovscan");
    let (mut crashes, mut changed) = (Vec::new(), 0);
    for run in 0..15 {
        let stop = Arc::new(AtomicBool::new(false));
        let cutter = {
            let (files, stop) = (files.clone(), stop.clone());
            std::thread::spawn(move || truncate_loop(files, stop))
        };
        let out = Command::new(&bin)
            .args(["scan", "-f", "json", "--no-progress", "-j", "2"])
            .arg(&root)
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        stop.store(true, Ordering::Relaxed);
        let rounds = cutter.join().unwrap();
        assert!(rounds > 0, "the cutter never ran");
        if out.status.code() != Some(0) {
            crashes.push(format!(
                "run {run}: {:?} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for e in report["errors"].as_array().unwrap() {
            let (path, msg) = (e["path"].as_str().unwrap(), e["message"].as_str().unwrap());
            if msg.contains("changed during the scan") {
                assert!(path.starts_with("usr/bin/big"), "{path}: {msg}");
                changed += 1;
            }
        }
    }
    eprintln!(
        "15 runs: {} crashes, {changed} change errors",
        crashes.len()
    );
    assert!(crashes.is_empty(), "crashed runs:\n{}", crashes.join("\n"));
}

/// Copies a fixture image (directories, files, links as links).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let ty = e.file_type().unwrap();
        if ty.is_dir() {
            copy_tree(&src, &dst);
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Links and special files that point out of the image, at the places
/// collectors and the walk look: every one must be refused, none followed.
fn add_escapes(root: &Path, host: &Path) {
    use std::os::unix::fs::symlink;
    let abs = host.join("secret");
    std::fs::create_dir_all(root.join("opt/escape")).unwrap();
    // Absolute and relative links to a host file and a host directory.
    symlink(&abs, root.join("opt/escape/abs-file")).unwrap();
    symlink(host, root.join("opt/escape/abs-dir")).unwrap();
    let ups = "../".repeat(root.components().count() + 2);
    let rel = format!("{ups}{}", abs.strip_prefix("/").unwrap().display());
    symlink(&rel, root.join("opt/escape/rel-file")).unwrap();
    symlink("/proc/self/root/etc", root.join("opt/escape/magic")).unwrap();
    // A FIFO where a binary is expected.
    let fifo = root.join("opt/escape/fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o755) }, 0);
}

/// One `open`, `openat` or `openat2` from an `strace -f -y` log: the path
/// asked for (made absolute with the directory descriptor's path) and the
/// path of the descriptor returned, when it succeeded.
#[derive(Debug)]
struct Open {
    asked: PathBuf,
    got: Option<PathBuf>,
    writes: bool,
    line: String,
}

/// The first text between `<` and `>` in `s` (strace -y's descriptor path).
fn fd_path(s: &str) -> Option<&str> {
    let start = s.find('<')? + 1;
    let end = start + s[start..].find('>')?;
    Some(&s[start..end])
}

/// `p` with `.` and `..` taken away as written (no link followed).
fn lexical(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn parse_opens(log: &str) -> Vec<Open> {
    let mut out = Vec::new();
    for line in log.lines() {
        let Some(call) = ["openat2(", "openat(", "open("]
            .iter()
            .find_map(|c| line.find(c).map(|i| &line[i + c.len()..]))
        else {
            continue;
        };
        // openat: DIRFD<dir>, "path", flags; open: "path", flags.
        let Some(q) = call.find('"') else { continue };
        let dir = fd_path(&call[..q]).map(PathBuf::from);
        let rest = &call[q + 1..];
        let end = rest.find('"').unwrap();
        let name = Path::new(&rest[..end]);
        let asked = lexical(&match dir {
            Some(d) if name.is_relative() => d.join(name),
            _ => name.to_owned(),
        });
        // The flags: what follows the path, up to the call's result.
        let flags = &rest[end + 1..];
        let flags = flags.rsplit_once(") = ").map_or(flags, |(f, _)| f);
        let writes = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
            .iter()
            .any(|f| flags.contains(f));
        let got = line
            .rsplit_once(") = ")
            .filter(|(_, r)| !r.starts_with('-'))
            .and_then(|(_, r)| fd_path(r))
            .map(PathBuf::from);
        out.push(Open {
            asked,
            got,
            writes,
            line: line.to_owned(),
        });
    }
    out
}

/// What a process opens for itself, whatever it scans: the shared
/// libraries the loader looks for (in the system's directories and those of
/// `LD_LIBRARY_PATH`, which cargo sets for tests) and its cache, its own
/// /proc entries, the CPU and cgroup files rayon sizes its pool from, the
/// random device and locale files, and the overcommit setting glibc's
/// malloc reads before it shrinks a worker thread's heap (a worker that
/// compiles the rule patterns on first use frees enough to shrink it).
fn runtime_file(asked: &Path, got: Option<&Path>) -> bool {
    let s = asked.to_string_lossy();
    let name = asked.file_name().unwrap_or_default().to_string_lossy();
    let own_proc = ["/proc/self/", "/proc/thread-self/"]
        .iter()
        .any(|a| s.starts_with(a));
    let runtime = own_proc
        || (name.starts_with("lib") && name.contains(".so"))
        || [
            "/etc/ld.so.",
            "/sys/devices/system/cpu",
            "/sys/fs/cgroup",
            "/usr/lib/locale",
            "/usr/share/locale",
            "/dev/urandom",
            "/dev/null",
            "/proc/sys/vm/overcommit_memory",
        ]
        .iter()
        .any(|a| s.starts_with(a));
    // /proc/self/maps opens as /proc/PID/maps.
    runtime && got.is_none_or(|g| !own_proc || g.starts_with("/proc/"))
}

/// A scan under `strace` of three demo images with links, FIFOs and magic
/// links pointing out of them: no path outside the roots is opened (or
/// even tried) apart from the process's own runtime files and the output
/// directory, nothing opened inside a root resolves outside it, and
/// nothing inside a root is opened for writing. Runs where `strace` is
/// installed (`.ci/run` installs it).
#[test]
fn a_scan_opens_nothing_outside_its_roots() {
    if !require_tool("strace", "apt-get install -y strace") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path().canonicalize().unwrap();
    let host = tmp.join("host");
    write(&host.join("secret"), b"\x7fELF host file", 0o755);
    write(&host.join("usr/bin/hostbin"), &elf(&[9; 20], None), 0o755);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut roots = Vec::new();
    for image in ["demo-linux", "demo-windows", "demo-macos"] {
        let root = tmp.join("images").join(image);
        copy_tree(&fixtures.join(image), &root);
        add_escapes(&root, &host);
        roots.push(root);
    }
    let out_dir = tmp.join("out");
    let private_tmp = tmp.join("tmp");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::create_dir_all(&private_tmp).unwrap();
    let log = tmp.join("strace.log");
    let status = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-y",
            "-s",
            "4096",
            "-e",
            "trace=open,openat,openat2",
            "-o",
        ])
        .arg(&log)
        .arg(assert_cmd::cargo::cargo_bin("sovscan"))
        .args(["scan", "-q", "-f", "json", "-o"])
        .arg(out_dir.join("report.json"))
        .args(&roots)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .env("TMPDIR", &private_tmp)
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let opens = parse_opens(&std::fs::read_to_string(&log).unwrap());
    let images = tmp.join("images");
    let inside = |p: &Path| p.starts_with(&images);
    let ours = |p: &Path| p.starts_with(&out_dir) || p.starts_with(&private_tmp);
    let mut bad = Vec::new();
    for o in &opens {
        let got = o.got.as_deref();
        let ok = if runtime_file(&o.asked, got) {
            true
        } else {
            let mine = |p: &Path| inside(p) || ours(p);
            mine(&o.asked) && got.is_none_or(mine)
        };
        let write_ok = !o.writes || ours(&o.asked);
        if !(ok && write_ok) {
            bad.push(o.line.as_str());
        }
    }
    let in_roots = opens.iter().filter(|o| inside(&o.asked)).count();
    assert!(
        in_roots > 100,
        "the scan opened only {in_roots} files in the images: {opens:?}"
    );
    assert!(
        bad.is_empty(),
        "opens outside the roots or for writing:\n{}",
        bad.join("\n")
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).unwrap()).unwrap();
    // The links out are listed as skipped, none of them is read.
    let text = report.to_string();
    assert!(!text.contains("hostbin"), "a host binary was found");
    let binaries = binary_paths(&report);
    assert!(
        binaries.iter().all(|p| !p.contains("opt/escape")),
        "{binaries:?}"
    );
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str())
        .filter(|p| p.contains("opt/escape/"))
        .collect();
    assert_eq!(skipped.len(), 3 * 5, "{skipped:?}");
}

/// Swaps `dir` for a symlink to `host` and back until `stop`.
fn swap_loop(dir: PathBuf, host: PathBuf, stop: Arc<AtomicBool>) -> u64 {
    let real = dir.with_extension("real");
    let mut rounds = 0;
    while !stop.load(Ordering::Relaxed) {
        std::fs::rename(&dir, &real).unwrap();
        std::os::unix::fs::symlink(&host, &dir).unwrap();
        std::thread::yield_now();
        std::fs::remove_file(&dir).unwrap();
        std::fs::rename(&real, &dir).unwrap();
        rounds += 1;
    }
    rounds
}

/// The swap race of issue 12: `var/lib/dpkg` swapped for a link to a host
/// directory while 220 scans run, every other one with the component-by-
/// component fallback forced (`SOVSCAN_NO_OPENAT2`). Every image file is
/// opened relative to a descriptor of the root (`openat2` with
/// `RESOLVE_IN_ROOT`, or `openat` with `O_NOFOLLOW` a component at a time),
/// so the link is followed, if at all, inside the image: the host's
/// package never appears (before: in 14 of 220 runs).
#[test]
fn swap_race_never_reads_the_host() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, host) = (tmp.path().join("img"), tmp.path().join("host"));
    let record = |name: &str| {
        format!(
            "Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n"
        )
    };
    write(&root.join("etc/os-release"), b"ID=debian\n", 0o644);
    let status = record("image-pkg");
    write(&root.join("var/lib/dpkg/status"), status.as_bytes(), 0o644);
    write(
        &host.join("status"),
        record("host-only-pkg").as_bytes(),
        0o644,
    );
    let bin = assert_cmd::cargo::cargo_bin("sovscan");
    let (mut escapes, mut failed) = (0, 0);
    for run in 0..220 {
        let stop = Arc::new(AtomicBool::new(false));
        let swapper = {
            let (dir, host, stop) = (root.join("var/lib/dpkg"), host.clone(), stop.clone());
            std::thread::spawn(move || swap_loop(dir, host, stop))
        };
        let fallback = if run % 2 == 1 { "1" } else { "" };
        let out = Command::new(&bin)
            .args(["scan", "-f", "json", "--no-progress", "--allow-empty"])
            .arg(&root)
            .env("SOVSCAN_NO_OPENAT2", fallback)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        stop.store(true, Ordering::Relaxed);
        swapper.join().unwrap();
        if out.status.code() != Some(0) {
            failed += 1;
        }
        if String::from_utf8_lossy(&out.stdout).contains("host-only-pkg") {
            escapes += 1;
        }
    }
    eprintln!("220 runs (110 openat2, 110 fallback): {escapes} escapes, {failed} runs not exit 0");
    assert_eq!(
        escapes, 0,
        "the host's package appeared in {escapes} of 220 reports"
    );
    assert_eq!(failed, 0);
}
