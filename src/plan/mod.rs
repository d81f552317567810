//! The stocking planner: which depots to open, how many of each part to
//! stock where and which engineer positions to add, so each tier meets its
//! on-time target at the lowest yearly cost. docs/plan.md ("How `plan`
//! works") describes the model.

pub mod bound;
pub mod check;
pub mod curve;
pub mod lateral;
mod model;
mod network;
mod open_search;
mod people_bound;
mod pool_bound;
mod progress;
mod staffing;
mod stock_model;
mod stocking;

pub use crate::milp::{Backend, Limits, MilpError, MilpStatus};
pub use bound::LagrangianBound;
pub use model::{ModelError, PlanModel, Reach, SiteModel, TravelHours, depot_site_hours};
pub use people_bound::added_cost_bound;
pub use progress::{PlanProgress, observed};
pub use staffing::{AddedPosition, People, Staffing, count_engineers, count_roster};
pub use stock_model::{erlang_b, expected_backorders, fill_curve, fill_rate, poisson_pmf};
pub use stocking::{Assignment, Pool, Unserved};

use crate::people::{Cover, Staff};
use crate::scenario::{DepotIdx, PartIdx, Scenario, SiteIdx};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

/// Options of one planning run.
#[derive(Clone, Copy, Debug)]
pub struct PlanOptions {
    pub backend: Backend,
    /// Wall-clock budget of the whole run.
    pub time_limit: Duration,
    /// Relative gap at which the search may stop.
    pub gap: f64,
    /// How engineers count ([`Staffing::default_for`] is the documented default).
    pub staffing: Staffing,
}

/// How the run ended, stated as the bound proves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// The cost equals the lower bound (within 1e-6).
    Optimal,
    /// The gap to the lower bound is within the requested gap.
    GapLimit,
    /// The search ended (no improving move) with a larger gap than requested:
    /// the plan may or may not be optimal.
    Feasible,
    /// The time limit stopped the search; the best plan found is returned.
    TimeLimit,
}

/// Yearly cost of a plan and its parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct CostBreakdown {
    pub fixed_cost: f64,
    pub holding_cost: f64,
    /// Tier penalties of expected breaches.
    pub expected_penalty: f64,
    /// Emergency shipments for demand that found no stock in reach.
    pub emergency_cost: f64,
    /// Engineers: the roster's positions priced at their matching
    /// `shifts.csv` pattern, and the positions the planner added.
    pub people_cost: f64,
    pub total_cost: f64,
}

/// Service of one tier.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TierService {
    pub tier: String,
    pub target: f64,
    /// Expected share of incidents met in time.
    pub expected_attainment: f64,
    /// The best share any plan can reach (sites out of reach of every
    /// usable depot cap it).
    pub attainable: f64,
    /// Failures per year.
    pub demand: f64,
    pub expected_breaches: f64,
    /// The parts half of the promise: the share of failures whose part is
    /// on the shelf of the serving depot (the parts-only promise, were
    /// engineers always in time).
    #[serde(default = "whole")]
    pub parts_attainment: f64,
    /// The people half: the share of failures a qualified engineer makes in
    /// time when the part is in reach (1 when people are not counted).
    #[serde(default = "whole")]
    pub people_attainment: f64,
}

/// The share of a half of the promise that summaries and comparisons
/// written before the split did not state.
pub(crate) fn whole() -> f64 {
    1.0
}

/// A stocking plan.
#[derive(Clone, Debug)]
pub struct Plan {
    pub open: Vec<bool>,
    pub assignment: Assignment,
    pub pools: Vec<Pool>,
    pub stock: Vec<u32>,
    pub costs: CostBreakdown,
    pub tiers: Vec<TierService>,
    pub lower_bound: f64,
    /// The cost under the planning model, each site counting on its
    /// primary depot's stock alone: what `lower_bound` and `gap` are about
    /// (`costs` also count backup depots, see `lateral.rs`).
    pub planned_cost: f64,
    /// The Lagrangian relaxation behind the bound (its own value, which
    /// `lower_bound` may exceed when an exact enumeration proved more).
    pub lagrangian: LagrangianBound,
    pub gap: f64,
    pub status: PlanStatus,
    pub backend: Backend,
    /// Open sets whose stock was optimised.
    pub evaluations: usize,
    /// Sites no usable depot reaches in time.
    pub unreachable: Vec<SiteIdx>,
    /// What the MILP solver's fallbacks did, for the user (empty when
    /// every solve went through at the first attempt).
    pub solver_notes: Vec<String>,
    pub model: PlanModel,
    /// The engineers the plan counts (`None`: parts only).
    pub people: Option<People>,
    pub staffing: Staffing,
}

/// Why no plan was produced.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("no set of open depots meets the tier targets")]
    NoFeasiblePlan,
    #[error("engineers' calendars: {0}")]
    Calendar(#[from] crate::calendar::CalendarError),
    #[error("engineers cannot be counted without a start date (`start_date` in scenario.toml)")]
    NoStartDate,
}

/// A set of open depots with its optimised stock.
#[derive(Clone, Debug)]
struct Candidate {
    open: Vec<bool>,
    assignment: Assignment,
    pools: Vec<Pool>,
    unserved: Unserved,
    stock: Vec<u32>,
    cost: f64,
}

/// Open sets are enumerated completely up to this many candidate depots.
const EXHAUSTIVE_CANDIDATES: usize = 10;
/// Up to this many candidates, every open set's stock is solved exactly.
const EXACT_EVERY_SET_CANDIDATES: usize = 4;
/// Share of the time limit the lower bound may use.
const BOUND_SHARE: f64 = 0.4;
/// Share of the time left after the assignment bound that the search may
/// use before the bound resumes.
const SEARCH_SHARE: f64 = 0.5;
/// Share of the time left after the search that the stock polish keeps
/// when the bound goes on.
const POLISH_SHARE: f64 = 0.15;
/// Seed of the search's random large moves (fixed: same input, same moves).
const KICK_SEED: u64 = 19;
/// Large moves in a row without improvement before the search stops.
const MAX_KICKS_WITHOUT_IMPROVEMENT: usize = 200;
/// Share of the time left after the region bound that the assignment bound
/// may use when a region was too large to enumerate.
const ASSIGNMENT_SHARE: f64 = 0.6;
/// Share of the time left after the region bound that the priced open-set
/// search may use before the assignment bound starts.
const PRICED_SHARE: f64 = 0.25;
/// Demand items above which a network is large: the search by full plans
/// (a second each there) gives way to the priced search.
const LARGE_NETWORK_ITEMS: usize = 20_000;

/// Every usable depot open.
fn all_open(model: &PlanModel) -> Vec<bool> {
    let mut open = model.forced_open.clone();
    for depot in &model.usable {
        open[depot.index()] = true;
    }
    open
}

