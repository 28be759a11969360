//! End-to-end against the objects a real PingFederate 12.0 exported
//! (`crates/pingform-sandbox/tests/data/real-objects/`, copies of
//! `shared/reference/real-objects/`): each is loaded into the sandbox as a console user
//! would create it, adopted by a configuration that declares a few of its fields,
//! given a one-field change and applied; read back, it equals the original in every
//! field but that one. The two SP connections (SAML browser SSO, WS-Trust) get
//! outbound provisioning added, then removed, and end exactly as they were.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::Scenario;

/// A real object with its `${...}` placeholders replaced (host names by plausible
/// names, passwords by `password`; PingFederate's own run-time variables kept).
fn real_object(file: &str) -> Value {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "crates",
        "pingform-sandbox",
        "tests",
        "data",
        "real-objects",
        file,
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut output = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("${") {
        output.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').unwrap();
        let name = &after[..end];
        output.push_str(&match name {
            "pf.server.data.dir" | "/" => format!("${{{name}}}"),
            name if name.ends_with("_password") => "password".to_string(),
            name if name.contains("PORT") => "9031".to_string(),
            name => format!("{}.example.com", name.to_lowercase().replace('_', "-")),
        });
        rest = &after[end + 1..];
    }
    output.push_str(rest);
    serde_json::from_str(&output).unwrap()
}

/// What the server computes on every write (timestamps), left out of comparisons.
const VOLATILE: &[&str] = &["lastModified", "modificationDate", "creationDate"];

fn without(mut value: Value, fields: &[&str]) -> Value {
    if let Value::Object(object) = &mut value {
        for field in VOLATILE.iter().chain(fields) {
            object.remove(*field);
        }
    }
    value
}

/// Loads `object` into the sandbox at `collection` (POST, or PUT for a singleton) and
/// returns it as the server then holds it.
fn load(scenario: &Scenario, collection: &str, object: Value, singleton: bool) -> Value {
    let sandbox = scenario.sandbox();
    if singleton {
        let (status, body) = sandbox.request("PUT", collection, Some(object));
        assert_eq!(status, 200, "{body}");
        return body;
    }
    let id = object["id"].as_str().unwrap().to_string();
    let (status, body) = sandbox.request("POST", collection, Some(object));
    assert_eq!(status, 201, "{body}");
    let (status, stored) = sandbox.request("GET", &format!("{collection}/{id}"), None);
    assert_eq!(status, 200);
    stored
}

fn read(scenario: &Scenario, path: &str) -> Value {
    let (status, body) = scenario.sandbox().request("GET", path, None);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

const LDAP_FILE: &str = "dataStores--LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3.json";
const LDAP_ID: &str = "LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3";

/// The real LDAP store, declared by its id, type and hosts.
fn ldap_block(stored: &Value, extra: &str) -> String {
    let hosts: Vec<String> = stored["hostnames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("\"{}\"", h.as_str().unwrap()))
        .collect();
    format!(
        "datastore \"ldap\" \"directory\" {{\n  id        = \"{LDAP_ID}\"\n  ldap_type = \"{}\"\n  hostnames = [{}]\n{extra}}}\n",
        stored["ldapType"].as_str().unwrap(),
        hosts.join(", ")
    )
}

#[test]
fn the_real_ldap_store_keeps_every_field_but_the_one_changed() {
    let scenario = Scenario::new();
    let original = load(&scenario, "/dataStores", real_object(LDAP_FILE), false);
    let max = original["maxConnections"].as_u64().unwrap();
    scenario.write("main.hcl", &ldap_block(&original, ""));
    // Taken over as it is: nothing to change.
    let adopted = scenario.plan();
    assert!(
        adopted
            .stdout
            .contains("pingform will manage it from now on"),
        "{}",
        adopted.stdout
    );
    scenario.converge();
    assert_eq!(
        without(read(&scenario, &format!("/dataStores/{LDAP_ID}")), &[]),
        without(original.clone(), &[])
    );

    scenario.write(
        "main.hcl",
        &ldap_block(&original, &format!("  max_connections = {}\n", max + 7)),
    );
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains(&format!("~ max_connections = {max} -> {}", max + 7)),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("fields managed outside pingform kept"),
        "{}",
        plan.stdout
    );
    scenario.converge();
    let after = read(&scenario, &format!("/dataStores/{LDAP_ID}"));
    assert_eq!(after["maxConnections"], json!(max + 7));
    assert_eq!(
        without(after, &["maxConnections"]),
        without(original, &["maxConnections"]),
        "every other field, the encrypted password included, is as it was"
    );
}

