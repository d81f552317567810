//! Bounds on a dispatch, from linear programs solved with good_lp (through
//! the planner's solver-neutral MILP layer).
//!
//! **Lower bound (any instance).** Whatever engineer serves incident `i` and
//! however their route runs, the part cannot be on site before
//! `opened + handling + min(drive(d, s), courier(d, s))` for the depot `d` it
//! comes from (the engineer collects it no earlier than the opening, a
//! courier leaves at the opening plus handling), and each unit of stock
//! serves one incident. Dropping every engineer constraint leaves, part by
//! part, a transportation problem of incidents onto stocked depots; its LP
//! optimum is a valid lower bound on the penalty-weighted breaches (solved
//! once) and, separately, on the weighted minutes late of any dispatch.
//!
//! **Exact single-job assignment.** When no engineer can serve two incidents
//! (every second job would start after the horizon or outside the shift),
//! a dispatch is an assignment of incidents to (engineer, depot, mode)
//! options, with each engineer and each unit of stock used once; that MILP
//! solved to optimality is the optimum, so it bounds the heuristic exactly.

use super::problem::Problem;
use super::schedule::{Cost, Free, JobTiming, options_alone, options_from, unassigned_cost};
use crate::calendar::Seconds;
use crate::milp::{self, Backend, Column, Limits, Milp, MilpStatus, Row};
use crate::scenario::EngineerIdx;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Most (engineer, depot, mode) options of the exact assignment model; above
/// it the model is not built.
pub const EXACT_OPTION_LIMIT: usize = 20_000;
/// Most (engineer, incident pair) checks spent deciding whether engineers are
/// limited to one job.
pub const SINGLE_JOB_CHECK_LIMIT: usize = 2_000_000;

/// What is proven about a dispatch's cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DispatchBound {
    /// Penalty-weighted breaches no dispatch can avoid.
    pub breaches: f64,
    /// Weighted minutes late no dispatch can avoid.
    pub late_minutes: f64,
    /// The optimum when every engineer can take at most one incident (then
    /// it is the exact optimum of the instance); `None` otherwise or when
    /// the model is too large.
    pub single_job_optimum: Option<Cost>,
}

/// Why a bound could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum BoundError {
    #[error("bound LP: {0}")]
    Solver(#[from] milp::MilpError),
}

/// The earliest the part of `incident` can be on site from `depot`.
fn earliest_part_arrival(
    problem: &Problem,
    incident: usize,
    depot_index: usize,
) -> Option<Seconds> {
    let depot = problem.depots[incident][depot_index];
    let site = problem.site_place[incident];
    let drive = problem.drive(problem.depot_place(depot), site)?;
    // A courier drives the same road at its own speed; only a faster one
    // brings the part sooner.
    let factor = problem.courier_factor.max(1.0);
    let leg = (drive as f64 / factor).floor() as Seconds;
    Some(problem.opened[incident] + problem.handling + leg)
}

/// Breach weight and weighted late minutes of arriving at `arrive`.
fn lateness(problem: &Problem, incident: usize, arrive: Seconds) -> (f64, f64) {
    let late = (arrive - problem.deadline[incident]).max(0);
    if late == 0 {
        (0.0, 0.0)
    } else {
        (
            problem.weight[incident],
            late as f64 / 60.0 * problem.late_weight[incident],
        )
    }
}

/// The transportation relaxation of one part, for one objective.
fn part_relaxation(
    problem: &Problem,
    incidents: &[usize],
    cost_of: impl Fn(usize, Seconds) -> f64,
    unassigned_cost: impl Fn(usize) -> f64,
) -> Milp {
    let mut model = Milp::default();
    let mut stock_rows: BTreeMap<usize, Row> = BTreeMap::new();
    for &i in incidents {
        let mut one = Row {
            terms: Vec::new(),
            lower: Some(1.0),
            upper: Some(1.0),
        };
        let idle = model.add_column(Column {
            lower: 0.0,
            upper: 1.0,
            integer: false,
            cost: unassigned_cost(i),
        });
        one.terms.push((idle, 1.0));
        for (k, &depot) in problem.depots[i].iter().enumerate() {
            let Some(arrive) = earliest_part_arrival(problem, i, k) else {
                continue;
            };
            let column = model.add_column(Column {
                lower: 0.0,
                upper: 1.0,
                integer: false,
                cost: cost_of(i, arrive),
            });
            one.terms.push((column, 1.0));
            let slot = problem.stock_slot(depot, i);
            stock_rows
                .entry(slot)
                .or_insert_with(|| Row {
                    terms: Vec::new(),
                    lower: None,
                    upper: Some(f64::from(problem.stock[slot])),
                })
                .terms
                .push((column, 1.0));
        }
        model.add_row(one);
    }
    for row in stock_rows.into_values() {
        model.add_row(row);
    }
    model
}

