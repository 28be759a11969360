//! The PingOne side over HTTP: the Management API under `/pingone/v1` (what
//! `https://api.pingone.com/v1` is on the real service) and the auth host under
//! `/pingone-auth` (`https://auth.pingone.com`), sharing the PingFederate sandbox's
//! port, plus the PingOne control endpoints under `/_sandbox/pingone`.
//!
//! Owns: the token endpoint (`POST /pingone-auth/{envId}/as/token`, client
//! credentials by `client_secret_basic` or `client_secret_post`), bearer-token checks,
//! the environment/population/user reads with filters and cursor paging (absolute HAL
//! links pointing at the sandbox; pages never larger than the configured page size),
//! and wrapping every PingOne request with the shared fault queue and request log
//! (paths logged as `pingone:/environments/...` and `pingone-auth:/{envId}/as/token`).
//! Must not hold PingOne data rules (`directory`) or PingFederate routes.
//!
//! Paging: `limit` is 1..=1000 (default 100); a page holds at most
//! `min(limit, page size)` items; `cursor` is opaque (base64url of an offset); `next`
//! is present only when more items follow; `count` is the total, `size` the page's.
//!
//! Access: an unknown environment is 404 on `GET /environments/{id}` and 403 on its
//! sub-resources; an environment other than the token's is 403 (reference §4).
//!
//! Control endpoints (Basic auth of the sandbox administrator, like the rest of
//! `/_sandbox`): `POST /_sandbox/pingone/users` (body: a seed user, see
//! `directory`; optional `environmentId`) → 201 with the user as the
//! Management API shows it; `DELETE /_sandbox/pingone/users/{id}` → 204;
//! `POST /_sandbox/pingone/expire-tokens` → 200 `{"expired": N}`;
//! `PUT /_sandbox/pingone/token-lifetime` `{"seconds": N}` → 200 (tokens issued from
//! then on live N seconds; 0 gives tokens that are expired at once);
//! `GET /_sandbox/pingone` → the advertised environment id, client id, URLs, page size.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, OriginalUri, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};

use super::directory::{Environment, PingOneDirectory, SeedUser};
use super::error::PingOneError;
use super::filter::{Filter, Supported};
use crate::clock::now;
use crate::control::{self, Control, LoggedRequest, SharedControl};
use crate::oauth::{self, OAuthError};
use crate::tokens::{TokenBook, TokenProblem};
// The control API answers a body it cannot read with an `ApiResult`, on every path.
use crate::pingfederate::api_result::ApiError;

/// Where the Management API is served.
pub const PINGONE_API_PATH: &str = "/pingone/v1";
/// Where the auth host is served.
pub const PINGONE_AUTH_PATH: &str = "/pingone-auth";
/// The realm of the auth host's `WWW-Authenticate` challenges.
const PINGONE_REALM: &str = "PingOne";
/// Log and fault path prefixes of the two PingOne hosts.
pub const PINGONE_API_LOG_PREFIX: &str = "pingone:";
pub const PINGONE_AUTH_LOG_PREFIX: &str = "pingone-auth:";

const DEFAULT_LIMIT: usize = 100;
const MAXIMUM_LIMIT: usize = 1000;

const USER_FILTER: Supported = &[
    ("id", &["eq"]),
    ("username", &["eq", "sw"]),
    ("email", &["eq", "sw", "ew"]),
    ("population.id", &["eq"]),
    ("externalId", &["eq"]),
    ("accountId", &["eq"]),
    ("enabled", &["eq"]),
    ("name.given", &["eq", "sw", "ew"]),
    ("name.family", &["eq", "sw", "ew"]),
    ("title", &["eq", "sw"]),
    ("type", &["eq"]),
];
const POPULATION_FILTER: Supported = &[("id", &["eq"]), ("name", &["eq", "sw"])];

/// Everything the PingOne side's handlers share.
pub struct PingOneState {
    /// `https://HOST:PORT/pingone/v1`
    pub api_url: String,
    /// `https://HOST:PORT/pingone-auth`
    pub auth_url: String,
    /// The most items a collection page holds.
    pub page_size: usize,
    pub directory: Mutex<PingOneDirectory>,
    pub tokens: Mutex<TokenBook>,
    pub control: SharedControl,
}

