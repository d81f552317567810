//! The simulation section: each tier's promise (the plan's expected share
//! on time) against its target and against what the simulation measured,
//! with the simulation's 95% interval, and the customers the simulation
//! found worst served, with the main reason their repairs were late.

use super::svg::{Scale, Svg, esc, percent};
use super::tier_class;
use crate::report::schema::simulate::{CustomerLine, ReasonCounts, SimulationReport};
use std::fmt::Write;

const WIDTH: f64 = 1000.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 120.0;
const ROW: f64 = 46.0;
const TOP: f64 = 34.0;
/// Customers listed, worst first.
const WORST: usize = 8;

/// The whole section, or nothing for a report without `--simulate`.
pub fn section(report: &SimulationReport, tier_order: &[String]) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<section id=\"simulation\">\n<h2>Promise against simulation</h2>\n<p class=\"note\">{runs} simulated runs of {days} days from {start} (seed {seed}), \
         {incidents} incidents a run. The plan promises each tier an expected share on time (dot); the simulation measures it (bar: the 95% interval, \
         tick: the mean); the dashed line is the tier's target. A promise inside the interval is borne out; outside it, the plan's model and the simulated network disagree.</p>\n<figure>{chart}</figure>\n",
        runs = report.runs,
        days = report.days,
        start = esc(&report.start_date),
        seed = report.seed,
        incidents = format_args!("{:.0}", report.incidents_per_run.mean),
        chart = chart(report, tier_order),
    );
    html.push_str(&tier_table(report));
    html.push_str(&worst_customers(&report.customers));
    html.push_str("</section>\n");
    html
}

fn chart(report: &SimulationReport, tier_order: &[String]) -> String {
    let rows = report.tiers.len().max(1) as f64;
    let height = TOP + rows * ROW + 30.0;
    let mut svg = Svg::new(
        WIDTH,
        height,
        "simulation-chart",
        "Promised and simulated share on time per tier",
    );
    let low = report
        .tiers
        .iter()
        .flat_map(|t| {
            [
                Some(t.target),
                t.promised,
                t.attainment.and_then(|a| a.ci_low.or(Some(a.mean))),
            ]
        })
        .flatten()
        .fold(1.0f64, f64::min);
    let low = ((low - 0.02).max(0.0) * 20.0).floor() / 20.0;
    let x = Scale::new((low, 1.0), (LEFT, WIDTH - RIGHT));
    let mut tick = low;
    while tick <= 1.0 + 1e-9 {
        svg.line((x.at(tick), TOP - 8.0), (x.at(tick), height - 24.0), "grid");
        svg.text(
            (x.at(tick), height - 10.0),
            "middle",
            "axis-label",
            &percent(tick, 0),
        );
        tick += 0.05;
    }
    for (row, tier) in report.tiers.iter().enumerate() {
        let y = TOP + row as f64 * ROW + ROW / 2.0;
        let class = tier_class(
            tier_order
                .iter()
                .position(|t| *t == tier.tier)
                .unwrap_or(usize::MAX),
        );
        svg.text(
            (LEFT - 10.0, y + 4.0),
            "end",
            "bar-label strong",
            &tier.tier,
        );
        svg.line(
            (x.at(tier.target), y - 14.0),
            (x.at(tier.target), y + 14.0),
            "target thin",
        );
        let mut tip = format!("{}: target {}", tier.tier, percent(tier.target, 1));
        if let Some(a) = tier.attainment {
            let (lo, hi) = (a.ci_low.unwrap_or(a.mean), a.ci_high.unwrap_or(a.mean));
            let _ = write!(
                tip,
                "\nsimulated {} (95% interval {} to {})",
                percent(a.mean, 2),
                percent(lo, 2),
                percent(hi, 2)
            );
            svg.rect(
                x.at(lo),
                y - 6.0,
                (x.at(hi) - x.at(lo)).max(2.0),
                12.0,
                &format!("bar interval {class}"),
                Some(&tip),
            );
            svg.line((x.at(a.mean), y - 9.0), (x.at(a.mean), y + 9.0), "mean");
            svg.text(
                (x.at(a.mean), y + 20.0),
                "middle",
                "value-label",
                &format!("simulated {}", percent(a.mean, 1)),
            );
        }
        if let Some(promised) = tier.promised {
            svg.circle(
                (x.at(promised), y),
                5.0,
                "promise",
                "",
                Some(&format!("{}: promised {}", tier.tier, percent(promised, 2))),
            );
            svg.text(
                (x.at(promised), y - 11.0),
                "middle",
                "value-label",
                &format!("promised {}", percent(promised, 1)),
            );
        }
    }
    svg.finish()
}

