//! The scenario adapter: turns a scenario, its incidents and a stock into
//! the routing engine's plain [`Model`] (one job per incident, one vehicle
//! per engineer, depots and sites as places), keeping what the dispatch
//! outputs and reasons need to read the result back in scenario terms.

use super::DispatchError;
use super::engine::features::skills::SkillSet;
use super::engine::model::{
    Deadline, DepartureDelay, DutyBlocks, Job, Matrix, ModelSpec, NEVER, NO_TIME, Pay, Supply,
    Vehicle,
};
use super::engine::{Cost, Model};
use super::rest::rests_of;
use super::shift::{planned_day_blocks, shift_blocks};
use crate::calendar::Seconds;
use crate::scenario::DeliveryMode as Mode;
use crate::scenario::{
    DepotIdx, EngineerIdx, EngineerState, Incident, IncidentKind, Location, Scenario, SiteIdx,
    StockLevel,
};
use crate::scenario::{DispatchSettings, SiteClocks};
use crate::travel::{Endpoint, TravelTimes};
use rayon::prelude::*;

/// Minutes late charged for an unassigned incident (a week): worse than any
/// assignment inside the horizon.
pub const UNASSIGNED_LATE_MINUTES: f64 = 7.0 * 24.0 * 60.0;

/// Breach weight of a proactive incident relative to a reactive one: its
/// deadline is soft, so it may wait when engineers are short.
pub const PROACTIVE_WEIGHT: f64 = 0.1;
/// How far past the last opening the dispatch may schedule work.
pub const HORIZON_SECS: Seconds = 7 * 86_400;
/// Depots with stock tried per insertion, nearest to the site first.
pub const DEPOTS_PER_INSERTION: usize = 4;
/// Qualified engineers tried first per insertion, nearest to the site
/// (plus the nearest of every shift); the others only when none fits.
pub const ENGINEERS_PER_INSERTION: usize = 40;

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
    /// Place index (the engine's) of each incident's site in the travel matrix.
    pub site_place: Vec<usize>,
    /// Qualified engineers of each incident.
    pub qualified: Vec<Vec<EngineerIdx>>,
    /// Depots holding the part at the start, reachable from the site, nearest first.
    pub depots: Vec<Vec<DepotIdx>>,
    /// Initial stock, `[depot * parts + part]`.
    pub stock: Vec<u32>,
    pub handling: Seconds,
    pub courier_factor: f64,
    /// Earliest opening: every engineer is at base and free from then.
    pub start: Seconds,
    /// The engine's model: incident `i` is job `i`, engineer `e` vehicle `e`,
    /// depot `d` place `d`.
    pub model: Model,
    /// Depot and mode of each job's supplies, by supply index.
    pub supplies: Vec<Vec<(DepotIdx, Mode)>>,
    /// Days planned ([`Problem::build_days`]; 1: today's single dispatch).
    pub days: u32,
}

/// Hours as whole seconds, rounded: how the scenario's durations (handling,
/// repair, travel) become engine time, in `dispatch` and `simulate` alike.
pub fn secs(hours: f64) -> Seconds {
    (hours * 3600.0).round() as Seconds
}

/// A courier's seconds for a drive of `drive` seconds, at `speed_factor`
/// times an engineer's speed (`[dispatch] courier_speed_factor`; 0 or less
/// counts as 1).
pub fn courier_seconds(drive: Seconds, speed_factor: f64) -> Seconds {
    let factor = if speed_factor > 0.0 {
        speed_factor
    } else {
        1.0
    };
    (drive as f64 / factor).round() as Seconds
}

