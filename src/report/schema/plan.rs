//! The plan folder (`sparesla plan --out`, and each `plans/<name>/` of
//! `compare`): depots.csv, stock.csv, assignment.csv and summary.json.

use super::format::{fixed2_or_empty, fixed6_or_empty, plain_or_empty, whole};
use crate::plan::{PlanStatus, TierService};
use serde::{Deserialize, Serialize};

/// The columns of depots.csv, in the order of [`DepotLine`].
pub const DEPOT_COLUMNS: [&str; 6] = [
    "depot",
    "open",
    "fixed_cost",
    "stock_units",
    "stock_value",
    "sites_served",
];

/// A row of depots.csv: one per depot of the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepotLine {
    pub depot: String,
    pub open: bool,
    /// Yearly fixed cost; optional when read.
    #[serde(default, serialize_with = "plain_or_empty")]
    pub fixed_cost: Option<f64>,
    pub stock_units: u64,
    /// Written in whole currency units.
    #[serde(serialize_with = "whole")]
    pub stock_value: f64,
    /// Optional when read.
    #[serde(default)]
    pub sites_served: Option<u64>,
}

/// The columns of stock.csv, in the order of [`StockLine`].
pub const STOCK_COLUMNS: [&str; 5] = ["depot", "part", "stock", "demand_per_year", "fill_rate"];

/// A row of stock.csv: one per depot and part the plan may stock. A file in
/// the scenario's stock format (`on_hand` instead of `stock`) reads too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StockLine {
    pub depot: String,
    pub part: String,
    #[serde(alias = "on_hand")]
    pub stock: u32,
    /// Failures per year the pool serves; optional when read.
    #[serde(default, serialize_with = "fixed6_or_empty")]
    pub demand_per_year: Option<f64>,
    /// Share of demands met from the pool; optional when read.
    #[serde(default, serialize_with = "fixed6_or_empty")]
    pub fill_rate: Option<f64>,
}

/// The columns of assignment.csv, in the order of [`AssignmentLine`].
pub const ASSIGNMENT_COLUMNS: [&str; 6] = [
    "site",
    "part",
    "tier",
    "depot",
    "travel_hours",
    "backup_depot",
];

/// A row of assignment.csv: one per site and part with demand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentLine {
    pub site: String,
    pub part: String,
    /// Optional when read.
    #[serde(default)]
    pub tier: Option<String>,
    /// Empty when no open depot reaches the site in time.
    pub depot: Option<String>,
    #[serde(default, serialize_with = "fixed2_or_empty")]
    pub travel_hours: Option<f64>,
    #[serde(default)]
    pub backup_depot: Option<String>,
}

/// A site no usable depot reaches in time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnreachableSite {
    pub site: String,
    pub customer: String,
    pub tier: String,
    /// Hours the tier leaves for handling and travel.
    pub allowed_hours: f64,
    pub fastest_depot: Option<String>,
    /// Travel hours from the fastest depot (handling not included).
    pub fastest_hours: Option<f64>,
}

/// `summary.json`: written by `plan`, read back by the plan-folder reader
/// (`report`, `simulate`) into this same struct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub scenario: String,
    pub currency: String,
    pub total_cost: f64,
    pub fixed_cost: f64,
    pub holding_cost: f64,
    pub expected_penalty: f64,
    pub emergency_cost: f64,
    /// Engineers per year: roster positions at their matching pattern's
    /// cost, plus the added positions (0 when people are not counted).
    #[serde(default)]
    pub people_cost: f64,
    pub lower_bound: f64,
    pub gap: f64,
    /// The plan's cost with each site counting on its primary depot's
    /// stock alone: the planning model, which `lower_bound` and `gap` are
    /// about (`total_cost` also counts backup depots). Absent in summaries
    /// written before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_cost: Option<f64>,
    pub solver: String,
    pub status: PlanStatus,
    /// Not read back (absent from hand-made summaries).
    #[serde(default)]
    pub open_sets_evaluated: usize,
    /// Not read back (the reader takes open depots from depots.csv).
    #[serde(default)]
    pub depots_open: Vec<String>,
    pub stock_units: u64,
    pub stock_value: f64,
    pub tiers: Vec<TierService>,
    pub unreachable_sites: Vec<UnreachableSite>,
    /// How engineers were counted (absent in summaries written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staffing: Option<StaffingSummary>,
    /// What the MILP solver's fallbacks did; absent when every solve went
    /// through at the first attempt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solver_notes: Vec<String>,
}

impl PlanSummary {
    /// Whether the plan counted engineers inside its promise (`keep` or
    /// `plan`): then `people_cost` and the tiers' parts/people split mean
    /// something.
    pub fn counts_people(&self) -> bool {
        self.staffing
            .as_ref()
            .is_some_and(|s| s.mode != crate::plan::Staffing::PartsOnly)
    }
}

/// How a plan counted engineers, in summary.json.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffingSummary {
    /// `parts_only`, `keep` or `plan`.
    pub mode: crate::plan::Staffing,
    pub roster_positions: usize,
    /// Roster positions no `shifts.csv` pattern prices (counted at 0).
    pub unpriced_positions: usize,
    pub added_positions: usize,
    /// Yearly cost of the added positions (part of `people_cost`).
    pub added_cost: f64,
}

/// The columns of staffing.csv, in the order of [`StaffingLine`].
pub const STAFFING_COLUMNS: [&str; 6] = [
    "depot",
    "shift",
    "skills",
    "positions",
    "cost_per_year",
    "source",
];

/// A row of staffing.csv: the positions of one depot, shift and skill set,
/// from the roster or added by the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffingLine {
    pub depot: String,
    /// The `shifts.csv` pattern, or the roster shift's rule where none matches.
    pub shift: String,
    /// `;`-separated, sorted.
    pub skills: String,
    pub positions: u32,
    /// Yearly cost of the row's positions together (two decimals).
    #[serde(serialize_with = "super::format::fixed2")]
    pub cost_per_year: f64,
    /// `roster` or `added`.
    pub source: String,
}

#[cfg(test)]
mod tests {
    use super::super::header_check::derived_header;
    use super::*;

    #[test]
    fn the_column_lists_are_the_structs_fields() {
        let depot = DepotLine {
            depot: "CW".into(),
            open: true,
            fixed_cost: Some(1.0),
            stock_units: 1,
            stock_value: 1.0,
            sites_served: Some(1),
        };
        assert_eq!(derived_header(&depot), DEPOT_COLUMNS);
        let stock = StockLine {
            depot: "CW".into(),
            part: "P".into(),
            stock: 1,
            demand_per_year: Some(1.0),
            fill_rate: Some(1.0),
        };
        assert_eq!(derived_header(&stock), STOCK_COLUMNS);
        let assignment = AssignmentLine {
            site: "S".into(),
            part: "P".into(),
            tier: Some("T".into()),
            depot: None,
            travel_hours: None,
            backup_depot: None,
        };
        assert_eq!(derived_header(&assignment), ASSIGNMENT_COLUMNS);
        let staffing = StaffingLine {
            depot: "CW".into(),
            shift: "day".into(),
            skills: "net".into(),
            positions: 1,
            cost_per_year: 1.0,
            source: "added".into(),
        };
        assert_eq!(derived_header(&staffing), STAFFING_COLUMNS);
    }
}
