//! What plan, apply and drift share: reading the configuration, choosing the servers to
//! talk to (the configured ones or a built-in sandbox), where the state lives, and
//! reading the live systems.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::cli::{ConfigArgs, SelectionArgs, TargetArgs};
use super::output::note;
use crate::config::{self, LoadOptions, Loaded, Retarget};
use crate::error::{Error, Result};
use crate::model::{
    Address, AdminAuth, Desired, Observed, PingFederateSettings, PingOneSettings, PingOneView,
    PreviousRun, Secret, ServerInfo,
};
use crate::plan::{Inputs, Planned, Selection, check_server};
use crate::provider::{PingFederate, PingOne};
use crate::render::{sandbox_in_use, targeting_in_effect};
use crate::state::read_previous_run;
use pingform_sandbox::{Sandbox, SandboxOptions};

/// Loads and checks the configuration without printing its warnings; `unknown_inputs`
/// as in `LoadOptions` (`validate`).
pub fn load(args: &ConfigArgs, retarget: Option<Retarget>, unknown_inputs: bool) -> Result<Loaded> {
    let options = LoadOptions {
        unknown_inputs,
        ..load_options(args, retarget)?
    };
    Ok(config::load(&options)?)
}

/// Loads with `options`, printing the warnings.
fn load_printing(options: &LoadOptions) -> Result<Loaded> {
    let loaded = config::load(options)?;
    for warning in &loaded.warnings {
        eprintln!("{warning:?}");
    }
    Ok(loaded)
}

/// What `load` reads: the folder, `--var`, `--var-file` and the process environment.
fn load_options(args: &ConfigArgs, retarget: Option<Retarget>) -> Result<LoadOptions> {
    let mut vars = Vec::new();
    for text in &args.vars {
        let assignment =
            config::parse_var_assignment(text).map_err(|message| Error::InvalidVar {
                text: text.clone(),
                message,
            })?;
        vars.push(assignment);
    }
    let environment: BTreeMap<String, String> = std::env::vars().collect();
    Ok(LoadOptions {
        dir: args.dir.clone(),
        vars,
        var_files: args.var_files.clone(),
        environment,
        retarget,
        ..LoadOptions::default()
    })
}

/// The ids the state at `path` records, by address (none when there is no state).
fn recorded_ids(path: &Path) -> Result<BTreeMap<Address, String>> {
    Ok(read_previous_run(path)?
        .objects
        .into_iter()
        .map(|(address, object)| (address, object.id))
        .collect())
}

/// The servers a run talks to, the configuration pointed at them, and what keeps them
/// alive.
pub struct Target {
    pub desired: Desired,
    /// The configuration folder.
    pub dir: PathBuf,
    pub client: PingFederate,
    pub state_path: PathBuf,
    /// The `environment_id` of the files' own `pingone` block.
    pub declared_pingone_environment: Option<String>,
    /// How the configuration was loaded, to load it again with more files.
    options: LoadOptions,
    /// Held for the whole run: the in-process sandbox and its temporary files.
    _sandbox: Option<(Sandbox, tempfile::TempDir)>,
}

impl Target {
    /// Starts the sandbox when asked, loads the configuration (pointed at the sandbox
    /// then, and keeping the ids the state records), and builds the PingFederate
    /// client. Sends nothing.
    pub async fn open(config: &ConfigArgs, args: &TargetArgs) -> Result<Target> {
        Target::open_folder(config, args, false).await
    }

    /// [`Target::open`]; with `allow_empty`, a folder without `*.hcl` files is an
    /// empty configuration (`pingform import` into a new folder).
    pub async fn open_folder(
        config: &ConfigArgs,
        args: &TargetArgs,
        allow_empty: bool,
    ) -> Result<Target> {
        let sandbox = match args.sandbox {
            true => Some(start_sandbox(args).await?),
            false => None,
        };
        let retarget = sandbox.as_ref().map(|(_, _, retarget)| retarget.clone());
        let state_path = match (&args.state, &sandbox) {
            (Some(path), _) => path.clone(),
            (None, Some((_, folder, _))) => folder.path().join("pingform.redb"),
            (None, None) => config.dir.join("pingform.redb"),
        };
        let options = LoadOptions {
            recorded_ids: recorded_ids(&state_path)?,
            allow_empty,
            ..load_options(config, retarget)?
        };
        let loaded = load_printing(&options)?;
        let desired = loaded.desired;
        if let Some((sandbox, _, _)) = &sandbox {
            note(&sandbox_in_use(
                &sandbox.pingfederate_url(),
                args.sandbox_data.as_deref(),
                args.state.as_deref(),
            ));
        }
        let mut settings = desired
            .pingfederate
            .clone()
            .ok_or_else(|| Error::NoPingFederate {
                dir: config.dir.clone(),
            })?;
        settings.bypass_external_validation |= args.bypass_external_validation;
        let client = PingFederate::new(&settings)?;
        Ok(Target {
            desired,
            dir: config.dir.clone(),
            client,
            state_path,
            declared_pingone_environment: loaded.declared_pingone_environment,
            options,
            _sandbox: sandbox.map(|(sandbox, folder, _)| (sandbox, folder)),
        })
    }

