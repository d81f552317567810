//! A fast search over open sets for large networks, where one plan (every
//! pool re-stocked by greedy marginal analysis) costs as much as a second.
//!
//! With the tier targets priced by multipliers mu >= 0, an open set's stock
//! problem splits into one problem per (depot, part) pool:
//! `min_S h S + W B(S, L R)` with `W` the priced breach weight of the items it
//! serves, plus the priced weight of every item no open depot serves. That
//! priced cost is kept up to date while depots open and close: a move only
//! touches the items whose server changes and the pools they leave and join,
//! so it costs about a thousandth of a plan. Local search (open, close, swap
//! a neighbouring pair) and random large moves run on the priced cost; each
//! new local optimum is then planned in full by the caller, and mu is fitted
//! again to the best open set (the least mu at which the pools, stocked at
//! their priced optimum, meet every target).

use super::model::PlanModel;
use super::stock_model::fill_rate;
use crate::scenario::FillModel;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// No server: the item goes unserved.
const UNSERVED: u32 = u32::MAX;
/// Closed depots a swap may open for each open one: those sharing the most
/// demand items with it.
const SWAP_NEIGHBOURS: usize = 12;
/// Random large moves in a row without a better plan before the search stops.
const KICKS_WITHOUT_IMPROVEMENT: usize = 60;
/// Seed of the random large moves (fixed: same input, same moves).
const KICK_SEED: u64 = 23;
/// Bisection steps per tier multiplier when fitting mu.
const FIT_STEPS: usize = 40;
/// The fill the descent counts on at most when it checks that the served
/// demand can meet a tier's requirement (stock is bounded, so fill stays
/// below 1).
const ATTAINABLE_FILL: f64 = 0.999;
/// Priced cost per failure a year of requirement the served demand cannot
/// meet: more than any saving a move could bring.
const SHORTFALL_PENALTY: f64 = 1e9;
/// Descents (each followed by a refit of mu) from one start at most.
const START_ROUNDS: usize = 6;
/// Relative improvement a move must bring (rounding in the running sums).
const MIN_IMPROVEMENT: f64 = 1e-9;

/// What planning a local optimum gave.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Planned {
    /// Planned before.
    Seen,
    /// No stock meets the targets with this open set.
    Infeasible,
    /// Planned now; `better` if it beats the best so far.
    New { better: bool },
}

/// One demand item (a site's failures of one part).
struct Item {
    rate: f64,
    /// Cost avoided per unit of fill (`SiteModel::stock_cost`).
    cost: f64,
    /// Failures met per unit of fill (`SiteModel::stock_met`).
    met: f64,
    tier: usize,
    /// Its options (possible servers), fastest first, in [`Search::options`].
    options: std::ops::Range<usize>,
}

#[derive(Clone, Copy)]
struct Option_ {
    item: u32,
    depot: u32,
    pool: u32,
}

/// The priced open-set search and its current state.
pub(super) struct PricedSearch<'a> {
    model: &'a PlanModel,
    items: Vec<Item>,
    options: Vec<Option_>,
    /// Per pool: depot, holding per unit.
    pool_depot: Vec<usize>,
    pool_holding: Vec<f64>,
    /// Per depot, its options.
    depot_options: Vec<Vec<u32>>,
    /// Per candidate depot, the closed depots a swap may open, most shared first.
    neighbours: BTreeMap<usize, Vec<usize>>,
    candidates: Vec<usize>,
    mu: Vec<f64>,
    // The state: open depots, each item's server (its option's position,
    // or UNSERVED), each pool's demand, breach cost and met demand per tier.
    open: Vec<bool>,
    position: Vec<u32>,
    pool_rate: Vec<f64>,
    pool_cost_weight: Vec<f64>,
    pool_met: Vec<f64>,
    pool_priced: Vec<f64>,
    total: f64,
    /// Per tier, the failures of the items some open depot serves: the
    /// most stock could meet. The descent keeps it above `required`.
    served_met: Vec<f64>,
    required: Vec<f64>,
    touched: Vec<bool>,
    touched_list: Vec<usize>,
}

