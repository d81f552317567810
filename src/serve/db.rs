//! The desk's SQLite database: a versioned schema with ordered migrations,
//! WAL journal, and one transaction per acknowledged write.

use super::floor::{Floor, Planned, Ticket, TicketState, Visit};
use super::{ServeError, db_instant};
use crate::diagnostic::{Code, Diagnostic};
use crate::dispatch::{Mode, Status};
use crate::scenario::{EngineerIdx, EngineerState, Incident, IncidentKind, Location, Scenario};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use std::path::{Path, PathBuf};

/// The schema, one migration per version: migration `k` takes a database
/// from `user_version` k to k + 1. Never edit a shipped one; append.
const MIGRATIONS: &[&str] = &[
    // 1: tickets, their events, engineers' states, stock taken, the plan, the audit log.
    "CREATE TABLE tickets (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        site TEXT NOT NULL,
        part TEXT NOT NULL,
        opened TEXT NOT NULL,
        kind TEXT NOT NULL,
        request TEXT NOT NULL,
        state TEXT NOT NULL,
        took_stock INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        incident TEXT,
        engineer TEXT,
        kind TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX events_incident ON events (incident);
    CREATE TABLE engineer_states (
        engineer TEXT PRIMARY KEY,
        available_from TEXT NOT NULL,
        location_kind TEXT NOT NULL,
        location TEXT NOT NULL
    );
    CREATE TABLE stock_taken (
        depot TEXT NOT NULL,
        part TEXT NOT NULL,
        units INTEGER NOT NULL,
        PRIMARY KEY (depot, part)
    );
    CREATE TABLE assignments (
        incident TEXT PRIMARY KEY,
        engineer TEXT,
        depot TEXT,
        mode TEXT,
        depart TEXT,
        arrive TEXT,
        finish TEXT,
        deadline TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    );",
];

/// Version of the schema this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// One stored event: at, kind, engineer, body.
pub type EventRow = (String, String, Option<String>, String);

/// The database of one desk.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

/// A read-only connection to a desk's database, beside the writer's.
pub struct Reader {
    conn: Connection,
}

/// One write's entries in the event and audit logs.
pub struct Entry<'a> {
    pub at: DateTime<Utc>,
    pub role: &'a str,
    /// `incident.created`, `incident.cancelled`, `engineer.on_site`, …
    pub action: &'a str,
    pub incident: Option<&'a str>,
    pub engineer: Option<&'a str>,
    /// The request body, as JSON.
    pub body: &'a str,
}

/// What a write changed, to be committed in one transaction.
pub struct Change<'a> {
    pub tickets: Vec<&'a str>,
    pub engineers: Vec<EngineerIdx>,
    pub entry: Entry<'a>,
}

