//! The share of a site's failures at which an engineer can be on site by
//! the deadline. Failures arrive at a constant rate, so the share is taken
//! over failure instants spread evenly across the horizon: one every
//! [`SAMPLE_SECONDS`], at the centre of its step. For each instant the
//! timing is the one `dispatch` and `simulate` use for an idle engineer at
//! base: leave at the failure or at the start of the next duty block, be on
//! site when both engineer and part are there (the part by courier, or
//! collected by the engineer on the way), and finish the repair inside the
//! block, else try the next block.

use crate::calendar::{Seconds, SlaClock};
use sparesla_routing::features::shifts::MAX_BLOCKS;
use sparesla_routing::model::DutyBlocks;

/// Seconds between two sampled failure instants. Ten minutes keeps the
/// error of a share below a few tenths of a percent where shift and
/// deadline boundaries fall between samples, at 52,560 samples a year.
pub const SAMPLE_SECONDS: Seconds = 600;

/// Engineers of one duty rule who can respond: the quickest of them
/// decides, since they are all on duty at the same times.
#[derive(Clone, Copy, Debug)]
pub struct Responder<'a> {
    pub duty: &'a DutyBlocks,
    /// Driving seconds from base to the site.
    pub drive: Seconds,
    /// The chance that all of them are on other jobs when a failure
    /// comes (0: always free).
    pub busy: f64,
    /// Seconds from leaving base to being on site with the part collected
    /// on the way (`None`: none of them is based where the part is). It
    /// only wins over a courier slower than the engineer.
    pub pickup: Option<Seconds>,
}

impl Responder<'_> {
    /// When the engineer, leaving at `leave`, is on site with the part: the
    /// later of engineer and courier, or sooner by collecting the part.
    fn arrival(&self, leave: Seconds, part_on_site: Seconds) -> Seconds {
        let by_courier = (leave + self.drive).max(part_on_site);
        self.pickup
            .map_or(by_courier, |pickup| by_courier.min(leave + pickup))
    }
}

/// When a failure's part can be on site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartArrival {
    /// This many seconds after the failure, and no sooner (an emergency
    /// shipment).
    After(Seconds),
    /// On the shelf of the site's part depot: a courier brings it this many
    /// seconds after the failure, or an engineer based there collects it
    /// on the way ([`Responder::pickup`]).
    OnTheShelf(Seconds),
}

/// The deadlines of one contract clock at every sampled failure instant.
#[derive(Clone, Debug)]
pub struct ClockSamples {
    /// `None` where the deadline falls in a year the calendar does not
    /// cover: such failures are not rated, as in `simulate`.
    deadlines: Vec<Option<Seconds>>,
    /// The least time any rated failure is given (deadline minus failure).
    least_allowed: Seconds,
    /// The most time any rated failure is given.
    most_allowed: Seconds,
}

impl ClockSamples {
    /// The most time any rated failure is given: an engineer farther away
    /// never makes a deadline of this clock.
    pub fn least_allowed(&self) -> Seconds {
        self.least_allowed
    }

    pub fn most_allowed(&self) -> Seconds {
        self.most_allowed
    }
}

/// Sampled failure instants over a horizon.
#[derive(Clone, Debug)]
pub struct Samples {
    instants: Vec<Seconds>,
}

impl Samples {
    /// One instant per [`SAMPLE_SECONDS`] of `[from, to)`, at the centre of its step.
    pub fn over(from: Seconds, to: Seconds) -> Self {
        Self::with_step(from, to, SAMPLE_SECONDS)
    }

    /// As [`Samples::over`] with another step (tests work by hand with coarse ones).
    pub fn with_step(from: Seconds, to: Seconds, step: Seconds) -> Self {
        let count = ((to - from).max(0) / step.max(1)) as usize;
        Samples {
            instants: (0..count)
                .map(|i| from + i as Seconds * step + step / 2)
                .collect(),
        }
    }

    /// Seconds on duty per 365-day year within the sampled span.
    pub fn duty_per_year(&self, duty: &DutyBlocks) -> f64 {
        let (Some(&first), Some(&last)) = (self.instants.first(), self.instants.last()) else {
            return 0.0;
        };
        let on_duty: Seconds = duty
            .from(first)
            .iter()
            .take_while(|b| b.start < last)
            .map(|b| b.end.min(last) - b.start.max(first))
            .filter(|d| *d > 0)
            .sum();
        let span = (last - first).max(1) as f64;
        on_duty as f64 * (365.0 * 86_400.0) / span
    }

