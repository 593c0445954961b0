//! Windows: software registered in the registry, read offline from the hive
//! files (see [`crate::formats::regf`]).
//!
//! - `Windows/System32/config/SOFTWARE`: `Microsoft\Windows\CurrentVersion\Uninstall`
//!   (64-bit view, `hklm-64`) and `WOW6432Node\...\Uninstall` (32-bit view,
//!   `hklm-32`): what "Apps & features" lists for the machine;
//!   `Microsoft\Windows NT\CurrentVersion\ProfileList\<SID>\ProfileImagePath`:
//!   the user profiles.
//! - each profile's `NTUSER.DAT`: `Software\Microsoft\Windows\CurrentVersion\Uninstall`
//!   (view `user:NAME`), where per-user installers (Teams, Zoom, Chrome,
//!   VS Code) register.
//! - cached MSI packages in `Windows/Installer` ([`msi`]): folded into
//!   the registry entry with their ProductCode, listed on their own otherwise.
//!
//! Entries describing the same product collapse into one package: the same
//! DisplayName and DisplayVersion in several views, and updates whose
//! `ParentKeyName` names another entry of the same hive (they fold into it).
//! Entries without a DisplayName are not listed by Windows either and are
//! skipped. `InstallLocation` (or, without it, the directory of
//! `DisplayIcon`) becomes the package's directory in the image, so binaries
//! below it attach to the entry.

pub mod msi;

use super::Collector;
use crate::bounded;
use crate::formats::regf::{Hive, Key};
use crate::image::os::{CURRENT_VERSION, SOFTWARE_HIVE};
use crate::image::read::read_resolved;
use crate::image::{Image, ResolveError, RootFs};
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source};
use crate::model::purl::generic;
use std::collections::{BTreeMap, HashSet};

pub struct Registry;

const UNINSTALL: &str = "Microsoft\\Windows\\CurrentVersion\\Uninstall";
const UNINSTALL_32: &str = "WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const USER_UNINSTALL: &str = "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const PROFILE_LIST: &str = "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

/// Profile directories that hold no user's software.
const NOT_USERS: &[&str] = &["default", "default user", "public", "all users"];

impl Collector for Registry {
    fn name(&self) -> &'static str {
        "registry"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Windows]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        // A SOFTWARE hive that can't be read still leaves the user hives
        // (found by their directories) to read.
        let software = load(image, SOFTWARE_HIVE, out);
        let hive = software
            .as_ref()
            .and_then(|(path, bytes)| open(path, bytes, out).map(|h| (path.as_str(), h)));
        let root = hive.as_ref().and_then(|(_, h)| h.root().ok());
        let path = hive.as_ref().map(|(p, _)| *p).unwrap_or(SOFTWARE_HIVE);
        let drive = root
            .as_ref()
            .map(system_drive)
            .unwrap_or_else(|| "C".into());
        let mut entries = Vec::new();
        if let Some(root) = &root {
            for (sub, view) in [(UNINSTALL, "hklm-64"), (UNINSTALL_32, "hklm-32")] {
                read_uninstall(
                    root,
                    sub,
                    view,
                    &format!("HKLM\\SOFTWARE\\{sub}"),
                    path,
                    &drive,
                    None,
                    out,
                    &mut entries,
                );
            }
        }
        for profile in profiles(image, root.as_ref(), path, &drive, out) {
            let Some((upath, ubytes)) = load(image, &profile.hive, out) else {
                continue;
            };
            let Some(uhive) = open(&upath, &ubytes, out) else {
                continue;
            };
            let Ok(uroot) = uhive.root() else { continue };
            let hk = match &profile.sid {
                Some(sid) => format!("HKU\\{sid}\\{USER_UNINSTALL}"),
                None => format!("HKU\\{}\\{USER_UNINSTALL}", profile.user),
            };
            read_uninstall(
                &uroot,
                USER_UNINSTALL,
                &format!("user:{}", profile.user),
                &hk,
                &upath,
                &drive,
                Some(&profile.dir),
                out,
                &mut entries,
            );
        }
        let mut packages = collapse(entries);
        msi::fold_cached(image, &mut packages, out);
        out.packages.extend(packages);
    }
}

