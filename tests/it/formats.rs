//! The standard output formats: CycloneDX and SARIF validate against the
//! official schemas (`tests/schemas/`, provenance in their READMEs) for
//! every demo image; one scan writes several files and a table; NDJSON and
//! CSV hold one record per component; output is deterministic; bad `-o`
//! values fail before the scan.

use crate::common::{self, run_ok};

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const IMAGES: [&str; 5] = [
    "fixtures/demo-linux",
    "fixtures/demo-macos",
    "fixtures/demo-windows",
    "fixtures/distroless",
    "fixtures/plain-dir",
];

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Resolves the schemas' `$ref`s to the committed files: nothing is fetched.
struct LocalSchemas(HashMap<String, Value>);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("schema not committed under tests/schemas: {uri}").into())
    }
}

fn cyclonedx_validator() -> jsonschema::Validator {
    let dir = "tests/schemas/cyclonedx";
    let mut refs = HashMap::new();
    for f in ["spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"] {
        refs.insert(
            format!("http://cyclonedx.org/schema/{f}"),
            load(&format!("{dir}/{f}")),
        );
    }
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas(refs))
        .build(&load(&format!("{dir}/bom-1.6.SNAPSHOT.schema.json")))
        .expect("the CycloneDX 1.6 schema compiles")
}

fn sarif_validator() -> jsonschema::Validator {
    let mut schema = load("tests/schemas/sarif/sarif-2.1.0-rtm.5.json");
    // rtm.5 has one malformed regular expression, with a stray `]`, as the
    // pattern of the `language` properties (which sovscan never writes); a
    // strict validator refuses to compile it. Only that pattern is mended,
    // in memory; the committed file stays as published.
    fn mend(v: &mut Value) -> usize {
        const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
        match v {
            Value::Object(m) => {
                let mut n = 0;
                if m.get("pattern").and_then(Value::as_str) == Some(BAD) {
                    m.insert("pattern".into(), "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into());
                    n += 1;
                }
                n + m.values_mut().map(mend).sum::<usize>()
            }
            Value::Array(a) => a.iter_mut().map(mend).sum(),
            _ => 0,
        }
    }
    assert!(mend(&mut schema) > 0, "the known rtm.5 typo is there");
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas(HashMap::new()))
        .build(&schema)
        .expect("the SARIF 2.1.0 schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is invalid:\n{}",
        errors.join("\n")
    );
}

/// Scans `roots` writing `format` to stdout and returns it parsed.
fn scan_as(format: &str, roots: &[&str], extra: &[&str]) -> Value {
    let out = run_ok(
        common::sovscan()
            .args(["scan", "--no-progress", "-f", format])
            .args(extra)
            .args(roots)
            .timeout(std::time::Duration::from_secs(120)),
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_schemas_reject_what_they_should() {
    // The validators are real: a broken document fails.
    let cdx = cyclonedx_validator();
    let bad = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
        "components": [{"type": "app", "name": "x"}]});
    assert!(!cdx.is_valid(&bad));
    let bad_licence = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
        "components": [{"type": "application", "name": "x",
            "licenses": [{"license": {"id": "Not-An-SPDX-Id"}}]}]});
    assert!(!cdx.is_valid(&bad_licence), "the SPDX $ref is resolved");
    let sarif = sarif_validator();
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"message": {"text": "m"}, "level": "fatal"}]}]});
    assert!(!sarif.is_valid(&bad));
}

#[test]
fn every_spdx_id_sovscan_knows_is_valid_cyclonedx() {
    // A licence id the spdx crate knows but the CycloneDX schema's SPDX list
    // doesn't would make a BOM invalid: check them all (and again after
    // every upgrade of the crate).
    let cdx = cyclonedx_validator();
    let mut bad = Vec::new();
    for l in spdx::identifiers::LICENSES {
        let bom = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
            "version": 1,
            "components": [{"type": "application", "name": "x",
                "licenses": sovscan::report::cyclonedx::license_json(l.name)}]});
        if !cdx.is_valid(&bom) {
            bad.push(l.name);
        }
    }
    assert!(bad.is_empty(), "not valid in CycloneDX 1.6: {bad:?}");
    assert_eq!(
        sovscan::report::cyclonedx::license_json("NOASSERTION"),
        serde_json::json!([])
    );
}

