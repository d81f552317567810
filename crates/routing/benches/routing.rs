//! Routing quality on public benchmarks: every Solomon VRPTW instance and
//! every Pillac et al. TRSP class-1 instance vendored under `benches/data/`
//! (see its README for the citations), solved by the dispatch routing engine on one thread
//! for a fixed wall-clock budget each, each solution re-checked by the
//! format's independent checker.
//!
//! `cargo bench --bench routing` (10 s per instance; set
//! `SPARESLA_BENCH_SECONDS` to change it, `SPARESLA_BENCH_FILTER` to run
//! only instances whose name contains it, `SPARESLA_BENCH_SEED` for the seed).
//!
//! Solomon: gap of the total distance to the best known distance-minimising
//! solution in `BKS.json` (its `<name>_distance` entries), mean and worst.
//! TRSP: the engine minimises the authors' objective, working time (after
//! serving every request it can); the gap is to the working time of their
//! ALNS in `pillac-class1.sol`, mean and worst.

use sparesla_routing::bench_formats::{solomon, trsp};
use sparesla_routing::{SearchOptions, solve};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn instances(dir: &Path, filter: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .filter(|p| {
                    // Instance names carry a number (R101); notes (SOURCE.txt) do not.
                    p.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        n.contains(filter) && n.chars().any(|c| c.is_ascii_digit())
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Why [`instances`] found none: the folder holds none, or none matches the filter.
fn no_instances(dir: &Path, filter: &str) -> String {
    if filter.is_empty() || instances(dir, "").is_empty() {
        format!("no instances under {}", dir.display())
    } else {
        format!(
            "no instance under {} matches SPARESLA_BENCH_FILTER={filter}",
            dir.display()
        )
    }
}

fn options(seconds: f64, seed: u64) -> SearchOptions {
    SearchOptions {
        time_limit: Duration::from_secs_f64(seconds),
        seed,
        max_iterations: u64::MAX,
        ..SearchOptions::default()
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let seconds: f64 = env("SPARESLA_BENCH_SECONDS", 10.0);
    let seed: u64 = env("SPARESLA_BENCH_SEED", 0);
    let filter: String = env("SPARESLA_BENCH_FILTER", String::new());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data");
    println!("routing benchmark: {seconds} s per instance, seed {seed}, one thread");
    run_solomon(&root.join("solomon"), seconds, seed, &filter);
    run_trsp(&root.join("pillac-trsp"), seconds, seed, &filter);
}

fn run_solomon(dir: &Path, seconds: f64, seed: u64, filter: &str) {
    let files = instances(dir, filter);
    if files.is_empty() {
        println!("\nSolomon: {} (skipped)", no_instances(dir, filter));
        return;
    }
    let bks: serde_json::Value = std::fs::read_to_string(dir.join("BKS.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    println!("\nSolomon VRPTW (distance; best known = BKS.json `<name>_distance`)");
    println!(
        "{:<8} {:>8} {:>10} {:>10} {:>8} {:>9} {:>10} {:>8}",
        "instance", "vehicles", "distance", "best", "gap %", "feasible", "iterations", "seconds"
    );
    let mut gaps = Vec::new();
    for path in files {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let instance = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| solomon::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(i) => i,
            Err(e) => {
                println!("{name:<8} unreadable: {e}");
                continue;
            }
        };
        let started = Instant::now();
        let model = instance.model().expect("a parsed instance builds");
        let outcome = solve(&model, &options(seconds, seed));
        let elapsed = started.elapsed().as_secs_f64();
        let checked = instance.check(&solomon::routes_of(&outcome.solution));
        let best = bks[format!("{name}_distance")]["best_known_cost"].as_f64();
        match checked {
            Ok((vehicles, distance)) => {
                // Within rounding of the best known: print 0.00, not -0.00.
                let gap = best
                    .map(|b| (distance / b - 1.0) * 100.0)
                    .map(|g| if g.abs() < 0.005 { 0.0 } else { g });
                if let Some(g) = gap {
                    gaps.push((name.clone(), g));
                }
                println!(
                    "{name:<8} {vehicles:>8} {distance:>10.2} {:>10} {:>8} {:>9} {:>10} {elapsed:>8.1}",
                    best.map_or("-".into(), |b| format!("{b:.2}")),
                    gap.map_or("-".into(), |g| format!("{g:.2}")),
                    "yes",
                    outcome.iterations,
                );
            }
            Err(errors) => println!("{name:<8} INFEASIBLE: {}", errors.join("; ")),
        }
    }
    if !gaps.is_empty() {
        let mean = gaps.iter().map(|(_, g)| g).sum::<f64>() / gaps.len() as f64;
        let (worst_name, worst) = gaps
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("not empty");
        println!(
            "Solomon: {} instances, mean gap {mean:.2} %, worst {worst:.2} % ({worst_name})",
            gaps.len()
        );
    }
}

fn run_trsp(dir: &Path, seconds: f64, seed: u64, filter: &str) {
    let files = instances(dir, filter);
    if files.is_empty() {
        println!("\nTRSP: {} (skipped)", no_instances(dir, filter));
        return;
    }
    let published = published_working_times(&dir.join("pillac-class1.sol"));
    println!("\nPillac et al. TRSP (served, then working time; gap to the published ALNS)");
    println!(
        "{:<20} {:>8} {:>8} {:>10} {:>12} {:>10} {:>8} {:>9} {:>10} {:>8}",
        "instance",
        "served",
        "techs",
        "distance",
        "working time",
        "published",
        "gap %",
        "feasible",
        "iterations",
        "seconds"
    );
    let (mut total_served, mut total_requests, mut count) = (0, 0, 0);
    let mut gaps: Vec<f64> = Vec::new();
    for path in files {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let instance = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| trsp::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(i) => i,
            Err(e) => {
                println!("{name:<20} unreadable: {e}");
                continue;
            }
        };
        let started = Instant::now();
        let (model, outcome) = instance
            .solve(trsp::Objective::WorkingTime, &options(seconds, seed))
            .expect("a parsed instance builds");
        let elapsed = started.elapsed().as_secs_f64();
        match instance.check(&instance.routes_of(&outcome.solution, &model)) {
            Ok((served, distance, working)) => {
                total_served += served;
                total_requests += instance.requests.len();
                count += 1;
                let reference = published.iter().find(|(n, _)| *n == name).map(|r| r.1);
                let gap = reference.map(|r| (working / r - 1.0) * 100.0);
                gaps.extend(gap);
                println!(
                    "{name:<20} {:>8} {:>8} {distance:>10.2} {working:>12.2} {:>10} {:>8} {:>9} {:>10} {elapsed:>8.1}",
                    format!("{served}/{}", instance.requests.len()),
                    outcome.solution.vehicles_used(),
                    reference.map_or("-".to_string(), |r| format!("{r:.2}")),
                    gap.map_or("-".to_string(), |g| format!("{g:.2}")),
                    "yes",
                    outcome.iterations,
                );
            }
            Err(errors) => println!("{name:<20} INFEASIBLE: {}", errors.join("; ")),
        }
    }
    println!("TRSP: {count} instances, {total_served} of {total_requests} requests served");
    if !gaps.is_empty() {
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let worst = gaps.iter().copied().fold(f64::MIN, f64::max);
        println!(
            "TRSP working time: mean gap {mean:.2} %, worst {worst:.2} % over {} instances",
            gaps.len()
        );
    }
}

/// The authors' published working times, `NAME=value` lines of their
/// result file (`#` comments and `NAMEOpt=` flags skipped); empty if absent.
fn published_working_times(path: &Path) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .filter_map(|(name, value)| Some((name.trim().to_string(), value.trim().parse().ok()?)))
        .collect()
}
