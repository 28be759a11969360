//! Transport and lifecycle: binding the listener, the self-signed certificate, mounting
//! both APIs and the control API on one router, serving it over HTTPS (axum-server with
//! rustls) or plain HTTP, and the `Sandbox` handle the CLI and tests hold.
//!
//! Owns start-up (load or seed the configuration, replay and compact the data file;
//! seed the PingOne side) and shutdown (compacting the data file again). Must not hold API rules: those are in `pingfederate` and
//! `pingone`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokio::task::JoinHandle;

use crate::administrator::Administrator;
use crate::clock;
use crate::control::{self, SharedControl};
use crate::control_api::{self, ControlApiState};
use crate::error::SandboxError;
use crate::options::{AdminAuth, SandboxOptions};
use crate::persistence::{self, Journal};
use crate::pingfederate::cluster::Cluster;
use crate::pingfederate::pingone_connections::PingOneTarget;
use crate::pingfederate::routes::{
    self as pingfederate_routes, ADMIN_TOKEN_PATH, AdminApiState, AdminAuthentication, BASE_PATH,
};
use crate::pingfederate::store::{JournalEntry, Store};
use crate::pingfederate::write_context::WriteContext;
use crate::pingone::directory::PingOneDirectory;
use crate::pingone::routes::{
    self as pingone_routes, PINGONE_API_PATH, PINGONE_AUTH_PATH, PingOneState,
};
use crate::secrets::MasterKey;
use crate::tokens::TokenBook;

