//! A road graph over numbered nodes and shortest travel times on it.
//!
//! Both the storage and the search are written here rather than taken from
//! petgraph (which still runs its algorithms on this graph through the visit
//! traits of `petgraph_view.rs`). `petgraph::algo::dijkstra` returns
//! distances only (in a `HashMap`, slow at 100,000 nodes), but routes need
//! predecessors, the matrix needs to stop once every target is settled, and
//! both need ties broken by node index so answers never depend on hash order.
//! On the benchmark matrix (`benches/travel.rs`: 100 depots x 10,000 sites on
//! 100,000 nodes, one thread) petgraph's `Csr` with its `dijkstra` took 2.28 s
//! against 0.84 s for the packed arcs and bucket queue below. Scenario
//! graphs (depots, sites, junctions) are built on this type by
//! `super::network`.

use super::TravelError;
use super::queue::BucketQueue;
use rayon::prelude::*;

/// Marks "no predecessor" (the source, or a node not reached).
const NONE: u32 = u32::MAX;

/// One road link between two numbered nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    /// Driving time; finite and not negative.
    pub hours: f64,
    /// Drivable from `from` to `to` only.
    pub oneway: bool,
}

impl Link {
    /// A link drivable both ways.
    pub fn two_way(from: usize, to: usize, hours: f64) -> Self {
        Link {
            from,
            to,
            hours,
            oneway: false,
        }
    }
}

/// A directed road graph with travel times in hours on its arcs.
#[derive(Clone, Debug)]
pub struct RoadGraph {
    /// Arcs of node `n` are `arcs[first[n]..first[n + 1]]`.
    first: Vec<u32>,
    arcs: Vec<Arc>,
    /// Hours of the slowest arc, which sizes the search queue.
    longest: f64,
}

/// The heads of a node's arcs (see [`RoadGraph::heads`]).
#[derive(Clone, Debug)]
pub struct Heads<'a>(std::slice::Iter<'a, Arc>);

impl Iterator for Heads<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        self.0.next().map(|arc| {
            let head = arc.head;
            head as usize
        })
    }
}

/// An arc, head and time side by side so relaxing a node reads one run of
/// memory; packed to 12 bytes.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct Arc {
    head: u32,
    hours: f64,
}

