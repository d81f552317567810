//! One output set per run: a kill at any moment, a full disk or an
//! obstructed path leaves the complete old folder or the complete new one,
//! and readers refuse a folder whose files are not one run.

mod common;

use common::{ScenarioCopy, sparesla, text};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const INCIDENTS: &str = "id,site,opened,part,kind\n\
    T1,S1,2026-03-10T09:00,PSU,reactive\n\
    T2,S3,2026-03-10T10:30,LC100,reactive\n";

/// Every file under `dir` (relative path, bytes); empty if there is no folder.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(name, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn restore(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    if dir.exists() {
        fs::remove_dir_all(dir).unwrap();
    }
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

fn run_ok(args: &[&str]) {
    let output = sparesla(args);
    assert!(output.status.success(), "{args:?}: {}", text(&output).1);
}

/// The tiny fixture, and a copy whose plan differs (a higher failure rate).
fn two_scenarios() -> (ScenarioCopy, ScenarioCopy) {
    let changed = ScenarioCopy::fixture("tiny");
    changed.replace("installed_base.csv", "S1,PSU,8,0.015", "S1,PSU,8,0.1");
    (ScenarioCopy::fixture("tiny"), changed)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Kills `args` with SIGKILL at spread-out moments of its run, with `out`
/// holding the old set before each run; the folder must then be the whole
/// old set or the whole new one.
fn kill_at_random_points(args: &[&str], out: &Path, old: &BTreeMap<String, Vec<u8>>) {
    restore(out, old);
    let started = Instant::now();
    run_ok(args);
    let full_run = started.elapsed();
    let new = snapshot(out);
    assert_ne!(&new, old, "the two runs must write different sets");
    let (mut saw_old, mut saw_new) = (0, 0);
    // A fixed linear congruential sequence: random-looking, the same every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..30 {
        restore(out, old);
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let share = (state >> 33) as f64 / (1u64 << 31) as f64;
        let delay = full_run.mul_f64(1.3 * share);
        let mut child = Command::new(env!("CARGO_BIN_EXE_sparesla"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; the run may have ended already
        child.wait().unwrap();
        let found = snapshot(out);
        if &found == old {
            saw_old += 1;
        } else if found == new {
            saw_new += 1;
        } else {
            panic!(
                "killed after {delay:?}: the folder is neither the old set nor the new one: {:?}",
                found.keys().collect::<Vec<_>>()
            );
        }
    }
    eprintln!("run {full_run:?}: {saw_old} kills left the old set, {saw_new} the new one");
    assert_eq!(saw_old + saw_new, 30);
    // Temporary folders of killed runs are removed by the next write.
    run_ok(args);
    let parent = out.parent().unwrap();
    let leftovers: Vec<_> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".sparesla-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_killed_plan_leaves_the_old_set_or_the_new_one() {
    let (tiny, changed) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("plan");
    run_ok(&["plan", path(changed.path()), "--out", path(&out)]);
    let old = snapshot(&out);
    kill_at_random_points(
        &["plan", path(tiny.path()), "--out", path(&out)],
        &out,
        &old,
    );
}

#[test]
fn a_killed_simulation_leaves_the_old_set_or_the_new_one() {
    let (tiny, _) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan");
    run_ok(&["plan", path(tiny.path()), "--out", path(&plan)]);
    let out = work.path().join("sim");
    let simulate = |seed: &'static str| {
        vec![
            "simulate".to_string(),
            path(tiny.path()).to_string(),
            "--plan".into(),
            path(&plan).to_string(),
            "--runs".into(),
            "20".into(),
            "--seed".into(),
            seed.into(),
            "--out".into(),
            path(&out).to_string(),
        ]
    };
    let first = simulate("1");
    run_ok(&first.iter().map(String::as_str).collect::<Vec<_>>());
    let old = snapshot(&out);
    let second = simulate("2");
    kill_at_random_points(
        &second.iter().map(String::as_str).collect::<Vec<_>>(),
        &out,
        &old,
    );
}

#[test]
fn a_killed_comparison_leaves_the_old_set_or_the_new_one() {
    let (tiny, changed) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("compare");
    let (a, b) = (path(tiny.path()), path(changed.path()));
    run_ok(&["compare", b, a, "--out", path(&out)]);
    let old = snapshot(&out);
    assert!(
        old.keys().any(|k| k.starts_with("plans/")),
        "{:?}",
        old.keys()
    );
    kill_at_random_points(&["compare", a, b, "--out", path(&out)], &out, &old);
}

#[test]
fn a_full_disk_leaves_the_old_set() {
    let (tiny, changed) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("plan");
    run_ok(&["plan", path(changed.path()), "--out", path(&out)]);
    let old = snapshot(&out);
    // A file-size limit makes every write past 512 bytes fail as a full disk
    // would (EFBIG); the signal that would kill the process is ignored.
    let output = Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_sparesla"),
            "plan",
            path(tiny.path()),
            "--out",
            path(&out),
        ])
        .output()
        .unwrap();
    let stderr = text(&output).1;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("writing the plan"), "{stderr}");
    assert_eq!(snapshot(&out), old);
    let names: Vec<_> = fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["plan"], "no temporary folder is left");
}

