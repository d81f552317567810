//! The stocking planner against numbers nobody here computed: published
//! Poisson/Erlang values, brute-force enumeration of small instances, and
//! an independent checker of every plan it writes.

mod common;

use common::{ScenarioCopy, read_plan_claims, sparesla, text};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sparesla::plan::check::check_plan;
use sparesla::plan::{
    self, Backend, PlanOptions, PlanStatus, TravelHours, erlang_b, expected_backorders, fill_rate,
};
use sparesla::scenario::{
    self, Coverage, Depot, DepotKind, DepotStatus, FillModel, Idx, InstalledUnit, LatLon, Part,
    Response, Scenario, Site, Tier,
};
use std::time::Duration;

#[test]
fn expected_backorders_match_stockpyl() {
    // stockpyl's tests of the Poisson expected-backorder function.
    for (stock, mean, expected) in [
        (5, 7.0, 2.292600125697305),
        (220, 200.0, 0.536005857158494),
        (50, 47.0, 1.514546939496945),
    ] {
        let ebo = expected_backorders(stock, mean);
        assert!(
            (ebo - expected).abs() < 1e-9,
            "EBO({stock}, {mean}) = {ebo}, not {expected}"
        );
    }
}

#[test]
fn erlang_loss_fill_rate_published_values() {
    // Loss system with S=2 servers and offered load 1: B = 0.2, fill 0.8 exactly.
    assert!((fill_rate(FillModel::ErlangLoss, 2, 1.0) - 0.8).abs() < 1e-15);
    // Erlang B tables: B(10, 5) = 0.018385, B(5, 2) = 0.036697.
    assert!((erlang_b(10, 5.0) - 0.018385).abs() < 5e-7);
    assert!((erlang_b(5, 2.0) - 0.036697).abs() < 5e-7);
}

fn options(backend: Backend) -> PlanOptions {
    PlanOptions {
        backend,
        time_limit: Duration::from_secs(60),
        gap: 0.0,
        staffing: sparesla::plan::Staffing::PartsOnly,
    }
}

/// A random instance: 2-4 depots, 1-3 parts, 3-4 sites, one or two tiers.
fn random_scenario(seed: u64) -> (Scenario, TravelHours) {
    random_scenario_with(seed, 2..=4)
}

/// A random instance with `depots` depots (the first must stay open).
fn random_scenario_with(
    seed: u64,
    depots: std::ops::RangeInclusive<usize>,
) -> (Scenario, TravelHours) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let depot_count = rng.random_range(depots);
    let part_count = rng.random_range(1..=3usize);
    let site_count = rng.random_range(3..=4usize);
    let mut s = Scenario {
        name: format!("random-{seed}"),
        currency: "CNY".into(),
        horizon_days: 365,
        ..Scenario::default()
    };
    s.planning.max_stock = 4;
    s.costs.emergency_shipment_cost = 500.0;
    s.travel.handling_hours = 0.5;
    for d in 0..depot_count {
        s.depots.push(Depot {
            id: format!("D{d}"),
            name: format!("Depot {d}"),
            location: LatLon {
                lat: 30.0,
                lon: 120.0 + d as f64,
            },
            kind: DepotKind::Regional,
            status: if d == 0 {
                DepotStatus::Open
            } else {
                DepotStatus::Candidate
            },
            fixed_cost: rng.random_range(1_000.0..20_000.0),
            replenish_days: rng.random_range(2.0..30.0),
            tz: None,
        });
    }
    for p in 0..part_count {
        s.parts.push(Part {
            id: format!("P{p}"),
            name: format!("Part {p}"),
            unit_cost: rng.random_range(500.0..20_000.0),
            skill: "net".into(),
            repair_hours: 1.0,
            pausable: false,
        });
    }
    for (k, target) in [(0, 0.8), (1, 0.9)] {
        s.tiers.push(Tier {
            id: format!("T{k}"),
            coverage: Coverage::AllHours,
            response: Response::Within(chrono::TimeDelta::hours(4)),
            target,
            penalty: rng.random_range(1_000.0..10_000.0),
        });
    }
    for i in 0..site_count {
        s.sites.push(Site {
            id: format!("S{i}"),
            customer: "C".into(),
            location: LatLon {
                lat: 31.0,
                lon: 120.0 + i as f64,
            },
            tz: chrono_tz::Asia::Shanghai,
            tier: Idx::new(rng.random_range(0..2usize)),
            region: String::new(),
        });
        for p in 0..part_count {
            if rng.random_bool(0.8) {
                s.installed_base.push(InstalledUnit {
                    site: Idx::new(i),
                    part: Idx::new(p),
                    quantity: rng.random_range(1..=40),
                    annual_failure_rate: rng.random_range(0.01..0.3),
                });
            }
        }
    }
    let travel = (0..depot_count)
        .map(|_| {
            (0..site_count)
                .map(|_| rng.random_bool(0.9).then(|| rng.random_range(0.2..5.0)))
                .collect()
        })
        .collect();
    (s, travel)
}

