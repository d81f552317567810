//! The road graph seen through petgraph's visit traits, so petgraph's
//! algorithms run on it as it is stored (nodes are the graph's numbers).
//! sparesla's own search stays the one for travel times (see `graph.rs` for
//! why, and `benches/travel.rs` for the measured difference); petgraph
//! answers the structural questions, such as which parts of the network no
//! depot reaches (`RoadNetwork::islands`).

use super::graph::{Heads, RoadGraph};
use petgraph::visit::{
    GraphBase, IntoNeighbors, IntoNodeIdentifiers, NodeCount, NodeIndexable, Visitable,
};
use std::collections::HashSet;
use std::ops::Range;

impl GraphBase for RoadGraph {
    type NodeId = usize;
    /// An arc as (tail, head).
    type EdgeId = (usize, usize);
}

impl NodeCount for &RoadGraph {
    fn node_count(&self) -> usize {
        RoadGraph::node_count(self)
    }
}

impl NodeIndexable for &RoadGraph {
    fn node_bound(&self) -> usize {
        RoadGraph::node_count(self)
    }

    fn to_index(&self, node: usize) -> usize {
        node
    }

    fn from_index(&self, index: usize) -> usize {
        index
    }
}

impl<'a> IntoNeighbors for &'a RoadGraph {
    type Neighbors = Heads<'a>;

    fn neighbors(self, node: usize) -> Heads<'a> {
        self.heads(node)
    }
}

impl IntoNodeIdentifiers for &RoadGraph {
    type NodeIdentifiers = Range<usize>;

    fn node_identifiers(self) -> Range<usize> {
        0..RoadGraph::node_count(self)
    }
}

impl Visitable for &RoadGraph {
    type Map = HashSet<usize>;

    fn visit_map(&self) -> HashSet<usize> {
        HashSet::with_capacity(RoadGraph::node_count(self))
    }

    fn reset_map(&self, map: &mut HashSet<usize>) {
        map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::Link;
    use super::*;

    #[test]
    fn petgraph_algorithms_see_the_arcs_of_the_graph() {
        // 0 <-> 1 -> 2, and 3 alone.
        let graph = RoadGraph::new(
            4,
            &[
                Link::two_way(0, 1, 1.0),
                Link {
                    from: 1,
                    to: 2,
                    hours: 1.0,
                    oneway: true,
                },
            ],
        )
        .unwrap();
        let mut components: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&graph)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        components.sort();
        assert_eq!(components, vec![vec![0, 1], vec![2], vec![3]]);
        assert!(petgraph::algo::has_path_connecting(&graph, 0, 2, None));
        assert!(!petgraph::algo::has_path_connecting(&graph, 2, 0, None));
    }
}
