//! PingOne's HTTP session: the worker token, bearer requests, retries and HAL paging.
//!
//! The worker token comes from the shared client-credentials source
//! ([`crate::provider::oauth`]); client building, `Retry-After`, backoff, the retry loop
//! and transport errors are the shared helpers of [`crate::provider::executor`], so
//! both APIs behave alike. What is PingOne's own: the token URL (per environment),
//! error decoding, and HAL paging.
//!
//! Rules: a 401 discards the token and the request is sent once more with a new one;
//! 429 is retried after `Retry-After` (capped) and 502/503/504 after a backoff, a
//! bounded number of times; pages are followed through `_links.next.href` verbatim,
//! only on the API's own origin (the bearer token must not travel elsewhere), never to
//! a page already read, and at most [`MAX_PAGES`] times.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error_body::{FailedRequest, api_error, token_error};
use super::settings::PingOneSettings;
use crate::provider::ProviderError;
use crate::provider::executor::{Method, http_client, is_loopback, send_with_retries};
use crate::provider::oauth::{ClientCredentials, TokenError};
use crate::provider::percent::percent_encode;

/// The most pages one collection read follows.
pub(crate) const MAX_PAGES: usize = 1_000;

pub(crate) struct Session {
    client: reqwest::Client,
    api_url: String,
    environment_id: String,
    timeout: Duration,
    credentials: ClientCredentials,
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
        let credentials = ClientCredentials::new(
            client.clone(),
            format!(
                "{auth_url}/{}/as/token",
                percent_encode(&settings.environment_id)
            ),
            settings.client_id.clone(),
            settings.client_secret.clone(),
            Vec::new(),
            settings.request_timeout,
        );
        Ok(Session {
            client,
            api_url,
            environment_id: settings.environment_id.clone(),
            timeout: settings.request_timeout,
            credentials,
        })
    }

    pub(crate) fn api_url(&self) -> &str {
        &self.api_url
    }

    pub(crate) fn environment_id(&self) -> &str {
        &self.environment_id
    }

    pub(crate) fn client_id(&self) -> &str {
        self.credentials.client_id()
    }

    /// GETs `url` (absolute) with the bearer token and returns its JSON body.
    pub(crate) async fn get(&self, url: &str) -> Result<Value, ProviderError> {
        let mut renewed = false;
        loop {
            let token = self.token().await?;
            let answer = send_with_retries(Method::Get, url, self.timeout, true, || {
                self.client
                    .get(url)
                    .bearer_auth(token.value.expose())
                    .header(reqwest::header::ACCEPT, "application/json")
            })
            .await?;
            if answer.status == StatusCode::UNAUTHORIZED && !renewed {
                tracing::debug!(%url, "PingOne refused the access token; renewing it");
                self.credentials.discard(token.generation).await;
                renewed = true;
                continue;
            }
            if answer.status.is_success() {
                return answer
                    .json()
                    .map_err(|detail| ProviderError::InvalidResponse {
                        method: "GET".into(),
                        url: url.to_string(),
                        detail,
                    });
            }
            let request = FailedRequest {
                method: "GET",
                url,
                client_id: self.client_id(),
                attempts: answer.attempts,
            };
            return Err(api_error(&request, answer.status, &answer.json_or_text()));
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

    /// The worker token; a refusal from the token endpoint says what PingOne meant.
    async fn token(&self) -> Result<crate::provider::token::AccessToken, ProviderError> {
        match self.credentials.token().await {
            Ok(token) => Ok(token),
            Err(TokenError::Provider(error)) => Err(error),
            Err(TokenError::Refused(refused)) => {
                let request = FailedRequest {
                    method: "POST",
                    url: self.credentials.token_url(),
                    client_id: self.client_id(),
                    attempts: refused.attempts,
                };
                Err(token_error(
                    &request,
                    &self.environment_id,
                    refused.status,
                    &refused.body,
                    refused.oauth_message(),
                ))
            }
        }
    }
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
