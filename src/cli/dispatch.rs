//! `sparesla dispatch`: assign engineers, depots and delivery modes to incidents.

use super::InvalidInput;
use super::next::{self, Next};
use anyhow::Context;
use sparesla::calendar::parse_duration;
use sparesla::dispatch::{self, DispatchOptions};
use sparesla::report::read::check_output_file;
use sparesla::report::{DispatchSummary, ResultFormat, dispatch_table, write_dispatch};
use sparesla::scenario;
use std::path::PathBuf;
use std::process::ExitCode;

/// Most days `--days` plans: a duty block per day, and the engine tries at
/// most 16 blocks per job.
const MAX_DAYS: i64 = 14;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder.
    scenario: PathBuf,
    /// Incidents to dispatch (`id,site,opened,part,kind`).
    #[arg(long)]
    incidents: PathBuf,
    /// Stock to take parts from (`depot,part,on_hand`, e.g. a plan's stock.csv; default the scenario's stock.csv).
    #[arg(long)]
    stock: Option<PathBuf>,
    /// Engineers to dispatch instead of the scenario's engineers.csv (the
    /// engineers.csv format, e.g. a plan's roster.csv).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// A previous dispatch.csv whose assigned jobs to keep: each stays with its
    /// engineer, depot and mode, first in the route in its previous order.
    #[arg(long)]
    pin: Option<PathBuf>,
    /// Engineers already out (`engineer,available_from,location`).
    #[arg(long, value_name = "FILE")]
    engineer_state: Option<PathBuf>,
    /// Folder for dispatch.csv, routes.csv and summary.json.
    #[arg(long)]
    out: PathBuf,
    /// Wall-clock budget, e.g. 10s or 1m.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    time_limit: String,
    /// Seed of the improvement search (same seed, same dispatch unless the time limit stops it).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Days to plan from the day of the earliest incident: engineers work
    /// those days' shifts and go home between them; 1 is today's dispatch.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_DAYS))]
    days: u32,
    /// Most improvement iterations.
    #[arg(long, default_value_t = DispatchOptions::default().max_iterations)]
    iterations: u64,
    /// LP solver of the lower bound (microlp, or highs when compiled in).
    #[arg(long, default_value_t = sparesla::milp::Backend::default_backend())]
    solver: sparesla::milp::Backend,
    /// Skip the lower bound.
    #[arg(long)]
    no_bound: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = ResultFormat::Table)]
    format: ResultFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut scenario = super::load_scenario(&args.scenario)?;
    let time_limit =
        parse_duration(&args.time_limit).map_err(|e| InvalidInput(format!("--time-limit: {e}")))?;
    // A stock, pin or roster file from an output folder must be the file its run wrote.
    for path in [&args.stock, &args.pin, &args.roster].into_iter().flatten() {
        check_output_file(path).map_err(|e| InvalidInput(e.to_string()))?;
    }
    // Before the incidents: their dates are checked against the calendars
    // of the engineers who would serve them.
    if let Some(path) = &args.roster {
        (scenario.engineers, scenario.breaks) = scenario::load_roster_with_breaks(&scenario, path)?;
    }
    let incidents = scenario::load_incidents(&scenario, &args.incidents)?;
    let stock = match &args.stock {
        Some(path) => scenario::load_stock(&scenario, path)?,
        None => scenario.stock.clone(),
    };
    if stock.iter().all(|level| level.on_hand == 0) {
        eprintln!(
            "hint: no depot holds any stock{}, so no incident can get its part; pass the stock to \
             dispatch from, e.g. a plan's: --stock plan/stock.csv",
            if args.stock.is_some() {
                " in the --stock file"
            } else {
                " (the scenario has no stock.csv and --stock was not given)"
            }
        );
    }
    let live = dispatch::Live {
        engineers: match &args.engineer_state {
            Some(path) => scenario::load_engineer_states(&scenario, path)?,
            None => Vec::new(),
        },
        pins: match &args.pin {
            Some(path) => scenario::load_pins(&scenario, &incidents, path)?,
            None => Vec::new(),
        },
    };
    let travel = super::travel_times(&scenario)?;
    let options = DispatchOptions {
        time_limit: time_limit.to_std().unwrap_or_default(),
        seed: args.seed,
        max_iterations: args.iterations,
        bound: (!args.no_bound).then_some(args.solver),
    };
    let progress = super::progress::spinner(format!(
        "dispatching {} incident(s) (time limit {:.0?})",
        incidents.len(),
        options.time_limit
    ));
    let result = dispatch::dispatch_days(
        &scenario, &travel, &incidents, &stock, &live, options, args.days,
    );
    progress.finish_and_clear();
    let result = result.map_err(|e| InvalidInput(e.to_string()))?;
    write_dispatch(&args.out, &scenario, &result)
        .with_context(|| format!("writing the dispatch to {}", args.out.display()))?;
    let summary = DispatchSummary::of(&scenario, &result);
    match args.format {
        ResultFormat::Json => super::print_stdout(&serde_json::to_string_pretty(&summary)?)?,
        ResultFormat::Geojson => super::print_stdout(
            sparesla::report::geojson::geojson_text(&sparesla::report::geojson::dispatch_geojson(
                &scenario, &result,
            ))?
            .trim_end(),
        )?,
        ResultFormat::Table | ResultFormat::Csv => {
            super::print_stdout(dispatch_table(&summary, &scenario.dispatch).trim_end())?
        }
    }
    if let Some(note) = time_limit_note(result.iterations, args.iterations, &args.time_limit) {
        eprintln!("{note}");
    }
    let dispatch_csv = args.out.join("dispatch.csv");
    let mut redispatch: Vec<&dyn next::ShellWord> =
        vec![&"dispatch", &args.scenario, &"--incidents", &args.incidents];
    // The pinned jobs name the roster's engineers and take their parts from
    // this stock, with engineers out as given: the next run needs them too.
    next::push_flag(&mut redispatch, &"--stock", args.stock.as_ref());
    next::push_flag(&mut redispatch, &"--roster", args.roster.as_ref());
    next::push_flag(
        &mut redispatch,
        &"--engineer-state",
        args.engineer_state.as_ref(),
    );
    let days = args.days.to_string();
    next::push_flag(&mut redispatch, &"--days", (args.days > 1).then_some(&days));
    redispatch.extend([
        &"--pin" as &dyn next::ShellWord,
        &dispatch_csv,
        &"--out",
        &"dispatch-next",
    ]);
    let mut steps = vec![Next::sparesla(
        &redispatch,
        "re-dispatch as tickets arrive, keeping these jobs",
    )];
    // A plan's stock.csv: its folder makes a report with the day's routes.
    let plan_folder = args
        .stock
        .as_deref()
        .and_then(|stock| stock.parent())
        .filter(|dir| dir.join("summary.json").is_file())
        // The report checks the routes' engineers against engineers.csv.
        .filter(|_| args.roster.is_none());
    if let Some(plan) = plan_folder {
        steps.push(Next::sparesla(
            &[
                &"report",
                &args.scenario,
                &"--plan",
                &plan,
                &"--dispatch",
                &args.out,
                &"--out",
                &"report.html",
            ],
            "the day's routes on one page",
        ));
    }
    next::print(
        Some(format!("the dispatch to {}", args.out.display())),
        &steps,
    );
    Ok(ExitCode::SUCCESS)
}

/// Said when the time limit, not the iteration cap, ended the search: how
/// many iterations run in the time depends on the machine and its load, so
/// another run may write another dispatch. (Each iteration takes a few
/// milliseconds; a machine twice as fast runs twice as many.)
fn time_limit_note(iterations: u64, cap: u64, time_limit: &str) -> Option<String> {
    (iterations < cap).then(|| {
        format!(
            "note: the {time_limit} time limit stopped the search after {iterations} of \
             {cap} iterations, so another run may dispatch differently; give it more time \
             (--time-limit) or fewer iterations (--iterations) for the same dispatch on every run"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::time_limit_note;

    #[test]
    fn the_time_limit_note_appears_only_short_of_the_iteration_cap() {
        assert_eq!(time_limit_note(2_000, 2_000, "10s"), None);
        let note = time_limit_note(1_244, 2_000, "10s").expect("short of the cap");
        assert!(
            note.contains("10s time limit") && note.contains("1244 of 2000"),
            "{note}"
        );
    }
}
