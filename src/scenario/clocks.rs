//! The contract clock of every site of a scenario: the calendar engine's
//! clocks, built from the scenario's tiers and sites.

use crate::calendar::{CalendarError, SlaClock, none_years};
use crate::scenario::{Scenario, SiteIdx};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

/// The contract clock of every site, shared between sites of the same tier
/// and time zone.
#[derive(Clone, Debug)]
pub struct SiteClocks {
    clocks: Vec<Arc<SlaClock>>,
    of_site: Vec<usize>,
}

impl SiteClocks {
    /// Builds the clocks of a scenario's sites.
    pub fn for_scenario(scenario: &Scenario) -> Result<Self, CalendarError> {
        let none_years = scenario_years(scenario);
        let mut by_key: HashMap<(usize, Tz), usize> = HashMap::new();
        let mut clocks = Vec::new();
        let mut of_site = Vec::with_capacity(scenario.sites.len());
        for site in &scenario.sites {
            let key = (site.tier.index(), site.tz);
            let index = match by_key.get(&key) {
                Some(index) => *index,
                None => {
                    let tier = scenario.tier(site.tier);
                    let clock =
                        SlaClock::new(&tier.coverage, tier.response, site.tz, none_years.clone())?;
                    clocks.push(Arc::new(clock));
                    by_key.insert(key, clocks.len() - 1);
                    clocks.len() - 1
                }
            };
            of_site.push(index);
        }
        Ok(SiteClocks { clocks, of_site })
    }

    /// Every distinct clock.
    pub fn clocks(&self) -> &[Arc<SlaClock>] {
        &self.clocks
    }

    /// The index of a site's clock in [`SiteClocks::clocks`].
    pub fn index_of(&self, site: SiteIdx) -> usize {
        self.of_site[site.index()]
    }

    /// The clock of a site.
    pub fn of(&self, site: SiteIdx) -> &SlaClock {
        &self.clocks[self.of_site[site.index()]]
    }
}

/// Years a `none` calendar is precomputed for in a scenario: its horizon with
/// a year of margin on each side, or the default range without a start date.
pub fn scenario_years(scenario: &Scenario) -> RangeInclusive<i32> {
    none_years(scenario.start_date, scenario.horizon_days)
}
