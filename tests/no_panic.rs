//! Loading never panics, whatever the files contain: every input file of a
//! valid scenario is corrupted at random and loaded again.

mod common;

use common::ScenarioCopy;
use proptest::prelude::*;

const FILES: &[&str] = &[
    "scenario.toml",
    "depots.csv",
    "parts.csv",
    "sites.csv",
    "installed_base.csv",
    "tiers.csv",
    "engineers.csv",
];

/// Snippets that are likely to hit the parsers' edges.
const NASTY: &[&str] = &[
    ",",
    "\n",
    "\"",
    "-",
    "NaN",
    "inf",
    "-1",
    "1e309",
    "24:00",
    "99:99",
    "mon-",
    "\u{feff}",
    "é",
    "0x10",
    "",
    "#",
    " ",
    "Asia/",
    "nbd",
    "0",
    "4h4h",
    "[",
    "=",
    "2026-02-30T25:61",
];

fn corrupt(text: &str, position: usize, remove: usize, insert: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = position % (chars.len() + 1);
    let end = (at + remove).min(chars.len());
    chars[..at]
        .iter()
        .chain(insert.chars().collect::<Vec<_>>().iter())
        .chain(chars[end..].iter())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn corrupted_inputs_load_or_fail_cleanly(
        file in 0..FILES.len(),
        position in 0usize..4000,
        remove in 0usize..12,
        snippet in 0..NASTY.len(),
        random in "[ -~]{0,6}",
    ) {
        let copy = ScenarioCopy::fixture("tiny");
        let insert = format!("{}{}", NASTY[snippet], random);
        copy.edit(FILES[file], |text| corrupt(&text, position, remove, &insert));
        match sparesla::scenario::load(copy.path()) {
            Ok(_) => {}
            Err(error) => {
                prop_assert!(error.diagnostics.has_errors());
                for diagnostic in error.diagnostics.errors() {
                    prop_assert!(!diagnostic.message.is_empty());
                    prop_assert!(diagnostic.file.starts_with(copy.path()) || diagnostic.file.starts_with("<bundled>"));
                }
            }
        }
    }
}
