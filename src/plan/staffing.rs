//! Engineers in the plan. The roster (and, with `--staffing plan`, the
//! positions the planner adds) decides at what share of each site's
//! failures a qualified engineer makes the deadline; the stock model then
//! works on what is left for the part to decide (see `SiteModel::stock_met`).

use super::model::PlanModel;
use crate::calendar::CalendarError;
use crate::people::{Cover, CoverModel, Position, Staff};
use crate::scenario::{DepotIdx, DepotStatus, PartIdx, Scenario, SiteIdx};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::time::Instant;

/// How a plan treats engineers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    /// Parts only: every failure with stock in reach counts as met (the
    /// model before engineers were planned; for comparisons).
    PartsOnly,
    /// The roster counts inside the promise; nobody is added.
    #[default]
    Keep,
    /// The roster counts, and the planner may add positions of the rota
    /// patterns of `shifts.csv` where they pay or a target needs them.
    Plan,
}

impl Staffing {
    /// The documented default: `plan` when the scenario has `shifts.csv`
    /// patterns, `keep` when it has engineers, parts only when it has
    /// neither (there is nobody to count) or no start date (no calendar to
    /// count them against).
    pub fn default_for(scenario: &Scenario) -> Staffing {
        if scenario.start_date.is_none() {
            Staffing::PartsOnly
        } else if !scenario.shift_patterns.is_empty() {
            Staffing::Plan
        } else if !scenario.engineers.is_empty() {
            Staffing::Keep
        } else {
            Staffing::PartsOnly
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Staffing::PartsOnly => "parts-only",
            Staffing::Keep => "keep",
            Staffing::Plan => "plan",
        }
    }
}

/// A position the planner added.
#[derive(Clone, Debug, PartialEq)]
pub struct AddedPosition {
    pub depot: DepotIdx,
    /// Index into the scenario's `shift_patterns`.
    pub pattern: usize,
    pub skills: Vec<String>,
    /// Yearly cost: the pattern's, plus certification per skill.
    pub cost: f64,
}

/// The engineers a plan counts, and the cover model that judges them.
#[derive(Clone, Debug)]
pub struct People {
    pub cover_model: CoverModel,
    /// The roster's positions first (in `engineers.csv` order), then the
    /// added ones.
    pub staff: Staff,
    /// Per roster engineer, the `shifts.csv` pattern its shift matches
    /// (`None`: no pattern matches, and the position is not priced).
    pub roster_pattern: Vec<Option<usize>>,
    /// Per roster engineer, its yearly cost (its pattern's, else 0).
    pub roster_prices: Vec<f64>,
    pub added: Vec<AddedPosition>,
}

impl People {
    /// Yearly cost of the roster positions that match a pattern.
    pub fn roster_cost(&self) -> f64 {
        self.roster_prices.iter().sum()
    }

    /// Yearly cost of the added positions.
    pub fn added_cost(&self) -> f64 {
        self.added.iter().map(|a| a.cost).sum()
    }

    /// Yearly cost of every position the plan counts.
    pub fn people_cost(&self) -> f64 {
        self.roster_cost() + self.added_cost()
    }

    /// Roster engineers no pattern prices.
    pub fn unpriced(&self) -> usize {
        self.roster_pattern.iter().filter(|p| p.is_none()).count()
    }

    /// The roster plus every pattern at every usable depot with every
    /// skill: the most cover any staffing gives.
    pub fn widest_staff(&self, scenario: &Scenario) -> Result<Staff, CalendarError> {
        let mut staff = self.staff.clone();
        let skills = part_skills(scenario);
        for depot in scenario.depot_indices() {
            if scenario.depot(depot).status == DepotStatus::Closed {
                continue;
            }
            for pattern in &scenario.shift_patterns {
                let rule = self
                    .cover_model
                    .rule(&mut staff, &pattern.shift_in(depot_zone(scenario, depot)))?;
                staff.positions.push(Position {
                    base: depot,
                    rule,
                    skills: skills.clone(),
                });
            }
        }
        Ok(staff)
    }

