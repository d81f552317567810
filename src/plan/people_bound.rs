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
use crate::milp::{self, Backend, Column, Limits, Milp, Row};
use crate::people::Position;
use crate::scenario::{DepotStatus, Scenario};
use rayon::prelude::*;
use std::time::Instant;

/// Passes of coordinate ascent over the tiers' multipliers.
const ASCENT_PASSES: usize = 50;

/// The sign a column of [`Covering::dual_program`] is held to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sign {
    AtLeastZero,
    AtMostZero,
}

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
pub(super) struct Covering {
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
    let covering = covering_problem(people, scenario, model, target, deadline)?;
    Ok(covering.map_or(0.0, |(covering, _)| {
        covering
            .dual_bound_and_prices(Backend::default_backend(), deadline)
            .0
    }))
}

/// The covering problem of the positions added to `people`'s roster, and
/// the demand groups it is on (`None`: the roster alone reaches `target`
/// with stock never short).
pub(super) fn covering_problem(
    people: &People,
    scenario: &Scenario,
    model: &PlanModel,
    target: &[f64],
    deadline: Instant,
) -> Result<Option<(Covering, Groups)>, CalendarError> {
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
        return Ok(None);
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
    Ok(Some((covering, groups)))
}

/// Parts bounds the joint bound may take (each at one scale of the
/// covering's tier prices; see [`maximise_over_scale`]).
const JOINT_ROUNDS: usize = 6;

/// A lower bound on the parts and the added positions together, tighter
/// than the sum of their separate bounds because it counts that a
/// failure is met only when the part **and** an engineer make it.
///
/// For a demand item with fill `f` (the serving depot's), cover with stock
/// `w` and cover by emergency `e` (failures met per failure, engineers
/// never busy), met = `f w + (1 - f) e`. Any staffing covers at least what
/// the roster does (`w >= w_roster`) and at most what every pattern
/// everywhere does (`w <= w_widest`, `e <= e_widest`), so McCormick's
/// envelope of the product gives two bounds on each item's met share:
///
/// ```text
/// met <= A = e_widest + f d,      d = max(0, w_widest - e_widest)
/// met <= B = w - (1 - f) c,       c = max(0, w_roster - e_widest)
/// ```
///
/// `A` is the parts model's own (every pattern everywhere); `B` says each
/// failure the parts miss must be made up by the engineers' cover. So is
/// any mix `θ A + (1 - θ) B` with `θ` in `[0, 1]`, one per demand group:
/// where the parts miss failures, `B` credits the engineers' cover in full
/// while only its filled share is met, and weighing `A` in takes that
/// credit back. With tier prices `β >= 0` on the tiers' sums of the mix,
/// for every plan that meets the targets
///
/// ```text
/// parts + positions >= [parts + Σ β (θ d + (1 - θ) c) rate (1 - f)]
///                    + [positions - β ((1 - θ) gains - short)]
///                    - Σ β θ rate (max(w_widest, e_widest) - w_roster)
/// ```
///
/// The first bracket is the parts model with each item's shortage priced
/// that much more (bounded by `parts_bound` on that model); the second is
/// the covering's dual at tier prices `β` with each group's gains and cap
/// weighed by `1 - θ` ([`Covering::dual_bound_at`]); the last collects
/// the constants. With `β = 0` it is the parts bound alone; the separate
/// bounds' sum prices the same failures twice at no cost, which is what is
/// gained. The fill hint's mix ([`parts_shares`]) is searched along `β`
/// (the covering's own tier prices scaled, see [`maximise_over_scale`]),
/// then lesser shares of it at the best `β`, down to `B` alone; the best
/// value is returned (`None` when `deadline` left time for none).
#[allow(clippy::too_many_arguments)]
pub(super) fn joint_bound(
    covering: &Covering,
    groups: &Groups,
    prices: &[f64],
    widest: &PlanModel,
    fill_hint: &[Vec<f64>],
    backend: Backend,
    deadline: Instant,
    mut parts_bound: impl FnMut(&PlanModel, Instant) -> f64,
) -> Option<f64> {
    let hint = parts_shares(groups, widest, fill_hint);
    let evaluations = JOINT_ROUNDS + MIX_STEPS.len();
    let mut done = 0;
    // The bound at tier prices `scale` times the covering's and the mix
    // `θ = along × hint`.
    let mut value_at = |along: f64, scale: f64| {
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        // Tiers not short have no gains in the covering: their price must
        // stay 0 for its dual to bound.
        let beta: Vec<f64> = prices
            .iter()
            .zip(&covering.short)
            .map(|(price, short)| if *short > 1e-9 { price * scale } else { 0.0 })
            .collect();
        let theta: Vec<f64> = hint.iter().map(|h| along * h).collect();
        let priced = with_shortage_prices(widest, groups, &beta, &theta);
        let until = now + deadline.saturating_duration_since(now) / (evaluations - done) as u32;
        done += 1;
        let people = covering
            .weighed(&theta)
            .dual_bound_at(&beta, backend, until);
        let constants: f64 = envelope_spreads(groups, widest, &theta)
            .iter()
            .map(|(tier, spread)| beta[*tier] * spread)
            .sum();
        let parts = parts_bound(&priced, until) - constants;
        tracing::debug!(
            "joint bound at {scale} of the people's prices, {along} of the hint's mix: {:.0} \
             ({parts:.0} for the priced parts, {people:.0} for the positions)",
            parts + people
        );
        Some(parts + people)
    };
    let (scale, mut best) = maximise_over_scale(JOINT_ROUNDS, |scale| value_at(1.0, scale))?;
    // Then along the mix at those prices (the dual is concave there too):
    // the whole mix gave the best bound nationally, half of it on the
    // bundled scenario, `B` alone on the smallest test scenario.
    for along in MIX_STEPS {
        let Some(value) = value_at(along, scale) else {
            break;
        };
        best = best.max(value);
    }
    Some(best)
}

