//! Every kind of bad scenario input is rejected with its stable code at the
//! exact file, line and column, all errors of a file are reported, and the
//! command exits non-zero without panicking.

mod common;

use common::{ScenarioCopy, sparesla, text};
use sparesla::diagnostic::ERRORS_PER_FILE;
use sparesla::scenario;

/// The errors of loading a copy, as `(code, file:line:column)` relative to it.
fn errors(copy: &ScenarioCopy) -> Vec<(String, String)> {
    let error = scenario::load(copy.path()).expect_err("the scenario should be invalid");
    let prefix = format!("{}/", copy.path().display());
    error
        .diagnostics
        .errors()
        .map(|d| {
            (
                d.code.as_str().to_string(),
                d.location().trim_start_matches(&prefix).to_string(),
            )
        })
        .collect()
}

fn expect(copy: &ScenarioCopy, code: &str, location: &str) {
    let found = errors(copy);
    assert_eq!(
        found,
        vec![(code.to_string(), location.to_string())],
        "expected exactly one error"
    );
}

#[test]
fn the_fixture_is_valid() {
    let loaded = scenario::load(&common::fixtures().join("tiny")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    assert_eq!((s.depots.len(), s.parts.len(), s.sites.len()), (3, 3, 4));
    assert_eq!(
        (s.tiers.len(), s.engineers.len(), s.installed_base.len()),
        (2, 3, 6)
    );
    // 8*0.015 + 4*0.02 + 120*0.015 + 4*0.015 + 60*0.02 + 40*0.015
    assert!((s.annual_failures() - 3.86).abs() < 1e-9);
    assert_eq!(s.part(s.part_by_id("HDD8").unwrap()).repair_hours, 1.0);
}

#[test]
fn missing_file() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.remove("parts.csv");
    // References to parts are not reported again: the cause is the missing file.
    expect(&copy, "E1001", "parts.csv");
}

#[test]
fn missing_column() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("depots.csv", "lat,lon,kind", "lat,kind");
    let found = errors(&copy);
    assert_eq!(found[0], ("E1003".to_string(), "depots.csv:1".to_string()));
}

#[test]
fn duplicate_column() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "parts.csv",
        "id,name,unit_cost,skill,repair_hours",
        "id,name,unit_cost,skill,name",
    )
    .edit("parts.csv", |t| {
        t.replace(",0.5\n", ",x\n")
            .replace(",2\n", ",y\n")
            .replace(",\n", ",z\n")
    });
    let found = errors(&copy);
    assert_eq!(found[0], ("E1004".to_string(), "parts.csv:1:5".to_string()));
}

#[test]
fn duplicate_id() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.edit("parts.csv", |t| t + "PSU,Another PSU,100,net,1\n");
    expect(&copy, "E1030", "parts.csv:5:1");
}

#[test]
fn unknown_reference_in_installed_base() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("installed_base.csv", "S3,HDD8", "S9,HDD8");
    expect(&copy, "E1031", "installed_base.csv:6:1");
}

#[test]
fn unknown_tier() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "sites.csv",
        "Hospital C,31.30,120.60,Asia/Shanghai,5x10-nbd",
        "Hospital C,31.30,120.60,Asia/Shanghai,5x9-nbd",
    );
    expect(&copy, "E1031", "sites.csv:5:6");
}

#[test]
fn bad_number() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("parts.csv", "4200", "4,2k");
    // A comma splits the field: the row has too many fields.
    expect(&copy, "E1002", "parts.csv:2");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("parts.csv", "4200", "4200 CNY");
    expect(&copy, "E1011", "parts.csv:2:3");
}

#[test]
fn nan_and_infinity() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("installed_base.csv", "S1,LC100,4,0.02", "S1,LC100,4,NaN");
    expect(&copy, "E1012", "installed_base.csv:3:4");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("depots.csv", "600000", "inf");
    expect(&copy, "E1012", "depots.csv:3:7");
}

#[test]
fn negative_rates_and_costs() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("depots.csv", "500000", "-500000");
    expect(&copy, "E1013", "depots.csv:4:7");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "installed_base.csv",
        "S4,HDD8,40,0.015",
        "S4,HDD8,40,-0.015",
    );
    expect(&copy, "E1013", "installed_base.csv:7:4");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "0.95,20000", "0.95,-1");
    expect(&copy, "E1013", "tiers.csv:2:8");
}

#[test]
fn latitude_and_longitude_out_of_range() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("sites.csv", "31.20,121.50", "95.2,121.50");
    expect(&copy, "E1014", "sites.csv:2:3");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("depots.csv", "30.2741,120.1551", "30.2741,190");
    expect(&copy, "E1014", "depots.csv:3:4");
}

#[test]
fn unknown_time_zone() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "sites.csv",
        "Bank B,30.30,120.10,Asia/Shanghai",
        "Bank B,30.30,120.10,Asia/Beijing",
    );
    expect(&copy, "E1016", "sites.csv:3:5");
}

