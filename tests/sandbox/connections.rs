//! The sandbox's PingOne connections (`/pingOneConnections`) and SP connections with
//! PingOne outbound provisioning (`/idp/spConnections`) over real HTTPS: secrets,
//! server-filled target settings, channel defaults and rules, references and delete
//! protection, and persistence in the data file.

use crate::support::sandbox_client::{Api, Reply};
use pingform_sandbox::SandboxOptions;
use reqwest::StatusCode;
use serde_json::{Value, json};

const ENVELOPE: &str =
    "Validation error(s) occurred. Please review the error(s) and address accordingly.";
const CREDENTIAL: &str = "eyJjcmVkIjoic2FuZGJveC1wMS1jcmVkZW50aWFsLTEifQ==";

fn field_paths(body: &Value) -> Vec<String> {
    body["validationErrors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| error["fieldPath"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn assert_validation_error(reply: &Reply, field_path: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.body["resultId"], "validation_error", "{}", reply.text);
    assert_eq!(reply.body["message"], ENVELOPE);
    assert!(
        field_paths(&reply.body)
            .iter()
            .any(|path| path == field_path),
        "expected a validation error on {field_path}: {}",
        reply.text
    );
}

fn assert_unprocessable(reply: &Reply, error_id: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert!(
        reply.body["validationErrors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|error| error["errorId"] == error_id)),
        "expected errorId {error_id}: {}",
        reply.text
    );
}

fn ldap(id: &str) -> Value {
    json!({
        "type": "LDAP", "id": id, "ldapType": "PING_DIRECTORY",
        "hostnames": ["ldap.example.net:636"], "useSsl": true,
        "userDN": "cn=pf-reader,ou=svc,dc=example,dc=net", "password": "s3cret-Value",
    })
}

fn channel(name: &str, data_store: &str) -> Value {
    json!({
        "name": name,
        "channelSource": {
            "dataSource": {"id": data_store},
            "baseDn": "ou=people,dc=example,dc=net",
            "guidAttributeName": "entryUUID",
            "changeDetectionSettings": {
                "userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames",
                "changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION",
                "timeStampAttributeName": "modifyTimestamp"
            },
            "accountManagementSettings": {
                "accountStatusAttributeName": "nsaccountlock",
                "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG",
                "flagComparisonValue": "true"
            },
            "userSourceLocation": {"filter": "(&(objectClass=inetOrgPerson)(!(uid=p1-admin)))"}
        },
        "attributeMapping": [
            {"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid"]}},
            {"fieldName": "email", "saasFieldInfo": {"attributeNames": ["mail"]}},
            {"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "9a9a0000-0000-4000-8000-000000000001"}}
        ]
    })
}

fn sp_connection(id: &str, pingone_connection: &str, environment: &str, channels: Value) -> Value {
    json!({
        "type": "SP", "id": id, "name": format!("PingOne provisioning {id}"),
        "entityId": format!("pingone-prov-{id}"),
        "outboundProvision": {
            "type": "PingOne",
            "targetSettings": [
                {"name": "PINGONE_ENVIRONMENT", "value": format!("{pingone_connection}|{environment}")}
            ],
            "channels": channels
        }
    })
}

/// A sandbox with an LDAP store `corpDirectory` and a PingOne connection `p1conn`.
async fn prepared() -> Api {
    prepared_with(SandboxOptions::default()).await
}

async fn prepared_with(options: SandboxOptions) -> Api {
    let api = Api::start_with(options).await;
    let store = api.post("/dataStores", &ldap("corpDirectory")).await;
    assert_eq!(store.status, StatusCode::CREATED, "{}", store.text);
    let connection = api
        .post(
            "/pingOneConnections",
            &json!({"id": "p1conn", "name": "PingOne sandbox", "credential": CREDENTIAL}),
        )
        .await;
    assert_eq!(
        connection.status,
        StatusCode::CREATED,
        "{}",
        connection.text
    );
    api
}

fn environment(api: &Api) -> String {
    api.sandbox.pingone_environment_id().to_string()
}

#[tokio::test]
async fn pingone_connection_credentials_are_encrypted_kept_and_replaced() {
    let api = Api::start().await;
    let created = api
        .post(
            "/pingOneConnections",
            &json!({"name": "PingOne sandbox", "description": "worker", "credential": CREDENTIAL}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert!(
        !created.text.contains(CREDENTIAL),
        "plain credential echoed"
    );
    assert!(created.body.get("credential").is_none());
    let encrypted = created.body["encryptedCredential"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(encrypted.split('.').count(), 5, "a compact JWE");
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["environmentId"], environment(&api));
    // As the Terraform acceptance test reads them: the region's name, and the API
    // host without `/v1`.
    assert_eq!(created.body["region"], "North America");
    assert_eq!(
        created.body["pingOneManagementApiEndpoint"],
        api.sandbox.pingone_api_url().trim_end_matches("/v1")
    );
    assert_eq!(
        created.body["pingOneAuthenticationApiEndpoint"],
        api.sandbox.pingone_auth_url()
    );
    for field in [
        "credentialId",
        "pingOneConnectionId",
        "creationDate",
        "organizationName",
    ] {
        assert!(
            created.body[field].as_str().is_some(),
            "{field}: {}",
            created.text
        );
    }

    let fetched = api.get(&format!("/pingOneConnections/{id}")).await;
    assert_eq!(fetched.body, created.body, "stable across GETs");

    let mut kept = fetched.body.clone();
    kept["description"] = json!("renamed");
    let replaced = api.put(&format!("/pingOneConnections/{id}"), &kept).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["encryptedCredential"], encrypted.as_str());
    assert_eq!(replaced.body["credentialId"], created.body["credentialId"]);
    assert_eq!(replaced.body["creationDate"], created.body["creationDate"]);

    let new_plain = json!({"name": "PingOne sandbox", "credential": "bmV3LWNyZWRlbnRpYWw="});
    let rotated = api
        .put(&format!("/pingOneConnections/{id}"), &new_plain)
        .await;
    assert_eq!(rotated.status, StatusCode::OK);
    assert_ne!(rotated.body["encryptedCredential"], encrypted.as_str());

    let foreign = api
        .put(
            &format!("/pingOneConnections/{id}"),
            &json!({"name": "PingOne sandbox", "encryptedCredential": "a.b.c.d.e"}),
        )
        .await;
    assert_validation_error(&foreign, "encryptedCredential");
    // The spec requires only `name`.
    let without = api
        .post("/pingOneConnections", &json!({"name": "no credential"}))
        .await;
    assert_eq!(without.status, StatusCode::CREATED, "{}", without.text);
    let list = api.get("/pingOneConnections").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        api.get("/pingOneConnections/missing").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_sp_connection_with_minimal_target_settings_gets_all_nine_and_channel_defaults() {
    let api = prepared().await;
    let body = sp_connection(
        "p1Provisioning",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    let created = api.post("/idp/spConnections", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let connection = &created.body;
    assert_eq!(connection["type"], "SP");
    assert_eq!(connection["active"], false);
    assert_eq!(connection["loggingMode"], "STANDARD");
    assert!(connection["creationDate"].as_str().is_some());
    assert!(connection["modificationDate"].as_str().is_some());
    let settings: Vec<(String, Option<String>)> = connection["outboundProvision"]["targetSettings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| {
            (
                field["name"].as_str().unwrap().to_string(),
                field["value"].as_str().map(str::to_string),
            )
        })
        .collect();
    let expected = [
        (
            "PINGONE_ENVIRONMENT",
            Some(format!("p1conn|{}", environment(&api))),
        ),
        ("CREATE_USERS_PROV_OPT", Some("true".to_string())),
        ("UPDATE_USERS_PROV_OPT", Some("true".to_string())),
        ("REMOVE_USERS_PROV_OPT", Some("true".to_string())),
        (
            "PROVISION_DISABLED_USERS_PROV_OPT",
            Some("true".to_string()),
        ),
        ("REMOVE_ACTION", Some("Disable".to_string())),
        ("DEFAULT_AUTH_METHOD", Some("Email 1".to_string())),
        (
            "MFA_USER_DEVICE_MANAGEMENT",
            Some("Merge with devices in PingOne".to_string()),
        ),
        ("Provisioning Options", None),
    ];
    assert_eq!(settings.len(), 9);
    for ((name, value), (expected_name, expected_value)) in settings.iter().zip(expected) {
        assert_eq!(name, expected_name);
        assert_eq!(value, &expected_value, "{name}");
    }

    let channel = &connection["outboundProvision"]["channels"][0];
    assert_eq!(channel["maxThreads"], 1);
    assert_eq!(channel["timeout"], 60);
    assert_eq!(channel["active"], false);
    let source = &channel["channelSource"];
    assert_eq!(source["guidBinary"], false);
    assert_eq!(source["userSourceLocation"]["nestedSearch"], false);
    assert_eq!(
        source["accountManagementSettings"]["flagComparisonStatus"],
        true
    );
    assert_eq!(source["accountManagementSettings"]["defaultStatus"], true);
    assert_eq!(source["groupMembershipDetection"], json!({}));
    assert!(
        source["dataSource"]["location"]
            .as_str()
            .unwrap()
            .ends_with("/dataStores/corpDirectory")
    );
    let username = &channel["attributeMapping"][0]["saasFieldInfo"];
    assert_eq!(
        username,
        &json!({"attributeNames": ["uid"], "createOnly": false, "trim": false,
                "characterCase": "NONE", "parser": "NONE", "masked": false})
    );
    assert_eq!(
        channel["attributeMapping"][2]["saasFieldInfo"]["attributeNames"],
        json!([])
    );

    let fetched = api.get("/idp/spConnections/p1Provisioning").await;
    assert_eq!(fetched.body, created.body);
    // What a GET returns can be sent back unchanged.
    let resent = api
        .put("/idp/spConnections/p1Provisioning", &fetched.body)
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
    assert_eq!(
        resent.body["outboundProvision"],
        created.body["outboundProvision"]
    );
    assert_eq!(resent.body["creationDate"], created.body["creationDate"]);
}

#[tokio::test]
async fn target_setting_values_and_references_are_kept_as_sent() {
    // No source says which values PingFederate refuses, nor that it checks the PingOne
    // connection `PINGONE_ENVIRONMENT` names.
    let api = prepared().await;
    let mut body = sp_connection(
        "p1",
        "notAConnection",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    body["outboundProvision"]["targetSettings"]
        .as_array_mut()
        .unwrap()
        .extend([
            json!({"name": "REMOVE_ACTION", "value": "Archive"}),
            json!({"name": "CREATE_USERS_PROV_OPT", "value": "false"}),
        ]);
    let created = api.post("/idp/spConnections", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let settings = &created.body["outboundProvision"]["targetSettings"];
    assert_eq!(
        settings[0]["value"],
        format!("notAConnection|{}", environment(&api))
    );
    assert_eq!(settings[1]["value"], "false");
    assert_eq!(settings[5]["value"], "Archive");

    let mut missing = sp_connection("p2", "p1conn", &environment(&api), json!([]));
    missing["entityId"] = json!("other");
    missing["outboundProvision"]["targetSettings"] = json!([]);
    let created = api.post("/idp/spConnections", &missing).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let settings = &created.body["outboundProvision"]["targetSettings"];
    assert_eq!(settings.as_array().unwrap().len(), 9);
    assert!(settings[0].get("value").is_none());
}

#[tokio::test]
async fn a_non_ldap_data_source_and_ldap_only_fields_are_refused() {
    let api = prepared().await;
    let non_ldap = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "ProvisionerDS")]),
    );
    let refused = api.post("/idp/spConnections", &non_ldap).await;
    assert_validation_error(
        &refused,
        "outboundProvision.channels[0].channelSource.dataSource",
    );
    assert_unprocessable(&refused, "data_store_not_ldap");
    assert_eq!(field_paths(&refused.body).len(), 1, "{}", refused.text);

    // No source says PingFederate refuses a store id it does not know.
    let unknown = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "noSuchStore")]),
    );
    let created = api.post("/idp/spConnections", &unknown).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
}

