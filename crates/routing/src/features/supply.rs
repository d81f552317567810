//! Supply: how a job's part reaches it. Carried by the vehicle (nothing to
//! fetch), collected at a depot on the way (a detour plus handling, or a
//! full restock), brought by a courier while the vehicle drives directly,
//! or delivered on site at a given instant from outside the depots; service
//! starts when both vehicle and part are on site. Depot stock is shared by
//! all routes: two jobs never take the last unit.

use super::super::model::{Place, Supply, Time, Travel};

/// The travel of one visit under one supply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Legs {
    /// Vehicle drive to the first stop (the depot for a pickup, else the site).
    pub to_first: Time,
    /// After the first stop: handling plus the depot-to-site drive (pickup only).
    pub after_first: Time,
    /// When the part leaves the depot by courier.
    pub part_leaves: Option<Time>,
    /// When the part is on site by courier or delivery (`None`: it comes
    /// with the vehicle).
    pub part_arrive: Option<Time>,
    /// Vehicle driving time.
    pub drive: Time,
    /// Courier driving time.
    pub courier: Time,
    /// Cost of the vehicle's legs and the courier.
    pub cost: f64,
}

/// The legs from `from` to the job at `site` under `supply`; `None` if a
/// leg is unreachable.
#[inline]
pub fn legs<T: Travel + ?Sized>(m: &T, from: Place, site: Place, supply: &Supply) -> Option<Legs> {
    Some(match *supply {
        Supply::Carried => {
            let to_site = m.time(from, site)?;
            Legs {
                to_first: to_site,
                after_first: 0,
                part_leaves: None,
                part_arrive: None,
                drive: to_site,
                courier: 0,
                cost: m.cost(from, site),
            }
        }
        Supply::Pickup {
            depot, handling, ..
        } => {
            let to_depot = m.time(from, depot)?;
            let to_site = m.time(depot, site)?;
            Legs {
                to_first: to_depot,
                after_first: handling + to_site,
                part_leaves: None,
                part_arrive: None,
                drive: to_depot + to_site,
                courier: 0,
                cost: m.cost(from, depot) + m.cost(depot, site),
            }
        }
        Supply::Courier {
            leaves,
            arrives,
            cost,
            ..
        } => {
            let to_site = m.time(from, site)?;
            Legs {
                to_first: to_site,
                after_first: 0,
                part_leaves: Some(leaves),
                part_arrive: Some(arrives),
                drive: to_site,
                courier: arrives - leaves,
                cost: m.cost(from, site) + cost,
            }
        }
        Supply::Delivered { arrives, cost } => {
            let to_site = m.time(from, site)?;
            Legs {
                to_first: to_site,
                after_first: 0,
                part_leaves: None,
                part_arrive: Some(arrives),
                drive: to_site,
                courier: 0,
                cost: m.cost(from, site) + cost,
            }
        }
    })
}

/// Whether the depot stock a supply draws on has a unit left.
#[inline]
pub fn in_stock(stock: &[u32], supply: &Supply) -> bool {
    supply.stock_slot().is_none_or(|slot| stock[slot] > 0)
}
