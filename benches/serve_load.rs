//! Load benchmark of the command centre (`sparesla serve`): a generated
//! working day (60 depots, 3,000 sites, 500 parts, 500 engineers, 2,000
//! incidents, as `benches/dispatch_day.rs`) streamed through the HTTP API of
//! the real binary on loopback, in order of opening. Once 200 incidents are
//! open, each new one is followed by the remote resolution of the oldest
//! open one, so every POST re-plans about 200 open incidents.
//!
//! Meanwhile a board reads `GET /api/dispatch` four times a second, as the
//! board does after each change: reads answer from the last committed
//! snapshot and should not wait for the re-plans.
//!
//! Prints the p50, p90, p99 and maximum latency of `POST /api/incidents`
//! (re-plan and database commit included), of the PATCHes and of the GETs.
//! Not a timed test: figures depend on the machine (docs/serve.md has ours).
//!
//! `cargo bench --bench serve_load` (`SERVE_LOAD_INCIDENTS=500` for a shorter run)

use sparesla::scenario::generate::{GenerateOptions, generate};
use sparesla::serve::replay::{incident_body, request};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const TOKEN: &str = "bench-dispatcher-token-0123456789";
const OPEN: usize = 200;

fn main() {
    let limit: usize = std::env::var("SERVE_LOAD_INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("temporary folder");
    let files = generate(GenerateOptions {
        depots: 60,
        sites: 3_000,
        parts: 500,
        rows: Some(20_000),
        engineers: Some(500),
        incidents: 2_000,
        seed: 7,
    });
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write scenario");
    }
    let scenario = sparesla::scenario::load(dir.path())
        .expect("generated scenario is valid")
        .scenario;
    let mut incidents = scenario.incidents.clone();
    incidents.sort_by_key(|i| i.opened);
    incidents.truncate(limit);
    let tokens = dir.path().join("tokens.csv");
    std::fs::write(&tokens, format!("dispatcher,{TOKEN}\n")).expect("token file");
    let now = incidents[0].opened.to_rfc3339();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .arg("serve")
        .arg(dir.path())
        .arg("--db")
        .arg(dir.path().join("desk.db"))
        .args(["--listen", "127.0.0.1:0", "--now", &now])
        .arg("--token-file")
        .arg(&tokens)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sparesla serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr: SocketAddr = loop {
        let line = lines.next().expect("address printed").unwrap();
        if let Some(rest) = line.strip_prefix("sparesla serve: listening on http://") {
            break rest.trim().parse().unwrap();
        }
    };
    let done = Arc::new(AtomicBool::new(false));
    let board = {
        let done = done.clone();
        std::thread::spawn(move || read_like_a_board(addr, &done))
    };
    let mut posts = Vec::with_capacity(incidents.len());
    let mut patches = Vec::new();
    let mut open: VecDeque<String> = VecDeque::new();
    let started = Instant::now();
    for incident in &incidents {
        let body = incident_body(&scenario, incident);
        let sent = Instant::now();
        let (status, answer) =
            request(addr, "POST", "/api/incidents", Some(TOKEN), Some(&body)).expect("POST");
        posts.push(sent.elapsed().as_secs_f64());
        assert_eq!(status, 201, "{answer}");
        open.push_back(incident.id.clone());
        if open.len() > OPEN {
            let oldest = open.pop_front().unwrap();
            let sent = Instant::now();
            let (status, answer) = request(
                addr,
                "PATCH",
                &format!("/api/incidents/{oldest}"),
                Some(TOKEN),
                Some(r#"{"state":"resolved_remotely"}"#),
            )
            .expect("PATCH");
            patches.push(sent.elapsed().as_secs_f64());
            assert_eq!(status, 200, "{answer}");
        }
    }
    let total = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let mut reads = board.join().expect("board reader");
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "serve_load: {} incidents, 500 engineers, up to {OPEN} open, {:.0} s in all",
        incidents.len(),
        total
    );
    // The server clock runs in real time from the first incident's opening,
    // while the incidents are posted as fast as the server answers: the
    // later ones are opened ahead of the server's now (the server keeps the
    // posted openings, so deadlines are the day's; engineers are free from
    // the server's now). The lag says how far the replay ran ahead.
    let server_now = incidents[0].opened + chrono::Duration::milliseconds((total * 1000.0) as i64);
    let last_opened = incidents.last().map_or(server_now, |i| i.opened);
    println!(
        "clock: the last incident opened {} min ahead of the server clock",
        (last_opened - server_now).num_minutes()
    );
    report("POST /api/incidents", &mut posts);
    report("PATCH /api/incidents/{id}", &mut patches);
    let late_posts = posts.iter().skip(OPEN).copied().collect::<Vec<_>>();
    let mut steady = late_posts;
    report("POST with 200 open", &mut steady);
    report("GET /api/dispatch", &mut reads);
}

/// Reads the open incidents four times a second until `done`; returns each
/// read's latency.
fn read_like_a_board(addr: SocketAddr, done: &AtomicBool) -> Vec<f64> {
    let mut reads = Vec::new();
    while !done.load(Ordering::Relaxed) {
        let sent = Instant::now();
        let (status, answer) =
            request(addr, "GET", "/api/dispatch", Some(TOKEN), None).expect("GET");
        reads.push(sent.elapsed().as_secs_f64());
        assert_eq!(status, 200, "{answer}");
        std::thread::sleep(Duration::from_millis(250).saturating_sub(sent.elapsed()));
    }
    reads
}

fn report(what: &str, seconds: &mut [f64]) {
    if seconds.is_empty() {
        return;
    }
    seconds.sort_by(f64::total_cmp);
    let at = |q: f64| seconds[((seconds.len() - 1) as f64 * q).round() as usize] * 1000.0;
    println!(
        "{what}: n={} p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        seconds.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}
