//! Output of `sparesla simulate`: summary.json, tiers.csv and customers.csv
//! (the customer service report) in the output folder, and a table for the
//! terminal. Every figure is a mean over runs with its 95% interval.

use super::OutputSet;
use super::schema::simulate::{
    CUSTOMER_COLUMNS, CostSection, CustomerCsvLine, CustomerLine, DepotLine, EngineerLine,
    EngineerSection, Interval, ReasonCounts, SimulationReport, StockSection, TIER_COLUMNS,
    TierCsvLine, TierLine,
};
use super::schema::{csv_text, json_text};
use crate::scenario::Scenario;
use crate::simulate::{BreachReason, Estimate, Promise, Simulation};
use comfy_table::{Table, presets::NOTHING};
use std::io;
use std::path::Path;

impl From<Estimate> for Interval {
    fn from(e: Estimate) -> Self {
        Interval {
            mean: round6(e.mean),
            ci_low: e.ci_low.map(round6),
            ci_high: e.ci_high.map(round6),
        }
    }
}

fn round6(value: f64) -> f64 {
    let rounded = (value * 1e6).round() / 1e6;
    // No negative zero in the output.
    if rounded == 0.0 { 0.0 } else { rounded }
}

impl ReasonCounts {
    fn set(&mut self, reason: BreachReason, value: f64) {
        let slot = match reason {
            BreachReason::SiteOutOfReach => &mut self.site_out_of_reach,
            BreachReason::NoStockInReach => &mut self.no_stock_in_reach,
            BreachReason::NoQualifiedEngineer => &mut self.no_qualified_engineer,
            BreachReason::EngineersBusy => &mut self.engineers_busy,
            BreachReason::NoEngineerInTime => &mut self.no_engineer_in_time,
        };
        *slot = round6(value);
    }

    fn values(&self) -> [(BreachReason, f64); 5] {
        [
            (BreachReason::SiteOutOfReach, self.site_out_of_reach),
            (BreachReason::NoStockInReach, self.no_stock_in_reach),
            (
                BreachReason::NoQualifiedEngineer,
                self.no_qualified_engineer,
            ),
            (BreachReason::EngineersBusy, self.engineers_busy),
            (BreachReason::NoEngineerInTime, self.no_engineer_in_time),
        ]
    }

    /// The reason with the most breaches, if any.
    pub fn main(&self) -> Option<BreachReason> {
        self.values()
            .into_iter()
            .filter(|(_, v)| *v > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(r, _)| r)
    }
}

