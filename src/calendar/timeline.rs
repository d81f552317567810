//! Business hours as a precomputed timeline of absolute windows.
//!
//! Every working day's window is resolved once into UTC seconds, with the
//! business seconds accumulated before it. A deadline or an elapsed-time
//! query is then two binary searches, which is what lets the simulator ask
//! for millions of deadlines.

use super::{ClockWindow, HolidayCalendar, WeekdaySet, YearNotCovered};
use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use std::ops::RangeInclusive;
use std::sync::Arc;

/// Seconds since the Unix epoch, UTC.
pub type Seconds = i64;

/// Why a business-time question has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar file has no data for a year the computation reaches.
    #[error(transparent)]
    YearNotCovered(#[from] YearNotCovered),
    /// A calendar that covers every year (`none`) was precomputed for fewer
    /// years than the computation reaches.
    #[error(
        "{date} is outside the years {first}-{last} precomputed for this calendar; the deadline lies too far away"
    )]
    OutsideYears {
        date: NaiveDate,
        first: i32,
        last: i32,
    },
    /// No working day in the whole range (an empty weekday set and no make-up days).
    #[error("the calendar has no working day between {first} and {last}")]
    NoWorkingDay { first: NaiveDate, last: NaiveDate },
}

/// One working day's window in absolute time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    start: Seconds,
    end: Seconds,
    /// Business seconds in all earlier windows.
    before: Seconds,
    /// The local date the window opens on (an overnight window closes the
    /// next day).
    date: NaiveDate,
}

impl Window {
    fn length(&self) -> Seconds {
        self.end - self.start
    }
    fn business_end(&self) -> Seconds {
        self.before + self.length()
    }
}

/// The coverage rule a timeline is built from.
#[derive(Clone, Debug, PartialEq)]
pub struct BusinessRule {
    pub window: ClockWindow,
    pub days: WeekdaySet,
    pub calendar: Arc<HolidayCalendar>,
    pub tz: Tz,
}

/// Why a day has no window, or which dated row opened it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayStatus {
    /// A working day by its weekday.
    Working,
    /// A weekend day opened by the calendar (a make-up working day).
    MakeUpWorkday(String),
    /// A weekday closed by the calendar.
    Holiday(String),
    /// Not in the weekday pattern.
    NotInPattern,
}

impl DayStatus {
    pub fn is_working(&self) -> bool {
        matches!(self, DayStatus::Working | DayStatus::MakeUpWorkday(_))
    }
}

/// Precomputed business windows of one rule over a range of local dates.
#[derive(Clone, Debug)]
pub struct BusinessTimeline {
    rule: BusinessRule,
    first_date: NaiveDate,
    last_date: NaiveDate,
    /// Absolute time of local midnight starting `first_date` and ending `last_date`.
    span: (Seconds, Seconds),
    windows: Vec<Window>,
    /// Stretches of time whose coverage is unknown because the calendar has
    /// no data for the day they belong to (years missing between covered
    /// years, and for overnight windows the morning after the day before
    /// the first covered year), in order.
    holes: Vec<Hole>,
}

/// Time a day the calendar has no data for could hold a window in:
/// `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hole {
    start: Seconds,
    end: Seconds,
    date: NaiveDate,
}

impl BusinessTimeline {
    /// Builds the timeline. A calendar with dated rows is built for exactly
    /// the years it covers; the calendar `none` for `none_years`.
    pub fn new(rule: BusinessRule, none_years: RangeInclusive<i32>) -> Result<Self, CalendarError> {
        let (first_year, last_year) = match rule.calendar.years() {
            Some(years) => match (years.first(), years.last()) {
                (Some(first), Some(last)) => (*first, *last),
                _ => (*none_years.start(), *none_years.end()),
            },
            None => (*none_years.start(), *none_years.end()),
        };
        let first_date = year_start(first_year);
        let last_date = year_start(last_year.saturating_add(1))
            .pred_opt()
            .unwrap_or(first_date);
        let span = (
            local_instant(rule.tz, first_date.and_time(chrono::NaiveTime::MIN)),
            local_instant(
                rule.tz,
                next_day(last_date).and_time(chrono::NaiveTime::MIN),
            ),
        );
        let mut timeline = BusinessTimeline {
            rule,
            first_date,
            last_date,
            span,
            windows: Vec::new(),
            holes: Vec::new(),
        };
        timeline.fill();
        if timeline.windows.is_empty() {
            return Err(CalendarError::NoWorkingDay {
                first: first_date,
                last: last_date,
            });
        }
        Ok(timeline)
    }

