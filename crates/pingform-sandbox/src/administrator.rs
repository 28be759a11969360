//! The administrator account of the sandbox and the HTTP Basic check of its
//! credentials, shared by the Admin API and the control API.
//!
//! Owns decoding `Authorization: Basic ...` and comparing it. Must not know what an
//! unauthorized request gets back: each API answers with its own error body.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The account HTTP Basic auth accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Administrator {
    pub username: String,
    pub password: String,
}

impl Administrator {
    /// Whether the request carries this account's Basic credentials.
    pub fn authorizes(&self, headers: &HeaderMap) -> bool {
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
