//! Dispatch: assign a qualified engineer, a source depot with stock and a
//! delivery mode to each incident, and sequence each engineer's jobs inside
//! their shift, minimising (lexicographically) penalty-weighted SLA
//! breaches, minutes late, and travel time.
//!
//! [`problem`] turns the scenario into the routing [`engine`]'s plain model
//! (the engine also drives the public benchmarks through
//! [`bench_formats`]); the engine constructs a solution by regret insertion
//! and improves it by large neighbourhood search with local search.
//! [`check`] verifies any result independently.

pub mod bound;
pub mod check;
/// The routing engine, a crate of its own (`crates/routing`).
pub use sparesla_routing as engine;
/// Readers of the public routing benchmarks (Solomon, Pillac et al. TRSP).
pub use sparesla_routing::bench_formats;
pub mod problem;
mod reason;
pub mod rest;
pub mod schedule;
pub mod shift;
mod warm;

use crate::calendar::{CalendarError, Seconds};
use crate::scenario::{EngineerIdx, EngineerState, Incident, Pin, Scenario, StockLevel};
use crate::travel::TravelTimes;
pub use problem::Problem;
pub use schedule::{Cost, JobTiming, Mode};
use serde::Serialize;
use std::time::Duration;
pub use warm::dispatch_warm;

/// Why a dispatch could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error("engineer shifts: {0}")]
    Calendar(CalendarError),
    #[error("incident `{incident}`: no deadline: {source}")]
    Deadline {
        incident: String,
        source: CalendarError,
    },
    #[error("routing model: {0}")]
    Model(String),
    #[error(transparent)]
    Bound(#[from] bound::BoundError),
    #[error("pinned jobs: {0}")]
    Pin(String),
}

/// What a live dispatch starts from besides incidents and stock: engineers
/// already out, and jobs of a previous dispatch to keep.
#[derive(Clone, Debug, Default)]
pub struct Live {
    pub engineers: Vec<EngineerState>,
    pub pins: Vec<Pin>,
}

/// Solver settings.
#[derive(Clone, Copy, Debug)]
pub struct DispatchOptions {
    /// Wall-clock budget of the improvement phase.
    pub time_limit: Duration,
    /// Seed of the improvement phase's random choices.
    pub seed: u64,
    /// Most improvement iterations; with a time limit that is not reached,
    /// the same seed gives the same dispatch.
    pub max_iterations: u64,
    /// LP backend of the lower bound ([`bound`]); no bound when `None`.
    pub bound: Option<crate::plan::Backend>,
}

impl Default for DispatchOptions {
    fn default() -> Self {
        DispatchOptions {
            time_limit: Duration::from_secs(10),
            seed: 0,
            max_iterations: 2_000,
            bound: Some(crate::plan::Backend::default_backend()),
        }
    }
}

/// Whether an incident is served in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTime,
    Late,
    Unassigned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnTime => "on_time",
            Status::Late => "late",
            Status::Unassigned => "unassigned",
        }
    }
}

/// The dispatch of one incident.
#[derive(Clone, Debug)]
pub struct Assignment {
    /// Index into the dispatched incidents.
    pub incident: usize,
    pub deadline: Seconds,
    /// The engineer and the timing, if assigned.
    pub visit: Option<(EngineerIdx, JobTiming)>,
    pub status: Status,
    /// What a dispatcher can act on, for late and unassigned incidents.
    pub reason: Option<String>,
}

impl Assignment {
    /// Minutes between arrival and deadline (negative when late).
    pub fn slack_minutes(&self) -> Option<i64> {
        self.visit
            .as_ref()
            .map(|(_, v)| (self.deadline - v.arrive).div_euclid(60))
    }
}

