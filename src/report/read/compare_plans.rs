//! The plans a `sparesla compare --out` folder keeps (`plans/<scenario>/`),
//! digested into what a reader of the comparison asks first: which depots
//! open, which sites are covered, how much stock and how many people.

use super::{FolderError, FolderReader};
use crate::report::schema::plan::{AssignmentLine, DepotLine, PlanSummary};
use crate::scenario::Columns;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const DEPOT_COLUMNS: Columns = Columns {
    required: &["depot", "open", "stock_units", "stock_value"],
    optional: &["fixed_cost", "sites_served"],
};
const ASSIGNMENT_COLUMNS: Columns = Columns {
    required: &["site", "part", "depot"],
    optional: &["tier", "travel_hours", "backup_depot"],
};

/// One scenario's plan, reduced to what the comparison lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanDigest {
    /// The scenario's name (summary.json's `scenario`).
    pub scenario: String,
    pub open_depots: BTreeSet<String>,
    /// Stock units and value per open depot.
    pub stock: BTreeMap<String, (u64, f64)>,
    /// Sites with at least one part served in time by an open depot.
    pub covered_sites: BTreeSet<String>,
    /// Sites with demand that no open depot serves in time.
    pub uncovered_sites: BTreeSet<String>,
    /// Engineer positions (roster and added) when the plan counts people.
    pub positions: Option<usize>,
    pub people_cost: f64,
}

/// The plans under `dir/plans/`, one per scenario in `names` (the
/// comparison's rows, in order); a scenario without a plan folder (a
/// comparison written by hand) is left out.
pub fn read_compare_plans(dir: &Path, names: &[String]) -> Result<Vec<PlanDigest>, FolderError> {
    let plans = dir.join("plans");
    let Ok(entries) = std::fs::read_dir(&plans) else {
        return Ok(Vec::new());
    };
    let mut folders: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("summary.json").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        // The event study's extra plans (`-today`, `-event`) are not rows.
        .filter(|name| !name.ends_with("-today") && !name.ends_with("-event"))
        .collect();
    folders.sort();
    let mut reader = FolderReader::open(dir);
    let mut digests = Vec::new();
    for folder in folders {
        let folder = plans.join(folder);
        let Some(summary) = reader.json::<PlanSummary>(&folder.join("summary.json")) else {
            continue;
        };
        let depots: Vec<DepotLine> = reader
            .table(&folder.join("depots.csv"), |_| DEPOT_COLUMNS)
            .map(|t| t.read_rows(&mut reader.diagnostics, |cells| cells.deserialize()))
            .unwrap_or_default();
        let assignment: Vec<AssignmentLine> = reader
            .table(&folder.join("assignment.csv"), |_| ASSIGNMENT_COLUMNS)
            .map(|t| t.read_rows(&mut reader.diagnostics, |cells| cells.deserialize()))
            .unwrap_or_default();
        digests.push(digest(&summary, &depots, &assignment));
    }
    let mut ordered = Vec::new();
    for name in names {
        if let Some(i) = digests.iter().position(|d| d.scenario == *name) {
            ordered.push(digests.remove(i));
        }
    }
    reader.finish(Some(ordered))
}

fn digest(
    summary: &PlanSummary,
    depots: &[DepotLine],
    assignment: &[AssignmentLine],
) -> PlanDigest {
    let mut digest = PlanDigest {
        scenario: summary.scenario.clone(),
        positions: summary
            .staffing
            .as_ref()
            .map(|s| s.roster_positions + s.added_positions),
        people_cost: summary.people_cost,
        ..PlanDigest::default()
    };
    for depot in depots.iter().filter(|d| d.open) {
        digest.open_depots.insert(depot.depot.clone());
        digest
            .stock
            .insert(depot.depot.clone(), (depot.stock_units, depot.stock_value));
    }
    for row in assignment {
        if row.depot.as_deref().is_some_and(|d| !d.is_empty()) {
            digest.covered_sites.insert(row.site.clone());
        }
    }
    for row in assignment {
        if !digest.covered_sites.contains(&row.site) {
            digest.uncovered_sites.insert(row.site.clone());
        }
    }
    digest
}
