//! The assessment model (docs/model.md): its worked examples, its
//! properties, and policy overrides checked against the formula.

use crate::common::*;
use proptest::prelude::*;
use serde_json::Value;
use sovscan::assess::aggregate::index;
use sovscan::assess::{Context, Subject, assess, exposure, level_for, typical_role};
use sovscan::date::Date;
use sovscan::model::risk::{Dimensions, Level};
use sovscan::rules::RuleDb;
use std::sync::OnceLock;

fn db() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| RuleDb::embedded().expect("embedded rules"))
}

/// Assesses a product of the rule database as the scan would when it
/// recognises it (licence from the product rule).
fn assess_product(id: &str) -> sovscan::model::risk::Risk {
    let db = db();
    let p = db.product(id).unwrap_or_else(|| panic!("no product {id}"));
    let chain = db.chain(p.vendor);
    let params = db.model.params.clone();
    let cx = Context {
        db,
        params: &params,
        mitigations: &[],
        db_date: Date::parse(&db.meta.date).unwrap(),
    };
    assess(
        &Subject {
            chain: &chain,
            channel: None,
            product: Some(p),
            open_source: db.license_is_open(&p.license),
            license: Some(&p.license),
            category: db.category(&p.category),
            role_assumed: false,
        },
        &cx,
    )
}

#[test]
fn worked_examples_of_docs_model() {
    let lo = assess_product("libreoffice");
    assert_eq!(lo.level, Level::Low, "{:?}", lo.reasons);
    assert_eq!(lo.exposure, Some(0.0));

    let ff = assess_product("firefox");
    assert_eq!(ff.level, Level::Medium, "{:?}", ff.reasons);
    assert_eq!((ff.exposure, ff.score), (Some(0.82), Some(2.47)));

    let m365 = assess_product("microsoft-365");
    assert_eq!(m365.level, Level::High, "{:?}", m365.reasons);
    assert_eq!((m365.exposure, m365.score), (Some(1.76), Some(5.29)));

    let kas = assess_product("kaspersky-endpoint");
    assert_eq!(kas.level, Level::Critical);
    assert!(
        kas.gates.contains(&"GATE-OFFICIAL-WARNING".to_owned()),
        "{:?}",
        kas.gates
    );
    assert!(
        kas.gates
            .contains(&"GATE-HOSTILE-STATE-CRITICAL-ROLE".to_owned())
    );

    // An unsigned tool from an unknown vendor.
    let params = db().model.params.clone();
    let cx = Context {
        db: db(),
        params: &params,
        mitigations: &[],
        db_date: Date::parse("2026-11-22").unwrap(),
    };
    let unknown = assess(
        &Subject {
            chain: &[],
            channel: None,
            product: None,
            open_source: None,
            license: None,
            category: db().category("unknown"),
            role_assumed: false,
        },
        &cx,
    );
    assert_eq!(unknown.level, Level::Unknown);
    assert_eq!(unknown.exposure, None);
}

/// docs/model.md §5, "High — CapCut on Windows": a known vendor's product
/// no rule identifies takes the vendor's typical role, and the floor for a
/// CN controller in a networked role makes it high.
#[test]
fn worked_example_of_an_unidentified_product_of_a_cn_vendor() {
    let db = db();
    let chain = db.chain(db.vendor_index("bytedance").unwrap());
    let role = typical_role(db, &chain).unwrap();
    assert_eq!(role.id, "collaboration");
    let params = db.model.params.clone();
    let cx = Context {
        db,
        params: &params,
        mitigations: &[],
        db_date: Date::parse(&db.meta.date).unwrap(),
    };
    let subject = |category, role_assumed| Subject {
        chain: &chain,
        channel: None,
        product: None,
        open_source: None,
        license: None,
        category,
        role_assumed,
    };
    let capcut = assess(&subject(Some(role), true), &cx);
    assert_eq!((capcut.exposure, capcut.score), (Some(0.82), Some(2.47)));
    assert_eq!(capcut.level, Level::High, "{:?}", capcut.reasons);
    assert_eq!(
        capcut.gates,
        [
            "FLOOR-HOSTILE-STATE-NETWORKED-ROLE",
            "FLOOR-UNIDENTIFIED-FOREIGN-PRODUCT"
        ]
    );
    assert_eq!(capcut.assumed_role.as_deref(), Some("collaboration"));
    // What it was before: the unknown role, not networked, not assumed.
    let mut db2 = RuleDb::embedded().unwrap();
    db2.model.gates.retain(|g| !g.id.starts_with("FLOOR-"));
    let cx2 = Context { db: &db2, ..cx };
    let before = assess(&subject(db2.category("unknown"), false), &cx2);
    assert_eq!((before.score, before.level), (Some(1.65), Level::Low));
}

