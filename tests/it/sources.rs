//! Every inventory source, end to end, on the generated demo images
//! (`fixtures/generate.sh`). Assertions name exact packages and fields, so
//! a collector that stops reading a field fails here.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

fn demo() -> &'static Value {
    static REPORT: OnceLock<Value> = OnceLock::new();
    REPORT.get_or_init(|| scan_json(&[Path::new("fixtures/demo-linux")]))
}

fn component<'a>(r: &'a Value, source: &str, name: &str) -> &'a Value {
    r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == source && c["name"] == name)
        .unwrap_or_else(|| panic!("no {source} component {name}"))
}

fn names(r: &Value, source: &str) -> Vec<String> {
    let mut v: Vec<String> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == source)
        .map(|c| match c["arch"].as_str() {
            Some(a) if source == "dpkg" && c["name"] == "libc6" => format!("libc6:{a}"),
            _ => c["name"].as_str().unwrap().to_owned(),
        })
        .collect();
    v.sort();
    v
}

#[test]
fn demo_scan_is_clean() {
    let r = demo();
    assert_eq!(r["errors"], serde_json::json!([]));
    assert_eq!(r["warnings"], serde_json::json!([]));
    assert_eq!(r["images"][0]["os"]["family"], "linux");
    assert_eq!(
        r["images"][0]["os"]["name"],
        "Debian GNU/Linux 12 (bookworm)"
    );
    // os-release is a relative symlink into usr/lib: read inside the image.
    assert_eq!(r["images"][0]["os"]["evidence"], "etc/os-release");
}

#[test]
fn os_component() {
    let os = component(demo(), "os", "debian");
    assert_eq!(os["version"], "12");
    assert_eq!(os["kind"], "operating-system");
    assert_eq!(os["category"], "os");
}

#[test]
fn dpkg_lists_installed_and_config_files_packages_but_not_purged() {
    let r = demo();
    let dpkg = names(r, "dpkg");
    // 25 installed + 1 config-files, as `dpkg-query -W` counts them.
    assert_eq!(dpkg.len(), 26, "{dpkg:?}");
    assert!(dpkg.contains(&"libc6:amd64".to_owned()) && dpkg.contains(&"libc6:i386".to_owned()));
    assert!(
        !dpkg.contains(&"teamviewer".to_owned()),
        "purged package listed"
    );
    let anydesk = component(r, "dpkg", "anydesk");
    assert_eq!(anydesk["properties"]["status"], "deinstall ok config-files");

    let chrome = component(r, "dpkg", "google-chrome-stable");
    assert_eq!(chrome["version"], "131.0.6778.85-1");
    assert_eq!(
        chrome["supplier"]["maintainer"],
        "Chrome Linux Team <chromium-dev@chromium.org>"
    );
    assert_eq!(
        chrome["purl"],
        "pkg:deb/debian/google-chrome-stable@131.0.6778.85-1?arch=amd64&distro=debian-12"
    );
    assert_eq!(chrome["product"]["id"], "google-chrome");
    assert_eq!(chrome["controller"]["country"], "US");
    assert_eq!(chrome["risk"]["level"], "medium");
    assert_eq!(
        chrome["risk"]["dimensions"],
        serde_json::json!({"d1": 3, "d2": 0, "d3": 1, "d4": 2, "d5": 2, "d6": 0, "d7": 3})
    );
    let ev = &chrome["evidence"][0];
    assert_eq!(ev["path"], "var/lib/dpkg/status");
    assert!(
        ev["detail"]
            .as_str()
            .unwrap()
            .contains("Package: google-chrome-stable")
    );
    // The binary the .list names is attached to the package.
    assert_eq!(
        binary(r, "opt/google/chrome/chrome")["component"],
        chrome["id"]
    );
}

#[test]
fn dpkg_list_paths_follow_usrmerge_links_inside_the_image() {
    let r = demo();
    // libc6's .list names /lib/x86_64-linux-gnu/libc.so.6; the file lives in usr/lib.
    let libc = binary(r, "usr/lib/x86_64-linux-gnu/libc.so.6");
    let owner = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == libc["component"])
        .unwrap();
    assert_eq!(owner["name"], "libc6");
    assert_eq!(owner["arch"], "amd64");
    assert_eq!(libc["elf"]["soname"], "libc.so.6");
}

