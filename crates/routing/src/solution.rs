//! A solution in progress: every vehicle's route, the depot stock left,
//! where each job is. Every change reschedules the route it touches, so
//! visits, caches and cost always agree with the job sequences.

use super::cost::Cost;
use super::features::capacity::drop_redundant_restocks;
use super::features::supply::in_stock;
use super::model::{Model, Supply};
use super::route::Route;

/// Routes, stock and the position of every job.
#[derive(Clone, Debug)]
pub struct Solution {
    /// One route per vehicle, in vehicle order.
    pub routes: Vec<Route>,
    /// Depot units left, by stock slot.
    pub stock: Vec<u32>,
    /// (vehicle, position) of each served job.
    pub at: Vec<Option<(usize, usize)>>,
    pub cost: Cost,
    /// Routes changed since [`Solution::clear_touched`].
    pub touched: Vec<bool>,
}

impl Solution {
    /// Nothing served, all stock on the shelf.
    pub fn empty(model: &Model) -> Solution {
        let mut solution = Solution {
            routes: (0..model.vehicles.len()).map(Route::empty).collect(),
            stock: model.depot_stock.clone(),
            at: vec![None; model.len()],
            cost: Cost::default(),
            touched: vec![false; model.vehicles.len()],
        };
        solution.recompute_cost(model);
        solution
    }

    /// Routes plus the cost of every unserved job.
    pub fn recompute_cost(&mut self, model: &Model) {
        let routed = self
            .routes
            .iter()
            .fold(Cost::default(), |sum, r| sum.plus(r.cost));
        self.cost = self
            .at
            .iter()
            .enumerate()
            .filter(|(_, at)| at.is_none())
            .fold(routed, |sum, (j, _)| sum.plus(model.jobs[j].unassigned));
    }

    /// Jobs not in any route, ascending.
    pub fn unassigned(&self) -> Vec<usize> {
        (0..self.at.len())
            .filter(|&j| self.at[j].is_none())
            .collect()
    }

    /// Jobs in routes, ascending.
    pub fn assigned(&self) -> Vec<usize> {
        (0..self.at.len())
            .filter(|&j| self.at[j].is_some())
            .collect()
    }

    /// Number of vehicles used.
    pub fn vehicles_used(&self) -> usize {
        self.routes.iter().filter(|r| !r.is_empty()).count()
    }

    /// Forgets which routes changed.
    pub fn clear_touched(&mut self) {
        self.touched.iter_mut().for_each(|t| *t = false);
    }

    fn sync_positions(&mut self, vehicle: usize) {
        self.touched[vehicle] = true;
        for (k, v) in self.routes[vehicle].visits.iter().enumerate() {
            self.at[v.job] = Some((vehicle, k));
        }
    }

    /// Inserts `job` with `supply` at `position` of `vehicle`'s route and
    /// takes its depot unit; `false` (nothing changed) if infeasible.
    pub fn insert(
        &mut self,
        model: &Model,
        vehicle: usize,
        position: usize,
        job: usize,
        supply: usize,
    ) -> bool {
        let route = &self.routes[vehicle];
        let inserted = if model.jobs[job].supplies[supply].is_restock()
            && route.suffix_piece(position).restock
        {
            // As evaluated: with the restocks it makes redundant dropped.
            let mut jobs = route.jobs();
            jobs.insert(position, (job, supply));
            let before = jobs.clone();
            drop_redundant_restocks(model, &model.vehicles[vehicle], &mut jobs);
            let ok = self.routes[vehicle].set_jobs(model, &jobs);
            if ok {
                self.move_units(model, &before, &jobs);
            }
            ok
        } else {
            let mut tail = Vec::with_capacity(route.len() - position + 1);
            tail.push((job, supply));
            tail.extend(route.visits[position..].iter().map(|v| (v.job, v.supply)));
            self.routes[vehicle].set_tail(model, position, &tail)
        };
        if !inserted {
            return false;
        }
        if let Some(slot) = model.jobs[job].supplies[supply].stock_slot() {
            self.stock[slot] = self.stock[slot].saturating_sub(1);
        }
        self.normalize(model, vehicle);
        self.sync_positions(vehicle);
        self.recompute_cost(model);
        true
    }

