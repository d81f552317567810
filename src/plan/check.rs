//! An independent checker of stocking plans. It reads a plan as the files
//! say it (ids, not planner internals), recomputes demand from the installed
//! base, fill rates from the stock model and costs from the scenario, and
//! lists every rule the plan breaks. Tests pass every plan through it.

use super::stock_model::fill_rate;
use super::{CostBreakdown, TravelHours};
use crate::people::{Cover, CoverModel};
use crate::scenario::SiteClocks;
use crate::scenario::{DepotIdx, DepotStatus, Engineer, IdIndex, PartIdx, Scenario, SiteIdx};
use std::collections::{BTreeMap, BTreeSet};

/// A plan as its output files state it.
#[derive(Clone, Debug, Default)]
pub struct PlanClaims {
    pub open_depots: BTreeSet<String>,
    /// Site id to serving depot id (`None`: no depot reaches it in time).
    pub serving_depot: BTreeMap<String, Option<String>>,
    /// (depot, part) to units.
    pub stock: BTreeMap<(String, String), u32>,
    pub costs: CostBreakdown,
    /// Tier id to (expected attainment, attainable share).
    pub attainment: BTreeMap<String, (f64, f64)>,
    /// The engineers the plan counts (its roster.csv); `None` for a
    /// parts-only plan.
    pub roster_file: Option<std::path::PathBuf>,
}

const TOLERANCE: f64 = 1e-6;

