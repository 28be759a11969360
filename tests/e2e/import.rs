//! End-to-end: adopting an existing PingFederate. `pingform import` writes the
//! configuration of what the folder does not declare yet and records it in state; the
//! next `validate` and `plan --detailed-exitcode` pass with no hand edits. Then the
//! declarative tools: `import` blocks, `state rm`, `removed`, `moved` and
//! `lifecycle { prevent_destroy }`.

use serde_json::{Value, json};

use crate::support::real_objects::{REAL_OBJECT_PASSWORD, load_real_objects};
use crate::support::{SandboxProcess, Scenario, Workspace};

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

    sandbox.clear_requests();
    let import = scenario.run(&["import"]).success();
    // Read only: PingFederate and PingOne get GETs, and PingOne's token endpoint a POST.
    let writes: Vec<Value> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .filter(|r| {
            !r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("pingone-auth"))
        })
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert!(
        sandbox
            .pingone_requests()
            .iter()
            .any(|r| r["path"].as_str().is_some_and(|p| p.contains("/users"))),
        "the recovered usernames are looked up in PingOne"
    );
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
        "datastore.jdbc.provisionerds_sa",
        "datastore.ldap.pingdirectory",
        "pingone_connection.workforce",
        "provisioning_connection.hr_to_pingone",
    ] {
        assert!(listed.contains(address), "{listed}");
    }
    scenario.converge();
}

#[test]
fn the_provisioning_example_round_trips_through_import_into_an_empty_folder() {
    let scenario = Scenario::builtin_sandbox(
        "examples/provisioning",
        &["examples/provisioning/sandbox.vars"],
    );
    scenario.converge();
    let original = scenario.run_with_options(&["plan", "--json"]).success();

    let folder = Workspace::new();
    let data = scenario.builtin_sandbox_data().display().to_string();
    let state = folder.dir().join("fresh.redb").display().to_string();
    let target = [
        "--sandbox",
        "--sandbox-data",
        data.as_str(),
        "--state",
        state.as_str(),
    ];
    let import = folder
        .run(&[&["import"][..], &target[..]].concat())
        .success();
    assert!(
        import.stdout.contains("exclusion.pingone_admin"),
        "{}",
        import.stdout
    );
    folder.run(&["validate"]).success();
    let plan = folder.run(&[&["plan", "--detailed-exitcode"][..], &target[..]].concat());
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);

    // The same effective filter, composed from the same exclusion, on the same channel.
    let imported = folder
        .run(&[&["plan", "--json"][..], &target[..]].concat())
        .success();
    let channels = |text: &str| -> Vec<(String, Value, Value)> {
        let plan: Value = serde_json::from_str(text).unwrap();
        plan["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let name = c["channel"]
                    .as_str()
                    .unwrap()
                    .rsplit('.')
                    .next()
                    .unwrap()
                    .to_string();
                (name, c["filter"].clone(), c["population"].clone())
            })
            .collect()
    };
    assert_eq!(channels(&imported.stdout), channels(&original.stdout));
    assert_eq!(
        channels(&imported.stdout)[0].1,
        "(&(objectClass=inetOrgPerson)(!(uid=pingone-admin)))"
    );
    let written = std::fs::read_to_string(folder.dir().join("imported.hcl")).unwrap();
    assert!(
        written.contains("  source_attribute = \"uid\"\n  source_value     = \"pingone-admin\"\n"),
        "{written}"
    );
    for secret in ["sandbox-placeholder", "sandbox-placeholder-credential"] {
        assert!(!written.contains(secret));
    }
}

/// Two stores made in the console, next to the sandbox's built-in `ProvisionerDS`.
fn stores_by_hand(sandbox: &SandboxProcess) {
    for body in [
        json!({"type": "LDAP", "id": "corp", "name": "Corp directory", "ldapType": "PING_DIRECTORY",
               "hostnames": ["ldap.example.com:636"], "useSsl": true,
               "userDN": "cn=pf,dc=example,dc=com", "password": "Console-Passw0rd"}),
        json!({"type": "JDBC", "id": "provisioner", "driverClass": "org.postgresql.Driver",
               "connectionUrl": "jdbc:postgresql://db.example.com/prov", "userName": "prov",
               "password": "Console-Passw0rd", "maxPoolSize": 40}),
    ] {
        let (status, reply) = sandbox.request("POST", "/dataStores", Some(body));
        assert_eq!(status, 201, "{reply}");
    }
}

