//! Return to base: a vehicle with an end place drives there after its last
//! job (the leg counts in travel) and must arrive by its latest end. An
//! unused vehicle stays home and costs nothing.

use super::super::model::{Model, NEVER, Place, Time, Vehicle};

/// The end of a route.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EndLeg {
    /// Arrival at the end place (or the last job's finish without one).
    pub arrive: Time,
    pub drive: Time,
    pub cost: f64,
}

/// The end leg of a route whose last job is at `place`, finished at `at`;
/// `None` if unreachable or too late.
#[inline]
pub fn end_leg(model: &Model, vehicle: &Vehicle, place: Place, at: Time) -> Option<EndLeg> {
    let leg = match vehicle.end {
        None => EndLeg {
            arrive: at,
            drive: 0,
            cost: 0.0,
        },
        Some(end) => {
            let drive = model.matrix.time(place, end)?;
            EndLeg {
                arrive: at + drive,
                drive,
                cost: model.matrix.cost(place, end),
            }
        }
    };
    (leg.arrive <= vehicle.end_by.unwrap_or(NEVER)).then_some(leg)
}

/// How much later the last job could finish with the end still on time.
#[inline]
pub fn end_slack(vehicle: &Vehicle, leg: &EndLeg) -> Time {
    vehicle.end_by.map_or(NEVER, |by| by - leg.arrive)
}
