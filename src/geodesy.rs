//! Places on the Earth and the distances between them on the WGS84 ellipsoid
//! (Karney's geodesics via the `geo` crate). A leaf: the scenario holds
//! coordinates and the travel model measures them, and neither needs the
//! other for it.

use geo::{Distance, Geodesic, Point};

/// A point on the WGS84 ellipsoid, degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// Geodesic distance in kilometres between two points.
pub fn geodesic_km(a: LatLon, b: LatLon) -> f64 {
    Geodesic.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }

    #[test]
    fn known_city_pairs() {
        // Beijing (Tiananmen) to Shanghai (People's Square): about 1,067 km.
        let beijing = at(39.9042, 116.4074);
        let shanghai = at(31.2304, 121.4737);
        let km = geodesic_km(beijing, shanghai);
        assert!((km - 1067.0).abs() < 5.0, "{km}");
        // One degree of latitude at the equator is 110.574 km on WGS84.
        let km = geodesic_km(at(0.0, 0.0), at(1.0, 0.0));
        assert!((km - 110.574).abs() < 0.01, "{km}");
        // New York to London: 5,585 km (the geo crate's own published example).
        let km = geodesic_km(at(40.7128, -74.006), at(51.5074, -0.1278));
        assert!((km - 5585.234).abs() < 0.5, "{km}");
        assert_eq!(geodesic_km(beijing, beijing), 0.0);
    }
}
