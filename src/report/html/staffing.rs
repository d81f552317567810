//! Staffing per depot: engineer positions stacked by shift pattern (roster
//! solid, added by the plan light and outlined) with each depot's yearly
//! cost, and a table with the numbers of staffing.csv.

use super::svg::{Scale, Svg, esc, money, short_money, ticks};
use crate::report::view::{DepotStaffing, StaffingView};
use std::fmt::Write;

const WIDTH: f64 = 1040.0;
const LABEL: f64 = 150.0;
/// Room right of the longest bar for its "positions · cost" label.
const VALUE_ROOM: f64 = 120.0;
const ROW: f64 = 18.0;
const LEGEND: f64 = 26.0;
/// Shift colours (Okabe-Ito order, distinct from the cost parts' hues
/// where it can be); patterns past the list share the last, grey.
const SHIFT_CLASSES: usize = 7;

/// The CSS of the shift colours: `.s0` … `.s6`.
pub const STYLE: &str = "
.s0 { fill: #1B2A49; } .s1 { fill: #56B4E9; } .s2 { fill: #CC79A7; } .s3 { fill: #E69F00; }
.s4 { fill: #009E73; } .s5 { fill: #7F6A00; } .s6 { fill: #aab1bb; }
.staff.added { fill-opacity: 0.3; stroke: #1d2330; stroke-width: 1.2; }
.staff-none { fill: var(--trouble); font-size: 11px; }
";

/// The CSS class of the shift pattern at `index` of the view's shifts.
fn shift_class(index: usize) -> String {
    format!("s{}", index.min(SHIFT_CLASSES - 1))
}

/// Positions per depot as an SVG element.
pub fn chart(view: &StaffingView, currency: &str) -> String {
    let depots = &view.depots;
    let most = depots
        .iter()
        .map(|d| d.positions())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = LEGEND + 8.0 + ROW * depots.len() as f64 + 40.0;
    let mut svg = Svg::new(WIDTH, height, "chart", "Engineer positions per depot");
    let x = Scale::new((0.0, f64::from(most)), (LABEL, WIDTH - VALUE_ROOM));
    legend(&mut svg, view);
    let top = LEGEND + 8.0;
    let axis_y = top + ROW * depots.len() as f64 + 4.0;
    for tick in ticks(0.0, f64::from(most), 6)
        .into_iter()
        .filter(|t| t.fract() == 0.0)
    {
        svg.line((x.at(tick), top - 2.0), (x.at(tick), axis_y), "grid");
        svg.text(
            (x.at(tick), axis_y + 14.0),
            "middle",
            "axis-label",
            &format!("{tick:.0}"),
        );
    }
    for (i, depot) in depots.iter().enumerate() {
        depot_bar(&mut svg, view, depot, &x, top + ROW * i as f64, currency);
    }
    svg.text(
        (WIDTH - 4.0, height - 4.0),
        "end",
        "axis-title",
        &format!("engineer positions; label: positions · {currency} per year"),
    );
    svg.finish()
}

fn legend(svg: &mut Svg, view: &StaffingView) {
    let mut at = LABEL;
    let mut entry = |svg: &mut Svg, class: &str, name: &str| {
        svg.rect(at, 6.0, 12.0, 12.0, class, None);
        svg.text((at + 16.0, 16.0), "start", "legend-text", name);
        // Roughly 6.5 user units a character at the legend's 11 px.
        at += 16.0 + 6.5 * name.chars().count() as f64 + 14.0;
    };
    for (i, shift) in view.shifts.iter().enumerate() {
        entry(svg, &format!("staff {}", shift_class(i)), shift);
    }
    entry(svg, "staff added s6", "added by the plan (light, outlined)");
}

fn depot_bar(
    svg: &mut Svg,
    view: &StaffingView,
    depot: &DepotStaffing,
    x: &Scale,
    y: f64,
    currency: &str,
) {
    let label = if depot.open {
        depot.id.clone()
    } else {
        format!("{} (not open)", depot.id)
    };
    svg.text((LABEL - 6.0, y + 12.5), "end", "bar-label small", &label);
    if depot.positions() == 0 {
        svg.text(
            (LABEL + 4.0, y + 12.5),
            "start",
            "staff-none",
            "no engineers based here",
        );
        return;
    }
    let mut start = 0.0;
    for (s, cell) in depot.by_shift.iter().enumerate() {
        let class = shift_class(s);
        let shift = &view.shifts[s];
        for (count, added) in [(cell.roster, false), (cell.added, true)] {
            if count == 0 {
                continue;
            }
            let end = start + f64::from(count);
            svg.rect(
                x.at(start),
                y + 2.0,
                x.at(end) - x.at(start),
                ROW - 4.0,
                &format!("staff {class}{}", if added { " added" } else { "" }),
                Some(&format!(
                    "{} · {shift}: {count} {} position(s); {} + {} added on this shift, {} {currency} a year",
                    depot.id,
                    if added { "added" } else { "roster" },
                    cell.roster,
                    cell.added,
                    money(cell.cost)
                )),
            );
            start = end;
        }
    }
    svg.text(
        (x.at(start) + 4.0, y + 12.5),
        "start",
        "value-label small",
        &format!("{} · {}", depot.positions(), short_money(depot.cost)),
    );
}

/// The table of positions per depot and shift, with the rows of
/// staffing.csv behind each depot (`data-*` attributes carry them).
pub fn table(view: &StaffingView, currency: &str) -> String {
    let mut out = String::from("<table class=\"staffing\"><tr><th>depot</th>");
    for shift in &view.shifts {
        let _ = write!(out, "<th class=\"n\">{}</th>", esc(shift));
    }
    let _ = write!(
        out,
        "<th class=\"n\">roster</th><th class=\"n\">added</th><th class=\"n\">{} / yr</th><th>skills (bold: only added positions bring them)</th></tr>",
        esc(currency)
    );
    for depot in &view.depots {
        depot_row(&mut out, depot);
    }
    let _ = write!(
        out,
        "<tr class=\"total\"><th>all depots</th>{}<th class=\"n\" data-total-roster=\"{roster}\">{roster}</th>\
         <th class=\"n\" data-total-added=\"{added}\">{added}</th><th class=\"n\">{cost}</th><th></th></tr></table>",
        "<th></th>".repeat(view.shifts.len()),
        roster = view.roster_positions,
        added = view.added_positions,
        cost = money(view.roster_cost + view.added_cost),
    );
    out
}

fn depot_row(out: &mut String, depot: &DepotStaffing) {
    let _ = write!(
        out,
        "<tr data-staff-depot=\"{}\" data-roster=\"{}\" data-added=\"{}\"><td title=\"{}\">{}{}</td>",
        esc(&depot.id),
        depot.roster_positions,
        depot.added_positions,
        esc(&depot.name),
        esc(&depot.id),
        if depot.open { "" } else { " (not open)" }
    );
    for cell in &depot.by_shift {
        let text = match (cell.roster, cell.added) {
            (0, 0) => String::new(),
            (roster, 0) => roster.to_string(),
            (0, added) => format!("<b>+{added}</b>"),
            (roster, added) => format!("{roster} <b>+{added}</b>"),
        };
        let _ = write!(out, "<td class=\"n\">{text}</td>");
    }
    let skills = depot
        .skills
        .iter()
        .map(|s| {
            if depot.added_skills.contains(s) {
                format!("<b>{}</b>", esc(s))
            } else {
                esc(s)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let _ = write!(
        out,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\" data-cost=\"{:.2}\">{}</td><td>{}</td></tr>",
        depot.roster_positions,
        depot.added_positions,
        depot.cost,
        money(depot.cost),
        if skills.is_empty() {
            "none".to_string()
        } else {
            skills
        }
    );
}

/// Every row of staffing.csv, depot by depot, for the reader who wants the
/// skill sets behind the totals (open with a click; no script).
pub fn rows(view: &StaffingView, currency: &str) -> String {
    let count: usize = view.depots.iter().map(|d| d.rows.len()).sum();
    let mut out = format!(
        "<details><summary>The {count} rows of staffing.csv (depot, shift, skills, positions, cost, source)</summary>\
         <table><tr><th>depot</th><th>shift</th><th>skills</th><th class=\"n\">positions</th>\
         <th class=\"n\">{} / yr</th><th>source</th></tr>",
        esc(currency)
    );
    for depot in &view.depots {
        for row in &depot.rows {
            let _ = write!(
                out,
                "<tr data-staff-row=\"{}|{}|{}|{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&depot.id),
                esc(&row.shift),
                esc(&row.skills.join(";")),
                row.source.as_str(),
                esc(&depot.id),
                esc(&row.shift),
                esc(&row.skills.join(", ")),
                row.positions,
                money(row.cost_per_year),
                row.source.as_str()
            );
        }
    }
    out.push_str("</table></details>");
    out
}
