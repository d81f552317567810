//! Timing of one visit: the rules of [`super::features`] composed. A vehicle
//! free at a place and time leaves for the job (no earlier than its release,
//! on duty), collects the part or meets the courier, starts service when
//! vehicle and part are there and the job is ready, and must finish inside
//! its duty block; otherwise the job waits for the next block.

use super::cost::Cost;
use super::features::shifts::MAX_BLOCKS;
use super::features::supply::legs;
use super::features::windows;
use super::model::{ALWAYS, Block};
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
    /// End of the duty block the visit is in.
    pub block_end: Time,
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
        windows::start_slack(&model.jobs[self.job], self.start).min(self.block_end - self.finish)
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
    let s = &j.supplies[supply];
    let l = legs(model, from.place, j.place, s)?;
    let earliest = windows::earliest_departure(j, from.at);
    let blocks: &[Block] = match vehicle.shift {
        None => std::slice::from_ref(&ALWAYS),
        Some(shift) => model.shifts[shift].from(earliest),
    };
    for block in blocks.iter().take(MAX_BLOCKS) {
        let leave = earliest.max(block.start);
        // Meeting a courier, leave no earlier than needed: less idle on site.
        let depart = match l.part_leaves {
            Some(_) => leave.max(l.part_arrive - l.to_first),
            None => leave,
        };
        let at_first = depart + l.to_first;
        let vehicle_arrive = at_first + l.after_first;
        let on_site = vehicle_arrive.max(l.part_arrive);
        let start = windows::service_start(j, on_site);
        if windows::breaks_hard_deadline(j, start) {
            return None;
        }
        let finish = start + j.service;
        if finish <= block.end {
            let pickup = l.part_leaves.unwrap_or(if s.depot().is_some() {
                at_first
            } else {
                depart
            });
            return Some(Visit {
                job,
                supply,
                depart,
                pickup,
                vehicle_arrive,
                part_arrive: if l.part_leaves.is_some() {
                    l.part_arrive
                } else {
                    vehicle_arrive
                },
                start,
                finish,
                idle: start - (from.at + l.to_first + l.after_first),
                block_end: block.end,
                drive: l.drive,
                courier: l.courier,
                cost: windows::lateness(j, start).plus(Cost::travel(l.cost)),
            });
        }
    }
    None
}
