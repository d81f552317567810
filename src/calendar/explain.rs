//! How a deadline was reached, day by day, in words a dispatcher can check
//! against the contract: which windows were counted, which days skipped and why.

use super::coverage::Response;
use super::sla::{ClockCoverage, SlaClock};
use super::timeline::{BusinessTimeline, CalendarError, DayStatus, Seconds, format_instant};
use super::{format_clock, format_duration};
use chrono::{DateTime, NaiveDate, TimeDelta};
use chrono_tz::Tz;

/// Days listed before the explanation is cut short.
const DAYS_LISTED: usize = 60;

/// The explanation of the deadline of a ticket opened at `opened`, one line
/// per step; the last line names the deadline.
pub fn explain_deadline(clock: &SlaClock, opened: Seconds) -> Result<Vec<String>, CalendarError> {
    let deadline = clock.deadline(opened)?;
    let tz = clock.tz();
    let mut lines = vec![format!(
        "opened {} ({})",
        format_instant(opened, tz),
        weekday_of(opened, tz)
    )];
    match (&clock.coverage, clock.response) {
        (ClockCoverage::AllHours { .. }, Response::Within(duration)) => {
            lines.push(format!(
                "coverage 24x7: {} of absolute time, calendars and windows ignored",
                format_duration(duration)
            ));
        }
        (ClockCoverage::AllHours { .. }, Response::NextBusinessDay { .. }) => {
            lines.push(
                "coverage 24x7 with next-business-day response: every day is a working day \
                 and its window is the whole day"
                    .to_string(),
            );
        }
        (ClockCoverage::Business(timeline), Response::Within(duration)) => {
            explain_within(timeline, opened, deadline, duration, &mut lines)?;
        }
        (ClockCoverage::Business(timeline), Response::NextBusinessDay { cutoff_minute }) => {
            explain_next_business_day(timeline, opened, cutoff_minute, &mut lines)?;
        }
    }
    lines.push(format!("deadline {}", format_instant(deadline, tz)));
    Ok(lines)
}

fn explain_within(
    timeline: &BusinessTimeline,
    opened: Seconds,
    deadline: Seconds,
    duration: TimeDelta,
    lines: &mut Vec<String>,
) -> Result<(), CalendarError> {
    let rule = timeline.rule();
    lines.push(format!(
        "coverage {} on {} of calendar {}: {} of business time",
        rule.window,
        describe_days(rule),
        rule.calendar.name(),
        format_duration(duration)
    ));
    let start = timeline.clock_start(opened)?;
    if start != opened {
        lines.push(format!(
            "opened outside coverage: the clock starts at the next window opening, {}",
            format_instant(start, rule.tz)
        ));
    }
    let mut left = duration.num_seconds();
    let (first, last) = (
        first_window_date(timeline, opened),
        last_window_date(timeline, deadline),
    );
    for_each_day(timeline, first, last, lines, |date, day, lines| {
        let (window_start, window_end) = timeline.window_on(date);
        let from = window_start.max(start);
        let to = window_end.min(deadline);
        if to > from || (to == from && to == deadline && left == 0) {
            left -= to - from;
            lines.push(format!(
                "{day}: counted {}-{} ({}), {} left",
                clock_of(from, rule.tz),
                clock_of(to, rule.tz),
                format_duration(TimeDelta::seconds(to - from)),
                format_duration(TimeDelta::seconds(left))
            ));
        } else {
            lines.push(format!(
                "{day}: working day, nothing counted (window {} is outside the clock)",
                rule.window
            ));
        }
    })
}

