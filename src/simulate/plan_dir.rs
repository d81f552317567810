//! What `simulate` takes from a plan folder: the stock to start from
//! (stock.csv) and what the plan promised (summary.json). The folder is read
//! by the one plan-folder reader, [`crate::report::read::read_plan_parts`].

use crate::report::read::PlanFiles;
use crate::scenario::{Scenario, StockLevel, TierIdx};

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

impl PlanDir {
    /// The stock and promise of a plan folder read (and checked) for `scenario`.
    pub fn of(scenario: &Scenario, files: &PlanFiles) -> Self {
        let stock = files
            .stock
            .iter()
            .map(|row| StockLevel {
                depot: row.depot,
                part: row.part,
                on_hand: row.stock,
            })
            .collect();
        let mut attainment = vec![None; scenario.tiers.len()];
        for line in &files.summary.tiers {
            if let Some(tier) = scenario.tier_by_id(&line.tier) {
                attainment[TierIdx::index(tier)] = Some(line.expected_attainment);
            }
        }
        PlanDir {
            stock,
            promise: Promise {
                attainment,
                expected_penalty: files.summary.expected_penalty,
                emergency_cost: files.summary.emergency_cost,
            },
        }
    }
}
