//! `pingform fmt`: every fixture and example is already in the canonical layout (so
//! formatting them changes nothing), formatting is idempotent and keeps every comment,
//! `--check` exits 3 and writes nothing, `--diff` shows the change.

use std::path::{Path, PathBuf};

use crate::support::{Workspace, workspace::files_under};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.hcl` file of the fixtures and examples.
fn configuration_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["fixtures", "examples"]
        .iter()
        .flat_map(|folder| files_under(&repository().join(folder)))
        .filter(|path| path.extension().is_some_and(|e| e == "hcl"))
        .collect();
    files.sort();
    files
}

/// The comments of a file: every `#`, `//` or `/*` text outside strings, as the
/// formatter must keep them (a rough scan: comment markers inside strings are rare
/// in these files and would only make the check stricter).
fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let mut in_string = false;
            let bytes = line.as_bytes();
            for (index, &byte) in bytes.iter().enumerate() {
                match byte {
                    b'"' if index == 0 || bytes[index - 1] != b'\\' => in_string = !in_string,
                    b'#' if !in_string => return Some(line[index..].trim_end().to_string()),
                    b'/' if !in_string && matches!(bytes.get(index + 1), Some(b'/' | b'*')) => {
                        return Some(line[index..].trim_end().to_string());
                    }
                    _ => {}
                }
            }
            None
        })
        .collect()
}

#[test]
fn every_fixture_and_example_is_formatted_idempotent_and_keeps_its_comments() {
    let files = configuration_files();
    assert!(files.len() >= 10, "found only {files:?}");
    for file in &files {
        // fixtures/invalid holds files that are not UTF-8 or do not parse, on purpose.
        let Ok(text) = std::fs::read_to_string(file) else {
            assert!(
                file.starts_with(repository().join("fixtures/invalid")),
                "{} is not UTF-8",
                file.display()
            );
            continue;
        };
        let Ok(formatted) = pingform::config::format_file(&text) else {
            assert!(
                file.starts_with(repository().join("fixtures/invalid")),
                "{} does not format",
                file.display()
            );
            continue;
        };
        let again = pingform::config::format_file(&formatted).unwrap();
        assert_eq!(
            again,
            formatted,
            "{}: formatting twice differs",
            file.display()
        );
        assert_eq!(
            comments(&formatted),
            comments(&text),
            "{}: comments",
            file.display()
        );
        let before: hcl::Body = hcl::from_str(&text).unwrap();
        let after: hcl::Body = hcl::from_str(&formatted).unwrap();
        assert_eq!(before, after, "{}: the meaning changed", file.display());
        let in_canonical_layout = !file.starts_with(repository().join("fixtures/invalid"));
        if in_canonical_layout {
            assert_eq!(formatted, text, "{} is not formatted", file.display());
        }
    }
}

const MESSY: &str = "# the store\ndatastore \"jdbc\"   \"a\"{\n driver_class=\"org.h2.Driver\" # inline\n      connection_url = \"jdbc:h2:mem:a\"\n\n\n\n  max_pool_size=3\n}\n";

const TIDY: &str = "# the store\ndatastore \"jdbc\" \"a\" {\n  driver_class   = \"org.h2.Driver\" # inline\n  connection_url = \"jdbc:h2:mem:a\"\n\n  max_pool_size = 3\n}\n";

#[test]
fn check_exits_3_and_writes_nothing_diff_shows_the_change_and_fmt_rewrites() {
    let workspace = Workspace::new();
    workspace.write("main.hcl", MESSY);
    workspace.write("tidy.hcl", TIDY);

    let check = workspace.run(&["fmt", "--check"]);
    assert_eq!(check.code, 3, "{}{}", check.stdout, check.stderr);
    assert_eq!(check.stdout.trim(), "[DIR]/main.hcl");
    assert!(
        check.stderr.contains("1 file of 2 files not formatted"),
        "{}",
        check.stderr
    );
    assert_eq!(
        std::fs::read_to_string(workspace.dir().join("main.hcl")).unwrap(),
        MESSY
    );

    let diff = workspace.run(&["fmt", "--check", "--diff"]);
    assert_eq!(diff.code, 3);
    insta::assert_snapshot!("fmt_diff", diff.stdout);

    let write = workspace.run(&["fmt"]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert_eq!(write.stdout.trim(), "[DIR]/main.hcl");
    assert_eq!(
        std::fs::read_to_string(workspace.dir().join("main.hcl")).unwrap(),
        TIDY
    );
    let clean = workspace.run(&["fmt", "--check"]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert!(clean.stdout.is_empty());
}

#[test]
fn a_file_that_does_not_parse_changes_no_file() {
    let workspace = Workspace::new();
    workspace.write("a.hcl", MESSY);
    workspace.write("b.hcl", "datastore \"jdbc\" \"b\" {\n");
    let run = workspace.run(&["fmt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot format [DIR]/b.hcl"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(workspace.dir().join("a.hcl")).unwrap(),
        MESSY
    );
}
