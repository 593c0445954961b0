//! macOS images: the demo image's apps, code signatures, Homebrew and pkg
//! receipts, and hostile Mach-O files.

use crate::common;

use crate::common::{binary, flags, run_ok};

use serde_json::Value;
use std::path::Path;

fn demo() -> Value {
    common::scan_json(&[Path::new("fixtures/demo-macos")])
}

fn component<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no component {id}"))
}

#[test]
fn os_component_from_system_version_plist() {
    let r = demo();
    let os = &r["images"][0]["os"];
    assert_eq!(os["family"], "macos");
    assert_eq!(os["name"], "macOS 14.6.1");
    assert_eq!(os["version"], "14.6.1");
    let c = component(&r, "0:os:macos@14.6.1");
    assert_eq!(c["properties"]["build"], "23G93");
    assert_eq!(c["vendor"]["id"], "apple");
    // Apple's binaries on the system volume belong to the OS.
    assert_eq!(binary(&r, "bin/ls")["component"], "0:os:macos@14.6.1");
    assert_eq!(r["errors"], Value::Array(vec![]));
}

#[test]
fn each_app_is_one_component_resolved_by_team_id() {
    let r = demo();
    let apps: Vec<&Value> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "app")
        .collect();
    let mut ids: Vec<&str> = apps.iter().map(|c| c["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "0:app:Applications/Firefox.app",
            "0:app:Applications/LibreOffice.app",
            "0:app:Applications/Microsoft Word.app",
            "0:app:Applications/Safari.app",
            "0:app:Applications/WhatsApp.app",
            "0:app:Applications/zoom.us.app",
            "0:app:Users/alice/Applications/Signal.app",
        ]
    );
    for (id, vendor, country, team) in [
        ("0:app:Applications/zoom.us.app", "zoom", "US", "BJ4HAAB9B3"),
        (
            "0:app:Applications/Firefox.app",
            "mozilla",
            "US",
            "43AQ936H96",
        ),
        (
            "0:app:Applications/Microsoft Word.app",
            "microsoft",
            "US",
            "UBF8T346G9",
        ),
        (
            "0:app:Applications/LibreOffice.app",
            "tdf",
            "DE",
            "7P5S3ZLCN7",
        ),
        (
            "0:app:Users/alice/Applications/Signal.app",
            "signal",
            "US",
            "U68MSDN6DR",
        ),
        (
            "0:app:Applications/WhatsApp.app",
            "whatsapp",
            "US",
            "57T9237FN3",
        ),
    ] {
        let c = component(&r, id);
        assert_eq!(c["vendor"]["id"], vendor, "{id}");
        assert_eq!(c["controller"]["country"], country, "{id}");
        let ev = c["match"]["evidence"].as_array().unwrap();
        assert!(
            ev.iter().any(|e| e["field"] == "Team ID"
                && e["value"] == team
                && e["rule"] == format!("vendor:{vendor}")),
            "{id}: {ev:?}"
        );
    }
    // Nested helper app and framework belong to the outer app.
    let zoom = component(&r, "0:app:Applications/zoom.us.app");
    assert_eq!(zoom["binaries"], 3);
    assert_eq!(zoom["files"], 8);
    assert_eq!(zoom["version"], "6.2.11 (43613)");
    assert_eq!(zoom["properties"]["bundle_id"], "us.zoom.xos");
    assert_eq!(zoom["product"]["id"], "zoom");
    assert_eq!(
        binary(
            &r,
            "Applications/zoom.us.app/Contents/Frameworks/ZoomHelper.app/Contents/MacOS/ZoomHelper"
        )["component"],
        "0:app:Applications/zoom.us.app"
    );
    // A binary Info.plist reads like an XML one.
    let word = component(&r, "0:app:Applications/Microsoft Word.app");
    assert_eq!(word["version"], "16.89");
    assert_eq!(word["product"]["id"], "microsoft-word");
    assert_eq!(word["properties"]["min_system_version"], "12.0");
}

