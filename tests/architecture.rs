//! The one-way doors between rolo's modules (STYLE.md "the arrows go one way", ARCHITECTURE.md):
//! reads every source file under src/ and fails on an import arrow that points the wrong way,
//! naming the file and line. `crate::MODULE` paths count wherever they appear (in `use` lines,
//! `use crate::{…}` groups and inline paths), and so do `super::` chains that climb out of a
//! module to the crate root.

use std::path::{Path, PathBuf};

/// (module, the crate modules it must not reach).
const FORBIDDEN: [(&str, &[&str]); 11] = [
    // Vendor specs are data: only std and external crates (serde, toml, regex, …).
    (
        "spec",
        &[
            "cli", "client", "config", "edit", "log", "paths", "sandbox", "sanitize", "send",
            "store", "tui",
        ],
    ),
    // The OpenAPI importer turns a document into spec text: it reads `spec` and nothing that
    // runs (no network, no files of rolo's, no terminal).
    (
        "import",
        &[
            "cli", "client", "config", "edit", "log", "paths", "sandbox", "send", "store", "tui",
        ],
    ),
    (
        "edit",
        &["client", "tui", "store", "cli", "sandbox", "send"],
    ),
    ("client", &["tui", "sandbox", "cli", "send"]),
    // Drafts and history keep forms and changes; they never talk to a vendor.
    ("store", &["client", "send", "tui", "cli", "sandbox"]),
    // The one send path sits above the model and the client, below both front ends.
    ("send", &["tui", "cli", "sandbox"]),
    // The fuzzy filter of loaded contacts is pure: text in, matches out.
    (
        "search",
        &["tui", "cli", "client", "send", "store", "sandbox", "config"],
    ),
    // Batches run on the one send path; the CLI drives them.
    ("batch", &["tui", "cli", "sandbox"]),
    // The config file is read by both front ends and the client; the sandbox's demo users
    // reach it as data (assets/sandbox/profiles.toml), not as an import.
    ("config", &["tui", "sandbox", "cli"]),
    ("cli", &["tui"]),
    // The sandbox judges the client, so it shares none of rolo's rules or code (a file writer
    // from `store` is allowed).
    (
        "sandbox",
        &["edit", "client", "tui", "cli", "spec", "config"],
    ),
];

/// One arrow out of a file: the crate module it reaches, and the 1-based line.
#[derive(Debug, PartialEq)]
struct Arrow {
    target: String,
    line: usize,
}

/// Where a file sits: its top-level module (`spec` for src/spec/raw.rs, `config` for
/// src/config.rs) and how many modules deep its own module is (src/spec/mod.rs is 1,
/// src/spec/raw.rs is 2).
fn place(relative: &Path) -> (String, usize) {
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let top = parts[0].trim_end_matches(".rs").to_string();
    let last = parts.last().map(String::as_str).unwrap_or("");
    let depth = if last == "mod.rs" {
        parts.len() - 1
    } else {
        parts.len()
    };
    (top, depth)
}

/// Source without comments (line comments, doc comments and block comments), keeping newlines
/// so that line numbers stay right. String literals are left alone: a `crate::` inside one is
/// rare enough to be worth a look anyway.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut previous = ' ';
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        out.push('\n');
                    }
                    if previous == '*' && skipped == '/' {
                        break;
                    }
                    previous = skipped;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first path segment at `at`, or, for a `{…}` group, the first segment of each item.
fn segments(code: &str, at: usize) -> Vec<(usize, String)> {
    let rest = &code[at..];
    if !rest.starts_with('{') {
        let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
        return vec![(at, name)];
    }
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut expecting = true;
    let mut iter = rest.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        match c {
            '{' => {
                depth += 1;
                expecting = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expecting = true,
            c if expecting && depth == 1 && is_ident(c) => {
                let mut name = String::from(c);
                while let Some((_, n)) = iter.peek().copied().filter(|(_, n)| is_ident(*n)) {
                    name.push(n);
                    iter.next();
                }
                found.push((at + i, name));
                expecting = false;
            }
            _ => {}
        }
    }
    found
}

