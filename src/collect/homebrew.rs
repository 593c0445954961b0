//! Homebrew, under its two prefixes (`opt/homebrew` on Apple silicon,
//! `usr/local` on Intel; Linuxbrew's `home/linuxbrew/.linuxbrew` too):
//!
//! - formulae: `Cellar/NAME/VERSION/` (the keg) with `INSTALL_RECEIPT.json`
//!   (`source.tap`, `homebrew_version`, `installed_on_request`,
//!   `installed_as_dependency`); the keg owns everything below it;
//! - casks: `Caskroom/TOKEN/VERSION/`, with the cask definition Homebrew
//!   kept at install time in `Caskroom/TOKEN/.metadata/VERSION/TIMESTAMP/Casks/TOKEN.json`
//!   (or `.rb` for older installs): its display name, homepage and tap.
//!   An app a cask installs lives in `Applications` and is a component of
//!   its own (source `app`).

use super::{Collector, join, list_dir, read_json, read_text};
use crate::formats::nesting::parse_json;
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source, prop};
use crate::model::purl::purl;
use serde_json::Value;

pub struct Homebrew;

const PREFIXES: &[&str] = &["opt/homebrew", "usr/local", "home/linuxbrew/.linuxbrew"];

impl Collector for Homebrew {
    fn name(&self) -> &'static str {
        "homebrew"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Macos, Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mut seen = std::collections::HashSet::new();
        for prefix in PREFIXES {
            // `usr/local` may be a symlink to `opt/homebrew` on a tidy root.
            let canon = match image.fs.resolve(prefix) {
                Ok(p) => crate::paths::display(&p).0,
                Err(_) => continue,
            };
            if !seen.insert(canon) {
                continue;
            }
            formulae(image, prefix, out);
            casks(image, prefix, out);
        }
    }
}

fn dir_entries(image: &Image, rel: &str, out: &mut Inventory) -> Vec<String> {
    match list_dir(image, rel) {
        Ok(v) => v.into_iter().filter(|n| !n.starts_with('.')).collect(),
        Err(e) => {
            out.error(rel, format!("cannot list: {e}"));
            Vec::new()
        }
    }
}

fn formulae(image: &Image, prefix: &str, out: &mut Inventory) {
    let cellar = join(prefix, "Cellar");
    for name in dir_entries(image, &cellar, out) {
        let fdir = join(&cellar, &name);
        for version in dir_entries(image, &fdir, out) {
            let keg = join(&fdir, &version);
            let receipt = join(&keg, "INSTALL_RECEIPT.json");
            let mut pkg = Package::new(
                Source::Homebrew,
                name.clone(),
                Evidence::new(
                    &receipt,
                    "homebrew-receipt",
                    "source.tap, installed_on_request",
                ),
            );
            pkg.version = Some(version.clone());
            pkg.properties.insert("kind", "formula".into());
            pkg.properties.insert(prop::INSTALL_PATH, keg.clone());
            pkg.dirs.push(keg.clone());
            match read_json(image, &receipt) {
                Ok(Some(Value::Object(r))) => {
                    let s = |p: &str| {
                        r.get(p).map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                    };
                    if let Some(tap) = r
                        .get("source")
                        .and_then(|s| s.get("tap"))
                        .and_then(Value::as_str)
                    {
                        pkg.properties.insert("tap", tap.to_owned());
                        pkg.supplier.publisher = Some(tap.to_owned());
                    }
                    for (prop, key) in [
                        ("homebrew_version", "homebrew_version"),
                        ("installed_on_request", "installed_on_request"),
                        ("installed_as_dependency", "installed_as_dependency"),
                        ("poured_from_bottle", "poured_from_bottle"),
                    ] {
                        if let Some(v) = s(key).filter(|v| v != "null") {
                            pkg.properties.insert(prop, v);
                        }
                    }
                    if r.get("installed_as_dependency") == Some(&Value::Bool(true)) {
                        pkg.kind = Kind::Library;
                    }
                }
                Ok(Some(_)) => out.error(&receipt, "install receipt is not a JSON object"),
                Ok(None) => {
                    pkg.evidence[0] =
                        Evidence::new(&keg, "homebrew-keg", "keg without INSTALL_RECEIPT.json");
                    out.warn(&keg, "Homebrew keg without INSTALL_RECEIPT.json");
                }
                Err(e) => out.error(&receipt, e),
            }
            pkg.purl = brew(&pkg);
            out.packages.push(pkg);
        }
    }
}

fn casks(image: &Image, prefix: &str, out: &mut Inventory) {
    let room = join(prefix, "Caskroom");
    for token in dir_entries(image, &room, out) {
        let cdir = join(&room, &token);
        for version in dir_entries(image, &cdir, out) {
            let install = join(&cdir, &version);
            let mut pkg = Package::new(
                Source::Homebrew,
                token.clone(),
                Evidence::new(&install, "homebrew-cask", "Caskroom version directory"),
            );
            pkg.version = Some(version.clone());
            pkg.properties.insert("kind", "cask".into());
            pkg.properties.insert(prop::INSTALL_PATH, install.clone());
            pkg.dirs.push(install.clone());
            if let Some((path, def)) = cask_definition(image, &cdir, &token, &version, out) {
                pkg.evidence.push(Evidence::new(
                    &path,
                    "homebrew-cask-definition",
                    "name, homepage, tap",
                ));
                if let Some(n) = def.name {
                    pkg.properties.insert("display_name", n);
                }
                if let Some(t) = def.tap {
                    pkg.properties.insert("tap", t.clone());
                    pkg.supplier.publisher = Some(t);
                }
                pkg.supplier.homepage = def.homepage;
            }
            pkg.purl = brew(&pkg);
            out.packages.push(pkg);
        }
    }
}

