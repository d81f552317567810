//! Shifts: a vehicle with duty blocks departs for a job while on duty and
//! finishes it before the block ends; otherwise the job waits for the next
//! block. Adjacent working windows are merged by whoever builds the blocks
//! (a 24x7 engineer works across midnight).

/// Duty blocks tried for one job before giving up.
pub const MAX_BLOCKS: usize = 16;

// The duty blocks themselves (`DutyBlocks`) are model types: they live in
// `engine/model.rs`, which every rule reads.
