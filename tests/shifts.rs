//! `shifts.csv`: the rota patterns the planner may staff. A good file loads
//! into patterns that match the engineers they describe, an absent file is
//! no patterns, and each kind of bad row is reported at its line and column.

mod common;

use common::{ScenarioCopy, fixtures};
use sparesla::calendar::{ClockWindow, WeekdaySet};
use sparesla::scenario;

const HEADER: &str = "id,window,days,calendar,cost_per_year\n";

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

/// The tiny fixture with a shifts.csv of these rows.
fn with_rows(rows: &str) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("shifts.csv", &format!("{HEADER}{rows}"));
    copy
}

fn expect_one(rows: &str, code: &str, location: &str) {
    let copy = with_rows(rows);
    assert_eq!(
        errors(&copy),
        vec![(code.to_string(), location.to_string())],
        "{rows}"
    );
}

#[test]
fn an_absent_file_is_no_patterns() {
    let loaded = scenario::load(&fixtures().join("tiny")).unwrap();
    assert!(loaded.scenario.shift_patterns.is_empty());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn the_bundled_patterns_load_and_match_the_roster() {
    let s = scenario::load(&common::root().join("scenarios/china-baseline"))
        .unwrap()
        .scenario;
    let found: Vec<(&str, String, String, &str, f64)> = s
        .shift_patterns
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.window.to_string(),
                p.days.to_string(),
                p.calendar.name(),
                p.cost_per_year,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "day9",
                "08:30-17:30".into(),
                "mon-fri".into(),
                "CN",
                180_000.0
            ),
            (
                "day10",
                "08:00-18:00".into(),
                "mon-fri".into(),
                "CN",
                200_000.0
            ),
            (
                "oncall",
                "00:00-24:00".into(),
                "mon-sun".into(),
                "none",
                420_000.0
            ),
        ]
    );
    // Every bundled engineer works one of the patterns: E001 the 10-hour
    // day, E004 the on-call rota.
    let pattern_of = |id: &str| {
        let engineer = s.engineer(s.engineer_by_id(id).unwrap());
        s.shift_patterns
            .iter()
            .filter(|p| p.matches(&engineer.shift))
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(pattern_of("E001"), ["day10"]);
    assert_eq!(pattern_of("E004"), ["oncall"]);
    for engineer in &s.engineers {
        assert!(
            s.shift_patterns.iter().any(|p| p.matches(&engineer.shift)),
            "{} works no pattern",
            engineer.id
        );
    }
}

#[test]
fn a_pattern_worked_in_a_zone_is_a_shift_that_matches_it_in_any_zone() {
    let copy = with_rows("night,22:00-06:00,mon-fri;sun,none,250000\nall,24x7,,,420000\n");
    let s = scenario::load(copy.path()).unwrap().scenario;
    let night = &s.shift_patterns[0];
    assert!(night.window.crosses_midnight());
    assert_eq!(night.days.to_string(), "mon-fri,sun");
    let urumqi = night.shift_in(chrono_tz::Asia::Urumqi);
    assert_eq!(urumqi.tz, chrono_tz::Asia::Urumqi);
    assert_eq!(
        (urumqi.window, urumqi.days, urumqi.calendar.name()),
        (night.window, night.days, "none")
    );
    assert!(night.matches(&urumqi));
    assert!(night.matches(&night.shift_in(chrono_tz::Asia::Shanghai)));
    // Empty days and calendar of a 24x7 pattern mean every day, no holidays.
    let all = &s.shift_patterns[1];
    assert_eq!(
        (all.window, all.days, all.calendar.is_none()),
        (ClockWindow::ALL_DAY, WeekdaySet::ALL, true)
    );
    assert!(!all.matches(&urumqi));
    // Same window and days, another calendar: not the pattern.
    let wang = &s.engineers[0];
    assert_eq!(wang.shift.window, ClockWindow::ALL_DAY);
    assert!(all.matches(&wang.shift));
    let li = &s.engineers[1];
    let mut li_without_holidays = li.shift.clone();
    li_without_holidays.calendar = all.calendar.clone();
    assert_ne!(li.shift, li_without_holidays);
    let day = scenario::ShiftPattern {
        id: "day".into(),
        window: li.shift.window,
        days: li.shift.days,
        calendar: li.shift.calendar.clone(),
        cost_per_year: 1.0,
        break_rule: None,
    };
    assert!(day.matches(&li.shift) && !day.matches(&li_without_holidays));
}

#[test]
fn a_bad_window_is_located() {
    expect_one(
        "day,8:30-17:30,mon-fri,CN,180000\n",
        "E1017",
        "shifts.csv:2:2",
    );
    expect_one(
        "day,08:00-08:00,mon-fri,CN,180000\n",
        "E1017",
        "shifts.csv:2:2",
    );
    expect_one("day,,mon-fri,CN,180000\n", "E1010", "shifts.csv:2:2");
}

#[test]
fn bad_days_are_located() {
    expect_one(
        "day,08:30-17:30,mon-fri,CN,1\nlate,12:00-20:00,fri-mon,CN,1\n",
        "E1020",
        "shifts.csv:3:3",
    );
}

#[test]
fn an_unknown_calendar_is_located() {
    expect_one(
        "day,08:30-17:30,mon-fri,XX,180000\n",
        "E1031",
        "shifts.csv:2:4",
    );
}

