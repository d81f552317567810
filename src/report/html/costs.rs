//! Cost breakdown: the plan's yearly cost by part (engineers next to the
//! parts costs when the plan counts them), with the total as one stacked
//! bar and the proven lower bound marked on it.

use super::svg::{Scale, Svg, money, short_money, ticks};
use crate::report::view::PlanView;

const WIDTH: f64 = 520.0;
const LABEL: f64 = 170.0;
const ROW: f64 = 26.0;

/// The cost breakdown as an SVG element.
pub fn render(plan: &PlanView, currency: &str) -> String {
    let mut parts = vec![
        ("fixed (open depots)", plan.fixed_cost, "c-fixed"),
        ("holding (stock)", plan.holding_cost, "c-holding"),
        ("expected SLA penalties", plan.expected_penalty, "c-penalty"),
        ("emergency shipments", plan.emergency_cost, "c-emergency"),
    ];
    if plan.counts_people || plan.people_cost > 0.0 {
        parts.push(("engineers (people)", plan.people_cost, "c-people"));
    }
    let top = plan.total_cost.max(plan.lower_bound).max(1.0);
    let height = 30.0 + ROW * (parts.len() + 1) as f64 + 40.0;
    let mut svg = Svg::new(WIDTH, height, "chart", "Yearly cost by part");
    let x = Scale::new((0.0, top), (LABEL, WIDTH - 60.0));
    let axis_y = 20.0 + ROW * (parts.len() + 1) as f64 + 6.0;
    for tick in ticks(0.0, top, 4) {
        svg.line((x.at(tick), 14.0), (x.at(tick), axis_y), "grid");
        svg.text(
            (x.at(tick), axis_y + 14.0),
            "middle",
            "axis-label",
            &short_money(tick),
        );
    }
    // The total as one stacked bar.
    let mut y = 20.0;
    svg.text((LABEL - 8.0, y + 15.0), "end", "bar-label strong", "total");
    let mut start = 0.0;
    for &(name, value, class) in &parts {
        svg.rect(
            x.at(start),
            y + 3.0,
            x.at(start + value) - x.at(start),
            ROW - 8.0,
            class,
            Some(&format!("{name}: {} {currency}", money(value))),
        );
        start += value;
    }
    svg.text(
        (x.at(plan.total_cost) + 4.0, y + 15.0),
        "start",
        "value-label",
        &short_money(plan.total_cost),
    );
    if plan.lower_bound > 0.0 {
        let bx = x.at(plan.lower_bound);
        svg.line((bx, y), (bx, y + ROW - 2.0), "bound");
        svg.rect(
            bx - 3.0,
            y,
            6.0,
            ROW - 2.0,
            "hit",
            Some(&format!(
                "lower bound {} {currency}: no plan costs less (gap {:.2}%)",
                money(plan.lower_bound),
                plan.gap * 100.0
            )),
        );
    }
    for &(name, value, class) in &parts {
        y += ROW;
        svg.text((LABEL - 8.0, y + 15.0), "end", "bar-label", name);
        svg.rect(
            x.at(0.0),
            y + 3.0,
            x.at(value) - x.at(0.0),
            ROW - 8.0,
            class,
            Some(&format!("{name}: {} {currency}", money(value))),
        );
        svg.text(
            (x.at(value) + 4.0, y + 15.0),
            "start",
            "value-label",
            &short_money(value),
        );
    }
    svg.text(
        (WIDTH - 4.0, height - 4.0),
        "end",
        "axis-title",
        &format!("{currency} per year; | = lower bound"),
    );
    svg.finish()
}
