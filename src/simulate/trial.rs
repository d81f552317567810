//! One simulated run: draw the failures of the horizon, then take them in
//! time order, each dispatched at once by the greedy rule (the cheapest
//! single insertion at the end of an engineer's day, by the `dispatch`
//! objective), with stock consumed from the depots and replenished one for
//! one after each depot's lead time. Each visit is timed by the routing
//! engine's rule (`engine::schedule::time_visit`), with engineers going home
//! between jobs when they can (`engine::features::origin::GoesHome`).

use super::BreachReason;
use super::model::SimulationModel;
use crate::calendar::{Seconds, format_instant};
use crate::dispatch::engine::Cost;
use crate::dispatch::engine::features::origin::GoesHome;
use crate::dispatch::engine::model::{Job, Supply};
use crate::dispatch::engine::schedule::{Visit, time_visit};
use crate::dispatch::problem::{DEPOTS_PER_INSERTION, depot_supplies};
use crate::scenario::{DepotIdx, EngineerIdx, PartIdx, SiteIdx};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Exp1;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What one run counted.
#[derive(Clone, Debug, Default)]
pub struct RunTally {
    pub incidents: u32,
    /// Per tier in force: failures, and those met in time.
    pub tier_incidents: Vec<u32>,
    pub tier_met: Vec<u32>,
    pub customer_incidents: Vec<u32>,
    pub customer_met: Vec<u32>,
    /// Per customer, breaches by [`BreachReason`] (its index).
    pub customer_breaches: Vec<[u32; BreachReason::ALL.len()]>,
    /// Failures whose planned source (nearest listed depot in reach) was empty.
    pub stockouts: u32,
    /// Failures no depot in reach could supply.
    pub emergency_shipments: u32,
    /// Per depot: failures it was the planned source of, and its stockouts.
    pub depot_planned: Vec<u32>,
    pub depot_stockouts: Vec<u32>,
    pub penalty_cost: f64,
    /// Per engineer: busy seconds inside the horizon, and jobs.
    pub engineer_busy: Vec<Seconds>,
    pub engineer_jobs: Vec<u32>,
    /// Failures whose deadline no calendar could give (a year not covered).
    pub unrated: u32,
    /// The first such failure, for the warning.
    pub unrated_note: Option<String>,
}

/// A failure to dispatch.
#[derive(Clone, Copy, Debug)]
struct Failure {
    opened: Seconds,
    site: SiteIdx,
    part: PartIdx,
}

/// The `dispatch` objective for one incident: breach, then lateness, then
/// travel (driving plus courier); earlier repair start breaks ties.
fn rank(visit: &Visit, deadline: Seconds) -> (bool, Seconds, Seconds, Seconds) {
    let late = (visit.start - deadline).max(0);
    (late > 0, late, visit.drive + visit.courier, visit.start)
}

/// The random stream of run `run`: ChaCha8 seeded by the seed, one stream per
/// run, so a run's failures do not depend on which thread draws them.
fn run_rng(seed: u64, run: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(run));
    rng
}

/// The failures of one run, in time order.
fn draw_failures(model: &SimulationModel, run: u32) -> Vec<Failure> {
    let mut rng = run_rng(model.options.seed, run);
    let mut failures = Vec::new();
    for stream in &model.streams {
        for &(from, to, rate) in &stream.segments {
            // Exponential gaps; restarting at a segment boundary is exact
            // because the process is memoryless.
            let mut t = from as f64;
            loop {
                let gap: f64 = rng.sample(Exp1);
                t += gap / rate;
                if t >= to as f64 {
                    break;
                }
                failures.push(Failure {
                    opened: t.floor() as Seconds,
                    site: stream.site,
                    part: stream.part,
                });
            }
        }
    }
    // Stable: failures at the same second keep stream order.
    failures.sort_by_key(|f| f.opened);
    failures
}

