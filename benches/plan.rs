//! Planner benchmark on generated instances, a solve of a minute being one
//! measurement: each compiled-in solver runs once per row, and the bench
//! prints cost, bound, gap and wall time rather than sampling with
//! criterion.
//!
//! - national: 60 depots (21 open, 39 candidates), 3,000 sites, 500 parts,
//!   20,000 installed-base rows, 60 s, at the 1% gap and with no gap (the
//!   whole minute);
//! - greenfield: every regional depot a candidate (only the central
//!   warehouse must stay open), 30 depots / 600 sites / 80 parts (seed 3)
//!   and 40 / 1,000 / 120 (seed 12), 60 s at the 1% gap;
//! - joint: engineers and parts planned together (`--staffing plan`) on the
//!   generated national instance with its roster and `shifts.csv` (seed 11,
//!   120 roster engineers), 60 s at the 1% gap.
//!
//! `cargo bench --bench plan` (add `--features highs` for HiGHS).

use sparesla::plan::{self, Backend, PlanOptions, depot_site_hours};
use sparesla::scenario::Scenario;
use sparesla::scenario::generate::{GenerateOptions, generate};
use std::time::{Duration, Instant};

/// A generated scenario, with every regional depot a candidate when
/// `greenfield`.
fn scenario(options: GenerateOptions, greenfield: bool) -> Scenario {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, mut content) in generate(options) {
        if greenfield && name == "depots.csv" {
            content = content.replace(",regional,open,", ",regional,candidate,");
        }
        std::fs::write(dir.path().join(name), content).expect("write scenario");
    }
    sparesla::scenario::load(dir.path())
        .expect("generated scenario is valid")
        .scenario
}

fn run(label: &str, scenario: &Scenario, backend: Backend, gap: f64) {
    run_with(
        label,
        scenario,
        backend,
        gap,
        sparesla::plan::Staffing::PartsOnly,
    );
}

fn run_with(
    label: &str,
    scenario: &Scenario,
    backend: Backend,
    gap: f64,
    staffing: sparesla::plan::Staffing,
) {
    let travel_times = sparesla::travel::TravelTimes::build(scenario).expect("travel times");
    let travel = depot_site_hours(scenario, &travel_times);
    let started = Instant::now();
    let result = plan::plan(
        scenario,
        &travel,
        PlanOptions {
            backend,
            time_limit: Duration::from_secs(60),
            gap,
            staffing,
        },
    )
    .expect("plan");
    let added = result.people.as_ref().map_or(0, |p| p.added.len());
    println!(
        "{label:<16} {:<8} {:>5}  {:>7.1}  {:>11.0}  {:>11.0}  {:>6.2}%  {:<9?}  {added:>5}  {:.2}%",
        backend.name(),
        gap,
        started.elapsed().as_secs_f64(),
        result.costs.total_cost,
        result.lower_bound,
        result.gap * 100.0,
        result.status,
        result.tiers[0].expected_attainment * 100.0
    );
}

fn main() {
    let generated = |depots, sites, parts, rows, seed| GenerateOptions {
        depots,
        sites,
        parts,
        rows,
        engineers: None,
        incidents: 0,
        seed,
    };
    let national = scenario(generated(60, 3_000, 500, Some(20_000), 1), false);
    let greenfield = [
        (
            "greenfield 30",
            scenario(generated(30, 600, 80, None, 3), true),
        ),
        (
            "greenfield 40",
            scenario(generated(40, 1_000, 120, None, 12), true),
        ),
    ];
    let joint = scenario(generated(60, 3_000, 500, None, 11), false);
    println!(
        "instance         solver   --gap  seconds  total_cost   lower_bound  gap      status     added  tier 1"
    );
    for backend in Backend::available() {
        // The target (1%), then no gap: the whole minute spent improving.
        for gap in [0.01, 0.0] {
            run("national 60", &national, backend, gap);
        }
        for (label, scenario) in &greenfield {
            run(label, scenario, backend, 0.01);
        }
        run_with(
            "joint 60",
            &joint,
            backend,
            0.01,
            sparesla::plan::Staffing::Plan,
        );
    }
}
