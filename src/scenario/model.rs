//! The typed scenario every solver works on. Loaders build it from files and
//! validate it; nothing in here knows about CSV or TOML.

pub use crate::calendar::{BusinessHours, Coverage, Response};
use crate::calendar::{ClockWindow, HolidayCalendar, WeekdaySet};
pub use crate::geodesy::LatLon;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;

/// A typed index into one of the scenario's tables: `Idx<Depot>` cannot be
/// used where an `Idx<Site>` is expected.
pub struct Idx<T> {
    raw: u32,
    marker: PhantomData<fn() -> T>,
}

impl<T> Idx<T> {
    pub fn new(index: usize) -> Self {
        Idx {
            raw: u32::try_from(index).expect("tables are smaller than 2^32 rows"),
            marker: PhantomData,
        }
    }

    pub fn index(self) -> usize {
        self.raw as usize
    }
}

impl<T> Clone for Idx<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Idx<T> {}
impl<T> PartialEq for Idx<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> Eq for Idx<T> {}
impl<T> PartialOrd for Idx<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Idx<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<T> Hash for Idx<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}
impl<T> fmt::Debug for Idx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.raw)
    }
}

pub type DepotIdx = Idx<Depot>;
pub type PartIdx = Idx<Part>;
pub type SiteIdx = Idx<Site>;
pub type TierIdx = Idx<Tier>;
pub type EngineerIdx = Idx<Engineer>;

/// What a depot is in the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepotKind {
    /// Central warehouse: replenishes the others.
    Central,
    /// Regional depot or spare-parts centre.
    Regional,
    /// Forward stocking location close to customers.
    Forward,
}

/// Whether the planner may use a depot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepotStatus {
    /// Must stay open.
    Open,
    /// May be opened if it pays.
    Candidate,
    /// Excluded.
    Closed,
}

/// A stocking location.
#[derive(Clone, Debug, PartialEq)]
pub struct Depot {
    pub id: String,
    pub name: String,
    pub location: LatLon,
    pub kind: DepotKind,
    pub status: DepotStatus,
    /// Yearly cost of keeping the depot open.
    pub fixed_cost: f64,
    /// Days to restock one unit from the central warehouse.
    pub replenish_days: f64,
    /// The depot's zone, its engineers' default: the `tz` column, else
    /// `timezone` of scenario.toml, else the zone of its nearest site;
    /// `None` only when none of these exists.
    pub tz: Option<Tz>,
}

/// A field-replaceable unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub id: String,
    pub name: String,
    pub unit_cost: f64,
    /// Skill an engineer needs to install the part.
    pub skill: String,
    /// On-site repair time once engineer and part are there.
    pub repair_hours: f64,
    /// Whether the repair may stop at the end of a duty block and continue
    /// in the engineer's next one (`pausable` of parts.csv, default no).
    pub pausable: bool,
}

/// A customer location under contract.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    pub id: String,
    pub customer: String,
    pub location: LatLon,
    pub tz: Tz,
    pub tier: TierIdx,
    /// Province or region, for what-ifs that act on a region; empty if not given.
    pub region: String,
}

/// Units of one part installed at one site.
#[derive(Clone, Debug, PartialEq)]
pub struct InstalledUnit {
    pub site: SiteIdx,
    pub part: PartIdx,
    pub quantity: u32,
    /// Failures per unit per year.
    pub annual_failure_rate: f64,
}

impl InstalledUnit {
    /// Expected failures per year of this row.
    pub fn failures_per_year(&self) -> f64 {
        f64::from(self.quantity) * self.annual_failure_rate
    }
}

/// A contract tier such as 7x24x4 or 5x10-nbd.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    pub id: String,
    pub coverage: Coverage,
    pub response: Response,
    /// Share of incidents that must be met in time.
    pub target: f64,
    /// Cost of one breach.
    pub penalty: f64,
}

