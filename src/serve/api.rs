//! The HTTP API: routes, bearer-token checks, JSON bodies and errors.
//!
//! Every write locks the desk, applies the change to a copy of the floor,
//! re-plans it, commits it to the database and only then publishes the new
//! snapshot, announces it on the event stream and answers; a write that
//! fails leaves the floor as it was. Reads answer from the last published
//! snapshot, so they never wait on a re-plan.

use super::desk::{Desk, Snapshot};
use super::floor::{Floor, Ticket, TicketState};
use super::replan::{ReplanError, replan};
use super::tokens::{Role, Tokens};
use super::{db, format_instant};
use crate::calendar::parse_instant;
use crate::scenario::{EngineerState, Incident, IncidentKind, Location};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// Name of the cookie the board's page authenticates its reads with.
pub const TOKEN_COOKIE: &str = "sparesla_token";

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    /// The writers' desk: one write at a time.
    desk: Arc<Mutex<Desk>>,
    /// The last committed state, for reads (the lock is held only to take
    /// or swap the pointer).
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
    /// The readers' own database connection, for an incident's events.
    reader: Arc<Mutex<db::Reader>>,
    limits: Arc<super::limits::Limits>,
    tokens: Arc<Tokens>,
    events: broadcast::Sender<Change>,
    board: Arc<super::board::Page>,
}

/// A change announced on the event stream.
#[derive(Clone, Debug)]
pub struct Change {
    pub version: u64,
    pub action: String,
    pub body: Value,
}

/// The server's routes over `desk`, accepting `tokens`.
pub fn router(desk: Desk, tokens: Tokens) -> Router {
    let body_limit = desk.settings.body_limit;
    let board = super::board::Page::new(&desk.scenario);
    let (events, _) = broadcast::channel(1024);
    let limits = Arc::new(super::limits::Limits::new(&desk.settings));
    let app = App {
        snapshot: Arc::new(RwLock::new(Arc::new(desk.snapshot()))),
        reader: desk.reader.clone(),
        limits: limits.clone(),
        desk: Arc::new(Mutex::new(desk)),
        tokens: Arc::new(tokens),
        events,
        board: Arc::new(board),
    };
    Router::new()
        .route("/", get(board_page))
        .route("/healthz", get(healthz))
        // Browsers ask for it; no icon, no error in the console.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/openapi.json", get(openapi))
        .route("/api/incidents", get(list_incidents).post(post_incident))
        .route(
            "/api/incidents/{id}",
            get(get_incident).patch(patch_incident),
        )
        .route("/api/engineers", get(list_engineers))
        .route(
            "/api/engineers/{id}/events",
            axum::routing::post(post_engineer_event),
        )
        .route("/api/dispatch", get(get_dispatch))
        .route("/api/network", get(get_network))
        .route("/api/events", get(event_stream))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route", None) })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            super::limits::limit,
        ))
        .with_state(app)
}

/// An error answer: `{"error": "...", "field": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message, Some(field))
    }

    fn conflict(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message, Some(field))
    }

    fn not_found(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message, Some(field))
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message, None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(json!({"error": self.message, "field": self.field})),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sparesla\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Over a limit: the server is busy, not broken.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

type ApiResult = Result<Response, ApiError>;

/// Whether a route reads or writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