/// Simulates run `run`.
pub fn run(model: &SimulationModel, run: u32) -> RunTally {
    let scenario = model.scenario;
    let failures = draw_failures(model, run);
    let mut tally = RunTally {
        tier_incidents: vec![0; scenario.tiers.len()],
        tier_met: vec![0; scenario.tiers.len()],
        customer_incidents: vec![0; model.customers.len()],
        customer_met: vec![0; model.customers.len()],
        customer_breaches: vec![[0; BreachReason::ALL.len()]; model.customers.len()],
        depot_planned: vec![0; scenario.depots.len()],
        depot_stockouts: vec![0; scenario.depots.len()],
        engineer_busy: vec![0; scenario.engineers.len()],
        engineer_jobs: vec![0; scenario.engineers.len()],
        ..RunTally::default()
    };
    let mut stock = model.initial_stock.clone();
    let mut arrivals: BinaryHeap<Reverse<(Seconds, usize)>> = BinaryHeap::new();
    let mut engineers: Vec<GoesHome> = model
        .engineers
        .iter()
        .map(|e| GoesHome::idle(model.drive.depot(e.base)))
        .collect();

    for failure in failures {
        while let Some(&Reverse((at, slot))) = arrivals.peek() {
            if at > failure.opened {
                break;
            }
            arrivals.pop();
            stock[slot] += 1;
        }
        let site = &model.sites[failure.site.index()];
        let contract = site.contract_at(failure.opened);
        // A deadline in a year the contract calendar does not cover cannot
        // be rated: the failure is still served (earliest arrival), but
        // counted apart from attainment.
        let deadline = match contract.clock.deadline(failure.opened) {
            Ok(deadline) => Some(deadline),
            Err(source) => {
                if tally.unrated_note.is_none() {
                    tally.unrated_note = Some(format!(
                        "site `{}`, failure at {}: {source}",
                        scenario.site(failure.site).id,
                        format_instant(failure.opened, scenario.site(failure.site).tz)
                    ));
                }
                None
            }
        };
        let ranking_deadline = deadline.unwrap_or(failure.opened);

        // The plan's source: the nearest depot in reach that stocks the part.
        if let Some(&planned) = site
            .base
            .reach
            .iter()
            .find(|&&d| model.listed[model.slot(d, failure.part)])
        {
            tally.depot_planned[planned.index()] += 1;
            if stock[model.slot(planned, failure.part)] == 0 {
                tally.stockouts += 1;
                tally.depot_stockouts[planned.index()] += 1;
            }
        }
        let depots: Vec<DepotIdx> = contract
            .reach
            .iter()
            .copied()
            .filter(|&d| stock[model.slot(d, failure.part)] > 0)
            .take(DEPOTS_PER_INSERTION)
            .collect();
        let job = failure_job(model, &failure, &depots);

        let mut best: Option<(EngineerIdx, Visit)> = None;
        for &engineer in &model.qualified[failure.part.index()] {
            let origin = engineers[engineer.index()];
            for visit in timings(model, &job, engineer, origin) {
                if best
                    .as_ref()
                    .is_none_or(|(_, b)| rank(&visit, ranking_deadline) < rank(b, ranking_deadline))
                {
                    best = Some((engineer, visit));
                }
            }
        }

        // The part is committed when the failure is logged: from the chosen
        // depot, or the nearest in reach when no engineer can be scheduled.
        let taken = match best {
            Some((_, visit)) => job.supplies[visit.supply]
                .depot()
                .and_then(|place| model.drive.depot_at(place)),
            None => depots.first().copied(),
        };
        if let Some(depot) = taken {
            let slot = model.slot(depot, failure.part);
            stock[slot] -= 1;
            arrivals.push(Reverse((failure.opened + model.lead[depot.index()], slot)));
        } else {
            tally.emergency_shipments += 1;
        }

        if let Some((engineer, visit)) = best {
            let e = engineer.index();
            engineers[e] = engineers[e].after(
                model.drive.site(failure.site),
                visit.finish,
                visit.block_end,
            );
            let busy = visit.finish.min(model.horizon.1) - visit.depart.max(model.horizon.0);
            tally.engineer_busy[e] += busy.max(0);
            tally.engineer_jobs[e] += 1;
        }

        let Some(deadline) = deadline else {
            tally.unrated += 1;
            continue;
        };
        let tier = contract.tier.index();
        tally.incidents += 1;
        tally.tier_incidents[tier] += 1;
        tally.customer_incidents[site.customer] += 1;
        let met = best.is_some_and(|(_, v)| v.start <= deadline);
        if met {
            tally.tier_met[tier] += 1;
            tally.customer_met[site.customer] += 1;
        } else {
            let visit = best.map(|(_, v)| v);
            let reason = breach_reason(model, &failure, &job, visit, deadline);
            tally.customer_breaches[site.customer][reason as usize] += 1;
            tally.penalty_cost += scenario.tier(contract.tier).penalty;
        }
    }
    tally
}

