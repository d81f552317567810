//! Multi-day dispatch (`--days N`) and pausable repairs, on hand-made
//! instances of the tiny fixture with one engineer working 08:00-17:00
//! every day from Hangzhou (D-HZ): a pausable repair split across two duty
//! blocks, a non-pausable one moved to the next day instead, a job that
//! starts on day 2 because day 1 is full, `--days 1` identical to no flag,
//! and every dispatch through the independent checker (which also notices
//! a shortened paused repair and a day started from the last site).

mod common;

use common::{ScenarioCopy, sparesla, text};
use sparesla::calendar::format_instant;
use sparesla::dispatch::check::check_live;
use sparesla::dispatch::{Dispatch, DispatchOptions, Live, Status, dispatch_days};
use sparesla::scenario::{self, Scenario};
use sparesla::travel::TravelTimes;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;
const ENGINEER: &str = "id,name,base,skills,shift,calendar,days\n\
    E2,Li Na,D-HZ,sto,08:00-17:00,none,mon-sun\n";
const STOCK: &str = "depot,part,on_hand\nD-HZ,BIG,2\nD-HZ,HDD8,2\n";

/// `sparesla dispatch` on the copy with its incidents.csv, written to `out`,
/// then `extra`.
fn run_dispatch(
    copy: &ScenarioCopy,
    out: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let incidents = copy.path().join("incidents.csv");
    let mut args = vec![
        "dispatch",
        copy.path().to_str().unwrap(),
        "--incidents",
        incidents.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sparesla(&args)
}

/// The tiny fixture with one engineer, a six-hour part BIG (`pausable` as
/// given, or no column) and `incidents`.
fn instance(pausable: Option<&str>, incidents: &str) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    let parts = match pausable {
        Some(value) => format!(
            "id,name,unit_cost,skill,repair_hours,pausable\n\
             BIG,Disk shelf,9000,sto,6,{value}\nHDD8,Disk 8TB,1800,sto,5,no\n\
             PSU,Power supply,4200,net,0.5,\nLC100,Line card,180000,net,2,\n"
        ),
        None => "id,name,unit_cost,skill,repair_hours\n\
                 BIG,Disk shelf,9000,sto,6\nHDD8,Disk 8TB,1800,sto,5\n\
                 PSU,Power supply,4200,net,0.5\nLC100,Line card,180000,net,2\n"
            .to_string(),
    };
    copy.write("engineers.csv", ENGINEER)
        .write("parts.csv", &parts)
        .write("stock.csv", STOCK)
        .write("incidents.csv", incidents);
    copy
}

/// Dispatches the instance over `days` days and checks the result.
fn dispatch(copy: &ScenarioCopy, days: u32) -> (Scenario, Dispatch) {
    let s = scenario::load(copy.path()).expect("scenario").scenario;
    let incidents =
        scenario::load_incidents(&s, &copy.path().join("incidents.csv")).expect("incidents");
    let travel = TravelTimes::build(&s).expect("travel");
    let options = DispatchOptions {
        max_iterations: 100,
        bound: None,
        ..DispatchOptions::default()
    };
    let live = Live::default();
    let result =
        dispatch_days(&s, &travel, &incidents, &s.stock, &live, options, days).expect("dispatch");
    let errors = check_live(&s, &travel, &incidents, &s.stock, &live, &result);
    assert!(errors.is_empty(), "{errors:#?}");
    (s, result)
}

fn local(t: i64) -> String {
    format_instant(t, TZ)
}

/// Seconds of the local time `at` (`2026-03-10T17:00`).
fn at(text: &str) -> i64 {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap();
    TZ.from_local_datetime(&naive).unwrap().timestamp()
}

const LATE_BIG: &str = "id,site,opened,part,kind\nI1,S2,2026-03-10T14:00,BIG,reactive\n";