#[tokio::test]
async fn required_channel_source_fields_are_reported_with_their_paths() {
    let api = prepared().await;
    let mut broken = channel("employees", "corpDirectory");
    let source = broken["channelSource"].as_object_mut().unwrap();
    source.remove("baseDn");
    source.remove("guidAttributeName");
    source["changeDetectionSettings"]
        .as_object_mut()
        .unwrap()
        .remove("timeStampAttributeName");
    let body = sp_connection("p1", "p1conn", &environment(&api), json!([broken]));
    let refused = api.post("/idp/spConnections", &body).await;
    let paths = field_paths(&refused.body);
    for expected in [
        "outboundProvision.channels[0].channelSource.baseDn",
        "outboundProvision.channels[0].channelSource.guidAttributeName",
        "outboundProvision.channels[0].channelSource.changeDetectionSettings.timeStampAttributeName",
    ] {
        assert!(
            paths.iter().any(|path| path == expected),
            "{expected}: {paths:?}"
        );
    }
}

#[tokio::test]
async fn mappings_without_username_repeated_channel_names_and_other_connectors_are_kept() {
    // No source says PingFederate refuses any of these.
    let api = prepared().await;
    let mut no_username = channel("employees", "corpDirectory");
    no_username["attributeMapping"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let body = sp_connection("p1", "p1conn", &environment(&api), json!([no_username]));
    let created = api.post("/idp/spConnections", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);

    let mut twice = sp_connection(
        "p2",
        "p1conn",
        &environment(&api),
        json!([
            channel("employees", "corpDirectory"),
            channel("employees", "corpDirectory")
        ]),
    );
    twice["entityId"] = json!("twice");
    let created = api.post("/idp/spConnections", &twice).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);

    let mut salesforce = sp_connection("p3", "p1conn", &environment(&api), json!([]));
    salesforce["entityId"] = json!("salesforce");
    salesforce["outboundProvision"]["type"] = json!("Salesforce");
    salesforce["outboundProvision"]["targetSettings"] = json!([{"name": "Instance", "value": "x"}]);
    let created = api.post("/idp/spConnections", &salesforce).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        created.body["outboundProvision"]["targetSettings"],
        json!([{"name": "Instance", "value": "x"}])
    );

    let plain = json!({"type": "SP", "id": "browserOnly", "name": "Browser SSO", "entityId": "sp-1",
                       "spBrowserSso": {"protocol": "SAML20"}});
    let stored = api.post("/idp/spConnections", &plain).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    assert_eq!(stored.body["spBrowserSso"], json!({"protocol": "SAML20"}));
    assert!(stored.body.get("outboundProvision").is_none());
}

