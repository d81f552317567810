//! The lower bound on the cost of every plan: a Lagrangian relaxation of the
//! tier targets whose remaining problem splits into independent regions,
//! each solved exactly by enumerating its open sets.
//!
//! # Why the bound is valid
//!
//! A plan chooses open candidates y and stock levels S. Its cost
//! `C(y, S)` is `fixed(y)`, plus over pools `h S + sum of items rate x c (1 - f(S))`,
//! plus over unserved items `rate x c`; it must meet `Met_k(y, S) >= R_k`
//! for every tier k. For multipliers mu >= 0,
//!
//! `C(y, S) >= C(y, S) + sum_k mu_k (R_k - Met_k(y, S)) = L(y, S; mu)`
//!
//! and since `R_k - Met_k = (R_k - D_k) + sum of tier-k items rate x (1 - f)`
//! (unserved items have f = 0), `L` is `sum_k mu_k (R_k - D_k)` plus the same
//! cost with every breach priced at `c + mu_k`. So `min over (y, S)` of `L`
//! bounds every plan: the targets are gone, and each (depot, part) pool
//! picks its own best stock level for its priced demand (the pool cost G).
//!
//! What remains couples sites only through the open set. Each site is served
//! by its fastest open depot in reach, and only the depots up to its first
//! must-open depot can ever serve it. Candidates that appear together in such
//! a list form a *region*; a region's choice decides the service of its sites
//! and nothing else, except that sites whose candidates are all closed fall
//! through to a must-open depot that other regions may also spill into. For
//! such a shared pool with fixed demand A and spills b_r from regions r, the
//! pool cost is non-decreasing in its demand (more demand never needs less
//! stock or fewer breaches), so `G(A + sum_r b_r) >= G(A + b_r)` for every r,
//! and any convex combination `sum_r theta_r G(A + b_r)` (theta >= 0,
//! sum 1) is below it too. With that split the minimum is a sum of
//! independent minima, one per region, each found exactly by enumerating
//! its 2^n open subsets. Every (mu, theta) thus gives a valid bound; an ascent
//! on mu (Polyak steps) and theta (exponentiated steps) tightens it and the
//! best value seen is kept.
//!
//! All costs are non-negative (the loader enforces it), which the weak bound
//! of a region too large to enumerate relies on: see `Region::enumerable`.

use super::model::PlanModel;
use super::stock_model::fill_rate;
use crate::scenario::FillModel;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// A region is enumerated when its open subsets times its items stay below
/// this; larger regions fall back to a weak bound (see [`Region::enumerable`]).
const REGION_WORK_LIMIT: f64 = 4e7;
/// Most candidates in one enumerated region (2^20 open subsets).
const REGION_CANDIDATE_LIMIT: usize = 20;
/// Ascent iterations at most.
const MAX_ITERATIONS: usize = 400;
/// Iterations without improvement before the step is halved.
const PATIENCE: usize = 4;

/// The bound and how it was reached.
#[derive(Clone, Debug)]
pub struct LagrangianBound {
    /// A valid lower bound on the yearly cost of any plan.
    pub lower_bound: f64,
    /// Tier multipliers (cost per failure) at the best bound.
    pub multipliers: Vec<f64>,
    /// Relaxations evaluated.
    pub evaluations: usize,
    /// False when some region was too large to enumerate and its cost was
    /// bounded weakly.
    pub every_region_exact: bool,
}

/// The least yearly cost of one pool, priced demand `weight` (sum of rate x
/// priced breach cost) and offered load `load`: min over stock levels of
/// holding plus priced breaches. Returns the cost, the stock and its fill.
fn pool_cost(
    holding: f64,
    weight: f64,
    load: f64,
    fill_model: FillModel,
    max_stock: u32,
) -> (f64, u32, f64) {
    let mut best = (weight, 0, 0.0);
    if weight <= 0.0 {
        return (0.0, 0, 0.0);
    }
    let mut blocking = 1.0;
    for stock in 1..=max_stock {
        let holding_cost = holding * f64::from(stock);
        // Every larger stock costs at least its holding: nothing beyond helps.
        if holding_cost >= best.0 {
            break;
        }
        let fill = match fill_model {
            // The same recurrence as `erlang_b`, carried from one level to the next.
            FillModel::ErlangLoss => {
                blocking = load * blocking / (f64::from(stock) + load * blocking);
                1.0 - blocking
            }
            FillModel::Metric => fill_rate(fill_model, stock, load),
        };
        let cost = holding_cost + weight * (1.0 - fill);
        if cost < best.0 {
            best = (cost, stock, fill);
        }
    }
    best
}

