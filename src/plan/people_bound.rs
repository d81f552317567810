//! A lower bound on what the positions a plan adds must cost.
//!
//! Counted as never busy and with stock never short, engineers meet each
//! failure instant where any of them is able to, so the failures a staffing
//! meets are a coverage function of its positions: one more position never
//! adds more than it adds to the roster alone. Any staffing that meets the
//! targets therefore buys positions whose gains over the roster, each on its
//! own, sum to at least what the roster falls short by. The cheapest such
//! purchase, with positions taken in fractions, bounds every plan's added
//! cost from below; it is the covering problem
//!
//! ```text
//! min sum_o cost_o x_o  s.t.  sum_o gain_ok x_o >= short_k (tiers k),  0 <= x_o <= 1
//! ```
//!
//! over the offers `o` (every rota pattern at every usable depot, with the
//! cheapest skill set's price and every skill's gain), bounded through its
//! Lagrangian dual: every multiplier vector gives a valid bound, so the
//! bound stays valid wherever the ascent stops.

use super::model::PlanModel;
use super::staffing::{Groups, People, depot_zone, part_skills};
use crate::calendar::CalendarError;
use crate::people::Position;
use crate::scenario::{DepotStatus, Scenario};
use rayon::prelude::*;
use std::time::Instant;

/// Passes of coordinate ascent over the tiers' multipliers.
const ASCENT_PASSES: usize = 50;

/// One pattern at one usable depot: its cheapest price and what it would
/// add to each demand group (per group, on its own with the roster).
struct OfferGain {
    cost: f64,
    /// `(group, failures per year)`, groups ascending.
    gains: Vec<(usize, f64)>,
}

/// The covering problem the bound is taken on. A group's gains from
/// several offers overlap (two on-call engineers near one site meet the
/// same night failures), so what a group can gain is capped at the
/// failures it still misses:
///
/// ```text
/// min Σ_o cost_o x_o
/// s.t. y_i <= Σ_o gain_oi x_o,  0 <= y_i <= open_i  (groups i)
///      Σ_{i in k} y_i >= short_k                     (tiers k)
///      0 <= x_o <= 1
/// ```
struct Covering {
    offers: Vec<OfferGain>,
    /// Per group: its tier and the failures per year it still misses.
    groups: Vec<(usize, f64)>,
    short: Vec<f64>,
}

/// The bound on the yearly cost of the positions any plan that meets
/// `target` (failures met per year, per tier) must add to `people`'s
/// roster. Gains not computed by `deadline` are taken at the most they
/// could be (the failures the group still misses), which keeps the
/// bound valid, only weaker.
pub fn added_cost_bound(
    people: &People,
    scenario: &Scenario,
    model: &PlanModel,
    target: &[f64],
    deadline: Instant,
) -> Result<f64, CalendarError> {
    let cover_model = &people.cover_model;
    let mut free = people.staff.clone();
    free.positions.truncate(people.roster_prices.len());
    free.busy.clear();
    free.busy_overflowing.clear();
    let usable: Vec<bool> = scenario
        .depots
        .iter()
        .map(|d| d.status != DepotStatus::Closed)
        .collect();
    let mut offers = Vec::new();
    for depot in scenario.depot_indices().filter(|d| usable[d.index()]) {
        for pattern in &scenario.shift_patterns {
            let shift = pattern.shift_in(depot_zone(scenario, depot));
            let rule = cover_model.rule(&mut free, &shift)?;
            let cost = pattern.cost_per_year + scenario.costs.certification_cost;
            offers.push((depot, rule, cost));
        }
    }
    let full_stock: Vec<Vec<f64>> = model
        .sites
        .iter()
        .map(|s| vec![1.0; s.demand.len()])
        .collect();
    let serving: Vec<bool> = model.sites.iter().map(|s| !s.reach.is_empty()).collect();
    let mut groups = Groups::build(model, cover_model, &full_stock, &serving, &usable);
    for group in &mut groups.groups {
        group.cover = cover_model.cover(&free, group.site, group.part);
    }
    let base = groups.met(model);
    let short: Vec<f64> = target.iter().zip(&base).map(|(t, b)| t - b).collect();
    if short.iter().all(|s| *s <= 1e-9) {
        return Ok(0.0);
    }
    let skills = part_skills(scenario);
    let offers: Vec<OfferGain> = offers
        .par_iter()
        .map(|&(depot, rule, cost)| {
            let position = Position {
                base: depot,
                rule,
                skills: skills.clone(),
            };
            let mut gains = Vec::new();
            for (index, group) in groups.groups.iter().enumerate() {
                let open = group.open_demand(true);
                if short[group.tier] <= 1e-9
                    || open <= 1e-9
                    || !cover_model.can_respond(depot, group.site)
                {
                    continue;
                }
                if Instant::now() >= deadline {
                    gains.push((index, open));
                    continue;
                }
                if !cover_model.would_be_quicker(&free, &position, group.site, &group.skill) {
                    continue;
                }
                let cover = cover_model.cover_with(&free, Some(&position), group.site, group.part);
                let gain = group.met(cover, true) - group.met(group.cover, true);
                if gain > 1e-12 {
                    gains.push((index, gain));
                }
            }
            OfferGain { cost, gains }
        })
        .collect();
    let covering = Covering {
        offers,
        groups: groups
            .groups
            .iter()
            .map(|g| (g.tier, g.open_demand(true)))
            .collect(),
        short,
    };
    Ok(covering.dual_bound())
}