/// Plans a scenario. `travel` holds depot-to-site travel hours.
pub fn plan(
    scenario: &Scenario,
    travel: &TravelHours,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let started = Instant::now();
    let deadline = started + options.time_limit;
    let mut model = PlanModel::build(scenario, travel)?;
    let Some(start_date) = scenario
        .start_date
        .filter(|_| options.staffing != Staffing::PartsOnly)
    else {
        if options.staffing != Staffing::PartsOnly {
            return Err(PlanError::NoStartDate);
        }
        let attainable = attainable_demand(&model);
        let target = target_demand(&model, &attainable);
        let (best, proof, effort) =
            solve_network(&model, &target, None, options, started, deadline)?;
        let parts = Solved {
            best,
            proof,
            effort,
        };
        return Ok(finish(scenario, model, &attainable, parts, options, None));
    };
    let mut people = staffing::count_roster(scenario, travel, start_date, &mut model)?;
    tracing::info!("roster counted, {:.1?}", started.elapsed());
    if options.staffing == Staffing::Keep {
        let attainable = attainable_demand(&model);
        let target = target_demand(&model, &attainable);
        let (best, mut proof, effort) =
            solve_network(&model, &target, None, options, started, deadline)?;
        // The roster is a given: its cost is in every plan.
        proof.lower_bound += people.people_cost();
        let parts = Solved {
            best,
            proof,
            effort,
        };
        return Ok(finish(
            scenario,
            model,
            &attainable,
            parts,
            options,
            Some(people),
        ));
    }
    // Staffing planned: the best any plan reaches is with every pattern at
    // every usable depot, and a bound on that model bounds every staffing.
    let widest = widest_model(scenario, &model, &people)?;
    let attainable = attainable_demand(&widest);
    let target = target_demand(&model, &attainable);
    tracing::info!("widest staffing counted, {:.1?}", started.elapsed());
    if model.candidates().len() <= EXACT_EVERY_SET_CANDIDATES {
        if let Some(staffings) = people.every_staffing(scenario, EXACT_STAFFINGS) {
            return plan_every_staffing(
                scenario,
                model,
                people,
                staffings,
                &attainable,
                &target,
                options,
                started,
            );
        }
    }
    // First the network the targets need with engineers wherever wanted:
    // its open depots are where positions may go, and its bound is a bound
    // on every staffing (more cover never costs the parts more for the
    // same targets).
    let (ideal, ideal_proof, _) = solve_network(
        &widest,
        &target,
        None,
        options,
        started,
        Instant::now() + options.time_limit.mul_f64(IDEAL_NETWORK_SHARE),
    )?;
    // What the positions any plan must add cost at least (a share of the
    // time; cut short, the bound is weaker, not wrong).
    let (added_bound, joint_bound) = people_bounds(
        &people,
        scenario,
        &model,
        &widest,
        &target,
        options,
        &stock_availability(&widest, &ideal),
    )?;
    tracing::info!(
        "parts and added positions cost at least {:.0} together ({:.0} apart), {:.1?}",
        joint_bound.unwrap_or(f64::NAN),
        ideal_proof.lower_bound + added_bound,
        started.elapsed()
    );
    // Enough engineers that stock can reach the target, as far as any
    // staffing can.
    let goal: Vec<f64> = (0..model.tier_count())
        .map(|k| (target[k] + STAFFING_HEADROOM * model.tier_demand[k]).min(attainable[k]))
        .collect();
    let mut open = ideal.open.clone();
    let mut availability = stock_availability(&model, &ideal);
    let mut rounds = 0;
    let mut previous: Option<(Solved, PlanModel, usize)> = None;
    let (best, mut proof, effort) = loop {
        rounds += 1;
        let added =
            people.add_positions(scenario, &mut model, &goal, &open, &availability, deadline)?;
        tracing::info!(
            "staffing round {rounds}: {} position(s), {:.1?}",
            people.added.len(),
            started.elapsed()
        );
        // A position's depot stays open.
        for position in &people.added {
            model.forced_open[position.depot.index()] = true;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let share = 1.0 / f64::from((STAFFING_ROUNDS + 1).saturating_sub(rounds).max(1));
        let round_deadline = Instant::now() + left.mul_f64(share);
        // A target the staffing cannot reach yet is planned as far as it can.
        let reachable = target_demand(&model, &attainable_demand(&model));
        let round_target: Vec<f64> = target
            .iter()
            .zip(&reachable)
            .map(|(t, r)| t.min(*r))
            .collect();
        let (best, proof, effort) = match solve_network(
            &model,
            &round_target,
            Some(&open),
            options,
            started,
            round_deadline,
        ) {
            Ok(found) => found,
            // Out of time with nothing feasible for the new staffing:
            // the previous round's plan stands, without its additions.
            Err(PlanError::NoFeasiblePlan) if previous.is_some() => {
                let (solved, kept, added) = previous.take().expect("checked");
                model = kept;
                people.truncate_added(added);
                tracing::warn!(
                    "staffing round {rounds} found no plan in time; the previous one stands"
                );
                break (solved.best, solved.proof, solved.effort);
            }
            Err(error) => return Err(error),
        };
        if !added || rounds >= STAFFING_ROUNDS || Instant::now() >= deadline {
            break (best, proof, effort);
        }
        open.clone_from(&best.open);
        availability = stock_availability(&model, &best);
        previous = Some((
            Solved {
                best,
                proof,
                effort,
            },
            model.clone(),
            people.added.len(),
        ));
    };
    let best = prune_positions(scenario, &mut model, &mut people, best, &target, deadline)?;
    // The added positions' bound holds for plans that meet the targets;
    // a plan this staffing could not bring to them is bounded without it.
    let reachable = target_demand(&model, &attainable_demand(&model));
    let meets_targets = reachable.iter().zip(&target).all(|(r, t)| r >= t);
    let parts_and_added = if meets_targets {
        let apart = ideal_proof.lower_bound + added_bound;
        joint_bound.map_or(apart, |joint| joint.max(apart))
    } else {
        ideal_proof.lower_bound
    };
    proof.lower_bound = parts_and_added + people.roster_cost();
    tracing::info!(
        "staffing: {} position(s) added in {rounds} round(s)",
        people.added.len()
    );
    let parts = Solved {
        best,
        proof,
        effort,
    };
    Ok(finish(
        scenario,
        model,
        &attainable,
        parts,
        options,
        Some(people),
    ))
}

/// Drops added positions that later ones made redundant: the greedy rounds
/// add a position for what it gives at the time, and a later one (or the
/// stock) may give the same. Each, the dearest first, is taken out, the
/// stock re-planned on the same depots, and the removal kept when the plan
/// still meets what it met and costs less. A quick trial first skips the
/// removals that cannot pay ([`Standing::removal_might_pay`]). Stops at `deadline`.
fn prune_positions(
    scenario: &Scenario,
    model: &mut PlanModel,
    people: &mut People,
    mut best: Candidate,
    target: &[f64],
    deadline: Instant,
) -> Result<Candidate, PlanError> {
    let reachable = target_demand(model, &attainable_demand(model));
    let goal: Vec<f64> = target
        .iter()
        .zip(&reachable)
        .map(|(t, r)| t.min(*r))
        .collect();
    let original = people.added.clone();
    let mut order: Vec<usize> = (0..original.len()).collect();
    order.sort_by(|a, b| {
        original[*b]
            .cost
            .total_cmp(&original[*a].cost)
            .then(b.cmp(a))
    });
    let mut removed = vec![false; original.len()];
    let (mut dropped, mut skipped) = (0, 0);
    // A trial re-counts every cover (about 0.7 s nationally): one is
    // started only while the longest so far still fits before the
    // deadline, so the run ends within its time limit.
    let mut longest = Duration::ZERO;
    for index in order {
        let trial_started = Instant::now();
        if trial_started + longest >= deadline {
            break;
        }
        // Its place among the positions still added.
        let added = (0..index).filter(|i| !removed[*i]).count();
        let standing = Standing {
            model,
            people,
            best: &best,
            goal: &goal,
            deadline,
        };
        if !standing.removal_might_pay(added) {
            skipped += 1;
            continue;
        }
        let removal = standing.removal_trial(scenario, added)?;
        longest = longest.max(trial_started.elapsed());
        if let Some(removal) = removal {
            removed[index] = true;
            dropped += 1;
            *model = removal.model;
            *people = removal.people;
            best = removal.plan;
        }
    }
    tracing::debug!("staffing: {skipped} removal(s) skipped by the quick trial");
    if dropped > 0 {
        tracing::info!("staffing: {dropped} added position(s) dropped as redundant");
    }
    Ok(best)
}

/// A plan without one of the added positions.
struct Removal {
    model: PlanModel,
    people: People,
    plan: Candidate,
}

/// The plan an added position's removal is tried against.
#[derive(Clone, Copy)]
struct Standing<'a> {
    model: &'a PlanModel,
    people: &'a People,
    best: &'a Candidate,
    /// What the stock must meet per tier.
    goal: &'a [f64],
    deadline: Instant,
}

