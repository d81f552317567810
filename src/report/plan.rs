//! Output of `sparesla plan`: depots.csv, stock.csv, assignment.csv and
//! summary.json in the output folder, and a table for the terminal.

use super::OutputSet;
use super::schema::plan::{
    ASSIGNMENT_COLUMNS, AssignmentLine, DEPOT_COLUMNS, DepotLine, PlanSummary, STOCK_COLUMNS,
    StaffingSummary, StockLine, UnreachableSite,
};
use super::schema::{csv_text, json_text};
use crate::plan::Plan;
use crate::scenario::Scenario;
use comfy_table::{Table, presets::NOTHING};
use std::io;
use std::path::Path;

impl PlanSummary {
    pub fn of(scenario: &Scenario, plan: &Plan) -> Self {
        let costs = plan.costs;
        PlanSummary {
            scenario: scenario.name.clone(),
            currency: scenario.currency.clone(),
            total_cost: costs.total_cost,
            fixed_cost: costs.fixed_cost,
            holding_cost: costs.holding_cost,
            expected_penalty: costs.expected_penalty,
            emergency_cost: costs.emergency_cost,
            people_cost: costs.people_cost,
            lower_bound: plan.lower_bound,
            gap: plan.gap,
            planned_cost: Some(plan.planned_cost),
            solver: plan.backend.to_string(),
            status: plan.status,
            open_sets_evaluated: plan.evaluations,
            depots_open: scenario
                .depots
                .iter()
                .zip(&plan.open)
                .filter(|(_, open)| **open)
                .map(|(d, _)| d.id.clone())
                .collect(),
            stock_units: plan.stock.iter().map(|s| u64::from(*s)).sum(),
            stock_value: stock_value(scenario, plan),
            tiers: plan.tiers.clone(),
            unreachable_sites: unreachable(scenario, plan),
            staffing: Some(StaffingSummary::of(plan)),
            solver_notes: plan.solver_notes.clone(),
        }
    }
}

impl PlanSummary {
    /// Every number of the summary that is NaN or infinite, as `name = value`.
    /// JSON has no such numbers (they would be written as `null`), and a
    /// plan costing infinity is no plan.
    pub fn non_finite(&self) -> Vec<String> {
        let mut named: Vec<(String, f64)> = [
            ("total_cost", self.total_cost),
            ("fixed_cost", self.fixed_cost),
            ("holding_cost", self.holding_cost),
            ("expected_penalty", self.expected_penalty),
            ("emergency_cost", self.emergency_cost),
            ("people_cost", self.people_cost),
            ("lower_bound", self.lower_bound),
            ("gap", self.gap),
            ("planned_cost", self.planned_cost.unwrap_or(0.0)),
            ("stock_value", self.stock_value),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
        for tier in &self.tiers {
            for (field, value) in [
                ("target", tier.target),
                ("expected_attainment", tier.expected_attainment),
                ("attainable", tier.attainable),
                ("demand", tier.demand),
                ("expected_breaches", tier.expected_breaches),
            ] {
                named.push((format!("tiers[{}].{field}", tier.tier), value));
            }
        }
        for site in &self.unreachable_sites {
            named.push((
                format!("unreachable_sites[{}].allowed_hours", site.site),
                site.allowed_hours,
            ));
            if let Some(hours) = site.fastest_hours {
                named.push((
                    format!("unreachable_sites[{}].fastest_hours", site.site),
                    hours,
                ));
            }
        }
        named
            .into_iter()
            .filter(|(_, value)| !value.is_finite())
            .map(|(name, value)| format!("{name} = {value}"))
            .collect()
    }
}

impl StaffingSummary {
    pub(crate) fn of(plan: &Plan) -> Self {
        let people = plan.people.as_ref();
        StaffingSummary {
            mode: plan.staffing,
            roster_positions: people.map_or(0, |p| p.roster_prices.len()),
            unpriced_positions: people.map_or(0, |p| p.unpriced()),
            added_positions: people.map_or(0, |p| p.added.len()),
            added_cost: people.map_or(0.0, |p| p.added_cost()),
        }
    }
}

fn stock_value(scenario: &Scenario, plan: &Plan) -> f64 {
    plan.pools
        .iter()
        .zip(&plan.stock)
        .map(|(pool, s)| f64::from(*s) * scenario.part(pool.part).unit_cost)
        .sum()
}

fn unreachable(scenario: &Scenario, plan: &Plan) -> Vec<UnreachableSite> {
    plan.unreachable
        .iter()
        .map(|s| {
            let model = &plan.model.sites[s.index()];
            let site = scenario.site(*s);
            UnreachableSite {
                site: site.id.clone(),
                customer: site.customer.clone(),
                tier: scenario.tier(site.tier).id.clone(),
                allowed_hours: model.allowed_hours,
                fastest_depot: model.fastest.map(|r| scenario.depot(r.depot).id.clone()),
                fastest_hours: model.fastest.map(|r| round(r.hours, 2)),
            }
        })
        .collect()
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// The plan's files: depots.csv, stock.csv, assignment.csv, summary.json.
/// A plan with a number that is not finite is refused before any file is
/// written.
pub fn plan_set(scenario: &Scenario, plan: &Plan) -> io::Result<OutputSet> {
    let summary = PlanSummary::of(scenario, plan);
    let non_finite = summary.non_finite();
    if !non_finite.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the plan holds numbers that are not finite ({}); nothing was written",
                non_finite.join(", ")
            ),
        ));
    }
    let mut set = OutputSet::new("plan");
    set.add("depots.csv", depots_csv(scenario, plan)?);
    set.add("stock.csv", stock_csv(scenario, plan)?);
    set.add("assignment.csv", assignment_csv(scenario, plan)?);
    if let Some(staffing) = super::staffing::staffing_csv(scenario, plan)? {
        set.add("staffing.csv", staffing);
    }
    if let Some(people) = &plan.people {
        set.add(
            super::roster::ROSTER_FILE,
            super::staffing::planned_roster_csv(scenario, people)?,
        );
    }
    set.add("summary.json", json_text(&summary)?);
    Ok(set)
}