#[tokio::test]
async fn entity_ids_are_unique_and_names_and_entity_ids_are_required() {
    let api = prepared().await;
    let first = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    assert_eq!(
        api.post("/idp/spConnections", &first).await.status,
        StatusCode::CREATED
    );
    let mut second = first.clone();
    second["id"] = json!("p2");
    let refused = api.post("/idp/spConnections", &second).await;
    assert_validation_error(&refused, "entityId");
    assert_unprocessable(&refused, "duplicate_entity_id");

    let duplicate_id = api.post("/idp/spConnections", &first).await;
    assert_unprocessable(&duplicate_id, "duplicate_id");

    let nameless = api.post("/idp/spConnections", &json!({"type": "SP"})).await;
    assert_validation_error(&nameless, "entityId");
    assert_validation_error(&nameless, "name");

    let generated = api
        .post(
            "/idp/spConnections",
            &json!({"name": "Generated", "entityId": "generated"}),
        )
        .await;
    assert_eq!(generated.status, StatusCode::CREATED, "{}", generated.text);
    assert!(!generated.body["id"].as_str().unwrap().is_empty());

    let by_entity = api.get("/idp/spConnections?entityId=pingone-prov-p1").await;
    assert_eq!(by_entity.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_entity.body["items"][0]["id"], "p1");
    let by_filter = api.get("/idp/spConnections?filter=GENERAT").await;
    assert_eq!(by_filter.body["items"].as_array().unwrap().len(), 1);
    let all = api.get("/idp/spConnections").await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    let page_two = api.get("/idp/spConnections?page=2&numberPerPage=1").await;
    assert_eq!(page_two.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(page_two.body["items"][0]["name"], "Generated");
    let bad_page = api.get("/idp/spConnections?page=0").await;
    assert_eq!(bad_page.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_active_connection_cannot_be_deleted() {
    let api = prepared().await;
    let mut body = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    body["active"] = json!(true);
    assert_eq!(
        api.post("/idp/spConnections", &body).await.status,
        StatusCode::CREATED
    );
    let refused = api.delete("/idp/spConnections/p1").await;
    assert_validation_error(&refused, "active");
    body["active"] = json!(false);
    assert_eq!(
        api.put("/idp/spConnections/p1", &body).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.delete("/idp/spConnections/p1").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.delete("/idp/spConnections/p1").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn referenced_data_stores_cannot_be_deleted_and_pingone_connections_can() {
    let api = prepared().await;
    let body = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    assert_eq!(
        api.post("/idp/spConnections", &body).await.status,
        StatusCode::CREATED
    );
    let store = api.delete("/dataStores/corpDirectory").await;
    assert_unprocessable(&store, "data_store_in_use");
    assert!(store.text.contains("p1"), "{}", store.text);
    // No source says PingFederate refuses it.
    let connection = api.delete("/pingOneConnections/p1conn").await;
    assert_eq!(
        connection.status,
        StatusCode::NO_CONTENT,
        "{}",
        connection.text
    );

    assert_eq!(
        api.delete("/idp/spConnections/p1").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.delete("/dataStores/corpDirectory").await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn outbound_provisioning_can_be_added_and_removed_by_a_put() {
    // Ping's "Choosing an SP connection type": "You can add STS, OAuth, and outbound
    // provisioning support to any existing SSO connection, or vice versa, at any time."
    let api = prepared().await;
    let with = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    assert_eq!(
        api.post("/idp/spConnections", &with).await.status,
        StatusCode::CREATED
    );
    let mut without = with.clone();
    without.as_object_mut().unwrap().remove("outboundProvision");
    let removed = api.put("/idp/spConnections/p1", &without).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert!(removed.body.get("outboundProvision").is_none());

    let plain = json!({"id": "plain", "name": "Plain", "entityId": "plain"});
    assert_eq!(
        api.post("/idp/spConnections", &plain).await.status,
        StatusCode::CREATED
    );
    let mut added = with.clone();
    added["id"] = json!("plain");
    added["entityId"] = json!("plain");
    let provisioned = api.put("/idp/spConnections/plain", &added).await;
    assert_eq!(provisioned.status, StatusCode::OK, "{}", provisioned.text);
    assert_eq!(provisioned.body["outboundProvision"]["type"], "PingOne");

    let mismatch = api.put("/idp/spConnections/p1", &added).await;
    assert_validation_error(&mismatch, "id");
    assert_eq!(
        api.put("/idp/spConnections/missing", &with).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_properties_and_enum_values_are_400() {
    let api = prepared().await;
    let mut body = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    body["outboundProvision"]["channels"][0]["channelSource"]["changeDetectionSettings"]["changedUsersAlgorithm"] =
        json!("SOMETIMES");
    assert_eq!(
        api.post("/idp/spConnections", &body).await.status,
        StatusCode::BAD_REQUEST
    );
    let typo = json!({"name": "x", "entityId": "x", "entityID": "y"});
    assert_eq!(
        api.post("/idp/spConnections", &typo).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn connections_survive_a_restart_through_the_data_file() {
    let directory = tempfile::tempdir().unwrap();
    let data_file = directory.path().join("sandbox.json");
    let options = SandboxOptions {
        data_file: Some(data_file.clone()),
        ..SandboxOptions::default()
    };
    let api = prepared_with(options.clone()).await;
    let body = sp_connection(
        "p1",
        "p1conn",
        &environment(&api),
        json!([channel("employees", "corpDirectory")]),
    );
    let created = api.post("/idp/spConnections", &body).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let credential = api.get("/pingOneConnections/p1conn").await;
    api.sandbox.shutdown().await;

    let text = std::fs::read_to_string(&data_file).unwrap();
    assert!(
        !text.contains(CREDENTIAL),
        "plain credential in the data file"
    );
    let restarted = Api::start_with(options).await;
    let connection = restarted.get("/idp/spConnections/p1").await;
    assert_eq!(connection.status, StatusCode::OK);
    // Everything but `location` (which names the new port) is as it was.
    let without_location = |mut body: Value| {
        body["outboundProvision"]["channels"][0]["channelSource"]["dataSource"]
            .as_object_mut()
            .unwrap()
            .remove("location");
        body
    };
    assert_eq!(
        without_location(connection.body.clone()),
        without_location(created.body.clone())
    );
    let pingone = restarted.get("/pingOneConnections/p1conn").await;
    assert_eq!(
        pingone.body["encryptedCredential"],
        credential.body["encryptedCredential"]
    );
}
