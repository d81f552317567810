//! Engineers and parts planned together, against brute force: on small
//! scenarios (two depots, two skills, two rota patterns) every staffing
//! (each depot and pattern: no position, or one with a set of skills),
//! every open set and every stock vector is enumerated, each costed failure
//! by failure from the engineer cover model and the stock model (over a
//! quarter-year horizon, which keeps the enumeration quick), and the
//! least cost meeting the targets must be the planner's. Also: on-call
//! cover is bought only when the target or the penalties justify it.

mod common;

use sparesla::plan::{self, Backend, FillHint, PlanOptions, PlanStatus, Staffing, fill_rate};
use sparesla::scenario::{self, DepotStatus, Engineer, Scenario};
use sparesla::travel::TravelTimes;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Two depots 4 h apart by road: A open (with the roster), B a candidate.
/// S1 and S2 are an hour from A, S3 an hour from B (5 h from A, out of
/// reach of a 4-hour tier from A). Parts P1 (skill `net`) and P2 (`srv`).
fn write_scenario(dir: &Path, tiers: &str, shifts: &str, certification: f64) -> Scenario {
    let write = |name: &str, text: &str| fs::write(dir.join(name), text).unwrap();
    write(
        "scenario.toml",
        &format!(
            "name = \"joint\"\ncurrency = \"CNY\"\nhorizon_days = 91\n\
             start_date = 2026-01-01\ntimezone = \"Asia/Shanghai\"\n\
             [travel]\nspeed_kmh = 60.0\nhandling_hours = 0.5\nroads = \"roads.csv\"\n\
             [costs]\nholding_rate = 0.25\nemergency_shipment_cost = 3000\n\
             certification_cost = {certification}\n\
             [planning]\nmax_stock = 2\n"
        ),
    );
    write(
        "depots.csv",
        "id,name,lat,lon,kind,status,fixed_cost,replenish_days\n\
         A,Depot A,31.20,121.40,regional,open,100000,3\n\
         B,Depot B,32.00,119.00,forward,candidate,60000,3\n",
    );
    write(
        "roads.csv",
        "from,to,km,minutes\nA,B,240,240\nA,S1,60,60\nA,S2,60,60\nB,S3,60,60\nA,S3,300,300\n",
    );
    write(
        "sites.csv",
        "id,customer,lat,lon,tz,tier,region\n\
         S1,Bank,31.30,121.50,Asia/Shanghai,fast,East\n\
         S2,Office,31.10,121.30,Asia/Shanghai,business,East\n\
         S3,Plant,32.10,119.10,Asia/Shanghai,fast,West\n",
    );
    write(
        "parts.csv",
        "id,name,unit_cost,skill,repair_hours\nP1,Card,20000,net,1\nP2,Disk,8000,srv,1\n",
    );
    write(
        "installed_base.csv",
        "site,part,quantity,annual_failure_rate\n\
         S1,P1,4,0.5\nS1,P2,4,0.5\nS2,P2,6,0.5\nS3,P1,4,0.5\nS3,P2,2,0.5\n",
    );
    write("tiers.csv", tiers);
    write(
        "engineers.csv",
        "id,name,base,skills,shift,calendar,days\nE1,Day engineer,A,net;srv,08:00-18:00,CN,mon-fri\n",
    );
    write("shifts.csv", shifts);
    scenario::load(dir).expect("joint scenario").scenario
}

const SHIFTS: &str = "id,window,days,calendar,cost_per_year\n\
                      day10,08:00-18:00,mon-fri,CN,180000\n\
                      oncall,24x7,mon-sun,none,420000\n";

fn options() -> PlanOptions {
    PlanOptions {
        backend: Backend::default_backend(),
        time_limit: Duration::from_secs(120),
        gap: 0.0,
        staffing: Staffing::Plan,
    }
}

fn travel(s: &Scenario) -> plan::TravelHours {
    plan::depot_site_hours(s, &TravelTimes::build(s).unwrap())
}

/// One staffing: the roster plus, per (depot, pattern), nothing or one
/// position with a non-empty skill set; each with its yearly cost.
fn every_staffing(s: &Scenario) -> Vec<(Vec<Engineer>, f64)> {
    let skills = ["net", "srv"];
    let subsets: Vec<Vec<String>> = vec![
        vec!["net".into()],
        vec!["srv".into()],
        skills.iter().map(|s| s.to_string()).collect(),
    ];
    let roster_cost: f64 = s
        .engineers
        .iter()
        .map(|e| {
            s.shift_patterns
                .iter()
                .find(|p| p.matches(&e.shift))
                .map_or(0.0, |p| p.cost_per_year)
        })
        .sum();
    let mut staffings = vec![(s.engineers.clone(), roster_cost)];
    for depot in s.depot_indices() {
        for pattern in &s.shift_patterns {
            let mut next = Vec::new();
            for (engineers, cost) in &staffings {
                next.push((engineers.clone(), *cost));
                for skills in &subsets {
                    let mut more = engineers.clone();
                    more.push(Engineer {
                        id: format!("X{}", more.len()),
                        name: String::new(),
                        base: depot,
                        skills: skills.clone(),
                        shift: pattern.shift_in(s.depot(depot).tz.unwrap()),
                    });
                    let added =
                        pattern.cost_per_year + s.costs.certification_cost * skills.len() as f64;
                    next.push((more, cost + added));
                }
            }
            staffings = next;
        }
    }
    staffings
}

