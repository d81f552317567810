//! Where a route's breaks go. The visit rule ([`crate::schedule::visit`]) takes a
//! break where it costs nothing (while idle before leaving, while waiting
//! on site) and otherwise puts it off while it can still be taken after the
//! visit; putting it off can cost more than taking it now, when the later
//! job has less slack to absorb it. So a route of a vehicle with breaks is
//! timed both ways at every point where the rule puts a break off
//! ([`crate::schedule::visit_or_rest_now`]: before leaving or on the way), and the
//! timing best by the route's lexicographic objective (breaches, minutes
//! late, cost with paid time) is kept. Within a gap the earliest start is
//! the best one: a later start only delays what follows it.
//!
//! Routes are short and only vehicles with breaks are timed this way. To
//! keep it cheap: timings that reach the same state after the same job are
//! merged (the cheaper one kept, their futures are the same); without paid
//! time priced or nights at home, a timing free no later, owing no more
//! breaks and no dearer term by term covers another; taking a break now is
//! not tried where putting it off and taking it right after the visit
//! would do as well; and a move stops re-timing once the timing left is
//! the route's own at an unchanged visit (its cached rest is then the best
//! continuation). So a route of `n` visits with one break has at most
//! `n + 1` timings at once; beyond [`MAX_TIMINGS`] (several breaks on long
//! routes) the cheapest prefixes and the rule's own timing are kept, so the
//! result is never worse than the rule's.

use super::cost::Cost;
use super::features::paid::Head;
use super::features::return_to_base::{EndLeg, end_leg, end_slack};
use super::model::{Model, NO_TIME, Vehicle};
use super::schedule::{State, Visit, visit_or_rest_now};

/// Most partial timings of one route kept at once.
pub const MAX_TIMINGS: usize = 64;

/// A route timed with its breaks placed.
#[derive(Clone, Debug)]
pub struct Timed {
    pub visits: Vec<Visit>,
    pub end: EndLeg,
    /// Visits plus end leg, plus the paid time's price when priced.
    pub cost: Cost,
}

/// One way of timing the first visits of a route.
#[derive(Clone, Copy, Debug)]
struct Partial {
    /// One past its last visit in the arena of [`search`] (`None`: no
    /// visit; `Some(0)` with the visits not kept).
    last: Option<usize>,
    from: State,
    /// Visit costs so far.
    cost: Cost,
    head: Head,
    /// Every break placed by the visit rule alone.
    by_rule: bool,
}

/// A visit of some partial timing and the visit before it in that timing.
struct Node {
    visit: Visit,
    /// One past the index of the visit before it (`None`: the first).
    before: Option<usize>,
}

/// The best timing of `jobs` (job, supply) in order for vehicle `vehicle`
/// leaving from `from`; `None` if no timing is feasible. Ties go to the
/// visit rule's own timing (or one covering it).
pub fn best_timing(
    model: &Model,
    vehicle: usize,
    from: State,
    jobs: &[(usize, usize)],
) -> Option<Timed> {
    let v = &model.vehicles[vehicle];
    match search(model, v, from, Head::START, jobs, true, |_, _| None)? {
        Found::Timed(timed) => Some(timed),
        Found::Settled(_) => None,
    }
}

/// The cost of [`best_timing`], ending early: `settled(j, state)` is the
/// cost of the jobs after `jobs[j]` and the end leg when that is known for
/// a vehicle in `state` after `jobs[j]` (a route's cached suffix). Asked
/// only while every timing left is in one state and paid time is not
/// priced: the best continuation from a state is then the best route's.
pub fn best_cost(
    model: &Model,
    vehicle: usize,
    from: State,
    jobs: &[(usize, usize)],
    settled: impl Fn(usize, State) -> Option<Cost>,
) -> Option<Cost> {
    let v = &model.vehicles[vehicle];
    Some(
        match search(model, v, from, Head::START, jobs, false, settled)? {
            Found::Timed(timed) => timed.cost,
            Found::Settled(cost) => cost,
        },
    )
}

/// The cost of the best timing of `jobs` for `vehicle` free in `from` after
/// visits summarised by `head` (their paid time priced with the rest): the
/// visits from `from` on, the end leg and, when priced, the whole route's
/// paid time.
pub fn best_cost_after(
    model: &Model,
    vehicle: &Vehicle,
    from: State,
    head: Head,
    jobs: &[(usize, usize)],
) -> Option<Cost> {
    Some(
        match search(model, vehicle, from, head, jobs, false, |_, _| None)? {
            Found::Timed(timed) => timed.cost,
            Found::Settled(cost) => cost,
        },
    )
}

/// What [`search`] ends with.
enum Found {
    Timed(Timed),
    /// Only the cost, the rest of the route known.
    Settled(Cost),
}

