//! The scenario's road layer as a [`RoadGraph`]: depots, sites and junctions
//! as nodes, roads with closures applied, and geodesic legs that tie places
//! on no road to their nearest road node.

use super::graph::{Link, RoadGraph};
use super::nearest::NearestNode;
use super::{Endpoint, TravelError};
use crate::scenario::{Closure, LatLon, Road, Scenario};
use std::collections::HashMap;

/// Node numbering: depots first, then sites, then junctions, each in file
/// order, so `Endpoint`s map to nodes without a lookup.
pub struct RoadNetwork {
    pub graph: RoadGraph,
    /// Id of every node.
    pub ids: Vec<String>,
    depots: usize,
    /// Places that got a geodesic leg, with the node it leads to.
    pub legs: Vec<(usize, usize)>,
}

impl RoadNetwork {
    /// Builds the graph; `speed_kmh` and `circuity` are the checked
    /// `[travel]` settings.
    pub fn build(
        scenario: &Scenario,
        speed_kmh: f64,
        circuity: f64,
    ) -> Result<RoadNetwork, TravelError> {
        let (ids, locations) = nodes(scenario)?;
        let index = id_index(&ids)?;
        let factors = closure_factors(&scenario.closures, &scenario.roads, &index)?;
        let mut links = Vec::with_capacity(scenario.roads.len() + ids.len());
        let mut on_road = vec![false; ids.len()];
        for (i, road) in scenario.roads.iter().enumerate() {
            let (from, to) = (lookup(&index, &road.from, i)?, lookup(&index, &road.to, i)?);
            on_road[from] = true;
            on_road[to] = true;
            let factor = factors.get(&i).copied().unwrap_or(1.0);
            // Factor 0 is a closure: the link is not driven at all.
            if factor > 0.0 {
                links.push(Link {
                    from,
                    to,
                    hours: road_hours(road, speed_kmh)? * factor,
                    oneway: road.oneway,
                });
            }
        }
        let legs = geodesic_legs(scenario, &on_road, &locations);
        links.extend(
            legs.iter()
                .map(|&(place, node, km)| Link::two_way(place, node, km * circuity / speed_kmh)),
        );
        Ok(RoadNetwork {
            graph: RoadGraph::new(ids.len(), &links)?,
            ids,
            depots: scenario.depots.len(),
            legs: legs.iter().map(|&(place, node, _)| (place, node)).collect(),
        })
    }

    pub fn node(&self, place: Endpoint) -> usize {
        match place {
            Endpoint::Depot(d) => d.index(),
            Endpoint::Site(s) => self.depots + s.index(),
        }
    }

    /// The road islands: strongly connected parts of the network that no
    /// depot reaches, each as its node numbers in ascending order, islands in
    /// order of their first node. (A strongly connected part is reached whole
    /// or not at all, so one node tells.) petgraph runs both searches on the
    /// graph as stored.
    pub fn islands(&self) -> Vec<Vec<usize>> {
        let graph = &self.graph;
        let mut reached = vec![false; graph.node_count()];
        let mut search = petgraph::visit::Dfs::empty(graph);
        for depot in 0..self.depots {
            if reached[depot] {
                continue;
            }
            search.move_to(depot);
            while let Some(node) = search.next(graph) {
                reached[node] = true;
            }
        }
        let mut islands: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(graph)
            .into_iter()
            .filter(|part| !reached[part[0]])
            .map(|mut part| {
                part.sort_unstable();
                part
            })
            .collect();
        islands.sort_unstable();
        islands
    }

    /// The site of a node, if it is one.
    pub fn site_of(&self, node: usize, sites: usize) -> Option<usize> {
        (self.depots..self.depots + sites)
            .contains(&node)
            .then(|| node - self.depots)
    }
}

fn nodes(scenario: &Scenario) -> Result<(Vec<String>, Vec<LatLon>), TravelError> {
    let all = scenario
        .depots
        .iter()
        .map(|d| (&d.id, d.location))
        .chain(scenario.sites.iter().map(|s| (&s.id, s.location)))
        .chain(scenario.road_nodes.iter().map(|n| (&n.id, n.location)));
    let mut ids = Vec::new();
    let mut locations = Vec::new();
    for (id, at) in all {
        check_location(id, at)?;
        ids.push(id.clone());
        locations.push(at);
    }
    Ok((ids, locations))
}