    /// Every staffing a small scenario allows: each usable depot and
    /// pattern gets no position or one with a non-empty set of the parts'
    /// skills. `None` when there are more than `limit` combinations.
    pub fn every_staffing(
        &self,
        scenario: &Scenario,
        limit: usize,
    ) -> Option<Vec<Vec<AddedPosition>>> {
        let skills = part_skills(scenario);
        if skills.len() > 8 {
            return None;
        }
        let subsets: Vec<Vec<String>> = (1..(1u32 << skills.len()))
            .map(|mask| {
                skills
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, s)| s.clone())
                    .collect()
            })
            .collect();
        let certification = scenario.costs.certification_cost;
        let mut offers: Vec<Vec<Option<AddedPosition>>> = Vec::new();
        for depot in scenario.depot_indices() {
            if scenario.depot(depot).status == DepotStatus::Closed {
                continue;
            }
            for (index, pattern) in scenario.shift_patterns.iter().enumerate() {
                let mut choices = vec![None];
                choices.extend(subsets.iter().map(|skills| {
                    Some(AddedPosition {
                        depot,
                        pattern: index,
                        skills: skills.clone(),
                        cost: pattern.cost_per_year + certification * skills.len() as f64,
                    })
                }));
                offers.push(choices);
            }
        }
        let count = offers
            .iter()
            .try_fold(1usize, |n, choices| n.checked_mul(choices.len()))?;
        if count > limit {
            return None;
        }
        let mut staffings: Vec<Vec<AddedPosition>> = vec![Vec::new()];
        for choices in &offers {
            staffings = staffings
                .iter()
                .flat_map(|added| {
                    choices.iter().map(move |choice| {
                        let mut next = added.clone();
                        next.extend(choice.clone());
                        next
                    })
                })
                .collect();
        }
        Some(staffings)
    }

    /// Keeps the first `count` added positions (their covers are the
    /// caller's to restore).
    pub fn truncate_added(&mut self, count: usize) {
        self.added.truncate(count);
        self.staff
            .positions
            .truncate(self.roster_prices.len() + count);
        self.staff.busy.truncate(self.staff.positions.len());
        self.staff
            .busy_overflowing
            .truncate(self.staff.positions.len());
    }

    /// Sets the added positions to `added` and every demand item's cover
    /// to the roster with them; their depots stay open.
    pub fn set_added(
        &mut self,
        scenario: &Scenario,
        model: &mut PlanModel,
        added: Vec<AddedPosition>,
    ) -> Result<(), CalendarError> {
        self.staff.positions.truncate(self.roster_prices.len());
        for position in &added {
            let pattern = &scenario.shift_patterns[position.pattern];
            let rule = self.cover_model.rule(
                &mut self.staff,
                &pattern.shift_in(depot_zone(scenario, position.depot)),
            )?;
            self.staff.positions.push(Position {
                base: position.depot,
                rule,
                skills: position.skills.clone(),
            });
            model.forced_open[position.depot.index()] = true;
        }
        self.added = added;
        apply(model, &self.cover_model, &mut self.staff);
        Ok(())
    }

    /// Adds positions at the `open` depots in two phases. First, while a
    /// tier's failures met with full stock fall short of `goal`, the
    /// position with the most short-tier failures met per unit of cost:
    /// stock cannot make up for engineers who are not there. Then, with
    /// stock as planned (`availability`: per demand item, the share of
    /// failures stock in reach serves), every position that saves more in
    /// penalties than it costs. Sets the new covers on `model`. Returns
    /// whether any position was added.
    pub fn add_positions(
        &mut self,
        scenario: &Scenario,
        model: &mut PlanModel,
        goal: &[f64],
        open: &[bool],
        availability: &[Vec<f64>],
        deadline: Instant,
    ) -> Result<bool, CalendarError> {
        let serving: Vec<bool> = model
            .sites
            .iter()
            .map(|s| s.reach.iter().any(|r| open[r.depot.index()]))
            .collect();
        let mut groups = Groups::build(model, &self.cover_model, availability, &serving, open);
        let certification = scenario.costs.certification_cost;
        let mut offers = Vec::new();
        for depot in scenario.depot_indices().filter(|d| open[d.index()]) {
            for (index, pattern) in scenario.shift_patterns.iter().enumerate() {
                let rule = self.cover_model.rule(
                    &mut self.staff,
                    &pattern.shift_in(depot_zone(scenario, depot)),
                )?;
                offers.push(Offer {
                    depot,
                    pattern: index,
                    rule,
                    cost: pattern.cost_per_year,
                });
            }
        }
        let skills = part_skills(scenario);
        let before = self.added.len();
        let mut short = true;
        // Lazy greedy: an offer's last score bounds its next (cover only
        // grows, so what one more position adds only shrinks), so only the
        // offer on top is re-evaluated until it stays on top.
        let mut bounds: Vec<f64> = vec![f64::INFINITY; offers.len()];
        let mut fresh = false;
        while self.added.len() < before + MAX_ADDED_PER_ROUND && Instant::now() < deadline {
            groups.full_stock = short;
            let met = groups.met(model);
            let deficit: Vec<f64> = goal.iter().zip(&met).map(|(t, m)| t - m).collect();
            if short && deficit.iter().all(|d| *d <= 1e-9) {
                short = false;
                bounds.fill(f64::INFINITY);
                continue;
            }
            // Short of a target, only the short tiers' gains count;
            // otherwise every tier's savings do.
            let wanted: Vec<bool> = deficit.iter().map(|d| !short || *d > 1e-9).collect();
            let evaluate = |index: usize| {
                let offer = &offers[index];
                let gains = groups.gains(
                    &self.cover_model,
                    &self.staff,
                    offer,
                    &skills,
                    &wanted,
                    deadline,
                );
                let penalties = &model.tier_penalties;
                choose(
                    index,
                    offer,
                    &gains,
                    &deficit,
                    short,
                    penalties,
                    certification,
                )
            };
            if !fresh {
                // Every offer once per phase (in parallel).
                let choices: Vec<Option<Choice>> =
                    (0..offers.len()).into_par_iter().map(evaluate).collect();
                for (bound, choice) in bounds.iter_mut().zip(&choices) {
                    *bound = choice.as_ref().map_or(f64::NEG_INFINITY, |c| c.score);
                }
                fresh = true;
            }
            let mut best: Option<Choice> = None;
            while let Some(top) = best_bound(&bounds) {
                let choice = evaluate(top);
                bounds[top] = choice.as_ref().map_or(f64::NEG_INFINITY, |c| c.score);
                let runner_up = bounds
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != top)
                    .map(|(_, b)| *b)
                    .fold(f64::NEG_INFINITY, f64::max);
                if choice.as_ref().is_some_and(|c| c.score >= runner_up) {
                    best = choice;
                    break;
                }
            }
            let Some(best) = best else {
                tracing::info!(
                    "staffing: no more positions help (short {short}, met {met:?}, goal {goal:?})"
                );
                if short {
                    // No position helps a short tier any more: on to savings.
                    short = false;
                    fresh = false;
                    continue;
                }
                break;
            };
            let offer = &offers[best.offer];
            tracing::debug!(
                "staffing: add {} at {:?} with {:?} (short {short}, score {})",
                offer.pattern,
                offer.depot,
                best.skills,
                best.score
            );
            let position = Position {
                base: offer.depot,
                rule: offer.rule,
                skills: best.skills.clone(),
            };
            groups.update(&self.cover_model, &self.staff, &position);
            self.staff.positions.push(position);
            self.added.push(AddedPosition {
                depot: offer.depot,
                pattern: offer.pattern,
                cost: offer.cost + certification * best.skills.len() as f64,
                skills: best.skills,
            });
            if short
                && goal
                    .iter()
                    .zip(&groups.met(model))
                    .all(|(g, m)| g - m <= 1e-9)
            {
                // The short phase is over: savings are scored afresh.
                fresh = false;
            }
        }
        if self.added.len() == before {
            groups.set_covers(model);
            return Ok(false);
        }
        // Busy chances follow the new staffing.
        apply(model, &self.cover_model, &mut self.staff);
        Ok(true)
    }
}

