//! A state knows the servers it manages: another PingFederate (another URL, another
//! reported identity) or another PingOne environment is refused by plan, drift and
//! apply; `--rebind` records the new servers on purpose (a renamed host).

use crate::support::{SandboxProcess, Scenario, Workspace};

const STORE: &str = r#"
datastore "jdbc" "bound" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/bound"
  password       = "Bound-Passw0rd"
}
"#;

#[test]
fn another_pingfederate_is_refused_by_plan_drift_and_apply() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORE);
    scenario.converge();
    let production_block = scenario.sandbox().pingfederate_block();

    // Another server that reports another identity.
    let staging = SandboxProcess::start_with(&["--saml2-entity-id", "staging.example.com"]);
    scenario.write("pingfederate.hcl", &staging.pingfederate_block());
    for args in [vec!["plan"], vec!["drift"], vec!["apply", "--auto-approve"]] {
        let run = scenario.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.combined());
        assert!(
            run.stderr
                .contains("the state [DIR]/pingform.redb belongs to other servers"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("that PingFederate reported base URL https://localhost:9999, SAML entity id initial.pingidentity.com; this one reports base URL https://localhost:9999, SAML entity id staging.example.com"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains(&format!("this run talks to {}", staging.url)),
            "{}",
            run.stderr
        );
    }
    let refused = scenario.run(&["plan"]);
    insta::assert_snapshot!(
        "another_pingfederate",
        refused
            .stderr
            .replace(&scenario.sandbox().url, "[PRODUCTION]")
            .replace(&staging.url, "[STAGING]")
    );
    // Nothing reached the other server's configuration.
    assert!(
        staging
            .requests()
            .iter()
            .all(|request| request["method"] == "GET"),
        "{:?}",
        staging.requests()
    );
    scenario.write("pingfederate.hcl", &production_block);
    scenario.converge();
}

#[test]
fn another_pingone_environment_is_refused() {
    let scenario = Scenario::new().with_pingone();
    scenario.write("main.hcl", STORE);
    scenario.converge();
    let block = scenario.sandbox().pingone_block();
    let environment = scenario.sandbox().pingone_environment.clone();
    scenario.write(
        "pingone.hcl",
        &block.replace(&environment, "11111111-2222-4333-8444-555555555555"),
    );
    let run = scenario.run(&["plan"]);
    assert_eq!(run.code, 1, "{}", run.combined());
    assert!(
        run.stderr.contains(&format!(
            "its PingOne environment is {environment}; the configuration names 11111111-2222-4333-8444-555555555555"
        )),
        "{}",
        run.stderr
    );
    scenario.write("pingone.hcl", &block);
    scenario.converge();
}

#[test]
fn a_renamed_host_is_refused_until_an_apply_rebinds_on_purpose() {
    let data = tempfile::tempdir().unwrap();
    let data_file = data.path().join("sandbox.json");
    let data_arg = data_file.to_str().unwrap();
    let workspace = Workspace::new();
    workspace.write("main.hcl", STORE);
    {
        let before = SandboxProcess::start_with(&["--data", data_arg]);
        workspace.write("pingfederate.hcl", &before.pingfederate_block());
        workspace.run(&["apply", "--auto-approve"]).success();
    }
    // The same server (same data, same identity) at a new address.
    let after = SandboxProcess::start_with(&["--data", data_arg]);
    workspace.write("pingfederate.hcl", &after.pingfederate_block());
    let refused = workspace.run(&["plan"]);
    assert_eq!(refused.code, 1, "{}", refused.combined());
    assert!(
        refused
            .stderr
            .contains("it manages the PingFederate at https://127.0.0.1:"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("run `pingform apply --rebind` once"),
        "{}",
        refused.stderr
    );
    // A plan with --rebind shows nothing to change; the apply records the new URL.
    let plan = workspace.run(&["plan", "--rebind", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    let rebound = workspace
        .run(&["apply", "--auto-approve", "--rebind"])
        .success();
    assert!(
        rebound.stderr.contains(&format!(
            "The state is now bound to the PingFederate at {}",
            after.url
        )),
        "{}",
        rebound.stderr
    );
    let plan = workspace.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}
