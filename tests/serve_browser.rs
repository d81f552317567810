//! The command centre's board in headless Chromium: the page loads through
//! the token link, shows the open incidents, and updates from the event
//! stream after a POST, without a script error, a Content-Security-Policy
//! violation, or a request to anywhere but the server.
//!
//! Chromium is driven over its DevTools protocol (a WebSocket, spoken here
//! by a few lines of client). It needs Chromium, so it is `#[ignore]`d:
//! `cargo test --test serve_browser -- --include-ignored` (as `.ci/run`
//! does) runs it and fails without Chromium. The screenshot stays at
//! `target/serve-board.png`.

#[path = "common/browser.rs"]
mod browser;
#[path = "common/server.rs"]
mod server;

use browser::{HEADLESS, chromium};

use serde_json::{Value, json};
use server::{NOW, Server, VIEWER, token_file};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A minimal WebSocket client for the DevTools protocol: text frames only.
struct DevTools {
    stream: TcpStream,
    next_id: u64,
    /// Events received while waiting for answers.
    events: Vec<Value>,
}

impl DevTools {
    fn connect(url: &str) -> DevTools {
        let rest = url.strip_prefix("ws://").expect("a ws:// url");
        let (host, path) = rest.split_once('/').unwrap();
        let mut stream = TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: c3BhcmVzbGEtdGVzdC1rZXk=\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 101"), "no WebSocket: {head}");
        DevTools {
            stream,
            next_id: 1,
            events: Vec::new(),
        }
    }

    fn send(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65_536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x37u8, 0xfa, 0x21, 0x3d];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(k, b)| b ^ mask[k % 4]));
        self.stream.write_all(&frame).unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut message = Vec::new();
        loop {
            let mut header = [0u8; 2];
            self.stream.read_exact(&mut header).unwrap();
            let fin = header[0] & 0x80 != 0;
            let opcode = header[0] & 0x0f;
            let mut length = u64::from(header[1] & 0x7f);
            if length == 126 {
                let mut bytes = [0u8; 2];
                self.stream.read_exact(&mut bytes).unwrap();
                length = u64::from(u16::from_be_bytes(bytes));
            } else if length == 127 {
                let mut bytes = [0u8; 8];
                self.stream.read_exact(&mut bytes).unwrap();
                length = u64::from_be_bytes(bytes);
            }
            let mut payload = vec![0u8; length as usize];
            self.stream.read_exact(&mut payload).unwrap();
            if opcode == 0x8 {
                panic!("DevTools closed the connection");
            }
            if opcode == 0x1 || opcode == 0x0 {
                message.extend(payload);
                if fin {
                    return serde_json::from_slice(&message).unwrap();
                }
            }
        }
    }

    /// Calls a DevTools method and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"id": id, "method": method, "params": params}).to_string());
        loop {
            let message = self.receive();
            if message["id"] == json!(id) {
                assert!(message["error"].is_null(), "{method}: {message}");
                return message["result"].clone();
            }
            self.events.push(message);
        }
    }

    /// Evaluates `expression` in the page, returning its JSON value.
    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        result["result"]["value"].clone()
    }
}

struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    devtools_port: u16,
}

