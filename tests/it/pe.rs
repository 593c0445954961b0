//! PE fingerprints and Authenticode signers, end to end: `sovscan scan` on
//! the demo Windows image's PE files (fixtures/pe/generate.sh). The image
//! may or may not have its registry hives yet; these tests look at binaries
//! and the components they attach to, whatever the root's family.

use crate::common::{binary, flags, run_ok};

use crate::common::{scan_json, sovscan};
use serde_json::Value;
use std::path::Path;

fn demo() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/demo-windows"
    ))
}

const SIGNED: &[(&str, &str, &str)] = &[
    (
        "Program Files/Mozilla Firefox/firefox.exe",
        "Mozilla Corporation",
        "mozilla",
    ),
    (
        "Program Files/Zoom/bin/Zoom.exe",
        "Zoom Video Communications, Inc.",
        "zoom",
    ),
    (
        "Program Files (x86)/Google/Chrome/Application/chrome.exe",
        "Google LLC",
        "google",
    ),
    (
        "Program Files/TeamViewer/TeamViewer.exe",
        "TeamViewer Germany GmbH",
        "teamviewer",
    ),
    (
        "Windows/System32/kernel32.dll",
        "Microsoft Corporation",
        "microsoft",
    ),
    (
        "Windows/System32/notepad.exe",
        "Microsoft Corporation",
        "microsoft",
    ),
];

#[test]
fn signed_vendor_binaries_verify_and_resolve() {
    let r = scan_json(&[demo()]);
    assert_eq!(r["errors"], serde_json::json!([]), "{:#}", r["errors"]);
    for (path, org, vendor) in SIGNED {
        let b = binary(&r, path);
        assert_eq!(b["format"], "pe", "{path}");
        assert_eq!(b["arch"], "x86_64", "{path}");
        let sig = &b["signature"];
        assert_eq!(sig["signed"], true, "{path}");
        assert_eq!(sig["digest_ok"], true, "{path}");
        assert_eq!(sig["digest_algorithm"], "sha256", "{path}");
        assert_eq!(sig["subject"]["o"], *org, "{path}");
        assert_eq!(sig["issuer"], "CN=sovscan Test Code Signing CA", "{path}");
        assert_eq!(b["pe"]["company"], *org, "{path}");
        assert_eq!(b["vendor"], *vendor, "{path}");
        let f = flags(b);
        for bad in [
            "digest-mismatch",
            "unsigned-vendor-claim",
            "signer-mismatch",
        ] {
            assert!(!f.contains(&bad), "{path}: {f:?}");
        }
    }
    let ff = binary(&r, "Program Files/Mozilla Firefox/firefox.exe");
    assert_eq!(ff["pe"]["product"], "Firefox");
    assert_eq!(ff["pe"]["file_version"], "128.5.0");
    assert_eq!(ff["signature"]["subject"]["l"], "San Francisco");
    assert_eq!(ff["signature"]["subject"]["st"], "California");
    assert_eq!(ff["signature"]["subject"]["c"], "US");
}

#[test]
fn tampered_file_is_a_digest_mismatch() {
    let r = scan_json(&[demo()]);
    let b = binary(&r, "Program Files/Acme Tools/acmetool.exe");
    assert_eq!(b["signature"]["signed"], true);
    assert_eq!(b["signature"]["digest_ok"], false);
    assert_eq!(b["signature"]["subject"]["o"], "Acme Tools Ltd");
    assert!(flags(b).contains(&"digest-mismatch"), "{:?}", flags(b));
}

#[test]
fn unsigned_big_vendor_claim() {
    let r = scan_json(&[demo()]);
    let b = binary(&r, "Program Files/Acme Tools/helper.dll");
    assert_eq!(b["signature"]["signed"], false);
    assert_eq!(b["signature"]["subject"], Value::Null);
    assert_eq!(b["pe"]["company"], "Microsoft Corporation");
    let f = flags(b);
    assert!(f.contains(&"unsigned-vendor-claim"), "{f:?}");
    assert!(f.contains(&"shared-library"), "{f:?}");
    // Companies no rule knows, in unsigned files, are not flagged: PuTTY and
    // Notepad++ are recognised by their file names (independent
    // developers), not by the CompanyName text.
    for path in [
        "Users/alice/Downloads/putty.exe",
        "Users/alice/AppData/Local/Programs/Notepad++/notepad++.exe",
    ] {
        let b = binary(&r, path);
        assert_eq!(b["signature"]["signed"], false, "{path}");
        assert_eq!(b["vendor"], "independent", "{path}");
        assert!(!flags(b).contains(&"unsigned-vendor-claim"), "{path}");
    }
}

