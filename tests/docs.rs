//! The documentation against the code: the diagnostic-code table lists exactly
//! the codes of `diagnostic::Code`, every shell block pastes and runs in a
//! clone (no usage syntax, no paths outside the repository, one way of
//! invoking the binary, flags the commands know), every `console` block shows
//! what the binary prints, and every relative link
//! points at a file that exists.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The README may not grow back into the reference (issue: "at most about 15 KB").
const README_MAX_BYTES: usize = 15 * 1024;

/// README.md, every page under docs/ and the benchmark data's README.
fn markdown_files() -> Vec<PathBuf> {
    let root = common::root();
    let mut files = vec![
        root.join("README.md"),
        root.join("crates/routing/benches/data/README.md"),
    ];
    let mut pending = vec![root.join("docs")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs/ is readable") {
            let path = entry.expect("a docs/ entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The name a failure message gives a file: relative to the project root.
fn shown(path: &Path) -> String {
    path.strip_prefix(common::root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// One fenced code block: its info string, the line of its opening fence, its lines.
struct Block {
    info: String,
    line: usize,
    lines: Vec<String>,
}

impl Block {
    fn is_shell(&self) -> bool {
        matches!(self.info.as_str(), "sh" | "bash" | "shell" | "zsh")
    }
}

fn code_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            match open.take() {
                Some(block) => blocks.push(block),
                None => {
                    open = Some(Block {
                        info: info.trim().to_string(),
                        line: index + 1,
                        lines: Vec::new(),
                    })
                }
            }
        } else if let Some(block) = open.as_mut() {
            block.lines.push(line.to_string());
        }
    }
    assert!(open.is_none(), "a code block is never closed");
    blocks
}

/// Shell commands of a block, with `\` continuations joined into one line.
fn joined_commands(lines: &[String]) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in lines {
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        commands.push(current);
    }
    commands
}

/// The diagnostic codes `src/diagnostic.rs` declares: each variant of `enum
/// Code` is named after its code (`E1003MissingColumn`), and `as_str` prints
/// that prefix (checked here too, so the two cannot drift apart).
fn enum_codes() -> BTreeSet<String> {
    let source = read(&common::root().join("src/diagnostic.rs"));
    let body = source
        .split_once("pub enum Code {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .expect("src/diagnostic.rs declares `pub enum Code { ... }`")
        .0;
    let variants: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with('#') && !l.is_empty())
        .map(|l| l.trim_end_matches(','))
        .collect();
    let mut codes = BTreeSet::new();
    for variant in variants {
        let code = code_prefix(variant)
            .unwrap_or_else(|| panic!("variant `{variant}` does not start with its code"));
        let arm = format!("Code::{variant} => \"{code}\"");
        assert!(
            source.contains(&arm),
            "`as_str` should print {code} for {variant} (`{arm}`)"
        );
        assert!(codes.insert(code.to_string()), "{code} is declared twice");
    }
    codes
}

/// `E1003` of `E1003MissingColumn` or of `E1003`: a letter E or W and four digits.
fn code_prefix(text: &str) -> Option<&str> {
    let code = text.get(..5)?;
    let mut chars = code.chars();
    let kind = chars.next()?;
    ((kind == 'E' || kind == 'W') && chars.all(|c| c.is_ascii_digit())).then_some(code)
}

/// The codes of the table in docs/diagnostics.md (rows `| E1001 | meaning |`).
fn table_codes() -> Vec<String> {
    read(&common::root().join("docs/diagnostics.md"))
        .lines()
        .filter_map(|line| line.strip_prefix('|'))
        .filter_map(|row| row.split('|').next())
        .map(str::trim)
        .filter(|cell| cell.len() == 5 && code_prefix(cell).is_some())
        .map(str::to_string)
        .collect()
}

#[test]
fn diagnostic_table_lists_exactly_the_codes_of_the_enum() {
    let declared = enum_codes();
    let table = table_codes();
    let listed: BTreeSet<String> = table.iter().cloned().collect();
    assert_eq!(
        listed.len(),
        table.len(),
        "a code appears twice in the table"
    );
    let undocumented: Vec<_> = declared.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&declared).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "docs/diagnostics.md and src/diagnostic.rs disagree: missing from the table {undocumented:?}, \
         not in the enum {unknown:?}"
    );
    assert!(
        declared.len() >= 20,
        "the enum was not parsed: {declared:?}"
    );
}

