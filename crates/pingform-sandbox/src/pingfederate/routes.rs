//! Routing, authentication and the request handlers of the Admin API: HTTP in, store
//! calls, HTTP out. The three collections share one set of handlers, generic over the
//! kind (`AdminCollection`).
//!
//! Owns: authentication (HTTP Basic, or in OAuth mode bearer tokens from the token
//! endpoint `/as/token.oauth2` it serves, see `AdminAuthentication`) and the
//! `X-XSRF-Header` check, reading JSON bodies, the request log, fault injection and the
//! injected read/write latency around every Admin API request, the cluster endpoints,
//! the Admin API's control endpoints (`/_sandbox/admin/...`), and committing writes:
//! every store operation checks everything before it mutates anything, so a write runs
//! on the store itself; with a data file its result is then appended to the journal
//! (`persistence`) before it is answered, and undone if the append fails, so a failed
//! write changes nothing. Must not hold resource rules: those are in the store and the
//! resource modules.
//!
//! Control endpoints (Basic auth of the sandbox administrator, like the rest of
//! `/_sandbox`, whatever the Admin API's mode):
//! - `GET /_sandbox/admin/cluster` → `{"clustered": bool, "replicationRequired": bool}`;
//!   `PUT` with `{"replicationRequired": bool}` forces it (400 when not clustered);
//! - `PUT /_sandbox/admin/token-lifetime` `{"seconds": N}` → 200: OAuth-mode tokens
//!   issued from then on live N seconds (0 gives tokens that are expired at once);
//! - `POST /_sandbox/admin/expire-tokens` → 200 `{"expired": N}`: every OAuth-mode
//!   token issued so far is expired (its next use is a 401).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::api_result::{ApiError, ValidationError};
use super::cluster::Cluster;
use super::descriptors;
use super::pingone_connections::PingOneTarget;
use super::store::{
    self, AdminCollection, CollectionWrite, DataStores, JournalEntry, Named, PingOneConnections,
    SpConnections, Store,
};
use super::write_context::WriteContext;
use crate::administrator::Administrator;
use crate::clock;
use crate::collection::{self, ResourceKind};
use crate::control::{self, Control, LoggedRequest, SharedControl};
use crate::oauth::{self, OAuthError};
use crate::persistence::Journal;
use crate::secrets::MasterKey;
use crate::tokens::{TokenBook, TokenProblem};

/// The PingFederate Admin API base path.
pub const BASE_PATH: &str = "/pf-admin-api/v1";
/// PingFederate's runtime token endpoint, served on the sandbox's port in OAuth mode.
pub const ADMIN_TOKEN_PATH: &str = "/as/token.oauth2";
/// The realm of the Admin API's `WWW-Authenticate` challenges.
const REALM: &str = "PingFederate";

/// How the Admin API authenticates requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAuthentication {
    /// HTTP Basic with the administrator account (PingFederate's default).
    Basic,
    /// `Authorization: Bearer` with a token this client got from `/as/token.oauth2`
    /// (client credentials); Basic is refused.
    OAuth {
        client_id: String,
        client_secret: String,
    },
}

/// Everything the Admin API's handlers share.
pub struct AdminApiState {
    pub base_url: String,
    /// `host:port`, as the cluster status names the node.
    pub address: String,
    pub administrator: Administrator,
    pub authentication: AdminAuthentication,
    /// Tokens of the OAuth mode.
    pub tokens: Mutex<TokenBook>,
    pub version: String,
    /// `federationInfo` of `GET /serverSettings`.
    pub federation: crate::options::Federation,
    pub master_key: MasterKey,
    pub store: Mutex<Store>,
    /// The data file, when there is one. Locked only while `store` is.
    pub journal: Mutex<Option<Journal>>,
    /// What PingFederate's PingOne connections point at: this sandbox's PingOne side.
    pub pingone: PingOneTarget,
    pub control: SharedControl,
    pub read_latency: Duration,
    pub write_latency: Duration,
    /// The replication state when the sandbox runs as a cluster's node.
    pub cluster: Option<Mutex<Cluster>>,
}

