//! Greedy insertion in a given order: each incident, in turn, goes to its
//! cheapest position over its candidate engineers. Regret insertion is
//! deterministic for a given set of pending incidents, so a search that only
//! recreates by regret can stay trapped (a tie-break that takes the only
//! engineer a later incident could use); recreating in random orders, as
//! ruin-and-recreate solvers do, escapes those traps.

use super::insert::best_insertion;
use super::problem::Problem;
use super::solution::Solution;

/// Inserts `order` one by one at their cheapest positions; returns those
/// that fit nowhere.
pub fn recreate_in_order(
    problem: &Problem,
    solution: &mut Solution,
    order: &[usize],
) -> Vec<usize> {
    let mut left = Vec::new();
    for &incident in order {
        let best = problem.candidates[incident]
            .iter()
            .filter_map(|&engineer| best_insertion(problem, solution, incident, engineer))
            .min_by(|a, b| a.delta.lex_cmp(&b.delta));
        match best {
            Some(chosen) => {
                solution.insert(problem, chosen.engineer, chosen.position, chosen.visits)
            }
            None => left.push(incident),
        }
    }
    solution.recompute_cost(problem);
    left
}
