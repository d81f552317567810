//! A `sparesla serve` child process on an ephemeral loopback port, and a
//! small HTTP client for it.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const DISPATCHER: &str = "dispatcher-token-0123456789";
pub const VIEWER: &str = "viewer-token-0123456789abc";

/// The bundled scenario the server tests run on.
pub fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/china-baseline")
}

/// Server clock start of the tests: a Tuesday morning in Shanghai.
pub const NOW: &str = "2026-03-10T09:00+08:00";

/// Writes a token file with one dispatcher and one viewer token.
pub fn token_file(dir: &Path) -> PathBuf {
    let path = dir.join("tokens.csv");
    std::fs::write(
        &path,
        format!("role,token\ndispatcher,{DISPATCHER}\nviewer,{VIEWER}\n"),
    )
    .unwrap();
    path
}

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// What the server printed on stdout, up to the address (a new token comes before it).
    pub printed: Vec<String>,
}

impl Server {
    /// Starts `sparesla serve <scenario> --db <db> --listen 127.0.0.1:0 ARGS`
    /// and waits for the address it prints.
    pub fn start(db: &Path, args: &[&str]) -> Server {
        Server::start_on(&scenario(), db, args)
    }

    /// As [`Server::start`], on another scenario folder.
    pub fn start_on(scenario: &Path, db: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sparesla"))
            .arg("serve")
            .arg(scenario)
            .arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start sparesla serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        let addr = loop {
            let line = lines
                .next()
                .expect("the server printed its address")
                .unwrap();
            printed.push(line.clone());
            if let Some(rest) = line.strip_prefix("sparesla serve: listening on http://") {
                break rest.trim().parse().unwrap();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            addr,
            printed,
        }
    }

    /// One request; the body parsed as JSON (Null when empty or not JSON).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> (u16, Value) {
        let (status, text) =
            sparesla::serve::replay::request(self.addr, method, path, token, body).unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub fn post(&self, path: &str, body: &str) -> (u16, Value) {
        self.call("POST", path, Some(DISPATCHER), Some(body))
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, Some(DISPATCHER), None)
    }

    /// `kill -9`.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
