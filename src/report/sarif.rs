//! SARIF 2.1.0 (`-o sarif=scan.sarif`), for code-scanning dashboards: one
//! result per component at or above `--sarif-min-level`, its rule the
//! component's deciding model rule (or the hard gate that fired).
//! The mapping is documented in `docs/formats.md`.
//!
//! Hand-written serde structs: `serde-sarif` models the whole standard in
//! some twenty crates; sovscan writes one run with a few fields.
//! `tests/it/formats.rs` validates the output against the official schema.

use super::{RenderError, RenderOptions};
use crate::model::report::{Component, Report};
use crate::model::risk::Level;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<String, ArtifactLocation>,
    results: Vec<SarifResult>,
    properties: Map<String, Value>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    semantic_version: String,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    properties: Map<String, Value>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

/// The SARIF level of a risk level: critical and high are errors, unknown
/// and medium warnings, low a note.
pub fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Critical | Level::High => "error",
        Level::Unknown | Level::Medium => "warning",
        Level::Low => "note",
    }
}

/// The rule a component's result is filed under: the first hard gate that
/// fired, else the highest-scoring fired model rule (the first of equals, in
/// the model's order).
pub fn deciding_rule(c: &Component) -> Option<&str> {
    if let Some(g) = c.risk.gates.first() {
        return Some(g);
    }
    let mut best: Option<&crate::model::risk::FiredRule> = None;
    for r in &c.risk.rules {
        if best.is_none_or(|b| r.score > b.score) {
            best = Some(r);
        }
    }
    best.map(|r| r.id.as_str())
}

/// The `uriBaseId` of image `i`.
fn base_id(i: usize) -> String {
    format!("IMAGE{i}")
}

/// The rule descriptors: every model rule and gate fired in a reported
/// component, and VENDOR-UNRESOLVED, sorted by id.
fn descriptors(selected: &[&Component]) -> BTreeMap<String, RuleDescriptor> {
    let mut rules: BTreeMap<String, RuleDescriptor> = BTreeMap::new();
    rules.insert(
        "VENDOR-UNRESOLVED".into(),
        descriptor(
            "VENDOR-UNRESOLVED",
            "vendor not identified: level unknown".into(),
            "An unresolved vendor is never low risk: its level stays unknown.".into(),
            json!({"kind": "model-rule"}),
        ),
    );
    for c in selected {
        for r in &c.risk.rules {
            rules.entry(r.id.clone()).or_insert_with(|| {
                descriptor(
                    &r.id,
                    format!("{}: {} = {}", r.id, r.dimension.as_str(), r.score),
                    r.rationale.clone(),
                    json!({"kind": "model-rule", "dimension": r.dimension.as_str(), "score": r.score}),
                )
            });
        }
        for g in &c.risk.gates {
            rules.entry(g.clone()).or_insert_with(|| {
                // The report keeps a gate's rationale and level only in the
                // reasons (`ID: rationale → critical`; a floor `→ high`).
                let prefix = format!("{g}: ");
                let reason = c.risk.reasons.iter().find_map(|r| r.strip_prefix(&prefix));
                let (rationale, level) = match reason.and_then(|r| r.rsplit_once(" → ")) {
                    Some((why, level)) => (why.to_owned(), level),
                    None => (
                        "A hard gate of the assessment model held.".into(),
                        "critical",
                    ),
                };
                let short = match level {
                    "critical" => format!("{g}: hard gate, the level is critical"),
                    l => format!("{g}: floor, the level is at least {l}"),
                };
                descriptor(g, short, rationale, json!({"kind": "gate"}))
            });
        }
    }
    rules
}

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let min = opts.sarif_min_level.severity();
    let units = report.units(opts.components);
    let selected: Vec<&Component> = units
        .iter()
        .filter(|c| c.risk.level.severity() >= min)
        .collect();

    let rules = descriptors(&selected);
    let index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();

    let mut results = Vec::new();
    for c in &selected {
        let rule_id = deciding_rule(c).unwrap_or("VENDOR-UNRESOLVED").to_owned();
        let locations = c
            .evidence
            .first()
            .map(|e| Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: Some(uri_path(&e.path)),
                        uri_base_id: Some(base_id(c.image)),
                        description: None,
                    },
                },
            })
            .into_iter()
            .collect();
        results.push(SarifResult {
            rule_index: index[rule_id.as_str()],
            rule_id,
            level: sarif_level(c.risk.level),
            message: Text { text: message(c) },
            locations,
            // v2: the image and the component's key, without the version,
            // so a result survives an upgrade (v1 was the id, which has it).
            partial_fingerprints: BTreeMap::from([("sovscanComponent/v2", c.identity())]),
            properties: properties(c),
        });
    }

    let original_uri_base_ids = report
        .images
        .iter()
        .map(|img| (base_id(img.id), root_location(&img.root)))
        .collect();
    let mut run_props = Map::new();
    run_props.insert(
        "sovscan_schema_version".into(),
        report.schema_version.as_str().into(),
    );
    run_props.insert("rules_version".into(), report.rules.version.clone().into());
    run_props.insert("rules_date".into(), report.rules.date.clone().into());
    if !report.scan.date.is_empty() {
        run_props.insert("scan_date".into(), report.scan.date.clone().into());
    }
    run_props.insert("min_level".into(), opts.sarif_min_level.as_str().into());
    run_props.insert("components".into(), report.components.len().into());
    if !report.products.is_empty() {
        run_props.insert("products".into(), report.products.len().into());
        run_props.insert(
            "unit".into(),
            if opts.components {
                "component"
            } else {
                "product"
            }
            .into(),
        );
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    semantic_version: report.tool.version.clone(),
                    rules: rules.into_values().collect(),
                },
            },
            original_uri_base_ids,
            results,
            properties: run_props,
        }],
    };
    let mut out = serde_json::to_vec_pretty(&log)?;
    out.push(b'\n');
    Ok(out)
}

