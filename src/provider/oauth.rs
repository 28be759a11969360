//! OAuth 2.0 client-credentials tokens (RFC 6749 §4.4), for every API pingform reaches
//! with a bearer token: PingOne's worker app, and PingFederate's Admin API when the
//! `pingfederate` block has an `oauth` block.
//!
//! Rules: the client authenticates with client_secret_basic (id and secret
//! form-encoded before Basic, RFC 6749 §2.3.1); `scope` is sent when scopes are
//! configured; a token is reused until shortly before it expires (see
//! [`super::token`]); concurrent callers wait for one token request; a token the API
//! refused is discarded (only that one), so the next caller gets a new one. Token
//! requests are retried like reads: they change nothing. What a refusal means is the
//! caller's to say: the token endpoint's answer comes back as [`TokenRefused`].

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

use super::ProviderError;
use super::executor::{Method, send_with_retries};
use super::percent::percent_encode;
use super::token::{AccessToken, TokenCache};
use crate::model::Secret;

/// The token lifetime assumed when the token endpoint does not say.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// A token endpoint's non-2xx answer.
#[derive(Debug)]
pub(crate) struct TokenRefused {
    pub(crate) status: reqwest::StatusCode,
    /// The JSON body, or its text.
    pub(crate) body: Value,
    pub(crate) attempts: u32,
}

impl TokenRefused {
    /// `error: error_description`, as OAuth servers answer.
    pub(crate) fn oauth_message(&self) -> Option<String> {
        match (
            self.body.get("error").and_then(Value::as_str),
            self.body.get("error_description").and_then(Value::as_str),
        ) {
            (Some(error), Some(description)) => Some(format!("{error}: {description}")),
            (Some(error), None) => Some(error.to_string()),
            (None, Some(description)) => Some(description.to_string()),
            (None, None) => self
                .body
                .as_str()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string),
        }
    }
}

/// Why no token came back.
#[derive(Debug)]
pub(crate) enum TokenError {
    /// The endpoint answered, and not with a token.
    Refused(TokenRefused),
    /// No answer, or one pingform cannot read.
    Provider(ProviderError),
}

impl From<ProviderError> for TokenError {
    fn from(error: ProviderError) -> TokenError {
        TokenError::Provider(error)
    }
}

/// One OAuth client and the token it holds.
pub(crate) struct ClientCredentials {
    client: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    timeout: Duration,
    tokens: Mutex<TokenCache>,
}

impl ClientCredentials {
    pub(crate) fn new(
        client: reqwest::Client,
        token_url: String,
        client_id: String,
        client_secret: Secret,
        scopes: Vec<String>,
        timeout: Duration,
    ) -> ClientCredentials {
        ClientCredentials {
            client,
            token_url,
            client_id,
            client_secret,
            scopes,
            timeout,
            tokens: Mutex::new(TokenCache::default()),
        }
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn token_url(&self) -> &str {
        &self.token_url
    }

    /// A usable token: the cached one, or a new one from the token endpoint. The lock
    /// is held while fetching, so concurrent requests wait for one token request.
    pub(crate) async fn token(&self) -> Result<AccessToken, TokenError> {
        let mut tokens = self.tokens.lock().await;
        if let Some(token) = tokens.usable_at(Instant::now()) {
            return Ok(token.clone());
        }
        let obtained_at = Instant::now();
        let (value, expires_in) = self.request_token().await?;
        Ok(tokens.store(value, obtained_at, expires_in))
    }

    /// Forgets the token of `generation` after an API refused it.
    pub(crate) async fn discard(&self, generation: u64) {
        self.tokens.lock().await.discard(generation);
    }

    async fn request_token(&self) -> Result<(Secret, Duration), TokenError> {
        let url = &self.token_url;
        let mut form = String::from("grant_type=client_credentials");
        if !self.scopes.is_empty() {
            form.push_str("&scope=");
            form.push_str(&percent_encode(&self.scopes.join(" ")));
        }
        let answer = send_with_retries(Method::Post, url, self.timeout, true, || {
            self.client
                .post(url)
                .basic_auth(
                    percent_encode(&self.client_id),
                    Some(percent_encode(self.client_secret.expose())),
                )
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .header(reqwest::header::ACCEPT, "application/json")
                .body(form.clone())
        })
        .await?;
        if !answer.status.is_success() {
            return Err(TokenError::Refused(TokenRefused {
                status: answer.status,
                body: answer.json_or_text(),
                attempts: answer.attempts,
            }));
        }
        let invalid = |detail: &str| {
            TokenError::Provider(ProviderError::InvalidResponse {
                method: "POST".into(),
                url: url.clone(),
                detail: detail.to_string(),
            })
        };
        // The body holds the token: its parse error must not quote it.
        let body: Value = serde_json::from_slice(&answer.bytes)
            .map_err(|_| invalid("the token response is not JSON"))?;
        let value = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| invalid("the token response has no access_token"))?;
        let expires_in = body
            .get("expires_in")
            .and_then(Value::as_u64)
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TOKEN_LIFETIME);
        Ok((Secret::new(value), expires_in))
    }
}
