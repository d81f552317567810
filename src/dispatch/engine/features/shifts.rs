//! Shifts: a vehicle with duty blocks departs for a job while on duty and
//! finishes it before the block ends; otherwise the job waits for the next
//! block. Adjacent working windows are merged by whoever builds the blocks
//! (a 24x7 engineer works across midnight).

use super::super::model::{NEVER, Time};

/// Duty blocks tried for one job before giving up.
pub const MAX_BLOCKS: usize = 16;

/// A span of continuous duty, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: Time,
    pub end: Time,
}

/// Always on duty.
pub const ALWAYS: Block = Block {
    start: Time::MIN / 4,
    end: NEVER,
};

/// The duty blocks of one shift over the horizon, ascending and disjoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DutyBlocks {
    blocks: Vec<Block>,
}

impl DutyBlocks {
    /// Blocks from spans in time order; overlapping or touching spans merge.
    pub fn new(spans: impl IntoIterator<Item = (Time, Time)>) -> DutyBlocks {
        let mut blocks: Vec<Block> = Vec::new();
        for (start, end) in spans {
            match blocks.last_mut() {
                Some(last) if start <= last.end => last.end = last.end.max(end),
                _ if end > start => blocks.push(Block { start, end }),
                _ => {}
            }
        }
        DutyBlocks { blocks }
    }

    /// The blocks ending after `instant`, in order: the one on duty at
    /// `instant` (if any) first.
    pub fn from(&self, instant: Time) -> &[Block] {
        let first = self.blocks.partition_point(|b| b.end <= instant);
        &self.blocks[first..]
    }

    /// The block containing `instant`, if on duty.
    pub fn containing(&self, instant: Time) -> Option<Block> {
        self.from(instant)
            .first()
            .copied()
            .filter(|b| b.start <= instant)
    }

    /// All blocks.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_finds() {
        let d = DutyBlocks::new([(0, 10), (10, 20), (30, 40)]);
        assert_eq!(d.blocks().len(), 2);
        assert_eq!(d.containing(15), Some(Block { start: 0, end: 20 }));
        assert_eq!(d.containing(25), None);
        assert_eq!(d.from(25)[0].start, 30);
        assert!(d.from(40).is_empty());
    }
}
