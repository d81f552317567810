//! The desk: the scenario a command centre works, its floor and the
//! database the floor is kept in, and the snapshot readers are served from.

use super::Clock;
use super::db::{Db, Reader};
use super::floor::Floor;
use crate::scenario::{Scenario, StockLevel};
use crate::travel::TravelTimes;
use std::sync::{Arc, Mutex};

/// Everything a request needs: the scenario (read only) and the floor
/// with its database (one writer at a time).
pub struct Desk {
    pub scenario: Arc<Scenario>,
    pub travel: Arc<TravelTimes>,
    /// Stock at the start, before anything was taken.
    pub stock: Vec<StockLevel>,
    pub clock: Clock,
    pub settings: super::Settings,
    /// The floor as the last committed write left it (shared with the
    /// snapshots, so publishing one copies nothing).
    pub floor: Arc<Floor>,
    pub db: Db,
    /// A second connection to the database, for reads that do not wait on
    /// the writer (WAL: it sees the last commit).
    pub reader: Arc<Mutex<Reader>>,
    /// Bumped at every change; the event stream's ids.
    pub version: u64,
}

impl Desk {
    /// Opens the database (creating or migrating it) and restores the floor.
    pub fn open(
        scenario: Scenario,
        travel: TravelTimes,
        stock: Vec<StockLevel>,
        db_path: &std::path::Path,
        clock: Clock,
        settings: super::Settings,
    ) -> Result<Desk, super::ServeError> {
        let db = Db::open(db_path)?;
        let floor = Arc::new(db.load(&scenario)?);
        let reader = Arc::new(Mutex::new(db.reader()?));
        Ok(Desk {
            scenario: Arc::new(scenario),
            travel: Arc::new(travel),
            stock,
            clock,
            settings,
            floor,
            db,
            reader,
            version: 0,
        })
    }

    /// Stock left: the starting stock less what was taken.
    pub fn stock_left(&self, floor: &Floor) -> Vec<StockLevel> {
        self.stock
            .iter()
            .map(|level| StockLevel {
                on_hand: level.on_hand.saturating_sub(
                    floor
                        .stock_taken
                        .get(&(level.depot, level.part))
                        .copied()
                        .unwrap_or(0),
                ),
                ..level.clone()
            })
            .collect()
    }
}

/// What reads are answered from: the desk as its last committed write left
/// it. Writes publish a new one after each commit, so a read never waits on
/// a re-plan.
pub struct Snapshot {
    pub scenario: Arc<Scenario>,
    pub floor: Arc<Floor>,
    pub clock: Clock,
    /// The version of the last change announced on the event stream.
    pub version: u64,
}

impl Desk {
    /// The desk as it stands, for readers.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            scenario: self.scenario.clone(),
            floor: self.floor.clone(),
            clock: self.clock,
            version: self.version,
        }
    }
}
