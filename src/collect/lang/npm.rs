//! JavaScript packages: `node_modules/**/package.json`, the lock files of a
//! project (`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`,
//! `pnpm-lock.yaml`), and Electron apps (`resources/app/package.json`, or
//! the header of `resources/app.asar`).
//!
//! Membership: a package in `PROJECT/node_modules/...` is shipped in
//! `PROJECT` (the folder before the first `node_modules`), so the app's
//! whole dependency tree joins the app's product. A global install
//! (`PREFIX/lib/node_modules/NAME`, npm's layout) is a tool of its own:
//! the top-level package is the root, its dependencies are shipped in it.
//! A project's own `package.json` is read when `node_modules` or a lock
//! file stands beside it. A lock file alone (no `node_modules` beside it)
//! still lists the packages, as `declared` (not installed); beside an
//! installed tree it is not read, because it also pins the optional
//! packages of every other platform (`@esbuild/darwin-arm64`...), which
//! are not on the disk.

use super::{library, non_empty, parent, read_or_record};
use crate::image::Image;
use crate::model::inventory::{
    Evidence, Inventory, Kind, ManifestFile, ManifestKind, Package, Source, prop,
};
use crate::model::purl::purl;
use serde_json::Value;
use std::collections::HashSet;

/// Which folders have a `node_modules` tree or a lock file, from the walk's
/// manifests: a project `package.json` is read only where one of them is.
pub struct Context {
    projects: HashSet<String>,
    /// Folders with a `node_modules` tree: what is installed there is the
    /// inventory, and their lock files (which also pin the optional
    /// packages of other platforms, never installed here) are not read.
    installed: HashSet<String>,
}

impl Context {
    pub fn new(manifests: &[ManifestFile]) -> Self {
        let mut projects = HashSet::new();
        let mut installed = HashSet::new();
        for m in manifests {
            match m.kind {
                ManifestKind::NodeModule => {
                    let root = m.rel.split("node_modules/").next().unwrap_or("");
                    let root = root.trim_end_matches('/').to_owned();
                    installed.insert(root.clone());
                    projects.insert(root);
                }
                ManifestKind::LockFile => {
                    projects.insert(parent(&m.rel).to_owned());
                }
                _ => {}
            }
        }
        Self {
            projects,
            installed,
        }
    }
}

/// The fields of a `package.json` every kind of record shares.
struct Meta {
    name: String,
    version: Option<String>,
    license: Option<String>,
    author: Option<String>,
    homepage: Option<String>,
    description: Option<String>,
}

/// A person field: `"Jane <j@x.org> (https://x.org)"` or `{name, email}`.
fn person(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Object(o) => {
            let name = o.get("name").and_then(Value::as_str).and_then(non_empty);
            let email = o.get("email").and_then(Value::as_str).and_then(non_empty);
            match (name, email) {
                (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
                (n, e) => n.or(e),
            }
        }
        _ => None,
    }
}

/// The licence: `"MIT"`, `"(MIT OR Apache-2.0)"`, the old `{type}` and
/// `licenses: [{type}]` forms; `SEE LICENSE IN ...` and `UNLICENSED` are
/// kept as stated.
fn license(v: &Value) -> Option<String> {
    let one = |l: &Value| match l {
        Value::String(s) => non_empty(s),
        Value::Object(o) => o.get("type").and_then(Value::as_str).and_then(non_empty),
        _ => None,
    };
    if let Some(l) = v.get("license").and_then(one) {
        return Some(l);
    }
    let all: Vec<String> = v
        .get("licenses")
        .and_then(Value::as_array)?
        .iter()
        .filter_map(one)
        .collect();
    match all.len() {
        0 => None,
        1 => all.into_iter().next(),
        _ => Some(all.join(" OR ")),
    }
}

fn meta(v: &Value, fallback_name: &str) -> Meta {
    let s = |k: &str| v.get(k).and_then(Value::as_str).and_then(non_empty);
    Meta {
        name: s("name").unwrap_or_else(|| fallback_name.to_owned()),
        version: s("version"),
        license: license(v),
        author: v.get("author").and_then(person),
        homepage: s("homepage"),
        description: s("description"),
    }
}

