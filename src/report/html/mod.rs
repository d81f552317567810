//! The HTML report: one self-contained file (inline SVG and CSS, no script,
//! no fonts, images or styles from elsewhere), laid out from a
//! [`ReportView`]. A Content-Security-Policy of `default-src 'none'` tells the
//! browser to refuse any request the page might make.
//!
//! The same view gives the same bytes: nothing here reads the clock, the
//! environment or a hash map's order.

mod attainment;
mod compare;
mod costs;
mod curve;
mod depot_stock;
mod gantt;
mod map;
mod simulation;
mod staffing;
/// The SVG writer and number formats the charts share.
pub mod svg;

use super::view::{ReportView, SiteStatus};
use crate::dispatch::Status;
use std::fmt::Write;
use svg::{esc, money, percent, short_money};

/// Colours of the tiers (Okabe-Ito, without the vermillion kept for trouble).
const TIER_COLOURS: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#7F6A00",
];

/// The CSS class of the tier at `index` of the report's tier list.
pub fn tier_class(index: usize) -> String {
    if index == usize::MAX {
        "tx".to_string()
    } else {
        format!("t{}", index % TIER_COLOURS.len())
    }
}

const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5b6473; --line: #d9dde3; --trouble: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: #f4f5f7; }
main { max-width: 1120px; margin: 0 auto; padding: 18px 20px 40px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 17px; margin: 26px 0 8px; }
section > h2:first-child { margin-top: 0; }
h3 { font-size: 14px; margin: 0 0 6px; }
section, .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; }
section { padding: 14px 16px; margin-top: 14px; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.kpi { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.kpi b { display: block; font-size: 18px; }
.kpi span { color: var(--muted); font-size: 12px; }
.kpi small { display: block; color: var(--muted); font-size: 11.5px; }
.kpi.bad b { color: var(--trouble); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 14px; }
.grid2 > div { min-width: 0; }
figure { margin: 0; }
figcaption, .note { color: var(--muted); font-size: 12px; margin-top: 4px; }
svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.compact { font-size: 12px; }
table.compact th, table.compact td { padding: 3px 4px; }
table.tiers td:first-child { white-space: nowrap; }
footer { color: var(--muted); font-size: 12px; margin-top: 22px; }
.sea { fill: #dfeaf3; }
.land { fill: #fbfaf6; stroke: none; }
.province { fill: none; stroke: #c9c4b8; stroke-width: 0.6; stroke-dasharray: 3 2; }
.border { fill: none; stroke: #8d8677; stroke-width: 1.3; }
.coast { fill: none; stroke: #7d9bb5; stroke-width: 0.9; }
path.grid { fill: none; stroke: #c5d3df; stroke-width: 0.5; }
.scale-back { fill: #fff; fill-opacity: 0.85; }
.scale-dark { fill: #1d2330; }
.scale-light { fill: #fff; stroke: #1d2330; stroke-width: 0.8; }
.site.clustered { stroke: none; }
.cluster { fill: #fff; fill-opacity: 0.82; stroke: #1B2A49; stroke-width: 1.2; }
.cluster.below { stroke: #E69F00; stroke-width: 2; }
.cluster-count { font-size: 10px; font-weight: 700; fill: #1B2A49; pointer-events: none; }
.scale-label { font-size: 10.5px; fill: var(--ink); }
.grid { stroke: #e7e9ed; stroke-width: 1; }
.grid-label, .axis-label { fill: #7a828f; font-size: 11px; }
.axis-title { fill: #7a828f; font-size: 11px; }
.halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.bar-label { fill: var(--ink); font-size: 12px; }
.value-label { fill: var(--ink); font-size: 11px; }
.small { font-size: 10px; }
.strong { font-weight: 700; }
.road { stroke: #cfd3da; stroke-width: 1.2; }
.link { stroke-width: 0.8; stroke-opacity: 0.45; }
.site { stroke-width: 0.8; }
.site.met { stroke: #fff; }
.site.below { fill: #fff; stroke-width: 1.6; }
.site.uncovered { stroke: var(--trouble); stroke-width: 1.5; }
.site.nodemand { fill: #bbb; stroke: #fff; }
.depot { stroke-width: 1.4; }
.depot.open { fill: #1B2A49; fill-opacity: 0.78; stroke: #fff; }
.depot.notopened { fill: #fff; stroke: #8a929e; }
.depot.closed { fill: #d5d8dd; stroke: #9aa1ab; stroke-dasharray: 2 2; }
.depot-label { font-size: 10.5px; fill: #1B2A49; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.ring { fill: none; stroke: var(--trouble); stroke-width: 2.4; }
.ring.open { stroke-dasharray: 3 2; stroke-width: 1.8; }
.ring-label { font-size: 11px; fill: var(--trouble); font-weight: 700; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.flag { fill: var(--trouble); stroke: #fff; stroke-width: 0.8; }
.legend-title { font-size: 12px; font-weight: 700; fill: var(--ink); }
.legend-text { font-size: 11px; fill: var(--ink); }
.c-fixed { fill: #4C6A92; }
.c-holding { fill: #009E73; }
.c-penalty { fill: #D55E00; }
.c-emergency { fill: #E69F00; }
.c-people { fill: #CC79A7; }
.c-other { fill: #aab1bb; }
.bar.missed { stroke: var(--trouble); stroke-width: 2; }
.target { stroke: #111; stroke-width: 2; }
.target.thin { stroke-width: 1.2; stroke-dasharray: 4 3; }
.cap { stroke: var(--trouble); stroke-width: 1.5; stroke-dasharray: 3 2; }
.bound { stroke: #111; stroke-width: 2.5; }
.hit { fill: transparent; }
.curve { fill: none; stroke-width: 2; }
.curve.total { stroke: #1B2A49; }
.curve.holding { stroke: #009E73; stroke-dasharray: 5 3; }
.plan-point { fill: var(--trouble); stroke: #fff; stroke-width: 1.5; }
.plan-point.holding { fill: #009E73; }
.stripe { fill: #f6f7f9; }
.travel { fill: #b9c7dc; }
.ontime { fill: #009E73; }
.late { fill: var(--trouble); }
.deadline { stroke: #111; stroke-width: 1.6; }
.deadline.late { stroke: var(--trouble); stroke-width: 2.2; }
.later { fill: #111; }
.incident-id { font-size: 8.5px; fill: #5b6473; }
.incident-id.late, .incident-id.unassigned { fill: var(--trouble); font-weight: 700; }
.gantt-day { margin-top: 10px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin-top: 8mm; }
  #map, #simulation, #compare, .kpis, .gantt-day, tr { break-inside: avoid; }
  #plan, #staffing, #dispatch, #simulation, #compare { break-before: page; }
  .grid2 { grid-template-columns: 1fr 1fr; gap: 6mm; }
  details { display: none; }
}
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; background: #eef0f3; }
.badge.late, .badge.unassigned { background: #fbe3d6; color: #8a3200; }
"#;

/// The report as one HTML document.
pub fn render(view: &ReportView) -> String {
    let mut css = STYLE.to_string();
    for (i, colour) in TIER_COLOURS.iter().enumerate() {
        let _ = write!(
            css,
            ".t{i}.site.met, .t{i}.site.uncovered, .bar.t{i} {{ fill: {colour}; }}\n\
             .t{i}.site.below {{ stroke: {colour}; }}\n.t{i}.link {{ stroke: {colour}; }}\n"
        );
    }
    css.push_str(".tx.site { fill: #777; } .tx.link { stroke: #777; }\n");
    css.push_str(staffing::STYLE);
    css.push_str(simulation::STYLE);

    let tier_ids: Vec<String> = view.tiers.iter().map(|t| t.tier.clone()).collect();
    let currency = &view.currency;
    let plan = &view.plan;
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>sparesla report: {name}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n",
        name = esc(&view.scenario)
    );

    // Header and headline figures.
    let _ = write!(
        html,
        "<header>\n<h1>{name}: stocking plan{dispatch}</h1>\n\
         <p>Plan status <b>{status}</b> with {solver}; gap {gap:.2}% to the lower bound {bound} {currency}.</p>\n",
        name = esc(&view.scenario),
        dispatch = if view.dispatch.is_some() {
            " and dispatch"
        } else {
            ""
        },
        status = esc(&plan.status),
        solver = esc(&plan.solver),
        gap = plan.gap * 100.0,
        bound = money(plan.lower_bound),
        currency = esc(currency),
    );
    html.push_str("<div class=\"kpis\">\n");
    let total_label = if plan.counts_people {
        format!(
            "total cost per year<small>parts {} · people {}</small>",
            short_money(plan.total_cost - plan.people_cost),
            short_money(plan.people_cost)
        )
    } else {
        "total cost per year".to_string()
    };
    kpi(
        &mut html,
        &format!("{} {}", short_money(plan.total_cost), esc(currency)),
        &total_label,
        false,
    );
    kpi(
        &mut html,
        &format!("{} of {}", plan.depots_open, plan.depots_usable),
        "depots open (of usable)",
        false,
    );
    kpi(
        &mut html,
        &format!("{} units", plan.stock_units),
        &format!(
            "stock worth {} {}",
            short_money(plan.stock_value),
            esc(currency)
        ),
        false,
    );
    if let Some(staffing) = &view.staffing {
        kpi(
            &mut html,
            &format!(
                "{} engineers",
                staffing.roster_positions + staffing.added_positions
            ),
            &format!(
                "{} added by the plan; people {} {} a year",
                staffing.added_positions,
                short_money(plan.people_cost),
                esc(currency)
            ),
            false,
        );
    }
    for tier in &view.tiers {
        let missed = tier.expected_attainment + 1e-9 < tier.target.min(tier.attainable);
        let label = format!(
            "{} on time (target {})",
            esc(&tier.tier),
            percent(tier.target, 0)
        );
        let label = if plan.counts_people {
            format!(
                "{label}<small>parts {} · people {}</small>",
                percent(tier.parts_attainment, 2),
                percent(tier.people_attainment, 2)
            )
        } else {
            label
        };
        kpi(
            &mut html,
            &percent(tier.expected_attainment, 2),
            &label,
            missed,
        );
    }
    kpi(
        &mut html,
        &plan.unreachable.len().to_string(),
        "sites no depot reaches in time",
        !plan.unreachable.is_empty(),
    );
    if let Some(dispatch) = &view.dispatch {
        kpi(
            &mut html,
            &format!(
                "{} / {}",
                dispatch.on_time,
                dispatch.on_time + dispatch.late + dispatch.unassigned
            ),
            &format!(
                "incidents on time today ({} late, {} unassigned)",
                dispatch.late, dispatch.unassigned
            ),
            dispatch.late + dispatch.unassigned > 0,
        );
    }
    html.push_str("</div>\n</header>\n");

    // Map.
    let count = |status: SiteStatus| view.map.sites.iter().filter(|s| s.status == status).count();
    let covered = view.map.sites.iter().filter(|s| s.depot.is_some()).count();
    let _ = write!(
        html,
        "<section id=\"map\">\n<h2>Network</h2>\n<figure>{}<figcaption>{} depots and {} sites; lines join each site to the depot serving it. \
         {} sites are served in time by an open depot; at {} of them stock-outs at the serving depot leave the expected share on time under the tier's target (hollow). \
         {} site(s) no depot reaches in time are ringed; {} more that only a depot the plan leaves closed would reach have a dashed ring. \
         Hover over a depot or a site for details.</figcaption></figure>\n</section>\n",
        map::render(&view.map, &tier_ids, currency),
        view.map.depots.len(),
        view.map.sites.len(),
        covered,
        count(SiteStatus::BelowTarget),
        count(SiteStatus::Unreachable),
        count(SiteStatus::NotCovered),
    );

    // Plan charts.
    html.push_str("<section id=\"plan\">\n<h2>Plan</h2>\n<div class=\"grid2\">\n");
    let _ = writeln!(
        html,
        "<div><h3>Cost per year</h3><figure>{}</figure></div>",
        costs::render(plan, currency)
    );
    let _ = writeln!(
        html,
        "<div><h3>Attainment per tier</h3><figure>{}</figure>{}</div>",
        attainment::render(&view.tiers, plan.counts_people),
        tier_table(view)
    );
    let _ = writeln!(
        html,
        "<div><h3>Stock-to-service curve</h3><figure>{}<figcaption>{}</figcaption></figure></div>",
        curve::render(&view.curve, currency),
        curve_caption(view)
    );
    let _ = writeln!(
        html,
        "<div><h3>Stock value per depot</h3><figure>{}</figure></div>",
        depot_stock::render(&plan.depot_stock, currency)
    );
    html.push_str("</div>\n");
    unreachable_table(&mut html, view);
    html.push_str("</section>\n");

    if let Some(simulation) = &view.simulation {
        html.push_str(&simulation::section(simulation, &tier_ids));
    }

    if let Some(staffing) = &view.staffing {
        staffing_section(&mut html, staffing, currency);
    }

    if let Some(dispatch) = &view.dispatch {
        let _ = write!(
            html,
            "<section id=\"dispatch\">\n<h2>Dispatch</h2>\n<p class=\"note\">{} incidents: {} on time, {} late, {} unassigned. \
             One chart per day the routes start on; each row is one engineer's route; a light bar is travel (and waiting for the part), a solid bar the repair (red when late, with the incident's id), a tick the deadline.</p>\n",
            dispatch.on_time + dispatch.late + dispatch.unassigned,
            dispatch.on_time,
            dispatch.late,
            dispatch.unassigned
        );
        let panels = gantt::daily(dispatch);
        if panels.is_empty() {
            html.push_str("<p>No engineer has a stop.</p>\n");
        }
        for (day, chart) in panels {
            let _ = writeln!(
                html,
                "<figure class=\"gantt-day\"><h3>Routes starting {}</h3>{chart}</figure>",
                esc(&day)
            );
        }
        problem_table(&mut html, dispatch);
        html.push_str("</section>\n");
    }

    if let Some(compare) = &view.compare {
        let _ = write!(
            html,
            "<section id=\"compare\">\n<h2>Scenarios compared</h2>\n<div class=\"grid2\">\n\
             <div><h3>Cost per year</h3><figure>{}</figure></div>\n",
            compare::costs(compare, currency)
        );
        if let Some(chart) = compare::attainment(compare) {
            let _ = writeln!(
                html,
                "<div><h3>Attainment per tier</h3><figure>{chart}</figure></div>"
            );
        }
        html.push_str("</div>\n");
        html.push_str(&compare::changes(compare, currency));
        html.push_str("</section>\n");
    }

    let _ = write!(
        html,
        "<footer>Written by {} from the scenario, the plan folder{}{}. Expected values come from the plan's stock model; \
         the curve keeps the plan's network fixed (see docs/report.md).</footer>\n</main>\n</body>\n</html>\n",
        esc(&view.generator),
        if view.dispatch.is_some() {
            ", the dispatch folder"
        } else {
            ""
        },
        if view.compare.is_some() {
            " and the comparison"
        } else {
            ""
        },
    );
    html
}

fn kpi(html: &mut String, value: &str, label: &str, bad: bool) {
    let _ = writeln!(
        html,
        "<div class=\"kpi{}\"><b>{value}</b><span>{label}</span></div>",
        if bad { " bad" } else { "" }
    );
}

fn tier_table(view: &ReportView) -> String {
    let people = view.plan.counts_people;
    // Two more columns must still fit half the page's width.
    let mut out = String::from(if people {
        "<table class=\"tiers compact\"><tr><th>tier</th><th class=\"n\">target</th><th class=\"n\">expected</th>\
         <th class=\"n\">parts</th><th class=\"n\">people</th>"
    } else {
        "<table class=\"tiers\"><tr><th>tier</th><th class=\"n\">target</th><th class=\"n\">expected</th>"
    });
    out.push_str(
        "<th class=\"n\">attain&shy;able</th><th class=\"n\">failures a year</th><th class=\"n\">breaches a year</th></tr>",
    );
    for tier in &view.tiers {
        let _ = write!(
            out,
            "<tr data-tier=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            esc(&tier.tier),
            esc(&tier.tier),
            percent(tier.target, 2),
            percent(tier.expected_attainment, 2),
        );
        if people {
            let _ = write!(
                out,
                "<td class=\"n\">{}</td><td class=\"n\">{}</td>",
                percent(tier.parts_attainment, 2),
                percent(tier.people_attainment, 2)
            );
        }
        let _ = write!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{:.2}</td></tr>",
            percent(tier.attainable, 2),
            tier.demand,
            tier.expected_breaches
        );
    }
    out.push_str("</table>");
    if people {
        out.push_str(
            "<p class=\"note\">A failure is met when its part and a qualified engineer both make the deadline. \
             <b>parts</b>: the share whose part is on the shelf of the serving depot (a backup depot or an emergency \
             shipment can still meet the others in time); <b>people</b>: the share a qualified engineer on duty or on \
             call, and free, reaches in time when the part is in reach.</p>",
        );
    }
    out
}

fn staffing_section(html: &mut String, staffing: &super::view::StaffingView, currency: &str) {
    let total = staffing.roster_positions + staffing.added_positions;
    let _ = write!(
        html,
        "<section id=\"staffing\">\n<h2>Staffing</h2>\n<p class=\"note\">{total} engineer positions (staffing mode <b>{mode}</b>): \
         {roster} on the roster for {roster_cost} {currency} a year, {added} added by the plan for {added_cost} {currency} a year. \
         Each bar is one depot's positions by shift pattern; the roster is solid, positions the plan adds are light and outlined.{unpriced}</p>\n\
         <figure>{chart}</figure>\n{table}\n{rows}\n</section>\n",
        mode = esc(&staffing.mode),
        roster = staffing.roster_positions,
        roster_cost = money(staffing.roster_cost),
        added = staffing.added_positions,
        added_cost = money(staffing.added_cost),
        currency = esc(currency),
        unpriced = if staffing.unpriced_positions > 0 {
            format!(
                " {} roster position(s) match no shifts.csv pattern: they are named by their shift rule and cost 0 (nothing prices them).",
                staffing.unpriced_positions
            )
        } else {
            String::new()
        },
        chart = staffing::chart(staffing, currency),
        table = staffing::table(staffing, currency),
        rows = staffing::rows(staffing, currency),
    );
}

fn curve_caption(view: &ReportView) -> String {
    let curve = &view.curve;
    format!(
        "With this plan's open depots and site assignment held fixed: each point is the stock that meets that share of failures in time at the least holding cost \
         (marginal analysis; every point is optimal for its holding cost). The solid line adds the expected penalties and emergency shipments at that stock. \
         The plan (dot) meets each tier's own target at least total cost, so it can sit off the curve. \
         This is not a re-plan: at other targets another set of depots may be cheaper. Targets weighted by demand: {}; \
         most this network attains: {}.",
        percent(curve.overall_target, 2),
        percent(curve.curve.attainable, 2)
    )
}

fn unreachable_table(html: &mut String, view: &ReportView) {
    let sites = &view.plan.unreachable;
    if sites.is_empty() {
        html.push_str("<p class=\"note\">Every site is within reach of a usable depot.</p>\n");
        return;
    }
    html.push_str(
        "<h3 style=\"margin-top:14px\">Sites no depot reaches in time</h3>\n<table><tr><th>site</th><th>customer</th><th>tier</th>\
         <th class=\"n\">allowed h</th><th>fastest depot</th><th class=\"n\">travel h</th></tr>",
    );
    for site in sites {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.1}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(&site.site),
            esc(&site.customer),
            esc(&site.tier),
            site.allowed_hours,
            esc(site.fastest_depot.as_deref().unwrap_or("none")),
            site.fastest_hours
                .map(|h| format!("{h:.2}"))
                .unwrap_or_else(|| "unreachable".to_string())
        );
    }
    html.push_str("</table>\n");
}

fn problem_table(html: &mut String, dispatch: &super::view::DispatchView) {
    if dispatch.problems.is_empty() {
        html.push_str("<p class=\"note\">Every incident is on time.</p>\n");
        return;
    }
    html.push_str(
        "<h3 style=\"margin-top:14px\">Late and unassigned incidents</h3>\n<table><tr><th>incident</th><th>site</th><th>status</th>\
         <th>engineer</th><th>deadline</th><th class=\"n\">min late</th><th>reason</th></tr>",
    );
    for p in &dispatch.problems {
        let status = match p.status {
            Status::OnTime => "on_time",
            Status::Late => "late",
            Status::Unassigned => "unassigned",
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td><span class=\"badge {status}\">{status}</span></td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&p.incident),
            esc(&p.site),
            esc(&p.engineer),
            p.deadline
                .with_timezone(&dispatch.offset)
                .format("%b %d %H:%M"),
            p.minutes_late.map(|m| m.to_string()).unwrap_or_default(),
            esc(&p.reason)
        );
    }
    html.push_str("</table>\n");
}
