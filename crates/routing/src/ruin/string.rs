//! String removal (after Christiaens and Vanden Berghe's SISR): from the
//! routes of a seed job's nearest neighbours, remove strings of consecutive
//! jobs around them. Removing neighbouring strings of several routes lets
//! the recreate step rebuild that area with a different route structure.

use super::super::neighbours::Neighbours;
use super::super::solution::Solution;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Longest string removed from one route.
const MAX_STRING: usize = 10;

pub fn choose(
    solution: &Solution,
    neighbours: &Neighbours,
    movable: &[usize],
    rng: &mut ChaCha8Rng,
    count: usize,
) -> Vec<usize> {
    let seed = movable[rng.random_range(0..movable.len())];
    let mut chosen: Vec<usize> = Vec::with_capacity(count);
    let mut ruined: Vec<usize> = Vec::new();
    for &job in std::iter::once(&seed).chain(neighbours.of(seed)) {
        if chosen.len() >= count {
            break;
        }
        let Some((vehicle, position)) = solution.at[job] else {
            continue;
        };
        let route = &solution.routes[vehicle];
        if ruined.contains(&vehicle) || position < route.locked {
            continue;
        }
        ruined.push(vehicle);
        let movable_len = route.len() - route.locked;
        let longest = MAX_STRING.min(movable_len).min(count - chosen.len()).max(1);
        let length = rng.random_range(1..=longest);
        // A string of `length` containing `position`, inside the movable part.
        let lowest = position.saturating_sub(length - 1).max(route.locked);
        let highest = position.min(route.len() - length);
        let start = if highest > lowest {
            rng.random_range(lowest..=highest)
        } else {
            lowest
        };
        chosen.extend(route.visits[start..start + length].iter().map(|v| v.job));
    }
    chosen
}