impl App {
    /// The role of the request's token. Reads may also carry it in the
    /// board's cookie; writes need the `Authorization` header, so another
    /// site cannot make a browser write.
    fn authorize(&self, headers: &HeaderMap, access: Access) -> Result<Role, ApiError> {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let cookie = (access == Access::Read)
            .then(|| cookie_token(headers))
            .flatten();
        let Some(role) = bearer
            .or(cookie.as_deref())
            .and_then(|t| self.tokens.role_of(t))
        else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing or unknown token: send `Authorization: Bearer <token>`",
                None,
            ));
        };
        if access == Access::Write && !role.may_write() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "a viewer token only reads: writes need a dispatcher token",
                None,
            ));
        }
        Ok(role)
    }

    /// The last committed state.
    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Runs `read` on the last committed snapshot off the async workers;
    /// it does not wait for a write under way.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Snapshot) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let snapshot = self.snapshot();
        tokio::task::spawn_blocking(move || read(&snapshot))
            .await
            .map_err(|_| ApiError::internal("the request failed inside the server"))
    }

    /// Runs a write on the locked desk off the async workers; still under
    /// the lock, so that readers and the event stream see writes in order,
    /// publishes the new snapshot and announces what changed.
    async fn write(
        &self,
        write: impl FnOnce(&mut Desk) -> Result<Written, ApiError> + Send + 'static,
    ) -> ApiResult {
        let app = self.clone();
        let deadline = Instant::now() + self.limits.request_timeout;
        let written = tokio::task::spawn_blocking(move || {
            let mut desk = lock(&app.desk);
            if Instant::now() >= deadline {
                // The client has had its timeout answer: writing now would
                // commit a change nobody was told of.
                return Err(super::limits::timed_out(app.limits.request_timeout));
            }
            let written = write(&mut desk)?;
            if let Some(change) = &written.change {
                *app.snapshot
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(desk.snapshot());
                // Nobody listening is no failure.
                let _ = app.events.send(change.clone());
            }
            Ok(written)
        })
        .await
        .map_err(|_| ApiError::internal("the request failed inside the server"))??;
        Ok((written.status, axum::Json(written.body)).into_response())
    }
}

/// A poisoned lock still guards a consistent desk: writes swap the floor
/// in only after their commit.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == TOKEN_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The outcome of a write.
struct Written {
    status: StatusCode,
    body: Value,
    change: Option<Change>,
}

/// The parsed JSON object of a request body.
fn json_object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, ApiError> {
    let bytes = body.map_err(|rejection| {
        ApiError::new(rejection.status(), rejection.body_text(), Some("body"))
    })?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
            Some("body"),
        )
    })?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
            Some("body"),
        )),
    }
}

/// Checks that `object` has no field outside `known`.
fn only_fields(object: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(ApiError::invalid(
            unknown,
            format!(
                "unknown field `{unknown}`; expected one of {}",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// A text field: `None` when absent or null, an error when not a string.
fn text_field<'a>(object: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, ApiError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.trim())),
        Some(Value::String(_)) => Err(ApiError::invalid(name, format!("`{name}` is empty"))),
        Some(other) => Err(ApiError::invalid(
            name,
            format!("`{name}` must be a string, not {other}"),
        )),
    }
}

fn required<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, ApiError> {
    text_field(object, name)?
        .ok_or_else(|| ApiError::invalid(name, format!("missing field `{name}`")))
}

// ---- routes -------------------------------------------------------------

async fn healthz() -> Response {
    axum::Json(json!({"status": "ok", "schema_version": db::SCHEMA_VERSION})).into_response()
}

async fn openapi(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.authorize(&headers, Access::Read)?;
    Ok(axum::Json(super::board::openapi()).into_response())
}

async fn board_page(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    // `/?token=…` (the link the server prints) trades the token for a
    // cookie and drops it from the address bar.
    if let Some(token) = query.get("token") {
        if app.tokens.role_of(token).is_none() {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unknown token",
                None,
            ));
        }
        let cookie = format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        return Ok(response);
    }
    app.authorize(&headers, Access::Read)?;
    Ok(app.board.response())
}

async fn list_incidents(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    app.authorize(&headers, Access::Read)?;
    let filter = match query.get("status").map(String::as_str) {
        None | Some("") => Filter::All,
        Some(text) => Filter::parse(text).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "unknown status `{text}`; expected a state (open, accepted, en_route, on_site, done, \
                     cancelled, resolved_remotely, active) or a plan status (on_time, late, unassigned)"
                ),
                Some("status"),
            )
        })?,
    };
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "status") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("unknown query parameter `{unknown}`"),
            Some(unknown),
        ));
    }
    let body = app
        .read(move |snapshot| {
            let incidents: Vec<Value> = snapshot
                .floor
                .tickets
                .iter()
                .filter(|t| filter.keeps(&snapshot.floor, t))
                .map(|t| ticket_view(snapshot, t))
                .collect();
            json!({"now": format_instant(snapshot.clock.now()), "incidents": incidents})
        })
        .await?;
    Ok(axum::Json(body).into_response())
}

