//! The comparison folder (`sparesla compare --out`): compare.json (one
//! object per scenario), compare.csv (one row per scenario, with four
//! columns per tier of any scenario) and a plan folder per scenario under
//! `plans/` (see [`super::plan`]).
//!
//! compare.json's objects are the comparison's own rows, plain data that
//! `whatif::compare` computes: the folder writes and reads them as they are.

use super::format::{fixed6, fixed6_or_empty, joined};
use serde::Serialize;

pub use crate::whatif::{CompareRow, EventRow, TierRow, TopUpRow};

/// The columns of compare.csv before the per-tier ones, in the order of
/// [`CompareCsvLine`].
pub const COMPARE_COLUMNS: [&str; 52] = [
    "name",
    "path",
    "currency",
    "temporary_view",
    "status",
    "solver",
    "total_cost",
    "fixed_cost",
    "holding_cost",
    "expected_penalty",
    "emergency_cost",
    "lower_bound",
    "gap",
    "stock_units",
    "stock_value",
    "depots_open_count",
    "depots_open",
    "depots_opened",
    "depots_closed",
    "sites_with_demand",
    "sites_covered",
    "sites_lost",
    "sites_gained",
    "sites_without_engineer",
    "engineer_gaps_added",
    "engineer_gaps_removed",
    "event_days",
    "delta_total_cost",
    "delta_fixed_cost",
    "delta_holding_cost",
    "delta_expected_penalty",
    "delta_emergency_cost",
    "delta_stock_units",
    "delta_stock_value",
    "event_extra_units",
    "event_extra_value",
    "event_holding_cost",
    "event_affected_sites",
    "event_breaches_ordinary",
    "event_breaches_today",
    "event_breaches_topped_up",
    "event_breaches_out_of_reach",
    "event_uncovered_sites",
    "event_short_pools",
    "event_top_up",
    "staffing",
    "people_cost",
    "roster_positions",
    "added_positions",
    "added_people_cost",
    "delta_people_cost",
    "delta_added_positions",
];

/// The columns each tier adds to compare.csv, as `<what>_<tier>`, in the
/// order of [`TierCells`].
pub const TIER_COLUMN_PREFIXES: [&str; 4] = ["target", "attainment", "attainable", "breaches"];

/// A row of compare.csv: [`CompareRow`] flattened into cells. Lists are
/// joined by `;`, numbers written with six decimals; a scenario without
/// temporary changes leaves the `event_` cells empty, one without a tier
/// that tier's cells. The report reads compare.csv (or a hand-made file in
/// the documented compare format) by column name; see `report::read`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompareCsvLine {
    pub name: String,
    pub path: String,
    pub currency: String,
    pub temporary_view: String,
    pub status: String,
    pub solver: String,
    #[serde(serialize_with = "fixed6")]
    pub total_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub fixed_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub holding_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub expected_penalty: f64,
    #[serde(serialize_with = "fixed6")]
    pub emergency_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub lower_bound: f64,
    #[serde(serialize_with = "fixed6")]
    pub gap: f64,
    pub stock_units: u64,
    #[serde(serialize_with = "fixed6")]
    pub stock_value: f64,
    pub depots_open_count: usize,
    #[serde(serialize_with = "joined")]
    pub depots_open: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub depots_opened: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub depots_closed: Vec<String>,
    pub sites_with_demand: usize,
    pub sites_covered: usize,
    #[serde(serialize_with = "joined")]
    pub sites_lost: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub sites_gained: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub sites_without_engineer: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub engineer_gaps_added: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub engineer_gaps_removed: Vec<String>,
    pub event_days: u32,
    #[serde(serialize_with = "fixed6")]
    pub delta_total_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub delta_fixed_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub delta_holding_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub delta_expected_penalty: f64,
    #[serde(serialize_with = "fixed6")]
    pub delta_emergency_cost: f64,
    pub delta_stock_units: i64,
    #[serde(serialize_with = "fixed6")]
    pub delta_stock_value: f64,
    pub event_extra_units: Option<u64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub event_extra_value: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub event_holding_cost: Option<f64>,
    pub event_affected_sites: Option<usize>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub event_breaches_ordinary: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub event_breaches_today: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub event_breaches_topped_up: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub event_breaches_out_of_reach: Option<f64>,
    #[serde(serialize_with = "joined")]
    pub event_uncovered_sites: Vec<String>,
    #[serde(serialize_with = "joined")]
    pub event_short_pools: Vec<String>,
    /// `depot/part:stock>event_stock` per topped-up pool.
    #[serde(serialize_with = "joined")]
    pub event_top_up: Vec<String>,
    /// `parts_only`, `keep` or `plan`. The engineer columns come after the
    /// event ones (they were added later), before the per-tier cells.
    pub staffing: String,
    #[serde(serialize_with = "fixed6")]
    pub people_cost: f64,
    pub roster_positions: usize,
    pub added_positions: usize,
    #[serde(serialize_with = "fixed6")]
    pub added_people_cost: f64,
    #[serde(serialize_with = "fixed6")]
    pub delta_people_cost: f64,
    pub delta_added_positions: i64,
    /// One group of four cells per tier of the header (columns
    /// `<what>_<tier>`, see [`TIER_COLUMN_PREFIXES`]); written flat.
    pub tiers: Vec<TierCells>,
}

/// A tier's four cells of compare.csv; all empty for a scenario without it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TierCells {
    #[serde(serialize_with = "fixed6_or_empty")]
    pub target: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub attainment: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub attainable: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub breaches: Option<f64>,
}

/// The header of compare.csv for rows covering `tiers`.
pub fn compare_header(tiers: &[String]) -> Vec<String> {
    let mut header: Vec<String> = COMPARE_COLUMNS.iter().map(|c| c.to_string()).collect();
    for tier in tiers {
        for what in TIER_COLUMN_PREFIXES {
            header.push(format!("{what}_{tier}"));
        }
    }
    header
}
