//! Engineers as a planned resource. A failure is met when a part **and** a
//! qualified engineer both make its deadline; this module answers the
//! engineer's half: at what share of a site's failures a certified engineer
//! on duty (or coming on duty early enough) can be on site in time, with the
//! part there too, and finish the repair inside the shift. The planner
//! counts it next to the stock's fill rate; `simulate` plays the same
//! timing failure by failure, which is how the promise is checked.

mod duty;
mod hunting;
mod on_time;

pub use duty::duty_blocks;
use hunting::HuntedGroup;
pub use on_time::{
    ClockSamples, PartArrival, Responder, SAMPLE_SECONDS, SampleClasses, Samples, responds_in_time,
};

use crate::calendar::{CalendarError, Seconds, local_instant};
use crate::scenario::scenario_years;
use crate::scenario::{DepotIdx, PartIdx, Scenario, Shift, SiteClocks, SiteIdx};
use rayon::prelude::*;
use sparesla_routing::model::DutyBlocks;
use std::collections::HashMap;

/// Days of duty blocks built past the horizon, for repairs that run over it.
const TAIL_DAYS: i64 = 30;

/// The chance that every quicker group of a rule is busy below which a
/// rule's slower groups are left out of a cover (see
/// `CoverModel::hunting_order`): it bounds the share they could add.
const NEGLIGIBLY_BUSY: f64 = 1e-4;

/// Rounds of the fixed point between positions' loads and busy chances
/// (each round's overflow uses the previous round's busy chances); loads
/// settle within a few, as busy chances are small.
const BUSY_ROUNDS: usize = 4;

/// Seconds in a year, for failure rates per year.
const SECONDS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// Per position: the seconds of work a year offered to it, those of the
/// calls it is among the quickest of its rule for, and the expected number
/// of overflow calls that reach it within a window of the quicker ones'
/// busy period (see [`CoverModel::estimate_busy`]).
struct OfferedLoad {
    total: Vec<f64>,
    first_calls: Vec<f64>,
    overflow_exposure: Vec<f64>,
}

/// A staffed position: an engineer of the roster, or one the planner adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    pub base: DepotIdx,
    /// Index into [`Staff::rules`].
    pub rule: usize,
    pub skills: Vec<String>,
}

impl Position {
    pub fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s == skill)
    }
}

/// Engineers as positions, with the duty blocks of every distinct shift rule.
#[derive(Clone, Debug, Default)]
pub struct Staff {
    pub rules: Vec<Shift>,
    pub duties: Vec<DutyBlocks>,
    pub positions: Vec<Position>,
    /// Per position, the chance it is on another job when a failure comes
    /// (missing: free; see [`CoverModel::estimate_busy`]).
    pub busy: Vec<f64>,
    /// Per position, the chance it is on another job when a failure comes
    /// that every quicker position of its rule is busy for (missing: as
    /// [`Self::busy`]). Overflow comes while the quicker ones are busy, so
    /// the slower ones are busier then than on average.
    pub busy_overflowing: Vec<f64>,
    /// Per clock of the cover model, its sampled instants grouped for
    /// these rules (kept by [`CoverModel::rule`]; stale or missing, covers
    /// are summed instant by instant instead).
    pub classes: Vec<SampleClasses>,
}

impl Staff {
    /// The staff without position `index`, every other one as busy as now.
    pub fn without(&self, index: usize) -> Staff {
        let mut staff = self.clone();
        staff.positions.remove(index);
        for busy in [&mut staff.busy, &mut staff.busy_overflowing] {
            if index < busy.len() {
                busy.remove(index);
            }
        }
        staff
    }
}

/// What the engineers give one site's demand for one part: the share of its
/// failures met in time when a depot in reach has the part, and when it
/// comes by emergency shipment instead.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cover {
    pub with_stock: f64,
    pub by_emergency: f64,
}

impl Cover {
    /// The parts-only view: every failure with stock in reach is met, every
    /// emergency shipment late.
    pub const PARTS_ONLY: Cover = Cover {
        with_stock: 1.0,
        by_emergency: 0.0,
    };
}

