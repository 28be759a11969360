//! What operating a real cluster needs, as the sandbox offers it: injected latency,
//! the cluster endpoints, OAuth 2.0 for the Admin API, a configurable version, and a
//! data file whose cost is the change's.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::client::{Api, Reply};
use common::real_objects::assert_conforms;
use pingform_sandbox::{AdminAuth, SandboxOptions};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

fn assert_status(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}", reply.text);
}

fn jdbc(id: &str) -> Value {
    json!({"type": "JDBC", "id": id, "driverClass": "org.h2.Driver",
        "connectionUrl": format!("jdbc:h2:mem:{id}"), "userName": "sa", "password": "pw"})
}

#[tokio::test]
async fn reads_and_writes_take_their_injected_latency() {
    let api = Api::start_with(SandboxOptions {
        read_latency: Duration::from_millis(150),
        write_latency: Duration::from_millis(400),
        ..SandboxOptions::default()
    })
    .await;
    let started = Instant::now();
    assert_status(&api.get("/dataStores").await, StatusCode::OK);
    let read = started.elapsed();
    let started = Instant::now();
    assert_status(
        &api.post("/dataStores", &jdbc("slow")).await,
        StatusCode::CREATED,
    );
    let write = started.elapsed();
    assert!(read >= Duration::from_millis(150), "{read:?}");
    assert!(write >= Duration::from_millis(400), "{write:?}");
    let started = Instant::now();
    assert_status(
        &api.delete("/dataStores/slow").await,
        StatusCode::NO_CONTENT,
    );
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn a_server_that_is_not_clustered_answers_403_without_a_body() {
    let api = Api::start().await;
    let status = api.get("/cluster/status").await;
    assert_status(&status, StatusCode::FORBIDDEN);
    assert!(status.text.is_empty(), "{}", status.text);
    let replicate = api.post("/cluster/replicate", &json!({})).await;
    assert_status(&replicate, StatusCode::FORBIDDEN);
    let control = api.control_send(Method::GET, "/admin/cluster", None).await;
    assert_eq!(
        control.body,
        json!({"clustered": false, "replicationRequired": false})
    );
    let forced = api
        .control_send(
            Method::PUT,
            "/admin/cluster",
            Some(&json!({"replicationRequired": true})),
        )
        .await;
    assert_status(&forced, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn in_a_cluster_writes_require_replication_and_replicating_clears_it() {
    let api = Api::start_with(SandboxOptions {
        cluster: true,
        ..SandboxOptions::default()
    })
    .await;
    let status = api.get("/cluster/status").await;
    assert_status(&status, StatusCode::OK);
    assert_conforms("/cluster/status", "get", "200", &status.body);
    assert_eq!(status.body["replicationRequired"], false);
    assert_eq!(status.body["mixedMode"], false);
    assert_eq!(status.body["nodes"][0]["mode"], "CLUSTERED_CONSOLE");
    assert_eq!(status.body["nodes"][0]["version"], "12.1.0.4");
    assert!(status.body.get("lastReplicationTime").is_none());

    // A refused write changes nothing, so it needs no replication.
    let refused = api.post("/dataStores", &json!({"type": "JDBC"})).await;
    assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        api.get("/cluster/status").await.body["replicationRequired"],
        false
    );

    assert_status(
        &api.post("/dataStores", &jdbc("db")).await,
        StatusCode::CREATED,
    );
    let status = api.get("/cluster/status").await;
    assert_eq!(status.body["replicationRequired"], true);
    let replicated = api.post("/cluster/replicate", &json!({})).await;
    assert_status(&replicated, StatusCode::OK);
    assert_conforms("/cluster/replicate", "post", "200", &replicated.body);
    let status = api.get("/cluster/status").await;
    assert_conforms("/cluster/status", "get", "200", &status.body);
    assert_eq!(status.body["replicationRequired"], false);
    assert!(status.body["lastReplicationTime"].is_string());

    let write = api.put("/dataStores/db", &jdbc("db")).await;
    assert_status(&write, StatusCode::OK);
    assert_eq!(
        api.get("/cluster/status").await.body["replicationRequired"],
        true
    );
    api.post("/cluster/replicate", &json!({})).await;
    let write = api
        .put(
            "/serverSettings/outboundProvisioning",
            &json!({"dataStoreRef": {"id": "db"}}),
        )
        .await;
    assert_status(&write, StatusCode::OK);
    assert_eq!(
        api.get("/cluster/status").await.body["replicationRequired"],
        true
    );
    api.post("/cluster/replicate", &json!({})).await;
    assert_status(
        &api.delete("/dataStores/ProvisionerDS").await,
        StatusCode::NO_CONTENT,
    );
    assert_eq!(
        api.get("/cluster/status").await.body["replicationRequired"],
        true
    );

    // The control API reads and forces the flag.
    let forced = api
        .control_send(
            Method::PUT,
            "/admin/cluster",
            Some(&json!({"replicationRequired": true})),
        )
        .await;
    assert_status(&forced, StatusCode::OK);
    assert_eq!(
        forced.body,
        json!({"clustered": true, "replicationRequired": true})
    );
    assert_eq!(
        api.get("/cluster/status").await.body["replicationRequired"],
        true
    );
}

async fn admin_token(api: &Api, secret: &str) -> Reply {
    Api::send(
        api.client
            .post(api.sandbox.admin_token_url().expect("OAuth mode"))
            .basic_auth(api.sandbox.oauth_client_id(), Some(secret))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials"),
    )
    .await
}

#[tokio::test]
async fn in_oauth_mode_the_admin_api_takes_expiring_bearer_tokens_and_refuses_basic() {
    let mut api = Api::start_with(SandboxOptions {
        admin_auth: AdminAuth::OAuth,
        ..SandboxOptions::default()
    })
    .await;
    assert_eq!(api.sandbox.admin_auth(), AdminAuth::OAuth);
    let token_url = api
        .sandbox
        .admin_token_url()
        .expect("a token URL")
        .to_string();
    assert_eq!(token_url, format!("{}/as/token.oauth2", api.root()));

    // Basic credentials are refused with a Bearer challenge.
    let basic = api.get("/version").await;
    assert_status(&basic, StatusCode::UNAUTHORIZED);
    assert!(
        basic.headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let wrong = admin_token(&api, "not-the-secret").await;
    assert_status(&wrong, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["error"], "invalid_client");

    let secret = api.sandbox.oauth_client_secret().to_string();
    let issued = admin_token(&api, &secret).await;
    assert_status(&issued, StatusCode::OK);
    assert_eq!(issued.body["token_type"], "Bearer");
    assert_eq!(issued.body["expires_in"], 3600);
    // client_secret_post works too.
    let posted = Api::send(
        api.client
            .post(&token_url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&client_id={}&client_secret={secret}",
                api.sandbox.oauth_client_id()
            )),
    )
    .await;
    assert_status(&posted, StatusCode::OK);

    api.bearer = Some(issued.body["access_token"].as_str().unwrap().to_string());
    assert_status(&api.get("/version").await, StatusCode::OK);
    assert_status(
        &api.post("/dataStores", &jdbc("db")).await,
        StatusCode::CREATED,
    );

    // Expired tokens are a 401: all at once, or by a lifetime of zero.
    let expired = api
        .control_send(Method::POST, "/admin/expire-tokens", None)
        .await;
    assert_eq!(expired.body["expired"], 2);
    let refused = api.get("/version").await;
    assert_status(&refused, StatusCode::UNAUTHORIZED);
    assert!(
        refused.headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let lifetime = api
        .control_send(
            Method::PUT,
            "/admin/token-lifetime",
            Some(&json!({"seconds": 0})),
        )
        .await;
    assert_status(&lifetime, StatusCode::OK);
    let short = admin_token(&api, &secret).await;
    assert_eq!(short.body["expires_in"], 0);
    api.bearer = Some(short.body["access_token"].as_str().unwrap().to_string());
    assert_status(&api.get("/version").await, StatusCode::UNAUTHORIZED);
    api.bearer = Some("not-a-token".to_string());
    assert_status(&api.get("/version").await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn in_basic_mode_there_is_no_token_endpoint() {
    let api = Api::start().await;
    assert!(api.sandbox.admin_token_url().is_none());
    let reply = Api::send(
        api.client
            .post(format!("{}/as/token.oauth2", api.root()))
            .body("grant_type=client_credentials"),
    )
    .await;
    assert_status(&reply, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_reported_version_is_an_option() {
    let api = Api::start_with(SandboxOptions {
        version: "13.1.0.5".to_string(),
        ..SandboxOptions::default()
    })
    .await;
    let reply = api.get("/version").await;
    assert_conforms("/version", "get", "200", &reply.body);
    assert_eq!(reply.body, json!({"version": "13.1.0.5"}));
}

/// Lines of the data file, up to the zeros it is grown by ahead of its journal.
fn line_count(path: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.split('\0').next().unwrap_or_default().lines().count()
}

#[tokio::test]
async fn the_data_file_journals_each_write_and_is_compacted_at_shutdown() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("sandbox.json");
    let options = SandboxOptions {
        data_file: Some(path.clone()),
        ..SandboxOptions::default()
    };
    let api = Api::start_with(options.clone()).await;
    assert_eq!(line_count(&path), 1);
    assert_status(
        &api.post("/dataStores", &jdbc("one")).await,
        StatusCode::CREATED,
    );
    assert_status(
        &api.post("/dataStores", &jdbc("two")).await,
        StatusCode::CREATED,
    );
    let mut renamed = jdbc("one");
    renamed["name"] = json!("renamed");
    assert_status(&api.put("/dataStores/one", &renamed).await, StatusCode::OK);
    assert_status(&api.delete("/dataStores/two").await, StatusCode::NO_CONTENT);
    let connection = api
        .post(
            "/pingOneConnections",
            &json!({"name": "tenant", "credential": "blob"}),
        )
        .await;
    let sp = api
        .post(
            "/idp/spConnections",
            &json!({"id": "sp", "entityId": "sp", "name": "sp"}),
        )
        .await;
    assert_status(&sp, StatusCode::CREATED);
    assert_status(
        &api.put(
            "/serverSettings/outboundProvisioning",
            &json!({"dataStoreRef": {"id": "one"}, "synchronizationFrequency": 30}),
        )
        .await,
        StatusCode::OK,
    );
    // A refused write is not journalled.
    api.post("/dataStores", &json!({"type": "JDBC"})).await;
    // Snapshot line + one line per successful write, each on disk before its answer.
    assert_eq!(line_count(&path), 8);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("blob"),
        "the credential is stored only encrypted"
    );
    let before = api.get("/dataStores").await.body;
    api.sandbox.shutdown().await;
    assert_eq!(line_count(&path), 1, "compacted at shutdown");

    let api = Api::start_with(options.clone()).await;
    assert_eq!(api.get("/dataStores").await.body, before);
    assert_eq!(api.get("/dataStores/one").await.body["name"], "renamed");
    assert_status(&api.get("/dataStores/two").await, StatusCode::NOT_FOUND);
    let connection_id = connection.body["id"].as_str().unwrap();
    let kept = api
        .get(&format!("/pingOneConnections/{connection_id}"))
        .await;
    assert_eq!(
        kept.body["encryptedCredential"],
        connection.body["encryptedCredential"]
    );
    assert_status(&api.get("/idp/spConnections/sp").await, StatusCode::OK);
    let settings = api.get("/serverSettings/outboundProvisioning").await.body;
    assert_eq!(settings["synchronizationFrequency"], 30);

    // A sandbox that stops without shutting down (a crash) leaves its journal, which
    // the next start replays.
    assert_status(
        &api.post("/dataStores", &jdbc("three")).await,
        StatusCode::CREATED,
    );
    std::mem::forget(api);
    assert_eq!(line_count(&path), 2);
    let api = Api::start_with(options).await;
    assert_status(&api.get("/dataStores/three").await, StatusCode::OK);
    assert_eq!(line_count(&path), 1, "compacted at start");
}

#[tokio::test]
async fn a_data_file_of_the_earlier_format_is_loaded_and_converted() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("sandbox.json");
    let options = SandboxOptions {
        data_file: Some(path.clone()),
        ..SandboxOptions::default()
    };
    let api = Api::start_with(options.clone()).await;
    assert_status(
        &api.post("/dataStores", &jdbc("kept")).await,
        StatusCode::CREATED,
    );
    let before = api.get("/dataStores/kept").await.body;
    api.sandbox.shutdown().await;
    // The earlier format: one pretty-printed document of format version 1.
    let mut document: Value =
        serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
    document["formatVersion"] = json!(1);
    std::fs::write(&path, serde_json::to_string_pretty(&document).unwrap()).unwrap();

    let api = Api::start_with(options).await;
    assert_eq!(api.get("/dataStores/kept").await.body, before);
    let first_line: Value = serde_json::from_str(
        std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first_line["formatVersion"], 2);
}