#[test]
fn every_demo_image_gives_valid_cyclonedx_and_sarif() {
    let cdx = cyclonedx_validator();
    let sarif = sarif_validator();
    for image in IMAGES {
        let json = common::scan_json(&[Path::new(image)]);
        let n = json["components"].as_array().unwrap().len();
        let products = json["products"].as_array().unwrap().len();
        assert!(n > 0, "{image} has components");
        assert!(
            products > 0 && products <= n,
            "{image}: {products} products"
        );

        // One CycloneDX component per product, every component nested in
        // exactly one of them.
        let bom = scan_as("cyclonedx", &[image], &[]);
        assert_valid(&cdx, &bom, &format!("CycloneDX of {image}"));
        assert_eq!(bom["specVersion"], "1.6");
        let top = bom["components"].as_array().unwrap();
        assert_eq!(top.len(), products);
        let nested: Vec<&str> = top
            .iter()
            .flat_map(|p| p["components"].as_array().unwrap())
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        let mut ids: Vec<&str> = json["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let mut sorted = nested.clone();
        sorted.sort();
        ids.sort();
        assert_eq!(sorted, ids, "{image}: each component nested once");
        assert_eq!(bom["metadata"]["component"]["bom-ref"], "image:0");

        // All levels, so every product's result is validated; with
        // --components every component's.
        let log = scan_as("sarif", &[image], &["--sarif-min-level", "low"]);
        assert_valid(&sarif, &log, &format!("SARIF of {image}"));
        assert_eq!(
            log["runs"][0]["results"].as_array().unwrap().len(),
            products
        );
        let all = ["--sarif-min-level", "low", "--components"];
        let log = scan_as("sarif", &[image], &all);
        assert_valid(&sarif, &log, &format!("SARIF of {image}'s components"));
        assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), n);
        let log = scan_as("sarif", &[image], &[]);
        assert_valid(&sarif, &log, &format!("SARIF (min high) of {image}"));
    }
    // Several images in one BOM: each image a component, components tagged.
    let bom = scan_as(
        "cyclonedx",
        &["fixtures/demo-linux", "fixtures/plain-dir"],
        &[],
    );
    assert_valid(&cdx, &bom, "CycloneDX of two images");
    assert!(bom["metadata"].get("component").is_none());
    let refs: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert!(refs.contains(&"image:0") && refs.contains(&"image:1"));
    let unique: std::collections::HashSet<_> = refs.iter().collect();
    assert_eq!(unique.len(), refs.len(), "bom-refs are unique");
}

