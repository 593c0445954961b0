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

const CHROME: &str = "Program Files (x86)/Google/Chrome/Application/chrome.exe";
const ZOOM: &str = "Program Files/Zoom/bin/Zoom.exe";
const PUTTY: &str = "Users/alice/Downloads/putty.exe";

#[test]
fn a_group_is_its_majority_signers_and_a_nested_runtime_is_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy(
        root,
        "Windows/System32/config/SOFTWARE",
        "Windows/System32/config/SOFTWARE",
    );
    let studio = "Program Files/Contoso Studio";
    // 100 binaries signed by company A (Google's signed sample under 100
    // names, copies), in the folder and its sub-folders...
    for i in 0..100 {
        let to = match i % 3 {
            0 => format!("{studio}/studio{i:03}.exe"),
            1 => format!("{studio}/bin/module{i:03}.exe"),
            _ => format!("{studio}/plugins/p{i:03}/plugin.exe"),
        };
        copy(root, CHROME, &to);
    }
    // ...a vendored file signed by company C next to A's own...
    copy(root, ZOOM, &format!("{studio}/bin/meetingsdk.exe"));
    // ...a folder of unsigned files with one more of C's (a vendored
    // library among the group's own unsigned tools, not a payload)...
    for i in 0..3 {
        copy(root, PUTTY, &format!("{studio}/tools/tool{i}.exe"));
    }
    copy(root, ZOOM, &format!("{studio}/tools/meetingsdk.exe"));
    // ...and a nested runtime signed by company B, with an unsigned
    // launcher of its own.
    copy(root, FIREFOX, &format!("{studio}/runtime/bin/runtime.exe"));
    copy(root, FIREFOX, &format!("{studio}/runtime/lib/core.exe"));
    copy(root, PUTTY, &format!("{studio}/runtime/bin/launcher.exe"));

    let r = scan_json(&[root]);
    assert_eq!(r["errors"], serde_json::json!([]), "{:#}", r["errors"]);
    // The group is A's, decided by its verified signatures.
    let group = component(&r, &format!("0:binary:{studio}"));
    assert_eq!(group["vendor"]["id"], "google", "{:#}", group["match"]);
    assert_eq!(group["match"]["evidence"][0]["field"], "code signer");
    assert_eq!(group["match"]["evidence"][0]["value"], "Google LLC");
    assert_eq!(group["binaries"], 105);
    assert_eq!(strings(&group["flags"]), ["mixed-signers"]);
    // Its product says so too.
    let product = r["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["members"].as_array().unwrap().contains(&group["id"]))
        .expect("the group's product");
    assert_eq!(strings(&product["flags"]), ["mixed-signers"]);
    // Shares over the folder's 108 binaries, the runtime's included.
    let shares = &group["signer_shares"];
    let share = |name: &str| {
        (
            shares[name]["count"].as_u64().unwrap(),
            shares[name]["share"].as_f64().unwrap(),
        )
    };
    assert_eq!(shares.as_object().unwrap().len(), 3, "{shares:#}");
    assert_eq!(share("Google LLC"), (100, 100.0 / 108.0));
    assert_eq!(share("Mozilla Corporation"), (2, 2.0 / 108.0));
    assert_eq!(share("Zoom Video Communications, Inc."), (2, 2.0 / 108.0));
    // The vendored files are members with their own vendor.
    for f in ["bin/meetingsdk.exe", "tools/meetingsdk.exe"] {
        let sdk = binary(&r, &format!("{studio}/{f}"));
        assert_eq!(sdk["component"], group["id"], "{f}");
        assert_eq!(sdk["vendor"], "zoom", "{f}");
    }
    // The runtime is B's, a component of its own, unsigned launcher
    // included; it says where it was found.
    let runtime = component(&r, &format!("0:binary:{studio}/runtime"));
    assert_eq!(runtime["vendor"]["id"], "mozilla");
    assert_eq!(runtime["binaries"], 3);
    assert_eq!(runtime["properties"]["nested_in"], studio);
    assert_eq!(runtime["flags"], Value::Null);
    assert_eq!(runtime["key"], format!("binary:{studio}/runtime"));
    for f in ["bin/runtime.exe", "lib/core.exe", "bin/launcher.exe"] {
        let b = binary(&r, &format!("{studio}/runtime/{f}"));
        assert_eq!(b["component"], runtime["id"], "{f}");
    }
}

#[test]
fn one_signer_and_unsigned_files_make_no_mixed_group() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy(
        root,
        "Windows/System32/config/SOFTWARE",
        "Windows/System32/config/SOFTWARE",
    );
    let tools = "Program Files/Contoso Tools";
    for i in 0..5 {
        copy(root, CHROME, &format!("{tools}/tool{i}.exe"));
    }
    copy(root, PUTTY, &format!("{tools}/extra/helper.exe"));
    let r = scan_json(&[root]);
    let group = component(&r, &format!("0:binary:{tools}"));
    assert_eq!(group["vendor"]["id"], "google");
    assert_eq!(group["binaries"], 6);
    assert_eq!(group["flags"], Value::Null);
    assert_eq!(group["signer_shares"], Value::Null);
}

