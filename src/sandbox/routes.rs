//! Routing, authentication and the request handlers of the Admin API and the control
//! API: HTTP in, store calls, HTTP out. The PingOne side's handlers are in
//! `pingone_routes`; this file mounts them.
//!
//! Owns: Basic auth, the `X-XSRF-Header` check, reading JSON bodies, the request log
//! and fault injection around every Admin API request, and committing writes (apply to
//! a copy of the store, persist it, then swap it in, so a failed save changes nothing).
//! Must not hold resource rules: those are in the store and the resource modules.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::api_result::ApiError;
use super::control::{Control, Fault, LoggedRequest};
use super::descriptors;
use super::persistence;
use super::pingone_connections::PingOneTarget;
use super::pingone_directory::PingOneDirectory;
use super::pingone_routes::{
    self, PINGONE_API_LOG_PREFIX, PINGONE_API_PATH, PINGONE_AUTH_LOG_PREFIX, PINGONE_AUTH_PATH,
};
use super::pingone_tokens::TokenBook;
use super::secrets::MasterKey;
use super::server::BASE_PATH;
use super::store::Store;
use super::write_context::WriteContext;

/// Everything the handlers share.
pub struct AppState {
    pub base_url: String,
    pub username: String,
    pub password: String,
    pub version: String,
    pub master_key: MasterKey,
    pub store: Mutex<Store>,
    pub control: Mutex<Control>,
    pub data_file: Option<PathBuf>,
    /// `https://HOST:PORT/pingone/v1`
    pub pingone_api_url: String,
    /// `https://HOST:PORT/pingone-auth`
    pub pingone_auth_url: String,
    /// The most items a PingOne collection page holds.
    pub pingone_page_size: usize,
    pub pingone: Mutex<PingOneDirectory>,
    pub tokens: Mutex<TokenBook>,
}

type Shared = Arc<AppState>;

impl AppState {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn control(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn pingone(&self) -> MutexGuard<'_, PingOneDirectory> {
        self.pingone.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn tokens(&self) -> MutexGuard<'_, TokenBook> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn request_count(&self) -> usize {
        self.control().request_count()
    }

    pub fn pingone_request_count(&self) -> usize {
        self.control().pingone_request_count()
    }

    /// What PingFederate's PingOne connections point at: this sandbox's PingOne side.
    fn pingone_target(&self) -> PingOneTarget {
        let directory = self.pingone();
        let environment = directory.primary();
        PingOneTarget {
            environment_id: environment.id.clone(),
            region: environment.region.clone(),
            organization_name: environment.organization_name.clone(),
            management_api_url: self.pingone_api_url.clone(),
            authentication_api_url: self.pingone_auth_url.clone(),
        }
    }

    fn write_context(&self, headers: &HeaderMap) -> WriteContext<'_> {
        let bypass_external_validation = headers
            .get("x-bypassexternalvalidation")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
        WriteContext {
            master_key: &self.master_key,
            bypass_external_validation,
            now: now(),
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

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(encoded) = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Basic "))
        else {
            return false;
        };
        let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let Ok(credentials) = String::from_utf8(decoded) else {
            return false;
        };
        credentials.split_once(':') == Some((self.username.as_str(), self.password.as_str()))
    }
}

/// The current time as PingFederate writes `lastModified`: RFC 3339, UTC, milliseconds.
pub fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

