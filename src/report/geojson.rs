//! GeoJSON (RFC 7946) of plans and dispatches, for QGIS, kepler.gl and the
//! like: one FeatureCollection whose features carry a `layer` property
//! (`depot`, `site`, `assignment`, `incident`, `route`) to filter or style
//! by. Coordinates are `[longitude, latitude]` in WGS84, as the RFC says.

use super::DispatchSummary;
use super::plan::DepotTotals;
use super::schema::plan::PlanSummary;
use crate::dispatch::{Dispatch, Mode, Status};
use crate::plan::Plan;
use crate::scenario::{Depot, DepotKind, DepotStatus, LatLon, Scenario};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use serde_json::json;
use std::collections::BTreeSet;

fn position(p: LatLon) -> [f64; 2] {
    [p.lon, p.lat]
}

fn feature(id: String, value: GeometryValue, properties: JsonValue) -> Feature {
    let properties: JsonObject = match properties {
        JsonValue::Object(map) => map,
        _ => JsonObject::new(),
    };
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(value)),
        id: Some(geojson::feature::Id::String(id)),
        properties: Some(properties),
        foreign_members: None,
    }
}

fn kind(depot: &Depot) -> &'static str {
    match depot.kind {
        DepotKind::Central => "central",
        DepotKind::Regional => "regional",
        DepotKind::Forward => "forward",
    }
}

fn status(depot: &Depot) -> &'static str {
    match depot.status {
        DepotStatus::Open => "open",
        DepotStatus::Candidate => "candidate",
        DepotStatus::Closed => "closed",
    }
}

/// A plan: every depot (open or not, with its stock), every site (with its
/// serving depot, or why it has none) and a line from each served site to
/// its depot.
pub fn plan_geojson(scenario: &Scenario, plan: &Plan) -> FeatureCollection {
    let totals = DepotTotals::of(scenario, plan);
    let summary = PlanSummary::of(scenario, plan);
    let unreachable: BTreeSet<&str> = summary
        .unreachable_sites
        .iter()
        .map(|s| s.site.as_str())
        .collect();
    let mut features = Vec::new();
    for (d, depot) in scenario.depots.iter().enumerate() {
        features.push(feature(
            format!("depot:{}", depot.id),
            GeometryValue::new_point(position(depot.location)),
            json!({
                "layer": "depot",
                "id": depot.id,
                "name": depot.name,
                "kind": kind(depot),
                "status": status(depot),
                "open": plan.open[d],
                "fixed_cost": depot.fixed_cost,
                "stock_units": totals.units[d],
                "stock_value": totals.value[d].round(),
                "sites_served": totals.served[d],
            }),
        ));
    }
    for site_model in &plan.model.sites {
        let s = site_model.site;
        let site = scenario.site(s);
        let primary = plan.assignment.primary[s.index()];
        let hours = primary
            .and_then(|d| site_model.reach.iter().find(|r| r.depot == d))
            .map(|r| (r.hours * 100.0).round() / 100.0);
        let depot_id =
            |d: Option<crate::scenario::DepotIdx>| d.map(|d| scenario.depot(d).id.clone());
        let coverage = if primary.is_some() {
            "served"
        } else if unreachable.contains(site.id.as_str()) {
            "unreachable"
        } else if site_model.demand.is_empty() {
            "no_demand"
        } else {
            "no_open_depot_in_reach"
        };
        features.push(feature(
            format!("site:{}", site.id),
            GeometryValue::new_point(position(site.location)),
            json!({
                "layer": "site",
                "id": site.id,
                "customer": site.customer,
                "tier": scenario.tier(site.tier).id,
                "region": site.region,
                "failures_per_year": (site_model.total_demand() * 1e6).round() / 1e6,
                "allowed_hours": site_model.allowed_hours,
                "coverage": coverage,
                "depot": depot_id(primary),
                "travel_hours": hours,
                "backup_depot": depot_id(plan.assignment.backup[s.index()]),
            }),
        ));
        if let Some(d) = primary {
            features.push(feature(
                format!("assignment:{}", site.id),
                GeometryValue::new_line_string([
                    position(site.location),
                    position(scenario.depot(d).location),
                ]),
                json!({
                    "layer": "assignment",
                    "site": site.id,
                    "depot": scenario.depot(d).id,
                    "tier": scenario.tier(site.tier).id,
                    "travel_hours": hours,
                }),
            ));
        }
    }
    FeatureCollection::new(features)
}

