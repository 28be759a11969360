//! The files of `src/config/` import each other without cycles: the graph whose edges
//! are `super::x` / `crate::config::x` paths (in `use` declarations and in code)
//! between files must be a DAG, so each file can be read, tested and moved on top of
//! the ones it uses.
//!
//! An edge goes to the file that defines the module the path names (`super::x::Y` to
//! `x.rs`), or to `mod.rs` for an item of `config` itself (`super::LoadOptions`).
//! Paths relative to the current module (`x::Y` inside `mod.rs`) are not edges, and
//! `#[cfg(test)]` modules are left out: test helpers may borrow from a sibling.

use std::collections::{BTreeMap, BTreeSet};

use super::rust_source::{Spanned, Token, paths, relative, repository, rust_files, tokens};

/// One source file of the module tree being checked.
struct SourceFile {
    /// As shown in messages: `declarations.rs`, `pingfederate/mod.rs`.
    name: String,
    /// Its module path from the crate root: `["config", "declarations"]`.
    module: Vec<String>,
    source: String,
}

/// Import edges between files: `(from, to)` → the first line of `from` that makes it.
struct Graph {
    names: Vec<String>,
    edges: BTreeMap<(usize, usize), usize>,
}

/// The files under `src/<root>/`, with their module paths.
fn module_files(root: &str) -> Vec<SourceFile> {
    let folder = repository().join("src").join(root);
    rust_files(&folder)
        .into_iter()
        .map(|path| {
            let inside = path.strip_prefix(&folder).unwrap();
            let mut module = vec![root.to_string()];
            for component in inside.with_extension("").components() {
                module.push(component.as_os_str().to_string_lossy().into_owned());
            }
            if module.last().is_some_and(|last| last == "mod") {
                module.pop();
            }
            let name = relative(&path)
                .trim_start_matches(&format!("src/{root}/"))
                .to_string();
            SourceFile {
                name,
                module,
                source: std::fs::read_to_string(&path).unwrap(),
            }
        })
        .collect()
}