/// Failures per year a position must meet on a short tier to be added for
/// it: less than one in twenty years does not move a target.
const MEANINGFUL_GAIN: f64 = 0.05;

/// The offer with the highest score bound that may still score, lowest
/// index first among equals.
fn best_bound(bounds: &[f64]) -> Option<usize> {
    bounds
        .iter()
        .enumerate()
        // Offers that cannot score are at minus infinity.
        .filter(|(_, b)| **b > f64::NEG_INFINITY)
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

/// A site's demand scores positions at its this many nearest open depots
/// only. A position farther away than the third-nearest depot serves the
/// site later than one there would, at the same price, so the greedy would
/// not pick it for the site; scoring it for every site of the country is
/// what made the search run out of time at national scale (180 offers
/// times every site's demand).
const NEAREST_BASES: usize = 3;

/// Positions one round of [`People::add_positions`] adds at most.
const MAX_ADDED_PER_ROUND: usize = 200;

/// A pattern at a depot the planner may staff.
#[derive(Clone, Copy, Debug)]
struct Offer {
    depot: DepotIdx,
    pattern: usize,
    /// Its rule among the staff's.
    rule: usize,
    cost: f64,
}

/// The best position of one offer.
#[derive(Clone, Debug)]
struct Choice {
    offer: usize,
    skills: Vec<String>,
    score: f64,
}

/// Picks the skills of offer `index`'s position. Short of a target: the
/// skills in order of short-tier failures gained, as long as the gain per
/// unit of cost grows. Otherwise: the skills whose penalty savings exceed
/// their certification, if together they exceed the pattern's cost.
fn choose(
    index: usize,
    offer: &Offer,
    gains: &[(String, Vec<f64>)],
    deficit: &[f64],
    short: bool,
    penalties: &[f64],
    certification: f64,
) -> Option<Choice> {
    if short {
        let mut by_gain: Vec<(&String, f64)> = gains
            .iter()
            .map(|(skill, met)| {
                let gain: f64 = met
                    .iter()
                    .zip(deficit)
                    .filter(|(_, d)| **d > 1e-9)
                    .map(|(m, _)| *m)
                    .sum();
                (skill, gain)
            })
            .filter(|(_, gain)| *gain >= MEANINGFUL_GAIN)
            .collect();
        by_gain.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let (mut skills, mut gain, mut best_ratio) = (Vec::new(), 0.0, 0.0);
        for (skill, more) in by_gain {
            let cost = offer.cost + certification * (skills.len() + 1) as f64;
            let ratio = (gain + more) / cost.max(1e-9);
            if ratio <= best_ratio {
                break;
            }
            skills.push(skill.clone());
            gain += more;
            best_ratio = ratio;
        }
        return (!skills.is_empty()).then_some(Choice {
            offer: index,
            skills,
            score: best_ratio,
        });
    }
    let mut skills = Vec::new();
    let mut saving = 0.0;
    for (skill, met) in gains {
        let value = met.iter().zip(penalties).map(|(m, p)| m * p).sum::<f64>() - certification;
        if value > 0.0 {
            skills.push(skill.clone());
            saving += value;
        }
    }
    let net = saving - offer.cost;
    (net > 0.0).then_some(Choice {
        offer: index,
        skills,
        score: net,
    })
}

/// The demand items of one site that share a skill and a repair time, and
/// so one cover.
#[derive(Clone, Debug)]
pub(super) struct Group {
    /// Index into the model's sites.
    pub(super) model_site: usize,
    pub(super) site: SiteIdx,
    /// One of its parts (they all time alike).
    pub(super) part: PartIdx,
    pub(super) skill: String,
    pub(super) tier: usize,
    /// Indices into the site's demand.
    pub(super) items: Vec<usize>,
    /// Per item: failures per year, the share stock in reach serves, and
    /// whether an open depot reaches the site at all.
    rates: Vec<(f64, f64, bool)>,
    pub(super) cover: Cover,
}

impl Group {
    /// Failures per year met in time under `cover`, stock as planned or
    /// (`full_stock`) never short where a depot is in reach.
    pub(super) fn met(&self, cover: Cover, full_stock: bool) -> f64 {
        self.rates
            .iter()
            .map(|(rate, stock, served)| {
                let stock = match (full_stock, served) {
                    (true, true) => 1.0,
                    (true, false) => 0.0,
                    (false, _) => *stock,
                };
                rate * (cover.by_emergency + stock * (cover.with_stock - cover.by_emergency))
            })
            .sum()
    }

    /// Per item, failures per year.
    pub(super) fn item_rates(&self) -> impl Iterator<Item = f64> + '_ {
        self.rates.iter().map(|(rate, ..)| *rate)
    }

    /// Failures per year better cover could still win.
    pub(super) fn open_demand(&self, full_stock: bool) -> f64 {
        let full = Cover {
            with_stock: 1.0,
            by_emergency: 1.0,
        };
        self.met(full, full_stock) - self.met(self.cover, full_stock)
    }
}

