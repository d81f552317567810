//! The technician routing and scheduling instances of Pillac, Guéret and
//! Medaglia (2013), built on Solomon's: a crew of technicians, each with a
//! home (start and end of the route, with its time window), skills, tools
//! and an initial stock of spare parts; requests with a time window, a
//! service time and the skills, tools and spare parts they need; a central
//! depot. The rules, as in the authors' own feasibility checker
//! (vroom's `TRSPSolutionChecker`): every needed skill is the technician's;
//! until the technician visits the central depot, every needed tool must be
//! carried and spare parts come out of the initial stock; a depot visit
//! provides every tool and any number of parts for the rest of the route;
//! service starts within the window (waiting allowed) and the technician is
//! home by the end of the home's window. Travel time equals the Euclidean
//! distance. Here the objective is the number of requests served, then the
//! authors' working time ([`Objective::WorkingTime`]: the routes' durations,
//! each departure delayed as far as it goes) or the total distance.

use super::TIME_SCALE;
use super::{FormatError, euclid, fields, number, ticks};
use crate::features::skills::SkillSet;
use crate::model::{
    Deadline, DepartureDelay, Job, Matrix, ModelError, ModelSpec, Pay, Supply, UNLIMITED, Vehicle,
};
use crate::{Cost, Model, Outcome, SearchOptions, Solution};

/// A node: the depot, a technician's home or a request.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: usize,
    pub x: f64,
    pub y: f64,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
    pub skills: Vec<u32>,
    pub tools: Vec<u32>,
    /// Initial stock (technician) or requirement (request) per part type.
    pub parts: Vec<i64>,
}

/// A TRSP instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub name: String,
    pub skills: usize,
    pub tools: usize,
    pub part_types: usize,
    pub depot: Node,
    pub technicians: Vec<Node>,
    pub requests: Vec<Node>,
}

/// What the engine minimises once every request it can serve is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// Total route duration, departures delayed as far as they go: the
    /// measure Pillac, Guéret and Medaglia minimise and report.
    WorkingTime,
    /// Total Euclidean distance.
    Distance,
}

/// Share of a working-time search spent first on distance ([`Instance::solve`]).
pub const DISTANCE_SHARE: f64 = 0.3;
/// Further rounds of that length (fresh starts, other seeds) while requests
/// stay unserved; the best is kept.
pub const EXTRA_DISTANCE_ROUNDS: u64 = 2;

/// A stop of a technician's route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The central depot: restock.
    Depot,
    /// A request, by index into `requests`.
    Request(usize),
}

fn list<T: std::str::FromStr>(
    line: usize,
    field: (usize, &str),
    what: &str,
) -> Result<Vec<T>, FormatError> {
    let (column, text) = field;
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| {
            FormatError::new(
                line,
                column,
                format!("expected a list [a,b,...] of {what}, found `{text}`"),
            )
        })?;
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|v| {
            v.trim().parse().map_err(|_| {
                FormatError::new(line, column, format!("expected {what}, found `{v}`"))
            })
        })
        .collect()
}