impl Browser {
    fn open(binary: &Path, url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(binary)
            .args(HEADLESS)
            .args([
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let devtools_port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
            {
                break port;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "chromium did not open its DevTools port"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        Browser {
            child,
            _profile: profile,
            devtools_port,
        }
    }

    /// The DevTools WebSocket of the page whose URL starts with `prefix`.
    fn page(&self, prefix: &str) -> DevTools {
        let started = Instant::now();
        loop {
            let list = http_get(self.devtools_port, "/json/list");
            let targets: Value = serde_json::from_str(&list).unwrap_or(Value::Null);
            let url = targets.as_array().and_then(|t| {
                t.iter()
                    .find(|t| {
                        t["type"] == "page"
                            && t["url"].as_str().is_some_and(|u| u.starts_with(prefix))
                    })
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str())
                    .map(str::to_string)
            });
            if let Some(url) = url {
                return DevTools::connect(&url);
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no page at {prefix}: {list}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    // DevTools keeps the connection open: read the head, then Content-Length bytes.
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return String::new();
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; length];
    if reader.read_exact(&mut body).is_err() {
        return String::new();
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Polls `expression` until `done` holds for its value (or 30 s pass).
fn wait_for(page: &mut DevTools, expression: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let value = page.evaluate(expression);
        if done(&value) {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out; last value {value}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

const ROWS: &str = "Array.from(document.querySelectorAll('#incidents tbody tr')).map(r => r.id)";

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (k, c)| {
            acc | (u32::from(value(*c)) << (18 - 6 * k))
        });
        for k in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * k)) as u8);
        }
    }
    out
}

#[test]
#[ignore = "needs chromium (cargo test --test serve_browser -- --include-ignored)"]
fn the_board_shows_incidents_and_follows_the_event_stream() {
    let browser_binary = chromium().expect("chromium (or set SPARESLA_CHROMIUM)");
    let dir = tempfile::tempdir().unwrap();
    let tokens = token_file(dir.path());
    let server = Server::start(
        &dir.path().join("desk.db"),
        &["--token-file", tokens.to_str().unwrap(), "--now", NOW],
    );
    for (id, site) in [("B1", "S0116"), ("B2", "S0050"), ("B3", "S0001")] {
        let body = json!({"id": id, "site": site, "part": "SRV-PSU"}).to_string();
        assert_eq!(server.post("/api/incidents", &body).0, 201);
    }
    let origin = format!("http://{}", server.addr);
    // The viewer's link: the token becomes a cookie, the page reads with it.
    let browser = Browser::open(&browser_binary, &format!("{origin}/?token={VIEWER}"));
    let mut page = browser.page(&origin);
    page.call("Runtime.enable", json!({}));
    page.call("Log.enable", json!({}));
    let rows = wait_for(&mut page, ROWS, |v| {
        v.as_array().is_some_and(|a| a.len() == 3)
    });
    let mut ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["incident-B1", "incident-B2", "incident-B3"]);
    let url = page.evaluate("location.href");
    assert_eq!(
        url,
        json!(format!("{origin}/")),
        "the token left the address bar"
    );
    wait_for(
        &mut page,
        "document.getElementById('link').textContent",
        |v| v == "live",
    );
    let map = page.evaluate("document.querySelectorAll('#map circle, #map rect').length");
    assert!(
        map.as_u64().unwrap() > 300,
        "the map has depots and sites: {map}"
    );
    let bars = page.evaluate("document.querySelectorAll('#gantt rect.bar').length");
    assert!(bars.as_u64().unwrap() >= 3, "a Gantt bar per job: {bars}");
    // A POST elsewhere: the board updates from the stream, without a reload.
    page.evaluate("window.notReloaded = true");
    let body = json!({"id": "B4", "site": "S0117", "part": "SRV-PSU"}).to_string();
    assert_eq!(server.post("/api/incidents", &body).0, 201);
    let rows = wait_for(&mut page, ROWS, |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|r| r == "incident-B4"))
    });
    assert_eq!(rows.as_array().unwrap().len(), 4);
    assert_eq!(page.evaluate("window.notReloaded === true"), json!(true));
    let summary = page.evaluate("document.getElementById('summary').textContent");
    assert!(summary.as_str().unwrap().starts_with("4 open"), "{summary}");
    let countdown = page.evaluate("document.querySelector('td.countdown').textContent");
    assert!(
        countdown.as_str().unwrap().contains('h'),
        "a countdown: {countdown}"
    );
    // Only the server was asked for anything.
    let resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)");
    for name in resources.as_array().unwrap() {
        assert!(
            name.as_str().unwrap().starts_with(&origin),
            "a request elsewhere: {name}"
        );
    }
    let shot = page.call("Page.captureScreenshot", json!({"format": "png"}));
    let png = base64_decode(shot["data"].as_str().unwrap());
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::write(target.join("serve-board.png"), &png);
    // No script error, no CSP violation.
    let problems: Vec<&Value> = page
        .events
        .iter()
        .filter(|e| {
            e["method"] == "Runtime.exceptionThrown"
                || (e["method"] == "Log.entryAdded"
                    && (e["params"]["entry"]["level"] == "error"
                        || e["params"]["entry"]["text"]
                            .as_str()
                            .is_some_and(|t| t.contains("Content Security Policy"))))
                || (e["method"] == "Runtime.consoleAPICalled" && e["params"]["type"] == "error")
        })
        .collect();
    assert!(
        problems.is_empty(),
        "the page logged problems: {problems:?}"
    );
}

#[test]
fn the_base64_decoder_of_the_screenshot_is_right() {
    assert_eq!(base64_decode("Zm9vYmFy"), b"foobar");
    assert_eq!(base64_decode("Zm8="), b"fo");
    assert_eq!(base64_decode("Zg=="), b"f");
}
