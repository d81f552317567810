//! The engineer cover model (`people::Samples::share`) against fractions
//! worked out by hand: which sampled failure instants an idle engineer at
//! base reaches by the tier's deadline with the repair finished on duty.
//! Every horizon starts at a local midnight and every shift, deadline and
//! drive boundary falls on a whole hour, so with instants at the centre of
//! each step (:05, :15, ... for ten-minute steps; :30 for hourly probes)
//! the shares are exact rationals: a one-step error anywhere shows.
//!
//! Common setting unless a test says otherwise: Asia/Shanghai (no daylight
//! saving), a day engineer 08:00-18:00 Monday to Friday, 1 h drive, 2 h
//! repair, the part on site 30 min after the failure.

use chrono::NaiveDate;
use chrono_tz::Asia::Shanghai;
use sparesla::calendar::{
    BusinessHours, Coverage, HolidayCalendar, Response, Seconds, SlaClock, WeekdaySet,
    local_instant,
};
use sparesla::people::{PartArrival, Responder, SAMPLE_SECONDS, Samples, duty_blocks};
use sparesla::scenario::{Shift, load_calendar};
use sparesla_routing::model::DutyBlocks;
use std::path::Path;
use std::sync::Arc;

const HOUR: Seconds = 3600;
const DAY: Seconds = 24 * HOUR;
const DRIVE: Seconds = HOUR;
const REPAIR: Seconds = 2 * HOUR;
/// Handling plus the courier's drive from the depot in reach.
const COURIER_SECONDS: Seconds = HOUR / 2;
const COURIER: PartArrival = PartArrival::OnTheShelf(COURIER_SECONDS);
const EMERGENCY: PartArrival = PartArrival::After(24 * HOUR);

/// A part on the shelf of a depot in reach, brought in `seconds`.
fn shelf(seconds: Seconds) -> PartArrival {
    PartArrival::OnTheShelf(seconds)
}

/// Local midnight of a date in Shanghai.
fn midnight(y: i32, m: u32, d: u32) -> Seconds {
    let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    local_instant(Shanghai, date.and_time(chrono::NaiveTime::MIN))
}

fn none() -> Arc<HolidayCalendar> {
    Arc::new(HolidayCalendar::none())
}

/// The bundled CN calendar (2025-2026): the 2026 Spring Festival closes
/// Sun 15 to Mon 23 February and opens Saturdays 14 and 28 February.
fn cn() -> Arc<HolidayCalendar> {
    load_calendar("CN", Path::new(".")).unwrap()
}

fn shift(window: &str, days: &str, calendar: Arc<HolidayCalendar>) -> Shift {
    Shift {
        window: window.parse().unwrap(),
        days: days.parse().unwrap(),
        calendar,
        tz: Shanghai,
    }
}

fn day_shift(calendar: Arc<HolidayCalendar>) -> Shift {
    shift("08:00-18:00", "mon-fri", calendar)
}

fn round_the_clock() -> Shift {
    shift("00:00-24:00", "mon-sun", none())
}

/// Duty blocks of a shift from a day before `from` to a month after `to`,
/// as `CoverModel` builds them, so late failures can be served after the
/// horizon.
fn duty(shift: &Shift, (from, to): (Seconds, Seconds)) -> DutyBlocks {
    duty_blocks(shift, 2025..=2026, from - DAY, to + 30 * DAY).unwrap()
}

/// A 4 h response around the clock.
fn four_hours() -> SlaClock {
    let within = Response::Within(chrono::TimeDelta::hours(4));
    SlaClock::new(&Coverage::AllHours, within, Shanghai, 2025..=2026).unwrap()
}

/// Next business day, 08:00-18:00 Monday to Friday on `calendar`, with the
/// default cut-off (the window end): a call before 18:00 on a business day
/// is due at 18:00 on the next business day.
fn next_business_day(calendar: Arc<HolidayCalendar>) -> SlaClock {
    let hours = BusinessHours {
        window: "08:00-18:00".parse().unwrap(),
        days: WeekdaySet::MON_FRI,
        calendar,
    };
    let nbd = Response::NextBusinessDay {
        cutoff_minute: None,
    };
    SlaClock::new(&Coverage::Business(hours), nbd, Shanghai, 2025..=2026).unwrap()
}

