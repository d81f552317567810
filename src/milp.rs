//! A small solver-neutral MILP description and its translation to good_lp,
//! so the planner and the dispatch bound build each model once and the
//! backend is chosen at run time (`--solver microlp|highs`, whichever are
//! compiled in). Solver status, bound and gap are reported as the backend
//! gives them.

use good_lp::solvers::{SolutionStatus, WithMipGap, WithTimeLimit};
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, variable};
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// An LP/MILP backend compiled into this binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Pure-Rust microlp (default feature).
    #[cfg(feature = "microlp")]
    Microlp,
    /// HiGHS (feature `highs`).
    #[cfg(feature = "highs")]
    Highs,
}

impl Backend {
    /// Backends compiled in, the default first.
    pub fn available() -> Vec<Backend> {
        vec![
            #[cfg(feature = "microlp")]
            Backend::Microlp,
            #[cfg(feature = "highs")]
            Backend::Highs,
        ]
    }

    /// The default backend: microlp when compiled in, else HiGHS.
    pub fn default_backend() -> Backend {
        Backend::available()[0]
    }

    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "microlp")]
            Backend::Microlp => "microlp",
            #[cfg(feature = "highs")]
            Backend::Highs => "highs",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let names: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
        Backend::available()
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                let hint = if text.trim().eq_ignore_ascii_case("highs") {
                    " (rebuild with `--features highs` to use HiGHS)"
                } else {
                    ""
                };
                format!(
                    "solver `{text}` is not compiled into this binary; available: {}{hint}",
                    names.join(", ")
                )
            })
    }
}

/// A variable: bounds, integrality and objective coefficient.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub lower: f64,
    pub upper: f64,
    pub integer: bool,
    pub cost: f64,
}

/// A linear constraint `lower <= sum(coefficient x variable) <= upper`.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub terms: Vec<(usize, f64)>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// A minimisation problem.
#[derive(Clone, Debug, Default)]
pub struct Milp {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Constant added to the objective.
    pub offset: f64,
}

impl Milp {
    /// The first row `values` break by more than [`ROW_TOLERANCE`] of the
    /// row's largest coefficient.
    fn violated_row(&self, values: &[f64]) -> Option<usize> {
        self.rows.iter().position(|row| {
            let activity: f64 = row.terms.iter().map(|(c, a)| a * values[*c]).sum();
            let largest = row.terms.iter().map(|(_, a)| a.abs()).fold(1e-12, f64::max);
            let slack = ROW_TOLERANCE * largest;
            row.lower.is_some_and(|l| activity < l - slack)
                || row.upper.is_some_and(|u| activity > u + slack)
        })
    }
}

impl Row {
    /// An empty row `sum >= lower`, to be filled with terms.
    pub fn at_least(lower: f64) -> Row {
        Row {
            terms: Vec::new(),
            lower: Some(lower),
            upper: None,
        }
    }
}

impl Milp {
    pub fn add_column(&mut self, column: Column) -> usize {
        self.columns.push(column);
        self.columns.len() - 1
    }

    pub fn add_row(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// The same problem with integrality dropped: its optimum is a lower bound.
    pub fn relaxation(&self) -> Milp {
        let mut relaxed = self.clone();
        for column in &mut relaxed.columns {
            column.integer = false;
        }
        relaxed
    }

    /// Objective value of a vector of values.
    pub fn objective(&self, values: &[f64]) -> f64 {
        self.offset
            + self
                .columns
                .iter()
                .zip(values)
                .map(|(c, v)| c.cost * v)
                .sum::<f64>()
    }
}

/// How a solve ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MilpStatus {
    /// Proven optimal (within the solver's tolerances).
    Optimal,
    /// Stopped within the requested relative gap.
    GapLimit,
    /// Stopped by the time limit with a feasible solution.
    TimeLimit,
    /// Feasible, optimality not proven: the backends failed on the model as
    /// built and answered only a tightened copy of it (see [`solve`]).
    Feasible,
}

