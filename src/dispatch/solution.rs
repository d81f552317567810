//! A dispatch in progress: each engineer's scheduled route and the stock
//! left. Every change reschedules the route it touches, so the visits are
//! always consistent with the jobs.

use super::problem::Problem;
use super::schedule::{Cost, Free, Job, Visit, schedule_from, start_of, total};
use crate::scenario::EngineerIdx;

#[derive(Clone, Debug)]
pub struct Solution {
    /// Scheduled visits of each engineer, in order.
    pub routes: Vec<Vec<Visit>>,
    /// Units left, `[depot * parts + part]`.
    pub stock: Vec<u32>,
    pub engineer_of: Vec<Option<EngineerIdx>>,
    pub cost: Cost,
}

impl Solution {
    /// Nobody assigned, all stock on the shelf.
    pub fn empty(problem: &Problem) -> Self {
        let mut solution = Solution {
            routes: vec![Vec::new(); problem.scenario.engineers.len()],
            stock: problem.stock.clone(),
            engineer_of: vec![None; problem.len()],
            cost: Cost::default(),
        };
        solution.recompute_cost(problem);
        solution
    }

    pub fn recompute_cost(&mut self, problem: &Problem) {
        let routed = self
            .routes
            .iter()
            .fold(Cost::default(), |sum, r| sum.plus(total(r)));
        self.cost = (0..problem.len())
            .filter(|&i| self.engineer_of[i].is_none())
            .fold(routed, |sum, i| sum.plus(Cost::unassigned(problem, i)));
    }

    /// Where and when the engineer is free before position `position`.
    pub fn free_before(&self, problem: &Problem, engineer: EngineerIdx, position: usize) -> Free {
        match position
            .checked_sub(1)
            .and_then(|p| self.routes[engineer.index()].get(p))
        {
            Some(visit) => Free {
                place: problem.site_place[visit.job.incident],
                at: visit.finish,
            },
            None => start_of(problem, engineer),
        }
    }

    /// Incidents not in any route.
    pub fn unassigned(&self) -> Vec<usize> {
        (0..self.engineer_of.len())
            .filter(|&i| self.engineer_of[i].is_none())
            .collect()
    }

    /// Puts `visits` (the new job then the rescheduled tail) at `position`.
    pub fn insert(
        &mut self,
        problem: &Problem,
        engineer: EngineerIdx,
        position: usize,
        visits: Vec<Visit>,
    ) {
        let Some(first) = visits.first() else { return };
        let job = first.job;
        let slot = problem.stock_slot(job.depot, job.incident);
        self.stock[slot] = self.stock[slot].saturating_sub(1);
        self.engineer_of[job.incident] = Some(engineer);
        let route = &mut self.routes[engineer.index()];
        route.truncate(position);
        route.extend(visits);
    }

    /// Takes incidents out of their routes and returns their stock. Jobs
    /// after a removed one are rescheduled; any that no longer fit are
    /// removed too and returned with the others.
    pub fn remove(&mut self, problem: &Problem, incidents: &[usize]) -> Vec<usize> {
        let mut removed = Vec::new();
        let mut touched: Vec<EngineerIdx> = Vec::new();
        for &i in incidents {
            let Some(engineer) = self.engineer_of[i] else {
                continue;
            };
            let route = &mut self.routes[engineer.index()];
            if let Some(position) = route.iter().position(|v| v.job.incident == i) {
                let job = route.remove(position).job;
                let slot = problem.stock_slot(job.depot, i);
                self.stock[slot] += 1;
            }
            self.engineer_of[i] = None;
            removed.push(i);
            if !touched.contains(&engineer) {
                touched.push(engineer);
            }
        }
        for engineer in touched {
            removed.extend(self.reschedule(problem, engineer));
        }
        self.recompute_cost(problem);
        removed
    }

    /// Reschedules a route from its start, dropping jobs that no longer fit.
    fn reschedule(&mut self, problem: &Problem, engineer: EngineerIdx) -> Vec<usize> {
        let jobs: Vec<Job> = self.routes[engineer.index()]
            .iter()
            .map(|v| v.job)
            .collect();
        let mut kept: Vec<Visit> = Vec::with_capacity(jobs.len());
        let mut dropped = Vec::new();
        for job in jobs {
            let free = match kept.last() {
                Some(v) => Free {
                    place: problem.site_place[v.job.incident],
                    at: v.finish,
                },
                None => start_of(problem, engineer),
            };
            match schedule_from(problem, engineer, free, &[job]) {
                Some(mut visit) => kept.append(&mut visit),
                None => {
                    let slot = problem.stock_slot(job.depot, job.incident);
                    self.stock[slot] += 1;
                    self.engineer_of[job.incident] = None;
                    dropped.push(job.incident);
                }
            }
        }
        self.routes[engineer.index()] = kept;
        dropped
    }
}
