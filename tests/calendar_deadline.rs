//! The deadline engine against cases worked out by hand from the contract
//! rules in docs/deadlines.md, and against a minute-by-minute reference walk.

mod common;

use chrono::{DateTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use common::{deadline, sparesla, text, within};
use proptest::prelude::*;
use sparesla::calendar::{
    ClockWindow, HolidayCalendar, SlaClock, WeekdaySet, format_instant, parse_instant,
};
use sparesla::scenario::{self, BusinessHours, Coverage, Response};
use std::path::Path;
use std::sync::Arc;

fn calendar(name: &str) -> Arc<HolidayCalendar> {
    if name == "none" {
        Arc::new(HolidayCalendar::none())
    } else {
        scenario::load_calendar(name, Path::new(".")).expect("bundled calendar")
    }
}

fn business(window: &str, days: &str, calendar_name: &str) -> Coverage {
    Coverage::Business(BusinessHours {
        window: window.parse().unwrap(),
        days: days.parse().unwrap(),
        calendar: calendar(calendar_name),
    })
}

fn nbd(cutoff: Option<&str>) -> Response {
    Response::NextBusinessDay {
        cutoff_minute: cutoff.map(|c| sparesla::calendar::parse_clock(c).unwrap()),
    }
}

fn clock(coverage: Coverage, response: Response, zone: &str) -> SlaClock {
    SlaClock::new(&coverage, response, zone.parse().unwrap(), 2020..=2030).unwrap()
}

fn shanghai_9_17_4h() -> SlaClock {
    clock(
        business("09:00-17:00", "mon-fri", "CN"),
        within("4h"),
        "Asia/Shanghai",
    )
}

#[test]
fn the_issue_examples() {
    let c = shanghai_9_17_4h();
    // Wednesday 15:00: 2h that day, May 1-5 2025 is Labour Day, 2h on Tuesday.
    assert_eq!(
        deadline(&c, "2025-04-30T15:00").unwrap(),
        "2025-05-06T11:00:00+08:00"
    );
    // Sunday 2025-09-28 is a make-up working day.
    assert_eq!(
        deadline(&c, "2025-09-28T10:00").unwrap(),
        "2025-09-28T14:00:00+08:00"
    );
}

#[test]
fn window_edges() {
    let c = shanghai_9_17_4h();
    // Wednesday 2025-06-04, an ordinary working day.
    let cases = [
        ("2025-06-04T08:59", "2025-06-04T13:00:00+08:00"), // before opening: starts at 9:00
        ("2025-06-04T09:00", "2025-06-04T13:00:00+08:00"),
        ("2025-06-04T09:01", "2025-06-04T13:01:00+08:00"),
        ("2025-06-04T13:00", "2025-06-04T17:00:00+08:00"), // lands on the window end: stays
        ("2025-06-04T13:01", "2025-06-05T09:01:00+08:00"),
        ("2025-06-04T16:59", "2025-06-05T12:59:00+08:00"),
        ("2025-06-04T17:00", "2025-06-05T13:00:00+08:00"), // window end exclusive for starting
        ("2025-06-04T17:01", "2025-06-05T13:00:00+08:00"),
        ("2025-06-04T22:00", "2025-06-05T13:00:00+08:00"), // night
        ("2025-06-05T03:00", "2025-06-05T13:00:00+08:00"), // early morning
    ];
    for (opened, due) in cases {
        assert_eq!(deadline(&c, opened).unwrap(), due, "opened {opened}");
    }
}

#[test]
fn weekends_and_multi_day_rollover() {
    let c = shanghai_9_17_4h();
    assert_eq!(
        deadline(&c, "2025-06-06T15:00").unwrap(),
        "2025-06-09T11:00:00+08:00"
    ); // Fri -> Mon
    assert_eq!(
        deadline(&c, "2025-06-07T10:00").unwrap(),
        "2025-06-09T13:00:00+08:00"
    ); // Sat
    assert_eq!(
        deadline(&c, "2025-06-08T23:59").unwrap(),
        "2025-06-09T13:00:00+08:00"
    ); // Sun night
    // 20 business hours from Wednesday 10:00: 7h + 8h + 5h.
    let long = clock(
        business("09:00-17:00", "mon-fri", "CN"),
        within("20h"),
        "Asia/Shanghai",
    );
    assert_eq!(
        deadline(&long, "2025-06-04T10:00").unwrap(),
        "2025-06-06T14:00:00+08:00"
    );
    // 1h30m from Friday 16:00 over the weekend.
    let short = clock(
        business("09:00-17:00", "mon-fri", "CN"),
        within("1h30m"),
        "Asia/Shanghai",
    );
    assert_eq!(
        deadline(&short, "2025-06-06T16:00").unwrap(),
        "2025-06-09T09:30:00+08:00"
    );
}

#[test]
fn holidays_and_make_up_days() {
    let c = shanghai_9_17_4h();
    // National Day 2025: Oct 1-8 off, Sunday Sep 28 and Saturday Oct 11 worked.
    assert_eq!(
        deadline(&c, "2025-09-30T17:00").unwrap(),
        "2025-10-09T13:00:00+08:00"
    );
    assert_eq!(
        deadline(&c, "2025-09-27T10:00").unwrap(),
        "2025-09-28T13:00:00+08:00"
    );
    assert_eq!(
        deadline(&c, "2025-10-10T16:00").unwrap(),
        "2025-10-11T12:00:00+08:00"
    );
    // Spring Festival 2026: Saturday Feb 14 worked, Feb 15-23 off.
    assert_eq!(
        deadline(&c, "2026-02-13T16:00").unwrap(),
        "2026-02-14T12:00:00+08:00"
    );
    assert_eq!(
        deadline(&c, "2026-02-14T16:00").unwrap(),
        "2026-02-24T12:00:00+08:00"
    );
    // New Year 2026: Jan 1-3 off, Sunday Jan 4 worked.
    assert_eq!(
        deadline(&c, "2025-12-31T15:00").unwrap(),
        "2026-01-04T11:00:00+08:00"
    );
}

#[test]
fn every_business_window() {
    let opened = "2025-06-04T16:00"; // Wednesday
    let cases = [
        ("09:00-17:00", "2025-06-05T12:00:00+08:00"),
        ("08:30-17:30", "2025-06-05T11:00:00+08:00"),
        ("08:00-18:00", "2025-06-05T10:00:00+08:00"),
    ];
    for (window, due) in cases {
        let c = clock(
            business(window, "mon-fri", "CN"),
            within("4h"),
            "Asia/Shanghai",
        );
        assert_eq!(deadline(&c, opened).unwrap(), due, "window {window}");
    }
    // mon-sat: Saturday counts.
    let six = clock(
        business("09:00-17:00", "mon-sat", "none"),
        within("4h"),
        "Asia/Shanghai",
    );
    assert_eq!(
        deadline(&six, "2025-06-06T15:00").unwrap(),
        "2025-06-07T11:00:00+08:00"
    );
}

#[test]
fn around_the_clock_ignores_calendars() {
    let c = clock(Coverage::AllHours, within("4h"), "Asia/Shanghai");
    assert_eq!(
        deadline(&c, "2025-05-01T22:30").unwrap(),
        "2025-05-02T02:30:00+08:00"
    );
    assert_eq!(
        deadline(&c, "2031-01-01T00:00").unwrap(),
        "2031-01-01T04:00:00+08:00"
    );
}

#[test]
fn next_business_day_with_and_without_cut_off() {
    let nine = |cutoff| {
        clock(
            business("08:30-17:30", "mon-fri", "CN"),
            nbd(cutoff),
            "Asia/Shanghai",
        )
    };
    let plain = nine(None);
    // Friday morning: logged Friday, due Monday's window end.
    assert_eq!(
        deadline(&plain, "2025-06-06T10:00").unwrap(),
        "2025-06-09T17:30:00+08:00"
    );
    // Friday evening after the window end: logged Monday, due Tuesday.
    assert_eq!(
        deadline(&plain, "2025-06-06T18:30").unwrap(),
        "2025-06-10T17:30:00+08:00"
    );
    assert_eq!(
        deadline(&plain, "2025-06-06T17:30").unwrap(),
        "2025-06-10T17:30:00+08:00"
    );
    assert_eq!(
        deadline(&plain, "2025-06-06T17:29").unwrap(),
        "2025-06-09T17:30:00+08:00"
    );
    // Before the window opens on a working day: logged that day.
    assert_eq!(
        deadline(&plain, "2025-06-06T07:00").unwrap(),
        "2025-06-09T17:30:00+08:00"
    );
    // Saturday: logged Monday, due Tuesday.
    assert_eq!(
        deadline(&plain, "2025-06-07T11:00").unwrap(),
        "2025-06-10T17:30:00+08:00"
    );
    // Eve of the 9-day Spring Festival 2026 (Saturday Feb 14 is a make-up workday).
    assert_eq!(
        deadline(&plain, "2026-02-13T16:00").unwrap(),
        "2026-02-14T17:30:00+08:00"
    );
    assert_eq!(
        deadline(&plain, "2026-02-14T10:00").unwrap(),
        "2026-02-24T17:30:00+08:00"
    );
    assert_eq!(
        deadline(&plain, "2026-02-14T18:00").unwrap(),
        "2026-02-25T17:30:00+08:00"
    );
    // A 16:00 cut-off moves a 16:00 call to the next working day.
    let early = nine(Some("16:00"));
    assert_eq!(
        deadline(&early, "2025-06-06T15:59").unwrap(),
        "2025-06-09T17:30:00+08:00"
    );
    assert_eq!(
        deadline(&early, "2025-06-06T16:00").unwrap(),
        "2025-06-10T17:30:00+08:00"
    );
    assert_eq!(
        deadline(&early, "2026-02-13T16:00").unwrap(),
        "2026-02-24T17:30:00+08:00"
    );
}

#[test]
fn daylight_saving_new_york() {
    // 2025-03-09 02:00 EST -> 03:00 EDT; 2025-11-02 02:00 EDT -> 01:00 EST.
    let around = clock(Coverage::AllHours, within("4h"), "America/New_York");
    assert_eq!(
        deadline(&around, "2025-03-09T00:30").unwrap(),
        "2025-03-09T05:30:00-04:00"
    );
    assert_eq!(
        deadline(&around, "2025-11-02T00:30").unwrap(),
        "2025-11-02T03:30:00-05:00"
    );
    // A night window on the spring-forward day is 5 absolute hours long.
    let night = |d| {
        clock(
            business("00:00-06:00", "mon-sun", "none"),
            within(d),
            "America/New_York",
        )
    };
    assert_eq!(
        deadline(&night("5h"), "2025-03-09T00:00").unwrap(),
        "2025-03-09T06:00:00-04:00"
    );
    assert_eq!(
        deadline(&night("6h"), "2025-03-09T00:00").unwrap(),
        "2025-03-10T01:00:00-04:00"
    );
    // ... and 7 hours on the fall-back day.
    assert_eq!(
        deadline(&night("7h"), "2025-11-02T00:00").unwrap(),
        "2025-11-02T06:00:00-05:00"
    );
    assert_eq!(
        deadline(&night("6h"), "2025-11-02T00:00").unwrap(),
        "2025-11-02T05:00:00-05:00"
    );
    // Business hours over the spring-forward weekend.
    let office = clock(
        business("09:00-17:00", "mon-fri", "none"),
        within("4h"),
        "America/New_York",
    );
    assert_eq!(
        deadline(&office, "2025-03-07T15:00").unwrap(),
        "2025-03-10T11:00:00-04:00"
    );
}

#[test]
fn daylight_saving_london() {
    // 2025-03-30 01:00 GMT -> 02:00 BST; 2025-10-26 02:00 BST -> 01:00 GMT.
    let night = |d| {
        clock(
            business("00:00-04:00", "mon-sun", "none"),
            within(d),
            "Europe/London",
        )
    };
    assert_eq!(
        deadline(&night("4h"), "2025-03-30T00:00").unwrap(),
        "2025-03-31T01:00:00+01:00"
    );
    assert_eq!(
        deadline(&night("5h"), "2025-10-26T00:00").unwrap(),
        "2025-10-26T04:00:00+00:00"
    );
    let around = clock(Coverage::AllHours, within("4h"), "Europe/London");
    assert_eq!(
        deadline(&around, "2025-03-30T00:00").unwrap(),
        "2025-03-30T05:00:00+01:00"
    );
}

#[test]
fn offset_and_naive_input_agree_in_any_zone() {
    let c = shanghai_9_17_4h();
    assert_eq!(
        deadline(&c, "2025-04-30T07:00:00Z").unwrap(),
        deadline(&c, "2025-04-30T15:00").unwrap()
    );
    assert_eq!(
        deadline(&c, "2025-04-30T09:00:00+02:00").unwrap(),
        "2025-05-06T11:00:00+08:00"
    );
}

#[test]
fn years_without_calendar_data_are_errors() {
    let c = shanghai_9_17_4h();
    let before = deadline(&c, "2024-12-30T10:00").unwrap_err();
    assert!(
        before.to_string().contains("no data for 2024-12-30"),
        "{before}"
    );
    // A deadline rolling into 2027 needs the 2027 calendar.
    let after = deadline(&c, "2026-12-31T16:00").unwrap_err();
    assert!(after.to_string().contains("2027-01-01"), "{after}");
    let nbd_after = clock(
        business("08:30-17:30", "mon-fri", "CN"),
        nbd(None),
        "Asia/Shanghai",
    );
    assert!(deadline(&nbd_after, "2026-12-31T10:00").is_err());
}

#[test]
fn elapsed_business_time() {
    let c = shanghai_9_17_4h();
    let at = |t| parse_instant(t, c.tz()).unwrap().timestamp();
    assert_eq!(
        c.elapsed(at("2025-04-30T15:00"), at("2025-05-06T11:00"))
            .unwrap(),
        4 * 3600
    );
    // An arrival 1 business hour late crosses a night.
    assert_eq!(
        c.elapsed(at("2025-06-04T16:30"), at("2025-06-05T09:30"))
            .unwrap(),
        3600
    );
    assert_eq!(
        c.elapsed(at("2025-06-05T09:30"), at("2025-06-04T16:30"))
            .unwrap(),
        -3600
    );
    assert_eq!(
        c.elapsed(at("2025-06-07T09:30"), at("2025-06-08T16:30"))
            .unwrap(),
        0
    );
}

#[test]
fn the_command() {
    let run = |extra: &[&str]| {
        let mut args = vec!["deadline", "--tz", "Asia/Shanghai", "--calendar", "CN"];
        args.extend_from_slice(extra);
        sparesla(&args)
    };
    let out = run(&[
        "--opened",
        "2025-04-30T15:00",
        "--window",
        "09:00-17:00",
        "--within",
        "4h",
    ]);
    assert!(out.status.success());
    assert_eq!(text(&out).0, "2025-05-06T11:00:00+08:00\n");
    let out = run(&[
        "--opened",
        "2025-06-06T18:30",
        "--window",
        "08:30-17:30",
        "--nbd",
    ]);
    assert_eq!(text(&out).0, "2025-06-10T17:30:00+08:00\n");
    let out = run(&[
        "--opened",
        "2025-04-30T15:00",
        "--window",
        "09:00-17:00",
        "--within",
        "4h",
        "--explain",
    ]);
    let explained = text(&out).0;
    assert!(
        explained.contains("2025-05-01 Thursday: skipped, holiday (Labour Day)"),
        "{explained}"
    );
    assert!(
        explained.ends_with("deadline 2025-05-06T11:00:00+08:00\n"),
        "{explained}"
    );
    let out = run(&[
        "--opened",
        "2025-06-06T18:30",
        "--coverage",
        "24x7",
        "--within",
        "4h",
    ]);
    assert_eq!(text(&out).0, "2025-06-06T22:30:00+08:00\n");
}

#[test]
fn the_command_rejects_bad_input_clearly() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--opened",
                "2025-03-09T02:30",
                "--tz",
                "America/New_York",
                "--coverage",
                "24x7",
                "--within",
                "4h",
            ],
            "does not exist",
        ),
        (
            &[
                "--opened",
                "2025-11-02T01:30",
                "--tz",
                "America/New_York",
                "--coverage",
                "24x7",
                "--within",
                "4h",
            ],
            "ambiguous",
        ),
        (
            &[
                "--opened",
                "2025-06-06T10:00",
                "--tz",
                "Mars/Olympus",
                "--coverage",
                "24x7",
                "--within",
                "4h",
            ],
            "IANA",
        ),
        (
            &[
                "--opened",
                "2025-06-06T10:00",
                "--tz",
                "UTC",
                "--window",
                "09:00-09:00",
                "--within",
                "4h",
            ],
            "--window",
        ),
        (
            &[
                "--opened",
                "2025-06-06T10:00",
                "--tz",
                "UTC",
                "--window",
                "09:00-17:00",
                "--within",
                "4 hours",
            ],
            "--within",
        ),
        (
            &[
                "--opened",
                "2024-06-06T10:00",
                "--tz",
                "UTC",
                "--calendar",
                "CN",
                "--window",
                "09:00-17:00",
                "--within",
                "4h",
            ],
            "no data for 2024",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["deadline"];
        full.extend_from_slice(args);
        let out = sparesla(&full);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stderr = text(&out).1;
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"));
    }
    // Both coverages, or none, is a usage error.
    let out = sparesla(&[
        "deadline",
        "--opened",
        "2025-06-06T10:00",
        "--tz",
        "UTC",
        "--within",
        "4h",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// The reference: walk minute by minute through local wall-clock time,
/// counting minutes inside windows of working days. Slow and obviously right.
fn reference_deadline(rule: &Reference, opened_minute: i64, minutes: i64) -> i64 {
    let mut t = opened_minute;
    let mut left = minutes;
    // Find the clock start: the first covered minute at or after opening.
    while !rule.covered(t) {
        t += 1;
    }
    while left > 0 {
        if rule.covered(t) {
            left -= 1;
        }
        t += 1;
    }
    // `t` is one past the last counted minute: the deadline.
    t
}

struct Reference {
    tz: Tz,
    window: ClockWindow,
    days: WeekdaySet,
    calendar: Arc<HolidayCalendar>,
}

impl Reference {
    /// Whether the minute starting at `minute` (since the epoch) is covered.
    fn covered(&self, minute: i64) -> bool {
        let local = Utc
            .timestamp_opt(minute * 60, 0)
            .unwrap()
            .with_timezone(&self.tz);
        let of_day = local.hour() * 60 + local.minute();
        self.calendar
            .is_working_day(local.date_naive(), self.days)
            .unwrap()
            && self.window.start_minute() <= of_day
            && of_day < self.window.end_minute()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn deadlines_match_a_minute_by_minute_walk(
        zone in prop::sample::select(vec!["Asia/Shanghai", "America/New_York", "Europe/London"]),
        window in prop::sample::select(vec!["09:00-17:00", "08:30-17:30", "08:00-18:00", "00:00-06:00", "22:00-24:00"]),
        days in prop::sample::select(vec!["mon-fri", "mon-sat", "mon-sun"]),
        use_cn in any::<bool>(),
        opened_minute in (DateTime::parse_from_rfc3339("2025-01-02T00:00:00Z").unwrap().timestamp() / 60)
            ..(DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z").unwrap().timestamp() / 60),
        minutes in 0i64..(30 * 60),
    ) {
        let calendar = calendar(if use_cn { "CN" } else { "none" });
        let coverage = Coverage::Business(BusinessHours {
            window: window.parse().unwrap(),
            days: days.parse().unwrap(),
            calendar: calendar.clone(),
        });
        let c = SlaClock::new(&coverage, Response::Within(TimeDelta::minutes(minutes)), zone.parse().unwrap(), 2020..=2030).unwrap();
        let reference = Reference { tz: zone.parse().unwrap(), window: window.parse().unwrap(), days: days.parse().unwrap(), calendar };
        let opened = opened_minute * 60;
        let due = c.deadline(opened).unwrap();
        prop_assert_eq!(due, reference_deadline(&reference, opened_minute, minutes) * 60);
        prop_assert_eq!(c.elapsed(opened, due).unwrap(), minutes * 60);
        prop_assert!(due >= opened);
        // A later opening never gives an earlier deadline.
        prop_assert!(c.deadline(opened + 60).unwrap() >= due);
    }

    #[test]
    fn next_business_day_is_the_end_of_a_working_day_after_the_arrival(
        opened_minute in (DateTime::parse_from_rfc3339("2025-01-02T00:00:00Z").unwrap().timestamp() / 60)
            ..(DateTime::parse_from_rfc3339("2026-12-20T00:00:00Z").unwrap().timestamp() / 60),
    ) {
        let cn = calendar("CN");
        let c = clock(business("08:30-17:30", "mon-fri", "CN"), nbd(None), "Asia/Shanghai");
        let due = c.deadline(opened_minute * 60).unwrap();
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let local_due = Utc.timestamp_opt(due, 0).unwrap().with_timezone(&tz);
        let local_open = Utc.timestamp_opt(opened_minute * 60, 0).unwrap().with_timezone(&tz);
        prop_assert_eq!((local_due.hour(), local_due.minute()), (17, 30));
        prop_assert!(cn.is_working_day(local_due.date_naive(), WeekdaySet::MON_FRI).unwrap());
        // Exactly one or two working days end after the arrival and before the due day.
        let working_between = local_open.date_naive().iter_days()
            .skip(1)
            .take_while(|d| *d < local_due.date_naive())
            .filter(|d| cn.is_working_day(*d, WeekdaySet::MON_FRI).unwrap())
            .count();
        let arrived_in_time = cn.is_working_day(local_open.date_naive(), WeekdaySet::MON_FRI).unwrap()
            && local_open.hour() * 60 + local_open.minute() < 17 * 60 + 30;
        prop_assert_eq!(working_between, if arrived_in_time { 0 } else { 1 });
    }
}

#[test]
fn a_year_missing_between_covered_years_is_an_error() {
    use sparesla::calendar::{DatedDay, DayKind};
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let holiday = DatedDay {
        kind: DayKind::Holiday,
        name: "New Year".into(),
    };
    let days = [
        (day(2025, 1, 1), holiday.clone()),
        (day(2027, 1, 1), holiday),
    ]
    .into_iter()
    .collect();
    let gappy = Arc::new(HolidayCalendar::from_days("GAPPY", days));
    let coverage = Coverage::Business(BusinessHours {
        window: "09:00-17:00".parse().unwrap(),
        days: WeekdaySet::MON_FRI,
        calendar: gappy,
    });
    let c = SlaClock::new(&coverage, within("4h"), "UTC".parse().unwrap(), 2020..=2030).unwrap();
    assert_eq!(
        deadline(&c, "2025-06-04T10:00").unwrap(),
        "2025-06-04T14:00:00+00:00"
    );
    let err = deadline(&c, "2025-12-31T16:00").unwrap_err();
    assert!(err.to_string().contains("no data for 2026-01-01"), "{err}");
    assert!(deadline(&c, "2026-03-03T10:00").is_err());
    assert_eq!(
        deadline(&c, "2027-06-02T10:00").unwrap(),
        "2027-06-02T14:00:00+00:00"
    );
}

#[test]
fn every_site_gets_the_clock_of_its_tier() {
    use sparesla::scenario::SiteClocks;
    let loaded = scenario::load(&common::fixtures().join("tiny")).unwrap();
    let s = &loaded.scenario;
    let clocks = SiteClocks::for_scenario(s).unwrap();
    let opened = parse_instant("2025-06-06T18:30", "Asia/Shanghai".parse().unwrap())
        .unwrap()
        .timestamp();
    let due = |site: &str| {
        let clock = clocks.of(s.site_by_id(site).unwrap());
        format_instant(clock.deadline(opened).unwrap(), clock.tz())
    };
    assert_eq!(due("S1"), "2025-06-06T22:30:00+08:00"); // 7x24x4
    assert_eq!(due("S2"), "2025-06-10T18:00:00+08:00"); // 5x10-nbd, Friday evening
}
