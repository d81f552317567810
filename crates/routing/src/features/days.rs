//! Working days: a route that runs over several duty blocks (days) in
//! which the vehicle goes home between blocks, and pausable jobs whose
//! service continues across the end of a block into the next ones.
//!
//! Why the vehicle's route, and not one vehicle per engineer-day: a
//! pausable job spans days, so the two days of one engineer are coupled;
//! one route with an off-duty gap between blocks keeps the coupling inside
//! the timing of a single visit. The rule is simple and local: a vehicle
//! with a `home` leaves from home when its next departure falls in a duty
//! block that started after it became free (it went home in the gap), and
//! from its last job otherwise. A paused job's engineer goes home at the
//! end of the block too (not at the site overnight) and drives back at the
//! start of the next block before resuming; that drive is on duty and
//! costed as travel. Time off duty is neither work nor paid.

use super::super::model::{Block, Place, Time, Travel};

/// The drive back to a paused job: time and cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resume {
    pub drive: Time,
    pub cost: f64,
}

impl Resume {
    /// Resuming where the vehicle stays between blocks (no drive).
    pub const IN_PLACE: Resume = Resume {
        drive: 0,
        cost: 0.0,
    };

    /// The drive from `home` (where the vehicle spends the gap; `None`:
    /// it stays where it is) back to the job at `site`; `None` if
    /// unreachable.
    pub fn from_home<T: Travel + ?Sized>(
        travel: &T,
        home: Option<Place>,
        site: Place,
    ) -> Option<Resume> {
        match home {
            None => Some(Resume::IN_PLACE),
            Some(home) => Some(Resume {
                drive: travel.time(home, site)?,
                cost: travel.cost(home, site),
            }),
        }
    }
}

/// Where a paused service ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paused {
    pub finish: Time,
    /// End of the block the service finishes in.
    pub block_end: Time,
    /// Drive time and cost of every return to the job.
    pub drive: Time,
    pub cost: f64,
}

/// Service of `service` starting at `start`, inside the block ending at
/// `first_end`, continued in the `later` blocks, each resumed after the
/// drive back: where it finishes, or `None` when it does not end within
/// `max_blocks` blocks. A block too short for the drive back is skipped.
pub fn continue_service(
    start: Time,
    service: Time,
    first_end: Time,
    later: &[Block],
    resume: Resume,
    max_blocks: usize,
) -> Option<Paused> {
    let mut left = service - (first_end - start).max(0);
    let mut paused = Paused {
        finish: first_end,
        block_end: first_end,
        drive: 0,
        cost: 0.0,
    };
    for block in later.iter().take(max_blocks) {
        let resumed = block.start + resume.drive;
        if resumed >= block.end {
            continue;
        }
        paused.drive += resume.drive;
        paused.cost += resume.cost;
        let work = left.min(block.end - resumed);
        left -= work;
        if left == 0 {
            paused.finish = resumed + work;
            paused.block_end = block.end;
            return Some(paused);
        }
    }
    None
}

/// Whether a vehicle free at `free_at` spends the time before `block`
/// at home: the block started after it became free.
#[inline]
pub fn home_before(block: &Block, free_at: Time) -> bool {
    block.start > free_at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(spans: &[(Time, Time)]) -> Vec<Block> {
        spans
            .iter()
            .map(|&(start, end)| Block { start, end })
            .collect()
    }

    #[test]
    fn the_rest_of_a_repair_is_done_after_the_drive_back() {
        let later = blocks(&[(100, 200), (300, 400)]);
        let resume = Resume {
            drive: 10,
            cost: 1.5,
        };
        // 30 of 50 before the end at 60; 20 more from 110.
        let p = continue_service(30, 50, 60, &later, resume, 16).unwrap();
        assert_eq!((p.finish, p.block_end, p.drive), (130, 200, 10));
        assert_eq!(p.cost, 1.5);
        // 30 + 90 + 80: a third block.
        let p = continue_service(30, 200, 60, &later, resume, 16).unwrap();
        assert_eq!((p.finish, p.block_end, p.drive), (390, 400, 20));
        assert_eq!(continue_service(30, 300, 60, &later, resume, 16), None);
        assert_eq!(continue_service(30, 200, 60, &later, resume, 1), None);
    }

    #[test]
    fn a_block_shorter_than_the_drive_back_is_skipped() {
        let later = blocks(&[(100, 105), (300, 400)]);
        let resume = Resume {
            drive: 10,
            cost: 0.0,
        };
        let p = continue_service(50, 20, 60, &later, resume, 16).unwrap();
        assert_eq!((p.finish, p.drive), (320, 10));
    }

    #[test]
    fn home_only_when_the_block_started_after_the_vehicle_was_free() {
        let block = Block {
            start: 100,
            end: 200,
        };
        assert!(home_before(&block, 99));
        assert!(!home_before(&block, 100));
        assert!(!home_before(&block, 150));
    }
}
