//! Engineers' breaks (engineers.csv `break`): a bad value is rejected at
//! its cell; the dispatch places a break where it fits and writes it to
//! routes.csv; the checker rejects a route that skips a break or puts it
//! outside its window; on tiny routes the engine's break timing is valid
//! and as good as the best placement found by brute force (every gap, every
//! start).

mod common;

use common::{ScenarioCopy, sparesla, text};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sparesla::dispatch::engine::model::{Deadline, Job, Matrix, ModelSpec, Rest, Vehicle};
use sparesla::dispatch::engine::placement::best_timing;
use sparesla::dispatch::engine::route::Route;
use sparesla::dispatch::engine::schedule::{Visit, start_state, visit};
use sparesla::dispatch::engine::{Cost, Model};
use sparesla::dispatch::{Dispatch, DispatchOptions, check::check, dispatch};
use sparesla::report::write_dispatch;
use sparesla::scenario::{self, Scenario};
use sparesla::travel::TravelTimes;

/// Every engineer of the tiny fixture with `break`.
fn tiny_with_break(value: &str) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    copy.edit("engineers.csv", |text| {
        let mut lines = text.lines();
        let header = format!("{},break", lines.next().unwrap_or_default());
        let rows = lines.map(|row| format!("{row},{value}"));
        std::iter::once(header)
            .chain(rows)
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    copy
}

#[test]
fn a_bad_break_is_rejected_at_its_cell_and_an_empty_one_means_none() {
    let copy = tiny_with_break("12:00-14:00/3h");
    let output = sparesla(&["validate", copy.path().to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("engineers.csv:2:8: error[E1022]: `12:00-14:00/3h`: a 180-minute break does not fit its 120-minute window"),
        "{stderr}"
    );
    for bad in [
        "12:00-14:00",
        "12:00-14:00/45",
        "22:00-02:00/45m",
        "12-14/45m",
    ] {
        let copy = tiny_with_break(bad);
        let error = scenario::load(copy.path()).expect_err(bad);
        let codes: Vec<&str> = error
            .diagnostics
            .errors()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["E1022"; 3], "{bad}");
    }
    let copy = tiny_with_break("");
    let loaded = scenario::load(copy.path()).expect("an empty break is no break");
    assert!(loaded.scenario.breaks.is_empty());
}

/// 2026-03-10 (a Tuesday) at `hh:mm` in Shanghai.
fn at(clock: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(&format!("2026-03-10T{clock}:00+08:00"))
        .unwrap()
        .timestamp()
}

/// One incident at S1 (next to the central depot CW, where E1 is based)
/// opened at 11:30: with half an hour to handle the part and half an hour
/// to repair, it cannot be done before 12:00.
fn lunch_scenario(window: &str) -> (ScenarioCopy, Scenario) {
    let copy = tiny_with_break(window);
    copy.write(
        "incidents.csv",
        "id,site,opened,part,kind\nI1,S1,2026-03-10T11:30,PSU,reactive\n",
    )
    .write("stock.csv", "depot,part,on_hand\nCW,PSU,1\n");
    let s = scenario::load(copy.path()).expect("scenario").scenario;
    (copy, s)
}

fn solve(s: &Scenario) -> (TravelTimes, Dispatch) {
    let travel = TravelTimes::build(s).expect("travel");
    let options = DispatchOptions {
        time_limit: std::time::Duration::from_secs(600),
        seed: 7,
        max_iterations: 50,
        bound: None,
    };
    let result = dispatch(s, &travel, &s.incidents, &s.stock, options).expect("dispatch");
    (travel, result)
}

/// The break window is exactly its length, so the break fits only at
/// 12:00, while the engineer is on the way: the repair is then done after
/// it, and routes.csv shows the break as the engineer's first stop.
#[test]
fn a_break_is_placed_in_the_only_place_it_fits_and_written_as_a_stop() {
    let (copy, s) = lunch_scenario("12:00-12:45/45m");
    let (travel, result) = solve(&s);
    let errors = check(&s, &travel, &s.incidents, &s.stock, &result);
    assert!(errors.is_empty(), "{errors:#?}");
    let (engineer, job) = result.assignments[0].visit.expect("assigned");
    assert_eq!(s.engineer(engineer).id, "E1");
    assert_eq!(job.rest, Some(at("12:00")));
    // Taken at the depot or on the road (the job's drive includes it), so
    // the repair starts after it.
    assert!(job.arrive >= at("12:45"), "{job:?}");
    assert_eq!(result.breaks_taken(), 1);

    let out = copy.path().join("out");
    write_dispatch(&out, &s, &result).expect("write");
    let routes = std::fs::read_to_string(out.join("routes.csv")).expect("routes.csv");
    let rows: Vec<Vec<&str>> = routes.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "engineer",
            "stop",
            "incident",
            "site",
            "source_depot",
            "mode",
            "depart",
            "arrive",
            "finish",
            "status"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "E1",
            "1",
            "",
            "",
            "",
            "break",
            "2026-03-10T12:00:00+08:00",
            "2026-03-10T12:00:00+08:00",
            "2026-03-10T12:45:00+08:00",
            ""
        ]
    );
    assert_eq!(rows[2][..3], ["E1", "2", "I1"]);
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary");
    assert!(summary.contains("\"breaks\": 1"), "{summary}");
    // The report's reader takes the jobs and leaves the break out.
    let files = sparesla::report::read::read_dispatch_folder(&out, &s).expect("readable");
    assert_eq!(files.stops.len(), 1);
}

