//! A new user's first hour: every command that writes says where, and
//! suggests the next command, and the suggestion runs as printed (it is
//! pasted here into a POSIX shell, in the folder the first command ran in).
//! `dispatch` without any stock says how to give it some.

mod common;

use common::text;
use std::path::Path;
use std::process::{Command, Output};

/// A small scenario with a day of incidents and its stock.
const GENERATE_A_DAY: &[&str] = &[
    "generate",
    "g",
    "--depots",
    "4",
    "--sites",
    "12",
    "--parts",
    "3",
    "--incidents",
    "5",
    "--seed",
    "2",
];

fn sparesla_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run sparesla")
}

/// The suggested commands of a run's stderr, in order.
fn suggestions(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| line.starts_with("next: sparesla ") || line.starts_with("      sparesla "))
        .map(|line| {
            let command = line.trim_start_matches("next:").trim();
            command
                .split_once("  # ")
                .map_or(command, |(command, _)| command)
                .trim()
                .to_string()
        })
        .collect()
}

/// Runs a suggestion as [`common::sparesla_line`] does, a dispatch with a 1 s
/// limit (the test checks that it runs, not what it finds); the command run.
fn run_suggestion_briefly(dir: &Path, command: &str) -> (String, Output) {
    let command = if command.starts_with("sparesla dispatch") {
        format!("{command} --time-limit 1s")
    } else {
        command.to_string()
    };
    let run = common::sparesla_line(dir, &command);
    (command, run)
}

/// A folder holding [`GENERATE_A_DAY`]'s scenario `g` without its stock.csv.
fn a_day_without_stock() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let run = sparesla_in(work.path(), GENERATE_A_DAY);
    assert!(run.status.success(), "{}", text(&run).1);
    std::fs::remove_file(work.path().join("g/stock.csv")).unwrap();
    work
}

/// `dispatch` of scenario `g`'s day into `d` within 1 s, with `extra` flags.
fn dispatch_the_day(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "dispatch",
        "g",
        "--incidents",
        "g/incidents.csv",
        "--out",
        "d",
        "--time-limit",
        "1s",
    ];
    args.extend_from_slice(extra);
    sparesla_in(dir, &args)
}

#[test]
fn plan_says_where_it_wrote_and_its_suggestions_run() {
    let work = tempfile::tempdir().unwrap();
    let name = work.path().join("my scenario");
    common::copy_dir(&common::fixtures().join("tiny"), &name);
    let run = sparesla_in(work.path(), &["plan", "my scenario", "--out", "plan"]);
    let (_, stderr) = text(&run);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("wrote the plan to plan"), "{stderr}");
    let next = suggestions(&stderr);
    assert_eq!(next.len(), 2, "{stderr}");
    assert!(
        next[0].starts_with("sparesla simulate 'my scenario' --plan plan"),
        "{next:?}"
    );
    for command in &next {
        // A shorter simulation than suggested, same command otherwise.
        let command = command.replace("--runs 200", "--runs 5");
        let run = common::sparesla_line(work.path(), &command);
        assert!(run.status.success(), "{command}: {}", text(&run).1);
    }
    assert!(work.path().join("report.html").is_file());
}

#[test]
fn a_kept_simulation_is_suggested_for_the_report_and_that_runs() {
    let work = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixtures().join("tiny"), &work.path().join("s"));
    let run = sparesla_in(work.path(), &["plan", "s", "--out", "plan"]);
    assert!(run.status.success(), "{}", text(&run).1);
    let run = sparesla_in(
        work.path(),
        &[
            "simulate", "s", "--plan", "plan", "--runs", "5", "--out", "sim",
        ],
    );
    let (_, stderr) = text(&run);
    assert!(run.status.success(), "{stderr}");
    let next = suggestions(&stderr);
    assert_eq!(
        next,
        ["sparesla report s --plan plan --simulate sim --out report.html"],
        "{stderr}"
    );
    let run = common::sparesla_line(work.path(), &next[0]);
    assert!(run.status.success(), "{}", text(&run).1);
    assert!(work.path().join("report.html").is_file());
}

#[test]
fn generate_and_validate_suggest_commands_that_run() {
    let work = tempfile::tempdir().unwrap();
    let run = sparesla_in(work.path(), GENERATE_A_DAY);
    let (_, stderr) = text(&run);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("files to g"), "{stderr}");
    let next = suggestions(&stderr);
    assert_eq!(next.len(), 3, "{stderr}");
    for command in &next {
        let (command, run) = run_suggestion_briefly(work.path(), command);
        let (_, stderr) = text(&run);
        assert!(run.status.success(), "{command}: {stderr}");
        if command.starts_with("sparesla validate") {
            assert_eq!(suggestions(&stderr), ["sparesla plan g --out plan"]);
        }
        // The generated scenario has a stock.csv: no hint about stock.
        assert!(!stderr.contains("hint:"), "{command}: {stderr}");
    }
}

#[test]
fn dispatch_from_a_plan_s_stock_suggests_a_re_dispatch_that_runs() {
    // Only the plan's stock holds parts: a re-dispatch that dropped
    // --stock could not keep the pinned jobs.
    let work = a_day_without_stock();
    let run = sparesla_in(work.path(), &["plan", "g", "--out", "plan"]);
    assert!(run.status.success(), "{}", text(&run).1);
    let run = dispatch_the_day(work.path(), &["--stock", "plan/stock.csv"]);
    let (_, stderr) = text(&run);
    assert!(run.status.success(), "{stderr}");
    let next = suggestions(&stderr);
    assert_eq!(next.len(), 2, "{stderr}");
    assert!(
        next[0].contains("--stock plan/stock.csv") && next[0].contains("--pin d/dispatch.csv"),
        "{next:?}"
    );
    for command in &next {
        let (command, run) = run_suggestion_briefly(work.path(), command);
        assert!(run.status.success(), "{command}: {}", text(&run).1);
    }
}

#[test]
fn dispatch_without_stock_says_how_to_give_it_some() {
    let work = a_day_without_stock();
    let run = dispatch_the_day(work.path(), &[]);
    let (_, stderr) = text(&run);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("hint: no depot holds any stock") && stderr.contains("--stock"),
        "{stderr}"
    );
}