#[test]
fn the_code_table_test_parses_codes_and_rejects_other_words() {
    assert_eq!(code_prefix("E1003MissingColumn"), Some("E1003"));
    assert_eq!(code_prefix("W2001"), Some("W2001"));
    assert_eq!(code_prefix("code"), None);
    assert_eq!(code_prefix("E10x3"), None);
}

/// Why a shell command cannot be pasted as written, if it cannot.
fn paste_problem(command: &str, in_readme: bool) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if command.trim_start().starts_with("$ ") {
        Some("a `$ ` prompt: put transcripts in a `console` block")
    } else if command.contains("../shared") {
        Some("a path outside the repository (`../shared`)")
    } else if command.contains("[-") || command.contains("[<") {
        Some("usage syntax `[--flag]`: put synopses in a `text` block or a table")
    } else if has_glued_bar(command) {
        Some("`a|b` alternatives: put synopses in a `text` block or a table")
    } else if has_placeholder(command) {
        Some("a `<placeholder>`: write a real value")
    } else if command.contains("target/release/sparesla")
        || command.contains("target/debug/sparesla")
        || command.contains("cargo run -q")
    {
        Some("invoke the binary as `sparesla`")
    } else if !in_readme && cargo_runs_binary(&words) {
        Some("`cargo run` of the binary outside the README's set-up: write `sparesla`")
    } else {
        None
    }
}

/// `table|json`: a bar between two words with no space, unlike a shell pipe.
fn has_glued_bar(command: &str) -> bool {
    let chars: Vec<char> = command.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == '|' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
}