/// Parses a TRSP instance file's text.
pub fn parse(text: &str) -> Result<Instance, FormatError> {
    let lines: Vec<&str> = text.lines().collect();
    let name = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .ok_or_else(|| FormatError::new(1, 1, "expected the instance name"))?;
    let info = lines
        .iter()
        .position(|l| l.trim() == "INFO")
        .ok_or_else(|| FormatError::new(lines.len().max(1), 1, "expected an `INFO` section"))?;
    let (info_line, f) = (info + 2..lines.len())
        .find_map(|k| {
            let f = fields(lines[k]);
            (!f.is_empty()).then_some((k + 1, f))
        })
        .ok_or_else(|| {
            FormatError::new(info + 1, 1, "expected crew, skill, tool and part counts")
        })?;
    let crew: usize = number(info_line, &f, 0, "the crew count")?;
    let skills: usize = number(info_line, &f, 1, "the skill count")?;
    let tools: usize = number(info_line, &f, 2, "the tool count")?;
    let part_types: usize = number(info_line, &f, 3, "the spare part count")?;
    if tools > 64 {
        return Err(FormatError::new(
            info_line,
            f[2].0,
            "expected at most 64 tools",
        ));
    }
    let table = lines
        .iter()
        .position(|l| l.trim().starts_with("DEPOT TECHNICIANS"))
        .ok_or_else(|| {
            FormatError::new(
                lines.len(),
                1,
                "expected a `DEPOT TECHNICIANS AND REQUESTS` section",
            )
        })?;
    let mut nodes = Vec::new();
    for (k, line) in lines.iter().enumerate().skip(table + 2) {
        let f = fields(line);
        if f.is_empty() {
            continue;
        }
        if f[0].1.starts_with("DISTANCES") {
            break;
        }
        let n = k + 1;
        if f.len() != 9 {
            return Err(FormatError::new(
                n,
                1,
                format!(
                    "expected 9 fields (id, x, y, tws, twe, service, skills, tools, parts), found {}",
                    f.len()
                ),
            ));
        }
        let node = Node {
            id: number(n, &f, 0, "a node id")?,
            x: number(n, &f, 1, "an x coordinate")?,
            y: number(n, &f, 2, "a y coordinate")?,
            ready: number(n, &f, 3, "a window start")?,
            due: number(n, &f, 4, "a window end")?,
            service: number(n, &f, 5, "a service time")?,
            skills: list(n, f[6], "skill numbers")?,
            tools: list(n, f[7], "tool numbers")?,
            parts: list(n, f[8], "part quantities")?,
        };
        if node.id != nodes.len() {
            return Err(FormatError::new(
                n,
                f[0].0,
                format!("expected node id {}", nodes.len()),
            ));
        }
        if node.skills.iter().any(|&s| s as usize >= skills) {
            return Err(FormatError::new(
                n,
                f[6].0,
                format!("expected skills below {skills}"),
            ));
        }
        if node.tools.iter().any(|&t| t as usize >= tools) {
            return Err(FormatError::new(
                n,
                f[7].0,
                format!("expected tools below {tools}"),
            ));
        }
        if node.id > 0 && node.parts.len() != part_types {
            return Err(FormatError::new(
                n,
                f[8].0,
                format!("expected {part_types} part quantities"),
            ));
        }
        if node.parts.iter().any(|&p| p < 0) || node.service < 0.0 || node.due < node.ready {
            return Err(FormatError::new(
                n,
                1,
                "expected non-negative quantities and service time, window end not before start",
            ));
        }
        nodes.push(node);
    }
    if nodes.len() < crew + 1 {
        return Err(FormatError::new(
            lines.len(),
            1,
            format!("expected the depot and {crew} technicians"),
        ));
    }
    let mut nodes = nodes.into_iter();
    let depot = nodes.next().expect("checked");
    let technicians: Vec<Node> = nodes.by_ref().take(crew).collect();
    Ok(Instance {
        name,
        skills,
        tools,
        part_types,
        depot,
        technicians,
        requests: nodes.collect(),
    })
}

fn mask(tools: &[u32]) -> u64 {
    tools.iter().fold(0, |m, &t| m | (1 << t))
}

impl Instance {
    fn node(&self, place: usize) -> &Node {
        let crew = self.technicians.len();
        match place {
            0 => &self.depot,
            p if p <= crew => &self.technicians[p - 1],
            p => &self.requests[p - 1 - crew],
        }
    }

    fn places(&self) -> usize {
        1 + self.technicians.len() + self.requests.len()
    }

    /// The engine model: places are node ids (0 the depot, then homes, then
    /// requests; request `r` is job `r`); technician `t` is vehicle `t`,
    /// carrying its parts (one stock dimension per part type) and tools.
    /// Each request is served from the van or after a restock at the depot.
    /// An unserved request costs one breach. The cost is the distance.
    pub fn model(&self) -> Result<Model, ModelError> {
        self.model_for(Objective::Distance)
    }

