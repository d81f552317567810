//! Dated holiday calendars: public holidays that close a working day and
//! make-up working days that open a weekend day (as China's State Council
//! announces them each year).

use super::WeekdaySet;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What a dated calendar row does to its day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// The day is closed even if its weekday is a working day.
    Holiday,
    /// The day is open even if its weekday is not (a make-up working day).
    Workday,
}

/// One dated row of a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedDay {
    pub kind: DayKind,
    pub name: String,
}

/// The bundled calendar files, so that `CN` works wherever the binary runs.
const BUNDLED: &[(&str, &str)] = &[("CN", include_str!("../../data/calendars/CN.csv"))];

/// Names of the calendars shipped inside the binary.
pub fn bundled_names() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(name, _)| *name)
}

/// The text of a bundled calendar file (`date,kind,name`), if one has that name.
pub fn bundled_text(name: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(bundled, _)| bundled.eq_ignore_ascii_case(name))
        .map(|(_, text)| *text)
}

/// A holiday calendar: dated overrides of a weekday pattern for the years it
/// covers. The calendar `none` covers every year and overrides nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidayCalendar {
    name: String,
    days: BTreeMap<NaiveDate, DatedDay>,
    /// `None` means every year (the calendar `none`).
    years: Option<BTreeSet<i32>>,
}

/// A date the calendar cannot speak for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "calendar {calendar} has no data for {date} (it covers {covered}); add the year's holidays to the calendar file"
)]
pub struct YearNotCovered {
    pub calendar: String,
    pub date: NaiveDate,
    pub covered: String,
}

impl HolidayCalendar {
    /// The calendar `none`: the weekday pattern alone, any year.
    pub fn none() -> Self {
        HolidayCalendar {
            name: "none".to_string(),
            days: BTreeMap::new(),
            years: None,
        }
    }

    /// A calendar from dated rows; it covers exactly the years its rows fall in.
    pub fn from_days(name: impl Into<String>, days: BTreeMap<NaiveDate, DatedDay>) -> Self {
        let years = days.keys().map(|d| d.year()).collect();
        HolidayCalendar {
            name: name.into(),
            days,
            years: Some(years),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True for the calendar `none`.
    pub fn is_none(&self) -> bool {
        self.years.is_none()
    }

    /// The years covered, or `None` for every year.
    pub fn years(&self) -> Option<&BTreeSet<i32>> {
        self.years.as_ref()
    }

    /// Whether the calendar speaks for this date's year.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years
            .as_ref()
            .is_none_or(|years| years.contains(&date.year()))
    }

    /// The dated row for a day, if any; an error for a year not covered.
    pub fn dated(&self, date: NaiveDate) -> Result<Option<&DatedDay>, YearNotCovered> {
        if !self.covers(date) {
            return Err(YearNotCovered {
                calendar: self.name.clone(),
                date,
                covered: self.covered_description(),
            });
        }
        Ok(self.days.get(&date))
    }

    /// Whether `date` is a working day: its weekday is in `days`, unless a
    /// dated row says otherwise (a holiday closes it, a workday opens it).
    pub fn is_working_day(
        &self,
        date: NaiveDate,
        days: WeekdaySet,
    ) -> Result<bool, YearNotCovered> {
        Ok(match self.dated(date)? {
            Some(DatedDay {
                kind: DayKind::Holiday,
                ..
            }) => false,
            Some(DatedDay {
                kind: DayKind::Workday,
                ..
            }) => true,
            None => days.contains(date.weekday()),
        })
    }

    /// All dated rows, in date order.
    pub fn dated_days(&self) -> impl Iterator<Item = (NaiveDate, &DatedDay)> {
        self.days.iter().map(|(date, day)| (*date, day))
    }

    /// `2025-2026`, `2025, 2027` or `every year`.
    pub fn covered_description(&self) -> String {
        match &self.years {
            None => "every year".to_string(),
            Some(years) => describe_years(years),
        }
    }
}

fn describe_years(years: &BTreeSet<i32>) -> String {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &year in years {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == year => *end = year,
            _ => runs.push((year, year)),
        }
    }
    if runs.is_empty() {
        return "no year".to_string();
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for HolidayCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.covered_description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn coverage_is_the_years_of_the_rows() {
        let mut days = BTreeMap::new();
        days.insert(
            date(2025, 1, 1),
            DatedDay {
                kind: DayKind::Holiday,
                name: "New Year".into(),
            },
        );
        days.insert(
            date(2026, 1, 4),
            DatedDay {
                kind: DayKind::Workday,
                name: "make-up".into(),
            },
        );
        let cal = HolidayCalendar::from_days("X", days);
        assert_eq!(cal.covered_description(), "2025-2026");
        assert!(cal.dated(date(2025, 1, 1)).unwrap().is_some());
        assert!(cal.dated(date(2025, 1, 2)).unwrap().is_none());
        let err = cal.dated(date(2027, 3, 1)).unwrap_err();
        assert!(err.to_string().contains("has no data for 2027-03-01"));
        assert!(
            HolidayCalendar::none()
                .dated(date(1999, 1, 1))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn bundled_cn_is_present() {
        assert!(bundled_text("CN").unwrap().starts_with("date,kind,name"));
        assert!(bundled_text("cn").is_some());
        assert!(bundled_text("XX").is_none());
    }
}