/// The `status` filter: a ticket state, a plan status, or every active one.
#[derive(Clone, Copy)]
enum Filter {
    All,
    Active,
    State(TicketState),
    Plan(crate::dispatch::Status),
}

impl Filter {
    fn parse(text: &str) -> Option<Filter> {
        use crate::dispatch::Status;
        if text == "active" {
            return Some(Filter::Active);
        }
        if let Some(state) = TicketState::parse(text) {
            return Some(Filter::State(state));
        }
        [Status::OnTime, Status::Late, Status::Unassigned]
            .into_iter()
            .find(|s| s.as_str() == text)
            .map(Filter::Plan)
    }

    fn keeps(self, floor: &Floor, ticket: &Ticket) -> bool {
        match self {
            Filter::All => true,
            Filter::Active => ticket.state.is_active(),
            Filter::State(state) => ticket.state == state,
            Filter::Plan(status) => {
                ticket.state.is_active()
                    && floor
                        .plan
                        .get(&ticket.incident.id)
                        .is_some_and(|p| p.status == status)
            }
        }
    }
}

async fn get_incident(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    app.authorize(&headers, Access::Read)?;
    let reader = app.reader.clone();
    let body = app
        .read(move |snapshot| {
            let ticket = snapshot
                .floor
                .ticket(&id)
                .ok_or_else(|| ApiError::not_found("id", format!("no incident `{id}`")))?;
            let mut view = ticket_view(snapshot, ticket);
            let events = lock(&reader)
                .events_of(&id)
                .map_err(|e| ApiError::internal(format!("database: {e}")))?;
            view["events"] = events
                .into_iter()
                .map(|(at, kind, engineer, body)| {
                    json!({"at": at, "kind": kind, "engineer": engineer,
                           "body": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null)})
                })
                .collect();
            Ok::<_, ApiError>(view)
        })
        .await??;
    Ok(axum::Json(body).into_response())
}

async fn post_incident(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let role = app.authorize(&headers, Access::Write)?;
    let object = json_object(body)?;
    only_fields(&object, &["id", "site", "part", "opened", "kind"])?;
    let request = NewIncident {
        id: required(&object, "id")?.to_string(),
        site: required(&object, "site")?.to_string(),
        part: required(&object, "part")?.to_string(),
        opened: text_field(&object, "opened")?.map(str::to_string),
        kind: text_field(&object, "kind")?.map(str::to_string),
    };
    if request.id.len() > 200 || request.id.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "id",
            "`id` must be at most 200 characters without control characters",
        ));
    }
    app.write(move |desk| create_incident(desk, request, role))
        .await
}

/// The body of `POST /api/incidents`.
#[derive(Clone, Debug)]
struct NewIncident {
    id: String,
    site: String,
    part: String,
    opened: Option<String>,
    kind: Option<String>,
}

impl NewIncident {
    /// The request as stored: a repeat with the same fields is the same request.
    fn canonical(&self) -> String {
        json!({"id": self.id, "site": self.site, "part": self.part,
               "opened": self.opened, "kind": self.kind})
        .to_string()
    }
}

