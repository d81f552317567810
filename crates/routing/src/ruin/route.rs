//! Route removal: empty a segment of one vehicle's route, so its jobs can
//! be redistributed among other vehicles.

use super::super::solution::Solution;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

pub fn choose(solution: &Solution, rng: &mut ChaCha8Rng, count: usize) -> Vec<usize> {
    let busy: Vec<usize> = (0..solution.routes.len())
        .filter(|&v| solution.routes[v].len() > solution.routes[v].locked)
        .collect();
    if busy.is_empty() {
        return Vec::new();
    }
    let route = &solution.routes[busy[rng.random_range(0..busy.len())]];
    let start = rng.random_range(route.locked..route.len());
    route.visits[start..]
        .iter()
        .take(count)
        .map(|v| v.job)
        .collect()
}
