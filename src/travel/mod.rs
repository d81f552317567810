//! Travel times between depots, sites and engineers: geodesic estimates,
//! road graphs, closures and imported matrices.
//!
//! [`TravelTimes::build`] turns a [`Scenario`] into one service that the
//! planner, dispatch and the simulator ask. Which model answers a pair:
//!
//! 1. an imported matrix (`[travel] matrix`), for the pairs it holds;
//! 2. else the road graph, when the scenario has roads;
//! 3. else the geodesic model: geodesic km x `circuity` / `speed_kmh`.
//!
//! Depot-to-site and depot-to-depot times are computed once, by one
//! Dijkstra search per depot, and kept in dense matrices; other pairs (from a
//! site) are searched on demand. An unreachable pair is a
//! [`Reach::Unreachable`], never an infinite or huge number.

mod graph;
mod imported;
mod nearest;
mod network;
mod petgraph_view;
mod queue;

pub use crate::geodesy::geodesic_km;
pub use graph::{HoursMatrix, Link, Path, RoadGraph, ShortestPaths};

use crate::scenario::{DepotIdx, LatLon, Scenario, SiteIdx};
use imported::ImportedTimes;
use network::RoadNetwork;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;

/// Why travel times could not be built or asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TravelError {
    #[error("`[travel] {name}` = {value} cannot be used ({expected})")]
    BadSetting {
        name: &'static str,
        value: f64,
        expected: &'static str,
    },
    #[error("`{id}` has no valid location (lat {lat}, lon {lon})")]
    BadLocation { id: String, lat: f64, lon: f64 },
    #[error("`{id}` names two places (depot, site or junction ids must differ)")]
    DuplicateId { id: String },
    #[error("{context} names unknown place `{id}`")]
    UnknownPlace { context: String, id: String },
    #[error("road `{from}` to `{to}`: {what}")]
    BadRoad {
        from: String,
        to: String,
        what: String,
    },
    #[error("closure `{from}` to `{to}` matches no road")]
    UnknownLink { from: String, to: String },
    #[error("closure `{from}` to `{to}`: factor {factor} is not 0 (closed) or a positive number")]
    BadFactor {
        from: String,
        to: String,
        factor: f64,
    },
    #[error("imported matrix: {what}")]
    BadMatrix { what: String },
    #[error(
        "the road graph of {nodes} nodes is too large (at most 4,294,967,294 nodes and as many arcs)"
    )]
    TooLarge { nodes: usize },
    #[error("node {node} is not in the road graph of {nodes} nodes")]
    NodeOutOfRange { node: usize, nodes: usize },
    #[error("link {link} ends at node {node}, not in the road graph of {nodes} nodes")]
    LinkOutOfRange {
        link: usize,
        node: usize,
        nodes: usize,
    },
    #[error("link {link}: {hours} hours is not a travel time")]
    BadLinkHours { link: usize, hours: f64 },
}

/// A depot or a site: one end of a travel query (the routing engine's
/// `Place` is its index in a matrix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Depot(DepotIdx),
    Site(SiteIdx),
}

impl Endpoint {
    /// The depot or site with this id (depots first).
    pub fn find(scenario: &Scenario, id: &str) -> Option<Endpoint> {
        scenario
            .depot_by_id(id)
            .map(Endpoint::Depot)
            .or_else(|| scenario.site_by_id(id).map(Endpoint::Site))
    }
}

/// Which travel model gave a time (road graph, geodesic, imported matrix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// Shortest path on the road graph (with closures and geodesic legs).
    Road,
    /// Geodesic km x circuity / speed.
    Geodesic,
    /// The imported matrix of a routing engine.
    Imported,
}

impl fmt::Display for TimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeSource::Road => "road",
            TimeSource::Geodesic => "geodesic",
            TimeSource::Imported => "imported",
        })
    }
}

/// Whether and how fast one place reaches another.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reach {
    Hours {
        hours: f64,
        model: TimeSource,
    },
    /// No route: the road graph does not connect the pair (closures
    /// included), or the imported matrix says so.
    Unreachable {
        model: TimeSource,
    },
}

