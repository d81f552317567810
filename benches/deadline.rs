//! 1,000,000 contract deadlines over mixed tiers (24x7 4h, 5x9 and 5x10
//! next-business-day, a 9-17 4h business tier) and two calendar years, on
//! one core: the load the simulator puts on the calendar engine.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sparesla::calendar::{SlaClock, parse_duration};
use sparesla::scenario::{BusinessHours, Coverage, Response, load_calendar};
use std::hint::black_box;
use std::path::Path;

const DEADLINES: usize = 1_000_000;

fn clocks() -> Vec<SlaClock> {
    let cn = load_calendar("CN", Path::new(".")).expect("bundled CN calendar");
    let business = |window: &str| {
        Coverage::Business(BusinessHours {
            window: window.parse().expect("window"),
            days: "mon-fri".parse().expect("days"),
            calendar: cn.clone(),
        })
    };
    let four_hours = Response::Within(parse_duration("4h").expect("duration"));
    let nbd = Response::NextBusinessDay {
        cutoff_minute: None,
    };
    let tz = "Asia/Shanghai".parse().expect("zone");
    [
        (Coverage::AllHours, four_hours),
        (business("08:30-17:30"), nbd),
        (business("08:00-18:00"), nbd),
        (business("09:00-17:00"), four_hours),
    ]
    .into_iter()
    .map(|(coverage, response)| SlaClock::new(&coverage, response, tz, 2020..=2030).expect("clock"))
    .collect()
}

fn bench_deadlines(c: &mut Criterion) {
    let clocks = clocks();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    // Openings spread over 2025 and early 2026 (deadlines stay inside 2026).
    let first = 1_735_660_800; // 2025-01-01T00:00:00+08:00
    let tickets: Vec<(usize, i64)> = (0..DEADLINES)
        .map(|_| {
            (
                rng.random_range(0..clocks.len()),
                first + rng.random_range(0..(600 * 86_400)),
            )
        })
        .collect();
    let mut group = c.benchmark_group("deadline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DEADLINES as u64));
    group.bench_function("1M mixed tiers", |b| {
        b.iter(|| {
            let mut latest = 0;
            for (clock, opened) in &tickets {
                let due = clocks[*clock]
                    .deadline(black_box(*opened))
                    .expect("deadline");
                latest = latest.max(due);
            }
            latest
        })
    });
    group.finish();
}

criterion_group!(benches, bench_deadlines);
criterion_main!(benches);
