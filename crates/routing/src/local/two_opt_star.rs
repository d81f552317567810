//! 2-opt*: exchange the tails of two routes, so that `u` is followed by its
//! neighbour `v` (or `v` by `u`): route A keeps its head up to the cut and
//! takes B's tail, and B takes A's tail. Tail costs come from the other
//! route's caches when both vehicles time alike.

use super::super::cost::Cost;
use super::super::features::capacity::fits;
use super::super::model::Model;
use super::super::route::{Estimate, Route};
use super::super::solution::Solution;
use super::{apply_pair, improves};

/// Cost of `a`'s head (visits before `cut_a`) followed by `b`'s visits from
/// `cut_b` on, served by `a`'s vehicle, or for a vehicle placing breaks a
/// bound on it ([`Route::estimate_of_jobs`]; the exact cost is
/// [`spliced_cost`]).
fn spliced_estimate(model: &Model, a: &Route, cut_a: usize, b: &Route, cut_b: usize) -> Estimate {
    if cut_a == 0 && cut_b == b.len() {
        return Estimate::Exact(Cost::default());
    }
    let vehicle = &model.vehicles[a.vehicle];
    if model.skill_class[a.vehicle] != model.skill_class[b.vehicle]
        && b.visits[cut_b..]
            .iter()
            .any(|v| !model.is_qualified(v.job, a.vehicle))
    {
        return Estimate::Infeasible;
    }
    if model.has_resources
        && !fits(
            model,
            vehicle,
            &[a.prefix_piece(cut_a), b.suffix_piece(cut_b)],
        )
    {
        return Estimate::Infeasible;
    }
    if super::super::route::places_rests(vehicle) {
        // Breaks are placed over the whole route.
        return Route::estimate_of_jobs(model, a.vehicle, &spliced_jobs(a, cut_a, b, cut_b));
    }
    let from = a.state_before(model, cut_a);
    let same = b.same_timing(model, a.vehicle);
    match b.tail_cost(model, vehicle, cut_b, from, a.head(cut_a), same) {
        Some(tail) => Estimate::Exact(a.prefix_cost(cut_a).plus(tail)),
        None => Estimate::Infeasible,
    }
}

/// The exact cost behind a [`spliced_estimate`] that is a bound: the
/// spliced jobs timed with their breaks placed.
fn spliced_cost(model: &Model, a: &Route, cut_a: usize, b: &Route, cut_b: usize) -> Option<Cost> {
    Route::cost_of_jobs(model, a.vehicle, &spliced_jobs(a, cut_a, b, cut_b))
}

/// `a`'s jobs before `cut_a`, then `b`'s from `cut_b` on.
fn spliced_jobs(a: &Route, cut_a: usize, b: &Route, cut_b: usize) -> Vec<(usize, usize)> {
    let mut jobs = a.jobs();
    jobs.truncate(cut_a);
    jobs.extend(b.visits[cut_b..].iter().map(|v| (v.job, v.supply)));
    jobs
}

/// Applies the first improving tail exchange making `u` and `v` adjacent.
pub fn try_improve(model: &Model, solution: &mut Solution, u: usize, v: usize) -> bool {
    let (Some((ra, i)), Some((rb, j))) = (solution.at[u], solution.at[v]) else {
        return false;
    };
    if ra == rb {
        return false;
    }
    let (a, b) = (&solution.routes[ra], &solution.routes[rb]);
    // u then v: A[..=i] + B[j..], B[..j] + A[i+1..];
    // v then u: A[..i] + B[j+1..], B[..=j] + A[i..].
    for (cut_a, cut_b) in [(i + 1, j), (i, j + 1)] {
        if cut_a < a.locked || cut_b < b.locked {
            continue;
        }
        let estimate_a = spliced_estimate(model, a, cut_a, b, cut_b);
        let Some(least_a) = estimate_a.floor() else {
            continue;
        };
        let estimate_b = spliced_estimate(model, b, cut_b, a, cut_a);
        let Some(least_b) = estimate_b.floor() else {
            continue;
        };
        let old = a.cost.plus(b.cost);
        if !improves(least_a.plus(least_b), old) {
            continue;
        }
        let Some(new_a) = estimate_a.resolve(|| spliced_cost(model, a, cut_a, b, cut_b)) else {
            continue;
        };
        let Some(new_b) = estimate_b.resolve(|| spliced_cost(model, b, cut_b, a, cut_a)) else {
            continue;
        };
        if improves(new_a.plus(new_b), old) {
            let (jobs_a, jobs_b) = (a.jobs(), b.jobs());
            let mut new_jobs_a = jobs_a[..cut_a].to_vec();
            new_jobs_a.extend_from_slice(&jobs_b[cut_b..]);
            let mut new_jobs_b = jobs_b[..cut_b].to_vec();
            new_jobs_b.extend_from_slice(&jobs_a[cut_a..]);
            return apply_pair(model, solution, (ra, new_jobs_a), Some((rb, new_jobs_b)));
        }
    }
    false
}
