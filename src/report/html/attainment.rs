//! Attainment per tier: the expected share of failures met in time against
//! the tier's target and the most any plan can attain.
//!
//! Shares sit near 100%, so the axis starts where the data does (a round
//! value below the lowest share shown) and says so.

use super::svg::{Scale, Svg, percent, ticks};
use super::tier_class;
use crate::report::read::TierFile;

const WIDTH: f64 = 520.0;
const LABEL: f64 = 90.0;
const ROW: f64 = 34.0;

/// The axis start: 5 points below the lowest share, rounded down to 5%.
pub fn axis_floor(shares: impl Iterator<Item = f64>) -> f64 {
    let lowest = shares.fold(1.0f64, f64::min);
    (((lowest - 0.05) * 20.0).floor() / 20.0).clamp(0.0, 0.95)
}

/// The tiers' attainment as an SVG element; with `people`, each bar's hover
/// text splits the promise into its parts and people halves.
pub fn render(tiers: &[TierFile], people: bool) -> String {
    let floor = axis_floor(
        tiers
            .iter()
            .flat_map(|t| [t.expected_attainment, t.target, t.attainable]),
    );
    let height = 24.0 + ROW * tiers.len() as f64 + 44.0;
    let mut svg = Svg::new(WIDTH, height, "chart", "Attainment per tier against target");
    let x = Scale::new((floor, 1.0), (LABEL, WIDTH - 70.0));
    let axis_y = 16.0 + ROW * tiers.len() as f64 + 4.0;
    for tick in ticks(floor, 1.0, 5) {
        svg.line((x.at(tick), 10.0), (x.at(tick), axis_y), "grid");
        svg.text(
            (x.at(tick), axis_y + 14.0),
            "middle",
            "axis-label",
            &percent(tick, 0),
        );
    }
    for (i, tier) in tiers.iter().enumerate() {
        let y = 16.0 + ROW * i as f64;
        svg.text((LABEL - 8.0, y + 17.0), "end", "bar-label", &tier.tier);
        let met = tier.expected_attainment + 1e-9 >= tier.target.min(tier.attainable);
        svg.rect(
            x.at(floor),
            y + 5.0,
            x.at(tier.expected_attainment.max(floor)) - x.at(floor),
            ROW - 12.0,
            &format!("bar {}{}", tier_class(i), if met { "" } else { " missed" }),
            Some(&format!(
                "{}: expected {} on time, target {}, attainable {}; {:.1} failures a year, {:.2} expected breaches{}",
                tier.tier,
                percent(tier.expected_attainment, 2),
                percent(tier.target, 2),
                percent(tier.attainable, 2),
                tier.demand,
                tier.expected_breaches,
                if people {
                    format!(
                        "; parts {}, people {}",
                        percent(tier.parts_attainment, 2),
                        percent(tier.people_attainment, 2)
                    )
                } else {
                    String::new()
                }
            )),
        );
        let tx = x.at(tier.target.max(floor));
        svg.line((tx, y + 1.0), (tx, y + ROW - 3.0), "target");
        let ax = x.at(tier.attainable.max(floor));
        if tier.attainable < 1.0 - 1e-9 {
            svg.line((ax, y + 1.0), (ax, y + ROW - 3.0), "cap");
        }
        svg.text(
            (WIDTH - 66.0, y + 17.0),
            "start",
            "value-label",
            &percent(tier.expected_attainment, 2),
        );
    }
    svg.text(
        (WIDTH - 4.0, height - 4.0),
        "end",
        "axis-title",
        &format!(
            "expected share on time; axis starts at {}; black = target, red dashed = attainable",
            percent(floor, 0)
        ),
    );
    svg.finish()
}
