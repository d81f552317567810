//! Command-line interface: argument parsing and wiring. Each subcommand is a
//! file that loads its inputs, calls the library, and hands results to a
//! printer in [`sparesla::report`].

mod compare;
mod deadline;
mod dispatch;
mod generate;
mod next;
mod plan;
mod progress;
mod report;
mod serve;
mod shell;
mod simulate;
mod travel;
mod validate;

use clap::{Parser, Subcommand};
use sparesla::scenario::ScenarioError;
use std::process::ExitCode;

/// Exit code for invalid input (scenario files, incident files, argument values).
pub const EXIT_INVALID_INPUT: u8 = 3;
/// Exit code for any other failure (solver errors, output not writable).
pub const EXIT_FAILURE: u8 = 1;

#[derive(Parser, Debug)]
#[command(
    name = "sparesla",
    version,
    about = "Spare-parts logistics and SLA dispatch optimizer",
    long_about = "Spare-parts logistics and SLA dispatch optimizer for after-sales service networks.\n\n\
        Reads a scenario folder (depots, parts, customer sites, installed base, contract tiers, \
        engineers) and computes stocking plans, dispatch assignments and what-if comparisons.\n\n\
        Exit codes: 0 success, 1 failure, 2 command-line usage error, 3 invalid input."
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a scenario folder and print its inventory, or every error found.
    ///
    /// Reads scenario.toml and the CSV files, reports each problem with file,
    /// line, column and a stable code (docs/diagnostics.md), and exits with 3 if
    /// there are errors. Warnings do not fail validation.
    Validate(validate::Args),
    /// Compute the contract deadline of one ticket.
    ///
    /// Turns an opening time into a deadline under a coverage (24x7, or a
    /// business window on the working days of a holiday calendar) and a
    /// response (a duration of covered time, or next business day). Prints
    /// the deadline in RFC 3339 with the zone's offset; --explain adds how
    /// it was reached. The exact rules are in docs/deadlines.md.
    Deadline(deadline::Args),
    /// Plan which depots to open, the stock of each part at each, and the engineers.
    ///
    /// Meets each tier's on-time target at the least yearly cost (fixed
    /// depot costs, holding, expected SLA penalties, emergency shipments and
    /// engineers). A failure counts as met when the part and a qualified
    /// engineer both make its deadline; with a shifts.csv, positions are
    /// added at open depots where they pay or a target needs them
    /// (--staffing). Writes depots.csv, stock.csv, assignment.csv,
    /// staffing.csv, roster.csv and summary.json to --out, and prints the
    /// cost, the depots, attainment per tier (parts and people) and the
    /// sites no depot reaches in time. The gap to a proven lower bound is
    /// always reported; a time limit returns the best plan found. The model
    /// and method are in docs/plan.md.
    Plan(plan::Args),
    /// Write a synthetic scenario (real city geography, skewed demand, mixed tiers).
    ///
    /// For benchmarks and for trying the tool at scale; `validate` accepts
    /// what it writes, and the same seed writes the same files.
    Generate(generate::Args),
    /// Print travel times: the depot x site matrix, or one pair with its route.
    ///
    /// Times come from the imported matrix ([travel] matrix) for the pairs it
    /// holds, else from the road graph (roads.csv, nodes.csv, closures.csv)
    /// when the scenario has one, else from the geodesic model (straight-line
    /// km x circuity / speed_kmh). Unreachable pairs say `unreachable`. With
    /// --from and --to, prints the hours, the model used, the geodesic
    /// estimate for comparison and the path of node ids taken.
    Travel(travel::Args),
    /// Assign engineers, source depots and delivery modes to incidents.
    ///
    /// Each incident gets a qualified engineer, a depot with the part in stock
    /// and a mode (the engineer collects the part, or a courier brings it),
    /// sequenced into each engineer's route inside their shift. Minimises
    /// penalty-weighted SLA breaches, then minutes late, then travel time.
    /// Writes dispatch.csv, routes.csv and summary.json to --out; prints the
    /// late and unassigned incidents with a reason.
    Dispatch(dispatch::Args),
    /// Simulate a plan in service: failures, dispatch, stock, SLA attainment.
    ///
    /// Draws failures over --days from --start or the scenario's start_date (Poisson per
    /// site and part, with the scenario's temporary rate changes), dispatches
    /// each with the rules of `dispatch` (qualified engineers in their shifts,
    /// stock from depots in reach, pickup or courier, emergency shipments when
    /// no depot in reach has the part), replenishes one for one, and checks
    /// each against its contract deadline. Repeats --runs times and reports
    /// realised attainment per tier and per customer with 95% confidence
    /// intervals next to what the plan promised. The engineers are the
    /// plan's roster.csv when the plan folder has one (--roster overrides),
    /// else the scenario's engineers.csv. Writes summary.json, tiers.csv and
    /// customers.csv to --out.
    Simulate(simulate::Args),
    /// Plan several scenarios and set them side by side.
    ///
    /// Plans each scenario or overlay folder (in parallel) and prints total
    /// cost and its parts (engineers among them), positions added, stock,
    /// depots opened or closed, attainment per tier, sites that lost or
    /// gained coverage and sites without a qualified engineer in reach,
    /// with deltas against the first. With
    /// --out, writes compare.csv, compare.json and each plan (plans/<name>/).
    /// Temporary changes are planned at their peak all year (--temporary
    /// peak) or averaged over the year (--temporary average).
    Compare(compare::Args),
    /// Write one self-contained HTML page of a plan (and a dispatch, and a comparison).
    ///
    /// A map of depots (sized by stock value) and sites (coloured by tier and
    /// by whether their SLA is met, unreachable ones ringed), the cost
    /// breakdown, attainment per tier (parts and people), stock and staffing
    /// per depot and the plan's stock-to-service curve; with --dispatch the
    /// engineers' routes as a Gantt chart with deadlines; with --simulate
    /// the promise against simulation; with --compare scenarios side by side.
    /// Inline SVG and CSS only: the page makes no network request.
    Report(report::Args),
    /// Run the command centre: a live dispatch desk over HTTP.
    ///
    /// Tickets arrive by POST /api/incidents, engineers report accepted, en
    /// route, on site, done, unavailable or a location; every change is
    /// committed to the SQLite database (--db) and re-plans the open tickets,
    /// keeping started and committed jobs pinned. The board at / shows the
    /// map, the open incidents with deadline countdowns and each engineer's
    /// day. Listens on loopback; every route but /healthz needs a bearer
    /// token (--token-file, else one is generated beside the database).
    /// docs/serve.md has the API and a worked example.
    Serve(serve::Args),
    /// Print a shell completion script: `sparesla completions bash`.
    ///
    /// Shells: bash, elvish, fish, powershell, zsh. For bash, for example:
    /// `sparesla completions bash > ~/.local/share/bash-completion/completions/sparesla`.
    #[command(hide = true)]
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff): `sparesla man > sparesla.1`.
    #[command(hide = true)]
    Man,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with success, usage errors with code 2.
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Deadline(args) => deadline::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Travel(args) => travel::run(args),
        Command::Dispatch(args) => dispatch::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Report(args) => report::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(),
    };
    match result {
        Ok(code) => code,
        Err(error) => report_error(&error),
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// An input problem found by the command line itself (a bad flag value).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

impl From<sparesla::calendar::CalendarError> for InvalidInput {
    fn from(error: sparesla::calendar::CalendarError) -> Self {
        InvalidInput(error.to_string())
    }
}

fn report_error(error: &anyhow::Error) -> ExitCode {
    if let Some(invalid) = error.downcast_ref::<ScenarioError>() {
        eprintln!("{invalid}");
        return ExitCode::from(EXIT_INVALID_INPUT);
    }
    if error.downcast_ref::<InvalidInput>().is_some() {
        eprintln!("error: {error:#}");
        return ExitCode::from(EXIT_INVALID_INPUT);
    }
    eprintln!("error: {error:#}");
    ExitCode::from(EXIT_FAILURE)
}

/// Depot-to-site travel hours of a scenario.
fn travel_hours(
    scenario: &sparesla::scenario::Scenario,
) -> anyhow::Result<sparesla::plan::TravelHours> {
    let travel = travel_times(scenario)?;
    Ok(sparesla::plan::depot_site_hours(scenario, &travel))
}

/// The travel times of a scenario, with a warning on stderr for each road
/// island (a part of the road network no depot reaches).
fn travel_times(
    scenario: &sparesla::scenario::Scenario,
) -> anyhow::Result<sparesla::travel::TravelTimes> {
    let travel =
        sparesla::travel::TravelTimes::build(scenario).map_err(|e| InvalidInput(e.to_string()))?;
    for island in travel.road_islands() {
        eprintln!("{}", island_warning(scenario, &island));
    }
    Ok(travel)
}

fn island_warning(
    scenario: &sparesla::scenario::Scenario,
    island: &sparesla::travel::RoadIsland,
) -> sparesla::diagnostic::Diagnostic {
    const SHOWN: usize = 5;
    let list = |ids: Vec<&str>| {
        let more = ids.len().saturating_sub(SHOWN);
        let mut text = ids[..ids.len().min(SHOWN)].join(", ");
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        text
    };
    let sites: Vec<&str> = island
        .sites
        .iter()
        .map(|s| scenario.site(*s).id.as_str())
        .collect();
    let junctions: Vec<&str> = island.junctions.iter().map(String::as_str).collect();
    let what = match (sites.is_empty(), junctions.is_empty()) {
        (false, false) => format!(
            "site(s) {} and junction(s) {}",
            list(sites),
            list(junctions)
        ),
        (false, true) => format!("site(s) {}", list(sites)),
        _ => format!("junction(s) {}", list(junctions)),
    };
    let file = scenario
        .roads_file
        .clone()
        .unwrap_or_else(|| scenario.dir.clone());
    sparesla::diagnostic::Diagnostic::file(
        sparesla::diagnostic::Code::W2009RoadIsland,
        &file,
        format!("no depot reaches {what} by road: they form a road island"),
        "check for a missing road, a closure or a one-way road that cuts them off; \
         a site there is served only where an imported matrix gives it a time",
    )
}

/// Writes a line to stdout; a reader that stops early (`| head`) is no failure.
fn print_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Loads a scenario, printing its warnings on stderr.
fn load_scenario(dir: &std::path::Path) -> anyhow::Result<sparesla::scenario::Scenario> {
    let loaded = sparesla::scenario::load(dir)?;
    for warning in &loaded.warnings {
        eprintln!("{warning}");
    }
    Ok(loaded.scenario)
}
