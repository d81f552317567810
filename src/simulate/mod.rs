//! Monte Carlo simulation of a stocking plan in service: failures drawn
//! over the horizon, each dispatched with the rules of `dispatch`, stock
//! consumed and replenished, SLA deadlines from the calendar engine. Many
//! independent runs give realised attainment with confidence intervals, to
//! set against what the plan promised. See docs/simulate.md.
//!
//! Runs are independent and run in parallel; run `r` draws from its own
//! random stream of the seed, and results are combined in run order, so the
//! output depends on the seed only, never on the thread count.

mod model;
pub mod plan_dir;
pub mod stats;
mod trial;

pub use model::YEAR_SECS;
pub use plan_dir::{PlanDir, Promise};
pub use stats::{Estimate, mean, mean_share, share, t_quantile_975, wilson};

use crate::calendar::CalendarError;
use crate::scenario::{DepotIdx, EngineerIdx, Scenario, StockLevel, TierIdx};
use crate::travel::TravelTimes;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use trial::RunTally;

/// Settings of a simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimulateOptions {
    /// Days simulated from the scenario's start date.
    pub days: u32,
    /// Independent runs.
    pub runs: u32,
    pub seed: u64,
    /// Hours from a failure until an emergency shipment is on site.
    pub emergency_hours: f64,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            days: 365,
            runs: 200,
            seed: 0,
            emergency_hours: 24.0,
        }
    }
}

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error(
        "scenario.toml has no start_date: the simulation starts there (add e.g. `start_date = 2026-01-01`)"
    )]
    NoStartDate,
    #[error("contract or shift calendar: {0}")]
    Calendar(#[from] CalendarError),
}

/// Why an incident missed its deadline, the first cause that explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachReason {
    /// No depot reaches the site within the contract; the part came by
    /// emergency shipment, too late.
    SiteOutOfReach,
    /// Depots in reach had run out; the emergency shipment came too late.
    NoStockInReach,
    /// No qualified engineer could fit travel and repair into a shift.
    NoQualifiedEngineer,
    /// An idle engineer would have made it; all qualified ones were busy.
    EngineersBusy,
    /// Not even an idle engineer, starting from base, could be on site in
    /// time: distance or shift hours.
    NoEngineerInTime,
}

impl BreachReason {
    pub const ALL: [BreachReason; 5] = [
        BreachReason::SiteOutOfReach,
        BreachReason::NoStockInReach,
        BreachReason::NoQualifiedEngineer,
        BreachReason::EngineersBusy,
        BreachReason::NoEngineerInTime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BreachReason::SiteOutOfReach => "site_out_of_reach",
            BreachReason::NoStockInReach => "no_stock_in_reach",
            BreachReason::NoQualifiedEngineer => "no_qualified_engineer",
            BreachReason::EngineersBusy => "engineers_busy",
            BreachReason::NoEngineerInTime => "no_engineer_in_time",
        }
    }
}

/// Realised service of one tier (incidents count under the tier in force
/// when they were logged).
#[derive(Clone, Debug)]
pub struct TierResult {
    pub tier: TierIdx,
    /// Failures per run.
    pub incidents: Estimate,
    /// Share met in time; `None` if no run had an incident.
    pub attainment: Option<Estimate>,
    /// Breaches per run.
    pub breaches: Estimate,
}

/// Realised service of one customer: the service report.
#[derive(Clone, Debug)]
pub struct CustomerResult {
    pub customer: String,
    pub sites: usize,
    /// Base tiers of the customer's sites.
    pub tiers: Vec<TierIdx>,
    pub incidents: Estimate,
    pub attainment: Option<Estimate>,
    pub breaches: Estimate,
    /// Breaches per run by reason, in [`BreachReason::ALL`] order.
    pub reasons: Vec<(BreachReason, Estimate)>,
}

/// Stockouts at one depot as the plan's source.
#[derive(Clone, Debug)]
pub struct DepotResult {
    pub depot: DepotIdx,
    /// Failures per run it was the planned source of.
    pub demands: Estimate,
    pub stockouts: Estimate,
    /// Share of those demands it had stock for.
    pub fill_rate: Option<Estimate>,
}

