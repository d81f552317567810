//! The documented range of every number a scenario holds.
//!
//! Each range admits every realistic value with room to spare and rejects
//! what would overflow or swamp the computations downstream: a failure rate
//! of 1e308 per unit makes expected penalties infinite and the plan's cost
//! `null`. The format tables of docs/scenario-format.md list the same ranges.

use std::fmt;

/// A closed range of numbers, optionally open at its lower end
/// (`(0, 720]`: more than zero, at most 720).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub low: f64,
    /// The lower end itself is excluded (the value must be above it).
    pub low_open: bool,
    pub high: f64,
}

impl Bounds {
    /// `[low, high]`.
    pub const fn closed(low: f64, high: f64) -> Self {
        Bounds {
            low,
            low_open: false,
            high,
        }
    }

    /// `(low, high]`.
    pub const fn above(low: f64, high: f64) -> Self {
        Bounds {
            low,
            low_open: true,
            high,
        }
    }

    pub fn contains(&self, value: f64) -> bool {
        let above_low = if self.low_open {
            value > self.low
        } else {
            value >= self.low
        };
        above_low && value <= self.high
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if self.low_open { '(' } else { '[' };
        write!(f, "{open}{}, {}]", self.low, self.high)
    }
}

/// Any amount of money: costs, penalties (10^12 in the scenario's currency).
pub const MONEY: Bounds = Bounds::closed(0.0, 1e12);
/// Latitude in degrees.
pub const LATITUDE: Bounds = Bounds::closed(-90.0, 90.0);
/// Longitude in degrees.
pub const LONGITUDE: Bounds = Bounds::closed(-180.0, 180.0);
/// Days to restock a depot (ten years at most).
pub const REPLENISH_DAYS: Bounds = Bounds::closed(0.0, 3650.0);
/// Hours of on-site repair (a month at most).
pub const REPAIR_HOURS: Bounds = Bounds::above(0.0, 720.0);
/// Failures per installed unit per year.
pub const ANNUAL_FAILURE_RATE: Bounds = Bounds::closed(0.0, 100.0);
/// Installed units in one row of the installed base.
pub const QUANTITY: (u32, u32) = (1, 1_000_000);
/// Units on hand of one part at one depot.
pub const ON_HAND: (u32, u32) = (0, 1_000_000);
/// Shares such as a tier's on-time target.
pub const SHARE: Bounds = Bounds::closed(0.0, 1.0);
/// Length of one road link in km.
pub const ROAD_KM: Bounds = Bounds::closed(0.0, 20_000.0);
/// Driving minutes over one road link (ten days at most).
pub const ROAD_MINUTES: Bounds = Bounds::above(0.0, 14_400.0);
/// A closure (0) or slowdown factor of a road link.
pub const CLOSURE_FACTOR: Bounds = Bounds::closed(0.0, 100.0);
/// An overlay's factor on failure rates.
pub const RATE_FACTOR: Bounds = Bounds::closed(0.0, 1000.0);
/// Seconds of one imported matrix duration (ten days at most).
pub const MATRIX_SECONDS: Bounds = Bounds::closed(0.0, 864_000.0);
/// `[travel] speed_kmh`.
pub const SPEED_KMH: Bounds = Bounds::above(0.0, 300.0);
/// `[travel] circuity`: road km per straight-line km.
pub const CIRCUITY: Bounds = Bounds::closed(1.0, 5.0);
/// `[travel] handling_hours`.
pub const HANDLING_HOURS: Bounds = Bounds::closed(0.0, 168.0);
/// `[costs] holding_rate`: yearly holding cost as a share of unit cost.
pub const HOLDING_RATE: Bounds = Bounds::closed(0.0, 10.0);
/// `[costs] emergency_hours`: failure to an emergency shipment on site (a year at most).
pub const EMERGENCY_HOURS: Bounds = Bounds::above(0.0, 8760.0);
/// `[planning] gap`: the relative optimality gap.
pub const GAP: Bounds = Bounds::closed(0.0, 0.999);
/// `[dispatch] courier_speed_factor`.
pub const COURIER_SPEED_FACTOR: Bounds = Bounds::above(0.0, 100.0);
/// `[dispatch.objective]` weights.
pub const OBJECTIVE_WEIGHT: Bounds = Bounds::closed(0.0, 1000.0);
/// `[dispatch] engineer_hour_cost`.
pub const ENGINEER_HOUR_COST: Bounds = Bounds::closed(0.0, 1_000_000.0);
/// `[dispatch] overtime_after`, paid hours of a working day.
pub const OVERTIME_AFTER: Bounds = Bounds::closed(0.0, 168.0);
/// `[dispatch] overtime_factor`.
pub const OVERTIME_FACTOR: Bounds = Bounds::closed(1.0, 10.0);
/// `[dispatch] max_overtime`, hours past a duty block's end.
pub const MAX_OVERTIME: Bounds = Bounds::closed(0.0, 24.0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_include_their_ends_unless_open() {
        assert!(REPAIR_HOURS.contains(720.0));
        assert!(!REPAIR_HOURS.contains(0.0));
        assert!(MONEY.contains(0.0));
        assert!(!MONEY.contains(1e308));
        assert!(!MONEY.contains(f64::NAN));
        assert_eq!(REPAIR_HOURS.to_string(), "(0, 720]");
        assert_eq!(MONEY.to_string(), "[0, 1000000000000]");
    }
}