/// A daily working shift: a window on the working days of a calendar.
#[derive(Clone, Debug, PartialEq)]
pub struct Shift {
    pub window: ClockWindow,
    pub days: WeekdaySet,
    pub calendar: Arc<HolidayCalendar>,
    /// Zone the shift's wall clock is read in.
    pub tz: Tz,
}

/// A field engineer.
#[derive(Clone, Debug, PartialEq)]
pub struct Engineer {
    pub id: String,
    pub name: String,
    pub base: DepotIdx,
    pub skills: Vec<String>,
    pub shift: Shift,
}

/// An engineer's daily break (engineers.csv `break`, e.g. `12:00-14:00/45m`):
/// `minutes` long, taken inside `window` (the shift zone's wall clock, on
/// the same day) on every duty day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakRule {
    pub window: ClockWindow,
    pub minutes: u32,
}

impl std::str::FromStr for BreakRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = "a window and a duration `HH:MM-HH:MM/DURATION` such as `12:00-14:00/45m`";
        let (window, length) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not {expected}"))?;
        let window: ClockWindow = window
            .parse()
            .map_err(|message| format!("{message} (expected {expected})"))?;
        if window.crosses_midnight() {
            return Err(format!(
                "`{text}`: a break window must not cross midnight (expected {expected})"
            ));
        }
        let length = crate::calendar::parse_duration(length)
            .map_err(|message| format!("{message} (expected {expected})"))?;
        let seconds = length.num_seconds();
        if seconds % 60 != 0 {
            return Err(format!(
                "`{text}`: give the break in whole minutes (expected {expected})"
            ));
        }
        let minutes = (seconds / 60) as u32;
        if minutes > window.minutes() {
            return Err(format!(
                "`{text}`: a {minutes}-minute break does not fit its {}-minute window",
                window.minutes()
            ));
        }
        Ok(BreakRule { window, minutes })
    }
}

/// As engineers.csv writes it, e.g. `12:00-14:00/45m`.
impl std::fmt::Display for BreakRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}m", self.window, self.minutes)
    }
}

/// A rota pattern the planner may staff at any open depot (shifts.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftPattern {
    pub id: String,
    pub window: ClockWindow,
    pub days: WeekdaySet,
    pub calendar: Arc<HolidayCalendar>,
    /// Yearly cost of one position held all year, rota and allowances included.
    pub cost_per_year: f64,
    /// The daily break of a position on this pattern (shifts.csv `break`),
    /// written with the positions a plan adds to its roster.csv.
    pub break_rule: Option<BreakRule>,
}

impl ShiftPattern {
    /// The pattern worked in zone `tz` (the depot's, for a position there).
    pub fn shift_in(&self, tz: Tz) -> Shift {
        Shift {
            window: self.window,
            days: self.days,
            calendar: self.calendar.clone(),
            tz,
        }
    }

    /// Whether a roster engineer's shift is this pattern: the same window,
    /// days and calendar, whatever its zone.
    pub fn matches(&self, shift: &Shift) -> bool {
        self.window == shift.window && self.days == shift.days && self.calendar == shift.calendar
    }
}

impl Engineer {
    pub fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s == skill)
    }
}

/// Whether an incident is a failure or a predicted one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// A failure: the contract deadline is hard.
    Reactive,
    /// Predicted by monitoring: the deadline is soft.
    Proactive,
}

/// A ticket to dispatch.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: String,
    pub site: SiteIdx,
    pub opened: DateTime<Utc>,
    pub part: PartIdx,
    pub kind: IncidentKind,
}

/// Units of a part on hand at a depot.
#[derive(Clone, Debug, PartialEq)]
pub struct StockLevel {
    pub depot: DepotIdx,
    pub part: PartIdx,
    pub on_hand: u32,
}

/// A place an engineer can be: a depot or a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    Depot(DepotIdx),
    Site(SiteIdx),
}

/// An engineer already out: free from `available_from` at `location`
/// (`engineer_state.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct EngineerState {
    pub engineer: EngineerIdx,
    pub available_from: DateTime<Utc>,
    pub location: Location,
}

