//! The plan's engineers: staffing.csv (positions per depot, shift and
//! skills, from the roster or added) and roster.csv (the roster plus the
//! added positions, in the engineers.csv format `simulate --plan` and
//! `dispatch --roster` read).

use super::roster::roster_csv_with_breaks;
use super::schema::csv_text;
use super::schema::plan::{STAFFING_COLUMNS, StaffingLine};
use crate::plan::{People, Plan};
use crate::scenario::{Engineer, Scenario, Shift};
use std::collections::BTreeMap;
use std::io;

/// The roster followed by the added positions, as engineers. Added
/// positions get ids `ADD-001`, `ADD-002`, … (an id the roster already
/// uses is skipped).
pub fn planned_roster(scenario: &Scenario, people: &People) -> Vec<Engineer> {
    let mut engineers = scenario.engineers.clone();
    let mut number = 0;
    for added in &people.added {
        let pattern = &scenario.shift_patterns[added.pattern];
        let depot = scenario.depot(added.depot);
        let id = loop {
            number += 1;
            let id = format!("ADD-{number:03}");
            if !scenario.engineers.iter().any(|e| e.id == id) {
                break id;
            }
        };
        engineers.push(Engineer {
            id,
            name: format!("added {} position at {}", pattern.id, depot.id),
            base: added.depot,
            skills: added.skills.clone(),
            shift: pattern.shift_in(depot.tz.unwrap_or(chrono_tz::UTC)),
        });
    }
    engineers
}

/// roster.csv of a plan that counts people: the roster's breaks, and each
/// added position its pattern's.
pub fn planned_roster_csv(scenario: &Scenario, people: &People) -> io::Result<String> {
    let engineers = planned_roster(scenario, people);
    let mut breaks = scenario.breaks.clone();
    let added = &engineers[scenario.engineers.len()..];
    for (engineer, position) in added.iter().zip(&people.added) {
        if let Some(rule) = scenario.shift_patterns[position.pattern].break_rule {
            breaks.insert(engineer.id.clone(), rule);
        }
    }
    roster_csv_with_breaks(scenario, &engineers, &breaks)
}

/// A roster shift no pattern matches, named by its rule.
fn shift_label(shift: &Shift) -> String {
    format!(
        "{} {} {}",
        shift.window,
        shift.days.to_string().replace(',', ";"),
        shift.calendar.name()
    )
}

/// staffing.csv: one row per depot, shift, skill set and source, with the
/// number of positions and their yearly cost together (roster positions no
/// pattern matches cost 0: nothing prices them).
pub fn staffing_csv(scenario: &Scenario, plan: &Plan) -> io::Result<Option<String>> {
    let Some(people) = &plan.people else {
        return Ok(None);
    };
    // (depot, shift, skills, source) -> (positions, cost)
    let mut rows: BTreeMap<(usize, String, String, &str), (u32, f64)> = BTreeMap::new();
    for ((engineer, pattern), price) in scenario
        .engineers
        .iter()
        .zip(&people.roster_pattern)
        .zip(&people.roster_prices)
    {
        let shift = pattern.map_or_else(
            || shift_label(&engineer.shift),
            |p| scenario.shift_patterns[p].id.clone(),
        );
        let mut skills = engineer.skills.clone();
        skills.sort();
        let row = rows
            .entry((engineer.base.index(), shift, skills.join(";"), "roster"))
            .or_default();
        row.0 += 1;
        row.1 += price;
    }
    for added in &people.added {
        let mut skills = added.skills.clone();
        skills.sort();
        let shift = scenario.shift_patterns[added.pattern].id.clone();
        let row = rows
            .entry((added.depot.index(), shift, skills.join(";"), "added"))
            .or_default();
        row.0 += 1;
        row.1 += added.cost;
    }
    let lines =
        rows.into_iter().map(
            |((depot, shift, skills, source), (positions, cost))| StaffingLine {
                depot: scenario.depots[depot].id.clone(),
                shift,
                skills,
                positions,
                cost_per_year: cost,
                source: source.to_string(),
            },
        );
    csv_text(STAFFING_COLUMNS, lines).map(Some)
}