/// A dispatch: the depots, each incident at its site (status, times,
/// reason), a line from each incident's source depot to its site, and each
/// engineer's route from base through the depots where parts are collected
/// to the sites in order.
pub fn dispatch_geojson(scenario: &Scenario, dispatch: &Dispatch) -> FeatureCollection {
    let summary = DispatchSummary::of(scenario, dispatch);
    let mut features = Vec::new();
    for depot in &scenario.depots {
        features.push(feature(
            format!("depot:{}", depot.id),
            GeometryValue::new_point(position(depot.location)),
            json!({
                "layer": "depot",
                "id": depot.id,
                "name": depot.name,
                "kind": kind(depot),
                "status": status(depot),
            }),
        ));
    }
    for (assignment, line) in dispatch.assignments.iter().zip(&summary.lines) {
        let incident = &dispatch.incidents[assignment.incident];
        let site = scenario.site(incident.site);
        let empty_to_null = |text: &str| (!text.is_empty()).then(|| text.to_string());
        features.push(feature(
            format!("incident:{}", incident.id),
            GeometryValue::new_point(position(site.location)),
            json!({
                "layer": "incident",
                "id": incident.id,
                "site": site.id,
                "part": scenario.part(incident.part).id,
                "tier": scenario.tier(site.tier).id,
                "engineer": empty_to_null(&line.engineer),
                "source_depot": empty_to_null(&line.source_depot),
                "mode": empty_to_null(&line.mode),
                "depart": empty_to_null(&line.depart),
                "arrive": empty_to_null(&line.arrive),
                "deadline": line.deadline,
                "slack_minutes": line.slack_minutes,
                "status": line.status.as_str(),
                "reason": line.reason,
            }),
        ));
        if let Some((_, visit)) = &assignment.visit {
            let depot = scenario.depot(visit.job.depot);
            features.push(feature(
                format!("assignment:{}", incident.id),
                GeometryValue::new_line_string([position(depot.location), position(site.location)]),
                json!({
                    "layer": "assignment",
                    "incident": incident.id,
                    "depot": depot.id,
                    "site": site.id,
                    "mode": visit.job.mode.as_str(),
                    "status": line.status.as_str(),
                }),
            ));
        }
    }
    for (e, route) in dispatch.routes.iter().enumerate() {
        let Some(&first) = route.first() else {
            continue;
        };
        let engineer = &scenario.engineers[e];
        let mut coordinates = vec![position(scenario.depot(engineer.base).location)];
        let mut incidents = Vec::new();
        let mut late = 0;
        for &k in route {
            let assignment = &dispatch.assignments[k];
            let Some((_, visit)) = &assignment.visit else {
                continue;
            };
            if visit.job.mode == Mode::EngineerPickup {
                coordinates.push(position(scenario.depot(visit.job.depot).location));
            }
            coordinates.push(position(scenario.site(dispatch.incidents[k].site).location));
            incidents.push(dispatch.incidents[k].id.clone());
            late += usize::from(assignment.status == Status::Late);
        }
        let start = summary.lines[first].depart.clone();
        features.push(feature(
            format!("route:{}", engineer.id),
            GeometryValue::new_line_string(coordinates),
            json!({
                "layer": "route",
                "engineer": engineer.id,
                "name": engineer.name,
                "base": scenario.depot(engineer.base).id,
                "stops": incidents.len(),
                "incidents": incidents,
                "late": late,
                "depart": start,
            }),
        ));
    }
    FeatureCollection::new(features)
}

/// The report's map as layers: `depot`, `site` (with its status on the
/// map), `link` (site to serving depot) and the base map's `land`,
/// `coast`, `border` and `province` outlines around the places (a degree
/// beyond them), so a GIS draws what the page draws.
pub fn map_geojson(map: &crate::report::view::MapView) -> FeatureCollection {
    let mut features = Vec::new();
    for depot in &map.depots {
        features.push(feature(
            format!("depot:{}", depot.id),
            GeometryValue::new_point(position(depot.location)),
            json!({
                "layer": "depot",
                "id": depot.id,
                "name": depot.name,
                "state": depot.state.as_str(),
                "stock_units": depot.stock_units,
                "stock_value": depot.stock_value.round(),
                "sites_served": depot.sites_served,
            }),
        ));
    }
    for site in &map.sites {
        features.push(feature(
            format!("site:{}", site.id),
            GeometryValue::new_point(position(site.location)),
            json!({
                "layer": "site",
                "id": site.id,
                "customer": site.customer,
                "tier": site.tier_id,
                "status": site.status.as_str(),
                "depot": site.depot.map(|d| map.depots[d].id.clone()),
                "travel_hours": site.travel_hours,
                "on_time": site.on_time,
            }),
        ));
        if let Some(d) = site.depot {
            features.push(feature(
                format!("link:{}", site.id),
                GeometryValue::new_line_string([
                    position(site.location),
                    position(map.depots[d].location),
                ]),
                json!({"layer": "link", "site": site.id, "depot": map.depots[d].id}),
            ));
        }
    }
    let places = map
        .depots
        .iter()
        .map(|d| d.location)
        .chain(map.sites.iter().map(|s| s.location));
    let bounds = places.fold(None::<crate::report::basemap::Bounds>, |b, p| {
        Some(match b {
            None => crate::report::basemap::Bounds {
                south: p.lat,
                north: p.lat,
                west: p.lon,
                east: p.lon,
            },
            Some(b) => crate::report::basemap::Bounds {
                south: b.south.min(p.lat),
                north: b.north.max(p.lat),
                west: b.west.min(p.lon),
                east: b.east.max(p.lon),
            },
        })
    });
    if let Some(b) = bounds {
        let base = crate::report::basemap::base_map(crate::report::basemap::Bounds {
            south: b.south - 1.0,
            north: b.north + 1.0,
            west: b.west - 1.0,
            east: b.east + 1.0,
        });
        let lines = |lines: &[Vec<LatLon>]| -> Vec<Vec<[f64; 2]>> {
            lines
                .iter()
                .map(|l| l.iter().map(|p| position(*p)).collect())
                .collect()
        };
        features.push(feature(
            "base:land".to_string(),
            GeometryValue::new_multi_polygon(lines(&base.land).into_iter().map(|ring| vec![ring])),
            json!({"layer": "land", "source": "Natural Earth (public domain)"}),
        ));
        for (layer, outline) in [
            ("coast", &base.coast),
            ("border", &base.borders),
            ("province", &base.provinces),
        ] {
            features.push(feature(
                format!("base:{layer}"),
                GeometryValue::new_multi_line_string(lines(outline)),
                json!({"layer": layer, "source": "Natural Earth (public domain)"}),
            ));
        }
    }
    FeatureCollection::new(features)
}

/// The collection as one line of JSON and a newline.
pub fn geojson_text(collection: &FeatureCollection) -> serde_json::Result<String> {
    let mut text = serde_json::to_string(collection)?;
    text.push('\n');
    Ok(text)
}
