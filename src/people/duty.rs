//! Engineer shifts as duty blocks: a shift rule's working windows over a
//! span of time, from its calendar. Adjacent windows (a 24x7 shift's
//! midnight boundaries) merge into one block so a job may run across
//! midnight when the engineer is on duty on both sides.

use crate::calendar::{BusinessRule, BusinessTimeline, CalendarError, Seconds};
use crate::scenario::Shift;
use sparesla_routing::model::DutyBlocks;
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
