//! One vehicle's route with what makes changes cheap to evaluate: the cost
//! of every prefix and suffix, how much each visit may be delayed without
//! changing anything after it (its forward slack), whether a late job
//! follows, and carried-stock summaries of every prefix and suffix.
//!
//! Evaluating an insertion, a removal or a swapped-in tail re-times only
//! the visits next to the change: once a re-timed visit finishes within its
//! slack of the old time (or at the same time), the rest of the route keeps
//! its cost and feasibility, so its cached suffix cost is used as is.

use super::cost::Cost;
use super::features::capacity::{
    Piece, Summaries, drop_redundant_restocks, fits, fits_jobs, job_piece,
};
use super::features::return_to_base::{EndLeg, end_leg, end_slack};
use super::features::windows;
use super::model::{Model, NEVER, Time, Vehicle};
use super::schedule::{State, Visit, start_state, visit};

/// A scheduled route.
#[derive(Clone, Debug)]
pub struct Route {
    pub vehicle: usize,
    pub visits: Vec<Visit>,
    /// The end leg (meaningless for an empty route).
    pub end: EndLeg,
    /// Visits plus end leg; zero when empty.
    pub cost: Cost,
    /// Visits before this position are pinned: no move touches them.
    pub locked: usize,
    slack: Vec<Time>,
    late_after: Vec<bool>,
    prefix_cost: Vec<Cost>,
    suffix_cost: Vec<Cost>,
    prefix: Summaries,
    suffix: Summaries,
}

impl Route {
    /// An unused vehicle.
    pub fn empty(vehicle: usize) -> Route {
        Route {
            vehicle,
            visits: Vec::new(),
            end: EndLeg::default(),
            cost: Cost::default(),
            locked: 0,
            slack: Vec::new(),
            late_after: Vec::new(),
            prefix_cost: vec![Cost::default()],
            suffix_cost: vec![Cost::default()],
            prefix: Summaries::default(),
            suffix: Summaries::default(),
        }
    }

    /// Number of visits.
    pub fn len(&self) -> usize {
        self.visits.len()
    }

    /// Whether the vehicle is unused.
    pub fn is_empty(&self) -> bool {
        self.visits.is_empty()
    }

    /// The (job, supply) sequence.
    pub fn jobs(&self) -> Vec<(usize, usize)> {
        self.visits.iter().map(|v| (v.job, v.supply)).collect()
    }

    /// Where and when the vehicle is free before position `k`.
    #[inline]
    pub fn state_before(&self, model: &Model, k: usize) -> State {
        match k.checked_sub(1) {
            Some(p) => self.visits[p].state(model),
            None => start_state(&model.vehicles[self.vehicle]),
        }
    }

    /// Cost of the visits before position `k`.
    #[inline]
    pub fn prefix_cost(&self, k: usize) -> Cost {
        self.prefix_cost[k]
    }

    /// Cost of the visits from position `k` on plus the end leg.
    #[inline]
    pub fn suffix_cost(&self, k: usize) -> Cost {
        self.suffix_cost[k]
    }

