//! sparesla: spare-parts logistics and SLA dispatch optimisation.
//!
//! Data flows one way: a [`scenario`] is loaded and validated; the
//! [`calendar`] and [`travel`] services answer deadline and travel-time
//! questions about it; solvers compute plans and dispatches; [`report`]
//! writes them. Solvers never read files and loaders never solve.

pub mod bounded_read;
pub mod calendar;
pub mod diagnostic;
pub mod dispatch;
pub mod geodesy;
pub mod milp;
pub mod people;
pub mod plan;
pub mod report;
pub mod scenario;
#[cfg(feature = "serve")]
pub mod serve;
pub mod simulate;
pub mod travel;
pub mod whatif;

#[cfg(not(any(feature = "microlp", feature = "highs")))]
compile_error!("enable at least one LP backend: the `microlp` (default) or `highs` feature");
