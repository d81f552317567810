//! Overlays: a scenario written as changes to another (`overlay.toml`).
//! They are input like any scenario file, so they are read, checked and
//! applied here; [`crate::scenario::load`] recognises an overlay folder and
//! loads it, so every command that takes a scenario folder takes an overlay
//! folder too. See docs/whatif.md for the format; `whatif` plans and compares
//! what the overlays describe.

mod apply;
mod file;
mod load;

pub use apply::horizon;
pub use file::{OVERLAY_FILE, Overlay};
pub use load::load_overlay;
