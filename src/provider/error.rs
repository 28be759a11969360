use std::time::Duration;

/// One field a server rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field in configuration terms (`driver_class`), when the wire path maps to one.
    pub field: Option<String>,
    /// The server's own path (`driverClass`, `configuration.fields[2].value`).
    pub wire_path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.field, &self.wire_path) {
            (Some(field), Some(wire)) if field != wire => {
                write!(f, "{field} ({wire}): {}", self.message)
            }
            (Some(field), _) => write!(f, "{field}: {}", self.message),
            (None, Some(wire)) => write!(f, "{wire}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Everything that can go wrong talking to an API, worded for the person running
/// pingform. The caller adds which object it was working on.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ProviderError {
    #[error("cannot connect to {url}: {detail}")]
    #[diagnostic(
        code(pingform::provider::connect),
        help("check the url, that the server is running, and the TLS settings (ca_file)")
    )]
    Connect { url: String, detail: String },

    #[error("{method} {url}: the connection was lost before the answer arrived ({detail})")]
    #[diagnostic(
        code(pingform::provider::connection_lost),
        help("check the network path to the server (proxies, load balancers, idle timeouts)")
    )]
    ConnectionLost {
        method: String,
        url: String,
        detail: String,
    },

    #[error("{method} {url} timed out after {}", humantime::format_duration(*after))]
    #[diagnostic(
        code(pingform::provider::timeout),
        help("raise request_timeout in the pingfederate (or pingone) block if the server is slow")
    )]
    Timeout {
        method: String,
        url: String,
        after: Duration,
    },

    #[error("{url} refused the credentials of {principal} (HTTP 401)")]
    #[diagnostic(
        code(pingform::provider::unauthorized),
        help(
            "check username and password in the pingfederate block (or, with an oauth block, \
             that PingFederate's oauth2.properties maps the client's token to an \
             administrative role)"
        )
    )]
    Unauthorized { url: String, principal: String },

    #[error(
        "{url} did not issue an access token to OAuth client `{client_id}` (HTTP {status}){}",
        message_suffix(message)
    )]
    #[diagnostic(
        code(pingform::provider::admin_token),
        help(
            "check token_url, client_id, client_secret and scopes in the oauth block of the \
             pingfederate block; the client needs the client-credentials grant"
        )
    )]
    AdminTokenRefused {
        url: String,
        client_id: String,
        status: u16,
        message: Option<String>,
    },

    #[error("{url}: the server's TLS certificate is not trusted ({detail})")]
    #[diagnostic(
        code(pingform::provider::certificate),
        help(
            "set `ca_file` in the pingfederate (or pingone) block to the PEM file of the CA \
             that signed the server's certificate; PingFederate's default certificate is \
             self-signed"
        )
    )]
    CertificateNotTrusted { url: String, detail: String },

    #[error("{url}: the server speaks TLS, but the URL says http://")]
    #[diagnostic(
        code(pingform::provider::tls_on_http_url),
        help(
            "write the URL with https:// (the Admin API port, 9999 by default, only speaks HTTPS)"
        )
    )]
    TlsOnHttpUrl { url: String },

    #[error("{url}: the server answered in plain HTTP, but the URL says https://")]
    #[diagnostic(
        code(pingform::provider::http_on_https_url),
        help("check the port: it belongs to a plain HTTP server, not PingFederate's Admin API")
    )]
    HttpOnHttpsUrl { url: String },

    #[error("no PingFederate Admin API at {url} ({detail})")]
    #[diagnostic(
        code(pingform::provider::no_admin_api),
        help(
            "the url ends in /pf-admin-api/v1 and names the admin port, e.g. \
             https://pf.example.com:9999/pf-admin-api/v1"
        )
    )]
    NoAdminApi { url: String, detail: String },

    #[error("{method} {url} is forbidden (HTTP 403){}", message_suffix(message))]
    #[diagnostic(
        code(pingform::provider::forbidden),
        help("the account needs the ADMINISTRATOR role for these changes")
    )]
    Forbidden {
        method: String,
        url: String,
        message: Option<String>,
    },

    #[error("{method} {url} was not found (HTTP 404){}", message_suffix(message))]
    #[diagnostic(code(pingform::provider::not_found))]
    NotFound {
        method: String,
        url: String,
        message: Option<String>,
    },

    #[error(
        "{method} {url} was rejected (HTTP {status}): {message}{}{}",
        field_lines(field_errors),
        hint.map(|hint| format!("\n  {hint}")).unwrap_or_default()
    )]
    #[diagnostic(code(pingform::provider::rejected))]
    Rejected {
        method: String,
        url: String,
        status: u16,
        message: String,
        field_errors: Vec<FieldError>,
        /// What the reader can do about it, when pingform knows a likely cause.
        hint: Option<&'static str>,
    },

    #[error(
        "{method} {url} failed with HTTP {status} after {attempts} attempt(s){}",
        message_suffix(message)
    )]
    #[diagnostic(code(pingform::provider::server))]
    Server {
        method: String,
        url: String,
        status: u16,
        attempts: u32,
        message: Option<String>,
    },

    #[error("{method} {url} returned a body pingform cannot read: {detail}")]
    #[diagnostic(code(pingform::provider::invalid_response))]
    InvalidResponse {
        method: String,
        url: String,
        detail: String,
    },

    #[error(
        "PingOne refused the worker credentials for client `{client_id}` ({url}){}",
        message_suffix(message)
    )]
    #[diagnostic(
        code(pingform::provider::pingone_credentials),
        help(
            "check client_id and client_secret in the pingone block; the worker app must \
             live in environment_id's environment (or be granted roles on it) and use \
             client_secret_basic"
        )
    )]
    PingOneCredentials {
        url: String,
        client_id: String,
        message: Option<String>,
    },

    #[error("PingOne environment {environment_id} was not found ({url})")]
    #[diagnostic(
        code(pingform::provider::pingone_environment_not_found),
        help("check environment_id and the region (or api_url) in the pingone block")
    )]
    PingOneEnvironmentNotFound { environment_id: String, url: String },

    #[error(
        "PingOne refused {method} {url} to client `{client_id}` (HTTP {status}){}",
        message_suffix(message)
    )]
    #[diagnostic(
        code(pingform::provider::pingone_forbidden),
        help(
            "the worker app needs the Identity Data Read Only and Configuration Read Only \
             roles on the environment; right after a role grant PingOne may refuse for a \
             minute, and an unknown environment can also show up this way"
        )
    )]
    PingOneForbidden {
        method: String,
        url: String,
        client_id: String,
        status: u16,
        message: Option<String>,
    },

    #[error("{0}")]
    #[diagnostic(code(pingform::provider::settings))]
    Settings(String),
}

impl ProviderError {
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ProviderError::Rejected { field_errors, .. } => field_errors,
            _ => &[],
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ProviderError::NotFound { .. })
    }

    /// Whether a write that ended this way may still have been carried out: the request
    /// was sent, but no answer came (a timeout, or a connection lost after sending).
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ProviderError::Timeout { .. } | ProviderError::ConnectionLost { .. }
        )
    }
}

fn message_suffix(message: &Option<String>) -> String {
    match message {
        Some(message) if !message.is_empty() => format!(": {message}"),
        _ => String::new(),
    }
}

fn field_lines(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("\n  - {e}")).collect()
}
