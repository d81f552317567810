//! `overlay.toml`: a scenario described as changes to another one.
//!
//! The file is read with every value's position kept, so that a change the
//! base scenario cannot take (an unknown customer, a tier that contradicts
//! itself) is reported at its line and column when it is applied.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::{ScenarioError, line_column};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file name that makes a folder an overlay.
pub const OVERLAY_FILE: &str = "overlay.toml";

/// A parsed `overlay.toml`, not yet checked against its base.
#[derive(Debug)]
pub struct Overlay {
    /// The overlay file, for locating diagnostics.
    pub(super) path: PathBuf,
    pub(super) text: String,
    pub(super) file: OverlayFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OverlayFile {
    pub base: Spanned<String>,
    pub name: Option<Spanned<String>>,
    #[allow(dead_code)] // documentation for people; read by nothing
    pub description: Option<String>,
    #[serde(default)]
    pub new_tier: Vec<TierFields>,
    #[serde(default)]
    pub tier: Vec<TierFields>,
    #[serde(default)]
    pub depot: Vec<DepotEdit>,
    #[serde(default)]
    pub new_engineer: Vec<NewEngineer>,
    #[serde(default)]
    pub tier_move: Vec<TierMove>,
    #[serde(default)]
    pub failure_rate: Vec<RateEdit>,
    #[serde(default)]
    pub closure: Vec<ClosureEdit>,
}

/// `[[tier]]` (edit; only the keys given change) and `[[new_tier]]` (add;
/// `coverage`, `response`, `target` and `penalty` required).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TierFields {
    pub id: Spanned<String>,
    pub coverage: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
    pub days: Option<Spanned<String>>,
    pub calendar: Option<Spanned<String>>,
    pub response: Option<Spanned<String>>,
    pub cutoff: Option<Spanned<String>>,
    pub target: Option<Spanned<f64>>,
    pub penalty: Option<Spanned<f64>>,
}

/// `[[depot]]`: a depot's status, fixed cost or replenishment time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DepotEdit {
    pub id: Spanned<String>,
    pub status: Option<Spanned<String>>,
    pub fixed_cost: Option<Spanned<f64>>,
    pub replenish_days: Option<Spanned<f64>>,
}

/// `[[new_engineer]]`, with the columns of `engineers.csv`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewEngineer {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub base: Spanned<String>,
    pub skills: Spanned<String>,
    pub shift: Spanned<String>,
    pub days: Option<Spanned<String>>,
    pub calendar: Option<Spanned<String>>,
    /// Default: the zone of the base depot, as in engineers.csv.
    pub tz: Option<Spanned<String>>,
}

/// `[[tier_move]]`: a customer's sites under another tier, for good or
/// between two dates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TierMove {
    pub customer: Spanned<String>,
    pub tier: Spanned<String>,
    pub from: Option<Spanned<toml::Value>>,
    pub to: Option<Spanned<toml::Value>>,
}

/// `[[failure_rate]]`: failure rates multiplied, for good or between two dates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RateEdit {
    pub factor: Spanned<f64>,
    pub region: Option<Spanned<String>>,
    pub part: Option<Spanned<String>>,
    pub from: Option<Spanned<toml::Value>>,
    pub to: Option<Spanned<toml::Value>>,
}

/// `[[closure]]`: a row of `closures.csv`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClosureEdit {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub factor: Option<Spanned<f64>>,
    #[allow(dead_code)] // documentation for people; read by nothing
    pub note: Option<String>,
}

impl Overlay {
    /// Parses the text of an overlay file; syntax errors, unknown keys and
    /// values of the wrong type are located.
    pub fn parse(path: &Path, text: &str) -> Result<Overlay, ScenarioError> {
        match toml::from_str::<OverlayFile>(text) {
            Ok(file) => Ok(Overlay {
                path: path.to_path_buf(),
                text: text.to_string(),
                file,
            }),
            Err(error) => {
                let mut diagnostic = Diagnostic::file(
                    Code::E1002Malformed,
                    path,
                    error.message().to_string(),
                    "see the overlay.toml reference in docs/whatif.md for the known tables, keys and their types",
                );
                if let Some(span) = error.span() {
                    let (line, column) = line_column(text, span.start);
                    diagnostic = diagnostic.at(line, Some(column));
                }
                let mut diagnostics = Diagnostics::new();
                diagnostics.push(diagnostic);
                Err(ScenarioError { diagnostics })
            }
        }
    }

    /// The base folder, as written (relative to the overlay's folder).
    pub fn base(&self) -> &str {
        self.file.base.get_ref()
    }

    /// A diagnostic at a span of the overlay file.
    pub(super) fn at(
        &self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
        action: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = line_column(&self.text, span.start);
        Diagnostic::file(code, &self.path, message, action).at(line, Some(column))
    }
}

pub(super) use crate::scenario::plain_date;