/// The engine's ways of bringing an incident's part from the depot at place
/// `depot` (taking a unit from stock slot `stock`), in order: the engineer
/// collects it, spending `handling` there; or, when a courier reaches the
/// site in `courier` seconds, a courier brings it, leaving once the part is
/// handled after the incident `opened`.
pub fn depot_supplies(
    depot: usize,
    stock: Option<usize>,
    handling: Seconds,
    opened: Seconds,
    courier: Option<Seconds>,
) -> impl Iterator<Item = (Supply, Mode)> {
    let pickup = Supply::Pickup {
        depot,
        handling,
        stock,
        restock: false,
    };
    let by_courier = courier.map(|drive| {
        let leaves = opened + handling;
        let supply = Supply::Courier {
            depot,
            leaves,
            arrives: leaves + drive,
            cost: drive as f64 / 60.0,
            stock,
        };
        (supply, Mode::Courier)
    });
    std::iter::once((pickup, Mode::EngineerPickup)).chain(by_courier)
}

impl<'a> Problem<'a> {
    /// Builds the problem of dispatching `incidents` from `stock`, every
    /// engineer at base.
    pub fn build(
        scenario: &'a Scenario,
        travel: &TravelTimes,
        incidents: &[Incident],
        stock: &[StockLevel],
    ) -> Result<Self, DispatchError> {
        Problem::build_live(scenario, travel, incidents, stock, &[])
    }

    /// As [`Problem::build`], with engineers already out starting where
    /// and when `states` say (never before the earliest opening).
    pub fn build_live(
        scenario: &'a Scenario,
        travel: &TravelTimes,
        incidents: &[Incident],
        stock: &[StockLevel],
        states: &[EngineerState],
    ) -> Result<Self, DispatchError> {
        Problem::build_days(scenario, travel, incidents, stock, states, 1)
    }

