//! Merging the tables of every rule file of every layer by id, before any
//! reference is checked: an id of a later layer replaces the earlier entry,
//! the same id twice within one layer is an error (`R008`).

use super::schema::*;
use crate::diag::{Code, Diagnostic};
use crate::rules::spanned::Spanned;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// One rule file's name and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Cow<'static, str>,
}

/// The files read so far and the problems found in them. A file is named by
/// its index into `files`, so that entries need not copy names.
#[derive(Default)]
pub(super) struct Ctx {
    pub files: Vec<Source>,
    pub errors: Vec<Diagnostic>,
    /// Per file, the offsets where its lines start, made on the first
    /// [`Ctx::at`]: every vendor and product asks for its line, and
    /// counting from the start of the file each time was a fifth of
    /// loading the embedded database.
    line_starts: RefCell<HashMap<usize, Vec<usize>>>,
}

impl Ctx {
    /// `file:line` of a span, for messages about an entry.
    pub fn at(&self, file: usize, span: Range<usize>) -> String {
        let src = &self.files[file];
        let mut starts = self.line_starts.borrow_mut();
        let starts = starts.entry(file).or_insert_with(|| {
            let newlines = memchr::memchr_iter(b'\n', src.text.as_bytes());
            std::iter::once(0).chain(newlines.map(|i| i + 1)).collect()
        });
        let line = starts.partition_point(|&s| s <= span.start);
        format!("{}:{}", src.name, line)
    }

    pub fn err(&mut self, file: usize, span: Range<usize>, code: Code, msg: impl Into<String>) {
        let src = &self.files[file];
        let d = Diagnostic::at(&src.name, &src.text, span.start, code, msg);
        self.errors.push(d);
    }
}

/// An entry, where it was defined.
pub(super) struct At<T> {
    pub file: usize,
    pub def: Spanned<T>,
}

/// A table entry with an id (`[[vendor]]`, `[[product]]`...).
pub(super) trait Entry {
    /// The table's name in messages (`duplicate vendor id`).
    const KIND: &'static str;
    fn id(&self) -> &Spanned<String>;
}

/// Which field is each table's id; a jurisdiction's is its country.
macro_rules! entry {
    ($($def:ty, $kind:literal, $field:ident;)*) => {$(
        impl Entry for $def {
            const KIND: &'static str = $kind;
            fn id(&self) -> &Spanned<String> {
                &self.$field
            }
        }
    )*};
}

entry! {
    LicenseDef, "license", id;
    CategoryDef, "category", id;
    LawDef, "law", id;
    JurisdictionDef, "jurisdiction", country;
    VendorDef, "vendor", id;
    ProductDef, "product", id;
    ModelRuleDef, "rule", id;
    GateDef, "gate", id;
}

/// Entries of one table across all layers, in first-definition order.
pub(super) struct Table<T> {
    pub items: Vec<At<T>>,
    /// Id → index into `items`.
    pub index: HashMap<String, usize>,
    /// Ids defined in the current layer.
    layer: HashSet<String>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: HashMap::new(),
            layer: HashSet::new(),
        }
    }
}

impl<T: Entry> Table<T> {
    fn add_all(&mut self, ctx: &mut Ctx, file: usize, defs: Vec<Spanned<T>>) {
        for def in defs {
            self.add(ctx, file, def);
        }
    }

    fn add(&mut self, ctx: &mut Ctx, file: usize, def: Spanned<T>) {
        let id = def.get_ref().id();
        let key = id.get_ref().clone();
        if key.trim().is_empty() {
            ctx.err(
                file,
                id.span(),
                Code::EmptyId,
                format!("{} id is empty", T::KIND),
            );
            return;
        }
        if !self.layer.insert(key.clone()) {
            let msg = format!("duplicate {} id `{key}`", T::KIND);
            ctx.err(file, id.span(), Code::DuplicateId, msg);
            return;
        }
        let at = At { file, def };
        match self.index.get(&key) {
            Some(&i) => self.items[i] = at,
            None => {
                self.index.insert(key, self.items.len());
                self.items.push(at);
            }
        }
    }
}

/// A table that appears once (`[database]`, `[model]`): a later layer's
/// replaces it, a second one within a layer is an error.
pub(super) struct Single<T> {
    pub at: Option<At<T>>,
    in_layer: bool,
}

impl<T> Default for Single<T> {
    fn default() -> Self {
        Self {
            at: None,
            in_layer: false,
        }
    }
}

impl<T> Single<T> {
    fn set(&mut self, ctx: &mut Ctx, file: usize, def: Option<Spanned<T>>, code: Code, name: &str) {
        let Some(def) = def else { return };
        if self.in_layer {
            let msg = format!("a second [{name}] table in the same rule set");
            ctx.err(file, def.span(), code, msg);
        } else {
            self.in_layer = true;
            self.at = Some(At { file, def });
        }
    }
}

/// Every table of every layer, merged by id.
#[derive(Default)]
pub(super) struct Tables {
    pub database: Single<DatabaseDef>,
    pub licenses: Table<LicenseDef>,
    pub categories: Table<CategoryDef>,
    pub laws: Table<LawDef>,
    pub jurisdictions: Table<JurisdictionDef>,
    pub vendors: Table<VendorDef>,
    pub products: Table<ProductDef>,
    pub model: Single<ModelDef>,
    pub rules: Table<ModelRuleDef>,
    pub gates: Table<GateDef>,
}

impl Tables {
    /// Starts a layer: ids may now be defined again, once.
    pub fn begin_layer(&mut self) {
        self.database.in_layer = false;
        self.model.in_layer = false;
        self.licenses.layer.clear();
        self.categories.layer.clear();
        self.laws.layer.clear();
        self.jurisdictions.layer.clear();
        self.vendors.layer.clear();
        self.products.layer.clear();
        self.rules.layer.clear();
        self.gates.layer.clear();
    }

    /// Adds one parsed file of the current layer.
    pub fn add_file(&mut self, ctx: &mut Ctx, file: usize, rf: RuleFile) {
        // This order is the order of the messages about one file.
        self.database
            .set(ctx, file, rf.database, Code::SecondDatabase, "database");
        self.model
            .set(ctx, file, rf.model, Code::SecondModel, "model");
        self.rules.add_all(ctx, file, rf.rule);
        self.gates.add_all(ctx, file, rf.gate);
        self.licenses.add_all(ctx, file, rf.license);
        self.categories.add_all(ctx, file, rf.category);
        self.laws.add_all(ctx, file, rf.law);
        self.jurisdictions.add_all(ctx, file, rf.jurisdiction);
        self.vendors.add_all(ctx, file, rf.vendor);
        self.products.add_all(ctx, file, rf.product);
    }
}