    pub fn len(&self) -> usize {
        self.instants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.instants.is_empty()
    }

    /// The deadlines of `clock` at every instant.
    pub fn deadlines(&self, clock: &SlaClock) -> ClockSamples {
        let mut deadlines = Vec::with_capacity(self.instants.len());
        let mut least_allowed = Seconds::MAX;
        let mut most_allowed = 0;
        for &t in &self.instants {
            match clock.deadline(t) {
                Ok(deadline) => {
                    least_allowed = least_allowed.min(deadline - t);
                    most_allowed = most_allowed.max(deadline - t);
                    deadlines.push(Some(deadline));
                }
                // A year the calendar lacks: not rated, as in `simulate`.
                Err(_) => deadlines.push(None),
            }
        }
        ClockSamples {
            deadlines,
            least_allowed,
            most_allowed,
        }
    }

    /// The share of rated failure instants at which one of `responders`
    /// is on site by the deadline with the repair done on duty.
    pub fn share(
        &self,
        clock: &ClockSamples,
        responders: &[Responder],
        part: PartArrival,
        repair: Seconds,
    ) -> f64 {
        if responders.is_empty() {
            return 0.0;
        }
        let (part_lead, collectable) = match part {
            PartArrival::After(lead) => (lead, false),
            PartArrival::OnTheShelf(lead) => (lead, true),
        };
        // Only a part on a depot's shelf can be collected.
        let responders: Vec<Responder> = responders
            .iter()
            .map(|r| Responder {
                pickup: r.pickup.filter(|_| collectable),
                ..*r
            })
            .collect();
        let responders = responders.as_slice();
        let rated = clock.deadlines.iter().flatten().count();
        if rated == 0 {
            return 1.0;
        }
        // Responders on time for every failure need no sampling: only the
        // chance that they are all busy at once remains of them.
        let (always, sometimes): (Vec<&Responder>, Vec<&Responder>) = responders
            .iter()
            .partition(|r| always_on_time(r, clock, part_lead, repair, &self.instants));
        let always_busy: f64 = always.iter().map(|r| r.busy).product();
        if always_busy == 0.0 {
            return 1.0;
        }
        if sometimes.is_empty() {
            // Only the always-on-time ones, each instant alike. (Unrated
            // instants count for nothing either way.)
            return 1.0 - always_busy;
        }
        // One cursor per responder: instants ascend, so the first block
        // ending after an instant only moves forward.
        let mut cursors = vec![0usize; sometimes.len()];
        let mut met = 0.0;
        for (&t, deadline) in self.instants.iter().zip(&clock.deadlines) {
            let Some(deadline) = *deadline else { continue };
            let mut all_busy = always_busy;
            for (r, cursor) in sometimes.iter().zip(&mut cursors) {
                let blocks = r.duty.blocks();
                while *cursor < blocks.len() && blocks[*cursor].end <= t {
                    *cursor += 1;
                }
                let able =
                    responds_in_time(&blocks[*cursor..], t, deadline, r, t + part_lead, repair);
                if able {
                    all_busy *= r.busy;
                    if all_busy == 0.0 {
                        break;
                    }
                }
            }
            met += 1.0 - all_busy;
        }
        met / rated as f64
    }
}

/// Whether an engineer on duty for all of the samples and quick enough for
/// the tightest deadline meets every failure (the common 24x7 case, which
/// then needs no sampling).
fn always_on_time(
    responder: &Responder,
    clock: &ClockSamples,
    part_lead: Seconds,
    repair: Seconds,
    instants: &[Seconds],
) -> bool {
    let (Some(&first), Some(&last)) = (instants.first(), instants.last()) else {
        return true;
    };
    let arrive = responder.arrival(0, part_lead);
    arrive <= clock.least_allowed
        && responder
            .duty
            .containing(first)
            .is_some_and(|block| block.end >= last + arrive + repair)
}

/// The routing engine's timing (`sparesla_routing::schedule::time_visit`)
/// for an idle engineer at base and a failure at `t`, in closed form: the
/// cover model runs it for every sampled instant of every site, skill and
/// staffing the planner tries, where building the engine's job per instant
/// would dominate the run. `tests/people_cover.rs` checks the two agree on
/// random duty blocks, drives, part leads and repairs. The rule:
/// leave at `t` or at the next block's start, arrive when engineer and part
/// are both there (or with the part collected on the way), and finish
/// inside the block (else try the next block). `blocks` are those ending
/// after `t`, in order.
pub fn responds_in_time(
    blocks: &[sparesla_routing::model::Block],
    t: Seconds,
    deadline: Seconds,
    responder: &Responder,
    part_on_site: Seconds,
    repair: Seconds,
) -> bool {
    for block in blocks.iter().take(MAX_BLOCKS) {
        let arrive = responder.arrival(t.max(block.start), part_on_site);
        if arrive > deadline {
            // Later blocks only start later.
            return false;
        }
        if arrive + repair <= block.end {
            return true;
        }
    }
    false
}

