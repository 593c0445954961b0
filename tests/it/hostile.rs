//! A hostile image tree: the scan must complete with exit 0, never leave the
//! image root, never block on a FIFO, and list every oddity it met. Also:
//! FIFOs and device nodes where collectors and command-line inputs read,
//! empty and unreadable roots (exit 2), escape sequences in names.

use crate::common::*;
use serde_json::Value;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

fn entries<'a>(report: &'a Value, key: &str) -> Vec<(&'a str, &'a str)> {
    let field = if key == "skipped" {
        "reason"
    } else {
        "message"
    };
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e[field].as_str().unwrap()))
        .collect()
}

fn has(list: &[(&str, &str)], path: &str, needle: &str) -> bool {
    list.iter().any(|(p, m)| *p == path && m.contains(needle))
}

fn build(root: &Path) {
    write(
        &root.join("etc/os-release"),
        b"ID=debian\nVERSION_ID=12\n",
        0o644,
    );
    // A symlink loop, and an absolute link to a file the host has.
    symlink("loop-b", root.join("etc/loop-a")).unwrap();
    symlink("loop-a", root.join("etc/loop-b")).unwrap();
    symlink("/etc/passwd", root.join("etc/passwd-link")).unwrap();
    // A FIFO: opening it would block forever.
    std::fs::create_dir_all(root.join("run")).unwrap();
    let fifo = root.join("run/fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    // Unreadable library.
    write(
        &root.join("usr/lib/libsecret.so"),
        &elf(&[1; 20], None),
        0o000,
    );
    // Truncated ELFs: one byte, and a real one cut short of its notes.
    write(&root.join("usr/bin/trunc1"), b"\x7f", 0o755);
    let good = elf(&[0xab; 20], None);
    write(
        &root.join("usr/bin/trunc-notes"),
        &good[..good.len() - 8],
        0o755,
    );
    // A note whose name size points far past the end.
    let mut bad = encode_notes(&[Note {
        name: "GNU",
        n_type: 3,
        desc: &[7; 20],
    }]);
    bad[0..4].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    write(
        &root.join("usr/bin/badnote"),
        &elf_with_note_bytes(&bad),
        0o755,
    );
    // A package note that is not JSON.
    write(
        &root.join("usr/bin/badjson"),
        &elf(&[2; 20], Some("{not json")),
        0o755,
    );
    // A file name that is not UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"tool-\xff\xfe");
    write(
        &root.join("usr/bin").join(name),
        &elf(&[3; 20], None),
        0o755,
    );
    // A 2,000-deep directory chain with a binary at the bottom.
    let mut deep = root.join("deep");
    for _ in 0..2000 {
        deep.push("d");
    }
    write(&deep.join("x"), &elf(&[4; 20], None), 0o755);
}

#[test]
fn hostile_tree_completes_and_lists_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    build(root);
    // Readable by an unprivileged user, so the test can drop root below.
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();

    // Mode 000 only stops a non-root user: if we are root, scan as nobody.
    let as_root = unsafe { libc::geteuid() } == 0;
    if as_root && !require_tool("setpriv", "apt-get install -y util-linux") {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("sovscan");
    let mut cmd = if as_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    cmd.args(["scan", "-f", "json", "--no-progress"]).arg(root);
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = entries(&report, "errors");
    let skipped = entries(&report, "skipped");

    assert!(has(&skipped, "etc/loop-a", "symlink loop"), "{skipped:?}");
    assert!(
        has(&skipped, "etc/passwd-link", "no such file inside the image"),
        "{skipped:?}"
    );
    assert!(has(&skipped, "run/fifo", "FIFO"), "{skipped:?}");
    assert!(
        has(&errors, "usr/lib/libsecret.so", "ermission denied"),
        "{errors:?}"
    );
    assert!(
        has(&errors, "usr/bin/trunc1", "truncated ELF"),
        "{errors:?}"
    );
    assert!(
        has(&errors, "usr/bin/badnote", "corrupt ELF note"),
        "{errors:?}"
    );
    assert!(
        has(&errors, "usr/bin/badjson", "package note is not valid JSON"),
        "{errors:?}"
    );
    assert!(
        has(&skipped, "usr/bin/tool-\\xFF\\xFE", "not UTF-8"),
        "{skipped:?}"
    );

    let binaries = binary_paths(&report);
    assert!(
        binaries.contains(&"usr/bin/tool-\\xFF\\xFE"),
        "non-UTF-8 binary still scanned"
    );
    let deep_path = format!("deep/{}x", "d/".repeat(2000));
    assert!(
        binaries.contains(&deep_path.as_str()),
        "binary at depth 2000 found"
    );
    // A binary cut short is still listed, with an error that says so.
    assert!(binaries.contains(&"usr/bin/trunc-notes"));
    assert!(
        has(
            &errors,
            "usr/bin/trunc-notes",
            "truncated ELF: its headers describe 156 bytes, the file has 148"
        ),
        "{errors:?}"
    );

    // The host's /etc/passwd was never read: its content is nowhere.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("root:x:0:0"));
    assert_eq!(
        report["summary"]["errors"].as_u64().unwrap() as usize,
        errors.len()
    );
}

/// Makes a FIFO at `path` (and its parents).
fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// Runs `sovscan` with `args` under a timeout (a hang fails the test rather
/// than the suite) and returns its exit code, stdout and stderr.
fn run_bounded(args: &[&std::ffi::OsStr]) -> (Option<i32>, Vec<u8>, String) {
    let out = sovscan()
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), out.stdout, stderr)
}

