//! Language-ecosystem packages on a tree the test writes (issue 11 part 2):
//! a Python interpreter folder with a wheel whose `.so` is listed in its
//! RECORD, proprietary wheels in `dist-packages`, an egg-info, a conda
//! environment, an npm project with nested `node_modules` and a lock file,
//! a lock file alone, an Electron app with an asar header, a .NET app's
//! deps.json, a NuGet package folder and a JAR written with the `zip` crate.

use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

fn put(root: &Path, rel: &str, text: &str) {
    write(&root.join(rel), text.as_bytes(), 0o644);
}

fn dist_info(root: &Path, site: &str, name: &str, version: &str, meta: &str, owned: &[&str]) {
    let info = format!("{site}/{}-{version}.dist-info", name.replace('-', "_"));
    put(
        root,
        &format!("{info}/METADATA"),
        &format!(
            "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{meta}\n\nA description.\n"
        ),
    );
    let mut record = String::new();
    for f in owned {
        record.push_str(&format!("{f},sha256=AAAA,100\n"));
    }
    record.push_str(&format!(
        "{}-{version}.dist-info/RECORD,,\n",
        name.replace('-', "_")
    ));
    put(root, &format!("{info}/RECORD"), &record);
    put(root, &format!("{info}/INSTALLER"), "pip\n");
}

/// The asar header of an archive holding `package.json` and the named
/// `node_modules` packages (Chromium pickle: sizes, then the JSON index).
fn asar(modules: &[&str]) -> Vec<u8> {
    let mut files = serde_json::Map::new();
    for m in modules {
        let pkg = serde_json::json!({"files": {"package.json": {"size": 2, "offset": "0"}}});
        match m.split_once('/') {
            Some((scope, n)) => {
                files
                    .entry(scope.to_owned())
                    .or_insert_with(|| serde_json::json!({"files": {}}))["files"][n] = pkg;
            }
            None => {
                files.insert((*m).to_owned(), pkg);
            }
        }
    }
    let index = serde_json::json!({"files": {
        "package.json": {"size": 2, "offset": "0"},
        "node_modules": {"files": files}
    }});
    let json = serde_json::to_vec(&index).unwrap();
    let mut out = Vec::new();
    for n in [4, json.len() + 8, json.len() + 4, json.len()] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(&json);
    out.extend_from_slice(b"{}");
    out
}