/// For one class and duty rule, the longest drive (and the longest way
/// round by the part's depot) with which a responder is still on site in
/// time: [`responds_in_time`] for every drive at once. A responder leaving
/// at block start `s` arrives at `max(s + drive, part)` (or `s + pickup`),
/// and is in time in the block when that is at most
/// `min(allowed, end - repair)`; so it is in time exactly when its drive is
/// at most the best block's slack. A share asks this of every responder in
/// every class, so one pass over the blocks per rule replaces one per
/// responder.
#[derive(Clone, Copy, Debug)]
struct LatestDrives {
    /// Waiting for the part to arrive (`None`: never in time).
    by_courier: Option<Seconds>,
    /// Collecting the part on the way.
    collecting: Option<Seconds>,
}

impl LatestDrives {
    fn of(
        blocks: &[sparesla_routing::model::Block],
        allowed: Seconds,
        part_on_site: Seconds,
        repair: Seconds,
    ) -> Self {
        let mut latest = LatestDrives {
            by_courier: None,
            collecting: None,
        };
        for block in blocks.iter().take(MAX_BLOCKS) {
            let leave = block.start.max(0);
            let arrive_by = allowed.min(block.end - repair);
            if arrive_by < leave {
                continue;
            }
            let slack = arrive_by - leave;
            latest.collecting = latest.collecting.max(Some(slack));
            if part_on_site <= arrive_by {
                latest.by_courier = latest.by_courier.max(Some(slack));
            }
        }
        latest
    }

    fn on_time(&self, responder: &Responder) -> bool {
        self.by_courier.is_some_and(|d| responder.drive <= d)
            || responder
                .pickup
                .zip(self.collecting)
                .is_some_and(|(pickup, d)| pickup <= d)
    }
}

/// The sampled failure instants of one clock, grouped by what an engineer
/// of each duty rule faces at them: the time to the deadline and the duty
/// blocks ahead, both relative to the failure. The timing rule is
/// translation-invariant, so instants that face the same are met alike, and
/// a share sums over the classes instead of the instants: a year's 52,560
/// instants fall into a few hundred classes (every night-time instant of a
/// day rule under a 4-hour clock is one class), which is what lets the
/// planner score every position it might add at national scale.
#[derive(Clone, Debug, Default)]
pub struct SampleClasses {
    /// Per class: how many rated instants it stands for.
    weights: Vec<u32>,
    /// Per class and rule (`class * rules + rule`): the index of what the
    /// rule's engineers face in the class among the rule's [`Self::faced`].
    faced_in: Vec<u32>,
    /// Per rule: each distinct time to the deadline and the blocks that
    /// end after the failure and start by its deadline (at most
    /// [`MAX_BLOCKS`]), relative to the failure, starts before it at 0.
    /// One rule's engineers face far fewer distinct things than the
    /// classes count (a 24x7 rule faces one per time allowed), so a share
    /// times each once.
    faced: Vec<Vec<(Seconds, Vec<sparesla_routing::model::Block>)>>,
    rules: usize,
    rated: u64,
}

impl SampleClasses {
    /// How many duty rules the classes tell apart.
    pub fn rules(&self) -> usize {
        self.rules
    }