/// Writes the plan's files into `dir` as one output set.
pub fn write_plan(dir: &Path, scenario: &Scenario, plan: &Plan) -> io::Result<()> {
    plan_set(scenario, plan)?.write(dir)
}

/// Stock and sites served per depot (scenario order).
pub(crate) struct DepotTotals {
    pub units: Vec<u64>,
    pub value: Vec<f64>,
    pub served: Vec<usize>,
}

impl DepotTotals {
    pub(crate) fn of(scenario: &Scenario, plan: &Plan) -> Self {
        let mut units = vec![0u64; scenario.depots.len()];
        let mut value = vec![0.0; scenario.depots.len()];
        for (pool, stock) in plan.pools.iter().zip(&plan.stock) {
            units[pool.depot.index()] += u64::from(*stock);
            value[pool.depot.index()] += f64::from(*stock) * scenario.part(pool.part).unit_cost;
        }
        let mut served = vec![0usize; scenario.depots.len()];
        for depot in plan.assignment.primary.iter().flatten() {
            served[depot.index()] += 1;
        }
        DepotTotals {
            units,
            value,
            served,
        }
    }
}

fn depots_csv(scenario: &Scenario, plan: &Plan) -> io::Result<String> {
    let DepotTotals {
        units,
        value,
        served,
    } = DepotTotals::of(scenario, plan);
    let lines = scenario
        .depots
        .iter()
        .enumerate()
        .map(|(d, depot)| DepotLine {
            depot: depot.id.clone(),
            open: plan.open[d],
            fixed_cost: Some(depot.fixed_cost),
            stock_units: units[d],
            stock_value: value[d],
            sites_served: Some(served[d] as u64),
        });
    csv_text(DEPOT_COLUMNS, lines)
}

fn stock_csv(scenario: &Scenario, plan: &Plan) -> io::Result<String> {
    let lines = plan
        .pools
        .iter()
        .zip(&plan.stock)
        .map(|(pool, stock)| StockLine {
            depot: scenario.depot(pool.depot).id.clone(),
            part: scenario.part(pool.part).id.clone(),
            stock: *stock,
            demand_per_year: Some(pool.demand),
            fill_rate: Some(pool.fill(*stock)),
        });
    csv_text(STOCK_COLUMNS, lines)
}

fn assignment_csv(scenario: &Scenario, plan: &Plan) -> io::Result<String> {
    let depot_id = |d: Option<crate::scenario::DepotIdx>| d.map(|d| scenario.depot(d).id.clone());
    let lines = plan.model.sites.iter().flat_map(|site| {
        let s = site.site.index();
        let primary = plan.assignment.primary[s];
        let travel_hours = primary
            .and_then(|d| site.reach.iter().find(|r| r.depot == d))
            .map(|r| r.hours);
        site.demand.iter().map(move |(part, _)| AssignmentLine {
            site: scenario.site(site.site).id.clone(),
            part: scenario.part(*part).id.clone(),
            tier: Some(scenario.tier(site.tier).id.clone()),
            depot: depot_id(primary),
            travel_hours,
            backup_depot: depot_id(plan.assignment.backup[s]),
        })
    });
    csv_text(ASSIGNMENT_COLUMNS, lines)
}

