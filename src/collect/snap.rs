//! Snaps (Ubuntu, and snapd elsewhere): `var/lib/snapd/state.json`, snapd's
//! own state, and the mounted snaps under `snap/` (`var/lib/snapd/snap` on
//! distributions that keep `/snap` out of the root).
//!
//! In the state, `data.snaps.NAME` is snapd's `SnapState`: `type`, `current`
//! (the revision in use, a string like `"4793"` or `"x1"` for a local
//! install), `sequence` (the side info of each revision kept: `name`,
//! `snap-id`, `revision`, `channel`), `channel` (the tracked channel; some
//! tools write `tracking-channel`) and `active`. The state has no version:
//! that is in the snap's `meta/snap.yaml`, readable only where the
//! revision's squashfs was mounted or unpacked (`snap/NAME/REV/`); an
//! offline image usually has empty mountpoints, and then only the revision
//! is known. Without a state file (a hand-assembled root), the mounted
//! `snap/NAME/current/meta/snap.yaml` files are the inventory.
//!
//! The publisher isn't in the state or in snap.yaml either: snapd shows it
//! from its assertion database, where the snap-declaration for the snap id
//! names a `publisher-id` and that account's assertion gives its
//! `display-name` and `username`
//! (`var/lib/snapd/assertions/asserts-v0/TYPE/PRIMARY-KEY.../active`).

use super::{Collector, join, list_dir, read_json, read_text};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source};
use serde_json::Value;

pub struct Snap;

const STATE: &str = "var/lib/snapd/state.json";
const MOUNTS: &[&str] = &["snap", "var/lib/snapd/snap"];
const ASSERTS: &str = "var/lib/snapd/assertions/asserts-v0";
/// Snap declarations are keyed by series, and every snap is in series 16.
const SERIES: &str = "16";

impl Collector for Snap {
    fn name(&self) -> &'static str {
        "snap"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mount = MOUNTS
            .iter()
            .find(|m| image.fs.is_dir(m))
            .copied()
            .unwrap_or(MOUNTS[0]);
        match read_json(image, STATE) {
            Ok(Some(state)) => from_state(image, &state, mount, out),
            Ok(None) => from_mounts(image, mount, out),
            Err(e) => out.error(STATE, e),
        }
    }
}

fn from_state(image: &Image, state: &Value, mount: &str, out: &mut Inventory) {
    let snaps = match state.pointer("/data/snaps") {
        // A snapd that never installed anything has no `snaps` yet.
        None | Some(Value::Null) => return,
        Some(Value::Object(m)) => m,
        Some(_) => {
            out.error(STATE, "data.snaps is not an object");
            return;
        }
    };
    let mut names: Vec<&String> = snaps.keys().collect();
    names.sort();
    for instance in names {
        let Some(st) = snaps.get(instance) else {
            continue;
        };
        if let Some(pkg) = from_snap_state(image, instance, st, mount, out) {
            out.packages.push(pkg);
        }
    }
}