/// Where along the hint's mix (0: `B` alone) the joint bound tries, at the
/// best tier prices found with the whole mix (see [`joint_bound`]).
const MIX_STEPS: [f64; 2] = [0.0, 0.5];

/// Per demand group, the weight `θ` of the parts' envelope in the joint
/// bound's mix (see [`joint_bound`]): the share of its failures
/// `fill_hint` (per model site and demand item, the fill of some plan)
/// leaves unfilled. Every `θ` gives a valid bound; this one weighs the
/// engineers' cover by the fill it is met with, as a plan with that fill
/// would. The ideal network's fill (every pattern everywhere) took the
/// national instance's bound from 61.13 M to 61.75 M (docs/plan-national.md).
fn parts_shares(groups: &Groups, widest: &PlanModel, fill_hint: &[Vec<f64>]) -> Vec<f64> {
    groups
        .groups
        .iter()
        .map(|group| {
            if widest.sites[group.model_site].reach.is_empty() {
                return 0.0;
            }
            let (filled, failures) = group.items.iter().zip(group.item_rates()).fold(
                (0.0, 0.0),
                |(filled, failures), (item, rate)| {
                    (
                        filled + rate * fill_hint[group.model_site][*item],
                        failures + rate,
                    )
                },
            );
            if failures <= 0.0 {
                return 0.0;
            }
            (1.0 - filled / failures).clamp(0.0, 1.0)
        })
        .collect()
}

/// Per demand group with `θ > 0`: its tier and `θ Σ rate (max(w_widest,
/// e_widest) - w_roster)`, the joint bound's constant per unit of its
/// tier's price (see [`joint_bound`]).
fn envelope_spreads(groups: &Groups, widest: &PlanModel, theta: &[f64]) -> Vec<(usize, f64)> {
    groups
        .groups
        .iter()
        .zip(theta)
        .filter(|(_, theta)| **theta > 0.0)
        .map(|(group, theta)| {
            let site = &widest.sites[group.model_site];
            let spread: f64 = group
                .items
                .iter()
                .zip(group.item_rates())
                .map(|(item, rate)| {
                    let widest = site.cover[*item];
                    rate * (widest.with_stock.max(widest.by_emergency) - group.cover.with_stock)
                })
                .sum();
            (group.tier, theta * spread)
        })
        .collect()
}

