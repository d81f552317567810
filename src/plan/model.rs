//! The planning model built from a scenario and its travel times: which
//! depots can reach which sites in time, the demand of every site and part,
//! and the cost of a breach. Everything the solvers need, nothing they read
//! from files.

use crate::calendar::CalendarError;
use crate::people::Cover;
use crate::scenario::SiteClocks;
use crate::scenario::{DepotIdx, DepotStatus, FillModel, PartIdx, Scenario, SiteIdx, TierIdx};
use crate::travel::TravelTimes;
use std::collections::BTreeMap;

/// Depot-to-site travel hours, `[depot][site]`; `None` where no route exists.
pub type TravelHours = Vec<Vec<Option<f64>>>;

/// Depot-to-site travel hours from the travel service (roads, imported
/// matrix or geodesic, as the scenario says).
pub fn depot_site_hours(scenario: &Scenario, travel: &TravelTimes) -> TravelHours {
    scenario
        .depot_indices()
        .map(|d| {
            scenario
                .site_indices()
                .map(|s| travel.depot_to_site(d, s).hours())
                .collect()
        })
        .collect()
}

/// A depot that reaches a site in time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    pub depot: DepotIdx,
    /// Travel hours (without handling).
    pub hours: f64,
}

/// One site as the planner sees it.
#[derive(Clone, Debug)]
pub struct SiteModel {
    pub site: SiteIdx,
    pub tier: TierIdx,
    /// Hours the tier leaves for handling and travel.
    pub allowed_hours: f64,
    /// Usable depots (not closed) reaching the site in time, fastest first.
    pub reach: Vec<Reach>,
    /// The fastest usable depot at all, in time or not (for reporting).
    pub fastest: Option<Reach>,
    /// Failures per year by part (parts with positive demand only).
    pub demand: Vec<(PartIdx, f64)>,
    /// Cost of one breach: the tier penalty plus an emergency shipment.
    pub breach_cost: f64,
    /// The tier penalty of one breach.
    pub penalty: f64,
    /// Per demand item, what the engineers give it: the share of failures
    /// met with stock in reach, and with an emergency shipment.
    pub cover: Vec<Cover>,
    /// Per demand item, a price per failure a year missed for want of
    /// stock on top of the breach (empty: none). Only the joint bound on
    /// parts and people sets it: there it prices the failures a stockout
    /// costs the engineers' half (see `people_bound::joint_bound`).
    pub shortage_price: Vec<f64>,
}

impl SiteModel {
    pub fn total_demand(&self) -> f64 {
        self.demand.iter().map(|(_, rate)| rate).sum()
    }

    /// Failures per year of demand item `item` met per unit of fill rate
    /// of the depot that serves it.
    pub fn stock_met(&self, item: usize) -> f64 {
        let cover = self.cover[item];
        self.demand[item].1 * (cover.with_stock - cover.by_emergency)
    }

    /// Yearly cost of demand item `item` avoided per unit of fill rate: the
    /// breaches stock prevents, and every emergency shipment.
    pub fn stock_cost(&self, item: usize) -> f64 {
        // Written so that the parts-only cover gives exactly `breach_cost`.
        let cover = self.cover[item];
        let lost_anyway = 1.0 - (cover.with_stock - cover.by_emergency);
        let shortage_price = self.shortage_price.get(item).copied().unwrap_or(0.0);
        self.demand[item].1 * (self.breach_cost - self.penalty * lost_anyway + shortage_price)
    }

    /// Failures per year of demand item `item` met whatever the stock (by
    /// emergency shipment), and the breach cost stock can never avoid (no
    /// engineer in time).
    fn floor(&self, item: usize) -> (f64, f64) {
        let cover = self.cover[item];
        let rate = self.demand[item].1;
        (
            rate * cover.by_emergency,
            rate * self.penalty * (1.0 - cover.with_stock),
        )
    }

    /// The depots that can ever be this site's fastest open depot in reach:
    /// those up to and including the first that must stay open (a depot
    /// after it never serves the site, whatever else opens).
    pub fn possible_servers(&self, forced_open: &[bool]) -> &[Reach] {
        let end = self
            .reach
            .iter()
            .position(|r| forced_open[r.depot.index()])
            .map_or(self.reach.len(), |i| i + 1);
        &self.reach[..end]
    }
}

/// The planning model.
#[derive(Clone, Debug)]
pub struct PlanModel {
    pub sites: Vec<SiteModel>,
    /// Depots the planner may use (open or candidate).
    pub usable: Vec<DepotIdx>,
    /// Depots that must stay open.
    pub forced_open: Vec<bool>,
    /// Failures per year by tier.
    pub tier_demand: Vec<f64>,
    /// Per tier, failures per year stock can turn into met ones: demand
    /// weighted by what the engineers make of a part in reach (equal to
    /// `tier_demand` when people are not modelled).
    pub stock_demand: Vec<f64>,
    /// Per tier, failures per year met whatever the stock.
    pub floor_met: Vec<f64>,
    /// Yearly breach cost no stock can avoid.
    pub floor_cost: f64,
    pub tier_targets: Vec<f64>,
    pub tier_penalties: Vec<f64>,
    pub fixed_cost: Vec<f64>,
    /// Replenishment lead time of each depot in years.
    pub lead_years: Vec<f64>,
    /// Holding cost per unit and year of each part.
    pub holding: Vec<f64>,
    pub emergency_cost: f64,
    pub fill_model: FillModel,
    pub max_stock: u32,
    pub depot_count: usize,
    pub part_count: usize,
}

