//! The folder `sparesla plan --out` writes: depots.csv, stock.csv,
//! assignment.csv and summary.json.

use super::{FolderError, FolderReader, known, known_or_empty};
use crate::diagnostic::{Code, Diagnostic};
use crate::scenario::{Columns, DepotIdx, PartIdx, Scenario, SiteIdx};
use serde::Deserialize;
use std::path::Path;

const DEPOT_COLUMNS: Columns = Columns {
    required: &["depot", "open", "stock_units", "stock_value"],
    optional: &["fixed_cost", "sites_served"],
};
const STOCK_COLUMNS: Columns = Columns {
    required: &["depot", "part", "stock", "fill_rate"],
    optional: &["demand_per_year"],
};
const ASSIGNMENT_COLUMNS: Columns = Columns {
    required: &["site", "part", "depot"],
    optional: &["tier", "travel_hours", "backup_depot"],
};

/// One row of depots.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct DepotRow {
    pub depot: DepotIdx,
    pub open: bool,
    pub stock_units: u32,
    pub stock_value: f64,
    pub sites_served: Option<u32>,
}

/// One row of stock.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct StockRow {
    pub depot: DepotIdx,
    pub part: PartIdx,
    pub stock: u32,
    pub fill_rate: f64,
}

/// One row of assignment.csv (one per site and part with demand).
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentRow {
    pub site: SiteIdx,
    pub part: PartIdx,
    /// The serving depot; `None` when no open depot reaches the site in time.
    pub depot: Option<DepotIdx>,
    pub travel_hours: Option<f64>,
}

/// A tier's line of summary.json.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TierFile {
    pub tier: String,
    pub target: f64,
    pub expected_attainment: f64,
    pub attainable: f64,
    pub demand: f64,
    pub expected_breaches: f64,
}

/// An unreachable site of summary.json.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct UnreachableFile {
    pub site: String,
    pub customer: String,
    pub tier: String,
    pub allowed_hours: f64,
    pub fastest_depot: Option<String>,
    pub fastest_hours: Option<f64>,
}

/// The parts of summary.json the report uses; other keys are ignored.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PlanSummaryFile {
    pub scenario: String,
    pub currency: String,
    pub total_cost: f64,
    pub fixed_cost: f64,
    pub holding_cost: f64,
    pub expected_penalty: f64,
    pub emergency_cost: f64,
    pub lower_bound: f64,
    pub gap: f64,
    pub solver: String,
    pub status: String,
    pub stock_units: u64,
    pub stock_value: f64,
    pub tiers: Vec<TierFile>,
    pub unreachable_sites: Vec<UnreachableFile>,
}

/// A plan folder, checked against its scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanFiles {
    pub depots: Vec<DepotRow>,
    pub stock: Vec<StockRow>,
    pub assignment: Vec<AssignmentRow>,
    pub summary: PlanSummaryFile,
}

impl PlanFiles {
    /// Open flag of each scenario depot (a depot missing from depots.csv is closed).
    pub fn open(&self, scenario: &Scenario) -> Vec<bool> {
        let mut open = vec![false; scenario.depots.len()];
        for row in &self.depots {
            open[row.depot.index()] = row.open;
        }
        open
    }

    /// Serving depot of each scenario site (`None`: unserved or no demand).
    pub fn primary(&self, scenario: &Scenario) -> Vec<Option<DepotIdx>> {
        let mut primary = vec![None; scenario.sites.len()];
        for row in &self.assignment {
            if row.depot.is_some() {
                primary[row.site.index()] = row.depot;
            }
        }
        primary
    }
}

/// Reads a plan folder written for `scenario`.
pub fn read_plan_folder(dir: &Path, scenario: &Scenario) -> Result<PlanFiles, FolderError> {
    let mut reader = FolderReader::new();
    let depot = |id: &str| scenario.depot_by_id(id);
    let part = |id: &str| scenario.part_by_id(id);
    let site = |id: &str| scenario.site_by_id(id);

    let depots = match reader.table(&dir.join("depots.csv"), DEPOT_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let depot = known(cells, "depot", "depot", depot);
            let open = cells.keyword("open", &[("true", true), ("false", false)]);
            let stock_units = cells.count("stock_units", 0);
            let stock_value = cells.non_negative("stock_value");
            let sites_served = match cells.optional_text("sites_served") {
                None => Some(None),
                Some(_) => cells.count("sites_served", 0).map(Some),
            };
            Some(DepotRow {
                depot: depot?,
                open: open?,
                stock_units: stock_units?,
                stock_value: stock_value?,
                sites_served: sites_served?,
            })
        }),
        None => Vec::new(),
    };
    let stock = match reader.table(&dir.join("stock.csv"), STOCK_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let depot = known(cells, "depot", "depot", depot);
            let part = known(cells, "part", "part", part);
            let stock = cells.count("stock", 0);
            let fill_rate = cells.in_range("fill_rate", 0.0, 1.0);
            Some(StockRow {
                depot: depot?,
                part: part?,
                stock: stock?,
                fill_rate: fill_rate?,
            })
        }),
        None => Vec::new(),
    };
    let assignment = match reader.table(&dir.join("assignment.csv"), ASSIGNMENT_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let site = known(cells, "site", "site", site);
            let part = known(cells, "part", "part", part);
            let depot = known_or_empty(cells, "depot", "depot", depot);
            let travel_hours = match cells.optional_text("travel_hours") {
                None => Some(None),
                Some(_) => cells.non_negative("travel_hours").map(Some),
            };
            Some(AssignmentRow {
                site: site?,
                part: part?,
                depot: depot?,
                travel_hours: travel_hours?,
            })
        }),
        None => Vec::new(),
    };
    let summary_path = dir.join("summary.json");
    let summary = reader.json::<PlanSummaryFile>(&summary_path);
    if let Some(summary) = &summary {
        let tiers = summary.tiers.iter().map(|t| ("tier", t.tier.as_str()));
        let sites = summary
            .unreachable_sites
            .iter()
            .map(|s| ("site", s.site.as_str()));
        for (what, id) in tiers.chain(sites) {
            let found = match what {
                "tier" => scenario.tier_by_id(id).is_some(),
                _ => scenario.site_by_id(id).is_some(),
            };
            if !found {
                reader.diagnostics.push(Diagnostic::file(
                    Code::E1031UnknownReference,
                    &summary_path,
                    format!("unknown {what} `{id}`"),
                    "the folder was written for another scenario: give the scenario it was made from",
                ));
            }
        }
    }
    let summary = reader.finish(summary)?;
    Ok(PlanFiles {
        depots,
        stock,
        assignment,
        summary,
    })
}
