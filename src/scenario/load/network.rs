//! The network tables: depots, parts, sites, installed base, tiers, engineers.

use super::Loader;
use super::tier_and_engineer::{self, Fields};
use crate::calendar::{HolidayCalendar, parse_time_zone};
use crate::diagnostic::Code;
use crate::geodesy::geodesic_km;
use crate::scenario::model::{
    BreakRule, Depot, DepotIdx, DepotKind, DepotStatus, Engineer, Idx, InstalledUnit, LatLon, Part,
    PartIdx, Site, SiteIdx, Tier, TierIdx,
};
use crate::scenario::ranges;
use crate::scenario::table::{Cells, Columns, Refs, Table, drop_duplicate_ids};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub const DEPOT_COLUMNS: Columns = Columns {
    required: &[
        "id",
        "name",
        "lat",
        "lon",
        "kind",
        "status",
        "fixed_cost",
        "replenish_days",
    ],
    optional: &["tz"],
};
pub const PART_COLUMNS: Columns = Columns {
    required: &["id", "name", "unit_cost", "skill"],
    optional: &["repair_hours", "pausable"],
};
pub const SITE_COLUMNS: Columns = Columns {
    required: &["id", "customer", "lat", "lon", "tz", "tier"],
    optional: &["region"],
};
pub const INSTALLED_BASE_COLUMNS: Columns = Columns {
    required: &["site", "part", "quantity", "annual_failure_rate"],
    optional: &[],
};
pub const TIER_COLUMNS: Columns = Columns {
    required: &[
        "id", "coverage", "window", "days", "calendar", "response", "target", "penalty",
    ],
    optional: &["cutoff"],
};
pub const ENGINEER_COLUMNS: Columns = Columns {
    required: &["id", "name", "base", "skills", "shift", "calendar"],
    optional: &["days", "tz", "break"],
};

/// Id-to-index map of a table just read.
pub fn index_of<T>(rows: &[T], id: impl Fn(&T) -> &str) -> HashMap<String, Idx<T>> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| (id(row).to_string(), Idx::new(i)))
        .collect()
}

/// Reads rows of a table with an `id` column, dropping duplicate ids.
pub fn read_unique<T>(
    loader: &mut Loader,
    table: &Table,
    id_of: impl Fn(&T) -> &str,
    mut read: impl FnMut(&mut Cells<'_>, &mut Loader) -> Option<T>,
) -> Vec<T> {
    let mut diagnostics = std::mem::take(&mut loader.diagnostics);
    let rows = table.read_rows(&mut diagnostics, |cells| {
        let line = cells.line();
        read(cells, loader).map(|value| (value, line))
    });
    let mut duplicates = std::mem::take(&mut loader.diagnostics);
    let kept = drop_duplicate_ids(
        table.path(),
        rows,
        id_of,
        table.column_number("id"),
        &mut duplicates,
    );
    diagnostics.extend(duplicates);
    loader.diagnostics = diagnostics;
    kept
}

fn location(cells: &mut Cells<'_>) -> Option<LatLon> {
    let lat = cells.bounded("lat", ranges::LATITUDE);
    let lon = cells.bounded("lon", ranges::LONGITUDE);
    Some(LatLon {
        lat: lat?,
        lon: lon?,
    })
}

pub fn read_depots(loader: &mut Loader, table: &Table) -> Vec<Depot> {
    read_unique(
        loader,
        table,
        |d: &Depot| &d.id,
        |cells, _| {
            let id = cells.text("id");
            let name = cells.optional_text("name").unwrap_or_default();
            let location = location(cells);
            let kind = cells.keyword(
                "kind",
                &[
                    ("central", DepotKind::Central),
                    ("regional", DepotKind::Regional),
                    ("forward", DepotKind::Forward),
                ],
            );
            let status = cells.keyword(
                "status",
                &[
                    ("open", DepotStatus::Open),
                    ("candidate", DepotStatus::Candidate),
                    ("closed", DepotStatus::Closed),
                ],
            );
            let fixed_cost = cells.bounded("fixed_cost", ranges::MONEY);
            let replenish_days = cells.bounded("replenish_days", ranges::REPLENISH_DAYS);
            let tz = match cells.optional_text("tz") {
                Some(_) => Some(time_zone(cells, "tz")),
                // Filled in once the sites are read: see `assign_depot_zones`.
                None => Some(None),
            };
            Some(Depot {
                id: id?.to_string(),
                name: name.to_string(),
                location: location?,
                kind: kind?,
                status: status?,
                fixed_cost: fixed_cost?,
                replenish_days: replenish_days?,
                tz: tz?,
            })
        },
    )
}

/// Gives each depot without a `tz` column value the scenario's `timezone`,
/// else the zone of its nearest site (the first in file order on a tie).
pub fn assign_depot_zones(depots: &mut [Depot], sites: &[Site], timezone: Option<Tz>) {
    for depot in depots.iter_mut().filter(|d| d.tz.is_none()) {
        depot.tz = timezone.or_else(|| {
            sites
                .iter()
                .map(|site| (geodesic_km(depot.location, site.location), site.tz))
                .reduce(|nearest, other| if other.0 < nearest.0 { other } else { nearest })
                .map(|(_, tz)| tz)
        });
    }
}

pub fn read_parts(loader: &mut Loader, table: &Table) -> Vec<Part> {
    read_unique(
        loader,
        table,
        |p: &Part| &p.id,
        |cells, _| {
            let id = cells.text("id");
            let name = cells.optional_text("name").unwrap_or_default();
            let unit_cost = cells.bounded("unit_cost", ranges::MONEY);
            let skill = cells.text("skill");
            let repair_hours = cells.bounded_or("repair_hours", 1.0, ranges::REPAIR_HOURS);
            let pausable = cells.parse_or("pausable", false, Code::E1021NotYesNo, yes_no);
            Some(Part {
                id: id?.to_string(),
                name: name.to_string(),
                unit_cost: unit_cost?,
                skill: skill?.to_string(),
                repair_hours: repair_hours?,
                pausable: pausable?,
            })
        },
    )
}

/// `yes` or `no`, in any case.
fn yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(format!("`{text}` is not `yes` or `no`")),
    }
}

