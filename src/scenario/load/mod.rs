//! Loading a scenario folder into a validated [`Scenario`].
//!
//! Every file is read completely and every problem recorded (up to a cap per
//! file), so one run of `sparesla validate` shows all there is to fix.

mod calendars;
mod coverage;
mod network;
mod operations;
mod roads;
mod settings;
mod shifts;
mod start_date;
pub(crate) mod tier_and_engineer;

pub use calendars::{CalendarResolver, parse_calendar};
pub use coverage::check_period;
pub use roads::{SNAP_TOLERANCE_KM, parse_matrix};
pub use settings::{Settings, line_column, parse_settings, plain_date};
pub use shifts::{AROUND_THE_CLOCK, SHIFTS_FILE};
pub use tier_and_engineer::says_around_the_clock;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::model::{
    BreakRule, Engineer, EngineerState, Incident, Pin, Scenario, ShiftPattern, StockLevel,
};
use crate::scenario::table::{Columns, Refs, Table, decode_csv};
use network::index_of;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A scenario that could not be loaded, with everything found wrong.
#[derive(Debug, thiserror::Error)]
#[error("{diagnostics}")]
pub struct ScenarioError {
    pub diagnostics: Diagnostics,
}

/// A loaded scenario and the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Diagnostic>,
}

/// Reading state shared by the table readers.
pub struct Loader {
    dir: PathBuf,
    diagnostics: Diagnostics,
    calendars: CalendarResolver,
}

impl Loader {
    fn new(dir: &Path) -> Self {
        Loader {
            dir: dir.to_path_buf(),
            diagnostics: Diagnostics::new(),
            calendars: CalendarResolver::new(dir),
        }
    }

    fn read_text(&mut self, path: &Path) -> Option<String> {
        match crate::bounded_read::read_input(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some(text),
                Err(error) => {
                    let offset = error.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(&error.into_bytes()[..offset]).into_owned();
                    let (line, column) = line_column(&text, offset);
                    self.diagnostics.push(
                        Diagnostic::file(
                            Code::E1002Malformed,
                            path,
                            "the file is not valid UTF-8",
                            "save the file with UTF-8 encoding",
                        )
                        .at(line, Some(column)),
                    );
                    None
                }
            },
            Err(error) => {
                self.unreadable(path, &error);
                None
            }
        }
    }

    /// A CSV file's text: UTF-8, or GB18030 as Chinese Excel saves it.
    fn read_csv_text(&mut self, path: &Path) -> Option<String> {
        match crate::bounded_read::read_input(path) {
            Ok(bytes) => decode_csv(path, bytes, &mut self.diagnostics),
            Err(error) => {
                self.unreadable(path, &error);
                None
            }
        }
    }

    fn unreadable(&mut self, path: &Path, error: &crate::bounded_read::InputReadError) {
        self.diagnostics.push(Diagnostic::file(
            Code::E1001FileUnreadable,
            path,
            error.to_string(),
            "check the scenario folder; docs/scenario-format.md lists the files a scenario needs",
        ));
    }

    /// A required table of the scenario folder.
    fn table(&mut self, file: &str, columns: Columns) -> Option<Table> {
        let path = self.dir.join(file);
        self.table_at(&path, columns)
    }

    /// A table at a path (required: a missing file is an error).
    fn table_at(&mut self, path: &Path, columns: Columns) -> Option<Table> {
        let text = self.read_csv_text(path)?;
        Table::parse(path, &text, columns, &mut self.diagnostics)
    }

    /// A table that may be absent.
    fn optional_table(&mut self, path: &Path, columns: Columns) -> Option<Table> {
        path.exists()
            .then(|| self.table_at(path, columns))
            .flatten()
    }

    fn finish<T>(self, value: T) -> Result<(T, Vec<Diagnostic>), ScenarioError> {
        if self.diagnostics.has_errors() {
            Err(ScenarioError {
                diagnostics: self.diagnostics,
            })
        } else {
            Ok((value, self.diagnostics.into_warnings()))
        }
    }
}

