//! Reading a plan folder written by `sparesla plan`: the stock to start from
//! (stock.csv) and what the plan promised (summary.json).

use crate::scenario::{self, Scenario, ScenarioError, StockLevel, TierIdx};
use serde::Deserialize;
use std::path::{Path, PathBuf};

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

/// Why a plan folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanDirError {
    #[error(transparent)]
    Stock(#[from] ScenarioError),
    #[error("{}: error: cannot read the plan summary: {source}\n  help: pass a folder written by `sparesla plan --out`", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: error: {message}\n  help: {help}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        help: &'static str,
    },
}

#[derive(Deserialize)]
struct SummaryFile {
    expected_penalty: f64,
    emergency_cost: f64,
    tiers: Vec<TierLine>,
}

#[derive(Deserialize)]
struct TierLine {
    tier: String,
    expected_attainment: f64,
}

impl PlanDir {
    /// Reads `dir/stock.csv` and `dir/summary.json` against `scenario`.
    pub fn load(scenario: &Scenario, dir: &Path) -> Result<Self, PlanDirError> {
        let stock = scenario::load_stock(scenario, &dir.join("stock.csv"))?;
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path).map_err(|source| PlanDirError::Read {
            path: path.clone(),
            source,
        })?;
        let promise = parse_promise(scenario, &path, &text)?;
        Ok(PlanDir { stock, promise })
    }
}

/// Parses a plan's summary.json.
pub fn parse_promise(
    scenario: &Scenario,
    path: &Path,
    text: &str,
) -> Result<Promise, PlanDirError> {
    let summary: SummaryFile =
        serde_json::from_str(text).map_err(|error| PlanDirError::Invalid {
            path: path.to_path_buf(),
            line: error.line(),
            column: error.column(),
            message: format!("not a plan summary: {error}"),
            help: "pass a folder written by `sparesla plan --out` (summary.json with `tiers`, `expected_penalty`, `emergency_cost`)",
        })?;
    let mut attainment = vec![None; scenario.tiers.len()];
    for line in &summary.tiers {
        let (at_line, at_column) = locate(text, &format!("\"{}\"", line.tier));
        let invalid = |message: String, help| PlanDirError::Invalid {
            path: path.to_path_buf(),
            line: at_line,
            column: at_column,
            message,
            help,
        };
        let Some(tier) = scenario.tier_by_id(&line.tier) else {
            return Err(invalid(
                format!("tier `{}` is not in the scenario's tiers.csv", line.tier),
                "plan the same scenario you simulate",
            ));
        };
        if !(0.0..=1.0).contains(&line.expected_attainment) {
            return Err(invalid(
                format!(
                    "tier `{}`: expected_attainment {} is not a share between 0 and 1",
                    line.tier, line.expected_attainment
                ),
                "re-run `sparesla plan`",
            ));
        }
        attainment[TierIdx::index(tier)] = Some(line.expected_attainment);
    }
    Ok(Promise {
        attainment,
        expected_penalty: summary.expected_penalty,
        emergency_cost: summary.emergency_cost,
    })
}

/// 1-based line and column of the first occurrence of `needle`, or 1:1.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    let Some(offset) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}
