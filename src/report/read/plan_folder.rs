//! The folder `sparesla plan --out` writes: depots.csv, stock.csv,
//! assignment.csv, summary.json and, when the plan counts engineers,
//! staffing.csv. The one reader of plan folders: `report` reads them all,
//! `simulate` the stock and the summary, with the same checks.

use super::{FolderError, FolderReader, known_id, known_id_or_empty, non_negative, share};
use crate::diagnostic::{Code, Diagnostic};
use crate::report::schema::plan::{AssignmentLine, DepotLine, StaffingLine, StockLine};
use crate::scenario::{Columns, DepotIdx, PartIdx, Scenario, SiteIdx, StockLevel, TierIdx};
use crate::simulate::{PlanDir, Promise};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const DEPOT_COLUMNS: Columns = Columns {
    required: &["depot", "open", "stock_units", "stock_value"],
    optional: &["fixed_cost", "sites_served"],
};
const STOCK_COLUMNS: Columns = Columns {
    required: &["depot", "part", "stock"],
    optional: &["demand_per_year", "fill_rate"],
};
/// A stock file in the scenario's format (`depot,part,on_hand`), which
/// `simulate --plan` has always accepted in a plan folder.
const ON_HAND_COLUMNS: Columns = Columns {
    required: &["depot", "part", "on_hand"],
    optional: &[],
};
const ASSIGNMENT_COLUMNS: Columns = Columns {
    required: &["site", "part", "depot"],
    optional: &["tier", "travel_hours", "backup_depot"],
};
const STAFFING_COLUMNS: Columns = Columns {
    required: &crate::report::schema::plan::STAFFING_COLUMNS,
    optional: &[],
};

/// One row of depots.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct DepotRow {
    pub depot: DepotIdx,
    pub open: bool,
    pub stock_units: u32,
    pub stock_value: f64,
    pub sites_served: Option<u32>,
}

/// One row of stock.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct StockRow {
    pub depot: DepotIdx,
    pub part: PartIdx,
    pub stock: u32,
    /// Absent in a stock file without the column.
    pub fill_rate: Option<f64>,
}

/// One row of assignment.csv (one per site and part with demand).
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentRow {
    pub site: SiteIdx,
    pub part: PartIdx,
    /// The serving depot; `None` when no open depot reaches the site in time.
    pub depot: Option<DepotIdx>,
    pub travel_hours: Option<f64>,
}

/// Where the positions of a staffing.csv row come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaffingSource {
    /// The scenario's engineers.csv.
    Roster,
    /// Added by the plan from a `shifts.csv` pattern.
    Added,
}

impl StaffingSource {
    /// The word staffing.csv uses.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffingSource::Roster => "roster",
            StaffingSource::Added => "added",
        }
    }
}

/// One row of staffing.csv: positions of one depot, shift and skill set.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffingRow {
    pub depot: DepotIdx,
    /// The `shifts.csv` pattern, or the roster shift's rule where none matches.
    pub shift: String,
    /// Sorted, as staffing.csv lists them.
    pub skills: Vec<String>,
    pub positions: u32,
    /// Yearly cost of the row's positions together.
    pub cost_per_year: f64,
    pub source: StaffingSource,
}

/// A tier's line of summary.json (the writer's struct).
pub type TierFile = crate::plan::TierService;
/// An unreachable site of summary.json (the writer's struct).
pub type UnreachableFile = crate::report::schema::plan::UnreachableSite;
/// summary.json, read into the struct `plan` writes it from; keys the
/// struct does not know are ignored.
pub type PlanSummaryFile = crate::report::schema::plan::PlanSummary;

/// Which files of a plan folder a command reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanParts {
    /// depots.csv, stock.csv, assignment.csv and summary.json (`report`).
    All,
    /// stock.csv and summary.json (`simulate`); depots and assignment stay empty.
    StockAndSummary,
}

/// A plan folder, checked against its scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanFiles {
    pub depots: Vec<DepotRow>,
    pub stock: Vec<StockRow>,
    pub assignment: Vec<AssignmentRow>,
    pub summary: PlanSummaryFile,
    /// staffing.csv; `None` for a plan that does not count engineers (or
    /// one written before plans did), and when only stock and summary are read.
    pub staffing: Option<Vec<StaffingRow>>,
}

impl PlanFiles {
    /// Open flag of each scenario depot (a depot missing from depots.csv is closed).
    pub fn open(&self, scenario: &Scenario) -> Vec<bool> {
        let mut open = vec![false; scenario.depots.len()];
        for row in &self.depots {
            open[row.depot.index()] = row.open;
        }
        open
    }