impl Db {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Db, ServeError> {
        let fail = |message: String| ServeError::Database {
            path: path.to_path_buf(),
            message,
        };
        let mut conn = Connection::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
        // WAL: readers never block the writer; FULL: a commit is on disk
        // before the answer leaves.
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| conn.pragma_update(None, "synchronous", "FULL"))
            .and_then(|()| conn.pragma_update(None, "foreign_keys", "ON"))
            .and_then(|()| conn.busy_timeout(std::time::Duration::from_secs(5)))
            .map_err(|e| fail(format!("cannot set up: {e}")))?;
        migrate(&mut conn).map_err(|e| match e {
            MigrateError::Newer(version) => ServeError::Input(Box::new(Diagnostic::file(
                Code::E1071DatabaseMismatch,
                path,
                format!(
                    "the database has schema version {version}; this sparesla knows up to {SCHEMA_VERSION}"
                ),
                "use the sparesla that wrote it, or start on a new --db",
            ))),
            MigrateError::Sql(e) => fail(format!("cannot migrate the schema: {e}")),
        })?;
        Ok(Db {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A second, read-only connection: in WAL mode it reads the last commit
    /// while the writer works.
    pub fn reader(&self) -> Result<Reader, ServeError> {
        let fail = |e: rusqlite::Error| ServeError::Database {
            path: self.path.clone(),
            message: format!("cannot open for reading: {e}"),
        };
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(fail)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(fail)?;
        Ok(Reader { conn })
    }

    /// The floor as the last acknowledged write left it.
    pub fn load(&self, scenario: &Scenario) -> Result<Floor, ServeError> {
        self.read_floor(scenario).map_err(|e| match e {
            LoadError::Sql(e) => ServeError::Database {
                path: self.path.clone(),
                message: format!("cannot read: {e}"),
            },
            LoadError::Mismatch(message) => ServeError::Input(Box::new(Diagnostic::file(
                Code::E1071DatabaseMismatch,
                &self.path,
                message,
                "serve the scenario this database was made with, or start on a new --db",
            ))),
        })
    }

    fn read_floor(&self, scenario: &Scenario) -> Result<Floor, LoadError> {
        let ids = scenario.id_index();
        let mut floor = Floor::default();
        let name = scenario.name.as_str();
        let mut stmt = self.conn.prepare(
            "SELECT id, site, part, opened, kind, request, state, took_stock FROM tickets ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let site: String = row.get(1)?;
            let part: String = row.get(2)?;
            let state: String = row.get(6)?;
            let ticket = Ticket {
                incident: Incident {
                    site: lookup(name, &ids.sites, "site", &site)?,
                    part: lookup(name, &ids.parts, "part", &part)?,
                    opened: instant(&row.get::<_, String>(3)?)?,
                    kind: if row.get::<_, String>(4)? == "proactive" {
                        IncidentKind::Proactive
                    } else {
                        IncidentKind::Reactive
                    },
                    id,
                },
                request: row.get(5)?,
                state: TicketState::parse(&state).ok_or_else(|| {
                    LoadError::Mismatch(format!("unknown ticket state `{state}`"))
                })?,
                took_stock: row.get::<_, i64>(7)? != 0,
            };
            floor.push(ticket);
        }
        let mut stmt = self.conn.prepare(
            "SELECT engineer, available_from, location_kind, location FROM engineer_states",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let engineer = lookup(name, &ids.engineers, "engineer", &row.get::<_, String>(0)?)?;
            let place: String = row.get(3)?;
            let location = if row.get::<_, String>(2)? == "site" {
                Location::Site(lookup(name, &ids.sites, "site", &place)?)
            } else {
                Location::Depot(lookup(name, &ids.depots, "depot", &place)?)
            };
            floor.engineers.insert(
                engineer,
                EngineerState {
                    engineer,
                    available_from: instant(&row.get::<_, String>(1)?)?,
                    location,
                },
            );
        }
        let mut stmt = self
            .conn
            .prepare("SELECT depot, part, units FROM stock_taken")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let depot = lookup(name, &ids.depots, "depot", &row.get::<_, String>(0)?)?;
            let part = lookup(name, &ids.parts, "part", &row.get::<_, String>(1)?)?;
            floor
                .stock_taken
                .insert((depot, part), row.get::<_, i64>(2)?.max(0) as u32);
        }
        let mut stmt = self.conn.prepare(
            "SELECT incident, engineer, depot, mode, depart, arrive, finish, deadline, status, reason FROM assignments",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let incident: String = row.get(0)?;
            let engineer: Option<String> = row.get(1)?;
            let visit = match engineer {
                Some(engineer) => Some(Visit {
                    engineer: lookup(name, &ids.engineers, "engineer", &engineer)?,
                    depot: lookup(name, &ids.depots, "depot", &row.get::<_, String>(2)?)?,
                    mode: if row.get::<_, String>(3)? == "courier" {
                        Mode::Courier
                    } else {
                        Mode::EngineerPickup
                    },
                    depart: instant(&row.get::<_, String>(4)?)?,
                    arrive: instant(&row.get::<_, String>(5)?)?,
                    finish: instant(&row.get::<_, String>(6)?)?,
                }),
                None => None,
            };
            let status: String = row.get(8)?;
            floor.plan.insert(
                incident,
                Planned {
                    visit,
                    deadline: instant(&row.get::<_, String>(7)?)?,
                    status: match status.as_str() {
                        "on_time" => Status::OnTime,
                        "late" => Status::Late,
                        _ => Status::Unassigned,
                    },
                    reason: row.get(9)?,
                },
            );
        }
        Ok(floor)
    }

    /// Commits one write: the changed tickets and engineers, the stock
    /// taken, the plan of every routed ticket, the event and the audit line.
    pub fn commit(
        &mut self,
        scenario: &Scenario,
        floor: &Floor,
        change: &Change<'_>,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        for id in &change.tickets {
            if let Some(ticket) = floor.ticket(id) {
                save_ticket(&tx, scenario, ticket)?;
            }
        }
        for engineer in &change.engineers {
            if let Some(state) = floor.engineers.get(engineer) {
                save_engineer(&tx, scenario, state)?;
            }
        }
        tx.execute("DELETE FROM stock_taken", [])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO stock_taken (depot, part, units) VALUES (?1, ?2, ?3)",
            )?;
            for ((depot, part), units) in &floor.stock_taken {
                insert.execute(params![
                    scenario.depot(*depot).id,
                    scenario.parts[part.index()].id,
                    units
                ])?;
            }
        }
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO assignments
                 (incident, engineer, depot, mode, depart, arrive, finish, deadline, status, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for ticket in floor
                .tickets
                .iter()
                .filter(|t| t.state.is_active() || change.tickets.contains(&t.incident.id.as_str()))
            {
                let Some(planned) = floor.plan.get(&ticket.incident.id) else {
                    continue;
                };
                let visit = planned.visit.as_ref();
                insert.execute(params![
                    ticket.incident.id,
                    visit.map(|v| scenario.engineers[v.engineer.index()].id.as_str()),
                    visit.map(|v| scenario.depot(v.depot).id.as_str()),
                    visit.map(|v| mode_str(v.mode)),
                    visit.map(|v| db_instant(v.depart)),
                    visit.map(|v| db_instant(v.arrive)),
                    visit.map(|v| db_instant(v.finish)),
                    db_instant(planned.deadline),
                    planned.status.as_str(),
                    planned.reason,
                ])?;
            }
        }
        let entry = &change.entry;
        tx.execute(
            "INSERT INTO events (at, incident, engineer, kind, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                db_instant(entry.at),
                entry.incident,
                entry.engineer,
                entry.action,
                entry.body
            ],
        )?;
        tx.execute(
            "INSERT INTO audit (at, role, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                db_instant(Utc::now()),
                entry.role,
                entry.action,
                entry.incident.or(entry.engineer).unwrap_or_default()
            ],
        )?;
        tx.commit()
    }

    /// The events of one ticket, oldest first: (at, kind, engineer, body).
    pub fn events_of(&self, incident: &str) -> rusqlite::Result<Vec<EventRow>> {
        events_of(&self.conn, incident)
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> rusqlite::Result<usize> {
        user_version(&self.conn)
    }

    /// Whether the database answers (for /healthz).
    pub fn is_healthy(&self) -> bool {
        self.conn
            .query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
            .optional()
            .is_ok()
    }
}