impl SimulationReport {
    /// The report of `simulation`, with what the plan promised next to it.
    pub fn of(scenario: &Scenario, simulation: &Simulation, promise: &Promise) -> Self {
        let options = simulation.options;
        let tiers = simulation
            .tiers
            .iter()
            .map(|t| {
                let promised = promise.attainment.get(t.tier.index()).copied().flatten();
                TierLine {
                    tier: scenario.tier(t.tier).id.clone(),
                    target: scenario.tier(t.tier).target,
                    promised: promised.map(round6),
                    attainment: t.attainment.map(Interval::from),
                    promise_inside_ci: promised
                        .zip(t.attainment)
                        .filter(|(_, a)| a.ci_low.is_some())
                        .map(|(p, a)| a.covers(p)),
                    incidents_per_run: t.incidents.into(),
                    breaches_per_run: t.breaches.into(),
                }
            })
            .collect();
        let customers = simulation
            .customers
            .iter()
            .map(|c| {
                let mut reasons = ReasonCounts::default();
                for (reason, estimate) in &c.reasons {
                    reasons.set(*reason, estimate.mean);
                }
                CustomerLine {
                    customer: c.customer.clone(),
                    tiers: c
                        .tiers
                        .iter()
                        .map(|t| scenario.tier(*t).id.clone())
                        .collect(),
                    sites: c.sites,
                    incidents_per_run: c.incidents.into(),
                    attainment: c.attainment.map(Interval::from),
                    breaches_per_run: c.breaches.into(),
                    breaches_by_reason: reasons,
                }
            })
            .collect();
        let share_of_year = f64::from(options.days) / 365.0;
        SimulationReport {
            scenario: scenario.name.clone(),
            currency: scenario.currency.clone(),
            start_date: simulation.start_date.to_string(),
            days: options.days,
            runs: options.runs,
            seed: options.seed,
            emergency_hours: options.emergency_hours,
            incidents_per_run: simulation.incidents.into(),
            unrated_per_run: simulation.unrated.into(),
            unrated_example: simulation.unrated_note.clone(),
            attainment: simulation.attainment.map(Interval::from),
            tiers,
            stock: StockSection {
                fill_rate: simulation.fill_rate.map(Interval::from),
                stockouts_per_run: simulation.stockouts.into(),
                emergency_shipments_per_run: simulation.emergency_shipments.into(),
                depots: simulation
                    .depots
                    .iter()
                    .map(|d| DepotLine {
                        depot: scenario.depot(d.depot).id.clone(),
                        demands_per_run: d.demands.into(),
                        stockouts_per_run: d.stockouts.into(),
                        fill_rate: d.fill_rate.map(Interval::from),
                    })
                    .collect(),
            },
            costs: CostSection {
                penalties_per_run: simulation.penalty_cost.into(),
                emergency_shipments_per_run: simulation.emergency_cost.into(),
                plan_expected_penalties: round6(promise.expected_penalty * share_of_year),
                plan_expected_emergency_shipments: round6(promise.emergency_cost * share_of_year),
            },
            engineers: EngineerSection {
                mean_utilisation: simulation.utilisation.map(Interval::from),
                engineers: simulation
                    .engineers
                    .iter()
                    .map(|e| {
                        let engineer = scenario.engineer(e.engineer);
                        EngineerLine {
                            engineer: engineer.id.clone(),
                            base: scenario.depot(engineer.base).id.clone(),
                            duty_hours: round6(e.duty_hours),
                            jobs_per_run: e.jobs.into(),
                            utilisation: e.utilisation.map(Interval::from),
                        }
                    })
                    .collect(),
            },
            customers,
        }
    }
}

/// Writes summary.json, tiers.csv and customers.csv into `dir` as one output set.
pub fn write_simulation(dir: &Path, report: &SimulationReport) -> io::Result<()> {
    let mut set = OutputSet::new("simulate");
    set.add("summary.json", json_text(report)?);
    set.add(
        "tiers.csv",
        csv_text(TIER_COLUMNS, report.tiers.iter().map(TierCsvLine::from))?,
    );
    set.add("customers.csv", customers_csv(report)?);
    set.write(dir)
}

/// The customer service report as CSV text.
pub fn customers_csv(report: &SimulationReport) -> io::Result<String> {
    csv_text(
        CUSTOMER_COLUMNS,
        report.customers.iter().map(CustomerCsvLine::from),
    )
}

fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

fn ci_text(interval: Option<Interval>, show: fn(f64) -> String) -> String {
    match interval.and_then(|i| i.ci_low.zip(i.ci_high)) {
        Some((low, high)) => format!("{} - {}", show(low), show(high)),
        None => "-".to_string(),
    }
}

fn count(value: f64) -> String {
    format!("{value:.1}")
}

/// Customers listed on the terminal (all of them are in customers.csv).
const CUSTOMERS_SHOWN: usize = 10;