fn create_incident(desk: &mut Desk, request: NewIncident, role: Role) -> Result<Written, ApiError> {
    let canonical = request.canonical();
    if let Some(existing) = desk.floor.ticket(&request.id) {
        if existing.request == canonical {
            return Ok(Written {
                status: StatusCode::OK,
                body: ticket_view(desk, existing),
                change: None,
            });
        }
        return Err(ApiError::conflict(
            "id",
            format!(
                "incident `{}` exists with another body: {}",
                request.id, existing.request
            ),
        ));
    }
    let scenario = desk.scenario.clone();
    let site = scenario
        .sites
        .iter()
        .position(|s| s.id == request.site)
        .map(crate::scenario::SiteIdx::new)
        .ok_or_else(|| ApiError::invalid("site", format!("unknown site `{}`", request.site)))?;
    let part = scenario
        .parts
        .iter()
        .position(|p| p.id == request.part)
        .map(crate::scenario::PartIdx::new)
        .ok_or_else(|| ApiError::invalid("part", format!("unknown part `{}`", request.part)))?;
    let now = desk.clock.now();
    let opened = match &request.opened {
        Some(text) => parse_instant(text, scenario.site(site).tz)
            .map_err(|e| ApiError::invalid("opened", format!("`opened`: {e}")))?,
        None => now,
    };
    let kind = match request.kind.as_deref() {
        None | Some("reactive") => IncidentKind::Reactive,
        Some("proactive") => IncidentKind::Proactive,
        Some(other) => {
            return Err(ApiError::invalid(
                "kind",
                format!("unknown kind `{other}`; expected reactive or proactive"),
            ));
        }
    };
    let mut floor = Floor::clone(&desk.floor);
    floor.push(Ticket {
        incident: Incident {
            id: request.id.clone(),
            site,
            opened,
            part,
            kind,
        },
        request: canonical.clone(),
        state: TicketState::Open,
        took_stock: false,
    });
    replan(desk, &mut floor, now).map_err(|e| replan_error(e, &request.id))?;
    let entry = db::Entry {
        at: now,
        role: role.as_str(),
        action: "incident.created",
        incident: Some(&request.id),
        engineer: None,
        body: &canonical,
    };
    commit(desk, floor, vec![&request.id], vec![], entry)?;
    let ticket = desk.floor.ticket(&request.id).expect("just added");
    let body = ticket_view(desk, ticket);
    Ok(Written {
        status: StatusCode::CREATED,
        change: Some(desk.announce("incident.created", json!({"incident": request.id}))),
        body,
    })
}

fn replan_error(error: ReplanError, new_incident: &str) -> ApiError {
    match error {
        ReplanError::Deadline { incident, message } if incident == new_incident => {
            ApiError::invalid("opened", format!("no deadline for this time: {message}"))
        }
        ReplanError::Pins(message) => ApiError::conflict(
            "event",
            format!("the committed jobs no longer fit: {message}"),
        ),
        other => ApiError::internal(format!("re-plan failed: {other}")),
    }
}

/// Commits `floor` with its change and makes it the desk's.
fn commit(
    desk: &mut Desk,
    floor: Floor,
    tickets: Vec<&str>,
    engineers: Vec<crate::scenario::EngineerIdx>,
    entry: db::Entry<'_>,
) -> Result<(), ApiError> {
    let change = db::Change {
        tickets,
        engineers,
        entry,
    };
    let scenario = desk.scenario.clone();
    desk.db
        .commit(&scenario, &floor, &change)
        .map_err(|e| ApiError::internal(format!("database: {e}")))?;
    desk.floor = Arc::new(floor);
    Ok(())
}

impl Desk {
    /// The next event of the stream.
    fn announce(&mut self, action: &str, mut body: Value) -> Change {
        self.version += 1;
        body["type"] = json!(action);
        body["version"] = json!(self.version);
        Change {
            version: self.version,
            action: action.to_string(),
            body,
        }
    }
}

async fn patch_incident(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let role = app.authorize(&headers, Access::Write)?;
    let object = json_object(body)?;
    only_fields(&object, &["state", "status", "note"])?;
    let field = if object.contains_key("state") {
        "state"
    } else {
        "status"
    };
    let target = match required(&object, field)? {
        "cancelled" => TicketState::Cancelled,
        "resolved_remotely" => TicketState::ResolvedRemotely,
        other => {
            return Err(ApiError::invalid(
                field,
                format!("`{other}` cannot be set here; expected cancelled or resolved_remotely"),
            ));
        }
    };
    let body = Value::Object(object.clone()).to_string();
    app.write(move |desk| close_incident(desk, &id, target, role, &body))
        .await
}

