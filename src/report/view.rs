//! What the HTML report shows, as typed values: built from the scenario, the
//! folders the commands wrote and the plan's stock-to-service curve, before
//! any markup. The renderers in [`super::html`] only lay these out.

use super::read::{CompareRow, DispatchFiles, PlanFiles, TierFile, UnreachableFile};
use crate::dispatch::Status;
use crate::plan::PlanModel;
use crate::plan::curve::{CurvePoint, ServiceCurve};
use crate::scenario::{DepotStatus, LatLon, Scenario};
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet};

mod staffing;
pub use staffing::{DepotStaffing, ShiftPositions, StaffingView};

/// Everything the report shows.
#[derive(Clone, Debug)]
pub struct ReportView {
    pub scenario: String,
    pub currency: String,
    /// Program and version that wrote the report.
    pub generator: String,
    pub tiers: Vec<TierFile>,
    pub plan: PlanView,
    pub map: MapView,
    pub curve: CurveView,
    /// The plan's engineers, when it counted them and wrote staffing.csv.
    pub staffing: Option<StaffingView>,
    pub dispatch: Option<DispatchView>,
    pub compare: Option<CompareView>,
    /// `sparesla simulate --out`'s summary, when the report was given one.
    pub simulation: Option<crate::report::SimulationReport>,
}

/// The plan's headline numbers.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub status: String,
    pub solver: String,
    pub gap: f64,
    pub lower_bound: f64,
    pub fixed_cost: f64,
    pub holding_cost: f64,
    pub expected_penalty: f64,
    pub emergency_cost: f64,
    /// Engineers per year (roster and added positions).
    pub people_cost: f64,
    /// Whether the plan counted engineers: then the people cost and the
    /// tiers' parts/people split are shown.
    pub counts_people: bool,
    pub total_cost: f64,
    pub depots_open: usize,
    pub depots_usable: usize,
    pub stock_units: u64,
    pub stock_value: f64,
    /// Open depots holding stock, most valuable first.
    pub depot_stock: Vec<DepotStock>,
    pub unreachable: Vec<UnreachableFile>,
}

/// Stock held at one depot.
#[derive(Clone, Debug, PartialEq)]
pub struct DepotStock {
    pub id: String,
    pub name: String,
    pub units: u32,
    pub value: f64,
}

/// Whether a depot is used by the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepotState {
    Open,
    /// A candidate the plan leaves closed.
    NotOpened,
    /// Excluded by the scenario.
    Closed,
}

impl DepotState {
    /// The word used in data attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            DepotState::Open => "open",
            DepotState::NotOpened => "not_opened",
            DepotState::Closed => "closed",
        }
    }
}

/// How a site fares under the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SiteStatus {
    /// Served in time, expected on-time share at or above the tier target.
    Met,
    /// Served in time, but stock-outs bring the expected share under the target.
    BelowTarget,
    /// A usable depot would reach it in time, but none of the open ones does.
    NotCovered,
    /// No usable depot reaches it in time at all.
    Unreachable,
    /// No installed base: nothing fails there.
    NoDemand,
}

impl SiteStatus {
    /// The word used in data attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteStatus::Met => "met",
            SiteStatus::BelowTarget => "below_target",
            SiteStatus::NotCovered => "not_covered",
            SiteStatus::Unreachable => "unreachable",
            SiteStatus::NoDemand => "no_demand",
        }
    }
}

/// A depot on the map.
#[derive(Clone, Debug)]
pub struct MapDepot {
    pub id: String,
    pub name: String,
    pub location: LatLon,
    pub state: DepotState,
    pub stock_value: f64,
    pub stock_units: u32,
    pub sites_served: u32,
}

/// A site on the map.
#[derive(Clone, Debug)]
pub struct MapSite {
    pub id: String,
    pub customer: String,
    pub location: LatLon,
    /// Index into [`ReportView::tiers`] (or past its end for a tier the
    /// summary does not list).
    pub tier: usize,
    pub tier_id: String,
    pub status: SiteStatus,
    /// Index into [`MapView::depots`] of the serving depot.
    pub depot: Option<usize>,
    pub travel_hours: Option<f64>,
    /// Expected share of the site's failures met in time.
    pub on_time: Option<f64>,
    /// The day's incidents at the site (with a dispatch), with their status.
    pub incidents: Vec<(String, Status)>,
}

/// The map's content.
#[derive(Clone, Debug)]
pub struct MapView {
    pub depots: Vec<MapDepot>,
    pub sites: Vec<MapSite>,
    /// Road links of the scenario's road layer, end to end.
    pub roads: Vec<(LatLon, LatLon)>,
}

