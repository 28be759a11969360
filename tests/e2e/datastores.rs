//! End-to-end: the data store lifecycle, the real binary against a `pingform sandbox`
//! process over HTTPS with its CA. Every step ends with a plan that must be empty.

use serde_json::json;

use crate::support::Scenario;

const LDAP: &str = r#"
datastore "ldap" "corp" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf-reader,ou=services,dc=example,dc=com"
  password  = "Ldap-Bind-Passw0rd"
}
"#;

fn jdbc(name: &str, pool: u32) -> String {
    format!(
        r#"
datastore "jdbc" "{name}" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/{name}"
  user_name      = "pf_provisioner"
  password       = var.db_password
  max_pool_size  = {pool}
}}
"#
    )
}

fn outbound(name: &str) -> String {
    format!(
        "\noutbound_provisioning {{\n  datastore                 = datastore.jdbc.{name}\n  synchronization_frequency = 90\n}}\n"
    )
}

const VARIABLES: &str = r#"
variable "db_password" {
  type      = string
  sensitive = true
}
"#;

/// A scenario with the `db_password` variable declared and set.
fn scenario() -> Scenario {
    let scenario = Scenario::new();
    scenario.write("variables.hcl", VARIABLES);
    scenario.set_var("db_password", "Db-Passw0rd-One");
    scenario
}

/// Plans (changes expected), converges, and returns the redacted plan.
fn plan_and_converge(scenario: &Scenario) -> String {
    let plan = scenario.plan_with_changes();
    scenario.converge();
    scenario.redact(&plan.stdout)
}