/// A computed dispatch.
#[derive(Clone, Debug)]
pub struct Dispatch {
    /// The dispatched incidents, in input order.
    pub incidents: Vec<Incident>,
    /// One per incident, in input order.
    pub assignments: Vec<Assignment>,
    /// Incident indices of each engineer's route, in order (scenario engineer order).
    pub routes: Vec<Vec<usize>>,
    /// Each engineer's paid time, day by day summed: from each day's
    /// departure (the first as late as the route allows) to that day's last
    /// finish, off-duty time and breaks not counted.
    pub paid: Vec<Seconds>,
    /// Each engineer's overtime, day by day summed: a day's paid time beyond
    /// `[dispatch] overtime_after`, or worked past the shift's end.
    pub overtime: Vec<Seconds>,
    pub cost: Cost,
    /// Cost after the construction, before improvement.
    pub construction_cost: Cost,
    pub iterations: u64,
    pub seconds: f64,
    /// What is proven about the optimum, if a bound was asked for.
    pub bound: Option<bound::DispatchBound>,
    /// Days planned (1: today's single dispatch, [`dispatch_days`]).
    pub days: u32,
    /// Paid time and overtime day by day when more than one day is planned
    /// (empty otherwise).
    pub day_figures: Vec<DayFigures>,
}

/// One planned day's paid time, summed over engineers: each engineer's
/// on-duty time from their departure from home that day to their last
/// finish that day, breaks not counted (a paused repair counts on both
/// days), and the part of it beyond `[dispatch] overtime_after` hours or
/// past the shift's end, engineer by engineer
/// ([`engine::features::paid`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayFigures {
    /// The local date the day starts on (the zone of the first incident's site).
    pub date: String,
    pub paid: Seconds,
    pub overtime: Seconds,
    /// Engineers with work that day.
    pub engineers_out: usize,
    /// Repairs that start that day.
    pub repairs_started: usize,
}

/// Dispatches `incidents` from `stock`, every engineer at base.
impl Dispatch {
    /// Engineers' breaks taken, over all routes.
    pub fn breaks_taken(&self) -> usize {
        self.assignments
            .iter()
            .filter_map(|a| a.visit.as_ref())
            .filter(|(_, v)| v.rest.is_some())
            .count()
    }
}

pub fn dispatch(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    options: DispatchOptions,
) -> Result<Dispatch, DispatchError> {
    dispatch_live(
        scenario,
        travel,
        incidents,
        stock,
        &Live::default(),
        options,
    )
}

/// Dispatches `incidents` from `stock` with engineers where `live` says
/// and its pinned jobs kept: each engineer's pinned jobs stay first in the
/// route, in their previous order, with their engineer, depot and mode.
pub fn dispatch_live(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    live: &Live,
    options: DispatchOptions,
) -> Result<Dispatch, DispatchError> {
    dispatch_days(scenario, travel, incidents, stock, live, options, 1)
}

/// As [`dispatch_live`], planning `days` days ([`Problem::build_days`]):
/// 1 is today's dispatch; with more, engineers work the duty blocks of
/// those days and go home between them, and a job may start on a later day.
pub fn dispatch_days(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    live: &Live,
    options: DispatchOptions,
    days: u32,
) -> Result<Dispatch, DispatchError> {
    let started = std::time::Instant::now();
    let problem = Problem::build_days(
        scenario,
        travel,
        incidents,
        stock,
        &live.engineers,
        days.max(1),
    )?;
    let initial = pinned(&problem, &live.pins)?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        places = problem.model.matrix.places(),
        "travel matrix and routing model built"
    );
    let search = engine::SearchOptions {
        time_limit: options.time_limit.saturating_sub(started.elapsed()),
        seed: options.seed,
        max_iterations: options.max_iterations,
        insert: engine::insert::InsertLimits {
            sources: problem::DEPOTS_PER_INSERTION,
            vehicles: problem::ENGINEERS_PER_INSERTION,
        },
        ..engine::SearchOptions::default()
    };
    let outcome = engine::solve_from(&problem.model, initial, &search);
    let bound = match options.bound {
        // The bound's LPs are small (one per part); they get their own budget
        // so that a dispatch stopped by its time limit still reports one.
        Some(backend) => {
            let mut bound = bound::bound(&problem, backend, BOUND_TIME_LIMIT)?;
            // Pins restrict the dispatch; the lower bound stays valid, but the
            // single-job assignment ignores them, so it is no optimum here.
            if !live.pins.is_empty() {
                bound.single_job_optimum = None;
            }
            Some(bound)
        }
        None => None,
    };
    let mut result = finish(&problem, &outcome, started);
    result.bound = bound;
    Ok(result)
}