    /// As [`Instance::model`], costing what `objective` names.
    pub fn model_for(&self, objective: Objective) -> Result<Model, ModelError> {
        let places = self.places();
        let mut times = Vec::with_capacity(places * places);
        let mut costs = Vec::with_capacity(places * places);
        for a in 0..places {
            for b in 0..places {
                let (na, nb) = (self.node(a), self.node(b));
                let d = euclid((na.x, na.y), (nb.x, nb.y));
                times.push(ticks(d));
                costs.push(match objective {
                    Objective::Distance => d,
                    // Travel is paid time already.
                    Objective::WorkingTime => 0.0,
                });
            }
        }
        let crew = self.technicians.len();
        let jobs = self
            .requests
            .iter()
            .enumerate()
            .map(|(r, n)| Job {
                ready: ticks(n.ready),
                deadline: Some(Deadline {
                    at: ticks(n.due),
                    hard: true,
                }),
                demand: n.parts.clone(),
                tools: mask(&n.tools),
                skills: SkillSet::new(n.skills.clone()),
                supplies: vec![
                    Supply::Carried,
                    Supply::Pickup {
                        depot: 0,
                        handling: ticks(self.depot.service),
                        stock: None,
                        restock: true,
                    },
                ],
                ..Job::at(
                    1 + crew + r,
                    ticks(n.service),
                    Cost {
                        breaches: 1.0,
                        ..Cost::default()
                    },
                )
            })
            .collect();
        let vehicles = self
            .technicians
            .iter()
            .enumerate()
            .map(|(t, n)| Vehicle {
                end: Some(t + 1),
                end_by: Some(ticks(n.due)),
                carried: n.parts.clone(),
                tools: mask(&n.tools),
                skills: SkillSet::new(n.skills.clone()),
                ..Vehicle::at(t + 1, ticks(n.ready))
            })
            .collect();
        ModelSpec {
            jobs,
            vehicles,
            matrix: Matrix::with_costs(places, times, costs)?,
            shifts: Vec::new(),
            depot_stock: Vec::new(),
            dims: self.part_types,
            restock_level: vec![UNLIMITED; self.part_types],
        }
        .build()
        .map(|model| match objective {
            Objective::Distance => model,
            Objective::WorkingTime => model.with_pay(Pay {
                departure: DepartureDelay::ForwardSlack,
                ..Pay::flat(1.0 / TIME_SCALE)
            }),
        })
    }

    /// Solves the instance for `objective` within `options.time_limit`;
    /// returns the model solved and the outcome. For working time, the first
    /// [`DISTANCE_SHARE`] of the time searches on distance, whose search
    /// serves every request more reliably under tight windows, and the rest
    /// minimises working time from its routes (served requests come first in
    /// both, so none is lost). While requests stay unserved, up to
    /// [`EXTRA_DISTANCE_ROUNDS`] more such shares continue on distance.
    pub fn solve(
        &self,
        objective: Objective,
        options: &SearchOptions,
    ) -> Result<(Model, Outcome), ModelError> {
        let started = std::time::Instant::now();
        let distance = self.model_for(Objective::Distance)?;
        if objective == Objective::Distance {
            let outcome = crate::solve(&distance, options);
            return Ok((distance, outcome));
        }
        let first = SearchOptions {
            time_limit: options.time_limit.mul_f64(DISTANCE_SHARE),
            ..*options
        };
        let mut found = crate::solve(&distance, &first);
        // Served requests come first: while some stay unserved, search on.
        for round in 1..=EXTRA_DISTANCE_ROUNDS {
            if found.solution.unassigned().is_empty() {
                break;
            }
            let more = SearchOptions {
                seed: options.seed.wrapping_add(round),
                ..first
            };
            // A fresh start: the same search from its own optimum tends to stay there.
            let next = crate::solve(&distance, &more);
            found.iterations += next.iterations;
            if next.solution.cost.is_better(&found.solution.cost) {
                found.solution = next.solution;
            }
        }
        let model = self.model_for(Objective::WorkingTime)?;
        let mut initial = Solution::empty(&model);
        for route in &found.solution.routes {
            initial.set_route(&model, route.vehicle, &route.jobs());
        }
        initial.recompute_cost(&model);
        let rest = SearchOptions {
            time_limit: options.time_limit.saturating_sub(started.elapsed()),
            ..*options
        };
        let mut outcome = crate::solve_from(&model, initial, &rest);
        outcome.iterations += found.iterations;
        outcome.construction = found.construction;
        outcome.seconds = started.elapsed().as_secs_f64();
        Ok((model, outcome))
    }