/// Workload of one engineer.
#[derive(Clone, Debug)]
pub struct EngineerResult {
    pub engineer: EngineerIdx,
    pub duty_hours: f64,
    pub jobs: Estimate,
    /// Busy time (from departure to repair end) over duty time.
    pub utilisation: Option<Estimate>,
}

/// The result of a simulation.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub options: SimulateOptions,
    pub start_date: NaiveDate,
    /// Failures per run with a deadline (rated).
    pub incidents: Estimate,
    /// Failures per run whose deadline falls in a year a contract calendar
    /// does not cover: served, but left out of attainment.
    pub unrated: Estimate,
    /// The first unrated failure and why, for the warning.
    pub unrated_note: Option<String>,
    /// Share of all rated incidents met in time.
    pub attainment: Option<Estimate>,
    pub tiers: Vec<TierResult>,
    pub customers: Vec<CustomerResult>,
    /// Share of failures whose planned source had stock.
    pub fill_rate: Option<Estimate>,
    /// Failures per run whose planned source was out of stock.
    pub stockouts: Estimate,
    /// Failures per run no depot in reach could supply.
    pub emergency_shipments: Estimate,
    /// Per run.
    pub emergency_cost: Estimate,
    pub penalty_cost: Estimate,
    pub depots: Vec<DepotResult>,
    pub engineers: Vec<EngineerResult>,
    /// Mean utilisation over engineers with duty time.
    pub utilisation: Option<Estimate>,
}

/// Simulates `options.runs` independent runs of serving `scenario` from
/// `stock`. `travel` holds the scenario's travel times.
pub fn simulate(
    scenario: &Scenario,
    travel: &TravelTimes,
    stock: &[StockLevel],
    options: SimulateOptions,
) -> Result<Simulation, SimulateError> {
    simulate_observed(scenario, travel, stock, options, &|| {})
}

/// [`simulate`], calling `run_done` after each run (from whichever thread
/// ran it), so a caller can show progress; the simulation never draws any.
pub fn simulate_observed(
    scenario: &Scenario,
    travel: &TravelTimes,
    stock: &[StockLevel],
    options: SimulateOptions,
    run_done: &(dyn Fn() + Sync),
) -> Result<Simulation, SimulateError> {
    let model = model::SimulationModel::build(scenario, travel, stock, options)?;
    let start_date = scenario.start_date.ok_or(SimulateError::NoStartDate)?;
    // Collected in run order, whatever thread ran which run.
    let tallies: Vec<RunTally> = (0..options.runs)
        .into_par_iter()
        .map(|run| {
            let tally = trial::run(&model, run);
            run_done();
            tally
        })
        .collect();
    Ok(summarise(&model, start_date, &tallies))
}

fn counts(tallies: &[RunTally], value: impl Fn(&RunTally) -> f64) -> Vec<f64> {
    tallies.iter().map(value).collect()
}

