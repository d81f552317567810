//! The routing engine's input: plain data, no file format and no scenario.
//! Jobs (a place, a service time, time rules, what they consume and how
//! their part arrives), vehicles (engineers or vans: where and when they
//! start, their duty blocks, skills, what they carry, where they end) and a
//! travel matrix. Adapters build it: the scenario dispatcher
//! (`dispatch::problem`) and the benchmark readers (`dispatch::bench_formats`).

use super::cost::Cost;
use super::features::skills::SkillSet;

/// The engine's time unit (seconds for dispatch; benchmarks scale theirs).
pub type Time = i64;
/// A row or column of the travel matrix.
pub type Place = usize;

/// No earlier than the beginning of time: "no release", "no ready time".
pub const NO_TIME: Time = Time::MIN / 4;
/// Later than anything: "no deadline", "never ends".
pub const NEVER: Time = Time::MAX / 4;
/// An amount of carried stock that never runs out.
pub const UNLIMITED: i64 = i64::MAX / 4;
/// Stored for an unreachable pair of places.
const UNREACHABLE: Time = Time::MAX;

/// Why a model cannot be built.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    #[error("travel matrix: {0} entries for {1} places")]
    MatrixSize(usize, usize),
    #[error("{what} {index}: place {place} outside the travel matrix ({places} places)")]
    Place {
        what: &'static str,
        index: usize,
        place: Place,
        places: usize,
    },
    #[error("job {job}: stock slot {slot} outside the {slots} depot stock slots")]
    StockSlot {
        job: usize,
        slot: usize,
        slots: usize,
    },
    #[error("{what} {index}: {found} stock amounts, the model has {dims}")]
    Dimensions {
        what: &'static str,
        index: usize,
        found: usize,
        dims: usize,
    },
    #[error("vehicle {vehicle}: shift {shift} not among the {shifts} shifts")]
    Shift {
        vehicle: usize,
        shift: usize,
        shifts: usize,
    },
    #[error("job {0}: negative service time or demand")]
    Negative(usize),
}

/// Travel between places: a time (the engine's unit) and a cost.
#[derive(Clone, Debug)]
pub struct Matrix {
    places: usize,
    time: Vec<Time>,
    cost: Costing,
}

#[derive(Clone, Debug)]
enum Costing {
    /// Cost proportional to time.
    PerTime(f64),
    /// Its own table (a distance), `[from * places + to]`.
    Table(Vec<f64>),
}

impl Matrix {
    /// From travel times (`None`: unreachable), `[from * places + to]`, with
    /// a cost of `cost_per_time` per unit of time.
    pub fn from_times(
        places: usize,
        times: Vec<Option<Time>>,
        cost_per_time: f64,
    ) -> Result<Matrix, ModelError> {
        if times.len() != places * places {
            return Err(ModelError::MatrixSize(times.len(), places));
        }
        Ok(Matrix {
            places,
            time: times
                .into_iter()
                .map(|t| t.unwrap_or(UNREACHABLE))
                .collect(),
            cost: Costing::PerTime(cost_per_time),
        })
    }

    /// From travel times and a separate cost table (e.g. distances).
    pub fn with_costs(
        places: usize,
        times: Vec<Time>,
        costs: Vec<f64>,
    ) -> Result<Matrix, ModelError> {
        if times.len() != places * places {
            return Err(ModelError::MatrixSize(times.len(), places));
        }
        if costs.len() != places * places {
            return Err(ModelError::MatrixSize(costs.len(), places));
        }
        Ok(Matrix {
            places,
            time: times,
            cost: Costing::Table(costs),
        })
    }

    /// Number of places.
    pub fn places(&self) -> usize {
        self.places
    }

    /// Travel time, `None` if unreachable.
    #[inline]
    pub fn time(&self, from: Place, to: Place) -> Option<Time> {
        let t = self.time[from * self.places + to];
        (t != UNREACHABLE).then_some(t)
    }