    /// How many classes the instants fall into.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The share of rated failure instants at which one of `responders`
    /// (each with the index of its rule among the duties the classes were
    /// built for) is on site by the deadline with the repair done on duty:
    /// exactly [`Samples::share`], summed by class.
    pub fn share(
        &self,
        responders: &[(usize, Responder)],
        part: PartArrival,
        repair: Seconds,
    ) -> f64 {
        if responders.is_empty() {
            return 0.0;
        }
        if self.rated == 0 {
            return 1.0;
        }
        let (part_lead, collectable) = match part {
            PartArrival::After(lead) => (lead, false),
            PartArrival::OnTheShelf(lead) => (lead, true),
        };
        let responders: Vec<(usize, Responder)> = responders
            .iter()
            .map(|(rule, r)| {
                let pickup = r.pickup.filter(|_| collectable);
                (*rule, Responder { pickup, ..*r })
            })
            .collect();
        // Per rule present: for each thing its engineers may face, the
        // latest drives that still make the deadline and the chance that all
        // of the rule's responders in time are busy. The latest drives depend
        // on the rule, not the responder, so a rule's are found once for all
        // its responders (most of a joint plan's time went to finding them
        // again for each).
        let mut rules: Vec<(usize, Vec<LatestDrives>, Vec<f64>)> = Vec::new();
        for (rule, r) in &responders {
            let at = match rules.iter().position(|(k, ..)| k == rule) {
                Some(at) => at,
                None => {
                    let faced = &self.faced[*rule];
                    let latest = faced
                        .iter()
                        .map(|(allowed, blocks)| {
                            LatestDrives::of(blocks, *allowed, part_lead, repair)
                        })
                        .collect();
                    rules.push((*rule, latest, vec![1.0; faced.len()]));
                    rules.len() - 1
                }
            };
            let (_, latest, busy) = &mut rules[at];
            for (latest, busy) in latest.iter().zip(busy.iter_mut()) {
                if latest.on_time(r) {
                    *busy *= r.busy;
                }
            }
        }
        let mut met = 0.0;
        for (class, &weight) in self.weights.iter().enumerate() {
            let faced_in = &self.faced_in[class * self.rules..(class + 1) * self.rules];
            let all_busy: f64 = rules
                .iter()
                .map(|(rule, _, busy)| busy[faced_in[*rule] as usize])
                .product();
            met += f64::from(weight) * (1.0 - all_busy);
        }
        met / self.rated as f64
    }
}

impl Samples {
    /// The instants of `clock` grouped into [`SampleClasses`] for engineers
    /// on the duty rules `duties` and repairs of at most `longest_repair`.
    pub fn classes(
        &self,
        clock: &ClockSamples,
        duties: &[DutyBlocks],
        longest_repair: Seconds,
    ) -> SampleClasses {
        type Key = (Seconds, Vec<Vec<(Seconds, Seconds)>>);
        type Faced = (Seconds, Vec<(Seconds, Seconds)>);
        let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
        let mut faced_index: Vec<std::collections::HashMap<Faced, u32>> =
            vec![std::collections::HashMap::new(); duties.len()];
        let mut classes = SampleClasses {
            rules: duties.len(),
            faced: vec![Vec::new(); duties.len()],
            ..SampleClasses::default()
        };
        let mut cursors = vec![0usize; duties.len()];
        for (&t, deadline) in self.instants.iter().zip(&clock.deadlines) {
            let Some(deadline) = *deadline else { continue };
            classes.rated += 1;
            let ahead: Vec<Vec<(Seconds, Seconds)>> = duties
                .iter()
                .zip(&mut cursors)
                .map(|(duty, cursor)| {
                    let blocks = duty.blocks();
                    while *cursor < blocks.len() && blocks[*cursor].end <= t {
                        *cursor += 1;
                    }
                    blocks[*cursor..]
                        .iter()
                        .take(MAX_BLOCKS)
                        .take_while(|b| b.start <= deadline)
                        // A block ending after the deadline and the
                        // longest repair fits every repair that starts in
                        // time: how much later it ends tells nothing (and
                        // would make every instant of a 24x7 rule unique).
                        .map(|b| {
                            let end = (b.end - t).min(deadline - t + longest_repair + 1);
                            ((b.start - t).max(0), end)
                        })
                        .collect()
                })
                .collect();
            let key = (deadline - t, ahead);
            match index.get(&key) {
                Some(&class) => classes.weights[class] += 1,
                None => {
                    index.insert(key.clone(), classes.weights.len());
                    classes.weights.push(1);
                    let (allowed, ahead) = key;
                    for (rule, blocks) in ahead.into_iter().enumerate() {
                        let faced = &mut classes.faced[rule];
                        let at = *faced_index[rule]
                            .entry((allowed, blocks.clone()))
                            .or_insert_with(|| {
                                let blocks = blocks
                                    .into_iter()
                                    .map(|(start, end)| sparesla_routing::model::Block {
                                        start,
                                        end,
                                    })
                                    .collect();
                                faced.push((allowed, blocks));
                                (faced.len() - 1) as u32
                            });
                        classes.faced_in.push(at);
                    }
                }
            }
        }
        classes
    }
}