#[test]
fn signer_contradicting_the_company_name() {
    let r = scan_json(&[demo()]);
    let b = binary(&r, "Program Files/Acme Tools/mixed.dll");
    assert_eq!(b["pe"]["company"], "Microsoft Corporation");
    assert_eq!(b["signature"]["subject"]["o"], "Acme Tools Ltd");
    assert_eq!(b["signature"]["digest_ok"], true);
    let f = flags(b);
    assert!(f.contains(&"signer-mismatch"), "{f:?}");
    assert!(!f.contains(&"unsigned-vendor-claim"), "{f:?}");
}

#[test]
fn a_verified_signer_outranks_the_company_name() {
    // With a rule that knows Acme, mixed.dll (CompanyName Microsoft, signed
    // by Acme) is Acme's; the tampered acmetool.exe still resolves to Acme
    // through its unverified signer (medium beats nothing).
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("acme.toml");
    std::fs::write(
        &rules,
        r#"
[[vendor]]
id = "acme-tools"
name = "Acme Tools"
legal_names = ["Acme Tools Ltd"]
kind = "company"
country = "GB"
source = "test rule"
as_of = 2024-12-01
"#,
    )
    .unwrap();
    let out = run_ok(
        sovscan()
            .args(["scan", "-f", "json", "--no-progress", "--rules"])
            .arg(&rules)
            .arg(demo()),
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mixed = binary(&r, "Program Files/Acme Tools/mixed.dll");
    assert_eq!(mixed["vendor"], "acme-tools");
    assert!(flags(mixed).contains(&"signer-mismatch"));
    assert_eq!(
        binary(&r, "Program Files/Acme Tools/acmetool.exe")["vendor"],
        "acme-tools"
    );
    // Without the rule, mixed.dll's only known name is the company's, which
    // its own signature contradicts: a contradicted claim labels nothing.
    let r = scan_json(&[demo()]);
    let mixed = binary(&r, "Program Files/Acme Tools/mixed.dll");
    assert!(flags(mixed).contains(&"signer-mismatch"));
    assert_eq!(mixed["vendor"], Value::Null);
}

#[test]
fn dotnet_assembly() {
    let r = scan_json(&[demo()]);
    let b = binary(&r, "Program Files/dotnet-tool/Tool.dll");
    assert_eq!(b["pe"]["dotnet"], true);
    assert_eq!(b["pe"]["company"], "Example .NET Tool");
    // AnyCPU assemblies are PE32 with machine i386.
    assert_eq!(b["arch"], "i386");
    let f = flags(b);
    assert!(
        f.contains(&"dotnet") && f.contains(&"shared-library"),
        "{f:?}"
    );
}

#[test]
fn components_count_their_signers() {
    let r = scan_json(&[demo()]);
    let comp_of = |path: &str| binary(&r, path)["component"].as_str().unwrap().to_owned();
    let system = comp_of("Windows/System32/kernel32.dll");
    assert_eq!(system, comp_of("Windows/System32/notepad.exe"));
    let c = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == system.as_str())
        .unwrap();
    assert_eq!(
        c["signers"]["Microsoft Corporation"], 2,
        "{:#}",
        c["signers"]
    );
    // A component with no signed binary has no `signers` field.
    let putty = comp_of("Users/alice/Downloads/putty.exe");
    let c = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == putty.as_str())
        .unwrap();
    assert!(c.get("signers").is_none(), "{c:#}");
}

#[test]
fn every_pe_file_of_the_image_is_fingerprinted() {
    let r = scan_json(&[demo()]);
    let pe: Vec<&str> = r["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["format"] == "pe")
        .map(|b| b["path"].as_str().unwrap())
        .collect();
    assert_eq!(pe.len(), 15, "{pe:?}");
    // Fixture files carry no exec bit (as on an extracted image): the
    // names alone make them candidates.
    for b in r["binaries"].as_array().unwrap() {
        assert!(b["pe"].is_object(), "{}", b["path"]);
        assert!(!flags(b).contains(&"not-parsed"), "{}", b["path"]);
    }
}
