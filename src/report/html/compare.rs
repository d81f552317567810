//! Scenarios side by side: yearly cost (stacked by part where the
//! comparison gives the parts) and attainment per tier.

use super::attainment::axis_floor;
use super::svg::{Scale, Svg, esc, money, percent, short_money, ticks};
use super::tier_class;
use crate::report::view::CompareView;
use std::fmt::Write;

const WIDTH: f64 = 520.0;
const LABEL: f64 = 150.0;
const ROW: f64 = 24.0;

/// Yearly cost per scenario as an SVG element.
pub fn costs(view: &CompareView, currency: &str) -> String {
    let top = view
        .rows
        .iter()
        .map(|r| r.total_cost)
        .fold(1.0f64, f64::max);
    let height = 16.0 + ROW * view.rows.len() as f64 + 40.0;
    // Room below for the legend.
    let mut svg = Svg::new(WIDTH, height + 24.0, "chart", "Yearly cost per scenario");
    let x = Scale::new((0.0, top), (LABEL, WIDTH - 60.0));
    let axis_y = 10.0 + ROW * view.rows.len() as f64 + 4.0;
    for tick in ticks(0.0, top, 4) {
        svg.line((x.at(tick), 8.0), (x.at(tick), axis_y), "grid");
        svg.text(
            (x.at(tick), axis_y + 14.0),
            "middle",
            "axis-label",
            &short_money(tick),
        );
    }
    for (i, row) in view.rows.iter().enumerate() {
        let y = 10.0 + ROW * i as f64;
        svg.text((LABEL - 8.0, y + 15.0), "end", "bar-label", &row.name);
        let parts = [
            ("fixed", row.fixed_cost, "c-fixed"),
            ("holding", row.holding_cost, "c-holding"),
            ("expected penalties", row.expected_penalty, "c-penalty"),
            ("emergency", row.emergency_cost, "c-emergency"),
            ("engineers", row.people_cost, "c-people"),
        ];
        let known: f64 = parts.iter().filter_map(|(_, v, _)| *v).sum();
        let mut start = 0.0;
        for (name, value, class) in parts {
            let Some(value) = value else { continue };
            svg.rect(
                x.at(start),
                y + 3.0,
                x.at(start + value) - x.at(start),
                ROW - 8.0,
                class,
                Some(&format!("{}: {name} {} {currency}", row.name, money(value))),
            );
            start += value;
        }
        // Whatever the parts given do not explain (or all of it).
        let rest = row.total_cost - known;
        if rest > row.total_cost * 1e-6 {
            svg.rect(
                x.at(start),
                y + 3.0,
                x.at(start + rest) - x.at(start),
                ROW - 8.0,
                "c-other",
                Some(&format!(
                    "{}: {} {currency} not broken down",
                    row.name,
                    money(rest)
                )),
            );
        }
        // The total, and for every scenario after the first its difference.
        let total = match view.rows.first() {
            Some(first) if i > 0 => format!(
                "{} ({})",
                short_money(row.total_cost),
                signed(row.total_cost - first.total_cost, "money")
            ),
            _ => short_money(row.total_cost),
        };
        svg.text(
            (x.at(row.total_cost) + 4.0, y + 15.0),
            "start",
            "value-label",
            &total,
        );
    }
    // The legend: one swatch per cost part drawn.
    let mut lx = 8.0;
    let ly = height + 6.0;
    for (name, class, present) in [
        (
            "fixed",
            "c-fixed",
            view.rows.iter().any(|r| r.fixed_cost.is_some()),
        ),
        (
            "holding",
            "c-holding",
            view.rows.iter().any(|r| r.holding_cost.is_some()),
        ),
        (
            "penalties",
            "c-penalty",
            view.rows.iter().any(|r| r.expected_penalty.is_some()),
        ),
        (
            "emergency",
            "c-emergency",
            view.rows.iter().any(|r| r.emergency_cost.is_some()),
        ),
        (
            "engineers",
            "c-people",
            view.rows.iter().any(|r| r.people_cost.is_some()),
        ),
    ] {
        if !present {
            continue;
        }
        svg.rect(lx, ly, 10.0, 10.0, class, None);
        svg.text((lx + 14.0, ly + 9.0), "start", "legend-text", name);
        lx += 24.0 + 6.6 * name.len() as f64;
    }
    svg.text(
        (WIDTH - 4.0, ly + 9.0),
        "end",
        "axis-title",
        &format!("{currency} per year"),
    );
    svg.finish()
}

