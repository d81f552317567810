//! The base map under the report's network map: coast, land, country
//! borders and provinces (Natural Earth 1:10m admin-1, public domain,
//! simplified to about a kilometre; see data/basemap/README.md), bundled in
//! the binary and cut to the map's bounding box at render time, so a
//! scenario anywhere in the world gets its outlines without a network.
//!
//! Longitudes are taken as they are: a box across the antimeridian gets the
//! outlines of one side only.

use crate::scenario::LatLon;
use std::sync::OnceLock;

/// The bundled outlines (about 0.8 MB of delta-coded text).
const NATURAL_EARTH: &str = include_str!("../../data/basemap/natural_earth.txt");

/// Which kind of outline a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// Where land meets sea (closed lines are also the land polygons).
    Coast,
    /// Between two countries.
    Border,
    /// Between two provinces or states of one country.
    Province,
}

/// A latitude and longitude box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub south: f64,
    pub north: f64,
    pub west: f64,
    pub east: f64,
}

impl Bounds {
    fn contains(&self, p: LatLon) -> bool {
        (self.south..=self.north).contains(&p.lat) && (self.west..=self.east).contains(&p.lon)
    }

    /// Whether the segment's own box touches this box (cheap and generous).
    fn touches_segment(&self, a: LatLon, b: LatLon) -> bool {
        a.lat.max(b.lat) >= self.south
            && a.lat.min(b.lat) <= self.north
            && a.lon.max(b.lon) >= self.west
            && a.lon.min(b.lon) <= self.east
    }
}

/// The outlines inside one box.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BaseMap {
    /// Land polygons, cut to the box.
    pub land: Vec<Vec<LatLon>>,
    pub coast: Vec<Vec<LatLon>>,
    pub borders: Vec<Vec<LatLon>>,
    pub provinces: Vec<Vec<LatLon>>,
}

struct Line {
    layer: Layer,
    points: Vec<LatLon>,
    closed: bool,
}

fn world() -> &'static [Line] {
    static WORLD: OnceLock<Vec<Line>> = OnceLock::new();
    WORLD.get_or_init(|| parse(NATURAL_EARTH))
}

/// Reads the bundled format: a layer letter, then lon,lat pairs in
/// hundredths of a degree, the first absolute and the rest differences.
/// The text is built by data/basemap/build_basemap.py and checked by a
/// test, so a line it cannot read is skipped rather than reported.
fn parse(text: &str) -> Vec<Line> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Line> {
    let mut fields = line.split(' ');
    let layer = match fields.next()? {
        "c" => Layer::Coast,
        "b" => Layer::Border,
        "p" => Layer::Province,
        _ => return None,
    };
    let (mut x, mut y) = (0i64, 0i64);
    let mut points = Vec::new();
    for pair in fields {
        let (dx, dy) = pair.split_once(',')?;
        x += dx.parse::<i64>().ok()?;
        y += dy.parse::<i64>().ok()?;
        points.push(LatLon {
            lat: y as f64 / 100.0,
            lon: x as f64 / 100.0,
        });
    }
    let closed = points.len() > 3 && points.first() == points.last();
    Some(Line {
        layer,
        points,
        closed,
    })
}

/// The outlines that cross `bounds`.
pub fn base_map(bounds: Bounds) -> BaseMap {
    let mut map = BaseMap::default();
    for line in world() {
        if !line
            .points
            .windows(2)
            .any(|w| bounds.touches_segment(w[0], w[1]))
        {
            continue;
        }
        let pieces = cut_line(&line.points, bounds);
        match line.layer {
            Layer::Coast => {
                if line.closed {
                    let land = clip_ring(&line.points, bounds);
                    if land.len() >= 3 {
                        map.land.push(land);
                    }
                }
                map.coast.extend(pieces);
            }
            Layer::Border => map.borders.extend(pieces),
            Layer::Province => map.provinces.extend(pieces),
        }
    }
    map
}

