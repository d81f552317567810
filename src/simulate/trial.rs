//! One simulated run: draw the failures of the horizon, then take them in
//! time order, each dispatched at once by the greedy rule (the cheapest
//! single insertion at the end of an engineer's day, by the `dispatch`
//! objective), with stock consumed from the depots and replenished one for
//! one after each depot's lead time.

use super::BreachReason;
use super::model::{MAX_BLOCKS, SOURCES_PER_INCIDENT, SimulationModel};
use crate::calendar::{Seconds, format_instant};
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

/// Where the part comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The engineer collects it at the depot on the way.
    Pickup(DepotIdx),
    /// A courier brings it from the depot; the engineer drives directly.
    Courier(DepotIdx),
    /// From outside the network's stock, after the emergency lead time.
    Emergency,
}

/// Where and when an engineer becomes free.
#[derive(Clone, Copy, Debug)]
struct EngineerState {
    place: usize,
    free_at: Seconds,
    /// End of the duty block the last job finished in.
    block_end: Seconds,
}

impl EngineerState {
    fn idle_at(place: usize) -> Self {
        EngineerState {
            place,
            free_at: Seconds::MIN,
            block_end: Seconds::MIN,
        }
    }
}

/// The timing of one job.
#[derive(Clone, Copy, Debug)]
struct Visit {
    engineer: EngineerIdx,
    source: Source,
    depart: Seconds,
    part_arrive: Seconds,
    /// Repair start: the later of engineer and part.
    arrive: Seconds,
    finish: Seconds,
    block_end: Seconds,
    /// Driving plus courier seconds.
    travel: Seconds,
}

impl Visit {
    /// The `dispatch` objective for one incident: breach, then lateness,
    /// then travel; earlier arrival breaks ties.
    fn key(&self, deadline: Seconds) -> (bool, Seconds, Seconds, Seconds) {
        let late = (self.arrive - deadline).max(0);
        (late > 0, late, self.travel, self.arrive)
    }
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
    let mut engineers: Vec<EngineerState> = model
        .engineers
        .iter()
        .map(|e| EngineerState::idle_at(model.drive.depot(e.base)))
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
            .take(SOURCES_PER_INCIDENT)
            .collect();
        let sources: Vec<Source> = if depots.is_empty() {
            vec![Source::Emergency]
        } else {
            depots
                .iter()
                .flat_map(|&d| [Source::Pickup(d), Source::Courier(d)])
                .collect()
        };

        let mut best: Option<Visit> = None;
        for &engineer in &model.qualified[failure.part.index()] {
            let state = &engineers[engineer.index()];
            for &source in &sources {
                if let Some(visit) = schedule(model, engineer, state, &failure, source) {
                    if best
                        .as_ref()
                        .is_none_or(|b| visit.key(ranking_deadline) < b.key(ranking_deadline))
                    {
                        best = Some(visit);
                    }
                }
            }
        }

        // The part is committed when the failure is logged: from the chosen
        // depot, or the nearest in reach when no engineer can be scheduled.
        let taken = match best.map(|v| v.source) {
            Some(Source::Pickup(d) | Source::Courier(d)) => Some(d),
            Some(Source::Emergency) => None,
            None => depots.first().copied(),
        };
        if let Some(depot) = taken {
            let slot = model.slot(depot, failure.part);
            stock[slot] -= 1;
            arrivals.push(Reverse((failure.opened + model.lead[depot.index()], slot)));
        } else {
            tally.emergency_shipments += 1;
        }

        if let Some(visit) = best {
            let e = visit.engineer.index();
            engineers[e] = EngineerState {
                place: model.drive.site(failure.site),
                free_at: visit.finish,
                block_end: visit.block_end,
            };
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
        let met = best.is_some_and(|v| v.arrive <= deadline);
        if met {
            tally.tier_met[tier] += 1;
            tally.customer_met[site.customer] += 1;
        } else {
            let reason = breach_reason(model, &failure, best, deadline, &sources);
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
    best: Option<Visit>,
    deadline: Seconds,
    sources: &[Source],
) -> BreachReason {
    let Some(visit) = best else {
        return BreachReason::NoQualifiedEngineer;
    };
    let part_late = visit.part_arrive > deadline;
    let site = &model.sites[failure.site.index()];
    if part_late && site.contract_at(failure.opened).reach.is_empty() {
        return BreachReason::SiteOutOfReach;
    }
    if part_late && visit.source == Source::Emergency {
        return BreachReason::NoStockInReach;
    }
    // Would an idle engineer, at base, have made it with the same parts?
    let idle_in_time = model.qualified[failure.part.index()].iter().any(|&e| {
        let idle = EngineerState::idle_at(model.drive.depot(model.engineers[e.index()].base));
        sources.iter().any(|&source| {
            schedule(model, e, &idle, failure, source).is_some_and(|v| v.arrive <= deadline)
        })
    });
    if idle_in_time {
        BreachReason::EngineersBusy
    } else {
        BreachReason::NoEngineerInTime
    }
}

/// Times `source` for `engineer` in state `state`, with the `dispatch` rule:
/// the engineer departs while on duty and the repair finishes before the
/// duty block ends, else the job waits for the next block. An engineer
/// starts from base at a new duty block, or once there was time to drive
/// home after the last job; otherwise from the last site.
fn schedule(
    model: &SimulationModel,
    engineer: EngineerIdx,
    state: &EngineerState,
    failure: &Failure,
    source: Source,
) -> Option<Visit> {
    let drive = &model.drive;
    let site = drive.site(failure.site);
    let base = drive.depot(model.engineers[engineer.index()].base);
    let blocks = &model.shifts[model.engineers[engineer.index()].shift];
    let earliest = state.free_at.max(failure.opened);
    let repair = model.repair[failure.part.index()];
    // Part legs do not depend on the engineer's start.
    let (part_ready, courier) = match source {
        Source::Pickup(_) => (None, 0),
        Source::Courier(depot) => {
            let courier = model.courier(depot, site)?;
            (Some(failure.opened + model.handling + courier), courier)
        }
        Source::Emergency => (Some(failure.opened + model.emergency), 0),
    };
    for block in blocks.from(earliest).iter().take(MAX_BLOCKS) {
        let start = earliest.max(block.start);
        let origin = if state.place == base || block.start >= state.block_end {
            base
        } else {
            match drive.between(state.place, base) {
                Some(home) if start >= state.free_at.saturating_add(home) => base,
                _ => state.place,
            }
        };
        let (depart, engineer_arrive, part_arrive, driving) = match source {
            Source::Pickup(depot) => {
                let depot = drive.depot(depot);
                let to_depot = drive.between(origin, depot)?;
                let to_site = drive.between(depot, site)?;
                let arrive = start + to_depot + model.handling + to_site;
                (start, arrive, arrive, to_depot + to_site)
            }
            Source::Courier(_) | Source::Emergency => {
                let to_site = drive.between(origin, site)?;
                let part_arrive = part_ready.unwrap_or(start);
                // Leave no earlier than needed to meet the part.
                let depart = start.max(part_arrive - to_site);
                (depart, depart + to_site, part_arrive, to_site)
            }
        };
        let arrive = engineer_arrive.max(part_arrive);
        let finish = arrive + repair;
        if finish <= block.end {
            return Some(Visit {
                engineer,
                source,
                depart,
                part_arrive,
                arrive,
                finish,
                block_end: block.end,
                travel: driving + courier,
            });
        }
    }
    None
}
