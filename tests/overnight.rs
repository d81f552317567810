//! Overnight windows (`20:00-08:00`): a window belongs to the day it opens
//! on and closes the next calendar day. Deadlines worked by hand across
//! midnight, daylight-saving changes and a holiday, against a minute-by-minute
//! walk, and through the commands that read shifts and tier windows.

mod common;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use common::{deadline, sparesla, text, within};
use proptest::prelude::*;
use sparesla::calendar::{
    ClockWindow, DatedDay, DayKind, HolidayCalendar, SlaClock, WeekdaySet, explain_deadline,
    parse_instant,
};
use sparesla::scenario::{BusinessHours, Coverage, Response};
use std::sync::Arc;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A calendar covering 2025 whose only dated day is Independence Day, Friday 2025-07-04.
fn us_2025() -> Arc<HolidayCalendar> {
    let holiday = DatedDay {
        kind: DayKind::Holiday,
        name: "Independence Day".into(),
    };
    Arc::new(HolidayCalendar::from_days(
        "US2025",
        [(day(2025, 7, 4), holiday)].into_iter().collect(),
    ))
}

fn night_clock(
    window: &str,
    days: &str,
    calendar: Arc<HolidayCalendar>,
    response: Response,
) -> SlaClock {
    let coverage = Coverage::Business(BusinessHours {
        window: window.parse().unwrap(),
        days: days.parse().unwrap(),
        calendar,
    });
    SlaClock::new(
        &coverage,
        response,
        "America/New_York".parse().unwrap(),
        2020..=2030,
    )
    .unwrap()
}

#[test]
fn an_overnight_window_runs_into_the_next_morning() {
    let c = night_clock(
        "20:00-08:00",
        "mon-fri",
        Arc::new(HolidayCalendar::none()),
        within("4h"),
    );
    // Tuesday 22:00 + 4h: Wednesday 02:00, inside Tuesday's window.
    assert_eq!(
        deadline(&c, "2025-06-10T22:00").unwrap(),
        "2025-06-11T02:00:00-04:00"
    );
    // Wednesday 03:00 is still Tuesday's window: the clock runs at once.
    assert_eq!(
        deadline(&c, "2025-06-11T03:00").unwrap(),
        "2025-06-11T07:00:00-04:00"
    );
    // Wednesday 06:00: 2h to 08:00, then 2h from Wednesday 20:00.
    assert_eq!(
        deadline(&c, "2025-06-11T06:00").unwrap(),
        "2025-06-11T22:00:00-04:00"
    );
    // Wednesday 12:00, between windows: the clock starts at 20:00.
    assert_eq!(
        deadline(&c, "2025-06-11T12:00").unwrap(),
        "2025-06-12T00:00:00-04:00"
    );
    // Saturday 03:00 belongs to Friday's window; Saturday and Sunday open none,
    // so 5h to 08:00 is not enough: the last hour is counted from Monday 20:00.
    let five = night_clock(
        "20:00-08:00",
        "mon-fri",
        Arc::new(HolidayCalendar::none()),
        within("6h"),
    );
    assert_eq!(
        deadline(&five, "2025-06-14T03:00").unwrap(),
        "2025-06-16T21:00:00-04:00"
    );
    // Sunday 03:00 is in no window (Saturday opens none): Monday 20:00 + 6h.
    assert_eq!(
        deadline(&five, "2025-06-15T03:00").unwrap(),
        "2025-06-17T02:00:00-04:00"
    );
}

#[test]
fn daylight_saving_changes_inside_an_overnight_window() {
    // New York: 2025-03-09 02:00 EST -> 03:00 EDT; 2025-11-02 02:00 EDT -> 01:00 EST.
    let every_night = |response| {
        night_clock(
            "20:00-08:00",
            "mon-sun",
            Arc::new(HolidayCalendar::none()),
            response,
        )
    };
    // Saturday 23:00 EST + 4h of absolute time: 04:00 EDT (the clocks skip an hour).
    assert_eq!(
        deadline(&every_night(within("4h")), "2025-03-08T23:00").unwrap(),
        "2025-03-09T04:00:00-04:00"
    );
    // Saturday's window is 11 absolute hours (20:00 EST to 08:00 EDT): from
    // 23:00 EST 8h remain, the other 2h from Sunday 20:00.
    assert_eq!(
        deadline(&every_night(within("10h")), "2025-03-08T23:00").unwrap(),
        "2025-03-09T22:00:00-04:00"
    );
    // In the autumn the night is 13 absolute hours: 12h from 20:00 EDT end at 07:00 EST.
    assert_eq!(
        deadline(&every_night(within("12h")), "2025-11-01T20:00").unwrap(),
        "2025-11-02T07:00:00-05:00"
    );
    assert_eq!(
        deadline(&every_night(within("13h")), "2025-11-01T20:00").unwrap(),
        "2025-11-02T08:00:00-05:00"
    );
    assert_eq!(
        deadline(&every_night(within("14h")), "2025-11-01T20:00").unwrap(),
        "2025-11-02T21:00:00-05:00"
    );
}

