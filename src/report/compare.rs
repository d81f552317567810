//! Output of `sparesla compare`: a side-by-side table for the terminal,
//! `compare.csv` and `compare.json` for tools (one row or object per
//! scenario, the columns documented in the README).

use super::OutputSet;
use super::plan::format_money;
use crate::plan::Plan;
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
        line("  of which out of reach".into(), &|_, r| {
            event_cell(r, |e| format!("{:.4}", e.breaches_out_of_reach))
        });
        line("event sites out of reach".into(), &|_, r| {
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
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "name",
        "path",
        "currency",
        "temporary_view",
        "status",
        "solver",
        "total_cost",
        "fixed_cost",
        "holding_cost",
        "expected_penalty",
        "emergency_cost",
        "lower_bound",
        "gap",
        "stock_units",
        "stock_value",
        "depots_open_count",
        "depots_open",
        "depots_opened",
        "depots_closed",
        "sites_with_demand",
        "sites_covered",
        "sites_lost",
        "sites_gained",
        "sites_without_engineer",
        "engineer_gaps_added",
        "engineer_gaps_removed",
        "event_days",
        "delta_total_cost",
        "delta_fixed_cost",
        "delta_holding_cost",
        "delta_expected_penalty",
        "delta_emergency_cost",
        "delta_stock_units",
        "delta_stock_value",
        "event_extra_units",
        "event_extra_value",
        "event_holding_cost",
        "event_affected_sites",
        "event_breaches_ordinary",
        "event_breaches_today",
        "event_breaches_topped_up",
        "event_breaches_out_of_reach",
        "event_uncovered_sites",
        "event_short_pools",
        "event_top_up",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for tier in &tiers {
        for what in ["target", "attainment", "attainable", "breaches"] {
            header.push(format!("{what}_{tier}"));
        }
    }
    writer.write_record(&header).map_err(io::Error::other)?;
    let number = |v: f64| format!("{v:.6}");
    for r in rows {
        let mut record = vec![
            r.name.clone(),
            r.path.clone(),
            r.currency.clone(),
            json_word(&r.temporary_view),
            json_word(&r.status),
            r.solver.clone(),
            number(r.total_cost),
            number(r.fixed_cost),
            number(r.holding_cost),
            number(r.expected_penalty),
            number(r.emergency_cost),
            number(r.lower_bound),
            number(r.gap),
            r.stock_units.to_string(),
            number(r.stock_value),
            r.depots_open_count.to_string(),
            r.depots_open.join(";"),
            r.depots_opened.join(";"),
            r.depots_closed.join(";"),
            r.sites_with_demand.to_string(),
            r.sites_covered.to_string(),
            r.sites_lost.join(";"),
            r.sites_gained.join(";"),
            r.sites_without_engineer.join(";"),
            r.engineer_gaps_added.join(";"),
            r.engineer_gaps_removed.join(";"),
            r.event_days.to_string(),
            number(r.delta_total_cost),
            number(r.delta_fixed_cost),
            number(r.delta_holding_cost),
            number(r.delta_expected_penalty),
            number(r.delta_emergency_cost),
            r.delta_stock_units.to_string(),
            number(r.delta_stock_value),
        ];
        match &r.event {
            Some(e) => record.extend([
                e.extra_units.to_string(),
                number(e.extra_value),
                number(e.event_holding_cost),
                e.affected_sites.to_string(),
                number(e.breaches_ordinary),
                number(e.breaches_today),
                number(e.breaches_topped_up),
                number(e.breaches_out_of_reach),
                e.uncovered_sites.join(";"),
                e.short_pools.join(";"),
                e.top_up
                    .iter()
                    .map(|t| format!("{}/{}:{}>{}", t.depot, t.part, t.stock, t.event_stock))
                    .collect::<Vec<_>>()
                    .join(";"),
            ]),
            None => record.extend(std::iter::repeat_n(String::new(), 11)),
        }
        for tier in &tiers {
            match r.tiers.iter().find(|t| &t.tier == tier) {
                Some(t) => record.extend([
                    number(t.target),
                    number(t.expected_attainment),
                    number(t.attainable),
                    number(t.expected_breaches),
                ]),
                None => record.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        writer.write_record(&record).map_err(io::Error::other)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

fn json_word(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `compare.json`: an array with one object per scenario.
pub fn compare_json(rows: &[CompareRow]) -> io::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(rows)?))
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
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "depot",
            "open",
            "fixed_cost",
            "stock_units",
            "stock_value",
            "sites_served",
        ])
        .map_err(io::Error::other)?;
    for (d, depot) in scenario.depots.iter().enumerate() {
        writer
            .write_record([
                depot.id.clone(),
                today.open[d].to_string(),
                format!("{}", depot.fixed_cost),
                units[d].to_string(),
                format!("{:.0}", value[d]),
                served[d].to_string(),
            ])
            .map_err(io::Error::other)?;
    }
    let depots_csv = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["depot", "part", "stock", "demand_per_year", "fill_rate"])
        .map_err(io::Error::other)?;
    for line in &top_up.lines {
        writer
            .write_record([
                scenario.depot(line.depot).id.clone(),
                scenario.part(line.part).id.clone(),
                line.event_stock.to_string(),
                format!("{:.6}", line.event_demand),
                format!("{:.6}", line.event_fill),
            ])
            .map_err(io::Error::other)?;
    }
    let stock_csv = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut set = OutputSet::new("compare");
    set.add("depots.csv", depots_csv);
    set.add("stock.csv", stock_csv);
    Ok(set)
}