#[test]
fn the_checker_rejects_a_route_without_its_break_or_with_it_outside_its_window() {
    let (_copy, s) = lunch_scenario("12:00-12:45/45m");
    let (travel, with_break) = solve(&s);
    // Planned as if nobody took a break: the repair runs through lunch.
    let mut no_breaks = s.clone();
    no_breaks.breaks.clear();
    let (_, without) = solve(&no_breaks);
    assert_eq!(without.breaks_taken(), 0);
    let errors = check(&s, &travel, &s.incidents, &s.stock, &without);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("E1: no break of 45 min")),
        "{errors:#?}"
    );
    // The break reported an hour early, outside its window.
    let mut early = with_break.clone();
    if let Some((_, job)) = early.assignments[0].visit.as_mut() {
        job.rest = job.rest.map(|r| r - 3600);
    }
    // (The paid-time check may notice too: a break moved out of the day
    // changes what the routes say is paid.)
    let errors: Vec<String> = check(&s, &travel, &s.incidents, &s.stock, &early)
        .into_iter()
        .filter(|e| !e.starts_with("E1: paid "))
        .collect();
    assert_eq!(
        errors,
        [
            "E1: break at 2026-03-10T11:00:00+08:00 outside its window",
            "E1: no break of 45 min between 2026-03-10T12:00:00+08:00 and 2026-03-10T12:45:00+08:00 (works past its latest start)"
        ]
    );
}

/// A vehicle at place 0 from time 0 with one break, and up to four jobs
/// with ready times and soft deadlines, supplied from the vehicle.
fn tiny_model(rng: &mut ChaCha8Rng, jobs: usize) -> Model {
    let places = jobs + 1;
    let points: Vec<i64> = (0..places).map(|_| rng.random_range(0..40)).collect();
    let times = (0..places * places)
        .map(|k| Some((points[k / places] - points[k % places]).abs()))
        .collect();
    let job_list = (0..jobs)
        .map(|j| {
            let ready = rng.random_range(0..150);
            Job {
                ready,
                deadline: Some(Deadline {
                    at: ready + rng.random_range(0..60),
                    hard: false,
                }),
                breach_weight: 1.0,
                late_weight: 1.0,
                ..Job::at(1 + j, rng.random_range(5..40), Cost::default())
            }
        })
        .collect();
    let open = rng.random_range(20..120);
    let rest = Rest {
        open,
        close: open + rng.random_range(30..90),
        length: 30,
    };
    ModelSpec {
        jobs: job_list,
        vehicles: vec![Vehicle {
            rests: vec![rest],
            ..Vehicle::at(0, 0)
        }],
        matrix: Matrix::from_times(places, times, 1.0).expect("matrix"),
        shifts: Vec::new(),
        depot_stock: Vec::new(),
        dims: 0,
        restock_level: Vec::new(),
    }
    .build()
    .expect("valid model")
}