fn close_incident(
    desk: &mut Desk,
    id: &str,
    target: TicketState,
    role: Role,
    body: &str,
) -> Result<Written, ApiError> {
    let ticket = desk
        .floor
        .ticket(id)
        .ok_or_else(|| ApiError::not_found("id", format!("no incident `{id}`")))?;
    if ticket.state == target {
        return Ok(Written {
            status: StatusCode::OK,
            body: ticket_view(desk, ticket),
            change: None,
        });
    }
    if !ticket.state.is_active() {
        return Err(ApiError::conflict(
            "state",
            format!("incident `{id}` is already {}", ticket.state.as_str()),
        ));
    }
    let started = matches!(ticket.state, TicketState::EnRoute | TicketState::OnSite);
    let now = desk.clock.now();
    let mut floor = Floor::clone(&desk.floor);
    if started {
        // The part left its depot: it stays taken.
        floor.take_stock(id);
    }
    if let Some(ticket) = floor.ticket_mut(id) {
        ticket.state = target;
    }
    replan(desk, &mut floor, now).map_err(|e| replan_error(e, ""))?;
    let action = format!("incident.{}", target.as_str());
    let entry = db::Entry {
        at: now,
        role: role.as_str(),
        action: &action,
        incident: Some(id),
        engineer: None,
        body,
    };
    commit(desk, floor, vec![id], vec![], entry)?;
    let body = ticket_view(desk, desk.floor.ticket(id).expect("exists"));
    Ok(Written {
        status: StatusCode::OK,
        change: Some(desk.announce(&action, json!({"incident": id}))),
        body,
    })
}

/// What an engineer reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Report {
    Accepted,
    EnRoute,
    OnSite,
    Done,
    Unavailable,
    Location,
}

impl Report {
    fn parse(text: &str) -> Option<Report> {
        Some(match text {
            "accepted" => Report::Accepted,
            "en_route" => Report::EnRoute,
            "on_site" => Report::OnSite,
            "done" => Report::Done,
            "unavailable" => Report::Unavailable,
            "location" => Report::Location,
            _ => return None,
        })
    }

    /// The ticket state a job report moves to.
    fn ticket_state(self) -> Option<TicketState> {
        match self {
            Report::Accepted => Some(TicketState::Accepted),
            Report::EnRoute => Some(TicketState::EnRoute),
            Report::OnSite => Some(TicketState::OnSite),
            Report::Done => Some(TicketState::Done),
            Report::Unavailable | Report::Location => None,
        }
    }
}

async fn post_engineer_event(
    State(app): State<App>,
    headers: HeaderMap,
    Path(engineer): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let role = app.authorize(&headers, Access::Write)?;
    let object = json_object(body)?;
    only_fields(
        &object,
        &["event", "incident", "until", "site", "depot", "note"],
    )?;
    let event = required(&object, "event")?;
    let report = Report::parse(event).ok_or_else(|| {
        ApiError::invalid(
            "event",
            format!(
                "unknown event `{event}`; expected accepted, en_route, on_site, done, unavailable or location"
            ),
        )
    })?;
    let fields = EngineerReport {
        incident: text_field(&object, "incident")?.map(str::to_string),
        until: text_field(&object, "until")?.map(str::to_string),
        site: text_field(&object, "site")?.map(str::to_string),
        depot: text_field(&object, "depot")?.map(str::to_string),
    };
    let body = Value::Object(object.clone()).to_string();
    app.write(move |desk| engineer_event(desk, &engineer, report, fields, role, &body))
        .await
}

struct EngineerReport {
    incident: Option<String>,
    until: Option<String>,
    site: Option<String>,
    depot: Option<String>,
}

