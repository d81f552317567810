//! `sparesla deadline`: the contract deadline of one ticket.

use super::InvalidInput;
use chrono::Datelike;
use sparesla::calendar::{
    ClockWindow, DEFAULT_NONE_YEARS, SlaClock, WeekdaySet, explain_deadline, format_instant,
    parse_clock, parse_duration, parse_instant, parse_time_zone,
};
use sparesla::scenario::{self, BusinessHours, Coverage, Response};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("coverage_kind").required(true).args(["coverage", "window"])))]
#[command(group(clap::ArgGroup::new("response").required(true).args(["within", "nbd"])))]
pub struct Args {
    /// When the ticket was opened: RFC 3339 with an offset (2025-05-06T08:00:00Z)
    /// or a local time in --tz (2025-05-06T16:00).
    #[arg(long, value_name = "TIME")]
    opened: String,
    /// IANA time zone of the site, e.g. Asia/Shanghai.
    #[arg(long, value_name = "ZONE")]
    tz: String,
    /// Holiday calendar: none (weekday pattern only), CN (bundled), or a
    /// path to a date,kind,name CSV file.
    #[arg(long, value_name = "CN|none|PATH", default_value = "none")]
    calendar: String,
    /// Around-the-clock coverage (calendars and windows ignored).
    #[arg(long, value_parser = ["24x7"])]
    coverage: Option<String>,
    /// Daily business window in local wall-clock time, e.g. 09:00-17:00; an
    /// end before the start runs overnight into the next day (20:00-08:00).
    #[arg(long, value_name = "HH:MM-HH:MM")]
    window: Option<String>,
    /// Working weekdays of the business window.
    #[arg(long, default_value = "mon-fri", requires = "window")]
    days: String,
    /// Response time in covered time: 4h, 30m, 1h30m.
    #[arg(long, value_name = "DURATION")]
    within: Option<String>,
    /// Next business day: due by the window end of the working day after the
    /// day the call is logged on.
    #[arg(long)]
    nbd: bool,
    /// Calls arriving at or after this local time are logged on the next
    /// working day (default: the window end).
    #[arg(long, value_name = "HH:MM", requires = "nbd")]
    cutoff: Option<String>,
    /// Also print how the deadline was reached: counted windows, skipped days.
    #[arg(long)]
    explain: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tz = parse_time_zone(&args.tz).map_err(|e| InvalidInput(format!("--tz: {e}")))?;
    let opened = parse_instant(&args.opened, tz)
        .map_err(|e| InvalidInput(format!("--opened: {e}")))?
        .timestamp();
    let coverage = coverage(&args)?;
    let response = response(&args)?;
    let opened_year = chrono::DateTime::from_timestamp(opened, 0)
        .map(|t| t.year())
        .unwrap_or(*DEFAULT_NONE_YEARS.start());
    // The calendar `none` is precomputed around the opening; long durations may reach far.
    let none_years = (opened_year - 1)..=(opened_year + 30);
    let clock = SlaClock::new(&coverage, response, tz, none_years).map_err(InvalidInput::from)?;
    if args.explain {
        let lines = explain_deadline(&clock, opened).map_err(InvalidInput::from)?;
        super::print_stdout(&lines.join("\n"))?;
    } else {
        let deadline = clock.deadline(opened).map_err(InvalidInput::from)?;
        super::print_stdout(&format_instant(deadline, tz))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn coverage(args: &Args) -> anyhow::Result<Coverage> {
    let Some(window) = &args.window else {
        return Ok(Coverage::AllHours);
    };
    let window: ClockWindow = window
        .parse()
        .map_err(|e| InvalidInput(format!("--window: {e}")))?;
    let days: WeekdaySet = args
        .days
        .parse()
        .map_err(|e| InvalidInput(format!("--days: {e}")))?;
    let calendar = scenario::load_calendar(&args.calendar, Path::new("."))?;
    Ok(Coverage::Business(BusinessHours {
        window,
        days,
        calendar,
    }))
}

fn response(args: &Args) -> anyhow::Result<Response> {
    if let Some(within) = &args.within {
        let duration =
            parse_duration(within).map_err(|e| InvalidInput(format!("--within: {e}")))?;
        return Ok(Response::Within(duration));
    }
    let cutoff_minute = match &args.cutoff {
        None => None,
        Some(text) => Some(parse_clock(text).ok_or_else(|| {
            InvalidInput(format!(
                "--cutoff: `{text}` is not a time; expected HH:MM such as 16:00"
            ))
        })?),
    };
    Ok(Response::NextBusinessDay { cutoff_minute })
}