#[test]
fn the_day_an_overnight_window_opens_on_decides_whether_it_runs() {
    // Friday 2025-07-04 is a holiday: Thursday's window still runs into Friday
    // morning, Friday opens none, Saturday and Sunday are off.
    let c = |response| night_clock("20:00-08:00", "mon-fri", us_2025(), response);
    assert_eq!(
        deadline(&c(within("4h")), "2025-07-03T22:00").unwrap(),
        "2025-07-04T02:00:00-04:00"
    );
    // 10h to Friday 08:00, then 2h from Monday 20:00.
    assert_eq!(
        deadline(&c(within("12h")), "2025-07-03T22:00").unwrap(),
        "2025-07-07T22:00:00-04:00"
    );
    // Friday 09:00: nothing until Monday 20:00.
    assert_eq!(
        deadline(&c(within("4h")), "2025-07-04T09:00").unwrap(),
        "2025-07-08T00:00:00-04:00"
    );
    // The explanation lists Thursday, whose window holds the opening.
    let opened = parse_instant("2025-07-04T03:00", c(within("4h")).tz())
        .unwrap()
        .timestamp();
    let lines = explain_deadline(&c(within("8h")), opened).unwrap();
    let expected = [
        "opened 2025-07-04T03:00:00-04:00 (Friday)",
        "coverage 20:00-08:00 on mon-fri of calendar US2025: 8h of business time",
        "2025-07-03 Thursday: counted 03:00-08:00 (5h), 3h left",
        "2025-07-04 Friday: skipped, holiday (Independence Day)",
        "2025-07-05 Saturday: skipped, not in mon-fri",
        "2025-07-06 Sunday: skipped, not in mon-fri",
        "2025-07-07 Monday: counted 20:00-23:00 (3h), 0s left",
        "deadline 2025-07-07T23:00:00-04:00",
    ];
    assert_eq!(lines, expected);
}

#[test]
fn the_morning_after_a_day_without_calendar_data_is_unknown() {
    let c = night_clock("20:00-08:00", "mon-sun", us_2025(), within("4h"));
    // 2025-01-01 03:00 belongs to 2024-12-31's window, a year the calendar lacks.
    let err = deadline(&c, "2025-01-01T03:00").unwrap_err();
    assert!(err.to_string().contains("2024"), "{err}");
    // The last covered night runs into the next year's morning.
    assert_eq!(
        deadline(&c, "2025-12-31T22:00").unwrap(),
        "2026-01-01T02:00:00-05:00"
    );
}