/// One site's demand as a region sees it.
#[derive(Clone, Debug)]
struct RegionSite {
    tier: usize,
    /// Per item: failures per year (the pool's load), failures met per unit
    /// of fill, and cost avoided per unit of fill.
    rates: Vec<f64>,
    mets: Vec<f64>,
    costs: Vec<f64>,
    /// The region's candidate bits, fastest first.
    order: Vec<u8>,
    /// Per option (each candidate of `order`, then the fall-back) the local
    /// pool of each item; the fall-back's is empty when no must-open depot
    /// is in reach (the site is then unserved).
    targets: Vec<Vec<u32>>,
}

/// A pool a region's sites can be assigned to.
#[derive(Clone, Copy, Debug)]
struct LocalPool {
    holding: f64,
    lead_years: f64,
    /// The must-open pool it spills into, if it is one, and the region's
    /// position among that pool's spills.
    forced: Option<(usize, usize)>,
}

#[derive(Clone, Debug)]
struct Region {
    /// Depot index of each candidate bit.
    candidates: Vec<usize>,
    fixed_cost: Vec<f64>,
    sites: Vec<RegionSite>,
    pools: Vec<LocalPool>,
    /// Whether its 2^n open subsets are enumerated. If not, its part of the
    /// bound is only what its spill pools cost without its spill,
    /// `sum theta G(A)`: every other term is non-negative.
    enumerable: bool,
}

/// A pool at a must-open depot: demand of the sites no candidate can take
/// (`A`), plus what regions spill into it.
#[derive(Clone, Debug)]
struct ForcedPool {
    holding: f64,
    lead_years: f64,
    rate: f64,
    breach_weight: f64,
    tier_rates: Vec<f64>,
    /// (region, local pool) of each region spilling into it.
    spills: Vec<(usize, usize)>,
}

/// Priced demand already in a local pool before the region adds its own,
/// and the pool's share theta.
#[derive(Clone, Copy, Debug, Default)]
struct PoolBase {
    rate: f64,
    weight: f64,
    share: f64,
}

/// The decomposed relaxation.
struct Relaxation<'a> {
    model: &'a PlanModel,
    required: &'a [f64],
    regions: Vec<Region>,
    forced_pools: Vec<ForcedPool>,
    /// Forced fixed costs.
    forced_fixed: f64,
    /// Demand no usable depot reaches: per tier (rate, rate x breach cost).
    unreachable: Vec<(f64, f64)>,
}

/// What one evaluation of the relaxation gives.
struct Evaluation {
    value: f64,
    /// Supergradient in mu: R_k - Met_k at the minimiser.
    tier_gradient: Vec<f64>,
    /// Per forced pool, the value G(A + b_r) of each spilling region.
    spill_values: Vec<Vec<f64>>,
    /// The minimiser's open candidates.
    open: Vec<bool>,
}

/// The minimum of one region and what the ascent needs from it.
struct RegionOutcome {
    cost: f64,
    /// Open state of each candidate bit.
    open: Vec<bool>,
    tier_breaches: Vec<f64>,
    /// (forced pool, position among its spills, G(A + b_r)).
    spill_values: Vec<(usize, usize, f64)>,
}

