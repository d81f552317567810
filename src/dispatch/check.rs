//! An independent feasibility check of a dispatch. It recomputes deadlines,
//! travel times and shifts from the scenario rather than from the solver's
//! precomputed problem, so a solver bug cannot hide behind its own cache.

use super::shift::day_bounds;
use super::{Dispatch, Live, Mode, Status};
use crate::calendar::{BusinessRule, BusinessTimeline, Seconds};
use crate::scenario::{Engineer, Incident, Location, Scenario, StockLevel};
use crate::scenario::{SiteClocks, scenario_years};
use crate::travel::{Endpoint, TravelTimes};
use std::collections::HashMap;

/// Seconds of rounding allowed between the solver's and the checker's times.
const TOLERANCE: Seconds = 2;

/// Every violated constraint, as a sentence; empty when feasible.
pub fn check(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    dispatch: &Dispatch,
) -> Vec<String> {
    check_live(
        scenario,
        travel,
        incidents,
        stock,
        &Live::default(),
        dispatch,
    )
}

/// As [`check`], for a dispatch from engineers' states with pinned jobs:
/// an engineer already out starts from their location no earlier than
/// their availability, and each engineer's pinned jobs come first, in
/// their previous order, with their engineer, depot and mode.
pub fn check_live(
    scenario: &Scenario,
    travel: &TravelTimes,
    incidents: &[Incident],
    stock: &[StockLevel],
    live: &Live,
    dispatch: &Dispatch,
) -> Vec<String> {
    let mut errors = Vec::new();
    if dispatch.assignments.len() != incidents.len() {
        errors.push(format!(
            "{} assignments for {} incidents",
            dispatch.assignments.len(),
            incidents.len()
        ));
        return errors;
    }
    check_assignments(scenario, incidents, dispatch, &mut errors);
    check_stock(scenario, incidents, stock, dispatch, &mut errors);
    let rules = RouteRules::of(scenario, live, dispatch);
    check_routes(&rules, travel, incidents, dispatch, &mut errors);
    check_breaks(&rules, travel, incidents, dispatch, &mut errors);
    check_paid(&rules, dispatch, &mut errors);
    check_pins(scenario, incidents, live, dispatch, &mut errors);
    errors
}

fn check_pins(
    scenario: &Scenario,
    incidents: &[Incident],
    live: &Live,
    dispatch: &Dispatch,
    errors: &mut Vec<String>,
) {
    for (e, route) in dispatch.routes.iter().enumerate() {
        let mut pins: Vec<&crate::scenario::Pin> = live
            .pins
            .iter()
            .filter(|p| p.engineer.index() == e)
            .collect();
        pins.sort_by_key(|p| p.depart);
        for (k, pin) in pins.iter().enumerate() {
            let id = &incidents[pin.incident].id;
            if route.get(k) != Some(&pin.incident) {
                errors.push(format!(
                    "{id}: pinned as {}'s job {} but not there",
                    scenario.engineers[e].id,
                    k + 1
                ));
            }
            match &dispatch.assignments[pin.incident].visit {
                Some((_, v)) if v.job.depot == pin.depot && v.job.mode == pin.mode => {}
                _ => errors.push(format!("{id}: pinned depot or mode changed")),
            }
        }
    }
}

