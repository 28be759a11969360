//! End-to-end: `fixtures/valid/real_setups` (an Active Directory source on its
//! defaults with a DN exclusion, group provisioning, a dynamic population, full mapping
//! entries, a REST data store with a default row) applied to the sandbox converges, and
//! what PingFederate then holds is what the configuration means, in the spec's shape.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::Scenario;
use crate::support::openapi::{Spec, schema_errors};

fn fixture() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/valid/real_setups/main.hcl"),
    )
    .unwrap()
}

fn spec() -> Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pingfederate-admin-api/pf-swagger-12.1.0.4.yaml");
    Spec::load(&path)
        .unwrap()
        .with_resource_link_location()
        .unwrap()
}

fn channel<'a>(connection: &'a Value, name: &str) -> &'a Value {
    connection["outboundProvision"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no channel {name} in {connection:#}"))
}

fn mapping<'a>(channel: &'a Value, field: &str) -> &'a Value {
    channel["attributeMapping"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["fieldName"] == field)
        .unwrap_or_else(|| panic!("no mapping of {field} in {channel:#}"))
}

#[test]
fn the_real_setups_fixture_applies_converges_and_reads_back_as_meant() {
    let scenario = Scenario::new().with_pingone();
    scenario.write("main.hcl", &fixture());
    scenario.set_var("ad_password", "Ad-Bind-Passw0rd");
    scenario.set_var("pingone_credential", "Pingone-Credential-Blob");
    let plan = scenario.plan_with_changes();
    // The DN exclusion is on Active Directory's DN attribute.
    assert!(
        plan.stdout.contains(
            "(!(distinguishedName=CN=PingOne Admin,OU=Service Accounts,DC=corp,DC=example,DC=com))"
        ),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("entryDN"), "{}", plan.stdout);
    let converged = scenario.converge();
    for secret in ["Ad-Bind-Passw0rd", "Pingone-Credential-Blob"] {
        assert!(!converged.apply.stdout.contains(secret));
        assert!(!converged.apply.stderr.contains(secret));
    }

    let sandbox = scenario.sandbox();
    let (_, connection) = sandbox.request("GET", "/idp/spConnections/pingone", None);
    let staff = channel(&connection, "staff");
    let source = &staff["channelSource"];
    // Active Directory's defaults (README table, each with its source).
    assert_eq!(source["guidAttributeName"], "objectGUID", "{source:#}");
    assert_eq!(source["guidBinary"], true);
    assert_eq!(
        source["changeDetectionSettings"]["changedUsersAlgorithm"],
        "ACTIVE_DIRECTORY_USN"
    );
    assert_eq!(
        source["accountManagementSettings"]["accountStatusAlgorithm"],
        "ACCOUNT_STATUS_ALGORITHM_AD"
    );
    assert_eq!(source["changeDetectionSettings"]["userObjectClass"], "user");
    assert!(
        source["userSourceLocation"]["filter"]
            .as_str()
            .unwrap()
            .contains("(!(distinguishedName=CN=PingOne Admin,OU=Service Accounts,DC=corp,DC=example,DC=com))"),
        "{source:#}"
    );
    // Group provisioning.
    assert_eq!(
        source["groupSourceLocation"],
        json!({
            "groupDN": "OU=Groups,DC=corp,DC=example,DC=com",
            "filter": "(objectClass=group)",
            "nestedSearch": true
        })
    );
    // Full mapping entries.
    let full_name = mapping(staff, "fullName");
    assert_eq!(
        full_name["saasFieldInfo"]["expression"],
        "#givenName + ' ' + #sn"
    );
    assert_eq!(full_name["saasFieldInfo"]["defaultValue"], "Unknown");
    assert_eq!(
        full_name["saasFieldInfo"]["attributeNames"],
        json!(["givenName", "sn"])
    );
    let email = mapping(staff, "email");
    assert_eq!(email["saasFieldInfo"]["trim"], true);
    assert_eq!(email["saasFieldInfo"]["characterCase"], "LOWER");
    assert_eq!(
        mapping(staff, "jobTitle")["saasFieldInfo"]["createOnly"],
        true
    );
    // The dynamic population: no population id setting, the attribute mapped.
    let partners = channel(&connection, "partners");
    assert_eq!(
        mapping(partners, "populationID")["saasFieldInfo"]["attributeNames"],
        json!(["departmentNumber"])
    );
    // The REST store's first row is its default.
    let (_, crm) = sandbox.request("GET", "/dataStores/crm", None);
    let rows = crm["configuration"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Base URLs and Tags")
        .unwrap()["rows"]
        .as_array()
        .unwrap()
        .clone();
    let defaults: Vec<bool> = rows
        .iter()
        .map(|r| r["defaultRow"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(defaults, [true, false], "{rows:#?}");

    // What PingFederate holds is in the spec's shape.
    let spec = spec();
    for (path, schema) in [
        ("/idp/spConnections/pingone", "SpConnection"),
        ("/dataStores/crm", "CustomDataStore"),
        ("/dataStores/ad", "LdapDataStore"),
    ] {
        let (_, body) = sandbox.request("GET", path, None);
        let errors = schema_errors(&spec, schema, &body);
        assert!(errors.is_empty(), "{path}: {}", errors.join("\n"));
    }
}

#[test]
fn an_active_directory_source_with_several_hosts_is_a_warning() {
    let scenario = Scenario::new().with_pingone();
    scenario.write(
        "main.hcl",
        &fixture().replace(
            "hostnames = [\"dc1.corp.example.com:636\"]",
            "hostnames = [\"dc1.corp.example.com:636 dc2.corp.example.com:636\"]",
        ),
    );
    scenario.set_var("ad_password", "Ad-Bind-Passw0rd");
    scenario.set_var("pingone_credential", "Pingone-Credential-Blob");
    let validate = scenario.run_in_folder(&[
        "validate",
        "--var",
        "ad_password=x",
        "--var",
        "pingone_credential=y",
    ]);
    assert!(
        validate.stderr.contains("Active Directory"),
        "{}",
        validate.stderr
    );
    assert!(
        validate
            .stderr
            .contains("2 hosts: PingFederate may miss changes"),
        "{}",
        validate.stderr
    );
    scenario.converge();
}
