//! The routing engine: vehicle routing with time windows, shifts, skills,
//! carried stock and restocks, depot pickups and couriers, on plain data.
//! It knows no file format and no scenario: sparesla's dispatcher
//! (`sparesla::dispatch::problem`) and the benchmark readers
//! ([`bench_formats`]) build a [`Model`] and call [`solve`].
//!
//! - [`model`]: jobs, vehicles, travel matrix (the input);
//! - [`features`]: one file per rule (windows, shifts, supply, skills,
//!   carried stock, return to base, origin), composed by [`schedule`]
//!   (timing of a visit, also usable without a model through the
//!   [`Travel`] trait) and [`route`] (a route with caches for cheap
//!   evaluation; [`placement`] places the breaks of a route exactly);
//! - [`insert`] (regret and greedy insertion), [`ruin`], [`local`]
//!   (relocate, exchange, 2-opt*) and [`lns`] (the search).

pub mod bench_formats;
pub mod cost;
pub mod features;
pub mod insert;
pub mod lns;
pub mod local;
pub mod model;
pub mod neighbours;
pub mod placement;
pub mod route;
pub mod ruin;
pub mod schedule;
pub mod solution;

pub use cost::Cost;
pub use lns::SearchOptions;
pub use model::{
    Deadline, Job, Matrix, Model, ModelError, ModelSpec, Pay, Supply, Time, Travel, Vehicle,
};
pub use solution::Solution;

use std::time::Instant;

/// The result of [`solve`].
#[derive(Clone, Debug)]
pub struct Outcome {
    pub solution: Solution,
    /// Cost after the construction, before improvement.
    pub construction: Cost,
    pub iterations: u64,
    pub seconds: f64,
}

/// Builds a solution by regret insertion, then improves it by large
/// neighbourhood search with local search within `options.time_limit`.
pub fn solve(model: &Model, options: &SearchOptions) -> Outcome {
    solve_from(model, Solution::empty(model), options)
}

/// As [`solve`], starting from `initial` (e.g. with pinned jobs in place):
/// its unserved jobs are inserted first.
pub fn solve_from(model: &Model, initial: Solution, options: &SearchOptions) -> Outcome {
    let started = Instant::now();
    let mut solution = initial;
    let pending = solution.unassigned();
    insert::regret(model, &mut solution, &pending, options.insert);
    let construction = solution.cost;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        jobs = pending.len(),
        "regret construction done"
    );
    let neighbours = neighbours::Neighbours::build(model, options.neighbours);
    let remaining = options.time_limit.saturating_sub(started.elapsed());
    let search = SearchOptions {
        time_limit: remaining,
        ..*options
    };
    let outcome = lns::improve(model, solution, &neighbours, &search);
    Outcome {
        solution: outcome.best,
        construction,
        iterations: outcome.iterations,
        seconds: started.elapsed().as_secs_f64(),
    }
}