/// `tokens` without the `#[cfg(test)] mod NAME { ... }` blocks.
fn without_test_modules(tokens: Vec<Spanned>) -> Vec<Spanned> {
    let cfg_test = [
        Token::Punct('#'),
        Token::Punct('['),
        Token::Ident("cfg".into()),
        Token::Punct('('),
        Token::Ident("test".into()),
        Token::Punct(')'),
        Token::Punct(']'),
    ];
    let mut kept = Vec::with_capacity(tokens.len());
    let mut at = 0;
    while at < tokens.len() {
        let is_cfg_test = tokens[at..]
            .iter()
            .map(|t| &t.token)
            .take(cfg_test.len())
            .eq(cfg_test.iter());
        let module_follows = tokens.get(at + cfg_test.len()).and_then(Spanned::ident)
            == Some("mod")
            && tokens
                .get(at + cfg_test.len() + 2)
                .is_some_and(|t| t.is_punct('{'));
        if is_cfg_test && module_follows {
            let mut depth = 0;
            at += cfg_test.len() + 2;
            while at < tokens.len() {
                match tokens[at].token {
                    Token::Punct('{') => depth += 1,
                    Token::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            at += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            continue;
        }
        kept.push(tokens[at].clone());
        at += 1;
    }
    kept
}

/// The inline module each token is in (`mod inner { ... }` inside the file), by index.
fn inline_modules(tokens: &[Spanned]) -> Vec<Vec<String>> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut modules = Vec::with_capacity(tokens.len());
    for (index, token) in tokens.iter().enumerate() {
        match token.token {
            Token::Punct('{') => {
                depth += 1;
                if index >= 2
                    && tokens[index - 2].ident() == Some("mod")
                    && let Some(name) = tokens[index - 1].ident()
                {
                    stack.push((name.to_string(), depth));
                }
            }
            Token::Punct('}') => {
                if stack.last().is_some_and(|(_, at)| *at == depth) {
                    stack.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
        modules.push(stack.iter().map(|(name, _)| name.clone()).collect());
    }
    modules
}

/// The import graph of `files`, whose module paths all start with the same root.
fn graph(files: &[SourceFile]) -> Graph {
    let root = files[0].module[0].clone();
    let mut edges = BTreeMap::new();
    for (from, file) in files.iter().enumerate() {
        let tokens = without_test_modules(tokens(&file.source));
        let inline = inline_modules(&tokens);
        let (named, _) = paths(&tokens);
        for path in named {
            let mut current = file.module.clone();
            current.extend(inline[path.index].iter().cloned());
            let segments = &path.segments;
            let (mut base, rest) = match segments[0].as_str() {
                "crate" => (Vec::new(), &segments[1..]),
                "self" => (current, &segments[1..]),
                "super" => {
                    let supers = segments.iter().take_while(|s| *s == "super").count();
                    let kept = current.len().saturating_sub(supers);
                    (current[..kept].to_vec(), &segments[supers..])
                }
                _ => continue,
            };
            base.extend(rest.iter().cloned());
            if base.first() != Some(&root) {
                continue;
            }
            // The file of the longest module path that the full path starts with.
            let Some(to) = files
                .iter()
                .enumerate()
                .filter(|(_, f)| base.starts_with(&f.module))
                .max_by_key(|(_, f)| f.module.len())
                .map(|(index, _)| index)
            else {
                continue;
            };
            if to != from {
                edges.entry((from, to)).or_insert(path.line);
            }
        }
    }
    Graph {
        names: files.iter().map(|f| f.name.clone()).collect(),
        edges,
    }
}

/// Every elementary cycle, each starting at its smallest node, in order.
fn cycles(graph: &Graph) -> Vec<Vec<usize>> {
    let successors = |node: usize| -> Vec<usize> {
        graph
            .edges
            .keys()
            .filter(|(from, _)| *from == node)
            .map(|(_, to)| *to)
            .collect()
    };
    let mut found = Vec::new();
    for start in 0..graph.names.len() {
        // Depth-first over nodes greater than `start`, back to `start`.
        let mut stack = vec![(start, successors(start), 0)];
        let mut on_path = BTreeSet::from([start]);
        while let Some((node, next, index)) = stack.last_mut() {
            let node = *node;
            if *index == next.len() {
                stack.pop();
                on_path.remove(&node);
                continue;
            }
            let successor = next[*index];
            *index += 1;
            if successor == start {
                found.push(stack.iter().map(|(n, ..)| *n).collect());
            } else if successor > start && !on_path.contains(&successor) {
                on_path.insert(successor);
                stack.push((successor, successors(successor), 0));
            }
        }
    }
    found
}

/// `a.rs:12 -> b.rs:30 -> a.rs`: each file with the line that imports the next.
fn describe(graph: &Graph, cycle: &[usize]) -> String {
    let mut text = String::new();
    for (position, &node) in cycle.iter().enumerate() {
        let next = cycle[(position + 1) % cycle.len()];
        text.push_str(&format!(
            "{}:{} -> ",
            graph.names[node],
            graph.edges[&(node, next)]
        ));
    }
    text.push_str(&graph.names[cycle[0]]);
    text
}

#[test]
fn the_files_of_config_import_each_other_without_cycles() {
    let graph = graph(&module_files("config"));
    let cycles = cycles(&graph);
    let files: BTreeSet<&str> = cycles
        .iter()
        .flatten()
        .map(|&node| graph.names[node].as_str())
        .collect();
    let lines: Vec<String> = cycles
        .iter()
        .map(|cycle| format!("  {}", describe(&graph, cycle)))
        .collect();
    for line in &lines {
        println!("{line}");
    }
    assert!(
        cycles.is_empty(),
        "src/config has {} import cycle(s) through {} files ({}); each `file:line` \
         imports the next file:\n{}",
        cycles.len(),
        files.len(),
        files.iter().copied().collect::<Vec<_>>().join(", "),
        lines.join("\n")
    );
}

#[test]
fn the_config_import_graph_is_read() {
    // Keeps the ignored test above honest: it must see the real files and edges.
    let files = module_files("config");
    assert!(files.len() > 1, "src/config has {} files", files.len());
    assert!(
        files
            .iter()
            .any(|f| f.name == "mod.rs" && f.module == ["config"])
    );
    let graph = graph(&files);
    assert!(
        graph.edges.len() >= files.len() - 1,
        "only {} import edges between {} files",
        graph.edges.len(),
        files.len()
    );
}

#[test]
fn the_cycle_check_finds_cycles_and_nothing_else() {
    let file = |name: &str, module: &[&str], source: &str| SourceFile {
        name: name.to_string(),
        module: module.iter().map(|s| s.to_string()).collect(),
        source: source.to_string(),
    };
    let files = [
        file(
            "mod.rs",
            &["config"],
            "mod a;\nmod b;\nuse a::Item;\npub struct Options;",
        ),
        file(
            "a.rs",
            &["config", "a"],
            "use super::b::{self, B};\nuse super::Options;",
        ),
        file(
            "b.rs",
            &["config", "b"],
            "// use super::d::D;\nfn f() {\n    crate::config::c::g();\n}",
        ),
        file("c.rs", &["config", "c"], "use super::{a::A, d};\n"),
        file(
            "d.rs",
            &["config", "d"],
            "mod inner {\n    use super::helper;\n}\n#[cfg(test)]\nmod tests {\n    use crate::config::a;\n}",
        ),
    ];
    let graph = graph(&files);
    let edges: Vec<(&str, &str, usize)> = graph
        .edges
        .iter()
        .map(|(&(from, to), &line)| (files[from].name.as_str(), files[to].name.as_str(), line))
        .collect();
    assert_eq!(
        edges,
        [
            ("a.rs", "mod.rs", 2),
            ("a.rs", "b.rs", 1),
            ("b.rs", "c.rs", 3),
            ("c.rs", "a.rs", 1),
            ("c.rs", "d.rs", 1),
        ]
    );
    let cycles = cycles(&graph);
    let described: Vec<String> = cycles.iter().map(|c| describe(&graph, c)).collect();
    assert_eq!(described, ["a.rs:1 -> b.rs:3 -> c.rs:1 -> a.rs"]);
}
