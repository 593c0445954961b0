//! Windows images: the demo image's registry, AppX, Chocolatey, Scoop and
//! MSI sources, hostile hives, case-insensitive paths and the grouping of
//! binaries. PE files here are stand-ins (`MZ` and padding): the PE reader
//! is not what these tests are about.

use crate::common;

use serde_json::Value;
use std::path::Path;

const DEMO: &str = "fixtures/demo-windows";
const HIVE: &str = "Windows/System32/config/SOFTWARE";

fn components(r: &Value) -> &Vec<Value> {
    r["components"].as_array().unwrap()
}

fn by_name<'a>(r: &'a Value, name: &str) -> &'a Value {
    let found: Vec<&Value> = components(r).iter().filter(|c| c["name"] == name).collect();
    assert_eq!(found.len(), 1, "{name} appears {} times", found.len());
    found[0]
}

/// Copies the demo image (keeping symlinks) into a temporary directory.
fn copy_demo() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let st = std::process::Command::new("cp")
        .args(["-a", DEMO])
        .arg(t.path().join("img"))
        .status()
        .unwrap();
    assert!(st.success());
    t
}

#[test]
fn the_os_comes_from_the_software_hive() {
    let r = common::scan_json(&[Path::new(DEMO)]);
    let os = &r["images"][0]["os"];
    assert_eq!(os["family"], "windows");
    // ProductName says "Windows 10 Pro"; build 22631 is Windows 11.
    assert_eq!(os["name"], "Windows 11 Pro");
    assert_eq!(os["version"], "23H2");
    assert_eq!(os["evidence"], HIVE);
    let c = by_name(&r, "windows");
    assert_eq!(c["kind"], "operating-system");
    assert_eq!(c["product"]["id"], "windows");
    assert_eq!(c["controller"]["country"], "US");
    assert_eq!(c["properties"]["edition_id"], "Professional");
    assert_eq!(c["properties"]["current_build"], "22631");
    assert_eq!(
        c["evidence"][0]["detail"],
        "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
    );
}

#[test]
fn every_uninstall_entry_appears_once_with_its_vendor() {
    let r = common::scan_json(&[Path::new(DEMO)]);
    assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{}", r["errors"]);
    assert_eq!(
        r["warnings"].as_array().unwrap().len(),
        0,
        "{}",
        r["warnings"]
    );
    let mut registry: Vec<&str> = components(&r)
        .iter()
        .filter(|c| c["source"] == "registry")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    registry.sort();
    // 13 HKLM 64-bit entries with a DisplayName (one is an update of
    // Office, one is also in the 32-bit view), 5 in the 32-bit view, 3 for
    // alice, 4 for bob (two of them also installed machine-wide).
    assert_eq!(
        registry,
        [
            "7-Zip 24.09 (x64)",
            "Adobe Acrobat Reader - Deutsch",
            "Citrix Workspace 2409",
            "Google Chrome",
            "LibreOffice 24.8.3.2",
            "Microsoft Edge",
            "Microsoft Office Professional Plus 2016",
            "Microsoft OneDrive",
            "Microsoft Teams classic",
            "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.40.33810",
            "Microsoft Visual C++ 2022 X64 Minimum Runtime - 14.40.33810",
            "Microsoft Visual Studio Code (User)",
            "Mozilla Firefox (x64 de)",
            "Slack",
            "TeamViewer",
            "Telegram Desktop",
            "Update for Microsoft Office 2016 (KB5002700) 64-Bit Edition",
            "Zoom Workplace (64-bit)",
        ]
    );
    for (name, vendor, country) in [
        ("Mozilla Firefox (x64 de)", "mozilla", "US"),
        ("Zoom Workplace (64-bit)", "zoom", "US"),
        ("Google Chrome", "google", "US"),
        ("TeamViewer", "teamviewer", "DE"),
        ("LibreOffice 24.8.3.2", "tdf", "DE"),
        ("Citrix Workspace 2409", "citrix", "US"),
        ("Adobe Acrobat Reader - Deutsch", "adobe", "US"),
        ("Microsoft Teams classic", "microsoft", "US"),
        ("Slack", "slack", "US"),
        ("Telegram Desktop", "telegram", "AE"),
    ] {
        let c = by_name(&r, name);
        assert_eq!(c["vendor"]["id"], vendor, "{name}");
        assert_eq!(c["controller"]["country"], country, "{name}");
    }
    // Publisher is the supplier string rules matched.
    let ff = by_name(&r, "Mozilla Firefox (x64 de)");
    assert_eq!(ff["supplier"]["publisher"], "Mozilla");
    assert_eq!(ff["product"]["id"], "firefox");
    assert_eq!(
        ff["properties"]["install_dir"],
        "Program Files/Mozilla Firefox"
    );
}

