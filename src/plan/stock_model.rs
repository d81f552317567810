//! Stock models of one depot and one part: Poisson demand, one-for-one
//! replenishment after a fixed lead time.
//!
//! With base stock `S` and offered load `a = demand rate x lead time`, the
//! number of units in resupply is Poisson(a) when demand is backordered
//! (METRIC) and truncated Poisson when demand that finds no stock is lost to
//! an emergency shipment (Erlang loss, M/G/S/S). The fill rate is the share
//! of demand met from stock.

use crate::scenario::FillModel;

/// Erlang's loss formula B(S, a): the share of demand that finds all `S`
/// units out, by the stable recurrence B(0) = 1, B(n) = a B(n-1) / (n + a B(n-1)).
pub fn erlang_b(stock: u32, load: f64) -> f64 {
    let mut blocking = 1.0;
    for n in 1..=stock {
        blocking = load * blocking / (f64::from(n) + load * blocking);
    }
    blocking
}

/// Poisson probability of `x` with mean `mean`, computed in log space so
/// large means do not underflow.
pub fn poisson_pmf(x: u32, mean: f64) -> f64 {
    if mean <= 0.0 {
        return if x == 0 { 1.0 } else { 0.0 };
    }
    let log_factorial: f64 = (1..=x).map(|i| f64::from(i).ln()).sum();
    (f64::from(x) * mean.ln() - mean - log_factorial).exp()
}

/// Poisson cumulative probability P(X <= x).
pub fn poisson_cdf(x: u32, mean: f64) -> f64 {
    (0..=x).map(|k| poisson_pmf(k, mean)).sum::<f64>().min(1.0)
}

/// Expected backorders E[(X - S)+] for X ~ Poisson(mean), through
/// E[X - S] + E[(S - X)+] so only the finite lower tail is summed.
pub fn expected_backorders(stock: u32, mean: f64) -> f64 {
    let shortfall: f64 = (0..=stock)
        .map(|x| f64::from(stock - x) * poisson_pmf(x, mean))
        .sum();
    (mean - f64::from(stock) + shortfall).max(0.0)
}

/// Share of demand met from stock at base stock `stock` and offered load
/// `load` (demand rate x replenishment lead time).
pub fn fill_rate(model: FillModel, stock: u32, load: f64) -> f64 {
    if stock == 0 {
        return 0.0;
    }
    if load <= 0.0 {
        return 1.0;
    }
    match model {
        FillModel::ErlangLoss => 1.0 - erlang_b(stock, load),
        // Backorders: a demand is filled at once if fewer than S units are in resupply.
        FillModel::Metric => poisson_cdf(stock - 1, load),
    }
}

/// Fill rates for stock 0..=max_stock, stopping early once the fill rate is
/// within `1e-9` of 1 (more stock cannot change any decision).
pub fn fill_curve(model: FillModel, load: f64, max_stock: u32) -> Vec<f64> {
    let mut curve = vec![0.0];
    for stock in 1..=max_stock {
        let fill = fill_rate(model, stock, load);
        curve.push(fill);
        if fill >= 1.0 - 1e-9 {
            break;
        }
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_small_cases_by_hand() {
        // B(1, a) = a / (1 + a); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2.
        assert!((erlang_b(1, 3.0) - 0.75).abs() < 1e-15);
        assert!((fill_rate(FillModel::ErlangLoss, 2, 1.0) - 0.8).abs() < 1e-15);
        assert_eq!(fill_rate(FillModel::ErlangLoss, 0, 1.0), 0.0);
    }

    #[test]
    fn metric_fill_is_the_poisson_cdf_below_stock() {
        // P(X <= 0) for mean 1 is e^-1.
        let fill = fill_rate(FillModel::Metric, 1, 1.0);
        assert!((fill - (-1.0f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn erlang_fill_is_concave_in_stock() {
        for load in [0.01, 0.3, 1.0, 4.0, 25.0] {
            let curve: Vec<f64> = (0..40)
                .map(|s| fill_rate(FillModel::ErlangLoss, s, load))
                .collect();
            for w in curve.windows(3) {
                assert!(w[1] - w[0] >= w[2] - w[1] - 1e-12, "load {load}: {w:?}");
            }
        }
    }
}
