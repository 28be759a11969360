//! `SandboxOptions`: how to run a sandbox (address, transport, credentials, data file,
//! PingOne seed and page size), with the defaults `pingform sandbox` starts with.
//!
//! Owns the options and their defaults. Must not act on them: `server` does.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

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
    /// The PingOne side's data (format in `pingone::directory`); the built-in data set
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