fn explain_next_business_day(
    timeline: &BusinessTimeline,
    opened: Seconds,
    cutoff_minute: Option<u32>,
    lines: &mut Vec<String>,
) -> Result<(), CalendarError> {
    let rule = timeline.rule();
    let answer = timeline.next_business_day(opened, cutoff_minute)?;
    let cutoff = cutoff_minute.unwrap_or(rule.window.end_minute());
    let cutoff_next_morning = rule.window.crosses_midnight() && cutoff < rule.window.start_minute();
    lines.push(format!(
        "coverage {} on {} of calendar {}: next business day, cut-off {}{}",
        rule.window,
        describe_days(rule),
        rule.calendar.name(),
        format_clock(cutoff),
        if cutoff_next_morning {
            " the next morning"
        } else {
            ""
        }
    ));
    let arrival = local_date(opened, rule.tz);
    if answer.logged_on == arrival {
        lines.push(format!(
            "arrived on a working day before the cut-off: logged on {arrival}"
        ));
    } else if answer.logged_on < arrival {
        lines.push(format!(
            "arrived before the cut-off of the overnight working day that opened on {}: logged on {}",
            answer.logged_on, answer.logged_on
        ));
    } else {
        lines.push(format!(
            "arrived after the cut-off or on a non-working day: logged on the next working day, {}",
            answer.logged_on
        ));
    }
    for_each_day(
        timeline,
        answer.logged_on.min(arrival),
        last_window_date(timeline, answer.deadline),
        lines,
        |date, day, lines| {
            // An overnight window's due day may be the arrival date too.
            let role = if date == answer.logged_on {
                "logged day"
            } else if date == answer.due_on {
                "next working day: due by its window end"
            } else if date == arrival {
                "arrival day, at or after the cut-off"
            } else {
                "working day"
            };
            lines.push(format!("{day}: {role}"));
        },
    )
}

/// The first date whose window may count from `instant` on: its local date,
/// or the day before when that day's overnight window is still open.
fn first_window_date(timeline: &BusinessTimeline, instant: Seconds) -> NaiveDate {
    let date = local_date(instant, timeline.rule().tz);
    match date.pred_opt() {
        Some(before) if timeline.crosses_midnight() && timeline.window_on(before).1 > instant => {
            before
        }
        _ => date,
    }
}

/// The last date whose window may count up to `instant`: its local date, or
/// the day before when the instant falls before that date's overnight window.
fn last_window_date(timeline: &BusinessTimeline, instant: Seconds) -> NaiveDate {
    let date = local_date(instant, timeline.rule().tz);
    match date.pred_opt() {
        Some(before) if timeline.crosses_midnight() && instant < timeline.window_on(date).0 => {
            before
        }
        _ => date,
    }
}

/// Walks the local dates from `first` to `last`, describing skipped days and
/// handing working days to `working`.
fn for_each_day(
    timeline: &BusinessTimeline,
    first: NaiveDate,
    last: NaiveDate,
    lines: &mut Vec<String>,
    mut working: impl FnMut(NaiveDate, String, &mut Vec<String>),
) -> Result<(), CalendarError> {
    let rule = timeline.rule();
    for (listed, date) in first.iter_days().take_while(|d| *d <= last).enumerate() {
        if listed == DAYS_LISTED {
            lines.push(format!(
                "... {} more days not listed",
                (last - date).num_days() + 1
            ));
            break;
        }
        match timeline.day_status(date)? {
            DayStatus::Working => working(date, format!("{date} {}", weekday_name(date)), lines),
            DayStatus::MakeUpWorkday(name) => working(
                date,
                format!(
                    "{date} {}, make-up working day{}",
                    weekday_name(date),
                    named(&name)
                ),
                lines,
            ),
            DayStatus::Holiday(name) => lines.push(format!(
                "{date} {}: skipped, holiday{}",
                weekday_name(date),
                named(&name)
            )),
            DayStatus::NotInPattern => lines.push(format!(
                "{date} {}: skipped, not in {}",
                weekday_name(date),
                describe_days(rule)
            )),
        }
    }
    Ok(())
}

fn named(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" ({name})")
    }
}

fn describe_days(rule: &super::BusinessRule) -> String {
    rule.days.to_string()
}

fn local_date(instant: Seconds, tz: Tz) -> NaiveDate {
    DateTime::from_timestamp(instant, 0)
        .map(|t| t.with_timezone(&tz).date_naive())
        .unwrap_or_default()
}

fn clock_of(instant: Seconds, tz: Tz) -> String {
    DateTime::from_timestamp(instant, 0)
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_default()
}

fn weekday_of(instant: Seconds, tz: Tz) -> &'static str {
    weekday_name(local_date(instant, tz))
}

fn weekday_name(date: NaiveDate) -> &'static str {
    use chrono::{Datelike, Weekday};
    match date.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