/// Budget of each LP of the bound.
const BOUND_TIME_LIMIT: Duration = Duration::from_secs(30);

/// The starting solution with every pin in place.
fn pinned(problem: &Problem, pins: &[Pin]) -> Result<engine::Solution, DispatchError> {
    let mut solution = engine::Solution::empty(&problem.model);
    let mut by_engineer: Vec<Vec<&Pin>> = vec![Vec::new(); problem.scenario.engineers.len()];
    for pin in pins {
        by_engineer[pin.engineer.index()].push(pin);
    }
    for (e, mut pins) in by_engineer.into_iter().enumerate() {
        if pins.is_empty() {
            continue;
        }
        pins.sort_by_key(|p| p.depart);
        let mut jobs = Vec::with_capacity(pins.len());
        for pin in &pins {
            let id = &problem.incidents[pin.incident].id;
            let supply = problem
                .supply_index(pin.incident, pin.depot, pin.mode)
                .ok_or_else(|| {
                    DispatchError::Pin(format!(
                        "incident `{id}`: depot {} has no unit of its part or cannot reach the site",
                        problem.scenario.depot(pin.depot).id
                    ))
                })?;
            jobs.push((pin.incident, supply));
        }
        if !solution.pin(&problem.model, e, &jobs) {
            let ids: Vec<&str> = pins
                .iter()
                .map(|p| problem.incidents[p.incident].id.as_str())
                .collect();
            return Err(DispatchError::Pin(format!(
                "engineer {} cannot do {} in that order with the stock and shifts given",
                problem.scenario.engineers[e].id,
                ids.join(", ")
            )));
        }
    }
    Ok(solution)
}

fn finish(problem: &Problem, outcome: &engine::Outcome, started: std::time::Instant) -> Dispatch {
    let solution = &outcome.solution;
    let mut assignments: Vec<Assignment> = (0..problem.len())
        .map(|i| Assignment {
            incident: i,
            deadline: problem.deadline[i],
            visit: None,
            status: Status::Unassigned,
            reason: None,
        })
        .collect();
    let mut routes = Vec::with_capacity(solution.routes.len());
    let paid: Vec<Seconds> = solution.routes.iter().map(|r| r.paid).collect();
    let overtime = solution.routes.iter().map(|r| r.overtime).collect();
    for (e, route) in solution.routes.iter().enumerate() {
        routes.push(route.visits.iter().map(|v| v.job).collect());
        for visit in &published(problem, route) {
            let a = &mut assignments[visit.job];
            let visit = JobTiming::of(problem, visit);
            a.status = if visit.arrive <= a.deadline {
                Status::OnTime
            } else {
                Status::Late
            };
            a.visit = Some((EngineerIdx::new(e), visit));
        }
    }
    for a in &mut assignments {
        a.reason = reason::explain(problem, solution, a);
    }
    let day_figures = if problem.days > 1 {
        day_figures(problem, solution, &assignments)
    } else {
        Vec::new()
    };
    Dispatch {
        incidents: problem.incidents.clone(),
        assignments,
        routes,
        paid,
        overtime,
        cost: solution.cost,
        construction_cost: outcome.construction,
        iterations: outcome.iterations,
        seconds: started.elapsed().as_secs_f64(),
        bound: None,
        days: problem.days,
        day_figures,
    }
}

