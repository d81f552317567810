//! Reasons a dispatcher can act on, for late and unassigned incidents. They
//! compare the dispatch with what each incident could get alone: every
//! qualified engineer free at base, every depot at its initial stock.

use super::engine::Solution;
use super::problem::Problem;
use super::schedule::options_alone;
use super::{Assignment, Status};
use crate::calendar::{Seconds, format_instant};

pub fn explain(problem: &Problem, solution: &Solution, assignment: &Assignment) -> Option<String> {
    let i = assignment.incident;
    let scenario = problem.scenario;
    let part = scenario.part(problem.incidents[i].part);
    let tz = scenario.site(problem.incidents[i].site).tz;
    match assignment.status {
        Status::OnTime => None,
        Status::Late => Some(match earliest_alone(problem, i) {
            Some(t) if t > assignment.deadline => format!(
                "deadline earlier than any possible arrival (earliest {})",
                format_instant(t, tz)
            ),
            Some(t) => format!(
                "qualified engineers or nearby stock busy with other incidents (alone it could arrive at {})",
                format_instant(t, tz)
            ),
            None => "late".to_string(),
        }),
        Status::Unassigned => Some(if problem.qualified[i].is_empty() {
            format!("no engineer with skill {}", part.skill)
        } else if !problem.stock.iter().enumerate().any(|(slot, &n)| {
            n > 0 && slot % scenario.parts.len() == problem.incidents[i].part.index()
        }) {
            format!("no stock of part {} at any depot", part.id)
        } else if problem.depots[i].is_empty() {
            format!("no depot with part {} can reach the site", part.id)
        } else if earliest_alone(problem, i).is_none() {
            format!(
                "no engineer with skill {} can reach the site with part {} inside a shift",
                part.skill, part.id
            )
        } else if problem.depots[i]
            .iter()
            .all(|&d| solution.stock[problem.stock_slot(d, i)] == 0)
        {
            format!("all stock of part {} taken by other incidents", part.id)
        } else {
            format!(
                "all engineers with skill {} are busy through the horizon",
                part.skill
            )
        }),
    }
}

/// The earliest arrival of the incident if it were the only one.
pub fn earliest_alone(problem: &Problem, incident: usize) -> Option<Seconds> {
    options_alone(problem, incident)
        .iter()
        .map(|(_, visit)| visit.arrive)
        .min()
}