/// The most `value_at` gives over scales above 0, in at most `rounds`
/// calls (fewer when it returns `None`, out of time): the dual is concave
/// along the scale, so from 1 the scale doubles (or halves) while the value
/// rises, then the bracket around the best shrinks by halving its sides.
/// Every value is a valid bound, so the best seen is returned, with its
/// scale.
fn maximise_over_scale(
    rounds: usize,
    mut value_at: impl FnMut(f64) -> Option<f64>,
) -> Option<(f64, f64)> {
    let mut left = rounds;
    let mut try_at = |scale: f64| {
        if left == 0 {
            return None;
        }
        left -= 1;
        value_at(scale)
    };
    let (mut best_scale, mut best) = (1.0, try_at(1.0)?);
    // Bracket the best: `lower < best_scale < upper` with lower values at
    // both ends (`lower` 0 when halving found no end).
    let (mut lower, mut upper) = (0.0, f64::INFINITY);
    for direction in [2.0, 0.5] {
        loop {
            let next = best_scale * direction;
            if direction < 1.0 && next < 1.0 / 64.0 {
                break;
            }
            let Some(value) = try_at(next) else {
                return Some((best_scale, best));
            };
            if value <= best {
                if direction > 1.0 {
                    upper = next
                } else {
                    lower = next
                }
                break;
            }
            if direction > 1.0 {
                lower = best_scale
            } else {
                upper = best_scale
            }
            (best_scale, best) = (next, value);
        }
        if best_scale != 1.0 {
            break;
        }
    }
    loop {
        for toward_upper in [false, true] {
            let side = if toward_upper { upper } else { lower };
            let middle = (best_scale + side.min(4.0 * best_scale)) / 2.0;
            let Some(value) = try_at(middle) else {
                return Some((best_scale, best));
            };
            if value > best {
                if middle < best_scale {
                    upper = best_scale
                } else {
                    lower = best_scale
                }
                (best_scale, best) = (middle, value);
            } else if middle < best_scale {
                lower = middle;
            } else {
                upper = middle;
            }
        }
    }
}

/// `widest` with each served demand item's shortage priced at
/// `β (θ d + (1 - θ) c)` (see [`joint_bound`]; `groups` carry the roster's
/// cover, `theta` their parts' shares).
fn with_shortage_prices(
    widest: &PlanModel,
    groups: &Groups,
    beta: &[f64],
    theta: &[f64],
) -> PlanModel {
    let mut priced = widest.clone();
    for (group, theta) in groups.groups.iter().zip(theta) {
        let site = &mut priced.sites[group.model_site];
        if site.reach.is_empty() || beta[group.tier] <= 0.0 {
            continue;
        }
        if site.shortage_price.len() < site.demand.len() {
            site.shortage_price.resize(site.demand.len(), 0.0);
        }
        for item in &group.items {
            let widest = site.cover[*item];
            let c = (group.cover.with_stock - widest.by_emergency).max(0.0);
            let d = (widest.with_stock - widest.by_emergency).max(0.0);
            site.shortage_price[*item] = beta[group.tier] * (theta * d + (1.0 - theta) * c);
        }
    }
    priced
}

impl Covering {
    /// The covering with each group's gains and cap weighed by `1 - θ`
    /// (see [`joint_bound`]).
    fn weighed(&self, theta: &[f64]) -> Covering {
        let offers = self
            .offers
            .iter()
            .map(|offer| OfferGain {
                cost: offer.cost,
                gains: offer
                    .gains
                    .iter()
                    .map(|(group, gain)| (*group, gain * (1.0 - theta[*group])))
                    .collect(),
            })
            .collect();
        let groups = self
            .groups
            .iter()
            .zip(theta)
            .map(|((tier, open), theta)| (*tier, open * (1.0 - theta)))
            .collect();
        Covering {
            offers,
            groups,
            short: self.short.clone(),
        }
    }

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
    #[cfg(test)]
    fn dual_bound(&self) -> f64 {
        self.ascend(self.tier_prices(), true).0.max(0.0)
    }

    /// The dual's maximum over every multiplier ([`Self::exact_dual`];
    /// subgradient ascent from the tiers' prices alone when the backend
    /// gives no answer by `deadline`) and the tiers' multipliers there.
    pub(super) fn dual_bound_and_prices(
        &self,
        backend: Backend,
        deadline: Instant,
    ) -> (f64, Vec<f64>) {
        let (value, prices) = self
            .exact_dual(None, backend, deadline)
            .unwrap_or_else(|| self.ascend(self.tier_prices(), true));
        // λ = 0 gives 0: no purchase is needed to cost nothing.
        (value.max(0.0), prices)
    }

