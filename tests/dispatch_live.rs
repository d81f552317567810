//! Live dispatch: engineers already out (`engineer_state.csv`) and pinned
//! jobs of a previous dispatch (`--pin`). The pinning contract: every
//! assigned incident of the previous dispatch keeps its engineer, depot and
//! mode and stays first in its engineer's route in its previous order; new
//! incidents are inserted after them. Every dispatch passes the checker.

mod common;

use common::{ScenarioCopy, sparesla, text};
use sparesla::dispatch::check::check_live;
use sparesla::dispatch::{DispatchOptions, Live, Status, dispatch_live};
use sparesla::scenario::{self, Scenario};
use sparesla::travel::TravelTimes;
use std::collections::HashMap;
use std::path::Path;

const INCIDENTS: &str = "id,site,opened,part,kind\n\
    I1,S1,2026-03-10T09:00,PSU,reactive\n\
    I2,S3,2026-03-10T09:30,LC100,reactive\n\
    I3,S2,2026-03-10T10:00,HDD8,reactive\n\
    I4,S4,2026-03-10T10:15,HDD8,proactive\n";
const MORE: &str = "I5,S1,2026-03-10T11:00,PSU,reactive\n\
    I6,S2,2026-03-10T11:30,HDD8,reactive\n";
const STOCK: &str = "depot,part,on_hand\nCW,PSU,2\nD-HZ,HDD8,2\nD-NJ,HDD8,1\nD-NJ,LC100,1\n";

fn tiny() -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("incidents.csv", INCIDENTS)
        .write("stock.csv", STOCK);
    copy
}

fn run(copy: &Path, incidents: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "dispatch",
        copy.to_str().unwrap(),
        "--incidents",
        incidents.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "5",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    sparesla(&args)
}

/// incident -> (engineer, depot, mode, depart) of the assigned rows.
fn assigned(dir: &Path) -> HashMap<String, (String, String, String, String)> {
    let mut reader = csv::Reader::from_path(dir.join("dispatch.csv")).expect("dispatch.csv");
    reader
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| &r[9] != "unassigned")
        .map(|r| {
            (
                r[0].to_string(),
                (
                    r[1].to_string(),
                    r[2].to_string(),
                    r[3].to_string(),
                    r[4].to_string(),
                ),
            )
        })
        .collect()
}

/// engineer -> incidents in stop order.
fn routes(dir: &Path) -> HashMap<String, Vec<String>> {
    let mut reader = csv::Reader::from_path(dir.join("routes.csv")).expect("routes.csv");
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for r in reader.records() {
        let r = r.expect("row");
        out.entry(r[0].to_string())
            .or_default()
            .push(r[2].to_string());
    }
    out
}

fn load(dir: &Path) -> Scenario {
    scenario::load(dir).expect("scenario").scenario
}

#[test]
fn pinned_jobs_keep_engineer_depot_mode_and_order() {
    let copy = tiny();
    let out = tempfile::tempdir().expect("temp");
    let first = out.path().join("first");
    let output = run(copy.path(), &copy.path().join("incidents.csv"), &first, &[]);
    assert!(output.status.success(), "{:?}", text(&output));
    let before = assigned(&first);
    assert!(before.len() >= 3, "{before:?}");

    let all = copy.path().join("all.csv");
    std::fs::write(&all, format!("{INCIDENTS}{MORE}")).unwrap();
    let second = out.path().join("second");
    let pin = first.join("dispatch.csv");
    let output = run(
        copy.path(),
        &all,
        &second,
        &["--pin", pin.to_str().unwrap()],
    );
    assert!(output.status.success(), "{:?}", text(&output));
    let after = assigned(&second);
    for (incident, (engineer, depot, mode, _)) in &before {
        let (e, d, m, _) = after.get(incident).expect("pinned incident still assigned");
        assert_eq!((e, d, m), (engineer, depot, mode), "{incident}");
    }
    // Each engineer's pinned jobs head the route, in their previous order.
    let new_routes = routes(&second);
    let mut by_engineer: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (incident, (engineer, _, _, depart)) in &before {
        by_engineer
            .entry(engineer)
            .or_default()
            .push((depart.as_str(), incident.as_str()));
    }
    for (engineer, mut pinned) in by_engineer {
        pinned.sort();
        let expected: Vec<&str> = pinned.iter().map(|(_, i)| *i).collect();
        let route: Vec<&str> = new_routes[engineer].iter().map(String::as_str).collect();
        assert_eq!(&route[..expected.len()], expected.as_slice(), "{engineer}");
    }
    assert!(
        after.contains_key("I5") || after.contains_key("I6"),
        "{after:?}"
    );

    // The same through the library, with the independent checker.
    let s = load(copy.path());
    let incidents = scenario::load_incidents(&s, &all).expect("incidents");
    let live = Live {
        engineers: Vec::new(),
        pins: scenario::load_pins(&s, &incidents, &pin).expect("pins"),
    };
    let travel = TravelTimes::build(&s).expect("travel");
    let options = DispatchOptions {
        max_iterations: 200,
        ..DispatchOptions::default()
    };
    let result =
        dispatch_live(&s, &travel, &incidents, &s.stock, &live, options).expect("dispatch");
    let errors = check_live(&s, &travel, &incidents, &s.stock, &live, &result);
    assert!(errors.is_empty(), "{errors:#?}");
    // The checker notices a pinned job moved to another engineer.
    let mut moved = result.clone();
    let pinned_route = moved.routes.iter().position(|r| !r.is_empty()).unwrap();
    let job = moved.routes[pinned_route].remove(0);
    let other = (pinned_route + 1) % moved.routes.len();
    moved.routes[other].insert(0, job);
    assert!(!check_live(&s, &travel, &incidents, &s.stock, &live, &moved).is_empty());
}