fn check_assignments(
    scenario: &Scenario,
    incidents: &[Incident],
    dispatch: &Dispatch,
    errors: &mut Vec<String>,
) {
    let clocks = match SiteClocks::for_scenario(scenario) {
        Ok(clocks) => clocks,
        Err(e) => return errors.push(format!("clocks: {e}")),
    };
    for (k, a) in dispatch.assignments.iter().enumerate() {
        let incident = &incidents[k];
        let id = &incident.id;
        if a.incident != k {
            errors.push(format!(
                "{id}: assignment {k} names incident {}",
                a.incident
            ));
        }
        match clocks
            .of(incident.site)
            .deadline(incident.opened.timestamp())
        {
            Ok(deadline) if deadline != a.deadline => errors.push(format!(
                "{id}: deadline {} differs from the SLA clock's {deadline}",
                a.deadline
            )),
            Err(e) => errors.push(format!("{id}: no deadline: {e}")),
            Ok(_) => {}
        }
        let expected = match &a.visit {
            None => Status::Unassigned,
            Some((_, v)) if v.arrive <= a.deadline => Status::OnTime,
            Some(_) => Status::Late,
        };
        if expected != a.status {
            errors.push(format!(
                "{id}: status {:?}, expected {expected:?}",
                a.status
            ));
        }
        if a.status != Status::OnTime && a.reason.is_none() {
            errors.push(format!("{id}: {:?} without a reason", a.status));
        }
        if let Some((engineer, _)) = &a.visit {
            let skill = &scenario.part(incident.part).skill;
            if !scenario.engineer(*engineer).has_skill(skill) {
                errors.push(format!(
                    "{id}: engineer {} lacks skill {skill}",
                    scenario.engineer(*engineer).id
                ));
            }
        }
    }
}

fn check_stock(
    scenario: &Scenario,
    incidents: &[Incident],
    stock: &[StockLevel],
    dispatch: &Dispatch,
    errors: &mut Vec<String>,
) {
    let mut left: HashMap<(usize, usize), i64> = HashMap::new();
    for level in stock {
        *left
            .entry((level.depot.index(), level.part.index()))
            .or_default() += i64::from(level.on_hand);
    }
    for (k, a) in dispatch.assignments.iter().enumerate() {
        if let Some((_, v)) = &a.visit {
            let key = (v.job.depot.index(), incidents[k].part.index());
            let units = left.entry(key).or_default();
            *units -= 1;
            if *units < 0 {
                errors.push(format!(
                    "{}: depot {} has no unit of {} left",
                    incidents[k].id,
                    scenario.depot(v.job.depot).id,
                    scenario.part(incidents[k].part).id
                ));
            }
        }
    }
}

fn hours_secs(travel: &TravelTimes, from: Endpoint, to: Endpoint) -> Option<Seconds> {
    if from == to {
        return Some(0);
    }
    travel
        .hours_between(from, to)
        .hours()
        .map(|h| (h * 3600.0).round() as Seconds)
}

/// What the route, paid-time and break checks all read from the scenario,
/// the live state and the dispatch, read once.
struct RouteRules<'a> {
    scenario: &'a Scenario,
    live: &'a Live,
    /// The years the shift timelines cover.
    years: std::ops::RangeInclusive<i32>,
    /// How long past a duty block's end work may run (`max_overtime`).
    overtime: Seconds,
    /// More than one day planned: engineers go home between duty blocks
    /// and work only the planned days.
    multi_day: bool,
}

impl<'a> RouteRules<'a> {
    fn of(scenario: &'a Scenario, live: &'a Live, dispatch: &Dispatch) -> RouteRules<'a> {
        RouteRules {
            scenario,
            live,
            years: scenario_years(scenario),
            overtime: (scenario.dispatch.max_overtime_hours * 3600.0).round() as Seconds,
            multi_day: dispatch.days > 1,
        }
    }

    fn timeline(&self, engineer: &Engineer) -> Result<BusinessTimeline, String> {
        timeline_of(engineer, self.years.clone())
    }

    /// Whether an engineer free at `free` spent the gap before a drive
    /// leaving at `depart` at home: several days planned and the duty
    /// block of the departure began after they were free.
    fn went_home(
        &self,
        timeline: &BusinessTimeline,
        depart: Seconds,
        free: Option<Seconds>,
    ) -> bool {
        self.multi_day
            && duty_window(timeline, depart, self.overtime)
                .zip(free)
                .is_some_and(|((start, _), f)| start > f)
    }

    /// Engineer `e`'s live state, if given.
    fn state(&self, e: usize) -> Option<&'a crate::scenario::EngineerState> {
        self.live.engineers.iter().find(|s| s.engineer.index() == e)
    }

    /// Where engineer `e` starts: their live location, or their base.
    fn start_place(&self, e: usize, engineer: &Engineer) -> Endpoint {
        match self.state(e).map(|s| s.location) {
            Some(Location::Site(site)) => Endpoint::Site(site),
            Some(Location::Depot(depot)) => Endpoint::Depot(depot),
            None => Endpoint::Depot(engineer.base),
        }
    }

    /// The length of `engineer`'s break, 0 without one.
    fn break_length(&self, engineer: &Engineer) -> Seconds {
        self.scenario
            .breaks
            .get(&engineer.id)
            .map_or(0, |b| Seconds::from(b.minutes) * 60)
    }
}

