//! Ruin operators of the large neighbourhood search: each picks incidents
//! to take out of the current dispatch (one file per operator).

mod late;
mod random;
mod related;
mod route;

use super::problem::Problem;
use super::solution::Solution;
use rand_chacha::ChaCha8Rng;

/// A way to choose incidents to remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ruin {
    /// Uniformly at random.
    Random,
    /// A seed incident and those nearest to it in place and time.
    Related,
    /// Late incidents and their route neighbours.
    Late,
    /// A whole route segment of one engineer.
    Route,
}

impl Ruin {
    pub const ALL: [Ruin; 4] = [Ruin::Random, Ruin::Related, Ruin::Late, Ruin::Route];

    /// Up to `count` assigned incidents to remove.
    pub fn choose(
        self,
        problem: &Problem,
        solution: &Solution,
        rng: &mut ChaCha8Rng,
        count: usize,
    ) -> Vec<usize> {
        let assigned: Vec<usize> = (0..problem.len())
            .filter(|&i| solution.engineer_of[i].is_some())
            .collect();
        if assigned.is_empty() {
            return Vec::new();
        }
        match self {
            Ruin::Random => random::choose(&assigned, rng, count),
            Ruin::Related => related::choose(problem, &assigned, rng, count),
            Ruin::Late => late::choose(problem, solution, &assigned, rng, count),
            Ruin::Route => route::choose(solution, rng, count),
        }
    }
}
