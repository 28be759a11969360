//! The control API's endpoints (`/_sandbox/...`): the request log and the fault queue
//! of `control`, with the PingOne side's control endpoints mounted under
//! `/_sandbox/pingone` and the Admin API's (cluster state, OAuth token lifetime) under
//! `/_sandbox/admin`, all behind the administrator's Basic credentials (and no CSRF
//! header).
//!
//! Owns the control routes and translating a fault's full path into the logged form
//! (relative to its API, with the PingOne hosts' prefixes). Must not hold API rules:
//! the fault bookkeeping is in `control`, the PingOne control endpoints in
//! `pingone::routes`.

use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::administrator::Administrator;
use crate::control::{self, Control, Fault, SharedControl};
use crate::pingfederate::api_result::ApiError;
use crate::pingfederate::routes::{self as pingfederate_routes, AdminApiState, BASE_PATH};
use crate::pingone::routes::{
    self as pingone_routes, PINGONE_API_LOG_PREFIX, PINGONE_API_PATH, PINGONE_AUTH_LOG_PREFIX,
    PINGONE_AUTH_PATH, PingOneState,
};

/// What the control endpoints share.
pub struct ControlApiState {
    pub administrator: Administrator,
    pub control: SharedControl,
}

type Shared = Arc<ControlApiState>;

impl ControlApiState {
    fn control(&self) -> MutexGuard<'_, Control> {
        control::lock(&self.control)
    }
}

/// The control API, to be nested under `/_sandbox`.
pub fn router(state: Shared, pingone: Arc<PingOneState>, admin: Arc<AdminApiState>) -> Router {
    Router::new()
        .route("/requests", get(list_requests).delete(clear_requests))
        .route(
            "/faults",
            get(list_faults).post(queue_fault).delete(clear_faults),
        )
        .nest("/pingone", pingone_routes::control_router(pingone))
        .nest("/admin", pingfederate_routes::control_router(admin))
        .layer(middleware::from_fn_with_state(state.clone(), control_gate))
        .with_state(state)
}

/// The control API needs the same credentials, and no CSRF header.
async fn control_gate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if state.administrator.authorizes(request.headers()) {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
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
