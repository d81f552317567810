//! Loading an overlay folder: its base first (a plain scenario folder or
//! another overlay), then the overlay's changes on top.

use super::file::{OVERLAY_FILE, Overlay};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::{Loaded, ScenarioError};
use std::path::{Path, PathBuf};

/// The settings file of a plain scenario folder.
const SCENARIO_FILE: &str = "scenario.toml";

/// Loads the overlay in `dir` (a folder holding `overlay.toml`) on top of
/// its base. Overlays may stack (`base` naming another overlay) but not in a
/// cycle.
pub fn load_overlay(dir: &Path) -> Result<Loaded, ScenarioError> {
    load_chain(dir, &mut Vec::new())
}

fn single(diagnostic: Diagnostic) -> ScenarioError {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(diagnostic);
    ScenarioError { diagnostics }
}

fn load_chain(dir: &Path, chain: &mut Vec<PathBuf>) -> Result<Loaded, ScenarioError> {
    let path = dir.join(OVERLAY_FILE);
    if dir.join(SCENARIO_FILE).exists() {
        return Err(single(Diagnostic::file(
            Code::E1050OverlayBase,
            &path,
            format!(
                "{} holds both overlay.toml and scenario.toml",
                dir.display()
            ),
            "a folder is either a scenario or an overlay of one: move the overlay to a folder of its own",
        )));
    }
    let text = match crate::bounded_read::read_input(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            single(Diagnostic::file(
                Code::E1002Malformed,
                &path,
                "the file is not valid UTF-8",
                "save the file with UTF-8 encoding",
            ))
        })?,
        Err(error) => {
            return Err(single(Diagnostic::file(
                Code::E1001FileUnreadable,
                &path,
                error.to_string(),
                "check the overlay folder",
            )));
        }
    };
    let overlay = Overlay::parse(&path, &text)?;
    let base_span = overlay.file.base.span();
    let base_error = |message: String, action: &str| {
        single(overlay.at(Code::E1050OverlayBase, base_span.clone(), message, action))
    };
    chain.push(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
    let base_dir = dir.join(overlay.base());
    let Ok(canonical_base) = base_dir.canonicalize() else {
        return Err(base_error(
            format!("base folder {} does not exist", base_dir.display()),
            "give `base` relative to the overlay's folder, e.g. base = \"../china-baseline\"",
        ));
    };
    if chain.contains(&canonical_base) {
        return Err(base_error(
            format!(
                "base {} leads back to an overlay already being loaded (a cycle)",
                base_dir.display()
            ),
            "make the chain of bases end in a plain scenario folder",
        ));
    }
    let base = if base_dir.join(OVERLAY_FILE).exists() {
        load_chain(&base_dir, chain)?
    } else if base_dir.join(SCENARIO_FILE).exists() {
        crate::scenario::load_folder(&base_dir)?
    } else {
        return Err(base_error(
            format!(
                "base folder {} holds neither scenario.toml nor overlay.toml",
                base_dir.display()
            ),
            "point `base` at a scenario folder",
        ));
    };
    overlay.apply(base.scenario, dir, base.warnings)
}
