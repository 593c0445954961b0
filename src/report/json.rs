//! JSON: the full report, pretty-printed, in the field order of the structs
//! (the contract in `docs/json.md`).

use super::{RenderError, RenderOptions, Report};

pub fn render(report: &Report, _: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut out = serde_json::to_vec_pretty(report)?;
    out.push(b'\n');
    Ok(out)
}
