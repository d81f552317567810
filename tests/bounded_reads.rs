//! Every path a scenario or a command line names is read only if it is a
//! regular file, and at most 256 MiB: a device or a pipe is a located error
//! at once, never a hang.

mod common;

use common::ScenarioCopy;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary; kills it and fails the test if it takes longer than `limit`.
fn quick(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("sparesla {args:?} still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_calendar_naming_a_device_is_a_located_error_not_a_hang() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace("tiers.csv", "mon-fri,CN,nbd", "mon-fri,/dev/zero,nbd");
    let dir = copy.path().to_str().unwrap();
    let (code, stderr) = quick(&["validate", dir], Duration::from_secs(20));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("/dev/zero"), "{stderr}");
    assert!(stderr.contains("character device"), "{stderr}");
}

#[test]
fn a_scenario_file_that_is_a_folder_or_a_pipe_is_refused() {
    let copy = ScenarioCopy::fixture("tiny");
    copy.remove("parts.csv");
    std::fs::create_dir(copy.path().join("parts.csv")).unwrap();
    let dir = copy.path().to_str().unwrap();
    let (code, stderr) = quick(&["validate", dir], Duration::from_secs(20));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("parts.csv") && stderr.contains("not a regular file"),
        "{stderr}"
    );

    // A named pipe nobody writes to would block a plain open for ever.
    let fifo = copy.path().join("incidents.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let (code, stderr) = quick(
            &[
                "dispatch",
                dir,
                "--incidents",
                fifo.to_str().unwrap(),
                "--out",
                copy.path().join("out").to_str().unwrap(),
            ],
            Duration::from_secs(20),
        );
        assert_eq!(code, Some(3), "{stderr}");
        assert!(stderr.contains("named pipe"), "{stderr}");
    }
}

#[test]
fn an_overlay_naming_a_device_is_refused() {
    let overlay = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", overlay.path().join("overlay.toml")).unwrap();
    let (code, stderr) = quick(
        &["validate", overlay.path().to_str().unwrap()],
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("character device"), "{stderr}");
}
