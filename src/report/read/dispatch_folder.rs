//! The folder `sparesla dispatch --out` writes: dispatch.csv, routes.csv
//! and (optionally read) summary.json for the reasons of late and
//! unassigned incidents.

use super::{FolderError, FolderReader, instant, known_id, known_id_or_empty, optional_instant};
use crate::dispatch::Status;
use crate::report::schema::dispatch::{BREAK_MODE, DispatchCsvLine, DispatchSummary, RouteLine};
use crate::scenario::{Cells, Columns, DepotIdx, EngineerIdx, Scenario, SiteIdx};
use chrono::{DateTime, FixedOffset};
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentDetail {
    pub site: String,
    pub reason: Option<String>,
}

/// Reads a dispatch folder written for `scenario`.
pub fn read_dispatch_folder(dir: &Path, scenario: &Scenario) -> Result<DispatchFiles, FolderError> {
    let mut reader = FolderReader::open(dir);
    let engineer = |id: &str| scenario.engineer_by_id(id);
    let depot = |id: &str| scenario.depot_by_id(id);
    let site = |id: &str| scenario.site_by_id(id);

    let incidents = match reader.table(&dir.join("dispatch.csv"), |_| DISPATCH_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let line: DispatchCsvLine = cells.deserialize()?;
            let engineer = known_id_or_empty(
                cells,
                "engineer",
                "engineer",
                Some(&line.engineer),
                engineer,
            );
            let source_depot = known_id_or_empty(
                cells,
                "source_depot",
                "depot",
                Some(&line.source_depot),
                depot,
            );
            let pickup = optional_instant(cells, "pickup", &line.pickup);
            let arrive = optional_instant(cells, "arrive", &line.arrive);
            let deadline = instant(cells, "deadline", &line.deadline);
            let incident = non_empty(cells, "incident", line.incident);
            Some(DispatchRow {
                incident: incident?,
                engineer: engineer?,
                source_depot: source_depot?,
                mode: Some(line.mode).filter(|mode| !mode.is_empty()),
                pickup: pickup?,
                arrive: arrive?,
                deadline: deadline?,
                status: line.status,
            })
        }),
        None => Vec::new(),
    };
    let stops = match reader.table(&dir.join("routes.csv"), |_| ROUTE_COLUMNS) {
        Some(table) => table.read_rows(&mut reader.diagnostics, |cells| {
            let line: RouteLine = cells.deserialize()?;
            // A break is a stop of the engineer's day but no job: not read.
            if line.mode == BREAK_MODE {
                return None;
            }
            let engineer = known_id(cells, "engineer", "engineer", &line.engineer, engineer);
            let stop = first_stop_is_one(cells, line.stop);
            let site = known_id(cells, "site", "site", &line.site, site);
            let source_depot = known_id_or_empty(
                cells,
                "source_depot",
                "depot",
                Some(&line.source_depot),
                depot,
            );
            let depart = instant(cells, "depart", &line.depart);
            let arrive = instant(cells, "arrive", &line.arrive);
            let finish = instant(cells, "finish", &line.finish);
            let incident = non_empty(cells, "incident", line.incident);
            Some(RouteStop {
                engineer: engineer?,
                stop: stop?,
                incident: incident?,
                site: site?,
                source_depot: source_depot?,
                mode: Some(line.mode).filter(|mode| !mode.is_empty()),
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
            .json::<DispatchSummary>(&summary_path)
            .map(|summary| {
                summary
                    .lines
                    .into_iter()
                    .map(|line| {
                        let detail = IncidentDetail {
                            site: line.site,
                            reason: line.reason,
                        };
                        (line.incident, detail)
                    })
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

/// A text cell that must not be empty.
fn non_empty(cells: &mut Cells<'_>, column: &str, text: String) -> Option<String> {
    if text.is_empty() {
        cells.error(
            column,
            crate::diagnostic::Code::E1010EmptyValue,
            "value is empty",
            format!("give a value for `{column}`"),
        );
        return None;
    }
    Some(text)
}

/// Stops are numbered from 1.
fn first_stop_is_one(cells: &mut Cells<'_>, stop: u32) -> Option<u32> {
    if stop == 0 {
        cells.error(
            "stop",
            crate::diagnostic::Code::E1013OutOfDomain,
            "0 is below 1",
            "`stop` must be a whole number of at least 1",
        );
        return None;
    }
    Some(stop)
}