impl Standing<'_> {
    /// The plan without the `added`-th added position: every cover re-counted
    /// (busy chances re-estimated), the stock re-planned on the same depots.
    /// `Some` when that still meets `goal` and costs less than `best` with the
    /// position.
    fn removal_trial(
        &self,
        scenario: &Scenario,
        added: usize,
    ) -> Result<Option<Removal>, PlanError> {
        let mut kept = self.people.added.clone();
        kept.remove(added);
        let mut trial_model = self.model.clone();
        let mut trial_people = self.people.clone();
        trial_people.set_added(scenario, &mut trial_model, kept)?;
        let Some(found) = self.restock(&trial_model) else {
            return Ok(None);
        };
        let before = self.best.cost + self.people.people_cost();
        let after = found.cost + trial_people.people_cost();
        Ok((after < before - 1e-6).then_some(Removal {
            model: trial_model,
            people: trial_people,
            plan: found,
        }))
    }

    /// Whether taking out the `added`-th added position might make the plan
    /// cheaper, by a quick trial that flatters the removal: the other positions
    /// keep the busy chances they have beside it (without it they take its
    /// calls and are busier, so their covers only fall), and only the demand it
    /// can reach on a clock of at most [`SCREENED_CLOCK`] is re-counted (its
    /// cover elsewhere is kept, which only flatters the trial further). When
    /// even this trial's stock costs more than the position saves, the full
    /// trial (every cover re-counted with busy chances re-estimated, about 0.7 s
    /// nationally) would too, and is skipped.
    fn removal_might_pay(&self, added: usize) -> bool {
        let staff_index = self.people.roster_prices.len() + added;
        let mut trial = self.model.clone();
        trial.set_covers(self.covers_without(staff_index));
        self.restock(&trial)
            .is_some_and(|found| found.cost - self.people.added[added].cost < self.best.cost - 1e-6)
    }

    /// The stock `trial` needs to meet `goal` on the best plan's open depots;
    /// `None` if no stock does.
    fn restock(&self, trial: &PlanModel) -> Option<Candidate> {
        let required = stock_requirement(trial, self.goal);
        Search::new(trial, &required, self.deadline).evaluate(&self.best.open)
    }

    /// Every demand item's cover as the quick trial counts it without the
    /// staff's position `staff_index` (see [`Self::removal_might_pay`]).
    fn covers_without(&self, staff_index: usize) -> Vec<Vec<Cover>> {
        let position = &self.people.staff.positions[staff_index];
        let cover_model = &self.people.cover_model;
        let sites = &self.model.sites;
        let reached: Vec<(usize, Vec<usize>)> = sites
            .iter()
            .enumerate()
            .filter(|(_, site)| {
                cover_model.most_allowed(site.site) <= SCREENED_CLOCK
                    && cover_model.can_respond(position.base, site.site)
            })
            .filter_map(|(index, site)| {
                let items: Vec<usize> = (0..site.demand.len())
                    .filter(|item| position.has_skill(cover_model.skill_of(site.demand[*item].0).0))
                    .collect();
                (!items.is_empty()).then_some((index, items))
            })
            .collect();
        let demand: Vec<(SiteIdx, Vec<PartIdx>)> = reached
            .iter()
            .map(|(index, items)| {
                let site = &sites[*index];
                (site.site, items.iter().map(|i| site.demand[*i].0).collect())
            })
            .collect();
        let recounted = cover_model.covers(&self.people.staff.without(staff_index), &demand);
        let mut covers: Vec<Vec<Cover>> = sites.iter().map(|s| s.cover.clone()).collect();
        for ((index, items), site_covers) in reached.iter().zip(recounted) {
            for (item, cover) in items.iter().zip(site_covers) {
                covers[*index][*item] = cover;
            }
        }
        covers
    }
}

/// The clocks whose demand [`Standing::removal_might_pay`] re-counts: at most
/// a day. A position changes most on the tightest clocks, whose covers are
/// also the quickest to count (a few dozen classes of failure instants against
/// a few thousand on a next-business-day clock).
const SCREENED_CLOCK: crate::calendar::Seconds = 24 * 3600;

/// A network solve: the best candidate, what bounds it, how much searching
/// it took.
struct Solved {
    best: Candidate,
    proof: Proof,
    effort: SearchEffort,
}

/// Up to this many staffings (small scenarios), each is planned exactly.
const EXACT_STAFFINGS: usize = 256;

/// Plans every staffing exactly and keeps the cheapest plan: the least of
/// their proven bounds (each with its people cost) bounds the whole.
#[allow(clippy::too_many_arguments)]
fn plan_every_staffing(
    scenario: &Scenario,
    model: PlanModel,
    mut people: People,
    staffings: Vec<Vec<AddedPosition>>,
    attainable: &[f64],
    target: &[f64],
    options: PlanOptions,
    started: Instant,
) -> Result<Plan, PlanError> {
    let deadline = started + options.time_limit;
    // The cheapest: its cost, its model (covers set), its plan, and the
    // staff and positions that gave them.
    let mut best: Option<(f64, PlanModel, Solved, Staff, Vec<AddedPosition>)> = None;
    let mut lower_bound = f64::INFINITY;
    let mut evaluations = 0;
    let mut timed_out = false;
    for added in staffings {
        if Instant::now() >= deadline {
            timed_out = true;
            break;
        }
        let mut staffed = model.clone();
        people.set_added(scenario, &mut staffed, added.clone())?;
        let people_cost = people.people_cost();
        let solved = match solve_network(&staffed, target, None, options, started, deadline) {
            Ok((best, proof, effort)) => Solved {
                best,
                proof,
                effort,
            },
            // This staffing cannot meet the targets.
            Err(PlanError::NoFeasiblePlan) => continue,
            Err(error) => return Err(error),
        };
        evaluations += solved.effort.evaluations;
        lower_bound = lower_bound.min(solved.proof.lower_bound + people_cost);
        let total = solved.best.cost + people_cost;
        if best.as_ref().is_none_or(|(cost, ..)| total < cost - 1e-9) {
            best = Some((total, staffed, solved, people.staff.clone(), added));
        }
    }
    let (_, final_model, mut solved, staff, added) = best.ok_or(PlanError::NoFeasiblePlan)?;
    people.staff = staff;
    people.added = added;
    // Staffings cut short by the time limit prove nothing: costs are only
    // known to be non-negative.
    solved.proof.lower_bound = if timed_out { 0.0 } else { lower_bound };
    solved.effort.evaluations = evaluations;
    solved.effort.timed_out |= timed_out;
    Ok(finish(
        scenario,
        final_model,
        attainable,
        solved,
        options,
        Some(people),
    ))
}

/// Share of a tier's demand the engineers' cover (with full stock) is
/// staffed above its target, so that stock can reach the target at a sane
/// cost.
const STAFFING_HEADROOM: f64 = 0.01;

/// Rounds of adding positions at the open depots, then planning the network.
const STAFFING_ROUNDS: u32 = 4;
/// Share of the time limit the network planned with the widest staffing may use.
const IDEAL_NETWORK_SHARE: f64 = 0.25;

/// Share of the time limit the bound on added positions may take.
const ADDED_BOUND_SHARE: f64 = 0.1;
/// Share of the time limit the joint bound on parts and added positions
/// may use (its parts bounds; cut short, the separate bounds stand).
const JOINT_BOUND_SHARE: f64 = 0.15;

/// Per demand item, the share of failures stock in reach serves: the fill
/// rate of the serving pool at its stock (0 where no open depot reaches).
fn stock_availability(model: &PlanModel, best: &Candidate) -> Vec<Vec<f64>> {
    let fill: std::collections::HashMap<(usize, usize), f64> = best
        .pools
        .iter()
        .zip(&best.stock)
        .map(|(pool, stock)| ((pool.depot.index(), pool.part.index()), pool.fill(*stock)))
        .collect();
    model
        .sites
        .iter()
        .zip(&best.assignment.primary)
        .map(|(site, depot)| {
            site.demand
                .iter()
                .map(|(part, _)| {
                    depot.map_or(0.0, |d| {
                        fill.get(&(d.index(), part.index())).copied().unwrap_or(0.0)
                    })
                })
                .collect()
        })
        .collect()
}

/// Per tier, failures per year whose part is on the serving depot's shelf,
/// and failures a qualified engineer makes in time with the part in reach.
fn promise_halves(model: &PlanModel, availability: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let mut parts = vec![0.0; model.tier_count()];
    let mut people = vec![0.0; model.tier_count()];
    for (site, stock) in model.sites.iter().zip(availability) {
        let k = site.tier.index();
        for (((_, rate), cover), on_shelf) in site.demand.iter().zip(&site.cover).zip(stock) {
            parts[k] += rate * on_shelf;
            people[k] += rate * cover.with_stock;
        }
    }
    (parts, people)
}

/// Most units the lateral top-up adds (it adds a handful where it adds any).
const TOP_UP_UNITS: usize = 10_000;

