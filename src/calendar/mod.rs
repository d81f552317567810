//! Contract calendars: coverage windows, working days, holidays, and the
//! deadline engine that turns "opened at t" into "due at d".

mod coverage;
mod explain;
mod holidays;
mod parse;
mod sla;
mod timeline;

pub use coverage::{BusinessHours, Coverage, Response};
pub use explain::explain_deadline;
pub use holidays::{
    DatedDay, DayKind, HolidayCalendar, YearNotCovered, bundled_names, bundled_text,
};
pub use parse::{
    ClockWindow, MINUTES_PER_DAY, WeekdaySet, clock_time, format_clock, format_duration,
    parse_clock, parse_duration, parse_instant, parse_time_zone,
};
pub use sla::{ClockCoverage, DEFAULT_NONE_YEARS, SlaClock, none_years};
pub use timeline::{
    BusinessRule, BusinessTimeline, CalendarError, DayStatus, NextBusinessDay, Seconds,
    format_instant, local_instant,
};