#[test]
fn pin_naming_an_unknown_incident_is_rejected_with_file_and_line() {
    let copy = tiny();
    let out = tempfile::tempdir().expect("temp");
    let pin = copy.path().join("pin.csv");
    std::fs::write(
        &pin,
        "incident,engineer,source_depot,mode,depart,pickup,arrive,deadline,slack_minutes,status\n\
         I9,E1,CW,courier,2026-03-10T09:10:00+08:00,,,,,on_time\n",
    )
    .unwrap();
    let output = run(
        copy.path(),
        &copy.path().join("incidents.csv"),
        out.path(),
        &["--pin", pin.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(3));
    let (_, stderr) = text(&output);
    assert!(stderr.contains("pin.csv:2"), "{stderr}");
    assert!(!out.path().join("dispatch.csv").exists());
}

#[test]
fn engineers_already_out_start_where_and_when_they_are_free() {
    let copy = tiny();
    let s = load(copy.path());
    let states = copy.path().join("engineer_state.csv");
    std::fs::write(
        &states,
        "engineer,available_from,location\nE1,2026-03-10T13:00,S3\nE2,2026-03-10T12:00,S2\n",
    )
    .unwrap();
    let live = Live {
        engineers: scenario::load_engineer_states(&s, &states).expect("states"),
        pins: Vec::new(),
    };
    let travel = TravelTimes::build(&s).expect("travel");
    let options = DispatchOptions {
        max_iterations: 200,
        ..DispatchOptions::default()
    };
    let result =
        dispatch_live(&s, &travel, &s.incidents, &s.stock, &live, options).expect("dispatch");
    let errors = check_live(&s, &travel, &s.incidents, &s.stock, &live, &result);
    assert!(errors.is_empty(), "{errors:#?}");
    for state in &live.engineers {
        for a in &result.assignments {
            if let Some((e, v)) = &a.visit
                && *e == state.engineer
            {
                assert!(v.depart >= state.available_from.timestamp());
            }
        }
    }
    assert!(
        result
            .assignments
            .iter()
            .any(|a| a.status != Status::Unassigned)
    );
    // The checker holds the dispatch to the states: at base all day is wrong.
    let at_base = sparesla::dispatch::dispatch(&s, &travel, &s.incidents, &s.stock, options)
        .expect("dispatch");
    let busy_early = at_base.assignments.iter().any(|a| {
        a.visit.as_ref().is_some_and(|(e, v)| {
            live.engineers
                .iter()
                .any(|st| st.engineer == *e && v.depart < st.available_from.timestamp())
        })
    });
    assert!(
        busy_early,
        "the fixture should keep these engineers busy in the morning"
    );
    assert!(!check_live(&s, &travel, &s.incidents, &s.stock, &live, &at_base).is_empty());
}

#[test]
fn bad_engineer_state_is_rejected_with_file_and_line() {
    let copy = tiny();
    let states = copy.path().join("engineer_state.csv");
    std::fs::write(
        &states,
        "engineer,available_from,location\nE1,2026-03-10T13:00,S3\nE2,2026-03-10T12:00,NOWHERE\n",
    )
    .unwrap();
    let out = tempfile::tempdir().expect("temp");
    let output = run(
        copy.path(),
        &copy.path().join("incidents.csv"),
        out.path(),
        &["--engineer-state", states.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(3));
    let (_, stderr) = text(&output);
    assert!(stderr.contains("engineer_state.csv:3"), "{stderr}");
}
