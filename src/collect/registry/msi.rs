//! Windows Installer packages cached in `Windows/Installer/*.msi`.
//!
//! Windows keeps a copy of every installed MSI there (under a random name),
//! so the cache tells what was installed through Windows Installer even
//! when the registry entry is gone. The `Property` table gives ProductName,
//! Manufacturer, ProductVersion, ProductCode and UpgradeCode; the `msi`
//! crate (MIT) reads the compound file and its string pool. It is a
//! third-party parser on hostile files, so it runs under
//! [`crate::isolate::catch`].
//!
//! Called by the registry collector: a cached package whose ProductCode
//! names an uninstall entry adds evidence to that entry; any other becomes a
//! package of its own (source `msi`).

use crate::image::Image;
use crate::isolate::Panic;
use crate::model::inventory::{Evidence, Inventory, Package, Source};
use crate::model::purl::generic;

const CACHE: &str = "Windows/Installer";
/// Cached packages larger than this are not parsed (real ones are up to a
/// few hundred MiB; the Property table is at the start of the read).
const MAX_SIZE: u64 = 2 << 30;

/// The facts of one cached package.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MsiProduct {
    pub name: Option<String>,
    pub manufacturer: Option<String>,
    pub version: Option<String>,
    pub product_code: Option<String>,
    pub upgrade_code: Option<String>,
    pub language: Option<String>,
}

/// Why a cached package was not read; the message is its error entry.
#[derive(Debug, thiserror::Error)]
pub enum MsiError {
    /// Not a compound file holding an MSI database (the crate's words).
    #[error("not a readable MSI package: {0}")]
    Unreadable(std::io::Error),
    #[error("MSI package without a Property table")]
    NoPropertyTable,
    #[error("MSI Property table: {0}")]
    PropertyTable(std::io::Error),
    #[error("MSI parser crashed: {0}")]
    Crashed(Panic),
}

/// Reads the Property table of an MSI file.
pub fn read<F: std::io::Read + std::io::Seek>(file: F) -> Result<MsiProduct, MsiError> {
    crate::isolate::catch(move || -> Result<MsiProduct, MsiError> {
        let mut pkg = msi::Package::open(file).map_err(MsiError::Unreadable)?;
        if !pkg.has_table("Property") {
            return Err(MsiError::NoPropertyTable);
        }
        let rows = pkg
            .select_rows(msi::Select::table("Property"))
            .map_err(MsiError::PropertyTable)?;
        let mut p = MsiProduct::default();
        for row in rows {
            let (Some(k), Some(v)) = (row[0].as_str(), row[1].as_str()) else {
                continue;
            };
            let v = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            match k {
                "ProductName" => p.name = v,
                "Manufacturer" => p.manufacturer = v,
                "ProductVersion" => p.version = v,
                "ProductCode" => p.product_code = v.map(|c| c.to_uppercase()),
                "UpgradeCode" => p.upgrade_code = v.map(|c| c.to_uppercase()),
                "ProductLanguage" => p.language = v,
                _ => {}
            }
        }
        Ok(p)
    })
    .unwrap_or_else(|panic| Err(MsiError::Crashed(panic)))
}

/// Reads every cached package and folds it into `packages` (registry
/// entries) by ProductCode, or appends it as an `msi` package.
pub fn fold_cached(image: &Image, packages: &mut Vec<Package>, out: &mut Inventory) {
    let dir = match image.fs.resolve(CACHE) {
        Ok(p) => crate::paths::display(&p).0,
        Err(_) => return,
    };
    let names = match crate::collect::list_dir(image, &dir) {
        Ok(n) => n,
        Err(e) => {
            out.error(&dir, e);
            return;
        }
    };
    for name in names {
        if !name.to_lowercase().ends_with(".msi") {
            continue;
        }
        let rel = crate::collect::join(&dir, &name);
        // Only regular files, opened inside the image.
        let file = match crate::image::read::open(image, &rel) {
            Ok(Some(f)) => f,
            _ => continue,
        };
        let Ok(meta) = file.snapshot() else { continue };
        if meta.len > MAX_SIZE {
            out.warn(&rel, format!("MSI package of {} bytes not read", meta.len));
            continue;
        }
        let product = match read(file) {
            Ok(p) => p,
            Err(e) => {
                out.error(&rel, e);
                continue;
            }
        };
        let detail = format!(
            "Property table: ProductCode {}",
            product.product_code.as_deref().unwrap_or("(none)")
        );
        let registered = product.product_code.as_deref().and_then(|code| {
            packages
                .iter()
                .position(|p| p.properties.get("product_code").map(String::as_str) == Some(code))
        });
        if let Some(i) = registered {
            packages[i]
                .evidence
                .push(Evidence::new(&rel, "msi", detail));
            packages[i].properties.insert("msi_package", rel.clone());
            continue;
        }
        let Some(pname) = product.name.clone() else {
            out.warn(&rel, "MSI package without a ProductName");
            continue;
        };
        let mut p = Package::new(Source::Msi, pname, Evidence::new(&rel, "msi", detail));
        p.version = product.version;
        p.supplier.publisher = product.manufacturer;
        p.purl = generic(
            p.supplier.publisher.as_deref(),
            &p.name,
            p.version.as_deref(),
            &[],
        );
        if let Some(c) = product.product_code {
            p.properties.insert("product_code", c);
        }
        if let Some(c) = product.upgrade_code {
            p.properties.insert("upgrade_code", c);
        }
        if let Some(l) = product.language {
            p.properties.insert("language", l);
        }
        p.properties.insert("msi_package", rel);
        packages.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a small MSI with a Property table (as the fixture generator does).
    pub fn make_msi(props: &[(&str, &str)]) -> Vec<u8> {
        let cursor = std::io::Cursor::new(Vec::new());
        let mut pkg = msi::Package::create(msi::PackageType::Installer, cursor).unwrap();
        pkg.create_table(
            "Property",
            vec![
                msi::Column::build("Property").primary_key().id_string(72),
                msi::Column::build("Value").nullable().formatted_string(0),
            ],
        )
        .unwrap();
        let mut q = msi::Insert::into("Property");
        for (k, v) in props {
            q = q.row(vec![msi::Value::from(*k), msi::Value::from(*v)]);
        }
        pkg.insert_rows(q).unwrap();
        pkg.into_inner().unwrap().into_inner()
    }

    #[test]
    fn reads_the_property_table_and_rejects_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("a.msi");
        std::fs::write(
            &good,
            make_msi(&[
                ("ProductName", "7-Zip 24.09 (x64 edition)"),
                ("Manufacturer", "Igor Pavlov"),
                ("ProductVersion", "24.09.00.0"),
                ("ProductCode", "{23170F69-40C1-2702-2409-000001000000}"),
            ]),
        )
        .unwrap();
        let p = read(std::fs::File::open(&good).unwrap()).unwrap();
        assert_eq!(p.name.as_deref(), Some("7-Zip 24.09 (x64 edition)"));
        assert_eq!(p.manufacturer.as_deref(), Some("Igor Pavlov"));
        assert_eq!(
            p.product_code.as_deref(),
            Some("{23170F69-40C1-2702-2409-000001000000}")
        );
        let bad = dir.path().join("b.msi");
        std::fs::write(&bad, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 then garbage").unwrap();
        let e = read(std::fs::File::open(&bad).unwrap()).unwrap_err();
        assert!(matches!(e, MsiError::Unreadable(_)), "{e:?}");
        assert!(
            e.to_string().starts_with("not a readable MSI package: "),
            "{e}"
        );
    }
}