/// The runs of a line whose segments touch the box, each with the points
/// just outside it so the run reaches the edge.
fn cut_line(points: &[LatLon], bounds: Bounds) -> Vec<Vec<LatLon>> {
    let mut pieces = Vec::new();
    let mut run: Vec<LatLon> = Vec::new();
    for w in points.windows(2) {
        if bounds.touches_segment(w[0], w[1]) {
            if run.is_empty() {
                run.push(w[0]);
            }
            run.push(w[1]);
        } else if !run.is_empty() {
            pieces.push(std::mem::take(&mut run));
        }
    }
    if run.len() >= 2 {
        pieces.push(run);
    }
    pieces
}

/// Sutherland-Hodgman against the box: a concave ring may come back with
/// edges along the box's sides, which the map's own clip hides.
fn clip_ring(ring: &[LatLon], bounds: Bounds) -> Vec<LatLon> {
    if ring.iter().all(|p| bounds.contains(*p)) {
        return ring.to_vec();
    }
    type Inside = fn(LatLon, &Bounds) -> bool;
    type Cross = fn(LatLon, LatLon, &Bounds) -> LatLon;
    let edges: [(Inside, Cross); 4] = [
        (|p, b| p.lon >= b.west, |a, c, b| at_lon(a, c, b.west)),
        (|p, b| p.lon <= b.east, |a, c, b| at_lon(a, c, b.east)),
        (|p, b| p.lat >= b.south, |a, c, b| at_lat(a, c, b.south)),
        (|p, b| p.lat <= b.north, |a, c, b| at_lat(a, c, b.north)),
    ];
    let mut output: Vec<LatLon> = ring.to_vec();
    for (inside, cross) in edges {
        let input = std::mem::take(&mut output);
        let Some(mut previous) = input.last().copied() else {
            break;
        };
        for current in input {
            match (inside(current, &bounds), inside(previous, &bounds)) {
                (true, true) => output.push(current),
                (true, false) => {
                    output.push(cross(previous, current, &bounds));
                    output.push(current);
                }
                (false, true) => output.push(cross(previous, current, &bounds)),
                (false, false) => {}
            }
            previous = current;
        }
    }
    output
}

fn at_lon(a: LatLon, b: LatLon, lon: f64) -> LatLon {
    LatLon {
        lat: a.lat + (b.lat - a.lat) * (lon - a.lon) / (b.lon - a.lon),
        lon,
    }
}

fn at_lat(a: LatLon, b: LatLon, lat: f64) -> LatLon {
    LatLon {
        lat,
        lon: a.lon + (b.lon - a.lon) * (lat - a.lat) / (b.lat - a.lat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_line_is_read() {
        let lines = NATURAL_EARTH
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert_eq!(world().len(), lines);
        assert!(world().iter().all(|l| l.points.len() >= 2));
    }

    fn around(lat: f64, lon: f64, half: f64) -> Bounds {
        Bounds {
            south: lat - half,
            north: lat + half,
            west: lon - half,
            east: lon + half,
        }
    }

    #[test]
    fn germany_has_coast_borders_and_states() {
        let map = base_map(around(51.0, 10.0, 4.0));
        assert!(!map.land.is_empty());
        assert!(!map.coast.is_empty(), "the North Sea and Baltic coasts");
        assert!(map.borders.len() >= 5, "{} borders", map.borders.len());
        assert!(map.provinces.len() >= 10, "{} states", map.provinces.len());
    }

    #[test]
    fn eastern_china_has_provinces_and_the_open_sea_has_nothing() {
        let map = base_map(around(31.0, 118.0, 5.0));
        assert!(map.provinces.len() >= 10);
        assert!(!map.coast.is_empty());
        assert_eq!(base_map(around(-40.0, -130.0, 2.0)), BaseMap::default());
    }

    #[test]
    fn clipped_land_stays_in_the_box() {
        let bounds = around(51.0, 10.0, 2.0);
        for ring in base_map(bounds).land {
            for p in ring {
                assert!(
                    p.lat >= bounds.south - 1e-9
                        && p.lat <= bounds.north + 1e-9
                        && p.lon >= bounds.west - 1e-9
                        && p.lon <= bounds.east + 1e-9,
                    "{p:?}"
                );
            }
        }
    }
}