    /// As [`Problem::build_live`], planning `days` days. With 1, today's
    /// dispatch: a job that does not fit waits for the engineer's next duty
    /// block within [`HORIZON_SECS`], the engineer staying at the last job.
    /// With more, the duty blocks of those days only (from the local day of
    /// the earliest opening), each engineer going home to base between
    /// blocks; a job that fits in none stays unassigned.
    pub fn build_days(
        scenario: &'a Scenario,
        travel: &TravelTimes,
        incidents: &[Incident],
        stock: &[StockLevel],
        states: &[EngineerState],
        days: u32,
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
        let multi_day = days > 1;
        let (shift_of, shifts) = if multi_day {
            planned_day_blocks(scenario, start - 86_400, start, days)
        } else {
            shift_blocks(scenario, start - 86_400, end)
        }
        .map_err(DispatchError::Calendar)?;
        let settings = &scenario.dispatch;
        // The duty blocks without overtime: breaks fall in the shift proper.
        let duty = if scenario.breaks.is_empty() {
            Vec::new()
        } else {
            shifts.clone()
        };
        let shifts = with_overtime(shifts, secs(settings.max_overtime_hours));
        let parts = scenario.parts.len();
        let mut stock_vec = vec![0u32; scenario.depots.len() * parts];
        for level in stock {
            let slot = &mut stock_vec[level.depot.index() * parts + level.part.index()];
            *slot = slot.saturating_add(level.on_hand);
        }
        let (site_place, places, times, place_of_site) =
            travel_matrix(scenario, travel, incidents, states);
        let matrix = Matrix::from_times(places, times, settings.travel_weight / 60.0)
            .map_err(|e| DispatchError::Model(e.to_string()))?;
        let handling = secs(scenario.travel.handling_hours.max(0.0));
        let courier_factor = scenario.dispatch.courier_speed_factor;
        let weight: Vec<f64> = incidents.iter().map(|i| weight(scenario, i)).collect();
        let late_weight: Vec<f64> = incidents.iter().map(|i| kind_weight(i.kind)).collect();
        let repair: Vec<Seconds> = incidents
            .iter()
            .map(|i| secs(scenario.part(i.part).repair_hours.max(0.0)))
            .collect();
        let skills = SkillNumbers::of(scenario);
        let stock_slot = |d: DepotIdx, i: usize| d.index() * parts + incidents[i].part.index();
        let depots: Vec<Vec<DepotIdx>> = (0..incidents.len())
            .map(|i| {
                let mut found: Vec<(Seconds, DepotIdx)> = scenario
                    .depot_indices()
                    .filter(|&d| stock_vec[stock_slot(d, i)] > 0)
                    .filter_map(|d| matrix.time(d.index(), site_place[i]).map(|s| (s, d)))
                    .collect();
                found.sort();
                found.into_iter().map(|(_, d)| d).collect()
            })
            .collect();
        let courier = |depot: DepotIdx, site: usize| {
            matrix
                .time(depot.index(), site)
                .map(|drive| courier_seconds(drive, courier_factor))
        };
        let mut supplies_of = Vec::with_capacity(incidents.len());
        let jobs: Vec<Job> = (0..incidents.len())
            .map(|i| {
                let mut supplies = Vec::new();
                let mut named = Vec::new();
                for &d in &depots[i] {
                    let slot = Some(stock_slot(d, i));
                    let courier = courier(d, site_place[i]);
                    for (supply, mode) in
                        depot_supplies(d.index(), slot, handling, opened[i], courier)
                    {
                        supplies.push(supply);
                        named.push((d, mode));
                    }
                }
                supplies_of.push(named);
                Job {
                    place: site_place[i],
                    service: repair[i],
                    release: opened[i],
                    ready: NO_TIME,
                    deadline: Some(Deadline {
                        at: deadline[i],
                        hard: false,
                    }),
                    breach_weight: weight[i],
                    late_weight: late_weight[i] / 60.0,
                    unassigned: Cost {
                        breaches: weight[i],
                        late_minutes: UNASSIGNED_LATE_MINUTES * late_weight[i],
                        travel_minutes: 0.0,
                    },
                    demand: Vec::new(),
                    tools: 0,
                    skills: skills.set([scenario.part(incidents[i].part).skill.as_str()]),
                    supplies,
                    pausable: scenario.part(incidents[i].part).pausable,
                }
            })
            .collect();
        let vehicles: Vec<Vehicle> = scenario
            .engineers
            .iter()
            .enumerate()
            .map(|(e, engineer)| {
                let (place, from) = match states.iter().find(|s| s.engineer.index() == e) {
                    Some(state) => (
                        match state.location {
                            Location::Depot(d) => d.index(),
                            Location::Site(s) => place_of_site(s),
                        },
                        start.max(state.available_from.timestamp()),
                    ),
                    None => (engineer.base.index(), start),
                };
                let rests = scenario.breaks.get(&engineer.id).map(|rule| {
                    let blocks = duty[shift_of[e]].blocks().iter();
                    rests_of(rule, engineer.shift.tz, blocks.map(|b| (b.start, b.end)))
                });
                Vehicle {
                    shift: Some(shift_of[e]),
                    skills: skills.set(engineer.skills.iter().map(String::as_str)),
                    home: multi_day.then_some(engineer.base.index()),
                    rests: rests.unwrap_or_default(),
                    ..Vehicle::at(place, from)
                }
            })
            .collect();
        let model = ModelSpec {
            jobs,
            vehicles,
            matrix,
            shifts,
            depot_stock: stock_vec.clone(),
            dims: 0,
            restock_level: Vec::new(),
        }
        .build()
        .map_err(|e| DispatchError::Model(e.to_string()))?
        .with_pay(pay(settings));
        let qualified = model
            .qualified
            .iter()
            .map(|q| q.iter().map(|&v| EngineerIdx::new(v)).collect())
            .collect();
        Ok(Problem {
            scenario,
            incidents: incidents.to_vec(),
            opened,
            deadline,
            weight,
            late_weight,
            repair,
            site_place,
            qualified,
            depots,
            stock: stock_vec,
            handling,
            courier_factor,
            start,
            model,
            supplies: supplies_of,
            days,
        })
    }

    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// Driving seconds between two places, `None` if unreachable.
    pub fn drive(&self, from: usize, to: usize) -> Option<Seconds> {
        self.model.matrix.time(from, to)
    }

