//! Signals during an apply: the first stops new changes and lets those in flight finish
//! and be recorded (exit 130 for SIGINT, 143 for SIGTERM), a second stops at once; a
//! kill -9 leaves a file that read-only commands still read. Each time the next apply
//! converges with no duplicate and the history says what happened.

use serde_json::Value;

use crate::support::run::BINARY;
use crate::support::{Run, Scenario};

fn stores(count: usize) -> String {
    (1..=count)
        .map(|n| {
            format!(
                r#"
datastore "jdbc" "store_{n}" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/store_{n}"
  user_name      = "pf"
  password       = "Store-Passw0rd-{n}"
}}
"#
            )
        })
        .collect()
}

/// A sandbox whose writes take a second (ample time to signal a change in flight, even
/// on a loaded machine), with six stores to create.
fn slow_scenario() -> Scenario {
    let scenario = Scenario::start_with(&["--write-latency", "1s"]);
    scenario.write("main.hcl", &stores(6));
    scenario
}

/// The data stores in the sandbox: every id once.
fn store_ids(scenario: &Scenario) -> Vec<String> {
    let (status, body) = scenario.sandbox().request("GET", "/dataStores", None);
    assert_eq!(status, 200);
    let mut ids: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["id"].as_str().map(str::to_string))
        .filter(|id| id.starts_with("store_"))
        .collect();
    ids.sort();
    ids
}

/// What a read-only command must do on the state right after the stop: work.
fn read_only_commands_work(scenario: &Scenario) {
    let list = scenario.run(&["state", "list"]);
    assert_eq!(list.code, 0, "state list: {}", list.combined());
    let history = scenario.run(&["history"]);
    assert_eq!(history.code, 0, "history: {}", history.combined());
    let plan = scenario.run_with_options(&["plan"]);
    assert_eq!(plan.code, 0, "plan: {}", plan.combined());
    let drift = scenario.run(&["drift"]);
    assert_ne!(drift.code, 1, "drift: {}", drift.combined());
}

/// The converge step after a stop, and no store twice.
fn converges_without_duplicates(scenario: &Scenario) {
    scenario.converge();
    let expected: Vec<String> = (1..=6).map(|n| format!("store_{n}")).collect();
    assert_eq!(store_ids(scenario), expected);
    let refused: Vec<Value> = scenario
        .sandbox()
        .pingfederate_requests()
        .into_iter()
        .filter(|request| {
            request["method"] == "POST" && request["status"] != 200 && request["status"] != 201
        })
        .collect();
    assert!(refused.is_empty(), "a create was refused: {refused:?}");
}

