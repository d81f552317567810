//! Arbitrary bytes fed to each loader and parser of user input. Shared by
//! the CI-speed property test (`tests/no_panic.rs`) and the cargo-fuzz
//! targets (`fuzz/fuzz_targets/`), so both drive the same entry points. A
//! feed returns nothing: it passes when the loader returns, with a value or
//! an error, and fails by panicking or hanging.

use sparesla::calendar::{
    ClockWindow, SlaClock, WeekdaySet, parse_clock, parse_duration, parse_instant, parse_time_zone,
};
use sparesla::diagnostic::Diagnostics;
use sparesla::scenario::{self, BusinessHours, Coverage, Response, Scenario};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The files every scenario folder has.
pub const REQUIRED_FILES: &[&str] = &[
    "scenario.toml",
    "depots.csv",
    "parts.csv",
    "sites.csv",
    "installed_base.csv",
    "tiers.csv",
    "engineers.csv",
];

/// Optional files a feed may add to a scenario folder.
pub const OPTIONAL_FILES: &[&str] = &[
    "stock.csv",
    "incidents.csv",
    "roads.csv",
    "nodes.csv",
    "closures.csv",
];

/// The files of a plan folder a feed may replace.
pub const PLAN_FILES: &[&str] = &[
    "summary.json",
    "stock.csv",
    "depots.csv",
    "assignment.csv",
    "manifest.json",
];

/// The tiny fixture scenario, from the project's tests or from `fuzz/`.
fn fixture() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = if manifest.ends_with("fuzz") {
        manifest.parent().expect("fuzz/ is inside the project")
    } else {
        manifest
    };
    root.join("tests/fixtures/tiny")
}

/// The tiny fixture, loaded once.
fn tiny() -> &'static Scenario {
    static TINY: OnceLock<Scenario> = OnceLock::new();
    TINY.get_or_init(|| scenario::load(&fixture()).expect("tiny fixture").scenario)
}

/// A plan folder of the tiny fixture, written once.
fn tiny_plan() -> &'static Path {
    static PLAN: OnceLock<tempfile::TempDir> = OnceLock::new();
    PLAN.get_or_init(|| {
        let scenario = tiny();
        let travel = sparesla::travel::TravelTimes::build(scenario).expect("travel");
        let hours = sparesla::plan::depot_site_hours(scenario, &travel);
        let plan = sparesla::plan::plan(
            scenario,
            &hours,
            sparesla::plan::PlanOptions {
                backend: sparesla::plan::Backend::default_backend(),
                time_limit: std::time::Duration::from_secs(10),
                gap: 0.0,
                staffing: sparesla::plan::Staffing::PartsOnly,
            },
        )
        .expect("tiny plan");
        let dir = tempfile::tempdir().expect("temporary folder");
        sparesla::report::write_plan(dir.path(), scenario, &plan).expect("write plan");
        dir
    })
    .path()
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("file type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// Splits a feed: its first byte picks one of `names` (then of `more`),
/// the rest is the content.
fn pick<'a>(
    data: &'a [u8],
    names: &[&'static str],
    more: &[&'static str],
) -> (&'static str, &'a [u8]) {
    let all = names.len() + more.len();
    match data.split_first() {
        Some((first, rest)) => {
            let i = usize::from(*first) % all;
            (
                names
                    .get(i)
                    .copied()
                    .unwrap_or_else(|| more[i - names.len()]),
                rest,
            )
        }
        None => (names[0], data),
    }
}

/// One file of the tiny scenario replaced by `data`, then the folder loaded.
pub fn scenario_file(data: &[u8]) {
    let (name, content) = pick(data, REQUIRED_FILES, OPTIONAL_FILES);
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_folder(&fixture(), dir.path());
    std::fs::write(dir.path().join(name), content).expect("write");
    let _ = scenario::load(dir.path());
}

/// A file of the given name holding `data`, in a fresh folder, given to `load`.
fn with_file(name: &str, data: &[u8], load: impl FnOnce(&Path)) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, data).expect("write");
    load(&path);
}