    /// The dual's maximum with the tiers' multipliers held at `lambda`:
    /// what the positions must cost beyond `lambda` times the failures
    /// they add (exact, or by subgradient ascent as above).
    fn dual_bound_at(&self, lambda: &[f64], backend: Backend, deadline: Instant) -> f64 {
        self.exact_dual(Some(lambda), backend, deadline)
            .map_or_else(|| self.ascend(lambda.to_vec(), false).0, |(value, _)| value)
    }

    /// The dual's maximum, as the linear program over the multipliers
    /// (the tiers' held at `fixed` when given), and the tiers' multipliers
    /// there; `None` when the backend gave no solution by `deadline`.
    ///
    /// ```text
    /// max Σ_k λ_k short_k + Σ_i open_i s_i + Σ_o t_o
    /// s.t. s_i <= μ_i − λ_k(i),  t_o <= cost_o − Σ_i gain_oi μ_i,
    ///      s, t <= 0,  λ, μ >= 0
    /// ```
    ///
    /// Only groups some offer gains on get a `μ` (elsewhere `μ_i = λ_k`
    /// adds 0). The value returned is [`Self::dual`] at the solver's
    /// multipliers, so it is a valid bound whatever the solver's
    /// tolerances; the subgradient ascent it replaced stopped up to a
    /// quarter below it on the national instance (docs/plan-national.md).
    fn exact_dual(
        &self,
        fixed: Option<&[f64]>,
        backend: Backend,
        deadline: Instant,
    ) -> Option<(f64, Vec<f64>)> {
        let started = Instant::now();
        let (lp, lambda_column, mu_column) = self.dual_program(fixed);
        let limits = Limits {
            time: deadline.saturating_duration_since(started),
            gap: 0.0,
        };
        let solution = match milp::solve(&lp, backend, limits) {
            Ok(solution) => solution,
            // Out of time is what the run's status says, not a solver
            // hiccup: logged quietly (a short run would print it per call).
            Err(error) if Instant::now() >= deadline => {
                tracing::debug!(
                    "the covering's dual LP ran out of time ({error}); its subgradient \
                     ascent stands in"
                );
                return None;
            }
            Err(error) => {
                tracing::warn!(
                    "the covering's dual LP gave no solution ({error}); its subgradient \
                     ascent stands in"
                );
                return None;
            }
        };
        let at = |column: Option<usize>| column.map_or(0.0, |c| solution.values[c].max(0.0));
        let lambda: Vec<f64> = match fixed {
            Some(lambda) => lambda.to_vec(),
            None => lambda_column.iter().map(|c| at(*c)).collect(),
        };
        let mu: Vec<f64> = self
            .groups
            .iter()
            .zip(&mu_column)
            .map(|((tier, _), column)| column.map_or(lambda[*tier], |c| at(Some(c))))
            .collect();
        let value = self.dual(&lambda, &mu).0;
        tracing::debug!(
            "covering dual LP: {value:.0} ({} columns, {} rows, {:.1?})",
            lp.columns.len(),
            lp.rows.len(),
            started.elapsed()
        );
        Some((value, lambda))
    }

    /// The linear program of [`Self::exact_dual`], as a minimisation, with
    /// the columns of the tiers' and the groups' multipliers.
    #[allow(clippy::type_complexity)]
    fn dual_program(
        &self,
        fixed: Option<&[f64]>,
    ) -> (Milp, Vec<Option<usize>>, Vec<Option<usize>>) {
        let mut lp = Milp::default();
        let column = |cost: f64, sign: Sign| Column {
            lower: if sign == Sign::AtMostZero {
                f64::NEG_INFINITY
            } else {
                0.0
            },
            upper: if sign == Sign::AtMostZero {
                0.0
            } else {
                f64::INFINITY
            },
            integer: false,
            cost,
        };
        // λ moves only when not held, and only for tiers short of target.
        let lambda_column: Vec<Option<usize>> = (0..self.short.len())
            .map(|k| {
                (fixed.is_none() && self.short[k] > 1e-9)
                    .then(|| lp.add_column(column(-self.short[k], Sign::AtLeastZero)))
            })
            .collect();
        let mut mu_column = vec![None; self.groups.len()];
        for (i, _) in self.offers.iter().flat_map(|o| &o.gains) {
            if mu_column[*i].is_some() {
                continue;
            }
            let (tier, open) = self.groups[*i];
            let mu = lp.add_column(column(0.0, Sign::AtLeastZero));
            let s = lp.add_column(column(-open, Sign::AtMostZero));
            mu_column[*i] = Some(mu);
            // s_i − μ_i + λ_k <= 0
            let mut row = Row {
                terms: vec![(s, 1.0), (mu, -1.0)],
                lower: None,
                upper: Some(0.0),
            };
            match (fixed, lambda_column[tier]) {
                (Some(lambda), _) => row.upper = Some(-lambda[tier]),
                (None, Some(l)) => row.terms.push((l, 1.0)),
                (None, None) => {}
            }
            lp.add_row(row);
        }
        for offer in self.offers.iter().filter(|o| !o.gains.is_empty()) {
            // t_o + Σ_i gain_oi μ_i <= cost_o
            let t = lp.add_column(column(-1.0, Sign::AtMostZero));
            let mut terms = vec![(t, 1.0)];
            terms.extend(
                offer
                    .gains
                    .iter()
                    .filter_map(|(i, g)| Some((mu_column[*i]?, *g))),
            );
            lp.add_row(Row {
                terms,
                lower: None,
                upper: Some(offer.cost),
            });
        }
        (lp, lambda_column, mu_column)
    }