/// A solution of a [`Milp`].
#[derive(Clone, Debug, PartialEq)]
pub struct MilpSolution {
    pub values: Vec<f64>,
    pub objective: f64,
    pub status: MilpStatus,
    /// How the solution was reached when the first attempt failed (which
    /// attempts failed and why, and which answered); `None` when it did not.
    pub recovery: Option<String>,
}

/// Why a solve gave no solution.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MilpError {
    #[error("the model is infeasible")]
    Infeasible,
    #[error("the model is unbounded")]
    Unbounded,
    #[error("{solver} stopped without a solution: {message}")]
    Solver {
        solver: &'static str,
        message: String,
    },
}

impl MilpError {
    /// What went wrong, without the solver's name (for lists of attempts
    /// that name it already).
    fn cause(&self) -> String {
        match self {
            MilpError::Solver { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

/// Limits of one solve.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub time: Duration,
    pub gap: f64,
}

/// Solves `milp` with `backend`.
///
/// A solver hiccup (a numerical failure such as microlp's "Singular matrix")
/// does not end the solve: the other attempts (see `attempts`) follow in turn, and
/// the first that answers gives the solution, with [`MilpSolution::recovery`]
/// saying what failed. An infeasibility or unboundedness claim on the model
/// as built is believed (HiGHS's only once confirmed without presolve); only
/// when every attempt fails is the error returned, naming each attempt.
pub fn solve(milp: &Milp, backend: Backend, limits: Limits) -> Result<MilpSolution, MilpError> {
    // HiGHS refuses a model without constraints ("ModelEmpty"); such a model
    // is solved by putting every variable at its cheaper bound.
    if milp.rows.iter().all(|row| row.terms.is_empty()) {
        return solve_unconstrained(milp);
    }
    let mut failures: Vec<String> = Vec::new();
    // The attempts share the one limit: each gets what the earlier ones left.
    let deadline = Instant::now() + limits.time;
    for attempt in attempts(backend) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() && !failures.is_empty() {
            failures.push(format!(
                "no time left for {}",
                attempt.describe(None).replace(" on the model as built", "")
            ));
            break;
        }
        let copy = reformulate(milp, attempt.form);
        let model = copy.as_ref().map_or(milp, |c| &c.milp);
        let limits = Limits {
            time: left,
            ..limits
        };
        let outcome = solve_confirmed(model, attempt.backend, limits, deadline, attempt.presolve)
            .and_then(|solution| accept(milp, attempt.form, copy.as_ref(), solution));
        match outcome {
            Ok(mut solution) => {
                if !failures.is_empty() {
                    solution.recovery = Some(format!(
                        "{}; solved by {}",
                        failures.join("; "),
                        attempt.describe(copy.as_ref())
                    ));
                }
                return Ok(solution);
            }
            // A claim about the model as built, before any hiccup, is final.
            Err(error @ (MilpError::Infeasible | MilpError::Unbounded)) if failures.is_empty() => {
                return Err(error);
            }
            Err(error) => failures.push(format!(
                "{} failed ({})",
                attempt.describe(copy.as_ref()),
                error.cause()
            )),
        }
    }
    Err(MilpError::Solver {
        solver: backend.name(),
        message: format!("every attempt failed: {}", failures.join("; ")),
    })
}

/// A reformulation's solution as a solution of the model as built: its
/// objective recomputed there, and its status honest about what the copy
/// proves. A loosened copy's solution must satisfy every row of the model
/// within [`ROW_TOLERANCE`].
fn accept(
    milp: &Milp,
    form: Form,
    copy: Option<&Reformulated>,
    mut solution: MilpSolution,
) -> Result<MilpSolution, MilpError> {
    solution.objective = milp.objective(&solution.values);
    let changed = copy.is_some_and(|c| c.dropped_terms > 0);
    match form {
        Form::AsBuilt | Form::Scaled => {}
        // Optimal over a subset of the feasible set: feasible, not proven best.
        Form::Tightened if changed => solution.status = MilpStatus::Feasible,
        Form::Tightened => {}
        Form::Loosened if changed => {
            if let Some(row) = milp.violated_row(&solution.values) {
                return Err(MilpError::Solver {
                    solver: "check",
                    message: format!("its solution breaks row {row} of the model as built"),
                });
            }
            solution.status = MilpStatus::Feasible;
        }
        Form::Loosened => {}
    }
    Ok(solution)
}

/// Which copy of the model an attempt solves (see [`reformulate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    AsBuilt,
    /// Rows scaled to a largest coefficient of 1: the same feasible set.
    Scaled,
    /// Scaled, and negligible terms dropped where that tightens the row.
    Tightened,
    /// Scaled, and negligible terms dropped with the row loosened by their
    /// most; the answer is kept only if it satisfies the model as built.
    Loosened,
}

/// One way of solving a model.
#[derive(Clone, Copy, Debug)]
struct Attempt {
    backend: Backend,
    form: Form,
    presolve: bool,
}

impl Attempt {
    fn describe(&self, copy: Option<&Reformulated>) -> String {
        let dropped = copy.map_or(0, |c| c.dropped_terms);
        let form = match self.form {
            Form::AsBuilt => "the model as built".to_string(),
            Form::Scaled => "the rescaled model".to_string(),
            Form::Tightened => {
                format!("the rescaled model without {dropped} negligible term(s)")
            }
            Form::Loosened => format!(
                "the rescaled model without {dropped} negligible term(s), rows loosened by them"
            ),
        };
        let presolve = if self.presolve {
            ""
        } else {
            " without presolve"
        };
        format!("{} on {form}{presolve}", self.backend)
    }
}

/// The fallback chain: the chosen backend on the model as built, then on
/// better-conditioned reformulations, then (HiGHS) without presolve, then
/// every other backend compiled in.
fn attempts(backend: Backend) -> Vec<Attempt> {
    let mut chain = Vec::new();
    let mut add_backend = |backend: Backend| {
        for form in [Form::AsBuilt, Form::Scaled, Form::Tightened, Form::Loosened] {
            chain.push(Attempt {
                backend,
                form,
                presolve: true,
            });
        }
        #[cfg(feature = "highs")]
        if backend == Backend::Highs {
            chain.push(Attempt {
                backend,
                form: Form::Scaled,
                presolve: false,
            });
        }
    };
    add_backend(backend);
    for other in Backend::available() {
        if other != backend {
            add_backend(other);
        }
    }
    chain
}

/// Solves once, confirming HiGHS's infeasibility claims.
fn solve_confirmed(
    milp: &Milp,
    backend: Backend,
    limits: Limits,
    deadline: Instant,
    presolve: bool,
) -> Result<MilpSolution, MilpError> {
    #[cfg(not(feature = "highs"))]
    let _ = deadline;
    match solve_once(milp, backend, limits, presolve) {
        // HiGHS's MIP presolve has reported feasible models infeasible (its
        // log: "solution ... has untransformed violations"; seen on small
        // assignment models in tests/dispatch_bound.rs). An infeasibility
        // claim is only believed once confirmed without presolve.
        #[cfg(feature = "highs")]
        Err(MilpError::Infeasible) if backend == Backend::Highs && presolve => {
            let left = deadline.saturating_duration_since(Instant::now());
            solve_once(
                milp,
                backend,
                Limits {
                    time: left,
                    ..limits
                },
                false,
            )
        }
        result => result,
    }
}

/// Relative size below which a row's term is negligible to [`reformulate`].
const NEGLIGIBLE_TERM: f64 = 1e-7;

/// How far a loosened copy's solution may miss a row of the model as built,
/// relative to the row's largest coefficient (the planner's own checks
/// allow 1e-6 on a tier's met demand).
const ROW_TOLERANCE: f64 = 1e-7;

/// A reformulated copy of a model, and how many terms it lost.
#[derive(Clone, Debug)]
struct Reformulated {
    milp: Milp,
    dropped_terms: usize,
}

/// The copy an attempt solves (`None`: the model as built).
///
/// Every form scales each row so its largest coefficient is 1, which leaves
/// the feasible set as it is. Terms of 1e-10 beside terms of 1 (an increment
/// of stock that adds almost no fill) are what make simplex bases singular,
/// so the tightened and loosened forms also drop the terms below
/// [`NEGLIGIBLE_TERM`] of the largest where the direction is clear: a
/// positive term of a `>=` row or a negative one of a `<=` row, on a
/// variable that cannot go below 0. Tightened, every solution of the copy
/// solves the model; loosened, the row's bound moves by the most the dropped
/// terms could add, so the copy has every solution of the model and perhaps a
/// few more, which [`accept`] turns away.
fn reformulate(milp: &Milp, form: Form) -> Option<Reformulated> {
    if form == Form::AsBuilt {
        return None;
    }
    let mut copy = milp.clone();
    let mut dropped_terms = 0;
    for row in &mut copy.rows {
        let largest = row.terms.iter().map(|(_, a)| a.abs()).fold(0.0, f64::max);
        if largest <= 0.0 || !largest.is_finite() {
            continue;
        }
        for (_, a) in &mut row.terms {
            *a /= largest;
        }
        row.lower = row.lower.map(|l| l / largest);
        row.upper = row.upper.map(|u| u / largest);
        if form == Form::Scaled {
            continue;
        }
        let (lower_only, upper_only) = (row.upper.is_none(), row.lower.is_none());
        let mut most_dropped = 0.0;
        let before = row.terms.len();
        row.terms.retain(|&(column, a)| {
            let column = milp.columns[column];
            let clear = column.lower >= 0.0
                && column.upper.is_finite()
                && ((lower_only && a > 0.0) || (upper_only && a < 0.0));
            let drop = clear && a.abs() < NEGLIGIBLE_TERM;
            if drop {
                most_dropped += a.abs() * column.upper;
            }
            !drop
        });
        dropped_terms += before - row.terms.len();
        if form == Form::Loosened {
            row.lower = row.lower.map(|l| l - most_dropped);
            row.upper = row.upper.map(|u| u + most_dropped);
        }
    }
    Some(Reformulated {
        milp: copy,
        dropped_terms,
    })
}

/// One solve; `presolve` is only honoured by HiGHS.
fn solve_once(
    milp: &Milp,
    backend: Backend,
    limits: Limits,
    presolve: bool,
) -> Result<MilpSolution, MilpError> {
    // microlp asserts on numerical trouble (seen: "dual_edge_sq_norms[r]
    // .is_finite()" on small stock models); a panicking backend is one more
    // failed attempt of the chain, not the end of the run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        solve_unguarded(milp, backend, limits, presolve)
    }))
    .unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|m| m.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(MilpError::Solver {
            solver: backend.name(),
            message: format!("the solver panicked: {message}"),
        })
    })
}