impl Reach {
    fn from_hours(hours: Option<f64>, model: TimeSource) -> Reach {
        match hours {
            Some(hours) => Reach::Hours { hours, model },
            None => Reach::Unreachable { model },
        }
    }

    /// The hours, `None` when unreachable.
    pub fn hours(self) -> Option<f64> {
        match self {
            Reach::Hours { hours, .. } => Some(hours),
            Reach::Unreachable { .. } => None,
        }
    }

    pub fn model(self) -> TimeSource {
        match self {
            Reach::Hours { model, .. } | Reach::Unreachable { model } => model,
        }
    }

    pub fn is_reachable(self) -> bool {
        matches!(self, Reach::Hours { .. })
    }
}

/// A route between two places.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    pub model: TimeSource,
    pub hours: f64,
    /// Places and junctions passed, from start to end; a geodesic or
    /// imported route has just its two ends.
    pub steps: Vec<Step>,
}

/// One node of a route.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub id: String,
    /// Hours from the start on reaching this node.
    pub hours: f64,
}

/// A part of the road network no depot reaches (see
/// [`TravelTimes::road_islands`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoadIsland {
    pub sites: Vec<SiteIdx>,
    /// Ids of the junctions (`nodes.csv`) on it.
    pub junctions: Vec<String>,
}

/// Travel times of one scenario. Build once, ask often.
pub struct TravelTimes {
    speed_kmh: f64,
    circuity: f64,
    depots: Vec<(String, LatLon)>,
    sites: Vec<(String, LatLon)>,
    network: Option<RoadNetwork>,
    imported: ImportedTimes,
    /// Depot-major: `depot_site[d * sites + s]`.
    depot_site: Vec<Reach>,
    /// `depot_depot[a * depots + b]`.
    depot_depot: Vec<Reach>,
}

impl TravelTimes {
    /// Builds the travel times of `scenario`: its road graph if it has
    /// roads, the depot matrices, and the imported matrix on top.
    pub fn build(scenario: &Scenario) -> Result<TravelTimes, TravelError> {
        let (speed_kmh, circuity) = settings(scenario)?;
        let depots: Vec<_> = scenario
            .depots
            .iter()
            .map(|d| (d.id.clone(), d.location))
            .collect();
        let sites: Vec<_> = scenario
            .sites
            .iter()
            .map(|s| (s.id.clone(), s.location))
            .collect();
        check_places(&depots, &sites)?;
        let network = if scenario.has_roads() {
            Some(RoadNetwork::build(scenario, speed_kmh, circuity)?)
        } else {
            None
        };
        let imported = match &scenario.imported_matrix {
            Some(matrix) => imported::index(scenario, matrix)?,
            None => ImportedTimes::new(),
        };
        let mut times = TravelTimes {
            speed_kmh,
            circuity,
            depots,
            sites,
            network,
            imported,
            depot_site: Vec::new(),
            depot_depot: Vec::new(),
        };
        times.fill_depot_matrices()?;
        Ok(times)
    }

    /// Parts of the road network no depot reaches by road (none without a
    /// road layer): each with its sites and its junctions. Such a site is
    /// served only if an imported matrix gives it a time.
    pub fn road_islands(&self) -> Vec<RoadIsland> {
        let Some(network) = &self.network else {
            return Vec::new();
        };
        network
            .islands()
            .into_iter()
            .map(|nodes| {
                let mut island = RoadIsland::default();
                for node in nodes {
                    match network.site_of(node, self.sites.len()) {
                        Some(site) => island.sites.push(SiteIdx::new(site)),
                        None => island.junctions.push(network.ids[node].clone()),
                    }
                }
                island
            })
            .collect()
    }

