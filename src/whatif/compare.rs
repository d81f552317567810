//! Side-by-side comparison of planned scenarios: each one's cost, stock,
//! depots, attainment per tier and coverage, with deltas against the first.

use super::topup::EventTopUp;
use super::view::{PlanningInput, TemporaryView};
use crate::calendar::{ClockWindow, WeekdaySet};
use crate::plan::{Plan, PlanStatus, Staffing};
use crate::scenario::{Coverage, Scenario, SiteIdx};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

/// One scenario and its plan.
pub struct Planned<'a> {
    /// The folder it was loaded from, as given.
    pub path: String,
    pub input: &'a PlanningInput,
    pub plan: &'a Plan,
    pub view: TemporaryView,
    /// The event's top-up over the plan without temporary changes, for a
    /// scenario that has some.
    pub top_up: Option<&'a EventTopUp>,
}

/// A pool the event tops up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopUpRow {
    pub depot: String,
    pub part: String,
    pub stock: u32,
    pub event_stock: u32,
}

/// What a scenario's temporary changes need on top of the plan without them
/// (see [`super::event_top_up`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub event_days: u32,
    pub extra_units: u64,
    pub extra_value: f64,
    pub event_holding_cost: f64,
    /// Sites the temporary changes act on.
    pub affected_sites: usize,
    /// Expected breaches at the affected sites over as many ordinary days.
    pub breaches_ordinary: f64,
    /// Expected breaches at the affected sites during the event, today's stock.
    pub breaches_today: f64,
    /// The same with the event stock.
    pub breaches_topped_up: f64,
    /// Of those, at sites no open depot reaches in time.
    pub breaches_out_of_reach: f64,
    /// Sites covered today that no open depot reaches in time during the event.
    pub uncovered_sites: Vec<String>,
    /// `depot/part` pools that miss their required fill even at max_stock.
    pub short_pools: Vec<String>,
    /// Pools whose stock the event raises.
    pub top_up: Vec<TopUpRow>,
}

impl EventRow {
    fn of(scenario: &Scenario, top_up: &EventTopUp) -> Self {
        EventRow {
            event_days: top_up.event_days,
            extra_units: top_up.extra_units,
            extra_value: top_up.extra_value,
            event_holding_cost: top_up.event_holding_cost,
            affected_sites: top_up.affected.len(),
            breaches_ordinary: top_up.breaches_ordinary,
            breaches_today: top_up.breaches_today,
            breaches_topped_up: top_up.breaches_topped_up,
            breaches_out_of_reach: top_up.breaches_out_of_reach,
            uncovered_sites: top_up
                .uncovered
                .iter()
                .map(|s| scenario.site(*s).id.clone())
                .collect(),
            short_pools: top_up
                .short
                .iter()
                .map(|(d, p)| format!("{}/{}", scenario.depot(*d).id, scenario.part(*p).id))
                .collect(),
            top_up: top_up
                .lines
                .iter()
                .filter(|l| l.event_stock > l.stock)
                .map(|l| TopUpRow {
                    depot: scenario.depot(l.depot).id.clone(),
                    part: scenario.part(l.part).id.clone(),
                    stock: l.stock,
                    event_stock: l.event_stock,
                })
                .collect(),
        }
    }
}

/// A tier's service in one scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierRow {
    pub tier: String,
    pub target: f64,
    pub expected_attainment: f64,
    pub attainable: f64,
    /// Failures per year.
    pub demand: f64,
    pub expected_breaches: f64,
    /// The parts half of the promise (see `plan::TierService`).
    #[serde(default = "crate::plan::whole")]
    pub parts_attainment: f64,
    /// The people half: a qualified engineer in time when the part is in
    /// reach (1 when people are not counted).
    #[serde(default = "crate::plan::whole")]
    pub people_attainment: f64,
}

/// How comparisons written before engineers were planned counted them.
fn parts_only() -> Staffing {
    Staffing::PartsOnly
}

