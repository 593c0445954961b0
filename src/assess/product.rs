//! Folding components into products (`docs/json.md` § products,
//! `docs/model.md` § Products).
//!
//! A component is a record of an inventory source; a product is what a
//! planner counts. The folding works on the components alone (no rule
//! database), so a saved report older than products is folded the same way
//! when it is read back. Per image, in this order:
//!
//! 1. Every component a product rule claims belongs to that product: split
//!    packages, an app with its receipt and cask, a deb and a flatpak.
//! 2. A package of a system package manager that no rule claims joins the
//!    product its source package's other packages belong to (`libuno-*`,
//!    `fonts-opensymbol` → LibreOffice); with none, the packages of one
//!    source package are one unidentified product (`libc6:amd64` and
//!    `libc6:i386` → `glibc`).
//! 3. A folder of unowned binaries inside the folder of a claimed
//!    component (a registry entry's install location, an app bundle) or of
//!    a language root (an npm project, an Electron app) joins that
//!    component's product. A language package (pypi, npm, nuget, maven,
//!    conda) joins the product of the component whose folder holds the
//!    folder it is shipped in (`shipped_in`), so an app's dependency tree
//!    is counted as the app; with none, the packages shipped in one folder
//!    are one product.
//! 4. An unclaimed registry entry for an update ("Security Update for …",
//!    "Update for …", a KB number) or a hidden system component joins the
//!    claimed registry entry whose name it continues.
//! 5. Anything left is a product of its own, `unidentified`.
//!
//! Members are grouped into installations by channel (see
//! [`Installation::channel`]); the product carries the identification and
//! assessment of its lead member.

use crate::model::inventory::{Kind, Source, prop};

use crate::model::report::{Basis, Component, Installation, Product};
use std::collections::{BTreeMap, HashMap};

/// The products of `components` (all images), in the report's order:
/// by image, kind, name and key.
pub fn fold(components: &[Component]) -> Vec<Product> {
    let mut by_image: BTreeMap<usize, Vec<&Component>> = BTreeMap::new();
    for c in components {
        by_image.entry(c.image).or_default().push(c);
    }
    let mut products = Vec::new();
    for (image, members) in by_image {
        let keys = product_keys(&members);
        let mut groups: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
        for (c, k) in members.iter().zip(&keys) {
            groups.entry(k.as_str()).or_default().push(c);
        }
        products.extend(groups.into_iter().map(|(k, m)| product(image, k, &m)));
    }
    products.sort_by(|a, b| {
        (a.image, a.kind, a.name.to_lowercase(), &a.key).cmp(&(
            b.image,
            b.kind,
            b.name.to_lowercase(),
            &b.key,
        ))
    });
    products
}

/// Is `source` a distribution's package manager (whose source packages
/// group split packages)?
fn is_system(source: Source) -> bool {
    matches!(
        source,
        Source::Dpkg | Source::Rpm | Source::Apk | Source::Pacman
    )
}

/// The source package a system package was built from, without the
/// version dpkg may append (`bash (5.2.15-2)`); else its own name.
fn source_package(c: &Component) -> &str {
    c.properties
        .get(prop::SOURCE_PACKAGE)
        .map(|s| s.split(" (").next().unwrap_or(s).trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(&c.name)
}

/// The folder a component occupies, `/`-separated and image-relative.
fn folder(c: &Component) -> Option<&str> {
    c.properties
        .get(prop::INSTALL_PATH)
        .or_else(|| c.properties.get("install_dir"))
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| !s.is_empty())
}

/// Every member with a folder that is not a shipped language package,
/// with its product key so far (`unidentified:KEY` when it has none yet):
/// what a language package or root can join.
fn homes<'a>(members: &[&'a Component], keys: &[Option<String>]) -> Vec<(usize, &'a str, String)> {
    members
        .iter()
        .zip(keys)
        .enumerate()
        .filter(|(_, (c, _))| shipped_in(c).is_none())
        .filter_map(|(i, (c, k))| {
            let key = k
                .clone()
                .unwrap_or_else(|| format!("unidentified:{}", c.key));
            Some((i, folder(c)?, key))
        })
        .collect()
}

