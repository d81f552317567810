//! The dispatch view of a schedule: each incident's engineer, source depot
//! and delivery mode, and its timing (departure, pickup, arrival, finish),
//! computed by the routing engine's timing rules (`engine::schedule`).

use super::engine::schedule::{State, visit};
use super::problem::Problem;
use crate::calendar::Seconds;
use crate::scenario::{DepotIdx, EngineerIdx};

pub use super::engine::Cost;

/// How the part reaches the site.
pub use crate::scenario::DeliveryMode as Mode;

/// One incident in a route, with its source depot and mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub incident: usize,
    pub depot: DepotIdx,
    pub mode: Mode,
}

/// The timing of a scheduled job.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobTiming {
    pub job: Job,
    pub depart: Seconds,
    /// Engineer at the depot (pickup), or part leaving the depot (courier).
    pub pickup: Seconds,
    pub engineer_arrive: Seconds,
    pub part_arrive: Seconds,
    /// Repair start: the later of engineer and part.
    pub arrive: Seconds,
    pub finish: Seconds,
    pub drive: Seconds,
    pub courier: Seconds,
    pub cost: Cost,
    /// Start of the engineer's break taken with this job (before leaving
    /// for it, or while waiting on site), if any.
    pub rest: Option<Seconds>,
    /// The engineer's first break still owed after this job.
    pub next_rest: usize,
}

impl JobTiming {
    /// The dispatch view of an engine visit.
    pub fn of(problem: &Problem, v: &super::engine::schedule::Visit) -> JobTiming {
        let (depot, mode) = problem.supplies[v.job][v.supply];
        JobTiming {
            job: Job {
                incident: v.job,
                depot,
                mode,
            },
            depart: v.depart,
            pickup: v.pickup,
            engineer_arrive: v.vehicle_arrive,
            part_arrive: v.part_arrive,
            arrive: v.start,
            finish: v.finish,
            drive: v.drive,
            courier: v.courier,
            cost: v.cost,
            rest: v.rest,
            next_rest: v.next_rest,
        }
    }
}

/// The cost of leaving an incident unassigned.
pub fn unassigned_cost(problem: &Problem, incident: usize) -> Cost {
    problem.model.jobs[incident].unassigned
}

/// Where and when an engineer becomes free.
pub type Free = State;

/// The engineer at base at the start of the dispatch.
pub fn start_of(problem: &Problem, engineer: EngineerIdx) -> Free {
    super::engine::schedule::start_state(&problem.model.vehicles[engineer.index()])
}

/// Schedules `job` for `engineer` free at `free`; `None` if a leg is
/// unreachable, the depot cannot supply it or no duty block fits the job.
pub fn schedule_job(
    problem: &Problem,
    engineer: EngineerIdx,
    free: Free,
    job: Job,
) -> Option<JobTiming> {
    let supply = problem.supply_index(job.incident, job.depot, job.mode)?;
    let vehicle = &problem.model.vehicles[engineer.index()];
    visit(&problem.model, vehicle, free, job.incident, supply).map(|v| JobTiming::of(problem, &v))
}

/// Every way `engineer`, free at `free`, can do `incident`: one visit per
/// depot with its part and mode that fits.
pub fn options_from<'p>(
    problem: &'p Problem<'p>,
    engineer: EngineerIdx,
    free: Free,
    incident: usize,
) -> impl Iterator<Item = JobTiming> + 'p {
    problem.depots[incident].iter().flat_map(move |&depot| {
        Mode::ALL.into_iter().filter_map(move |mode| {
            let job = Job {
                incident,
                depot,
                mode,
            };
            schedule_job(problem, engineer, free, job)
        })
    })
}

/// Every way a qualified engineer, at base and free from the start, can do
/// `incident` if it were the only one.
pub fn options_alone(problem: &Problem, incident: usize) -> Vec<(EngineerIdx, JobTiming)> {
    problem.qualified[incident]
        .iter()
        .flat_map(|&engineer| {
            options_from(problem, engineer, start_of(problem, engineer), incident)
                .map(move |visit| (engineer, visit))
        })
        .collect()
}

/// Schedules `jobs` in order from `free`; `None` if one cannot be done.
pub fn schedule_from(
    problem: &Problem,
    engineer: EngineerIdx,
    mut free: Free,
    jobs: &[Job],
) -> Option<Vec<JobTiming>> {
    let mut visits = Vec::with_capacity(jobs.len());
    for &job in jobs {
        let visit = schedule_job(problem, engineer, free, job)?;
        free = Free {
            place: problem.site_place[job.incident],
            at: visit.finish,
            next_rest: visit.next_rest,
        };
        visits.push(visit);
    }
    Some(visits)
}

/// The cost of a sequence of visits.
pub fn total(visits: &[JobTiming]) -> Cost {
    visits
        .iter()
        .fold(Cost::default(), |sum, v| sum.plus(v.cost))
}
