//! What `sparesla travel` prints: travel times between places, and the route
//! of one pair.

use crate::travel::{Endpoint, Step, TimeSource, TravelTimes};
use comfy_table::{CellAlignment, Table, presets::NOTHING};
use serde::Serialize;

/// The travel time of one pair, with the geodesic estimate beside it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TravelPair {
    pub from: String,
    pub to: String,
    pub reachable: bool,
    /// `None` when unreachable.
    pub hours: Option<f64>,
    pub model: TimeSource,
    pub geodesic_km: f64,
    pub geodesic_hours: f64,
}

impl TravelPair {
    pub fn of(times: &TravelTimes, from: Endpoint, to: Endpoint) -> Self {
        let reach = times.hours_between(from, to);
        TravelPair {
            from: times.id(from).to_string(),
            to: times.id(to).to_string(),
            reachable: reach.is_reachable(),
            hours: reach.hours(),
            model: reach.model(),
            geodesic_km: times.geodesic_km(from, to),
            geodesic_hours: times.geodesic_hours(from, to),
        }
    }
}

/// Travel times of many pairs (a matrix, row by row).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TravelList {
    pub scenario: String,
    /// The travel model of the pairs an imported matrix does not hold.
    pub base_model: TimeSource,
    pub unreachable: usize,
    pub pairs: Vec<TravelPair>,
}

impl TravelList {
    /// Every pair of `from` x `to`, row by row.
    pub fn of(scenario: &str, times: &TravelTimes, from: &[Endpoint], to: &[Endpoint]) -> Self {
        let pairs: Vec<TravelPair> = from
            .iter()
            .flat_map(|&a| to.iter().map(move |&b| TravelPair::of(times, a, b)))
            .collect();
        TravelList {
            scenario: scenario.to_string(),
            base_model: times.base_model(),
            unreachable: pairs.iter().filter(|p| !p.reachable).count(),
            pairs,
        }
    }

    pub fn to_table(&self) -> String {
        let mut table = aligned_table(&["from", "to", "hours", "model", "geodesic h"]);
        for pair in &self.pairs {
            table.add_row(vec![
                pair.from.clone(),
                pair.to.clone(),
                hours_cell(pair.hours),
                pair.model.to_string(),
                format!("{:.2}", pair.geodesic_hours),
            ]);
        }
        format!(
            "travel times of {} ({} model; {} pairs, {} unreachable)\n{}",
            self.scenario,
            self.base_model,
            self.pairs.len(),
            self.unreachable,
            trimmed(&table)
        )
    }

    pub fn to_csv(&self) -> csv::Result<String> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(["from", "to", "hours", "model", "geodesic_hours"])?;
        for pair in &self.pairs {
            out.write_record([
                pair.from.as_str(),
                pair.to.as_str(),
                &csv_hours(pair.hours),
                &pair.model.to_string(),
                &format!("{:.4}", pair.geodesic_hours),
            ])?;
        }
        csv_text(out)
    }
}

/// One pair with the route taken.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TravelRoute {
    #[serde(flatten)]
    pub pair: TravelPair,
    /// Nodes passed with the hours on reaching each; `None` when unreachable.
    pub path: Option<Vec<Step>>,
}

impl TravelRoute {
    pub fn of(times: &TravelTimes, from: Endpoint, to: Endpoint) -> Self {
        TravelRoute {
            pair: TravelPair::of(times, from, to),
            path: times.route(from, to).map(|r| r.steps),
        }
    }

    pub fn to_table(&self) -> String {
        let pair = &self.pair;
        let mut lines = vec![match pair.hours {
            Some(h) => format!(
                "{} -> {}: {} {}",
                pair.from,
                pair.to,
                clock(h),
                by(pair.model)
            ),
            None => format!(
                "{} -> {}: unreachable {}",
                pair.from,
                pair.to,
                by(pair.model)
            ),
        }];
        lines.push(format!(
            "geodesic model: {} for {:.0} km straight line",
            clock(pair.geodesic_hours),
            pair.geodesic_km
        ));
        if let Some(path) = &self.path {
            lines.push("path:".to_string());
            let mut table = aligned_table(&["hours", "node"]);
            for step in path {
                table.add_row(vec![format!("{:.2}", step.hours), step.id.clone()]);
            }
            lines.push(trimmed(&table));
        }
        lines.join("\n")
    }

    pub fn to_csv(&self) -> csv::Result<String> {
        let pair = &self.pair;
        let path = self.path.as_ref().map_or(String::new(), |steps| {
            steps
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(" > ")
        });
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(["from", "to", "hours", "model", "geodesic_hours", "path"])?;
        out.write_record([
            pair.from.as_str(),
            pair.to.as_str(),
            &csv_hours(pair.hours),
            &pair.model.to_string(),
            &format!("{:.4}", pair.geodesic_hours),
            &path,
        ])?;
        csv_text(out)
    }
}

fn by(model: TimeSource) -> &'static str {
    match model {
        TimeSource::Road => "by road",
        TimeSource::Geodesic => "by the geodesic model",
        TimeSource::Imported => "by the imported matrix",
    }
}

/// Hours as `8.85 h (8h51m)`.
fn clock(hours: f64) -> String {
    let minutes = (hours * 60.0).round() as u64;
    format!("{hours:.2} h ({}h{:02}m)", minutes / 60, minutes % 60)
}

fn hours_cell(hours: Option<f64>) -> String {
    hours.map_or("unreachable".to_string(), |h| format!("{h:.2}"))
}

fn csv_hours(hours: Option<f64>) -> String {
    hours.map_or("unreachable".to_string(), |h| format!("{h:.4}"))
}

fn aligned_table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(NOTHING);
    table.set_header(header.iter().map(|h| h.to_string()));
    for (i, column) in table.column_iter_mut().enumerate() {
        if header[i].contains("hours") || header[i].ends_with(" h") {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

fn trimmed(table: &Table) -> String {
    table
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn csv_text(out: csv::Writer<Vec<u8>>) -> csv::Result<String> {
    let bytes = out
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).trim_end().to_string())
}