/// `<scenario>`, `<plan-dir>`: a word in angle brackets (not a `<<` heredoc).
fn has_placeholder(command: &str) -> bool {
    command.split('<').skip(1).any(|rest| {
        rest.split_once('>').is_some_and(|(inside, _)| {
            !inside.is_empty()
                && inside
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && inside
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
    })
}

fn cargo_runs_binary(words: &[&str]) -> bool {
    words
        .windows(2)
        .any(|w| w == ["cargo", "run"] && !words.contains(&"--example"))
}

#[test]
fn shell_blocks_paste_and_run_as_written() {
    let root = common::root();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let in_readme = file == root.join("README.md");
        for block in code_blocks(&read(&file)).iter().filter(|b| b.is_shell()) {
            for command in joined_commands(&block.lines) {
                checked += 1;
                if let Some(problem) = paste_problem(&command, in_readme) {
                    problems.push(format!(
                        "{} (block at line {}): {problem}: {}",
                        shown(&file),
                        block.line,
                        command.trim()
                    ));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} shell commands found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_paste_check_catches_what_it_is_for() {
    let bad = [
        "$ sparesla validate scenarios/china-baseline",
        "cargo run --release --example solomon -- ../shared/benchmarks/solomon/R101.txt",
        "sparesla simulate s --plan p [--days 365]",
        "sparesla plan s --out p --format table|json",
        "sparesla plan <scenario> --out p",
        "./target/release/sparesla plan s --out p",
        "cargo run -q -- validate s",
    ];
    for command in bad {
        assert!(paste_problem(command, true).is_some(), "{command}");
    }
    assert!(paste_problem("cargo run --release -- plan s --out p", false).is_some());
    let good = [
        "cargo run --release -- plan scenarios/china-baseline --out plan-out   # the main job",
        "sparesla plan s --out p --format geojson > plan.geojson",
        "sparesla travel s --from D-CD | head -3",
        "cargo run --release --example trsp -- crates/routing/benches/data/pillac-trsp/R101.100_25-5-5-5.txt",
        "S=scenarios/china-baseline",
    ];
    for command in good {
        assert_eq!(paste_problem(command, true), None, "{command}");
    }
}

/// Paths into the repository that shell blocks name (`scenarios/...`,
/// `crates/routing/benches/data/...`, `tests/fixtures/...`) exist in a clone.
#[test]
fn repository_paths_in_shell_blocks_exist() {
    let root = common::root();
    let mut missing = Vec::new();
    for file in markdown_files() {
        for block in code_blocks(&read(&file)).iter().filter(|b| b.is_shell()) {
            for word in block.lines.iter().flat_map(|l| l.split_whitespace()) {
                let word = word.trim_matches(|c| "'\"`,;()".contains(c));
                let in_repo = [
                    "scenarios/",
                    "crates/routing/benches/data/",
                    "tests/fixtures/",
                ]
                .iter()
                .any(|prefix| word.starts_with(prefix));
                if in_repo && !root.join(word).exists() {
                    missing.push(format!("{}: {word}", shown(&file)));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Every `sparesla SUBCOMMAND --flag ...` the docs show, in shell blocks,
/// console transcripts (`$ sparesla ...`) and synopses (`text` blocks that
/// start with `sparesla`), names a subcommand and flags that its `--help`
/// lists.
#[test]
fn documented_commands_use_flags_the_binary_knows() {
    let mut invocations: Vec<(String, String)> = Vec::new();
    for file in markdown_files() {
        for block in code_blocks(&read(&file)) {
            let commands: Vec<String> = if block.is_shell() {
                joined_commands(&block.lines)
                    .iter()
                    .map(|c| up_to_pipe(c).to_string())
                    .collect()
            } else if block.info == "console" {
                block
                    .lines
                    .iter()
                    .filter_map(|l| l.strip_prefix("$ "))
                    .map(|c| up_to_pipe(c).to_string())
                    .collect()
            } else if block
                .lines
                .first()
                .is_some_and(|l| l.starts_with("sparesla "))
            {
                // A synopsis: its `|` are alternatives, not pipes.
                vec![block.lines.join(" ")]
            } else {
                Vec::new()
            };
            for command in commands {
                let words: Vec<&str> = command.split_whitespace().collect();
                if words.first() == Some(&"sparesla") {
                    invocations.push((shown(&file), words.join(" ")));
                }
            }
        }
    }
    assert!(
        invocations.len() > 15,
        "only {} commands",
        invocations.len()
    );
    let mut problems = Vec::new();
    let mut helps: std::collections::BTreeMap<String, String> = Default::default();
    for (file, command) in &invocations {
        let words: Vec<&str> = command.split_whitespace().collect();
        let Some(subcommand) = words.get(1).filter(|w| !w.starts_with('-')) else {
            continue;
        };
        let help = helps
            .entry(subcommand.to_string())
            .or_insert_with(|| help_of(subcommand));
        if help.is_empty() {
            problems.push(format!(
                "{file}: `{subcommand}` is not a command: {command}"
            ));
            continue;
        }
        let flags = words
            .iter()
            .map(|w| {
                w.trim_start_matches(['[', '('])
                    .trim_end_matches([']', ')', ','])
            })
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(|w| w.split('=').next().unwrap_or_default());
        for flag in flags {
            let listed = help
                .split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .any(|word| word == flag);
            if !listed {
                problems.push(format!(
                    "{file}: `sparesla {subcommand} --help` does not list {flag}: {command}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A shell command up to a pipe or redirection: what follows is another program.
fn up_to_pipe(command: &str) -> &str {
    let end = [" | ", " > "]
        .iter()
        .filter_map(|separator| command.find(separator))
        .min()
        .unwrap_or(command.len());
    &command[..end]
}

/// The `--help` text of a subcommand, empty when there is no such command.
fn help_of(subcommand: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args([subcommand, "--help"])
        .output()
        .expect("the binary runs");
    if output.status.success() {
        String::from_utf8_lossy(&output.stdout).into_owned()
    } else {
        String::new()
    }
}

/// Relative Markdown links (`[text](path)`, `![alt](image)`) point at files that
/// exist, so moving a page never leaves a dead link behind.
#[test]
fn relative_links_point_at_files_that_exist() {
    let mut dead = Vec::new();
    for file in markdown_files() {
        let text = read(&file);
        for target in link_targets(&text) {
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let resolved = file.parent().expect("a file has a folder").join(path);
            if !resolved.exists() {
                dead.push(format!("{}: {target}", shown(&file)));
            }
        }
    }
    assert!(dead.is_empty(), "dead links:\n{}", dead.join("\n"));
}

/// The targets of `](target)` outside code blocks.
fn link_targets(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    prose
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target.to_string()))
        .collect()
}

#[test]
fn readme_stays_short() {
    let size = read(&common::root().join("README.md")).len();
    assert!(
        size <= README_MAX_BYTES,
        "README.md is {size} bytes (at most {README_MAX_BYTES}): move reference text to docs/"
    );
}

fn run_binary(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sparesla"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// A `console` block's sessions: each `$ sparesla ...` line with the output
/// lines shown under it.
fn console_sessions(block: &Block) -> Vec<(String, Vec<String>)> {
    let mut sessions: Vec<(String, Vec<String>)> = Vec::new();
    for line in &block.lines {
        match line.strip_prefix("$ ") {
            Some(command) => sessions.push((command.to_string(), Vec::new())),
            None => {
                let (_, output) = sessions
                    .last_mut()
                    .expect("a console block starts with a `$ ` line");
                output.push(line.trim_end().to_string());
            }
        }
    }
    sessions
}

#[test]
fn console_blocks_show_what_the_binary_prints() {
    let mut checked = 0;
    for path in markdown_files() {
        for block in code_blocks(&read(&path))
            .iter()
            .filter(|b| b.info == "console")
        {
            for (command, on_the_page) in console_sessions(block) {
                let place = format!("{}:{}", shown(&path), block.line);
                assert!(
                    command.starts_with("sparesla "),
                    "{place}: a console block runs the binary"
                );
                let run = common::sparesla_line(&common::root(), &command);
                assert!(run.status.success(), "{place}: `{command}` failed");
                let (stdout, _) = common::text(&run);
                let printed: Vec<String> =
                    stdout.lines().map(|l| l.trim_end().to_string()).collect();
                assert_eq!(
                    printed, on_the_page,
                    "{place}: `{command}` prints other lines than the page shows"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "only {checked} console commands found");
}

#[test]
fn completion_scripts_know_the_commands_and_their_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (ok, script) = run_binary(&["completions", shell]);
        assert!(ok, "sparesla completions {shell} failed");
        for word in ["sparesla", "simulate", "emergency-hours"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let (ok, _) = run_binary(&["completions", "cmd.exe"]);
    assert!(!ok, "an unknown shell is a usage error");
}

#[test]
fn man_page_is_roff_with_every_command() {
    let (ok, page) = run_binary(&["man"]);
    assert!(ok, "sparesla man failed");
    assert!(
        page.starts_with(".ie") || page.contains(".TH sparesla"),
        "{page}"
    );
    for command in ["validate", "plan", "dispatch", "simulate", "report"] {
        assert!(page.contains(command), "the man page lacks {command}");
    }
}

#[test]
fn completions_and_man_stay_out_of_the_command_list() {
    let (ok, help) = run_binary(&["--help"]);
    assert!(ok);
    assert!(help.contains("simulate"), "{help}");
    assert!(
        !help.contains("completions") && !help.contains("\n  man "),
        "{help}"
    );
}

#[test]
fn the_readme_command_table_has_a_row_for_every_command() {
    let (ok, help) = run_binary(&["--help"]);
    assert!(ok);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|command| *command != "help")
        .collect();
    assert!(commands.len() >= 10, "{help}");
    let readme = read(&common::root().join("README.md"));
    for command in commands {
        assert!(
            readme.contains(&format!("\n| `{command} ")),
            "README.md's command table has no row for `{command}`"
        );
    }
}

/// Which top-level modules each top-level module of `src/` names through a
/// `crate::` path outside comments (the command line, a module of the
/// binary, is left out).
fn module_uses() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = common::root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut uses: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs").to_string();
        if ["main", "lib", "cli"].contains(&module.as_str()) {
            continue;
        }
        let entry = uses.entry(module.clone()).or_default();
        for line in read(&file).lines() {
            let code = line.split("//").next().unwrap_or("");
            for (at, _) in code.match_indices("crate::") {
                let name: String = code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    entry.insert(name);
                }
            }
        }
    }
    uses
}

/// The `uses` column of the table in docs/modules.md, by module.
fn documented_module_uses() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let text = read(&common::root().join("docs/modules.md"));
    text.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let module = cells[1].trim_matches('`').to_string();
            let uses = cells[3]
                .split(',')
                .map(|m| m.trim().trim_matches('`').to_string())
                .filter(|m| !m.is_empty())
                .collect();
            (module, uses)
        })
        .collect()
}

#[test]
fn the_module_table_matches_the_code_and_has_no_circle() {
    let uses = module_uses();
    assert_eq!(documented_module_uses(), uses, "docs/modules.md");
    // No circle: repeatedly remove modules that use no remaining module.
    let mut left = uses.clone();
    while !left.is_empty() {
        let leaves: Vec<String> = left
            .iter()
            .filter(|(_, used)| used.iter().all(|u| !left.contains_key(u)))
            .map(|(m, _)| m.clone())
            .collect();
        assert!(!leaves.is_empty(), "modules in a circle: {left:?}");
        for leaf in leaves {
            left.remove(&leaf);
        }
    }
}
