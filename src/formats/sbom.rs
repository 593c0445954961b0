//! SBOM readers: CycloneDX 1.4–1.6 JSON and SPDX 2.2/2.3 JSON, streamed.
//!
//! An SBOM of a whole workstation can hold hundreds of thousands of
//! components, so the document is never held as a tree: the top-level
//! object is visited key by key, and each element of `components`
//! (CycloneDX) or `packages` (SPDX) is deserialised on its own and handed
//! to a sink, then dropped. Memory grows with one component (and the
//! components nested in it), not with the document.
//!
//! The format is told by its own keys (`bomFormat`/`specVersion`,
//! `spdxVersion`), in whatever order they come. Errors are serde_json's,
//! so they carry the line and column of the problem; nesting is bounded by
//! serde_json's recursion limit.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::Read;

/// Which kind of document, and the version it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flavour {
    CycloneDx(String),
    Spdx(String),
}

impl fmt::Display for Flavour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flavour::CycloneDx(v) => write!(f, "CycloneDX {v}"),
            Flavour::Spdx(v) => write!(f, "SPDX {}", v.trim_start_matches("SPDX-")),
        }
    }
}

/// One component of an SBOM, as the document states it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SbomComponent {
    /// Where it is in the document: `components[3]`,
    /// `components[3].components[0]`, `packages[12]`.
    pub pointer: String,
    /// `bom-ref` (CycloneDX) or `SPDXID`.
    pub reference: Option<String>,
    /// CycloneDX `type` (`library`, `application`, `operating-system`...)
    /// or SPDX `primaryPackagePurpose`, lower-cased with `-`.
    pub kind: Option<String>,
    pub name: String,
    /// CycloneDX `group` (a Maven group id, an npm scope).
    pub group: Option<String>,
    pub version: Option<String>,
    pub purl: Option<String>,
    /// CycloneDX `supplier.name`, SPDX `supplier` (without `Organization: `).
    pub supplier: Option<String>,
    /// CycloneDX `manufacturer.name` (1.6), SPDX `originator`.
    pub manufacturer: Option<String>,
    /// CycloneDX `publisher` (Syft writes a package's maintainer there).
    pub publisher: Option<String>,
    /// CycloneDX `author` and `authors[].name`.
    pub authors: Vec<String>,
    /// Licence ids, names or expressions as stated (SPDX `NOASSERTION` and
    /// `NONE` left out).
    pub licenses: Vec<String>,
    pub homepage: Option<String>,
    /// CycloneDX `properties` (name, value) as written.
    pub properties: Vec<(String, String)>,
}

/// What the document says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SbomInfo {
    pub flavour: Flavour,
    /// The tools that wrote it (CycloneDX `metadata.tools`, SPDX
    /// `creationInfo.creators` of kind `Tool`).
    pub tools: Vec<String>,
    /// What it describes: CycloneDX `metadata.component.name`, SPDX `name`.
    pub subject: Option<String>,
    /// Components handed to the sink.
    pub components: usize,
}

/// CycloneDX versions read: 1.4 to 1.6 share the fields used here.
pub const CYCLONEDX_VERSIONS: &[&str] = &["1.4", "1.5", "1.6"];
/// SPDX versions read (2.2 and 2.3 name packages the same way).
pub const SPDX_VERSIONS: &[&str] = &["SPDX-2.2", "SPDX-2.3"];

/// Reads an SBOM from `r`, calling `sink` for every component in document
/// order (nested CycloneDX components after their parent).
pub fn read(
    r: impl Read,
    sink: &mut dyn FnMut(SbomComponent),
) -> Result<SbomInfo, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(r);
    let info = Document { sink }.deserialize(&mut de)?;
    de.end()?;
    Ok(info)
}

struct Document<'s> {
    sink: &'s mut dyn FnMut(SbomComponent),
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = SbomInfo;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<SbomInfo, D::Error> {
        d.deserialize_map(self)
    }
}