/// The fixed inputs of the cover computation: sampled failure instants and
/// their deadlines, driving times, part lead times, repair times.
#[derive(Clone, Debug)]
pub struct CoverModel {
    samples: Samples,
    clocks: Vec<ClockSamples>,
    clock_of_site: Vec<usize>,
    /// Engineer driving seconds `[depot][site]`.
    drive: Vec<Vec<Option<Seconds>>>,
    /// Per site: handling plus courier seconds from the fastest usable depot
    /// in reach (`None`: no depot reaches it in time).
    part_lead: Vec<Option<Seconds>>,
    /// Per site: that depot, where an engineer based there may collect the
    /// part instead (as `simulate` and `dispatch` let it).
    part_depot: Vec<Option<DepotIdx>>,
    handling: Seconds,
    /// Whether collecting the part can beat the courier: only a courier
    /// slower than the engineer (`courier_speed_factor` below 1) leaves the
    /// engineer something to gain by fetching it.
    collecting_helps: bool,
    emergency: Seconds,
    repair: Vec<Seconds>,
    skill: Vec<String>,
    /// Span duty blocks are built for, and the calendar years.
    span: (Seconds, Seconds),
    years: std::ops::RangeInclusive<i32>,
}

/// Hours as whole seconds (rounded, as `dispatch` does).
fn secs(hours: f64) -> Seconds {
    (hours * 3600.0).round() as Seconds
}

impl CoverModel {
    /// `travel` holds depot-to-site hours, `reach` per site its fastest
    /// usable depot in reach and the travel hours from there; the horizon
    /// starts on `start_date`.
    pub fn build(
        scenario: &Scenario,
        start_date: chrono::NaiveDate,
        travel: &[Vec<Option<f64>>],
        reach: &[Option<(DepotIdx, f64)>],
    ) -> Result<Self, CalendarError> {
        let end_date = start_date + chrono::Days::new(u64::from(scenario.horizon_days));
        let midnight =
            |tz, date: chrono::NaiveDate| local_instant(tz, date.and_time(chrono::NaiveTime::MIN));
        let from = scenario
            .sites
            .iter()
            .map(|s| midnight(s.tz, start_date))
            .min()
            .unwrap_or(0);
        let to = scenario
            .sites
            .iter()
            .map(|s| midnight(s.tz, end_date))
            .max()
            .unwrap_or(0);
        let samples = Samples::over(from, to);
        let site_clocks = SiteClocks::for_scenario(scenario)?;
        let clocks = site_clocks
            .clocks()
            .par_iter()
            .map(|clock| samples.deadlines(clock))
            .collect();
        let handling = scenario.travel.handling_hours.max(0.0);
        let courier_factor = if scenario.dispatch.courier_speed_factor > 0.0 {
            scenario.dispatch.courier_speed_factor
        } else {
            1.0
        };
        Ok(CoverModel {
            samples,
            clocks,
            clock_of_site: scenario
                .site_indices()
                .map(|s| site_clocks.index_of(s))
                .collect(),
            drive: travel
                .iter()
                .map(|row| row.iter().map(|h| h.map(secs)).collect())
                .collect(),
            // As `dispatch` times a courier: handling, then the drive at
            // the courier's speed, each rounded to seconds.
            part_lead: reach
                .iter()
                .map(|r| {
                    r.map(|(_, h)| {
                        secs(handling) + (secs(h) as f64 / courier_factor).round() as Seconds
                    })
                })
                .collect(),
            part_depot: reach.iter().map(|r| r.map(|(depot, _)| depot)).collect(),
            handling: secs(handling),
            collecting_helps: courier_factor < 1.0,
            emergency: secs(scenario.costs.emergency_hours),
            repair: scenario
                .parts
                .iter()
                .map(|p| secs(p.repair_hours.max(0.0)))
                .collect(),
            skill: scenario.parts.iter().map(|p| p.skill.clone()).collect(),
            span: (from - 86_400, to + TAIL_DAYS * 86_400),
            years: scenario_years(scenario),
        })
    }

