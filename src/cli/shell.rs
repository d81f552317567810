//! Files for the user's shell and manual: completion scripts and the man page,
//! both generated from the same clap definition as the parser, so they never
//! drift from the flags the binary takes.

use super::Cli;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    shell: clap_complete::Shell,
}

/// Prints the completion script of `sparesla` for one shell.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "sparesla", &mut script);
    std::io::stdout().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page of `sparesla` (roff, section 1).
pub fn man() -> anyhow::Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    std::io::stdout().write_all(&page)?;
    Ok(ExitCode::SUCCESS)
}
