//! The CI example (`examples/ci/github-actions.yml`) parses, has the jobs the README
//! promises, and only uses pingform subcommands and flags that exist.

use std::collections::BTreeSet;
use std::process::Command;

use crate::support::BINARY;

fn workflow() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/ci/github-actions.yml"
    ))
    .unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Every `pingform SUBCOMMAND ... --flag` invocation in the workflow's `run` steps,
/// with backslash continuations joined.
fn invocations(workflow: &serde_json::Value) -> Vec<(String, BTreeSet<String>)> {
    let mut found = Vec::new();
    for job in workflow["jobs"].as_object().unwrap().values() {
        for step in job["steps"].as_array().unwrap() {
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            let joined = script.replace("\\\n", " ");
            for line in joined.lines() {
                let Some(start) = line.find("pingform ") else {
                    continue;
                };
                let words: Vec<&str> = line[start..].split_whitespace().collect();
                let subcommand = words[1].to_string();
                let flags = words
                    .iter()
                    .filter(|w| w.starts_with("--"))
                    .map(|w| w.to_string())
                    .collect();
                found.push((subcommand, flags));
            }
        }
    }
    found
}

#[test]
fn the_workflow_has_the_promised_jobs() {
    let workflow = workflow();
    let jobs: BTreeSet<&str> = workflow["jobs"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        jobs,
        BTreeSet::from(["plan-pull-request", "plan-main", "apply-main", "drift"])
    );
    assert!(workflow["on"]["schedule"].is_array());
}

#[test]
fn the_workflow_uses_only_real_subcommands_and_flags() {
    let invocations = invocations(&workflow());
    let subcommands: BTreeSet<&str> = invocations.iter().map(|(s, _)| s.as_str()).collect();
    assert!(
        subcommands.is_superset(&BTreeSet::from(["validate", "plan", "apply", "drift"])),
        "{subcommands:?}"
    );
    for (subcommand, flags) in &invocations {
        let help = Command::new(BINARY)
            .args([subcommand, "--help"])
            .output()
            .unwrap();
        assert!(
            help.status.success(),
            "`pingform {subcommand}` does not exist"
        );
        let help = String::from_utf8_lossy(&help.stdout);
        for flag in flags {
            assert!(
                help.contains(flag.as_str()),
                "`pingform {subcommand}` has no {flag}"
            );
        }
    }
}
