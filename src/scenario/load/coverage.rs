//! Calendar coverage: every calendar a computation consults must cover the
//! days it asks about. A calendar file speaks for the years its rows fall
//! in; an engineer whose calendar lacks a year would be silently off duty
//! all that year, and a tier's deadlines could not be computed. So the
//! period a command works on (the planning horizon, a simulation's days, an
//! incident's date) is checked against the calendars of the engineers and
//! tiers involved, up front, with an error (E1040) where the period or the
//! user of the calendar is written.

use crate::calendar::{CalendarError, HolidayCalendar, SlaClock};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::model::{Coverage, Engineer, Part, Scenario, Site, Tier};
use crate::scenario::table::{Cells, Table};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};
use std::ops::RangeInclusive;
use std::path::Path;

/// The years of `years` a calendar has no data for (none for `none`).
pub fn missing_years(calendar: &HolidayCalendar, years: RangeInclusive<i32>) -> Vec<i32> {
    match calendar.years() {
        None => Vec::new(),
        Some(covered) => years.filter(|year| !covered.contains(year)).collect(),
    }
}

/// The business calendar of a tier; `None` around the clock.
fn tier_calendar(tier: &Tier) -> Option<&HolidayCalendar> {
    match &tier.coverage {
        Coverage::AllHours => None,
        Coverage::Business(hours) => Some(&hours.calendar),
    }
}

/// `2027` or `2027-2028`.
fn describe(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}-{last}"),
        (Some(first), _) => first.to_string(),
        _ => String::new(),
    }
}

fn action(calendar: &HolidayCalendar, missing: &str) -> String {
    format!(
        "add {missing}'s holidays and make-up working days to calendar {} (a calendars/{}.csv in the scenario folder overrides a bundled one), use calendar `none`, or choose days inside {}",
        calendar.name(),
        calendar.name(),
        calendar.covered_description()
    )
}

/// `engineer `E1`` for one; `engineers `E1`, `E2`, `E3` and 5 more (8 in all)` for several.
fn who(what: &str, ids: &[&str]) -> String {
    const SHOWN: usize = 3;
    let named: Vec<String> = ids.iter().take(SHOWN).map(|id| format!("`{id}`")).collect();
    match ids.len() {
        1 => format!("{what} {}", named[0]),
        n if n <= SHOWN => format!("{what}s {}", named.join(", ")),
        n => format!(
            "{what}s {} and {} more ({n} in all)",
            named.join(", "),
            n - SHOWN
        ),
    }
}

/// Rows of one table that work by one calendar.
struct CalendarUsers<'a> {
    table: &'a Table,
    /// `engineer` or `tier`.
    what: &'a str,
    ids: &'a [&'a str],
}

impl CalendarUsers<'_> {
    /// E1040 at the first row's `calendar` cell: `missing` years of `period`.
    fn not_covered(&self, calendar: &HolidayCalendar, missing: &str, period: &str) -> Diagnostic {
        let verb = if self.ids.len() == 1 { "works" } else { "work" };
        let mut diagnostic = Diagnostic::file(
            Code::E1040CalendarYearNotCovered,
            self.table.path(),
            format!(
                "{} {verb} by calendar {calendar}, which has no data for {missing}, a year of {period}",
                who(self.what, self.ids)
            ),
            action(calendar, missing),
        )
        .in_column("calendar");
        let first_line = self.ids.first().and_then(|id| self.table.line_of("id", id));
        if let Some(line) = first_line {
            diagnostic = diagnostic.at(line, self.table.column_number("calendar"));
        }
        diagnostic
    }
}

/// The years from `first` to the day before `end`.
pub fn years_of(first: NaiveDate, end: NaiveDate) -> RangeInclusive<i32> {
    let last = end.pred_opt().unwrap_or(end).max(first);
    first.year()..=last.year()
}

