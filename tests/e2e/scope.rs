//! End-to-end: the provisioning scope guards. Each change that makes PingFederate
//! stop provisioning, or start again, users it must not touch is refused by apply,
//! with nothing written, unless its flag is given; with the flag it applies and
//! converges. Also: drift and plan name exclusions a console edit dropped.

use serde_json::json;

use super::pingone::{ADMIN_EXCLUSION, SOURCES, connection};
use crate::support::{SandboxProcess, Scenario};

fn setup(body: &str) -> Scenario {
    let scenario = Scenario::new().with_pingone();
    scenario.write("main.hcl", body);
    scenario
}

/// Every request but a read since the last clear.
fn writes(sandbox: &SandboxProcess) -> Vec<serde_json::Value> {
    sandbox
        .pingfederate_requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect()
}

/// The apply is refused with `flag` named, and nothing is written to PingFederate.
fn refused_without(scenario: &Scenario, flag: &str) -> String {
    let sandbox = scenario.sandbox();
    sandbox.clear_requests();
    let refused = scenario.apply_with(&[]).failure();
    assert!(
        refused.stderr.contains(flag),
        "the refusal does not name {flag}:\n{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("nothing was changed"),
        "{}",
        refused.stderr
    );
    let written = writes(sandbox);
    assert!(written.is_empty(), "a refused apply wrote {written:?}");
    refused.stderr
}

#[test]
fn removing_an_exclusion_whose_account_exists_needs_allow_exclusion_removal() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Disable", "Employees")));
    scenario.write("exclusions.hcl", ADMIN_EXCLUSION);
    scenario.converge();
    scenario.remove("exclusions.hcl");

    let plan = scenario.plan_with_changes();
    let text = scenario.id_redactor().text(&scenario.redact(&plan.stdout));
    insta::assert_snapshot!("scope_exclusion_removed_plan", &text);
    assert!(
        text.contains("comes back into provisioning scope"),
        "{text}"
    );

    let stderr = refused_without(&scenario, "--allow-exclusion-removal");
    assert!(stderr.contains("pingone-admin@example.com"), "{stderr}");
    scenario
        .apply_with(&["--allow-exclusion-removal"])
        .success();
    let channel = live_channel(scenario.sandbox());
    assert_eq!(
        channel["channelSource"]["userSourceLocation"]["filter"],
        "(objectClass=inetOrgPerson)"
    );
    scenario.converge();
}

#[test]
fn switching_the_remove_action_to_delete_needs_allow_remove_action_delete() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Disable", "Employees")));
    scenario.converge();
    scenario.write(
        "main.hcl",
        &format!("{SOURCES}{}", connection("Delete", "Employees")),
    );
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout.contains(
            "provisioning_connection.pingone: remove_action changes from Disable to Delete"
        ),
        "{}",
        plan.stdout
    );
    // The sandbox's Employees population holds users; PingOne counts them.
    assert!(
        plan.stdout.contains("PingOne: population Employees (")
            && plan.stdout.contains("users, the most this can concern"),
        "{}",
        plan.stdout
    );
    refused_without(&scenario, "--allow-remove-action-delete");
    scenario
        .apply_with(&["--allow-remove-action-delete"])
        .success();
    scenario.converge();
}

#[test]
fn a_narrowed_filter_is_reviewed_and_needs_consent_only_with_delete() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Disable", "Employees")));
    scenario.converge();
    let narrowed = |remove_action: &str| {
        format!("{SOURCES}{}", connection(remove_action, "Employees")).replace(
            "user_filter       = \"(objectClass=inetOrgPerson)\"",
            "user_filter       = \"(&(objectClass=inetOrgPerson)(departmentNumber=7))\"",
        )
    };
    scenario.write("main.hcl", &narrowed("Disable"));
    let plan = scenario.plan_with_changes();
    let text = scenario.id_redactor().text(&scenario.redact(&plan.stdout));
    insta::assert_snapshot!("scope_filter_narrowed_plan", &text);
    // Disable needs no consent.
    scenario.converge();

    // Back to the wide filter with Delete (a wider scope needs nothing but the switch
    // to Delete), then narrowing again under Delete is refused.
    scenario.write(
        "main.hcl",
        &format!("{SOURCES}{}", connection("Delete", "Employees")),
    );
    scenario.converge_with(&["--allow-remove-action-delete"]);
    scenario.write("main.hcl", &narrowed("Delete"));
    let stderr = refused_without(&scenario, "--allow-remove-action-delete");
    assert!(
        stderr
            .contains("provisioning_connection.pingone.channel.employees: the user filter narrows"),
        "{stderr}"
    );
    scenario.converge_with(&["--allow-remove-action-delete"]);
}