impl RoadGraph {
    /// Builds the graph of `node_count` nodes (numbered from 0) and `links`.
    ///
    /// Parallel arcs between the same two nodes are merged into the fastest,
    /// which leaves every shortest path unchanged.
    pub fn new(node_count: usize, links: &[Link]) -> Result<RoadGraph, TravelError> {
        // u32::MAX is the "no predecessor" marker, so it is no node.
        if u32::try_from(node_count).map_or(true, |n| n == u32::MAX) {
            return Err(TravelError::TooLarge { nodes: node_count });
        }
        let mut arcs = Vec::with_capacity(links.len() * 2);
        for (index, link) in links.iter().enumerate() {
            check_link(index, link, node_count)?;
            // Both casts are lossless: checked against node_count above.
            let (a, b) = (link.from as u32, link.to as u32);
            arcs.push((a, b, link.hours));
            if !link.oneway {
                arcs.push((b, a, link.hours));
            }
        }
        arcs.sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(x.2.total_cmp(&y.2)));
        // Sorted by weight within a pair, so the first arc kept is the fastest.
        arcs.dedup_by(|later, kept| (later.0, later.1) == (kept.0, kept.1));
        // Arc offsets are u32s too.
        if u32::try_from(arcs.len()).is_err() {
            return Err(TravelError::TooLarge { nodes: node_count });
        }
        let mut first = vec![0u32; node_count + 1];
        for &(a, _, _) in &arcs {
            first[a as usize + 1] += 1;
        }
        for n in 0..node_count {
            first[n + 1] += first[n];
        }
        let longest = arcs.iter().map(|a| a.2).fold(0.0, f64::max);
        let arcs = arcs
            .into_iter()
            .map(|(_, head, hours)| Arc { head, hours })
            .collect();
        Ok(RoadGraph {
            first,
            arcs,
            longest,
        })
    }

    pub fn node_count(&self) -> usize {
        self.first.len() - 1
    }

    /// The heads of the arcs leaving `node`.
    pub fn heads(&self, node: usize) -> Heads<'_> {
        let (start, end) = (self.first[node] as usize, self.first[node + 1] as usize);
        Heads(self.arcs[start..end].iter())
    }

    /// Arcs after merging parallel ones (a two-way link counts twice).
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Shortest travel times from `source` to every node, with the
    /// predecessor tree for routes.
    pub fn shortest_paths(&self, source: usize) -> Result<ShortestPaths, TravelError> {
        self.check_node(source)?;
        let mut search = Search::new(self, true);
        search.run(self, source as u32, None);
        Ok(search.into_paths(source))
    }

    /// Shortest travel time and route from `source` to `target`, stopping as
    /// soon as the target is settled. `None` when the target is unreachable.
    pub fn route(&self, source: usize, target: usize) -> Result<Option<Path>, TravelError> {
        self.check_node(source)?;
        self.check_node(target)?;
        let mut search = Search::new(self, true);
        let mut goal = Goal::new(self.node_count(), &[target as u32]);
        search.run(self, source as u32, Some(&mut goal));
        Ok(search.into_paths(source).path_to(target))
    }

    /// Travel times from every source to every target: one search per
    /// source (in parallel over sources), each stopping once all targets are
    /// settled. Row `i` holds the times from `sources[i]`.
    pub fn matrix(&self, sources: &[usize], targets: &[usize]) -> Result<HoursMatrix, TravelError> {
        for &node in sources.iter().chain(targets) {
            self.check_node(node)?;
        }
        let targets: Vec<u32> = targets.iter().map(|&t| t as u32).collect();
        let rows: Vec<Vec<Option<f64>>> = sources
            .par_iter()
            .map_init(
                || Search::new(self, false),
                |search, &source| {
                    let mut goal = Goal::new(self.node_count(), &targets);
                    search.run(self, source as u32, Some(&mut goal));
                    let row = targets.iter().map(|&t| search.hours(t)).collect();
                    search.reset();
                    row
                },
            )
            .collect();
        Ok(HoursMatrix {
            cols: targets.len(),
            cells: rows.into_iter().flatten().collect(),
            rows: sources.len(),
        })
    }

    fn check_node(&self, node: usize) -> Result<(), TravelError> {
        if node < self.node_count() {
            Ok(())
        } else {
            Err(TravelError::NodeOutOfRange {
                node,
                nodes: self.node_count(),
            })
        }
    }

    /// Asks the CPU to start loading a node's arcs. A search reads each
    /// node's arcs once, when it settles the node, so without this nearly
    /// every settle waits for main memory; a node first reached is settled
    /// a while later, by which time its arcs have arrived. On the benchmark
    /// graph this cuts the depot-to-site matrix time by about a quarter.
    #[inline]
    fn prefetch_arcs(&self, node: u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(arc) = self
            .first
            .get(node as usize)
            .and_then(|&i| self.arcs.get(i as usize))
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch only hints the cache and never faults, and
            // the pointer comes from a live reference. (The intrinsic is a
            // safe function since Rust 1.87; `unsafe` keeps 1.85 building.)
            #[allow(unused_unsafe)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>((arc as *const Arc).cast::<i8>())
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = node;
    }

    fn arcs(&self, node: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let n = node as usize;
        let range = self.first[n] as usize..self.first[n + 1] as usize;
        self.arcs[range].iter().map(|a| (a.head, a.hours))
    }
}

fn check_link(index: usize, link: &Link, node_count: usize) -> Result<(), TravelError> {
    for node in [link.from, link.to] {
        if node >= node_count {
            return Err(TravelError::LinkOutOfRange {
                link: index,
                node,
                nodes: node_count,
            });
        }
    }
    if !(link.hours.is_finite() && link.hours >= 0.0) {
        return Err(TravelError::BadLinkHours {
            link: index,
            hours: link.hours,
        });
    }
    Ok(())
}

/// Which nodes a search still waits for.
struct Goal {
    wanted: Bits,
    remaining: usize,
}

impl Goal {
    fn new(node_count: usize, targets: &[u32]) -> Self {
        let mut wanted = Bits::new(node_count);
        let mut remaining = 0;
        for &t in targets {
            if !wanted.get(t) {
                wanted.set(t, true);
                remaining += 1;
            }
        }
        Goal { wanted, remaining }
    }

    /// Records a settled node; true when nothing is left to wait for.
    fn settle(&mut self, node: u32) -> bool {
        if self.wanted.get(node) {
            self.wanted.set(node, false);
            self.remaining -= 1;
        }
        self.remaining == 0
    }
}

