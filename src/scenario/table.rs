//! Reading one CSV file into typed values, with every bad cell reported at
//! its line and column. Loaders declare their columns; rows are read through
//! [`Cells`], whose accessors return `None` after recording a diagnostic, so a
//! loader can read a whole file and report all its errors at once.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::ranges::Bounds;
use csv::StringRecord;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The columns a file must and may have.
#[derive(Clone, Copy, Debug)]
pub struct Columns {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

/// A parsed CSV file: header plus records with their line numbers.
#[derive(Debug)]
pub struct Table {
    path: PathBuf,
    /// The header as read, for deserialising rows by column name.
    header: StringRecord,
    column_of: HashMap<String, usize>,
    rows: Vec<(u64, StringRecord)>,
    /// Rows rejected for their shape; their ids still count as present.
    misshapen: Vec<StringRecord>,
    /// `;`-separated, as spreadsheets save CSV where the comma is the
    /// decimal separator; numbers may then be written `31,2304`.
    decimal_comma: bool,
}

impl Table {
    /// Parses `text` (the content of `path`) and checks its header against
    /// `columns`. Returns `None` when the file cannot be read as a table at
    /// all or lacks a required column (both recorded in `diagnostics`).
    pub fn parse(
        path: &Path,
        text: &str,
        columns: Columns,
        diagnostics: &mut Diagnostics,
    ) -> Option<Table> {
        let mut reader = csv_reader(path, text, diagnostics);
        let header = match reader.headers() {
            Ok(header) => header.clone(),
            Err(error) => {
                diagnostics.push(malformed(path, &error));
                return None;
            }
        };
        if header.is_empty() || header.iter().all(str::is_empty) {
            diagnostics.push(Diagnostic::file(
                Code::E1003MissingColumn,
                path,
                format!(
                    "the file is empty; expected a header line `{}`",
                    columns.required.join(",")
                ),
                "write the header line first, then one row per record",
            ));
            return None;
        }
        let header_line = header.position().map_or(1, |p| p.line());
        if let Some(separator) = other_separator(&header, columns) {
            diagnostics.push(
                Diagnostic::file(
                    Code::E1002Malformed,
                    path,
                    format!(
                        "the header is one column `{}`: the file seems separated by {separator}, not `,`",
                        &header[0]
                    ),
                    "save the file as CSV separated by `,` (or `;`)",
                )
                .at(header_line, None),
            );
            return None;
        }
        let mut column_of = HashMap::new();
        let mut header_ok = true;
        for (i, name) in header.iter().enumerate() {
            if column_of.insert(name.to_string(), i).is_some() {
                header_ok = false;
                diagnostics.push(
                    Diagnostic::file(
                        Code::E1004DuplicateColumn,
                        path,
                        format!("column `{name}` appears twice in the header"),
                        "keep one column of each name",
                    )
                    .at(header_line, Some(i as u64 + 1)),
                );
            } else if !columns.required.contains(&name) && !columns.optional.contains(&name) {
                diagnostics.push(
                    Diagnostic::file(
                        Code::W2001UnknownColumn,
                        path,
                        format!("column `{name}` is not used and is ignored"),
                        format!(
                            "known columns: {}",
                            columns
                                .required
                                .iter()
                                .chain(columns.optional)
                                .copied()
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .at(header_line, Some(i as u64 + 1)),
                );
            }
        }
        for required in columns.required {
            if !column_of.contains_key(*required) {
                header_ok = false;
                diagnostics.push(
                    Diagnostic::file(
                        Code::E1003MissingColumn,
                        path,
                        format!("required column `{required}` is missing"),
                        format!(
                            "the header must name the columns {}",
                            columns.required.join(",")
                        ),
                    )
                    .at(header_line, None),
                );
            }
        }
        if !header_ok {
            return None;
        }
        let mut rows = Vec::new();
        let mut misshapen = Vec::new();
        for result in reader.records() {
            match result {
                Ok(record) if is_blank(&record) => {}
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line());
                    if record.len() != header.len() {
                        diagnostics.push(
                            Diagnostic::file(
                                Code::E1002Malformed,
                                path,
                                format!(
                                    "this row has {} field(s) but the header has {}",
                                    record.len(),
                                    header.len()
                                ),
                                "give every row one value per header column (empty values are allowed where optional; quote values that contain commas)",
                            )
                            .at(line, None),
                        );
                        misshapen.push(record);
                        continue;
                    }
                    rows.push((line, record));
                }
                Err(error) => diagnostics.push(malformed(path, &error)),
            }
        }
        if rows.is_empty() {
            diagnostics.push(Diagnostic::file(
                Code::W2003EmptyFile,
                path,
                "the file has a header but no rows",
                "add rows, or remove the file if it is optional",
            ));
        }
        Some(Table {
            path: path.to_path_buf(),
            header,
            column_of,
            rows,
            misshapen,
            decimal_comma: separator(text) == b';',
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based number of a column in the header.
    pub fn column_number(&self, name: &str) -> Option<u64> {
        self.column_of.get(name).map(|&i| i as u64 + 1)
    }

    /// Every non-empty value of a column, valid row or not.
    pub fn raw_values<'a>(&'a self, column: &str) -> impl Iterator<Item = &'a str> + 'a {
        let index = self.column_of.get(column).copied();
        self.rows
            .iter()
            .map(|(_, record)| record)
            .chain(&self.misshapen)
            .filter_map(move |record| record.get(index?))
            .filter(|value| !value.is_empty())
    }

    /// The line of the first row whose `column` holds `value`.
    pub fn line_of(&self, column: &str, value: &str) -> Option<u64> {
        let index = *self.column_of.get(column)?;
        self.rows
            .iter()
            .find(|(_, record)| record.get(index) == Some(value))
            .map(|(line, _)| *line)
    }

    /// Whether the header has this column.
    pub fn has_column(&self, name: &str) -> bool {
        self.column_of.contains_key(name)
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Reads every row through `read`, which gets the row's cells.
    pub fn read_rows<T>(
        &self,
        diagnostics: &mut Diagnostics,
        mut read: impl FnMut(&mut Cells<'_>) -> Option<T>,
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(self.rows.len());
        for (line, record) in &self.rows {
            let mut cells = Cells {
                table: self,
                record,
                line: *line,
                diagnostics: &mut *diagnostics,
                failed: false,
            };
            let value = read(&mut cells);
            if let (Some(value), false) = (value, cells.failed) {
                out.push(value);
            }
        }
        out
    }
}

/// The text of a CSV file as spreadsheets save it: UTF-8 (a byte-order mark
/// is dropped), or else GB18030, the superset of GBK that Chinese Excel
/// writes, with a warning naming it. `None` after an error when neither fits.
pub fn decode_csv(path: &Path, bytes: Vec<u8>, diagnostics: &mut Diagnostics) -> Option<String> {
    if let Some(text) = decode_utf16(path, &bytes, diagnostics) {
        return text;
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Some(strip_bom(text)),
        Err(error) => error.into_bytes(),
    };
    if let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&bytes)
    {
        diagnostics.push(Diagnostic::file(
            Code::W2007ReadAs,
            path,
            "the file is not UTF-8; it was read as GB18030 (GBK), the encoding of Chinese Excel",
            "if the names look wrong, save the file as \"CSV UTF-8\"",
        ));
        return Some(text.into_owned());
    }
    let offset = std::str::from_utf8(&bytes)
        .err()
        .map_or(bytes.len(), |error| error.valid_up_to());
    let valid = String::from_utf8_lossy(&bytes[..offset]);
    let (line, column) = super::line_column(&valid, offset);
    diagnostics.push(
        Diagnostic::file(
            Code::E1002Malformed,
            path,
            "the file is neither UTF-8 nor GB18030 (GBK) text",
            "save the file as \"CSV UTF-8\"",
        )
        .at(line, Some(column)),
    );
    None
}

/// UTF-16 text with its byte-order mark, as Excel saves "Unicode Text":
/// `Some` when the file starts with one (`Some(None)` after an error).
fn decode_utf16(
    path: &Path,
    bytes: &[u8],
    diagnostics: &mut Diagnostics,
) -> Option<Option<String>> {
    let (encoding, bom_length) = encoding_rs::Encoding::for_bom(bytes)?;
    if encoding == encoding_rs::UTF_8 {
        return None;
    }
    let text = encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom_length..]);
    diagnostics.push(match &text {
        Some(_) => Diagnostic::file(
            Code::W2007ReadAs,
            path,
            format!(
                "the file is {} text (Excel's \"Unicode Text\")",
                encoding.name()
            ),
            "nothing to do; to silence this, save the file as \"CSV UTF-8\"",
        ),
        None => Diagnostic::file(
            Code::E1002Malformed,
            path,
            format!("the file starts as {} text but is not", encoding.name()),
            "save the file as \"CSV UTF-8\"",
        ),
    });
    Some(text.map(|text| text.into_owned()))
}

fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// A line spreadsheets leave behind: only separators and spaces (`,,,,`).
fn is_blank_line(line: &str) -> bool {
    line.chars()
        .all(|c| c == ',' || c == ';' || c.is_whitespace())
}

/// The index of the header line: the first that is neither blank nor a comment.
fn header_index(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| !is_blank_line(line) && !line.starts_with('#'))
}

/// The separator of a CSV text: `;` when its header has a `;` and no `,`,
/// a tab when it has tabs and neither, else `,`.
fn separator(text: &str) -> u8 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = header_index(text)
        .and_then(|index| text.lines().nth(index))
        .unwrap_or_default();
    match (
        header.contains(','),
        header.contains(';'),
        header.contains('\t'),
    ) {
        (false, true, _) => b';',
        (false, false, true) => b'\t',
        _ => b',',
    }
}

