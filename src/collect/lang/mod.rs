//! Language-ecosystem sources: Python (`*.dist-info`, `*.egg-info`, conda),
//! JavaScript (`node_modules`, lock files, Electron apps), .NET
//! (`*.deps.json`, `*.nuspec`) and Java (JAR/WAR/EAR manifests).
//!
//! Unlike the package databases of [`super::ALL`], these manifests sit
//! anywhere in the tree, so the walk finds them by name
//! (`walk::manifests`) and this module parses them after the walk, in
//! parallel, each read capped ([`MANIFEST`], [`ARCHIVE`]). Each package
//! is a [`Package`] of kind library with its purl, its evidence (the file
//! and the field), the files it owns (so binaries inside attach to it, not
//! to the interpreter or the application around it), and
//! [`prop::SHIPPED_IN`]: the folder of the project, application or
//! environment that ships it, whose product it joins
//! (`assess::product`). The result is in manifest path order, whatever
//! the scheduling.

pub mod dotnet;
pub mod java;
pub mod npm;
pub mod python;

use crate::bounded::Cap;
use crate::image::Image;
use crate::image::read::{ReadError, read_capped};
use crate::model::inventory::{Inventory, Kind, ManifestFile, ManifestKind, Package, prop};
use rayon::prelude::*;

const MIB: u64 = 1 << 20;

/// A package manifest or lock file: the largest real ones (a
/// `package-lock.json` of a big monorepo, a RECORD of a large wheel) are a
/// few MiB.
pub const MANIFEST: Cap = Cap {
    bytes: 32 * MIB,
    what: "a package manifest",
};

/// One entry inflated from a Java archive (`MANIFEST.MF`, `pom.properties`):
/// a few KiB in practice.
pub const ARCHIVE_ENTRY: u64 = MIB;

/// The largest Java archive or asar whose index is read: only the index
/// (the zip central directory, the asar header) is read, but its size
/// grows with the archive's.
pub const ARCHIVE: Cap = Cap {
    bytes: 4096 * MIB,
    what: "an archive",
};

/// Parses every manifest the walk found. Manifests that only count in the
/// company of others (a project `package.json`, a lock file) are read
/// where the others are.
pub fn run(image: &Image, manifests: &[ManifestFile]) -> Inventory {
    let ctx = npm::Context::new(manifests);
    let parts: Vec<Inventory> = manifests
        .par_iter()
        .map(|m| {
            let mut inv = Inventory::default();
            crate::isolate::catch(|| parse(image, m, &ctx, &mut inv))
                .unwrap_or_else(|p| inv.error(&m.rel, format!("parser crashed ({p})")));
            inv
        })
        .collect();
    let mut all = Inventory::default();
    for part in parts {
        all.extend(part);
    }
    npm::drop_declared_duplicates(&mut all.packages);
    all
}

fn parse(image: &Image, m: &ManifestFile, ctx: &npm::Context, out: &mut Inventory) {
    match m.kind {
        ManifestKind::DistInfo => python::dist_info(image, m, out),
        ManifestKind::EggInfo => python::egg_info(image, m, out),
        ManifestKind::CondaMeta => python::conda(image, m, out),
        ManifestKind::NodeModule => npm::node_module(image, m, out),
        ManifestKind::PackageJson => npm::project(image, m, ctx, out),
        ManifestKind::LockFile => npm::lock_file(image, m, ctx, out),
        ManifestKind::Asar => npm::asar(image, m, out),
        ManifestKind::DepsJson => dotnet::deps_json(image, m, out),
        ManifestKind::Nuspec => dotnet::nuspec(image, m, out),
        ManifestKind::Jar => java::archive(image, m, out),
    }
}

/// Reads a manifest as text (UTF-8, else lossily), up to [`MANIFEST`].
/// `Ok(None)` when it is gone since the walk.
pub fn read_manifest(image: &Image, rel: &str) -> Result<Option<String>, ReadError> {
    // Opened in one call (`openat2` inside the root), not resolved a
    // component at a time first; a path that no longer leads anywhere is
    // gone.
    let bytes = match read_capped(image, rel, MANIFEST) {
        Ok(Some(b)) => b,
        Ok(None) | Err(ReadError::Resolve(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }))
}

/// Reads a manifest, recording a problem in `out`; `None` when it is gone
/// or unreadable.
fn read_or_record(image: &Image, rel: &str, out: &mut Inventory) -> Option<String> {
    match read_manifest(image, rel) {
        Ok(t) => t,
        Err(e) => {
            out.error(rel, e);
            None
        }
    }
}

/// The folder of an image path (`""` at the root).
pub fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(p, _)| p)
}

/// A library package of a language ecosystem, installed (its own manifest
/// is in the tree), shipped in `shipped_in`.
fn library(
    source: crate::model::inventory::Source,
    name: &str,
    evidence: crate::model::inventory::Evidence,
    shipped_in: &str,
) -> Package {
    let mut p = Package::new(source, name, evidence);
    p.kind = Kind::Library;
    p.properties.insert(prop::SHIPPED_IN, shipped_in.to_owned());
    p.properties.insert(prop::PRESENCE, "installed".to_owned());
    p
}

/// Text trimmed, `None` when empty.
fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
