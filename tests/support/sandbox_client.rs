//! A small async client for a sandbox started in-process: trusts its certificate only,
//! sends Basic auth (or a bearer token) and the CSRF header, and returns the status,
//! headers and JSON body of each answer. The sandbox crate's own tests use this file
//! too (`crates/pingform-sandbox/tests/common/mod.rs`).

use pingform_sandbox::{Sandbox, SandboxOptions};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;

pub struct Api {
    pub sandbox: Sandbox,
    pub client: reqwest::Client,
    /// `https://127.0.0.1:PORT/pf-admin-api/v1`
    pub base: String,
    /// Sent instead of Basic credentials when set (OAuth mode).
    pub bearer: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Api {
    pub async fn start() -> Api {
        Self::start_with(SandboxOptions::default()).await
    }

    pub async fn start_with(options: SandboxOptions) -> Api {
        let sandbox = Sandbox::start(options).await.expect("sandbox starts");
        let mut builder = reqwest::Client::builder().no_proxy();
        if let Some(pem) = sandbox.ca_certificate_pem() {
            let certificate = reqwest::Certificate::from_pem(pem.as_bytes()).expect("PEM parses");
            builder = builder.tls_certs_only([certificate]);
        }
        let client = builder.build().expect("client builds");
        let base = sandbox.pingfederate_url();
        Api {
            sandbox,
            client,
            base,
            bearer: None,
        }
    }

    /// The server root (`https://127.0.0.1:PORT`), for the control API.
    pub fn root(&self) -> String {
        self.base.trim_end_matches("/pf-admin-api/v1").to_string()
    }

    /// An Admin API request with credentials and the CSRF header.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("X-XSRF-Header", "PingFederate");
        match &self.bearer {
            Some(token) => builder.bearer_auth(token),
            None => builder.basic_auth(self.sandbox.username(), Some(self.sandbox.password())),
        }
    }

    pub async fn send(builder: reqwest::RequestBuilder) -> Reply {
        let response = builder.send().await.expect("request is answered");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body reads");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()))
        };
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        Self::send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::PUT, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Self::send(self.request(Method::DELETE, path)).await
    }

    /// A control API request (`/_sandbox/...`): administrator credentials, no CSRF
    /// header.
    pub fn control(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}/_sandbox{path}", self.root()))
            .basic_auth(self.sandbox.username(), Some(self.sandbox.password()))
    }

    /// [`Api::control`] with an optional JSON body, sent.
    pub async fn control_send(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut builder = self.control(method, path);
        if let Some(body) = body {
            builder = builder.json(body);
        }
        Self::send(builder).await
    }

    /// A token of the sandbox's worker client (client_secret_basic).
    pub async fn pingone_token(&self) -> String {
        let reply = Self::send(
            self.client
                .post(format!(
                    "{}/{}/as/token",
                    self.sandbox.pingone_auth_url(),
                    self.sandbox.pingone_environment_id()
                ))
                .basic_auth(
                    self.sandbox.pingone_client_id(),
                    Some(self.sandbox.pingone_client_secret()),
                )
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// A PingOne Management API GET; `path` is relative to the API URL (or absolute).
    pub async fn pingone_get(&self, token: &str, path: &str) -> Reply {
        let url = if path.starts_with("https://") || path.starts_with("http://") {
            path.to_string()
        } else {
            format!("{}{path}", self.sandbox.pingone_api_url())
        };
        Self::send(self.client.get(url).bearer_auth(token)).await
    }
}