impl<'a> PricedSearch<'a> {
    pub(super) fn new(model: &'a PlanModel) -> Self {
        let forced = &model.forced_open;
        let mut items = Vec::new();
        let mut options = Vec::new();
        let mut pool_of: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut pool_depot = Vec::new();
        let mut pool_holding = Vec::new();
        for site in &model.sites {
            let servers = site.possible_servers(forced);
            for (index, (part, rate)) in site.demand.iter().enumerate() {
                let item = items.len();
                let first = options.len();
                for reach in servers {
                    let depot = reach.depot.index();
                    let pool = *pool_of.entry((depot, part.index())).or_insert_with(|| {
                        pool_depot.push(depot);
                        pool_holding.push(model.holding[part.index()]);
                        pool_depot.len() - 1
                    });
                    options.push(Option_ {
                        item: item as u32,
                        depot: depot as u32,
                        pool: pool as u32,
                    });
                }
                items.push(Item {
                    rate: *rate,
                    cost: site.stock_cost(index),
                    met: site.stock_met(index),
                    tier: site.tier.index(),
                    options: first..options.len(),
                });
            }
        }
        let mut depot_options = vec![Vec::new(); model.depot_count];
        for (o, option) in options.iter().enumerate() {
            depot_options[option.depot as usize].push(o as u32);
        }
        let candidates: Vec<usize> = model.candidates().iter().map(|d| d.index()).collect();
        let neighbours = neighbours(model, &items, &options, &candidates);
        let pools = pool_depot.len();
        let tiers = model.tier_count();
        let mut search = PricedSearch {
            model,
            items,
            options,
            pool_depot,
            pool_holding,
            depot_options,
            neighbours,
            candidates,
            mu: vec![0.0; tiers],
            open: model.forced_open.clone(),
            position: Vec::new(),
            pool_rate: vec![0.0; pools],
            pool_cost_weight: vec![0.0; pools],
            pool_met: vec![0.0; pools * tiers],
            pool_priced: vec![0.0; pools],
            total: 0.0,
            served_met: vec![0.0; tiers],
            required: Vec::new(),
            touched: vec![false; pools],
            touched_list: Vec::new(),
        };
        let open = search.open.clone();
        search.reset(&open);
        search
    }

    /// Sets the state to `open`, every sum recomputed.
    fn reset(&mut self, open: &[bool]) {
        let tiers = self.mu.len();
        self.open = open.to_vec();
        self.pool_rate.fill(0.0);
        self.pool_cost_weight.fill(0.0);
        self.pool_met.fill(0.0);
        self.position = vec![UNSERVED; self.items.len()];
        self.served_met.fill(0.0);
        for (i, item) in self.items.iter().enumerate() {
            let served = self.options[item.options.clone()]
                .iter()
                .position(|o| open[o.depot as usize]);
            if let Some(position) = served {
                let q = self.options[item.options.start + position].pool as usize;
                self.position[i] = position as u32;
                self.pool_rate[q] += item.rate;
                self.pool_cost_weight[q] += item.cost;
                self.pool_met[q * tiers + item.tier] += item.met;
                self.served_met[item.tier] += item.met;
            }
        }
        for q in 0..self.pool_rate.len() {
            self.pool_priced[q] = self.priced_pool(q);
        }
        self.total = self.priced_total();
    }

    /// The priced cost of the current state, summed afresh.
    fn priced_total(&self) -> f64 {
        let model = self.model;
        let fixed: f64 = model
            .usable
            .iter()
            .filter(|d| self.open[d.index()])
            .map(|d| model.fixed_cost[d.index()])
            .sum();
        let unserved: f64 = self
            .items
            .iter()
            .zip(&self.position)
            .filter(|(_, p)| **p == UNSERVED)
            .map(|(item, _)| self.item_weight(item))
            .sum();
        fixed + unserved + self.pool_priced.iter().sum::<f64>()
    }

    fn item_weight(&self, item: &Item) -> f64 {
        item.cost + self.mu[item.tier] * item.met
    }

    fn pool_weight(&self, q: usize) -> f64 {
        let tiers = self.mu.len();
        let met = &self.pool_met[q * tiers..(q + 1) * tiers];
        self.pool_cost_weight[q] + self.mu.iter().zip(met).map(|(m, d)| m * d).sum::<f64>()
    }

    /// `min_S h S + W B(S)` of pool q, and the fill at that S.
    fn priced_pool_with_fill(&self, q: usize) -> (f64, f64) {
        let rate = self.pool_rate[q];
        if rate <= 0.0 {
            return (0.0, 1.0);
        }
        let model = self.model;
        let weight = self.pool_weight(q);
        let holding = self.pool_holding[q];
        let load = rate * model.lead_years[self.pool_depot[q]];
        let (mut best, mut best_fill) = (weight, 0.0);
        let mut curve = BlockingCurve::new(model.fill_model, load);
        for stock in 1..=model.max_stock {
            let hold = holding * f64::from(stock);
            if hold >= best {
                break;
            }
            let blocking = curve.next();
            let cost = hold + weight * blocking;
            if cost < best {
                best = cost;
                best_fill = 1.0 - blocking;
            }
        }
        (best, best_fill)
    }

