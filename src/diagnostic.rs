//! Input diagnostics: what was wrong, where, and what to do about it.
//!
//! Every problem found while reading user input becomes a [`Diagnostic`] with
//! a stable [`Code`], the file, the line and column (1-based, as editors count
//! them), the cause, and an action. Codes never change meaning once shipped;
//! docs/diagnostics.md lists them all (tests/docs.rs keeps the two in step).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How many errors one file may report before the rest are only counted.
pub const ERRORS_PER_FILE: usize = 50;

/// Stable diagnostic codes. `E` codes are errors (loading fails), `W` codes
/// are warnings (loading succeeds, `validate` prints them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A required file is missing or cannot be read.
    E1001FileUnreadable,
    /// The file is not well-formed CSV/TOML/JSON (wrong field count, bad UTF-8, syntax).
    E1002Malformed,
    /// A required column is missing from the header.
    E1003MissingColumn,
    /// A column name appears twice in the header.
    E1004DuplicateColumn,
    /// A required value is empty.
    E1010EmptyValue,
    /// A value is not a number.
    E1011NotANumber,
    /// A number is NaN or infinite.
    E1012NotFinite,
    /// A number is negative (or zero where it must be positive).
    E1013OutOfDomain,
    /// A number is outside its allowed range (latitude, longitude, shares).
    E1014OutOfRange,
    /// A value is not one of the allowed words.
    E1015UnknownKeyword,
    /// An IANA time zone name is not known.
    E1016UnknownTimeZone,
    /// A time window `HH:MM-HH:MM` is malformed or empty.
    E1017BadTimeWindow,
    /// A duration (`4h`, `30m`, `1h30m`) is malformed.
    E1018BadDuration,
    /// A date or time is malformed, does not exist, or is ambiguous in its zone.
    E1019BadDateTime,
    /// A weekday pattern (`mon-fri`, `mon,wed`) is malformed.
    E1020BadWeekdays,
    /// A yes/no value (`pausable` of parts.csv) is neither `yes` nor `no`.
    E1021NotYesNo,
    /// An engineer's break (`12:00-14:00/45m`) is malformed or does not fit its window.
    E1022BadBreak,
    /// The same id appears twice.
    E1030DuplicateId,
    /// A reference names an id that does not exist (depot, part, site, tier, calendar).
    E1031UnknownReference,
    /// A combination of values contradicts itself (a 24x7 tier with a window, nbd on 24x7).
    E1032Inconsistent,
    /// A calendar is asked about a date outside the years it covers.
    E1040CalendarYearNotCovered,
    /// An overlay's base cannot be used: missing, not a scenario, a cycle of
    /// overlays, or a folder holding both `overlay.toml` and `scenario.toml`.
    E1050OverlayBase,
    /// An output folder is not one complete run: a file its manifest.json
    /// lists is missing or differs, a file it reads is not listed, or the
    /// manifest itself cannot be read.
    E1060OutputSetMismatch,
    /// A `--token-file` of `sparesla serve` that is not `role,token` lines.
    E1070BadTokenFile,
    /// A `sparesla serve` database that does not fit the scenario or this version.
    E1071DatabaseMismatch,
    /// A column the loader does not know; it is ignored.
    W2001UnknownColumn,
    /// A part needs a skill no engineer has.
    W2002SkillWithoutEngineer,
    /// A file has a header but no rows.
    W2003EmptyFile,
    /// A site has no installed base (it will generate no demand).
    W2004SiteWithoutInstalledBase,
    /// A dated overlay change lies wholly or partly outside the planning horizon.
    W2005OutsideHorizon,
    /// A documented default stands in for a value the input leaves out
    /// (`start_date`); the note says which value was taken.
    W2006DefaultUsed,
    /// A file was read in a form other than UTF-8 with `,` (a `;` or tab
    /// separator, GB18030/GBK or UTF-16 text); the note says which.
    W2007ReadAs,
    /// An output folder has no manifest.json (an older version or a hand-made
    /// folder): its files are read without checking they are one run.
    W2008OutputWithoutManifest,
    /// Part of the road network no depot reaches by road (a road island).
    W2009RoadIsland,
}

impl Code {
    /// The stable short code, e.g. `E1011`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::E1001FileUnreadable => "E1001",
            Code::E1002Malformed => "E1002",
            Code::E1003MissingColumn => "E1003",
            Code::E1004DuplicateColumn => "E1004",
            Code::E1010EmptyValue => "E1010",
            Code::E1011NotANumber => "E1011",
            Code::E1012NotFinite => "E1012",
            Code::E1013OutOfDomain => "E1013",
            Code::E1014OutOfRange => "E1014",
            Code::E1015UnknownKeyword => "E1015",
            Code::E1016UnknownTimeZone => "E1016",
            Code::E1017BadTimeWindow => "E1017",
            Code::E1018BadDuration => "E1018",
            Code::E1019BadDateTime => "E1019",
            Code::E1020BadWeekdays => "E1020",
            Code::E1021NotYesNo => "E1021",
            Code::E1022BadBreak => "E1022",
            Code::E1030DuplicateId => "E1030",
            Code::E1031UnknownReference => "E1031",
            Code::E1032Inconsistent => "E1032",
            Code::E1040CalendarYearNotCovered => "E1040",
            Code::E1050OverlayBase => "E1050",
            Code::E1060OutputSetMismatch => "E1060",
            Code::E1070BadTokenFile => "E1070",
            Code::E1071DatabaseMismatch => "E1071",
            Code::W2001UnknownColumn => "W2001",
            Code::W2002SkillWithoutEngineer => "W2002",
            Code::W2003EmptyFile => "W2003",
            Code::W2004SiteWithoutInstalledBase => "W2004",
            Code::W2005OutsideHorizon => "W2005",
            Code::W2006DefaultUsed => "W2006",
            Code::W2007ReadAs => "W2007",
            Code::W2008OutputWithoutManifest => "W2008",
            Code::W2009RoadIsland => "W2009",
        }
    }

    /// Warnings do not stop loading.
    pub fn is_warning(self) -> bool {
        self.as_str().starts_with('W')
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one place of one input file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub file: PathBuf,
    /// 1-based line; `None` for whole-file problems.
    pub line: Option<u64>,
    /// 1-based column (field number in a CSV row, character in TOML).
    pub column: Option<u64>,
    /// The column's header name, where there is one.
    pub column_name: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What the user should do about it.
    pub action: String,
}

