//! Depot-to-site matrix on a generated road graph of 100,000 nodes and
//! 300,000 two-way links with 100 depots and 10,000 sites.
//!
//! `cargo bench --bench travel`. The graph is generated here, independently
//! of the library, from a fixed seed, so every run measures the same graph:
//! a jittered 400 x 250 grid of junctions 5 km apart (its horizontal and
//! vertical links are the trunk roads) plus local links to nodes up to three
//! cells away, with speeds of 30-110 km/h, as a regional road network has.

use criterion::{Criterion, criterion_group, criterion_main};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sparesla::travel::{Link, RoadGraph};
use std::hint::black_box;

const COLUMNS: usize = 400;
const ROWS: usize = 250;
const NODES: usize = COLUMNS * ROWS;
const LINKS: usize = 300_000;
const DEPOTS: usize = 100;
const SITES: usize = 10_000;
const CELL_KM: f64 = 5.0;

struct Network {
    links: Vec<Link>,
    depots: Vec<usize>,
    sites: Vec<usize>,
}

fn generate(seed: u64) -> Network {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let at: Vec<(f64, f64)> = (0..NODES)
        .map(|n| {
            let (c, r) = ((n % COLUMNS) as f64, (n / COLUMNS) as f64);
            (
                (c + rng.random_range(-0.3..0.3)) * CELL_KM,
                (r + rng.random_range(-0.3..0.3)) * CELL_KM,
            )
        })
        .collect();
    let link = |a: usize, b: usize, rng: &mut ChaCha8Rng| {
        let km = (at[a].0 - at[b].0).hypot(at[a].1 - at[b].1) * rng.random_range(1.1..1.4);
        Link::two_way(a, b, km / rng.random_range(30.0..110.0))
    };
    let mut links = Vec::with_capacity(LINKS);
    for n in 0..NODES {
        let (c, r) = (n % COLUMNS, n / COLUMNS);
        if c + 1 < COLUMNS {
            links.push(link(n, n + 1, &mut rng));
        }
        if r + 1 < ROWS {
            links.push(link(n, n + COLUMNS, &mut rng));
        }
    }
    while links.len() < LINKS {
        let n = rng.random_range(0..NODES);
        let c = (n % COLUMNS) as i64 + rng.random_range(-3..=3);
        let r = (n / COLUMNS) as i64 + rng.random_range(-3..=3);
        if (0..COLUMNS as i64).contains(&c) && (0..ROWS as i64).contains(&r) {
            let m = r as usize * COLUMNS + c as usize;
            if m != n {
                links.push(link(n, m, &mut rng));
            }
        }
    }
    let mut nodes: Vec<usize> = (0..NODES).collect();
    nodes.shuffle(&mut rng);
    Network {
        links,
        depots: nodes[..DEPOTS].to_vec(),
        sites: nodes[DEPOTS..DEPOTS + SITES].to_vec(),
    }
}

fn bench(c: &mut Criterion) {
    let network = generate(20260310);
    let graph = RoadGraph::new(NODES, &network.links).expect("valid generated graph");
    let mut group = c.benchmark_group("travel");
    group.sample_size(10);
    group.bench_function("build road graph (100k nodes, 300k links)", |b| {
        b.iter(|| RoadGraph::new(NODES, black_box(&network.links)).expect("graph"))
    });
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let name = format!("depot-to-site matrix (100 x 10,000), {threads} thread(s)");
        group.bench_function(name, |b| {
            b.iter(|| {
                pool.install(|| graph.matrix(black_box(&network.depots), &network.sites))
                    .expect("matrix")
            })
        });
    }
    // The same rows by petgraph's own storage and search, to keep the
    // reason for the hand-written ones measured: `Csr` and `algo::dijkstra`
    // (which returns every node's distance in a HashMap and has no
    // multi-target stop), one thread.
    let csr = petgraph_csr(&network.links);
    group.bench_function(
        "depot-to-site matrix (100 x 10,000), petgraph Csr + dijkstra, 1 thread",
        |b| {
            b.iter(|| {
                network
                    .depots
                    .iter()
                    .map(|&depot| {
                        let hours =
                            petgraph::algo::dijkstra(&csr, depot as u32, None, |arc| *arc.weight());
                        network
                            .sites
                            .iter()
                            .map(|&site| hours.get(&(site as u32)).copied())
                            .collect::<Vec<Option<f64>>>()
                    })
                    .collect::<Vec<_>>()
            })
        },
    );
    group.finish();
}

/// The links as a petgraph `Csr`: both arcs of each two-way link, sorted.
fn petgraph_csr(links: &[Link]) -> petgraph::csr::Csr<(), f64> {
    let mut arcs: Vec<(u32, u32, f64)> = Vec::with_capacity(links.len() * 2);
    for link in links {
        arcs.push((link.from as u32, link.to as u32, link.hours));
        if !link.oneway {
            arcs.push((link.to as u32, link.from as u32, link.hours));
        }
    }
    arcs.sort_by_key(|arc| (arc.0, arc.1));
    // `from_sorted_edges` takes one arc per pair: keep the fastest, as
    // `RoadGraph::new` does.
    arcs.dedup_by(|later, kept| {
        let same = (later.0, later.1) == (kept.0, kept.1);
        if same {
            kept.2 = kept.2.min(later.2);
        }
        same
    });
    petgraph::csr::Csr::from_sorted_edges(&arcs).expect("sorted arcs")
}

criterion_group!(benches, bench);
criterion_main!(benches);