/// The least yearly cost of any staffing, open set and stock vector whose
/// expected met failures reach `target` per tier, costed failure by failure.
fn brute_force(s: &Scenario, target: &[f64]) -> f64 {
    let travel = travel(s);
    let mut best = f64::INFINITY;
    for (engineers, people_cost) in every_staffing(s) {
        let mut model = plan::PlanModel::build(s, &travel).unwrap();
        plan::count_engineers(s, &travel, &mut model, &engineers).unwrap();
        // A position's depot stays open, as the planner keeps it.
        let mut must_open: Vec<bool> = s
            .depots
            .iter()
            .map(|d| d.status == DepotStatus::Open)
            .collect();
        for engineer in &engineers[s.engineers.len()..] {
            must_open[engineer.base.index()] = true;
        }
        for open_b in [false, true] {
            if must_open[1] && !open_b {
                continue;
            }
            let open = [true, open_b];
            best = best.min(people_cost + best_stock(s, &model, &open, target));
        }
    }
    best
}

/// The least cost over every stock vector of one open set (infinite when
/// none meets the target).
fn best_stock(s: &Scenario, model: &plan::PlanModel, open: &[bool], target: &[f64]) -> f64 {
    // Each site's serving depot: its fastest open depot in reach.
    let serving: Vec<Option<usize>> = model
        .sites
        .iter()
        .map(|site| {
            site.reach
                .iter()
                .find(|r| open[r.depot.index()])
                .map(|r| r.depot.index())
        })
        .collect();
    let mut pools: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (site, depot) in model.sites.iter().zip(&serving) {
        if let Some(depot) = depot {
            for (part, rate) in &site.demand {
                *pools.entry((*depot, part.index())).or_default() += rate;
            }
        }
    }
    let keys: Vec<(usize, usize)> = pools.keys().copied().collect();
    let max = s.planning.max_stock;
    let fixed: f64 = (0..s.depots.len())
        .filter(|d| open[*d])
        .map(|d| s.depots[d].fixed_cost)
        .sum();
    let mut best = f64::INFINITY;
    let vectors = (max as usize + 1).pow(keys.len() as u32);
    for index in 0..vectors {
        let mut rest = index;
        let mut fill: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        let mut holding = 0.0;
        for key in &keys {
            let stock = (rest % (max as usize + 1)) as u32;
            rest /= max as usize + 1;
            let load = pools[key] * s.depots[key.0].replenish_days / 365.0;
            fill.insert(*key, fill_rate(s.planning.fill_model, stock, load));
            holding += f64::from(stock) * s.parts[key.1].unit_cost * s.costs.holding_rate;
        }
        let mut met = vec![0.0; s.tiers.len()];
        let mut penalty = 0.0;
        let mut emergency = 0.0;
        for (site, depot) in model.sites.iter().zip(&serving) {
            let tier = site.tier.index();
            for ((part, rate), cover) in site.demand.iter().zip(&site.cover) {
                let shelf = depot.map_or(0.0, |d| fill[&(d, part.index())]);
                let share = cover.by_emergency + shelf * (cover.with_stock - cover.by_emergency);
                met[tier] += rate * share;
                penalty += rate * (1.0 - share) * s.tiers[tier].penalty;
                emergency += rate * (1.0 - shelf) * s.costs.emergency_shipment_cost;
            }
        }
        if met.iter().zip(target).all(|(m, t)| *m >= t - 1e-9) {
            best = best.min(fixed + holding + penalty + emergency);
        }
    }
    best
}

/// The planner's per-tier target in failures a year: the target share,
/// or a tenth of a point below the attainable share when that is lower.
fn planned_target(planned: &plan::Plan) -> Vec<f64> {
    planned
        .tiers
        .iter()
        .map(|t| t.target.min(t.attainable - plan::UNATTAINABLE_MARGIN) * t.demand)
        .collect()
}

fn assert_planner_is_optimal(s: &Scenario) -> plan::Plan {
    let planned = plan::plan(s, &travel(s), options()).unwrap();
    let brute = brute_force(s, &planned_target(&planned));
    let cost = planned.planned_cost;
    assert!(
        (cost - brute).abs() <= 1e-6 * brute,
        "planner {cost}, brute force {brute} ({} added: {:?})",
        planned.people.as_ref().unwrap().added.len(),
        planned.people.as_ref().unwrap().added
    );
    assert_eq!(planned.status, PlanStatus::Optimal, "gap {}", planned.gap);
    planned
}