    fn priced_pool(&self, q: usize) -> f64 {
        self.priced_pool_with_fill(q).0
    }

    fn touch(&mut self, q: usize) {
        if !self.touched[q] {
            self.touched[q] = true;
            self.touched_list.push(q);
        }
    }

    /// Moves item i from its server to the option at `position` (or
    /// UNSERVED), keeping the sums.
    fn move_item(&mut self, i: usize, position: u32) {
        let tiers = self.mu.len();
        let item = &self.items[i];
        let (rate, cost, met, tier) = (item.rate, item.cost, item.met, item.tier);
        let weight = self.item_weight(item);
        let first = item.options.start;
        let old = self.position[i];
        if old == UNSERVED {
            self.total -= weight;
            self.served_met[tier] += met;
        } else {
            let q = self.options[first + old as usize].pool as usize;
            self.pool_rate[q] -= rate;
            self.pool_cost_weight[q] -= cost;
            self.pool_met[q * tiers + tier] -= met;
            self.touch(q);
        }
        if position == UNSERVED {
            self.total += weight;
            self.served_met[tier] -= met;
        } else {
            let q = self.options[first + position as usize].pool as usize;
            self.pool_rate[q] += rate;
            self.pool_cost_weight[q] += cost;
            self.pool_met[q * tiers + tier] += met;
            self.touch(q);
        }
        self.position[i] = position;
    }

    /// Opens or closes depot d; the priced total follows.
    fn toggle(&mut self, d: usize) {
        let opening = !self.open[d];
        self.open[d] = opening;
        let fixed = self.model.fixed_cost[d];
        self.total += if opening { fixed } else { -fixed };
        for k in 0..self.depot_options[d].len() {
            let o = self.depot_options[d][k] as usize;
            let i = self.options[o].item as usize;
            let here = (o - self.items[i].options.start) as u32;
            let current = self.position[i];
            if opening && here < current {
                self.move_item(i, here);
            } else if !opening && here == current {
                let options = self.items[i].options.clone();
                let next = self.options[options.clone()]
                    .iter()
                    .enumerate()
                    .skip(here as usize + 1)
                    .find(|(_, o)| self.open[o.depot as usize])
                    .map_or(UNSERVED, |(p, _)| p as u32);
                self.move_item(i, next);
            }
        }
        for k in 0..self.touched_list.len() {
            let q = self.touched_list[k];
            self.touched[q] = false;
            let priced = self.priced_pool(q);
            self.total += priced - self.pool_priced[q];
            self.pool_priced[q] = priced;
        }
        self.touched_list.clear();
    }

    /// The priced total, plus a penalty per failure a year by which the
    /// served demand falls short of a tier's requirement: a set whose
    /// sites are too often out of reach has no plan at any stock, however
    /// cheap its priced cost.
    fn score(&self) -> f64 {
        let shortfall: f64 = self
            .required
            .iter()
            .zip(&self.served_met)
            .map(|(need, served)| (need - served * ATTAINABLE_FILL).max(0.0))
            .sum();
        self.total + SHORTFALL_PENALTY * shortfall
    }

    /// The score after toggling every depot of `moves`, the state
    /// left as it was.
    fn try_moves(&mut self, moves: &[usize]) -> f64 {
        for d in moves {
            self.toggle(*d);
        }
        let total = self.score();
        for d in moves.iter().rev() {
            self.toggle(*d);
        }
        total
    }