#[test]
fn a_calendar_short_of_the_horizon_is_located() {
    let copy = with_rows("day,08:30-17:30,mon-fri,CN,1\nold,08:30-17:30,mon-fri,OLD,1\n");
    std::fs::create_dir(copy.path().join("calendars")).unwrap();
    copy.write(
        "calendars/OLD.csv",
        "date,kind,name\n2025-01-01,holiday,New Year\n",
    );
    assert_eq!(
        errors(&copy),
        vec![("E1040".to_string(), "shifts.csv:3:4".to_string())]
    );
}

#[test]
fn a_cost_that_is_negative_not_a_number_or_too_large_is_located() {
    expect_one("day,08:30-17:30,mon-fri,CN,-1\n", "E1013", "shifts.csv:2:5");
    expect_one(
        "day,08:30-17:30,mon-fri,CN,180k\n",
        "E1011",
        "shifts.csv:2:5",
    );
    expect_one(
        "day,08:30-17:30,mon-fri,CN,1e13\n",
        "E1014",
        "shifts.csv:2:5",
    );
    expect_one("day,08:30-17:30,mon-fri,CN,\n", "E1010", "shifts.csv:2:5");
    // Zero is a cost: positions someone else pays for.
    let copy = with_rows("day,08:30-17:30,mon-fri,CN,0\n");
    assert_eq!(
        scenario::load(copy.path()).unwrap().scenario.shift_patterns[0].cost_per_year,
        0.0
    );
}

#[test]
fn a_24x7_pattern_with_days_or_a_calendar_contradicts_itself() {
    expect_one(
        "oncall,24x7,mon-fri,none,420000\n",
        "E1032",
        "shifts.csv:2:3",
    );
    expect_one("oncall,24x7,mon-sun,CN,420000\n", "E1032", "shifts.csv:2:4");
    // Repeating what 24x7 means is fine, as in tiers.csv.
    let copy = with_rows("oncall,24x7,mon-sun,none,420000\n");
    assert!(scenario::load(copy.path()).is_ok());
}

#[test]
fn ids_are_unique_and_columns_required() {
    expect_one(
        "day,08:30-17:30,mon-fri,CN,1\nday,08:00-18:00,mon-fri,CN,2\n",
        "E1030",
        "shifts.csv:3:1",
    );
    let copy = ScenarioCopy::fixture("tiny");
    copy.write(
        "shifts.csv",
        "id,window,days,calendar\nday,08:30-17:30,mon-fri,CN\n",
    );
    assert_eq!(
        errors(&copy),
        vec![("E1003".to_string(), "shifts.csv:1".to_string())]
    );
}

#[test]
fn every_bad_row_is_reported_in_one_run() {
    let copy = with_rows(
        "a,8:30-17:30,mon-fri,CN,1\nb,08:30-17:30,fri-mon,CN,1\nc,24x7,mon-sun,CN,1\nd,08:30-17:30,mon-fri,CN,-5\n",
    );
    assert_eq!(
        errors(&copy),
        vec![
            ("E1017".to_string(), "shifts.csv:2:2".to_string()),
            ("E1020".to_string(), "shifts.csv:3:3".to_string()),
            ("E1032".to_string(), "shifts.csv:4:4".to_string()),
            ("E1013".to_string(), "shifts.csv:5:5".to_string()),
        ]
    );
}

/// A pattern's optional `break` loads (empty: none), a malformed one is
/// located at its cell (E1022, as in engineers.csv), and the positions a
/// plan adds on the pattern take it in roster.csv, so `dispatch --roster`
/// gives them their lunch break.
#[test]
fn a_pattern_s_break_loads_is_located_when_bad_and_goes_to_added_positions() {
    let header = "id,window,days,calendar,cost_per_year,break\n";
    let copy = ScenarioCopy::fixture("tiny");
    copy.write(
        "shifts.csv",
        &format!("{header}day9,08:30-17:30,mon-fri,CN,180000,12:00-14:00/45m\nlate,10:00-19:00,mon-fri,CN,190000,\n"),
    );
    let s = scenario::load(copy.path()).unwrap().scenario;
    let rule = s.shift_patterns[0].break_rule.expect("day9 has a break");
    assert_eq!(rule.to_string(), "12:00-14:00/45m");
    assert_eq!(s.shift_patterns[1].break_rule, None);

    let plan = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(["plan", copy.path().to_str().unwrap(), "--out"])
        .arg(plan.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let roster = plan.path().join("roster.csv");
    let (engineers, breaks) = scenario::load_roster_with_breaks(&s, &roster).unwrap();
    let added: Vec<_> = engineers
        .iter()
        .filter(|e| e.id.starts_with("ADD-"))
        .collect();
    let with_break = added.iter().filter(|e| breaks.contains_key(&e.id)).count();
    assert!(
        with_break > 0 && with_break < added.len(),
        "the fixture should add positions with and without a break: {added:?}"
    );
    for engineer in added {
        let expected = (engineer.shift.window == s.shift_patterns[0].window).then_some(rule);
        assert_eq!(
            breaks.get(&engineer.id).copied(),
            expected,
            "{}",
            engineer.id
        );
    }

    copy.write(
        "shifts.csv",
        &format!("{header}day9,08:30-17:30,mon-fri,CN,180000,12:00-14:00\n"),
    );
    assert_eq!(
        errors(&copy),
        vec![("E1022".to_string(), "shifts.csv:2:6".to_string())]
    );
}
