//! `sparesla report` and `--format geojson`, without a browser: the page's
//! content against the folders it was made from, self-containment,
//! determinism, bad folders, the comparison formats, and GeoJSON that the
//! geojson crate reads back to the same features.

mod common;

use common::{ScenarioCopy, sparesla, text};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::str::FromStr;

const INCIDENTS: &str = "id,site,opened,part,kind\n\
    T1,S1,2026-03-10T09:00,PSU,reactive\n\
    T2,S3,2026-03-10T10:30,LC100,reactive\n\
    T3,S2,2026-03-10T11:00,HDD8,proactive\n\
    T4,S4,2026-03-10T16:00,PSU,reactive\n";
const STOCK: &str = "depot,part,on_hand\nCW,PSU,2\nCW,LC100,1\nD-HZ,HDD8,1\nD-HZ,PSU,1\n";

/// Plans (and dispatches) the tiny fixture into `dir`: plan/, dispatch/.
fn plan_and_dispatch(scenario: &Path, dir: &Path) {
    let plan = dir.join("plan");
    let run = sparesla(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    fs::write(dir.join("incidents.csv"), INCIDENTS).unwrap();
    fs::write(dir.join("stock.csv"), STOCK).unwrap();
    let run = sparesla(&[
        "dispatch",
        scenario.to_str().unwrap(),
        "--incidents",
        dir.join("incidents.csv").to_str().unwrap(),
        "--stock",
        dir.join("stock.csv").to_str().unwrap(),
        "--out",
        dir.join("dispatch").to_str().unwrap(),
        "--iterations",
        "50",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
}

fn report(scenario: &Path, dir: &Path, extra: &[&str], out: &str) -> std::process::Output {
    let plan = dir.join("plan");
    let mut args = vec![
        "report",
        scenario.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = dir.join(out);
    let out = out.to_str().unwrap().to_string();
    args.extend_from_slice(&["--out", &out]);
    sparesla(&args)
}

/// Values of `name="..."` attributes, in order.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_page_shows_what_the_folders_say_and_nothing_from_elsewhere() {
    // Move a 4-hour site far into the desert: no depot reaches it in time.
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "sites.csv",
        "S3,Bank B,32.05,118.80",
        "S3,Bank B,40.14,94.66",
    );
    let dir = tempfile::tempdir().unwrap();
    plan_and_dispatch(copy.path(), dir.path());
    let geojson = dir.path().join("map.geojson");
    let run = report(
        copy.path(),
        dir.path(),
        &[
            "--dispatch",
            dir.path().join("dispatch").to_str().unwrap(),
            "--geojson",
            geojson.to_str().unwrap(),
        ],
        "report.html",
    );
    assert!(run.status.success(), "{}", text(&run).1);
    let (stdout, stderr) = text(&run);
    assert!(stdout.contains("report of tiny written"), "{stdout}");
    // The map's layers as GeoJSON: the places, and the base map around them
    // (the fixture lies in China: land, coast, borders and provinces).
    let geojson::GeoJson::FeatureCollection(map) =
        geojson::GeoJson::from_str(&fs::read_to_string(&geojson).unwrap()).expect("valid GeoJSON")
    else {
        panic!("not a FeatureCollection");
    };
    let layer_of = |f: &geojson::Feature| {
        f.properties.as_ref().unwrap()["layer"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let layers: std::collections::BTreeSet<String> = map.features.iter().map(layer_of).collect();
    for layer in [
        "depot", "site", "link", "land", "coast", "border", "province",
    ] {
        assert!(layers.contains(layer), "{layer} missing from {layers:?}");
    }
    let sites = map
        .features
        .iter()
        .filter(|f| layer_of(f) == "site")
        .count();
    assert_eq!(sites, 4);
    // The plan's stock recomputes to its own cost: no warning.
    assert!(!stderr.contains("warning"), "{stderr}");
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();

    // Depots: one circle each, open as depots.csv says.
    let depots = csv_rows(&dir.path().join("plan/depots.csv"));
    let ids = attribute_values(&html, "data-depot");
    let states = attribute_values(&html, "data-state");
    let mut drawn: Vec<(String, String)> = ids.into_iter().zip(states).collect();
    drawn.sort();
    let mut expected: Vec<(String, String)> = depots
        .iter()
        .map(|d| {
            let state = if d["open"] == "true" {
                "open"
            } else {
                "not_opened"
            };
            (d["depot"].clone(), state.to_string())
        })
        .collect();
    expected.sort();
    assert_eq!(drawn, expected);

    // Sites: one dot each; the unreachable one is flagged as such.
    let sites = attribute_values(&html, "data-site");
    assert_eq!(sites, vec!["S1", "S2", "S3", "S4"]);
    let statuses = attribute_values(&html, "data-status");
    let site_status: BTreeMap<&str, &str> = sites
        .iter()
        .map(String::as_str)
        .zip(statuses.iter().map(String::as_str))
        .collect();
    assert_eq!(site_status["S3"], "unreachable");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("plan/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["unreachable_sites"][0]["site"], "S3");
    for (site, status) in &site_status {
        if *site != "S3" {
            assert!(["met", "below_target"].contains(status), "{site} {status}");
        }
    }
    // A line from each served site to its depot: one per site with a depot.
    let served: std::collections::BTreeSet<String> =
        csv_rows(&dir.path().join("plan/assignment.csv"))
            .into_iter()
            .filter(|r| !r["depot"].is_empty())
            .map(|r| r["site"].clone())
            .collect();
    assert_eq!(html.matches("class=\"link ").count(), served.len());

    // The Gantt chart: one stop per routed incident, with the status of dispatch.csv.
    let dispatch = csv_rows(&dir.path().join("dispatch/dispatch.csv"));
    let stops = attribute_values(&html, "data-incident");
    let routed: Vec<&BTreeMap<String, String>> = dispatch
        .iter()
        .filter(|r| !r["engineer"].is_empty())
        .collect();
    assert_eq!(stops.len(), routed.len());
    for row in routed {
        assert!(
            html.contains(&format!(
                "data-incident=\"{}\" data-status=\"{}\"",
                row["incident"], row["status"]
            )),
            "{row:?}"
        );
    }

    // Cost figures as summary.json states them.
    for key in ["fixed_cost", "holding_cost", "expected_penalty"] {
        let figure = format!("{} CNY", money(summary[key].as_f64().unwrap()));
        assert!(html.contains(&figure), "{key}: {figure}");
    }
    for section in ["id=\"map\"", "id=\"plan\"", "id=\"dispatch\""] {
        assert!(html.contains(section), "{section}");
    }
    assert!(!html.contains("id=\"compare\""));

    // Self-contained: no scripts, no links, no fetched resources.
    let lower = html.to_lowercase();
    for forbidden in [
        "<script", "http:", "https:", "src=", "href=", "@import", "<link", "<img",
    ] {
        assert!(!lower.contains(forbidden), "the page contains {forbidden}");
    }
    // The only url()s are the page's own clip paths.
    assert_eq!(
        lower.matches("url(").count(),
        lower.matches("url(#curve-plot)").count() + lower.matches("url(#map-clip)").count()
    );
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
}

/// Whole currency units with thousands separators, as the page prints them.
fn money(value: f64) -> String {
    let digits = (value.round() as i64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn same_folders_same_bytes() {
    let fixture = common::fixtures().join("tiny");
    let dir = tempfile::tempdir().unwrap();
    plan_and_dispatch(&fixture, dir.path());
    let dispatch = dir.path().join("dispatch");
    let extra = ["--dispatch", dispatch.to_str().unwrap()];
    assert!(
        report(&fixture, dir.path(), &extra, "a.html")
            .status
            .success()
    );
    assert!(
        report(&fixture, dir.path(), &extra, "b.html")
            .status
            .success()
    );
    assert_eq!(
        fs::read(dir.path().join("a.html")).unwrap(),
        fs::read(dir.path().join("b.html")).unwrap()
    );
}

#[test]
fn bad_folders_are_reported_at_file_line_and_column() {
    let fixture = common::fixtures().join("tiny");
    let dir = tempfile::tempdir().unwrap();
    plan_and_dispatch(&fixture, dir.path());
    // Hand-edited folders are read unchecked once their manifest is gone.
    fs::remove_file(dir.path().join("plan/manifest.json")).unwrap();
    let stock = dir.path().join("plan/stock.csv");
    let original = fs::read_to_string(&stock).unwrap();

    // A count that is not a number, on the second data row.
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells[2] = "many".to_string();
    lines[2] = cells.join(",");
    fs::write(&stock, lines.join("\n") + "\n").unwrap();
    let run = report(&fixture, dir.path(), &[], "r.html");
    assert_eq!(run.status.code(), Some(3), "{}", text(&run).1);
    let stderr = text(&run).1;
    assert!(stderr.contains("stock.csv:3:3"), "{stderr}");
    assert!(stderr.contains("E1011"), "{stderr}");
    assert!(!dir.path().join("r.html").exists());

    // A depot the scenario does not have.
    fs::write(&stock, original.replacen("CW,", "XX,", 1)).unwrap();
    let run = report(&fixture, dir.path(), &[], "r.html");
    assert_eq!(run.status.code(), Some(3));
    let stderr = text(&run).1;
    assert!(
        stderr.contains("E1031") && stderr.contains("`XX`"),
        "{stderr}"
    );
    fs::write(&stock, &original).unwrap();

    // A broken summary.json names its line and column.
    let summary = dir.path().join("plan/summary.json");
    let json = fs::read_to_string(&summary).unwrap();
    fs::write(
        &summary,
        json.replacen("\"total_cost\": ", "\"total_cost\": x", 1),
    )
    .unwrap();
    let run = report(&fixture, dir.path(), &[], "r.html");
    assert_eq!(run.status.code(), Some(3));
    assert!(text(&run).1.contains("summary.json:"), "{}", text(&run).1);
    fs::write(&summary, &json).unwrap();

    // A missing folder, and a comparison folder without a comparison.
    let empty = tempfile::tempdir().unwrap();
    let run = report(
        &fixture,
        dir.path(),
        &["--dispatch", empty.path().to_str().unwrap()],
        "r.html",
    );
    assert_eq!(run.status.code(), Some(3));
    assert!(text(&run).1.contains("dispatch.csv"), "{}", text(&run).1);
    let run = report(
        &fixture,
        dir.path(),
        &["--compare", empty.path().to_str().unwrap()],
        "r.html",
    );
    assert_eq!(run.status.code(), Some(3));
    assert!(text(&run).1.contains("compare.csv"), "{}", text(&run).1);

    // The intact folders still make a report.
    assert!(report(&fixture, dir.path(), &[], "r.html").status.success());
}

#[test]
fn a_tampered_plan_is_reported_not_believed() {
    let fixture = common::fixtures().join("tiny");
    let dir = tempfile::tempdir().unwrap();
    plan_and_dispatch(&fixture, dir.path());
    fs::remove_file(dir.path().join("plan/manifest.json")).unwrap();
    let summary = dir.path().join("plan/summary.json");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&summary).unwrap()).unwrap();
    let total = json["total_cost"].as_f64().unwrap();
    let text_json = fs::read_to_string(&summary).unwrap().replacen(
        &format!("\"total_cost\": {}", json["total_cost"]),
        &format!("\"total_cost\": {}", total * 0.5),
        1,
    );
    fs::write(&summary, text_json).unwrap();
    let run = report(&fixture, dir.path(), &[], "r.html");
    assert!(run.status.success());
    assert!(text(&run).1.contains("recomputes"), "{}", text(&run).1);
}

/// Rota patterns for the tiny fixture: its roster matches `oncall`,
/// `day10` and `day9`, and the planner adds an on-call position.
const SHIFTS: &str = "id,window,days,calendar,cost_per_year\n\
    day9,08:30-17:30,mon-fri,CN,180000\n\
    day10,08:00-18:00,mon-fri,CN,200000\n\
    oncall,24x7,mon-sun,none,420000\n";

/// The tiny fixture with shifts.csv, planned into `dir/plan` (staffing `plan`).
fn staffed_plan(dir: &Path) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("shifts.csv", SHIFTS);
    let plan = dir.join("plan");
    let run = sparesla(&[
        "plan",
        copy.path().to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    copy
}

/// The text of each cell of the table row opened by `<tr {attribute}="{value}"`.
fn row_cells(html: &str, attribute: &str, value: &str) -> Vec<String> {
    let start = html
        .find(&format!("<tr {attribute}=\"{value}\""))
        .unwrap_or_else(|| panic!("no row {attribute}={value}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let content = &cell[cell.find('>').unwrap() + 1..];
            let content = &content[..content.find("</td>").unwrap_or(content.len())];
            content.replace("<b>", "").replace("</b>", "")
        })
        .collect()
}

#[test]
fn the_staffing_section_shows_the_numbers_of_staffing_csv() {
    let dir = tempfile::tempdir().unwrap();
    let copy = staffed_plan(dir.path());
    let run = report(copy.path(), dir.path(), &[], "s.html");
    assert!(run.status.success(), "{}", text(&run).1);
    assert!(!text(&run).1.contains("warning"), "{}", text(&run).1);
    let html = fs::read_to_string(dir.path().join("s.html")).unwrap();
    assert!(html.contains("<section id=\"staffing\">"));
    let staffing = csv_rows(&dir.path().join("plan/staffing.csv"));
    assert!(
        staffing.iter().any(|r| r["source"] == "added")
            && staffing.iter().any(|r| r["source"] == "roster"),
        "the fixture should have roster and added positions: {staffing:?}"
    );

    // Every row of staffing.csv, with its positions and yearly cost.
    for row in &staffing {
        let key = format!(
            "{}|{}|{}|{}",
            row["depot"], row["shift"], row["skills"], row["source"]
        );
        let cells = row_cells(&html, "data-staff-row", &key);
        let cost: f64 = row["cost_per_year"].parse().unwrap();
        assert_eq!(cells[3], row["positions"], "{key}");
        assert_eq!(cells[4], money(cost), "{key}");
        assert_eq!(cells[5], row["source"], "{key}");
    }
    // Per depot: roster and added positions, per shift, and the cost.
    let mut depots: BTreeMap<&str, (u32, u32, f64)> = BTreeMap::new();
    let mut per_shift: BTreeMap<(&str, &str), (u32, u32)> = BTreeMap::new();
    for row in &staffing {
        let positions: u32 = row["positions"].parse().unwrap();
        let depot = depots.entry(&row["depot"]).or_default();
        let shift = per_shift.entry((&row["depot"], &row["shift"])).or_default();
        if row["source"] == "added" {
            depot.1 += positions;
            shift.1 += positions;
        } else {
            depot.0 += positions;
            shift.0 += positions;
        }
        depot.2 += row["cost_per_year"].parse::<f64>().unwrap();
    }
    let shifts: Vec<&str> = ["day9", "day10", "oncall"]
        .into_iter()
        .filter(|s| staffing.iter().any(|r| r["shift"] == *s))
        .collect();
    for (depot, (roster, added, cost)) in &depots {
        let cells = row_cells(&html, "data-staff-depot", depot);
        assert!(
            html.contains(&format!(
                "data-staff-depot=\"{depot}\" data-roster=\"{roster}\" data-added=\"{added}\""
            )),
            "{depot}"
        );
        for (i, shift) in shifts.iter().enumerate() {
            let expected = match per_shift.get(&(*depot, *shift)).copied() {
                None | Some((0, 0)) => String::new(),
                Some((r, 0)) => r.to_string(),
                Some((0, a)) => format!("+{a}"),
                Some((r, a)) => format!("{r} +{a}"),
            };
            assert_eq!(cells[1 + i], expected, "{depot} {shift}");
        }
        let n = shifts.len();
        assert_eq!(cells[1 + n], roster.to_string(), "{depot}");
        assert_eq!(cells[2 + n], added.to_string(), "{depot}");
        assert_eq!(cells[3 + n], money(*cost), "{depot}");
    }

    // The people cost next to the parts costs, and the promise split per tier.
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("plan/summary.json")).unwrap())
            .unwrap();
    let people = summary["people_cost"].as_f64().unwrap();
    assert!(people > 0.0);
    assert!(
        html.contains(&format!("engineers (people): {} CNY", money(people))),
        "the cost chart lacks the people cost"
    );
    assert!(html.contains(&format!(
        "data-total-roster=\"{}\"",
        summary["staffing"]["roster_positions"]
    )));
    assert!(html.contains(&format!(
        "data-total-added=\"{}\"",
        summary["staffing"]["added_positions"]
    )));
    for tier in summary["tiers"].as_array().unwrap() {
        let pct = |key: &str| format!("{:.2}%", tier[key].as_f64().unwrap() * 100.0);
        let split = format!(
            "parts {} · people {}",
            pct("parts_attainment"),
            pct("people_attainment")
        );
        assert!(html.contains(&split), "tier card: {split}");
        let cells = row_cells(&html, "data-tier", tier["tier"].as_str().unwrap());
        assert_eq!(
            cells[1..5],
            [
                pct("target"),
                pct("expected_attainment"),
                pct("parts_attainment"),
                pct("people_attainment")
            ]
        );
    }

    // A comparison of plan summaries shows their people cost too.
    let compare = dir.path().join("compare");
    fs::create_dir_all(&compare).unwrap();
    fs::write(
        compare.join("compare.json"),
        serde_json::to_string(&serde_json::json!([summary])).unwrap(),
    )
    .unwrap();
    let compare_arg = compare.to_str().unwrap().to_string();
    let run = report(
        copy.path(),
        dir.path(),
        &["--compare", &compare_arg],
        "c.html",
    );
    assert!(run.status.success(), "{}", text(&run).1);
    let html = fs::read_to_string(dir.path().join("c.html")).unwrap();
    assert!(html.contains(&format!("tiny: engineers {} CNY", money(people))));
}

#[test]
fn plans_without_staffing_show_no_staffing_section() {
    // Parts only: no staffing.csv, no people in the cards.
    let dir = tempfile::tempdir().unwrap();
    let copy = ScenarioCopy::fixture("tiny");
    copy.write("shifts.csv", SHIFTS);
    let plan = dir.path().join("plan");
    let run = sparesla(&[
        "plan",
        copy.path().to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
        "--staffing",
        "parts-only",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    assert!(!plan.join("staffing.csv").exists());
    let no_people = |page: &str| {
        let run = report(copy.path(), dir.path(), &[], page);
        assert!(run.status.success(), "{}", text(&run).1);
        // No cost or staffing warning (the folder without manifest gets W2008).
        assert!(!text(&run).1.contains("warning: "), "{}", text(&run).1);
        let html = fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(html.contains("id=\"plan\""));
        assert!(!html.contains("id=\"staffing\""));
        assert!(!html.contains("engineers (people)"));
        assert!(!html.contains("<small>parts "));
        assert!(!html.contains("<th class=\"n\">people</th>"));
    };
    no_people("parts-only.html");

    // The same folder as written before plans counted people: summary.json
    // without `staffing` and `people_cost` (read unchecked without its manifest).
    fs::remove_file(plan.join("manifest.json")).unwrap();
    let mut summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(plan.join("summary.json")).unwrap()).unwrap();
    let object = summary.as_object_mut().unwrap();
    assert!(object.remove("staffing").is_some());
    assert!(object.remove("people_cost").is_some());
    fs::write(
        plan.join("summary.json"),
        serde_json::to_string_pretty(&summary).unwrap(),
    )
    .unwrap();
    no_people("old.html");
}

#[test]
fn a_bad_staffing_csv_is_reported_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let copy = staffed_plan(dir.path());
    let plan = dir.path().join("plan");
    fs::remove_file(plan.join("manifest.json")).unwrap();
    let path = plan.join("staffing.csv");
    let original = fs::read_to_string(&path).unwrap();
    let edit_second_row = |column: usize, value: &str| {
        let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
        let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
        cells[column] = value.to_string();
        lines[2] = cells.join(",");
        fs::write(&path, lines.join("\n") + "\n").unwrap();
    };
    for (column, value, code) in [
        (0, "XX", "E1031"),
        (3, "two", "E1011"),
        (4, "-5", "E1013"),
        (5, "hired", "E1015"),
    ] {
        edit_second_row(column, value);
        let run = report(copy.path(), dir.path(), &[], "bad.html");
        let stderr = text(&run).1;
        assert_eq!(run.status.code(), Some(3), "{value}: {stderr}");
        let place = format!("staffing.csv:3:{}", column + 1);
        assert!(
            stderr.contains(&place) && stderr.contains(code),
            "{value}: want {place} {code} in {stderr}"
        );
        assert!(!dir.path().join("bad.html").exists());
    }

    // A row listed twice.
    let first_row = original.lines().nth(1).unwrap();
    fs::write(&path, format!("{original}{first_row}\n")).unwrap();
    let run = report(copy.path(), dir.path(), &[], "bad.html");
    let stderr = text(&run).1;
    let line = original.lines().count() + 1;
    assert!(
        stderr.contains(&format!("staffing.csv:{line}:1")) && stderr.contains("E1030"),
        "{stderr}"
    );

    // Costs that no longer add up to summary.json's people cost: a warning,
    // and the page still shows the file's numbers.
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[4] = "1.00".to_string();
    lines[1] = cells.join(",");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let run = report(copy.path(), dir.path(), &[], "edited.html");
    let stderr = text(&run).1;
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning") && stderr.contains("people_cost"),
        "{stderr}"
    );
}

#[test]
fn comparisons_are_read_from_csv_or_json_with_extra_columns() {
    let fixture = common::fixtures().join("tiny");
    let dir = tempfile::tempdir().unwrap();
    plan_and_dispatch(&fixture, dir.path());
    let compare = dir.path().join("compare");
    fs::create_dir_all(&compare).unwrap();
    fs::write(
        compare.join("compare.csv"),
        "scenario,total_cost,fixed_cost,holding_cost,expected_penalty,emergency_cost,attainment_7x24x4,attainment_5x10-nbd,target_7x24x4,note\n\
         base,3100000,2600000,300000,150000,50000,0.951,0.99,0.95,first\n\
         <upgrade & co>,3400000,2600000,600000,150000,50000,0.97,0.99,0.95,\n",
    )
    .unwrap();
    let run = report(
        &fixture,
        dir.path(),
        &["--compare", compare.to_str().unwrap()],
        "c.html",
    );
    assert!(run.status.success(), "{}", text(&run).1);
    let html = fs::read_to_string(dir.path().join("c.html")).unwrap();
    assert!(html.contains("id=\"compare\""));
    assert!(html.contains("&lt;upgrade &amp; co&gt;"));
    assert!(!html.contains("<upgrade"));
    assert!(html.contains("97.00%") && html.contains("95.10%"));

    // The same as JSON (preferred when both exist), with other keys.
    fs::write(
        compare.join("compare.json"),
        r#"{"scenarios": [
            {"scenario": "from-json", "total_cost": 3200000, "extra": [1, 2],
             "tiers": [{"tier": "7x24x4", "expected_attainment": 0.9612, "target": 0.95}]}
        ]}"#,
    )
    .unwrap();
    let run = report(
        &fixture,
        dir.path(),
        &["--compare", compare.to_str().unwrap()],
        "j.html",
    );
    assert!(run.status.success(), "{}", text(&run).1);
    let html = fs::read_to_string(dir.path().join("j.html")).unwrap();
    assert!(html.contains("from-json") && html.contains("96.12%"));
    assert!(!html.contains("&lt;upgrade"));

    // A share out of range is an error at its cell.
    fs::remove_file(compare.join("compare.json")).unwrap();
    fs::write(
        compare.join("compare.csv"),
        "scenario,total_cost,attainment_7x24x4\nbase,100,1.5\n",
    )
    .unwrap();
    let run = report(
        &fixture,
        dir.path(),
        &["--compare", compare.to_str().unwrap()],
        "x.html",
    );
    assert_eq!(run.status.code(), Some(3));
    assert!(text(&run).1.contains("compare.csv:2:3"), "{}", text(&run).1);
}

fn geojson_of(args: &[&str]) -> (String, geojson::FeatureCollection) {
    let run = sparesla(args);
    assert!(run.status.success(), "{}", text(&run).1);
    let stdout = text(&run).0;
    let parsed = geojson::GeoJson::from_str(&stdout).expect("valid GeoJSON");
    let geojson::GeoJson::FeatureCollection(collection) = parsed else {
        panic!("not a FeatureCollection");
    };
    (stdout, collection)
}

fn layer(feature: &geojson::Feature) -> &str {
    feature.property("layer").and_then(|v| v.as_str()).unwrap()
}

fn point(feature: &geojson::Feature) -> [f64; 2] {
    match &feature.geometry.as_ref().unwrap().value {
        geojson::GeometryValue::Point { coordinates } => [coordinates[0], coordinates[1]],
        other => panic!("not a point: {other:?}"),
    }
}

/// `[lon, lat]` of each id in a scenario CSV (read here, not by sparesla).
fn places(file: &Path) -> BTreeMap<String, [f64; 2]> {
    csv_rows(file)
        .into_iter()
        .map(|r| {
            (
                r["id"].clone(),
                [r["lon"].parse().unwrap(), r["lat"].parse().unwrap()],
            )
        })
        .collect()
}

#[test]
fn plan_geojson_round_trips_and_puts_everything_where_it_is() {
    let fixture = common::fixtures().join("tiny");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let (stdout, collection) = geojson_of(&[
        "plan",
        fixture.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "geojson",
    ]);
    // Round trip: serialising what was read gives the same document.
    let again = serde_json::to_string(&collection).unwrap();
    assert_eq!(again, stdout.trim_end());
    let back = geojson::FeatureCollection::from_str(&again).unwrap();
    assert_eq!(back, collection);

    let depots = places(&fixture.join("depots.csv"));
    let sites = places(&fixture.join("sites.csv"));
    let mut by_layer: BTreeMap<&str, usize> = BTreeMap::new();
    for feature in &collection.features {
        *by_layer.entry(layer(feature)).or_default() += 1;
        let id = feature.property("id").and_then(|v| v.as_str());
        match layer(feature) {
            "depot" => assert_eq!(point(feature), depots[id.unwrap()]),
            "site" => assert_eq!(point(feature), sites[id.unwrap()]),
            "assignment" => {
                let site = feature.property("site").unwrap().as_str().unwrap();
                let depot = feature.property("depot").unwrap().as_str().unwrap();
                let geojson::GeometryValue::LineString { coordinates } =
                    &feature.geometry.as_ref().unwrap().value
                else {
                    panic!("assignment is not a line");
                };
                assert_eq!(coordinates[0].as_slice(), sites[site].as_slice());
                assert_eq!(coordinates[1].as_slice(), depots[depot].as_slice());
            }
            other => panic!("unexpected layer {other}"),
        }
    }
    assert_eq!(by_layer["depot"], depots.len());
    assert_eq!(by_layer["site"], sites.len());
    // One assignment per served site, as assignment.csv says.
    let served: std::collections::BTreeSet<(String, String)> =
        csv_rows(&out.join("assignment.csv"))
            .into_iter()
            .filter(|r| !r["depot"].is_empty())
            .map(|r| (r["site"].clone(), r["depot"].clone()))
            .collect();
    let lines: std::collections::BTreeSet<(String, String)> = collection
        .features
        .iter()
        .filter(|f| layer(f) == "assignment")
        .map(|f| {
            (
                f.property("site").unwrap().as_str().unwrap().to_string(),
                f.property("depot").unwrap().as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(lines, served);
    // Open flags as depots.csv says.
    for row in csv_rows(&out.join("depots.csv")) {
        let feature = collection
            .features
            .iter()
            .find(|f| layer(f) == "depot" && f.property("id").unwrap() == row["depot"].as_str())
            .unwrap();
        assert_eq!(
            feature
                .property("open")
                .unwrap()
                .as_bool()
                .unwrap()
                .to_string(),
            row["open"]
        );
    }
}

#[test]
fn dispatch_geojson_round_trips_with_incidents_and_routes() {
    let fixture = common::fixtures().join("tiny");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("incidents.csv"), INCIDENTS).unwrap();
    fs::write(dir.path().join("stock.csv"), STOCK).unwrap();
    let out = dir.path().join("dispatch");
    let (stdout, collection) = geojson_of(&[
        "dispatch",
        fixture.to_str().unwrap(),
        "--incidents",
        dir.path().join("incidents.csv").to_str().unwrap(),
        "--stock",
        dir.path().join("stock.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--iterations",
        "50",
        "--format",
        "geojson",
    ]);
    assert_eq!(
        serde_json::to_string(&collection).unwrap(),
        stdout.trim_end()
    );
    let sites = places(&fixture.join("sites.csv"));
    let dispatch = csv_rows(&out.join("dispatch.csv"));
    let incidents: Vec<&geojson::Feature> = collection
        .features
        .iter()
        .filter(|f| layer(f) == "incident")
        .collect();
    assert_eq!(incidents.len(), dispatch.len());
    for row in &dispatch {
        let feature = incidents
            .iter()
            .find(|f| f.property("id").unwrap() == row["incident"].as_str())
            .unwrap();
        assert_eq!(feature.property("status").unwrap(), row["status"].as_str());
        let site = feature.property("site").unwrap().as_str().unwrap();
        assert_eq!(point(feature), sites[site]);
    }
    // Each route visits its incidents' sites in the order of routes.csv.
    let routes = csv_rows(&out.join("routes.csv"));
    let mut by_engineer: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for stop in &routes {
        by_engineer
            .entry(stop["engineer"].clone())
            .or_default()
            .push(stop["incident"].clone());
    }
    let route_features: Vec<&geojson::Feature> = collection
        .features
        .iter()
        .filter(|f| layer(f) == "route")
        .collect();
    assert_eq!(route_features.len(), by_engineer.len());
    assert!(!route_features.is_empty());
    for feature in route_features {
        let engineer = feature.property("engineer").unwrap().as_str().unwrap();
        let listed: Vec<String> = feature
            .property("incidents")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(listed, by_engineer[engineer]);
        let geojson::GeometryValue::LineString { coordinates } =
            &feature.geometry.as_ref().unwrap().value
        else {
            panic!("route is not a line");
        };
        let last_stop = routes
            .iter()
            .rev()
            .find(|r| r["engineer"] == engineer)
            .unwrap();
        assert_eq!(
            coordinates.last().unwrap().as_slice(),
            sites[&last_stop["site"]].as_slice()
        );
    }
}
