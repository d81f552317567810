//! `sparesla compare`: plan several scenarios and set them side by side.

use super::InvalidInput;
use super::next::{self, Next, ShellWord};
use super::plan::StaffingArg;
use anyhow::Context;
use sparesla::calendar::parse_duration;
use sparesla::plan::{self, Backend};
use sparesla::report::{
    OutputFormat, compare_csv, compare_json, compare_set, compare_table, event_plan_set, plan_set,
};
use sparesla::whatif::{StudyError, StudyOptions, StudyScenario, TemporaryView, run_study};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario or overlay folders; deltas are against the first.
    #[arg(required = true, num_args = 1..)]
    scenarios: Vec<PathBuf>,
    /// Folder for compare.csv, compare.json and each scenario's plan (plans/<name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// How the yearly planner sees temporary (dated) changes: averaged over
    /// the horizon (average) or at their peak all year (peak). See docs/whatif.md.
    #[arg(long, value_enum, default_value_t = TemporaryView::Average)]
    temporary: TemporaryView,
    /// LP/MILP solver (those compiled into this binary; default microlp).
    #[arg(long, value_parser = parse_backend)]
    solver: Option<Backend>,
    /// Wall-clock budget of each plan, e.g. 60s (default: each scenario's [planning] time_limit).
    #[arg(long, value_name = "DURATION")]
    time_limit: Option<String>,
    /// Relative optimality gap at which to stop (default: each scenario's [planning] gap).
    #[arg(long)]
    gap: Option<f64>,
    /// How engineers count in every plan, as for `plan`: `plan` adds
    /// positions from shifts.csv, `keep` counts the roster as it is,
    /// `parts-only` leaves engineers out. Default: each scenario's own
    /// (`plan` with a shifts.csv, else `keep`; parts-only without engineers).
    #[arg(long, value_enum, value_name = "MODE")]
    staffing: Option<StaffingArg>,
}

fn parse_backend(text: &str) -> Result<Backend, String> {
    text.parse()
}

/// Output folder names: the scenario names, made unique.
fn folder_names(names: &[String]) -> Vec<String> {
    let mut taken = HashSet::new();
    names
        .iter()
        .map(|name| {
            let clean: String = name
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut candidate = clean.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{clean}-{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let time_limit = match &args.time_limit {
        Some(text) => {
            Some(parse_duration(text).map_err(|e| InvalidInput(format!("--time-limit: {e}")))?)
        }
        None => None,
    };
    if let Some(gap) = args.gap {
        if !(0.0..1.0).contains(&gap) {
            return Err(InvalidInput(format!(
                "--gap: {gap} is not a share between 0 and 1 (e.g. 0.005)"
            ))
            .into());
        }
    }
    let mut scenarios = Vec::with_capacity(args.scenarios.len());
    for dir in &args.scenarios {
        let scenario = super::load_scenario(dir)?;
        if args
            .staffing
            .is_some_and(|s| s.mode() == plan::Staffing::Plan)
            && scenario.shift_patterns.is_empty()
        {
            return Err(InvalidInput(format!(
                "--staffing plan: {} has no shifts.csv, so there are no rota patterns to add positions from (see docs/scenario-format.md)",
                dir.display()
            ))
            .into());
        }
        let travel = super::travel_hours(&scenario)?;
        scenarios.push(StudyScenario {
            path: dir.display().to_string(),
            scenario,
            travel,
        });
    }
    let options = StudyOptions {
        backend: args.solver.unwrap_or_else(Backend::default_backend),
        time_limit: time_limit.map(|t| t.to_std().unwrap_or_default()),
        gap: args.gap,
        staffing: args.staffing.map(StaffingArg::mode),
        view: args.temporary,
    };
    let plan_count = scenarios.len()
        + scenarios
            .iter()
            .filter(|s| !s.scenario.rate_changes.is_empty() || !s.scenario.tier_changes.is_empty())
            .count();
    let progress = super::progress::bar(plan_count as u64, "planning scenarios");
    let study = run_study(&scenarios, options, || progress.inc(1));
    progress.finish_and_clear();
    let study = study.map_err(|error| match error {
        StudyError::TopUp { .. } => anyhow::Error::from(InvalidInput(error.to_string())),
        StudyError::Plan { .. } => anyhow::Error::from(error),
    })?;
    let rows = &study.rows;
    if let Some(out) = &args.out {
        let mut set = compare_set(rows)?;
        let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        let folders = folder_names(&names);
        for (i, folder) in folders.iter().enumerate() {
            set.nest(
                &format!("plans/{folder}"),
                plan_set(&study.inputs[i].scenario, &study.plans[i])?,
            )?;
            if let (Some((today_input, today)), Some(top_up)) = (&study.today[i], &study.top_ups[i])
            {
                set.nest(
                    &format!("plans/{folder}-today"),
                    plan_set(&today_input.scenario, today)?,
                )?;
                set.nest(
                    &format!("plans/{folder}-event"),
                    event_plan_set(&scenarios[i].scenario, today, top_up)?,
                )?;
            }
        }
        set.write(out)
            .with_context(|| format!("writing the comparison to {}", out.display()))?;
    }
    let text = match args.format {
        OutputFormat::Table => compare_table(rows),
        OutputFormat::Json => compare_json(rows)?,
        OutputFormat::Csv => compare_csv(rows)?,
    };
    super::print_stdout(text.trim_end())?;
    match &args.out {
        Some(out) => {
            let first_plan = out
                .join("plans")
                .join(&folder_names(&[rows[0].name.clone()])[0]);
            next::print(
                Some(format!("the comparison to {}", out.display())),
                &[Next::sparesla(
                    &[
                        &"report",
                        &args.scenarios[0],
                        &"--plan",
                        &first_plan,
                        &"--compare",
                        out,
                        &"--out",
                        &"report.html",
                    ],
                    "the scenarios side by side on one page",
                )],
            );
        }
        None => {
            let mut words: Vec<&dyn ShellWord> = vec![&"compare"];
            words.extend(args.scenarios.iter().map(|s| s as &dyn ShellWord));
            words.extend([&"--out" as &dyn ShellWord, &"compare"]);
            next::print(
                None,
                &[Next::sparesla(
                    &words,
                    "the same, with each plan and compare.csv kept",
                )],
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_unique_and_safe() {
        let names = ["a".to_string(), "a".into(), "b/c".into(), "a".into()];
        assert_eq!(folder_names(&names), vec!["a", "a-2", "b_c", "a-3"]);
    }
}