#[test]
fn malformed_time_windows_durations_and_weekdays() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "08:00-18:00", "18:00-18:00");
    expect(&copy, "E1017", "tiers.csv:3:3");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", ",4h,", ",4 hours,");
    expect(&copy, "E1018", "tiers.csv:2:6");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "mon-fri", "fri-mon");
    expect(&copy, "E1020", "tiers.csv:3:4");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("engineers.csv", "08:30-17:30", "8:30-17:30");
    expect(&copy, "E1017", "engineers.csv:4:5");
}

#[test]
fn unknown_keywords() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("depots.csv", "regional,candidate", "warehouse,candidate");
    expect(&copy, "E1015", "depots.csv:4:5");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("depots.csv", "regional,candidate", "regional,maybe");
    expect(&copy, "E1015", "depots.csv:4:6");
}

#[test]
fn inconsistent_tiers() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "tiers.csv",
        "7x24x4,24x7,,,,4h",
        "7x24x4,24x7,08:00-18:00,,,4h",
    );
    expect(&copy, "E1032", "tiers.csv:2:3");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "7x24x4,24x7,,,,4h", "7x24x4,24x7,,,,nbd");
    expect(&copy, "E1032", "tiers.csv:2:6");
}

#[test]
fn unknown_calendar_and_bad_calendar_file() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", ",CN,", ",XX,");
    expect(&copy, "E1031", "tiers.csv:3:5");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", ",CN,", ",cal/my.csv,");
    std::fs::create_dir(copy.path().join("cal")).unwrap();
    copy.write(
        "cal/my.csv",
        "date,kind,name\n2026-01-01,holiday,New Year\n2026-13-01,holiday,Bad\n",
    );
    expect(&copy, "E1019", "cal/my.csv:3:1");
}

#[test]
fn unknown_engineer_base_and_empty_skills() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("engineers.csv", "E2,Li Na,D-HZ", "E2,Li Na,D-XX");
    expect(&copy, "E1031", "engineers.csv:3:3");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("engineers.csv", "D-HZ,sto,", "D-HZ,;,");
    expect(&copy, "E1010", "engineers.csv:3:4");
}

#[test]
fn wrong_field_count() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.edit("sites.csv", |t| t + "S5,Bank B,30.1,120.1\n");
    expect(&copy, "E1002", "sites.csv:6");
}

#[test]
fn empty_required_value() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("sites.csv", "S2,Bank B", "S2,");
    expect(&copy, "E1010", "sites.csv:3:2");
}

#[test]
fn all_errors_of_a_file_are_reported_in_line_order() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write(
        "installed_base.csv",
        "site,part,quantity,annual_failure_rate\nS1,PSU,x,0.1\nS1,PSU,2,0.1\nS2,NOPE,2,0.1\nS3,PSU,0,0.1\nS4,HDD8,2,-1\n",
    );
    let found = errors(&copy);
    assert_eq!(
        found,
        vec![
            ("E1011".to_string(), "installed_base.csv:2:3".to_string()),
            ("E1031".to_string(), "installed_base.csv:4:2".to_string()),
            ("E1013".to_string(), "installed_base.csv:5:3".to_string()),
            ("E1013".to_string(), "installed_base.csv:6:4".to_string()),
        ]
    );
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("parts.csv", "4200", "abc")
        .replace("sites.csv", "31.20,121.50", "91,121.50");
    let found = errors(&copy);
    assert_eq!(
        found,
        vec![
            ("E1011".to_string(), "parts.csv:2:3".to_string()),
            ("E1014".to_string(), "sites.csv:2:3".to_string()),
        ]
    );
}

#[test]
fn errors_are_capped_per_file_and_the_rest_counted() {
    let copy = ScenarioCopy::fixture("tiny");
    let mut rows = String::from("site,part,quantity,annual_failure_rate\n");
    for _ in 0..(ERRORS_PER_FILE + 30) {
        rows.push_str("S1,PSU,1,bad\n");
    }
    copy.write("installed_base.csv", &rows);
    let error = scenario::load(copy.path()).unwrap_err();
    assert_eq!(error.diagnostics.errors().count(), ERRORS_PER_FILE);
    assert_eq!(error.diagnostics.error_count(), ERRORS_PER_FILE + 30);
    assert!(
        error
            .to_string()
            .contains("... and 30 more error(s) not shown")
    );
}

#[test]
fn scenario_toml_errors_are_located() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("scenario.toml", "speed_kmh = 60.0", "speed_kmh = -60.0");
    expect(&copy, "E1013", "scenario.toml:9:13");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "scenario.toml",
        "timezone = \"Asia/Shanghai\"",
        "timezone = \"Mars/Olympus\"",
    );
    expect(&copy, "E1016", "scenario.toml:6:12");
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("scenario.toml", "holding_rate", "holding_rat");
    let found = errors(&copy);
    assert_eq!(found[0].0, "E1002");
    assert!(found[0].1.starts_with("scenario.toml:14:"), "{found:?}");
}

