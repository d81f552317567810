//! Related (Shaw) removal: jobs close in place and deadline can swap
//! vehicles and supplies with each other, so remove them together.

use super::super::model::{Model, NEVER, NO_TIME};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The time a job is anchored to: its deadline, else its ready time.
fn anchor(model: &Model, job: usize) -> i64 {
    let j = &model.jobs[job];
    match j.deadline {
        Some(d) => d.at,
        None if j.ready > NO_TIME => j.ready,
        None => 0,
    }
}

pub fn choose(model: &Model, movable: &[usize], rng: &mut ChaCha8Rng, count: usize) -> Vec<usize> {
    let seed = movable[rng.random_range(0..movable.len())];
    let place = model.jobs[seed].place;
    let seed_anchor = anchor(model, seed);
    let mut scored: Vec<(i64, usize)> = movable
        .iter()
        .map(|&j| {
            let drive = model
                .matrix
                .time(place, model.jobs[j].place)
                .unwrap_or(NEVER);
            let apart = (anchor(model, j) - seed_anchor).abs();
            (drive.saturating_add(apart / 2), j)
        })
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(count).map(|(_, j)| j).collect()
}