#[test]
fn app_store_app_resolves_by_team_id_not_apple_signer() {
    let r = demo();
    let wa = component(&r, "0:app:Applications/WhatsApp.app");
    assert_eq!(wa["properties"]["store"], "Mac App Store");
    assert_eq!(wa["vendor"]["id"], "whatsapp");
    assert_eq!(wa["controller"]["id"], "meta");
    let b = binary(&r, "Applications/WhatsApp.app/Contents/MacOS/WhatsApp");
    assert_eq!(
        b["macho"]["signer"]["cn"],
        "Apple Mac OS Application Signing"
    );
    assert_eq!(b["macho"]["team_id"], "57T9237FN3");
    // The binary on its own (no Info.plist, no product): Team ID beats the
    // Apple signer.
    assert_eq!(b["vendor"], "whatsapp");
}

#[test]
fn signatures_adhoc_unsigned_and_fat() {
    let r = demo();
    let zoom = binary(&r, "Applications/zoom.us.app/Contents/MacOS/zoom.us");
    assert_eq!(zoom["arch"], "x86_64+arm64");
    assert_eq!(zoom["format"], "macho");
    let m = &zoom["macho"];
    assert_eq!(m["archs"], serde_json::json!(["x86_64", "arm64"]));
    assert_eq!(m["team_id"], "BJ4HAAB9B3");
    assert_eq!(m["identifier"], "us.zoom.xos");
    assert_eq!(m["adhoc"], false);
    assert_eq!(
        m["signer"]["cn"],
        "Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3)"
    );
    assert_eq!(m["signer"]["ou"], "BJ4HAAB9B3");
    assert_eq!(m["signer"]["o"], "Zoom Video Communications, Inc.");
    assert_eq!(m["signer"]["c"], "US");
    assert_eq!(m["slices"].as_array().unwrap().len(), 2);
    for s in m["slices"].as_array().unwrap() {
        assert_eq!(s["signature"]["team_id"], "BJ4HAAB9B3");
    }
    let f = flags(zoom);
    assert!(
        f.contains(&"fat") && f.contains(&"signed") && f.contains(&"executable"),
        "{f:?}"
    );

    let ls = binary(&r, "bin/ls");
    assert_eq!(
        ls["macho"]["archs"],
        serde_json::json!(["x86_64", "arm64e"])
    );
    assert_eq!(ls["macho"]["team_id"], Value::Null);

    let jq = binary(&r, "opt/homebrew/Cellar/jq/1.7.1/bin/jq");
    assert!(flags(jq).contains(&"adhoc"));
    assert_eq!(jq["macho"]["adhoc"], true);
    assert_eq!(jq["macho"]["signer"], Value::Null);
    assert_eq!(jq["macho"]["identifier"], "jq");
    assert_eq!(
        jq["macho"]["dylibs"][0],
        "/opt/homebrew/opt/jq/lib/libjq.1.dylib"
    );

    let lib = binary(&r, "opt/homebrew/Cellar/jq/1.7.1/lib/libjq.1.dylib");
    assert_eq!(lib["macho"]["filetype"], "dylib");
    assert_eq!(
        lib["macho"]["id_dylib"],
        "/opt/homebrew/opt/jq/lib/libjq.1.dylib"
    );
    assert!(flags(lib).contains(&"shared-library"));

    let legacy = binary(&r, "usr/local/bin/legacy-tool");
    assert!(flags(legacy).contains(&"unsigned"));
    assert_eq!(legacy["macho"]["min_os"], "macos 10.13");
    assert_eq!(legacy["arch"], "x86_64");
}