#[test]
fn the_builtin_hsqldb_store_and_the_outbound_settings_keep_every_field_but_the_one_changed() {
    let scenario = Scenario::new();
    // The sandbox starts with `ProvisionerDS`, as PingFederate does; put the exported
    // one in its place.
    let exported = real_object("dataStores--ProvisionerDS.json");
    let (status, body) =
        scenario
            .sandbox()
            .request("PUT", "/dataStores/ProvisionerDS", Some(exported));
    assert_eq!(status, 200, "{body}");
    let original = read(&scenario, "/dataStores/ProvisionerDS");
    let settings = load(
        &scenario,
        "/serverSettings/outboundProvisioning",
        real_object("serverSettings.outboundProvisioning--settings.json"),
        true,
    );
    let url = original["connectionUrl"].as_str().unwrap().to_string();
    let store = |pool: &str| {
        format!(
            "datastore \"jdbc\" \"provisioner\" {{\n  id             = \"ProvisionerDS\"\n  driver_class   = \"{}\"\n  connection_url = \"{}\"\n{pool}}}\n",
            original["driverClass"].as_str().unwrap(),
            url.replace('$', "$$")
        )
    };
    scenario.write(
        "main.hcl",
        &format!(
            "{}\noutbound_provisioning {{\n  datastore = datastore.jdbc.provisioner\n}}\n",
            store("  max_pool_size  = 25\n")
        ),
    );
    let plan = scenario.plan_with_changes();
    // Ping's documentation: the built-in HSQLDB store is for trials only.
    assert!(plan.stderr.contains("HSQLDB"), "{}", plan.stderr);
    let validate = scenario.run_in_folder(&["validate"]);
    assert!(validate.stderr.contains("HSQLDB"), "{}", validate.stderr);
    scenario.converge();
    let after = read(&scenario, "/dataStores/ProvisionerDS");
    assert_eq!(after["maxPoolSize"], json!(25));
    assert_eq!(
        without(after, &["maxPoolSize"]),
        without(original, &["maxPoolSize"])
    );
    let settings_after = read(&scenario, "/serverSettings/outboundProvisioning");
    assert_eq!(settings_after["dataStoreRef"]["id"], "ProvisionerDS");
    assert_eq!(
        settings_after["synchronizationFrequency"], settings["synchronizationFrequency"],
        "the frequency was not declared: it stays as PingFederate held it"
    );
}

const SAML_FILE: &str = "idp.spConnections--gpFvXmhDHSRUSHWLZLZ_XBIU_YK.json";
const WS_TRUST_FILE: &str = "idp.spConnections--IENFjGICXt3YsBKNxHSzkN28LWg.json";

/// Provisioning to PingOne added to an existing SSO connection, declared by its id,
/// entity id and name, with one channel reading the real LDAP store.
fn provisioning(connection: &Value) -> String {
    format!(
        r#"
pingone_connection "workforce" {{
  credential = "Pingone-Credential-Blob"
}}

provisioning_connection "partner" {{
  id                 = "{}"
  entity_id          = "{}"
  name               = "{}"
  pingone_connection = pingone_connection.workforce

  channel "staff" {{
    datastore         = datastore.ldap.directory
    base_dn           = "ou=people,dc=example,dc=com"
    user_filter       = "(objectClass=inetOrgPerson)"
    population        = "Employees"
    attribute_mapping = {{ username = "uid", email = "mail" }}
  }}
}}
"#,
        connection["id"].as_str().unwrap(),
        connection["entityId"].as_str().unwrap(),
        connection["name"].as_str().unwrap(),
    )
}

fn provisioning_is_added_then_removed_and_the_connection_ends_as_it_was(file: &str) {
    let scenario = Scenario::new().with_pingone();
    let ldap = load(&scenario, "/dataStores", real_object(LDAP_FILE), false);
    let original = load(&scenario, "/idp/spConnections", real_object(file), false);
    let id = original["id"].as_str().unwrap().to_string();
    let path = format!("/idp/spConnections/{id}");
    scenario.write(
        "main.hcl",
        &format!("{}{}", ldap_block(&ldap, ""), provisioning(&original)),
    );
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("without `outboundProvision`: it is added, and everything else in the connection is kept"),
        "{}",
        plan.stdout
    );
    let json_plan: Value =
        serde_json::from_str(&scenario.run(&["plan", "--json"]).success().stdout).unwrap();
    let change = json_plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "provisioning_connection.partner")
        .unwrap();
    assert_eq!(change["action"], "update");
    let kept: Vec<&str> = change["unmanaged_kept"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for part in ["contactInfo", "credentials", "loggingMode"] {
        assert!(kept.contains(&part), "{part} not listed as kept: {kept:?}");
    }
    scenario.converge();
    let with_provisioning = read(&scenario, &path);
    assert_eq!(
        with_provisioning["outboundProvision"]["type"], "PingOne",
        "{with_provisioning}"
    );
    assert_eq!(
        without(with_provisioning, &["outboundProvision"]),
        without(original.clone(), &[]),
        "adding provisioning changed the rest of the connection"
    );

    // The block removed: only the provisioning part goes.
    scenario.write("main.hcl", &ldap_block(&ldap, ""));
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("only its `outboundProvision` is removed and the connection stays"),
        "{}",
        plan.stdout
    );
    scenario.converge();
    assert_eq!(
        without(read(&scenario, &path), &[]),
        without(original, &[]),
        "the connection is not exactly as it was before provisioning was added"
    );
}

#[test]
fn a_saml_sp_connection_gets_provisioning_and_loses_it_and_keeps_everything_else() {
    provisioning_is_added_then_removed_and_the_connection_ends_as_it_was(SAML_FILE);
}

#[test]
fn a_ws_trust_sp_connection_gets_provisioning_and_loses_it_and_keeps_everything_else() {
    provisioning_is_added_then_removed_and_the_connection_ends_as_it_was(WS_TRUST_FILE);
}
