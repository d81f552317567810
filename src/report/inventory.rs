//! The short inventory `sparesla validate` prints.

use crate::scenario::{Coverage, DepotKind, DepotStatus, Scenario};
use comfy_table::{Table, presets::NOTHING};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a scenario holds, counted.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Inventory {
    pub name: String,
    pub currency: String,
    pub horizon_days: u32,
    pub depots: usize,
    pub depots_central: usize,
    pub depots_regional: usize,
    pub depots_forward: usize,
    pub depots_open: usize,
    pub depots_candidate: usize,
    pub depots_closed: usize,
    pub parts: usize,
    pub sites: usize,
    /// Sites per tier, in tiers.csv order.
    pub sites_by_tier: Vec<(String, usize)>,
    pub customers: usize,
    pub engineers: usize,
    /// Rota patterns of shifts.csv.
    pub shift_patterns: usize,
    pub installed_base_rows: usize,
    pub installed_units: u64,
    pub annual_failures: f64,
    /// Calendars the tiers, shifts and shift patterns use, with the years they cover.
    pub calendars: Vec<String>,
    pub road_nodes: usize,
    pub roads: usize,
    pub closures: usize,
    pub incidents: usize,
    pub stock_rows: usize,
}

impl Inventory {
    /// Counts what `scenario` holds.
    pub fn of(scenario: &Scenario) -> Self {
        let count_depots = |f: &dyn Fn(DepotKind, DepotStatus) -> bool| {
            scenario
                .depots
                .iter()
                .filter(|d| f(d.kind, d.status))
                .count()
        };
        let mut per_tier = vec![0usize; scenario.tiers.len()];
        for site in &scenario.sites {
            per_tier[site.tier.index()] += 1;
        }
        let calendars: BTreeSet<String> = scenario
            .tiers
            .iter()
            .filter_map(|t| match &t.coverage {
                Coverage::Business(hours) => Some(hours.calendar.to_string()),
                Coverage::AllHours => None,
            })
            .chain(
                scenario
                    .engineers
                    .iter()
                    .map(|e| e.shift.calendar.to_string()),
            )
            .chain(
                scenario
                    .shift_patterns
                    .iter()
                    .map(|p| p.calendar.to_string()),
            )
            .collect();
        Inventory {
            name: scenario.name.clone(),
            currency: scenario.currency.clone(),
            horizon_days: scenario.horizon_days,
            depots: scenario.depots.len(),
            depots_central: count_depots(&|k, _| k == DepotKind::Central),
            depots_regional: count_depots(&|k, _| k == DepotKind::Regional),
            depots_forward: count_depots(&|k, _| k == DepotKind::Forward),
            depots_open: count_depots(&|_, s| s == DepotStatus::Open),
            depots_candidate: count_depots(&|_, s| s == DepotStatus::Candidate),
            depots_closed: count_depots(&|_, s| s == DepotStatus::Closed),
            parts: scenario.parts.len(),
            sites: scenario.sites.len(),
            sites_by_tier: scenario
                .tiers
                .iter()
                .zip(per_tier)
                .map(|(t, n)| (t.id.clone(), n))
                .collect(),
            customers: scenario
                .sites
                .iter()
                .map(|s| s.customer.as_str())
                .collect::<BTreeSet<_>>()
                .len(),
            engineers: scenario.engineers.len(),
            shift_patterns: scenario.shift_patterns.len(),
            installed_base_rows: scenario.installed_base.len(),
            installed_units: scenario
                .installed_base
                .iter()
                .map(|u| u64::from(u.quantity))
                .sum(),
            annual_failures: scenario.annual_failures(),
            calendars: calendars.into_iter().collect(),
            road_nodes: scenario.road_nodes.len(),
            roads: scenario.roads.len(),
            closures: scenario.closures.len(),
            incidents: scenario.incidents.len(),
            stock_rows: scenario.stock.len(),
        }
    }

    /// The inventory as an aligned two-column table.
    pub fn to_table(&self) -> String {
        let mut table = Table::new();
        table.load_style(NOTHING);
        let tiers = self
            .sites_by_tier
            .iter()
            .map(|(tier, n)| format!("{tier}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<(&str, String)> = vec![
            (
                "depots",
                format!(
                    "{} ({} central, {} regional, {} forward; {} open, {} candidate, {} closed)",
                    self.depots,
                    self.depots_central,
                    self.depots_regional,
                    self.depots_forward,
                    self.depots_open,
                    self.depots_candidate,
                    self.depots_closed
                ),
            ),
            ("parts", self.parts.to_string()),
            (
                "sites",
                format!("{} of {} customers ({tiers})", self.sites, self.customers),
            ),
            ("engineers", self.engineers.to_string()),
            (
                "shift patterns",
                match self.shift_patterns {
                    0 => "none (no shifts.csv)".to_string(),
                    n => n.to_string(),
                },
            ),
            (
                "installed units",
                format!(
                    "{} in {} rows",
                    self.installed_units, self.installed_base_rows
                ),
            ),
            (
                "annual failures",
                format!("{:.1} expected per year", self.annual_failures),
            ),
            ("calendars", self.calendars.join(", ")),
            (
                "road layer",
                if self.roads == 0 {
                    "none (geodesic travel times)".to_string()
                } else {
                    format!(
                        "{} roads, {} junctions, {} closures",
                        self.roads, self.road_nodes, self.closures
                    )
                },
            ),
            ("incidents", self.incidents.to_string()),
            ("stock rows", self.stock_rows.to_string()),
        ];
        for (label, value) in rows {
            table.add_row(vec![format!("  {label}"), value]);
        }
        let body: Vec<String> = table.lines().map(|l| l.trim_end().to_string()).collect();
        format!(
            "scenario {} ({}, horizon {} days): valid\n{}",
            self.name,
            self.currency,
            self.horizon_days,
            body.join("\n")
        )
    }
}
