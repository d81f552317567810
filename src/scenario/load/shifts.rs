//! `shifts.csv`: the rota patterns the planner may staff at any open depot.
//! A pattern's window, days and calendar are written as in engineers.csv and
//! read by the same parsers; `24x7` repeats nothing else, as in tiers.csv.

use super::Loader;
use super::coverage::{missing_years, years_of};
use super::network::{engineer_break, read_unique, resolve_calendar};
use super::tier_and_engineer::says_around_the_clock;
use crate::calendar::{ClockWindow, WeekdaySet};
use crate::diagnostic::{Code, Diagnostic};
use crate::scenario::model::ShiftPattern;
use crate::scenario::ranges;
use crate::scenario::table::{Cells, Columns, Table};
use chrono::NaiveDate;

/// The optional file of rota patterns in a scenario folder.
pub const SHIFTS_FILE: &str = "shifts.csv";

pub const SHIFT_PATTERN_COLUMNS: Columns = Columns {
    required: &["id", "window", "days", "calendar", "cost_per_year"],
    optional: &["break"],
};

/// The word for a shift around the clock in engineers.csv and shifts.csv.
pub const AROUND_THE_CLOCK: &str = "24x7";

/// A shift column as engineers.csv writes it: a daily window `HH:MM-HH:MM`
/// (across midnight when the end is earlier) or `24x7`. The flag says the
/// text was `24x7`, which changes the defaults of the other columns.
pub fn shift_window(cells: &mut Cells<'_>, column: &str) -> Option<(ClockWindow, bool)> {
    let text = cells.text(column)?;
    if text == AROUND_THE_CLOCK {
        return Some((ClockWindow::ALL_DAY, true));
    }
    match text.parse::<ClockWindow>() {
        Ok(window) => Some((window, false)),
        Err(message) => {
            cells.error(
                column,
                Code::E1017BadTimeWindow,
                format!("{message}, or `{AROUND_THE_CLOCK}`"),
                "",
            );
            None
        }
    }
}

/// Reads the rota patterns; ids are unique. A `24x7` pattern's `days` and
/// `calendar` may only be empty or repeat `mon-sun` and `none`.
pub fn read_shift_patterns(loader: &mut Loader, table: &Table) -> Vec<ShiftPattern> {
    read_unique(
        loader,
        table,
        |p: &ShiftPattern| &p.id,
        |cells, loader| {
            let id = cells.text("id");
            let shift = shift_window(cells, "window");
            let around_the_clock = matches!(shift, Some((_, true)));
            if around_the_clock {
                reject_contradictions(cells);
            }
            let default_days = if around_the_clock {
                WeekdaySet::ALL
            } else {
                WeekdaySet::MON_FRI
            };
            let days = cells.parse_or("days", default_days, Code::E1020BadWeekdays, |t| t.parse());
            // As for engineers: no calendar means `none`.
            let spec = cells
                .optional_text("calendar")
                .unwrap_or("none")
                .to_string();
            let calendar = resolve_calendar(cells, loader, "calendar", &spec);
            let cost_per_year = cells.bounded("cost_per_year", ranges::MONEY);
            let break_rule = engineer_break(cells);
            Some(ShiftPattern {
                id: id?.to_string(),
                window: shift?.0,
                days: days?,
                calendar: calendar?,
                cost_per_year: cost_per_year?,
                break_rule: break_rule?,
            })
        },
    )
}

/// A `24x7` pattern runs every hour of every day: `days` or `calendar`
/// saying otherwise is a contradiction (E1032), as for a 24x7 tier.
fn reject_contradictions(cells: &mut Cells<'_>) {
    for column in ["days", "calendar"] {
        if let Some(value) = cells
            .optional_text(column)
            .filter(|value| !says_around_the_clock(column, value))
        {
            cells.error(
                column,
                Code::E1032Inconsistent,
                format!("a 24x7 pattern runs around the clock, but `{column}` is `{value}`"),
                format!(
                    "leave `{column}` empty (or write `{}`) for 24x7 patterns, or give the pattern a window such as 08:00-18:00",
                    if column == "days" { "mon-sun" } else { "none" }
                ),
            );
        }
    }
}

/// Each pattern's calendar must cover the planning horizon: a position
/// staffed by it would otherwise be off duty for the missing years.
pub fn check_pattern_horizon(
    loader: &mut Loader,
    table: &Table,
    patterns: &[ShiftPattern],
    start: NaiveDate,
    horizon_days: u32,
) {
    let end = start + chrono::Days::new(u64::from(horizon_days));
    let years = years_of(start, end);
    for pattern in patterns {
        let missing = missing_years(&pattern.calendar, years.clone());
        let (Some(first), Some(last)) = (missing.first(), missing.last()) else {
            continue;
        };
        let missing = if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        };
        let calendar = &pattern.calendar;
        let mut diagnostic = Diagnostic::file(
            Code::E1040CalendarYearNotCovered,
            table.path(),
            format!(
                "shift pattern `{}` works by calendar {calendar}, which has no data for {missing}, a year of the planning horizon ({horizon_days} days from start_date {start})",
                pattern.id
            ),
            format!(
                "add {missing}'s holidays and make-up working days to calendar {} (a calendars/{}.csv in the scenario folder overrides a bundled one), or use calendar `none`",
                calendar.name(),
                calendar.name()
            ),
        )
        .in_column("calendar");
        if let Some(line) = table.line_of("id", &pattern.id) {
            diagnostic = diagnostic.at(line, table.column_number("calendar"));
        }
        loader.diagnostics.push(diagnostic);
    }
}