#[test]
fn next_business_day_on_night_windows() {
    let nbd = |cutoff: Option<u32>| {
        night_clock(
            "20:00-08:00",
            "mon-fri",
            Arc::new(HolidayCalendar::none()),
            Response::NextBusinessDay {
                cutoff_minute: cutoff,
            },
        )
    };
    let default = nbd(None);
    // Tuesday night is logged on Tuesday; due by the end of Wednesday's night.
    for opened in ["2025-06-10T23:00", "2025-06-11T03:00", "2025-06-10T10:00"] {
        assert_eq!(
            deadline(&default, opened).unwrap(),
            "2025-06-12T08:00:00-04:00",
            "{opened}"
        );
    }
    // After Tuesday's cut-off (Wednesday 08:00): logged Wednesday, due Friday 08:00.
    assert_eq!(
        deadline(&default, "2025-06-11T09:00").unwrap(),
        "2025-06-13T08:00:00-04:00"
    );
    // Saturday 03:00 is Friday's night: due by the end of Monday's night.
    assert_eq!(
        deadline(&default, "2025-06-14T03:00").unwrap(),
        "2025-06-17T08:00:00-04:00"
    );
    // A cut-off after the window start is read on the day the window opens.
    let late = nbd(Some(22 * 60));
    assert_eq!(
        deadline(&late, "2025-06-10T21:00").unwrap(),
        "2025-06-12T08:00:00-04:00"
    );
    assert_eq!(
        deadline(&late, "2025-06-10T23:00").unwrap(),
        "2025-06-13T08:00:00-04:00"
    );
    let opened = parse_instant("2025-06-11T03:00", default.tz())
        .unwrap()
        .timestamp();
    let lines = explain_deadline(&default, opened).unwrap();
    assert_eq!(
        lines,
        [
            "opened 2025-06-11T03:00:00-04:00 (Wednesday)",
            "coverage 20:00-08:00 on mon-fri of calendar none: next business day, cut-off 08:00 the next morning",
            "arrived before the cut-off of the overnight working day that opened on 2025-06-10: logged on 2025-06-10",
            "2025-06-10 Tuesday: logged day",
            "2025-06-11 Wednesday: next working day: due by its window end",
            "deadline 2025-06-12T08:00:00-04:00",
        ]
    );
}

