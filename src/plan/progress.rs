//! Progress of a running plan for whoever shows it: the planner reports the
//! best bound and plan so far to an observer the caller installs for the
//! duration of a run (the command line's spinner); without one, reports go
//! nowhere. The solvers draw nothing themselves.

use std::cell::RefCell;
use std::time::Duration;

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanProgress {
    /// The best lower bound proven so far (of the network being planned).
    pub lower_bound: f64,
    /// The cost of the best plan found so far, if any.
    pub best_cost: Option<f64>,
    /// Since the run started.
    pub elapsed: Duration,
}

type Observer = Box<dyn FnMut(PlanProgress)>;

thread_local! {
    static OBSERVER: RefCell<Option<Observer>> = const { RefCell::new(None) };
}

/// Runs `run` (a planning call on this thread) with `observer` hearing its
/// progress; the previous observer, if any, is restored afterwards.
pub fn observed<T>(observer: impl FnMut(PlanProgress) + 'static, run: impl FnOnce() -> T) -> T {
    let previous = OBSERVER.with(|slot| slot.borrow_mut().replace(Box::new(observer)));
    let result = run();
    OBSERVER.with(|slot| *slot.borrow_mut() = previous);
    result
}

/// Tells the observer of this thread's run, if any.
pub(super) fn report(progress: PlanProgress) {
    tracing::debug!(
        "bound {:.0}, best {:?} after {:.1?}",
        progress.lower_bound,
        progress.best_cost,
        progress.elapsed
    );
    OBSERVER.with(|slot| {
        if let Ok(mut observer) = slot.try_borrow_mut() {
            if let Some(observer) = observer.as_mut() {
                observer(progress);
            }
        }
    });
}