/// One scenario of a comparison (a column of the table, a row of
/// `compare.csv`, an object of `compare.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    pub name: String,
    pub path: String,
    pub currency: String,
    pub temporary_view: TemporaryView,
    pub status: PlanStatus,
    pub solver: String,
    pub total_cost: f64,
    pub fixed_cost: f64,
    pub holding_cost: f64,
    pub expected_penalty: f64,
    pub emergency_cost: f64,
    pub lower_bound: f64,
    pub gap: f64,
    pub stock_units: u64,
    pub stock_value: f64,
    pub depots_open_count: usize,
    pub depots_open: Vec<String>,
    /// Open here, not in the first scenario.
    pub depots_opened: Vec<String>,
    /// Open in the first scenario, not here.
    pub depots_closed: Vec<String>,
    pub tiers: Vec<TierRow>,
    /// Sites with demand (split sites of the average view not counted).
    pub sites_with_demand: usize,
    /// Of those, the ones an open depot reaches in time.
    pub sites_covered: usize,
    /// Covered in the first scenario, not here (sites of both only).
    pub sites_lost: Vec<String>,
    /// Covered here, not in the first scenario.
    pub sites_gained: Vec<String>,
    /// Sites where some part with demand has no qualified engineer in reach
    /// (see [`engineer_gaps`]).
    pub sites_without_engineer: Vec<String>,
    /// Without an engineer here, not in the first scenario (sites of both only).
    pub engineer_gaps_added: Vec<String>,
    /// Without an engineer in the first scenario, not here.
    pub engineer_gaps_removed: Vec<String>,
    /// Days of the horizon with a temporary change in force.
    pub event_days: u32,
    pub delta_total_cost: f64,
    pub delta_fixed_cost: f64,
    pub delta_holding_cost: f64,
    pub delta_expected_penalty: f64,
    pub delta_emergency_cost: f64,
    pub delta_stock_units: i64,
    pub delta_stock_value: f64,
    /// The event top-up, for a scenario with temporary changes.
    pub event: Option<EventRow>,
    /// How the plan counted engineers (`parts_only` in comparisons written
    /// before engineers were planned).
    #[serde(default = "parts_only")]
    pub staffing: Staffing,
    /// Engineers per year: roster positions at their `shifts.csv` pattern's
    /// cost plus the added positions (part of `total_cost`).
    #[serde(default)]
    pub people_cost: f64,
    /// Engineers of the roster (`engineers.csv` and overlay `[[new_engineer]]`).
    #[serde(default)]
    pub roster_positions: usize,
    /// Positions the plan added from `shifts.csv` (`--staffing plan`).
    #[serde(default)]
    pub added_positions: usize,
    /// Yearly cost of the added positions (part of `people_cost`).
    #[serde(default)]
    pub added_people_cost: f64,
    #[serde(default)]
    pub delta_people_cost: f64,
    #[serde(default)]
    pub delta_added_positions: i64,
}

/// Facts of one scenario before deltas are taken.
struct Facts {
    row: CompareRow,
    open: BTreeSet<String>,
    covered: BTreeSet<String>,
    sites: HashSet<String>,
}

fn facts(planned: &Planned<'_>) -> Facts {
    let scenario = &planned.input.scenario;
    let plan = planned.plan;
    let costs = plan.costs;
    let people = plan.people.as_ref();
    let depots_open: Vec<String> = scenario
        .depots
        .iter()
        .zip(&plan.open)
        .filter(|(_, open)| **open)
        .map(|(d, _)| d.id.clone())
        .collect();
    let split: HashSet<SiteIdx> = planned.input.split_sites.iter().map(|(s, _)| *s).collect();
    let real_sites = || {
        plan.model
            .sites
            .iter()
            .filter(|m| !split.contains(&m.site) && m.total_demand() > 0.0)
    };
    let covered: BTreeSet<String> = real_sites()
        .filter(|m| plan.assignment.primary[m.site.index()].is_some())
        .map(|m| scenario.site(m.site).id.clone())
        .collect();
    let stock_value = plan
        .pools
        .iter()
        .zip(&plan.stock)
        .map(|(pool, s)| f64::from(*s) * scenario.part(pool.part).unit_cost)
        .sum();
    let row = CompareRow {
        name: scenario.name.clone(),
        path: planned.path.clone(),
        currency: scenario.currency.clone(),
        temporary_view: planned.view,
        status: plan.status,
        solver: plan.backend.to_string(),
        total_cost: costs.total_cost,
        fixed_cost: costs.fixed_cost,
        holding_cost: costs.holding_cost,
        expected_penalty: costs.expected_penalty,
        emergency_cost: costs.emergency_cost,
        lower_bound: plan.lower_bound,
        gap: plan.gap,
        stock_units: plan.stock.iter().map(|s| u64::from(*s)).sum(),
        stock_value,
        depots_open_count: depots_open.len(),
        depots_open: depots_open.clone(),
        depots_opened: Vec::new(),
        depots_closed: Vec::new(),
        tiers: plan
            .tiers
            .iter()
            .map(|t| TierRow {
                tier: t.tier.clone(),
                target: t.target,
                expected_attainment: t.expected_attainment,
                attainable: t.attainable,
                demand: t.demand,
                expected_breaches: t.expected_breaches,
                parts_attainment: t.parts_attainment,
                people_attainment: t.people_attainment,
            })
            .collect(),
        sites_with_demand: real_sites().count(),
        sites_covered: covered.len(),
        sites_lost: Vec::new(),
        sites_gained: Vec::new(),
        sites_without_engineer: engineer_gaps(scenario, planned.input, plan)
            .into_iter()
            .map(|s| scenario.site(s).id.clone())
            .collect(),
        engineer_gaps_added: Vec::new(),
        engineer_gaps_removed: Vec::new(),
        event_days: planned.input.event_days,
        delta_total_cost: 0.0,
        delta_fixed_cost: 0.0,
        delta_holding_cost: 0.0,
        delta_expected_penalty: 0.0,
        delta_emergency_cost: 0.0,
        delta_stock_units: 0,
        delta_stock_value: 0.0,
        event: planned.top_up.map(|t| EventRow::of(scenario, t)),
        staffing: plan.staffing,
        people_cost: costs.people_cost,
        roster_positions: people.map_or(0, |p| p.roster_prices.len()),
        added_positions: people.map_or(0, |p| p.added.len()),
        added_people_cost: people.map_or(0.0, |p| p.added_cost()),
        delta_people_cost: 0.0,
        delta_added_positions: 0,
    };
    Facts {
        row,
        open: depots_open.into_iter().collect(),
        covered,
        sites: real_sites()
            .map(|m| scenario.site(m.site).id.clone())
            .collect(),
    }
}

