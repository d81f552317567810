//! Files as spreadsheets save them: `;` as separator, GB18030 (GBK) text
//! from Chinese Excel, rows of only separators or spaces. They are read as
//! the user meant them, with a note saying how.

mod common;

use common::{ScenarioCopy, fixtures, sparesla, text};
use sparesla::scenario;

#[test]
fn an_excel_saved_scenario_validates_with_notes_naming_separator_and_encoding() {
    let dir = fixtures().join("excel");
    let output = sparesla(&["validate", dir.to_str().unwrap()]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("valid"), "{stdout}");
    assert!(
        stderr.contains("depots.csv: warning[W2007]") && stderr.contains("`;` as separator"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sites.csv: warning[W2007]") && stderr.contains("GB18030"),
        "{stderr}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn the_excel_scenario_reads_as_the_tiny_one() {
    let excel = scenario::load(&fixtures().join("excel")).unwrap().scenario;
    let tiny = scenario::load(&fixtures().join("tiny")).unwrap().scenario;
    assert_eq!(excel.depots.len(), tiny.depots.len());
    for (excel, tiny) in excel.depots.iter().zip(&tiny.depots) {
        assert_eq!(
            excel.location, tiny.location,
            "decimal commas in a `;` file"
        );
    }
    assert_eq!(excel.installed_base.len(), tiny.installed_base.len());
    assert!((excel.annual_failures() - tiny.annual_failures()).abs() < 1e-12);
    let customers: Vec<&str> = excel.sites.iter().map(|s| s.customer.as_str()).collect();
    assert_eq!(customers, ["中国移动", "招商银行", "招商银行", "瑞金医院"]);
    assert_eq!(excel.sites[0].region, "上海");
}

#[test]
fn the_excel_scenario_plans() {
    let out = tempfile::tempdir().unwrap();
    let dir = fixtures().join("excel");
    let output = sparesla(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    assert!(out.path().join("stock.csv").exists());
}

#[test]
fn rows_of_only_separators_or_spaces_are_skipped_but_half_empty_rows_are_errors() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.edit("parts.csv", |t| format!("{t},,,,\n    \n\t\n"));
    assert!(scenario::load(copy.path()).is_ok());
    copy.edit("parts.csv", |t| format!("{t}X9,,,,\n"));
    let error = scenario::load(copy.path()).unwrap_err();
    assert!(
        error
            .diagnostics
            .errors()
            .all(|d| d.code.as_str() == "E1010"),
        "{}",
        error.diagnostics
    );
}

#[test]
fn a_semicolon_stock_file_with_blank_rows_is_read_in_both_formats() {
    let tiny = scenario::load(&fixtures().join("tiny")).unwrap().scenario;
    let dir = tempfile::tempdir().unwrap();
    for (header, file) in [
        ("depot;part;on_hand", "a.csv"),
        ("depot;part;stock", "b.csv"),
    ] {
        let path = dir.path().join(file);
        std::fs::write(&path, format!("{header}\nCW;PSU;2\n;;\n  \nD-HZ;HDD8;1\n")).unwrap();
        let stock = scenario::load_stock(&tiny, &path).unwrap();
        let units: Vec<u32> = stock.iter().map(|s| s.on_hand).collect();
        assert_eq!(units, [2, 1], "{header}");
    }
}

#[test]
fn a_gbk_incidents_file_is_read_and_bytes_that_are_no_text_are_located() {
    let tiny = scenario::load(&fixtures().join("tiny")).unwrap().scenario;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.csv");
    let mut bytes = b"id,site,opened,part,note\nI1,S1,2026-03-02T10:00,PSU,".to_vec();
    bytes.extend(encoding_rs::GB18030.encode("电源故障").0.iter());
    bytes.push(b'\n');
    std::fs::write(&path, &bytes).unwrap();
    let incidents = scenario::load_incidents(&tiny, &path).unwrap();
    assert_eq!(incidents.len(), 1);

    // 0xFF is neither UTF-8 nor GB18030: an error at its line and column.
    std::fs::write(
        &path,
        b"id,site,opened,part\nI1,S1,2026-03-02T10:00,\xffPSU\n",
    )
    .unwrap();
    let error = scenario::load_incidents(&tiny, &path).unwrap_err();
    let found: Vec<_> = error
        .diagnostics
        .errors()
        .map(|d| (d.code.as_str(), d.line, d.column))
        .collect();
    assert_eq!(found, [("E1002", Some(2), Some(24))]);
}

#[test]
fn dates_written_with_slashes_read_in_calendars_and_incidents() {
    let copy = ScenarioCopy::fixture("tiny");
    std::fs::create_dir(copy.path().join("calendars")).unwrap();
    std::fs::write(
        copy.path().join("calendars/ACME.csv"),
        encoding_rs::GB18030
            .encode("date,kind,name\n2026/1/1,holiday,元旦\n2026/10/01,holiday,国庆节\n")
            .0,
    )
    .unwrap();
    copy.replace("engineers.csv", "08:00-18:00,CN", "08:00-18:00,ACME")
        .write(
            "incidents.csv",
            "id,site,opened,part\nI1,S1,2026/3/9 10:15,PSU\n",
        );
    let loaded = scenario::load(copy.path()).unwrap();
    let engineer = &loaded.scenario.engineers[1];
    let calendar = &engineer.shift.calendar;
    let new_year = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    assert_eq!(calendar.name(), "ACME");
    assert_eq!(calendar.dated(new_year).unwrap().unwrap().name, "元旦");
    let opened = loaded.scenario.incidents[0].opened.to_rfc3339();
    assert_eq!(opened, "2026-03-09T02:15:00+00:00");
    assert!(
        loaded.warnings.iter().any(|w| w.code.as_str() == "W2007"),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn excel_unicode_text_utf16_with_tabs_validates_with_notes() {
    let copy = ScenarioCopy::fixture("tiny");
    let parts = std::fs::read_to_string(copy.path().join("parts.csv")).unwrap();
    let mut bytes = vec![0xff, 0xfe];
    for unit in parts.replace(',', "\t").encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(copy.path().join("parts.csv"), bytes).unwrap();
    let output = sparesla(&["validate", copy.path().to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("UTF-16LE"), "{stderr}");
    assert!(stderr.contains("tabs as separator"), "{stderr}");
    let loaded = scenario::load(copy.path()).unwrap().scenario;
    assert_eq!(loaded.parts[1].name, "Line card 100G x8");
}
