//! Several outputs per run: `-f FORMAT` for stdout, `-o [FORMAT=]FILE`
//! (repeatable) for files. The plan is made and every file's directory is
//! checked before the scan starts, so a typo fails in a second, not after an
//! hour-long scan; every file is then written atomically.
//!
//! Rules (README "Usage"):
//! - `-o FORMAT=FILE` writes FORMAT to FILE; FORMAT is a name of
//!   [`super::FORMATS`]. An argument whose text before the first `=` looks
//!   like a format name (`[a-z0-9_-]+`) but isn't one is an error; write
//!   `./a=b.json` for a file whose name has `=`.
//! - `-o FILE` writes the `-f` format to FILE, and stdout gets nothing
//!   (the meaning `-o` always had).
//! - Otherwise stdout gets the `-f` format (default `table`), unless `-q`
//!   was given with at least one `-o`: then everything goes to files.

use super::{OutputFormat, RenderError, RenderOptions, Report};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Why an output can't be planned or written: one line naming the
/// argument or the file.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("-f {name}: unknown format (formats: {formats})")]
    UnknownFormat { name: String, formats: String },
    #[error("-o: empty file name")]
    EmptyName,
    #[error(
        "-o {spec}: unknown format {name:?} (formats: {formats}; write ./{spec} for a file name with '=')"
    )]
    UnknownFormatBeforeEquals {
        spec: String,
        name: String,
        formats: String,
    },
    #[error("-o {0}: no file name after '='")]
    NoFileName(String),
    #[error("{}: given twice as an output", .0.display())]
    GivenTwice(PathBuf),
    #[error("{}: is a directory", .0.display())]
    IsADirectory(PathBuf),
    #[error("{}: output directory does not exist", .0.display())]
    NoDirectory(PathBuf),
    #[error("{}: cannot write: {source}", path.display())]
    CannotWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "-f {0}: a binary format is not written to a terminal; write it to a file with -o {0}=FILE, or redirect stdout"
    )]
    BinaryToTerminal(&'static str),
    #[error("{format} output: {source}")]
    Render {
        format: &'static str,
        source: RenderError,
    },
}

/// Where one rendering goes.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: &'static OutputFormat,
    /// None: stdout.
    pub path: Option<PathBuf>,
}

/// Parses the output options into the list of outputs (files first, in
/// command-line order, then stdout if it gets anything), and checks that
/// every file can be written. Errors are one line naming the argument or
/// file.
pub fn plan(
    stdout_format: &str,
    specs: &[OsString],
    quiet: bool,
) -> Result<Vec<Output>, OutputError> {
    let stdout_format = named(stdout_format)?;
    let mut outputs = Vec::new();
    let mut plain_file = false;
    for spec in specs {
        let (format, path) = match parse_spec(spec)? {
            (Some(f), path) => (f, path),
            (None, path) => {
                plain_file = true;
                (stdout_format, path)
            }
        };
        check_writable(&path)?;
        outputs.push(Output {
            format,
            path: Some(path),
        });
    }
    // The same file twice would be overwritten by the second rendering.
    for (i, a) in outputs.iter().enumerate() {
        for b in &outputs[..i] {
            if let (Some(pa), Some(pb)) = (&a.path, &b.path)
                && same_file(pa, pb)
            {
                return Err(OutputError::GivenTwice(pa.clone()));
            }
        }
    }
    let all_to_files = quiet && !specs.is_empty();
    if !plain_file && !all_to_files {
        outputs.push(Output {
            format: stdout_format,
            path: None,
        });
    }
    Ok(outputs)
}

/// Refuses a binary format (PDF) on stdout when stdout is a terminal: it
/// would fill the screen with bytes and can confuse the terminal. A pipe or
/// a redirect takes it.
pub fn check_stdout(outputs: &[Output], stdout_is_terminal: bool) -> Result<(), OutputError> {
    match outputs.iter().find(|o| o.path.is_none() && o.format.binary) {
        Some(o) if stdout_is_terminal => Err(OutputError::BinaryToTerminal(o.format.name)),
        _ => Ok(()),
    }
}