#[test]
fn incidents_with_bad_local_times() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write(
        "incidents.csv",
        "id,site,opened,part,kind\nI1,S1,2026-03-10T08:47,PSU,reactive\nI2,S2,2026-03-10 25:00,HDD8,reactive\nI3,S3,2026-03-10T09:00:00+08:00,PSU,urgent\n",
    );
    let found = errors(&copy);
    assert_eq!(
        found,
        vec![
            ("E1019".to_string(), "incidents.csv:3:3".to_string()),
            ("E1015".to_string(), "incidents.csv:4:5".to_string()),
        ]
    );
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "sites.csv",
        "S4,Hospital C,31.30,120.60,Asia/Shanghai",
        "S4,Hospital C,40.7,-74.0,America/New_York",
    )
    .write(
        "incidents.csv",
        "id,site,opened,part\nI1,S4,2026-03-08T02:30,HDD8\n",
    );
    let error = scenario::load(copy.path()).unwrap_err();
    let message = &error.diagnostics.errors().next().unwrap().message;
    assert!(
        message.contains("does not exist in America/New_York"),
        "{message}"
    );
}

#[test]
fn road_layer_errors() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.edit("scenario.toml", |t| {
        t.replace("handling_hours = 0.5", "handling_hours = 0.5\nroads = \"roads.csv\"\nnodes = \"nodes.csv\"")
    })
    .write("nodes.csv", "id,lat,lon\nJ1,31.0,120.0\nS1,31.0,120.0\nJ2,100,120\n")
    .write(
        "roads.csv",
        "from,to,km,minutes\nCW,J1,150,100\nJ1,D-HZ,60,\nJ1,J9,10,10\nD-NJ,D-NJ,1,1\nCW,D-NJ,-3,200\n",
    )
    .write("closures.csv", "from,to,factor\nCW,J1,0\nCW,D-HZ,2\nJ1,D-HZ,-1\n");
    let found = errors(&copy);
    assert_eq!(
        found,
        vec![
            ("E1030".to_string(), "nodes.csv:3:1".to_string()),
            ("E1014".to_string(), "nodes.csv:4:2".to_string()),
            ("E1031".to_string(), "roads.csv:4:2".to_string()),
            ("E1032".to_string(), "roads.csv:5:2".to_string()),
            ("E1013".to_string(), "roads.csv:6:3".to_string()),
            ("E1031".to_string(), "closures.csv:3:2".to_string()),
            ("E1013".to_string(), "closures.csv:4:3".to_string()),
        ]
    );
}

#[test]
fn the_command_prints_every_error_and_exits_with_3() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("parts.csv", "4200", "abc")
        .replace("sites.csv", "31.20,121.50", "91,121.50");
    let output = sparesla(&["validate", copy.path().to_str().unwrap()]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("parts.csv:2:3: error[E1011]: `abc` is not a number (column `unit_cost`)"),
        "{stderr}"
    );
    assert!(stderr.contains("sites.csv:2:3: error[E1014]"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    assert!(stderr.contains("2 error(s)"), "{stderr}");
}

#[test]
fn the_command_prints_the_inventory() {
    let output = sparesla(&["validate", "tests/fixtures/tiny"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("scenario tiny (CNY, horizon 365 days): valid"),
        "{stdout}"
    );
    assert!(stdout.contains("7x24x4: 2, 5x10-nbd: 2"), "{stdout}");
    assert!(stdout.contains("3.9 expected per year"), "{stdout}");
    let output = sparesla(&["validate", "tests/fixtures/tiny", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["sites"], 4);
    assert_eq!(json["installed_units"], 236);
}

#[test]
fn a_missing_folder_is_an_error_not_a_panic() {
    let output = sparesla(&["validate", "no/such/folder"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr.contains("no/such/folder/scenario.toml: error[E1001]"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn usage_errors_exit_with_2() {
    let output = sparesla(&["validate"]);
    assert_eq!(output.status.code(), Some(2));
    let output = sparesla(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_site_id_equal_to_a_depot_id_is_rejected() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("sites.csv", "S4,Hospital C", "D-NJ,Hospital C")
        .replace("installed_base.csv", "S4,HDD8", "D-NJ,HDD8");
    expect(&copy, "E1030", "sites.csv:5:1");
}

#[test]
fn a_rejected_junction_is_reported_once_not_again_by_its_roads() {
    let copy = ScenarioCopy::of(&common::root().join("scenarios/china-baseline"));
    copy.replace("nodes.csv", "J-ZHEGU,31.86,102.7", "J-ZHEGU,91.86,102.7");
    let found = errors(&copy);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E1014");
    assert!(found[0].1.starts_with("nodes.csv:"), "{found:?}");
}
