//! The sandbox: an in-process emulator of the slice of the PingFederate Admin API that
//! pingform manages (`/version`, `/dataStores`, `/dataStores/descriptors`,
//! `/serverSettings/outboundProvisioning`), served over HTTPS with a self-signed
//! certificate (or plain HTTP), so that anyone can try pingform and every test can run
//! against a server that behaves like the real one.
//!
//! Owns its own wire structs and JSON handling, never the client's (`crate::model`,
//! `provider`): if both sides shared structs, a field-name mistake would pass every
//! test. Both are held to the official spec and `reference/pingfederate-admin-api.md`.
//!
//! Behaviour in brief (details in each file's documentation):
//! - HTTP Basic auth (401 with `WWW-Authenticate: Basic realm="PingFederate"`), then a
//!   non-empty `X-XSRF-Header` on every Admin API request (403 without).
//! - Bodies are JSON; malformed JSON, unknown properties, wrong JSON types and unknown
//!   enum values are 400 with an `ApiResult` (`resultId` `invalid_request_body`).
//! - Validation failures are 422 `ApiResult`s listing every problem with a `fieldPath`.
//! - Secrets are stored only encrypted (`secrets`), returned as `encryptedPassword` /
//!   `encryptedValue`.
//! - A URL or host name containing `unreachable` fails the simulated connection test
//!   (422) unless `X-BypassExternalValidation: true` is sent.
//! - A control API under `/_sandbox` (Basic auth, no XSRF header) exposes the request
//!   log and queues faults (`control`).

mod api_result;
mod control;
mod datastores;
mod descriptors;
mod error;
mod outbound_provisioning;
mod persistence;
mod plugin_configuration;
mod resource_link;
mod routes;
mod secrets;
mod server;
mod store;
mod write_context;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

pub use error::SandboxError;
pub use server::Sandbox;

/// How to run a sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxOptions {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// HTTPS with a self-signed certificate (true) or plain HTTP (false).
    pub tls: bool,
    /// The administrator account accepted by HTTP Basic auth.
    pub username: String,
    pub password: String,
    /// Keep the configuration in this JSON file (loaded at start when it exists,
    /// rewritten after every successful write); in memory only when `None`.
    pub data_file: Option<PathBuf>,
    /// What `GET /version` answers.
    pub version: String,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: true,
            username: "Administrator".to_string(),
            password: "2FederateM0re".to_string(),
            data_file: None,
            version: "12.1.0.4".to_string(),
        }
    }
}
