use super::cli::{AdminAuthArg, SandboxArgs};
use super::output::write_stdout;
use crate::error::{Error, Result};
use crate::render::{SandboxBanner, sandbox_banner};
use pingform_sandbox::{AdminAuth, Federation, Sandbox, SandboxOptions};

/// `pingform sandbox`: serve until Ctrl-C or SIGTERM.
pub async fn run(args: SandboxArgs) -> Result<u8> {
    let sandbox = Sandbox::start(SandboxOptions {
        listen: args.listen,
        tls: !args.plain_http,
        username: args.username.clone(),
        password: args.password.clone(),
        data_file: args.data.clone(),
        pingone_seed_file: args.pingone_seed.clone(),
        admin_auth: match args.admin_auth {
            AdminAuthArg::Basic => AdminAuth::Basic,
            AdminAuthArg::Oauth => AdminAuth::OAuth,
        },
        version: args.pingfederate_version.clone(),
        federation: Federation {
            base_url: args.federation_base_url.clone(),
            saml2_entity_id: args.saml2_entity_id.clone(),
        },
        cluster: args.cluster,
        read_latency: args.read_latency.unwrap_or_default(),
        write_latency: args.write_latency.unwrap_or_default(),
        ..SandboxOptions::default()
    })
    .await
    .map_err(|error| Error::Sandbox(error.to_string()))?;
    let ca_file = match (&args.ca_out, sandbox.ca_certificate_pem()) {
        (_, None) => None,
        (Some(path), Some(_)) => Some(path.clone()),
        (None, Some(_)) => Some(std::env::temp_dir().join(format!(
            "pingform-sandbox-ca-{}.pem",
            sandbox.address().port()
        ))),
    };
    if let Some(path) = &ca_file {
        sandbox.write_ca_certificate(path)?;
    }
    let url = sandbox.pingfederate_url();
    let token_url = sandbox.admin_token_url();
    let banner = SandboxBanner {
        url: &url,
        ca_file: ca_file.as_deref(),
        username: sandbox.username(),
        password: sandbox.password(),
        oauth: token_url.map(|token_url| {
            (
                token_url,
                sandbox.oauth_client_id(),
                sandbox.oauth_client_secret(),
            )
        }),
        version: &args.pingfederate_version,
        identity: (&args.saml2_entity_id, &args.federation_base_url),
        cluster: args.cluster,
        data_file: args.data.as_deref(),
        pingone_api_url: &sandbox.pingone_api_url(),
        pingone_auth_url: &sandbox.pingone_auth_url(),
        pingone_environment_id: sandbox.pingone_environment_id(),
        pingone_client_id: sandbox.pingone_client_id(),
        pingone_client_secret: sandbox.pingone_client_secret(),
    };
    write_stdout(|out| sandbox_banner(&banner, out))?;
    wait_for_shutdown_signal().await;
    sandbox.shutdown().await;
    eprintln!("pingform sandbox stopped.");
    Ok(0)
}

async fn wait_for_shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
