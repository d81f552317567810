//! Input that would give a wrong result later is rejected up front, with a
//! location: numbers outside their documented range, calendars that do not
//! cover the period asked about. A plan never writes a number that is not
//! finite.
//!
//! `tests/fixtures/invalid/<what-it-checks>/` holds one case per folder: the
//! files that differ from `tests/fixtures/tiny`, and `expected.txt`, the
//! lines `sparesla validate` must print (file:line:column: error[code]).

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
    };
    let mut plan = sparesla::plan::plan(&scenario, &hours, options).unwrap();
    plan.costs.total_cost = f64::INFINITY;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    let error = sparesla::report::write_plan(&dir, &scenario, &plan).unwrap_err();
    assert!(error.to_string().contains("total_cost = inf"), "{error}");
    assert!(!dir.exists(), "nothing is written");
}
