//! Dispatch benchmark on a generated working day: 60 depots, 3,000 sites,
//! 500 parts, 500 engineers and 2,000 incidents opened over one day, stock
//! sized to the day (`sparesla generate ... --engineers 500 --incidents 2000`).
//! One dispatch with an 8 s improvement budget (10 s target end to end) is one measurement, so this bench runs it
//! once and prints the wall time (dispatch and its lower bound), the outcome
//! per status, how many late incidents could not have been on time even
//! alone, and the weighted breaches next to their lower bound.
//!
//! `cargo bench --bench dispatch_day`

use sparesla::dispatch::{self, DispatchOptions, Status};
use sparesla::scenario::generate::{GenerateOptions, generate};
use std::time::{Duration, Instant};

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let files = generate(GenerateOptions {
        depots: 60,
        sites: 3_000,
        parts: 500,
        rows: Some(20_000),
        engineers: Some(500),
        incidents: 2_000,
        seed: 7,
    });
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write scenario");
    }
    let scenario = sparesla::scenario::load(dir.path())
        .expect("generated scenario is valid")
        .scenario;
    let started = Instant::now();
    let travel = sparesla::travel::TravelTimes::build(&scenario).expect("travel times");
    let options = DispatchOptions {
        time_limit: Duration::from_secs(8),
        ..DispatchOptions::default()
    };
    let result = dispatch::dispatch(
        &scenario,
        &travel,
        &scenario.incidents,
        &scenario.stock,
        options,
    )
    .expect("dispatch");
    let seconds = started.elapsed().as_secs_f64();
    let count = |status: Status| {
        result
            .assignments
            .iter()
            .filter(|a| a.status == status)
            .count()
    };
    let impossible = result
        .assignments
        .iter()
        .filter(|a| {
            a.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("deadline earlier than any possible arrival"))
        })
        .count();
    let bound = result.bound.as_ref().map_or(f64::NAN, |b| b.breaches);
    println!(
        "incidents  engineers  seconds  iterations  on_time  late  unassigned  impossible_alone  breaches  bound"
    );
    println!(
        "{:>9}  {:>9}  {:>7.1}  {:>10}  {:>7}  {:>4}  {:>10}  {:>16}  {:>8.0}  {:>5.0}",
        result.assignments.len(),
        scenario.engineers.len(),
        seconds,
        result.iterations,
        count(Status::OnTime),
        count(Status::Late),
        count(Status::Unassigned),
        impossible,
        result.cost.breaches,
        bound
    );
}