/// The promise with lateral sourcing (`lateral.rs`), after topping up stock
/// where backups' overflow leaves a tier below what the planning model met
/// or below its target: serving another depot's sites takes a backup's
/// units from its own.
fn lateral_promise(
    model: &PlanModel,
    best: &mut Candidate,
    target: &[f64],
) -> lateral::LateralService {
    let tiers = model.tier_count();
    let planned = stocking::attained(&best.pools, &best.stock, tiers);
    let goal: Vec<f64> = (0..tiers)
        .map(|k| planned[k].min(target[k] - model.floor_met[k]))
        .collect();
    let mut added = 0;
    loop {
        let service = lateral::evaluate(model, &best.open, &stock_by_key(best));
        let short: Vec<bool> = service
            .met
            .iter()
            .zip(&goal)
            .map(|(met, goal)| *met < goal - 1e-9)
            .collect();
        if !short.contains(&true) || added >= TOP_UP_UNITS {
            return service;
        }
        let Some(q) = best_top_up(&best.pools, &best.stock, &short) else {
            return service;
        };
        best.stock[q] += 1;
        added += 1;
        if added == 1 {
            tracing::info!("lateral sourcing: stock topped up where overflow falls short");
        }
    }
}

/// The pool whose next unit serves the short tiers most per unit of holding
/// cost, as the planning model counts it.
fn best_top_up(pools: &[Pool], stock: &[u32], short: &[bool]) -> Option<usize> {
    pools
        .iter()
        .zip(stock)
        .enumerate()
        .filter_map(|(q, (pool, level))| {
            let gain = pool.fill(level + 1) - pool.fill(*level);
            let served: f64 = pool
                .tier_demand
                .iter()
                .zip(short)
                .filter(|(_, short)| **short)
                .map(|(demand, _)| demand * gain)
                .sum();
            (served > 1e-12).then_some((q, served / pool.holding.max(1e-9)))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(q, _)| q)
}

fn stock_by_key(best: &Candidate) -> std::collections::BTreeMap<(DepotIdx, PartIdx), u32> {
    best.pools
        .iter()
        .zip(&best.stock)
        .map(|(pool, units)| ((pool.depot, pool.part), *units))
        .collect()
}

/// The assignment relaxation's lower bound on its own, parts only (see
/// `pool_bound.rs`): the bound the planner uses when every depot is a
/// candidate, for comparison with other bounds and exact models. The ascent
/// runs until it converges or `time_limit` passes.
pub fn assignment_lower_bound(
    scenario: &Scenario,
    travel: &TravelHours,
    time_limit: Duration,
) -> Result<f64, PlanError> {
    let deadline = Instant::now() + time_limit;
    let model = PlanModel::build(scenario, travel)?;
    let target = target_demand(&model, &attainable_demand(&model));
    let required = stock_requirement(&model, &target);
    let mu = vec![0.0; model.tier_count()];
    let mut search = Search::new(&model, &required, deadline);
    let mut ascent = pool_bound::AssignmentAscent::new(&model, &required, &mu);
    // The minimisers' plans give the ascent its targets.
    let bound = ascent.run(
        deadline,
        0.0,
        f64::INFINITY,
        |open| search.evaluate(open).map(|found| found.cost),
        |_| {},
    );
    Ok(bound.lower_bound)
}

/// Searches open sets and stock for `model`, each tier meeting `target`
/// failures per year in time (less what is met whatever the stock).
/// `model` with every pattern at every usable depot, never busy: the
/// widest cover any staffing gives, so a bound on it bounds every staffing.
fn widest_model(
    scenario: &Scenario,
    model: &PlanModel,
    people: &People,
) -> Result<PlanModel, PlanError> {
    let mut widest = model.clone();
    staffing::apply_free(
        &mut widest,
        &people.cover_model,
        &people.widest_staff(scenario)?,
    );
    Ok(widest)
}

/// What the positions any plan meeting `target` adds cost at least on
/// their own, and what they and the parts cost at least together (see
/// `people_bound::joint_bound`; `None` when out of time), each within its
/// share of `options.time_limit`, with its backend. `model` counts the
/// roster, `widest` every pattern at every usable depot; `fill_hint` (per
/// site and demand item) weighs the joint bound's envelopes (see
/// `people_bound::joint_bound`).
fn people_bounds(
    people: &People,
    scenario: &Scenario,
    model: &PlanModel,
    widest: &PlanModel,
    target: &[f64],
    options: PlanOptions,
    fill_hint: &[Vec<f64>],
) -> Result<(f64, Option<f64>), PlanError> {
    let PlanOptions {
        time_limit,
        backend,
        ..
    } = options;
    let covering = people_bound::covering_problem(
        people,
        scenario,
        model,
        target,
        Instant::now() + time_limit.mul_f64(ADDED_BOUND_SHARE),
    )?;
    let Some((covering, groups)) = covering else {
        return Ok((0.0, None));
    };
    let joint_deadline = Instant::now() + time_limit.mul_f64(JOINT_BOUND_SHARE);
    let (added_bound, prices) = covering.dual_bound_and_prices(backend, joint_deadline);
    // Parts and positions bounded together (the product of fill and
    // cover), as far as its share of the time allows.
    let joint_bound = people_bound::joint_bound(
        &covering,
        &groups,
        &prices,
        widest,
        fill_hint,
        backend,
        joint_deadline,
        |priced, until| {
            let required = stock_requirement(priced, target);
            bound::lagrangian_bound(priced, &required, until, 0.0, |_| None)
                .lower_bound
                .max(forced_fixed_cost(priced))
        },
    );
    Ok((added_bound, joint_bound))
}

/// Lower bounds on a staffing plan's yearly cost beyond the roster, for
/// analysis and tests: the added positions' on their own, and the parts
/// and added positions together (the bound `plan` reports takes the larger
/// of that and the parts bound plus the added positions').
#[derive(Clone, Copy, Debug)]
pub struct PeopleBounds {
    pub roster: f64,
    pub added: f64,
    pub parts_and_added: Option<f64>,
}

/// The fill the joint bound on parts and added positions weighs its two
/// envelopes by (see `people_bound::joint_bound`): any fill gives a valid
/// bound, the optimum's the tightest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FillHint {
    /// The fill of the network planned with every pattern at every usable
    /// depot, never busy, as `plan` takes it.
    IdealNetwork,
    /// The same fill for every demand item.
    Uniform(f64),
}

/// [`PeopleBounds`] of any plan of `scenario` (with its start date and
/// `shifts.csv`) that meets `target` failures a year per tier, within
/// `options.time_limit` (its backend and gap plan the ideal network
/// [`FillHint::IdealNetwork`] needs).
pub fn people_bounds_of(
    scenario: &Scenario,
    travel: &TravelHours,
    target: &[f64],
    options: PlanOptions,
    fill_hint: FillHint,
) -> Result<PeopleBounds, PlanError> {
    let started = Instant::now();
    let start_date = scenario.start_date.ok_or(PlanError::NoStartDate)?;
    let mut model = PlanModel::build(scenario, travel)?;
    let people = staffing::count_roster(scenario, travel, start_date, &mut model)?;
    let widest = widest_model(scenario, &model, &people)?;
    let fill = match fill_hint {
        FillHint::IdealNetwork => {
            let deadline = started + options.time_limit.mul_f64(IDEAL_NETWORK_SHARE);
            let (ideal, ..) = solve_network(&widest, target, None, options, started, deadline)?;
            stock_availability(&widest, &ideal)
        }
        FillHint::Uniform(fill) => widest
            .sites
            .iter()
            .map(|site| vec![fill; site.demand.len()])
            .collect(),
    };
    let (added, parts_and_added) =
        people_bounds(&people, scenario, &model, &widest, target, options, &fill)?;
    Ok(PeopleBounds {
        roster: people.roster_cost(),
        added,
        parts_and_added,
    })
}