    fn fill(&mut self) {
        let mut before = 0;
        // An overnight window of the day before the range runs into its
        // first morning.
        let mut date = if self.rule.window.crosses_midnight() {
            self.first_date.pred_opt().unwrap_or(self.first_date)
        } else {
            self.first_date
        };
        while date <= self.last_date {
            match self.day_status(date) {
                Ok(status) if status.is_working() => {
                    let (start, end) = self.window_on(date);
                    self.windows.push(Window {
                        start,
                        end,
                        before,
                        date,
                    });
                    before += end - start;
                }
                Ok(_) => {}
                Err(_) => self.holes.push(self.hole_on(date)),
            }
            date = next_day(date);
        }
    }

    /// The time a day without calendar data leaves unknown: the whole local
    /// day, and for an overnight window also the next morning up to its end.
    fn hole_on(&self, date: NaiveDate) -> Hole {
        let start = local_instant(self.rule.tz, date.and_time(chrono::NaiveTime::MIN));
        let end = if self.rule.window.crosses_midnight() {
            self.window_on(date).1
        } else {
            start + 86_400
        };
        Hole { start, end, date }
    }

    pub fn rule(&self) -> &BusinessRule {
        &self.rule
    }

    /// The shortest working day's window in absolute seconds (a
    /// daylight-saving day may be shorter than the wall-clock window).
    pub fn shortest_window(&self) -> Seconds {
        self.windows.iter().map(Window::length).min().unwrap_or(0)
    }

    /// Local dates the timeline covers.
    pub fn dates(&self) -> RangeInclusive<NaiveDate> {
        self.first_date..=self.last_date
    }

    /// Whether a date is a working day, and why.
    pub fn day_status(&self, date: NaiveDate) -> Result<DayStatus, YearNotCovered> {
        let weekday_works = self.rule.days.contains(date.weekday());
        Ok(match self.rule.calendar.dated(date)? {
            Some(dated) => match dated.kind {
                super::DayKind::Holiday => DayStatus::Holiday(dated.name.clone()),
                super::DayKind::Workday if weekday_works => DayStatus::Working,
                super::DayKind::Workday => DayStatus::MakeUpWorkday(dated.name.clone()),
            },
            None if weekday_works => DayStatus::Working,
            None => DayStatus::NotInPattern,
        })
    }

    /// The window of a date in absolute time (whether or not it is a working
    /// day); an overnight window closes on the next date. A daylight-saving
    /// change inside the window lengthens or shortens it as the wall clock says.
    pub fn window_on(&self, date: NaiveDate) -> (Seconds, Seconds) {
        let at = |date: NaiveDate, minute: u32| {
            let naive = if minute >= super::MINUTES_PER_DAY {
                next_day(date).and_time(chrono::NaiveTime::MIN)
            } else {
                date.and_time(super::clock_time(minute))
            };
            local_instant(self.rule.tz, naive)
        };
        let window = self.rule.window;
        let end_date = if window.crosses_midnight() {
            next_day(date)
        } else {
            date
        };
        let start = at(date, window.start_minute());
        let end = at(end_date, window.end_minute()).max(start);
        (start, end)
    }

    /// Whether the rule's windows cross midnight.
    pub fn crosses_midnight(&self) -> bool {
        self.rule.window.crosses_midnight()
    }

