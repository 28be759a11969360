//! `SandboxError`: why the sandbox could not start or keep its data file, worded in one
//! place. Request-level failures are `pingfederate::api_result::ApiError` and
//! `pingone::error::PingOneError`, not this.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[diagnostic(code(pingform::sandbox::start))]
pub enum SandboxError {
    #[error("could not listen on {address}: {source}")]
    #[diagnostic(help("pick another address with --listen, or port 0 for any free port"))]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("the sandbox data file {} could not be read: {reason}", path.display())]
    DataFileUnreadable { path: PathBuf, reason: String },
    #[error("the sandbox data file {} could not be written: {reason}", path.display())]
    DataFileUnwritable { path: PathBuf, reason: String },
    #[error("could not generate the sandbox's self-signed TLS certificate: {reason}")]
    Certificate { reason: String },
    #[error("could not set up TLS for the sandbox: {source}")]
    Tls { source: std::io::Error },
    #[error("could not create the sandbox's master key: {source}")]
    MasterKey { source: super::secrets::SecretError },
    #[error("could not build the sandbox's initial configuration: {reason}")]
    Seed { reason: String },
}
