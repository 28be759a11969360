//! `SandboxOptions`: how to run a sandbox (address, transport, credentials and how the
//! Admin API takes them, data file, reported version, cluster mode, injected latency,
//! PingOne seed and page size), with the defaults `pingform sandbox` starts with.
//!
//! Owns the options and their defaults. Must not act on them: `server` does.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// How to run a sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxOptions {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// HTTPS with a self-signed certificate (true) or plain HTTP (false).
    pub tls: bool,
    /// The administrator account accepted by HTTP Basic auth (and, in OAuth mode, by
    /// the control API).
    pub username: String,
    pub password: String,
    /// How the Admin API authenticates requests.
    pub admin_auth: AdminAuth,
    /// The client of the OAuth 2.0 token endpoint (`/as/token.oauth2`) in OAuth mode.
    pub oauth_client_id: String,
    pub oauth_client_secret: String,
    /// Keep the configuration in this file (a snapshot and a journal of writes, see
    /// `persistence`; loaded at start when it exists); in memory only when `None`.
    pub data_file: Option<PathBuf>,
    /// What `GET /version` answers.
    pub version: String,
    /// What `GET /serverSettings` answers as `federationInfo` (see
    /// `pingfederate::server_settings`).
    pub federation: Federation,
    /// Answer `/cluster/*` as the administrative node of a cluster (403 otherwise).
    pub cluster: bool,
    /// Added to every Admin API GET before it is answered.
    pub read_latency: Duration,
    /// Added to every Admin API POST, PUT and DELETE before it is answered.
    pub write_latency: Duration,
    /// The PingOne side's data (format in `pingone::directory`); the built-in data set
    /// when `None`.
    pub pingone_seed_file: Option<PathBuf>,
    /// The most items a PingOne collection page holds, whatever `limit` asks
    /// (at least 1).
    pub pingone_page_size: usize,
}

/// How the Admin API authenticates requests (`pf.admin.api.authentication`, reference
/// §1): HTTP Basic with the administrator account, or OAuth 2.0 bearer tokens from the
/// client-credentials token endpoint PingFederate serves at `/as/token.oauth2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdminAuth {
    #[default]
    Basic,
    OAuth,
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
            admin_auth: AdminAuth::Basic,
            oauth_client_id: "pingform-admin".to_string(),
            oauth_client_secret: "2FederateM0re-client".to_string(),
            data_file: None,
            version: "12.1.0.4".to_string(),
            federation: Federation::default(),
            cluster: false,
            read_latency: Duration::ZERO,
            write_latency: Duration::ZERO,
            pingone_seed_file: None,
            pingone_page_size: DEFAULT_PINGONE_PAGE_SIZE,
        }
    }
}

/// The server's federation settings: its runtime base URL and SAML 2.0 entity id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Federation {
    pub base_url: String,
    pub saml2_entity_id: String,
}

/// The values Ping's Terraform provider sets in its acceptance test of server settings
/// (`internal/acctest/config/serversettings/server_settings_resource_gen_test.go`,
/// minimal model: `base_url = "https://localhost:9999"`, `saml_2_entity_id =
/// "initial.pingidentity.com"`).
impl Default for Federation {
    fn default() -> Self {
        Federation {
            base_url: "https://localhost:9999".to_string(),
            saml2_entity_id: "initial.pingidentity.com".to_string(),
        }
    }
}