fn summarise(
    model: &model::SimulationModel,
    start_date: NaiveDate,
    tallies: &[RunTally],
) -> Simulation {
    let scenario = model.scenario;
    let incidents = counts(tallies, |t| f64::from(t.incidents));
    let met = counts(tallies, |t| t.tier_met.iter().map(|m| f64::from(*m)).sum());
    let tiers = scenario
        .tier_indices()
        .map(|k| {
            let n = counts(tallies, |t| f64::from(t.tier_incidents[k.index()]));
            let m = counts(tallies, |t| f64::from(t.tier_met[k.index()]));
            let breaches: Vec<f64> = n.iter().zip(&m).map(|(n, m)| n - m).collect();
            TierResult {
                tier: k,
                incidents: stats::mean(&n),
                attainment: stats::share(&m, &n),
                breaches: stats::mean(&breaches),
            }
        })
        .collect();
    let customers = model
        .customers
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let n = counts(tallies, |t| f64::from(t.customer_incidents[c]));
            let m = counts(tallies, |t| f64::from(t.customer_met[c]));
            let breaches: Vec<f64> = n.iter().zip(&m).map(|(n, m)| n - m).collect();
            let mut tiers: Vec<TierIdx> = Vec::new();
            let mut sites = 0;
            for (s, site) in model.sites.iter().enumerate() {
                if site.customer == c {
                    sites += 1;
                    let tier = scenario.sites[s].tier;
                    if !tiers.contains(&tier) {
                        tiers.push(tier);
                    }
                }
            }
            CustomerResult {
                customer: name.clone(),
                sites,
                tiers,
                incidents: stats::mean(&n),
                attainment: stats::share(&m, &n),
                breaches: stats::mean(&breaches),
                reasons: BreachReason::ALL
                    .iter()
                    .map(|&r| {
                        let per_run =
                            counts(tallies, |t| f64::from(t.customer_breaches[c][r as usize]));
                        (r, stats::mean(&per_run))
                    })
                    .collect(),
            }
        })
        .collect();
    let planned = counts(tallies, |t| {
        t.depot_planned.iter().map(|v| f64::from(*v)).sum()
    });
    let stockouts = counts(tallies, |t| f64::from(t.stockouts));
    let filled: Vec<f64> = planned.iter().zip(&stockouts).map(|(p, s)| p - s).collect();
    let depots = scenario
        .depot_indices()
        .filter(|d| tallies.iter().any(|t| t.depot_planned[d.index()] > 0))
        .map(|d| {
            let demands = counts(tallies, |t| f64::from(t.depot_planned[d.index()]));
            let outs = counts(tallies, |t| f64::from(t.depot_stockouts[d.index()]));
            let filled: Vec<f64> = demands.iter().zip(&outs).map(|(p, s)| p - s).collect();
            DepotResult {
                depot: d,
                demands: stats::mean(&demands),
                stockouts: stats::mean(&outs),
                fill_rate: stats::share(&filled, &demands),
            }
        })
        .collect();
    let engineers: Vec<EngineerResult> = scenario
        .engineer_indices()
        .map(|e| {
            let duty = model.engineers[e.index()].duty;
            let busy = counts(tallies, |t| t.engineer_busy[e.index()] as f64);
            let duties = vec![duty as f64; tallies.len()];
            EngineerResult {
                engineer: e,
                duty_hours: duty as f64 / 3600.0,
                jobs: stats::mean(&counts(tallies, |t| f64::from(t.engineer_jobs[e.index()]))),
                utilisation: stats::share(&busy, &duties),
            }
        })
        .collect();
    let utilisation_per_run: Vec<f64> = tallies
        .iter()
        .map(|t| {
            let shares: Vec<f64> = model
                .engineers
                .iter()
                .zip(&t.engineer_busy)
                .filter(|(e, _)| e.duty > 0)
                .map(|(e, busy)| *busy as f64 / e.duty as f64)
                .collect();
            shares.iter().sum::<f64>() / shares.len().max(1) as f64
        })
        .collect();
    let emergency = counts(tallies, |t| f64::from(t.emergency_shipments));
    let emergency_cost: Vec<f64> = emergency
        .iter()
        .map(|n| n * scenario.costs.emergency_shipment_cost)
        .collect();
    Simulation {
        options: model.options,
        start_date,
        incidents: stats::mean(&incidents),
        unrated: stats::mean(&counts(tallies, |t| f64::from(t.unrated))),
        unrated_note: tallies.iter().find_map(|t| t.unrated_note.clone()),
        attainment: stats::share(&met, &incidents),
        tiers,
        customers,
        fill_rate: stats::share(&filled, &planned),
        stockouts: stats::mean(&stockouts),
        emergency_shipments: stats::mean(&emergency),
        emergency_cost: stats::mean(&emergency_cost),
        penalty_cost: stats::mean(&counts(tallies, |t| t.penalty_cost)),
        depots,
        engineers,
        utilisation: model
            .engineers
            .iter()
            .any(|e| e.duty > 0)
            .then(|| stats::mean_share(&utilisation_per_run)),
    }
}
