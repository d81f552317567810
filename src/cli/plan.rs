//! `sparesla plan`: which depots to open and how much of each part to stock.

use super::InvalidInput;
use super::next::{self, Next};
use anyhow::Context;
use sparesla::calendar::parse_duration;
use sparesla::plan::{self, Backend, PlanOptions};
use sparesla::report::{PlanSummary, ResultFormat, plan_table, write_plan};
use sparesla::whatif::{TemporaryView, planning_input};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder.
    scenario: PathBuf,
    /// Folder for depots.csv, stock.csv, assignment.csv, staffing.csv, roster.csv and summary.json.
    #[arg(long)]
    out: PathBuf,
    /// LP/MILP solver (those compiled into this binary; default microlp).
    #[arg(long, value_parser = parse_backend)]
    solver: Option<Backend>,
    /// Wall-clock budget, e.g. 60s or 2m (default: the scenario's [planning] time_limit).
    #[arg(long, value_name = "DURATION")]
    time_limit: Option<String>,
    /// Relative optimality gap at which to stop (default: the scenario's [planning] gap).
    #[arg(long)]
    gap: Option<f64>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = ResultFormat::Table)]
    format: ResultFormat,
    /// How temporary (dated) changes of an overlay are planned: averaged over
    /// the horizon (average) or at their peak all year (peak). See docs/whatif.md.
    #[arg(long, value_enum, default_value_t = TemporaryView::Average)]
    temporary: TemporaryView,
    /// How engineers count: `plan` adds positions from shifts.csv where they
    /// pay or a target needs them, `keep` counts the roster as it is,
    /// `parts-only` leaves engineers out (the parts-only model). Default:
    /// `plan` with a shifts.csv, else `keep` (parts-only without engineers).
    #[arg(long, value_enum, value_name = "MODE")]
    staffing: Option<StaffingArg>,
}

/// `--staffing` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum StaffingArg {
    Keep,
    Plan,
    PartsOnly,
}

impl StaffingArg {
    pub fn mode(self) -> plan::Staffing {
        match self {
            StaffingArg::Keep => plan::Staffing::Keep,
            StaffingArg::Plan => plan::Staffing::Plan,
            StaffingArg::PartsOnly => plan::Staffing::PartsOnly,
        }
    }
}

/// The spinner's line while a plan runs: the bound, the best plan and the
/// gap between them.
fn progress_message(lower_bound: f64, best_cost: Option<f64>) -> String {
    match best_cost {
        Some(best) if best > 0.0 => format!(
            "planning: best plan {best:.0}, lower bound {lower_bound:.0}, gap {:.2}%",
            ((best - lower_bound) / best).max(0.0) * 100.0
        ),
        _ => format!("planning: lower bound {lower_bound:.0}, no plan yet"),
    }
}

