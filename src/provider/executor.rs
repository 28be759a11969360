use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use super::oauth::{ClientCredentials, TokenError};
use super::{FieldError, ProviderError};
use crate::model::AdminAuth;

/// How to reach one API.
#[derive(Debug, Clone)]
pub struct ExecutorSettings {
    /// Base URL without a trailing slash; request paths are appended to it.
    pub base_url: String,
    pub auth: AdminAuth,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub timeout: Duration,
    /// Headers sent on every request (PingFederate's `X-XSRF-Header`).
    pub headers: Vec<(&'static str, &'static str)>,
    /// A 422 on a write to a path starting with one of these may come from
    /// PingFederate's connection test, which `bypass_external_validation` skips: its
    /// message says so. Empty when the bypass is on.
    pub connection_tested: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub(crate) fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request cannot do harm. A POST that timed out may have
    /// created its object, so only a refusal the server made before acting (429) is
    /// retried for it.
    fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// A decoded response: status and JSON body (`Value::Null` for an empty body).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

/// Sends requests to one API: one connection pool, auth, retries, error decoding.
#[derive(Clone)]
pub struct Executor {
    client: reqwest::Client,
    settings: ExecutorSettings,
    /// The token source when the API takes OAuth bearer tokens.
    oauth: Option<Arc<ClientCredentials>>,
}

/// A final answer: status, body bytes, and how many attempts it took.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) bytes: Vec<u8>,
    pub(crate) attempts: u32,
}

impl Answer {
    /// The JSON body (`Value::Null` when empty).
    pub(crate) fn json(&self) -> Result<Value, String> {
        if self.bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.bytes).map_err(|error| format!("not JSON: {error}"))
    }

    /// The JSON body, or the start of its text when it is not JSON (an error page).
    pub(crate) fn json_or_text(&self) -> Value {
        self.json().unwrap_or_else(|_| {
            Value::String(
                String::from_utf8_lossy(&self.bytes)
                    .chars()
                    .take(500)
                    .collect(),
            )
        })
    }
}

pub(crate) const MAX_ATTEMPTS: u32 = 4;
pub(crate) const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