pub fn router(state: Shared) -> Router {
    let admin_api = Router::new()
        .route("/version", get(version))
        .route("/dataStores", get(list_data_stores).post(create_data_store))
        .route("/dataStores/descriptors", get(list_descriptors))
        .route("/dataStores/descriptors/{id}", get(get_descriptor))
        .route(
            "/dataStores/{id}",
            get(get_data_store)
                .put(replace_data_store)
                .delete(delete_data_store),
        )
        .route(
            "/serverSettings/outboundProvisioning",
            get(get_outbound_provisioning).put(replace_outbound_provisioning),
        )
        .route(
            "/pingOneConnections",
            get(list_pingone_connections).post(create_pingone_connection),
        )
        .route(
            "/pingOneConnections/{id}",
            get(get_pingone_connection)
                .put(replace_pingone_connection)
                .delete(delete_pingone_connection),
        )
        .route(
            "/idp/spConnections",
            get(list_sp_connections).post(create_sp_connection),
        )
        .route(
            "/idp/spConnections/{id}",
            get(get_sp_connection)
                .put(replace_sp_connection)
                .delete(delete_sp_connection),
        )
        .fallback(unknown_admin_path)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            admin_api_gate,
        ));
    let control = Router::new()
        .route("/requests", get(list_requests).delete(clear_requests))
        .route(
            "/faults",
            get(list_faults).post(queue_fault).delete(clear_faults),
        )
        .nest("/pingone", pingone_routes::control_router())
        .layer(middleware::from_fn_with_state(state.clone(), control_gate));
    Router::new()
        .nest(BASE_PATH, admin_api)
        .nest(PINGONE_API_PATH, pingone_routes::api_router(state.clone()))
        .nest(
            PINGONE_AUTH_PATH,
            pingone_routes::auth_router(state.clone()),
        )
        .nest("/_sandbox", control)
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
    } else if !state.authorized(request.headers()) {
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

/// The control API needs the same credentials, and no CSRF header.
async fn control_gate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if state.authorized(request.headers()) {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
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

async fn list_data_stores(State(state): State<Shared>) -> Response {
    let items: Vec<Value> = state
        .store()
        .data_stores()
        .iter()
        .map(|store| store.to_response(&state.base_url))
        .collect();
    ok(json!({ "items": items }))
}

async fn get_data_store(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.store().data_store(&id) {
        Ok(store) => ok(store.to_response(&state.base_url)),
        Err(error) => error.into_response(),
    }
}

async fn create_data_store(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let context = state.write_context(&headers);
    let created = state.commit(|store| store.create_data_store(body, &context))?;
    Ok((
        StatusCode::CREATED,
        axum::Json(created.to_response(&state.base_url)),
    )
        .into_response())
}

async fn replace_data_store(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    // An unknown id is a 404 even when the body is unreadable.
    state.store().data_store(&id)?;
    let body = json_body(&body)?;
    let context = state.write_context(&headers);
    let replaced = state.commit(|store| store.replace_data_store(&id, body, &context))?;
    Ok(ok(replaced.to_response(&state.base_url)))
}

async fn delete_data_store(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.commit(|store| store.delete_data_store(&id))?;
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

async fn list_pingone_connections(State(state): State<Shared>) -> Response {
    let items: Vec<Value> = state
        .store()
        .pingone_connections()
        .iter()
        .map(|connection| connection.to_response())
        .collect();
    ok(json!({ "items": items }))
}

async fn get_pingone_connection(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.store().pingone_connection(&id) {
        Ok(connection) => ok(connection.to_response()),
        Err(error) => error.into_response(),
    }
}

async fn create_pingone_connection(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let context = state.write_context(&headers);
    let target = state.pingone_target();
    let created = state.commit(|store| store.create_pingone_connection(body, &target, &context))?;
    Ok((StatusCode::CREATED, axum::Json(created.to_response())).into_response())
}

async fn replace_pingone_connection(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.store().pingone_connection(&id)?;
    let body = json_body(&body)?;
    let context = state.write_context(&headers);
    let target = state.pingone_target();
    let replaced =
        state.commit(|store| store.replace_pingone_connection(&id, body, &target, &context))?;
    Ok(ok(replaced.to_response()))
}

async fn delete_pingone_connection(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.commit(|store| store.delete_pingone_connection(&id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
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
            _ => Err(ApiError::validation(
                super::api_result::ValidationError::new(
                    "invalid_query_parameter",
                    name,
                    format!("{name} must be a positive whole number, not '{text}'."),
                ),
            )),
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
    let matching: Vec<Value> = store
        .sp_connections()
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
        .map(|connection| connection.to_response(&state.base_url))
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

async fn get_sp_connection(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    match state.store().sp_connection(&id) {
        Ok(connection) => ok(connection.to_response(&state.base_url)),
        Err(error) => error.into_response(),
    }
}

async fn create_sp_connection(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let context = state.write_context(&headers);
    let created = state.commit(|store| store.create_sp_connection(body, &context))?;
    Ok((
        StatusCode::CREATED,
        axum::Json(created.to_response(&state.base_url)),
    )
        .into_response())
}

async fn replace_sp_connection(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.store().sp_connection(&id)?;
    let body = json_body(&body)?;
    let context = state.write_context(&headers);
    let replaced = state.commit(|store| store.replace_sp_connection(&id, body, &context))?;
    Ok(ok(replaced.to_response(&state.base_url)))
}

async fn delete_sp_connection(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.commit(|store| store.delete_sp_connection(&id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn unknown_admin_path(OriginalUri(original): OriginalUri) -> Response {
    ApiError::not_found(format!(
        "Resource not found: the sandbox does not serve {}.",
        original.path()
    ))
    .into_response()
}

async fn list_requests(State(state): State<Shared>) -> Response {
    ok(json!({ "requests": state.control().requests() }))
}

async fn clear_requests(State(state): State<Shared>) -> Response {
    state.control().clear_requests();
    StatusCode::NO_CONTENT.into_response()
}

async fn list_faults(State(state): State<Shared>) -> Response {
    ok(json!({ "faults": state.control().faults() }))
}

async fn queue_fault(State(state): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let mut fault: Fault = serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest {
        developer_message: format!("The body is not a fault: {error}."),
    })?;
    if let Some(problem) = fault.problem() {
        return Err(ApiError::BadRequest {
            developer_message: problem,
        });
    }
    if let Some(path) = &fault.path {
        if let Some(relative) = path.strip_prefix(BASE_PATH) {
            fault.path = Some(relative.to_string());
        } else if let Some(relative) = path.strip_prefix(PINGONE_API_PATH) {
            fault.path = Some(format!("{PINGONE_API_LOG_PREFIX}{relative}"));
        } else if let Some(relative) = path.strip_prefix(PINGONE_AUTH_PATH) {
            fault.path = Some(format!("{PINGONE_AUTH_LOG_PREFIX}{relative}"));
        }
    }
    let echo = serde_json::to_value(&fault).unwrap_or(Value::Null);
    state.control().queue(fault);
    Ok((StatusCode::CREATED, axum::Json(echo)).into_response())
}

async fn clear_faults(State(state): State<Shared>) -> Response {
    state.control().clear_faults();
    StatusCode::NO_CONTENT.into_response()
}
