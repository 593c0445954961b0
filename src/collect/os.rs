//! The operating system itself, as a component: what root detection read
//! ([`crate::image::os`]) turned into a package. Nothing is read here.
//!
//! - Linux: from os-release (`ID`, `NAME`, `VERSION_ID`, vendor and home
//!   page);
//! - Windows: from the SOFTWARE hive's CurrentVersion key. System files
//!   roll up into it: it owns the `Windows` directory;
//! - macOS: from SystemVersion.plist. The sealed system volume's
//!   directories (`System`, `bin`, `sbin`, `usr/bin`, `usr/lib`...) belong
//!   to it, so Apple's own binaries attach to the OS.

use super::Collector;
use crate::image::Image;
use crate::image::os::{OsInfo, SYSTEM_VERSION};
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source};

pub struct Os;

/// Directories of macOS's read-only system volume: Apple's, whatever is
/// below. (`usr/local` is not one of them.)
const MACOS_SYSTEM_DIRS: &[&str] = &[
    "System",
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "usr/lib",
    "usr/libexec",
    "usr/share",
    "Library/Apple",
];

/// CurrentVersion values kept as properties of the Windows component.
const WINDOWS_PROPERTIES: &[(&str, &str)] = &[
    ("EditionID", "edition_id"),
    ("CurrentBuild", "current_build"),
    ("UBR", "ubr"),
    ("DisplayVersion", "display_version"),
    ("InstallationType", "installation_type"),
];

impl Collector for Os {
    fn name(&self) -> &'static str {
        "os"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux, Family::Windows, Family::Macos]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let pkg = match image.family() {
            Family::Windows => windows(image),
            Family::Macos => macos(&image.os, out),
            family => linux(&image.os, family),
        };
        out.packages.push(pkg);
    }
}

/// What every OS component has: its id as name, version and display name.
fn os_package(os: &OsInfo, evidence: Evidence) -> Package {
    let name = os
        .id
        .clone()
        .unwrap_or_else(|| os.family.as_str().to_owned());
    let mut pkg = Package::new(Source::Os, name, evidence);
    pkg.kind = Kind::OperatingSystem;
    pkg.version = os.version.clone();
    if let Some(n) = &os.name {
        pkg.properties.insert("pretty_name", n.clone());
    }
    pkg
}

/// The evidence of an OS known only by its layout.
fn marker(family: Family) -> Evidence {
    Evidence::new("", "marker", format!("{} system layout", family.as_str()))
}

fn linux(os: &OsInfo, family: Family) -> Package {
    let evidence = match &os.evidence {
        Some(path) => Evidence::new(path, "os-release", "ID, NAME, VERSION_ID"),
        None => marker(family),
    };
    let mut pkg = os_package(os, evidence);
    pkg.supplier.vendor = os.field("VENDOR_NAME").map(str::to_owned);
    pkg.supplier.homepage = os.field("HOME_URL").map(str::to_owned);
    if let Some(like) = os.field("ID_LIKE") {
        pkg.properties.insert("id_like", like.to_owned());
    }
    pkg
}

fn windows(image: &Image) -> Package {
    let os = &image.os;
    let evidence = match &os.evidence {
        Some(path) => Evidence::new(
            path,
            "registry",
            "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
        ),
        None => marker(Family::Windows),
    };
    let mut pkg = os_package(os, evidence);
    for (key, prop) in WINDOWS_PROPERTIES {
        if let Some(v) = os.field(key) {
            pkg.properties.insert(prop, v.to_owned());
        }
    }
    // System files roll up into the OS: everything under `Windows` that no
    // more specific package (an AppX system app, a registry entry's
    // InstallLocation) owns.
    if let Ok(real) = image.fs.resolve("Windows") {
        pkg.dirs.push(crate::paths::display(&real).0);
    }
    pkg
}

fn macos(os: &OsInfo, out: &mut Inventory) -> Package {
    let evidence = match (&os.evidence, os.version.is_some()) {
        // Detected by its layout: SystemVersion.plist is missing.
        (None, _) => marker(Family::Macos),
        (Some(_), true) => Evidence::new(
            SYSTEM_VERSION,
            "plist",
            "ProductName, ProductVersion, ProductBuildVersion",
        ),
        (Some(_), false) => Evidence::new(SYSTEM_VERSION, "plist", "marker file"),
    };
    let mut pkg = os_package(os, evidence);
    pkg.supplier.vendor = Some("Apple Inc.".into());
    if let Some(b) = os.field("ProductBuildVersion") {
        pkg.properties.insert("build", b.to_owned());
    }
    pkg.dirs = MACOS_SYSTEM_DIRS.iter().map(|d| (*d).to_owned()).collect();
    // A marker file detection could not read: say so (it saw the file).
    if let Some(e) = &os.problem {
        out.error(SYSTEM_VERSION, e);
    }
    pkg
}