/// The best network and stock for `target` found by `deadline`, with its
/// bound. `warm`, an open set known to be good (the previous staffing
/// round's), is planned first: a run short of time then returns at least
/// that, not the every-depot-open start.
fn solve_network(
    model: &PlanModel,
    target: &[f64],
    warm: Option<&[bool]>,
    options: PlanOptions,
    started: Instant,
    deadline: Instant,
) -> Result<(Candidate, Proof, SearchEffort), PlanError> {
    let required = stock_requirement(model, target);
    let limits = Limits {
        time: deadline.saturating_duration_since(Instant::now()),
        gap: options.gap,
    };
    let candidates = model.candidates();
    let mut search = Search::new(model, &required, deadline);
    let mut incumbent: Option<Candidate> = None;
    if let Some(warm) = warm {
        let open: Vec<bool> = warm
            .iter()
            .zip(&model.forced_open)
            .map(|(w, f)| *w || *f)
            .collect();
        keep_better(search.evaluate(&open), &mut incumbent);
    }
    // The bound first: its minimisers are also good open sets, each
    // evaluated as a plan on the way (and the best kept).
    let bound_deadline = Instant::now() + limits.time.mul_f64(BOUND_SHARE);
    let lagrangian = bound::lagrangian_bound(
        model,
        &required,
        bound_deadline,
        // Cheap iterations: tighten well past the requested gap.
        options.gap * 0.1,
        |open| {
            let found = search.evaluate(open)?;
            let cost = found.cost;
            if incumbent.as_ref().is_none_or(|b| cost < b.cost - 1e-9) {
                incumbent = Some(found);
            }
            Some(cost)
        },
    );
    tracing::info!(
        "Lagrangian bound {:.0} after {} evaluations (multipliers {:?}), {:.1}s",
        lagrangian.lower_bound,
        lagrangian.evaluations,
        lagrangian.multipliers,
        started.elapsed().as_secs_f64()
    );
    let mut lower_bound = lagrangian.lower_bound.max(forced_fixed_cost(model));
    report_progress(lower_bound, incumbent.as_ref(), started);
    let mut starts = Vec::new();
    // Regions too large to enumerate and too many candidates to enumerate
    // open sets: the assignment relaxation bounds them (tighter than the
    // facility-location one, measured), and its minimisers are plans.
    let mut ascent = (!lagrangian.every_region_exact && candidates.len() > EXHAUSTIVE_CANDIDATES)
        .then(|| pool_bound::AssignmentAscent::new(model, &required, &lagrangian.multipliers));
    // The priced search over open sets (cheap moves, each local optimum
    // planned in full) gives the ascent a good plan to aim at.
    let mut priced =
        (candidates.len() > EXHAUSTIVE_CANDIDATES).then(|| open_search::PricedSearch::new(model));
    if let (Some(priced), Some(_)) = (priced.as_mut(), ascent.as_ref()) {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut starts: Vec<Vec<bool>> = incumbent.iter().map(|c| c.open.clone()).collect();
        starts.push(all_open(model));
        // On a large network each random large move costs a full plan, and
        // those made before the ascent found no better plan (measured on the
        // national instance): the ascent gets their time, and the search
        // after it makes them from its minimisers' plans as well.
        let kicks = first_search_kicks(model);
        priced.run(
            &starts,
            &required,
            Instant::now() + left.mul_f64(PRICED_SHARE),
            lower_bound / (1.0 - options.gap).max(1e-9),
            kicks,
            |open| keep_better(search.evaluate(open), &mut incumbent),
        );
        report_progress(lower_bound, incumbent.as_ref(), started);
    }
    if let Some(ascent) = ascent.as_mut() {
        let left = deadline.saturating_duration_since(Instant::now());
        let known = incumbent.as_ref().map_or(f64::INFINITY, |c| c.cost);
        let bound = ascent.run(
            Instant::now() + left.mul_f64(ASSIGNMENT_SHARE),
            options.gap * 0.5,
            known,
            |open| keep_better(search.evaluate(open), &mut incumbent),
            |bound| report_progress(bound, None, started),
        );
        lower_bound = lower_bound.max(bound.lower_bound);
        report_progress(lower_bound, incumbent.as_ref(), started);
    } else if !lagrangian.every_region_exact {
        // Some region was too large to enumerate: the facility-location
        // relaxation may bound it better, and its open set is a start.
        match network::relaxation_bound(
            model,
            &required,
            options.backend,
            network::solve_limits(limits, 0.15),
        ) {
            Ok(bound) => {
                tracing::info!(
                    "network relaxation: lower bound {:.0}, MILP {:?}",
                    bound.lower_bound,
                    bound.status
                );
                lower_bound = lower_bound.max(bound.lower_bound);
                starts.push(bound.open);
            }
            Err(error) => tracing::warn!("network relaxation failed ({error})"),
        }
    }
    let (best, exact_bound) = if candidates.len() <= EXACT_EVERY_SET_CANDIDATES {
        search.exhaustive_exact(&candidates, options.backend, limits)
    } else if candidates.len() <= EXHAUSTIVE_CANDIDATES {
        // Cut short by the deadline, the sets it reached may all cost more
        // than the warm start or the bound's minimisers.
        let mut best = search.exhaustive(&candidates);
        keep_better(incumbent, &mut best);
        (best, None)
    } else {
        let stop_below = lower_bound / (1.0 - options.gap).max(1e-9);
        // With the bound to resume, the search gets half the time left: on
        // large networks one pass of its moves can outlast the limit, while
        // the bound's minimisers keep bringing plans.
        let resumable = ascent.as_ref().is_some_and(|a| !a.converged());
        if resumable {
            let left = deadline.saturating_duration_since(Instant::now());
            search.deadline = Instant::now() + left.mul_f64(SEARCH_SHARE);
        }
        let second_search = priced_search_after_bound(model, resumable);
        if let Some(priced) = priced.as_mut().filter(|_| second_search) {
            let mut priced_starts: Vec<Vec<bool>> =
                incumbent.iter().map(|c| c.open.clone()).collect();
            priced_starts.extend(starts.iter().cloned());
            priced_starts.push(all_open(model));
            let search_deadline = search.deadline;
            priced.run(
                &priced_starts,
                &required,
                search_deadline,
                stop_below,
                usize::MAX,
                |open| keep_better(search.evaluate(open), &mut incumbent),
            );
        }
        // On a large network a full plan costs about a second, and the
        // descent's every move is one: the priced search stands in for it.
        let found = if large_network(model) && incumbent.is_some() {
            incumbent
        } else {
            search.local(&candidates, starts, incumbent, stop_below)
        };
        if resumable {
            // Its own share ran out, not the run's time.
            search.deadline = deadline;
            search.timed_out = Instant::now() >= deadline;
        }
        (found, None)
    };
    let mut best = best;
    report_progress(lower_bound, best.as_ref(), started);
    // The search has stalled short of the gap: the rest of the time (less
    // the stock polish's share) goes to the bound, whose minimisers are
    // still plans.
    if let (Some(ascent), Some(found)) = (ascent.as_mut(), best.as_ref()) {
        let gap_proven = found.cost - lower_bound <= options.gap * found.cost;
        if !gap_proven && !ascent.converged() && !search.out_of_time() {
            let left = deadline.saturating_duration_since(Instant::now());
            let known = found.cost;
            let bound = ascent.run(
                Instant::now() + left.mul_f64(1.0 - POLISH_SHARE),
                options.gap * 0.5,
                known,
                |open| keep_better(search.evaluate(open), &mut best),
                |bound| report_progress(bound, None, started),
            );
            lower_bound = lower_bound.max(bound.lower_bound);
            // Stopped by its deadline unless it converged or proved the gap
            // (which the status states first).
            search.timed_out |= !ascent.converged();
        }
    }
    let mut best = best.ok_or(PlanError::NoFeasiblePlan)?;
    tracing::info!(
        "search: {} open sets evaluated, best cost {:.0}, {:.1}s",
        search.evaluations,
        best.cost,
        started.elapsed().as_secs_f64()
    );
    if let Some(exact) = exact_bound {
        lower_bound = lower_bound.max(exact);
    } else if best.cost - lower_bound > options.gap * best.cost {
        search.timed_out |= polish_stock(
            model,
            &required,
            &mut best,
            options.backend,
            deadline,
            &mut search.solver_trouble,
        );
    }
    tracing::info!(
        "stock polished: cost {:.0}, {:.1}s",
        best.cost,
        started.elapsed().as_secs_f64()
    );
    let effort = SearchEffort {
        evaluations: search.evaluations,
        timed_out: search.timed_out,
        solver_notes: search.solver_trouble.notes(),
    };
    let proof = Proof {
        lower_bound,
        lagrangian,
    };
    Ok((best, proof, effort))
}

/// Random large moves the first priced search may make: none on a large
/// network, where each costs a full plan (see `solve_network`).
fn first_search_kicks(model: &PlanModel) -> usize {
    if large_network(model) { 0 } else { usize::MAX }
}

/// Whether the priced search runs again after the assignment bound. Not on
/// a large network whose bound resumes afterwards: there it found no better
/// plan in any run measured (the first search's plan stood), and the bound,
/// the larger side of the gap, gets its time.
fn priced_search_after_bound(model: &PlanModel, bound_resumes: bool) -> bool {
    !(bound_resumes && large_network(model))
}

/// Whether `model` has so many demand items that one full plan of an open
/// set costs about a second.
fn large_network(model: &PlanModel) -> bool {
    model.sites.iter().map(|s| s.demand.len()).sum::<usize>() > LARGE_NETWORK_ITEMS
}

