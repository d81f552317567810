//! One output set per run. A command that writes a folder collects every file
//! in memory, writes them all into a temporary sibling folder (same parent,
//! so the swap is a rename on one filesystem), syncs them, and swaps that
//! folder in for the old one. A kill or a full disk at any point leaves
//! either the complete old set or the complete new one.
//!
//! `manifest.json` lists each file with its size and SHA-256 and a run id
//! (a hash of the contents, never a timestamp: the same input gives the same
//! bytes), so readers can refuse a folder whose files are not one set.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The name of the manifest in every output folder.
pub const MANIFEST: &str = "manifest.json";
/// The manifest's `format` value.
pub const MANIFEST_FORMAT: &str = "sparesla-output/1";
/// The command of a generated scenario's manifest: a scenario is input the
/// user edits, so readers do not hold its files to the manifest.
pub const GENERATE_COMMAND: &str = "generate";
/// Marks the temporary folders of a write, next to the output folder.
const TEMPORARY_MARK: &str = ".sparesla-";

/// `manifest.json`: what one run wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The command that wrote the folder (`plan`, `dispatch`, ...).
    pub command: String,
    /// A hash of every file's path and content.
    pub run_id: String,
    pub files: Vec<ManifestFile>,
}

/// One file of a manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Relative path with `/` separators.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The entry of a file, by relative path.
    pub fn file(&self, path: &str) -> Option<&ManifestFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files of one run, by relative path, before they are written.
#[derive(Clone, Debug)]
pub struct OutputSet {
    command: &'static str,
    files: BTreeMap<String, Vec<u8>>,
}

impl OutputSet {
    pub fn new(command: &'static str) -> Self {
        OutputSet {
            command,
            files: BTreeMap::new(),
        }
    }

    /// Adds a file (`name` relative, `/`-separated).
    pub fn add(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(name.into(), bytes.into());
    }

    /// Puts another set, with its own manifest, under `folder/`.
    pub fn nest(&mut self, folder: &str, set: OutputSet) -> io::Result<()> {
        for (name, bytes) in set.with_manifest()? {
            self.files.insert(format!("{folder}/{name}"), bytes);
        }
        Ok(())
    }

    /// The manifest of the files added so far.
    pub fn manifest(&self) -> Manifest {
        let files: Vec<ManifestFile> = self
            .files
            .iter()
            .map(|(path, bytes)| ManifestFile {
                path: path.clone(),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(bytes),
            })
            .collect();
        let listing: String = files
            .iter()
            .map(|f| format!("{}\t{}\t{}\n", f.path, f.bytes, f.sha256))
            .collect();
        Manifest {
            format: MANIFEST_FORMAT.to_string(),
            command: self.command.to_string(),
            run_id: sha256_hex(listing.as_bytes())[..16].to_string(),
            files,
        }
    }

    fn with_manifest(self) -> io::Result<BTreeMap<String, Vec<u8>>> {
        let manifest = format!("{}\n", serde_json::to_string_pretty(&self.manifest())?);
        let mut files = self.files;
        files.insert(MANIFEST.to_string(), manifest.into_bytes());
        Ok(files)
    }

    /// Writes the set, with its manifest, as the folder `dir`, replacing
    /// what was there only once every new file is on disk. A folder holding
    /// anything this command did not write is left alone, with an error.
    pub fn write(self, dir: &Path) -> io::Result<()> {
        refuse_working_folder(dir)?;
        // A symbolic link to a folder stays, and the folder it points to is replaced.
        let resolved;
        let is_link = fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
        let dir = if is_link && dir.is_dir() {
            resolved = fs::canonicalize(dir)?;
            resolved.as_path()
        } else {
            dir
        };
        let name = dir
            .file_name()
            .ok_or_else(|| io::Error::other(format!("{} names no folder", dir.display())))?
            .to_string_lossy()
            .into_owned();
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let ours = self.top_level_names();
        check_replaceable(dir, &ours)?;
        remove_abandoned_temporaries(parent, &name);
        let temp = parent.join(format!(".{name}{TEMPORARY_MARK}new-{}", std::process::id()));
        if fs::symlink_metadata(&temp).is_ok() {
            fs::remove_dir_all(&temp)?;
        }
        fs::create_dir(&temp)?;
        let files = self.with_manifest();
        let result = files
            .and_then(|files| write_files(&temp, &files))
            .and_then(|()| swap_in(&temp, dir, parent, &name));
        if result.is_err() {
            let _ = fs::remove_dir_all(&temp);
        }
        result
    }

