//! Every body the sandbox returns is checked against the official PingFederate 12.1.0.4
//! OpenAPI spec (`tests/data/pingfederate-admin-api/`), using the schema the spec itself
//! declares for that operation and status.
//!
//! The 12.1 spec removed `ResourceLink.location`, which the live server returns; the
//! spec is patched to declare it (as the unedited 12.0 spec does, see
//! `the_location_patch_matches_the_unedited_12_0_spec`). `password` is marked
//! `writeOnly` so that a response leaking it fails, and so is the PingOne connection's
//! `credential` ("This field will not be populated for GET requests").

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::support::openapi::{
    Direction, Spec, Strictness, request_schema_errors, schema_errors, schema_errors_with,
};
use crate::support::sandbox_client::Api;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn spec_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pingfederate-admin-api")
        .join(file)
}

fn raw_spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::load(&spec_path("pf-swagger-12.1.0.4.yaml")).unwrap())
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut spec = Spec::load(&spec_path("pf-swagger-12.1.0.4.yaml"))
            .unwrap()
            .with_resource_link_location()
            .unwrap();
        spec.mark_write_only("JdbcDataStore", "password").unwrap();
        spec.mark_write_only("LdapDataStore", "password").unwrap();
        spec.mark_write_only("PingOneConnection", "credential")
            .unwrap();
        spec
    })
}

/// Asserts that `body` conforms to what the spec declares for `path`/`method`/`status`.
fn assert_conforms(path: &str, method: &str, status: &str, body: &Value) {
    let schema = spec()
        .response_schema_name(path, method, status)
        .unwrap_or_else(|| panic!("the spec declares no {status} body for {method} {path}"));
    let errors = schema_errors(spec(), &schema, body);
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not conform to {schema}:\n{}\nbody: {body:#}",
        errors.join("\n")
    );
}

// --- the validator itself -------------------------------------------------------------

#[test]
fn the_spec_loads_and_names_its_response_schemas() {
    assert_eq!(raw_spec().version(), Some("12.1.0.4"));
    assert_eq!(
        spec()
            .response_schema_name("/dataStores/{id}", "get", "200")
            .as_deref(),
        Some("DataStoreAggregation")
    );
    assert_eq!(
        spec()
            .response_schema_name("/dataStores/{id}", "get", "404")
            .as_deref(),
        Some("ApiResult")
    );
    assert_eq!(
        spec().request_schema_name("/dataStores", "post").as_deref(),
        Some("DataStoreAggregation")
    );
}

#[test]
fn the_validator_reports_type_enum_required_and_unknown_property_errors() {
    let bad = json!({
        "type": "LDAP",
        "ldapType": "NOVELL",
        "hostnames": "ldap:389",
        "useSsl": "yes",
        "minConnections": 3000000000_i64,
        "hostName": "typo"
    });
    let errors = schema_errors(spec(), "DataStoreAggregation", &bad);
    let joined = errors.join("\n");
    for expected in [
        "$.ldapType: \"NOVELL\" is not one of",
        "$.hostnames: expected array, found string",
        "$.useSsl: expected boolean, found string",
        "$.minConnections: 3000000000 does not fit in int32",
        "$.hostName: property is not declared",
    ] {
        assert!(
            joined.contains(expected),
            "missing «{expected}» in:\n{joined}"
        );
    }
    let lenient = schema_errors_with(
        spec(),
        "DataStoreAggregation",
        &json!({"type": "LDAP", "ldapType": "GENERIC", "hostName": "typo"}),
        Direction::Response,
        Strictness::Lenient,
    );
    assert!(lenient.is_empty(), "{lenient:?}");
}

#[test]
fn the_validator_dispatches_base_discriminators_without_a_mapping() {
    // `DataStores.items` refers to the base `DataStore`; `type: JDBC` must select
    // `JdbcDataStore`, whose required `driverClass` is then enforced.
    let errors = schema_errors(
        spec(),
        "DataStores",
        &json!({"items": [{"type": "JDBC", "connectionUrl": "jdbc:h2:mem:x"}]}),
    );
    assert_eq!(
        errors,
        ["$.items[0]: missing required property 'driverClass'"]
    );
    // `FieldDescriptor` values are `TEXT`, `CHECK_BOX`...: `encrypted` belongs to TEXT only.
    assert!(
        schema_errors(
            spec(),
            "FieldDescriptor",
            &json!({"type": "TEXT", "name": "a", "encrypted": true})
        )
        .is_empty()
    );
    let check_box = schema_errors(
        spec(),
        "FieldDescriptor",
        &json!({"type": "CHECK_BOX", "name": "a", "encrypted": true}),
    );
    assert_eq!(check_box.len(), 1, "{check_box:?}");
    let unknown = schema_errors(spec(), "DataStoreAggregation", &json!({"type": "MONGO"}));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
}

