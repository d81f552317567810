//! How numbers and lists are written into the CSV files, as `serialize_with`
//! helpers: the files keep a fixed number of decimals (or none), which
//! serde's default float output would not. Reading needs no helper: every
//! form written here parses as an ordinary number.

use serde::{Deserialize, Deserializer, Serializer};

/// Six decimals: `0.953000`.
pub fn fixed6<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{value:.6}"))
}

/// Six decimals, or an empty cell.
pub fn fixed6_or_empty<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => fixed6(value, serializer),
        None => serializer.serialize_str(""),
    }
}

/// Two decimals: `3.25`.
pub fn fixed2<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{value:.2}"))
}

/// Two decimals, or an empty cell: `3.25`.
pub fn fixed2_or_empty<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(&format_args!("{value:.2}")),
        None => serializer.serialize_str(""),
    }
}

/// Rounded to a whole number: `1250`.
pub fn whole<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{value:.0}"))
}

/// As Rust displays the number (`2600000`, `0.5`), or an empty cell.
pub fn plain_or_empty<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_str(""),
    }
}

/// A list in one cell, joined by `;`.
pub fn joined<S: Serializer>(items: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&items.join(";"))
}

/// A cell of `;`-separated items (an empty cell is an empty list).
pub fn split<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text
        .split(';')
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect())
}