/// A revision as snapd writes it: a string, or a number in old states.
fn revision(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn from_snap_state(
    image: &Image,
    instance: &str,
    st: &Value,
    mount: &str,
    out: &mut Inventory,
) -> Option<Package> {
    let key = format!("data.snaps.{instance}");
    if !st.is_object() {
        out.warn(STATE, format!("{key}: not an object"));
        return None;
    }
    let sequence = match st.get("sequence") {
        Some(Value::Array(s)) if !s.is_empty() => s,
        // No revisions: a snap snapd is still installing, or has removed.
        None | Some(Value::Null) | Some(Value::Array(_)) => return None,
        Some(_) => {
            out.warn(STATE, format!("{key}: sequence is not a list"));
            return None;
        }
    };
    let Some(current) = revision(st.get("current")) else {
        out.warn(STATE, format!("{key}: no current revision"));
        return None;
    };
    let side = sequence
        .iter()
        .find(|si| revision(si.get("revision")).as_deref() == Some(current.as_str()));
    let Some(side) = side else {
        out.warn(
            STATE,
            format!("{key}: current revision {current} is not in its sequence"),
        );
        return None;
    };
    // The store name; the map key adds `_KEY` for parallel installs.
    let name = string(side, "name").unwrap_or(instance);
    let mut pkg = Package::new(Source::Snap, name, Evidence::new(STATE, "snapd-state", key));
    let ty = string(st, "type").unwrap_or("app");
    pkg.kind = kind(ty);
    pkg.properties.insert("type", ty.to_owned());
    pkg.properties.insert("revision", current.clone());
    if instance != name {
        pkg.properties.insert("instance", instance.to_owned());
    }
    let channel = string(st, "channel")
        .or_else(|| string(st, "tracking-channel"))
        .or_else(|| string(side, "channel"));
    if let Some(c) = channel {
        pkg.properties.insert("channel", c.to_owned());
    }
    if st.get("active").and_then(Value::as_bool) != Some(true) {
        pkg.properties.insert("active", "false".to_owned());
    }
    if let Some(id) = string(side, "snap-id") {
        pkg.properties.insert("snap_id", id.to_owned());
        publisher(image, id, &mut pkg, out);
    }
    let rev_dir = join(&join(mount, instance), &current);
    pkg.dirs.push(format!("/{rev_dir}"));
    read_snap_yaml(image, &rev_dir, &mut pkg, out);
    Some(pkg)
}

/// Images without a state file: every `snap/NAME/current` that is mounted.
fn from_mounts(image: &Image, mount: &str, out: &mut Inventory) {
    let names = match list_dir(image, mount) {
        Ok(n) => n,
        Err(e) => {
            out.error(mount, e);
            return;
        }
    };
    for instance in names {
        let current = join(&join(mount, &instance), "current");
        // `bin/` (command wrappers) and README have no `current`.
        let Ok(real) = image.fs.resolve(&current) else {
            continue;
        };
        let rev_dir = crate::paths::display(&real).0;
        let yaml = join(&rev_dir, "meta/snap.yaml");
        let text = match read_text(image, &yaml) {
            Ok(Some(t)) => t,
            // An empty mountpoint: nothing to tell without the state.
            Ok(None) => continue,
            Err(e) => {
                out.error(&yaml, e);
                continue;
            }
        };
        let fields = top_level_scalars(&text);
        let get = |k: &str| fields.iter().find(|(key, _)| *key == k).map(|(_, v)| v);
        let name = get("name").map_or(instance.as_str(), |v| v.as_str());
        let mut pkg = Package::new(
            Source::Snap,
            name,
            Evidence::new(&yaml, "snap-yaml", "name, version"),
        );
        let ty = get("type").map_or("app", |v| v.as_str());
        pkg.kind = kind(ty);
        pkg.properties.insert("type", ty.to_owned());
        pkg.properties
            .insert("revision", crate::paths::file_name(&rev_dir).to_owned());
        pkg.dirs.push(format!("/{rev_dir}"));
        apply_snap_yaml(&fields, &mut pkg);
        out.packages.push(pkg);
    }
}

fn kind(ty: &str) -> Kind {
    if ty == "app" {
        Kind::Application
    } else {
        Kind::Library
    }
}

fn read_snap_yaml(image: &Image, rev_dir: &str, pkg: &mut Package, out: &mut Inventory) {
    let yaml = join(rev_dir, "meta/snap.yaml");
    match read_text(image, &yaml) {
        Ok(Some(text)) => {
            pkg.evidence
                .push(Evidence::new(&yaml, "snap-yaml", "version"));
            apply_snap_yaml(&top_level_scalars(&text), pkg);
        }
        Ok(None) => {}
        Err(e) => out.error(&yaml, e),
    }
}

fn apply_snap_yaml(fields: &[(&str, String)], pkg: &mut Package) {
    for (key, value) in fields {
        match *key {
            "version" => pkg.version = Some(value.clone()),
            "license" => pkg.license = Some(value.clone()),
            "summary" => {
                pkg.properties.insert("summary", value.clone());
            }
            "base" => {
                pkg.properties.insert("base", value.clone());
            }
            "confinement" => {
                pkg.properties.insert("confinement", value.clone());
            }
            _ => {}
        }
    }
}

/// The `key: value` lines at the top level of a YAML document, values
/// unquoted. snap.yaml is YAML, but the facts wanted are top-level scalars,
/// so this reads only those: nested maps, lists and block scalars (indented
/// lines, `|`/`>` values) are skipped. A YAML crate would bring anchors and
/// aliases to a file from an untrusted image, for four keys.
fn top_level_scalars(text: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t', '#', '-']) || line == "---" {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => match value[1..].find(q) {
                Some(end) => &value[1..1 + end],
                None => continue,
            },
            Some('|' | '>' | '[' | '{' | '&' | '*' | '!') | None => continue,
            Some(_) => value.split(" #").next().unwrap_or(value).trim(),
        };
        if !key.is_empty() && !value.is_empty() {
            out.push((key.trim(), value.to_owned()));
        }
    }
    out
}