fn engineer_event(
    desk: &mut Desk,
    engineer_id: &str,
    report: Report,
    fields: EngineerReport,
    role: Role,
    body: &str,
) -> Result<Written, ApiError> {
    let scenario = desk.scenario.clone();
    let engineer = scenario
        .engineers
        .iter()
        .position(|e| e.id == engineer_id)
        .map(crate::scenario::EngineerIdx::new)
        .ok_or_else(|| ApiError::not_found("engineer", format!("no engineer `{engineer_id}`")))?;
    let now = desk.clock.now();
    let mut floor = Floor::clone(&desk.floor);
    let mut state = floor.engineer_state(&scenario, engineer, now);
    let mut changed_tickets: Vec<String> = Vec::new();
    match report.ticket_state() {
        Some(target) => {
            let id = fields
                .incident
                .as_deref()
                .ok_or_else(|| ApiError::invalid("incident", "missing field `incident`"))?;
            let ticket = floor
                .ticket(id)
                .ok_or_else(|| ApiError::not_found("incident", format!("no incident `{id}`")))?;
            if ticket.state == target {
                return Ok(Written {
                    status: StatusCode::OK,
                    body: ticket_view(desk, ticket),
                    change: None,
                });
            }
            check_job_report(&floor, ticket, engineer, target, &scenario)?;
            let site = ticket.incident.site;
            if matches!(target, TicketState::OnSite | TicketState::Done) {
                floor.take_stock(id);
                if let Some(visit) = floor.plan.get_mut(id).and_then(|p| p.visit.as_mut()) {
                    if target == TicketState::OnSite {
                        visit.arrive = now;
                    } else {
                        visit.finish = now;
                    }
                }
                state.location = Location::Site(site);
            }
            if target != TicketState::Accepted {
                state.available_from = now;
            }
            if let Some(ticket) = floor.ticket_mut(id) {
                ticket.state = target;
            }
            changed_tickets.push(id.to_string());
        }
        None if report == Report::Unavailable => {
            let text = fields
                .until
                .as_deref()
                .ok_or_else(|| ApiError::invalid("until", "missing field `until`"))?;
            let tz = scenario.engineers[engineer.index()].shift.tz;
            let until = parse_instant(text, tz)
                .map_err(|e| ApiError::invalid("until", format!("`until`: {e}")))?;
            state.available_from = until.max(now);
            // Committed jobs not yet started go back to the plan.
            for ticket in floor.tickets.clone() {
                let mine = floor
                    .plan
                    .get(&ticket.incident.id)
                    .and_then(|p| p.visit.as_ref())
                    .is_some_and(|v| v.engineer == engineer);
                if mine && ticket.state == TicketState::Accepted {
                    if let Some(t) = floor.ticket_mut(&ticket.incident.id) {
                        t.state = TicketState::Open;
                    }
                    changed_tickets.push(ticket.incident.id.clone());
                }
            }
        }
        None => {
            state.location = match (&fields.site, &fields.depot) {
                (Some(site), None) => Location::Site(
                    scenario
                        .sites
                        .iter()
                        .position(|s| &s.id == site)
                        .map(crate::scenario::SiteIdx::new)
                        .ok_or_else(|| {
                            ApiError::invalid("site", format!("unknown site `{site}`"))
                        })?,
                ),
                (None, Some(depot)) => {
                    Location::Depot(scenario.depot_by_id(depot).ok_or_else(|| {
                        ApiError::invalid("depot", format!("unknown depot `{depot}`"))
                    })?)
                }
                _ => {
                    return Err(ApiError::invalid(
                        "site",
                        "a location names exactly one of `site` or `depot`",
                    ));
                }
            };
            state.available_from = state.available_from.max(now);
        }
    }
    floor
        .engineers
        .insert(engineer, EngineerState { engineer, ..state });
    replan(desk, &mut floor, now).map_err(|e| replan_error(e, ""))?;
    let action = format!(
        "engineer.{}",
        match report {
            Report::Accepted => "accepted",
            Report::EnRoute => "en_route",
            Report::OnSite => "on_site",
            Report::Done => "done",
            Report::Unavailable => "unavailable",
            Report::Location => "location",
        }
    );
    let incident = fields.incident.clone();
    let entry = db::Entry {
        at: now,
        role: role.as_str(),
        action: &action,
        incident: incident.as_deref(),
        engineer: Some(engineer_id),
        body,
    };
    commit(
        desk,
        floor,
        changed_tickets.iter().map(String::as_str).collect(),
        vec![engineer],
        entry,
    )?;
    let body = match incident.as_deref().and_then(|id| desk.floor.ticket(id)) {
        Some(ticket) => ticket_view(desk, ticket),
        None => engineer_view(desk, engineer),
    };
    Ok(Written {
        status: StatusCode::OK,
        change: Some(desk.announce(
            &action,
            json!({"engineer": engineer_id, "incident": incident}),
        )),
        body,
    })
}