    /// Computes both depot matrices, then lays imported times over them.
    fn fill_depot_matrices(&mut self) -> Result<(), TravelError> {
        let (d, s) = (self.depots.len(), self.sites.len());
        let targets: Vec<Endpoint> = (0..s)
            .map(|i| Endpoint::Site(SiteIdx::new(i)))
            .chain((0..d).map(|i| Endpoint::Depot(DepotIdx::new(i))))
            .collect();
        let mut depot_site = Vec::with_capacity(d * s);
        let mut depot_depot = Vec::with_capacity(d * d);
        let rows = self.base_rows(&targets)?;
        for row in rows {
            depot_site.extend_from_slice(&row[..s]);
            depot_depot.extend_from_slice(&row[s..]);
        }
        for (&(from, to), &hours) in &self.imported {
            let cell = match (from, to) {
                (Endpoint::Depot(a), Endpoint::Site(b)) => {
                    &mut depot_site[a.index() * s + b.index()]
                }
                (Endpoint::Depot(a), Endpoint::Depot(b)) => {
                    &mut depot_depot[a.index() * d + b.index()]
                }
                _ => continue,
            };
            *cell = Reach::from_hours(hours, TimeSource::Imported);
        }
        self.depot_site = depot_site;
        self.depot_depot = depot_depot;
        Ok(())
    }

    /// One row per depot: road or geodesic times to `targets`.
    fn base_rows(&self, targets: &[Endpoint]) -> Result<Vec<Vec<Reach>>, TravelError> {
        let depots: Vec<Endpoint> = (0..self.depots.len())
            .map(|i| Endpoint::Depot(DepotIdx::new(i)))
            .collect();
        let Some(network) = &self.network else {
            return Ok(depots
                .par_iter()
                .map(|&from| {
                    targets
                        .iter()
                        .map(|&to| self.geodesic_reach(from, to))
                        .collect()
                })
                .collect());
        };
        let sources: Vec<usize> = depots.iter().map(|&p| network.node(p)).collect();
        let nodes: Vec<usize> = targets.iter().map(|&p| network.node(p)).collect();
        let matrix = network.graph.matrix(&sources, &nodes)?;
        Ok((0..matrix.rows())
            .map(|r| {
                matrix
                    .row(r)
                    .iter()
                    .map(|&h| Reach::from_hours(h, TimeSource::Road))
                    .collect()
            })
            .collect())
    }

    /// The model that answers pairs the imported matrix does not hold.
    pub fn base_model(&self) -> TimeSource {
        if self.network.is_some() {
            TimeSource::Road
        } else {
            TimeSource::Geodesic
        }
    }

    /// Whether a road graph was built.
    pub fn has_roads(&self) -> bool {
        self.network.is_some()
    }

    /// Whether an imported matrix holds this pair.
    pub fn imports(&self, from: Endpoint, to: Endpoint) -> bool {
        self.imported.contains_key(&(from, to))
    }

    /// Depot to site, from the precomputed matrix.
    ///
    /// # Panics
    /// If an index is not from the scenario these times were built for.
    pub fn depot_to_site(&self, depot: DepotIdx, site: SiteIdx) -> Reach {
        assert!(
            site.index() < self.sites.len(),
            "site {site:?} out of range"
        );
        self.depot_site[depot.index() * self.sites.len() + site.index()]
    }

    /// Depot to depot (an engineer's base to where a part waits), from the
    /// precomputed matrix.
    ///
    /// # Panics
    /// If an index is not from the scenario these times were built for.
    pub fn depot_to_depot(&self, from: DepotIdx, to: DepotIdx) -> Reach {
        assert!(to.index() < self.depots.len(), "depot {to:?} out of range");
        self.depot_depot[from.index() * self.depots.len() + to.index()]
    }

    /// Any place to any place. Pairs from a depot come from the matrices;
    /// pairs from a site are looked up in the imported matrix, else searched
    /// on the road graph on demand (one search that stops at `to`), else
    /// estimated geodesically.
    ///
    /// # Panics
    /// If an index is not from the scenario these times were built for.
    pub fn hours_between(&self, from: Endpoint, to: Endpoint) -> Reach {
        match (from, to) {
            (Endpoint::Depot(a), Endpoint::Site(b)) => self.depot_to_site(a, b),
            (Endpoint::Depot(a), Endpoint::Depot(b)) => self.depot_to_depot(a, b),
            _ => match self.imported.get(&(from, to)) {
                Some(&hours) => Reach::from_hours(hours, TimeSource::Imported),
                None => match self.road_route(from, to) {
                    Some(found) => Reach::from_hours(found.map(|p| p.hours), TimeSource::Road),
                    None => self.geodesic_reach(from, to),
                },
            },
        }
    }

