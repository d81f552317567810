//! One schema per output folder: every file `plan`, `dispatch`, `simulate`
//! and `compare` write reads back into the struct of `report::schema` it is
//! written from, and that struct writes the same bytes again (write, read,
//! write: equal). The folder readers of `report` read the same folders.

mod common;

use common::{fixtures, sparesla, text};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sparesla::report::read::{
    read_compare_folder, read_dispatch_folder, read_plan_folder, read_simulation_folder,
};
use sparesla::report::schema::{self, compare, dispatch, plan, simulate};
use std::fs;
use std::path::Path;

const INCIDENTS: &str = "id,site,opened,part,kind\n\
    T1,S1,2026-03-10T09:00,PSU,reactive\n\
    T2,S3,2026-03-10T10:30,LC100,reactive\n\
    T3,S2,2026-03-10T11:00,HDD8,proactive\n\
    T4,S4,2026-03-10T16:00,PSU,reactive\n";
const STOCK: &str = "depot,part,on_hand\nCW,PSU,2\nCW,LC100,1\nD-HZ,HDD8,1\n";

fn run(args: &[&str]) {
    let output = sparesla(args);
    assert!(output.status.success(), "{args:?}: {}", text(&output).1);
}

/// The rows of a CSV file, read into `T`, written back with `columns`:
/// the same text. Returns the rows.
fn csv_round_trip<T: Serialize + DeserializeOwned>(path: &Path, columns: &[&str]) -> Vec<T> {
    let written = fs::read_to_string(path).unwrap();
    let rows: Vec<T> = csv::Reader::from_reader(written.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        schema::csv_text(columns, &rows).unwrap(),
        written,
        "{}",
        path.display()
    );
    rows
}

/// A JSON file read into `T`, written back: the same text.
fn json_round_trip<T: Serialize + DeserializeOwned>(path: &Path) -> T {
    let written = fs::read_to_string(path).unwrap();
    let value: T =
        serde_json::from_str(&written).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        schema::json_text(&value).unwrap(),
        written,
        "{}",
        path.display()
    );
    value
}

/// A plan folder's files: depots.csv, stock.csv and (but in the event's
/// stock folder of `compare`) assignment.csv and summary.json. The summary
/// as read, when there is one.
fn plan_round_trip(dir: &Path) -> Option<plan::PlanSummary> {
    let depots: Vec<plan::DepotLine> =
        csv_round_trip(&dir.join("depots.csv"), &plan::DEPOT_COLUMNS);
    let stock: Vec<plan::StockLine> = csv_round_trip(&dir.join("stock.csv"), &plan::STOCK_COLUMNS);
    assert!(!depots.is_empty() && !stock.is_empty());
    if dir.to_string_lossy().ends_with("-event") {
        return None;
    }
    let assignment: Vec<plan::AssignmentLine> =
        csv_round_trip(&dir.join("assignment.csv"), &plan::ASSIGNMENT_COLUMNS);
    assert!(!assignment.is_empty());
    Some(json_round_trip(&dir.join("summary.json")))
}

#[test]
fn plan_and_simulate_folders_read_back_into_their_structs() {
    let scenario = fixtures().join("tiny");
    let work = tempfile::tempdir().unwrap();
    let (plan_dir, simulation_dir) = (work.path().join("plan"), work.path().join("sim"));
    let s = scenario.to_str().unwrap();
    run(&["plan", s, "--out", plan_dir.to_str().unwrap()]);
    let summary = plan_round_trip(&plan_dir).unwrap();
    let loaded = sparesla::scenario::load(&scenario).unwrap().scenario;
    let read = read_plan_folder(&plan_dir, &loaded).unwrap();
    assert_eq!(read.summary, summary);
    assert_eq!(read.depots.len(), loaded.depots.len());

    run(&[
        "simulate",
        s,
        "--plan",
        plan_dir.to_str().unwrap(),
        "--runs",
        "4",
        "--seed",
        "1",
        "--out",
        simulation_dir.to_str().unwrap(),
    ]);
    let report: simulate::SimulationReport = json_round_trip(&simulation_dir.join("summary.json"));
    let tiers: Vec<simulate::TierCsvLine> =
        csv_round_trip(&simulation_dir.join("tiers.csv"), &simulate::TIER_COLUMNS);
    let customers: Vec<simulate::CustomerCsvLine> = csv_round_trip(
        &simulation_dir.join("customers.csv"),
        &simulate::CUSTOMER_COLUMNS,
    );
    // The CSV files are the summary's tiers and customers, cut to six decimals.
    let expected_tiers: Vec<simulate::TierCsvLine> = report
        .tiers
        .iter()
        .map(simulate::TierCsvLine::from)
        .collect();
    assert_eq!(tiers, expected_tiers);
    assert_eq!(customers.len(), report.customers.len());
    let read = read_simulation_folder(&simulation_dir).unwrap();
    assert_eq!(
        (read.summary, read.tiers, read.customers),
        (report, tiers, customers)
    );
}