/// A job report must come from the planned engineer and move the ticket forward.
fn check_job_report(
    floor: &Floor,
    ticket: &Ticket,
    engineer: crate::scenario::EngineerIdx,
    target: TicketState,
    scenario: &crate::scenario::Scenario,
) -> Result<(), ApiError> {
    let id = &ticket.incident.id;
    if !ticket.state.is_active() {
        return Err(ApiError::conflict(
            "incident",
            format!("incident `{id}` is already {}", ticket.state.as_str()),
        ));
    }
    let order = |s: TicketState| TicketState::ALL.iter().position(|x| *x == s);
    if order(target) < order(ticket.state) {
        return Err(ApiError::conflict(
            "event",
            format!(
                "incident `{id}` is {}: it cannot go back to {}",
                ticket.state.as_str(),
                target.as_str()
            ),
        ));
    }
    let planned = floor
        .plan
        .get(id)
        .and_then(|p| p.visit.as_ref())
        .map(|v| v.engineer);
    match planned {
        Some(planned) if planned == engineer => Ok(()),
        Some(planned) => Err(ApiError::conflict(
            "incident",
            format!(
                "incident `{id}` is planned for engineer {}",
                scenario.engineers[planned.index()].id
            ),
        )),
        None => Err(ApiError::conflict(
            "incident",
            format!("incident `{id}` has no engineer in the plan"),
        )),
    }
}

async fn list_engineers(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.authorize(&headers, Access::Read)?;
    let body = app
        .read(|snapshot| {
            let engineers: Vec<Value> = (0..snapshot.scenario.engineers.len())
                .map(|e| engineer_view(snapshot, crate::scenario::EngineerIdx::new(e)))
                .collect();
            json!({"now": format_instant(snapshot.clock.now()), "engineers": engineers})
        })
        .await?;
    Ok(axum::Json(body).into_response())
}

async fn get_dispatch(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.authorize(&headers, Access::Read)?;
    let body = app
        .read(|snapshot| {
            let incidents: Vec<Value> = snapshot
                .floor
                .tickets
                .iter()
                .filter(|t| t.state.is_active())
                .map(|t| ticket_view(snapshot, t))
                .collect();
            json!({"now": format_instant(snapshot.clock.now()), "version": snapshot.version,
                   "incidents": incidents})
        })
        .await?;
    Ok(axum::Json(body).into_response())
}

async fn get_network(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.authorize(&headers, Access::Read)?;
    let body = app
        .read(|snapshot| super::board::network(&snapshot.scenario))
        .await?;
    Ok(axum::Json(body).into_response())
}

async fn event_stream(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    use tokio_stream::StreamExt;
    app.authorize(&headers, Access::Read)?;
    let place = app.limits.event_stream()?;
    let stream = tokio_stream::wrappers::BroadcastStream::new(app.events.subscribe()).map(
        move |message| -> Result<Event, Infallible> {
            // The stream's place is given back when the client goes.
            let _place = &place;
            Ok(match message {
                Ok(change) => Event::default()
                    .id(change.version.to_string())
                    .event("change")
                    .data(change.body.to_string()),
                // A slow reader missed changes: it should reload everything.
                Err(_) => Event::default()
                    .event("change")
                    .data("{\"type\":\"resync\"}"),
            })
        },
    );
    let hello = tokio_stream::once(Ok(Event::default()
        .event("hello")
        .data("{\"type\":\"hello\"}")));
    Ok(Sse::new(hello.chain(stream))
        .keep_alive(KeepAlive::default())
        .into_response())
}

