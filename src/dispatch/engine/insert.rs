//! Insertion heuristics: where a job goes. Regret insertion repeatedly
//! places the job whose best option is most ahead of its second best (on
//! another vehicle); greedy insertion places jobs in a given order, each at
//! its cheapest place, optionally "blinking" (skipping a position with a
//! small probability) to diversify. The construction and every recreate
//! step of the large neighbourhood search use them.

use super::cost::Cost;
use super::features::supply::in_stock;
use super::model::{Model, NEVER};
use super::solution::Solution;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::cmp::Ordering;

/// The cheapest way found to put one job into one route.
#[derive(Clone, Copy, Debug)]
pub struct Insertion {
    pub vehicle: usize,
    pub position: usize,
    pub supply: usize,
    /// Change of the route's cost.
    pub delta: Cost,
}

/// How insertions are searched.
#[derive(Clone, Copy, Debug)]
pub struct InsertLimits {
    /// Distinct supply sources (depots, or the vehicle) with stock tried
    /// per job, in the job's order of preference.
    pub sources: usize,
}

impl Default for InsertLimits {
    fn default() -> Self {
        InsertLimits {
            sources: usize::MAX,
        }
    }
}

/// Supply indices of `job` worth trying: in stock, from the first
/// `limits.sources` distinct sources.
fn supplies_to_try(
    model: &Model,
    solution: &Solution,
    job: usize,
    limits: InsertLimits,
) -> Vec<usize> {
    let mut chosen = Vec::new();
    let mut sources: Vec<Option<usize>> = Vec::new();
    for (s, supply) in model.jobs[job].supplies.iter().enumerate() {
        if !in_stock(&solution.stock, supply) {
            continue;
        }
        let source = supply.depot();
        if !sources.contains(&source) {
            if sources.len() >= limits.sources {
                continue;
            }
            sources.push(source);
        }
        chosen.push(s);
    }
    chosen
}

/// The cheapest feasible insertion of `job` into `vehicle`'s route.
pub fn best_insertion(
    model: &Model,
    solution: &Solution,
    job: usize,
    vehicle: usize,
    supplies: &[usize],
    blink: Option<(&mut ChaCha8Rng, f64)>,
) -> Option<Insertion> {
    let route = &solution.routes[vehicle];
    let mut best: Option<Insertion> = None;
    let mut blink = blink;
    let hard_deadline = model.jobs[job].deadline.filter(|d| d.hard).map(|d| d.at);
    for position in route.locked..=route.len() {
        // Free times only grow along a route: once the vehicle is free
        // after the hard deadline, no later position can make it.
        if hard_deadline.is_some_and(|at| route.state_before(model, position).at > at) {
            break;
        }
        if let Some((rng, rate)) = blink.as_mut()
            && rng.random_bool(*rate)
        {
            continue;
        }
        for &supply in supplies {
            let Some(cost) = route.cost_with_insertion(model, position, job, supply) else {
                continue;
            };
            let delta = cost.minus(route.cost);
            if best.as_ref().is_none_or(|b| delta.is_better(&b.delta)) {
                best = Some(Insertion {
                    vehicle,
                    position,
                    supply,
                    delta,
                });
            }
        }
    }
    best
}

/// Whether vehicle `v` is worth trying: used, or the first unused of its twins.
fn candidate(solution: &Solution, first_empty: &[usize], model: &Model, v: usize) -> bool {
    !solution.routes[v].is_empty() || first_empty[model.twin_of[v]] == v
}

/// For each twin class, its first unused vehicle (`usize::MAX` if none).
fn first_empty_of_twins(model: &Model, solution: &Solution) -> Vec<usize> {
    let mut first = vec![usize::MAX; model.vehicles.len()];
    for v in (0..model.vehicles.len()).rev() {
        if solution.routes[v].is_empty() {
            first[model.twin_of[v]] = v;
        }
    }
    first
}

/// Cached best insertion per qualified vehicle of one pending job, and
/// its best and second-best deltas.
struct Pending {
    job: usize,
    options: Vec<Option<Insertion>>,
    dirty: Vec<bool>,
}

fn deadline_order(model: &Model, pending: &[usize]) -> Vec<usize> {
    let mut order = pending.to_vec();
    order.sort_by_key(|&j| (model.jobs[j].deadline.map_or(NEVER, |d| d.at), j));
    order
}