impl Reader {
    /// The events of one ticket, oldest first: (at, kind, engineer, body).
    pub fn events_of(&self, incident: &str) -> rusqlite::Result<Vec<EventRow>> {
        events_of(&self.conn, incident)
    }
}

fn events_of(conn: &Connection, incident: &str) -> rusqlite::Result<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, kind, engineer, body FROM events WHERE incident = ?1 ORDER BY seq",
    )?;
    stmt.query_map([incident], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })?
    .collect()
}

fn save_ticket(tx: &Transaction<'_>, scenario: &Scenario, ticket: &Ticket) -> rusqlite::Result<()> {
    let incident = &ticket.incident;
    tx.prepare_cached(
        "INSERT INTO tickets (id, site, part, opened, kind, request, state, took_stock)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, took_stock = excluded.took_stock",
    )?
    .execute(params![
        incident.id,
        scenario.site(incident.site).id,
        scenario.parts[incident.part.index()].id,
        db_instant(incident.opened),
        kind_str(incident.kind),
        ticket.request,
        ticket.state.as_str(),
        ticket.took_stock as i64,
    ])?;
    Ok(())
}

fn save_engineer(
    tx: &Transaction<'_>,
    scenario: &Scenario,
    state: &EngineerState,
) -> rusqlite::Result<()> {
    let (kind, place) = match state.location {
        Location::Depot(d) => ("depot", scenario.depot(d).id.as_str()),
        Location::Site(s) => ("site", scenario.site(s).id.as_str()),
    };
    tx.prepare_cached(
        "INSERT OR REPLACE INTO engineer_states (engineer, available_from, location_kind, location)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        scenario.engineers[state.engineer.index()].id,
        db_instant(state.available_from),
        kind,
        place
    ])?;
    Ok(())
}

pub fn mode_str(mode: Mode) -> &'static str {
    match mode {
        Mode::EngineerPickup => "engineer_pickup",
        Mode::Courier => "courier",
    }
}

pub fn kind_str(kind: IncidentKind) -> &'static str {
    match kind {
        IncidentKind::Reactive => "reactive",
        IncidentKind::Proactive => "proactive",
    }
}

enum MigrateError {
    Newer(usize),
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}

enum LoadError {
    Sql(rusqlite::Error),
    Mismatch(String),
}

impl From<rusqlite::Error> for LoadError {
    fn from(e: rusqlite::Error) -> Self {
        LoadError::Sql(e)
    }
}

fn lookup<T: Copy>(
    scenario: &str,
    map: &std::collections::HashMap<String, T>,
    what: &str,
    id: &str,
) -> Result<T, LoadError> {
    map.get(id)
        .copied()
        .ok_or_else(|| LoadError::Mismatch(format!("{what} `{id}` is not in scenario {scenario}")))
}

fn instant(text: &str) -> Result<DateTime<Utc>, LoadError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| LoadError::Mismatch(format!("bad time `{text}` in the database: {e}")))
}

fn user_version(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))
        .map(|v| v.max(0) as usize)
}

/// Applies the migrations past the database's `user_version`, each in its
/// own transaction with the version bump.
fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let current = user_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(MigrateError::Newer(current));
    }
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (version + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_new_database_and_refuses_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let db = Db::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        drop(db);
        // Reopening applies nothing twice.
        let db = Db::open(&path).unwrap();
        db.conn
            .pragma_update(None, "user_version", (SCHEMA_VERSION + 1) as i64)
            .unwrap();
        drop(db);
        let error = Db::open(&path).err().unwrap().to_string();
        assert!(
            error.contains("E1071") && error.contains("schema version"),
            "{error}"
        );
    }
}
