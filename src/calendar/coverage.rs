//! What a contract tier (or a shift) says about time: when its clock runs
//! and how fast it promises to respond. Plain data the deadline engine reads;
//! the scenario's tiers hold them.

use super::holidays::HolidayCalendar;
use super::parse::{ClockWindow, WeekdaySet};
use chrono::TimeDelta;
use std::sync::Arc;

/// When the contract clock runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Coverage {
    /// Around the clock, every day, no calendar.
    AllHours,
    /// Inside a daily window on the working days of a calendar.
    Business(BusinessHours),
}

/// A daily window on working days: the weekday pattern, overridden by a
/// dated calendar.
#[derive(Clone, Debug, PartialEq)]
pub struct BusinessHours {
    pub window: ClockWindow,
    pub days: WeekdaySet,
    pub calendar: Arc<HolidayCalendar>,
}

/// How fast a tier promises to be on site.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Response {
    /// Within this much covered time.
    Within(TimeDelta),
    /// By the end of the next business day; calls after `cutoff_minute`
    /// (default: the window end) are logged on the next working day.
    NextBusinessDay { cutoff_minute: Option<u32> },
}
