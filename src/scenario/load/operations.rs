//! Operational files: incidents to dispatch and stock on hand.

use super::Loader;
use super::coverage::IncidentCalendars;
use crate::calendar::parse_instant;
use crate::diagnostic::{Code, Diagnostic};
use crate::scenario::model::{
    DeliveryMode, DepotIdx, Engineer, EngineerIdx, EngineerState, Incident, IncidentKind, Location,
    PartIdx, Pin, SiteIdx, StockLevel,
};
use crate::scenario::ranges;
use crate::scenario::table::{Columns, Refs, Table, drop_duplicate_ids};
use std::collections::HashMap;

pub const INCIDENT_COLUMNS: Columns = Columns {
    required: &["id", "site", "opened", "part"],
    optional: &["kind", "note"],
};
pub const ENGINEER_STATE_COLUMNS: Columns = Columns {
    required: &["engineer", "available_from", "location"],
    optional: &[],
};
pub const PIN_COLUMNS: Columns = Columns {
    required: &[
        "incident",
        "engineer",
        "source_depot",
        "mode",
        "depart",
        "status",
    ],
    optional: &["pickup", "arrive", "deadline", "slack_minutes"],
};
pub const STOCK_COLUMNS: Columns = Columns {
    required: &["depot", "part", "on_hand"],
    optional: &[],
};
/// The stock.csv `plan` writes (a fixed interface): units in `stock`.
pub const PLAN_STOCK_COLUMNS: Columns = Columns {
    required: &["depot", "part", "stock"],
    optional: &["demand_per_year", "fill_rate"],
};

/// The columns of a stock file and the one holding the units: a plan's
/// stock.csv (`stock`) when its header names `stock` and not `on_hand`,
/// else the scenario format (`on_hand`).
pub fn stock_format(header: &str) -> (Columns, &'static str) {
    let names: Vec<&str> = header
        .split([',', ';'])
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    if names.contains(&"stock") && !names.contains(&"on_hand") {
        (PLAN_STOCK_COLUMNS, "stock")
    } else {
        (STOCK_COLUMNS, "on_hand")
    }
}

/// Incidents; `opened` is RFC 3339 or a local time in the site's zone, on
/// a date every calendar involved covers.
pub fn read_incidents(
    loader: &mut Loader,
    table: &Table,
    calendars: &mut IncidentCalendars<'_>,
    site_ids: &Refs<SiteIdx>,
    part_ids: &Refs<PartIdx>,
) -> Vec<Incident> {
    super::network::read_unique(
        loader,
        table,
        |i: &Incident| &i.id,
        |cells, _| {
            let id = cells.text("id");
            let site = cells.reference("site", site_ids);
            let part = cells.reference("part", part_ids);
            let kind = cells.keyword_or(
                "kind",
                IncidentKind::Reactive,
                &[
                    ("reactive", IncidentKind::Reactive),
                    ("proactive", IncidentKind::Proactive),
                ],
            );
            let site = site?;
            let tz = calendars.sites[site.index()].tz;
            let opened = cells.parse("opened", Code::E1019BadDateTime, |text| {
                parse_instant(text, tz)
            });
            if let (Some(opened), Some(part)) = (opened, part) {
                calendars.check(cells, site.index(), part.index(), opened);
            }
            Some(Incident {
                id: id?.to_string(),
                site,
                opened: opened?,
                part: part?,
                kind: kind?,
            })
        },
    )
}

/// Stock on hand per depot and part; each pair at most once.
pub fn read_stock(
    loader: &mut Loader,
    table: &Table,
    units_column: &str,
    depot_ids: &Refs<DepotIdx>,
    part_ids: &Refs<PartIdx>,
) -> Vec<StockLevel> {
    let rows = table.read_rows(&mut loader.diagnostics, |cells| {
        let depot = cells.reference("depot", depot_ids);
        let part = cells.reference("part", part_ids);
        let on_hand = cells.count_in(units_column, ranges::ON_HAND);
        Some((
            StockLevel {
                depot: depot?,
                part: part?,
                on_hand: on_hand?,
            },
            cells.line(),
        ))
    });
    let mut first_line = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for (level, line) in rows {
        if let Some(first) = first_line.insert((level.depot, level.part), line) {
            loader.diagnostics.push(
                Diagnostic::file(
                    Code::E1030DuplicateId,
                    table.path(),
                    format!("this depot and part are listed again (first on line {first})"),
                    "give each depot and part one row",
                )
                .at(line, Some(1)),
            );
            continue;
        }
        kept.push(level);
    }
    kept
}

