//! The stock-to-service curve of a network: with the open depots and the
//! site-to-depot assignment of a plan held fixed, how much stock it takes to
//! meet a given share of failures in time, and what the year then costs.
//!
//! Method (marginal analysis, as in Sherbrooke's METRIC): start with no
//! stock anywhere; repeatedly add the stock increment with the most expected
//! in-time failures gained per unit of holding cost. An increment is one
//! unit where a pool's fill curve is concave (always, for the Erlang-loss
//! model); where it is not (the backorder model at low stock), the increment
//! runs to the vertex of the curve's upper concave envelope, so every step
//! has a non-increasing ratio. Every point the walk visits then maximises
//! `met - λ·holding` for some λ ≥ 0, and by Everett's generalised Lagrange
//! multiplier theorem it meets the most failures of any stock vector with
//! at most its holding cost: the points lie on the efficient frontier.
//! Between points the frontier is not drawn exactly (a straight line joins
//! them). The unit tests compare the points with brute-force enumeration.
//!
//! This is not a re-plan: the network (open depots and assignment) is the
//! plan's own. A different target could make another network cheaper.

use super::model::PlanModel;
use super::stocking::{self, Assignment, Pool};
use crate::scenario::{DepotIdx, PartIdx};
use std::collections::{BTreeMap, BinaryHeap};

/// Cost and service of one stock vector on the fixed network.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CurvePoint {
    /// Units stocked over all depots.
    pub stock_units: u64,
    /// Yearly holding cost of the stock.
    pub holding_cost: f64,
    /// Expected tier penalties per year.
    pub expected_penalty: f64,
    /// Expected emergency shipments per year, in cost.
    pub emergency_cost: f64,
    /// Fixed cost of the open depots plus the three costs above.
    pub total_cost: f64,
    /// Expected share of all failures met in time (every tier).
    pub attainment: f64,
    /// Expected share met in time per tier (scenario order).
    pub tier_attainment: Vec<f64>,
}

/// The efficient stock-to-service points of a fixed network.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ServiceCurve {
    /// Fixed cost of the open depots (the same at every point).
    pub fixed_cost: f64,
    /// The highest share any stock reaches on this network (sites no open
    /// depot reaches in time cap it).
    pub attainable: f64,
    /// From no stock to full stock, holding cost non-decreasing.
    pub points: Vec<CurvePoint>,
}

/// A fixed network and the stock pools it induces.
pub struct FixedNetwork<'m> {
    model: &'m PlanModel,
    fixed_cost: f64,
    pools: Vec<Pool>,
}

impl<'m> FixedNetwork<'m> {
    /// The network with `open` depots, each site served by its `primary`
    /// depot (`None`: unserved; its demand breaches).
    pub fn new(model: &'m PlanModel, open: &[bool], primary: Vec<Option<DepotIdx>>) -> Self {
        let backup = vec![None; primary.len()];
        let assignment = Assignment { primary, backup };
        let (pools, _) = stocking::pools(model, &assignment);
        let fixed_cost = open
            .iter()
            .enumerate()
            .filter(|(_, open)| **open)
            .map(|(d, _)| model.fixed_cost[d])
            .sum();
        FixedNetwork {
            model,
            fixed_cost,
            pools,
        }
    }

    /// The point of a given stock, `(depot, part) -> units` (absent: 0).
    /// Stock of a pair without demand on this network holds cost but meets
    /// nothing; it is counted.
    pub fn evaluate(&self, stock: &BTreeMap<(DepotIdx, PartIdx), u32>) -> CurvePoint {
        let levels: Vec<u32> = self
            .pools
            .iter()
            .map(|p| stock.get(&(p.depot, p.part)).copied().unwrap_or(0))
            .collect();
        let pooled: std::collections::BTreeSet<(DepotIdx, PartIdx)> =
            self.pools.iter().map(|p| (p.depot, p.part)).collect();
        let idle_holding: f64 = stock
            .iter()
            .filter(|(key, _)| !pooled.contains(key))
            .map(|((_, part), units)| f64::from(*units) * self.model.holding[part.index()])
            .sum();
        let idle_units: u64 = stock
            .iter()
            .filter(|(key, _)| !pooled.contains(key))
            .map(|(_, units)| u64::from(*units))
            .sum();
        let mut point = self.point(&levels);
        point.stock_units += idle_units;
        point.holding_cost += idle_holding;
        point.total_cost += idle_holding;
        point
    }