    /// The roster of a scenario as positions.
    pub fn roster(&self, scenario: &Scenario) -> Result<Staff, CalendarError> {
        self.staff_of(&scenario.engineers)
    }

    /// Engineers as positions.
    pub fn staff_of(
        &self,
        engineers: &[crate::scenario::Engineer],
    ) -> Result<Staff, CalendarError> {
        let mut staff = Staff::default();
        for engineer in engineers {
            let rule = self.rule(&mut staff, &engineer.shift)?;
            staff.positions.push(Position {
                base: engineer.base,
                rule,
                skills: engineer.skills.clone(),
            });
        }
        Ok(staff)
    }

    /// The index of `shift` among the staff's rules, adding it (with its
    /// duty blocks) when new.
    pub fn rule(&self, staff: &mut Staff, shift: &Shift) -> Result<usize, CalendarError> {
        if let Some(index) = staff.rules.iter().position(|r| r == shift) {
            return Ok(index);
        }
        staff.duties.push(duty_blocks(
            shift,
            self.years.clone(),
            self.span.0,
            self.span.1,
        )?);
        staff.rules.push(shift.clone());
        let longest_repair = self.repair.iter().copied().max().unwrap_or(0);
        staff.classes = self
            .clocks
            .par_iter()
            .map(|clock| self.samples.classes(clock, &staff.duties, longest_repair))
            .collect();
        Ok(staff.rules.len() - 1)
    }

    /// Seconds from leaving base to being on site with the part, for a
    /// position based at the site's part depot (collecting it on the way).
    fn pickup(&self, base: DepotIdx, site: SiteIdx) -> Option<Seconds> {
        if !self.collecting_helps || self.part_depot[site.index()] != Some(base) {
            return None;
        }
        self.drive[base.index()][site.index()].map(|drive| self.handling + drive)
    }

