//! Scenarios written exactly as docs/scenario-format.md says: every
//! optional input left out (`tests/fixtures/documented`: no `start_date`, no
//! `timezone`, no `tz` column) validates, plans, simulates and dispatches,
//! with the defaults it states. Also the forms people naturally
//! write: a quoted `start_date`, `calendar = none` on a 24x7 tier, an
//! `opened` time with an offset but no seconds.

mod common;

use common::{ScenarioCopy, fixtures, sparesla, text};
use sparesla::scenario;

fn documented() -> String {
    fixtures().join("documented").to_str().unwrap().to_string()
}

/// Runs the binary, which must succeed; returns stdout and stderr.
fn run_ok(args: &[&str]) -> (String, String) {
    let output = sparesla(args);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{args:?}\n{stderr}");
    (stdout, stderr)
}

const START_NOTE: &str = "warning[W2006]: no `start_date`: the horizon starts on 2026-01-01";

#[test]
fn the_documented_scenario_validates_and_names_its_default_start() {
    let (stdout, stderr) = run_ok(&["validate", &documented()]);
    assert!(stdout.contains("valid"), "{stdout}");
    assert!(stderr.contains(START_NOTE), "{stderr}");
    assert!(stderr.contains("CN: 2025-2026"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn the_documented_scenario_plans_simulates_and_dispatches() {
    let plan = tempfile::tempdir().unwrap();
    let plan_dir = plan.path().to_str().unwrap();
    run_ok(&["plan", &documented(), "--out", plan_dir]);

    let (stdout, stderr) = run_ok(&[
        "simulate",
        &documented(),
        "--plan",
        plan_dir,
        "--runs",
        "2",
        "--days",
        "30",
    ]);
    assert!(
        stdout.contains("2 runs x 30 days from 2026-01-01"),
        "{stdout}"
    );
    assert!(stderr.contains(START_NOTE), "{stderr}");

    let (stdout, _) = run_ok(&[
        "simulate",
        &documented(),
        "--plan",
        plan_dir,
        "--runs",
        "2",
        "--days",
        "30",
        "--start",
        "2025-07-01",
    ]);
    assert!(
        stdout.contains("2 runs x 30 days from 2025-07-01"),
        "{stdout}"
    );

    let out = tempfile::tempdir().unwrap();
    let incidents = fixtures().join("documented/incidents.csv");
    run_ok(&[
        "dispatch",
        &documented(),
        "--incidents",
        incidents.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--time-limit",
        "1s",
    ]);
    let dispatch = std::fs::read_to_string(out.path().join("dispatch.csv")).unwrap();
    assert_eq!(dispatch.lines().count(), 3, "{dispatch}");
}

#[test]
fn a_bad_start_is_a_usage_error() {
    let output = sparesla(&[
        "simulate",
        &documented(),
        "--plan",
        "nowhere",
        "--start",
        "2026-02-30",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("YYYY-MM-DD"));
}

#[test]
fn engineers_take_their_base_depots_zone() {
    let zones = |copy: &ScenarioCopy| -> Vec<String> {
        let loaded = scenario::load(copy.path()).unwrap().scenario;
        loaded
            .engineers
            .iter()
            .map(|e| e.shift.tz.name().to_string())
            .collect()
    };
    // Each depot's nearest site: all in Shanghai's zone.
    let copy = ScenarioCopy::fixture("documented");
    assert_eq!(zones(&copy), ["Asia/Shanghai"; 3]);
    // A site of another zone next to Hangzhou gives D-HZ that zone.
    copy.replace(
        "sites.csv",
        "S2,Bank B,30.30,120.10,Asia/Shanghai",
        "S2,Bank B,30.30,120.10,Asia/Urumqi",
    );
    assert_eq!(
        zones(&copy),
        ["Asia/Shanghai", "Asia/Urumqi", "Asia/Urumqi"]
    );
    // scenario.toml's `timezone` comes before the nearest site ...
    copy.edit("scenario.toml", |t| {
        t.replace("horizon_days", "timezone = \"Asia/Tokyo\"\nhorizon_days")
    });
    assert_eq!(zones(&copy), ["Asia/Tokyo"; 3]);
    // ... a depot's `tz` before both, and an engineer's `tz` before all.
    copy.edit("depots.csv", |t| {
        t.replace("replenish_days\n", "replenish_days,tz\n")
            .replace(",14\n", ",14,\n")
            .replace(",2\n", ",2,Asia/Hong_Kong\n")
    });
    copy.edit("engineers.csv", |t| {
        t.replace("days\n", "days,tz\n")
            .replace("mon-sun\n", "mon-sun,\n")
            .replace("mon-fri\n", "mon-fri,Europe/Paris\n")
            .replace("CN,\n", "CN,,\n")
    });
    assert_eq!(
        zones(&copy),
        ["Asia/Tokyo", "Europe/Paris", "Asia/Hong_Kong"]
    );
}

#[test]
fn a_zone_that_cannot_be_found_is_an_error_at_the_engineer() {
    let copy = ScenarioCopy::fixture("documented");
    copy.write("sites.csv", "id,customer,lat,lon,tz,tier\n")
        .write(
            "installed_base.csv",
            "site,part,quantity,annual_failure_rate\n",
        )
        .remove("incidents.csv");
    let error = scenario::load(copy.path()).unwrap_err();
    let found: Vec<_> = error
        .diagnostics
        .errors()
        .map(|d| (d.code.as_str(), d.line))
        .collect();
    assert_eq!(
        found,
        [("E1010", Some(2)), ("E1010", Some(3)), ("E1010", Some(4))]
    );
    let message = &error.diagnostics.errors().next().unwrap().message;
    assert!(message.contains("base depot `CW` has no `tz`"), "{message}");

    let copy = ScenarioCopy::fixture("documented");
    copy.edit("depots.csv", |t| {
        t.replace("replenish_days\n", "replenish_days,tz\n")
            .replace(",14\n", ",14,Mars/Olympus\n")
            .replace(",2\n", ",2,\n")
    });
    let error = scenario::load(copy.path()).unwrap_err();
    let first = error.diagnostics.errors().next().unwrap();
    assert_eq!(
        (first.code.as_str(), first.line, first.column),
        ("E1016", Some(2), Some(9))
    );
}

/// `sparesla validate` on a folder: exit code and the diagnostics on stderr
/// (without the suggested next command).
fn validate(copy: &ScenarioCopy) -> (Option<i32>, String) {
    let output = sparesla(&["validate", copy.path().to_str().unwrap()]);
    let diagnostics = text(&output)
        .1
        .lines()
        .filter(|line| !line.starts_with("next: "))
        .map(|line| format!("{line}\n"))
        .collect();
    (output.status.code(), diagnostics)
}

/// A folder `validate` accepts without an error or warning.
fn assert_clean(copy: &ScenarioCopy) {
    let (code, stderr) = validate(copy);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("error") && !stderr.contains("warning"),
        "{stderr}"
    );
}

#[test]
fn a_quoted_start_date_is_a_date() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "scenario.toml",
        "start_date = 2026-01-01",
        "start_date = \"2026-03-01\"",
    );
    // A horizon the CN calendar (2025-2026) of the fixture's engineers covers.
    copy.replace("scenario.toml", "horizon_days = 365", "horizon_days = 200");
    assert_clean(&copy);
    let loaded = scenario::load(copy.path()).unwrap().scenario;
    assert_eq!(loaded.start_date.unwrap().to_string(), "2026-03-01");
}

#[test]
fn a_24x7_tier_accepts_what_a_24x7_engineer_accepts() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "7x24x4,24x7,,,,4h", "7x24x4,24x7,,,none,4h");
    assert_clean(&copy);
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "tiers.csv",
        "7x24x4,24x7,,,,4h",
        "7x24x4,24x7,00:00-24:00,mon-sun,None,4h",
    );
    assert_clean(&copy);
    // A calendar that does close days still contradicts 24x7.
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "7x24x4,24x7,,,,4h", "7x24x4,24x7,,,CN,4h");
    let (code, stderr) = validate(&copy);
    assert_eq!(code, Some(3));
    assert!(stderr.contains("tiers.csv:2:5: error[E1032]"), "{stderr}");
}