/// One engineer's duty and drive, and (based where the part is) the
/// seconds to the site with the part collected on the way.
struct Engineer<'a> {
    duty: &'a DutyBlocks,
    drive: Seconds,
    pickup: Option<Seconds>,
}

/// The share of failure instants in `horizon`, one per `step`, that one of
/// `engineers` makes.
fn share(
    clock: &SlaClock,
    horizon: (Seconds, Seconds),
    step: Seconds,
    engineers: &[Engineer],
    part: PartArrival,
    repair: Seconds,
) -> f64 {
    let samples = Samples::with_step(horizon.0, horizon.1, step);
    let responders: Vec<Responder> = engineers
        .iter()
        .map(|e| Responder {
            duty: e.duty,
            drive: e.drive,
            pickup: e.pickup,
            busy: 0.0,
        })
        .collect();
    let clock = samples.deadlines(clock);
    let by_instant = samples.share(&clock, &responders, part, repair);
    let by_class = by_class(&samples, &clock, &responders, part, repair);
    // Summed in another order: equal to rounding.
    assert!(
        (by_class - by_instant).abs() < 1e-12,
        "by class {by_class}, by instant {by_instant}"
    );
    by_instant
}

/// The same share summed over the instants' classes (what the planner
/// runs), each responder its own rule.
fn by_class(
    samples: &Samples,
    clock: &sparesla::people::ClockSamples,
    responders: &[Responder],
    part: PartArrival,
    repair: Seconds,
) -> f64 {
    let duties: Vec<DutyBlocks> = responders.iter().map(|r| r.duty.clone()).collect();
    let classes = samples.classes(clock, &duties, repair);
    let ruled: Vec<(usize, Responder)> = responders.iter().copied().enumerate().collect();
    assert!(classes.len() <= samples.len());
    classes.share(&ruled, part, repair)
}

/// Whether a failure at exactly `instant` is met: a one-step horizon
/// centred on it.
fn met_at(
    clock: &SlaClock,
    instant: Seconds,
    engineer: &Engineer,
    part: PartArrival,
    repair: Seconds,
) -> bool {
    let horizon = (instant - HOUR / 2, instant + HOUR / 2);
    let one = share(
        clock,
        horizon,
        HOUR,
        std::slice::from_ref(engineer),
        part,
        repair,
    );
    assert!(one == 0.0 || one == 1.0, "one instant is met or not: {one}");
    one == 1.0
}

/// The hours `h` of the day starting at `day` whose failure at `h:30` is met.
fn met_hours(
    clock: &SlaClock,
    day: Seconds,
    engineer: &Engineer,
    part: PartArrival,
    repair: Seconds,
) -> Vec<i64> {
    (0..24)
        .filter(|h| met_at(clock, day + h * HOUR + HOUR / 2, engineer, part, repair))
        .collect()
}

/// Monday 2 to Monday 9 March 2026: an ordinary week, no CN holiday.
fn ordinary_week() -> (Seconds, Seconds) {
    (midnight(2026, 3, 2), midnight(2026, 3, 9))
}

/// Monday 9 February to Monday 2 March 2026: three weeks around the Spring
/// Festival. CN working days: 9-13 Feb, Sat 14 Feb (make-up), 24-27 Feb,
/// Sat 28 Feb (make-up) = 11; Sun 15 to Mon 23 Feb are holidays.
fn spring_festival() -> (Seconds, Seconds) {
    (midnight(2026, 2, 9), midnight(2026, 3, 2))
}

// --- 4 h around the clock, day engineer -----------------------------------