/// The keys seen so far, to tell the format by.
#[derive(Default)]
struct Seen {
    bom_format: Option<String>,
    cdx_version: Option<String>,
    spdx_version: Option<String>,
    tools: Vec<String>,
    subject: Option<String>,
    components: usize,
    /// `components` came before `bomFormat`/`specVersion`: checked at the end.
    cdx_list: bool,
    spdx_list: bool,
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = SbomInfo;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CycloneDX or SPDX JSON document (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SbomInfo, A::Error> {
        let mut seen = Seen::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "bomFormat" => {
                    let v: String = map.next_value()?;
                    if v != "CycloneDX" {
                        return Err(de::Error::custom(format!(
                            "bomFormat is {v:?}, not \"CycloneDX\""
                        )));
                    }
                    seen.bom_format = Some(v);
                }
                "specVersion" => {
                    let v: String = map.next_value()?;
                    if !CYCLONEDX_VERSIONS.contains(&v.as_str()) {
                        return Err(de::Error::custom(format!(
                            "CycloneDX specVersion {v:?} is not read (1.4, 1.5 or 1.6)"
                        )));
                    }
                    seen.cdx_version = Some(v);
                }
                "spdxVersion" => {
                    let v: String = map.next_value()?;
                    if !SPDX_VERSIONS.contains(&v.as_str()) {
                        return Err(de::Error::custom(format!(
                            "spdxVersion {v:?} is not read (SPDX-2.2 or SPDX-2.3)"
                        )));
                    }
                    seen.spdx_version = Some(v);
                }
                "metadata" => {
                    let m: CdxMetadata = map.next_value()?;
                    seen.tools = m.tools.names();
                    seen.subject = m.component.map(|c| c.name);
                }
                "creationInfo" => {
                    let c: SpdxCreation = map.next_value()?;
                    seen.tools = c
                        .creators
                        .iter()
                        .filter_map(|c| c.strip_prefix("Tool:"))
                        .map(|t| t.trim().to_owned())
                        .collect();
                }
                "name" if seen.subject.is_none() => {
                    seen.subject = map.next_value::<Option<String>>()?;
                }
                "components" => {
                    seen.cdx_list = true;
                    seen.components += map.next_value_seed(List {
                        sink: &mut *self.sink,
                        spdx: false,
                    })?;
                }
                "packages" => {
                    seen.spdx_list = true;
                    seen.components += map.next_value_seed(List {
                        sink: &mut *self.sink,
                        spdx: true,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        finish(seen)
    }
}

/// The format the keys seen declare, or why the document is not one.
fn finish<E: de::Error>(seen: Seen) -> Result<SbomInfo, E> {
    let flavour = match (&seen.bom_format, seen.cdx_version, seen.spdx_version) {
        (Some(_), Some(v), None) => Flavour::CycloneDx(v),
        (None, None, Some(v)) if !seen.cdx_list => Flavour::Spdx(v),
        (Some(_), None, _) => return Err(E::custom("a CycloneDX document without specVersion")),
        (None, Some(_), None) => return Err(E::custom("specVersion without bomFormat")),
        (_, Some(_), Some(_)) => {
            return Err(E::custom(
                "both specVersion (CycloneDX) and spdxVersion (SPDX)",
            ));
        }
        _ if seen.spdx_list => return Err(E::custom("an SPDX document without spdxVersion")),
        _ => {
            return Err(E::custom(
                "neither a CycloneDX (bomFormat, specVersion) nor an SPDX (spdxVersion) document",
            ));
        }
    };
    Ok(SbomInfo {
        flavour,
        tools: seen.tools,
        subject: seen.subject,
        components: seen.components,
    })
}

/// A `components` or `packages` array, streamed element by element.
struct List<'s> {
    sink: &'s mut dyn FnMut(SbomComponent),
    spdx: bool,
}

impl<'de> DeserializeSeed<'de> for List<'_> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of components")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        let mut i = 0;
        if self.spdx {
            while let Some(p) = seq.next_element::<SpdxPackage>()? {
                if !p.is_subject() {
                    (self.sink)(p.into_component(format!("packages[{i}]")));
                    n += 1;
                }
                i += 1;
            }
        } else {
            while let Some(c) = seq.next_element::<CdxComponent>()? {
                n += c.flatten(format!("components[{i}]"), self.sink);
                i += 1;
            }
        }
        Ok(n)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CdxMetadata {
    tools: CdxTools,
    component: Option<CdxComponent>,
}

/// `metadata.tools`: an array of tools (1.4) or an object with
/// `components` and `services` (1.5+).
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum CdxTools {
    List(Vec<CdxTool>),
    Object {
        #[serde(default)]
        components: Vec<CdxTool>,
    },
    #[default]
    None,
}

#[derive(Deserialize)]
struct CdxTool {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

impl CdxTools {
    fn names(&self) -> Vec<String> {
        let list = match self {
            CdxTools::List(l) | CdxTools::Object { components: l } => l.as_slice(),
            CdxTools::None => &[],
        };
        list.iter()
            .filter_map(|t| {
                let name = t.name.as_deref()?;
                Some(match &t.version {
                    Some(v) => format!("{name} {v}"),
                    None => name.to_owned(),
                })
            })
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CdxComponent {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    name: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    supplier: Option<CdxOrg>,
    #[serde(default)]
    manufacturer: Option<CdxOrg>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    authors: Vec<CdxOrg>,
    #[serde(default)]
    licenses: Vec<CdxLicenseChoice>,
    #[serde(default)]
    properties: Vec<CdxProperty>,
    #[serde(default)]
    external_references: Vec<CdxReference>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CdxOrg {
    name: Option<String>,
    url: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CdxLicenseChoice {
    license: Option<CdxLicense>,
    expression: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CdxLicense {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct CdxProperty {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
struct CdxReference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

impl CdxComponent {
    /// Hands this component and those nested in it to `sink`; returns how
    /// many. A component with nested ones and no purl of its own is an
    /// assembly (sovscan's own CycloneDX writes a product so, its packages
    /// nested): only what it holds is handed on, so nothing counts twice.
    fn flatten(self, pointer: String, sink: &mut dyn FnMut(SbomComponent)) -> usize {
        if self.purl.is_none() && !self.components.is_empty() {
            return self
                .components
                .into_iter()
                .enumerate()
                .map(|(i, c)| c.flatten(format!("{pointer}.components[{i}]"), sink))
                .sum();
        }
        let CdxComponent {
            kind,
            bom_ref,
            name,
            group,
            version,
            purl,
            supplier,
            manufacturer,
            publisher,
            author,
            authors,
            licenses,
            properties,
            external_references,
            components,
        } = self;
        let homepage = external_references
            .iter()
            .find(|r| r.kind == "website")
            .map(|r| r.url.clone())
            .or_else(|| supplier.as_ref().and_then(|s| s.url.first().cloned()));
        let licenses = licenses
            .into_iter()
            .filter_map(|l| {
                l.expression
                    .or_else(|| l.license.and_then(|l| l.id.or(l.name)))
            })
            .filter(|l| !l.trim().is_empty())
            .collect();
        sink(SbomComponent {
            pointer: pointer.clone(),
            reference: bom_ref,
            kind,
            name,
            group: group.filter(|g| !g.is_empty()),
            version,
            purl,
            supplier: supplier.and_then(|s| s.name),
            manufacturer: manufacturer.and_then(|s| s.name),
            publisher,
            authors: author
                .into_iter()
                .chain(authors.into_iter().filter_map(|a| a.name))
                .collect(),
            licenses,
            homepage,
            properties: properties
                .into_iter()
                .map(|p| (p.name, p.value.unwrap_or_default()))
                .collect(),
        });
        let mut n = 1;
        for (i, c) in components.into_iter().enumerate() {
            n += c.flatten(format!("{pointer}.components[{i}]"), sink);
        }
        n
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpdxCreation {
    creators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(rename = "SPDXID", default)]
    spdx_id: Option<String>,
    name: String,
    #[serde(default)]
    version_info: Option<String>,
    #[serde(default)]
    supplier: Option<String>,
    #[serde(default)]
    originator: Option<String>,
    #[serde(default)]
    license_concluded: Option<String>,
    #[serde(default)]
    license_declared: Option<String>,
    #[serde(default)]
    homepage: Option<String>,
    #[serde(default)]
    external_refs: Vec<SpdxRef>,
    #[serde(default)]
    primary_package_purpose: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxRef {
    reference_type: String,
    reference_locator: String,
}

/// An SPDX value that states something: not `NOASSERTION` or `NONE`.
fn asserted(v: Option<String>) -> Option<String> {
    v.filter(|v| !matches!(v.trim(), "" | "NOASSERTION" | "NONE"))
}

/// `Organization: Debian <x@debian.org>` → `Debian <x@debian.org>`.
fn party(v: Option<String>) -> Option<String> {
    let v = asserted(v)?;
    let rest = v
        .strip_prefix("Organization:")
        .or_else(|| v.strip_prefix("Person:"))
        .unwrap_or(&v);
    Some(rest.trim().to_owned()).filter(|s| !s.is_empty())
}

impl SpdxPackage {
    /// The thing the document describes rather than a package in it: Syft
    /// writes the scanned directory as a package of purpose `FILE` with no
    /// purl and no version.
    fn is_subject(&self) -> bool {
        let purpose = self.primary_package_purpose.as_deref().unwrap_or("");
        matches!(purpose, "FILE" | "SOURCE")
            && asserted(self.version_info.clone()).is_none()
            && !self
                .external_refs
                .iter()
                .any(|r| r.reference_type == "purl")
    }

    fn into_component(self, pointer: String) -> SbomComponent {
        let purl = self
            .external_refs
            .iter()
            .find(|r| r.reference_type == "purl")
            .map(|r| r.reference_locator.clone());
        // The declared licence is the package's own statement; the
        // concluded one is the SBOM author's, used when nothing is declared.
        let license = asserted(self.license_declared).or(asserted(self.license_concluded));
        SbomComponent {
            pointer,
            reference: self.spdx_id,
            kind: self
                .primary_package_purpose
                .map(|p| p.to_ascii_lowercase().replace('_', "-")),
            name: self.name,
            group: None,
            version: asserted(self.version_info),
            purl,
            supplier: party(self.supplier),
            manufacturer: party(self.originator),
            publisher: None,
            authors: Vec::new(),
            licenses: license.into_iter().collect(),
            homepage: asserted(self.homepage),
            properties: Vec::new(),
        }
    }
}
