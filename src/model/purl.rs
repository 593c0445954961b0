//! Package URLs (`pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS`), the
//! identifiers SBOM consumers such as Dependency-Track correlate on.
//!
//! Built by the `packageurl` crate, so the encoding is the specification's:
//! each namespace segment and the name are percent-encoded on their own
//! (a `/` inside a name is `%2F`), a `:` stays as it is everywhere
//! (`1:2.36-9`), a `+` is `%2B`, an `@` is `%40` (`pkg:npm/%40sentry/cli`),
//! and qualifiers are sorted by key (the canonical form Syft and Trivy
//! write too). Case follows each type's definition in the purl-spec
//! (`types/*-definition.json`): the crate lower-cases what its type table
//! says (deb, apk, rpm namespaces, deb and npm names, pypi names with `_`
//! as `-`); this module adds what the crate's table lacks (alpm namespace
//! and name, brew names and taps) and keeps the case of Go module paths,
//! which the crate's table (older than the spec's change) would lower-case
//! (see [`golang`]); it rejects what
//! a type forbids (a namespace on cargo, nuget, pypi) or requires (none on
//! deb, rpm, apk, alpm, maven, golang) by returning `None`.
//!
//! The typed helpers below ([`npm`], [`pypi`], [`nuget`], [`maven`],
//! [`golang`], [`cargo`], [`generic`]) are the stable entry points for
//! collectors: they take the names as the ecosystem writes them and split
//! them into namespace and name where the type asks for it.

/// The package URL of a package, or `None` when a part is not valid for
/// the type (an empty name, a namespace the type forbids, a missing one it
/// requires). Empty qualifier values are left out.
pub fn purl(
    ty: &str,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, Option<&str>)],
) -> Option<String> {
    let lower_all = matches!(ty, "alpm" | "brew");
    let name = if lower_all {
        name.to_lowercase()
    } else {
        name.to_owned()
    };
    // The packageurl crate lower-cases golang namespaces; the spec no
    // longer does (see `golang`). Percent-encoding does not depend on the
    // type, so a golang purl is built untyped and given its type after.
    let as_ty = if ty == "golang" { "generic" } else { ty };
    let mut p = packageurl::PackageUrl::new(as_ty, name).ok()?;
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        // Empty segments (`a//b`, a leading or trailing `/`) are not part of
        // a namespace (purl-spec, "Rules for each purl component").
        let ns = ns
            .split('/')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let ns = if lower_all { ns.to_lowercase() } else { ns };
        if ns.is_empty() {
            return None;
        }
        p.with_namespace(ns).ok()?;
    } else if matches!(ty, "deb" | "rpm" | "apk" | "alpm" | "maven" | "golang") {
        return None;
    }
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        p.with_version(v).ok()?;
    }
    for (k, v) in qualifiers {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            p.add_qualifier(*k, v).ok()?;
        }
    }
    p.validate().ok()?;
    let s = p.to_string();
    match s.strip_prefix("pkg:generic/") {
        Some(rest) if ty == "golang" => Some(format!("pkg:golang/{rest}")),
        _ => Some(s),
    }
}

/// The vendor namespace and the `distro` qualifier of a distribution's
/// packages: the os-release `ID` (`debian`, `fedora`) and `ID-VERSION_ID`
/// (`debian-12`, `fedora-40`) as the spec's examples and Syft write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distro {
    pub id: String,
    pub qualifier: Option<String>,
}

impl Distro {
    /// `fallback` is the id when os-release names none (`debian` for dpkg).
    pub fn new(id: Option<&str>, version: Option<&str>, fallback: &str) -> Self {
        let id = id.filter(|i| !i.is_empty()).unwrap_or(fallback);
        Self {
            id: id.to_owned(),
            qualifier: version
                .filter(|v| !v.is_empty())
                .map(|v| format!("{id}-{v}")),
        }
    }
}

/// `pkg:npm/[%40SCOPE/]NAME@VERSION` from the name as package.json writes
/// it (`@sentry/cli`, `esbuild`).
pub fn npm(name: &str, version: Option<&str>) -> Option<String> {
    match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
        Some((scope, n)) => purl("npm", Some(&format!("@{scope}")), n, version, &[]),
        None => purl("npm", None, name, version, &[]),
    }
}

/// `pkg:pypi/NAME@VERSION`, the name lower-cased with `_` as `-`
/// (`Foo_Bar` → `foo-bar`). PEP 503 also folds `.`; the purl-spec does not,
/// so a `.` stays.
pub fn pypi(name: &str, version: Option<&str>) -> Option<String> {
    purl("pypi", None, name, version, &[])
}

/// `pkg:nuget/NAME@VERSION`: the id keeps its case (the spec calls it
/// case-preserving), NuGet has no namespace.
pub fn nuget(name: &str, version: Option<&str>) -> Option<String> {
    purl("nuget", None, name, version, &[])
}