#[test]
fn control_chains_decide_legal_exposure() {
    // Skype S.à r.l. (LU) is controlled by Microsoft (US): US exposure.
    let skype = assess_product("skype");
    assert_eq!(skype.dimensions.unwrap().d1, 3);
    assert!(
        skype
            .rules
            .iter()
            .any(|r| r.id == "JUR-EU-SUBSIDIARY-FOREIGN-PARENT")
    );
    assert!(skype.rules.iter().any(|r| r.id == "JUR-US-CONTROL"));
    // Omnissa: bought by KKR in 2024, private equity: D2.
    let horizon = assess_product("horizon-client");
    assert_eq!(horizon.dimensions.unwrap().d2, 2, "{:?}", horizon.rules);
}

fn level_rank(l: Level) -> u8 {
    match l {
        Level::Low => 0,
        Level::Medium => 1,
        Level::High => 2,
        Level::Critical => 3,
        Level::Unknown => unreachable!(),
    }
}

fn dims(v: &[u8]) -> Dimensions {
    Dimensions {
        d1: v[0],
        d2: v[1],
        d3: v[2],
        d4: v[3],
        d5: v[4],
        d6: v[5],
        d7: v[6],
    }
}

proptest! {
    #[test]
    fn raising_a_dimension_never_lowers_the_level(
        scores in proptest::collection::vec(0u8..=4, 6),
        impact in 1u8..=4,
        which in 0usize..7,
    ) {
        let p = &db().model.params;
        let mut v = scores.clone();
        v.push(impact);
        let before = dims(&v);
        v[which] = (v[which] + 1).min(4);
        let after = dims(&v);
        let level = |d: &Dimensions| level_for(exposure(d, &p.weights) * f64::from(d.d7), &p.thresholds);
        prop_assert!(level_rank(level(&after)) >= level_rank(level(&before)));
    }

    #[test]
    fn unknown_never_becomes_low(open in proptest::option::of(any::<bool>()), cat in 0usize..24) {
        let db = db();
        let params = db.model.params.clone();
        let cx = Context { db, params: &params, mitigations: &[], db_date: Date::parse("2026-11-22").unwrap() };
        let r = assess(&Subject {
            chain: &[],
            channel: None,
            product: None,
            open_source: open,
            license: None,
            category: db.categories.get(cat),
            role_assumed: false,
        }, &cx);
        prop_assert_eq!(r.level, Level::Unknown);
    }

    #[test]
    fn index_is_bounded_and_falls_when_exposure_rises(
        items in proptest::collection::vec((0.5f64..10.0, 0.0f64..=4.0), 1..30),
        which in any::<prop::sample::Index>(),
        raise in 0.1f64..4.0,
    ) {
        let i = index(items.iter().copied()).unwrap();
        prop_assert!((0.0..=100.0).contains(&i));
        let k = which.index(items.len());
        let mut raised = items.clone();
        raised[k].1 = (raised[k].1 + raise).min(4.0);
        let j = index(raised.iter().copied()).unwrap();
        prop_assert!(j <= i, "{} > {}", j, i);
    }
}

fn scan_with_policy(policy: Option<&str>) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = sovscan();
    cmd.args(["scan", "-f", "json", "fixtures/demo-linux"]);
    if let Some(text) = policy {
        let p = dir.path().join("policy.toml");
        std::fs::write(&p, text).unwrap();
        cmd.arg("--policy").arg(&p);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The index as docs/model.md defines it, recomputed from a report's
/// dimensions with the given weights.
fn index_by_formula(report: &Value, w: [f64; 6]) -> f64 {
    let db = db();
    let unknown = db.model.params.unknown_exposure;
    // The aggregates count products (docs/model.md §6).
    let items = report["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| {
            let cat = db.category(c["category"].as_str().unwrap());
            let workplace = c["kind"] == "operating-system" || cat.is_none_or(|k| k.workplace);
            if !workplace {
                return None;
            }
            let role = cat.map_or(1.0, |k| k.weight);
            let e = match c["risk"]["dimensions"].as_object() {
                None => unknown,
                Some(d) => {
                    let s: Vec<f64> = ["d1", "d2", "d3", "d4", "d5", "d6"]
                        .iter()
                        .map(|k| d[*k].as_f64().unwrap())
                        .collect();
                    s.iter().zip(w).map(|(s, w)| s * w).sum::<f64>() / w.iter().sum::<f64>()
                }
            };
            Some((role, e))
        });
    let (mut we, mut ws) = (0.0, 0.0);
    for (r, e) in items {
        we += r * e;
        ws += r;
    }
    100.0 * (1.0 - we / (4.0 * ws))
}

#[test]
fn a_weight_change_moves_the_index_as_the_formula_predicts() {
    let (base, _) = scan_with_policy(None);
    let w0 = [10.0, 15.0, 10.0, 15.0, 15.0, 20.0];
    let i0 = base["summary"]["index"].as_f64().unwrap();
    assert!((i0 - index_by_formula(&base, w0)).abs() < 0.05, "{i0}");

    let (changed, _) = scan_with_policy(Some(
        "[model]\nweights = { d1 = 40, d2 = 15, d3 = 10, d4 = 15, d5 = 15, d6 = 5 }\n",
    ));
    let w1 = [40.0, 15.0, 10.0, 15.0, 15.0, 5.0];
    let i1 = changed["summary"]["index"].as_f64().unwrap();
    assert!(
        (i1 - index_by_formula(&base, w1)).abs() < 0.05,
        "{i1} vs {}",
        index_by_formula(&base, w1)
    );
    assert_ne!(i0, i1);
    assert_eq!(changed["model"]["weights"]["d1"], 40.0);
}