/// Scans `root` to JSON under a timeout; the scan must finish with exit 0.
fn scan_bounded(root: &Path) -> Value {
    let (code, stdout, stderr) = run_bounded(&[
        "scan".as_ref(),
        "-f".as_ref(),
        "json".as_ref(),
        "--no-progress".as_ref(),
        root.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    serde_json::from_slice(&stdout).unwrap()
}

/// A FIFO at each file a collector reads, in an image whose marker file
/// (a regular one: a FIFO marker is no marker) makes the collector run.
/// Each is an error entry naming it and none blocks the scan (before:
/// the scan hung in `open`).
#[test]
fn fifos_at_collector_paths_are_errors_not_hangs() {
    // (the marker file, the FIFOs, those of them that must be errors)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "etc/os-release",
            &[
                "var/lib/dpkg/status",
                "var/lib/dpkg/info/foo.list",
                "lib/apk/db/installed",
            ],
            &["var/lib/dpkg/status", "lib/apk/db/installed"],
        ),
        (
            "etc/os-release",
            &[
                "var/lib/dpkg/status.d/foo",
                "var/lib/pacman/local/foo-1.0-1/desc",
                "var/lib/snapd/state.json",
            ],
            &[
                "var/lib/dpkg/status.d/foo",
                "var/lib/pacman/local/foo-1.0-1/desc",
                "var/lib/snapd/state.json",
            ],
        ),
        (
            "Windows/System32/config/SOFTWARE",
            &[
                "Users/x/NTUSER.DAT",
                "Program Files/WindowsApps/App_1.0_x64__abc/AppxManifest.xml",
                "ProgramData/chocolatey/lib/foo/foo.nuspec",
                "Users/y/scoop/apps/foo/current/manifest.json",
            ],
            &[
                "Users/x/NTUSER.DAT",
                "Program Files/WindowsApps/App_1.0_x64__abc/AppxManifest.xml",
                "ProgramData/chocolatey/lib/foo/foo.nuspec",
                "Users/y/scoop/apps/foo/current/manifest.json",
            ],
        ),
        (
            "System/Library/CoreServices/SystemVersion.plist",
            &[
                "Applications/X.app/Contents/Info.plist",
                "opt/homebrew/Cellar/foo/1.0/INSTALL_RECEIPT.json",
                "private/var/db/receipts/com.x.pkg.plist",
            ],
            &[
                "Applications/X.app/Contents/Info.plist",
                "opt/homebrew/Cellar/foo/1.0/INSTALL_RECEIPT.json",
                "private/var/db/receipts/com.x.pkg.plist",
            ],
        ),
    ];
    for (marker, fifos, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join(marker), b"ID=debian\n", 0o644);
        for f in *fifos {
            fifo(&dir.path().join(f));
        }
        let report = scan_bounded(dir.path());
        let errors = entries(&report, "errors");
        for path in *expected {
            assert!(
                has(&errors, path, "not a regular file (FIFO)"),
                "{path}: {errors:?}"
            );
        }
    }
}