/// The lower bound of any dispatch of `problem`, and the exact optimum when
/// engineers are limited to one job and the model is small enough.
pub fn bound(
    problem: &Problem,
    backend: Backend,
    time_limit: Duration,
) -> Result<DispatchBound, BoundError> {
    let limits = Limits {
        time: time_limit,
        gap: 0.0,
    };
    let mut by_part: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..problem.len() {
        by_part
            .entry(problem.incidents[i].part.index())
            .or_default()
            .push(i);
    }
    let unassigned = |i: usize| unassigned_cost(problem, i);
    let (mut breaches, mut late_minutes) = (0.0, 0.0);
    for incidents in by_part.values() {
        let model = part_relaxation(
            problem,
            incidents,
            |i, at| lateness(problem, i, at).0,
            |i| unassigned(i).breaches,
        );
        breaches += milp::solve(&model, backend, limits)?.objective;
        let model = part_relaxation(
            problem,
            incidents,
            |i, at| lateness(problem, i, at).1,
            |i| unassigned(i).late_minutes,
        );
        late_minutes += milp::solve(&model, backend, limits)?.objective;
    }
    let single_job_optimum = if single_job_checkable(problem) {
        let options = all_options(problem);
        if one_job_each(problem, &options) {
            single_job_assignment(problem, &options, backend, limits)?
        } else {
            None
        }
    } else {
        None
    };
    Ok(DispatchBound {
        // The LP optimum of a transportation problem is integral; rounding
        // away solver noise below a millionth keeps the bound valid.
        breaches: (breaches - 1e-6).max(0.0),
        late_minutes: (late_minutes - 1e-6).max(0.0),
        single_job_optimum,
    })
}

/// Every incident's options alone (see [`options_alone`]).
type Options = Vec<Vec<(EngineerIdx, JobTiming)>>;

fn all_options(problem: &Problem) -> Options {
    (0..problem.len())
        .map(|i| options_alone(problem, i))
        .collect()
}

/// Whether the single-job check fits in [`SINGLE_JOB_CHECK_LIMIT`].
fn single_job_checkable(problem: &Problem) -> bool {
    let engineers = problem.scenario.engineers.len();
    engineers.saturating_mul(problem.len().pow(2)) <= SINGLE_JOB_CHECK_LIMIT
}

/// Whether no engineer can serve two incidents one after the other; `None`
/// when the check would cost more than [`SINGLE_JOB_CHECK_LIMIT`].
pub fn engineers_take_one_job(problem: &Problem) -> Option<bool> {
    single_job_checkable(problem).then(|| one_job_each(problem, &all_options(problem)))
}

fn one_job_each(problem: &Problem, options: &Options) -> bool {
    for (i, first_options) in options.iter().enumerate() {
        for &(engineer, first) in first_options {
            let after = Free {
                place: problem.site_place[i],
                at: first.finish,
                next_rest: first.next_rest,
            };
            let first_slot = problem.stock_slot(first.job.depot, i);
            for j in (0..problem.len()).filter(|&j| j != i) {
                if !problem.qualified[j].contains(&engineer) {
                    continue;
                }
                let second_fits = options_from(problem, engineer, after, j).any(|second| {
                    // Two jobs can share a depot only if it holds two units.
                    let slot = problem.stock_slot(second.job.depot, j);
                    slot != first_slot || problem.stock[slot] >= 2
                });
                if second_fits {
                    return false;
                }
            }
        }
    }
    true
}

