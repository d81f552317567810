//! Warm-started re-plans ([`dispatch_warm`]): a live desk re-plans after
//! every change, and a change moves one or two jobs of a day already
//! planned. Instead of building the day again and improving it from
//! scratch, the search starts from the previous plan: pinned jobs locked as
//! in [`super::dispatch_live`], every other job of the previous plan back in
//! its engineer's route in the previous order, the new or displaced jobs
//! put in by the engine's cheapest (regret) insertion, then a short
//! improvement.

use super::{Dispatch, DispatchError, DispatchOptions, Live, Problem, engine, finish, pinned};
use crate::scenario::{Incident, Pin, Scenario, StockLevel};
use crate::travel::TravelTimes;

/// As [`super::dispatch_live`] (one day), starting from `previous`: where
/// the last plan put the jobs that may move (same shape as a pin, but the
/// search may move them). A previous job that no longer fits where it was
/// (time moved on, stock ran out) is inserted afresh like a new one.
///
/// A warm start keeps the previous plan's shape, so it could leave a job
/// unassigned that a plan from scratch would place; when a job is left
/// unassigned that fits alone beside the pins, the plan from scratch is
/// computed too and the better of the two kept. Deterministic as
/// [`super::dispatch_live`] is: same inputs, same `previous`, same seed,
/// same plan, as long as the iteration cap (not the time limit) ends the
/// search.
pub fn dispatch_warm(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    live: &Live,
    previous: &[Pin],
    options: DispatchOptions,
) -> Result<Dispatch, DispatchError> {
    let started = std::time::Instant::now();
    let problem = Problem::build_days(scenario, travel, incidents, stock, &live.engineers, 1)?;
    let pins_only = pinned(&problem, &live.pins)?;
    let mut initial = pins_only.clone();
    let placed = seed_previous(&problem, &mut initial, previous);
    let search = |time_limit: std::time::Duration| engine::SearchOptions {
        time_limit,
        seed: options.seed,
        max_iterations: options.max_iterations,
        insert: insert_limits(),
        ..engine::SearchOptions::default()
    };
    let warm = engine::solve_from(
        &problem.model,
        initial,
        &search(options.time_limit.saturating_sub(started.elapsed())),
    );
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        placed,
        previous = previous.len(),
        iterations = warm.iterations,
        "warm re-plan done"
    );
    // With nothing put back the warm start was a start from scratch.
    let outcome = if placed > 0 && leaves_a_placeable_job(&problem, &pins_only, &warm.solution) {
        let cold = engine::solve_from(
            &problem.model,
            pins_only,
            &search(options.time_limit.saturating_sub(started.elapsed())),
        );
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "warm re-plan left a placeable job unassigned: planned from scratch too"
        );
        if cold.solution.cost.is_better(&warm.solution.cost) {
            cold
        } else {
            warm
        }
    } else {
        warm
    };
    Ok(finish(&problem, &outcome, started))
}

/// The insertion limits of every dispatch ([`super::dispatch_days`]).
fn insert_limits() -> engine::insert::InsertLimits {
    engine::insert::InsertLimits {
        sources: super::problem::DEPOTS_PER_INSERTION,
        vehicles: super::problem::ENGINEERS_PER_INSERTION,
    }
}

/// Puts each previous job back at the end of its engineer's route (after
/// the pins), engineer by engineer in the previous order of departure.
/// Jobs that no longer fit are left out for the construction. Returns how
/// many were put back.
fn seed_previous(problem: &Problem, solution: &mut engine::Solution, previous: &[Pin]) -> usize {
    let mut order: Vec<&Pin> = previous.iter().collect();
    order.sort_by_key(|p| (p.engineer, p.depart, p.incident));
    let mut placed = 0;
    for hint in order {
        let vehicle = hint.engineer.index();
        if solution.at[hint.incident].is_some() || vehicle >= solution.routes.len() {
            continue;
        }
        let Some(supply) = problem.supply_index(hint.incident, hint.depot, hint.mode) else {
            continue;
        };
        let end = solution.routes[vehicle].len();
        if solution.insert(&problem.model, vehicle, end, hint.incident, supply) {
            placed += 1;
        }
    }
    placed
}

/// Whether `solution` leaves unassigned a job that `pins_only` (the pinned
/// jobs and nothing else) could take.
fn leaves_a_placeable_job(
    problem: &Problem,
    pins_only: &engine::Solution,
    solution: &engine::Solution,
) -> bool {
    let unassigned = solution.unassigned();
    if unassigned.is_empty() {
        return false;
    }
    // A job that does not go in leaves the solution as it was, so one
    // copy serves every test.
    let mut alone = pins_only.clone();
    unassigned.into_iter().any(|job| {
        engine::insert::regret(&problem.model, &mut alone, &[job], insert_limits());
        alone.at[job].is_some()
    })
}
