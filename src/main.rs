//! The `sparesla` command line: parse arguments, run, map errors to exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    sparesla::cli::main()
}
