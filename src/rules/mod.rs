//! The rule database: jurisdictions and their laws, vendors and who controls
//! them, products, and the patterns that recognise them in an image.
//!
//! It ships embedded in the binary (`rules/*.toml`, listed at build time) and
//! can be extended or overridden with `--rules PATH`: an entry whose id
//! already exists replaces it, a new id adds one. The format is a contract,
//! documented in `docs/rules.md`.

mod layers;
mod load;
mod matcher;
pub mod schema;
pub mod spanned;
mod spdx_expr;
mod validate;

/// "Did you mean" for the views above the rules (`explain`).
pub use crate::diag::{did_you_mean, nearest};
pub use layers::Source;
pub use load::{embedded_sources, load, load_paths, parse_toml};
pub use matcher::{Facts, Hit, Matcher, Target, email_domains, url_host};
pub use schema::{LawKind, VendorKind};
pub use validate::params;

use crate::diag::Diagnostic;
use crate::model::risk::{Bloc, Dimension, Impact, Level, ModelParams};

use std::collections::HashMap;

/// Version and date of the database as loaded.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Meta {
    pub version: String,
    pub date: String,
    /// The files the database was assembled from, in load order.
    pub files: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct License {
    pub id: String,
    pub name: String,
    pub osi: bool,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub impact: Impact,
    pub workplace: bool,
    pub weight: f64,
    pub networked: bool,
}

/// Conditions of a model rule or gate (see [`schema::WhenDef`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Condition {
    pub controller_blocs: Vec<Bloc>,
    pub controller_countries: Vec<String>,
    pub not_controller_countries: Vec<String>,
    pub controller_law_kinds: Vec<LawKind>,
    pub not_controller_law_kinds: Vec<LawKind>,
    pub vendor_blocs: Vec<Bloc>,
    pub community: Option<bool>,
    pub warnings: Vec<LawKind>,
    pub control_change_within_years: Option<u32>,
    pub vendor_traits: Vec<String>,
    pub product_traits: Vec<String>,
    pub open_source: Option<bool>,
    pub license_known: Option<bool>,
    pub has_alternative: Option<bool>,
    pub impacts: Vec<Impact>,
    pub networked: Option<bool>,
    pub role_assumed: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct ModelRule {
    pub id: String,
    pub dimension: Dimension,
    pub score: u8,
    pub when: Condition,
    pub rationale: String,
    pub refs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Gate {
    pub id: String,
    /// The least level when the gate holds (`critical` for a hard gate).
    pub level: Level,
    pub when: Condition,
    pub rationale: String,
    pub refs: Vec<String>,
}

/// The assessment model as the database defines it.
#[derive(Debug, Clone)]
pub struct Model {
    pub params: ModelParams,
    pub rules: Vec<ModelRule>,
    pub gates: Vec<Gate>,
}

#[derive(Debug, Clone)]
pub struct Law {
    pub id: String,
    pub country: String,
    pub name: String,
    pub kind: LawKind,
    pub effect: String,
    pub citation: String,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone)]
pub struct Jurisdiction {
    pub country: String,
    pub name: String,
    pub bloc: Bloc,
    /// Indices into [`RuleDb::laws`].
    pub laws: Vec<usize>,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone)]
pub struct Archive {
    pub open_source: Option<bool>,

    pub except_sections: Vec<String>,
    pub category: String,
}

