//! `sovscan completions` and `sovscan man`, generated from the clap
//! definition in `args.rs`, so they never disagree with `--help`.

use super::{Cli, Error, print_stdout};
use std::process::ExitCode;

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Error> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "sovscan", &mut out);
    print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode, Error> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .map_err(Error::Stdout)?;
    print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
