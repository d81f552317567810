//! The dispatch bound: never above the optimum (brute force), and on
//! instances where no engineer can take two incidents, the exact assignment
//! MILP, brute force and the heuristic agree.

mod common;

use common::{ScenarioCopy, root};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sparesla::dispatch::bound::engineers_take_one_job;
use sparesla::dispatch::schedule::{Cost, Job, Mode, schedule_job, start_of, unassigned_cost};
use sparesla::dispatch::{DispatchOptions, Problem, check::check, dispatch};
use sparesla::plan::Backend;
use sparesla::scenario::{self, EngineerIdx, Scenario};
use sparesla::travel::TravelTimes;
use std::time::Duration;

/// Parts whose repair takes 100 hours: after one job, a second cannot finish
/// inside the dispatch horizon (a week after the last opening).
const LONG_REPAIRS: &str = "id,name,unit_cost,skill,repair_hours\n\
    PSU,Power supply,4200,net,100\n\
    LC100,Line card,180000,net,100\n\
    HDD8,Disk,1800,sto,100\n";
const ENGINEERS: &str = "id,name,base,skills,shift,calendar,days\n\
    E1,Wang Fang,CW,net;sto,24x7,none,mon-sun\n\
    E2,Li Na,D-HZ,sto;net,24x7,none,mon-sun\n\
    E3,Zhao Lei,D-NJ,net,24x7,none,mon-sun\n";
const SITES: [&str; 4] = ["S1", "S2", "S3", "S4"];
const PARTS: [&str; 3] = ["PSU", "LC100", "HDD8"];
const DEPOTS: [&str; 3] = ["CW", "D-HZ", "D-NJ"];

fn random_instance(seed: u64) -> ScenarioCopy {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut incidents = String::from("id,site,opened,part,kind\n");
    for n in 0..4 {
        let _ = std::fmt::Write::write_fmt(
            &mut incidents,
            format_args!(
                "I{n},{},2026-03-10T{:02}:{:02},{},{}\n",
                SITES[rng.random_range(0..4)],
                rng.random_range(0..24),
                rng.random_range(0..60),
                PARTS[rng.random_range(0..3)],
                if rng.random_bool(0.25) {
                    "proactive"
                } else {
                    "reactive"
                }
            ),
        );
    }
    let mut stock = String::from("depot,part,on_hand\n");
    for depot in DEPOTS {
        for part in PARTS {
            let units = rng.random_range(0..2);
            if units > 0 {
                stock.push_str(&format!("{depot},{part},{units}\n"));
            }
        }
    }
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("parts.csv", LONG_REPAIRS)
        .write("engineers.csv", ENGINEERS)
        .write("incidents.csv", &incidents)
        .write("stock.csv", &stock);
    copy
}

/// The lexicographic optimum when every engineer takes at most one job, by
/// enumerating every choice of (engineer, depot, mode) or none per incident.
fn brute_force_single_job(problem: &Problem) -> Cost {
    let options: Vec<Vec<(usize, Job, Cost)>> = (0..problem.len())
        .map(|i| {
            let mut found = Vec::new();
            for &e in &problem.qualified[i] {
                for &depot in &problem.depots[i] {
                    for mode in Mode::ALL {
                        let job = Job {
                            incident: i,
                            depot,
                            mode,
                        };
                        if let Some(v) = schedule_job(problem, e, start_of(problem, e), job) {
                            found.push((e.index(), job, v.cost));
                        }
                    }
                }
            }
            found
        })
        .collect();
    let mut best: Option<Cost> = None;
    let mut used_engineers = vec![false; problem.scenario.engineers.len()];
    let mut stock = problem.stock.clone();
    enumerate(
        problem,
        &options,
        0,
        Cost::default(),
        &mut used_engineers,
        &mut stock,
        &mut best,
    );
    best.expect("leaving everything unassigned is always possible")
}