fn jar(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

/// Writes the test tree (a Debian-like root).
pub fn build(root: &Path) {
    put(
        root,
        "etc/os-release",
        "ID=debian\nVERSION_ID=\"12\"\nNAME=\"Debian GNU/Linux\"\n",
    );
    // A Python built into /opt/python3.11 (no package owns it) with numpy.
    write(
        &root.join("opt/python3.11/bin/python3.11"),
        &elf(&[1; 20], None),
        0o755,
    );
    let site = "opt/python3.11/lib/python3.11/site-packages";
    dist_info(
        root,
        site,
        "numpy",
        "2.1.3",
        "License-Expression: BSD-3-Clause\nAuthor: Travis E. Oliphant et al.",
        &[
            "numpy/__init__.py",
            "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
        ],
    );
    write(
        &root.join(format!(
            "{site}/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so"
        )),
        &elf(&[2; 20], None),
        0o644,
    );
    // pip-installed wheels in Debian's dist-packages, two proprietary.
    let dist = "usr/local/lib/python3.11/dist-packages";
    dist_info(
        root,
        dist,
        "hdbcli",
        "2.22.32",
        "License: SAP DEVELOPER LICENSE AGREEMENT\n        \n        Version 3.2\nAuthor: SAP SE\nClassifier: License :: Other/Proprietary License",
        &[
            "hdbcli/__init__.py",
            "hdbcli/libdbcapiHDB.so",
            "pyhdbcli.abi3.so",
        ],
    );
    write(
        &root.join(format!("{dist}/hdbcli/libdbcapiHDB.so")),
        &elf(&[3; 20], None),
        0o644,
    );
    write(
        &root.join(format!("{dist}/pyhdbcli.abi3.so")),
        &elf(&[4; 20], None),
        0o644,
    );
    dist_info(
        root,
        dist,
        "nvidia-cuda-runtime-cu12",
        "12.4.127",
        "License: NVIDIA Proprietary Software\nAuthor: Nvidia CUDA Installer Team\nClassifier: License :: Other/Proprietary License",
        &["nvidia/cuda_runtime/lib/libcudart.so.12"],
    );
    write(
        &root.join(format!("{dist}/nvidia/cuda_runtime/lib/libcudart.so.12")),
        &elf(&[5; 20], None),
        0o644,
    );
    dist_info(
        root,
        dist,
        "requests",
        "2.32.3",
        "License: Apache-2.0\nAuthor: Kenneth Reitz",
        &["requests/__init__.py"],
    );
    dist_info(
        root,
        dist,
        "urllib3",
        "2.2.3",
        "License-Expression: MIT",
        &["urllib3/__init__.py"],
    );
    put(
        root,
        "usr/lib/python3/dist-packages/six-1.16.0.egg-info",
        "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: MIT\nAuthor: Benjamin Peterson\n",
    );
    put(
        root,
        "opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json",
        r#"{"name":"zlib","version":"1.3.1","build":"h4ab18f5_1","channel":"https://conda.anaconda.org/conda-forge","subdir":"linux-64","license":"Zlib","files":["lib/libz.so.1.3.1"]}"#,
    );
    write(
        &root.join("opt/conda/lib/libz.so.1.3.1"),
        &elf(&[6; 20], None),
        0o644,
    );
    write(
        &root.join("opt/conda/bin/python3.12"),
        &elf(&[7; 20], None),
        0o755,
    );
    // An npm project with nested node_modules, a scoped package with its
    // own binary, and a lock file naming one more package (not installed).
    let app = "srv/webapp";
    put(
        root,
        &format!("{app}/package.json"),
        r#"{"name":"webapp","version":"1.0.0","private":true,"license":"UNLICENSED"}"#,
    );
    put(
        root,
        &format!("{app}/node_modules/@sentry/cli/package.json"),
        r#"{"name":"@sentry/cli","version":"2.39.1","license":"BSD-3-Clause","author":"Sentry <hello@sentry.io>"}"#,
    );
    write(
        &root.join(format!("{app}/node_modules/@sentry/cli/sentry-cli")),
        &elf(&[8; 20], None),
        0o755,
    );
    put(
        root,
        &format!("{app}/node_modules/esbuild/package.json"),
        r#"{"name":"esbuild","version":"0.24.2","license":"MIT"}"#,
    );
    put(
        root,
        &format!("{app}/node_modules/esbuild/lib/package.json"),
        r#"{"type":"module"}"#,
    );
    put(
        root,
        &format!("{app}/node_modules/sharp/package.json"),
        r#"{"name":"sharp","version":"0.33.5","license":"Apache-2.0","author":{"name":"Lovell Fuller","email":"npm@lovell.info"}}"#,
    );
    put(
        root,
        &format!("{app}/node_modules/sharp/node_modules/semver/package.json"),
        r#"{"name":"semver","version":"7.6.3","license":"ISC"}"#,
    );
    put(
        root,
        &format!("{app}/package-lock.json"),
        r#"{"name":"webapp","lockfileVersion":3,"packages":{"":{"name":"webapp"},
        "node_modules/esbuild":{"version":"0.24.2"},"node_modules/@img/sharp-darwin-arm64":{"version":"0.33.5","optional":true}}}"#,
    );
    // A lock file alone: the packages are declared, not installed.
    put(
        root,
        "srv/tool/yarn.lock",
        "# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n",
    );
    // An Electron app: app.asar with two bundled packages, and its binary.
    write(
        &root.join("opt/Chat/resources/app.asar"),
        &asar(&["electron-log", "@electron/remote"]),
        0o644,
    );
    write(&root.join("opt/Chat/chat"), &elf(&[9; 20], None), 0o755);
    // A .NET app and a NuGet package folder.
    put(
        root,
        "opt/svc/Svc.deps.json",
        r#"{"runtimeTarget":{"name":".NETCoreApp,Version=v8.0/linux-x64"},
        "targets":{".NETCoreApp,Version=v8.0/linux-x64":{"Svc/1.0.0":{"runtime":{"Svc.dll":{}}},
          "SQLitePCLRaw.lib.e_sqlite3/2.1.6":{"runtimeTargets":{"runtimes/linux-x64/native/libe_sqlite3.so":{"rid":"linux-x64"}}}}},
        "libraries":{"Svc/1.0.0":{"type":"project"},"SQLitePCLRaw.lib.e_sqlite3/2.1.6":{"type":"package"}}}"#,
    );
    write(
        &root.join("opt/svc/runtimes/linux-x64/native/libe_sqlite3.so"),
        &elf(&[10; 20], None),
        0o644,
    );
    write(&root.join("opt/svc/svc"), &elf(&[11; 20], None), 0o755);
    put(
        root,
        "home/alice/.nuget/packages/serilog/3.1.1/serilog.nuspec",
        r#"<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>Serilog</id><version>3.1.1</version><authors>Serilog Contributors</authors><license type="expression">Apache-2.0</license></metadata></package>"#,
    );
    // A JAR with its manifest and Maven coordinates, a shaded dependency
    // and a nested JAR that is listed, not opened.
    write(
        &root.join("usr/share/java/commons-lang3-3.14.0.jar"),
        &jar(&[
            (
                "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nImplementation-Title: Apache Commons Lang\r\nImplementation-Vendor: The Apache Software Foundation\r\nBundle-License: https://www.apache.org/licenses/LICENSE-2.0.t\r\n xt\r\nBundle-SymbolicName: org.apache.commons.lang3\r\n\r\n",
            ),
            (
                "META-INF/maven/org.apache.commons/commons-lang3/pom.properties",
                "#Generated\ngroupId=org.apache.commons\nartifactId=commons-lang3\nversion=3.14.0\n",
            ),
            (
                "META-INF/maven/com.example/shaded/pom.properties",
                "groupId=com.example\nartifactId=shaded\nversion=0.1\n",
            ),
            ("lib/inner.jar", "PK not opened"),
            ("org/apache/commons/lang3/StringUtils.class", "\u{ca}fe"),
        ]),
        0o644,
    );
}

