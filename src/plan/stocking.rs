//! Stock levels for a fixed set of open depots.
//!
//! Every site is served by its fastest open depot that reaches it in time
//! (the rule dispatch follows); a depot's demand for a part is the pooled
//! demand of the sites it serves. The stock level of each (depot, part) pool
//! is then chosen by greedy marginal analysis and, where the model is small
//! enough, proven optimal by a MILP over unit increments.

use super::model::PlanModel;
use super::stock_model::fill_curve;
use crate::milp::{self, Backend, Column, Limits, Milp, MilpError, MilpStatus, Row};
use crate::scenario::{DepotIdx, PartIdx};
use std::collections::{BTreeMap, BinaryHeap};

/// Which depot serves each site, and the next one in reach.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// Per site: the fastest open depot reaching it in time.
    pub primary: Vec<Option<DepotIdx>>,
    /// Per site: the second fastest, for lateral transshipment.
    pub backup: Vec<Option<DepotIdx>>,
}

/// Assigns each site to its fastest open depot in reach.
pub fn assign(model: &PlanModel, open: &[bool]) -> Assignment {
    let mut primary = Vec::with_capacity(model.sites.len());
    let mut backup = Vec::with_capacity(model.sites.len());
    for site in &model.sites {
        let mut in_reach = site.reach.iter().filter(|r| open[r.depot.index()]);
        primary.push(in_reach.next().map(|r| r.depot));
        backup.push(in_reach.next().map(|r| r.depot));
    }
    Assignment { primary, backup }
}

/// The pooled demand of one part at one depot.
#[derive(Clone, Debug)]
pub struct Pool {
    pub depot: DepotIdx,
    pub part: PartIdx,
    /// Failures per year.
    pub demand: f64,
    /// Per tier, failures per year met per unit of fill rate (the demand
    /// when people are not modelled; less where no engineer is in time).
    pub tier_demand: Vec<f64>,
    /// Cost per year avoided per unit of fill rate: breaches and emergency
    /// shipments (sum of demand x breach cost when people are not modelled).
    pub breach_weight: f64,
    /// Holding cost of one unit per year.
    pub holding: f64,
    /// Fill rate by stock level, from 0 up to where it reaches 1 or the cap.
    pub curve: Vec<f64>,
}

impl Pool {
    /// Yearly holding plus breach cost at a stock level.
    pub fn cost(&self, stock: u32) -> f64 {
        self.holding * f64::from(stock) + self.breach_weight * (1.0 - self.fill(stock))
    }

    pub fn fill(&self, stock: u32) -> f64 {
        self.curve[(stock as usize).min(self.curve.len() - 1)]
    }

    fn max_stock(&self) -> u32 {
        (self.curve.len() - 1) as u32
    }

    /// The stock level of least cost, ignoring service targets.
    fn cheapest(&self) -> u32 {
        (0..=self.max_stock())
            .min_by(|a, b| self.cost(*a).total_cmp(&self.cost(*b)))
            .unwrap_or(0)
    }
}

/// Demand no open depot reaches in time: no stock can serve it.
#[derive(Clone, Debug, Default)]
pub struct Unserved {
    /// Failures per year by tier.
    pub tier_demand: Vec<f64>,
    /// What stock in reach would have saved (`SiteModel::stock_cost`).
    pub breach_cost: f64,
}

