//! The floor: tickets, engineers' live states, stock taken and the
//! current plan, with the changes the API makes to it.

use crate::dispatch::{Mode, Status};
use crate::scenario::{
    DepotIdx, EngineerIdx, EngineerState, Incident, Location, PartIdx, Scenario,
};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// Where a ticket is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketState {
    /// Waiting; the plan may move it.
    Open,
    /// The engineer committed to it: pinned.
    Accepted,
    /// The engineer is on the way: pinned.
    EnRoute,
    /// The engineer is repairing: out of the plan, the engineer busy, the part taken.
    OnSite,
    Done,
    Cancelled,
    /// Settled by remote diagnosis: no dispatch.
    ResolvedRemotely,
}

impl TicketState {
    pub const ALL: [TicketState; 7] = [
        TicketState::Open,
        TicketState::Accepted,
        TicketState::EnRoute,
        TicketState::OnSite,
        TicketState::Done,
        TicketState::Cancelled,
        TicketState::ResolvedRemotely,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Open => "open",
            TicketState::Accepted => "accepted",
            TicketState::EnRoute => "en_route",
            TicketState::OnSite => "on_site",
            TicketState::Done => "done",
            TicketState::Cancelled => "cancelled",
            TicketState::ResolvedRemotely => "resolved_remotely",
        }
    }

    pub fn parse(text: &str) -> Option<TicketState> {
        TicketState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Still to be served (on the board).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            TicketState::Open | TicketState::Accepted | TicketState::EnRoute | TicketState::OnSite
        )
    }

    /// Routed by the re-plan (on-site jobs are under way, not routed).
    pub fn is_routed(self) -> bool {
        matches!(
            self,
            TicketState::Open | TicketState::Accepted | TicketState::EnRoute
        )
    }

    /// Kept with its engineer, depot and mode across re-plans.
    pub fn is_pinned(self) -> bool {
        matches!(self, TicketState::Accepted | TicketState::EnRoute)
    }
}

/// One ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    pub incident: Incident,
    /// The request that created it, canonical: a repeat must match it.
    pub request: String,
    pub state: TicketState,
    /// Whether its part left the depot for good.
    pub took_stock: bool,
}

/// Where and when an engineer of a plan serves a ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub engineer: EngineerIdx,
    pub depot: DepotIdx,
    pub mode: Mode,
    pub depart: DateTime<Utc>,
    pub arrive: DateTime<Utc>,
    pub finish: DateTime<Utc>,
}

/// The plan of one ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub visit: Option<Visit>,
    pub deadline: DateTime<Utc>,
    pub status: Status,
    pub reason: Option<String>,
}

/// What changes with each write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Floor {
    pub tickets: Vec<Ticket>,
    pub index: HashMap<String, usize>,
    /// Engineers whose place or availability was reported.
    pub engineers: BTreeMap<EngineerIdx, EngineerState>,
    /// Units taken for good, per depot and part.
    pub stock_taken: BTreeMap<(DepotIdx, PartIdx), u32>,
    /// The last plan of each ticket (closed ones keep their last).
    pub plan: HashMap<String, Planned>,
}

impl Floor {
    pub fn ticket(&self, id: &str) -> Option<&Ticket> {
        self.index.get(id).map(|&k| &self.tickets[k])
    }

    pub fn ticket_mut(&mut self, id: &str) -> Option<&mut Ticket> {
        self.index.get(id).map(|&k| &mut self.tickets[k])
    }

    pub fn push(&mut self, ticket: Ticket) {
        self.index
            .insert(ticket.incident.id.clone(), self.tickets.len());
        self.tickets.push(ticket);
    }

    /// Takes the part of ticket `id` from its planned depot, once.
    pub fn take_stock(&mut self, id: &str) {
        let depot = self
            .plan
            .get(id)
            .and_then(|p| p.visit.as_ref())
            .map(|v| v.depot);
        let Some(ticket) = self.ticket_mut(id) else {
            return;
        };
        if ticket.took_stock {
            return;
        }
        let Some(depot) = depot else { return };
        ticket.took_stock = true;
        let part = ticket.incident.part;
        *self.stock_taken.entry((depot, part)).or_default() += 1;
    }

    /// The engineer's reported state, else at base from `now`.
    pub fn engineer_state(
        &self,
        scenario: &Scenario,
        engineer: EngineerIdx,
        now: DateTime<Utc>,
    ) -> EngineerState {
        self.engineers
            .get(&engineer)
            .cloned()
            .unwrap_or_else(|| EngineerState {
                engineer,
                available_from: now,
                location: Location::Depot(scenario.engineers[engineer.index()].base),
            })
    }
}
