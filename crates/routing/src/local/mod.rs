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

/// Runs the descent from every job; returns the number of moves applied.
pub fn descend(
    model: &Model,
    solution: &mut Solution,
    neighbours: &Neighbours,
    rng: &mut ChaCha8Rng,
) -> usize {
    solution.touched.iter_mut().for_each(|t| *t = true);
    descend_touched(model, solution, neighbours, rng)
}

/// Runs the descent from the jobs of the routes marked touched (the rest
/// is assumed locally optimal, as after a previous descent): a job is
/// looked at again only when a move changes its route ("don't look bits").
/// Returns the number of moves applied.
pub fn descend_touched(
    model: &Model,
    solution: &mut Solution,
    neighbours: &Neighbours,
    rng: &mut ChaCha8Rng,
) -> usize {
    let mut active: Vec<bool> = (0..model.len())
        .map(|j| solution.at[j].is_some_and(|(v, _)| solution.touched[v]))
        .collect();
    let mut order: Vec<usize> = solution.assigned();
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        order.shuffle(rng);
        let mut improved = false;
        for &u in &order {
            if !active[u] {
                continue;
            }
            active[u] = false;
            for &v in neighbours.of(u) {
                let (Some((ru, _)), Some((rv, _))) = (solution.at[u], solution.at[v]) else {
                    continue;
                };
                solution.clear_touched();
                if relocate::try_improve(model, solution, u, v)
                    || two_opt_star::try_improve(model, solution, u, v)
                    || exchange::try_improve(model, solution, u, v)
                {
                    applied += 1;
                    improved = true;
                    for r in [ru, rv] {
                        for visit in &solution.routes[r].visits {
                            active[visit.job] = true;
                        }
                    }
                    if solution.at[u].is_none() {
                        break;
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
    solution.touched.iter_mut().for_each(|t| *t = true);
    applied
}
