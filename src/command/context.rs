//! What plan and apply share: reading the configuration, choosing the PingFederate to
//! talk to (the configured one or a built-in sandbox), and where the state lives.

use std::collections::BTreeMap;
use std::path::PathBuf;

use miette::{IntoDiagnostic, Result};
use pingform_sandbox::{Sandbox, SandboxOptions};

use super::cli::{ConfigArgs, TargetArgs};
use crate::config::{self, LoadOptions};
use crate::model::{
    Desired, Observed, PingFederateSettings, PingOneSettings, PingOneView, PreviousRun,
    ResourceKind, Secret,
};
use crate::plan::{Drift, ExclusionReview, Plan, annotate, drift, resolve_populations, review};
use crate::provider::PingFederate;
use crate::provider::PingOne;

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

/// Points the configuration's PingOne side at the sandbox: its settings, and the
/// environment of every provisioning connection (the sandbox has one environment).
fn retarget_pingone(desired: &mut Desired, sandbox: &PingOneSettings) {
    for resource in desired
        .resources
        .iter_mut()
        .filter(|r| r.kind() == ResourceKind::ProvisioningConnection)
    {
        resource.attributes.insert(
            "environment_id".into(),
            sandbox.environment_id.clone().into(),
        );
    }
    desired.pingone = Some(sandbox.clone());
}

/// Reads what the plan needs from PingOne: the environment, its populations, and the
/// excluded accounts in one batched query. `None` without a `pingone` block.
pub async fn read_pingone(desired: &Desired) -> Result<Option<PingOneView>> {
    let Some(settings) = &desired.pingone else {
        return Ok(None);
    };
    let client = PingOne::new(settings.clone())?;
    let environment = client.environment().await?;
    let usernames: Vec<String> = desired
        .exclusions
        .iter()
        .map(|e| e.pingone_username.clone())
        .collect();
    let (populations, users) = tokio::join!(client.populations(), async {
        if usernames.is_empty() {
            Ok(Vec::new())
        } else {
            client.users_by_username(&usernames).await
        }
    });
    Ok(Some(PingOneView {
        environment_id: environment.id,
        environment_name: environment.name,
        populations: populations?,
        users: users?,
    }))
}

/// A plan with everything a person needs to review it.
pub struct Planned {
    pub plan: Plan,
    pub drift: Drift,
    pub review: ExclusionReview,
    pub pingone: Option<PingOneView>,
    pub observed: Observed,
}

/// Reads PingFederate and PingOne (concurrently), resolves population names, plans,
/// and reviews the exclusions.
pub async fn refresh_and_plan(
    target: &Target,
    desired: &mut Desired,
    previous: &PreviousRun,
) -> Result<Planned> {
    let (observed, pingone) = tokio::join!(target.client.refresh(), read_pingone(desired));
    let observed = observed?;
    let pingone = pingone?;
    resolve_populations(desired, pingone.as_ref())?;
    let mut plan = crate::plan::plan(desired, previous, &observed)?;
    let review = review(desired, &observed, pingone.as_ref());
    annotate(&mut plan, &review);
    let drift = drift(previous, &observed);
    Ok(Planned {
        plan,
        drift,
        review,
        pingone,
        observed,
    })
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
            return Target::sandbox(args, desired).await;
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

    async fn sandbox(args: &TargetArgs, desired: &mut Desired) -> Result<Target> {
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
        let pingone = PingOneSettings {
            api_url: sandbox.pingone_api_url(),
            auth_url: sandbox.pingone_auth_url(),
            environment_id: sandbox.pingone_environment_id().to_string(),
            client_id: sandbox.pingone_client_id().to_string(),
            client_secret: Secret::new(sandbox.pingone_client_secret()),
            ca_file: settings.ca_file.clone(),
            request_timeout: settings.request_timeout,
        };
        retarget_pingone(desired, &pingone);
        desired.pingfederate = Some(settings);
        Ok(Target {
            client,
            state_path,
            _sandbox: Some((sandbox, folder)),
        })
    }
}