#[test]
fn import_options_dry_run_only_out_force_and_a_second_run_that_writes_nothing() {
    let scenario = Scenario::new();
    stores_by_hand(scenario.sandbox());
    let imported_file = scenario.dir().join("imported.hcl");

    // --dry-run prints the configuration and writes nothing, not even a state file.
    let dry = scenario.run(&["import", "--dry-run"]).success();
    assert!(
        dry.stdout
            .contains("datastore \"ldap\" \"corp_directory\" {"),
        "{}",
        dry.stdout
    );
    // The two stores, the sandbox's built-in `ProvisionerDS` and the outbound
    // provisioning settings that use it.
    assert!(
        dry.stderr.contains("Dry run: 4 objects would be imported"),
        "{}",
        dry.stderr
    );
    assert!(!imported_file.exists());
    assert!(!scenario.state_file().exists());

    // --only: just the LDAP store.
    let only = scenario
        .run(&["import", "--only", "datastore.ldap"])
        .success();
    assert!(
        only.stdout.contains("Imported 1 object into"),
        "{}",
        only.stdout
    );
    let first = std::fs::read_to_string(&imported_file).unwrap();
    assert!(
        first.contains("datastore \"ldap\" \"corp_directory\""),
        "{first}"
    );
    assert!(!first.contains("datastore \"jdbc\""), "{first}");
    scenario.assert_plan_is_empty();

    // More to import, and the file exists: refused without --force, nothing recorded.
    let refused = scenario.run(&["import"]).failure();
    assert!(
        refused
            .stderr
            .contains("imported.hcl exists; pingform import does not overwrite it"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read_to_string(&imported_file).unwrap(), first);
    let listed = scenario.run(&["state", "list"]).success().stdout;
    assert_eq!(listed.lines().count(), 1, "{listed}");

    // Elsewhere in the folder it goes, with the reference to the store written by
    // the first run.
    let out = scenario.dir().join("more.hcl").display().to_string();
    scenario.run(&["import", "--out", out.as_str()]).success();
    let more = std::fs::read_to_string(scenario.dir().join("more.hcl")).unwrap();
    assert!(
        more.contains("outbound_provisioning {\n  datastore = datastore.jdbc.provisionerds_sa\n}"),
        "{more}"
    );
    scenario.assert_plan_is_empty();

    // A second run finds nothing new and writes nothing.
    let history = scenario.run(&["history"]).success().stdout;
    let again = scenario.run(&["import"]).success();
    assert!(
        again.stdout.starts_with("Nothing to import"),
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read_to_string(&imported_file).unwrap(), first);
    assert_eq!(scenario.run(&["history"]).success().stdout, history);

    // --force writes the file again from the live objects, the same way.
    scenario.run(&["import", "--force"]).success();
    assert_eq!(std::fs::read_to_string(&imported_file).unwrap(), first);

    // Refused arguments: a file outside the folder, a prefix that selects nothing.
    let outside = scenario
        .run(&["import", "--out", "/tmp/elsewhere.hcl"])
        .failure();
    assert!(
        outside
            .stderr
            .contains("not directly in the configuration folder"),
        "{}",
        outside.stderr
    );
    let nothing = scenario.run(&["import", "--only", "datastores"]).failure();
    assert!(
        nothing
            .stderr
            .contains("--only `datastores` selects nothing pingform imports"),
        "{}",
        nothing.stderr
    );
    scenario.converge();
}

const LEGACY: &str = r#"
datastore "jdbc" "legacy" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com/legacy"
  max_pool_size  = 60
}

import {
  to = datastore.jdbc.legacy
  id = "legacy"
}

datastore "ldap" "directory" {
  id        = "LDAP-7"
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap.example.com:636"]
}

import {
  to = datastore.ldap.directory
  id = "LDAP-7"
}
"#;

