//! The command centre (`sparesla serve`): a live dispatch desk over HTTP.
//!
//! Tickets arrive one at a time ([`api`]), every change is written to an
//! embedded SQLite database ([`db`]) and re-plans the open tickets with the
//! dispatch engine ([`replan`]), keeping started and committed jobs pinned.
//! A dispatcher watches the board ([`board`]), which follows the server's
//! event stream.
//!
//! Behind the `serve` feature, so that the library alone takes on no async
//! runtime, web framework or database.

pub mod api;
pub mod board;
pub mod db;
pub mod desk;
pub mod floor;
pub mod limits;
pub mod replan;
pub mod replay;
pub mod tokens;

use chrono::{DateTime, SecondsFormat, Utc};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use api::router;
pub use desk::Desk;
pub use tokens::{Role, Tokens};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{path}: {message}")]
    Database { path: PathBuf, message: String },
    #[error("{0}")]
    Input(Box<crate::diagnostic::Diagnostic>),
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// The server's clock: a start instant that then advances at `rate` times
/// real time (1 for a live desk, the replay speed for a replay).
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    origin: DateTime<Utc>,
    started: Instant,
    rate: f64,
}

impl Clock {
    /// The wall clock.
    pub fn wall() -> Clock {
        Clock::starting_at(Utc::now(), 1.0)
    }

    /// Starts at `origin` now, then advances `rate` seconds per real second.
    pub fn starting_at(origin: DateTime<Utc>, rate: f64) -> Clock {
        Clock {
            origin,
            started: Instant::now(),
            rate: if rate.is_finite() && rate > 0.0 {
                rate
            } else {
                1.0
            },
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = self.started.elapsed().as_secs_f64() * self.rate;
        // Whole milliseconds: times round-trip through the database as text.
        self.origin + chrono::Duration::milliseconds((elapsed * 1000.0) as i64)
    }
}

/// Settings of a desk.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Wall-clock budget of one re-plan.
    pub replan_budget: Duration,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Longest a request may take before it is answered `503`.
    pub request_timeout: Duration,
    /// Requests answered at once; more are answered `503` at once.
    pub max_requests: usize,
    /// Event streams (`/api/events`) open at once; more are answered `503`.
    pub max_event_streams: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            replan_budget: Duration::from_secs(2),
            body_limit: 64 * 1024,
            // Writes queue for the desk one at a time, each within the
            // re-plan budget: 30 s is a queue of a dozen or more.
            request_timeout: Duration::from_secs(30),
            max_requests: 64,
            max_event_streams: 32,
        }
    }
}

/// An instant as the API writes it: RFC 3339 in UTC, whole seconds.
pub fn format_instant(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant as the database keeps it: RFC 3339 in UTC with milliseconds.
pub(crate) fn db_instant(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Millis, true)
}
