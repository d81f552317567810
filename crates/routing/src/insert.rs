//! Insertion heuristics: where a job goes. Regret insertion repeatedly
//! places the job whose best option is most ahead of its second best (on
//! another vehicle); greedy insertion places jobs in a given order, each at
//! its cheapest place, optionally "blinking" (skipping a position with a
//! small probability) to diversify. The construction and every recreate
//! step of the large neighbourhood search use them.

use super::cost::Cost;
use super::features::supply::in_stock;
use super::model::{Model, NEVER, Supply, Time};
use super::route::Route;
use super::solution::Solution;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::cmp::Ordering;
use std::collections::HashMap;

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
    /// Qualified vehicles tried per job before the others: those whose
    /// start is nearest the job (see `nearby_vehicles`). The others are
    /// tried only when none of these can take the job.
    pub vehicles: usize,
}

impl Default for InsertLimits {
    fn default() -> Self {
        InsertLimits {
            sources: usize::MAX,
            vehicles: usize::MAX,
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

/// The cheapest feasible insertion of `job` into `vehicle`'s route: the
/// first of the cheapest in the order positions (then supplies) are tried.
pub fn best_insertion(
    model: &Model,
    solution: &Solution,
    job: usize,
    vehicle: usize,
    supplies: &[usize],
    blink: Option<(&mut ChaCha8Rng, f64)>,
) -> Option<Insertion> {
    let route = &solution.routes[vehicle];
    let positions = positions_to_try(model, route, job, blink);
    let candidates = positions
        .iter()
        .flat_map(|&position| supplies.iter().map(move |&supply| (position, supply)));
    if route.has_bounds() {
        return best_bounded_insertion(model, route, job, candidates);
    }
    let mut best: Option<Insertion> = None;
    for (position, supply) in candidates {
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
    best
}

/// The positions of `route` tried for `job`, in order: none after the
/// vehicle is free past the job's hard deadline, and with `blink` each
/// skipped with its probability.
fn positions_to_try(
    model: &Model,
    route: &Route,
    job: usize,
    mut blink: Option<(&mut ChaCha8Rng, f64)>,
) -> Vec<usize> {
    let hard_deadline = model.jobs[job].deadline.filter(|d| d.hard).map(|d| d.at);
    let mut positions = Vec::with_capacity(route.len() + 1 - route.locked.min(route.len()));
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
        positions.push(position);
    }
    positions
}

/// [`best_insertion`] into a route whose breaks are placed over the whole
/// route ([`Route::has_bounds`]): every candidate is first costed without
/// breaks (a lower bound, found incrementally), then timed exactly in the
/// order of its bound while its bound could still beat the best so far, or
/// tie it earlier in the order tried. The same insertion as timing every
/// candidate in order, with far fewer breaks placed.
fn best_bounded_insertion(
    model: &Model,
    route: &Route,
    job: usize,
    candidates: impl Iterator<Item = (usize, usize)>,
) -> Option<Insertion> {
    // (bound on the delta, order tried, position, supply)
    let mut bounded: Vec<(Cost, usize, usize, usize)> = candidates
        .enumerate()
        .filter_map(|(order, (position, supply))| {
            let floor = route
                .estimate_insertion(model, position, job, supply)
                .floor()?;
            Some((floor.minus(route.cost), order, position, supply))
        })
        .collect();
    bounded.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut best: Option<(Insertion, usize)> = None;
    for (floor, order, position, supply) in bounded {
        if best
            .as_ref()
            .is_some_and(|(b, first)| !replaces(&floor, order, &b.delta, *first))
        {
            continue;
        }
        let Some(cost) = route.cost_with_insertion(model, position, job, supply) else {
            continue;
        };
        let delta = cost.minus(route.cost);
        if best
            .as_ref()
            .is_none_or(|(b, first)| replaces(&delta, order, &b.delta, *first))
        {
            let insertion = Insertion {
                vehicle: route.vehicle,
                position,
                supply,
                delta,
            };
            best = Some((insertion, order));
        }
    }
    best.map(|(insertion, _)| insertion)
}

/// Whether a candidate tried `order`-th at `delta` takes the place of the
/// best so far (tried `first`-th at `best`) when candidates are tried in
/// order and the first of the cheapest is kept.
fn replaces(delta: &Cost, order: usize, best: &Cost, first: usize) -> bool {
    delta.is_better(best) || (order < first && !best.is_better(delta))
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

/// Vehicles tried first for `job`: the `limit` qualified vehicles whose
/// start is nearest, and the nearest `limit / 8` on every shift, so that
/// engineers on another shift (the night shift at 3 am) stay in the list.
/// Vehicles tied with the last one taken come too, so twins are never
/// split. Ascending.
fn nearby_vehicles(model: &Model, job: usize, limit: usize) -> Vec<usize> {
    let limit = limit.max(1);
    let by_reach = &model.qualified_by_reach[job];
    if by_reach.len() <= limit {
        return model.qualified[job].clone();
    }
    let cut = model.reach(job, by_reach[limit - 1]);
    let per_shift = (limit / 8).max(1);
    // (shift, vehicles taken, reach of the last taken)
    let mut shifts: Vec<(Option<usize>, usize, Time)> = Vec::new();
    let mut chosen = Vec::new();
    for &v in by_reach {
        let reach = model.reach(job, v);
        let shift = model.vehicles[v].shift;
        let index = match shifts.iter().position(|c| c.0 == shift) {
            Some(index) => index,
            None => {
                shifts.push((shift, 0, Time::MIN));
                shifts.len() - 1
            }
        };
        let (_, taken, last) = &mut shifts[index];
        if reach <= cut || *taken < per_shift || reach == *last {
            chosen.push(v);
            *taken += 1;
            *last = reach;
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Whether a job's best insertion among its nearby vehicles is bad enough
/// to try every qualified vehicle: none fits, or it adds a breach (a far
/// engineer may still be on time). Breaches are rare, so this costs little.
fn needs_every_vehicle(best: Option<Insertion>) -> bool {
    best.is_none_or(|b| b.delta.breaches > 0.0)
}

/// One pending job of regret insertion: its cached best insertion per
/// vehicle tried and what they add up to.
struct Pending {
    job: usize,
    vehicles: Vec<usize>,
    options: Vec<Option<Insertion>>,
    dirty: Vec<bool>,
    /// Some option is dirty.
    stale: bool,
    /// All qualified vehicles are in `vehicles`.
    widened: bool,
    /// Index of the best option and the regret (second best minus best).
    summary: Option<(usize, Cost)>,
}

impl Pending {
    fn new(model: &Model, job: usize, limits: InsertLimits) -> Pending {
        let vehicles = nearby_vehicles(model, job, limits.vehicles);
        let n = vehicles.len();
        Pending {
            job,
            widened: n == model.qualified[job].len(),
            vehicles,
            options: vec![None; n],
            dirty: vec![true; n],
            stale: true,
            summary: None,
        }
    }

    /// Recomputes the dirty options and the summary.
    fn refresh(
        &mut self,
        model: &Model,
        solution: &Solution,
        first_empty: &[usize],
        limits: InsertLimits,
    ) {
        let supplies = supplies_to_try(model, solution, self.job, limits);
        for (k, &v) in self.vehicles.iter().enumerate() {
            if self.dirty[k] {
                self.options[k] = if candidate(solution, first_empty, model, v) {
                    best_insertion(model, solution, self.job, v, &supplies, None)
                } else {
                    None
                };
                self.dirty[k] = false;
            }
        }
        self.stale = false;
        self.summary = summarize(&self.options);
    }

    /// Adds every qualified vehicle not tried yet (dirty); returns them
    /// with their option index.
    fn widen(&mut self, model: &Model) -> Vec<(usize, usize)> {
        let mut added = Vec::new();
        for &v in &model.qualified[self.job] {
            if self.vehicles.binary_search(&v).is_err() {
                added.push((v, self.vehicles.len() + added.len()));
            }
        }
        for &(v, _) in &added {
            self.vehicles.push(v);
            self.options.push(None);
            self.dirty.push(true);
        }
        self.widened = true;
        self.stale = true;
        added
    }

    fn best(&self) -> Option<Insertion> {
        self.summary.and_then(|(k, _)| self.options[k])
    }
}

/// The best option's index and the regret (second best minus best; a
/// single option has an infinite regret: it goes first).
fn summarize(options: &[Option<Insertion>]) -> Option<(usize, Cost)> {
    let mut first: Option<(usize, Cost)> = None;
    let mut second: Option<Cost> = None;
    for (k, o) in options.iter().enumerate() {
        let Some(o) = o else { continue };
        match first {
            Some((_, f)) if !o.delta.is_better(&f) => {
                if second.is_none_or(|s| o.delta.is_better(&s)) {
                    second = Some(o.delta);
                }
            }
            _ => {
                second = first.map(|(_, f)| f);
                first = Some((k, o.delta));
            }
        }
    }
    let (k, best) = first?;
    let regret = match second {
        Some(second) => second.minus(best),
        None => Cost {
            breaches: f64::INFINITY,
            late_minutes: 0.0,
            travel_minutes: 0.0,
        },
    };
    Some((k, regret))
}

fn deadline_order(model: &Model, pending: &[usize]) -> Vec<usize> {
    let mut order = pending.to_vec();
    order.sort_by_key(|&j| (model.jobs[j].deadline.map_or(NEVER, |d| d.at), j));
    order
}

/// Inserts `pending` jobs by regret until none fits; returns those left.
///
/// Each job's best insertion per vehicle is cached and recomputed only
/// when that vehicle's route changed (or its twin was taken, or the stock
/// it used ran out), and only the nearby vehicles are tried unless none
/// of them fits: construction is then near linear in the number of jobs.
pub fn regret(
    model: &Model,
    solution: &mut Solution,
    pending: &[usize],
    limits: InsertLimits,
) -> Vec<usize> {
    let mut entries: Vec<Option<Pending>> = deadline_order(model, pending)
        .into_iter()
        .map(|job| Some(Pending::new(model, job, limits)))
        .collect();
    // Which (entry, option) pairs try each vehicle.
    let mut watchers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); model.vehicles.len()];
    // Which entries may take a unit from each depot stock slot.
    let mut slot_watchers: HashMap<usize, Vec<usize>> = HashMap::new();
    for (e, entry) in entries.iter().enumerate() {
        let Some(entry) = entry else { continue };
        for (k, &v) in entry.vehicles.iter().enumerate() {
            watchers[v].push((e, k));
        }
        let mut slots: Vec<usize> = model.jobs[entry.job]
            .supplies
            .iter()
            .filter_map(Supply::stock_slot)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        for slot in slots {
            slot_watchers.entry(slot).or_default().push(e);
        }
    }
    loop {
        let first_empty = first_empty_of_twins(model, solution);
        for (e, slot) in entries.iter_mut().enumerate() {
            let Some(entry) = slot.as_mut().filter(|p| p.stale) else {
                continue;
            };
            entry.refresh(model, solution, &first_empty, limits);
            if !entry.widened && needs_every_vehicle(entry.best()) {
                for (v, k) in entry.widen(model) {
                    watchers[v].push((e, k));
                }
                entry.refresh(model, solution, &first_empty, limits);
            }
        }
        let Some(pick) = pick_by_regret(&entries) else {
            break;
        };
        let Some(entry) = entries[pick].take() else {
            break;
        };
        let Some(chosen) = entry.best() else {
            break;
        };
        let was_empty = solution.routes[chosen.vehicle].is_empty();
        let slot = model.jobs[entry.job].supplies[chosen.supply].stock_slot();
        if !solution.insert(
            model,
            chosen.vehicle,
            chosen.position,
            entry.job,
            chosen.supply,
        ) {
            // The cache disagreed with the route: a bug, but never a lost job.
            debug_assert!(false, "cached insertion infeasible");
            entries[pick] = Some(entry);
            break;
        }
        let mut changed = vec![chosen.vehicle];
        if was_empty {
            let twins = model.twin_of[chosen.vehicle];
            changed.extend((0..model.vehicles.len()).filter(|&v| model.twin_of[v] == twins));
        }
        for v in changed {
            for &(e, k) in &watchers[v] {
                if let Some(p) = entries[e].as_mut() {
                    p.dirty[k] = true;
                    p.stale = true;
                }
            }
        }
        let out_of_stock = slot.filter(|&s| solution.stock[s] == 0);
        for &e in out_of_stock
            .and_then(|s| slot_watchers.get(&s))
            .into_iter()
            .flatten()
        {
            if let Some(p) = entries[e].as_mut() {
                for (k, option) in p.options.iter().enumerate() {
                    if option
                        .is_some_and(|o| model.jobs[p.job].supplies[o.supply].stock_slot() == slot)
                    {
                        p.dirty[k] = true;
                        p.stale = true;
                    }
                }
            }
        }
    }
    entries.into_iter().flatten().map(|p| p.job).collect()
}

/// Index of the entry with the largest regret; ties go to the better best
/// option, then to the earlier entry. `None` if none fits.
fn pick_by_regret(entries: &[Option<Pending>]) -> Option<usize> {
    let mut best: Option<(usize, Cost, Cost)> = None;
    for (index, entry) in entries.iter().enumerate() {
        let Some(entry) = entry else { continue };
        let (Some((_, regret)), Some(first)) = (entry.summary, entry.best()) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((_, best_regret, best_delta)) => match regret.lex_cmp(best_regret) {
                Ordering::Greater => true,
                Ordering::Equal => first.delta.is_better(best_delta),
                Ordering::Less => false,
            },
        };
        if better {
            best = Some((index, regret, first.delta));
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
        let nearby = nearby_vehicles(model, job, limits.vehicles);
        let mut best = cheapest(
            model,
            solution,
            job,
            &nearby,
            &supplies,
            &first_empty,
            blink,
            rng,
        );
        if needs_every_vehicle(best) && nearby.len() < model.qualified[job].len() {
            let others: Vec<usize> = model.qualified[job]
                .iter()
                .copied()
                .filter(|v| nearby.binary_search(v).is_err())
                .collect();
            best = cheapest(
                model,
                solution,
                job,
                &others,
                &supplies,
                &first_empty,
                blink,
                rng,
            );
        }
        match best {
            Some(b) if solution.insert(model, b.vehicle, b.position, job, b.supply) => {}
            _ => left.push(job),
        }
    }
    left
}

/// The cheapest insertion of `job` over `vehicles`, skipping each position
/// with probability `blink`.
#[allow(clippy::too_many_arguments)]
fn cheapest(
    model: &Model,
    solution: &Solution,
    job: usize,
    vehicles: &[usize],
    supplies: &[usize],
    first_empty: &[usize],
    blink: f64,
    rng: &mut ChaCha8Rng,
) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    for &v in vehicles {
        if !candidate(solution, first_empty, model, v) {
            continue;
        }
        let blinking = (blink > 0.0).then_some((&mut *rng, blink));
        if let Some(option) = best_insertion(model, solution, job, v, supplies, blinking)
            && best.is_none_or(|b| option.delta.is_better(&b.delta))
        {
            best = Some(option);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::skills::SkillSet;
    use crate::model::DutyBlocks;
    use crate::model::{Deadline, Job, Matrix, ModelSpec, Supply, Vehicle};
    use rand::SeedableRng;

    /// Many vehicles (twins, two shifts, three skill sets) and scarce depot
    /// stock, so that the nearby cut, twin and stock-out rules all bind.
    fn fleet_model(rng: &mut ChaCha8Rng) -> Model {
        let jobs = 18;
        let starts = 6;
        let places = 2 + starts + jobs;
        let points: Vec<(i64, i64)> = (0..places)
            .map(|_| (rng.random_range(0..80), rng.random_range(0..80)))
            .collect();
        let times = (0..places * places)
            .map(|k| {
                let (a, b) = (points[k / places], points[k % places]);
                Some((a.0 - b.0).abs() + (a.1 - b.1).abs())
            })
            .collect();
        let skill_sets = [vec![0, 1], vec![1, 2], vec![0, 1, 2]];
        let mut vehicles: Vec<Vehicle> = (0..14)
            .map(|v| Vehicle {
                shift: [None, Some(0), Some(1)][v % 3],
                end: Some(2 + v % starts),
                end_by: Some(900),
                skills: SkillSet::new(skill_sets[v % 3].clone()),
                ..Vehicle::at(2 + v % starts, 0)
            })
            .collect();
        // Twins: identical vehicles, of which only one empty is tried.
        vehicles.push(vehicles[3].clone());
        vehicles.push(vehicles[3].clone());
        let job_list = (0..jobs)
            .map(|j| {
                let ready = rng.random_range(0..300);
                let slot = rng.random_range(0..2);
                Job {
                    ready,
                    deadline: Some(Deadline {
                        at: ready + rng.random_range(20..150),
                        hard: rng.random_bool(0.2),
                    }),
                    breach_weight: 10.0,
                    late_weight: 0.1,
                    skills: SkillSet::new(vec![rng.random_range(0..3)]),
                    supplies: vec![
                        Supply::Pickup {
                            depot: slot,
                            handling: 5,
                            stock: Some(slot),
                            restock: false,
                        },
                        Supply::Courier {
                            depot: 1 - slot,
                            leaves: ready,
                            arrives: ready + 60,
                            cost: 3.0,
                            stock: Some(1 - slot),
                        },
                    ],
                    ..Job::at(2 + starts + j, rng.random_range(5..30), Cost::travel(1e6))
                }
            })
            .collect();
        ModelSpec {
            jobs: job_list,
            vehicles,
            matrix: Matrix::from_times(places, times, 1.0).expect("square"),
            shifts: vec![DutyBlocks::new([(0, 500)]), DutyBlocks::new([(200, 900)])],
            depot_stock: vec![5, 6],
            dims: 0,
            restock_level: Vec::new(),
        }
        .build()
        .expect("valid model")
    }

    /// Regret insertion as defined, without any cache: every round every
    /// pending job is evaluated afresh on its nearby vehicles (on all
    /// qualified ones once none of those fitted).
    fn reference_regret(
        model: &Model,
        solution: &mut Solution,
        pending: &[usize],
        limits: InsertLimits,
    ) -> Vec<usize> {
        let mut left = deadline_order(model, pending);
        let mut widened = vec![false; model.len()];
        loop {
            let first_empty = first_empty_of_twins(model, solution);
            let evaluate = |job: usize, vehicles: &[usize]| -> Vec<Option<Insertion>> {
                let supplies = supplies_to_try(model, solution, job, limits);
                vehicles
                    .iter()
                    .map(|&v| {
                        candidate(solution, &first_empty, model, v)
                            .then(|| best_insertion(model, solution, job, v, &supplies, None))
                            .flatten()
                    })
                    .collect()
            };
            let mut entries = Vec::new();
            for &job in &left {
                let nearby = nearby_vehicles(model, job, limits.vehicles);
                let mut vehicles = nearby.clone();
                let mut options = evaluate(job, &vehicles);
                if widened[job]
                    || needs_every_vehicle(summarize(&options).map(|(k, _)| options[k].unwrap()))
                {
                    widened[job] = true;
                    vehicles.extend(
                        model.qualified[job]
                            .iter()
                            .filter(|v| nearby.binary_search(v).is_err()),
                    );
                    options = evaluate(job, &vehicles);
                }
                entries.push(Some(Pending {
                    job,
                    summary: summarize(&options),
                    dirty: vec![false; options.len()],
                    vehicles,
                    options,
                    stale: false,
                    widened: true,
                }));
            }
            let Some(pick) = pick_by_regret(&entries) else {
                return left;
            };
            let chosen = entries[pick].as_ref().and_then(Pending::best).unwrap();
            let job = left.remove(pick);
            assert!(solution.insert(model, chosen.vehicle, chosen.position, job, chosen.supply));
        }
    }

    fn routes(solution: &Solution) -> Vec<Vec<(usize, usize)>> {
        solution.routes.iter().map(|r| r.jobs()).collect()
    }

    #[test]
    fn cached_regret_equals_regret_recomputed_every_round() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut cuts = 0;
        for _ in 0..60 {
            let model = fleet_model(&mut rng);
            let pending: Vec<usize> = (0..model.len()).collect();
            for vehicles in [3, 6, usize::MAX] {
                let limits = InsertLimits {
                    sources: usize::MAX,
                    vehicles,
                };
                let mut cached = Solution::empty(&model);
                let mut fresh = Solution::empty(&model);
                let left_cached = regret(&model, &mut cached, &pending, limits);
                let left_fresh = reference_regret(&model, &mut fresh, &pending, limits);
                assert_eq!(routes(&cached), routes(&fresh), "limit {vehicles}");
                assert_eq!(left_cached, left_fresh);
                assert_eq!(cached.stock, fresh.stock);
                cuts += (0..model.len())
                    .filter(|&j| {
                        nearby_vehicles(&model, j, vehicles).len() < model.qualified[j].len()
                    })
                    .count();
            }
        }
        assert!(cuts > 100, "the nearby cut never bound ({cuts})");
    }

    #[test]
    fn nearby_vehicles_keep_every_shift_and_all_twins() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for _ in 0..40 {
            let model = fleet_model(&mut rng);
            for job in 0..model.len() {
                let nearby = nearby_vehicles(&model, job, 3);
                assert!(nearby.is_sorted());
                let qualified = &model.qualified[job];
                assert!(nearby.iter().all(|v| qualified.contains(v)));
                // The nearest qualified vehicle on every shift is in.
                for &v in qualified {
                    let shift = model.vehicles[v].shift;
                    let nearest = qualified
                        .iter()
                        .filter(|&&u| model.vehicles[u].shift == shift)
                        .map(|&u| model.reach(job, u))
                        .min()
                        .unwrap();
                    if model.reach(job, v) == nearest {
                        assert!(nearby.contains(&v), "job {job} vehicle {v}");
                    }
                }
                // Twins are in or out together.
                for &v in &nearby {
                    for &u in qualified {
                        if model.twin_of[u] == model.twin_of[v] {
                            assert!(nearby.contains(&u));
                        }
                    }
                }
                // Nothing nearer than a chosen vehicle of its class is left out.
                let cut = model.reach(
                    job,
                    model.qualified_by_reach[job][2.min(qualified.len() - 1)],
                );
                for &v in qualified {
                    if model.reach(job, v) <= cut {
                        assert!(nearby.contains(&v));
                    }
                }
            }
        }
    }

    /// One job near vehicle 0 (busy until after its hard deadline) and far
    /// from vehicle 1: only the vehicle beyond the cut can take it.
    fn near_one_busy() -> Model {
        let times = vec![0, 5, 50, 5, 0, 45, 50, 45, 0]
            .into_iter()
            .map(Some)
            .collect();
        ModelSpec {
            jobs: vec![Job {
                deadline: Some(Deadline {
                    at: 100,
                    hard: true,
                }),
                ..Job::at(0, 10, Cost::travel(1e6))
            }],
            vehicles: vec![Vehicle::at(1, 500), Vehicle::at(2, 0)],
            matrix: Matrix::from_times(3, times, 1.0).expect("square"),
            shifts: Vec::new(),
            depot_stock: Vec::new(),
            dims: 0,
            restock_level: Vec::new(),
        }
        .build()
        .expect("valid model")
    }

    #[test]
    fn insertion_falls_back_to_far_vehicles_when_no_nearby_one_fits() {
        let model = near_one_busy();
        assert_eq!(nearby_vehicles(&model, 0, 1), vec![0]);
        let limits = InsertLimits {
            sources: usize::MAX,
            vehicles: 1,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut by_greedy = Solution::empty(&model);
        assert!(greedy(&model, &mut by_greedy, &[0], limits, 0.0, &mut rng).is_empty());
        let mut by_regret = Solution::empty(&model);
        assert!(regret(&model, &mut by_regret, &[0], limits).is_empty());
        for solution in [by_greedy, by_regret] {
            assert_eq!(solution.at[0], Some((1, 0)));
        }
    }
}
