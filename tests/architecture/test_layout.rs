//! The suite stays one test binary: `tests/main.rs` is the only file directly in
//! `tests/` (Cargo makes every other one a binary of its own), and every other `.rs`
//! file is declared as a module, so none is silently left out of the build.

use std::path::Path;

use super::rust_source::{relative, repository, rust_files, tokens};

/// The names `mod NAME;` declares in `source`.
fn declared_modules(source: &str) -> Vec<String> {
    let tokens = tokens(source);
    tokens
        .windows(3)
        .filter(|w| w[0].ident() == Some("mod") && w[2].is_punct(';'))
        .filter_map(|w| w[1].ident().map(str::to_string))
        .collect()
}

/// The file that must declare `path` as a module: `main.rs` for a folder's `mod.rs`
/// directly under `tests/`, else the `mod.rs` next to it or above it.
fn parent_module(tests: &Path, path: &Path) -> std::path::PathBuf {
    let folder = path.parent().unwrap();
    let is_mod = path.file_name().is_some_and(|n| n == "mod.rs");
    let owner = if is_mod {
        folder.parent().unwrap()
    } else {
        folder
    };
    if owner == tests {
        tests.join("main.rs")
    } else {
        owner.join("mod.rs")
    }
}

#[test]
fn every_test_file_is_a_module_of_the_one_binary() {
    let tests = repository().join("tests");
    let top_level: Vec<String> = std::fs::read_dir(&tests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| relative(&p))
        .collect();
    assert_eq!(
        top_level,
        ["tests/main.rs"],
        "only tests/main.rs may sit directly in tests/ (each other file is a test binary of its own)"
    );
    let files = rust_files(&tests);
    assert!(files.len() > 10, "{files:?}");
    for path in files {
        if path == tests.join("main.rs") {
            continue;
        }
        let name = if path.file_name().is_some_and(|n| n == "mod.rs") {
            path.parent().unwrap().file_name().unwrap()
        } else {
            path.file_stem().unwrap()
        }
        .to_string_lossy()
        .into_owned();
        let parent = parent_module(&tests, &path);
        let source = std::fs::read_to_string(&parent)
            .unwrap_or_else(|e| panic!("{} needs {}: {e}", relative(&path), relative(&parent)));
        assert!(
            declared_modules(&source).contains(&name),
            "{} is not compiled: declare `mod {name};` in {}",
            relative(&path),
            relative(&parent)
        );
    }
}

#[test]
fn module_declarations_are_read_from_code_only() {
    let source =
        "//! mod commented;\nmod a;\npub mod b;\nmod inline {}\nconst S: &str = \"mod quoted;\";";
    assert_eq!(declared_modules(source), ["a", "b"]);
}
