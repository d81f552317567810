//! The network tables: depots, parts, sites, installed base, tiers, engineers.

use super::Loader;
use crate::calendar::{ClockWindow, WeekdaySet, parse_clock, parse_duration, parse_time_zone};
use crate::diagnostic::Code;
use crate::geodesy::geodesic_km;
use crate::scenario::model::{
    BusinessHours, Coverage, Depot, DepotIdx, DepotKind, DepotStatus, Engineer, Idx, InstalledUnit,
    LatLon, Part, PartIdx, Response, Shift, Site, SiteIdx, Tier, TierIdx,
};
use crate::scenario::ranges;
use crate::scenario::table::{Cells, Columns, Refs, Table, drop_duplicate_ids};
use chrono_tz::Tz;
use std::collections::HashMap;

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
    optional: &["repair_hours"],
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
    optional: &["days", "tz"],
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
            Some(Part {
                id: id?.to_string(),
                name: name.to_string(),
                unit_cost: unit_cost?,
                skill: skill?.to_string(),
                repair_hours: repair_hours?,
            })
        },
    )
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

/// Resolves a calendar column through the loader's resolver.
pub(super) fn calendar(
    cells: &mut Cells<'_>,
    loader: &mut Loader,
    column: &str,
) -> Option<std::sync::Arc<crate::calendar::HolidayCalendar>> {
    let spec = cells.optional_text(column).unwrap_or("none");
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

/// Whether a 24x7 tier's `window`, `days` or `calendar` only repeats what
/// 24x7 means (`00:00-24:00`, `mon-sun`, `none`), as a 24x7 engineer's may.
pub fn says_around_the_clock(column: &str, value: &str) -> bool {
    match column {
        "window" => value.parse::<ClockWindow>() == Ok(ClockWindow::ALL_DAY),
        "days" => value.parse::<WeekdaySet>() == Ok(WeekdaySet::ALL),
        "calendar" => value.eq_ignore_ascii_case("none"),
        _ => false,
    }
}

pub fn read_tiers(loader: &mut Loader, table: &Table) -> Vec<Tier> {
    read_unique(
        loader,
        table,
        |t: &Tier| &t.id,
        |cells, loader| {
            let id = cells.text("id");
            let all_hours = cells.keyword("coverage", &[("24x7", true), ("business", false)]);
            let response = cells.parse("response", Code::E1018BadDuration, |text| {
                if text == "nbd" {
                    Ok(None)
                } else {
                    parse_duration(text)
                        .map(Some)
                        .map_err(|message| format!("{message}, or `nbd` for next business day"))
                }
            });
            let target = cells.bounded("target", ranges::SHARE);
            let penalty = cells.bounded("penalty", ranges::MONEY);
            let cutoff = cells.parse_or("cutoff", None, Code::E1017BadTimeWindow, |text| {
                parse_clock(text)
                    .map(Some)
                    .ok_or_else(|| format!("`{text}` is not a time of day HH:MM"))
            });
            let coverage = match all_hours? {
                true => {
                    for column in ["window", "days", "calendar"] {
                        if let Some(value) = cells
                            .optional_text(column)
                            .filter(|value| !says_around_the_clock(column, value))
                        {
                            cells.error(
                            column,
                            Code::E1032Inconsistent,
                            format!("a 24x7 tier runs around the clock, but `{column}` is `{value}`"),
                            format!("leave `{column}` empty for 24x7 tiers, or make the tier `business`"),
                        );
                        }
                    }
                    Coverage::AllHours
                }
                false => {
                    let window = cells.parse("window", Code::E1017BadTimeWindow, |t| {
                        t.parse::<ClockWindow>()
                    });
                    let days =
                        cells.parse_or("days", WeekdaySet::MON_FRI, Code::E1020BadWeekdays, |t| {
                            t.parse()
                        });
                    let calendar = calendar(cells, loader, "calendar");
                    Coverage::Business(BusinessHours {
                        window: window?,
                        days: days?,
                        calendar: calendar?,
                    })
                }
            };
            let response = match (response?, &coverage) {
                (Some(duration), _) => {
                    if cutoff?.is_some() {
                        cells.error(
                            "cutoff",
                            Code::E1032Inconsistent,
                            "a cut-off only applies to `nbd` responses",
                            "leave `cutoff` empty for tiers with a duration",
                        );
                    }
                    Response::Within(duration)
                }
                (None, Coverage::AllHours) => {
                    cells.error(
                        "response",
                        Code::E1032Inconsistent,
                        "`nbd` needs business days, but the tier is 24x7",
                        "give 24x7 tiers a duration such as 4h",
                    );
                    return None;
                }
                (None, Coverage::Business(_)) => Response::NextBusinessDay {
                    cutoff_minute: cutoff?,
                },
            };
            Some(Tier {
                id: id?.to_string(),
                coverage,
                response,
                target: target?,
                penalty: penalty?,
            })
        },
    )
}

/// Engineers; one without `tz` works in the zone of its base depot. With
/// `report_missing_zone` false (scenario.toml failed, so the zone's sources
/// are unknown) a missing zone drops the row without a second error.
pub fn read_engineers(
    loader: &mut Loader,
    table: &Table,
    depot_refs: &Refs<DepotIdx>,
    depots: &[Depot],
    report_missing_zone: bool,
) -> Vec<Engineer> {
    read_unique(
        loader,
        table,
        |e: &Engineer| &e.id,
        |cells, loader| {
            let id = cells.text("id");
            let name = cells.optional_text("name").unwrap_or_default();
            let base = cells.reference("base", depot_refs);
            let skills = cells.text("skills").map(|text| {
                text.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            });
            if skills.as_ref().is_some_and(Vec::is_empty) {
                cells.error(
                    "skills",
                    Code::E1010EmptyValue,
                    "no skill given",
                    "list the engineer's skills separated by `;`, e.g. `router;switch`",
                );
            }
            let shift = super::shifts::shift_window(cells, "shift");
            let around_the_clock = matches!(shift, Some((_, true)));
            let window = shift.map(|(window, _)| window);
            let default_days = if around_the_clock {
                WeekdaySet::ALL
            } else {
                WeekdaySet::MON_FRI
            };
            let days = cells.parse_or("days", default_days, Code::E1020BadWeekdays, |t| t.parse());
            let calendar = calendar(cells, loader, "calendar");
            let tz = match (cells.optional_text("tz"), base) {
                (Some(_), _) => time_zone(cells, "tz"),
                (None, Some(base)) => {
                    let depot = &depots[base.index()];
                    if depot.tz.is_none() && report_missing_zone {
                        cells.error(
                            "tz",
                            Code::E1010EmptyValue,
                            format!(
                                "no time zone for the engineer's shift: base depot `{}` has no `tz`, scenario.toml no `timezone`, and there is no site to take a zone from",
                                depot.id
                            ),
                            "add a `tz` column to engineers.csv or depots.csv, or set `timezone` in scenario.toml",
                        );
                    }
                    depot.tz
                }
                // The base is unknown and reported as such.
                (None, None) => None,
            };
            Some(Engineer {
                id: id?.to_string(),
                name: name.to_string(),
                base: base?,
                skills: skills?,
                shift: Shift {
                    window: window?,
                    days: days?,
                    calendar: calendar?,
                    tz: tz?,
                },
            })
        },
    )
}