fn report() -> &'static Value {
    static REPORT: OnceLock<Value> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(dir.path());
        scan_json(&[dir.path()])
    })
}

fn component<'a>(source: &str, name: &str) -> &'a Value {
    report()["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == source && c["name"] == name)
        .unwrap_or_else(|| panic!("no {source} component {name}"))
}

fn owner_of(path: &str) -> String {
    let b = binary(report(), path);
    let id = b["component"].as_str().unwrap();
    let c = report()["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    format!(
        "{}:{}",
        c["source"].as_str().unwrap(),
        c["name"].as_str().unwrap()
    )
}

fn product_of(id: &str) -> &'static Value {
    report()["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["members"].as_array().unwrap().iter().any(|m| m == id))
        .unwrap_or_else(|| panic!("{id} in no product"))
}

#[test]
fn python_packages_with_licences_purls_and_files() {
    let r = report();
    assert_eq!(r["errors"], serde_json::json!([]), "{:#}", r["errors"]);
    let numpy = component("pypi", "numpy");
    assert_eq!(numpy["version"], "2.1.3");
    assert_eq!(numpy["license"]["spdx"], "BSD-3-Clause");
    assert_eq!(numpy["purl"], "pkg:pypi/numpy@2.1.3");
    assert_eq!(numpy["kind"], "library");
    assert_eq!(numpy["properties"]["installer"], "pip");
    assert_eq!(numpy["evidence"][0]["kind"], "python-metadata");
    assert_eq!(numpy["evidence"][1]["kind"], "python-record");
    let six = component("pypi", "six");
    assert_eq!(six["license"]["spdx"], "MIT");
    assert_eq!(six["purl"], "pkg:pypi/six@1.16.0");
    let zlib = component("conda", "zlib");
    assert_eq!(zlib["license"]["spdx"], "Zlib");
    assert_eq!(
        zlib["purl"],
        "pkg:conda/zlib@1.3.1?build=h4ab18f5_1&channel=https:%2F%2Fconda.anaconda.org%2Fconda-forge&subdir=linux-64"
    );
}

#[test]
fn binaries_in_a_wheel_belong_to_the_wheel_not_the_interpreter() {
    assert_eq!(
        owner_of(
            "opt/python3.11/lib/python3.11/site-packages/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so"
        ),
        "pypi:numpy"
    );
    assert_eq!(
        owner_of("opt/python3.11/bin/python3.11"),
        "binary:python3.11"
    );
    assert_eq!(
        owner_of("usr/local/lib/python3.11/dist-packages/hdbcli/libdbcapiHDB.so"),
        "pypi:hdbcli"
    );
    assert_eq!(
        owner_of("usr/local/lib/python3.11/dist-packages/pyhdbcli.abi3.so"),
        "pypi:hdbcli"
    );
    assert_eq!(
        owner_of("usr/local/lib/python3.11/dist-packages/nvidia/cuda_runtime/lib/libcudart.so.12"),
        "pypi:nvidia-cuda-runtime-cu12"
    );
    assert_eq!(owner_of("opt/conda/lib/libz.so.1.3.1"), "conda:zlib");
    assert_eq!(
        owner_of("srv/webapp/node_modules/@sentry/cli/sentry-cli"),
        "npm:@sentry/cli"
    );
    assert_eq!(
        owner_of("opt/svc/runtimes/linux-x64/native/libe_sqlite3.so"),
        "nuget:SQLitePCLRaw.lib.e_sqlite3"
    );
}

#[test]
fn proprietary_wheels_keep_their_own_vendor_and_product() {
    let hdbcli = component("pypi", "hdbcli");
    assert_eq!(hdbcli["vendor"]["name"], "SAP");
    assert_eq!(
        hdbcli["license"]["stated"],
        "SAP DEVELOPER LICENSE AGREEMENT"
    );
    assert_eq!(hdbcli["license"]["open_source"], false);
    assert_eq!(
        product_of(hdbcli["id"].as_str().unwrap())["key"],
        "product:sap-hana-client"
    );
    let cuda = component("pypi", "nvidia-cuda-runtime-cu12");
    assert_eq!(cuda["vendor"]["name"], "NVIDIA");
    assert_eq!(cuda["jurisdiction"]["country"], "US");
    assert_eq!(
        product_of(cuda["id"].as_str().unwrap())["key"],
        "product:nvidia-cuda-runtime"
    );
    // The open-source wheels of that environment are one product.
    let env = product_of(component("pypi", "requests")["id"].as_str().unwrap());
    assert_eq!(env["name"], "usr/local/lib/python3.11/dist-packages");
}

#[test]
fn dependencies_are_members_of_the_product_that_ships_them() {
    let webapp = component("npm", "webapp");
    assert_eq!(webapp["kind"], "application");
    let product = product_of(webapp["id"].as_str().unwrap());
    let members: Vec<&str> = product["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for dep in ["@sentry/cli", "esbuild", "sharp", "semver"] {
        let id = component("npm", dep)["id"].as_str().unwrap();
        assert!(members.contains(&id), "{dep} not in {members:?}");
    }
    assert_eq!(product["lead"], webapp["id"]);
    // numpy joins the product of the interpreter folder that ships it
    // (the rules know CPython), while its own `.so` stays numpy's.
    let numpy = product_of(component("pypi", "numpy")["id"].as_str().unwrap());
    assert_eq!(numpy["key"], "product:cpython");
    // The Electron app: its binary folder and bundled packages.
    let chat = product_of(component("npm", "Chat")["id"].as_str().unwrap());
    assert!(chat["members"].as_array().unwrap().len() >= 4, "{chat:#}");
    let nuget = product_of(
        component("nuget", "SQLitePCLRaw.lib.e_sqlite3")["id"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(nuget["key"], "unidentified:binary:opt/svc");
}

#[test]
fn npm_packages_installed_and_declared() {
    let sentry = component("npm", "@sentry/cli");
    assert_eq!(sentry["purl"], "pkg:npm/%40sentry/cli@2.39.1");
    assert_eq!(sentry["license"]["spdx"], "BSD-3-Clause");
    assert_eq!(sentry["supplier"]["vendor"], "Sentry <hello@sentry.io>");
    assert_eq!(sentry["properties"]["presence"], "installed");
    assert_eq!(sentry["properties"]["shipped_in"], "srv/webapp");
    assert_eq!(
        component("npm", "sharp")["supplier"]["vendor"],
        "Lovell Fuller <npm@lovell.info>"
    );
    // esbuild is installed and locked: listed once, as installed.
    let esbuild: Vec<&Value> = report()["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "esbuild")
        .collect();
    assert_eq!(esbuild.len(), 1);
    assert_eq!(esbuild[0]["properties"]["presence"], "installed");
    // The lock file beside node_modules also pins a package of another
    // platform, never installed: not listed.
    let names: Vec<&str> = report()["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"@img/sharp-darwin-arm64"));
    let pad = component("npm", "left-pad");
    assert_eq!(pad["version"], "1.3.0");
    assert_eq!(pad["properties"]["presence"], "declared");
    // A package's inner package.json is no package.
    assert!(
        report()["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"] != "lib")
    );
    let remote = component("npm", "@electron/remote");
    assert_eq!(remote["evidence"][0]["kind"], "asar-header");
    assert_eq!(remote["properties"]["shipped_in"], "opt/Chat");
}

#[test]
fn dotnet_and_java_packages() {
    let serilog = component("nuget", "Serilog");
    assert_eq!(serilog["version"], "3.1.1");
    assert_eq!(serilog["purl"], "pkg:nuget/Serilog@3.1.1");
    assert_eq!(serilog["license"]["spdx"], "Apache-2.0");
    let lang3 = component("maven", "org.apache.commons:commons-lang3");
    assert_eq!(lang3["version"], "3.14.0");
    assert_eq!(
        lang3["purl"],
        "pkg:maven/org.apache.commons/commons-lang3@3.14.0"
    );
    assert_eq!(lang3["license"]["spdx"], "Apache-2.0");
    assert_eq!(
        lang3["supplier"]["vendor"],
        "The Apache Software Foundation"
    );
    assert_eq!(lang3["properties"]["nested_archives"], "lib/inner.jar");
    let shaded = component("maven", "com.example:shaded");
    assert_eq!(
        shaded["properties"]["shaded_in"],
        "usr/share/java/commons-lang3-3.14.0.jar"
    );
}

#[test]
fn every_language_package_is_exported_in_cyclonedx() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let out = sovscan()
        .args(["scan", "-f", "cyclonedx", "--no-progress"])
        .arg(dir.path())
        .output()
        .unwrap();
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = bom.to_string();
    for purl in [
        "pkg:pypi/hdbcli@2.22.32",
        "pkg:npm/%40sentry/cli@2.39.1",
        "pkg:npm/semver@7.6.3",
        "pkg:nuget/Serilog@3.1.1",
        "pkg:maven/org.apache.commons/commons-lang3@3.14.0",
    ] {
        assert!(text.contains(purl), "{purl} missing");
    }
}
