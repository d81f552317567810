//! The simulation model, built once and shared by every run: failure
//! streams with their time-varying rates, each site's horizon, contract
//! clocks and depots in reach, engineers and their duty blocks, travel
//! seconds between every place an engineer or a part moves between, and
//! the stock the runs start from.

use super::{SimulateError, SimulateOptions};
use crate::calendar::{Seconds, SlaClock, local_instant};
use crate::dispatch::engine::model::{self as engine, DutyBlocks};
use crate::dispatch::problem::{courier_seconds, secs};
use crate::dispatch::shift::shift_blocks;
use crate::scenario::{
    DepotIdx, DepotStatus, EngineerIdx, PartIdx, Scenario, SiteIdx, StockLevel, TierIdx,
};
use crate::scenario::{SiteClocks, scenario_years};
use crate::travel::{Endpoint, TravelTimes};
use chrono::{NaiveDate, NaiveTime};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// Seconds in the planner's year (365 days: failure rates are per year and
/// lead times are turned into years with the same divisor).
pub const YEAR_SECS: f64 = 365.0 * 86_400.0;
/// Days of duty blocks built past the horizon, for jobs that run over it.
const TAIL_DAYS: i64 = 30;

/// Failures of one part at one site: a Poisson process whose rate is
/// constant on each segment.
#[derive(Clone, Debug)]
pub struct Stream {
    pub site: SiteIdx,
    pub part: PartIdx,
    /// `(from, to, failures per second)`, in time order, zero rates left out.
    pub segments: Vec<(Seconds, Seconds, f64)>,
}

/// A contract in force at a site: the base tier or a temporary one.
#[derive(Clone, Debug)]
pub struct Contract {
    pub tier: TierIdx,
    pub clock: Arc<SlaClock>,
    /// Usable depots whose travel plus handling fits the tier's guaranteed
    /// response (the planner's reach), nearest first.
    pub reach: Vec<DepotIdx>,
}

/// A temporary contract and the instants it applies to `[from, to)`.
#[derive(Clone, Debug)]
pub struct TemporaryContract {
    pub from: Seconds,
    pub to: Seconds,
    pub contract: Contract,
}

/// One site as the runs see it.
#[derive(Clone, Debug)]
pub struct SiteModel {
    /// Local midnight of the first day, and of the day after the last.
    pub start: Seconds,
    pub end: Seconds,
    pub customer: usize,
    pub base: Contract,
    pub temporary: Vec<TemporaryContract>,
}

impl SiteModel {
    /// The contract in force at `instant`.
    pub fn contract_at(&self, instant: Seconds) -> &Contract {
        self.temporary
            .iter()
            .find(|t| t.from <= instant && instant < t.to)
            .map_or(&self.base, |t| &t.contract)
    }
}

/// One engineer as the runs see them.
#[derive(Clone, Debug)]
pub struct EngineerModel {
    pub base: DepotIdx,
    /// Index into [`Model::shifts`].
    pub shift: usize,
    /// Seconds on duty inside the horizon.
    pub duty: Seconds,
}

/// Travel seconds between places: depots `0..D`, then sites `D..D+S`.
/// Rows from depots are copied from the travel service's matrices; rows
/// from sites are searched on first use (most pairs are never needed) and
/// kept, so every run sees the same values.
pub struct Drive<'a> {
    travel: &'a TravelTimes,
    depots: usize,
    places: usize,
    from_depots: Vec<Option<Seconds>>,
    from_sites: Vec<OnceLock<Option<Seconds>>>,
}