    /// Top-level entries the set writes, with whether each is a folder.
    fn top_level_names(&self) -> BTreeMap<String, bool> {
        let mut names = BTreeMap::new();
        names.insert(MANIFEST.to_string(), false);
        for path in self.files.keys() {
            match path.split_once('/') {
                Some((folder, _)) => names.insert(folder.to_string(), true),
                None => names.insert(path.clone(), false),
            };
        }
        names
    }
}

/// The folder a command runs in is not replaced: the shell that started it
/// would be left in a deleted folder.
fn refuse_working_folder(dir: &Path) -> io::Result<()> {
    let here = std::env::current_dir().and_then(fs::canonicalize).ok();
    let target = fs::canonicalize(dir).ok();
    if dir.file_name().is_none() || (target.is_some() && target == here) {
        return Err(io::Error::other(format!(
            "{} is the current folder (or names no folder); the output folder is replaced as a \
             whole, so name a new folder of its own, e.g. plan-out",
            dir.display()
        )));
    }
    Ok(())
}

fn write_files(temp: &Path, files: &BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    let mut folders = vec![temp.to_path_buf()];
    for (name, bytes) in files {
        let path = temp.join(name);
        if let Some(folder) = path.parent().filter(|p| *p != temp) {
            if !folder.exists() {
                fs::create_dir_all(folder)?;
                folders.push(folder.to_path_buf());
            }
        }
        let mut file = File::create(&path)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    for folder in folders.iter().rev() {
        sync_folder(folder)?;
    }
    Ok(())
}

/// Refuses to replace `dir` when it holds an entry that neither this set nor
/// the folder's manifest names, or names it as the other kind (a folder where
/// a file goes): replacing would delete something the user made.
fn check_replaceable(dir: &Path, ours: &BTreeMap<String, bool>) -> io::Result<()> {
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !metadata.is_dir() {
        return Err(io::Error::other(format!(
            "{} exists and is not a folder (a file or a symbolic link); it is left as it was: \
             remove it or choose another output folder",
            dir.display()
        )));
    }
    let listed = listed_top_level(dir);
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_folder = entry.file_type()?.is_dir();
        let expected = ours.get(&name).or_else(|| listed.get(&name));
        if expected != Some(&is_folder) && !is_older_temporary(&name, is_folder) {
            let kind = if is_folder { "a folder" } else { "a file" };
            return Err(io::Error::other(format!(
                "{} holds `{name}` ({kind}), which is not what this command writes there; \
                 the folder is left as it was: move `{name}` away or choose another output folder",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// A `.<file>.tmp-<pid>` file that a killed run of an older version (which
/// replaced one file at a time) left in the folder.
fn is_older_temporary(name: &str, is_folder: bool) -> bool {
    !is_folder
        && name.starts_with('.')
        && name
            .rsplit_once(".tmp-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Top-level entries the folder's own manifest names (none without one).
fn listed_top_level(dir: &Path) -> BTreeMap<String, bool> {
    let manifest = crate::bounded_read::read_input(&dir.join(MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok());
    let mut names = BTreeMap::new();
    for file in manifest.iter().flat_map(|m| &m.files) {
        match file.path.split_once('/') {
            Some((folder, _)) => names.insert(folder.to_string(), true),
            None => names.insert(file.path.clone(), false),
        };
    }
    names
}

/// Removes temporary folders that killed writes of `name` left behind
/// (those whose process is gone; on systems without /proc, none).
fn remove_abandoned_temporaries(parent: &Path, name: &str) {
    let prefix = format!(".{name}{TEMPORARY_MARK}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let proc = Path::new("/proc");
        if proc.is_dir() && !proc.join(pid.to_string()).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Puts `temp` in the place of `dir`: one atomic exchange where the system
/// has it, else two renames (old away, new in) and the old one removed.
fn swap_in(temp: &Path, dir: &Path, parent: &Path, name: &str) -> io::Result<()> {
    if fs::symlink_metadata(dir).is_err() {
        fs::rename(temp, dir)?;
        return sync_folder(parent);
    }
    if exchange(temp, dir).is_ok() {
        sync_folder(parent)?;
        return fs::remove_dir_all(temp);
    }
    let old = parent.join(format!(".{name}{TEMPORARY_MARK}old-{}", std::process::id()));
    fs::rename(dir, &old)?;
    if let Err(error) = fs::rename(temp, dir) {
        let _ = fs::rename(&old, dir);
        return Err(error);
    }
    sync_folder(parent)?;
    fs::remove_dir_all(&old)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Makes a folder's entries durable (a no-op where folders cannot be opened).
fn sync_folder(dir: &Path) -> io::Result<()> {
    match File::open(dir) {
        Ok(folder) => match folder.sync_all() {
            Err(e) if e.kind() != io::ErrorKind::InvalidInput => Err(e),
            _ => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// The path of `relative` (`/`-separated) inside `dir`.
pub fn inside(dir: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(dir.to_path_buf(), |p, c| p.join(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(content: &str) -> OutputSet {
        let mut set = OutputSet::new("test");
        set.add("a.csv", format!("a,{content}\n"));
        set.add("b.json", format!("{{\"b\": \"{content}\"}}\n"));
        set
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_whole_set_and_leaves_no_temporary() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        set("old").write(&out).unwrap();
        let mut new = set("new");
        new.files.remove("b.json");
        new.write(&out).unwrap();
        assert_eq!(listing(&out), ["a.csv", "manifest.json"]);
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "a,new\n");
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn the_run_id_is_a_hash_of_the_content() {
        assert_eq!(set("x").manifest().run_id, set("x").manifest().run_id);
        assert_ne!(set("x").manifest().run_id, set("y").manifest().run_id);
        assert_eq!(set("x").manifest().run_id.len(), 16);
    }

    #[test]
    fn a_folder_in_the_place_of_a_file_keeps_the_old_set() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(out.join("a.csv")).unwrap();
        fs::write(out.join("b.json"), "old").unwrap();
        let error = set("new").write(&out).unwrap_err().to_string();
        assert!(error.contains("`a.csv` (a folder)"), "{error}");
        assert_eq!(fs::read_to_string(out.join("b.json")).unwrap(), "old");
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn files_the_user_put_there_are_not_deleted() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(set("new").write(&out).is_err());
        assert_eq!(listing(&out), ["notes.txt"]);
    }

    #[test]
    fn an_older_version_s_folder_and_its_leftovers_are_replaced() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("a.csv"), "old").unwrap();
        fs::write(out.join(".b.json.tmp-1234"), "half").unwrap();
        set("new").write(&out).unwrap();
        assert_eq!(listing(&out), ["a.csv", "b.json", "manifest.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_folder_stays_a_link() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("target");
        set("old").write(&target).unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        set("new").write(&link).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "a,new\n");
    }

    #[test]
    fn nested_sets_carry_their_own_manifest() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let mut outer = OutputSet::new("outer");
        outer.add("top.csv", "t\n");
        outer.nest("plans/x", set("inner")).unwrap();
        outer.write(&out).unwrap();
        let inner: Manifest =
            serde_json::from_slice(&fs::read(out.join("plans/x/manifest.json")).unwrap()).unwrap();
        assert_eq!(inner.files.len(), 2);
        let outer: Manifest =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert!(outer.file("plans/x/manifest.json").is_some());
        // A second write replaces the nested folders too.
        let mut again = OutputSet::new("outer");
        again.add("top.csv", "u\n");
        again.write(&out).unwrap();
        assert!(!out.join("plans").exists());
    }

    #[test]
    fn abandoned_temporaries_of_dead_processes_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let stale = root
            .path()
            .join(format!(".out{TEMPORARY_MARK}new-4294967295"));
        fs::create_dir_all(&stale).unwrap();
        set("x").write(&root.path().join("out")).unwrap();
        assert_eq!(listing(root.path()), ["out"]);
    }
}
