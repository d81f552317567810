//! Times from an external routing engine (`[travel] matrix`), by place pair.

use super::{Endpoint, TravelError};
use crate::scenario::{ImportedMatrix, Scenario};
use std::collections::HashMap;

/// Imported hours by `(from, to)`; `None` where the engine found no route.
pub type ImportedTimes = HashMap<(Endpoint, Endpoint), Option<f64>>;

/// Checks an imported matrix against the scenario and indexes it. When a
/// place appears twice among the sources or destinations, its first row or
/// column counts.
pub fn index(scenario: &Scenario, matrix: &ImportedMatrix) -> Result<ImportedTimes, TravelError> {
    let sources = places(scenario, &matrix.sources, "sources")?;
    let destinations = places(scenario, &matrix.destinations, "destinations")?;
    if matrix.hours.len() != sources.len() {
        return Err(bad(format!(
            "{} rows for {} sources",
            matrix.hours.len(),
            sources.len()
        )));
    }
    let mut times = HashMap::with_capacity(sources.len() * destinations.len());
    for (r, (from, row)) in sources.iter().zip(&matrix.hours).enumerate() {
        if row.len() != destinations.len() {
            return Err(bad(format!(
                "row {r} has {} values for {} destinations",
                row.len(),
                destinations.len()
            )));
        }
        for (to, &hours) in destinations.iter().zip(row) {
            if let Some(h) = hours.filter(|h| !(h.is_finite() && *h >= 0.0)) {
                return Err(bad(format!("row {r} holds {h} hours")));
            }
            times.entry((*from, *to)).or_insert(hours);
        }
    }
    Ok(times)
}

fn places(scenario: &Scenario, ids: &[String], list: &str) -> Result<Vec<Endpoint>, TravelError> {
    let index = scenario.id_index();
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            index
                .depots
                .get(id)
                .map(|&d| Endpoint::Depot(d))
                .or_else(|| index.sites.get(id).map(|&s| Endpoint::Site(s)))
                .ok_or_else(|| TravelError::UnknownPlace {
                    context: format!("imported matrix {list}[{i}]"),
                    id: id.clone(),
                })
        })
        .collect()
}

fn bad(what: String) -> TravelError {
    TravelError::BadMatrix { what }
}