/// Loads and validates the scenario in `dir`: a scenario folder, or an
/// overlay folder (`overlay.toml`), which [`crate::scenario::overlay`] applies to its base.
pub fn load(dir: &Path) -> Result<Loaded, ScenarioError> {
    if dir.join(crate::scenario::overlay::OVERLAY_FILE).exists() {
        let loaded = crate::scenario::overlay::load_overlay(dir)?;
        // The base's own rows were checked when it loaded; this finds the
        // engineers and tiers the overlay adds or changes.
        let scenario = &loaded.scenario;
        if let Some(start) = scenario.start_date {
            let end = start + chrono::Days::new(u64::from(scenario.horizon_days));
            let period = format!(
                "the planning horizon ({} days from start_date {start})",
                scenario.horizon_days
            );
            check_period(scenario, start, end, &period)?;
        }
        return Ok(loaded);
    }
    load_folder(dir)
}

/// Loads and validates the plain scenario folder in `dir` (no overlay).
pub fn load_folder(dir: &Path) -> Result<Loaded, ScenarioError> {
    let mut loader = Loader::new(dir);
    let settings_path = dir.join("scenario.toml");
    let settings = loader
        .read_text(&settings_path)
        .and_then(|text| parse_settings(&settings_path, &text, &mut loader.diagnostics));

    let tier_table = loader.table("tiers.csv", network::TIER_COLUMNS);
    let tiers = tier_table
        .as_ref()
        .map(|table| network::read_tiers(&mut loader, table))
        .unwrap_or_default();
    let depot_table = loader.table("depots.csv", network::DEPOT_COLUMNS);
    let depots = depot_table
        .as_ref()
        .map(|table| network::read_depots(&mut loader, table))
        .unwrap_or_default();
    let part_table = loader.table("parts.csv", network::PART_COLUMNS);
    let parts = part_table
        .as_ref()
        .map(|table| network::read_parts(&mut loader, table))
        .unwrap_or_default();
    let tier_refs = Refs::new(
        "tier",
        "tiers.csv",
        index_of(&tiers, |t| &t.id),
        tier_table.as_ref(),
    );
    let depot_refs = Refs::new(
        "depot",
        "depots.csv",
        index_of(&depots, |d| &d.id),
        depot_table.as_ref(),
    );
    let part_refs = Refs::new(
        "part",
        "parts.csv",
        index_of(&parts, |p| &p.id),
        part_table.as_ref(),
    );
    let site_table = loader.table("sites.csv", network::SITE_COLUMNS);
    let sites = site_table
        .as_ref()
        .map(|table| {
            let depot_ids = depots.iter().map(|d| d.id.as_str()).collect();
            network::read_sites(&mut loader, table, &tier_refs, &depot_ids)
        })
        .unwrap_or_default();
    let site_refs = Refs::new(
        "site",
        "sites.csv",
        index_of(&sites, |s| &s.id),
        site_table.as_ref(),
    );
    let installed_base = loader
        .table("installed_base.csv", network::INSTALLED_BASE_COLUMNS)
        .map(|table| network::read_installed_base(&mut loader, &table, &site_refs, &part_refs))
        .unwrap_or_default();
    let mut depots = depots;
    network::assign_depot_zones(
        &mut depots,
        &sites,
        settings.as_ref().and_then(|s| s.timezone),
    );
    let engineer_table = loader.table("engineers.csv", network::ENGINEER_COLUMNS);
    let (engineers, breaks) = engineer_table
        .as_ref()
        .map(|table| {
            network::read_engineers(&mut loader, table, &depot_refs, &depots, settings.is_some())
        })
        .unwrap_or_default();
    if let Some(start) = settings.as_ref().and_then(|s| s.start_date) {
        let horizon_days = settings.as_ref().map_or(0, |s| s.horizon_days);
        coverage::check_horizon(
            &mut loader.diagnostics,
            start,
            horizon_days,
            &engineers,
            engineer_table.as_ref(),
            &tiers,
            tier_table.as_ref(),
            &sites,
        );
    }
    let shift_patterns = read_shifts_file(&mut loader, settings.as_ref());

    let mut road_nodes = Vec::new();
    let mut road_list = Vec::new();
    let mut closures = Vec::new();
    let mut imported_matrix = None;
    if let Some(settings) = &settings {
        let taken: HashSet<String> = depots
            .iter()
            .map(|d| d.id.clone())
            .chain(sites.iter().map(|s| s.id.clone()))
            .collect();
        // Ids written in the place files, valid or not: a road naming a
        // rejected row is not reported a second time.
        let mut written: HashSet<String> = [&depot_table, &site_table]
            .into_iter()
            .flatten()
            .flat_map(|t| t.raw_values("id").map(str::to_string))
            .collect();
        if let Some(file) = &settings.nodes_file {
            if let Some(table) = loader.table_at(&dir.join(file), roads::NODE_COLUMNS) {
                road_nodes = roads::read_nodes(&mut loader, &table, &taken);
                written.extend(table.raw_values("id").map(str::to_string));
            }
        }
        let mut written_links: HashSet<(String, String)> = HashSet::new();
        if let Some(file) = &settings.roads_file {
            let places: HashSet<String> = taken
                .iter()
                .cloned()
                .chain(road_nodes.iter().map(|n| n.id.clone()))
                .collect();
            if let Some(table) = loader.table_at(&dir.join(file), roads::ROAD_COLUMNS) {
                road_list = roads::read_roads(&mut loader, &table, &places, &written);
                let oneway: Vec<bool> = table
                    .raw_values("oneway")
                    .map(|v| matches!(v.trim(), "yes" | "true"))
                    .collect();
                let ends = table.raw_values("from").zip(table.raw_values("to"));
                for (row, (from, to)) in ends.enumerate() {
                    written_links.insert((from.to_string(), to.to_string()));
                    if !oneway.get(row).copied().unwrap_or(false) {
                        written_links.insert((to.to_string(), from.to_string()));
                    }
                }
            }
        }
        let closures_path = dir.join(
            settings
                .closures_file
                .as_deref()
                .unwrap_or(Path::new("closures.csv")),
        );
        let closures_table = if settings.closures_file.is_some() {
            loader.table_at(&closures_path, roads::CLOSURE_COLUMNS)
        } else {
            loader.optional_table(&closures_path, roads::CLOSURE_COLUMNS)
        };
        if let Some(table) = closures_table {
            closures = roads::read_closures(&mut loader, &table, &road_list, &written_links);
        }
        if let Some(file) = &settings.matrix_file {
            let path = dir.join(file);
            if let Some(text) = loader.read_text(&path) {
                let places: HashMap<String, _> = depots
                    .iter()
                    .map(|d| (d.id.clone(), d.location))
                    .chain(sites.iter().map(|s| (s.id.clone(), s.location)))
                    .collect();
                imported_matrix = parse_matrix(&path, &text, &places, &mut loader.diagnostics);
            }
        }
    }

    let incidents = match loader
        .optional_table(&dir.join("incidents.csv"), operations::INCIDENT_COLUMNS)
    {
        Some(table) => {
            let none_years = settings
                .as_ref()
                .map_or(crate::calendar::DEFAULT_NONE_YEARS, |s| {
                    crate::calendar::none_years(s.start_date, s.horizon_days)
                });
            let mut calendars =
                coverage::IncidentCalendars::new(&sites, &tiers, &parts, &engineers, none_years);
            operations::read_incidents(&mut loader, &table, &mut calendars, &site_refs, &part_refs)
        }
        None => Vec::new(),
    };
    let stock = match loader.optional_table(&dir.join("stock.csv"), operations::STOCK_COLUMNS) {
        Some(table) => {
            operations::read_stock(&mut loader, &table, "on_hand", &depot_refs, &part_refs)
        }
        None => Vec::new(),
    };

    let Some(settings) = settings else {
        return Err(ScenarioError {
            diagnostics: loader.diagnostics,
        });
    };
    let scenario = Scenario {
        name: settings.name,
        currency: settings.currency,
        horizon_days: settings.horizon_days,
        start_date: settings.start_date,
        travel: settings.travel,
        costs: settings.costs,
        planning: settings.planning,
        dispatch: settings.dispatch,
        depots,
        parts,
        sites,
        installed_base,
        tiers,
        engineers,
        breaks,
        shift_patterns,
        road_nodes,
        roads: road_list,
        roads_file: settings.roads_file.as_ref().map(|file| dir.join(file)),
        closures,
        imported_matrix,
        incidents,
        stock,
        dir: dir.to_path_buf(),
        rate_changes: Vec::new(),
        tier_changes: Vec::new(),
    };
    let mut scenario = scenario;
    start_date::apply_default(&mut scenario, &settings_path, &mut loader.diagnostics);
    warn_about_gaps(&scenario, &mut loader.diagnostics);
    let (scenario, warnings) = loader.finish(scenario)?;
    Ok(Loaded { scenario, warnings })
}

