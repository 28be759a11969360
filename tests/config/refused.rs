//! Every broken configuration under `fixtures/invalid/` is refused by the real binary
//! before anything reaches PingFederate: `plan` and `apply` exit 1 with the
//! configuration's diagnostics, and the sandbox they point at receives no request.

use std::path::Path;

use crate::support::workspace::files_under;
use crate::support::{BINARY, Scenario, Workspace};

/// A folder of the repository, copied into a fresh workspace.
fn copy_fixture(from: &Path) -> Workspace {
    let workspace = Workspace::new();
    workspace.copy_from(from);
    workspace
}

#[test]
fn no_broken_configuration_sends_anything_to_the_server() {
    // The scenario's sandbox is the tripwire every broken folder points at.
    let scenario = Scenario::new();
    let sandbox = scenario.sandbox();
    sandbox.clear_requests();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 15,
        "expected at least 15 broken configurations, found {}",
        cases.len()
    );
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let workspace = copy_fixture(case);
        let has_own_target = files_under(case).iter().any(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .contains("pingfederate {")
        });
        let has_configuration = files_under(case)
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "hcl"));
        if !has_own_target && has_configuration {
            workspace.write("zz_target.hcl", &sandbox.pingfederate_block());
        }
        for command in [&["plan"][..], &["apply", "--auto-approve"][..]] {
            // Should pingform ever try to reach a fixture's own (non-loopback) server,
            // the proxy keeps the attempt on this machine, where it is refused.
            let run = workspace.run_with_env(
                command,
                &[
                    ("HTTPS_PROXY", "http://127.0.0.1:9"),
                    ("HTTP_PROXY", "http://127.0.0.1:9"),
                ],
            );
            assert_eq!(
                run.code,
                1,
                "{name}: {command:?} should fail\n{}",
                run.combined()
            );
            assert!(
                run.stderr.contains("pingform::config::"),
                "{name}: {command:?} failed for another reason than the configuration:\n{}",
                run.stderr
            );
        }
        assert!(
            !workspace.state_file().exists(),
            "{name}: a state file was created"
        );
    }
    let requests = sandbox.requests();
    assert!(
        requests.is_empty(),
        "broken configurations reached the server: {requests:?}"
    );

    // The tripwire works: a valid configuration pointed at the same sandbox converges,
    // and its requests are in the log the assertion above found empty.
    scenario.write("main.hcl", VALID);
    scenario.converge();
    assert!(
        !sandbox.pingfederate_requests().is_empty(),
        "the sandbox's request log recorded nothing, so the check above proves nothing"
    );
}

const VALID: &str = r#"
datastore "jdbc" "tripwire" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/tripwire"
  password       = "Tripwire-Passw0rd"
}
"#;

#[test]
fn validate_reports_every_problem_of_a_folder_at_once() {
    let workspace = copy_fixture(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid/multiple_errors"),
    );
    // `--check-values` also requires the variable without a value.
    let run = workspace.run(&["validate", "--check-values"]).failure();
    assert!(
        run.stderr.contains("configuration has 8 errors"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("Error: pingform::config::").count(),
        8,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("main.hcl:8:3"), "{}", run.stderr);
    // Without it, that variable is unknown, and everything else is still reported.
    let run = workspace.run(&["validate"]).failure();
    assert!(
        run.stderr.contains("configuration has 7 errors"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("has no value"), "{}", run.stderr);
}

#[test]
fn validate_accepts_the_examples_offline() {
    for (example, count) in [("examples/quickstart", 3), ("examples/production", 3)] {
        let run = std::process::Command::new(BINARY)
            .args(["validate", example, "--var", "provisioner_db_password=x"])
            .env("PF_ADMIN_PASSWORD", "x")
            .env("LDAP_BIND_PASSWORD", "x")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let expected = format!("The configuration is valid: {count} objects declared.");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(&expected),
            "{example}"
        );
    }
}