#[test]
fn datastore_lifecycle_converges_at_every_step() {
    let scenario = scenario();

    // 1. Create from empty.
    scenario.write(
        "main.hcl",
        &format!(
            "{LDAP}{}{}",
            jdbc("provisioner", 20),
            outbound("provisioner")
        ),
    );
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_1_create", plan);
    let (status, live) = scenario
        .sandbox()
        .request("GET", "/dataStores/provisioner", None);
    assert_eq!(status, 200);
    assert_eq!(live["maxPoolSize"], 20);
    let first_encrypted = live["encryptedPassword"].as_str().unwrap().to_string();
    let (_, settings) =
        scenario
            .sandbox()
            .request("GET", "/serverSettings/outboundProvisioning", None);
    assert_eq!(settings["dataStoreRef"]["id"], "provisioner");
    assert_eq!(settings["synchronizationFrequency"], 90);

    // 2. Change a field.
    scenario.write(
        "main.hcl",
        &format!(
            "{LDAP}{}{}",
            jdbc("provisioner", 30),
            outbound("provisioner")
        ),
    );
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_2_change_field", plan);
    let (_, live) = scenario
        .sandbox()
        .request("GET", "/dataStores/provisioner", None);
    assert_eq!(live["maxPoolSize"], 30);

    // 3. Change a password.
    scenario.set_var("db_password", "Db-Passw0rd-Two");
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_3_change_password", plan);
    let (_, live) = scenario
        .sandbox()
        .request("GET", "/dataStores/provisioner", None);
    assert_ne!(live["encryptedPassword"].as_str().unwrap(), first_encrypted);

    // 4. Rename a block. Without an explicit id the id follows the name: replaced.
    scenario.write(
        "main.hcl",
        &format!(
            "{}{}{}",
            LDAP.replace("\"corp\"", "\"corporate\""),
            jdbc("provisioner", 30),
            outbound("provisioner")
        ),
    );
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_4_rename_block", plan);
    assert_eq!(
        scenario
            .sandbox()
            .request("GET", "/dataStores/corp", None)
            .0,
        404
    );
    assert_eq!(
        scenario
            .sandbox()
            .request("GET", "/dataStores/corporate", None)
            .0,
        200
    );

    // 4b. Rename again, keeping the id: only the state moves.
    scenario.write(
        "main.hcl",
        &format!(
            "{}{}{}",
            LDAP.replace("\"corp\" {", "\"directory\" {\n  id = \"corporate\""),
            jdbc("provisioner", 30),
            outbound("provisioner")
        ),
    );
    scenario.sandbox().clear_requests();
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_4b_rename_keeping_id", plan);
    let writes: Vec<_> = scenario
        .sandbox()
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(
        writes.is_empty(),
        "a rename that keeps the id must not write: {writes:?}"
    );

    // 5. Remove a block.
    scenario.write(
        "main.hcl",
        &format!("{}{}", jdbc("provisioner", 30), outbound("provisioner")),
    );
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_5_remove_block", plan);
    assert_eq!(
        scenario
            .sandbox()
            .request("GET", "/dataStores/corporate", None)
            .0,
        404
    );

    // 6. Re-point outbound provisioning to a new JDBC store and drop the old one, in one apply.
    scenario.write(
        "main.hcl",
        &format!(
            "{}{}",
            jdbc("provisioner_v2", 30),
            outbound("provisioner_v2")
        ),
    );
    let plan = plan_and_converge(&scenario);
    insta::assert_snapshot!("lifecycle_6_repoint_and_drop", plan);
    let order: Vec<usize> = [
        "+ datastore \"jdbc\" \"provisioner_v2\"",
        "~ outbound_provisioning",
        "- datastore \"jdbc\" \"provisioner\"",
    ]
    .iter()
    .map(|needle| {
        plan.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing from\n{plan}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "wrong order:\n{plan}"
    );
    let (_, settings) =
        scenario
            .sandbox()
            .request("GET", "/serverSettings/outboundProvisioning", None);
    assert_eq!(settings["dataStoreRef"]["id"], "provisioner_v2");
    assert_eq!(
        scenario
            .sandbox()
            .request("GET", "/dataStores/provisioner", None)
            .0,
        404
    );
}

#[test]
fn objects_deleted_outside_pingform_are_created_again() {
    let scenario = scenario();
    scenario.write("main.hcl", &jdbc("provisioner", 20));
    plan_and_converge(&scenario);
    let (status, _) = scenario
        .sandbox()
        .request("DELETE", "/dataStores/provisioner", None);
    assert_eq!(status, 204);
    let plan = scenario.plan_with_changes();
    let plan = scenario.redact(&plan.stdout);
    assert!(plan.contains("it was deleted outside pingform"), "{plan}");
    scenario.converge();
}

#[test]
fn a_console_edit_of_an_undeclared_field_is_kept_until_the_configuration_declares_it() {
    let scenario = scenario();
    scenario.write("main.hcl", LDAP);
    plan_and_converge(&scenario);
    let (_, mut live) = scenario.sandbox().request("GET", "/dataStores/corp", None);
    live["maxConnections"] = json!(7);
    let (status, _) = scenario
        .sandbox()
        .request("PUT", "/dataStores/corp", Some(live));
    assert_eq!(status, 200);
    // pingform never declared max_connections: it does not own it, so the console's
    // value is neither changed back nor reported as drift.
    let plan = scenario.assert_plan_is_empty();
    assert!(!plan.stdout.contains("max_connections"), "{}", plan.stdout);
    scenario.converge();
    let (_, live) = scenario.sandbox().request("GET", "/dataStores/corp", None);
    assert_eq!(
        live["maxConnections"],
        json!(7),
        "the console's value was kept"
    );

    // Declared, the field is pingform's: the plan sets it.
    scenario.write(
        "main.hcl",
        &LDAP.replace("  use_ssl", "  max_connections = 50\n  use_ssl"),
    );
    let plan = scenario.redact(&scenario.plan_with_changes().stdout);
    assert!(plan.contains("~ max_connections = 7 -> 50"), "{plan}");
    scenario.converge();

    // No longer declared, it goes back to PingFederate's default, and the plan says why.
    scenario.write("main.hcl", LDAP);
    let plan = scenario.redact(&scenario.plan_with_changes().stdout);
    assert!(plan.contains("~ max_connections = 50 -> 100"), "{plan}");
    scenario.converge();
    let (_, live) = scenario.sandbox().request("GET", "/dataStores/corp", None);
    assert_eq!(live["maxConnections"], json!(100));
}

#[test]
fn secret_manager_references_and_encrypted_values_are_written_as_given_and_converge() {
    let scenario = scenario();
    // A store created in the console: its password as PingFederate encrypted it, as an
    // export or another server's GET would show it.
    let (status, body) = scenario.sandbox().request(
        "POST",
        "/dataStores",
        Some(json!({
            "type": "JDBC", "id": "console", "driverClass": "org.postgresql.Driver",
            "connectionUrl": "jdbc:postgresql://db.example.com:5432/console",
            "userName": "pf", "password": "Console-Passw0rd"
        })),
    );
    assert_eq!(status, 201, "{body}");
    let token = body["encryptedPassword"].as_str().unwrap().to_string();
    scenario.write(
        "main.hcl",
        &format!(
            r#"
datastore "jdbc" "vaulted" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/vaulted"
  password       = secret_manager("vault-prod", "pf/db-password")
}}

datastore "jdbc" "copied" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/copied"
  password       = encrypted("{token}")
}}
"#
        ),
    );
    let converged = scenario.converge();
    let (_, vaulted) = scenario
        .sandbox()
        .request("GET", "/dataStores/vaulted", None);
    assert_eq!(
        vaulted["encryptedPassword"],
        "OBF:MGR:vault-prod:pf/db-password"
    );
    let (_, copied) = scenario
        .sandbox()
        .request("GET", "/dataStores/copied", None);
    assert_eq!(copied["encryptedPassword"], json!(token));
    // Neither form is printed or stored in plain text.
    let state = std::fs::read(scenario.state_file()).unwrap();
    for text in [&converged.apply.stdout, &converged.apply.stderr] {
        assert!(!text.contains(&token), "{text}");
        assert!(!text.contains("pf/db-password"), "{text}");
    }
    assert!(
        !state.windows(token.len()).any(|w| w == token.as_bytes()),
        "the encrypted value is in the state file"
    );
    // Another secret-manager entry is a change; the same one is not.
    scenario.write(
        "main.hcl",
        &std::fs::read_to_string(scenario.dir().join("main.hcl"))
            .unwrap()
            .replace("pf/db-password", "pf/db-password-2"),
    );
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout.contains("password = (sensitive value changed)"),
        "{}",
        plan.stdout
    );
    scenario.converge();
}
