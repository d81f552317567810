//! The road layer (`nodes.csv`, `roads.csv`), closures (`closures.csv`) and
//! duration matrices imported from routing engines (OSRM table JSON).

use super::Loader;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::geodesy::geodesic_km;
use crate::scenario::model::{Closure, ImportedMatrix, LatLon, Road, RoadNode};
use crate::scenario::ranges;
use crate::scenario::table::{Columns, Table};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

pub const NODE_COLUMNS: Columns = Columns {
    required: &["id", "lat", "lon"],
    optional: &["name"],
};
pub const ROAD_COLUMNS: Columns = Columns {
    required: &["from", "to", "km", "minutes"],
    optional: &["oneway", "name"],
};
pub const CLOSURE_COLUMNS: Columns = Columns {
    required: &["from", "to", "factor"],
    optional: &["note"],
};

/// Junction nodes; their ids must differ from depot and site ids.
pub fn read_nodes(loader: &mut Loader, table: &Table, taken: &HashSet<String>) -> Vec<RoadNode> {
    super::network::read_unique(
        loader,
        table,
        |n: &RoadNode| &n.id,
        |cells, _| {
            let id = cells.text("id");
            if let Some(id) = id.filter(|id| taken.contains(*id)) {
                cells.error(
                "id",
                Code::E1030DuplicateId,
                format!("`{id}` is already a depot or site id"),
                "give junction nodes ids of their own; depots and sites are graph nodes already",
            );
            }
            let lat = cells.bounded("lat", ranges::LATITUDE);
            let lon = cells.bounded("lon", ranges::LONGITUDE);
            Some(RoadNode {
                id: id?.to_string(),
                location: LatLon {
                    lat: lat?,
                    lon: lon?,
                },
            })
        },
    )
}

/// Road links between known places (depot, site or node ids).
/// `written` holds every id written in the place files, valid or not.
pub fn read_roads(
    loader: &mut Loader,
    table: &Table,
    places: &HashSet<String>,
    written: &HashSet<String>,
) -> Vec<Road> {
    table.read_rows(&mut loader.diagnostics, |cells| {
        let end = |cells: &mut crate::scenario::table::Cells<'_>, column: &str| {
            let id = cells.text(column)?;
            if written.contains(id) && !places.contains(id) {
                return None; // its own row was reported
            }
            if !places.contains(id) {
                cells.error(
                    column,
                    Code::E1031UnknownReference,
                    format!("unknown place `{id}`"),
                    "use a depot, site or nodes.csv id",
                );
                return None;
            }
            Some(id.to_string())
        };
        let from = end(cells, "from");
        let to = end(cells, "to");
        let km = cells.bounded("km", ranges::ROAD_KM);
        let minutes = match cells.optional_text("minutes") {
            None => Some(None),
            Some(_) => cells.bounded("minutes", ranges::ROAD_MINUTES).map(Some),
        };
        let oneway = cells.keyword_or(
            "oneway",
            false,
            &[
                ("yes", true),
                ("no", false),
                ("true", true),
                ("false", false),
            ],
        );
        let (from, to) = (from?, to?);
        if from == to {
            cells.error(
                "to",
                Code::E1032Inconsistent,
                format!("road from `{from}` to itself"),
                "a road links two different places",
            );
            return None;
        }
        Some(Road {
            from,
            to,
            km: km?,
            minutes: minutes?,
            oneway: oneway?,
        })
    })
}