/// A weekday, failure at h:30, 4 h deadline at h+4:30:
/// - 00:30-04:30: the engineer leaves at 08:00 and arrives 09:00, after the
///   deadline (too far from the shift start: cannot arrive in time);
/// - 05:30-07:30: leaves 08:00, arrives 09:00 by the deadline, repair
///   until 11:00: met;
/// - 08:30-14:30: leaves at once, arrives h+1:30, repair done by h+3:30,
///   at the latest 17:30 < 18:00: met;
/// - 15:30-17:30: arrives 16:30-18:30, in time for the deadline, but the
///   repair would end 18:30-20:30, after the shift: the job waits for
///   tomorrow's block, whose 08:00 start is past the deadline (the repair
///   would not finish);
/// - 18:30-23:30: next block tomorrow 08:00, past the deadline.
///
/// Met hours 5 to 14: ten of 24.
#[test]
fn four_hours_with_a_day_engineer_meets_the_failures_of_05_00_to_15_00_on_weekdays() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let clock = four_hours();
    let monday = week.0;
    let wednesday = monday + 2 * DAY;
    let friday = monday + 4 * DAY;
    for weekday in [monday, wednesday, friday] {
        assert_eq!(
            met_hours(&clock, weekday, &engineer, COURIER, REPAIR),
            (5..=14).collect::<Vec<_>>()
        );
    }
    // Saturday: no block until Monday. Sunday: Monday's 08:00 start is
    // more than 4 h after any Sunday failure (the last, 23:30, is due 03:30).
    for weekend in [monday + 5 * DAY, monday + 6 * DAY] {
        assert!(met_hours(&clock, weekend, &engineer, COURIER, REPAIR).is_empty());
    }
}

/// The whole week at the real ten-minute step: a weekday meets its failures
/// in [05:00, 15:00), ten hours = 60 instants of 144; five weekdays, none
/// at the weekend: 300 of 1008 = 25/84 (29.76%).
#[test]
fn four_hours_with_a_day_engineer_meets_25_of_84_failures_over_a_week() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let got = share(
        &four_hours(),
        week,
        SAMPLE_SECONDS,
        &[engineer],
        COURIER,
        REPAIR,
    );
    assert_eq!(got, 300.0 / 1008.0);
    assert_eq!(got, 25.0 / 84.0);
}

/// Without a repair to finish the late-day misses shrink: failures up to
/// 17:00 arrive by 18:00 (15:30 and 16:30 now met, 17:30 would arrive at
/// 18:30, off duty). The morning edge stays at 05:00, the arrival limit.
/// A weekday meets [05:00, 17:00): 12 h; the week 60 of 168 = 5/14.
#[test]
fn the_late_day_misses_are_the_repair_that_would_not_finish_in_the_shift() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let clock = four_hours();
    assert_eq!(
        met_hours(&clock, week.0, &engineer, COURIER, 0),
        (5..=16).collect::<Vec<_>>()
    );
    let got = share(&clock, week, SAMPLE_SECONDS, &[engineer], COURIER, 0);
    assert_eq!(got, 60.0 / 168.0);
}

/// A 24x7 engineer 1 h away meets every failure; 4 h away still does (the
/// deadline is inclusive); 4 h 10 min away none, on or off duty.
#[test]
fn a_round_the_clock_engineer_meets_all_within_four_hours_and_none_beyond() {
    let week = ordinary_week();
    let duty = duty(&round_the_clock(), week);
    let clock = four_hours();
    let at = |drive| {
        share(
            &clock,
            week,
            SAMPLE_SECONDS,
            &[Engineer {
                duty: &duty,
                drive,
                pickup: None,
            }],
            COURIER,
            REPAIR,
        )
    };
    assert_eq!(at(DRIVE), 1.0);
    assert_eq!(at(4 * HOUR), 1.0);
    assert_eq!(at(4 * HOUR + 600), 0.0);
}