/// A running sandbox. Dropping it stops the server; `shutdown` stops it gracefully.
pub struct Sandbox {
    address: SocketAddr,
    base_url: String,
    ca_certificate_pem: Option<String>,
    username: String,
    password: String,
    pingone_environment_id: String,
    pingone_client_id: String,
    pingone_client_secret: String,
    pingone_api_url: String,
    pingone_auth_url: String,
    admin_token_url: Option<String>,
    oauth_client_id: String,
    oauth_client_secret: String,
    control: SharedControl,
    admin_api: Arc<AdminApiState>,
    handle: Handle<SocketAddr>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Sandbox {
    /// Loads or seeds the configuration, binds `options.listen` and starts serving.
    pub async fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let (master_key, store, journal) = initial_configuration(&options)?;
        let pingone = PingOneDirectory::load(options.pingone_seed_file.as_deref())?;
        let primary = pingone.primary();
        let pingone_environment_id = primary.id.clone();
        let (pingone_client_id, pingone_client_secret) = primary
            .clients
            .first()
            .map(|client| (client.client_id.clone(), client.client_secret.clone()))
            .unwrap_or_default();
        let (pingone_region, pingone_organization_name) =
            (primary.region.clone(), primary.organization_name.clone());

        let listener =
            std::net::TcpListener::bind(options.listen).map_err(|source| SandboxError::Bind {
                address: options.listen,
                source,
            })?;
        let bind_error = |source| SandboxError::Bind {
            address: options.listen,
            source,
        };
        listener.set_nonblocking(true).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let url_host = match address.ip() {
            ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip => ip,
        };
        let url_address = SocketAddr::new(url_host, address.port());
        let scheme = if options.tls { "https" } else { "http" };
        let base_url = format!("{scheme}://{url_address}{BASE_PATH}");
        let pingone_api_url = format!("{scheme}://{url_address}{PINGONE_API_PATH}");
        let pingone_auth_url = format!("{scheme}://{url_address}{PINGONE_AUTH_PATH}");

        let control = SharedControl::default();
        let administrator = Administrator {
            username: options.username.clone(),
            password: options.password.clone(),
        };
        // The PingOne side's environments never change after the seed, so what
        // PingFederate's PingOne connections point at is settled here.
        let pingone_target = PingOneTarget {
            environment_id: pingone_environment_id.clone(),
            region: pingone_region,
            organization_name: pingone_organization_name,
            management_api_endpoint: format!("{scheme}://{url_address}{PINGONE_API_PATH}")
                .trim_end_matches("/v1")
                .to_string(),
            authentication_api_url: pingone_auth_url.clone(),
        };
        let authentication = match options.admin_auth {
            AdminAuth::Basic => AdminAuthentication::Basic,
            AdminAuth::OAuth => AdminAuthentication::OAuth {
                client_id: options.oauth_client_id.clone(),
                client_secret: options.oauth_client_secret.clone(),
            },
        };
        let admin_token_url = (options.admin_auth == AdminAuth::OAuth)
            .then(|| format!("{scheme}://{url_address}{ADMIN_TOKEN_PATH}"));
        let admin_api = Arc::new(AdminApiState {
            base_url: base_url.clone(),
            address: url_address.to_string(),
            administrator: administrator.clone(),
            authentication,
            tokens: Mutex::new(TokenBook::default()),
            version: options.version.clone(),
            federation: options.federation.clone(),
            master_key,
            store: Mutex::new(store),
            journal: Mutex::new(journal),
            pingone: pingone_target,
            control: control.clone(),
            read_latency: options.read_latency,
            write_latency: options.write_latency,
            cluster: options
                .cluster
                .then(|| Mutex::new(Cluster::new(clock::now()))),
        });
        let pingone_state = Arc::new(PingOneState {
            api_url: pingone_api_url.clone(),
            auth_url: pingone_auth_url.clone(),
            page_size: options.pingone_page_size.max(1),
            directory: Mutex::new(pingone),
            tokens: Mutex::new(TokenBook::default()),
            control: control.clone(),
        });
        let control_api = Arc::new(ControlApiState {
            administrator,
            control: control.clone(),
        });
        let mut application = Router::new()
            .nest(BASE_PATH, pingfederate_routes::router(admin_api.clone()))
            .nest(
                PINGONE_API_PATH,
                pingone_routes::api_router(pingone_state.clone()),
            )
            .nest(
                PINGONE_AUTH_PATH,
                pingone_routes::auth_router(pingone_state.clone()),
            )
            .nest(
                "/_sandbox",
                control_api::router(control_api, pingone_state, admin_api.clone()),
            );
        if admin_token_url.is_some() {
            application = application.merge(pingfederate_routes::token_router(admin_api.clone()));
        }
        let application = application.into_make_service();
        let handle = Handle::new();

        let (task, ca_certificate_pem) = if options.tls {
            let (certificate_pem, key_pem) = self_signed_certificate(url_host)?;
            let config =
                RustlsConfig::from_pem(certificate_pem.clone().into_bytes(), key_pem.into_bytes())
                    .await
                    .map_err(|source| SandboxError::Tls { source })?;
            let server = axum_server::from_tcp_rustls(listener, config)
                .map_err(bind_error)?
                .handle(handle.clone());
            (
                tokio::spawn(async move { server.serve(application).await }),
                Some(certificate_pem),
            )
        } else {
            let server = axum_server::from_tcp(listener)
                .map_err(bind_error)?
                .handle(handle.clone());
            (
                tokio::spawn(async move { server.serve(application).await }),
                None,
            )
        };

        Ok(Sandbox {
            address,
            base_url,
            ca_certificate_pem,
            username: options.username,
            password: options.password,
            pingone_environment_id,
            pingone_client_id,
            pingone_client_secret,
            pingone_api_url,
            pingone_auth_url,
            admin_token_url,
            oauth_client_id: options.oauth_client_id,
            oauth_client_secret: options.oauth_client_secret,
            control,
            admin_api,
            handle,
            task: Some(task),
        })
    }

    /// The Admin API base URL, e.g. `https://127.0.0.1:PORT/pf-admin-api/v1`.
    pub fn pingfederate_url(&self) -> String {
        self.base_url.clone()
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The self-signed certificate (PEM) clients must trust; `None` for plain HTTP.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca_certificate_pem.as_deref()
    }