/// Inserts `pending` jobs by regret until none fits; returns those left.
pub fn regret(
    model: &Model,
    solution: &mut Solution,
    pending: &[usize],
    limits: InsertLimits,
) -> Vec<usize> {
    let mut entries: Vec<Pending> = deadline_order(model, pending)
        .into_iter()
        .map(|job| {
            let n = model.qualified[job].len();
            Pending {
                job,
                options: vec![None; n],
                dirty: vec![true; n],
            }
        })
        .collect();
    while !entries.is_empty() {
        let first_empty = first_empty_of_twins(model, solution);
        for entry in entries.iter_mut() {
            let supplies = supplies_to_try(model, solution, entry.job, limits);
            for (k, &v) in model.qualified[entry.job].iter().enumerate() {
                if entry.dirty[k] {
                    entry.options[k] = if candidate(solution, &first_empty, model, v) {
                        best_insertion(model, solution, entry.job, v, &supplies, None)
                    } else {
                        None
                    };
                    entry.dirty[k] = false;
                }
            }
        }
        let Some(pick) = pick_by_regret(&entries) else {
            break;
        };
        let entry = entries.remove(pick);
        let Some(chosen) = entry
            .options
            .into_iter()
            .flatten()
            .min_by(|a, b| a.delta.lex_cmp(&b.delta))
        else {
            break;
        };
        let was_empty = solution.routes[chosen.vehicle].is_empty();
        let supply = &model.jobs[entry.job].supplies[chosen.supply];
        let slot = supply.stock_slot();
        if !solution.insert(
            model,
            chosen.vehicle,
            chosen.position,
            entry.job,
            chosen.supply,
        ) {
            // The cache disagreed with the route: a bug, but never a lost job.
            debug_assert!(false, "cached insertion infeasible");
            entries.push(Pending {
                dirty: vec![true; entry.dirty.len()],
                options: vec![None; entry.dirty.len()],
                job: entry.job,
            });
            break;
        }
        let stock_out = slot.is_some_and(|s| solution.stock[s] == 0);
        let twins = model.twin_of[chosen.vehicle];
        for e in entries.iter_mut() {
            for (k, &v) in model.qualified[e.job].iter().enumerate() {
                if v == chosen.vehicle || (was_empty && model.twin_of[v] == twins) {
                    e.dirty[k] = true;
                }
            }
            if stock_out {
                for (k, option) in e.options.iter().enumerate() {
                    if option
                        .is_some_and(|o| model.jobs[e.job].supplies[o.supply].stock_slot() == slot)
                    {
                        e.dirty[k] = true;
                    }
                }
            }
        }
    }
    entries.into_iter().map(|e| e.job).collect()
}

/// Index of the entry with the largest regret (second best minus best);
/// a job with a single option goes first. `None` if none fits.
fn pick_by_regret(entries: &[Pending]) -> Option<usize> {
    let mut best: Option<(usize, Cost, Cost)> = None;
    for (index, entry) in entries.iter().enumerate() {
        let mut first: Option<Cost> = None;
        let mut second: Option<Cost> = None;
        for o in entry.options.iter().flatten() {
            match first {
                Some(f) if !o.delta.is_better(&f) => {
                    if second.is_none_or(|s| o.delta.is_better(&s)) {
                        second = Some(o.delta);
                    }
                }
                _ => {
                    second = first;
                    first = Some(o.delta);
                }
            }
        }
        let Some(first) = first else { continue };
        let regret = match second {
            Some(second) => second.minus(first),
            None => Cost {
                breaches: f64::INFINITY,
                late_minutes: 0.0,
                travel_minutes: 0.0,
            },
        };
        let better = match &best {
            None => true,
            Some((_, best_regret, best_delta)) => match regret.lex_cmp(best_regret) {
                Ordering::Greater => true,
                Ordering::Equal => first.is_better(best_delta),
                Ordering::Less => false,
            },
        };
        if better {
            best = Some((index, regret, first));
        }
    }
    best.map(|(index, _, _)| index)
}

/// Inserts `order` one job at a time at its cheapest place over all
/// qualified vehicles, skipping each position with probability `blink`;
/// returns the jobs that fit nowhere.
pub fn greedy(
    model: &Model,
    solution: &mut Solution,
    order: &[usize],
    limits: InsertLimits,
    blink: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<usize> {
    let mut left = Vec::new();
    for &job in order {
        let supplies = supplies_to_try(model, solution, job, limits);
        let first_empty = first_empty_of_twins(model, solution);
        let mut best: Option<Insertion> = None;
        for &v in &model.qualified[job] {
            if !candidate(solution, &first_empty, model, v) {
                continue;
            }
            let blinking = (blink > 0.0).then_some((&mut *rng, blink));
            if let Some(option) = best_insertion(model, solution, job, v, &supplies, blinking)
                && best.is_none_or(|b| option.delta.is_better(&b.delta))
            {
                best = Some(option);
            }
        }
        match best {
            Some(b) if solution.insert(model, b.vehicle, b.position, job, b.supply) => {}
            _ => left.push(job),
        }
    }
    left
}