/// Every crate module the file at `relative` (under src/) reaches.
fn arrows(relative: &Path, text: &str) -> Vec<Arrow> {
    let (_, depth) = place(relative);
    let code = strip_comments(text);
    let line_at = |offset: usize| code[..offset].matches('\n').count() + 1;
    // Test modules sit one level below their file, so their `super::` climbs one less.
    let tests_start = code.find("mod tests {").unwrap_or(code.len());
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let before_ok = i == 0 || !is_ident(bytes[i - 1] as char) && bytes[i - 1] != b'$';
        if before_ok && code[i..].starts_with("crate::") {
            for (at, name) in segments(&code, i + "crate::".len()) {
                found.push(Arrow {
                    target: name,
                    line: line_at(at),
                });
            }
            i += "crate::".len();
            continue;
        }
        if before_ok && code[i..].starts_with("super::") {
            let mut climbs = 0;
            let mut j = i;
            while code[j..].starts_with("super::") {
                climbs += 1;
                j += "super::".len();
            }
            let own_depth = depth + usize::from(i >= tests_start);
            // Climbing as deep as the file sits reaches the crate root: what follows is a
            // top-level module.
            if climbs >= own_depth {
                for (at, name) in segments(&code, j) {
                    found.push(Arrow {
                        target: name,
                        line: line_at(at),
                    });
                }
            }
            i = j;
            continue;
        }
        i += code[i..].chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// "src/x.rs:LINE: spec → crate::tui" for every forbidden arrow of one file.
fn violations(relative: &Path, text: &str) -> Vec<String> {
    let (top, _) = place(relative);
    let Some((_, forbidden)) = FORBIDDEN.iter().find(|(module, _)| *module == top) else {
        return Vec::new();
    };
    arrows(relative, text)
        .into_iter()
        .filter(|a| forbidden.contains(&a.target.as_str()))
        .map(|a| {
            format!(
                "src/{}:{}: {top} → crate::{}",
                relative.display(),
                a.line,
                a.target
            )
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_against_the_arrows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 20, "found only {} files", files.len());
    let mut problems = Vec::new();
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let relative = path.strip_prefix(&src).expect("under src/");
        problems.extend(violations(relative, &text));
    }
    assert!(
        problems.is_empty(),
        "imports against the one-way doors:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_form_of_an_arrow_is_caught() {
    let spec = Path::new("spec/raw.rs");
    assert_eq!(
        violations(spec, "use std::fmt;\nuse crate::edit::Form;\n"),
        ["src/spec/raw.rs:2: spec → crate::edit"]
    );
    // An inline path, a group over several lines, and `super::` out of the module.
    assert_eq!(
        violations(
            Path::new("cli/history.rs"),
            "fn f() {\n    crate::tui::run();\n}\nuse crate::{\n    client::Session,\n    tui::{App, Theme},\n};\nuse super::super::tui::App;\n"
        ),
        [
            "src/cli/history.rs:2: cli → crate::tui",
            "src/cli/history.rs:6: cli → crate::tui",
            "src/cli/history.rs:8: cli → crate::tui",
        ]
    );
    // `super::` from a mod.rs reaches the crate root at once.
    assert_eq!(
        violations(Path::new("sandbox/mod.rs"), "use super::config::Config;\n"),
        ["src/sandbox/mod.rs:1: sandbox → crate::config"]
    );
}

#[test]
fn allowed_paths_and_comments_are_not_arrows() {
    let text = "//! Unlike crate::tui, this is fine.\nuse super::checks::Report;\nuse crate::store::write_atomically;\n/* crate::edit */\nlet s = \"// not a comment\"; crate::store::x();\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n";
    assert!(violations(Path::new("sandbox/api.rs"), text).is_empty());
    // src/spec/mod.rs's tests module climbing once stays in spec.
    assert!(
        violations(
            Path::new("spec/mod.rs"),
            "mod tests {\n    use super::*;\n}\n"
        )
        .is_empty()
    );
    assert_eq!(
        arrows(
            Path::new("tui/views/form.rs"),
            "use super::super::app::App;\n"
        ),
        []
    );
}
