use std::process::ExitCode;

fn main() -> ExitCode {
    sovscan::cli::main()
}
