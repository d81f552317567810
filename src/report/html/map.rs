//! The network map: depots sized by stock value, sites coloured by tier and
//! by whether their SLA is met, a line from each site to its serving depot,
//! the road layer for orientation, and the sites no depot reaches in time
//! ringed in red.
//!
//! Projection: equirectangular with longitudes scaled by the cosine of the
//! middle latitude, so distances look right near the middle of the map
//! (enough for a country; not a survey map).

use super::svg::{Svg, esc, percent, short_money};
use super::tier_class;
use crate::report::view::{DepotState, MapView, SiteStatus};
use crate::scenario::LatLon;

const WIDTH: f64 = 1000.0;
/// The map's width; the legend takes the rest.
const MAP_WIDTH: f64 = 780.0;
const MARGIN: f64 = 28.0;
/// Largest depot radius (the depot holding the most stock value).
const DEPOT_MAX_RADIUS: f64 = 20.0;
const DEPOT_MIN_RADIUS: f64 = 3.5;
const SITE_RADIUS: f64 = 3.0;

struct Projection {
    lon0: f64,
    lat1: f64,
    scale: f64,
    cos: f64,
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
        let (lat0, lat1) = (lat0 - pad_lat, lat1 + pad_lat);
        let (lon0, lon1) = (lon0 - pad_lon, lon1 + pad_lon);
        let cos = ((lat0 + lat1) / 2.0).to_radians().cos().max(0.2);
        let scale = (MAP_WIDTH - 2.0 * MARGIN) / ((lon1 - lon0) * cos);
        let height = (lat1 - lat0) * scale + 2.0 * MARGIN;
        Projection {
            lon0,
            lat1,
            scale,
            cos,
            height,
        }
    }

    fn xy(&self, p: LatLon) -> (f64, f64) {
        (
            MARGIN + (p.lon - self.lon0) * self.cos * self.scale,
            MARGIN + (self.lat1 - p.lat) * self.scale,
        )
    }

    fn lon_at(&self, x: f64) -> f64 {
        self.lon0 + (x - MARGIN) / (self.cos * self.scale)
    }

    fn lat_at(&self, y: f64) -> f64 {
        self.lat1 - (y - MARGIN) / self.scale
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
    svg.rect(0.0, 0.0, MAP_WIDTH, height, "sea", None);
    graticule(&mut svg, &projection);

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

    svg.group("sites", "");
    for site in &map.sites {
        let at = projection.xy(site.location);
        let class = match site.status {
            SiteStatus::Met => format!("site met {}", tier_class(site.tier)),
            SiteStatus::BelowTarget => format!("site below {}", tier_class(site.tier)),
            SiteStatus::NotCovered | SiteStatus::Unreachable => {
                format!("site uncovered {}", tier_class(site.tier))
            }
            SiteStatus::NoDemand => "site nodemand".to_string(),
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
            SITE_RADIUS,
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

    // Trouble on top of everything: unreachable and uncovered sites ringed,
    // the day's late and unassigned incidents flagged.
    let mut labels = Labels::default();
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
            labels.place(&mut svg, (x, y), 9.0, &site.id, "ring-label");
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

/// Placed labels, to keep new ones off them.
#[derive(Default)]
struct Labels {
    boxes: Vec<(f64, f64, f64, f64)>,
}

impl Labels {
    /// Writes `text` beside a mark of radius `r` at `at`: right, left,
    /// above or below, whichever overlaps no label placed before; none if
    /// all do.
    fn place(&mut self, svg: &mut Svg, at: (f64, f64), r: f64, text: &str, class: &str) {
        // About 6.5 px per character at the labels' 10-11 px bold font.
        let width = 6.5 * text.chars().count() as f64;
        let height = 11.0;
        let (x, y) = at;
        let candidates = [
            (x + r + 2.0, y + 4.0, "start"),
            (x - r - 2.0, y + 4.0, "end"),
            (x, y - r - 3.0, "middle"),
            (x, y + r + 11.0, "middle"),
        ];
        for (tx, ty, anchor) in candidates {
            let left = match anchor {
                "start" => tx,
                "end" => tx - width,
                _ => tx - width / 2.0,
            };
            let rect = (left, ty - height + 2.0, left + width, ty + 2.0);
            let clear = self
                .boxes
                .iter()
                .all(|b| rect.2 <= b.0 || b.2 <= rect.0 || rect.3 <= b.1 || b.3 <= rect.1);
            if clear && rect.0 >= 0.0 && rect.2 <= MAP_WIDTH {
                self.boxes.push(rect);
                svg.text((tx, ty), anchor, class, text);
                return;
            }
        }
    }
}

fn graticule(svg: &mut Svg, projection: &Projection) {
    let west = projection.lon_at(0.0);
    let east = projection.lon_at(MAP_WIDTH);
    let north = projection.lat_at(0.0);
    let south = projection.lat_at(projection.height);
    svg.group("graticule", "");
    let step = 5.0;
    let mut lon = (west / step).ceil() * step;
    while lon <= east {
        let (x, _) = projection.xy(LatLon { lat: 0.0, lon });
        svg.line((x, 0.0), (x, projection.height), "grid");
        svg.text(
            (x + 3.0, projection.height - 6.0),
            "start",
            "grid-label",
            &format!("{}°{}", lon.abs(), if lon >= 0.0 { "E" } else { "W" }),
        );
        lon += step;
    }
    let mut lat = (south / step).ceil() * step;
    while lat <= north {
        let (_, y) = projection.xy(LatLon { lat, lon: 0.0 });
        svg.line((0.0, y), (MAP_WIDTH, y), "grid");
        svg.text(
            (MAP_WIDTH - 4.0, y - 3.0),
            "end",
            "grid-label",
            &format!("{}°{}", lat.abs(), if lat >= 0.0 { "N" } else { "S" }),
        );
        lat += step;
    }
    svg.end_group();
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
