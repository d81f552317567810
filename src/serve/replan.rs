//! Re-planning a floor with the dispatch engine, warm-started from the
//! previous plan ([`crate::dispatch::dispatch_warm`]):
//! open, accepted and en-route tickets are routed; accepted and en-route
//! ones are pinned to their engineer, depot and mode; on-site ones are under
//! way (their engineer busy, their part taken); stock taken stays taken.

use super::desk::Desk;
use super::floor::{Floor, Planned, Visit};
use crate::dispatch::{self, DispatchError, DispatchOptions, Live};
use crate::scenario::{EngineerIdx, Location, Pin};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// Why a re-plan found no plan.
#[derive(Debug, thiserror::Error)]
pub enum ReplanError {
    /// A new ticket has no deadline (its time is outside the calendars).
    #[error("incident `{incident}`: no deadline: {message}")]
    Deadline { incident: String, message: String },
    /// The pinned jobs no longer fit (an engineer became unavailable).
    #[error("{0}")]
    Pins(String),
    #[error("{0}")]
    Engine(String),
}

/// Improvement iterations of a re-plan from scratch (the budget still caps it). A
/// change moves one or two jobs of a day already planned, and a dispatcher
/// waits on the answer: a few hundred iterations settle it, where the
/// 2,000 of a batch `dispatch` kept every write at the whole budget (2 s
/// with 500 engineers; docs/serve.md has the load figures).
const REPLAN_ITERATIONS: u64 = 300;

/// Improvement iterations of a warm-started re-plan ([`dispatch::dispatch_warm`]):
/// the previous plan was improved already, only the change is new.
const WARM_ITERATIONS: u64 = 60;

/// Re-plans `floor` at `now` within the desk's budget, and stores the
/// plan of each routed ticket in it.
pub fn replan(desk: &Desk, floor: &mut Floor, now: DateTime<Utc>) -> Result<(), ReplanError> {
    let scenario = &desk.scenario;
    let routed: Vec<usize> = (0..floor.tickets.len())
        .filter(|&k| floor.tickets[k].state.is_routed())
        .collect();
    let incidents: Vec<_> = routed
        .iter()
        .map(|&k| floor.tickets[k].incident.clone())
        .collect();
    let previous_visits = |pinned: bool| -> Vec<Pin> {
        routed
            .iter()
            .enumerate()
            .filter(|&(_, &k)| floor.tickets[k].state.is_pinned() == pinned)
            .filter_map(|(position, &k)| {
                let planned = floor.plan.get(&floor.tickets[k].incident.id)?;
                let visit = planned.visit.as_ref()?;
                Some(Pin {
                    incident: position,
                    engineer: visit.engineer,
                    depot: visit.depot,
                    mode: visit.mode,
                    depart: visit.depart,
                })
            })
            .collect()
    };
    let live = Live {
        engineers: live_engineers(desk, floor, now),
        pins: previous_visits(true),
    };
    // Open tickets start where the last plan put them.
    let previous = previous_visits(false);
    let options = DispatchOptions {
        time_limit: desk.settings.replan_budget,
        seed: 0,
        max_iterations: if previous.is_empty() {
            REPLAN_ITERATIONS
        } else {
            WARM_ITERATIONS
        },
        bound: None,
    };
    let stock = desk.stock_left(floor);
    let result = dispatch::dispatch_warm(
        scenario,
        &desk.travel,
        &incidents,
        &stock,
        &live,
        &previous,
        options,
    )
    .map_err(|e| match e {
        DispatchError::Deadline { incident, source } => ReplanError::Deadline {
            incident,
            message: source.to_string(),
        },
        DispatchError::Pin(message) => ReplanError::Pins(message),
        other => ReplanError::Engine(other.to_string()),
    })?;
    let mut plan: HashMap<String, Planned> = HashMap::with_capacity(result.assignments.len());
    for assignment in &result.assignments {
        let incident = &result.incidents[assignment.incident];
        let visit = assignment.visit.as_ref().map(|(engineer, timing)| Visit {
            engineer: *engineer,
            depot: timing.job.depot,
            mode: timing.job.mode,
            depart: at(timing.depart),
            arrive: at(timing.arrive),
            finish: at(timing.finish),
        });
        plan.insert(
            incident.id.clone(),
            Planned {
                visit,
                deadline: at(assignment.deadline),
                status: assignment.status,
                reason: assignment.reason.clone(),
            },
        );
    }
    floor.plan.extend(plan);
    Ok(())
}

/// Engineers as the engine should see them: reported states, and engineers
/// on site busy at that site until the repair is done. Nobody is free
/// before `now`.
fn live_engineers(
    desk: &Desk,
    floor: &Floor,
    now: DateTime<Utc>,
) -> Vec<crate::scenario::EngineerState> {
    let scenario = &desk.scenario;
    let mut states: BTreeMap<EngineerIdx, crate::scenario::EngineerState> = floor
        .engineers
        .iter()
        .map(|(e, state)| (*e, state.clone()))
        .collect();
    for ticket in floor
        .tickets
        .iter()
        .filter(|t| t.state == super::floor::TicketState::OnSite)
    {
        let Some(visit) = floor
            .plan
            .get(&ticket.incident.id)
            .and_then(|p| p.visit.as_ref())
        else {
            continue;
        };
        let repair = chrono::Duration::seconds(
            (scenario.parts[ticket.incident.part.index()].repair_hours * 3600.0) as i64,
        );
        let state = states
            .entry(visit.engineer)
            .or_insert_with(|| floor.engineer_state(scenario, visit.engineer, now));
        // The engineer's report gave the arrival; the repair runs on from it.
        state.location = Location::Site(ticket.incident.site);
        state.available_from = state.available_from.max(visit.arrive.min(now) + repair);
    }
    for state in states.values_mut() {
        state.available_from = state.available_from.max(now);
    }
    states.into_values().collect()
}

fn at(seconds: crate::calendar::Seconds) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}
