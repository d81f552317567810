//! Tiers are checked by one validator, whether a row of tiers.csv or a
//! `[[tier]]` table of overlay.toml holds them: the same bad value gives the
//! same code and the same message in both (the help text differs only in
//! how each file writes the example).

mod common;

use common::{ScenarioCopy, fixtures};
use sparesla::diagnostic::Code;
use sparesla::scenario;
use std::fs;

/// The first error's code and message.
fn first_error(dir: &std::path::Path) -> (Code, String) {
    let error = scenario::load(dir).expect_err("the scenario should be rejected");
    let first = error.diagnostics.errors().next().expect("an error");
    (first.code, first.message.clone())
}

#[test]
fn a_bad_tier_reads_the_same_in_tiers_csv_and_in_an_overlay() {
    let business = "5x10-nbd,business,08:00-18:00,mon-fri,CN,nbd,0.98,5000";
    let around_the_clock = "7x24x4,24x7,,,,4h,0.95,20000";
    // (row of tiers.csv, its bad version, the overlay's [[tier]] saying the same)
    let cases = [
        (
            business,
            "5x10-nbd,business,18:00-18:00,mon-fri,CN,nbd,0.98,5000",
            "id = \"5x10-nbd\"\nwindow = \"18:00-18:00\"",
        ),
        (
            business,
            "5x10-nbd,business,08:00-18:00,mon-fry,CN,nbd,0.98,5000",
            "id = \"5x10-nbd\"\ndays = \"mon-fry\"",
        ),
        (
            business,
            "5x10-nbd,business,08:00-18:00,mon-fri,CN,nbd,1.5,5000",
            "id = \"5x10-nbd\"\ntarget = 1.5",
        ),
        (
            business,
            "5x10-nbd,business,08:00-18:00,mon-fri,CN,nbd,0.98,-5",
            "id = \"5x10-nbd\"\npenalty = -5",
        ),
        (
            business,
            "5x10-nbd,business,08:00-18:00,mon-fri,CN,4 hours,0.98,5000",
            "id = \"5x10-nbd\"\nresponse = \"4 hours\"",
        ),
        (
            around_the_clock,
            "7x24x4,24x7,,,,nbd,0.95,20000",
            "id = \"7x24x4\"\nresponse = \"nbd\"",
        ),
        (
            around_the_clock,
            "7x24x4,24x7,08:00-18:00,,,4h,0.95,20000",
            "id = \"7x24x4\"\nwindow = \"08:00-18:00\"",
        ),
    ];
    for (row, bad_row, table) in cases {
        let csv = ScenarioCopy::fixture("tiny");
        csv.replace("tiers.csv", row, bad_row);
        let from_csv = first_error(csv.path());

        let work = tempfile::tempdir().unwrap();
        let base = work.path().join("base");
        let overlay = work.path().join("overlay");
        fs::create_dir_all(&base).unwrap();
        fs::create_dir_all(&overlay).unwrap();
        for entry in fs::read_dir(fixtures().join("tiny")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), base.join(entry.file_name())).unwrap();
        }
        fs::write(
            overlay.join("overlay.toml"),
            format!("base = \"../base\"\n[[tier]]\n{table}\n"),
        )
        .unwrap();
        let from_overlay = first_error(&overlay);
        assert_eq!(from_csv, from_overlay, "{bad_row}");
    }
}