    /// Serving depot of each scenario site (`None`: unserved or no demand).
    pub fn primary(&self, scenario: &Scenario) -> Vec<Option<DepotIdx>> {
        let mut primary = vec![None; scenario.sites.len()];
        for row in &self.assignment {
            if row.depot.is_some() {
                primary[row.site.index()] = row.depot;
            }
        }
        primary
    }
}

/// Reads a plan folder written for `scenario` (all four files).
pub fn read_plan_folder(dir: &Path, scenario: &Scenario) -> Result<PlanFiles, FolderError> {
    read_plan_parts(dir, scenario, PlanParts::All)
}

/// Reads the `parts` of a plan folder written for `scenario`.
pub fn read_plan_parts(
    dir: &Path,
    scenario: &Scenario,
    parts: PlanParts,
) -> Result<PlanFiles, FolderError> {
    let mut reader = FolderReader::open(dir);
    let all = parts == PlanParts::All;
    let depots = if all {
        read_depots(&mut reader, dir, scenario)
    } else {
        Vec::new()
    };
    let stock = read_stock(&mut reader, dir, scenario);
    let assignment = if all {
        read_assignment(&mut reader, dir, scenario)
    } else {
        Vec::new()
    };
    let staffing = if all {
        read_staffing(&mut reader, dir, scenario)
    } else {
        None
    };
    let summary = read_summary(&mut reader, &dir.join("summary.json"), scenario);
    let summary = reader.finish(summary)?;
    Ok(PlanFiles {
        depots,
        stock,
        assignment,
        summary,
        staffing,
    })
}

fn read_depots(reader: &mut FolderReader, dir: &Path, scenario: &Scenario) -> Vec<DepotRow> {
    let depot = |id: &str| scenario.depot_by_id(id);
    let Some(table) = reader.table(&dir.join("depots.csv"), |_| DEPOT_COLUMNS) else {
        return Vec::new();
    };
    table.read_rows(&mut reader.diagnostics, |cells| {
        let line: DepotLine = cells.deserialize()?;
        let depot = known_id(cells, "depot", "depot", &line.depot, depot);
        let stock_units = whole_count(cells, "stock_units", line.stock_units);
        let stock_value = non_negative(cells, "stock_value", line.stock_value);
        let sites_served = match line.sites_served {
            None => Some(None),
            Some(count) => whole_count(cells, "sites_served", count).map(Some),
        };
        Some(DepotRow {
            depot: depot?,
            open: line.open,
            stock_units: stock_units?,
            stock_value: stock_value?,
            sites_served: sites_served?,
        })
    })
}

/// A count of the file as the row keeps it (at most `u32::MAX`).
fn whole_count(cells: &mut crate::scenario::Cells<'_>, column: &str, count: u64) -> Option<u32> {
    let fits = u32::try_from(count).ok();
    if fits.is_none() {
        cells.error(
            column,
            Code::E1014OutOfRange,
            format!("{count} is too large"),
            format!("`{column}` must be a whole number from 0 to {}", u32::MAX),
        );
    }
    fits
}

/// stock.csv: each depot and part at most once.
fn read_stock(reader: &mut FolderReader, dir: &Path, scenario: &Scenario) -> Vec<StockRow> {
    let depot = |id: &str| scenario.depot_by_id(id);
    let part = |id: &str| scenario.part_by_id(id);
    let path = dir.join("stock.csv");
    let choose = |header: &str| {
        let names: Vec<&str> = header
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        if names.contains(&"on_hand") && !names.contains(&"stock") {
            ON_HAND_COLUMNS
        } else {
            STOCK_COLUMNS
        }
    };
    let Some(table) = reader.table(&path, choose) else {
        return Vec::new();
    };
    let rows = table.read_rows(&mut reader.diagnostics, |cells| {
        let line: StockLine = cells.deserialize()?;
        let depot = known_id(cells, "depot", "depot", &line.depot, depot);
        let part = known_id(cells, "part", "part", &line.part, part);
        let fill_rate = match line.fill_rate {
            None => Some(None),
            Some(fill) => share(cells, "fill_rate", fill).map(Some),
        };
        let row = StockRow {
            depot: depot?,
            part: part?,
            stock: line.stock,
            fill_rate: fill_rate?,
        };
        Some((row, cells.line()))
    });
    let mut first_line = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for (row, line) in rows {
        if let Some(first) = first_line.insert((row.depot, row.part), line) {
            reader.diagnostics.push(
                Diagnostic::file(
                    Code::E1030DuplicateId,
                    &path,
                    format!("this depot and part are listed again (first on line {first})"),
                    "give each depot and part one row",
                )
                .at(line, Some(1)),
            );
            continue;
        }
        kept.push(row);
    }
    kept
}