/// Keeps `found` in `best` when it is cheaper; returns its cost.
fn keep_better(found: Option<Candidate>, best: &mut Option<Candidate>) -> Option<f64> {
    let found = found?;
    let cost = found.cost;
    if best.as_ref().is_none_or(|b| cost < b.cost - 1e-9) {
        *best = Some(found);
    }
    Some(cost)
}

/// Tells the run's observer (if any) the bound and the best plan so far.
fn report_progress(lower_bound: f64, best: Option<&Candidate>, started: Instant) {
    progress::report(PlanProgress {
        lower_bound,
        best_cost: best.map(|b| b.cost),
        elapsed: started.elapsed(),
    });
}

/// What bounds the cost of every plan.
struct Proof {
    lower_bound: f64,
    lagrangian: LagrangianBound,
}

/// How much searching a run did, for the plan's status and summary.
#[derive(Clone, Debug)]
struct SearchEffort {
    evaluations: usize,
    timed_out: bool,
    solver_notes: Vec<String>,
}

/// What the MILP solver's hiccups cost a run: solves its fallback chain
/// rescued, and solves no backend answered (the greedy stock stood in).
#[derive(Clone, Debug, Default)]
struct SolverTrouble {
    recovered: usize,
    first_recovery: Option<String>,
    failed: usize,
    first_failure: Option<MilpError>,
}

impl SolverTrouble {
    fn recovered(&mut self, recovery: Option<String>) {
        if let Some(recovery) = recovery {
            tracing::info!("exact stock model: {recovery}");
            self.recovered += 1;
            self.first_recovery.get_or_insert(recovery);
        }
    }

    fn failed(&mut self, error: MilpError) {
        tracing::info!("exact stock model gave nothing: {error}");
        self.failed += 1;
        self.first_failure.get_or_insert(error);
    }

    /// One line per kind of trouble, for the user.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(first) = &self.first_recovery {
            notes.push(format!(
                "{} exact stock solve(s) needed the solver fallback; the first: {first}",
                self.recovered
            ));
        }
        if let Some(first) = &self.first_failure {
            notes.push(format!(
                "{} exact stock solve(s) got no usable answer from any solver, so \
                 greedy stock stood in and those open sets prove no bound; the first: {first}",
                self.failed
            ));
        }
        notes
    }
}

fn forced_fixed_cost(model: &PlanModel) -> f64 {
    model
        .usable
        .iter()
        .filter(|d| model.forced_open[d.index()])
        .map(|d| model.fixed_cost[d.index()])
        .sum()
}

/// How far below the attainable share a tier is planned when its target is
/// at or above it: the last fraction of a point costs stock out of all
/// proportion (every pool at `max_stock`, rows a solver's tolerance from
/// infeasible), and no plan can promise more.
pub const UNATTAINABLE_MARGIN: f64 = 0.001;

/// Failures per year each tier must have met in time: the target share,
/// capped a tenth of a point ([`UNATTAINABLE_MARGIN`]) below what the best
/// possible plan reaches (`attainable`).
fn target_demand(model: &PlanModel, attainable: &[f64]) -> Vec<f64> {
    (0..model.tier_count())
        .map(|k| {
            let demand = model.tier_demand[k];
            let cap = attainable[k] - UNATTAINABLE_MARGIN * demand;
            (model.tier_targets[k] * demand).min(cap).max(0.0)
        })
        .collect()
}

/// What stock must meet of `target`: the rest is met whatever the stock.
fn stock_requirement(model: &PlanModel, target: &[f64]) -> Vec<f64> {
    target
        .iter()
        .zip(&model.floor_met)
        .map(|(t, floor)| (t - floor).max(0.0))
        .collect()
}

/// Demand per tier the best possible plan meets in time.
fn attainable_demand(model: &PlanModel) -> Vec<f64> {
    let mut open = vec![false; model.depot_count];
    for depot in &model.usable {
        open[depot.index()] = true;
    }
    let assignment = stocking::assign(model, &open);
    let (pools, _) = stocking::pools(model, &assignment);
    let full: Vec<u32> = pools.iter().map(|p| (p.curve.len() - 1) as u32).collect();
    let mut met = stocking::attained(&pools, &full, model.tier_count());
    for (met, floor) in met.iter_mut().zip(&model.floor_met) {
        *met += floor;
    }
    met
}

struct Search<'a> {
    model: &'a PlanModel,
    required: &'a [f64],
    evaluations: usize,
    timed_out: bool,
    deadline: Instant,
    solver_trouble: SolverTrouble,
}

impl<'a> Search<'a> {
    fn new(model: &'a PlanModel, required: &'a [f64], deadline: Instant) -> Self {
        Search {
            model,
            required,
            evaluations: 0,
            timed_out: false,
            deadline,
            solver_trouble: SolverTrouble::default(),
        }
    }

    /// The open set's stock by greedy marginal analysis; `None` if it cannot
    /// meet the requirements.
    fn evaluate(&mut self, open: &[bool]) -> Option<Candidate> {
        self.evaluations += 1;
        let assignment = stocking::assign(self.model, open);
        let (pools, unserved) = stocking::pools(self.model, &assignment);
        let stock = stocking::greedy(&pools, self.required)?;
        let cost = candidate_cost(self.model, open, &pools, &unserved, &stock);
        Some(Candidate {
            open: open.to_vec(),
            assignment,
            pools,
            unserved,
            stock,
            cost,
        })
    }

    fn out_of_time(&mut self) -> bool {
        if Instant::now() >= self.deadline {
            self.timed_out = true;
        }
        self.timed_out
    }

    fn open_set(&self, candidates: &[DepotIdx], mask: u64) -> Vec<bool> {
        let mut open = self.model.forced_open.clone();
        for (bit, depot) in candidates.iter().enumerate() {
            open[depot.index()] = mask & (1 << bit) != 0;
        }
        open
    }

    /// Every open set, each with exact stock; the least cost over all of them
    /// is also a lower bound (when every solve was optimal).
    fn exhaustive_exact(
        &mut self,
        candidates: &[DepotIdx],
        backend: Backend,
        limits: Limits,
    ) -> (Option<Candidate>, Option<f64>) {
        let mut best: Option<Candidate> = None;
        let mut all_optimal = true;
        for mask in 0..(1u64 << candidates.len()) {
            let open = self.open_set(candidates, mask);
            self.evaluations += 1;
            let assignment = stocking::assign(self.model, &open);
            let (pools, unserved) = stocking::pools(self.model, &assignment);
            // Every open set's solve shares the run's one limit.
            let limits = Limits {
                time: self.deadline.saturating_duration_since(Instant::now()),
                ..limits
            };
            let stock = match stocking::exact(&pools, self.required, backend, limits) {
                Ok(found) => {
                    self.solver_trouble.recovered(found.recovery);
                    all_optimal &= found.status == MilpStatus::Optimal;
                    found.stock
                }
                // Every backend failed on this open set, or called it
                // infeasible: greedy marginal analysis, which checks the
                // targets in its own arithmetic, settles it. A target set at
                // the attainable share leaves rows within a solver's
                // feasibility tolerance (seen: HiGHS on small generated
                // scenarios that greedy stock meets).
                Err(error) => match stocking::greedy(&pools, self.required) {
                    Some(stock) => {
                        self.solver_trouble.failed(error);
                        all_optimal = false;
                        stock
                    }
                    None => continue,
                },
            };
            let cost = candidate_cost(self.model, &open, &pools, &unserved, &stock);
            if best.as_ref().is_none_or(|b| cost < b.cost - 1e-9) {
                best = Some(Candidate {
                    open,
                    assignment,
                    pools,
                    unserved,
                    stock,
                    cost,
                });
            }
        }
        let bound = if all_optimal {
            best.as_ref().map(|b| b.cost)
        } else {
            None
        };
        (best, bound)
    }

