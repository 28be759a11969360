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