    /// The place index of a depot.
    pub fn depot_place(&self, depot: DepotIdx) -> usize {
        depot.index()
    }

    /// Stock slot of a depot and an incident's part.
    pub fn stock_slot(&self, depot: DepotIdx, incident: usize) -> usize {
        depot.index() * self.scenario.parts.len() + self.incidents[incident].part.index()
    }

    /// The engine's supply index for a depot and mode of an incident.
    pub fn supply_index(&self, incident: usize, depot: DepotIdx, mode: Mode) -> Option<usize> {
        self.supplies[incident]
            .iter()
            .position(|&(d, m)| d == depot && m == mode)
    }
}

/// Skill names numbered for the engine.
struct SkillNumbers(Vec<String>);

impl SkillNumbers {
    fn of(scenario: &Scenario) -> SkillNumbers {
        let mut names: Vec<String> = scenario
            .parts
            .iter()
            .map(|p| p.skill.clone())
            .chain(scenario.engineers.iter().flat_map(|e| e.skills.clone()))
            .collect();
        names.sort();
        names.dedup();
        SkillNumbers(names)
    }

    fn set<'s>(&self, skills: impl IntoIterator<Item = &'s str>) -> SkillSet {
        SkillSet::new(
            skills
                .into_iter()
                .filter_map(|s| {
                    self.0
                        .binary_search_by(|n| n.as_str().cmp(s))
                        .ok()
                        .map(|k| k as u32)
                })
                .collect(),
        )
    }
}

/// Duty blocks lengthened by the overtime allowed past their end.
fn with_overtime(shifts: Vec<DutyBlocks>, overtime: Seconds) -> Vec<DutyBlocks> {
    if overtime <= 0 {
        return shifts;
    }
    shifts
        .iter()
        .map(|d| DutyBlocks::new(d.blocks().iter().map(|b| (b.start, b.end + overtime))))
        .collect()
}

/// The price of paid time, per second, in the cost term's minutes: a paid
/// minute costs the `paid_time` weight, an overtime minute
/// `overtime_factor` times that.
pub fn pay(settings: &DispatchSettings) -> Pay {
    let per_time = settings.paid_time_weight / 60.0;
    Pay {
        per_time,
        overtime_after: settings.overtime_after_hours.map_or(NEVER, secs),
        overtime_extra: per_time * (settings.overtime_factor - 1.0),
        past_shift: secs(settings.max_overtime_hours),
        // A round-the-clock shift is paid by the day (from local midnight,
        // where its blocks start).
        day_length: 86_400,
        departure: DepartureDelay::UntilFirstStart,
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

/// Travel seconds between depots and the distinct sites of the incidents
/// and of engineers already out; returns each incident's place, the number
/// of places, the matrix and the place of a site.
#[allow(clippy::type_complexity)]
fn travel_matrix(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    states: &[EngineerState],
) -> (
    Vec<usize>,
    usize,
    Vec<Option<Seconds>>,
    impl Fn(SiteIdx) -> usize + use<>,
) {
    let mut sites: Vec<SiteIdx> = incidents.iter().map(|i| i.site).collect();
    sites.extend(states.iter().filter_map(|s| match s.location {
        Location::Site(site) => Some(site),
        Location::Depot(_) => None,
    }));
    sites.sort();
    sites.dedup();
    let mut places: Vec<Endpoint> = scenario.depot_indices().map(Endpoint::Depot).collect();
    places.extend(sites.iter().map(|&s| Endpoint::Site(s)));
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
    let place_of_site = move |s: SiteIdx| depots + sites.binary_search(&s).unwrap_or(0);
    (
        site_place,
        n,
        rows.into_iter().flatten().collect(),
        place_of_site,
    )
}