#[test]
fn the_validator_enforces_read_only_write_only_and_nullable() {
    let leaked = schema_errors(
        spec(),
        "JdbcDataStore",
        &json!({"type": "JDBC", "driverClass": "d", "connectionUrl": "u", "password": "p"}),
    );
    assert_eq!(
        leaked,
        ["$.password: property is writeOnly and may not appear here"]
    );
    let request = request_schema_errors(
        spec(),
        "JdbcDataStore",
        &json!({"type": "JDBC", "driverClass": "d", "connectionUrl": "u", "password": "p"}),
    );
    assert!(request.is_empty(), "{request:?}");
    let location_in_request = request_schema_errors(
        spec(),
        "ResourceLink",
        &json!({"id": "a", "location": "https://x"}),
    );
    assert_eq!(
        location_in_request,
        ["$.location: property is readOnly and may not appear here"]
    );
    let null_id = schema_errors(spec(), "ResourceLink", &json!({"id": null}));
    assert_eq!(null_id.len(), 1, "{null_id:?}");
    assert!(null_id[0].contains("not nullable"));
    let bad_date = schema_errors(
        spec(),
        "DataStoreAggregation",
        &json!({"type": "CUSTOM", "name": "n", "pluginDescriptorRef": {"id": "x"}, "configuration": {}, "lastModified": "yesterday"}),
    );
    assert_eq!(bad_date.len(), 1, "{bad_date:?}");
}

#[test]
fn the_location_patch_matches_the_unedited_12_0_spec() {
    let unedited = Spec::load(&spec_path("pf-swagger-12.0.0.9-unedited.yaml")).unwrap();
    assert_eq!(
        unedited.schema("ResourceLink").unwrap()["properties"]["location"]["type"],
        "string"
    );
    assert!(
        raw_spec().schema("ResourceLink").unwrap()["properties"]
            .get("location")
            .is_none()
    );
    let link = json!({"id": "ProvisionerDS", "location": "https://127.0.0.1:9999/pf-admin-api/v1/dataStores/ProvisionerDS"});
    assert!(schema_errors(&unedited, "ResourceLink", &link).is_empty());
    assert_eq!(schema_errors(raw_spec(), "ResourceLink", &link).len(), 1);
    assert!(schema_errors(spec(), "ResourceLink", &link).is_empty());
}

// --- the sandbox's responses ------------------------------------------------------------

fn request_bodies() -> Vec<Value> {
    vec![
        json!({
            "type": "JDBC", "id": "provisionerPg", "driverClass": "org.postgresql.Driver",
            "connectionUrl": "jdbc:postgresql://db.example.net:5432/pfprov",
            "userName": "pfprov", "password": "another-Secret1", "validateConnectionSql": "SELECT 1"
        }),
        json!({
            "type": "LDAP", "id": "corpDirectory", "ldapType": "PING_DIRECTORY",
            "hostnames": ["ldap1.example.net:636", "ldap2.example.net:636"],
            "userDN": "cn=pf-reader,ou=svc,dc=example,dc=net", "password": "s3cret-Value", "useSsl": true,
            "clientTlsCertificateRef": {"id": "sslClientKey"}
        }),
        json!({
            "type": "CUSTOM", "id": "peopleApi", "name": "People API",
            "pluginDescriptorRef": {"id": "com.pingidentity.pf.datastore.other.RestDataSourceDriver"},
            "configuration": {
                "tables": [{"name": "Base URLs and Tags", "rows": [{"fields": [{"name": "Base URL", "value": "https://people.example.net"}], "defaultRow": true}]}],
                "fields": [{"name": "Authentication Method", "value": "OAuth 2.0 Bearer Token"}, {"name": "Client Secret", "value": "cs-1"}]
            }
        }),
        json!({
            "type": "PING_ONE_LDAP_GATEWAY", "id": "gateway", "ldapType": "PING_DIRECTORY",
            "pingOneConnectionRef": {"id": "p1conn"}, "pingOneEnvironmentId": "env-1", "pingOneLdapGatewayId": "gw-1"
        }),
    ]
}