/// The simulation for the terminal.
pub fn simulation_table(report: &SimulationReport) -> String {
    let mut out = format!(
        "simulate {}: {} runs x {} days from {}, seed {}, emergency shipments on site {} h after a failure\n",
        report.scenario,
        report.runs,
        report.days,
        report.start_date,
        report.seed,
        report.emergency_hours
    );
    out.push_str(&format!(
        "failures per run: {} (95% CI {}); met in time: {} (95% CI {})\n",
        count(report.incidents_per_run.mean),
        ci_text(Some(report.incidents_per_run), count),
        report
            .attainment
            .map(|a| percent(a.mean))
            .unwrap_or_else(|| "-".into()),
        ci_text(report.attainment, percent),
    ));
    if let Some(example) = &report.unrated_example {
        out.push_str(&format!(
            "not rated: {:.1} failures per run have a deadline in a year a contract calendar does not cover (e.g. {example})\n",
            report.unrated_per_run.mean
        ));
    }
    let mut tiers = Table::new();
    tiers.load_style(NOTHING);
    tiers.set_header([
        "tier",
        "target",
        "plan promised",
        "realised",
        "95% CI",
        "failures/run",
        "breaches/run",
    ]);
    for t in &report.tiers {
        tiers.add_row([
            t.tier.clone(),
            percent(t.target),
            t.promised.map(percent).unwrap_or_else(|| "-".into()),
            t.attainment
                .map(|a| percent(a.mean))
                .unwrap_or_else(|| "-".into()),
            ci_text(t.attainment, percent),
            count(t.incidents_per_run.mean),
            format!("{:.2}", t.breaches_per_run.mean),
        ]);
    }
    out.push_str(&format!("{tiers}\n"));
    let stock = &report.stock;
    out.push_str(&format!(
        "stock: fill rate at the planned depot {} (95% CI {}); stockouts/run {:.1}; emergency shipments/run {:.1} (95% CI {})\n",
        stock
            .fill_rate
            .map(|f| percent(f.mean))
            .unwrap_or_else(|| "-".into()),
        ci_text(stock.fill_rate, percent),
        stock.stockouts_per_run.mean,
        stock.emergency_shipments_per_run.mean,
        ci_text(Some(stock.emergency_shipments_per_run), count),
    ));
    let costs = &report.costs;
    out.push_str(&format!(
        "costs per run: SLA penalties {:.0} {cur} (plan expected {:.0}), emergency shipments {:.0} {cur} (plan expected {:.0})\n",
        costs.penalties_per_run.mean,
        costs.plan_expected_penalties,
        costs.emergency_shipments_per_run.mean,
        costs.plan_expected_emergency_shipments,
        cur = report.currency,
    ));
    if let Some(mean) = report.engineers.mean_utilisation {
        let busiest = report
            .engineers
            .engineers
            .iter()
            .filter_map(|e| e.utilisation.map(|u| (e, u.mean)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        out.push_str(&format!(
            "engineers: mean utilisation {} (95% CI {})",
            percent(mean.mean),
            ci_text(Some(mean), percent)
        ));
        if let Some((engineer, share)) = busiest {
            out.push_str(&format!(
                "; busiest {} ({}) {}",
                engineer.engineer,
                engineer.base,
                percent(share)
            ));
        }
        out.push('\n');
    }
    let mut worst: Vec<&CustomerLine> = report
        .customers
        .iter()
        .filter(|c| c.attainment.is_some())
        .collect();
    worst.sort_by(|a, b| {
        let share = |c: &CustomerLine| c.attainment.map_or(1.0, |a| a.mean);
        share(a).total_cmp(&share(b))
    });
    out.push_str(&format!(
        "customers with the lowest attainment ({} of {}; all in customers.csv):\n",
        worst.len().min(CUSTOMERS_SHOWN),
        report.customers.len()
    ));
    let mut customers = Table::new();
    customers.load_style(NOTHING);
    customers.set_header([
        "customer",
        "tiers",
        "failures/run",
        "realised",
        "95% CI",
        "breaches/run",
        "main reason",
    ]);
    for c in worst.into_iter().take(CUSTOMERS_SHOWN) {
        customers.add_row([
            c.customer.clone(),
            c.tiers.join(" "),
            format!("{:.2}", c.incidents_per_run.mean),
            c.attainment
                .map(|a| percent(a.mean))
                .unwrap_or_else(|| "-".into()),
            ci_text(c.attainment, percent),
            format!("{:.2}", c.breaches_per_run.mean),
            c.breaches_by_reason
                .main()
                .map(|r| r.as_str().to_string())
                .unwrap_or_else(|| "-".into()),
        ]);
    }
    out.push_str(&format!("{customers}\n"));
    out
}
