//! Output of `sparesla compare`: a side-by-side table for the terminal,
//! `compare.csv` and `compare.json` for tools (one row or object per
//! scenario, the columns documented in docs/whatif.md).

use super::OutputSet;
use super::plan::format_money;
use super::schema::compare::{CompareCsvLine, TierCells, compare_header};
use super::schema::plan::{DEPOT_COLUMNS, DepotLine, STOCK_COLUMNS, StockLine};
use super::schema::{csv_text, json_text};
use crate::plan::{Plan, Staffing};
use crate::scenario::Scenario;
use crate::whatif::{CompareRow, EventRow, EventTopUp};
use comfy_table::{Table, presets::NOTHING};
use std::io;

/// Tier ids over all rows, in order of first appearance.
fn tier_ids(rows: &[CompareRow]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for tier in rows.iter().flat_map(|r| &r.tiers) {
        if !ids.contains(&tier.tier) {
            ids.push(tier.tier.clone());
        }
    }
    ids
}

fn signed_money(value: f64) -> String {
    let text = format_money(value);
    if text.starts_with('-') || text == "0" {
        text
    } else {
        format!("+{text}")
    }
}

fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

/// The comparison for the terminal: one column per scenario, deltas against
/// the first in parentheses.
pub fn compare_table(rows: &[CompareRow]) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let currency = first.currency.as_str();
    let mut table = Table::new();
    table.load_style(NOTHING);
    let mut header = vec![String::new()];
    header.extend(rows.iter().map(|r| r.name.clone()));
    table.set_header(header);
    let mut line = |label: String, cell: &dyn Fn(usize, &CompareRow) -> String| {
        let mut cells = vec![label];
        cells.extend(rows.iter().enumerate().map(|(i, r)| cell(i, r)));
        table.add_row(cells);
    };
    let money_with_delta = |value: f64, delta: f64, i: usize| {
        if i == 0 {
            format_money(value)
        } else {
            format!("{} ({})", format_money(value), signed_money(delta))
        }
    };
    line("status".into(), &|_, r| {
        serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    });
    line(format!("total cost/yr {currency}"), &|i, r| {
        money_with_delta(r.total_cost, r.delta_total_cost, i)
    });
    line("  fixed (open depots)".into(), &|i, r| {
        money_with_delta(r.fixed_cost, r.delta_fixed_cost, i)
    });
    line("  holding (stock)".into(), &|i, r| {
        money_with_delta(r.holding_cost, r.delta_holding_cost, i)
    });
    line("  expected SLA penalties".into(), &|i, r| {
        money_with_delta(r.expected_penalty, r.delta_expected_penalty, i)
    });
    line("  emergency shipments".into(), &|i, r| {
        money_with_delta(r.emergency_cost, r.delta_emergency_cost, i)
    });
    line("  engineers".into(), &|i, r| {
        money_with_delta(r.people_cost, r.delta_people_cost, i)
    });
    line("lower bound (gap)".into(), &|_, r| {
        format!("{} ({:.2}%)", format_money(r.lower_bound), r.gap * 100.0)
    });
    line("stock units".into(), &|i, r| {
        if i == 0 {
            r.stock_units.to_string()
        } else {
            format!("{} ({:+})", r.stock_units, r.delta_stock_units)
        }
    });
    line(format!("stock value {currency}"), &|i, r| {
        money_with_delta(r.stock_value, r.delta_stock_value, i)
    });
    line("engineers".into(), &|i, r| {
        engineers_cell(r, i == 0, currency)
    });
    line("depots open".into(), &|i, r| {
        if i == 0 {
            r.depots_open_count.to_string()
        } else {
            format!(
                "{} ({:+})",
                r.depots_open_count,
                r.depots_open_count as i64 - rows[0].depots_open_count as i64
            )
        }
    });
    line("  opened".into(), &|_, r| list(&r.depots_opened));
    line("  closed".into(), &|_, r| list(&r.depots_closed));
    // The split of each tier's promise, when some plan counted engineers.
    let counts_people = rows.iter().any(|r| r.staffing != Staffing::PartsOnly);
    for tier in tier_ids(rows) {
        let find = |r: &CompareRow| r.tiers.iter().find(|t| t.tier == tier).cloned();
        let first_attainment = find(&rows[0]).map(|t| t.expected_attainment);
        line(format!("{tier} target"), &|_, r| {
            find(r).map_or("-".into(), |t| percent(t.target))
        });
        line(format!("{tier} attainment"), &|i, r| match find(r) {
            None => "-".into(),
            Some(t) => match (i, first_attainment) {
                (0, _) | (_, None) => percent(t.expected_attainment),
                (_, Some(first)) => format!(
                    "{} ({:+.2} pp)",
                    percent(t.expected_attainment),
                    (t.expected_attainment - first) * 100.0
                ),
            },
        });
        if counts_people {
            line("  parts / people".into(), &|_, r| {
                find(r).map_or("-".into(), |t| {
                    format!(
                        "{} / {}",
                        percent(t.parts_attainment),
                        percent(t.people_attainment)
                    )
                })
            });
        }
    }
    line("sites covered".into(), &|_, r| {
        format!("{} of {}", r.sites_covered, r.sites_with_demand)
    });
    line("  lost coverage".into(), &|_, r| list(&r.sites_lost));
    line("  gained coverage".into(), &|_, r| list(&r.sites_gained));
    line("sites without engineer".into(), &|i, r| {
        let count = r.sites_without_engineer.len();
        if i == 0 {
            count.to_string()
        } else {
            format!(
                "{count} ({:+})",
                count as i64 - rows[0].sites_without_engineer.len() as i64
            )
        }
    });
    line("  added".into(), &|_, r| list(&r.engineer_gaps_added));
    line("  removed".into(), &|_, r| list(&r.engineer_gaps_removed));
    if rows.iter().any(|r| r.event.is_some()) {
        line("event days".into(), &|_, r| {
            event_cell(r, |e| e.event_days.to_string())
        });
        line(format!("event top-up units ({currency})"), &|_, r| {
            event_cell(r, |e| {
                format!("+{} ({})", e.extra_units, format_money(e.extra_value))
            })
        });
        line(format!("event holding {currency}"), &|_, r| {
            event_cell(r, |e| format_money(e.event_holding_cost))
        });
        line("event affected sites".into(), &|_, r| {
            event_cell(r, |e| e.affected_sites.to_string())
        });
        line("  breaches, ordinary days".into(), &|_, r| {
            event_cell(r, |e| format!("{:.4}", e.breaches_ordinary))
        });
        line("  breaches, event, today's stock".into(), &|_, r| {
            event_cell(r, |e| format!("{:.4}", e.breaches_today))
        });
        line("  breaches, event, topped up".into(), &|_, r| {
            event_cell(r, |e| format!("{:.4}", e.breaches_topped_up))
        });
        line("  of which at sites out of reach".into(), &|_, r| {
            event_cell(r, |e| format!("{:.4}", e.breaches_out_of_reach))
        });
        // Sites reached today that the event's tiers put out of reach; the
        // line above also counts sites no depot reaches on any day.
        line("sites out of reach only in the event".into(), &|_, r| {
            event_cell(r, |e| list(&e.uncovered_sites))
        });
    }
    format!(
        "compare: deltas against {} ({} view of temporary changes)\n{table}\n",
        first.name,
        serde_json::to_value(first.temporary_view)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    )
}