#[test]
fn rpm_packages() {
    let r = demo();
    assert_eq!(
        names(r, "rpm"),
        vec!["ICAClient", "onlyoffice-desktopeditors", "teams"]
    );
    let teams = component(r, "rpm", "teams");
    assert_eq!(teams["supplier"]["vendor"], "Microsoft Corporation");
    assert_eq!(teams["license"]["open_source"], false);
    assert!(
        teams["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:rpm/debian/teams@1.5.00.23861-1?arch=x86_64")
    );
    let ica = component(r, "rpm", "ICAClient");
    assert_eq!(
        binary(r, "opt/Citrix/ICAClient/wfica")["component"],
        ica["id"]
    );
}

#[test]
fn apk_packages() {
    let r = demo();
    assert_eq!(names(r, "apk"), vec!["apk-tools", "busybox", "musl"]);
    let musl = component(r, "apk", "musl");
    assert_eq!(musl["version"], "1.2.5-r0");
    assert_eq!(musl["license"]["spdx"], "MIT");
    assert_eq!(musl["license"]["open_source"], true);
    assert_eq!(musl["supplier"]["homepage"], "https://musl.libc.org/");
}

#[test]
fn pacman_packages() {
    let r = demo();
    assert_eq!(
        names(r, "pacman"),
        vec!["brave-bin", "nextcloud-client", "teams-for-linux"]
    );
    let brave = component(r, "pacman", "brave-bin");
    assert_eq!(brave["version"], "1:1.73.97-1");
    assert_eq!(binary(r, "opt/brave-bin/brave")["component"], brave["id"]);
}

#[test]
fn flatpak_apps_and_runtimes_system_and_user() {
    let r = demo();
    assert_eq!(
        names(r, "flatpak"),
        vec![
            "org.freedesktop.Platform",
            "org.mozilla.firefox",
            "us.zoom.Zoom"
        ]
    );
    let ff = component(r, "flatpak", "org.mozilla.firefox");
    assert_eq!(ff["version"], "128.0");
    assert_eq!(ff["supplier"]["publisher"], "flathub");
    assert_eq!(ff["product"]["id"], "firefox");
    let zoom = component(r, "flatpak", "us.zoom.Zoom");
    assert_eq!(zoom["properties"]["installation"], "user:alice");
    // A binary inside the user's deploy directory belongs to the app.
    let inside = r["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| {
            b["path"]
                .as_str()
                .unwrap()
                .ends_with("files/extra/zoom/zoom")
        })
        .unwrap();
    assert_eq!(inside["component"], zoom["id"]);
    assert_eq!(
        component(r, "flatpak", "org.freedesktop.Platform")["kind"],
        "library"
    );
}

#[test]
fn snaps_from_state_and_snap_yaml() {
    let r = demo();
    assert_eq!(names(r, "snap"), vec!["core22", "slack"]);
    let slack = component(r, "snap", "slack");
    assert_eq!(slack["version"], "4.41.105");
    assert_eq!(
        binary(r, "snap/slack/178/usr/lib/slack/slack")["component"],
        slack["id"]
    );
    // An unmounted snap (empty revision directory) is still listed.
    assert_eq!(
        component(r, "snap", "core22")["properties"]["revision"],
        "1663"
    );
}

#[test]
fn unowned_binaries_group_by_install_directory() {
    let r = demo();
    let zoom = component(r, "binary", "zoom");
    assert_eq!(zoom["files"], 3);
    assert_eq!(zoom["properties"]["install_path"], "opt/zoom");
    for p in [
        "opt/zoom/zoom",
        "opt/zoom/ZoomLauncher",
        "opt/zoom/cef/libcef.so",
    ] {
        assert_eq!(binary(r, p)["component"], zoom["id"], "{p}");
    }
    // The FDO package note names the package and version of an unowned tool.
    let tool = component(r, "binary", "vendor-tool");
    assert_eq!(tool["version"], "2.1");
    let note = &binary(r, "opt/vendor-tool/bin/tool")["elf"]["package_note"];
    assert_eq!(note["type"], "rpm");
    assert_eq!(note["osCpe"], "cpe:/o:fedoraproject:fedora:40");
    assert_eq!(r["summary"]["binaries_unowned"], 6);
}

