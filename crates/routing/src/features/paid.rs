//! Paid time and overtime, day by day, as a field-service manager pays
//! them. A route is a sequence of trips out: the first from the route's
//! start, each later one from home at the start of a duty block after a
//! night off ([`crate::features::days`]). A trip is paid from its departure
//! to its return (or its last job's finish when the vehicle does not
//! return), on duty only: the hours at home between working days are not
//! paid, and neither are breaks taken while out (an unpaid meal break, the
//! European and Chinese norm). Each duty block is a working day: its paid
//! time beyond `overtime_after`, or worked past the shift's end, is
//! overtime, day by day (a repair paused over the night counts on both
//! days). A vehicle always on duty has one day per trip.

use super::super::model::{DepartureDelay, Model, NEVER, NO_TIME, Time, Vehicle};
use super::super::schedule::Visit;

/// One working day's paid time and overtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayPaid {
    /// The start of the duty block (the departure when always on duty).
    pub start: Time,
    pub paid: Time,
    pub overtime: Time,
}

/// A trip out: from `departure` to `end`, with the vehicle's breaks taken
/// while out: bit `r` of `rests` for its break `r` (the first 64 breaks of
/// a route: a fortnight of daily breaks and more).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trip {
    pub departure: Time,
    pub end: Time,
    pub rests: u64,
}

/// The bit of break `r` in [`Trip::rests`] (none past the 64th).
#[inline]
pub fn rest_bit(r: usize) -> u64 {
    1u64.checked_shl(r as u32).unwrap_or(0)
}

/// Calls `day` with each working day of `trip`, in order.
pub fn trip_days(model: &Model, vehicle: &Vehicle, trip: &Trip, mut day: impl FnMut(DayPaid)) {
    // Breaks belong to the duty block their window opens in.
    let unpaid = |start: Time, end: Time| -> Time {
        vehicle
            .rests
            .iter()
            .enumerate()
            .filter(|&(k, r)| trip.rests & rest_bit(k) != 0 && r.open >= start && r.open < end)
            .map(|(_, r)| r.length)
            .sum()
    };
    let pay = &model.pay;
    match vehicle.shift {
        None => {
            let out = (trip.end - trip.departure).max(0);
            let paid = (out - unpaid(NO_TIME, Time::MAX)).max(0);
            day(DayPaid {
                start: trip.departure,
                paid,
                overtime: pay.overtime(paid, 0),
            });
        }
        Some(s) => {
            for block in model.shifts[s].from(trip.departure) {
                if block.start >= trip.end {
                    break;
                }
                // No day length set (0, the unpriced default): one day a block.
                let length = if pay.day_length > 0 {
                    pay.day_length
                } else {
                    NEVER
                };
                let mut day_start = block.start;
                while day_start < block.end.min(trip.end) {
                    let day_end = block.end.min(day_start.saturating_add(length));
                    let (from, to) = (trip.departure.max(day_start), trip.end.min(day_end));
                    if to > from {
                        let paid = (to - from - unpaid(day_start, day_end)).max(0);
                        let past_shift = (to - from.max(block.end - pay.past_shift)).max(0);
                        day(DayPaid {
                            start: day_start,
                            paid,
                            overtime: pay.overtime(paid, past_shift),
                        });
                    }
                    day_start = day_end;
                }
            }
        }
    }
}

/// What `trip` costs: its days' paid time and overtime priced.
pub fn trip_cost(model: &Model, vehicle: &Vehicle, trip: &Trip) -> f64 {
    let mut cost = 0.0;
    trip_days(model, vehicle, trip, |d| {
        cost += model.pay.cost(d.paid, d.overtime)
    });
    cost
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DepartureDelay, DutyBlocks, Matrix, ModelSpec, Pay, Rest};

    fn model(pay: Pay) -> Model {
        ModelSpec {
            jobs: Vec::new(),
            vehicles: Vec::new(),
            matrix: Matrix::from_times(1, vec![Some(0)], 1.0).unwrap(),
            shifts: vec![DutyBlocks::new([(0, 100), (200, 300)])],
            depot_stock: Vec::new(),
            dims: 0,
            restock_level: Vec::new(),
        }
        .build()
        .unwrap()
        .with_pay(pay)
    }

    /// Out from 40 to 250 over two blocks of 100 (the last 20 of each past
    /// the shift), a 10-long break in the first: day one paid 60 - 10, day
    /// two 50; overtime beyond 45 a day, or the 20 past the first shift.
    #[test]
    fn each_duty_block_is_a_day_paid_and_overtimed_on_its_own() {
        let pay = Pay {
            per_time: 1.0,
            overtime_after: 45,
            overtime_extra: 0.5,
            past_shift: 20,
            day_length: NEVER,
            departure: DepartureDelay::UntilFirstStart,
        };
        let model = model(pay);
        let vehicle = Vehicle {
            shift: Some(0),
            rests: vec![Rest {
                open: 50,
                close: 70,
                length: 10,
            }],
            ..Vehicle::at(0, 0)
        };
        let trip = Trip {
            departure: 40,
            end: 250,
            rests: 1,
        };
        let mut days = Vec::new();
        trip_days(&model, &vehicle, &trip, |d| days.push(d));
        let day = |start, paid, overtime| DayPaid {
            start,
            paid,
            overtime,
        };
        assert_eq!(days, [day(0, 50, 20), day(200, 50, 5)]);
        assert_eq!(trip_cost(&model, &vehicle, &trip), 100.0 + 12.5);
        // No threshold: only the time past the shift is overtime.
        let model = model_with_threshold(NEVER);
        let mut days = Vec::new();
        trip_days(&model, &vehicle, &trip, |d| days.push(d));
        assert_eq!(days, [day(0, 50, 20), day(200, 50, 0)]);
    }

    fn model_with_threshold(overtime_after: Time) -> Model {
        model(Pay {
            per_time: 1.0,
            overtime_after,
            overtime_extra: 0.5,
            past_shift: 20,
            day_length: NEVER,
            departure: DepartureDelay::UntilFirstStart,
        })
    }
}

