//! A comparison folder: one row (CSV) or object (JSON) per scenario with
//! its costs and attainment per tier. The format is docs/report.md's ("Compare
//! input"); columns and keys the report does not know are ignored, so a
//! comparison may carry more.
//!
//! `compare.json` is read when present, else `compare.csv`. A compare.json
//! that `compare` wrote is read into its own rows
//! ([`crate::report::schema::compare::CompareRow`]); anything else is read
//! as the documented hand-made format, key by key.

use super::{FolderError, FolderReader};
use crate::diagnostic::{Code, Diagnostic};
use crate::report::schema::compare as schema;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

/// One scenario of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub name: String,
    pub total_cost: f64,
    pub fixed_cost: Option<f64>,
    pub holding_cost: Option<f64>,
    pub expected_penalty: Option<f64>,
    pub emergency_cost: Option<f64>,
    /// Engineers per year (a plan's summary.json has it).
    pub people_cost: Option<f64>,
    /// Expected share met in time, per tier id, in the order given.
    pub attainment: Vec<(String, f64)>,
    /// Tier targets, where given.
    pub targets: Vec<(String, f64)>,
}

const COST_PARTS: [&str; 5] = [
    "fixed_cost",
    "holding_cost",
    "expected_penalty",
    "emergency_cost",
    "people_cost",
];

/// Reads `compare.json` or `compare.csv` from `dir`.
pub fn read_compare_folder(dir: &Path) -> Result<Vec<CompareRow>, FolderError> {
    let mut reader = FolderReader::open(dir);
    let json = dir.join("compare.json");
    let csv = dir.join("compare.csv");
    let rows = if json.exists() {
        read_json(&mut reader, &json)
    } else if csv.exists() {
        read_csv(&mut reader, &csv)
    } else {
        reader.diagnostics.push(Diagnostic::file(
            Code::E1001FileUnreadable,
            dir,
            "the comparison folder has neither compare.json nor compare.csv",
            "give the folder `sparesla compare --out` wrote, or write compare.csv as docs/report.md describes",
        ));
        None
    };
    if let Some(rows) = &rows
        && rows.is_empty()
    {
        reader.diagnostics.push(Diagnostic::file(
            Code::E1010EmptyValue,
            if json.exists() { &json } else { &csv },
            "the comparison lists no scenario",
            "give one row or object per scenario",
        ));
    }
    reader.finish(rows)
}

