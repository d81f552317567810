//! Estimates across independent runs with 95% confidence intervals.
//!
//! Attainment and fill rates are ratios of two random counts per run (met
//! over incidents), so they use the classical ratio estimator: the pooled
//! ratio sum(y)/sum(x), with the delta-method standard error
//! sqrt(sum (y_i - R x_i)^2 / (n (n - 1))) / mean(x). It estimates the
//! long-run share of incidents met, which is what the planner's expected
//! attainment promises, and stays defined when some runs have no incident.
//! Counts and costs use the sample mean with Student's t interval.

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

    /// Whether `value` lies inside the interval (false without one).
    pub fn covers(&self, value: f64) -> bool {
        match (self.ci_low, self.ci_high) {
            (Some(low), Some(high)) => low <= value && value <= high,
            _ => false,
        }
    }
}

/// The sample mean of per-run values with its t interval.
pub fn mean(values: &[f64]) -> Estimate {
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

/// The ratio estimate sum(numerators) / sum(denominators) over runs with
/// its delta-method t interval; `None` when no run has a denominator.
pub fn ratio(numerators: &[f64], denominators: &[f64]) -> Option<Estimate> {
    let n = numerators.len().min(denominators.len());
    let total: f64 = denominators[..n].iter().sum();
    if n == 0 || total <= 0.0 {
        return None;
    }
    let ratio = numerators[..n].iter().sum::<f64>() / total;
    if n < 2 {
        return Some(Estimate::with_half_width(ratio, None));
    }
    let mean_x = total / n as f64;
    let residuals: f64 = numerators[..n]
        .iter()
        .zip(&denominators[..n])
        .map(|(y, x)| (y - ratio * x).powi(2))
        .sum();
    let standard_error = (residuals / (n as f64 * (n - 1) as f64)).sqrt() / mean_x;
    let half = t_quantile_975(n as u64 - 1) * standard_error;
    Some(Estimate::with_half_width(ratio, Some(half)))
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
    fn ratio_of_constant_runs_has_zero_width() {
        let est = ratio(&[9.0, 18.0, 27.0], &[10.0, 20.0, 30.0]).unwrap();
        assert!((est.mean - 0.9).abs() < 1e-12);
        assert!((est.ci_high.unwrap() - est.ci_low.unwrap()).abs() < 1e-12);
        assert!(ratio(&[0.0], &[0.0]).is_none());
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
