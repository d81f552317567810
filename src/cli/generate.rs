//! `sparesla generate`: a synthetic scenario for benchmarks and trials at scale.

use super::next::{self, Next};
use anyhow::Context;
use sparesla::report::OutputSet;
use sparesla::scenario::generate::{GenerateOptions, generate};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to write the scenario into (created if missing).
    dir: PathBuf,
    /// Depots (the first is the central warehouse; a third open, the rest candidates).
    #[arg(long, default_value_t = 30)]
    depots: usize,
    /// Customer sites, clustered around Chinese cities by population.
    #[arg(long, default_value_t = 300)]
    sites: usize,
    /// Parts, with skewed (Zipf-like) popularity.
    #[arg(long, default_value_t = 40)]
    parts: usize,
    /// Installed-base rows (default: 7 per site).
    #[arg(long)]
    rows: Option<usize>,
    /// Field engineers, spread over the depots (default: 2 per depot).
    #[arg(long)]
    engineers: Option<usize>,
    /// Also write a day of this many incidents (incidents.csv, 2026-03-10) and a
    /// stock.csv sized to it (each part 3 times its incidents, spread over the depots), for `dispatch`.
    #[arg(long, default_value_t = 0)]
    incidents: usize,
    /// Random seed: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.depots == 0 || args.sites == 0 || args.parts == 0 {
        return Err(super::InvalidInput(
            "--depots, --sites and --parts must each be at least 1".into(),
        )
        .into());
    }
    let files = generate(GenerateOptions {
        depots: args.depots,
        sites: args.sites,
        parts: args.parts,
        rows: args.rows,
        engineers: args.engineers,
        incidents: args.incidents,
        seed: args.seed,
    });
    let count = files.len();
    let mut set = OutputSet::new(sparesla::report::output_set::GENERATE_COMMAND);
    for (name, content) in files {
        set.add(name, content);
    }
    set.write(&args.dir)
        .with_context(|| format!("writing the scenario to {}", args.dir.display()))?;
    let mut steps = vec![
        Next::sparesla(&[&"validate", &args.dir], "its inventory"),
        Next::sparesla(
            &[&"plan", &args.dir, &"--out", &"plan"],
            "which depots to open and what to stock",
        ),
    ];
    if args.incidents > 0 {
        let incidents = args.dir.join("incidents.csv");
        steps.push(Next::sparesla(
            &[
                &"dispatch",
                &args.dir,
                &"--incidents",
                &incidents,
                &"--out",
                &"dispatch",
            ],
            "dispatch the generated day",
        ));
    }
    next::print(
        Some(format!("{} files to {}", count, args.dir.display())),
        &steps,
    );
    Ok(ExitCode::SUCCESS)
}