/// The optimal assignment with each engineer and each unit of stock used at
/// most once, lexicographically: breaches, then late minutes, then travel,
/// each solved with the better objectives fixed at their optimum; `None` if
/// the model exceeds [`EXACT_OPTION_LIMIT`] or a solve stops before proving
/// optimality.
fn single_job_assignment(
    problem: &Problem,
    options: &Options,
    backend: Backend,
    limits: Limits,
) -> Result<Option<Cost>, BoundError> {
    if options.iter().map(Vec::len).sum::<usize>() > EXACT_OPTION_LIMIT {
        return Ok(None);
    }
    let mut model = Milp::default();
    let mut engineer_rows: BTreeMap<usize, Row> = BTreeMap::new();
    let mut stock_rows: BTreeMap<usize, Row> = BTreeMap::new();
    let mut chosen: Vec<(usize, Cost)> = Vec::new();
    for (i, incident_options) in options.iter().enumerate() {
        let mut one = Row {
            terms: Vec::new(),
            lower: Some(1.0),
            upper: Some(1.0),
        };
        let idle_cost = unassigned_cost(problem, i);
        let idle = model.add_column(binary());
        chosen.push((idle, idle_cost));
        one.terms.push((idle, 1.0));
        for (engineer, visit) in incident_options {
            let column = model.add_column(binary());
            chosen.push((column, visit.cost));
            one.terms.push((column, 1.0));
            engineer_rows
                .entry(engineer.index())
                .or_insert_with(|| at_most(1.0))
                .terms
                .push((column, 1.0));
            let slot = problem.stock_slot(visit.job.depot, i);
            stock_rows
                .entry(slot)
                .or_insert_with(|| at_most(f64::from(problem.stock[slot])))
                .terms
                .push((column, 1.0));
        }
        model.add_row(one);
    }
    for row in engineer_rows.into_values().chain(stock_rows.into_values()) {
        model.add_row(row);
    }
    let objectives: [fn(&Cost) -> f64; 3] =
        [|c| c.breaches, |c| c.late_minutes, |c| c.travel_minutes];
    let mut values = Vec::new();
    for objective in objectives {
        for &(column, cost) in &chosen {
            model.columns[column].cost = objective(&cost);
        }
        let solution = milp::solve(&model, backend, limits)?;
        if solution.status != MilpStatus::Optimal {
            return Ok(None);
        }
        model.add_row(optimum_kept(&chosen, objective, solution.objective));
        values = solution.values;
    }
    Ok(Some(chosen.iter().fold(
        Cost::default(),
        |sum, &(column, cost)| {
            if values[column] > 0.5 {
                sum.plus(cost)
            } else {
                sum
            }
        },
    )))
}

/// The row `objective <= optimum` that keeps a solved objective at its
/// optimum while the next one is minimised. Zero terms are dropped and the
/// row is scaled to a largest coefficient of 1: HiGHS's presolve declared a
/// feasible model with the unscaled row (coefficients 20,000 and 0)
/// infeasible in tests.
fn optimum_kept(chosen: &[(usize, Cost)], objective: fn(&Cost) -> f64, optimum: f64) -> Row {
    let terms: Vec<(usize, f64)> = chosen
        .iter()
        .map(|&(column, cost)| (column, objective(&cost)))
        .filter(|&(_, coefficient)| coefficient != 0.0)
        .collect();
    let scale = terms.iter().map(|t| t.1.abs()).fold(0.0, f64::max).max(1.0);
    Row {
        terms: terms.into_iter().map(|(c, k)| (c, k / scale)).collect(),
        lower: None,
        upper: Some((optimum + 1e-6 * (1.0 + optimum.abs())) / scale),
    }
}

fn binary() -> Column {
    Column {
        lower: 0.0,
        upper: 1.0,
        integer: true,
        cost: 0.0,
    }
}

fn at_most(upper: f64) -> Row {
    Row {
        terms: Vec::new(),
        lower: None,
        upper: Some(upper),
    }
}