#[test]
fn a_signed_payload_among_mostly_unsigned_files_is_split_off_not_the_owner() {
    // A Python-like framework: ten unsigned binaries, and a bundled
    // runtime of three files signed by Mozilla in a sub-directory. The
    // only signer covers a minority of the group: it is the runtime's
    // vendor, not the framework's (as Eclipse's JRE inside python.org's
    // framework on the realistic macOS image).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..10 {
        crate::common::write(
            &root.join(format!("opt/suite/bin/t{i}")),
            &crate::common::elf(&[i as u8 + 1; 20], None),
            0o755,
        );
    }
    for i in 0..3 {
        copy(
            root,
            FIREFOX,
            &format!("opt/suite/lib/runtime/bin/r{i}.exe"),
        );
    }
    let r = scan_json(&[root]);
    let group = component(&r, "0:binary:opt/suite");
    assert_eq!(group["binaries"], 10, "{group:#}");
    assert_ne!(group["vendor"]["id"], "mozilla", "{:#}", group["match"]);
    // The outermost directory holding only the payload is its folder.
    let runtime = component(&r, "0:binary:opt/suite/lib");
    assert_eq!(runtime["vendor"]["id"], "mozilla");
    assert_eq!(runtime["binaries"], 3);
    assert_eq!(runtime["properties"]["nested_in"], "opt/suite");
}

#[test]
fn one_file_s_claim_does_not_label_a_large_unsigned_group() {
    // 30 unsigned binaries with no claims, and one whose package note
    // names a product (high confidence on its own): no consensus, no
    // vendor for the group.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..30 {
        crate::common::write(
            &root.join(format!("opt/buildtree/bin/t{i}")),
            &crate::common::elf(&[i as u8 + 1; 20], None),
            0o755,
        );
    }
    crate::common::write(
        &root.join("opt/buildtree/bin/meeting"),
        &crate::common::elf(&[99; 20], Some(r#"{"type":"deb","name":"zoom"}"#)),
        0o755,
    );
    let r = scan_json(&[root]);
    let group = component(&r, "0:binary:opt/buildtree");
    assert_eq!(group["vendor"], Value::Null, "{:#}", group["match"]);
    // The file itself is still Zoom's by its note.
    assert_eq!(binary(&r, "opt/buildtree/bin/meeting")["vendor"], "zoom");
    // In a small group the same file is the consensus.
    let small = tempfile::tempdir().unwrap();
    for (name, note) in [
        ("meeting", Some(r#"{"type":"deb","name":"zoom"}"#)),
        ("t1", None),
    ] {
        crate::common::write(
            &small.path().join(format!("opt/buildtree/bin/{name}")),
            &crate::common::elf(&[name.len() as u8; 20], note),
            0o755,
        );
    }
    let r = scan_json(&[small.path()]);
    let group = component(&r, "0:binary:opt/buildtree");
    assert_eq!(group["vendor"]["id"], "zoom", "{:#}", group["match"]);
}

/// The demo macOS image's Mach-O files (fixtures/macos/generate.sh).
fn mac_sample(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo-macos")).join(rel)
}

#[test]
fn mach_o_developer_id_signatures_are_verified_evidence() {
    // A macOS `Library` folder of Zoom-signed binaries with a sub-folder of
    // Microsoft-signed ones (both Developer ID with their Team IDs).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let put = |from: &str, to: &str| {
        let dest = root.join(to);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(mac_sample(from), dest).unwrap();
    };
    let zoom = "Applications/zoom.us.app/Contents/MacOS/zoom.us";
    let word = "Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word";
    for i in 0..12 {
        put(zoom, &format!("opt/meetings/Library/lib{i}.dylib"));
    }
    for i in 0..8 {
        put(word, &format!("opt/meetings/Library/python/ext{i}.so"));
    }
    let r = scan_json(&[root]);
    let group = component(&r, "0:binary:opt/meetings");
    assert_eq!(group["vendor"]["id"], "zoom", "{:#}", group["match"]);
    assert_eq!(strings(&group["flags"]), ["mixed-signers"]);
    assert_eq!(group["binaries"], 12);
    let first = &group["match"]["evidence"][0];
    assert_eq!(first["confidence"], "high", "{first:#}");
    let nested = component(&r, "0:binary:opt/meetings/Library/python");
    assert_eq!(nested["vendor"]["id"], "microsoft");
    assert_eq!(nested["binaries"], 8);
    // The signer is verified evidence on the binary too.
    let b = binary(&r, "opt/meetings/Library/lib0.dylib");
    assert_eq!(b["vendor"], "zoom");
    let signers: Vec<&Value> = group["match"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "code signer")
        .collect();
    assert!(!signers.is_empty(), "{:#}", group["match"]);
}
