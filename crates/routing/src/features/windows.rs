//! Time windows: a release (the vehicle leaves for the job no earlier), a
//! ready time (service starts no earlier: the vehicle waits) and a deadline
//! on the service start, hard (infeasible after) or soft (a breach and a
//! cost per time unit late).

use super::super::cost::Cost;
use super::super::model::{Job, NEVER, Time};

/// When the vehicle, free at `free`, may leave for `job`.
#[inline]
pub fn earliest_departure(job: &Job, free: Time) -> Time {
    free.max(job.release)
}

/// When service starts for a vehicle (and part) on site at `arrive`.
#[inline]
pub fn service_start(job: &Job, arrive: Time) -> Time {
    arrive.max(job.ready)
}

/// Whether starting service at `start` breaks a hard deadline.
#[inline]
pub fn breaks_hard_deadline(job: &Job, start: Time) -> bool {
    job.deadline.is_some_and(|d| d.hard && start > d.at)
}

/// The breach and lateness cost of starting service at `start`.
#[inline]
pub fn lateness(job: &Job, start: Time) -> Cost {
    match job.deadline {
        Some(d) if !d.hard && start > d.at => Cost {
            breaches: job.breach_weight,
            late_minutes: (start - d.at) as f64 * job.late_weight,
            travel_minutes: 0.0,
        },
        _ => Cost::default(),
    }
}

/// Whether the job is served after its soft deadline (its cost grows with
/// any further delay).
#[inline]
pub fn is_late(job: &Job, start: Time) -> bool {
    job.deadline.is_some_and(|d| !d.hard && start > d.at)
}

/// How much later service could start without breaking a hard deadline or
/// changing the lateness cost.
#[inline]
pub fn start_slack(job: &Job, start: Time) -> Time {
    match job.deadline {
        None => NEVER,
        Some(d) if start > d.at => 0,
        Some(d) => d.at - start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Deadline;

    fn job(hard: bool) -> Job {
        let mut j = Job::at(0, 5, Cost::default());
        j.ready = 10;
        j.release = 3;
        j.deadline = Some(Deadline { at: 20, hard });
        j.breach_weight = 2.0;
        j.late_weight = 0.5;
        j
    }

    #[test]
    fn rules() {
        let j = job(false);
        assert_eq!(earliest_departure(&j, 1), 3);
        assert_eq!(service_start(&j, 4), 10);
        assert_eq!(lateness(&j, 20), Cost::default());
        assert_eq!(lateness(&j, 24).late_minutes, 2.0);
        assert_eq!(lateness(&j, 24).breaches, 2.0);
        assert_eq!(start_slack(&j, 15), 5);
        assert_eq!(start_slack(&j, 25), 0);
        assert!(!breaks_hard_deadline(&j, 25));
        assert!(breaks_hard_deadline(&job(true), 21));
        assert_eq!(lateness(&job(true), 21), Cost::default());
    }
}
