//! Contract clocks: a tier's coverage and response turned into "opened at t,
//! due at d", with the business time elapsed between two instants as the
//! inverse.

use super::coverage::{Coverage, Response};
use super::timeline::{BusinessRule, BusinessTimeline, CalendarError, Seconds};
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use std::ops::RangeInclusive;
use std::sync::Arc;

/// When a contract's clock runs.
#[derive(Clone, Debug)]
pub enum ClockCoverage {
    /// Around the clock: absolute time, no calendar.
    AllHours { tz: Tz },
    /// Inside the windows of a business timeline.
    Business(Arc<BusinessTimeline>),
}

/// A tier's promise in one time zone: coverage plus response.
#[derive(Clone, Debug)]
pub struct SlaClock {
    pub coverage: ClockCoverage,
    pub response: Response,
}

/// Years precomputed for the calendar `none` when nothing says otherwise.
pub const DEFAULT_NONE_YEARS: RangeInclusive<i32> = 1990..=2100;

impl SlaClock {
    /// The clock of a coverage and response in a zone. `none_years` bounds
    /// the precomputation for calendars that cover every year.
    pub fn new(
        coverage: &Coverage,
        response: Response,
        tz: Tz,
        none_years: RangeInclusive<i32>,
    ) -> Result<Self, CalendarError> {
        let coverage = match coverage {
            Coverage::AllHours => ClockCoverage::AllHours { tz },
            Coverage::Business(hours) => ClockCoverage::Business(Arc::new(BusinessTimeline::new(
                BusinessRule {
                    window: hours.window,
                    days: hours.days,
                    calendar: hours.calendar.clone(),
                    tz,
                },
                none_years,
            )?)),
        };
        Ok(SlaClock { coverage, response })
    }

    pub fn tz(&self) -> Tz {
        match &self.coverage {
            ClockCoverage::AllHours { tz } => *tz,
            ClockCoverage::Business(timeline) => timeline.rule().tz,
        }
    }

    /// The deadline of a ticket opened at `opened`.
    pub fn deadline(&self, opened: Seconds) -> Result<Seconds, CalendarError> {
        match (&self.coverage, self.response) {
            (ClockCoverage::AllHours { .. }, Response::Within(duration)) => {
                Ok(opened + duration.num_seconds())
            }
            (ClockCoverage::Business(timeline), Response::Within(duration)) => {
                timeline.add(opened, duration.num_seconds())
            }
            (ClockCoverage::Business(timeline), Response::NextBusinessDay { cutoff_minute }) => {
                Ok(timeline.next_business_day(opened, cutoff_minute)?.deadline)
            }
            (ClockCoverage::AllHours { tz }, Response::NextBusinessDay { cutoff_minute }) => {
                Ok(all_hours_next_day(opened, *tz, cutoff_minute))
            }
        }
    }

    /// Hours of travel and work a responder can always count on between the
    /// clock start and the deadline: the duration for a timed response,
    /// the shortest working-day window for next business day (a call logged
    /// late in the day leaves just the next day's window), a whole day
    /// around the clock. The planner uses it to decide which depots can serve
    /// a site.
    pub fn guaranteed_response_hours(&self) -> f64 {
        match (&self.coverage, self.response) {
            (_, Response::Within(duration)) => duration.num_seconds() as f64 / 3600.0,
            (ClockCoverage::Business(timeline), Response::NextBusinessDay { .. }) => {
                timeline.shortest_window() as f64 / 3600.0
            }
            (ClockCoverage::AllHours { .. }, Response::NextBusinessDay { .. }) => 24.0,
        }
    }

    /// Covered time between two instants, in seconds: absolute time for
    /// 24x7, business time otherwise (negative if `to` is before `from`).
    pub fn elapsed(&self, from: Seconds, to: Seconds) -> Result<Seconds, CalendarError> {
        match &self.coverage {
            ClockCoverage::AllHours { .. } => Ok(to - from),
            ClockCoverage::Business(timeline) => timeline.elapsed(from, to),
        }
    }
}

/// Next business day around the clock: every day is a working day with a
/// window of the whole day, so the deadline is the midnight that ends the
/// day after the logged day.
fn all_hours_next_day(opened: Seconds, tz: Tz, cutoff_minute: Option<u32>) -> Seconds {
    let Some(local) = chrono::DateTime::from_timestamp(opened, 0) else {
        return opened;
    };
    let local = local.with_timezone(&tz).naive_local();
    let cutoff = i64::from(cutoff_minute.unwrap_or(super::MINUTES_PER_DAY)) * 60;
    let seconds_of_day = i64::from(chrono::Timelike::num_seconds_from_midnight(&local.time()));
    let logged_days_later = if seconds_of_day < cutoff { 0 } else { 1 };
    let due_end = local.date() + chrono::Days::new(logged_days_later + 2);
    super::timeline::local_instant(tz, due_end.and_time(chrono::NaiveTime::MIN))
}

/// Years a `none` calendar is precomputed for: the horizon from `start_date`
/// with a year of margin on each side, or the default range without a start
/// date (`scenario::scenario_years` of a loaded scenario).
pub fn none_years(start_date: Option<NaiveDate>, horizon_days: u32) -> RangeInclusive<i32> {
    match start_date {
        Some(start) => {
            let years = i32::try_from(horizon_days / 365).unwrap_or(100);
            (start.year() - 1)..=(start.year() + years + 2)
        }
        None => DEFAULT_NONE_YEARS,
    }
}
