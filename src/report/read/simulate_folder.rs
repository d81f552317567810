//! The folder `sparesla simulate --out` writes: summary.json, tiers.csv and
//! customers.csv, read into the structs they are written from.

use super::{FolderError, FolderReader};
use crate::report::schema::simulate::{
    CUSTOMER_COLUMNS, CustomerCsvLine, SimulationReport, TIER_COLUMNS, TierCsvLine,
};
use crate::scenario::Columns;
use std::path::Path;

/// A simulation folder as written.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulationFiles {
    pub summary: SimulationReport,
    pub tiers: Vec<TierCsvLine>,
    pub customers: Vec<CustomerCsvLine>,
}

/// Reads a simulation folder; every file must be there and in its format.
pub fn read_simulation_folder(dir: &Path) -> Result<SimulationFiles, FolderError> {
    let mut reader = FolderReader::open(dir);
    let tiers = read_lines(&mut reader, &dir.join("tiers.csv"), &TIER_COLUMNS);
    let customers = read_lines(&mut reader, &dir.join("customers.csv"), &CUSTOMER_COLUMNS);
    let summary = reader.json::<SimulationReport>(&dir.join("summary.json"));
    reader.finish(summary.map(|summary| SimulationFiles {
        summary,
        tiers,
        customers,
    }))
}

/// Every row of a CSV file whose columns are all required.
fn read_lines<T: serde::de::DeserializeOwned>(
    reader: &mut FolderReader,
    path: &Path,
    columns: &'static [&'static str],
) -> Vec<T> {
    let columns = Columns {
        required: columns,
        optional: &[],
    };
    let Some(table) = reader.table(path, |_| columns) else {
        return Vec::new();
    };
    table.read_rows(&mut reader.diagnostics, |cells| cells.deserialize())
}
