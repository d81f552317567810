//! `sparesla validate <scenario-dir>`.

use crate::report::{Inventory, OutputFormat};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder (holding scenario.toml, depots.csv, ...).
    scenario: PathBuf,
    /// Output format of the inventory.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let scenario = super::load_scenario(&args.scenario)?;
    let inventory = Inventory::of(&scenario);
    match args.format {
        OutputFormat::Json => super::print_stdout(&serde_json::to_string_pretty(&inventory)?)?,
        OutputFormat::Table | OutputFormat::Csv => super::print_stdout(&inventory.to_table())?,
    }
    super::next::print(
        None,
        &[super::next::Next::sparesla(
            &[&"plan", &args.scenario, &"--out", &"plan"],
            "which depots to open and what to stock",
        )],
    );
    Ok(ExitCode::SUCCESS)
}