/// Compares planned scenarios; deltas are against the first.
pub fn compare(planned: &[Planned<'_>]) -> Vec<CompareRow> {
    let all: Vec<Facts> = planned.iter().map(facts).collect();
    let Some(first) = all.first() else {
        return Vec::new();
    };
    let base = first.row.clone();
    let (first_open, first_covered, first_sites) = (
        first.open.clone(),
        first.covered.clone(),
        first.sites.clone(),
    );
    all.into_iter()
        .map(|facts| {
            let mut row = facts.row;
            row.depots_opened = facts.open.difference(&first_open).cloned().collect();
            row.depots_closed = first_open.difference(&facts.open).cloned().collect();
            row.sites_lost = first_covered
                .iter()
                .filter(|s| facts.sites.contains(*s) && !facts.covered.contains(*s))
                .cloned()
                .collect();
            row.sites_gained = facts
                .covered
                .iter()
                .filter(|s| first_sites.contains(*s) && !first_covered.contains(*s))
                .cloned()
                .collect();
            let gaps: BTreeSet<&String> = row.sites_without_engineer.iter().collect();
            let first_gaps: BTreeSet<&String> = base.sites_without_engineer.iter().collect();
            row.engineer_gaps_added = gaps
                .difference(&first_gaps)
                .filter(|s| first_sites.contains(**s))
                .map(|s| (*s).clone())
                .collect();
            row.engineer_gaps_removed = first_gaps
                .difference(&gaps)
                .filter(|s| facts.sites.contains(**s))
                .map(|s| (*s).clone())
                .collect();
            row.delta_total_cost = row.total_cost - base.total_cost;
            row.delta_fixed_cost = row.fixed_cost - base.fixed_cost;
            row.delta_holding_cost = row.holding_cost - base.holding_cost;
            row.delta_expected_penalty = row.expected_penalty - base.expected_penalty;
            row.delta_emergency_cost = row.emergency_cost - base.emergency_cost;
            row.delta_stock_units = row.stock_units as i64 - base.stock_units as i64;
            row.delta_stock_value = row.stock_value - base.stock_value;
            row.delta_people_cost = row.people_cost - base.people_cost;
            row.delta_added_positions = row.added_positions as i64 - base.added_positions as i64;
            row
        })
        .collect()
}

/// Whether an engineer's shift keeps a tier's coverage: around-the-clock
/// tiers need an around-the-clock shift (every hour, every day, no holiday
/// calendar); business tiers take any shift.
fn shift_fits(scenario: &Scenario, tier: &Coverage, engineer: usize) -> bool {
    match tier {
        Coverage::Business(_) => true,
        Coverage::AllHours => {
            let shift = &scenario.engineers[engineer].shift;
            shift.window == ClockWindow::ALL_DAY
                && shift.days == WeekdaySet::ALL
                && shift.calendar.is_none()
        }
    }
}

/// Sites with demand where some part has no *qualified engineer in reach*:
/// an engineer with the part's skill, based at a depot from which the site
/// is within the tier's guaranteed response hours, on a shift that keeps the
/// tier's coverage. A static check of the roster (the simulation measures
/// how busy engineers are); in the order of the sites.
pub fn engineer_gaps(scenario: &Scenario, input: &PlanningInput, plan: &Plan) -> Vec<SiteIdx> {
    let mut gaps = Vec::new();
    for site in &plan.model.sites {
        if site.total_demand() <= 0.0 {
            continue;
        }
        let coverage = &scenario.site_tier(site.site).coverage;
        let in_reach: Vec<usize> = (0..scenario.engineers.len())
            .filter(|&e| {
                let base = scenario.engineers[e].base.index();
                input.travel[base][site.site.index()].is_some_and(|h| h <= site.allowed_hours)
                    && shift_fits(scenario, coverage, e)
            })
            .collect();
        let missing = site.demand.iter().any(|(part, _)| {
            let skill = &scenario.part(*part).skill;
            !in_reach
                .iter()
                .any(|&e| scenario.engineers[e].has_skill(skill))
        });
        if missing {
            gaps.push(site.site);
        }
    }
    gaps
}
