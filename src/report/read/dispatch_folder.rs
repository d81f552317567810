//! The folder `sparesla dispatch --out` writes: dispatch.csv, routes.csv
//! and (optionally read) summary.json for the reasons of late and
//! unassigned incidents.

use super::{FolderError, FolderReader, instant, known, known_or_empty, optional_instant};
use crate::dispatch::Status;
use crate::scenario::{Columns, DepotIdx, EngineerIdx, Scenario, SiteIdx};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

const DISPATCH_COLUMNS: Columns = Columns {
    required: &["incident", "engineer", "arrive", "deadline", "status"],
    optional: &["source_depot", "mode", "depart", "pickup", "slack_minutes"],
};
const ROUTE_COLUMNS: Columns = Columns {
    required: &[
        "engineer", "stop", "incident", "site", "depart", "arrive", "finish",
    ],
    optional: &["source_depot", "mode", "status"],
};

const STATUSES: [(&str, Status); 3] = [
    ("on_time", Status::OnTime),
    ("late", Status::Late),
    ("unassigned", Status::Unassigned),
];

/// One incident of dispatch.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct DispatchRow {
    pub incident: String,
    pub engineer: Option<EngineerIdx>,
    pub source_depot: Option<DepotIdx>,
    /// `engineer_pickup` or `courier`.
    pub mode: Option<String>,
    pub pickup: Option<DateTime<FixedOffset>>,
    pub arrive: Option<DateTime<FixedOffset>>,
    pub deadline: DateTime<FixedOffset>,
    pub status: Status,
}

/// One stop of routes.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteStop {
    pub engineer: EngineerIdx,
    pub stop: u32,
    pub incident: String,
    pub site: SiteIdx,
    pub source_depot: Option<DepotIdx>,
    /// `engineer_pickup` or `courier`.
    pub mode: Option<String>,
    pub depart: DateTime<FixedOffset>,
    pub arrive: DateTime<FixedOffset>,
    pub finish: DateTime<FixedOffset>,
}

/// A dispatch folder, checked against its scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct DispatchFiles {
    pub incidents: Vec<DispatchRow>,
    pub stops: Vec<RouteStop>,
    /// Incident id to its site and reason, from summary.json when present.
    pub details: BTreeMap<String, IncidentDetail>,
}

/// What summary.json adds about one incident.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct IncidentDetail {
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Deserialize)]
struct SummaryLines {
    lines: Vec<SummaryLine>,
}

#[derive(Deserialize)]
struct SummaryLine {
    incident: String,
    #[serde(flatten)]
    detail: IncidentDetail,
}

/// Reads a dispatch folder written for `scenario`.
pub fn read_dispatch_folder(dir: &Path, scenario: &Scenario) -> Result<DispatchFiles, FolderError> {
    let mut reader = FolderReader::open(dir);
    let engineer = |id: &str| scenario.engineer_by_id(id);
    let depot = |id: &str| scenario.depot_by_id(id);
    let site = |id: &str| scenario.site_by_id(id);

    let incidents = match reader.table(&dir.join("dispatch.csv"), |_| DISPATCH_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let incident = cells.text("incident").map(str::to_string);
            let engineer = known_or_empty(cells, "engineer", "engineer", engineer);
            let source_depot = known_or_empty(cells, "source_depot", "depot", depot);
            let mode = cells.optional_text("mode").map(str::to_string);
            let pickup = optional_instant(cells, "pickup");
            let arrive = optional_instant(cells, "arrive");
            let deadline = instant(cells, "deadline");
            let status = cells.keyword("status", &STATUSES);
            Some(DispatchRow {
                incident: incident?,
                engineer: engineer?,
                source_depot: source_depot?,
                mode,
                pickup: pickup?,
                arrive: arrive?,
                deadline: deadline?,
                status: status?,
            })
        }),
        None => Vec::new(),
    };
    let stops = match reader.table(&dir.join("routes.csv"), |_| ROUTE_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let engineer = known(cells, "engineer", "engineer", engineer);
            let stop = cells.count("stop", 1);
            let incident = cells.text("incident").map(str::to_string);
            let site = known(cells, "site", "site", site);
            let source_depot = known_or_empty(cells, "source_depot", "depot", depot);
            let mode = cells.optional_text("mode").map(str::to_string);
            let depart = instant(cells, "depart");
            let arrive = instant(cells, "arrive");
            let finish = instant(cells, "finish");
            Some(RouteStop {
                engineer: engineer?,
                stop: stop?,
                incident: incident?,
                site: site?,
                source_depot: source_depot?,
                mode,
                depart: depart?,
                arrive: arrive?,
                finish: finish?,
            })
        }),
        None => Vec::new(),
    };
    let summary_path = dir.join("summary.json");
    let details = if summary_path.exists() {
        reader
            .json::<SummaryLines>(&summary_path)
            .map(|s| {
                s.lines
                    .into_iter()
                    .map(|line| (line.incident, line.detail))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    reader.finish(Some(DispatchFiles {
        incidents,
        stops,
        details,
    }))
}