/// The npm purl of a name (`@scope/name` → namespace `@scope`).
pub fn npm_purl(name: &str, version: Option<&str>) -> Option<String> {
    match name.split_once('/') {
        Some((scope, n)) if scope.starts_with('@') => purl("npm", Some(scope), n, version, &[]),
        _ => purl("npm", None, name, version, &[]),
    }
}

fn package(m: Meta, kind: Kind, evidence: Evidence, shipped_in: Option<&str>) -> Package {
    let mut p = match shipped_in {
        Some(dir) => library(Source::Npm, &m.name, evidence, dir),
        None => {
            let mut p = Package::new(Source::Npm, &m.name, evidence);
            p.properties.insert(prop::PRESENCE, "installed".to_owned());
            p
        }
    };
    p.kind = kind;
    p.version = m.version;
    p.license = m.license;
    p.supplier.vendor = m.author;
    p.supplier.homepage = m.homepage;
    if let Some(d) = m.description {
        p.properties.insert("description", d);
    }
    p.purl = npm_purl(&p.name, p.version.as_deref());
    p
}

fn parse(text: &str, rel: &str, out: &mut Inventory) -> Option<Value> {
    match crate::formats::nesting::parse_json::<Value>(text.as_bytes()) {
        Ok(v) if v.is_object() => Some(v),
        Ok(_) => {
            out.error(rel, "package.json is not a JSON object");
            None
        }
        Err(e) => {
            out.error(rel, e);
            None
        }
    }
}

/// Where a package installed at `dir` (`.../node_modules/NAME`) is
/// shipped: the project before the first `node_modules`; for a global
/// install (`PREFIX/lib/node_modules/TOOL/...`), the tool's own folder, and
/// `None` for the tool itself (a root).
fn shipped_in(dir: &str) -> Option<String> {
    let (root, rest) = dir.split_once("node_modules/")?;
    let root = root.trim_end_matches('/');
    let global = root == "lib" || root.ends_with("/lib");
    if !global {
        return Some(root.to_owned());
    }
    let tool_len = if rest.starts_with('@') { 2 } else { 1 };
    let tool: Vec<&str> = rest.splitn(tool_len + 1, '/').take(tool_len).collect();
    let tool_dir = format!("{root}/node_modules/{}", tool.join("/"));
    (tool_dir != dir).then_some(tool_dir)
}

/// `.../node_modules/NAME/package.json`: an installed package. It owns its
/// folder (nested `node_modules` packages own theirs: the nearest wins).
pub fn node_module(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    let Some(text) = read_or_record(image, &m.rel, out) else {
        return;
    };
    let Some(v) = parse(&text, &m.rel, out) else {
        return;
    };
    let dir = parent(&m.rel);
    let fallback = dir.rsplit("node_modules/").next().unwrap_or(dir);
    let ev = Evidence::new(&m.rel, "package.json", "name, version, license, author");
    let ship = shipped_in(dir);
    let kind = if ship.is_some() {
        Kind::Library
    } else {
        Kind::Application
    };
    let mut p = package(meta(&v, fallback), kind, ev, ship.as_deref());
    if ship.is_none() {
        p.properties.insert(prop::INSTALL_PATH, dir.to_owned());
    }
    p.dirs.push(dir.to_owned());
    out.packages.push(p);
}

/// A project's own `package.json` (beside `node_modules` or a lock file),
/// or an Electron app's `resources/app/package.json`: the root its
/// dependencies are shipped in.
pub fn project(image: &Image, m: &ManifestFile, ctx: &Context, out: &mut Inventory) {
    let dir = parent(&m.rel);
    let electron = dir == "resources/app" || dir.ends_with("/resources/app");
    if !electron && !ctx.projects.contains(dir) {
        return;
    }
    let Some(text) = read_or_record(image, &m.rel, out) else {
        return;
    };
    let Some(v) = parse(&text, &m.rel, out) else {
        return;
    };
    let (folder, role) = if electron {
        (parent(parent(dir)), "electron-app")
    } else {
        (dir, "project")
    };
    let fallback = crate::paths::file_name(folder);
    let ev = Evidence::new(&m.rel, "package.json", "name, version, license, author");
    let mut p = package(meta(&v, fallback), Kind::Application, ev, None);
    if let Some(product) = v.get("productName").and_then(Value::as_str) {
        p.properties.insert("product_name", product.to_owned());
    }
    p.properties.insert("role", role.to_owned());
    p.properties.insert(prop::INSTALL_PATH, folder.to_owned());
    out.packages.push(p);
}