pub(super) struct Groups {
    pub(super) groups: Vec<Group>,
    /// Per model site, the open depots a position that serves it is
    /// offered at (see [`NEAREST_BASES`]).
    nearest_bases: Vec<Vec<DepotIdx>>,
    /// Whether [`Group::met`] counts full stock (the first phase).
    full_stock: bool,
}

impl Groups {
    /// `serving[site]`: whether an open depot reaches the site in time;
    /// `open[depot]`: where positions may go.
    pub(super) fn build(
        model: &PlanModel,
        cover_model: &CoverModel,
        availability: &[Vec<f64>],
        serving: &[bool],
        open: &[bool],
    ) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut nearest_bases = Vec::with_capacity(model.sites.len());
        for (model_site, site) in model.sites.iter().enumerate() {
            nearest_bases.push(cover_model.nearest_bases(site.site, open, NEAREST_BASES));
            let first = groups.len();
            for (item, (part, rate)) in site.demand.iter().enumerate() {
                let (skill, repair) = cover_model.skill_of(*part);
                let stock = availability[model_site][item];
                let served = serving[model_site];
                let same = groups[first..].iter_mut().find(|g| {
                    let (s, r) = cover_model.skill_of(g.part);
                    s == skill && r == repair
                });
                match same {
                    Some(group) => {
                        group.items.push(item);
                        group.rates.push((*rate, stock, served));
                    }
                    None => groups.push(Group {
                        model_site,
                        site: site.site,
                        part: *part,
                        skill: skill.to_string(),
                        tier: site.tier.index(),
                        items: vec![item],
                        rates: vec![(*rate, stock, served)],
                        cover: site.cover[item],
                    }),
                }
            }
        }
        Groups {
            groups,
            nearest_bases,
            full_stock: true,
        }
    }

    /// Failures per year met in time per tier.
    pub(super) fn met(&self, model: &PlanModel) -> Vec<f64> {
        let mut met = vec![0.0; model.tier_count()];
        for group in &self.groups {
            met[group.tier] += group.met(group.cover, self.full_stock);
        }
        met
    }

    /// Per skill, the failures per year per tier one more position of
    /// `offer` with only that skill would meet.
    fn gains(
        &self,
        cover_model: &CoverModel,
        staff: &Staff,
        offer: &Offer,
        skills: &[String],
        wanted: &[bool],
        deadline: Instant,
    ) -> Vec<(String, Vec<f64>)> {
        let tiers = self.groups.iter().map(|g| g.tier + 1).max().unwrap_or(0);
        let mut gains: Vec<(String, Vec<f64>)> = skills
            .iter()
            .map(|s| (s.clone(), vec![0.0; tiers]))
            .collect();
        for (index, group) in self.groups.iter().enumerate() {
            // Out of time: what was summed so far (the offer may then score
            // low; the run says it stopped at the time limit).
            if index % 64 == 0 && Instant::now() >= deadline {
                break;
            }
            // Short of a target, only short tiers score (see `choose`).
            if !wanted[group.tier]
                || !self.nearest_bases[group.model_site].contains(&offer.depot)
                || group.open_demand(self.full_stock) <= 1e-9
                || !cover_model.can_respond(offer.depot, group.site)
            {
                continue;
            }
            let position = Position {
                base: offer.depot,
                rule: offer.rule,
                skills: vec![group.skill.clone()],
            };
            if !cover_model.would_respond(staff, &position, group.site, &group.skill) {
                continue;
            }
            let cover = cover_model.cover_with(staff, Some(&position), group.site, group.part);
            let gain = group.met(cover, self.full_stock) - group.met(group.cover, self.full_stock);
            if let Some((_, per_tier)) = gains.iter_mut().find(|(s, _)| *s == group.skill) {
                per_tier[group.tier] += gain;
            }
        }
        gains
    }

    /// The covers once `position` joins `staff`.
    fn update(&mut self, cover_model: &CoverModel, staff: &Staff, position: &Position) {
        self.groups.par_iter_mut().for_each(|group| {
            if position.has_skill(&group.skill)
                && cover_model.can_respond(position.base, group.site)
                && cover_model.would_respond(staff, position, group.site, &group.skill)
            {
                group.cover = cover_model.cover_with(staff, Some(position), group.site, group.part);
            }
        });
    }

    fn set_covers(&self, model: &mut PlanModel) {
        let mut covers: Vec<Vec<Cover>> = model.sites.iter().map(|s| s.cover.clone()).collect();
        for group in &self.groups {
            for item in &group.items {
                covers[group.model_site][*item] = group.cover;
            }
        }
        model.set_covers(covers);
    }
}