    /// Travel cost of a reachable pair.
    #[inline]
    pub fn cost(&self, from: Place, to: Place) -> f64 {
        match &self.cost {
            Costing::PerTime(rate) => self.time[from * self.places + to] as f64 * rate,
            Costing::Table(table) => table[from * self.places + to],
        }
    }

    /// The cost of a stretch of time (a courier's drive) when cost is per time.
    pub fn cost_of_time(&self, time: Time) -> f64 {
        match &self.cost {
            Costing::PerTime(rate) => time as f64 * rate,
            Costing::Table(_) => 0.0,
        }
    }
}

/// Travel times and costs between places: what the timing of a visit
/// ([`crate::schedule::time_visit`]) reads. The [`Matrix`] is the solver's;
/// an adapter may supply its own, e.g. one that searches pairs on first use.
pub trait Travel {
    /// Travel time, `None` if unreachable.
    fn time(&self, from: Place, to: Place) -> Option<Time>;
    /// Travel cost of a reachable pair.
    fn cost(&self, from: Place, to: Place) -> f64;
}

impl Travel for Matrix {
    #[inline]
    fn time(&self, from: Place, to: Place) -> Option<Time> {
        Matrix::time(self, from, to)
    }

    #[inline]
    fn cost(&self, from: Place, to: Place) -> f64 {
        Matrix::cost(self, from, to)
    }
}

/// A latest service start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Deadline {
    pub at: Time,
    /// Hard: later is infeasible. Soft: later costs the job's breach weight
    /// plus its late weight per time unit.
    pub hard: bool,
}

/// How a job's part (or goods) reaches its place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Supply {
    /// From what the vehicle carries (or nothing is needed).
    Carried,
    /// The vehicle drives to `depot` first, spends `handling` there, then
    /// drives to the job. With `restock` the vehicle refills everything it
    /// carries to the model's restock level and has every tool afterwards
    /// (the job is then served from the refilled stock); without it the
    /// vehicle collects this job's unit, taken from `stock`.
    Pickup {
        depot: Place,
        handling: Time,
        stock: Option<usize>,
        restock: bool,
    },
    /// A courier drives the part from `depot`: it leaves at `leaves` and is
    /// on site at `arrives`; the vehicle drives directly.
    Courier {
        depot: Place,
        leaves: Time,
        arrives: Time,
        cost: f64,
        stock: Option<usize>,
    },
    /// The part is on site at `arrives`, from outside the depots (e.g. an
    /// emergency shipment); the vehicle drives directly.
    Delivered { arrives: Time, cost: f64 },
}

impl Supply {
    /// The depot stock slot this supply takes a unit from, if any.
    pub fn stock_slot(&self) -> Option<usize> {
        match *self {
            Supply::Carried | Supply::Delivered { .. } => None,
            Supply::Pickup { stock, .. } | Supply::Courier { stock, .. } => stock,
        }
    }

    /// Whether the vehicle refills at a depot on the way.
    pub fn is_restock(&self) -> bool {
        matches!(self, Supply::Pickup { restock: true, .. })
    }

    /// The depot the part comes from, if any.
    pub fn depot(&self) -> Option<Place> {
        match *self {
            Supply::Carried | Supply::Delivered { .. } => None,
            Supply::Pickup { depot, .. } | Supply::Courier { depot, .. } => Some(depot),
        }
    }
}

/// One job to route.
#[derive(Clone, Debug)]
pub struct Job {
    pub place: Place,
    /// Time on site.
    pub service: Time,
    /// The vehicle leaves for the job no earlier ([`NO_TIME`]: any time).
    pub release: Time,
    /// Service starts no earlier; the vehicle waits ([`NO_TIME`]: no wait).
    pub ready: Time,
    pub deadline: Option<Deadline>,
    /// Cost of missing a soft deadline (the breach term).
    pub breach_weight: f64,
    /// Cost per time unit late (the lateness term).
    pub late_weight: f64,
    /// Cost of leaving the job unserved.
    pub unassigned: Cost,
    /// Carried stock consumed, one amount per model dimension (empty: none).
    pub demand: Vec<i64>,
    /// Tools needed (bit `t` for tool `t`): carried, or collected by a restock.
    pub tools: u64,
    /// Skills the vehicle needs.
    pub skills: SkillSet,
    /// Ways to supply the job, in order of preference (none: the job can
    /// only stay unserved).
    pub supplies: Vec<Supply>,
    /// Whether service may stop at the end of a duty block and continue in
    /// the next ones ([`crate::features::days`]); otherwise it must fit in one.
    pub pausable: bool,
}

