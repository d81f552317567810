//! The simulation folder (`sparesla simulate --out`): summary.json (every
//! figure a mean over runs with its 95% interval), tiers.csv and
//! customers.csv (the customer service report).

use super::format::{fixed6, fixed6_or_empty, joined, split};
use serde::{Deserialize, Serialize};

/// An estimate rounded for output.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub mean: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// Breaches per run by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReasonCounts {
    pub site_out_of_reach: f64,
    pub no_stock_in_reach: f64,
    pub no_qualified_engineer: f64,
    pub engineers_busy: f64,
    pub no_engineer_in_time: f64,
}

/// One tier: realised next to promised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierLine {
    pub tier: String,
    pub target: f64,
    /// The plan's expected attainment.
    pub promised: Option<f64>,
    pub attainment: Option<Interval>,
    /// Whether the promise lies inside the realised 95% interval.
    pub promise_inside_ci: Option<bool>,
    pub incidents_per_run: Interval,
    pub breaches_per_run: Interval,
}

/// One customer's service report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerLine {
    pub customer: String,
    pub tiers: Vec<String>,
    pub sites: usize,
    pub incidents_per_run: Interval,
    pub attainment: Option<Interval>,
    pub breaches_per_run: Interval,
    pub breaches_by_reason: ReasonCounts,
}

/// Stockouts at one depot as the plan's source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepotLine {
    pub depot: String,
    pub demands_per_run: Interval,
    pub stockouts_per_run: Interval,
    pub fill_rate: Option<Interval>,
}

/// Stock performance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StockSection {
    /// Share of failures whose planned source depot had the part.
    pub fill_rate: Option<Interval>,
    pub stockouts_per_run: Interval,
    pub emergency_shipments_per_run: Interval,
    pub depots: Vec<DepotLine>,
}

/// Realised costs per run next to the plan's expectation for as many days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostSection {
    pub penalties_per_run: Interval,
    pub emergency_shipments_per_run: Interval,
    pub plan_expected_penalties: f64,
    pub plan_expected_emergency_shipments: f64,
}

/// One engineer's workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineerLine {
    pub engineer: String,
    pub base: String,
    pub duty_hours: f64,
    pub jobs_per_run: Interval,
    pub utilisation: Option<Interval>,
}

/// Engineer workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineerSection {
    pub mean_utilisation: Option<Interval>,
    pub engineers: Vec<EngineerLine>,
}

/// `summary.json` of `simulate`, and its `--format json` output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    pub scenario: String,
    pub currency: String,
    pub start_date: String,
    pub days: u32,
    pub runs: u32,
    pub seed: u64,
    pub emergency_hours: f64,
    pub incidents_per_run: Interval,
    /// Failures per run whose deadline lies in a year a contract calendar
    /// does not cover: served but not rated.
    pub unrated_per_run: Interval,
    pub unrated_example: Option<String>,
    pub attainment: Option<Interval>,
    pub tiers: Vec<TierLine>,
    pub stock: StockSection,
    pub costs: CostSection,
    pub engineers: EngineerSection,
    pub customers: Vec<CustomerLine>,
}

/// The columns of customers.csv (a fixed interface).
pub const CUSTOMER_COLUMNS: [&str; 13] = [
    "customer",
    "tiers",
    "sites",
    "incidents_per_run",
    "attainment",
    "ci_low",
    "ci_high",
    "breaches_per_run",
    "site_out_of_reach",
    "no_stock_in_reach",
    "no_qualified_engineer",
    "engineers_busy",
    "no_engineer_in_time",
];