fn read_csv(reader: &mut FolderReader, path: &Path) -> Option<Vec<CompareRow>> {
    let text = reader.read_text(path)?;
    let mut csv = crate::scenario::csv_reader(path, &text, &mut reader.diagnostics);
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(error) => {
            reader.diagnostics.push(malformed(path, &error));
            return None;
        }
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let Some(name_column) = column("scenario").or_else(|| column("name")) else {
        reader.diagnostics.push(
            Diagnostic::file(
                Code::E1003MissingColumn,
                path,
                "required column `scenario` (or `name`) is missing",
                "the header must name the columns scenario,total_cost and may add fixed_cost, holding_cost, expected_penalty, emergency_cost, people_cost, attainment_<tier>, target_<tier>",
            )
            .at(1, None),
        );
        return None;
    };
    let Some(total_column) = column("total_cost") else {
        reader.diagnostics.push(
            Diagnostic::file(
                Code::E1003MissingColumn,
                path,
                "required column `total_cost` is missing",
                "the header must name the columns scenario,total_cost",
            )
            .at(1, None),
        );
        return None;
    };
    let tier_columns = |prefix: &str| -> Vec<(String, usize)> {
        header
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.strip_prefix(prefix).map(|tier| (tier.to_string(), i)))
            .filter(|(tier, _)| !tier.is_empty())
            .collect()
    };
    let attainment_columns = tier_columns("attainment_");
    let target_columns = tier_columns("target_");
    let mut rows = Vec::new();
    for record in csv.records() {
        let record = match record {
            Ok(record) if crate::scenario::is_blank(&record) => continue,
            Ok(record) => record,
            Err(error) => {
                reader.diagnostics.push(malformed(path, &error));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            reader.diagnostics.push(
                Diagnostic::file(
                    Code::E1002Malformed,
                    path,
                    format!(
                        "this row has {} field(s) but the header has {}",
                        record.len(),
                        header.len()
                    ),
                    "give every row one value per header column",
                )
                .at(line, None),
            );
            continue;
        }
        let mut ok = true;
        let mut number = |index: usize, name: &str, share: bool| -> Option<f64> {
            let text = record.get(index).unwrap_or("");
            if text.is_empty() {
                return None;
            }
            let value = text.parse::<f64>().ok().filter(|v| v.is_finite());
            let valid = value.filter(|v| *v >= 0.0 && (!share || *v <= 1.0));
            if valid.is_none() {
                ok = false;
                let expected = if share {
                    "a share between 0 and 1, such as 0.953"
                } else {
                    "a number of currency units, zero or more"
                };
                reader.diagnostics.push(
                    Diagnostic::file(
                        Code::E1011NotANumber,
                        path,
                        format!("`{text}` is not {expected}"),
                        format!("write {expected} in column `{name}`, or leave it empty"),
                    )
                    .at(line, Some(index as u64 + 1))
                    .in_column(name),
                );
            }
            valid
        };
        let name = record.get(name_column).unwrap_or("").to_string();
        let total_cost = number(total_column, "total_cost", false);
        let parts: Vec<Option<f64>> = COST_PARTS
            .iter()
            .map(|part| column(part).and_then(|i| number(i, part, false)))
            .collect();
        let shares =
            |columns: &[(String, usize)],
             number: &mut dyn FnMut(usize, &str, bool) -> Option<f64>| {
                columns
                    .iter()
                    .filter_map(|(tier, i)| {
                        number(*i, &header[*i], true).map(|v| (tier.clone(), v))
                    })
                    .collect::<Vec<_>>()
            };
        let attainment = shares(&attainment_columns, &mut number);
        let targets = shares(&target_columns, &mut number);
        if name.is_empty() || total_cost.is_none() {
            let (what, index) = if name.is_empty() {
                ("scenario", name_column)
            } else {
                ("total_cost", total_column)
            };
            if ok {
                reader.diagnostics.push(
                    Diagnostic::file(
                        Code::E1010EmptyValue,
                        path,
                        "value is empty",
                        format!("give a value for `{what}`"),
                    )
                    .at(line, Some(index as u64 + 1))
                    .in_column(what),
                );
            }
            continue;
        }
        if !ok {
            continue;
        }
        rows.push(CompareRow {
            name,
            total_cost: total_cost.unwrap_or_default(),
            fixed_cost: parts[0],
            holding_cost: parts[1],
            expected_penalty: parts[2],
            emergency_cost: parts[3],
            people_cost: parts[4],
            attainment,
            targets,
        });
    }
    Some(rows)
}

fn malformed(path: &Path, error: &csv::Error) -> Diagnostic {
    let base = Diagnostic::file(
        Code::E1002Malformed,
        path,
        format!("not readable as CSV: {error}"),
        "save the file as UTF-8 CSV with one header line",
    );
    match error.position() {
        Some(position) => base.at(position.line(), None),
        None => base,
    }
}

fn read_json(reader: &mut FolderReader, path: &Path) -> Option<Vec<CompareRow>> {
    let document: Value = reader.json(path)?;
    // What `compare` writes, read into the rows it writes from; a file in
    // the documented hand-made format (below) falls through.
    if let Ok(written) = Vec::<schema::CompareRow>::deserialize(&document) {
        return Some(checked_rows(reader, path, written.iter().map(written_row)));
    }
    let list = match &document {
        Value::Array(list) => Some(list),
        Value::Object(object) => object.get("scenarios").and_then(Value::as_array),
        _ => None,
    };
    let Some(list) = list else {
        reader.diagnostics.push(Diagnostic::file(
            Code::E1002Malformed,
            path,
            "expected an array of scenarios, or an object with a `scenarios` array",
            "write one object per scenario with `scenario` and `total_cost` (see docs/report.md)",
        ));
        return None;
    };
    Some(checked_rows(reader, path, list.iter().map(json_row)))
}