#[test]
fn import_blocks_adopt_existing_objects_through_a_plan_and_apply() {
    let scenario = Scenario::new();
    let sandbox = scenario.sandbox();
    scenario.write("main.hcl", LEGACY);
    // Nothing to import yet: the plan says so instead of creating the objects.
    let missing = scenario.run(&["plan"]).failure();
    assert!(
        missing.stderr.contains("datastore.jdbc.legacy: the `import` block names `legacy`, which does not exist in PingFederate"),
        "{}",
        missing.stderr
    );
    for body in [
        json!({"type": "JDBC", "id": "legacy", "driverClass": "org.postgresql.Driver",
               "connectionUrl": "jdbc:postgresql://db.example.com/legacy", "maxPoolSize": 50}),
        json!({"type": "LDAP", "id": "LDAP-7", "ldapType": "PING_DIRECTORY",
               "hostnames": ["ldap.example.com:636"]}),
    ] {
        let (status, reply) = sandbox.request("POST", "/dataStores", Some(body));
        assert_eq!(status, 201, "{reply}");
    }
    sandbox.clear_requests();
    let plan = scenario.plan_with_changes();
    insta::assert_snapshot!("import_blocks_plan", scenario.redact(&plan.stdout));
    let writes = |sandbox: &SandboxProcess| {
        sandbox
            .pingfederate_requests()
            .into_iter()
            .filter(|r| r["method"] != "GET")
            .count()
    };
    assert_eq!(writes(sandbox), 0, "a plan writes nothing");
    scenario.converge();
    // The store that matched was only recorded; the other was updated once.
    let (_, legacy) = sandbox.request("GET", "/dataStores/legacy", None);
    assert_eq!(legacy["maxPoolSize"], 60);
    let listed = scenario.run(&["state", "list"]).success().stdout;
    assert!(
        listed.contains("datastore.ldap.directory") && listed.contains("id=LDAP-7"),
        "{listed}"
    );
}

const TWO_STORES: &str = r#"
datastore "jdbc" "kept" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com/kept"
}

datastore "jdbc" "leaving" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com/leaving"
}
"#;

const KEPT: &str = r#"
datastore "jdbc" "kept" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com/kept"
}
"#;

fn exists(sandbox: &SandboxProcess, id: &str) -> bool {
    sandbox.request("GET", &format!("/dataStores/{id}"), None).0 == 200
}

#[test]
fn state_rm_forgets_without_touching_pingfederate() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", TWO_STORES);
    scenario.converge();
    let unknown = scenario
        .run(&["state", "rm", "datastore.jdbc.nope"])
        .failure();
    assert!(
        unknown
            .stderr
            .contains("datastore.jdbc.nope is not in the state"),
        "{}",
        unknown.stderr
    );
    let removed = scenario
        .run(&["state", "rm", "datastore.jdbc.leaving"])
        .success();
    assert_eq!(
        removed.stdout,
        "Removed datastore.jdbc.leaving (id `leaving`) from the state; PingFederate still holds it, unchanged.\n\
         pingform no longer manages it. A block that still declares it takes it over again at the next apply.\n"
    );
    // Still declared: the next plan takes it over again.
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("# datastore.jdbc.leaving will be taken over by pingform, without changes"),
        "{}",
        plan.stdout
    );
    scenario.write("main.hcl", KEPT);
    scenario.converge();
    assert!(exists(scenario.sandbox(), "leaving"));
    let history = scenario.run(&["history"]).success().stdout;
    assert!(history.contains("state rm"), "{history}");
}

#[test]
fn a_removed_block_forgets_through_plan_and_apply() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", TWO_STORES);
    scenario.converge();
    scenario.write(
        "main.hcl",
        &format!("{KEPT}\nremoved {{\n  from = datastore.jdbc.leaving\n}}\n"),
    );
    let plan = scenario.plan_with_changes();
    insta::assert_snapshot!("removed_block_plan", scenario.redact(&plan.stdout));
    scenario.converge();
    assert!(exists(scenario.sandbox(), "leaving"));
    // While the block is there, import does not bring the object back.
    let import = scenario
        .run(&["import", "--only", "datastore.jdbc.leaving"])
        .success();
    assert!(
        import.stdout.starts_with("Nothing to import"),
        "{}",
        import.stdout
    );
    assert!(
        import.stdout.contains("  - JDBC data store (id `leaving`): a `removed` block forgets datastore.jdbc.leaving; delete that block to import it again"),
        "{}",
        import.stdout
    );
    // Forgotten for good: without the block, nothing is planned for it.
    scenario.write("main.hcl", KEPT);
    scenario.converge();
    assert!(exists(scenario.sandbox(), "leaving"));
}

