//! Replay: plays incidents through a running server at a chosen speed, over
//! its own HTTP API (for demos and load tests).

use crate::scenario::{Incident, Scenario};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One HTTP/1.1 request with a JSON body over a fresh connection; returns
/// the status and the body.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or("");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("transfer-encoding: chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok((status, body))
}

fn dechunk(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

/// The JSON body that posts `incident`.
pub fn incident_body(scenario: &Scenario, incident: &Incident) -> String {
    serde_json::json!({
        "id": incident.id,
        "site": scenario.site(incident.site).id,
        "part": scenario.parts[incident.part.index()].id,
        "opened": super::format_instant(incident.opened),
        "kind": super::db::kind_str(incident.kind),
    })
    .to_string()
}

/// Posts `incidents` in order of opening, each when the server clock
/// (`speed` times real time from the first one) reaches it; returns how
/// many the server took and the failures.
pub fn replay(
    addr: SocketAddr,
    token: &str,
    scenario: &Scenario,
    incidents: &[Incident],
    speed: f64,
) -> (usize, Vec<String>) {
    let mut order: Vec<&Incident> = incidents.iter().collect();
    order.sort_by_key(|i| i.opened);
    let Some(first) = order.first().map(|i| i.opened) else {
        return (0, Vec::new());
    };
    let started = std::time::Instant::now();
    let mut taken = 0;
    let mut failures = Vec::new();
    for incident in order {
        let due = (incident.opened - first).num_milliseconds().max(0) as f64 / 1000.0 / speed;
        let wait = due - started.elapsed().as_secs_f64();
        if wait > 0.0 {
            std::thread::sleep(Duration::from_secs_f64(wait));
        }
        let body = incident_body(scenario, incident);
        match request(addr, "POST", "/api/incidents", Some(token), Some(&body)) {
            Ok((200 | 201, _)) => taken += 1,
            Ok((status, answer)) => failures.push(format!("{}: {status} {answer}", incident.id)),
            Err(e) => failures.push(format!("{}: {e}", incident.id)),
        }
    }
    (taken, failures)
}
