//! Random removal: diversifies the search.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

pub fn choose(movable: &[usize], rng: &mut ChaCha8Rng, count: usize) -> Vec<usize> {
    let mut pool = movable.to_vec();
    let mut chosen = Vec::with_capacity(count);
    while chosen.len() < count && !pool.is_empty() {
        let k = rng.random_range(0..pool.len());
        chosen.push(pool.swap_remove(k));
    }
    chosen
}
