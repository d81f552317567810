//! Scenarios side by side: yearly cost (stacked by part where the
//! comparison gives the parts) and attainment per tier.

use super::attainment::axis_floor;
use super::svg::{Scale, Svg, money, percent, short_money, ticks};
use super::tier_class;
use crate::report::view::CompareView;

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
    let mut svg = Svg::new(WIDTH, height, "chart", "Yearly cost per scenario");
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
        svg.text(
            (x.at(row.total_cost) + 4.0, y + 15.0),
            "start",
            "value-label",
            &short_money(row.total_cost),
        );
    }
    svg.text(
        (WIDTH - 4.0, height - 4.0),
        "end",
        "axis-title",
        &if view.rows.iter().any(|r| r.people_cost.is_some()) {
            format!("{currency} per year: fixed, holding, penalties, emergency, engineers")
        } else {
            format!("{currency} per year: fixed, holding, penalties, emergency")
        },
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
