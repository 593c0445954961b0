//! Parquet (`-o parquet=FILE`, `sovscan fleet -o parquet=FILE`): one row
//! per product with flat, stable columns ([`SCHEMA`], docs/formats.md) for
//! DuckDB, Spark or pandas.
//!
//! Written with the `parquet` crate's column writer, without arrow: each
//! leaf column is buffered as values plus Parquet's definition and
//! repetition levels, and a row group is written every [`GROUP_ROWS`] rows,
//! so a fleet of many scans streams through in bounded memory. Levels, as
//! the format defines them: an `optional` scalar has definition level 1
//! when present, 0 when null; the two lists are `required` 3-level LISTs,
//! so an element has definition level 1 (0: the list is empty) and
//! repetition level 0 for a row's first element, 1 for the rest.

use super::{RenderError, RenderOptions};
use crate::assess::aggregate::is_workplace;
use crate::assess::policy::Policy;
use crate::date::Date;
use crate::model::report::{Component, Report};
use crate::rules::RuleDb;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::io::Write;
use std::sync::Arc;

/// The columns, in order. Added to at the end, never renamed.
pub const SCHEMA: &str = "message sovscan_product {
  required binary key (UTF8);
  required binary image (UTF8);
  optional binary department (UTF8);
  optional int64 seats;
  required binary name (UTF8);
  optional binary version (UTF8);
  optional binary product (UTF8);
  optional binary vendor (UTF8);
  optional binary controller (UTF8);
  optional binary controller_country (UTF8);
  required binary bloc (UTF8);
  optional binary license (UTF8);
  optional boolean open_source;
  required binary category (UTF8);
  optional boolean workplace;
  optional double role_weight;
  required binary level (UTF8);
  optional double exposure;
  optional double score;
  optional int32 d1;
  optional int32 d2;
  optional int32 d3;
  optional int32 d4;
  optional int32 d5;
  optional int32 d6;
  optional int32 d7;
  required group alternatives (LIST) {
    repeated group list {
      required binary element (UTF8);
    }
  }
  required group signers (LIST) {
    repeated group list {
      required group element {
        required binary signer (UTF8);
        required int64 count;
      }
    }
  }
  optional int32 scan_date (DATE);
}";

/// Rows per row group: a few MiB of buffered columns.
pub const GROUP_ROWS: usize = 32_768;

/// What a row takes from outside the product: its image and the fleet's
/// department and seats (null in a scan's own file).
#[derive(Debug, Clone, Copy)]
pub struct RowContext<'a> {
    pub image: &'a str,
    pub department: Option<&'a str>,
    pub seats: Option<u64>,
    pub scan_date: Option<&'a str>,
    /// The rule database and policy that decide the workplace flag and the
    /// role weight (null without a database).
    pub db: Option<&'a RuleDb>,
    pub policy: &'a Policy,
}