// ---- views --------------------------------------------------------------

fn time(instant: Option<DateTime<Utc>>) -> Value {
    instant.map_or(Value::Null, |t| json!(format_instant(t)))
}

/// What the views show: a scenario, a floor and the clock (the desk while
/// it writes, a snapshot for reads).
trait Shown {
    fn scenario(&self) -> &crate::scenario::Scenario;
    fn floor(&self) -> &Floor;
    fn now(&self) -> DateTime<Utc>;
}

impl Shown for Desk {
    fn scenario(&self) -> &crate::scenario::Scenario {
        &self.scenario
    }
    fn floor(&self) -> &Floor {
        &self.floor
    }
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

impl Shown for Snapshot {
    fn scenario(&self) -> &crate::scenario::Scenario {
        &self.scenario
    }
    fn floor(&self) -> &Floor {
        &self.floor
    }
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// A ticket with its plan, as the API shows it.
fn ticket_view(shown: &impl Shown, ticket: &Ticket) -> Value {
    let scenario = shown.scenario();
    let incident = &ticket.incident;
    let planned = shown.floor().plan.get(&incident.id);
    let visit = planned.and_then(|p| p.visit.as_ref());
    let site = scenario.site(incident.site);
    json!({
        "id": incident.id,
        "site": site.id,
        "customer": site.customer,
        "part": scenario.parts[incident.part.index()].id,
        "opened": format_instant(incident.opened),
        "kind": db::kind_str(incident.kind),
        "state": ticket.state.as_str(),
        "engineer": visit.map(|v| scenario.engineers[v.engineer.index()].id.clone()),
        "source_depot": visit.map(|v| scenario.depot(v.depot).id.clone()),
        "mode": visit.map(|v| db::mode_str(v.mode)),
        "depart": time(visit.map(|v| v.depart)),
        "arrive": time(visit.map(|v| v.arrive)),
        "finish": time(visit.map(|v| v.finish)),
        "deadline": time(planned.map(|p| p.deadline)),
        "status": planned.map(|p| p.status.as_str()),
        "reason": planned.and_then(|p| p.reason.clone()),
        "pinned": ticket.state.is_pinned() || ticket.state == TicketState::OnSite,
    })
}

fn engineer_view(shown: &impl Shown, engineer: crate::scenario::EngineerIdx) -> Value {
    let scenario = shown.scenario();
    let floor = shown.floor();
    let now = shown.now();
    let state = floor.engineer_state(scenario, engineer, now);
    let (kind, place, location) = match state.location {
        Location::Depot(d) => ("depot", &scenario.depot(d).id, scenario.depot(d).location),
        Location::Site(s) => ("site", &scenario.site(s).id, scenario.site(s).location),
    };
    let mut jobs: Vec<(&Ticket, &super::floor::Visit)> = floor
        .tickets
        .iter()
        .filter(|t| t.state.is_active())
        .filter_map(|t| {
            let visit = floor.plan.get(&t.incident.id)?.visit.as_ref()?;
            (visit.engineer == engineer).then_some((t, visit))
        })
        .collect();
    jobs.sort_by_key(|(_, v)| v.depart);
    let e = &scenario.engineers[engineer.index()];
    json!({
        "id": e.id,
        "name": e.name,
        "base": scenario.depot(e.base).id,
        "available_from": format_instant(state.available_from.max(now)),
        "location": {"kind": kind, "id": place, "lat": location.lat, "lon": location.lon},
        "jobs": jobs.iter().map(|(t, v)| json!({
            "incident": t.incident.id,
            "state": t.state.as_str(),
            "depart": format_instant(v.depart),
            "arrive": format_instant(v.arrive),
            "finish": format_instant(v.finish),
        })).collect::<Vec<_>>(),
    })
}