/// A CSV reader over `text` with the separator its header uses (see
/// `separator`: `;` as spreadsheets in many locales save "CSV", tabs as
/// they save "Unicode Text"), with a warning when it is not `,`. Cells are
/// trimmed, `#` lines are comments, rows of only separators and spaces
/// before the header are skipped, and rows may have any number of fields
/// (checked later).
pub fn csv_reader<'a>(
    path: &Path,
    text: &'a str,
    diagnostics: &mut Diagnostics,
) -> csv::Reader<std::io::Cursor<Cow<'a, [u8]>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_index = header_index(text);
    let delimiter = separator(text);
    let read_as = match delimiter {
        b';' => Some("`;` as separator (and `,` as decimal separator)"),
        b'\t' => Some("tabs as separator"),
        _ => None,
    };
    if let Some(read_as) = read_as {
        diagnostics.push(Diagnostic::file(
            Code::W2007ReadAs,
            path,
            format!("the header is not separated by `,`, so the file was read with {read_as}"),
            "nothing to do; to silence this, save the file with `,` as separator",
        ));
    }
    let leading_blank = text
        .lines()
        .take(header_index.unwrap_or(0))
        .any(|line| !line.is_empty() && !line.starts_with('#'));
    // Blank rows above the header become empty lines, which the reader
    // skips, so every line keeps its number.
    let bytes: Cow<'a, [u8]> = if leading_blank {
        let mut lines: Vec<&str> = text.split('\n').collect();
        for line in lines.iter_mut().take(header_index.unwrap_or(0)) {
            if is_blank_line(line) {
                *line = "";
            }
        }
        Cow::Owned(lines.join("\n").into_bytes())
    } else {
        Cow::Borrowed(text.as_bytes())
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(std::io::Cursor::new(bytes))
}

