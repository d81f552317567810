//! Readers of the folders other commands write (`plan --out`, `dispatch
//! --out`, a comparison folder), for the report. They check what they read
//! against the scenario (every id must be one of its depots, sites, parts,
//! engineers) and report each problem with file, line and column.

mod compare_folder;
mod dispatch_folder;
mod plan_folder;

pub use compare_folder::{CompareRow, read_compare_folder};
pub use dispatch_folder::{DispatchFiles, DispatchRow, RouteStop, read_dispatch_folder};
pub use plan_folder::{
    AssignmentRow, DepotRow, PlanFiles, PlanSummaryFile, StockRow, TierFile, UnreachableFile,
    read_plan_folder,
};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::{Cells, Columns, Table};
use std::path::Path;

/// Output files that cannot be read, with everything found wrong.
#[derive(Debug, thiserror::Error)]
#[error("{diagnostics}")]
pub struct FolderError {
    pub diagnostics: Diagnostics,
}

/// Collects the problems of one folder.
struct FolderReader {
    diagnostics: Diagnostics,
}

impl FolderReader {
    fn new() -> Self {
        FolderReader {
            diagnostics: Diagnostics::new(),
        }
    }

    fn read_text(&mut self, path: &Path) -> Option<String> {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some(text),
                Err(_) => {
                    self.diagnostics.push(Diagnostic::file(
                        Code::E1002Malformed,
                        path,
                        "the file is not valid UTF-8",
                        "give the folder the command wrote, unchanged",
                    ));
                    None
                }
            },
            Err(error) => {
                self.diagnostics.push(Diagnostic::file(
                    Code::E1001FileUnreadable,
                    path,
                    format!("cannot read the file: {error}"),
                    "give the folder the command wrote (see the README for its files)",
                ));
                None
            }
        }
    }

    /// A CSV table; warnings (unknown extra columns) are dropped, because
    /// files of newer versions may carry more columns.
    fn table(&mut self, path: &Path, columns: Columns) -> Option<Table> {
        let text = self.read_text(path)?;
        let mut found = Diagnostics::new();
        let table = Table::parse(path, &text, columns, &mut found);
        for diagnostic in found.all() {
            if !diagnostic.code.is_warning() {
                self.diagnostics.push(diagnostic.clone());
            }
        }
        table
    }

    /// A JSON document, errors placed at their line and column.
    fn json<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<T> {
        let text = self.read_text(path)?;
        match serde_json::from_str(&text) {
            Ok(value) => Some(value),
            Err(error) => {
                self.diagnostics.push(
                    Diagnostic::file(
                        Code::E1002Malformed,
                        path,
                        format!("not the expected JSON: {error}"),
                        "give the summary.json the command wrote, unchanged",
                    )
                    .at(error.line() as u64, Some(error.column() as u64)),
                );
                None
            }
        }
    }

    /// The value, unless a problem was found (or the value could not be read).
    fn finish<T>(self, value: Option<T>) -> Result<T, FolderError> {
        match value {
            Some(value) if !self.diagnostics.has_errors() => Ok(value),
            _ => Err(FolderError {
                diagnostics: self.diagnostics,
            }),
        }
    }
}

/// Resolves an id of the scenario, recording an unknown one at its cell.
fn known<I>(
    cells: &mut Cells<'_>,
    column: &str,
    what: &str,
    lookup: impl Fn(&str) -> Option<I>,
) -> Option<I> {
    let text = cells.text(column)?;
    let found = lookup(text);
    if found.is_none() {
        cells.error(
            column,
            Code::E1031UnknownReference,
            format!("unknown {what} `{text}`"),
            "the folder was written for another scenario: give the scenario it was made from",
        );
    }
    found
}

/// Like [`known`], for a column that may be empty.
fn known_or_empty<I>(
    cells: &mut Cells<'_>,
    column: &str,
    what: &str,
    lookup: impl Fn(&str) -> Option<I>,
) -> Option<Option<I>> {
    match cells.optional_text(column) {
        None => Some(None),
        Some(_) => known(cells, column, what, lookup).map(Some),
    }
}

/// An RFC 3339 instant with its offset.
fn instant(cells: &mut Cells<'_>, column: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    cells.parse(column, Code::E1019BadDateTime, parse_instant)
}

/// Like [`instant`], for a column that may be empty.
fn optional_instant(
    cells: &mut Cells<'_>,
    column: &str,
) -> Option<Option<chrono::DateTime<chrono::FixedOffset>>> {
    match cells.optional_text(column) {
        None => Some(None),
        Some(_) => instant(cells, column).map(Some),
    }
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!(
            "`{text}` is not an RFC 3339 time with offset such as 2026-03-10T08:47:00+08:00 ({e})"
        )
    })
}