/// The day engineer farther than 4 h never makes a 4 h deadline, even on
/// duty: share 0.
#[test]
fn a_day_engineer_beyond_four_hours_meets_nothing() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = Engineer {
        duty: &duty,
        drive: 4 * HOUR + 600,
        pickup: None,
    };
    let got = share(
        &four_hours(),
        week,
        SAMPLE_SECONDS,
        &[engineer],
        COURIER,
        REPAIR,
    );
    assert_eq!(got, 0.0);
}

// --- weekends and next business day ---------------------------------------

/// Saturday and Sunday failures (Sat 7 00:00 to Mon 9 00:00): under 4 h
/// around the clock none is met by the Monday-to-Friday engineer (Monday
/// 08:00 is past every deadline); under next business day each is logged
/// on Monday and due Tuesday 18:00, and the engineer arrives Monday 09:00:
/// all met.
#[test]
fn weekend_failures_are_missed_at_four_hours_and_met_next_business_day() {
    let weekend = (midnight(2026, 3, 7), midnight(2026, 3, 9));
    let duty = duty(&day_shift(none()), weekend);
    let engineer = || Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let four = share(
        &four_hours(),
        weekend,
        SAMPLE_SECONDS,
        &[engineer()],
        COURIER,
        REPAIR,
    );
    let nbd = share(
        &next_business_day(none()),
        weekend,
        SAMPLE_SECONDS,
        &[engineer()],
        COURIER,
        REPAIR,
    );
    assert_eq!(four, 0.0);
    assert_eq!(nbd, 1.0);
}

/// Next business day over a whole week with the part in 30 min: a weekday
/// failure before 18:00 is due the next business day at 18:00, which the
/// next morning's block always makes (Friday's are due Monday 18:00);
/// every failure is met, Friday afternoon included.
#[test]
fn next_business_day_with_stock_in_reach_is_met_all_week() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let clock = next_business_day(none());
    let friday = week.0 + 4 * DAY;
    assert_eq!(
        met_hours(&clock, friday, &engineer, COURIER, REPAIR),
        (0..24).collect::<Vec<_>>()
    );
    let got = share(&clock, week, SAMPLE_SECONDS, &[engineer], COURIER, REPAIR);
    assert_eq!(got, 1.0);
}

// --- the part later than the engineer -------------------------------------

/// A courier 3 h away (the engineer needs 1 h): arrival is the part's,
/// failure + 3 h, so on duty the repair ends at failure + 5 h, by 18:00 for
/// failures up to 13:00; before the shift the engineer leaves at 08:00 and
/// waits for the part, met when max(09:00, failure + 3 h) <= failure + 4 h,
/// from 05:00. A weekday meets [05:00, 13:00): 8 h; the week 40 of 168 =
/// 5/21 (with the part in 30 min it was 50 of 168).
#[test]
fn a_part_slower_than_the_engineer_shortens_the_day() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let clock = four_hours();
    assert_eq!(
        met_hours(&clock, week.0 + DAY, &engineer, shelf(3 * HOUR), REPAIR),
        (5..=12).collect::<Vec<_>>()
    );
    let got = share(
        &clock,
        week,
        SAMPLE_SECONDS,
        &[engineer],
        shelf(3 * HOUR),
        REPAIR,
    );
    assert_eq!(got, 240.0 / 1008.0);
    assert_eq!(got, 5.0 / 21.0);
}