/// Reads a hive file (ignoring case in its path). `None` when it doesn't
/// exist or can't be read (an error, naming it).
fn load(image: &Image, rel: &str, out: &mut Inventory) -> Option<(String, Vec<u8>)> {
    let resolved = match image.fs.resolve(rel) {
        Ok(p) => p,
        Err(ResolveError::NotFound | ResolveError::NotADirectory) => return None,
        Err(e) => {
            out.error(rel, e);
            return None;
        }
    };
    let real = crate::paths::display(&resolved).0;
    match read_resolved(&image.fs, &resolved, bounded::DATABASE) {
        Ok(b) => Some((real, b)),
        Err(e) => {
            out.error(&real, format!("unreadable registry hive: {e}"));
            None
        }
    }
}

/// Opens a hive, recording its doubts as warnings and a failure as an error.
fn open<'a>(path: &str, bytes: &'a [u8], out: &mut Inventory) -> Option<Hive<'a>> {
    match Hive::open(bytes) {
        Ok(h) => {
            for w in &h.warnings {
                out.warn(path, format!("registry hive: {w}"));
            }
            Some(h)
        }
        Err(e) => {
            out.error(path, format!("corrupt registry hive: {e}"));
            None
        }
    }
}

/// The drive letter Windows is installed on (`SystemRoot` = `C:\Windows`).
fn system_drive(root: &Key) -> String {
    root.path(CURRENT_VERSION)
        .ok()
        .flatten()
        .and_then(|k| k.string("SystemRoot"))
        .and_then(|s| {
            let b = s.as_bytes();
            (b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic())
                .then(|| s[..1].to_ascii_uppercase())
        })
        .unwrap_or_else(|| "C".into())
}