/// Why the model cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("contract calendar: {0}")]
    Calendar(#[from] CalendarError),
    #[error("travel matrix has {found} depot rows, the scenario {expected} depots")]
    TravelShape { found: usize, expected: usize },
}

impl PlanModel {
    /// Builds the model; `travel` holds depot-to-site hours.
    pub fn build(scenario: &Scenario, travel: &TravelHours) -> Result<Self, ModelError> {
        if travel.len() != scenario.depots.len()
            || travel.iter().any(|row| row.len() != scenario.sites.len())
        {
            return Err(ModelError::TravelShape {
                found: travel.len(),
                expected: scenario.depots.len(),
            });
        }
        let clocks = SiteClocks::for_scenario(scenario)?;
        let usable: Vec<DepotIdx> = scenario
            .depot_indices()
            .filter(|d| scenario.depot(*d).status != DepotStatus::Closed)
            .collect();
        let demand = site_demand(scenario);
        let handling = scenario.travel.handling_hours;
        let emergency_cost = scenario.costs.emergency_shipment_cost;
        let sites: Vec<SiteModel> = scenario
            .site_indices()
            .map(|s| {
                let site = scenario.site(s);
                let allowed_hours = clocks.of(s).guaranteed_response_hours();
                let mut options: Vec<Reach> = usable
                    .iter()
                    .filter_map(|d| {
                        travel[d.index()][s.index()].map(|hours| Reach { depot: *d, hours })
                    })
                    .collect();
                options.sort_by(|a, b| {
                    a.hours
                        .total_cmp(&b.hours)
                        .then(a.depot.index().cmp(&b.depot.index()))
                });
                let fastest = options.first().copied();
                let reach = options
                    .into_iter()
                    .filter(|r| r.hours + handling <= allowed_hours + 1e-9)
                    .collect();
                SiteModel {
                    site: s,
                    tier: site.tier,
                    allowed_hours,
                    reach,
                    fastest,
                    demand: demand.get(&s.index()).cloned().unwrap_or_default(),
                    breach_cost: scenario.tier(site.tier).penalty + emergency_cost,
                    penalty: scenario.tier(site.tier).penalty,
                    cover: vec![Cover::PARTS_ONLY; demand.get(&s.index()).map_or(0, Vec::len)],
                    shortage_price: Vec::new(),
                }
            })
            .collect();
        let mut tier_demand = vec![0.0; scenario.tiers.len()];
        for site in &sites {
            tier_demand[site.tier.index()] += site.total_demand();
        }
        let mut model = PlanModel {
            usable,
            forced_open: scenario
                .depots
                .iter()
                .map(|d| d.status == DepotStatus::Open)
                .collect(),
            stock_demand: tier_demand.clone(),
            floor_met: vec![0.0; tier_demand.len()],
            floor_cost: 0.0,
            tier_demand,
            tier_targets: scenario.tiers.iter().map(|t| t.target).collect(),
            tier_penalties: scenario.tiers.iter().map(|t| t.penalty).collect(),
            fixed_cost: scenario.depots.iter().map(|d| d.fixed_cost).collect(),
            lead_years: scenario
                .depots
                .iter()
                .map(|d| d.replenish_days / 365.0)
                .collect(),
            holding: scenario
                .parts
                .iter()
                .map(|p| p.unit_cost * scenario.costs.holding_rate)
                .collect(),
            emergency_cost,
            fill_model: scenario.planning.fill_model,
            max_stock: scenario.planning.max_stock,
            depot_count: scenario.depots.len(),
            part_count: scenario.parts.len(),
            sites,
        };
        model.update_totals();
        Ok(model)
    }

    /// Sets what the engineers give every demand item (`covers[site][item]`,
    /// in the order of [`SiteModel::demand`]) and the totals that follow.
    pub fn set_covers(&mut self, covers: Vec<Vec<Cover>>) {
        for (site, cover) in self.sites.iter_mut().zip(covers) {
            debug_assert_eq!(site.demand.len(), cover.len());
            site.cover = cover;
        }
        self.update_totals();
    }

    fn update_totals(&mut self) {
        let tiers = self.tier_count();
        self.stock_demand = vec![0.0; tiers];
        self.floor_met = vec![0.0; tiers];
        self.floor_cost = 0.0;
        for site in &self.sites {
            let k = site.tier.index();
            for item in 0..site.demand.len() {
                self.stock_demand[k] += site.stock_met(item);
                let (met, cost) = site.floor(item);
                self.floor_met[k] += met;
                self.floor_cost += cost;
            }
        }
    }

    /// Candidate depots (usable but not forced open), in file order.
    pub fn candidates(&self) -> Vec<DepotIdx> {
        self.usable
            .iter()
            .copied()
            .filter(|d| !self.forced_open[d.index()])
            .collect()
    }

    pub fn tier_count(&self) -> usize {
        self.tier_demand.len()
    }
}

/// Failures per year of each site and part, summed over installed-base rows.
fn site_demand(scenario: &Scenario) -> BTreeMap<usize, Vec<(PartIdx, f64)>> {
    let mut rates: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for unit in &scenario.installed_base {
        *rates
            .entry((unit.site.index(), unit.part.index()))
            .or_default() += unit.failures_per_year();
    }
    let mut by_site: BTreeMap<usize, Vec<(PartIdx, f64)>> = BTreeMap::new();
    for ((site, part), rate) in rates {
        if rate > 0.0 {
            by_site
                .entry(site)
                .or_default()
                .push((PartIdx::new(part), rate));
        }
    }
    by_site
}
