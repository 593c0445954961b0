//! A live image that changes under the scan: binaries truncated while they
//! are read must become error entries, never a crash (before: the binaries
//! were memory-mapped and a truncation killed the process with SIGBUS).

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
