//! The fallback bound: a facility-location MILP whose stock costs are
//! linear under-estimates of the true pooled costs, so its optimum (or its
//! LP relaxation) is a valid lower bound on any plan. Used when the
//! Lagrangian bound (`bound.rs`) meets a region too large to enumerate;
//! its open set is then one of the search's starting points.

use super::model::PlanModel;
use super::stock_model::fill_rate;
use crate::milp::{self, Backend, Column, Limits, Milp, MilpError, MilpStatus, Row};

/// Smallest demand ratio of the grid the under-estimates are computed on.
const GRID_START: f64 = 1e-4;
/// Growth factor between grid points.
const GRID_STEP: f64 = 1.08;

/// Least yearly cost of stocking one part at one depot for demand `rate`
/// whose every breach costs `breach_cost`: min over stock levels of holding
/// plus breach cost.
fn pool_cost(model: &PlanModel, depot: usize, part: usize, rate: f64, breach_cost: f64) -> f64 {
    let load = rate * model.lead_years[depot];
    let holding = model.holding[part];
    let mut best = rate * breach_cost;
    for stock in 1..=model.max_stock {
        let holding_cost = holding * f64::from(stock);
        if holding_cost >= best {
            break;
        }
        let fill = fill_rate(model.fill_model, stock, load);
        best = best.min(holding_cost + rate * breach_cost * (1.0 - fill));
    }
    best
}

/// A rate `rho` such that pooling any demand up to `max_rate` at this depot
/// costs at least `rho x demand` per year.
///
/// The pool cost G is non-decreasing in demand (more demand never needs less
/// stock or fewer breaches), so on a grid `r_0 < r_1 < ...`, G(r)/r >=
/// G(r_i)/r_(i+1) for r in [r_i, r_(i+1)]; below r_0 a pool either holds
/// nothing (cost r x breach cost) or at least one unit (cost >= holding).
/// The minimum of these bounds is valid without assuming G concave.
fn linear_under_estimate(
    model: &PlanModel,
    depot: usize,
    part: usize,
    max_rate: f64,
    breach_cost: f64,
) -> f64 {
    if max_rate <= 0.0 {
        return 0.0;
    }
    let first = max_rate * GRID_START;
    let mut rho = breach_cost.min(model.holding[part] / first);
    let mut rate = first;
    let mut cost = pool_cost(model, depot, part, rate, breach_cost);
    while rate < max_rate {
        let next = (rate * GRID_STEP).min(max_rate);
        rho = rho.min(cost / next);
        rate = next;
        cost = pool_cost(model, depot, part, rate, breach_cost);
    }
    rho.min(cost / max_rate)
}

/// The network relaxation and what its solve gave.
#[derive(Clone, Debug)]
pub struct NetworkBound {
    /// A valid lower bound on the yearly cost of any plan.
    pub lower_bound: f64,
    /// Open depots of the relaxation's optimum (a starting point for the search).
    pub open: Vec<bool>,
    pub status: MilpStatus,
}

/// Builds and solves the facility-location relaxation. Sites are served
/// by their fastest open depot in reach, so a site is only offered the
/// depots up to the first one that must stay open. `required[k]` is the
/// demand of tier k that must be met in time.
///
/// Variables: `y_d` open, `x_sd` share of site s served by depot d in
/// reach, `z_s` share unserved. Cost: fixed costs + sum of x_sd x demand x
/// under-estimated stock rate + z_s x demand x breach cost. A tier's
/// requirement needs at least that much demand served (fill rates are at
/// most 1).
pub fn relaxation_bound(
    model: &PlanModel,
    required: &[f64],
    backend: Backend,
    limits: Limits,
) -> Result<NetworkBound, MilpError> {
    let (milp, open_columns) = facility_location(model, required);
    let lp = milp::solve(&milp.relaxation(), backend, limits)?;
    // Only a proven LP optimum bounds; a tightened copy's answer does not.
    let mut lower_bound = if lp.status == MilpStatus::Optimal {
        lp.objective
    } else {
        f64::NEG_INFINITY
    };
    let mut open: Vec<bool> = model.forced_open.clone();
    let mut status = lp.status;
    match milp::solve(&milp, backend, limits) {
        Ok(solution) => {
            tracing::info!(
                "network LP {:.0}, MILP {:.0} ({:?})",
                lp.objective,
                solution.objective,
                solution.status
            );
            match solution.status {
                MilpStatus::Optimal => lower_bound = lower_bound.max(solution.objective),
                // Stopped within the relative gap: the solver's own bound is
                // at least objective x (1 - gap).
                MilpStatus::GapLimit => {
                    lower_bound = lower_bound.max(solution.objective * (1.0 - limits.gap))
                }
                MilpStatus::TimeLimit | MilpStatus::Feasible => {}
            }
            status = solution.status;
            for (depot, column) in &open_columns {
                open[*depot] = open[*depot] || solution.values[*column] > 0.5;
            }
        }
        Err(error) => {
            tracing::warn!("network MILP gave no solution ({error}); starting from the LP");
            for (depot, column) in &open_columns {
                open[*depot] = open[*depot] || lp.values[*column] > 0.5;
            }
        }
    }
    Ok(NetworkBound {
        lower_bound,
        open,
        status,
    })
}

