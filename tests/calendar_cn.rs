//! The bundled CN calendar agrees, day by day, with an independent source:
//! the `chinese_holiday` crate, compiled from the State Council notices.

use chinese_holiday::chinese_holiday;
use chrono::NaiveDate;
use sparesla::calendar::WeekdaySet;
use sparesla::scenario::load_calendar;
use std::path::Path;

#[test]
fn cn_working_days_match_the_chinese_holiday_crate_for_2025_and_2026() {
    let cn = load_calendar("CN", Path::new(".")).unwrap();
    assert_eq!(cn.covered_description(), "2025-2026");
    let mut date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    // The crate's data ends on 2026-12-25.
    let last = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    let mut checked = 0;
    let mut differences = Vec::new();
    while date <= last {
        let ours = cn.is_working_day(date, WeekdaySet::MON_FRI).unwrap();
        let theirs = chinese_holiday(&date).is_workday();
        if ours != theirs {
            differences.push(date);
        }
        checked += 1;
        date = date.succ_opt().unwrap();
    }
    assert!(
        differences.is_empty(),
        "calendars disagree on {differences:?}"
    );
    assert_eq!(checked, 724);
}

#[test]
fn cn_rejects_years_it_does_not_cover() {
    let cn = load_calendar("CN", Path::new(".")).unwrap();
    let date = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let error = cn.is_working_day(date, WeekdaySet::MON_FRI).unwrap_err();
    assert!(error.to_string().contains("no data for 2027-01-04"));
    let date = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    assert!(cn.is_working_day(date, WeekdaySet::MON_FRI).is_err());
}
