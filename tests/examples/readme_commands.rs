//! The examples the README tells people to run work as written: on the built-in
//! sandbox, each applies and converges. The README's command uses a throwaway sandbox
//! and state, so each example is then also applied through a scenario that keeps both,
//! and ends with the converge step.

use std::process::Command;

use crate::support::{BINARY, Scenario};

fn apply_on_the_sandbox(args: &[&str]) -> String {
    let output = Command::new(BINARY)
        .args(["apply", "--sandbox", "--auto-approve"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn the_quickstart_applies_on_the_sandbox_and_converges() {
    let stdout = apply_on_the_sandbox(&["examples/quickstart"]);
    assert!(
        stdout.contains("Apply complete! 2 created, 1 updated"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Checked: a fresh plan finds no changes."),
        "{stdout}"
    );

    let scenario = Scenario::builtin_sandbox("examples/quickstart", &[]);
    let converged = scenario.converge();
    assert!(
        converged
            .apply
            .stdout
            .contains("Apply complete! 2 created, 1 updated"),
        "{}",
        converged.apply.stdout
    );
}

#[test]
fn the_provisioning_example_applies_on_the_sandbox_and_converges() {
    let stdout = apply_on_the_sandbox(&[
        "--var-file",
        "examples/provisioning/sandbox.vars",
        "examples/provisioning",
    ]);
    assert!(
        stdout.contains("Apply complete! 4 created, 1 updated"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(&(objectClass=inetOrgPerson)(!(uid=pingone-admin)))"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Checked: a fresh plan finds no changes."),
        "{stdout}"
    );

    let scenario = Scenario::builtin_sandbox(
        "examples/provisioning",
        &["examples/provisioning/sandbox.vars"],
    );
    let converged = scenario.converge();
    assert!(
        converged
            .apply
            .stdout
            .contains("Apply complete! 4 created, 1 updated"),
        "{}",
        converged.apply.stdout
    );
}

#[test]
fn the_readme_opens_with_two_commands_and_installs_before_it_calls_pingform() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    // The title, the fence, exactly two commands, the fence.
    assert_eq!(lines[2], "```sh");
    assert!(
        lines[3].starts_with("cargo run --release -- apply --sandbox"),
        "{}",
        lines[3]
    );
    assert!(lines[4].starts_with("cargo test "), "{}", lines[4]);
    assert_eq!(lines[5], "```");
    let install = readme.find("## Install").expect("an install section");
    // The first `pingform ...` line inside a shell code block.
    let mut offset = 0;
    let mut in_shell = false;
    let mut first_use = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_shell = line == "```sh";
        } else if in_shell && line.starts_with("pingform ") {
            first_use = Some(offset);
            break;
        }
        offset += line.len() + 1;
    }
    let first_use = first_use.expect("a pingform command in the README");
    assert!(
        install < first_use,
        "a `pingform` command comes before the install section"
    );
    assert!(readme[install..first_use].contains("cargo install --locked --path ."));
}
