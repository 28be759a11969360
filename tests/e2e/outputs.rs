//! Snapshots of what people and scripts read, for one representative setup (data
//! stores, outbound provisioning, a PingOne connection, and a provisioning connection
//! whose channel has an exclusion): the JSON plan, `validate` on a valid and on a
//! broken folder, and the apply progress lines and summary.
//!
//! Volatile values are redacted: the sandbox's port, the configuration folder (`[DIR]`,
//! or relative names for `validate`), elapsed times, ids the sandbox generated
//! (numbered UUIDs, the PingOne environment by name) and the pingform version.

use serde_json::Value;

use super::pingone::{ADMIN_EXCLUSION, SOURCES, connection};
use crate::support::{Run, Scenario};

fn representative() -> Scenario {
    let scenario = Scenario::new().with_pingone();
    scenario.write(
        "main.hcl",
        &format!(
            "{SOURCES}{}{ADMIN_EXCLUSION}",
            connection("Disable", "Employees")
        ),
    );
    scenario
}

/// Exit code and both streams, for a snapshot that also shows where output goes.
fn streams(scenario: &Scenario, run: &Run) -> String {
    format!(
        "exit code: {}\n--- stdout ---\n{}--- stderr ---\n{}",
        run.code,
        scenario.redact(&run.stdout),
        scenario.redact(&run.stderr)
    )
}

/// The progress lines (stderr) and what follows the plan on stdout: the summary and
/// the apply's own convergence check.
fn progress_and_summary(scenario: &Scenario, run: &Run) -> String {
    let summary_at = run
        .stdout
        .find("Apply complete!")
        .unwrap_or_else(|| panic!("no summary in:\n{}", run.stdout));
    let text = format!(
        "--- stderr ---\n{}--- stdout, from the summary ---\n{}",
        scenario.redact(&run.stderr),
        scenario.redact(&run.stdout[summary_at..])
    );
    scenario.id_redactor().text(&text)
}

#[test]
fn the_json_plan_of_the_representative_setup() {
    let scenario = representative();
    let run = scenario.run(&["plan", "--json"]).success();
    let mut plan: Value = serde_json::from_str(&scenario.redact(&run.stdout))
        .unwrap_or_else(|error| panic!("{error}:\n{}", run.stdout));
    assert_eq!(plan["format_version"], "1.3");
    assert_eq!(plan["pingform_version"], env!("CARGO_PKG_VERSION"));
    plan["pingform_version"] = Value::from("[VERSION]");
    let plan = scenario.id_redactor().json(plan);
    insta::assert_snapshot!("plan_json", serde_json::to_string_pretty(&plan).unwrap());
    scenario.converge();
}

#[test]
fn validate_reports_a_valid_and_a_broken_folder() {
    let scenario = representative();
    let valid = scenario.run_in_folder(&["validate"]);
    insta::assert_snapshot!("validate_valid", streams(&scenario, &valid));
    assert_eq!(valid.code, 0);

    scenario.write(
        "exclusions.hcl",
        r#"
exclusion "service_account" {
  pingone_username = "svc-sync@example.com"
  source_attribute = "uid"
  source_value     = "svc-sync"
  channels         = [provisioning_connection.pingone.channel.staff]
  reason           = "runs the nightly sync"
}

datastore "jdbc" "reporting" {
  driver_class  = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/reporting"
  max_pool_sise = 5
}
"#,
    );
    let broken = scenario.run_in_folder(&["validate"]);
    insta::assert_snapshot!("validate_broken", streams(&scenario, &broken));
    assert_eq!(broken.code, 1);

    scenario.remove("exclusions.hcl");
    scenario.converge();
}

#[test]
fn apply_progress_lines_and_summary() {
    // One change at a time, so the lines come in plan order (concurrent changes
    // interleave their lines; see the test below).
    let scenario = representative();
    let created = scenario.converge_with(&["--parallelism", "1"]);
    insta::assert_snapshot!(
        "apply_create",
        progress_and_summary(&scenario, &created.apply)
    );

    // Removing everything: deletions and the reset of the singleton.
    scenario.write("main.hcl", "");
    let removed = scenario.converge_with(&["--parallelism", "1"]);
    insta::assert_snapshot!(
        "apply_remove_everything",
        progress_and_summary(&scenario, &removed.apply)
    );
}

#[test]
fn a_concurrent_apply_prints_each_change_once_and_each_completion_after_its_start() {
    let scenario = representative();
    let created = scenario.converge();
    let lines: Vec<&str> = created.apply.stderr.lines().collect();
    let started: Vec<&str> = lines
        .iter()
        .filter_map(|line| {
            line.strip_suffix(": Creating...")
                .or_else(|| line.strip_suffix(": Modifying..."))
        })
        .collect();
    assert_eq!(started.len(), 5, "{}", created.apply.stderr);
    for address in started {
        let start = lines
            .iter()
            .position(|l| l.starts_with(&format!("{address}: ")) && l.ends_with("..."));
        let end = lines
            .iter()
            .position(|l| l.starts_with(&format!("{address}: ")) && l.contains(" complete after "));
        assert!(start < end, "{address}: {}", created.apply.stderr);
        assert_eq!(
            lines.iter().filter(|l| l.starts_with(&format!("{address}: ")) && l.contains(" complete after ")).count(),
            1
        );
    }
}