#[test]
fn the_deadline_command_reads_overnight_windows() {
    let out = sparesla(&[
        "deadline",
        "--tz",
        "America/New_York",
        "--calendar",
        "none",
        "--opened",
        "2025-03-08T23:00",
        "--window",
        "20:00-08:00",
        "--days",
        "mon-sun",
        "--within",
        "4h",
    ]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(text(&out).0, "2025-03-09T04:00:00-04:00\n");
    let out = sparesla(&[
        "deadline",
        "--tz",
        "UTC",
        "--calendar",
        "none",
        "--opened",
        "2025-03-08T23:00",
        "--window",
        "08:00-08:00",
        "--within",
        "4h",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).1.contains("00:00-24:00"), "{}", text(&out).1);
}

/// The reference: a minute is covered when the window of its own date has
/// opened, or the overnight window of the day before has not yet closed.
struct Reference {
    tz: Tz,
    window: ClockWindow,
    days: WeekdaySet,
    calendar: Arc<HolidayCalendar>,
}

impl Reference {
    fn covered(&self, minute: i64) -> bool {
        let local = Utc
            .timestamp_opt(minute * 60, 0)
            .unwrap()
            .with_timezone(&self.tz);
        let of_day = local.hour() * 60 + local.minute();
        let date = local.date_naive();
        let works = |d: NaiveDate| self.calendar.is_working_day(d, self.days).unwrap();
        (of_day >= self.window.start_minute() && works(date))
            || (of_day < self.window.end_minute() && works(date.pred_opt().unwrap()))
    }

    fn deadline(&self, opened_minute: i64, minutes: i64) -> i64 {
        let mut t = opened_minute;
        let mut left = minutes;
        while !self.covered(t) {
            t += 1;
        }
        while left > 0 {
            if self.covered(t) {
                left -= 1;
            }
            t += 1;
        }
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn overnight_deadlines_match_a_minute_by_minute_walk(
        zone in prop::sample::select(vec!["Asia/Shanghai", "America/New_York", "Europe/London"]),
        window in prop::sample::select(vec!["20:00-08:00", "22:00-06:00", "18:00-02:30", "23:30-01:00", "12:00-11:00"]),
        days in prop::sample::select(vec!["mon-fri", "mon-sat", "mon-sun"]),
        use_cn in any::<bool>(),
        opened_minute in (DateTime::parse_from_rfc3339("2025-01-02T12:00:00Z").unwrap().timestamp() / 60)
            ..(DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z").unwrap().timestamp() / 60),
        minutes in 0i64..(30 * 60),
    ) {
        let calendar = if use_cn {
            sparesla::scenario::load_calendar("CN", std::path::Path::new(".")).unwrap()
        } else {
            Arc::new(HolidayCalendar::none())
        };
        let window: ClockWindow = window.parse().unwrap();
        prop_assert!(window.crosses_midnight());
        let coverage = Coverage::Business(BusinessHours {
            window,
            days: days.parse().unwrap(),
            calendar: calendar.clone(),
        });
        let tz: Tz = zone.parse().unwrap();
        let c = SlaClock::new(&coverage, Response::Within(TimeDelta::minutes(minutes)), tz, 2020..=2030).unwrap();
        let reference = Reference { tz, window, days: days.parse().unwrap(), calendar };
        let opened = opened_minute * 60;
        let due = c.deadline(opened).unwrap();
        prop_assert_eq!(due, reference.deadline(opened_minute, minutes) * 60);
        prop_assert_eq!(c.elapsed(opened, due).unwrap(), minutes * 60);
        prop_assert!(c.deadline(opened + 60).unwrap() >= due);
    }
}

/// The tiny fixture with a night engineer at the Shanghai depot (on
/// 20:00-08:00 Monday to Friday nights, calendar CN) and a day engineer in
/// Hangzhou, and three power-supply failures at a Shanghai 7x24x4 site.
fn night_dispatch() -> (common::ScenarioCopy, tempfile::TempDir) {
    let copy = common::ScenarioCopy::fixture("tiny");
    copy.write(
        "engineers.csv",
        "id,name,base,skills,shift,calendar,days\n\
         N1,Night Li,CW,net;sto,20:00-08:00,CN,mon-fri\n\
         E3,Zhao Lei,D-HZ,net,08:30-17:30,CN,\n",
    )
    .write(
        "incidents.csv",
        "id,site,opened,part,kind\n\
         WED,S1,2026-03-11T02:00,PSU,reactive\n\
         SAT,S1,2026-03-14T03:00,PSU,reactive\n\
         MON,S1,2026-03-16T03:00,PSU,reactive\n",
    )
    .write("stock.csv", "depot,part,on_hand\nCW,PSU,3\n");
    let out = tempfile::tempdir().unwrap();
    let output = sparesla(&[
        "dispatch",
        copy.path().to_str().unwrap(),
        "--incidents",
        copy.path().join("incidents.csv").to_str().unwrap(),
        "--stock",
        copy.path().join("stock.csv").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output).1);
    (copy, out)
}

#[test]
fn a_night_engineer_serves_a_two_in_the_morning_incident() {
    let (_copy, out) = night_dispatch();
    let rows = std::fs::read_to_string(out.path().join("dispatch.csv")).unwrap();
    let row = |id: &str| -> Vec<String> {
        rows.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id} in {rows}"))
            .split(',')
            .map(str::to_string)
            .collect()
    };
    // Wednesday 02:00 is Tuesday night's shift: N1 leaves at once, 4h deadline met.
    let wed = row("WED");
    assert_eq!(
        (wed[1].as_str(), wed[9].as_str()),
        ("N1", "on_time"),
        "{rows}"
    );
    assert_eq!(wed[4], "2026-03-11T02:00:00+08:00");
    // Saturday 03:00 is still Friday night's shift.
    let sat = row("SAT");
    assert_eq!(
        (sat[1].as_str(), sat[9].as_str()),
        ("N1", "on_time"),
        "{rows}"
    );
    // Monday 03:00 follows Sunday, which opens no shift: N1 is off until
    // Monday 20:00, so the day engineer goes, late.
    let mon = row("MON");
    assert_eq!((mon[1].as_str(), mon[9].as_str()), ("E3", "late"), "{rows}");
}

/// One depot, one part, a site beside the depot and one engineer on duty
/// `shift` every night; failures on a tier whose clock runs 00:00-06:00.
fn night_simulation(dir: &std::path::Path, shift: &str) -> sparesla::simulate::Simulation {
    use sparesla::scenario::{self, StockLevel};
    use sparesla::simulate::{SimulateOptions, simulate};
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "scenario.toml",
        "name = \"nights\"\ncurrency = \"CNY\"\nhorizon_days = 28\nstart_date = 2026-01-05\n\
         timezone = \"America/New_York\"\n[costs]\nemergency_shipment_cost = 1000\n",
    );
    write(
        "depots.csv",
        "id,name,lat,lon,kind,status,fixed_cost,replenish_days\n\
         D,Depot,40.71,-74.00,regional,open,0,1\n",
    );
    write(
        "parts.csv",
        "id,name,unit_cost,skill,repair_hours\nP,Part,100,net,1\n",
    );
    write(
        "sites.csv",
        "id,customer,lat,lon,tz,tier,region\nS,Customer,40.72,-74.01,America/New_York,small-hours,East\n",
    );
    write(
        "installed_base.csv",
        "site,part,quantity,annual_failure_rate\nS,P,100,3\n",
    );
    write(
        "tiers.csv",
        "id,coverage,window,days,calendar,response,target,penalty\n\
         small-hours,business,00:00-06:00,mon-sun,none,4h,0.9,100\n",
    );
    write(
        "engineers.csv",
        &format!(
            "id,name,base,skills,shift,calendar,days\nE,Engineer,D,net,{shift},none,mon-sun\n"
        ),
    );
    let scenario = scenario::load(dir).expect("night scenario").scenario;
    let travel = sparesla::travel::TravelTimes::build(&scenario).unwrap();
    let levels = [StockLevel {
        depot: scenario.depot_by_id("D").unwrap(),
        part: scenario.part_by_id("P").unwrap(),
        on_hand: 1000,
    }];
    let options = SimulateOptions {
        days: 28,
        runs: 5,
        seed: 3,
        emergency_hours: 24.0,
    };
    simulate(&scenario, &travel, &levels, options).unwrap()
}

#[test]
fn a_night_shift_is_on_duty_after_midnight_in_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let nights = night_simulation(dir.path(), "20:00-08:00");
    // 28 nights of 12 hours inside the horizon: the first morning belongs to
    // the night before it, the last night runs past it. No daylight-saving
    // change in January.
    assert_eq!(nights.engineers[0].duty_hours, 28.0 * 12.0);
    assert!(nights.incidents.mean > 10.0, "{}", nights.incidents.mean);
    // The clock runs only while the night engineer is on duty: every
    // failure is met.
    assert_eq!(nights.attainment.unwrap().mean, 1.0);
    // The same nights without their mornings (20:00-24:00) leave failures
    // opened between midnight and 02:00 waiting for the evening: late.
    let evenings = night_simulation(dir.path(), "20:00-24:00");
    assert_eq!(evenings.engineers[0].duty_hours, 28.0 * 4.0);
    assert!(evenings.attainment.unwrap().mean < 0.99);
}

