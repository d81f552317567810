//! Dispatch: assign a qualified engineer, a source depot with stock and a
//! delivery mode to each incident, and sequence each engineer's jobs inside
//! their shift, minimising (lexicographically) penalty-weighted SLA
//! breaches, minutes late, and travel time.
//!
//! The solver builds a [`problem::Problem`] once, constructs a solution by
//! regret insertion ([`insert`]), then improves it by large neighbourhood
//! search ([`lns`]). [`check`] verifies any result independently.

pub mod bound;
pub mod check;
pub mod greedy;
pub mod insert;
pub mod lns;
pub mod problem;
mod reason;
pub mod ruin;
pub mod schedule;
pub mod shift;
pub mod solution;

use crate::calendar::{CalendarError, Seconds};
use crate::scenario::{EngineerIdx, Incident, Scenario, StockLevel};
use crate::travel::TravelTimes;
pub use problem::Problem;
pub use schedule::{Cost, Mode, Visit};
use serde::Serialize;
use std::time::Duration;

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
    #[error(transparent)]
    Bound(#[from] bound::BoundError),
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
    pub visit: Option<(EngineerIdx, Visit)>,
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
    pub cost: Cost,
    /// Cost after the construction, before improvement.
    pub construction_cost: Cost,
    pub iterations: u64,
    pub seconds: f64,
    /// What is proven about the optimum, if a bound was asked for.
    pub bound: Option<bound::DispatchBound>,
}

/// Dispatches `incidents` from `stock`.
pub fn dispatch(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    options: DispatchOptions,
) -> Result<Dispatch, DispatchError> {
    let started = std::time::Instant::now();
    let problem = Problem::build(scenario, travel, incidents, stock)?;
    let mut solution = solution::Solution::empty(&problem);
    let all: Vec<usize> = (0..problem.len()).collect();
    insert::recreate(&problem, &mut solution, &all);
    let construction_cost = solution.cost;
    let remaining = options.time_limit.saturating_sub(started.elapsed());
    let (best, iterations) = lns::improve(&problem, solution, options, remaining);
    let bound = match options.bound {
        // The bound's LPs are small (one per part); they get their own budget
        // so that a dispatch stopped by its time limit still reports one.
        Some(backend) => Some(bound::bound(&problem, backend, BOUND_TIME_LIMIT)?),
        None => None,
    };
    let mut result = finish(&problem, &best, construction_cost, iterations, started);
    result.bound = bound;
    Ok(result)
}

/// Budget of each LP of the bound.
const BOUND_TIME_LIMIT: Duration = Duration::from_secs(30);

fn finish(
    problem: &Problem,
    solution: &solution::Solution,
    construction_cost: Cost,
    iterations: u64,
    started: std::time::Instant,
) -> Dispatch {
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
    for (e, route) in solution.routes.iter().enumerate() {
        routes.push(route.iter().map(|v| v.job.incident).collect());
        for visit in route {
            let a = &mut assignments[visit.job.incident];
            a.status = if visit.arrive <= a.deadline {
                Status::OnTime
            } else {
                Status::Late
            };
            a.visit = Some((EngineerIdx::new(e), *visit));
        }
    }
    for a in &mut assignments {
        a.reason = reason::explain(problem, solution, a);
    }
    Dispatch {
        incidents: problem.incidents.clone(),
        assignments,
        routes,
        cost: solution.cost,
        construction_cost,
        iterations,
        seconds: started.elapsed().as_secs_f64(),
        bound: None,
    }
}