/// The format `-f NAME` names.
fn named(name: &str) -> Result<&'static OutputFormat, OutputError> {
    super::format(name).ok_or_else(|| OutputError::UnknownFormat {
        name: name.to_owned(),
        formats: super::format_names(),
    })
}

/// One output of `format` to `path`, or to stdout without a path: the plan
/// of `sovscan report`, whose `-o FILE` is a file name as given (no
/// `FORMAT=`). The file is checked as every `scan -o` file is.
pub fn single(format: &str, path: Option<PathBuf>) -> Result<Output, OutputError> {
    let format = named(format)?;
    if let Some(p) = &path {
        check_writable(p)?;
    }
    Ok(Output { format, path })
}

/// `FORMAT=PATH` → (Some(format), PATH); `PATH` → (None, PATH).
fn parse_spec(spec: &OsStr) -> Result<(Option<&'static OutputFormat>, PathBuf), OutputError> {
    let bytes = spec.as_bytes();
    let shown = spec.to_string_lossy();
    if bytes.is_empty() {
        return Err(OutputError::EmptyName);
    }
    if let Some(eq) = bytes.iter().position(|&b| b == b'=') {
        let name = &bytes[..eq];
        let looks_like_format = !name.is_empty()
            && name
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'));
        if looks_like_format {
            let name = std::str::from_utf8(name).expect("ASCII");
            let format =
                super::format(name).ok_or_else(|| OutputError::UnknownFormatBeforeEquals {
                    spec: shown.to_string(),
                    name: name.to_owned(),
                    formats: super::format_names(),
                })?;
            let path = &bytes[eq + 1..];
            if path.is_empty() {
                return Err(OutputError::NoFileName(shown.to_string()));
            }
            return Ok((Some(format), PathBuf::from(OsStr::from_bytes(path))));
        }
    }
    Ok((None, PathBuf::from(spec)))
}

/// The checks a rename-into-place write needs: the directory exists and
/// takes a new file, and the path is not a directory.
fn check_writable(path: &Path) -> Result<(), OutputError> {
    if path.as_os_str().as_bytes().ends_with(b"/") || path.is_dir() {
        return Err(OutputError::IsADirectory(path.to_owned()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(OutputError::NoDirectory(path.to_owned()));
    }
    // Creating (and dropping) a temporary file is the real test: it is what
    // write_atomic will do.
    tempfile::Builder::new()
        .prefix(".sovscan-check-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|source| OutputError::CannotWrite {
            path: path.to_owned(),
            source,
        })
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        dir.canonicalize()
            .ok()
            .zip(p.file_name())
            .map(|(d, f)| d.join(f))
    };
    a == b || matches!((canon(a), canon(b)), (Some(x), Some(y)) if x == y)
}

/// Renders every output, then writes the files atomically. Returns what
/// stdout gets, if anything, for the caller to print. Nothing is written
/// when any rendering fails. A format that can stream (JSON) is written
/// to its file's temporary as it is rendered, never held whole in memory;
/// the temporaries are renamed into place only once every output is done.
pub fn write(
    outputs: &[Output],
    report: &Report,
    opts: &RenderOptions,
) -> Result<Option<Vec<u8>>, OutputError> {
    let mut files = Vec::with_capacity(outputs.len());
    let mut stdout = None;
    // A file gets no colour and the width of a pipe.
    let file_opts = RenderOptions {
        color: false,
        width: opts.width.map(|_| super::DEFAULT_WIDTH),
        ..opts.clone()
    };
    for o in outputs {
        let render_error = |source| OutputError::Render {
            format: o.format.name,
            source,
        };
        let Some(path) = &o.path else {
            stdout = Some(super::render(o.format, report, opts).map_err(render_error)?);
            continue;
        };
        let cannot_write = |source| OutputError::CannotWrite {
            path: path.clone(),
            source,
        };
        let done = match o.format.stream {
            Some(stream) => {
                let mut tmp = super::temp_beside(path).map_err(cannot_write)?;
                match stream(report, &file_opts, tmp.as_file_mut()) {
                    Ok(()) => Rendered::Streamed(tmp),
                    Err(super::RenderError::Json(e)) if e.is_io() => {
                        return Err(cannot_write(e.into()));
                    }
                    Err(e) => return Err(render_error(e)),
                }
            }
            None => {
                Rendered::Bytes(super::render(o.format, report, &file_opts).map_err(render_error)?)
            }
        };
        files.push((path, done, cannot_write));
    }
    for (path, done, cannot_write) in files {
        match done {
            Rendered::Bytes(bytes) => super::write_atomic(path, &bytes),
            Rendered::Streamed(tmp) => super::persist(tmp, path),
        }
        .map_err(cannot_write)?;
    }
    Ok(stdout)
}