#[test]
fn a_pausable_repair_continues_in_the_next_duty_block() {
    let copy = instance(Some("yes"), LATE_BIG);
    let (s, result) = dispatch(&copy, 2);
    let (_, v) = result.assignments[0].visit.expect("assigned");
    assert!(v.arrive < at("2026-03-10T17:00"), "{}", local(v.arrive));
    // The engineer goes home at 17:00 and drives back from base at 08:00;
    // the hours left of the six are done after that drive.
    let travel = TravelTimes::build(&s).unwrap();
    let base = s.engineers[0].base;
    let back = travel
        .hours_between(
            sparesla::travel::Endpoint::Depot(base),
            sparesla::travel::Endpoint::Site(result.incidents[0].site),
        )
        .hours()
        .map(|h| (h * 3600.0).round() as i64)
        .unwrap();
    let left = 6 * 3600 - (at("2026-03-10T17:00") - v.arrive);
    assert_eq!(
        local(v.finish),
        local(at("2026-03-11T08:00") + back + left),
        "arrive {}",
        local(v.arrive)
    );
    // Both days are paid, the night is not.
    assert_eq!(result.day_figures.len(), 2);
    assert!(
        result
            .day_figures
            .iter()
            .all(|d| d.paid > 0 && d.engineers_out == 1)
    );
    assert_eq!(result.day_figures[0].repairs_started, 1);

    // The checker notices a paused repair that is too short.
    let mut short = result.clone();
    if let Some((_, v)) = &mut short.assignments[0].visit {
        v.finish -= 1_800;
    }
    let incidents = result.incidents.clone();
    let errors = check_live(&s, &travel, &incidents, &s.stock, &Live::default(), &short);
    assert!(
        errors.iter().any(|e| e.contains("paused repair")),
        "{errors:#?}"
    );
}

#[test]
fn a_repair_that_may_not_pause_moves_to_the_next_day() {
    for pausable in [Some("no"), None] {
        let copy = instance(pausable, LATE_BIG);
        let (_, result) = dispatch(&copy, 2);
        let (_, v) = result.assignments[0].visit.expect("assigned");
        assert!(v.arrive >= at("2026-03-11T08:00"), "{}", local(v.arrive));
        assert!(v.finish <= at("2026-03-11T17:00"), "{}", local(v.finish));
    }
}

#[test]
fn a_job_starts_on_day_two_when_day_one_is_full_and_the_day_starts_at_home() {
    let incidents = "id,site,opened,part,kind\n\
        I1,S2,2026-03-10T09:00,HDD8,reactive\n\
        I2,S4,2026-03-10T09:00,HDD8,reactive\n";
    let copy = instance(None, incidents);
    let (_, result) = dispatch(&copy, 2);
    let mut arrivals: Vec<(i64, i64)> = result
        .assignments
        .iter()
        .map(|a| {
            let (_, v) = a.visit.expect("both assigned");
            (v.arrive, v.depart)
        })
        .collect();
    arrivals.sort();
    let (first, second) = (arrivals[0], arrivals[1]);
    assert!(first.0 < at("2026-03-10T17:00"), "{}", local(first.0));
    assert!(second.0 >= at("2026-03-11T08:00"), "{}", local(second.0));
    // Day two starts at home at 08:00 (the checker verifies the drive from base).
    assert_eq!(local(second.1), local(at("2026-03-11T08:00")));
    assert_eq!(result.day_figures[1].repairs_started, 1);
}

#[test]
fn the_checker_notices_a_day_driven_from_the_last_site_instead_of_home() {
    // Day one: the far site S4 (opened 08:00); day two: S2 near home,
    // which cannot start before 12:00 and does not fit day one's shift.
    let incidents = "id,site,opened,part,kind\n\
        I1,S4,2026-03-10T08:00,HDD8,reactive\n\
        I2,S2,2026-03-10T12:00,HDD8,reactive\n";
    let copy = instance(None, incidents);
    let (s, result) = dispatch(&copy, 2);
    let (_, near) = result.assignments[1].visit.expect("assigned");
    assert!(
        near.arrive >= at("2026-03-11T08:00"),
        "{}",
        local(near.arrive)
    );
    // Read as one day, the engineer would have driven from S4 to S2 in the
    // time home to S2 takes.
    let one_day = Dispatch {
        days: 1,
        ..result.clone()
    };
    let travel = TravelTimes::build(&s).unwrap();
    let errors = check_live(
        &s,
        &travel,
        &result.incidents,
        &s.stock,
        &Live::default(),
        &one_day,
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("I2: ") && e.contains("faster than the road")),
        "{errors:#?}"
    );
}

#[test]
fn jobs_past_the_planned_days_stay_unassigned_with_a_reason() {
    let incidents = "id,site,opened,part,kind\n\
        I1,S2,2026-03-10T09:00,HDD8,reactive\n\
        I2,S4,2026-03-10T09:00,HDD8,reactive\n\
        I3,S2,2026-03-10T09:00,BIG,reactive\n";
    let copy = instance(Some("no"), incidents);
    let (_, result) = dispatch(&copy, 2);
    let unassigned: Vec<&str> = result
        .assignments
        .iter()
        .filter(|a| a.status == Status::Unassigned)
        .filter_map(|a| a.reason.as_deref())
        .collect();
    assert_eq!(unassigned.len(), 1, "{:#?}", result.assignments);
    assert!(unassigned[0].contains("2 planned days"), "{unassigned:?}");
}

