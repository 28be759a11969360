//! The valid fixtures load into exactly the `Desired` they describe.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use pingform::config::{LoadOptions, load};
use pingform::model::{Address, Desired, DesiredResource, ExclusionMatch};
use serde_json::json;

fn environment(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn resource<'a>(desired: &'a Desired, address: &str) -> &'a DesiredResource {
    let address: Address = address.parse().unwrap();
    desired
        .get(&address)
        .unwrap_or_else(|| panic!("{address} is missing"))
}

fn addresses(resource: &DesiredResource) -> Vec<String> {
    resource
        .depends_on
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn secrets(resource: &DesiredResource) -> Vec<(&str, &str)> {
    resource
        .secrets
        .iter()
        .map(|(k, v)| (k.as_str(), v.expose()))
        .collect()
}

fn full_options() -> LoadOptions {
    LoadOptions {
        dir: PathBuf::from("fixtures/valid/full"),
        vars: vec![("environment".into(), "dev".into())],
        var_files: vec![PathBuf::from("fixtures/valid/full/vars/dev.hcl")],
        retarget: None,
        unknown_inputs: false,
        environment: environment(&[
            ("PF_ADMIN_PASSWORD", "pf-admin-secret"),
            ("LDAP_BIND_PASSWORD", "ldap-secret"),
            ("PINGFORM_VAR_provisioner_db_password", "db-secret"),
            ("PINGFORM_VAR_sync_frequency", "120"),
        ]),
    }
}

#[test]
fn the_full_fixture_uses_every_kind_variables_locals_env_and_file() {
    let loaded =
        load(&full_options()).unwrap_or_else(|errors| panic!("{:?}", miette::Report::new(errors)));
    assert!(loaded.warnings.is_empty());
    let desired = &loaded.desired;

    let all: Vec<String> = desired
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        all,
        [
            "datastore.jdbc.provisioner",
            "datastore.ldap.corp_directory",
            "datastore.custom.crm",
            "outbound_provisioning"
        ]
    );

    let jdbc = resource(desired, "datastore.jdbc.provisioner");
    assert_eq!(
        jdbc.id, "pf-provisioner-dev",
        "--var beats the variable file"
    );
    assert_eq!(
        serde_json::Value::Object(jdbc.attributes.clone()),
        json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db.dev.corp.example.com:5432/pf_provisioner",
            "user_name": "pf_provisioner",
            "max_pool_size": 20,
        })
    );
    let keys: Vec<&String> = jdbc.attributes.keys().collect();
    assert_eq!(
        keys,
        [
            "driver_class",
            "connection_url",
            "user_name",
            "max_pool_size"
        ],
        "schema order"
    );
    assert_eq!(secrets(jdbc), [("password", "db-secret")]);
    assert!(jdbc.depends_on.is_empty());

    let ldap = resource(desired, "datastore.ldap.corp_directory");
    assert_eq!(ldap.id, "corp_directory");
    assert_eq!(
        serde_json::Value::Object(ldap.attributes.clone()),
        json!({
            "ldap_type": "PING_DIRECTORY",
            "hostnames": ["ldap1.corp.example.com:636", "ldap2.corp.example.com:636"],
            "user_dn": "cn=pf-reader,ou=services,dc=corp,dc=example,dc=com",
            "use_ssl": true,
            "binary_attributes": ["jpegPhoto"],
        })
    );
    let keys: Vec<&String> = ldap.attributes.keys().collect();
    assert_eq!(
        keys,
        [
            "ldap_type",
            "hostnames",
            "user_dn",
            "use_ssl",
            "binary_attributes"
        ]
    );
    assert_eq!(secrets(ldap), [("password", "ldap-secret")]);

    let custom = resource(desired, "datastore.custom.crm");
    assert_eq!(custom.id, "crm");
    assert_eq!(
        serde_json::Value::Object(custom.attributes.clone()),
        json!({
            "name": "CRM (DEV)",
            "plugin_descriptor_id": "com.example.CrmDataStore",
            "configuration": { "Base URL": "https://crm.example.com/api", "Directory": "corp_directory" },
            "configuration_tables": { "Headers": [{ "Header Name": "X-Environment", "Header Value": "dev" }] },
        })
    );
    assert_eq!(
        secrets(custom),
        [("sensitive_configuration.API Key", "crm-api-key-123")]
    );
    assert_eq!(addresses(custom), ["datastore.ldap.corp_directory"]);

    let outbound = resource(desired, "outbound_provisioning");
    assert_eq!(outbound.id, "settings");
    assert_eq!(
        serde_json::Value::Object(outbound.attributes.clone()),
        json!({ "datastore": "pf-provisioner-dev", "synchronization_frequency": 120 })
    );
    assert_eq!(addresses(outbound), ["datastore.jdbc.provisioner"]);
    assert!(outbound.secrets.is_empty());

    let pingfederate = desired.pingfederate.as_ref().unwrap();
    assert_eq!(
        pingfederate.url,
        "https://pf.example.com:9999/pf-admin-api/v1"
    );
    match &pingfederate.auth {
        pingform::model::AdminAuth::Basic { username, password } => {
            assert_eq!(username, "Administrator");
            assert_eq!(password.expose(), "pf-admin-secret");
        }
        other => panic!("expected Basic authentication, got {other:?}"),
    }
    assert!(!pingfederate.replicate);
    assert!(!pingfederate.bypass_external_validation);
    assert_eq!(
        pingfederate.ca_file,
        Some(PathBuf::from("fixtures/valid/full/certs/ca.pem"))
    );
    assert!(!pingfederate.insecure_skip_tls_verify);
    assert_eq!(pingfederate.request_timeout, Duration::from_secs(120));
}