impl PingOneState {
    fn directory(&self) -> MutexGuard<'_, PingOneDirectory> {
        self.directory
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn tokens(&self) -> MutexGuard<'_, TokenBook> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn control(&self) -> MutexGuard<'_, Control> {
        control::lock(&self.control)
    }
}

type Shared = Arc<PingOneState>;

/// The environment the request's bearer token was issued for.
#[derive(Debug, Clone)]
struct TokenEnvironment(String);

/// The Management API, to be nested under `PINGONE_API_PATH`.
pub fn api_router(state: Shared) -> Router {
    Router::new()
        .route("/environments/{environment_id}", get(get_environment))
        .route(
            "/environments/{environment_id}/populations",
            get(list_populations),
        )
        .route(
            "/environments/{environment_id}/populations/{population_id}",
            get(get_population),
        )
        .route("/environments/{environment_id}/users", get(list_users))
        .route(
            "/environments/{environment_id}/users/{user_id}",
            get(get_user),
        )
        .fallback(unknown_api_path)
        .layer(middleware::from_fn_with_state(state.clone(), api_gate))
        .with_state(state)
}

/// The auth host, to be nested under `PINGONE_AUTH_PATH`.
pub fn auth_router(state: Shared) -> Router {
    Router::new()
        .route("/{environment_id}/as/token", post(issue_token))
        .layer(middleware::from_fn_with_state(state.clone(), auth_gate))
        .with_state(state)
}

/// Control endpoints, nested under `/_sandbox/pingone` behind the control gate.
pub fn control_router<S: Clone + Send + Sync + 'static>(state: Shared) -> Router<S> {
    Router::new()
        .route("/", get(control_summary))
        .route("/users", post(control_add_user))
        .route(
            "/users/{user_id}",
            axum::routing::delete(control_remove_user),
        )
        .route("/expire-tokens", post(control_expire_tokens))
        .route("/token-lifetime", put(control_token_lifetime))
        .with_state(state)
}

/// A PingOne request on its way in: its logged path and, when a fault answers it, the
/// injected response.
struct Incoming {
    method: String,
    logged_path: String,
    injected: Option<Response>,
    started_ms: u64,
}

/// Fault injection shared by both hosts (after any delay the fault asks for).
async fn arrive(
    state: &PingOneState,
    prefix: &str,
    base: &str,
    original: &axum::http::Uri,
    method: String,
) -> Incoming {
    let relative = original
        .path()
        .strip_prefix(base)
        .unwrap_or(original.path());
    let logged_path = match original.query() {
        Some(query) => format!("{prefix}{relative}?{query}"),
        None => format!("{prefix}{relative}"),
    };
    let started_ms = state.control().now_ms();
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
            injected = Some(
                PingOneError::Injected {
                    status,
                    retry_after_seconds: fault.retry_after,
                }
                .into_response(),
            );
        }
    }
    Incoming {
        method,
        logged_path,
        injected,
        started_ms,
    }
}

/// Logs the request with its outcome.
fn depart(state: &PingOneState, incoming: Incoming, response: Response) -> Response {
    let mut control = state.control();
    let finished_ms = control.now_ms();
    control.record(LoggedRequest {
        method: incoming.method,
        path: incoming.logged_path,
        status: response.status().as_u16(),
        started_ms: incoming.started_ms,
        finished_ms,
        object_id: None,
    });
    drop(control);
    response
}

async fn api_gate(
    State(state): State<Shared>,
    OriginalUri(original): OriginalUri,
    mut request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let mut incoming = arrive(
        &state,
        PINGONE_API_LOG_PREFIX,
        PINGONE_API_PATH,
        &original,
        method,
    )
    .await;
    if let Some(response) = incoming.injected.take() {
        return depart(&state, incoming, response);
    }
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(|token| token.trim().to_string());
    let checked = match bearer {
        None => Err("No bearer access token was sent (Authorization: Bearer ...)."),
        Some(token) => match state.tokens().subject_of(&token) {
            Ok(environment_id) => Ok(environment_id.to_string()),
            Err(TokenProblem::Expired) => Err("The access token has expired."),
            Err(TokenProblem::Unknown) => Err("The access token is not valid."),
        },
    };
    let response = match checked {
        Ok(environment_id) => {
            request
                .extensions_mut()
                .insert(TokenEnvironment(environment_id));
            next.run(request).await
        }
        Err(reason) => PingOneError::InvalidToken {
            reason: reason.to_string(),
        }
        .into_response(),
    };
    depart(&state, incoming, response)
}

