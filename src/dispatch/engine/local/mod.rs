//! Local search: a descent over relocate, exchange and 2-opt* moves between
//! neighbouring jobs (one file per move), first improvement, until no move
//! improves. Moves are evaluated from the routes' caches (see
//! [`super::route`]); only applied moves re-time whole routes. The job
//! order of each pass is shuffled by the caller's seeded generator, so a
//! descent is deterministic for a seed.

pub mod exchange;
pub mod relocate;
pub mod two_opt_star;

use super::cost::Cost;
use super::model::Model;
use super::neighbours::Neighbours;
use super::solution::Solution;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Most descent passes (a safeguard: each pass improves or ends the descent).
const MAX_PASSES: usize = 100;

/// Whether the routes of a move end up strictly cheaper.
#[inline]
pub(crate) fn improves(new: Cost, old: Cost) -> bool {
    new.is_better(&old)
}

/// Replaces two routes' jobs; restores both if either is infeasible.
pub(crate) fn apply_pair(
    model: &Model,
    solution: &mut Solution,
    a: (usize, Vec<(usize, usize)>),
    b: Option<(usize, Vec<(usize, usize)>)>,
) -> bool {
    let old_a = solution.routes[a.0].jobs();
    let old_b = b.as_ref().map(|(v, _)| solution.routes[*v].jobs());
    let mut ok = solution.set_route(model, a.0, &a.1);
    if let Some((vb, jobs_b)) = &b {
        ok = ok && solution.set_route(model, *vb, jobs_b);
    }
    if !ok {
        debug_assert!(false, "evaluated move infeasible when applied");
        solution.set_route(model, a.0, &old_a);
        if let (Some((vb, _)), Some(old_b)) = (&b, old_b) {
            solution.set_route(model, *vb, &old_b);
        }
    }
    solution.recompute_cost(model);
    ok
}

/// Runs the descent; returns the number of moves applied.
pub fn descend(
    model: &Model,
    solution: &mut Solution,
    neighbours: &Neighbours,
    rng: &mut ChaCha8Rng,
) -> usize {
    let mut order: Vec<usize> = solution.assigned();
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        order.shuffle(rng);
        let mut improved = false;
        for &u in &order {
            for &v in neighbours.of(u) {
                if solution.at[u].is_none() || solution.at[v].is_none() {
                    continue;
                }
                if relocate::try_improve(model, solution, u, v)
                    || two_opt_star::try_improve(model, solution, u, v)
                    || exchange::try_improve(model, solution, u, v)
                {
                    applied += 1;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    applied
}
