//! CycloneDX 1.6 JSON (`-o cyclonedx=bom.json`): one CycloneDX component
//! per product, its member components (packages, registry entries, bundles,
//! folders of binaries) nested in it, the assessment under `sovscan:*`
//! properties. The mapping is documented in `docs/formats.md`.
//!
//! Hand-written serde structs: the `cyclonedx-bom` crate writes only up to
//! 1.5 and brings some fifty crates; what sovscan writes is a small subset
//! of the schema. `tests/it/formats.rs` validates every demo image's output
//! against the official 1.6 schema.
//!
//! Determinism: the BOM has no `metadata.timestamp`, and its
//! `serialNumber` is a name-based (version 5) UUID of the SHA-256 of the BOM
//! itself (rendered without the serial number), so the same image, the
//! same sovscan version and the same scan day (`sovscan:scan_date`) give
//! byte-identical output, and a different BOM a
//! different serial number.

use super::{RenderError, RenderOptions};
use crate::model::inventory::Kind;
use crate::model::report::{Component, ImageReport, LicenseReport, Party, Report};
use serde::Serialize;
use sha1::Digest as _;
use std::collections::{BTreeMap, BTreeSet};

pub const SPEC_VERSION: &str = "1.6";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u32,
    metadata: Metadata,
    components: Vec<CdxComponent>,
    dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
struct Metadata {
    tools: Tools,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<CdxComponent>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<CdxComponent>,
}

#[derive(Serialize, Default)]
struct CdxComponent {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<Organization>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manufacturer: Option<Organization>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence>,
    /// A product's members.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<CdxComponent>,
}

#[derive(Serialize)]
struct Organization {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address>,
}