/// Closures and slowdowns of existing road links.
/// `written_links` holds every link written in roads.csv, valid or not.
pub fn read_closures(
    loader: &mut Loader,
    table: &Table,
    roads: &[Road],
    written_links: &HashSet<(String, String)>,
) -> Vec<Closure> {
    let links: HashSet<(&str, &str)> = roads
        .iter()
        .flat_map(|r| {
            let forward = (r.from.as_str(), r.to.as_str());
            let backward = (r.to.as_str(), r.from.as_str());
            if r.oneway {
                vec![forward]
            } else {
                vec![forward, backward]
            }
        })
        .collect();
    let mut combined: HashMap<usize, f64> = HashMap::new();
    table.read_rows(&mut loader.diagnostics, |cells| {
        let from = cells.text("from");
        let to = cells.text("to");
        let factor = cells.bounded("factor", ranges::CLOSURE_FACTOR);
        let (from, to) = (from?, to?);
        let written = written_links.contains(&(from.to_string(), to.to_string()));
        if !links.contains(&(from, to)) && written {
            return None; // the road's own row was reported
        }
        if !links.contains(&(from, to)) {
            cells.error(
                "to",
                Code::E1031UnknownReference,
                format!("there is no road from `{from}` to `{to}`"),
                "name both ends of a link listed in roads.csv",
            );
            return None;
        }
        let factor = factor?;
        // Several closures of one road multiply; their product has the
        // range of one factor's, so that no road becomes infinitely slow.
        let mut over = None;
        for (i, road) in roads.iter().enumerate() {
            let forward = road.from == from && road.to == to;
            let backward = road.from == to && road.to == from && !road.oneway;
            if forward || backward {
                let combined = combined.entry(i).or_insert(1.0);
                *combined *= factor;
                if !ranges::CLOSURE_FACTOR.contains(*combined) {
                    over = Some(*combined);
                }
            }
        }
        if let Some(combined) = over {
            cells.error(
                "factor",
                Code::E1014OutOfRange,
                format!(
                    "the closures of this road so far multiply to {combined}, outside {}",
                    ranges::CLOSURE_FACTOR
                ),
                "several closures of one road multiply: give the road one closure row with the combined factor",
            );
            return None;
        }
        Some(Closure {
            from: from.to_string(),
            to: to.to_string(),
            factor,
        })
    })
}

/// How far an engine's snapped waypoint may lie from the place it stands for.
pub const SNAP_TOLERANCE_KM: f64 = 2.0;

#[derive(Deserialize)]
struct OsrmTable {
    durations: Vec<Vec<Option<f64>>>,
    sources: Vec<OsrmWaypoint>,
    destinations: Vec<OsrmWaypoint>,
}

#[derive(Deserialize)]
struct OsrmWaypoint {
    /// `[lon, lat]`, as OSRM writes it.
    location: Option<[f64; 2]>,
    /// Our extension: the depot or site id this waypoint stands for.
    id: Option<String>,
}

