//! The network map: depots sized by stock value, sites coloured by tier and
//! by whether their SLA is met, a line from each site to its serving depot,
//! the road layer for orientation, and the sites no depot reaches in time
//! ringed in red.
//!
//! Projection: Lambert azimuthal equal-area centred on the middle of the
//! places, so areas (the depots' circles, the land) compare fairly and a
//! scenario anywhere on the globe projects without a special case. Under
//! it, the bundled Natural Earth coast, borders and provinces (see
//! [`crate::report::basemap`]), and a scale bar in kilometres.

use super::svg::{Svg, esc, num, percent, short_money};
use super::tier_class;
use crate::report::basemap::{self, Bounds};
use crate::report::view::{DepotState, MapView, SiteStatus};
use crate::scenario::LatLon;
use std::fmt::Write;

const WIDTH: f64 = 1000.0;
/// The map's width; the legend takes the rest.
const MAP_WIDTH: f64 = 780.0;
const MARGIN: f64 = 28.0;
/// Largest depot radius (the depot holding the most stock value).
const DEPOT_MAX_RADIUS: f64 = 20.0;
const DEPOT_MIN_RADIUS: f64 = 3.5;
const SITE_RADIUS: f64 = 3.0;
/// The mean Earth radius, km (the projection's sphere).
const EARTH_RADIUS_KM: f64 = 6371.0;

/// Lambert azimuthal equal-area on the sphere, fitted to the map's box.
struct Projection {
    /// Centre, radians.
    lat0: f64,
    lon0: f64,
    /// Pixels per km.
    scale: f64,
    /// Projected km at the map's left and top edges (inside the margin).
    left: f64,
    top: f64,
    height: f64,
}

