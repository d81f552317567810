//! Lateral sourcing: a failure takes its part from the nearest open depot in
//! reach that has one, so when the primary depot is out a backup depot in
//! reach still serves it in time, as `simulate` and `dispatch` do.
//!
//! Method (the overflow approximation of partial pooling, as in Wong, van
//! Houtum, Cattrysse and Van Oudheusden, 2006, and Kranenburg and van
//! Houtum, 2009): every depot's stock of a part is an Erlang-loss (or
//! METRIC) pool whose offered load is its own demand plus the demand that
//! overflows to it from the depots tried before it, each stock-out assumed
//! independent of the others. A failure is then served from stock unless
//! every depot it may try is out: `1 - Π (1 - fill)`. The loads depend on
//! the fills and the fills on the loads, so both are iterated to a fixed
//! point (a handful of rounds: overflow is a small share of any load).
//!
//! Simulation checks the approximation (tests/plan_lateral.rs).

use super::model::PlanModel;
use super::stock_model::fill_rate;
use crate::scenario::{DepotIdx, PartIdx};
use std::collections::BTreeMap;

/// Depots with stock a failure may take its part from, nearest first: the
/// number `simulate` and `dispatch` try (their `DEPOTS_PER_INSERTION`; a
/// test keeps the two equal).
pub const SOURCES_TRIED: usize = 4;

/// Fixed-point rounds at most; the change in any fill rate is below
/// [`CONVERGED`] long before in practice.
const MAX_ROUNDS: usize = 100;
const CONVERGED: f64 = 1e-10;

/// What a stock vector delivers with lateral sourcing, per year.
#[derive(Clone, Debug, PartialEq)]
pub struct LateralService {
    /// Per tier, failures met thanks to stock (the part in reach and an
    /// engineer in time; add `PlanModel::floor_met` for all that is met).
    pub met: Vec<f64>,
    /// Failures no depot in reach could serve from stock: emergency
    /// shipments.
    pub emergencies: f64,
    /// Per tier, failures per year that found no stock in reach.
    pub unfilled: Vec<f64>,
    /// Fill rate of every stocked (depot, part), overflow included.
    pub fill: BTreeMap<(DepotIdx, PartIdx), f64>,
    /// Per site and demand item (`SiteModel::demand` order), the share of
    /// failures some depot in reach serves from stock.
    pub available: Vec<Vec<f64>>,
}

/// The yearly costs of a stock vector with lateral sourcing (engineers
/// apart).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LateralCosts {
    pub fixed: f64,
    pub holding: f64,
    pub penalty: f64,
    pub emergency: f64,
}

impl LateralCosts {
    pub fn total(&self) -> f64 {
        self.fixed + self.holding + self.penalty + self.emergency
    }
}

impl LateralService {
    /// Per tier, failures per year met in time (stock or not).
    pub fn tier_met(&self, model: &PlanModel) -> Vec<f64> {
        self.met
            .iter()
            .zip(&model.floor_met)
            .map(|(met, floor)| met + floor)
            .collect()
    }

    /// Per tier, failures per year not met in time, whichever half (part or
    /// engineer) was late.
    pub fn tier_breaches(&self, model: &PlanModel) -> Vec<f64> {
        self.tier_met(model)
            .iter()
            .zip(&model.tier_demand)
            .map(|(met, demand)| (demand - met).max(0.0))
            .collect()
    }

    /// The yearly costs of `stock` on the `open` depots, as evaluated.
    pub fn costs(
        &self,
        model: &PlanModel,
        open: &[bool],
        stock: &BTreeMap<(DepotIdx, PartIdx), u32>,
    ) -> LateralCosts {
        LateralCosts {
            fixed: model
                .usable
                .iter()
                .filter(|d| open[d.index()])
                .map(|d| model.fixed_cost[d.index()])
                .sum(),
            holding: stock
                .iter()
                .map(|((_, part), units)| f64::from(*units) * model.holding[part.index()])
                .sum(),
            penalty: self
                .tier_breaches(model)
                .iter()
                .zip(&model.tier_penalties)
                .map(|(breaches, penalty)| breaches * penalty)
                .sum(),
            emergency: self.emergencies * model.emergency_cost,
        }
    }
}

