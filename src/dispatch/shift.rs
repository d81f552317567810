//! Engineer shifts as the engine's duty blocks: a shift rule's working
//! windows over the horizon, from the calendar. Adjacent windows (a 24x7
//! shift's midnight boundaries) merge into one block so a job may run
//! across midnight when the engineer is on duty on both sides.

use super::DispatchError;
use super::engine::model::DutyBlocks;
use crate::calendar::{BusinessRule, BusinessTimeline, CalendarError, Seconds};
use crate::scenario::scenario_years;
use crate::scenario::{Scenario, Shift};
use std::ops::RangeInclusive;

/// The merged working windows of `shift` overlapping `[from, to)`.
pub fn duty_blocks(
    shift: &Shift,
    years: RangeInclusive<i32>,
    from: Seconds,
    to: Seconds,
) -> Result<DutyBlocks, CalendarError> {
    let rule = BusinessRule {
        window: shift.window,
        days: shift.days,
        calendar: shift.calendar.clone(),
        tz: shift.tz,
    };
    let timeline = BusinessTimeline::new(rule, years)?;
    Ok(DutyBlocks::new(
        timeline
            .windows_between(from, to)
            .map(|(_, start, end)| (start, end)),
    ))
}

/// One [`DutyBlocks`] per distinct shift rule, and each engineer's index into them.
pub fn shift_blocks(
    scenario: &Scenario,
    from: Seconds,
    to: Seconds,
) -> Result<(Vec<usize>, Vec<DutyBlocks>), DispatchError> {
    let years = scenario_years(scenario);
    let mut rules: Vec<&Shift> = Vec::new();
    let mut blocks = Vec::new();
    let mut shift_of = Vec::with_capacity(scenario.engineers.len());
    for engineer in &scenario.engineers {
        let index = match rules.iter().position(|r| **r == engineer.shift) {
            Some(index) => index,
            None => {
                blocks.push(
                    duty_blocks(&engineer.shift, years.clone(), from, to)
                        .map_err(DispatchError::Calendar)?,
                );
                rules.push(&engineer.shift);
                rules.len() - 1
            }
        };
        shift_of.push(index);
    }
    Ok((shift_of, blocks))
}
