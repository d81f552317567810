//! The lexicographic objective every route and solution is measured by.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Lexicographic objective: (1) penalty-weighted misses (an SLA breach, an
/// unserved job), (2) weighted lateness, (3) travel. Benchmarks read them
/// as (unserved jobs, 0, distance).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Penalty-weighted misses.
    pub breaches: f64,
    /// Weighted minutes late (or lateness in the model's time unit).
    pub late_minutes: f64,
    /// Travel cost (minutes for dispatch, distance for benchmarks).
    pub travel_minutes: f64,
}

/// Relative tolerance of cost comparisons: sums of the same legs in another
/// order differ in the last bits.
const EPS: f64 = 1e-9;

fn cmp_f(a: f64, b: f64) -> Ordering {
    if (a - b).abs() <= EPS * (1.0 + a.abs().max(b.abs())) {
        Ordering::Equal
    } else {
        a.total_cmp(&b)
    }
}

impl Cost {
    /// Only travel.
    pub fn travel(travel: f64) -> Cost {
        Cost {
            travel_minutes: travel,
            ..Cost::default()
        }
    }

    /// Lexicographic comparison with a relative tolerance per term.
    pub fn lex_cmp(&self, other: &Cost) -> Ordering {
        cmp_f(self.breaches, other.breaches)
            .then(cmp_f(self.late_minutes, other.late_minutes))
            .then(cmp_f(self.travel_minutes, other.travel_minutes))
    }

    /// Lexicographic comparison without tolerance: a total order (for
    /// sorting).
    pub fn total_cmp(&self, other: &Cost) -> Ordering {
        self.breaches
            .total_cmp(&other.breaches)
            .then(self.late_minutes.total_cmp(&other.late_minutes))
            .then(self.travel_minutes.total_cmp(&other.travel_minutes))
    }

    /// Strictly better (lexicographically smaller).
    pub fn is_better(&self, other: &Cost) -> bool {
        self.lex_cmp(other) == Ordering::Less
    }

    /// Term-wise sum.
    pub fn plus(self, other: Cost) -> Cost {
        Cost {
            breaches: self.breaches + other.breaches,
            late_minutes: self.late_minutes + other.late_minutes,
            travel_minutes: self.travel_minutes + other.travel_minutes,
        }
    }

    /// Term-wise difference.
    pub fn minus(self, other: Cost) -> Cost {
        Cost {
            breaches: self.breaches - other.breaches,
            late_minutes: self.late_minutes - other.late_minutes,
            travel_minutes: self.travel_minutes - other.travel_minutes,
        }
    }

    /// Whether the first two terms are no worse than `other`'s: the travel
    /// term alone decides between such costs.
    pub fn same_or_better_service(&self, other: &Cost) -> bool {
        cmp_f(self.breaches, other.breaches).then(cmp_f(self.late_minutes, other.late_minutes))
            != Ordering::Greater
    }
}
