//! Parsers for the small textual forms contracts are written in: coverage
//! windows (`08:30-17:30`), weekday patterns (`mon-fri`), durations (`1h30m`)
//! and IANA time zones. Each returns a message saying what was expected, so
//! loaders and the command line can place it.

use chrono::{DateTime, LocalResult, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// Minutes in a day; a window may end at `24:00`.
pub const MINUTES_PER_DAY: u32 = 24 * 60;

/// A daily wall-clock window in minutes after local midnight, `[start, end)`.
/// The end may be 1440 (`24:00`). A window whose end is before its start
/// crosses midnight: `20:00-08:00` opens at 20:00 on its day and closes at
/// 08:00 on the next calendar day, and it belongs to the day it opens on
/// (that day's working-day status decides whether it runs). An end of
/// `00:00` is read as `24:00`; a window that starts and ends at the same
/// time is rejected, since it could mean an empty window or a whole day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClockWindow {
    start_minute: u32,
    end_minute: u32,
}

impl ClockWindow {
    /// The whole day, `00:00-24:00`.
    pub const ALL_DAY: ClockWindow = ClockWindow {
        start_minute: 0,
        end_minute: MINUTES_PER_DAY,
    };

    /// A window from minutes after midnight: `None` unless `start < 1440`,
    /// `end <= 1440` and the two differ (an end of 0 is midnight, 1440).
    /// An end before the start makes an overnight window.
    pub fn from_minutes(start_minute: u32, end_minute: u32) -> Option<Self> {
        let end_minute = if end_minute == 0 {
            MINUTES_PER_DAY
        } else {
            end_minute
        };
        (start_minute < MINUTES_PER_DAY
            && end_minute <= MINUTES_PER_DAY
            && start_minute != end_minute)
            .then_some(ClockWindow {
                start_minute,
                end_minute,
            })
    }

    pub fn start_minute(self) -> u32 {
        self.start_minute
    }

    /// The closing minute, on the next calendar day when the window
    /// [crosses midnight](Self::crosses_midnight).
    pub fn end_minute(self) -> u32 {
        self.end_minute
    }

    /// Whether the window closes on the calendar day after it opens.
    pub fn crosses_midnight(self) -> bool {
        self.end_minute < self.start_minute
    }

    /// Nominal length in minutes (wall-clock, across midnight if overnight).
    pub fn minutes(self) -> u32 {
        if self.crosses_midnight() {
            MINUTES_PER_DAY - self.start_minute + self.end_minute
        } else {
            self.end_minute - self.start_minute
        }
    }

    /// Nominal length in hours (the wall-clock length; a daylight-saving day
    /// may be an hour longer or shorter in absolute time).
    pub fn hours(self) -> f64 {
        f64::from(self.minutes()) / 60.0
    }
}

impl FromStr for ClockWindow {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected =
            "a window `HH:MM-HH:MM` such as `08:30-17:30`, or `20:00-08:00` across midnight";
        let (start, end) = text
            .trim()
            .split_once('-')
            .ok_or_else(|| format!("`{text}` is not {expected}"))?;
        let start_minute =
            parse_clock(start).ok_or_else(|| format!("`{text}` is not {expected}"))?;
        let end_minute = parse_clock(end).ok_or_else(|| format!("`{text}` is not {expected}"))?;
        if start_minute == MINUTES_PER_DAY {
            return Err(format!(
                "`{text}` starts at 24:00; start at 00:00 instead (expected {expected})"
            ));
        }
        let same_time = start_minute == end_minute;
        ClockWindow::from_minutes(start_minute, end_minute)
            .filter(|_| !same_time)
            .ok_or_else(|| {
                format!(
                    "`{text}` starts and ends at the same time, which could mean no time or the whole day; write `00:00-24:00` for the whole day"
                )
            })
    }
}

impl fmt::Display for ClockWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            format_clock(self.start_minute),
            format_clock(self.end_minute)
        )
    }
}

