//! Regret insertion: repeatedly insert the incident whose best option is
//! most ahead of its second best (on another engineer), at its best
//! position, depot and mode. Used for the construction and by every
//! recreate step of the large neighbourhood search.

use super::problem::{DEPOTS_PER_INSERTION, Problem};
use super::schedule::{Cost, Free, Job, Mode, Visit, schedule_from, schedule_job, total};
use super::solution::Solution;
use crate::scenario::EngineerIdx;
use std::cmp::Ordering;

/// The best way found to put one incident into one route.
#[derive(Clone, Debug)]
pub struct Insertion {
    pub engineer: EngineerIdx,
    pub position: usize,
    pub delta: Cost,
    /// The new visit followed by the rescheduled tail of the route.
    pub visits: Vec<Visit>,
}

/// Depots with stock left to try for an incident, nearest first.
fn depots_with_stock(problem: &Problem, solution: &Solution, incident: usize) -> Vec<Job> {
    let mut jobs = Vec::new();
    for &depot in &problem.depots[incident] {
        if solution.stock[problem.stock_slot(depot, incident)] == 0 {
            continue;
        }
        for mode in Mode::ALL {
            jobs.push(Job {
                incident,
                depot,
                mode,
            });
        }
        if jobs.len() >= 2 * DEPOTS_PER_INSERTION {
            break;
        }
    }
    jobs
}

/// The cheapest feasible insertion of `incident` into `engineer`'s route.
pub fn best_insertion(
    problem: &Problem,
    solution: &Solution,
    incident: usize,
    engineer: EngineerIdx,
) -> Option<Insertion> {
    let jobs = depots_with_stock(problem, solution, incident);
    if jobs.is_empty() {
        return None;
    }
    let route = &solution.routes[engineer.index()];
    let mut best: Option<Insertion> = None;
    for position in 0..=route.len() {
        let free = solution.free_before(problem, engineer, position);
        let options: Vec<Visit> = jobs
            .iter()
            .filter_map(|&job| schedule_job(problem, engineer, free, job))
            .collect();
        let tail: Vec<Job> = route[position..].iter().map(|v| v.job).collect();
        let old_tail = total(&route[position..]);
        for visit in promising(&options, !tail.is_empty()) {
            let after = Free {
                place: problem.site_place[incident],
                at: visit.finish,
            };
            let Some(new_tail) = schedule_from(problem, engineer, after, &tail) else {
                continue;
            };
            let delta = visit.cost.plus(total(&new_tail)).minus(old_tail);
            if best.as_ref().is_none_or(|b| delta.is_better(&b.delta)) {
                let mut visits = vec![visit];
                visits.extend(new_tail);
                best = Some(Insertion {
                    engineer,
                    position,
                    delta,
                    visits,
                });
            }
        }
    }
    best
}

/// The options worth scheduling the tail for: the cheapest job and, when a
/// tail follows, the one finishing first (it delays the tail least).
fn promising(options: &[Visit], has_tail: bool) -> Vec<Visit> {
    let mut chosen = Vec::new();
    if let Some(cheapest) = options.iter().min_by(|a, b| a.cost.lex_cmp(&b.cost)) {
        chosen.push(*cheapest);
    }
    if has_tail
        && let Some(first) = options.iter().min_by_key(|v| v.finish)
        && chosen.first().is_none_or(|c| c.finish != first.finish)
    {
        chosen.push(*first);
    }
    chosen
}

/// Cached best insertion per candidate engineer of one pending incident.
struct Pending {
    incident: usize,
    options: Vec<Option<Insertion>>,
    dirty: Vec<bool>,
    /// Whether any of `dirty` is set.
    any_dirty: bool,
    /// Cheapest and second-cheapest deltas of the clean options.
    two_cheapest: Option<(Cost, Option<Cost>)>,
}

/// Inserts `pending` incidents by regret until none fits; returns those left.
pub fn recreate(problem: &Problem, solution: &mut Solution, pending: &[usize]) -> Vec<usize> {
    let mut order = pending.to_vec();
    order.sort_by_key(|&i| (problem.deadline[i], i));
    let mut entries: Vec<Pending> = order
        .into_iter()
        .map(|incident| {
            let n = problem.candidates[incident].len();
            Pending {
                incident,
                options: vec![None; n],
                dirty: vec![true; n],
                any_dirty: true,
                two_cheapest: None,
            }
        })
        .collect();
    while !entries.is_empty() {
        refresh(problem, solution, &mut entries);
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
        let job = chosen.visits[0].job;
        solution.insert(problem, chosen.engineer, chosen.position, chosen.visits);
        let slot = problem.stock_slot(job.depot, job.incident);
        let stock_out = solution.stock[slot] == 0;
        invalidate(
            problem,
            &mut entries,
            chosen.engineer,
            stock_out.then_some(job),
        );
    }
    solution.recompute_cost(problem);
    entries.into_iter().map(|e| e.incident).collect()
}

fn refresh(problem: &Problem, solution: &Solution, entries: &mut [Pending]) {
    for entry in entries.iter_mut().filter(|e| e.any_dirty) {
        for (k, &engineer) in problem.candidates[entry.incident].iter().enumerate() {
            if entry.dirty[k] {
                entry.options[k] = best_insertion(problem, solution, entry.incident, engineer);
                entry.dirty[k] = false;
            }
        }
        entry.any_dirty = false;
        entry.two_cheapest = two_cheapest(entry);
    }
}

/// Marks options stale after an insertion into `engineer`'s route, and
/// options using a depot whose last unit of a part was just taken.
fn invalidate(
    problem: &Problem,
    entries: &mut [Pending],
    engineer: EngineerIdx,
    stock_out: Option<Job>,
) {
    for entry in entries.iter_mut() {
        let candidates = &problem.candidates[entry.incident];
        if let Ok(k) = candidates.binary_search(&engineer) {
            entry.dirty[k] = true;
            entry.any_dirty = true;
        }
        let Some(taken) = stock_out else { continue };
        let part = problem.incidents[taken.incident].part;
        if problem.incidents[entry.incident].part != part {
            continue;
        }
        for (k, option) in entry.options.iter().enumerate() {
            if option
                .as_ref()
                .is_some_and(|o| o.visits[0].job.depot == taken.depot)
            {
                entry.dirty[k] = true;
                entry.any_dirty = true;
            }
        }
    }
}

/// Index of the entry with the largest regret (second best minus best);
/// an incident with a single option goes first. `None` if none fits.
fn pick_by_regret(entries: &[Pending]) -> Option<usize> {
    let mut best: Option<(usize, Cost, Cost)> = None;
    for (index, entry) in entries.iter().enumerate() {
        let Some((first, second)) = entry.two_cheapest else {
            continue;
        };
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

/// The cheapest and second-cheapest insertion deltas of an entry, in one
/// pass (this runs for every pending incident at every insertion).
fn two_cheapest(entry: &Pending) -> Option<(Cost, Option<Cost>)> {
    let mut first: Option<Cost> = None;
    let mut second: Option<Cost> = None;
    for delta in entry.options.iter().flatten().map(|o| o.delta) {
        match first {
            Some(f) if !delta.is_better(&f) => {
                if second.is_none_or(|s| delta.is_better(&s)) {
                    second = Some(delta);
                }
            }
            _ => {
                second = first;
                first = Some(delta);
            }
        }
    }
    first.map(|f| (f, second))
}
