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
pub mod lang;
pub mod macos_apps;
pub mod macos_receipts;
pub mod os;
pub mod pacman;
pub mod registry;
pub mod rpm;
pub mod scoop;
pub mod snap;

// The confined readers every collector uses; they live with the image
// because root detection reads the same way.
pub use crate::image::read::{
    exists, list_dir, plist_str, read_bytes, read_json, read_plist, read_text,
};

use crate::image::Image;
use crate::model::inventory::{Family, Inventory};
use rayon::prelude::*;

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
    &os::Os,
    &dpkg::Dpkg,
    &rpm::Rpm,
    &apk::Apk,
    &pacman::Pacman,
    &flatpak::Flatpak,
    &snap::Snap,
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

/// Why an XML manifest (an AppX manifest, a nuspec) was not read; the
/// message is its error entry.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("not valid XML: {0}")]
    Xml(#[from] roxmltree::Error),
    /// The root element names another kind of document.
    #[error("not {expected} (root element <{found}>)")]
    Root {
        expected: &'static str,
        found: String,
    },
    /// An element or attribute the manifest must have.
    #[error("{within} without {what}")]
    Missing {
        within: &'static str,
        what: &'static str,
    },
}

/// Parses an XML manifest whose root element must be `<root>`; `expected`
/// names the kind of document in the error (`a nuspec`).
pub fn parse_manifest<'i>(
    text: &'i str,
    root: &str,
    expected: &'static str,
) -> Result<roxmltree::Document<'i>, ManifestError> {
    let doc = roxmltree::Document::parse(text)?;
    let found = doc.root_element().tag_name().name();
    if found != root {
        let found = found.to_owned();
        return Err(ManifestError::Root { expected, found });
    }
    Ok(doc)
}

/// Joins image-relative path parts.
pub fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{}/{}", a.trim_end_matches('/'), b)
    }
}

/// Runs one collector over the image at `root` on a stack an eighth of a
/// worker's, as the nesting-bound tests do.
#[cfg(test)]
pub fn collect_on_small_stack(
    collector: &'static dyn Collector,
    root: &std::path::Path,
) -> Inventory {
    let root = root.to_owned();
    crate::isolate::on_small_stack(move || {
        let image = Image::open(&root).unwrap();
        let mut inv = Inventory::default();
        collector.collect(&image, &mut inv);
        inv
    })
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
