//! `sovscan completions` and `sovscan man`, generated from the clap
//! definition in `args.rs`, so they never disagree with `--help`. The man
//! pages add what `--help` has no room for: EXIT STATUS, ENVIRONMENT,
//! FILES, and the examples (`--help` shows the same examples).

use super::{Cli, Error, print_stdout};
use crate::report::output::OutputError;
use clap::Command;
use std::path::Path;
use std::process::ExitCode;

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Error> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "sovscan", &mut out);
    print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The top-level page on stdout; with `dir`, a page per command and
/// subcommand written there (`sovscan.1`, `sovscan-scan.1`,
/// `sovscan-rules-check.1`...), each file atomically, their names on stdout.
pub fn man(dir: Option<&Path>) -> Result<ExitCode, Error> {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = dir else {
        print_stdout(&page(&cmd)?)?;
        return Ok(ExitCode::SUCCESS);
    };
    if !dir.is_dir() {
        return Err(OutputError::NoDirectory(dir.to_owned()).into());
    }
    let mut pages = Vec::new();
    collect(&cmd, &mut pages);
    let mut written = String::new();
    for c in pages {
        let name = clap_mangen::Man::new(c.clone()).get_filename();
        let path = dir.join(&name);
        crate::report::write_atomic(&path, &page(c)?).map_err(|source| {
            OutputError::CannotWrite {
                path: path.clone(),
                source,
            }
        })?;
        written.push_str(&format!("{}\n", path.display()));
    }
    print_stdout(written.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `cmd` and every subcommand below it, depth first.
fn collect<'a>(cmd: &'a Command, out: &mut Vec<&'a Command>) {
    out.push(cmd);
    for s in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(s, out);
    }
}

/// One page: clap_mangen's sections, then EXAMPLES (the `--help`
/// examples), EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO.
fn page(cmd: &Command) -> Result<Vec<u8>, Error> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    let io = |r: std::io::Result<()>| r.map_err(Error::Stdout);
    io(man.render_title(&mut out))?;
    io(man.render_name_section(&mut out))?;
    io(man.render_synopsis_section(&mut out))?;
    io(man.render_description_section(&mut out))?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        io(man.render_options_section(&mut out))?;
    }
    if cmd.has_subcommands() {
        io(man.render_subcommands_section(&mut out))?;
    }
    let mut roff = String::new();
    if let Some(ex) = cmd.get_after_help() {
        roff.push_str(".SH EXAMPLES\n.nf\n");
        for line in ex.to_string().lines().skip(1) {
            roff.push_str(&escape(line));
            roff.push('\n');
        }
        roff.push_str(".fi\n");
    }
    roff.push_str(SECTIONS);
    let name = cmd.get_display_name().unwrap_or(cmd.get_name());
    let mut see: Vec<String> = Vec::new();
    if name != "sovscan" {
        see.push("sovscan(1)".into());
    }
    for s in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        see.push(format!(
            "{}(1)",
            s.get_display_name().unwrap_or(s.get_name())
        ));
    }
    if !see.is_empty() {
        roff.push_str(&format!(".SH \"SEE ALSO\"\n{}\n", escape(&see.join(", "))));
    }
    out.extend_from_slice(roff.as_bytes());
    if cmd.get_version().is_some() {
        io(man.render_version_section(&mut out))?;
    }
    Ok(out)
}

/// Text as a roff line: backslashes doubled, hyphens as hyphen-minus (so
/// an option copied from the page works), a leading dot or quote escaped.
fn escape(line: &str) -> String {
    let t = line.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

/// The sections every page shares.
const SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success; for a gated scan (\fB\-\-fail\-on\fR, \fB\-\-baseline\fR, \fB\-\-policy\fR), the gate passed.
.TP
\fB1\fR
The gate failed: a violation that no allowlist entry exempts (and, with \fB\-\-baseline\fR, that the baseline did not have). The outputs are written all the same; the last line on stderr is the verdict (PASSED or FAILED with its counts). For \fBrules coverage \-\-fail\-on\-unknown\fR: a code signer of the report that the rules don't resolve to a vendor. For \fBsovscan check\fR: a product checked would violate the policy's \fB[deny]\fR.
.TP
\fB2\fR
A usage or fatal error, one line on stderr naming the file (with line and column for text): a bad option, an unreadable or invalid rule, policy, baseline or report file, an unwritable output, a root that can't be listed, is empty, or yields no operating system and no software (unless \fB\-\-allow\-empty\fR).
.SH ENVIRONMENT
.TP
\fBCOLUMNS\fR
The width of the table, when it is a number; else the terminal's width, or 120 columns when stdout is not a terminal. \fB\-\-wide\fR ignores it.
.TP
\fBNO_COLOR\fR
When set and not empty, no colours in the table on a terminal (there are never any in a pipe or a file).
.TP
\fBSOURCE_DATE_EPOCH\fR
The scan's day (seconds since 1970), for reproducible reports; also the day on which policy mitigations and allowlist entries expire, and the year a plan starts in by default.
.SH FILES
.TP
\fIsovscan\-policy.toml\fR
A policy (\fB\-\-policy\fR): model weights and targets, mitigations, the CI gate's \fB[deny]\fR rules and \fB[[allow]]\fR entries, the migration plan's \fB[plan]\fR (docs/policy.md, docs/plan.md).
.TP
\fIrules/*.toml\fR
Extra rule files (\fB\-\-rules\fR), layered on the rule database embedded in the binary (docs/rules.md).
.TP
\fIscan.json\fR
A saved report (\fB\-f json\fR or \fB\-o json=scan.json\fR), read by \fBsummary\fR, \fBexplain\fR, \fBdiff\fR, \fBreport\fR, \fBfleet\fR, \fBrules coverage\fR and \fB\-\-baseline\fR (docs/json.md).
.TP
\fIfleet.toml\fR
A fleet manifest (\fBsovscan fleet\fR): the images of an administration with their saved scans, department, seats and tags (docs/fleet.md).
"#;