    fn point(&self, levels: &[u32]) -> CurvePoint {
        let tiers = self.model.tier_count();
        let met = stocking::attained(&self.pools, levels, tiers);
        let supplied = self
            .pools
            .iter()
            .zip(levels)
            .map(|(p, s)| p.demand * p.fill(*s))
            .sum();
        let holding_cost: f64 = self
            .pools
            .iter()
            .zip(levels)
            .map(|(p, s)| p.holding * f64::from(*s))
            .sum();
        self.point_from(
            levels.iter().map(|s| u64::from(*s)).sum(),
            holding_cost,
            &met,
            supplied,
        )
    }

    /// The point where stock meets `met` failures per year in time (per
    /// tier) and supplies `supplied` from a depot in reach.
    fn point_from(
        &self,
        stock_units: u64,
        holding_cost: f64,
        met: &[f64],
        supplied: f64,
    ) -> CurvePoint {
        let model = self.model;
        let met: Vec<f64> = met
            .iter()
            .zip(&model.floor_met)
            .map(|(m, floor)| m + floor)
            .collect();
        let breaches: Vec<f64> = (0..model.tier_count())
            .map(|k| (model.tier_demand[k] - met[k]).max(0.0))
            .collect();
        let expected_penalty: f64 = breaches
            .iter()
            .zip(&model.tier_penalties)
            .map(|(b, p)| b * p)
            .sum();
        let total_demand: f64 = model.tier_demand.iter().sum();
        let emergency_cost = (total_demand - supplied).max(0.0) * model.emergency_cost;
        CurvePoint {
            stock_units,
            holding_cost,
            expected_penalty,
            emergency_cost,
            total_cost: self.fixed_cost + holding_cost + expected_penalty + emergency_cost,
            attainment: share(met.iter().sum(), total_demand),
            tier_attainment: met
                .iter()
                .zip(&model.tier_demand)
                .map(|(m, d)| share(*m, *d))
                .collect(),
        }
    }

    /// The efficient points from no stock to the fill curves' ends.
    pub fn curve(&self) -> ServiceCurve {
        let tiers = self.model.tier_count();
        let mut levels = vec![0u32; self.pools.len()];
        let mut met = vec![0.0; tiers];
        let mut holding = 0.0;
        let mut units = 0u64;
        let mut supplied = 0.0;
        let mut points = vec![self.point_from(0, 0.0, &met, supplied)];
        let mut heap: BinaryHeap<Step> = (0..self.pools.len())
            .filter_map(|q| next_step(&self.pools[q], q, 0))
            .collect();
        while let Some(step) = heap.pop() {
            let pool = &self.pools[step.pool];
            let from = levels[step.pool];
            let gain = pool.fill(step.to) - pool.fill(from);
            for (k, demand) in pool.tier_demand.iter().enumerate() {
                met[k] += demand * gain;
            }
            supplied += pool.demand * gain;
            holding += pool.holding * f64::from(step.to - from);
            units += u64::from(step.to - from);
            levels[step.pool] = step.to;
            points.push(self.point_from(units, holding, &met, supplied));
            if let Some(next) = next_step(pool, step.pool, step.to) {
                heap.push(next);
            }
        }
        // Full stock: every pool's met demand, and what is met anyway.
        let served: f64 = self
            .pools
            .iter()
            .flat_map(|p| &p.tier_demand)
            .chain(&self.model.floor_met)
            .sum();
        let demand: f64 = self.model.tier_demand.iter().sum();
        ServiceCurve {
            fixed_cost: self.fixed_cost,
            attainable: share(served, demand),
            points,
        }
    }
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 1.0 }
}