fn check_routes(
    rules: &RouteRules,
    travel: &TravelTimes,
    incidents: &[Incident],
    dispatch: &Dispatch,
    errors: &mut Vec<String>,
) {
    let scenario = rules.scenario;
    let (overtime, multi_day) = (rules.overtime, rules.multi_day);
    let mut seen = vec![0usize; incidents.len()];
    let first_opening = incidents
        .iter()
        .map(|i| i.opened.timestamp())
        .min()
        .unwrap_or(0);
    for (e, route) in dispatch.routes.iter().enumerate() {
        let Some(engineer) = scenario.engineers.get(e) else {
            errors.push(format!("route {e} has no engineer"));
            continue;
        };
        let timeline = match rules.timeline(engineer) {
            Ok(t) => t,
            Err(message) => {
                errors.push(message);
                continue;
            }
        };
        let mut place = rules.start_place(e, engineer);
        let mut free: Option<Seconds> = rules.state(e).map(|s| s.available_from.timestamp());
        let base = Endpoint::Depot(engineer.base);
        let horizon_end = multi_day.then(|| {
            *day_bounds(engineer.shift.tz, first_opening, dispatch.days)
                .last()
                .unwrap_or(&first_opening)
        });
        for &k in route {
            let Some(a) = dispatch.assignments.get(k) else {
                errors.push(format!("{}: route names incident {k}", engineer.id));
                continue;
            };
            seen[k] += 1;
            let id = &incidents[k].id;
            let Some((assigned_to, v)) = &a.visit else {
                errors.push(format!("{id}: in {}'s route but unassigned", engineer.id));
                continue;
            };
            if assigned_to.index() != e {
                errors.push(format!(
                    "{id}: in {}'s route but assigned elsewhere",
                    engineer.id
                ));
            }
            let went_home = rules.went_home(&timeline, v.depart, free);
            let ctx = Leg {
                scenario,
                travel,
                incident: &incidents[k],
                from: if went_home { base } else { place },
                break_length: rules.break_length(engineer),
            };
            errors.extend(ctx.check(v).into_iter().map(|m| format!("{id}: {m}")));
            if free.is_some_and(|f| v.depart < f) {
                errors.push(format!(
                    "{id}: departs before the engineer is free (previous job or availability)"
                ));
            }
            // The last day's blocks may run into overtime past its midnight.
            if horizon_end.is_some_and(|end| v.finish > end + overtime) {
                errors.push(format!(
                    "{id}: finishes after the {} planned days",
                    dispatch.days
                ));
            }
            let repair = repair_secs(scenario, &incidents[k]);
            let paused = scenario.part(incidents[k].part).pausable && v.finish > v.arrive + repair;
            // A paused repair starts on duty; the rest is checked below.
            let on_duty_until = if paused { v.arrive + 1 } else { v.finish };
            if let Some(gap) = off_duty(&timeline, v.depart, on_duty_until, overtime) {
                errors.push(format!("{id}: {} off duty at {gap}", engineer.id));
            }
            if paused {
                let resume = if multi_day {
                    hours_secs(travel, base, Endpoint::Site(incidents[k].site))
                } else {
                    Some(0)
                };
                if let Some(problem) = paused_repair(&timeline, v, repair, resume, overtime) {
                    errors.push(format!("{id}: {problem}"));
                }
            }
            place = Endpoint::Site(incidents[k].site);
            free = Some(v.finish);
        }
    }
    for (k, a) in dispatch.assignments.iter().enumerate() {
        let expected = usize::from(a.visit.is_some());
        if seen[k] != expected {
            errors.push(format!(
                "{}: in {} routes, expected {expected}",
                incidents[k].id, seen[k]
            ));
        }
    }
}