/// A `/dev/zero`-like character device (1, 5) at collector paths: refused
/// by type, never read (before: read until memory ran out). `mknod` needs
/// root; without it the test skips, except under CI.
#[test]
fn device_nodes_at_collector_paths_are_not_read() {
    let as_root = unsafe { libc::geteuid() } == 0;
    if !available(as_root, "not root (mknod of a character device)") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("etc/os-release"), b"ID=debian\n", 0o644);
    for rel in ["var/lib/dpkg/status", "lib/apk/db/installed"] {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
        let dev = libc::makedev(1, 5);
        assert_eq!(
            unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o644, dev) },
            0
        );
    }
    let report = scan_bounded(dir.path());
    let errors = entries(&report, "errors");
    for rel in ["var/lib/dpkg/status", "lib/apk/db/installed"] {
        assert!(
            has(&errors, rel, "not a regular file (character device)"),
            "{rel}: {errors:?}"
        );
    }
}

/// A FIFO or `/dev/zero` given as (or found inside) a command-line input:
/// exit 2 and one line naming the file, within the timeout (before: the
/// FIFO blocked forever, `/dev/zero` was read until memory ran out).
#[test]
fn fifo_and_device_inputs_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = d.join("root");
    write(&root.join("etc/os-release"), b"ID=debian\n", 0o644);
    let f = d.join("fifo");
    fifo(&f);
    fifo(&d.join("rules/x.toml"));
    let (fifo_s, zero) = (f.to_str().unwrap(), "/dev/zero");
    let root_s = root.to_str().unwrap();
    let (rules_dir, rules_fifo) = (d.join("rules"), d.join("rules/x.toml"));
    let (rules_dir, rules_fifo) = (rules_dir.to_str().unwrap(), rules_fifo.to_str().unwrap());
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["scan", "--rules", fifo_s, root_s],
            fifo_s,
            "not a regular file (FIFO)",
        ),
        (
            &["scan", "--rules", rules_dir, root_s],
            rules_fifo,
            "not a regular file (FIFO)",
        ),
        (
            &["scan", "--policy", fifo_s, root_s],
            fifo_s,
            "not a regular file (FIFO)",
        ),
        (
            &["scan", "--policy", zero, root_s],
            zero,
            "not a regular file (character device)",
        ),
        (
            &["scan", "--baseline", fifo_s, root_s],
            fifo_s,
            "not a regular file (FIFO)",
        ),
        (
            &["scan", "--baseline", zero, root_s],
            zero,
            "not a regular file (character device)",
        ),
        (&["report", fifo_s], fifo_s, "not a regular file (FIFO)"),
        (
            &["report", zero],
            zero,
            "not a regular file (character device)",
        ),
        // explain and summary take a saved report (a regular file) or roots:
        // anything else is a root, which must be a directory.
        (&["explain", "x", fifo_s], fifo_s, "not a directory"),
        (&["summary", fifo_s], fifo_s, "not a directory"),
        (&["diff", fifo_s, zero], fifo_s, "not a regular file (FIFO)"),
    ];
    for (args, file, reason) in cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let (code, _, stderr) = run_bounded(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(file) && stderr.contains(reason),
            "{args:?}: {stderr}"
        );
    }
}

/// An empty root and one that can't be listed exit 2 with one line naming
/// the root (before: exit 0 and an empty inventory); `--allow-empty`
/// accepts the empty one.
#[test]
fn empty_or_unreadable_root_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, stderr) = run_bounded(&["scan".as_ref(), empty.as_os_str()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "sovscan: error: {}: the root directory is empty, nothing to scan (--allow-empty accepts it)",
            empty.display()
        )
    );
    let (code, _, stderr) = run_bounded(&[
        "scan".as_ref(),
        "--allow-empty".as_ref(),
        "--no-progress".as_ref(),
        empty.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");

    // Mode 000 only stops a non-root user: if we are root, scan as nobody.
    let locked = dir.path().join("locked");
    write(&locked.join("etc/os-release"), b"ID=debian\n", 0o644);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = unsafe { libc::geteuid() } == 0;
    if as_root && !require_tool("setpriv", "apt-get install -y util-linux") {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("sovscan");
    let mut cmd = std::process::Command::new(if as_root {
        "setpriv".as_ref()
    } else {
        bin.as_os_str()
    });
    if as_root {
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin);
    }
    cmd.args(["scan", "--no-progress"]).arg(&locked);
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: cannot read the root directory: Permission denied",
            locked.display()
        )),
        "{stderr}"
    );
}

