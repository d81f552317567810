//! Lateral sourcing: when a failure's nearest depot is out of the part, a
//! backup depot in reach serves it. The planner's overflow approximation
//! (`plan::lateral`) against simulation of two depots that share their
//! sites (and simulation against the exact value, one pooled loss system),
//! and against the single-depot model that leaves backups out.

use sparesla::plan::{self, depot_site_hours, fill_rate};
use sparesla::scenario::{self, FillModel, Scenario, StockLevel};
use sparesla::simulate::{SimulateOptions, simulate};
use sparesla::travel::TravelTimes;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const LEAD_DAYS: f64 = 10.0;
const NEAR_A: f64 = 150.0;
const NEAR_B: f64 = 60.0;

/// Depots A and B 60 km apart, a site next to each, one engineer at each
/// on duty around the clock, and a response time no dispatch misses: every
/// failure takes its part from its own depot, else from the other, else an
/// emergency shipment.
fn two_depots(dir: &Path, days: u32) -> Scenario {
    let write = |name: &str, text: &str| fs::write(dir.join(name), text).unwrap();
    write(
        "scenario.toml",
        &format!(
            "name = \"lateral\"\ncurrency = \"CNY\"\nhorizon_days = {days}\nstart_date = 2026-01-01\ntimezone = \"Asia/Shanghai\"\n\
             [costs]\nemergency_shipment_cost = 1000\n"
        ),
    );
    write(
        "depots.csv",
        &format!(
            "id,name,lat,lon,kind,status,fixed_cost,replenish_days\n\
             A,Depot A,31.20,121.40,regional,open,0,{LEAD_DAYS}\n\
             B,Depot B,31.60,121.80,regional,open,0,{LEAD_DAYS}\n"
        ),
    );
    write(
        "parts.csv",
        "id,name,unit_cost,skill,repair_hours\nP,Part,100,net,1\n",
    );
    write(
        "sites.csv",
        "id,customer,lat,lon,tz,tier,region\n\
         SA,Customer,31.21,121.41,Asia/Shanghai,relaxed,East\n\
         SB,Customer,31.61,121.81,Asia/Shanghai,relaxed,East\n",
    );
    write(
        "installed_base.csv",
        &format!(
            "site,part,quantity,annual_failure_rate\nSA,P,100,{}\nSB,P,100,{}\n",
            NEAR_A / 100.0,
            NEAR_B / 100.0
        ),
    );
    write(
        "tiers.csv",
        "id,coverage,window,days,calendar,response,target,penalty\nrelaxed,24x7,,,,72h,0.5,100\n",
    );
    write(
        "engineers.csv",
        "id,name,base,skills,shift,calendar,days\n\
         EA,Engineer A,A,net,24x7,none,mon-sun\n\
         EB,Engineer B,B,net,24x7,none,mon-sun\n",
    );
    scenario::load(dir).expect("two-depot scenario").scenario
}

#[test]
fn a_backup_depot_serves_what_the_overflow_model_expects() {
    let dir = tempfile::tempdir().unwrap();
    // Ten years per run: the start with full stock is a short transient.
    let days = 3650;
    let scenario = two_depots(dir.path(), days);
    let travel = TravelTimes::build(&scenario).unwrap();
    let model = plan::PlanModel::build(&scenario, &depot_site_hours(&scenario, &travel)).unwrap();
    let (a, b) = (
        scenario.depot_by_id("A").unwrap(),
        scenario.depot_by_id("B").unwrap(),
    );
    let part = scenario.part_by_id("P").unwrap();
    let years = f64::from(days) / 365.0;
    for (stock_a, stock_b) in [(3, 1), (2, 2), (4, 0)] {
        let stock = BTreeMap::from([((a, part), stock_a), ((b, part), stock_b)]);
        let lateral = plan::lateral::evaluate(&model, &[true, true], &stock);
        // Each site on its own depot only: what the planner counted before.
        let own = |rate: f64, units: u32| {
            rate * (1.0 - fill_rate(FillModel::ErlangLoss, units, rate * LEAD_DAYS / 365.0))
        };
        let primary_only = own(NEAR_A, stock_a) + own(NEAR_B, stock_b);
        let levels = [
            StockLevel {
                depot: a,
                part,
                on_hand: stock_a,
            },
            StockLevel {
                depot: b,
                part,
                on_hand: stock_b,
            },
        ];
        let options = SimulateOptions {
            days,
            runs: 60,
            seed: 5,
            emergency_hours: 24.0,
        };
        let sim = simulate(&scenario, &travel, &levels, options).unwrap();
        let simulated = sim.emergency_shipments.mean / years;
        let (low, high) = (
            sim.emergency_shipments.ci_low.unwrap() / years,
            sim.emergency_shipments.ci_high.unwrap() / years,
        );
        eprintln!(
            "stock {stock_a}+{stock_b}: emergencies/yr simulated {simulated:.2} [{low:.2}, {high:.2}], \
             overflow model {:.2}, own depot only {primary_only:.2}",
            lateral.emergencies
        );
        // Each site reaches both depots, so the two stocks are one pool:
        // an M/G/S/S loss system with all the units and all the load.
        let pooled_load = (NEAR_A + NEAR_B) * LEAD_DAYS / 365.0;
        let pooled = (NEAR_A + NEAR_B)
            * (1.0 - fill_rate(FillModel::ErlangLoss, stock_a + stock_b, pooled_load));
        assert!(
            (low..=high).contains(&pooled),
            "pooled Erlang {pooled:.2} outside [{low:.2}, {high:.2}]"
        );
        // The approximation treats the two stock-outs as independent; it
        // stays within 3% of simulation here (its error, not noise: the
        // interval is narrower).
        assert!(
            (lateral.emergencies - simulated).abs() <= 0.03 * simulated,
            "overflow model {:.2} vs simulated {simulated:.2}",
            lateral.emergencies
        );
        // Leaving the backup out is outside the interval and at least twice
        // as far from it.
        assert!(
            !(low..=high).contains(&primary_only)
                && (primary_only - simulated).abs() > 2.0 * (lateral.emergencies - simulated).abs(),
            "own depot only {primary_only:.2} vs simulated {simulated:.2}"
        );
    }
}

#[test]
fn the_planner_tries_as_many_depots_as_dispatch() {
    assert_eq!(
        plan::lateral::SOURCES_TRIED,
        sparesla::dispatch::problem::DEPOTS_PER_INSERTION
    );
}