/// Pools of an assignment, ordered by depot then part.
pub fn pools(model: &PlanModel, assignment: &Assignment) -> (Vec<Pool>, Unserved) {
    let tiers = model.tier_count();
    let mut by_key: BTreeMap<(usize, usize), Pool> = BTreeMap::new();
    let mut unserved = Unserved {
        tier_demand: vec![0.0; tiers],
        breach_cost: 0.0,
    };
    for (site, depot) in model.sites.iter().zip(&assignment.primary) {
        for (item, (part, rate)) in site.demand.iter().enumerate() {
            let Some(depot) = depot else {
                unserved.tier_demand[site.tier.index()] += rate;
                unserved.breach_cost += site.stock_cost(item);
                continue;
            };
            let pool = by_key
                .entry((depot.index(), part.index()))
                .or_insert_with(|| Pool {
                    depot: *depot,
                    part: *part,
                    demand: 0.0,
                    tier_demand: vec![0.0; tiers],
                    breach_weight: 0.0,
                    holding: model.holding[part.index()],
                    curve: Vec::new(),
                });
            pool.demand += rate;
            pool.tier_demand[site.tier.index()] += site.stock_met(item);
            pool.breach_weight += site.stock_cost(item);
        }
    }
    let mut pools: Vec<Pool> = by_key.into_values().collect();
    for pool in &mut pools {
        let load = pool.demand * model.lead_years[pool.depot.index()];
        pool.curve = fill_curve(model.fill_model, load, model.max_stock);
    }
    (pools, unserved)
}

/// Expected demand met in time per tier thanks to stock, failures per year
/// (add `PlanModel::floor_met` for all that is met).
pub fn attained(pools: &[Pool], stock: &[u32], tiers: usize) -> Vec<f64> {
    let mut met = vec![0.0; tiers];
    for (pool, level) in pools.iter().zip(stock) {
        let fill = pool.fill(*level);
        for (k, demand) in pool.tier_demand.iter().enumerate() {
            met[k] += demand * fill;
        }
    }
    met
}

/// Greedy marginal analysis: start every pool at its cheapest level, then
/// add the unit with the most deficient-tier demand served per unit of extra
/// cost until every tier meets its requirement, then drop units no longer
/// needed. `None` if the requirements cannot be met.
pub fn greedy(pools: &[Pool], required: &[f64]) -> Option<Vec<u32>> {
    let tiers = required.len();
    let mut stock: Vec<u32> = pools.iter().map(Pool::cheapest).collect();
    let mut met = attained(pools, &stock, tiers);
    loop {
        let deficient: Vec<bool> = met
            .iter()
            .zip(required)
            .map(|(m, r)| *m < r - 1e-9)
            .collect();
        if !deficient.contains(&true) {
            break;
        }
        // The best unit stays best until its pool grows or a tier is met,
        // so a heap rebuilt only when the deficient tiers change suffices.
        let mut heap: BinaryHeap<Ratio> = pools
            .iter()
            .enumerate()
            .filter_map(|(q, pool)| ratio(pool, q, stock[q], &deficient))
            .collect();
        loop {
            let best = heap.pop()?;
            let q = best.pool;
            let pool = &pools[q];
            let gain = pool.fill(stock[q] + 1) - pool.fill(stock[q]);
            stock[q] += 1;
            for (k, demand) in pool.tier_demand.iter().enumerate() {
                met[k] += demand * gain;
            }
            let still: Vec<bool> = met
                .iter()
                .zip(required)
                .map(|(m, r)| *m < r - 1e-9)
                .collect();
            if still != deficient {
                break;
            }
            if let Some(next) = ratio(pool, q, stock[q], &deficient) {
                heap.push(next);
            }
        }
    }
    drop_unneeded(pools, required, &mut stock, &mut met);
    Some(stock)
}

/// Deficient-tier demand served per unit of extra cost by one more unit.
#[derive(Clone, Copy, Debug)]
struct Ratio {
    value: f64,
    pool: usize,
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ratio {
    // Larger ratio first; ties to the lower pool index, for determinism.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value
            .total_cmp(&other.value)
            .then(other.pool.cmp(&self.pool))
    }
}

fn ratio(pool: &Pool, q: usize, stock: u32, deficient: &[bool]) -> Option<Ratio> {
    if stock >= pool.max_stock() {
        return None;
    }
    let gain = pool.fill(stock + 1) - pool.fill(stock);
    let served: f64 = pool
        .tier_demand
        .iter()
        .zip(deficient)
        .filter(|(_, d)| **d)
        .map(|(demand, _)| demand * gain)
        .sum();
    let extra = (pool.cost(stock + 1) - pool.cost(stock)).max(1e-9);
    (served > 1e-15).then_some(Ratio {
        value: served / extra,
        pool: q,
    })
}

