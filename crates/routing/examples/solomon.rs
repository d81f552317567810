//! Solves one Solomon VRPTW instance with the dispatch routing engine and
//! prints one JSON line: instance, vehicles, distance, seconds, feasible.
//! The solution is re-checked from the instance file alone (capacity, time
//! windows, return to the depot, every customer once) before printing.
//!
//! `cargo run --release --example solomon -- crates/routing/benches/data/solomon/R101.txt --seconds 10 --seed 0`
//!
//! Exit codes: 0 feasible, 1 infeasible solution, 2 usage, 3 invalid input.

use sparesla_routing::bench_formats::solomon;
use sparesla_routing::{SearchOptions, solve};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "common/args.rs"]
mod args;

fn main() -> ExitCode {
    let args = match args::Args::parse("solomon") {
        Ok(args) => args,
        Err(code) => return code,
    };
    if args.objective.as_deref().is_some_and(|o| o != "distance") {
        eprintln!("error: --objective: Solomon instances minimise distance");
        return ExitCode::from(2);
    }
    let instance = match args.read(solomon::parse) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let started = Instant::now();
    let model = match instance.model() {
        Ok(model) => model,
        Err(e) => {
            eprintln!("error: {}: {e}", args.path.display());
            return ExitCode::from(3);
        }
    };
    let options = SearchOptions {
        time_limit: Duration::from_secs_f64(args.seconds),
        seed: args.seed,
        max_iterations: u64::MAX,
        ..SearchOptions::default()
    };
    let outcome = solve(&model, &options);
    let seconds = started.elapsed().as_secs_f64();
    let routes = solomon::routes_of(&outcome.solution);
    let served: usize = routes.iter().map(Vec::len).sum();
    let checked = instance.check(&routes);
    let (vehicles, distance) = match &checked {
        Ok(figures) => *figures,
        Err(_) => (
            outcome.solution.vehicles_used(),
            outcome.solution.cost.travel_minutes,
        ),
    };
    let line = serde_json::json!({
        "instance": instance.name,
        "vehicles": vehicles,
        "distance": (distance * 100.0).round() / 100.0,
        "seconds": (seconds * 10.0).round() / 10.0,
        "feasible": checked.is_ok(),
        "served": served,
        "iterations": outcome.iterations,
    });
    println!("{line}");
    if let Err(errors) = checked {
        for e in errors {
            eprintln!("infeasible: {e}");
        }
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
