//! `sparesla simulate`: a plan in service, many times over.

use super::InvalidInput;
use super::next::{self, Next};
use anyhow::Context;
use sparesla::report::ROSTER_FILE;
use sparesla::report::read::{
    PlanParts, check_output_file, read_plan_parts, unchecked_folder_warning,
};
use sparesla::report::{
    OutputFormat, SimulationReport, customers_csv, simulation_table, write_simulation,
};
use sparesla::simulate::{self, SimulateOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder.
    scenario: PathBuf,
    /// Plan folder written by `sparesla plan --out` (stock.csv, summary.json, and roster.csv when there).
    #[arg(long)]
    plan: PathBuf,
    /// Days to simulate from the scenario's start_date.
    #[arg(long, default_value_t = SimulateOptions::default().days)]
    days: u32,
    /// First day to simulate (YYYY-MM-DD), instead of the scenario's
    /// start_date (or its default).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    start: Option<chrono::NaiveDate>,
    /// Independent runs.
    #[arg(long, default_value_t = SimulateOptions::default().runs)]
    runs: u32,
    /// Seed; the same seed gives the same output, whatever the thread count.
    #[arg(long, default_value_t = SimulateOptions::default().seed)]
    seed: u64,
    /// Hours from a failure until an emergency shipment (for a part no depot
    /// in reach has) is on site [default: the scenario's `[costs]
    /// emergency_hours`, else 24].
    #[arg(long, value_name = "HOURS")]
    emergency_hours: Option<f64>,
    /// Engineers to simulate with instead of the scenario's engineers.csv
    /// (the engineers.csv format) [default: the plan folder's roster.csv
    /// when it has one].
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Folder for summary.json, tiers.csv and customers.csv.
    #[arg(long)]
    out: Option<PathBuf>,
    /// What to print on stdout (csv: the customer service report).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Longest simulation: ten years, the longest planning horizon.
const MAX_DAYS: u32 = 3660;
/// Longest emergency lead time: a year.
const MAX_EMERGENCY_HOURS: f64 = 8760.0;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.runs == 0 {
        return Err(InvalidInput("--runs: at least 1 run is needed".into()).into());
    }
    if !(1..=MAX_DAYS).contains(&args.days) {
        return Err(InvalidInput(format!(
            "--days: {} is outside 1..={MAX_DAYS} (ten years, as horizon_days)",
            args.days
        ))
        .into());
    }
    if let Some(hours) = args
        .emergency_hours
        .filter(|hours| !(hours.is_finite() && (0.0..=MAX_EMERGENCY_HOURS).contains(hours)))
    {
        return Err(InvalidInput(format!(
            "--emergency-hours: {hours} is not a number of hours from 0 to {MAX_EMERGENCY_HOURS} (a year)"
        ))
        .into());
    }
    let mut scenario = super::load_scenario(&args.scenario)?;
    if let Some(start) = args.start {
        scenario.start_date = Some(start);
    }
    // Before the period check: the roster's calendars must cover it too.
    if let Some(path) = roster_file(&args) {
        check_output_file(&path).map_err(|e| InvalidInput(e.to_string()))?;
        scenario.engineers = sparesla::scenario::load_roster(&scenario, &path)?;
        eprintln!(
            "roster: {} ({} engineers)",
            path.display(),
            scenario.engineers.len()
        );
    } else {
        eprintln!(
            "roster: the scenario's engineers.csv ({} engineers; {} has no {ROSTER_FILE})",
            scenario.engineers.len(),
            args.plan.display()
        );
    }
    if let Some(start) = scenario.start_date {
        let end = start + chrono::Days::new(u64::from(args.days));
        let period = format!("the simulation ({} days from {start})", args.days);
        sparesla::scenario::check_period(&scenario, start, end, &period)?;
    }
    let files = read_plan_parts(&args.plan, &scenario, PlanParts::StockAndSummary)
        .map_err(|e| InvalidInput(e.to_string()))?;
    if let Some(warning) = unchecked_folder_warning(&args.plan) {
        eprintln!("{warning}");
    }
    let plan = files.for_simulation(&scenario);
    let travel = super::travel_times(&scenario)?;
    let options = SimulateOptions {
        days: args.days,
        runs: args.runs,
        seed: args.seed,
        emergency_hours: args
            .emergency_hours
            .unwrap_or(scenario.costs.emergency_hours),
    };
    let started = std::time::Instant::now();
    let progress = super::progress::bar(u64::from(options.runs), "simulating runs");
    let simulation = simulate::simulate_observed(&scenario, &travel, &plan.stock, options, &|| {
        progress.inc(1)
    });
    progress.finish_and_clear();
    let simulation = simulation.map_err(|e| InvalidInput(e.to_string()))?;
    tracing::info!(
        "{} runs simulated in {:.2}s",
        options.runs,
        started.elapsed().as_secs_f64()
    );
    let report = SimulationReport::of(&scenario, &simulation, &plan.promise);
    if let Some(example) = &report.unrated_example {
        eprintln!(
            "warning: {:.1} failures per run have their deadline in a year a contract calendar does not cover; they are served but left out of attainment (e.g. {example})",
            report.unrated_per_run.mean
        );
    }
    if let Some(out) = &args.out {
        write_simulation(out, &report)
            .with_context(|| format!("writing the simulation to {}", out.display()))?;
    }
    match args.format {
        OutputFormat::Json => super::print_stdout(&serde_json::to_string_pretty(&report)?)?,
        OutputFormat::Csv => super::print_stdout(customers_csv(&report)?.trim_end())?,
        OutputFormat::Table => super::print_stdout(simulation_table(&report).trim_end())?,
    }
    let wrote = args
        .out
        .as_ref()
        .map(|out| format!("the simulation to {}", out.display()));
    let mut report_words: Vec<&dyn next::ShellWord> =
        vec![&"report", &args.scenario, &"--plan", &args.plan];
    // A kept simulation goes on the page, beside the plan's promise.
    next::push_flag(&mut report_words, &"--simulate", args.out.as_ref());
    report_words.extend([&"--out" as &dyn next::ShellWord, &"report.html"]);
    let on_the_page = if args.out.is_some() {
        "the plan and its simulation on one page"
    } else {
        "the plan on one page"
    };
    let mut steps = vec![Next::sparesla(&report_words, on_the_page)];
    if args.out.is_none() {
        let mut again: Vec<&dyn next::ShellWord> =
            vec![&"simulate", &args.scenario, &"--plan", &args.plan];
        next::push_flag(&mut again, &"--roster", args.roster.as_ref());
        again.extend([&"--out" as &dyn next::ShellWord, &"simulation"]);
        steps.push(Next::sparesla(
            &again,
            "the same, with tiers.csv and customers.csv kept",
        ));
    }
    next::print(wrote, &steps);
    Ok(ExitCode::SUCCESS)
}

/// The engineers to simulate with: `--roster`, else the plan folder's
/// roster.csv when there is one; `None` for the scenario's engineers.csv.
fn roster_file(args: &Args) -> Option<PathBuf> {
    args.roster.clone().or_else(|| {
        let in_plan = args.plan.join(ROSTER_FILE);
        std::fs::symlink_metadata(&in_plan)
            .is_ok()
            .then_some(in_plan)
    })
}

/// A `--start` date: `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date; write YYYY-MM-DD, e.g. 2026-01-01"))
}
