//! Real PingFederate objects (`tests/data/real-objects/`, exported from PingFederate
//! 12.0) are accepted by POST, read back with every field they had, and survive a PUT
//! of what GET returned; the objects the Terraform provider's acceptance tests create
//! against live PingFederate 12.2 to 13.1 behave as those tests saw; every response
//! conforms to the 12.1.0.4 spec.

#[allow(dead_code)]
mod common;

use common::client::{Api, Reply};
use common::real_objects::{assert_conforms, real_object};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Asserts that `returned` holds every field of `sent` with the same value, except that
/// a `location` is the sandbox's own (PingFederate ignores it on input and returns its
/// own) and a `password` comes back only as `encryptedPassword`.
fn assert_holds(sent: &Value, returned: &Value, base: &str, path: &str) {
    match (sent, returned) {
        (Value::Object(sent), Value::Object(returned)) => {
            for (key, value) in sent {
                let here = format!("{path}.{key}");
                match key.as_str() {
                    "location" => {
                        let location = returned
                            .get("location")
                            .and_then(Value::as_str)
                            .unwrap_or_else(|| panic!("{here} is missing"));
                        assert!(location.starts_with(base), "{here}: {location}");
                    }
                    "password" => {
                        assert!(returned.get("password").is_none(), "{here} is returned");
                        assert!(
                            returned.get("encryptedPassword").is_some(),
                            "{here}: no encryptedPassword"
                        );
                    }
                    _ => assert_holds(
                        value,
                        returned
                            .get(key)
                            .unwrap_or_else(|| panic!("{here} is missing from {returned:?}")),
                        base,
                        &here,
                    ),
                }
            }
        }
        (Value::Array(sent), Value::Array(returned)) => {
            assert_eq!(sent.len(), returned.len(), "{path}: {returned:?}");
            for (index, (sent, returned)) in sent.iter().zip(returned).enumerate() {
                assert_holds(sent, returned, base, &format!("{path}[{index}]"));
            }
        }
        _ => assert_eq!(sent, returned, "{path}"),
    }
}

/// `value` without the read-only timestamps that a PUT restamps.
fn without_timestamps(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("lastModified");
        object.remove("modificationDate");
    }
    value
}

fn assert_status(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}", reply.text);
}

/// POST, GET, PUT back, GET again: the object is accepted and kept.
async fn round_trip(api: &Api, collection: &str, sent: &Value) -> Value {
    let created = api.post(collection, sent).await;
    assert_status(&created, StatusCode::CREATED);
    assert_conforms(collection, "post", "201", &created.body);
    let id = created.body["id"].as_str().expect("an id").to_string();
    let item_path = format!("{collection}/{{id}}");
    let read = api.get(&format!("{collection}/{id}")).await;
    assert_status(&read, StatusCode::OK);
    assert_conforms(&item_path, "get", "200", &read.body);
    assert_holds(sent, &read.body, &api.base, "$");
    let replaced = api.put(&format!("{collection}/{id}"), &read.body).await;
    assert_status(&replaced, StatusCode::OK);
    assert_conforms(&item_path, "put", "200", &replaced.body);
    assert_eq!(
        without_timestamps(replaced.body.clone()),
        without_timestamps(read.body.clone())
    );
    let listed = api.get(collection).await;
    assert_conforms(collection, "get", "200", &listed.body);
    read.body
}

#[tokio::test]
async fn the_real_sp_connections_are_accepted_kept_and_put_back_unchanged() {
    let api = Api::start().await;
    for file in [
        "idp.spConnections--gpFvXmhDHSRUSHWLZLZ_XBIU_YK.json",
        "idp.spConnections--IENFjGICXt3YsBKNxHSzkN28LWg.json",
    ] {
        let sent = real_object(file);
        let read = round_trip(&api, "/idp/spConnections", &sent).await;
        assert!(read["creationDate"].is_string(), "{file}");
    }
    // The SAML connection's signing key link is relocated under the sandbox.
    let saml = api
        .get("/idp/spConnections/gpFvXmhDHSRUSHWLZLZ_XBIU_YK")
        .await;
    assert_eq!(
        saml.body["credentials"]["signingSettings"]["signingKeyPairRef"]["location"],
        format!("{}/keyPairs/signing/devsigningcert", api.base)
    );
}

