//! The one validator of tiers and engineers, wherever they are written: a
//! row of `tiers.csv` or `engineers.csv`, or a `[[tier]]`, `[[new_tier]]` or
//! `[[new_engineer]]` table of `overlay.toml`. Each file format reads its
//! own fields through [`Fields`] and reports at its own places (a cell; a
//! key, or the table's `id` when the key is absent); the rules and their
//! messages are these, once.

use crate::calendar::{
    ClockWindow, HolidayCalendar, WeekdaySet, parse_clock, parse_duration, parse_time_zone,
};
use crate::diagnostic::Code;
use crate::scenario::model::{BusinessHours, Coverage, Response, Shift, Tier};
use crate::scenario::ranges::{self, Bounds};
use chrono_tz::Tz;
use std::sync::Arc;

/// The fields of one tier or engineer, as a file format holds them.
pub(crate) trait Fields {
    /// The text of `key`; `None` when it is absent (or an empty cell).
    fn text(&self, key: &str) -> Option<String>;
    /// The number of `key`: `None` when absent or empty, `Some(None)` when it
    /// is no finite number (reported).
    fn number(&mut self, key: &str) -> Option<Option<f64>>;
    /// Reports a problem with `key` (at the record when `key` is absent).
    fn report(&mut self, key: &str, code: Code, message: String, action: String);
    /// The calendar `spec` of `key` names, or `None` after a reported problem.
    fn calendar(&mut self, key: &str, spec: &str) -> Option<Arc<HolidayCalendar>>;
    /// `value` for `key` as the file writes it: `08:00-18:00` in a CSV cell,
    /// `window = "08:00-18:00"` in overlay.toml.
    fn example(&self, key: &str, value: &str) -> String;
    /// How to leave `key` unset: an empty cell, or no key.
    fn leave_unset(&self, key: &str) -> String;
}

/// A tier from `fields`: a whole tier when `base` is `None` (a row of
/// tiers.csv, a `[[new_tier]]`), else `base` with the fields given changed
/// (a `[[tier]]` edit). `None` after reporting a problem that leaves no
/// tier; callers drop the record on any reported problem.
pub(crate) fn tier(fields: &mut impl Fields, id: &str, base: Option<&Tier>) -> Option<Tier> {
    if base.is_none() {
        for (key, example) in [
            ("coverage", "24x7"),
            ("response", "4h"),
            ("target", "0.99"),
            ("penalty", "20000"),
        ] {
            if fields.text(key).is_none() {
                let example = fields.example(key, example);
                fields.report(
                    key,
                    Code::E1010EmptyValue,
                    format!("tier `{id}` has no `{key}`"),
                    format!("give every tier a `{key}`, e.g. {example}"),
                );
            }
        }
    }
    let coverage = coverage(fields, id, base);
    let response = response(fields, base, coverage.as_ref());
    let target = bounded(
        fields,
        "target",
        ranges::SHARE,
        "the target is the share of failures to meet in time, e.g. 0.99",
    )
    .or_else(|| Some(base.map(|t| t.target)))
    .flatten();
    let penalty = bounded(
        fields,
        "penalty",
        ranges::MONEY,
        "the penalty of one breach is an amount of money, e.g. 20000",
    )
    .or_else(|| Some(base.map(|t| t.penalty)))
    .flatten();
    Some(Tier {
        id: id.to_string(),
        coverage: coverage?,
        response: response?,
        target: target?,
        penalty: penalty?,
    })
}

/// A number of `key` within `bounds`: `None` when absent, `Some(None)` after
/// a reported problem. Below a lower end of zero is out of the domain
/// (E1013), anything else outside out of the range (E1014).
fn bounded(
    fields: &mut impl Fields,
    key: &str,
    bounds: Bounds,
    meaning: &str,
) -> Option<Option<f64>> {
    let value = fields.number(key)?;
    let value = value?;
    if bounds.contains(value) {
        return Some(Some(value));
    }
    let code = if bounds.low == 0.0 && value < 0.0 {
        Code::E1013OutOfDomain
    } else {
        Code::E1014OutOfRange
    };
    fields.report(
        key,
        code,
        format!("`{key}` = {value} is outside {bounds}"),
        meaning.to_string(),
    );
    Some(None)
}

