//! Dispatch: every solution passes the independent checker; small cases
//! match brute force; the same seed gives the same dispatch; reasons for
//! unassigned incidents; malformed incidents rejected with file:line.

mod common;

use common::{ScenarioCopy, root, sparesla, text};
use sparesla::dispatch::schedule::{Job, Mode, schedule_from, start_of, total, unassigned_cost};
use sparesla::dispatch::{
    Assignment, Cost, Dispatch, DispatchOptions, Problem, Status, check::check, dispatch,
};
use sparesla::scenario::{self, Incident, Scenario, StockLevel};
use sparesla::travel::TravelTimes;
use std::path::Path;

const INCIDENTS: &str = "id,site,opened,part,kind\n\
    I1,S1,2026-03-10T09:00,PSU,reactive\n\
    I2,S3,2026-03-10T09:30,LC100,reactive\n\
    I3,S2,2026-03-10T10:00,HDD8,reactive\n\
    I4,S4,2026-03-10T10:15,HDD8,proactive\n";
const STOCK: &str = "depot,part,on_hand\nCW,PSU,1\nD-HZ,HDD8,1\nD-NJ,HDD8,1\nD-NJ,LC100,1\n";

fn tiny(incidents: &str, stock: &str) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("incidents.csv", incidents)
        .write("stock.csv", stock);
    copy
}

fn options(iterations: u64) -> DispatchOptions {
    DispatchOptions {
        time_limit: std::time::Duration::from_secs(600),
        seed: 7,
        max_iterations: iterations,
        bound: None,
    }
}

/// Solves and checks; panics with the violations if infeasible.
fn solve_checked(
    scenario: &Scenario,
    incidents: &[Incident],
    stock: &[StockLevel],
    iterations: u64,
) -> Dispatch {
    let travel = TravelTimes::build(scenario).expect("travel");
    let result =
        dispatch(scenario, &travel, incidents, stock, options(iterations)).expect("dispatch");
    let errors = check(scenario, &travel, incidents, stock, &result);
    assert!(errors.is_empty(), "infeasible dispatch: {errors:#?}");
    result
}

fn with_status(result: &Dispatch, status: Status) -> Vec<&Assignment> {
    result
        .assignments
        .iter()
        .filter(|a| a.status == status)
        .collect()
}

fn load(dir: &Path) -> Scenario {
    scenario::load(dir).expect("scenario").scenario
}

#[test]
fn tiny_dispatch_is_feasible_and_serves_everything() {
    let copy = tiny(INCIDENTS, STOCK);
    let s = load(copy.path());
    let result = solve_checked(&s, &s.incidents, &s.stock, 100);
    assert!(
        result
            .assignments
            .iter()
            .all(|a| a.status != Status::Unassigned)
    );
}

/// The optimum over every assignment (engineer or none, depot, mode) and
/// every order of each engineer's jobs.
fn brute_force(problem: &Problem) -> Cost {
    let s = problem.scenario;
    let n = problem.len();
    let mut choices: Vec<Vec<Option<(usize, Job)>>> = Vec::new();
    for i in 0..n {
        let mut c = vec![None];
        for &e in &problem.qualified[i] {
            for &depot in &problem.depots[i] {
                for mode in Mode::ALL {
                    c.push(Some((
                        e.index(),
                        Job {
                            incident: i,
                            depot,
                            mode,
                        },
                    )));
                }
            }
        }
        choices.push(c);
    }
    let mut best: Option<Cost> = None;
    let mut pick = vec![0usize; n];
    loop {
        if let Some(cost) = evaluate(problem, &choices, &pick, s.engineers.len()) {
            if best.is_none_or(|b| cost.is_better(&b)) {
                best = Some(cost);
            }
        }
        // Next combination (odometer).
        let mut k = 0;
        loop {
            if k == n {
                return best.unwrap_or_default();
            }
            pick[k] += 1;
            if pick[k] < choices[k].len() {
                break;
            }
            pick[k] = 0;
            k += 1;
        }
    }
}