impl Covering {
    /// The Lagrangian dual with multipliers `lambda` (tiers) and `mu`
    /// (groups), and the solution of the relaxed problem it priced:
    /// `L = Σ_k λ_k short_k + Σ_i open_i min(0, μ_i − λ_k(i))
    ///      + Σ_o min(0, cost_o − Σ_i μ_i gain_oi)`.
    fn dual(&self, lambda: &[f64], mu: &[f64]) -> (f64, Vec<bool>) {
        let mut value: f64 = lambda.iter().zip(&self.short).map(|(l, s)| l * s).sum();
        for ((tier, open), m) in self.groups.iter().zip(mu) {
            value += open * (m - lambda[*tier]).min(0.0);
        }
        let bought: Vec<bool> = self
            .offers
            .iter()
            .map(|o| {
                let priced: f64 = o.gains.iter().map(|(i, g)| mu[*i] * g).sum();
                let reduced = o.cost - priced;
                value += reduced.min(0.0);
                reduced < 0.0
            })
            .collect();
        (value, bought)
    }

    /// The best dual value found by subgradient ascent from the tiers'
    /// prices alone. Every dual value is a valid bound, so stopping early
    /// only weakens it.
    fn dual_bound(&self) -> f64 {
        let tiers = self.short.len();
        let mut lambda = self.tier_prices();
        let mut mu: Vec<f64> = self.groups.iter().map(|(k, _)| lambda[*k]).collect();
        let (mut best, _) = self.dual(&lambda, &mu);
        // A greedy cover's cost is the upper estimate of Polyak's step;
        // the step's scale halves when the bound stalls.
        let ceiling = self.greedy_cost();
        let mut scale = 1.0;
        let mut stalled = 0;
        for _ in 0..SUBGRADIENT_STEPS {
            let (value, bought) = self.dual(&lambda, &mu);
            if value > best + 1e-9 * best.abs().max(1.0) {
                best = value;
                stalled = 0;
            } else {
                stalled += 1;
                if stalled >= 20 {
                    scale /= 2.0;
                    stalled = 0;
                }
            }
            // Subgradient: the relaxed solution's slack in every row.
            let mut covered = vec![0.0; self.groups.len()];
            for (offer, _) in self.offers.iter().zip(&bought).filter(|(_, b)| **b) {
                for (i, g) in &offer.gains {
                    covered[*i] += g;
                }
            }
            let mut tier_slack = self.short.clone();
            let mut group_slack = vec![0.0; self.groups.len()];
            for (i, ((tier, open), m)) in self.groups.iter().zip(&mu).enumerate() {
                let y = if *m < lambda[*tier] { *open } else { 0.0 };
                tier_slack[*tier] -= y;
                group_slack[i] = y - covered[i];
            }
            let norm: f64 = tier_slack.iter().chain(&group_slack).map(|s| s * s).sum();
            if norm <= 1e-18 || scale < 1e-6 {
                break;
            }
            let step = scale * (ceiling - value).max(0.0) / norm;
            for k in 0..tiers {
                lambda[k] = (lambda[k] + step * tier_slack[k]).max(0.0);
            }
            for (m, s) in mu.iter_mut().zip(&group_slack) {
                *m = (*m + step * s).max(0.0);
            }
        }
        best.max(0.0)
    }

