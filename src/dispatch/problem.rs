//! The dispatch problem, precomputed once: deadlines, weights, qualified
//! engineers, candidate depots, travel times between every place a route can
//! visit, and engineer duty blocks. Solvers only read it.

use super::DispatchError;
use super::shift::ShiftBlocks;
use crate::calendar::{Seconds, SiteClocks, scenario_years};
use crate::scenario::{
    DepotIdx, EngineerIdx, Incident, IncidentKind, Scenario, SiteIdx, StockLevel,
};
use crate::travel::{Place, TravelTimes};
use rayon::prelude::*;

/// Breach weight of a proactive incident relative to a reactive one: its
/// deadline is soft, so it may wait when engineers are short.
pub const PROACTIVE_WEIGHT: f64 = 0.1;
/// How far past the last opening the dispatch may schedule work.
pub const HORIZON_SECS: Seconds = 7 * 86_400;
/// Depots with stock tried per insertion, nearest to the site first.
pub const DEPOTS_PER_INSERTION: usize = 4;
/// Engineers tried per insertion: the qualified engineers whose base is
/// nearest the site. Trying every qualified engineer makes each insertion
/// re-evaluate every pending incident of that engineer's skill, quadratic in
/// a national day of thousands of incidents; an engineer based far away
/// rarely wins against one based near (granular neighbourhoods, as in
/// Toth & Vigo's granular tabu search).
pub const ENGINEERS_PER_INCIDENT: usize = 40;

/// One precomputed dispatch problem.
pub struct Problem<'a> {
    pub scenario: &'a Scenario,
    pub incidents: Vec<Incident>,
    pub opened: Vec<Seconds>,
    pub deadline: Vec<Seconds>,
    /// Breach weight: the tier penalty, scaled down for proactive incidents.
    pub weight: Vec<f64>,
    /// Weight of a minute late (1 reactive, [`PROACTIVE_WEIGHT`] proactive).
    pub late_weight: Vec<f64>,
    pub repair: Vec<Seconds>,
    /// Place index of each incident's site in the travel matrix.
    pub site_place: Vec<usize>,
    /// Qualified engineers of each incident.
    pub qualified: Vec<Vec<EngineerIdx>>,
    /// The engineers insertion tries for each incident: up to
    /// [`ENGINEERS_PER_INCIDENT`] qualified engineers with the nearest bases,
    /// in engineer order.
    pub candidates: Vec<Vec<EngineerIdx>>,
    /// Depots holding the part at the start, reachable from the site, nearest first.
    pub depots: Vec<Vec<DepotIdx>>,
    /// Initial stock, `[depot * parts + part]`.
    pub stock: Vec<u32>,
    pub handling: Seconds,
    pub courier_factor: f64,
    /// Earliest opening: every engineer is at base and free from then.
    pub start: Seconds,
    shift_of: Vec<usize>,
    shifts: Vec<ShiftBlocks>,
    places: usize,
    /// Driving seconds, `[from * places + to]`; places are depots then incident sites.
    travel: Vec<Option<Seconds>>,
}

fn secs(hours: f64) -> Seconds {
    (hours * 3600.0).round() as Seconds
}

