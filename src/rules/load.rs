//! Loading, layering and validating rule files.
//!
//! Every problem is reported as `file:line:col: message`, and all of them at
//! once, so `sovscan rules check` shows a whole file's mistakes in one run.

use super::schema::*;
use super::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::value::Datetime;

/// One rule file's name and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Cow<'static, str>,
}

/// A problem in a rule file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for RuleError {}

static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rule files built into the binary.
pub fn embedded_sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|(name, text)| Source {
            name: (*name).to_owned(),
            text: Cow::Borrowed(text),
        })
        .collect()
}

/// Reads `--rules` paths: a file, or a directory of `*.toml` files (sorted,
/// recursively). Each path is one layer.
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<Vec<Source>>, RuleError> {
    let mut layers = Vec::new();
    for p in paths {
        let mut files = Vec::new();
        let meta =
            std::fs::metadata(p).map_err(|e| whole_file(p, format!("cannot read rules: {e}")))?;
        if meta.is_dir() {
            collect_toml(p, &mut files)
                .map_err(|e| whole_file(p, format!("cannot read rules directory: {e}")))?;
            files.sort();
            if files.is_empty() {
                return Err(whole_file(p, "no *.toml rule files in this directory"));
            }
        } else {
            files.push(p.clone());
        }
        let mut layer = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f)
                .map_err(|e| whole_file(&f, format!("cannot read rules: {e}")))?;
            layer.push(Source {
                name: f.display().to_string(),
                text: Cow::Owned(text),
            });
        }
        layers.push(layer);
    }
    Ok(layers)
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect_toml(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

fn whole_file(p: &Path, msg: impl Into<String>) -> RuleError {
    RuleError {
        file: p.display().to_string(),
        line: 1,
        col: 1,
        message: msg.into(),
    }
}

/// An entry, where it was defined.
struct At<T> {
    file: usize,
    def: Spanned<T>,
}

/// Entries of one table across all layers: later layers override by id,
/// duplicates within one layer are errors.
struct Table<T> {
    items: Vec<At<T>>,
    index: HashMap<String, usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

struct Loader {
    files: Vec<Source>,
    errors: Vec<RuleError>,
}

impl Loader {
    /// `file:line` of a span, for messages about an entry.
    fn at(&self, file: usize, span: Range<usize>) -> String {
        let src = &self.files[file];
        format!("{}:{}", src.name, line_col(&src.text, span.start).0)
    }

    fn err(&mut self, file: usize, span: Range<usize>, msg: impl Into<String>) {
        let src = &self.files[file];
        let (line, col) = line_col(&src.text, span.start);
        self.errors.push(RuleError {
            file: src.name.clone(),
            line,
            col,
            message: msg.into(),
        });
    }

    fn add<T>(
        &mut self,
        table: &mut Table<T>,
        layer_seen: &mut HashSet<String>,
        kind: &str,
        file: usize,
        id: &Spanned<String>,
        def: Spanned<T>,
    ) {
        let key = id.get_ref().clone();
        if key.trim().is_empty() {
            self.err(file, id.span(), format!("{kind} id is empty"));
            return;
        }
        if !layer_seen.insert(key.clone()) {
            self.err(file, id.span(), format!("duplicate {kind} id `{key}`"));
            return;
        }
        let at = At { file, def };
        match table.index.get(&key) {
            Some(&i) => table.items[i] = at,
            None => {
                table.index.insert(key, table.items.len());
                table.items.push(at);
            }
        }
    }
}

/// Converts a byte offset to 1-based line and column (in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Loads layers of rule files (the first is usually the embedded database),
/// validates references across all of them, and compiles the matcher.
pub fn load(layers: Vec<Vec<Source>>) -> Result<RuleDb, Vec<RuleError>> {
    let mut ld = Loader {
        files: Vec::new(),
        errors: Vec::new(),
    };
    let mut t = Tables::default();
    let Tables {
        database,
        licenses,
        categories,
        laws,
        jurisdictions,
        vendors,
        products,
        model,
        rules,
        gates,
    } = &mut t;

    for layer in layers {
        let mut seen: [HashSet<String>; 8] = Default::default();
        let mut layer_db = false;
        let mut layer_model = false;
        for src in layer {
            let file = ld.files.len();
            ld.files.push(src);
            let parsed: Result<RuleFile, toml::de::Error> = toml::from_str(&ld.files[file].text);
            let rf = match parsed {
                Ok(rf) => rf,
                Err(e) => {
                    let span = e.span().unwrap_or(0..0);
                    let msg = e.message().trim().replace('\n', " ");
                    ld.err(file, span, msg);
                    continue;
                }
            };
            if let Some(db) = rf.database {
                if layer_db {
                    ld.err(
                        file,
                        db.span(),
                        "a second [database] table in the same rule set",
                    );
                } else {
                    layer_db = true;
                    *database = Some(At { file, def: db });
                }
            }
            if let Some(m) = rf.model {
                if layer_model {
                    ld.err(
                        file,
                        m.span(),
                        "a second [model] table in the same rule set",
                    );
                } else {
                    layer_model = true;
                    *model = Some(At { file, def: m });
                }
            }
            for d in rf.rule {
                let id = d.get_ref().id.clone();
                ld.add(rules, &mut seen[6], "rule", file, &id, d);
            }
            for d in rf.gate {
                let id = d.get_ref().id.clone();
                ld.add(gates, &mut seen[7], "gate", file, &id, d);
            }
            for d in rf.license {
                let id = d.get_ref().id.clone();
                ld.add(licenses, &mut seen[0], "license", file, &id, d);
            }
            for d in rf.category {
                let id = d.get_ref().id.clone();
                ld.add(categories, &mut seen[1], "category", file, &id, d);
            }
            for d in rf.law {
                let id = d.get_ref().id.clone();
                ld.add(laws, &mut seen[2], "law", file, &id, d);
            }
            for d in rf.jurisdiction {
                let id = d.get_ref().country.clone();
                ld.add(jurisdictions, &mut seen[3], "jurisdiction", file, &id, d);
            }
            for d in rf.vendor {
                let id = d.get_ref().id.clone();
                ld.add(vendors, &mut seen[4], "vendor", file, &id, d);
            }
            for d in rf.product {
                let id = d.get_ref().id.clone();
                ld.add(products, &mut seen[5], "product", file, &id, d);
            }
        }
    }

    let db = validate(&mut ld, t);
    if !ld.errors.is_empty() {
        return Err(ld.errors);
    }
    db.ok_or_else(Vec::new)
}

fn date(ld: &mut Loader, file: usize, d: &Spanned<Datetime>, what: &str) -> String {
    let v = d.get_ref();
    if v.date.is_none() || v.time.is_some() {
        ld.err(
            file,
            d.span(),
            format!("{what} must be a date like 2026-11-22"),
        );
    }
    v.to_string()
}

fn country_code(ld: &mut Loader, file: usize, c: &Spanned<String>, known: &HashMap<String, usize>) {
    let v = c.get_ref();
    if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
        ld.err(
            file,
            c.span(),
            format!("`{v}` is not an ISO 3166-1 alpha-2 country code (two capital letters)"),
        );
    } else if !known.contains_key(v) {
        ld.err(
            file,
            c.span(),
            format!("unknown country `{v}`: no [[jurisdiction]] defines it"),
        );
    }
}

/// Every table of every layer, merged by id.
#[derive(Default)]
struct Tables {
    database: Option<At<DatabaseDef>>,
    licenses: Table<LicenseDef>,
    categories: Table<CategoryDef>,
    laws: Table<LawDef>,
    jurisdictions: Table<JurisdictionDef>,
    vendors: Table<VendorDef>,
    products: Table<ProductDef>,
    model: Option<At<ModelDef>>,
    rules: Table<ModelRuleDef>,
    gates: Table<GateDef>,
}

fn validate(ld: &mut Loader, t: Tables) -> Option<RuleDb> {
    let Tables {
        database,
        licenses,
        categories,
        laws,
        jurisdictions,
        vendors,
        products,
        model,
        rules,
        gates,
    } = t;
    let meta = match &database {
        Some(at) => {
            let d = at.def.get_ref();
            let date = date(ld, at.file, &d.date, "database date");
            Meta {
                version: d.version.clone(),
                date,
                files: ld.files.iter().map(|f| f.name.clone()).collect(),
            }
        }
        None => {
            let file = ld.files.len().saturating_sub(1);
            if ld.files.is_empty() {
                ld.errors.push(RuleError {
                    file: "(rules)".into(),
                    line: 1,
                    col: 1,
                    message: "no rule files".into(),
                });
            } else {
                ld.err(
                    file,
                    0..0,
                    "no [database] table (version and date) in the rule set",
                );
            }
            return None;
        }
    };

    let out_licenses: Vec<License> = licenses
        .items
        .iter()
        .map(|a| {
            let d = a.def.get_ref();
            License {
                id: d.id.get_ref().clone(),
                name: d.name.clone(),
                osi: d.osi,
                aliases: d.aliases.clone(),
            }
        })
        .collect();
    let mut license_index = HashMap::new();
    for (i, l) in out_licenses.iter().enumerate() {
        license_index.insert(l.id.to_ascii_lowercase(), i);
        for a in &l.aliases {
            license_index.entry(a.to_ascii_lowercase()).or_insert(i);
        }
    }

    let out_categories: Vec<Category> = categories
        .items
        .iter()
        .map(|a| {
            let d = a.def.get_ref();
            Category {
                id: d.id.get_ref().clone(),
                name: d.name.clone(),
                impact: d.impact,
                workplace: d.workplace,
                weight: d.weight,
            }
        })
        .collect();

    // Laws and jurisdictions reference each other's ids; check both.
    let mut out_laws = Vec::new();
    for a in &laws.items {
        let d = a.def.get_ref();
        let id = d.id.get_ref();
        let prefix = format!("{}.", d.country.get_ref().to_ascii_lowercase());
        if !id.starts_with(&prefix) {
            ld.err(
                a.file,
                d.id.span(),
                format!("law id `{id}` must start with its country code (`{prefix}`)"),
            );
        }
        country_code(ld, a.file, &d.country, &jurisdictions.index);
        let as_of = date(ld, a.file, &d.as_of, "as_of");
        out_laws.push(Law {
            id: id.clone(),
            country: d.country.get_ref().clone(),
            name: d.name.clone(),
            kind: d.kind,
            effect: d.effect.clone(),
            citation: d.citation.clone(),
            source: d.source.clone(),
            as_of,
        });
    }
    let mut out_jur = Vec::new();
    for a in &jurisdictions.items {
        let d = a.def.get_ref();
        country_code(ld, a.file, &d.country, &jurisdictions.index);
        let mut law_ix = Vec::new();
        for l in &d.laws {
            match laws.index.get(l.get_ref()) {
                Some(&i) => law_ix.push(i),
                None => ld.err(
                    a.file,
                    l.span(),
                    format!("unknown law id `{}`", l.get_ref()),
                ),
            }
        }
        let as_of = date(ld, a.file, &d.as_of, "as_of");
        out_jur.push(Jurisdiction {
            country: d.country.get_ref().clone(),
            name: d.name.clone(),
            bloc: d.bloc,
            laws: law_ix,
            source: d.source.clone(),
            as_of,
        });
    }

    let mut out_vendors = Vec::new();
    for a in &vendors.items {
        let d = a.def.get_ref();
        match (&d.country, d.kind) {
            (Some(c), _) => country_code(ld, a.file, c, &jurisdictions.index),
            (None, VendorKind::Community | VendorKind::Channel) => {}

            (None, _) => ld.err(
                a.file,
                d.id.span(),
                format!(
                    "vendor `{}` needs a country (only communities may omit it)",
                    d.id.get_ref()
                ),
            ),
        }
        let parent = d
            .parent
            .as_ref()
            .and_then(|p| match vendors.index.get(p.get_ref()) {
                Some(&i) => Some(i),
                None => {
                    ld.err(
                        a.file,
                        p.span(),
                        format!("unknown vendor id `{}` as parent", p.get_ref()),
                    );
                    None
                }
            });
        let parent_since = d
            .parent_since
            .as_ref()
            .map(|s| date(ld, a.file, s, "parent_since"));
        let as_of = date(ld, a.file, &d.as_of, "as_of");
        let archive = d.archive.as_ref().map(|ar| {
            let category = match &ar.category {
                Some(c) => {
                    if !categories.index.contains_key(c.get_ref()) {
                        ld.err(
                            a.file,
                            c.span(),
                            format!("unknown category `{}`", c.get_ref()),
                        );
                    }
                    c.get_ref().clone()
                }
                None => "system".to_owned(),
            };
            Archive {
                open_source: ar.open_source,
                except_sections: ar.except_sections.clone(),
                category,
            }
        });
        if d.source.trim().is_empty() {
            ld.err(
                a.file,
                d.id.span(),
                format!("vendor `{}` has an empty source", d.id.get_ref()),
            );
        }
        let warnings = warning_laws(ld, a.file, &d.warnings, &laws);
        out_vendors.push(Vendor {
            id: d.id.get_ref().clone(),
            name: d.name.clone(),
            legal_names: d.legal_names.clone(),
            kind: d.kind,
            country: d.country.as_ref().map(|c| c.get_ref().clone()),
            parent,
            parent_since,
            homepage: d.homepage.clone(),
            warnings,
            traits: d.traits.iter().map(|t| t.get_ref().clone()).collect(),
            at: ld.at(a.file, d.id.span()),
            note: d.note.clone(),
            source: d.source.clone(),
            as_of,
            archive,
        });
    }
    // Control chains must end.
    for (i, a) in vendors.items.iter().enumerate() {
        let mut cur = i;
        let mut steps = 0;
        while let Some(p) = out_vendors[cur].parent {
            steps += 1;
            if p == i || steps > out_vendors.len() {
                let d = a.def.get_ref();
                let span = d.parent.as_ref().map_or(d.id.span(), |p| p.span());
                ld.err(
                    a.file,
                    span,
                    format!(
                        "vendor `{}` controls itself through its parent chain",
                        d.id.get_ref()
                    ),
                );
                out_vendors[i].parent = None;
                break;
            }
            cur = p;
        }
    }

    let mut out_products = Vec::new();
    for a in &products.items {
        let d = a.def.get_ref();
        let vendor = match vendors.index.get(d.vendor.get_ref()) {
            Some(&i) => i,
            None => {
                ld.err(
                    a.file,
                    d.vendor.span(),
                    format!("unknown vendor id `{}`", d.vendor.get_ref()),
                );
                0
            }
        };
        if !categories.index.contains_key(d.category.get_ref()) {
            ld.err(
                a.file,
                d.category.span(),
                format!("unknown category `{}`", d.category.get_ref()),
            );
        }
        let lic = d.license.get_ref();
        if lic != "proprietary" && !license_index.contains_key(&lic.to_ascii_lowercase()) {
            ld.err(
                a.file,
                d.license.span(),
                format!(
                    "unknown license `{lic}`: use an id from a [[license]] table, or `proprietary`"
                ),
            );
        }
        let mut alts = Vec::new();
        for alt in &d.alternatives {
            match products.index.get(alt.get_ref()) {
                Some(&i) if alt.get_ref() == d.id.get_ref() => {
                    let _ = i;
                    ld.err(
                        a.file,
                        alt.span(),
                        "a product cannot be its own alternative",
                    );
                }
                Some(&i) => alts.push(i),
                None => ld.err(
                    a.file,
                    alt.span(),
                    format!("unknown product id `{}` as alternative", alt.get_ref()),
                ),
            }
        }
        let as_of = date(ld, a.file, &d.as_of, "as_of");
        out_products.push(Product {
            id: d.id.get_ref().clone(),
            name: d.name.clone(),
            vendor,
            category: d.category.get_ref().clone(),
            license: lic.clone(),
            alternatives: alts,
            traits: d.traits.iter().map(|t| t.get_ref().clone()).collect(),
            warnings: warning_laws(ld, a.file, &d.warnings, &laws),
            at: ld.at(a.file, d.id.span()),
            note: d.note.clone(),
            source: d.source.clone(),
            as_of,
        });
    }

    // Patterns compile into one matcher; bad globs and domains are errors.
    let mut builder = matcher::Builder::default();
    {
        let mut report = |file: usize, span: Range<usize>, msg: String| ld.err(file, span, msg);
        for (i, a) in vendors.items.iter().enumerate() {
            let d = a.def.get_ref();
            builder.add(
                &mut report,
                a.file,
                Target::Vendor(i as u32),
                &d.patterns,
                &d.legal_names,
            );
        }
        for (i, a) in products.items.iter().enumerate() {
            builder.add(
                &mut report,
                a.file,
                Target::Product(i as u32),
                &a.def.get_ref().patterns,
                &[],
            );
        }
    }
    let matcher = match builder.build() {
        Ok(m) => m,
        Err(e) => {
            ld.errors.push(RuleError {
                file: "(rules)".into(),
                line: 1,
                col: 1,
                message: format!("cannot compile patterns: {e}"),
            });
            return None;
        }
    };

    let model = validate_model(
        ld,
        model,
        &rules,
        &gates,
        &jurisdictions,
        &vendors,
        &products,
    )?;
    Some(RuleDb {
        meta,
        model,
        licenses: out_licenses,
        category_index: index_of(&categories.index),
        categories: out_categories,
        laws: out_laws,
        jurisdiction_index: index_of(&jurisdictions.index),
        jurisdictions: out_jur,
        vendor_index: index_of(&vendors.index),
        vendors: out_vendors,
        product_index: index_of(&products.index),
        products: out_products,
        matcher,
        license_index,
    })
}

/// Law ids of kind `warning` or `ban`.
fn warning_laws(
    ld: &mut Loader,
    file: usize,
    ids: &[Spanned<String>],
    laws: &Table<LawDef>,
) -> Vec<usize> {
    let mut out = Vec::new();
    for w in ids {
        match laws.index.get(w.get_ref()) {
            Some(&i)
                if matches!(
                    laws.items[i].def.get_ref().kind,
                    LawKind::Warning | LawKind::Ban
                ) =>
            {
                out.push(i)
            }
            Some(_) => ld.err(
                file,
                w.span(),
                format!("law `{}` is not of kind `warning` or `ban`", w.get_ref()),
            ),
            None => ld.err(file, w.span(), format!("unknown law id `{}`", w.get_ref())),
        }
    }
    out
}

fn validate_model(
    ld: &mut Loader,
    model: Option<At<ModelDef>>,
    rules: &Table<ModelRuleDef>,
    gates: &Table<GateDef>,
    jurisdictions: &Table<JurisdictionDef>,
    vendors: &Table<VendorDef>,
    products: &Table<ProductDef>,
) -> Option<Model> {
    let Some(at) = model else {
        let file = ld.files.len().saturating_sub(1);
        ld.err(
            file,
            0..0,
            "no [model] table (weights, thresholds, targets) in the rule set",
        );
        return None;
    };
    let m = at.def.get_ref();
    let w = m.weights;
    let ws = [w.d1, w.d2, w.d3, w.d4, w.d5, w.d6];
    if ws.iter().any(|x| !x.is_finite() || *x < 0.0) || ws.iter().sum::<f64>() <= 0.0 {
        ld.err(
            at.file,
            at.def.span(),
            "model weights must be non-negative with a positive sum",
        );
    }
    let t = m.thresholds;
    if !(0.0 < t.medium && t.medium < t.high && t.high < t.critical && t.critical <= 16.0) {
        ld.err(
            at.file,
            at.def.span(),
            "model thresholds must rise: 0 < medium < high < critical <= 16",
        );
    }
    if !(0.0..=1.0).contains(&m.oss_target) {
        ld.err(
            at.file,
            at.def.span(),
            "oss_target is a share between 0 and 1",
        );
    }
    if !(0.0..=4.0).contains(&m.unknown_exposure) {
        ld.err(
            at.file,
            at.def.span(),
            "unknown_exposure is between 0 and 4",
        );
    }
    // Every trait a product or vendor carries must be tested by some rule:
    // a misspelt trait would otherwise silently score nothing.
    let mut product_traits = HashSet::new();
    let mut vendor_traits = HashSet::new();
    let mut convert = |ld: &mut Loader, file: usize, w: &WhenDef| -> Condition {
        for c in w
            .controller_countries
            .iter()
            .chain(&w.not_controller_countries)
        {
            country_code(ld, file, c, &jurisdictions.index);
        }
        product_traits.extend(w.product_traits.iter().map(|t| t.get_ref().clone()));
        vendor_traits.extend(w.vendor_traits.iter().map(|t| t.get_ref().clone()));
        Condition {
            controller_blocs: w.controller_blocs.clone(),
            controller_countries: w
                .controller_countries
                .iter()
                .map(|c| c.get_ref().clone())
                .collect(),
            not_controller_countries: w
                .not_controller_countries
                .iter()
                .map(|c| c.get_ref().clone())
                .collect(),
            controller_law_kinds: w.controller_law_kinds.clone(),
            not_controller_law_kinds: w.not_controller_law_kinds.clone(),
            vendor_blocs: w.vendor_blocs.clone(),
            community: w.community,
            warnings: w.warnings.clone(),
            control_change_within_years: w.control_change_within_years,
            vendor_traits: w
                .vendor_traits
                .iter()
                .map(|t| t.get_ref().clone())
                .collect(),
            product_traits: w
                .product_traits
                .iter()
                .map(|t| t.get_ref().clone())
                .collect(),
            open_source: w.open_source,
            license_known: w.license_known,
            has_alternative: w.has_alternative,
            impacts: w.impacts.clone(),
        }
    };
    let mut out_rules = Vec::new();
    for a in &rules.items {
        let d = a.def.get_ref();
        if *d.score.get_ref() > 4 {
            ld.err(a.file, d.score.span(), "a rule's score is 0..=4");
        }
        let when = convert(ld, a.file, &d.when);
        out_rules.push(ModelRule {
            id: d.id.get_ref().clone(),
            dimension: d.dimension,
            score: (*d.score.get_ref()).min(4),
            when,
            rationale: d.rationale.clone(),
            refs: d.refs.clone(),
        });
    }
    let mut out_gates = Vec::new();
    for a in &gates.items {
        let d = a.def.get_ref();
        let when = convert(ld, a.file, &d.when);
        if when == Condition::default() {
            ld.err(
                a.file,
                d.id.span(),
                format!(
                    "gate `{}` has no conditions: it would make everything critical",
                    d.id.get_ref()
                ),
            );
        }
        out_gates.push(Gate {
            id: d.id.get_ref().clone(),
            when,
            rationale: d.rationale.clone(),
            refs: d.refs.clone(),
        });
    }
    for a in &products.items {
        for t in &a.def.get_ref().traits {
            if !product_traits.contains(t.get_ref()) {
                ld.err(a.file, t.span(), format!("trait `{}` is tested by no model rule (product_traits in rules/model.toml)", t.get_ref()));
            }
        }
    }
    for a in &vendors.items {
        for t in &a.def.get_ref().traits {
            if !vendor_traits.contains(t.get_ref()) {
                ld.err(
                    a.file,
                    t.span(),
                    format!(
                        "trait `{}` is tested by no model rule (vendor_traits in rules/model.toml)",
                        t.get_ref()
                    ),
                );
            }
        }
    }
    Some(Model {
        params: ModelParams {
            weights: m.weights,
            thresholds: m.thresholds,
            oss_target: m.oss_target,
            oss_target_year: m.oss_target_year,
            unknown_exposure: m.unknown_exposure,
            single_point_roles: m.single_point_roles,
        },
        rules: out_rules,
        gates: out_gates,
    })
}

fn index_of(m: &HashMap<String, usize>) -> HashMap<String, usize> {
    m.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, t.find('"').unwrap()), (2, 6));
    }
}