async fn auth_gate(
    State(state): State<Shared>,
    OriginalUri(original): OriginalUri,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let mut incoming = arrive(
        &state,
        PINGONE_AUTH_LOG_PREFIX,
        PINGONE_AUTH_PATH,
        &original,
        method,
    )
    .await;
    let response = match incoming.injected.take() {
        Some(response) => response,
        None => next.run(request).await,
    };
    depart(&state, incoming, response)
}

/// Percent-encoding for a query value (unreserved characters kept).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

async fn issue_token(
    State(state): State<Shared>,
    Path(environment_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (client_id, client_secret) = oauth::client_credentials(PINGONE_REALM, &headers, &body)?;
    if !state
        .directory()
        .authenticates(&environment_id, &client_id, &client_secret)
    {
        return Err(OAuthError::invalid_client(
            PINGONE_REALM,
            "Invalid client credentials: unknown client, wrong secret, or a client of another \
             environment.",
        ));
    }
    let issued = state.tokens().issue(&environment_id);
    oauth::token_response(PINGONE_REALM, issued)
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// The environment of a sub-resource request, or 403.
fn accessible_environment(
    state: &PingOneState,
    token: &TokenEnvironment,
    environment_id: &str,
) -> Result<Environment, PingOneError> {
    if token.0 != environment_id {
        return Err(PingOneError::Forbidden);
    }
    state
        .directory()
        .environment(environment_id)
        .cloned()
        .ok_or(PingOneError::Forbidden)
}

async fn get_environment(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEnvironment>,
    Path(environment_id): Path<String>,
) -> Result<Response, PingOneError> {
    let directory = state.directory();
    let Some(environment) = directory.environment(&environment_id) else {
        return Err(PingOneError::NotFound {
            message: format!("Unable to find environment '{environment_id}'."),
        });
    };
    if token.0 != environment_id {
        return Err(PingOneError::Forbidden);
    }
    Ok(ok(environment.to_json(&state.api_url)))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    filter: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// A page of a filtered collection: the HAL body.
fn page(
    state: &PingOneState,
    original: &axum::http::Uri,
    query: &ListQuery,
    key: &str,
    items: Vec<Value>,
) -> Result<Value, PingOneError> {
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=MAXIMUM_LIMIT).contains(&limit) => limit,
            _ => {
                return Err(PingOneError::invalid_value(
                    "limit",
                    format!(
                        "limit must be a whole number from 1 to {MAXIMUM_LIMIT}, not '{text}'."
                    ),
                    json!({"rangeMinimumValue": 1, "rangeMaximumValue": MAXIMUM_LIMIT}),
                ));
            }
        },
    };
    let offset = match query.cursor.as_deref() {
        None => 0,
        Some(cursor) => URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| text.strip_prefix("offset:").map(str::to_string))
            .and_then(|number| number.parse::<usize>().ok())
            .ok_or_else(|| {
                PingOneError::invalid_value(
                    "cursor",
                    "The cursor is not one this server issued.",
                    json!({}),
                )
            })?,
    };
    let page_size = limit.min(state.page_size.max(1));
    let total = items.len();
    let start = offset.min(total);
    let end = (start + page_size).min(total);
    let page_items: Vec<Value> = items[start..end].to_vec();
    let path = original.path();
    let relative = path.strip_prefix(PINGONE_API_PATH).unwrap_or(path);
    let self_href = match original.query() {
        Some(raw) => format!("{}{relative}?{raw}", state.api_url),
        None => format!("{}{relative}", state.api_url),
    };
    let mut links = json!({ "self": { "href": self_href } });
    if end < total {
        let mut parameters: Vec<String> = original
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("cursor="))
            .map(str::to_string)
            .collect();
        parameters.push(format!(
            "cursor={}",
            percent_encode(&URL_SAFE_NO_PAD.encode(format!("offset:{end}")))
        ));
        links["next"] = json!({
            "href": format!("{}{relative}?{}", state.api_url, parameters.join("&"))
        });
    }
    Ok(json!({
        "_links": links,
        "_embedded": { key: page_items },
        "count": total,
        "size": end - start,
    }))
}

fn parsed_filter(query: &ListQuery, supported: Supported) -> Result<Option<Filter>, PingOneError> {
    query
        .filter
        .as_deref()
        .map(|text| Filter::parse(text, supported))
        .transpose()
}