/// A declared package of a lock file.
fn declared(name: &str, version: &str, lock: &str, detail: &str, root: &str) -> Package {
    let m = Meta {
        name: name.to_owned(),
        version: non_empty(version),
        license: None,
        author: None,
        homepage: None,
        description: None,
    };
    let ev = Evidence::new(lock, "npm-lock", detail);
    let mut p = package(m, Kind::Library, ev, Some(root));
    p.properties.insert(prop::PRESENCE, "declared".to_owned());
    p
}

/// `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock` or
/// `pnpm-lock.yaml` of a project without `node_modules`: every package it
/// pins, as declared packages of the project.
pub fn lock_file(image: &Image, m: &ManifestFile, ctx: &Context, out: &mut Inventory) {
    let root = parent(&m.rel);
    if ctx.installed.contains(root) {
        return;
    }
    let Some(text) = read_or_record(image, &m.rel, out) else {
        return;
    };
    let name = crate::paths::file_name(&m.rel);
    let pins = match name {
        "yarn.lock" => yarn_lock(&text),
        "pnpm-lock.yaml" => pnpm_lock(&text),
        _ => match crate::formats::nesting::parse_json::<Value>(text.as_bytes()) {
            Ok(v) => package_lock(&v),
            Err(e) => {
                out.error(&m.rel, e);
                return;
            }
        },
    };
    for (n, v, detail) in pins {
        out.packages.push(declared(&n, &v, &m.rel, &detail, root));
    }
}

/// `(name, version, entry)` of a package-lock: lockfile v2/v3 `packages`
/// (keyed by install path, `node_modules/a/node_modules/b`), else v1's
/// nested `dependencies`.
pub fn package_lock(v: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        for (path, entry) in pkgs {
            let Some(i) = path.rfind("node_modules/") else {
                continue; // "" is the project itself
            };
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&path[i + "node_modules/".len()..]);
            let version = entry.get("version").and_then(Value::as_str).unwrap_or("");
            out.push((
                name.to_owned(),
                version.to_owned(),
                format!("packages[{path}]"),
            ));
        }
        return out;
    }
    fn walk(deps: &Value, out: &mut Vec<(String, String, String)>, depth: usize) {
        let Some(map) = deps.as_object() else { return };
        for (name, entry) in map {
            let version = entry.get("version").and_then(Value::as_str).unwrap_or("");
            out.push((
                name.clone(),
                version.to_owned(),
                format!("dependencies[{name}]"),
            ));
            if depth < 64
                && let Some(inner) = entry.get("dependencies")
            {
                walk(inner, out, depth + 1);
            }
        }
    }
    if let Some(deps) = v.get("dependencies") {
        walk(deps, &mut out, 0);
    }
    out
}

/// `(name, version, line)` of a `yarn.lock`. Yarn v1 writes its own format
/// (and Berry a YAML subset of the same shape): an unindented entry line
/// lists the specifiers it resolves (`"@babel/core@^7.0.0", "@babel/
/// core@^7.1.0":`), an indented `version "7.1.2"` (v1) or `version: 7.1.2`
/// (Berry) line follows. Read line by line, by hand: no YAML or yarn
/// parser crate is needed for these two fields.
pub fn yarn_lock(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let first = line.trim_end_matches(':').split(", ").next().unwrap_or("");
            let spec = first.trim_matches('"');
            // The name is the specifier up to its last `@` (not the scope's).
            let name = match spec[1.min(spec.len())..].find('@') {
                Some(at) => &spec[..at + 1],
                None => spec,
            };
            current = (!name.is_empty() && name != "__metadata").then(|| (name.to_owned(), i + 1));
            continue;
        }
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("version")
            && let Some((name, at)) = current.take()
        {
            let v = rest.trim_start_matches(':').trim().trim_matches('"');
            out.push((name, v.to_owned(), format!("line {at}")));
        }
    }
    out
}