/// The rota patterns of the folder's shifts.csv; none without the file.
fn read_shifts_file(loader: &mut Loader, settings: Option<&Settings>) -> Vec<ShiftPattern> {
    let path = loader.dir.join(SHIFTS_FILE);
    let Some(table) = loader.optional_table(&path, shifts::SHIFT_PATTERN_COLUMNS) else {
        return Vec::new();
    };
    let patterns = shifts::read_shift_patterns(loader, &table);
    if let Some((start, settings)) = settings.and_then(|s| Some((s.start_date?, s))) {
        shifts::check_pattern_horizon(loader, &table, &patterns, start, settings.horizon_days);
    }
    patterns
}

/// Warnings about a scenario that loads but will surprise its user.
fn warn_about_gaps(scenario: &Scenario, diagnostics: &mut Diagnostics) {
    let skills: HashSet<&str> = scenario
        .engineers
        .iter()
        .flat_map(|e| e.skills.iter().map(String::as_str))
        .collect();
    let mut reported = HashSet::new();
    for part in &scenario.parts {
        if !skills.contains(part.skill.as_str()) && reported.insert(part.skill.as_str()) {
            diagnostics.push(Diagnostic::file(
                Code::W2002SkillWithoutEngineer,
                &scenario.dir.join("parts.csv"),
                format!(
                    "no engineer has skill `{}` (needed by part `{}` and maybe others)",
                    part.skill, part.id
                ),
                "add the skill to an engineer in engineers.csv, or dispatch will leave these incidents unassigned",
            ));
        }
    }
    let mut with_base = vec![false; scenario.sites.len()];
    for unit in &scenario.installed_base {
        with_base[unit.site.index()] = true;
    }
    let bare = with_base.iter().filter(|&&b| !b).count();
    if bare > 0 {
        let first = scenario
            .sites
            .iter()
            .zip(&with_base)
            .find(|(_, b)| !**b)
            .map(|(s, _)| s.id.as_str())
            .unwrap_or_default();
        diagnostics.push(Diagnostic::file(
            Code::W2004SiteWithoutInstalledBase,
            &scenario.dir.join("installed_base.csv"),
            format!(
                "{bare} site(s) have no installed base, e.g. `{first}`; they generate no demand"
            ),
            "add installed_base.csv rows for them, or remove the sites",
        ));
    }
}

