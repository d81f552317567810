//! Origin: where a vehicle leaves from for its next job. In a route the
//! vehicle leaves from its last job (`schedule::State`). A vehicle taking
//! one job at a time may instead go home in between ([`GoesHome`]): it is
//! home at the start of a new duty block, and within a block once there was
//! time to drive home after its last job.

use super::super::model::{Block, NO_TIME, Place, Time, Travel};

/// Where and from when a vehicle is free, and where it leaves from.
pub trait Origin: Copy {
    /// When the vehicle is free.
    fn free_at(&self) -> Time;

    /// The place the vehicle leaves from when it leaves at `leave`, in duty
    /// block `block`.
    fn place<T: Travel + ?Sized>(&self, travel: &T, block: &Block, leave: Time) -> Place;
}

/// A vehicle that goes home between jobs when it can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoesHome {
    /// Where its last job was (home when it has none).
    pub last: Place,
    /// When its last job finished.
    pub free_at: Time,
    pub home: Place,
    /// End of the duty block its last job finished in.
    pub block_end: Time,
}

impl GoesHome {
    /// At home with no job behind it.
    pub fn idle(home: Place) -> GoesHome {
        GoesHome {
            last: home,
            free_at: NO_TIME,
            home,
            block_end: NO_TIME,
        }
    }

    /// After a job at `place` that finished at `finish` in a duty block
    /// ending at `block_end`.
    pub fn after(self, place: Place, finish: Time, block_end: Time) -> GoesHome {
        GoesHome {
            last: place,
            free_at: finish,
            block_end,
            ..self
        }
    }
}

impl Origin for GoesHome {
    #[inline]
    fn free_at(&self) -> Time {
        self.free_at
    }

    #[inline]
    fn place<T: Travel + ?Sized>(&self, travel: &T, block: &Block, leave: Time) -> Place {
        if self.last == self.home || block.start >= self.block_end {
            return self.home;
        }
        match travel.time(self.last, self.home) {
            Some(home) if leave >= self.free_at.saturating_add(home) => self.home,
            _ => self.last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Matrix;

    /// Places 0 (home) and 1, 10 apart.
    fn travel() -> Matrix {
        Matrix::from_times(2, vec![Some(0), Some(10), Some(10), Some(0)], 1.0).unwrap()
    }

    #[test]
    fn home_when_idle_at_a_new_block_or_after_driving_home() {
        let block = Block {
            start: 100,
            end: 200,
        };
        let m = travel();
        assert_eq!(GoesHome::idle(0).place(&m, &block, 120), 0);
        let busy = GoesHome::idle(0).after(1, 115, 200);
        // Same block: home only once the drive home fits.
        assert_eq!(busy.place(&m, &block, 120), 1);
        assert_eq!(busy.place(&m, &block, 124), 1);
        assert_eq!(busy.place(&m, &block, 125), 0);
        // The next block starts at home.
        let next = Block {
            start: 200,
            end: 300,
        };
        assert_eq!(busy.place(&m, &next, 200), 0);
        assert_eq!(busy.free_at(), 115);
    }

    #[test]
    fn stays_where_home_is_unreachable() {
        let m = Matrix::from_times(2, vec![Some(0), Some(10), None, Some(0)], 1.0).unwrap();
        let busy = GoesHome::idle(0).after(1, 0, 1_000);
        let block = Block {
            start: 0,
            end: 1_000,
        };
        assert_eq!(busy.place(&m, &block, 900), 1);
    }
}
