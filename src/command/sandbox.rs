use super::cli::{AdminAuthArg, SandboxArgs};
use super::output::write_stdout;
use crate::error::{Error, Result};
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
    write_stdout(|out| {
        writeln!(out, "pingform sandbox is running.")?;
        writeln!(out)?;
        writeln!(out, "  PingFederate Admin API: {url}")?;
        match &ca_file {
            Some(path) => writeln!(out, "  CA certificate:         {}", path.display())?,
            None => writeln!(out, "  CA certificate:         none (plain HTTP)")?,
        }
        writeln!(out, "  Username:               {}", sandbox.username())?;
        writeln!(out, "  Password:               {}", sandbox.password())?;
        if let Some(token_url) = sandbox.admin_token_url() {
            writeln!(
                out,
                "  Admin API auth:         OAuth 2.0 (client credentials)"
            )?;
            writeln!(out, "  Token URL:              {token_url}")?;
            writeln!(
                out,
                "  Client id:              {}",
                sandbox.oauth_client_id()
            )?;
            writeln!(
                out,
                "  Client secret:          {}",
                sandbox.oauth_client_secret()
            )?;
        }
        writeln!(
            out,
            "  PingFederate version:   {}",
            args.pingfederate_version
        )?;
        writeln!(
            out,
            "  Server identity:        {} ({})",
            args.saml2_entity_id, args.federation_base_url
        )?;
        if args.cluster {
            writeln!(out, "  Cluster:                administrative node")?;
        }
        match &args.data {
            Some(path) => writeln!(out, "  Data:                   {}", path.display())?,
            None => writeln!(
                out,
                "  Data:                   in memory (gone when it stops)"
            )?,
        }
        writeln!(out)?;
        writeln!(
            out,
            "  PingOne API:            {}",
            sandbox.pingone_api_url()
        )?;
        writeln!(
            out,
            "  PingOne auth:           {}",
            sandbox.pingone_auth_url()
        )?;
        writeln!(
            out,
            "  PingOne environment:    {}",
            sandbox.pingone_environment_id()
        )?;
        writeln!(
            out,
            "  PingOne client id:      {}",
            sandbox.pingone_client_id()
        )?;
        writeln!(
            out,
            "  PingOne client secret:  {}",
            sandbox.pingone_client_secret()
        )?;
        writeln!(out)?;
        writeln!(out, "Point a configuration at it:")?;
        writeln!(out)?;
        writeln!(out, "  pingfederate {{")?;
        writeln!(out, "    url      = \"{url}\"")?;
        writeln!(out, "    username = \"{}\"", sandbox.username())?;
        writeln!(out, "    password = \"{}\"", sandbox.password())?;
        if let Some(path) = &ca_file {
            writeln!(out, "    ca_file  = \"{}\"", path.display())?;
        }
        writeln!(out, "  }}")?;
        writeln!(out)?;
        writeln!(out, "  pingone {{")?;
        writeln!(
            out,
            "    api_url        = \"{}\"",
            sandbox.pingone_api_url()
        )?;
        writeln!(
            out,
            "    auth_url       = \"{}\"",
            sandbox.pingone_auth_url()
        )?;
        writeln!(
            out,
            "    environment_id = \"{}\"",
            sandbox.pingone_environment_id()
        )?;
        writeln!(
            out,
            "    client_id      = \"{}\"",
            sandbox.pingone_client_id()
        )?;
        writeln!(
            out,
            "    client_secret  = \"{}\"",
            sandbox.pingone_client_secret()
        )?;
        if let Some(path) = &ca_file {
            writeln!(out, "    ca_file        = \"{}\"", path.display())?;
        }
        writeln!(out, "  }}")?;
        writeln!(out)?;
        writeln!(out, "Press Ctrl-C to stop.")
    })?;
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
