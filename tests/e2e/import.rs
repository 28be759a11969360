//! End-to-end: adopting an existing PingFederate. `pingform import` writes the
//! configuration of what the folder does not declare yet and records it in state; the
//! next `validate` and `plan --detailed-exitcode` pass with no hand edits. Then the
//! declarative tools: `import` blocks, `state rm`, `removed`, `moved` and
//! `lifecycle { prevent_destroy }`.

use serde_json::{Value, json};

use crate::support::real_objects::{REAL_OBJECT_PASSWORD, load_real_objects};
use crate::support::{SandboxProcess, Scenario};

/// The PingOne connection credential the console would paste (base64 of a made-up
/// worker credential).
const CREDENTIAL: &str = "eyJjcmVkIjoiaW1wb3J0LXRlc3QtY3JlZGVudGlhbCJ9";

/// One channel of the HR connection. Its shape is the spec's `Channel` (every
/// `ChannelSource` setting required, 12.0–13.1), with PingDirectory's values as Ping's
/// Terraform acceptance tests send them, and the attribute mapping of
/// `SaasAttributeMapping` (a fixed `populationID`, reference §6.3).
fn channel(name: &str, username: &str, filter: &str, population: &str) -> Value {
    json!({
        "name": name,
        "active": true,
        "maxThreads": 1,
        "timeout": 60,
        "channelSource": {
            "dataSource": {"id": "LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3"},
            "baseDn": "ou=people,dc=example,dc=com",
            "guidAttributeName": "entryUUID",
            "guidBinary": false,
            "changeDetectionSettings": {
                "userObjectClass": "inetOrgPerson",
                "groupObjectClass": "groupOfUniqueNames",
                "changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION",
                "timeStampAttributeName": "modifyTimestamp"
            },
            "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
            "accountManagementSettings": {
                "accountStatusAttributeName": "nsaccountlock",
                "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG",
                "flagComparisonValue": "true",
                "flagComparisonStatus": true,
                "defaultStatus": true
            },
            "userSourceLocation": {"filter": filter, "nestedSearch": false},
            "groupSourceLocation": {"nestedSearch": false}
        },
        "attributeMapping": [
            {"fieldName": "username", "saasFieldInfo": {"attributeNames": [username]}},
            {"fieldName": "email", "saasFieldInfo": {"attributeNames": ["mail"], "trim": true}},
            {"fieldName": "firstName", "saasFieldInfo": {"attributeNames": ["givenName"]}},
            {"fieldName": "populationID", "saasFieldInfo": {"defaultValue": population}}
        ]
    })
}

/// What the console leaves after someone set up provisioning by hand next to the real
/// exports: a PingOne connection and an SP connection provisioning to PingOne with two
/// channels whose filters exclude accounts.
fn provision_by_hand(sandbox: &SandboxProcess) {
    let (status, body) = sandbox.request(
        "POST",
        "/pingOneConnections",
        Some(json!({"id": "p1-workforce", "name": "Workforce", "credential": CREDENTIAL})),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = sandbox.request(
        "POST",
        "/idp/spConnections",
        Some(json!({
            "type": "SP",
            "id": "hr-to-pingone",
            "name": "HR to PingOne",
            "entityId": "urn:example:hr-to-pingone",
            "active": true,
            "connectionTargetType": "STANDARD",
            "outboundProvision": {
                "type": "PingOne",
                "targetSettings": [
                    {"name": "PINGONE_ENVIRONMENT", "value": format!("p1-workforce|{}", sandbox.pingone_environment)},
                    {"name": "REMOVE_ACTION", "value": "Disable"}
                ],
                "channels": [
                    // `username` from `mail`: the mail clause names a PingOne account;
                    // the employeeType clause names none and stays in the filter.
                    channel(
                        "staff",
                        "mail",
                        "(&(objectClass=inetOrgPerson)(!(employeeType=robot))(!(mail=pingone-admin@example.com)))",
                        "9a9a0000-0000-4000-8000-000000000001",
                    ),
                    // `username` from `uid`: a DN exclusion on PingDirectory's entryDN.
                    channel(
                        "contractors",
                        "uid",
                        "(&(objectClass=inetOrgPerson)(ou=contractors)(!(entryDN=uid=svc-sync,ou=services,dc=example,dc=com)))",
                        "9a9a0000-0000-4000-8000-000000000002",
                    ),
                ]
            }
        })),
    );
    assert_eq!(status, 201, "{body}");
}

/// Every live user filter, by connection and channel.
fn live_filters(sandbox: &SandboxProcess) -> Vec<(String, String, String)> {
    let (status, body) = sandbox.request("GET", "/idp/spConnections", None);
    assert_eq!(status, 200, "{body}");
    let mut filters = Vec::new();
    for connection in body["items"].as_array().unwrap() {
        for channel in connection["outboundProvision"]["channels"]
            .as_array()
            .into_iter()
            .flatten()
        {
            filters.push((
                connection["id"].as_str().unwrap().to_string(),
                channel["name"].as_str().unwrap().to_string(),
                channel["channelSource"]["userSourceLocation"]["filter"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            ));
        }
    }
    filters
}

/// Every encrypted value PingFederate returns (passwords, the credential).
fn encrypted_values(sandbox: &SandboxProcess) -> Vec<String> {
    let mut values = Vec::new();
    for path in ["/dataStores", "/pingOneConnections"] {
        let (_, body) = sandbox.request("GET", path, None);
        for item in body["items"].as_array().unwrap() {
            for key in ["encryptedPassword", "encryptedCredential"] {
                if let Some(value) = item[key].as_str() {
                    values.push(value.to_string());
                }
            }
        }
    }
    assert!(values.len() >= 3, "{values:?}");
    values
}

fn assert_no_secret_in(text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!text.contains(secret.as_str()), "a secret leaked: {secret}");
    }
}