    /// Every open set, stock by greedy marginal analysis.
    fn exhaustive(&mut self, candidates: &[DepotIdx]) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        for mask in 0..(1u64 << candidates.len()) {
            if self.out_of_time() {
                break;
            }
            let open = self.open_set(candidates, mask);
            if let Some(found) = self.evaluate(&open) {
                if best.as_ref().is_none_or(|b| found.cost < b.cost - 1e-9) {
                    best = Some(found);
                }
            }
        }
        best
    }

    /// Local search from the best of `incumbent`, the `starts`, the all-open
    /// set and the forced-open set: open, close or swap one candidate while
    /// that lowers the cost, until the cost is at most `stop_below` (the
    /// bound proves the requested gap) or time runs out.
    fn local(
        &mut self,
        candidates: &[DepotIdx],
        mut starts: Vec<Vec<bool>>,
        incumbent: Option<Candidate>,
        stop_below: f64,
    ) -> Option<Candidate> {
        let mut all_open = self.model.forced_open.clone();
        for depot in candidates {
            all_open[depot.index()] = true;
        }
        starts.push(all_open);
        starts.push(self.model.forced_open.clone());
        let mut best = incumbent;
        for open in starts {
            if let Some(found) = self.evaluate(&open) {
                if best.as_ref().is_none_or(|b| found.cost < b.cost - 1e-9) {
                    best = Some(found);
                }
            }
        }
        let mut best = self.descend(best?, candidates, stop_below);
        // Large-neighbourhood moves from the best set (close two and open
        // one, or one of each at random), each followed by a descent, until
        // the bound proves the gap or time runs out.
        let mut rng = ChaCha8Rng::seed_from_u64(KICK_SEED);
        let mut kicks_since_improvement = 0;
        while best.cost > stop_below
            && kicks_since_improvement < MAX_KICKS_WITHOUT_IMPROVEMENT
            && !self.out_of_time()
        {
            kicks_since_improvement += 1;
            let kicked = kick(candidates, &best.open, &mut rng);
            let Some(found) = self.evaluate(&kicked) else {
                continue;
            };
            let found = self.descend(found, candidates, stop_below);
            if found.cost < best.cost * (1.0 - 1e-9) {
                tracing::debug!("kick {kicks_since_improvement}: {:.0}", found.cost);
                best = found;
                kicks_since_improvement = 0;
            }
        }
        Some(best)
    }

    /// Open, close or swap one candidate while that lowers the cost, until
    /// the cost is at most `stop_below` or time runs out.
    fn descend(
        &mut self,
        mut current: Candidate,
        candidates: &[DepotIdx],
        stop_below: f64,
    ) -> Candidate {
        loop {
            if current.cost <= stop_below {
                break;
            }
            let mut improved = false;
            for move_ in moves(candidates, &current.open) {
                if self.out_of_time() {
                    break;
                }
                if let Some(found) = self.evaluate(&move_) {
                    if found.cost < current.cost * (1.0 - 1e-9) {
                        current = found;
                        improved = true;
                        break;
                    }
                }
            }
            if !improved || self.timed_out {
                break;
            }
        }
        current
    }
}

/// A random large move from `open`: close two open candidates and open a
/// closed one when there are enough of each, else toggle two candidates.
fn kick(candidates: &[DepotIdx], open: &[bool], rng: &mut ChaCha8Rng) -> Vec<bool> {
    let mut next = open.to_vec();
    let opened: Vec<usize> = candidates
        .iter()
        .map(|d| d.index())
        .filter(|d| open[*d])
        .collect();
    let closed: Vec<usize> = candidates
        .iter()
        .map(|d| d.index())
        .filter(|d| !open[*d])
        .collect();
    if opened.len() >= 2 && !closed.is_empty() && rng.random_bool(0.5) {
        let first = rng.random_range(0..opened.len());
        let mut second = rng.random_range(0..opened.len() - 1);
        if second >= first {
            second += 1;
        }
        next[opened[first]] = false;
        next[opened[second]] = false;
        next[closed[rng.random_range(0..closed.len())]] = true;
    } else {
        for _ in 0..2 {
            let depot = candidates[rng.random_range(0..candidates.len())].index();
            next[depot] = !next[depot];
        }
    }
    next
}

/// Neighbouring open sets: each candidate toggled, then each swap of an
/// open candidate for a closed one.
fn moves(candidates: &[DepotIdx], open: &[bool]) -> Vec<Vec<bool>> {
    let mut result = Vec::new();
    for depot in candidates {
        let mut next = open.to_vec();
        next[depot.index()] = !next[depot.index()];
        result.push(next);
    }
    for opened in candidates.iter().filter(|d| open[d.index()]) {
        for closed in candidates.iter().filter(|d| !open[d.index()]) {
            let mut next = open.to_vec();
            next[opened.index()] = false;
            next[closed.index()] = true;
            result.push(next);
        }
    }
    result
}

fn candidate_cost(
    model: &PlanModel,
    open: &[bool],
    pools: &[Pool],
    unserved: &Unserved,
    stock: &[u32],
) -> f64 {
    let fixed: f64 = model
        .usable
        .iter()
        .filter(|d| open[d.index()])
        .map(|d| model.fixed_cost[d.index()])
        .sum();
    let stock_cost: f64 = pools.iter().zip(stock).map(|(p, s)| p.cost(*s)).sum();
    fixed + stock_cost + unserved.breach_cost + model.floor_cost
}

/// Relative gap at which the stock polish's MILP stops. Proving the last
/// fraction of it is what kept microlp's branch and bound growing (a
/// generated greenfield instance peaked at 930 MB after 36 s of polish),
/// while the plan's default gap (1%) is ten times as wide.
const POLISH_GAP: f64 = 1e-3;

/// Replaces the greedy stock of the chosen open set by the exact MILP's when
/// that is cheaper and the model small enough. Returns whether the time
/// limit cut the solve short.
fn polish_stock(
    model: &PlanModel,
    required: &[f64],
    best: &mut Candidate,
    backend: Backend,
    deadline: Instant,
    trouble: &mut SolverTrouble,
) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return true;
    }
    if stocking::exact_size(&best.pools) > stocking::EXACT_COLUMN_LIMIT {
        return false;
    }
    // The solver's fallback chain shares this limit among its attempts.
    let limits = Limits {
        time: left,
        gap: POLISH_GAP,
    };
    if limits.time < Duration::from_millis(200) {
        return true;
    }
    match stocking::exact(&best.pools, required, backend, limits) {
        Ok(found) => {
            trouble.recovered(found.recovery);
            let (stock, status) = (found.stock, found.status);
            let met = stocking::attained(&best.pools, &stock, model.tier_count());
            let meets = met.iter().zip(required).all(|(m, r)| *m >= r - 1e-6);
            let cost = candidate_cost(model, &best.open, &best.pools, &best.unserved, &stock);
            if meets && cost < best.cost {
                best.stock = stock;
                best.cost = cost;
            }
            // Its own share ran out, not the run's time.
            status == MilpStatus::TimeLimit && Instant::now() >= deadline
        }
        Err(error) => {
            trouble.failed(error);
            Instant::now() >= deadline
        }
    }
}

