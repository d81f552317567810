//! `sparesla travel <scenario> [--from DEPOT] [--to SITE]`.

use super::InvalidInput;
use sparesla::report::{OutputFormat, TravelList, TravelRoute};
use sparesla::scenario::Scenario;
use sparesla::travel::{Endpoint, TravelTimes};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder (holding scenario.toml, depots.csv, ...).
    scenario: PathBuf,
    /// Depot to travel from (with --to, also a site); default: every depot.
    #[arg(long, value_name = "DEPOT")]
    from: Option<String>,
    /// Site to travel to (also a depot); default: every site.
    #[arg(long, value_name = "SITE")]
    to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let scenario = &super::load_scenario(&args.scenario)?;
    let times = TravelTimes::build(scenario).map_err(|e| {
        InvalidInput(format!(
            "{}: cannot compute travel times: {e}",
            args.scenario.display()
        ))
    })?;
    for island in times.road_islands() {
        eprintln!("{}", super::island_warning(scenario, &island));
    }
    let from = args.from.as_deref().map(|id| place(scenario, id, "--from"));
    let to = args.to.as_deref().map(|id| place(scenario, id, "--to"));
    let text = match (from.transpose()?, to.transpose()?) {
        (Some(from), Some(to)) => {
            let route = TravelRoute::of(&times, from, to);
            match args.format {
                OutputFormat::Table => route.to_table(),
                OutputFormat::Csv => route.to_csv()?,
                OutputFormat::Json => serde_json::to_string_pretty(&route)?,
            }
        }
        (from, to) => {
            let from = match from {
                None => depots(scenario),
                Some(Endpoint::Depot(d)) => vec![Endpoint::Depot(d)],
                Some(Endpoint::Site(_)) => {
                    return Err(InvalidInput(format!(
                        "--from `{}` is a site; without --to, --from takes a depot id",
                        args.from.unwrap_or_default()
                    ))
                    .into());
                }
            };
            let to = to.map_or_else(|| sites(scenario), |p| vec![p]);
            let list = TravelList::of(&scenario.name, &times, &from, &to);
            match args.format {
                OutputFormat::Table => list.to_table(),
                OutputFormat::Csv => list.to_csv()?,
                OutputFormat::Json => serde_json::to_string_pretty(&list)?,
            }
        }
    };
    super::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn place(scenario: &Scenario, id: &str, flag: &str) -> Result<Endpoint, InvalidInput> {
    Endpoint::find(scenario, id).ok_or_else(|| {
        InvalidInput(format!(
            "{flag} `{id}` is neither a depot nor a site of scenario `{}`",
            scenario.name
        ))
    })
}

fn depots(scenario: &Scenario) -> Vec<Endpoint> {
    scenario.depot_indices().map(Endpoint::Depot).collect()
}

fn sites(scenario: &Scenario) -> Vec<Endpoint> {
    scenario.site_indices().map(Endpoint::Site).collect()
}