/// Checks the calendars of the engineers and of the tiers in use by a site
/// against the planning horizon, reporting each engineer or tier at its row.
#[allow(clippy::too_many_arguments)]
pub fn check_horizon(
    diagnostics: &mut Diagnostics,
    start: NaiveDate,
    horizon_days: u32,
    engineers: &[Engineer],
    engineer_table: Option<&Table>,
    tiers: &[Tier],
    tier_table: Option<&Table>,
    sites: &[Site],
) {
    let end = start + chrono::Days::new(u64::from(horizon_days));
    let years = years_of(start, end);
    let period = format!("the planning horizon ({horizon_days} days from start_date {start})");
    // Rows sharing a calendar are one problem with one remedy: reported
    // once, at the first row, naming the others (a roster of 80 on a
    // calendar that ends would otherwise print the same error 80 times).
    let mut report = |table: Option<&Table>, what: &str, ids: &[&str], calendar| {
        let missing = missing_years(calendar, years.clone());
        if let Some(table) = table.filter(|_| !missing.is_empty()) {
            let users = CalendarUsers { table, what, ids };
            diagnostics.push(users.not_covered(calendar, &describe(&missing), &period));
        }
    };
    let mut by_calendar: Vec<(&HolidayCalendar, Vec<&str>)> = Vec::new();
    for engineer in engineers {
        let calendar = &engineer.shift.calendar;
        match by_calendar
            .iter_mut()
            .find(|(c, _)| c.name() == calendar.name())
        {
            Some((_, ids)) => ids.push(&engineer.id),
            None => by_calendar.push((calendar, vec![&engineer.id])),
        }
    }
    for (calendar, ids) in &by_calendar {
        report(engineer_table, "engineer", ids, calendar);
    }
    let mut in_use = vec![false; tiers.len()];
    for site in sites {
        if let Some(used) = in_use.get_mut(site.tier.index()) {
            *used = true;
        }
    }
    for (tier, _) in tiers.iter().zip(&in_use).filter(|(_, used)| **used) {
        if let Some(calendar) = tier_calendar(tier) {
            report(tier_table, "tier", &[&tier.id], calendar);
        }
    }
}

/// What an incident's date is checked against: the tiers of the sites and
/// the engineers qualified for the part; and its deadline, computed as
/// `dispatch` computes it.
pub struct IncidentCalendars<'a> {
    pub sites: &'a [Site],
    pub tiers: &'a [Tier],
    pub parts: &'a [Part],
    pub engineers: &'a [Engineer],
    /// Years the calendar `none` is precomputed for (as `calendar::scenario_years`).
    pub none_years: RangeInclusive<i32>,
    /// Contract clocks by tier and zone; `Err` holds why one cannot be built.
    clocks: HashMap<(usize, Tz), Result<SlaClock, CalendarError>>,
}

impl<'a> IncidentCalendars<'a> {
    pub fn new(
        sites: &'a [Site],
        tiers: &'a [Tier],
        parts: &'a [Part],
        engineers: &'a [Engineer],
        none_years: RangeInclusive<i32>,
    ) -> Self {
        IncidentCalendars {
            sites,
            tiers,
            parts,
            engineers,
            none_years,
            clocks: HashMap::new(),
        }
    }

    /// Records an error at the incident's `opened` cell when a calendar its
    /// deadline or its engineers depend on has no data for its local date,
    /// or when its deadline cannot be computed (it falls in a year the
    /// tier's calendar lacks, such as a next-business-day call of
    /// 31 December).
    pub fn check(
        &mut self,
        cells: &mut Cells<'_>,
        site: usize,
        part: usize,
        opened: DateTime<Utc>,
    ) {
        let Some(tz) = self.sites.get(site).map(|s| s.tz) else {
            return;
        };
        let date = opened.with_timezone(&tz).date_naive();
        if self.check_date(cells, site, part, date) {
            self.check_deadline(cells, site, opened);
        }
    }

    fn check_deadline(&mut self, cells: &mut Cells<'_>, site: usize, opened: DateTime<Utc>) {
        let site = &self.sites[site];
        let Some(tier) = self.tiers.get(site.tier.index()) else {
            return;
        };
        let none_years = self.none_years.clone();
        let clock = self
            .clocks
            .entry((site.tier.index(), site.tz))
            .or_insert_with(|| SlaClock::new(&tier.coverage, tier.response, site.tz, none_years));
        let result = match clock {
            Ok(clock) => clock.deadline(opened.timestamp()).map(|_| ()),
            Err(error) => Err(error.clone()),
        };
        if let Err(error) = result {
            cells.error(
                "opened",
                Code::E1040CalendarYearNotCovered,
                format!(
                    "no deadline under tier `{}` for this incident: {error}",
                    tier.id
                ),
                "extend the tier's calendar to the year the deadline falls in, or dispatch incidents whose deadlines it covers",
            );
        }
    }