/// Parses `HH:MM` (00:00 to 24:00) into minutes after midnight.
pub fn parse_clock(text: &str) -> Option<u32> {
    let (hours, minutes) = text.trim().split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= MINUTES_PER_DAY).then_some(total)
}

/// Formats minutes after midnight as `HH:MM` (1440 as `24:00`).
pub fn format_clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Converts minutes after midnight (below 1440) to a clock time.
pub fn clock_time(minute: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(minute.min(MINUTES_PER_DAY - 1) * 60, 0)
        .unwrap_or(NaiveTime::MIN)
}

/// A set of weekdays, written `mon-fri`, `mon-sat`, `mon,wed,fri` or
/// `mon-fri;sun` (items separated by `,` or `;`, ranges do not wrap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// Monday to Friday, the default working week.
    pub const MON_FRI: WeekdaySet = WeekdaySet(0b0001_1111);
    /// Every day of the week.
    pub const ALL: WeekdaySet = WeekdaySet(0b0111_1111);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn with(self, day: Weekday) -> Self {
        WeekdaySet(self.0 | 1 << day.num_days_from_monday())
    }
}

impl FromStr for WeekdaySet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = "weekdays such as `mon-fri`, `mon-sat` or `mon,wed,fri`";
        let mut set = WeekdaySet(0);
        for item in text.split([',', ';']).map(str::trim) {
            let (first, last) = match item.split_once('-') {
                Some((a, b)) => (parse_weekday(a), parse_weekday(b)),
                None => (parse_weekday(item), parse_weekday(item)),
            };
            let (Some(first), Some(last)) = (first, last) else {
                return Err(format!("`{text}` is not {expected}"));
            };
            if first.num_days_from_monday() > last.num_days_from_monday() {
                return Err(format!(
                    "`{item}` runs backwards; write ranges from Monday towards Sunday, e.g. `sat-sun`"
                ));
            }
            let mut day = first;
            loop {
                set = set.with(day);
                if day == last {
                    break;
                }
                day = day.succ();
            }
        }
        if set.is_empty() {
            return Err(format!("`{text}` names no day; expected {expected}"));
        }
        Ok(set)
    }
}

impl fmt::Display for WeekdaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut runs: Vec<String> = Vec::new();
        let mut day = 0;
        while day < 7 {
            if self.0 & (1 << day) == 0 {
                day += 1;
                continue;
            }
            let first = day;
            while day + 1 < 7 && self.0 & (1 << (day + 1)) != 0 {
                day += 1;
            }
            runs.push(if first == day {
                NAMES[first].to_string()
            } else {
                format!("{}-{}", NAMES[first], NAMES[day])
            });
            day += 1;
        }
        f.write_str(&runs.join(","))
    }
}