/// The effective filters of a plan, from `plan --json`.
fn planned_filters(plan_json: &str) -> Vec<(String, Option<String>)> {
    let plan: Value = serde_json::from_str(plan_json).unwrap();
    plan["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|channel| {
            (
                channel["channel"].as_str().unwrap().to_string(),
                channel["filter"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn the_real_objects_and_a_hand_made_provisioning_connection_import_exactly() {
    let scenario = Scenario::new().with_pingone();
    let sandbox = scenario.sandbox();
    load_real_objects(sandbox);
    provision_by_hand(sandbox);
    let filters_before = live_filters(sandbox);

    let import = scenario.run(&["import"]).success();
    let written = std::fs::read_to_string(scenario.dir().join("imported.hcl")).unwrap();
    let mut ids = scenario.id_redactor();
    insta::assert_snapshot!("import_real_objects", ids.text(&written));
    insta::assert_snapshot!(
        "import_real_objects_summary",
        scenario.redact(&import.stdout)
    );

    let mut secrets = encrypted_values(sandbox);
    secrets.push(REAL_OBJECT_PASSWORD.to_string());
    secrets.push(CREDENTIAL.to_string());
    assert_no_secret_in(&written, &secrets);
    assert_no_secret_in(&import.combined(), &secrets);

    scenario.run(&["validate"]).success();
    let plan = scenario.plan();
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    assert_no_secret_in(&plan.combined(), &secrets);
    // The effective filters the configuration composes are the live ones, unchanged.
    let planned = planned_filters(&scenario.run(&["plan", "--json"]).success().stdout);
    let live: Vec<(String, Option<String>)> = live_filters(sandbox)
        .into_iter()
        .map(|(_, channel, filter)| (channel, Some(filter)))
        .collect();
    assert_eq!(live_filters(sandbox), filters_before);
    let mut planned_by_channel: Vec<(String, Option<String>)> = planned
        .into_iter()
        .map(|(channel, filter)| (channel.rsplit('.').next().unwrap().to_string(), filter))
        .collect();
    planned_by_channel.sort();
    let mut live = live;
    live.sort();
    assert_eq!(planned_by_channel, live);
    // The state knows every imported object; no secret reached it.
    let state = std::fs::read(scenario.state_file()).unwrap();
    assert_no_secret_in(&String::from_utf8_lossy(&state), &secrets);
    let listed = scenario.run(&["state", "list"]).success().stdout;
    for address in [
        "datastore.jdbc.provisionerds",
        "datastore.ldap.pingdirectory",
        "pingone_connection.workforce",
        "provisioning_connection.hr_to_pingone",
    ] {
        assert!(listed.contains(address), "{listed}");
    }
    scenario.converge();
}