type Shared = Arc<AdminApiState>;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AdminApiState {
    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    fn control(&self) -> MutexGuard<'_, Control> {
        control::lock(&self.control)
    }

    fn write_context(&self, headers: &HeaderMap) -> WriteContext<'_> {
        let bypass_external_validation = headers
            .get("x-bypassexternalvalidation")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
        WriteContext {
            master_key: &self.master_key,
            bypass_external_validation,
            now: clock::now(),
        }
    }

    fn collection_write(&self, headers: &HeaderMap) -> CollectionWrite<'_> {
        CollectionWrite {
            context: self.write_context(headers),
            pingone: &self.pingone,
        }
    }

    /// Records a write that just succeeded on `store`: appended to the journal (when
    /// there is a data file) and noted for the cluster. When the journal cannot take
    /// it, `undo` puts `store` back as it was and the write fails with a 500.
    fn committed(
        &self,
        store: &mut Store,
        entry: Result<JournalEntry, serde_json::Error>,
        undo: impl FnOnce(&mut Store),
    ) -> Result<(), ApiError> {
        let appended = match (lock(&self.journal).as_mut(), entry) {
            (None, _) => Ok(()),
            (Some(journal), Ok(entry)) => journal.append(&entry).map_err(|error| error.to_string()),
            (Some(_), Err(error)) => Err(error.to_string()),
        };
        if let Err(message) = appended {
            undo(store);
            return Err(ApiError::Internal { message });
        }
        if let Some(cluster) = &self.cluster {
            lock(cluster).record_write(clock::now());
        }
        Ok(())
    }

    /// Rewrites the data file as a snapshot of the store (no journal), at shutdown. A
    /// failure leaves the file as it was, snapshot and journal, which loads the same.
    pub fn compact(&self) {
        let store = self.store();
        let mut journal = lock(&self.journal);
        if let Some(current) = journal.as_ref()
            && let Ok(compacted) = Journal::compact(current.path(), &self.master_key, &*store)
        {
            *journal = Some(compacted);
        }
    }

    /// Whether the request carries credentials the Admin API accepts.
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        match &self.authentication {
            AdminAuthentication::Basic if self.administrator.authorizes(headers) => Ok(()),
            AdminAuthentication::Basic => Err(ApiError::Unauthorized),
            AdminAuthentication::OAuth { .. } => {
                let token = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.strip_prefix("Bearer "))
                    .map(str::trim);
                let Some(token) = token else {
                    return Err(ApiError::BearerUnauthorized {
                        expired: false,
                        sent: false,
                    });
                };
                match lock(&self.tokens).subject_of(token) {
                    Ok(_) => Ok(()),
                    Err(problem) => Err(ApiError::BearerUnauthorized {
                        expired: problem == TokenProblem::Expired,
                        sent: true,
                    }),
                }
            }
        }
    }
}

/// The Admin API, to be nested under `BASE_PATH`.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/version", get(version))
        .route("/serverSettings", get(server_settings))
        .route(
            "/dataStores",
            get(list::<DataStores>).post(create::<DataStores>),
        )
        .route("/dataStores/descriptors", get(list_descriptors))
        .route("/dataStores/descriptors/{id}", get(get_descriptor))
        .route(
            "/dataStores/{id}",
            get(read::<DataStores>)
                .put(replace::<DataStores>)
                .delete(delete::<DataStores>),
        )
        .route(
            "/serverSettings/outboundProvisioning",
            get(get_outbound_provisioning).put(replace_outbound_provisioning),
        )
        .route(
            "/pingOneConnections",
            get(list::<PingOneConnections>).post(create::<PingOneConnections>),
        )
        .route(
            "/pingOneConnections/{id}",
            get(read::<PingOneConnections>)
                .put(replace::<PingOneConnections>)
                .delete(delete::<PingOneConnections>),
        )
        .route(
            "/idp/spConnections",
            get(list_sp_connections).post(create::<SpConnections>),
        )
        .route(
            "/idp/spConnections/{id}",
            get(read::<SpConnections>)
                .put(replace::<SpConnections>)
                .delete(delete::<SpConnections>),
        )
        .route("/cluster/status", get(cluster_status))
        .route("/cluster/replicate", post(replicate))
        .fallback(unknown_admin_path)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            admin_api_gate,
        ))
        .with_state(state)
}

/// The OAuth mode's token endpoint, to be mounted at the server's root.
pub fn token_router(state: Shared) -> Router {
    Router::new()
        .route(ADMIN_TOKEN_PATH, post(issue_token))
        .with_state(state)
}