fn parse_weekday(text: &str) -> Option<Weekday> {
    match text.trim().to_ascii_lowercase().as_str() {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

/// Parses a duration written as hours, minutes and seconds in that order:
/// `4h`, `30m`, `1h30m`, `90s`, `2h15m30s`. Must be positive.
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    let expected = "a duration such as `4h`, `30m` or `1h30m`";
    let mut rest = text.trim();
    let mut seconds: i64 = 0;
    let mut last_unit_rank = 0;
    if rest.is_empty() {
        return Err(format!("an empty value is not {expected}"));
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 || digits == rest.len() {
            return Err(format!("`{text}` is not {expected}"));
        }
        let amount: i64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        let unit = rest[digits..].chars().next().unwrap_or(' ');
        let (rank, factor) = match unit {
            'h' => (1, 3600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => return Err(format!("`{text}` is not {expected}")),
        };
        if rank <= last_unit_rank {
            return Err(format!(
                "`{text}` repeats or reorders units; write hours, then minutes, then seconds"
            ));
        }
        last_unit_rank = rank;
        seconds = amount
            .checked_mul(factor)
            .and_then(|s| seconds.checked_add(s))
            .filter(|&s| s <= 366 * 24 * 3600)
            .ok_or_else(|| format!("`{text}` is longer than a year"))?;
        rest = &rest[digits + 1..];
    }
    if seconds == 0 {
        return Err(format!("`{text}` is zero; expected a positive duration"));
    }
    Ok(TimeDelta::seconds(seconds))
}

/// Formats a duration the way [`parse_duration`] reads it.
pub fn format_duration(duration: TimeDelta) -> String {
    let total = duration.num_seconds();
    let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60);
    let mut out = String::new();
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    if seconds > 0 || out.is_empty() {
        out.push_str(&format!("{seconds}s"));
    }
    out
}

/// Parses an IANA time zone name such as `Asia/Shanghai`.
pub fn parse_time_zone(text: &str) -> Result<Tz, String> {
    text.trim().parse::<Tz>().map_err(|_| {
        format!("`{text}` is not an IANA time zone name; expected e.g. `Asia/Shanghai` or `Europe/London`")
    })
}

/// Parses an instant: RFC 3339 with an offset (`2025-05-06T08:00:00Z`,
/// `2025-05-06T16:00:00+08:00`) or a local time in `tz` without offset
/// (`2025-05-06T16:00`, seconds optional). A local time that does not exist
/// in `tz` (skipped by a daylight-saving change) or exists twice (repeated)
/// is an error that says so.
/// A time with an offset: RFC 3339, or as people and spreadsheets also
/// write it, without seconds (`2026-03-08T02:30-05:00`) or with a space for
/// the `T`.
fn parse_with_offset(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc));
    }
    let text = match text.strip_suffix(['Z', 'z']) {
        Some(utc) => format!("{utc}+00:00"),
        None => text.to_string(),
    };
    [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%d %H:%M:%S%:z",
    ]
    .iter()
    .find_map(|format| DateTime::parse_from_str(&text, format).ok())
    .map(|instant| instant.with_timezone(&Utc))
}