/// One uninstall entry as read.
struct Entry {
    view: String,
    hive: String,
    /// `HKLM\SOFTWARE\...\Uninstall\KEY`
    detail: String,
    key: String,
    name: String,
    version: Option<String>,
    publisher: Option<String>,
    homepage: Option<String>,
    install_location: Option<String>,
    install_dir: Option<String>,
    install_dir_source: &'static str,
    install_date: Option<String>,
    uninstall_string: Option<String>,
    windows_installer: bool,
    system_component: bool,
    parent_key: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn read_uninstall(
    root: &Key,
    sub: &str,
    view: &str,
    detail_prefix: &str,
    hive_path: &str,
    drive: &str,
    profile_dir: Option<&str>,
    out: &mut Inventory,
    entries: &mut Vec<Entry>,
) {
    let key = match root.path(sub) {
        Ok(Some(k)) => k,
        Ok(None) => return,
        Err(e) => {
            out.error(hive_path, format!("{detail_prefix}: {e}"));
            return;
        }
    };
    let (subkeys, errors) = key.subkeys();
    for e in errors {
        out.error(hive_path, format!("{detail_prefix}: {e}"));
    }
    for k in subkeys {
        let (_, errors) = k.values();
        for e in &errors {
            out.warn(hive_path, format!("{detail_prefix}\\{e}"));
        }
        let Some(name) = k.string("DisplayName").map(|s| s.trim().to_owned()) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let flag = |v: &str| k.number(v).is_some_and(|n| n != 0);
        let location = k.string("InstallLocation");
        let mut install_dir_source = "InstallLocation";
        let mut install_dir = location
            .as_deref()
            .and_then(|l| image_path(l, drive, profile_dir))
            .filter(|p| !is_generic_dir(p));
        if install_dir.is_none()
            && let Some(icon) = k.string("DisplayIcon")
        {
            install_dir = icon_dir(&icon)
                .and_then(|d| image_path(&d, drive, profile_dir))
                .filter(|p| !is_generic_dir(p));
            install_dir_source = "DisplayIcon";
        }
        entries.push(Entry {
            view: view.to_owned(),
            hive: hive_path.to_owned(),
            detail: format!("{detail_prefix}\\{}", k.name),
            key: k.name.clone(),
            name,
            version: k.string("DisplayVersion").map(|s| s.trim().to_owned()),
            publisher: k.string("Publisher").map(|s| s.trim().to_owned()),
            homepage: k.string("URLInfoAbout"),
            install_location: location,
            install_dir,
            install_dir_source,
            install_date: k.string("InstallDate"),
            uninstall_string: k.string("UninstallString"),
            windows_installer: flag("WindowsInstaller"),
            system_component: flag("SystemComponent"),
            parent_key: k.string("ParentKeyName"),
        });
    }
}

/// Folds updates into their parents and merges the views of one product.
fn collapse(entries: Vec<Entry>) -> Vec<Package> {
    // Updates: an entry whose ParentKeyName names another entry of the same
    // hive file.
    let mut parent_of: Vec<Option<usize>> = vec![None; entries.len()];
    for (i, e) in entries.iter().enumerate() {
        if let Some(p) = &e.parent_key {
            parent_of[i] = entries.iter().position(|o| {
                o.hive == e.hive && o.key.eq_ignore_ascii_case(p) && o.parent_key.is_none()
            });
        }
    }
    let mut packages: Vec<Package> = Vec::new();
    let mut index_of_entry: Vec<Option<usize>> = vec![None; entries.len()];
    let mut by_identity: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if parent_of[i].is_some() {
            continue;
        }
        let identity = (
            e.name.to_lowercase(),
            e.version.clone().unwrap_or_default().to_lowercase(),
        );
        if let Some(&pi) = by_identity.get(&identity) {
            let p: &mut Package = &mut packages[pi];
            p.evidence
                .push(Evidence::new(&e.hive, "registry", &e.detail));
            let views = p.properties.value_mut("view");
            if !views.split(", ").any(|v| v == e.view) {
                views.push_str(", ");
                views.push_str(&e.view);
            }
            if let Some(d) = &e.install_dir
                && !p.dirs.contains(d)
            {
                p.dirs.push(d.clone());
            }
            index_of_entry[i] = Some(pi);
            continue;
        }
        by_identity.insert(identity, packages.len());
        index_of_entry[i] = Some(packages.len());
        packages.push(package(e));
    }
    for (i, e) in entries.iter().enumerate() {
        let Some(parent) = parent_of[i] else { continue };
        let Some(pi) = index_of_entry[parent] else {
            continue;
        };
        let p = &mut packages[pi];
        p.evidence.push(Evidence::new(
            &e.hive,
            "registry",
            format!("{} (update: {})", e.detail, e.name),
        ));
        let n: usize = p
            .properties
            .get("updates")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        p.properties.insert("updates", (n + 1).to_string());
    }
    packages
}

fn package(e: &Entry) -> Package {
    let mut p = Package::new(
        Source::Registry,
        e.name.clone(),
        Evidence::new(&e.hive, "registry", &e.detail),
    );
    p.version = e.version.clone().filter(|v| !v.is_empty());
    p.supplier.publisher = e.publisher.clone().filter(|s| !s.is_empty());
    p.supplier.homepage = e.homepage.clone();
    p.properties.insert("view", e.view.clone());
    p.properties.insert("key", e.key.clone());
    if let Some(d) = &e.install_date {
        p.properties.insert("install_date", d.clone());
    }
    if let Some(l) = &e.install_location {
        p.properties.insert("install_location", l.clone());
    }
    if let Some(u) = &e.uninstall_string {
        p.properties.insert("uninstall_string", u.clone());
    }
    if e.system_component {
        p.properties.insert("system_component", "true".into());
    }
    if e.windows_installer {
        p.properties.insert("windows_installer", "true".into());
        if is_guid(&e.key) {
            p.properties.insert("product_code", e.key.to_uppercase());
        }
    }
    if let Some(d) = &e.install_dir {
        p.properties.insert("install_dir", d.clone());
        if e.install_dir_source != "InstallLocation" {
            p.properties
                .insert("install_dir_source", e.install_dir_source.into());
        }
        p.dirs.push(d.clone());
    }
    p.purl = generic(
        p.supplier.publisher.as_deref(),
        &p.name,
        p.version.as_deref(),
        &[],
    );
    p
}