/// A directory name carrying a terminal escape sequence names a component:
/// the table, explain, summary and diff show it as a visible `\x1B`, never
/// the raw byte that would turn the terminal red (before: printed raw).
#[test]
fn escape_sequences_in_names_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    for root in [&old, &new] {
        write(&root.join("etc/os-release"), b"ID=debian\n", 0o644);
    }
    write(
        &new.join("opt/x\x1b[31mevil/tool"),
        &elf(&[9; 20], None),
        0o755,
    );
    let save = |root: &Path, to: &Path| {
        let (code, stdout, stderr) = run_bounded(&[
            "scan".as_ref(),
            "-f".as_ref(),
            "json".as_ref(),
            "--no-progress".as_ref(),
            root.as_os_str(),
        ]);
        assert_eq!(code, Some(0), "{stderr}");
        std::fs::write(to, stdout).unwrap();
    };
    let (old_json, new_json) = (dir.path().join("old.json"), dir.path().join("new.json"));
    save(&old, &old_json);
    save(&new, &new_json);
    let n = new_json.as_os_str();
    let views: &[&[&std::ffi::OsStr]] = &[
        &["report".as_ref(), "-f".as_ref(), "table".as_ref(), n],
        &["explain".as_ref(), "x\x1b[31mevil".as_ref(), n],
        &["diff".as_ref(), old_json.as_os_str(), n],
        &["scan".as_ref(), "--no-progress".as_ref(), new.as_os_str()],
    ];
    for args in views {
        let (code, stdout, stderr) = run_bounded(args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        let text = String::from_utf8(stdout).unwrap();
        assert!(text.contains("x\\x1B[31mevil"), "{args:?}: {text}");
        assert!(!text.contains('\x1b'), "{args:?}: raw escape in {text}");
    }
    // The one-line error on stderr quotes it the same way.
    let (code, _, stderr) = run_bounded(&["explain".as_ref(), "x\x1b[31mnone".as_ref(), n]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`x\\x1B[31mnone`"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "raw escape in {stderr}");
    // Escaped before the table measures its columns: the next column
    // starts where its header does.
    let (_, stdout, _) = run_bounded(views[0]);
    let text = String::from_utf8(stdout).unwrap();
    let column = |needle: &str, word: &str| {
        let l = text.lines().find(|l| l.contains(needle)).unwrap();
        l[..l.find(word).unwrap()].chars().count()
    };
    assert_eq!(
        column("evil", "unknown"),
        column("product", "vendor"),
        "{text}"
    );
}

/// A file past its size limit (sparse: no disk is used) is refused on its
/// size, in an image (an error entry, the scan goes on) and on the command
/// line (exit 2 naming it). Before: read whole, whatever its size.
#[test]
fn files_past_their_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    write(&root.join("etc/os-release"), b"ID=debian\n", 0o644);
    let sparse = |p: &Path| {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let f = std::fs::File::create(p).unwrap();
        f.set_len(64 * 1024 * 1024 + 1).unwrap();
    };
    sparse(&root.join("var/lib/dpkg/status"));
    let policy = dir.path().join("policy.toml");
    sparse(&policy);

    let report = scan_bounded(&root);
    let errors = entries(&report, "errors");
    assert!(
        has(
            &errors,
            "var/lib/dpkg/status",
            "larger than 64 MiB, the limit for a text file"
        ),
        "{errors:?}"
    );

    let (code, _, stderr) = run_bounded(&[
        "scan".as_ref(),
        "--policy".as_ref(),
        policy.as_os_str(),
        root.as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:1:1: cannot read policy: larger than 64 MiB, the limit for a text file",
            policy.display()
        )),
        "{stderr}"
    );
}
