//! Estimates across independent runs with 95% confidence intervals.
//!
//! Attainment and fill rates are ratios of two random counts per run (met
//! over incidents), so they use the classical ratio estimator: the pooled
//! ratio sum(y)/sum(x), with the delta-method standard error
//! sqrt(sum (y_i - R x_i)^2 / (n (n - 1))) / mean(x). It estimates the
//! long-run share of incidents met, which is what the planner's expected
//! attainment promises, and stays defined when some runs have no incident.
//!
//! A share's interval is a Wilson score interval, not ratio +- half width:
//! the symmetric interval runs above 100% or below 0 near the edges (an
//! attainment of 99.9% over few incidents). Incidents of one run are not
//! independent (they share engineers and stock), so the Wilson interval is
//! taken at the effective sample size p(1-p)/se^2 the delta method implies,
//! never more than the number of trials; it then has the delta-method width
//! inside (0, 1) and stays within [0, 1] at the edges. Where every run has
//! the same share the trials themselves are the sample size.
//!
//! Counts and costs use the sample mean with Student's t interval, cut at
//! zero (a count is never negative).

use serde::Serialize;

/// A point estimate with its two-sided 95% confidence interval (`None`
/// with fewer than two runs).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Estimate {
    fn with_half_width(mean: f64, half: Option<f64>) -> Self {
        Estimate {
            mean,
            ci_low: half.map(|h| mean - h),
            ci_high: half.map(|h| mean + h),
        }
    }

    fn clamped(self, low: f64, high: f64) -> Self {
        Estimate {
            mean: self.mean,
            ci_low: self.ci_low.map(|v| v.clamp(low, high)),
            ci_high: self.ci_high.map(|v| v.clamp(low, high)),
        }
    }

    /// Whether `value` lies inside the interval (false without one).
    pub fn covers(&self, value: f64) -> bool {
        match (self.ci_low, self.ci_high) {
            (Some(low), Some(high)) => low <= value && value <= high,
            _ => false,
        }
    }
}

/// The sample mean of per-run values with its t interval; the interval of
/// values that are never negative (counts, costs) does not go below zero.
pub fn mean(values: &[f64]) -> Estimate {
    let estimate = unbounded_mean(values);
    if values.iter().all(|v| *v >= 0.0) {
        return estimate.clamped(0.0, f64::INFINITY);
    }
    estimate
}

/// The sample mean of per-run shares (each in [0, 1]), its t interval
/// clamped to [0, 1].
pub fn mean_share(values: &[f64]) -> Estimate {
    unbounded_mean(values).clamped(0.0, 1.0)
}