/// `(name, version, line)` of a `pnpm-lock.yaml`: the keys of its top-level
/// `packages:` map, `/name@1.0.0` (v6), `name@1.0.0` (v9), `/name/1.0.0`
/// (v5), a peer suffix `(react@18.2.0)` or `_react@18.2.0` cut off. Read
/// line by line by hand: only those keys are needed, and they are one
/// line each (two-space indent, ending in `:`).
pub fn pnpm_lock(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut in_packages = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        let Some(key) = line.strip_prefix("  ") else {
            continue;
        };
        if !in_packages || key.starts_with(' ') || !key.trim_end().ends_with(':') {
            continue;
        }
        let key = key
            .trim_end()
            .trim_end_matches(':')
            .trim_matches(['\'', '"']);
        let key = key.trim_start_matches('/');
        let key = key.split('(').next().unwrap_or(key);
        let at = key[1.min(key.len())..].find('@').map(|a| a + 1);
        let (name, version) = match at {
            Some(a) => (&key[..a], &key[a + 1..]),
            None => match key.rsplit_once('/') {
                Some((n, v)) => (n, v),
                None => continue,
            },
        };
        let version = version.split('_').next().unwrap_or(version);
        out.push((
            name.to_owned(),
            version.to_owned(),
            format!("line {}", i + 1),
        ));
    }
    out
}

/// Drops a declared package of a lock file where the same name and
/// version is installed in the same project, and repeats within one lock
/// file (a package at several install paths).
pub fn drop_declared_duplicates(packages: &mut Vec<Package>) {
    let id = |p: &Package| {
        (
            p.name.clone(),
            p.version.clone(),
            p.properties.get(prop::SHIPPED_IN).cloned(),
        )
    };
    let installed: HashSet<_> = packages
        .iter()
        .filter(|p| p.source == Source::Npm && is_presence(p, "installed"))
        .map(id)
        .collect();
    let mut seen = HashSet::new();
    packages.retain(|p| {
        if p.source != Source::Npm || !is_presence(p, "declared") {
            return true;
        }
        let k = id(p);
        !installed.contains(&k) && seen.insert(k)
    });
}

fn is_presence(p: &Package, what: &str) -> bool {
    p.properties.get(prop::PRESENCE).is_some_and(|v| v == what)
}

/// The asar header: a Chromium pickle of the header's size (bytes 4..8),
/// then a pickle of the JSON index (its length at bytes 12..16, the JSON
/// from byte 16). Only the header is read, up to [`ASAR_HEADER`].
pub const ASAR_HEADER: u64 = 16 << 20;