    /// Pins `jobs` (job, supply) as the head of `vehicle`'s empty route, in
    /// order, taking their depot units: no move changes them afterwards and
    /// other jobs go after them. `false` (nothing changed) if a unit is
    /// missing or the sequence is infeasible.
    pub fn pin(&mut self, model: &Model, vehicle: usize, jobs: &[(usize, usize)]) -> bool {
        let mut stock = self.stock.clone();
        for &(job, supply) in jobs {
            if self.at[job].is_some() {
                return false;
            }
            if let Some(slot) = model.jobs[job].supplies[supply].stock_slot() {
                if stock[slot] == 0 {
                    return false;
                }
                stock[slot] -= 1;
            }
        }
        if !self.routes[vehicle].is_empty() || !self.routes[vehicle].set_jobs(model, jobs) {
            return false;
        }
        self.routes[vehicle].locked = jobs.len();
        self.stock = stock;
        self.sync_positions(vehicle);
        self.recompute_cost(model);
        true
    }

    /// Sets `vehicle`'s route to `jobs` (their depot units already held);
    /// `false` (nothing changed) if infeasible. Jobs leaving this route must
    /// be placed elsewhere by the caller.
    pub fn set_route(&mut self, model: &Model, vehicle: usize, jobs: &[(usize, usize)]) -> bool {
        for v in &self.routes[vehicle].visits {
            if self.at[v.job].is_some_and(|(r, _)| r == vehicle) {
                self.at[v.job] = None;
            }
        }
        let ok = self.routes[vehicle].set_jobs(model, jobs);
        if ok {
            self.normalize(model, vehicle);
        }
        self.sync_positions(vehicle);
        ok
    }

    /// Drops redundant restocks of a route, moving their depot units back.
    fn normalize(&mut self, model: &Model, vehicle: usize) {
        let before = self.routes[vehicle].jobs();
        if !self.routes[vehicle].normalize_restocks(model) {
            return;
        }
        let after = self.routes[vehicle].jobs();
        self.move_units(model, &before, &after);
    }

    /// Moves depot units between the supplies of the same jobs before and after.
    fn move_units(&mut self, model: &Model, before: &[(usize, usize)], after: &[(usize, usize)]) {
        for (old, new) in before.iter().zip(after) {
            if old.1 != new.1 {
                let supplies = &model.jobs[old.0].supplies;
                if let Some(slot) = supplies[old.1].stock_slot() {
                    self.stock[slot] += 1;
                }
                if let Some(slot) = supplies[new.1].stock_slot() {
                    self.stock[slot] = self.stock[slot].saturating_sub(1);
                }
            }
        }
    }

    /// Takes jobs out of their routes and returns their depot units. A
    /// removed restock passes to the next job of its route when that job can
    /// restock at the same depot; jobs that no longer fit where they stand
    /// are removed too. Returns every removed job.
    pub fn remove(&mut self, model: &Model, jobs: &[usize]) -> Vec<usize> {
        let mut removed: Vec<usize> = Vec::with_capacity(jobs.len());
        let mut touched: Vec<usize> = Vec::new();
        let mut out = vec![false; model.len()];
        for &j in jobs {
            let Some((vehicle, position)) = self.at[j] else {
                continue;
            };
            if position < self.routes[vehicle].locked {
                continue;
            }
            out[j] = true;
            removed.push(j);
            if !touched.contains(&vehicle) {
                touched.push(vehicle);
            }
        }
        for vehicle in touched {
            let mut kept: Vec<(usize, usize)> = Vec::new();
            let mut restock_lost: Option<usize> = None;
            for v in &self.routes[vehicle].visits {
                let supply = &model.jobs[v.job].supplies[v.supply];
                if out[v.job] {
                    if let Some(slot) = supply.stock_slot() {
                        self.stock[slot] += 1;
                    }
                    self.at[v.job] = None;
                    if supply.is_restock() {
                        restock_lost = supply.depot();
                    }
                    continue;
                }
                let mut chosen = v.supply;
                if let Some(depot) = restock_lost.take()
                    && !supply.is_restock()
                    && let Some(s) = model.jobs[v.job].supplies.iter().position(|s| {
                        matches!(s, Supply::Pickup { depot: d, restock: true, .. } if *d == depot)
                            && in_stock(&self.stock, s)
                    })
                {
                    if let Some(slot) = supply.stock_slot() {
                        self.stock[slot] += 1;
                    }
                    if let Some(slot) = model.jobs[v.job].supplies[s].stock_slot() {
                        self.stock[slot] -= 1;
                    }
                    chosen = s;
                }
                kept.push((v.job, chosen));
            }
            let dropped = self.routes[vehicle].set_jobs_dropping(model, &kept);
            for j in dropped {
                let (_, supply) = kept.iter().copied().find(|&(k, _)| k == j).expect("kept");
                if let Some(slot) = model.jobs[j].supplies[supply].stock_slot() {
                    self.stock[slot] += 1;
                }
                self.at[j] = None;
                removed.push(j);
            }
            self.sync_positions(vehicle);
        }
        self.recompute_cost(model);
        removed
    }
}