    /// The configuration loaded again as it would be with `files` (names and texts)
    /// in its folder, warnings not printed; the diagnostics on failure.
    pub fn load_with(&self, files: Vec<(String, String)>) -> Result<Desired, config::ConfigErrors> {
        let options = LoadOptions {
            extra_files: files,
            ..self.options.clone()
        };
        config::load(&options).map(|loaded| loaded.desired)
    }

    /// Reads PingFederate (its version, cluster and objects) and PingOne, all at once,
    /// and checks the server is one pingform supports. PingOne is asked for the users
    /// of the configuration's exclusions and of those the last apply recorded.
    pub async fn read(
        &self,
        previous: &PreviousRun,
    ) -> Result<(ServerInfo, Observed, Option<PingOneView>)> {
        let (server, observed, pingone) = tokio::join!(
            self.client.server(),
            self.client.refresh(),
            read_pingone(&self.desired, previous)
        );
        // The server's answer first: a wrong URL or refused login explains the rest.
        let server = server?;
        check_server(&server, &self.desired)?;
        Ok((server, observed?, pingone?))
    }

    /// Reads PingFederate alone (drift, refresh-only): its objects and what it is.
    pub async fn read_pingfederate(&self) -> Result<(ServerInfo, Observed)> {
        let (server, observed) = tokio::join!(self.client.server(), self.client.refresh());
        let server = server?;
        check_server(&server, &self.desired)?;
        Ok((server, observed?))
    }

    /// The `--target` and `--replace` addresses, checked against the configuration
    /// and the state; a note when targeting is in effect.
    pub fn selection(&self, args: &SelectionArgs, previous: &PreviousRun) -> Result<Selection> {
        let selection = Selection::new(&args.targets, &args.replaces, &self.desired, previous)
            .map_err(|problem| Error::Selection {
                flag: problem.flag,
                address: problem.address,
                why: problem.why,
                help: problem.help,
            })?;
        if selection.is_targeted() {
            note(&targeting_in_effect(&selection.targets));
        }
        Ok(selection)
    }

    /// Reads the live systems and plans against `previous`, limited and with
    /// replacements as `selection` says.
    pub async fn plan(&self, previous: &PreviousRun, selection: &Selection) -> Result<Read> {
        let (server, observed, pingone) = self.read(previous).await?;
        let mut planned = crate::plan::plan(Inputs {
            desired: &self.desired,
            previous,
            observed: &observed,
            pingone: pingone.as_ref(),
            server: Some(&server),
            replace: &selection.replace,
        })
        .map_err(|error| Error::located(error, &self.dir))?;
        selection.limit(&mut planned, &self.desired);
        Ok(Read {
            planned,
            observed,
            pingone,
        })
    }
}

/// A plan and what it was made from.
pub struct Read {
    pub planned: Planned,
    pub observed: Observed,
    pub pingone: Option<PingOneView>,
}

/// What a plan reads from PingOne; `None` without a `pingone` block.
async fn read_pingone(desired: &Desired, previous: &PreviousRun) -> Result<Option<PingOneView>> {
    let Some(settings) = &desired.pingone else {
        return Ok(None);
    };
    let mut seen = std::collections::BTreeSet::new();
    let usernames: Vec<String> = desired
        .exclusions
        .iter()
        .map(|e| e.pingone_username.clone())
        .chain(
            previous
                .objects
                .values()
                .flat_map(|managed| managed.exclusions.iter())
                .map(|record| record.pingone_username.clone()),
        )
        .filter(|name| seen.insert(name.to_lowercase()))
        .collect();
    let client = PingOne::new(settings.clone())?;
    Ok(Some(client.view(&usernames).await?))
}

/// An in-process sandbox for this run, its temporary folder (CA file, default state)
/// and the servers the configuration is pointed at.
async fn start_sandbox(args: &TargetArgs) -> Result<(Sandbox, tempfile::TempDir, Retarget)> {
    let folder = tempfile::Builder::new()
        .prefix("pingform-sandbox-")
        .tempdir()?;
    let sandbox = Sandbox::start(SandboxOptions {
        data_file: args.sandbox_data.clone(),
        read_latency: args.read_latency.unwrap_or_default(),
        write_latency: args.write_latency.unwrap_or_default(),
        ..SandboxOptions::default()
    })
    .await
    .map_err(|error| Error::Sandbox(error.to_string()))?;
    let ca_file = folder.path().join("sandbox-ca.pem");
    sandbox.write_ca_certificate(&ca_file)?;
    let pingfederate = PingFederateSettings {
        url: sandbox.pingfederate_url(),
        auth: AdminAuth::Basic {
            username: sandbox.username().to_string(),
            password: Secret::new(sandbox.password()),
        },
        ca_file: Some(ca_file),
        insecure_skip_tls_verify: false,
        request_timeout: PingFederateSettings::DEFAULT_TIMEOUT,
        replicate: false,
        bypass_external_validation: false,
    };
    let pingone = PingOneSettings {
        api_url: sandbox.pingone_api_url(),
        auth_url: sandbox.pingone_auth_url(),
        environment_id: sandbox.pingone_environment_id().to_string(),
        client_id: sandbox.pingone_client_id().to_string(),
        client_secret: Secret::new(sandbox.pingone_client_secret()),
        ca_file: pingfederate.ca_file.clone(),
        request_timeout: pingfederate.request_timeout,
    };
    Ok((
        sandbox,
        folder,
        Retarget {
            pingfederate,
            pingone,
        },
    ))
}