/// Refuses coordinates a geodesic cannot be measured from.
pub fn check_location(id: &str, at: LatLon) -> Result<(), TravelError> {
    let valid = (-90.0..=90.0).contains(&at.lat) && (-180.0..=180.0).contains(&at.lon);
    if valid {
        Ok(())
    } else {
        Err(TravelError::BadLocation {
            id: id.to_string(),
            lat: at.lat,
            lon: at.lon,
        })
    }
}

fn id_index(ids: &[String]) -> Result<HashMap<&str, usize>, TravelError> {
    let mut index = HashMap::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if index.insert(id.as_str(), i).is_some() {
            return Err(TravelError::DuplicateId { id: id.clone() });
        }
    }
    Ok(index)
}

fn lookup(index: &HashMap<&str, usize>, id: &str, road: usize) -> Result<usize, TravelError> {
    index
        .get(id)
        .copied()
        .ok_or_else(|| TravelError::UnknownPlace {
            context: format!("road {}", road + 1),
            id: id.to_string(),
        })
}

fn road_hours(road: &Road, speed_kmh: f64) -> Result<f64, TravelError> {
    let bad = |what: String| TravelError::BadRoad {
        from: road.from.clone(),
        to: road.to.clone(),
        what,
    };
    if !(road.km.is_finite() && road.km >= 0.0) {
        return Err(bad(format!("{} km is not a distance", road.km)));
    }
    match road.minutes {
        Some(m) if m.is_finite() && m >= 0.0 => Ok(m / 60.0),
        Some(m) => Err(bad(format!("{m} minutes is not a driving time"))),
        // Road km are already road km: no circuity.
        None => Ok(road.km / speed_kmh),
    }
}

/// The combined factor of every road some closure names, by road index.
///
/// A closure names a link by its two ends; on a two-way road either order
/// matches and the factor applies in both directions (a snowed-in pass is
/// closed both ways). Several closures of one road multiply.
fn closure_factors(
    closures: &[Closure],
    roads: &[Road],
    index: &HashMap<&str, usize>,
) -> Result<HashMap<usize, f64>, TravelError> {
    let mut factors = HashMap::new();
    for closure in closures {
        for id in [&closure.from, &closure.to] {
            if !index.contains_key(id.as_str()) {
                return Err(TravelError::UnknownPlace {
                    context: format!("closure `{}` to `{}`", closure.from, closure.to),
                    id: id.clone(),
                });
            }
        }
        if !(closure.factor.is_finite() && closure.factor >= 0.0) {
            return Err(TravelError::BadFactor {
                from: closure.from.clone(),
                to: closure.to.clone(),
                factor: closure.factor,
            });
        }
        let mut matched = false;
        for (i, road) in roads.iter().enumerate() {
            if closes(closure, road) {
                *factors.entry(i).or_insert(1.0) *= closure.factor;
                matched = true;
            }
        }
        if !matched {
            return Err(TravelError::UnknownLink {
                from: closure.from.clone(),
                to: closure.to.clone(),
            });
        }
    }
    Ok(factors)
}

fn closes(closure: &Closure, road: &Road) -> bool {
    let forward = closure.from == road.from && closure.to == road.to;
    let backward = closure.from == road.to && closure.to == road.from;
    forward || (backward && !road.oneway)
}

/// `(place node, road node, km)` for every depot and site on no road: a
/// straight-line leg to the nearest node some road touches.
fn geodesic_legs(
    scenario: &Scenario,
    on_road: &[bool],
    locations: &[LatLon],
) -> Vec<(usize, usize, f64)> {
    let nearest = NearestNode::new(
        on_road
            .iter()
            .enumerate()
            .filter(|(_, on)| **on)
            .map(|(n, _)| (n, locations[n])),
    );
    let places = scenario.depots.len() + scenario.sites.len();
    (0..places)
        .filter(|&n| !on_road[n])
        .filter_map(|n| nearest.find(locations[n]).map(|(node, km)| (n, node, km)))
        .collect()
}