fn tier_table(report: &SimulationReport) -> String {
    let mut out = String::from(
        "<table class=\"simulated-tiers\"><tr><th>tier</th><th class=\"n\">target</th><th class=\"n\">promised</th>\
         <th class=\"n\">simulated</th><th class=\"n\">95% interval</th><th>promise</th><th class=\"n\">breaches a run</th></tr>",
    );
    for tier in &report.tiers {
        let (mean, interval) = match tier.attainment {
            Some(a) => (
                percent(a.mean, 2),
                match (a.ci_low, a.ci_high) {
                    (Some(lo), Some(hi)) => format!("{} – {}", percent(lo, 2), percent(hi, 2)),
                    _ => "one run".to_string(),
                },
            ),
            None => ("no incident".to_string(), String::new()),
        };
        let verdict = match tier.promise_inside_ci {
            Some(true) => "borne out",
            Some(false) => "outside the interval",
            None => "",
        };
        let _ = write!(
            out,
            "<tr data-sim-tier=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{mean}</td>\
             <td class=\"n\">{interval}</td><td>{verdict}</td><td class=\"n\">{:.1}</td></tr>",
            esc(&tier.tier),
            esc(&tier.tier),
            percent(tier.target, 2),
            tier.promised.map(|p| percent(p, 2)).unwrap_or_default(),
            tier.breaches_per_run.mean,
        );
    }
    out.push_str("</table>\n");
    out
}

/// The reason behind most of a customer's late repairs, in words.
fn main_reason(reasons: &ReasonCounts) -> &'static str {
    let all = [
        (reasons.site_out_of_reach, "site out of reach"),
        (reasons.no_stock_in_reach, "no stock in reach"),
        (reasons.no_qualified_engineer, "no qualified engineer"),
        (reasons.engineers_busy, "engineers busy"),
        (reasons.no_engineer_in_time, "no engineer in time"),
    ];
    all.iter()
        .filter(|(count, _)| *count > 0.0)
        .fold(None::<(f64, &str)>, |best, (count, name)| match best {
            Some((b, _)) if b >= *count => best,
            _ => Some((*count, name)),
        })
        .map_or("none", |(_, name)| name)
}

fn worst_customers(customers: &[CustomerLine]) -> String {
    let mut worst: Vec<&CustomerLine> = customers
        .iter()
        .filter(|c| c.breaches_per_run.mean > 0.0)
        .collect();
    worst.sort_by(|a, b| {
        b.breaches_per_run
            .mean
            .total_cmp(&a.breaches_per_run.mean)
            .then(a.customer.cmp(&b.customer))
    });
    worst.truncate(WORST);
    if worst.is_empty() {
        return "<h3>Worst-served customers</h3><p class=\"note\">No customer had a late repair in the simulation.</p>\n"
            .to_string();
    }
    let mut out = String::from(
        "<h3>Worst-served customers</h3><table class=\"worst\"><tr><th>customer</th><th>tiers</th><th class=\"n\">sites</th>\
         <th class=\"n\">on time</th><th class=\"n\">late a run</th><th>main reason</th></tr>",
    );
    for c in worst {
        let _ = write!(
            out,
            "<tr data-worst=\"{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td>{}</td></tr>",
            esc(&c.customer),
            esc(&c.customer),
            esc(&c.tiers.join(", ")),
            c.sites,
            c.attainment.map(|a| percent(a.mean, 1)).unwrap_or_default(),
            c.breaches_per_run.mean,
            main_reason(&c.breaches_by_reason),
        );
    }
    out.push_str("</table>\n");
    out
}

/// CSS of the section.
pub const STYLE: &str = "
.bar.interval { fill-opacity: 0.55; }
.mean { stroke: #1d2330; stroke-width: 2; }
.promise { fill: #fff; stroke: #1d2330; stroke-width: 2; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_reason_is_the_largest_count() {
        let reasons = ReasonCounts {
            no_stock_in_reach: 2.0,
            engineers_busy: 3.5,
            ..ReasonCounts::default()
        };
        assert_eq!(main_reason(&reasons), "engineers busy");
        assert_eq!(main_reason(&ReasonCounts::default()), "none");
    }
}
