//! A `pingform sandbox` process on 127.0.0.1 port 0 over HTTPS (or plain HTTP), with
//! the connection details it printed, and requests to it as a console user makes them.

use std::cell::{Cell, OnceCell};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::run::BINARY;

/// A `pingform sandbox` child process, killed on drop.
pub struct SandboxProcess {
    child: Child,
    pub url: String,
    pub ca_file: PathBuf,
    pub username: String,
    pub password: String,
    pub pingone_api: String,
    pub pingone_auth: String,
    pub pingone_environment: String,
    pub pingone_client_id: String,
    pub pingone_client_secret: String,
    /// Token URL, client id and secret when the sandbox runs with `--admin-auth oauth`.
    pub oauth: Option<(String, String, String)>,
    /// Writes made through [`SandboxProcess::request`] (anything but a GET, and not
    /// counting the request-log reset), so a scenario knows the live side moved.
    writes: Cell<u64>,
    /// One runtime and one client for every request, so requests share a connection
    /// instead of paying a TLS handshake each (both sides are debug builds).
    console: OnceCell<(tokio::runtime::Runtime, reqwest::Client)>,
    _folder: tempfile::TempDir,
}

impl SandboxProcess {
    pub fn start() -> SandboxProcess {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> SandboxProcess {
        let folder = tempfile::tempdir().unwrap();
        let ca_file = folder.path().join("ca.pem");
        let mut child = Command::new(BINARY)
            .args(["sandbox", "--listen", "127.0.0.1:0", "--ca-out"])
            .arg(&ca_file)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pingform sandbox");
        let stdout = child.stdout.take().unwrap();
        let mut url = None;
        let mut values = std::collections::BTreeMap::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(rest) = line.trim().strip_prefix("PingFederate Admin API:") {
                url = Some(rest.trim().to_string());
            }
            if let Some((key, value)) = line.trim().split_once(':')
                && (key.starts_with("PingOne")
                    || matches!(key, "Token URL" | "Client id" | "Client secret"))
            {
                values.insert(key.to_string(), value.trim().to_string());
            }
            if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        let value = |key: &str| values.get(key).cloned().unwrap_or_default();
        SandboxProcess {
            child,
            url: url.expect("the sandbox printed its URL"),
            ca_file,
            username: "Administrator".into(),
            password: "2FederateM0re".into(),
            pingone_api: value("PingOne API"),
            pingone_auth: value("PingOne auth"),
            pingone_environment: value("PingOne environment"),
            pingone_client_id: value("PingOne client id"),
            pingone_client_secret: value("PingOne client secret"),
            oauth: values.get("Token URL").map(|token_url| {
                (
                    token_url.clone(),
                    value("Client id"),
                    value("Client secret"),
                )
            }),
            writes: Cell::new(0),
            console: OnceCell::new(),
            _folder: folder,
        }
    }

    /// The root of the server (`https://127.0.0.1:PORT`).
    pub fn root(&self) -> String {
        self.url.trim_end_matches("/pf-admin-api/v1").to_string()
    }

    /// A `pingfederate { }` block for this sandbox (with its CA file unless it serves
    /// plain HTTP).
    pub fn pingfederate_block(&self) -> String {
        let ca_file = if self.url.starts_with("https://") {
            format!("  ca_file  = \"{}\"\n", self.ca_file.display())
        } else {
            String::new()
        };
        match &self.oauth {
            Some((token_url, client_id, client_secret)) => format!(
                "pingfederate {{\n  url      = \"{}\"\n{ca_file}  oauth {{\n    token_url     = \"{token_url}\"\n    client_id     = \"{client_id}\"\n    client_secret = \"{client_secret}\"\n  }}\n}}\n",
                self.url,
            ),
            None => format!(
                "pingfederate {{\n  url      = \"{}\"\n  username = \"{}\"\n  password = \"{}\"\n{ca_file}}}\n",
                self.url, self.username, self.password,
            ),
        }
    }

    /// A `pingone { }` block for this sandbox's PingOne side.
    pub fn pingone_block(&self) -> String {
        format!(
            "pingone {{\n  api_url        = \"{}\"\n  auth_url       = \"{}\"\n  environment_id = \"{}\"\n  client_id      = \"{}\"\n  client_secret  = \"{}\"\n  ca_file        = \"{}\"\n}}\n",
            self.pingone_api,
            self.pingone_auth,
            self.pingone_environment,
            self.pingone_client_id,
            self.pingone_client_secret,
            self.ca_file.display()
        )
    }

    /// Requests the sandbox received on its PingOne side (token and API).
    pub fn pingone_requests(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("pingone")))
            .collect()
    }

    /// Requests the sandbox received on the PingFederate Admin API.
    pub fn pingfederate_requests(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| !r["path"].as_str().is_some_and(|p| p.starts_with("pingone")))
            .collect()
    }

    /// One request to the sandbox, as a console user or a test would make it.
    pub fn request(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        if method != "GET" && path != "/_sandbox/requests" {
            self.writes.set(self.writes.get() + 1);
        }
        let url = if path.starts_with("/_sandbox") {
            format!("{}{path}", self.root())
        } else {
            format!("{}{path}", self.url)
        };
        let (runtime, client) = self.console.get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let mut builder = reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(10));
            if self.url.starts_with("https://") {
                let pem = std::fs::read(&self.ca_file).unwrap();
                builder =
                    builder.tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap());
            }
            (runtime, builder.build().unwrap())
        });
        runtime.block_on(async {
            let mut request = client
                .request(method.parse().unwrap(), &url)
                .basic_auth(&self.username, Some(&self.password))
                .header("X-XSRF-Header", "PingFederate");
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap();
            let value = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&bytes).unwrap_or(Value::Null)
            };
            (status, value)
        })
    }

    /// Requests the sandbox received on the PingFederate API so far.
    pub fn requests(&self) -> Vec<Value> {
        let (status, body) = self.request("GET", "/_sandbox/requests", None);
        assert_eq!(status, 200, "{body}");
        match body {
            Value::Array(items) => items,
            Value::Object(mut object) => match object.remove("requests") {
                Some(Value::Array(items)) => items,
                other => panic!("unexpected request log {other:?}"),
            },
            other => panic!("unexpected request log {other}"),
        }
    }

    /// Writes made through [`SandboxProcess::request`] so far.
    pub fn writes(&self) -> u64 {
        self.writes.get()
    }

    pub fn clear_requests(&self) {
        let (status, _) = self.request("DELETE", "/_sandbox/requests", None);
        assert!(status < 300);
    }

    pub fn inject_fault(&self, fault: Value) {
        let (status, body) = self.request("POST", "/_sandbox/faults", Some(fault));
        assert!(status < 300, "{status} {body}");
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