/// The separator a one-column header seems to use instead of `,` (a bar),
/// when the file needs more columns.
fn other_separator(header: &StringRecord, columns: Columns) -> Option<&'static str> {
    if header.len() != 1 || columns.required.len() < 2 {
        return None;
    }
    header[0].contains('|').then_some("`|`")
}

/// A row spreadsheets leave behind: only separators and spaces (`,,,,`).
pub fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
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

/// The ids another table can refer to. Ids whose row was rejected, and any
/// id of a file that could not be read, resolve to nothing *without* a new
/// error: the cause was already reported where it is, and one mistake should
/// not be reported again at every reference to it.
#[derive(Debug)]
pub struct Refs<I> {
    valid: HashMap<String, I>,
    present: std::collections::HashSet<String>,
    complete: bool,
    what: &'static str,
    file: &'static str,
}

impl<I: Copy> Refs<I> {
    /// Ids of `table` (`None` if the file could not be read), of which `valid` loaded.
    pub fn new(
        what: &'static str,
        file: &'static str,
        valid: HashMap<String, I>,
        table: Option<&Table>,
    ) -> Self {
        Refs {
            present: table
                .map(|t| t.raw_values("id").map(str::to_string).collect())
                .unwrap_or_default(),
            complete: table.is_some(),
            valid,
            what,
            file,
        }
    }

