//! Dispatch output: dispatch.csv (fixed columns), routes.csv (one row per
//! stop), the terminal table and the JSON summary with reasons.

use super::OutputSet;
use super::schema::dispatch::{
    BREAK_MODE, BoundSummary, DISPATCH_COLUMNS, DaySummary, DispatchCsvLine, DispatchLine,
    DispatchSummary, ROUTE_COLUMNS, RouteLine,
};
use super::schema::{csv_text, json_text};
use crate::calendar::{Seconds, format_instant};
use crate::dispatch::{Dispatch, Status};
use crate::scenario::{DispatchSettings, Scenario};
use std::io;
use std::path::Path;

impl BoundSummary {
    fn of(dispatch: &Dispatch) -> Option<Self> {
        let bound = dispatch.bound.as_ref()?;
        Some(BoundSummary {
            breaches: bound.breaches,
            late_minutes: bound.late_minutes,
            breaches_proven_optimal: dispatch.cost.breaches <= bound.breaches + 1e-6,
            single_job_optimum: bound.single_job_optimum,
        })
    }
}

impl DispatchSummary {
    pub fn of(scenario: &Scenario, dispatch: &Dispatch) -> Self {
        let lines: Vec<DispatchLine> = dispatch
            .assignments
            .iter()
            .map(|a| {
                let incident = &dispatch.incidents[a.incident];
                let tz = scenario.site(incident.site).tz;
                let time = |t: Seconds| format_instant(t, tz);
                let visit = a.visit.as_ref();
                DispatchLine {
                    incident: incident.id.clone(),
                    site: scenario.site(incident.site).id.clone(),
                    engineer: visit
                        .map(|(e, _)| scenario.engineer(*e).id.clone())
                        .unwrap_or_default(),
                    source_depot: visit
                        .map(|(_, v)| scenario.depot(v.job.depot).id.clone())
                        .unwrap_or_default(),
                    mode: visit
                        .map(|(_, v)| v.job.mode.as_str().to_string())
                        .unwrap_or_default(),
                    depart: visit.map(|(_, v)| time(v.depart)).unwrap_or_default(),
                    pickup: visit.map(|(_, v)| time(v.pickup)).unwrap_or_default(),
                    arrive: visit.map(|(_, v)| time(v.arrive)).unwrap_or_default(),
                    deadline: time(a.deadline),
                    slack_minutes: a.slack_minutes(),
                    status: a.status,
                    reason: a.reason.clone(),
                }
            })
            .collect();
        let count = |s: Status| lines.iter().filter(|l| l.status == s).count();
        let hours = |t: &[Seconds]| t.iter().sum::<Seconds>() as f64 / 3600.0;
        let (paid_hours, overtime_hours) = (hours(&dispatch.paid), hours(&dispatch.overtime));
        let settings = &scenario.dispatch;
        let labour_cost = settings.engineer_hour_cost
            * (paid_hours + overtime_hours * (settings.overtime_factor - 1.0));
        DispatchSummary {
            incidents: lines.len(),
            on_time: count(Status::OnTime),
            late: count(Status::Late),
            unassigned: count(Status::Unassigned),
            cost: dispatch.cost,
            construction_cost: dispatch.construction_cost,
            iterations: dispatch.iterations,
            paid_hours: round2(paid_hours),
            overtime_hours: round2(overtime_hours),
            engineers_out: dispatch.routes.iter().filter(|r| !r.is_empty()).count(),
            breaks: dispatch.breaks_taken(),
            labour_cost: round2(labour_cost),
            seconds: dispatch.seconds,
            bound: BoundSummary::of(dispatch),
            days: dispatch
                .day_figures
                .iter()
                .map(|day| DaySummary {
                    date: day.date.clone(),
                    paid_hours: round2(day.paid as f64 / 3600.0),
                    overtime_hours: round2(day.overtime as f64 / 3600.0),
                    engineers_out: day.engineers_out,
                    repairs_started: day.repairs_started,
                })
                .collect(),
            lines,
        }
    }
}

/// Two decimals: the summary's hours and money.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Writes dispatch.csv, routes.csv and summary.json into `dir` as one output set.
pub fn write_dispatch(dir: &Path, scenario: &Scenario, dispatch: &Dispatch) -> io::Result<()> {
    let summary = DispatchSummary::of(scenario, dispatch);
    let mut set = OutputSet::new("dispatch");
    set.add(
        "dispatch.csv",
        csv_text(
            DISPATCH_COLUMNS,
            summary.lines.iter().map(DispatchCsvLine::from),
        )?,
    );
    set.add(
        "routes.csv",
        csv_text(ROUTE_COLUMNS, route_lines(scenario, dispatch))?,
    );
    set.add("summary.json", json_text(&summary)?);
    set.write(dir)
}