/// Loads a separate incidents file against a loaded scenario (for
/// `dispatch --incidents FILE`).
pub fn load_incidents(scenario: &Scenario, path: &Path) -> Result<Vec<Incident>, ScenarioError> {
    let mut loader = Loader::new(&scenario.dir);
    let ids = scenario.id_index();
    let sites = Refs::of_valid("site", "sites.csv", ids.sites);
    let parts = Refs::of_valid("part", "parts.csv", ids.parts);
    let incidents = match loader.table_at(path, operations::INCIDENT_COLUMNS) {
        Some(table) => {
            let mut calendars = coverage::IncidentCalendars::new(
                &scenario.sites,
                &scenario.tiers,
                &scenario.parts,
                &scenario.engineers,
                crate::scenario::scenario_years(scenario),
            );
            operations::read_incidents(&mut loader, &table, &mut calendars, &sites, &parts)
        }
        None => Vec::new(),
    };
    loader.finish(incidents).map(|(incidents, _)| incidents)
}

/// Loads a roster file (engineers.csv format, e.g. a plan's roster.csv)
/// against a loaded scenario, with the reader and checks of engineers.csv:
/// bases are the scenario's depots, calendar names resolve as in the
/// scenario folder, and each calendar must cover the planning horizon.
pub fn load_roster(scenario: &Scenario, path: &Path) -> Result<Vec<Engineer>, ScenarioError> {
    load_roster_with_breaks(scenario, path).map(|(engineers, _)| engineers)
}

/// [`load_roster`] with the roster's breaks by engineer id (its `break`
/// column), for a caller that routes the engineers.
pub fn load_roster_with_breaks(
    scenario: &Scenario,
    path: &Path,
) -> Result<(Vec<Engineer>, BTreeMap<String, BreakRule>), ScenarioError> {
    let mut loader = Loader::new(&scenario.dir);
    let ids = scenario.id_index();
    let depots = Refs::of_valid("depot", "depots.csv", ids.depots);
    let Some(table) = loader.table_at(path, network::ENGINEER_COLUMNS) else {
        return loader.finish(Default::default()).map(|(roster, _)| roster);
    };
    let roster = network::read_engineers(&mut loader, &table, &depots, &scenario.depots, true);
    if let Some(start) = scenario.start_date {
        coverage::check_horizon(
            &mut loader.diagnostics,
            start,
            scenario.horizon_days,
            &roster.0,
            Some(&table),
            &[],
            None,
            &[],
        );
    }
    loader.finish(roster).map(|(roster, _)| roster)
}

