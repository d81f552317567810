//! Late removal: take out late jobs and the jobs just before them in their
//! routes, which are what made them late.

use super::super::features::windows::is_late;
use super::super::model::Model;
use super::super::solution::Solution;
use super::random;
use rand_chacha::ChaCha8Rng;

pub fn choose(
    model: &Model,
    solution: &Solution,
    movable: &[usize],
    rng: &mut ChaCha8Rng,
    count: usize,
) -> Vec<usize> {
    let mut chosen = Vec::new();
    for route in &solution.routes {
        for (k, visit) in route.visits.iter().enumerate().skip(route.locked) {
            if is_late(&model.jobs[visit.job], visit.start) {
                chosen.push(visit.job);
                if let Some(before) = k.checked_sub(1)
                    && before >= route.locked
                {
                    chosen.push(route.visits[before].job);
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
    let rest: Vec<usize> = movable
        .iter()
        .copied()
        .filter(|j| chosen.binary_search(j).is_err())
        .collect();
    let more = count - chosen.len();
    chosen.extend(random::choose(&rest, rng, more));
    chosen
}