/// `pkg:maven/GROUPID/ARTIFACTID@VERSION`: both keep their case.
pub fn maven(group: &str, artifact: &str, version: Option<&str>) -> Option<String> {
    purl("maven", Some(group), artifact, version, &[])
}

/// `pkg:golang/MODULE@VERSION` from a module path (`github.com/spf13/cobra`):
/// everything up to the last `/` is the namespace, the last segment the
/// name, both keeping their case (`github.com/BurntSushi/toml`). Go module
/// paths are case-sensitive (the module proxy escapes capitals), and the
/// purl-spec's golang definition marks namespace and name
/// `case_sensitive: true` since 2026-05 (purl-spec f32dd7e, issue 871;
/// its older note "shall be lowercased" is still beside it). Syft keeps the
/// case, Trivy lower-cases; docs/formats.md. A path without a `/` (the
/// standard library's `std`) has no namespace and no purl.
pub fn golang(module: &str, version: Option<&str>) -> Option<String> {
    let (ns, name) = module.trim_matches('/').rsplit_once('/')?;
    purl("golang", Some(ns), name, version, &[])
}

/// `pkg:cargo/NAME@VERSION`: crates.io names keep their case.
pub fn cargo(name: &str, version: Option<&str>) -> Option<String> {
    purl("cargo", None, name, version, &[])
}