/// Loads `engineer_state.csv` (`engineer,available_from,location`) against a loaded scenario.
pub fn load_engineer_states(
    scenario: &Scenario,
    path: &Path,
) -> Result<Vec<EngineerState>, ScenarioError> {
    let mut loader = Loader::new(&scenario.dir);
    let ids = scenario.id_index();
    let engineers = Refs::of_valid("engineer", "engineers.csv", ids.engineers);
    let depots = Refs::of_valid("depot", "depots.csv", ids.depots);
    let sites = Refs::of_valid("site", "sites.csv", ids.sites);
    let states = match loader.table_at(path, operations::ENGINEER_STATE_COLUMNS) {
        Some(table) => operations::read_engineer_states(
            &mut loader,
            &table,
            &scenario.engineers,
            &engineers,
            &depots,
            &sites,
        ),
        None => Vec::new(),
    };
    loader.finish(states).map(|(states, _)| states)
}

/// Loads a previous dispatch.csv to pin (`--pin`): its assigned incidents,
/// which must be among `incidents`.
pub fn load_pins(
    scenario: &Scenario,
    incidents: &[Incident],
    path: &Path,
) -> Result<Vec<Pin>, ScenarioError> {
    let mut loader = Loader::new(&scenario.dir);
    let ids = scenario.id_index();
    let engineers = Refs::of_valid("engineer", "engineers.csv", ids.engineers);
    let depots = Refs::of_valid("depot", "depots.csv", ids.depots);
    let incident_ids = Refs::of_valid(
        "incident",
        "the incidents file",
        incidents
            .iter()
            .enumerate()
            .map(|(k, i)| (i.id.clone(), k))
            .collect(),
    );
    let pins = match loader.table_at(path, operations::PIN_COLUMNS) {
        Some(table) => {
            operations::read_pins(&mut loader, &table, &incident_ids, &engineers, &depots)
        }
        None => Vec::new(),
    };
    loader.finish(pins).map(|(pins, _)| pins)
}

/// Loads a separate stock file (`depot,part,on_hand`) against a loaded scenario.
pub fn load_stock(scenario: &Scenario, path: &Path) -> Result<Vec<StockLevel>, ScenarioError> {
    let mut loader = Loader::new(&scenario.dir);
    let ids = scenario.id_index();
    let depots = Refs::of_valid("depot", "depots.csv", ids.depots);
    let parts = Refs::of_valid("part", "parts.csv", ids.parts);
    let text = loader.read_csv_text(path).unwrap_or_default();
    // The header decides the format.
    let header = text
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .unwrap_or_default();
    let (columns, units) = operations::stock_format(header);
    let table = match loader.diagnostics.has_errors() {
        true => None,
        false => Table::parse(path, &text, columns, &mut loader.diagnostics),
    };
    let stock = match table {
        Some(table) => operations::read_stock(&mut loader, &table, units, &depots, &parts),
        None => Vec::new(),
    };
    loader.finish(stock).map(|(stock, _)| stock)
}

/// Loads a calendar by name (`none`, a bundled name such as `CN`, or a CSV
/// path), resolving relative names against `dir`.
pub fn load_calendar(
    spec: &str,
    dir: &Path,
) -> Result<std::sync::Arc<crate::calendar::HolidayCalendar>, ScenarioError> {
    let mut loader = Loader::new(dir);
    let mut diagnostics = Diagnostics::new();
    match loader.calendars.resolve(spec, &mut diagnostics) {
        Ok(Some(calendar)) => Ok(calendar),
        Ok(None) => Err(ScenarioError { diagnostics }),
        Err(message) => {
            diagnostics.push(Diagnostic::file(
                Code::E1031UnknownReference,
                Path::new(spec),
                message,
                "use `none`, a bundled calendar such as `CN`, or a path to a date,kind,name CSV file",
            ));
            Err(ScenarioError { diagnostics })
        }
    }
}
