//! Readers of the folders other commands write (`plan --out`, `dispatch
//! --out`, `simulate --out`, a comparison folder). Each file is read into
//! the struct of [`crate::report::schema`] it is written from, then checked
//! against the scenario (every id must be one of its depots, sites, parts,
//! engineers); each problem is reported with file, line and column.

mod compare_folder;
mod compare_plans;
mod dispatch_folder;
mod plan_folder;
mod simulate_folder;

pub use compare_folder::{CompareRow, read_compare_folder};
pub use compare_plans::{PlanDigest, read_compare_plans};
pub use dispatch_folder::{DispatchFiles, DispatchRow, RouteStop, read_dispatch_folder};
pub use plan_folder::{
    AssignmentRow, DepotRow, PlanFiles, PlanParts, PlanSummaryFile, StaffingRow, StaffingSource,
    StockRow, TierFile, UnreachableFile, read_plan_folder, read_plan_parts,
};
pub use simulate_folder::{SimulationFiles, read_simulation_folder};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::report::output_set::{
    GENERATE_COMMAND, MANIFEST, MANIFEST_FORMAT, Manifest, inside, sha256_hex,
};
use crate::scenario::{Cells, Columns, Table};
use std::path::{Path, PathBuf};

/// The warning for a folder without manifest.json (written by an older
/// version, or by hand): it is read, but nothing proves its files are one run.
pub fn unchecked_folder_warning(dir: &Path) -> Option<Diagnostic> {
    (dir.is_dir() && std::fs::symlink_metadata(dir.join(MANIFEST)).is_err()).then(|| {
        Diagnostic::file(
            Code::W2008OutputWithoutManifest,
            dir,
            "no manifest.json: the folder was written by an older version or by hand, so its files are read without checking they come from one run",
            "run the command again to write the folder with its manifest",
        )
    })
}

/// Checks one file of an output folder against the folder's manifest.json,
/// when there is one (a plan's stock.csv given to `dispatch --stock`).
pub fn check_output_file(path: &Path) -> Result<(), FolderError> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if std::fs::symlink_metadata(dir.join(MANIFEST)).is_err() {
        return Ok(());
    }
    let mut reader = FolderReader::open(dir);
    // A generated scenario is the user's to edit: its manifest only records
    // what `generate` wrote.
    if reader
        .manifest
        .as_ref()
        .is_some_and(|m| m.command == GENERATE_COMMAND)
    {
        return Ok(());
    }
    let file = dir.join(path.file_name().unwrap_or_default());
    let text = reader.read_text(&file);
    reader.finish(text).map(|_| ())
}