/// The Admin API's control endpoints, to be nested under `/_sandbox/admin` (behind the
/// control API's own authentication).
pub fn control_router<S: Clone + Send + Sync + 'static>(state: Shared) -> Router<S> {
    Router::new()
        .route("/cluster", get(control_cluster).put(control_set_cluster))
        .route("/token-lifetime", put(control_token_lifetime))
        .route("/expire-tokens", post(control_expire_tokens))
        .with_state(state)
}

/// Wraps every Admin API request: fault injection, authentication, CSRF header, the
/// injected latency, then the log.
async fn admin_api_gate(
    State(state): State<Shared>,
    OriginalUri(original): OriginalUri,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    // The log names the object a POST creates (its `id`), so a test can tell which
    // create ran when: the body is read here and handed on unchanged.
    let (request, object_id) = if method == Method::POST {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let id = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|body| body.get("id").and_then(Value::as_str).map(str::to_string));
        (
            Request::from_parts(parts, axum::body::Body::from(bytes)),
            id,
        )
    } else {
        (request, None)
    };
    let relative = original
        .path()
        .strip_prefix(BASE_PATH)
        .unwrap_or(original.path())
        .to_string();
    let logged_path = match original.query() {
        Some(query) => format!("{relative}?{query}"),
        None => relative.clone(),
    };
    let started_ms = state.control().now_ms();
    let fault = state.control().trigger(method.as_str(), &logged_path);
    let delay_response = fault.as_ref().map_or(0, |fault| fault.delay_response_ms);
    let mut injected = None;
    if let Some(fault) = fault {
        if fault.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
        }
        if let Some(status) = fault
            .status
            .and_then(|code| StatusCode::from_u16(code).ok())
        {
            injected = Some(ApiError::Injected {
                status,
                retry_after_seconds: fault.retry_after,
            });
        }
    }
    let response = if let Some(error) = injected {
        error.into_response()
    } else if let Err(error) = state.authenticate(request.headers()) {
        error.into_response()
    } else if request
        .headers()
        .get("x-xsrf-header")
        .is_none_or(|value| value.as_bytes().iter().all(u8::is_ascii_whitespace))
    {
        ApiError::MissingXsrfHeader.into_response()
    } else {
        let latency = match method {
            Method::GET | Method::HEAD => state.read_latency,
            _ => state.write_latency,
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        next.run(request).await
    };
    {
        let mut control = state.control();
        let finished_ms = control.now_ms();
        control.record(LoggedRequest {
            method: method.to_string(),
            path: logged_path,
            status: response.status().as_u16(),
            started_ms,
            finished_ms,
            object_id,
        });
    }
    if delay_response > 0 {
        tokio::time::sleep(Duration::from_millis(delay_response)).await;
    }
    response
}

fn json_body(bytes: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| ApiError::BadRequest {
        developer_message: format!("The body is not valid JSON: {error}."),
    })
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

async fn version(State(state): State<Shared>) -> Response {
    ok(json!({ "version": state.version }))
}

/// `GET /serverSettings` (spec operation `getServerSettings`, schema `ServerSettings`,
/// none of whose members is required): the `federationInfo` that identifies the
/// server, `baseUrl` and `saml2EntityId` (schema `FederationInfo`). Ping's Terraform
/// provider imports the server settings by `federation_info.saml_2_entity_id`
/// (`server_settings_resource_gen_test.go`). The other members (contact info,
/// notifications, roles and protocols, email server, captcha) are not emulated: no
/// source shows a server's values for them, and pingform does not read them.
async fn server_settings(State(state): State<Shared>) -> Response {
    ok(json!({
        "federationInfo": {
            "baseUrl": state.federation.base_url,
            "saml2EntityId": state.federation.saml2_entity_id,
        }
    }))
}

/// GET on a collection: every item, in creation order.
async fn list<K: AdminCollection>(State(state): State<Shared>) -> Response {
    let items: Vec<Value> = K::items(&state.store())
        .iter()
        .map(|item| K::to_response(item, &state.base_url))
        .collect();
    ok(json!({ "items": items }))
}

async fn read<K: AdminCollection>(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match collection::find::<K>(&state.store(), &id) {
        Ok(item) => ok(K::to_response(item, &state.base_url)),
        Err(error) => error.into_response(),
    }
}

