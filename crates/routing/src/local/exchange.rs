//! Exchange: swap job `u` with its neighbour `v`, each taking the other's
//! place (and keeping its own supply).

use super::super::model::Model;
use super::super::route::Route;
use super::super::solution::Solution;
use super::{apply_pair, improves};

/// Applies the swap of `u` and `v` if it improves.
pub fn try_improve(model: &Model, solution: &mut Solution, u: usize, v: usize) -> bool {
    let (Some((ra, i)), Some((rb, j))) = (solution.at[u], solution.at[v]) else {
        return false;
    };
    let (a, b) = (&solution.routes[ra], &solution.routes[rb]);
    if i < a.locked || j < b.locked {
        return false;
    }
    let (su, sv) = (a.visits[i].supply, b.visits[j].supply);
    if ra == rb {
        let mut jobs = a.jobs();
        jobs.swap(i, j);
        let estimate = Route::estimate_of_jobs(model, a.vehicle, &jobs);
        if estimate
            .floor()
            .is_some_and(|least| improves(least, a.cost))
            && let Some(cost) = estimate.resolve(|| Route::cost_of_jobs(model, a.vehicle, &jobs))
            && improves(cost, a.cost)
        {
            return apply_pair(model, solution, (ra, jobs), None);
        }
        return false;
    }
    if !model.is_qualified(u, rb) || !model.is_qualified(v, ra) {
        return false;
    }
    // Bounds first: a route placing breaks is timed exactly only when the
    // swap could improve with them (see `Route::estimate_replacement`).
    let estimate_a = a.estimate_replacement(model, i, v, sv);
    let Some(least_a) = estimate_a.floor() else {
        return false;
    };
    let estimate_b = b.estimate_replacement(model, j, u, su);
    let Some(least_b) = estimate_b.floor() else {
        return false;
    };
    let old = a.cost.plus(b.cost);
    if !improves(least_a.plus(least_b), old) {
        return false;
    }
    let Some(new_a) = estimate_a.resolve(|| a.cost_with_replacement(model, i, v, sv)) else {
        return false;
    };
    let Some(new_b) = estimate_b.resolve(|| b.cost_with_replacement(model, j, u, su)) else {
        return false;
    };
    if !improves(new_a.plus(new_b), old) {
        return false;
    }
    let mut jobs_a = a.jobs();
    jobs_a[i] = (v, sv);
    let mut jobs_b = b.jobs();
    jobs_b[j] = (u, su);
    apply_pair(model, solution, (ra, jobs_a), Some((rb, jobs_b)))
}