    /// The route behind [`Self::hours_between`], `None` when unreachable.
    pub fn route(&self, from: Endpoint, to: Endpoint) -> Option<Route> {
        let reach = self.hours_between(from, to);
        let hours = reach.hours()?;
        let model = reach.model();
        if model != TimeSource::Road {
            let steps = vec![self.step(self.id(from), 0.0), self.step(self.id(to), hours)];
            return Some(Route {
                model,
                hours,
                steps,
            });
        }
        let path = self.road_route(from, to)??;
        let network = self.network.as_ref()?;
        let steps = path
            .nodes
            .iter()
            .zip(&path.at_node)
            .map(|(&n, &h)| self.step(&network.ids[n], h))
            .collect();
        Some(Route {
            model,
            hours: path.hours,
            steps,
        })
    }

    /// Node ids of the route from a depot to a site.
    pub fn path(&self, depot: DepotIdx, site: SiteIdx) -> Option<Vec<String>> {
        let route = self.route(Endpoint::Depot(depot), Endpoint::Site(site))?;
        Some(route.steps.into_iter().map(|s| s.id).collect())
    }

    /// `Some(path or None if unreachable)` on the road graph; `None` without one.
    fn road_route(&self, from: Endpoint, to: Endpoint) -> Option<Option<Path>> {
        let network = self.network.as_ref()?;
        // Both nodes exist by construction, so the search cannot fail.
        network
            .graph
            .route(network.node(from), network.node(to))
            .ok()
    }

    fn step(&self, id: &str, hours: f64) -> Step {
        Step {
            id: id.to_string(),
            hours,
        }
    }

    /// The id of a place.
    ///
    /// # Panics
    /// If the index is not from the scenario these times were built for.
    pub fn id(&self, place: Endpoint) -> &str {
        &self.entry(place).0
    }

    fn entry(&self, place: Endpoint) -> &(String, LatLon) {
        match place {
            Endpoint::Depot(d) => &self.depots[d.index()],
            Endpoint::Site(s) => &self.sites[s.index()],
        }
    }

    /// Straight-line (geodesic) km between two places.
    pub fn geodesic_km(&self, from: Endpoint, to: Endpoint) -> f64 {
        geodesic_km(self.entry(from).1, self.entry(to).1)
    }

    /// The geodesic model's hours: km x circuity / speed, whatever model
    /// answers the pair, for comparison.
    pub fn geodesic_hours(&self, from: Endpoint, to: Endpoint) -> f64 {
        self.geodesic_km(from, to) * self.circuity / self.speed_kmh
    }

    fn geodesic_reach(&self, from: Endpoint, to: Endpoint) -> Reach {
        Reach::Hours {
            hours: self.geodesic_hours(from, to),
            model: TimeSource::Geodesic,
        }
    }

    /// Places tied to the road graph by a geodesic leg (they are on no
    /// road), with the id of the road node the leg leads to.
    pub fn geodesic_legs(&self) -> Vec<(String, String)> {
        let Some(network) = &self.network else {
            return Vec::new();
        };
        network
            .legs
            .iter()
            .map(|&(place, node)| (network.ids[place].clone(), network.ids[node].clone()))
            .collect()
    }
}

fn settings(scenario: &Scenario) -> Result<(f64, f64), TravelError> {
    let travel = &scenario.travel;
    if !(travel.speed_kmh.is_finite() && travel.speed_kmh > 0.0) {
        return Err(TravelError::BadSetting {
            name: "speed_kmh",
            value: travel.speed_kmh,
            expected: "a speed above 0 km/h",
        });
    }
    if !(travel.circuity.is_finite() && travel.circuity >= 1.0) {
        return Err(TravelError::BadSetting {
            name: "circuity",
            value: travel.circuity,
            expected: "road km per geodesic km, at least 1",
        });
    }
    Ok((travel.speed_kmh, travel.circuity))
}

fn check_places(
    depots: &[(String, LatLon)],
    sites: &[(String, LatLon)],
) -> Result<(), TravelError> {
    let mut seen = HashSet::with_capacity(depots.len() + sites.len());
    for (id, at) in depots.iter().chain(sites) {
        network::check_location(id, *at)?;
        if !seen.insert(id.as_str()) {
            return Err(TravelError::DuplicateId { id: id.clone() });
        }
    }
    Ok(())
}