#[derive(Debug, Clone)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub legal_names: Vec<String>,
    pub kind: VendorKind,
    pub country: Option<String>,
    /// Index of the controlling vendor.
    pub parent: Option<usize>,
    pub parent_since: Option<String>,
    pub homepage: Option<String>,
    /// Indices into [`RuleDb::laws`] of official warnings naming this vendor.
    pub warnings: Vec<usize>,
    pub traits: Vec<String>,
    /// Where it is defined (`rules/vendors.toml:120`).
    pub at: String,
    pub note: Option<String>,
    pub source: String,
    pub as_of: String,
    pub archive: Option<Archive>,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub vendor: usize,
    pub category: String,
    pub license: String,
    pub alternatives: Vec<usize>,
    pub traits: Vec<String>,
    /// Indices into [`RuleDb::laws`] of warnings or bans naming the product.
    pub warnings: Vec<usize>,
    /// Why no open-source or EU-controlled alternative is listed.
    pub no_alternative_reason: Option<String>,
    /// What moving away from it takes.
    pub migration: Option<Migration>,
    pub note: Option<String>,
    pub source: String,
    pub as_of: String,
    /// Where it is defined (`rules/products/browser.toml:12`).
    pub at: String,
}

/// A product's migration profile (`[product.migration]`, `docs/plan.md`):
/// the type `sovscan check` shows.
pub use crate::model::plan::MigrationProfile as Migration;

/// A loaded, validated rule database with its compiled matcher.
#[derive(Debug)]
pub struct RuleDb {
    pub meta: Meta,
    pub licenses: Vec<License>,
    pub categories: Vec<Category>,
    pub laws: Vec<Law>,
    pub jurisdictions: Vec<Jurisdiction>,
    pub vendors: Vec<Vendor>,
    pub products: Vec<Product>,
    pub model: Model,
    pub matcher: Matcher,
    /// `R038` findings: workplace products that aren't open source without
    /// an open-source or EU-controlled alternative or a reason. Errors for
    /// `sovscan rules check`, warnings for a scan.
    pub alternative_gaps: Vec<Diagnostic>,
    license_index: HashMap<String, usize>,
    category_index: HashMap<String, usize>,
    jurisdiction_index: HashMap<String, usize>,
    vendor_index: HashMap<String, usize>,
    product_index: HashMap<String, usize>,
}

impl RuleDb {
    /// The database built into the binary, from the form `build.rs`
    /// parsed it into (`load.rs`: no TOML is parsed at run time), its
    /// patterns compiled on first use (`matcher.rs`): a test
    /// (`the_embedded_patterns_compile`) compiles them all, so no scan can
    /// meet a set that does not.
    pub fn embedded() -> Result<Self, Vec<Diagnostic>> {
        load::load_embedded()
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendor_index.get(id).map(|&i| &self.vendors[i])
    }

