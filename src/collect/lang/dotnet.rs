//! .NET: `*.deps.json` beside an application (the libraries of type
//! `package` are NuGet packages) and NuGet `*.nuspec` files in package
//! folders (the global cache `~/.nuget/packages/ID/VERSION/`, a
//! solution's `packages/ID.VERSION/`). The nuspec is read by the
//! Chocolatey collector's parser (Chocolatey packages are nuspecs too);
//! those under `chocolatey/lib` are left to that collector.
//!
//! A deps.json names, per target, the assets each package puts next to the
//! application: `runtime` (`lib/net8.0/Serilog.dll`) and `native` assets
//! are deployed by file name into the application folder,
//! `runtimeTargets` (`runtimes/linux-x64/native/libe_sqlite3.so`) keep
//! their path in a portable deployment and are flattened in a
//! self-contained one: both places are claimed, so the binaries attach
//! to the package that brought them.

use super::{library, parent, read_or_record};
use crate::image::Image;
use crate::model::inventory::{Evidence, Inventory, ManifestFile, Package, Source};
use crate::model::purl::purl;
use serde_json::Value;

/// `APP/NAME.deps.json`: one package per library of type `package`.
pub fn deps_json(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    let Some(text) = read_or_record(image, &m.rel, out) else {
        return;
    };
    let v = match crate::formats::nesting::parse_json::<Value>(text.as_bytes()) {
        Ok(v) => v,
        Err(e) => {
            out.error(&m.rel, e);
            return;
        }
    };
    out.packages.extend(deps_packages(&v, &m.rel));
}

/// The NuGet packages of a parsed deps.json at image path `rel`.
pub fn deps_packages(v: &Value, rel: &str) -> Vec<Package> {
    let app = parent(rel);
    let Some(libraries) = v.get("libraries").and_then(Value::as_object) else {
        return Vec::new();
    };
    let targets: Vec<&serde_json::Map<String, Value>> = v
        .get("targets")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(Value::as_object)
        .collect();
    let mut out = Vec::new();
    for (key, lib) in libraries {
        if lib.get("type").and_then(Value::as_str) != Some("package") {
            continue;
        }
        let Some((name, version)) = key.split_once('/') else {
            continue;
        };
        let detail = format!("libraries[{key}]");
        let mut p = library(
            Source::Nuget,
            name,
            Evidence::new(rel, "deps.json", detail),
            app,
        );
        p.version = Some(version.to_owned());
        p.purl = purl("nuget", None, name, Some(version), &[]);
        if let Some(path) = lib.get("path").and_then(Value::as_str) {
            p.properties.insert("package_path", path.to_owned());
        }
        for target in &targets {
            let Some(entry) = target.get(key) else {
                continue;
            };
            for section in ["runtime", "native", "runtimeTargets", "resources"] {
                let assets = entry.get(section).and_then(Value::as_object);
                for asset in assets.into_iter().flat_map(|a| a.keys()) {
                    let flat = crate::paths::file_name(asset);
                    let nested = crate::paths::normalize(&super::super::join(app, asset));
                    p.files.push(super::super::join(app, flat));
                    if nested != p.files[p.files.len() - 1] {
                        p.files.push(nested);
                    }
                }
            }
        }
        p.files.sort();
        p.files.dedup();
        out.push(p);
    }
    out
}

/// A `*.nuspec` outside Chocolatey's `lib`: a NuGet package folder.
pub fn nuspec(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    if m.rel.to_ascii_lowercase().contains("chocolatey/lib/") {
        return;
    }
    let Some(text) = read_or_record(image, &m.rel, out) else {
        return;
    };
    match crate::collect::chocolatey::parse(&text) {
        Ok(parsed) => {
            let folder = parent(&m.rel);
            let mut p = library(
                Source::Nuget,
                &parsed.name,
                Evidence::new(&m.rel, "nuspec", "package/metadata"),
                shipped_in(folder),
            );
            p.version = parsed.version;
            p.supplier = parsed.supplier;
            p.license = parsed.license;
            for (k, v) in parsed.properties.iter() {
                p.properties.insert(k, v.to_owned());
            }
            p.properties.insert("package_folder", folder.to_owned());
            p.purl = purl("nuget", None, &p.name, p.version.as_deref(), &[]);
            p.dirs.push(folder.to_owned());
            out.packages.push(p);
        }
        Err(e) => out.error(&m.rel, e),
    }
}

/// Where a NuGet package folder is shipped: the global cache
/// (`.../packages/ID/VERSION`) is the `packages` folder; a solution's
/// `packages/ID.VERSION` is the solution's folder.
fn shipped_in(folder: &str) -> &str {
    let up = parent(folder);
    let up2 = parent(up);
    if crate::paths::file_name(up2).eq_ignore_ascii_case("packages") {
        up2
    } else if crate::paths::file_name(up).eq_ignore_ascii_case("packages") {
        parent(up)
    } else {
        up
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deps_json_packages_own_their_assets() {
        let v: Value = serde_json::from_str(
            r#"{"runtimeTarget":{"name":".NETCoreApp,Version=v8.0/linux-x64"},
            "targets":{".NETCoreApp,Version=v8.0/linux-x64":{
              "Svc/1.0.0":{"dependencies":{"Serilog":"3.1.1"},"runtime":{"Svc.dll":{}}},
              "Serilog/3.1.1":{"runtime":{"lib/net7.0/Serilog.dll":{}}},
              "SQLitePCLRaw.lib.e_sqlite3/2.1.6":{"runtimeTargets":{"runtimes/linux-x64/native/libe_sqlite3.so":{"rid":"linux-x64","assetType":"native"}}}}},
            "libraries":{"Svc/1.0.0":{"type":"project"},
              "Serilog/3.1.1":{"type":"package","path":"serilog/3.1.1"},
              "SQLitePCLRaw.lib.e_sqlite3/2.1.6":{"type":"package"}}}"#,
        )
        .unwrap();
        let ps = deps_packages(&v, "opt/svc/Svc.deps.json");
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].name, "Serilog");
        assert_eq!(ps[0].purl.as_deref(), Some("pkg:nuget/Serilog@3.1.1"));
        assert_eq!(
            ps[0].files,
            ["opt/svc/Serilog.dll", "opt/svc/lib/net7.0/Serilog.dll"]
        );
        assert!(
            ps[1]
                .files
                .contains(&"opt/svc/runtimes/linux-x64/native/libe_sqlite3.so".to_owned())
        );
        assert!(ps[1].files.contains(&"opt/svc/libe_sqlite3.so".to_owned()));
    }

    #[test]
    fn nuget_folders_ship_in_their_cache_or_solution() {
        assert_eq!(
            shipped_in("home/u/.nuget/packages/serilog/3.1.1"),
            "home/u/.nuget/packages"
        );
        assert_eq!(shipped_in("src/sln/packages/Serilog.3.1.1"), "src/sln");
    }
}
