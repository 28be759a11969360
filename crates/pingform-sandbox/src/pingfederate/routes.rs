//! Routing, authentication and the request handlers of the Admin API: HTTP in, store
//! calls, HTTP out. The three collections share one set of handlers, generic over the
//! kind (`AdminCollection`).
//!
//! Owns: Basic auth and the `X-XSRF-Header` check, reading JSON bodies, the request log
//! and fault injection around every Admin API request, and committing writes (in memory
//! on the store itself; with a data file on a copy that replaces the store once the
//! file holds it, so a failed save changes nothing). Must not hold resource rules:
//! those are in the store and the resource modules.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::api_result::{ApiError, ValidationError};
use super::descriptors;
use super::pingone_connections::PingOneTarget;
use super::store::{
    AdminCollection, CollectionWrite, DataStores, PingOneConnections, SpConnections, Store,
};
use super::write_context::WriteContext;
use crate::administrator::Administrator;
use crate::clock;
use crate::collection::{self, ResourceKind};
use crate::control::{self, Control, LoggedRequest, SharedControl};
use crate::persistence;
use crate::secrets::MasterKey;

/// The PingFederate Admin API base path.
pub const BASE_PATH: &str = "/pf-admin-api/v1";

/// Everything the Admin API's handlers share.
pub struct AdminApiState {
    pub base_url: String,
    pub administrator: Administrator,
    pub version: String,
    pub master_key: MasterKey,
    pub store: Mutex<Store>,
    pub data_file: Option<PathBuf>,
    /// What PingFederate's PingOne connections point at: this sandbox's PingOne side.
    pub pingone: PingOneTarget,
    pub control: SharedControl,
}

type Shared = Arc<AdminApiState>;

impl AdminApiState {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
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

    /// Runs `change` and keeps its effect only on success.
    ///
    /// Every store operation checks everything before it mutates anything, so in
    /// memory the change runs on the store itself (a copy per write would make bulk
    /// creation quadratic). With a data file, the change runs on a copy that replaces
    /// the store only once the file holds it, so a failed write leaves both as they were.
    fn commit<T>(
        &self,
        change: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut store = self.store();
        if self.data_file.is_none() {
            return change(&mut store);
        }
        let mut draft = store.clone();
        let result = change(&mut draft)?;
        if let Some(path) = &self.data_file {
            persistence::save(path, &self.master_key, &draft).map_err(|error| {
                ApiError::Internal {
                    message: error.to_string(),
                }
            })?;
        }
        *store = draft;
        Ok(result)
    }
}

/// The Admin API, to be nested under `BASE_PATH`.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/version", get(version))
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
        .fallback(unknown_admin_path)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            admin_api_gate,
        ))
        .with_state(state)
}

/// Wraps every Admin API request: fault injection, auth, CSRF header, then the log.
async fn admin_api_gate(
    State(state): State<Shared>,
    OriginalUri(original): OriginalUri,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let relative = original
        .path()
        .strip_prefix(BASE_PATH)
        .unwrap_or(original.path())
        .to_string();
    let logged_path = match original.query() {
        Some(query) => format!("{relative}?{query}"),
        None => relative.clone(),
    };
    let fault = state.control().trigger(&method, &logged_path);
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
    } else if !state.administrator.authorizes(request.headers()) {
        ApiError::Unauthorized.into_response()
    } else if request
        .headers()
        .get("x-xsrf-header")
        .is_none_or(|value| value.as_bytes().iter().all(u8::is_ascii_whitespace))
    {
        ApiError::MissingXsrfHeader.into_response()
    } else {
        next.run(request).await
    };
    state.control().record(LoggedRequest {
        method,
        path: logged_path,
        status: response.status().as_u16(),
    });
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

async fn create<K: AdminCollection>(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let write = state.collection_write(&headers);
    let created = state.commit(|store| collection::create::<K>(store, body, &write))?;
    Ok((
        StatusCode::CREATED,
        axum::Json(K::to_response(&created, &state.base_url)),
    )
        .into_response())
}

async fn replace<K: AdminCollection>(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    // An unknown id is a 404 even when the body is unreadable.
    collection::find::<K>(&state.store(), &id)?;
    let body = json_body(&body)?;
    let write = state.collection_write(&headers);
    let replaced = state.commit(|store| collection::replace::<K>(store, &id, body, &write))?;
    Ok(ok(K::to_response(&replaced, &state.base_url)))
}

async fn delete<K: AdminCollection>(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.commit(|store| collection::delete::<K>(store, &id))?;
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
    let replaced = state.commit(|store| store.replace_outbound_provisioning(body))?;
    Ok(ok(replaced.to_response(&state.base_url)))
}

/// The query of `GET /idp/spConnections`.
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