#[test]
fn homebrew_and_receipts() {
    let r = demo();
    let jq = component(&r, "0:homebrew:opt/homebrew/Cellar/jq/1.7.1");
    assert_eq!(jq["name"], "jq");
    assert_eq!(jq["version"], "1.7.1");
    assert_eq!(jq["properties"]["tap"], "homebrew/core");
    assert_eq!(jq["properties"]["installed_on_request"], "true");
    assert_eq!(jq["properties"]["homebrew_version"], "4.4.10");
    assert_eq!(jq["binaries"], 2);
    let onig = component(&r, "0:homebrew:opt/homebrew/Cellar/oniguruma/6.9.9");
    assert_eq!(onig["kind"], "library");
    let cask = component(&r, "0:homebrew:opt/homebrew/Caskroom/firefox/131.0.3");
    assert_eq!(cask["properties"]["kind"], "cask");
    assert_eq!(cask["properties"]["display_name"], "Mozilla Firefox");
    assert_eq!(cask["vendor"]["id"], "mozilla");

    // Receipts are read through var → private/var, once.
    let word = component(
        &r,
        "0:pkg:com.microsoft.package.Microsoft_Word.app@16.89.24091630",
    );
    assert_eq!(word["vendor"]["id"], "microsoft");
    assert_eq!(word["properties"]["install_date"], "2024-11-20T09:30:00Z");
    assert_eq!(word["properties"]["install_prefix"], "/");
    assert_eq!(
        word["evidence"][0]["path"],
        "var/db/receipts/com.microsoft.package.Microsoft_Word.app.plist"
    );
    let zoom = component(&r, "0:pkg:us.zoom.pkg.videomeeting@6.2.11.43613");
    assert_eq!(zoom["vendor"]["id"], "zoom");
    assert_eq!(zoom["product"]["id"], "zoom");
    let autoupdate = component(
        &r,
        "0:pkg:com.microsoft.package.Microsoft_AutoUpdate.app@4.76.24091630",
    );
    assert_eq!(autoupdate["vendor"]["id"], "microsoft");
    assert!(autoupdate["product"].is_null());
    let pkgs = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "pkg")
        .count();
    assert_eq!(pkgs, 3);
}

fn scan_dir(dir: &Path) -> Value {
    common::scan_json(&[dir])
}

fn errors_for<'a>(r: &'a Value, path: &str) -> Vec<&'a str> {
    r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == path)
        .map(|e| e["message"].as_str().unwrap())
        .collect()
}

#[test]
fn hostile_superblobs_are_errors_not_panics() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // LC_CODE_SIGNATURE pointing past the end of the file.
    common::write(
        &d.join("past-end"),
        &common::macho(&[0; 16], Some((4096, 512))),
        0o755,
    );
    // A SuperBlob whose index points past its own end.
    let mut sb = Vec::new();
    for v in [0xfade_0cc0_u32, 20, 1, 0, 0x7fff_fff0] {
        sb.extend_from_slice(&v.to_be_bytes());
    }
    let off = 48; // header 32 + one load command 16
    common::write(
        &d.join("index-past-end"),
        &common::macho(&sb, Some((off, sb.len() as u32))),
        0o755,
    );
    // A SuperBlob claiming 4 billion entries.
    let mut sb = Vec::new();
    for v in [0xfade_0cc0_u32, 12, u32::MAX] {
        sb.extend_from_slice(&v.to_be_bytes());
    }
    common::write(
        &d.join("huge-count"),
        &common::macho(&sb, Some((off, sb.len() as u32))),
        0o755,
    );
    // A valid CodeDirectory with a CMS slot full of garbage.
    let mut cd = Vec::new();
    for v in [0xfade_0c02_u32, 0, 0x20400, 0, 0, 88, 0, 0, 0, 0, 0, 0, 105] {
        cd.extend_from_slice(&v.to_be_bytes());
    }
    cd.resize(88, 0);
    cd.extend_from_slice(b"com.example.tool\0TEAMID1234\0");
    let cd_len = cd.len() as u32;
    cd[4..8].copy_from_slice(&cd_len.to_be_bytes());
    let mut wrapper = Vec::new();
    wrapper.extend_from_slice(&0xfade_0b01_u32.to_be_bytes());
    wrapper.extend_from_slice(&(8 + 40u32).to_be_bytes());
    wrapper.extend_from_slice(&[0x30, 0x80, 0xff, 0x13, 0x37][..]);
    wrapper.resize(48, 0xee);
    let idx = 12 + 16;
    let mut sb = Vec::new();
    let total = idx + cd.len() + wrapper.len();
    for v in [
        0xfade_0cc0_u32,
        total as u32,
        2,
        0,
        idx as u32,
        0x10000,
        (idx + cd.len()) as u32,
    ] {
        sb.extend_from_slice(&v.to_be_bytes());
    }
    sb.extend_from_slice(&cd);
    sb.extend_from_slice(&wrapper);
    common::write(
        &d.join("garbage-cms"),
        &common::macho(&sb, Some((off, sb.len() as u32))),
        0o755,
    );

    let out = run_ok(
        common::sovscan()
            .args(["scan", "--no-progress", "-f", "json"])
            .arg(d),
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panick"));
    let r = scan_dir(d);
    assert_eq!(common::binary_paths(&r).len(), 4);
    for (file, needle) in [
        ("past-end", "past the end of the slice"),
        ("index-past-end", "past the SuperBlob"),
        ("huge-count", "claims 4294967295 blobs"),
        ("garbage-cms", "unreadable CMS signature"),
    ] {
        let errs = errors_for(&r, file);
        assert!(errs.iter().any(|e| e.contains(needle)), "{file}: {errs:?}");
    }
    // What could be read is still reported.
    let g = binary(&r, "garbage-cms");
    assert_eq!(g["macho"]["team_id"], "TEAMID1234");
    assert_eq!(g["macho"]["identifier"], "com.example.tool");
    assert_eq!(g["macho"]["signer"], Value::Null);
    assert!(flags(binary(&r, "past-end")).contains(&"unsigned"));
}