/// One failure stream: a site's demand for one part and the stocked depots
/// it tries, nearest first.
struct Stream {
    site: usize,
    sources: Vec<usize>,
    rate: f64,
    tier: usize,
    stock_met: f64,
}

/// Evaluates `stock` (`(depot, part) -> units`; absent: none) on the
/// network of `open` depots with lateral sourcing.
pub fn evaluate(
    model: &PlanModel,
    open: &[bool],
    stock: &BTreeMap<(DepotIdx, PartIdx), u32>,
) -> LateralService {
    let slots: Vec<((DepotIdx, PartIdx), u32)> = stock
        .iter()
        .filter(|((depot, _), units)| **units > 0 && open[depot.index()])
        .map(|(key, units)| (*key, *units))
        .collect();
    let slot_of: BTreeMap<(DepotIdx, PartIdx), usize> = slots
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (*key, i))
        .collect();
    let streams = streams(model, open, &slot_of);
    let fills = fixed_point(model, &slots, &streams);
    let tiers = model.tier_count();
    let mut service = LateralService {
        met: vec![0.0; tiers],
        emergencies: 0.0,
        unfilled: vec![0.0; tiers],
        fill: slots
            .iter()
            .zip(&fills)
            .map(|((key, _), fill)| (*key, *fill))
            .collect(),
        available: model
            .sites
            .iter()
            .map(|site| Vec::with_capacity(site.demand.len()))
            .collect(),
    };
    for stream in &streams {
        let out = all_out(&stream.sources, &fills);
        service.met[stream.tier] += stream.stock_met * (1.0 - out);
        service.unfilled[stream.tier] += stream.rate * out;
        service.emergencies += stream.rate * out;
        service.available[stream.site].push(1.0 - out);
    }
    service
}

fn streams(
    model: &PlanModel,
    open: &[bool],
    slot_of: &BTreeMap<(DepotIdx, PartIdx), usize>,
) -> Vec<Stream> {
    let mut streams = Vec::new();
    for (index, site) in model.sites.iter().enumerate() {
        for (item, (part, rate)) in site.demand.iter().enumerate() {
            let sources = site
                .reach
                .iter()
                .filter(|r| open[r.depot.index()])
                .filter_map(|r| slot_of.get(&(r.depot, *part)).copied())
                .take(SOURCES_TRIED)
                .collect();
            streams.push(Stream {
                site: index,
                sources,
                rate: *rate,
                tier: site.tier.index(),
                stock_met: site.stock_met(item),
            });
        }
    }
    streams
}

/// Probability that every source is out of stock (independent stock-outs).
fn all_out(sources: &[usize], fills: &[f64]) -> f64 {
    sources.iter().map(|s| 1.0 - fills[*s]).product()
}

/// Fill rates of the slots with overflow loads, iterated to a fixed point
/// from the loads without overflow.
fn fixed_point(
    model: &PlanModel,
    slots: &[((DepotIdx, PartIdx), u32)],
    streams: &[Stream],
) -> Vec<f64> {
    // Full fills: the first round's loads are the primary depots' own.
    let mut fills = vec![1.0; slots.len()];
    for _ in 0..MAX_ROUNDS {
        let mut load = vec![0.0; slots.len()];
        for stream in streams {
            let mut reaching = stream.rate;
            for source in &stream.sources {
                load[*source] += reaching;
                reaching *= 1.0 - fills[*source];
            }
        }
        let next: Vec<f64> = slots
            .iter()
            .zip(&load)
            .map(|(((depot, _), units), load)| {
                fill_rate(
                    model.fill_model,
                    *units,
                    load * model.lead_years[depot.index()],
                )
            })
            .collect();
        let change = next
            .iter()
            .zip(&fills)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        fills = next;
        if change < CONVERGED {
            break;
        }
    }
    fills
}