/// The key of the deepest home whose folder holds `path`, other than the
/// member `except`.
fn deepest(homes: &[(usize, &str, String)], path: &str, except: Option<usize>) -> Option<String> {
    homes
        .iter()
        .filter(|(j, dir, _)| Some(*j) != except && inside(path, dir))
        .max_by_key(|(_, dir, _)| dir.len())
        .map(|(_, _, key)| key.clone())
}

/// The folder a language package is shipped in (`prop::SHIPPED_IN`).
fn shipped_in(c: &Component) -> Option<&str> {
    c.properties
        .get(prop::SHIPPED_IN)
        .filter(|_| c.source.is_language())
        .map(|s| s.trim_end_matches('/'))
}

/// A language package that others are shipped in: an npm project, an
/// Electron app, a global npm tool (it has a folder and ships in none).
fn is_language_root(c: &Component) -> bool {
    c.source.is_language() && shipped_in(c).is_none() && folder(c).is_some()
}

/// A folder as a product name: the image root is `/`.
fn shown(dir: &str) -> &str {
    if dir.is_empty() { "/" } else { dir }
}

fn inside(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The product key of each member of one image (steps 1–5).
fn product_keys(members: &[&Component]) -> Vec<String> {
    let claimed = |c: &Component| c.product.as_ref().map(|p| format!("product:{}", p.id));
    let mut keys: Vec<Option<String>> = members.iter().map(|c| claimed(c)).collect();

    // 2. Source packages: the product most of a source's claimed packages
    // belong to (ties: the smaller key).
    let mut votes: HashMap<(Source, &str), BTreeMap<&str, usize>> = HashMap::new();
    for (c, k) in members.iter().zip(&keys) {
        if let (true, Some(k)) = (is_system(c.source), k) {
            *votes
                .entry((c.source, source_package(c)))
                .or_default()
                .entry(k.as_str())
                .or_default() += 1;
        }
    }
    let winner: HashMap<(Source, &str), String> = votes
        .into_iter()
        .filter_map(|(src, v)| {
            let best = v.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            Some((src, (*best.0).to_owned()))
        })
        .collect();
    for (c, k) in members.iter().zip(keys.iter_mut()) {
        if k.is_none() && is_system(c.source) {
            let src = source_package(c);
            *k = Some(match winner.get(&(c.source, src)) {
                Some(w) => w.clone(),
                None => format!("unidentified:{}:{src}", c.source),
            });
        }
    }

    // 3. Folders inside a claimed component's folder, or inside a
    // language root's (an npm project, an Electron app): deepest wins.
    let claimed_dirs: Vec<(&str, String)> = members
        .iter()
        .zip(&keys)
        .filter(|(c, _)| c.product.is_some() || is_language_root(c))
        .filter_map(|(c, k)| {
            let key = k
                .clone()
                .unwrap_or_else(|| format!("unidentified:{}", c.key));
            Some((folder(c)?, key))
        })
        .collect();
    for (c, k) in members.iter().zip(keys.iter_mut()) {
        if k.is_some() || c.source != Source::Binary {
            continue;
        }
        let Some(path) = folder(c) else { continue };
        *k = claimed_dirs
            .iter()
            .filter(|(dir, _)| inside(path, dir))
            .max_by_key(|(dir, _)| dir.len())
            .map(|(_, key)| key.clone());
    }

    // 3a. An unclaimed language root inside another component's folder (a
    // global npm tool in Node.js's folder) joins that component's product.
    let outer = homes(members, &keys);
    for (i, (c, k)) in members.iter().zip(keys.iter_mut()).enumerate() {
        if k.is_some() || !is_language_root(c) {
            continue;
        }
        let Some(path) = folder(c) else { continue };
        *k = deepest(&outer, path, Some(i));
    }

    // 3b. A language package joins the product of the component that
    // occupies the folder it is shipped in (deepest wins); with none, the
    // packages shipped in one folder (an environment) are one product.
    let outer = homes(members, &keys);
    for (c, k) in members.iter().zip(keys.iter_mut()) {
        let Some(ship) = shipped_in(c).filter(|_| k.is_none()) else {
            continue;
        };
        *k = Some(
            deepest(&outer, ship, None)
                .unwrap_or_else(|| format!("unidentified:shipped:{}", shown(ship))),
        );
    }

    // 4. Updates and hidden system components of a claimed registry entry.
    let entries: Vec<(Vec<String>, String)> = members
        .iter()
        .zip(&keys)
        .filter(|(c, _)| c.source == Source::Registry && c.product.is_some())
        .filter_map(|(c, k)| Some((words(&c.name), k.clone()?)))
        .collect();
    for (c, k) in members.iter().zip(keys.iter_mut()) {
        if k.is_some() || c.source != Source::Registry {
            continue;
        }
        let (subject, min_words) = match update_subject(&c.name) {
            Some(s) => (s, 2),
            None if c.properties.get("system_component").is_some() => (c.name.as_str(), 3),
            None => continue,
        };
        let subject = words(subject);
        *k = entries
            .iter()
            .map(|(name, key)| (common_prefix(name, &subject), key))
            .filter(|(n, _)| *n >= min_words)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, key)| key.clone());
    }

    // 5. The rest stands alone.
    let mut keys: Vec<String> = members
        .iter()
        .zip(keys)
        .map(|(c, k)| k.unwrap_or_else(|| format!("unidentified:{}", c.key)))
        .collect();

    follow_embedding(members, &mut keys);
    keys
}

