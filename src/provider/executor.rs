use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use super::{FieldError, ProviderError};
use crate::model::Secret;

/// How to reach one API.
#[derive(Debug, Clone)]
pub struct ExecutorSettings {
    /// Base URL without a trailing slash; request paths are appended to it.
    pub base_url: String,
    pub username: String,
    pub password: Secret,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub timeout: Duration,
    /// Headers sent on every request (PingFederate's `X-XSRF-Header`).
    pub headers: Vec<(&'static str, &'static str)>,
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
}

pub(crate) const MAX_ATTEMPTS: u32 = 4;
pub(crate) const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

impl Executor {
    pub fn new(settings: ExecutorSettings) -> Result<Executor, ProviderError> {
        let client = http_client(
            settings.ca_file.as_deref(),
            settings.insecure_skip_tls_verify,
            settings.timeout,
            is_loopback(&settings.base_url),
        )?;
        if settings.insecure_skip_tls_verify {
            tracing::warn!(
                "TLS certificate verification is off for {}",
                settings.base_url
            );
        }
        Ok(Executor { client, settings })
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
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let mut request = self
                .client
                .request(method.as_reqwest(), &url)
                .basic_auth(
                    &self.settings.username,
                    Some(self.settings.password.expose()),
                )
                .header(reqwest::header::ACCEPT, "application/json");
            for (name, value) in &self.settings.headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = request.send().await;
            let response = match outcome {
                Ok(response) => response,
                Err(error) => {
                    tracing::debug!(method = method.as_str(), %url, error = %chain(&error), "request failed");
                    if error.is_connect() && attempt < MAX_ATTEMPTS && method.is_idempotent() {
                        tokio::time::sleep(backoff(attempt)).await;
                        continue;
                    }
                    return Err(transport_error(method, &url, &error, self.settings.timeout));
                }
            };
            let status = response.status();
            tracing::debug!(
                method = method.as_str(),
                %url,
                status = status.as_u16(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "request"
            );
            let retry_after = retry_after(&response);
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || (method.is_idempotent()
                    && matches!(
                        status,
                        StatusCode::BAD_GATEWAY
                            | StatusCode::SERVICE_UNAVAILABLE
                            | StatusCode::GATEWAY_TIMEOUT
                    ));
            let bytes = response
                .bytes()
                .await
                .map_err(|e| transport_error(method, &url, &e, self.settings.timeout))?;
            if retryable && attempt < MAX_ATTEMPTS {
                let wait = retry_after
                    .unwrap_or_else(|| backoff(attempt))
                    .min(MAX_RETRY_WAIT);
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_success() {
                return decode(status.as_u16(), &bytes).map_err(|detail| {
                    ProviderError::InvalidResponse {
                        method: method.as_str().into(),
                        url,
                        detail,
                    }
                });
            }
            let body: Value = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).chars().take(500).collect())
                })
            };
            return Err(self.status_error(method, url, status, body, attempt, field_name));
        }
    }

    fn status_error(
        &self,
        method: Method,
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
                username: self.settings.username.clone(),
            },
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
        ProviderError::Timeout {
            method: method.as_str().into(),
            url: url.into(),
            after: timeout,
        }
    } else {
        ProviderError::Connect {
            url: url.into(),
            detail: chain(error),
        }
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
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("https://127.0.0.1:9999/pf-admin-api/v1"));
        assert!(is_loopback("http://localhost:1/x"));
        assert!(is_loopback("https://[::1]:9999/x"));
        assert!(!is_loopback("https://pf.example.com:9999/pf-admin-api/v1"));
        assert!(!is_loopback("https://127.example.com/x"));
    }
}
