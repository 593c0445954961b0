//! `sovscan report`: renders a saved report in any format, as the scan
//! that wrote it would have.

use super::inputs::{load_rules, read_report};
use super::{Error, ReportArgs, print_stdout};
use crate::report::{self, output};
use std::process::ExitCode;

pub fn run(args: ReportArgs) -> Result<ExitCode, Error> {
    // The output is checked before anything is read, as for `scan -o`.
    let out = output::single(&args.format, args.output)?;
    let saved = read_report(&args.input)?;
    let opts = report::RenderOptions {
        sarif_min_level: args.sarif_min_level,
        db: Some(std::sync::Arc::new(load_rules(&args.rules)?)),
        components: args.components,
        width: super::term::width(args.wide),
        color: super::term::color(),
    };
    if let Some(bytes) = output::write(&[out], &saved, &opts)? {
        print_stdout(&bytes)?;
    }
    Ok(ExitCode::SUCCESS)
}