#[tokio::test]
async fn data_store_bodies_conform_for_every_type() {
    let api = Api::start().await;
    for body in request_bodies() {
        let request_errors = request_schema_errors(spec(), "DataStoreAggregation", &body);
        assert!(
            request_errors.is_empty(),
            "test request body: {request_errors:?}"
        );
        let created = api.post("/dataStores", &body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_conforms("/dataStores", "post", "201", &created.body);
        let id = created.body["id"].as_str().unwrap();
        let fetched = api.get(&format!("/dataStores/{id}")).await;
        assert_conforms("/dataStores/{id}", "get", "200", &fetched.body);
        let replaced = api.put(&format!("/dataStores/{id}"), &fetched.body).await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
        assert_conforms("/dataStores/{id}", "put", "200", &replaced.body);
        // What a GET returns is also a valid request body once read-only fields go.
        let mut resend = fetched.body.clone();
        strip_read_only(&mut resend);
        let resend_errors = request_schema_errors(spec(), "DataStoreAggregation", &resend);
        assert!(resend_errors.is_empty(), "{resend_errors:?}");
    }
    let list = api.get("/dataStores").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 5);
    assert_conforms("/dataStores", "get", "200", &list.body);
}

fn strip_read_only(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.remove("location");
            for child in object.values_mut() {
                strip_read_only(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_read_only),
        _ => {}
    }
}