/// A courier at half the engineer's speed: 30 min handling and 2 h on the
/// road for the engineer's 1 h, so the part is on site 2 h 30 min after the
/// failure. By courier, on duty the repair ends at failure + 4 h 30 min,
/// by 18:00 up to 13:30; before the shift the engineer is there at 09:00,
/// by the deadline from 05:00: [05:00, 13:30], 51 instants a weekday, 255
/// of 1008. An engineer based at the part's depot may collect it instead
/// (30 min handling, then the 1 h drive) and is on site 1 h 30 min after
/// leaving: on duty the repair ends by 18:00 up to 14:30, mornings as
/// before: [05:00, 14:30], 57 a weekday, 285 of 1008. Shipped from
/// outside (no shelf to collect from) it stays 255.
#[test]
fn collecting_the_part_beats_a_slow_courier() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let clock = four_hours();
    let slow_seconds = COURIER_SECONDS + 2 * HOUR;
    let slow_courier = shelf(slow_seconds);
    let engineer = |pickup| Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup,
    };
    let collects = Some(COURIER_SECONDS + DRIVE);
    let tuesday = week.0 + DAY;
    assert_eq!(
        met_hours(&clock, tuesday, &engineer(None), slow_courier, REPAIR),
        (5..=13).collect::<Vec<_>>()
    );
    assert_eq!(
        met_hours(&clock, tuesday, &engineer(collects), slow_courier, REPAIR),
        (5..=14).collect::<Vec<_>>()
    );
    let by_courier = share(
        &clock,
        week,
        SAMPLE_SECONDS,
        &[engineer(None)],
        slow_courier,
        REPAIR,
    );
    assert_eq!(by_courier, 255.0 / 1008.0);
    let collected = share(
        &clock,
        week,
        SAMPLE_SECONDS,
        &[engineer(collects)],
        slow_courier,
        REPAIR,
    );
    assert_eq!(collected, 285.0 / 1008.0);
    // A part that is on no shelf (an emergency shipment) cannot be collected.
    let shipped = share(
        &clock,
        week,
        SAMPLE_SECONDS,
        &[engineer(collects)],
        PartArrival::After(slow_seconds),
        REPAIR,
    );
    assert_eq!(shipped, by_courier);
}

/// Around the clock, the part decides: in 4 h all met, in 4 h 10 min none,
/// however close the engineer.
#[test]
fn a_part_later_than_the_deadline_misses_everything_a_round_the_clock_engineer_could_make() {
    let week = ordinary_week();
    let duty = duty(&round_the_clock(), week);
    let clock = four_hours();
    let at = |part_lead| {
        share(
            &clock,
            week,
            SAMPLE_SECONDS,
            &[Engineer {
                duty: &duty,
                drive: DRIVE,
                pickup: None,
            }],
            shelf(part_lead),
            REPAIR,
        )
    };
    assert_eq!(at(3 * HOUR), 1.0);
    assert_eq!(at(4 * HOUR), 1.0);
    assert_eq!(at(4 * HOUR + 600), 0.0);
}

/// An emergency shipment (24 h) never makes 4 h. Next business day with the
/// day engineer, a failure at time-of-day τ on day d:
/// - Monday to Thursday before 18:00: due d+1 18:00, the part comes d+1 at
///   τ; the engineer arrives at max(09:00, τ) on d+1 and must finish the
///   2 h repair by 18:00: met for τ up to 16:00, missed in (16:00, 18:00);
/// - after 18:00: logged d+1, due d+2 18:00, repaired d+2 morning: met;
/// - Friday before 18:00: due Monday 18:00, part on Saturday, repaired
///   Monday morning: met; Saturday and Sunday: due Tuesday 18:00: met.
///
/// Missed: 16:00-18:00 Monday to Thursday, 12 instants a day, 48 of 1008:
/// the share is 960 / 1008 = 20/21.
#[test]
fn an_emergency_part_misses_four_hours_but_mostly_makes_next_business_day() {
    let week = ordinary_week();
    let duty = duty(&day_shift(none()), week);
    let engineer = || Engineer {
        duty: &duty,
        drive: DRIVE,
        pickup: None,
    };
    let four = share(
        &four_hours(),
        week,
        SAMPLE_SECONDS,
        &[engineer()],
        EMERGENCY,
        REPAIR,
    );
    assert_eq!(four, 0.0);
    let nbd = next_business_day(none());
    let thursday = week.0 + 3 * DAY;
    let friday = week.0 + 4 * DAY;
    let all_but_16_and_17: Vec<i64> = (0..24).filter(|h| !(16..18).contains(h)).collect();
    assert_eq!(
        met_hours(&nbd, thursday, &engineer(), EMERGENCY, REPAIR),
        all_but_16_and_17
    );
    assert_eq!(
        met_hours(&nbd, friday, &engineer(), EMERGENCY, REPAIR),
        (0..24).collect::<Vec<_>>()
    );
    let got = share(&nbd, week, SAMPLE_SECONDS, &[engineer()], EMERGENCY, REPAIR);
    assert_eq!(got, 960.0 / 1008.0);
    assert_eq!(got, 20.0 / 21.0);
}