/// The stock-to-service curve and the plan's place on it.
#[derive(Clone, Debug)]
pub struct CurveView {
    pub curve: ServiceCurve,
    pub plan: CurvePoint,
    /// The tiers' targets (capped at what is attainable), demand-weighted:
    /// the overall share the plan must reach.
    pub overall_target: f64,
}

/// The day's dispatch.
#[derive(Clone, Debug)]
pub struct DispatchView {
    pub on_time: usize,
    pub late: usize,
    pub unassigned: usize,
    /// Times are shown at this offset from UTC (the first stop's).
    pub offset: FixedOffset,
    pub rows: Vec<GanttRow>,
    /// Late and unassigned incidents.
    pub problems: Vec<ProblemIncident>,
}

/// One engineer's route.
#[derive(Clone, Debug)]
pub struct GanttRow {
    pub engineer: String,
    pub name: String,
    pub stops: Vec<GanttStop>,
}

/// One stop of a route.
#[derive(Clone, Debug)]
pub struct GanttStop {
    pub incident: String,
    pub site: String,
    /// `engineer_pickup` or `courier`.
    pub mode: Option<String>,
    pub source_depot: Option<String>,
    pub depart: DateTime<FixedOffset>,
    /// Repair start: engineer and part both on site.
    pub arrive: DateTime<FixedOffset>,
    pub finish: DateTime<FixedOffset>,
    pub deadline: Option<DateTime<FixedOffset>>,
    pub status: Status,
}

/// A late or unassigned incident.
#[derive(Clone, Debug)]
pub struct ProblemIncident {
    pub incident: String,
    pub site: String,
    pub status: Status,
    pub engineer: String,
    pub deadline: DateTime<FixedOffset>,
    /// Minutes the arrival is after the deadline.
    pub minutes_late: Option<i64>,
    pub reason: String,
}

/// Scenarios side by side.
#[derive(Clone, Debug)]
pub struct CompareView {
    /// Tier ids in first-seen order.
    pub tiers: Vec<String>,
    pub rows: Vec<CompareRow>,
    /// The plans behind the rows, where the comparison folder kept them
    /// (`plans/`), in the rows' order: what changed between scenarios.
    pub plans: Vec<crate::report::read::PlanDigest>,
}

/// Inputs of [`ReportView::build`].
pub struct ReportInputs<'a> {
    pub scenario: &'a Scenario,
    /// The planning model of the scenario (demand per site and part).
    pub model: &'a PlanModel,
    pub plan: &'a PlanFiles,
    /// The curve of the plan's network and the plan's own point on it.
    pub curve: ServiceCurve,
    pub plan_point: CurvePoint,
    pub dispatch: Option<&'a DispatchFiles>,
    pub compare: Option<Vec<CompareRow>>,
    /// The plans kept in the comparison folder (may be empty).
    pub compare_plans: Vec<crate::report::read::PlanDigest>,
    pub simulation: Option<crate::report::SimulationReport>,
}

/// The curve keeps a point when service moved at least this much since the
/// last one kept (the full walk has one point per stock unit).
const CURVE_STEP: f64 = 0.0002;

impl ReportView {
    /// Puts the report together: the map from the scenario and the plan
    /// files, the curve thinned for drawing, the dispatch and comparison if given.
    pub fn build(inputs: ReportInputs<'_>) -> ReportView {
        let ReportInputs {
            scenario,
            model,
            plan,
            curve,
            plan_point,
            dispatch,
            compare,
            compare_plans,
            simulation,
        } = inputs;
        let summary = &plan.summary;
        let tiers = summary.tiers.clone();
        let map = map_view(scenario, model, plan, dispatch);
        let depot_stock = {
            let mut stock: Vec<DepotStock> = plan
                .depots
                .iter()
                .filter(|d| d.open && d.stock_units > 0)
                .map(|d| DepotStock {
                    id: scenario.depot(d.depot).id.clone(),
                    name: scenario.depot(d.depot).name.clone(),
                    units: d.stock_units,
                    value: d.stock_value,
                })
                .collect();
            stock.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.id.cmp(&b.id)));
            stock
        };
        let plan_view = PlanView {
            status: serde_json::to_value(summary.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            solver: summary.solver.clone(),
            gap: summary.gap,
            lower_bound: summary.lower_bound,
            fixed_cost: summary.fixed_cost,
            holding_cost: summary.holding_cost,
            expected_penalty: summary.expected_penalty,
            emergency_cost: summary.emergency_cost,
            people_cost: summary.people_cost,
            counts_people: summary.counts_people(),
            total_cost: summary.total_cost,
            depots_open: plan.depots.iter().filter(|d| d.open).count(),
            depots_usable: scenario
                .depots
                .iter()
                .filter(|d| d.status != DepotStatus::Closed)
                .count(),
            stock_units: summary.stock_units,
            stock_value: summary.stock_value,
            depot_stock,
            unreachable: summary.unreachable_sites.clone(),
        };
        let demand: f64 = tiers.iter().map(|t| t.demand).sum();
        let overall_target = if demand > 0.0 {
            tiers
                .iter()
                .map(|t| t.target.min(t.attainable) * t.demand)
                .sum::<f64>()
                / demand
        } else {
            1.0
        };
        ReportView {
            scenario: scenario.name.clone(),
            currency: summary.currency.clone(),
            generator: format!("sparesla {}", env!("CARGO_PKG_VERSION")),
            plan: plan_view,
            map,
            curve: CurveView {
                curve: thin(curve),
                plan: plan_point,
                overall_target,
            },
            staffing: staffing::staffing_view(scenario, plan),
            dispatch: dispatch.map(|d| dispatch_view(scenario, d)),
            compare: compare.map(|rows| compare_view(rows, compare_plans)),
            simulation,
            tiers,
        }
    }
}

