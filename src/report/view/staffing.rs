//! The staffing view: the plan's engineer positions per depot (from
//! staffing.csv), by shift pattern, roster against added, with their
//! yearly cost.

use crate::report::read::{PlanFiles, StaffingRow, StaffingSource};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, BTreeSet};

/// The plan's engineers per depot.
#[derive(Clone, Debug)]
pub struct StaffingView {
    /// `keep` or `plan` (summary.json's `staffing.mode`).
    pub mode: String,
    /// Shift patterns in chart order: as `shifts.csv` lists them, then
    /// roster shifts no pattern matches, by name.
    pub shifts: Vec<String>,
    /// Depots with positions, and open depots without any; most costly first.
    pub depots: Vec<DepotStaffing>,
    pub roster_positions: u32,
    pub added_positions: u32,
    pub roster_cost: f64,
    pub added_cost: f64,
    /// Roster positions no `shifts.csv` pattern prices (counted at 0).
    pub unpriced_positions: usize,
}

/// Positions of one shift pattern at one depot.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShiftPositions {
    pub roster: u32,
    pub added: u32,
    /// Yearly cost of the roster and added positions together.
    pub cost: f64,
}

/// One depot's engineers.
#[derive(Clone, Debug)]
pub struct DepotStaffing {
    pub id: String,
    pub name: String,
    pub open: bool,
    /// Indexed like [`StaffingView::shifts`].
    pub by_shift: Vec<ShiftPositions>,
    pub roster_positions: u32,
    pub added_positions: u32,
    pub cost: f64,
    /// Skills the depot's positions hold, sorted.
    pub skills: Vec<String>,
    /// Skills only the added positions bring, sorted.
    pub added_skills: Vec<String>,
    /// The depot's rows of staffing.csv, in file order.
    pub rows: Vec<StaffingRow>,
}

impl DepotStaffing {
    pub fn positions(&self) -> u32 {
        self.roster_positions + self.added_positions
    }
}

/// The staffing view of a plan that counted engineers and wrote staffing.csv.
pub fn staffing_view(scenario: &Scenario, plan: &PlanFiles) -> Option<StaffingView> {
    if !plan.summary.counts_people() {
        return None;
    }
    let rows = plan.staffing.as_ref()?;
    let shifts = shift_order(scenario, rows);
    let open = plan.open(scenario);
    let mut by_depot: BTreeMap<usize, Vec<&StaffingRow>> = BTreeMap::new();
    for row in rows {
        by_depot.entry(row.depot.index()).or_default().push(row);
    }
    for (d, is_open) in open.iter().enumerate() {
        if *is_open {
            by_depot.entry(d).or_default();
        }
    }
    let mut depots: Vec<DepotStaffing> = by_depot
        .into_iter()
        .map(|(d, rows)| depot_staffing(scenario, d, open[d], &shifts, &rows))
        .collect();
    depots.sort_by(|a, b| b.cost.total_cmp(&a.cost).then_with(|| a.id.cmp(&b.id)));
    let total = |source: StaffingSource| {
        rows.iter()
            .filter(|r| r.source == source)
            .fold((0u32, 0.0), |(n, c), r| {
                (n.saturating_add(r.positions), c + r.cost_per_year)
            })
    };
    let (roster_positions, roster_cost) = total(StaffingSource::Roster);
    let (added_positions, added_cost) = total(StaffingSource::Added);
    let staffing = plan.summary.staffing.as_ref();
    Some(StaffingView {
        mode: staffing.map_or_else(String::new, |s| s.mode.name().to_string()),
        shifts,
        depots,
        roster_positions,
        added_positions,
        roster_cost,
        added_cost,
        unpriced_positions: staffing.map_or(0, |s| s.unpriced_positions),
    })
}

/// The scenario's patterns in `shifts.csv` order (those with positions),
/// then the other shift names of the file, sorted.
fn shift_order(scenario: &Scenario, rows: &[StaffingRow]) -> Vec<String> {
    let used: BTreeSet<&str> = rows.iter().map(|r| r.shift.as_str()).collect();
    let mut order: Vec<String> = scenario
        .shift_patterns
        .iter()
        .map(|p| p.id.clone())
        .filter(|id| used.contains(id.as_str()))
        .collect();
    for shift in used {
        if !order.iter().any(|s| s == shift) {
            order.push(shift.to_string());
        }
    }
    order
}

fn depot_staffing(
    scenario: &Scenario,
    depot: usize,
    open: bool,
    shifts: &[String],
    rows: &[&StaffingRow],
) -> DepotStaffing {
    let mut by_shift = vec![ShiftPositions::default(); shifts.len()];
    let (mut roster_positions, mut added_positions, mut cost) = (0u32, 0u32, 0.0);
    let mut roster_skills = BTreeSet::new();
    let mut added_skills = BTreeSet::new();
    for row in rows {
        let Some(slot) = shifts.iter().position(|s| *s == row.shift) else {
            continue;
        };
        let cell = &mut by_shift[slot];
        let skills = match row.source {
            StaffingSource::Roster => {
                cell.roster = cell.roster.saturating_add(row.positions);
                roster_positions = roster_positions.saturating_add(row.positions);
                &mut roster_skills
            }
            StaffingSource::Added => {
                cell.added = cell.added.saturating_add(row.positions);
                added_positions = added_positions.saturating_add(row.positions);
                &mut added_skills
            }
        };
        cell.cost += row.cost_per_year;
        cost += row.cost_per_year;
        if row.positions > 0 {
            skills.extend(row.skills.iter().cloned());
        }
    }
    let place = &scenario.depots[depot];
    DepotStaffing {
        id: place.id.clone(),
        name: place.name.clone(),
        open,
        by_shift,
        roster_positions,
        added_positions,
        cost,
        skills: roster_skills.union(&added_skills).cloned().collect(),
        added_skills: added_skills.difference(&roster_skills).cloned().collect(),
        rows: rows.iter().map(|r| (*r).clone()).collect(),
    }
}
