//! JSON: the full report, pretty-printed, in the field order of the structs
//! (the contract in `docs/json.md`).

use super::Report;

pub fn render(report: &Report) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = serde_json::to_vec_pretty(report)?;
    out.push(b'\n');
    Ok(out)
}