// --- holidays and make-up days (CN, Spring Festival 2026) -----------------

/// 4 h around the clock over the three weeks of 9 Feb to 2 Mar 2026. Each
/// working day of the engineer meets its ten hours 05:00-15:00 (as in an
/// ordinary week), other days nothing. On the CN calendar that is 11
/// working days, the make-up Saturdays 14 and 28 February among them, and
/// no day of 15-23 February: 110 of 504 hours. On a plain Monday-to-Friday
/// rota (calendar `none`) it is 15 weekdays, holidays worked, make-up
/// Saturdays not: 150 of 504.
#[test]
fn the_spring_festival_closes_the_cn_engineer_and_its_make_up_saturdays_open_it() {
    let span = spring_festival();
    let clock = four_hours();
    let cn_duty = duty(&day_shift(cn()), span);
    let cn_engineer = Engineer {
        duty: &cn_duty,
        drive: DRIVE,
        pickup: None,
    };
    let make_up_saturday = midnight(2026, 2, 14);
    let holiday_monday = midnight(2026, 2, 16);
    let holiday_saturday = midnight(2026, 2, 21);
    assert_eq!(
        met_hours(&clock, make_up_saturday, &cn_engineer, COURIER, REPAIR),
        (5..=14).collect::<Vec<_>>()
    );
    for closed in [holiday_monday, holiday_saturday] {
        assert!(met_hours(&clock, closed, &cn_engineer, COURIER, REPAIR).is_empty());
    }
    let on_cn = share(
        &clock,
        span,
        SAMPLE_SECONDS,
        &[cn_engineer],
        COURIER,
        REPAIR,
    );
    assert_eq!(on_cn, 660.0 / 3024.0);
    assert_eq!(on_cn, 110.0 / 504.0);

    let plain_duty = duty(&day_shift(none()), span);
    let plain = Engineer {
        duty: &plain_duty,
        drive: DRIVE,
        pickup: None,
    };
    let on_plain = share(&clock, span, SAMPLE_SECONDS, &[plain], COURIER, REPAIR);
    assert_eq!(on_plain, 150.0 / 504.0);
}

/// Next business day on the CN calendar across the Spring Festival. A CN
/// engineer works every business day of the contract: all met. A plain
/// Monday-to-Friday engineer does not work the make-up Saturdays, which
/// are business days of the contract: a Friday failure (13 or 27 Feb)
/// before 18:00 is due Saturday 18:00, so those after 15:00 (whose repair
/// would run past Friday's 18:00) wait for Monday and miss: 15:00-18:00 on
/// two Fridays, 36 of 3024 instants (6 of 504 hours). Failures over the
/// holiday are logged on Tuesday 24 February and due on the 25th: met.
#[test]
fn next_business_day_across_the_spring_festival_needs_the_make_up_saturdays_worked() {
    let span = spring_festival();
    let clock = next_business_day(cn());
    let cn_duty = duty(&day_shift(cn()), span);
    let on_cn = share(
        &clock,
        span,
        SAMPLE_SECONDS,
        &[Engineer {
            duty: &cn_duty,
            drive: DRIVE,
            pickup: None,
        }],
        COURIER,
        REPAIR,
    );
    assert_eq!(on_cn, 1.0);

    let plain_duty = duty(&day_shift(none()), span);
    let plain = Engineer {
        duty: &plain_duty,
        drive: DRIVE,
        pickup: None,
    };
    let friday_before = midnight(2026, 2, 13);
    assert_eq!(
        met_hours(&clock, friday_before, &plain, COURIER, REPAIR),
        (0..24)
            .filter(|h| !(15..18).contains(h))
            .collect::<Vec<_>>()
    );
    let holiday_tuesday = midnight(2026, 2, 17);
    assert_eq!(
        met_hours(&clock, holiday_tuesday, &plain, COURIER, REPAIR),
        (0..24).collect::<Vec<_>>()
    );
    let on_plain = share(&clock, span, SAMPLE_SECONDS, &[plain], COURIER, REPAIR);
    assert_eq!(on_plain, (3024.0 - 36.0) / 3024.0);
    assert_eq!(on_plain, 498.0 / 504.0);
}

