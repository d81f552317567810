//! `sparesla generate` with a dispatch day: reproducible files, a valid
//! scenario, stock sized to the day, and a dispatch that passes the checker.

mod common;

use common::{sparesla, text};
use sparesla::dispatch::{DispatchOptions, check::check, dispatch};
use sparesla::scenario;
use sparesla::travel::TravelTimes;
use std::collections::HashMap;

fn generate_day(dir: &std::path::Path) {
    let run = sparesla(&[
        "generate",
        dir.to_str().unwrap(),
        "--depots",
        "8",
        "--sites",
        "120",
        "--parts",
        "20",
        "--engineers",
        "30",
        "--incidents",
        "60",
        "--seed",
        "11",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
}

#[test]
fn generated_day_is_reproducible_valid_and_dispatchable() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    generate_day(first.path());
    generate_day(second.path());
    for file in ["engineers.csv", "incidents.csv", "stock.csv"] {
        assert_eq!(
            std::fs::read(first.path().join(file)).unwrap(),
            std::fs::read(second.path().join(file)).unwrap(),
            "{file}"
        );
    }
    let s = scenario::load(first.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    assert_eq!((s.engineers.len(), s.incidents.len()), (30, 60));
    // Every depot has engineers, and the first two of each cover every skill.
    for depot in s.depot_indices() {
        let skills: Vec<&String> = s
            .engineers
            .iter()
            .filter(|e| e.base == depot)
            .flat_map(|e| &e.skills)
            .collect();
        for part in &s.parts {
            assert!(
                skills.contains(&&part.skill),
                "{} lacks {}",
                depot.index(),
                part.skill
            );
        }
    }
    // Network stock of each part is at least three times its incidents.
    let mut needed: HashMap<_, u32> = HashMap::new();
    for incident in &s.incidents {
        *needed.entry(incident.part).or_default() += 1;
    }
    for (part, count) in needed {
        let held: u32 = s
            .stock
            .iter()
            .filter(|l| l.part == part)
            .map(|l| l.on_hand)
            .sum();
        assert!(
            held >= 3 * count,
            "part {} holds {held} for {count}",
            part.index()
        );
    }
    let travel = TravelTimes::build(&s).unwrap();
    let options = DispatchOptions {
        time_limit: std::time::Duration::from_secs(600),
        seed: 1,
        max_iterations: 50,
        ..DispatchOptions::default()
    };
    let result = dispatch(&s, &travel, &s.incidents, &s.stock, options).unwrap();
    let errors = check(&s, &travel, &s.incidents, &s.stock, &result);
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(result.assignments.iter().all(|a| a.visit.is_some()));
}

#[test]
fn generated_shifts_csv_loads_and_covers_every_generated_engineer() {
    let dir = tempfile::tempdir().unwrap();
    let run = sparesla(&[
        "generate",
        dir.path().to_str().unwrap(),
        "--depots",
        "5",
        "--sites",
        "40",
        "--parts",
        "8",
        "--engineers",
        "20",
        "--seed",
        "4",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    let s = scenario::load(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    let patterns: Vec<(&str, f64)> = s
        .shift_patterns
        .iter()
        .map(|p| (p.id.as_str(), p.cost_per_year))
        .collect();
    assert_eq!(
        patterns,
        [
            ("day9", 180_000.0),
            ("day10", 200_000.0),
            ("oncall", 420_000.0)
        ]
    );
    // Each engineer works a pattern, so the planner can price the roster;
    // day and night crews both occur.
    let mut worked = std::collections::BTreeSet::new();
    for engineer in &s.engineers {
        let pattern = s
            .shift_patterns
            .iter()
            .find(|p| p.matches(&engineer.shift))
            .unwrap_or_else(|| panic!("{} works no pattern", engineer.id));
        worked.insert(pattern.id.as_str());
    }
    assert_eq!(worked.into_iter().collect::<Vec<_>>(), ["day10", "oncall"]);
    // The business tiers' windows each have a pattern of the same hours.
    for tier in &s.tiers {
        if let scenario::Coverage::Business(hours) = &tier.coverage {
            assert!(
                s.shift_patterns
                    .iter()
                    .any(|p| p.window == hours.window && p.days == hours.days),
                "{}",
                tier.id
            );
        }
    }
}