/// The engineers a plan counts: its staffing mode, the roster and the
/// positions it added with their yearly cost (and, after the first column,
/// the change in added positions).
fn engineers_cell(row: &CompareRow, first: bool, currency: &str) -> String {
    if row.staffing == Staffing::PartsOnly {
        return "not counted (parts-only)".into();
    }
    let mut cell = format!(
        "{}: {} roster + {} added",
        row.staffing.name(),
        row.roster_positions,
        row.added_positions
    );
    if !first {
        cell.push_str(&format!(" ({:+})", row.delta_added_positions));
    }
    if row.added_positions > 0 {
        cell.push_str(&format!(
            " for {} {currency}",
            format_money(row.added_people_cost)
        ));
    }
    cell
}

/// A cell of the event rows; `-` for a scenario without temporary changes.
fn event_cell(row: &CompareRow, cell: impl Fn(&EventRow) -> String) -> String {
    row.event.as_ref().map_or_else(|| "-".into(), cell)
}

/// A list for a table cell; long lists are cut with a count.
fn list(items: &[String]) -> String {
    const SHOWN: usize = 6;
    if items.is_empty() {
        return "-".into();
    }
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if items.len() > SHOWN {
        text.push_str(&format!(" +{} more", items.len() - SHOWN));
    }
    text
}

/// `compare.csv`: one row per scenario; per-tier columns for every tier of
/// any scenario (empty where a scenario lacks the tier); lists joined by `;`.
pub fn compare_csv(rows: &[CompareRow]) -> io::Result<String> {
    let tiers = tier_ids(rows);
    csv_text(
        compare_header(&tiers),
        rows.iter().map(|row| csv_line(row, &tiers)),
    )
}