/// `{8-4-4-4-12}` hex GUIDs, as MSI product codes are.
pub(crate) fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 38
        && b[0] == b'{'
        && b[37] == b'}'
        && b[1..37].iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

struct Profile {
    user: String,
    sid: Option<String>,
    /// The profile directory in the image.
    dir: String,
    /// Its NTUSER.DAT, in the image.
    hive: String,
}

/// User profiles: ProfileList first, then `Users/*/NTUSER.DAT` that it
/// doesn't name (a profile list can lag behind copied profiles).
fn profiles(
    image: &Image,
    root: Option<&Key>,
    hive_path: &str,
    drive: &str,
    out: &mut Inventory,
) -> Vec<Profile> {
    let mut found = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    match root.map_or(Ok(None), |r| r.path(PROFILE_LIST)) {
        Ok(Some(list)) => {
            let (keys, errors) = list.subkeys();
            for e in errors {
                out.error(hive_path, format!("HKLM\\SOFTWARE\\{PROFILE_LIST}: {e}"));
            }
            for k in keys {
                let Some(raw) = k.string("ProfileImagePath") else {
                    continue;
                };
                let Some(dir) = image_path(&raw, drive, None) else {
                    continue;
                };
                let user = crate::paths::file_name(&dir).to_owned();
                if user.is_empty() {
                    continue;
                }
                let hive = super::join(&dir, "NTUSER.DAT");
                let key = canonical(&image.fs, &hive);
                if seen.insert(key) {
                    found.push(Profile {
                        user,
                        sid: Some(k.name.clone()),
                        dir,
                        hive,
                    });
                }
            }
        }
        Ok(None) => {}
        Err(e) => out.error(hive_path, format!("HKLM\\SOFTWARE\\{PROFILE_LIST}: {e}")),
    }
    let users = image
        .fs
        .resolve("Users")
        .map(|p| crate::paths::display(&p).0)
        .unwrap_or_else(|_| "Users".into());
    for name in super::list_dir(image, &users).unwrap_or_default() {
        if NOT_USERS.contains(&name.to_lowercase().as_str()) {
            continue;
        }
        let dir = super::join(&users, &name);
        let hive = super::join(&dir, "NTUSER.DAT");
        if !super::exists(image, &hive) {
            continue;
        }
        if seen.insert(canonical(&image.fs, &hive)) {
            found.push(Profile {
                user: name,
                sid: None,
                dir,
                hive,
            });
        }
    }
    found
}

fn canonical(fs: &RootFs, rel: &str) -> String {
    fs.resolve(rel)
        .map(|p| crate::paths::display(&p).0)
        .unwrap_or_else(|_| rel.to_lowercase())
}

/// The directory part of a `DisplayIcon` (`"C:\X\app.exe",0` → `C:\X`).
fn icon_dir(icon: &str) -> Option<String> {
    let s = icon.trim();
    let s = match s.rsplit_once(',') {
        Some((a, n))
            if n.trim()
                .trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit()) =>
        {
            a
        }
        _ => s,
    };
    let s = s.trim().trim_matches('"');
    let cut = s.rfind(['\\', '/'])?;
    Some(s[..cut].to_owned())
}

