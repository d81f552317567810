//! Simulation benchmark: the bundled scenario (`scenarios/china-baseline`,
//! 350 sites, 45 parts, 94 engineers, about 880 failures a year), planned
//! first (not timed), then one year x 200 runs simulated three times. A
//! measurement takes seconds, so this bench prints each wall time and the
//! median rather than sampling with criterion.
//!
//! `cargo bench --bench simulate` (RAYON_NUM_THREADS sets the threads).

use sparesla::plan::{self, Backend, PlanOptions, depot_site_hours};
use sparesla::scenario::StockLevel;
use sparesla::simulate::{SimulateOptions, simulate};
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-baseline");
    let scenario = sparesla::scenario::load(&dir)
        .expect("bundled scenario is valid")
        .scenario;
    let travel = sparesla::travel::TravelTimes::build(&scenario).expect("travel times");
    let planned = plan::plan(
        &scenario,
        &depot_site_hours(&scenario, &travel),
        PlanOptions {
            backend: Backend::default_backend(),
            time_limit: Duration::from_secs(60),
            gap: scenario.planning.gap,
            staffing: sparesla::plan::Staffing::PartsOnly,
        },
    )
    .expect("plan");
    let stock: Vec<StockLevel> = planned
        .pools
        .iter()
        .zip(&planned.stock)
        .map(|(pool, units)| StockLevel {
            depot: pool.depot,
            part: pool.part,
            on_hand: *units,
        })
        .collect();
    let options = SimulateOptions {
        days: 365,
        runs: 200,
        seed: 0,
        emergency_hours: 24.0,
    };
    println!(
        "simulate china-baseline: {} days x {} runs, {} threads",
        options.days,
        options.runs,
        rayon::current_num_threads()
    );
    let mut seconds = Vec::new();
    for round in 1..=3 {
        let started = Instant::now();
        let result = simulate(&scenario, &travel, &stock, options).expect("simulate");
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "round {round}: {elapsed:.2} s, {:.1} failures per run, attainment {:.4}",
            result.incidents.mean,
            result.attainment.map_or(f64::NAN, |a| a.mean)
        );
        seconds.push(elapsed);
    }
    seconds.sort_by(f64::total_cmp);
    println!("median {:.2} s", seconds[1]);
}