/// How a part reaches an incident's site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    /// The engineer drives to the depot, collects the part, drives on.
    EngineerPickup,
    /// A courier drives the part from the depot; the engineer drives directly.
    Courier,
}

impl DeliveryMode {
    pub const ALL: [DeliveryMode; 2] = [DeliveryMode::EngineerPickup, DeliveryMode::Courier];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMode::EngineerPickup => "engineer_pickup",
            DeliveryMode::Courier => "courier",
        }
    }
}

/// A job of a previous dispatch to keep (`--pin`): the incident stays with
/// its engineer, source depot and mode, in the previous order.
#[derive(Clone, Debug, PartialEq)]
pub struct Pin {
    /// Index into the incidents being dispatched.
    pub incident: usize,
    pub engineer: EngineerIdx,
    pub depot: DepotIdx,
    pub mode: DeliveryMode,
    /// Previous departure: orders each engineer's pinned jobs.
    pub depart: DateTime<Utc>,
}

/// A junction of the road graph that is neither a depot nor a site.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadNode {
    pub id: String,
    pub location: LatLon,
}

/// One road link between two named places (depot, site or junction ids).
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    pub from: String,
    pub to: String,
    pub km: f64,
    /// Driving time; when absent, derived from `km` and the travel speed.
    pub minutes: Option<f64>,
    /// One-way link (`from` to `to` only).
    pub oneway: bool,
}

/// A closure or slowdown of a road link.
#[derive(Clone, Debug, PartialEq)]
pub struct Closure {
    pub from: String,
    pub to: String,
    /// 0 closes the link; 2.5 makes it 2.5 times slower.
    pub factor: f64,
}

/// A travel-time matrix imported from an external routing engine.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedMatrix {
    /// Place ids (depots or sites) of the rows.
    pub sources: Vec<String>,
    /// Place ids (depots or sites) of the columns.
    pub destinations: Vec<String>,
    /// Hours; `None` where the engine found no route.
    pub hours: Vec<Vec<Option<f64>>>,
}

/// `[travel]` settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TravelSettings {
    pub speed_kmh: f64,
    /// Road km per geodesic km.
    pub circuity: f64,
    /// Hours to pick a part and hand it over.
    pub handling_hours: f64,
}

/// `[costs]` settings.
#[derive(Clone, Debug, PartialEq)]
pub struct CostSettings {
    /// Share of unit cost per year to hold one unit.
    pub holding_rate: f64,
    /// Cost of one emergency shipment (a demand that found no stock).
    pub emergency_shipment_cost: f64,
    /// Yearly cost per skill per position the planner adds (certification).
    pub certification_cost: f64,
    /// Hours from a failure until an emergency shipment is on site.
    pub emergency_hours: f64,
}

/// Stock model used by the planner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FillModel {
    /// Lost-sales (Erlang loss): demand that finds no stock goes elsewhere.
    ErlangLoss,
    /// Backorders (METRIC): P(on hand > 0) with one-for-one replenishment.
    Metric,
}

/// `[planning]` settings.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanningSettings {
    pub fill_model: FillModel,
    /// Default solver time limit.
    pub time_limit: TimeDelta,
    /// Default relative optimality gap.
    pub gap: f64,
    /// Highest stock level considered for one part at one depot.
    pub max_stock: u32,
}

/// `[dispatch]` settings.
#[derive(Clone, Debug, PartialEq)]
pub struct DispatchSettings {
    /// Courier speed relative to the travel speed.
    pub courier_speed_factor: f64,
    /// `[dispatch.objective] travel`: cost of a travel minute.
    pub travel_weight: f64,
    /// `[dispatch.objective] paid_time`: cost of a paid minute (an
    /// overtime minute costs `overtime_factor` times as much).
    pub paid_time_weight: f64,
    /// Currency per paid hour, for the summary's labour cost.
    pub engineer_hour_cost: f64,
    /// Paid hours of a working day before overtime starts (`None`: only
    /// time past the shift is overtime).
    pub overtime_after_hours: Option<f64>,
    /// What an overtime hour costs relative to a normal one.
    pub overtime_factor: f64,
    /// Hours an engineer may work past the end of a duty block (0: the
    /// shift end is hard).
    pub max_overtime_hours: f64,
}