fn evaluate(
    problem: &Problem,
    choices: &[Vec<Option<(usize, Job)>>],
    pick: &[usize],
    engineers: usize,
) -> Option<Cost> {
    let mut used = problem.stock.clone();
    let mut routes: Vec<Vec<Job>> = vec![Vec::new(); engineers];
    let mut cost = Cost::default();
    for (i, &p) in pick.iter().enumerate() {
        match choices[i][p] {
            None => cost = cost.plus(unassigned_cost(problem, i)),
            Some((e, job)) => {
                let slot = problem.stock_slot(job.depot, i);
                used[slot] = used[slot].checked_sub(1)?;
                routes[e].push(job);
            }
        }
    }
    for (e, jobs) in routes.iter_mut().enumerate() {
        let engineer = sparesla::scenario::Idx::new(e);
        let best = permutations(jobs)
            .into_iter()
            .filter_map(|order| {
                schedule_from(problem, engineer, start_of(problem, engineer), &order)
                    .map(|v| total(&v))
            })
            .min_by(|a, b| a.lex_cmp(b))?;
        cost = cost.plus(best);
    }
    Some(cost)
}

fn permutations(jobs: &[Job]) -> Vec<Vec<Job>> {
    if jobs.len() <= 1 {
        return vec![jobs.to_vec()];
    }
    let mut all = Vec::new();
    for k in 0..jobs.len() {
        let mut rest = jobs.to_vec();
        let first = rest.remove(k);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

#[test]
fn small_cases_match_brute_force() {
    let cases = [
        (INCIDENTS, STOCK),
        // Contention: two PSU incidents, one unit, the 24x7 engineer only.
        (
            "id,site,opened,part,kind\nI1,S1,2026-03-10T22:00,PSU,reactive\nI2,S3,2026-03-10T22:10,PSU,reactive\nI3,S2,2026-03-10T07:00,HDD8,reactive\n",
            "depot,part,on_hand\nCW,PSU,1\nD-NJ,PSU,1\nD-HZ,HDD8,2\n",
        ),
        // One engineer must chain three jobs.
        (
            "id,site,opened,part,kind\nI1,S1,2026-03-14T09:00,LC100,reactive\nI2,S3,2026-03-14T09:10,PSU,reactive\nI3,S4,2026-03-14T09:20,HDD8,reactive\n",
            "depot,part,on_hand\nCW,LC100,1\nCW,PSU,1\nCW,HDD8,1\nD-NJ,PSU,2\n",
        ),
    ];
    for (incidents, stock) in cases {
        let copy = tiny(incidents, stock);
        let s = load(copy.path());
        let travel = TravelTimes::build(&s).expect("travel");
        let problem = Problem::build(&s, &travel, &s.incidents, &s.stock).expect("problem");
        let optimum = brute_force(&problem);
        let result = solve_checked(&s, &s.incidents, &s.stock, 200);
        assert_eq!(
            result.cost.lex_cmp(&optimum),
            std::cmp::Ordering::Equal,
            "dispatch {:?} vs brute force {optimum:?} for\n{incidents}",
            result.cost
        );
    }
}

#[test]
fn same_seed_same_dispatch() {
    let copy = tiny(INCIDENTS, STOCK);
    let out = tempfile::tempdir().expect("temp");
    let run = |name: &str| {
        let dir = out.path().join(name);
        let output = sparesla(&[
            "dispatch",
            copy.path().to_str().unwrap(),
            "--incidents",
            copy.path().join("incidents.csv").to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
            "--seed",
            "3",
            "--format",
            "json",
        ]);
        assert!(output.status.success(), "{:?}", text(&output));
        (
            std::fs::read_to_string(dir.join("dispatch.csv")).unwrap(),
            std::fs::read_to_string(dir.join("routes.csv")).unwrap(),
        )
    };
    let first = run("a");
    assert_eq!(first, run("b"));
    let header = first.0.lines().next().unwrap();
    assert_eq!(
        header,
        "incident,engineer,source_depot,mode,depart,pickup,arrive,deadline,slack_minutes,status"
    );
    assert_eq!(first.0.lines().count(), 5);
}

#[test]
fn unassigned_incidents_get_reasons() {
    let copy = tiny(
        "id,site,opened,part,kind\nI1,S1,2026-03-10T09:00,PSU,reactive\nI2,S3,2026-03-10T09:30,LC100,reactive\n",
        "depot,part,on_hand\nCW,PSU,1\n",
    );
    let s = load(copy.path());
    let result = solve_checked(&s, &s.incidents, &s.stock, 10);
    let lc = &result.assignments[1];
    assert_eq!(lc.status, Status::Unassigned);
    assert_eq!(
        lc.reason.as_deref(),
        Some("no stock of part LC100 at any depot")
    );
    // A second PSU incident finds the only unit taken.
    let copy = tiny(
        "id,site,opened,part,kind\nI1,S1,2026-03-10T09:00,PSU,reactive\nI2,S3,2026-03-10T09:30,PSU,reactive\n",
        "depot,part,on_hand\nCW,PSU,1\n",
    );
    let s = load(copy.path());
    let result = solve_checked(&s, &s.incidents, &s.stock, 10);
    let unassigned = with_status(&result, Status::Unassigned);
    assert_eq!(unassigned.len(), 1);
    assert_eq!(
        unassigned[0].reason.as_deref(),
        Some("all stock of part PSU taken by other incidents")
    );
}

#[test]
fn late_incidents_name_what_holds_them_up() {
    // At 02:00 only E1 (24x7, Shanghai) works. Three 2-hour line-card
    // repairs at one Shanghai site: E1 can do two by the 06:00 deadline,
    // the third waits for E1.
    let copy = tiny(
        "id,site,opened,part,kind\n\
         A1,S1,2026-03-10T02:00,LC100,reactive\n\
         A2,S1,2026-03-10T02:00,LC100,reactive\n\
         A3,S1,2026-03-10T02:00,LC100,reactive\n",
        "depot,part,on_hand\nCW,LC100,3\n",
    );
    let s = load(copy.path());
    let result = solve_checked(&s, &s.incidents, &s.stock, 50);
    let late = with_status(&result, Status::Late);
    assert_eq!(late.len(), 1, "{:#?}", result.assignments);
    let reason = late[0].reason.as_deref().unwrap();
    let others: Vec<&str> = ["A1", "A2", "A3"]
        .into_iter()
        .filter(|id| *id != s.incidents[late[0].incident].id)
        .collect();
    assert!(
        reason.starts_with(&format!(
            "the 1 engineer with skill net who could arrive in time is on other incidents before its deadline: E1 ({}, {})",
            others[0], others[1]
        )),
        "{reason}"
    );
    // Two power supplies at the same site: the Shanghai unit makes it, the
    // Nanjing unit cannot; E1 has time for both.
    let copy = tiny(
        "id,site,opened,part,kind\n\
         B1,S1,2026-03-10T02:00,PSU,reactive\n\
         B2,S1,2026-03-10T02:00,PSU,reactive\n",
        "depot,part,on_hand\nCW,PSU,1\nD-NJ,PSU,1\n",
    );
    let s = load(copy.path());
    let result = solve_checked(&s, &s.incidents, &s.stock, 50);
    let late = with_status(&result, Status::Late);
    assert_eq!(late.len(), 1, "{:#?}", result.assignments);
    let reason = late[0].reason.as_deref().unwrap();
    assert!(
        reason.starts_with(
            "the stock of part PSU that could arrive in time is taken by other incidents (alone it could arrive at 2026-03-10T0"
        ),
        "{reason}"
    );
}

#[test]
fn checker_rejects_broken_dispatches() {
    let copy = tiny(INCIDENTS, STOCK);
    let s = load(copy.path());
    let travel = TravelTimes::build(&s).expect("travel");
    let good = solve_checked(&s, &s.incidents, &s.stock, 10);
    // Arriving earlier than the road allows.
    let mut fast = good.clone();
    let (_, v) = fast.assignments[0].visit.as_mut().expect("assigned");
    v.arrive -= 3600;
    v.engineer_arrive -= 3600;
    v.part_arrive -= 3600;
    assert!(!check(&s, &travel, &s.incidents, &s.stock, &fast).is_empty());
    // Wrong status.
    let mut wrong = good.clone();
    wrong.assignments[0].status = Status::Late;
    assert!(!check(&s, &travel, &s.incidents, &s.stock, &wrong).is_empty());
    // Taking a unit that is not there.
    let no_stock: Vec<StockLevel> = Vec::new();
    assert!(!check(&s, &travel, &s.incidents, &no_stock, &good).is_empty());
}

#[test]
fn malformed_incidents_are_rejected_with_file_and_line() {
    let copy = tiny(INCIDENTS, STOCK);
    let bad = copy.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,site,opened,part,kind\nI1,S1,2026-03-10T09:00,PSU,reactive\nI2,S9,2026-03-10T09:00,PSU,reactive\n",
    )
    .unwrap();
    let out = tempfile::tempdir().expect("temp");
    let output = sparesla(&[
        "dispatch",
        copy.path().to_str().unwrap(),
        "--incidents",
        bad.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3));
    let (_, stderr) = text(&output);
    assert!(stderr.contains("bad.csv:3"), "{stderr}");
    assert!(!out.path().join("dispatch.csv").exists());
}

#[test]
fn bundled_scenario_dispatch_is_feasible() {
    let s = load(&root().join("scenarios/china-baseline"));
    assert!(s.incidents.len() >= 150);
    let result = solve_checked(&s, &s.incidents, &s.stock, 20);
    let on_time = result
        .assignments
        .iter()
        .filter(|a| a.status == Status::OnTime)
        .count();
    assert!(on_time * 10 >= s.incidents.len() * 8, "{on_time} on time");
    assert!(!result.cost.is_better(&Cost::default()));
    assert!(!result.construction_cost.is_better(&result.cost));
}

/// The bundled day as shipped: its day-shift engineers take a lunch break,
/// so its summary (terminal and `summary.json`) shows paid hours, overtime
/// and breaks, `routes.csv` shows the breaks as stops, and two runs with the
/// same seed write the same bytes (the iteration cap, not the time limit,
/// ends the search).
#[test]
fn the_bundled_day_shows_paid_hours_overtime_and_breaks_the_same_on_every_run() {
    let scenario = root().join("scenarios/china-baseline");
    let out = tempfile::tempdir().expect("temp");
    let run = |name: &str| {
        let dir = out.path().join(name);
        let output = sparesla(&[
            "dispatch",
            scenario.to_str().unwrap(),
            "--incidents",
            scenario.join("incidents.csv").to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
            "--iterations",
            "30",
            "--time-limit",
            "600s",
            "--no-bound",
        ]);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stderr}");
        (dir, stdout)
    };
    let (first, stdout) = run("a");
    let (second, _) = run("b");
    for file in [
        "dispatch.csv",
        "routes.csv",
        "summary.json",
        "manifest.json",
    ] {
        let bytes = |dir: &Path| std::fs::read(dir.join(file)).expect("written");
        assert!(
            bytes(&first) == bytes(&second),
            "{file} differs between runs"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(first.join("summary.json")).unwrap()).unwrap();
    let breaks = summary["breaks"].as_u64().expect("breaks in the summary");
    assert!(breaks >= 10, "{breaks} breaks");
    assert!(
        summary["paid_hours"].as_f64().is_some_and(|h| h > 100.0),
        "{summary}"
    );
    assert!(summary["overtime_hours"].as_f64().is_some(), "{summary}");
    let routes = std::fs::read_to_string(first.join("routes.csv")).unwrap();
    let break_stops = routes.lines().filter(|l| l.contains(",break,")).count();
    assert_eq!(break_stops as u64, breaks, "{routes}");
    let paid_line = stdout
        .lines()
        .find(|l| l.starts_with("paid time:"))
        .unwrap_or_else(|| panic!("no paid time in\n{stdout}"));
    assert!(
        paid_line.contains("h overtime") && paid_line.ends_with(&format!("; {breaks} break(s)")),
        "{paid_line}"
    );
}

/// Paid time priced with overtime and a shift end extended by the overtime
/// allowed: the dispatch passes the checker (which allows that overtime),
/// each engineer's paid time runs at most from their first departure to
/// their last finish, and overtime is the paid time beyond `overtime_after`.
#[test]
fn paid_time_and_overtime_are_priced_and_reported() {
    let copy = tiny(INCIDENTS, STOCK);
    let mut s = load(copy.path());
    s.dispatch.paid_time_weight = 1.0;
    s.dispatch.overtime_after_hours = Some(0.5);
    s.dispatch.overtime_factor = 2.0;
    s.dispatch.max_overtime_hours = 2.0;
    let result = solve_checked(&s, &s.incidents, &s.stock, 200);
    let mut worked = 0;
    for (e, route) in result.routes.iter().enumerate() {
        let timings: Vec<_> = route
            .iter()
            .filter_map(|&k| result.assignments[k].visit.as_ref().map(|(_, v)| v))
            .collect();
        let (Some(first), Some(last)) = (timings.first(), timings.last()) else {
            assert_eq!(result.paid[e], 0);
            continue;
        };
        assert!(result.paid[e] > 0 && result.paid[e] <= last.finish - first.depart);
        assert_eq!(result.overtime[e], (result.paid[e] - 1800).max(0));
        worked += result.overtime[e];
    }
    assert!(
        worked > 0,
        "half an hour before overtime: some engineer works overtime"
    );
}