/// The skills of the scenario's parts, sorted.
pub(super) fn part_skills(scenario: &Scenario) -> Vec<String> {
    let skills: BTreeSet<&str> = scenario.parts.iter().map(|p| p.skill.as_str()).collect();
    skills.into_iter().map(str::to_string).collect()
}

/// The zone a position at `depot` works in: the depot's (as for its engineers).
pub(super) fn depot_zone(scenario: &Scenario, depot: DepotIdx) -> chrono_tz::Tz {
    scenario.depot(depot).tz.unwrap_or(chrono_tz::UTC)
}

/// The cover model of `model`'s sites: each part comes from the site's
/// fastest usable depot in reach.
fn cover_model(
    scenario: &Scenario,
    travel: &[Vec<Option<f64>>],
    start_date: chrono::NaiveDate,
    model: &PlanModel,
) -> Result<CoverModel, CalendarError> {
    let reach: Vec<Option<(DepotIdx, f64)>> = model
        .sites
        .iter()
        .map(|s| s.reach.first().map(|r| (r.depot, r.hours)))
        .collect();
    CoverModel::build(scenario, start_date, travel, &reach)
}

/// Builds the cover model and the roster's staff, prices the roster at its
/// matching patterns, and sets the covers of every demand item of `model`.
pub fn count_roster(
    scenario: &Scenario,
    travel: &[Vec<Option<f64>>],
    start_date: chrono::NaiveDate,
    model: &mut PlanModel,
) -> Result<People, CalendarError> {
    let cover_model = cover_model(scenario, travel, start_date, model)?;
    let mut staff = cover_model.roster(scenario)?;
    apply(model, &cover_model, &mut staff);
    let roster_pattern: Vec<Option<usize>> = scenario
        .engineers
        .iter()
        .map(|e| {
            scenario
                .shift_patterns
                .iter()
                .position(|p| p.matches(&e.shift))
        })
        .collect();
    let roster_prices = roster_pattern
        .iter()
        .map(|p| p.map_or(0.0, |p| scenario.shift_patterns[p].cost_per_year))
        .collect();
    Ok(People {
        cover_model,
        staff,
        roster_pattern,
        roster_prices,
        added: Vec::new(),
    })
}

