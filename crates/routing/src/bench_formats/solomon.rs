//! Solomon's VRPTW instances (1987): a depot and customers with coordinates,
//! demand, a time window on the service start and a service time; identical
//! vehicles with a capacity. Travel time equals the Euclidean distance;
//! vehicles may wait for a window to open and must be back at the depot by
//! its due date. The objective here is total distance with the given fleet.

use super::{FormatError, euclid, fields, number, ticks};
use crate::model::{Deadline, Job, Matrix, ModelError, ModelSpec, Vehicle};
use crate::{Cost, Model};

/// One customer (or the depot) row.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub id: u32,
    pub x: f64,
    pub y: f64,
    pub demand: i64,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
}

/// A Solomon instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub name: String,
    pub vehicles: usize,
    pub capacity: i64,
    pub depot: Customer,
    pub customers: Vec<Customer>,
}

/// Parses a Solomon instance file's text.
pub fn parse(text: &str) -> Result<Instance, FormatError> {
    let lines: Vec<&str> = text.lines().collect();
    let name = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .ok_or_else(|| FormatError::new(1, 1, "expected the instance name"))?;
    let find = |label: &str| {
        lines
            .iter()
            .position(|l| l.trim().eq_ignore_ascii_case(label))
            .ok_or_else(|| {
                FormatError::new(
                    lines.len().max(1),
                    1,
                    format!("expected a `{label}` section"),
                )
            })
    };
    let vehicle_at = find("VEHICLE")?;
    // The section's header line, then the numbers.
    let (fleet_line, fleet) = next_data_line(&lines, vehicle_at + 2).ok_or_else(|| {
        FormatError::new(vehicle_at + 1, 1, "expected vehicle number and capacity")
    })?;
    let vehicles: usize = number(fleet_line, &fleet, 0, "the number of vehicles")?;
    let capacity: i64 = number(fleet_line, &fleet, 1, "the vehicle capacity")?;
    let customer_at = find("CUSTOMER")?;
    let mut rows = Vec::new();
    for (k, line) in lines.iter().enumerate().skip(customer_at + 2) {
        let f = fields(line);
        if f.is_empty() {
            continue;
        }
        let line_no = k + 1;
        if f.len() != 7 {
            return Err(FormatError::new(
                line_no,
                1,
                format!(
                    "expected 7 fields (number, x, y, demand, ready, due, service), found {}",
                    f.len()
                ),
            ));
        }
        let customer = Customer {
            id: number(line_no, &f, 0, "a customer number")?,
            x: number(line_no, &f, 1, "an x coordinate")?,
            y: number(line_no, &f, 2, "a y coordinate")?,
            demand: number(line_no, &f, 3, "a demand")?,
            ready: number(line_no, &f, 4, "a ready time")?,
            due: number(line_no, &f, 5, "a due date")?,
            service: number(line_no, &f, 6, "a service time")?,
        };
        if customer.demand < 0 || customer.service < 0.0 || customer.due < customer.ready {
            return Err(FormatError::new(
                line_no,
                1,
                "expected a non-negative demand and service time and a due date not before the ready time",
            ));
        }
        rows.push(customer);
    }
    let mut rows = rows.into_iter();
    let depot = rows
        .next()
        .ok_or_else(|| FormatError::new(lines.len(), 1, "expected the depot row"))?;
    Ok(Instance {
        name,
        vehicles,
        capacity,
        depot,
        customers: rows.collect(),
    })
}