/// The JSON index of an asar archive from its first bytes.
pub fn asar_index(head: &[u8]) -> Result<Value, String> {
    let u32_at = |o: usize| {
        head.get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (Some(4), Some(_), Some(len)) = (u32_at(0), u32_at(4), u32_at(12)) else {
        return Err("not an asar archive (no header pickle)".into());
    };
    let json = head
        .get(16..16 + len)
        .ok_or("asar header longer than the file or the bound")?;
    crate::formats::nesting::parse_json::<Value>(json).map_err(|e| e.to_string())
}

/// `APP/resources/app.asar`: the Electron app (its `package.json` is in the
/// archive; the header names the `node_modules` it bundles). The header is
/// read, bounded; the packages it bundles are listed by name as declared
/// (their versions are inside the archive, which is not unpacked).
pub fn asar(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    let head = match read_head(image, &m.rel) {
        Ok(h) => h,
        Err(e) => {
            out.error(&m.rel, e);
            return;
        }
    };
    let index = match asar_index(&head) {
        Ok(v) => v,
        Err(e) => {
            out.error(&m.rel, e);
            return;
        }
    };
    let folder = parent(parent(&m.rel));
    let app_name = crate::paths::file_name(folder);
    let files = index.get("files");
    let ev = Evidence::new(&m.rel, "asar-header", "files");
    let mut app = package(
        meta(&Value::Null, app_name),
        Kind::Application,
        ev.clone(),
        None,
    );
    app.properties.insert("role", "electron-app".to_owned());
    app.properties.insert(prop::INSTALL_PATH, folder.to_owned());
    out.packages.push(app);
    let modules = files
        .and_then(|f| f.get("node_modules"))
        .and_then(|n| n.get("files"))
        .and_then(Value::as_object);
    for (name, entry) in modules.into_iter().flatten() {
        let names: Vec<String> = if name.starts_with('@') {
            let inner = entry.get("files").and_then(Value::as_object);
            inner
                .into_iter()
                .flatten()
                .map(|(n, _)| format!("{name}/{n}"))
                .collect()
        } else if name.starts_with('.') {
            Vec::new()
        } else {
            vec![name.clone()]
        };
        for n in names {
            let detail = format!("files.node_modules.{n}");
            let mut p = declared(&n, "", &m.rel, &detail, folder);
            p.evidence = vec![Evidence::new(&m.rel, "asar-header", detail)];
            p.properties.insert("bundled_in", m.rel.clone());
            out.packages.push(p);
        }
    }
}

/// The first bytes of an asar archive: the header's declared size, up to
/// [`ASAR_HEADER`], by one bounded read.
fn read_head(image: &Image, rel: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let real = image.fs.resolve(rel).map_err(|e| e.to_string())?;
    let file = crate::image::read::open_resolved(&image.fs, &real).map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    file.take(ASAR_HEADER)
        .read_to_end(&mut head)
        .map_err(|e| e.to_string())?;
    if head.len() >= 8 {
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        head.truncate(8 + size);
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_installs_are_their_own_roots() {
        assert_eq!(
            shipped_in("srv/app/node_modules/a").as_deref(),
            Some("srv/app")
        );
        assert_eq!(
            shipped_in("srv/app/node_modules/a/node_modules/@s/b").as_deref(),
            Some("srv/app")
        );
        assert_eq!(shipped_in("usr/lib/node_modules/npm"), None);
        assert_eq!(shipped_in("usr/local/lib/node_modules/@sentry/cli"), None);
        assert_eq!(
            shipped_in("usr/lib/node_modules/npm/node_modules/semver").as_deref(),
            Some("usr/lib/node_modules/npm")
        );
    }

    #[test]
    fn lock_files_of_three_tools() {
        let v: Value = serde_json::from_str(
            r#"{"lockfileVersion":3,"packages":{"":{"name":"app"},
            "node_modules/@sentry/cli":{"version":"2.39.1"},
            "node_modules/a/node_modules/b":{"version":"1.0.0"}}}"#,
        )
        .unwrap();
        let got = package_lock(&v);
        assert_eq!(got[0].0, "@sentry/cli");
        assert_eq!(
            got[1],
            (
                "b".into(),
                "1.0.0".into(),
                "packages[node_modules/a/node_modules/b]".into()
            )
        );
        let yarn = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.1.2\"\n  resolved \"x\"\n\nesbuild@^0.24.0:\n  version \"0.24.2\"\n";
        assert_eq!(
            yarn_lock(yarn),
            [
                ("@babel/core".into(), "7.1.2".into(), "line 3".into()),
                ("esbuild".into(), "0.24.2".into(), "line 7".into())
            ]
        );
        let pnpm = "lockfileVersion: '9.0'\nimporters:\n  .:\n    x: 1\npackages:\n  '@sentry/cli@2.39.1':\n    resolution: {}\n  sharp@0.33.5(react@18.2.0):\n    resolution: {}\n  /esbuild/0.24.2:\n    x: 1\nsnapshots:\n  a@1.0.0:\n    x: 1\n";
        let got: Vec<(String, String)> = pnpm_lock(pnpm)
            .into_iter()
            .map(|(n, v, _)| (n, v))
            .collect();
        assert_eq!(
            got,
            [
                ("@sentry/cli".into(), "2.39.1".into()),
                ("sharp".into(), "0.33.5".into()),
                ("esbuild".into(), "0.24.2".into())
            ]
        );
    }

    #[test]
    fn asar_headers_are_read_and_checked() {
        let json = br#"{"files":{"package.json":{"size":10,"offset":"0"}}}"#;
        let mut head = Vec::new();
        head.extend_from_slice(&4u32.to_le_bytes());
        head.extend_from_slice(&(json.len() as u32 + 8).to_le_bytes());
        head.extend_from_slice(&(json.len() as u32 + 4).to_le_bytes());
        head.extend_from_slice(&(json.len() as u32).to_le_bytes());
        head.extend_from_slice(json);
        assert!(asar_index(&head).unwrap()["files"]["package.json"].is_object());
        assert!(asar_index(b"PK\x03\x04").is_err());
        assert!(asar_index(&head[..20]).is_err());
    }

    #[test]
    fn scoped_names_get_a_namespace() {
        assert_eq!(
            npm_purl("@sentry/cli", Some("2.39.1")).as_deref(),
            Some("pkg:npm/%40sentry/cli@2.39.1")
        );
        assert_eq!(
            npm_purl("esbuild", None).as_deref(),
            Some("pkg:npm/esbuild")
        );
    }
}
