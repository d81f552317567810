//! Warm-started re-plans (`dispatch_warm`, what `sparesla serve` runs at
//! every change): the search starts from the previous plan. The contract:
//! pins kept as in a live dispatch (the checker passes), no incident left
//! unassigned that a re-plan from scratch assigns, even when the previous
//! plan is a poor start, and the same inputs give the same plan.

mod common;

use common::ScenarioCopy;
use sparesla::dispatch::check::check_live;
use sparesla::dispatch::{Dispatch, DispatchOptions, Live, Status, dispatch_live, dispatch_warm};
use sparesla::scenario::{self, EngineerIdx, Incident, Pin, Scenario};
use sparesla::travel::TravelTimes;

const INCIDENTS: &str = "id,site,opened,part,kind\n\
    I1,S1,2026-03-10T09:00,PSU,reactive\n\
    I2,S3,2026-03-10T09:30,LC100,reactive\n\
    I3,S2,2026-03-10T10:00,HDD8,reactive\n\
    I4,S4,2026-03-10T10:15,HDD8,proactive\n\
    I5,S1,2026-03-10T11:00,PSU,reactive\n\
    I6,S2,2026-03-10T11:30,HDD8,reactive\n";
const STOCK: &str = "depot,part,on_hand\nCW,PSU,2\nD-HZ,HDD8,2\nD-NJ,HDD8,1\nD-NJ,LC100,1\n";
/// The first plan covers the first four incidents; the re-plan all six.
const FIRST: usize = 4;

fn options() -> DispatchOptions {
    DispatchOptions {
        max_iterations: 100,
        bound: None,
        ..DispatchOptions::default()
    }
}

/// Where `dispatch` put its incident `k`, as a pin of the same index.
fn visit_of(dispatch: &Dispatch, k: usize) -> Option<Pin> {
    let (engineer, timing) = dispatch.assignments[k].visit.as_ref()?;
    Some(Pin {
        incident: k,
        engineer: *engineer,
        depot: timing.job.depot,
        mode: timing.job.mode,
        depart: chrono::DateTime::from_timestamp(timing.depart, 0).unwrap(),
    })
}

struct Case {
    scenario: Scenario,
    travel: TravelTimes,
    incidents: Vec<Incident>,
    /// The first plan's visits: the first one pinned, the others free.
    live: Live,
    previous: Vec<Pin>,
}

fn case() -> Case {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("incidents.csv", INCIDENTS)
        .write("stock.csv", STOCK);
    let scenario = scenario::load(copy.path()).expect("scenario").scenario;
    let travel = TravelTimes::build(&scenario).expect("travel");
    let incidents = scenario.incidents.clone();
    let first = dispatch_live(
        &scenario,
        &travel,
        &incidents[..FIRST],
        &scenario.stock,
        &Live::default(),
        options(),
    )
    .expect("first plan");
    let mut visits: Vec<Pin> = (0..FIRST).filter_map(|k| visit_of(&first, k)).collect();
    assert!(visits.len() >= 3, "{:?}", first.assignments);
    let pinned = visits.remove(0);
    Case {
        scenario,
        travel,
        incidents,
        live: Live {
            engineers: Vec::new(),
            pins: vec![pinned],
        },
        previous: visits,
    }
}

fn warm(case: &Case, previous: &[Pin]) -> Dispatch {
    warm_with(case, previous, options())
}

fn warm_with(case: &Case, previous: &[Pin], options: DispatchOptions) -> Dispatch {
    dispatch_warm(
        &case.scenario,
        &case.travel,
        &case.incidents,
        &case.scenario.stock,
        &case.live,
        previous,
        options,
    )
    .expect("warm re-plan")
}

fn cold(case: &Case) -> Dispatch {
    dispatch_live(
        &case.scenario,
        &case.travel,
        &case.incidents,
        &case.scenario.stock,
        &case.live,
        options(),
    )
    .expect("cold re-plan")
}

fn unassigned(dispatch: &Dispatch) -> Vec<&str> {
    dispatch
        .assignments
        .iter()
        .filter(|a| a.status == Status::Unassigned)
        .map(|a| dispatch.incidents[a.incident].id.as_str())
        .collect()
}

fn assert_sound(case: &Case, warm: &Dispatch, cold: &Dispatch) {
    let errors = check_live(
        &case.scenario,
        &case.travel,
        &case.incidents,
        &case.scenario.stock,
        &case.live,
        warm,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    for id in unassigned(warm) {
        assert!(
            unassigned(cold).contains(&id),
            "warm left {id} unassigned, cold assigned it"
        );
    }
    let pin = &case.live.pins[0];
    let (engineer, timing) = warm.assignments[pin.incident]
        .visit
        .as_ref()
        .expect("pinned job kept");
    assert_eq!(
        (*engineer, timing.job.depot, timing.job.mode),
        (pin.engineer, pin.depot, pin.mode)
    );
}

#[test]
fn warm_re_plan_from_the_previous_plan_keeps_pins_and_assigns_what_cold_assigns() {
    let case = case();
    let cold = cold(&case);
    let warm_plan = warm(&case, &case.previous);
    assert_sound(&case, &warm_plan, &cold);
    // The new incidents are placed when the plan from scratch places them.
    for k in FIRST..case.incidents.len() {
        if cold.assignments[k].status != Status::Unassigned {
            assert_ne!(warm_plan.assignments[k].status, Status::Unassigned);
        }
    }
    // Same inputs, same plan.
    let again = warm(&case, &case.previous);
    let routes = |d: &Dispatch| d.routes.clone();
    assert_eq!(routes(&warm_plan), routes(&again));
}

#[test]
fn warm_re_plan_from_a_poor_start_still_assigns_what_cold_assigns() {
    let case = case();
    let cold = cold(&case);
    // Every previous job crammed onto one engineer, latest first: a start
    // that fills the day of the only engineer with every skill.
    let mut crammed = case.previous.clone();
    let latest = crammed.iter().map(|p| p.depart).max().unwrap();
    for (n, pin) in crammed.iter_mut().enumerate() {
        pin.engineer = EngineerIdx::new(0);
        pin.depart = latest - chrono::Duration::minutes(n as i64);
    }
    let warm_plan = warm(&case, &crammed);
    assert_sound(&case, &warm_plan, &cold);
    // Without improvement iterations nothing repairs the start but the
    // insertion of what does not fit, and the plan from scratch beside it.
    let unimproved = DispatchOptions {
        max_iterations: 0,
        ..options()
    };
    assert_sound(&case, &warm_with(&case, &crammed, unimproved), &cold);
    // Previous visits naming an engineer or supply that no longer exists
    // are ignored, not an error.
    let mut stale = case.previous.clone();
    for pin in &mut stale {
        pin.engineer = EngineerIdx::new(99);
    }
    assert_sound(&case, &warm(&case, &stale), &cold);
}
