//! `sovscan explain`: the assessment trace of one component.

use super::inputs::obtain_report;
use super::{Error, ExplainArgs, print_stdout};
use crate::i18n::Lang;
use crate::report;
use std::process::ExitCode;

pub fn run(args: ExplainArgs, lang: Lang) -> Result<ExitCode, Error> {
    let (db, report) = obtain_report(&args.inputs, &args.opts)?;
    let text = report::explain::explain(&report, &args.component, &db, lang)?;
    print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
