//! Roster files: engineers written in the engineers.csv format read back as
//! the same engineers (24x7, overnight, other zones, holiday calendars), are
//! read with the engineers.csv checks located in their own file, and replace
//! engineers.csv in `dispatch --roster`, `simulate --roster`, `simulate
//! --plan DIR` (with DIR/roster.csv) and `validate --roster`.

mod common;

use common::{ScenarioCopy, fixtures, sparesla, text};
use sparesla::report::{ROSTER_FILE, roster_csv, write_roster, write_roster_to};
use sparesla::scenario::{self, Engineer, Scenario, Shift};
use std::path::Path;

fn tiny() -> Scenario {
    scenario::load(&fixtures().join("tiny")).unwrap().scenario
}

/// Stderr without the closing `next:` lines (and their continuations).
fn without_next(stderr: &str) -> String {
    let mut kept = Vec::new();
    let mut in_next = false;
    for line in stderr.lines() {
        if line.starts_with("next:") {
            in_next = true;
        } else if !line.starts_with(' ') {
            in_next = false;
        }
        if !in_next {
            kept.push(line);
        }
    }
    kept.join("\n")
}

/// Engineers with every kind of shift a roster must carry: the tiny
/// scenario's (24x7, day shifts with the CN calendar), an overnight shift on
/// listed weekdays in another zone, a 24x7 rota on a holiday calendar, and
/// a nameless engineer.
fn varied_roster(s: &Scenario) -> Vec<Engineer> {
    let mut engineers = s.engineers.clone();
    let hangzhou = s.depot_by_id("D-HZ").unwrap();
    let cn = s.engineers[1].shift.calendar.clone();
    let none = s.engineers[0].shift.calendar.clone();
    engineers.push(Engineer {
        id: "N1".into(),
        name: "Night, Owl".into(),
        base: hangzhou,
        skills: vec!["net".into(), "sto".into()],
        shift: Shift {
            window: "22:00-06:00".parse().unwrap(),
            days: "mon,wed-fri".parse().unwrap(),
            calendar: none,
            tz: chrono_tz::Asia::Urumqi,
        },
    });
    engineers.push(Engineer {
        id: "A1".into(),
        name: String::new(),
        base: s.depot_by_id("CW").unwrap(),
        skills: vec!["sto".into()],
        shift: Shift {
            window: sparesla::calendar::ClockWindow::ALL_DAY,
            days: "mon-sat".parse().unwrap(),
            calendar: cn,
            tz: chrono_tz::Asia::Shanghai,
        },
    });
    engineers
}

#[test]
fn a_written_roster_reads_back_as_the_same_engineers() {
    let s = tiny();
    let engineers = varied_roster(&s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(ROSTER_FILE);
    write_roster(&path, &s, &engineers).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written.lines().next().unwrap(),
        "id,name,base,skills,shift,calendar,days,tz,break"
    );
    assert!(
        written.contains(
            "\nN1,\"Night, Owl\",D-HZ,net;sto,22:00-06:00,none,mon;wed-fri,Asia/Urumqi,\n"
        ),
        "{written}"
    );
    assert!(
        written.contains("\nA1,,CW,sto,24x7,CN,mon-sat,Asia/Shanghai,\n"),
        "{written}"
    );
    let read = scenario::load_roster(&s, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read, engineers);
    let mut bytes = Vec::new();
    write_roster_to(&mut bytes, &s, &engineers).unwrap();
    assert_eq!(bytes, written.as_bytes());
}

#[test]
fn the_bundled_roster_round_trips() {
    let s = scenario::load(&common::root().join("scenarios/china-baseline"))
        .unwrap()
        .scenario;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(ROSTER_FILE);
    write_roster(&path, &s, &s.engineers).unwrap();
    let (engineers, breaks) = scenario::load_roster_with_breaks(&s, &path).unwrap();
    assert_eq!(engineers, s.engineers);
    // The lunch breaks of the day shifts travel with the roster, so
    // `dispatch --roster plan-out/roster.csv` keeps them.
    assert!(breaks.len() > 10, "{} breaks", breaks.len());
    assert_eq!(breaks, s.breaks);
}

#[test]
fn engineers_csv_read_as_a_roster_is_the_scenario_s_engineers() {
    let s = tiny();
    let roster = scenario::load_roster(&s, &fixtures().join("tiny/engineers.csv")).unwrap();
    assert_eq!(roster, s.engineers);
}

