//! The limits an administrator expects of a service: a time limit on each
//! request, a cap on the requests in flight and on the open event streams
//! (the body limit is axum's, set in [`super::api::router`]). Over a limit
//! the server answers `503` with a JSON error and `Retry-After`, rather
//! than queueing without end.

use super::Settings;
use super::api::ApiError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits of one server.
pub struct Limits {
    pub request_timeout: Duration,
    /// Requests being answered (an event stream counts only until its
    /// headers are sent; then it holds a stream permit).
    requests: Arc<Semaphore>,
    streams: Arc<Semaphore>,
}

impl Limits {
    pub fn new(settings: &Settings) -> Limits {
        Limits {
            request_timeout: settings.request_timeout,
            requests: Arc::new(Semaphore::new(settings.max_requests.max(1))),
            streams: Arc::new(Semaphore::new(settings.max_event_streams.max(1))),
        }
    }

    /// A place for one more event stream, held while it stays open.
    pub fn event_stream(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.streams
            .clone()
            .try_acquire_owned()
            .map_err(|_| unavailable("too many open event streams; try again later"))
    }
}

/// The middleware: a place among the requests in flight, then the answer
/// within the time limit. `/healthz` is exempt, so that a busy server is
/// not taken for a dead one.
pub async fn limit(State(limits): State<Arc<Limits>>, request: Request, next: Next) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let Ok(_place) = limits.requests.clone().try_acquire_owned() else {
        return unavailable("too many requests in flight; try again later").into_response();
    };
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => timed_out(limits.request_timeout).into_response(),
    }
}

/// The answer to a request not answered within the time limit. A write
/// still waiting for the desk then is dropped; one already re-planning
/// finishes, so the client should read back before it repeats a PATCH or an
/// engineer's report (a repeated POST is no duplicate anyway).
pub fn timed_out(limit: Duration) -> ApiError {
    unavailable(&format!(
        "no answer within the request time limit ({} s): read back whether the change was made before repeating it",
        limit.as_secs_f64()
    ))
}

fn unavailable(message: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message, None)
}
