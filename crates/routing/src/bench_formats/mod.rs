//! Readers of public routing benchmarks, separate from the product's
//! scenario format but building the same engine model, so the benchmarks
//! measure the engine the dispatcher runs (as vrp-scientific does for
//! vrp-core). Each format has a reader, a model builder and an independent
//! checker that recomputes everything from the instance, not the model.

pub mod solomon;
pub mod trsp;

/// A malformed benchmark file.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}, column {column}: {message}")]
pub struct FormatError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column of the offending field (1 for a whole line).
    pub column: usize,
    pub message: String,
}

impl FormatError {
    fn new(line: usize, column: usize, message: impl Into<String>) -> FormatError {
        FormatError {
            line,
            column,
            message: message.into(),
        }
    }
}

/// Engine time units per benchmark time unit. Benchmark times are real
/// numbers (Euclidean distances); the engine's are integers, so travel times
/// are scaled and rounded up: a route feasible in engine time is feasible in
/// real time, and the rounding (under 1e-6 per leg) is far below any
/// reported precision.
pub const TIME_SCALE: f64 = 1e6;

/// A benchmark time in engine units.
pub fn ticks(value: f64) -> i64 {
    (value * TIME_SCALE).ceil() as i64
}

/// The whitespace-separated fields of a line with their 1-based columns.
fn fields(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s + 1, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s + 1, &text[s..]));
    }
    out
}

/// Parses field `k` of a line as a number.
fn number<T: std::str::FromStr>(
    line: usize,
    fields: &[(usize, &str)],
    k: usize,
    what: &str,
) -> Result<T, FormatError> {
    let Some(&(column, text)) = fields.get(k) else {
        let column = fields.last().map_or(1, |(c, t)| c + t.len());
        return Err(FormatError::new(line, column, format!("expected {what}")));
    };
    text.parse()
        .map_err(|_| FormatError::new(line, column, format!("expected {what}, found `{text}`")))
}

/// Euclidean distance.
pub fn euclid(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}