/// The plan for the terminal.
pub fn plan_table(summary: &PlanSummary) -> String {
    let money = |v: f64| format_money(v);
    let mut out = format!(
        "plan {}: {} with {}, gap {:.2}% to the lower bound {} {}\n",
        summary.scenario,
        serde_json::to_value(summary.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        summary.solver,
        summary.gap * 100.0,
        money(summary.lower_bound),
        summary.currency
    );
    if let Some(planned) = summary
        .planned_cost
        .filter(|planned| (planned - summary.total_cost).abs() >= 0.5)
    {
        out.push_str(&format!(
            "the bound and gap are on the planning model, each site on its primary depot's stock: {} {}; \
             the total below also counts backup depots\n",
            money(planned),
            summary.currency
        ));
    }
    for note in &summary.solver_notes {
        out.push_str(&format!("solver note: {note}\n"));
    }
    let mut costs = Table::new();
    costs.load_style(NOTHING);
    costs.set_header(["cost per year", summary.currency.as_str()]);
    for (name, value) in [
        ("fixed (open depots)", summary.fixed_cost),
        ("holding (stock)", summary.holding_cost),
        ("expected SLA penalties", summary.expected_penalty),
        ("emergency shipments", summary.emergency_cost),
        ("engineers", summary.people_cost),
        ("total", summary.total_cost),
    ] {
        if name == "engineers" && !counts_people(summary) {
            continue;
        }
        costs.add_row([name.to_string(), money(value)]);
    }
    out.push_str(&format!("{costs}\n"));
    out.push_str(&format!(
        "depots open ({}): {}\nstock: {} units worth {} {}\n",
        summary.depots_open.len(),
        summary.depots_open.join(" "),
        summary.stock_units,
        money(summary.stock_value),
        summary.currency
    ));
    if let Some(staffing) = summary.staffing.as_ref().filter(|_| counts_people(summary)) {
        out.push_str(&staffing_line(staffing, &summary.currency));
    }
    let mut tiers = Table::new();
    tiers.load_style(NOTHING);
    let people = counts_people(summary);
    let mut header = vec!["tier", "target", "expected"];
    if people {
        header.extend(["parts", "people"]);
    }
    header.extend(["attainable", "failures/yr", "breaches/yr"]);
    tiers.set_header(header);
    for tier in &summary.tiers {
        let mut row = vec![
            tier.tier.clone(),
            percent(tier.target),
            percent(tier.expected_attainment),
        ];
        if people {
            row.extend([
                percent(tier.parts_attainment),
                percent(tier.people_attainment),
            ]);
        }
        row.extend([
            percent(tier.attainable),
            format!("{:.1}", tier.demand),
            format!("{:.2}", tier.expected_breaches),
        ]);
        tiers.add_row(row);
    }
    out.push_str(&format!("{tiers}\n"));
    for tier in summary
        .tiers
        .iter()
        .filter(|t| t.attainable < t.target - 1e-9)
    {
        out.push_str(&format!(
            "{}: the {} target cannot be met; the best possible plan attains {}, and this plan aims just below that\n",
            tier.tier,
            percent(tier.target),
            percent(tier.attainable)
        ));
    }
    if summary.unreachable_sites.is_empty() {
        out.push_str("every site is in reach of a usable depot\n");
    } else {
        out.push_str(&format!(
            "{} site(s) no open or candidate depot reaches in time (handling + travel > allowed h):\n",
            summary.unreachable_sites.len()
        ));
        let mut sites = Table::new();
        sites.load_style(NOTHING);
        sites.set_header([
            "site",
            "customer",
            "tier",
            "allowed h",
            "fastest depot",
            "travel h",
        ]);
        for site in summary.unreachable_sites.iter().take(UNREACHABLE_ROWS) {
            sites.add_row([
                site.site.clone(),
                site.customer.clone(),
                site.tier.clone(),
                format!("{:.1}", site.allowed_hours),
                site.fastest_depot.clone().unwrap_or_else(|| "none".into()),
                site.fastest_hours
                    .map(|h| format!("{h:.2}"))
                    .unwrap_or_else(|| "unreachable".into()),
            ]);
        }
        out.push_str(&format!("{sites}\n"));
        let more = summary
            .unreachable_sites
            .len()
            .saturating_sub(UNREACHABLE_ROWS);
        if more > 0 {
            out.push_str(&format!(
                "... and {more} more, all in summary.json (`unreachable_sites`)\n"
            ));
        }
    }
    out
}

/// Sites out of reach the terminal lists; a sparse network can leave
/// hundreds, which belong in the summary file, not on the screen.
const UNREACHABLE_ROWS: usize = 10;

/// Whether the plan counted engineers (the table then shows them).
fn counts_people(summary: &PlanSummary) -> bool {
    summary.counts_people()
}

fn staffing_line(staffing: &StaffingSummary, currency: &str) -> String {
    let mut line = format!(
        "engineers ({}): {} on the roster",
        staffing.mode.name(),
        staffing.roster_positions
    );
    if staffing.unpriced_positions > 0 {
        line.push_str(&format!(
            " ({} match no shifts.csv pattern and are not priced)",
            staffing.unpriced_positions
        ));
    }
    line.push_str(&format!(
        ", {} added for {} {currency} a year (staffing.csv, roster.csv)\n",
        staffing.added_positions,
        format_money(staffing.added_cost)
    ));
    line
}

fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

/// Whole currency units with thousands separators. Amounts beyond what an
/// integer holds keep all their digits (not the integer's maximum), and a
/// number that is not finite says so.
pub(super) fn format_money(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let rounded = value.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rounded < 0.0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

#[cfg(test)]
mod money_tests {
    use super::format_money;

    #[test]
    fn money_beyond_an_integer_keeps_its_digits() {
        assert_eq!(format_money(1234.4), "1,234");
        assert_eq!(format_money(-1234.6), "-1,235");
        assert_eq!(format_money(-0.2), "0");
        // Costs within the documented ranges reach 10^20 and more; they were
        // printed as 9,223,372,036,854,775,807.
        assert_eq!(format_money(6e20), "600,000,000,000,000,000,000");
        assert_eq!(format_money(f64::INFINITY), "inf");
    }
}

#[cfg(test)]
mod table_tests {
    use super::{PlanSummary, UNREACHABLE_ROWS, plan_table};

    /// A summary with `count` sites out of reach, S0 first.
    fn summary_with_unreachable(count: usize) -> PlanSummary {
        let sites: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                serde_json::json!({
                    "site": format!("S{i}"), "customer": "C", "tier": "7x24x4",
                    "allowed_hours": 4.0, "fastest_depot": "D", "fastest_hours": 3.9
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "scenario": "s", "currency": "CNY", "total_cost": 1.0, "fixed_cost": 1.0,
            "holding_cost": 0.0, "expected_penalty": 0.0, "emergency_cost": 0.0,
            "lower_bound": 1.0, "gap": 0.0, "solver": "microlp", "status": "optimal",
            "stock_units": 0, "stock_value": 0.0, "unreachable_sites": sites,
            "tiers": [
                {"tier": "7x24x4", "target": 0.95, "expected_attainment": 0.5213,
                 "attainable": 0.5258, "demand": 144.9, "expected_breaches": 69.35},
                {"tier": "5x9-nbd", "target": 0.98, "expected_attainment": 0.9971,
                 "attainable": 1.0, "demand": 140.0, "expected_breaches": 0.41}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn the_terminal_lists_a_few_sites_out_of_reach_and_points_to_the_rest() {
        let few = plan_table(&summary_with_unreachable(UNREACHABLE_ROWS));
        assert!(few.contains(&format!("S{}", UNREACHABLE_ROWS - 1)), "{few}");
        assert!(!few.contains("more, all in summary.json"), "{few}");
        // Travel under the allowed hours is out of reach once handling is
        // added: the heading says so.
        assert!(few.contains("handling + travel > allowed h"), "{few}");
        // A target above what any plan attains is named, once.
        assert_eq!(few.matches("target cannot be met").count(), 1, "{few}");
        assert!(
            few.contains(
                "7x24x4: the 95.00% target cannot be met; the best possible plan attains 52.58%"
            ),
            "{few}"
        );

        let many = plan_table(&summary_with_unreachable(UNREACHABLE_ROWS + 78));
        assert!(many.contains(&format!("{} site(s)", UNREACHABLE_ROWS + 78)));
        assert!(
            many.contains(&format!("S{}", UNREACHABLE_ROWS - 1)),
            "{many}"
        );
        assert!(!many.contains(&format!("S{} ", UNREACHABLE_ROWS)), "{many}");
        assert!(
            many.contains("... and 78 more, all in summary.json"),
            "{many}"
        );
    }
}
