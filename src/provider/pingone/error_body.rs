//! PingOne's error bodies, decoded into [`ProviderError`]s that say what failed.
//!
//! The Management API answers every 4xx/5xx with `{id, code, message, details: [{code,
//! target, message}]}`; the token endpoint answers in OAuth style, `{error,
//! error_description}`. Status codes inside a class may change (PingOne documents that
//! a 400 may become a 403), so the wording keys on what the body says as much as on
//! the status. Which status becomes which error is decided here and nowhere else.

use reqwest::StatusCode;
use serde_json::Value;

use crate::provider::{FieldError, ProviderError};

/// What a failed request was, for the error message.
pub(crate) struct FailedRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) attempts: u32,
}

/// The error for a non-2xx answer from the Management API.
pub(crate) fn api_error(
    request: &FailedRequest<'_>,
    status: StatusCode,
    body: &Value,
) -> ProviderError {
    let method = request.method.to_string();
    let url = request.url.to_string();
    match status {
        StatusCode::UNAUTHORIZED => ProviderError::PingOneCredentials {
            url,
            client_id: request.client_id.to_string(),
            message: Some(format!(
                "the API refused a newly issued access token{}",
                summary(body)
                    .map(|text| format!(": {text}"))
                    .unwrap_or_default()
            )),
        },
        StatusCode::FORBIDDEN => ProviderError::PingOneForbidden {
            method,
            url,
            client_id: request.client_id.to_string(),
            status: status.as_u16(),
            message: summary(body),
        },
        StatusCode::NOT_FOUND => ProviderError::NotFound {
            method,
            url,
            message: summary(body),
        },
        status if status.is_client_error() => {
            let (message, field_errors) = message_and_details(body);
            ProviderError::Rejected {
                method,
                url,
                status: status.as_u16(),
                message: message.unwrap_or_else(|| {
                    status
                        .canonical_reason()
                        .unwrap_or("request rejected")
                        .to_string()
                }),
                field_errors,
                hint: None,
            }
        }
        status => ProviderError::Server {
            method,
            url,
            status: status.as_u16(),
            attempts: request.attempts,
            message: summary(body),
        },
    }
}

/// The error for a non-2xx answer from the token endpoint.
pub(crate) fn token_error(
    request: &FailedRequest<'_>,
    environment_id: &str,
    status: StatusCode,
    body: &Value,
    oauth: Option<String>,
) -> ProviderError {
    match status {
        StatusCode::NOT_FOUND => ProviderError::PingOneEnvironmentNotFound {
            environment_id: environment_id.to_string(),
            url: request.url.to_string(),
        },
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            ProviderError::PingOneCredentials {
                url: request.url.to_string(),
                client_id: request.client_id.to_string(),
                message: oauth.or_else(|| summary(body)),
            }
        }
        _ => api_error(request, status, body),
    }
}

/// The top-level message, followed by each detail, and the error code and id that
/// PingOne support asks for.
fn summary(body: &Value) -> Option<String> {
    let (message, details) = message_and_details(body);
    let mut parts: Vec<String> = message.into_iter().collect();
    parts.extend(details.iter().map(ToString::to_string));
    let mut text = parts.join("; ");
    if let Some(reference) = reference(body) {
        text = if text.is_empty() {
            reference
        } else {
            format!("{text} ({reference})")
        };
    }
    (!text.is_empty()).then_some(text)
}

fn reference(body: &Value) -> Option<String> {
    let code = body.get("code").and_then(Value::as_str);
    let id = body.get("id").and_then(Value::as_str);
    match (code, id) {
        (Some(code), Some(id)) => Some(format!("{code}, error id {id}")),
        (Some(code), None) => Some(code.to_string()),
        (None, Some(id)) => Some(format!("error id {id}")),
        (None, None) => None,
    }
}

fn message_and_details(body: &Value) -> (Option<String>, Vec<FieldError>) {
    match body {
        Value::Object(object) => {
            let message = object
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string);
            let details = object
                .get("details")
                .and_then(Value::as_array)
                .map(|details| details.iter().map(detail).collect())
                .unwrap_or_default();
            (message, details)
        }
        Value::String(text) if !text.trim().is_empty() => {
            (Some(text.trim().to_string()), Vec::new())
        }
        _ => (None, Vec::new()),
    }
}

fn detail(detail: &Value) -> FieldError {
    let code = detail.get("code").and_then(Value::as_str);
    let message = detail.get("message").and_then(Value::as_str);
    FieldError {
        field: None,
        wire_path: detail
            .get("target")
            .and_then(Value::as_str)
            .filter(|target| !target.is_empty())
            .map(str::to_string),
        message: match (message, code) {
            (Some(message), Some(code)) => format!("{message} ({code})"),
            (Some(message), None) => message.to_string(),
            (None, Some(code)) => code.to_string(),
            (None, None) => "invalid value".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::oauth::TokenRefused;
    use serde_json::json;

    fn request() -> FailedRequest<'static> {
        FailedRequest {
            method: "GET",
            url: "https://api.pingone.eu/v1/environments/ENV/users",
            client_id: "client-1",
            attempts: 1,
        }
    }

    #[test]
    fn a_bad_filter_names_the_detail_and_its_target() {
        let body = json!({
            "id": "2f6c", "code": "INVALID_DATA",
            "message": "The request could not be completed. One or more validation errors were in the request.",
            "details": [{"code": "INVALID_FILTER", "target": "filter", "message": "Unsupported operator"}]
        });
        let error = api_error(&request(), StatusCode::BAD_REQUEST, &body);
        assert_eq!(
            error.to_string(),
            "GET https://api.pingone.eu/v1/environments/ENV/users was rejected (HTTP 400): \
             The request could not be completed. One or more validation errors were in the request.\n  \
             - filter: Unsupported operator (INVALID_FILTER)"
        );
    }

    #[test]
    fn forbidden_names_the_client_and_the_error_reference() {
        let body = json!({"id": "abc", "code": "ACCESS_FAILED",
            "message": "The request could not be completed. You do not have access to this resource."});
        let error = api_error(&request(), StatusCode::FORBIDDEN, &body);
        assert_eq!(
            error.to_string(),
            "PingOne refused GET https://api.pingone.eu/v1/environments/ENV/users to client \
             `client-1` (HTTP 403): The request could not be completed. You do not have access \
             to this resource. (ACCESS_FAILED, error id abc)"
        );
    }

    #[test]
    fn token_refusals_name_the_worker_client() {
        let body = json!({"error": "invalid_client", "error_description": "Unsupported authentication method"});
        let request = FailedRequest {
            url: "https://auth.pingone.eu/ENV/as/token",
            ..request()
        };
        let refused = TokenRefused {
            status: StatusCode::UNAUTHORIZED,
            body: body.clone(),
            attempts: 1,
        };
        let error = token_error(
            &request,
            "ENV",
            StatusCode::UNAUTHORIZED,
            &body,
            refused.oauth_message(),
        );
        assert_eq!(
            error.to_string(),
            "PingOne refused the worker credentials for client `client-1` \
             (https://auth.pingone.eu/ENV/as/token): invalid_client: Unsupported authentication method"
        );
        let error = token_error(&request, "ENV", StatusCode::NOT_FOUND, &Value::Null, None);
        assert!(matches!(
            error,
            ProviderError::PingOneEnvironmentNotFound { .. }
        ));
        let error = token_error(
            &request,
            "ENV",
            StatusCode::SERVICE_UNAVAILABLE,
            &Value::Null,
            None,
        );
        assert!(matches!(error, ProviderError::Server { status: 503, .. }));
    }
}