    /// Writes the certificate to `path` (for a `ca_file` setting). Fails with
    /// `InvalidInput` when the sandbox serves plain HTTP.
    pub fn write_ca_certificate(&self, path: &Path) -> std::io::Result<()> {
        match &self.ca_certificate_pem {
            Some(pem) => std::fs::write(path, pem),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the sandbox serves plain HTTP and has no certificate",
            )),
        }
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn password(&self) -> &str {
        &self.password
    }

    /// Admin API requests (under `/pf-admin-api/v1`) received so far, whatever their
    /// outcome.
    pub fn request_count(&self) -> usize {
        control::lock(&self.control).request_count()
    }

    /// PingOne requests (Management API and auth host) received so far.
    pub fn pingone_request_count(&self) -> usize {
        control::lock(&self.control).pingone_request_count()
    }

    /// The PingOne Management API base URL, e.g. `https://127.0.0.1:PORT/pingone/v1`
    /// (what `https://api.pingone.com/v1` is for the real service).
    pub fn pingone_api_url(&self) -> String {
        self.pingone_api_url.clone()
    }

    /// The PingOne auth host URL, e.g. `https://127.0.0.1:PORT/pingone-auth` (what
    /// `https://auth.pingone.com` is); tokens come from `{this}/{envId}/as/token`.
    pub fn pingone_auth_url(&self) -> String {
        self.pingone_auth_url.clone()
    }

    /// The id of the PingOne environment the sandbox advertises (the seed's first).
    pub fn pingone_environment_id(&self) -> &str {
        &self.pingone_environment_id
    }

    /// The worker application's client id (the advertised environment's first client).
    pub fn pingone_client_id(&self) -> &str {
        &self.pingone_client_id
    }

    /// The worker application's client secret.
    pub fn pingone_client_secret(&self) -> &str {
        &self.pingone_client_secret
    }

    /// How the Admin API authenticates requests.
    pub fn admin_auth(&self) -> AdminAuth {
        match self.admin_token_url {
            Some(_) => AdminAuth::OAuth,
            None => AdminAuth::Basic,
        }
    }

    /// In OAuth mode, the Admin API's token endpoint, e.g.
    /// `https://127.0.0.1:PORT/as/token.oauth2`.
    pub fn admin_token_url(&self) -> Option<&str> {
        self.admin_token_url.as_deref()
    }

    /// The client id the OAuth mode's token endpoint accepts.
    pub fn oauth_client_id(&self) -> &str {
        &self.oauth_client_id
    }

    /// The client secret the OAuth mode's token endpoint accepts.
    pub fn oauth_client_secret(&self) -> &str {
        &self.oauth_client_secret
    }

    /// Stops accepting connections, lets requests in flight finish (up to a second),
    /// waits for the server task and compacts the data file.
    pub async fn shutdown(mut self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(1)));
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.admin_api.compact();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.task.is_some() {
            self.handle.shutdown();
            self.admin_api.compact();
        }
    }
}

/// The master key and store to start from (the data file's, its journal replayed, or a
/// fresh seed) and the data file compacted and opened for the journal.
fn initial_configuration(
    options: &SandboxOptions,
) -> Result<(MasterKey, Store, Option<Journal>), SandboxError> {
    let loaded = match &options.data_file {
        Some(path) => {
            persistence::load::<Store, JournalEntry>(path, &options.version, |store, entry| {
                store.apply(entry).map_err(|error| error.to_string())
            })?
        }
        None => None,
    };
    let (master_key, store) = match loaded {
        Some(loaded) => (loaded.master_key, loaded.store),
        None => {
            let master_key = MasterKey::generate(&options.version)
                .map_err(|source| SandboxError::MasterKey { source })?;
            let context = WriteContext {
                master_key: &master_key,
                bypass_external_validation: true,
                now: clock::now(),
            };
            let store = Store::seed(&context).map_err(|error| SandboxError::Seed {
                reason: error.body().message,
            })?;
            (master_key, store)
        }
    };
    let journal = match &options.data_file {
        Some(path) => Some(Journal::compact(path, &master_key, &store)?),
        None => None,
    };
    Ok((master_key, store, journal))
}

fn self_signed_certificate(url_host: IpAddr) -> Result<(String, String), SandboxError> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let host = url_host.to_string();
    if !names.contains(&host) {
        names.push(host);
    }
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|error| SandboxError::Certificate {
            reason: error.to_string(),
        })?;
    Ok((certified.cert.pem(), certified.signing_key.serialize_pem()))
}