async fn create<K: AdminCollection + Named>(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let write = state.collection_write(&headers);
    let mut store = state.store();
    let created = collection::create::<K>(&mut store, body, &write)?;
    let id = K::id(&created).unwrap_or_default().to_string();
    let entry = K::journal_item(&created).map(|item| JournalEntry::Put {
        collection: K::COLLECTION,
        item,
    });
    state.committed(&mut store, entry, |store| {
        store::remove::<K>(store, &id);
    })?;
    Ok((
        StatusCode::CREATED,
        axum::Json(K::to_response(&created, &state.base_url)),
    )
        .into_response())
}

async fn replace<K: AdminCollection + Named>(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut store = state.store();
    // An unknown id is a 404 even when the body is unreadable.
    let before = collection::find::<K>(&store, &id)?.clone();
    let body = json_body(&body)?;
    let write = state.collection_write(&headers);
    let replaced = collection::replace::<K>(&mut store, &id, body, &write)?;
    let entry = K::journal_item(&replaced).map(|item| JournalEntry::Put {
        collection: K::COLLECTION,
        item,
    });
    state.committed(&mut store, entry, |store| store::put::<K>(store, before))?;
    Ok(ok(K::to_response(&replaced, &state.base_url)))
}

async fn delete<K: AdminCollection + Named>(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut store = state.store();
    let before = collection::find::<K>(&store, &id)?.clone();
    let index = K::items(&store)
        .iter()
        .position(|item| K::id(item) == Some(id.as_str()))
        .unwrap_or_default();
    collection::delete::<K>(&mut store, &id)?;
    let entry = Ok(JournalEntry::Delete {
        collection: K::COLLECTION,
        id,
    });
    state.committed(&mut store, entry, |store| {
        let items = K::items_mut(store);
        items.insert(index.min(items.len()), before);
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_descriptors() -> Response {
    let items: Vec<Value> = descriptors::catalogue()
        .iter()
        .map(descriptors::PluginDescriptor::to_json)
        .collect();
    ok(json!({ "items": items }))
}

async fn get_descriptor(Path(id): Path<String>) -> Response {
    match descriptors::find(&id) {
        Some(descriptor) => ok(descriptor.to_json()),
        None => ApiError::not_found(format!(
            "Resource not found: no custom data store descriptor with id '{id}'."
        ))
        .into_response(),
    }
}

async fn get_outbound_provisioning(State(state): State<Shared>) -> Response {
    ok(state
        .store()
        .outbound_provisioning()
        .to_response(&state.base_url))
}

async fn replace_outbound_provisioning(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let mut store = state.store();
    let before = store.outbound_provisioning().clone();
    let replaced = store.replace_outbound_provisioning(body)?;
    let entry = serde_json::to_value(&replaced)
        .map(|settings| JournalEntry::OutboundProvisioning { settings });
    state.committed(&mut store, entry, |store| {
        store.restore_outbound_provisioning(before);
    })?;
    Ok(ok(replaced.to_response(&state.base_url)))
}

async fn cluster_status(State(state): State<Shared>) -> Response {
    match &state.cluster {
        None => ApiError::NotClustered.into_response(),
        Some(cluster) => ok(lock(cluster).status(&state.address, &state.version)),
    }
}

async fn replicate(State(state): State<Shared>) -> Response {
    match &state.cluster {
        None => ApiError::NotClustered.into_response(),
        Some(cluster) => ok(lock(cluster).replicate(clock::now())),
    }
}

/// `POST /as/token.oauth2`: a client-credentials token for the Admin API's client.
async fn issue_token(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let started_ms = state.control().now_ms();
    let response = match token_answer(&state, &headers, &body) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    // Logged like the Admin API's requests, so tests can count token requests.
    let mut control = state.control();
    let finished_ms = control.now_ms();
    control.record(LoggedRequest {
        method: "POST".into(),
        path: ADMIN_TOKEN_PATH.into(),
        status: response.status().as_u16(),
        started_ms,
        finished_ms,
        object_id: None,
    });
    drop(control);
    response
}

/// A token for the configured client, or the OAuth error.
fn token_answer(
    state: &AdminApiState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, OAuthError> {
    let (client_id, client_secret) = oauth::client_credentials(REALM, headers, body)?;
    let AdminAuthentication::OAuth {
        client_id: expected_id,
        client_secret: expected_secret,
    } = &state.authentication
    else {
        return Err(OAuthError::invalid_client(
            REALM,
            "The Admin API of this sandbox takes HTTP Basic, not OAuth 2.0 tokens.",
        ));
    };
    if (&client_id, &client_secret) != (expected_id, expected_secret) {
        return Err(OAuthError::invalid_client(
            REALM,
            "Invalid client credentials.",
        ));
    }
    let issued = lock(&state.tokens).issue(&client_id);
    oauth::token_response(REALM, issued)
}

fn cluster_control_body(state: &AdminApiState) -> Value {
    json!({
        "clustered": state.cluster.is_some(),
        "replicationRequired": state
            .cluster
            .as_ref()
            .is_some_and(|cluster| lock(cluster).replication_required()),
    })
}

async fn control_cluster(State(state): State<Shared>) -> Response {
    ok(cluster_control_body(&state))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplicationRequired {
    replication_required: bool,
}

async fn control_set_cluster(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let wanted: ReplicationRequired =
        serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest {
            developer_message: format!("Expected {{\"replicationRequired\": bool}}: {error}."),
        })?;
    let Some(cluster) = &state.cluster else {
        return Err(ApiError::BadRequest {
            developer_message: "The sandbox was not started in cluster mode (--cluster)."
                .to_string(),
        });
    };
    lock(cluster).set_replication_required(wanted.replication_required);
    Ok(ok(cluster_control_body(&state)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Lifetime {
    seconds: u64,
}

async fn control_token_lifetime(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lifetime: Lifetime =
        serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest {
            developer_message: format!("Expected {{\"seconds\": N}}: {error}."),
        })?;
    lock(&state.tokens).set_lifetime(lifetime.seconds);
    Ok(ok(json!({ "seconds": lifetime.seconds })))
}

async fn control_expire_tokens(State(state): State<Shared>) -> Response {
    let expired = lock(&state.tokens).expire_all();
    ok(json!({ "expired": expired }))
}

/// The query of `GET /idp/spConnections` (spec operation `getSpConnections`): `entityId`
/// "(case-sensitive)", `page`, `numberPerPage`, and `filter`, "compared to the SP
/// connection name and partner entity ID fields. The comparison is a case-insensitive
/// partial match." The operation answers 422 "Validation error(s) occurred", which the
/// sandbox gives for a `page` or `numberPerPage` that is not a positive whole number
/// (which values a real server refuses, and how it pages without `numberPerPage`, are
/// open questions: the sandbox returns every match then).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpConnectionQuery {
    entity_id: Option<String>,
    filter: Option<String>,
    page: Option<String>,
    number_per_page: Option<String>,
}

fn positive_query_number(value: Option<&str>, name: &str) -> Result<Option<usize>, ApiError> {
    match value {
        None => Ok(None),
        Some(text) => match text.parse::<usize>() {
            Ok(number) if number > 0 => Ok(Some(number)),
            _ => Err(ApiError::validation(ValidationError::new(
                "invalid_query_parameter",
                name,
                format!("{name} must be a positive whole number, not '{text}'."),
            ))),
        },
    }
}

async fn list_sp_connections(
    State(state): State<Shared>,
    axum::extract::Query(query): axum::extract::Query<SpConnectionQuery>,
) -> Result<Response, ApiError> {
    let page = positive_query_number(query.page.as_deref(), "page")?;
    let number_per_page = positive_query_number(query.number_per_page.as_deref(), "numberPerPage")?;
    let filter = query.filter.as_deref().map(str::to_lowercase);
    let store = state.store();
    let matching: Vec<Value> = SpConnections::items(&store)
        .iter()
        .filter(|connection| {
            query
                .entity_id
                .as_deref()
                .is_none_or(|wanted| connection.entity_id() == Some(wanted))
        })
        .filter(|connection| {
            filter.as_deref().is_none_or(|wanted| {
                [connection.name(), connection.entity_id()]
                    .iter()
                    .flatten()
                    .any(|text| text.to_lowercase().contains(wanted))
            })
        })
        .map(|connection| SpConnections::to_response(connection, &state.base_url))
        .collect();
    let items: Vec<Value> = match number_per_page {
        None => matching,
        Some(size) => {
            let skip = (page.unwrap_or(1) - 1).saturating_mul(size);
            matching.into_iter().skip(skip).take(size).collect()
        }
    };
    Ok(ok(json!({ "items": items })))
}

async fn unknown_admin_path(OriginalUri(original): OriginalUri) -> Response {
    ApiError::not_found(format!(
        "Resource not found: the sandbox does not serve {}.",
        original.path()
    ))
    .into_response()
}