#[test]
fn registry_components_point_at_hive_and_key() {
    let r = common::scan_json(&[Path::new(DEMO)]);
    let ff = by_name(&r, "Mozilla Firefox (x64 de)");
    assert_eq!(
        ff["evidence"][0],
        serde_json::json!({
            "path": HIVE,
            "kind": "registry",
            "detail": "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Mozilla Firefox 128.5.0 (x64 de)"
        })
    );
    assert_eq!(ff["properties"]["view"], "hklm-64");
    let chrome = by_name(&r, "Google Chrome");
    assert_eq!(chrome["properties"]["view"], "hklm-32, user:bob");
    assert_eq!(
        chrome["evidence"][0]["detail"],
        "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Google Chrome"
    );
    assert_eq!(chrome["evidence"][1]["path"], "Users/bob/NTUSER.DAT");
    assert_eq!(
        chrome["evidence"][1]["detail"],
        "HKU\\S-1-5-21-3623811015-3361044348-30300820-1002\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Google Chrome"
    );
    let code = by_name(&r, "Microsoft Visual Studio Code (User)");
    assert_eq!(code["evidence"][0]["path"], "Users/alice/NTUSER.DAT");
    assert_eq!(code["properties"]["view"], "user:alice");
    assert_eq!(code["product"]["id"], "vscode");
    // Collapsed: the same product in both HKLM views.
    let seven = by_name(&r, "7-Zip 24.09 (x64)");
    assert_eq!(seven["properties"]["view"], "hklm-64, hklm-32");
    assert_eq!(seven["evidence"].as_array().unwrap().len(), 2);
    // Updates fold into their parent (ParentKeyName).
    let office = by_name(&r, "Microsoft Office Professional Plus 2016");
    assert_eq!(office["properties"]["updates"], "1");
    assert!(
        office["evidence"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("(update: Security Update for Microsoft Office 2016 (KB5002623)")
    );
    // System components stay, marked.
    let vc = by_name(
        &r,
        "Microsoft Visual C++ 2022 X64 Minimum Runtime - 14.40.33810",
    );
    assert_eq!(vc["properties"]["system_component"], "true");
    assert_eq!(
        vc["properties"]["product_code"],
        "{5AF4F9C1-6C7D-4E1B-A2C3-9F8E7D6C5B4A}"
    );
    // DisplayIcon stands in for a missing InstallLocation.
    let od = by_name(&r, "Microsoft OneDrive");
    assert_eq!(
        od["properties"]["install_dir"],
        "Users/alice/AppData/Local/Microsoft/OneDrive"
    );
    assert_eq!(od["properties"]["install_dir_source"], "DisplayIcon");
    // The cached MSI of a registered product folds into its entry.
    let lo = by_name(&r, "LibreOffice 24.8.3.2");
    assert_eq!(lo["evidence"][1]["path"], "Windows/Installer/4b1c2e.msi");
    assert_eq!(
        lo["properties"]["msi_package"],
        "Windows/Installer/4b1c2e.msi"
    );
}

#[test]
fn appx_chocolatey_scoop_and_msi_products_appear() {
    let r = common::scan_json(&[Path::new(DEMO)]);
    let teams = by_name(&r, "Microsoft Teams");
    assert_eq!(teams["source"], "appx");
    assert_eq!(teams["product"]["id"], "microsoft-teams");
    assert_eq!(teams["supplier"]["publisher"], "Microsoft Corporation");
    assert_eq!(teams["version"], "24295.605.3225.8804");
    // ms-resource: names fall back to the Identity name; the resource
    // package folds into the app.
    let term = by_name(&r, "Microsoft.WindowsTerminal");
    assert_eq!(term["vendor"]["id"], "microsoft");
    assert_eq!(term["evidence"].as_array().unwrap().len(), 2);
    let wa = by_name(&r, "WhatsApp");
    assert_eq!(wa["controller"]["id"], "meta");

    let vlc = by_name(&r, "vlc");
    assert_eq!(vlc["source"], "chocolatey");
    assert_eq!(vlc["version"], "3.0.21");
    assert_eq!(vlc["vendor"]["id"], "videolan");
    assert_eq!(vlc["purl"], "pkg:chocolatey/vlc@3.0.21");
    assert_eq!(by_name(&r, "keepass.install")["product"]["id"], "keepass");

    // Scoop: `current` is an absolute symlink (git) or a copy (keepassxc).
    let git = by_name(&r, "git");
    assert_eq!(git["source"], "scoop");
    assert_eq!(git["version"], "2.47.1");
    assert_eq!(git["properties"]["bucket"], "main");
    assert_eq!(git["license"]["spdx"], "GPL-2.0-only");
    assert_eq!(
        git["evidence"][0]["path"],
        "Users/alice/scoop/apps/git/2.47.1/manifest.json"
    );
    assert_eq!(by_name(&r, "keepassxc")["version"], "2.7.9");

    let addin = by_name(&r, "Microsoft Teams Meeting Add-in for Microsoft Office");
    assert_eq!(addin["source"], "msi");
    assert_eq!(addin["version"], "1.24.25203");
    assert_eq!(addin["vendor"]["id"], "microsoft");
    assert_eq!(
        addin["properties"]["product_code"],
        "{A7AB73A3-CB10-4AA5-9D38-6AEFFBDE4C91}"
    );
}

/// Scans an image and returns the report, asserting exit 0.
fn scan(root: &Path) -> Value {
    common::scan_json(&[root])
}

fn problems_for<'a>(r: &'a Value, path: &str) -> Vec<&'a str> {
    ["errors", "warnings"]
        .iter()
        .flat_map(|k| r[*k].as_array().unwrap())
        .filter(|p| p["path"] == path)
        .map(|p| p["message"].as_str().unwrap())
        .collect()
}

