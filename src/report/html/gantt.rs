//! The dispatcher's day: one row per engineer with incidents, each stop
//! drawn from departure to repair start (travel and waiting, light) and from
//! repair start to finish (repair, green when on time, red when late), the
//! incident's deadline marked as a tick in the row.

use super::svg::{Scale, Svg, esc};
use crate::dispatch::Status;
use crate::report::view::DispatchView;
use chrono::{DateTime, Duration, FixedOffset, Timelike};

const WIDTH: f64 = 1000.0;
const LABEL: f64 = 70.0;
const RIGHT: f64 = 18.0;
const ROW: f64 = 15.0;
const TOP: f64 = 26.0;

/// One Gantt chart per day the routes start on (in the dispatch's zone),
/// each with that day's stops on its own time axis: (day, SVG element).
pub fn daily(view: &DispatchView) -> Vec<(String, String)> {
    let mut days: Vec<chrono::NaiveDate> = view
        .rows
        .iter()
        .flat_map(|r| &r.stops)
        .map(|s| s.depart.with_timezone(&view.offset).date_naive())
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .filter_map(|day| {
            let mut panel = view.clone();
            for row in &mut panel.rows {
                row.stops
                    .retain(|s| s.depart.with_timezone(&view.offset).date_naive() == day);
            }
            panel.rows.retain(|r| !r.stops.is_empty());
            render(&panel).map(|svg| (day.format("%a %d %b %Y").to_string(), svg))
        })
        .collect()
}

