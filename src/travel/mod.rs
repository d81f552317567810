//! Travel times between depots, sites and engineers: geodesic estimates,
//! road graphs, closures and imported matrices.

mod geodesic;

pub use geodesic::geodesic_km;