#[derive(Serialize)]
struct Address {
    country: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice {
    License { license: License },
    Expression { expression: String },
}

#[derive(Serialize)]
#[serde(untagged)]
enum License {
    Id { id: String },
    Name { name: String },
}

#[derive(Serialize)]
struct Property {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Evidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Occurrence {
    location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_context: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

pub fn render(report: &Report, _: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut bom = build(report);
    let unsigned = serde_json::to_vec(&bom)?;
    bom.serial_number = Some(serial_number(&unsigned));
    let mut out = serde_json::to_vec_pretty(&bom)?;
    out.push(b'\n');
    Ok(out)
}

fn build(report: &Report) -> Bom {
    // Binaries by owning component, for the evidence occurrences.
    let mut binaries: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for b in &report.binaries {
        if let Some(c) = &b.component {
            binaries
                .entry(c.as_str())
                .or_default()
                .push(b.path.as_str());
        }
    }
    let several = report.images.len() > 1;
    let mut components: Vec<CdxComponent> = Vec::new();
    let mut dependencies: Vec<Dependency> = Vec::new();
    // One image: the image is the BOM's subject (`metadata.component`).
    // Several: each image is a component of its own, and the BOM's subject
    // is left out (no single thing was scanned).
    let subject = match report.images.as_slice() {
        [one] => Some(image_component(one)),
        _ => None,
    };
    if several {
        components.extend(report.images.iter().map(image_component));
    }
    // Products at the top, each with its members nested; a report without
    // products lists its components.
    let units = report.units(false);
    for img in &report.images {
        dependencies.push(Dependency {
            reference: image_ref(img.id),
            depends_on: units
                .iter()
                .filter(|c| c.image == img.id)
                .map(|c| c.id.clone())
                .collect(),
        });
    }
    let by_id: BTreeMap<&str, &Component> = report
        .components
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    let members: BTreeMap<&str, &[String]> = report
        .products
        .iter()
        .map(|p| (p.id.as_str(), p.members.as_slice()))
        .collect();
    let root = |c: &Component| report.images.get(c.image).map(|i| i.root.as_str());
    let files = |id: &str| binaries.get(id).map_or(&[][..], |v| v.as_slice());
    for c in units.iter() {
        let mut cdx = component(c, files(&c.id), root(c), several);
        if let Some(ids) = members.get(c.id.as_str()) {
            cdx.properties.push(prop("sovscan:unit", "product"));
            cdx.properties
                .push(prop("sovscan:members", &ids.len().to_string()));
            // The members carry the package URLs: a product of several
            // packages is none of them.
            if ids.len() > 1 {
                cdx.purl = None;
            }
            cdx.components = ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .map(|m| component(m, files(&m.id), root(m), several))
                .collect();
        }
        components.push(cdx);
    }
    Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number: None,
        version: 1,
        metadata: Metadata {
            tools: Tools {
                components: vec![CdxComponent {
                    kind: "application",
                    name: report.tool.name.to_owned(),
                    version: Some(report.tool.version.to_owned()),
                    ..Default::default()
                }],
            },
            component: subject,
            // The scan's day as a property, not `timestamp`: a day is not
            // the date-time that field needs, and it keeps the BOM
            // deterministic under SOURCE_DATE_EPOCH. Absent for a report
            // before schema 1.2, which has no date.
            properties: [
                ("sovscan:schema_version", &report.schema_version),
                ("sovscan:rules_version", &report.rules.version),
                ("sovscan:rules_date", &report.rules.date),
                ("sovscan:scan_date", &report.scan.date),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| prop(k, v))
            .collect(),
        },
        components,
        dependencies,
    }
}

fn image_ref(id: usize) -> String {
    format!("image:{id}")
}

/// The scanned image as a component: an operating system when the root was
/// recognised as one, otherwise (a plain directory) an application.
fn image_component(img: &ImageReport) -> CdxComponent {
    let os = &img.os;
    let kind = match os.family.as_str() {
        "linux" | "windows" | "macos" => "operating-system",
        _ => "application",
    };
    let mut properties = vec![
        prop("sovscan:image_root", &img.root),
        prop("sovscan:os_family", os.family.as_str()),
    ];
    if let Some(id) = &os.id {
        properties.push(prop("sovscan:os_id", id));
    }
    if let Some(ev) = &os.evidence {
        properties.push(prop("sovscan:os_evidence", ev));
    }
    CdxComponent {
        kind,
        bom_ref: Some(image_ref(img.id)),
        name: os.name.clone().unwrap_or_else(|| img.root.clone()),
        version: os.version.clone(),
        description: Some(format!("workstation image at {}", img.root)),
        properties,
        ..Default::default()
    }
}

fn component(c: &Component, binaries: &[&str], root: Option<&str>, several: bool) -> CdxComponent {
    let kind = match c.kind {
        Kind::OperatingSystem => "operating-system",
        Kind::Application => "application",
        Kind::Library => "library",
    };
    let org = |p: &Party| Organization {
        name: p.name.clone(),
        address: p.country.as_ref().map(|c| Address { country: c.clone() }),
    };
    let mut properties = Vec::new();
    let mut add = |name: &str, value: String| {
        properties.push(Property {
            name: name.to_owned(),
            value,
        })
    };
    if several && let Some(root) = root {
        add("sovscan:image_root", root.to_owned());
    }
    add("sovscan:key", c.key.clone());
    add("sovscan:source", c.source.as_str().to_owned());
    add("sovscan:category", c.category.clone());
    if let Some(p) = &c.product {
        add("sovscan:product", p.id.clone());
    }
    if let Some(v) = &c.vendor {
        add("sovscan:vendor", v.id.clone());
        if let Some(country) = &v.country {
            add("sovscan:vendor_country", country.clone());
        }
    }
    if let Some(ctl) = &c.controller {
        add("sovscan:controller", ctl.id.clone());
        if let Some(country) = &ctl.country {
            add("sovscan:controller_country", country.clone());
        }
    }
    if !c.controller_chain.is_empty() {
        add("sovscan:controller_chain", c.controller_chain.join(","));
    }
    add("sovscan:jurisdiction", c.bloc_key().to_owned());
    if let Some(j) = &c.jurisdiction
        && !j.laws.is_empty()
    {
        add("sovscan:laws", j.laws.join(","));
    }
    if let Some(os) = c.license.open_source {
        add("sovscan:open_source", os.to_string());
    }
    add("sovscan:license_basis", c.license.basis.clone());
    let risk = &c.risk;
    add("sovscan:risk_level", risk.level.as_str().to_owned());
    if let Some(e) = risk.exposure {
        add("sovscan:exposure", e.to_string());
    }
    if let Some(s) = risk.score {
        add("sovscan:score", s.to_string());
    }
    if let Some(d) = &risk.dimensions {
        let all = [d.d1, d.d2, d.d3, d.d4, d.d5, d.d6, d.d7];
        for (i, v) in all.iter().enumerate() {
            add(&format!("sovscan:dimension:d{}", i + 1), v.to_string());
        }
    }
    if !risk.rules.is_empty() {
        let ids: Vec<&str> = risk.rules.iter().map(|r| r.id.as_str()).collect();
        add("sovscan:rules", ids.join(","));
    }
    if !risk.gates.is_empty() {
        add("sovscan:gates", risk.gates.join(","));
    }
    if let Some(m) = &c.matched {
        add("sovscan:match_confidence", m.confidence.as_str().to_owned());
    }
    if !c.alternatives.is_empty() {
        let ids: Vec<&str> = c.alternatives.iter().map(|a| a.id.as_str()).collect();
        add("sovscan:alternatives", ids.join(","));
    }
    for (k, v) in &c.properties {
        add(&format!("sovscan:property:{k}"), v.clone());
    }
    // Occurrences: the evidence files, then the attached binaries; each
    // location once.
    let mut seen = BTreeSet::new();
    let mut occurrences = Vec::new();
    for e in &c.evidence {
        if seen.insert(e.path.as_str()) {
            occurrences.push(Occurrence {
                location: e.path.clone(),
                additional_context: Some(format!("{}: {}", e.kind, e.detail)),
            });
        }
    }
    for b in binaries {
        if seen.insert(b) {
            occurrences.push(Occurrence {
                location: (*b).to_owned(),
                additional_context: Some("binary".into()),
            });
        }
    }
    CdxComponent {
        kind,
        bom_ref: Some(c.id.clone()),
        supplier: c.vendor.as_ref().map(org),
        manufacturer: c.controller.as_ref().map(org),
        name: c.name.clone(),
        version: c.version.clone(),
        description: None,
        licenses: licenses(&c.license),
        purl: c.purl.clone(),
        properties,
        evidence: (!occurrences.is_empty()).then_some(Evidence { occurrences }),
        components: Vec::new(),
    }
}

/// The licence as CycloneDX states it: a known SPDX id as `license.id`, a
/// valid SPDX expression (`MIT OR Apache-2.0`, `LicenseRef-proprietary`) as
/// `expression`, any other text as `license.name`.
fn licenses(l: &LicenseReport) -> Vec<LicenseChoice> {
    match l.spdx.as_deref().or(l.stated.as_deref()) {
        Some(text) => license_choices(text),
        None => Vec::new(),
    }
}

/// `licenses` of one licence text, as JSON: for tests that check every
/// SPDX id the `spdx` crate knows against the schema's list.
pub fn license_json(text: &str) -> serde_json::Value {
    serde_json::to_value(license_choices(text)).unwrap_or_default()
}

fn license_choices(text: &str) -> Vec<LicenseChoice> {
    let text = text.trim();
    // SPDX's "nothing stated" values are no licence.
    if text.is_empty() || text == "NOASSERTION" || text == "NONE" {
        return Vec::new();
    }
    // The spdx crate adds `GFDL-1.x-invariants` / `-no-invariants` ids of
    // its own, which the SPDX list (and so CycloneDX's enum) doesn't have.
    let own_id = |name: &str| name.starts_with("GFDL-") && name.ends_with("invariants");
    if let Some(id) = spdx::license_id(text).filter(|id| !own_id(id.name)) {
        return vec![LicenseChoice::License {
            license: License::Id {
                id: id.name.to_owned(),
            },
        }];
    }
    if spdx::Expression::parse(text).is_ok() {
        return vec![LicenseChoice::Expression {
            expression: text.to_owned(),
        }];
    }
    vec![LicenseChoice::License {
        license: License::Name {
            name: text.to_owned(),
        },
    }]
}

fn prop(name: &str, value: &str) -> Property {
    Property {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// `urn:uuid:` of a version-5 (name-based, SHA-1) UUID in the URL
/// namespace, whose name is the hex SHA-256 of `content`: deterministic,
/// and different for different BOMs.
fn serial_number(content: &[u8]) -> String {
    let digest = sha2::Sha256::digest(content);
    let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("urn:sovscan:bom:sha256:{name}");
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
        .urn()
        .to_string()
}

#[cfg(test)]
mod serial_number_tests {
    #[test]
    fn is_the_version_5_uuid_of_the_content_digest() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "urn:sovscan:bom:sha256:"
        //   + hashlib.sha256(b"sovscan").hexdigest()).urn
        assert_eq!(
            super::serial_number(b"sovscan"),
            "urn:uuid:33e44322-ab11-50d8-b93e-7e2f7ea003f0"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::report::LicenseReport;

    fn lic(spdx: Option<&str>, stated: Option<&str>) -> serde_json::Value {
        let l = LicenseReport {
            spdx: spdx.map(str::to_owned),
            stated: stated.map(str::to_owned),
            open_source: None,
            basis: String::new(),
        };
        serde_json::to_value(licenses(&l)).unwrap()
    }

    #[test]
    fn licences_map_to_id_expression_or_name() {
        assert_eq!(
            lic(Some("MIT"), None),
            serde_json::json!([{"license": {"id": "MIT"}}])
        );
        assert_eq!(
            lic(Some("GPL-2.0-or-later OR MIT"), None),
            serde_json::json!([{"expression": "GPL-2.0-or-later OR MIT"}])
        );
        assert_eq!(
            lic(Some("LicenseRef-proprietary"), None),
            serde_json::json!([{"expression": "LicenseRef-proprietary"}])
        );
        assert_eq!(
            lic(None, Some("Proprietary")),
            serde_json::json!([{"license": {"name": "Proprietary"}}])
        );
        assert_eq!(lic(None, None), serde_json::json!([]));
    }

    #[test]
    fn serial_number_is_a_v5_uuid_and_content_derived() {
        let a = serial_number(b"one");
        let b = serial_number(b"two");
        assert_ne!(a, b);
        assert_eq!(a, serial_number(b"one"));
        let u = a.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
