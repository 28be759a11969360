//! End-to-end: the provisioning connection to PingOne, with exclusions, against a
//! `pingform sandbox` process serving both PingFederate and PingOne over HTTPS.

use serde_json::json;

use crate::support::{SandboxProcess, Scenario};

/// Data stores, outbound provisioning and the PingOne connection (shared with
/// `outputs`).
pub(crate) const SOURCES: &str = r#"
datastore "ldap" "corp" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf-reader,ou=services,dc=example,dc=com"
  password  = "Ldap-Passw0rd"
}

datastore "jdbc" "provisioner" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/pf_provisioner"
  user_name      = "pf_provisioner"
  password       = "Db-Passw0rd"
}

outbound_provisioning {
  datastore = datastore.jdbc.provisioner
}

pingone_connection "workforce" {
  name       = "Workforce"
  credential = "Pingone-Credential-Blob"
}
"#;

pub(crate) fn connection(remove_action: &str, population: &str) -> String {
    format!(
        r#"
provisioning_connection "pingone" {{
  entity_id          = "pingone-provisioning"
  name               = "PingOne provisioning"
  active             = true
  pingone_connection = pingone_connection.workforce
  remove_action      = "{remove_action}"

  channel "employees" {{
    datastore         = datastore.ldap.corp
    base_dn           = "ou=people,dc=example,dc=com"
    user_filter       = "(objectClass=inetOrgPerson)"
    population        = "{population}"
    attribute_mapping = {{
      username  = "uid"
      email     = "mail"
      firstName = "givenName"
      lastName  = "sn"
    }}
  }}
}}
"#
    )
}

pub(super) const ADMIN_EXCLUSION: &str = r#"
exclusion "pingone_admin" {
  pingone_username = "pingone-admin@example.com"
  source_attribute = "uid"
  source_value     = "pingone-admin"
  reason           = "administers users over the connection to PingOne"
}
"#;

/// A scenario with PingFederate and PingOne blocks for its sandbox, and `main.hcl`.
fn setup(body: &str) -> Scenario {
    let scenario = Scenario::new().with_pingone();
    scenario.write("main.hcl", body);
    scenario
}

fn live_channel(sandbox: &SandboxProcess) -> serde_json::Value {
    let (status, body) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    assert_eq!(status, 200, "{body}");
    body["outboundProvision"]["channels"][0].clone()
}

#[test]
fn the_whole_setup_applies_from_empty_and_converges() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    let sandbox = scenario.sandbox();
    let first = scenario.plan();
    assert_eq!(first.code, 2);
    insta::assert_snapshot!("pingone_create_plan", scenario.redact(&first.stdout));
    let converged = scenario.converge();
    assert!(
        converged
            .apply
            .stdout
            .contains("Checked: a fresh plan finds no changes."),
        "{}",
        converged.apply.stdout
    );
    assert_eq!(converged.plan.code, 0, "{}", converged.plan.stdout);

    let channel = live_channel(sandbox);
    assert_eq!(
        channel["channelSource"]["userSourceLocation"]["filter"],
        "(&(objectClass=inetOrgPerson)(!(uid=pingone-admin)))"
    );
    let (_, environment) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    let settings = environment["outboundProvision"]["targetSettings"]
        .as_array()
        .unwrap()
        .clone();
    assert!(settings.contains(&json!({"name": "PINGONE_ENVIRONMENT", "value": format!("workforce|{}", sandbox.pingone_environment)})));
}

#[test]
fn a_new_exclusion_updates_the_filter_and_warns_about_the_existing_account() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Disable", "Employees")));
    scenario.apply_with(&[]).success();
    scenario.write("exclusions.hcl", ADMIN_EXCLUSION);
    let run = scenario.plan();
    assert_eq!(run.code, 2);
    let text = scenario.redact(&run.stdout);
    insta::assert_snapshot!("pingone_new_exclusion_plan", &text);
    assert!(
        text.contains("(&(objectClass=inetOrgPerson)(!(uid=pingone-admin)))"),
        "{text}"
    );
    assert!(
        text.contains("PingOne user `pingone-admin@example.com` exists; if PingFederate provisioned it before, PingFederate will now apply the remove action (Disable) to it"),
        "{text}"
    );
    scenario.converge();
}