/// The first non-blank line at or after index `from`: (1-based line, fields).
fn next_data_line<'a>(lines: &[&'a str], from: usize) -> Option<(usize, Vec<(usize, &'a str)>)> {
    (from..lines.len()).find_map(|k| {
        let f = fields(lines[k]);
        (!f.is_empty()).then_some((k + 1, f))
    })
}

impl Instance {
    fn point(&self, place: usize) -> (f64, f64) {
        let c = if place == 0 {
            &self.depot
        } else {
            &self.customers[place - 1]
        };
        (c.x, c.y)
    }

    /// The engine model: place 0 is the depot, place `k` customer `k - 1`
    /// (job `k - 1`); every vehicle starts and ends at the depot, carries the
    /// capacity as its one stock dimension and must be back by the depot's
    /// due date. An unserved customer costs one breach.
    pub fn model(&self) -> Result<Model, ModelError> {
        let places = self.customers.len() + 1;
        let mut times = Vec::with_capacity(places * places);
        let mut costs = Vec::with_capacity(places * places);
        for a in 0..places {
            for b in 0..places {
                let d = euclid(self.point(a), self.point(b));
                times.push(ticks(d));
                costs.push(d);
            }
        }
        let jobs = self
            .customers
            .iter()
            .enumerate()
            .map(|(k, c)| Job {
                ready: ticks(c.ready),
                deadline: Some(Deadline {
                    at: ticks(c.due),
                    hard: true,
                }),
                demand: vec![c.demand],
                ..Job::at(
                    k + 1,
                    ticks(c.service),
                    Cost {
                        breaches: 1.0,
                        ..Cost::default()
                    },
                )
            })
            .collect();
        let vehicle = Vehicle {
            end: Some(0),
            end_by: Some(ticks(self.depot.due)),
            carried: vec![self.capacity],
            ..Vehicle::at(0, ticks(self.depot.ready))
        };
        ModelSpec {
            jobs,
            vehicles: vec![vehicle; self.vehicles],
            matrix: Matrix::with_costs(places, times, costs)?,
            shifts: Vec::new(),
            depot_stock: Vec::new(),
            dims: 1,
            restock_level: vec![self.capacity],
        }
        .build()
    }

    /// Checks routes (customer indices into `customers`, depot omitted)
    /// against every rule, from the instance alone: each customer served
    /// once, fleet size, capacity, time windows with waiting, return by the
    /// depot's due date. Returns (vehicles used, total distance) or every
    /// violation.
    pub fn check(&self, routes: &[Vec<usize>]) -> Result<(usize, f64), Vec<String>> {
        self.check_routes(routes, true)
    }

    /// As [`Instance::check`], but customers may stay unserved.
    pub fn check_partial(&self, routes: &[Vec<usize>]) -> Result<(usize, f64), Vec<String>> {
        self.check_routes(routes, false)
    }

    fn check_routes(&self, routes: &[Vec<usize>], all: bool) -> Result<(usize, f64), Vec<String>> {
        const TOLERANCE: f64 = 1e-6;
        let mut errors = Vec::new();
        let mut served = vec![0usize; self.customers.len()];
        let used: Vec<&Vec<usize>> = routes.iter().filter(|r| !r.is_empty()).collect();
        if used.len() > self.vehicles {
            errors.push(format!(
                "{} routes for {} vehicles",
                used.len(),
                self.vehicles
            ));
        }
        let mut distance = 0.0;
        for (r, route) in used.iter().enumerate() {
            let mut at = (self.depot.x, self.depot.y);
            let mut time = self.depot.ready;
            let mut load = 0;
            for &k in route.iter() {
                let Some(c) = self.customers.get(k) else {
                    errors.push(format!("route {r}: no customer {k}"));
                    continue;
                };
                served[k] += 1;
                let leg = euclid(at, (c.x, c.y));
                distance += leg;
                time += leg;
                if time > c.due + TOLERANCE {
                    errors.push(format!(
                        "route {r}: customer {} reached at {time:.4}, due {}",
                        c.id, c.due
                    ));
                }
                time = time.max(c.ready) + c.service;
                load += c.demand;
                at = (c.x, c.y);
            }
            let back = euclid(at, (self.depot.x, self.depot.y));
            distance += back;
            time += back;
            if time > self.depot.due + TOLERANCE {
                errors.push(format!(
                    "route {r}: back at the depot at {time:.4}, due {}",
                    self.depot.due
                ));
            }
            if load > self.capacity {
                errors.push(format!(
                    "route {r}: load {load} over capacity {}",
                    self.capacity
                ));
            }
        }
        for (k, &n) in served.iter().enumerate() {
            if n > 1 || (all && n == 0) {
                errors.push(format!(
                    "customer {} served {n} times",
                    self.customers[k].id
                ));
            }
        }
        if errors.is_empty() {
            Ok((used.len(), distance))
        } else {
            Err(errors)
        }
    }
}

/// The routes of an engine solution of [`Instance::model`] as customer indices.
pub fn routes_of(solution: &crate::Solution) -> Vec<Vec<usize>> {
    solution
        .routes
        .iter()
        .map(|r| r.visits.iter().map(|v| v.job).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  2         10\n\nCUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n    0      0     0     0     0   100    0\n    1      3     4     5     0    50    1\n    2      6     8     5    10    60    1\n";

    #[test]
    fn parses() {
        let i = parse(TINY).unwrap();
        assert_eq!(i.name, "T1");
        assert_eq!((i.vehicles, i.capacity), (2, 10));
        assert_eq!(i.customers.len(), 2);
        assert_eq!(i.customers[1].ready, 10.0);
        assert_eq!(i.check(&[vec![0, 1]]), Ok((1, 20.0)));
        assert!(i.check(&[vec![0]]).is_err());
    }

    #[test]
    fn bad_field_has_line_and_column() {
        let bad = TINY.replace("    2      6     8", "    2      6     x");
        let e = parse(&bad).unwrap_err();
        assert_eq!((e.line, e.column), (12, 18));
        assert!(e.message.contains("y coordinate"), "{e}");
    }
}