    /// Only the valid ids (for files loaded elsewhere).
    pub fn of_valid(what: &'static str, file: &'static str, valid: HashMap<String, I>) -> Self {
        Refs {
            present: std::collections::HashSet::new(),
            complete: true,
            valid,
            what,
            file,
        }
    }

    pub fn get(&self, id: &str) -> Option<I> {
        self.valid.get(id).copied()
    }

    /// Whether an unresolved id was already reported elsewhere.
    fn already_reported(&self, id: &str) -> bool {
        !self.complete || self.present.contains(id)
    }
}

/// The cells of one row, read with diagnostics. Every accessor returns
/// `None` after recording why the value is unusable.
pub struct Cells<'t> {
    table: &'t Table,
    record: &'t StringRecord,
    line: u64,
    diagnostics: &'t mut Diagnostics,
    failed: bool,
}

impl<'t> Cells<'t> {
    /// The row's 1-based line number.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The raw cell, `None` if the column is absent.
    fn raw(&self, column: &str) -> Option<&'t str> {
        let index = *self.table.column_of.get(column)?;
        self.record.get(index)
    }

    fn column_number(&self, column: &str) -> Option<u64> {
        self.table.column_number(column)
    }

    /// Records an error at this row and column; the row is dropped.
    pub fn error(
        &mut self,
        column: &str,
        code: Code,
        message: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.failed |= !code.is_warning();
        let diagnostic = Diagnostic::file(code, &self.table.path, message, action)
            .at(self.line, self.column_number(column))
            .in_column(column);
        self.diagnostics.push(diagnostic);
    }

    /// The whole row as `T`, deserialised by serde with the header's column
    /// names (output folders are read into the structs they are written
    /// from). Columns the header lacks take their serde default; a cell that
    /// does not fit its field is reported at its column, and the row dropped.
    /// In a `;`-separated file, numbers written with a decimal comma are read
    /// as with a dot, as [`Self::number`] reads them.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        let record = if self.table.decimal_comma {
            Cow::Owned(
                self.record
                    .iter()
                    .map(decimal_point)
                    .collect::<StringRecord>(),
            )
        } else {
            Cow::Borrowed(self.record)
        };
        match record.deserialize::<T>(Some(&self.table.header)) {
            Ok(value) => Some(value),
            Err(error) => {
                self.deserialize_error(&error);
                None
            }
        }
    }

    /// Reports why a row does not deserialise, at the cell that failed.
    fn deserialize_error(&mut self, error: &csv::Error) {
        let csv::ErrorKind::Deserialize { err, .. } = error.kind() else {
            self.failed = true;
            self.diagnostics
                .push(malformed(&self.table.path, error).at(self.line, None));
            return;
        };
        let column = err
            .field()
            .and_then(|index| self.table.header.get(index as usize))
            .unwrap_or("")
            .to_string();
        let text = self.raw(&column).unwrap_or("");
        let (code, message, action) = match err.kind() {
            _ if text.is_empty() && !column.is_empty() => (
                Code::E1010EmptyValue,
                "value is empty".to_string(),
                format!("give a value for `{column}`"),
            ),
            csv::DeserializeErrorKind::ParseInt(_) => whole_number_problem(&column, text),
            csv::DeserializeErrorKind::ParseFloat(_) => (
                Code::E1011NotANumber,
                format!("`{text}` is not a number"),
                NUMBER_ACTION.to_string(),
            ),
            csv::DeserializeErrorKind::ParseBool(_) => (
                Code::E1015UnknownKeyword,
                format!("`{text}` is not one of: true, false"),
                "write one of true, false".to_string(),
            ),
            csv::DeserializeErrorKind::Message(message)
                if message.starts_with("unknown variant") =>
            {
                let expected = message
                    .split_once("expected ")
                    .map_or(message.as_str(), |(_, expected)| expected)
                    .replace('`', "");
                (
                    Code::E1015UnknownKeyword,
                    format!("`{text}` is not {expected}"),
                    format!("write {expected}"),
                )
            }
            other => (
                Code::E1002Malformed,
                other.to_string(),
                "give the file the command wrote, unchanged".to_string(),
            ),
        };
        self.error(&column, code, message, action);
    }

    /// A required, non-empty text value.
    pub fn text(&mut self, column: &str) -> Option<&'t str> {
        match self.raw(column) {
            Some("") => {
                self.error(
                    column,
                    Code::E1010EmptyValue,
                    "value is empty",
                    format!("give a value for `{column}`"),
                );
                None
            }
            other => other,
        }
    }

    /// An optional text value: `None` when the column is absent or empty.
    pub fn optional_text(&self, column: &str) -> Option<&'t str> {
        self.raw(column).filter(|s| !s.is_empty())
    }

    /// A required value parsed by `parse`, whose error text says what was expected.
    pub fn parse<T>(
        &mut self,
        column: &str,
        code: Code,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.text(column)?;
        self.parse_text(column, text, code, parse)
    }

    /// An optional value parsed by `parse`; `default` when absent or empty.
    pub fn parse_or<T>(
        &mut self,
        column: &str,
        default: T,
        code: Code,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.optional_text(column) {
            None => Some(default),
            Some(text) => self.parse_text(column, text, code, parse),
        }
    }

    fn parse_text<T>(
        &mut self,
        column: &str,
        text: &str,
        code: Code,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.error(column, code, message, "");
                None
            }
        }
    }

    /// A required finite number.
    pub fn number(&mut self, column: &str) -> Option<f64> {
        let text = self.text(column)?;
        self.number_text(column, text)
    }

    /// An optional finite number; `default` when absent or empty.
    pub fn number_or(&mut self, column: &str, default: f64) -> Option<f64> {
        match self.optional_text(column) {
            None => Some(default),
            Some(text) => self.number_text(column, text),
        }
    }

    fn number_text(&mut self, column: &str, text: &str) -> Option<f64> {
        let parsed = if self.table.decimal_comma && text.matches(',').count() == 1 {
            text.replace(',', ".").parse::<f64>()
        } else {
            text.parse::<f64>()
        };
        match parsed {
            Ok(value) if value.is_finite() => Some(value),
            Ok(_) => {
                self.error(
                    column,
                    Code::E1012NotFinite,
                    format!("`{text}` is not a finite number"),
                    "write an ordinary decimal number; NaN and infinity are not allowed",
                );
                None
            }
            Err(_) => {
                self.error(
                    column,
                    Code::E1011NotANumber,
                    format!("`{text}` is not a number"),
                    NUMBER_ACTION,
                );
                None
            }
        }
    }

    /// A required number at least zero.
    pub fn non_negative(&mut self, column: &str) -> Option<f64> {
        let value = self.number(column)?;
        self.check_non_negative(column, value)
    }

    /// An optional number at least zero; `default` when absent or empty.
    pub fn non_negative_or(&mut self, column: &str, default: f64) -> Option<f64> {
        let value = self.number_or(column, default)?;
        self.check_non_negative(column, value)
    }

    fn check_non_negative(&mut self, column: &str, value: f64) -> Option<f64> {
        if value < 0.0 {
            self.error(
                column,
                Code::E1013OutOfDomain,
                format!("{value} is negative"),
                format!("`{column}` must be zero or more"),
            );
            return None;
        }
        Some(value)
    }

    /// A required number strictly above zero.
    pub fn positive(&mut self, column: &str) -> Option<f64> {
        let value = self.number(column)?;
        self.check_positive(column, value)
    }

    /// An optional number strictly above zero; `default` when absent or empty.
    pub fn positive_or(&mut self, column: &str, default: f64) -> Option<f64> {
        let value = self.number_or(column, default)?;
        self.check_positive(column, value)
    }

    fn check_positive(&mut self, column: &str, value: f64) -> Option<f64> {
        if value <= 0.0 {
            self.error(
                column,
                Code::E1013OutOfDomain,
                format!("{value} is not positive"),
                format!("`{column}` must be greater than zero"),
            );
            return None;
        }
        Some(value)
    }

    /// A required number within `[low, high]`.
    pub fn in_range(&mut self, column: &str, low: f64, high: f64) -> Option<f64> {
        let value = self.number(column)?;
        if value < low || value > high {
            self.error(
                column,
                Code::E1014OutOfRange,
                format!("{value} is outside [{low}, {high}]"),
                format!("`{column}` must lie between {low} and {high}"),
            );
            return None;
        }
        Some(value)
    }

    /// A required number within its documented range: below a lower end of
    /// zero is E1013 (negative, or not positive), anything else outside E1014.
    pub fn bounded(&mut self, column: &str, bounds: Bounds) -> Option<f64> {
        let value = self.number(column)?;
        self.check_bounds(column, value, bounds)
    }

    /// An optional number within its range; `default` when absent or empty.
    pub fn bounded_or(&mut self, column: &str, default: f64, bounds: Bounds) -> Option<f64> {
        let value = self.number_or(column, default)?;
        self.check_bounds(column, value, bounds)
    }

    fn check_bounds(&mut self, column: &str, value: f64, bounds: Bounds) -> Option<f64> {
        if bounds.contains(value) {
            return Some(value);
        }
        if bounds.low == 0.0 && value <= 0.0 {
            return if bounds.low_open {
                self.check_positive(column, value)
            } else {
                self.check_non_negative(column, value)
            };
        }
        self.error(
            column,
            Code::E1014OutOfRange,
            format!("{value} is outside {bounds}"),
            format!("`{column}` must lie in {bounds} (see docs/scenario-format.md)"),
        );
        None
    }

    /// A required whole number `>= minimum`.
    pub fn count(&mut self, column: &str, minimum: u32) -> Option<u32> {
        self.count_in(column, (minimum, u32::MAX))
    }

    /// A required whole number in `minimum..=maximum`.
    pub fn count_in(&mut self, column: &str, (minimum, maximum): (u32, u32)) -> Option<u32> {
        let text = self.text(column)?;
        match text.parse::<u32>() {
            Ok(value) if (minimum..=maximum).contains(&value) => Some(value),
            Ok(value) if value < minimum => {
                self.error(
                    column,
                    Code::E1013OutOfDomain,
                    format!("{value} is below {minimum}"),
                    format!("`{column}` must be a whole number of at least {minimum}"),
                );
                None
            }
            Ok(value) => {
                self.error(
                    column,
                    Code::E1014OutOfRange,
                    format!("{value} is above {maximum}"),
                    format!("`{column}` must be a whole number from {minimum} to {maximum}"),
                );
                None
            }
            Err(_) if text.parse::<u128>().is_ok() => {
                self.error(
                    column,
                    Code::E1014OutOfRange,
                    format!("{text} is above {maximum}"),
                    format!("`{column}` must be a whole number from {minimum} to {maximum}"),
                );
                None
            }
            Err(_) => {
                let code = if text.parse::<f64>().is_ok() {
                    Code::E1013OutOfDomain
                } else {
                    Code::E1011NotANumber
                };
                self.error(
                    column,
                    code,
                    format!("`{text}` is not a whole number"),
                    format!("`{column}` must be a whole number such as 0, 1 or 12"),
                );
                None
            }
        }
    }

    /// A required keyword from a fixed list.
    pub fn keyword<T: Copy>(&mut self, column: &str, choices: &[(&str, T)]) -> Option<T> {
        let text = self.text(column)?;
        self.keyword_text(column, text, choices)
    }

    /// An optional keyword; `default` when absent or empty.
    pub fn keyword_or<T: Copy>(
        &mut self,
        column: &str,
        default: T,
        choices: &[(&str, T)],
    ) -> Option<T> {
        match self.optional_text(column) {
            None => Some(default),
            Some(text) => self.keyword_text(column, text, choices),
        }
    }

    fn keyword_text<T: Copy>(
        &mut self,
        column: &str,
        text: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        if let Some((_, value)) = choices.iter().find(|(word, _)| *word == text) {
            return Some(*value);
        }
        let words: Vec<&str> = choices.iter().map(|(word, _)| *word).collect();
        self.error(
            column,
            Code::E1015UnknownKeyword,
            format!("`{text}` is not one of: {}", words.join(", ")),
            format!("write one of {}", words.join(", ")),
        );
        None
    }

    /// A required reference to an id of another table.
    pub fn reference<I: Copy>(&mut self, column: &str, refs: &Refs<I>) -> Option<I> {
        let text = self.text(column)?;
        self.reference_text(column, text, refs)
    }

    /// Resolves one id against another table, recording a truly unknown one.
    pub fn reference_text<I: Copy>(
        &mut self,
        column: &str,
        text: &str,
        refs: &Refs<I>,
    ) -> Option<I> {
        if let Some(id) = refs.get(text) {
            return Some(id);
        }
        if refs.already_reported(text) {
            self.failed = true;
        } else {
            self.error(
                column,
                Code::E1031UnknownReference,
                format!("unknown {} `{text}`", refs.what),
                format!("use an id listed in {}", refs.file),
            );
        }
        None
    }
}

