//! Ruin operators of the large neighbourhood search: each picks jobs to take
//! out of the current solution (one file per operator).

mod late;
mod random;
mod related;
mod route;
mod stock;
mod string;

use super::model::Model;
use super::neighbours::Neighbours;
use super::solution::Solution;
use rand_chacha::ChaCha8Rng;

/// A way to choose jobs to remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ruin {
    /// Uniformly at random.
    Random,
    /// A seed job and those nearest to it in place and time.
    Related,
    /// Late jobs and their route predecessors.
    Late,
    /// A whole route segment of one vehicle.
    Route,
    /// Strings of consecutive jobs from routes near a seed.
    String,
    /// Late jobs and the jobs holding the depot stock they prefer.
    Stock,
}

impl Ruin {
    /// Every operator.
    pub const ALL: [Ruin; 6] = [
        Ruin::Random,
        Ruin::Related,
        Ruin::Late,
        Ruin::Route,
        Ruin::String,
        Ruin::Stock,
    ];

    /// The operators that apply to `model`: stock removal only where jobs
    /// share depot stock.
    pub fn applicable(model: &Model) -> &'static [Ruin] {
        if model.depot_stock.is_empty() {
            &Ruin::ALL[..5]
        } else {
            &Ruin::ALL
        }
    }

    /// Up to `count` assigned, unpinned jobs to remove.
    pub fn choose(
        self,
        model: &Model,
        solution: &Solution,
        neighbours: &Neighbours,
        rng: &mut ChaCha8Rng,
        count: usize,
    ) -> Vec<usize> {
        let movable: Vec<usize> = (0..model.len())
            .filter(|&j| solution.at[j].is_some_and(|(v, k)| k >= solution.routes[v].locked))
            .collect();
        if movable.is_empty() {
            return Vec::new();
        }
        match self {
            Ruin::Random => random::choose(&movable, rng, count),
            Ruin::Related => related::choose(model, &movable, rng, count),
            Ruin::Late => late::choose(model, solution, &movable, rng, count),
            Ruin::Route => route::choose(solution, rng, count),
            Ruin::String => string::choose(solution, neighbours, &movable, rng, count),
            Ruin::Stock => stock::choose(model, solution, &movable, rng, count),
        }
    }
}