fn time_zone(cells: &mut Cells<'_>, column: &str) -> Option<Tz> {
    cells.parse(column, Code::E1016UnknownTimeZone, parse_time_zone)
}

/// Customer sites; their ids must differ from depot ids (both are places
/// of the travel network).
pub fn read_sites(
    loader: &mut Loader,
    table: &Table,
    tiers: &Refs<TierIdx>,
    depot_ids: &std::collections::HashSet<&str>,
) -> Vec<Site> {
    read_unique(
        loader,
        table,
        |s: &Site| &s.id,
        |cells, _| {
            let id = cells.text("id");
            if let Some(id) = id.filter(|id| depot_ids.contains(id)) {
                cells.error(
                    "id",
                    Code::E1030DuplicateId,
                    format!("`{id}` is already a depot id"),
                    "give sites ids of their own; depots and sites share the travel network",
                );
                return None;
            }
            let customer = cells.text("customer");
            let location = location(cells);
            let tz = time_zone(cells, "tz");
            let tier = cells.reference("tier", tiers);
            let region = cells.optional_text("region").unwrap_or_default();
            Some(Site {
                id: id?.to_string(),
                customer: customer?.to_string(),
                location: location?,
                tz: tz?,
                tier: tier?,
                region: region.to_string(),
            })
        },
    )
}

pub fn read_installed_base(
    loader: &mut Loader,
    table: &Table,
    sites: &Refs<SiteIdx>,
    parts: &Refs<PartIdx>,
) -> Vec<InstalledUnit> {
    table.read_rows(&mut loader.diagnostics, |cells| {
        let site = cells.reference("site", sites);
        let part = cells.reference("part", parts);
        let quantity = cells.count_in("quantity", ranges::QUANTITY);
        let annual_failure_rate = cells.bounded("annual_failure_rate", ranges::ANNUAL_FAILURE_RATE);
        Some(InstalledUnit {
            site: site?,
            part: part?,
            quantity: quantity?,
            annual_failure_rate: annual_failure_rate?,
        })
    })
}

/// Resolves a calendar `spec` of a `column` through the loader's resolver.
pub(super) fn resolve_calendar(
    cells: &mut Cells<'_>,
    loader: &mut Loader,
    column: &str,
    spec: &str,
) -> Option<Arc<HolidayCalendar>> {
    match loader.calendars.resolve(spec, &mut loader.diagnostics) {
        Ok(Some(calendar)) => Some(calendar),
        // The calendar file itself was bad; its own diagnostics say where.
        Ok(None) => None,
        Err(message) => {
            cells.error(
                column,
                Code::E1031UnknownReference,
                message,
                "use `none`, a bundled calendar such as `CN`, or a path to a date,kind,name CSV file",
            );
            None
        }
    }
}