#[tokio::test]
async fn server_settings_outbound_provisioning_version_and_descriptors_conform() {
    let api = Api::start().await;
    assert_conforms("/version", "get", "200", &api.get("/version").await.body);
    let server_settings = api.get("/serverSettings").await;
    assert_eq!(server_settings.status, StatusCode::OK);
    assert_conforms("/serverSettings", "get", "200", &server_settings.body);
    let settings = api.get("/serverSettings/outboundProvisioning").await;
    assert_conforms(
        "/serverSettings/outboundProvisioning",
        "get",
        "200",
        &settings.body,
    );
    let replaced = api
        .put(
            "/serverSettings/outboundProvisioning",
            &json!({"dataStoreRef": {"id": "ProvisionerDS"}, "synchronizationFrequency": 120}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK);
    assert_conforms(
        "/serverSettings/outboundProvisioning",
        "put",
        "200",
        &replaced.body,
    );

    let descriptors = api.get("/dataStores/descriptors").await;
    assert_conforms("/dataStores/descriptors", "get", "200", &descriptors.body);
    let one = api
        .get("/dataStores/descriptors/com.pingidentity.pf.datastore.other.RestDataSourceDriver")
        .await;
    assert_conforms("/dataStores/descriptors/{id}", "get", "200", &one.body);
}

#[tokio::test]
async fn error_bodies_conform_to_api_result() {
    let api = Api::start().await;
    let not_found = api.get("/dataStores/missing").await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert_conforms("/dataStores/{id}", "get", "404", &not_found.body);

    let invalid = api
        .post("/dataStores", &json!({"type": "JDBC", "id": "x"}))
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("/dataStores", "post", "422", &invalid.body);

    let in_use = api.delete("/dataStores/ProvisionerDS").await;
    assert_eq!(in_use.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("/dataStores/{id}", "delete", "422", &in_use.body);

    let settings = api
        .put(
            "/serverSettings/outboundProvisioning",
            &json!({"synchronizationFrequency": 60}),
        )
        .await;
    assert_eq!(settings.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms(
        "/serverSettings/outboundProvisioning",
        "put",
        "422",
        &settings.body,
    );
}

// --- PingOne connections and SP connections -------------------------------------------

fn provisioning_connection_body(environment_id: &str) -> Value {
    json!({
        "type": "SP", "id": "p1Provisioning", "name": "PingOne provisioning",
        "entityId": "pingone-prov", "active": true, "connectionTargetType": "STANDARD",
        "outboundProvision": {
            "type": "PingOne",
            "targetSettings": [
                {"name": "PINGONE_ENVIRONMENT", "value": format!("p1conn|{environment_id}")},
                {"name": "REMOVE_ACTION", "value": "Disable"}
            ],
            "channels": [{
                "name": "employees", "active": true, "maxThreads": 2, "timeout": 90,
                "channelSource": {
                    "dataSource": {"id": "corpDirectory"},
                    "baseDn": "ou=people,dc=example,dc=net",
                    "guidAttributeName": "entryUUID", "guidBinary": false,
                    "changeDetectionSettings": {
                        "userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames",
                        "changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION",
                        "timeStampAttributeName": "modifyTimestamp"
                    },
                    "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
                    "accountManagementSettings": {
                        "accountStatusAttributeName": "nsaccountlock",
                        "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG",
                        "flagComparisonValue": "true"
                    },
                    "userSourceLocation": {"filter": "(objectClass=inetOrgPerson)"},
                    "groupSourceLocation": {"groupDN": "ou=groups,dc=example,dc=net"}
                },
                "attributeMapping": [
                    {"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid"]}},
                    {"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "pop"}}
                ]
            }]
        }
    })
}

#[tokio::test]
async fn pingone_connection_bodies_conform() {
    let api = Api::start().await;
    let request = json!({"id": "p1conn", "name": "PingOne", "credential": "Y3JlZGVudGlhbA=="});
    let request_errors = request_schema_errors(spec(), "PingOneConnection", &request);
    assert!(request_errors.is_empty(), "{request_errors:?}");
    let created = api.post("/pingOneConnections", &request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_conforms("/pingOneConnections", "post", "201", &created.body);
    let fetched = api.get("/pingOneConnections/p1conn").await;
    assert_conforms("/pingOneConnections/{id}", "get", "200", &fetched.body);
    let replaced = api.put("/pingOneConnections/p1conn", &fetched.body).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_conforms("/pingOneConnections/{id}", "put", "200", &replaced.body);
    let list = api.get("/pingOneConnections").await;
    assert_conforms("/pingOneConnections", "get", "200", &list.body);

    // The validator would catch a leaked credential.
    let mut leaked = fetched.body.clone();
    leaked["credential"] = json!("plain");
    assert_eq!(schema_errors(spec(), "PingOneConnection", &leaked).len(), 1);

    let invalid = api
        .post("/pingOneConnections", &json!({"description": "no name"}))
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("/pingOneConnections", "post", "422", &invalid.body);
    let missing = api.get("/pingOneConnections/missing").await;
    assert_conforms("/pingOneConnections/{id}", "get", "404", &missing.body);
}

#[tokio::test]
async fn sp_connection_bodies_conform() {
    let api = Api::start().await;
    let store = api
        .post(
            "/dataStores",
            &json!({"type": "LDAP", "id": "corpDirectory", "ldapType": "PING_DIRECTORY",
                    "hostnames": ["ldap.example.net:636"], "userDN": "cn=r,dc=example,dc=net",
                    "password": "s3cret-Value"}),
        )
        .await;
    assert_eq!(store.status, StatusCode::CREATED, "{}", store.text);
    let connection = api
        .post(
            "/pingOneConnections",
            &json!({"id": "p1conn", "name": "PingOne", "credential": "Y3JlZGVudGlhbA=="}),
        )
        .await;
    assert_eq!(connection.status, StatusCode::CREATED);

    let body = provisioning_connection_body(api.sandbox.pingone_environment_id());
    let request_errors = request_schema_errors(spec(), "SpConnection", &body);
    assert!(
        request_errors.is_empty(),
        "test request body: {request_errors:?}"
    );
    let created = api.post("/idp/spConnections", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_conforms("/idp/spConnections", "post", "201", &created.body);
    let fetched = api.get("/idp/spConnections/p1Provisioning").await;
    assert_conforms("/idp/spConnections/{id}", "get", "200", &fetched.body);
    let replaced = api
        .put("/idp/spConnections/p1Provisioning", &fetched.body)
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_conforms("/idp/spConnections/{id}", "put", "200", &replaced.body);
    let list = api.get("/idp/spConnections").await;
    assert_conforms("/idp/spConnections", "get", "200", &list.body);
    let mut resend = fetched.body.clone();
    strip_read_only(&mut resend);
    for read_only in ["creationDate", "modificationDate"] {
        resend.as_object_mut().unwrap().remove(read_only);
    }
    let resend_errors = request_schema_errors(spec(), "SpConnection", &resend);
    assert!(resend_errors.is_empty(), "{resend_errors:?}");

    let mut bad = body.clone();
    bad["id"] = json!("other");
    bad["outboundProvision"]["channels"][0]["attributeMapping"] = json!([]);
    let invalid = api.post("/idp/spConnections", &bad).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("/idp/spConnections", "post", "422", &invalid.body);
    let active = api.delete("/idp/spConnections/p1Provisioning").await;
    assert_eq!(active.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("/idp/spConnections/{id}", "delete", "422", &active.body);
    let missing = api.get("/idp/spConnections/missing").await;
    assert_conforms("/idp/spConnections/{id}", "get", "404", &missing.body);
    let bad_query = api.get("/idp/spConnections?numberPerPage=-1").await;
    assert_eq!(bad_query.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("/idp/spConnections", "get", "422", &bad_query.body);
}