impl<'a> Drive<'a> {
    fn build(scenario: &Scenario, travel: &'a TravelTimes) -> Self {
        let depots = scenario.depots.len();
        let places = depots + scenario.sites.len();
        let mut from_depots = Vec::with_capacity(depots * places);
        for d in scenario.depot_indices() {
            for to in 0..places {
                let reach = if to < depots {
                    travel.depot_to_depot(d, DepotIdx::new(to))
                } else {
                    travel.depot_to_site(d, SiteIdx::new(to - depots))
                };
                from_depots.push(if to == d.index() {
                    Some(0)
                } else {
                    reach.hours().map(secs)
                });
            }
        }
        Drive {
            travel,
            depots,
            places,
            from_depots,
            from_sites: (0..scenario.sites.len() * places)
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    fn place(&self, index: usize) -> Endpoint {
        if index < self.depots {
            Endpoint::Depot(DepotIdx::new(index))
        } else {
            Endpoint::Site(SiteIdx::new(index - self.depots))
        }
    }

    /// The place index of a depot.
    pub fn depot(&self, depot: DepotIdx) -> usize {
        depot.index()
    }

    /// The depot at a place index, if it is one.
    pub fn depot_at(&self, place: usize) -> Option<DepotIdx> {
        (place < self.depots).then(|| DepotIdx::new(place))
    }

    /// The place index of a site.
    pub fn site(&self, site: SiteIdx) -> usize {
        self.depots + site.index()
    }

    /// Driving seconds, `None` where no route exists.
    pub fn between(&self, from: usize, to: usize) -> Option<Seconds> {
        if from == to {
            return Some(0);
        }
        if from < self.depots {
            return self.from_depots[from * self.places + to];
        }
        *self.from_sites[(from - self.depots) * self.places + to].get_or_init(|| {
            self.travel
                .hours_between(self.place(from), self.place(to))
                .hours()
                .map(secs)
        })
    }
}

/// The routing engine times visits on these travel times.
impl engine::Travel for Drive<'_> {
    fn time(&self, from: usize, to: usize) -> Option<Seconds> {
        self.between(from, to)
    }

    /// Minutes of driving, as `dispatch` costs travel (the simulation ranks
    /// visits by time, so this cost is not read).
    fn cost(&self, from: usize, to: usize) -> f64 {
        self.between(from, to).map_or(0.0, |s| s as f64 / 60.0)
    }
}

/// Everything the runs share.
pub struct SimulationModel<'a> {
    pub scenario: &'a Scenario,
    pub options: SimulateOptions,
    pub streams: Vec<Stream>,
    pub sites: Vec<SiteModel>,
    /// Customer names, in order of their first site.
    pub customers: Vec<String>,
    pub engineers: Vec<EngineerModel>,
    pub shifts: Vec<DutyBlocks>,
    /// Qualified engineers of each part.
    pub qualified: Vec<Vec<EngineerIdx>>,
    pub drive: Drive<'a>,
    pub handling: Seconds,
    /// `[dispatch] courier_speed_factor`.
    pub courier_factor: f64,
    /// Repair seconds of each part.
    pub repair: Vec<Seconds>,
    /// Replenishment lead time of each depot.
    pub lead: Vec<Seconds>,
    /// Stock on hand at the start, `[depot * parts + part]`.
    pub initial_stock: Vec<u32>,
    /// Whether the stock file lists the depot and part (the plan pools it).
    pub listed: Vec<bool>,
    /// Hours from a failure until an emergency shipment is on site.
    pub emergency: Seconds,
    /// First and last instants of any site's horizon.
    pub horizon: (Seconds, Seconds),
}

