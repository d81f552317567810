//! roster.csv: engineers written in the engineers.csv format, so that
//! `dispatch --roster`, `simulate --roster` and `simulate --plan` read it
//! back with the engineers.csv reader ([`crate::scenario::load_roster`]) and
//! get the same engineers.

use crate::calendar::{ClockWindow, HolidayCalendar};
use crate::diagnostic::Diagnostics;
use crate::scenario::{AROUND_THE_CLOCK, BreakRule, CalendarResolver, Engineer, Scenario};
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::Path;
use std::sync::Arc;

/// The roster's file name in a plan folder.
pub const ROSTER_FILE: &str = "roster.csv";

/// The columns written: those of engineers.csv, `tz` (so that a shift
/// keeps its zone whatever the base depot's is) and `break` (empty for
/// none).
pub const ROSTER_COLUMNS: [&str; 9] = [
    "id", "name", "base", "skills", "shift", "calendar", "days", "tz", "break",
];

/// The roster as CSV text (for an output set).
///
/// Refused (`InvalidData`, nothing written) when the text would not read
/// back as these engineers: an id twice, a base that is not a depot of the
/// scenario, or a calendar whose name resolves, from the scenario folder,
/// to another calendar (one read from a file path outside `calendars/`).
pub fn roster_csv(scenario: &Scenario, engineers: &[Engineer]) -> io::Result<String> {
    roster_csv_with_breaks(scenario, engineers, &scenario.breaks)
}

/// [`roster_csv`] with the breaks of `breaks` (by engineer id) instead of
/// the scenario's.
pub fn roster_csv_with_breaks(
    scenario: &Scenario,
    engineers: &[Engineer],
    breaks: &BTreeMap<String, BreakRule>,
) -> io::Result<String> {
    check_readable(scenario, engineers)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(ROSTER_COLUMNS)
        .map_err(io::Error::other)?;
    for engineer in engineers {
        writer
            .write_record(row(scenario, engineer, breaks.get(&engineer.id)))
            .map_err(io::Error::other)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// Writes the roster to `path` (atomically: the old file or the new one).
pub fn write_roster(path: &Path, scenario: &Scenario, engineers: &[Engineer]) -> io::Result<()> {
    let text = roster_csv(scenario, engineers)?;
    super::write_atomic(path, text.as_bytes())
}

/// Writes the roster to `out`.
pub fn write_roster_to(
    mut out: impl io::Write,
    scenario: &Scenario,
    engineers: &[Engineer],
) -> io::Result<()> {
    out.write_all(roster_csv(scenario, engineers)?.as_bytes())
}

/// One engineer as engineers.csv writes it: a whole-day window as `24x7`
/// (the days column says which days), weekdays with `;` so the cell needs
/// no quotes.
fn row(scenario: &Scenario, engineer: &Engineer, rest: Option<&BreakRule>) -> [String; 9] {
    let shift = &engineer.shift;
    let window = if shift.window == ClockWindow::ALL_DAY {
        AROUND_THE_CLOCK.to_string()
    } else {
        shift.window.to_string()
    };
    [
        engineer.id.clone(),
        engineer.name.clone(),
        scenario.depot(engineer.base).id.clone(),
        engineer.skills.join(";"),
        window,
        shift.calendar.name().to_string(),
        shift.days.to_string().replace(',', ";"),
        shift.tz.name().to_string(),
        rest.map_or_else(String::new, BreakRule::to_string),
    ]
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The checks of [`roster_csv`].
fn check_readable(scenario: &Scenario, engineers: &[Engineer]) -> io::Result<()> {
    let mut ids = HashSet::new();
    let mut resolver = CalendarResolver::new(&scenario.dir);
    let mut checked: Vec<&Arc<HolidayCalendar>> = Vec::new();
    for engineer in engineers {
        if !ids.insert(engineer.id.as_str()) {
            return Err(invalid(format!(
                "roster.csv: engineer id `{}` is given twice",
                engineer.id
            )));
        }
        if engineer.base.index() >= scenario.depots.len() {
            return Err(invalid(format!(
                "roster.csv: engineer `{}` has a base that is not a depot of the scenario",
                engineer.id
            )));
        }
        let unwritable =
            |skill: &String| skill.is_empty() || skill.contains(';') || skill.trim() != skill;
        if engineer.skills.is_empty() || engineer.skills.iter().any(unwritable) {
            return Err(invalid(format!(
                "roster.csv: engineer `{}` has skills {:?}; each must be a non-empty name without `;` or surrounding spaces",
                engineer.id, engineer.skills
            )));
        }
        let calendar = &engineer.shift.calendar;
        if checked.contains(&calendar) {
            continue;
        }
        let resolved = resolver.resolve(calendar.name(), &mut Diagnostics::new());
        if !matches!(&resolved, Ok(Some(found)) if found == calendar) {
            return Err(invalid(format!(
                "roster.csv: engineer `{}` works by calendar {}, which was read from a file path; \
                 roster.csv names calendars, and from {} that name finds another calendar or none \
                 (move the file to calendars/{}.csv in the scenario folder and name it `{}`)",
                engineer.id,
                calendar.name(),
                scenario.dir.display(),
                calendar.name(),
                calendar.name()
            )));
        }
        checked.push(calendar);
    }
    Ok(())
}