#[test]
fn a_moved_block_renames_without_a_change_on_the_server_and_the_id_stays() {
    let scenario = Scenario::new();
    let sandbox = scenario.sandbox();
    scenario.write("main.hcl", KEPT);
    scenario.converge();
    let renamed = KEPT.replace("\"kept\"", "\"archive\"");
    scenario.write(
        "main.hcl",
        &format!("{renamed}\nmoved {{\n  from = datastore.jdbc.kept\n  to   = datastore.jdbc.archive\n}}\n"),
    );
    let plan = scenario.plan_with_changes();
    insta::assert_snapshot!("moved_block_plan", scenario.redact(&plan.stdout));
    sandbox.clear_requests();
    scenario.converge();
    let writes: Vec<Value> = sandbox
        .pingfederate_requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    let listed = scenario.run(&["state", "list"]).success().stdout;
    assert!(
        listed.contains("datastore.jdbc.archive  id=kept"),
        "{listed}"
    );
    // The moved block may go; the state keeps the id.
    scenario.write("main.hcl", &renamed);
    scenario.converge();
    assert!(exists(sandbox, "kept"));
    assert!(!exists(sandbox, "archive"));
}

#[test]
fn prevent_destroy_is_remembered_in_state_and_refuses_deletion_until_switched_off() {
    let scenario = Scenario::new();
    let protected = |on: bool| {
        KEPT.replace(
            "\n}\n",
            &format!("\n\n  lifecycle {{\n    prevent_destroy = {on}\n  }}\n}}\n"),
        )
    };
    scenario.write("main.hcl", KEPT);
    scenario.converge();
    // Protecting an up-to-date object is a state-only change.
    scenario.write("main.hcl", &protected(true));
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("# datastore.jdbc.kept will be protected from destruction"),
        "{}",
        plan.stdout
    );
    scenario.converge();
    let shown = scenario
        .run(&["state", "show", "datastore.jdbc.kept"])
        .success()
        .stdout;
    assert!(shown.contains("prevent_destroy = true"), "{shown}");

    // Replacing it (another kind under the same id) fails, pointing at the block.
    let as_ldap = "datastore \"ldap\" \"kept\" {\n  ldap_type = \"PING_DIRECTORY\"\n  hostnames = [\"ldap.example.com:636\"]\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n";
    scenario.write("main.hcl", as_ldap);
    let refused = scenario.run_in_folder(&["plan"]).failure();
    insta::assert_snapshot!("prevent_destroy_replace", scenario.redact(&refused.stderr));

    // Deleting the block fails too: the state remembers.
    scenario.write("main.hcl", "# nothing declared\n");
    let refused = scenario.run(&["plan"]).failure();
    assert!(
        refused.stderr.contains("datastore.jdbc.kept would be deleted (its block is gone): the last apply recorded `prevent_destroy = true` for it"),
        "{}",
        refused.stderr
    );
    let apply = scenario.apply_with(&[]);
    assert_eq!(apply.code, 1, "{}", apply.stdout);
    assert!(exists(scenario.sandbox(), "kept"));

    // On purpose: switch it off and apply, then remove the block.
    scenario.write("main.hcl", &protected(false));
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("# datastore.jdbc.kept is no longer protected from destruction"),
        "{}",
        plan.stdout
    );
    scenario.converge();
    scenario.write("main.hcl", "# nothing declared\n");
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout
            .contains("# datastore.jdbc.kept will be deleted"),
        "{}",
        plan.stdout
    );
    scenario.converge();
    assert!(!exists(scenario.sandbox(), "kept"));
}