/// The next increment of one pool: up to the level with the steepest
/// average fill gain (the next vertex of the upper concave envelope).
#[derive(Clone, Copy, Debug)]
struct Step {
    /// Expected in-time failures gained per unit of holding cost.
    ratio: f64,
    pool: usize,
    to: u32,
}

impl PartialEq for Step {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Step {}
impl PartialOrd for Step {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Step {
    // Larger ratio first; ties to the lower pool index, for determinism.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ratio
            .total_cmp(&other.ratio)
            .then(other.pool.cmp(&self.pool))
    }
}

fn next_step(pool: &Pool, q: usize, from: u32) -> Option<Step> {
    let top = (pool.curve.len() - 1) as u32;
    let base = pool.fill(from);
    let (to, slope) = (from + 1..=top)
        .map(|to| (to, (pool.fill(to) - base) / f64::from(to - from)))
        // Steepest average slope; on ties the nearer level, for finer points.
        .fold(None, |best: Option<(u32, f64)>, (to, slope)| match best {
            Some((_, s)) if s >= slope => best,
            _ => Some((to, slope)),
        })?;
    let gain_per_unit = pool.tier_demand.iter().sum::<f64>() * slope;
    if gain_per_unit <= 1e-12 {
        return None;
    }
    // A free part (zero unit cost) is worth stocking first.
    Some(Step {
        ratio: gain_per_unit / pool.holding.max(1e-12),
        pool: q,
        to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::model::{Reach, SiteModel};
    use crate::plan::stock_model::fill_curve;
    use crate::scenario::{FillModel, SiteIdx, TierIdx};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A model of `sites` sites all served by depot 0, each with one part.
    fn model(
        fill_model: FillModel,
        demands: &[(usize, f64, usize)],
        holding: Vec<f64>,
    ) -> PlanModel {
        let tiers = 2;
        let sites: Vec<SiteModel> = demands
            .iter()
            .enumerate()
            .map(|(i, (part, rate, tier))| SiteModel {
                site: SiteIdx::new(i),
                tier: TierIdx::new(*tier),
                allowed_hours: 4.0,
                reach: vec![Reach {
                    depot: DepotIdx::new(0),
                    hours: 1.0,
                }],
                fastest: None,
                demand: vec![(PartIdx::new(*part), *rate)],
                breach_cost: 100.0,
                penalty: 90.0,
                cover: vec![crate::people::Cover::PARTS_ONLY],
                shortage_price: Vec::new(),
            })
            .collect();
        let mut tier_demand = vec![0.0; tiers];
        for (_, rate, tier) in demands {
            tier_demand[*tier] += rate;
        }
        PlanModel {
            sites,
            usable: vec![DepotIdx::new(0)],
            forced_open: vec![true],
            stock_demand: tier_demand.clone(),
            floor_met: vec![0.0; tiers],
            floor_cost: 0.0,
            tier_demand,
            tier_targets: vec![0.9; tiers],
            tier_penalties: vec![90.0, 40.0],
            fixed_cost: vec![1000.0],
            lead_years: vec![0.05],
            part_count: holding.len(),
            holding,
            emergency_cost: 10.0,
            fill_model,
            max_stock: 6,
            depot_count: 1,
        }
    }

    /// Every stock vector of the pools, brute force.
    fn all_levels(pools: &[Pool]) -> Vec<Vec<u32>> {
        let mut all = vec![Vec::new()];
        for pool in pools {
            let top = (pool.curve.len() - 1) as u32;
            all = all
                .into_iter()
                .flat_map(|prefix| {
                    (0..=top).map(move |s| {
                        let mut v = prefix.clone();
                        v.push(s);
                        v
                    })
                })
                .collect();
        }
        all
    }

    #[test]
    fn every_point_is_efficient_against_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut compared = 0;
        for case in 0..40 {
            let fill_model = if case % 2 == 0 {
                FillModel::ErlangLoss
            } else {
                FillModel::Metric
            };
            let parts = rng.random_range(1..=3);
            let demands: Vec<(usize, f64, usize)> = (0..rng.random_range(1..=4))
                .map(|_| {
                    (
                        rng.random_range(0..parts),
                        rng.random_range(1.0..80.0),
                        rng.random_range(0..2),
                    )
                })
                .collect();
            let holding: Vec<f64> = (0..parts).map(|_| rng.random_range(1.0..50.0)).collect();
            let model = model(fill_model, &demands, holding);
            let network =
                FixedNetwork::new(&model, &[true], vec![Some(DepotIdx::new(0)); demands.len()]);
            let curve = network.curve();
            let vectors = all_levels(&network.pools);
            assert!(
                vectors.len() <= 400,
                "case {case}: {} vectors",
                vectors.len()
            );
            let brute: Vec<CurvePoint> = vectors.iter().map(|v| network.point(v)).collect();
            for point in &curve.points {
                let best = brute
                    .iter()
                    .filter(|b| b.holding_cost <= point.holding_cost + 1e-9)
                    .map(|b| b.attainment)
                    .fold(0.0, f64::max);
                assert!(
                    point.attainment >= best - 1e-12,
                    "case {case} ({fill_model:?}): {} at holding {} but {best} is possible",
                    point.attainment,
                    point.holding_cost
                );
                compared += 1;
            }
            // The walk ends at full stock: the most any vector attains.
            let top = brute.iter().map(|b| b.attainment).fold(0.0, f64::max);
            let last = curve.points.last().unwrap();
            assert!((last.attainment - top).abs() < 1e-12, "case {case}");
            assert!(
                curve
                    .points
                    .windows(2)
                    .all(|w| w[0].holding_cost <= w[1].holding_cost
                        && w[0].attainment <= w[1].attainment + 1e-15)
            );
        }
        assert!(compared > 100, "only {compared} points compared");
    }

    #[test]
    fn a_point_costs_what_its_parts_add_up_to() {
        let model = model(
            FillModel::ErlangLoss,
            &[(0, 20.0, 0), (0, 10.0, 1)],
            vec![5.0],
        );
        let network = FixedNetwork::new(&model, &[true], vec![Some(DepotIdx::new(0)); 2]);
        let stock = BTreeMap::from([((DepotIdx::new(0), PartIdx::new(0)), 2)]);
        let point = network.evaluate(&stock);
        // Pooled demand 30/yr x 0.05 yr lead time = load 1.5.
        let fill = fill_curve(FillModel::ErlangLoss, 1.5, 6)[2];
        assert!((point.attainment - fill).abs() < 1e-12);
        assert_eq!(point.stock_units, 2);
        assert!((point.holding_cost - 10.0).abs() < 1e-12);
        let breaches = 30.0 * (1.0 - fill);
        let penalty = (20.0 * 90.0 + 10.0 * 40.0) * (1.0 - fill);
        assert!((point.expected_penalty - penalty).abs() < 1e-9);
        assert!((point.emergency_cost - breaches * 10.0).abs() < 1e-9);
        assert!((point.total_cost - (1000.0 + 10.0 + penalty + breaches * 10.0)).abs() < 1e-9);
    }

    #[test]
    fn unserved_sites_cap_the_curve() {
        let model = model(
            FillModel::ErlangLoss,
            &[(0, 30.0, 0), (0, 10.0, 1)],
            vec![5.0],
        );
        let network = FixedNetwork::new(&model, &[true], vec![Some(DepotIdx::new(0)), None]);
        let curve = network.curve();
        assert!((curve.attainable - 0.75).abs() < 1e-12);
        assert!(curve.points.last().unwrap().attainment <= 0.75 + 1e-12);
        assert_eq!(curve.points.last().unwrap().tier_attainment[1], 0.0);
    }
}
