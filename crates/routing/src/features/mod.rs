//! The rules of the routing problem, one file each; [`super::schedule`]
//! and [`super::route`] compose them. Adding a rule means adding a file
//! here and calling it from the composition, not editing a solver loop.

pub mod capacity;
pub mod days;
pub mod origin;
pub mod paid;
pub mod return_to_base;
pub mod shifts;
pub mod skills;
pub mod supply;
pub mod windows;