#[test]
fn one_day_is_the_dispatch_without_the_flag_byte_for_byte() {
    let copy = instance(None, LATE_BIG);
    let outputs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    for (out, extra) in outputs.iter().zip([&[][..], &["--days", "1"][..]]) {
        let output = run_dispatch(
            &copy,
            out.path(),
            &[&["--iterations", "50"], extra].concat(),
        );
        assert!(output.status.success(), "{:?}", text(&output));
    }
    for file in ["dispatch.csv", "routes.csv", "summary.json"] {
        let read = |dir: &tempfile::TempDir| std::fs::read(dir.path().join(file)).unwrap();
        assert_eq!(read(&outputs[0]), read(&outputs[1]), "{file}");
    }
    let summary = std::fs::read_to_string(outputs[0].path().join("summary.json")).unwrap();
    assert!(!summary.contains("\"days\""));
}

#[test]
fn several_days_show_day_by_day_figures() {
    let copy = instance(Some("yes"), LATE_BIG);
    let out = tempfile::tempdir().unwrap();
    let output = run_dispatch(&copy, out.path(), &["--days", "3", "--iterations", "50"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("2026-03-10: 1 repair(s) started"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2026-03-12: 0 repair(s) started"),
        "{stdout}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["days"].as_array().map(Vec::len), Some(3));
    // routes.csv: the repair starts on day one and finishes on day two.
    let routes = std::fs::read_to_string(out.path().join("routes.csv")).unwrap();
    let row = routes.lines().nth(1).unwrap();
    assert!(
        row.contains(",2026-03-10T1") && row.contains(",2026-03-11T"),
        "{row}"
    );
}

#[test]
fn a_bad_pausable_value_is_reported_at_its_line_and_column() {
    let copy = instance(Some("maybe"), LATE_BIG);
    let out = tempfile::tempdir().unwrap();
    let output = run_dispatch(&copy, out.path(), &[]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("parts.csv:2:6: error[E1021]: `maybe` is not `yes` or `no`"),
        "{stderr}"
    );
}

#[test]
fn three_days_of_the_bundled_scenario_pass_the_checker() {
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-baseline");
    let copy = ScenarioCopy::of(&bundled);
    let result = bundled_days(&copy);
    assert_eq!(result.day_figures.len(), 3);
    // Every repair pausable: some are split across days, all pass the checker.
    let parts = std::fs::read_to_string(bundled.join("parts.csv")).unwrap();
    let pausable: String = parts
        .lines()
        .enumerate()
        .map(|(k, line)| format!("{line},{}\n", if k == 0 { "pausable" } else { "yes" }))
        .collect();
    copy.write("parts.csv", &pausable);
    let result = bundled_days(&copy);
    let split = result
        .assignments
        .iter()
        .filter_map(|a| a.visit)
        .filter(|(_, v)| local(v.arrive)[..10] != local(v.finish)[..10])
        .count();
    assert!(split > 0, "no repair continues on a later day");
}

/// Three days of the scenario in `copy`, checked; most incidents served.
fn bundled_days(copy: &ScenarioCopy) -> Dispatch {
    let s = scenario::load(copy.path()).expect("scenario").scenario;
    let incidents =
        scenario::load_incidents(&s, &copy.path().join("incidents.csv")).expect("incidents");
    let travel = TravelTimes::build(&s).expect("travel");
    let options = DispatchOptions {
        max_iterations: 30,
        bound: None,
        ..DispatchOptions::default()
    };
    let live = Live::default();
    let result =
        dispatch_days(&s, &travel, &incidents, &s.stock, &live, options, 3).expect("dispatch");
    let errors = check_live(&s, &travel, &incidents, &s.stock, &live, &result);
    assert!(errors.is_empty(), "{errors:#?}");
    let served = result.assignments.iter().filter(|a| a.visit.is_some());
    assert!(served.count() > incidents.len() / 2);
    result
}

/// Breaks and days together (neither side was designed with the other):
/// three days of the bundled scenario with every repair pausable and a lunch
/// break for every engineer pass the checker, with breaks on later days and
/// repairs continued across a night.
#[test]
fn three_days_with_pauses_and_lunch_breaks_pass_the_checker() {
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-baseline");
    let copy = ScenarioCopy::of(&bundled);
    let with_column = |text: &str, column: &str, value: &str| {
        text.lines()
            .enumerate()
            .map(|(k, line)| format!("{line},{}\n", if k == 0 { column } else { value }))
            .collect::<String>()
    };
    copy.edit("parts.csv", |text| with_column(&text, "pausable", "yes"));
    // Every engineer (24x7 ones too; the bundled roster gives the day
    // shifts one already): the break column's value replaced.
    copy.edit("engineers.csv", |text| {
        text.lines()
            .enumerate()
            .map(|(k, line)| match line.rsplit_once(',') {
                Some((rest, _)) if k > 0 => format!("{rest},12:00-14:00/45m\n"),
                _ => format!("{line}\n"),
            })
            .collect::<String>()
    });
    let result = bundled_days(&copy);
    let days_with_breaks: std::collections::BTreeSet<String> = result
        .assignments
        .iter()
        .filter_map(|a| a.visit?.1.rest)
        .map(|at| local(at)[..10].to_string())
        .collect();
    assert!(
        days_with_breaks.len() >= 2,
        "breaks only on {days_with_breaks:?}"
    );
    let split = result
        .assignments
        .iter()
        .filter_map(|a| a.visit)
        .filter(|(_, v)| local(v.arrive)[..10] != local(v.finish)[..10])
        .count();
    assert!(split > 0, "no repair continues on a later day");
}

/// Two days of two long repairs for one engineer with a lunch break,
/// overtime after 4 paid hours a day and up to an hour past the shift:
/// the summary's paid hours, overtime and breaks are what routes.csv gives,
/// day by day (each day paid from its departure from home to its last
/// finish, on duty, less the breaks taken while out; overtime the longer
/// of the part beyond 4 hours and the part past 17:00).
#[test]
fn the_summary_paid_overtime_and_breaks_are_the_sums_over_routes_csv() {
    let copy = instance(
        None,
        "id,site,opened,part,kind\n\
         I1,S2,2026-03-10T08:00,HDD8,reactive\nI2,S2,2026-03-10T08:00,BIG,reactive\n\
         I3,S2,2026-03-10T08:00,BIG,reactive\nI4,S2,2026-03-10T08:00,HDD8,reactive\n",
    );
    // Shorter repairs: two or three a day, a lunch break between them.
    copy.write(
        "parts.csv",
        "id,name,unit_cost,skill,repair_hours\n\
         BIG,Disk shelf,9000,sto,3\nHDD8,Disk 8TB,1800,sto,2\n\
         PSU,Power supply,4200,net,0.5\nLC100,Line card,180000,net,2\n",
    );
    copy.write(
        "engineers.csv",
        &format!(
            "{},break\n{},12:00-14:00/45m\n",
            ENGINEER.lines().next().unwrap(),
            ENGINEER.lines().nth(1).unwrap()
        ),
    );
    let toml = std::fs::read_to_string(copy.path().join("scenario.toml")).unwrap();
    copy.write(
        "scenario.toml",
        &format!(
            "{toml}\n[dispatch]\novertime_after = 4\nmax_overtime = 1\n\n[dispatch.objective]\npaid_time = 0.5\n"
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let output = run_dispatch(
        &copy,
        out.path(),
        &["--days", "2", "--iterations", "50", "--no-bound"],
    );
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let routes = std::fs::read_to_string(out.path().join("routes.csv")).unwrap();
    let mut lines = routes.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|&c| c == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let instant = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp()
    };
    let (mut paid, mut overtime, mut out_breaks) = (0, 0, 0);
    for day in ["2026-03-10", "2026-03-11"] {
        let (shift_start, shift_end) = (at(&format!("{day}T08:00")), at(&format!("{day}T17:00")));
        let jobs: Vec<&Vec<&str>> = rows
            .iter()
            .filter(|r| r[column("mode")] != "break" && r[column("depart")].starts_with(day))
            .collect();
        let Some(first) = jobs.first() else { continue };
        let departure = instant(first[column("depart")]).max(shift_start);
        let end = jobs
            .iter()
            .map(|r| instant(r[column("finish")]))
            .max()
            .unwrap();
        let rested = rows
            .iter()
            .filter(|r| r[column("mode")] == "break" && r[column("arrive")].starts_with(day))
            .filter(|r| instant(r[column("arrive")]) >= departure)
            .count() as i64;
        let day_paid = end.min(shift_end + 3600) - departure - rested * 45 * 60;
        let past_shift = (end - shift_end).clamp(0, 3600);
        paid += day_paid;
        overtime += (day_paid - 4 * 3600).max(past_shift).max(0);
        out_breaks += rested;
    }
    let breaks = rows.iter().filter(|r| r[column("mode")] == "break").count() as i64;
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    let hours = |s: i64| (s as f64 / 36.0).round() / 100.0;
    assert_eq!(
        summary["paid_hours"].as_f64(),
        Some(hours(paid)),
        "{routes}"
    );
    assert_eq!(
        summary["overtime_hours"].as_f64(),
        Some(hours(overtime)),
        "{routes}"
    );
    assert_eq!(summary["breaks"].as_i64(), Some(breaks), "{routes}");
    assert!(out_breaks >= 1 && overtime > 0, "{routes}");
}