impl Projection {
    fn fit(points: impl Iterator<Item = LatLon>) -> Projection {
        let (mut lat0, mut lat1, mut lon0, mut lon1) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        let mut any = false;
        for p in points {
            any = true;
            lat0 = lat0.min(p.lat);
            lat1 = lat1.max(p.lat);
            lon0 = lon0.min(p.lon);
            lon1 = lon1.max(p.lon);
        }
        if !any {
            (lat0, lat1, lon0, lon1) = (0.0, 1.0, 0.0, 1.0);
        }
        // Room around the outermost places, at least half a degree.
        let pad_lat = ((lat1 - lat0) * 0.04).max(0.5);
        let pad_lon = ((lon1 - lon0) * 0.04).max(0.5);
        let (lat0, lat1) = ((lat0 - pad_lat).max(-89.0), (lat1 + pad_lat).min(89.0));
        let (lon0, lon1) = (lon0 - pad_lon, lon1 + pad_lon);
        let mut projection = Projection {
            lat0: ((lat0 + lat1) / 2.0).to_radians(),
            lon0: ((lon0 + lon1) / 2.0).to_radians(),
            scale: 1.0,
            left: 0.0,
            top: 0.0,
            height: 0.0,
        };
        // The box's outline, projected, bounds the map.
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for i in 0..=16 {
            let t = f64::from(i) / 16.0;
            let lat = lat0 + (lat1 - lat0) * t;
            let lon = lon0 + (lon1 - lon0) * t;
            for p in [
                LatLon { lat, lon: lon0 },
                LatLon { lat, lon: lon1 },
                LatLon { lat: lat0, lon },
                LatLon { lat: lat1, lon },
            ] {
                let (x, y) = projection.km(p);
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
        projection.scale = (MAP_WIDTH - 2.0 * MARGIN) / (x1 - x0).max(1.0);
        projection.left = x0;
        projection.top = y1;
        projection.height = (y1 - y0) * projection.scale + 2.0 * MARGIN;
        projection
    }

    /// Projected km east and north of the centre.
    fn km(&self, p: LatLon) -> (f64, f64) {
        let (lat, dlon) = (p.lat.to_radians(), p.lon.to_radians() - self.lon0);
        let cos_c = self.lat0.sin() * lat.sin() + self.lat0.cos() * lat.cos() * dlon.cos();
        let k = (2.0 / (1.0 + cos_c).max(1e-9)).sqrt();
        (
            EARTH_RADIUS_KM * k * lat.cos() * dlon.sin(),
            EARTH_RADIUS_KM
                * k
                * (self.lat0.cos() * lat.sin() - self.lat0.sin() * lat.cos() * dlon.cos()),
        )
    }

    /// The point at projected km `(x, y)`.
    fn inverse_km(&self, x: f64, y: f64) -> LatLon {
        let (x, y) = (x / EARTH_RADIUS_KM, y / EARTH_RADIUS_KM);
        let rho = x.hypot(y);
        if rho < 1e-12 {
            return LatLon {
                lat: self.lat0.to_degrees(),
                lon: self.lon0.to_degrees(),
            };
        }
        let c = 2.0 * (rho / 2.0).min(1.0).asin();
        let lat = (c.cos() * self.lat0.sin() + y * c.sin() * self.lat0.cos() / rho)
            .clamp(-1.0, 1.0)
            .asin();
        let lon = self.lon0
            + (x * c.sin()).atan2(rho * self.lat0.cos() * c.cos() - y * self.lat0.sin() * c.sin());
        LatLon {
            lat: lat.to_degrees(),
            lon: lon.to_degrees(),
        }
    }

    fn xy(&self, p: LatLon) -> (f64, f64) {
        let (x, y) = self.km(p);
        (
            MARGIN + (x - self.left) * self.scale,
            MARGIN + (self.top - y) * self.scale,
        )
    }

    /// The latitude and longitude box the map's rectangle shows.
    fn bounds(&self) -> Bounds {
        let mut b = Bounds {
            south: 90.0,
            north: -90.0,
            west: 180.0,
            east: -180.0,
        };
        for i in 0..=16 {
            let t = f64::from(i) / 16.0;
            for (px, py) in [
                (MAP_WIDTH * t, 0.0),
                (MAP_WIDTH * t, self.height),
                (0.0, self.height * t),
                (MAP_WIDTH, self.height * t),
            ] {
                let p = self.inverse_km(
                    self.left + (px - MARGIN) / self.scale,
                    self.top - (py - MARGIN) / self.scale,
                );
                b.south = b.south.min(p.lat);
                b.north = b.north.max(p.lat);
                b.west = b.west.min(p.lon);
                b.east = b.east.max(p.lon);
            }
        }
        // A little beyond, so lines run off the edge instead of stopping short.
        Bounds {
            south: b.south - 0.3,
            north: b.north + 0.3,
            west: b.west - 0.3,
            east: b.east + 0.3,
        }
    }
}

/// The map as an SVG element.
pub fn render(map: &MapView, tiers: &[String], currency: &str) -> String {
    let projection = Projection::fit(
        map.depots
            .iter()
            .map(|d| d.location)
            .chain(map.sites.iter().map(|s| s.location)),
    );
    let height = projection
        .height
        .max(LEGEND_HEIGHT + 2.0 * tiers.len() as f64 * 18.0);
    let mut svg = Svg::new(WIDTH, height, "map", "Map of depots and customer sites");
    svg.raw(&format!(
        "<defs><clipPath id=\"map-clip\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/></clipPath></defs>",
        num(MAP_WIDTH),
        num(height)
    ));
    svg.rect(0.0, 0.0, MAP_WIDTH, height, "sea", None);
    svg.group("basemap", " clip-path=\"url(#map-clip)\"");
    base_layers(&mut svg, &projection);
    graticule(&mut svg, &projection);
    svg.end_group();
    scale_bar(&mut svg, &projection);

    svg.group("roads", "");
    for (from, to) in &map.roads {
        svg.line(projection.xy(*from), projection.xy(*to), "road");
    }
    svg.end_group();

    svg.group("links", "");
    for site in &map.sites {
        if let Some(d) = site.depot {
            svg.line(
                projection.xy(site.location),
                projection.xy(map.depots[d].location),
                &format!("link {}", tier_class(site.tier)),
            );
        }
    }
    svg.end_group();

    let clusters = clusters(map, &projection);
    let mut clustered = vec![false; map.sites.len()];
    for cluster in &clusters {
        for s in &cluster.members {
            clustered[*s] = true;
        }
    }
    svg.group("sites", "");
    for (index, site) in map.sites.iter().enumerate() {
        let at = projection.xy(site.location);
        let class = match site.status {
            SiteStatus::Met => format!("site met {}", tier_class(site.tier)),
            SiteStatus::BelowTarget => format!("site below {}", tier_class(site.tier)),
            SiteStatus::NotCovered | SiteStatus::Unreachable => {
                format!("site uncovered {}", tier_class(site.tier))
            }
            SiteStatus::NoDemand => "site nodemand".to_string(),
        };
        // A clustered site stays in the page (its tooltip, the tests'
        // count) as a small dot under its cluster's badge.
        let (class, r) = if clustered[index] {
            (format!("{class} clustered"), SITE_RADIUS * 0.55)
        } else {
            (class, SITE_RADIUS)
        };
        let serving = match (site.depot, site.travel_hours) {
            (Some(d), Some(h)) => format!("served by {} in {h:.2} h", map.depots[d].id),
            (Some(d), None) => format!("served by {}", map.depots[d].id),
            (None, _) => match site.status {
                SiteStatus::Unreachable => "no depot reaches it in time".to_string(),
                SiteStatus::NoDemand => "no installed base".to_string(),
                _ => "no open depot reaches it in time".to_string(),
            },
        };
        let mut tip = format!(
            "{} · {} · tier {}\n{serving}",
            site.id, site.customer, site.tier_id
        );
        if let Some(share) = site.on_time {
            tip.push_str(&format!("\nexpected on time {}", percent(share, 1)));
        }
        for (incident, status) in &site.incidents {
            tip.push_str(&format!("\nincident {incident}: {}", status.as_str()));
        }
        svg.circle(
            at,
            r,
            &class,
            &format!(
                " data-site=\"{}\" data-status=\"{}\"",
                esc(&site.id),
                site.status.as_str()
            ),
            Some(&tip),
        );
    }
    svg.end_group();

    let max_value = map
        .depots
        .iter()
        .map(|d| d.stock_value)
        .fold(0.0f64, f64::max);
    let radius = |value: f64| {
        if max_value > 0.0 {
            // Area proportional to stock value.
            DEPOT_MIN_RADIUS + (DEPOT_MAX_RADIUS - DEPOT_MIN_RADIUS) * (value / max_value).sqrt()
        } else {
            DEPOT_MIN_RADIUS
        }
    };
    let mut labels = Labels::default();
    svg.group("clusters", "");
    for cluster in &clusters {
        let r = cluster.radius();
        let tip = cluster.tip(map);
        svg.circle(
            cluster.at,
            r,
            &format!("cluster {}", cluster.class(map)),
            &format!(" data-cluster=\"{}\"", cluster.members.len()),
            Some(&tip),
        );
        svg.text(
            (cluster.at.0, cluster.at.1 + 3.5),
            "middle",
            "cluster-count",
            &cluster.members.len().to_string(),
        );
        labels.block_circle(cluster.at, r);
    }
    svg.end_group();

    svg.group("depots", "");
    // Large circles first, so small ones stay visible on top.
    let mut order: Vec<usize> = (0..map.depots.len()).collect();
    order.sort_by(|a, b| {
        map.depots[*b]
            .stock_value
            .total_cmp(&map.depots[*a].stock_value)
            .then(a.cmp(b))
    });
    for d in order {
        let depot = &map.depots[d];
        let state = match depot.state {
            DepotState::Open => "open",
            DepotState::NotOpened => "notopened",
            DepotState::Closed => "closed",
        };
        let tip = format!(
            "{} · {}\n{}\nstock {} units worth {} {currency}\nserves {} site(s)",
            depot.id,
            depot.name,
            match depot.state {
                DepotState::Open => "open",
                DepotState::NotOpened => "candidate, not opened",
                DepotState::Closed => "closed (excluded by the scenario)",
            },
            depot.stock_units,
            short_money(depot.stock_value),
            depot.sites_served
        );
        svg.circle(
            projection.xy(depot.location),
            radius(depot.stock_value),
            &format!("depot {state}"),
            &format!(
                " data-depot=\"{}\" data-state=\"{}\"",
                esc(&depot.id),
                depot.state.as_str()
            ),
            Some(&tip),
        );
    }
    svg.end_group();

    for depot in map.depots.iter().filter(|d| d.state == DepotState::Open) {
        labels.block_circle(projection.xy(depot.location), radius(depot.stock_value));
    }
    // Trouble on top of everything: unreachable and uncovered sites ringed,
    // the day's late and unassigned incidents flagged.
    let mut ring_labels = Vec::new();
    svg.group("trouble", "");
    for site in &map.sites {
        let (x, y) = projection.xy(site.location);
        let ring = match site.status {
            SiteStatus::Unreachable => Some("ring"),
            SiteStatus::NotCovered => Some("ring open"),
            _ => None,
        };
        if let Some(class) = ring {
            svg.circle((x, y), 8.5, class, "", None);
            labels.block_circle((x, y), 8.5);
            ring_labels.push(((x, y), site.id.as_str()));
        }
        if site
            .incidents
            .iter()
            .any(|(_, s)| *s != crate::dispatch::Status::OnTime)
        {
            let late: Vec<&str> = site
                .incidents
                .iter()
                .filter(|(_, s)| *s != crate::dispatch::Status::OnTime)
                .map(|(i, _)| i.as_str())
                .collect();
            svg.polygon(
                &[(x, y - 13.0), (x - 5.0, y - 5.0), (x + 5.0, y - 5.0)],
                "flag",
                Some(&format!(
                    "{}: late or unassigned {}",
                    site.id,
                    late.join(", ")
                )),
            );
        }
    }
    svg.end_group();

    // Rings first, so no label covers another ring.
    svg.group("ring-labels", "");
    for (at, id) in ring_labels {
        labels.place(&mut svg, at, 9.0, id, "ring-label");
    }
    svg.end_group();

    svg.group("depot-labels", "");
    // Most valuable depots are labelled first; a label that would overlap
    // one already placed tries the other sides, else is left to the tooltip.
    let mut open: Vec<&crate::report::view::MapDepot> = map
        .depots
        .iter()
        .filter(|d| d.state == DepotState::Open)
        .collect();
    open.sort_by(|a, b| {
        b.stock_value
            .total_cmp(&a.stock_value)
            .then(a.id.cmp(&b.id))
    });
    for depot in open {
        let at = projection.xy(depot.location);
        labels.place(
            &mut svg,
            at,
            radius(depot.stock_value),
            &depot.id,
            "depot-label",
        );
    }
    svg.end_group();

    legend(&mut svg, tiers, max_value, &radius, currency);
    svg.finish()
}

/// Placed labels and the marks they must not cover, to keep new labels
/// off them.
#[derive(Default)]
struct Labels {
    boxes: Vec<(f64, f64, f64, f64)>,
}

/// Approximate width of `text` at the labels' 10.5-11 px bold font: digits
/// and capitals run about 0.68 em (measured in Chromium with DejaVu Sans,
/// the widest common fallback), so the estimate errs wide.
fn label_width(text: &str) -> f64 {
    7.4 * text.chars().count() as f64
}

impl Labels {
    /// Keeps labels off a circle (a depot, a cluster badge).
    fn block_circle(&mut self, at: (f64, f64), r: f64) {
        self.boxes.push((
            at.0 - r * 0.7,
            at.1 - r * 0.7,
            at.0 + r * 0.7,
            at.1 + r * 0.7,
        ));
    }

    /// Writes `text` beside a mark of radius `r` at `at`: the first of eight
    /// positions (right, left, above, below, then the diagonals) that
    /// overlaps no label placed before and stays on the map; none if all do
    /// (the mark's tooltip still names it).
    fn place(&mut self, svg: &mut Svg, at: (f64, f64), r: f64, text: &str, class: &str) {
        let width = label_width(text);
        let height = 12.0;
        let (x, y) = at;
        let d = r * 0.75 + 2.0;
        let candidates = [
            (x + r + 2.0, y + 4.0, "start"),
            (x - r - 2.0, y + 4.0, "end"),
            (x, y - r - 3.0, "middle"),
            (x, y + r + 11.0, "middle"),
            (x + d, y - d, "start"),
            (x - d, y - d, "end"),
            (x + d, y + d + 8.0, "start"),
            (x - d, y + d + 8.0, "end"),
        ];
        for (tx, ty, anchor) in candidates {
            let left = match anchor {
                "start" => tx,
                "end" => tx - width,
                _ => tx - width / 2.0,
            };
            let rect = (left, ty - height + 2.0, left + width, ty + 3.0);
            let clear = self
                .boxes
                .iter()
                .all(|b| rect.2 <= b.0 || b.2 <= rect.0 || rect.3 <= b.1 || b.3 <= rect.1);
            if clear && rect.0 >= 0.0 && rect.2 <= MAP_WIDTH && rect.1 >= 0.0 {
                self.boxes.push(rect);
                svg.text((tx, ty), anchor, class, text);
                return;
            }
        }
    }
}

/// Sites close together on the map, drawn as one badge.
struct Cluster {
    at: (f64, f64),
    members: Vec<usize>,
}

/// Grid cells this many pixels wide gather their sites into a badge when
/// they hold at least [`CLUSTER_MIN`] of them.
const CLUSTER_CELL: f64 = 18.0;
const CLUSTER_MIN: usize = 3;

/// Gathers met, below-target and no-demand sites that crowd one grid cell;
/// sites in trouble always stay on their own, ringed and labelled.
fn clusters(map: &MapView, projection: &Projection) -> Vec<Cluster> {
    let mut cells: std::collections::BTreeMap<(i64, i64), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (index, site) in map.sites.iter().enumerate() {
        if matches!(
            site.status,
            SiteStatus::NotCovered | SiteStatus::Unreachable
        ) {
            continue;
        }
        let (x, y) = projection.xy(site.location);
        let cell = (
            (x / CLUSTER_CELL).floor() as i64,
            (y / CLUSTER_CELL).floor() as i64,
        );
        cells.entry(cell).or_default().push(index);
    }
    let centre = |members: &[usize]| {
        let n = members.len() as f64;
        let (sx, sy) = members.iter().fold((0.0, 0.0), |(sx, sy), s| {
            let (x, y) = projection.xy(map.sites[*s].location);
            (sx + x, sy + y)
        });
        (sx / n, sy / n)
    };
    let mut clusters: Vec<Cluster> = cells
        .into_values()
        .filter(|members| members.len() >= CLUSTER_MIN)
        .map(|members| Cluster {
            at: centre(&members),
            members,
        })
        .collect();
    // Badges that would touch become one, until none do: their counts
    // must stay readable.
    while let Some((i, j)) = touching(&clusters) {
        let absorbed = clusters.remove(j);
        clusters[i].members.extend(absorbed.members);
        clusters[i].members.sort_unstable();
        clusters[i].at = centre(&clusters[i].members);
    }
    clusters
}

/// The first two clusters whose badges touch, if any.
fn touching(clusters: &[Cluster]) -> Option<(usize, usize)> {
    for i in 0..clusters.len() {
        for j in i + 1..clusters.len() {
            let (a, b) = (&clusters[i], &clusters[j]);
            let gap = (a.at.0 - b.at.0).hypot(a.at.1 - b.at.1);
            if gap < a.radius() + b.radius() + 2.0 {
                return Some((i, j));
            }
        }
    }
    None
}

impl Cluster {
    /// Area grows with the number of sites.
    fn radius(&self) -> f64 {
        6.0 + 1.6 * (self.members.len() as f64).sqrt()
    }

    /// `below` when any member is on time under its target.
    fn class(&self, map: &MapView) -> &'static str {
        if self
            .members
            .iter()
            .any(|s| map.sites[*s].status == SiteStatus::BelowTarget)
        {
            "below"
        } else {
            "met"
        }
    }

    fn tip(&self, map: &MapView) -> String {
        let below = self
            .members
            .iter()
            .filter(|s| map.sites[**s].status == SiteStatus::BelowTarget)
            .count();
        let mut ids: Vec<&str> = self
            .members
            .iter()
            .map(|s| map.sites[*s].id.as_str())
            .collect();
        ids.sort_unstable();
        let shown = ids.len().min(12);
        let more = if ids.len() > shown {
            format!(" and {} more", ids.len() - shown)
        } else {
            String::new()
        };
        format!(
            "{} sites, {below} on time under target\n{}{more}",
            self.members.len(),
            ids[..shown].join(", ")
        )
    }
}

/// Land, provinces, borders and coast, each layer one path.
fn base_layers(svg: &mut Svg, projection: &Projection) {
    let base = basemap::base_map(projection.bounds());
    let layers: [(&str, &[Vec<LatLon>], bool); 4] = [
        ("land", &base.land, true),
        ("province", &base.provinces, false),
        ("border", &base.borders, false),
        ("coast", &base.coast, false),
    ];
    for (class, lines, closed) in layers {
        let d = path_data(projection, lines, closed);
        if !d.is_empty() {
            svg.raw(&format!("<path class=\"{class}\" d=\"{d}\"/>"));
        }
    }
}

/// SVG path data of `lines`, skipping points under half a pixel apart.
fn path_data(projection: &Projection, lines: &[Vec<LatLon>], closed: bool) -> String {
    let mut d = String::new();
    for line in lines {
        let mut last: Option<(f64, f64)> = None;
        let mut count = 0;
        for p in line {
            let at = projection.xy(*p);
            if let Some(l) = last {
                if (at.0 - l.0).abs() < 0.5 && (at.1 - l.1).abs() < 0.5 {
                    continue;
                }
            }
            let _ = write!(
                d,
                "{}{} {}",
                if count == 0 { "M" } else { "L" },
                num(at.0),
                num(at.1)
            );
            last = Some(at);
            count += 1;
        }
        if closed && count > 0 {
            d.push('Z');
        }
    }
    d
}

/// A bar of a round number of kilometres in the lower left corner.
fn scale_bar(svg: &mut Svg, projection: &Projection) {
    let target_km = 140.0 / projection.scale;
    let magnitude = 10f64.powf(target_km.log10().floor());
    let km = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .rfind(|km| *km <= target_km)
        .unwrap_or(magnitude);
    let length = km * projection.scale;
    let (x, y) = (12.0, projection.height - 14.0);
    svg.group("scale-bar", "");
    svg.rect(x - 4.0, y - 16.0, length + 60.0, 24.0, "scale-back", None);
    svg.rect(x, y - 3.0, length / 2.0, 5.0, "scale-dark", None);
    svg.rect(
        x + length / 2.0,
        y - 3.0,
        length / 2.0,
        5.0,
        "scale-light",
        None,
    );
    svg.text(
        (x + length + 6.0, y + 3.0),
        "start",
        "scale-label",
        &format!("{} km", km),
    );
    svg.text((x, y - 6.0), "start", "scale-label", "0");
    svg.end_group();
}

/// Meridians and parallels every 1, 2, 5 or 10 degrees, as projected lines.
fn graticule(svg: &mut Svg, projection: &Projection) {
    let b = projection.bounds();
    let span = (b.east - b.west).max(b.north - b.south);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(30.0);
    let mut lines = Vec::new();
    let mut lon = (b.west / step).ceil() * step;
    while lon <= b.east {
        lines.push(
            (0..=32)
                .map(|i| LatLon {
                    lat: b.south + (b.north - b.south) * f64::from(i) / 32.0,
                    lon,
                })
                .collect::<Vec<_>>(),
        );
        lon += step;
    }
    let mut lat = (b.south / step).ceil() * step;
    while lat <= b.north {
        lines.push(
            (0..=32)
                .map(|i| LatLon {
                    lat,
                    lon: b.west + (b.east - b.west) * f64::from(i) / 32.0,
                })
                .collect::<Vec<_>>(),
        );
        lat += step;
    }
    let d = path_data(projection, &lines, false);
    if !d.is_empty() {
        svg.raw(&format!("<path class=\"grid\" d=\"{d}\"/>"));
    }
}

/// Height of the legend without its tier rows.
const LEGEND_HEIGHT: f64 = 300.0;

fn legend(
    svg: &mut Svg,
    tiers: &[String],
    max_value: f64,
    radius: &dyn Fn(f64) -> f64,
    currency: &str,
) {
    let x = MAP_WIDTH + 14.0;
    let mark = x + DEPOT_MAX_RADIUS;
    let text_x = mark + DEPOT_MAX_RADIUS + 6.0;
    let mut y = 16.0;
    svg.group("legend", "");
    let label = |svg: &mut Svg, y: f64, text: &str| {
        svg.text((text_x, y + 4.0), "start", "legend-text", text);
    };
    svg.text((x, y), "start", "legend-title", "Depots");
    y += 8.0;
    if max_value > 0.0 {
        let r = radius(max_value);
        y += r;
        svg.circle((mark, y), r, "depot open", "", None);
        label(svg, y - 6.0, "open; area is");
        label(
            svg,
            y + 7.0,
            &format!("stock value ({} {currency})", short_money(max_value)),
        );
        y += r + 12.0;
    }
    svg.circle((mark, y), radius(0.0), "depot open", "", None);
    label(svg, y, "open, no stock");
    y += 18.0;
    svg.circle(
        (mark, y),
        DEPOT_MIN_RADIUS + 1.0,
        "depot notopened",
        "",
        None,
    );
    label(svg, y, "candidate, not opened");
    y += 18.0;
    svg.circle((mark, y), DEPOT_MIN_RADIUS + 1.0, "depot closed", "", None);
    label(svg, y, "closed");
    y += 28.0;
    svg.text((x, y), "start", "legend-title", "Sites, by tier");
    y += 18.0;
    for (i, tier) in tiers.iter().enumerate() {
        svg.circle(
            (mark, y),
            SITE_RADIUS + 1.0,
            &format!("site met {}", tier_class(i)),
            "",
            None,
        );
        label(svg, y, tier);
        y += 18.0;
    }
    svg.circle(
        (mark, y),
        SITE_RADIUS + 1.0,
        &format!("site below {}", tier_class(0)),
        "",
        None,
    );
    label(svg, y, "hollow: on time under target");
    y += 22.0;
    svg.circle((mark, y), 8.0, "ring", "", None);
    label(svg, y, "no depot reaches it in time");
    y += 22.0;
    svg.circle((mark, y), 8.0, "ring open", "", None);
    label(svg, y, "no open depot does");
    y += 22.0;
    svg.polygon(
        &[
            (mark, y - 7.0),
            (mark - 5.0, y + 2.0),
            (mark + 5.0, y + 2.0),
        ],
        "flag",
        None,
    );
    label(svg, y, "late or unassigned today");
    svg.end_group();
}