#[test]
fn hostile_hives_never_stop_the_scan() {
    let good = std::fs::read(Path::new(DEMO).join(HIVE)).unwrap();

    // Truncated in the middle: an error or warning naming the hive.
    let t = copy_demo();
    let img = t.path().join("img");
    std::fs::write(img.join(HIVE), &good[..good.len() / 2]).unwrap();
    let r = scan(&img);
    let msgs = problems_for(&r, HIVE);
    assert!(
        msgs.iter()
            .any(|m| m.contains("truncated") || m.contains("corrupt")),
        "{msgs:?}"
    );
    // The other sources are still read.
    by_name(&r, "vlc");
    by_name(&r, "Slack");

    // A garbage hive bin: its keys are lost, the rest is read.
    let mut bad = good.clone();
    for b in &mut bad[4096 + 4096..4096 + 4096 + 64] {
        *b = 0xa5;
    }
    std::fs::write(img.join(HIVE), &bad).unwrap();
    let r = scan(&img);
    let msgs = problems_for(&r, HIVE);
    assert!(
        msgs.iter()
            .any(|m| m.contains("hive bin at offset 0x1000 is corrupt")),
        "{msgs:?}"
    );

    // Dirty: read, with a warning.
    let mut dirty = good.clone();
    dirty[8..12].copy_from_slice(&413u32.to_le_bytes());
    std::fs::write(img.join(HIVE), &dirty).unwrap();
    let r = scan(&img);
    let warns: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["path"] == HIVE)
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(warns.iter().any(|m| m.contains("dirty hive")), "{warns:?}");
    by_name(&r, "Mozilla Firefox (x64 de)");

    // Not a hive at all: a corrupt user hive names its file.
    std::fs::write(img.join(HIVE), &good).unwrap();
    std::fs::write(img.join("Users/bob/NTUSER.DAT"), b"regf but no more").unwrap();
    let r = scan(&img);
    let errs: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["path"] == "Users/bob/NTUSER.DAT")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(errs.len(), 1, "{}", r["errors"]);
    assert!(errs[0].starts_with("corrupt registry hive"), "{errs:?}");
    by_name(&r, "Microsoft Visual Studio Code (User)");

    // A broken MSI and a broken manifest are errors for those files only.
    std::fs::write(img.join("Windows/Installer/7f3a91.msi"), b"not an msi").unwrap();
    let r = scan(&img);
    assert_eq!(problems_for(&r, "Windows/Installer/7f3a91.msi").len(), 1);
}

