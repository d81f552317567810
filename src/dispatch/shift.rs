//! The engineers of a scenario as the engine's duty blocks (the rule that
//! turns one shift into blocks lives in [`crate::people`]).

use super::engine::model::DutyBlocks;
use crate::calendar::{CalendarError, Seconds};
pub use crate::people::duty_blocks;
use crate::scenario::scenario_years;
use crate::scenario::{Scenario, Shift};

/// One [`DutyBlocks`] per distinct shift rule over `[from, to)`, and each
/// engineer's index into them (`dispatch` and `simulate` alike).
pub fn shift_blocks(
    scenario: &Scenario,
    from: Seconds,
    to: Seconds,
) -> Result<(Vec<usize>, Vec<DutyBlocks>), CalendarError> {
    let years = scenario_years(scenario);
    blocks_per_rule(scenario, |shift| {
        duty_blocks(shift, years.clone(), from, to)
    })
}

/// Each distinct shift rule's blocks, made once by `blocks_of`, and each
/// engineer's index into them.
fn blocks_per_rule(
    scenario: &Scenario,
    mut blocks_of: impl FnMut(&Shift) -> Result<DutyBlocks, CalendarError>,
) -> Result<(Vec<usize>, Vec<DutyBlocks>), CalendarError> {
    let mut rules: Vec<&Shift> = Vec::new();
    let mut blocks = Vec::new();
    let mut shift_of = Vec::with_capacity(scenario.engineers.len());
    for engineer in &scenario.engineers {
        let index = match rules.iter().position(|r| **r == engineer.shift) {
            Some(index) => index,
            None => {
                blocks.push(blocks_of(&engineer.shift)?);
                rules.push(&engineer.shift);
                rules.len() - 1
            }
        };
        shift_of.push(index);
    }
    Ok((shift_of, blocks))
}

/// The local midnights that bound `days` planned days in `tz`, from the one
/// starting the day of `start` on: `days + 1` instants, ascending. A
/// midnight skipped by a clock change counts from the first instant after.
pub fn day_bounds(tz: chrono_tz::Tz, start: Seconds, days: u32) -> Vec<Seconds> {
    use chrono::{Duration, NaiveTime, TimeZone};
    let Some(first) = chrono::DateTime::from_timestamp(start, 0) else {
        return (0..=i64::from(days)).map(|d| start + d * 86_400).collect();
    };
    let date = first.with_timezone(&tz).date_naive();
    (0..=i64::from(days))
        .map(|d| {
            let midnight = (date + Duration::days(d)).and_time(NaiveTime::MIN);
            tz.from_local_datetime(&midnight)
                .earliest()
                .or_else(|| {
                    tz.from_local_datetime(&(midnight + Duration::hours(1)))
                        .earliest()
                })
                .map_or(start + d * 86_400, |t| t.timestamp())
        })
        .collect()
}

/// As [`shift_blocks`] from `from`, each rule's blocks cut at the end of
/// the `days` planned days from the day of `start` (local midnight in the
/// shift's zone); engineers go home between days
/// ([`crate::dispatch::engine::features::days`]).
pub fn planned_day_blocks(
    scenario: &Scenario,
    from: Seconds,
    start: Seconds,
    days: u32,
) -> Result<(Vec<usize>, Vec<DutyBlocks>), CalendarError> {
    let years = scenario_years(scenario);
    blocks_per_rule(scenario, |shift| {
        let end = *day_bounds(shift.tz, start, days).last().unwrap_or(&start);
        let whole = duty_blocks(shift, years.clone(), from, end)?;
        let cut: Vec<(Seconds, Seconds)> = whole
            .blocks()
            .iter()
            .filter(|b| b.start < end)
            .map(|b| (b.start, b.end.min(end)))
            .collect();
        Ok(DutyBlocks::new(cut))
    })
}