fn descriptor(id: &str, short: String, full: String, props: Value) -> RuleDescriptor {
    let Value::Object(properties) = props else {
        unreachable!("descriptor properties are an object literal")
    };
    RuleDescriptor {
        id: id.to_owned(),
        short_description: Text { text: short },
        full_description: Text { text: full },
        help: Text {
            text: format!(
                "{id} is a rule of the sovscan assessment model: see docs/model.md, and `sovscan explain COMPONENT` for the whole trace of a component."
            ),
        },
        properties,
    }
}

/// The explanation: a headline with level, exposure, controller and
/// country, then the assessment's reasons one a line.
fn message(c: &Component) -> String {
    let mut s = c.name.clone();
    if let Some(v) = &c.version {
        s.push(' ');
        s.push_str(v);
    }
    s.push_str(&format!(": risk {}", c.risk.level.as_str()));
    match (c.risk.exposure, c.risk.score) {
        (Some(e), Some(sc)) => s.push_str(&format!(" (exposure {e:.2}, score {sc:.2})")),
        (Some(e), None) => s.push_str(&format!(" (exposure {e:.2})")),
        _ => {}
    }
    match &c.controller {
        Some(ctl) => {
            s.push_str(&format!(
                "; controller {} ({})",
                ctl.name,
                ctl.country.as_deref().unwrap_or("no country: community")
            ));
            if let Some(j) = &c.jurisdiction
                && !j.laws.is_empty()
            {
                s.push_str(&format!("; laws {}", j.laws.join(", ")));
            }
        }
        None => s.push_str("; controller unknown"),
    }
    // Then the reasons, one a line.
    s.push('.');
    for r in &c.risk.reasons {
        s.push('\n');
        s.push_str(r);
    }
    s
}

fn properties(c: &Component) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("component".into(), c.id.clone().into());
    m.insert("name".into(), c.name.clone().into());
    m.insert("version".into(), json!(c.version));
    m.insert("source".into(), c.source.as_str().into());
    m.insert("category".into(), c.category.clone().into());
    m.insert("product".into(), json!(c.product.as_ref().map(|p| &p.id)));
    m.insert("vendor".into(), json!(c.vendor.as_ref().map(|p| &p.id)));
    m.insert(
        "controller".into(),
        json!(c.controller.as_ref().map(|p| &p.id)),
    );
    m.insert(
        "controller_country".into(),
        json!(c.controller.as_ref().and_then(|p| p.country.as_ref())),
    );
    m.insert("jurisdiction".into(), c.bloc_key().into());
    m.insert("risk_level".into(), c.risk.level.as_str().into());
    m.insert("exposure".into(), json!(c.risk.exposure));
    m.insert("score".into(), json!(c.risk.score));
    m.insert("dimensions".into(), json!(c.risk.dimensions));
    m.insert(
        "rules".into(),
        json!(c.risk.rules.iter().map(|r| &r.id).collect::<Vec<_>>()),
    );
    m.insert("gates".into(), json!(c.risk.gates));
    m.insert("open_source".into(), json!(c.license.open_source));
    m.insert(
        "alternatives".into(),
        json!(c.alternatives.iter().map(|a| &a.id).collect::<Vec<_>>()),
    );
    m
}

/// Where an image root is: a `file://` URI for an absolute root; for a
/// relative one (as given on the command line) only a description, since
/// SARIF base URIs must be absolute and the report names the root as given.
fn root_location(root: &str) -> ArtifactLocation {
    if root.starts_with('/') {
        let mut uri = format!("file://{}", uri_path(root));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        ArtifactLocation {
            uri: Some(uri),
            uri_base_id: None,
            description: Some(Text {
                text: format!("image root {root}"),
            }),
        }
    } else {
        ArtifactLocation {
            uri: None,
            uri_base_id: None,
            description: Some(Text {
                text: format!("image root {root} (relative to the directory sovscan ran in)"),
            }),
        }
    }
}

/// A path as a URI path: every byte but the unreserved characters and `/`
/// percent-encoded (so `:` in a first segment can't read as a scheme).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_sarif_levels() {
        assert_eq!(sarif_level(Level::Critical), "error");
        assert_eq!(sarif_level(Level::High), "error");
        assert_eq!(sarif_level(Level::Unknown), "warning");
        assert_eq!(sarif_level(Level::Medium), "warning");
        assert_eq!(sarif_level(Level::Low), "note");
    }

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri_path("opt/zoom/zoom"), "opt/zoom/zoom");
        assert_eq!(
            uri_path("Program Files/a:b/ä#1"),
            "Program%20Files/a%3Ab/%C3%A4%231"
        );
        assert_eq!(
            root_location("/srv/img 1").uri.as_deref(),
            Some("file:///srv/img%201/")
        );
        assert!(root_location("img").uri.is_none());
    }
}