/// The publisher from the assertion database: the snap-declaration for the
/// snap id, then the account it names.
fn publisher(image: &Image, snap_id: &str, pkg: &mut Package, out: &mut Inventory) {
    let Some((decl_path, decl)) =
        assertion(image, &format!("snap-declaration/{SERIES}"), snap_id, out)
    else {
        return;
    };
    let Some(account_id) = header(&decl, "publisher-id") else {
        out.warn(&decl_path, "snap-declaration without a publisher-id");
        return;
    };
    pkg.properties.insert("publisher_id", account_id.to_owned());
    pkg.evidence.push(Evidence::new(
        &decl_path,
        "snap-assertion",
        format!("publisher-id: {account_id}"),
    ));
    let Some((acct_path, acct)) = assertion(image, "account", account_id, out) else {
        return;
    };
    let username = header(&acct, "username");
    let display = header(&acct, "display-name").or(username);
    if let Some(u) = username {
        pkg.properties.insert("publisher_username", u.to_owned());
    }
    if let Some(v) = header(&acct, "validation") {
        pkg.properties.insert("publisher_validation", v.to_owned());
    }
    if let Some(d) = display {
        pkg.evidence.push(Evidence::new(
            &acct_path,
            "snap-assertion",
            format!("display-name: {d}"),
        ));
        pkg.supplier.publisher = Some(d.to_owned());
    }
}

/// The current text of an assertion (`DIR/ID/active`, or the newest
/// `active.FORMAT`), found by its last primary key. Ids from the state are
/// store ids, letters and digits; anything else is not looked up, since it
/// would be a path into the image chosen by the state file.
fn assertion(image: &Image, dir: &str, id: &str, out: &mut Inventory) -> Option<(String, String)> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let dir = format!("{ASSERTS}/{dir}/{id}");
    let mut best: Option<(u64, String, String)> = None;
    for name in list_dir(image, &dir).ok()? {
        if !name.starts_with("active") {
            continue;
        }
        let path = join(&dir, &name);
        match read_text(image, &path) {
            Ok(Some(text)) => {
                let rev = header(&text, "revision")
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(0);
                if best.as_ref().is_none_or(|(r, _, _)| rev > *r) {
                    best = Some((rev, path, text));
                }
            }
            Ok(None) => {}
            Err(e) => out.error(&path, e),
        }
    }
    best.map(|(_, path, text)| (path, text))
}

/// A single-line header of an assertion (headers end at the first blank line).
fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_once(": "))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::path::Path;

    const FIREFOX_ID: &str = "3wdHCAVyZEmYsCMFDE9qt92UV8rC8Wdk";
    const MOZILLA_ID: &str = "OgeoZuqQpVvSr9eGKJzNCrFGSaKXpkey";

    const STATE_JSON: &str = r#"{
  "data": {
    "seeded": true,
    "snaps": {
      "snapd": {
        "type": "snapd",
        "sequence": [
          {"name": "snapd", "snap-id": "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4", "revision": "21759", "channel": "latest/stable"}
        ],
        "active": true,
        "current": "21759",
        "channel": "latest/stable"
      },
      "firefox": {
        "type": "app",
        "sequence": [
          {"name": "firefox", "snap-id": "3wdHCAVyZEmYsCMFDE9qt92UV8rC8Wdk", "revision": "4757", "channel": "latest/stable", "title": "firefox"},
          {"name": "firefox", "snap-id": "3wdHCAVyZEmYsCMFDE9qt92UV8rC8Wdk", "revision": "4793", "channel": "latest/stable", "title": "firefox"}
        ],
        "active": true,
        "current": "4793",
        "channel": "latest/stable",
        "last-refresh-time": "2024-10-15T09:00:00Z"
      },
      "hello_test": {
        "type": "app",
        "sequence": [{"name": "hello", "revision": "x1"}],
        "current": "x1",
        "instance-key": "test"
      },
      "broken": "not an object",
      "lost": {"type": "app", "sequence": [{"name": "lost", "revision": "3"}], "current": "4"},
      "installing": {"type": "app", "sequence": []}
    }
  },
  "changes": {},
  "tasks": {}
}"#;

    const FIREFOX_YAML: &str = "\
name: firefox
version: 131.0.3-1
summary: Mozilla Firefox web browser
description: |
  Firefox is a powerful, extensible web browser.
  version: not-this-one
license: MPL-2.0
base: core22
confinement: strict # the default
grade: stable
apps:
  firefox:
    command: firefox.launcher