fn prop<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    c["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

#[test]
fn cyclonedx_maps_the_assessment() {
    let bom = scan_as("cyclonedx", &["fixtures/demo-linux"], &[]);
    let products = bom["components"].as_array().unwrap();
    // Products at the top, their members nested.
    let comps: Vec<&Value> = products
        .iter()
        .flat_map(|p| p["components"].as_array().unwrap())
        .collect();
    let by_ref = |r: &str| {
        comps
            .iter()
            .copied()
            .find(|c| c["bom-ref"] == r)
            .unwrap_or_else(|| panic!("{r} in the BOM"))
    };
    let zoom_product = products
        .iter()
        .find(|p| p["bom-ref"] == "0:product:zoom")
        .expect("Zoom is one product");
    assert_eq!(prop(zoom_product, "sovscan:unit"), Some("product"));
    assert_eq!(prop(zoom_product, "sovscan:members"), Some("2"));
    assert_eq!(prop(zoom_product, "sovscan:key"), Some("product:zoom"));
    assert_eq!(prop(zoom_product, "sovscan:risk_level"), Some("high"));
    assert!(zoom_product.get("purl").is_none(), "two packages: no purl");
    let zoom = by_ref("0:binary:opt/zoom");
    assert_eq!(zoom["supplier"]["name"], "Zoom");
    assert_eq!(zoom["manufacturer"]["address"]["country"], "US");
    assert_eq!(prop(zoom, "sovscan:risk_level"), Some("high"));
    assert_eq!(prop(zoom, "sovscan:controller_country"), Some("US"));
    assert_eq!(prop(zoom, "sovscan:jurisdiction"), Some("us"));
    assert_eq!(prop(zoom, "sovscan:category"), Some("collaboration"));
    assert_eq!(prop(zoom, "sovscan:source"), Some("binary"));
    assert_eq!(prop(zoom, "sovscan:key"), Some("binary:opt/zoom"));
    assert!(
        prop(zoom, "sovscan:rules")
            .unwrap()
            .contains("JUR-US-CONTROL")
    );
    assert!(prop(zoom, "sovscan:dimension:d7").is_some());
    assert!(
        zoom["evidence"]["occurrences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["location"].as_str().unwrap().starts_with("opt/zoom/"))
    );
    let musl = by_ref("0:apk:musl:x86_64@1.2.5-r0");
    assert_eq!(
        musl["licenses"],
        serde_json::json!([{"license": {"id": "MIT"}}])
    );
    assert_eq!(musl["purl"], "pkg:apk/debian/musl@1.2.5-r0?arch=x86_64");
    assert_eq!(musl["type"], "application");
    let icaclient = comps
        .iter()
        .copied()
        .find(|c| c["name"] == "ICAClient")
        .expect("ICAClient");
    assert_eq!(
        icaclient["licenses"],
        serde_json::json!([{"license": {"name": "Proprietary"}}])
    );
    let os = by_ref("0:os:debian@12");
    assert_eq!(os["type"], "operating-system");
    assert_eq!(
        os["licenses"],
        serde_json::json!([{"expression": "LicenseRef-distribution-free"}])
    );
    // Unresolved: no supplier, level unknown.
    let unknown = by_ref("0:binary:opt/vendor-tool");
    assert!(unknown.get("supplier").is_none());
    assert_eq!(prop(unknown, "sovscan:risk_level"), Some("unknown"));
    assert_eq!(prop(unknown, "sovscan:jurisdiction"), Some("unknown"));
}

#[test]
fn sarif_results_follow_the_levels() {
    let report = common::scan_json(&[Path::new("fixtures/demo-linux")]);
    // One result per product by default.
    let levels: HashMap<&str, &str> = report["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["risk"]["level"].as_str().unwrap(),
            )
        })
        .collect();
    let count = |pred: &dyn Fn(&str) -> bool| levels.values().filter(|l| pred(l)).count();

    let log = scan_as("sarif", &["fixtures/demo-linux"], &[]);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    // Default: high and critical only.
    assert_eq!(results.len(), count(&|l| l == "high" || l == "critical"));
    assert!(!results.is_empty());
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"VENDOR-UNRESOLVED"));
    for r in results {
        let id = r["partialFingerprints"]["sovscanComponent/v2"]
            .as_str()
            .unwrap();
        assert!(id.starts_with("0:"), "image and key: {id}");
        assert_eq!(r["level"], "error", "{id}");
        let rule = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], rule);
        let text = r["message"]["text"].as_str().unwrap();
        assert!(
            text.contains("risk high") || text.contains("risk critical"),
            "{text}"
        );
        assert!(text.contains("controller"), "{text}");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "IMAGE0"
        );
    }
    let zoom = results
        .iter()
        .find(|r| r["partialFingerprints"]["sovscanComponent/v2"] == "0:product:zoom")
        .expect("zoom is high");
    // Zoom's highest-scoring fired rule.
    assert_eq!(zoom["ruleId"], "JUR-US-CONTROL");
    assert!(
        zoom["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Zoom (US)")
    );
    // The location is evidence of one of the product's members.
    let uri = &zoom["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    let members = report["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "0:product:zoom")
        .unwrap()["members"]
        .clone();
    assert!(
        report["components"].as_array().unwrap().iter().any(|c| {
            members.as_array().unwrap().contains(&c["id"])
                && c["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["path"] == *uri)
        }),
        "{uri} is a member's evidence"
    );

    // unknown counts above medium: --sarif-min-level unknown adds them.
    let log = scan_as(
        "sarif",
        &["fixtures/demo-linux"],
        &["--sarif-min-level", "unknown"],
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        count(&|l| l == "high" || l == "critical" || l == "unknown")
    );
    let unknown = results
        .iter()
        .find(|r| {
            r["partialFingerprints"]["sovscanComponent/v2"]
                == "0:unidentified:binary:opt/vendor-tool"
        })
        .expect("the unresolved product is reported");
    assert_eq!(unknown["level"], "warning");
    assert_eq!(unknown["ruleId"], "VENDOR-UNRESOLVED");
    let log = scan_as(
        "sarif",
        &["fixtures/demo-linux"],
        &["--sarif-min-level", "low"],
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["level"] == "note"));
}