/// A fixed-size set of nodes.
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }

    fn get(&self, i: u32) -> bool {
        self.0[(i / 64) as usize] & (1 << (i % 64)) != 0
    }

    fn set(&mut self, i: u32, on: bool) {
        let word = &mut self.0[(i / 64) as usize];
        if on {
            *word |= 1 << (i % 64);
        } else {
            *word &= !(1 << (i % 64));
        }
    }
}

/// Dijkstra's state, reusable across searches of one graph.
struct Search {
    hours: Vec<f64>,
    pred: Vec<u32>,
    /// A bit set: small enough to stay in the fastest cache.
    settled: Bits,
    touched: Vec<u32>,
    queue: BucketQueue,
}

impl Search {
    /// A search state; `routes` keeps predecessors (a matrix needs none,
    /// and skipping them saves a store per improvement).
    fn new(graph: &RoadGraph, routes: bool) -> Self {
        let node_count = graph.node_count();
        Search {
            hours: vec![f64::INFINITY; node_count],
            pred: if routes {
                vec![NONE; node_count]
            } else {
                Vec::new()
            },
            settled: Bits::new(node_count),
            touched: Vec::new(),
            queue: BucketQueue::new(graph.longest),
        }
    }

    /// Clears only what the last search touched, so a matrix row whose
    /// search stopped early costs no full-array reset.
    fn reset(&mut self) {
        for &n in &self.touched {
            self.hours[n as usize] = f64::INFINITY;
            if let Some(p) = self.pred.get_mut(n as usize) {
                *p = NONE;
            }
            self.settled.set(n, false);
        }
        self.touched.clear();
        self.queue.clear();
    }

    fn hours(&self, node: u32) -> Option<f64> {
        let h = self.hours[node as usize];
        h.is_finite().then_some(h)
    }

    /// Queue keys are the bit patterns of non-negative finite times, which
    /// order as the times do; equal times pop lowest node first, so every
    /// run settles nodes in the same order.
    fn run(&mut self, graph: &RoadGraph, source: u32, mut goal: Option<&mut Goal>) {
        self.hours[source as usize] = 0.0;
        self.touched.push(source);
        self.queue.push(0.0, source);
        // Only strict improvements are queued, so each key of a node is
        // queued once and any key but its current time is stale.
        loop {
            let hours = &self.hours;
            let live = |key: u64, node: u32| key == hours[node as usize].to_bits();
            let Some((key, node)) = self.queue.pop(live) else {
                return;
            };
            let n = node as usize;
            if key != self.hours[n].to_bits() {
                continue;
            }
            self.settled.set(node, true);
            if goal.as_deref_mut().is_some_and(|g| g.settle(node)) {
                return;
            }
            let here = self.hours[n];
            for (next, h) in graph.arcs(node) {
                self.relax(graph, node, here + h, next);
            }
        }
    }

    fn relax(&mut self, graph: &RoadGraph, from: u32, hours: f64, to: u32) {
        let t = to as usize;
        let known = self.hours[t];
        // A settled node is never improved (times are not negative), so
        // only the tie rule below needs to ask whether it is settled.
        if hours < known {
            if known == f64::INFINITY {
                self.touched.push(to);
                graph.prefetch_arcs(to);
            }
            self.hours[t] = hours;
            if let Some(p) = self.pred.get_mut(t) {
                *p = from;
            }
            self.queue.push(hours, to);
        } else if hours == known && !self.settled.get(to) {
            // An equally fast way in: prefer the lower-numbered predecessor.
            if let Some(p) = self.pred.get_mut(t).filter(|p| from < **p) {
                *p = from;
            }
        }
    }

    fn into_paths(self, source: usize) -> ShortestPaths {
        ShortestPaths {
            source,
            hours: self.hours,
            pred: self.pred,
        }
    }
}

/// Shortest travel times from one source and the tree of routes.
#[derive(Clone, Debug)]
pub struct ShortestPaths {
    source: usize,
    hours: Vec<f64>,
    pred: Vec<u32>,
}

impl ShortestPaths {
    pub fn source(&self) -> usize {
        self.source
    }

    /// Hours to `target`; `None` when it cannot be reached (or is no node).
    pub fn hours_to(&self, target: usize) -> Option<f64> {
        self.hours.get(target).copied().filter(|h| h.is_finite())
    }