#[test]
fn the_joint_optimum_equals_brute_force_with_a_binding_four_hour_target() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(
        dir.path(),
        "id,coverage,window,days,calendar,response,target,penalty\n\
         fast,24x7,,,,4h,0.9,20000\n\
         business,business,08:00-18:00,mon-fri,CN,nbd,0.95,5000\n",
        SHIFTS,
        0.0,
    );
    let planned = assert_planner_is_optimal(&s);
    // The 4-hour sites need someone on call: the day engineer alone covers
    // about a quarter of the week.
    let people = planned.people.unwrap();
    assert!(
        people
            .added
            .iter()
            .any(|a| s.shift_patterns[a.pattern].id == "oncall"),
        "{:?}",
        people.added
    );
}

#[test]
fn the_joint_optimum_equals_brute_force_when_certification_is_dear() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(
        dir.path(),
        "id,coverage,window,days,calendar,response,target,penalty\n\
         fast,24x7,,,,4h,0.8,20000\n\
         business,business,08:00-18:00,mon-fri,CN,nbd,0.95,5000\n",
        SHIFTS,
        90_000.0,
    );
    assert_planner_is_optimal(&s);
}

#[test]
fn on_call_cover_is_bought_only_when_the_target_or_the_penalties_justify_it() {
    // A target the day engineer meets (about a quarter of S1's failures,
    // S1 being 4 of the 7 four-hour failures a year) and a small penalty:
    // nobody is worth 180,000 a year.
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(
        dir.path(),
        "id,coverage,window,days,calendar,response,target,penalty\n\
         fast,24x7,,,,4h,0.1,100\n\
         business,business,08:00-18:00,mon-fri,CN,nbd,0.5,100\n",
        SHIFTS,
        0.0,
    );
    let planned = assert_planner_is_optimal(&s);
    let people = planned.people.unwrap();
    assert!(
        people.added.is_empty(),
        "{:?} {:?} {:?}",
        people.added,
        planned.costs,
        planned.tiers
    );

    // The same scenario with a penalty that costs more than the position:
    // breaches at night and at weekends now pay for on-call cover.
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(
        dir.path(),
        "id,coverage,window,days,calendar,response,target,penalty\n\
         fast,24x7,,,,4h,0.1,400000\n\
         business,business,08:00-18:00,mon-fri,CN,nbd,0.5,100\n",
        SHIFTS,
        0.0,
    );
    let planned = assert_planner_is_optimal(&s);
    let added = planned.people.unwrap().added;
    assert!(
        added
            .iter()
            .any(|a| s.shift_patterns[a.pattern].id == "oncall"),
        "{added:?}"
    );
}

/// The least yearly cost of positions added to the roster with which some
/// open set and stock vector reach `target` (infinite when none does).
fn least_added_cost(s: &Scenario, target: &[f64]) -> f64 {
    let travel = travel(s);
    let staffings = every_staffing(s);
    let roster_cost = staffings[0].1;
    let mut least = f64::INFINITY;
    for (engineers, people_cost) in staffings {
        if people_cost - roster_cost >= least {
            continue;
        }
        let mut model = plan::PlanModel::build(s, &travel).unwrap();
        plan::count_engineers(s, &travel, &mut model, &engineers).unwrap();
        let feasible = [[true, false], [true, true]]
            .iter()
            .any(|open| best_stock(s, &model, open, target).is_finite());
        if feasible {
            least = people_cost - roster_cost;
        }
    }
    least
}

/// The planner's bound on what added positions must cost (used when a
/// scenario has too many staffings to plan each) never exceeds the least
/// any staffing that meets the targets adds, found by enumeration; and it
/// is not idle: a 4-hour target the day engineer cannot meet bounds it
/// above zero.
#[test]
fn the_bound_on_added_positions_is_below_every_staffing_that_meets_the_target() {
    for target_share in ["0.6", "0.9"] {
        let dir = tempfile::tempdir().unwrap();
        let s = write_scenario(
            dir.path(),
            &format!(
                "id,coverage,window,days,calendar,response,target,penalty\n\
                 fast,24x7,,,,4h,{target_share},20000\n\
                 business,business,08:00-18:00,mon-fri,CN,nbd,0.95,5000\n"
            ),
            SHIFTS,
            0.0,
        );
        let planned = plan::plan(&s, &travel(&s), options()).unwrap();
        let target = planned_target(&planned);
        let travel = travel(&s);
        let mut model = plan::PlanModel::build(&s, &travel).unwrap();
        let people = plan::count_roster(&s, &travel, s.start_date.unwrap(), &mut model).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let bound = plan::added_cost_bound(&people, &s, &model, &target, deadline).unwrap();
        let least = least_added_cost(&s, &target);
        assert!(
            bound <= least + 1e-6,
            "bound {bound} above the least added {least}"
        );
        assert!(
            bound > 0.0,
            "a binding 4-hour target bounds added positions above 0"
        );
    }
}

