//! Timing of one visit: the rules of [`super::features`] composed. A vehicle
//! free at a place and time leaves for the job (no earlier than its release,
//! on duty), collects the part or meets the courier or delivery, starts
//! service when vehicle and part are there and the job is ready, and must
//! finish inside its duty block; otherwise the job waits for the next block.
//!
//! [`visit`] times a job of the model in a route; [`time_visit`] is the same
//! rule on any [`Travel`], job, duty blocks and [`Origin`], for a caller
//! that times jobs one at a time without building a model (the simulation).

use super::cost::Cost;
use super::features::days::{Resume, continue_service, home_before};
use super::features::origin::Origin;
use super::features::shifts::MAX_BLOCKS;
use super::features::supply::{Legs, legs};
use super::features::windows;
use super::model::{ALWAYS, Block, DutyBlocks, Job, NEVER, Travel};
use super::model::{Model, Place, Time, Vehicle};

/// Where and when a vehicle is free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub place: Place,
    pub at: Time,
}

/// The vehicle at its start.
pub fn start_state(vehicle: &Vehicle) -> State {
    State {
        place: vehicle.start,
        at: vehicle.available_from,
    }
}

/// A scheduled visit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Visit {
    pub job: usize,
    /// Index into the job's supplies.
    pub supply: usize,
    /// The vehicle leaves the previous place.
    pub depart: Time,
    /// The vehicle at the depot (pickup) or the part leaving it (courier);
    /// the departure when the part is carried.
    pub pickup: Time,
    pub vehicle_arrive: Time,
    /// The part on site by courier (the vehicle's arrival otherwise).
    pub part_arrive: Time,
    /// Service start.
    pub start: Time,
    pub finish: Time,
    /// Service start minus the earliest the vehicle could be on site
    /// (waiting for release, duty, part or ready time): a delay of the
    /// previous job up to this much changes nothing here.
    pub idle: Time,
    /// End of the duty block the visit finishes in.
    pub block_end: Time,
    /// At most this much later may the visit finish and stay as it is
    /// ([`NEVER`]: no limit beyond its deadline and block): a paused job
    /// must still start in its first block; a vehicle that left home for
    /// this job passes no delay on (a previous job finishing in this block
    /// would change where it leaves from).
    pub slack_cap: Time,
    pub drive: Time,
    pub courier: Time,
    pub cost: Cost,
}

impl Visit {
    /// Where the vehicle is after the visit.
    #[inline]
    pub fn state(&self, model: &Model) -> State {
        State {
            place: model.jobs[self.job].place,
            at: self.finish,
        }
    }

    /// How much later this visit could finish with its own cost unchanged
    /// and still feasible (hard deadline, duty block).
    #[inline]
    pub fn own_slack(&self, model: &Model) -> Time {
        windows::start_slack(&model.jobs[self.job], self.start)
            .min(self.block_end - self.finish)
            .min(self.slack_cap)
    }
}

/// The vehicle leaves from where it is free.
impl Origin for State {
    #[inline]
    fn free_at(&self) -> Time {
        self.at
    }

    #[inline]
    fn place<T: Travel + ?Sized>(&self, _: &T, _: &Block, _: Time) -> Place {
        self.place
    }
}

/// Schedules `job` with supply `supply` for `vehicle` free at `from`;
/// `None` if a leg is unreachable, a hard deadline is missed or no duty
/// block fits.
#[inline]
pub fn visit(
    model: &Model,
    vehicle: &Vehicle,
    from: State,
    job: usize,
    supply: usize,
) -> Option<Visit> {
    let j = &model.jobs[job];
    let shift = vehicle.shift.map(|s| &model.shifts[s]);
    let days = Days {
        resume: resume_of(&model.matrix, vehicle.home, j),
        nights_at_home: false,
    };
    match vehicle.home.filter(|&home| home != from.place) {
        None => {
            // The solver's hot path: one origin, so the legs are found once.
            let l = legs(&model.matrix, from.place, j.place, &j.supplies[supply])?;
            in_duty(j, job, supply, shift, from.at, days, |_, _| Some(l))
        }
        Some(home) => {
            let at_home = legs(&model.matrix, home, j.place, &j.supplies[supply]);
            let at_last = legs(&model.matrix, from.place, j.place, &j.supplies[supply]);
            let days = Days {
                nights_at_home: true,
                ..days
            };
            in_duty(j, job, supply, shift, from.at, days, |block, _| {
                if home_before(block, from.at) {
                    at_home
                } else {
                    at_last
                }
            })
        }
    }
}

