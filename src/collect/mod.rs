//! Inventory sources: one module per package database or manifest format.
//!
//! Every collector has the same shape (see [`Collector`]): it names itself,
//! says which image families it applies to, and reads its files through the
//! image's confined [`RootFs`](crate::image::RootFs), appending packages,
//! errors and warnings to an [`Inventory`]. A missing database is not an
//! error (the image simply doesn't use that format); an unreadable or corrupt
//! one is, and names the file. One bad record never stops the others.
//!
//! To add a source: write `collect/NAME.rs` with a `Collector` and list it
//! in [`ALL`].

pub mod apk;
pub mod appx;
pub mod chocolatey;
pub mod dpkg;
pub mod flatpak;
pub mod homebrew;
pub mod macos_apps;
pub mod macos_receipts;
pub mod macos_system;
pub mod msi;
pub mod os_release;
pub mod pacman;
pub mod registry;
pub mod rpm;
pub mod scoop;
pub mod snap;

use crate::image::Image;
use crate::model::inventory::{Family, Inventory};
use rayon::prelude::*;
use std::path::Path;

/// A source of installed-package facts.
pub trait Collector: Sync {
    /// Stable name, used as the component `source` in reports.
    fn name(&self) -> &'static str;
    /// The image families this source exists on.
    fn families(&self) -> &'static [Family];
    /// Reads the source from the image. Never panics on bad input; records
    /// problems in `out` instead.
    fn collect(&self, image: &Image, out: &mut Inventory);
}

/// Every collector, in report order.
pub static ALL: &[&dyn Collector] = &[
    &os_release::OsRelease,
    &dpkg::Dpkg,
    &rpm::Rpm,
    &apk::Apk,
    &pacman::Pacman,
    &flatpak::Flatpak,
    &snap::Snap,
    &macos_system::MacosSystem,
    &macos_apps::MacosApps,
    &homebrew::Homebrew,
    &macos_receipts::MacosReceipts,
    &registry::Registry,
    &appx::Appx,
    &chocolatey::Chocolatey,
    &scoop::Scoop,
];

/// Runs every collector that applies to the image, in parallel. The result
/// is in collector order, independent of scheduling.
pub fn run(image: &Image) -> Inventory {
    let parts: Vec<Inventory> = ALL
        .par_iter()
        .filter(|c| c.families().contains(&image.family()))
        .map(|c| {
            let mut inv = Inventory::default();
            c.collect(image, &mut inv);
            inv
        })
        .collect();
    let mut all = Inventory::default();
    for part in parts {
        all.extend(part);
    }
    all
}

/// Reads an image file as text, following symlinks inside the image only.
/// `Ok(None)` when it doesn't exist; `Err` (a one-line reason) when it exists
/// but can't be read.
pub fn read_text(image: &Image, rel: &str) -> Result<Option<String>, String> {
    match read_bytes(image, rel)? {
        None => Ok(None),
        Some(b) => match String::from_utf8(b) {
            Ok(s) => Ok(Some(s)),
            // Package databases are UTF-8 by policy, but old records carry
            // Latin-1 names: keep them readable rather than drop the file.
            Err(e) => Ok(Some(String::from_utf8_lossy(e.as_bytes()).into_owned())),
        },
    }
}

/// Like [`read_text`], as bytes.
pub fn read_bytes(image: &Image, rel: &str) -> Result<Option<Vec<u8>>, String> {
    use crate::image::ResolveError;
    let real = match image.fs.resolve(rel) {
        Ok(p) => p,
        Err(ResolveError::NotFound | ResolveError::NotADirectory) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let host = image.fs.lexical(&real);
    if host.is_dir() {
        return Err("is a directory".into());
    }
    std::fs::read(&host).map(Some).map_err(|e| e.to_string())
}

/// Lists the entries of an image directory (resolved inside the image),
/// sorted by name for deterministic output. Missing → empty.
pub fn list_dir(image: &Image, rel: &str) -> Result<Vec<String>, String> {
    let real = match image.fs.resolve(rel) {
        Ok(p) => p,
        Err(_) => return Ok(Vec::new()),
    };
    let host = image.fs.lexical(&real);
    if !host.is_dir() {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = std::fs::read_dir(&host)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

/// Reads a property list, XML or binary (`plist` detects which). `Ok(None)`
/// when the file doesn't exist; `Err` (one line) when it exists but isn't a
/// readable plist or its top level is not a dictionary.
pub fn read_plist(image: &Image, rel: &str) -> Result<Option<plist::Dictionary>, String> {
    let Some(bytes) = read_bytes(image, rel)? else {
        return Ok(None);
    };
    let value = crate::isolate::catch(|| plist::Value::from_reader(std::io::Cursor::new(&bytes)))
        .map_err(|p| format!("plist parser crashed ({p})"))?
        .map_err(|e| format!("not a property list: {e}"))?;
    match value {
        plist::Value::Dictionary(d) => Ok(Some(d)),
        _ => Err("property list is not a dictionary".into()),
    }
}

/// A string value of a plist dictionary, trimmed; None when absent or empty.
pub fn plist_str(d: &plist::Dictionary, key: &str) -> Option<String> {
    d.get(key)
        .and_then(|v| v.as_string())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Whether an identifier looks like a reverse-DNS bundle id (`com.example.App`).
pub fn is_bundle_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        && (2..=12).contains(&parts[0].len())
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        // `libonig.5.dylib` is a file name, not an identifier.
        && !parts.iter().any(|p| p.chars().all(|c| c.is_ascii_digit()))
        && !matches!(parts.last(), Some(&("dylib" | "so" | "bundle" | "framework")))
}

/// Joins image-relative path parts.
pub fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{}/{}", a.trim_end_matches('/'), b)
    }
}

/// Whether an image path exists (inside the image).
pub fn exists(image: &Image, rel: &str) -> bool {
    image.fs.resolve(Path::new(rel)).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_collector_is_listed_once_in_report_order() {
        let names: Vec<&str> = super::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(
            names,
            [
                "os",
                "dpkg",
                "rpm",
                "apk",
                "pacman",
                "flatpak",
                "snap",
                "os",
                "app",
                "homebrew",
                "pkg",
                "registry",
                "appx",
                "chocolatey",
                "scoop"
            ]
        );
    }
}