#[test]
fn removing_a_connection_whose_remove_action_is_delete_needs_allow_remove_action_delete() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Delete", "Employees")));
    scenario.converge();
    scenario.write("main.hcl", SOURCES);
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("provisioning_connection.pingone: the provisioning connection is removed"),
        "{}",
        plan.stdout
    );
    refused_without(&scenario, "--allow-remove-action-delete");
    scenario
        .apply_with(&["--allow-remove-action-delete"])
        .success();
    let (status, _) = scenario
        .sandbox()
        .request("GET", "/idp/spConnections/pingone", None);
    assert_eq!(status, 404);
    scenario.converge();
}

#[test]
fn removing_a_connection_that_disables_is_reviewed_without_consent() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Disable", "Employees")));
    scenario.converge();
    scenario.write("main.hcl", SOURCES);
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("provisioning_connection.pingone: the provisioning connection is removed"),
        "{}",
        plan.stdout
    );
    scenario.converge();
}

fn live_channel(sandbox: &SandboxProcess) -> serde_json::Value {
    let (status, body) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    assert_eq!(status, 200, "{body}");
    body["outboundProvision"]["channels"][0].clone()
}

/// A console edit that drops the exclusion from the live filter.
fn drop_exclusion_in_the_console(sandbox: &SandboxProcess) {
    let (_, mut live) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    live["outboundProvision"]["channels"][0]["channelSource"]["userSourceLocation"]["filter"] =
        json!("(objectClass=inetOrgPerson)");
    let (status, body) = sandbox.request("PUT", "/idp/spConnections/pingone", Some(live));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn drift_names_an_exclusion_the_live_filter_lost_and_plan_calls_it_restored() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    scenario.converge();
    drop_exclusion_in_the_console(scenario.sandbox());

    let drift = scenario.run(&["drift"]);
    assert_eq!(drift.code, 2, "{}{}", drift.stdout, drift.stderr);
    assert!(
        drift.stdout.contains("! exclusion `pingone_admin` is no longer enforced by the live user filter of provisioning_connection.pingone.channel.employees: PingOne user `pingone-admin@example.com` is in provisioning scope again"),
        "{}",
        drift.stdout
    );
    let json = scenario.run(&["drift", "--json"]);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["format_version"], "1.2");
    assert_eq!(
        document["drift"][0]["exclusions_not_enforced"][0]["exclusion"],
        "pingone_admin"
    );

    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout.contains(
            "the live filter lost exclusion `pingone_admin` since the last apply: this plan restores it"
        ),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("exclusion `pingone_admin` was dropped from the live user filter of provisioning_connection.pingone.channel.employees since the last apply"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("is new on"), "{}", plan.stdout);
    scenario.converge();
}

#[test]
fn state_show_renders_channels_as_blocks_with_the_recorded_exclusions() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    scenario.converge();
    let state = scenario.state_file().display().to_string();
    let run = scenario.run(&[
        "state",
        "show",
        "provisioning_connection.pingone",
        "--state",
        &state,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = scenario.id_redactor().text(&run.stdout);
    // The declared part: the channel as a block, then the exclusions.
    let declared = &text[..text.find("# As PingFederate returned it").unwrap()];
    insta::assert_snapshot!("state_show_connection", declared);
    assert!(text.contains("#   channel \"employees\" {"), "{text}");
}

/// The connection with a second channel, `contractors`.
fn with_contractors(remove_action: &str) -> String {
    let one = connection(remove_action, "Employees");
    let end = one.trim_end().strip_suffix('}').unwrap();
    format!(
        "{end}\n  channel \"contractors\" {{\n    datastore         = datastore.ldap.corp\n    base_dn           = \"ou=contractors,dc=example,dc=com\"\n    user_filter       = \"(objectClass=inetOrgPerson)\"\n    population        = \"Contractors\"\n    attribute_mapping = {{\n      username = \"uid\"\n      email    = \"mail\"\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn removing_a_channel_with_remove_action_delete_needs_allow_remove_action_delete() {
    let scenario = setup(&format!("{SOURCES}{}", with_contractors("Delete")));
    scenario.converge();
    scenario.write(
        "main.hcl",
        &format!("{SOURCES}{}", connection("Delete", "Employees")),
    );
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout.contains(
            "provisioning_connection.pingone.channel.contractors: the channel is removed"
        ),
        "{}",
        plan.stdout
    );
    let stderr = refused_without(&scenario, "--allow-remove-action-delete");
    assert!(
        stderr.contains("channel.contractors: the channel is removed"),
        "{stderr}"
    );
    scenario
        .apply_with(&["--allow-remove-action-delete"])
        .success();
    let (_, live) = scenario
        .sandbox()
        .request("GET", "/idp/spConnections/pingone", None);
    assert_eq!(
        live["outboundProvision"]["channels"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{live}"
    );
    scenario.converge();
}
