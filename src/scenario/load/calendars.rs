//! Calendar files (`date,kind,name`) and how calendar names resolve:
//! `none`; a bare name such as `CN` (the scenario's `calendars/CN.csv` if it
//! has one, else the calendar bundled in the binary); or a path to a CSV file
//! relative to the scenario folder.

use crate::calendar::{DatedDay, DayKind, HolidayCalendar, bundled_text};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::table::{Columns, Table, decode_csv};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const CALENDAR_COLUMNS: Columns = Columns {
    required: &["date", "kind", "name"],
    optional: &[],
};

/// Parses a calendar file's text into a calendar named `name`.
pub fn parse_calendar(
    name: &str,
    path: &Path,
    text: &str,
    diagnostics: &mut Diagnostics,
) -> Option<HolidayCalendar> {
    let errors_before = diagnostics.error_count();
    let table = Table::parse(path, text, CALENDAR_COLUMNS, diagnostics)?;
    if table.is_empty() {
        // A calendar speaks for the years its rows fall in: without rows it
        // covers no day at all, and every question to it would fail later.
        diagnostics.push(
            Diagnostic::file(
                Code::E1040CalendarYearNotCovered,
                path,
                format!("calendar {name} has no rows, so it covers no year"),
                "list each year's holidays and make-up working days (date,kind,name), or use calendar `none` for plain weekdays",
            )
            .at(1, None),
        );
        return None;
    }
    let rows = table.read_rows(diagnostics, |cells| {
        let date = cells.parse("date", Code::E1019BadDateTime, |text| {
            // Spreadsheets write dates with `/` (Chinese Excel: 2026/1/1).
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
                .map_err(|_| format!("`{text}` is not a date; expected YYYY-MM-DD"))
        });
        let kind = cells.keyword(
            "kind",
            &[("holiday", DayKind::Holiday), ("workday", DayKind::Workday)],
        );
        let day_name = cells.optional_text("name").unwrap_or("").to_string();
        Some((date?, kind?, day_name, cells.line()))
    });
    let mut days = BTreeMap::new();
    let mut first_line = HashMap::new();
    for (date, kind, day_name, line) in rows {
        if let Some(first) = first_line.insert(date, line) {
            diagnostics.push(
                Diagnostic::file(
                    Code::E1030DuplicateId,
                    path,
                    format!("date {date} appears again (first on line {first})"),
                    "list each date once",
                )
                .at(line, Some(1))
                .in_column("date"),
            );
            continue;
        }
        days.insert(
            date,
            DatedDay {
                kind,
                name: day_name,
            },
        );
    }
    (diagnostics.error_count() == errors_before).then(|| HolidayCalendar::from_days(name, days))
}

/// Resolves calendar names once each, caching what it loaded.
pub struct CalendarResolver {
    dir: PathBuf,
    cache: HashMap<String, Option<Arc<HolidayCalendar>>>,
}

impl CalendarResolver {
    /// Resolves names relative to `dir` (the scenario folder, or the current
    /// directory for the command line).
    pub fn new(dir: &Path) -> Self {
        CalendarResolver {
            dir: dir.to_path_buf(),
            cache: HashMap::new(),
        }
    }

    /// The calendar a name refers to. Problems inside a calendar file go to
    /// `diagnostics`; an unknown name is returned as an error message.
    pub fn resolve(
        &mut self,
        spec: &str,
        diagnostics: &mut Diagnostics,
    ) -> Result<Option<Arc<HolidayCalendar>>, String> {
        if let Some(cached) = self.cache.get(spec) {
            return Ok(cached.clone());
        }
        let resolved = self.load(spec, diagnostics)?;
        self.cache.insert(spec.to_string(), resolved.clone());
        Ok(resolved)
    }

    fn load(
        &self,
        spec: &str,
        diagnostics: &mut Diagnostics,
    ) -> Result<Option<Arc<HolidayCalendar>>, String> {
        if spec.eq_ignore_ascii_case("none") {
            return Ok(Some(Arc::new(HolidayCalendar::none())));
        }
        let looks_like_path = spec.contains('/') || spec.contains('\\') || spec.ends_with(".csv");
        let (name, path) = if looks_like_path {
            let path = self.dir.join(spec);
            let name = Path::new(spec)
                .file_stem()
                .map_or(spec.to_string(), |s| s.to_string_lossy().into_owned());
            (name, path)
        } else {
            let local = self.dir.join("calendars").join(format!("{spec}.csv"));
            if !local.exists() {
                return match bundled_text(spec) {
                    Some(text) => {
                        let path = PathBuf::from(format!("<bundled>/data/calendars/{spec}.csv"));
                        Ok(parse_calendar(spec, &path, text, diagnostics).map(Arc::new))
                    }
                    None => Err(format!(
                        "unknown calendar `{spec}`: no file {} and no bundled calendar of that name (bundled: {})",
                        local.display(),
                        crate::calendar::bundled_names()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
            }
            (spec.to_string(), local)
        };
        match crate::bounded_read::read_input(&path) {
            Ok(bytes) => Ok(decode_csv(&path, bytes, diagnostics)
                .and_then(|text| parse_calendar(&name, &path, &text, diagnostics))
                .map(Arc::new)),
            Err(error) => Err(format!("calendar file {}: {error}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_cn_has_both_years() {
        let mut diagnostics = Diagnostics::new();
        let mut resolver = CalendarResolver::new(Path::new("/nonexistent"));
        let cn = resolver.resolve("CN", &mut diagnostics).unwrap().unwrap();
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        assert_eq!(cn.covered_description(), "2025-2026");
        assert!(
            resolver
                .resolve("none", &mut diagnostics)
                .unwrap()
                .unwrap()
                .is_none()
        );
        let err = resolver.resolve("XX", &mut diagnostics).unwrap_err();
        assert!(err.contains("unknown calendar `XX`"), "{err}");
    }

    #[test]
    fn bad_calendar_rows_are_located() {
        let mut diagnostics = Diagnostics::new();
        let text = "date,kind,name\n2025-01-01,holiday,NY\n2025-02-30,holiday,x\n2025-01-01,workday,y\n2025-03-01,vacation,z\n";
        let calendar = parse_calendar("T", Path::new("T.csv"), text, &mut diagnostics);
        assert!(calendar.is_none());
        let found: Vec<_> = diagnostics
            .errors()
            .map(|d| (d.code, d.location()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Code::E1019BadDateTime, "T.csv:3:1".to_string()),
                (Code::E1015UnknownKeyword, "T.csv:5:2".to_string()),
                (Code::E1030DuplicateId, "T.csv:4:1".to_string()),
            ]
        );
    }
}