#[test]
fn elf_fingerprints() {
    let r = demo();
    let ff = binary(r, "usr/lib/firefox-esr/firefox-esr");
    assert_eq!(ff["format"], "elf");
    assert_eq!(ff["arch"], "x86_64");
    assert_eq!(ff["elf"]["build_id"].as_str().unwrap().len(), 40);
    assert_eq!(ff["elf"]["package_note"]["name"], "firefox-esr");
    assert!(
        ff["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "executable")
    );
    assert!(
        ff["elf"]["needed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "libc.so.6")
    );
    let i386: Vec<&Value> = r["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["arch"] == "i386")
        .collect();
    assert!(!i386.is_empty(), "the i386 libc is fingerprinted as i386");
}

#[test]
fn distroless_status_d() {
    let r = scan_json(&[Path::new("fixtures/distroless")]);
    let mut dpkg = names(&r, "dpkg");
    dpkg.sort();
    assert!(dpkg.len() >= 2, "{dpkg:?}");
    assert!(dpkg.iter().all(|n| !n.ends_with(".md5sums")));
    assert_eq!(r["errors"], serde_json::json!([]));
}

#[test]
fn plain_directory_only_gets_binaries() {
    let r = scan_json(&[Path::new("fixtures/plain-dir")]);
    assert_eq!(r["images"][0]["os"]["family"], "directory");
    let sources: Vec<&str> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert!(sources.iter().all(|s| *s == "binary"), "{sources:?}");
    assert!(r["binaries"].as_array().unwrap().len() >= 3);
}

#[test]
fn several_roots_in_one_report() {
    let r = scan_json(&[
        Path::new("fixtures/distroless"),
        Path::new("fixtures/plain-dir"),
    ]);
    assert_eq!(r["images"].as_array().unwrap().len(), 2);
    let images: std::collections::BTreeSet<u64> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["image"].as_u64().unwrap())
        .collect();
    assert_eq!(images.into_iter().collect::<Vec<_>>(), vec![0, 1]);
    // Each image's walk statistics are its own, not a running total.
    let alone = scan_json(&[Path::new("fixtures/plain-dir")]);
    assert_eq!(r["images"][1]["stats"], alone["images"][0]["stats"]);
}

#[test]
fn output_is_deterministic() {
    let run = || {
        let out = sovscan()
            .args(["scan", "-f", "json", "-j", "2", "fixtures/demo-linux"])
            .output()
            .unwrap();
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["scan"]["duration_ms"] = Value::Null;
        serde_json::to_string(&v).unwrap()
    };
    let a = run();
    for _ in 0..3 {
        assert_eq!(a, run());
    }
}

/// The CycloneDX document of a scan of `root`, written outside it.
fn cyclonedx_of(root: &Path) -> Value {
    let out = tempfile::tempdir().unwrap();
    let bom = out.path().join("bom.cdx.json");
    sovscan()
        .args(["scan", "-q", "-o"])
        .arg(format!("cyclonedx={}", bom.display()))
        .arg(root)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(&bom).unwrap()).unwrap()
}

/// dpkg licences from machine-readable copyright files, end to end: a
/// DEP-5 file gives an SPDX expression with evidence naming the file and
/// paragraph, a free-text file gives nothing, the JSON and CycloneDX carry it.
#[test]
fn dpkg_licences_come_from_dep5_copyright_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = |rel: &str, text: &str| write(&root.join(rel), text.as_bytes(), 0o644);
    w(
        "etc/os-release",
        "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
    );
    let stanza = |name: &str| {
        format!(
            "Package: {name}\nStatus: install ok installed\nSection: utils\n\
             Maintainer: Debian <debian@lists.debian.org>\nArchitecture: amd64\nVersion: 1.0-1\n\n"
        )
    };
    w(
        "var/lib/dpkg/status",
        &[stanza("tool-a"), stanza("tool-b"), stanza("tool-c")].concat(),
    );
    w(
        "usr/share/doc/tool-a/copyright",
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
         Upstream-Name: tool-a\n\n\
         Files: *\nCopyright: 2024 A\nLicense: GPL-2+\n\n\
         Files: lib/*\nCopyright: 2020 B\nLicense: Expat or Apache-2.0\n\n\
         Files: doc/*\nCopyright: 2020 C\nLicense: public-domain\n\n\
         License: GPL-2+\n The full text.\n",
    );
    w(
        "usr/share/doc/tool-b/copyright",
        "This package was debianized by someone.\n\nLicense: GPL-2+\n",
    );
    let r = scan_json(&[root]);
    let a = component(&r, "dpkg", "tool-a");
    assert_eq!(
        a["license"]["spdx"],
        "GPL-2.0-or-later AND (MIT OR Apache-2.0) AND LicenseRef-public-domain"
    );
    assert_eq!(
        a["license"]["stated"],
        "GPL-2+ and (Expat or Apache-2.0) and public-domain"
    );
    // Judged open by the archive: `public-domain` is on no list.
    assert_eq!(a["license"]["open_source"], true);
    let ev = a["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "dep5-copyright")
        .expect("copyright evidence");
    assert_eq!(ev["path"], "usr/share/doc/tool-a/copyright");
    assert_eq!(
        ev["detail"],
        "line 4: Files: * (3 Files paragraphs with a licence)"
    );
    for name in ["tool-b", "tool-c"] {
        let c = component(&r, "dpkg", name);
        assert_eq!(c["license"]["spdx"], Value::Null, "{name}");
        assert_eq!(c["license"].get("stated"), None, "{name}");
    }
    let text = cyclonedx_of(root).to_string();
    assert!(
        text.contains(r#"{"expression":"GPL-2.0-or-later AND (MIT OR Apache-2.0) AND LicenseRef-public-domain"}"#),
        "{text}"
    );
}

/// Go modules and `cargo auditable` crates embedded in binaries are
/// components of their own (purls, evidence naming the binary), members of
/// the product of the component that ships the binary; the main module and
/// root crate are claims of the binary, build-time crates are left out.
#[test]
fn embedded_go_modules_and_crates_are_members_of_the_binarys_product() {
    use sovscan::fingerprint::embedded::writer;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let go = writer::go_buildinfo(
        "go1.22.5",
        "path\tgithub.com/acme/tool/cmd/tool\n\
         mod\tgithub.com/acme/tool\tv1.2.3\th1:aaa=\n\
         dep\tgithub.com/spf13/cobra\tv1.8.0\th1:bbb=\n\
         dep\tgolang.org/x/sys\tv0.20.0\th1:ccc=\n\
         =>\tgithub.com/acme/sys-fork\tv0.20.1\th1:ddd=\n\
         build\t-compiler=gc\n",
    );
    let dep = writer::dep_v0(
        r#"{"packages":[
        {"name":"acme-rs","version":"0.3.0","source":"local","kind":"runtime","dependencies":[1,2],"root":true},
        {"name":"serde","version":"1.0.200","source":"crates.io","kind":"runtime","dependencies":[]},
        {"name":"cc","version":"1.0.90","source":"crates.io","kind":"build","dependencies":[]}]}"#,
    );
    write(
        &root.join("opt/acme/bin/tool"),
        &writer::elf_with_sections(&[(".go.buildinfo", &go)]),
        0o755,
    );
    write(
        &root.join("opt/acme/bin/acme-rs"),
        &writer::elf_with_sections(&[(".dep-v0", &dep)]),
        0o755,
    );
    let r = scan_json(&[root]);
    assert_eq!(r["errors"], serde_json::json!([]));
    let tool = binary(&r, "opt/acme/bin/tool");
    assert_eq!(tool["go"]["go_version"], "go1.22.5");
    assert_eq!(tool["go"]["main"]["path"], "github.com/acme/tool");
    assert_eq!(
        binary(&r, "opt/acme/bin/acme-rs")["cargo"]["packages"][0]["root"],
        true
    );

    let cobra = component(&r, "go", "github.com/spf13/cobra");
    assert_eq!(cobra["purl"], "pkg:golang/github.com/spf13/cobra@v1.8.0");
    assert_eq!(cobra["kind"], "library");
    assert_eq!(cobra["evidence"][0]["path"], "opt/acme/bin/tool");
    assert_eq!(cobra["evidence"][0]["kind"], "go-buildinfo");
    // A replaced module is built from its replacement.
    let sys = component(&r, "go", "golang.org/x/sys");
    assert_eq!(sys["purl"], "pkg:golang/github.com/acme/sys-fork@v0.20.1");
    let serde = component(&r, "cargo", "serde");
    assert_eq!(serde["purl"], "pkg:cargo/serde@1.0.200");
    let sources: Vec<(&str, &str)> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["source"].as_str().unwrap(), c["name"].as_str().unwrap()))
        .collect();
    for absent in ["github.com/acme/tool", "acme-rs", "cc"] {
        assert!(
            !sources.iter().any(|(s, n)| *s != "binary" && *n == absent),
            "{absent}: {sources:?}"
        );
    }
    // One product: the binary group, with its embedded members; the
    // group leads, the members' versions are not the product's.
    let products = r["products"].as_array().unwrap();
    assert_eq!(products.len(), 1, "{products:#?}");
    let p = &products[0];
    assert_eq!(p["members"].as_array().unwrap().len(), 4);
    assert_eq!(p["versions"], serde_json::json!([]));
    let lead = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == p["lead"])
        .unwrap();
    assert_eq!(lead["source"], "binary");
    assert_eq!(r["summary"]["products"], 1);

    // CycloneDX nests the members, with their purls, in the product.
    let bom = cyclonedx_of(root);
    let nested: Vec<&str> = bom["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(
        nested.contains(&"pkg:golang/github.com/spf13/cobra@v1.8.0"),
        "{nested:?}"
    );
    assert!(nested.contains(&"pkg:cargo/serde@1.0.200"), "{nested:?}");
}

/// The rules name the realistic tree's embedded-data binaries by their own
/// identity: esbuild's main module (the esbuild project, a vendor rule) and
/// uv's root crate (the product `uv`, Astral); a Go module path keeps its
/// case in the purl (purl-spec golang: case-sensitive).
#[test]
fn go_main_modules_and_root_crates_name_their_vendor() {
    use sovscan::fingerprint::embedded::writer;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let go = writer::go_buildinfo(
        "go1.23.1",
        "path\tgithub.com/evanw/esbuild/cmd/esbuild\n\
         mod\tgithub.com/evanw/esbuild\t(devel)\t\n\
         dep\tgithub.com/BurntSushi/toml\tv1.4.0\th1:aaa=\n",
    );
    let dep = writer::dep_v0(
        r#"{"packages":[
        {"name":"uv","version":"0.13.9","source":"local","kind":"runtime","dependencies":[1],"root":true},
        {"name":"adler2","version":"2.0.1","source":"crates.io","kind":"runtime","dependencies":[]}]}"#,
    );
    write(
        &root.join("opt/esbuild/bin/esbuild"),
        &writer::elf_with_sections(&[(".go.buildinfo", &go)]),
        0o644,
    );
    write(
        &root.join("opt/uv/bin/uv"),
        &writer::elf_with_sections(&[(".dep-v0", &dep)]),
        0o755,
    );
    let r = scan_json(&[root]);
    assert_eq!(r["errors"], serde_json::json!([]));
    let owner = |path: &str| {
        let b = binary(&r, path);
        r["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == b["component"])
            .unwrap()
            .clone()
    };
    let esbuild = owner("opt/esbuild/bin/esbuild");
    assert_eq!(esbuild["vendor"]["id"], "esbuild");
    let uv = owner("opt/uv/bin/uv");
    assert_eq!(uv["vendor"]["id"], "astral");
    assert_eq!(uv["product"]["id"], "uv");
    let toml = component(&r, "go", "github.com/BurntSushi/toml");
    assert_eq!(toml["purl"], "pkg:golang/github.com/BurntSushi/toml@v1.4.0");
    assert_eq!(
        component(&r, "cargo", "adler2")["properties"]["member_of"],
        uv["key"]
    );
}
