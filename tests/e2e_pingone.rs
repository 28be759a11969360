//! End-to-end: the provisioning connection to PingOne, with exclusions, against a
//! `pingform sandbox` process serving both PingFederate and PingOne over HTTPS.

mod support;

use serde_json::json;
use support::{SandboxProcess, Workspace, redact};

const SOURCES: &str = r#"
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

fn connection(remove_action: &str, population: &str) -> String {
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

const ADMIN_EXCLUSION: &str = r#"
exclusion "pingone_admin" {
  pingone_username = "pingone-admin@example.com"
  source_attribute = "uid"
  source_value     = "pingone-admin"
  reason           = "administers users over the connection to PingOne"
}
"#;

fn setup(body: &str) -> (SandboxProcess, Workspace) {
    let sandbox = SandboxProcess::start();
    let workspace = Workspace::new();
    workspace.write("pingfederate.hcl", &sandbox.pingfederate_block());
    workspace.write("pingone.hcl", &sandbox.pingone_block());
    workspace.write("main.hcl", body);
    (sandbox, workspace)
}

fn plan(workspace: &Workspace) -> support::Run {
    let run = workspace.run(&["plan", "--detailed-exitcode"]);
    assert_ne!(run.code, 1, "plan failed:\n{}", run.combined());
    run
}

fn apply(workspace: &Workspace, extra: &[&str]) -> support::Run {
    let mut args = vec!["apply", "--auto-approve"];
    args.extend_from_slice(extra);
    workspace.run(&args)
}

fn live_channel(sandbox: &SandboxProcess) -> serde_json::Value {
    let (status, body) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    assert_eq!(status, 200, "{body}");
    body["outboundProvision"]["channels"][0].clone()
}

#[test]
fn the_whole_setup_applies_from_empty_and_converges() {
    let (sandbox, workspace) = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    let first = plan(&workspace);
    assert_eq!(first.code, 2);
    insta::assert_snapshot!("pingone_create_plan", redact(&first.stdout, &sandbox));
    let applied = apply(&workspace, &[]).success();
    assert!(
        applied
            .stdout
            .contains("Checked: a fresh plan finds no changes."),
        "{}",
        applied.stdout
    );
    let again = plan(&workspace);
    assert_eq!(again.code, 0, "{}", again.stdout);

    let channel = live_channel(&sandbox);
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
    let (sandbox, workspace) = setup(&format!("{SOURCES}{}", connection("Disable", "Employees")));
    apply(&workspace, &[]).success();
    workspace.write("exclusions.hcl", ADMIN_EXCLUSION);
    let run = plan(&workspace);
    assert_eq!(run.code, 2);
    let text = redact(&run.stdout, &sandbox);
    insta::assert_snapshot!("pingone_new_exclusion_plan", &text);
    assert!(
        text.contains("(&(objectClass=inetOrgPerson)(!(uid=pingone-admin)))"),
        "{text}"
    );
    assert!(
        text.contains("PingOne user `pingone-admin@example.com` exists; if PingFederate provisioned it before, PingFederate will now apply the remove action (Disable) to it"),
        "{text}"
    );
    apply(&workspace, &[]).success();
    assert_eq!(plan(&workspace).code, 0);
}

#[test]
fn a_hand_edited_live_filter_that_drops_an_exclusion_is_named() {
    let (sandbox, workspace) = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    apply(&workspace, &[]).success();
    let (_, mut live) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    live["outboundProvision"]["channels"][0]["channelSource"]["userSourceLocation"]["filter"] =
        json!("(objectClass=inetOrgPerson)");
    let (status, body) = sandbox.request("PUT", "/idp/spConnections/pingone", Some(live));
    assert_eq!(status, 200, "{body}");
    let run = plan(&workspace);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("exclusion `pingone_admin` is not enforced by the live user filter of channel `employees`"),
        "{}",
        run.stdout
    );
    apply(&workspace, &[]).success();
    assert_eq!(plan(&workspace).code, 0);
}

