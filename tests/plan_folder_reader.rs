//! `report` and `simulate` read plan folders through one reader: what one
//! refuses, the other refuses with the same code at the same place.

mod common;

use common::{ScenarioCopy, sparesla, text};
use std::fs;
use std::path::Path;

/// A plan of the tiny fixture without its manifest (as a hand-edited folder is).
fn hand_edited_plan(scenario: &Path, dir: &Path) {
    let output = sparesla(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output).1);
    fs::remove_file(dir.join("manifest.json")).unwrap();
}

/// The stderr of `report` and of `simulate` on the plan folder, each exiting with 3.
fn both_refuse(scenario: &Path, plan: &Path) -> [String; 2] {
    let html = plan.with_extension("html");
    let (s, p) = (scenario.to_str().unwrap(), plan.to_str().unwrap());
    let runs = [
        sparesla(&["report", s, "--plan", p, "--out", html.to_str().unwrap()]),
        sparesla(&["simulate", s, "--plan", p, "--runs", "2"]),
    ];
    runs.map(|output| {
        let stderr = text(&output).1;
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        stderr
    })
}

#[test]
fn a_duplicate_stock_row_is_refused_by_both() {
    let scenario = ScenarioCopy::fixture("tiny");
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan");
    hand_edited_plan(scenario.path(), &plan);
    let stock = fs::read_to_string(plan.join("stock.csv")).unwrap();
    let first_row = stock.lines().nth(1).unwrap();
    fs::write(plan.join("stock.csv"), format!("{stock}{first_row}\n")).unwrap();
    let line = stock.lines().count() + 1;
    for stderr in both_refuse(scenario.path(), &plan) {
        assert!(
            stderr.contains(&format!("stock.csv:{line}:1: error[E1030]")),
            "{stderr}"
        );
    }
}

#[test]
fn an_attainment_of_two_is_refused_by_both() {
    let scenario = ScenarioCopy::fixture("tiny");
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan");
    hand_edited_plan(scenario.path(), &plan);
    let path = plan.join("summary.json");
    let summary = fs::read_to_string(&path).unwrap();
    let attainment = regex_free_value(&summary, "\"expected_attainment\": ");
    fs::write(
        &path,
        summary.replacen(
            &format!("\"expected_attainment\": {attainment}"),
            "\"expected_attainment\": 2.0",
            1,
        ),
    )
    .unwrap();
    for stderr in both_refuse(scenario.path(), &plan) {
        assert!(
            stderr.contains("error[E1014]") && stderr.contains("expected_attainment 2"),
            "{stderr}"
        );
        assert!(stderr.contains("summary.json:"), "{stderr}");
    }
}

#[test]
fn a_negative_cost_is_refused_by_both() {
    let scenario = ScenarioCopy::fixture("tiny");
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan");
    hand_edited_plan(scenario.path(), &plan);
    let path = plan.join("summary.json");
    let summary = fs::read_to_string(&path).unwrap();
    let penalty = regex_free_value(&summary, "\"expected_penalty\": ");
    fs::write(
        &path,
        summary.replacen(
            &format!("\"expected_penalty\": {penalty}"),
            "\"expected_penalty\": -5",
            1,
        ),
    )
    .unwrap();
    for stderr in both_refuse(scenario.path(), &plan) {
        assert!(
            stderr.contains("error[E1013]") && stderr.contains("expected_penalty"),
            "{stderr}"
        );
    }
}

/// The text of the value after the first `key` (up to `,` or a line end).
fn regex_free_value<'a>(text: &'a str, key: &str) -> &'a str {
    let start = text.find(key).unwrap() + key.len();
    let rest = &text[start..];
    let end = rest.find([',', '\n']).unwrap();
    &rest[..end]
}