#[test]
fn scenario_files_accept_overnight_tier_windows_and_shifts() {
    let copy = common::ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "08:00-18:00", "20:00-08:00")
        .replace("engineers.csv", "08:00-18:00", "22:00-06:00");
    let loaded = sparesla::scenario::load(copy.path()).expect("overnight windows load");
    let s = &loaded.scenario;
    let Coverage::Business(hours) = &s.tier(s.sites[1].tier).coverage else {
        panic!("S2 is on the business tier");
    };
    assert_eq!(hours.window.to_string(), "20:00-08:00");
    assert!(hours.window.crosses_midnight());
    assert_eq!(s.engineers[1].shift.window.hours(), 8.0);
    let out = sparesla(&["validate", copy.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out).1);

    // Equal start and end: located, with the whole-day spelling as the fix.
    let copy = common::ScenarioCopy::fixture("tiny");
    copy.replace("engineers.csv", "08:00-18:00", "08:00-08:00");
    let out = sparesla(&["validate", copy.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out).1;
    assert!(stderr.contains("E1017"), "{stderr}");
    assert!(stderr.contains("engineers.csv:3:5"), "{stderr}");
    assert!(stderr.contains("00:00-24:00"), "{stderr}");
}

#[test]
fn overlays_accept_overnight_windows_and_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::ScenarioCopy::fixture("tiny");
    let overlay = dir.path().join("nights");
    std::fs::create_dir_all(&overlay).unwrap();
    std::fs::write(
        overlay.join("overlay.toml"),
        format!(
            "base = {:?}\n\
             [[tier]]\nid = \"5x10-nbd\"\nwindow = \"20:00-08:00\"\n\
             [[new_engineer]]\nid = \"N9\"\nbase = \"CW\"\nskills = \"net\"\nshift = \"20:00-08:00\"\ntz = \"Asia/Shanghai\"\n",
            base.path().to_str().unwrap()
        ),
    )
    .unwrap();
    let s = sparesla::scenario::load(&overlay)
        .expect("overlay with overnight windows")
        .scenario;
    let Coverage::Business(hours) = &s.tier(s.sites[1].tier).coverage else {
        panic!("S2 is on the business tier");
    };
    assert_eq!(hours.window.to_string(), "20:00-08:00");
    let night = s.engineers.iter().find(|e| e.id == "N9").unwrap();
    assert!(night.shift.window.crosses_midnight());
    assert_eq!(night.shift.window.hours(), 12.0);
}