    /// The route to `target`, `None` when it cannot be reached.
    pub fn path_to(&self, target: usize) -> Option<Path> {
        let hours = self.hours_to(target)?;
        let mut nodes = vec![target];
        let mut at = target;
        while at != self.source {
            let p = *self.pred.get(at)?;
            if p == NONE || nodes.len() > self.pred.len() {
                return None;
            }
            at = p as usize;
            nodes.push(at);
        }
        nodes.reverse();
        let at_node = nodes.iter().map(|&n| self.hours[n]).collect();
        Some(Path {
            nodes,
            at_node,
            hours,
        })
    }
}

/// A route through the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Nodes from source to target.
    pub nodes: Vec<usize>,
    /// Hours from the source on reaching each node.
    pub at_node: Vec<f64>,
    /// Total hours.
    pub hours: f64,
}

/// A dense matrix of travel times; `None` marks an unreachable pair.
#[derive(Clone, Debug, PartialEq)]
pub struct HoursMatrix {
    rows: usize,
    cols: usize,
    cells: Vec<Option<f64>>,
}

impl HoursMatrix {
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Hours from row `row` to column `col`, `None` when unreachable.
    ///
    /// # Panics
    /// If `row` or `col` is out of range, as slice indexing does.
    pub fn get(&self, row: usize, col: usize) -> Option<f64> {
        assert!(col < self.cols, "column {col} of {}", self.cols);
        self.cells[row * self.cols + col]
    }

    /// One row: the hours from one source to every target.
    ///
    /// # Panics
    /// If `row` is out of range.
    pub fn row(&self, row: usize) -> &[Option<f64>] {
        &self.cells[row * self.cols..(row + 1) * self.cols]
    }

    /// Number of unreachable pairs.
    pub fn unreachable(&self) -> usize {
        self.cells.iter().filter(|c| c.is_none()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, links: &[(usize, usize, f64)]) -> RoadGraph {
        let links: Vec<Link> = links
            .iter()
            .map(|&(a, b, h)| Link::two_way(a, b, h))
            .collect();
        RoadGraph::new(n, &links).unwrap()
    }

    #[test]
    fn equal_routes_go_through_the_lower_index() {
        // 0-1-3 and 0-2-3 both take 2 hours.
        let g = graph(4, &[(0, 2, 1.0), (2, 3, 1.0), (0, 1, 1.0), (1, 3, 1.0)]);
        let path = g.route(0, 3).unwrap().unwrap();
        assert_eq!(path.nodes, vec![0, 1, 3]);
        assert_eq!(path.at_node, vec![0.0, 1.0, 2.0]);
    }

    #[test]
    fn one_way_links_and_isolated_nodes() {
        let links = [Link {
            from: 0,
            to: 1,
            hours: 1.5,
            oneway: true,
        }];
        let g = RoadGraph::new(3, &links).unwrap();
        assert_eq!(g.node_count(), 3);
        let m = g.matrix(&[0, 1], &[0, 1, 2]).unwrap();
        assert_eq!(m.row(0), &[Some(0.0), Some(1.5), None]);
        assert_eq!(m.row(1), &[None, Some(0.0), None]);
        assert_eq!(m.unreachable(), 3);
        assert_eq!(g.route(1, 0).unwrap(), None);
    }

    #[test]
    fn parallel_links_keep_the_fastest() {
        let g = graph(2, &[(0, 1, 3.0), (1, 0, 2.0), (0, 1, 2.5)]);
        assert_eq!(g.arc_count(), 2);
        assert_eq!(g.shortest_paths(1).unwrap().hours_to(0), Some(2.0));
    }

    #[test]
    fn bad_input_is_an_error() {
        let bad = |links: &[Link]| RoadGraph::new(2, links).unwrap_err();
        assert!(matches!(
            bad(&[Link::two_way(0, 2, 1.0)]),
            TravelError::LinkOutOfRange { node: 2, .. }
        ));
        for hours in [f64::NAN, -1.0, f64::INFINITY] {
            assert!(matches!(
                bad(&[Link::two_way(0, 1, hours)]),
                TravelError::BadLinkHours { link: 0, .. }
            ));
        }
        let g = graph(2, &[]);
        assert!(g.shortest_paths(5).is_err());
        assert!(g.matrix(&[0], &[9]).is_err());
        assert!(RoadGraph::new(u32::MAX as usize, &[]).is_err());
    }
}