#[test]
fn truncated_fat_header_and_bad_plists() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    common::write(
        &d.join("System/Library/CoreServices/SystemVersion.plist"),
        b"<?xml version=\"1.0\"?><plist><dict><key>ProductVersion",
        0o644,
    );
    common::write(
        &d.join("Applications/Broken.app/Contents/Info.plist"),
        b"bplist00\xff\xff",
        0o644,
    );
    // A fat header whose only slice lies outside the file.
    let mut fat = Vec::new();
    for v in [0xcafe_babe_u32, 1, 0x0100_000c, 0, 0x10000, 0x1000, 12] {
        fat.extend_from_slice(&v.to_be_bytes());
    }
    common::write(
        &d.join("Applications/Broken.app/Contents/MacOS/Broken"),
        &fat,
        0o755,
    );
    let r = scan_dir(d);
    assert_eq!(r["images"][0]["os"]["family"], "macos");
    assert!(!errors_for(&r, "System/Library/CoreServices/SystemVersion.plist").is_empty());
    assert!(!errors_for(&r, "Applications/Broken.app/Contents/Info.plist").is_empty());
    // The app is still a component, named after its directory, and owns its binary.
    let app = component(&r, "0:app:Applications/Broken.app");
    assert_eq!(app["name"], "Broken");
    let b = binary(&r, "Applications/Broken.app/Contents/MacOS/Broken");
    assert_eq!(b["component"], "0:app:Applications/Broken.app");
    assert!(
        !errors_for(&r, "Applications/Broken.app/Contents/MacOS/Broken").is_empty(),
        "{:?}",
        r["errors"]
    );
}

#[test]
fn team_ids_decide_the_vendor_of_every_signed_app() {
    let r = common::scan_json(&[Path::new("fixtures/demo-macos")]);
    let apps: Vec<&Value> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "app")
        .collect();
    assert!(apps.len() >= 7);
    for c in apps {
        let first = &c["match"]["evidence"][0];
        if c["name"] == "Safari" {
            // Apple's own apps carry no Team ID; the bundle id decides.
            assert_eq!(first["field"], "bundle id");
            continue;
        }
        assert_eq!(first["field"], "Team ID", "{}: {first}", c["name"]);
        // The product (from the bundle id) is kept when it belongs to the same vendor.
        assert!(c["product"].is_object(), "{}", c["name"]);
        assert_eq!(
            c["vendor"]["id"],
            first["rule"]
                .as_str()
                .unwrap()
                .trim_start_matches("vendor:"),
            "{}",
            c["name"]
        );
    }
}