pub fn parse_instant(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Some(instant) = parse_with_offset(text) {
        return Ok(instant);
    }
    // Spreadsheets write dates with `/` (Chinese Excel: 2026/3/9 10:15).
    let naive = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ]
    .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            format!("`{text}` is not a time; expected RFC 3339 with an offset such as `2025-05-06T08:00:00Z` or a local time such as `2025-05-06T16:00`")
        })?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(local) => Ok(local.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => Err(format!(
            "`{text}` is ambiguous in {tz}: the clocks show it twice, at {} and at {}; give an offset to say which",
            first.to_rfc3339(),
            second.to_rfc3339()
        )),
        LocalResult::None => Err(format!(
            "`{text}` does not exist in {tz}: the clocks skip it at a daylight-saving change; give an offset or a valid local time"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_and_print() {
        let w: ClockWindow = "08:30-17:30".parse().unwrap();
        assert_eq!((w.start_minute(), w.end_minute()), (510, 1050));
        assert_eq!(w.to_string(), "08:30-17:30");
        assert_eq!(w.hours(), 9.0);
        let all: ClockWindow = "00:00-24:00".parse().unwrap();
        assert_eq!(all, ClockWindow::ALL_DAY);
        for bad in [
            "",
            "8-17",
            "08:00",
            "09:00-09:00",
            "08:60-09:00",
            "00:00-24:01",
            "8:00-17:00",
        ] {
            assert!(bad.parse::<ClockWindow>().is_err(), "{bad}");
        }
    }

    #[test]
    fn overnight_windows_cross_midnight() {
        let night: ClockWindow = "20:00-08:00".parse().unwrap();
        assert!(night.crosses_midnight());
        assert_eq!((night.start_minute(), night.end_minute()), (1200, 480));
        assert_eq!(night.hours(), 12.0);
        assert_eq!(night.to_string(), "20:00-08:00");
        let late: ClockWindow = "17:00-08:00".parse().unwrap();
        assert_eq!(late.hours(), 15.0);
        // An end at midnight is the end of the day, not an overnight window.
        let evening: ClockWindow = "20:00-00:00".parse().unwrap();
        assert!(!evening.crosses_midnight());
        assert_eq!(evening, "20:00-24:00".parse().unwrap());
        assert!(
            !"08:30-17:30"
                .parse::<ClockWindow>()
                .unwrap()
                .crosses_midnight()
        );
        // The same start and end is ambiguous (nothing or a whole day): an error naming the fix.
        for same in [
            "08:00-08:00",
            "00:00-00:00",
            "00:00-24:00x",
            "24:00-24:00",
            "24:00-08:00",
        ] {
            assert!(same.parse::<ClockWindow>().is_err(), "{same}");
        }
        let message = "08:00-08:00".parse::<ClockWindow>().unwrap_err();
        assert!(message.contains("00:00-24:00"), "{message}");
    }

    #[test]
    fn weekday_sets() {
        let s: WeekdaySet = "mon-fri".parse().unwrap();
        assert_eq!(s, WeekdaySet::MON_FRI);
        assert!(!s.contains(Weekday::Sat));
        let s: WeekdaySet = "mon-sat".parse().unwrap();
        assert!(s.contains(Weekday::Sat) && !s.contains(Weekday::Sun));
        let s: WeekdaySet = "mon,wed;fri".parse().unwrap();
        assert_eq!(s.to_string(), "mon,wed,fri");
        assert_eq!("mon-sun".parse::<WeekdaySet>().unwrap(), WeekdaySet::ALL);
        assert_eq!(WeekdaySet::ALL.to_string(), "mon-sun");
        for bad in ["", "fri-mon", "monday", "mon-", "mon,,fri"] {
            assert!(bad.parse::<WeekdaySet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("4h").unwrap(), TimeDelta::hours(4));
        assert_eq!(parse_duration("30m").unwrap(), TimeDelta::minutes(30));
        assert_eq!(parse_duration("1h30m").unwrap(), TimeDelta::minutes(90));
        assert_eq!(parse_duration("60s").unwrap(), TimeDelta::seconds(60));
        assert_eq!(format_duration(TimeDelta::minutes(90)), "1h30m");
        for bad in [
            "",
            "4",
            "h",
            "4x",
            "30m1h",
            "4h4h",
            "0m",
            "-4h",
            "1.5h",
            "99999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants_with_offset_or_local() {
        let ny = chrono_tz::America::New_York;
        let utc = parse_instant("2025-05-06T08:00:00Z", ny).unwrap();
        assert_eq!(utc.to_rfc3339(), "2025-05-06T08:00:00+00:00");
        let local = parse_instant("2025-05-06T16:00", chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(local.to_rfc3339(), "2025-05-06T08:00:00+00:00");
        let gap = parse_instant("2025-03-09T02:30", ny).unwrap_err();
        assert!(gap.contains("does not exist"), "{gap}");
        let fold = parse_instant("2025-11-02T01:30", ny).unwrap_err();
        assert!(fold.contains("ambiguous"), "{fold}");
        for minutes_only in [
            "2026-03-08T02:30-05:00",
            "2026-03-08 02:30-05:00",
            "2026-03-08 02:30:00-05:00",
            "2026-03-08T07:30Z",
        ] {
            let instant = parse_instant(minutes_only, ny).unwrap();
            assert_eq!(instant.to_rfc3339(), "2026-03-08T07:30:00+00:00");
        }
        let shanghai = chrono_tz::Asia::Shanghai;
        for excel in ["2026/3/9 10:15", "2026/03/09 10:15:00"] {
            let instant = parse_instant(excel, shanghai).unwrap();
            assert_eq!(instant.to_rfc3339(), "2026-03-09T02:15:00+00:00");
        }
        assert!(parse_instant("2025-13-01T00:00", ny).is_err());
        assert!(parse_instant("yesterday", ny).is_err());
    }

    #[test]
    fn time_zones() {
        assert_eq!(
            parse_time_zone("Asia/Shanghai").unwrap(),
            chrono_tz::Asia::Shanghai
        );
        assert!(parse_time_zone("Asia/Beijing").is_err());
    }
}