/// The optimum by enumeration, written independently of the planner: every
/// open set, sites to their fastest open depot in reach, every stock vector.
fn brute_force(s: &Scenario, travel: &TravelHours) -> Option<f64> {
    let depots = s.depots.len();
    let max = s.planning.max_stock;
    let allowed = 4.0 - s.travel.handling_hours;
    let mut best: Option<f64> = None;
    for mask in 0..(1u32 << depots) {
        if mask & 1 == 0 {
            continue; // D0 must stay open
        }
        let open = |d: usize| mask & (1 << d) != 0;
        // pools: (depot, part) -> per-tier demand
        let mut pools: Vec<((usize, usize), [f64; 2])> = Vec::new();
        let mut unserved_cost = 0.0;
        let mut unserved = [0.0; 2];
        let mut total = [0.0; 2];
        for unit in &s.installed_base {
            let site = unit.site.index();
            let tier = s.sites[site].tier.index();
            let rate = f64::from(unit.quantity) * unit.annual_failure_rate;
            total[tier] += rate;
            let serving = (0..depots)
                .filter(|d| open(*d) && travel[*d][site].is_some_and(|h| h <= allowed))
                .min_by(|a, b| {
                    travel[*a][site]
                        .unwrap()
                        .total_cmp(&travel[*b][site].unwrap())
                        .then(a.cmp(b))
                });
            match serving {
                None => {
                    unserved[tier] += rate;
                    unserved_cost +=
                        rate * (s.tiers[tier].penalty + s.costs.emergency_shipment_cost);
                }
                Some(d) => {
                    let key = (d, unit.part.index());
                    match pools.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, demand)) => demand[tier] += rate,
                        None => {
                            let mut demand = [0.0; 2];
                            demand[tier] = rate;
                            pools.push((key, demand));
                        }
                    }
                }
            }
        }
        if pools.len() > 6 {
            return None; // too many stock vectors to enumerate in a test
        }
        let fixed: f64 = (0..depots)
            .filter(|d| open(*d))
            .map(|d| s.depots[d].fixed_cost)
            .sum();
        let combos = (max + 1).pow(pools.len() as u32);
        for code in 0..combos {
            let mut rest = code;
            let mut cost = fixed + unserved_cost;
            let mut met = [0.0; 2];
            for ((depot, part), demand) in &pools {
                let stock = rest % (max + 1);
                rest /= max + 1;
                let rate = demand[0] + demand[1];
                let load = rate * s.depots[*depot].replenish_days / 365.0;
                // Erlang B by its defining sum, not the planner's recurrence.
                let terms: Vec<f64> = (0..=stock)
                    .map(|n| load.powi(n as i32) / (1..=n).map(f64::from).product::<f64>())
                    .collect();
                let blocking = terms[stock as usize] / terms.iter().sum::<f64>();
                let fill = if stock == 0 { 0.0 } else { 1.0 - blocking };
                cost += f64::from(stock) * s.parts[*part].unit_cost * s.costs.holding_rate;
                for k in 0..2 {
                    met[k] += demand[k] * fill;
                    cost += demand[k]
                        * (1.0 - fill)
                        * (s.tiers[k].penalty + s.costs.emergency_shipment_cost);
                }
            }
            let feasible = (0..2).all(|k| met[k] >= s.tiers[k].target * total[k] - 1e-9);
            if feasible && best.is_none_or(|b| cost < b) {
                best = Some(cost);
            }
        }
    }
    best
}

