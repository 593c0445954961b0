//! `sovscan summary`: the aggregates of roots or of a saved scan.

use super::inputs::obtain_report;
use super::{Error, Format, SummaryArgs, json_lines, print_stdout};
use crate::i18n::Lang;
use crate::report;
use std::process::ExitCode;

pub fn run(args: SummaryArgs, lang: Lang) -> Result<ExitCode, Error> {
    let (_db, report) = obtain_report(&args.inputs, &args.opts)?;
    let bytes = match args.format {
        Format::Json => json_lines(&report.summary)?,
        Format::Table => {
            report::table::summary_view(&report, super::term::width(false), lang).into_bytes()
        }
    };
    print_stdout(&bytes)?;
    Ok(ExitCode::SUCCESS)
}