#[tokio::test]
async fn the_real_data_stores_and_outbound_settings_are_accepted() {
    let api = Api::start().await;
    let ldap = real_object("dataStores--LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3.json");
    round_trip(&api, "/dataStores", &ldap).await;

    // The real settings select no data store (`"id": ""`), which frees the seeded
    // ProvisionerDS; the real ProvisionerDS can then be created as exported.
    let settings = real_object("serverSettings.outboundProvisioning--settings.json");
    let replaced = api
        .put("/serverSettings/outboundProvisioning", &settings)
        .await;
    assert_status(&replaced, StatusCode::OK);
    assert_conforms(
        "/serverSettings/outboundProvisioning",
        "put",
        "200",
        &replaced.body,
    );
    assert_holds(&settings, &replaced.body, &api.base, "$");
    assert_eq!(
        replaced.body["dataStoreRef"]["location"],
        format!("{}/dataStores", api.base)
    );
    let deleted = api.delete("/dataStores/ProvisionerDS").await;
    assert_status(&deleted, StatusCode::NO_CONTENT);
    let provisioner = real_object("dataStores--ProvisionerDS.json");
    round_trip(&api, "/dataStores", &provisioner).await;
}

#[tokio::test]
async fn every_ldap_and_jdbc_field_of_the_spec_is_returned_as_sent() {
    let api = Api::start().await;
    let ldap = json!({
        "type": "LDAP", "id": "everyLdapField", "name": "every LDAP field",
        "maskAttributeValues": true, "ldapType": "ACTIVE_DIRECTORY",
        "hostnames": ["dc1.example.com:636"],
        "hostnamesTags": [
            {"hostnames": ["dc1.example.com:636"], "defaultSource": true},
            {"hostnames": ["dc2.example.com:636"], "tags": "west", "defaultSource": false}
        ],
        "bindAnonymously": false, "userDN": "cn=reader", "password": "secret",
        "clientTlsCertificateRef": {"id": "clientCert"},
        "useSsl": true, "useStartTLS": false, "useDnsSrvRecords": true,
        "followLDAPReferrals": true, "retryFailedOperations": true,
        "testOnBorrow": true, "testOnReturn": true, "createIfNecessary": true,
        "verifyHost": false, "minConnections": 0, "maxConnections": 1, "maxWait": 5,
        "timeBetweenEvictions": -1, "readTimeout": -1, "connectionTimeout": 1,
        "dnsTtl": 5, "ldapDnsSrvPrefix": "_ldap._tcp.dc", "ldapsDnsSrvPrefix": "_ldaps._tcp.dc",
        "binaryAttributes": ["objectGUID", "objectSid"]
    });
    let read = round_trip(&api, "/dataStores", &ldap).await;
    assert_eq!(
        read["clientTlsCertificateRef"]["location"],
        format!("{}/keyPairs/sslClient/clientCert", api.base)
    );
    let jdbc = json!({
        "type": "JDBC", "id": "everyJdbcField", "name": "every JDBC field",
        "maskAttributeValues": true, "driverClass": "org.postgresql.Driver",
        "connectionUrl": "jdbc:postgresql://db1/pf",
        "connectionUrlTags": [
            {"connectionUrl": "jdbc:postgresql://db1/pf", "defaultSource": true},
            {"connectionUrl": "jdbc:postgresql://db2/pf", "tags": "west", "defaultSource": false}
        ],
        "userName": "pf", "password": "secret", "validateConnectionSql": "SELECT 1",
        "allowMultiValueAttributes": true, "minPoolSize": 200, "maxPoolSize": 2,
        "blockingTimeout": 1, "idleTimeout": 0
    });
    round_trip(&api, "/dataStores", &jdbc).await;
}