/// Whether, with every depot open and full stock, each tier can reach its
/// target (otherwise the planner caps the target and enumeration differs).
fn targets_reachable(s: &Scenario, travel: &TravelHours) -> bool {
    let allowed = 4.0 - s.travel.handling_hours;
    let mut total = [0.0; 2];
    let mut reachable = [0.0; 2];
    for unit in &s.installed_base {
        let site = unit.site.index();
        let tier = s.sites[site].tier.index();
        let rate = f64::from(unit.quantity) * unit.annual_failure_rate;
        total[tier] += rate;
        if (0..s.depots.len()).any(|d| travel[d][site].is_some_and(|h| h <= allowed)) {
            reachable[tier] += rate;
        }
    }
    (0..2).all(|k| reachable[k] * 0.99 >= s.tiers[k].target * total[k])
}

#[test]
fn small_instances_match_brute_force_enumeration() {
    let mut compared = 0;
    for seed in 0..60 {
        let (s, travel) = random_scenario(seed);
        if !targets_reachable(&s, &travel) {
            continue;
        }
        let Some(optimum) = brute_force(&s, &travel) else {
            continue;
        };
        for backend in Backend::available() {
            let plan = plan::plan(&s, &travel, options(backend)).expect("plan");
            let cost = plan.planned_cost;
            assert!(
                (cost - optimum).abs() <= 1e-6 * optimum,
                "seed {seed} {backend}: planner {cost}, enumeration {optimum}"
            );
            assert!(
                plan.lower_bound <= optimum * (1.0 + 1e-9),
                "seed {seed}: bound above optimum"
            );
            assert_eq!(plan.status, PlanStatus::Optimal, "seed {seed}");
        }
        compared += 1;
    }
    assert!(compared >= 15, "only {compared} instances compared");
}

/// How far below the optimum a bound is, as a share of the optimum.
fn relative_gap(bound: f64, optimum: f64) -> f64 {
    (optimum - bound) / optimum
}

#[test]
fn the_lagrangian_bound_never_exceeds_the_enumerated_optimum() {
    // Binding targets, 2-6 depots: several regions may spill into the
    // must-open depot's pools, so the shared-pool split is exercised.
    let mut gaps = Vec::new();
    for seed in 0..80 {
        let (s, travel) = random_scenario_with(seed, 2..=6);
        if !targets_reachable(&s, &travel) {
            continue;
        }
        let Some(optimum) = brute_force(&s, &travel) else {
            continue;
        };
        let plan = plan::plan(&s, &travel, options(Backend::default_backend())).expect("plan");
        let bound = plan.lagrangian.lower_bound;
        assert!(
            bound <= optimum * (1.0 + 1e-9),
            "seed {seed}: Lagrangian bound {bound} above the optimum {optimum}"
        );
        assert!(plan.planned_cost >= optimum * (1.0 - 1e-9), "seed {seed}");
        gaps.push(relative_gap(bound, optimum));
    }
    assert!(gaps.len() >= 25, "only {} instances compared", gaps.len());
    // Tight as well as valid: on these instances the bound closes all but a
    // few percent of the cost (measured: see docs/plan.md).
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let worst = gaps.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "Lagrangian bound vs optimum on {} instances: mean gap {mean:.4}, worst {worst:.4}",
        gaps.len()
    );
    assert!(mean < 0.02, "mean gap {mean}");
}