fn enumerate(
    problem: &Problem,
    options: &[Vec<(usize, Job, Cost)>],
    i: usize,
    cost: Cost,
    engineers: &mut [bool],
    stock: &mut [u32],
    best: &mut Option<Cost>,
) {
    if i == options.len() {
        if best.is_none_or(|b| cost.is_better(&b)) {
            *best = Some(cost);
        }
        return;
    }
    let idle = cost.plus(unassigned_cost(problem, i));
    enumerate(problem, options, i + 1, idle, engineers, stock, best);
    for &(e, job, job_cost) in &options[i] {
        let slot = problem.stock_slot(job.depot, i);
        if engineers[e] || stock[slot] == 0 {
            continue;
        }
        engineers[e] = true;
        stock[slot] -= 1;
        enumerate(
            problem,
            options,
            i + 1,
            cost.plus(job_cost),
            engineers,
            stock,
            best,
        );
        engineers[e] = false;
        stock[slot] += 1;
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn single_job_instances_agree_with_brute_force_and_the_bound_holds() {
    for seed in 0..12 {
        let copy = random_instance(seed);
        let s: Scenario = scenario::load(copy.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario;
        let travel = TravelTimes::build(&s).unwrap();
        let problem = Problem::build(&s, &travel, &s.incidents, &s.stock).unwrap();
        assert_eq!(engineers_take_one_job(&problem), Some(true), "seed {seed}");
        let optimum = brute_force_single_job(&problem);
        for backend in Backend::available() {
            let options = DispatchOptions {
                time_limit: Duration::from_secs(600),
                seed,
                max_iterations: 300,
                bound: Some(backend),
            };
            let result = dispatch(&s, &travel, &s.incidents, &s.stock, options).unwrap();
            let errors = check(&s, &travel, &s.incidents, &s.stock, &result);
            assert!(errors.is_empty(), "seed {seed}: {errors:#?}");
            let bound = result.bound.as_ref().unwrap();
            let exact = bound
                .single_job_optimum
                .expect("small single-job model is solved");
            assert!(
                close(exact.breaches, optimum.breaches),
                "seed {seed} {backend}: {exact:?} vs {optimum:?}"
            );
            assert!(
                close(exact.late_minutes, optimum.late_minutes),
                "seed {seed} {backend}: {exact:?} vs {optimum:?}"
            );
            assert!(
                close(exact.travel_minutes, optimum.travel_minutes),
                "seed {seed} {backend}: {exact:?} vs {optimum:?}"
            );
            assert!(bound.breaches <= optimum.breaches + 1e-6, "seed {seed}");
            assert!(
                bound.late_minutes <= optimum.late_minutes + 1e-6,
                "seed {seed}"
            );
            // The heuristic finds the optimum on these small cases.
            assert!(
                close(result.cost.breaches, optimum.breaches),
                "seed {seed}: {:?} vs {optimum:?}",
                result.cost
            );
            assert!(
                close(result.cost.late_minutes, optimum.late_minutes),
                "seed {seed}: {:?} vs {optimum:?}",
                result.cost
            );
        }
    }
}

#[test]
fn bound_is_below_the_bundled_dispatch_and_flags_multi_job_instances() {
    let dir = root().join("scenarios/china-baseline");
    let s = scenario::load(&dir).unwrap().scenario;
    let travel = TravelTimes::build(&s).unwrap();
    let options = DispatchOptions {
        time_limit: Duration::from_secs(600),
        max_iterations: 50,
        ..DispatchOptions::default()
    };
    let result = dispatch(&s, &travel, &s.incidents, &s.stock, options).unwrap();
    let bound = result.bound.as_ref().unwrap();
    assert!(bound.breaches <= result.cost.breaches + 1e-6);
    assert!(bound.late_minutes <= result.cost.late_minutes + 1e-6);
    // Some incidents cannot be on time at all (the Aba sites, 4-hour tier).
    assert!(bound.breaches > 0.0);
    assert_eq!(bound.single_job_optimum, None);
    let _ = EngineerIdx::new(0);
}