/// Sets every demand item's cover from `staff`, every position counted as
/// free whenever a failure comes (its widest cover).
pub fn apply_free(model: &mut PlanModel, cover_model: &CoverModel, staff: &Staff) {
    let mut free = staff.clone();
    free.busy.clear();
    free.busy_overflowing.clear();
    let demand: Vec<(SiteIdx, Vec<_>)> = model
        .sites
        .iter()
        .map(|s| (s.site, s.demand.iter().map(|(part, _)| *part).collect()))
        .collect();
    model.set_covers(cover_model.covers(&free, &demand));
}

/// Sets every demand item's cover from `staff`, with each position's
/// chance of being busy estimated from the demand it serves.
pub fn apply(model: &mut PlanModel, cover_model: &CoverModel, staff: &mut Staff) {
    let rates: Vec<(SiteIdx, Vec<_>)> = model
        .sites
        .iter()
        .map(|s| (s.site, s.demand.clone()))
        .collect();
    cover_model.estimate_busy(staff, &rates);
    let demand: Vec<(SiteIdx, Vec<_>)> = model
        .sites
        .iter()
        .map(|s| (s.site, s.demand.iter().map(|(part, _)| *part).collect()))
        .collect();
    model.set_covers(cover_model.covers(staff, &demand));
}

/// Counts `engineers` in `model` (every demand item's cover), as a plan
/// that counted them did: for readers that re-evaluate a written plan.
pub fn count_engineers(
    scenario: &Scenario,
    travel: &[Vec<Option<f64>>],
    model: &mut PlanModel,
    engineers: &[crate::scenario::Engineer],
) -> Result<(), CalendarError> {
    let Some(start_date) = scenario.start_date else {
        return Ok(());
    };
    let cover_model = cover_model(scenario, travel, start_date, model)?;
    let mut staff = cover_model.staff_of(engineers)?;
    apply(model, &cover_model, &mut staff);
    Ok(())
}
