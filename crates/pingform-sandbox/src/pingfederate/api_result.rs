//! Error bodies of the emulated Admin API: the `ApiResult` / `ValidationError` shapes
//! PingFederate returns for 4xx and 5xx answers, and the one place their wording lives.
//!
//! Owns every non-success response the emulator sends (status, headers, body). Must not
//! know the rules that produce them: those live in the store and the resource modules.
//!
//! Sources: the spec's `ApiResult` and `ValidationError` schemas; the 422 envelope
//! message and `resultId` `validation_error` were seen on a live server (reference §3,
//! source S9); 401 for bad credentials is standard HTTP (reference §3, [I]); 403 without
//! the CSRF header is the reference's suggested policy (§8, the status is unknown).
//!
//! Choice for 400 (malformed JSON, unknown enum value, unknown or mistyped property):
//! the spec gives 400 no body schema ("The request was improperly formatted or contained
//! invalid fields", `content: {}`), so any body fits it; the emulator answers with an
//! `ApiResult` whose `resultId` is `invalid_request_body` and whose `developerMessage`
//! carries the parser's explanation. What a real server puts there is an open question;
//! clients must not depend on it. Other `resultId`s and all messages are the sandbox's
//! own wording.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::collection::CollectionError;
use crate::random_identifiers::RandomFailure;

/// The envelope message PingFederate uses for every 422 answer (seen on a live server).
pub const VALIDATION_ENVELOPE_MESSAGE: &str =
    "Validation error(s) occurred. Please review the error(s) and address accordingly.";

/// One entry of `ApiResult.validationErrors`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationError {
    pub error_id: String,
    pub field_path: Option<String>,
    pub message: String,
}

impl ValidationError {
    pub fn new(error_id: &str, field_path: &str, message: impl Into<String>) -> Self {
        Self {
            error_id: error_id.to_string(),
            field_path: Some(field_path.to_string()),
            message: message.into(),
        }
    }

    pub fn without_field(error_id: &str, message: impl Into<String>) -> Self {
        Self {
            error_id: error_id.to_string(),
            field_path: None,
            message: message.into(),
        }
    }

    /// Shorthand for the most common case: a required field that is missing or empty.
    pub fn required(field_path: &str, label: &str) -> Self {
        Self::new(
            "required_field_missing",
            field_path,
            format!("{label} is required."),
        )
    }
}

/// The `ApiResult` body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResult {
    pub result_id: String,
    pub message: String,
    pub developer_message: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub validation_errors: Vec<ValidationError>,
}

/// Every way a request to the emulator can fail.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// 400: the body could not be read as the expected JSON shape.
    BadRequest { developer_message: String },
    /// 401: missing or wrong Basic credentials.
    Unauthorized,
    /// 401 in OAuth mode: no bearer token, or one that is unknown or expired.
    BearerUnauthorized { expired: bool, sent: bool },
    /// 403 with no body: the operation needs a clustered server (spec `/cluster/*`).
    NotClustered,
    /// 403: the CSRF header is missing.
    MissingXsrfHeader,
    /// 404: no such resource.
    NotFound { message: String },
    /// 422: one or more validation errors (all reported at once).
    Validation(Vec<ValidationError>),
    /// A status injected through the control API.
    Injected {
        status: StatusCode,
        retry_after_seconds: Option<u64>,
    },
    /// 500: the emulator itself failed (for example the data file could not be written).
    Internal { message: String },
}