/// `pkg:generic/VENDOR/NAME@VERSION` for software without a package
/// ecosystem of its own (Windows uninstall entries and MSI products, AppX
/// packages, macOS apps): the vendor as the software states it is the
/// namespace (one segment: a `/` in it is encoded), so the same product of
/// two vendors doesn't collide.
pub fn generic(
    vendor: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, Option<&str>)],
) -> Option<String> {
    const PREFIX: &str = "pkg:generic/";
    let rest = purl("generic", None, name.trim(), version, qualifiers)?;
    let Some(vendor) = vendor.map(str::trim).filter(|v| !v.is_empty()) else {
        return Some(rest);
    };
    // The crate splits a namespace at `/` into segments; a vendor is one
    // segment, so it is encoded as a name is (a `/` in it is `%2F`).
    let ns = purl("generic", None, vendor, None, &[])?;
    Some(format!(
        "{PREFIX}{}/{}",
        ns.strip_prefix(PREFIX)?,
        rest.strip_prefix(PREFIX)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colons_stay_plus_signs_are_encoded_qualifiers_sorted() {
        assert_eq!(
            purl(
                "deb",
                Some("Debian"),
                "libstdc++6",
                Some("1:2.36-9+deb12u4"),
                &[
                    ("distro", Some("debian-12")),
                    ("arch", Some("amd64")),
                    ("x", None)
                ]
            )
            .as_deref(),
            Some("pkg:deb/debian/libstdc%2B%2B6@1:2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12")
        );
        assert_eq!(
            purl("generic", None, "a b/c", None, &[]).as_deref(),
            Some("pkg:generic/a%20b%2Fc")
        );
        assert_eq!(purl("deb", Some("debian"), "", None, &[]), None);
    }

    #[test]
    fn types_that_need_a_namespace_have_none_without_it() {
        for ty in ["deb", "rpm", "apk", "alpm", "maven", "golang"] {
            assert_eq!(purl(ty, None, "x", Some("1"), &[]), None, "{ty}");
            assert_eq!(purl(ty, Some("/"), "x", Some("1"), &[]), None, "{ty}");
        }
        for ty in ["cargo", "nuget", "pypi"] {
            assert_eq!(purl(ty, Some("ns"), "x", Some("1"), &[]), None, "{ty}");
        }
    }

    #[test]
    fn rpm_keeps_the_name_case_and_puts_epoch_and_distro_in_qualifiers() {
        assert_eq!(
            purl(
                "rpm",
                Some("Fedora"),
                "NetworkManager",
                Some("1.46.0-1.fc40"),
                &[
                    ("epoch", Some("1")),
                    ("arch", Some("x86_64")),
                    (
                        "distro",
                        Distro::new(Some("fedora"), Some("40"), "x")
                            .qualifier
                            .as_deref()
                    ),
                ]
            )
            .as_deref(),
            Some(
                "pkg:rpm/fedora/NetworkManager@1.46.0-1.fc40?arch=x86_64&distro=fedora-40&epoch=1"
            )
        );
        assert_eq!(
            Distro::new(None, None, "debian"),
            Distro {
                id: "debian".into(),
                qualifier: None
            }
        );
    }

    #[test]
    fn alpm_and_apk_are_lower_cased() {
        assert_eq!(
            purl(
                "alpm",
                Some("Arch"),
                "Python-PIP",
                Some("1:24.0-1"),
                &[("arch", Some("any"))]
            )
            .as_deref(),
            Some("pkg:alpm/arch/python-pip@1:24.0-1?arch=any")
        );
        assert_eq!(
            purl("apk", Some("Alpine"), "musl", Some("1.2.5-r0"), &[]).as_deref(),
            Some("pkg:apk/alpine/musl@1.2.5-r0")
        );
    }

    #[test]
    fn npm_scopes_are_a_namespace_with_the_at_sign_encoded() {
        assert_eq!(
            npm("@sentry/cli", Some("2.33.1")).as_deref(),
            Some("pkg:npm/%40sentry/cli@2.33.1")
        );
        assert_eq!(
            npm("esbuild", Some("0.21.5")).as_deref(),
            Some("pkg:npm/esbuild@0.21.5")
        );
        // A bare `@` is no scope: the name is kept, encoded.
        assert_eq!(npm("@x", None).as_deref(), Some("pkg:npm/%40x"));
        assert_eq!(npm("", None), None);
    }

    #[test]
    fn pypi_names_are_normalised_and_have_no_namespace() {
        assert_eq!(
            pypi("HDBCli_Extra", Some("2.21.28")).as_deref(),
            Some("pkg:pypi/hdbcli-extra@2.21.28")
        );
        assert_eq!(
            pypi("zope.interface", Some("6.4")).as_deref(),
            Some("pkg:pypi/zope.interface@6.4")
        );
    }

    #[test]
    fn nuget_and_maven_keep_their_case() {
        assert_eq!(
            nuget("Newtonsoft.Json", Some("13.0.3")).as_deref(),
            Some("pkg:nuget/Newtonsoft.Json@13.0.3")
        );
        assert_eq!(
            maven("org.apache.xmlgraphics", "batik-anim", Some("1.9.1")).as_deref(),
            Some("pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1")
        );
        assert_eq!(
            maven("com.SAP.cloud", "Connectivity", None).as_deref(),
            Some("pkg:maven/com.SAP.cloud/Connectivity")
        );
    }

    #[test]
    fn golang_module_paths_split_at_the_last_slash() {
        assert_eq!(
            golang("github.com/BurntSushi/toml", Some("v1.3.2")).as_deref(),
            Some("pkg:golang/github.com/BurntSushi/toml@v1.3.2")
        );
        assert_eq!(
            golang("github.com/Azure/go autorest/autorest", Some("v0.11.29")).as_deref(),
            Some("pkg:golang/github.com/Azure/go%20autorest/autorest@v0.11.29")
        );
        assert_eq!(
            golang(
                "golang.org/x/sys",
                Some("v0.0.0-20230101000000-abcdef+incompatible")
            )
            .as_deref(),
            Some("pkg:golang/golang.org/x/sys@v0.0.0-20230101000000-abcdef%2Bincompatible")
        );
        assert_eq!(golang("std", None), None);
    }

    #[test]
    fn cargo_has_no_namespace_and_keeps_case() {
        assert_eq!(
            cargo("ripgrep", Some("14.1.0")).as_deref(),
            Some("pkg:cargo/ripgrep@14.1.0")
        );
        assert_eq!(
            cargo("Inflector", None).as_deref(),
            Some("pkg:cargo/Inflector")
        );
    }

    #[test]
    fn generic_vendor_is_one_encoded_segment() {
        assert_eq!(
            generic(
                Some("Microsoft Corporation"),
                "Microsoft Edge",
                Some("131.0.2903.86"),
                &[]
            )
            .as_deref(),
            Some("pkg:generic/Microsoft%20Corporation/Microsoft%20Edge@131.0.2903.86")
        );
        assert_eq!(
            generic(Some("AT&T / Bell 100%"), "a:b", None, &[]).as_deref(),
            Some("pkg:generic/AT&T%20%2F%20Bell%20100%25/a:b")
        );
        assert_eq!(
            generic(Some("  "), "Tool", Some("1"), &[("arch", Some("x64"))]).as_deref(),
            Some("pkg:generic/Tool@1?arch=x64")
        );
        assert_eq!(
            generic(Some("Zoom Video Communications, Inc."), "Zoom", None, &[]).as_deref(),
            Some("pkg:generic/Zoom%20Video%20Communications,%20Inc./Zoom")
        );
    }

    #[test]
    fn every_purl_parses_back_to_its_parts() {
        use std::str::FromStr;
        let p = generic(Some("A-B 100%"), "x/%2F", Some("1+2"), &[]).unwrap();
        let back = packageurl::PackageUrl::from_str(&p).unwrap();
        assert_eq!(back.namespace(), Some("A-B 100%"));
        assert_eq!(back.name(), "x/%2F");
        assert_eq!(back.version(), Some("1+2"));
        let g = golang("github.com/spf13/cobra", Some("v1.8.0")).unwrap();
        let back = packageurl::PackageUrl::from_str(&g).unwrap();
        assert_eq!(back.namespace(), Some("github.com/spf13"));
        assert_eq!(back.name(), "cobra");
    }
}