/// Engineers already out; `available_from` is RFC 3339 or a local time in
/// the engineer's shift zone; `location` a depot or site id. One row per
/// engineer.
pub fn read_engineer_states(
    loader: &mut Loader,
    table: &Table,
    engineers: &[Engineer],
    engineer_ids: &Refs<EngineerIdx>,
    depot_ids: &Refs<DepotIdx>,
    site_ids: &Refs<SiteIdx>,
) -> Vec<EngineerState> {
    let rows = table.read_rows(&mut loader.diagnostics, |cells| {
        let engineer = cells.reference("engineer", engineer_ids)?;
        let tz = engineers[engineer.index()].shift.tz;
        let available_from = cells.parse("available_from", Code::E1019BadDateTime, |text| {
            parse_instant(text, tz)
        });
        let location = cells.text("location").and_then(|text| {
            if let Some(d) = depot_ids.get(text) {
                return Some(Location::Depot(d));
            }
            if let Some(s) = site_ids.get(text) {
                return Some(Location::Site(s));
            }
            cells.error(
                "location",
                Code::E1031UnknownReference,
                format!("unknown depot or site `{text}`"),
                "use an id listed in depots.csv or sites.csv",
            );
            None
        });
        Some((
            (
                engineers[engineer.index()].id.clone(),
                EngineerState {
                    engineer,
                    available_from: available_from?,
                    location: location?,
                },
            ),
            cells.line(),
        ))
    });
    drop_duplicate_ids(
        table.path(),
        rows,
        |(id, _): &(String, EngineerState)| id,
        table.column_number("engineer"),
        &mut loader.diagnostics,
    )
    .into_iter()
    .map(|(_, state)| state)
    .collect()
}

/// Jobs to keep from a previous dispatch.csv: its assigned rows (status
/// `on_time` or `late`); unassigned rows are ignored. Each incident must be
/// among those being dispatched, once.
pub fn read_pins(
    loader: &mut Loader,
    table: &Table,
    incident_ids: &Refs<usize>,
    engineer_ids: &Refs<EngineerIdx>,
    depot_ids: &Refs<DepotIdx>,
) -> Vec<Pin> {
    let rows = table.read_rows(&mut loader.diagnostics, |cells| {
        let status = cells.keyword(
            "status",
            &[("on_time", true), ("late", true), ("unassigned", false)],
        )?;
        if !status {
            return None;
        }
        let id = cells.text("incident")?;
        let incident = cells.reference("incident", incident_ids);
        let engineer = cells.reference("engineer", engineer_ids);
        let depot = cells.reference("source_depot", depot_ids);
        let mode = cells.keyword(
            "mode",
            &[
                ("engineer_pickup", DeliveryMode::EngineerPickup),
                ("courier", DeliveryMode::Courier),
            ],
        );
        let depart = cells.parse("depart", Code::E1019BadDateTime, |text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| format!("`{text}` is not an RFC 3339 instant: {e}"))
        });
        Some((
            (
                id.to_string(),
                Pin {
                    incident: incident?,
                    engineer: engineer?,
                    depot: depot?,
                    mode: mode?,
                    depart: depart?,
                },
            ),
            cells.line(),
        ))
    });
    drop_duplicate_ids(
        table.path(),
        rows,
        |(id, _): &(String, Pin)| id,
        table.column_number("incident"),
        &mut loader.diagnostics,
    )
    .into_iter()
    .map(|(_, pin)| pin)
    .collect()
}
