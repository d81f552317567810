//! What `simulate` takes from a plan: the stock to start from and what the
//! plan promised. Plain data: the plan folder is read (and checked) by the one
//! plan-folder reader, `report::read::read_plan_parts`, which makes it with
//! `PlanFiles::for_simulation`; the simulation reads no file.

use crate::scenario::StockLevel;

/// What a plan promised, per tier and per year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Promise {
    /// Expected attainment of each tier (scenario tier order); `None` for a
    /// tier the plan does not mention.
    pub attainment: Vec<Option<f64>>,
    /// Expected SLA penalties per year.
    pub expected_penalty: f64,
    /// Expected emergency shipment cost per year.
    pub emergency_cost: f64,
}

/// A loaded plan folder.
#[derive(Clone, Debug)]
pub struct PlanDir {
    pub stock: Vec<StockLevel>,
    pub promise: Promise,
}