/// `dispatch --incidents FILE`.
pub fn incidents(data: &[u8]) {
    with_file("incidents.csv", data, |path| {
        let _ = scenario::load_incidents(tiny(), path);
    });
}

/// `dispatch --stock FILE` and a plan's stock.csv.
pub fn stock(data: &[u8]) {
    with_file("stock.csv", data, |path| {
        let _ = scenario::load_stock(tiny(), path);
    });
}

/// `dispatch --engineer-state FILE` and `dispatch --pin FILE`.
pub fn live_state(data: &[u8]) {
    with_file("live.csv", data, |path| {
        let _ = scenario::load_engineer_states(tiny(), path);
        let _ = scenario::load_pins(tiny(), &[], path);
    });
}

/// An overlay's `overlay.toml`.
pub fn overlay(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = sparesla::whatif::Overlay::parse(Path::new("overlay.toml"), &text);
}

/// A holiday calendar file.
pub fn calendar(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut diagnostics = Diagnostics::new();
    let _ = scenario::parse_calendar("fuzz", Path::new("calendar.csv"), &text, &mut diagnostics);
}

/// An OSRM table response (`[travel] matrix`).
pub fn osrm_matrix(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let places = tiny()
        .sites
        .iter()
        .map(|s| (s.id.clone(), s.location))
        .chain(tiny().depots.iter().map(|d| (d.id.clone(), d.location)))
        .collect();
    let mut diagnostics = Diagnostics::new();
    let _ = scenario::parse_matrix(Path::new("matrix.json"), &text, &places, &mut diagnostics);
}

/// One file of a plan folder replaced by `data`, then read as `report` and
/// `simulate` read it.
pub fn plan_folder(data: &[u8]) {
    let (name, content) = pick(data, PLAN_FILES, &[]);
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_folder(tiny_plan(), dir.path());
    if name != "manifest.json" {
        // Without its manifest the folder is read unchecked (W2008), so the
        // replaced file reaches the parsers instead of the manifest check.
        std::fs::remove_file(dir.path().join("manifest.json")).expect("manifest");
    }
    std::fs::write(dir.path().join(name), content).expect("write");
    use sparesla::report::read::{PlanParts, read_plan_parts};
    for parts in [PlanParts::All, PlanParts::StockAndSummary] {
        if let Ok(files) = read_plan_parts(dir.path(), tiny(), parts) {
            let _ = files.for_simulation(tiny());
        }
    }
}

/// The pieces of `sparesla deadline`, separated by newlines: opened, zone,
/// window (empty: 24x7), days, within (empty: next business day), cutoff.
/// When they all parse, the deadline is computed, with `--explain` too.
pub fn deadline(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\n');
    let mut next = || fields.next().unwrap_or("");
    let (opened, zone, window, days, within, cutoff) =
        (next(), next(), next(), next(), next(), next());
    let Ok(tz) = parse_time_zone(zone) else {
        return;
    };
    let Ok(opened) = parse_instant(opened, tz) else {
        return;
    };
    let coverage = if window.is_empty() {
        Coverage::AllHours
    } else {
        let (Ok(window), Ok(days)) = (window.parse::<ClockWindow>(), days.parse::<WeekdaySet>())
        else {
            return;
        };
        let Ok(calendar) = scenario::load_calendar("CN", Path::new(".")) else {
            return;
        };
        Coverage::Business(BusinessHours {
            window,
            days,
            calendar,
        })
    };
    let response = if within.is_empty() {
        Response::NextBusinessDay {
            cutoff_minute: parse_clock(cutoff),
        }
    } else {
        let Ok(duration) = parse_duration(within) else {
            return;
        };
        Response::Within(duration)
    };
    let Ok(clock) = SlaClock::new(&coverage, response, tz, 2024..=2030) else {
        return;
    };
    let opened = opened.timestamp();
    let _ = clock.deadline(opened);
    let _ = sparesla::calendar::explain_deadline(&clock, opened);
}