/// What to write where a number is expected.
const NUMBER_ACTION: &str = "write a decimal number such as 1250 or 0.35 (a dot as decimal separator, no units or thousands separators)";

/// `31,2304` as `31.2304`: a cell of a `;`-separated file holding one
/// decimal comma and otherwise a number. Any other cell is kept as it is.
fn decimal_point(cell: &str) -> String {
    if cell.matches(',').count() == 1 {
        let dotted = cell.replace(',', ".");
        if dotted.parse::<f64>().is_ok() {
            return dotted;
        }
    }
    cell.to_string()
}

/// Why `text` is no whole number for its field: negative or fractional
/// (E1013), too large (E1014) or no number at all (E1011).
fn whole_number_problem(column: &str, text: &str) -> (Code, String, String) {
    let action = format!("`{column}` must be a whole number such as 0, 1 or 12");
    if text.parse::<u128>().is_ok() {
        (
            Code::E1014OutOfRange,
            format!("{text} is too large"),
            action,
        )
    } else if text.parse::<f64>().is_ok() {
        (
            Code::E1013OutOfDomain,
            format!("`{text}` is not a whole number"),
            action,
        )
    } else {
        (
            Code::E1011NotANumber,
            format!("`{text}` is not a whole number"),
            action,
        )
    }
}