    /// The cost of a cover of every tier's short, offers bought whole in
    /// order of capped gain per unit of cost (the sum of every offer's
    /// cost when even all of them fall short).
    fn greedy_cost(&self) -> f64 {
        let mut open: Vec<f64> = self.groups.iter().map(|(_, open)| *open).collect();
        let mut short = self.short.clone();
        let mut left: Vec<usize> = (0..self.offers.len()).collect();
        let mut cost = 0.0;
        while short.iter().any(|s| *s > 1e-9) && !left.is_empty() {
            let wins = |o: &OfferGain| -> f64 {
                o.gains
                    .iter()
                    .filter(|(i, _)| short[self.groups[*i].0] > 1e-9)
                    .map(|(i, g)| g.min(open[*i]))
                    .sum()
            };
            let (at, gain) = left
                .iter()
                .enumerate()
                .map(|(at, o)| (at, wins(&self.offers[*o]) / self.offers[*o].cost.max(1e-9)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .expect("offers left");
            if gain <= 1e-12 {
                break;
            }
            let offer = &self.offers[left.swap_remove(at)];
            cost += offer.cost;
            for (i, g) in &offer.gains {
                let taken = g.min(open[*i]);
                open[*i] -= taken;
                short[self.groups[*i].0] -= taken;
            }
        }
        if short.iter().any(|s| *s > 1e-9) {
            return self.offers.iter().map(|o| o.cost).sum();
        }
        cost
    }

    /// Per tier, the price of a missed failure at which the tier's short
    /// is just bought, every group's overlap ignored (`μ_i = λ_k`):
    /// coordinate ascent over exact one-dimensional maxima, a good start
    /// for the ascent over all multipliers.
    fn tier_prices(&self) -> Vec<f64> {
        let tiers = self.short.len();
        let mut lambda = vec![0.0; tiers];
        let mu_of =
            |lambda: &[f64]| -> Vec<f64> { self.groups.iter().map(|(k, _)| lambda[*k]).collect() };
        let mut best = self.dual(&lambda, &mu_of(&lambda)).0;
        for _ in 0..ASCENT_PASSES {
            let before = best;
            for k in (0..tiers).filter(|k| self.short[*k] > 1e-9) {
                // Breakpoints of coordinate k: where an offer's reduced
                // cost turns negative.
                let breakpoints: Vec<f64> = self
                    .offers
                    .iter()
                    .filter_map(|o| {
                        let (mut mine, mut others) = (0.0, 0.0);
                        for (i, g) in &o.gains {
                            let tier = self.groups[*i].0;
                            if tier == k {
                                mine += g;
                            } else {
                                others += lambda[tier] * g;
                            }
                        }
                        (mine > 1e-12).then(|| (o.cost - others) / mine)
                    })
                    .filter(|b| *b > 0.0)
                    .collect();
                for candidate in breakpoints.into_iter().chain([0.0]) {
                    let mut trial = lambda.clone();
                    trial[k] = candidate;
                    let value = self.dual(&trial, &mu_of(&trial)).0;
                    if value > best {
                        best = value;
                        lambda = trial;
                    }
                }
            }
            if best <= before + 1e-9 * before.abs().max(1.0) {
                break;
            }
        }
        lambda
    }
}

/// Steps of the subgradient ascent.
const SUBGRADIENT_STEPS: usize = 300;

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(cost: f64, gains: &[(usize, f64)]) -> OfferGain {
        OfferGain {
            cost,
            gains: gains.to_vec(),
        }
    }

    fn covering(offers: Vec<OfferGain>, groups: &[(usize, f64)], short: &[f64]) -> Covering {
        Covering {
            offers,
            groups: groups.to_vec(),
            short: short.to_vec(),
        }
    }

    /// The cheapest whole purchase, by enumeration.
    fn brute_force(c: &Covering) -> f64 {
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << c.offers.len()) {
            let mut got = vec![0.0; c.groups.len()];
            let mut cost = 0.0;
            for (o, offer) in c.offers.iter().enumerate() {
                if mask & (1 << o) != 0 {
                    cost += offer.cost;
                    for (i, g) in &offer.gains {
                        got[*i] += g;
                    }
                }
            }
            let mut met = vec![0.0; c.short.len()];
            for ((tier, open), g) in c.groups.iter().zip(&got) {
                met[*tier] += g.min(*open);
            }
            if met.iter().zip(&c.short).all(|(m, s)| m + 1e-9 >= *s) {
                best = best.min(cost);
            }
        }
        best
    }

