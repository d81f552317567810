//! What a temporary event needs on top of today's plan.
//!
//! Depots do not open for a week, but stock can be moved in. So the event is
//! planned with today's network fixed (the depots today's plan opens), each
//! site served by its fastest open depot in reach under the tier it has
//! during the event, and stock topped up pool by pool:
//!
//! - every site keeps, during the event, at least the fill rate its part
//!   pools give it in today's plan;
//! - a site moved to another tier for the event gets at least that tier's
//!   target as fill rate (per pool, so the customer's share met in time is
//!   at least the target);
//! - a pool's event stock is the least level, not below today's, whose fill
//!   under the event's demand meets the strictest of its sites.
//!
//! Event demand is the peak view ([`super::TemporaryView::Peak`]): several
//! temporary changes count as one event at their peak, on the days any of
//! them holds. Expected breaches at the affected sites over those days are
//! reported for an ordinary stretch of as many days, for the event with
//! today's stock and for the event with the top-up (the analytic
//! counterpart of a simulation).

use super::view::{TemporaryView, planning_input};
use crate::calendar::CalendarError;
use crate::plan::{Plan, TravelHours, fill_rate};
use crate::scenario::SiteClocks;
use crate::scenario::{DepotIdx, PartIdx, Scenario, SiteIdx};
use std::collections::BTreeMap;

/// One (depot, part) pool during the event.
#[derive(Clone, Debug, PartialEq)]
pub struct TopUpLine {
    pub depot: DepotIdx,
    pub part: PartIdx,
    /// Units in today's plan.
    pub stock: u32,
    /// Units for the event.
    pub event_stock: u32,
    /// Failures per year at today's rates (0 if today's plan has no such pool).
    pub demand: f64,
    /// Failures per year at the event's rates.
    pub event_demand: f64,
    /// Fill rate the pool must give during the event.
    pub required_fill: f64,
    /// Fill during the event with today's stock.
    pub fill_today: f64,
    /// Fill during the event with the event stock.
    pub event_fill: f64,
}

/// The top-up of a temporary event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventTopUp {
    /// Days of the horizon with a temporary change in force.
    pub event_days: u32,
    /// Every pool with event demand or stock today, by depot then part.
    pub lines: Vec<TopUpLine>,
    pub extra_units: u64,
    /// Purchase value of the extra units.
    pub extra_value: f64,
    /// Holding cost of the extra units over the event days.
    pub event_holding_cost: f64,
    /// Sites the event changes (a rate multiplied or a tier moved).
    pub affected: Vec<SiteIdx>,
    /// Expected breaches at the affected sites over as many ordinary days,
    /// with today's stock.
    pub breaches_ordinary: f64,
    /// Expected breaches at the affected sites over the event days, with
    /// today's stock.
    pub breaches_today: f64,
    /// The same with the event stock.
    pub breaches_topped_up: f64,
    /// Of the event's breaches, those at affected sites no open depot reaches
    /// in time (no stock helps them).
    pub breaches_out_of_reach: f64,
    /// Sites today's plan covers that no open depot reaches in time under
    /// their event tier.
    pub uncovered: Vec<SiteIdx>,
    /// Per site: the open depot serving it during the event.
    pub serving: Vec<Option<DepotIdx>>,
    /// Pools that miss their required fill even at `max_stock`.
    pub short: Vec<(DepotIdx, PartIdx)>,
}

/// Failures per year of each (site, part).
fn site_part_rates(scenario: &Scenario) -> BTreeMap<(usize, usize), f64> {
    let mut rates: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for unit in &scenario.installed_base {
        *rates
            .entry((unit.site.index(), unit.part.index()))
            .or_default() += unit.failures_per_year();
    }
    rates
}