/// Keeps the first row of each id and reports later ones as duplicates.
/// `rows` pairs each value with its line; `column` is the id's column number.
pub fn drop_duplicate_ids<T>(
    path: &Path,
    rows: Vec<(T, u64)>,
    id_of: impl Fn(&T) -> &str,
    column: Option<u64>,
    diagnostics: &mut Diagnostics,
) -> Vec<T> {
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for (value, line) in rows {
        let id = id_of(&value);
        if let Some(first) = first_line.get(id) {
            diagnostics.push(
                Diagnostic::file(
                    Code::E1030DuplicateId,
                    path,
                    format!("id `{id}` is used again (first on line {first})"),
                    "give every row its own id",
                )
                .at(line, column)
                .in_column("id"),
            );
            continue;
        }
        first_line.insert(id.to_string(), line);
        kept.push(value);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: Columns = Columns {
        required: &["id", "cost"],
        optional: &["note"],
    };

    fn parse(text: &str) -> (Option<Table>, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let table = Table::parse(Path::new("t.csv"), text, COLUMNS, &mut diagnostics);
        (table, diagnostics)
    }

    #[test]
    fn bad_cells_are_reported_at_line_and_column_and_all_rows_are_read() {
        let (table, mut diagnostics) = parse("id,cost\na,1\nb,x\nc,NaN\nd,-2\ne,3\n");
        let table = table.unwrap();
        let values = table.read_rows(&mut diagnostics, |cells| {
            let id = cells.text("id")?.to_string();
            let cost = cells.non_negative("cost")?;
            Some((id, cost))
        });
        assert_eq!(values, vec![("a".to_string(), 1.0), ("e".to_string(), 3.0)]);
        let places: Vec<_> = diagnostics
            .errors()
            .map(|d| (d.code.as_str(), d.location()))
            .collect();
        assert_eq!(
            places,
            vec![
                ("E1011", "t.csv:3:2".to_string()),
                ("E1012", "t.csv:4:2".to_string()),
                ("E1013", "t.csv:5:2".to_string()),
            ]
        );
    }

    #[test]
    fn header_problems_stop_the_file() {
        let (table, diagnostics) = parse("id,price\na,1\n");
        assert!(table.is_none());
        let error = diagnostics.errors().next().unwrap();
        assert_eq!(error.code, Code::E1003MissingColumn);
        assert!(error.message.contains("`cost`"));
        assert_eq!(error.location(), "t.csv:1");
        assert_eq!(
            diagnostics.warnings().next().unwrap().code,
            Code::W2001UnknownColumn
        );

        let (table, diagnostics) = parse("id,cost,id\n");
        assert!(table.is_none());
        assert_eq!(diagnostics.errors().next().unwrap().location(), "t.csv:1:3");

        let (table, diagnostics) = parse("");
        assert!(table.is_none());
        assert!(diagnostics.has_errors());
    }

    #[test]
    fn wrong_field_counts_and_comments() {
        let (table, diagnostics) = parse("# a comment\nid,cost\na,1,9\n\nb,2\n");
        let table = table.unwrap();
        assert_eq!(table.len(), 1);
        let error = diagnostics.errors().next().unwrap();
        assert_eq!(
            (error.code, error.location()),
            (Code::E1002Malformed, "t.csv:3".to_string())
        );
    }

    #[test]
    fn blank_rows_are_skipped_and_semicolons_are_read_with_a_note() {
        let (table, diagnostics) = parse("id,cost\na,1\n,\n   \n , \nb,2\n");
        assert_eq!(table.unwrap().len(), 2);
        assert!(diagnostics.all().is_empty(), "{diagnostics}");

        let (table, diagnostics) = parse(",,\n  \n# a comment\nid,cost\n\na,1\nb,x\n");
        let table = table.unwrap();
        assert_eq!(table.len(), 2);
        let mut diagnostics = diagnostics;
        table.read_rows(&mut diagnostics, |cells| cells.number("cost"));
        assert_eq!(diagnostics.errors().next().unwrap().location(), "t.csv:7:2");

        let (table, diagnostics) = parse("\u{feff}id;cost;note\na;1;x,y\n;;\nb;0,25;\nc;1.5;\n");
        let table = table.unwrap();
        assert_eq!(table.len(), 3);
        assert_eq!(table.raw_values("note").collect::<Vec<_>>(), ["x,y"]);
        let mut found = Diagnostics::new();
        let costs = table.read_rows(&mut found, |cells| cells.number("cost"));
        assert_eq!(costs, [1.0, 0.25, 1.5]);
        let notes: Vec<_> = diagnostics.all().iter().map(|d| d.code).collect();
        assert_eq!(notes, [Code::W2007ReadAs]);
    }

    #[test]
    fn tabs_are_read_and_a_bar_separated_header_is_one_error_that_names_it() {
        let (table, diagnostics) = parse("id\tcost\tnote\na\t1\tx, y\n\t\t\n");
        let table = table.unwrap();
        assert_eq!(table.len(), 1);
        assert_eq!(table.raw_values("note").collect::<Vec<_>>(), ["x, y"]);
        assert_eq!(diagnostics.all()[0].code, Code::W2007ReadAs);

        let (table, diagnostics) = parse("id|cost\n");
        assert!(table.is_none());
        let errors: Vec<_> = diagnostics.errors().collect();
        assert_eq!(errors.len(), 1, "{diagnostics}");
        assert_eq!(errors[0].code, Code::E1002Malformed);
        assert!(errors[0].message.contains("`|`"), "{}", errors[0].message);
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_with_a_note() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "id\tname\n1\t上海\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let mut diagnostics = Diagnostics::new();
        let text = decode_csv(Path::new("t.txt"), bytes, &mut diagnostics).unwrap();
        assert_eq!(text, "id\tname\n1\t上海\n");
        let note = diagnostics.warnings().next().unwrap();
        assert!(note.message.contains("UTF-16LE"), "{}", note.message);
    }

    #[test]
    fn text_that_is_not_utf8_is_read_as_gb18030_with_a_note() {
        let mut diagnostics = Diagnostics::new();
        let bytes = encoding_rs::GB18030
            .encode("id,name\n1,上海\n")
            .0
            .into_owned();
        let text = decode_csv(Path::new("t.csv"), bytes, &mut diagnostics).unwrap();
        assert_eq!(text, "id,name\n1,上海\n");
        assert_eq!(
            diagnostics.warnings().next().unwrap().code,
            Code::W2007ReadAs
        );

        let mut diagnostics = Diagnostics::new();
        let text = decode_csv(
            Path::new("t.csv"),
            b"\xef\xbb\xbfid\n".to_vec(),
            &mut diagnostics,
        );
        assert_eq!(text.as_deref(), Some("id\n"));
        assert!(diagnostics.all().is_empty());
    }

    #[test]
    fn duplicate_ids() {
        let mut diagnostics = Diagnostics::new();
        let kept = drop_duplicate_ids(
            Path::new("t.csv"),
            vec![("a", 2), ("b", 3), ("a", 4)],
            |id| id,
            Some(1),
            &mut diagnostics,
        );
        assert_eq!(kept, vec!["a", "b"]);
        let error = diagnostics.errors().next().unwrap();
        assert_eq!(error.location(), "t.csv:4:1");
        assert!(error.message.contains("first on line 2"));
    }
}
