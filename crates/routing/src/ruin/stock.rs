//! Stock removal: take out late jobs together with the jobs holding units
//! of the depot stock they prefer. A late job's nearest unit is often taken
//! by a job that could have used another depot; re-inserting both lets
//! them swap.

use super::super::features::windows::is_late;
use super::super::model::{Model, Supply};
use super::super::solution::Solution;
use super::random;
use rand_chacha::ChaCha8Rng;

/// Preferred stock slots of a late job whose holders are taken out.
const PREFERRED_SLOTS: usize = 4;

pub fn choose(
    model: &Model,
    solution: &Solution,
    movable: &[usize],
    rng: &mut ChaCha8Rng,
    count: usize,
) -> Vec<usize> {
    let mut late = Vec::new();
    let mut wanted = Vec::new();
    for route in &solution.routes {
        for visit in route.visits.iter().skip(route.locked) {
            let job = &model.jobs[visit.job];
            if is_late(job, visit.start) {
                late.push(visit.job);
                wanted.extend(preferred_slots(model, visit.job));
            }
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let mut holders = Vec::new();
    for route in &solution.routes {
        for visit in route.visits.iter().skip(route.locked) {
            let slot = model.jobs[visit.job].supplies[visit.supply].stock_slot();
            if slot.is_some_and(|s| wanted.binary_search(&s).is_ok()) && !late.contains(&visit.job)
            {
                holders.push(visit.job);
            }
        }
    }
    if late.is_empty() || holders.is_empty() {
        return random::choose(movable, rng, count);
    }
    // Half the budget for late jobs, the rest for holders.
    let mut chosen = random::choose(&late, rng, count.div_ceil(2).min(late.len()));
    chosen.extend(random::choose(&holders, rng, count - chosen.len()));
    chosen
}

/// The first distinct depot stock slots of `job`'s supplies that could
/// bring the part by its deadline, in its order of preference. A job late
/// whatever the stock (its deadline before any arrival) prefers none.
fn preferred_slots(model: &Model, job: usize) -> Vec<usize> {
    let j = &model.jobs[job];
    let Some(deadline) = j.deadline else {
        return Vec::new();
    };
    let in_time = |supply: &&Supply| match **supply {
        // No depot stock to prefer.
        Supply::Carried | Supply::Delivered { .. } => false,
        Supply::Courier { arrives, .. } => arrives <= deadline.at,
        Supply::Pickup {
            depot, handling, ..
        } => {
            let drive = model.matrix.time(depot, j.place);
            drive.is_some_and(|d| j.release.saturating_add(handling + d) <= deadline.at)
        }
    };
    let mut slots = Vec::new();
    for slot in j
        .supplies
        .iter()
        .filter(in_time)
        .filter_map(Supply::stock_slot)
    {
        if slots.len() == PREFERRED_SLOTS {
            break;
        }
        if !slots.contains(&slot) {
            slots.push(slot);
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Cost;
    use crate::model::{Deadline, Job, Matrix, ModelSpec, Vehicle};
    use rand::SeedableRng;

    fn courier(slot: usize, arrives: i64) -> Supply {
        Supply::Courier {
            depot: 0,
            leaves: 0,
            arrives,
            cost: 0.0,
            stock: Some(slot),
        }
    }

    /// Job 0 holds the only unit that could bring job 1's part in time;
    /// job 1 makes do with a late one; job 2 needs no stock.
    fn contended() -> (Model, Solution) {
        let deadline = Some(Deadline {
            at: 100,
            hard: false,
        });
        let model = ModelSpec {
            jobs: vec![
                Job {
                    supplies: vec![courier(0, 50)],
                    ..Job::at(1, 5, Cost::travel(1e6))
                },
                Job {
                    deadline,
                    breach_weight: 1.0,
                    supplies: vec![courier(0, 50), courier(1, 200)],
                    ..Job::at(1, 5, Cost::travel(1e6))
                },
                Job::at(1, 5, Cost::travel(1e6)),
            ],
            vehicles: vec![Vehicle::at(0, 0), Vehicle::at(0, 0)],
            matrix: Matrix::from_times(2, vec![Some(0), Some(10), Some(10), Some(0)], 1.0)
                .expect("square"),
            shifts: Vec::new(),
            depot_stock: vec![1, 1],
            dims: 0,
            restock_level: Vec::new(),
        }
        .build()
        .expect("valid model");
        let mut solution = Solution::empty(&model);
        assert!(solution.insert(&model, 0, 0, 0, 0));
        assert!(solution.insert(&model, 1, 0, 1, 1));
        assert!(solution.insert(&model, 1, 1, 2, 0));
        (model, solution)
    }

    #[test]
    fn takes_late_jobs_with_the_holders_of_their_stock() {
        let (model, solution) = contended();
        let movable = [0, 1, 2];
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for count in [2, 3] {
            let mut chosen = choose(&model, &solution, &movable, &mut rng, count);
            chosen.sort_unstable();
            assert_eq!(chosen, vec![0, 1], "count {count}");
        }
        // A unit that cannot arrive in time is not preferred.
        assert_eq!(preferred_slots(&model, 1), vec![0]);
    }

    #[test]
    fn without_late_jobs_removes_at_random() {
        let (model, mut solution) = contended();
        solution.remove(&model, &[1]);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let chosen = choose(&model, &solution, &[0, 2], &mut rng, 1);
        assert_eq!(chosen.len(), 1);
    }
}