/// Tops up `today` (the plan of `scenario` with its temporary changes
/// dropped) for the scenario's temporary changes; `travel` holds the
/// scenario's depot-to-site hours. `None` when the scenario has none.
pub fn event_top_up(
    scenario: &Scenario,
    travel: &TravelHours,
    today: &Plan,
) -> Result<Option<EventTopUp>, CalendarError> {
    if scenario.rate_changes.is_empty() && scenario.tier_changes.is_empty() {
        return Ok(None);
    }
    let event = planning_input(scenario, travel, TemporaryView::Peak);
    let event_scenario = &event.scenario;
    let clocks = SiteClocks::for_scenario(event_scenario)?;
    let handling = scenario.travel.handling_hours;
    let fill_model = scenario.planning.fill_model;
    let lead_years = |d: usize| scenario.depots[d].replenish_days / 365.0;

    // Today's pools: (depot, part) -> (stock, demand per year, fill).
    let mut today_pool: BTreeMap<(usize, usize), (u32, f64, f64)> = BTreeMap::new();
    for (pool, stock) in today.pools.iter().zip(&today.stock) {
        today_pool.insert(
            (pool.depot.index(), pool.part.index()),
            (*stock, pool.demand, pool.fill(*stock)),
        );
    }
    let base_rates = site_part_rates(scenario);
    let event_rates = site_part_rates(event_scenario);
    let moved = |s: usize| event_scenario.sites[s].tier != scenario.sites[s].tier;
    let mut is_affected = vec![false; scenario.sites.len()];
    for (s, flag) in is_affected.iter_mut().enumerate() {
        *flag = moved(s);
    }
    for (&(s, p), &rate) in &event_rates {
        let base = base_rates.get(&(s, p)).copied().unwrap_or(0.0);
        if (rate - base).abs() > 1e-12 * base.abs().max(1.0) {
            is_affected[s] = true;
        }
    }

    // Each site's depot during the event, and each event pool's demand and
    // the fill its strictest site requires.
    let mut serving = vec![None; scenario.sites.len()];
    let mut uncovered = Vec::new();
    let mut event_pool: BTreeMap<(usize, usize), (f64, f64)> = BTreeMap::new();
    for (&(s, p), &rate) in event_rates.iter().filter(|(_, r)| **r > 0.0) {
        let site = SiteIdx::new(s);
        let allowed = clocks.of(site).guaranteed_response_hours();
        let depot = (0..scenario.depots.len())
            .filter(|&d| today.open[d])
            .filter_map(|d| travel[d][s].map(|h| (h, d)))
            .filter(|(h, _)| h + handling <= allowed + 1e-9)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, d)| d);
        let Some(depot) = depot else {
            if today.assignment.primary[s].is_some() && uncovered.last() != Some(&site) {
                uncovered.push(site);
            }
            continue;
        };
        serving[s] = Some(DepotIdx::new(depot));
        let required = if moved(s) {
            event_scenario.site_tier(site).target
        } else {
            today.assignment.primary[s]
                .and_then(|d| today_pool.get(&(d.index(), p)))
                .map_or(0.0, |(_, _, fill)| *fill)
        };
        let entry = event_pool.entry((depot, p)).or_insert((0.0, 0.0));
        entry.0 += rate;
        entry.1 = entry.1.max(required);
    }

    let max_stock = scenario.planning.max_stock;
    let mut lines = Vec::with_capacity(event_pool.len());
    let mut short = Vec::new();
    for (&(d, p), &(event_demand, required_fill)) in &event_pool {
        let (stock, demand, _) = today_pool.get(&(d, p)).copied().unwrap_or((0, 0.0, 0.0));
        let load = event_demand * lead_years(d);
        let fill = |units: u32| fill_rate(fill_model, units, load);
        let mut event_stock = stock;
        while fill(event_stock) < required_fill - 1e-9 && event_stock < max_stock {
            event_stock += 1;
        }
        if fill(event_stock) < required_fill - 1e-9 {
            short.push((DepotIdx::new(d), PartIdx::new(p)));
        }
        lines.push(TopUpLine {
            depot: DepotIdx::new(d),
            part: PartIdx::new(p),
            stock,
            event_stock,
            demand,
            event_demand,
            required_fill,
            fill_today: fill(stock),
            event_fill: fill(event_stock),
        });
    }
    // Stock stays where today's plan put it, demand or not.
    for (&(d, p), &(stock, demand, _)) in &today_pool {
        if !event_pool.contains_key(&(d, p)) {
            lines.push(TopUpLine {
                depot: DepotIdx::new(d),
                part: PartIdx::new(p),
                stock,
                event_stock: stock,
                demand,
                event_demand: 0.0,
                required_fill: 0.0,
                fill_today: fill_rate(fill_model, stock, 0.0),
                event_fill: fill_rate(fill_model, stock, 0.0),
            });
        }
    }
    lines.sort_by_key(|l| (l.depot, l.part));

    // Expected breaches at the affected sites over the event days.
    let share = f64::from(event.event_days) / 365.0;
    let line_of: BTreeMap<(usize, usize), &TopUpLine> = lines
        .iter()
        .map(|l| ((l.depot.index(), l.part.index()), l))
        .collect();
    let mut breaches_ordinary = 0.0;
    let mut breaches_today = 0.0;
    let mut breaches_topped_up = 0.0;
    let mut breaches_out_of_reach = 0.0;
    for (&(s, p), &rate) in &base_rates {
        if !is_affected[s] {
            continue;
        }
        let fill = today.assignment.primary[s]
            .and_then(|d| today_pool.get(&(d.index(), p)))
            .map_or(0.0, |(_, _, fill)| *fill);
        breaches_ordinary += rate * (1.0 - fill) * share;
    }
    for (&(s, p), &rate) in &event_rates {
        if !is_affected[s] {
            continue;
        }
        if serving[s].is_none() {
            breaches_out_of_reach += rate * share;
        }
        let line = serving[s].and_then(|d| line_of.get(&(d.index(), p)));
        let (today_fill, event_fill) = line.map_or((0.0, 0.0), |l| (l.fill_today, l.event_fill));
        breaches_today += rate * (1.0 - today_fill) * share;
        breaches_topped_up += rate * (1.0 - event_fill) * share;
    }

    let extra = |line: &TopUpLine| line.event_stock - line.stock;
    let extra_units = lines.iter().map(|l| u64::from(extra(l))).sum();
    let extra_value: f64 = lines
        .iter()
        .map(|l| f64::from(extra(l)) * scenario.part(l.part).unit_cost)
        .sum();
    Ok(Some(EventTopUp {
        event_days: event.event_days,
        extra_units,
        extra_value,
        event_holding_cost: extra_value * scenario.costs.holding_rate * share,
        affected: (0..scenario.sites.len())
            .filter(|&s| is_affected[s])
            .map(SiteIdx::new)
            .collect(),
        breaches_ordinary,
        breaches_today,
        breaches_topped_up,
        breaches_out_of_reach,
        lines,
        uncovered,
        serving,
        short,
    }))
}