#[test]
fn the_demo_image_gives_the_documented_aggregates() {
    let (r, _) = scan_with_policy(None);
    let s = &r["summary"];
    // These figures are quoted in docs/model.md §Worked example: the demo image.
    // Over products: 37 products from 45 components, 19 of them workplace
    // products (LibreOffice's split packages, Firefox's deb and flatpak,
    // Zoom's flatpak and folder, AnyDesk's deb and binary are one each).
    assert_eq!(s["products"], 37);
    assert_eq!(s["workplace_components"], 19);
    assert_eq!(s["index"], 74.5);
    assert_eq!(s["weakest_level"], "high");
    assert_eq!(s["oss_share"]["count"], 0.4211);
    assert_eq!(s["oss_share"]["weighted"], 0.5053);
    assert_eq!(s["oss_share"]["target"], 0.7);
    assert_eq!(s["jurisdictions"]["us"]["share"], 0.5368);
    assert_eq!(s["concentration"]["hhi"], 822.1);
    assert_eq!(s["coverage"], 0.9459);
}

#[test]
fn mitigations_lower_d3_d4_until_they_expire() {
    let teams = |r: &Value| -> Value {
        r["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "teams")
            .unwrap()["risk"]
            .clone()
    };
    let (base, _) = scan_with_policy(None);
    assert_eq!(teams(&base)["dimensions"]["d3"], 3);

    let active = "[[mitigation]]\nproduct = \"microsoft-teams\"\nd3 = 1\njustification = \"EU Data Boundary contract, telemetry off by GPO\"\napprover = \"CISO\"\nexpires = 2999-12-31\n";
    let (r, _) = scan_with_policy(Some(active));
    let t = teams(&r);
    assert_eq!(t["dimensions"]["d3"], 1);
    assert_eq!(t["mitigations"][0]["from"], 3);
    assert_eq!(t["mitigations"][0]["approver"], "CISO");
    assert!(t["exposure"].as_f64() < teams(&base)["exposure"].as_f64());
    assert!(r["summary"]["index"].as_f64() > base["summary"]["index"].as_f64());

    let expired = active.replace("2999-12-31", "2000-01-01");
    let (r, stderr) = scan_with_policy(Some(&expired));
    assert_eq!(
        teams(&r)["dimensions"]["d3"],
        3,
        "expired mitigation has no effect"
    );
    assert!(
        stderr.contains("mitigation for product:microsoft-teams expired on 2000-01-01: ignored"),
        "{stderr}"
    );
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["message"].as_str().unwrap().contains("expired"))
    );
}

#[test]
fn a_mitigation_may_not_touch_d1_and_mistakes_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy.toml");
    std::fs::write(
        &p,
        "[[mitigation]]\nvendor = \"microsoft\"\nd1 = 0\njustification = \"EU data boundary\"\napprover = \"x\"\nexpires = 2999-01-01\n",
    )
    .unwrap();
    let out = sovscan()
        .args(["scan", "fixtures/demo-linux", "--policy"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}:3:6: a mitigation may not lower d1",
            p.display()
        )),
        "{err}"
    );

    std::fs::write(&p, "[model]\nweight = 3\n").unwrap();
    let out = sovscan()
        .args(["scan", "fixtures/demo-linux", "--policy"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("policy.toml:2:1: unknown field `weight`")
    );
}

#[test]
fn docs_model_names_every_rule_and_gate() {
    let doc = std::fs::read_to_string("docs/model.md").unwrap();
    let db = db();
    for id in db
        .model
        .rules
        .iter()
        .map(|r| &r.id)
        .chain(db.model.gates.iter().map(|g| &g.id))
    {
        assert!(
            doc.contains(&format!("`{id}`")),
            "docs/model.md does not describe {id}"
        );
    }
}

#[test]
fn the_macos_and_windows_demos_give_the_documented_aggregates() {
    // docs/model.md §6, "Worked example: the demo images".
    for (root, index, oss, us, coverage, single) in [
        ("fixtures/demo-macos", 66.7, 0.25, 0.8043, 0.75, vec![]),
        (
            "fixtures/demo-windows",
            70.0,
            0.4231,
            0.6735,
            0.9259,
            vec!["microsoft"],
        ),
    ] {
        let r = scan_json(&[std::path::Path::new(root)]);
        let s = &r["summary"];
        assert_eq!(s["index"], index, "{root}");
        assert_eq!(s["weakest_level"], "high", "{root}");
        assert_eq!(s["oss_share"]["count"], oss, "{root}");
        assert_eq!(s["jurisdictions"]["us"]["share"], us, "{root}");
        assert_eq!(s["coverage"], coverage, "{root}");
        assert_eq!(
            s["concentration"]["single_points"],
            serde_json::json!(single),
            "{root}"
        );
    }
}
