//! The stock-to-service curve: for the plan's network, the least holding
//! cost at each share of failures met in time (efficient points, see
//! [`crate::plan::curve`]), the yearly cost beyond the fixed depot costs at
//! those points, and where the plan itself sits.

use super::svg::{Scale, Svg, money, num, percent, short_money, ticks};
use crate::plan::curve::CurvePoint;
use crate::report::view::CurveView;

const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 58.0;

/// The curve as an SVG element.
pub fn render(view: &CurveView, currency: &str) -> String {
    let curve = &view.curve;
    let plan = &view.plan;
    // The axis runs from 10 points below the lower of the target and the
    // plan to just past the most the network attains; costs are shown up to
    // 2.5 times the plan's, the steep ends clipped.
    let x_low = (((view.overall_target.min(plan.attainment) - 0.10) * 20.0).floor() / 20.0)
        .clamp(0.0, 0.95);
    let x_high = ((curve.attainable + 0.005) * 100.0).ceil().min(100.0) / 100.0;
    let variable = |p: &CurvePoint| p.total_cost - curve.fixed_cost;
    let shown: Vec<&CurvePoint> = curve
        .points
        .iter()
        .filter(|p| p.attainment >= x_low - 0.02)
        .collect();
    let lowest = shown
        .iter()
        .map(|p| variable(p))
        .fold(f64::INFINITY, f64::min);
    let y_top = (variable(plan).max(lowest) * 2.5).max(1.0);
    let mut svg = Svg::new(WIDTH, HEIGHT, "chart", "Stock-to-service curve");
    let x = Scale::new((x_low, x_high), (LEFT, WIDTH - RIGHT));
    let y = Scale::new((0.0, y_top), (HEIGHT - BOTTOM, TOP));
    for tick in ticks(x_low, x_high, 5) {
        svg.line((x.at(tick), TOP), (x.at(tick), HEIGHT - BOTTOM), "grid");
        svg.text(
            (x.at(tick), HEIGHT - BOTTOM + 14.0),
            "middle",
            "axis-label",
            &percent(tick, 0),
        );
    }
    for tick in ticks(0.0, y_top, 5) {
        svg.line((LEFT, y.at(tick)), (WIDTH - RIGHT, y.at(tick)), "grid");
        svg.text(
            (LEFT - 5.0, y.at(tick) + 4.0),
            "end",
            "axis-label",
            &short_money(tick),
        );
    }
    let target_x = x.at(view.overall_target);
    svg.line((target_x, TOP), (target_x, HEIGHT - BOTTOM), "target thin");
    svg.text(
        (target_x + 3.0, TOP + 10.0),
        "start",
        "axis-label halo",
        "targets",
    );
    if curve.attainable < 1.0 - 1e-9 && curve.attainable >= x_low {
        let cap_x = x.at(curve.attainable);
        svg.line((cap_x, TOP), (cap_x, HEIGHT - BOTTOM), "cap");
        svg.text(
            (cap_x - 3.0, TOP + 24.0),
            "end",
            "axis-label halo",
            "most attainable",
        );
    }
    let line = |f: &dyn Fn(&CurvePoint) -> f64| -> Vec<(f64, f64)> {
        shown
            .iter()
            .map(|p| (x.at(p.attainment), y.at(f(p))))
            .collect()
    };
    svg.raw(&format!(
        "<clipPath id=\"curve-plot\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath><g clip-path=\"url(#curve-plot)\">",
        num(LEFT),
        num(TOP),
        num(WIDTH - RIGHT - LEFT),
        num(HEIGHT - BOTTOM - TOP)
    ));
    svg.polyline(&line(&|p| variable(p)), "curve total");
    svg.polyline(&line(&|p| p.holding_cost), "curve holding");
    svg.raw("</g>");
    let px = x.at(plan.attainment);
    svg.circle(
        (px, y.at(variable(plan))),
        5.0,
        "plan-point",
        "",
        Some(&format!(
            "this plan: {} of failures on time, {} {currency} a year beyond fixed costs ({} holding, {} penalties, {} emergency)",
            percent(plan.attainment, 2),
            money(variable(plan)),
            money(plan.holding_cost),
            money(plan.expected_penalty),
            money(plan.emergency_cost)
        )),
    );
    svg.circle(
        (px, y.at(plan.holding_cost)),
        4.0,
        "plan-point holding",
        "",
        Some(&format!(
            "this plan: {} units, holding {} {currency} a year",
            plan.stock_units,
            money(plan.holding_cost)
        )),
    );
    // Legend under the axis.
    let ly = HEIGHT - 22.0;
    svg.line((LEFT, ly), (LEFT + 22.0, ly), "curve total");
    svg.text(
        (LEFT + 26.0, ly + 4.0),
        "start",
        "legend-text",
        "holding + penalties + emergency",
    );
    svg.line((LEFT + 230.0, ly), (LEFT + 252.0, ly), "curve holding");
    svg.text(
        (LEFT + 256.0, ly + 4.0),
        "start",
        "legend-text",
        "holding only",
    );
    svg.circle((LEFT + 360.0, ly), 4.0, "plan-point", "", None);
    svg.text(
        (LEFT + 368.0, ly + 4.0),
        "start",
        "legend-text",
        "this plan",
    );
    svg.text(
        (WIDTH - 4.0, HEIGHT - 4.0),
        "end",
        "axis-title",
        &format!(
            "x: expected share of all failures on time; y: {currency} per year beyond {} fixed",
            short_money(curve.fixed_cost)
        ),
    );
    svg.finish()
}