/// A row of customers.csv, in the order of [`CUSTOMER_COLUMNS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerCsvLine {
    pub customer: String,
    /// Tier ids, `;`-separated in the file.
    #[serde(serialize_with = "joined", deserialize_with = "split")]
    pub tiers: Vec<String>,
    pub sites: usize,
    #[serde(serialize_with = "fixed6")]
    pub incidents_per_run: f64,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub attainment: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub ci_low: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub ci_high: Option<f64>,
    #[serde(serialize_with = "fixed6")]
    pub breaches_per_run: f64,
    #[serde(serialize_with = "fixed6")]
    pub site_out_of_reach: f64,
    #[serde(serialize_with = "fixed6")]
    pub no_stock_in_reach: f64,
    #[serde(serialize_with = "fixed6")]
    pub no_qualified_engineer: f64,
    #[serde(serialize_with = "fixed6")]
    pub engineers_busy: f64,
    #[serde(serialize_with = "fixed6")]
    pub no_engineer_in_time: f64,
}

impl From<&CustomerLine> for CustomerCsvLine {
    fn from(c: &CustomerLine) -> Self {
        let reasons = c.breaches_by_reason;
        CustomerCsvLine {
            customer: c.customer.clone(),
            tiers: c.tiers.clone(),
            sites: c.sites,
            incidents_per_run: c.incidents_per_run.mean,
            attainment: c.attainment.map(|a| a.mean),
            ci_low: c.attainment.and_then(|a| a.ci_low),
            ci_high: c.attainment.and_then(|a| a.ci_high),
            breaches_per_run: c.breaches_per_run.mean,
            site_out_of_reach: reasons.site_out_of_reach,
            no_stock_in_reach: reasons.no_stock_in_reach,
            no_qualified_engineer: reasons.no_qualified_engineer,
            engineers_busy: reasons.engineers_busy,
            no_engineer_in_time: reasons.no_engineer_in_time,
        }
    }
}

/// The columns of tiers.csv, in the order of [`TierCsvLine`].
pub const TIER_COLUMNS: [&str; 8] = [
    "tier",
    "target",
    "promised",
    "attainment",
    "ci_low",
    "ci_high",
    "incidents_per_run",
    "breaches_per_run",
];

/// A row of tiers.csv: realised attainment next to the plan's promise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierCsvLine {
    pub tier: String,
    #[serde(serialize_with = "fixed6")]
    pub target: f64,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub promised: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub attainment: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub ci_low: Option<f64>,
    #[serde(serialize_with = "fixed6_or_empty")]
    pub ci_high: Option<f64>,
    #[serde(serialize_with = "fixed6")]
    pub incidents_per_run: f64,
    #[serde(serialize_with = "fixed6")]
    pub breaches_per_run: f64,
}

impl From<&TierLine> for TierCsvLine {
    fn from(t: &TierLine) -> Self {
        TierCsvLine {
            tier: t.tier.clone(),
            target: t.target,
            promised: t.promised,
            attainment: t.attainment.map(|a| a.mean),
            ci_low: t.attainment.and_then(|a| a.ci_low),
            ci_high: t.attainment.and_then(|a| a.ci_high),
            incidents_per_run: t.incidents_per_run.mean,
            breaches_per_run: t.breaches_per_run.mean,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::header_check::derived_header;
    use super::*;

    #[test]
    fn the_column_lists_are_the_structs_fields() {
        let interval = Interval {
            mean: 1.0,
            ci_low: None,
            ci_high: None,
        };
        let tier = TierLine {
            tier: "T".into(),
            target: 0.9,
            promised: None,
            attainment: Some(interval),
            promise_inside_ci: None,
            incidents_per_run: interval,
            breaches_per_run: interval,
        };
        assert_eq!(derived_header(&TierCsvLine::from(&tier)), TIER_COLUMNS);
        let customer = CustomerLine {
            customer: "C".into(),
            tiers: vec!["T".into()],
            sites: 1,
            incidents_per_run: interval,
            attainment: None,
            breaches_per_run: interval,
            breaches_by_reason: ReasonCounts::default(),
        };
        assert_eq!(
            derived_header(&CustomerCsvLine::from(&customer)),
            CUSTOMER_COLUMNS
        );
    }
}