    /// The responders to one site's failures needing `skill`: the counted
    /// groups of [`Self::hunting_order`] with their chance of all being
    /// busy when a call reaches them.
    fn responders<'a>(
        &self,
        staff: &'a Staff,
        extra: Option<&Position>,
        site: SiteIdx,
        skill: &str,
    ) -> Vec<(usize, Responder<'a>)> {
        self.hunting_order(staff, extra, site, skill)
            .into_iter()
            .map(|group| {
                let responder = Responder {
                    duty: &staff.duties[group.rule],
                    drive: group.drive,
                    pickup: group.pickup,
                    busy: group.all_busy,
                };
                (group.rule, responder)
            })
            .collect()
    }

    /// The cover of one site's failures of one part.
    pub fn cover(&self, staff: &Staff, site: SiteIdx, part: PartIdx) -> Cover {
        self.cover_with(staff, None, site, part)
    }

    /// The cover of one site's failures of one part with `extra` added to
    /// the staff (its rule must be one of the staff's).
    pub fn cover_with(
        &self,
        staff: &Staff,
        extra: Option<&Position>,
        site: SiteIdx,
        part: PartIdx,
    ) -> Cover {
        let responders = self.responders(staff, extra, site, &self.skill[part.index()]);
        let clock_index = self.clock_of_site[site.index()];
        let repair = self.repair[part.index()];
        let share = |part: PartArrival| match staff.classes.get(clock_index) {
            Some(classes) if classes.rules() == staff.rules.len() => {
                classes.share(&responders, part, repair)
            }
            _ => {
                let responders: Vec<Responder> = responders.iter().map(|(_, r)| *r).collect();
                let clock = &self.clocks[clock_index];
                self.samples.share(clock, &responders, part, repair)
            }
        };
        let by_emergency = share(PartArrival::After(self.emergency));
        let with_stock = match self.part_lead[site.index()] {
            Some(lead) => share(PartArrival::OnTheShelf(lead)),
            // No depot in reach: stock never helps.
            None => by_emergency,
        };
        Cover {
            with_stock,
            by_emergency,
        }
    }

    /// Whether `position` would be the quickest of its rule with `skill` to
    /// reach the site (otherwise adding it changes no cover there).
    pub fn would_be_quicker(
        &self,
        staff: &Staff,
        position: &Position,
        site: SiteIdx,
        skill: &str,
    ) -> bool {
        let Some(drive) = self.drive[position.base.index()][site.index()] else {
            return false;
        };
        let same_rule = |p: &&Position| p.rule == position.rule && p.has_skill(skill);
        let quicker_drive = !staff
            .positions
            .iter()
            .filter(same_rule)
            .any(|p| self.drive[p.base.index()][site.index()].is_some_and(|d| d <= drive));
        // Collecting the part beats a slow courier: the first of its rule
        // based at the part's depot can be quicker on that count alone.
        let first_to_collect = self.pickup(position.base, site).is_some()
            && !staff
                .positions
                .iter()
                .filter(same_rule)
                .any(|p| self.pickup(p.base, site).is_some());
        quicker_drive || first_to_collect
    }

    /// The `count` depots among `usable` (indexed by depot) an engineer
    /// drives from to the site quickest, quickest first (ties by index).
    pub fn nearest_bases(&self, site: SiteIdx, usable: &[bool], count: usize) -> Vec<DepotIdx> {
        let mut bases: Vec<(Seconds, usize)> = self
            .drive
            .iter()
            .enumerate()
            .filter(|(depot, _)| usable.get(*depot).copied().unwrap_or(false))
            .filter_map(|(depot, row)| row[site.index()].map(|drive| (drive, depot)))
            .collect();
        bases.sort_unstable();
        bases
            .into_iter()
            .take(count)
            .map(|(_, depot)| DepotIdx::new(depot))
            .collect()
    }

    /// The most time the site's clock ever allows a failure.
    pub fn most_allowed(&self, site: SiteIdx) -> Seconds {
        self.clocks[self.clock_of_site[site.index()]].most_allowed()
    }

    /// Whether an engineer based at `depot` can ever make one of the
    /// site's deadlines.
    pub fn can_respond(&self, depot: DepotIdx, site: SiteIdx) -> bool {
        let clock = &self.clocks[self.clock_of_site[site.index()]];
        self.drive[depot.index()][site.index()].is_some_and(|d| d <= clock.most_allowed())
    }

    /// The skill and repair seconds of a part.
    pub fn skill_of(&self, part: PartIdx) -> (&str, Seconds) {
        (&self.skill[part.index()], self.repair[part.index()])
    }

    /// Estimates each position's chance of being on another job when a
    /// failure comes. Along each rule's hunting order (the same positions
    /// the cover counts, see `hunting_order`), the quickest take
    /// the failures (split evenly between the rules that respond and the
    /// equally quick positions of a rule), and the backups take what
    /// overflows when all quicker ones are busy, each job
    /// the drive there and the repair. Over its yearly duty time that is a
    /// position's offered load ρ, and a single-server loss system is busy
    /// ρ / (1 + ρ) of the time (Erlang's loss formula with one server).
    /// Overflow depends on how busy the quicker ones are, so loads and
    /// busy chances are iterated from everyone free (`BUSY_ROUNDS`).
    pub fn estimate_busy(&self, staff: &mut Staff, demand: &[(SiteIdx, Vec<(PartIdx, f64)>)]) {
        let duty_per_year: Vec<f64> = staff
            .duties
            .iter()
            .map(|duty| self.samples.duty_per_year(duty))
            .collect();
        let busy_of = |staff: &Staff, load: &[f64]| -> Vec<f64> {
            staff
                .positions
                .iter()
                .zip(load)
                .map(|(position, load)| {
                    let duty = duty_per_year[position.rule];
                    if duty <= 0.0 {
                        return 0.0;
                    }
                    let offered = load / duty;
                    offered / (1.0 + offered)
                })
                .collect()
        };
        staff.busy = vec![0.0; staff.positions.len()];
        staff.busy_overflowing.clear();
        for _ in 0..BUSY_ROUNDS {
            let load = self.offered_load(staff, demand);
            staff.busy = busy_of(staff, &load.total);
            // While the quicker ones are busy, a slower position is busy
            // with its own first calls, or with an overflow call that came
            // within the quicker ones' busy period and its own job (Poisson
            // arrivals at the full rate of the calls it backs up, over the
            // shorter of the two: the quicker one's job is half done on
            // average).
            let first_calls = busy_of(staff, &load.first_calls);
            staff.busy_overflowing = first_calls
                .iter()
                .zip(&load.overflow_exposure)
                .map(|(busy, exposure)| 1.0 - (1.0 - busy) * (-exposure).exp())
                .collect();
        }
    }

    /// Seconds of work a year offered to each position, given how busy
    /// each is (see [`Self::estimate_busy`]): along each rule's hunting
    /// order, the share of calls that finds every quicker group busy.
    fn offered_load(
        &self,
        staff: &Staff,
        demand: &[(SiteIdx, Vec<(PartIdx, f64)>)],
    ) -> OfferedLoad {
        let positions = staff.positions.len();
        let mut load = OfferedLoad {
            total: vec![0.0; positions],
            first_calls: vec![0.0; positions],
            overflow_exposure: vec![0.0; positions],
        };
        for (site, parts) in demand {
            let mut orders: HashMap<&str, Vec<HuntedGroup>> = HashMap::new();
            for (part, rate) in parts {
                let skill = self.skill[part.index()].as_str();
                let groups = orders
                    .entry(skill)
                    .or_insert_with(|| self.hunting_order(staff, None, *site, skill));
                self.offer_call(&mut load, groups, *rate, self.repair[part.index()]);
            }
        }
        load
    }

    /// Adds to `load` the calls at `rate` a year, each a repair of `repair`
    /// seconds, that hunt along `groups`. Calls split evenly between the
    /// rules that respond, and within a group between its positions.
    fn offer_call(
        &self,
        load: &mut OfferedLoad,
        groups: &[HuntedGroup],
        rate: f64,
        repair: Seconds,
    ) {
        let mut rules: Vec<usize> = groups.iter().map(|g| g.rule).collect();
        rules.dedup();
        let per_rule = rate / rules.len().max(1) as f64;
        // Per rule: the job of its quickest group, once seen.
        let mut quickest_job: HashMap<usize, f64> = HashMap::new();
        for group in groups {
            // The drive there and the repair: the drive home mostly
            // overlaps the next call's slack (or the next call starts from
            // the site), and counting it overstated busy engineers against
            // simulation.
            let job = (group.drive + repair) as f64;
            let per_position = per_rule / group.members.len() as f64;
            let offered = per_position * group.reached * job;
            let (first, exposure) = if group.quickest {
                (offered, 0.0)
            } else {
                let quicker = quickest_job.get(&group.rule).copied().unwrap_or(job);
                let window = job.min(quicker / 2.0);
                (0.0, per_position * window / SECONDS_PER_YEAR)
            };
            quickest_job.entry(group.rule).or_insert(job);
            for index in group.members.iter().flatten() {
                load.total[*index] += offered;
                load.first_calls[*index] += first;
                load.overflow_exposure[*index] += exposure;
            }
        }
    }

    /// The cover of every `(site, part)` demand, computed once per site,
    /// skill and repair time.
    pub fn covers(&self, staff: &Staff, demand: &[(SiteIdx, Vec<PartIdx>)]) -> Vec<Vec<Cover>> {
        demand
            .par_iter()
            .map(|(site, parts)| {
                let mut seen: HashMap<(&str, Seconds), Cover> = HashMap::new();
                parts
                    .iter()
                    .map(|part| {
                        let key = (self.skill[part.index()].as_str(), self.repair[part.index()]);
                        *seen
                            .entry(key)
                            .or_insert_with(|| self.cover(staff, *site, *part))
                    })
                    .collect()
            })
            .collect()
    }
}
