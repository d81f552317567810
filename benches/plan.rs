//! Planner benchmark on a generated national instance: 60 depots (21 open,
//! 39 candidates), 3,000 sites, 500 parts, 20,000 installed-base rows, a
//! 60 s budget. A solve of a minute is one measurement, so this bench runs
//! each compiled-in solver once at the 1% gap and once with no gap
//! (the whole minute), and prints cost, bound, gap and wall time rather than
//! sampling with criterion.
//!
//! `cargo bench --bench plan` (add `--features highs` for HiGHS).

use sparesla::plan::{self, Backend, PlanOptions, depot_site_hours};
use sparesla::scenario::generate::{GenerateOptions, generate};
use std::time::{Duration, Instant};

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let files = generate(GenerateOptions {
        depots: 60,
        sites: 3_000,
        parts: 500,
        rows: Some(20_000),
        engineers: None,
        incidents: 0,
        seed: 1,
    });
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write scenario");
    }
    let scenario = sparesla::scenario::load(dir.path())
        .expect("generated scenario is valid")
        .scenario;
    let travel_times = sparesla::travel::TravelTimes::build(&scenario).expect("travel times");
    let travel = depot_site_hours(&scenario, &travel_times);
    println!("solver   --gap  seconds  total_cost   lower_bound  gap      status");
    // The target (1%), then no gap: the whole minute spent improving.
    for (backend, gap) in Backend::available()
        .into_iter()
        .flat_map(|b| [(b, 0.01), (b, 0.0)])
    {
        let started = Instant::now();
        let result = plan::plan(
            &scenario,
            &travel,
            PlanOptions {
                backend,
                time_limit: Duration::from_secs(60),
                gap,
                staffing: sparesla::plan::Staffing::PartsOnly,
            },
        )
        .expect("plan");
        println!(
            "{:<8} {:>5}  {:>7.1}  {:>11.0}  {:>11.0}  {:>6.2}%  {:?}",
            backend.name(),
            gap,
            started.elapsed().as_secs_f64(),
            result.costs.total_cost,
            result.lower_bound,
            result.gap * 100.0,
            result.status
        );
    }
}