/// The bound on parts and added positions together (the product of fill
/// and cover relaxed by McCormick's envelopes, mixed per demand group by a
/// fill hint) never exceeds the cheapest joint plan found by enumerating
/// every staffing, open set and stock vector, whatever the hint; and with
/// the planner's hint it is at least the added positions' bound on its own
/// plus some parts cost (the second depot's stock is never free).
#[test]
fn the_joint_bound_on_parts_and_people_is_below_the_brute_force_optimum() {
    for (target_share, penalty) in [("0.6", "20000"), ("0.9", "20000"), ("0.9", "500")] {
        let dir = tempfile::tempdir().unwrap();
        let s = write_scenario(
            dir.path(),
            &format!(
                "id,coverage,window,days,calendar,response,target,penalty\n\
                 fast,24x7,,,,4h,{target_share},{penalty}\n\
                 business,business,08:00-18:00,mon-fri,CN,nbd,0.95,5000\n"
            ),
            SHIFTS,
            0.0,
        );
        let planned = plan::plan(&s, &travel(&s), options()).unwrap();
        let target = planned_target(&planned);
        let brute = brute_force(&s, &target);
        let hints = [
            FillHint::IdealNetwork,
            FillHint::Uniform(1.0),
            FillHint::Uniform(0.5),
            FillHint::Uniform(0.0),
        ];
        for hint in hints {
            let bounds = plan::people_bounds_of(&s, &travel(&s), &target, options(), hint).unwrap();
            let joint = bounds
                .parts_and_added
                .expect("a binding target and time to bound");
            eprintln!(
                "target {target_share}, penalty {penalty}, {hint:?}: roster {} + joint \
                 {joint:.0} (added alone {:.0}) against brute force {brute:.0}",
                bounds.roster, bounds.added
            );
            assert!(
                bounds.roster + joint <= brute + 1e-6 * brute,
                "joint bound {} above the optimum {brute} ({hint:?})",
                bounds.roster + joint
            );
            // A hint of little fill credits the engineers' cover little,
            // so only the planner's own hint and full fill must beat it.
            if matches!(hint, FillHint::IdealNetwork | FillHint::Uniform(1.0)) {
                assert!(
                    joint > bounds.added,
                    "{joint} vs {} ({hint:?})",
                    bounds.added
                );
            }
        }
    }
}

/// With engineers on call round the clock at both depots, nearer than any
/// part, engineers never bind: the planned open set and stock are the
/// parts-only plan's, and planning staffing adds nobody. (Engineers are
/// still busy now and then, so the expected penalties differ by a hair.)
#[test]
fn with_round_the_clock_engineers_everywhere_the_plan_is_the_parts_only_plan() {
    let dir = tempfile::tempdir().unwrap();
    write_scenario(
        dir.path(),
        "id,coverage,window,days,calendar,response,target,penalty\n\
         fast,24x7,,,,4h,0.9,20000\n\
         business,business,08:00-18:00,mon-fri,CN,nbd,0.95,5000\n",
        SHIFTS,
        0.0,
    );
    fs::write(
        dir.path().join("engineers.csv"),
        "id,name,base,skills,shift,calendar,days\n\
         E1,On call A,A,net;srv,24x7,none,mon-sun\n\
         E2,On call A2,A,net;srv,24x7,none,mon-sun\n\
         E3,On call B,B,net;srv,24x7,none,mon-sun\n\
         E4,On call B2,B,net;srv,24x7,none,mon-sun\n",
    )
    .unwrap();
    let s = scenario::load(dir.path()).unwrap().scenario;
    let with = |staffing| {
        let options = PlanOptions {
            staffing,
            ..options()
        };
        plan::plan(&s, &travel(&s), options).unwrap()
    };
    let parts_only = with(Staffing::PartsOnly);
    for staffing in [Staffing::Keep, Staffing::Plan] {
        let planned = with(staffing);
        assert_eq!(planned.open, parts_only.open, "{staffing:?}");
        assert_eq!(planned.stock, parts_only.stock, "{staffing:?}");
        assert!(planned.people.as_ref().unwrap().added.is_empty());
        let parts_cost = planned.costs.total_cost - planned.costs.people_cost;
        let relative =
            (parts_cost - parts_only.costs.total_cost).abs() / parts_only.costs.total_cost;
        assert!(
            relative < 1e-3,
            "{staffing:?}: {parts_cost} vs {}",
            parts_only.costs.total_cost
        );
    }
}
