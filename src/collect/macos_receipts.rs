//! macOS installer receipts: `var/db/receipts/*.plist` (on a Mac `var` is a
//! symlink to `private/var`; an extracted root may keep only
//! `private/var/db/receipts`). Each receipt is one package installed with
//! Installer or `installer(8)`: `PackageIdentifier`, `PackageVersion`,
//! `InstallDate`, `InstallPrefixPath`. The `.bom` beside it (the file list)
//! is not read.

use super::{Collector, join, list_dir, plist_str, read_plist};
use crate::image::Image;
use crate::model::binary::is_bundle_id;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source, prop};

pub struct MacosReceipts;

const DIRS: &[&str] = &["var/db/receipts", "private/var/db/receipts"];

impl Collector for MacosReceipts {
    fn name(&self) -> &'static str {
        "pkg"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Macos]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mut seen = std::collections::HashSet::new();
        for dir in DIRS {
            let Ok(real) = image.fs.resolve(dir) else {
                continue;
            };
            if !seen.insert(crate::paths::display(&real).0) {
                continue;
            }
            let names = match list_dir(image, dir) {
                Ok(n) => n,
                Err(e) => {
                    out.error(*dir, format!("cannot list: {e}"));
                    continue;
                }
            };
            for name in names.iter().filter(|n| n.ends_with(".plist")) {
                let path = join(dir, name);
                match read_plist(image, &path) {
                    Ok(Some(d)) => {
                        if let Some(p) = receipt(&d, &path) {
                            out.packages.push(p);
                        } else {
                            out.warn(&path, "receipt without PackageIdentifier");
                        }
                    }
                    Ok(None) => {}
                    Err(e) => out.error(&path, e),
                }
            }
        }
    }
}

fn receipt(d: &plist::Dictionary, path: &str) -> Option<Package> {
    let id = plist_str(d, "PackageIdentifier")?;
    let mut pkg = Package::new(
        Source::Pkg,
        id.clone(),
        Evidence::new(path, "pkg-receipt", "PackageIdentifier, PackageVersion"),
    );
    pkg.version = plist_str(d, "PackageVersion");
    // A receipt's PackageIdentifier is a reverse-DNS identifier by
    // definition; version labels (`net.temurin.25.jre`,
    // `org.python.Python.PythonFramework-3.11`) are part of it, which
    // `is_bundle_id` (made for identifiers read out of binaries) rejects.
    let versioned = id
        .split('.')
        .filter(|l| !l.chars().all(|c| c.is_ascii_digit()));
    if is_bundle_id(&id) || is_bundle_id(&versioned.collect::<Vec<_>>().join(".")) {
        pkg.properties.insert(prop::BUNDLE_ID, id);
    }
    if let Some(date) = d.get("InstallDate").and_then(|v| v.as_date()) {
        let t: std::time::SystemTime = date.into();
        if let Ok(s) = t.duration_since(std::time::UNIX_EPOCH) {
            pkg.properties.insert("install_date", iso_date(s.as_secs()));
        }
    }
    for (prop, key) in [
        ("install_prefix", "InstallPrefixPath"),
        ("install_process", "InstallProcessName"),
        ("package_file", "PackageFileName"),
    ] {
        if let Some(v) = plist_str(d, key) {
            pkg.properties.insert(prop, v);
        }
    }
    Some(pkg)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days,
/// H. Hinnant's algorithm; no date crate needed for one field).
fn iso_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::iso_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso_date(1_732_095_000), "2024-11-20T09:30:00Z");
        assert_eq!(super::iso_date(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn a_receipt_id_with_version_labels_is_still_a_bundle_id() {
        let bundle = |id: &str| {
            let mut d = plist::Dictionary::new();
            d.insert("PackageIdentifier".into(), plist::Value::String(id.into()));
            let pkg = super::receipt(&d, "var/db/receipts/x.plist").unwrap();
            pkg.properties
                .get(crate::model::inventory::prop::BUNDLE_ID)
                .cloned()
        };
        for id in [
            "net.temurin.25.jre",
            "org.python.Python.PythonFramework-3.11",
            "us.zoom.pkg.videomeeting",
        ] {
            assert_eq!(bundle(id).as_deref(), Some(id));
        }
        assert_eq!(bundle("Some Installer 2.0"), None);
    }
}