/// A floor is a gate in SARIF too: it decides the result's rule and its
/// descriptor says which level it raises to, not "critical".
#[test]
fn sarif_names_a_floor_as_a_floor() {
    let log = scan_as(
        "sarif",
        &["fixtures/demo-macos"],
        &["--sarif-min-level", "medium"],
    );
    let run = &log["runs"][0];
    let floor = "FLOOR-UNIDENTIFIED-FOREIGN-PRODUCT";
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == floor)
        .expect("the floor's descriptor");
    assert_eq!(
        rule["shortDescription"]["text"],
        format!("{floor}: floor, the level is at least medium")
    );
    assert!(
        rule["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("A product of a vendor controlled outside the EU"),
        "{rule}"
    );
    let receipt = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["properties"]["name"] == "com.microsoft.package.Microsoft_AutoUpdate.app")
        .expect("the Microsoft AutoUpdate receipt, medium");
    assert_eq!(receipt["ruleId"], floor);
}

#[test]
fn one_scan_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let arg = |fmt: &str, f: &str| format!("{fmt}={}", p(f).display());
    let out = run_ok(
        common::sovscan()
            .args(["scan", "--no-progress", "fixtures/demo-linux"])
            .args(["-o", &arg("json", "scan.json")])
            .args(["-o", &arg("cyclonedx", "bom.json")])
            .args(["-o", &arg("sarif", "scan.sarif")])
            .args(["-o", &arg("csv", "components.csv")])
            .args(["-o", &arg("ndjson", "components.ndjson")])
            .timeout(std::time::Duration::from_secs(120)),
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Sovereignty index"),
        "a table on stdout:\n{stdout}"
    );

    let report: Value = serde_json::from_slice(&std::fs::read(p("scan.json")).unwrap()).unwrap();
    // Products by default (see `components_instead_of_products` for the
    // raw inventory).
    let components = report["products"].as_array().unwrap();
    let n = components.len();
    let bom: Value = serde_json::from_slice(&std::fs::read(p("bom.json")).unwrap()).unwrap();
    assert_valid(&cyclonedx_validator(), &bom, "bom.json");
    let log: Value = serde_json::from_slice(&std::fs::read(p("scan.sarif")).unwrap()).unwrap();
    assert_valid(&sarif_validator(), &log, "scan.sarif");

    // NDJSON: one parseable object per line, one line per component, in
    // report order, each the component plus image_root.
    let nd = std::fs::read_to_string(p("components.ndjson")).unwrap();
    let lines: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).expect("each NDJSON line is JSON"))
        .collect();
    assert_eq!(lines.len(), n);
    assert!(nd.ends_with('\n'));
    for (line, c) in lines.iter().zip(components) {
        assert_eq!(line["id"], c["id"]);
        assert_eq!(line["image"], 0);
        assert_eq!(line["image_root"], "fixtures/demo-linux");
        let mut without = line.clone();
        without.as_object_mut().unwrap().remove("image_root");
        assert_eq!(&without, c, "an NDJSON line is the product");
    }

    // CSV: the documented header, one row per component.
    let mut rdr = csv::Reader::from_path(p("components.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header.join(","),
        "image,id,name,version,arch,source,category,product,vendor,vendor_country,controller,controller_country,jurisdiction_bloc,license,open_source,risk_level,exposure,score,d1,d2,d3,d4,d5,d6,d7,confidence,evidence,key,alternatives,workplace,role_weight"
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), n);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, c) in rows.iter().zip(components) {
        assert_eq!(&row[col("id")], c["id"].as_str().unwrap());
        assert_eq!(&row[col("key")], c["key"].as_str().unwrap());
        assert_eq!(&row[col("image")], "fixtures/demo-linux");
        assert_eq!(
            &row[col("risk_level")],
            c["risk"]["level"].as_str().unwrap()
        );
    }
    let zoom = rows
        .iter()
        .find(|r| &r[col("id")] == "0:product:zoom")
        .unwrap();
    assert_eq!(&zoom[col("key")], "product:zoom");
    assert_eq!(&zoom[col("controller_country")], "US");
    assert_eq!(&zoom[col("jurisdiction_bloc")], "us");
    assert_eq!(&zoom[col("open_source")], "false");
    assert!(!zoom[col("d7")].is_empty());
}