/// Each engineer's paid time and overtime, recomputed day by day from the
/// routes: a trip runs from a departure (the route's first, or one from
/// home after the night) to the last finish before the next; each duty
/// window is a day, paid for its on-duty time out less the breaks taken
/// while out, its overtime the part beyond `overtime_after` hours or past
/// the shift's end (the `max_overtime` tail of the window), whichever is
/// longer. The sums must be what the dispatch reports.
fn check_paid(rules: &RouteRules, dispatch: &Dispatch, errors: &mut Vec<String>) {
    let scenario = rules.scenario;
    let past_shift = rules.overtime;
    let after = scenario
        .dispatch
        .overtime_after_hours
        .map(|h| (h * 3600.0).round() as Seconds);
    for (e, route) in dispatch.routes.iter().enumerate() {
        let Some(engineer) = scenario.engineers.get(e) else {
            continue;
        };
        let Ok(timeline) = rules.timeline(engineer) else {
            continue;
        };
        let break_length = rules.break_length(engineer);
        let visits: Vec<&super::JobTiming> = route
            .iter()
            .filter_map(|&k| dispatch.assignments.get(k)?.visit.as_ref())
            .map(|(_, v)| v)
            .collect();
        let mut free = rules.state(e).map(|s| s.available_from.timestamp());
        // Trips: (departure, end, starts of the breaks taken while out).
        let mut trips: Vec<(Seconds, Seconds, Vec<Seconds>)> = Vec::new();
        for v in visits {
            let went_home = rules.went_home(&timeline, v.depart, free);
            match trips.last_mut() {
                Some(trip) if !went_home => {
                    trip.1 = v.finish;
                    trip.2.extend(v.rest);
                }
                _ => trips.push((
                    v.depart,
                    v.finish,
                    v.rest.filter(|&at| at >= v.depart).into_iter().collect(),
                )),
            }
            free = Some(v.finish);
        }
        let (mut paid, mut overtime) = (0, 0);
        for (departure, end, rests) in &trips {
            let days = duty_windows(&timeline, *departure, *end, past_shift)
                .into_iter()
                .flat_map(|(start, stop)| {
                    // A round-the-clock window is paid by the day from its start.
                    (start..stop)
                        .step_by(86_400)
                        .map(move |day| (day, (day + 86_400).min(stop), stop))
                });
            for (start, stop, window_end) in days {
                let (from, to) = ((*departure).max(start), (*end).min(stop));
                if to <= from {
                    continue;
                }
                let rested = rests.iter().filter(|&&at| at >= start && at < stop).count();
                let day = (to - from - rested as Seconds * break_length).max(0);
                let past = (to - from.max(window_end - past_shift)).max(0);
                paid += day;
                overtime += after.map_or(0, |a| day - a).max(past).max(0);
            }
        }
        let days = trips.len() as Seconds * Seconds::from(dispatch.days);
        let reported = (
            dispatch.paid.get(e).copied().unwrap_or(0),
            dispatch.overtime.get(e).copied().unwrap_or(0),
        );
        if (reported.0 - paid).abs() > TOLERANCE * days
            || (reported.1 - overtime).abs() > TOLERANCE * days
        {
            errors.push(format!(
                "{}: paid {} s with {} s overtime reported, the routes give {paid} s with {overtime} s",
                engineer.id, reported.0, reported.1
            ));
        }
    }
}