#[test]
fn a_dispatch_folder_reads_back_into_its_structs() {
    let scenario = fixtures().join("tiny");
    let work = tempfile::tempdir().unwrap();
    fs::write(work.path().join("incidents.csv"), INCIDENTS).unwrap();
    fs::write(work.path().join("stock.csv"), STOCK).unwrap();
    let out = work.path().join("dispatch");
    run(&[
        "dispatch",
        scenario.to_str().unwrap(),
        "--incidents",
        work.path().join("incidents.csv").to_str().unwrap(),
        "--stock",
        work.path().join("stock.csv").to_str().unwrap(),
        "--iterations",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    let lines: Vec<dispatch::DispatchCsvLine> =
        csv_round_trip(&out.join("dispatch.csv"), &dispatch::DISPATCH_COLUMNS);
    let stops: Vec<dispatch::RouteLine> =
        csv_round_trip(&out.join("routes.csv"), &dispatch::ROUTE_COLUMNS);
    let summary: dispatch::DispatchSummary = json_round_trip(&out.join("summary.json"));
    // dispatch.csv is the summary's lines without site and reason.
    let expected: Vec<dispatch::DispatchCsvLine> = summary
        .lines
        .iter()
        .map(dispatch::DispatchCsvLine::from)
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(lines.len(), 4);
    assert!(!stops.is_empty());
    let loaded = sparesla::scenario::load(&scenario).unwrap().scenario;
    let read = read_dispatch_folder(&out, &loaded).unwrap();
    assert_eq!(read.incidents.len(), lines.len());
    assert_eq!(read.stops.len(), stops.len());
    assert_eq!(read.details.len(), summary.lines.len());
}

#[test]
fn a_compare_folder_reads_back_into_its_structs() {
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    fs::create_dir_all(&base).unwrap();
    for entry in fs::read_dir(fixtures().join("tiny")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), base.join(entry.file_name())).unwrap();
    }
    // A temporary change, so that the event columns are filled too.
    let event = work.path().join("event");
    fs::create_dir_all(&event).unwrap();
    fs::write(
        event.join("overlay.toml"),
        "base = \"../base\"\n[[failure_rate]]\nfactor = 3.0\nfrom = 2026-02-16\nto = 2026-02-22\n",
    )
    .unwrap();
    let out = work.path().join("compare");
    run(&[
        "compare",
        base.to_str().unwrap(),
        event.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let rows: Vec<compare::CompareRow> = json_round_trip(&out.join("compare.json"));
    assert_eq!(rows.len(), 2);
    assert!(rows[1].event.is_some(), "{:?}", rows[1]);
    let mut tiers: Vec<String> = Vec::new();
    for tier in rows.iter().flat_map(|r| &r.tiers) {
        if !tiers.contains(&tier.tier) {
            tiers.push(tier.tier.clone());
        }
    }
    let csv_text = fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(
        csv_text.lines().next().unwrap(),
        compare::compare_header(&tiers).join(",")
    );
    let mut event_folders = 0;
    for entry in fs::read_dir(out.join("plans")).unwrap() {
        let folder = entry.unwrap().path();
        event_folders += usize::from(plan_round_trip(&folder).is_none());
    }
    assert_eq!(event_folders, 1);
    let read = read_compare_folder(&out).unwrap();
    let names: Vec<&str> = read.iter().map(|r| r.name.as_str()).collect();
    let written: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, written);
    assert_eq!(read[0].total_cost, rows[0].total_cost);
}