/// Days a temporary change applies, both ends inclusive, as calendar dates
/// in each affected site's own time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Whether `day` falls inside the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// Failure rates multiplied by `factor` during a period (a holiday peak),
/// for the sites of one region (all when `None`) and one part (all when `None`).
#[derive(Clone, Debug, PartialEq)]
pub struct RateChange {
    pub period: Period,
    pub region: Option<String>,
    pub part: Option<PartIdx>,
    pub factor: f64,
}

/// The sites of one customer served under another tier during a period
/// (a temporary upgrade for a major event).
#[derive(Clone, Debug, PartialEq)]
pub struct TierChange {
    pub period: Period,
    pub customer: String,
    pub tier: TierIdx,
}

/// A complete, validated scenario.
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    pub name: String,
    pub currency: String,
    pub horizon_days: u32,
    /// First day of the planning horizon. A loaded scenario always has one
    /// (`start_date` of scenario.toml, else its documented default).
    pub start_date: Option<NaiveDate>,
    pub travel: TravelSettings,
    pub costs: CostSettings,
    pub planning: PlanningSettings,
    pub dispatch: DispatchSettings,
    pub depots: Vec<Depot>,
    pub parts: Vec<Part>,
    pub sites: Vec<Site>,
    pub installed_base: Vec<InstalledUnit>,
    pub tiers: Vec<Tier>,
    pub engineers: Vec<Engineer>,
    /// Engineers' daily breaks by engineer id (engineers.csv `break`; an
    /// engineer not in it takes none).
    pub breaks: BTreeMap<String, BreakRule>,
    /// Rota patterns of `shifts.csv` the planner may staff (empty without the file).
    pub shift_patterns: Vec<ShiftPattern>,
    /// Junctions of the road graph (empty without a road layer).
    pub road_nodes: Vec<RoadNode>,
    /// Road links (empty without a road layer).
    pub roads: Vec<Road>,
    /// The file the road links came from (`[travel] roads`), for messages.
    pub roads_file: Option<PathBuf>,
    pub closures: Vec<Closure>,
    pub imported_matrix: Option<ImportedMatrix>,
    /// Incidents of `incidents.csv` (empty without the file).
    pub incidents: Vec<Incident>,
    /// Stock of `stock.csv` (empty without the file).
    pub stock: Vec<StockLevel>,
    /// Folder the scenario was read from.
    pub dir: PathBuf,
    /// Temporary failure-rate changes (from an overlay; empty otherwise).
    pub rate_changes: Vec<RateChange>,
    /// Temporary tier changes of named customers (from an overlay; empty otherwise).
    pub tier_changes: Vec<TierChange>,
}

/// Id-to-index maps of a scenario, for code that looks up many ids.
#[derive(Clone, Debug, Default)]
pub struct IdIndex {
    pub depots: HashMap<String, DepotIdx>,
    pub parts: HashMap<String, PartIdx>,
    pub sites: HashMap<String, SiteIdx>,
    pub tiers: HashMap<String, TierIdx>,
    pub engineers: HashMap<String, EngineerIdx>,
}

fn id_map<T, I>(
    items: &[T],
    id: impl Fn(&T) -> &str,
    make: impl Fn(usize) -> I,
) -> HashMap<String, I> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (id(item).to_string(), make(i)))
        .collect()
}

impl Scenario {
    /// Builds the id lookups (one pass over each table).
    pub fn id_index(&self) -> IdIndex {
        IdIndex {
            depots: id_map(&self.depots, |d| &d.id, Idx::new),
            parts: id_map(&self.parts, |p| &p.id, Idx::new),
            sites: id_map(&self.sites, |s| &s.id, Idx::new),
            tiers: id_map(&self.tiers, |t| &t.id, Idx::new),
            engineers: id_map(&self.engineers, |e| &e.id, Idx::new),
        }
    }