/// The rows that pass the checks of [`json_row`]; each other one is
/// reported by its place in the list.
fn checked_rows(
    reader: &mut FolderReader,
    path: &Path,
    rows: impl Iterator<Item = Result<CompareRow, String>>,
) -> Vec<CompareRow> {
    let mut kept = Vec::new();
    for (i, row) in rows.enumerate() {
        match row {
            Ok(row) => kept.push(row),
            Err(problem) => reader.diagnostics.push(Diagnostic::file(
                Code::E1002Malformed,
                path,
                format!("scenario #{} of the list: {problem}", i + 1),
                "each scenario needs `scenario` (or `name`) and `total_cost`; shares lie between 0 and 1",
            )),
        }
    }
    kept
}

/// A row `compare` wrote, with the checks a hand-made one gets: costs
/// finite and zero or more, shares between 0 and 1.
fn written_row(row: &schema::CompareRow) -> Result<CompareRow, String> {
    let cost = |key: &str, value: f64| {
        (value.is_finite() && value >= 0.0)
            .then_some(value)
            .ok_or(format!("`{key}` is not a number zero or more"))
    };
    let share = |tier: &str, value: f64| {
        (0.0..=1.0)
            .contains(&value)
            .then(|| (tier.to_string(), value))
            .ok_or(format!(
                "attainment of tier `{tier}` is not a share between 0 and 1"
            ))
    };
    let mut attainment = Vec::new();
    let mut targets = Vec::new();
    for tier in &row.tiers {
        attainment.push(share(&tier.tier, tier.expected_attainment)?);
        targets.push(share(&tier.tier, tier.target)?);
    }
    Ok(CompareRow {
        name: row.name.clone(),
        total_cost: cost("total_cost", row.total_cost)?,
        fixed_cost: Some(cost("fixed_cost", row.fixed_cost)?),
        holding_cost: Some(cost("holding_cost", row.holding_cost)?),
        expected_penalty: Some(cost("expected_penalty", row.expected_penalty)?),
        emergency_cost: Some(cost("emergency_cost", row.emergency_cost)?),
        // Not in what `compare` writes: the rest of the total shows it.
        people_cost: None,
        attainment,
        targets,
    })
}

fn json_row(item: &Value) -> Result<CompareRow, String> {
    let name = item
        .get("scenario")
        .or_else(|| item.get("name"))
        .and_then(Value::as_str)
        .ok_or("no `scenario` (or `name`) text")?
        .to_string();
    let cost = |key: &str| -> Result<Option<f64>, String> {
        match item.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_f64()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(Some)
                .ok_or(format!("`{key}` is not a number zero or more")),
        }
    };
    let share = |tier: &str, value: &Value| -> Result<(String, f64), String> {
        value
            .as_f64()
            .filter(|v| (0.0..=1.0).contains(v))
            .map(|v| (tier.to_string(), v))
            .ok_or(format!(
                "attainment of tier `{tier}` is not a share between 0 and 1"
            ))
    };
    let total_cost = cost("total_cost")?.ok_or("no `total_cost`")?;
    let mut attainment = Vec::new();
    let mut targets = Vec::new();
    if let Some(tiers) = item.get("tiers").and_then(Value::as_array) {
        for tier in tiers {
            let id = tier
                .get("tier")
                .and_then(Value::as_str)
                .ok_or("a tier without a `tier` id")?;
            if let Some(value) = tier
                .get("expected_attainment")
                .or_else(|| tier.get("attainment"))
            {
                attainment.push(share(id, value)?);
            }
            if let Some(value) = tier.get("target") {
                targets.push(share(id, value)?);
            }
        }
    } else if let Some(map) = item.get("attainment").and_then(Value::as_object) {
        for (tier, value) in map {
            attainment.push(share(tier, value)?);
        }
    }
    Ok(CompareRow {
        name,
        total_cost,
        fixed_cost: cost("fixed_cost")?,
        holding_cost: cost("holding_cost")?,
        expected_penalty: cost("expected_penalty")?,
        emergency_cost: cost("emergency_cost")?,
        people_cost: cost("people_cost")?,
        attainment,
        targets,
    })
}