impl Job {
    /// A job at `place` taking `service`, with no time rule, no demand, no
    /// skill, supplied from the vehicle, costing `unassigned` if unserved.
    pub fn at(place: Place, service: Time, unassigned: Cost) -> Job {
        Job {
            place,
            service,
            release: NO_TIME,
            ready: NO_TIME,
            deadline: None,
            breach_weight: 0.0,
            late_weight: 0.0,
            unassigned,
            demand: Vec::new(),
            tools: 0,
            skills: SkillSet::default(),
            supplies: vec![Supply::Carried],
            pausable: false,
        }
    }

    /// Demand in dimension `d` (0 when the job lists none).
    #[inline]
    pub fn demand(&self, d: usize) -> i64 {
        self.demand.get(d).copied().unwrap_or(0)
    }
}

/// One vehicle (an engineer, a van).
#[derive(Clone, Debug)]
pub struct Vehicle {
    pub start: Place,
    /// Free from (an engineer already out: when the current job ends).
    pub available_from: Time,
    /// Where the route ends (return to base, leg counted in travel); `None`:
    /// the route ends at the last job.
    pub end: Option<Place>,
    /// Latest arrival at `end` (or finish of the last job).
    pub end_by: Option<Time>,
    /// Index into the model's shifts; `None`: on duty from `available_from`.
    pub shift: Option<usize>,
    /// Carried stock at the start, one amount per model dimension (empty: none).
    pub carried: Vec<i64>,
    /// Tools carried from the start.
    pub tools: u64,
    pub skills: SkillSet,
    /// Where the vehicle spends the time between duty blocks: it leaves
    /// from there when a block starts after it became free
    /// ([`crate::features::days`]). `None`: it stays at its last job.
    pub home: Option<Place>,
    /// Breaks to take, in time order (at most one per duty day; empty: none).
    pub rests: Vec<Rest>,
}

/// A break of `length` that starts no earlier than `open` and ends no later
/// than `close` (a lunch break: `12:00-14:00/45m`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rest {
    pub open: Time,
    pub close: Time,
    pub length: Time,
}

impl Rest {
    /// The latest start that still ends inside the window.
    #[inline]
    pub fn latest_start(&self) -> Time {
        self.close - self.length
    }
}

impl Vehicle {
    /// A vehicle at `start` from `available_from`, always on duty, carrying
    /// nothing, with no skill, ending at its last job.
    pub fn at(start: Place, available_from: Time) -> Vehicle {
        Vehicle {
            start,
            available_from,
            end: None,
            end_by: None,
            shift: None,
            carried: Vec::new(),
            tools: 0,
            skills: SkillSet::default(),
            home: None,
            rests: Vec::new(),
        }
    }

    /// Carried amount in dimension `d` (0 when the vehicle lists none).
    #[inline]
    pub fn carried(&self, d: usize) -> i64 {
        self.carried.get(d).copied().unwrap_or(0)
    }
}

/// Everything a model is built from.
#[derive(Clone, Debug)]
pub struct ModelSpec {
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    pub matrix: Matrix,
    pub shifts: Vec<DutyBlocks>,
    /// Units at depots, shared by all routes (slots named by supplies).
    pub depot_stock: Vec<u32>,
    /// Number of carried stock dimensions (load, parts).
    pub dims: usize,
    /// What a restock refills each dimension to.
    pub restock_level: Vec<i64>,
}