/// Where a brute-force placement puts the break, relative to a job.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gap {
    /// Before leaving for it (at the previous site or the start).
    BeforeLeaving,
    /// On the road to it: the arrival later by the break.
    OnTheRoad,
    /// On arriving at it: service after the break, unless the wait covers it.
    OnArrival,
}

/// Breaches and minutes late of serving `order` with the break started at
/// `start` in `gap` of the `k`-th job (`placement` `Some((k, gap, start))`,
/// `None`: no break); `None` if that placement breaks the rules (outside
/// the window, outside its gap, or skipped while work goes on past its
/// latest start).
fn placed(
    model: &Model,
    order: &[usize],
    placement: Option<(usize, Gap, i64)>,
) -> Option<(f64, f64)> {
    let rest = model.vehicles[0].rests[0];
    if let Some((_, _, b)) = placement {
        (rest.open <= b && b <= rest.latest_start()).then_some(())?;
    }
    let (mut here, mut free) = (0, 0);
    let (mut breaches, mut late) = (0.0, 0.0);
    for (k, &j) in order.iter().enumerate() {
        let job = &model.jobs[j];
        let gap = placement.filter(|p| p.0 == k).map(|(_, gap, b)| (gap, b));
        let mut depart = free;
        if let Some((Gap::BeforeLeaving, b)) = gap {
            (b >= free).then_some(())?;
            depart = b + rest.length;
        }
        let mut arrive = depart + model.matrix.time(here, job.place)?;
        if let Some((Gap::OnTheRoad, b)) = gap {
            (depart <= b && b < arrive).then_some(())?;
            arrive += rest.length;
        }
        let mut start = arrive.max(job.ready);
        if let Some((Gap::OnArrival, b)) = gap {
            (b >= arrive).then_some(())?;
            start = start.max(b + rest.length);
        }
        if let Some(d) = job.deadline.filter(|d| start > d.at) {
            breaches += job.breach_weight;
            late += (start - d.at) as f64 * job.late_weight;
        }
        free = start + job.service;
        here = job.place;
    }
    (placement.is_some() || free <= rest.latest_start()).then_some((breaches, late))
}

/// The best of every placement of the break: each gap of the route (before
/// leaving for, on the road to, on arriving at each job) and each start in
/// its window, or none.
fn brute_force_best(model: &Model, order: &[usize]) -> (f64, f64) {
    let rest = model.vehicles[0].rests[0];
    let gaps = [Gap::BeforeLeaving, Gap::OnTheRoad, Gap::OnArrival];
    let placements = (0..order.len()).flat_map(|k| {
        gaps.into_iter()
            .flat_map(move |gap| (rest.open..=rest.latest_start()).map(move |b| Some((k, gap, b))))
    });
    std::iter::once(None)
        .chain(placements)
        .filter_map(|placement| placed(model, order, placement))
        .min_by(|a, b| a.partial_cmp(b).expect("finite"))
        .expect("some placement is always valid without hard limits")
}