/// Every engineer with a break (engineers.csv `break`) takes it on each
/// duty day their route works past its latest start: somewhere inside its
/// window the engineer is neither driving nor repairing for its length.
/// Every break the dispatch reports lies inside a break window and in such
/// free time, or on the road with the drive still as long as the road takes.
fn check_breaks(
    rules: &RouteRules,
    travel: &TravelTimes,
    incidents: &[Incident],
    dispatch: &Dispatch,
    errors: &mut Vec<String>,
) {
    let scenario = rules.scenario;
    for (e, route) in dispatch.routes.iter().enumerate() {
        let Some(engineer) = scenario.engineers.get(e) else {
            continue;
        };
        let jobs: Vec<&super::JobTiming> = route
            .iter()
            .filter_map(|&k| dispatch.assignments.get(k)?.visit.as_ref())
            .map(|(_, v)| v)
            .collect();
        let rule = scenario.breaks.get(&engineer.id);
        let (Some(rule), Some(first), Some(last)) = (rule, jobs.first(), jobs.last()) else {
            if jobs.iter().any(|v| v.rest.is_some()) {
                errors.push(format!("{}: a break but none is set", engineer.id));
            }
            continue;
        };
        let timeline = match rules.timeline(engineer) {
            Ok(t) => t,
            Err(message) => {
                errors.push(message);
                continue;
            }
        };
        let blocks = timeline
            .windows_between(first.depart - 86_400, last.finish + 86_400)
            .map(|(_, start, end)| (start, end));
        let rests = super::rest::rests_of(rule, engineer.shift.tz, blocks);
        let length = Seconds::from(rule.minutes) * 60;
        let mut free = free_time(&jobs);
        let start = rules.start_place(e, engineer);
        let places =
            std::iter::once(start).chain(route.iter().map(|&k| Endpoint::Site(incidents[k].site)));
        let frees = std::iter::once(rules.state(e).map(|s| s.available_from.timestamp()))
            .chain(jobs.iter().map(|v| Some(v.finish)));
        for (((v, place), free_at), &k) in jobs.iter().zip(places).zip(frees).zip(route) {
            // Over several days a drive in a block begun after the engineer
            // was free starts from home, as check_routes has it.
            let went_home = rules.went_home(&timeline, v.depart, free_at);
            let from = if went_home {
                Endpoint::Depot(engineer.base)
            } else {
                place
            };
            let Some(at) = v.rest else { continue };
            let end = at + length;
            let in_window = rests
                .iter()
                .any(|r| r.open <= at + TOLERANCE && end <= r.close + TOLERANCE);
            let in_free = free
                .iter()
                .any(|&(from, to)| from <= at + TOLERANCE && end <= to.saturating_add(TOLERANCE));
            let on_the_road = v.depart <= at + TOLERANCE
                && end <= v.engineer_arrive + TOLERANCE
                && road_time(scenario, travel, from, &incidents[k], v)
                    .is_some_and(|road| v.engineer_arrive - v.depart - length + TOLERANCE >= road);
            if in_window && on_the_road {
                free.push((at, end));
            }
            // A drive of several days takes each day's break on the road.
            let slack = road_time(scenario, travel, from, &incidents[k], v)
                .map_or(0, |road| v.engineer_arrive - v.depart - road);
            if on_the_road && slack + TOLERANCE >= 2 * length {
                free.push((v.depart, v.engineer_arrive));
            }
            if !in_window || !(in_free || on_the_road) {
                errors.push(format!(
                    "{}: break at {} {}",
                    engineer.id,
                    crate::calendar::format_instant(at, engineer.shift.tz),
                    if in_window {
                        "while driving or repairing"
                    } else {
                        "outside its window"
                    }
                ));
            }
        }
        for rest in rests.iter().filter(|r| last.finish > r.latest_start()) {
            let fits = free.iter().any(|&(from, to)| {
                to.min(rest.close) - from.max(rest.open) + TOLERANCE >= rest.length
            });
            if !fits {
                errors.push(format!(
                    "{}: no break of {} min between {} and {} (works past its latest start)",
                    engineer.id,
                    rule.minutes,
                    crate::calendar::format_instant(rest.open, engineer.shift.tz),
                    crate::calendar::format_instant(rest.close, engineer.shift.tz),
                ));
            }
        }
    }
}