#[test]
fn remove_action_delete_with_a_new_exclusion_needs_the_explicit_flag() {
    let (sandbox, workspace) = setup(&format!("{SOURCES}{}", connection("Delete", "Employees")));
    apply(&workspace, &[]).success();
    workspace.write("exclusions.hcl", ADMIN_EXCLUSION);
    sandbox.clear_requests();
    let refused = apply(&workspace, &[]).failure();
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
    apply(&workspace, &["--allow-delete-of-excluded"]).success();
    assert_eq!(plan(&workspace).code, 0);
}

#[test]
fn a_population_that_does_not_exist_fails_the_plan_with_the_names_that_do() {
    let (sandbox, workspace) = setup(&format!("{SOURCES}{}", connection("Disable", "Interns")));
    let run = workspace.run(&["plan"]).failure();
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
}

#[test]
fn pingone_rate_limiting_once_is_retried_and_the_plan_succeeds() {
    let (sandbox, workspace) = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    sandbox.inject_fault(
        json!({"path": "pingone:/environments/*", "status": 429, "count": 1, "retry_after": 1}),
    );
    let run = plan(&workspace);
    assert_eq!(run.code, 2, "{}", run.combined());
    let limited = sandbox
        .pingone_requests()
        .into_iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert_eq!(limited, 1, "the fault did not fire");
}

#[test]
fn five_channels_and_two_hundred_exclusions_make_a_bounded_number_of_requests() {
    let mut body = String::from(SOURCES);
    body.push_str(
        "provisioning_connection \"pingone\" {\n  entity_id = \"pingone-provisioning\"\n  pingone_connection = pingone_connection.workforce\n",
    );
    for index in 0..5 {
        body.push_str(&format!(
            "  channel \"channel_{index}\" {{\n    datastore = datastore.ldap.corp\n    base_dn = \"ou=unit{index},dc=example,dc=com\"\n    user_filter = \"(objectClass=inetOrgPerson)\"\n    population = \"Employees\"\n    attribute_mapping = {{ username = \"uid\" }}\n  }}\n"
        ));
    }
    body.push_str("}\n");
    for index in 0..200 {
        body.push_str(&format!(
            "exclusion \"service_{index:03}\" {{\n  pingone_username = \"service-{index:03}@example.com\"\n  source_attribute = \"uid\"\n  source_value = \"service-{index:03}\"\n  reason = \"service account\"\n}}\n"
        ));
    }
    body.push_str(ADMIN_EXCLUSION);
    let (sandbox, workspace) = setup(&body);
    sandbox.clear_requests();
    let run = workspace.run(&["plan"]);
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
        4,
        "one request per PingFederate collection: {pingfederate:?}"
    );
    println!(
        "PingOne requests: {} ({} user queries); PingFederate requests: {}",
        pingone.len(),
        users,
        pingfederate.len()
    );
}

#[test]
fn a_connection_that_lost_its_provisioning_in_the_console_is_replaced() {
    let (sandbox, workspace) = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    apply(&workspace, &[]).success();
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
    let plain = json!({"type": "SP", "id": "pingone", "entityId": "pingone-provisioning", "name": "PingOne provisioning", "active": true});
    let (status, body) = sandbox.request("POST", "/idp/spConnections", Some(plain));
    assert_eq!(status, 201, "{body}");

    let run = plan(&workspace);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("provisioning_connection.pingone must be replaced"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("cannot add or remove outbound provisioning on an existing connection"),
        "{}",
        run.stdout
    );
    apply(&workspace, &[]).success();
    assert_eq!(plan(&workspace).code, 0);
    assert_eq!(live_channel(&sandbox)["name"], "employees");
}

#[test]
fn removing_everything_tears_down_in_reverse_dependency_order() {
    let (sandbox, workspace) = setup(&format!(
        "{SOURCES}{}{ADMIN_EXCLUSION}",
        connection("Disable", "Employees")
    ));
    apply(&workspace, &[]).success();
    workspace.write("main.hcl", "");
    let run = plan(&workspace);
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
    apply(&workspace, &[]).success();
    assert_eq!(plan(&workspace).code, 0);
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