/// `path` relative to `dir`, with `/` separators (as manifests name files).
fn relative_name(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Output files that cannot be read, with everything found wrong.
#[derive(Debug, thiserror::Error)]
#[error("{diagnostics}")]
pub struct FolderError {
    pub diagnostics: Diagnostics,
}

/// Collects the problems of one folder, and checks each file it reads
/// against the folder's manifest.json.
struct FolderReader {
    diagnostics: Diagnostics,
    dir: PathBuf,
    /// `None` for a folder without a manifest (read unchecked).
    manifest: Option<Manifest>,
}

impl FolderReader {
    fn open(dir: &Path) -> Self {
        let mut reader = FolderReader {
            diagnostics: Diagnostics::new(),
            dir: dir.to_path_buf(),
            manifest: None,
        };
        reader.manifest = reader.read_manifest();
        reader.check_complete();
        reader
    }

    /// Every file the manifest lists is there with its size and hash, those
    /// this command does not read too: a folder missing one is partial, a
    /// folder with another run's file is mixed.
    fn check_complete(&mut self) {
        let Some(manifest) = &self.manifest else {
            return;
        };
        let mut found = Vec::new();
        for file in &manifest.files {
            let path = inside(&self.dir, &file.path);
            let problem = match crate::bounded_read::read_input(&path) {
                Err(_) if std::fs::symlink_metadata(&path).is_err() => {
                    "the file is missing: the folder is partial".to_string()
                }
                Err(error) => error.to_string(),
                Ok(bytes)
                    if bytes.len() as u64 != file.bytes || sha256_hex(&bytes) != file.sha256 =>
                {
                    format!(
                        "the file is not the one that run wrote (manifest.json: {} bytes, found {}): \
                         the folder mixes files of different runs, or the file was edited",
                        file.bytes,
                        bytes.len()
                    )
                }
                Ok(_) => continue,
            };
            found.push(Diagnostic::file(
                Code::E1060OutputSetMismatch,
                &path,
                format!(
                    "`{}` of run {} of `{}`: {problem}",
                    file.path, manifest.run_id, manifest.command
                ),
                "run the command again to write the whole folder; to use a file you edited on purpose, delete manifest.json (the folder is then read unchecked)",
            ));
        }
        for diagnostic in found {
            self.diagnostics.push(diagnostic);
        }
    }

    fn read_manifest(&mut self) -> Option<Manifest> {
        let path = self.dir.join(MANIFEST);
        std::fs::symlink_metadata(&path).ok()?;
        let mismatch = |message: String| {
            Diagnostic::file(
                Code::E1060OutputSetMismatch,
                &path,
                message,
                "run the command again to write the folder anew",
            )
        };
        let bytes = match crate::bounded_read::read_input(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.diagnostics.push(mismatch(error.to_string()));
                return None;
            }
        };
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(manifest) if manifest.format == MANIFEST_FORMAT => Some(manifest),
            Ok(manifest) => {
                self.diagnostics.push(mismatch(format!(
                    "the manifest has format `{}`; this version reads `{MANIFEST_FORMAT}`",
                    manifest.format
                )));
                None
            }
            Err(error) => {
                self.diagnostics.push(
                    mismatch(format!("not a manifest: {error}"))
                        .at(error.line() as u64, Some(error.column() as u64)),
                );
                None
            }
        }
    }

    /// Checks `bytes`, read from `path`, against the manifest: the file must
    /// be listed, with that size and hash (check_complete hashed what was
    /// there when the folder was opened; this checks what was read).
    fn check_listed(&mut self, path: &Path, bytes: &[u8]) -> bool {
        let Some(manifest) = &self.manifest else {
            return true;
        };
        if self.diagnostics.all().iter().any(|d| d.file == path) {
            return false;
        }
        let relative = relative_name(&self.dir, path);
        let problem = match manifest.file(&relative) {
            None => Some(format!(
                "`{relative}` is not in manifest.json (run {} of `{}`): the folder mixes files of different runs",
                manifest.run_id, manifest.command
            )),
            Some(listed)
                if listed.bytes != bytes.len() as u64 || listed.sha256 != sha256_hex(bytes) =>
            {
                Some(format!(
                    "`{relative}` changed while it was read (run {} of `{}`): another command is writing the folder",
                    manifest.run_id, manifest.command
                ))
            }
            Some(_) => None,
        };
        let Some(message) = problem else {
            return true;
        };
        self.diagnostics.push(Diagnostic::file(
            Code::E1060OutputSetMismatch,
            path,
            message,
            "run the command again to write the whole folder; to use a file you edited on purpose, delete manifest.json (the folder is then read unchecked)",
        ));
        false
    }

    fn is_listed(&self, path: &Path) -> bool {
        self.manifest
            .as_ref()
            .is_some_and(|m| m.file(&relative_name(&self.dir, path)).is_some())
    }

    fn read_text(&mut self, path: &Path) -> Option<String> {
        if std::fs::symlink_metadata(path).is_err() && self.is_listed(path) {
            return None; // reported by check_complete
        }
        match crate::bounded_read::read_input(path) {
            Ok(bytes) if !self.check_listed(path, &bytes) => None,
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
                    error.to_string(),
                    "give the folder the command wrote (docs/output-folders.md lists its files)",
                ));
                None
            }
        }
    }

    /// A CSV table; warnings (unknown extra columns) are dropped, because
    /// files of newer versions may carry more columns.
    /// The columns are chosen from the header line.
    fn table(&mut self, path: &Path, columns: impl Fn(&str) -> Columns) -> Option<Table> {
        let text = self.read_text(path)?;
        let header = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        let columns = columns(header);
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
        self.json_and_text(path).map(|(value, _)| value)
    }

    /// Like [`Self::json`], with the text it was read from.
    fn json_and_text<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &Path,
    ) -> Option<(T, String)> {
        let text = self.read_text(path)?;
        match serde_json::from_str(&text) {
            Ok(value) => Some((value, text)),
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

/// Resolves an id the row holds in `column`, recording an empty or
/// unknown one at its cell.
fn known_id<I>(
    cells: &mut Cells<'_>,
    column: &str,
    what: &str,
    id: &str,
    lookup: impl Fn(&str) -> Option<I>,
) -> Option<I> {
    if id.is_empty() {
        cells.error(
            column,
            Code::E1010EmptyValue,
            "value is empty",
            format!("give a value for `{column}`"),
        );
        return None;
    }
    let found = lookup(id);
    if found.is_none() {
        cells.error(
            column,
            Code::E1031UnknownReference,
            format!("unknown {what} `{id}`"),
            "the folder was written for another scenario: give the scenario it was made from",
        );
    }
    found
}

/// Like [`known_id`], for a cell that may be empty (`Some(None)`).
fn known_id_or_empty<I>(
    cells: &mut Cells<'_>,
    column: &str,
    what: &str,
    id: Option<&str>,
    lookup: impl Fn(&str) -> Option<I>,
) -> Option<Option<I>> {
    match id.filter(|id| !id.is_empty()) {
        None => Some(None),
        Some(id) => known_id(cells, column, what, id, lookup).map(Some),
    }
}

/// A finite number the row holds in `column`, recording one that is not.
fn finite(cells: &mut Cells<'_>, column: &str, value: f64) -> Option<f64> {
    if value.is_finite() {
        return Some(value);
    }
    cells.error(
        column,
        Code::E1012NotFinite,
        format!("`{value}` is not a finite number"),
        "write an ordinary decimal number; NaN and infinity are not allowed",
    );
    None
}

/// A finite number zero or more, recording one that is not.
fn non_negative(cells: &mut Cells<'_>, column: &str, value: f64) -> Option<f64> {
    let value = finite(cells, column, value)?;
    if value < 0.0 {
        cells.error(
            column,
            Code::E1013OutOfDomain,
            format!("{value} is negative"),
            format!("`{column}` must be zero or more"),
        );
        return None;
    }
    Some(value)
}

/// A share between 0 and 1, recording one that is not.
fn share(cells: &mut Cells<'_>, column: &str, value: f64) -> Option<f64> {
    let value = finite(cells, column, value)?;
    if !(0.0..=1.0).contains(&value) {
        cells.error(
            column,
            Code::E1014OutOfRange,
            format!("{value} is outside [0, 1]"),
            format!("`{column}` must lie between 0 and 1"),
        );
        return None;
    }
    Some(value)
}

/// An RFC 3339 instant the row holds in `column`.
fn instant(
    cells: &mut Cells<'_>,
    column: &str,
    text: &str,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    if text.is_empty() {
        cells.error(
            column,
            Code::E1010EmptyValue,
            "value is empty",
            format!("give a value for `{column}`"),
        );
        return None;
    }
    match parse_instant(text) {
        Ok(instant) => Some(instant),
        Err(message) => {
            cells.error(column, Code::E1019BadDateTime, message, "");
            None
        }
    }
}

/// Like [`instant`], for a cell that may be empty (`Some(None)`).
fn optional_instant(
    cells: &mut Cells<'_>,
    column: &str,
    text: &str,
) -> Option<Option<chrono::DateTime<chrono::FixedOffset>>> {
    if text.is_empty() {
        return Some(None);
    }
    instant(cells, column, text).map(Some)
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!(
            "`{text}` is not an RFC 3339 time with offset such as 2026-03-10T08:47:00+08:00 ({e})"
        )
    })
}