/// A scenario's row of compare.csv, with the cells of `tiers`.
fn csv_line(r: &CompareRow, tiers: &[String]) -> CompareCsvLine {
    let event = r.event.as_ref();
    let list = |pick: fn(&EventRow) -> &Vec<String>| event.map(pick).cloned().unwrap_or_default();
    CompareCsvLine {
        name: r.name.clone(),
        path: r.path.clone(),
        currency: r.currency.clone(),
        temporary_view: json_word(&r.temporary_view),
        status: json_word(&r.status),
        solver: r.solver.clone(),
        total_cost: r.total_cost,
        fixed_cost: r.fixed_cost,
        holding_cost: r.holding_cost,
        expected_penalty: r.expected_penalty,
        emergency_cost: r.emergency_cost,
        lower_bound: r.lower_bound,
        gap: r.gap,
        stock_units: r.stock_units,
        stock_value: r.stock_value,
        depots_open_count: r.depots_open_count,
        depots_open: r.depots_open.clone(),
        depots_opened: r.depots_opened.clone(),
        depots_closed: r.depots_closed.clone(),
        sites_with_demand: r.sites_with_demand,
        sites_covered: r.sites_covered,
        sites_lost: r.sites_lost.clone(),
        sites_gained: r.sites_gained.clone(),
        sites_without_engineer: r.sites_without_engineer.clone(),
        engineer_gaps_added: r.engineer_gaps_added.clone(),
        engineer_gaps_removed: r.engineer_gaps_removed.clone(),
        event_days: r.event_days,
        delta_total_cost: r.delta_total_cost,
        delta_fixed_cost: r.delta_fixed_cost,
        delta_holding_cost: r.delta_holding_cost,
        delta_expected_penalty: r.delta_expected_penalty,
        delta_emergency_cost: r.delta_emergency_cost,
        delta_stock_units: r.delta_stock_units,
        delta_stock_value: r.delta_stock_value,
        event_extra_units: event.map(|e| e.extra_units),
        event_extra_value: event.map(|e| e.extra_value),
        event_holding_cost: event.map(|e| e.event_holding_cost),
        event_affected_sites: event.map(|e| e.affected_sites),
        event_breaches_ordinary: event.map(|e| e.breaches_ordinary),
        event_breaches_today: event.map(|e| e.breaches_today),
        event_breaches_topped_up: event.map(|e| e.breaches_topped_up),
        event_breaches_out_of_reach: event.map(|e| e.breaches_out_of_reach),
        event_uncovered_sites: list(|e| &e.uncovered_sites),
        event_short_pools: list(|e| &e.short_pools),
        event_top_up: event
            .map(|e| {
                e.top_up
                    .iter()
                    .map(|t| format!("{}/{}:{}>{}", t.depot, t.part, t.stock, t.event_stock))
                    .collect()
            })
            .unwrap_or_default(),
        staffing: json_word(&r.staffing),
        people_cost: r.people_cost,
        roster_positions: r.roster_positions,
        added_positions: r.added_positions,
        added_people_cost: r.added_people_cost,
        delta_people_cost: r.delta_people_cost,
        delta_added_positions: r.delta_added_positions,
        tiers: tiers
            .iter()
            .map(|tier| {
                r.tiers
                    .iter()
                    .find(|t| &t.tier == tier)
                    .map(|t| TierCells {
                        target: Some(t.target),
                        attainment: Some(t.expected_attainment),
                        attainable: Some(t.attainable),
                        breaches: Some(t.expected_breaches),
                    })
                    .unwrap_or_default()
            })
            .collect(),
    }
}

fn json_word(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `compare.json`: an array with one object per scenario.
pub fn compare_json(rows: &[CompareRow]) -> io::Result<String> {
    json_text(&rows)
}

/// `compare.csv` and `compare.json`; the caller nests the plans under `plans/`.
pub fn compare_set(rows: &[CompareRow]) -> io::Result<OutputSet> {
    let mut set = OutputSet::new("compare");
    set.add("compare.csv", compare_csv(rows)?);
    set.add("compare.json", compare_json(rows)?);
    Ok(set)
}

/// The event's stock as a plan folder (`depots.csv` and `stock.csv` in the
/// formats of `sparesla plan`): today's open depots, the event stock levels,
/// the event demand and fill rates.
pub fn event_plan_set(
    scenario: &Scenario,
    today: &Plan,
    top_up: &EventTopUp,
) -> io::Result<OutputSet> {
    let depots = scenario.depots.len();
    let mut units = vec![0u64; depots];
    let mut value = vec![0.0; depots];
    for line in &top_up.lines {
        units[line.depot.index()] += u64::from(line.event_stock);
        value[line.depot.index()] +=
            f64::from(line.event_stock) * scenario.part(line.part).unit_cost;
    }
    let mut served = vec![0usize; depots];
    for depot in top_up.serving.iter().flatten() {
        served[depot.index()] += 1;
    }
    let depot_lines = scenario
        .depots
        .iter()
        .enumerate()
        .map(|(d, depot)| DepotLine {
            depot: depot.id.clone(),
            open: today.open[d],
            fixed_cost: Some(depot.fixed_cost),
            stock_units: units[d],
            stock_value: value[d],
            sites_served: Some(served[d] as u64),
        });
    let depots_csv = csv_text(DEPOT_COLUMNS, depot_lines)?;
    let stock_lines = top_up.lines.iter().map(|line| StockLine {
        depot: scenario.depot(line.depot).id.clone(),
        part: scenario.part(line.part).id.clone(),
        stock: line.event_stock,
        demand_per_year: Some(line.event_demand),
        fill_rate: Some(line.event_fill),
    });
    let stock_csv = csv_text(STOCK_COLUMNS, stock_lines)?;
    let mut set = OutputSet::new("compare");
    set.add("depots.csv", depots_csv);
    set.add("stock.csv", stock_csv);
    Ok(set)
}
