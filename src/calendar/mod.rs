//! Contract calendars: coverage windows, working days, holidays, and the
//! deadline engine that turns "opened at t" into "due at d".

mod holidays;
mod parse;

pub use holidays::{
    DatedDay, DayKind, HolidayCalendar, YearNotCovered, bundled_names, bundled_text,
};
pub use parse::{
    ClockWindow, MINUTES_PER_DAY, WeekdaySet, clock_time, format_clock, format_duration,
    parse_clock, parse_duration, parse_instant, parse_time_zone,
};