/// Attainment per tier and scenario as an SVG element; `None` when the
/// comparison gives no attainment.
pub fn attainment(view: &CompareView) -> Option<String> {
    if view.tiers.is_empty() {
        return None;
    }
    let shares = view
        .rows
        .iter()
        .flat_map(|r| r.attainment.iter().chain(&r.targets).map(|(_, v)| *v));
    let floor = axis_floor(shares);
    let bar = 12.0;
    // Each tier: a title line, then one bar per scenario.
    let head = 16.0;
    let group = head + bar * view.rows.len() as f64 + 8.0;
    let height = 16.0 + group * view.tiers.len() as f64 + 40.0;
    let mut svg = Svg::new(WIDTH, height, "chart", "Attainment per tier and scenario");
    let x = Scale::new((floor, 1.0), (LABEL, WIDTH - 60.0));
    let axis_y = 10.0 + group * view.tiers.len() as f64;
    for tick in ticks(floor, 1.0, 5) {
        svg.line((x.at(tick), 8.0), (x.at(tick), axis_y), "grid");
        svg.text(
            (x.at(tick), axis_y + 14.0),
            "middle",
            "axis-label",
            &percent(tick, 0),
        );
    }
    for (t, tier) in view.tiers.iter().enumerate() {
        let y0 = 10.0 + group * t as f64;
        svg.text((LABEL - 8.0, y0 + 11.0), "end", "bar-label strong", tier);
        for (i, row) in view.rows.iter().enumerate() {
            let y = y0 + head + bar * i as f64;
            svg.text((LABEL - 8.0, y + 9.0), "end", "bar-label small", &row.name);
            let Some((_, share)) = row.attainment.iter().find(|(id, _)| id == tier) else {
                continue;
            };
            svg.rect(
                x.at(floor),
                y + 1.0,
                x.at(share.max(floor)) - x.at(floor),
                bar - 2.0,
                &format!("bar {}", tier_class(t)),
                Some(&format!("{} · {tier}: {}", row.name, percent(*share, 2))),
            );
            svg.text(
                (x.at(share.max(floor)) + 4.0, y + 9.0),
                "start",
                "value-label small",
                &percent(*share, 2),
            );
            if let Some((_, target)) = row.targets.iter().find(|(id, _)| id == tier) {
                let tx = x.at(target.max(floor));
                svg.line((tx, y), (tx, y + bar), "target");
            }
        }
    }
    svg.text(
        (WIDTH - 4.0, height - 4.0),
        "end",
        "axis-title",
        &format!(
            "expected share on time; axis starts at {}; black = target",
            percent(floor, 0)
        ),
    );
    Some(svg.finish())
}

/// What changed from the first scenario to each other one: depots opened
/// and closed, sites that gained or lost coverage, stock and people.
pub fn changes(view: &CompareView, currency: &str) -> String {
    let Some((base, others)) = view.plans.split_first() else {
        return String::new();
    };
    let mut out = String::from("<div class=\"changes\">\n");
    for other in others {
        let _ = write!(
            out,
            "<h3>What changed: {} against {}</h3>\n<ul data-changes=\"{}\">",
            esc(&other.scenario),
            esc(&base.scenario),
            esc(&other.scenario)
        );
        let opened: Vec<&str> = other
            .open_depots
            .difference(&base.open_depots)
            .map(String::as_str)
            .collect();
        let closed: Vec<&str> = base
            .open_depots
            .difference(&other.open_depots)
            .map(String::as_str)
            .collect();
        let gained: Vec<&str> = other
            .covered_sites
            .difference(&base.covered_sites)
            .map(String::as_str)
            .collect();
        let lost: Vec<&str> = base
            .covered_sites
            .difference(&other.covered_sites)
            .map(String::as_str)
            .collect();
        item(&mut out, "depots opened", &opened);
        item(&mut out, "depots closed", &closed);
        item(&mut out, "sites that gained coverage", &gained);
        item(&mut out, "sites that lost coverage", &lost);
        let units =
            |d: &crate::report::read::PlanDigest| d.stock.values().map(|s| s.0).sum::<u64>();
        let value =
            |d: &crate::report::read::PlanDigest| d.stock.values().map(|s| s.1).sum::<f64>();
        let _ = write!(
            out,
            "<li><b>stock</b>: {} units worth {} {currency} ({} units, {} {currency})</li>",
            units(other),
            short_money(value(other)),
            signed(units(other) as f64 - units(base) as f64, ""),
            signed(value(other) - value(base), "money"),
            currency = esc(currency)
        );
        let mut moved: Vec<(f64, String)> = base
            .stock
            .keys()
            .chain(other.stock.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter_map(|depot| {
                let before = base.stock.get(depot).map_or(0, |s| s.0) as f64;
                let after = other.stock.get(depot).map_or(0, |s| s.0) as f64;
                (before != after).then(|| {
                    (
                        after - before,
                        format!("{depot} {}", signed(after - before, "")),
                    )
                })
            })
            .collect();
        moved.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
        if !moved.is_empty() {
            let shown: Vec<&str> = moved.iter().take(8).map(|m| m.1.as_str()).collect();
            let _ = write!(
                out,
                "<li><b>stock units by depot</b>, largest changes: {}{}</li>",
                esc(&shown.join(", ")),
                if moved.len() > 8 {
                    format!(" and {} more", moved.len() - 8)
                } else {
                    String::new()
                }
            );
        }
        match (base.positions, other.positions) {
            (Some(b), Some(o)) => {
                let _ = write!(
                    out,
                    "<li><b>engineers</b>: {o} positions ({}), people {} {currency} a year ({})</li>",
                    signed(o as f64 - b as f64, ""),
                    short_money(other.people_cost),
                    signed(other.people_cost - base.people_cost, "money"),
                    currency = esc(currency)
                );
            }
            _ => out.push_str("<li><b>engineers</b>: not counted by both plans</li>"),
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</div>\n");
    out
}

fn item(out: &mut String, what: &str, ids: &[&str]) {
    const SHOWN: usize = 20;
    let list = if ids.is_empty() {
        "none".to_string()
    } else if ids.len() > SHOWN {
        format!(
            "{} and {} more",
            esc(&ids[..SHOWN].join(", ")),
            ids.len() - SHOWN
        )
    } else {
        esc(&ids.join(", "))
    };
    let _ = write!(out, "<li><b>{what}</b> ({}): {list}</li>", ids.len());
}

/// A change with its sign: `+3`, `-1.2 M`, `±0`.
fn signed(delta: f64, kind: &str) -> String {
    if delta.abs() < 0.5 {
        return "±0".to_string();
    }
    let sign = if delta > 0.0 { "+" } else { "-" };
    if kind == "money" {
        format!("{sign}{}", short_money(delta.abs()))
    } else {
        format!("{sign}{:.0}", delta.abs())
    }
}