/// Whether `visits` take the break inside its window while neither driving
/// nor serving, or need none.
fn timing_is_valid(model: &Model, visits: &[Visit]) -> bool {
    let rest = model.vehicles[0].rests[0];
    let mut here = 0;
    let mut busy = Vec::new();
    let mut breaks = Vec::new();
    for v in visits {
        let drive = model.matrix.time(here, model.jobs[v.job].place);
        // On the road, the break leaves the drive as long as the road takes.
        let on_the_road = v.rest.is_some_and(|b| {
            v.depart <= b
                && b + rest.length <= v.vehicle_arrive
                && drive.is_some_and(|d| v.vehicle_arrive - v.depart - rest.length >= d)
        });
        if !on_the_road {
            busy.push((v.depart, v.vehicle_arrive));
        }
        busy.push((v.start, v.finish));
        breaks.extend(v.rest);
        here = model.jobs[v.job].place;
    }
    let in_window = |b: i64| rest.open <= b && b + rest.length <= rest.close;
    let free = |b: i64| busy.iter().all(|&(s, e)| b + rest.length <= s || e <= b);
    let end = visits.last().map_or(0, |v| v.finish);
    match breaks[..] {
        [] => end <= rest.latest_start(),
        [b] => in_window(b) && free(b),
        _ => false,
    }
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for p in permutations(n - 1) {
        for k in 0..=p.len() {
            let mut q = p.clone();
            q.insert(k, n - 1);
            all.push(q);
        }
    }
    all
}

/// Breaches and minutes late of `order` timed by the visit rule alone
/// (each visit in turn, no break placement over the route).
fn by_visit_rule(model: &Model, order: &[usize]) -> (f64, f64) {
    let vehicle = &model.vehicles[0];
    let mut from = start_state(vehicle);
    let mut cost = Cost::default();
    for &j in order {
        let v = visit(model, vehicle, from, j, 0).expect("timed");
        cost = cost.plus(v.cost);
        from = v.state(model);
    }
    (cost.breaches, cost.late_minutes)
}

#[test]
fn on_tiny_routes_the_engine_places_the_break_as_well_as_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let (mut orders, mut rule_worse, mut with_break) = (0, 0, 0);
    for _ in 0..150 {
        let jobs = rng.random_range(1..=4);
        let model = tiny_model(&mut rng, jobs);
        for order in permutations(jobs) {
            let best = brute_force_best(&model, &order);
            let jobs_of: Vec<(usize, usize)> = order.iter().map(|&j| (j, 0)).collect();
            let timed = best_timing(&model, 0, start_state(&model.vehicles[0]), &jobs_of)
                .expect("the engine times it");
            assert!(timing_is_valid(&model, &timed.visits), "{order:?}");
            let cost = Route::cost_of_jobs(&model, 0, &jobs_of).expect("the engine times it");
            assert_eq!(cost, timed.cost);
            let engine = (cost.breaches, cost.late_minutes);
            assert!(
                (engine.0 - best.0).abs() < 1e-9 && (engine.1 - best.1).abs() < 1e-9,
                "order {order:?}: the engine {engine:?}, the best placement {best:?}"
            );
            let rule = by_visit_rule(&model, &order);
            rule_worse += usize::from(rule != engine);
            with_break += usize::from(timed.visits.iter().any(|v| v.rest.is_some()));
            orders += 1;
        }
    }
    eprintln!(
        "{orders} orders, {with_break} with a break; the visit rule alone worse on {rule_worse}"
    );
    assert!(
        with_break * 3 > orders,
        "{with_break} breaks in {orders} orders"
    );
    // The cases where placing over the route matters are among them.
    assert!(
        rule_worse > 0,
        "the visit rule alone is optimal on every order"
    );
}

