//! Dispatch output: dispatch.csv (fixed columns), routes.csv (one row per
//! stop), the terminal table and the JSON summary with reasons.

use super::OutputSet;
use crate::calendar::{Seconds, format_instant};
use crate::dispatch::{Cost, Dispatch, Status};
use crate::scenario::Scenario;
use serde::Serialize;
use std::io;
use std::path::Path;

/// The columns of dispatch.csv (a fixed interface).
pub const DISPATCH_COLUMNS: [&str; 10] = [
    "incident",
    "engineer",
    "source_depot",
    "mode",
    "depart",
    "pickup",
    "arrive",
    "deadline",
    "slack_minutes",
    "status",
];

/// One incident's line of the summary.
#[derive(Clone, Debug, Serialize)]
pub struct DispatchLine {
    pub incident: String,
    pub site: String,
    pub engineer: String,
    pub source_depot: String,
    pub mode: String,
    pub depart: String,
    pub pickup: String,
    pub arrive: String,
    pub deadline: String,
    pub slack_minutes: Option<i64>,
    pub status: Status,
    pub reason: Option<String>,
}

/// What `dispatch` prints and writes as JSON.
#[derive(Clone, Debug, Serialize)]
pub struct DispatchSummary {
    pub incidents: usize,
    pub on_time: usize,
    pub late: usize,
    pub unassigned: usize,
    pub cost: Cost,
    pub construction_cost: Cost,
    pub iterations: u64,
    /// Wall-clock seconds of the search: run-dependent, so printed in the
    /// terminal table but kept out of summary.json (same input and seed,
    /// same bytes).
    #[serde(skip)]
    pub seconds: f64,
    /// What is proven about the optimum (absent with `--no-bound`).
    pub bound: Option<BoundSummary>,
    pub lines: Vec<DispatchLine>,
}

/// The dispatch's lower bound next to its cost.
#[derive(Clone, Debug, Serialize)]
pub struct BoundSummary {
    /// Weighted breaches no dispatch can avoid.
    pub breaches: f64,
    /// Weighted minutes late no dispatch can avoid.
    pub late_minutes: f64,
    /// The dispatch's weighted breaches equal the bound: no dispatch has fewer.
    pub breaches_proven_optimal: bool,
    /// The exact optimum when no engineer can take two incidents.
    pub single_job_optimum: Option<Cost>,
}

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
        DispatchSummary {
            incidents: lines.len(),
            on_time: count(Status::OnTime),
            late: count(Status::Late),
            unassigned: count(Status::Unassigned),
            cost: dispatch.cost,
            construction_cost: dispatch.construction_cost,
            iterations: dispatch.iterations,
            seconds: dispatch.seconds,
            bound: BoundSummary::of(dispatch),
            lines,
        }
    }
}

fn csv_text(
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> io::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write(&mut writer).map_err(io::Error::other)?;
    let bytes = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// Writes dispatch.csv, routes.csv and summary.json into `dir` as one output set.
pub fn write_dispatch(dir: &Path, scenario: &Scenario, dispatch: &Dispatch) -> io::Result<()> {
    let summary = DispatchSummary::of(scenario, dispatch);
    let table = csv_text(|w| {
        w.write_record(DISPATCH_COLUMNS)?;
        for l in &summary.lines {
            let slack = l.slack_minutes.map(|s| s.to_string()).unwrap_or_default();
            w.write_record([
                &l.incident,
                &l.engineer,
                &l.source_depot,
                &l.mode,
                &l.depart,
                &l.pickup,
                &l.arrive,
                &l.deadline,
                &slack,
                l.status.as_str(),
            ])?;
        }
        Ok(())
    })?;
    let mut set = OutputSet::new("dispatch");
    set.add("dispatch.csv", table);
    set.add("routes.csv", routes_csv(scenario, dispatch)?);
    let json = serde_json::to_string_pretty(&summary)?;
    set.add("summary.json", format!("{json}\n"));
    set.write(dir)
}

fn routes_csv(scenario: &Scenario, dispatch: &Dispatch) -> io::Result<String> {
    csv_text(|w| {
        w.write_record([
            "engineer",
            "stop",
            "incident",
            "site",
            "source_depot",
            "mode",
            "depart",
            "arrive",
            "finish",
            "status",
        ])?;
        for (e, route) in dispatch.routes.iter().enumerate() {
            for (stop, &k) in route.iter().enumerate() {
                let a = &dispatch.assignments[k];
                let Some((_, v)) = &a.visit else { continue };
                let incident = &dispatch.incidents[k];
                let tz = scenario.site(incident.site).tz;
                w.write_record([
                    scenario.engineers[e].id.as_str(),
                    &(stop + 1).to_string(),
                    &incident.id,
                    &scenario.site(incident.site).id,
                    &scenario.depot(v.job.depot).id,
                    v.job.mode.as_str(),
                    &format_instant(v.depart, tz),
                    &format_instant(v.arrive, tz),
                    &format_instant(v.finish, tz),
                    a.status.as_str(),
                ])?;
            }
        }
        Ok(())
    })
}

/// The terminal table: totals, then every late or unassigned incident with its reason.
pub fn dispatch_table(summary: &DispatchSummary) -> String {
    let mut out = format!(
        "{} incidents: {} on time, {} late, {} unassigned\n\
         objective: {:.1} weighted breaches, {:.0} minutes late, {:.0} travel minutes \
         (construction {:.1} / {:.0} / {:.0}); {} LNS iterations in {:.1} s\n",
        summary.incidents,
        summary.on_time,
        summary.late,
        summary.unassigned,
        summary.cost.breaches,
        summary.cost.late_minutes,
        summary.cost.travel_minutes,
        summary.construction_cost.breaches,
        summary.construction_cost.late_minutes,
        summary.construction_cost.travel_minutes,
        summary.iterations,
        summary.seconds,
    );
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