fn solve_unguarded(
    milp: &Milp,
    backend: Backend,
    limits: Limits,
    presolve: bool,
) -> Result<MilpSolution, MilpError> {
    let mut variables = ProblemVariables::new();
    let vars: Vec<Variable> = milp
        .columns
        .iter()
        .map(|c| {
            let definition = variable().min(c.lower).max(c.upper);
            variables.add(if c.integer {
                definition.integer()
            } else {
                definition
            })
        })
        .collect();
    let mut objective = Expression::with_capacity(vars.len());
    for (column, var) in milp.columns.iter().zip(&vars) {
        if column.cost != 0.0 {
            objective.add_mul(column.cost, *var);
        }
    }
    let seconds = limits.time.as_secs_f64().max(0.001);
    let gap = limits.gap.max(0.0) as f32;
    let unsolved = variables.minimise(objective);
    let values = match backend {
        #[cfg(feature = "microlp")]
        Backend::Microlp => run(
            {
                let _ = presolve;
                unsolved.using(good_lp::microlp)
            },
            milp,
            &vars,
            seconds,
            gap,
            "microlp",
        ),
        #[cfg(feature = "highs")]
        Backend::Highs => run(
            if presolve {
                unsolved.using(good_lp::highs)
            } else {
                unsolved
                    .using(good_lp::highs)
                    .set_presolve(good_lp::solvers::highs::HighsPresolveType::Off)
            },
            milp,
            &vars,
            seconds,
            gap,
            "highs",
        ),
    }?;
    let objective = milp.objective(&values.0);
    Ok(MilpSolution {
        values: values.0,
        objective,
        status: values.1,
        recovery: None,
    })
}

