//! The files of each output folder, one struct per file (or per CSV row).
//!
//! `plan`, `dispatch`, `simulate` and `compare` write their folders by
//! serialising these structs, and the readers of `report::read` deserialise
//! the same structs before checking them against the scenario; so a column
//! or key cannot be written one way and read another. Numbers are written
//! as they always were: where a file rounds (`{:.6}` in CSV), the field says
//! so with a `serialize_with` helper of [`format`](mod@format).

pub mod compare;
pub mod dispatch;
pub mod format;
pub mod plan;
pub mod simulate;

use serde::Serialize;
use std::io;

/// A CSV file: the header `columns`, then one line per row, each row
/// serialised field by field in the order of its struct. The header is
/// written even when there is no row.
pub fn csv_text<T: Serialize, C: AsRef<[u8]>>(
    columns: impl IntoIterator<Item = C>,
    rows: impl IntoIterator<Item = T>,
) -> io::Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    writer.write_record(columns).map_err(io::Error::other)?;
    for row in rows {
        writer.serialize(row).map_err(io::Error::other)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// A JSON document as the folders hold it: pretty-printed, one final newline.
pub fn json_text<T: Serialize>(value: &T) -> io::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(value)?))
}

#[cfg(test)]
pub(crate) mod header_check {
    use serde::Serialize;

    /// The header serde derives from `row`: the struct's field names in order.
    pub fn derived_header<T: Serialize>(row: &T) -> Vec<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(row).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect()
    }
}