pub fn read_tiers(loader: &mut Loader, table: &Table) -> Vec<Tier> {
    read_unique(
        loader,
        table,
        |t: &Tier| &t.id,
        |cells, loader| {
            let id = cells.text("id");
            let mut fields = Row { cells, loader };
            let tier = tier_and_engineer::tier(&mut fields, id.unwrap_or_default(), None);
            id.and(tier)
        },
    )
}

/// A row of tiers.csv or engineers.csv, for the validator they share with
/// overlay.toml.
struct Row<'r, 't> {
    cells: &'r mut Cells<'t>,
    loader: &'r mut Loader,
}

impl Fields for Row<'_, '_> {
    fn text(&self, key: &str) -> Option<String> {
        self.cells.optional_text(key).map(str::to_string)
    }

    fn number(&mut self, key: &str) -> Option<Option<f64>> {
        self.cells.optional_text(key)?;
        Some(self.cells.number(key))
    }

    fn report(&mut self, key: &str, code: Code, message: String, action: String) {
        self.cells.error(key, code, message, action);
    }

    fn calendar(&mut self, key: &str, spec: &str) -> Option<Arc<HolidayCalendar>> {
        resolve_calendar(self.cells, self.loader, key, spec)
    }

    fn example(&self, _key: &str, value: &str) -> String {
        format!("`{value}`")
    }

    fn leave_unset(&self, key: &str) -> String {
        format!("leave `{key}` empty")
    }
}

/// Engineers, and the breaks of those with one (by id); one without `tz`
/// works in the zone of its base depot. With `report_missing_zone` false
/// (scenario.toml failed, so the zone's sources are unknown) a missing zone
/// drops the row without a second error.
pub fn read_engineers(
    loader: &mut Loader,
    table: &Table,
    depot_refs: &Refs<DepotIdx>,
    depots: &[Depot],
    report_missing_zone: bool,
) -> (Vec<Engineer>, BTreeMap<String, BreakRule>) {
    let rows = read_unique(
        loader,
        table,
        |(e, _): &(Engineer, Option<BreakRule>)| &e.id,
        |cells, loader| {
            let id = cells.text("id");
            let name = cells.optional_text("name").unwrap_or_default();
            let base = cells.reference("base", depot_refs);
            let rest = engineer_break(cells);
            let mut fields = Row { cells, loader };
            let shift = tier_and_engineer::engineer_shift(&mut fields, |fields| {
                // An unknown base is reported as such.
                let depot = &depots[base?.index()];
                if depot.tz.is_none() && report_missing_zone {
                    fields.report(
                        "tz",
                        Code::E1010EmptyValue,
                        format!(
                            "no time zone for the engineer's shift: base depot `{}` has no `tz`, scenario.toml no `timezone`, and there is no site to take a zone from",
                            depot.id
                        ),
                        "add a `tz` column to engineers.csv or depots.csv, or set `timezone` in scenario.toml".to_string(),
                    );
                }
                depot.tz
            });
            let (skills, shift) = shift?;
            let engineer = Engineer {
                id: id?.to_string(),
                name: name.to_string(),
                base: base?,
                skills,
                shift,
            };
            Some((engineer, rest?))
        },
    );
    let breaks = rows
        .iter()
        .filter_map(|(e, rest)| Some((e.id.clone(), (*rest)?)))
        .collect();
    (rows.into_iter().map(|(e, _)| e).collect(), breaks)
}

/// The optional `break` cell: `Some(None)` when empty or absent, `None`
/// (reported) when malformed.
pub(super) fn engineer_break(cells: &mut Cells<'_>) -> Option<Option<BreakRule>> {
    let Some(text) = cells.optional_text("break") else {
        return Some(None);
    };
    match text.parse::<BreakRule>() {
        Ok(rule) => Some(Some(rule)),
        Err(message) => {
            cells.error(
                "break",
                Code::E1022BadBreak,
                message,
                "write the break window and length, e.g. `12:00-14:00/45m`, or leave `break` empty for no break",
            );
            None
        }
    }
}
