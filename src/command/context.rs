//! What plan and apply share: reading the configuration, choosing the PingFederate to
//! talk to (the configured one or a built-in sandbox), and where the state lives.

use std::collections::BTreeMap;
use std::path::PathBuf;

use miette::{IntoDiagnostic, Result};

use super::cli::{ConfigArgs, TargetArgs};
use crate::config::{self, LoadOptions};
use crate::model::{Desired, PingFederateSettings, Secret};
use crate::provider::PingFederate;
use crate::sandbox::{Sandbox, SandboxOptions};

/// Loads and checks the configuration, printing warnings; errors carry every
/// diagnostic.
pub fn load_configuration(args: &ConfigArgs) -> Result<Desired> {
    let mut vars = Vec::new();
    for text in &args.vars {
        let assignment = config::parse_var_assignment(text).map_err(|message| {
            miette::miette!(
                code = "pingform::cli::var",
                help = "write it as --var NAME=VALUE",
                "invalid --var `{text}`: {message}"
            )
        })?;
        vars.push(assignment);
    }
    let environment: BTreeMap<String, String> = std::env::vars().collect();
    let loaded = config::load(&LoadOptions {
        dir: args.dir.clone(),
        vars,
        var_files: args.var_files.clone(),
        environment,
    })?;
    for warning in loaded.warnings {
        eprintln!("{warning:?}");
    }
    Ok(loaded.desired)
}

/// The PingFederate a run talks to, and what keeps it alive.
pub struct Target {
    pub client: PingFederate,
    pub state_path: PathBuf,
    /// Held for the whole run: the in-process sandbox and its temporary files.
    _sandbox: Option<(Sandbox, tempfile::TempDir)>,
}

impl Target {
    pub async fn connect(
        config: &ConfigArgs,
        args: &TargetArgs,
        desired: &mut Desired,
    ) -> Result<Target> {
        if args.sandbox {
            return Target::sandbox(config, args, desired).await;
        }
        let settings = desired.pingfederate.clone().ok_or_else(|| {
            miette::miette!(
                code = "pingform::config::no_pingfederate",
                help = "add a `pingfederate {{ url = ..., username = ..., password = ... }}` block, or pass --sandbox to try pingform on a built-in sandbox",
                "the configuration in {} has no pingfederate block",
                config.dir.display()
            )
        })?;
        let client = PingFederate::new(&settings)?;
        let state_path = args
            .state
            .clone()
            .unwrap_or_else(|| config.dir.join("pingform.redb"));
        Ok(Target {
            client,
            state_path,
            _sandbox: None,
        })
    }

    async fn sandbox(
        config: &ConfigArgs,
        args: &TargetArgs,
        desired: &mut Desired,
    ) -> Result<Target> {
        let _ = config;
        let folder = tempfile::Builder::new()
            .prefix("pingform-sandbox-")
            .tempdir()
            .into_diagnostic()?;
        let sandbox = Sandbox::start(SandboxOptions {
            data_file: args.sandbox_data.clone(),
            ..SandboxOptions::default()
        })
        .await?;
        let ca_file = folder.path().join("sandbox-ca.pem");
        sandbox.write_ca_certificate(&ca_file).into_diagnostic()?;
        let settings = PingFederateSettings {
            url: sandbox.pingfederate_url(),
            username: sandbox.username().to_string(),
            password: Secret::new(sandbox.password()),
            ca_file: Some(ca_file),
            insecure_skip_tls_verify: false,
            request_timeout: PingFederateSettings::DEFAULT_TIMEOUT,
        };
        let state_path = match &args.state {
            Some(path) => path.clone(),
            None => folder.path().join("pingform.redb"),
        };
        eprintln!(
            "Using a built-in sandbox at {} ({}; state {}).",
            settings.url,
            match &args.sandbox_data {
                Some(path) => format!("data kept in {}", path.display()),
                None => "its data is discarded at exit".to_string(),
            },
            match &args.state {
                Some(path) => format!("in {}", path.display()),
                None => "is temporary".to_string(),
            }
        );
        let client = PingFederate::new(&settings)?;
        desired.pingfederate = Some(settings);
        Ok(Target {
            client,
            state_path,
            _sandbox: Some((sandbox, folder)),
        })
    }
}
