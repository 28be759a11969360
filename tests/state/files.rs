//! The state file itself: a missing one is reported (and fails `drift`), files are
//! created 0600 with a backup before each apply, a file others can read gets a
//! warning, and a file that is not a state is named as such.

use std::os::unix::fs::PermissionsExt;

use crate::support::Scenario;

const STORE: &str = r#"
datastore "jdbc" "files" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/files"
  password       = "Files-Passw0rd"
}
"#;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_missing_state_is_reported_and_drift_fails_on_it() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORE);
    let missing = scenario.dir().join("typo").join("pingform.redb");
    let missing = missing.to_str().unwrap();

    let plan = scenario.run(&["plan", "--state", missing]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert!(
        plan.stderr.contains("note: there is no state at [DIR]/typo/pingform.redb yet, so this plan starts from nothing"),
        "{}",
        plan.stderr
    );
    let drift = scenario.run(&["drift", "--state", missing]);
    assert_eq!(drift.code, 1, "{}", drift.combined());
    insta::assert_snapshot!("missing_state_drift", drift.stderr);
    for command in [
        vec!["state", "list"],
        vec!["state", "show", "datastore.jdbc.files"],
        vec!["history"],
    ] {
        let mut args = command.clone();
        args.extend(["--state", missing]);
        let run = scenario.run(&args);
        assert_eq!(run.code, 1, "{command:?}: {}", run.combined());
        assert!(
            run.stderr
                .contains("there is no state at [DIR]/typo/pingform.redb"),
            "{command:?}: {}",
            run.stderr
        );
    }
    assert!(!std::path::Path::new(missing).exists());
    scenario.converge();
}

#[test]
fn state_backup_and_plan_files_are_0600_and_a_readable_state_gets_a_warning() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORE);
    scenario.converge();
    let state = scenario.state_file();
    assert_eq!(mode(&state), 0o600);

    // The next apply keeps the state from before it.
    scenario.write("main.hcl", &STORE.replace("/files\"", "/files_v2\""));
    let applied = scenario.converge();
    let backup = scenario.dir().join("pingform.redb.backup");
    assert!(
        applied
            .apply
            .stderr
            .contains("The state from before this apply is kept in [DIR]/pingform.redb.backup."),
        "{}",
        applied.apply.stderr
    );
    assert_eq!(mode(&backup), 0o600);
    let before = scenario
        .run(&[
            "state",
            "show",
            "datastore.jdbc.files",
            "--state",
            backup.to_str().unwrap(),
        ])
        .success();
    assert!(before.stdout.contains("5432/files\""), "{}", before.stdout);
    assert_eq!(
        scenario
            .run(&["history", "--state", backup.to_str().unwrap()])
            .success()
            .stdout
            .lines()
            .count(),
        1
    );

    let plan_file = scenario.dir().join("change.plan");
    scenario.write("main.hcl", STORE);
    scenario
        .run(&["plan", "--out", plan_file.to_str().unwrap()])
        .success();
    assert_eq!(mode(&plan_file), 0o600);

    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o644)).unwrap();
    let warned = scenario.run(&["plan"]).success();
    assert!(
        warned.stderr.contains("warning: the state file [DIR]/pingform.redb can be read by other users (mode 0644); it holds the key of the secret fingerprints: run `chmod 600 [DIR]/pingform.redb`"),
        "{}",
        warned.stderr
    );
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o600)).unwrap();
    let quiet = scenario.run(&["plan"]).success();
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
    scenario.converge();
}

#[test]
fn a_file_that_is_not_a_state_is_named() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORE);
    let plan_file = scenario.dir().join("saved.plan");
    scenario
        .run(&["plan", "--out", plan_file.to_str().unwrap()])
        .success();
    let run = scenario.run(&["state", "list", "--state", plan_file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.combined());
    assert!(
        run.stderr.contains("[DIR]/saved.plan is not a pingform state file: it holds JSON (a plan file written by `plan --out`?), not a redb database"),
        "{}",
        run.stderr
    );
    let apply = scenario.run(&[
        "apply",
        "--auto-approve",
        "--state",
        plan_file.to_str().unwrap(),
    ]);
    assert_eq!(apply.code, 1, "{}", apply.combined());
    assert!(
        apply.stderr.contains("is not a pingform state file"),
        "{}",
        apply.stderr
    );
    scenario.converge();
}

#[test]
fn a_state_block_names_a_file_relative_to_the_folder() {
    let scenario = Scenario::new();
    std::fs::create_dir(scenario.dir().join("states")).unwrap();
    scenario.write("state.hcl", "state {\n  url = \"states/prod.redb\"\n}\n");
    scenario.write("main.hcl", STORE);
    scenario.converge();
    let file = scenario.dir().join("states").join("prod.redb");
    assert!(file.exists());
    assert!(!scenario.state_file().exists());
    assert_eq!(mode(&file), 0o600);
    let listed = scenario.run(&["state", "list"]).success();
    assert!(
        listed.stdout.contains("datastore.jdbc.files"),
        "{}",
        listed.stdout
    );
    let history = scenario.run(&["history"]).success();
    assert_eq!(history.stdout.lines().count(), 1, "{}", history.stdout);
    // --state wins over the block.
    let other = scenario.run(&["state", "list", "--state", "elsewhere.redb"]);
    assert_eq!(other.code, 1, "{}", other.combined());
    assert!(
        other.stderr.contains("there is no state at elsewhere.redb"),
        "{}",
        other.stderr
    );
}