#[test]
fn csv_quotes_commas_quotes_and_newlines() {
    // The image root is a cell of every row: give it the characters RFC
    // 4180 must quote.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("desk, \"2026\"\nimage");
    common::write(
        &root.join("opt/tool/bin/tool"),
        &common::elf(b"\x01\x02\x03\x04", None),
        0o755,
    );
    let out = run_ok(
        common::sovscan()
            .args(["scan", "--no-progress", "-f", "csv"])
            .arg(&root),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("/desk, \"\"2026\"\"\nimage\","), "{text}");
    assert!(
        text.starts_with("image,id,") && text.contains("\r\n\""),
        "CRLF rows, quoted cell"
    );
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], root.to_str().unwrap());
    assert_eq!(
        &rows[0][15], "unknown",
        "risk_level of an unresolved binary"
    );
}

#[test]
fn plain_output_file_keeps_its_meaning_and_quiet_silences_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scan.json");
    let out = run_ok(
        common::sovscan()
            .args([
                "scan",
                "--no-progress",
                "-f",
                "json",
                "fixtures/plain-dir",
                "-o",
            ])
            .arg(&file),
    );
    assert!(out.stdout.is_empty(), "-o FILE: nothing on stdout");
    let v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(v["schema_version"], "1.7");

    let csv_file = dir.path().join("c.csv");
    let out = run_ok(
        common::sovscan()
            .args(["scan", "--no-progress", "-q", "fixtures/plain-dir", "-o"])
            .arg(format!("csv={}", csv_file.display())),
    );
    assert!(out.stdout.is_empty(), "-q with -o: nothing on stdout");
    assert!(
        std::fs::read_to_string(&csv_file)
            .unwrap()
            .starts_with("image,id,")
    );
    // No temporary files left behind.
    let names: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn cyclonedx_is_deterministic() {
    let a = common::sovscan()
        .args([
            "scan",
            "--no-progress",
            "-f",
            "cyclonedx",
            "fixtures/demo-windows",
        ])
        .output()
        .unwrap();
    let b = common::sovscan()
        .args([
            "scan",
            "--no-progress",
            "-j",
            "1",
            "-f",
            "cyclonedx",
            "fixtures/demo-windows",
        ])
        .output()
        .unwrap();
    assert!(a.status.success() && b.status.success());
    assert!(!a.stdout.is_empty());
    assert_eq!(
        a.stdout, b.stdout,
        "two scans give identical CycloneDX bytes"
    );
    // A different image gives a different serial number.
    let c = scan_as("cyclonedx", &["fixtures/distroless"], &[]);
    let a: Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_ne!(a["serialNumber"], c["serialNumber"]);
    let n = common::sovscan()
        .args([
            "scan",
            "--no-progress",
            "-f",
            "ndjson",
            "fixtures/demo-windows",
        ])
        .output()
        .unwrap();
    let m = common::sovscan()
        .args([
            "scan",
            "--no-progress",
            "-f",
            "ndjson",
            "-j",
            "1",
            "fixtures/demo-windows",
        ])
        .output()
        .unwrap();
    assert_eq!(n.stdout, m.stdout, "NDJSON is deterministic too");
}