fn coverage(fields: &mut impl Fields, id: &str, base: Option<&Tier>) -> Option<Coverage> {
    let all_hours = match fields.text("coverage") {
        Some(text) => match text.as_str() {
            "24x7" => true,
            "business" => false,
            other => {
                let (all_hours, business) = (
                    fields.example("coverage", "24x7"),
                    fields.example("coverage", "business"),
                );
                fields.report(
                    "coverage",
                    Code::E1015UnknownKeyword,
                    format!("`{other}` is not one of: 24x7, business"),
                    format!("write {all_hours} or {business}"),
                );
                return None;
            }
        },
        None => base?.coverage == Coverage::AllHours,
    };
    if all_hours {
        for key in ["window", "days", "calendar"] {
            if let Some(value) = fields
                .text(key)
                .filter(|value| !says_around_the_clock(key, value))
            {
                let unset = fields.leave_unset(key);
                fields.report(
                    key,
                    Code::E1032Inconsistent,
                    format!("a 24x7 tier runs around the clock, but `{key}` is `{value}`"),
                    format!("{unset} for 24x7 tiers, or make the tier `business`"),
                );
            }
        }
        return Some(Coverage::AllHours);
    }
    let base_hours = base.and_then(|t| match &t.coverage {
        Coverage::Business(hours) => Some(hours.clone()),
        Coverage::AllHours => None,
    });
    let window = match fields.text("window") {
        Some(text) => window(
            fields,
            "window",
            &text,
            "write the daily window as HH:MM-HH:MM",
        ),
        None => match &base_hours {
            Some(hours) => Some(hours.window),
            None => {
                let example = fields.example("window", "08:00-18:00");
                fields.report(
                    "window",
                    Code::E1010EmptyValue,
                    format!("business tier `{id}` has no `window`"),
                    format!("give a business tier its daily window, e.g. {example}"),
                );
                None
            }
        },
    };
    let days = match fields.text("days") {
        Some(text) => weekdays(fields, &text),
        None => Some(base_hours.as_ref().map_or(WeekdaySet::MON_FRI, |h| h.days)),
    };
    let calendar = match fields.text("calendar") {
        Some(spec) => fields.calendar("calendar", &spec),
        None => Some(
            base_hours
                .as_ref()
                .map_or_else(|| Arc::new(HolidayCalendar::none()), |h| h.calendar.clone()),
        ),
    };
    Some(Coverage::Business(BusinessHours {
        window: window?,
        days: days?,
        calendar: calendar?,
    }))
}

/// A daily window `HH:MM-HH:MM`, reported at `key` when it is not one.
fn window(fields: &mut impl Fields, key: &str, text: &str, action: &str) -> Option<ClockWindow> {
    match text.parse::<ClockWindow>() {
        Ok(window) => Some(window),
        Err(message) => {
            let example = fields.example(key, "08:00-18:00");
            fields.report(
                key,
                Code::E1017BadTimeWindow,
                message,
                format!("{action}, e.g. {example}"),
            );
            None
        }
    }
}

fn weekdays(fields: &mut impl Fields, text: &str) -> Option<WeekdaySet> {
    match text.parse::<WeekdaySet>() {
        Ok(days) => Some(days),
        Err(message) => {
            let example = fields.example("days", "mon-fri");
            fields.report(
                "days",
                Code::E1020BadWeekdays,
                message,
                format!("write weekdays such as {example}, mon-sun or mon,wed,fri"),
            );
            None
        }
    }
}

fn response(
    fields: &mut impl Fields,
    base: Option<&Tier>,
    coverage: Option<&Coverage>,
) -> Option<Response> {
    let cutoff_text = fields.text("cutoff");
    let cutoff = match &cutoff_text {
        Some(text) => match parse_clock(text) {
            Some(minute) => Some(Some(minute)),
            None => {
                let example = fields.example("cutoff", "16:00");
                fields.report(
                    "cutoff",
                    Code::E1017BadTimeWindow,
                    format!("`{text}` is not a time of day HH:MM"),
                    format!("write the cut-off as HH:MM, e.g. {example}"),
                );
                None
            }
        },
        None => Some(match base.map(|t| t.response) {
            Some(Response::NextBusinessDay { cutoff_minute }) => cutoff_minute,
            _ => None,
        }),
    };
    let duration = match fields.text("response") {
        Some(text) if text == "nbd" => None,
        Some(text) => match parse_duration(&text) {
            Ok(duration) => Some(duration),
            Err(message) => {
                let example = fields.example("response", "4h");
                fields.report(
                    "response",
                    Code::E1018BadDuration,
                    format!("{message}, or `nbd` for next business day"),
                    format!("write a duration such as {example} or 1h30m, or nbd"),
                );
                return None;
            }
        },
        None => match base?.response {
            Response::NextBusinessDay { .. } => None,
            Response::Within(duration) => Some(duration),
        },
    };
    let Some(duration) = duration else {
        if coverage == Some(&Coverage::AllHours) {
            let key = if fields.text("response").is_some() {
                "response"
            } else {
                "coverage"
            };
            let example = fields.example("response", "4h");
            fields.report(
                key,
                Code::E1032Inconsistent,
                "`nbd` needs business days, but the tier is 24x7".to_string(),
                format!("give 24x7 tiers a duration, e.g. {example}"),
            );
            return None;
        }
        return Some(Response::NextBusinessDay {
            cutoff_minute: cutoff?,
        });
    };
    // A cut-off that is no time of day is reported as such already.
    if cutoff_text.is_some() && cutoff.is_some() {
        let unset = fields.leave_unset("cutoff");
        fields.report(
            "cutoff",
            Code::E1032Inconsistent,
            "a cut-off only applies to `nbd` responses".to_string(),
            format!("{unset} for tiers with a duration, or make the response nbd"),
        );
    }
    Some(Response::Within(duration))
}

