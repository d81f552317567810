//! Late removal: take out late incidents and the jobs just before them in
//! their routes, which are what made them late.

use super::super::problem::Problem;
use super::super::solution::Solution;
use super::random;
use rand_chacha::ChaCha8Rng;

pub fn choose(
    problem: &Problem,
    solution: &Solution,
    assigned: &[usize],
    rng: &mut ChaCha8Rng,
    count: usize,
) -> Vec<usize> {
    let mut chosen = Vec::new();
    for route in &solution.routes {
        for (k, visit) in route.iter().enumerate() {
            if visit.arrive > problem.deadline[visit.job.incident] {
                chosen.push(visit.job.incident);
                if let Some(before) = k.checked_sub(1) {
                    chosen.push(route[before].job.incident);
                }
            }
        }
    }
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.len() > count {
        return random::choose(&chosen, rng, count);
    }
    // Nothing (or too little) late: fill up at random.
    let rest: Vec<usize> = assigned
        .iter()
        .copied()
        .filter(|i| !chosen.contains(i))
        .collect();
    let more = count - chosen.len();
    chosen.extend(random::choose(&rest, rng, more));
    chosen
}