#[tokio::test]
async fn rules_without_a_source_no_longer_refuse() {
    let api = Api::start().await;
    // Host names with spaces, a type change on PUT, PingOne connections sharing a name
    // with another case, and deleting one that an SP connection names.
    let spaced =
        json!({"type": "LDAP", "id": "spaced", "ldapType": "GENERIC", "hostnames": ["a host:389"]});
    assert_status(&api.post("/dataStores", &spaced).await, StatusCode::CREATED);
    let as_jdbc =
        json!({"type": "JDBC", "driverClass": "org.h2.Driver", "connectionUrl": "jdbc:h2:mem:x"});
    let changed = api.put("/dataStores/spaced", &as_jdbc).await;
    assert_status(&changed, StatusCode::OK);
    assert_eq!(changed.body["type"], "JDBC");
    for name in ["Tenant", "tenant"] {
        let created = api
            .post(
                "/pingOneConnections",
                &json!({"name": name, "credential": "blob"}),
            )
            .await;
        assert_status(&created, StatusCode::CREATED);
    }
    let connections = api.get("/pingOneConnections").await;
    let first = connections.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sp = json!({
        "entityId": "p1", "name": "p1",
        "outboundProvision": {"type": "PingOne", "targetSettings": [
            {"name": "PINGONE_ENVIRONMENT", "value": format!("{first}|env")}
        ], "channels": []}
    });
    assert_status(
        &api.post("/idp/spConnections", &sp).await,
        StatusCode::CREATED,
    );
    assert_status(
        &api.delete(&format!("/pingOneConnections/{first}")).await,
        StatusCode::NO_CONTENT,
    );
    // Kept, with their sources: a second connection with the same entity ID, deleting
    // an active connection or a data store in use.
    let again = api
        .post(
            "/idp/spConnections",
            &json!({"entityId": "p1", "name": "again"}),
        )
        .await;
    assert_status(&again, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        again.body["validationErrors"][0]["errorId"],
        "duplicate_entity_id"
    );
    let active = api
        .post(
            "/idp/spConnections",
            &json!({"entityId": "p2", "name": "p2", "active": true}),
        )
        .await;
    let active_id = active.body["id"].as_str().unwrap();
    assert_eq!(active_id.len(), 27, "{active_id}");
    assert_status(
        &api.delete(&format!("/idp/spConnections/{active_id}")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_status(
        &api.delete("/dataStores/ProvisionerDS").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    // `parentRef` is not a property of the 12.0 spec's CustomDataStore.
    let with_parent = json!({"type": "CUSTOM", "name": "c", "parentRef": {"id": "x"},
        "pluginDescriptorRef": {"id": "com.pingidentity.pf.datastore.other.RestDataSourceDriver"},
        "configuration": {}});
    assert_status(
        &api.post("/dataStores", &with_parent).await,
        StatusCode::BAD_REQUEST,
    );
}

fn pingdirectory() -> Value {
    json!({"type": "LDAP", "id": "pingdirectory", "ldapType": "PING_DIRECTORY",
        "hostnames": ["pingdirectory:1389"], "userDN": "cn=pingfederate", "password": "password"})
}

/// The channel of the Terraform acceptance test's minimal model: several mappings with
/// an empty `saasFieldInfo`, no `groupSourceLocation`, no `maxThreads`/`timeout`.
fn minimal_channel() -> Value {
    json!({
        "active": false,
        "name": "min",
        "attributeMapping": [
            {"fieldName": "ZIPCode", "saasFieldInfo": {"attributeNames": ["postalCode"]}},
            {"fieldName": "accountID", "saasFieldInfo": {}},
            {"fieldName": "fullName", "saasFieldInfo": {}},
            {"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "374fdb3c-4e94-4547-838a-0c200b9a7c70"}},
            {"fieldName": "nickname", "saasFieldInfo": {"expression": "#this.get(\"givenName\")"}},
            {"fieldName": "mobilePhone", "saasFieldInfo": {"attributeNames": ["mobile", "telephoneNumber"], "parser": "NONE", "masked": true, "createOnly": true, "trim": true, "characterCase": "UPPER"}}
        ],
        "channelSource": {
            "accountManagementSettings": {"accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG",
                "accountStatusAttributeName": "nsaccountlock", "flagComparisonValue": "true"},
            "baseDn": "dc=example,dc=com",
            "changeDetectionSettings": {"changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION",
                "groupObjectClass": "groupOfUniqueNames", "timeStampAttributeName": "modifyTimestamp",
                "userObjectClass": "inetOrgPerson"},
            "dataSource": {"id": "pingdirectory"},
            "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
            "guidAttributeName": "entryUUID",
            "guidBinary": false,
            "userSourceLocation": {"groupDN": "o=group,dc=example,dc=com"}
        }
    })
}

#[tokio::test]
async fn provisioning_is_added_to_a_real_connection_and_returned_as_pingfederate_does() {
    let api = Api::start().await;
    assert_status(
        &api.post("/dataStores", &pingdirectory()).await,
        StatusCode::CREATED,
    );
    let connection = api
        .post(
            "/pingOneConnections",
            &json!({"name": "tenant", "credential": "blob"}),
        )
        .await;
    let connection_id = connection.body["id"].as_str().unwrap().to_string();
    let saml = real_object("idp.spConnections--gpFvXmhDHSRUSHWLZLZ_XBIU_YK.json");
    assert_status(
        &api.post("/idp/spConnections", &saml).await,
        StatusCode::CREATED,
    );
    let path = "/idp/spConnections/gpFvXmhDHSRUSHWLZLZ_XBIU_YK";
    let mut with_provisioning = api.get(path).await.body;
    with_provisioning["outboundProvision"] = json!({
        "type": "PingOne",
        "targetSettings": [
            {"name": "PINGONE_ENVIRONMENT", "value": format!("{connection_id}|{}", api.sandbox.pingone_environment_id())},
            {"name": "Provisioning Options", "value": "opt"}
        ],
        "channels": [minimal_channel()]
    });
    let added = api.put(path, &with_provisioning).await;
    assert_status(&added, StatusCode::OK);
    assert_conforms("/idp/spConnections/{id}", "put", "200", &added.body);
    assert_holds(
        &saml["spBrowserSso"],
        &added.body["spBrowserSso"],
        &api.base,
        "$.spBrowserSso",
    );
    let provision = &added.body["outboundProvision"];
    let settings = provision["targetSettings"].as_array().unwrap();
    assert_eq!(settings.len(), 9);
    let setting = |name: &str| {
        settings
            .iter()
            .find(|setting| setting["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))["value"]
            .clone()
    };
    assert_eq!(setting("CREATE_USERS_PROV_OPT"), "true");
    assert_eq!(setting("PROVISION_DISABLED_USERS_PROV_OPT"), "true");
    assert_eq!(setting("Provisioning Options"), "opt");
    let channel = &provision["channels"][0];
    assert_eq!(channel["maxThreads"], 1);
    assert_eq!(channel["timeout"], 60);
    let source = &channel["channelSource"];
    assert_eq!(
        source["groupSourceLocation"],
        json!({"nestedSearch": false})
    );
    assert_eq!(source["userSourceLocation"]["nestedSearch"], false);
    assert_eq!(source["accountManagementSettings"]["defaultStatus"], true);
    assert_eq!(
        source["accountManagementSettings"]["flagComparisonStatus"],
        true
    );
    assert_eq!(
        source["dataSource"]["location"],
        format!("{}/dataStores/pingdirectory", api.base)
    );
    let mapping = channel["attributeMapping"].as_array().unwrap();
    assert_eq!(mapping.len(), 6);
    assert_eq!(
        mapping[2],
        json!({"fieldName": "fullName", "saasFieldInfo": {"attributeNames": [], "createOnly": false,
            "trim": false, "characterCase": "NONE", "parser": "NONE", "masked": false}})
    );
    assert_eq!(mapping[5]["saasFieldInfo"]["characterCase"], "UPPER");
    assert_eq!(
        mapping[5]["saasFieldInfo"]["attributeNames"],
        json!(["mobile", "telephoneNumber"])
    );

    // And taken away again.
    let mut without = added.body.clone();
    without.as_object_mut().unwrap().remove("outboundProvision");
    let removed = api.put(path, &without).await;
    assert_status(&removed, StatusCode::OK);
    assert!(removed.body.get("outboundProvision").is_none());
}

#[tokio::test]
async fn a_minimal_provisioning_connection_gets_pingfederate_s_defaults() {
    let api = Api::start().await;
    assert_status(
        &api.post("/dataStores", &pingdirectory()).await,
        StatusCode::CREATED,
    );
    let sent = json!({
        "id": "outboundspconn", "entityId": "partnermin:entity:id", "name": "minimalOutbound",
        "credentials": {},
        "outboundProvision": {"type": "PingOne", "targetSettings": [
            {"name": "PINGONE_ENVIRONMENT", "value": "anyConnection|anyEnvironment"}
        ], "channels": [minimal_channel()]}
    });
    let created = api.post("/idp/spConnections", &sent).await;
    assert_status(&created, StatusCode::CREATED);
    assert_conforms("/idp/spConnections", "post", "201", &created.body);
    let body = &created.body;
    assert_eq!(body["active"], false);
    assert_eq!(body["connectionTargetType"], "STANDARD");
    assert_eq!(body["loggingMode"], "STANDARD");
    assert_eq!(body["type"], "SP");
    assert_eq!(body["virtualEntityIds"], json!([]));
    assert_eq!(
        body["outboundProvision"]["targetSettings"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
    // A non-LDAP source is refused (the provider documents the source as an LDAP store).
    let mut jdbc_source = sent.clone();
    jdbc_source["id"] = json!("jdbcSource");
    jdbc_source["entityId"] = json!("other");
    jdbc_source["outboundProvision"]["channels"][0]["channelSource"]["dataSource"]["id"] =
        json!("ProvisionerDS");
    let refused = api.post("/idp/spConnections", &jdbc_source).await;
    assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.body["validationErrors"][0]["fieldPath"],
        "outboundProvision.channels[0].channelSource.dataSource"
    );
}

#[tokio::test]
async fn the_rest_and_pingone_data_stores_are_filled_from_their_descriptors() {
    let api = Api::start().await;
    let descriptors = api.get("/dataStores/descriptors").await;
    assert_conforms("/dataStores/descriptors", "get", "200", &descriptors.body);
    // The REST store as the Terraform provider's 13.1 export holds it.
    let rest = json!({
        "type": "CUSTOM", "id": "customDataStore", "name": "APIStubs.io Users",
        "pluginDescriptorRef": {"id": "com.pingidentity.pf.datastore.other.RestDataSourceDriver"},
        "configuration": {
            "tables": [
                {"name": "Base URLs and Tags", "rows": [{"fields": [
                    {"name": "Base URL", "value": "https://demo.apistubs.io/api/v1/users"},
                    {"name": "Tags", "value": "production"}], "defaultRow": true}]},
                {"name": "Attributes", "rows": [{"fields": [
                    {"name": "JSON Response Attribute Path", "value": "/email"},
                    {"name": "Local Attribute", "value": "email"}], "defaultRow": false}]},
                {"name": "HTTP Request Headers", "rows": []}
            ],
            "fields": [
                {"name": "Authentication Method", "value": "None"},
                {"name": "Client Secret", "value": ""},
                {"name": "HTTP Method", "value": "GET"},
                {"name": "OAuth Scope", "value": "restapiscope"},
                {"name": "Password", "value": "password"},
                {"name": "Test Connection URL", "value": "https://demo.apistubs.io/api/v1/users"}
            ]
        },
        "maskAttributeValues": false
    });
    let created = api.post("/dataStores", &rest).await;
    assert_status(&created, StatusCode::CREATED);
    assert_conforms("/dataStores", "post", "201", &created.body);
    let configuration = &created.body["configuration"];
    assert_eq!(configuration["fields"].as_array().unwrap().len(), 22);
    assert_eq!(configuration["tables"].as_array().unwrap().len(), 3);
    let password = configuration["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["name"] == "Password")
        .unwrap();
    assert!(password.get("value").is_none());
    assert!(password["encryptedValue"].is_string());
    // What GET returned, PUT back, keeps the default base URL row.
    let read = api.get("/dataStores/customDataStore").await.body;
    let replaced = api.put("/dataStores/customDataStore", &read).await;
    assert_status(&replaced, StatusCode::OK);
    let base_urls = &replaced.body["configuration"]["tables"][0];
    assert_eq!(base_urls["name"], "Base URLs and Tags");
    assert_eq!(base_urls["rows"][0]["defaultRow"], true);
    assert_eq!(without_timestamps(replaced.body), without_timestamps(read));

    // The PingOne directory store names a PingOne connection and environment.
    let pingone = json!({
        "type": "CUSTOM", "name": "PingOne Data Store",
        "pluginDescriptorRef": {"id": "com.pingidentity.plugins.datastore.p14c.PingOneForCustomersDataStore"},
        "configuration": {
            "tables": [{"name": "Custom Attributes Details", "rows": [{"fields": [
                {"name": "Local Attribute", "value": "local_attribute"},
                {"name": "PingOne for Customers Attribute", "value": "/pingone_attribute"}],
                "defaultRow": false}]}],
            "fields": [{"name": "PingOne Environment", "value": "connection|environment"}]
        }
    });
    let created = api.post("/dataStores", &pingone).await;
    assert_status(&created, StatusCode::CREATED);
    assert_conforms("/dataStores", "post", "201", &created.body);
    let fields = created.body["configuration"]["fields"].as_array().unwrap();
    assert_eq!(
        fields[0],
        json!({"name": "PingOne Environment", "value": "connection|environment"})
    );
    assert_eq!(fields.len(), 8);
    assert!(created.body["id"].as_str().unwrap().starts_with("CUSTOM-"));
}

#[tokio::test]
async fn pingone_connections_return_the_read_only_values_pingfederate_does() {
    let api = Api::start().await;
    let created = api
        .post(
            "/pingOneConnections",
            &json!({"name": "My PingOne Tenant", "credential": "blob"}),
        )
        .await;
    assert_status(&created, StatusCode::CREATED);
    assert_conforms("/pingOneConnections", "post", "201", &created.body);
    let body = &created.body;
    assert_eq!(body["active"], true);
    assert!(body.get("description").is_none());
    assert!(body.get("credential").is_none());
    assert!(body["encryptedCredential"].is_string());
    assert_eq!(body["environmentId"], api.sandbox.pingone_environment_id());
    assert_eq!(body["region"], "North America");
    assert_eq!(
        body["pingOneManagementApiEndpoint"],
        format!("{}/pingone", api.root())
    );
    assert_eq!(
        body["pingOneAuthenticationApiEndpoint"],
        api.sandbox.pingone_auth_url()
    );
    for field in [
        "creationDate",
        "credentialId",
        "pingOneConnectionId",
        "organizationName",
    ] {
        assert!(body[field].is_string(), "{field}");
    }
}
