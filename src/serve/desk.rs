//! The desk: the scenario a command centre works, its floor and the
//! database the floor is kept in.

use super::Clock;
use super::db::Db;
use super::floor::Floor;
use crate::scenario::{Scenario, StockLevel};
use crate::travel::TravelTimes;
use std::sync::Arc;

/// Everything a request needs: the scenario (read only) and the floor
/// with its database (one writer at a time).
pub struct Desk {
    pub scenario: Arc<Scenario>,
    pub travel: Arc<TravelTimes>,
    /// Stock at the start, before anything was taken.
    pub stock: Vec<StockLevel>,
    pub clock: Clock,
    pub settings: super::Settings,
    pub floor: Floor,
    pub db: Db,
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
        let floor = db.load(&scenario)?;
        Ok(Desk {
            scenario: Arc::new(scenario),
            travel: Arc::new(travel),
            stock,
            clock,
            settings,
            floor,
            db,
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
