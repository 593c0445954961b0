//! What the terminal on stdout can show: its width and whether it takes
//! colours (the table asks), and whether it is a terminal at all (a
//! binary format is refused there).

use std::io::IsTerminal;

/// The table's width: unlimited with `--wide`; else `COLUMNS` when it is
/// a number; else the terminal's width; else (a pipe, a file, a CI log)
/// [`DEFAULT_WIDTH`](crate::report::DEFAULT_WIDTH).
pub fn width(wide: bool) -> Option<usize> {
    if wide {
        return None;
    }
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let terminal = || {
        let out = std::io::stdout();
        if !out.is_terminal() {
            return None;
        }
        terminal_size::terminal_size_of(&out)
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w > 0)
    };
    Some(
        columns
            .or_else(terminal)
            .unwrap_or(crate::report::DEFAULT_WIDTH),
    )
}

/// Whether stdout is a terminal (a binary format is not written there).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Colours on stdout: a terminal that is not `TERM=dumb`, and `NO_COLOR`
/// unset or empty (<https://no-color.org>).
pub fn color() -> bool {
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}
