//! Solves one technician routing and scheduling instance of Pillac, Guéret
//! and Medaglia (2013) with the dispatch routing engine and prints one JSON
//! line: instance, vehicles (technicians used), served, distance, working
//! time (the authors' measure), seconds, feasible. The solution is
//! re-checked from the instance file alone (skills, tools, spare parts,
//! restocking at the depot, time windows, return home) before printing.
//! The engine minimises the authors' objective, working time, unless
//! `--objective distance` is given.
//!
//! `cargo run --release --example trsp -- crates/routing/benches/data/pillac-trsp/R101.100_25-5-5-5.txt --seconds 10`
//!
//! Exit codes: 0 feasible, 1 infeasible solution, 2 usage, 3 invalid input.

use sparesla_routing::SearchOptions;
use sparesla_routing::bench_formats::trsp;
use sparesla_routing::route::Route;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "common/args.rs"]
mod args;

fn main() -> ExitCode {
    let args = match args::Args::parse("trsp") {
        Ok(args) => args,
        Err(code) => return code,
    };
    let instance = match args.read(trsp::parse) {
        Ok(instance) => instance,
        Err(code) => return code,
    };
    let started = Instant::now();
    let objective = match args.objective.as_deref() {
        None | Some("working-time") => trsp::Objective::WorkingTime,
        Some("distance") => trsp::Objective::Distance,
        Some(other) => {
            eprintln!("error: --objective {other}: expected working-time or distance");
            return ExitCode::from(2);
        }
    };
    let options = SearchOptions {
        time_limit: Duration::from_secs_f64(args.seconds),
        seed: args.seed,
        max_iterations: u64::MAX,
        ..SearchOptions::default()
    };
    let (model, outcome) = match instance.solve(objective, &options) {
        Ok(solved) => solved,
        Err(e) => {
            eprintln!("error: {}: {e}", args.path.display());
            return ExitCode::from(3);
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let routes = instance.routes_of(&outcome.solution, &model);
    let checked = instance.check(&routes);
    let (served, distance, working) = match &checked {
        Ok(figures) => *figures,
        Err(_) => (0, f64::NAN, f64::NAN),
    };
    // Unserved requests no technician could serve even alone: beyond any solver.
    let impossible = outcome
        .solution
        .unassigned()
        .into_iter()
        .filter(|&j| {
            !model.qualified[j].iter().any(|&v| {
                (0..model.jobs[j].supplies.len())
                    .any(|s| Route::cost_of_jobs(&model, v, &[(j, s)]).is_some())
            })
        })
        .count();
    let line = serde_json::json!({
        "instance": instance.name,
        "vehicles": outcome.solution.vehicles_used(),
        "served": served,
        "requests": instance.requests.len(),
        "unservable": impossible,
        "distance": (distance * 100.0).round() / 100.0,
        "working_time": (working * 100.0).round() / 100.0,
        "seconds": (seconds * 10.0).round() / 10.0,
        "feasible": checked.is_ok(),
        "iterations": outcome.iterations,
        "objective": match objective {
            trsp::Objective::WorkingTime => "working-time",
            trsp::Objective::Distance => "distance",
        },
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
