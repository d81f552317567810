//! The scenario: typed domain data, loaded from a folder of CSV and TOML
//! files and validated. docs/scenario-format.md is the format reference.

mod clocks;
pub mod generate;
mod load;
mod model;
pub mod overlay;
pub mod ranges;
mod table;

pub use clocks::{SiteClocks, scenario_years};
pub use load::{
    AROUND_THE_CLOCK, CalendarResolver, Loaded, SHIFTS_FILE, SNAP_TOLERANCE_KM, ScenarioError,
    Settings, check_period, line_column, load, load_calendar, load_engineer_states, load_folder,
    load_incidents, load_pins, load_roster, load_roster_with_breaks, load_stock, parse_calendar,
    parse_matrix, parse_settings, plain_date, says_around_the_clock,
};
pub use model::*;
pub use table::{Cells, Columns, Table, csv_reader, decode_csv, drop_duplicate_ids, is_blank};