/// Maps a Windows path (`C:\Program Files\X`, `%SystemDrive%\Users\alice`,
/// `%LOCALAPPDATA%\Programs\X` in a user hive) to an image path
/// (`Program Files/X`). `None` for other drives, UNC and relative paths.
pub(crate) fn image_path(raw: &str, drive: &str, profile_dir: Option<&str>) -> Option<String> {
    let mut s = raw.trim().trim_matches('"').trim().to_owned();
    if let Some(rest) = s.strip_prefix("\\\\?\\") {
        s = rest.to_owned();
    }
    let sys = format!("{drive}:");
    let expansions: Vec<(&str, String)> = {
        let mut v = vec![
            ("%systemdrive%", sys.clone()),
            ("%systemroot%", format!("{sys}\\Windows")),
            ("%windir%", format!("{sys}\\Windows")),
            ("%programfiles%", format!("{sys}\\Program Files")),
            ("%programw6432%", format!("{sys}\\Program Files")),
            ("%programfiles(x86)%", format!("{sys}\\Program Files (x86)")),
            ("%programdata%", format!("{sys}\\ProgramData")),
            ("%allusersprofile%", format!("{sys}\\ProgramData")),
        ];
        if let Some(p) = profile_dir {
            let p = format!("{sys}\\{}", p.replace('/', "\\"));
            v.push(("%userprofile%", p.clone()));
            v.push(("%localappdata%", format!("{p}\\AppData\\Local")));
            v.push(("%appdata%", format!("{p}\\AppData\\Roaming")));
        }
        v
    };
    if s.starts_with('%') {
        let lower = s.to_lowercase();
        if let Some((var, val)) = expansions.iter().find(|(k, _)| lower.starts_with(k)) {
            s = format!("{val}{}", &s[var.len()..]);
        } else {
            return None;
        }
    }
    let b = s.as_bytes();
    if b.len() < 2 || b[1] != b':' || !b[0].eq_ignore_ascii_case(&drive.as_bytes()[0]) {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for p in s[2..].split(['\\', '/']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Directories too broad to be one product's install location.
fn is_generic_dir(p: &str) -> bool {
    let l = p.to_lowercase();
    let parts: Vec<&str> = l.split('/').filter(|s| !s.is_empty()).collect();
    match parts.as_slice() {
        [] => true,
        [one] => matches!(
            *one,
            "windows" | "program files" | "program files (x86)" | "programdata" | "users"
        ),
        ["windows", "system32" | "syswow64"] => true,
        ["program files" | "program files (x86)", "common files"] => true,
        ["users", _] => true,
        ["users", _, "appdata"] => true,
        ["users", _, "appdata", "local" | "roaming" | "locallow"] => true,
        ["users", _, "appdata", "local", "programs"] => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_paths_map_into_the_image() {
        assert_eq!(
            image_path("C:\\Program Files\\Mozilla Firefox\\", "C", None).as_deref(),
            Some("Program Files/Mozilla Firefox")
        );
        assert_eq!(
            image_path(
                "\"c:/Program Files (x86)/Google/Chrome/Application\"",
                "C",
                None
            )
            .as_deref(),
            Some("Program Files (x86)/Google/Chrome/Application")
        );
        assert_eq!(
            image_path("%SystemDrive%\\Users\\alice", "C", None).as_deref(),
            Some("Users/alice")
        );
        assert_eq!(
            image_path("%LOCALAPPDATA%\\Programs\\X", "C", Some("Users/bob")).as_deref(),
            Some("Users/bob/AppData/Local/Programs/X")
        );
        assert_eq!(image_path("D:\\Games\\X", "C", None), None);
        assert_eq!(image_path("\\\\server\\share", "C", None), None);
        assert_eq!(
            image_path("C:\\..\\..\\etc", "C", None).as_deref(),
            Some("etc")
        );
        assert!(is_generic_dir("Program Files"));
        assert!(is_generic_dir("users/alice/AppData/Local/Programs"));
        assert!(!is_generic_dir("Users/alice/AppData/Local/Programs/X"));
        assert_eq!(
            icon_dir("\"C:\\Program Files\\Zoom\\bin\\Zoom.exe\",0").as_deref(),
            Some("C:\\Program Files\\Zoom\\bin")
        );
        assert!(is_guid("{90160000-008C-0000-1000-0000000FF1CE}"));
        assert!(!is_guid("Mozilla Firefox 128.5.0 (x64 en-US)"));
    }
}