// --- monotonicity ----------------------------------------------------------

/// Duty blocks from (start, length) pairs in minutes after `from`.
fn blocks_of(from: Seconds, spans: &[(i64, i64)]) -> DutyBlocks {
    let mut spans: Vec<(Seconds, Seconds)> = spans
        .iter()
        .map(|&(start, length)| (from + start * 60, from + (start + length) * 60))
        .collect();
    spans.sort_unstable();
    DutyBlocks::new(spans)
}

fn within_hours(hours: i64) -> SlaClock {
    let within = Response::Within(chrono::TimeDelta::hours(hours));
    SlaClock::new(&Coverage::AllHours, within, Shanghai, 2025..=2026).unwrap()
}

/// Up to six duty spans over a week and its following days, in minutes.
fn spans() -> impl proptest::strategy::Strategy<Value = Vec<(i64, i64)>> {
    proptest::collection::vec((0i64..9 * 24 * 60, 1i64..24 * 60), 0..6)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// More cover never loses a failure: another responder, a shorter
    /// drive, collecting the part, an earlier part, a shorter repair or a
    /// longer response time
    /// each keep every met instant met (all shares over the same instants,
    /// so they compare exactly).
    #[test]
    fn the_share_is_monotone_in_every_input(
        first in spans(),
        second in spans(),
        drive in 0i64..6 * 60,
        pickup in proptest::option::of(0i64..8 * 60),
        part in 0i64..30 * 60,
        repair in 0i64..4 * 60,
        response in 1i64..48,
        extra in 1i64..6 * 60,
    ) {
        let week = ordinary_week();
        let (a, b) = (blocks_of(week.0, &first), blocks_of(week.0, &second));
        let clock = within_hours(response);
        let at = |engineers: &[Engineer], part: i64, repair: i64, clock: &SlaClock| {
            share(clock, week, HOUR, engineers, shelf(part * 60), repair * 60)
        };
        let one = |drive: i64| Engineer { duty: &a, drive: drive * 60, pickup: pickup.map(|p| p * 60) };
        let base = at(&[one(drive)], part, repair, &clock);
        let two = [one(drive), Engineer { duty: &b, drive: drive * 60, pickup: None }];
        proptest::prop_assert!(base <= at(&two, part, repair, &clock));
        proptest::prop_assert!(base >= at(&[one(drive + extra)], part, repair, &clock));
        let by_courier_only = Engineer { duty: &a, drive: drive * 60, pickup: None };
        proptest::prop_assert!(base >= at(&[by_courier_only], part, repair, &clock));
        proptest::prop_assert!(base >= at(&[one(drive)], part + extra, repair, &clock));
        proptest::prop_assert!(base >= at(&[one(drive)], part, repair + extra, &clock));
        let longer = within_hours(response + extra / 60 + 1);
        proptest::prop_assert!(base <= at(&[one(drive)], part, repair, &longer));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Summing over the classes of instants gives the share instant by
    /// instant, with busy engineers, pickups, both kinds of part arrival
    /// and a 24x7 clock or a business-day one.
    #[test]
    fn the_share_by_class_is_the_share_by_instant(
        first in spans(),
        second in spans(),
        drives in (0i64..6 * 60, 0i64..6 * 60),
        busy in (0.0f64..1.0, 0.0f64..1.0),
        pickup in proptest::option::of(0i64..8 * 60),
        part in 0i64..30 * 60,
        emergency in proptest::bool::ANY,
        repair in 0i64..4 * 60,
        response in 1i64..48,
        business in proptest::bool::ANY,
    ) {
        let week = ordinary_week();
        let (a, b) = (blocks_of(week.0, &first), blocks_of(week.0, &second));
        let clock = if business { next_business_day(none()) } else { within_hours(response) };
        let samples = Samples::with_step(week.0, week.1, 600);
        let clock = samples.deadlines(&clock);
        let responders = [
            Responder { duty: &a, drive: drives.0 * 60, pickup: pickup.map(|p| p * 60), busy: busy.0 },
            Responder { duty: &b, drive: drives.1 * 60, pickup: None, busy: busy.1 },
        ];
        let arrival = if emergency { PartArrival::After(part * 60) } else { shelf(part * 60) };
        let by_instant = samples.share(&clock, &responders, arrival, repair * 60);
        let by_class = by_class(&samples, &clock, &responders, arrival, repair * 60);
        proptest::prop_assert!((by_class - by_instant).abs() < 1e-12, "{by_class} vs {by_instant}");
    }
}

/// Travel between the engineer's base (place 0, where the part is) and the
/// site (place 1).
struct TwoPlaces {
    drive: i64,
}

impl sparesla_routing::model::Travel for TwoPlaces {
    fn time(&self, from: usize, to: usize) -> Option<i64> {
        Some(if from == to { 0 } else { self.drive })
    }
    fn cost(&self, _: usize, _: usize) -> f64 {
        0.0
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

    /// The cover model's timing is the routing engine's: for an idle
    /// engineer at base, `responds_in_time` says met exactly when the
    /// engine's `time_visit` (courier, or collecting the part at the base
    /// depot) starts the repair by the deadline. The cover model writes the
    /// rule in closed form because it runs it for every sampled instant of
    /// every site, skill and staffing the planner tries.
    #[test]
    fn the_cover_timing_is_the_routing_engines(
        spans in spans(),
        at in 0i64..9 * 24 * 60,
        allowed in 0i64..3 * 24 * 60,
        drive in 0i64..6 * 60,
        lead in 0i64..8 * 60,
        repair in 0i64..5 * 60,
        handling in proptest::option::of(0i64..90),
    ) {
        use sparesla_routing::features::origin::GoesHome;
        use sparesla_routing::cost::Cost;
        use sparesla_routing::model::{Job, Supply};
        use sparesla_routing::schedule::time_visit;
        let minutes = |m: i64| m * 60;
        let duty = DutyBlocks::new(
            spans.iter().map(|(start, length)| (minutes(*start), minutes(start + length))),
        );
        let (t, deadline) = (minutes(at), minutes(at + allowed));
        let part_on_site = t + minutes(lead);
        let responder = Responder {
            duty: &duty,
            drive: minutes(drive),
            pickup: handling.map(|h| minutes(h + drive)),
            busy: 0.0,
        };
        let ours = sparesla::people::responds_in_time(
            duty.from(t),
            t,
            deadline,
            &responder,
            part_on_site,
            minutes(repair),
        );
        let mut job = Job::at(1, minutes(repair), Cost::default());
        job.release = t;
        // Not carried: the part comes by courier or is collected.
        job.supplies.clear();
        job.supplies.push(Supply::Courier {
            depot: 0,
            leaves: t,
            arrives: part_on_site,
            cost: 0.0,
            stock: None,
        });
        if let Some(h) = handling {
            job.supplies.push(Supply::Pickup {
                depot: 0,
                handling: minutes(h),
                stock: None,
                restock: false,
            });
        }
        let travel = TwoPlaces { drive: minutes(drive) };
        let engine = (0..job.supplies.len()).any(|supply| {
            time_visit(&travel, &job, 0, supply, Some(&duty), GoesHome::idle(0))
                .is_some_and(|visit| visit.start <= deadline)
        });
        proptest::prop_assert_eq!(ours, engine);
    }
}
