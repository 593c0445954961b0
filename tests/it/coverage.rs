//! `sovscan rules coverage`: the signers of a saved scan that the rules
//! don't know, on reports of the demo images written by the scan itself.

use crate::common::*;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// `sovscan rules coverage REPORT -f json [extra...]`: exit code and JSON.
fn coverage(report: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = sovscan()
        .args(["rules", "coverage", "-f", "json"])
        .arg(report)
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

/// `sovscan rules coverage REPORT [extra...]`, which must succeed: the table.
fn table(report: &Path, extra: &[&str]) -> String {
    let out = sovscan()
        .args(["rules", "coverage"])
        .arg(report)
        .args(extra)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn signers(c: &serde_json::Value) -> Vec<&str> {
    c["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["signer"].as_str().unwrap())
        .collect()
}

fn kind<'a>(c: &'a serde_json::Value, k: &str) -> &'a serde_json::Value {
    c["signed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == k)
        .unwrap_or_else(|| panic!("no {k} in {c}"))
}

/// The demo Windows image: Acme Tools Ltd signs two files (one of them
/// changed after signing) and no rule knows it; Microsoft, Google, Mozilla,
/// TeamViewer and Zoom resolve.
#[test]
fn unknown_authenticode_signer_is_listed_and_known_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("scan.json");
    scan_to(&report, fixture("demo-windows"));

    let (code, c) = coverage(&report, &[]);
    assert_eq!(code, 0, "a worklist, not a gate: {c}");
    assert_eq!(signers(&c), ["Acme Tools Ltd"], "{c}");
    let acme = &c["unknown"][0];
    assert_eq!(acme["kind"], "authenticode");
    assert_eq!(acme["files"], 2);
    assert_eq!(
        acme["verified"], 1,
        "acmetool.exe was changed after signing"
    );
    assert_eq!(acme["team_id"], serde_json::Value::Null);
    assert!(
        acme["example"]["path"]
            .as_str()
            .unwrap()
            .starts_with("Program Files/Acme Tools/"),
        "{acme}"
    );
    let pe = kind(&c, "authenticode");
    let files = pe["files"].as_u64().unwrap();
    assert_eq!(pe["resolved"].as_u64().unwrap(), files - 2, "{pe}");
    assert!(
        files >= 7,
        "Microsoft, Google, Mozilla, TeamViewer, Zoom: {pe}"
    );

    // The table says the same.
    let t = table(&report, &[]);
    assert!(t.contains("1 signer the rules don't know"), "{t}");
    assert!(
        t.contains("Acme Tools Ltd") && !t.contains("Microsoft"),
        "{t}"
    );
}

/// A site layer naming the signer resolves it: the list is empty and
/// `--fail-on-unknown` passes; without the layer it fails with exit 1.
#[test]
fn a_site_rule_resolves_the_signer_and_fail_on_unknown_gates() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("scan.json");
    scan_to(&report, fixture("demo-windows"));
    let (code, _) = coverage(&report, &["--fail-on-unknown"]);
    assert_eq!(code, 1);

    let site = dir.path().join("acme.toml");
    std::fs::write(
        &site,
        "[[vendor]]\nid = \"acme-tools\"\nname = \"Acme Tools\"\nlegal_names = [\"Acme Tools Ltd\"]\nkind = \"company\"\ncountry = \"GB\"\nsource = \"site inventory\"\nas_of = 2026-12-01\n",
    )
    .unwrap();
    let site = site.to_str().unwrap();
    let (code, c) = coverage(&report, &["--rules", site, "--fail-on-unknown"]);
    assert_eq!(code, 0, "{c}");
    assert_eq!(signers(&c), Vec::<&str>::new());
    let pe = kind(&c, "authenticode");
    assert_eq!(pe["resolved"], pe["files"]);
    assert_eq!(pe["share"], 1.0);
    let t = table(&report, &["--rules", site]);
    assert!(t.contains("every signer resolves to a vendor"), "{t}");
}

/// The demo macOS image: Developer ID signers resolve by Team ID, Apple's
/// own `Software Signing` and the Mac App Store signature (WhatsApp) are
/// counted as `mach-o` and resolve too; ad hoc and unsigned files are not
/// counted. With the embedded rules removed, every Team ID is unknown and
/// listed with it.
#[test]
fn developer_ids_resolve_by_team_id() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("scan.json");
    scan_to(&report, fixture("demo-macos"));
    let (code, c) = coverage(&report, &[]);
    assert_eq!(code, 0);
    assert_eq!(signers(&c), Vec::<&str>::new(), "{c}");
    let dev = kind(&c, "developer-id");
    assert_eq!(dev["files"], dev["resolved"]);
    assert!(dev["files"].as_u64().unwrap() >= 7, "{dev}");
    let other = kind(&c, "mach-o");
    assert_eq!(other["files"], other["resolved"], "{other}");

    // A database without vendors and products: Mozilla's Team ID is listed.
    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    for f in [
        "database",
        "jurisdictions",
        "categories",
        "licenses",
        "model",
    ] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rules/{f}.toml"));
        std::fs::copy(from, bare.join(format!("{f}.toml"))).unwrap();
    }
    let (_, c) = coverage(
        &report,
        &["--no-default-rules", "--rules", bare.to_str().unwrap()],
    );
    let mozilla = c["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["team_id"] == "43AQ936H96")
        .unwrap_or_else(|| panic!("Mozilla's Team ID not listed: {c}"));
    assert_eq!(mozilla["kind"], "developer-id");
    assert_eq!(mozilla["signer"], "Mozilla Corporation");
    assert_eq!(
        mozilla["common_name"],
        "Developer ID Application: Mozilla Corporation (43AQ936H96)"
    );
    assert_eq!(mozilla["files"], mozilla["verified"]);
    assert_eq!(mozilla["files"], 2, "firefox and XUL");
}

/// A report from before schema 1.1 has no signatures: nothing is counted,
/// and the table says so.
#[test]
fn a_report_without_signatures_lists_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("scan.json");
    scan_to(&report, fixture("demo-windows"));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    for b in v["binaries"].as_array_mut().unwrap() {
        let b = b.as_object_mut().unwrap();
        b.remove("signature");
        b.remove("macho");
    }
    let old = dir.path().join("old.json");
    std::fs::write(&old, serde_json::to_string(&v).unwrap()).unwrap();
    let (code, c) = coverage(&old, &["--fail-on-unknown"]);
    assert_eq!(code, 0);
    assert_eq!(c["signed"], serde_json::json!([]));
    assert_eq!(c["unknown"], serde_json::json!([]));
    let t = table(&old, &[]);
    assert!(
        t.contains("none: the report has no binary signed with a certificate"),
        "{t}"
    );
}

/// A file that is no report is one line naming it, exit 2.
#[test]
fn a_broken_report_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema_version\": \"1.4\", \"binaries\": [}").unwrap();
    let out = sovscan()
        .args(["rules", "coverage"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.json:1:"), "{err}");
}
