//! Stock value per open depot, most valuable first.

use super::svg::{Scale, Svg, money, short_money, ticks};
use crate::report::view::DepotStock;

const WIDTH: f64 = 520.0;
const LABEL: f64 = 80.0;
const ROW: f64 = 16.0;

/// Stock value per depot as an SVG element.
pub fn render(depots: &[DepotStock], currency: &str) -> String {
    let top = depots.iter().map(|d| d.value).fold(1.0f64, f64::max);
    let height = 16.0 + ROW * depots.len() as f64 + 40.0;
    let mut svg = Svg::new(WIDTH, height, "chart", "Stock value per depot");
    let x = Scale::new((0.0, top), (LABEL, WIDTH - 60.0));
    let axis_y = 10.0 + ROW * depots.len() as f64 + 4.0;
    for tick in ticks(0.0, top, 4) {
        svg.line((x.at(tick), 8.0), (x.at(tick), axis_y), "grid");
        svg.text(
            (x.at(tick), axis_y + 14.0),
            "middle",
            "axis-label",
            &short_money(tick),
        );
    }
    for (i, depot) in depots.iter().enumerate() {
        let y = 10.0 + ROW * i as f64;
        svg.text((LABEL - 6.0, y + 11.0), "end", "bar-label small", &depot.id);
        svg.rect(
            x.at(0.0),
            y + 2.0,
            x.at(depot.value) - x.at(0.0),
            ROW - 4.0,
            "bar c-holding",
            Some(&format!(
                "{} · {}: {} units worth {} {currency}",
                depot.id,
                depot.name,
                depot.units,
                money(depot.value)
            )),
        );
        svg.text(
            (x.at(depot.value) + 4.0, y + 11.0),
            "start",
            "value-label small",
            &short_money(depot.value),
        );
    }
    svg.text(
        (WIDTH - 4.0, height - 4.0),
        "end",
        "axis-title",
        &format!("stock value, {currency} (units x unit cost)"),
    );
    svg.finish()
}
