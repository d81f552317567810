//! Relocate: move job `u` next to its neighbour `v` (right after it, or
//! right before it), in `v`'s route or its own, keeping its supply.

use super::super::model::Model;
use super::super::route::Route;
use super::super::solution::Solution;
use super::{apply_pair, improves};

/// Applies the first improving relocation of `u` next to `v`.
pub fn try_improve(model: &Model, solution: &mut Solution, u: usize, v: usize) -> bool {
    let (Some((ra, i)), Some((rb, j))) = (solution.at[u], solution.at[v]) else {
        return false;
    };
    let a = &solution.routes[ra];
    if i < a.locked || !model.is_qualified(u, rb) {
        return false;
    }
    let supply = a.visits[i].supply;
    if ra == rb {
        return intra(model, solution, ra, i, j, supply);
    }
    let b = &solution.routes[rb];
    let Some(without) = a.cost_without(model, i) else {
        return false;
    };
    let old = a.cost.plus(b.cost);
    for position in [j + 1, j] {
        if position < b.locked {
            continue;
        }
        let Some(with) = b.cost_with_insertion(model, position, u, supply) else {
            continue;
        };
        if improves(without.plus(with), old) {
            let mut jobs_a = a.jobs();
            jobs_a.remove(i);
            let mut jobs_b = b.jobs();
            jobs_b.insert(position, (u, supply));
            return apply_pair(model, solution, (ra, jobs_a), Some((rb, jobs_b)));
        }
    }
    false
}

/// Relocation inside one route: re-timed whole (routes are short).
fn intra(
    model: &Model,
    solution: &mut Solution,
    r: usize,
    i: usize,
    j: usize,
    supply: usize,
) -> bool {
    let route = &solution.routes[r];
    for target in [j + 1, j] {
        // Position in the route without `u`.
        let position = if target > i { target - 1 } else { target };
        if position == i || position < route.locked {
            continue;
        }
        let mut jobs = route.jobs();
        jobs.remove(i);
        jobs.insert(position, (route.visits[i].job, supply));
        if let Some(cost) = Route::cost_of_jobs(model, route.vehicle, &jobs)
            && improves(cost, route.cost)
        {
            return apply_pair(model, solution, (r, jobs), None);
        }
    }
    false
}
