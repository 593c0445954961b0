//! NDJSON (`-o ndjson=products.ndjson`): one product per line (one
//! component with `--components`), for fleets and data tools
//! (`read_json_auto` in DuckDB, Spark, `jq -c`). Each line is the product's
//! (component's) object from the JSON contract (`docs/json.md`) with
//! `image_root` added after `image`; lines are in the report's order, which
//! the scan sorts, so output is deterministic. A report without products
//! gives its components.

use super::{RenderError, RenderOptions, Report};
use serde_json::Value;

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let records: Vec<(usize, Value)> = if opts.components || report.products.is_empty() {
        let to = |c: &crate::model::report::Component| Ok((c.image, serde_json::to_value(c)?));
        report
            .components
            .iter()
            .map(to)
            .collect::<Result<_, RenderError>>()?
    } else {
        let to = |p: &crate::model::report::Product| Ok((p.image, serde_json::to_value(p)?));
        report
            .products
            .iter()
            .map(to)
            .collect::<Result<_, RenderError>>()?
    };
    let mut out = Vec::new();
    for (image, record) in records {
        let Value::Object(fields) = record else {
            unreachable!("a product or component serialises to an object")
        };
        let mut line = serde_json::Map::with_capacity(fields.len() + 1);
        for (k, v) in fields {
            let is_image = k == "image";
            line.insert(k, v);
            if is_image {
                let root = report.images.get(image).map(|i| i.root.clone());
                line.insert("image_root".into(), root.into());
            }
        }
        serde_json::to_writer(&mut out, &line)?;
        out.push(b'\n');
    }
    Ok(out)
}
