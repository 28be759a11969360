//! PingOne's HTTP session: the worker token, bearer requests, retries and HAL paging.
//!
//! PingOne gets its own small executor rather than a mode of the PingFederate one: the
//! auth differs (a token fetched, cached and renewed, instead of Basic on each
//! request) and so does error decoding. Client building, `Retry-After`, backoff and
//! transport errors are the shared helpers of [`crate::provider::executor`], so both
//! APIs behave alike.
//!
//! Rules: a token is fetched with client_secret_basic (client id and secret
//! form-encoded before Basic, as RFC 6749 §2.3.1 asks; PingOne's generated ids and
//! secrets only hold characters that encode to themselves) and reused (see
//! [`super::token`]); a 401 discards it and the request is sent once more with a new
//! one; 429 is retried after `Retry-After` (capped) and 502/503/504 after a backoff,
//! a bounded number of times; pages are followed through `_links.next.href` verbatim,
//! only on the API's own origin (the bearer token must not travel elsewhere), never to
//! a page already read, and at most [`MAX_PAGES`] times.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use super::error_body::{FailedRequest, api_error, token_error};
use super::percent::percent_encode;
use super::settings::PingOneSettings;
use super::token::{AccessToken, TokenCache};
use crate::model::Secret;
use crate::provider::ProviderError;
use crate::provider::executor::{
    MAX_ATTEMPTS, MAX_RETRY_WAIT, Method, backoff, http_client, is_loopback, retry_after,
    transport_error,
};

/// The most pages one collection read follows.
pub(crate) const MAX_PAGES: usize = 1_000;

/// The token lifetime assumed when the token endpoint does not say (PingOne's is 1 h).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

pub(crate) struct Session {
    client: reqwest::Client,
    api_url: String,
    token_url: String,
    environment_id: String,
    client_id: String,
    client_secret: Secret,
    timeout: Duration,
    tokens: Mutex<TokenCache>,
}

/// A final answer: status, body bytes, and how many attempts it took.
struct Answer {
    status: StatusCode,
    bytes: Vec<u8>,
    attempts: u32,
}