/// The Gantt chart as an SVG element; `None` without routes.
pub fn render(view: &DispatchView) -> Option<String> {
    let stops = view.rows.iter().flat_map(|r| &r.stops);
    let start = stops.clone().map(|s| s.depart).min()?;
    let last_finish = stops.clone().map(|s| s.finish).max()?;
    // Late stops' deadlines lie inside the span; later deadlines of on-time
    // stops are flagged at the right edge instead of stretching the axis.
    let end = stops
        .clone()
        .filter(|s| s.status == Status::Late)
        .filter_map(|s| s.deadline)
        .chain([last_finish])
        .max()?;
    let offset = view.offset;
    let start = floor_hour(start.with_timezone(&offset));
    let end = ceil_hour(end.with_timezone(&offset));
    let seconds = |t: DateTime<FixedOffset>| (t - start).num_seconds() as f64;
    let span = seconds(end).max(3600.0);
    let height = TOP + ROW * view.rows.len() as f64 + 30.0;
    let mut svg = Svg::new(
        WIDTH,
        height,
        "chart gantt",
        "Engineers' routes over the day",
    );
    let x = Scale::new((0.0, span), (LABEL, WIDTH - RIGHT));
    let hours = span / 3600.0;
    let step_hours = [1, 2, 3, 4, 6, 12, 24]
        .into_iter()
        .find(|h| hours / f64::from(*h) <= 16.0)
        .unwrap_or(48);
    let mut tick = start;
    let bottom = TOP + ROW * view.rows.len() as f64;
    while tick <= end {
        let tx = x.at(seconds(tick));
        svg.line((tx, TOP - 4.0), (tx, bottom), "grid");
        let label = if tick.hour() == 0 || tick == start {
            tick.format("%b %d %H:%M").to_string()
        } else {
            tick.format("%H:%M").to_string()
        };
        svg.text((tx, TOP - 8.0), "middle", "axis-label", &label);
        tick += Duration::hours(i64::from(step_hours));
    }
    for (i, row) in view.rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        if i % 2 == 1 {
            svg.rect(0.0, y, WIDTH, ROW, "stripe", None);
        }
        svg.text(
            (LABEL - 6.0, y + 11.0),
            "end",
            "bar-label small",
            &row.engineer,
        );
        svg.group(
            "route",
            &format!(" data-engineer=\"{}\"", esc(&row.engineer)),
        );
        for (k, stop) in row.stops.iter().enumerate() {
            let depart = x.at(seconds(stop.depart));
            let arrive = x.at(seconds(stop.arrive));
            let finish = x.at(seconds(stop.finish));
            let how = match (&stop.mode, &stop.source_depot) {
                (Some(mode), Some(depot)) if mode == "courier" => {
                    format!("part by courier from {depot}")
                }
                (Some(_), Some(depot)) => format!("engineer collects the part at {depot}"),
                _ => String::new(),
            };
            let deadline = stop
                .deadline
                .map(|d| d.with_timezone(&offset).format("%b %d %H:%M").to_string())
                .unwrap_or_default();
            let tip = format!(
                "{} at {} · {} ({})\n{how}\ndepart {} · on site {} · done {}\ndeadline {deadline}",
                stop.incident,
                stop.site,
                row.engineer,
                row.name,
                stop.depart.with_timezone(&offset).format("%H:%M"),
                stop.arrive.with_timezone(&offset).format("%H:%M"),
                stop.finish.with_timezone(&offset).format("%H:%M"),
            );
            let status = match stop.status {
                Status::OnTime => "ontime",
                Status::Late => "late",
                Status::Unassigned => "unassigned",
            };
            svg.raw(&format!(
                "<g class=\"stop\" data-incident=\"{}\" data-status=\"{}\">",
                esc(&stop.incident),
                stop.status.as_str()
            ));
            svg.rect(
                depart,
                y + 4.0,
                arrive - depart,
                ROW - 8.0,
                "travel",
                Some(&tip),
            );
            svg.rect(
                arrive,
                y + 2.0,
                (finish - arrive).max(1.5),
                ROW - 4.0,
                status,
                Some(&tip),
            );
            // The incident's id after its repair, where the row has room
            // before the next departure.
            let room_until = row
                .stops
                .get(k + 1)
                .map_or(WIDTH - RIGHT, |next| x.at(seconds(next.depart)));
            let id_width = 5.2 * stop.incident.chars().count() as f64;
            if finish + 2.0 + id_width <= room_until {
                svg.text(
                    (finish + 2.0, y + 10.5),
                    "start",
                    &format!("incident-id {status}"),
                    &stop.incident,
                );
            }
            if let Some(deadline) = stop.deadline {
                let at = seconds(deadline);
                if at <= span {
                    let dx = x.at(at);
                    svg.line(
                        (dx, y + 1.0),
                        (dx, y + ROW - 1.0),
                        &format!("deadline {status}"),
                    );
                } else {
                    let edge = WIDTH - RIGHT + 2.0;
                    svg.polygon(
                        &[
                            (edge, y + 3.0),
                            (edge + 6.0, y + ROW / 2.0),
                            (edge, y + ROW - 3.0),
                        ],
                        "later",
                        Some(&format!(
                            "{}: deadline {deadline}, after the end of the chart",
                            stop.incident
                        )),
                    );
                }
            }
            svg.raw("</g>");
        }
        svg.end_group();
    }
    let ly = bottom + 18.0;
    svg.rect(LABEL, ly - 7.0, 18.0, 7.0, "travel", None);
    svg.text(
        (LABEL + 22.0, ly),
        "start",
        "legend-text",
        "travel and wait",
    );
    svg.rect(LABEL + 130.0, ly - 9.0, 18.0, 11.0, "ontime", None);
    svg.text(
        (LABEL + 152.0, ly),
        "start",
        "legend-text",
        "repair, on time",
    );
    svg.rect(LABEL + 260.0, ly - 9.0, 18.0, 11.0, "late", None);
    svg.text((LABEL + 282.0, ly), "start", "legend-text", "repair, late");
    svg.line(
        (LABEL + 380.0, ly - 10.0),
        (LABEL + 380.0, ly + 2.0),
        "deadline ontime",
    );
    svg.text(
        (LABEL + 386.0, ly),
        "start",
        "legend-text",
        "deadline (red when missed; ▸ later than shown)",
    );
    svg.text(
        (WIDTH - 4.0, ly),
        "end",
        "axis-title",
        &format!("times at UTC{}", offset),
    );
    Some(svg.finish())
}

fn floor_hour(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    t - Duration::seconds(i64::from(t.minute() * 60 + t.second()))
        - Duration::nanoseconds(i64::from(t.nanosecond()))
}

fn ceil_hour(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let floor = floor_hour(t);
    if floor == t {
        t
    } else {
        floor + Duration::hours(1)
    }
}