#[test]
fn what_pingform_cannot_express_is_left_out_with_a_warning_naming_it() {
    let scenario = Scenario::new();
    let sandbox = scenario.sandbox();
    for (path, body) in [
        // A REST API store: its plugin's descriptor tells its settings from defaults.
        (
            "/dataStores",
            json!({"type": "CUSTOM", "id": "crm", "name": "CRM",
            "pluginDescriptorRef": {"id": "com.pingidentity.pf.datastore.other.RestDataSourceDriver"},
            "configuration": {
                "fields": [
                    {"name": "Authentication Method", "value": "Basic"},
                    {"name": "Username", "value": "svc"},
                    {"name": "HTTP Method", "value": "GET"},
                    {"name": "Password", "value": "Rest-Passw0rd"}
                ],
                "tables": [{"name": "Base URLs and Tags", "rows": [
                    {"fields": [{"name": "Base URL", "value": "https://crm.example.com"}, {"name": "Tags", "value": ""}], "defaultRow": true}
                ]}]
            }}),
        ),
        // A plugin PingFederate has no descriptor for.
        (
            "/dataStores",
            json!({"type": "CUSTOM", "id": "legacy", "name": "Legacy",
                   "pluginDescriptorRef": {"id": "com.example.LegacyPlugin"},
                   "configuration": {"fields": [{"name": "Host", "value": "legacy.example.com"}]}}),
        ),
        // Provisioning to another target than PingOne.
        (
            "/idp/spConnections",
            json!({"type": "SP", "id": "scim-app", "name": "SCIM app", "entityId": "urn:example:scim",
                   "outboundProvision": {"type": "SCIM", "targetSettings": [], "channels": []}}),
        ),
    ] {
        let (status, reply) = sandbox.request("POST", path, Some(body));
        assert_eq!(status, 201, "{reply}");
    }
    // The configuration takes the admin password from a variable: --var reaches import.
    let block = sandbox
        .pingfederate_block()
        .replace(&format!("\"{}\"", sandbox.password), "var.admin_password");
    scenario.write(
        "pingfederate.hcl",
        &format!("variable \"admin_password\" {{\n  sensitive = true\n}}\n\n{block}"),
    );
    scenario.set_var("admin_password", &sandbox.password);
    let import = scenario.run_with_options(&["import"]).success();
    assert!(
        import.stdout.contains("  ! custom data store \"Legacy\" (id `legacy`): its plugin `com.example.LegacyPlugin` has no descriptor in PingFederate"),
        "{}",
        import.stdout
    );
    assert!(
        import.stdout.contains("  ! an SP connection that provisions to another target than PingOne (id `scim-app`): pingform does not model it"),
        "{}",
        import.stdout
    );
    let written = std::fs::read_to_string(scenario.dir().join("imported.hcl")).unwrap();
    assert!(
        written.contains(
            "  configuration = {\n    \"Authentication Method\" = \"Basic\"\n    Username                = \"svc\"\n  }\n"
        ),
        "{written}"
    );
    assert!(
        written.contains("sensitive_configuration = { \"Password\" = var.NAME }"),
        "{written}"
    );
    assert!(
        !written.contains("Rest-Passw0rd") && !written.contains("legacy"),
        "{written}"
    );
    scenario.assert_plan_is_empty();
    scenario.converge();
}

#[test]
fn import_into_a_configuration_that_does_not_validate_writes_nothing() {
    let scenario = Scenario::new();
    stores_by_hand(scenario.sandbox());
    scenario.write(
        "main.hcl",
        "datastore \"jdbc\" \"broken\" {\n  connection_url = 42\n}\n",
    );
    let refused = scenario.run(&["import"]).failure();
    assert!(
        refused
            .stderr
            .contains("missing required attribute `driver_class`"),
        "{}",
        refused.stderr
    );
    assert!(!scenario.dir().join("imported.hcl").exists());
    assert!(!scenario.state_file().exists());
    scenario.remove("main.hcl");
    scenario.converge();
}

#[test]
fn an_object_whose_written_block_would_not_load_is_left_out_with_the_diagnostic() {
    let scenario = Scenario::new().with_pingone();
    let sandbox = scenario.sandbox();
    load_real_objects(sandbox);
    provision_by_hand(sandbox);
    // A second connection whose channel maps no e-mail, which pingform's configuration
    // requires (PingOne needs one of every user): its block would not validate.
    let mut no_email = channel(
        "everyone",
        "uid",
        "(objectClass=inetOrgPerson)",
        "9a9a0000-0000-4000-8000-000000000001",
    );
    no_email["attributeMapping"]
        .as_array_mut()
        .unwrap()
        .retain(|entry| entry["fieldName"] != "email");
    let (status, body) = sandbox.request(
        "POST",
        "/idp/spConnections",
        Some(json!({
            "type": "SP", "id": "no-email", "name": "No e-mail", "entityId": "urn:example:no-email",
            "outboundProvision": {
                "type": "PingOne",
                "targetSettings": [{"name": "PINGONE_ENVIRONMENT", "value": format!("p1-workforce|{}", sandbox.pingone_environment)}],
                "channels": [no_email]
            }
        })),
    );
    assert_eq!(status, 201, "{body}");
    let import = scenario.run(&["import"]).success();
    assert!(
        import.stdout.contains("  ! provisioning connection to PingOne \"No e-mail\" (id `no-email`): pingform cannot write it exactly: the written block does not load (channel `everyone` maps no `email`, which PingOne requires of every user)"),
        "{}",
        import.stdout
    );
    // The rest was written, and plans empty.
    assert!(
        import
            .stdout
            .contains("provisioning_connection.hr_to_pingone"),
        "{}",
        import.stdout
    );
    scenario.assert_plan_is_empty();
    scenario.converge();
}
