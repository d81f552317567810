//! Scenarios written exactly as the README's format section says, including
//! the forms people naturally write: a quoted `start_date`, `calendar = none`
//! on a 24x7 tier, an `opened` time with an offset but no seconds.

mod common;

use common::{ScenarioCopy, sparesla, text};
use sparesla::scenario;

/// `sparesla validate` on a folder: exit code and stderr.
fn validate(copy: &ScenarioCopy) -> (Option<i32>, String) {
    let output = sparesla(&["validate", copy.path().to_str().unwrap()]);
    (output.status.code(), text(&output).1)
}

#[test]
fn a_quoted_start_date_is_a_date() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "scenario.toml",
        "start_date = 2026-01-01",
        "start_date = \"2026-03-01\"",
    );
    assert_eq!(validate(&copy), (Some(0), String::new()));
    let loaded = scenario::load(copy.path()).unwrap().scenario;
    assert_eq!(loaded.start_date.unwrap().to_string(), "2026-03-01");
}

#[test]
fn a_24x7_tier_accepts_what_a_24x7_engineer_accepts() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "7x24x4,24x7,,,,4h", "7x24x4,24x7,,,none,4h");
    assert_eq!(validate(&copy), (Some(0), String::new()));
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "tiers.csv",
        "7x24x4,24x7,,,,4h",
        "7x24x4,24x7,00:00-24:00,mon-sun,None,4h",
    );
    assert_eq!(validate(&copy), (Some(0), String::new()));
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
