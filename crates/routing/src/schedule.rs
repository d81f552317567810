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
use super::model::{ALWAYS, Block, DutyBlocks, Job, NEVER, Supply, Travel};
use super::model::{Model, Place, Time, Vehicle};

/// Where and when a vehicle is free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub place: Place,
    pub at: Time,
    /// The vehicle's first break not yet taken (index into its rests).
    pub next_rest: usize,
}

/// The vehicle at its start: breaks that would have to start before it is
/// free are not owed.
pub fn start_state(vehicle: &Vehicle) -> State {
    let at = vehicle.available_from;
    State {
        place: vehicle.start,
        at,
        next_rest: vehicle
            .rests
            .iter()
            .take_while(|r| r.latest_start() < at)
            .count(),
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
    /// Start of the break taken with this visit (before leaving, or while
    /// waiting on site), if any.
    pub rest: Option<Time>,
    /// The vehicle's first break not yet taken after this visit.
    pub next_rest: usize,
    /// The vehicle takes breaks: delaying this visit may move a break, so
    /// it has no slack and no idle time to absorb a delay.
    pub rest_bound: bool,
    /// The vehicle left home for this visit at the start of a duty block
    /// after a night off: a new working day ([`crate::features::paid`]).
    pub new_day: bool,
}

impl Visit {
    /// Where the vehicle is after the visit.
    #[inline]
    pub fn state(&self, model: &Model) -> State {
        State {
            place: model.jobs[self.job].place,
            at: self.finish,
            next_rest: self.next_rest,
        }
    }

    /// How much later this visit could finish with its own cost unchanged
    /// and still feasible (hard deadline, duty block).
    #[inline]
    pub fn own_slack(&self, model: &Model) -> Time {
        if self.rest_bound {
            return 0;
        }
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
/// `None` if a leg is unreachable, a hard deadline is missed, no duty
/// block fits or a break owed cannot be taken.
#[inline]
pub fn visit(
    model: &Model,
    vehicle: &Vehicle,
    from: State,
    job: usize,
    supply: usize,
) -> Option<Visit> {
    let v = visit_without_rest(model, vehicle, from, job, supply)?;
    if vehicle.rests.is_empty() {
        return Some(v);
    }
    with_rest(model, vehicle, from, v, RestChoice::Rule)
}

/// [`visit`], and the same visit with the break owed taken now where the
/// rule puts it off to a later visit and the break does not fit while
/// waiting on site: taken before leaving or on the way, whichever finishes
/// the job earlier (`None` where the rule does not put a break off, or
/// taking it now is infeasible). Routes time each such point both ways
/// ([`crate::placement`]).
#[inline]
pub fn visit_or_rest_now(
    model: &Model,
    vehicle: &Vehicle,
    from: State,
    job: usize,
    supply: usize,
) -> (Option<Visit>, Option<Visit>) {
    let Some(v) = visit_without_rest(model, vehicle, from, job, supply) else {
        return (None, None);
    };
    if from.next_rest >= vehicle.rests.len() {
        return (Some(v), None);
    }
    (
        with_rest(model, vehicle, from, v, RestChoice::Rule),
        with_rest(model, vehicle, from, v, RestChoice::TakeNow),
    )
}

/// What a visit does with a break it may put off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RestChoice {
    /// Puts it off while it can still be taken after the visit.
    Rule,
    /// Takes it now ([`visit_or_rest_now`]); no visit where the rule would
    /// not put it off.
    TakeNow,
}

/// [`visit`] for a vehicle that takes no break now.
#[inline]
fn visit_without_rest(
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
    let mut v = match vehicle.home.filter(|&home| home != from.place) {
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
    }?;
    v.next_rest = from.next_rest;
    Some(v)
}

/// The break rule, on `v` timed without a break. Breaks that fit in the
/// time the vehicle is idle before it leaves are taken there (a day off
/// between two jobs holds its breaks). The next break owed is then taken
/// while waiting on site if it fits there; otherwise it is put off while it
/// can still be taken after the visit; otherwise it is taken before leaving
/// (as early in its window as the vehicle is free) and the visit re-timed.
/// So a break is taken whenever work goes on past its latest start, and a
/// break still owed at the route's end is not needed (the work is over).
/// With every break taken the visit times as without breaks.
fn with_rest(
    model: &Model,
    vehicle: &Vehicle,
    from: State,
    v: Visit,
    choice: RestChoice,
) -> Option<Visit> {
    if from.next_rest >= vehicle.rests.len() {
        return Some(v);
    }
    let (next_rest, idle_rest) = rests_while_idle(vehicle, from, v.depart);
    // A delay that still has the vehicle on site before the owed break's
    // window opens moves no break: every break time is that opening then.
    let owed = vehicle.rests[from.next_rest];
    let bound = Visit {
        rest_bound: true,
        idle: v.idle.min(owed.open - v.vehicle_arrive).max(0),
        rest: idle_rest,
        next_rest,
        ..v
    };
    let Some(rest) = vehicle.rests.get(next_rest) else {
        return (choice == RestChoice::Rule).then_some(bound);
    };
    let taken = next_rest + 1;
    let on_site = v.vehicle_arrive.max(rest.open);
    let fits_on_site = on_site + rest.length <= v.start.min(rest.close);
    let put_off = v.finish.max(rest.open) <= rest.latest_start();
    // One break per visit: after a break while idle, the next is put off.
    if put_off && (!fits_on_site || idle_rest.is_some()) {
        // Taken now instead, the break may delay this job less than a
        // later one (which is why routes try both).
        let alternative = choice == RestChoice::TakeNow && idle_rest.is_none();
        if !alternative {
            return (choice == RestChoice::Rule).then_some(bound);
        }
    } else if choice == RestChoice::TakeNow {
        return None;
    }
    if idle_rest.is_some() {
        return None;
    }
    if fits_on_site {
        let v = Visit {
            rest: Some(on_site),
            next_rest: taken,
            ..bound
        };
        return can_still_rest(vehicle, &v).then_some(v);
    }
    let before_leaving = rest_before_leaving(model, vehicle, from, &v, taken);
    let on_arrival = rest_on_arrival(model, &bound, vehicle, taken);
    let w = match (before_leaving, on_arrival) {
        (Some(a), Some(b)) => Some(if b.finish < a.finish { b } else { a }),
        (a, b) => a.or(b),
    }?;
    can_still_rest(vehicle, &w).then_some(w)
}

/// The visit `v` with break `taken - 1` taken before leaving, as early in
/// its window as the vehicle is free, and the visit re-timed after it.
fn rest_before_leaving(
    model: &Model,
    vehicle: &Vehicle,
    from: State,
    v: &Visit,
    taken: usize,
) -> Option<Visit> {
    let rest = vehicle.rests[taken - 1];
    let at = from.at.max(rest.open);
    if at > rest.latest_start() {
        return None;
    }
    let rested = State {
        place: resting_place(model, vehicle, from, at),
        at: at + rest.length,
        next_rest: taken,
    };
    let w = visit_without_rest(model, vehicle, rested, v.job, v.supply)?;
    Some(Visit {
        rest: Some(at),
        rest_bound: true,
        idle: 0,
        // A break at home before the day's first job: still a new day; so
        // is a job the break puts off to a block after a night at home.
        new_day: v.new_day || rested.place != from.place,
        ..w
    })
}

/// Where a vehicle free at `from` is when it takes a break at `at`: at
/// home when it goes home between duty blocks and the break falls in a
/// block that started after it was free (it went home in the gap, so it
/// leaves from home after the break, as it would without one).
fn resting_place(model: &Model, vehicle: &Vehicle, from: State, at: Time) -> Place {
    let went_home = |shift: usize| {
        model.shifts[shift]
            .containing(at)
            .is_some_and(|block| home_before(&block, from.at))
    };
    match (vehicle.home, vehicle.shift) {
        (Some(home), Some(shift)) if went_home(shift) => home,
        _ => from.place,
    }
}

/// The visit `v` (rest-bound) with break `taken - 1` taken on the way: on
/// the road when its window opens during the drive (arrival, and the part
/// the vehicle carries, later by its length), else on arrival on site,
/// service starting after it. Better than before leaving when the window
/// opens during a long drive.
fn rest_on_arrival(model: &Model, v: &Visit, vehicle: &Vehicle, taken: usize) -> Option<Visit> {
    let rest = vehicle.rests[taken - 1];
    let job = &model.jobs[v.job];
    // Decided for a repair paused across duty blocks: a break is never
    // taken on its way (only before leaving, or while waiting on site),
    // since moving its start would move where its service pauses and
    // resumes; re-timing it from the start (before leaving) stays exact.
    if v.finish != v.start + job.service {
        return None;
    }
    let en_route = v.depart.max(rest.open);
    let at = if en_route < v.vehicle_arrive {
        en_route
    } else {
        v.vehicle_arrive.max(rest.open)
    };
    if at > rest.latest_start() {
        return None;
    }
    let mut w = Visit {
        rest: Some(at),
        next_rest: taken,
        ..*v
    };
    if at < v.vehicle_arrive {
        let with_vehicle = !matches!(
            job.supplies[v.supply],
            Supply::Courier { .. } | Supply::Delivered { .. }
        );
        let (next_rest, delay) = rests_on_the_road(vehicle, taken - 1, at, v.vehicle_arrive);
        w.next_rest = next_rest;
        w.vehicle_arrive += delay;
        if with_vehicle {
            w.part_arrive += delay;
            if at < v.pickup {
                w.pickup += delay;
            }
        }
        w.start = windows::service_start(job, w.vehicle_arrive.max(w.part_arrive));
    } else {
        w.start = v.start.max(at + rest.length);
    }
    w.finish = w.start + job.service;
    if windows::breaks_hard_deadline(job, w.start) || w.finish > v.block_end {
        return None;
    }
    w.cost = windows::lateness(job, w.start).plus(Cost::travel(v.cost.travel_minutes));
    Some(w)
}

/// Breaks from `first` on taken on a drive due to arrive at `arrive`, the
/// first at `at`, each later one as soon as its window opens on the road (a
/// drive of several days takes each day's break): the first break still
/// owed on arrival, and how much later the vehicle arrives.
fn rests_on_the_road(vehicle: &Vehicle, first: usize, at: Time, arrive: Time) -> (usize, Time) {
    let mut delay = vehicle.rests[first].length;
    let mut free = at + delay;
    let mut next = first + 1;
    while let Some(rest) = vehicle.rests.get(next) {
        let start = free.max(rest.open);
        if start >= arrive + delay || start > rest.latest_start() {
            break;
        }
        delay += rest.length;
        free = start + rest.length;
        next += 1;
    }
    (next, delay)
}

/// The first break owed once the vehicle, free at `from`, has taken every
/// break that fits before it leaves at `depart`, and the start of the last
/// of those (`None`: none fits).
fn rests_while_idle(vehicle: &Vehicle, from: State, depart: Time) -> (usize, Option<Time>) {
    let mut next = from.next_rest;
    let mut last = None;
    while let Some(rest) = vehicle.rests.get(next) {
        let start = from.at.max(rest.open);
        if start + rest.length > rest.close.min(depart) {
            break;
        }
        last = Some(start);
        next += 1;
    }
    (next, last)
}

/// Whether the break owed after `v` can still be taken after it (a visit
/// spanning a whole break window cannot take two breaks).
fn can_still_rest(vehicle: &Vehicle, v: &Visit) -> bool {
    vehicle
        .rests
        .get(v.next_rest)
        .is_none_or(|next| v.finish.max(next.open) <= next.latest_start())
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
            let new_day = days.nights_at_home && home_before(block, free_at);
            if new_day {
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
                rest: None,
                next_rest: 0,
                rest_bound: false,
                new_day,
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
        let from = State {
            place: 0,
            at: 0,
            next_rest: 0,
        };
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
        let stay = State {
            place: 1,
            at: 150,
            next_rest: 0,
        };
        let v = time_visit(&travel, &job, 0, 0, Some(&shift), stay).unwrap();
        assert_eq!((v.depart, v.drive, v.start), (300, 30, 330));
    }

    /// Home 0, job A at 1 (10 away: it must start at 10 and ends at 70),
    /// job B at 2 (20 from A, must start at exactly 135); a 45-long break in
    /// `[60, 115]`. It fits nowhere but right after A, `[70, 115]`: not
    /// before A (the window is shut), not in the wait at B (past the
    /// window), not after B. The solver serves both with the break there;
    /// with a break one unit longer the two no longer fit in one route.
    #[test]
    fn a_break_is_placed_in_the_only_place_it_fits() {
        let solved = |length: Time| {
            let exactly = |place, service, at| Job {
                ready: at,
                deadline: Some(crate::model::Deadline { at, hard: true }),
                ..Job::at(
                    place,
                    service,
                    Cost {
                        breaches: 1.0,
                        ..Cost::default()
                    },
                )
            };
            let model = crate::model::ModelSpec {
                jobs: vec![exactly(1, 60, 10), exactly(2, 30, 135)],
                vehicles: vec![Vehicle {
                    rests: vec![crate::model::Rest {
                        open: 60,
                        close: 115,
                        length,
                    }],
                    ..Vehicle::at(0, 0)
                }],
                matrix: matrix(3, &[(0, 1, 10), (0, 2, 30), (1, 2, 20)]),
                shifts: Vec::new(),
                depot_stock: Vec::new(),
                dims: 0,
                restock_level: Vec::new(),
            }
            .build()
            .expect("valid model");
            let options = crate::SearchOptions {
                max_iterations: 50,
                ..crate::SearchOptions::default()
            };
            crate::solve(&model, &options).solution.routes[0]
                .visits
                .clone()
        };
        let route = solved(45);
        let timing: Vec<_> = route
            .iter()
            .map(|v| (v.job, v.rest, v.depart, v.start, v.finish))
            .collect();
        assert_eq!(timing, [(0, None, 0, 10, 70), (1, Some(70), 115, 135, 165)]);
        assert_eq!(solved(46).len(), 1);
    }
}