#[test]
fn the_lagrangian_bound_is_exact_when_nothing_couples_the_regions() {
    // No binding target (the multipliers stay 0) and no must-open depot in
    // reach of any site (no shared pools): the relaxation is the problem
    // itself, split into regions each enumerated exactly.
    let mut compared = 0;
    for seed in 0..60 {
        let (mut s, mut travel) = random_scenario_with(seed, 2..=5);
        for tier in &mut s.tiers {
            tier.target = 0.0;
        }
        for hours in &mut travel[0] {
            *hours = None;
        }
        let Some(optimum) = brute_force(&s, &travel) else {
            continue;
        };
        let plan = plan::plan(&s, &travel, options(Backend::default_backend())).expect("plan");
        let bound = plan.lagrangian.lower_bound;
        assert!(
            (bound - optimum).abs() <= 1e-9 * optimum,
            "seed {seed}: bound {bound}, optimum {optimum}"
        );
        assert!(plan.lagrangian.every_region_exact);
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} instances compared");
}

fn plan_into(
    dir: &std::path::Path,
    scenario_dir: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "plan",
        scenario_dir.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sparesla(&args)
}

#[test]
fn the_command_writes_a_plan_the_checker_accepts() {
    let fixture = common::fixtures().join("tiny");
    let out = tempfile::tempdir().unwrap();
    let run = plan_into(out.path(), &fixture, &[]);
    assert!(run.status.success(), "{}", text(&run).1);
    let table = text(&run).0;
    assert!(table.contains("total"), "{table}");
    for (file, header) in [
        (
            "depots.csv",
            "depot,open,fixed_cost,stock_units,stock_value,sites_served",
        ),
        ("stock.csv", "depot,part,stock,demand_per_year,fill_rate"),
        (
            "assignment.csv",
            "site,part,tier,depot,travel_hours,backup_depot",
        ),
    ] {
        let content = std::fs::read_to_string(out.path().join(file)).unwrap();
        assert_eq!(content.lines().next(), Some(header), "{file}");
    }
    let loaded = scenario::load(&fixture).unwrap().scenario;
    let travel = common::travel_hours(&loaded);
    let problems = check_plan(&loaded, &travel, &read_plan_claims(out.path()));
    assert!(problems.is_empty(), "{problems:#?}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    for key in [
        "total_cost",
        "fixed_cost",
        "holding_cost",
        "expected_penalty",
        "lower_bound",
        "gap",
        "solver",
        "status",
    ] {
        assert!(!summary[key].is_null(), "summary.json lacks {key}");
    }
    assert!(summary["lower_bound"].as_f64().unwrap() <= summary["planned_cost"].as_f64().unwrap());
}

#[test]
fn same_input_same_files() {
    let fixture = common::fixtures().join("tiny");
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    assert!(plan_into(first.path(), &fixture, &[]).status.success());
    assert!(plan_into(second.path(), &fixture, &[]).status.success());
    for file in ["depots.csv", "stock.csv", "assignment.csv", "summary.json"] {
        assert_eq!(
            std::fs::read(first.path().join(file)).unwrap(),
            std::fs::read(second.path().join(file)).unwrap(),
            "{file} differs between runs"
        );
    }
}

#[test]
fn the_checker_catches_broken_plans() {
    let fixture = common::fixtures().join("tiny");
    let out = tempfile::tempdir().unwrap();
    assert!(plan_into(out.path(), &fixture, &[]).status.success());
    let loaded = scenario::load(&fixture).unwrap().scenario;
    let travel = common::travel_hours(&loaded);
    let good = read_plan_claims(out.path());
    let mut no_stock = good.clone();
    for units in no_stock.stock.values_mut() {
        *units = 0;
    }
    assert!(!check_plan(&loaded, &travel, &no_stock).is_empty());
    let mut wrong_cost = good.clone();
    wrong_cost.costs.total_cost *= 0.9;
    assert!(
        check_plan(&loaded, &travel, &wrong_cost)
            .iter()
            .any(|p| p.contains("total_cost"))
    );
    let mut closed_forced = good.clone();
    closed_forced.open_depots.remove("CW");
    assert!(!check_plan(&loaded, &travel, &closed_forced).is_empty());
}