fn parse_backend(text: &str) -> Result<Backend, String> {
    text.parse()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let scenario = super::load_scenario(&args.scenario)?;
    let time_limit = match &args.time_limit {
        Some(text) => {
            parse_duration(text).map_err(|e| InvalidInput(format!("--time-limit: {e}")))?
        }
        None => scenario.planning.time_limit,
    };
    let gap = args.gap.unwrap_or(scenario.planning.gap);
    if !(0.0..1.0).contains(&gap) {
        return Err(InvalidInput(format!(
            "--gap: {gap} is not a share between 0 and 1 (e.g. 0.005)"
        ))
        .into());
    }
    let options = PlanOptions {
        backend: args.solver.unwrap_or_else(Backend::default_backend),
        time_limit: time_limit.to_std().unwrap_or_default(),
        gap,
        staffing: args
            .staffing
            .map_or_else(|| plan::Staffing::default_for(&scenario), StaffingArg::mode),
    };
    if options.staffing == plan::Staffing::Plan && scenario.shift_patterns.is_empty() {
        return Err(InvalidInput(
            "--staffing plan: the scenario has no shifts.csv, so there are no rota patterns to add positions from (see docs/scenario-format.md)".into(),
        )
        .into());
    }
    if options.staffing != plan::Staffing::PartsOnly
        && scenario.engineers.is_empty()
        && scenario.shift_patterns.is_empty()
    {
        tracing::warn!("the scenario has no engineers: every failure will breach");
    }
    let travel = super::travel_hours(&scenario)?;
    let input = planning_input(&scenario, &travel, args.temporary);
    let (scenario, travel) = (input.scenario, input.travel);
    let progress = super::progress::spinner(format!(
        "planning {} (time limit {:.0?}, gap {:.2}%)",
        scenario.name,
        options.time_limit,
        options.gap * 100.0
    ));
    let plan = {
        let spinner = progress.clone();
        let mut best_cost: Option<f64> = None;
        plan::observed(
            move |report: plan::PlanProgress| {
                best_cost = report.best_cost.or(best_cost);
                spinner.set_message(progress_message(report.lower_bound, best_cost));
            },
            || plan::plan(&scenario, &travel, options),
        )
    };
    progress.finish_and_clear();
    let plan = plan?;
    write_plan(&args.out, &scenario, &plan)
        .with_context(|| format!("writing the plan to {}", args.out.display()))?;
    let summary = PlanSummary::of(&scenario, &plan);
    match args.format {
        ResultFormat::Json => super::print_stdout(&serde_json::to_string_pretty(&summary)?)?,
        ResultFormat::Geojson => super::print_stdout(
            sparesla::report::geojson::geojson_text(&sparesla::report::geojson::plan_geojson(
                &scenario, &plan,
            ))?
            .trim_end(),
        )?,
        ResultFormat::Table | ResultFormat::Csv => {
            super::print_stdout(plan_table(&summary).trim_end())?
        }
    }
    let mut steps = Vec::new();
    if plan.status == plan::PlanStatus::TimeLimit {
        steps.push(more_time(&args, options.time_limit));
    }
    steps.extend([
        Next::sparesla(
            &[
                &"simulate",
                &args.scenario,
                &"--plan",
                &args.out,
                &"--runs",
                &"200",
            ],
            "check the promise by simulation",
        ),
        Next::sparesla(
            &[
                &"report",
                &args.scenario,
                &"--plan",
                &args.out,
                &"--out",
                &"report.html",
            ],
            "the plan on one page",
        ),
    ]);
    next::print(Some(format!("the plan to {}", args.out.display())), &steps);
    Ok(ExitCode::SUCCESS)
}

/// The same `plan` command with twice the time: a run its time limit
/// stopped may find a cheaper plan and a tighter bound with more. The
/// flags that shape the plan are kept, so the line pastes as it is.
fn more_time(args: &Args, time_limit: std::time::Duration) -> Next {
    let doubled = format!(
        "{}s",
        (time_limit.as_secs_f64() * 2.0).ceil().max(1.0) as u64
    );
    let solver = args.solver.map(|solver| solver.name());
    let gap = args.gap.map(|gap| gap.to_string());
    let temporary = (args.temporary != TemporaryView::Average).then(|| value_name(&args.temporary));
    let staffing = args.staffing.map(|staffing| value_name(&staffing));
    let mut words: Vec<&dyn next::ShellWord> = vec![
        &"plan",
        &args.scenario,
        &"--out",
        &args.out,
        &"--time-limit",
        &doubled,
    ];
    next::push_flag(&mut words, &"--solver", solver.as_ref());
    next::push_flag(&mut words, &"--gap", gap.as_ref());
    next::push_flag(&mut words, &"--temporary", temporary.as_ref());
    next::push_flag(&mut words, &"--staffing", staffing.as_ref());
    Next::sparesla(
        &words,
        "stopped at its time limit: more time may plan cheaper",
    )
}

/// A flag value as the command line spells it.
fn value_name(value: &impl clap::ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: Args,
    }

    fn suggestion(words: &[&str], time_limit: u64) -> String {
        let parsed = Command::try_parse_from(std::iter::once("plan").chain(words.iter().copied()))
            .expect("valid plan flags");
        more_time(&parsed.args, std::time::Duration::from_secs(time_limit))
            .command()
            .to_string()
    }

    #[test]
    fn a_plan_stopped_by_its_time_limit_suggests_itself_with_twice_the_time() {
        assert_eq!(
            suggestion(&["scen", "--out", "p", "--time-limit", "5s"], 5),
            "sparesla plan scen --out p --time-limit 10s"
        );
        // The flags that shape the plan stay; the output format does not.
        assert_eq!(
            suggestion(
                &[
                    "my scen",
                    "--out",
                    "p",
                    "--gap",
                    "0.02",
                    "--temporary",
                    "peak",
                    "--staffing",
                    "parts-only",
                    "--format",
                    "json",
                ],
                60,
            ),
            "sparesla plan 'my scen' --out p --time-limit 120s --gap 0.02 --temporary peak --staffing parts-only"
        );
    }
}
