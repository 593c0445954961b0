//! Package URLs (`pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS`), the
//! identifiers SBOM consumers such as Dependency-Track correlate on.
//!
//! Built by the `packageurl` crate, so the encoding is the specification's:
//! a `:` in a version (`1:2.36-9`) stays as it is, a `+` is `%2B`, the
//! namespace of types that ask for it is lower-cased, and qualifiers are
//! sorted by key (the canonical form Syft and Trivy write too).

/// The package URL of a package, or `None` when a part is not valid for
/// the type (an empty name). Empty qualifier values are left out.
pub fn purl(
    ty: &str,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, Option<&str>)],
) -> Option<String> {
    let mut p = packageurl::PackageUrl::new(ty, name).ok()?;
    if let Some(ns) = namespace {
        p.with_namespace(ns.to_ascii_lowercase()).ok()?;
    }
    if let Some(v) = version {
        p.with_version(v).ok()?;
    }
    for (k, v) in qualifiers {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            p.add_qualifier(*k, v).ok()?;
        }
    }
    Some(p.to_string())
}

#[cfg(test)]
mod tests {
    use super::purl;

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
        assert_eq!(purl("deb", None, "", None, &[]), None);
    }
}
