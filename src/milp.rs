//! A small solver-neutral MILP description and its translation to good_lp,
//! so the planner and the dispatch bound build each model once and the
//! backend is chosen at run time (`--solver microlp|highs`, whichever are
//! compiled in). Solver status, bound and gap are reported as the backend
//! gives them.

use good_lp::solvers::{SolutionStatus, WithMipGap, WithTimeLimit};
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, variable};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

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
}

/// A solution of a [`Milp`].
#[derive(Clone, Debug)]
pub struct MilpSolution {
    pub values: Vec<f64>,
    pub objective: f64,
    pub status: MilpStatus,
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

/// Limits of one solve.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub time: Duration,
    pub gap: f64,
}

/// Solves `milp` with `backend`.
pub fn solve(milp: &Milp, backend: Backend, limits: Limits) -> Result<MilpSolution, MilpError> {
    // HiGHS refuses a model without constraints ("ModelEmpty"); such a model
    // is solved by putting every variable at its cheaper bound.
    if milp.rows.iter().all(|row| row.terms.is_empty()) {
        return solve_unconstrained(milp);
    }
    match solve_once(milp, backend, limits, true) {
        // HiGHS's MIP presolve has reported feasible models infeasible (its
        // log: "solution ... has untransformed violations"; seen on small
        // assignment models in tests/dispatch_bound.rs). An infeasibility
        // claim is only believed once confirmed without presolve.
        #[cfg(feature = "highs")]
        Err(MilpError::Infeasible) if backend == Backend::Highs => {
            solve_once(milp, backend, limits, false)
        }
        result => result,
    }
}

/// One solve; `presolve` is only honoured by HiGHS.
fn solve_once(
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

    #[test]
    fn a_small_knapsack_on_every_backend() {
        // max 5a + 4b + 3c s.t. 2a + 3b + c <= 5, binary: a + c with value 8.
        let mut milp = Milp::default();
        for cost in [-5.0, -4.0, -3.0] {
            milp.add_column(Column {
                lower: 0.0,
                upper: 1.0,
                integer: true,
                cost,
            });
        }
        milp.add_row(Row {
            terms: vec![(0, 2.0), (1, 3.0), (2, 1.0)],
            lower: None,
            upper: Some(5.0),
        });
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
