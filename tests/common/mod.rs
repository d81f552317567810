//! Helpers shared by the integration tests: copies of fixture scenarios that
//! a test may edit, and the path of the real binary.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The folder holding the fixture scenarios.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A private copy of a scenario folder, deleted when dropped.
pub struct ScenarioCopy {
    dir: tempfile::TempDir,
}

impl ScenarioCopy {
    /// Copies `tests/fixtures/<name>` (or any folder) into a temporary folder.
    pub fn of(source: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        copy_dir(source, dir.path());
        ScenarioCopy { dir }
    }

    /// Copies the fixture of that name.
    pub fn fixture(name: &str) -> Self {
        Self::of(&fixtures().join(name))
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces a file's content.
    pub fn write(&self, file: &str, content: &str) -> &Self {
        fs::write(self.dir.path().join(file), content).expect("write fixture file");
        self
    }

    /// Edits a file's content.
    pub fn edit(&self, file: &str, change: impl FnOnce(String) -> String) -> &Self {
        let path = self.dir.path().join(file);
        let text = fs::read_to_string(&path).expect("read fixture file");
        fs::write(&path, change(text)).expect("write fixture file");
        self
    }

    /// Replaces the first occurrence of `from` in a file, which must be there.
    pub fn replace(&self, file: &str, from: &str, to: &str) -> &Self {
        self.edit(file, |text| {
            assert!(text.contains(from), "{file} does not contain {from:?}");
            text.replacen(from, to, 1)
        })
    }

    /// Deletes a file.
    pub fn remove(&self, file: &str) -> &Self {
        fs::remove_file(self.dir.path().join(file)).expect("remove fixture file");
        self
    }
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Runs the real `sparesla` binary.
pub fn sparesla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run sparesla")
}

/// Runs a command line as a user pastes it (quotes, pipes) in a POSIX shell
/// in `dir`, with `sparesla` the binary under test.
pub fn sparesla_line(dir: &Path, command: &str) -> Output {
    let binary = env!("CARGO_BIN_EXE_sparesla");
    Command::new("sh")
        .arg("-c")
        .arg(format!("sparesla() {{ '{binary}' \"$@\"; }}; {command}"))
        .current_dir(dir)
        .output()
        .expect("run sh")
}

/// stdout and stderr of a run, as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A plan as its output files state it, for the independent checker.
pub fn read_plan_claims(dir: &Path) -> sparesla::plan::check::PlanClaims {
    use sparesla::plan::check::PlanClaims;
    let mut claims = PlanClaims::default();
    let mut depots = csv::Reader::from_path(dir.join("depots.csv")).expect("depots.csv");
    for row in depots.records() {
        let row = row.expect("depots row");
        if &row[1] == "true" {
            claims.open_depots.insert(row[0].to_string());
        }
    }
    let mut stock = csv::Reader::from_path(dir.join("stock.csv")).expect("stock.csv");
    for row in stock.records() {
        let row = row.expect("stock row");
        claims.stock.insert(
            (row[0].to_string(), row[1].to_string()),
            row[2].parse().expect("units"),
        );
    }
    let mut assignment =
        csv::Reader::from_path(dir.join("assignment.csv")).expect("assignment.csv");
    for row in assignment.records() {
        let row = row.expect("assignment row");
        let depot = (!row[3].is_empty()).then(|| row[3].to_string());
        claims.serving_depot.insert(row[0].to_string(), depot);
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).expect("summary"))
            .expect("summary.json");
    let number = |key: &str| summary[key].as_f64().expect(key);
    claims.costs = sparesla::plan::CostBreakdown {
        fixed_cost: number("fixed_cost"),
        holding_cost: number("holding_cost"),
        expected_penalty: number("expected_penalty"),
        emergency_cost: number("emergency_cost"),
        people_cost: summary["people_cost"].as_f64().unwrap_or(0.0),
        total_cost: number("total_cost"),
    };
    let roster = dir.join("roster.csv");
    claims.roster_file = roster.exists().then_some(roster);
    for tier in summary["tiers"].as_array().expect("tiers") {
        claims.attainment.insert(
            tier["tier"].as_str().expect("tier id").to_string(),
            (
                tier["expected_attainment"].as_f64().expect("attainment"),
                tier["attainable"].as_f64().expect("attainable"),
            ),
        );
    }
    claims
}

/// Depot-to-site hours of a scenario from the travel service.
pub fn travel_hours(scenario: &sparesla::scenario::Scenario) -> sparesla::plan::TravelHours {
    let travel = sparesla::travel::TravelTimes::build(scenario).expect("travel times");
    sparesla::plan::depot_site_hours(scenario, &travel)
}

/// A timed response of `text` (`4h`, `30m`).
pub fn within(text: &str) -> sparesla::scenario::Response {
    sparesla::scenario::Response::Within(sparesla::calendar::parse_duration(text).unwrap())
}

/// The deadline of a ticket opened at `opened` (local time in the clock's
/// zone, or with an offset), in RFC 3339 with the zone's offset.
pub fn deadline(
    clock: &sparesla::calendar::SlaClock,
    opened: &str,
) -> Result<String, sparesla::calendar::CalendarError> {
    let opened = sparesla::calendar::parse_instant(opened, clock.tz())
        .unwrap()
        .timestamp();
    clock
        .deadline(opened)
        .map(|due| sparesla::calendar::format_instant(due, clock.tz()))
}

/// The plan of `s` with the roster kept (`--staffing keep`, microlp or the
/// default backend, gap 0), and its stock as levels to simulate.
pub fn plan_keeping_the_roster(
    s: &sparesla::scenario::Scenario,
) -> (sparesla::plan::Plan, Vec<sparesla::scenario::StockLevel>) {
    use sparesla::plan::{self, Backend, PlanOptions, Staffing};
    let travel = plan::depot_site_hours(s, &sparesla::travel::TravelTimes::build(s).unwrap());
    let options = PlanOptions {
        backend: Backend::default_backend(),
        time_limit: std::time::Duration::from_secs(60),
        gap: 0.0,
        staffing: Staffing::Keep,
    };
    let planned = plan::plan(s, &travel, options).unwrap();
    let levels = planned
        .pools
        .iter()
        .zip(&planned.stock)
        .map(|(pool, &on_hand)| sparesla::scenario::StockLevel {
            depot: pool.depot,
            part: pool.part,
            on_hand,
        })
        .collect();
    (planned, levels)
}
