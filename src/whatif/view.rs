//! How the yearly planner sees temporary changes.
//!
//! The planner knows one failure rate per installed-base row and one tier
//! per site. A scenario with dated changes (a holiday peak, a customer
//! upgraded for an event) is turned into such a scenario in one of two ways:
//!
//! - [`TemporaryView::Average`] (the default): the year as a whole. Each
//!   row's rate is its average over the horizon (multipliers weighted by the
//!   days they hold), and a moved site is split in two: the site under its
//!   own tier with the demand of the days outside the move, and a site
//!   `<id>@<tier>` at the same place under the moved-to tier with the demand
//!   of the days inside. The plan meets each tier's target on yearly expected
//!   demand, the moved-to tier included, and its costs are the year's.
//! - [`TemporaryView::Peak`]: the worst day, all year. Each installed-base
//!   row takes its highest multiplier on any day of the horizon (the product
//!   of the rate changes in force that day), and each moved customer's sites
//!   take the tier of its move (the last move in file order if it has
//!   several): the network as if the event never ended.
//!
//! What the event itself needs on top of today's plan (network fixed, stock
//! added) is [`super::event_top_up`]'s answer.
//!
//! The horizon runs from `start_date` for `horizon_days`; without a start
//! date it starts on the first day of the earliest change.

use crate::plan::TravelHours;
use crate::scenario::overlay::horizon;
use crate::scenario::{InstalledUnit, Period, Scenario, Site, SiteIdx, TierIdx};
use chrono::{Days, NaiveDate};
use std::collections::{BTreeSet, HashSet};

/// How the yearly planner sees temporary changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum TemporaryView {
    /// The year on average: rates averaged, moved sites split by days.
    #[default]
    Average,
    /// The worst day all year: peak rates, moved tiers.
    Peak,
}

/// A scenario with its temporary changes folded in, ready for the planner.
#[derive(Clone, Debug)]
pub struct PlanningInput {
    /// No temporary changes left; split sites added at the end (average view).
    pub scenario: Scenario,
    /// Depot-to-site hours, with a column for every added site (a copy of
    /// its original's).
    pub travel: TravelHours,
    /// Added sites and the site each stands for (average view).
    pub split_sites: Vec<(SiteIdx, SiteIdx)>,
    /// Days of the horizon on which at least one temporary change holds.
    pub event_days: u32,
}

/// A stretch of days on which the same temporary changes hold.
#[derive(Clone, Debug)]
struct Segment {
    days: u32,
    /// Indices of the rate changes in force.
    rates: Vec<usize>,
    /// Indices of the tier changes in force.
    tiers: Vec<usize>,
}

/// Cuts the horizon at every start and end of a temporary change.
fn segments(scenario: &Scenario) -> Option<(Period, Vec<Segment>)> {
    let periods: Vec<Period> = scenario
        .rate_changes
        .iter()
        .map(|c| c.period)
        .chain(scenario.tier_changes.iter().map(|c| c.period))
        .collect();
    let earliest = periods.iter().map(|p| p.from).min()?;
    let horizon = horizon(scenario).unwrap_or_else(|| Period {
        from: earliest,
        to: earliest
            .checked_add_days(Days::new(u64::from(scenario.horizon_days.max(1)) - 1))
            .unwrap_or(NaiveDate::MAX),
    });
    let day_after = |d: NaiveDate| d.succ_opt().unwrap_or(NaiveDate::MAX);
    let mut cuts: BTreeSet<NaiveDate> = BTreeSet::from([horizon.from, day_after(horizon.to)]);
    for period in &periods {
        for cut in [period.from, day_after(period.to)] {
            if horizon.from < cut && cut <= horizon.to {
                cuts.insert(cut);
            }
        }
    }
    let cuts: Vec<NaiveDate> = cuts.into_iter().collect();
    let segments = cuts
        .windows(2)
        .map(|pair| {
            let first = pair[0];
            Segment {
                days: u32::try_from((pair[1] - first).num_days()).unwrap_or(0),
                rates: (0..scenario.rate_changes.len())
                    .filter(|&i| scenario.rate_changes[i].period.contains(first))
                    .collect(),
                tiers: (0..scenario.tier_changes.len())
                    .filter(|&i| scenario.tier_changes[i].period.contains(first))
                    .collect(),
            }
        })
        .collect();
    Some((horizon, segments))
}

/// The rate multiplier of one installed-base row on a segment.
fn multiplier(scenario: &Scenario, unit: &InstalledUnit, segment: &Segment) -> f64 {
    let site = scenario.site(unit.site);
    segment
        .rates
        .iter()
        .map(|&i| &scenario.rate_changes[i])
        .filter(|c| c.region.as_ref().is_none_or(|r| r == &site.region))
        .filter(|c| c.part.is_none_or(|p| p == unit.part))
        .map(|c| c.factor)
        .product()
}

/// The tier a site is under on a segment.
fn tier_on(scenario: &Scenario, site: &Site, segment: &Segment) -> TierIdx {
    segment
        .tiers
        .iter()
        .map(|&i| &scenario.tier_changes[i])
        .rfind(|c| c.customer == site.customer)
        .map_or(site.tier, |c| c.tier)
}

