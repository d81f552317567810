//! Large neighbourhood search: ruin part of the dispatch with a random
//! operator, recreate it by regret insertion (or, sometimes, greedily in a
//! random order), keep the result if it is no worse. Deterministic for a seed as long as the time limit is not what
//! stops it (the iteration cap is).

use super::DispatchOptions;
use super::greedy::recreate_in_order;
use super::insert::recreate;
use super::problem::Problem;
use super::ruin::Ruin;
use super::solution::Solution;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

/// Most incidents removed in one iteration.
const MAX_REMOVED: usize = 30;
/// Share of iterations that recreate greedily in a random order instead of
/// by regret (see [`super::greedy`]).
const RANDOM_ORDER_SHARE: f64 = 0.3;

/// Improves `initial`; returns the best solution and the iterations run.
pub fn improve(
    problem: &Problem,
    initial: Solution,
    options: DispatchOptions,
    budget: Duration,
) -> (Solution, u64) {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut best = initial.clone();
    let mut current = initial;
    let assigned = problem.len();
    if assigned < 2 {
        return (best, 0);
    }
    let max_removed = MAX_REMOVED.min(assigned / 2).max(1);
    let mut iterations = 0;
    while iterations < options.max_iterations && started.elapsed() < budget {
        iterations += 1;
        let ruin = Ruin::ALL[rng.random_range(0..Ruin::ALL.len())];
        let count = rng.random_range(1..=max_removed);
        let mut candidate = current.clone();
        let chosen = ruin.choose(problem, &candidate, &mut rng, count);
        let mut pending = candidate.remove(problem, &chosen);
        pending.extend(candidate.unassigned());
        pending.sort_unstable();
        pending.dedup();
        if rng.random_bool(RANDOM_ORDER_SHARE) {
            pending.shuffle(&mut rng);
            recreate_in_order(problem, &mut candidate, &pending);
        } else {
            recreate(problem, &mut candidate, &pending);
        }
        if !current.cost.is_better(&candidate.cost) {
            if candidate.cost.is_better(&best.cost) {
                best = candidate.clone();
            }
            current = candidate;
        }
    }
    (best, iterations)
}