/// How `job` resumes after a pause for a vehicle spending the gaps at
/// `home`; `None` when it cannot pause.
fn resume_of<T: Travel + ?Sized>(travel: &T, home: Option<Place>, job: &Job) -> Option<Resume> {
    if job.pausable {
        Resume::from_home(travel, home, job.place)
    } else {
        None
    }
}

/// The working-days rules of one visit ([`crate::features::days`]).
#[derive(Clone, Copy, Debug)]
struct Days {
    /// How a paused job resumes; `None`: the job does not pause.
    resume: Option<Resume>,
    /// The vehicle goes home between duty blocks.
    nights_at_home: bool,
}

/// Schedules `job` (recorded in the visit as number `index`) with its
/// supply `supply` for a vehicle with duty blocks `shift` (`None`: always
/// on duty) leaving from `from`; `None` if a leg is unreachable, a hard
/// deadline is missed or no duty block fits. With a [`State`] origin this
/// is [`visit`].
#[inline]
pub fn time_visit<T: Travel + ?Sized, O: Origin>(
    travel: &T,
    job: &Job,
    index: usize,
    supply: usize,
    shift: Option<&DutyBlocks>,
    from: O,
) -> Option<Visit> {
    let s = &job.supplies[supply];
    // The legs of the last origin: most blocks leave from the same place.
    let mut last: Option<(Place, Legs)> = None;
    let days = Days {
        resume: resume_of(travel, None, job),
        nights_at_home: false,
    };
    in_duty(
        job,
        index,
        supply,
        shift,
        from.free_at(),
        days,
        |block, leave| {
            let origin = from.place(travel, block, leave);
            match last {
                Some((place, l)) if place == origin => Some(l),
                _ => {
                    let l = legs(travel, origin, job.place, s)?;
                    last = Some((origin, l));
                    Some(l)
                }
            }
        },
    )
}