    /// The error for an instant outside the timeline.
    fn outside(&self, instant: Seconds) -> CalendarError {
        let date = DateTime::from_timestamp(instant, 0)
            .map(|t| t.with_timezone(&self.rule.tz).date_naive())
            .unwrap_or(self.first_date);
        self.outside_date(date)
    }

    fn outside_date(&self, date: NaiveDate) -> CalendarError {
        match self.rule.calendar.dated(date) {
            Err(not_covered) => CalendarError::YearNotCovered(not_covered),
            Ok(_) => CalendarError::OutsideYears {
                date,
                first: self.first_date.year(),
                last: self.last_date.year(),
            },
        }
    }

    /// The error when a computation runs past the last window.
    fn past_end(&self) -> CalendarError {
        self.outside_date(next_day(self.last_date))
    }

    fn check_inside(&self, instant: Seconds) -> Result<(), CalendarError> {
        if instant < self.span.0 || instant >= self.span.1 {
            return Err(self.outside(instant));
        }
        Ok(())
    }

    /// Fails if time a day the calendar has no data for leaves unknown lies
    /// in `[from, to)`.
    fn check_no_hole(&self, from: Seconds, to: Seconds) -> Result<(), CalendarError> {
        let next = self.holes.partition_point(|hole| hole.start < from);
        // A hole starting before `from` may still cover it: look one back too
        // (holes start and end in the same order, so the one just before
        // reaches furthest).
        let candidates = next.saturating_sub(1)..self.holes.len().min(next + 1);
        for hole in &self.holes[candidates] {
            if hole.start < to && hole.end > from {
                return Err(self.outside_date(hole.date));
            }
        }
        Ok(())
    }

    /// Index of the window the clock runs in at `instant` or starts in next:
    /// the first window ending after it (a window end is exclusive for starting).
    fn window_from(&self, instant: Seconds) -> Result<usize, CalendarError> {
        let index = self.windows.partition_point(|w| w.end <= instant);
        if index == self.windows.len() {
            return Err(self.past_end());
        }
        Ok(index)
    }

    /// When the clock starts for a ticket opened at `instant`: the instant
    /// itself inside a window, else the next window opening.
    pub fn clock_start(&self, instant: Seconds) -> Result<Seconds, CalendarError> {
        self.check_inside(instant)?;
        let index = self.window_from(instant)?;
        let start = instant.max(self.windows[index].start);
        self.check_no_hole(instant, start)?;
        Ok(start)
    }

    /// The instant `business` seconds of covered time after `instant`. A
    /// deadline landing exactly on a window end stays there.
    pub fn add(&self, instant: Seconds, business: Seconds) -> Result<Seconds, CalendarError> {
        self.check_inside(instant)?;
        let first = self.window_from(instant)?;
        let window = self.windows[first];
        let start = instant.max(window.start);
        let deadline = if business <= 0 {
            start
        } else {
            let target = window.before + (start - window.start) + business;
            let offset = self.windows[first..].partition_point(|w| w.business_end() < target);
            let due = self
                .windows
                .get(first + offset)
                .ok_or_else(|| self.past_end())?;
            due.start + (target - due.before)
        };
        self.check_no_hole(instant, deadline)?;
        Ok(deadline)
    }

    /// Business seconds accumulated from the timeline's start to `instant`.
    fn business_at(&self, instant: Seconds) -> Seconds {
        let after = self.windows.partition_point(|w| w.start <= instant);
        match after.checked_sub(1).map(|i| self.windows[i]) {
            None => 0,
            Some(w) => w.before + (instant - w.start).min(w.length()),
        }
    }

    /// Business seconds between two instants (negative if `to` is before `from`).
    pub fn elapsed(&self, from: Seconds, to: Seconds) -> Result<Seconds, CalendarError> {
        self.check_inside(from)?;
        self.check_inside(to)?;
        self.check_no_hole(from.min(to), from.max(to))?;
        Ok(self.business_at(to) - self.business_at(from))
    }

