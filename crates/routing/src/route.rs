//! One vehicle's route with what makes changes cheap to evaluate: the cost
//! of every prefix and suffix, how much each visit may be delayed without
//! changing anything after it (its forward slack), whether a late job
//! follows, and carried-stock summaries of every prefix and suffix.
//!
//! Evaluating an insertion, a removal or a swapped-in tail re-times only
//! the visits next to the change: once a re-timed visit finishes within its
//! slack of the old time (or at the same time), the rest of the route keeps
//! its cost and feasibility, so its cached suffix cost is used as is.
//!
//! Paid time (when the model prices it, [`crate::model::Pay`]) is kept the
//! same way: every prefix's idle time and forward slack ([`Head`]) and every
//! suffix's least forward slack give the delayed departure and the return of
//! a changed route without re-timing the unchanged rest (Savelsbergh's
//! forward time slack).

use super::cost::Cost;
use super::features::capacity::{
    Piece, Summaries, drop_redundant_restocks, fits, fits_jobs, job_piece,
};
use super::features::paid::{DayPaid, Head, trip_cost, trip_days};
use super::features::return_to_base::{EndLeg, end_leg, end_slack};
use super::features::windows;
use super::model::{Model, NEVER, Time, Vehicle};
use super::placement::{best_cost, best_cost_after, best_timing};
use super::schedule::{State, Visit, start_state, visit};
use std::cmp::Ordering;
use std::sync::Arc;

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
    /// Paid time, day by day summed ([`crate::features::paid`]; zero when empty).
    pub paid: Time,
    /// Overtime, day by day summed.
    pub overtime: Time,
    /// Each working day's paid time and overtime, in order.
    pub days: Vec<DayPaid>,
    /// The departure from the start, delayed by the model's
    /// [`Pay::departure`](crate::model::Pay::departure) rule without
    /// changing anything after it (meaningless when empty).
    pub departure: Time,
    slack: Vec<Time>,
    /// `heads[k]`: the paid-time summary of the visits before `k`.
    heads: Vec<Head>,
    /// `onward[k]`: the least forward-slack term of the visits from `k` to
    /// the end of the trip of visit `k - 1` and of that trip's end, as
    /// counted from the trip's start.
    onward: Vec<Time>,
    /// `trip_last[k]`: the last visit of visit `k`'s trip.
    trip_last: Vec<usize>,
    /// `pay_from[k]`, `k` the first visit of a trip (or the length): what
    /// the trips from it on cost.
    pay_from: Vec<f64>,
    late_after: Vec<bool>,
    prefix_cost: Vec<Cost>,
    suffix_cost: Vec<Cost>,
    prefix: Summaries,
    suffix: Summaries,
    /// For a vehicle whose breaks are placed over the route, where that
    /// timing gives bounds ([`bounds_by_bare_timing`]): the same jobs timed
    /// as if the vehicle took no break. A break only makes the vehicle free
    /// later, so a change of this route costs at least what it costs there
    /// ([`Estimate`]), found incrementally before any break is placed.
    /// Shared between clones of a solution: cloning it is a pointer copy.
    bare: Option<Arc<Route>>,
    /// This route times its vehicle without breaks ([`Model::unrested`]):
    /// the bare timing of another route.
    unrested: bool,
}

/// What a changed route is known to cost before its breaks are placed.
#[derive(Clone, Copy, Debug)]
pub enum Estimate {
    /// No timing is feasible.
    Infeasible,
    /// The cost itself (a route without bounds: timed exactly).
    Exact(Cost),
    /// No timing costs less: the cost without breaks.
    AtLeast(Cost),
}

impl Estimate {
    #[inline]
    fn exact(cost: Option<Cost>) -> Estimate {
        cost.map_or(Estimate::Infeasible, Estimate::Exact)
    }

    #[inline]
    fn at_least(cost: Option<Cost>) -> Estimate {
        cost.map_or(Estimate::Infeasible, Estimate::AtLeast)
    }

    /// The cost itself: `exact()` is asked only for a bound.
    #[inline]
    pub fn resolve(self, exact: impl FnOnce() -> Option<Cost>) -> Option<Cost> {
        match self {
            Estimate::Infeasible => None,
            Estimate::Exact(cost) => Some(cost),
            Estimate::AtLeast(_) => exact(),
        }
    }

    /// The least the change can cost; `None` if infeasible.
    #[inline]
    pub fn floor(&self) -> Option<Cost> {
        match *self {
            Estimate::Infeasible => None,
            Estimate::Exact(cost) | Estimate::AtLeast(cost) => Some(cost),
        }
    }
}

