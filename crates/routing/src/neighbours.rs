//! Granular neighbourhoods: for each job the nearest other jobs by travel
//! (both directions). Local search tries moves only between neighbours and
//! string removal ruins routes near a seed, which keeps both proportional
//! to the number of jobs rather than its square.

use super::model::{Model, Time};
use rayon::prelude::*;

/// Nearest jobs of every job, nearest first.
#[derive(Clone, Debug, Default)]
pub struct Neighbours {
    lists: Vec<Vec<usize>>,
}

impl Neighbours {
    /// Up to `k` nearest neighbours of each job.
    pub fn build(model: &Model, k: usize) -> Neighbours {
        let n = model.len();
        // Rows are independent: built in parallel, each the same on any
        // number of threads.
        let lists = (0..n)
            .into_par_iter()
            .map(|a| {
                let pa = model.jobs[a].place;
                let mut scored: Vec<(Time, usize)> = (0..n)
                    .filter(|&b| b != a)
                    .filter_map(|b| {
                        let pb = model.jobs[b].place;
                        let there = model.matrix.time(pa, pb)?;
                        let back = model.matrix.time(pb, pa)?;
                        Some((there.min(back), b))
                    })
                    .collect();
                let keep = k.min(scored.len());
                if keep < scored.len() {
                    scored.select_nth_unstable(keep);
                    scored.truncate(keep);
                }
                scored.sort_unstable();
                scored.into_iter().map(|(_, b)| b).collect()
            })
            .collect();
        Neighbours { lists }
    }

    /// The neighbours of `job`, nearest first.
    pub fn of(&self, job: usize) -> &[usize] {
        &self.lists[job]
    }
}