    /// Subgradient ascent from `lambda` (moving the tiers' multipliers too
    /// when `move_tiers`): the best dual value and its tiers' multipliers.
    fn ascend(&self, mut lambda: Vec<f64>, move_tiers: bool) -> (f64, Vec<f64>) {
        let tiers = self.short.len();
        let mut mu: Vec<f64> = self.groups.iter().map(|(k, _)| lambda[*k]).collect();
        let (mut best, _) = self.dual(&lambda, &mu);
        let mut best_lambda = lambda.clone();
        // A greedy cover's cost is the upper estimate of Polyak's step;
        // the step's scale halves when the bound stalls.
        let ceiling = self.greedy_cost();
        let mut scale = 1.0;
        let mut stalled = 0;
        for _ in 0..SUBGRADIENT_STEPS {
            let (value, bought) = self.dual(&lambda, &mu);
            if value > best + 1e-9 * best.abs().max(1.0) {
                best = value;
                best_lambda.clone_from(&lambda);
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
            let norm: f64 = if move_tiers {
                norm
            } else {
                group_slack.iter().map(|s| s * s).sum()
            };
            if norm <= 1e-18 {
                break;
            }
            let step = scale * (ceiling - value).max(0.0) / norm;
            if move_tiers {
                for k in 0..tiers {
                    lambda[k] = (lambda[k] + step * tier_slack[k]).max(0.0);
                }
            }
            for (m, s) in mu.iter_mut().zip(&group_slack) {
                *m = (*m + step * s).max(0.0);
            }
        }
        (best, best_lambda)
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
const SUBGRADIENT_STEPS: usize = 3000;

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

    /// [`Covering::dual_bound_and_prices`]: the dual's maximum by its LP.
    fn exact(c: &Covering) -> f64 {
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        c.dual_bound_and_prices(Backend::default_backend(), deadline)
            .0
    }

    /// The covering itself as a linear program (the primal, written apart
    /// from the dual the bound solves), by the backend.
    fn primal_optimum(c: &Covering) -> f64 {
        let mut lp = Milp::default();
        let x: Vec<usize> = c
            .offers
            .iter()
            .map(|o| {
                lp.add_column(Column {
                    lower: 0.0,
                    upper: 1.0,
                    integer: false,
                    cost: o.cost,
                })
            })
            .collect();
        let mut tier_rows: Vec<Row> = c.short.iter().map(|s| Row::at_least(*s)).collect();
        for (i, (tier, open)) in c.groups.iter().enumerate() {
            let y = lp.add_column(Column {
                lower: 0.0,
                upper: *open,
                integer: false,
                cost: 0.0,
            });
            tier_rows[*tier].terms.push((y, 1.0));
            let mut row = Row::at_least(0.0);
            row.terms.push((y, -1.0));
            for (o, offer) in c.offers.iter().enumerate() {
                for (_, g) in offer.gains.iter().filter(|(group, _)| *group == i) {
                    row.terms.push((x[o], *g));
                }
            }
            lp.add_row(row);
        }
        for row in tier_rows.into_iter().filter(|r| r.lower.unwrap() > 1e-9) {
            lp.add_row(row);
        }
        let limits = Limits {
            time: std::time::Duration::from_secs(60),
            gap: 0.0,
        };
        milp::solve(&lp, Backend::default_backend(), limits)
            .map_or(f64::INFINITY, |solution| solution.objective)
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
        for method in [Covering::dual_bound, exact] {
            let bound = |short| method(&covering(offers(), &groups, &[short]));
            assert!((bound(7.0) - 16.0).abs() < 1e-6, "{}", bound(7.0));
            assert!((bound(6.0) - 13.0).abs() < 1e-6, "{}", bound(6.0));
            assert!((bound(8.0) - 116.0).abs() < 1e-6, "{}", bound(8.0));
        }
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
        assert!((exact(&c) - 40.0).abs() < 1e-6, "{}", exact(&c));
    }

    /// On random small coverings the bound never exceeds the cheapest
    /// whole purchase.
    #[test]
    fn the_bound_never_exceeds_brute_force() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut compared = 0;
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
            let whole = brute_force(&c);
            let bound = c.dual_bound();
            assert!(bound <= whole + 1e-6, "bound {bound} above optimum {whole}");
            // The dual's maximum is the covering LP's optimum (strong
            // duality), at least what the ascent reaches, and still below
            // every whole purchase.
            let most = exact(&c);
            let tolerance = 1e-6 * whole.abs().max(1.0);
            assert!(
                most >= bound - tolerance,
                "LP {most} below the ascent's {bound}"
            );
            assert!(most <= whole + tolerance, "LP {most} above optimum {whole}");
            let primal = primal_optimum(&c);
            if primal.is_finite() {
                assert!(
                    (most - primal).abs() <= tolerance,
                    "dual {most}, primal {primal}"
                );
                compared += 1;
            }
        }
        assert!(compared >= 100, "only {compared} feasible coverings");
    }