    /// The routes of an engine solution of [`Instance::model`], one per
    /// technician, with the depot visits written out.
    pub fn routes_of(&self, solution: &Solution, model: &Model) -> Vec<Vec<Stop>> {
        solution
            .routes
            .iter()
            .map(|r| {
                let mut stops = Vec::new();
                for v in &r.visits {
                    if model.jobs[v.job].supplies[v.supply].is_restock() {
                        stops.push(Stop::Depot);
                    }
                    stops.push(Stop::Request(v.job));
                }
                stops
            })
            .collect()
    }

    /// Checks routes (one per technician) against the TRSP rules from the
    /// instance alone. Returns (requests served, distance, working time) or
    /// every violation. Working time is the authors' measure: each used
    /// route's duration with the departure from home delayed as far as the
    /// windows and waiting allow.
    pub fn check(&self, routes: &[Vec<Stop>]) -> Result<(usize, f64, f64), Vec<String>> {
        const TOLERANCE: f64 = 1e-6;
        let mut errors = Vec::new();
        if routes.len() != self.technicians.len() {
            errors.push(format!(
                "{} routes for {} technicians",
                routes.len(),
                self.technicians.len()
            ));
            return Err(errors);
        }
        let mut served = vec![0usize; self.requests.len()];
        let (mut distance, mut working) = (0.0, 0.0);
        for (t, route) in routes.iter().enumerate() {
            if route.is_empty() {
                continue;
            }
            let tech = &self.technicians[t];
            let mut parts = tech.parts.clone();
            let mut restocked = false;
            let mut at = (tech.x, tech.y);
            let start = tech.ready;
            let mut time = start;
            let (mut travel, mut services, mut waiting) = (0.0, 0.0, 0.0);
            let mut slack = f64::INFINITY;
            let mut visit = |node: &Node, time: &mut f64, errors: &mut Vec<String>, what: &str| {
                let leg = euclid(at, (node.x, node.y));
                distance += leg;
                travel += leg;
                *time += leg;
                if *time > node.due + TOLERANCE {
                    errors.push(format!(
                        "technician {}: {what} reached at {time:.4}, window ends {}",
                        t + 1,
                        node.due
                    ));
                }
                slack = slack.min(node.due - (start + travel + services));
                if *time < node.ready {
                    waiting += node.ready - *time;
                    *time = node.ready;
                }
                *time += node.service;
                services += node.service;
                at = (node.x, node.y);
            };
            for stop in route {
                match *stop {
                    Stop::Depot => {
                        visit(&self.depot, &mut time, &mut errors, "the depot");
                        restocked = true;
                    }
                    Stop::Request(r) => {
                        let Some(req) = self.requests.get(r) else {
                            errors.push(format!("technician {}: no request {r}", t + 1));
                            continue;
                        };
                        served[r] += 1;
                        visit(req, &mut time, &mut errors, &format!("request {}", req.id));
                        for s in &req.skills {
                            if !tech.skills.contains(s) {
                                errors.push(format!(
                                    "technician {}: lacks skill {s} of request {}",
                                    t + 1,
                                    req.id
                                ));
                            }
                        }
                        if !restocked {
                            for tool in &req.tools {
                                if !tech.tools.contains(tool) {
                                    errors.push(format!(
                                        "technician {}: lacks tool {tool} of request {}",
                                        t + 1,
                                        req.id
                                    ));
                                }
                            }
                            for (p, need) in req.parts.iter().enumerate() {
                                parts[p] -= need;
                                if parts[p] < 0 {
                                    errors.push(format!(
                                        "technician {}: out of part {p} at request {}",
                                        t + 1,
                                        req.id
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            let home = Node {
                service: 0.0,
                ..tech.clone()
            };
            visit(&home, &mut time, &mut errors, "home");
            working += time - (start + slack.min(waiting));
        }
        for (r, &n) in served.iter().enumerate() {
            if n > 1 {
                errors.push(format!("request {} served {n} times", self.requests[r].id));
            }
        }
        if errors.is_empty() {
            Ok((
                served.iter().filter(|&&n| n == 1).count(),
                distance,
                working,
            ))
        } else {
            Err(errors)
        }
    }
}
