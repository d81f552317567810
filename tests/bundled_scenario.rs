//! The bundled `scenarios/china-baseline` loads cleanly and has the shape
//! docs/bundled-scenario.md promises (counts checked here so a data edit cannot silently break it).

use sparesla::scenario::{self, Coverage, DepotKind, DepotStatus, Response};
use std::path::Path;

fn baseline() -> sparesla::scenario::Scenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-baseline");
    let loaded = scenario::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.scenario
}

#[test]
fn china_baseline_is_valid_and_realistic() {
    let s = baseline();
    let regional = s
        .depots
        .iter()
        .filter(|d| d.kind == DepotKind::Regional)
        .count();
    assert!((25..=35).contains(&regional), "{regional} regional depots");
    assert_eq!(
        s.depots
            .iter()
            .filter(|d| d.kind == DepotKind::Central)
            .count(),
        1
    );
    assert!(s.depots.iter().any(|d| d.status == DepotStatus::Candidate));
    assert!(s.depots.iter().any(|d| d.status == DepotStatus::Closed));
    assert!(s.sites.len() >= 300, "{} sites", s.sites.len());
    assert!(s.parts.len() >= 40, "{} parts", s.parts.len());
    assert!(s.engineers.len() >= 50);
    assert!(s.has_roads());
    assert!(!s.incidents.is_empty() && !s.stock.is_empty());
    let failures = s.annual_failures();
    assert!(
        (500.0..2000.0).contains(&failures),
        "{failures} failures a year"
    );
}

#[test]
fn china_baseline_has_the_three_contract_tiers() {
    let s = baseline();
    let ids: Vec<&str> = s.tiers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["7x24x4", "5x9-nbd", "5x10-nbd"]);
    assert_eq!(s.tiers[0].coverage, Coverage::AllHours);
    assert_eq!(
        s.tiers[0].response,
        Response::Within(chrono::TimeDelta::hours(4))
    );
    for (tier, hours) in [(&s.tiers[1], 9.0), (&s.tiers[2], 10.0)] {
        let Coverage::Business(business) = &tier.coverage else {
            panic!("{} should be a business-day tier", tier.id)
        };
        assert_eq!(business.window.hours(), hours);
        assert_eq!(business.calendar.name(), "CN");
    }
}

#[test]
fn china_baseline_has_an_airport_and_a_remote_mountain_prefecture() {
    let s = baseline();
    assert!(s.sites.iter().any(|site| site.customer.contains("Airport")));
    let aba: Vec<_> = s
        .sites
        .iter()
        .filter(|site| {
            (31.0..34.0).contains(&site.location.lat) && (101.5..104.0).contains(&site.location.lon)
        })
        .collect();
    assert!(aba.len() >= 3, "{} sites in Aba", aba.len());
    assert!(aba.iter().any(|site| s.tier(site.tier).id == "7x24x4"));
}