/// The spans of a route's jobs (in order) in which the engineer neither
/// drives nor repairs: before the first departure, waiting on site, between
/// a finish and the next departure, after the last finish.
fn free_time(jobs: &[&super::JobTiming]) -> Vec<(Seconds, Seconds)> {
    let mut free = Vec::with_capacity(2 * jobs.len() + 1);
    let mut from = Seconds::MIN;
    for v in jobs {
        free.push((from, v.depart));
        free.push((v.engineer_arrive, v.arrive));
        from = v.finish;
    }
    free.push((from, Seconds::MAX));
    free
}

/// The least time from `from` to the incident's site the road allows for
/// job `v`: by its depot, with the handling there, when the engineer
/// collects the part.
fn road_time(
    scenario: &Scenario,
    travel: &TravelTimes,
    from: Endpoint,
    incident: &Incident,
    v: &super::JobTiming,
) -> Option<Seconds> {
    let site = Endpoint::Site(incident.site);
    match v.job.mode {
        Mode::Courier => hours_secs(travel, from, site),
        Mode::EngineerPickup => {
            let depot = Endpoint::Depot(v.job.depot);
            let handling = (scenario.travel.handling_hours * 3600.0).round() as Seconds;
            Some(hours_secs(travel, from, depot)? + handling + hours_secs(travel, depot, site)?)
        }
    }
}

/// One job's timing against travel times and the opening.
struct Leg<'a> {
    scenario: &'a Scenario,
    travel: &'a TravelTimes,
    incident: &'a Incident,
    from: Endpoint,
    /// The engineer's break length (0 without one).
    break_length: Seconds,
}

impl Leg<'_> {
    fn check(&self, v: &super::JobTiming) -> Vec<String> {
        let mut errors = Vec::new();
        let site = Endpoint::Site(self.incident.site);
        let depot = Endpoint::Depot(v.job.depot);
        let handling = (self.scenario.travel.handling_hours * 3600.0).round() as Seconds;
        let opened = self.incident.opened.timestamp();
        if v.depart < opened {
            errors.push("departs before the incident opened".to_string());
        }
        match v.job.mode {
            Mode::EngineerPickup => {
                match hours_secs(self.travel, self.from, depot) {
                    Some(t) if v.pickup + TOLERANCE < v.depart + t => {
                        errors.push("reaches the depot faster than the road allows".into())
                    }
                    None => errors.push("depot unreachable from the engineer".into()),
                    _ => {}
                }
                match hours_secs(self.travel, depot, site) {
                    Some(t) if v.engineer_arrive + TOLERANCE < v.pickup + handling + t => {
                        errors.push("reaches the site faster than the road allows".into())
                    }
                    None => errors.push("site unreachable from the depot".into()),
                    _ => {}
                }
                if v.part_arrive != v.engineer_arrive {
                    errors.push("part arrives without the engineer who carries it".into());
                }
            }
            Mode::Courier => {
                let factor = self.scenario.dispatch.courier_speed_factor;
                let factor = if factor > 0.0 { factor } else { 1.0 };
                match hours_secs(self.travel, depot, site) {
                    Some(t) => {
                        let courier = (t as f64 / factor).round() as Seconds;
                        if v.part_arrive + TOLERANCE < opened + handling + courier {
                            errors.push("courier faster than the road allows".into());
                        }
                    }
                    None => errors.push("site unreachable from the depot".into()),
                }
                match hours_secs(self.travel, self.from, site) {
                    Some(t) if v.engineer_arrive + TOLERANCE < v.depart + t => {
                        errors.push("engineer faster than the road allows".into())
                    }
                    None => errors.push("site unreachable from the engineer".into()),
                    _ => {}
                }
            }
        }
        // A break taken on site comes before the repair.
        let break_end = v
            .rest
            .filter(|&at| at >= v.engineer_arrive)
            .map_or(Seconds::MIN, |at| at + self.break_length);
        if v.arrive != v.engineer_arrive.max(v.part_arrive).max(break_end) {
            errors
                .push("arrival is not the later of engineer and part (and a break on site)".into());
        }
        if v.finish < v.arrive + repair_secs(self.scenario, self.incident) {
            errors.push("repair shorter than the part's repair_hours".into());
        }
        errors
    }
}