fn unbounded_mean(values: &[f64]) -> Estimate {
    let n = values.len();
    if n == 0 {
        return Estimate::with_half_width(0.0, None);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Estimate::with_half_width(mean, None);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_quantile_975(n as u64 - 1) * (variance / n as f64).sqrt();
    Estimate::with_half_width(mean, Some(half))
}

/// The share sum(numerators) / sum(denominators) over runs (each numerator
/// at most its denominator) with a Wilson score 95% interval at the
/// effective sample size of the delta method (see the module notes);
/// `None` when no run has a denominator.
pub fn share(numerators: &[f64], denominators: &[f64]) -> Option<Estimate> {
    let n = numerators.len().min(denominators.len());
    let trials: f64 = denominators[..n].iter().sum();
    if n == 0 || trials <= 0.0 {
        return None;
    }
    let share = (numerators[..n].iter().sum::<f64>() / trials).clamp(0.0, 1.0);
    if n < 2 {
        return Some(Estimate::with_half_width(share, None));
    }
    let mean_x = trials / n as f64;
    let residuals: f64 = numerators[..n]
        .iter()
        .zip(&denominators[..n])
        .map(|(y, x)| (y - share * x).powi(2))
        .sum();
    let standard_error = (residuals / (n as f64 * (n - 1) as f64)).sqrt() / mean_x;
    let variance = share * (1.0 - share);
    let effective = if standard_error > 0.0 && variance > 0.0 {
        (variance / (standard_error * standard_error)).min(trials)
    } else {
        trials
    };
    let (low, high) = wilson(share, effective, t_quantile_975(n as u64 - 1));
    Some(Estimate {
        mean: share,
        ci_low: Some(low),
        ci_high: Some(high),
    })
}

/// The Wilson score interval of a share `p` observed over `trials` trials
/// at critical value `z`: the shares whose score test at `z` accepts `p`.
/// It always lies within [0, 1].
pub fn wilson(p: f64, trials: f64, z: f64) -> (f64, f64) {
    let z2_n = z * z / trials;
    let scale = 1.0 + z2_n;
    let centre = (p + z2_n / 2.0) / scale;
    let half = z / scale * (p * (1.0 - p) / trials + z2_n / (4.0 * trials)).sqrt();
    // At p = 0 (p = 1) the lower (upper) end is exactly 0 (1); rounding
    // would leave it a hair inside.
    let low = if p <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (the
/// factor of a two-sided 95% interval).
///
/// Written by hand rather than pulling a statistics crate (and its linear
/// algebra dependencies) in for one number: for integer degrees of freedom
/// the distribution function has an exact finite form (Abramowitz and
/// Stegun 26.7.3-4), which bisection inverts to machine precision.
pub fn t_quantile_975(df: u64) -> f64 {
    let df = df.max(1);
    // P(|T| < t) = 0.95; the quantile lies between the normal one and 13.
    let (mut low, mut high) = (1.959_963_984_540_054_f64, 13.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if central_probability(mid, df) < 0.95 {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// P(|T| < t) for Student's t with `df` degrees of freedom (A&S 26.7.3-4).
fn central_probability(t: f64, df: u64) -> f64 {
    let theta = (t / (df as f64).sqrt()).atan();
    let (sin, cos) = theta.sin_cos();
    let cos2 = cos * cos;
    if df % 2 == 1 {
        // (2/pi) [theta + sin (cos + 2/3 cos^3 + (2.4)/(3.5) cos^5 + ...)], up to cos^(df-2).
        let mut sum = 0.0;
        if df > 1 {
            let mut term = cos;
            sum = term;
            for k in (3..=df - 2).step_by(2) {
                term *= cos2 * (k - 1) as f64 / k as f64;
                sum += term;
            }
        }
        2.0 / std::f64::consts::PI * (theta + sin * sum)
    } else {
        // sin [1 + 1/2 cos^2 + (1.3)/(2.4) cos^4 + ...], up to cos^(df-2).
        let mut term = 1.0;
        let mut sum = 1.0;
        let mut k = 2;
        while k < df {
            term *= cos2 * (k - 1) as f64 / k as f64;
            sum += term;
            k += 2;
        }
        sin * sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_published_table() {
        // Two-sided 95% critical values of Student's t, as printed in
        // standard tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
        let table = [
            (1, 12.706),
            (2, 4.303),
            (3, 3.182),
            (4, 2.776),
            (5, 2.571),
            (6, 2.447),
            (7, 2.365),
            (9, 2.262),
            (10, 2.228),
            (20, 2.086),
            (30, 2.042),
            (60, 2.000),
            (100, 1.984),
        ];
        for (df, printed) in table {
            let t = t_quantile_975(df);
            assert!((t - printed).abs() < 5e-4, "df {df}: {t} vs {printed}");
        }
        assert!((t_quantile_975(100_000) - 1.960).abs() < 1e-3);
    }

    #[test]
    fn wilson_matches_the_value_computed_by_hand() {
        // 8 of 10 at z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.716738,
        // half 1.96 / 1.38416 * sqrt(0.016 + 0.009604) = 0.226580.
        let (low, high) = wilson(0.8, 10.0, 1.96);
        assert!((low - 0.490_158).abs() < 1e-5, "{low}");
        assert!((high - 0.943_318).abs() < 1e-5, "{high}");
    }

    #[test]
    fn wilson_stays_inside_zero_and_one_at_the_edges() {
        // 0 of 10: [0, z^2 / (n + z^2)] = [0, 3.8416 / 13.8416].
        let (low, high) = wilson(0.0, 10.0, 1.96);
        assert_eq!(low, 0.0);
        assert!((high - 3.8416 / 13.8416).abs() < 1e-12, "{high}");
        let (low, high) = wilson(1.0, 10.0, 1.96);
        assert!((low - 10.0 / 13.8416).abs() < 1e-12, "{low}");
        assert_eq!(high, 1.0);
    }

    #[test]
    fn shares_near_the_edges_have_intervals_inside_zero_and_one() {
        // Ten runs of ten incidents, one breach in one run: the symmetric
        // delta-method interval was 0.99 +- 0.0226, above 100%.
        let mut met = vec![10.0; 10];
        met[3] = 9.0;
        let est = share(&met, &[10.0; 10]).unwrap();
        assert!((est.mean - 0.99).abs() < 1e-12);
        assert!(est.ci_high.unwrap() <= 1.0, "{est:?}");
        assert!(
            est.ci_low.unwrap() < 0.99 && est.ci_low.unwrap() > 0.9,
            "{est:?}"
        );
        // Every incident met: the interval is the Wilson one of 100 trials.
        let est = share(&[10.0; 10], &[10.0; 10]).unwrap();
        assert_eq!(est.ci_high, Some(1.0));
        let t = t_quantile_975(9);
        let expected_low = 100.0 / (100.0 + t * t);
        assert!(
            (est.ci_low.unwrap() - expected_low).abs() < 1e-12,
            "{est:?}"
        );
        // None met.
        let est = share(&[0.0; 10], &[10.0; 10]).unwrap();
        assert_eq!(est.ci_low, Some(0.0));
        assert!(est.ci_high.unwrap() > 0.0 && est.ci_high.unwrap() < 0.1);
        assert!(share(&[0.0], &[0.0]).is_none());
    }

    #[test]
    fn inside_the_edges_the_width_is_the_delta_method_one() {
        let met = [70.0, 90.0, 75.0, 88.0, 80.0, 82.0];
        let est = share(&met, &[100.0; 6]).unwrap();
        let p = est.mean;
        let residuals: f64 = met.iter().map(|y| (y - 100.0 * p).powi(2)).sum();
        let se = (residuals / 30.0).sqrt() / 100.0;
        let delta_half = t_quantile_975(5) * se;
        let wilson_half = (est.ci_high.unwrap() - est.ci_low.unwrap()) / 2.0;
        assert!(
            (wilson_half - delta_half).abs() < 0.1 * delta_half,
            "{wilson_half} vs {delta_half}"
        );
    }

    #[test]
    fn count_intervals_do_not_go_below_zero() {
        let est = mean(&[0.0, 0.0, 0.0, 1.0]);
        assert_eq!(est.ci_low, Some(0.0));
        assert!(est.ci_high.unwrap() > 0.25);
        let est = mean_share(&[0.99, 1.0, 1.0, 0.98]);
        assert!(est.ci_high.unwrap() <= 1.0);
    }

    #[test]
    fn mean_interval_by_hand() {
        // mean 2, sd 1, n 3: half width t(2) / sqrt(3) = 4.303 / 1.732.
        let est = mean(&[1.0, 2.0, 3.0]);
        assert!((est.mean - 2.0).abs() < 1e-12);
        let half = est.ci_high.unwrap() - 2.0;
        assert!((half - 4.302_652_7 / 3f64.sqrt()).abs() < 1e-6);
    }
}