    /// Along a concave curve the search ends near its top, and never
    /// calls more than it may.
    #[test]
    fn the_scale_search_finds_the_top_of_a_concave_curve() {
        for top in [0.1, 0.7, 1.0, 3.3, 20.0] {
            let mut calls = 0;
            let (scale, best) = maximise_over_scale(12, |scale: f64| {
                calls += 1;
                Some(-(scale.ln() - f64::ln(top)).powi(2))
            })
            .unwrap();
            assert!(calls <= 12);
            assert!(best > -0.01, "top {top}: best {best}");
            assert_eq!(best, -(scale.ln() - f64::ln(top)).powi(2));
        }
        let mut calls = 0;
        let none = maximise_over_scale(6, |_| {
            calls += 1;
            None
        });
        assert_eq!((none, calls), (None, 1));
    }

    /// Weighing by `θ` scales each group's gains and cap by `1 - θ`: at
    /// 0 it is the covering itself, at 1 nothing is gained and the dual at
    /// tier prices `β` is `β` times what is short; in between it is the
    /// covering with scaled gains and caps written by hand (the cheap offer
    /// is bought and the cap binds).
    #[test]
    fn a_weighed_covering_scales_each_groups_gains_and_cap() {
        let c = covering(
            vec![offer(10.0, &[(0, 2.0), (1, 1.0)]), offer(2.0, &[(1, 3.0)])],
            &[(0, 2.0), (0, 1.0)],
            &[3.0],
        );
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        let at = |c: &Covering| c.dual_bound_at(&[5.0], Backend::default_backend(), deadline);
        assert!((at(&c.weighed(&[0.0, 0.0])) - at(&c)).abs() < 1e-9);
        assert!((at(&c.weighed(&[1.0, 1.0])) - 5.0 * 3.0).abs() < 1e-9);
        let by_hand = covering(
            vec![
                offer(10.0, &[(0, 2.0), (1, 0.25)]),
                offer(2.0, &[(1, 0.75)]),
            ],
            &[(0, 2.0), (0, 0.25)],
            &[3.0],
        );
        assert!((at(&c.weighed(&[0.0, 0.75])) - at(&by_hand)).abs() < 1e-9);
    }

    #[test]
    fn nothing_short_costs_nothing() {
        let c = covering(vec![offer(10.0, &[(0, 1.0)])], &[(0, 1.0)], &[0.0]);
        assert_eq!(c.dual_bound(), 0.0);
        assert_eq!(exact(&c), 0.0);
    }
}
