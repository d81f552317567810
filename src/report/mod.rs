//! Output: tables for people, JSON and CSV for tools, each command's files
//! written as one output set (see [`output_set`]).
//! Nothing here computes results; printers take typed results and format them.

mod atomic;
pub mod basemap;
mod compare;
pub mod geojson;
pub mod html;
mod inventory;
pub mod output_set;
mod plan;
pub mod read;
mod roster;
pub mod schema;
mod staffing;
mod travel;
pub mod view;

pub use atomic::{write_atomic, write_atomic_with};
pub use compare::{compare_csv, compare_json, compare_set, compare_table, event_plan_set};
pub use inventory::Inventory;
pub use output_set::{Manifest, OutputSet};
pub use plan::{plan_set, plan_table, write_plan};
pub use roster::{ROSTER_COLUMNS, ROSTER_FILE, roster_csv, write_roster, write_roster_to};
pub use schema::plan::{PlanSummary, StaffingSummary, UnreachableSite};
pub use travel::{TravelList, TravelPair, TravelRoute};

/// How `plan` and `dispatch` print their result on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ResultFormat {
    /// Human-readable tables.
    Table,
    /// One JSON document (the summary).
    Json,
    /// Same as table (the CSV files are in the output folder).
    Csv,
    /// A GeoJSON FeatureCollection of depots, sites, assignments (and routes).
    Geojson,
}

/// How a command prints its result on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OutputFormat {
    /// Human-readable tables.
    Table,
    /// One JSON document.
    Json,
    /// Comma-separated values.
    Csv,
}

mod dispatch;
pub use dispatch::{dispatch_table, write_dispatch};
pub use schema::dispatch::{DISPATCH_COLUMNS, DispatchLine, DispatchSummary};

mod simulate;
pub use schema::simulate::{
    CUSTOMER_COLUMNS, CustomerLine, Interval, ReasonCounts, SimulationReport, TierLine,
};
pub use simulate::{customers_csv, simulation_table, write_simulation};
