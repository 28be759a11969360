//! Error bodies of the emulated PingOne APIs, worded in one place: the Management API's
//! `{id, code, message, details:[{code, target, message, innerError}]}` (reference §9,
//! a fresh `id` UUID every time) and the auth host's OAuth 2 `{error,
//! error_description}`.
//!
//! Owns every non-success response of the PingOne side. Must not know the rules that
//! produce them.
//!
//! Sources: the body shapes, the codes `INVALID_DATA`, `INVALID_FILTER`,
//! `ACCESS_FAILED`, `NOT_FOUND`, `REQUEST_LIMITED`, `UNEXPECTED_ERROR` and the OAuth 2
//! errors are those of `reference/pingone-api.md` (§2, §3.3, §9: the PingOne OpenAPI
//! specs `pingone-go-sdk-v2` and `pingone-go-client`, and the platform's documentation).
//! Every rule that refuses a request (a bad filter, `limit` or `cursor`, a missing or
//! expired token, another environment's data) is the reference's; how it pairs codes
//! with details is not settled by any source.
//!
//! Choices where the reference is unsure: 401 is `ACCESS_FAILED` with detail
//! `INVALID_TOKEN` (missing, unknown or expired bearer token) and a
//! `WWW-Authenticate: Bearer` header; another environment than the token's is 403
//! `ACCESS_FAILED` / `INSUFFICIENT_PERMISSIONS`; injected statuses get the code of their
//! class (429 `REQUEST_LIMITED` / `LIMIT_EXCEEDED` with `Retry-After`, 5xx
//! `UNEXPECTED_ERROR`, 403 `ACCESS_FAILED`, 400 `INVALID_REQUEST`, other 4xx
//! `REQUEST_FAILED`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::random_identifiers;

/// One entry of `details`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    pub code: String,
    pub target: Option<String>,
    pub message: String,
    pub inner_error: Option<Value>,
}

/// Every way a PingOne Management API request can fail.
#[derive(Debug, Clone)]
pub enum PingOneError {
    /// 401: no, unknown or expired bearer token.
    InvalidToken { reason: String },
    /// 403: the token's environment is not this one (or the environment is unknown).
    Forbidden,
    /// 404: no such resource.
    NotFound { message: String },
    /// 400 `INVALID_DATA` with details (bad filter, bad `limit` or `cursor`).
    InvalidData { details: Vec<ErrorDetail> },
    /// A status injected through the control API.
    Injected {
        status: StatusCode,
        retry_after_seconds: Option<u64>,
    },
    /// 500: the sandbox itself failed.
    Internal { message: String },
}

impl PingOneError {
    pub fn invalid_filter(message: impl Into<String>, inner_error: Value) -> Self {
        Self::InvalidData {
            details: vec![ErrorDetail {
                code: "INVALID_FILTER".to_string(),
                target: Some("filter".to_string()),
                message: message.into(),
                inner_error: Some(inner_error),
            }],
        }
    }

    pub fn invalid_value(target: &str, message: impl Into<String>, inner_error: Value) -> Self {
        Self::InvalidData {
            details: vec![ErrorDetail {
                code: "INVALID_VALUE".to_string(),
                target: Some(target.to_string()),
                message: message.into(),
                inner_error: Some(inner_error),
            }],
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidToken { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::InvalidData { .. } => StatusCode::BAD_REQUEST,
            Self::Injected { status, .. } => *status,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body, with `id` left for the caller (it is random).
    fn code_message_details(&self) -> (&'static str, String, Vec<ErrorDetail>) {
        match self {
            Self::InvalidToken { reason } => (
                "ACCESS_FAILED",
                "The request could not be completed. The access token is missing, invalid or \
                 expired."
                    .to_string(),
                vec![ErrorDetail {
                    code: "INVALID_TOKEN".to_string(),
                    target: None,
                    message: reason.clone(),
                    inner_error: None,
                }],
            ),
            Self::Forbidden => (
                "ACCESS_FAILED",
                "The request could not be completed. You do not have access to this resource."
                    .to_string(),
                vec![ErrorDetail {
                    code: "INSUFFICIENT_PERMISSIONS".to_string(),
                    target: None,
                    message: "The access token was issued for another environment.".to_string(),
                    inner_error: None,
                }],
            ),
            Self::NotFound { message } => ("NOT_FOUND", message.clone(), Vec::new()),
            Self::InvalidData { details } => (
                "INVALID_DATA",
                "The request could not be completed. One or more validation errors were in the \
                 request."
                    .to_string(),
                details.clone(),
            ),
            Self::Injected { status, .. } => match status.as_u16() {
                429 => (
                    "REQUEST_LIMITED",
                    "Too many requests".to_string(),
                    vec![ErrorDetail {
                        code: "LIMIT_EXCEEDED".to_string(),
                        target: None,
                        message: "The sandbox injected a rate limit (control API fault)."
                            .to_string(),
                        inner_error: None,
                    }],
                ),
                500..=599 => (
                    "UNEXPECTED_ERROR",
                    format!(
                        "The sandbox injected HTTP {} for this request (control API fault).",
                        status.as_u16()
                    ),
                    Vec::new(),
                ),
                401 | 403 => (
                    "ACCESS_FAILED",
                    "The actor attempting to perform the request is not authorized.".to_string(),
                    Vec::new(),
                ),
                400 => (
                    "INVALID_REQUEST",
                    "The sandbox injected HTTP 400 for this request (control API fault)."
                        .to_string(),
                    Vec::new(),
                ),
                code => (
                    "REQUEST_FAILED",
                    format!(
                        "The sandbox injected HTTP {code} for this request (control API fault)."
                    ),
                    Vec::new(),
                ),
            },
            Self::Internal { message } => ("UNEXPECTED_ERROR", message.clone(), Vec::new()),
        }
    }

    pub fn body(&self) -> Value {
        let (code, message, details) = self.code_message_details();
        let mut body = Map::new();
        body.insert(
            "id".to_string(),
            Value::String(random_identifiers::uuid().unwrap_or_default()),
        );
        body.insert("code".to_string(), Value::String(code.to_string()));
        body.insert("message".to_string(), Value::String(message));
        if !details.is_empty() {
            body.insert(
                "details".to_string(),
                serde_json::to_value(details).unwrap_or(Value::Null),
            );
        }
        Value::Object(body)
    }
}

impl IntoResponse for PingOneError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        match &self {
            Self::InvalidToken { .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"PingOne\""),
                );
            }
            Self::Injected {
                retry_after_seconds: Some(seconds),
                ..
            } => {
                if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_carry_a_fresh_id_code_and_details() {
        let error = PingOneError::invalid_filter("bad", json!({"supportedOperators": ["eq"]}));
        let first = error.body();
        let second = error.body();
        assert_ne!(first["id"], second["id"]);
        assert_eq!(first["code"], "INVALID_DATA");
        assert_eq!(first["details"][0]["code"], "INVALID_FILTER");
        assert_eq!(first["details"][0]["target"], "filter");
        assert_eq!(
            first["details"][0]["innerError"]["supportedOperators"][0],
            "eq"
        );
    }

    #[test]
    fn not_found_has_no_details() {
        let body = PingOneError::NotFound {
            message: "gone".into(),
        }
        .body();
        assert_eq!(body["code"], "NOT_FOUND");
        assert!(body.get("details").is_none());
    }
}