/// Why an incident breached: the first cause that explains it.
fn breach_reason(
    model: &SimulationModel,
    failure: &Failure,
    job: &Job,
    best: Option<Visit>,
    deadline: Seconds,
) -> BreachReason {
    let Some(visit) = best else {
        return BreachReason::NoQualifiedEngineer;
    };
    let part_late = visit.part_arrive > deadline;
    let site = &model.sites[failure.site.index()];
    if part_late && site.contract_at(failure.opened).reach.is_empty() {
        return BreachReason::SiteOutOfReach;
    }
    if part_late && matches!(job.supplies[visit.supply], Supply::Delivered { .. }) {
        return BreachReason::NoStockInReach;
    }
    // Would an idle engineer, at base, have made it with the same parts?
    let idle_in_time = model.qualified[failure.part.index()].iter().any(|&e| {
        let idle = GoesHome::idle(model.drive.depot(model.engineers[e.index()].base));
        timings(model, job, e, idle).any(|v| v.start <= deadline)
    });
    if idle_in_time {
        BreachReason::EngineersBusy
    } else {
        BreachReason::NoEngineerInTime
    }
}

/// The failure as a job of the routing engine: the repair at the site, from
/// when it is logged, with the part from `depots` (collected or by courier,
/// nearest first) or, when none has it, by emergency shipment.
fn failure_job(model: &SimulationModel, failure: &Failure, depots: &[DepotIdx]) -> Job {
    let site = model.drive.site(failure.site);
    let supplies = if depots.is_empty() {
        vec![Supply::Delivered {
            arrives: failure.opened + model.emergency,
            // Visits are ranked by time (`rank`), not by the engine's cost.
            cost: 0.0,
        }]
    } else {
        depots
            .iter()
            .flat_map(|&d| {
                let slot = Some(model.slot(d, failure.part));
                let courier = model.courier(d, site);
                depot_supplies(
                    model.drive.depot(d),
                    slot,
                    model.handling,
                    failure.opened,
                    courier,
                )
            })
            .map(|(supply, _)| supply)
            .collect()
    };
    Job {
        release: failure.opened,
        supplies,
        ..Job::at(site, model.repair[failure.part.index()], Cost::default())
    }
}

/// Every way `engineer`, leaving from `origin`, can do `job`: one visit per
/// supply that fits, in the job's order of supplies.
fn timings<'m>(
    model: &'m SimulationModel,
    job: &'m Job,
    engineer: EngineerIdx,
    origin: GoesHome,
) -> impl Iterator<Item = Visit> + 'm {
    let shift = &model.shifts[model.engineers[engineer.index()].shift];
    // One job at a time: its number in the visit is 0.
    (0..job.supplies.len())
        .filter_map(move |supply| time_visit(&model.drive, job, 0, supply, Some(shift), origin))
}
