//! The OAuth 2.0 client-credentials grant both token endpoints share: the PingOne auth
//! host's (`/pingone-auth/{envId}/as/token`) and, in OAuth mode, the Admin API's
//! (`/as/token.oauth2`, PingFederate's runtime token endpoint, reference §1).
//!
//! Owns reading a token request (RFC 6749 §4.4: `application/x-www-form-urlencoded`,
//! `grant_type=client_credentials`, the client authenticated by HTTP Basic
//! (`client_secret_basic`) or by `client_id`/`client_secret` in the body
//! (`client_secret_post`), not both), the token response (§5.1) and the error body
//! (§5.2). Must not know which clients exist or what a token is for: each endpoint
//! checks the credentials and issues the token itself.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::random_identifiers::RandomFailure;

/// An OAuth 2 error of a token endpoint (RFC 6749 §5.2).
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// The realm of the `WWW-Authenticate: Basic` challenge sent with a 401.
    pub realm: &'static str,
}

impl OAuthError {
    pub fn invalid_client(realm: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: description.into(),
            realm,
        }
    }

    pub fn invalid_request(realm: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description: description.into(),
            realm,
        }
    }

    pub fn unsupported_grant_type(realm: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: description.into(),
            realm,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED
            && let Ok(challenge) = HeaderValue::from_str(&format!("Basic realm=\"{}\"", self.realm))
        {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// Percent-decoding of `application/x-www-form-urlencoded` text (`+` is a space); a
/// `%` not followed by two hex digits is kept as is.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |byte: u8| char::from(byte).to_digit(16);
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                match (hex(bytes[index + 1]), hex(bytes[index + 2])) {
                    (Some(high), Some(low)) => {
                        decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                        index += 2;
                    }
                    _ => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn form_pairs(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (form_decode(key), form_decode(value)),
            None => (form_decode(pair), String::new()),
        })
        .collect()
}

/// The client id and secret of a client-credentials token request.
pub fn client_credentials(
    realm: &'static str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, String), OAuthError> {
    if let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        && !content_type
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    {
        return Err(OAuthError::invalid_request(
            realm,
            format!(
                "The token request must be application/x-www-form-urlencoded, not {content_type}."
            ),
        ));
    }
    let form = form_pairs(&String::from_utf8_lossy(body));
    match form.get("grant_type").map(String::as_str) {
        None => {
            return Err(OAuthError::invalid_request(
                realm,
                "The grant_type parameter is required.",
            ));
        }
        Some("client_credentials") => {}
        Some(other) => {
            return Err(OAuthError::unsupported_grant_type(
                realm,
                format!("The grant type '{other}' is not supported; use client_credentials."),
            ));
        }
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .map(|encoded| {
            STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|decoded| String::from_utf8(decoded).ok())
                .and_then(|text| {
                    text.split_once(':')
                        .map(|(id, secret)| (form_decode(id), form_decode(secret)))
                })
        });
    let posted = form.get("client_secret").map(|secret| {
        (
            form.get("client_id").cloned().unwrap_or_default(),
            secret.clone(),
        )
    });
    match (basic, posted) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request(
            realm,
            "The client authenticated with more than one method (Basic and client_secret).",
        )),
        (Some(None), None) => Err(OAuthError::invalid_client(
            realm,
            "The Basic authorization header is malformed.",
        )),
        (Some(Some(credentials)), None) | (None, Some(credentials)) => Ok(credentials),
        (None, None) => Err(OAuthError::invalid_client(
            realm,
            "Client authentication is required (client_secret_basic or client_secret_post).",
        )),
    }
}

/// The token response (RFC 6749 §5.1) for a token just issued with its lifetime.
pub fn token_response(
    realm: &'static str,
    issued: Result<(String, u64), RandomFailure>,
) -> Result<Response, OAuthError> {
    let (access_token, expires_in) = issued.map_err(|error| OAuthError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        error: "server_error",
        description: error.to_string(),
        realm,
    })?;
    let mut response = (
        StatusCode::OK,
        axum::Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": expires_in,
        })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_percent_decoded() {
        let pairs = form_pairs("grant_type=client_credentials&client_secret=a%2Bb+c%3D&x");
        assert_eq!(pairs["client_secret"], "a+b c=");
        assert_eq!(pairs["grant_type"], "client_credentials");
        assert_eq!(pairs["x"], "");
        assert_eq!(form_decode("100%"), "100%");
    }

    #[test]
    fn both_client_authentication_methods_are_read_and_not_together() {
        let mut headers = HeaderMap::new();
        let body = b"grant_type=client_credentials&client_id=c&client_secret=s";
        assert_eq!(
            client_credentials("R", &headers, body).unwrap(),
            ("c".to_string(), "s".to_string())
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic Yzpz"),
        );
        assert_eq!(
            client_credentials("R", &headers, body).unwrap_err().error,
            "invalid_request"
        );
        assert_eq!(
            client_credentials("R", &headers, b"grant_type=client_credentials").unwrap(),
            ("c".to_string(), "s".to_string())
        );
        assert_eq!(
            client_credentials("R", &headers, b"grant_type=password")
                .unwrap_err()
                .error,
            "unsupported_grant_type"
        );
    }
}
