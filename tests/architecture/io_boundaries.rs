//! `model`, `plan`, `render` and `import` do no I/O (design, section 3): no network, no redb, no
//! files, no terminal. They get data and a `Write` from `command`, which wires the real
//! pieces together. Every file under them is read (unit tests included), comments and
//! string literals left out; a finding names its file and line.

use std::collections::BTreeSet;

use super::rust_source::{PathKind, paths, relative, repository, rust_files, tokens};

/// The folders that must not do I/O.
const PURE: &[&str] = &["src/model", "src/plan", "src/render", "src/import"];

#[derive(Debug, Clone, Copy)]
enum Resource {
    Network,
    Redb,
    Files,
    Terminal,
}

impl Resource {
    fn name(self) -> &'static str {
        match self {
            Resource::Network => "network",
            Resource::Redb => "redb",
            Resource::Files => "files",
            Resource::Terminal => "terminal",
        }
    }
}

/// What is forbidden, by the full path it is reached through (after `use` aliases are
/// resolved), by macro name, or by an identifier that only terminal code uses.
enum Rule {
    /// The path starts with these segments (`std::fs`, `reqwest`).
    Path(&'static [&'static str]),
    /// A path that goes through this segment (`File::open`, `fs::File::create`).
    Through(&'static str),
    Macro(&'static str),
    /// This identifier anywhere, also as a method (`.is_terminal()`).
    Identifier(&'static str),
}

const RULES: &[(Resource, Rule)] = &[
    (Resource::Network, Rule::Path(&["reqwest"])),
    (Resource::Network, Rule::Path(&["hyper"])),
    (Resource::Network, Rule::Path(&["std", "net"])),
    (Resource::Network, Rule::Path(&["tokio", "net"])),
    (Resource::Redb, Rule::Path(&["redb"])),
    (Resource::Files, Rule::Path(&["std", "fs"])),
    (Resource::Files, Rule::Path(&["tokio", "fs"])),
    (Resource::Files, Rule::Path(&["tempfile"])),
    (Resource::Files, Rule::Through("File")),
    (Resource::Terminal, Rule::Macro("println")),
    (Resource::Terminal, Rule::Macro("eprintln")),
    (Resource::Terminal, Rule::Macro("print")),
    (Resource::Terminal, Rule::Macro("eprint")),
    (Resource::Terminal, Rule::Macro("dbg")),
    (Resource::Terminal, Rule::Path(&["std", "io", "stdout"])),
    (Resource::Terminal, Rule::Path(&["std", "io", "stderr"])),
    (Resource::Terminal, Rule::Path(&["std", "io", "stdin"])),
    (Resource::Terminal, Rule::Path(&["std", "io", "Stdout"])),
    (Resource::Terminal, Rule::Path(&["std", "io", "Stderr"])),
    (Resource::Terminal, Rule::Path(&["std", "io", "Stdin"])),
    (Resource::Terminal, Rule::Path(&["anstream", "stdout"])),
    (Resource::Terminal, Rule::Path(&["anstream", "stderr"])),
    (Resource::Terminal, Rule::Identifier("AutoStream")),
    (Resource::Terminal, Rule::Identifier("is_terminal")),
    (Resource::Terminal, Rule::Identifier("IsTerminal")),
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: String,
    line: usize,
    what: String,
    text: String,
}

/// Every use of a forbidden resource in `source` (named `file`).
fn findings(file: &str, source: &str) -> Vec<Finding> {
    let tokens = tokens(source);
    let (named, bindings) = paths(&tokens);
    let source_lines: Vec<&str> = source.lines().collect();
    let mut found = BTreeSet::new();
    let mut report = |line: usize, resource: Resource, item: String| {
        found.insert(Finding {
            file: file.to_string(),
            line,
            what: format!("{}: `{item}`", resource.name()),
            text: source_lines
                .get(line - 1)
                .map_or(String::new(), |l| l.trim().to_string()),
        });
    };
    for path in &named {
        // `io::stdout()` after `use std::io;` is `std::io::stdout`.
        let mut full = path.segments.clone();
        if path.kind != PathKind::Use
            && let Some(binding) = bindings.iter().find(|b| b.alias == full[0])
        {
            full.splice(0..1, binding.segments.iter().cloned());
        }
        for (resource, rule) in RULES {
            let hit = match rule {
                Rule::Path(prefix) => {
                    full.len() >= prefix.len()
                        && full.iter().zip(prefix.iter()).all(|(a, b)| a == b)
                }
                Rule::Through(segment) => {
                    full.len() > 1 && full[..full.len() - 1].iter().any(|s| s == segment)
                }
                Rule::Macro(name) => {
                    path.kind == PathKind::Macro && full.last().is_some_and(|last| last == name)
                }
                Rule::Identifier(_) => false,
            };
            if hit {
                let suffix = if path.kind == PathKind::Macro {
                    "!"
                } else {
                    ""
                };
                report(path.line, *resource, format!("{}{suffix}", full.join("::")));
            }
        }
    }
    for token in &tokens {
        for (resource, rule) in RULES {
            if let (Rule::Identifier(name), Some(word)) = (rule, token.ident())
                && word == *name
            {
                report(token.line, *resource, word.to_string());
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn model_plan_and_render_do_no_io() {
    let mut all = Vec::new();
    for folder in PURE {
        let files = rust_files(&repository().join(folder));
        assert!(!files.is_empty(), "{folder} has no Rust files");
        for path in files {
            let source = std::fs::read_to_string(&path).unwrap();
            all.extend(findings(&relative(&path), &source));
        }
    }
    let new: Vec<String> = all
        .iter()
        .map(|f| format!("  {}:{}: {} in `{}`", f.file, f.line, f.what, f.text))
        .collect();
    assert!(
        new.is_empty(),
        "model, plan and render must not use the network, redb, files or the terminal \
         (give them data and a `Write` from `command` instead):\n{}",
        new.join("\n")
    );
}

#[test]
fn the_scan_finds_each_kind_of_io_and_ignores_comments_and_strings() {
    let source = r#"//! std::fs in a doc comment, println!("x")
use std::io::{self, Write};
use std::fs;
use reqwest::Client;
use crate::model::File;

fn f(out: &mut dyn Write) {
    let text = "std::net::TcpStream and eprintln!";
    let _ = io::stdout();
    println!("{text}");
    let _ = File::open("x");
    let _ = redb::Database::create("x");
    let _ = tokio::net::TcpListener::bind("x");
    let _ = std::io::stdin().is_terminal();
    writeln!(out, "fine").unwrap();
}
"#;
    let found: Vec<(usize, String)> = findings("src/plan/example.rs", source)
        .into_iter()
        .map(|f| (f.line, f.what))
        .collect();
    assert_eq!(
        found,
        [
            (3, "files: `std::fs`".to_string()),
            (4, "network: `reqwest::Client`".to_string()),
            (9, "terminal: `std::io::stdout`".to_string()),
            (10, "terminal: `println!`".to_string()),
            (11, "files: `crate::model::File::open`".to_string()),
            (12, "redb: `redb::Database::create`".to_string()),
            (13, "network: `tokio::net::TcpListener::bind`".to_string()),
            (14, "terminal: `is_terminal`".to_string()),
            (14, "terminal: `std::io::stdin`".to_string()),
        ]
    );
}