/// The bounds that spare most break placements in the search: on tiny
/// routes of a vehicle with a break, the cost of each insertion, removal,
/// replacement and whole order timed without the break is never above the
/// cost with the break placed best, an insertion infeasible without the
/// break is infeasible with it, and the insertion search that places the
/// break only where the bound could win returns what timing every position
/// returns (the first of the cheapest).
#[test]
fn bounds_without_the_break_never_exceed_the_placed_cost_and_keep_insertion_exact() {
    use sparesla::dispatch::engine::Solution;
    use sparesla::dispatch::engine::insert::best_insertion;
    use sparesla::dispatch::engine::route::Estimate;
    let at_most = |estimate: Estimate, exact: Option<Cost>| match (estimate, exact) {
        (Estimate::Infeasible, exact) => exact.is_none(),
        (estimate, None) => estimate.floor().is_some(),
        (estimate, Some(exact)) => !exact.is_better(&estimate.floor().expect("feasible")),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1717);
    let (mut insertions, mut bounded_routes) = (0, 0);
    for _ in 0..300 {
        let jobs = rng.random_range(2..=6);
        let model = tiny_model(&mut rng, jobs);
        let mut order: Vec<usize> = (0..jobs).collect();
        for k in (1..jobs).rev() {
            order.swap(k, rng.random_range(0..=k));
        }
        let (new_job, kept) = order.split_last().expect("two jobs or more");
        let kept: Vec<(usize, usize)> = kept.iter().map(|&j| (j, 0)).collect();
        let mut solution = Solution::empty(&model);
        if !solution.set_route(&model, 0, &kept) {
            continue;
        }
        let route = &solution.routes[0];
        bounded_routes += usize::from(route.has_bounds());
        let mut plain: Option<(usize, Cost)> = None;
        for position in 0..=route.len() {
            let exact = route.cost_with_insertion(&model, position, *new_job, 0);
            let estimate = route.estimate_insertion(&model, position, *new_job, 0);
            assert!(
                at_most(estimate, exact),
                "insertion at {position}: {estimate:?} above {exact:?}"
            );
            let Some(exact) = exact else { continue };
            let delta = exact.minus(route.cost);
            if plain.is_none_or(|(_, best)| delta.is_better(&best)) {
                plain = Some((position, delta));
            }
            insertions += 1;
        }
        for position in 0..route.len() {
            let exact = route.cost_without(&model, position);
            assert!(at_most(route.estimate_without(&model, position), exact));
            let exact = route.cost_with_replacement(&model, position, *new_job, 0);
            assert!(at_most(
                route.estimate_replacement(&model, position, *new_job, 0),
                exact
            ));
        }
        let mut all = kept.clone();
        all.push((*new_job, 0));
        let exact = Route::cost_of_jobs(&model, 0, &all);
        assert!(at_most(Route::estimate_of_jobs(&model, 0, &all), exact));
        let searched = best_insertion(&model, &solution, *new_job, 0, &[0], None)
            .map(|i| (i.position, i.delta));
        assert_eq!(searched, plain, "route {kept:?}, job {new_job}");
    }
    eprintln!("{bounded_routes} routes with bounds, {insertions} feasible insertions");
    assert!(bounded_routes > 200, "{bounded_routes} routes with bounds");
}

/// The bundled day as shipped (a lunch break for the day shifts) and with a
/// lunch break for every engineer (24x7 ones and multi-day drives to the
/// far west included): every break passes the independent checker, and no
/// incident is left unassigned for want of one.
#[test]
fn the_bundled_day_with_lunch_breaks_passes_the_checker() {
    let bundled = common::root().join("scenarios/china-baseline");
    let everyone = ScenarioCopy::of(&bundled);
    everyone.edit("engineers.csv", |text| {
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        assert!(header.ends_with(",break"), "{header}");
        let rows = lines.map(|row| {
            let (rest, _) = row.rsplit_once(',').unwrap_or((row, ""));
            format!("{rest},12:00-14:00/45m")
        });
        std::iter::once(header.to_string())
            .chain(rows)
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    for (dir, least) in [(bundled.as_path(), 10), (everyone.path(), 20)] {
        let s = scenario::load(dir).expect("scenario").scenario;
        let (travel, result) = solve(&s);
        let errors = check(&s, &travel, &s.incidents, &s.stock, &result);
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(result.breaks_taken() > least, "{}", result.breaks_taken());
        assert!(
            result.assignments.iter().all(|a| a.visit.is_some()),
            "unassigned with breaks"
        );
    }
}