#[test]
fn unreachable_sites_are_named_not_infeasible() {
    // Move a 4-hour site far into the desert: nothing reaches it in time.
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "sites.csv",
        "S3,Bank B,32.05,118.80",
        "S3,Bank B,40.14,94.66",
    );
    let out = tempfile::tempdir().unwrap();
    let run = plan_into(out.path(), copy.path(), &["--format", "json"]);
    assert!(run.status.success(), "{}", text(&run).1);
    let summary: serde_json::Value = serde_json::from_str(&text(&run).0).unwrap();
    let unreachable = summary["unreachable_sites"].as_array().unwrap();
    assert_eq!(unreachable.len(), 1);
    assert_eq!(unreachable[0]["site"], "S3");
    assert!(unreachable[0]["fastest_hours"].as_f64().unwrap() > 4.0);
    let loaded = scenario::load(copy.path()).unwrap().scenario;
    let problems = check_plan(
        &loaded,
        &common::travel_hours(&loaded),
        &read_plan_claims(out.path()),
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn bad_flags_are_rejected() {
    let fixture = common::fixtures().join("tiny");
    let out = tempfile::tempdir().unwrap();
    let run = plan_into(out.path(), &fixture, &["--solver", "cplex"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run).1.contains("available"));
    let run = plan_into(out.path(), &fixture, &["--time-limit", "soon"]);
    assert_eq!(run.status.code(), Some(3));
    let run = plan_into(out.path(), &fixture, &["--gap", "1.5"]);
    assert_eq!(run.status.code(), Some(3));
}

#[test]
fn the_bundled_scenario_plans_feasibly_with_every_solver() {
    let dir = common::root().join("scenarios/china-baseline");
    let s = scenario::load(&dir).unwrap().scenario;
    let travel = common::travel_hours(&s);
    let mut costs = Vec::new();
    for backend in Backend::available() {
        let plan = plan::plan(
            &s,
            &travel,
            PlanOptions {
                gap: 0.005,
                staffing: sparesla::plan::Staffing::PartsOnly,
                ..options(backend)
            },
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        sparesla::report::write_plan(out.path(), &s, &plan).unwrap();
        let problems = check_plan(&s, &travel, &read_plan_claims(out.path()));
        assert!(problems.is_empty(), "{backend}: {problems:#?}");
        assert!(plan.lower_bound <= plan.planned_cost);
        assert!(plan.gap < 0.10, "{backend}: gap {}", plan.gap);
        costs.push((backend, plan.costs.total_cost, plan.gap));
    }
    // Both solvers reach the same cost within the gaps they report.
    for (a, cost_a, gap_a) in &costs {
        for (b, cost_b, gap_b) in &costs {
            assert!(
                (cost_a - cost_b).abs() <= gap_a.max(*gap_b) * cost_a.max(*cost_b) + 1e-6,
                "{a} {cost_a} vs {b} {cost_b}"
            );
        }
    }
}

#[test]
fn generated_scenarios_are_valid_and_reproducible() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    for dir in [first.path(), second.path()] {
        let run = sparesla(&[
            "generate",
            dir.to_str().unwrap(),
            "--depots",
            "12",
            "--sites",
            "150",
            "--parts",
            "30",
            "--seed",
            "7",
        ]);
        assert!(run.status.success(), "{}", text(&run).1);
    }
    for file in [
        "scenario.toml",
        "depots.csv",
        "parts.csv",
        "sites.csv",
        "installed_base.csv",
        "tiers.csv",
        "engineers.csv",
    ] {
        assert_eq!(
            std::fs::read(first.path().join(file)).unwrap(),
            std::fs::read(second.path().join(file)).unwrap(),
            "{file}"
        );
    }
    let loaded = scenario::load(first.path()).unwrap_or_else(|e| panic!("{e}"));
    let s = loaded.scenario;
    assert_eq!(
        (s.depots.len(), s.sites.len(), s.parts.len()),
        (12, 150, 30)
    );
    assert_eq!(s.installed_base.len(), 150 * 7);
    let plan = plan::plan(
        &s,
        &common::travel_hours(&s),
        PlanOptions {
            gap: 0.01,
            staffing: sparesla::plan::Staffing::PartsOnly,
            ..options(Backend::default_backend())
        },
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    sparesla::report::write_plan(out.path(), &s, &plan).unwrap();
    let problems = check_plan(&s, &common::travel_hours(&s), &read_plan_claims(out.path()));
    assert!(problems.is_empty(), "{problems:#?}");
}