fn solve_unconstrained(milp: &Milp) -> Result<MilpSolution, MilpError> {
    for row in &milp.rows {
        if row.lower.is_some_and(|l| l > 1e-9) || row.upper.is_some_and(|u| u < -1e-9) {
            return Err(MilpError::Infeasible);
        }
    }
    let mut values = Vec::with_capacity(milp.columns.len());
    for column in &milp.columns {
        let value = if column.cost >= 0.0 {
            column.lower
        } else {
            column.upper
        };
        if !value.is_finite() {
            return Err(MilpError::Unbounded);
        }
        values.push(value);
    }
    Ok(MilpSolution {
        objective: milp.objective(&values),
        values,
        status: MilpStatus::Optimal,
        recovery: None,
    })
}

fn run<S>(
    model: S,
    milp: &Milp,
    vars: &[Variable],
    seconds: f64,
    gap: f32,
    solver: &'static str,
) -> Result<(Vec<f64>, MilpStatus), MilpError>
where
    S: SolverModel<Error = good_lp::ResolutionError> + WithTimeLimit + WithMipGap,
{
    let mut model = model
        .with_time_limit(seconds)
        .with_mip_gap(gap)
        .map_err(|e| MilpError::Solver {
            solver,
            message: e.to_string(),
        })?;
    for row in &milp.rows {
        let mut expression = Expression::with_capacity(row.terms.len());
        for (index, coefficient) in &row.terms {
            expression.add_mul(*coefficient, vars[*index]);
        }
        match (row.lower, row.upper) {
            (Some(lower), Some(upper)) if lower == upper => {
                model.add_constraint(expression.eq(lower));
            }
            (lower, upper) => {
                if let Some(lower) = lower {
                    model.add_constraint(expression.clone().geq(lower));
                }
                if let Some(upper) = upper {
                    model.add_constraint(expression.leq(upper));
                }
            }
        }
    }
    let solution = model.solve().map_err(|error| match error {
        good_lp::ResolutionError::Infeasible => MilpError::Infeasible,
        good_lp::ResolutionError::Unbounded => MilpError::Unbounded,
        other => MilpError::Solver {
            solver,
            message: other.to_string(),
        },
    })?;
    let status = match solution.status() {
        SolutionStatus::Optimal => MilpStatus::Optimal,
        SolutionStatus::GapLimit => MilpStatus::GapLimit,
        SolutionStatus::TimeLimit => MilpStatus::TimeLimit,
    };
    let values = vars.iter().map(|v| solution.value(*v)).collect();
    Ok((values, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            time: Duration::from_secs(10),
            gap: 0.0,
        }
    }

    /// A model of binary columns with these costs and one row.
    fn binaries(costs: &[f64], row: Row) -> Milp {
        let mut milp = Milp::default();
        for &cost in costs {
            milp.add_column(Column {
                lower: 0.0,
                upper: 1.0,
                integer: true,
                cost,
            });
        }
        milp.add_row(row);
        milp
    }

    #[test]
    fn a_small_knapsack_on_every_backend() {
        // max 5a + 4b + 3c s.t. 2a + 3b + c <= 5, binary: a + c with value 8.
        let milp = binaries(
            &[-5.0, -4.0, -3.0],
            Row {
                terms: vec![(0, 2.0), (1, 3.0), (2, 1.0)],
                lower: None,
                upper: Some(5.0),
            },
        );
        for backend in Backend::available() {
            let solution = solve(&milp, backend, limits()).unwrap();
            assert!(
                (solution.objective + 9.0).abs() < 1e-6,
                "{backend}: {}",
                solution.objective
            );
            let relaxed = solve(&milp.relaxation(), backend, limits()).unwrap();
            assert!(relaxed.objective <= solution.objective + 1e-9);
        }
    }

    /// min x0 + 1000 x1 s.t. x0 + 1e-9 x1 >= 0.5, binaries: the tiny term
    /// is what singular bases are made of.
    fn tiny_term_model(lower: f64) -> Milp {
        binaries(
            &[1.0, 1000.0],
            Row {
                terms: vec![(0, 2.0), (1, 2e-9)],
                lower: Some(lower),
                upper: None,
            },
        )
    }

    #[test]
    fn reformulations_scale_rows_and_drop_only_in_the_safe_direction() {
        let milp = tiny_term_model(1.0);
        let scaled = reformulate(&milp, Form::Scaled).unwrap();
        assert_eq!(scaled.dropped_terms, 0);
        assert_eq!(scaled.milp.rows[0].terms, vec![(0, 1.0), (1, 1e-9)]);
        assert_eq!(scaled.milp.rows[0].lower, Some(0.5));
        let tightened = reformulate(&milp, Form::Tightened).unwrap();
        assert_eq!(tightened.dropped_terms, 1);
        assert_eq!(tightened.milp.rows[0].terms, vec![(0, 1.0)]);
        assert_eq!(tightened.milp.rows[0].lower, Some(0.5));
        let loosened = reformulate(&milp, Form::Loosened).unwrap();
        assert_eq!(loosened.milp.rows[0].lower, Some(0.5 - 1e-9));
        assert!(reformulate(&milp, Form::AsBuilt).is_none());
        // A term in the unsafe direction (negative in a `>=` row) stays.
        let mut negative = milp.clone();
        negative.rows[0].terms[1].1 = -2e-9;
        assert_eq!(
            reformulate(&negative, Form::Tightened)
                .unwrap()
                .dropped_terms,
            0
        );
    }

    #[test]
    fn a_tightened_answer_is_feasible_not_optimal_and_a_loose_one_is_checked() {
        let milp = tiny_term_model(1.0);
        let copy = reformulate(&milp, Form::Tightened).unwrap();
        let answer = MilpSolution {
            values: vec![1.0, 0.0],
            objective: 0.0,
            status: MilpStatus::Optimal,
            recovery: None,
        };
        let accepted = accept(&milp, Form::Tightened, Some(&copy), answer.clone()).unwrap();
        assert_eq!(accepted.status, MilpStatus::Feasible);
        assert_eq!(accepted.objective, 1.0);
        // x = (0, 1) meets the loosened row 0 >= 0.5 - 1e-9 only if the
        // model as built is loose; here it breaks x0 + 1e-9 x1 >= 0.5.
        let loose = reformulate(&milp, Form::Loosened).unwrap();
        let breaking = MilpSolution {
            values: vec![0.0, 1.0],
            ..answer.clone()
        };
        assert!(accept(&milp, Form::Loosened, Some(&loose), breaking).is_err());
        let fine = accept(&milp, Form::Loosened, Some(&loose), answer).unwrap();
        assert_eq!(fine.status, MilpStatus::Feasible);
    }

    #[test]
    fn infeasibility_of_the_model_as_built_is_final_on_every_backend() {
        // 2 x0 + 2e-9 x1 >= 5 with binaries cannot hold.
        let milp = tiny_term_model(5.0);
        for backend in Backend::available() {
            assert_eq!(
                solve(&milp, backend, limits()).unwrap_err(),
                MilpError::Infeasible,
                "{backend}"
            );
        }
    }

    #[test]
    fn the_chain_tries_every_form_then_every_other_backend() {
        for backend in Backend::available() {
            let chain = attempts(backend);
            assert_eq!(chain[0].backend, backend);
            assert_eq!(chain[0].form, Form::AsBuilt);
            for form in [Form::Scaled, Form::Tightened, Form::Loosened] {
                assert!(chain.iter().any(|a| a.backend == backend && a.form == form));
            }
            for other in Backend::available() {
                assert!(chain.iter().any(|a| a.backend == other));
            }
        }
    }

    #[test]
    fn unknown_backends_are_named() {
        assert!(
            "cplex"
                .parse::<Backend>()
                .unwrap_err()
                .contains("available")
        );
    }
}