impl<'a> SimulationModel<'a> {
    pub fn build(
        scenario: &'a Scenario,
        travel: &'a TravelTimes,
        stock: &[StockLevel],
        options: SimulateOptions,
    ) -> Result<Self, SimulateError> {
        let start_date = scenario.start_date.ok_or(SimulateError::NoStartDate)?;
        let end_date = start_date + chrono::Days::new(u64::from(options.days));
        let midnight = |tz, date: NaiveDate| local_instant(tz, date.and_time(NaiveTime::MIN));
        let clocks = SiteClocks::for_scenario(scenario)?;
        let years = scenario_years(scenario);
        let drive = Drive::build(scenario, travel);
        let handling = secs(scenario.travel.handling_hours.max(0.0));

        let mut customers: Vec<String> = Vec::new();
        let mut customer_of: HashMap<&str, usize> = HashMap::new();
        let mut extra_clocks: HashMap<(TierIdx, chrono_tz::Tz), Arc<SlaClock>> = HashMap::new();
        let mut sites = Vec::with_capacity(scenario.sites.len());
        for s in scenario.site_indices() {
            let site = scenario.site(s);
            let customer = *customer_of.entry(&site.customer).or_insert_with(|| {
                customers.push(site.customer.clone());
                customers.len() - 1
            });
            let base_clock = Arc::new(clocks.of(s).clone());
            let base = contract(scenario, travel, s, site.tier, base_clock, handling);
            let mut temporary = Vec::new();
            for change in scenario
                .tier_changes
                .iter()
                .filter(|c| c.customer == site.customer)
            {
                let clock = match extra_clocks.get(&(change.tier, site.tz)) {
                    Some(clock) => clock.clone(),
                    None => {
                        let tier = scenario.tier(change.tier);
                        let clock = Arc::new(SlaClock::new(
                            &tier.coverage,
                            tier.response,
                            site.tz,
                            years.clone(),
                        )?);
                        extra_clocks.insert((change.tier, site.tz), clock.clone());
                        clock
                    }
                };
                temporary.push(TemporaryContract {
                    from: midnight(site.tz, change.period.from),
                    to: midnight(site.tz, change.period.to + chrono::Days::new(1)),
                    contract: contract(scenario, travel, s, change.tier, clock, handling),
                });
            }
            sites.push(SiteModel {
                start: midnight(site.tz, start_date),
                end: midnight(site.tz, end_date),
                customer,
                base,
                temporary,
            });
        }
        let horizon = (
            sites.iter().map(|s| s.start).min().unwrap_or(0),
            sites.iter().map(|s| s.end).max().unwrap_or(0),
        );

        let streams = streams(scenario, &sites, start_date, end_date);
        let (engineer_shift, shifts) =
            shift_blocks(scenario, horizon.0 - 86_400, horizon.1 + TAIL_DAYS * 86_400)?;
        let engineers = scenario
            .engineer_indices()
            .zip(engineer_shift)
            .map(|(e, shift)| EngineerModel {
                base: scenario.engineer(e).base,
                shift,
                duty: duty_seconds(&shifts[shift], horizon),
            })
            .collect();
        let qualified = scenario
            .part_indices()
            .map(|p| {
                let skill = &scenario.part(p).skill;
                scenario
                    .engineer_indices()
                    .filter(|&e| scenario.engineer(e).has_skill(skill))
                    .collect()
            })
            .collect();
        let parts = scenario.parts.len();
        let mut initial_stock = vec![0u32; scenario.depots.len() * parts];
        let mut listed = vec![false; scenario.depots.len() * parts];
        for level in stock {
            let slot = level.depot.index() * parts + level.part.index();
            initial_stock[slot] = initial_stock[slot].saturating_add(level.on_hand);
            listed[slot] = true;
        }
        Ok(SimulationModel {
            scenario,
            options,
            streams,
            sites,
            customers,
            engineers,
            shifts,
            qualified,
            drive,
            handling,
            courier_factor: scenario.dispatch.courier_speed_factor,
            repair: scenario
                .parts
                .iter()
                .map(|p| secs(p.repair_hours.max(0.0)))
                .collect(),
            lead: scenario
                .depots
                .iter()
                .map(|d| secs(d.replenish_days.max(0.0) * 24.0))
                .collect(),
            initial_stock,
            listed,
            emergency: secs(options.emergency_hours),
            horizon,
        })
    }

    /// Stock slot of a depot and part.
    pub fn slot(&self, depot: DepotIdx, part: PartIdx) -> usize {
        depot.index() * self.scenario.parts.len() + part.index()
    }