/// The paid-time summary of a route's first visits: the pay of the trips
/// out already over ([`crate::features::paid`]), and of the trip under way
/// its idle time (waiting for windows, duty, parts), its first visit's
/// idle time, how far its visits' finishes could move with the departure
/// (their forward slack), its first departure and the breaks taken while
/// out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Head {
    pub idle: Time,
    /// The idle time of the trip's first visit: the waiting before any job
    /// can start, the most the departure can be delayed without moving any
    /// service start.
    pub first_idle: Time,
    pub slack: Time,
    /// The departure of the trip's first visit ([`NO_TIME`]: no visit yet).
    pub depart: Time,
    /// The vehicle's breaks taken while out on this trip ([`Trip::rests`]).
    pub rests: u64,
    /// The finish of the last visit.
    pub finish: Time,
    /// What the trips before this one cost.
    pub closed: f64,
}

impl Head {
    /// No visit yet.
    pub const START: Head = Head {
        idle: 0,
        first_idle: 0,
        slack: NEVER,
        depart: NO_TIME,
        rests: 0,
        finish: NO_TIME,
        closed: 0.0,
    };

    /// The head followed by visit `v` of `vehicle`. Within a trip, delaying
    /// the departure by `d` delays `v` by `d` minus the idle time up to `v`,
    /// within `v`'s own slack. A visit that leaves home on a new day closes
    /// the trip under way and starts one leaving exactly when it does (the
    /// night at home absorbs any earlier change).
    #[inline]
    pub fn then(self, model: &Model, vehicle: &Vehicle, v: &Visit) -> Head {
        let first = self.depart == NO_TIME;
        let new_trip = vehicle.home.is_some() && v.new_day;
        // The break recorded with the visit (one per visit; a drive over
        // several days records its first).
        let rest = v.rest.map_or(0, |_| rest_bit(v.next_rest.wrapping_sub(1)));
        if !first && !new_trip {
            let idle = self.idle + v.idle;
            return Head {
                idle,
                slack: self.slack.min(idle.saturating_add(v.own_slack(model))),
                rests: self.rests | rest,
                finish: v.finish,
                ..self
            };
        }
        let closed = if first {
            self.closed
        } else {
            self.closed + self.close(NEVER).trip_cost(model, vehicle, self.finish)
        };
        let (idle, slack) = if new_trip {
            (0, 0)
        } else {
            (v.idle, v.idle.saturating_add(v.own_slack(model)))
        };
        // A break taken before leaving (at the start or at home) is not
        // taken while out.
        let out = v.rest.is_some_and(|at| at >= v.depart);
        Head {
            idle,
            first_idle: idle,
            slack,
            depart: v.depart,
            rests: if out { rest } else { 0 },
            finish: v.finish,
            closed,
        }
    }

    /// The head closed by the end of the route, `end_slack` of which is left.
    #[inline]
    pub fn close(self, end_slack: Time) -> Head {
        Head {
            slack: self.slack.min(self.idle.saturating_add(end_slack)),
            ..self
        }
    }

    /// How much the departure from `start` is delayed under `rule`: never
    /// beyond the slack, and not beyond the waiting before the first job
    /// can start (no service start moves) or the trip's idle time (any more
    /// would move the end).
    #[inline]
    pub fn departure_delay(self, rule: DepartureDelay) -> Time {
        let idle = match rule {
            DepartureDelay::UntilFirstStart => self.first_idle,
            DepartureDelay::ForwardSlack => self.idle,
        };
        self.slack.min(idle).max(0)
    }

    /// The trip under way of a closed head of `vehicle`, ending at `end`:
    /// from the delayed departure (the first trip's; no earlier than the
    /// vehicle really leaves).
    #[inline]
    pub fn trip(self, model: &Model, vehicle: &Vehicle, end: Time) -> Trip {
        let delay = self.departure_delay(model.pay.departure);
        Trip {
            departure: (vehicle.available_from + delay).max(self.depart),
            end,
            rests: self.rests,
        }
    }

    /// What the trip under way of a closed head costs, ending at `end`.
    #[inline]
    pub fn trip_cost(self, model: &Model, vehicle: &Vehicle, end: Time) -> f64 {
        trip_cost(model, vehicle, &self.trip(model, vehicle, end))
    }

    /// What the whole route's paid time costs, its end `end_slack` from its
    /// latest and reached at `arrive`.
    #[inline]
    pub fn pay(self, model: &Model, vehicle: &Vehicle, end_slack: Time, arrive: Time) -> f64 {
        self.closed + self.close(end_slack).trip_cost(model, vehicle, arrive)
    }
}
