//! What-if overlays and `sparesla compare`: each change kind gives the same
//! scenario as editing a copy of the base's CSV files by hand, bad overlays
//! are reported at their line and column, the planning views match a
//! day-by-day recount, the event top-up is the least stock that meets its
//! rule, and compare's output has a stable shape and is deterministic.

mod common;

use common::{read_plan_claims, sparesla, text};
use sparesla::diagnostic::Code;
use sparesla::plan::check::check_plan;
use sparesla::plan::{self, Backend, PlanOptions, fill_rate};
use sparesla::scenario::{self, Scenario};
use sparesla::whatif::{TemporaryView, event_top_up, planning_input};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A temporary folder holding `base/` (the tiny fixture with a road layer)
/// and overlay folders next to it.
struct Workspace {
    dir: tempfile::TempDir,
}

const ROADS: &str = "from,to,km,minutes,oneway\nCW,J-SZ,110,80,no\nJ-SZ,J-WX,40,30,no\nJ-WX,D-NJ,190,120,no\nJ-SZ,D-HZ,160,,no\n";

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let base = dir.path().join("base");
        fs::create_dir_all(&base).unwrap();
        for entry in fs::read_dir(common::fixtures().join("tiny")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), base.join(entry.file_name())).unwrap();
        }
        let workspace = Workspace { dir };
        workspace.edit("base/scenario.toml", |t| {
            t.replace(
                "handling_hours = 0.5",
                "handling_hours = 0.5\nroads = \"roads.csv\"\nnodes = \"nodes.csv\"",
            )
        });
        workspace.write(
            "base/nodes.csv",
            "id,lat,lon,name\nJ-SZ,31.2989,120.5853,Suzhou\nJ-WX,31.4912,120.3119,Wuxi\n",
        );
        workspace.write("base/roads.csv", ROADS);
        workspace
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write(&self, relative: &str, content: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    fn edit(&self, relative: &str, change: impl FnOnce(String) -> String) {
        let path = self.path(relative);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(path, change(text)).unwrap();
    }

    /// An overlay folder `name` over `base/` with `changes` after the base line.
    fn overlay(&self, name: &str, changes: &str) -> PathBuf {
        self.write(
            &format!("{name}/overlay.toml"),
            &format!("base = \"../base\"\n{changes}"),
        );
        self.path(name)
    }

    /// A copy of `base/` named `name` with one file edited, the by-hand
    /// version of an overlay.
    fn edited_copy(
        &self,
        name: &str,
        file: &str,
        change: impl FnOnce(String) -> String,
    ) -> PathBuf {
        let copy = self.path(name);
        fs::create_dir_all(&copy).unwrap();
        for entry in fs::read_dir(self.path("base")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
        self.edit(&format!("{name}/{file}"), change);
        copy
    }
}

fn load(dir: &Path) -> Scenario {
    scenario::load(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

/// The data of two scenarios is the same (names and folders aside).
fn assert_same_data(a: &Scenario, b: &Scenario) {
    assert_eq!(a.tiers, b.tiers);
    assert_eq!(a.depots, b.depots);
    assert_eq!(a.parts, b.parts);
    assert_eq!(a.sites, b.sites);
    assert_eq!(a.engineers, b.engineers);
    assert_eq!(a.roads, b.roads);
    assert_eq!(a.road_nodes, b.road_nodes);
    assert_eq!(a.closures, b.closures);
    assert_eq!(a.stock, b.stock);
    assert_eq!(a.incidents, b.incidents);
    assert_eq!(a.installed_base.len(), b.installed_base.len());
    for (x, y) in a.installed_base.iter().zip(&b.installed_base) {
        assert_eq!((x.site, x.part, x.quantity), (y.site, y.part, y.quantity));
        assert!(
            (x.annual_failure_rate - y.annual_failure_rate).abs() < 1e-12,
            "{x:?} vs {y:?}"
        );
    }
    assert_eq!(a.rate_changes, b.rate_changes);
    assert_eq!(a.tier_changes, b.tier_changes);
}

#[test]
fn an_empty_overlay_is_its_base_under_another_name() {
    let w = Workspace::new();
    let overlay = load(&w.overlay("same", ""));
    let base = load(&w.path("base"));
    assert_same_data(&overlay, &base);
    assert_eq!(overlay.name, "same");
    assert_eq!(overlay.dir, w.path("same"));
    let named = load(&w.overlay("named", "name = \"Other name\"\n"));
    assert_eq!(named.name, "Other name");
}

/// A by-hand edit of a file's text.
type Edit = Box<dyn FnOnce(String) -> String>;

#[test]
fn each_permanent_change_equals_editing_the_files_by_hand() {
    let w = Workspace::new();
    let cases: Vec<(&str, &str, &str, Edit)> = vec![
        (
            "tier-edit",
            "[[tier]]\nid = \"5x10-nbd\"\nwindow = \"07:30-19:00\"\ntarget = 0.97\ncutoff = \"16:00\"\n",
            "tiers.csv",
            Box::new(|t: String| {
                t.replace(
                    "id,coverage,window,days,calendar,response,target,penalty",
                    "id,coverage,window,days,calendar,response,target,penalty,cutoff",
                )
                .replace("4h,0.95,20000", "4h,0.95,20000,")
                .replace(
                    "08:00-18:00,mon-fri,CN,nbd,0.98,5000",
                    "07:30-19:00,mon-fri,CN,nbd,0.97,5000,16:00",
                )
            }),
        ),
        (
            "tier-to-24x7",
            "[[tier]]\nid = \"5x10-nbd\"\ncoverage = \"24x7\"\nresponse = \"8h\"\n",
            "tiers.csv",
            Box::new(|t: String| t.replace("business,08:00-18:00,mon-fri,CN,nbd", "24x7,,,,8h")),
        ),
        (
            "new-tier",
            "[[new_tier]]\nid = \"9to5\"\ncoverage = \"business\"\nwindow = \"09:00-17:00\"\ncalendar = \"CN\"\nresponse = \"6h\"\ntarget = 0.9\npenalty = 100\n",
            "tiers.csv",
            Box::new(|t: String| t + "9to5,business,09:00-17:00,,CN,6h,0.9,100\n"),
        ),
        (
            "tier-move",
            "[[tier_move]]\ncustomer = \"Bank B\"\ntier = \"5x10-nbd\"\n",
            "sites.csv",
            Box::new(|t: String| {
                t.replace(
                    "S3,Bank B,32.05,118.80,Asia/Shanghai,7x24x4",
                    "S3,Bank B,32.05,118.80,Asia/Shanghai,5x10-nbd",
                )
            }),
        ),
        (
            "rates",
            "[[failure_rate]]\nfactor = 3\nregion = \"Jiangsu\"\npart = \"HDD8\"\n",
            "installed_base.csv",
            Box::new(|t: String| {
                t.replace("S3,HDD8,60,0.02", "S3,HDD8,60,0.06")
                    .replace("S4,HDD8,40,0.015", "S4,HDD8,40,0.045")
            }),
        ),
        (
            "closure",
            "[[closure]]\nfrom = \"J-WX\"\nto = \"J-SZ\"\nfactor = 2.5\n",
            "roads.csv",
            Box::new(|t: String| t),
        ),
        (
            "depot",
            "[[depot]]\nid = \"D-NJ\"\nstatus = \"closed\"\nfixed_cost = 1\nreplenish_days = 9\n",
            "depots.csv",
            Box::new(|t: String| {
                t.replace(
                    "D-NJ,Nanjing,32.0603,118.7969,regional,candidate,500000,2",
                    "D-NJ,Nanjing,32.0603,118.7969,regional,closed,1,9",
                )
            }),
        ),
        (
            "engineer",
            "[[new_engineer]]\nid = \"E9\"\nname = \"Ma Lin\"\nbase = \"D-NJ\"\nskills = \"net; sto\"\nshift = \"08:00-20:00\"\ndays = \"mon-sat\"\ncalendar = \"CN\"\ntz = \"Asia/Shanghai\"\n",
            "engineers.csv",
            Box::new(|t: String| t + "E9,Ma Lin,D-NJ,net;sto,08:00-20:00,CN,mon-sat\n"),
        ),
    ];
    for (name, changes, file, edit) in cases {
        let overlay = load(&w.overlay(name, changes));
        let by_hand_dir = w.edited_copy(&format!("{name}-by-hand"), file, edit);
        if name == "closure" {
            w.write(
                &format!("{name}-by-hand/closures.csv"),
                "from,to,factor\nJ-WX,J-SZ,2.5\n",
            );
        }
        let by_hand = load(&by_hand_dir);
        assert_same_data(&overlay, &by_hand);
        let base = load(&w.path("base"));
        let changed = overlay.tiers != base.tiers
            || overlay.sites != base.sites
            || overlay.depots != base.depots
            || overlay.engineers != base.engineers
            || overlay.closures != base.closures
            || overlay
                .installed_base
                .iter()
                .zip(&base.installed_base)
                .any(|(a, b)| a.annual_failure_rate != b.annual_failure_rate);
        assert!(changed, "{name} changed nothing");
    }
}

#[test]
fn dated_changes_become_temporary_changes_and_leave_the_data_alone() {
    let w = Workspace::new();
    let dir = w.overlay(
        "event",
        "[[new_tier]]\nid = \"gold\"\ncoverage = \"24x7\"\nresponse = \"2h\"\ntarget = 0.99\npenalty = 50000\n\n\
         [[tier_move]]\ncustomer = \"Hospital C\"\ntier = \"gold\"\nfrom = 2026-07-06\nto = 2026-07-26\n\n\
         [[failure_rate]]\nfactor = 3.0\nregion = \"Jiangsu\"\nfrom = 2026-02-16\nto = 2026-02-22\n",
    );
    let s = load(&dir);
    let base = load(&w.path("base"));
    assert_eq!(s.sites, base.sites);
    assert_eq!(s.installed_base, base.installed_base);
    assert_eq!(s.tier_changes.len(), 1);
    let change = &s.tier_changes[0];
    assert_eq!(change.customer, "Hospital C");
    assert_eq!(s.tier(change.tier).id, "gold");
    assert_eq!(change.period.days(), 21);
    assert_eq!(s.rate_changes.len(), 1);
    let rate = &s.rate_changes[0];
    assert_eq!(
        (
            rate.region.as_deref(),
            rate.part,
            rate.factor,
            rate.period.days()
        ),
        (Some("Jiangsu"), None, 3.0, 7)
    );
}

#[test]
fn overlays_stack_on_overlays() {
    let w = Workspace::new();
    w.overlay("first", "[[depot]]\nid = \"D-NJ\"\nstatus = \"open\"\n");
    w.write(
        "second/overlay.toml",
        "base = \"../first\"\n[[depot]]\nid = \"D-HZ\"\nfixed_cost = 7\n",
    );
    let s = load(&w.path("second"));
    assert_eq!(s.name, "second");
    let nj = s.depot(s.depot_by_id("D-NJ").unwrap());
    let hz = s.depot(s.depot_by_id("D-HZ").unwrap());
    assert_eq!(nj.status, scenario::DepotStatus::Open);
    assert_eq!(hz.fixed_cost, 7.0);
}

/// An error's code, line and column.
type Located = (Code, Option<u64>, Option<u64>);

/// Loads an overlay expected to fail and returns (code, line, column) of
/// each error in order.
fn errors_of(w: &Workspace, name: &str, changes: &str) -> Vec<Located> {
    let dir = w.overlay(name, changes);
    let error = scenario::load(&dir).expect_err("the overlay should be rejected");
    error
        .diagnostics
        .errors()
        .map(|d| {
            assert!(d.file.ends_with("overlay.toml"), "{d}");
            assert!(
                !d.action.is_empty() || d.code == Code::E1017BadTimeWindow,
                "{d}"
            );
            (d.code, d.line, d.column)
        })
        .collect()
}

#[test]
fn bad_overlays_are_reported_where_they_are() {
    use Code::*;
    let w = Workspace::new();
    let cases: Vec<(&str, &str, Vec<Located>)> = vec![
        (
            "unknown-key",
            "[[tier]]\nid = \"7x24x4\"\nwindw = \"x\"\n",
            vec![(E1002Malformed, Some(4), Some(1))],
        ),
        (
            "syntax",
            "[[depot]\n",
            vec![(E1002Malformed, Some(2), Some(9))],
        ),
        (
            "wrong-type",
            "[[depot]]\nid = \"CW\"\nfixed_cost = \"cheap\"\n",
            vec![(E1002Malformed, Some(4), Some(14))],
        ),
        (
            "unknown-tier",
            "[[tier]]\nid = \"platinum\"\n",
            vec![(E1031UnknownReference, Some(3), Some(6))],
        ),
        (
            "tier-twice",
            "[[tier]]\nid = \"7x24x4\"\n[[tier]]\nid = \"7x24x4\"\n",
            vec![(E1030DuplicateId, Some(5), Some(6))],
        ),
        (
            "window-on-24x7",
            "[[tier]]\nid = \"7x24x4\"\nwindow = \"08:00-18:00\"\n",
            vec![(E1032Inconsistent, Some(4), Some(10))],
        ),
        (
            "nbd-on-24x7",
            "[[tier]]\nid = \"7x24x4\"\nresponse = \"nbd\"\n",
            vec![(E1032Inconsistent, Some(4), Some(12))],
        ),
        (
            "bad-window",
            "[[tier]]\nid = \"5x10-nbd\"\nwindow = \"18:00-18:00\"\n",
            vec![(E1017BadTimeWindow, Some(4), Some(10))],
        ),
        (
            "bad-target",
            "[[tier]]\nid = \"5x10-nbd\"\ntarget = 1.5\n",
            vec![(E1014OutOfRange, Some(4), Some(10))],
        ),
        (
            "new-tier-taken",
            "[[new_tier]]\nid = \"7x24x4\"\ncoverage = \"24x7\"\nresponse = \"4h\"\ntarget = 0.9\npenalty = 1\n",
            vec![(E1030DuplicateId, Some(3), Some(6))],
        ),
        (
            "new-tier-incomplete",
            "[[new_tier]]\nid = \"x\"\ncoverage = \"24x7\"\n",
            vec![
                (E1010EmptyValue, Some(3), Some(6)),
                (E1010EmptyValue, Some(3), Some(6)),
                (E1010EmptyValue, Some(3), Some(6)),
            ],
        ),
        (
            "unknown-customer",
            "[[tier_move]]\ncustomer = \"Nobody\"\ntier = \"7x24x4\"\n",
            vec![(E1031UnknownReference, Some(3), Some(12))],
        ),
        (
            "move-to-unknown-tier",
            "[[tier_move]]\ncustomer = \"Bank B\"\ntier = \"gold\"\n",
            vec![(E1031UnknownReference, Some(4), Some(8))],
        ),
        (
            "backwards",
            "[[tier_move]]\ncustomer = \"Bank B\"\ntier = \"7x24x4\"\nfrom = 2026-03-02\nto = 2026-03-01\n",
            vec![(E1032Inconsistent, Some(6), Some(6))],
        ),
        (
            "half-period",
            "[[failure_rate]]\nfactor = 2\nfrom = 2026-03-02\n",
            vec![(E1010EmptyValue, Some(4), Some(8))],
        ),
        (
            "date-time",
            "[[failure_rate]]\nfactor = 2\nfrom = 2026-03-02T10:00:00\nto = 2026-03-03\n",
            vec![(E1019BadDateTime, Some(4), Some(8))],
        ),
        (
            "overlapping-moves",
            "[[tier_move]]\ncustomer = \"Bank B\"\ntier = \"5x10-nbd\"\nfrom = 2026-03-01\nto = 2026-03-10\n[[tier_move]]\ncustomer = \"Bank B\"\ntier = \"5x10-nbd\"\nfrom = 2026-03-10\nto = 2026-03-12\n",
            vec![(E1032Inconsistent, Some(10), Some(8))],
        ),
        (
            "unknown-region",
            "[[failure_rate]]\nfactor = 2\nregion = \"Atlantis\"\n",
            vec![(E1031UnknownReference, Some(4), Some(10))],
        ),
        (
            "unknown-part",
            "[[failure_rate]]\nfactor = 2\npart = \"FLUX\"\n",
            vec![(E1031UnknownReference, Some(4), Some(8))],
        ),
        (
            "negative-factor",
            "[[failure_rate]]\nfactor = -1\n",
            vec![(E1013OutOfDomain, Some(3), Some(10))],
        ),
        (
            "no-such-road",
            "[[closure]]\nfrom = \"CW\"\nto = \"D-NJ\"\n",
            vec![(E1031UnknownReference, Some(4), Some(6))],
        ),
        (
            "unknown-depot",
            "[[depot]]\nid = \"D-XX\"\nstatus = \"open\"\n",
            vec![(E1031UnknownReference, Some(3), Some(6))],
        ),
        (
            "bad-status",
            "[[depot]]\nid = \"CW\"\nstatus = \"shut\"\n",
            vec![(E1015UnknownKeyword, Some(4), Some(10))],
        ),
        (
            "engineer-taken",
            "[[new_engineer]]\nid = \"E1\"\nbase = \"CW\"\nskills = \"net\"\nshift = \"24x7\"\ntz = \"Asia/Shanghai\"\n",
            vec![(E1030DuplicateId, Some(3), Some(6))],
        ),
        (
            "engineer-base",
            "[[new_engineer]]\nid = \"E9\"\nbase = \"D-XX\"\nskills = \"net\"\nshift = \"24x7\"\ntz = \"Asia/Shanghai\"\n",
            vec![(E1031UnknownReference, Some(4), Some(8))],
        ),
        (
            "engineer-zone",
            "[[new_engineer]]\nid = \"E9\"\nbase = \"CW\"\nskills = \"net\"\nshift = \"24x7\"\ntz = \"Mars/Olympus\"\n",
            vec![(E1016UnknownTimeZone, Some(7), Some(6))],
        ),
        (
            "unknown-calendar",
            "[[tier]]\nid = \"5x10-nbd\"\ncalendar = \"XX\"\n",
            vec![(E1031UnknownReference, Some(4), Some(12))],
        ),
        ("missing-base", "", vec![]),
    ];
    for (name, changes, expected) in cases {
        if name == "missing-base" {
            continue;
        }
        assert_eq!(errors_of(&w, name, changes), expected, "case {name}");
    }
    // Several problems come in file order, whatever kind each is.
    let found = errors_of(
        &w,
        "several",
        "[[failure_rate]]\nfactor = 2\nregion = \"Atlantis\"\n[[depot]]\nid = \"D-XX\"\n[[tier]]\nid = \"gold\"\n",
    );
    let lines: Vec<Option<u64>> = found.iter().map(|e| e.1).collect();
    assert_eq!(lines, vec![Some(4), Some(6), Some(8)]);
}

#[test]
fn bad_bases_are_reported_at_the_base_line() {
    let w = Workspace::new();
    w.write("nowhere/overlay.toml", "base = \"../missing\"\n");
    w.write("loop-a/overlay.toml", "base = \"../loop-b\"\n");
    w.write("loop-b/overlay.toml", "base = \"../loop-a\"\n");
    w.write("empty/overlay.toml", "base = \"../plain\"\n");
    fs::create_dir_all(w.path("plain")).unwrap();
    for dir in ["nowhere", "loop-a", "empty"] {
        let error = scenario::load(&w.path(dir)).unwrap_err();
        let first = error.diagnostics.errors().next().unwrap();
        assert_eq!(
            (first.code, first.location()),
            (
                Code::E1050OverlayBase,
                format!("{}:1:8", first.file.display())
            ),
            "{dir}"
        );
        assert!(first.file.starts_with(w.path(dir)), "{dir}: {first}");
    }
    // A folder cannot be a scenario and an overlay at once.
    w.write("base/overlay.toml", "base = \"../plain\"\n");
    let error = scenario::load(&w.path("base")).unwrap_err();
    assert_eq!(
        error.diagnostics.errors().next().unwrap().code,
        Code::E1050OverlayBase
    );
}

#[test]
fn a_base_with_errors_reports_them_in_its_own_files() {
    let w = Workspace::new();
    w.edit("base/depots.csv", |t| t.replace("600000", "lots"));
    let error = scenario::load(&w.overlay("over-broken", "")).unwrap_err();
    let first = error.diagnostics.errors().next().unwrap();
    assert_eq!(first.code, Code::E1011NotANumber);
    assert!(first.file.ends_with("base/depots.csv"), "{first}");
}

#[test]
fn changes_outside_the_horizon_warn() {
    let w = Workspace::new();
    let dir = w.overlay(
        "late",
        "[[failure_rate]]\nfactor = 2\nfrom = 2026-12-30\nto = 2027-01-05\n",
    );
    let loaded = scenario::load(&dir).unwrap();
    let warning = loaded
        .warnings
        .iter()
        .find(|d| d.code == Code::W2005OutsideHorizon)
        .expect("a horizon warning");
    assert_eq!((warning.line, warning.column), (Some(3), Some(10)));
}

#[test]
fn the_command_line_rejects_a_bad_overlay_with_exit_code_3() {
    let w = Workspace::new();
    let dir = w.overlay("bad", "[[depot]]\nid = \"D-XX\"\n");
    let output = sparesla(&["validate", dir.to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("overlay.toml:3:6: error[E1031]: unknown depot `D-XX`"),
        "{stderr}"
    );
}

#[test]
fn every_command_takes_an_overlay_folder() {
    let w = Workspace::new();
    let dir = w.overlay(
        "closed-road",
        "[[closure]]\nfrom = \"J-SZ\"\nto = \"D-HZ\"\n",
    );
    let dir = dir.to_str().unwrap();
    let output = sparesla(&["validate", dir]);
    assert!(output.status.success(), "{:?}", text(&output));
    assert!(text(&output).0.contains("scenario closed-road"));
    let output = sparesla(&["travel", dir, "--from", "D-HZ", "--to", "S2"]);
    assert!(output.status.success(), "{:?}", text(&output));
    let out = w.path("plan-out");
    let output = sparesla(&["plan", dir, "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{:?}", text(&output));
    let s = load(Path::new(dir));
    let problems = check_plan(&s, &common::travel_hours(&s), &read_plan_claims(&out));
    assert!(problems.is_empty(), "{problems:?}");
}

/// The rate multiplier of a row on one day, recounted from the changes.
fn day_factor(s: &Scenario, unit: &scenario::InstalledUnit, day: chrono::NaiveDate) -> f64 {
    let site = s.site(unit.site);
    s.rate_changes
        .iter()
        .filter(|c| c.period.contains(day))
        .filter(|c| c.region.as_ref().is_none_or(|r| r == &site.region))
        .filter(|c| c.part.is_none_or(|p| p == unit.part))
        .map(|c| c.factor)
        .product()
}

#[test]
fn planning_views_match_a_day_by_day_recount() {
    let w = Workspace::new();
    let s = load(&w.overlay(
        "events",
        "[[new_tier]]\nid = \"gold\"\ncoverage = \"24x7\"\nresponse = \"2h\"\ntarget = 0.99\npenalty = 50000\n\
         [[tier_move]]\ncustomer = \"Bank B\"\ntier = \"gold\"\nfrom = 2026-02-20\nto = 2026-03-12\n\
         [[failure_rate]]\nfactor = 3.0\nregion = \"Jiangsu\"\nfrom = 2026-02-16\nto = 2026-02-22\n\
         [[failure_rate]]\nfactor = 0.5\npart = \"HDD8\"\nfrom = 2026-02-21\nto = 2026-02-28\n\
         [[failure_rate]]\nfactor = 2.0\nfrom = 2026-12-30\nto = 2027-01-04\n",
    ));
    let travel = common::travel_hours(&s);
    let days: Vec<chrono::NaiveDate> = (0..365)
        .map(|i| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(i))
        .collect();
    let moved_on = |site: &scenario::Site, day: chrono::NaiveDate| {
        s.tier_changes
            .iter()
            .any(|c| c.customer == site.customer && c.period.contains(day))
    };

    let peak = planning_input(&s, &travel, TemporaryView::Peak);
    assert!(peak.scenario.rate_changes.is_empty() && peak.scenario.tier_changes.is_empty());
    assert_eq!(peak.scenario.sites.len(), s.sites.len());
    for (unit, planned) in s.installed_base.iter().zip(&peak.scenario.installed_base) {
        let worst = days
            .iter()
            .map(|d| day_factor(&s, unit, *d))
            .fold(f64::MIN, f64::max);
        assert!((planned.annual_failure_rate - unit.annual_failure_rate * worst).abs() < 1e-12);
    }
    let gold = s.tier_by_id("gold").unwrap();
    for (site, planned) in s.sites.iter().zip(&peak.scenario.sites) {
        let expected = if site.customer == "Bank B" {
            gold
        } else {
            site.tier
        };
        assert_eq!(planned.tier, expected);
    }
    let any_change = |d: &chrono::NaiveDate| {
        s.rate_changes.iter().any(|c| c.period.contains(*d))
            || s.tier_changes.iter().any(|c| c.period.contains(*d))
    };
    assert_eq!(
        peak.event_days as usize,
        days.iter().filter(|d| any_change(d)).count()
    );

    let average = planning_input(&s, &travel, TemporaryView::Average);
    // One split site per Bank B site, at the end, with its original's travel column.
    let bank_sites: Vec<usize> = (0..s.sites.len())
        .filter(|&i| s.sites[i].customer == "Bank B")
        .collect();
    assert_eq!(average.split_sites.len(), bank_sites.len());
    for (split, original) in &average.split_sites {
        let site = average.scenario.site(*split);
        assert_eq!(site.id, format!("{}@gold", s.site(*original).id));
        assert_eq!(site.tier, gold);
        for (planned, row) in average.travel.iter().zip(&travel) {
            assert_eq!(planned[split.index()], row[original.index()]);
        }
    }
    // Each row's yearly demand, split by the tier in force, recounted by day.
    for (i, unit) in s.installed_base.iter().enumerate() {
        let site = s.site(unit.site);
        let own: f64 = days
            .iter()
            .filter(|d| !moved_on(site, **d))
            .map(|d| day_factor(&s, unit, *d))
            .sum::<f64>()
            / 365.0;
        let moved: f64 = days
            .iter()
            .filter(|d| moved_on(site, **d))
            .map(|d| day_factor(&s, unit, *d))
            .sum::<f64>()
            / 365.0;
        let planned = &average.scenario.installed_base[i];
        assert!((planned.annual_failure_rate - unit.annual_failure_rate * own).abs() < 1e-12);
        let split_rows: Vec<&scenario::InstalledUnit> = average.scenario.installed_base
            [s.installed_base.len()..]
            .iter()
            .filter(|u| {
                average
                    .split_sites
                    .iter()
                    .any(|(split, original)| *split == u.site && *original == unit.site)
                    && u.part == unit.part
            })
            .collect();
        if moved > 0.0 {
            assert_eq!(split_rows.len(), 1, "row {i}");
            assert!(
                (split_rows[0].annual_failure_rate - unit.annual_failure_rate * moved).abs()
                    < 1e-12
            );
        } else {
            assert!(split_rows.is_empty());
        }
    }
}

fn options() -> PlanOptions {
    PlanOptions {
        backend: Backend::default_backend(),
        time_limit: Duration::from_secs(60),
        gap: 0.0,
        staffing: sparesla::plan::Staffing::PartsOnly,
    }
}

#[test]
fn the_event_top_up_is_the_least_stock_that_keeps_its_promise() {
    let w = Workspace::new();
    let s = load(&w.overlay(
        "events",
        "[[new_tier]]\nid = \"gold\"\ncoverage = \"24x7\"\nresponse = \"4h\"\ntarget = 0.995\npenalty = 50000\n\
         [[tier_move]]\ncustomer = \"Hospital C\"\ntier = \"gold\"\nfrom = 2026-07-06\nto = 2026-07-26\n\
         [[failure_rate]]\nfactor = 4.0\nregion = \"Jiangsu\"\nfrom = 2026-02-16\nto = 2026-02-22\n",
    ));
    let travel = common::travel_hours(&s);
    let mut today_scenario = s.clone();
    today_scenario.rate_changes.clear();
    today_scenario.tier_changes.clear();
    let today = plan::plan(&today_scenario, &travel, options()).unwrap();
    let top_up = event_top_up(&s, &travel, &today)
        .unwrap()
        .expect("temporary changes");
    let peak = planning_input(&s, &travel, TemporaryView::Peak).scenario;
    let fill_of = |units: u32, demand: f64, depot: usize| {
        fill_rate(
            s.planning.fill_model,
            units,
            demand * s.depots[depot].replenish_days / 365.0,
        )
    };
    let mut extra = 0;
    for line in &top_up.lines {
        let d = line.depot.index();
        assert!(line.event_stock >= line.stock);
        // The pool's demand is the event demand of the sites it serves.
        let demand: f64 = peak
            .installed_base
            .iter()
            .filter(|u| u.part == line.part && top_up.serving[u.site.index()] == Some(line.depot))
            .map(|u| u.failures_per_year())
            .sum();
        assert!((demand - line.event_demand).abs() < 1e-9);
        // Required: the strictest site's promise.
        let required = peak
            .installed_base
            .iter()
            .filter(|u| u.part == line.part && top_up.serving[u.site.index()] == Some(line.depot))
            .map(|u| {
                let site = u.site.index();
                if peak.sites[site].tier != s.sites[site].tier {
                    peak.tiers[peak.sites[site].tier.index()].target
                } else {
                    today.assignment.primary[site]
                        .and_then(|d| {
                            today
                                .pools
                                .iter()
                                .zip(&today.stock)
                                .find(|(p, _)| p.depot == d && p.part == u.part)
                        })
                        .map_or(0.0, |(p, units)| p.fill(*units))
                }
            })
            .fold(0.0, f64::max);
        assert!((required - line.required_fill).abs() < 1e-12);
        // Least stock meeting it (or today's if that already does).
        let meets = |units: u32| fill_of(units, demand, d) >= required - 1e-9;
        assert!(meets(line.event_stock));
        if line.event_stock > line.stock {
            assert!(!meets(line.event_stock - 1));
        }
        extra += line.event_stock - line.stock;
    }
    assert!(
        extra > 0,
        "a fourfold peak and a 99.5% tier should need more stock"
    );
    assert_eq!(u64::from(extra), top_up.extra_units);
    assert!(top_up.breaches_today > top_up.breaches_ordinary);
    assert!(top_up.breaches_topped_up <= top_up.breaches_today + 1e-12);
    assert_eq!(top_up.event_days, 7 + 21);
}

#[test]
fn an_event_that_changes_nothing_needs_nothing() {
    let w = Workspace::new();
    let s = load(&w.overlay(
        "flat",
        "[[failure_rate]]\nfactor = 1.0\nfrom = 2026-02-16\nto = 2026-02-22\n",
    ));
    let travel = common::travel_hours(&s);
    let today = plan::plan(&s, &travel, options()).unwrap();
    let top_up = event_top_up(&s, &travel, &today).unwrap().unwrap();
    assert_eq!(top_up.extra_units, 0);
    assert!(top_up.affected.is_empty());
    assert_eq!(top_up.breaches_today, top_up.breaches_ordinary);
}

fn compare_output(w: &Workspace, format: &str, out: Option<&Path>) -> String {
    let base = w.path("base");
    let event = w.path("events");
    let closed = w.path("no-nanjing");
    let mut args = vec![
        "compare".to_string(),
        base.display().to_string(),
        event.display().to_string(),
        closed.display().to_string(),
        "--format".into(),
        format.into(),
    ];
    if let Some(out) = out {
        args.push("--out".into());
        args.push(out.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = sparesla(&args);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    stdout
}

fn compare_workspace() -> Workspace {
    let w = Workspace::new();
    w.overlay(
        "events",
        "[[failure_rate]]\nfactor = 3.0\nregion = \"Jiangsu\"\nfrom = 2026-02-16\nto = 2026-02-22\n",
    );
    w.overlay(
        "no-nanjing",
        "[[depot]]\nid = \"D-NJ\"\nstatus = \"closed\"\n[[depot]]\nid = \"D-HZ\"\nreplenish_days = 5\n",
    );
    w
}

#[test]
fn compare_output_has_one_row_per_scenario_and_deltas_against_the_first() {
    let w = compare_workspace();
    let out = w.path("compare-out");
    let json = compare_output(&w, "json", Some(&out));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 3);
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["tiny", "events", "no-nanjing"]);
    for key in [
        "total_cost",
        "fixed_cost",
        "holding_cost",
        "expected_penalty",
        "emergency_cost",
        "lower_bound",
        "gap",
        "status",
        "stock_units",
        "stock_value",
        "depots_open",
        "depots_open_count",
        "tiers",
        "sites_lost",
        "sites_gained",
        "delta_total_cost",
        "event",
    ] {
        assert!(rows.iter().all(|r| r.get(key).is_some()), "{key}");
    }
    let first_cost = rows[0]["total_cost"].as_f64().unwrap();
    for row in rows {
        let delta = row["total_cost"].as_f64().unwrap() - first_cost;
        assert!((row["delta_total_cost"].as_f64().unwrap() - delta).abs() < 1e-6);
        for tier in row["tiers"].as_array().unwrap() {
            assert!(tier["expected_attainment"].as_f64().unwrap() >= 0.0);
        }
    }
    assert!(rows[0]["event"].is_null() && rows[2]["event"].is_null());
    assert_eq!(rows[1]["event"]["event_days"], 7);
    // Closing Nanjing loses what only Nanjing reached, if anything, and the
    // depot lists say what changed.
    assert!(
        rows[2]["depots_open"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d != "D-NJ")
    );

    // The files: compare.csv has the same rows, compare.json is stdout.
    assert_eq!(fs::read_to_string(out.join("compare.json")).unwrap(), json);
    let mut csv = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    for column in [
        "name",
        "total_cost",
        "fixed_cost",
        "holding_cost",
        "expected_penalty",
        "lower_bound",
        "gap",
        "status",
        "stock_units",
        "stock_value",
        "depots_open",
        "attainment_7x24x4",
        "attainment_5x10-nbd",
        "event_extra_units",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    let total = header.iter().position(|h| h == "total_cost").unwrap();
    for (record, row) in records.iter().zip(rows) {
        let cost: f64 = record[total].parse().unwrap();
        assert!((cost - row["total_cost"].as_f64().unwrap()).abs() < 1e-5);
    }

    // Every plan written passes the independent checker against the
    // scenario it was planned for.
    for (folder, scenario_dir) in [
        ("tiny", "base"),
        ("events-today", "base"),
        ("no-nanjing", "no-nanjing"),
    ] {
        let s = load(&w.path(scenario_dir));
        let problems = check_plan(
            &s,
            &common::travel_hours(&s),
            &read_plan_claims(&out.join("plans").join(folder)),
        );
        assert!(problems.is_empty(), "{folder}: {problems:?}");
    }
    // The event stock folder has the plan's stock.csv columns.
    let event_stock = fs::read_to_string(out.join("plans/events-event/stock.csv")).unwrap();
    assert!(event_stock.starts_with("depot,part,stock,demand_per_year,fill_rate\n"));
}

#[test]
fn compare_is_deterministic_and_prints_every_format() {
    let w = compare_workspace();
    let table = compare_output(&w, "table", None);
    assert_eq!(table, compare_output(&w, "table", None));
    assert!(table.starts_with("compare: deltas against tiny (average view"));
    for label in [
        "total cost/yr CNY",
        "stock units",
        "depots open",
        "7x24x4 attainment",
        "event days",
    ] {
        assert!(table.contains(label), "{label} in\n{table}");
    }
    let csv = compare_output(&w, "csv", None);
    assert_eq!(csv, compare_output(&w, "csv", None));
    assert_eq!(csv.lines().count(), 4);
}

#[test]
fn compare_rejects_bad_input_with_exit_code_3() {
    let w = compare_workspace();
    let bad = w.overlay("bad", "[[depot]]\nid = \"NOPE\"\n");
    let output = sparesla(&[
        "compare",
        w.path("base").to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3));
    let output = sparesla(&["compare", w.path("base").to_str().unwrap(), "--gap", "2"]);
    assert_eq!(output.status.code(), Some(3));
}

/// The tiny workspace with the bundled rota patterns (each tiny roster
/// engineer works one of them) and an overlay that adds an on-call engineer.
fn staffed_compare_workspace() -> Workspace {
    let w = Workspace::new();
    w.write(
        "base/shifts.csv",
        &fs::read_to_string(common::root().join("scenarios/china-baseline/shifts.csv")).unwrap(),
    );
    w.overlay(
        "on-call-hz",
        "[[new_engineer]]\nid = \"E9\"\nbase = \"D-HZ\"\nskills = \"net;sto\"\nshift = \"24x7\"\ndays = \"mon-sun\"\ncalendar = \"none\"\n",
    );
    w
}

fn compare_json_rows(w: &Workspace, extra: &[&str], out: &Path) -> Vec<serde_json::Value> {
    let base = w.path("base");
    let staffed = w.path("on-call-hz");
    let mut args = vec![
        "compare",
        base.to_str().unwrap(),
        staffed.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let output = sparesla(&args);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    serde_json::from_str::<serde_json::Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn compare_shows_the_people_cost_of_each_plan_and_its_difference() {
    let w = staffed_compare_workspace();
    let out = w.path("compare-keep");
    let rows = compare_json_rows(&w, &["--staffing", "keep"], &out);
    // Each row's people cost is its plan's, as summary.json states it, and
    // part of the total.
    for (row, folder) in rows.iter().zip(["tiny", "on-call-hz"]) {
        let summary: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(out.join("plans").join(folder).join("summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(row["staffing"], "keep");
        assert_eq!(row["people_cost"], summary["people_cost"], "{folder}");
        assert_eq!(row["added_positions"], 0);
    }
    // The tiny roster: one on-call (420,000), one 08:00-18:00 (200,000),
    // one 08:30-17:30 (180,000); the overlay adds one on-call position.
    assert_eq!(rows[0]["roster_positions"], 3);
    assert_eq!(rows[0]["people_cost"].as_f64().unwrap(), 800_000.0);
    assert_eq!(rows[1]["roster_positions"], 4);
    assert_eq!(rows[1]["people_cost"].as_f64().unwrap(), 1_220_000.0);
    assert_eq!(rows[1]["delta_people_cost"].as_f64().unwrap(), 420_000.0);
    for tier in rows[0]["tiers"].as_array().unwrap() {
        let (parts, people) = (
            tier["parts_attainment"].as_f64().unwrap(),
            tier["people_attainment"].as_f64().unwrap(),
        );
        assert!((0.0..=1.0).contains(&parts) && (0.0..=1.0).contains(&people));
    }

    // compare.csv carries the same figures in its engineer columns.
    let mut csv = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(&records[1][column("staffing")], "keep");
    assert_eq!(&records[1][column("people_cost")], "1220000.000000");
    assert_eq!(&records[1][column("delta_people_cost")], "420000.000000");
    assert_eq!(&records[1][column("roster_positions")], "4");

    // The table has the engineers' cost row and line.
    let table = {
        let output = sparesla(&[
            "compare",
            w.path("base").to_str().unwrap(),
            w.path("on-call-hz").to_str().unwrap(),
            "--staffing",
            "keep",
        ]);
        text(&output).0
    };
    let engineer_lines: Vec<&str> = table
        .lines()
        .filter(|l| l.trim_start().starts_with("engineers"))
        .collect();
    assert!(
        engineer_lines
            .iter()
            .any(|l| l.contains("800,000") && l.contains("1,220,000 (+420,000)")),
        "{table}"
    );
    assert!(
        engineer_lines
            .iter()
            .any(|l| l.contains("keep: 3 roster + 0 added") && l.contains("keep: 4 roster")),
        "{table}"
    );
    assert!(table.contains("parts / people"), "{table}");

    // Parts only: nobody is counted or priced.
    let rows = compare_json_rows(&w, &["--staffing", "parts-only"], &w.path("compare-parts"));
    for row in &rows {
        assert_eq!(row["staffing"], "parts_only");
        assert_eq!(row["people_cost"].as_f64().unwrap(), 0.0);
    }
}

#[test]
fn compare_staffing_plan_needs_shift_patterns() {
    let w = compare_workspace();
    let output = sparesla(&[
        "compare",
        w.path("base").to_str().unwrap(),
        "--staffing",
        "plan",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        text(&output).1.contains("no shifts.csv"),
        "{}",
        text(&output).1
    );
}

#[test]
fn the_bundled_overlays_load_without_warnings() {
    let root = common::root().join("scenarios");
    let mut found = 0;
    for entry in fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("overlay.toml").exists() {
            continue;
        }
        found += 1;
        let loaded = scenario::load(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(
            loaded.warnings.is_empty(),
            "{}: {:?}",
            dir.display(),
            loaded.warnings
        );
    }
    assert!(found >= 5, "{found} bundled overlays");
}

#[test]
fn average_view_plans_with_split_sites_pass_the_checker() {
    let w = Workspace::new();
    let s = load(&w.overlay(
        "split",
        "[[new_tier]]\nid = \"gold\"\ncoverage = \"24x7\"\nresponse = \"4h\"\ntarget = 0.99\npenalty = 50000\n\
         [[tier_move]]\ncustomer = \"Hospital C\"\ntier = \"gold\"\nfrom = 2026-07-06\nto = 2026-07-26\n\
         [[failure_rate]]\nfactor = 3.0\nregion = \"Jiangsu\"\nfrom = 2026-02-16\nto = 2026-02-22\n",
    ));
    let travel = common::travel_hours(&s);
    let input = planning_input(&s, &travel, TemporaryView::Average);
    assert_eq!(input.split_sites.len(), 1);
    let planned = plan::plan(&input.scenario, &input.travel, options()).unwrap();
    let out = w.path("split-plan");
    sparesla::report::write_plan(&out, &input.scenario, &planned).unwrap();
    let problems = check_plan(&input.scenario, &input.travel, &read_plan_claims(&out));
    assert!(problems.is_empty(), "{problems:?}");
    let gold = planned.tiers.iter().find(|t| t.tier == "gold").unwrap();
    assert!(gold.expected_attainment >= 0.99 - 1e-9 || gold.attainable < 0.99);
}

/// Sites without a qualified engineer in reach, by id.
fn engineer_gap_ids(s: &Scenario) -> Vec<String> {
    let travel = common::travel_hours(s);
    let input = planning_input(s, &travel, TemporaryView::Average);
    let planned = plan::plan(&input.scenario, &input.travel, options()).unwrap();
    sparesla::whatif::engineer_gaps(&input.scenario, &input, &planned)
        .into_iter()
        .map(|site| input.scenario.site(site).id.clone())
        .collect()
}

#[test]
fn engineer_gaps_follow_roads_skills_and_shifts() {
    let w = Workspace::new();
    // CW reaches S3 (Nanjing, 7x24x4) in 3.9 h by road: E1 (24x7, net;sto)
    // covers it; business-tier sites take any shift.
    assert!(engineer_gap_ids(&load(&w.path("base"))).is_empty());
    // Slowing the Wuxi-Nanjing road puts S3 beyond 4 h from every engineer.
    let slow = "[[closure]]\nfrom = \"J-WX\"\nto = \"D-NJ\"\nfactor = 2\n";
    assert_eq!(
        engineer_gap_ids(&load(&w.overlay("slow", slow))),
        vec!["S3"]
    );
    // A business-hours engineer at Nanjing does not keep a 24x7 promise...
    let day_shift = format!(
        "{slow}[[new_engineer]]\nid = \"E9\"\nbase = \"D-NJ\"\nskills = \"net;sto\"\nshift = \"08:00-18:00\"\ntz = \"Asia/Shanghai\"\n"
    );
    assert_eq!(
        engineer_gap_ids(&load(&w.overlay("day", &day_shift))),
        vec!["S3"]
    );
    // ...nor an on-call one without the disk skill S3's HDD8 needs...
    let no_sto = format!(
        "{slow}[[new_engineer]]\nid = \"E9\"\nbase = \"D-NJ\"\nskills = \"net\"\nshift = \"24x7\"\ntz = \"Asia/Shanghai\"\n"
    );
    assert_eq!(
        engineer_gap_ids(&load(&w.overlay("no-sto", &no_sto))),
        vec!["S3"]
    );
    // ...but an on-call engineer with both skills does.
    let both = format!(
        "{slow}[[new_engineer]]\nid = \"E9\"\nbase = \"D-NJ\"\nskills = \"net;sto\"\nshift = \"24x7\"\ntz = \"Asia/Shanghai\"\n"
    );
    assert!(engineer_gap_ids(&load(&w.overlay("both", &both))).is_empty());
}
