//! Two round-the-clock engineers of one shift rule, one near the site and
//! one farther away, both able to make its 4-hour deadline: when the near
//! one is busy, dispatch sends the far one. The plan's promise (the cover
//! model with overflow between a rule's positions, `plan --staffing keep`)
//! against the simulation of the same plan, and against what counting only
//! the quickest position of the rule would promise.
//!
//! One site 1 h from depot N and 1.75 h from depot F (a backup counts when it
//! could make the tightest deadline from twice as far), one cheap part with a
//! 6 h repair, 200 failures a year (so the near engineer is busy about a
//! seventh of the time, and waiting for it to finish often comes too
//! late), a dear penalty (so the shelf seldom runs dry).

mod common;

use common::plan_keeping_the_roster;
use sparesla::people::CoverModel;
use sparesla::plan::depot_site_hours;
use sparesla::scenario::{self, DepotIdx, PartIdx, Scenario, SiteIdx, StockLevel};
use sparesla::simulate::{SimulateOptions, simulate};
use sparesla::travel::TravelTimes;
use std::fs;
use std::path::Path;

const FAILURES_PER_YEAR: f64 = 200.0;
const NEAR_HOURS: f64 = 1.0;
const FAR_HOURS: f64 = 1.75;
const REPAIR_HOURS: f64 = 6.0;

/// The scenario with the near engineer, and with `far_hours` set, the far
/// one that many hours from the site.
fn two_depots(dir: &Path, far_hours: Option<f64>) -> Scenario {
    let write = |name: &str, text: &str| fs::write(dir.join(name), text).unwrap();
    write(
        "scenario.toml",
        "name = \"overflow\"\ncurrency = \"CNY\"\nhorizon_days = 365\n\
         start_date = 2026-01-01\ntimezone = \"Asia/Shanghai\"\n\
         [travel]\nspeed_kmh = 60.0\nhandling_hours = 0.0\nroads = \"roads.csv\"\n\
         [costs]\nholding_rate = 0.25\n",
    );
    write(
        "depots.csv",
        "id,name,lat,lon,kind,status,fixed_cost,replenish_days\n\
         N,Near,31.20,121.40,regional,open,0,3\n\
         F,Far,31.90,122.10,regional,open,0,3\n",
    );
    write(
        "roads.csv",
        &format!(
            "from,to,km,minutes\nN,S1,{},{}\nF,S1,{},{}\n",
            NEAR_HOURS * 60.0,
            NEAR_HOURS * 60.0,
            far_hours.unwrap_or(FAR_HOURS) * 60.0,
            far_hours.unwrap_or(FAR_HOURS) * 60.0
        ),
    );
    write(
        "sites.csv",
        "id,customer,lat,lon,tz,tier,region\nS1,Customer,31.30,121.50,Asia/Shanghai,7x24x4,East\n",
    );
    write(
        "parts.csv",
        &format!("id,name,unit_cost,skill,repair_hours\nP,Part,10,hw,{REPAIR_HOURS}\n"),
    );
    write(
        "installed_base.csv",
        &format!(
            "site,part,quantity,annual_failure_rate\nS1,P,100,{}\n",
            FAILURES_PER_YEAR / 100.0
        ),
    );
    write(
        "tiers.csv",
        "id,coverage,window,days,calendar,response,target,penalty\n\
         7x24x4,24x7,,,,4h,0.2,20000\n",
    );
    let mut engineers = String::from(
        "id,name,base,skills,shift,calendar,days\nE1,Near engineer,N,hw,24x7,none,mon-sun\n",
    );
    if far_hours.is_some() {
        engineers += "E2,Far engineer,F,hw,24x7,none,mon-sun\n";
    }
    write("engineers.csv", &engineers);
    scenario::load(dir).expect("overflow scenario").scenario
}

/// The near engineer alone, by hand: each failure takes the drive there
/// and the repair, 7 h, so ρ = 200 x 7 / 8760 and it is busy
/// ρ / (1 + ρ) of the time. Counting only the quickest position of the
/// rule, a failure is missed whenever it is busy.
fn near_engineer_busy() -> f64 {
    let offered = FAILURES_PER_YEAR * (NEAR_HOURS + REPAIR_HOURS) / 8760.0;
    offered / (1.0 + offered)
}

fn simulated(s: &Scenario, stock: &[StockLevel]) -> sparesla::simulate::Simulation {
    let options = SimulateOptions {
        days: 365,
        runs: 100,
        seed: 1,
        emergency_hours: 24.0,
    };
    simulate(s, &TravelTimes::build(s).unwrap(), stock, options).unwrap()
}