impl Session {
    pub(crate) fn new(settings: &PingOneSettings) -> Result<Session, ProviderError> {
        for (name, url) in [
            ("api_url", &settings.api_url),
            ("auth_url", &settings.auth_url),
        ] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ProviderError::Settings(format!(
                    "the pingone {name} `{url}` is not an http(s) URL"
                )));
            }
        }
        if settings.environment_id.trim().is_empty() {
            return Err(ProviderError::Settings(
                "the pingone environment_id is empty".to_string(),
            ));
        }
        let api_url = settings.api_url.trim_end_matches('/').to_string();
        let auth_url = settings.auth_url.trim_end_matches('/').to_string();
        let client = http_client(
            settings.ca_file.as_deref(),
            false,
            settings.request_timeout,
            is_loopback(&api_url) || is_loopback(&auth_url),
        )?;
        Ok(Session {
            client,
            token_url: format!(
                "{auth_url}/{}/as/token",
                percent_encode(&settings.environment_id)
            ),
            api_url,
            environment_id: settings.environment_id.clone(),
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            timeout: settings.request_timeout,
            tokens: Mutex::new(TokenCache::default()),
        })
    }

    pub(crate) fn api_url(&self) -> &str {
        &self.api_url
    }

    pub(crate) fn environment_id(&self) -> &str {
        &self.environment_id
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// GETs `url` (absolute) with the bearer token and returns its JSON body.
    pub(crate) async fn get(&self, url: &str) -> Result<Value, ProviderError> {
        let mut renewed = false;
        loop {
            let token = self.token().await?;
            let answer = self
                .send_with_retries(Method::Get, url, || {
                    self.client
                        .get(url)
                        .bearer_auth(token.value.expose())
                        .header(reqwest::header::ACCEPT, "application/json")
                })
                .await?;
            if answer.status == StatusCode::UNAUTHORIZED && !renewed {
                tracing::debug!(%url, "PingOne refused the access token; renewing it");
                self.tokens.lock().await.discard(token.generation);
                renewed = true;
                continue;
            }
            let body = decode_json(&answer.bytes);
            if answer.status.is_success() {
                return body.map_err(|detail| ProviderError::InvalidResponse {
                    method: "GET".into(),
                    url: url.to_string(),
                    detail,
                });
            }
            let request = FailedRequest {
                method: "GET",
                url,
                client_id: &self.client_id,
                attempts: answer.attempts,
            };
            return Err(api_error(
                &request,
                answer.status,
                &body.unwrap_or_else(|_| lossy_text(&answer.bytes)),
            ));
        }
    }

    /// Every item of a HAL collection: `_embedded.<key>` of the page at `first_url`
    /// and of each `_links.next.href` after it.
    pub(crate) async fn collect<T: DeserializeOwned>(
        &self,
        first_url: String,
        key: &str,
    ) -> Result<Vec<T>, ProviderError> {
        let mut items = Vec::new();
        let mut visited = HashSet::new();
        let mut next = Some(first_url);
        while let Some(url) = next.take() {
            let invalid = |detail: String| ProviderError::InvalidResponse {
                method: "GET".into(),
                url: url.clone(),
                detail,
            };
            if visited.len() >= MAX_PAGES {
                return Err(invalid(format!(
                    "the collection has more than {MAX_PAGES} pages; pingform stopped following `_links.next`"
                )));
            }
            visited.insert(url.clone());
            let page = self.get(&url).await?;
            match page.pointer(&format!("/_embedded/{key}")) {
                None | Some(Value::Null) => {}
                Some(Value::Array(embedded)) => {
                    for (index, item) in embedded.iter().enumerate() {
                        let item = T::deserialize(item).map_err(|error| {
                            invalid(format!("_embedded.{key}[{index}]: {error}"))
                        })?;
                        items.push(item);
                    }
                }
                Some(_) => return Err(invalid(format!("_embedded.{key} is not a list"))),
            }
            if let Some(href) = page.pointer("/_links/next/href").and_then(Value::as_str) {
                if origin(href) != origin(&self.api_url) {
                    return Err(invalid(format!(
                        "_links.next points away from {}: {href}",
                        self.api_url
                    )));
                }
                if visited.contains(href) {
                    return Err(invalid(format!(
                        "_links.next repeats a page already read: {href}"
                    )));
                }
                next = Some(href.to_string());
            }
        }
        Ok(items)
    }

    /// A usable token: the cached one, or a new one from the token endpoint. The lock
    /// is held while fetching, so concurrent reads wait for one token request.
    async fn token(&self) -> Result<AccessToken, ProviderError> {
        let mut tokens = self.tokens.lock().await;
        if let Some(token) = tokens.usable_at(Instant::now()) {
            return Ok(token.clone());
        }
        let obtained_at = Instant::now();
        let (value, expires_in) = self.request_token().await?;
        Ok(tokens.store(value, obtained_at, expires_in))
    }

    async fn request_token(&self) -> Result<(Secret, Duration), ProviderError> {
        let url = &self.token_url;
        let answer = self
            .send_with_retries(Method::Post, url, || {
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
                    .body("grant_type=client_credentials")
            })
            .await?;
        let body = decode_json(&answer.bytes);
        if !answer.status.is_success() {
            let request = FailedRequest {
                method: "POST",
                url,
                client_id: &self.client_id,
                attempts: answer.attempts,
            };
            return Err(token_error(
                &request,
                &self.environment_id,
                answer.status,
                &body.unwrap_or_else(|_| lossy_text(&answer.bytes)),
            ));
        }
        let invalid = |detail: &str| ProviderError::InvalidResponse {
            method: "POST".into(),
            url: url.clone(),
            detail: detail.to_string(),
        };
        // The body holds the token: its parse error must not quote it.
        let body = body.map_err(|_| invalid("the token response is not JSON"))?;
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

    /// Sends a request built by `build` until it gets an answer that is not worth
    /// retrying, or the attempts run out. Token requests are retried like reads: they
    /// change nothing on the server.
    async fn send_with_retries(
        &self,
        method: Method,
        url: &str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Answer, ProviderError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let response = match build().send().await {
                Ok(response) => response,
                Err(error) => {
                    tracing::debug!(method = method.as_str(), %url, "PingOne request failed");
                    if error.is_connect() && attempt < MAX_ATTEMPTS {
                        tokio::time::sleep(backoff(attempt)).await;
                        continue;
                    }
                    return Err(transport_error(method, url, &error, self.timeout));
                }
            };
            let status = response.status();
            tracing::debug!(
                method = method.as_str(),
                %url,
                status = status.as_u16(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "PingOne request"
            );
            let wait = retry_after(&response);
            let retryable = matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS
                    | StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            );
            let bytes = response
                .bytes()
                .await
                .map_err(|error| transport_error(method, url, &error, self.timeout))?;
            if retryable && attempt < MAX_ATTEMPTS {
                tokio::time::sleep(wait.unwrap_or_else(|| backoff(attempt)).min(MAX_RETRY_WAIT))
                    .await;
                continue;
            }
            return Ok(Answer {
                status,
                bytes: bytes.to_vec(),
                attempts: attempt,
            });
        }
    }
}

fn decode_json(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|error| format!("not JSON: {error}"))
}

fn lossy_text(bytes: &[u8]) -> Value {
    Value::String(String::from_utf8_lossy(bytes).chars().take(500).collect())
}

/// `scheme://authority` of an absolute URL, lower-cased.
pub(crate) fn origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(
            origin("https://api.pingone.eu/v1/environments?cursor=x"),
            "https://api.pingone.eu"
        );
        assert_eq!(origin("http://127.0.0.1:8080/v1"), "http://127.0.0.1:8080");
        assert_eq!(origin("HTTPS://API.pingone.eu?x"), "https://api.pingone.eu");
        assert_ne!(
            origin("https://api.pingone.eu.evil.example/v1"),
            origin("https://api.pingone.eu/v1")
        );
        assert_eq!(origin("/relative/path"), "");
    }
}