#[test]
fn secrets_never_appear_in_attributes() {
    let loaded = load(&full_options()).unwrap();
    let attributes = serde_json::to_string(
        &loaded
            .desired
            .resources
            .iter()
            .map(|r| r.attributes.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for secret in loaded.desired.secret_values() {
        assert!(
            !attributes.contains(secret),
            "{secret} leaked into attributes"
        );
    }
    assert_eq!(loaded.desired.secret_values().len(), 4);
}

#[test]
fn the_minimal_fixture_uses_tags_an_explicit_id_and_an_unmanaged_store() {
    let options = LoadOptions {
        dir: PathBuf::from("fixtures/valid/minimal"),
        ..LoadOptions::default()
    };
    let loaded =
        load(&options).unwrap_or_else(|errors| panic!("{:?}", miette::Report::new(errors)));
    let desired = &loaded.desired;
    assert!(desired.pingfederate.is_none());
    assert_eq!(desired.resources.len(), 2);

    let audit = resource(desired, "datastore.jdbc.audit");
    assert_eq!(audit.id, "AuditDB.v2");
    assert_eq!(
        serde_json::Value::Object(audit.attributes.clone()),
        json!({
            "driver_class": "org.h2.Driver",
            "connection_url_tags": [
                { "connection_url": "jdbc:h2:mem:primary", "default_source": true },
                { "connection_url": "jdbc:h2:mem:backup", "tags": "backup" },
            ],
            "min_pool_size": 5,
        })
    );
    assert!(audit.secrets.is_empty());

    let outbound = resource(desired, "outbound_provisioning");
    assert_eq!(
        serde_json::Value::Object(outbound.attributes.clone()),
        json!({ "datastore": "ProvisionerDS" })
    );
    assert!(
        outbound.depends_on.is_empty(),
        "a literal id is not a dependency"
    );
}

#[test]
fn the_minimal_fixture_accepts_a_variable_from_the_environment() {
    let options = LoadOptions {
        dir: PathBuf::from("fixtures/valid/minimal"),
        environment: environment(&[("PINGFORM_VAR_pool_size", "7")]),
        ..LoadOptions::default()
    };
    let loaded = load(&options).unwrap();
    let audit = resource(&loaded.desired, "datastore.jdbc.audit");
    assert_eq!(audit.attributes["min_pool_size"], json!(7));
}

fn provisioning_options() -> LoadOptions {
    LoadOptions {
        dir: PathBuf::from("fixtures/valid/provisioning"),
        vars: vec![("pingone_credential".into(), "pingone-credential".into())],
        var_files: Vec::new(),
        retarget: None,
        unknown_inputs: false,
        environment: environment(&[
            ("PINGONE_CLIENT_SECRET", "worker-secret"),
            ("LDAP_BIND_PASSWORD", "ldap-secret"),
        ]),
    }
}

#[test]
fn the_provisioning_fixture_compiles_exclusions_into_effective_filters() {
    let loaded = load(&provisioning_options())
        .unwrap_or_else(|errors| panic!("{:?}", miette::Report::new(errors)));
    assert!(loaded.warnings.is_empty());
    let desired = &loaded.desired;

    let all: Vec<String> = desired
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        all,
        [
            "datastore.jdbc.provisioner",
            "datastore.ldap.corp_directory",
            "outbound_provisioning",
            "pingone_connection.workforce",
            "provisioning_connection.pingone"
        ]
    );

    let pingone = desired.pingone.as_ref().unwrap();
    assert_eq!(pingone.api_url, "https://api.pingone.eu/v1");
    assert_eq!(pingone.auth_url, "https://auth.pingone.eu");
    assert_eq!(
        pingone.environment_id,
        "0a1b2c3d-0000-4000-8000-000000000001"
    );
    assert_eq!(pingone.client_id, "11111111-2222-4333-8444-555555555555");
    assert_eq!(pingone.client_secret.expose(), "worker-secret");
    assert_eq!(pingone.ca_file, None);
    assert_eq!(pingone.request_timeout, Duration::from_secs(45));

    let connection = resource(desired, "pingone_connection.workforce");
    assert_eq!(connection.id, "workforce");
    assert_eq!(
        serde_json::Value::Object(connection.attributes.clone()),
        json!({
            "name": "workforce",
            "description": "Worker app in the EU workforce environment",
        })
    );
    assert_eq!(secrets(connection), [("credential", "pingone-credential")]);
    assert!(connection.depends_on.is_empty());

    let provisioning = resource(desired, "provisioning_connection.pingone");
    assert_eq!(provisioning.id, "p1Provisioning");
    let expected = json!({
        "entity_id": "pingone-prov",
        "name": "pingone",
        "active": true,
        "pingone_connection": "workforce",
        "environment_id": "0a1b2c3d-0000-4000-8000-000000000001",
        "remove_action": "Disable",
        "channels": [
            {
                "name": "employees",
                "datastore": "corp_directory",
                "base_dn": "ou=people,dc=corp,dc=example,dc=com",
                "user_filter": "(&(objectClass=inetOrgPerson)(employeeType=staff))",
                "population": "Employees",
                "attribute_mapping": {
                    "username": "uid",
                    "email": "mail",
                    "firstName": "givenName",
                    "lastName": "sn"
                }
            },
            {
                "name": "contractors",
                "datastore": "corp_directory",
                "base_dn": "ou=people,dc=corp,dc=example,dc=com",
                "user_filter": "(isMemberOf=cn=contractors,ou=groups,dc=corp,dc=example,dc=com)",
                "population_id": "5e5e5e5e-0000-4000-8000-000000000002",
                "max_threads": 2,
                "attribute_mapping": { "username": "uid", "email": "mail" }
            }
        ]
    });
    // The declared filters, as written: exclusions are composed into the effective
    // filters by the plan, which knows each channel's directory (see the test below).
    assert_eq!(
        serde_json::to_string(&serde_json::Value::Object(provisioning.attributes.clone())).unwrap(),
        serde_json::to_string(&expected).unwrap(),
        "values and schema order, in the connection and in each channel"
    );
    assert!(provisioning.secrets.is_empty());
    assert_eq!(
        addresses(provisioning),
        [
            "datastore.ldap.corp_directory",
            "pingone_connection.workforce"
        ]
    );

    let exclusions: Vec<(&str, &str, String, Vec<String>, &str)> = desired
        .exclusions
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.pingone_username.as_str(),
                format!("{:?}", e.source),
                e.channels.iter().map(ToString::to_string).collect(),
                e.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        exclusions,
        [
            (
                "break_glass",
                "a*b(c)",
                format!(
                    "{:?}",
                    ExclusionMatch::Attribute {
                        name: "uid".into(),
                        value: "a*b(c)".into()
                    }
                ),
                vec![
                    "provisioning_connection.pingone.channel.contractors".to_string(),
                    "provisioning_connection.pingone.channel.employees".to_string(),
                ],
                "Break-glass administrator: must stay local to PingOne"
            ),
            (
                "worker_owner",
                "p1-admin",
                format!(
                    "{:?}",
                    ExclusionMatch::DistinguishedName(
                        "uid=p1-admin,ou=people,dc=corp,dc=example,dc=com".into()
                    )
                ),
                vec!["provisioning_connection.pingone.channel.contractors".to_string()],
                "Owns the worker app; provisioning would disable it"
            ),
        ]
    );

    // Population names stay in the channels; the plan looks them up in PingOne.
    let populations: Vec<(String, &str)> = desired
        .resources
        .iter()
        .flat_map(|r| {
            let channels = r.attributes.get("channels").and_then(|c| c.as_array());
            channels.into_iter().flatten().filter_map(move |channel| {
                Some((
                    format!("{}.channel.{}", r.address, channel["name"].as_str()?),
                    channel.get("population")?.as_str()?,
                ))
            })
        })
        .collect();
    assert_eq!(
        populations,
        [(
            "provisioning_connection.pingone.channel.employees".to_string(),
            "Employees"
        )]
    );

    let mut secret_values = desired.secret_values();
    secret_values.sort_unstable();
    assert_eq!(
        secret_values,
        ["ldap-secret", "pingone-credential", "worker-secret"]
    );
    let attributes = serde_json::to_string(
        &desired
            .resources
            .iter()
            .map(|r| r.attributes.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for secret in secret_values {
        assert!(!attributes.contains(secret), "{secret} leaked");
    }
}

#[test]
fn without_pingone_blocks_there_are_no_pingone_settings() {
    let loaded = load(&full_options()).unwrap();
    assert!(loaded.desired.pingone.is_none());
    assert!(loaded.desired.exclusions.is_empty());
    assert!(
        loaded
            .desired
            .resources
            .iter()
            .all(|r| r.attributes.get("channels").is_none())
    );
}

#[test]
fn an_active_directory_dn_exclusion_matches_on_the_named_attribute() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("main.hcl"),
        r#"
datastore "ldap" "ad" {
  ldap_type = "ACTIVE_DIRECTORY"
  hostnames = ["dc1.example.com:636"]
}
pingone_connection "workforce" {
  credential = "c"
}
provisioning_connection "pingone" {
  entity_id          = "e"
  environment_id     = "env"
  pingone_connection = pingone_connection.workforce
  channel "staff" {
    datastore         = datastore.ldap.ad
    base_dn           = "ou=staff,dc=example,dc=com"
    user_filter       = "(objectClass=user)"
    population_id     = "5e5e5e5e-0000-4000-8000-000000000002"
    attribute_mapping = { username = "userPrincipalName", email = "mail" }
  }
}
exclusion "owner" {
  pingone_username    = "owner@example.com"
  source_dn           = "CN=Owner (PingOne),OU=Admins,DC=example,DC=com"
  source_dn_attribute = "distinguishedName"
  reason              = "owns the worker app"
}
"#,
    )
    .unwrap();
    let loaded = load(&LoadOptions {
        dir: folder.path().to_path_buf(),
        ..LoadOptions::default()
    })
    .unwrap_or_else(|errors| panic!("{:?}", miette::Report::new(errors)));
    // The plan composes the effective filter with the DN attribute the exclusion names
    // (Active Directory has no `entryDN`).
    let planned = pingform::plan::plan(pingform::plan::Inputs {
        desired: &loaded.desired,
        previous: &Default::default(),
        observed: &Default::default(),
        pingone: None,
        server: None,
        replace: &[],
    })
    .unwrap_or_else(|error| panic!("{:?}", miette::Report::new(error)));
    let channel = &planned.review.channels[0];
    assert_eq!(
        channel.filter.as_deref(),
        Some(
            "(&(objectClass=user)(!(distinguishedName=CN=Owner \\28PingOne\\29,OU=Admins,DC=example,DC=com)))"
        )
    );
    assert_eq!(channel.exclusions, ["owner"]);
    // What is written to PingFederate is that filter.
    let create = planned
        .plan
        .changes
        .iter()
        .find(|change| change.address.to_string() == "provisioning_connection.pingone")
        .unwrap();
    assert_eq!(
        create.after.as_ref().unwrap()["channels"][0]["user_filter"],
        json!(channel.filter.as_deref().unwrap())
    );
}