/// `pkg:brew/[TAP/]NAME@VERSION`: the tap is left out for the default
/// `homebrew/core` (purl-spec, brew type), kept for casks and third-party
/// taps so a cask and a formula of one name stay apart.
fn brew(pkg: &Package) -> Option<String> {
    let tap = pkg.properties.get("tap").map(String::as_str);
    let tap = match (tap, pkg.properties.get("kind").map(String::as_str)) {
        (Some("homebrew/core"), _) => None,
        (None, Some("cask")) => Some("homebrew/cask"),
        (t, _) => t,
    };
    purl("brew", tap, &pkg.name, pkg.version.as_deref(), &[])
}

#[derive(Default)]
struct CaskDef {
    name: Option<String>,
    homepage: Option<String>,
    tap: Option<String>,
}

/// The newest kept definition of one installed version, JSON or Ruby.
fn cask_definition(
    image: &Image,
    cdir: &str,
    token: &str,
    version: &str,
    out: &mut Inventory,
) -> Option<(String, CaskDef)> {
    let meta = join(&join(cdir, ".metadata"), version);
    let stamps = list_dir(image, &meta).unwrap_or_default();
    for stamp in stamps.iter().rev() {
        let casks = join(&join(&meta, stamp), "Casks");
        for ext in ["json", "rb"] {
            let path = join(&casks, &format!("{token}.{ext}"));
            match read_text(image, &path) {
                Ok(Some(text)) if ext == "json" => match parse_json::<Value>(text.as_bytes()) {
                    Ok(v) => {
                        let def = CaskDef {
                            name: v.get("name").and_then(|n| match n {
                                Value::Array(a) => {
                                    a.first().and_then(Value::as_str).map(str::to_owned)
                                }
                                Value::String(s) => Some(s.clone()),
                                _ => None,
                            }),
                            homepage: v.get("homepage").and_then(Value::as_str).map(str::to_owned),
                            tap: v.get("tap").and_then(Value::as_str).map(str::to_owned),
                        };
                        return Some((path, def));
                    }
                    Err(e) => {
                        out.error(&path, e);
                        return None;
                    }
                },
                Ok(Some(text)) => return Some((path, ruby_cask(&text))),
                Ok(None) => {}
                Err(e) => out.error(&path, e),
            }
        }
    }
    None
}

/// `name "..."` and `homepage "..."` lines of a Ruby cask (the DSL's
/// literal form; anything computed is left unknown).
fn ruby_cask(text: &str) -> CaskDef {
    let mut def = CaskDef::default();
    for line in text.lines() {
        let line = line.trim();
        for (key, slot) in [("name ", &mut def.name), ("homepage ", &mut def.homepage)] {
            if slot.is_none()
                && let Some(rest) = line.strip_prefix(key)
                && let Some(v) = rest
                    .trim()
                    .strip_prefix('"')
                    .and_then(|r| r.split('"').next())
            {
                *slot = Some(v.to_owned());
            }
        }
    }
    def
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::nesting::MAX_JSON_DEPTH;

    fn write(root: &std::path::Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// A receipt and a cask definition 100 times deeper than the nesting
    /// bound are one error each, naming the file and where the bound is
    /// crossed, on a stack an eighth of a worker's; a receipt exactly at
    /// the bound is read there.
    #[test]
    fn json_past_the_nesting_bound_is_an_error_on_a_small_stack() {
        let t = tempfile::tempdir().unwrap();
        let hostile = "[".repeat(MAX_JSON_DEPTH * 100);
        let cellar = "opt/homebrew/Cellar";
        write(
            t.path(),
            &format!("{cellar}/evil/1.0/INSTALL_RECEIPT.json"),
            &hostile,
        );
        // The receipt is level 1, `source` 2; 30 more arrays reach 32.
        let n = MAX_JSON_DEPTH - 2;
        let at_bound = format!(
            r#"{{"source": {{"tap": "homebrew/core"}}, "deep": {}{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        );
        write(
            t.path(),
            &format!("{cellar}/jq/1.7.1/INSTALL_RECEIPT.json"),
            &at_bound,
        );
        let cask = "opt/homebrew/Caskroom/evil-app/.metadata/2.0/20241015/Casks/evil-app.json";
        write(t.path(), cask, &hostile);
        std::fs::create_dir(t.path().join("opt/homebrew/Caskroom/evil-app/2.0")).unwrap();
        let inv = crate::collect::collect_on_small_stack(&Homebrew, t.path());
        let errors: Vec<(&str, &str)> = inv
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        let message = "JSON nested deeper than 32 levels at line 1 column 33";
        assert_eq!(
            errors,
            [
                (
                    format!("{cellar}/evil/1.0/INSTALL_RECEIPT.json").as_str(),
                    message
                ),
                (cask, message)
            ]
        );
        let jq = inv.packages.iter().find(|p| p.name == "jq").unwrap();
        assert_eq!(jq.properties["tap"], "homebrew/core");
    }

    #[test]
    fn reads_literal_ruby_cask_fields() {
        let d = ruby_cask(
            "cask \"firefox\" do\n  version \"131.0.3\"\n  name \"Mozilla Firefox\"\n  homepage \"https://www.mozilla.org/firefox/\"\nend\n",
        );
        assert_eq!(d.name.as_deref(), Some("Mozilla Firefox"));
        assert_eq!(
            d.homepage.as_deref(),
            Some("https://www.mozilla.org/firefox/")
        );
    }
}
