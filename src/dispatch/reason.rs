//! Reasons a dispatcher can act on, for late and unassigned incidents. They
//! compare the dispatch with what each incident could get alone: every
//! qualified engineer free at base, every depot at its initial stock.

use super::engine::Solution;
use super::problem::Problem;
use super::schedule::{JobTiming, options_alone};
use super::{Assignment, Status};
use crate::calendar::{Seconds, format_instant};
use crate::scenario::EngineerIdx;

pub fn explain(problem: &Problem, solution: &Solution, assignment: &Assignment) -> Option<String> {
    let i = assignment.incident;
    let scenario = problem.scenario;
    let part = scenario.part(problem.incidents[i].part);
    let tz = scenario.site(problem.incidents[i].site).tz;
    let (shifts, horizon) = match problem.days {
        1 => ("a shift".to_string(), "the horizon".to_string()),
        days => (
            format!("a shift of the {days} planned days"),
            format!("the {days} planned days"),
        ),
    };
    match assignment.status {
        Status::OnTime => None,
        Status::Late => {
            let alone = options_alone(problem, i);
            Some(match earliest(&alone) {
                Some(t) if t > assignment.deadline => format!(
                    "deadline earlier than any possible arrival (earliest {})",
                    format_instant(t, tz)
                ),
                Some(t) => format!(
                    "{} (alone it could arrive at {})",
                    contention(problem, solution, assignment, alone),
                    format_instant(t, tz)
                ),
                None => "late".to_string(),
            })
        }
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
                "no engineer with skill {} can reach the site with part {} inside {shifts}",
                part.skill, part.id
            )
        } else if problem.depots[i]
            .iter()
            .all(|&d| solution.stock[problem.stock_slot(d, i)] == 0)
        {
            format!("all stock of part {} taken by other incidents", part.id)
        } else {
            format!(
                "all engineers with skill {} are busy through {horizon}",
                part.skill
            )
        }),
    }
}

/// Engineers named in a reason, at most.
const NAMED_ENGINEERS: usize = 3;

/// What keeps a late incident from the on-time arrival it could have
/// alone: the stock that could make it is taken, or the engineers who could
/// make it are on other incidents before its deadline (named, with them).
/// `alone` is the incident's [`options_alone`].
fn contention(
    problem: &Problem,
    solution: &Solution,
    assignment: &Assignment,
    alone: Vec<(EngineerIdx, JobTiming)>,
) -> String {
    let i = assignment.incident;
    let scenario = problem.scenario;
    let part = scenario.part(problem.incidents[i].part);
    let own_slot = assignment
        .visit
        .as_ref()
        .map(|(_, v)| problem.stock_slot(v.job.depot, i));
    let on_time: Vec<_> = alone
        .into_iter()
        .filter(|(_, v)| v.arrive <= assignment.deadline)
        .collect();
    let mut engineers: Vec<EngineerIdx> = on_time
        .iter()
        .filter(|(_, v)| {
            let slot = problem.stock_slot(v.job.depot, i);
            solution.stock[slot] > 0 || own_slot == Some(slot)
        })
        .map(|&(engineer, _)| engineer)
        .collect();
    engineers.sort_unstable();
    engineers.dedup();
    if engineers.is_empty() {
        return format!(
            "the stock of part {} that could arrive in time is taken by other incidents",
            part.id
        );
    }
    let named: Vec<String> = engineers
        .iter()
        .take(NAMED_ENGINEERS)
        .map(|&e| {
            let before: Vec<&str> = solution.routes[e.index()]
                .visits
                .iter()
                .filter(|v| v.job != i && v.start <= assignment.deadline)
                .map(|v| problem.incidents[v.job].id.as_str())
                .collect();
            let engineer = &scenario.engineers[e.index()].id;
            if before.is_empty() {
                format!("{engineer} (busy)")
            } else {
                format!("{engineer} ({})", before.join(", "))
            }
        })
        .collect();
    let more = engineers.len().saturating_sub(NAMED_ENGINEERS);
    format!(
        "the {} engineer{} with skill {} who could arrive in time {} on other incidents before its deadline: {}{}",
        engineers.len(),
        if engineers.len() == 1 { "" } else { "s" },
        part.skill,
        if engineers.len() == 1 { "is" } else { "are" },
        named.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    )
}

/// The earliest arrival of the incident if it were the only one.
pub fn earliest_alone(problem: &Problem, incident: usize) -> Option<Seconds> {
    earliest(&options_alone(problem, incident))
}

/// The earliest arrival among `options`.
fn earliest(options: &[(EngineerIdx, JobTiming)]) -> Option<Seconds> {
    options.iter().map(|(_, visit)| visit.arrive).min()
}