impl<'a> Problem<'a> {
    /// Builds the problem of dispatching `incidents` from `stock`.
    pub fn build(
        scenario: &'a Scenario,
        travel: &TravelTimes,
        incidents: &[Incident],
        stock: &[StockLevel],
    ) -> Result<Self, DispatchError> {
        let clocks = SiteClocks::for_scenario(scenario).map_err(DispatchError::Calendar)?;
        let opened: Vec<Seconds> = incidents.iter().map(|i| i.opened.timestamp()).collect();
        let deadline = incidents
            .iter()
            .zip(&opened)
            .map(|(incident, &at)| {
                clocks
                    .of(incident.site)
                    .deadline(at)
                    .map_err(|source| DispatchError::Deadline {
                        incident: incident.id.clone(),
                        source,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let start = opened.iter().copied().min().unwrap_or(0);
        let end = opened.iter().copied().max().unwrap_or(0) + HORIZON_SECS;
        let (shift_of, shifts) = shift_blocks(scenario, start - 86_400, end)?;
        let parts = scenario.parts.len();
        let mut stock_vec = vec![0u32; scenario.depots.len() * parts];
        for level in stock {
            let slot = &mut stock_vec[level.depot.index() * parts + level.part.index()];
            *slot = slot.saturating_add(level.on_hand);
        }
        let (site_place, places, travel_matrix) = travel_matrix(scenario, travel, incidents);
        let mut problem = Problem {
            scenario,
            incidents: incidents.to_vec(),
            weight: incidents.iter().map(|i| weight(scenario, i)).collect(),
            late_weight: incidents.iter().map(|i| kind_weight(i.kind)).collect(),
            repair: incidents
                .iter()
                .map(|i| secs(scenario.part(i.part).repair_hours.max(0.0)))
                .collect(),
            qualified: incidents.iter().map(|i| qualified(scenario, i)).collect(),
            candidates: Vec::new(),
            depots: Vec::new(),
            stock: stock_vec,
            handling: secs(scenario.travel.handling_hours.max(0.0)),
            courier_factor: scenario.dispatch.courier_speed_factor,
            start,
            opened,
            deadline,
            site_place,
            shift_of,
            shifts,
            places,
            travel: travel_matrix,
        };
        problem.depots = (0..incidents.len())
            .map(|i| problem.candidate_depots(i))
            .collect();
        problem.candidates = (0..incidents.len())
            .map(|i| problem.nearest_engineers(i))
            .collect();
        Ok(problem)
    }

    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// Driving seconds between two places, `None` if unreachable.
    pub fn drive(&self, from: usize, to: usize) -> Option<Seconds> {
        self.travel.get(from * self.places + to).copied().flatten()
    }

    /// Courier seconds from a depot to a site place.
    pub fn courier(&self, depot: DepotIdx, site_place: usize) -> Option<Seconds> {
        let factor = if self.courier_factor > 0.0 {
            self.courier_factor
        } else {
            1.0
        };
        self.drive(depot.index(), site_place)
            .map(|s| (s as f64 / factor).round() as Seconds)
    }

    /// The place index of a depot.
    pub fn depot_place(&self, depot: DepotIdx) -> usize {
        depot.index()
    }

    /// The duty blocks of an engineer.
    pub fn shift(&self, engineer: EngineerIdx) -> &ShiftBlocks {
        &self.shifts[self.shift_of[engineer.index()]]
    }

    /// Stock slot of a depot and an incident's part.
    pub fn stock_slot(&self, depot: DepotIdx, incident: usize) -> usize {
        depot.index() * self.scenario.parts.len() + self.incidents[incident].part.index()
    }

    fn nearest_engineers(&self, incident: usize) -> Vec<EngineerIdx> {
        let qualified = &self.qualified[incident];
        if qualified.len() <= ENGINEERS_PER_INCIDENT {
            return qualified.clone();
        }
        let place = self.site_place[incident];
        let mut by_distance: Vec<(Seconds, EngineerIdx)> = qualified
            .iter()
            .map(|&e| {
                let base = self.depot_place(self.scenario.engineer(e).base);
                (self.drive(base, place).unwrap_or(Seconds::MAX), e)
            })
            .collect();
        by_distance.sort_unstable();
        let mut nearest: Vec<EngineerIdx> = by_distance
            .into_iter()
            .take(ENGINEERS_PER_INCIDENT)
            .map(|(_, e)| e)
            .collect();
        nearest.sort_unstable();
        nearest
    }

    fn candidate_depots(&self, incident: usize) -> Vec<DepotIdx> {
        let place = self.site_place[incident];
        let mut found: Vec<(Seconds, DepotIdx)> = self
            .scenario
            .depot_indices()
            .filter(|&d| self.stock[self.stock_slot(d, incident)] > 0)
            .filter_map(|d| self.drive(d.index(), place).map(|s| (s, d)))
            .collect();
        found.sort();
        found.into_iter().map(|(_, d)| d).collect()
    }
}

fn kind_weight(kind: IncidentKind) -> f64 {
    match kind {
        IncidentKind::Reactive => 1.0,
        IncidentKind::Proactive => PROACTIVE_WEIGHT,
    }
}

fn weight(scenario: &Scenario, incident: &Incident) -> f64 {
    // A tier without a penalty still counts as a breach, so use at least 1.
    scenario.site_tier(incident.site).penalty.max(1.0) * kind_weight(incident.kind)
}

fn qualified(scenario: &Scenario, incident: &Incident) -> Vec<EngineerIdx> {
    let skill = &scenario.part(incident.part).skill;
    scenario
        .engineer_indices()
        .filter(|&e| scenario.engineer(e).has_skill(skill))
        .collect()
}

/// One [`ShiftBlocks`] per distinct shift rule, and each engineer's.
fn shift_blocks(
    scenario: &Scenario,
    from: Seconds,
    to: Seconds,
) -> Result<(Vec<usize>, Vec<ShiftBlocks>), DispatchError> {
    let years = scenario_years(scenario);
    let mut rules: Vec<&crate::scenario::Shift> = Vec::new();
    let mut blocks = Vec::new();
    let mut shift_of = Vec::with_capacity(scenario.engineers.len());
    for engineer in &scenario.engineers {
        let index = match rules.iter().position(|r| **r == engineer.shift) {
            Some(index) => index,
            None => {
                blocks.push(
                    ShiftBlocks::build(&engineer.shift, years.clone(), from, to)
                        .map_err(DispatchError::Calendar)?,
                );
                rules.push(&engineer.shift);
                rules.len() - 1
            }
        };
        shift_of.push(index);
    }
    Ok((shift_of, blocks))
}

/// Travel seconds between depots and the incidents' distinct sites.
fn travel_matrix(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
) -> (Vec<usize>, usize, Vec<Option<Seconds>>) {
    let mut sites: Vec<SiteIdx> = incidents.iter().map(|i| i.site).collect();
    sites.sort();
    sites.dedup();
    let mut places: Vec<Place> = scenario.depot_indices().map(Place::Depot).collect();
    places.extend(sites.iter().map(|&s| Place::Site(s)));
    let depots = scenario.depots.len();
    let site_place = incidents
        .iter()
        .map(|i| depots + sites.binary_search(&i.site).unwrap_or(0))
        .collect();
    let n = places.len();
    // Site-origin queries are searched on demand by the travel service;
    // rows are independent, so they run in parallel.
    let rows: Vec<Vec<Option<Seconds>>> = places
        .par_iter()
        .map(|&from| {
            places
                .iter()
                .map(|&to| {
                    if from == to {
                        Some(0)
                    } else {
                        travel.hours_between(from, to).hours().map(secs)
                    }
                })
                .collect()
        })
        .collect();
    (site_place, n, rows.into_iter().flatten().collect())
}
