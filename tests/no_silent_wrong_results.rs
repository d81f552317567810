//! Input that would give a wrong result later is rejected up front, with a
//! location: numbers outside their documented range, calendars that do not
//! cover the period asked about. A plan never writes a number that is not
//! finite.
//!
//! `tests/fixtures/invalid/<what-it-checks>/` holds one case per folder: the
//! files that differ from `tests/fixtures/tiny`, and `expected.txt`, the
//! lines `sparesla validate` must print (file:line:column: error[code], or
//! a part of the message), with exit code 3.

mod common;

use common::{ScenarioCopy, sparesla, text};
use std::fs;
use std::path::Path;

/// A copy of the tiny fixture with a case's files laid over it.
fn case_copy(case: &Path) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    for entry in fs::read_dir(case).expect("case folder") {
        let entry = entry.expect("case entry");
        let name = entry.file_name();
        if name != "expected.txt" {
            fs::copy(entry.path(), copy.path().join(&name)).expect("copy case file");
        }
    }
    copy
}

/// Runs `sparesla validate` on every case and checks the located errors.
#[test]
fn every_invalid_case_fails_validate_with_its_location() {
    let cases = common::fixtures().join("invalid");
    let mut names: Vec<_> = fs::read_dir(&cases)
        .expect("tests/fixtures/invalid")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    let mut failures = Vec::new();
    for case in &names {
        let copy = case_copy(case);
        let dir = copy.path().to_str().unwrap().to_string();
        let output = sparesla(&["validate", &dir]);
        let (_, stderr) = text(&output);
        let stderr = stderr.replace(&format!("{dir}/"), "");
        let expected = fs::read_to_string(case.join("expected.txt")).expect("expected.txt");
        let missing: Vec<&str> = expected
            .lines()
            .filter(|line| !line.is_empty() && !stderr.contains(line))
            .collect();
        if output.status.code() != Some(3) || !missing.is_empty() {
            failures.push(format!(
                "{}: exit {:?}, missing {missing:?}\n{stderr}",
                case.file_name().unwrap().to_string_lossy(),
                output.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn a_plan_with_an_infinite_cost_is_not_written() {
    let scenario = sparesla::scenario::load(&common::fixtures().join("tiny"))
        .unwrap()
        .scenario;
    let travel = sparesla::travel::TravelTimes::build(&scenario).unwrap();
    let hours = sparesla::plan::depot_site_hours(&scenario, &travel);
    let options = sparesla::plan::PlanOptions {
        backend: sparesla::plan::Backend::default_backend(),
        time_limit: std::time::Duration::from_secs(30),
        gap: 0.005,
        staffing: sparesla::plan::Staffing::PartsOnly,
    };
    let mut plan = sparesla::plan::plan(&scenario, &hours, options).unwrap();
    plan.costs.total_cost = f64::INFINITY;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    let error = sparesla::report::write_plan(&dir, &scenario, &plan).unwrap_err();
    assert!(error.to_string().contains("total_cost = inf"), "{error}");
    assert!(!dir.exists(), "nothing is written");
}

/// An incident of 2027 at a 24x7 site: the tier needs no calendar, but an
/// engineer of the part's skill works by CN (2025-2026). He used to be
/// silently off duty all year; now the date is an error where it is written.
const INCIDENT_IN_2027: &str = "id,site,opened,part\nI1,S1,2027-03-10T10:00,PSU\n";

#[test]
fn dispatch_rejects_an_incident_outside_an_engineers_calendar() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("dispatch-incidents.csv", INCIDENT_IN_2027);
    copy.write("stock-in.csv", "depot,part,on_hand\nCW,PSU,3\n");
    let dir = copy.path().to_str().unwrap();
    let incidents = copy.path().join("dispatch-incidents.csv");
    let out = copy.path().join("out");
    let output = sparesla(&[
        "dispatch",
        dir,
        "--incidents",
        incidents.to_str().unwrap(),
        "--stock",
        copy.path().join("stock-in.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-bound",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("dispatch-incidents.csv:2:3: error[E1040]"),
        "{stderr}"
    );
    assert!(stderr.contains("engineer `E3`"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn validate_checks_the_incidents_and_stock_files_a_later_command_reads() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("day.csv", INCIDENT_IN_2027);
    copy.write("levels.csv", "depot,part,on_hand\nCW,PSU,1e308\n");
    let dir = copy.path().to_str().unwrap();
    let file = |name: &str| copy.path().join(name).to_str().unwrap().to_string();
    let output = sparesla(&["validate", dir, "--incidents", &file("day.csv")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("day.csv:2:3: error[E1040]"), "{stderr}");

    let output = sparesla(&["validate", dir, "--stock", &file("levels.csv")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("levels.csv:2:3: error[E1013]"), "{stderr}");

    // Good files pass, and the inventory counts them.
    copy.write(
        "day.csv",
        "id,site,opened,part\nI1,S1,2026-03-10T10:00,PSU\n",
    );
    copy.write("levels.csv", "depot,part,on_hand\nCW,PSU,2\nD-HZ,PSU,1\n");
    let output = sparesla(&[
        "validate",
        dir,
        "--incidents",
        &file("day.csv"),
        "--stock",
        &file("levels.csv"),
        "--format",
        "json",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let inventory: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(inventory["incidents"], 1);
    assert_eq!(inventory["stock_rows"], 2);
}

#[test]
fn simulate_rejects_days_beyond_the_calendars() {
    let copy = ScenarioCopy::fixture("tiny");
    let dir = copy.path().to_str().unwrap();
    let plan = copy.path().join("plan");
    let output = sparesla(&["plan", dir, "--out", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    // 2026 is covered; 400 days reach into 2027, which CN does not cover.
    let output = sparesla(&[
        "simulate",
        dir,
        "--plan",
        plan.to_str().unwrap(),
        "--days",
        "400",
        "--runs",
        "2",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("scenario.toml:5:1: error[E1040]"),
        "{stderr}"
    );
    assert!(stderr.contains("engineer `E2`"), "{stderr}");
    assert!(stderr.contains("tier `5x10-nbd`"), "{stderr}");
}

#[test]
fn an_overlay_engineer_on_a_calendar_short_of_the_horizon_is_rejected() {
    let base = ScenarioCopy::fixture("tiny");
    let overlay = tempfile::tempdir().unwrap();
    fs::write(
        overlay.path().join("only-2025.csv"),
        "date,kind,name\n2025-01-01,holiday,New Year\n",
    )
    .unwrap();
    fs::write(
        overlay.path().join("overlay.toml"),
        format!(
            "base = \"{}\"\n\n[[new_engineer]]\nid = \"E9\"\nbase = \"CW\"\nskills = \"net\"\nshift = \"08:00-17:00\"\ntz = \"Asia/Shanghai\"\ncalendar = \"only-2025.csv\"\n",
            base.path().display()
        ),
    )
    .unwrap();
    let output = sparesla(&["validate", overlay.path().to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("overlay.toml: error[E1040]"), "{stderr}");
    assert!(stderr.contains("engineer `E9`"), "{stderr}");
    assert!(stderr.contains("no data for 2026"), "{stderr}");
}

#[test]
fn simulate_flags_outside_their_range_are_rejected_before_anything_runs() {
    let tiny = common::fixtures().join("tiny");
    let tiny = tiny.to_str().unwrap();
    for (flag, value) in [
        ("--days", "4000000000"),
        ("--days", "3661"),
        ("--emergency-hours", "1e308"),
    ] {
        let output = sparesla(&["simulate", tiny, "--plan", "no-such-plan", flag, value]);
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(3), "{flag} {value}: {stderr}");
        assert!(stderr.contains(flag), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_plan_at_the_top_of_the_ranges_prints_its_real_cost() {
    // Every failure rate, quantity, unit cost and penalty at its documented
    // maximum: the costs reach 10^20, past what a 64-bit integer holds. The
    // table printed them as 9,223,372,036,854,775,807.
    let copy = ScenarioCopy::fixture("tiny");
    copy.edit("tiers.csv", |t| {
        t.replace(",0.95,20000", ",0.95,1e12")
            .replace(",0.98,5000", ",0.98,1e12")
    });
    copy.write(
        "installed_base.csv",
        "site,part,quantity,annual_failure_rate\nS1,PSU,1000000,100\nS2,HDD8,1000000,100\n",
    );
    let dir = copy.path().to_str().unwrap();
    let out = copy.path().join("plan");
    let output = sparesla(&[
        "plan",
        dir,
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "20s",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains("9,223,372,036,854,775,807"), "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let total = summary["total_cost"].as_f64().expect("a finite total");
    assert!(total > 1e19, "{total}");
    let printed = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .expect("total line")
        .split_whitespace()
        .last()
        .unwrap()
        .replace(',', "");
    let printed: f64 = printed.parse().unwrap();
    assert!(
        (printed - total).abs() <= total * 1e-9,
        "{printed} vs {total}"
    );
}

#[test]
fn validate_checks_engineer_state_and_pin_files_as_dispatch_does() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write(
        "day.csv",
        "id,site,opened,part\nI1,S1,2026-03-10T10:00,PSU\n",
    );
    copy.write(
        "state.csv",
        "engineer,available_from,location\nE9,2026-03-10T09:00,CW\n",
    );
    copy.write(
        "pins.csv",
        "incident,engineer,source_depot,mode,depart,status\nI7,E1,CW,pickup,2026-03-10T10:05:00+08:00,on_time\n",
    );
    let dir = copy.path().to_str().unwrap();
    let file = |name: &str| copy.path().join(name).to_str().unwrap().to_string();
    let output = sparesla(&["validate", dir, "--engineer-state", &file("state.csv")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("state.csv:2:1: error[E1031]"), "{stderr}");

    let output = sparesla(&[
        "validate",
        dir,
        "--incidents",
        &file("day.csv"),
        "--pin",
        &file("pins.csv"),
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("pins.csv:2:1: error[E1031]"), "{stderr}");
}
