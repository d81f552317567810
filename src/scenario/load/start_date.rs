//! The default `start_date`: January 1 of the latest year from which every
//! calendar in use covers the whole horizon, so that a scenario written
//! without one plans and simulates on days its calendars speak for.

use crate::calendar::HolidayCalendar;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::model::{Coverage, Scenario};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeSet;
use std::path::Path;

/// The calendars tiers and engineers use, other than `none`, by name.
fn calendars_in_use(scenario: &Scenario) -> Vec<&HolidayCalendar> {
    let tiers = scenario.tiers.iter().filter_map(|t| match &t.coverage {
        Coverage::Business(hours) => Some(&*hours.calendar),
        Coverage::AllHours => None,
    });
    let engineers = scenario.engineers.iter().map(|e| &*e.shift.calendar);
    let mut seen = BTreeSet::new();
    tiers
        .chain(engineers)
        .filter(|calendar| !calendar.is_none() && seen.insert(calendar.name().to_string()))
        .collect()
}

/// The years a horizon starting on January 1 of `year` touches.
fn horizon_years(year: i32, horizon_days: u32) -> Option<std::ops::RangeInclusive<i32>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = start.checked_add_days(Days::new(u64::from(horizon_days.max(1)) - 1))?;
    Some(year..=last.year())
}

/// The default start and why; `this_year` stands in when only `none` is used.
fn default_start(scenario: &Scenario, this_year: i32) -> (NaiveDate, String) {
    let calendars = calendars_in_use(scenario);
    let january_first = |year| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    if calendars.is_empty() {
        return (
            january_first(this_year),
            "the current year, as every calendar in use is `none`".to_string(),
        );
    }
    let covers = |calendar: &HolidayCalendar, year: i32| {
        calendar.years().is_none_or(|years| years.contains(&year))
    };
    let coverage = calendars
        .iter()
        .map(|c| format!("{}: {}", c.name(), c.covered_description()))
        .collect::<Vec<_>>()
        .join("; ");
    let candidates: BTreeSet<i32> = calendars
        .iter()
        .filter_map(|c| c.years())
        .flatten()
        .copied()
        .collect();
    let fully_covered = candidates.iter().rev().find(|&&year| {
        horizon_years(year, scenario.horizon_days).is_some_and(|mut years| {
            years.all(|y| calendars.iter().all(|calendar| covers(calendar, y)))
        })
    });
    if let Some(&year) = fully_covered {
        return (
            january_first(year),
            format!(
                "the latest January 1 from which every calendar in use covers the {}-day horizon ({coverage})",
                scenario.horizon_days
            ),
        );
    }
    let first_year_covered = candidates
        .iter()
        .rev()
        .find(|&&year| calendars.iter().all(|calendar| covers(calendar, year)));
    match first_year_covered {
        Some(&year) => (
            january_first(year),
            format!(
                "the latest year every calendar in use covers, though none covers the whole {}-day horizon ({coverage})",
                scenario.horizon_days
            ),
        ),
        None => (
            january_first(this_year),
            format!(
                "the current year, as no year is covered by every calendar in use ({coverage})"
            ),
        ),
    }
}

/// Sets the default start of a scenario without `start_date`, with a note
/// that names it.
pub fn apply_default(scenario: &mut Scenario, settings_path: &Path, diagnostics: &mut Diagnostics) {
    if scenario.start_date.is_some() {
        return;
    }
    let this_year = chrono::Utc::now().year();
    let (start, why) = default_start(scenario, this_year);
    scenario.start_date = Some(start);
    diagnostics.push(Diagnostic::file(
        Code::W2006DefaultUsed,
        settings_path,
        format!("no `start_date`: the horizon starts on {start}, {why}"),
        format!("to start elsewhere, set e.g. `start_date = {start}` in scenario.toml (or pass `simulate --start DATE`)"),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DatedDay, DayKind};
    use crate::scenario::model::{BusinessHours, Response, Tier};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn calendar(name: &str, years: &[i32]) -> Arc<HolidayCalendar> {
        let days: BTreeMap<NaiveDate, DatedDay> = years
            .iter()
            .map(|&year| {
                let date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
                let day = DatedDay {
                    kind: DayKind::Holiday,
                    name: "New Year".to_string(),
                };
                (date, day)
            })
            .collect();
        Arc::new(HolidayCalendar::from_days(name, days))
    }

    fn scenario(horizon_days: u32, calendars: &[Arc<HolidayCalendar>]) -> Scenario {
        let mut scenario = Scenario {
            horizon_days,
            ..Scenario::default()
        };
        for (k, calendar) in calendars.iter().enumerate() {
            scenario.tiers.push(Tier {
                id: format!("T{k}"),
                coverage: Coverage::Business(BusinessHours {
                    window: "08:00-18:00".parse().unwrap(),
                    days: crate::calendar::WeekdaySet::MON_FRI,
                    calendar: calendar.clone(),
                }),
                response: Response::NextBusinessDay {
                    cutoff_minute: None,
                },
                target: 0.9,
                penalty: 1.0,
            });
        }
        scenario
    }

    fn start(scenario: &Scenario) -> String {
        default_start(scenario, 2031).0.to_string()
    }

    #[test]
    fn the_latest_fully_covered_year_else_the_latest_covered_else_this_year() {
        let cn = calendar("CN", &[2025, 2026]);
        assert_eq!(
            start(&scenario(365, std::slice::from_ref(&cn))),
            "2026-01-01"
        );
        assert_eq!(
            start(&scenario(730, std::slice::from_ref(&cn))),
            "2025-01-01"
        );
        let other = calendar("X", &[2024, 2025]);
        assert_eq!(start(&scenario(365, &[cn.clone(), other])), "2025-01-01");
        // No year holds a 3-year horizon: the latest covered year, said so.
        let (date, why) = default_start(&scenario(1095, std::slice::from_ref(&cn)), 2031);
        assert_eq!(date.to_string(), "2026-01-01");
        assert!(why.contains("none covers the whole"), "{why}");
        let disjoint = calendar("Y", &[2020]);
        assert_eq!(start(&scenario(365, &[cn, disjoint])), "2031-01-01");
        assert_eq!(start(&scenario(365, &[])), "2031-01-01");
        let none = Arc::new(HolidayCalendar::none());
        assert_eq!(start(&scenario(365, &[none])), "2031-01-01");
    }
}
