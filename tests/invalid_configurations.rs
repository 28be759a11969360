//! Every broken configuration under `fixtures/invalid/` is refused by the real binary
//! before anything reaches PingFederate: `plan` and `apply` exit 1 with the
//! configuration's diagnostics, and the sandbox they point at receives no request.

mod support;

use std::path::Path;

use support::{SandboxProcess, Workspace};

fn copy_fixture(from: &Path, to: &Workspace) {
    for entry in walk(from) {
        let relative = entry.strip_prefix(from).unwrap();
        let target = to.dir().join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn no_broken_configuration_sends_anything_to_the_server() {
    let sandbox = SandboxProcess::start();
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
        let workspace = Workspace::new();
        copy_fixture(case, &workspace);
        let has_own_target = walk(case).iter().any(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .contains("pingfederate {")
        });
        let has_configuration = walk(case)
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
}

#[test]
fn validate_reports_every_problem_of_a_folder_at_once() {
    let workspace = Workspace::new();
    copy_fixture(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid/multiple_errors"),
        &workspace,
    );
    let run = workspace.run(&["validate"]).failure();
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
}

#[test]
fn validate_accepts_the_examples_offline() {
    for (example, count) in [("examples/quickstart", 3), ("examples/production", 3)] {
        let run = std::process::Command::new(support::BINARY)
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