/// A validated model with what the solver derives from it once.
#[derive(Clone, Debug)]
pub struct Model {
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    pub matrix: Matrix,
    pub shifts: Vec<DutyBlocks>,
    pub depot_stock: Vec<u32>,
    pub dims: usize,
    pub restock_level: Vec<i64>,
    /// Vehicles with the skills of each job, ascending.
    pub qualified: Vec<Vec<usize>>,
    /// The same vehicles nearest first: by travel time from their start to
    /// the job (unreachable last), then by index.
    pub qualified_by_reach: Vec<Vec<usize>>,
    /// Vehicles sharing shift, end and latest end share a timing class: a
    /// route tail times the same on each.
    pub timing_class: Vec<usize>,
    /// Vehicles with the same skills share a skill class: a job one can do,
    /// the other can.
    pub skill_class: Vec<usize>,
    /// Vehicles identical in everything: an empty one stands for all.
    pub twin_of: Vec<usize>,
    /// Whether any carried stock, tool or restock rule is in play.
    pub has_resources: bool,
    /// What a route's paid time costs (nothing unless set by [`Model::with_pay`]).
    pub pay: Pay,
    /// Each vehicle as if it took no break: the timing that bounds a
    /// break-taking route's changes from below ([`crate::route::Estimate`]).
    pub unrested: Vec<Vehicle>,
}

/// The price of a route's paid time, day by day ([`crate::features::paid`]):
/// each duty day's paid time runs from that day's departure (the first
/// delayed by [`Pay::departure`]) to its return, or to its last job's finish for a vehicle that does not return;
/// off-duty time and breaks taken while out are not paid. Added to the
/// third (cost) term of [`Cost`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pay {
    /// Cost per time unit of paid time.
    pub per_time: f64,
    /// A day's paid time beyond this is overtime ([`NEVER`]: none).
    pub overtime_after: Time,
    /// Extra cost per time unit of overtime, on top of `per_time`.
    pub overtime_extra: f64,
    /// The last `past_shift` of every duty block lies past the shift's end
    /// (the overtime allowed there): time worked in it is overtime too.
    pub past_shift: Time,
    /// A duty block longer than this (a round-the-clock shift, merged
    /// over days) is counted as days of this length from its start
    /// ([`NEVER`]: every block is one day).
    pub day_length: Time,
    /// How far the first departure is delayed past the vehicle's
    /// availability, where paid time starts.
    pub departure: DepartureDelay,
}

/// How far a route's first departure is delayed: paid time starts there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DepartureDelay {
    /// By the waiting that would otherwise be spent idle before the first
    /// job can start: the latest departure that moves no service start. A
    /// dispatcher sends an engineer to an urgent job at once, however much
    /// slack its deadline leaves.
    #[default]
    UntilFirstStart,
    /// As far as it goes without changing the end or any cost
    /// (Savelsbergh's forward time slack): jobs may start later within
    /// their windows to save waiting further on, as in Pillac et al.'s
    /// working time.
    ForwardSlack,
}

impl Pay {
    /// Paid time costs `per_time` a unit, no overtime.
    pub fn flat(per_time: f64) -> Pay {
        Pay {
            per_time,
            overtime_after: NEVER,
            overtime_extra: 0.0,
            past_shift: 0,
            day_length: NEVER,
            departure: DepartureDelay::UntilFirstStart,
        }
    }

    /// Whether paid time is priced at all (otherwise routes skip its bookkeeping).
    #[inline]
    pub fn is_priced(&self) -> bool {
        self.per_time != 0.0 || self.overtime_extra != 0.0
    }

    /// Overtime of a day paid for `paid`, `past_shift` of it worked past the
    /// shift's end: the longer of the two tails of the day (both are its
    /// last hours, so the one contains the other).
    #[inline]
    pub fn overtime(&self, paid: Time, past_shift: Time) -> Time {
        (paid - self.overtime_after).max(past_shift).max(0)
    }

    /// The cost of a day paid for `paid` time units, `overtime` of them overtime.
    #[inline]
    pub fn cost(&self, paid: Time, overtime: Time) -> f64 {
        paid as f64 * self.per_time + overtime as f64 * self.overtime_extra
    }
}