fn facility_location(model: &PlanModel, required: &[f64]) -> (Milp, Vec<(usize, usize)>) {
    // Breaches no stock can avoid are in every plan.
    let mut milp = Milp {
        offset: model.floor_cost,
        ..Milp::default()
    };
    let mut open_column = vec![None; model.depot_count];
    let mut open_columns = Vec::new();
    for depot in &model.usable {
        let d = depot.index();
        let forced = model.forced_open[d];
        let column = milp.add_column(Column {
            lower: if forced { 1.0 } else { 0.0 },
            upper: 1.0,
            integer: true,
            cost: model.fixed_cost[d],
        });
        open_column[d] = Some(column);
        open_columns.push((d, column));
    }
    let rates = stock_rates(model);
    let mut tier_rows: Vec<Row> = required.iter().map(|r| Row::at_least(*r)).collect();
    for site in &model.sites {
        let total = site.total_demand();
        if total <= 0.0 {
            continue;
        }
        let mut choose_one = Row {
            terms: Vec::new(),
            lower: Some(1.0),
            upper: Some(1.0),
        };
        let items = 0..site.demand.len();
        let unserved = milp.add_column(Column {
            lower: 0.0,
            upper: 1.0,
            integer: false,
            cost: items.clone().map(|i| site.stock_cost(i)).sum(),
        });
        let met: f64 = items.map(|i| site.stock_met(i)).sum();
        choose_one.terms.push((unserved, 1.0));
        for reach in site.possible_servers(&model.forced_open) {
            let d = reach.depot.index();
            let Some(open) = open_column[d] else { continue };
            let cost: f64 = site
                .demand
                .iter()
                .map(|(part, rate)| rate * rates[d][part.index()][site.tier.index()])
                .sum();
            let served = milp.add_column(Column {
                lower: 0.0,
                upper: 1.0,
                integer: false,
                cost,
            });
            choose_one.terms.push((served, 1.0));
            tier_rows[site.tier.index()].terms.push((served, met));
            milp.add_row(Row {
                terms: vec![(served, 1.0), (open, -1.0)],
                lower: None,
                upper: Some(0.0),
            });
        }
        milp.add_row(choose_one);
    }
    for row in tier_rows {
        if row.lower.is_some_and(|r| r > 0.0) {
            milp.add_row(row);
        }
    }
    (milp, open_columns)
}

/// `rates[depot][part][tier]`: the linear under-estimate of the stock cost
/// per unit of demand, for demand pooled from every site the depot reaches.
fn stock_rates(model: &PlanModel) -> Vec<Vec<Vec<f64>>> {
    let tiers = model.tier_count();
    let mut reachable = vec![vec![0.0; model.part_count]; model.depot_count];
    for site in &model.sites {
        for reach in site.possible_servers(&model.forced_open) {
            for (part, rate) in &site.demand {
                reachable[reach.depot.index()][part.index()] += rate;
            }
        }
    }
    // The least cost a unit of fill avoids for any failure of the tier: a
    // pool priced at it costs no more than the real one, so the estimate
    // stays below.
    let mut breach_costs: Vec<f64> = (0..tiers)
        .map(|k| model.tier_penalties[k] + model.emergency_cost)
        .collect();
    for site in &model.sites {
        for (item, (_, rate)) in site.demand.iter().enumerate() {
            if *rate > 0.0 {
                let k = site.tier.index();
                breach_costs[k] = breach_costs[k].min(site.stock_cost(item) / rate);
            }
        }
    }
    (0..model.depot_count)
        .map(|d| {
            (0..model.part_count)
                .map(|p| {
                    breach_costs
                        .iter()
                        .map(|cost| linear_under_estimate(model, d, p, reachable[d][p], *cost))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// The limits of the relaxation solve: a share of the run's budget.
pub fn solve_limits(total: Limits, share: f64) -> Limits {
    Limits {
        time: total.time.mul_f64(share),
        // The bound is only as good as this solve: ask for a proof.
        gap: total.gap.min(1e-4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::FillModel;

    fn one_depot_model(holding: f64, lead_years: f64) -> PlanModel {
        PlanModel {
            sites: Vec::new(),
            usable: Vec::new(),
            forced_open: vec![true],
            tier_demand: vec![0.0],
            stock_demand: vec![0.0],
            floor_met: vec![0.0],
            floor_cost: 0.0,
            tier_targets: vec![0.9],
            tier_penalties: vec![1000.0],
            fixed_cost: vec![0.0],
            lead_years: vec![lead_years],
            holding: vec![holding],
            emergency_cost: 0.0,
            fill_model: FillModel::ErlangLoss,
            max_stock: 30,
            depot_count: 1,
            part_count: 1,
        }
    }

    #[test]
    fn the_linear_estimate_is_below_the_pool_cost_everywhere() {
        for (holding, lead) in [(100.0, 0.01), (2500.0, 0.05), (20.0, 0.2)] {
            let model = one_depot_model(holding, lead);
            let max_rate = 50.0;
            let rho = linear_under_estimate(&model, 0, 0, max_rate, 1000.0);
            for i in 1..=2000 {
                let rate = max_rate * f64::from(i) / 2000.0;
                let cost = pool_cost(&model, 0, 0, rate, 1000.0);
                assert!(
                    rho * rate <= cost + 1e-9,
                    "rate {rate}: {} > {cost}",
                    rho * rate
                );
            }
        }
    }
}
