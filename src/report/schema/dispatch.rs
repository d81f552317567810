//! The dispatch folder (`sparesla dispatch --out`): dispatch.csv (one row
//! per incident), routes.csv (one row per stop) and summary.json (totals,
//! the bound, and every incident with its reason).

use crate::dispatch::{Cost, Status};
use serde::{Deserialize, Serialize};

/// The columns of dispatch.csv (a fixed interface), in the order of
/// [`DispatchCsvLine`].
pub const DISPATCH_COLUMNS: [&str; 10] = [
    "incident",
    "engineer",
    "source_depot",
    "mode",
    "depart",
    "pickup",
    "arrive",
    "deadline",
    "slack_minutes",
    "status",
];

/// A row of dispatch.csv. Times are RFC 3339 with the site's offset; cells
/// of an unassigned incident are empty. Columns marked optional may be
/// missing from a file made by hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DispatchCsvLine {
    pub incident: String,
    pub engineer: String,
    #[serde(default)]
    pub source_depot: String,
    /// `engineer_pickup` or `courier`; optional.
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub depart: String,
    #[serde(default)]
    pub pickup: String,
    pub arrive: String,
    pub deadline: String,
    #[serde(default)]
    pub slack_minutes: Option<i64>,
    pub status: Status,
}

impl From<&DispatchLine> for DispatchCsvLine {
    fn from(line: &DispatchLine) -> Self {
        DispatchCsvLine {
            incident: line.incident.clone(),
            engineer: line.engineer.clone(),
            source_depot: line.source_depot.clone(),
            mode: line.mode.clone(),
            depart: line.depart.clone(),
            pickup: line.pickup.clone(),
            arrive: line.arrive.clone(),
            deadline: line.deadline.clone(),
            slack_minutes: line.slack_minutes,
            status: line.status,
        }
    }
}

/// The columns of routes.csv, in the order of [`RouteLine`].
pub const ROUTE_COLUMNS: [&str; 10] = [
    "engineer",
    "stop",
    "incident",
    "site",
    "source_depot",
    "mode",
    "depart",
    "arrive",
    "finish",
    "status",
];

/// `mode` of a routes.csv row that is an engineer's break, not a job: its
/// `incident` is empty, its `site` the site it is taken at (empty at base),
/// `arrive` its start and `finish` its end.
pub const BREAK_MODE: &str = "break";

/// A row of routes.csv: one stop of an engineer's day (a job or a break),
/// numbered from 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteLine {
    pub engineer: String,
    pub stop: u32,
    pub incident: String,
    pub site: String,
    #[serde(default)]
    pub source_depot: String,
    #[serde(default)]
    pub mode: String,
    pub depart: String,
    pub arrive: String,
    pub finish: String,
    #[serde(default)]
    pub status: Option<Status>,
}

/// One incident's line of summary.json.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DispatchLine {
    pub incident: String,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub engineer: String,
    #[serde(default)]
    pub source_depot: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub depart: String,
    #[serde(default)]
    pub pickup: String,
    #[serde(default)]
    pub arrive: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub slack_minutes: Option<i64>,
    pub status: Status,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `summary.json` of `dispatch`, and its `--format json` output. Keys other
/// than `lines` may be missing when read (older folders).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DispatchSummary {
    #[serde(default)]
    pub incidents: usize,
    #[serde(default)]
    pub on_time: usize,
    #[serde(default)]
    pub late: usize,
    #[serde(default)]
    pub unassigned: usize,
    #[serde(default)]
    pub cost: Cost,
    #[serde(default)]
    pub construction_cost: Cost,
    #[serde(default)]
    pub iterations: u64,
    /// Engineers' paid hours, summed: each from the departure (as late as
    /// the route allows) to the last job's finish, off-duty time not counted.
    #[serde(default)]
    pub paid_hours: f64,
    /// The part of the paid hours beyond `[dispatch] overtime_after`.
    #[serde(default)]
    pub overtime_hours: f64,
    /// Engineers with at least one job.
    #[serde(default)]
    pub engineers_out: usize,
    /// Engineers' breaks taken (engineers.csv `break`); left out of
    /// summary.json when there are none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub breaks: usize,
    /// Paid hours at `[dispatch] engineer_hour_cost`, overtime hours at
    /// `overtime_factor` times that (0 when no hour cost is set).
    #[serde(default)]
    pub labour_cost: f64,
    /// Wall-clock seconds of the search: run-dependent, so printed in the
    /// terminal table but kept out of summary.json (same input and seed,
    /// same bytes); 0 when read.
    #[serde(skip)]
    pub seconds: f64,
    /// What is proven about the optimum (absent with `--no-bound`).
    #[serde(default)]
    pub bound: Option<BoundSummary>,
    /// Day by day, when `--days` plans more than one (absent otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<DaySummary>,
    pub lines: Vec<DispatchLine>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One planned day of a multi-day dispatch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    /// Local date the day starts on.
    pub date: String,
    /// Engineers' paid hours that day: each from their first departure to
    /// their last finish that day, off-duty time not counted.
    pub paid_hours: f64,
    /// The part of each engineer's paid hours that day beyond
    /// `[dispatch] overtime_after`, summed.
    pub overtime_hours: f64,
    /// Engineers with work that day.
    pub engineers_out: usize,
    /// Repairs that start that day.
    pub repairs_started: usize,
}

/// The dispatch's lower bound next to its cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundSummary {
    /// Weighted breaches no dispatch can avoid.
    pub breaches: f64,
    /// Weighted minutes late no dispatch can avoid.
    pub late_minutes: f64,
    /// The dispatch's weighted breaches equal the bound: no dispatch has fewer.
    pub breaches_proven_optimal: bool,
    /// The exact optimum when no engineer can take two incidents.
    pub single_job_optimum: Option<Cost>,
}

#[cfg(test)]
mod tests {
    use super::super::header_check::derived_header;
    use super::*;

    #[test]
    fn the_column_lists_are_the_structs_fields() {
        let line = DispatchLine {
            incident: "I1".into(),
            site: "S".into(),
            engineer: String::new(),
            source_depot: String::new(),
            mode: String::new(),
            depart: String::new(),
            pickup: String::new(),
            arrive: String::new(),
            deadline: String::new(),
            slack_minutes: None,
            status: Status::Unassigned,
            reason: None,
        };
        assert_eq!(
            derived_header(&DispatchCsvLine::from(&line)),
            DISPATCH_COLUMNS
        );
        let stop = RouteLine {
            engineer: "E".into(),
            stop: 1,
            incident: "I1".into(),
            site: "S".into(),
            source_depot: String::new(),
            mode: String::new(),
            depart: String::new(),
            arrive: String::new(),
            finish: String::new(),
            status: None,
        };
        assert_eq!(derived_header(&stop), ROUTE_COLUMNS);
    }
}
