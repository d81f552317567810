//! Related (Shaw) removal: incidents close in place and deadline can swap
//! engineers and depots with each other, so remove them together.

use super::super::problem::Problem;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

pub fn choose(
    problem: &Problem,
    assigned: &[usize],
    rng: &mut ChaCha8Rng,
    count: usize,
) -> Vec<usize> {
    let seed = assigned[rng.random_range(0..assigned.len())];
    let place = problem.site_place[seed];
    let mut scored: Vec<(i64, usize)> = assigned
        .iter()
        .map(|&i| {
            let drive = problem
                .drive(place, problem.site_place[i])
                .unwrap_or(i64::MAX / 4);
            let apart = (problem.deadline[i] - problem.deadline[seed]).abs();
            (drive + apart / 2, i)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(count).map(|(_, i)| i).collect()
}