fn stop_with(signal: i32, name: &str, code: i32) -> (Scenario, Run) {
    let scenario = slow_scenario();
    let apply = scenario.spawn(&["apply", "--auto-approve", "--parallelism", "1"]);
    // The second change is in flight: the first finished, the rest wait.
    apply.wait_for("Creation complete", 1);
    apply.wait_for("Creating...", 2);
    apply.signal(signal);
    let run = apply.finish();
    assert_eq!(run.code, code, "{}", run.combined());
    assert!(
        run.stderr.contains(&format!(
            "apply was interrupted by {name}: 2 of 6 changes finished, 4 did not start"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "finished and recorded in state: datastore.jdbc.store_1, datastore.jdbc.store_2"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not started: datastore.jdbc.store_3"),
        "{}",
        run.stderr
    );
    read_only_commands_work(&scenario);
    let listed = scenario.run(&["state", "list"]).success();
    assert_eq!(listed.stdout.lines().count(), 2, "{}", listed.stdout);
    (scenario, run)
}

#[test]
fn sigterm_mid_apply_finishes_the_change_in_flight_records_it_and_exits_143() {
    let (scenario, _) = stop_with(libc::SIGTERM, "SIGTERM", 143);
    let history = scenario.run(&["history"]).success();
    assert!(
        history
            .stdout
            .contains("interrupted (SIGTERM)  2 finished: 2 created; 4 not started"),
        "{}",
        history.stdout
    );
    converges_without_duplicates(&scenario);
    let history = scenario.run(&["history"]).success();
    let second = history.stdout.lines().nth(1).unwrap();
    assert!(
        second.contains("succeeded") && second.contains("  4 finished: 4 created"),
        "{}",
        history.stdout
    );
}

#[test]
fn sigint_mid_apply_exits_130_and_the_history_says_interrupted() {
    let (scenario, _) = stop_with(libc::SIGINT, "SIGINT", 130);
    let history = scenario.run(&["history", "--json"]).success();
    let rows: Value = serde_json::from_str(&history.stdout).unwrap();
    assert_eq!(
        rows[0]["outcome"],
        serde_json::json!({"status": "interrupted", "signal": "SIGINT", "at_once": false})
    );
    assert_eq!(rows[0]["done"]["created"], 2);
    assert_eq!(rows[0]["not_started"], 4);
    assert_eq!(rows[0]["origin"]["approval"]["type"], "auto_approve");
    converges_without_duplicates(&scenario);
}

#[test]
fn a_second_signal_stops_at_once_and_leaves_the_change_in_flight_unknown() {
    let scenario = slow_scenario();
    let apply = scenario.spawn(&["apply", "--auto-approve", "--parallelism", "1"]);
    apply.wait_for("Creation complete", 1);
    apply.wait_for("Creating...", 2);
    apply.signal(libc::SIGINT);
    apply.wait_for("Interrupt", 1);
    apply.signal(libc::SIGINT);
    let run = apply.finish();
    assert_eq!(run.code, 130, "{}", run.combined());
    assert!(
        run.stderr.contains("1 with an unknown outcome"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("outcome unknown (the request was sent but no answer came, so PingFederate may have made the change): datastore.jdbc.store_2"),
        "{}",
        run.stderr
    );
    read_only_commands_work(&scenario);
    let history = scenario.run(&["history"]).success();
    assert!(
        history.stdout.contains(
            "interrupted (SIGINT, at once)  1 finished: 1 created; 1 outcome unknown, 4 not started"
        ),
        "{}",
        history.stdout
    );
    converges_without_duplicates(&scenario);
}

#[test]
fn kill_9_mid_apply_leaves_a_state_that_read_only_commands_read_at_once() {
    let scenario = slow_scenario();
    let mut apply = scenario.spawn(&["apply", "--auto-approve", "--parallelism", "1"]);
    apply.wait_for("Creation complete", 2);
    apply.child().kill().unwrap();
    let run = apply.finish();
    assert_eq!(run.code, -1, "killed: {}", run.combined());
    // The file was not closed cleanly; read-only commands read it anyway.
    read_only_commands_work(&scenario);
    let listed = scenario.run(&["state", "list"]).success();
    assert!(
        listed.stdout.contains("datastore.jdbc.store_2"),
        "{}",
        listed.stdout
    );
    // The plan still to do names the rest, and reading changed nothing in the file.
    let plan = scenario.run_with_options(&["plan"]).success();
    assert!(
        plan.stdout
            .contains("datastore.jdbc.store_6 will be created"),
        "{}",
        plan.stdout
    );
    converges_without_duplicates(&scenario);
    let history = scenario.run(&["history"]).success();
    assert_eq!(history.stdout.lines().count(), 1, "{}", history.stdout);
    assert!(history.stdout.contains("succeeded"), "{}", history.stdout);
}

/// Runs `pingform apply` on a pseudo-terminal (util-linux `script`), waits for the
/// prompt, and presses Ctrl-C there.
#[test]
fn ctrl_c_at_the_confirmation_prompt_changes_nothing_and_creates_no_state_file() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", &stores(1));
    let command = format!("{BINARY} apply {}", scenario.dir().display());
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped());
    let mut apply = crate::support::spawned::Spawned::start(script, scenario.dir().to_path_buf());
    apply.wait_for("Enter a value:", 1);
    use std::io::Write;
    apply
        .child()
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"\x03")
        .unwrap();
    let run = apply.finish();
    let output = run.combined().replace('\r', "");
    assert_eq!(run.code, 130, "{output}");
    assert!(
        output.contains("SIGINT arrived at the confirmation prompt; nothing was changed"),
        "{output}"
    );
    assert!(!scenario.state_file().exists(), "a state file was created");
    let leftovers: Vec<_> = std::fs::read_dir(scenario.dir())
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("pingform"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(store_ids(&scenario).is_empty());
    scenario.converge();
}