    /// The opening date against the calendars; false after an error.
    fn check_date(&self, cells: &mut Cells<'_>, site: usize, part: usize, date: NaiveDate) -> bool {
        let mut users: BTreeMap<String, (HolidayCalendar, Vec<String>)> = BTreeMap::new();
        let mut add = |calendar: &'_ HolidayCalendar, user: String| {
            if !calendar.covers(date) {
                users
                    .entry(calendar.name().to_string())
                    .or_insert_with(|| (calendar.clone(), Vec::new()))
                    .1
                    .push(user);
            }
        };
        if let Some(tier) = self
            .sites
            .get(site)
            .and_then(|s| self.tiers.get(s.tier.index()))
        {
            if let Some(calendar) = tier_calendar(tier) {
                add(calendar, format!("tier `{}`", tier.id));
            }
        }
        if let Some(part) = self.parts.get(part) {
            for engineer in self.engineers.iter().filter(|e| e.has_skill(&part.skill)) {
                add(
                    &engineer.shift.calendar,
                    format!("engineer `{}`", engineer.id),
                );
            }
        }
        for (calendar, users) in users.values() {
            let year = date.year().to_string();
            let shown: Vec<&str> = users.iter().take(5).map(String::as_str).collect();
            let more = users.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            cells.error(
                "opened",
                Code::E1040CalendarYearNotCovered,
                format!(
                    "the incident opens on {date}, but calendar {calendar} has no data for {year}; it is the calendar of {}{more}",
                    shown.join(", ")
                ),
                action(calendar, &year),
            );
        }
        users.is_empty()
    }
}

/// Checks a period a command works on (such as a simulation's days, or an
/// overlay's horizon) against the calendars of every engineer and of the
/// tiers in use; the error names the scenario's settings file (an overlay's
/// overlay.toml), where the period starts.
pub fn check_period(
    scenario: &Scenario,
    first: NaiveDate,
    end: NaiveDate,
    period: &str,
) -> Result<(), super::ScenarioError> {
    let years = years_of(first, end);
    let mut users: BTreeMap<String, (HolidayCalendar, Vec<String>, Vec<i32>)> = BTreeMap::new();
    let mut add = |calendar: &'_ HolidayCalendar, user: String| {
        let missing = missing_years(calendar, years.clone());
        if !missing.is_empty() {
            users
                .entry(calendar.name().to_string())
                .or_insert_with(|| (calendar.clone(), Vec::new(), missing))
                .1
                .push(user);
        }
    };
    let mut in_use = vec![false; scenario.tiers.len()];
    for site in &scenario.sites {
        in_use[site.tier.index()] = true;
    }
    for change in &scenario.tier_changes {
        in_use[change.tier.index()] = true;
    }
    for (tier, _) in scenario.tiers.iter().zip(&in_use).filter(|(_, u)| **u) {
        if let Some(calendar) = tier_calendar(tier) {
            add(calendar, format!("tier `{}`", tier.id));
        }
    }
    for engineer in &scenario.engineers {
        add(
            &engineer.shift.calendar,
            format!("engineer `{}`", engineer.id),
        );
    }
    if users.is_empty() {
        return Ok(());
    }
    // An overlay's folder holds overlay.toml; its period is its base's.
    let overlay = scenario.dir.join(crate::scenario::overlay::OVERLAY_FILE);
    let settings = if overlay.exists() {
        overlay
    } else {
        scenario.dir.join("scenario.toml")
    };
    let line = start_date_line(&settings);
    let mut diagnostics = Diagnostics::new();
    for (calendar, users, missing) in users.values() {
        let missing = describe(missing);
        let shown: Vec<&str> = users.iter().take(5).map(String::as_str).collect();
        let more = users.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let mut diagnostic = Diagnostic::file(
            Code::E1040CalendarYearNotCovered,
            &settings,
            format!(
                "calendar {calendar} has no data for {missing}, a year of {period}; it is the calendar of {}{more}",
                shown.join(", ")
            ),
            action(calendar, &missing),
        );
        if let Some(line) = line {
            diagnostic = diagnostic.at(line, Some(1));
        }
        diagnostics.push(diagnostic);
    }
    Err(super::ScenarioError { diagnostics })
}

/// The line of the top-level `start_date` key in a settings file, if any.
fn start_date_line(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .position(|line| {
            line.trim_start()
                .strip_prefix("start_date")
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|index| index as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_of_a_period_end_the_day_before_its_end() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(years_of(date(2026, 1, 1), date(2027, 1, 1)), 2026..=2026);
        assert_eq!(years_of(date(2026, 6, 1), date(2027, 6, 1)), 2026..=2027);
        assert_eq!(describe(&[2027, 2028]), "2027-2028");
        assert_eq!(describe(&[2027]), "2027");
    }

    #[test]
    fn rows_sharing_a_calendar_are_named_three_at_most() {
        assert_eq!(who("tier", &["4h"]), "tier `4h`");
        assert_eq!(who("engineer", &["E1", "E2"]), "engineers `E1`, `E2`");
        assert_eq!(
            who("engineer", &["E1", "E2", "E3", "E4", "E5"]),
            "engineers `E1`, `E2`, `E3` and 2 more (5 in all)"
        );
    }
}