    /// Descends on the score (priced cost, shortfall penalised): the best single toggle while one
    /// improves, then the first improving swap of an open candidate for a
    /// neighbouring closed one; until neither improves or `deadline`.
    fn descend(&mut self, deadline: Instant) {
        loop {
            let current = self.score();
            let mut best: Option<(f64, usize)> = None;
            for &d in &self.candidates.clone() {
                let total = self.try_moves(&[d]);
                if total < current - MIN_IMPROVEMENT * current.abs()
                    && best.is_none_or(|(b, _)| total < b)
                {
                    best = Some((total, d));
                }
            }
            if let Some((_, d)) = best {
                self.toggle(d);
                continue;
            }
            if Instant::now() >= deadline {
                return;
            }
            let mut swapped = false;
            'swaps: for &closing in &self.candidates.clone() {
                if !self.open[closing] {
                    continue;
                }
                for &opening in &self.neighbours[&closing].clone() {
                    if self.open[opening] {
                        continue;
                    }
                    let total = self.try_moves(&[opening, closing]);
                    if total < current - MIN_IMPROVEMENT * current.abs() {
                        self.toggle(opening);
                        self.toggle(closing);
                        swapped = true;
                        break 'swaps;
                    }
                }
            }
            if !swapped || Instant::now() >= deadline {
                return;
            }
        }
    }

    /// Fits mu to the current open set: per tier in turn, the least
    /// multiplier at which the pools, each stocked at its priced optimum,
    /// meet the tier's requirement (`required`, failures per year met by
    /// stock); two rounds, as the tiers share pools.
    fn fit_mu(&mut self, required: &[f64]) {
        for _ in 0..2 {
            for (k, need) in required.iter().enumerate() {
                let meets = |search: &mut Self, value: f64| {
                    search.mu[k] = value;
                    search.met(k) >= need - 1e-9
                };
                if meets(self, 0.0) {
                    continue;
                }
                let mut high = 1.0;
                while !meets(self, high) && high < 1e12 {
                    high *= 4.0;
                }
                let mut low = 0.0;
                for _ in 0..FIT_STEPS {
                    let middle = 0.5 * (low + high);
                    if meets(self, middle) {
                        high = middle;
                    } else {
                        low = middle;
                    }
                }
                self.mu[k] = high;
            }
        }
        let open = self.open.clone();
        self.reset(&open);
    }

    /// Moves mu halfway towards its fit to the current open set. A full
    /// refit swings between sets: the mu of a small set (stock must make up
    /// for the sites out of reach) opens many depots, whose own low mu
    /// closes them again; halfway settles in between (measured on the
    /// national greenfield network).
    fn refit_mu_damped(&mut self, required: &[f64]) {
        let before = self.mu.clone();
        self.fit_mu(required);
        for (mu, old) in self.mu.iter_mut().zip(before) {
            *mu = 0.5 * (*mu + old);
        }
        let open = self.open.clone();
        self.reset(&open);
    }

    /// Demand of tier k met by stock when every pool holds its priced optimum.
    fn met(&self, k: usize) -> f64 {
        let tiers = self.mu.len();
        (0..self.pool_rate.len())
            .filter(|q| self.pool_met[q * tiers + k] > 0.0)
            .map(|q| self.pool_met[q * tiers + k] * self.priced_pool_with_fill(q).1)
            .sum()
    }

    /// Searches from each of `starts` and then by random large moves from
    /// the best plan, until `deadline` or `kicks` (at most
    /// [`KICKS_WITHOUT_IMPROVEMENT`]) moves in a row bring no better plan,
    /// or a plan costs at most `stop_below`. `plan` plans an open set in full and returns its cost;
    /// it sees each new local optimum once.
    pub(super) fn run(
        &mut self,
        starts: &[Vec<bool>],
        required: &[f64],
        deadline: Instant,
        stop_below: f64,
        kicks: usize,
        mut plan: impl FnMut(&[bool]) -> Option<f64>,
    ) {
        self.required = required.to_vec();
        let mut seen: BTreeSet<Vec<bool>> = BTreeSet::new();
        let mut best: Option<(f64, Vec<bool>)> = None;
        let mut planned = |open: &[bool], best: &mut Option<(f64, Vec<bool>)>| {
            if !seen.insert(open.to_vec()) {
                return Planned::Seen;
            }
            let Some(cost) = plan(open) else {
                return Planned::Infeasible;
            };
            let better = best
                .as_ref()
                .is_none_or(|(b, _)| cost < b - MIN_IMPROVEMENT * b.abs());
            if better {
                *best = Some((cost, open.to_vec()));
            }
            Planned::New { better }
        };
        for start in starts {
            if Instant::now() >= deadline {
                return;
            }
            self.reset(start);
            self.fit_mu(required);
            // Descend, plan, refit mu to the new set, until the set stays.
            // A set whose plan cannot meet the targets (the descent closed
            // the only depots in reach of too many sites) is refitted too:
            // mu then rises until the next descent serves them again.
            for _ in 0..START_ROUNDS {
                self.descend(deadline);
                let open = self.open.clone();
                let outcome = planned(&open, &mut best);
                tracing::debug!(
                    "priced search: {} depots open, {outcome:?}",
                    open.iter().filter(|o| **o).count()
                );
                if outcome == Planned::Seen || Instant::now() >= deadline {
                    break;
                }
                self.refit_mu_damped(required);
            }
        }
        let Some((_, best_open)) = best.clone() else {
            return;
        };
        self.reset(&best_open);
        self.fit_mu(required);
        let mut rng = ChaCha8Rng::seed_from_u64(KICK_SEED);
        let mut since_improvement = 0;
        let kicks = kicks.min(KICKS_WITHOUT_IMPROVEMENT);
        while since_improvement < kicks && Instant::now() < deadline {
            if best.as_ref().is_some_and(|(b, _)| *b <= stop_below) {
                break;
            }
            since_improvement += 1;
            let (_, from) = best.clone().expect("a plan was found above");
            self.reset(&from);
            let kick = self.kick(&mut rng);
            for d in kick {
                self.toggle(d);
            }
            self.descend(deadline);
            let open = self.open.clone();
            if planned(&open, &mut best) == (Planned::New { better: true }) {
                since_improvement = 0;
                self.fit_mu(required);
            }
        }
        tracing::info!(
            "priced open-set search: best plan {:.0}",
            best.map_or(f64::NAN, |(b, _)| b)
        );
    }

    /// A random large move: close two open candidates and open a closed
    /// neighbour of one, or toggle two candidates.
    fn kick(&self, rng: &mut ChaCha8Rng) -> Vec<usize> {
        let opened: Vec<usize> = self
            .candidates
            .iter()
            .copied()
            .filter(|d| self.open[*d])
            .collect();
        if opened.len() >= 2 && rng.random_bool(0.5) {
            let first = opened[rng.random_range(0..opened.len())];
            let mut second = opened[rng.random_range(0..opened.len())];
            if second == first {
                second = opened
                    [(opened.iter().position(|d| *d == first).unwrap_or(0) + 1) % opened.len()];
            }
            let closed: Vec<usize> = self.neighbours[&first]
                .iter()
                .copied()
                .filter(|d| !self.open[*d] && *d != second)
                .collect();
            let mut moves = vec![first, second];
            if !closed.is_empty() {
                moves.push(closed[rng.random_range(0..closed.len())]);
            }
            moves
        } else {
            let count = self.candidates.len();
            let first = self.candidates[rng.random_range(0..count)];
            let second = self.candidates[rng.random_range(0..count)];
            if first == second {
                vec![first]
            } else {
                vec![first, second]
            }
        }
    }
}

