//! What-if analysis: scenarios written as changes to another scenario
//! (`overlay.toml`), how the yearly planner sees temporary changes, and
//! side-by-side comparison of plans.
//!
//! Overlays are input: [`crate::scenario::overlay`] reads and applies them
//! (re-exported here). See docs/whatif.md for the file format.

mod compare;
mod study;
mod topup;
mod view;

pub use crate::scenario::overlay::{OVERLAY_FILE, Overlay, horizon, load_overlay};
pub use compare::{CompareRow, EventRow, Planned, TierRow, TopUpRow, compare, engineer_gaps};
pub use study::{Study, StudyError, StudyOptions, StudyScenario, run_study};
pub use topup::{EventTopUp, TopUpLine, event_top_up};
pub use view::{PlanningInput, TemporaryView, planning_input};
