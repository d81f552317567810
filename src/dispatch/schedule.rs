//! Timing of one job and of a route: when the engineer leaves, collects the
//! part (or the courier dispatches it), arrives and finishes. Rule: the
//! engineer departs while on duty and the repair finishes before the duty
//! block ends (a 24x7 engineer's blocks are continuous); otherwise the job
//! waits for the next block.

use super::problem::Problem;
use crate::calendar::Seconds;
use crate::scenario::{DepotIdx, EngineerIdx};
use serde::Serialize;
use std::cmp::Ordering;

/// Duty blocks tried for one job before giving up.
const MAX_BLOCKS: usize = 16;
/// Minutes late charged for an unassigned incident (a week): worse than any
/// assignment inside the horizon.
pub const UNASSIGNED_LATE_MINUTES: f64 = 7.0 * 24.0 * 60.0;

/// How the part reaches the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The engineer drives to the depot, collects the part, drives on.
    EngineerPickup,
    /// A courier drives the part from the depot; the engineer drives directly.
    Courier,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::EngineerPickup, Mode::Courier];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::EngineerPickup => "engineer_pickup",
            Mode::Courier => "courier",
        }
    }
}

/// One incident in a route, with its source depot and mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub incident: usize,
    pub depot: DepotIdx,
    pub mode: Mode,
}

/// The timing of a scheduled job.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Visit {
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
}

/// Lexicographic objective: penalty-weighted breaches, then minutes late,
/// then travel minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Cost {
    pub breaches: f64,
    pub late_minutes: f64,
    pub travel_minutes: f64,
}

const EPS: f64 = 1e-6;

fn cmp_f(a: f64, b: f64) -> Ordering {
    if (a - b).abs() <= EPS * (1.0 + a.abs().max(b.abs())) {
        Ordering::Equal
    } else {
        a.total_cmp(&b)
    }
}

impl Cost {
    pub fn lex_cmp(&self, other: &Cost) -> Ordering {
        cmp_f(self.breaches, other.breaches)
            .then(cmp_f(self.late_minutes, other.late_minutes))
            .then(cmp_f(self.travel_minutes, other.travel_minutes))
    }

    pub fn is_better(&self, other: &Cost) -> bool {
        self.lex_cmp(other) == Ordering::Less
    }

    pub fn plus(self, other: Cost) -> Cost {
        Cost {
            breaches: self.breaches + other.breaches,
            late_minutes: self.late_minutes + other.late_minutes,
            travel_minutes: self.travel_minutes + other.travel_minutes,
        }
    }

    pub fn minus(self, other: Cost) -> Cost {
        Cost {
            breaches: self.breaches - other.breaches,
            late_minutes: self.late_minutes - other.late_minutes,
            travel_minutes: self.travel_minutes - other.travel_minutes,
        }
    }

    /// The cost of leaving an incident unassigned.
    pub fn unassigned(problem: &Problem, incident: usize) -> Cost {
        Cost {
            breaches: problem.weight[incident],
            late_minutes: UNASSIGNED_LATE_MINUTES * problem.late_weight[incident],
            travel_minutes: 0.0,
        }
    }
}

/// Where and when an engineer becomes free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Free {
    pub place: usize,
    pub at: Seconds,
}

/// The engineer at base at the start of the dispatch.
pub fn start_of(problem: &Problem, engineer: EngineerIdx) -> Free {
    Free {
        place: problem.depot_place(problem.scenario.engineer(engineer).base),
        at: problem.start,
    }
}

/// Schedules `job` for `engineer` free at `free`; `None` if a leg is
/// unreachable or no duty block fits the job.
pub fn schedule_job(
    problem: &Problem,
    engineer: EngineerIdx,
    free: Free,
    job: Job,
) -> Option<Visit> {
    let i = job.incident;
    let site = problem.site_place[i];
    let depot = problem.depot_place(job.depot);
    let handling = problem.handling;
    let (to_first, to_site, courier) = match job.mode {
        Mode::EngineerPickup => (
            problem.drive(free.place, depot)?,
            problem.drive(depot, site)?,
            0,
        ),
        Mode::Courier => (
            problem.drive(free.place, site)?,
            0,
            problem.courier(job.depot, site)?,
        ),
    };
    let earliest = free.at.max(problem.opened[i]);
    for block in problem
        .shift(engineer)
        .from(earliest)
        .iter()
        .take(MAX_BLOCKS)
    {
        let start = earliest.max(block.start);
        let (depart, pickup, engineer_arrive, part_arrive) = match job.mode {
            Mode::EngineerPickup => {
                let pickup = start + to_first;
                let arrive = pickup + handling + to_site;
                (start, pickup, arrive, arrive)
            }
            Mode::Courier => {
                let pickup = problem.opened[i] + handling;
                let part_arrive = pickup + courier;
                // Leave no earlier than needed to meet the part: less idle time on site.
                let depart = start.max(part_arrive - to_first);
                (depart, pickup, depart + to_first, part_arrive)
            }
        };
        let arrive = engineer_arrive.max(part_arrive);
        let finish = arrive + problem.repair[i];
        if finish <= block.end {
            let drive = to_first + to_site;
            return Some(Visit {
                job,
                depart,
                pickup,
                engineer_arrive,
                part_arrive,
                arrive,
                finish,
                drive,
                courier,
                cost: job_cost(problem, i, arrive, drive + courier),
            });
        }
    }
    None
}

fn job_cost(problem: &Problem, incident: usize, arrive: Seconds, travel: Seconds) -> Cost {
    let late = (arrive - problem.deadline[incident]).max(0);
    Cost {
        breaches: if late > 0 {
            problem.weight[incident]
        } else {
            0.0
        },
        late_minutes: late as f64 / 60.0 * problem.late_weight[incident],
        travel_minutes: travel as f64 / 60.0,
    }
}

/// Schedules `jobs` in order from `free`; `None` if one cannot be done.
pub fn schedule_from(
    problem: &Problem,
    engineer: EngineerIdx,
    mut free: Free,
    jobs: &[Job],
) -> Option<Vec<Visit>> {
    let mut visits = Vec::with_capacity(jobs.len());
    for &job in jobs {
        let visit = schedule_job(problem, engineer, free, job)?;
        free = Free {
            place: problem.site_place[job.incident],
            at: visit.finish,
        };
        visits.push(visit);
    }
    Some(visits)
}

/// The cost of a sequence of visits.
pub fn total(visits: &[Visit]) -> Cost {
    visits
        .iter()
        .fold(Cost::default(), |sum, v| sum.plus(v.cost))
}