#[test]
fn a_hand_edited_live_filter_that_drops_an_exclusion_is_named() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    let sandbox = scenario.sandbox();
    scenario.apply_with(&[]).success();
    let (_, mut live) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    live["outboundProvision"]["channels"][0]["channelSource"]["userSourceLocation"]["filter"] =
        json!("(objectClass=inetOrgPerson)");
    let (status, body) = sandbox.request("PUT", "/idp/spConnections/pingone", Some(live));
    assert_eq!(status, 200, "{body}");
    let run = scenario.plan();
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("exclusion `pingone_admin` is not enforced by the live user filter of channel `employees`"),
        "{}",
        run.stdout
    );
    scenario.converge();
}

#[test]
fn remove_action_delete_with_a_new_exclusion_needs_the_explicit_flag() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Delete", "Employees")));
    let sandbox = scenario.sandbox();
    scenario.apply_with(&[]).success();
    scenario.write("exclusions.hcl", ADMIN_EXCLUSION);
    sandbox.clear_requests();
    let refused = scenario.apply_with(&[]).failure();
    assert!(
        refused.stderr.contains("--allow-delete-of-excluded"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("pingone-admin@example.com"),
        "{}",
        refused.stderr
    );
    let writes: Vec<_> = sandbox
        .pingfederate_requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(writes.is_empty(), "a refused apply wrote {writes:?}");
    scenario
        .apply_with(&["--allow-delete-of-excluded"])
        .success();
    scenario.converge();
}

#[test]
fn a_population_that_does_not_exist_fails_the_plan_with_the_names_that_do() {
    let scenario = setup(&format!("{SOURCES}{}", connection("Disable", "Interns")));
    let sandbox = scenario.sandbox();
    let run = scenario.run(&["plan"]).failure();
    assert!(
        run.stderr
            .contains("PingOne has no population named `Interns`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`Employees`") && run.stderr.contains("`Contractors`"),
        "{}",
        run.stderr
    );
    let writes: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| {
            r["method"] != "GET"
                && !r["path"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("pingone-auth")
        })
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    // With a population that exists, it converges.
    scenario.write(
        "main.hcl",
        &format!("{SOURCES}{}", connection("Disable", "Contractors")),
    );
    scenario.converge();
}

#[test]
fn pingone_rate_limiting_once_is_retried_and_the_plan_succeeds() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    let sandbox = scenario.sandbox();
    sandbox.inject_fault(
        json!({"path": "pingone:/environments/*", "status": 429, "count": 1, "retry_after": 1}),
    );
    let run = scenario.plan();
    assert_eq!(run.code, 2, "{}", run.combined());
    let limited = sandbox
        .pingone_requests()
        .into_iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert_eq!(limited, 1, "the fault did not fire");
    scenario.converge();
}

