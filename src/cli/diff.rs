//! `sovscan diff`: the drift between two saved scans.

use super::inputs::read_report;
use super::{DiffArgs, DiffFormat, Error, json_lines, print_stdout};
use crate::i18n::Lang;
use crate::report::diff;
use std::process::ExitCode;

pub fn run(args: DiffArgs, lang: Lang) -> Result<ExitCode, Error> {
    let d = diff::diff(
        &read_report(&args.old)?,
        &read_report(&args.new)?,
        args.components,
    );
    let bytes = match args.format {
        DiffFormat::Json => json_lines(&d)?,
        DiffFormat::Table => diff::render_text(&d, false, lang).into_bytes(),
        DiffFormat::Md => diff::render_text(&d, true, lang).into_bytes(),
    };
    print_stdout(&bytes)?;
    Ok(ExitCode::SUCCESS)
}
