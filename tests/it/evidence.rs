//! Attribution by each file's own evidence (issue 10, parts 2 and 3): every
//! name of a hard-linked file is a binary record attributed by its own path,
//! the file parsed once; a directory group's vendor is decided by the
//! verified signatures of its files, and a foreign payload nested inside
//! is its own component. The trees are built here from the signed PE
//! samples of the demo Windows image (`fixtures/pe/generate.sh`).

use crate::common::{binary, scan_json};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn sample(rel: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/demo-windows"
    ))
    .join(rel)
}

const KERNEL32: &str = "Windows/System32/kernel32.dll";
const NOTEPAD: &str = "Windows/System32/notepad.exe";
const FIREFOX: &str = "Program Files/Mozilla Firefox/firefox.exe";

/// Copies the demo image's file `from` to `to` in `root`.
fn copy(root: &Path, from: &str, to: &str) {
    let dest = root.join(to);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::copy(sample(from), dest).unwrap();
}

/// Links `to` to the existing `from` in `root`.
fn link(root: &Path, from: &str, to: &str) {
    let dest = root.join(to);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::hard_link(root.join(from), dest).unwrap();
}

fn component<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no component {id}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[test]
fn every_name_of_a_hard_linked_file_is_a_record_parsed_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A Windows-like tree: the SOFTWARE hive, System32, and WinSxS holding
    // hard links of the same signed files (as on a real system volume).
    copy(
        root,
        "Windows/System32/config/SOFTWARE",
        "Windows/System32/config/SOFTWARE",
    );
    copy(root, KERNEL32, KERNEL32);
    copy(root, NOTEPAD, NOTEPAD);
    let sxs_kernel32 = "Windows/WinSxS/amd64_microsoft-windows-kernel32_31bf3856ad364e35_10.0.22621.4460_none_9a3c1f2b8e0d7c41/kernel32.dll";
    let sxs_notepad = "Windows/WinSxS/amd64_microsoft-windows-notepad_31bf3856ad364e35_10.0.22621.4460_none_3e7d2a9c5b1f0e83/notepad.exe";
    link(root, KERNEL32, sxs_kernel32);
    link(root, NOTEPAD, sxs_notepad);
    // A third name in another place: a Firefox installation and the same
    // file linked into a download folder, where nothing owns it.
    copy(root, FIREFOX, FIREFOX);
    let download = "Users/alice/Downloads/firefox.exe";
    link(root, FIREFOX, download);
    link(
        root,
        FIREFOX,
        "Program Files/Mozilla Firefox/firefox-copy.exe",
    );

    let r = scan_json(&[root]);
    assert_eq!(r["errors"], serde_json::json!([]), "{:#}", r["errors"]);
    let stats = &r["images"][0]["stats"];
    // Three files, seven names: each file read and parsed once, every name
    // a record.
    assert_eq!(stats["binaries_parsed"], 3, "{stats:#}");
    assert_eq!(stats["hardlinks_deduplicated"], 4, "{stats:#}");
    assert_eq!(r["summary"]["binaries"], 7);
    let expect: [(&str, &str, &[&str]); 7] = [
        (KERNEL32, "microsoft", &[sxs_kernel32]),
        (sxs_kernel32, "microsoft", &[KERNEL32]),
        (NOTEPAD, "microsoft", &[sxs_notepad]),
        (sxs_notepad, "microsoft", &[NOTEPAD]),
        (
            FIREFOX,
            "mozilla",
            &["Program Files/Mozilla Firefox/firefox-copy.exe", download],
        ),
        (
            "Program Files/Mozilla Firefox/firefox-copy.exe",
            "mozilla",
            &[FIREFOX, download],
        ),
        (
            download,
            "mozilla",
            &["Program Files/Mozilla Firefox/firefox-copy.exe", FIREFOX],
        ),
    ];
    for (path, vendor, links) in expect {
        let b = binary(&r, path);
        assert_eq!(b["vendor"], vendor, "{path}");
        assert_eq!(b["signature"]["digest_ok"], true, "{path}");
        assert_eq!(strings(&b["links"]), links, "{path}");
    }
    // Each name is attached by its own path: the Windows directory rolls up
    // into the OS, the Firefox folder belongs to Firefox's uninstall entry
    // in the hive, and the download is a group of its own; all Mozilla's.
    for path in [KERNEL32, sxs_kernel32, NOTEPAD, sxs_notepad] {
        assert_eq!(binary(&r, path)["component"], "0:os:windows@23H2", "{path}");
    }
    let ff = binary(&r, FIREFOX)["component"].as_str().unwrap();
    let dl = binary(&r, download)["component"].as_str().unwrap();
    assert!(ff.starts_with("0:registry:Mozilla Firefox"), "{ff}");
    assert_eq!(dl, "0:binary:Users/alice/Downloads/firefox.exe");
    for id in [ff, dl] {
        let c = component(&r, id);
        assert_eq!(c["vendor"]["id"], "mozilla", "{id}");
    }
    assert_eq!(component(&r, ff)["binaries"], 2);
    assert_eq!(component(&r, dl)["binaries"], 1);
}