/// Per candidate, the other candidates sharing the most demand items with
/// it (items both could serve), most first, at most [`SWAP_NEIGHBOURS`].
fn neighbours(
    model: &PlanModel,
    items: &[Item],
    options: &[Option_],
    candidates: &[usize],
) -> BTreeMap<usize, Vec<usize>> {
    let depots = model.depot_count;
    let mut shared = vec![0u32; depots * depots];
    for item in items {
        let list = &options[item.options.clone()];
        for a in list {
            for b in list {
                if a.depot != b.depot {
                    shared[a.depot as usize * depots + b.depot as usize] += 1;
                }
            }
        }
    }
    candidates
        .iter()
        .map(|&d| {
            let mut others: Vec<(u32, usize)> = candidates
                .iter()
                .filter(|&&o| o != d && shared[d * depots + o] > 0)
                .map(|&o| (shared[d * depots + o], o))
                .collect();
            others.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            others.truncate(SWAP_NEIGHBOURS);
            (d, others.into_iter().map(|(_, o)| o).collect())
        })
        .collect()
}

/// Breach shares of one load for stock 1, 2, ... in turn.
pub(super) struct BlockingCurve {
    model: FillModel,
    load: f64,
    stock: u32,
    blocking: f64,
}

impl BlockingCurve {
    pub(super) fn new(model: FillModel, load: f64) -> Self {
        BlockingCurve {
            model,
            load,
            stock: 0,
            blocking: 1.0,
        }
    }

    pub(super) fn next(&mut self) -> f64 {
        self.stock += 1;
        self.blocking = match self.model {
            // Erlang B by its recursion.
            FillModel::ErlangLoss => {
                let carried = self.load * self.blocking;
                carried / (f64::from(self.stock) + carried)
            }
            FillModel::Metric => 1.0 - fill_rate(self.model, self.stock, self.load),
        };
        self.blocking
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocking_curve_follows_the_fill_rates() {
        for model in [FillModel::ErlangLoss, FillModel::Metric] {
            for load in [0.001, 0.3, 2.5, 14.0] {
                let mut curve = BlockingCurve::new(model, load);
                for stock in 1..=30 {
                    let expected = 1.0 - fill_rate(model, stock, load);
                    let got = curve.next();
                    assert!(
                        (got - expected).abs() <= 1e-12,
                        "{model:?} load {load} stock {stock}: {got} vs {expected}"
                    );
                }
            }
        }
    }
}