#[test]
fn opened_times_with_an_offset_but_no_seconds_dispatch() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write(
        "incidents.csv",
        "id,site,opened,part\nI1,S1,2026-03-09T02:30+08:00,PSU\nI2,S2,2026-03-09 10:15+08:00,HDD8\n",
    );
    let loaded = scenario::load(copy.path()).unwrap().scenario;
    let opened: Vec<String> = loaded
        .incidents
        .iter()
        .map(|i| i.opened.to_rfc3339())
        .collect();
    assert_eq!(
        opened,
        ["2026-03-08T18:30:00+00:00", "2026-03-09T02:15:00+00:00"]
    );
    let out = tempfile::tempdir().unwrap();
    let path = |file: &str| copy.path().join(file).to_str().unwrap().to_string();
    copy.write("stock.csv", "depot,part,on_hand\nCW,PSU,2\nD-HZ,HDD8,2\n");
    let output = sparesla(&[
        "dispatch",
        copy.path().to_str().unwrap(),
        "--incidents",
        &path("incidents.csv"),
        "--out",
        out.path().to_str().unwrap(),
        "--time-limit",
        "1s",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    let dispatch = std::fs::read_to_string(out.path().join("dispatch.csv")).unwrap();
    assert_eq!(dispatch.lines().count(), 3, "{dispatch}");
}

#[test]
fn overlays_take_quoted_dates_24x7_words_and_engineers_without_a_zone() {
    let dir = tempfile::tempdir().unwrap();
    let base = ScenarioCopy::fixture("documented");
    let overlay = dir.path().join("overlay");
    std::fs::create_dir(&overlay).unwrap();
    std::fs::write(
        overlay.join("overlay.toml"),
        format!(
            "base = \"{}\"\n\
             [[failure_rate]]\nfactor = 2.0\nfrom = \"2026-02-01\"\nto = \"2026-02-28\"\n\
             [[tier]]\nid = \"7x24x4\"\ncalendar = \"none\"\n\
             [[new_engineer]]\nid = \"E9\"\nbase = \"D-NJ\"\nskills = \"net\"\nshift = \"24x7\"\n",
            base.path().display()
        ),
    )
    .unwrap();
    let output = sparesla(&["validate", overlay.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    let loaded = scenario::load(&overlay).unwrap().scenario;
    let rate = &loaded.rate_changes[0];
    assert_eq!(
        (rate.period.from.to_string(), rate.period.to.to_string()),
        ("2026-02-01".to_string(), "2026-02-28".to_string())
    );
    let engineer = loaded.engineers.iter().find(|e| e.id == "E9").unwrap();
    assert_eq!(engineer.shift.tz.name(), "Asia/Shanghai");
}
