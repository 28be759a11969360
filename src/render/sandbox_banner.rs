//! What `pingform sandbox` prints when it is up: where each API is, how to log in, and
//! the `pingfederate { }` and `pingone { }` blocks that point a configuration at it.

use std::io::{self, Write};
use std::path::Path;

/// How a running sandbox is reached.
pub struct SandboxBanner<'a> {
    pub url: &'a str,
    pub ca_file: Option<&'a Path>,
    pub username: &'a str,
    pub password: &'a str,
    /// Token URL, client id and secret when the Admin API takes OAuth bearer tokens.
    pub oauth: Option<(&'a str, &'a str, &'a str)>,
    pub version: &'a str,
    /// What `GET /serverSettings` reports: the SAML 2.0 entity id and base URL.
    pub identity: (&'a str, &'a str),
    pub cluster: bool,
    pub data_file: Option<&'a Path>,
    pub pingone_api_url: &'a str,
    pub pingone_auth_url: &'a str,
    pub pingone_environment_id: &'a str,
    pub pingone_client_id: &'a str,
    pub pingone_client_secret: &'a str,
}

pub fn sandbox_banner(banner: &SandboxBanner<'_>, out: &mut dyn Write) -> io::Result<()> {
    let b = banner;
    writeln!(out, "pingform sandbox is running.")?;
    writeln!(out)?;
    writeln!(out, "  PingFederate Admin API: {}", b.url)?;
    match b.ca_file {
        Some(path) => writeln!(out, "  CA certificate:         {}", path.display())?,
        None => writeln!(out, "  CA certificate:         none (plain HTTP)")?,
    }
    match b.oauth {
        // In OAuth mode the Admin API refuses Basic; the administrator account still
        // opens the sandbox's own control endpoints.
        Some((token_url, client_id, client_secret)) => {
            writeln!(
                out,
                "  Admin API auth:         OAuth 2.0 (client credentials)"
            )?;
            writeln!(out, "  Token URL:              {token_url}")?;
            writeln!(out, "  Client id:              {client_id}")?;
            writeln!(out, "  Client secret:          {client_secret}")?;
            writeln!(
                out,
                "  Sandbox control:        {} / {} (Basic, /_sandbox/ only)",
                b.username, b.password
            )?;
        }
        None => {
            writeln!(out, "  Username:               {}", b.username)?;
            writeln!(out, "  Password:               {}", b.password)?;
        }
    }
    writeln!(out, "  PingFederate version:   {}", b.version)?;
    writeln!(
        out,
        "  Server identity:        {} ({})",
        b.identity.0, b.identity.1
    )?;
    if b.cluster {
        writeln!(out, "  Cluster:                administrative node")?;
    }
    match b.data_file {
        Some(path) => writeln!(out, "  Data:                   {}", path.display())?,
        None => writeln!(
            out,
            "  Data:                   in memory (gone when it stops)"
        )?,
    }
    writeln!(out)?;
    writeln!(out, "  PingOne API:            {}", b.pingone_api_url)?;
    writeln!(out, "  PingOne auth:           {}", b.pingone_auth_url)?;
    writeln!(
        out,
        "  PingOne environment:    {}",
        b.pingone_environment_id
    )?;
    writeln!(out, "  PingOne client id:      {}", b.pingone_client_id)?;
    writeln!(out, "  PingOne client secret:  {}", b.pingone_client_secret)?;
    writeln!(out)?;
    writeln!(out, "Point a configuration at it:")?;
    writeln!(out)?;
    writeln!(out, "  pingfederate {{")?;
    match b.oauth {
        Some((token_url, client_id, client_secret)) => {
            writeln!(out, "    url     = \"{}\"", b.url)?;
            if let Some(path) = b.ca_file {
                writeln!(out, "    ca_file = \"{}\"", path.display())?;
            }
            if b.cluster {
                writeln!(out, "    replicate = true")?;
            }
            writeln!(out, "    oauth {{")?;
            writeln!(out, "      token_url     = \"{token_url}\"")?;
            writeln!(out, "      client_id     = \"{client_id}\"")?;
            writeln!(out, "      client_secret = \"{client_secret}\"")?;
            writeln!(out, "    }}")?;
        }
        None => {
            writeln!(out, "    url      = \"{}\"", b.url)?;
            writeln!(out, "    username = \"{}\"", b.username)?;
            writeln!(out, "    password = \"{}\"", b.password)?;
            if let Some(path) = b.ca_file {
                writeln!(out, "    ca_file  = \"{}\"", path.display())?;
            }
            if b.cluster {
                writeln!(out, "    replicate = true")?;
            }
        }
    }
    writeln!(out, "  }}")?;
    writeln!(out)?;
    writeln!(out, "  pingone {{")?;
    writeln!(out, "    api_url        = \"{}\"", b.pingone_api_url)?;
    writeln!(out, "    auth_url       = \"{}\"", b.pingone_auth_url)?;
    writeln!(out, "    environment_id = \"{}\"", b.pingone_environment_id)?;
    writeln!(out, "    client_id      = \"{}\"", b.pingone_client_id)?;
    writeln!(out, "    client_secret  = \"{}\"", b.pingone_client_secret)?;
    if let Some(path) = b.ca_file {
        writeln!(out, "    ca_file        = \"{}\"", path.display())?;
    }
    writeln!(out, "  }}")?;
    writeln!(out)?;
    writeln!(out, "Press Ctrl-C to stop.")
}
