//! The sandbox over real HTTPS: authentication, the seed, data store rules, secrets,
//! outbound provisioning, the connection-test marker, the control API and the data file.

use crate::support::sandbox_client::Api;
use pingform_sandbox::SandboxOptions;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ENVELOPE: &str =
    "Validation error(s) occurred. Please review the error(s) and address accordingly.";

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

fn assert_validation_error(reply: &crate::support::sandbox_client::Reply, field_path: &str) {
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

fn jdbc(id: &str) -> Value {
    json!({
        "type": "JDBC",
        "id": id,
        "driverClass": "org.postgresql.Driver",
        "connectionUrl": format!("jdbc:postgresql://db.example.net:5432/{id}"),
        "userName": "pfprov",
        "password": "another-Secret1",
    })
}

fn ldap(id: &str, host: &str) -> Value {
    json!({
        "type": "LDAP",
        "id": id,
        "ldapType": "PING_DIRECTORY",
        "hostnames": [host],
        "userDN": "cn=pf-reader,ou=svc,dc=example,dc=net",
        "password": "s3cret-Value",
    })
}

fn is_rfc3339_millis_utc(text: &str) -> bool {
    // 2026-01-01T00:00:00.000Z
    let bytes = text.as_bytes();
    bytes.len() == 24
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && bytes[19] == b'.'
        && bytes[23] == b'Z'
        && text[..4].chars().all(|c| c.is_ascii_digit())
}

#[tokio::test]
async fn requests_without_valid_credentials_get_401_with_a_basic_challenge() {
    let api = Api::start().await;
    let anonymous = Api::send(
        api.client
            .get(format!("{}/version", api.base))
            .header("X-XSRF-Header", "PingFederate"),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.headers["www-authenticate"],
        "Basic realm=\"PingFederate\""
    );
    let wrong = Api::send(
        api.client
            .get(format!("{}/version", api.base))
            .basic_auth("Administrator", Some("wrong"))
            .header("X-XSRF-Header", "PingFederate"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn custom_credentials_replace_the_default_ones() {
    let api = Api::start_with(SandboxOptions {
        username: "ops".into(),
        password: "Other-Pass1".into(),
        ..SandboxOptions::default()
    })
    .await;
    assert_eq!(api.get("/version").await.status, StatusCode::OK);
    let default_credentials = Api::send(
        api.client
            .get(format!("{}/version", api.base))
            .basic_auth("Administrator", Some("2FederateM0re"))
            .header("X-XSRF-Header", "PingFederate"),
    )
    .await;
    assert_eq!(default_credentials.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn requests_without_the_xsrf_header_get_403() {
    let api = Api::start().await;
    let reply = Api::send(
        api.client
            .get(format!("{}/dataStores", api.base))
            .basic_auth("Administrator", Some("2FederateM0re")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let lowercase_value = Api::send(
        api.client
            .get(format!("{}/dataStores", api.base))
            .basic_auth("Administrator", Some("2FederateM0re"))
            .header("X-XSRF-Header", "pingfederate"),
    )
    .await;
    assert_eq!(lowercase_value.status, StatusCode::OK);
}

#[tokio::test]
async fn version_is_reported() {
    let api = Api::start().await;
    let reply = api.get("/version").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"version": "12.1.0.4"}));
    assert!(api.base.starts_with("https://127.0.0.1:"), "{}", api.base);
    assert_eq!(
        api.sandbox.address().port(),
        api.base
            .split(':')
            .nth(2)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .parse::<u16>()
            .unwrap()
    );
}

#[tokio::test]
async fn a_fresh_sandbox_has_the_provisioner_store_and_settings() {
    let api = Api::start().await;
    let list = api.get("/dataStores").await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let provisioner = &items[0];
    assert_eq!(provisioner["type"], "JDBC");
    assert_eq!(provisioner["id"], "ProvisionerDS");
    assert_eq!(provisioner["name"], "ProvisionerDS (sa)");
    assert_eq!(provisioner["driverClass"], "org.hsqldb.jdbcDriver");
    assert_eq!(provisioner["userName"], "sa");
    assert_eq!(
        provisioner["connectionUrl"],
        "jdbc:hsqldb:${pf.server.data.dir}${/}hypersonic${/}ProvisionerDefaultDB;hsqldb.lock_file=false"
    );
    assert!(
        provisioner["encryptedPassword"]
            .as_str()
            .unwrap()
            .starts_with("eyJ")
    );
    assert!(provisioner.get("password").is_none());

    let settings = api.get("/serverSettings/outboundProvisioning").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert_eq!(
        settings.body,
        json!({
            "dataStoreRef": {"id": "ProvisionerDS", "location": format!("{}/dataStores/ProvisionerDS", api.base)},
            "synchronizationFrequency": 60
        })
    );
}

#[tokio::test]
async fn jdbc_store_gets_computed_name_tags_and_defaults() {
    let api = Api::start().await;
    let created = api.post("/dataStores", &jdbc("provisionerPg")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = &created.body;
    assert_eq!(
        body["name"],
        "jdbc:postgresql://db.example.net:5432/provisionerPg (pfprov)"
    );
    assert_eq!(
        body["connectionUrlTags"],
        json!([{"connectionUrl": "jdbc:postgresql://db.example.net:5432/provisionerPg", "defaultSource": true}])
    );
    assert_eq!(body["maskAttributeValues"], false);
    assert_eq!(body["allowMultiValueAttributes"], false);
    assert_eq!(body["minPoolSize"], 10);
    assert_eq!(body["maxPoolSize"], 100);
    assert_eq!(body["blockingTimeout"], 5000);
    assert_eq!(body["idleTimeout"], 5);
    assert!(
        body.get("validateConnectionSql").is_none(),
        "no invented values"
    );
    assert!(body.get("password").is_none());
    assert!(
        is_rfc3339_millis_utc(body["lastModified"].as_str().unwrap()),
        "{}",
        body["lastModified"]
    );
    assert!(!created.text.contains("another-Secret1"));

    let fetched = api.get("/dataStores/provisionerPg").await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(&fetched.body, body);
}

#[tokio::test]
async fn jdbc_url_comes_from_the_default_tag_and_missing_user_reads_null() {
    let api = Api::start().await;
    let created = api
        .post(
            "/dataStores",
            &json!({
                "type": "JDBC", "id": "tagged", "driverClass": "org.h2.Driver",
                "connectionUrlTags": [
                    {"connectionUrl": "jdbc:h2:mem:east", "tags": "east"},
                    {"connectionUrl": "jdbc:h2:mem:main", "defaultSource": true}
                ]
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["connectionUrl"], "jdbc:h2:mem:main");
    assert_eq!(created.body["name"], "jdbc:h2:mem:main (null)");
    assert_eq!(created.body["connectionUrlTags"][0]["defaultSource"], false);
    assert!(created.body.get("userName").is_none());
    assert!(created.body.get("encryptedPassword").is_none());
}

#[tokio::test]
async fn ldap_store_matches_the_reference_example() {
    let api = Api::start().await;
    let created = api
        .post(
            "/dataStores",
            &json!({
                "type": "LDAP",
                "id": "corpDirectory",
                "ldapType": "PING_DIRECTORY",
                "hostnames": ["ldap1.example.net:636", "ldap2.example.net:636"],
                "userDN": "cn=pf-reader,ou=svc,dc=example,dc=net",
                "password": "s3cret-Value",
                "useSsl": true
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mut body = created.body.clone();
    let encrypted = body
        .as_object_mut()
        .unwrap()
        .remove("encryptedPassword")
        .unwrap();
    let last_modified = body
        .as_object_mut()
        .unwrap()
        .remove("lastModified")
        .unwrap();
    assert!(encrypted.as_str().unwrap().starts_with("eyJ"));
    assert_eq!(encrypted.as_str().unwrap().split('.').count(), 5);
    assert!(is_rfc3339_millis_utc(last_modified.as_str().unwrap()));
    assert_eq!(
        body,
        json!({
            "type": "LDAP", "id": "corpDirectory", "maskAttributeValues": false,
            "hostnamesTags": [{ "hostnames": ["ldap1.example.net:636", "ldap2.example.net:636"], "defaultSource": true }],
            "hostnames": ["ldap1.example.net:636", "ldap2.example.net:636"],
            "name": "ldap1.example.net:636 ldap2.example.net:636 (cn=pf-reader,ou=svc,dc=example,dc=net)",
            "ldapType": "PING_DIRECTORY",
            "bindAnonymously": false, "userDN": "cn=pf-reader,ou=svc,dc=example,dc=net",
            "useSsl": true, "useDnsSrvRecords": false, "followLDAPReferrals": false, "useStartTLS": false,
            "retryFailedOperations": false, "testOnBorrow": false, "testOnReturn": false, "createIfNecessary": false,
            "verifyHost": true, "minConnections": 10, "maxConnections": 100, "maxWait": -1,
            "timeBetweenEvictions": 0, "readTimeout": 0, "connectionTimeout": 0, "dnsTtl": 0,
            "ldapDnsSrvPrefix": "_ldap._tcp", "ldapsDnsSrvPrefix": "_ldaps._tcp", "binaryAttributes": []
        })
    );
}

#[tokio::test]
async fn ldap_names_must_be_unique() {
    let api = Api::start().await;
    let first = api
        .post("/dataStores", &ldap("one", "ldap.example.net:389"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = api
        .post("/dataStores", &ldap("two", "ldap.example.net:389"))
        .await;
    assert_validation_error(&second, "name");
    assert!(
        second.text.contains("one"),
        "names the holder: {}",
        second.text
    );
}

fn custom_store(id: &str) -> Value {
    json!({
        "type": "CUSTOM",
        "id": id,
        "name": "People API",
        "pluginDescriptorRef": {"id": "com.pingidentity.pf.datastore.other.RestDataSourceDriver"},
        "configuration": {
            "tables": [{
                "name": "Base URLs and Tags",
                "rows": [{"fields": [{"name": "Base URL", "value": "https://people.example.net/api"}], "defaultRow": true}]
            }],
            "fields": [
                {"name": "Authentication Method", "value": "Basic Authentication"},
                {"name": "Username", "value": "svc-pf"},
                {"name": "Password", "value": "Rest-Secret-9"}
            ]
        }
    })
}

fn config_field<'a>(fields: &'a Value, name: &str) -> &'a Value {
    fields
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["name"] == name)
        .unwrap_or_else(|| panic!("field {name} in {fields}"))
}

#[tokio::test]
async fn custom_store_is_filled_from_its_descriptor() {
    let api = Api::start().await;
    let created = api.post("/dataStores", &custom_store("peopleApi")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = &created.body;
    assert_eq!(
        body["pluginDescriptorRef"]["location"],
        format!(
            "{}/dataStores/descriptors/com.pingidentity.pf.datastore.other.RestDataSourceDriver",
            api.base
        )
    );
    let descriptor = api
        .get("/dataStores/descriptors/com.pingidentity.pf.datastore.other.RestDataSourceDriver")
        .await;
    assert_eq!(descriptor.status, StatusCode::OK);
    let descriptor_fields = descriptor.body["configDescriptor"]["fields"]
        .as_array()
        .unwrap();
    let fields = &body["configuration"]["fields"];
    assert_eq!(fields.as_array().unwrap().len(), descriptor_fields.len());
    assert_eq!(config_field(fields, "Read Timeout (ms)")["value"], "10000");
    assert_eq!(config_field(fields, "Retry Error Codes")["value"], "429");
    assert_eq!(config_field(fields, "Username")["value"], "svc-pf");
    let password = config_field(fields, "Password");
    assert!(password.get("value").is_none());
    assert!(
        password["encryptedValue"]
            .as_str()
            .unwrap()
            .starts_with("eyJ")
    );
    assert!(!created.text.contains("Rest-Secret-9"));
    let tables = body["configuration"]["tables"].as_array().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["Base URLs and Tags", "HTTP Request Headers", "Attributes"]
    );
    // Rows are kept as sent (the REST store's base URL table has no "Default Source"
    // column; `defaultRow` marks the default row).
    assert_eq!(
        tables[0]["rows"][0],
        json!({"fields": [{"name": "Base URL", "value": "https://people.example.net/api"}], "defaultRow": true})
    );

    // Sending the GET body back keeps the encrypted value.
    let replaced = api.put("/dataStores/peopleApi", body).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(
        config_field(&replaced.body["configuration"]["fields"], "Password")["encryptedValue"],
        password["encryptedValue"]
    );
}

#[tokio::test]
async fn custom_store_keeps_what_no_descriptor_rule_covers() {
    // No source says PingFederate refuses an unknown plugin, field or value: kept as
    // sent. A field without a name is refused (spec `ConfigField.required`).
    let api = Api::start().await;
    let mut unknown_plugin = custom_store("a");
    unknown_plugin["pluginDescriptorRef"]["id"] = json!("com.example.NoSuchPlugin");
    let reply = api.post("/dataStores", &unknown_plugin).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);

    let mut unknown_field = custom_store("b");
    unknown_field["name"] = json!("People API b");
    unknown_field["configuration"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Bogus Setting", "value": "1"}));
    let reply = api.post("/dataStores", &unknown_field).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(
        config_field(&reply.body["configuration"]["fields"], "Bogus Setting")["value"],
        "1"
    );

    let mut nameless = custom_store("c");
    nameless["configuration"]["fields"][0] = json!({"value": "Kerberos"});
    let reply = api.post("/dataStores", &nameless).await;
    assert_validation_error(&reply, "configuration.fields[0].name");
}

#[tokio::test]
async fn encrypted_password_is_write_only_stable_and_replaceable() {
    let api = Api::start().await;
    let created = api.post("/dataStores", &jdbc("secrets")).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let encrypted = created.body["encryptedPassword"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(created.body.get("password").is_none());

    let first = api.get("/dataStores/secrets").await;
    let second = api.get("/dataStores/secrets").await;
    assert_eq!(first.body["encryptedPassword"], encrypted.as_str());
    assert_eq!(second.body["encryptedPassword"], encrypted.as_str());

    // Same encrypted value back: the secret is kept.
    let kept = api.put("/dataStores/secrets", &first.body).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    assert_eq!(kept.body["encryptedPassword"], encrypted.as_str());

    // A new plain password replaces it.
    let mut changed = first.body.clone();
    changed.as_object_mut().unwrap().remove("encryptedPassword");
    changed["password"] = json!("rotated-Secret2");
    let rotated = api.put("/dataStores/secrets", &changed).await;
    assert_eq!(rotated.status, StatusCode::OK);
    let rotated_value = rotated.body["encryptedPassword"].as_str().unwrap();
    assert_ne!(rotated_value, encrypted);
    assert!(rotated.body.get("password").is_none());

    // A value this server did not produce is refused.
    let mut bogus = first.body.clone();
    bogus["encryptedPassword"] = json!("eyJhbGciOiJkaXIifQ..AAAA.BBBB.CCCC");
    let refused = api.put("/dataStores/secrets", &bogus).await;
    assert_validation_error(&refused, "encryptedPassword");

    // Neither: the secret is cleared.
    let mut cleared = first.body.clone();
    cleared.as_object_mut().unwrap().remove("encryptedPassword");
    let reply = api.put("/dataStores/secrets", &cleared).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.get("encryptedPassword").is_none(),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn ids_are_generated_per_type_when_absent() {
    let api = Api::start().await;
    let mut without_id = jdbc("x");
    without_id.as_object_mut().unwrap().remove("id");
    let mut ldap_without_id = ldap("x", "gen.example.net:389");
    ldap_without_id.as_object_mut().unwrap().remove("id");
    let mut custom_without_id = custom_store("x");
    custom_without_id.as_object_mut().unwrap().remove("id");
    for (body, prefix) in [
        (without_id, "JDBC-"),
        (ldap_without_id, "LDAP-"),
        (custom_without_id, "CUSTOM-"),
    ] {
        let created = api.post("/dataStores", &body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let id = created.body["id"].as_str().unwrap();
        let hex = id
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{id} starts with {prefix}"));
        assert_eq!(hex.len(), 40, "{id}");
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)),
            "{id}"
        );
        assert_eq!(
            api.get(&format!("/dataStores/{id}")).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn ids_must_be_new_and_well_formed() {
    let api = Api::start().await;
    assert_eq!(
        api.post("/dataStores", &jdbc("dup")).await.status,
        StatusCode::CREATED
    );
    let mut again = jdbc("dup");
    again["connectionUrl"] = json!("jdbc:h2:mem:other");
    assert_validation_error(&api.post("/dataStores", &again).await, "id");
    assert_validation_error(&api.post("/dataStores", &jdbc("bad id!")).await, "id");
    let mismatch = api.put("/dataStores/dup", &jdbc("other")).await;
    assert_validation_error(&mismatch, "id");
}

#[tokio::test]
async fn missing_required_fields_are_reported_with_their_paths() {
    let api = Api::start().await;
    let mut body = jdbc("incomplete");
    body.as_object_mut().unwrap().remove("driverClass");
    let reply = api.post("/dataStores", &body).await;
    assert_validation_error(&reply, "driverClass");
    assert!(
        reply.text.contains("Driver class is required."),
        "{}",
        reply.text
    );

    let reply = api
        .post(
            "/dataStores",
            &json!({"type": "LDAP", "hostnames": ["h:389"]}),
        )
        .await;
    assert_validation_error(&reply, "ldapType");

    let reply = api.post("/dataStores", &json!({"id": "x"})).await;
    assert_validation_error(&reply, "type");
}

#[tokio::test]
async fn malformed_bodies_and_unknown_types_are_400() {
    let api = Api::start().await;
    let malformed = Api::send(
        api.request(Method::POST, "/dataStores")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let unknown_type = api
        .post("/dataStores", &json!({"type": "MONGO", "id": "m"}))
        .await;
    assert_eq!(unknown_type.status, StatusCode::BAD_REQUEST);
    let unknown_enum = api
        .post(
            "/dataStores",
            &json!({"type": "LDAP", "id": "l", "ldapType": "NOVELL", "hostnames": ["h:389"]}),
        )
        .await;
    assert_eq!(unknown_enum.status, StatusCode::BAD_REQUEST);
    let misspelt = api
        .post(
            "/dataStores",
            &json!({"type": "JDBC", "id": "j", "driverClass": "d", "connectionURL": "x"}),
        )
        .await;
    assert_eq!(misspelt.status, StatusCode::BAD_REQUEST);
    assert!(misspelt.text.contains("connectionURL"), "{}", misspelt.text);
}

#[tokio::test]
async fn unknown_ids_are_404_api_results() {
    let api = Api::start().await;
    for reply in [
        api.get("/dataStores/nope").await,
        api.put("/dataStores/nope", &jdbc("nope")).await,
        api.delete("/dataStores/nope").await,
        api.get("/dataStores/descriptors/com.example.Nope").await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
        assert_eq!(reply.body["resultId"], "resource_not_found");
        assert!(
            reply.body["message"].as_str().unwrap().contains("nope")
                || reply.body["message"].as_str().unwrap().contains("Nope")
        );
    }
}

#[tokio::test]
async fn stores_in_use_cannot_be_deleted() {
    let api = Api::start().await;
    let refused = api.delete("/dataStores/ProvisionerDS").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["message"], ENVELOPE);
    assert!(
        refused.text.contains("outbound provisioning"),
        "{}",
        refused.text
    );
    assert_eq!(
        api.get("/dataStores/ProvisionerDS").await.status,
        StatusCode::OK
    );

    assert_eq!(
        api.post("/dataStores", &jdbc("spare")).await.status,
        StatusCode::CREATED
    );
    let deleted = api.delete("/dataStores/spare").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.text.is_empty());
    assert_eq!(
        api.get("/dataStores/spare").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn outbound_provisioning_needs_an_existing_jdbc_store() {
    let api = Api::start().await;
    let path = "/serverSettings/outboundProvisioning";
    // An id that names no data store is accepted (the real export holds `"id": ""`).
    let unknown = api
        .put(path, &json!({"dataStoreRef": {"id": "missing"}}))
        .await;
    assert_eq!(unknown.status, StatusCode::OK, "{}", unknown.text);

    assert_eq!(
        api.post("/dataStores", &ldap("dir", "dir.example.net:389"))
            .await
            .status,
        StatusCode::CREATED
    );
    let not_jdbc = api.put(path, &json!({"dataStoreRef": {"id": "dir"}})).await;
    assert_validation_error(&not_jdbc, "dataStoreRef");
    assert!(not_jdbc.text.contains("JDBC"));

    assert_validation_error(
        &api.put(path, &json!({"synchronizationFrequency": 30}))
            .await,
        "dataStoreRef",
    );

    assert_eq!(
        api.post("/dataStores", &jdbc("pg")).await.status,
        StatusCode::CREATED
    );
    let moved = api.put(path, &json!({"dataStoreRef": {"id": "pg"}})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["synchronizationFrequency"], 60);
    assert_eq!(
        moved.body["dataStoreRef"]["location"],
        format!("{}/dataStores/pg", api.base)
    );
    assert_eq!(api.get(path).await.body, moved.body);
    // The old store is free now, the new one is protected.
    assert_eq!(
        api.delete("/dataStores/ProvisionerDS").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.delete("/dataStores/pg").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn unreachable_targets_fail_the_connection_test_unless_bypassed() {
    let api = Api::start().await;
    let body = ldap("far", "unreachable.example.net:636");
    let failed = api.post("/dataStores", &body).await;
    assert_validation_error(&failed, "hostnames");
    assert_eq!(
        failed.body["validationErrors"][0]["errorId"],
        "connection_test_failed"
    );

    let bypassed = Api::send(
        api.request(Method::POST, "/dataStores")
            .header("X-BypassExternalValidation", "true")
            .json(&body),
    )
    .await;
    assert_eq!(bypassed.status, StatusCode::CREATED, "{}", bypassed.text);

    assert_eq!(
        api.post("/dataStores", &jdbc("db")).await.status,
        StatusCode::CREATED
    );
    let mut moved = jdbc("db");
    moved["connectionUrl"] = json!("jdbc:postgresql://unreachable:5432/x");
    assert_validation_error(&api.put("/dataStores/db", &moved).await, "connectionUrl");
}

#[tokio::test]
async fn faults_are_injected_and_requests_are_logged() {
    let api = Api::start().await;
    api.get("/version").await;
    let cleared = api.control_send(Method::DELETE, "/requests", None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    let before = api.sandbox.request_count();

    let queued = api
        .control_send(
            Method::POST,
            "/faults",
            Some(&json!({
                "method": "GET", "path": "/dataStores", "status": 503, "count": 1, "retry_after": 1
            })),
        )
        .await;
    assert_eq!(queued.status, StatusCode::CREATED, "{}", queued.text);
    api.control_send(
        Method::POST,
        "/faults",
        Some(&json!({
            "path": "/serverSettings/outboundProvisioning", "status": 429, "count": 2
        })),
    )
    .await;

    let faulted = api.get("/dataStores").await;
    assert_eq!(faulted.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(faulted.headers["retry-after"], "1");
    assert_eq!(faulted.body["resultId"], "injected_fault");
    assert_eq!(api.get("/dataStores").await.status, StatusCode::OK);
    assert_eq!(
        api.get("/serverSettings/outboundProvisioning").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        api.get("/serverSettings/outboundProvisioning").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        api.get("/serverSettings/outboundProvisioning").await.status,
        StatusCode::OK
    );

    let log = api.control_send(Method::GET, "/requests", None).await;
    assert_eq!(log.status, StatusCode::OK);
    assert_eq!(
        without_times(&log.body["requests"]),
        json!([
            {"method": "GET", "path": "/dataStores", "status": 503},
            {"method": "GET", "path": "/dataStores", "status": 200},
            {"method": "GET", "path": "/serverSettings/outboundProvisioning", "status": 429},
            {"method": "GET", "path": "/serverSettings/outboundProvisioning", "status": 429},
            {"method": "GET", "path": "/serverSettings/outboundProvisioning", "status": 200}
        ])
    );
    assert_eq!(api.sandbox.request_count(), before + 5);

    let unauthenticated_control =
        Api::send(api.client.get(format!("{}/_sandbox/requests", api.root()))).await;
    assert_eq!(unauthenticated_control.status, StatusCode::UNAUTHORIZED);
    let bad_fault = Api::send(
        api.control(Method::POST, "/faults")
            .json(&json!({"path": "/x", "status": 42})),
    )
    .await;
    assert_eq!(bad_fault.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_delay_only_fault_slows_the_request_down() {
    let api = Api::start().await;
    Api::send(
        api.control(Method::POST, "/faults")
            .json(&json!({"path": "/version", "delay_ms": 300})),
    )
    .await;
    let started = std::time::Instant::now();
    let reply = api.get("/version").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn the_data_file_survives_a_restart_without_plain_secrets() {
    let folder = tempfile::tempdir().unwrap();
    let data_file = folder.path().join("sandbox.json");
    let options = SandboxOptions {
        data_file: Some(data_file.clone()),
        ..SandboxOptions::default()
    };
    let api = Api::start_with(options.clone()).await;
    let mut body = jdbc("persisted");
    body["password"] = json!("Persist-Secret-123");
    let created = api.post("/dataStores", &body).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let custom = api
        .post("/dataStores", &custom_store("restPersisted"))
        .await;
    assert_eq!(custom.status, StatusCode::CREATED);
    let moved = api
        .put(
            "/serverSettings/outboundProvisioning",
            &json!({"dataStoreRef": {"id": "persisted"}, "synchronizationFrequency": 90}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    api.sandbox.shutdown().await;

    let text = std::fs::read_to_string(&data_file).unwrap();
    assert!(text.contains("persisted"));
    assert!(
        !text.contains("Persist-Secret-123"),
        "plain secret in the data file"
    );
    assert!(
        !text.contains("Rest-Secret-9"),
        "plain secret in the data file"
    );
    let leftovers: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let restarted = Api::start_with(options).await;
    let fetched = restarted.get("/dataStores/persisted").await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(
        fetched.body["encryptedPassword"],
        created.body["encryptedPassword"]
    );
    // The master key came back too: the old encrypted value is still accepted.
    let kept = restarted.put("/dataStores/persisted", &fetched.body).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    let settings = restarted.get("/serverSettings/outboundProvisioning").await;
    assert_eq!(settings.body["synchronizationFrequency"], 90);
    assert_eq!(
        restarted.get("/dataStores/restPersisted").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unreadable_data_file_is_named_in_the_error() {
    let folder = tempfile::tempdir().unwrap();
    let data_file = folder.path().join("broken.json");
    std::fs::write(&data_file, "{ not json").unwrap();
    let error = pingform_sandbox::Sandbox::start(SandboxOptions {
        data_file: Some(data_file.clone()),
        ..SandboxOptions::default()
    })
    .await
    .err()
    .expect("start fails");
    assert!(error.to_string().contains("broken.json"), "{error}");
}

#[tokio::test]
async fn a_busy_address_is_named_in_the_error() {
    let api = Api::start().await;
    let error = pingform_sandbox::Sandbox::start(SandboxOptions {
        listen: api.sandbox.address(),
        ..SandboxOptions::default()
    })
    .await
    .err()
    .expect("second bind fails");
    assert!(
        error
            .to_string()
            .contains(&api.sandbox.address().to_string()),
        "{error}"
    );
}

#[tokio::test]
async fn plain_http_mode_has_no_certificate() {
    let api = Api::start_with(SandboxOptions {
        tls: false,
        ..SandboxOptions::default()
    })
    .await;
    assert!(api.base.starts_with("http://127.0.0.1:"));
    assert!(api.sandbox.ca_certificate_pem().is_none());
    assert_eq!(api.get("/version").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_certificate_can_be_written_for_a_ca_file() {
    let api = Api::start().await;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("ca.pem");
    api.sandbox.write_ca_certificate(&path).unwrap();
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    // A client that trusts the file reaches the sandbox by name too.
    let client = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let url = api.base.replace("127.0.0.1", "localhost");
    let reply = client
        .get(format!("{url}/version"))
        .basic_auth("Administrator", Some("2FederateM0re"))
        .header("X-XSRF-Header", "PingFederate")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_admin_paths_are_404_and_still_need_the_xsrf_header() {
    let api = Api::start().await;
    let unknown = api.get("/idp/adapters").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["resultId"], "resource_not_found");
    let without_header = Api::send(
        api.client
            .get(format!("{}/idp/adapters", api.base))
            .basic_auth("Administrator", Some("2FederateM0re")),
    )
    .await;
    assert_eq!(without_header.status, StatusCode::FORBIDDEN);
    let log = api.control_send(Method::GET, "/requests", None).await;
    assert_eq!(
        without_times(&log.body["requests"]),
        json!([
            {"method": "GET", "path": "/idp/adapters", "status": 404},
            {"method": "GET", "path": "/idp/adapters", "status": 403}
        ])
    );
}

#[tokio::test]
async fn custom_encrypted_fields_refuse_foreign_values_and_clear_when_omitted() {
    let api = Api::start().await;
    let created = api.post("/dataStores", &custom_store("rest")).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let fields = created.body["configuration"]["fields"].as_array().unwrap();
    let index = fields
        .iter()
        .position(|field| field["name"] == "Password")
        .unwrap();

    let mut foreign = created.body.clone();
    foreign["configuration"]["fields"][index]["encryptedValue"] =
        json!("eyJhbGciOiJkaXIifQ..AAAA.BBBB.CCCC");
    let refused = api.put("/dataStores/rest", &foreign).await;
    assert_validation_error(
        &refused,
        &format!("configuration.fields[{index}].encryptedValue"),
    );

    let mut omitted = created.body.clone();
    omitted["configuration"]["fields"][index]
        .as_object_mut()
        .unwrap()
        .remove("encryptedValue");
    let cleared = api.put("/dataStores/rest", &omitted).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert!(
        config_field(&cleared.body["configuration"]["fields"], "Password")
            .get("encryptedValue")
            .is_none()
    );
}

#[tokio::test]
async fn a_data_store_can_change_type() {
    // No source says PingFederate refuses it.
    let api = Api::start().await;
    assert_eq!(
        api.post("/dataStores", &jdbc("typed")).await.status,
        StatusCode::CREATED
    );
    let reply = api
        .put("/dataStores/typed", &ldap("typed", "typed.example.net:389"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["type"], "LDAP");
}

/// The request log without its timings, after checking each request's answer left
/// no earlier than it arrived.
fn without_times(log: &serde_json::Value) -> serde_json::Value {
    let entries = log.as_array().expect("the request log is a list");
    serde_json::Value::Array(
        entries
            .iter()
            .map(|entry| {
                let started = entry["started_ms"].as_u64().expect("started_ms");
                let finished = entry["finished_ms"].as_u64().expect("finished_ms");
                assert!(started <= finished, "{entry}");
                let mut entry = entry.clone();
                let object = entry.as_object_mut().unwrap();
                object.remove("started_ms");
                object.remove("finished_ms");
                entry
            })
            .collect(),
    )
}
