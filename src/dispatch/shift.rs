//! Engineer shifts as merged blocks of working time. Adjacent windows (a
//! 24x7 shift's midnight boundaries) merge into one block so a job may run
//! across midnight when the engineer is on duty on both sides.

use crate::calendar::{BusinessRule, BusinessTimeline, CalendarError, Seconds};
use crate::scenario::Shift;
use std::ops::RangeInclusive;

/// A span of continuous duty, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: Seconds,
    pub end: Seconds,
}

/// The duty blocks of one shift rule over the dispatch horizon.
#[derive(Clone, Debug)]
pub struct ShiftBlocks {
    blocks: Vec<Block>,
}

impl ShiftBlocks {
    /// The merged working windows of `shift` overlapping `[from, to)`.
    pub fn build(
        shift: &Shift,
        years: RangeInclusive<i32>,
        from: Seconds,
        to: Seconds,
    ) -> Result<Self, CalendarError> {
        let rule = BusinessRule {
            window: shift.window,
            days: shift.days,
            calendar: shift.calendar.clone(),
            tz: shift.tz,
        };
        let timeline = BusinessTimeline::new(rule, years)?;
        let mut blocks: Vec<Block> = Vec::new();
        for (_, start, end) in timeline.windows_between(from, to) {
            match blocks.last_mut() {
                Some(last) if start <= last.end => last.end = last.end.max(end),
                _ if end > start => blocks.push(Block { start, end }),
                _ => {}
            }
        }
        Ok(ShiftBlocks { blocks })
    }

    /// The blocks ending after `instant`, in order: the one the engineer is
    /// on duty in at `instant` (if any) first.
    pub fn from(&self, instant: Seconds) -> &[Block] {
        let first = self.blocks.partition_point(|b| b.end <= instant);
        &self.blocks[first..]
    }

    /// The block containing `instant`, if on duty.
    pub fn containing(&self, instant: Seconds) -> Option<Block> {
        self.from(instant)
            .first()
            .copied()
            .filter(|b| b.start <= instant)
    }
}