impl<'a> Relaxation<'a> {
    fn build(model: &'a PlanModel, required: &'a [f64]) -> Self {
        let tiers = model.tier_count();
        let forced = &model.forced_open;
        // Regions: candidates sharing a site's list of possible servers.
        let mut parent: Vec<usize> = (0..model.depot_count).collect();
        for site in &model.sites {
            let candidates: Vec<usize> = site
                .possible_servers(forced)
                .iter()
                .map(|r| r.depot.index())
                .filter(|d| !forced[*d])
                .collect();
            for pair in candidates.windows(2) {
                let (a, b) = (find(&mut parent, pair[0]), find(&mut parent, pair[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut region_of_root: BTreeMap<usize, usize> = BTreeMap::new();
        let mut regions: Vec<Region> = Vec::new();
        let mut region_of = vec![usize::MAX; model.depot_count];
        let mut bit_of = vec![0u8; model.depot_count];
        for site in &model.sites {
            for reach in site.possible_servers(forced) {
                let d = reach.depot.index();
                if forced[d] || region_of[d] != usize::MAX {
                    continue;
                }
                let root = find(&mut parent, d);
                let r = *region_of_root.entry(root).or_insert_with(|| {
                    regions.push(Region {
                        candidates: Vec::new(),
                        fixed_cost: Vec::new(),
                        sites: Vec::new(),
                        pools: Vec::new(),
                        enumerable: true,
                    });
                    regions.len() - 1
                });
                region_of[d] = r;
                // Bits beyond 63 only occur in regions too large to enumerate.
                bit_of[d] = regions[r].candidates.len().min(63) as u8;
                regions[r].candidates.push(d);
                regions[r].fixed_cost.push(model.fixed_cost[d]);
            }
        }
        let mut forced_pools: Vec<ForcedPool> = Vec::new();
        let mut forced_pool_of: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut forced_pool = |depot: usize, part: usize, pools: &mut Vec<ForcedPool>| {
            *forced_pool_of.entry((depot, part)).or_insert_with(|| {
                pools.push(ForcedPool {
                    holding: model.holding[part],
                    lead_years: model.lead_years[depot],
                    rate: 0.0,
                    breach_weight: 0.0,
                    tier_rates: vec![0.0; tiers],
                    spills: Vec::new(),
                });
                pools.len() - 1
            })
        };
        let mut local_of: Vec<BTreeMap<(usize, usize), u32>> = vec![BTreeMap::new(); regions.len()];
        let mut unreachable = vec![(0.0, 0.0); tiers];
        for site in &model.sites {
            if site.total_demand() <= 0.0 {
                continue;
            }
            let tier = site.tier.index();
            let servers = site.possible_servers(forced);
            let fall_back = servers
                .last()
                .map(|r| r.depot.index())
                .filter(|d| forced[*d]);
            let candidates: Vec<usize> = servers
                .iter()
                .map(|r| r.depot.index())
                .filter(|d| !forced[*d])
                .collect();
            let Some(first) = candidates.first() else {
                match fall_back {
                    Some(depot) => {
                        for (item, (part, rate)) in site.demand.iter().enumerate() {
                            let q = forced_pool(depot, part.index(), &mut forced_pools);
                            let pool = &mut forced_pools[q];
                            pool.rate += rate;
                            pool.breach_weight += site.stock_cost(item);
                            pool.tier_rates[tier] += site.stock_met(item);
                        }
                    }
                    None => {
                        for item in 0..site.demand.len() {
                            unreachable[tier].0 += site.stock_met(item);
                            unreachable[tier].1 += site.stock_cost(item);
                        }
                    }
                }
                continue;
            };
            let r = region_of[*first];
            let region = &mut regions[r];
            let mut targets = Vec::with_capacity(candidates.len() + 1);
            for depot in &candidates {
                targets.push(
                    site.demand
                        .iter()
                        .map(|(part, _)| {
                            let next = region.pools.len() as u32;
                            *local_of[r]
                                .entry((*depot, part.index()))
                                .or_insert_with(|| {
                                    region.pools.push(LocalPool {
                                        holding: model.holding[part.index()],
                                        lead_years: model.lead_years[*depot],
                                        forced: None,
                                    });
                                    next
                                })
                        })
                        .collect(),
                );
            }
            targets.push(match fall_back {
                None => Vec::new(),
                Some(depot) => site
                    .demand
                    .iter()
                    .map(|(part, _)| {
                        let q = forced_pool(depot, part.index(), &mut forced_pools);
                        let next = region.pools.len() as u32;
                        *local_of[r].entry((depot, part.index())).or_insert_with(|| {
                            let position = forced_pools[q].spills.len();
                            forced_pools[q].spills.push((r, next as usize));
                            region.pools.push(LocalPool {
                                holding: model.holding[part.index()],
                                lead_years: model.lead_years[depot],
                                forced: Some((q, position)),
                            });
                            next
                        })
                    })
                    .collect(),
            });
            region.sites.push(RegionSite {
                tier,
                rates: site.demand.iter().map(|(_, rate)| *rate).collect(),
                mets: (0..site.demand.len()).map(|i| site.stock_met(i)).collect(),
                costs: (0..site.demand.len()).map(|i| site.stock_cost(i)).collect(),
                order: candidates.iter().map(|d| bit_of[*d]).collect(),
                targets,
            });
        }
        for region in &mut regions {
            let items: usize = region.sites.iter().map(|s| s.rates.len()).sum();
            let configurations = 2f64.powi(region.candidates.len() as i32);
            region.enumerable = region.candidates.len() <= REGION_CANDIDATE_LIMIT
                && configurations * (items.max(1) as f64) <= REGION_WORK_LIMIT;
        }
        let forced_fixed = model
            .usable
            .iter()
            .filter(|d| forced[d.index()])
            .map(|d| model.fixed_cost[d.index()])
            .sum();
        Relaxation {
            model,
            required,
            regions,
            forced_pools,
            forced_fixed,
            unreachable,
        }
    }

    /// The bound at multipliers `mu` and spill shares `shares` (per forced
    /// pool, one per spilling region, summing to 1). `None` if the deadline
    /// passed during the evaluation.
    fn evaluate(&self, mu: &[f64], shares: &[Vec<f64>], deadline: Instant) -> Option<Evaluation> {
        let model = self.model;
        let tiers = model.tier_count();
        // Breaches no stock can avoid are in every plan.
        let mut value: f64 = self.forced_fixed + model.floor_cost;
        let mut tier_gradient = vec![0.0; tiers];
        for k in 0..tiers {
            value += mu[k] * (self.required[k] - model.stock_demand[k]);
            tier_gradient[k] += self.required[k] - model.stock_demand[k];
            let (rate, breach) = self.unreachable[k];
            value += breach + mu[k] * rate;
            tier_gradient[k] += rate;
        }
        // Priced demand already in each forced pool.
        let forced_weight: Vec<f64> = self
            .forced_pools
            .iter()
            .map(|pool| {
                pool.breach_weight
                    + pool
                        .tier_rates
                        .iter()
                        .zip(mu)
                        .map(|(rate, m)| rate * m)
                        .sum::<f64>()
            })
            .collect();
        for (pool, weight) in self.forced_pools.iter().zip(&forced_weight) {
            if !pool.spills.is_empty() {
                continue;
            }
            let load = pool.rate * pool.lead_years;
            let (cost, _, fill) = pool_cost(
                pool.holding,
                *weight,
                load,
                model.fill_model,
                model.max_stock,
            );
            value += cost;
            for (gradient, rate) in tier_gradient.iter_mut().zip(&pool.tier_rates) {
                *gradient += rate * (1.0 - fill);
            }
        }
        let outcomes: Vec<Option<RegionOutcome>> = self
            .regions
            .par_iter()
            .map(|region| {
                let bases: Vec<PoolBase> = region
                    .pools
                    .iter()
                    .map(|pool| match pool.forced {
                        None => PoolBase {
                            share: 1.0,
                            ..PoolBase::default()
                        },
                        Some((q, position)) => PoolBase {
                            rate: self.forced_pools[q].rate,
                            weight: forced_weight[q],
                            share: shares[q][position],
                        },
                    })
                    .collect();
                self.solve_region(region, mu, &bases, deadline)
            })
            .collect();
        let mut open = model.forced_open.clone();
        let mut spill_values: Vec<Vec<f64>> = self
            .forced_pools
            .iter()
            .map(|p| vec![0.0; p.spills.len()])
            .collect();
        for (region, outcome) in self.regions.iter().zip(outcomes) {
            let outcome = outcome?;
            value += outcome.cost;
            for (gradient, breaches) in tier_gradient.iter_mut().zip(&outcome.tier_breaches) {
                *gradient += breaches;
            }
            for (q, position, g) in outcome.spill_values {
                spill_values[q][position] = g;
            }
            for (depot, is_open) in region.candidates.iter().zip(&outcome.open) {
                open[*depot] = *is_open;
            }
        }
        Some(Evaluation {
            value,
            tier_gradient,
            spill_values,
            open,
        })
    }

    /// The region's least relaxed cost over its open subsets.
    fn solve_region(
        &self,
        region: &Region,
        mu: &[f64],
        bases: &[PoolBase],
        deadline: Instant,
    ) -> Option<RegionOutcome> {
        // Each item's cost avoided per unit of fill, its met demand priced at
        // the tier's multiplier.
        let priced: Vec<Vec<f64>> = region
            .sites
            .iter()
            .map(|s| {
                s.costs
                    .iter()
                    .zip(&s.mets)
                    .map(|(cost, met)| cost + mu[s.tier] * met)
                    .collect()
            })
            .collect();
        if !region.enumerable {
            // All open for the primal's sake; the bound counts only the spill
            // pools without spill, which every open set pays at least.
            let mut outcome = self.region_details(region, bases, &priced, None);
            outcome.open = vec![true; region.candidates.len()];
            return Some(outcome);
        }
        let mut rate = vec![0.0; region.pools.len()];
        let mut weight = vec![0.0; region.pools.len()];
        let mut best = (f64::INFINITY, 0u64);
        for mask in 0..(1u64 << region.candidates.len()) {
            if mask % 256 == 255 && Instant::now() >= deadline {
                return None;
            }
            let cost =
                self.configuration_cost(region, mask, bases, &priced, &mut rate, &mut weight);
            if cost < best.0 {
                best = (cost, mask);
            }
        }
        let mut outcome = self.region_details(region, bases, &priced, Some(best.1));
        outcome.open = (0..region.candidates.len())
            .map(|bit| best.1 & (1 << bit) != 0)
            .collect();
        Some(outcome)
    }

    /// Relaxed cost of one open subset of a region.
    fn configuration_cost(
        &self,
        region: &Region,
        mask: u64,
        bases: &[PoolBase],
        priced: &[Vec<f64>],
        rate: &mut [f64],
        weight: &mut [f64],
    ) -> f64 {
        rate.fill(0.0);
        weight.fill(0.0);
        let mut cost: f64 = region
            .fixed_cost
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, c)| c)
            .sum();
        for (site, price) in region.sites.iter().zip(priced) {
            let option = site
                .order
                .iter()
                .position(|bit| mask & (1 << bit) != 0)
                .unwrap_or(site.order.len());
            let targets = &site.targets[option];
            if targets.is_empty() {
                cost += price.iter().sum::<f64>();
                continue;
            }
            for ((item_rate, item_price), pool) in site.rates.iter().zip(price).zip(targets) {
                rate[*pool as usize] += item_rate;
                weight[*pool as usize] += item_price;
            }
        }
        let model = self.model;
        for (q, pool) in region.pools.iter().enumerate() {
            let base = bases[q];
            if base.share <= 0.0 || (rate[q] <= 0.0 && pool.forced.is_none()) {
                continue;
            }
            let total = base.rate + rate[q];
            let (pool_cost, _, _) = pool_cost(
                pool.holding,
                base.weight + weight[q],
                total * pool.lead_years,
                model.fill_model,
                model.max_stock,
            );
            cost += base.share * pool_cost;
        }
        cost
    }

    /// The cost of one open subset with what the ascent needs: breaches by
    /// tier and the spill pools' values. `mask` `None`: the weak bound of a
    /// region too large to enumerate.
    fn region_details(
        &self,
        region: &Region,
        bases: &[PoolBase],
        priced: &[Vec<f64>],
        mask: Option<u64>,
    ) -> RegionOutcome {
        let model = self.model;
        let tiers = model.tier_count();
        let pools = region.pools.len();
        let mut rate = vec![0.0; pools];
        let mut weight = vec![0.0; pools];
        let mut tier_rates = vec![0.0; pools * tiers];
        let mut tier_breaches = vec![0.0; tiers];
        let mut cost = 0.0;
        if let Some(mask) = mask {
            cost += region
                .fixed_cost
                .iter()
                .enumerate()
                .filter(|(bit, _)| mask & (1 << bit) != 0)
                .map(|(_, c)| c)
                .sum::<f64>();
            for (site, price) in region.sites.iter().zip(priced) {
                let option = site
                    .order
                    .iter()
                    .position(|bit| mask & (1 << bit) != 0)
                    .unwrap_or(site.order.len());
                let targets = &site.targets[option];
                if targets.is_empty() {
                    cost += price.iter().sum::<f64>();
                    tier_breaches[site.tier] += site.mets.iter().sum::<f64>();
                    continue;
                }
                for (item, pool) in targets.iter().enumerate() {
                    let q = *pool as usize;
                    rate[q] += site.rates[item];
                    weight[q] += price[item];
                    tier_rates[q * tiers + site.tier] += site.mets[item];
                }
            }
        }
        let mut spill_values = Vec::new();
        for (q, pool) in region.pools.iter().enumerate() {
            let base = bases[q];
            if rate[q] <= 0.0 && pool.forced.is_none() {
                continue;
            }
            let total = base.rate + rate[q];
            let (pool_cost, _, fill) = pool_cost(
                pool.holding,
                base.weight + weight[q],
                total * pool.lead_years,
                model.fill_model,
                model.max_stock,
            );
            cost += base.share * pool_cost;
            let forced_tiers = pool.forced.map(|(f, _)| &self.forced_pools[f].tier_rates);
            for k in 0..tiers {
                let in_pool = tier_rates[q * tiers + k] + forced_tiers.map_or(0.0, |t| t[k]);
                tier_breaches[k] += base.share * in_pool * (1.0 - fill);
            }
            if let Some((f, position)) = pool.forced {
                spill_values.push((f, position, pool_cost));
            }
        }
        RegionOutcome {
            cost,
            open: Vec::new(),
            tier_breaches,
            spill_values,
        }
    }
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Maximises the relaxation over tier multipliers and spill shares until
/// `deadline`, the iteration cap, or until the bound is within `stop_gap` of
/// the best plan `upper` has seen. `upper` is shown each new minimiser's open
/// set and returns that plan's cost (a Lagrangian heuristic: the minimisers
/// are good open sets).
pub fn lagrangian_bound(
    model: &PlanModel,
    required: &[f64],
    deadline: Instant,
    stop_gap: f64,
    mut upper: impl FnMut(&[bool]) -> Option<f64>,
) -> LagrangianBound {
    let relaxation = Relaxation::build(model, required);
    let tiers = model.tier_count();
    let mut mu = vec![0.0; tiers];
    let mut shares: Vec<Vec<f64>> = relaxation
        .forced_pools
        .iter()
        .map(|p| vec![1.0 / p.spills.len().max(1) as f64; p.spills.len()])
        .collect();
    let mut result = LagrangianBound {
        lower_bound: f64::NEG_INFINITY,
        multipliers: mu.clone(),
        evaluations: 0,
        every_region_exact: relaxation.regions.iter().all(|r| r.enumerable),
    };
    let mut best_plan = f64::INFINITY;
    let mut seen: BTreeSet<Vec<bool>> = BTreeSet::new();
    let mut step = 1.0;
    let mut since_improvement = 0;
    for _ in 0..MAX_ITERATIONS {
        if Instant::now() >= deadline {
            break;
        }
        let Some(evaluation) = relaxation.evaluate(&mu, &shares, deadline) else {
            break;
        };
        result.evaluations += 1;
        tracing::debug!(
            "relaxation {}: {:.0} at mu {:?}, step {step}",
            result.evaluations,
            evaluation.value,
            mu
        );
        if evaluation.value > result.lower_bound + 1e-9 * evaluation.value.abs() {
            result.lower_bound = evaluation.value;
            result.multipliers = mu.clone();
            since_improvement = 0;
        } else {
            since_improvement += 1;
            if since_improvement >= PATIENCE {
                step /= 2.0;
                since_improvement = 0;
            }
        }
        if seen.insert(evaluation.open.clone()) {
            if let Some(cost) = upper(&evaluation.open) {
                tracing::debug!("minimiser's open set costs {cost:.0}");
                best_plan = best_plan.min(cost);
            }
        }
        if best_plan.is_finite() && best_plan - result.lower_bound <= stop_gap * best_plan {
            break;
        }
        if step < 1e-3 {
            break;
        }
        // Polyak step towards the best plan's cost (or 5% above the value
        // before any plan is known), on the projected supergradient.
        let target = if best_plan.is_finite() {
            best_plan
        } else {
            evaluation.value.abs() * 1.05 + 1.0
        };
        let gradient: Vec<f64> = (0..tiers)
            .map(|k| {
                let g = evaluation.tier_gradient[k];
                if mu[k] <= 0.0 && g < 0.0 { 0.0 } else { g }
            })
            .collect();
        let norm: f64 = gradient.iter().map(|g| g * g).sum();
        if norm > 0.0 {
            let length = step * (target - evaluation.value).max(0.0) / norm;
            for k in 0..tiers {
                mu[k] = (mu[k] + length * gradient[k]).max(0.0);
            }
        }
        // Exponentiated step on each shared pool's shares, towards the
        // regions whose spill costs most there.
        for (share, values) in shares.iter_mut().zip(&evaluation.spill_values) {
            if share.len() < 2 {
                continue;
            }
            let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            if high - low <= 1e-12 * high.abs().max(1.0) {
                continue;
            }
            for (s, v) in share.iter_mut().zip(values) {
                *s *= (2.0 * step * (v - high) / (high - low)).exp();
            }
            let total: f64 = share.iter().sum();
            for s in share.iter_mut() {
                *s /= total;
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_demand_never_makes_a_pool_cheaper() {
        // The shared-pool split rests on G being non-decreasing in demand:
        // adding rate r with breach price c adds r to the rate and r x c to
        // the priced weight.
        for fill_model in [FillModel::ErlangLoss, FillModel::Metric] {
            for holding in [50.0, 1200.0, 40_000.0] {
                for lead in [0.005, 0.02, 0.1] {
                    for step in 1..=400 {
                        let rate = 0.05 * f64::from(step);
                        let price = if step % 3 == 0 { 23_000.0 } else { 8_000.0 };
                        let weight = rate * price;
                        let (cost, _, _) = pool_cost(holding, weight, rate * lead, fill_model, 30);
                        let (with_more, _, _) = pool_cost(
                            holding,
                            weight + 0.05 * 8_000.0,
                            (rate + 0.05) * lead,
                            fill_model,
                            30,
                        );
                        assert!(with_more >= cost - 1e-9 * cost, "{fill_model:?} {rate}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_pool_cost_is_the_least_over_stock_levels() {
        for fill_model in [FillModel::ErlangLoss, FillModel::Metric] {
            for (holding, weight, load) in [
                (100.0, 5000.0, 0.3),
                (2500.0, 800.0, 0.05),
                (10.0, 1e5, 4.0),
            ] {
                let (cost, stock, fill) = pool_cost(holding, weight, load, fill_model, 30);
                let brute = (0..=30u32)
                    .map(|s| {
                        holding * f64::from(s) + weight * (1.0 - fill_rate(fill_model, s, load))
                    })
                    .fold(f64::INFINITY, f64::min);
                assert!((cost - brute).abs() <= 1e-9 * brute, "{cost} vs {brute}");
                assert!((fill - fill_rate(fill_model, stock, load)).abs() < 1e-12);
            }
        }
    }
}