/// The visits of `route` as the engineer drives them: leaving at the
/// route's departure, delayed only by the waiting that would otherwise be
/// spent idle before the first job can start, where that is later than the
/// engine's earliest timing (so the first departure is when paid time
/// starts, and no repair starts later than leaving at once would start it:
/// an urgent job's deadline slack is no reason to set off later). The
/// earliest timing when the delayed one would start or finish any job at
/// another time or cost otherwise (it never should).
fn published(problem: &Problem, route: &engine::route::Route) -> Vec<engine::schedule::Visit> {
    use engine::schedule::{start_state, visit};
    let model = &problem.model;
    let vehicle = &model.vehicles[route.vehicle];
    let Some(first) = route.visits.first() else {
        return Vec::new();
    };
    if route.departure <= first.depart {
        return route.visits.clone();
    }
    let from = engine::schedule::State {
        at: route.departure,
        ..start_state(vehicle)
    };
    let delayed = if !engine::route::places_rests(vehicle) {
        let mut delayed = Vec::with_capacity(route.visits.len());
        let mut free = from;
        for old in &route.visits {
            let Some(v) = visit(model, vehicle, free, old.job, old.supply) else {
                return route.visits.clone();
            };
            free = v.state(model);
            delayed.push(v);
        }
        delayed
    } else {
        // The engine places the breaks over the whole route: so here.
        match engine::placement::best_timing(model, route.vehicle, from, &route.jobs()) {
            Some(timed) => timed.visits,
            None => return route.visits.clone(),
        }
    };
    let cost = |visits: &[engine::schedule::Visit]| {
        visits
            .iter()
            .fold(Cost::default(), |sum, v| sum.plus(v.cost))
    };
    let same_times = delayed
        .iter()
        .zip(&route.visits)
        .all(|(d, v)| (d.start, d.finish) == (v.start, v.finish));
    if same_times
        && !cost(&delayed).is_better(&cost(&route.visits))
        && !cost(&route.visits).is_better(&cost(&delayed))
    {
        delayed
    } else {
        route.visits.clone()
    }
}

/// The local date of `at` in `tz`, `YYYY-MM-DD`.
fn local_date(at: Seconds, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&tz).date_naive().to_string())
        .unwrap_or_else(|| format!("@{at}"))
}

/// Paid time and overtime of each planned day ([`DayFigures`]).
fn day_figures(
    problem: &Problem,
    solution: &engine::Solution,
    assignments: &[Assignment],
) -> Vec<DayFigures> {
    let scenario = problem.scenario;
    let days = problem.days as usize;
    let label_tz = problem
        .opened
        .iter()
        .position(|&at| at == problem.start)
        .map_or(chrono_tz::UTC, |i| {
            scenario.site(problem.incidents[i].site).tz
        });
    let mut figures: Vec<DayFigures> = shift::day_bounds(label_tz, problem.start, problem.days)
        .iter()
        .take(days)
        .map(|&at| DayFigures {
            date: local_date(at, label_tz),
            paid: 0,
            overtime: 0,
            engineers_out: 0,
            repairs_started: 0,
        })
        .collect();
    for (e, route) in solution.routes.iter().enumerate() {
        let bounds = shift::day_bounds(scenario.engineers[e].shift.tz, problem.start, problem.days);
        let mut out = vec![false; days];
        // The engine's working days are duty blocks: each counts on the
        // planned day it starts (a night shift on the evening it begins).
        for day in &route.days {
            let d = bounds[1..days]
                .iter()
                .take_while(|&&next| next <= day.start)
                .count();
            figures[d].paid += day.paid;
            figures[d].overtime += day.overtime;
            out[d] = true;
        }
        for (figure, out) in figures.iter_mut().zip(out) {
            figure.engineers_out += usize::from(out);
        }
    }
    for a in assignments {
        let Some((e, v)) = &a.visit else { continue };
        let bounds = shift::day_bounds(scenario.engineer(*e).shift.tz, problem.start, problem.days);
        if let Some(d) = (0..days).find(|&d| v.arrive >= bounds[d] && v.arrive < bounds[d + 1]) {
            figures[d].repairs_started += 1;
        }
    }
    figures
}