fn thin(mut curve: ServiceCurve) -> ServiceCurve {
    let Some(last) = curve.points.pop() else {
        return curve;
    };
    let mut kept: Vec<CurvePoint> = Vec::new();
    for point in curve.points {
        if kept
            .last()
            .is_none_or(|k| point.attainment - k.attainment >= CURVE_STEP)
        {
            kept.push(point);
        }
    }
    kept.push(last);
    curve.points = kept;
    curve
}

fn map_view(
    scenario: &Scenario,
    model: &PlanModel,
    plan: &PlanFiles,
    dispatch: Option<&DispatchFiles>,
) -> MapView {
    let open = plan.open(scenario);
    let mut rows = BTreeMap::new();
    for row in &plan.depots {
        rows.insert(row.depot.index(), row);
    }
    let depots: Vec<MapDepot> = scenario
        .depots
        .iter()
        .enumerate()
        .map(|(d, depot)| {
            let row = rows.get(&d);
            MapDepot {
                id: depot.id.clone(),
                name: depot.name.clone(),
                location: depot.location,
                state: match (open[d], depot.status) {
                    (true, _) => DepotState::Open,
                    (false, DepotStatus::Closed) => DepotState::Closed,
                    (false, _) => DepotState::NotOpened,
                },
                stock_value: row.map_or(0.0, |r| r.stock_value),
                stock_units: row.map_or(0, |r| r.stock_units),
                sites_served: row.and_then(|r| r.sites_served).unwrap_or(0),
            }
        })
        .collect();
    let fill: BTreeMap<(usize, usize), f64> = plan
        .stock
        .iter()
        .filter_map(|s| Some(((s.depot.index(), s.part.index()), s.fill_rate?)))
        .collect();
    let mut travel: Vec<Option<f64>> = vec![None; scenario.sites.len()];
    for row in &plan.assignment {
        if row.travel_hours.is_some() {
            travel[row.site.index()] = row.travel_hours;
        }
    }
    let primary = plan.primary(scenario);
    let unreachable: BTreeSet<&str> = plan
        .summary
        .unreachable_sites
        .iter()
        .map(|s| s.site.as_str())
        .collect();
    let tier_index: BTreeMap<&str, usize> = plan
        .summary
        .tiers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.tier.as_str(), i))
        .collect();
    let mut incidents: BTreeMap<usize, Vec<(String, Status)>> = BTreeMap::new();
    if let Some(dispatch) = dispatch {
        let site_of: BTreeMap<&str, usize> = dispatch
            .stops
            .iter()
            .map(|s| (s.incident.as_str(), s.site.index()))
            .collect();
        for row in &dispatch.incidents {
            let site = site_of.get(row.incident.as_str()).copied().or_else(|| {
                dispatch
                    .details
                    .get(&row.incident)
                    .and_then(|d| scenario.site_by_id(&d.site))
                    .map(|s| s.index())
            });
            if let Some(site) = site {
                incidents
                    .entry(site)
                    .or_default()
                    .push((row.incident.clone(), row.status));
            }
        }
    }
    let sites = model
        .sites
        .iter()
        .map(|site_model| {
            let s = site_model.site.index();
            let site = scenario.site(site_model.site);
            let tier = scenario.tier(site.tier);
            let depot = primary[s];
            let demand = site_model.total_demand();
            let on_time = depot.filter(|_| demand > 0.0).map(|d| {
                site_model
                    .demand
                    .iter()
                    .map(|(p, rate)| {
                        rate * fill.get(&(d.index(), p.index())).copied().unwrap_or(0.0)
                    })
                    .sum::<f64>()
                    / demand
            });
            let status = if demand <= 0.0 {
                SiteStatus::NoDemand
            } else if unreachable.contains(site.id.as_str()) {
                SiteStatus::Unreachable
            } else {
                match on_time {
                    None => SiteStatus::NotCovered,
                    Some(share) if share + 1e-9 >= tier.target => SiteStatus::Met,
                    Some(_) => SiteStatus::BelowTarget,
                }
            };
            MapSite {
                id: site.id.clone(),
                customer: site.customer.clone(),
                location: site.location,
                tier: tier_index
                    .get(tier.id.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                tier_id: tier.id.clone(),
                status,
                depot: depot.map(|d| d.index()),
                travel_hours: travel[s],
                on_time,
                incidents: incidents.remove(&s).unwrap_or_default(),
            }
        })
        .collect();
    MapView {
        depots,
        sites,
        roads: road_links(scenario),
    }
}

