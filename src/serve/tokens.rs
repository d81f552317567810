//! Bearer tokens: a CSV `role,token` file; `dispatcher` reads and writes,
//! `viewer` only reads.

use super::ServeError;
use crate::diagnostic::{Code, Diagnostic};
use std::path::{Path, PathBuf};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Dispatcher,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dispatcher => "dispatcher",
            Role::Viewer => "viewer",
        }
    }

    pub fn may_write(self) -> bool {
        self == Role::Dispatcher
    }
}

/// Shortest token accepted: guessing one must stay out of reach.
pub const MIN_TOKEN_LEN: usize = 16;

/// The tokens the server accepts.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    entries: Vec<(Role, String)>,
}

impl Tokens {
    pub fn new(entries: Vec<(Role, String)>) -> Tokens {
        Tokens { entries }
    }

    /// The role of `token`, comparing every entry in constant time.
    pub fn role_of(&self, token: &str) -> Option<Role> {
        let mut found = None;
        for (role, known) in &self.entries {
            if constant_time_eq(known.as_bytes(), token.as_bytes()) {
                found = Some(*role);
            }
        }
        found
    }

    /// Reads a `role,token` file; an optional first line `role,token` is a header.
    pub fn read(path: &Path) -> Result<Tokens, ServeError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ServeError::Input(Box::new(Diagnostic::file(
                Code::E1070BadTokenFile,
                path,
                format!("cannot read the token file: {e}"),
                "pass a readable CSV file `role,token` with --token-file, or leave the flag out to generate one",
            )))
        })?;
        Tokens::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Tokens, ServeError> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty()
                || line.starts_with('#')
                || (entries.is_empty() && line == "role,token")
            {
                continue;
            }
            let bad = |column: usize, message: String| {
                ServeError::Input(Box::new(
                    Diagnostic::file(
                        Code::E1070BadTokenFile,
                        path,
                        message,
                        "each line is `role,token` with role dispatcher or viewer and a token of at least 16 characters",
                    )
                    .at(line_no as u64, Some(column as u64)),
                ))
            };
            let Some((role, token)) = line.split_once(',') else {
                return Err(bad(1, "expected `role,token`".into()));
            };
            let role = match role.trim() {
                "dispatcher" => Role::Dispatcher,
                "viewer" => Role::Viewer,
                other => {
                    return Err(bad(
                        1,
                        format!("unknown role `{other}`, expected dispatcher or viewer"),
                    ));
                }
            };
            let token = token.trim();
            if token.len() < MIN_TOKEN_LEN || token.contains(char::is_whitespace) {
                return Err(bad(
                    role.as_str().len() + 2,
                    format!("the token must be at least {MIN_TOKEN_LEN} characters without spaces"),
                ));
            }
            entries.push((role, token.to_string()));
        }
        if entries.is_empty() {
            return Err(ServeError::Input(Box::new(Diagnostic::file(
                Code::E1070BadTokenFile,
                path,
                "the token file has no token",
                "add a line `dispatcher,<token>`",
            ))));
        }
        Ok(Tokens { entries })
    }

    /// The token file next to the database: read if it is there, else
    /// written with one fresh dispatcher token, readable by the owner only.
    /// Returns the tokens, the file, and the new token if one was made.
    pub fn beside_database(db: &Path) -> Result<(Tokens, PathBuf, Option<String>), ServeError> {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push(".tokens.csv");
        let path = db.with_file_name(name);
        if path.exists() {
            return Ok((Tokens::read(&path)?, path, None));
        }
        let token = fresh_token().map_err(|message| ServeError::Io {
            path: path.clone(),
            message,
        })?;
        write_owner_only(&path, &format!("role,token\ndispatcher,{token}\n")).map_err(|e| {
            ServeError::Io {
                path: path.clone(),
                message: format!("cannot write the token file: {e}"),
            }
        })?;
        Ok((
            Tokens::new(vec![(Role::Dispatcher, token.clone())]),
            path,
            Some(token),
        ))
    }
}

/// 32 random bytes from the operating system, in hex.
pub fn fresh_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(unix)]
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Equal bytes, in a time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_roles_and_rejects_bad_lines_with_their_line() {
        let path = Path::new("tokens.csv");
        let tokens = Tokens::parse(
            path,
            "role,token\ndispatcher,aaaaaaaaaaaaaaaa1\nviewer,bbbbbbbbbbbbbbbb2\n",
        )
        .unwrap();
        assert_eq!(tokens.role_of("aaaaaaaaaaaaaaaa1"), Some(Role::Dispatcher));
        assert_eq!(tokens.role_of("bbbbbbbbbbbbbbbb2"), Some(Role::Viewer));
        assert_eq!(tokens.role_of("bbbbbbbbbbbbbbbb"), None);
        let error = Tokens::parse(
            path,
            "dispatcher,aaaaaaaaaaaaaaaa1\nadmin,cccccccccccccccc\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("tokens.csv:2:1") && error.contains("E1070"),
            "{error}"
        );
        let short = Tokens::parse(path, "viewer,short").unwrap_err().to_string();
        assert!(short.contains("16 characters"), "{short}");
    }
}