/// One line per stop (a job, or a break before it), engineer by engineer
/// in scenario order.
fn route_lines(scenario: &Scenario, dispatch: &Dispatch) -> Vec<RouteLine> {
    let mut lines = Vec::new();
    for (e, route) in dispatch.routes.iter().enumerate() {
        let engineer = &scenario.engineers[e];
        let mut stop = 0;
        let mut here = String::new();
        for &k in route {
            let a = &dispatch.assignments[k];
            let Some((_, v)) = &a.visit else { continue };
            let incident = &dispatch.incidents[k];
            let site = scenario.site(incident.site).id.clone();
            let tz = scenario.site(incident.site).tz;
            if let Some(start) = v.rest {
                let minutes = scenario.breaks.get(&engineer.id).map_or(0, |b| b.minutes);
                // Taken while waiting on site, or before leaving the last place.
                let at = if start >= v.engineer_arrive {
                    &site
                } else {
                    &here
                };
                stop += 1;
                lines.push(RouteLine {
                    engineer: engineer.id.clone(),
                    stop,
                    incident: String::new(),
                    site: at.clone(),
                    source_depot: String::new(),
                    mode: BREAK_MODE.to_string(),
                    depart: format_instant(start, tz),
                    arrive: format_instant(start, tz),
                    finish: format_instant(start + Seconds::from(minutes) * 60, tz),
                    status: None,
                });
            }
            stop += 1;
            lines.push(RouteLine {
                engineer: engineer.id.clone(),
                stop,
                incident: incident.id.clone(),
                site: site.clone(),
                source_depot: scenario.depot(v.job.depot).id.clone(),
                mode: v.job.mode.as_str().to_string(),
                depart: format_instant(v.depart, tz),
                arrive: format_instant(v.arrive, tz),
                finish: format_instant(v.finish, tz),
                status: Some(a.status),
            });
            here = site;
        }
    }
    lines
}

/// What the objective's third term counts under `[dispatch.objective]`:
/// travel minutes by default, else the weighted sum it is.
fn third_term(settings: &DispatchSettings) -> String {
    if settings.travel_weight == 1.0 && settings.paid_time_weight == 0.0 {
        "travel minutes".into()
    } else {
        format!(
            "cost (travel minutes x {} + paid minutes x {})",
            settings.travel_weight, settings.paid_time_weight
        )
    }
}

/// The terminal table: totals, then every late or unassigned incident with its reason.
pub fn dispatch_table(summary: &DispatchSummary, settings: &DispatchSettings) -> String {
    let mut out = format!(
        "{} incidents: {} on time, {} late, {} unassigned\n\
         objective: {:.1} weighted breaches, {:.0} minutes late, {:.0} {} \
         (construction {:.1} / {:.0} / {:.0}); {} LNS iterations in {:.1} s\n",
        summary.incidents,
        summary.on_time,
        summary.late,
        summary.unassigned,
        summary.cost.breaches,
        summary.cost.late_minutes,
        summary.cost.travel_minutes,
        third_term(settings),
        summary.construction_cost.breaches,
        summary.construction_cost.late_minutes,
        summary.construction_cost.travel_minutes,
        summary.iterations,
        summary.seconds,
    );
    out.push_str(&format!(
        "paid time: {:.1} h over {} engineer(s), {:.1} h overtime",
        summary.paid_hours, summary.engineers_out, summary.overtime_hours
    ));
    if summary.breaks > 0 {
        out.push_str(&format!("; {} break(s)", summary.breaks));
    }
    if summary.labour_cost > 0.0 {
        out.push_str(&format!("; labour cost {:.0}", summary.labour_cost));
    }
    out.push('\n');
    for day in &summary.days {
        out.push_str(&format!(
            "  {}: {} repair(s) started, {:.1} h paid over {} engineer(s), {:.1} h overtime\n",
            day.date, day.repairs_started, day.paid_hours, day.engineers_out, day.overtime_hours
        ));
    }
    if let Some(bound) = &summary.bound {
        out.push_str(&format!(
            "lower bound: {:.1} weighted breaches, {:.0} minutes late (part arrival and stock alone){}\n",
            bound.breaches,
            bound.late_minutes,
            if bound.breaches_proven_optimal {
                "; breaches proven minimal"
            } else {
                ""
            }
        ));
        if let Some(optimum) = &bound.single_job_optimum {
            out.push_str(&format!(
                "exact optimum (no engineer can take two incidents): {:.1} / {:.0} / {:.0}\n",
                optimum.breaches, optimum.late_minutes, optimum.travel_minutes
            ));
        }
    }
    let problems: Vec<&DispatchLine> = summary
        .lines
        .iter()
        .filter(|l| l.status != Status::OnTime)
        .collect();
    if problems.is_empty() {
        return out;
    }
    let mut table = comfy_table::Table::new();
    table.set_header([
        "incident",
        "site",
        "status",
        "engineer",
        "slack min",
        "reason",
    ]);
    for l in problems {
        table.add_row([
            l.incident.clone(),
            l.site.clone(),
            l.status.as_str().to_string(),
            l.engineer.clone(),
            l.slack_minutes.map(|s| s.to_string()).unwrap_or_default(),
            l.reason.clone().unwrap_or_default(),
        ]);
    }
    out.push_str(&format!("{table}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_term_is_named_by_what_it_counts() {
        let default = DispatchSettings::default();
        assert_eq!(third_term(&default), "travel minutes");
        let priced = DispatchSettings {
            paid_time_weight: 0.5,
            ..default
        };
        assert_eq!(
            third_term(&priced),
            "cost (travel minutes x 1 + paid minutes x 0.5)"
        );
    }
}
