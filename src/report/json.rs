//! JSON: the full report, pretty-printed, in the field order of the structs
//! (the contract in `docs/json.md`).

use super::{RenderError, RenderOptions, Report};

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    stream(report, opts, &mut out)?;
    Ok(out)
}

/// The same bytes as [`render`], written to `out` as they are made: a
/// report of many binaries is never held as one string beside the report.
pub fn stream(
    report: &Report,
    _: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    let mut out = std::io::BufWriter::with_capacity(64 << 10, out);
    serde_json::to_writer_pretty(&mut out, report)?;
    use std::io::Write;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    out.flush().map_err(serde_json::Error::io)?;
    Ok(())
}