/// Every rule the plan breaks, in words; empty if it is feasible and its
/// numbers are right.
pub fn check_plan(scenario: &Scenario, travel: &TravelHours, claims: &PlanClaims) -> Vec<String> {
    let mut problems = Vec::new();
    let ids = scenario.id_index();
    let clocks = match SiteClocks::for_scenario(scenario) {
        Ok(clocks) => clocks,
        Err(error) => return vec![format!("calendar: {error}")],
    };
    for depot in &claims.open_depots {
        match ids.depots.get(depot) {
            None => problems.push(format!("open depot {depot} is not in the scenario")),
            Some(d) if scenario.depot(*d).status == DepotStatus::Closed => {
                problems.push(format!("depot {depot} is closed but the plan opens it"))
            }
            Some(_) => {}
        }
    }
    for depot in &scenario.depots {
        if depot.status == DepotStatus::Open && !claims.open_depots.contains(&depot.id) {
            problems.push(format!("depot {} must stay open", depot.id));
        }
    }
    let handling = scenario.travel.handling_hours;
    let mut tier_demand = vec![0.0; scenario.tiers.len()];
    let mut reachable = vec![0.0; scenario.tiers.len()];
    let mut serving: Vec<Option<usize>> = vec![None; scenario.sites.len()];
    // (site, part, failures per year) of every installed-base row.
    let mut items: Vec<(SiteIdx, PartIdx, f64)> = Vec::new();
    let mut fastest_reach: Vec<Option<(DepotIdx, f64)>> = vec![None; scenario.sites.len()];
    for s in scenario.site_indices() {
        let site = scenario.site(s);
        let allowed = clocks.of(s).guaranteed_response_hours();
        let in_time = |d: usize| {
            scenario.depots[d].status != DepotStatus::Closed
                && travel[d][s.index()].is_some_and(|h| h + handling <= allowed + 1e-9)
        };
        let fastest_open = (0..scenario.depots.len())
            .filter(|d| claims.open_depots.contains(&scenario.depots[*d].id) && in_time(*d))
            .map(|d| (travel[d][s.index()].unwrap_or(f64::INFINITY), d))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if (0..scenario.depots.len()).any(in_time) {
            serving[s.index()] = Some(usize::MAX);
        }
        fastest_reach[s.index()] = scenario
            .depot_indices()
            .filter(|d| in_time(d.index()))
            .filter_map(|d| travel[d.index()][s.index()].map(|h| (d, h)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let claimed = claims.serving_depot.get(&site.id).cloned().flatten();
        // A site that never fails has no rows in assignment.csv to name a
        // depot: nothing to serve, so nothing to check.
        let fails = scenario
            .installed_base
            .iter()
            .any(|u| u.site == s && u.failures_per_year() > 0.0);
        match (&claimed, fastest_open) {
            (None, Some(_)) if !fails => {}
            (None, Some((_, d))) => problems.push(format!(
                "site {} is unserved but open depot {} reaches it in time",
                site.id, scenario.depots[d].id
            )),
            (Some(depot), _) => match ids.depots.get(depot) {
                None => problems.push(format!("site {} served by unknown depot {depot}", site.id)),
                Some(_) if !claims.open_depots.contains(depot) => problems.push(format!(
                    "site {} served by depot {depot}, which is not open",
                    site.id
                )),
                Some(d) if !in_time(d.index()) => problems.push(format!(
                    "site {} served by depot {depot}, which does not reach it within {allowed} h",
                    site.id
                )),
                Some(d) => {
                    let fastest = fastest_open
                        .map(|(hours, _)| hours)
                        .unwrap_or(f64::INFINITY);
                    if travel[d.index()][s.index()].unwrap_or(f64::INFINITY) > fastest + 1e-9 {
                        problems.push(format!(
                            "site {} served by depot {depot}, not by its fastest open depot in reach",
                            site.id
                        ));
                    }
                }
            },
            (None, None) => {}
        }
        for unit in scenario.installed_base.iter().filter(|u| u.site == s) {
            let rate = unit.failures_per_year();
            items.push((s, unit.part, rate));
            tier_demand[site.tier.index()] += rate;
            if serving[s.index()].is_some() {
                reachable[site.tier.index()] += rate;
            }
        }
    }
    for ((depot, part), units) in &claims.stock {
        if *units > scenario.planning.max_stock {
            problems.push(format!(
                "{units} units of {part} at {depot} exceed max_stock"
            ));
        }
        if *units > 0 && !claims.open_depots.contains(depot) {
            problems.push(format!("stock of {part} at {depot}, which is not open"));
        }
    }
    let mut holding = 0.0;
    for ((depot, part), units) in &claims.stock {
        let (Some(_), Some(p)) = (ids.depots.get(depot), ids.parts.get(part)) else {
            problems.push(format!(
                "stock row {depot},{part} names an unknown depot or part"
            ));
            continue;
        };
        holding += f64::from(*units) * scenario.part(*p).unit_cost * scenario.costs.holding_rate;
    }
    // Lateral sourcing, recomputed by ids: each row tries the stocked open
    // depots in reach, nearest first, and its load overflows from one to the
    // next while it is out (the planner's `lateral.rs`, computed apart).
    let sources: Vec<Vec<(String, String)>> = items
        .iter()
        .map(|(site, part, _)| lateral_sources(scenario, travel, &clocks, claims, *site, *part))
        .collect();
    let fills = lateral_fills(scenario, &ids, claims, &items, &sources);
    // What the engineers give each row: the roster's cover, or every
    // failure with stock met when the plan counts no people.
    let roster = match &claims.roster_file {
        None => None,
        Some(path) => match crate::scenario::load_roster(scenario, path) {
            Ok(roster) => Some(roster),
            Err(error) => return vec![format!("roster {}: {error}", path.display())],
        },
    };
    let cover = match &roster {
        None => None,
        Some(roster) => match covers(
            scenario,
            travel,
            &fastest_reach,
            roster,
            &site_demand(scenario),
        ) {
            Ok(found) => Some(found),
            Err(error) => return vec![format!("engineers: {error}")],
        },
    };
    let mut met = vec![0.0; scenario.tiers.len()];
    let mut breaches = vec![0.0; scenario.tiers.len()];
    let mut emergencies = 0.0;
    for (row, (site, part, rate)) in items.iter().enumerate() {
        let tier = scenario.site(*site).tier.index();
        let all_out: f64 = sources[row]
            .iter()
            .map(|key| 1.0 - fills.get(key).copied().unwrap_or(0.0))
            .product();
        let on_shelf = 1.0 - all_out;
        let cover = cover
            .as_ref()
            .map_or(Cover::PARTS_ONLY, |c| c.of(*site, *part));
        let share = cover.by_emergency + on_shelf * (cover.with_stock - cover.by_emergency);
        met[tier] += rate * share;
        breaches[tier] += rate * (1.0 - share);
        emergencies += rate * (1.0 - on_shelf);
    }
    let fixed: f64 = scenario
        .depots
        .iter()
        .filter(|d| claims.open_depots.contains(&d.id))
        .map(|d| d.fixed_cost)
        .sum();
    let penalty: f64 = scenario
        .tiers
        .iter()
        .zip(&breaches)
        .map(|(t, b)| t.penalty * b)
        .sum();
    let emergency = emergencies * scenario.costs.emergency_shipment_cost;
    let people = roster
        .as_ref()
        .map_or(0.0, |roster| people_cost(scenario, roster));
    let claimed = &claims.costs;
    for (name, claimed, actual) in [
        ("fixed_cost", claimed.fixed_cost, fixed),
        ("holding_cost", claimed.holding_cost, holding),
        ("expected_penalty", claimed.expected_penalty, penalty),
        ("emergency_cost", claimed.emergency_cost, emergency),
        ("people_cost", claimed.people_cost, people),
        (
            "total_cost",
            claimed.total_cost,
            fixed + holding + penalty + emergency + people,
        ),
    ] {
        if (claimed - actual).abs() > TOLERANCE * actual.abs().max(1.0) {
            problems.push(format!("{name} is {claimed} but recomputes to {actual}"));
        }
    }
    for (k, tier) in scenario.tiers.iter().enumerate() {
        if tier_demand[k] <= 0.0 {
            continue;
        }
        let attainment = met[k] / tier_demand[k];
        let Some((claimed, attainable)) = claims.attainment.get(&tier.id) else {
            problems.push(format!("tier {} has no attainment in the plan", tier.id));
            continue;
        };
        if (claimed - attainment).abs() > TOLERANCE {
            problems.push(format!(
                "tier {} attainment is {claimed} but recomputes to {attainment}",
                tier.id
            ));
        }
        if *attainable > reachable[k] / tier_demand[k] + TOLERANCE {
            problems.push(format!(
                "tier {} claims {attainable} attainable, but only {} of its demand is in reach",
                tier.id,
                reachable[k] / tier_demand[k]
            ));
        }
        // A target at or above the attainable share is planned a tenth of a
        // point below it.
        let required = tier.target.min(attainable - super::UNATTAINABLE_MARGIN);
        if attainment < required - TOLERANCE {
            problems.push(format!(
                "tier {} attains {attainment}, below its target {} (attainable {attainable})",
                tier.id, tier.target
            ));
        }
    }
    problems
}

/// The depots a failure of `part` at `site` may take the part from: open,
/// in time, holding stock, nearest first (ties to file order), at most as
/// many as dispatch tries.
fn lateral_sources(
    scenario: &Scenario,
    travel: &TravelHours,
    clocks: &SiteClocks,
    claims: &PlanClaims,
    site: SiteIdx,
    part: PartIdx,
) -> Vec<(String, String)> {
    let allowed = clocks.of(site).guaranteed_response_hours();
    let handling = scenario.travel.handling_hours;
    let part_id = &scenario.part(part).id;
    let mut in_reach: Vec<(f64, usize)> = (0..scenario.depots.len())
        .filter(|d| scenario.depots[*d].status != DepotStatus::Closed)
        .filter(|d| claims.open_depots.contains(&scenario.depots[*d].id))
        .filter_map(|d| travel[d][site.index()].map(|hours| (hours, d)))
        .filter(|(hours, _)| hours + handling <= allowed + 1e-9)
        .filter(|(_, d)| {
            let key = (scenario.depots[*d].id.clone(), part_id.clone());
            claims.stock.get(&key).is_some_and(|units| *units > 0)
        })
        .collect();
    in_reach.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    in_reach
        .into_iter()
        .take(super::lateral::SOURCES_TRIED)
        .map(|(_, d)| (scenario.depots[d].id.clone(), part_id.clone()))
        .collect()
}

/// Fill rate of every stocked (depot, part) with the loads that overflow to
/// it, by plain repeated substitution until nothing moves.
fn lateral_fills(
    scenario: &Scenario,
    ids: &IdIndex,
    claims: &PlanClaims,
    items: &[(SiteIdx, PartIdx, f64)],
    sources: &[Vec<(String, String)>],
) -> BTreeMap<(String, String), f64> {
    let mut fills: BTreeMap<(String, String), f64> = BTreeMap::new();
    for _ in 0..1_000 {
        let mut load: BTreeMap<&(String, String), f64> = BTreeMap::new();
        for ((_, _, rate), keys) in items.iter().zip(sources) {
            let mut reaching = *rate;
            for key in keys {
                *load.entry(key).or_default() += reaching;
                reaching *= 1.0 - fills.get(key).copied().unwrap_or(1.0);
            }
        }
        let next: BTreeMap<(String, String), f64> = load
            .into_iter()
            .map(|(key, load)| {
                let depot = ids.depots.get(&key.0).map(|d| scenario.depot(*d));
                let lead_years = depot.map_or(0.0, |d| d.replenish_days / 365.0);
                let units = claims.stock.get(key).copied().unwrap_or(0);
                let fill = fill_rate(scenario.planning.fill_model, units, load * lead_years);
                (key.clone(), fill)
            })
            .collect();
        let moved = next
            .iter()
            .any(|(key, fill)| (fills.get(key).copied().unwrap_or(1.0) - fill).abs() > 1e-12);
        fills = next;
        if !moved {
            break;
        }
    }
    fills
}

/// The cover of every site and part under a roster.
struct Covers {
    model: CoverModel,
    staff: crate::people::Staff,
}

impl Covers {
    fn of(&self, site: SiteIdx, part: PartIdx) -> Cover {
        self.model.cover(&self.staff, site, part)
    }
}

fn covers(
    scenario: &Scenario,
    travel: &TravelHours,
    fastest_reach: &[Option<(DepotIdx, f64)>],
    roster: &[Engineer],
    demand: &[(SiteIdx, Vec<(PartIdx, f64)>)],
) -> Result<Covers, String> {
    let start = scenario
        .start_date
        .ok_or("the scenario has no start date to count engineers from")?;
    let model =
        CoverModel::build(scenario, start, travel, fastest_reach).map_err(|e| e.to_string())?;
    let mut staff = model.staff_of(roster).map_err(|e| e.to_string())?;
    model.estimate_busy(&mut staff, demand);
    Ok(Covers { model, staff })
}

/// Yearly cost of a roster: each engineer at the `shifts.csv` pattern its
/// shift matches (0 where none does), and an engineer the scenario's
/// engineers.csv does not list (added by the plan) also pays
/// certification for each skill.
fn people_cost(scenario: &Scenario, roster: &[Engineer]) -> f64 {
    roster
        .iter()
        .map(|engineer| {
            let pattern = scenario
                .shift_patterns
                .iter()
                .find(|p| p.matches(&engineer.shift))
                .map_or(0.0, |p| p.cost_per_year);
            let added = !scenario.engineers.iter().any(|e| e.id == engineer.id);
            let certification = if added {
                scenario.costs.certification_cost * engineer.skills.len() as f64
            } else {
                0.0
            };
            pattern + certification
        })
        .sum()
}

/// Failures per year of every site and part with failures, in site order.
fn site_demand(scenario: &Scenario) -> Vec<(SiteIdx, Vec<(PartIdx, f64)>)> {
    let mut rates: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for unit in &scenario.installed_base {
        *rates
            .entry((unit.site.index(), unit.part.index()))
            .or_default() += unit.failures_per_year();
    }
    let mut by_site: Vec<(SiteIdx, Vec<(PartIdx, f64)>)> = Vec::new();
    for ((site, part), rate) in rates {
        if rate <= 0.0 {
            continue;
        }
        match by_site.last_mut() {
            Some((s, parts)) if s.index() == site => parts.push((PartIdx::new(part), rate)),
            _ => by_site.push((SiteIdx::new(site), vec![(PartIdx::new(part), rate)])),
        }
    }
    by_site
}
