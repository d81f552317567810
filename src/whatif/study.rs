//! A what-if study: every scenario planned (in parallel, one plan per
//! thread), each scenario with temporary changes also planned without them
//! ("today") and topped up for its event, and all of them compared with the
//! first. The command line loads the scenarios and writes what this returns.

use super::compare::{CompareRow, Planned, compare};
use super::topup::{EventTopUp, event_top_up};
use super::view::{PlanningInput, TemporaryView, planning_input};
use crate::calendar::CalendarError;
use crate::plan::{self, Backend, Plan, PlanError, PlanOptions, Staffing, TravelHours};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::time::Duration;

/// One scenario of a study, loaded, with its depot-to-site hours.
pub struct StudyScenario {
    /// The folder it was loaded from, as given.
    pub path: String,
    pub scenario: Scenario,
    pub travel: TravelHours,
}

/// How every plan of a study is made.
#[derive(Clone, Copy, Debug)]
pub struct StudyOptions {
    pub backend: Backend,
    /// Each plan's budget (default: each scenario's `[planning] time_limit`).
    pub time_limit: Option<Duration>,
    /// Each plan's gap (default: each scenario's `[planning] gap`).
    pub gap: Option<f64>,
    /// How engineers count (default: each scenario's own, [`Staffing::default_for`]).
    pub staffing: Option<Staffing>,
    pub view: TemporaryView,
}

/// What a study planned and found.
pub struct Study {
    /// Per scenario, what the yearly planner saw, and its plan.
    pub inputs: Vec<PlanningInput>,
    pub plans: Vec<Plan>,
    /// Per scenario with temporary changes: the scenario without them and
    /// its plan ("today"), and the event's top-up over that plan.
    pub today: Vec<Option<(PlanningInput, Plan)>>,
    pub top_ups: Vec<Option<EventTopUp>>,
    /// The comparison, deltas against the first scenario.
    pub rows: Vec<CompareRow>,
}

/// Why a study stopped.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error("planning {name}")]
    Plan {
        name: String,
        #[source]
        source: PlanError,
    },
    /// The event's calendar (stated in one message: the command line
    /// reports it as bad input).
    #[error("{name}: {error}")]
    TopUp { name: String, error: CalendarError },
}

fn has_temporary_changes(scenario: &Scenario) -> bool {
    !scenario.rate_changes.is_empty() || !scenario.tier_changes.is_empty()
}

/// Plans and compares `scenarios`; `planned` is called after each plan
/// (for progress).
pub fn run_study(
    scenarios: &[StudyScenario],
    options: StudyOptions,
    planned: impl Fn() + Sync,
) -> Result<Study, StudyError> {
    let inputs: Vec<PlanningInput> = scenarios
        .iter()
        .map(|s| planning_input(&s.scenario, &s.travel, options.view))
        .collect();
    // A scenario with temporary changes is also planned without them
    // ("today"), the plan its event top-up adds to.
    let todays: Vec<Option<PlanningInput>> = scenarios
        .iter()
        .map(|s| {
            has_temporary_changes(&s.scenario).then(|| {
                let mut today = s.scenario.clone();
                today.rate_changes.clear();
                today.tier_changes.clear();
                planning_input(&today, &s.travel, options.view)
            })
        })
        .collect();
    let jobs: Vec<&PlanningInput> = inputs.iter().chain(todays.iter().flatten()).collect();
    let mut plans = jobs
        .par_iter()
        .map(|input| {
            let scenario = &input.scenario;
            let plan_options = PlanOptions {
                backend: options.backend,
                time_limit: options
                    .time_limit
                    .unwrap_or_else(|| scenario.planning.time_limit.to_std().unwrap_or_default()),
                gap: options.gap.unwrap_or(scenario.planning.gap),
                staffing: options
                    .staffing
                    .unwrap_or_else(|| Staffing::default_for(scenario)),
            };
            let result = plan::plan(scenario, &input.travel, plan_options);
            planned();
            result.map_err(|source| StudyError::Plan {
                name: scenario.name.clone(),
                source,
            })
        })
        .collect::<Result<Vec<Plan>, StudyError>>()?;
    let mut today_plans = plans.split_off(inputs.len()).into_iter();
    let today: Vec<Option<(PlanningInput, Plan)>> = todays
        .into_iter()
        .map(|input| input.map(|input| (input, today_plans.next().expect("one plan per input"))))
        .collect();
    let top_ups = scenarios
        .iter()
        .zip(&today)
        .map(|(s, today)| match today {
            Some((_, plan)) => {
                event_top_up(&s.scenario, &s.travel, plan).map_err(|error| StudyError::TopUp {
                    name: s.scenario.name.clone(),
                    error,
                })
            }
            None => Ok(None),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rows = {
        let planned: Vec<Planned<'_>> = scenarios
            .iter()
            .zip(&inputs)
            .zip(&plans)
            .zip(&top_ups)
            .map(|(((s, input), plan), top_up)| Planned {
                path: s.path.clone(),
                input,
                plan,
                view: options.view,
                top_up: top_up.as_ref(),
            })
            .collect();
        compare(&planned)
    };
    Ok(Study {
        inputs,
        plans,
        today,
        top_ups,
        rows,
    })
}