/// Whether routes of `vehicle` are timed whole, their breaks placed best
/// ([`crate::placement`]), rather than re-timed from the change on: a
/// vehicle with breaks.
#[inline]
pub fn places_rests(vehicle: &Vehicle) -> bool {
    !vehicle.rests.is_empty()
}

/// Whether a route of `vehicle` timed without its breaks costs no more
/// than with them, so that the bare timing bounds every change from below:
/// a vehicle placing breaks whose paid time is not priced (an unpaid break
/// shortens the paid day) and that spends no nights at home (a later finish
/// may start the next day from home, on another road). Timing is monotone
/// otherwise: a vehicle free later starts, finishes and returns no earlier,
/// and pays the same travel.
#[inline]
pub fn bounds_by_bare_timing(model: &Model, vehicle: &Vehicle) -> bool {
    places_rests(vehicle) && !model.pay.is_priced() && vehicle.home.is_none()
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
            paid: 0,
            overtime: 0,
            days: Vec::new(),
            departure: 0,
            slack: Vec::new(),
            heads: vec![Head::START],
            onward: vec![NEVER],
            trip_last: Vec::new(),
            pay_from: vec![0.0],
            late_after: Vec::new(),
            prefix_cost: vec![Cost::default()],
            suffix_cost: vec![Cost::default()],
            prefix: Summaries::default(),
            suffix: Summaries::default(),
            bare: None,
            unrested: false,
        }
    }

    /// The vehicle as this route times it.
    #[inline]
    fn vehicle_of<'m>(&self, model: &'m Model) -> &'m Vehicle {
        if self.unrested {
            &model.unrested[self.vehicle]
        } else {
            &model.vehicles[self.vehicle]
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
            None => start_state(self.vehicle_of(model)),
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

    /// Paid-time summary of the visits before position `k`.
    #[inline]
    pub fn head(&self, k: usize) -> Head {
        self.heads[k]
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
    /// job at `k` from `from` after a head summarised by `head`, plus the
    /// whole route's paid time when priced; `None` if infeasible. With
    /// `same_timing` (the vehicle times like this route's) re-timing stops
    /// as soon as a visit finishes within its slack (or, paid time priced,
    /// no earlier than before).
    pub fn tail_cost(
        &self,
        model: &Model,
        vehicle: &Vehicle,
        k: usize,
        mut from: State,
        mut head: Head,
        same_timing: bool,
    ) -> Option<Cost> {
        if places_rests(vehicle) {
            // Breaks placed over the tail (the head's are as they are).
            let jobs: Vec<(usize, usize)> =
                self.visits[k..].iter().map(|v| (v.job, v.supply)).collect();
            return best_cost_after(model, vehicle, from, head, &jobs);
        }
        let priced = model.pay.is_priced();
        let n = self.visits.len();
        let mut sum = Cost::default();
        for i in k..n {
            let old = &self.visits[i];
            let v = visit(model, vehicle, from, old.job, old.supply)?;
            sum = sum.plus(v.cost);
            if priced {
                head = head.then(model, vehicle, &v);
            }
            if same_timing {
                let delay = v.finish - old.finish;
                // A break owed at another point changes the rest's timing;
                // a day begun elsewhere changes the trips.
                let settled = v.next_rest == old.next_rest
                    && v.new_day == old.new_day
                    && match delay.cmp(&0) {
                        Ordering::Equal => true,
                        Ordering::Greater => delay <= self.slack[i],
                        // Earlier: the cost after stays, but the end may move
                        // (and a break may move: re-time the rest then); not
                        // so for a vehicle going home between blocks (an
                        // earlier finish may change where a later day starts).
                        Ordering::Less => {
                            !priced
                                && !self.late_after[i]
                                && old.next_rest >= vehicle.rests.len()
                                && vehicle.home.is_none()
                        }
                    };
                if settled {
                    let rest = sum.plus(self.suffix_cost[i + 1]);
                    if !priced {
                        return Some(rest);
                    }
                    let pay = self.pay_with_delayed_rest(model, vehicle, i, head, delay);
                    return Some(rest.plus(Cost::travel(pay)));
                }
            }
            from = v.state(model);
        }
        let leg = end_leg(model, vehicle, from.place, from.at)?;
        let mut cost = sum.plus(Cost::travel(leg.cost));
        if priced {
            let pay = head.pay(model, vehicle, end_slack(vehicle, &leg), leg.arrive);
            cost = cost.plus(Cost::travel(pay));
        }
        Some(cost)
    }

    /// What the paid time of a route costs whose visits up to `i`
    /// (re-timed) are summarised by `head` and whose visit `i` finishes
    /// `delay` (at least 0, within its slack) later than here, the visits
    /// after it unchanged: the delay shrinks by each later visit's idle time
    /// up to the end of `i`'s trip, every later slack term of the trip moves
    /// by the change of idle time up to `i` minus the delay, and the later
    /// trips (after a night at home) cost what they cost here.
    fn pay_with_delayed_rest(
        &self,
        model: &Model,
        vehicle: &Vehicle,
        i: usize,
        head: Head,
        delay: Time,
    ) -> f64 {
        let last = self.trip_last[i];
        let rest_idle = self.heads[last + 1].idle - self.heads[i + 1].idle;
        let end_delay = (delay - rest_idle).max(0);
        let shifted = head.idle - self.heads[i + 1].idle - delay;
        let closed = Head {
            idle: head.idle + rest_idle - (delay - end_delay),
            slack: head.slack.min(self.onward[i + 1].saturating_add(shifted)),
            rests: head.rests | (self.heads[last + 1].rests & !self.heads[i + 1].rests),
            ..head
        };
        let end = if last + 1 == self.visits.len() {
            self.end.arrive
        } else {
            self.visits[last].finish
        };
        head.closed + closed.trip_cost(model, vehicle, end + end_delay) + self.pay_from[last + 1]
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
        let vehicle = self.vehicle_of(model);
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
            return self.cost_of_own_jobs(model, &jobs);
        }
        if places_rests(vehicle) {
            let mut jobs = self.jobs();
            jobs.insert(position, (job, supply));
            // Job `j > position` is this route's visit `j - 1`.
            return self.cost_placing_rests(model, &jobs, position + 1, 1);
        }
        let from = self.state_before(model, position);
        let v = visit(model, vehicle, from, job, supply)?;
        let head = self.heads[position].then(model, vehicle, &v);
        let tail = self.tail_cost(model, vehicle, position, v.state(model), head, true)?;
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
        let vehicle = self.vehicle_of(model);
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
        if places_rests(vehicle) {
            let mut jobs = self.jobs();
            jobs[position] = (job, supply);
            return self.cost_placing_rests(model, &jobs, position + 1, 0);
        }
        let from = self.state_before(model, position);
        let v = visit(model, vehicle, from, job, supply)?;
        let head = self.heads[position].then(model, vehicle, &v);
        let tail = self.tail_cost(model, vehicle, position + 1, v.state(model), head, true)?;
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
        if places_rests(v) {
            return best_timing(model, vehicle, start_state(v), jobs).map(|t| t.cost);
        }
        Route::cost_by_visit_rule(model, v, jobs)
    }

    /// [`Route::cost_of_jobs`], or, for a vehicle whose routes have bounds
    /// ([`bounds_by_bare_timing`]), a bound on it: the jobs timed without
    /// breaks.
    pub fn estimate_of_jobs(model: &Model, vehicle: usize, jobs: &[(usize, usize)]) -> Estimate {
        let v = &model.vehicles[vehicle];
        if jobs.is_empty() || !bounds_by_bare_timing(model, v) {
            return Estimate::exact(Route::cost_of_jobs(model, vehicle, jobs));
        }
        if model.has_resources && !fits_jobs(model, v, jobs) {
            return Estimate::Infeasible;
        }
        Estimate::at_least(Route::cost_by_visit_rule(
            model,
            &model.unrested[vehicle],
            jobs,
        ))
    }

    /// [`Route::cost_of_jobs`] for this route's vehicle as the route times
    /// it (without breaks for a bare timing).
    fn cost_of_own_jobs(&self, model: &Model, jobs: &[(usize, usize)]) -> Option<Cost> {
        if !self.unrested || jobs.is_empty() {
            return Route::cost_of_jobs(model, self.vehicle, jobs);
        }
        let v = self.vehicle_of(model);
        if model.has_resources && !fits_jobs(model, v, jobs) {
            return None;
        }
        Route::cost_by_visit_rule(model, v, jobs)
    }

    /// The cost of `v` serving `jobs` (not empty, stock checked) timed
    /// visit by visit.
    fn cost_by_visit_rule(model: &Model, v: &Vehicle, jobs: &[(usize, usize)]) -> Option<Cost> {
        let mut from = start_state(v);
        let mut sum = Cost::default();
        let mut head = Head::START;
        for &(job, supply) in jobs {
            let visit = visit(model, v, from, job, supply)?;
            sum = sum.plus(visit.cost);
            head = head.then(model, v, &visit);
            from = visit.state(model);
        }
        let leg = end_leg(model, v, from.place, from.at)?;
        let pay = if model.pay.is_priced() {
            head.pay(model, v, end_slack(v, &leg), leg.arrive)
        } else {
            0.0
        };
        Some(sum.plus(Cost::travel(leg.cost + pay)))
    }

    /// The route's cost without the visit at `position`; `None` if the rest
    /// becomes infeasible.
    pub fn cost_without(&self, model: &Model, position: usize) -> Option<Cost> {
        if self.visits.len() == 1 {
            return Some(Cost::default());
        }
        let vehicle = self.vehicle_of(model);
        if model.has_resources
            && !fits(
                model,
                vehicle,
                &[self.prefix.piece(position), self.suffix.piece(position + 1)],
            )
        {
            return None;
        }
        if places_rests(vehicle) {
            let mut jobs = self.jobs();
            jobs.remove(position);
            // Job `j >= position` is this route's visit `j + 1`.
            return self.cost_placing_rests(model, &jobs, position, -1);
        }
        let from = self.state_before(model, position);
        let head = self.heads[position];
        let tail = self.tail_cost(model, vehicle, position + 1, from, head, true)?;
        Some(self.prefix_cost[position].plus(tail))
    }

    /// Replaces the visits from position `keep` on by `jobs` scheduled in
    /// order; `false` (route unchanged) if infeasible.
    pub fn set_tail(&mut self, model: &Model, keep: usize, jobs: &[(usize, usize)]) -> bool {
        let vehicle = self.vehicle_of(model);
        if places_rests(vehicle) {
            let mut all = self.jobs();
            all.truncate(keep);
            all.extend_from_slice(jobs);
            return self.set_timed(model, &all);
        }
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

    /// The cost of this route's vehicle serving `jobs`, its breaks placed
    /// best, where `jobs[j]` for `j >= from` is this route's visit
    /// `j - shift`: once the timing of `jobs` is this route's at such a
    /// visit, the rest costs what it costs here. `None` if infeasible.
    fn cost_placing_rests(
        &self,
        model: &Model,
        jobs: &[(usize, usize)],
        from: usize,
        shift: isize,
    ) -> Option<Cost> {
        let vehicle = self.vehicle_of(model);
        if model.has_resources && !fits_jobs(model, vehicle, jobs) {
            return None;
        }
        if jobs.is_empty() {
            return Some(Cost::default());
        }
        let settled = |j: usize, state: State| {
            let old = j.checked_sub(from).map(|_| j.wrapping_add_signed(-shift))?;
            let visit = self.visits.get(old)?;
            (visit.state(model) == state).then(|| self.suffix_cost[old + 1])
        };
        best_cost(model, self.vehicle, start_state(vehicle), jobs, settled)
    }

    /// Replaces all visits by `jobs` timed with the breaks placed best
    /// ([`best_timing`]); `false` (route unchanged) if infeasible.
    fn set_timed(&mut self, model: &Model, jobs: &[(usize, usize)]) -> bool {
        let vehicle = self.vehicle_of(model);
        if model.has_resources && !fits_jobs(model, vehicle, jobs) {
            return false;
        }
        if jobs.is_empty() {
            self.visits.clear();
            self.end = EndLeg::default();
        } else {
            let Some(timed) = best_timing(model, self.vehicle, start_state(vehicle), jobs) else {
                return false;
            };
            self.visits = timed.visits;
            self.end = timed.end;
        }
        self.refresh(model);
        self.sync_bare(model);
        true
    }

    /// Times this route's jobs without breaks into [`Route::bare`] where
    /// that bounds changes from below.
    fn sync_bare(&mut self, model: &Model) {
        let bare = self.bare.take();
        if self.visits.is_empty() || !bounds_by_bare_timing(model, self.vehicle_of(model)) {
            return;
        }
        let mut bare = bare
            .and_then(|shared| Arc::try_unwrap(shared).ok())
            .unwrap_or_else(|| Route {
                unrested: true,
                ..Route::empty(self.vehicle)
            });
        // Feasible with breaks, so feasible without them.
        if bare.set_jobs(model, &self.jobs()) {
            self.bare = Some(Arc::new(bare));
        }
    }

    /// Whether changes of this route have cheap lower bounds
    /// ([`Route::estimate_insertion`] and the like give [`Estimate::AtLeast`]).
    #[inline]
    pub fn has_bounds(&self) -> bool {
        self.bare.is_some()
    }

    /// `cost` of this route, or a bound on it from the timing without
    /// breaks when this route has one.
    fn estimate(&self, cost: impl Fn(&Route) -> Option<Cost>) -> Estimate {
        match &self.bare {
            Some(bare) => Estimate::at_least(cost(bare)),
            None => Estimate::exact(cost(self)),
        }
    }

    /// [`Route::cost_with_insertion`], or a bound on it (see `Route::estimate`).
    pub fn estimate_insertion(
        &self,
        model: &Model,
        position: usize,
        job: usize,
        supply: usize,
    ) -> Estimate {
        self.estimate(|route| route.cost_with_insertion(model, position, job, supply))
    }

    /// [`Route::cost_with_replacement`], or a bound on it.
    pub fn estimate_replacement(
        &self,
        model: &Model,
        position: usize,
        job: usize,
        supply: usize,
    ) -> Estimate {
        self.estimate(|route| route.cost_with_replacement(model, position, job, supply))
    }

    /// [`Route::cost_without`], or a bound on it.
    pub fn estimate_without(&self, model: &Model, position: usize) -> Estimate {
        self.estimate(|route| route.cost_without(model, position))
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
        if !drop_redundant_restocks(model, self.vehicle_of(model), &mut jobs) {
            return false;
        }
        match self.cost_of_own_jobs(model, &jobs) {
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
        let vehicle = self.vehicle_of(model);
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
        if places_rests(vehicle) {
            // The jobs kept by the visit rule, their breaks placed best
            // (feasible: the rule's timing is one of those tried).
            let kept = self.jobs();
            self.set_timed(model, &kept);
        }
        dropped
    }

    /// Recomputes the paid-time summaries, the days' paid time and
    /// overtime, and adds the paid time's price to the cost.
    fn refresh_paid(&mut self, model: &Model) {
        let n = self.visits.len();
        let vehicle = self.vehicle_of(model);
        self.heads.clear();
        self.heads.push(Head::START);
        for v in &self.visits {
            let last = *self.heads.last().expect("seeded");
            self.heads.push(last.then(model, vehicle, v));
        }
        self.days.clear();
        self.onward.clear();
        self.onward.resize(n + 1, NEVER);
        self.trip_last.clear();
        self.trip_last.resize(n, 0);
        self.pay_from.clear();
        self.pay_from.resize(n + 1, 0.0);
        if n == 0 {
            self.paid = 0;
            self.overtime = 0;
            return;
        }
        let starts_trip = |k: usize| k == 0 || (vehicle.home.is_some() && self.visits[k].new_day);
        let end_slack = end_slack(vehicle, &self.end);
        self.onward[n] = self.heads[n].idle.saturating_add(end_slack);
        let mut last = n - 1;
        for k in (0..n).rev() {
            self.trip_last[k] = last;
            if k + 1 < n && !starts_trip(k + 1) {
                let own = self.heads[k + 2]
                    .idle
                    .saturating_add(self.visits[k + 1].own_slack(model));
                self.onward[k + 1] = self.onward[k + 2].min(own);
            }
            if starts_trip(k) {
                let (end, slack) = if last + 1 == n {
                    (self.end.arrive, end_slack)
                } else {
                    (self.visits[last].finish, NEVER)
                };
                let trip = self.heads[last + 1].close(slack).trip(model, vehicle, end);
                self.pay_from[k] = trip_cost(model, vehicle, &trip) + self.pay_from[last + 1];
                if k == 0 {
                    self.departure = trip.departure;
                }
                let mut days = Vec::new();
                trip_days(model, vehicle, &trip, |d| days.push(d));
                self.days.splice(0..0, days);
                last = k.saturating_sub(1);
            }
        }
        self.paid = self.days.iter().map(|d| d.paid).sum();
        self.overtime = self.days.iter().map(|d| d.overtime).sum();
        if model.pay.is_priced() {
            self.cost = self.cost.plus(Cost::travel(self.pay_from[0]));
        }
    }

    /// Recomputes costs, slacks and summaries from the visits.
    fn refresh(&mut self, model: &Model) {
        let n = self.visits.len();
        let vehicle = self.vehicle_of(model);
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
        self.refresh_paid(model);
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
