//! `sparesla serve`: the command centre over HTTP.

use super::InvalidInput;
use anyhow::Context;
use sparesla::calendar::{parse_duration, parse_instant};
use sparesla::scenario;
use sparesla::serve::{self, Clock, Desk, Settings, Tokens};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder.
    scenario: PathBuf,
    /// SQLite database of the desk (created if missing; reopened after a restart).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// Stock to take parts from (`depot,part,on_hand`; default the scenario's stock.csv).
    #[arg(long, value_name = "FILE")]
    stock: Option<PathBuf>,
    /// Engineers to dispatch instead of the scenario's engineers.csv.
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free one (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Tokens, a CSV `role,token` (dispatcher or viewer); default: FILE.tokens.csv
    /// beside the database, made with a fresh dispatcher token if missing.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Start the server clock at this time (RFC 3339, or local time of the
    /// scenario's first site); it then advances in real time. Default: the wall clock.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Wall-clock budget of each re-plan.
    #[arg(long, value_name = "DURATION", default_value = "2s")]
    replan_budget: String,
    /// Longest a request may take; past it the answer is 503.
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    request_timeout: String,
    /// Requests answered at once; more are answered 503 at once.
    #[arg(long, value_name = "N", default_value_t = Settings::default().max_requests)]
    max_requests: usize,
    /// Event streams (/api/events, one per open board) at once; more are answered 503.
    #[arg(long, value_name = "N", default_value_t = Settings::default().max_event_streams)]
    max_event_streams: usize,
    /// Play this incidents.csv through the server (for demos and load tests).
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Replay speed: server seconds per real second (with --replay).
    #[arg(long, default_value_t = 60.0, requires = "replay")]
    speed: f64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut scenario = super::load_scenario(&args.scenario)?;
    if let Some(path) = &args.roster {
        scenario.engineers = scenario::load_roster(&scenario, path)?;
    }
    let stock = match &args.stock {
        Some(path) => scenario::load_stock(&scenario, path)?,
        None => scenario.stock.clone(),
    };
    let replay = match &args.replay {
        Some(path) => Some(scenario::load_incidents(&scenario, path)?),
        None => None,
    };
    if !(args.speed.is_finite() && args.speed > 0.0) {
        return Err(
            InvalidInput(format!("--speed: {} is not a positive number", args.speed)).into(),
        );
    }
    let replan_budget = parse_duration(&args.replan_budget)
        .map_err(|e| InvalidInput(format!("--replan-budget: {e}")))?
        .to_std()
        .unwrap_or_default();
    let request_timeout = parse_duration(&args.request_timeout)
        .map_err(|e| InvalidInput(format!("--request-timeout: {e}")))?
        .to_std()
        .unwrap_or_default();
    if request_timeout.is_zero() || args.max_requests == 0 || args.max_event_streams == 0 {
        return Err(InvalidInput(
            "--request-timeout, --max-requests and --max-event-streams must be above zero"
                .to_string(),
        )
        .into());
    }
    let tz = scenario
        .sites
        .first()
        .map(|s| s.tz)
        .unwrap_or(chrono_tz::UTC);
    let start = match &args.now {
        Some(text) => {
            Some(parse_instant(text, tz).map_err(|e| InvalidInput(format!("--now: {e}")))?)
        }
        // A replay starts its clock a minute before its first incident.
        None => replay
            .as_ref()
            .and_then(|incidents| incidents.iter().map(|i| i.opened).min())
            .map(|first| first - chrono::Duration::minutes(1)),
    };
    let rate = if replay.is_some() { args.speed } else { 1.0 };
    let clock = start.map_or_else(Clock::wall, |start| Clock::starting_at(start, rate));
    let (tokens, new_token) = match &args.token_file {
        Some(path) => (
            Tokens::read(path).map_err(|e| InvalidInput(e.to_string()))?,
            None,
        ),
        None => {
            let (tokens, path, new_token) =
                Tokens::beside_database(&args.db).map_err(|e| InvalidInput(e.to_string()))?;
            match &new_token {
                Some(_) => eprintln!(
                    "tokens: wrote {} (owner-only) with a new dispatcher token",
                    path.display()
                ),
                None => eprintln!("tokens: {}", path.display()),
            }
            (tokens, new_token)
        }
    };
    let travel = super::travel_times(&scenario)?;
    let settings = Settings {
        replan_budget,
        request_timeout,
        max_requests: args.max_requests,
        max_event_streams: args.max_event_streams,
        ..Settings::default()
    };
    let scenario_for_replay = replay.as_ref().map(|_| scenario.clone());
    let desk = Desk::open(scenario, travel, stock, &args.db, clock, settings)
        .map_err(|e| InvalidInput(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "warning: listening on {addr}, not loopback: put TLS in front (a reverse proxy) before other machines use it"
            );
        }
        if let Some(token) = &new_token {
            // Printed once: the file keeps it for the administrator.
            super::print_stdout(&format!("dispatcher token: {token}"))?;
            super::print_stdout(&format!("board: http://{addr}/?token={token}"))?;
        }
        // Last: a script that waits for this line has seen everything before it.
        super::print_stdout(&format!("sparesla serve: listening on http://{addr}"))?;
        if let (Some(incidents), Some(scenario)) = (replay, scenario_for_replay) {
            let token = new_token.clone().or_else(|| first_dispatcher_token(&args));
            match token {
                Some(token) => {
                    let speed = args.speed;
                    std::thread::spawn(move || {
                        let (taken, failures) =
                            serve::replay::replay(addr, &token, &scenario, &incidents, speed);
                        eprintln!("replay: {taken} of {} incident(s) taken", incidents.len());
                        for failure in failures.iter().take(10) {
                            eprintln!("replay: {failure}");
                        }
                    });
                }
                None => eprintln!("replay: no dispatcher token to post with"),
            }
        }
        let app = serve::router(desk, tokens);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// A dispatcher token of the token file, for the replay to post with.
fn first_dispatcher_token(args: &Args) -> Option<String> {
    let path = args.token_file.clone().unwrap_or_else(|| {
        let mut name = args.db.file_name().unwrap_or_default().to_os_string();
        name.push(".tokens.csv");
        args.db.with_file_name(name)
    });
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .filter_map(|l| l.trim().split_once(','))
        .find(|(role, _)| role.trim() == "dispatcher")
        .map(|(_, token)| token.trim().to_string())
}