#[derive(Debug, Default)]
enum Values {
    #[default]
    None,
    Bytes(Vec<ByteArray>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

/// One leaf column's buffered values and levels.
#[derive(Debug, Default)]
struct Col {
    values: Values,
    def: Vec<i16>,
    rep: Vec<i16>,
}

impl Col {
    fn new(values: Values) -> Self {
        Col {
            values,
            ..Default::default()
        }
    }
    fn str(&mut self, s: &str) {
        if let Values::Bytes(v) = &mut self.values {
            v.push(ByteArray::from(s.as_bytes().to_vec()));
        }
    }
    fn opt_str(&mut self, s: Option<&str>) {
        self.def.push(i16::from(s.is_some()));
        if let Some(s) = s {
            self.str(s);
        }
    }
    fn opt_f64(&mut self, x: Option<f64>) {
        self.def.push(i16::from(x.is_some()));
        if let (Some(x), Values::F64(v)) = (x, &mut self.values) {
            v.push(x);
        }
    }
    fn opt_bool(&mut self, x: Option<bool>) {
        self.def.push(i16::from(x.is_some()));
        if let (Some(x), Values::Bool(v)) = (x, &mut self.values) {
            v.push(x);
        }
    }
    fn opt_i64(&mut self, x: Option<i64>) {
        self.def.push(i16::from(x.is_some()));
        if let (Some(x), Values::I64(v)) = (x, &mut self.values) {
            v.push(x);
        }
    }
    fn opt_i32(&mut self, x: Option<i32>) {
        self.def.push(i16::from(x.is_some()));
        if let (Some(x), Values::I32(v)) = (x, &mut self.values) {
            v.push(x);
        }
    }
    /// The levels of a required list's elements: `n` of them in this row.
    fn list_levels(&mut self, n: usize) {
        if n == 0 {
            self.def.push(0);
            self.rep.push(0);
        }
        for i in 0..n {
            self.def.push(1);
            self.rep.push(i16::from(i > 0));
        }
    }
    fn clear(&mut self) {
        self.def.clear();
        self.rep.clear();
        match &mut self.values {
            Values::Bytes(v) => v.clear(),
            Values::I64(v) => v.clear(),
            Values::I32(v) => v.clear(),
            Values::F64(v) => v.clear(),
            Values::Bool(v) => v.clear(),
            Values::None => {}
        }
    }
}

fn err(e: parquet::errors::ParquetError) -> RenderError {
    RenderError::Parquet(e.to_string())
}

/// Writes product rows to a Parquet file as they come.
pub struct Writer<W: Write + Send> {
    inner: SerializedFileWriter<W>,
    cols: Vec<Col>,
    rows: usize,
}

/// Names of the optional and required scalar columns before the lists, in
/// [`SCHEMA`] order, with their physical kind.
const SCALARS: usize = 26;

impl<W: Write + Send> Writer<W> {
    pub fn new(out: W) -> Result<Self, RenderError> {
        let schema = Arc::new(parse_message_type(SCHEMA).map_err(err)?);
        let props = Arc::new(WriterProperties::builder().build());
        let inner = SerializedFileWriter::new(out, schema.clone(), props).map_err(err)?;
        let cols = schema
            .get_fields()
            .iter()
            .flat_map(leaves)
            .map(Col::new)
            .collect();
        Ok(Writer {
            inner,
            cols,
            rows: 0,
        })
    }

    /// Adds the row of product `c`.
    pub fn push(&mut self, c: &Component, cx: &RowContext) -> Result<(), RenderError> {
        let cols = &mut self.cols;
        let name = |p: &Option<crate::model::report::Party>| p.as_ref().map(|p| p.name.clone());
        cols[0].str(&c.key);
        cols[1].str(cx.image);
        cols[2].opt_str(cx.department);
        cols[3].opt_i64(cx.seats.map(|s| s as i64));
        cols[4].str(&c.name);
        cols[5].opt_str(c.version.as_deref());
        cols[6].opt_str(c.product.as_ref().map(|p| p.id.as_str()));
        cols[7].opt_str(name(&c.vendor).as_deref());
        cols[8].opt_str(name(&c.controller).as_deref());
        cols[9].opt_str(c.controller.as_ref().and_then(|p| p.country.as_deref()));
        cols[10].str(c.bloc_key());
        cols[11].opt_str(c.license.spdx.as_deref().or(c.license.stated.as_deref()));
        cols[12].opt_bool(c.license.open_source);
        cols[13].str(&c.category);
        cols[14].opt_bool(cx.db.map(|db| is_workplace(c, db)));
        cols[15].opt_f64(cx.db.map(|db| cx.policy.role_weight(db, &c.category)));
        cols[16].str(c.risk.level.as_str());
        cols[17].opt_f64(c.risk.exposure);
        cols[18].opt_f64(c.risk.score);
        let d = c.risk.dimensions.as_ref();
        let dims = d.map(|d| [d.d1, d.d2, d.d3, d.d4, d.d5, d.d6, d.d7]);
        for i in 0..7 {
            cols[19 + i].opt_i32(dims.map(|x| i32::from(x[i])));
        }
        cols[SCALARS].list_levels(c.alternatives.len());
        for a in &c.alternatives {
            cols[SCALARS].str(&a.id);
        }
        for col in &mut cols[SCALARS + 1..SCALARS + 3] {
            col.list_levels(c.signers.len());
        }
        for (signer, n) in &c.signers {
            cols[SCALARS + 1].str(signer);
            if let Values::I64(v) = &mut cols[SCALARS + 2].values {
                v.push(*n as i64);
            }
        }
        let day = cx
            .scan_date
            .and_then(Date::parse)
            .map(Date::days_since_epoch);
        cols[SCALARS + 3].opt_i32(day);
        self.rows += 1;
        if self.rows >= GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as a row group.
    fn flush(&mut self) -> Result<(), RenderError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut rg = self.inner.next_row_group().map_err(err)?;
        let mut i = 0;
        while let Some(mut w) = rg.next_column().map_err(err)? {
            let c = &self.cols[i];
            let def = (!c.def.is_empty()).then_some(c.def.as_slice());
            let rep = (!c.rep.is_empty()).then_some(c.rep.as_slice());
            match &c.values {
                Values::Bytes(v) => w.typed::<ByteArrayType>().write_batch(v, def, rep),
                Values::I64(v) => w.typed::<Int64Type>().write_batch(v, def, rep),
                Values::I32(v) => w.typed::<Int32Type>().write_batch(v, def, rep),
                Values::F64(v) => w.typed::<DoubleType>().write_batch(v, def, rep),
                Values::Bool(v) => w.typed::<BoolType>().write_batch(v, def, rep),
                Values::None => Ok(0),
            }
            .map_err(err)?;
            w.close().map_err(err)?;
            i += 1;
        }
        rg.close().map_err(err)?;
        self.cols.iter_mut().for_each(Col::clear);
        self.rows = 0;
        Ok(())
    }

    /// Writes what is buffered and the footer; returns the sink.
    pub fn finish(mut self) -> Result<W, RenderError> {
        self.flush()?;
        self.inner.into_inner().map_err(err)
    }
}

/// The leaf columns of a schema field, as empty value buffers of their
/// physical type.
fn leaves(t: &Arc<parquet::schema::types::Type>) -> Vec<Values> {
    use parquet::basic::Type as P;
    if t.is_group() {
        return t.get_fields().iter().flat_map(leaves).collect();
    }
    vec![match t.get_physical_type() {
        P::BYTE_ARRAY => Values::Bytes(Vec::new()),
        P::INT64 => Values::I64(Vec::new()),
        P::INT32 => Values::I32(Vec::new()),
        P::DOUBLE => Values::F64(Vec::new()),
        P::BOOLEAN => Values::Bool(Vec::new()),
        _ => Values::None,
    }]
}

/// `-f parquet` of a scan: one row per product (per component with
/// `--components`), department and seats null.
pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let default = Policy::default();
    let policy = opts.policy.as_deref().unwrap_or(&default);
    let mut w = Writer::new(Vec::new())?;
    for c in report.units(opts.components).iter() {
        let cx = RowContext {
            image: report.images.get(c.image).map_or("", |i| i.root.as_str()),
            department: None,
            seats: None,
            scan_date: Some(&report.scan.date),
            db: opts.db.as_deref(),
            policy,
        };
        w.push(c, &cx)?;
    }
    w.finish()
}