#[test]
fn an_obstructed_path_fails_cleanly_and_keeps_the_old_folder() {
    let (tiny, _) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("plan");
    fs::create_dir_all(out.join("stock.csv")).unwrap();
    fs::write(out.join("depots.csv"), "old\n").unwrap();
    let old = snapshot(&out);
    let output = sparesla(&["plan", path(tiny.path()), "--out", path(&out)]);
    let stderr = text(&output).1;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`stock.csv` (a folder)"), "{stderr}");
    assert!(out.join("stock.csv").is_dir());
    assert_eq!(snapshot(&out), old);

    // Files the user keeps in the folder are not deleted either.
    fs::remove_dir(out.join("stock.csv")).unwrap();
    fs::write(out.join("notes.txt"), "mine\n").unwrap();
    let output = sparesla(&["plan", path(tiny.path()), "--out", path(&out)]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine\n");
}

#[test]
fn readers_refuse_a_mixed_or_partial_folder() {
    let (tiny, changed) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let (one, two) = (work.path().join("one"), work.path().join("two"));
    run_ok(&["plan", path(tiny.path()), "--out", path(&one)]);
    run_ok(&["plan", path(changed.path()), "--out", path(&two)]);
    let mixed = work.path().join("mixed");
    restore(&mixed, &snapshot(&one));
    fs::copy(two.join("stock.csv"), mixed.join("stock.csv")).unwrap();
    let scenario = path(tiny.path());
    let simulate = ["simulate", scenario, "--plan", path(&mixed), "--runs", "2"];
    let html = work.path().join("r.html");
    let report = [
        "report",
        scenario,
        "--plan",
        path(&mixed),
        "--out",
        path(&html),
    ];
    let stock = mixed.join("stock.csv");
    let incidents = work.path().join("incidents.csv");
    fs::write(&incidents, INCIDENTS).unwrap();
    let dispatch_out = work.path().join("d");
    let dispatch = [
        "dispatch",
        scenario,
        "--incidents",
        path(&incidents),
        "--stock",
        path(&stock),
        "--out",
        path(&dispatch_out),
        "--iterations",
        "10",
    ];
    for args in [&simulate[..], &report[..], &dispatch[..]] {
        let output = sparesla(args);
        let stderr = text(&output).1;
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("E1060") && stderr.contains("stock.csv") && stderr.contains("mixes"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!html.exists() && !dispatch_out.exists());

    // A pinned dispatch.csv is held to its folder's manifest too.
    let stock_ok = two.join("stock.csv");
    let first = work.path().join("first");
    let mut pinned: Vec<String> = dispatch.iter().map(|s| s.to_string()).collect();
    pinned[5] = path(&stock_ok).to_string();
    pinned[7] = path(&first).to_string();
    run_ok(&pinned.iter().map(String::as_str).collect::<Vec<_>>());
    let previous = first.join("dispatch.csv");
    let edited = fs::read_to_string(&previous)
        .unwrap()
        .replacen(",late", ",on_time", 1);
    fs::write(&previous, format!("{edited}\n")).unwrap();
    pinned[7] = path(&dispatch_out).to_string();
    pinned.extend(["--pin".to_string(), path(&previous).to_string()]);
    let output = sparesla(&pinned.iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = text(&output).1;
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("E1060") && stderr.contains("dispatch.csv"),
        "{stderr}"
    );

    // A file the manifest lists is gone: partial.
    restore(&mixed, &snapshot(&one));
    fs::remove_file(mixed.join("assignment.csv")).unwrap();
    for args in [&simulate[..], &report[..]] {
        let output = sparesla(args);
        let stderr = text(&output).1;
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("E1060") && stderr.contains("partial"),
            "{args:?}: {stderr}"
        );
    }

    // A folder of an older version (no manifest) is read, with a warning.
    restore(&mixed, &snapshot(&one));
    fs::remove_file(mixed.join("manifest.json")).unwrap();
    for args in [&simulate[..], &report[..], &dispatch[..]] {
        let output = sparesla(args);
        let stderr = text(&output).1;
        assert!(output.status.success(), "{args:?}: {stderr}");
        if args[0] != "dispatch" {
            assert!(stderr.contains("W2008"), "{args:?}: {stderr}");
        }
    }
}

/// Runs a writing command twice, into `a` and `b` under `work`, and compares
/// the folders (or files) byte for byte.
fn twice(work: &Path, name: &str, args: impl Fn(&str) -> Vec<String>) {
    let outs = [
        work.join(format!("{name}-a")),
        work.join(format!("{name}-b")),
    ];
    for out in &outs {
        let args = args(path(out));
        run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let [a, b] = &outs;
    let (a, b) = if a.is_dir() {
        (snapshot(a), snapshot(b))
    } else {
        let read = |p: &Path| BTreeMap::from([(String::new(), fs::read(p).unwrap())]);
        (read(a), read(b))
    };
    assert!(!a.is_empty(), "{name} wrote nothing");
    for (file, bytes) in &a {
        assert!(
            b.get(file) == Some(bytes),
            "{name}: {file} differs between two runs"
        );
    }
    assert_eq!(a.len(), b.len(), "{name}: the two runs wrote other files");
}

#[test]
fn every_writing_command_writes_the_same_bytes_twice() {
    let (tiny, changed) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let scenario = path(tiny.path()).to_string();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    twice(w, "plan", |out| strings(&["plan", &scenario, "--out", out]));
    let plan = w.join("plan-a");
    let plan = path(&plan).to_string();
    twice(w, "simulate", |out| {
        strings(&[
            "simulate", &scenario, "--plan", &plan, "--runs", "5", "--out", out,
        ])
    });
    let incidents = w.join("incidents.csv");
    fs::write(&incidents, INCIDENTS).unwrap();
    let incidents = path(&incidents).to_string();
    let stock = format!("{plan}/stock.csv");
    twice(w, "dispatch", |out| {
        strings(&[
            "dispatch",
            &scenario,
            "--incidents",
            &incidents,
            "--stock",
            &stock,
            "--out",
            out,
            "--iterations",
            "50",
            "--time-limit",
            "60s",
        ])
    });
    let summary = fs::read_to_string(w.join("dispatch-a/summary.json")).unwrap();
    assert!(!summary.contains("\"seconds\""), "{summary}");
    let other = path(changed.path()).to_string();
    twice(w, "compare", |out| {
        strings(&["compare", &scenario, &other, "--out", out])
    });
    twice(w, "generate", |out| {
        strings(&[
            "generate",
            out,
            "--depots",
            "3",
            "--sites",
            "8",
            "--parts",
            "3",
            "--incidents",
            "4",
        ])
    });
    let dispatch = w.join("dispatch-a");
    let dispatch = path(&dispatch).to_string();
    twice(w, "report.html", |out| {
        strings(&[
            "report",
            &scenario,
            "--plan",
            &plan,
            "--dispatch",
            &dispatch,
            "--out",
            out,
        ])
    });
}

#[test]
fn a_generated_scenario_stays_editable_and_can_be_generated_again() {
    let work = tempfile::tempdir().unwrap();
    let g = work.path().join("g");
    let generate = |incidents: &str| {
        run_ok(&[
            "generate",
            path(&g),
            "--depots",
            "3",
            "--sites",
            "8",
            "--parts",
            "3",
            "--incidents",
            incidents,
        ])
    };
    generate("4");
    assert!(g.join("manifest.json").is_file());
    // The user edits the scenario's stock: generate's manifest does not hold it back.
    let stock = g.join("stock.csv");
    let text_before = fs::read_to_string(&stock).unwrap();
    fs::write(&stock, text_before.replacen(",1\n", ",2\n", 1)).unwrap();
    run_ok(&["validate", path(&g)]);
    run_ok(&[
        "dispatch",
        path(&g),
        "--incidents",
        path(&g.join("incidents.csv")),
        "--stock",
        path(&stock),
        "--out",
        path(&work.path().join("d")),
        "--iterations",
        "10",
    ]);
    // Generating again without incidents replaces the files the last run listed.
    generate("0");
    assert!(!g.join("incidents.csv").exists());
}

#[test]
fn the_current_folder_is_not_replaced() {
    let (tiny, _) = two_scenarios();
    let work = tempfile::tempdir().unwrap();
    fs::write(work.path().join("depots.csv"), "old\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(["plan", path(tiny.path()), "--out", "."])
        .current_dir(work.path())
        .output()
        .unwrap();
    let stderr = text(&output).1;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("current folder"), "{stderr}");
    assert_eq!(
        fs::read_to_string(work.path().join("depots.csv")).unwrap(),
        "old\n"
    );
}