impl Executor {
    pub fn new(settings: ExecutorSettings) -> Result<Executor, ProviderError> {
        let loopback = is_loopback(&settings.base_url);
        let client = http_client(
            settings.ca_file.as_deref(),
            settings.insecure_skip_tls_verify,
            settings.timeout,
            loopback,
        )?;
        if settings.insecure_skip_tls_verify {
            tracing::warn!(
                "TLS certificate verification is off for {}",
                settings.base_url
            );
        }
        if is_plain_http_to_another_machine(&settings.base_url) {
            tracing::warn!(
                "{} is plain HTTP to another machine: credentials and secrets travel unencrypted; use https://",
                settings.base_url
            );
        }
        let oauth = match &settings.auth {
            AdminAuth::Basic { .. } => None,
            AdminAuth::OAuth(oauth) => {
                let token_client = if is_loopback(&oauth.token_url) == loopback {
                    client.clone()
                } else {
                    http_client(
                        settings.ca_file.as_deref(),
                        settings.insecure_skip_tls_verify,
                        settings.timeout,
                        is_loopback(&oauth.token_url),
                    )?
                };
                Some(Arc::new(ClientCredentials::new(
                    token_client,
                    oauth.token_url.clone(),
                    oauth.client_id.clone(),
                    oauth.client_secret.clone(),
                    oauth.scopes.clone(),
                    settings.timeout,
                )))
            }
        };
        Ok(Executor {
            client,
            settings,
            oauth,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.settings.base_url, path)
    }

    /// Sends one request, retrying what is safe to retry, and returns the JSON body
    /// of a 2xx response (`Value::Null` when empty). Every other status becomes a
    /// [`ProviderError`]; `field_name` maps a server field path to a configuration
    /// field name.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        field_name: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Response, ProviderError> {
        self.send_decoded(method, path, body, field_name, |status, bytes| {
            let body = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?
            };
            Ok(Response { status, body })
        })
        .await
    }

    /// Like [`Executor::send`], but hands the raw body of a 2xx response to `decode`,
    /// so a large collection can be converted item by item instead of being held
    /// twice, once as a JSON tree.
    pub async fn send_decoded<T>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        field_name: &dyn Fn(&str) -> Option<String>,
        decode: impl FnOnce(u16, &[u8]) -> Result<T, String>,
    ) -> Result<T, ProviderError> {
        let url = self.url(path);
        let mut renewed = false;
        loop {
            let token = match &self.oauth {
                Some(oauth) => Some(self.token(oauth).await?),
                None => None,
            };
            let answer = send_with_retries(
                method,
                &url,
                self.settings.timeout,
                method.is_idempotent(),
                || {
                    let mut request = self
                        .client
                        .request(method.as_reqwest(), &url)
                        .header(reqwest::header::ACCEPT, "application/json");
                    request = match (&self.settings.auth, &token) {
                        (_, Some(token)) => request.bearer_auth(token.value.expose()),
                        (AdminAuth::Basic { username, password }, None) => {
                            request.basic_auth(username, Some(password.expose()))
                        }
                        (AdminAuth::OAuth(_), None) => request,
                    };
                    for (name, value) in &self.settings.headers {
                        request = request.header(*name, *value);
                    }
                    if let Some(body) = body {
                        request = request.json(body);
                    }
                    request
                },
            )
            .await?;
            if answer.status == StatusCode::UNAUTHORIZED
                && !renewed
                && let (Some(oauth), Some(token)) = (&self.oauth, &token)
            {
                // Revoked or expired early: one more try with a new token.
                tracing::debug!(%url, "the Admin API refused the access token; renewing it");
                oauth.discard(token.generation).await;
                renewed = true;
                continue;
            }
            if answer.status.is_success() {
                return decode(answer.status.as_u16(), &answer.bytes).map_err(|detail| {
                    ProviderError::InvalidResponse {
                        method: method.as_str().into(),
                        url,
                        detail,
                    }
                });
            }
            let body = answer.json_or_text();
            return Err(self.status_error(
                method,
                path,
                url,
                answer.status,
                body,
                answer.attempts,
                field_name,
            ));
        }
    }

    /// A token for the Admin API; a refusal names the OAuth client.
    async fn token(
        &self,
        oauth: &ClientCredentials,
    ) -> Result<super::token::AccessToken, ProviderError> {
        oauth.token().await.map_err(|error| match error {
            TokenError::Provider(error) => error,
            TokenError::Refused(refused) => ProviderError::AdminTokenRefused {
                url: oauth.token_url().to_string(),
                client_id: oauth.client_id().to_string(),
                status: refused.status.as_u16(),
                message: refused.oauth_message(),
            },
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn status_error(
        &self,
        method: Method,
        path: &str,
        url: String,
        status: StatusCode,
        body: Value,
        attempts: u32,
        field_name: &dyn Fn(&str) -> Option<String>,
    ) -> ProviderError {
        let method_text = method.as_str().to_string();
        let (message, field_errors) = decode_api_result(&body, field_name);
        match status {
            StatusCode::UNAUTHORIZED => ProviderError::Unauthorized {
                url,
                principal: self.settings.auth.principal(),
            },
            StatusCode::UNPROCESSABLE_ENTITY
                if matches!(method, Method::Post | Method::Put)
                    && self
                        .settings
                        .connection_tested
                        .iter()
                        .any(|prefix| path.starts_with(prefix)) =>
            {
                ProviderError::Rejected {
                    method: method_text,
                    url,
                    status: status.as_u16(),
                    message: name_the_option(
                        &message.unwrap_or_else(|| "validation failed".to_string()),
                    ),
                    field_errors: field_errors
                        .into_iter()
                        .map(|error| FieldError {
                            message: name_the_option(&error.message),
                            ..error
                        })
                        .collect(),
                    hint: Some(CONNECTION_TEST_HINT),
                }
            }
            StatusCode::FORBIDDEN => ProviderError::Forbidden {
                method: method_text,
                url,
                message,
            },
            StatusCode::NOT_FOUND => ProviderError::NotFound {
                method: method_text,
                url,
                message,
            },
            s if s.is_client_error() => ProviderError::Rejected {
                method: method_text,
                url,
                status: s.as_u16(),
                message: message.unwrap_or_else(|| {
                    s.canonical_reason()
                        .unwrap_or("request rejected")
                        .to_string()
                }),
                field_errors,
                hint: None,
            },
            s => ProviderError::Server {
                method: method_text,
                url,
                status: s.as_u16(),
                attempts,
                message,
            },
        }
    }
}

/// What a 422 on a connection-tested write adds.
const CONNECTION_TEST_HINT: &str = "PingFederate tests the connection to the directory or database each time it saves a data store; if that server is not reachable yet, set `bypass_external_validation = true` in the pingfederate block (or pass --bypass-external-validation) to save without the test";

/// A server message that tells the reader to send the bypass header names pingform's
/// option instead.
fn name_the_option(text: &str) -> String {
    text.replace(
        "send X-BypassExternalValidation: true",
        "set bypass_external_validation = true",
    )
    .replace(
        "X-BypassExternalValidation: true",
        "bypass_external_validation = true",
    )
    .replace("X-BypassExternalValidation", "bypass_external_validation")
}

/// Reads PingFederate's `ApiResult` (`message`, `validationErrors[]`), or a plain text
/// body, into a message and field errors.
fn decode_api_result(
    body: &Value,
    field_name: &dyn Fn(&str) -> Option<String>,
) -> (Option<String>, Vec<FieldError>) {
    match body {
        Value::Object(object) => {
            let message = object
                .get("message")
                .or_else(|| object.get("developerMessage"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let field_errors = object
                .get("validationErrors")
                .and_then(Value::as_array)
                .map(|errors| {
                    errors
                        .iter()
                        .map(|error| {
                            let wire_path = error
                                .get("fieldPath")
                                .and_then(Value::as_str)
                                .filter(|p| !p.is_empty())
                                .map(str::to_string);
                            FieldError {
                                field: wire_path.as_deref().and_then(field_name),
                                message: error
                                    .get("message")
                                    .or_else(|| error.get("developerMessage"))
                                    .or_else(|| error.get("errorId"))
                                    .and_then(Value::as_str)
                                    .unwrap_or("invalid value")
                                    .to_string(),
                                wire_path,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            (message, field_errors)
        }
        Value::String(text) if !text.trim().is_empty() => {
            (Some(text.trim().to_string()), Vec::new())
        }
        _ => (None, Vec::new()),
    }
}

/// Sends a request built by `build` until it gets an answer that is not worth
/// retrying, or the attempts run out. 429 is always retried (the server refused before
/// acting), after `Retry-After` when it says (capped); a 500 on a read; a connection
/// failure and 502/503/504 only when `safe_to_repeat` (a POST that reached the server may have
/// created its object). One debug line per attempt; the error is returned once.
pub(crate) async fn send_with_retries(
    method: Method,
    url: &str,
    timeout: Duration,
    safe_to_repeat: bool,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Answer, ProviderError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let started = Instant::now();
        let response = match build().send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(method = method.as_str(), %url, attempt, error = %chain(&error), "request failed");
                if error.is_connect() && attempt < MAX_ATTEMPTS && safe_to_repeat {
                    tokio::time::sleep(backoff(attempt)).await;
                    continue;
                }
                return Err(transport_error(method, url, &error, timeout));
            }
        };
        let status = response.status();
        tracing::debug!(
            method = method.as_str(),
            %url,
            status = status.as_u16(),
            attempt,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request"
        );
        let wait = retry_after(&response);
        let retryable = status == StatusCode::TOO_MANY_REQUESTS
            || (safe_to_repeat
                && matches!(
                    status,
                    StatusCode::BAD_GATEWAY
                        | StatusCode::SERVICE_UNAVAILABLE
                        | StatusCode::GATEWAY_TIMEOUT
                ))
            // A read changes nothing: a passing 500 is worth another try.
            || (method == Method::Get && status == StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = response
            .bytes()
            .await
            .map_err(|error| transport_error(method, url, &error, timeout))?;
        if retryable && attempt < MAX_ATTEMPTS {
            tokio::time::sleep(wait.unwrap_or_else(|| backoff(attempt)).min(MAX_RETRY_WAIT)).await;
            continue;
        }
        return Ok(Answer {
            status,
            bytes: bytes.to_vec(),
            attempts: attempt,
        });
    }
}

/// One HTTP client with pingform's timeouts, user agent and TLS trust: the system
/// roots, or only the certificates in `ca_file`. `skip_proxy` keeps traffic meant for
/// this machine away from a proxy configured in the environment.
pub(crate) fn http_client(
    ca_file: Option<&Path>,
    insecure_skip_tls_verify: bool,
    timeout: Duration,
    skip_proxy: bool,
) -> Result<reqwest::Client, ProviderError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(concat!("pingform/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            ProviderError::Settings(format!("cannot read ca_file {}: {e}", path.display()))
        })?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            ProviderError::Settings(format!(
                "ca_file {} holds no usable PEM certificate: {e}",
                path.display()
            ))
        })?;
        if certificates.is_empty() {
            return Err(ProviderError::Settings(format!(
                "ca_file {} holds no PEM certificate",
                path.display()
            )));
        }
        builder = builder.tls_certs_only(certificates);
    }
    if insecure_skip_tls_verify {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    if skip_proxy {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| {
        ProviderError::Settings(format!("cannot build the HTTP client: {}", chain(&e)))
    })
}

pub(crate) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let text = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200 * 2u64.pow(attempt.saturating_sub(1)))
}

pub(crate) fn transport_error(
    method: Method,
    url: &str,
    error: &reqwest::Error,
    timeout: Duration,
) -> ProviderError {
    if error.is_timeout() {
        return ProviderError::Timeout {
            method: method.as_str().into(),
            url: url.into(),
            after: timeout,
        };
    }
    let detail = chain(error);
    match connection_failure(url, &detail) {
        ConnectionFailure::CertificateNotTrusted => ProviderError::CertificateNotTrusted {
            url: url.into(),
            // rustls says why after this: UnknownIssuer, Expired, NotValidForName...
            detail: detail
                .rsplit("invalid peer certificate: ")
                .next()
                .unwrap_or(&detail)
                .to_string(),
        },
        ConnectionFailure::TlsOnHttpUrl => ProviderError::TlsOnHttpUrl { url: url.into() },
        ConnectionFailure::HttpOnHttpsUrl => ProviderError::HttpOnHttpsUrl { url: url.into() },
        // Not refused while connecting: the request may have reached the server.
        ConnectionFailure::Other if !error.is_connect() && error.is_request() => {
            ProviderError::ConnectionLost {
                method: method.as_str().into(),
                url: url.into(),
                detail,
            }
        }
        ConnectionFailure::Other => ProviderError::Connect {
            url: url.into(),
            detail,
        },
    }
}

/// What a failed connection most likely means, from the URL's scheme and the error
/// text of the TLS and HTTP libraries (rustls, hyper).
#[derive(Debug, PartialEq, Eq)]
enum ConnectionFailure {
    CertificateNotTrusted,
    TlsOnHttpUrl,
    HttpOnHttpsUrl,
    Other,
}

fn connection_failure(url: &str, detail: &str) -> ConnectionFailure {
    let https = url.starts_with("https://");
    if https && detail.contains("invalid peer certificate") {
        ConnectionFailure::CertificateNotTrusted
    } else if https && (detail.contains("InvalidContentType") || detail.contains("corrupt message"))
    {
        ConnectionFailure::HttpOnHttpsUrl
    } else if !https
        && (detail.contains("invalid HTTP version")
            || detail.contains("received HTTP/0.9")
            || detail.contains("connection closed before message completed"))
    {
        ConnectionFailure::TlsOnHttpUrl
    } else {
        ConnectionFailure::Other
    }
}

/// The error and its causes on one line: reqwest's own message hides the TLS or
/// connection cause in `source()`.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// An `http://` URL whose host is not this machine: credentials would cross the
/// network in clear.
pub(crate) fn is_plain_http_to_another_machine(url: &str) -> bool {
    url.starts_with("http://") && !is_loopback(url)
}

pub(crate) fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.split("://").nth(1) else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_results_decode_into_field_errors_with_configuration_names() {
        let body = json!({
            "resultId": "validation_error",
            "message": "Validation error(s) occurred. Please review the error(s) and address accordingly.",
            "validationErrors": [
                {"errorId": "validation_error", "fieldPath": "driverClass", "message": "Driver class is required."},
                {"errorId": "plugin_validation_error", "message": "Something else."}
            ]
        });
        let names = |wire: &str| (wire == "driverClass").then(|| "driver_class".to_string());
        let (message, errors) = decode_api_result(&body, &names);
        assert!(message.unwrap().starts_with("Validation error(s)"));
        assert_eq!(
            errors[0].to_string(),
            "driver_class (driverClass): Driver class is required."
        );
        assert_eq!(errors[1].to_string(), "Something else.");
    }

    #[test]
    fn plain_http_is_a_warning_only_off_this_machine() {
        assert!(is_plain_http_to_another_machine(
            "http://pf.example.com:9999/pf-admin-api/v1"
        ));
        assert!(is_plain_http_to_another_machine("http://10.0.0.5:9999/x"));
        assert!(!is_plain_http_to_another_machine("http://127.0.0.1:9999/x"));
        assert!(!is_plain_http_to_another_machine("http://localhost:9999/x"));
        assert!(!is_plain_http_to_another_machine(
            "https://pf.example.com:9999/x"
        ));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("https://127.0.0.1:9999/pf-admin-api/v1"));
        assert!(is_loopback("http://localhost:1/x"));
        assert!(is_loopback("https://[::1]:9999/x"));
        assert!(!is_loopback("https://pf.example.com:9999/pf-admin-api/v1"));
        assert!(!is_loopback("https://127.example.com/x"));
    }
}
