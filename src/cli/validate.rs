//! `sparesla validate <scenario-dir>`.

use super::InvalidInput;
use sparesla::report::{Inventory, OutputFormat};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder (holding scenario.toml, depots.csv, ...).
    scenario: PathBuf,
    /// Also check an incidents file as `dispatch --incidents` reads it.
    #[arg(long, value_name = "FILE")]
    incidents: Option<PathBuf>,
    /// Also check a stock file as `dispatch --stock` reads it (`depot,part,on_hand`, or a plan's stock.csv).
    #[arg(long, value_name = "FILE")]
    stock: Option<PathBuf>,
    /// Also check a roster file as `dispatch --roster` and `simulate --roster`
    /// read it (engineers.csv format); the inventory and the other files are
    /// then checked against its engineers.
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Also check an engineer state file as `dispatch --engineer-state` reads it.
    #[arg(long, value_name = "FILE")]
    engineer_state: Option<PathBuf>,
    /// Also check a previous dispatch.csv as `dispatch --pin` reads it
    /// (against --incidents, else the scenario's incidents.csv).
    #[arg(long, value_name = "FILE")]
    pin: Option<PathBuf>,
    /// Output format of the inventory.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut scenario = super::load_scenario(&args.scenario)?;
    // The files a later command would read with this scenario get the same
    // checks now; the inventory then counts them instead of the folder's own.
    if let Some(path) = &args.roster {
        scenario.engineers = sparesla::scenario::load_roster(&scenario, path)?;
    }
    if let Some(path) = &args.incidents {
        scenario.incidents = sparesla::scenario::load_incidents(&scenario, path)?;
    }
    if let Some(path) = &args.stock {
        scenario.stock = sparesla::scenario::load_stock(&scenario, path)?;
    }
    if let Some(path) = &args.engineer_state {
        sparesla::scenario::load_engineer_states(&scenario, path)?;
    }
    if let Some(path) = &args.pin {
        sparesla::scenario::load_pins(&scenario, &scenario.incidents, path)?;
    }
    check_what_commands_build(&scenario)?;
    let inventory = Inventory::of(&scenario);
    match args.format {
        OutputFormat::Json => super::print_stdout(&serde_json::to_string_pretty(&inventory)?)?,
        OutputFormat::Table | OutputFormat::Csv => super::print_stdout(&inventory.to_table())?,
    }
    super::next::print(
        None,
        &[super::next::Next::sparesla(
            &[&"plan", &args.scenario, &"--out", &"plan"],
            "which depots to open, what to stock, whom to staff",
        )],
    );
    Ok(ExitCode::SUCCESS)
}

/// Builds what `plan`, `dispatch` and `simulate` build before they start
/// (travel times, every site's contract clock, every engineer's duty
/// timeline), so that a scenario `validate` accepts does not fail there.
fn check_what_commands_build(scenario: &sparesla::scenario::Scenario) -> anyhow::Result<()> {
    super::travel_times(scenario)?;
    sparesla::scenario::SiteClocks::for_scenario(scenario)
        .map_err(|e| InvalidInput(format!("contract calendar: {e}")))?;
    let years = sparesla::scenario::scenario_years(scenario);
    let mut checked: Vec<&sparesla::scenario::Shift> = Vec::new();
    for engineer in &scenario.engineers {
        if checked.contains(&&engineer.shift) {
            continue;
        }
        checked.push(&engineer.shift);
        let rule = sparesla::calendar::BusinessRule {
            window: engineer.shift.window,
            days: engineer.shift.days,
            calendar: engineer.shift.calendar.clone(),
            tz: engineer.shift.tz,
        };
        sparesla::calendar::BusinessTimeline::new(rule, years.clone()).map_err(|e| {
            InvalidInput(format!(
                "shift of engineer `{}` (and any with the same shift): {e}",
                engineer.id
            ))
        })?;
    }
    Ok(())
}
