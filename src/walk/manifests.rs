//! The walk's hook for language-ecosystem manifests: a file whose name (and
//! its parent folders' names) says it is a package manifest of pip, conda,
//! npm, NuGet or Maven is kept as a [`ManifestFile`] for `collect::lang`,
//! which parses them after the walk. Only these names are kept, so memory
//! grows with manifests found, not with files walked.
//!
//! The test runs for every regular file, so it compares the last path
//! components in place (no allocation, no glob automaton).

use crate::model::inventory::{ManifestFile, ManifestKind};

/// The manifest kind of the regular file at image path `rel`, by its
/// name and its parents' names; `None` for every other file.
pub fn manifest_kind(rel: &str) -> Option<ManifestKind> {
    let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let (grand, parent_name) = parent.rsplit_once('/').unwrap_or(("", parent));
    // Bytes, not `str` slices: the cut may fall inside a character of a
    // name such as `x€son` (found by the `disk_scan` fuzz target).
    let ends = |s: &str, suffix: &str| {
        let (s, suffix) = (s.as_bytes(), suffix.as_bytes());
        s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    let in_node_modules = rel.contains("node_modules/");
    let kind = match name {
        "METADATA" if ends(parent_name, ".dist-info") => ManifestKind::DistInfo,
        "PKG-INFO" if ends(parent_name, ".egg-info") => ManifestKind::EggInfo,
        "package.json" => {
            let grand_name = grand.rsplit('/').next().unwrap_or(grand);
            let scoped = grand_name.starts_with('@')
                && grand.strip_suffix(grand_name).is_some_and(|g| {
                    g.trim_end_matches('/').rsplit('/').next() == Some("node_modules")
                });
            if grand_name == "node_modules" || scoped {
                ManifestKind::NodeModule
            } else if in_node_modules {
                // A package's own inner files (`lib/package.json` with
                // `{"type": "module"}`): not a package of its own.
                return None;
            } else {
                ManifestKind::PackageJson
            }
        }
        "package-lock.json" | "npm-shrinkwrap.json" | "yarn.lock" | "pnpm-lock.yaml"
            if !in_node_modules =>
        {
            ManifestKind::LockFile
        }
        "app.asar" if parent_name == "resources" => ManifestKind::Asar,
        _ if parent_name == "conda-meta" && ends(name, ".json") => ManifestKind::CondaMeta,
        _ if ends(name, ".egg-info") => ManifestKind::EggInfo,
        _ if ends(name, ".deps.json") => ManifestKind::DepsJson,
        _ if ends(name, ".nuspec") => ManifestKind::Nuspec,
        _ if ends(name, ".jar") || ends(name, ".war") || ends(name, ".ear") => ManifestKind::Jar,
        _ => return None,
    };
    Some(kind)
}

/// The manifest at `rel` of `size` bytes, when it is one.
pub fn manifest(rel: &str, size: u64) -> Option<ManifestFile> {
    manifest_kind(rel).map(|kind| ManifestFile {
        kind,
        rel: rel.to_owned(),
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::manifest_kind;
    use crate::model::inventory::ManifestKind::*;

    #[test]
    fn names_with_characters_of_several_bytes_are_no_panic() {
        // A suffix's length in bytes ends inside `€` (3 bytes) or `é`.
        for rel in [
            "a/x€son",
            "conda-meta/€son",
            "€",
            "é.jar",
            "x/€.nuspec",
            "ü/METADATA",
        ] {
            let _ = manifest_kind(rel);
        }
        assert_eq!(manifest_kind("lib/€.jar"), Some(Jar));
        assert_eq!(manifest_kind("conda-meta/x€son"), None);
    }

    #[test]
    fn manifests_by_name_and_parents() {
        let cases = [
            (
                "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
                Some(DistInfo),
            ),
            ("x/foo.egg-info/PKG-INFO", Some(EggInfo)),
            (
                "usr/lib/python3/dist-packages/foo-1.0.egg-info",
                Some(EggInfo),
            ),
            (
                "opt/conda/conda-meta/zlib-1.2.13-h5eee18b_0.json",
                Some(CondaMeta),
            ),
            (
                "srv/app/node_modules/esbuild/package.json",
                Some(NodeModule),
            ),
            (
                "srv/app/node_modules/@sentry/cli/package.json",
                Some(NodeModule),
            ),
            (
                "node_modules/a/node_modules/b/package.json",
                Some(NodeModule),
            ),
            ("srv/app/node_modules/esbuild/lib/package.json", None),
            ("srv/app/package.json", Some(PackageJson)),
            ("srv/app/package-lock.json", Some(LockFile)),
            ("srv/app/yarn.lock", Some(LockFile)),
            ("srv/app/node_modules/x/package-lock.json", None),
            ("opt/Chat/resources/app.asar", Some(Asar)),
            ("opt/Chat/app.asar", None),
            ("opt/svc/Svc.deps.json", Some(DepsJson)),
            ("ProgramData/chocolatey/lib/git/git.nuspec", Some(Nuspec)),
            ("usr/share/java/commons-lang3.jar", Some(Jar)),
            ("opt/x/app.WAR", Some(Jar)),
            ("usr/lib/METADATA", None),
            ("README", None),
        ];
        for (path, want) in cases {
            assert_eq!(manifest_kind(path), want, "{path}");
        }
    }
}