";

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn assertions(root: &Path) {
        write(
            root,
            &format!("{ASSERTS}/snap-declaration/16/{FIREFOX_ID}/active"),
            &format!(
                "type: snap-declaration\nauthority-id: canonical\nrevision: 12\nseries: 16\n\
                 snap-id: {FIREFOX_ID}\nplugs:\n  browser-support:\n    allow-sandbox: true\n\
                 publisher-id: {MOZILLA_ID}\nsnap-name: firefox\n\
                 timestamp: 2024-01-01T00:00:00Z\nsign-key-sha3-384: BWDEoaqyr25nF5SNCvEv2v7QnM9QsfCc0PBMYD_i2NGSQ32EF2d4D0hqUel3m8ul\n\n\
                 AcLBUgQAAQoABgUCZ...\n"
            ),
        );
        write(
            root,
            &format!("{ASSERTS}/account/{MOZILLA_ID}/active"),
            &format!(
                "type: account\nauthority-id: canonical\naccount-id: {MOZILLA_ID}\n\
                 display-name: Mozilla\ntimestamp: 2016-04-01T00:00:00Z\nusername: mozilla\n\
                 validation: verified\nsign-key-sha3-384: x\n\nAcLBUgQAAQoABgUCV...\n"
            ),
        );
    }

    fn collect(root: &Path) -> Inventory {
        let image = Image::open(root).unwrap();
        let mut inv = Inventory::default();
        Snap.collect(&image, &mut inv);
        inv
    }

    #[test]
    fn reads_state_with_assertions_and_mounted_yaml() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        write(root, STATE, STATE_JSON);
        assertions(root);
        write(root, "snap/firefox/4793/meta/snap.yaml", FIREFOX_YAML);
        // Offline images: mountpoints exist but are empty.
        std::fs::create_dir_all(root.join("snap/snapd/21759")).unwrap();
        let inv = collect(root);
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);

        let names: Vec<&str> = inv.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["firefox", "hello", "snapd"]);

        let ff = &inv.packages[0];
        assert_eq!(ff.kind, Kind::Application);
        assert_eq!(ff.version.as_deref(), Some("131.0.3-1"));
        assert_eq!(ff.license.as_deref(), Some("MPL-2.0"));
        assert_eq!(ff.supplier.publisher.as_deref(), Some("Mozilla"));
        assert_eq!(ff.purl, None);
        assert_eq!(ff.properties["revision"], "4793");
        assert_eq!(ff.properties["channel"], "latest/stable");
        assert_eq!(ff.properties["type"], "app");
        assert_eq!(ff.properties["snap_id"], FIREFOX_ID);
        assert_eq!(ff.properties["publisher_username"], "mozilla");
        assert_eq!(ff.properties["publisher_validation"], "verified");
        assert_eq!(ff.properties["summary"], "Mozilla Firefox web browser");
        assert_eq!(ff.properties["confinement"], "strict");
        assert_eq!(ff.dirs, ["/snap/firefox/4793"]);
        assert_eq!(ff.evidence[0].path, STATE);
        assert_eq!(ff.evidence[0].detail, "data.snaps.firefox");
        assert!(ff.properties.get("active").is_none());

        let hello = &inv.packages[1];
        assert_eq!(hello.properties["instance"], "hello_test");
        assert_eq!(hello.properties["revision"], "x1");
        assert_eq!(hello.properties["active"], "false");
        assert_eq!(hello.dirs, ["/snap/hello_test/x1"]);
        assert_eq!(hello.supplier.publisher, None);

        let snapd = &inv.packages[2];
        assert_eq!(snapd.kind, Kind::Library);
        assert_eq!(snapd.version, None);
        assert_eq!(snapd.properties["revision"], "21759");

        let warnings: Vec<&str> = inv.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "data.snaps.broken: not an object",
                "data.snaps.lost: current revision 4 is not in its sequence",
            ]
        );
        assert!(inv.warnings.iter().all(|w| w.path == STATE));
    }

    #[test]
    fn mounted_snaps_without_state_and_linked_dirs_stay_in_the_image() {
        // Fedora-style: /snap -> /var/lib/snapd/snap, absolute, which must
        // mean the image's directory; `current` links to the revision.
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        write(
            root,
            "var/lib/snapd/snap/firefox/4793/meta/snap.yaml",
            FIREFOX_YAML,
        );
        symlink("4793", root.join("var/lib/snapd/snap/firefox/current")).unwrap();
        write(
            root,
            "var/lib/snapd/snap/core22/1380/meta/snap.yaml",
            "name: core22\nversion: '20240408'\ntype: base\n",
        );
        symlink(
            "/var/lib/snapd/snap/core22/1380",
            root.join("var/lib/snapd/snap/core22/current"),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("var/lib/snapd/snap/bin")).unwrap();
        symlink("/var/lib/snapd/snap", root.join("snap")).unwrap();
        let inv = collect(root);
        assert!(inv.errors.is_empty() && inv.warnings.is_empty(), "{inv:?}");
        assert_eq!(inv.packages.len(), 2);
        let core = &inv.packages[0];
        assert_eq!(core.name, "core22");
        assert_eq!(core.version.as_deref(), Some("20240408"));
        assert_eq!(core.kind, Kind::Library);
        assert_eq!(core.dirs, ["/var/lib/snapd/snap/core22/1380"]);
        let ff = &inv.packages[1];
        assert_eq!(ff.version.as_deref(), Some("131.0.3-1"));
        assert_eq!(ff.properties["revision"], "4793");
        assert_eq!(
            ff.evidence[0].path,
            "var/lib/snapd/snap/firefox/4793/meta/snap.yaml"
        );
    }

    #[test]
    fn corrupt_state_is_an_error_naming_it() {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), STATE, "{\"data\": {\"snaps\": {\"x\": [}}");
        let inv = collect(t.path());
        assert!(inv.packages.is_empty());
        assert_eq!(inv.errors.len(), 1);
        assert_eq!(inv.errors[0].path, STATE);
        assert!(
            inv.errors[0].message.starts_with("not valid JSON: ")
                && inv.errors[0].message.contains("line 1 column"),
            "{:?}",
            inv.errors
        );

        write(t.path(), STATE, "{\"data\": {\"snaps\": [1, 2]}}");
        let inv = collect(t.path());
        assert_eq!(inv.errors[0].message, "data.snaps is not an object");

        // Unexpected types inside a record cost that record only.
        write(
            t.path(),
            STATE,
            r#"{"data": {"snaps": {"a": {"sequence": {"x": 1}, "current": 2},
                "b": {"sequence": [{"revision": 7, "snap-id": "../../../etc"}], "current": 7, "type": 5}}}}"#,
        );
        let inv = collect(t.path());
        assert!(inv.errors.is_empty(), "{inv:?}");
        assert_eq!(inv.warnings.len(), 1);
        assert_eq!(
            inv.warnings[0].message,
            "data.snaps.a: sequence is not a list"
        );
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].name, "b");
        assert_eq!(inv.packages[0].properties["type"], "app");
        assert_eq!(inv.packages[0].properties["revision"], "7");
    }

    /// A state 100 times deeper than the nesting bound is an error naming
    /// the file, on a stack an eighth of a worker's: not an abort.
    #[test]
    fn state_past_the_nesting_bound_is_an_error_on_a_small_stack() {
        let t = tempfile::tempdir().unwrap();
        let n = crate::formats::nesting::MAX_JSON_DEPTH * 100;
        let hostile = format!("{{\"data\": {}", "{\"snaps\": ".repeat(n));
        write(t.path(), STATE, &hostile);
        let root = t.path().to_owned();
        let inv = crate::isolate::on_small_stack(move || collect(&root));
        assert_eq!(inv.errors.len(), 1, "{:?}", inv.errors);
        assert_eq!(inv.errors[0].path, STATE);
        assert_eq!(
            inv.errors[0].message,
            "JSON nested deeper than 32 levels at line 1 column 320"
        );
    }

    #[test]
    fn fresh_snapd_state_has_no_snaps_and_no_error() {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), STATE, "{\"data\": {\"seeded\": false}}");
        let inv = collect(t.path());
        assert!(inv.packages.is_empty() && inv.errors.is_empty() && inv.warnings.is_empty());
    }

    #[test]
    fn top_level_scalars_skip_nested_and_block_values() {
        let fields = top_level_scalars(FIREFOX_YAML);
        assert_eq!(
            fields,
            [
                ("name", "firefox".to_owned()),
                ("version", "131.0.3-1".to_owned()),
                ("summary", "Mozilla Firefox web browser".to_owned()),
                ("license", "MPL-2.0".to_owned()),
                ("base", "core22".to_owned()),
                ("confinement", "strict".to_owned()),
                ("grade", "stable".to_owned()),
            ]
        );
        assert!(top_level_scalars("version: \"unterminated\n:\n\u{0}: x\n").len() == 1);
    }
}