fn finish(
    scenario: &Scenario,
    model: PlanModel,
    attainable: &[f64],
    solved: Solved,
    options: PlanOptions,
    people: Option<People>,
) -> Plan {
    let Solved {
        best,
        proof,
        effort,
    } = solved;
    let tiers = model.tier_count();
    let people_modelled = model.floor_cost > 0.0 || model.stock_demand != model.tier_demand;
    let mut best = best;
    let target = target_demand(&model, attainable);
    let lateral = lateral_promise(&model, &mut best, &target);
    // Planned with each site counting on its primary depot, the stock is
    // costed that way for the gap (the model the bound is for).
    let planned_cost = candidate_cost(&model, &best.open, &best.pools, &best.unserved, &best.stock);
    let met = lateral.tier_met(&model);
    let breaches = lateral.tier_breaches(&model);
    let costs = lateral.costs(&model, &best.open, &stock_by_key(&best));
    let (fixed_cost, holding_cost, expected_penalty, emergency_cost) =
        (costs.fixed, costs.holding, costs.penalty, costs.emergency);
    let people_cost = people.as_ref().map_or(0.0, People::people_cost);
    let total_cost = costs.total() + people_cost;
    let planned_cost = planned_cost + people_cost;
    // Sums of many shares may land a rounding error above the whole.
    let share = |value: f64, k: usize| {
        if model.tier_demand[k] > 0.0 {
            (value / model.tier_demand[k]).min(1.0)
        } else {
            1.0
        }
    };
    let (parts_met, people_met) = promise_halves(&model, &lateral.available);
    let tier_services = (0..tiers)
        .map(|k| TierService {
            tier: scenario.tiers[k].id.clone(),
            target: model.tier_targets[k],
            expected_attainment: share(met[k], k),
            attainable: share(attainable[k], k),
            demand: model.tier_demand[k],
            expected_breaches: breaches[k],
            parts_attainment: if people_modelled {
                share(parts_met[k], k)
            } else {
                share(met[k], k)
            },
            people_attainment: if people_modelled {
                share(people_met[k], k)
            } else {
                1.0
            },
        })
        .collect();
    let lower_bound = proof.lower_bound.min(planned_cost);
    let gap = if planned_cost > 0.0 {
        ((planned_cost - lower_bound) / planned_cost).max(0.0)
    } else {
        0.0
    };
    let status = if gap <= 1e-6 {
        PlanStatus::Optimal
    } else if gap <= options.gap {
        PlanStatus::GapLimit
    } else if effort.timed_out {
        PlanStatus::TimeLimit
    } else {
        PlanStatus::Feasible
    };
    let unreachable = model
        .sites
        .iter()
        .filter(|s| s.reach.is_empty() && s.total_demand() > 0.0)
        .map(|s| s.site)
        .collect();
    Plan {
        open: best.open,
        assignment: best.assignment,
        pools: best.pools,
        stock: best.stock,
        costs: CostBreakdown {
            fixed_cost,
            holding_cost,
            expected_penalty,
            emergency_cost,
            people_cost,
            total_cost,
        },
        tiers: tier_services,
        lower_bound,
        planned_cost,
        lagrangian: proof.lagrangian,
        gap,
        status,
        backend: options.backend,
        evaluations: effort.evaluations,
        unreachable,
        solver_notes: effort.solver_notes,
        model,
        people,
        staffing: options.staffing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{FillModel, PartIdx, SiteIdx, TierIdx};

    /// A model of `sites` sites with `parts` demand items each (no depots:
    /// only the item count matters here).
    fn model_with_items(sites: usize, parts: usize) -> PlanModel {
        let site = |i: usize| SiteModel {
            site: SiteIdx::new(i),
            tier: TierIdx::new(0),
            allowed_hours: 4.0,
            reach: Vec::new(),
            fastest: None,
            demand: (0..parts).map(|p| (PartIdx::new(p), 0.5)).collect(),
            breach_cost: 100.0,
            penalty: 90.0,
            cover: vec![crate::people::Cover::PARTS_ONLY; parts],
            shortage_price: Vec::new(),
        };
        PlanModel {
            sites: (0..sites).map(site).collect(),
            usable: Vec::new(),
            forced_open: Vec::new(),
            tier_demand: vec![0.0],
            stock_demand: vec![0.0],
            floor_met: vec![0.0],
            floor_cost: 0.0,
            tier_targets: vec![0.9],
            tier_penalties: vec![90.0],
            fixed_cost: Vec::new(),
            lead_years: Vec::new(),
            holding: vec![10.0; parts],
            emergency_cost: 10.0,
            fill_model: FillModel::ErlangLoss,
            max_stock: 8,
            depot_count: 0,
            part_count: parts,
        }
    }

    /// The bundled scenario over six weeks (which keeps cover counts quick)
    /// and its depot-to-site hours.
    fn bundled_over_six_weeks() -> (Scenario, TravelHours) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-baseline");
        let mut scenario = crate::scenario::load(&dir)
            .expect("bundled scenario")
            .scenario;
        scenario.horizon_days = 42;
        let travel = depot_site_hours(
            &scenario,
            &crate::travel::TravelTimes::build(&scenario).expect("travel"),
        );
        (scenario, travel)
    }

    /// The quick trial never skips a removal the full trial would keep.
    /// On the bundled scenario (over six weeks, which keeps the cover
    /// counts quick), every third depot gets an on-call position with every
    /// skill, and two of them a second: some of them pay their way and some
    /// do not.
    #[test]
    fn the_quick_trial_passes_every_removal_that_pays() {
        let (scenario, travel) = bundled_over_six_weeks();
        let mut model = PlanModel::build(&scenario, &travel).expect("model");
        let start = scenario.start_date.expect("start date");
        let mut people =
            staffing::count_roster(&scenario, &travel, start, &mut model).expect("roster");
        let oncall = scenario
            .shift_patterns
            .iter()
            .position(|p| p.id == "oncall")
            .expect("oncall pattern");
        let skills = staffing::part_skills(&scenario);
        let position = |depot: DepotIdx| AddedPosition {
            depot,
            pattern: oncall,
            skills: skills.clone(),
            cost: scenario.shift_patterns[oncall].cost_per_year,
        };
        let open = all_open(&model);
        let mut added: Vec<AddedPosition> = scenario
            .depot_indices()
            .filter(|d| open[d.index()])
            .step_by(3)
            .map(position)
            .collect();
        added.extend(added.clone().into_iter().take(2));
        people
            .set_added(&scenario, &mut model, added)
            .expect("staffing");
        let goal = target_demand(&model, &attainable_demand(&model));
        let required = stock_requirement(&model, &goal);
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut search = Search::new(&model, &required, deadline);
        let best = search.evaluate(&open).expect("a plan on every depot");
        let standing = Standing {
            model: &model,
            people: &people,
            best: &best,
            goal: &goal,
            deadline,
        };
        let (mut pays, mut skipped) = (0, 0);
        for added in 0..people.added.len() {
            let quick = standing.removal_might_pay(added);
            let full = standing
                .removal_trial(&scenario, added)
                .expect("trial")
                .is_some();
            assert!(
                quick || !full,
                "position {added}: the quick trial skipped a removal that pays"
            );
            pays += usize::from(full);
            skipped += usize::from(!quick);
        }
        assert!(
            pays > 0 && skipped > 0,
            "{pays} removals pay, {skipped} skipped"
        );
    }

    #[test]
    fn a_network_solve_out_of_time_returns_at_least_its_warm_start() {
        let (scenario, travel) = bundled_over_six_weeks();
        let model = PlanModel::build(&scenario, &travel).expect("model");
        let target = target_demand(&model, &attainable_demand(&model));
        let options = PlanOptions {
            backend: Backend::default_backend(),
            time_limit: Duration::from_secs(600),
            gap: 0.01,
            staffing: Staffing::PartsOnly,
        };
        let started = Instant::now();
        let far = started + options.time_limit;
        let (good, ..) = solve_network(&model, &target, None, options, started, far).expect("plan");
        let required = stock_requirement(&model, &target);
        let warm_cost = Search::new(&model, &required, far)
            .evaluate(&good.open)
            .expect("the good set meets the targets")
            .cost;
        // No time at all: without a warm start the solve falls back on the
        // sets it plans regardless (every depot open, the forced ones).
        let out_of_time = Instant::now();
        let (cold, ..) =
            solve_network(&model, &target, None, options, started, out_of_time).expect("plan");
        let (warm, ..) = solve_network(
            &model,
            &target,
            Some(&good.open),
            options,
            started,
            out_of_time,
        )
        .expect("plan");
        assert!(
            warm.cost <= warm_cost + 1e-6,
            "{} against the warm start's {warm_cost}",
            warm.cost
        );
        assert!(
            cold.cost > warm_cost * 1.01,
            "the cold solve ({}) was as good as the warm start ({warm_cost}) anyway",
            cold.cost
        );
        // Checked apart from the search: the stock meets every tier's
        // requirement, and the cost is the one the plan's parts add up to.
        let met = stocking::attained(&warm.pools, &warm.stock, model.tier_count());
        for (met, required) in met.iter().zip(&required) {
            assert!(*met >= required - 1e-6, "{met} met of {required}");
        }
        let cost = candidate_cost(&model, &warm.open, &warm.pools, &warm.unserved, &warm.stock);
        assert!(
            (cost - warm.cost).abs() < 1e-6,
            "{cost} against {}",
            warm.cost
        );
    }

    #[test]
    fn the_first_priced_search_makes_no_random_moves_above_the_item_limit() {
        // 2,000 sites x 10 parts is exactly the limit: still a small network.
        let at_limit = model_with_items(2_000, 10);
        assert!(!large_network(&at_limit));
        assert_eq!(first_search_kicks(&at_limit), usize::MAX);
        let above = model_with_items(2_001, 10);
        assert!(large_network(&above));
        assert_eq!(first_search_kicks(&above), 0);
    }

    #[test]
    fn a_large_network_skips_the_second_priced_search_only_when_the_bound_resumes() {
        let small = model_with_items(2_000, 10);
        let large = model_with_items(2_001, 10);
        assert!(priced_search_after_bound(&small, true));
        assert!(priced_search_after_bound(&small, false));
        assert!(!priced_search_after_bound(&large, true));
        assert!(priced_search_after_bound(&large, false));
    }
}