impl ModelSpec {
    /// Validates and derives qualified vehicles and classes.
    pub fn build(self) -> Result<Model, ModelError> {
        let places = self.matrix.places();
        let place_ok = |what, index, place: Place| {
            if place < places {
                Ok(())
            } else {
                Err(ModelError::Place {
                    what,
                    index,
                    place,
                    places,
                })
            }
        };
        let dims_ok = |what, index, found: usize| {
            if found == 0 || found == self.dims {
                Ok(())
            } else {
                Err(ModelError::Dimensions {
                    what,
                    index,
                    found,
                    dims: self.dims,
                })
            }
        };
        for (j, job) in self.jobs.iter().enumerate() {
            place_ok("job", j, job.place)?;
            dims_ok("job", j, job.demand.len())?;
            if job.service < 0 || job.demand.iter().any(|&d| d < 0) {
                return Err(ModelError::Negative(j));
            }
            for supply in &job.supplies {
                if let Some(depot) = supply.depot() {
                    place_ok("job depot", j, depot)?;
                }
                if let Some(slot) = supply.stock_slot()
                    && slot >= self.depot_stock.len()
                {
                    return Err(ModelError::StockSlot {
                        job: j,
                        slot,
                        slots: self.depot_stock.len(),
                    });
                }
            }
        }
        for (v, vehicle) in self.vehicles.iter().enumerate() {
            place_ok("vehicle", v, vehicle.start)?;
            if let Some(end) = vehicle.end {
                place_ok("vehicle end", v, end)?;
            }
            dims_ok("vehicle", v, vehicle.carried.len())?;
            if let Some(shift) = vehicle.shift
                && shift >= self.shifts.len()
            {
                return Err(ModelError::Shift {
                    vehicle: v,
                    shift,
                    shifts: self.shifts.len(),
                });
            }
        }
        dims_ok("restock level", 0, self.restock_level.len())?;
        let qualified: Vec<Vec<usize>> = self
            .jobs
            .iter()
            .map(|job| {
                (0..self.vehicles.len())
                    .filter(|&v| self.vehicles[v].skills.contains_all(&job.skills))
                    .collect()
            })
            .collect();
        let qualified_by_reach = qualified
            .iter()
            .zip(&self.jobs)
            .map(|(vehicles, job)| {
                let mut by_reach = vehicles.clone();
                by_reach.sort_by_key(|&v| {
                    let reach = self.matrix.time(self.vehicles[v].start, job.place);
                    (reach.unwrap_or(NEVER), v)
                });
                by_reach
            })
            .collect();
        // Breaks time a route too, and where a vehicle spends the nights
        // decides where later days start: vehicles share timing caches only
        // with these equal.
        let timing_key = |v: &Vehicle| (v.shift, v.end, v.end_by, v.home, v.rests.clone());
        let timing_class = classes(&self.vehicles, |a, b| timing_key(a) == timing_key(b));
        let skill_class = classes(&self.vehicles, |a, b| a.skills == b.skills);
        let twin_of = classes(&self.vehicles, |a, b| {
            timing_key(a) == timing_key(b)
                && a.start == b.start
                && a.available_from == b.available_from
                && a.carried == b.carried
                && a.tools == b.tools
                && a.skills == b.skills
        });
        let has_resources = self.dims > 0
            || self
                .jobs
                .iter()
                .any(|j| j.tools != 0 || j.supplies.iter().any(Supply::is_restock));
        let unrested = self
            .vehicles
            .iter()
            .map(|v| Vehicle {
                rests: Vec::new(),
                ..v.clone()
            })
            .collect();
        Ok(Model {
            unrested,
            jobs: self.jobs,
            vehicles: self.vehicles,
            matrix: self.matrix,
            shifts: self.shifts,
            depot_stock: self.depot_stock,
            dims: self.dims,
            restock_level: self.restock_level,
            qualified,
            qualified_by_reach,
            timing_class,
            skill_class,
            twin_of,
            has_resources,
            pay: Pay::default(),
        })
    }
}

