//! What-if analysis: scenarios written as changes to another scenario
//! (`overlay.toml`), how the yearly planner sees temporary changes, and
//! side-by-side comparison of plans.
//!
//! An overlay folder holds only `overlay.toml`; [`crate::scenario::load`]
//! recognises it and hands it here, so every command that takes a scenario
//! folder takes an overlay folder too. See the README ("What-if scenarios")
//! for the file format.

mod apply;
mod compare;
mod load;
mod overlay;
mod topup;
mod view;

pub use apply::horizon;
pub use compare::{CompareRow, EventRow, Planned, TierRow, TopUpRow, compare, engineer_gaps};
pub use load::load_overlay;
pub use overlay::{OVERLAY_FILE, Overlay};
pub use topup::{EventTopUp, TopUpLine, event_top_up};
pub use view::{PlanningInput, TemporaryView, planning_input};
