//! Helpers shared by the integration tests: copies of fixture scenarios that
//! a test may edit, and the path of the real binary.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The folder holding the fixture scenarios.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A private copy of a scenario folder, deleted when dropped.
pub struct ScenarioCopy {
    dir: tempfile::TempDir,
}

impl ScenarioCopy {
    /// Copies `tests/fixtures/<name>` (or any folder) into a temporary folder.
    pub fn of(source: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        copy_dir(source, dir.path());
        ScenarioCopy { dir }
    }

    /// Copies the fixture of that name.
    pub fn fixture(name: &str) -> Self {
        Self::of(&fixtures().join(name))
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces a file's content.
    pub fn write(&self, file: &str, content: &str) -> &Self {
        fs::write(self.dir.path().join(file), content).expect("write fixture file");
        self
    }

    /// Edits a file's content.
    pub fn edit(&self, file: &str, change: impl FnOnce(String) -> String) -> &Self {
        let path = self.dir.path().join(file);
        let text = fs::read_to_string(&path).expect("read fixture file");
        fs::write(&path, change(text)).expect("write fixture file");
        self
    }

    /// Replaces the first occurrence of `from` in a file, which must be there.
    pub fn replace(&self, file: &str, from: &str, to: &str) -> &Self {
        self.edit(file, |text| {
            assert!(text.contains(from), "{file} does not contain {from:?}");
            text.replacen(from, to, 1)
        })
    }

    /// Deletes a file.
    pub fn remove(&self, file: &str) -> &Self {
        fs::remove_file(self.dir.path().join(file)).expect("remove fixture file");
        self
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Runs the real `sparesla` binary.
pub fn sparesla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run sparesla")
}

/// stdout and stderr of a run, as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