    pub fn vendor_index(&self, id: &str) -> Option<usize> {
        self.vendor_index.get(id).copied()
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.product_index.get(id).map(|&i| &self.products[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.category_index.get(id).map(|&i| &self.categories[i])
    }

    pub fn jurisdiction(&self, country: &str) -> Option<&Jurisdiction> {
        self.jurisdiction_index
            .get(country)
            .map(|&i| &self.jurisdictions[i])
    }

    /// The vendor, its parent, its parent's parent... up to the ultimate
    /// controller (last). Validation guarantees there is no cycle.
    pub fn chain(&self, vendor: usize) -> Vec<usize> {
        let mut out = vec![vendor];
        let mut cur = vendor;
        while let Some(p) = self.vendors[cur].parent {
            out.push(p);
            cur = p;
        }
        out
    }

    /// Doubts that are not errors: vendors whose control chain ends without
    /// a country (neither a community nor a channel). Products without an
    /// alternative are [`RuleDb::alternative_gaps`].
    pub fn lint(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, v) in self.vendors.iter().enumerate() {
            let c = &self.vendors[self.controller(i)];
            if c.country.is_none() && !matches!(c.kind, VendorKind::Community | VendorKind::Channel)
            {
                out.push(format!(
                    "{}: vendor `{}` has no controller with a country",
                    v.at, v.id
                ));
            }
        }
        out
    }

    /// The ultimate controller of a vendor.
    pub fn controller(&self, vendor: usize) -> usize {
        *self.chain(vendor).last().unwrap_or(&vendor)
    }

    /// Whether a licence expression as stated in package metadata is open
    /// source: `Some(true)` when every licence it names is OSI-approved
    /// (for `OR`, one suffices), `Some(false)` when one is known and not,
    /// `None` when a licence is not in the table.
    pub fn license_is_open(&self, expr: &str) -> Option<bool> {
        license_expr_open(expr, &|id| self.license_osi(id))
    }

    fn license_osi(&self, id: &str) -> Option<bool> {
        let key = normalise_license(id);
        if key == "proprietary" || key == "commercial" || key == "licenseref-proprietary" {
            return Some(false);
        }
        self.license_index.get(&key).map(|&i| self.licenses[i].osi)
    }

    /// A stated licence as an SPDX expression, its names under their SPDX
    /// ids (`GPLv2+ and ASL 2.0` → `GPL-2.0-or-later AND Apache-2.0`);
    /// `None` when no name in it is known ([`spdx_expr`]).
    pub fn spdx_expression(&self, stated: &str) -> Option<String> {
        spdx_expr::spdx_expression(stated, &|name| self.spdx_id(name).map(str::to_owned))
    }

    /// The SPDX id for a stated licence when the table knows it under
    /// another spelling (`GPLv2+` → `GPL-2.0-or-later`).
    pub fn spdx_id(&self, stated: &str) -> Option<&str> {
        self.license_index
            .get(&normalise_license(stated))
            .map(|&i| self.licenses[i].id.as_str())
    }
}

fn normalise_license(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// How deep parentheses may nest in a licence expression. Real ones nest
/// two or three levels; the parser recurses once per level, so a bound
/// keeps a crafted licence field (100 KB of `(` in one package record) from
/// overflowing a worker's stack, which would abort the whole scan.
const MAX_LICENSE_DEPTH: usize = 32;

/// An expression nested past [`MAX_LICENSE_DEPTH`].
struct TooDeep;

/// Evaluates `AND`/`OR`/`WITH` expressions with parentheses, the forms SPDX
/// and rpm (`and`, `or`, `,`) use. Exceptions after `WITH` don't change
/// openness. An expression nested past [`MAX_LICENSE_DEPTH`] is not judged
/// (`None`), like one whose licences are unknown.
///
/// Hand-written rather than the `spdx` crate's lax parser because it reads
/// what package databases really state: multi-word names (`Public
/// Domain`), `;` and `,` for AND, `/` for OR, unbalanced parentheses; and a
/// name it doesn't know leaves the rest of the expression judged, where
/// `spdx` rejects the whole expression.
fn license_expr_open(expr: &str, osi: &dyn Fn(&str) -> Option<bool>) -> Option<bool> {
    // Split on OR at the top level first: open if any alternative is open.
    let tokens: Vec<String> = tokenize(expr);
    if tokens.is_empty() {
        return None;
    }
    let mut pos = 0;
    parse_or(&tokens, &mut pos, osi, 0).unwrap_or(None)
}

pub(crate) fn tokenize(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in expr.chars() {
        match c {
            '(' | ')' | ',' | ';' | '/' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push(match c {
                    ',' | ';' => "AND".into(),
                    '/' => "OR".into(),
                    _ => c.to_string(),
                });
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // Re-join multi-word licence names ("Public Domain") that are not operators.
    let mut joined: Vec<String> = Vec::new();
    for t in out {
        let is_op = matches!(
            t.to_ascii_uppercase().as_str(),
            "AND" | "OR" | "WITH" | "(" | ")"
        );
        match joined.last_mut() {
            Some(prev)
                if !is_op
                    && !matches!(
                        prev.to_ascii_uppercase().as_str(),
                        "AND" | "OR" | "WITH" | "(" | ")"
                    ) =>
            {
                prev.push(' ');
                prev.push_str(&t);
            }
            _ => joined.push(t),
        }
    }
    joined
}

/// The parser's result: openness (`None` = unknown), or too deep to judge.
type Judged = Result<Option<bool>, TooDeep>;

fn parse_or(
    t: &[String],
    pos: &mut usize,
    osi: &dyn Fn(&str) -> Option<bool>,
    depth: usize,
) -> Judged {
    let mut acc = parse_and(t, pos, osi, depth)?;
    while *pos < t.len() && t[*pos].eq_ignore_ascii_case("OR") {
        *pos += 1;
        let rhs = parse_and(t, pos, osi, depth)?;
        acc = match (acc, rhs) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        };
    }
    Ok(acc)
}

fn parse_and(
    t: &[String],
    pos: &mut usize,
    osi: &dyn Fn(&str) -> Option<bool>,
    depth: usize,
) -> Judged {
    let mut acc = parse_atom(t, pos, osi, depth)?;
    while *pos < t.len() && t[*pos].eq_ignore_ascii_case("AND") {
        *pos += 1;
        let rhs = parse_atom(t, pos, osi, depth)?;
        acc = match (acc, rhs) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
    }
    Ok(acc)
}

fn parse_atom(
    t: &[String],
    pos: &mut usize,
    osi: &dyn Fn(&str) -> Option<bool>,
    depth: usize,
) -> Judged {
    let Some(tok) = t.get(*pos) else {
        return Ok(None);
    };
    *pos += 1;
    let v = if tok == "(" {
        if depth >= MAX_LICENSE_DEPTH {
            return Err(TooDeep);
        }
        let v = parse_or(t, pos, osi, depth + 1)?;
        if t.get(*pos).map(String::as_str) == Some(")") {
            *pos += 1;
        }
        v
    } else {
        osi(tok)
    };
    if t.get(*pos).is_some_and(|w| w.eq_ignore_ascii_case("WITH")) {
        *pos += 2;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::risk::Confidence;

    const ACME: &str = r#"
[[vendor]]
id = "acme"
name = "Acme"
legal_names = ["Acme Software GmbH"]
kind = "company"
country = "DE"
source = "test"
as_of = 2026-11-22

[vendor.match]
signers = ["Developer ID Application: Acme*"]
team_ids = ["ACME123456"]
bundle_ids = ["de.acme.*"]
"#;

    fn with_layer(text: &str) -> Result<RuleDb, Vec<Diagnostic>> {
        load(vec![
            embedded_sources(),
            vec![Source {
                name: "acme.toml".into(),
                text: text.to_owned().into(),
            }],
        ])
    }

    #[test]
    fn signing_facts_match_with_their_confidence() {
        let db = with_layer(ACME).unwrap();
        let conf = |facts: Facts| {
            db.matcher
                .matches(&facts)
                .first()
                .map(|h| (h.field.clone(), h.confidence))
        };
        assert_eq!(
            conf(Facts {
                team_ids: vec!["ACME123456"],
                ..Default::default()
            }),
            Some(("Team ID".into(), Confidence::High))
        );
        assert_eq!(
            conf(Facts {
                bundle_ids: vec!["de.acme.Editor"],
                ..Default::default()
            }),
            Some(("bundle id".into(), Confidence::High))
        );
        // The legal name matches a signer's O= exactly; an unverified
        // signature is weaker, and a company-name string weaker still.
        assert_eq!(
            conf(Facts {
                signers: vec![("Acme Software GmbH", true)],
                ..Default::default()
            }),
            Some(("code signer".into(), Confidence::High))
        );
        assert_eq!(
            conf(Facts {
                signers: vec![(
                    "Developer ID Application: Acme Software GmbH (ACME123456)",
                    false
                )],
                ..Default::default()
            }),
            Some(("code signer (unverified)".into(), Confidence::Medium))
        );
        assert_eq!(
            conf(Facts {
                companies: vec!["Acme Software GmbH"],
                ..Default::default()
            }),
            Some(("company name".into(), Confidence::Low))
        );
        assert_eq!(
            conf(Facts {
                team_ids: vec!["acme123456"],
                ..Default::default()
            }),
            None
        );
    }

    /// The embedded database loads without its nesting check and glob
    /// parsing, and its sets compile on first use; this is what
    /// guarantees they can: loaded as `--rules` files are, it is clean.
    #[test]
    fn the_embedded_patterns_compile() {
        let checked = load(vec![embedded_sources()]).unwrap();
        checked.matcher.compile().unwrap();
        let lazy = RuleDb::embedded().unwrap();
        lazy.matcher.compile().unwrap();
        assert_eq!(lazy.vendors.len(), checked.vendors.len());
        assert_eq!(lazy.products.len(), checked.products.len());
        // Sets compiled on first use match as sets compiled at load.
        let fresh = RuleDb::embedded().unwrap();
        let facts = Facts {
            names: vec![("package name", "firefox-esr")],
            suppliers: vec![(
                "maintainer",
                "Debian Mozilla Team <team@tracker.debian.org>",
            )],
            binaries: vec!["chrome.exe"],
            signers: vec![("Microsoft Corporation", true)],
            ..Default::default()
        };
        let hits = fresh.matcher.matches(&facts);
        assert!(hits.len() >= 3, "{hits:?}");
        assert_eq!(hits, checked.matcher.matches(&facts));
    }

    #[test]
    fn a_malformed_team_id_is_located() {
        let errs = with_layer(&ACME.replace("ACME123456", "acme-1")).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            (errs[0].file.as_str(), errs[0].line, errs[0].col),
            ("acme.toml", 13, 13)
        );
        assert!(errs[0].message.contains("not an Apple Team ID"));
    }

    fn osi(id: &str) -> Option<bool> {
        match id {
            "MIT" | "GPL-2.0-or-later" | "Apache-2.0" | "GPLv2+" => Some(true),
            "proprietary" | "BUSL-1.1" => Some(false),
            _ => None,
        }
    }

    #[test]
    fn license_expressions() {
        assert_eq!(license_expr_open("MIT", &osi), Some(true));
        assert_eq!(license_expr_open("MIT AND Apache-2.0", &osi), Some(true));
        assert_eq!(license_expr_open("MIT AND proprietary", &osi), Some(false));
        assert_eq!(license_expr_open("BUSL-1.1 OR MIT", &osi), Some(true));
        assert_eq!(
            license_expr_open(
                "(MIT OR Unknown-1) AND GPL-2.0-or-later WITH Classpath-exception-2.0",
                &osi
            ),
            Some(true)
        );
        assert_eq!(license_expr_open("GPLv2+ and MIT", &osi), Some(true));
        assert_eq!(license_expr_open("Mystery", &osi), None);
        assert_eq!(license_expr_open("", &osi), None);
    }

    fn nested(levels: usize, inner: &str) -> String {
        format!("{}{inner}{}", "(".repeat(levels), ")".repeat(levels))
    }

    #[test]
    fn license_nesting_is_bounded() {
        assert_eq!(
            license_expr_open(&nested(MAX_LICENSE_DEPTH, "MIT OR proprietary"), &osi),
            Some(true)
        );
        assert_eq!(
            license_expr_open(&nested(MAX_LICENSE_DEPTH + 1, "MIT"), &osi),
            None
        );
        // Past the bound the whole expression is unjudged, not just the
        // deep part.
        let deep_and_closed = format!("proprietary AND {}", nested(MAX_LICENSE_DEPTH + 1, "MIT"));
        assert_eq!(license_expr_open(&deep_and_closed, &osi), None);
    }

    /// 100 times the bound, unbalanced as a crafted field would be, on a
    /// stack far smaller than a worker's: unjudged, not an abort.
    #[test]
    fn license_nesting_past_the_bound_is_unjudged_on_a_small_stack() {
        let hostile = format!("{}MIT", "(".repeat(MAX_LICENSE_DEPTH * 100));
        let result = crate::isolate::on_small_stack(move || license_expr_open(&hostile, &osi));
        assert_eq!(result, None);
    }
}