/// The duty-block rule: the vehicle, free at `free_at`, leaves in the first
/// duty block (of at most [`MAX_BLOCKS`]) in which the job finishes before
/// the block ends (or, pausable, starts before it ends and finishes in a
/// later block), on the legs `legs_at(block, departure)` gives; `None`
/// if a leg is unreachable, a hard deadline is missed or no block fits.
#[inline(always)]
fn in_duty(
    job: &Job,
    index: usize,
    supply: usize,
    shift: Option<&DutyBlocks>,
    free_at: Time,
    days: Days,
    mut legs_at: impl FnMut(&Block, Time) -> Option<Legs>,
) -> Option<Visit> {
    let s = &job.supplies[supply];
    let earliest = windows::earliest_departure(job, free_at);
    let blocks: &[Block] = match shift {
        None => std::slice::from_ref(&ALWAYS),
        Some(blocks) => blocks.from(earliest),
    };
    for (k, block) in blocks.iter().enumerate().take(MAX_BLOCKS) {
        let leave = earliest.max(block.start);
        let l = legs_at(block, leave)?;
        // Meeting a courier or delivery, leave no earlier than needed: less
        // idle on site.
        let depart = match l.part_arrive {
            Some(part_arrive) => leave.max(part_arrive - l.to_first),
            None => leave,
        };
        let at_first = depart + l.to_first;
        let vehicle_arrive = at_first + l.after_first;
        let part_arrive = l.part_arrive.unwrap_or(vehicle_arrive);
        let on_site = vehicle_arrive.max(part_arrive);
        let start = windows::service_start(job, on_site);
        if windows::breaks_hard_deadline(job, start) {
            return None;
        }
        let whole = start + job.service;
        let paused = match days.resume {
            Some(resume) if whole > block.end && start < block.end => {
                let later = &blocks[k + 1..];
                continue_service(start, job.service, block.end, later, resume, MAX_BLOCKS)
            }
            _ => None,
        };
        if whole <= block.end || paused.is_some() {
            let pickup = l.part_leaves.unwrap_or(if s.depot().is_some() {
                at_first
            } else {
                depart
            });
            let mut idle = start - (free_at + l.to_first + l.after_first);
            let mut slack_cap = match paused {
                Some(_) => block.end - 1 - start,
                None => NEVER,
            };
            if days.nights_at_home && home_before(block, free_at) {
                // Any later finish of the job before would still leave
                // from home, up to the block's start; from then on it
                // would leave from there instead.
                idle = block.start - 1 - free_at;
                slack_cap = 0;
            }
            let (finish, block_end, resume_drive, resume_cost) = match paused {
                Some(p) => (p.finish, p.block_end, p.drive, p.cost),
                None => (whole, block.end, 0, 0.0),
            };
            return Some(Visit {
                job: index,
                supply,
                depart,
                pickup,
                vehicle_arrive,
                part_arrive,
                start,
                finish,
                idle,
                block_end,
                slack_cap,
                drive: l.drive + resume_drive,
                courier: l.courier,
                cost: windows::lateness(job, start).plus(Cost::travel(l.cost + resume_cost)),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::origin::GoesHome;
    use crate::model::{Matrix, Supply};

    /// Travel times between `places` places, symmetric, from `(a, b, time)`.
    fn matrix(places: usize, pairs: &[(usize, usize, Time)]) -> Matrix {
        let mut times = vec![None; places * places];
        for p in 0..places {
            times[p * places + p] = Some(0);
        }
        for &(a, b, t) in pairs {
            times[a * places + b] = Some(t);
            times[b * places + a] = Some(t);
        }
        Matrix::from_times(places, times, 1.0).unwrap()
    }

    #[test]
    fn a_delivery_is_met_on_site() {
        let travel = matrix(2, &[(0, 1, 10)]);
        let job = Job {
            release: 0,
            supplies: vec![Supply::Delivered {
                arrives: 50,
                cost: 0.0,
            }],
            ..Job::at(1, 5, Cost::default())
        };
        let from = State { place: 0, at: 0 };
        let v = time_visit(&travel, &job, 7, 0, None, from).unwrap();
        assert_eq!((v.job, v.depart, v.pickup), (7, 40, 40));
        assert_eq!((v.vehicle_arrive, v.part_arrive, v.start), (50, 50, 50));
        assert_eq!((v.finish, v.drive, v.courier), (55, 10, 0));
    }

    /// Home 0, the last job at 1, the next job at 2; duty `[0, 200)` and
    /// `[300, 500)`. The job does not fit the first block from the last
    /// site; the second block starts from home.
    #[test]
    fn a_vehicle_going_home_leaves_from_home_at_the_next_block() {
        let travel = matrix(3, &[(0, 1, 100), (0, 2, 10), (1, 2, 30)]);
        let shift = DutyBlocks::new([(0, 200), (300, 500)]);
        let job = Job {
            release: 150,
            ..Job::at(2, 40, Cost::default())
        };
        let home = GoesHome::idle(0).after(1, 150, 200);
        let v = time_visit(&travel, &job, 0, 0, Some(&shift), home).unwrap();
        assert_eq!((v.depart, v.drive, v.start, v.finish), (300, 10, 310, 350));
        assert_eq!(v.block_end, 500);
        // Staying where the last job was, the drive is from there.
        let stay = State { place: 1, at: 150 };
        let v = time_visit(&travel, &job, 0, 0, Some(&shift), stay).unwrap();
        assert_eq!((v.depart, v.drive, v.start), (300, 30, 330));
    }
}
