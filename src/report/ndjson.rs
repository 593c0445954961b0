//! NDJSON (`-o ndjson=components.ndjson`): one component per line, for
//! fleets and data tools (`read_json_auto` in DuckDB, Spark, `jq -c`).
//! Each line is the component's object from the JSON contract
//! (`docs/json.md`) with `image_root` added after `image`; lines are in the
//! report's order of components, which the scan sorts by image, then kind,
//! source, name, architecture, version and id, so output is deterministic.

use super::{RenderError, RenderOptions, Report};
use serde_json::Value;

pub fn render(report: &Report, _: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    for c in &report.components {
        let Value::Object(fields) = serde_json::to_value(c)? else {
            unreachable!("a component serialises to an object")
        };
        let mut line = serde_json::Map::with_capacity(fields.len() + 1);
        for (k, v) in fields {
            let image = k == "image";
            line.insert(k, v);
            if image {
                let root = report.images.get(c.image).map(|i| i.root.clone());
                line.insert("image_root".into(), root.into());
            }
        }
        serde_json::to_writer(&mut out, &line)?;
        out.push(b'\n');
    }
    Ok(out)
}