async fn list_populations(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEnvironment>,
    OriginalUri(original): OriginalUri,
    Path(environment_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PingOneError> {
    let environment = accessible_environment(&state, &token, &environment_id)?;
    let filter = parsed_filter(&query, POPULATION_FILTER)?;
    let items = environment
        .populations
        .iter()
        .filter(|population| {
            filter
                .as_ref()
                .is_none_or(|filter| filter.matches(&|attribute| population.attribute(attribute)))
        })
        .map(|population| population.to_json(&state.api_url, &environment))
        .collect();
    Ok(ok(page(&state, &original, &query, "populations", items)?))
}

async fn get_population(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEnvironment>,
    Path((environment_id, population_id)): Path<(String, String)>,
) -> Result<Response, PingOneError> {
    let environment = accessible_environment(&state, &token, &environment_id)?;
    match environment.population(&population_id) {
        Some(population) => Ok(ok(population.to_json(&state.api_url, &environment))),
        None => Err(PingOneError::NotFound {
            message: format!("Unable to find population '{population_id}'."),
        }),
    }
}

async fn list_users(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEnvironment>,
    OriginalUri(original): OriginalUri,
    Path(environment_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PingOneError> {
    let environment = accessible_environment(&state, &token, &environment_id)?;
    let filter = parsed_filter(&query, USER_FILTER)?;
    let items = environment
        .users
        .iter()
        .filter(|user| {
            filter
                .as_ref()
                .is_none_or(|filter| filter.matches(&|attribute| user.attribute(attribute)))
        })
        .map(|user| user.to_json(&state.api_url, &environment.id))
        .collect();
    Ok(ok(page(&state, &original, &query, "users", items)?))
}

async fn get_user(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEnvironment>,
    Path((environment_id, user_id)): Path<(String, String)>,
) -> Result<Response, PingOneError> {
    let environment = accessible_environment(&state, &token, &environment_id)?;
    match environment.user(&user_id) {
        Some(user) => Ok(ok(user.to_json(&state.api_url, &environment.id))),
        None => Err(PingOneError::NotFound {
            message: format!("Unable to find user '{user_id}'."),
        }),
    }
}

async fn unknown_api_path(OriginalUri(original): OriginalUri) -> Response {
    PingOneError::NotFound {
        message: format!(
            "The sandbox's PingOne API does not serve {}.",
            original.path()
        ),
    }
    .into_response()
}

async fn control_summary(State(state): State<Shared>) -> Response {
    let directory = state.directory();
    let environment = directory.primary();
    ok(json!({
        "environmentId": environment.id,
        "clientId": environment.clients.first().map(|client| client.client_id.clone()),
        "apiUrl": state.api_url,
        "authUrl": state.auth_url,
        "pageSize": state.page_size,
        "tokenLifetimeSeconds": state.tokens().lifetime_seconds(),
    }))
}

async fn control_add_user(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, PingOneError> {
    let request: SeedUser = serde_json::from_slice(&body).map_err(|error| {
        PingOneError::invalid_value(
            "body",
            format!("The body is not a user: {error}."),
            json!({}),
        )
    })?;
    let mut directory = state.directory();
    let environment_id = request
        .environment_id
        .clone()
        .unwrap_or_else(|| directory.primary().id.clone());
    let user = directory.add_user(&environment_id, request, &now())?;
    Ok((
        StatusCode::CREATED,
        axum::Json(user.to_json(&state.api_url, &environment_id)),
    )
        .into_response())
}

async fn control_remove_user(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> Result<Response, PingOneError> {
    if state.directory().remove_user(&user_id) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(PingOneError::NotFound {
            message: format!("Unable to find user '{user_id}'."),
        })
    }
}

async fn control_expire_tokens(State(state): State<Shared>) -> Response {
    let expired = state.tokens().expire_all();
    ok(json!({ "expired": expired }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenLifetime {
    seconds: u64,
}

async fn control_token_lifetime(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lifetime: TokenLifetime =
        serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest {
            developer_message: format!("The body is not {{\"seconds\": N}}: {error}."),
        })?;
    state.tokens().set_lifetime(lifetime.seconds);
    Ok(ok(json!({ "seconds": lifetime.seconds })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(percent_encode("a b\"=c"), "a%20b%22%3Dc");
    }
}
