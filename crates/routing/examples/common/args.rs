//! Command line of the benchmark examples:
//! `<path> [--seconds N] [--seed N] [--objective NAME]`.

use std::path::PathBuf;
use std::process::ExitCode;

pub struct Args {
    pub path: PathBuf,
    pub seconds: f64,
    pub seed: u64,
    /// `--objective`, if given (each example says which it knows).
    pub objective: Option<String>,
}

impl Args {
    /// Parses the process arguments; on error prints usage and returns the exit code.
    pub fn parse(name: &str) -> Result<Args, ExitCode> {
        let usage = || {
            eprintln!("usage: {name} <instance file> [--seconds N] [--seed N] [--objective NAME]");
            ExitCode::from(2)
        };
        let mut path = None;
        let mut seconds = 10.0;
        let mut seed = 0;
        let mut objective = None;
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--seconds" => match it.next().and_then(|s| s.parse::<f64>().ok()) {
                    Some(s) if s >= 0.0 && s.is_finite() => seconds = s,
                    _ => return Err(usage()),
                },
                "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                    Some(s) => seed = s,
                    None => return Err(usage()),
                },
                "--objective" => match it.next() {
                    Some(name) => objective = Some(name),
                    None => return Err(usage()),
                },
                "-h" | "--help" => return Err(usage()),
                _ if path.is_none() && !arg.starts_with("--") => path = Some(PathBuf::from(arg)),
                _ => return Err(usage()),
            }
        }
        match path {
            Some(path) => Ok(Args {
                path,
                seconds,
                seed,
                objective,
            }),
            None => Err(usage()),
        }
    }
}

impl Args {
    /// Reads and parses the instance file; on error prints it with file,
    /// line and column and returns exit code 3.
    pub fn read<T>(
        &self,
        parse: impl FnOnce(&str) -> Result<T, sparesla_routing::bench_formats::FormatError>,
    ) -> Result<T, ExitCode> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| {
            eprintln!("error: {}: {e}", self.path.display());
            ExitCode::from(3)
        })?;
        parse(&text).map_err(|e| {
            eprintln!(
                "error: {}:{}:{}: {}",
                self.path.display(),
                e.line,
                e.column,
                e.message
            );
            ExitCode::from(3)
        })
    }
}