    /// Whether the clock runs at `instant` (inside a working day's window).
    pub fn is_open(&self, instant: Seconds) -> Result<bool, CalendarError> {
        self.check_inside(instant)?;
        let index = self.windows.partition_point(|w| w.end <= instant);
        Ok(self
            .windows
            .get(index)
            .is_some_and(|w| w.start <= instant && instant < w.end))
    }

    /// Next-business-day deadline: a call is logged on the first working day
    /// whose cut-off (local wall clock; default the window end) is after its
    /// arrival, which is the arrival day itself when that is a working day
    /// and the call comes before the cut-off; the deadline is the window end
    /// of the working day after the logged day. An overnight window's day
    /// runs into the next morning: a cut-off before the window start (such
    /// as the default, its end) is read on the next calendar day.
    pub fn next_business_day(
        &self,
        instant: Seconds,
        cutoff_minute: Option<u32>,
    ) -> Result<NextBusinessDay, CalendarError> {
        self.check_inside(instant)?;
        let arrival = DateTime::from_timestamp(instant, 0)
            .ok_or_else(|| self.outside(instant))?
            .with_timezone(&self.rule.tz)
            .naive_local();
        let cutoff = cutoff_minute.unwrap_or(self.rule.window.end_minute());
        // Wall-clock comparison: a cut-off is a time on the office clock.
        let logged = self
            .windows
            .partition_point(|w| self.cutoff_of(w.date, cutoff) <= arrival);
        let logged_window = *self.windows.get(logged).ok_or_else(|| self.past_end())?;
        let due = self
            .windows
            .get(logged + 1)
            .ok_or_else(|| self.past_end())?;
        self.check_no_hole(instant, due.end)?;
        Ok(NextBusinessDay {
            logged_on: logged_window.date,
            due_on: due.date,
            deadline: due.end,
        })
    }

    /// The local wall-clock cut-off of the working day `date`: on that date,
    /// or on the next for an overnight window and a cut-off before its start.
    pub fn cutoff_of(&self, date: NaiveDate, cutoff_minute: u32) -> NaiveDateTime {
        let window = self.rule.window;
        let on = if window.crosses_midnight() && cutoff_minute < window.start_minute() {
            next_day(date)
        } else {
            date
        };
        if cutoff_minute >= super::MINUTES_PER_DAY {
            next_day(on).and_time(chrono::NaiveTime::MIN)
        } else {
            on.and_time(super::clock_time(cutoff_minute))
        }
    }

    /// The working windows overlapping `[from, to)`, as (date, start, end).
    pub fn windows_between(
        &self,
        from: Seconds,
        to: Seconds,
    ) -> impl Iterator<Item = (NaiveDate, Seconds, Seconds)> + '_ {
        let first = self.windows.partition_point(|w| w.end <= from);
        self.windows[first..]
            .iter()
            .take_while(move |w| w.start < to || (w.start == to && w.end == to))
            .map(|w| (w.date, w.start, w.end))
    }
}

/// The answer of a next-business-day question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextBusinessDay {
    /// The working day the call counts as logged on.
    pub logged_on: NaiveDate,
    /// The working day by whose window end the visit is due.
    pub due_on: NaiveDate,
    pub deadline: Seconds,
}

fn year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

/// The absolute instant of a local wall-clock time. A time skipped by a
/// daylight-saving change resolves to the instant the clocks jump (the first
/// wall-clock time after the gap); a repeated time to its earlier occurrence.
pub fn local_instant(tz: Tz, naive: NaiveDateTime) -> Seconds {
    let mut probe = naive;
    // Gaps are at most a few hours; step by minutes to the first existing time.
    for _ in 0..=24 * 60 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.timestamp(),
            LocalResult::Ambiguous(earlier, _) => return earlier.timestamp(),
            LocalResult::None => probe += TimeDelta::minutes(1),
        }
    }
    naive.and_utc().timestamp()
}

/// Formats an instant in RFC 3339 with the zone's offset at that instant.
pub fn format_instant(instant: Seconds, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(instant, 0)
        .map(|t| {
            t.with_timezone(&tz)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
        .unwrap_or_else(|| format!("@{instant}"))
}