    pub fn depot_by_id(&self, id: &str) -> Option<DepotIdx> {
        self.depots.iter().position(|d| d.id == id).map(Idx::new)
    }
    pub fn part_by_id(&self, id: &str) -> Option<PartIdx> {
        self.parts.iter().position(|p| p.id == id).map(Idx::new)
    }
    pub fn site_by_id(&self, id: &str) -> Option<SiteIdx> {
        self.sites.iter().position(|s| s.id == id).map(Idx::new)
    }
    pub fn tier_by_id(&self, id: &str) -> Option<TierIdx> {
        self.tiers.iter().position(|t| t.id == id).map(Idx::new)
    }
    pub fn engineer_by_id(&self, id: &str) -> Option<EngineerIdx> {
        self.engineers.iter().position(|e| e.id == id).map(Idx::new)
    }

    pub fn depot(&self, d: DepotIdx) -> &Depot {
        &self.depots[d.index()]
    }
    pub fn part(&self, p: PartIdx) -> &Part {
        &self.parts[p.index()]
    }
    pub fn site(&self, s: SiteIdx) -> &Site {
        &self.sites[s.index()]
    }
    pub fn tier(&self, t: TierIdx) -> &Tier {
        &self.tiers[t.index()]
    }
    pub fn engineer(&self, e: EngineerIdx) -> &Engineer {
        &self.engineers[e.index()]
    }
    /// The tier of a site.
    pub fn site_tier(&self, s: SiteIdx) -> &Tier {
        self.tier(self.site(s).tier)
    }

    /// All depot indices, in file order.
    pub fn depot_indices(&self) -> impl Iterator<Item = DepotIdx> + use<> {
        (0..self.depots.len()).map(Idx::new)
    }
    /// All part indices, in file order.
    pub fn part_indices(&self) -> impl Iterator<Item = PartIdx> + use<> {
        (0..self.parts.len()).map(Idx::new)
    }
    /// All site indices, in file order.
    pub fn site_indices(&self) -> impl Iterator<Item = SiteIdx> + use<> {
        (0..self.sites.len()).map(Idx::new)
    }
    /// All tier indices, in file order.
    pub fn tier_indices(&self) -> impl Iterator<Item = TierIdx> + use<> {
        (0..self.tiers.len()).map(Idx::new)
    }
    /// All engineer indices, in file order.
    pub fn engineer_indices(&self) -> impl Iterator<Item = EngineerIdx> + use<> {
        (0..self.engineers.len()).map(Idx::new)
    }

    /// Expected failures per year over the whole installed base.
    pub fn annual_failures(&self) -> f64 {
        self.installed_base
            .iter()
            .map(InstalledUnit::failures_per_year)
            .sum()
    }

    /// Whether a road layer was given.
    pub fn has_roads(&self) -> bool {
        !self.roads.is_empty()
    }
}

impl Default for TravelSettings {
    fn default() -> Self {
        TravelSettings {
            speed_kmh: 60.0,
            circuity: 1.3,
            handling_hours: 0.5,
        }
    }
}

impl Default for CostSettings {
    fn default() -> Self {
        CostSettings {
            holding_rate: 0.25,
            emergency_shipment_cost: 0.0,
            certification_cost: 0.0,
            emergency_hours: 24.0,
        }
    }
}

impl Default for PlanningSettings {
    fn default() -> Self {
        PlanningSettings {
            fill_model: FillModel::ErlangLoss,
            time_limit: TimeDelta::seconds(60),
            gap: 0.005,
            max_stock: 30,
        }
    }
}

impl Default for DispatchSettings {
    fn default() -> Self {
        DispatchSettings {
            courier_speed_factor: 1.0,
            travel_weight: 1.0,
            paid_time_weight: 0.0,
            engineer_hour_cost: 0.0,
            overtime_after_hours: None,
            overtime_factor: 1.5,
            max_overtime_hours: 0.0,
        }
    }
}