impl Diagnostic {
    /// A problem with the file as a whole.
    pub fn file(
        code: Code,
        file: &Path,
        message: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            file: file.to_path_buf(),
            line: None,
            column: None,
            column_name: None,
            message: message.into(),
            action: action.into(),
        }
    }

    /// Places the problem at a line (and optionally a column).
    pub fn at(mut self, line: u64, column: Option<u64>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// Names the column the problem is in.
    pub fn in_column(mut self, name: &str) -> Self {
        self.column_name = Some(name.to_string());
        self
    }

    /// `file:line:column`, as much of it as is known.
    pub fn location(&self) -> String {
        let mut out = self.file.display().to_string();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                out.push_str(&format!(":{column}"));
            }
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = if self.code.is_warning() {
            "warning"
        } else {
            "error"
        };
        write!(
            f,
            "{}: {severity}[{}]: {}",
            self.location(),
            self.code,
            self.message
        )?;
        if let Some(name) = &self.column_name {
            write!(f, " (column `{name}`)")?;
        }
        if !self.action.is_empty() {
            write!(f, "\n  help: {}", self.action)?;
        }
        Ok(())
    }
}

/// Collects diagnostics while loading, with a cap per file so that a file of
/// ten thousand bad rows reports fifty and a count rather than flooding.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    errors_per_file: BTreeMap<PathBuf, usize>,
    suppressed_per_file: BTreeMap<PathBuf, usize>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one diagnostic (errors beyond the per-file cap are only counted).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if !diagnostic.code.is_warning() {
            let count = self
                .errors_per_file
                .entry(diagnostic.file.clone())
                .or_default();
            *count += 1;
            if *count > ERRORS_PER_FILE {
                *self
                    .suppressed_per_file
                    .entry(diagnostic.file.clone())
                    .or_default() += 1;
                return;
            }
        }
        self.items.push(diagnostic);
    }

    /// Takes over everything another collector found.
    pub fn extend(&mut self, other: Diagnostics) {
        for diagnostic in other.items {
            self.push(diagnostic);
        }
        for (file, count) in other.suppressed_per_file {
            *self.errors_per_file.entry(file.clone()).or_default() += count;
            *self.suppressed_per_file.entry(file).or_default() += count;
        }
    }

    /// True when at least one error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.errors_per_file.values().any(|&n| n > 0)
    }

    /// Number of errors, including those beyond the cap.
    pub fn error_count(&self) -> usize {
        self.errors_per_file.values().sum()
    }

    /// The recorded errors, in the order found.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.code.is_warning())
    }

    /// The recorded warnings, in the order found.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.code.is_warning())
    }

    /// Errors per file that were counted but not kept.
    pub fn suppressed(&self) -> impl Iterator<Item = (&Path, usize)> {
        self.suppressed_per_file
            .iter()
            .map(|(file, &n)| (file.as_path(), n))
    }

    /// Everything kept, errors and warnings.
    pub fn all(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Separates warnings (kept) from errors (returned), for callers that
    /// succeed with warnings.
    pub fn into_warnings(self) -> Vec<Diagnostic> {
        self.items
            .into_iter()
            .filter(|d| d.code.is_warning())
            .collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in self.errors() {
            writeln!(f, "{diagnostic}")?;
        }
        for (file, count) in self.suppressed() {
            writeln!(
                f,
                "{}: ... and {count} more error(s) not shown",
                file.display()
            )?;
        }
        write!(f, "{} error(s)", self.error_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_and_display_name_the_place_code_and_action() {
        let d = Diagnostic::file(
            Code::E1011NotANumber,
            Path::new("s/parts.csv"),
            "`abc` is not a number",
            "write a decimal number such as 1200.50",
        )
        .at(7, Some(3))
        .in_column("unit_cost");
        assert_eq!(d.location(), "s/parts.csv:7:3");
        let text = d.to_string();
        assert!(text.starts_with(
            "s/parts.csv:7:3: error[E1011]: `abc` is not a number (column `unit_cost`)"
        ));
        assert!(text.contains("help: write a decimal number"));
    }

    #[test]
    fn errors_beyond_the_cap_are_counted_not_kept() {
        let mut all = Diagnostics::new();
        for line in 0..(ERRORS_PER_FILE as u64 + 7) {
            all.push(
                Diagnostic::file(Code::E1011NotANumber, Path::new("a.csv"), "bad", "")
                    .at(line + 2, Some(1)),
            );
        }
        all.push(Diagnostic::file(
            Code::W2003EmptyFile,
            Path::new("a.csv"),
            "empty",
            "",
        ));
        assert_eq!(all.errors().count(), ERRORS_PER_FILE);
        assert_eq!(all.error_count(), ERRORS_PER_FILE + 7);
        assert_eq!(all.warnings().count(), 1);
        assert!(all.to_string().contains("... and 7 more error(s)"));
    }
}