    /// Courier seconds from a depot to a site place (same rule as `dispatch`).
    pub fn courier(&self, depot: DepotIdx, site_place: usize) -> Option<Seconds> {
        self.drive
            .between(self.drive.depot(depot), site_place)
            .map(|drive| courier_seconds(drive, self.courier_factor))
    }
}

/// The contract of a tier at a site, with the depots in reach.
fn contract(
    scenario: &Scenario,
    travel: &TravelTimes,
    site: SiteIdx,
    tier: TierIdx,
    clock: Arc<SlaClock>,
    handling: Seconds,
) -> Contract {
    let allowed = clock.guaranteed_response_hours();
    let handling_hours = handling as f64 / 3600.0;
    let mut reach: Vec<(f64, DepotIdx)> = scenario
        .depot_indices()
        .filter(|&d| scenario.depot(d).status != DepotStatus::Closed)
        .filter_map(|d| travel.depot_to_site(d, site).hours().map(|h| (h, d)))
        .filter(|(hours, _)| hours + handling_hours <= allowed + 1e-9)
        .collect();
    reach.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    Contract {
        tier,
        clock,
        reach: reach.into_iter().map(|(_, d)| d).collect(),
    }
}

/// One stream per site and part with failures, rates multiplied by the
/// rate changes in force (several changes on the same days multiply).
fn streams(
    scenario: &Scenario,
    sites: &[SiteModel],
    start_date: NaiveDate,
    end_date: NaiveDate,
) -> Vec<Stream> {
    let mut rates: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for unit in &scenario.installed_base {
        *rates
            .entry((unit.site.index(), unit.part.index()))
            .or_default() += unit.failures_per_year();
    }
    let mut streams = Vec::with_capacity(rates.len());
    for ((s, p), per_year) in rates {
        if per_year <= 0.0 {
            continue;
        }
        let site = &scenario.sites[s];
        let model = &sites[s];
        let part = PartIdx::new(p);
        let tz = site.tz;
        let midnight = |date: NaiveDate| local_instant(tz, date.and_time(NaiveTime::MIN));
        let changes: Vec<(Seconds, Seconds, f64)> = scenario
            .rate_changes
            .iter()
            .filter(|c| c.region.as_ref().is_none_or(|r| *r == site.region))
            .filter(|c| c.part.is_none_or(|cp| cp == part))
            .filter(|c| c.period.to >= start_date && c.period.from < end_date)
            .map(|c| {
                (
                    midnight(c.period.from),
                    midnight(c.period.to + chrono::Days::new(1)),
                    c.factor,
                )
            })
            .collect();
        let mut cuts = vec![model.start, model.end];
        for (from, to, _) in &changes {
            cuts.extend([*from, *to]);
        }
        cuts.retain(|t| (model.start..=model.end).contains(t));
        cuts.sort_unstable();
        cuts.dedup();
        let base = per_year / YEAR_SECS;
        let segments = cuts
            .windows(2)
            .map(|w| {
                let factor: f64 = changes
                    .iter()
                    .filter(|(from, to, _)| *from <= w[0] && w[0] < *to)
                    .map(|(_, _, f)| f)
                    .product();
                (w[0], w[1], base * factor)
            })
            .filter(|(_, _, rate)| *rate > 0.0)
            .collect();
        streams.push(Stream {
            site: SiteIdx::new(s),
            part,
            segments,
        });
    }
    streams
}

/// Seconds on duty inside the horizon.
fn duty_seconds(blocks: &DutyBlocks, horizon: (Seconds, Seconds)) -> Seconds {
    blocks
        .from(horizon.0)
        .iter()
        .take_while(|b| b.start < horizon.1)
        .map(|b| b.end.min(horizon.1) - b.start.max(horizon.0))
        .filter(|d| *d > 0)
        .sum()
}
