//! The closing lines of a command, on stderr so stdout stays the result:
//! where it wrote, and the commands a user runs next. A first-time user
//! should never have to guess either.

use std::path::Path;

/// A command to suggest, and why one would run it.
pub(super) struct Next {
    command: String,
    why: &'static str,
}

impl Next {
    /// `sparesla` followed by `words`; paths are quoted for a POSIX shell
    /// where they need it, so the line pastes as it is.
    pub(super) fn sparesla(words: &[&dyn ShellWord], why: &'static str) -> Next {
        let mut command = String::from("sparesla");
        for word in words {
            command.push(' ');
            command.push_str(&word.shell_word());
        }
        Next { command, why }
    }

    /// The suggested command line.
    #[cfg(test)]
    pub(super) fn command(&self) -> &str {
        &self.command
    }
}

/// Appends `flag value` to a suggested command line when there is a value
/// (a flag the user gave, kept so that the line reruns the same way).
pub(super) fn push_flag<'a, T: ShellWord>(
    words: &mut Vec<&'a dyn ShellWord>,
    flag: &'static &'static str,
    value: Option<&'a T>,
) {
    if let Some(value) = value {
        words.extend([flag as &dyn ShellWord, value]);
    }
}

/// A word of a suggested command line.
pub(super) trait ShellWord {
    fn shell_word(&self) -> String;
}

impl ShellWord for &str {
    fn shell_word(&self) -> String {
        quote(self)
    }
}

impl ShellWord for String {
    fn shell_word(&self) -> String {
        quote(self)
    }
}

impl ShellWord for &Path {
    fn shell_word(&self) -> String {
        quote(&self.display().to_string())
    }
}

impl ShellWord for std::path::PathBuf {
    fn shell_word(&self) -> String {
        quote(&self.display().to_string())
    }
}

fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Prints `wrote …` (when something was written) and the next commands.
pub(super) fn print(wrote: Option<String>, next: &[Next]) {
    eprint!("{}", render(wrote, next));
}

fn render(wrote: Option<String>, next: &[Next]) -> String {
    let mut out = String::new();
    if let Some(wrote) = wrote {
        out.push_str(&format!("wrote {wrote}\n"));
    }
    let width = next.iter().map(|n| n.command.len()).max().unwrap_or(0);
    for (i, step) in next.iter().enumerate() {
        let label = if i == 0 { "next:" } else { "     " };
        out.push_str(&format!(
            "{label} {:<width$}  # {}\n",
            step.command, step.why
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_paste_into_a_shell() {
        let dir = Path::new("my plans/it's");
        let next = Next::sparesla(&[&"simulate", &dir, &"--runs", &"200"], "check");
        assert_eq!(
            next.command,
            r"sparesla simulate 'my plans/it'\''s' --runs 200"
        );
        let text = render(Some("x".into()), &[next, Next::sparesla(&[&"a"], "b")]);
        assert_eq!(
            text,
            "wrote x\nnext: sparesla simulate 'my plans/it'\\''s' --runs 200  # check\n      sparesla a                                       # b\n"
        );
    }
}