/// Removes units whose removal saves cost and keeps every tier's requirement.
fn drop_unneeded(pools: &[Pool], required: &[f64], stock: &mut [u32], met: &mut [f64]) {
    let mut order: Vec<usize> = (0..pools.len()).collect();
    order.sort_by(|a, b| {
        pools[*b]
            .holding
            .total_cmp(&pools[*a].holding)
            .then(a.cmp(b))
    });
    for q in order {
        let pool = &pools[q];
        while stock[q] > 0 && pool.cost(stock[q] - 1) < pool.cost(stock[q]) {
            let loss = pool.fill(stock[q]) - pool.fill(stock[q] - 1);
            let keeps = pool
                .tier_demand
                .iter()
                .zip(met.iter())
                .zip(required)
                .all(|((demand, m), r)| *demand == 0.0 || m - demand * loss >= r - 1e-9);
            if !keeps {
                break;
            }
            stock[q] -= 1;
            for (k, demand) in pool.tier_demand.iter().enumerate() {
                met[k] -= demand * loss;
            }
        }
    }
}

/// Columns above which the exact stock model is not attempted.
pub const EXACT_COLUMN_LIMIT: usize = 40_000;

/// The exact stock levels: a MILP with one binary per unit increment,
/// increments taken in order. Fill rates are concave in stock for the Erlang
/// model, so the LP relaxation is nearly integral.
pub fn exact(
    pools: &[Pool],
    required: &[f64],
    backend: Backend,
    limits: Limits,
) -> Result<ExactStock, MilpError> {
    let mut model = Milp::default();
    let mut tier_rows: Vec<Row> = required.iter().map(|r| Row::at_least(*r)).collect();
    let mut columns_of_pool = Vec::with_capacity(pools.len());
    for pool in pools {
        model.offset += pool.breach_weight;
        let mut previous: Option<usize> = None;
        let mut columns = Vec::new();
        for level in 1..=pool.max_stock() {
            let gain = pool.fill(level) - pool.fill(level - 1);
            let column = model.add_column(Column {
                lower: 0.0,
                upper: 1.0,
                integer: true,
                cost: pool.holding - pool.breach_weight * gain,
            });
            for (k, demand) in pool.tier_demand.iter().enumerate() {
                if *demand > 0.0 && gain > 0.0 {
                    tier_rows[k].terms.push((column, demand * gain));
                }
            }
            if let Some(previous) = previous {
                model.add_row(Row {
                    terms: vec![(column, 1.0), (previous, -1.0)],
                    lower: None,
                    upper: Some(0.0),
                });
            }
            previous = Some(column);
            columns.push(column);
        }
        columns_of_pool.push(columns);
    }
    for row in tier_rows {
        if row.lower.is_some_and(|r| r > 0.0) {
            model.add_row(row);
        }
    }
    let solution = milp::solve(&model, backend, limits)?;
    let stock = columns_of_pool
        .iter()
        .map(|columns| {
            columns
                .iter()
                .filter(|c| solution.values[**c] > 0.5)
                .count() as u32
        })
        .collect();
    Ok(ExactStock {
        stock,
        status: solution.status,
        recovery: solution.recovery,
    })
}

/// The stock levels [`exact`] found, with how the solve ended.
#[derive(Clone, Debug)]
pub struct ExactStock {
    pub stock: Vec<u32>,
    pub status: MilpStatus,
    /// What the solver's fallback chain needed, if anything (see [`milp::solve`]).
    pub recovery: Option<String>,
}

/// Number of columns [`exact`] would create.
pub fn exact_size(pools: &[Pool]) -> usize {
    pools.iter().map(|p| p.max_stock() as usize).sum()
}