/// Parses an OSRM-style table (`durations` in seconds, `sources`,
/// `destinations`). Waypoints are matched to places by an `id` field when
/// given, else to the nearest place within [`SNAP_TOLERANCE_KM`].
pub fn parse_matrix(
    path: &Path,
    text: &str,
    places: &HashMap<String, LatLon>,
    diagnostics: &mut Diagnostics,
) -> Option<ImportedMatrix> {
    let table: OsrmTable = match serde_json::from_str(text) {
        Ok(table) => table,
        Err(error) => {
            diagnostics.push(
                Diagnostic::file(
                    Code::E1002Malformed,
                    path,
                    format!("not an OSRM table response: {error}"),
                    "give a JSON object with `durations` (seconds), `sources` and `destinations`",
                )
                .at(error.line() as u64, Some(error.column() as u64)),
            );
            return None;
        }
    };
    let errors_before = diagnostics.error_count();
    let mut error = |message: String, action: &str| {
        diagnostics.push(Diagnostic::file(
            Code::E1031UnknownReference,
            path,
            message,
            action,
        ));
    };
    let mut resolve = |list: &[OsrmWaypoint], name: &str| -> Vec<String> {
        let mut ids = Vec::with_capacity(list.len());
        for (i, waypoint) in list.iter().enumerate() {
            let id = match (&waypoint.id, waypoint.location) {
                (Some(id), _) if places.contains_key(id) => Some(id.clone()),
                (Some(id), _) => {
                    error(
                        format!("{name}[{i}] names unknown place `{id}`"),
                        "use a depot or site id",
                    );
                    None
                }
                (None, Some([lon, lat])) => {
                    let here = LatLon { lat, lon };
                    let nearest = places
                        .iter()
                        .map(|(id, at)| (geodesic_km(here, *at), id))
                        .min_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
                    match nearest {
                        Some((km, id)) if km <= SNAP_TOLERANCE_KM => Some(id.clone()),
                        _ => {
                            error(
                                format!(
                                    "{name}[{i}] at [{lon}, {lat}] is not within {SNAP_TOLERANCE_KM} km of any depot or site"
                                ),
                                "add an `id` field to the waypoint naming the depot or site it stands for",
                            );
                            None
                        }
                    }
                }
                (None, None) => {
                    error(
                        format!("{name}[{i}] has neither `id` nor `location`"),
                        "give each waypoint an `id` or a `location`",
                    );
                    None
                }
            };
            ids.extend(id);
        }
        ids
    };
    let sources = resolve(&table.sources, "sources");
    let destinations = resolve(&table.destinations, "destinations");
    let mut shape_error = |message: String| {
        diagnostics.push(Diagnostic::file(
            Code::E1002Malformed,
            path,
            message,
            "`durations` has one row per source and one column per destination, in seconds or null",
        ));
    };
    if table.durations.len() != table.sources.len() {
        shape_error(format!(
            "`durations` has {} rows for {} sources",
            table.durations.len(),
            table.sources.len()
        ));
    }
    let mut hours = Vec::with_capacity(table.durations.len());
    for (r, row) in table.durations.iter().enumerate() {
        if row.len() != table.destinations.len() {
            shape_error(format!(
                "`durations[{r}]` has {} values for {} destinations",
                row.len(),
                table.destinations.len()
            ));
        }
        let mut out = Vec::with_capacity(row.len());
        for (c, value) in row.iter().enumerate() {
            match value {
                Some(seconds) if ranges::MATRIX_SECONDS.contains(*seconds) => {
                    out.push(Some(seconds / 3600.0))
                }
                None => out.push(None),
                Some(seconds) => shape_error(format!(
                    "`durations[{r}][{c}]` = {seconds} is not a duration in seconds in {}",
                    ranges::MATRIX_SECONDS
                )),
            }
        }
        hours.push(out);
    }
    (diagnostics.error_count() == errors_before).then_some(ImportedMatrix {
        sources,
        destinations,
        hours,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> HashMap<String, LatLon> {
        HashMap::from([
            (
                "D1".to_string(),
                LatLon {
                    lat: 30.0,
                    lon: 104.0,
                },
            ),
            (
                "S1".to_string(),
                LatLon {
                    lat: 31.9,
                    lon: 102.2,
                },
            ),
        ])
    }

    #[test]
    fn osrm_tables_match_by_id_or_location() {
        let text = r#"{"code":"Ok","durations":[[0,36000.5],[null,0]],
            "sources":[{"location":[104.001,30.001],"name":"x"},{"id":"S1"}],
            "destinations":[{"id":"D1"},{"location":[102.2,31.9]}]}"#;
        let mut diagnostics = Diagnostics::new();
        let matrix = parse_matrix(Path::new("m.json"), text, &places(), &mut diagnostics).unwrap();
        assert_eq!(matrix.sources, vec!["D1", "S1"]);
        assert_eq!(matrix.destinations, vec!["D1", "S1"]);
        assert!((matrix.hours[0][1].unwrap() - 10.000139).abs() < 1e-5);
        assert_eq!(matrix.hours[1][0], None);
    }

    #[test]
    fn osrm_problems_are_reported() {
        let mut diagnostics = Diagnostics::new();
        let text =
            r#"{"durations":[[1,2]],"sources":[{"location":[0,0]}],"destinations":[{"id":"D1"}]}"#;
        assert!(parse_matrix(Path::new("m.json"), text, &places(), &mut diagnostics).is_none());
        let messages: Vec<_> = diagnostics.errors().map(|d| d.message.clone()).collect();
        assert!(messages[0].contains("sources[0]"), "{messages:?}");
        assert!(
            messages[1].contains("2 values for 1 destinations"),
            "{messages:?}"
        );
        let mut diagnostics = Diagnostics::new();
        assert!(
            parse_matrix(
                Path::new("m.json"),
                "{\n\"durations\": [",
                &places(),
                &mut diagnostics
            )
            .is_none()
        );
        assert_eq!(diagnostics.errors().next().unwrap().line, Some(2));
    }
}
