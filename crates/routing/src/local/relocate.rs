//! Relocate: move job `u` next to its neighbour `v` (right after it, or
//! right before it), in `v`'s route or its own, keeping its supply.

use super::super::cost::Cost;
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
    // Bounds first: a route placing breaks is timed exactly only when the
    // move could improve with them (see `Route::estimate_insertion`).
    let estimate_without = a.estimate_without(model, i);
    let Some(least_without) = estimate_without.floor() else {
        return false;
    };
    let mut exact_without: Option<Option<Cost>> = None;
    let old = a.cost.plus(b.cost);
    for position in [j + 1, j] {
        if position < b.locked {
            continue;
        }
        let estimate_with = b.estimate_insertion(model, position, u, supply);
        let Some(least_with) = estimate_with.floor() else {
            continue;
        };
        if !improves(least_without.plus(least_with), old) {
            continue;
        }
        let without = *exact_without
            .get_or_insert_with(|| estimate_without.resolve(|| a.cost_without(model, i)));
        let Some(without) = without else {
            return false;
        };
        let Some(with) =
            estimate_with.resolve(|| b.cost_with_insertion(model, position, u, supply))
        else {
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
        let estimate = Route::estimate_of_jobs(model, route.vehicle, &jobs);
        if estimate
            .floor()
            .is_some_and(|least| improves(least, route.cost))
            && let Some(cost) =
                estimate.resolve(|| Route::cost_of_jobs(model, route.vehicle, &jobs))
            && improves(cost, route.cost)
        {
            return apply_pair(model, solution, (r, jobs), None);
        }
    }
    false
}