#[test]
fn five_channels_and_two_hundred_exclusions_make_a_bounded_number_of_requests() {
    let mut body = String::from(SOURCES);
    body.push_str(
        "provisioning_connection \"pingone\" {\n  entity_id = \"pingone-provisioning\"\n  pingone_connection = pingone_connection.workforce\n",
    );
    for index in 0..5 {
        body.push_str(&format!(
            "  channel \"channel_{index}\" {{\n    datastore = datastore.ldap.corp\n    base_dn = \"ou=unit{index},dc=example,dc=com\"\n    user_filter = \"(objectClass=inetOrgPerson)\"\n    population = \"Employees\"\n    attribute_mapping = {{ username = \"uid\", email = \"mail\" }}\n  }}\n"
        ));
    }
    body.push_str("}\n");
    for index in 0..200 {
        body.push_str(&format!(
            "exclusion \"service_{index:03}\" {{\n  pingone_username = \"service-{index:03}@example.com\"\n  source_attribute = \"uid\"\n  source_value = \"service-{index:03}\"\n  reason = \"service account\"\n}}\n"
        ));
    }
    body.push_str(ADMIN_EXCLUSION);
    let scenario = setup(&body);
    let sandbox = scenario.sandbox();
    sandbox.clear_requests();
    let run = scenario.run(&["plan"]);
    assert_eq!(run.code, 0, "{}", run.combined());
    let pingone = sandbox.pingone_requests();
    let pingfederate = sandbox.pingfederate_requests();
    // 1 token + 1 environment + 1 populations page + one users query per chunk of
    // usernames that fits a 2,000-character URL (201 names: a handful of chunks).
    let users = pingone
        .iter()
        .filter(|r| r["path"].as_str().unwrap_or_default().contains("/users"))
        .count();
    assert!(pingone.len() <= 3 + users, "{pingone:?}");
    assert!(
        users <= 12,
        "{users} user queries for 201 usernames: {pingone:?}"
    );
    assert_eq!(
        pingfederate.len(),
        7,
        "one request per PingFederate collection, /version, /cluster/status and /serverSettings: {pingfederate:?}"
    );
    println!(
        "PingOne requests: {} ({} user queries); PingFederate requests: {}",
        pingone.len(),
        users,
        pingfederate.len()
    );
    scenario.converge();
}

#[test]
fn provisioning_removed_in_the_console_is_added_back_to_the_sso_connection_that_kept_the_id() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    let sandbox = scenario.sandbox();
    scenario.converge();
    // In the console: the connection is deleted and a browser-SSO-only one takes its id.
    let (_, mut live) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    live["active"] = json!(false);
    assert_eq!(
        sandbox
            .request("PUT", "/idp/spConnections/pingone", Some(live))
            .0,
        200
    );
    assert_eq!(
        sandbox
            .request("DELETE", "/idp/spConnections/pingone", None)
            .0,
        204
    );
    let sso = json!({
        "type": "SP", "id": "pingone", "entityId": "pingone-provisioning",
        "name": "PingOne provisioning", "active": true,
        "contactInfo": {"company": "Example Corp", "email": "iam@example.com"},
        "loggingMode": "ENHANCED"
    });
    let (status, body) = sandbox.request("POST", "/idp/spConnections", Some(sso));
    assert_eq!(status, 201, "{body}");

    // PingFederate's documentation: outbound provisioning can be added to any existing
    // SSO connection. The plan adds it in place and keeps the rest.
    let run = scenario.plan_with_changes();
    assert!(
        run.stdout
            .contains("provisioning_connection.pingone will be updated in place"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("without `outboundProvision`: it is added"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("must be replaced"), "{}", run.stdout);
    scenario.converge();
    let (_, live) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    assert_eq!(live["contactInfo"]["company"], "Example Corp", "{live}");
    assert_eq!(live["loggingMode"], "ENHANCED", "{live}");
    assert!(
        live["outboundProvision"]["channels"][0]["name"] == "employees",
        "{live}"
    );
}

#[test]
fn removing_everything_tears_down_in_reverse_dependency_order() {
    let scenario = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    let sandbox = scenario.sandbox();
    scenario.apply_with(&[]).success();
    scenario.write("main.hcl", "");
    let run = scenario.plan();
    assert_eq!(run.code, 2);
    let order: Vec<usize> = [
        "# provisioning_connection.pingone will be deleted",
        "# pingone_connection.workforce will be deleted",
        "# outbound_provisioning will be reset to PingFederate's defaults",
        "# datastore.ldap.corp will be deleted",
        "# datastore.jdbc.provisioner will be deleted",
    ]
    .iter()
    .map(|needle| {
        run.stdout
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{}", run.stdout))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "wrong order:\n{}",
        run.stdout
    );
    scenario.converge();
    let (_, stores) = sandbox.request("GET", "/dataStores", None);
    let ids: Vec<&str> = stores["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["ProvisionerDS"]);
    let (_, settings) = sandbox.request("GET", "/serverSettings/outboundProvisioning", None);
    assert_eq!(settings["dataStoreRef"]["id"], "ProvisionerDS");
    assert_eq!(
        sandbox.request("GET", "/idp/spConnections/pingone", None).0,
        404
    );
}