fn read_assignment(
    reader: &mut FolderReader,
    dir: &Path,
    scenario: &Scenario,
) -> Vec<AssignmentRow> {
    let depot = |id: &str| scenario.depot_by_id(id);
    let part = |id: &str| scenario.part_by_id(id);
    let site = |id: &str| scenario.site_by_id(id);
    let Some(table) = reader.table(&dir.join("assignment.csv"), |_| ASSIGNMENT_COLUMNS) else {
        return Vec::new();
    };
    table.read_rows(&mut reader.diagnostics, |cells| {
        let line: AssignmentLine = cells.deserialize()?;
        let site = known_id(cells, "site", "site", &line.site, site);
        let part = known_id(cells, "part", "part", &line.part, part);
        let depot = known_id_or_empty(cells, "depot", "depot", line.depot.as_deref(), depot);
        let travel_hours = match line.travel_hours {
            None => Some(None),
            Some(hours) => non_negative(cells, "travel_hours", hours).map(Some),
        };
        Some(AssignmentRow {
            site: site?,
            part: part?,
            depot: depot?,
            travel_hours: travel_hours?,
        })
    })
}

/// staffing.csv, when the folder has one (a manifest that lists it makes
/// it required: its absence is reported as a partial folder). Each depot,
/// shift, skill set and source at most once.
fn read_staffing(
    reader: &mut FolderReader,
    dir: &Path,
    scenario: &Scenario,
) -> Option<Vec<StaffingRow>> {
    let path = dir.join("staffing.csv");
    if std::fs::symlink_metadata(&path).is_err() {
        return None;
    }
    let depot = |id: &str| scenario.depot_by_id(id);
    let table = reader.table(&path, |_| STAFFING_COLUMNS)?;
    let rows = table.read_rows(&mut reader.diagnostics, |cells| {
        let line: StaffingLine = cells.deserialize()?;
        let depot = known_id(cells, "depot", "depot", &line.depot, depot);
        let cost = non_negative(cells, "cost_per_year", line.cost_per_year);
        let source = staffing_source(cells, &line.source);
        let row = StaffingRow {
            depot: depot?,
            shift: line.shift,
            skills: line
                .skills
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            positions: line.positions,
            cost_per_year: cost?,
            source: source?,
        };
        Some((row, cells.line()))
    });
    let mut first_line = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for (row, line) in rows {
        let key = (row.depot, row.shift.clone(), row.skills.clone(), row.source);
        if let Some(first) = first_line.insert(key, line) {
            reader.diagnostics.push(
                Diagnostic::file(
                    Code::E1030DuplicateId,
                    &path,
                    format!(
                        "this depot, shift, skill set and source are listed again (first on line {first})"
                    ),
                    "give each depot, shift, skill set and source one row",
                )
                .at(line, Some(1)),
            );
            continue;
        }
        kept.push(row);
    }
    Some(kept)
}

/// The `source` cell of staffing.csv: `roster` or `added`.
fn staffing_source(cells: &mut crate::scenario::Cells<'_>, source: &str) -> Option<StaffingSource> {
    match source.trim() {
        "roster" => Some(StaffingSource::Roster),
        "added" => Some(StaffingSource::Added),
        other => {
            cells.error(
                "source",
                Code::E1015UnknownKeyword,
                format!("unknown source `{other}`"),
                "`source` is `roster` (engineers.csv) or `added` (added by the plan)",
            );
            None
        }
    }
}