impl ApiError {
    pub fn validation(error: ValidationError) -> Self {
        Self::Validation(vec![error])
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BearerUnauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::NotClustered => StatusCode::FORBIDDEN,
            Self::MissingXsrfHeader => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Injected { status, .. } => *status,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ApiResult {
        let (result_id, message, developer_message, validation_errors) = match self {
            Self::BadRequest { developer_message } => (
                "invalid_request_body",
                "The request body is not valid JSON for this resource.".to_string(),
                Some(developer_message.clone()),
                Vec::new(),
            ),
            Self::Unauthorized => (
                "authentication_required",
                "Authentication is required: send HTTP Basic credentials of an administrator."
                    .to_string(),
                None,
                Vec::new(),
            ),
            Self::BearerUnauthorized { expired, sent } => (
                "authentication_required",
                match (sent, expired) {
                    (false, _) => "Authentication is required: send an OAuth 2.0 bearer token \
                                   (Authorization: Bearer) from /as/token.oauth2."
                        .to_string(),
                    (true, true) => "The bearer token has expired; get a new one.".to_string(),
                    (true, false) => "The bearer token is not valid.".to_string(),
                },
                None,
                Vec::new(),
            ),
            Self::NotClustered => (
                "not_clustered",
                "This PingFederate instance is not deployed in clustered mode.".to_string(),
                None,
                Vec::new(),
            ),
            Self::MissingXsrfHeader => (
                "missing_xsrf_header",
                "The X-XSRF-Header request header is required on every Admin API request."
                    .to_string(),
                None,
                Vec::new(),
            ),
            Self::NotFound { message } => ("resource_not_found", message.clone(), None, Vec::new()),
            Self::Validation(errors) => (
                "validation_error",
                VALIDATION_ENVELOPE_MESSAGE.to_string(),
                None,
                errors.clone(),
            ),
            Self::Injected { status, .. } => (
                "injected_fault",
                format!(
                    "The sandbox injected HTTP {} for this request (control API fault).",
                    status.as_u16()
                ),
                None,
                Vec::new(),
            ),
            Self::Internal { message } => ("internal_error", message.clone(), None, Vec::new()),
        };
        ApiResult {
            result_id: result_id.to_string(),
            message,
            developer_message,
            validation_errors,
        }
    }
}

/// How the Admin API words the failures every collection can have.
impl From<CollectionError> for ApiError {
    fn from(error: CollectionError) -> Self {
        match error {
            CollectionError::NotFound { noun, id } => {
                Self::not_found(format!("Resource not found: no {noun} with id '{id}'."))
            }
            CollectionError::DuplicateId {
                noun_with_article,
                id,
            } => Self::validation(ValidationError::new(
                "duplicate_id",
                "id",
                format!("{noun_with_article} with id '{id}' already exists."),
            )),
            CollectionError::IdMismatch { noun, body_id, id } => {
                Self::validation(ValidationError::new(
                    "id_mismatch",
                    "id",
                    format!(
                        "The id in the body ('{body_id}') differs from the id in the path \
                         ('{id}'); a {noun}'s id cannot change."
                    ),
                ))
            }
        }
    }
}

impl From<RandomFailure> for ApiError {
    fn from(error: RandomFailure) -> Self {
        Self::Internal {
            message: error.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::NotClustered = self {
            return status.into_response();
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        match &self {
            Self::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"PingFederate\""),
                );
            }
            Self::BearerUnauthorized { sent, .. } => {
                let challenge = if *sent {
                    "Bearer realm=\"PingFederate\", error=\"invalid_token\""
                } else {
                    "Bearer realm=\"PingFederate\""
                };
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
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

    #[test]
    fn validation_body_uses_the_live_envelope() {
        let body =
            ApiError::validation(ValidationError::required("driverClass", "Driver class")).body();
        let json = serde_json::to_value(body).unwrap();
        assert_eq!(json["resultId"], "validation_error");
        assert_eq!(json["message"], VALIDATION_ENVELOPE_MESSAGE);
        assert_eq!(json["validationErrors"][0]["fieldPath"], "driverClass");
        assert_eq!(
            json["validationErrors"][0]["message"],
            "Driver class is required."
        );
    }

    #[test]
    fn not_found_has_no_validation_errors_key() {
        let json = serde_json::to_value(ApiError::not_found("gone").body()).unwrap();
        assert!(json.get("validationErrors").is_none());
        assert_eq!(json["resultId"], "resource_not_found");
    }
}
