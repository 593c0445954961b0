//! macOS itself, as a component: `System/Library/CoreServices/SystemVersion.plist`
//! (`ProductName`, `ProductVersion`, `ProductBuildVersion`). The sealed
//! system volume's directories (`System`, `bin`, `sbin`, `usr/bin`,
//! `usr/lib`...) belong to it, so Apple's own binaries attach to the OS.

use super::{Collector, plist_str};
use crate::image::{Image, OsInfo, RootFs};
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source};

pub struct MacosSystem;

pub const SYSTEM_VERSION: &str = "System/Library/CoreServices/SystemVersion.plist";

/// Directories of the read-only system volume: Apple's, whatever is below.
/// (`usr/local` is not one of them.)
const SYSTEM_DIRS: &[&str] = &[
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

impl Collector for MacosSystem {
    fn name(&self) -> &'static str {
        "os"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Macos]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let os = &image.os;
        let detail = if os.version.is_some() {
            "ProductName, ProductVersion, ProductBuildVersion"
        } else {
            "marker file"
        };
        let mut pkg = Package::new(
            Source::Os,
            "macos",
            Evidence::new(SYSTEM_VERSION, "plist", detail),
        );
        pkg.kind = Kind::OperatingSystem;
        pkg.version = os.version.clone();
        pkg.supplier.vendor = Some("Apple Inc.".into());
        if let Some(n) = &os.name {
            pkg.properties.insert("pretty_name", n.clone());
        }
        if let Some(b) = os.field("ProductBuildVersion") {
            pkg.properties.insert("build", b.to_owned());
        }
        pkg.dirs = SYSTEM_DIRS.iter().map(|d| (*d).to_owned()).collect();
        // A marker file we could not read: say so (detection saw the file).
        if let Some(e) = os.field("error") {
            out.error(SYSTEM_VERSION, e);
        }
        out.packages.push(pkg);
    }
}

/// What SystemVersion.plist says; called by root detection. A plist that
/// can't be read still makes a macOS root (the marker exists), with the
/// reason kept as the `error` field for the collector to report.
pub fn os_info(fs: &RootFs) -> OsInfo {
    let mut info = OsInfo {
        family: Family::Macos,
        id: Some("macos".into()),
        name: Some("macOS".into()),
        version: None,
        evidence: Some(SYSTEM_VERSION.into()),
        fields: Vec::new(),
    };
    let read = fs
        .resolve(SYSTEM_VERSION)
        .map_err(|e| e.to_string())
        .and_then(|p| std::fs::read(fs.lexical(&p)).map_err(|e| e.to_string()))
        .and_then(|b| {
            crate::isolate::catch(|| plist::Value::from_reader(std::io::Cursor::new(&b)))
                .map_err(|p| format!("plist parser crashed ({p})"))?
                .map_err(|e| format!("not a property list: {e}"))
        });
    let dict = match read {
        Ok(plist::Value::Dictionary(d)) => d,
        Ok(_) => {
            info.fields
                .push(("error".into(), "property list is not a dictionary".into()));
            return info;
        }
        Err(e) => {
            info.fields.push(("error".into(), e));
            return info;
        }
    };
    for key in [
        "ProductName",
        "ProductVersion",
        "ProductBuildVersion",
        "ProductUserVisibleVersion",
    ] {
        if let Some(v) = plist_str(&dict, key) {
            info.fields.push((key.to_owned(), v));
        }
    }
    info.version = info.field("ProductVersion").map(str::to_owned);
    let product = info.field("ProductName").unwrap_or("macOS").to_owned();
    info.name = Some(match &info.version {
        Some(v) => format!("{product} {v}"),
        None => product,
    });
    info
}