/// The best timing of `jobs` for `v` free in `from` after visits summarised
/// by `head`, its visits kept with `keep_visits` (else only its cost and end
/// leg), or its cost once `settled`.
fn search(
    model: &Model,
    v: &Vehicle,
    from: State,
    head: Head,
    jobs: &[(usize, usize)],
    keep_visits: bool,
    settled: impl Fn(usize, State) -> Option<Cost>,
) -> Option<Found> {
    let priced = model.pay.is_priced();
    // Without paid time or nights at home, a timing free no later, owing no
    // more breaks and costing no more term by term leads to no worse a route
    // (a later start is never better for a job, and a break already taken
    // is one less to fit).
    let dominance = !priced && v.home.is_none();
    let mut arena: Vec<Node> = Vec::with_capacity(if keep_visits { 2 * jobs.len() } else { 0 });
    let mut partials = vec![Partial {
        last: None,
        from,
        cost: Cost::default(),
        head,
        by_rule: true,
    }];
    let mut next: Vec<Partial> = Vec::new();
    for (j, &(job, supply)) in jobs.iter().enumerate() {
        next.clear();
        for p in &partials {
            let (by_rule, mut taking) = visit_or_rest_now(model, v, p.from, job, supply);
            if dominance && by_rule.zip(taking).is_some_and(|(r, t)| no_gain(v, &r, &t)) {
                taking = None;
            }
            for (w, rule) in [(by_rule, p.by_rule), (taking, false)] {
                let Some(w) = w else { continue };
                if keep_visits {
                    arena.push(Node {
                        visit: w,
                        before: p.last,
                    });
                }
                let q = Partial {
                    last: Some(arena.len()),
                    from: w.state(model),
                    cost: p.cost.plus(w.cost),
                    head: p.head.then(model, v, &w),
                    by_rule: rule,
                };
                merge(model, dominance, &mut next, q);
            }
        }
        match next[..] {
            [] => return None,
            [only] if !priced => {
                if let Some(rest) = settled(j, only.from) {
                    return Some(Found::Settled(only.cost.plus(rest)));
                }
            }
            _ => {}
        }
        if next.len() > MAX_TIMINGS {
            keep_cheapest(&mut next);
        }
        std::mem::swap(&mut partials, &mut next);
    }
    let mut best: Option<(Partial, EndLeg, Cost)> = None;
    for p in partials {
        let Some(end) = end_leg(model, v, p.from.place, p.from.at) else {
            continue;
        };
        let mut cost = p.cost.plus(Cost::travel(end.cost));
        if priced && p.head.depart != NO_TIME {
            let pay = p.head.pay(model, v, end_slack(v, &end), end.arrive);
            cost = cost.plus(Cost::travel(pay));
        }
        let better = best.as_ref().is_none_or(|(q, _, c)| {
            cost.is_better(c) || (p.by_rule && !q.by_rule && !c.is_better(&cost))
        });
        if better {
            best = Some((p, end, cost));
        }
    }
    let (p, end, cost) = best?;
    let mut visits = Vec::with_capacity(jobs.len());
    let mut at = p.last.filter(|_| keep_visits);
    while let Some(k) = at.and_then(|k| k.checked_sub(1)) {
        visits.push(arena[k].visit);
        at = arena[k].before;
    }
    visits.reverse();
    Some(Found::Timed(Timed { visits, end, cost }))
}

/// Adds `p` to `partials` unless one of them covers it, dropping those it
/// covers ([`covers`]); a timing that covers the rule's own stands for it.
fn merge(model: &Model, dominance: bool, partials: &mut Vec<Partial>, p: Partial) {
    let covers = |a: &Partial, b: &Partial| covers(model, dominance, a, b);
    if let Some(q) = partials.iter_mut().find(|q| covers(q, &p)) {
        q.by_rule |= p.by_rule;
        return;
    }
    let mut by_rule = p.by_rule;
    partials.retain(|q| {
        let covered = covers(&p, q);
        by_rule |= covered && q.by_rule;
        !covered
    });
    partials.push(Partial { by_rule, ..p });
}

/// Whether timing `a` leads to a route no worse than `b` whatever follows:
/// the same state (with paid time priced, the same paid-time summary too)
/// at no higher cost, or, with `dominance`, at the same place owing no
/// more breaks, free no later and no dearer term by term.
fn covers(model: &Model, dominance: bool, a: &Partial, b: &Partial) -> bool {
    if a.from == b.from && (!model.pay.is_priced() || a.head == b.head) {
        return !b.cost.is_better(&a.cost);
    }
    dominance
        && a.from.place == b.from.place
        && a.from.next_rest >= b.from.next_rest
        && a.from.at <= b.from.at
        && no_worse(&a.cost, &b.cost)
}

/// Whether taking the break now (`taking`) gains nothing over putting it
/// off (`by_rule`), the timing putting it off being free to take it right
/// after this visit, before leaving for the next: the break then ends no
/// later than `taking` is free, and `taking` costs no less term by term.
/// (Where the next visit does not put it off again, the rule takes it no
/// later than that; after the last visit it is not needed.)
fn no_gain(v: &Vehicle, by_rule: &Visit, taking: &Visit) -> bool {
    let Some(rest) = v.rests.get(by_rule.next_rest) else {
        return true;
    };
    let rested = by_rule.finish.max(rest.open) + rest.length;
    rested <= taking.finish && no_worse(&by_rule.cost, &taking.cost)
}

/// Whether `a` is no worse than `b` in every term.
fn no_worse(a: &Cost, b: &Cost) -> bool {
    let le = |x: f64, y: f64| x <= y + 1e-9 * (1.0 + x.abs().max(y.abs()));
    le(a.breaches, b.breaches)
        && le(a.late_minutes, b.late_minutes)
        && le(a.travel_minutes, b.travel_minutes)
}

/// Keeps the [`MAX_TIMINGS`] cheapest partial timings, the rule's own
/// among them (so the result is never worse than the rule).
fn keep_cheapest(partials: &mut Vec<Partial>) {
    partials.sort_by(|a, b| b.by_rule.cmp(&a.by_rule).then(a.cost.lex_cmp(&b.cost)));
    partials.truncate(MAX_TIMINGS);
}