/// Step 6: a module or crate a binary embeds belongs to the product of the
/// component that ships the binary, whatever a rule says of it.
fn follow_embedding(members: &[&Component], keys: &mut [String]) {
    let by_key: HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    for (i, c) in members.iter().enumerate() {
        if let Some(&p) = embedded_parent(c).and_then(|k| by_key.get(k)) {
            keys[i] = keys[p].clone();
        }
    }
}

/// The key of the component that ships the binary `c` was found in, for
/// a module or crate embedded in a binary.
fn embedded_parent(c: &Component) -> Option<&str> {
    c.properties.get(prop::MEMBER_OF).map(String::as_str)
}

/// What an update entry updates: `Security Update for Microsoft Office
/// 2016 (KB5002623) 64-Bit Edition` → `Microsoft Office 2016 (KB5002623)
/// 64-Bit Edition`; a name with a KB number and no such prefix is its own
/// subject. `None` for other names.
fn update_subject(name: &str) -> Option<&str> {
    let lower = name.to_ascii_lowercase();
    for prefix in [
        "security update for ",
        "critical update for ",
        "update for ",
        "hotfix for ",
        "service pack for ",
    ] {
        if lower.starts_with(prefix) {
            return name.get(prefix.len()..);
        }
    }
    let kb = lower.match_indices("kb").any(|(i, _)| {
        let digits = lower[i + 2..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        digits >= 6 && (i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric())
    });
    kb.then_some(name)
}

/// Lower-case words of a name, without version-like words.
fn words(name: &str) -> Vec<String> {
    name.split(|ch: char| ch.is_whitespace() || ch == '-' || ch == '(' || ch == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The installation channel of a member and the folder that tells two
/// installations of one channel apart.
fn channel(c: &Component) -> (&'static str, Option<String>) {
    let dir = folder(c).map(str::to_owned);
    match c.source {
        s if is_system(s) => ("system", None),
        Source::Flatpak => ("flatpak", c.properties.get("installation").cloned()),
        Source::Snap => ("snap", None),
        Source::Appx => ("appx", None),
        Source::Registry | Source::Msi => ("windows", dir),
        Source::App | Source::Pkg => ("macos", None),
        Source::Homebrew if c.properties.get("kind").is_some_and(|k| k == "cask") => {
            ("macos", None)
        }
        Source::Homebrew => ("homebrew", dir),
        Source::Chocolatey => ("chocolatey", None),
        Source::Scoop => ("scoop", None),
        Source::Os => ("os", None),
        s if s.is_language() => (s.as_str(), shipped_in(c).map(str::to_owned).or(dir)),
        _ => ("directory", dir),
    }
}

/// The installations of one product's members: by channel and folder; a
/// folder of binaries inside another member's folder, and an MSI, join
/// that member's installation.
fn installations(members: &[&Component]) -> Vec<Installation> {
    let mut slots: Vec<Installation> = Vec::new();
    let mut place = |channel: &str, location: Option<String>, c: &Component| {
        let i = match slots
            .iter()
            .position(|s| s.channel == channel && s.location == location)
        {
            Some(i) => i,
            None => {
                slots.push(Installation {
                    channel: channel.to_owned(),
                    location,
                    versions: Vec::new(),
                    members: Vec::new(),
                });
                slots.len() - 1
            }
        };
        let slot = &mut slots[i];
        slot.members.push(c.id.clone());
        if let Some(v) = &c.version
            && !slot.versions.contains(v)
        {
            slot.versions.push(v.clone());
            slot.versions.sort();
        }
    };
    let (nested, first): (Vec<&Component>, Vec<&Component>) = members
        .iter()
        .partition(|c| matches!(c.source, Source::Binary | Source::Msi) || shipped_in(c).is_some());
    let mut homes: Vec<(&'static str, Option<String>)> = Vec::new();
    for c in first {
        let (ch, loc) = channel(c);
        homes.push((ch, loc.clone()));
        place(ch, loc, c);
    }
    for c in nested {
        let own = channel(c);
        let path = shipped_in(c).or_else(|| folder(c));
        let home = homes.iter().find(|(ch, loc)| match (c.source, loc, path) {
            (Source::Msi, _, _) => *ch == "windows",
            (_, Some(dir), Some(path)) => inside(path, dir),
            (_, None, Some(path)) => *ch == "macos" && path.starts_with("Applications/"),
            _ => false,
        });
        let (ch, loc) = home.cloned().unwrap_or(own);
        place(ch, loc, c);
    }
    slots.sort_by(|a, b| (&a.channel, &a.location).cmp(&(&b.channel, &b.location)));
    slots
}

/// The member a product takes its identification and assessment from.
fn lead<'a>(members: &[&'a Component]) -> &'a Component {
    let rank = |c: &Component| {
        (
            embedded_parent(c).is_none(),
            // A dependency shipped in another member's folder never leads
            // the app that ships it, however well its own vendor is known.
            shipped_in(c).is_none(),
            c.product.is_some(),
            c.matched.as_ref().map(|m| m.confidence),
            c.kind == Kind::Application || c.kind == Kind::OperatingSystem,
            c.source != Source::Binary,
            c.risk.level.severity(),
        )
    };
    members
        .iter()
        .copied()
        .max_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| b.id.cmp(&a.id)))
        .expect("a product has members")
}