/// The part's repair time in seconds.
fn repair_secs(scenario: &Scenario, incident: &Incident) -> Seconds {
    (scenario.part(incident.part).repair_hours.max(0.0) * 3600.0).round() as Seconds
}

/// The duty windows overlapping `[from, to)`, each lengthened by the
/// `overtime` allowed past its end, touching or overlapping ones merged.
fn duty_windows(
    timeline: &BusinessTimeline,
    from: Seconds,
    to: Seconds,
    overtime: Seconds,
) -> Vec<(Seconds, Seconds)> {
    let mut merged: Vec<(Seconds, Seconds)> = Vec::new();
    for (_, start, end) in timeline.windows_between(from - overtime - 86_400, to.max(from + 1)) {
        let end = end + overtime;
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged.retain(|&(_, end)| end > from);
    merged
}

/// The merged duty window on duty at `instant`, if any.
fn duty_window(
    timeline: &BusinessTimeline,
    instant: Seconds,
    overtime: Seconds,
) -> Option<(Seconds, Seconds)> {
    duty_windows(timeline, instant, instant + 1, overtime)
        .into_iter()
        .find(|&(start, end)| start <= instant && instant < end)
}

/// What is wrong with a paused repair of `repair` seconds: it must
/// finish on duty, and its on-duty time from the repair start to the
/// finish, less the drive back (`resume`, `None`: the site cannot be
/// reached) at the start of each later window, must cover the repair.
fn paused_repair(
    timeline: &BusinessTimeline,
    v: &super::JobTiming,
    repair: Seconds,
    resume: Option<Seconds>,
    overtime: Seconds,
) -> Option<String> {
    let Some(resume) = resume else {
        return Some("paused, but the site is unreachable from the engineer's base".into());
    };
    if off_duty(timeline, v.finish - 1, v.finish, overtime).is_some() {
        return Some("paused repair finishes off duty".into());
    }
    let mut worked = 0;
    for (start, end) in duty_windows(timeline, v.arrive, v.finish, overtime) {
        let from = if start <= v.arrive {
            v.arrive
        } else {
            start + resume
        };
        worked += (end.min(v.finish) - from).max(0);
    }
    (worked + TOLERANCE < repair).then(|| {
        format!(
            "paused repair works {} s on duty, less than the part's {repair} s",
            worked
        )
    })
}

fn timeline_of(
    engineer: &Engineer,
    years: std::ops::RangeInclusive<i32>,
) -> Result<BusinessTimeline, String> {
    let rule = BusinessRule {
        window: engineer.shift.window,
        days: engineer.shift.days,
        calendar: engineer.shift.calendar.clone(),
        tz: engineer.shift.tz,
    };
    BusinessTimeline::new(rule, years).map_err(|e| format!("{}: shift: {e}", engineer.id))
}

/// The first instant of `[from, to)` the engineer is off duty, if any,
/// each duty window lengthened by the `overtime` allowed past its end.
fn off_duty(
    timeline: &BusinessTimeline,
    from: Seconds,
    to: Seconds,
    overtime: Seconds,
) -> Option<Seconds> {
    let mut covered = from;
    let windows_from = from - overtime;
    for (_, start, end) in timeline.windows_between(windows_from, to.max(from + 1)) {
        if start > covered {
            return Some(covered);
        }
        covered = covered.max(end + overtime);
        if covered >= to.max(from + 1) {
            return None;
        }
    }
    Some(covered)
}
