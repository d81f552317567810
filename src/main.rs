//! The `sparesla` command line: parse arguments, run, map errors to exit
//! codes. It lives in the binary, not the library: library users take on
//! none of clap, indicatif, tracing-subscriber or anyhow.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
