//! The nearest road node to a point, for places that are on no road.

use crate::geodesy::geodesic_km;
use crate::scenario::LatLon;

/// Fewest kilometres one degree of latitude spans on WGS84 (at the equator
/// it is 110.574 km), rounded down so it stays a lower bound on any distance
/// between two points that far apart in latitude.
const KM_PER_DEGREE_LATITUDE_AT_LEAST: f64 = 110.5;

/// Candidate nodes sorted by latitude, so a query only measures the exact
/// (and costly) geodesic distance to nodes in a band around its latitude.
pub struct NearestNode {
    /// `(latitude, node, location)`, sorted by latitude then node.
    by_latitude: Vec<(f64, usize, LatLon)>,
}

impl NearestNode {
    pub fn new(nodes: impl IntoIterator<Item = (usize, LatLon)>) -> Self {
        let mut by_latitude: Vec<_> = nodes
            .into_iter()
            .map(|(node, at)| (at.lat, node, at))
            .collect();
        by_latitude.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        NearestNode { by_latitude }
    }

    /// The nearest node and its distance in km; of equally near nodes the
    /// lowest-numbered. `None` without candidates.
    pub fn find(&self, here: LatLon) -> Option<(usize, f64)> {
        let start = self.by_latitude.partition_point(|c| c.0 < here.lat);
        let mut best: Option<(f64, usize)> = None;
        let mut consider = |candidate: &(f64, usize, LatLon)| -> bool {
            let bound = (candidate.0 - here.lat).abs() * KM_PER_DEGREE_LATITUDE_AT_LEAST;
            if best.is_some_and(|(km, _)| bound > km) {
                return false;
            }
            let km = geodesic_km(here, candidate.2);
            if best.is_none_or(|b| (km, candidate.1) < b) {
                best = Some((km, candidate.1));
            }
            true
        };
        // Walk north from the query's latitude, then south, each until the
        // latitude gap alone rules out anything nearer.
        for candidate in &self.by_latitude[start..] {
            if !consider(candidate) {
                break;
            }
        }
        for candidate in self.by_latitude[..start].iter().rev() {
            if !consider(candidate) {
                break;
            }
        }
        best.map(|(km, node)| (node, km))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }

    #[test]
    fn agrees_with_a_full_scan() {
        let nodes: Vec<(usize, LatLon)> = (0..200)
            .map(|i| {
                let f = i as f64;
                (i, at(20.0 + (f * 7.31) % 25.0, 80.0 + (f * 13.7) % 45.0))
            })
            .collect();
        let index = NearestNode::new(nodes.clone());
        for q in 0..50 {
            let f = q as f64;
            let here = at(18.0 + (f * 3.77) % 30.0, 78.0 + (f * 11.3) % 50.0);
            let scan = nodes
                .iter()
                .map(|&(n, p)| (geodesic_km(here, p), n))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .unwrap();
            assert_eq!(index.find(here), Some((scan.1, scan.0)));
        }
    }

    #[test]
    fn ties_go_to_the_lower_node_and_empty_finds_nothing() {
        let index = NearestNode::new([(7, at(30.0, 100.0)), (3, at(30.0, 100.0))]);
        assert_eq!(index.find(at(30.1, 100.0)).map(|f| f.0), Some(3));
        assert_eq!(NearestNode::new([]).find(at(0.0, 0.0)), None);
    }
}