#[test]
fn a_slower_engineer_of_the_same_rule_covers_the_quicker_ones_busy_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = two_depots(dir.path(), Some(FAR_HOURS));
    let (planned, stock) = plan_keeping_the_roster(&s);
    let tier = &planned.tiers[0];
    let quickest_only = 1.0 - near_engineer_busy();
    // The far engineer takes the near one's overflow, 200 x 0.14 failures
    // of 7.75 h each, so it is busy a few per cent of the time while the
    // near one is: both are busy at once well under 1% of the time.
    assert!(
        tier.people_attainment > quickest_only + 0.1 && tier.people_attainment < 0.999,
        "people half {} (the quickest alone {quickest_only})",
        tier.people_attainment
    );
    assert!(tier.parts_attainment > 0.999, "{}", tier.parts_attainment);

    let sim = simulated(&s, &stock);
    let attainment = sim.tiers[0].attainment.expect("failures were simulated");
    let promised = tier.expected_attainment;
    let dir_alone = tempfile::tempdir().unwrap();
    let alone = two_depots(dir_alone.path(), None);
    let sim_alone = simulated(&alone, &stock);
    let attainment_alone = sim_alone.tiers[0].attainment.unwrap().mean;
    eprintln!(
        "overflow: quickest only {quickest_only:.5}, promised {promised:.5}, \
         simulated {:.5} ({:.5}-{:.5}), without the far engineer {attainment_alone:.5}",
        attainment.mean,
        attainment.ci_low.unwrap(),
        attainment.ci_high.unwrap()
    );
    // The far engineer matters in simulation too: without it, waiting for
    // the near one misses many of the failures that come while it repairs.
    assert!(
        attainment_alone < attainment.mean - 0.04,
        "{attainment_alone} without, {} with",
        attainment.mean
    );
    // Dispatch may also wait for the near engineer to finish (here it is
    // already on site), which the loss model does not count, and the far
    // one's busy chance while the near one is busy is taken generously:
    // the promise may lie below simulation, by less than the one
    // point, never above it.
    assert!(
        promised <= attainment.ci_high.unwrap() && attainment.mean - promised < 0.01,
        "promised {promised:.5}, simulated {:.5}",
        attainment.mean
    );
}

/// Each engineer's busy chance as the plan estimates it.
fn planned_busy(s: &Scenario) -> Vec<f64> {
    let travel = depot_site_hours(s, &TravelTimes::build(s).unwrap());
    let near = DepotIdx::new(0);
    let reach = vec![Some((near, NEAR_HOURS))];
    let model = CoverModel::build(s, s.start_date.unwrap(), &travel, &reach).unwrap();
    let mut staff = model.roster(s).unwrap();
    let demand = vec![(SiteIdx::new(0), vec![(PartIdx::new(0), FAILURES_PER_YEAR)])];
    model.estimate_busy(&mut staff, &demand);
    staff.busy
}

#[test]
fn a_backup_takes_overflow_exactly_where_the_cover_counts_it() {
    // Within backup reach (1.75 h, half the 4-hour deadline is 2 h), the far
    // engineer takes the near one's overflow and is busy while it is.
    let dir = tempfile::tempdir().unwrap();
    let within = two_depots(dir.path(), Some(FAR_HOURS));
    let busy = planned_busy(&within);
    let near_busy = near_engineer_busy();
    assert!(
        (busy[0] - near_busy).abs() < 1e-9,
        "{busy:?} vs {near_busy}"
    );
    assert!(busy[1] > 0.01, "the far engineer takes overflow: {busy:?}");

    // Beyond it (3 h: still within the deadline, so dispatch may send it,
    // but the cover does not count it), it takes none in the plan's load
    // either, and the promise is the near engineer's alone.
    let dir = tempfile::tempdir().unwrap();
    let beyond = two_depots(dir.path(), Some(3.0));
    let busy = planned_busy(&beyond);
    assert!(
        (busy[0] - near_busy).abs() < 1e-9,
        "{busy:?} vs {near_busy}"
    );
    assert_eq!(busy[1], 0.0, "no overflow beyond backup reach: {busy:?}");
    let (with_far, _) = plan_keeping_the_roster(&beyond);
    let dir = tempfile::tempdir().unwrap();
    let (alone, _) = plan_keeping_the_roster(&two_depots(dir.path(), None));
    assert_eq!(
        with_far.tiers[0].people_attainment,
        alone.tiers[0].people_attainment
    );
}