/// For each item, the index of the first item equal to it (quadratic:
/// fleets are hundreds of vehicles, built once).
fn classes<T>(items: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<usize> {
    (0..items.len())
        .map(|i| (0..=i).find(|&j| same(&items[j], &items[i])).unwrap_or(i))
        .collect()
}

impl Model {
    /// The same model with routes' paid time priced by `pay`.
    pub fn with_pay(self, pay: Pay) -> Model {
        Model { pay, ..self }
    }

    /// Number of jobs.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Whether there is no job.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// What a restock refills dimension `d` to.
    #[inline]
    pub fn restock_level(&self, d: usize) -> i64 {
        self.restock_level.get(d).copied().unwrap_or(UNLIMITED)
    }

    /// Travel time from vehicle `v`'s start to `job` ([`NEVER`] if unreachable).
    pub fn reach(&self, job: usize, v: usize) -> Time {
        self.matrix
            .time(self.vehicles[v].start, self.jobs[job].place)
            .unwrap_or(NEVER)
    }

    /// Whether vehicle `v` has the skills of `job`.
    pub fn is_qualified(&self, job: usize, v: usize) -> bool {
        self.qualified[job].binary_search(&v).is_ok()
    }
}

/// A span of continuous duty, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: Time,
    pub end: Time,
}

/// Always on duty.
pub const ALWAYS: Block = Block {
    start: Time::MIN / 4,
    end: NEVER,
};

/// The duty blocks of one shift over the horizon, ascending and disjoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DutyBlocks {
    blocks: Vec<Block>,
    /// `duty_before[i]`: the length of the blocks before block `i`.
    duty_before: Vec<Time>,
}

impl DutyBlocks {
    /// Blocks from spans in time order; overlapping or touching spans merge.
    pub fn new(spans: impl IntoIterator<Item = (Time, Time)>) -> DutyBlocks {
        let mut blocks: Vec<Block> = Vec::new();
        for (start, end) in spans {
            match blocks.last_mut() {
                Some(last) if start <= last.end => last.end = last.end.max(end),
                _ if end > start => blocks.push(Block { start, end }),
                _ => {}
            }
        }
        let mut duty_before = Vec::with_capacity(blocks.len() + 1);
        let mut sum: Time = 0;
        for b in &blocks {
            duty_before.push(sum);
            sum = sum.saturating_add(b.end - b.start);
        }
        duty_before.push(sum);
        DutyBlocks {
            blocks,
            duty_before,
        }
    }

    /// Time on duty in `[from, to)`: paid time, the gaps between blocks not.
    pub fn on_duty(&self, from: Time, to: Time) -> Time {
        (self.duty_until(to) - self.duty_until(from)).max(0)
    }

    /// Time on duty before `instant` since the first block.
    fn duty_until(&self, instant: Time) -> Time {
        let i = self.blocks.partition_point(|b| b.end <= instant);
        let within = self.blocks.get(i).map_or(0, |b| (instant - b.start).max(0));
        self.duty_before.get(i).copied().unwrap_or(0) + within
    }

    /// The blocks ending after `instant`, in order: the one on duty at
    /// `instant` (if any) first.
    pub fn from(&self, instant: Time) -> &[Block] {
        let first = self.blocks.partition_point(|b| b.end <= instant);
        &self.blocks[first..]
    }

    /// The block containing `instant`, if on duty.
    pub fn containing(&self, instant: Time) -> Option<Block> {
        self.from(instant)
            .first()
            .copied()
            .filter(|b| b.start <= instant)
    }

    /// All blocks.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_finds() {
        let d = DutyBlocks::new([(0, 10), (10, 20), (30, 40)]);
        assert_eq!(d.blocks().len(), 2);
        assert_eq!(d.containing(15), Some(Block { start: 0, end: 20 }));
        assert_eq!(d.containing(25), None);
        assert_eq!(d.from(25)[0].start, 30);
        assert!(d.from(40).is_empty());
        assert_eq!(d.on_duty(5, 35), 15 + 5);
        assert_eq!(d.on_duty(-10, 100), 30);
        assert_eq!(d.on_duty(22, 28), 0);
    }
}
