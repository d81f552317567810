//! Engineers' breaks (engineers.csv `break`) as absolute windows: on each
//! duty block, the break window of every local day the block touches, in
//! the shift's zone, clipped to the block, where the break still fits.
//! `dispatch` gives them to the engine; the checker recomputes them from its
//! own reading of the shifts.

use super::engine::model::Rest;
use crate::calendar::{Seconds, local_instant};
use crate::scenario::BreakRule;
use chrono::{DateTime, NaiveDate, NaiveTime};
use chrono_tz::Tz;

/// The breaks owed in duty blocks `blocks` (`[start, end)`, in time order)
/// of an engineer with `rule` whose shift is read in `tz`, in time order.
pub fn rests_of(
    rule: &BreakRule,
    tz: Tz,
    blocks: impl IntoIterator<Item = (Seconds, Seconds)>,
) -> Vec<Rest> {
    let length = Seconds::from(rule.minutes) * 60;
    let mut rests: Vec<Rest> = Vec::new();
    for (start, end) in blocks {
        let (Some(first), Some(last)) = (local_date(start, tz), local_date(end - 1, tz)) else {
            continue;
        };
        for day in first.iter_days().take_while(|d| *d <= last) {
            let open = at_minute(day, rule.window.start_minute(), tz).max(start);
            let close = at_minute(day, rule.window.end_minute(), tz).min(end);
            // Two blocks may share one day's window: the break is owed once.
            let overlaps = rests.last().is_some_and(|r| open < r.close);
            if close - open >= length && !overlaps {
                rests.push(Rest {
                    open,
                    close,
                    length,
                });
            }
        }
    }
    rests
}

fn local_date(instant: Seconds, tz: Tz) -> Option<NaiveDate> {
    DateTime::from_timestamp(instant, 0).map(|t| t.with_timezone(&tz).date_naive())
}

/// The instant of `minute` after local midnight of `day` (1440: the next midnight).
fn at_minute(day: NaiveDate, minute: u32, tz: Tz) -> Seconds {
    let midnight = day.and_time(NaiveTime::MIN);
    local_instant(tz, midnight + chrono::TimeDelta::minutes(i64::from(minute)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> Seconds {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp()
    }

    #[test]
    fn a_lunch_break_on_each_day_clipped_to_the_shift() {
        let rule: BreakRule = "12:00-14:00/45m".parse().unwrap();
        let tz: Tz = "Europe/London".parse().unwrap();
        let day = |d: u32, h: u32| instant(&format!("2026-06-{d:02}T{h:02}:00:00+01:00"));
        // A day shift, then one that starts at 13:00: its window is 13:00-14:00.
        let rests = rests_of(
            &rule,
            tz,
            [(day(1, 8), day(1, 17)), (day(2, 13), day(2, 22))],
        );
        assert_eq!(
            rests,
            [
                Rest {
                    open: day(1, 12),
                    close: day(1, 14),
                    length: 2700
                },
                Rest {
                    open: day(2, 13),
                    close: day(2, 14),
                    length: 2700
                }
            ]
        );
        // A shift starting at 13:30 leaves no room for the break: none owed.
        let late = (day(3, 13) + 1800, day(3, 22));
        assert!(rests_of(&rule, tz, [late]).is_empty());
    }
}
