//! The engineers of a scenario as the engine's duty blocks (the rule that
//! turns one shift into blocks lives in [`crate::people`]).

use super::engine::model::DutyBlocks;
use crate::calendar::{CalendarError, Seconds};
pub use crate::people::duty_blocks;
use crate::scenario::scenario_years;
use crate::scenario::{Scenario, Shift};

/// One [`DutyBlocks`] per distinct shift rule over `[from, to)`, and each
/// engineer's index into them (`dispatch` and `simulate` alike).
pub fn shift_blocks(
    scenario: &Scenario,
    from: Seconds,
    to: Seconds,
) -> Result<(Vec<usize>, Vec<DutyBlocks>), CalendarError> {
    let years = scenario_years(scenario);
    let mut rules: Vec<&Shift> = Vec::new();
    let mut blocks = Vec::new();
    let mut shift_of = Vec::with_capacity(scenario.engineers.len());
    for engineer in &scenario.engineers {
        let index = match rules.iter().position(|r| **r == engineer.shift) {
            Some(index) => index,
            None => {
                blocks.push(duty_blocks(&engineer.shift, years.clone(), from, to)?);
                rules.push(&engineer.shift);
                rules.len() - 1
            }
        };
        shift_of.push(index);
    }
    Ok((shift_of, blocks))
}