    /// One tier, no overlap: the fractional knapsack cover, best ratio first.
    #[test]
    fn one_tier_is_the_fractional_cover() {
        let groups = [(0, 5.0), (0, 2.0), (0, 1.0)];
        let offers = || {
            vec![
                offer(10.0, &[(0, 5.0)]),
                offer(6.0, &[(1, 2.0)]),
                offer(100.0, &[(2, 1.0)]),
            ]
        };
        // 5 at cost 10, then 2 at 6: 16; one more needs the third at 100.
        let bound = |short| covering(offers(), &groups, &[short]).dual_bound();
        assert!((bound(7.0) - 16.0).abs() < 1e-6, "{}", bound(7.0));
        assert!((bound(6.0) - 13.0).abs() < 1e-6, "{}", bound(6.0));
        assert!((bound(8.0) - 116.0).abs() < 1e-6, "{}", bound(8.0));
    }

    /// Two on-call offers meet the same failures of one group: buying
    /// both does not meet a second group's, which only the dear offer
    /// serves. Without the caps the bound would be 20.
    #[test]
    fn overlapping_gains_count_once() {
        let c = covering(
            vec![
                offer(10.0, &[(0, 5.0)]),
                offer(10.0, &[(0, 5.0)]),
                offer(30.0, &[(1, 5.0)]),
            ],
            &[(0, 5.0), (0, 5.0)],
            &[10.0],
        );
        let bound = c.dual_bound();
        assert!((39.0..=40.0 + 1e-6).contains(&bound), "{bound}");
    }

    /// On random small coverings the bound never exceeds the cheapest
    /// whole purchase.
    #[test]
    fn the_bound_never_exceeds_brute_force() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let groups: Vec<(usize, f64)> = (0..6)
                .map(|_| (rng.random_range(0..2), rng.random_range(1.0..10.0)))
                .collect();
            let offers: Vec<OfferGain> = (0..7)
                .map(|_| {
                    let mut gains = Vec::new();
                    for i in 0..6 {
                        if rng.random_bool(0.4) {
                            gains.push((i, rng.random_range(0.5..8.0)));
                        }
                    }
                    offer(rng.random_range(1.0..50.0), &gains)
                })
                .collect();
            let short = [rng.random_range(0.0..15.0), rng.random_range(0.0..15.0)];
            let c = covering(offers, &groups, &short);
            let exact = brute_force(&c);
            let bound = c.dual_bound();
            assert!(bound <= exact + 1e-6, "bound {bound} above optimum {exact}");
        }
    }

    #[test]
    fn nothing_short_costs_nothing() {
        let c = covering(vec![offer(10.0, &[(0, 1.0)])], &[(0, 1.0)], &[0.0]);
        assert_eq!(c.dual_bound(), 0.0);
    }
}