/// The errors of loading `content` as a roster of the tiny scenario, as
/// `(code, file:line:column)` with the roster file's name.
fn roster_errors(content: &str) -> Vec<(String, String)> {
    let s = tiny();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.csv");
    std::fs::write(&path, content).unwrap();
    let error = scenario::load_roster(&s, &path).expect_err("the roster should be invalid");
    let prefix = format!("{}/", dir.path().display());
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

#[test]
fn bad_roster_rows_are_located_in_the_roster_file() {
    let header = "id,name,base,skills,shift,calendar,days\n";
    let good = "R1,One,CW,net,24x7,none,mon-sun\n";
    let cases = [
        (
            "R2,Two,D-XX,net,24x7,none,mon-sun\n",
            "E1031",
            "roster.csv:3:3",
        ),
        (
            "R2,Two,CW,net,8:00-18:00,CN,mon-fri\n",
            "E1017",
            "roster.csv:3:5",
        ),
        (
            "R2,Two,CW,,08:00-18:00,CN,mon-fri\n",
            "E1010",
            "roster.csv:3:4",
        ),
        (
            "R2,Two,CW,net,08:00-18:00,XX,mon-fri\n",
            "E1031",
            "roster.csv:3:6",
        ),
        (
            "R2,Two,CW,net,08:00-18:00,CN,fri-mon\n",
            "E1020",
            "roster.csv:3:7",
        ),
        (
            "R1,Again,CW,net,24x7,none,mon-sun\n",
            "E1030",
            "roster.csv:3:1",
        ),
    ];
    for (row, code, location) in cases {
        assert_eq!(
            roster_errors(&format!("{header}{good}{row}")),
            vec![(code.to_string(), location.to_string())],
            "{row}"
        );
    }
    assert_eq!(
        roster_errors("id,name,base,skills,calendar\nR1,One,CW,net,none\n"),
        vec![("E1003".to_string(), "roster.csv:1".to_string())]
    );
}

/// The errors of loading `roster` (roster.csv's text) against the tiny
/// scenario with a calendar `OLD` that holds 2025 only: (code, line, column, message).
fn errors_with_a_2025_calendar(
    roster: &str,
) -> Vec<(&'static str, Option<u64>, Option<u64>, String)> {
    let copy = ScenarioCopy::fixture("tiny");
    std::fs::create_dir(copy.path().join("calendars")).unwrap();
    copy.write(
        "calendars/OLD.csv",
        "date,kind,name\n2025-01-01,holiday,New Year\n",
    );
    let s = scenario::load(copy.path()).unwrap().scenario;
    let path = copy.path().join("roster.csv");
    std::fs::write(&path, roster).unwrap();
    let error = scenario::load_roster(&s, &path).unwrap_err();
    error
        .diagnostics
        .errors()
        .map(|d| (d.code.as_str(), d.line, d.column, d.message.clone()))
        .collect()
}

#[test]
fn a_roster_calendar_must_cover_the_planning_horizon() {
    let found = errors_with_a_2025_calendar(
        "id,name,base,skills,shift,calendar,days\nR1,One,CW,net,08:00-18:00,OLD,mon-fri\n",
    );
    let located: Vec<_> = found.iter().map(|(c, l, col, _)| (*c, *l, *col)).collect();
    assert_eq!(located, vec![("E1040", Some(2), Some(6))]);
}

#[test]
fn engineers_on_one_short_calendar_are_one_error_at_the_first() {
    let found = errors_with_a_2025_calendar(
        "id,name,base,skills,shift,calendar,days\n\
         R0,Zero,CW,net,24x7,none,mon-sun\n\
         R1,One,CW,net,08:00-18:00,OLD,mon-fri\n\
         R2,Two,CW,net,08:00-18:00,OLD,mon-fri\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, _, message) = &found[0];
    assert_eq!((*code, *line), ("E1040", Some(3)));
    assert!(
        message.starts_with("engineers `R1`, `R2` work by calendar OLD"),
        "{message}"
    );
}

#[test]
fn the_writer_refuses_what_would_not_read_back() {
    let s = tiny();
    let mut twice = s.engineers.clone();
    twice.push(s.engineers[0].clone());
    let error = roster_csv(&s, &twice).unwrap_err();
    assert!(error.to_string().contains("`E1` is given twice"), "{error}");

    // A calendar read from a path outside calendars/ cannot be named.
    let copy = ScenarioCopy::fixture("tiny");
    std::fs::create_dir(copy.path().join("holidays")).unwrap();
    copy.write(
        "holidays/ACME.csv",
        "date,kind,name\n2026-05-01,holiday,Labour Day\n",
    );
    copy.replace(
        "engineers.csv",
        "D-HZ,sto,08:00-18:00,CN",
        "D-HZ,sto,08:00-18:00,holidays/ACME.csv",
    );
    let s = scenario::load(copy.path()).unwrap().scenario;
    let error = roster_csv(&s, &s.engineers).unwrap_err();
    assert!(error.to_string().contains("calendar ACME"), "{error}");
    assert!(error.to_string().contains("calendars/ACME.csv"), "{error}");
    // Moved into calendars/, the same calendar is written by name.
    std::fs::create_dir(copy.path().join("calendars")).unwrap();
    std::fs::rename(
        copy.path().join("holidays/ACME.csv"),
        copy.path().join("calendars/ACME.csv"),
    )
    .unwrap();
    copy.replace("engineers.csv", "holidays/ACME.csv", "ACME");
    let s = scenario::load(copy.path()).unwrap().scenario;
    assert!(roster_csv(&s, &s.engineers).unwrap().contains(",ACME,"));
}

const INCIDENTS: &str = "id,site,opened,part\n\
I1,S1,2026-03-09T09:00,PSU\n\
I2,S2,2026-03-09T10:15,HDD8\n\
I3,S3,2026-03-09T11:00,HDD8\n";
const STOCK: &str = "depot,part,on_hand\nCW,PSU,2\nD-HZ,HDD8,3\n";
/// One engineer where tiny has three.
const ONE_ENGINEER: &str =
    "id,name,base,skills,shift,calendar,days\nR1,Rota One,D-HZ,net;sto,24x7,none,mon-sun\n";

/// The engineer column of a dispatch.csv.
fn dispatched_engineers(dir: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(dir.join("dispatch.csv")).unwrap();
    reader
        .records()
        .map(|row| row.unwrap()[1].to_string())
        .collect()
}

#[test]
fn dispatch_takes_its_engineers_from_the_roster() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("incidents.csv", INCIDENTS)
        .write("stock.csv", STOCK)
        .write("roster.csv", ONE_ENGINEER);
    let scenario = copy.path().to_str().unwrap();
    let incidents = copy.path().join("incidents.csv");
    let out = tempfile::tempdir().unwrap();
    let run = |name: &str, roster: Option<&str>| {
        let dir = out.path().join(name);
        let mut args = vec![
            "dispatch",
            scenario,
            "--incidents",
            incidents.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend(roster.map(|r| ["--roster", r]).into_iter().flatten());
        let output = sparesla(&args);
        assert!(output.status.success(), "{}", text(&output).1);
        (dir, text(&output).1)
    };
    let (scenario_dir, _) = run("scenario", None);
    let mut by_scenario = dispatched_engineers(&scenario_dir);
    by_scenario.sort();
    by_scenario.dedup();
    assert_eq!(by_scenario, ["E1", "E2"]);
    let roster = copy.path().join("roster.csv");
    let (roster_dir, stderr) = run("roster", Some(roster.to_str().unwrap()));
    assert_eq!(dispatched_engineers(&roster_dir), ["R1", "R1", "R1"]);
    // The suggested re-dispatch keeps the roster its pins name.
    assert!(
        stderr.contains(&format!("--roster {}", roster.display())),
        "{stderr}"
    );
}

#[test]
fn a_bad_roster_stops_dispatch_and_validate_with_exit_3_at_its_row() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("incidents.csv", INCIDENTS)
        .write("stock.csv", STOCK)
        .write(
            "roster.csv",
            "id,name,base,skills,shift,calendar,days\nR1,One,D-XX,net,24x7,none,mon-sun\n",
        );
    let scenario = copy.path().to_str().unwrap();
    let roster = copy.path().join("roster.csv");
    let out = tempfile::tempdir().unwrap();
    let incidents = copy.path().join("incidents.csv");
    for args in [
        vec![
            "dispatch",
            scenario,
            "--incidents",
            incidents.to_str().unwrap(),
            "--roster",
            roster.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        vec!["validate", scenario, "--roster", roster.to_str().unwrap()],
    ] {
        let output = sparesla(&args);
        let stderr = without_next(&text(&output).1);
        assert_eq!(output.status.code(), Some(3), "{args:?}\n{stderr}");
        assert!(
            stderr.contains(&format!("{}:2:3: error[E1031]", roster.display())),
            "{stderr}"
        );
    }
}

#[test]
fn validate_counts_the_roster_s_engineers() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("roster.csv", ONE_ENGINEER);
    let roster = copy.path().join("roster.csv");
    let output = sparesla(&[
        "validate",
        copy.path().to_str().unwrap(),
        "--roster",
        roster.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let engineers = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("engineers"))
        .unwrap();
    assert_eq!(
        engineers.split_whitespace().collect::<Vec<_>>(),
        ["engineers", "1"]
    );
}

/// A plan of the tiny scenario in `dir`.
fn plan(scenario: &Path, dir: &Path) {
    let output = sparesla(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output).1);
}

/// `simulate` of a plan (10 runs of 120 days): its exit code, attainment
/// (`summary.json` `attainment.mean`) and stderr without `next:` lines.
fn simulate(scenario: &Path, plan: &Path, extra: &[&str]) -> (Option<i32>, Option<f64>, String) {
    let (code, attainment, stderr) = simulate_with_next(scenario, plan, extra);
    (code, attainment, without_next(&stderr))
}

/// [`simulate`] with the whole stderr, the suggested next commands included.
fn simulate_with_next(
    scenario: &Path,
    plan: &Path,
    extra: &[&str],
) -> (Option<i32>, Option<f64>, String) {
    let mut args = vec![
        "simulate",
        scenario.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--runs",
        "10",
        "--days",
        "120",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let output = sparesla(&args);
    let (stdout, stderr) = text(&output);
    let attainment = serde_json::from_str::<serde_json::Value>(&stdout)
        .ok()
        .and_then(|json| json["attainment"]["mean"].as_f64());
    (output.status.code(), attainment, stderr)
}

#[test]
fn simulate_uses_the_plan_folder_s_roster_and_an_explicit_one_first() {
    let copy = ScenarioCopy::fixture("tiny");
    let folder = tempfile::tempdir().unwrap();
    let plan_dir = folder.path().join("plan");
    plan(copy.path(), &plan_dir);
    // The plan counted the roster and wrote it with the plan.
    let (code, with_engineers, stderr) = simulate(copy.path(), &plan_dir, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let written = plan_dir.join(ROSTER_FILE);
    assert!(
        stderr.contains(&format!("roster: {} (3 engineers)", written.display())),
        "{stderr}"
    );
    let with_engineers = with_engineers.unwrap();
    assert!(with_engineers > 0.5, "{with_engineers}");

    // A roster.csv other than the one the plan's run wrote is refused
    // while the manifest says what the folder holds.
    let roster_path = plan_dir.join(ROSTER_FILE);
    std::fs::write(&roster_path, "id,name,base,skills,shift,calendar,days\n").unwrap();
    let (code, _, stderr) = simulate(copy.path(), &plan_dir, &[]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("error[E1060]"), "{stderr}");

    // Without the manifest (a folder made by hand), an empty roster leaves
    // every failure without an engineer.
    std::fs::remove_file(plan_dir.join("manifest.json")).unwrap();
    let (code, without_anyone, stderr) = simulate(copy.path(), &plan_dir, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("roster: {} (0 engineers)", roster_path.display())),
        "{stderr}"
    );
    assert_eq!(without_anyone, Some(0.0));

    // --roster wins over the folder's roster.csv.
    let engineers = fixtures().join("tiny/engineers.csv");
    let (code, explicit, stderr) = simulate_with_next(
        copy.path(),
        &plan_dir,
        &["--roster", engineers.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        without_next(&stderr).contains(&format!("roster: {} (3 engineers)", engineers.display())),
        "{stderr}"
    );
    assert_eq!(explicit, Some(with_engineers));
    // The suggested re-run keeps the roster.
    let next = stderr
        .split_once("next:")
        .map(|(_, next)| next)
        .unwrap_or("");
    assert!(
        next.contains(&format!("--roster {}", engineers.display())),
        "{stderr}"
    );

    // Without roster.csv the scenario's engineers are dispatched, and the
    // line says so.
    std::fs::remove_file(&roster_path).unwrap();
    let (code, from_scenario, stderr) = simulate(copy.path(), &plan_dir, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("roster: the scenario's engineers.csv (3 engineers;"),
        "{stderr}"
    );
    assert_eq!(from_scenario, Some(with_engineers));
}

#[test]
fn simulate_takes_emergency_hours_from_the_scenario_unless_given() {
    let copy = ScenarioCopy::fixture("tiny");
    let folder = tempfile::tempdir().unwrap();
    let plan_dir = folder.path().join("plan");
    plan(copy.path(), &plan_dir);
    let header = |extra: &[&str]| {
        let mut args = vec![
            "simulate",
            copy.path().to_str().unwrap(),
            "--plan",
            plan_dir.to_str().unwrap(),
            "--runs",
            "2",
            "--days",
            "30",
        ];
        args.extend_from_slice(extra);
        let output = sparesla(&args);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stderr}");
        stdout.lines().next().unwrap().to_string()
    };
    assert!(
        header(&[]).ends_with("emergency shipments on site 24 h after a failure"),
        "{}",
        header(&[])
    );
    copy.edit("scenario.toml", |t| t + "emergency_hours = 36\n");
    assert!(
        header(&[]).ends_with("on site 36 h after a failure"),
        "{}",
        header(&[])
    );
    assert!(
        header(&["--emergency-hours", "12"]).ends_with("on site 12 h after a failure"),
        "{}",
        header(&["--emergency-hours", "12"])
    );
}