/// The scenario the yearly planner plans for `view`; `travel` holds the
/// depot-to-site hours of `scenario`.
pub fn planning_input(
    scenario: &Scenario,
    travel: &TravelHours,
    view: TemporaryView,
) -> PlanningInput {
    let mut planned = scenario.clone();
    planned.rate_changes.clear();
    planned.tier_changes.clear();
    let Some((_, segments)) = segments(scenario) else {
        return PlanningInput {
            scenario: planned,
            travel: travel.clone(),
            split_sites: Vec::new(),
            event_days: 0,
        };
    };
    let event_days = segments
        .iter()
        .filter(|s| !s.rates.is_empty() || !s.tiers.is_empty())
        .map(|s| s.days)
        .sum();
    let mut input = PlanningInput {
        scenario: planned,
        travel: travel.clone(),
        split_sites: Vec::new(),
        event_days,
    };
    match view {
        TemporaryView::Peak => peak_view(scenario, &segments, &mut input),
        TemporaryView::Average => average_view(scenario, &segments, &mut input),
    }
    input
}

fn peak_view(scenario: &Scenario, segments: &[Segment], input: &mut PlanningInput) {
    for (unit, planned) in scenario
        .installed_base
        .iter()
        .zip(&mut input.scenario.installed_base)
    {
        let peak = segments
            .iter()
            .filter(|s| s.days > 0)
            .map(|s| multiplier(scenario, unit, s))
            .fold(f64::NEG_INFINITY, f64::max);
        if peak.is_finite() {
            planned.annual_failure_rate = unit.annual_failure_rate * peak;
        }
    }
    for change in &scenario.tier_changes {
        for site in &mut input.scenario.sites {
            if site.customer == change.customer {
                site.tier = change.tier;
            }
        }
    }
}

fn average_view(scenario: &Scenario, segments: &[Segment], input: &mut PlanningInput) {
    let total_days: u32 = segments.iter().map(|s| s.days).sum();
    if total_days == 0 {
        return;
    }
    let total = f64::from(total_days);
    // Ids in use, so the split sites' ids are new.
    let mut taken: HashSet<String> = scenario
        .sites
        .iter()
        .map(|s| s.id.clone())
        .chain(scenario.depots.iter().map(|d| d.id.clone()))
        .chain(scenario.road_nodes.iter().map(|n| n.id.clone()))
        .collect();
    // (original site, tier) -> split site, in order of creation.
    let mut split_of: Vec<((SiteIdx, TierIdx), SiteIdx)> = Vec::new();
    let mut added_units = Vec::new();
    for (unit, planned) in scenario
        .installed_base
        .iter()
        .zip(&mut input.scenario.installed_base)
    {
        let site = scenario.site(unit.site);
        // Day-weighted multiplier per tier the site is under.
        let mut by_tier: Vec<(TierIdx, f64)> = Vec::new();
        for segment in segments {
            let tier = tier_on(scenario, site, segment);
            let weight = f64::from(segment.days) * multiplier(scenario, unit, segment) / total;
            match by_tier.iter_mut().find(|(t, _)| *t == tier) {
                Some((_, w)) => *w += weight,
                None => by_tier.push((tier, weight)),
            }
        }
        let own = by_tier
            .iter()
            .find(|(t, _)| *t == site.tier)
            .map_or(0.0, |(_, w)| *w);
        planned.annual_failure_rate = unit.annual_failure_rate * own;
        for (tier, weight) in by_tier.into_iter().filter(|(t, _)| *t != site.tier) {
            let key = (unit.site, tier);
            let split = match split_of.iter().find(|(k, _)| *k == key) {
                Some((_, split)) => *split,
                None => {
                    let split = SiteIdx::new(input.scenario.sites.len());
                    let mut id = format!("{}@{}", site.id, scenario.tier(tier).id);
                    while taken.contains(&id) {
                        id.push('+');
                    }
                    taken.insert(id.clone());
                    input.scenario.sites.push(Site {
                        id,
                        tier,
                        ..site.clone()
                    });
                    for row in &mut input.travel {
                        let hours = row[unit.site.index()];
                        row.push(hours);
                    }
                    input.split_sites.push((split, unit.site));
                    split_of.push((key, split));
                    split
                }
            };
            added_units.push(InstalledUnit {
                site: split,
                annual_failure_rate: unit.annual_failure_rate * weight,
                ..unit.clone()
            });
        }
    }
    input.scenario.installed_base.extend(added_units);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{RateChange, TierChange};

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn segments_cut_the_horizon_at_every_change() {
        let mut scenario = Scenario {
            horizon_days: 365,
            start_date: Some(date("2026-01-01")),
            ..Scenario::default()
        };
        scenario.rate_changes.push(RateChange {
            period: Period {
                from: date("2026-02-16"),
                to: date("2026-02-22"),
            },
            region: None,
            part: None,
            factor: 3.0,
        });
        scenario.tier_changes.push(TierChange {
            period: Period {
                from: date("2026-02-20"),
                to: date("2027-03-01"),
            },
            customer: "x".into(),
            tier: TierIdx::new(0),
        });
        let (horizon, segments) = segments(&scenario).unwrap();
        assert_eq!(horizon.to, date("2026-12-31"));
        let shape: Vec<(u32, usize, usize)> = segments
            .iter()
            .map(|s| (s.days, s.rates.len(), s.tiers.len()))
            .collect();
        // Jan 1-Feb 15, Feb 16-19, Feb 20-22, Feb 23-Dec 31.
        assert_eq!(shape, vec![(46, 0, 0), (4, 1, 0), (3, 1, 1), (312, 0, 1)]);
        assert_eq!(shape.iter().map(|s| s.0).sum::<u32>(), 365);
    }
}
