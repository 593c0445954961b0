//! macOS application bundles: every `*.app` under `Applications`,
//! `Users/*/Applications`, `Library`, `opt/homebrew` and `usr/local`, one
//! component each, from its `Contents/Info.plist` (XML or binary).
//!
//! The search is bounded (depth and entries) and never follows symlinks;
//! it does not descend into an app, so helpers, frameworks and plug-ins
//! nested in one (`zoom.us.app/Contents/Frameworks/ZoomHelper.app`) are
//! part of their outermost app: its files, and the binaries attached to it
//! through `dirs`.

use super::{Collector, join, plist_str, read_plist};
use crate::image::{Image, ResolveError};
use crate::model::binary::is_bundle_id;
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source, prop};
use crate::model::purl::generic;
use rustix::fs::FileType;

pub struct MacosApps;

/// Where apps are installed, and how deep below each to look for them.
const ROOTS: &[(&str, usize)] = &[
    ("Applications", 3),
    ("Library", 4),
    ("opt/homebrew", 5),
    ("usr/local", 5),
];
/// Bound on directory entries looked at per search root.
const MAX_ENTRIES: usize = 200_000;
/// Bound on files counted in one app.
const MAX_APP_FILES: usize = 1_000_000;

impl Collector for MacosApps {
    fn name(&self) -> &'static str {
        "app"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Macos]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mut roots: Vec<(String, usize)> =
            ROOTS.iter().map(|(r, d)| ((*r).to_owned(), *d)).collect();
        for user in real_subdirs(image, "Users", out) {
            roots.push((join(&join("Users", &user), "Applications"), 3));
        }
        let mut apps = Vec::new();
        for (root, depth) in &roots {
            let mut budget = MAX_ENTRIES;
            find_apps(image, root, *depth, &mut budget, &mut apps, out);
            if budget == 0 {
                out.warn(
                    root.as_str(),
                    format!("search for apps stopped after {MAX_ENTRIES} entries"),
                );
            }
        }
        apps.sort();
        apps.dedup();
        for app in apps {
            let pkg = read_app(image, &app, out);
            out.packages.push(pkg);
        }
    }
}

/// Real (not symlinked) subdirectories of an image directory, sorted.
fn real_subdirs(image: &Image, rel: &str, out: &mut Inventory) -> Vec<String> {
    let entries = match image.fs.list(rel) {
        Ok(e) => e,
        Err(ResolveError::Io(e)) => {
            out.error(rel, format!("cannot list: {e}"));
            return Vec::new();
        }
        Err(_) => return Vec::new(),
    };
    let mut names: Vec<String> = entries
        .into_iter()
        .filter(|(_, t)| *t == FileType::Directory)
        .filter_map(|(n, _)| n.into_string().ok())
        .collect();
    names.sort();
    names
}

fn find_apps(
    image: &Image,
    dir: &str,
    depth: usize,
    budget: &mut usize,
    apps: &mut Vec<String>,
    out: &mut Inventory,
) {
    for name in real_subdirs(image, dir, out) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let rel = join(dir, &name);
        if name.ends_with(".app") {
            // The canonical path, so an app reached through a symlinked
            // parent (`usr/local` → elsewhere) is one app.
            let canon = image
                .fs
                .resolve(&rel)
                .map(|p| crate::paths::display(&p).0)
                .unwrap_or(rel);
            apps.push(canon);
        } else if depth > 1 && !name.starts_with('.') {
            find_apps(image, &rel, depth - 1, budget, apps, out);
        }
    }
}

fn read_app(image: &Image, app: &str, out: &mut Inventory) -> Package {
    let stem = crate::paths::file_name(app)
        .trim_end_matches(".app")
        .to_owned();
    let plist_path = join(app, "Contents/Info.plist");
    let mut pkg = Package::new(
        Source::App,
        stem.clone(),
        Evidence::new(
            &plist_path,
            "info-plist",
            "CFBundleIdentifier, CFBundleShortVersionString",
        ),
    );
    pkg.properties.insert(prop::INSTALL_PATH, app.to_owned());
    pkg.dirs.push(app.to_owned());
    pkg.files = app_files(image, app);
    match read_plist(image, &plist_path) {
        Ok(Some(d)) => {
            if let Some(n) =
                plist_str(&d, "CFBundleDisplayName").or_else(|| plist_str(&d, "CFBundleName"))
            {
                pkg.name = n;
            }
            pkg.version = plist_str(&d, "CFBundleShortVersionString")
                .or_else(|| plist_str(&d, "CFBundleVersion"));
            for (prop, key) in [
                (prop::BUNDLE_ID, "CFBundleIdentifier"),
                ("bundle_version", "CFBundleVersion"),
                ("copyright", "NSHumanReadableCopyright"),
                ("min_system_version", "LSMinimumSystemVersion"),
                ("executable", "CFBundleExecutable"),
            ] {
                if let Some(v) = plist_str(&d, key) {
                    pkg.properties.insert(prop, v);
                }
            }
            if let Some(id) = pkg.properties.get(prop::BUNDLE_ID)
                && !is_bundle_id(id)
            {
                out.warn(
                    &plist_path,
                    format!("CFBundleIdentifier `{id}` is not a reverse-DNS identifier"),
                );
            }
        }
        Ok(None) => out.warn(&plist_path, "app bundle without Contents/Info.plist"),
        Err(e) => out.error(&plist_path, e),
    }
    if crate::collect::exists(image, &join(app, "Contents/_MASReceipt/receipt")) {
        pkg.properties.insert("store", "Mac App Store".into());
    }
    pkg.kind = Kind::Application;
    // The bundle identifier's reverse-DNS prefix (`org.mozilla` of
    // `org.mozilla.firefox`) is the vendor's own name for itself.
    let vendor = pkg
        .properties
        .get(prop::BUNDLE_ID)
        .filter(|id| is_bundle_id(id))
        .and_then(|id| id.rsplit_once('.'))
        .map(|(v, _)| v.to_owned());
    pkg.purl = generic(vendor.as_deref(), &pkg.name, pkg.version.as_deref(), &[]);
    pkg
}

/// Every file in the app (not following symlinks), as `/`-rooted image paths
/// like the manifests of package databases.
fn app_files(image: &Image, app: &str) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![app.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = image.fs.list(&dir) else {
            continue;
        };
        for (name, t) in entries {
            let Ok(name) = name.into_string() else {
                continue;
            };
            let rel = join(&dir, &name);
            match t {
                FileType::Directory => stack.push(rel),
                _ if files.len() < MAX_APP_FILES => files.push(format!("/{rel}")),
                _ => {}
            }
        }
    }
    files.sort();
    files
}