/// summary.json, with every id known to the scenario, every share between
/// 0 and 1 and every cost 0 or more, each problem at its line and column.
fn read_summary(
    reader: &mut FolderReader,
    path: &Path,
    scenario: &Scenario,
) -> Option<PlanSummaryFile> {
    let (summary, text) = reader.json_and_text::<PlanSummaryFile>(path)?;
    let mut check = SummaryCheck {
        path,
        text: &text,
        found: Vec::new(),
    };
    for (key, value) in [
        ("total_cost", summary.total_cost),
        ("fixed_cost", summary.fixed_cost),
        ("holding_cost", summary.holding_cost),
        ("expected_penalty", summary.expected_penalty),
        ("emergency_cost", summary.emergency_cost),
        ("people_cost", summary.people_cost),
        ("lower_bound", summary.lower_bound),
        ("gap", summary.gap),
        ("stock_value", summary.stock_value),
    ] {
        if value < 0.0 {
            check.at(
                &format!("\"{key}\""),
                Code::E1013OutOfDomain,
                format!("`{key}` is {value}; it cannot be negative"),
            );
        }
    }
    let mut seen = HashSet::new();
    for tier in &summary.tiers {
        let needle = format!("\"{}\"", tier.tier);
        if scenario.tier_by_id(&tier.tier).is_none() {
            check.at(
                &needle,
                Code::E1031UnknownReference,
                format!("tier `{}` is not in the scenario's tiers.csv", tier.tier),
            );
        }
        if !seen.insert(tier.tier.as_str()) {
            check.at(
                &needle,
                Code::E1030DuplicateId,
                format!("tier `{}` is listed twice", tier.tier),
            );
        }
        for (key, share) in [
            ("target", tier.target),
            ("expected_attainment", tier.expected_attainment),
            ("attainable", tier.attainable),
            ("parts_attainment", tier.parts_attainment),
            ("people_attainment", tier.people_attainment),
        ] {
            if !(0.0..=1.0).contains(&share) {
                check.at(
                    &needle,
                    Code::E1014OutOfRange,
                    format!(
                        "tier `{}`: {key} {share} is not a share between 0 and 1",
                        tier.tier
                    ),
                );
            }
        }
        for (key, value) in [
            ("demand", tier.demand),
            ("expected_breaches", tier.expected_breaches),
        ] {
            if value < 0.0 {
                check.at(
                    &needle,
                    Code::E1013OutOfDomain,
                    format!(
                        "tier `{}`: {key} is {value}; it cannot be negative",
                        tier.tier
                    ),
                );
            }
        }
    }
    for site in &summary.unreachable_sites {
        if scenario.site_by_id(&site.site).is_none() {
            check.at(
                &format!("\"{}\"", site.site),
                Code::E1031UnknownReference,
                format!(
                    "unreachable site `{}` is not in the scenario's sites.csv",
                    site.site
                ),
            );
        }
    }
    let found = check.found;
    let clean = found.is_empty();
    for diagnostic in found {
        reader.diagnostics.push(diagnostic);
    }
    clean.then_some(summary)
}

/// Places summary.json problems at the first mention of what they concern.
struct SummaryCheck<'a> {
    path: &'a Path,
    text: &'a str,
    found: Vec<Diagnostic>,
}

impl SummaryCheck<'_> {
    fn at(&mut self, needle: &str, code: Code, message: String) {
        let (line, column) = locate(self.text, needle);
        self.found.push(
            Diagnostic::file(
                code,
                self.path,
                message,
                "give the folder `sparesla plan --out` wrote for this scenario, unchanged, or re-run `sparesla plan`",
            )
            .at(line, Some(column)),
        );
    }
}

/// 1-based line and column of the first occurrence of `needle`, or 1:1.
fn locate(text: &str, needle: &str) -> (u64, u64) {
    let Some(offset) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}

impl PlanFiles {
    /// How staffing.csv disagrees with summary.json (the yearly people cost,
    /// the roster and added positions), or `None` when they agree or there
    /// is nothing to compare. A folder whose manifest holds cannot disagree;
    /// one edited by hand can, and the report would show two truths.
    pub fn staffing_mismatch(&self) -> Option<String> {
        let rows = self.staffing.as_ref()?;
        let staffing = self.summary.staffing.as_ref()?;
        let positions = |source: StaffingSource| -> u64 {
            rows.iter()
                .filter(|r| r.source == source)
                .map(|r| u64::from(r.positions))
                .sum()
        };
        let cost: f64 = rows.iter().map(|r| r.cost_per_year).sum();
        let mut found = Vec::new();
        // staffing.csv rounds each row's cost to cents.
        let tolerance = 0.005 * rows.len() as f64 + 1e-9 * self.summary.people_cost.abs();
        if (cost - self.summary.people_cost).abs() > tolerance {
            found.push(format!(
                "its costs add up to {cost:.2} a year, summary.json's people_cost is {:.2}",
                self.summary.people_cost
            ));
        }
        for (what, source, claimed) in [
            (
                "roster",
                StaffingSource::Roster,
                staffing.roster_positions as u64,
            ),
            (
                "added",
                StaffingSource::Added,
                staffing.added_positions as u64,
            ),
        ] {
            let listed = positions(source);
            if listed != claimed {
                found.push(format!(
                    "it lists {listed} {what} positions, summary.json {claimed}"
                ));
            }
        }
        (!found.is_empty()).then(|| found.join("; "))
    }

    /// What `simulate` takes from this plan: its stock and its promise, for
    /// the `scenario` it was read against.
    pub fn for_simulation(&self, scenario: &Scenario) -> PlanDir {
        let files = self;
        let stock = files
            .stock
            .iter()
            .map(|row| StockLevel {
                depot: row.depot,
                part: row.part,
                on_hand: row.stock,
            })
            .collect();
        let mut attainment = vec![None; scenario.tiers.len()];
        for line in &files.summary.tiers {
            if let Some(tier) = scenario.tier_by_id(&line.tier) {
                attainment[TierIdx::index(tier)] = Some(line.expected_attainment);
            }
        }
        PlanDir {
            stock,
            promise: Promise {
                attainment,
                expected_penalty: files.summary.expected_penalty,
                emergency_cost: files.summary.emergency_cost,
            },
        }
    }
}