fn product(image: usize, key: &str, members: &[&Component]) -> Product {
    let lead = lead(members);
    let (basis, name) = match (&lead.product, key.strip_prefix("unidentified:")) {
        (Some(p), _) => (Basis::Rule, p.name.clone()),
        (None, Some(rest)) if members.len() > 1 || is_system(lead.source) => {
            let src = rest.split_once(':').map_or(rest, |(_, s)| s);
            (Basis::Unidentified, src.to_owned())
        }
        (None, _) => (Basis::Unidentified, lead.name.clone()),
    };
    // Embedded modules' versions are theirs, not the product's.
    let own: Vec<&Component> = members
        .iter()
        .copied()
        .filter(|c| embedded_parent(c).is_none())
        .collect();
    let own = if own.is_empty() {
        members.to_vec()
    } else {
        own
    };
    let mut versions: Vec<String> = own.iter().filter_map(|c| c.version.clone()).collect();
    versions.sort();
    versions.dedup();
    let mut signers = BTreeMap::new();
    let mut flags = Vec::new();
    for c in members {
        for (s, n) in &c.signers {
            *signers.entry(s.clone()).or_default() += n;
        }
        for f in &c.flags {
            if !flags.contains(f) {
                flags.push(*f);
            }
        }
    }
    Product {
        id: format!("{image}:{key}"),
        key: key.to_owned(),
        image,
        name,
        basis,
        version: lead.version.clone(),
        versions,
        kind: lead.kind,
        category: lead.category.clone(),
        product: lead.product.clone(),
        vendor: lead.vendor.clone(),
        controller: lead.controller.clone(),
        controller_chain: lead.controller_chain.clone(),
        jurisdiction: lead.jurisdiction.clone(),
        license: lead.license.clone(),
        risk: lead.risk.clone(),
        matched: lead.matched.clone(),
        alternatives: lead.alternatives.clone(),
        lead: lead.id.clone(),
        members: members.iter().map(|c| c.id.clone()).collect(),
        installations: installations(&own),
        files: members.iter().map(|c| c.files).sum(),
        binaries: members.iter().map(|c| c.binaries).sum(),
        signers,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::{fold, update_subject, words};
    use crate::model::report::Component;
    use serde_json::json;

    /// A component of image 0 as the report has it: `source`, `name`,
    /// `product` id (or none), properties.
    fn c(source: &str, name: &str, product: Option<&str>, props: serde_json::Value) -> Component {
        let key = format!("{source}:{name}");
        serde_json::from_value(json!({
            "id": format!("0:{key}"), "key": key, "image": 0, "name": name,
            "version": "1", "arch": null, "source": source, "kind": "application",
            "category": if product.is_some() { "office" } else { "unknown" },
            "product": product.map(|p| json!({"id": p, "name": p.to_uppercase()})),
            "vendor": null, "controller": null, "controller_chain": [],
            "jurisdiction": null,
            "license": {"spdx": null, "open_source": null, "basis": "none"},
            "risk": {"level": "unknown", "exposure": null, "score": null, "dimensions": null,
                     "rules": [], "gates": [], "mitigations": [], "reasons": []},
            "match": null, "alternatives": [],
            "supplier": {"maintainer": null, "vendor": null, "publisher": null, "origin": null,
                         "homepage": null},
            "purl": null, "properties": props, "evidence": [], "files": 0, "binaries": 0
        }))
        .unwrap()
    }

    fn keys(components: &[Component]) -> Vec<(String, Vec<String>)> {
        fold(components)
            .into_iter()
            .map(|p| (p.key, p.members))
            .collect()
    }

    #[test]
    fn split_packages_follow_their_source_package() {
        let src = |s: &str| json!({"source_package": s});
        let got = keys(&[
            c(
                "dpkg",
                "libreoffice-core",
                Some("libreoffice"),
                src("libreoffice"),
            ),
            c("dpkg", "libuno-sal3", None, src("libreoffice (4:7.4.7-1)")),
            c("dpkg", "fonts-opensymbol", None, src("libreoffice")),
            c("dpkg", "chromium", Some("chromium"), json!({})),
            c("dpkg", "chromium-common", None, src("chromium")),
            c("dpkg", "libc6", None, src("glibc")),
            c("dpkg", "libc-bin", None, src("glibc")),
            c("dpkg", "bash", None, json!({})),
            // rpm's own source-package names are another namespace.
            c("rpm", "libuno", None, src("libreoffice")),
        ]);
        assert_eq!(
            got,
            [
                ("unidentified:dpkg:bash".into(), vec!["0:dpkg:bash".into()]),
                (
                    "product:chromium".into(),
                    vec!["0:dpkg:chromium".into(), "0:dpkg:chromium-common".into()]
                ),
                (
                    "unidentified:dpkg:glibc".into(),
                    vec!["0:dpkg:libc6".into(), "0:dpkg:libc-bin".into()]
                ),
                (
                    "product:libreoffice".into(),
                    vec![
                        "0:dpkg:libreoffice-core".into(),
                        "0:dpkg:libuno-sal3".into(),
                        "0:dpkg:fonts-opensymbol".into()
                    ]
                ),
                (
                    "unidentified:rpm:libreoffice".into(),
                    vec!["0:rpm:libuno".into()]
                ),
            ]
        );
    }

    #[test]
    fn folders_updates_and_hidden_runtimes_join_their_product() {
        let dir = |d: &str| json!({"install_dir": d});
        let path = |d: &str| json!({"install_path": d});
        let mut office = c(
            "registry",
            "Microsoft Office Standard 2019",
            Some("m365"),
            dir("Program Files/Microsoft Office"),
        );
        office.id = "0:office".into();
        let got = keys(&[
            office,
            c(
                "binary",
                "Program Files/Microsoft Office/root/Integration",
                None,
                path("Program Files/Microsoft Office/root/Integration"),
            ),
            // Next to, not inside.
            c(
                "binary",
                "Program Files/Microsoft Office Tools",
                None,
                path("Program Files/Microsoft Office Tools"),
            ),
            c(
                "registry",
                "Security Update for Microsoft Office 2019 (KB5002100)",
                None,
                json!({}),
            ),
            c("registry", "Hotfix KB4023057", None, json!({})),
            c(
                "registry",
                "Microsoft Visual C++ 2022 X64 Additional Runtime - 14.40",
                None,
                json!({"system_component": "true"}),
            ),
            c(
                "registry",
                "Microsoft Visual C++ 2015-2022 Redistributable (x64)",
                Some("msvc"),
                json!({}),
            ),
            // Not hidden: stands alone even with the same words.
            c(
                "registry",
                "Microsoft Visual C++ 2010 x64 Runtime",
                None,
                json!({}),
            ),
        ]);
        let of = |k: &str| {
            got.iter()
                .find(|(key, _)| key == k)
                .map(|(_, m)| m.clone())
                .unwrap()
        };
        assert_eq!(
            of("product:m365"),
            [
                "0:office",
                "0:binary:Program Files/Microsoft Office/root/Integration",
                "0:registry:Security Update for Microsoft Office 2019 (KB5002100)",
            ]
        );
        assert_eq!(of("product:msvc").len(), 2);
        // A KB entry that names no known product, and the folder beside
        // Office's, are products of their own.
        assert!(
            got.iter()
                .any(|(k, _)| k == "unidentified:registry:Hotfix KB4023057")
        );
        assert!(
            got.iter()
                .any(|(k, _)| k == "unidentified:binary:Program Files/Microsoft Office Tools")
        );
        assert!(
            got.iter()
                .any(|(k, _)| k == "unidentified:registry:Microsoft Visual C++ 2010 x64 Runtime")
        );
    }

    #[test]
    fn update_names_name_what_they_update() {
        assert_eq!(
            update_subject("Security Update for Microsoft Office 2016 (KB5002623) 64-Bit Edition"),
            Some("Microsoft Office 2016 (KB5002623) 64-Bit Edition")
        );
        assert_eq!(
            update_subject("Update for Skype for Business 2016 (KB5002181)"),
            Some("Skype for Business 2016 (KB5002181)")
        );
        assert_eq!(update_subject("Hotfix KB4023057"), Some("Hotfix KB4023057"));
        assert_eq!(
            update_subject("Microsoft Office Professional Plus 2016"),
            None
        );
        // A product name that merely contains the letters is no update.
        assert_eq!(update_subject("Kbase Desktop 7"), None);
        assert_eq!(
            words("Microsoft Visual C++ 2022 X64 Minimum Runtime - 14.40"),
            [
                "microsoft",
                "visual",
                "c++",
                "2022",
                "x64",
                "minimum",
                "runtime",
                "14.40"
            ]
        );
    }
}
