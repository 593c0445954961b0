//! Windows: Scoop apps, per user (`Users/*/scoop/apps/<app>/`) and global
//! (`ProgramData/scoop/apps/<app>/`).
//!
//! Each app keeps one folder per version and a `current` junction to the
//! active one (an image extracted on Linux has it as a symlink, often
//! absolute, or as a copy: either way it is resolved inside the image).
//! `current/manifest.json` is the bucket manifest at install time
//! (`version`, `homepage`, `license` as an SPDX string or `{identifier,
//! url}`, `description`); `current/install.json` says where it came from
//! (`bucket`, `architecture`). The app folder is the package's directory.

use super::Collector;
use crate::formats::nesting::parse_json;
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source};
use serde_json::Value;

pub struct Scoop;

impl Collector for Scoop {
    fn name(&self) -> &'static str {
        "scoop"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Windows]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mut roots: Vec<(String, Option<String>)> = Vec::new();
        if let Ok(users) = image.fs.resolve("Users") {
            let users = crate::paths::display(&users).0;
            for u in super::list_dir(image, &users).unwrap_or_default() {
                let apps = super::join(&super::join(&users, &u), "scoop/apps");
                roots.push((apps, Some(u)));
            }
        }
        roots.push(("ProgramData/scoop/apps".into(), None));
        for (apps, user) in roots {
            let Ok(real) = image.fs.resolve(&apps) else {
                continue;
            };
            let apps = crate::paths::display(&real).0;
            for app in super::list_dir(image, &apps).unwrap_or_default() {
                let dir = super::join(&apps, &app);
                let current = match image.fs.resolve(super::join(&dir, "current")) {
                    Ok(p) => crate::paths::display(&p).0,
                    Err(_) => continue,
                };
                if let Some(p) = read_app(image, &app, &dir, &current, user.as_deref(), out) {
                    out.packages.push(p);
                }
            }
        }
    }
}

fn read_json(image: &Image, rel: &str, out: &mut Inventory) -> Option<Value> {
    match super::read_text(image, rel) {
        Ok(Some(t)) => match parse_json::<Value>(t.trim_start_matches('\u{feff}').as_bytes()) {
            Ok(v @ Value::Object(_)) => Some(v),
            Ok(_) => {
                out.error(rel, "not a JSON object");
                None
            }
            Err(e) => {
                out.error(rel, e);
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            out.error(rel, e);
            None
        }
    }
}

fn read_app(
    image: &Image,
    app: &str,
    dir: &str,
    current: &str,
    user: Option<&str>,
    out: &mut Inventory,
) -> Option<Package> {
    let manifest_path = super::join(current, "manifest.json");
    let manifest = read_json(image, &manifest_path, out)?;
    let install_path = super::join(current, "install.json");
    let install = read_json(image, &install_path, out);
    let s = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut p = Package::new(
        Source::Scoop,
        app,
        Evidence::new(
            &manifest_path,
            "scoop-manifest",
            "version, homepage, license",
        ),
    );
    p.version = s(&manifest, "version");
    p.supplier.homepage = s(&manifest, "homepage");
    p.license = match manifest.get("license") {
        Some(Value::String(l)) => Some(l.trim().to_owned()),
        Some(v @ Value::Object(_)) => s(v, "identifier"),
        _ => None,
    }
    .filter(|l| !l.is_empty());
    if let Some(i) = &install {
        p.evidence.push(Evidence::new(
            &install_path,
            "scoop-install",
            "bucket, architecture",
        ));
        if let Some(b) = s(i, "bucket") {
            p.supplier.origin = Some(format!("scoop bucket {b}"));
            p.properties.insert("bucket", b);
        }
        if let Some(a) = s(i, "architecture") {
            p.arch = Some(a);
        }
    }
    if let Some(d) = s(&manifest, "description") {
        p.properties.insert("description", d);
    }
    match user {
        Some(u) => p.properties.insert("user", u.to_owned()),
        None => p.properties.insert("global", "true".into()),
    };
    p.properties.insert("app_dir", dir.to_owned());
    p.dirs.push(dir.to_owned());
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::nesting::MAX_JSON_DEPTH;

    /// A manifest 100 times deeper than the nesting bound (with the BOM
    /// PowerShell writes) is an error naming it, on a stack an eighth of
    /// a worker's; the app's other manifest, exactly at the bound, is read.
    #[test]
    fn manifests_past_the_nesting_bound_are_errors_on_a_small_stack() {
        let t = tempfile::tempdir().unwrap();
        let apps = t.path().join("ProgramData/scoop/apps");
        let evil = apps.join("evil/current");
        std::fs::create_dir_all(&evil).unwrap();
        let hostile = format!("\u{feff}{}", "{\"a\": ".repeat(MAX_JSON_DEPTH * 100));
        std::fs::write(evil.join("manifest.json"), hostile).unwrap();
        let git = apps.join("git/current");
        std::fs::create_dir_all(&git).unwrap();
        let n = MAX_JSON_DEPTH - 1;
        let at_bound = format!(
            "{{\"version\": \"2.47.1\", \"notes\": {}1{}}}",
            "[".repeat(n),
            "]".repeat(n)
        );
        std::fs::write(git.join("manifest.json"), at_bound).unwrap();
        let inv = crate::collect::collect_on_small_stack(&Scoop, t.path());
        assert_eq!(inv.errors.len(), 1, "{:?}", inv.errors);
        assert_eq!(
            inv.errors[0].path,
            "ProgramData/scoop/apps/evil/current/manifest.json"
        );
        assert_eq!(
            inv.errors[0].message,
            "JSON nested deeper than 32 levels at line 1 column 193"
        );
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].version.as_deref(), Some("2.47.1"));
    }
}