/// An engineer's skills and shift from `fields` (`skills`, `shift`, `days`,
/// `calendar`, `tz`). Without `tz` the shift takes `base_zone`, the zone of
/// the engineer's base depot, which the caller reports when it has none.
pub(crate) fn engineer_shift<F: Fields>(
    fields: &mut F,
    base_zone: impl FnOnce(&mut F) -> Option<Tz>,
) -> Option<(Vec<String>, Shift)> {
    let skills = skills(fields);
    let shift_text = fields.text("shift");
    let around_the_clock = shift_text.as_deref() == Some("24x7");
    let window = match &shift_text {
        None => {
            let example = fields.example("shift", "08:00-18:00");
            fields.report(
                "shift",
                Code::E1010EmptyValue,
                "the engineer has no `shift`".to_string(),
                format!("give the engineer's daily shift, e.g. {example}, or 24x7"),
            );
            None
        }
        Some(_) if around_the_clock => Some(ClockWindow::ALL_DAY),
        Some(text) => shift_window(fields, text),
    };
    let days = match fields.text("days") {
        Some(text) => weekdays(fields, &text),
        None if around_the_clock => Some(WeekdaySet::ALL),
        None => Some(WeekdaySet::MON_FRI),
    };
    let calendar = match fields.text("calendar") {
        Some(spec) => fields.calendar("calendar", &spec),
        None => Some(Arc::new(HolidayCalendar::none())),
    };
    let tz = match fields.text("tz") {
        Some(text) => match parse_time_zone(&text) {
            Ok(tz) => Some(tz),
            Err(message) => {
                let example = fields.example("tz", "Asia/Shanghai");
                fields.report(
                    "tz",
                    Code::E1016UnknownTimeZone,
                    message,
                    format!("write an IANA zone name, e.g. {example}"),
                );
                None
            }
        },
        None => base_zone(fields),
    };
    Some((
        skills?,
        Shift {
            window: window?,
            days: days?,
            calendar: calendar?,
            tz: tz?,
        },
    ))
}

/// `;`-separated skills, at least one.
fn skills(fields: &mut impl Fields) -> Option<Vec<String>> {
    let skills: Vec<String> = fields
        .text("skills")
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if skills.is_empty() {
        let example = fields.example("skills", "net;opt");
        fields.report(
            "skills",
            Code::E1010EmptyValue,
            "no skill given".to_string(),
            format!("list the engineer's skills separated by `;`, e.g. {example}"),
        );
        return None;
    }
    Some(skills)
}

fn shift_window(fields: &mut impl Fields, text: &str) -> Option<ClockWindow> {
    match text.parse::<ClockWindow>() {
        Ok(window) => Some(window),
        Err(message) => {
            let example = fields.example("shift", "08:00-18:00");
            fields.report(
                "shift",
                Code::E1017BadTimeWindow,
                format!("{message}, or `24x7`"),
                format!("write the shift as HH:MM-HH:MM, e.g. {example}, or 24x7"),
            );
            None
        }
    }
}

/// Whether a 24x7 tier's `window`, `days` or `calendar` only repeats what
/// 24x7 means (`00:00-24:00`, `mon-sun`, `none`), as a 24x7 engineer's may.
pub fn says_around_the_clock(column: &str, value: &str) -> bool {
    match column {
        "window" => value.parse::<ClockWindow>() == Ok(ClockWindow::ALL_DAY),
        "days" => value.parse::<WeekdaySet>() == Ok(WeekdaySet::ALL),
        "calendar" => value.eq_ignore_ascii_case("none"),
        _ => false,
    }
}