    /// Carried-stock summary of the visits before position `k`.
    #[inline]
    pub fn prefix_piece(&self, k: usize) -> Piece<'_> {
        self.prefix.piece(k)
    }

    /// Carried-stock summary of the visits from position `k` on.
    #[inline]
    pub fn suffix_piece(&self, k: usize) -> Piece<'_> {
        self.suffix.piece(k)
    }

    /// The cost of visits `k..` and the end leg when `vehicle` reaches the
    /// job at `k` from `from`; `None` if infeasible. With `same_timing` (the
    /// vehicle times like this route's) re-timing stops as soon as a visit
    /// finishes within its slack.
    pub fn tail_cost(
        &self,
        model: &Model,
        vehicle: &Vehicle,
        k: usize,
        mut from: State,
        same_timing: bool,
    ) -> Option<Cost> {
        let n = self.visits.len();
        let mut sum = Cost::default();
        for i in k..n {
            let old = &self.visits[i];
            let v = visit(model, vehicle, from, old.job, old.supply)?;
            sum = sum.plus(v.cost);
            if same_timing {
                let delay = v.finish - old.finish;
                if delay == 0
                    || (delay > 0 && delay <= self.slack[i])
                    || (delay < 0 && !self.late_after[i])
                {
                    return Some(sum.plus(self.suffix_cost[i + 1]));
                }
            }
            from = v.state(model);
        }
        let leg = end_leg(model, vehicle, from.place, from.at)?;
        Some(sum.plus(Cost::travel(leg.cost)))
    }

    /// Whether this route's timing caches apply to `vehicle`.
    #[inline]
    pub fn same_timing(&self, model: &Model, vehicle: usize) -> bool {
        model.timing_class[vehicle] == model.timing_class[self.vehicle]
    }

    /// The route's cost with `job` (supply `supply`) inserted at `position`;
    /// `None` if infeasible. Depot stock and skills are the caller's.
    #[inline]
    pub fn cost_with_insertion(
        &self,
        model: &Model,
        position: usize,
        job: usize,
        supply: usize,
    ) -> Option<Cost> {
        let vehicle = &model.vehicles[self.vehicle];
        if model.has_resources {
            let j = &model.jobs[job];
            let pieces = [
                self.prefix.piece(position),
                job_piece(j, &j.supplies[supply]),
                self.suffix.piece(position),
            ];
            if !fits(model, vehicle, &pieces) {
                return None;
            }
        }
        if model.jobs[job].supplies[supply].is_restock() && self.suffix.piece(position).restock {
            // A later restock may become redundant: evaluate the whole route.
            let mut jobs = self.jobs();
            jobs.insert(position, (job, supply));
            drop_redundant_restocks(model, vehicle, &mut jobs);
            return Route::cost_of_jobs(model, self.vehicle, &jobs);
        }
        let from = self.state_before(model, position);
        let v = visit(model, vehicle, from, job, supply)?;
        let tail = self.tail_cost(model, vehicle, position, v.state(model), true)?;
        Some(self.prefix_cost[position].plus(v.cost).plus(tail))
    }

    /// The route's cost with the visit at `position` replaced by `job`
    /// (supply `supply`); `None` if infeasible.
    pub fn cost_with_replacement(
        &self,
        model: &Model,
        position: usize,
        job: usize,
        supply: usize,
    ) -> Option<Cost> {
        let vehicle = &model.vehicles[self.vehicle];
        if model.has_resources {
            let j = &model.jobs[job];
            let pieces = [
                self.prefix.piece(position),
                job_piece(j, &j.supplies[supply]),
                self.suffix.piece(position + 1),
            ];
            if !fits(model, vehicle, &pieces) {
                return None;
            }
        }
        let from = self.state_before(model, position);
        let v = visit(model, vehicle, from, job, supply)?;
        let tail = self.tail_cost(model, vehicle, position + 1, v.state(model), true)?;
        Some(self.prefix_cost[position].plus(v.cost).plus(tail))
    }

    /// The cost of `vehicle` serving `jobs` in order from its start;
    /// `None` if infeasible. Re-times everything: for moves inside a route.
    pub fn cost_of_jobs(model: &Model, vehicle: usize, jobs: &[(usize, usize)]) -> Option<Cost> {
        if jobs.is_empty() {
            return Some(Cost::default());
        }
        let v = &model.vehicles[vehicle];
        if model.has_resources && !fits_jobs(model, v, jobs) {
            return None;
        }
        let mut from = start_state(v);
        let mut sum = Cost::default();
        for &(job, supply) in jobs {
            let visit = visit(model, v, from, job, supply)?;
            sum = sum.plus(visit.cost);
            from = visit.state(model);
        }
        let leg = end_leg(model, v, from.place, from.at)?;
        Some(sum.plus(Cost::travel(leg.cost)))
    }

    /// The route's cost without the visit at `position`; `None` if the rest
    /// becomes infeasible.
    pub fn cost_without(&self, model: &Model, position: usize) -> Option<Cost> {
        if self.visits.len() == 1 {
            return Some(Cost::default());
        }
        let vehicle = &model.vehicles[self.vehicle];
        if model.has_resources
            && !fits(
                model,
                vehicle,
                &[self.prefix.piece(position), self.suffix.piece(position + 1)],
            )
        {
            return None;
        }
        let from = self.state_before(model, position);
        let tail = self.tail_cost(model, vehicle, position + 1, from, true)?;
        Some(self.prefix_cost[position].plus(tail))
    }

    /// Replaces the visits from position `keep` on by `jobs` scheduled in
    /// order; `false` (route unchanged) if infeasible.
    pub fn set_tail(&mut self, model: &Model, keep: usize, jobs: &[(usize, usize)]) -> bool {
        let vehicle = &model.vehicles[self.vehicle];
        let mut visits: Vec<Visit> = self.visits[..keep].to_vec();
        visits.reserve(jobs.len());
        let mut from = self.state_before(model, keep);
        for &(job, supply) in jobs {
            let Some(v) = visit(model, vehicle, from, job, supply) else {
                return false;
            };
            from = v.state(model);
            visits.push(v);
        }
        let end = if visits.is_empty() {
            EndLeg::default()
        } else {
            match end_leg(model, vehicle, from.place, from.at) {
                Some(end) => end,
                None => return false,
            }
        };
        if model.has_resources {
            let all: Vec<(usize, usize)> = visits.iter().map(|v| (v.job, v.supply)).collect();
            if !fits_jobs(model, vehicle, &all) {
                return false;
            }
        }
        self.visits = visits;
        self.end = end;
        self.refresh(model);
        true
    }

    /// Replaces all visits by `jobs` in order; `false` if infeasible.
    pub fn set_jobs(&mut self, model: &Model, jobs: &[(usize, usize)]) -> bool {
        self.set_tail(model, 0, jobs)
    }

    /// Serves redundant restocks from the vehicle when that is cheaper
    /// (see [`drop_redundant_restocks`]); returns whether the route changed.
    pub fn normalize_restocks(&mut self, model: &Model) -> bool {
        if !model.has_resources {
            return false;
        }
        let mut jobs = self.jobs();
        if !drop_redundant_restocks(model, &model.vehicles[self.vehicle], &mut jobs) {
            return false;
        }
        match Route::cost_of_jobs(model, self.vehicle, &jobs) {
            Some(cost) if cost.is_better(&self.cost) => self.set_jobs(model, &jobs),
            _ => false,
        }
    }

    /// Schedules `jobs` in order, dropping any that cannot be served where
    /// it stands; returns the dropped jobs.
    pub fn set_jobs_dropping(&mut self, model: &Model, jobs: &[(usize, usize)]) -> Vec<usize> {
        if self.set_jobs(model, jobs) {
            return Vec::new();
        }
        let vehicle = &model.vehicles[self.vehicle];
        let mut kept: Vec<(usize, usize)> = Vec::with_capacity(jobs.len());
        let mut visits: Vec<Visit> = Vec::with_capacity(jobs.len());
        let mut dropped = Vec::new();
        let mut from = start_state(vehicle);
        for &(job, supply) in jobs {
            let fits_stock = !model.has_resources || {
                kept.push((job, supply));
                let ok = fits_jobs(model, vehicle, &kept);
                kept.pop();
                ok
            };
            match visit(model, vehicle, from, job, supply).filter(|_| fits_stock) {
                Some(v) => {
                    from = v.state(model);
                    visits.push(v);
                    kept.push((job, supply));
                }
                None => dropped.push(job),
            }
        }
        // The end leg: drop from the end until the vehicle gets home in time.
        while let Some(last) = visits.last() {
            if end_leg(model, vehicle, model.jobs[last.job].place, last.finish).is_some() {
                break;
            }
            dropped.push(last.job);
            visits.pop();
        }
        self.visits = visits;
        self.end = match self.visits.last() {
            Some(last) => {
                end_leg(model, vehicle, model.jobs[last.job].place, last.finish).unwrap_or_default()
            }
            None => EndLeg::default(),
        };
        self.refresh(model);
        dropped
    }

    /// Recomputes costs, slacks and summaries from the visits.
    fn refresh(&mut self, model: &Model) {
        let n = self.visits.len();
        let vehicle = &model.vehicles[self.vehicle];
        self.prefix_cost.clear();
        self.prefix_cost.push(Cost::default());
        for v in &self.visits {
            let last = *self.prefix_cost.last().expect("seeded");
            self.prefix_cost.push(last.plus(v.cost));
        }
        self.suffix_cost.clear();
        self.suffix_cost.resize(n + 1, Cost::default());
        if n > 0 {
            self.suffix_cost[n] = Cost::travel(self.end.cost);
            for k in (0..n).rev() {
                self.suffix_cost[k] = self.suffix_cost[k + 1].plus(self.visits[k].cost);
            }
        }
        self.cost = self.suffix_cost[0];
        self.slack.clear();
        self.slack.resize(n, NEVER);
        self.late_after.clear();
        self.late_after.resize(n, false);
        if n > 0 {
            self.slack[n - 1] = end_slack(vehicle, &self.end);
            for k in (0..n - 1).rev() {
                let next = &self.visits[k + 1];
                let onward = next.own_slack(model).min(self.slack[k + 1]);
                self.slack[k] = next.idle.saturating_add(onward).min(NEVER);
                self.late_after[k] =
                    self.late_after[k + 1] || windows::is_late(&model.jobs[next.job], next.start);
            }
        }
        if model.has_resources {
            let jobs = self.jobs();
            self.prefix = Summaries::prefixes(model, jobs.iter().copied());
            self.suffix = Summaries::suffixes(model, &jobs);
        }
    }
}