/// Road links whose ends are known places, as coordinate pairs.
fn road_links(scenario: &Scenario) -> Vec<(LatLon, LatLon)> {
    let mut places: BTreeMap<&str, LatLon> = BTreeMap::new();
    for depot in &scenario.depots {
        places.insert(&depot.id, depot.location);
    }
    for site in &scenario.sites {
        places.insert(&site.id, site.location);
    }
    for node in &scenario.road_nodes {
        places.insert(&node.id, node.location);
    }
    scenario
        .roads
        .iter()
        .filter_map(|road| {
            Some((
                *places.get(road.from.as_str())?,
                *places.get(road.to.as_str())?,
            ))
        })
        .collect()
}

fn dispatch_view(scenario: &Scenario, files: &DispatchFiles) -> DispatchView {
    let count = |status: Status| {
        files
            .incidents
            .iter()
            .filter(|i| i.status == status)
            .count()
    };
    let offset = files
        .stops
        .first()
        .map(|s| *s.depart.offset())
        .or_else(|| files.incidents.first().map(|i| *i.deadline.offset()))
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    let by_incident: BTreeMap<&str, &super::read::DispatchRow> = files
        .incidents
        .iter()
        .map(|i| (i.incident.as_str(), i))
        .collect();
    let mut rows: Vec<GanttRow> = Vec::new();
    for stop in &files.stops {
        let engineer = scenario.engineer(stop.engineer);
        if rows.last().is_none_or(|r| r.engineer != engineer.id) {
            rows.push(GanttRow {
                engineer: engineer.id.clone(),
                name: engineer.name.clone(),
                stops: Vec::new(),
            });
        }
        let row = by_incident.get(stop.incident.as_str());
        let status = row.map_or(Status::OnTime, |r| r.status);
        if let Some(last) = rows.last_mut() {
            last.stops.push(GanttStop {
                incident: stop.incident.clone(),
                site: scenario.site(stop.site).id.clone(),
                mode: stop.mode.clone(),
                source_depot: stop.source_depot.map(|d| scenario.depot(d).id.clone()),
                depart: stop.depart,
                arrive: stop.arrive,
                finish: stop.finish,
                deadline: row.map(|r| r.deadline),
                status,
            });
        }
    }
    let site_of: BTreeMap<&str, String> = files
        .stops
        .iter()
        .map(|s| (s.incident.as_str(), scenario.site(s.site).id.clone()))
        .collect();
    let problems = files
        .incidents
        .iter()
        .filter(|i| i.status != Status::OnTime)
        .map(|i| {
            let detail = files.details.get(&i.incident);
            ProblemIncident {
                incident: i.incident.clone(),
                site: site_of
                    .get(i.incident.as_str())
                    .cloned()
                    .or_else(|| detail.map(|d| d.site.clone()))
                    .unwrap_or_default(),
                status: i.status,
                engineer: i
                    .engineer
                    .map(|e| scenario.engineer(e).id.clone())
                    .unwrap_or_default(),
                deadline: i.deadline,
                minutes_late: i
                    .arrive
                    .map(|a| (a - i.deadline).num_seconds().div_euclid(60)),
                reason: detail.and_then(|d| d.reason.clone()).unwrap_or_default(),
            }
        })
        .collect();
    DispatchView {
        on_time: count(Status::OnTime),
        late: count(Status::Late),
        unassigned: count(Status::Unassigned),
        offset,
        rows,
        problems,
    }
}

fn compare_view(rows: Vec<CompareRow>, plans: Vec<crate::report::read::PlanDigest>) -> CompareView {
    let mut tiers: Vec<String> = Vec::new();
    for row in &rows {
        for (tier, _) in &row.attainment {
            if !tiers.contains(tier) {
                tiers.push(tier.clone());
            }
        }
    }
    CompareView { tiers, rows, plans }
}
