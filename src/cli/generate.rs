//! `sparesla generate`: a synthetic scenario for benchmarks and trials at scale.

use super::next::{self, Next};
use anyhow::Context;
use sparesla::report::OutputSet;
use sparesla::scenario::generate::{GenerateOptions, generate, generate_around};
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
    /// Move the places to this centre, `LAT,LON` (e.g. `51.0,10.0` for
    /// Germany), shrunk to a country's size; default: the Chinese cities.
    #[arg(long, value_name = "LAT,LON", value_parser = parse_centre, allow_hyphen_values = true)]
    centre: Option<(f64, f64)>,
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
    let options = GenerateOptions {
        depots: args.depots,
        sites: args.sites,
        parts: args.parts,
        rows: args.rows,
        engineers: args.engineers,
        incidents: args.incidents,
        seed: args.seed,
    };
    let files = match args.centre {
        Some(centre) => generate_around(options, centre),
        None => generate(options),
    };
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
            "which depots to open, what to stock, whom to staff",
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

/// `LAT,LON` in degrees, latitude within ±80 and longitude within ±180.
fn parse_centre(text: &str) -> Result<(f64, f64), String> {
    let (lat, lon) = text
        .split_once(',')
        .ok_or_else(|| format!("`{text}`: expected LAT,LON such as 51.0,10.0"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("`{s}` is not a number (expected LAT,LON such as 51.0,10.0)"))
    };
    let (lat, lon) = (number(lat)?, number(lon)?);
    if !(-80.0..=80.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "`{text}`: latitude must lie within ±80 and longitude within ±180"
        ));
    }
    Ok((lat, lon))
}
