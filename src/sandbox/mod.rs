//! The sandbox: an in-process emulator of the slice of the PingFederate Admin API that
//! pingform manages (`/version`, `/dataStores`, `/dataStores/descriptors`,
//! `/serverSettings/outboundProvisioning`, `/pingOneConnections`,
//! `/idp/spConnections` with PingOne outbound provisioning) and of the PingOne
//! Platform API it reads (token endpoint, environment, populations, users, under
//! `/pingone-auth` and `/pingone/v1` on the same port), served over HTTPS with a
//! self-signed certificate (or plain HTTP), so that anyone can try pingform and every
//! test can run against a server that behaves like the real one.
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
//!   log and queues faults (`control`), for both APIs, and manages PingOne users and
//!   tokens (`pingone_routes`).
//! - PingOne: client-credentials tokens (`pingone_tokens`), bearer checks, SCIM-style
//!   filters (`pingone_filter`), cursor paging, PingOne error bodies (`pingone_error`),
//!   seeded data (`pingone_directory`).

mod api_result;
mod control;
mod datastores;
mod descriptors;
mod error;
mod outbound_provisioning;
mod persistence;
mod pingone_connections;
mod pingone_directory;
mod pingone_error;
mod pingone_filter;
mod pingone_routes;
mod pingone_tokens;
mod plugin_configuration;
mod provisioning_channels;
mod random_identifiers;
mod resource_link;
mod routes;
mod secrets;
mod server;
mod sp_connections;
mod store;
mod target_settings;
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
    /// The PingOne side's data (format in `pingone_directory`); the built-in data set
    /// when `None`.
    pub pingone_seed_file: Option<PathBuf>,
    /// The most items a PingOne collection page holds, whatever `limit` asks
    /// (at least 1).
    pub pingone_page_size: usize,
}

/// The default PingOne page size: small, so that the 25 seeded users take 3 pages.
pub const DEFAULT_PINGONE_PAGE_SIZE: usize = 10;

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: true,
            username: "Administrator".to_string(),
            password: "2FederateM0re".to_string(),
            data_file: None,
            version: "12.1.0.4".to_string(),
            pingone_seed_file: None,
            pingone_page_size: DEFAULT_PINGONE_PAGE_SIZE,
        }
    }
}