#[test]
fn bad_outputs_fail_before_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["-o".into(), format!("spdx={}/x.json", dir.path().display())],
            "unknown format \"spdx\"",
        ),
        (vec!["-o".into(), "json=".into()], "no file name after '='"),
        (
            vec![
                "-o".into(),
                format!("json={}/no/such/dir/x.json", dir.path().display()),
            ],
            "output directory does not exist",
        ),
        (
            vec!["-o".into(), format!("sarif={}", dir.path().display())],
            "is a directory",
        ),
        (
            vec![
                "-o".into(),
                format!("json={}/a.json", dir.path().display()),
                "-o".into(),
                format!("csv={}/a.json", dir.path().display()),
            ],
            "given twice",
        ),
    ];
    for (args, message) in cases {
        // The root doesn't exist: the output check must come first.
        let out = common::sovscan()
            .args([
                "scan",
                "--no-progress",
                "/nonexistent-root-for-formats-test",
            ])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("sovscan: error: "), "{err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // An unwritable directory (unless running as root, which writes anyway).
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if tempfile::tempfile_in(&ro).is_err() {
        let out = common::sovscan()
            .args(["scan", "fixtures/plain-dir", "-o"])
            .arg(format!("json={}/x.json", ro.display()))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    }
    // Unknown -f and --sarif-min-level are usage errors too.
    for args in [["-f", "xml"], ["--sarif-min-level", "severe"]] {
        let out = common::sovscan()
            .args(["scan", "fixtures/plain-dir"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn components_instead_of_products() {
    // `--components` lists the raw inventory in the table, CSV, NDJSON and
    // SARIF; `report` takes it too, on a saved scan.
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let arg = |fmt: &str, f: &str| format!("{fmt}={}", p(f).display());
    run_ok(
        common::sovscan()
            .args([
                "scan",
                "--no-progress",
                "--components",
                "fixtures/demo-linux",
            ])
            .args(["-o", &arg("json", "scan.json")])
            .args(["-o", &arg("csv", "components.csv")])
            .args(["-o", &arg("ndjson", "components.ndjson")])
            .args(["-o", &arg("table", "components.txt")]),
    );
    let report: Value = serde_json::from_slice(&std::fs::read(p("scan.json")).unwrap()).unwrap();
    let components = report["components"].as_array().unwrap();
    let products = report["products"].as_array().unwrap();
    assert!(products.len() < components.len(), "split packages fold");
    let nd = std::fs::read_to_string(p("components.ndjson")).unwrap();
    let ids: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone())
        .collect();
    let want: Vec<Value> = components.iter().map(|c| c["id"].clone()).collect();
    assert_eq!(ids, want);
    let rows = csv::Reader::from_path(p("components.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, components.len());
    let table = std::fs::read_to_string(p("components.txt")).unwrap();
    assert!(table.starts_with("component "), "{table}");
    assert!(table.contains("libreoffice-core"), "{table}");
    // The default table lists products: LibreOffice once, AnyDesk with
    // its two installations.
    let out = common::sovscan()
        .args(["report", "-f", "table"])
        .arg(p("scan.json"))
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("product "), "{table}");
    assert!(!table.contains("libreoffice-core"), "{table}");
    assert_eq!(table.matches("LibreOffice").count(), 1, "{table}");
    assert!(table.contains("AnyDesk (2 installs)"), "{table}");
    assert!(table.contains("Products: "), "{table}");
}