#[test]
fn paths_match_whatever_case_the_extraction_kept() {
    let t = copy_demo();
    let img = t.path().join("img");
    for (from, to) in [
        (
            "Windows/System32/config/SOFTWARE",
            "Windows/System32/config/software",
        ),
        ("Windows/System32/config", "Windows/System32/CONFIG"),
        ("Windows/System32", "Windows/system32"),
        ("Windows", "WINDOWS"),
        ("Users/alice/NTUSER.DAT", "Users/alice/ntuser.dat"),
        ("Program Files", "PROGRAM FILES"),
        ("ProgramData", "programdata"),
    ] {
        std::fs::rename(img.join(from), img.join(to)).unwrap();
    }
    let a = common::scan_json(&[Path::new(DEMO)]);
    let b = scan(&img);
    assert_eq!(b["images"][0]["os"]["name"], "Windows 11 Pro");
    assert_eq!(
        b["images"][0]["os"]["evidence"],
        "WINDOWS/system32/CONFIG/software"
    );
    let names = |r: &Value| -> Vec<String> {
        let mut n: Vec<String> = components(r)
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(
        by_name(&b, "Microsoft Teams classic")["evidence"][0]["path"],
        "Users/alice/ntuser.dat"
    );
}

#[test]
fn binaries_attach_to_records_or_group_by_install_directory() {
    let t = copy_demo();
    let img = t.path().join("img");
    // A real (unsigned) PE from the PE generator, so every stand-in parses.
    let pe = std::fs::read("fixtures/pe-samples/hello32.exe").unwrap();
    let files = [
        "Program Files/Mozilla Firefox/firefox.exe",
        "Program Files/Mozilla Firefox/xul.dll",
        "Windows/System32/kernel32.dll",
        "Windows/WinSxS/amd64_microsoft-windows-notepad_31bf3856ad364e35_10.0.22621.1_none_0123456789abcdef/notepad.exe",
        "Program Files/Acme Tools/acmetool.exe",
        "Program Files/Acme Tools/helper.dll",
        "Users/alice/AppData/Local/Programs/Notepad++/notepad++.exe",
        "Users/alice/Downloads/putty.exe",
        "Program Files/WindowsApps/MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe/ms-teams.exe",
        "Users/alice/scoop/apps/git/2.47.1/bin/git.exe",
        "ProgramData/chocolatey/lib/vlc/tools/vlc-cache-gen.exe",
        "Users/alice/AppData/Local/Microsoft/OneDrive/OneDrive.exe",
    ];
    for f in files {
        common::write(&img.join(f), &pe, 0o644);
    }
    let r = scan(&img);
    let comp_of = |path: &str| -> String {
        r["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["path"] == path)
            .unwrap_or_else(|| panic!("{path} not fingerprinted"))["component"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let id = |name: &str| by_name(&r, name)["id"].as_str().unwrap().to_owned();
    assert_eq!(comp_of(files[0]), id("Mozilla Firefox (x64 de)"));
    assert_eq!(comp_of(files[1]), id("Mozilla Firefox (x64 de)"));
    assert_eq!(comp_of(files[2]), id("windows"));
    assert_eq!(comp_of(files[3]), id("windows"));
    assert_eq!(comp_of(files[4]), "0:binary:Program Files/Acme Tools");
    assert_eq!(comp_of(files[5]), "0:binary:Program Files/Acme Tools");
    assert_eq!(
        comp_of(files[6]),
        "0:binary:Users/alice/AppData/Local/Programs/Notepad++"
    );
    assert_eq!(
        comp_of(files[7]),
        "0:binary:Users/alice/Downloads/putty.exe"
    );
    assert_eq!(comp_of(files[8]), id("Microsoft Teams"));
    assert_eq!(comp_of(files[9]), id("git"));
    assert_eq!(comp_of(files[10]), id("vlc"));
    assert_eq!(comp_of(files[11]), id("Microsoft OneDrive"));
    // Unregistered software is still identified by its names.
    let npp = components(&r)
        .iter()
        .find(|c| c["id"] == "0:binary:Users/alice/AppData/Local/Programs/Notepad++")
        .unwrap();
    assert_eq!(npp["product"]["id"], "notepad-plus-plus");
    let putty = components(&r)
        .iter()
        .find(|c| c["id"] == "0:binary:Users/alice/Downloads/putty.exe")
        .unwrap();
    assert_eq!(putty["product"]["id"], "putty");
    // kernel32.dll and the WinSxS notepad.exe written here, plus the demo
    // image's own System32/notepad.exe.
    assert_eq!(by_name(&r, "windows")["binaries"], 3);
}

/// hivex (Debian `libhivex-bin`) as an independent reader of the fixture
/// hives: every Uninstall key and its DisplayName agree. Skipped when hivex
/// is not installed, except in CI (`CI` set), where that fails.
#[test]
fn hivex_reads_the_same_uninstall_keys() {
    use sovscan::formats::regf::Hive;
    // hivexsh comes in the same package as hivexget.
    if !common::require_tool("hivexget", "apt-get install -y libhivex-bin") {
        return;
    }
    for (file, path) in [
        (HIVE, "Microsoft\\Windows\\CurrentVersion\\Uninstall"),
        (
            HIVE,
            "WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
        ),
        (
            "Users/bob/NTUSER.DAT",
            "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
        ),
    ] {
        let host = Path::new(DEMO).join(file);
        let bytes = std::fs::read(&host).unwrap();
        let hive = Hive::open(&bytes).unwrap();
        let key = hive.root().unwrap().path(path).unwrap().unwrap();
        let (subkeys, errors) = key.subkeys();
        assert!(errors.is_empty());
        let out = std::process::Command::new("hivexsh")
            .arg(&host)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                let mut stdin = c.stdin.take().unwrap();
                writeln!(stdin, "cd {path}\nls")?;
                drop(stdin);
                c.wait_with_output()
            })
            .unwrap();
        let mut theirs: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let mut ours: Vec<String> = subkeys.iter().map(|k| k.name.clone()).collect();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs, "{file} {path}");
        for k in &subkeys {
            let out = std::process::Command::new("hivexget")
                .arg(&host)
                .arg(format!("{path}\\{}", k.name))
                .arg("DisplayName")
                .output()
                .unwrap();
            let theirs = String::from_utf8(out.stdout).unwrap().trim_end().to_owned();
            assert_eq!(k.string("DisplayName").unwrap_or_default(), theirs);
        }
    }
}