/// One output, rendered: bytes for stdout or a file, or a file's
/// temporary the format streamed into.
enum Rendered {
    Bytes(Vec<u8>),
    Streamed(tempfile::NamedTempFile),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(outputs: &[Output]) -> Vec<(String, Option<String>)> {
        outputs
            .iter()
            .map(|o| {
                (
                    o.format.name.to_owned(),
                    o.path.as_ref().map(|p| p.display().to_string()),
                )
            })
            .collect()
    }

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    /// `-o /dev/null` or a FIFO: the node is written into, never replaced
    /// by a renamed file (as root, a rename would replace `/dev/null`).
    #[test]
    fn a_pipe_or_device_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        super::super::write_atomic(&fifo, b"{\"report\": 1}\n").unwrap();
        assert_eq!(reader.join().unwrap(), b"{\"report\": 1}\n");
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "still a FIFO");
        // Nothing left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn plans_files_and_stdout() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let p = plan(
            "table",
            &os(&[&format!("json={d}/a.json"), &format!("sarif={d}/b.sarif")]),
            false,
        )
        .unwrap();
        assert_eq!(
            names(&p),
            vec![
                ("json".into(), Some(format!("{d}/a.json"))),
                ("sarif".into(), Some(format!("{d}/b.sarif"))),
                ("table".into(), None),
            ]
        );
        // A plain -o FILE takes -f's format and stdout gets nothing.
        let p = plan("json", &os(&[&format!("{d}/scan.json")]), false).unwrap();
        assert_eq!(
            names(&p),
            vec![("json".into(), Some(format!("{d}/scan.json")))]
        );
        // -q with files: nothing on stdout; -q alone still prints.
        let p = plan("table", &os(&[&format!("csv={d}/c.csv")]), true).unwrap();
        assert_eq!(names(&p).len(), 1);
        assert_eq!(names(&plan("table", &[], true).unwrap()).len(), 1);
        // A path with '=' that doesn't start like a format name is a path.
        let p = plan("json", &os(&[&format!("{d}/x=y.json")]), false).unwrap();
        assert_eq!(
            names(&p),
            vec![("json".into(), Some(format!("{d}/x=y.json")))]
        );
    }

    #[test]
    fn rejects_bad_outputs_with_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let err = |specs: &[&str]| plan("table", &os(specs), false).unwrap_err().to_string();
        let e = err(&[&format!("spdx={d}/a.json")]);
        assert!(e.contains("unknown format \"spdx\""), "{e}");
        assert!(e.contains("cyclonedx"), "{e}");
        assert!(err(&["json="]).contains("no file name"));
        assert!(
            err(&[&format!("json={d}/missing/a.json")]).contains("output directory does not exist")
        );
        assert!(err(&[&format!("json={d}")]).contains("is a directory"));
        assert!(
            err(&[&format!("json={d}/a.json"), &format!("csv={d}/./a.json")])
                .contains("given twice")
        );
        assert!(
            plan("xml", &[], false)
                .unwrap_err()
                .to_string()
                .contains("unknown format")
        );
        for e in [err(&["nope=x"]), err(&["json="])] {
            assert!(!e.contains('\n'));
        }
        // A PDF goes to a file or a pipe, never to a terminal.
        let to_stdout = plan("pdf", &[], false).unwrap();
        let e = check_stdout(&to_stdout, true).unwrap_err().to_string();
        assert!(e.contains("-o pdf=FILE"), "{e}");
        assert!(check_stdout(&to_stdout, false).is_ok());
        let to_file = plan("pdf", &os(&[&format!("{d}/r.pdf")]), false).unwrap();
        assert!(check_stdout(&to_file, true).is_ok());
        assert!(check_stdout(&plan("html", &[], false).unwrap(), true).is_ok());
    }
}
