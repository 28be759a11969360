//! What plan, apply and drift share: reading the configuration, choosing the servers to
//! talk to (the configured ones or a built-in sandbox), where the state lives, and
//! reading the live systems.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::cli::{ConfigArgs, SelectionArgs, TargetArgs};
use super::output::note;
use crate::config::{self, LoadOptions, Loaded, Retarget};
use crate::error::{Error, Result};
use crate::model::{
    Address, AdminAuth, Binding, Desired, Endpoint, Observed, PingFederateSettings,
    PingOneSettings, PingOneView, PreviousRun, Secret, ServerInfo, StateLocation,
};
use crate::plan::{Inputs, Planned, Selection, check_server};
use crate::provider::{PingFederate, PingOne};
use crate::render::{sandbox_in_use, targeting_in_effect};
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

/// The ids the state at `location` records, by address (none when there is no state).
async fn recorded_ids(location: &StateLocation) -> Result<BTreeMap<Address, String>> {
    match crate::state::read(location).await {
        Ok(snapshot) => Ok(snapshot
            .previous
            .objects
            .into_iter()
            .map(|(address, object)| (address, object.id))
            .collect()),
        Err(crate::state::StateError::Missing { .. }) => Ok(BTreeMap::new()),
        Err(error) => Err(error.into()),
    }
}

/// The servers a run talks to, the configuration pointed at them, and what keeps them
/// alive.
pub struct Target {
    pub desired: Desired,
    /// The configuration folder.
    pub dir: PathBuf,
    pub client: PingFederate,
    pub state: StateLocation,
    /// `--rebind`: use a state bound to other servers, and record these.
    pub rebind: bool,
    /// The `environment_id` of the files' own `pingone` block.
    pub declared_pingone_environment: Option<String>,
    /// How the configuration was loaded, to load it again with more files.
    options: LoadOptions,
    /// Held for the whole run: the in-process sandbox and its temporary files.
    built_in_sandbox: Option<(Sandbox, tempfile::TempDir)>,
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
        let given_state = match &args.state {
            Some(path) => {
                Some(StateLocation::from_path(path).map_err(crate::state::StateError::from)?)
            }
            None => None,
        };
        let state = match (given_state.clone(), &sandbox) {
            (Some(location), _) => location,
            // The built-in sandbox never touches a real state. Its data kept in a file
            // outlives the run, and so does the state that manages that data: beside it.
            (None, Some((_, folder, _))) => match &args.sandbox_data {
                Some(data) => StateLocation::File(sandbox_state_path(data)),
                None => StateLocation::File(folder.path().join("pingform.redb")),
            },
            (None, None) => default_state(&config.dir)?,
        };
        let kept_state = (given_state.is_some() || args.sandbox_data.is_some()).then_some(&state);
        let options = LoadOptions {
            recorded_ids: recorded_ids(&state).await?,
            allow_empty,
            ..load_options(config, retarget)?
        };
        let loaded = load_printing(&options)?;
        let desired = loaded.desired;
        if let Some((sandbox, _, _)) = &sandbox {
            note(&sandbox_in_use(
                &sandbox.pingfederate_url(),
                args.sandbox_data.as_deref(),
                kept_state,
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
            state,
            rebind: args.rebind,
            declared_pingone_environment: loaded.declared_pingone_environment,
            options,
            built_in_sandbox: sandbox.map(|(sandbox, folder, _)| (sandbox, folder)),
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
    /// and checks the server is one pingform supports and the one `previous` is bound
    /// to. PingOne is asked for the users of the configuration's exclusions and of
    /// those the last apply recorded.
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
        self.check_binding(previous, &server)?;
        Ok((server, observed?, pingone?))
    }

    /// Reads PingFederate alone (drift, refresh-only): its objects and what it is.
    pub async fn read_pingfederate(
        &self,
        previous: &PreviousRun,
    ) -> Result<(ServerInfo, Observed)> {
        let (server, observed) = tokio::join!(self.client.server(), self.client.refresh());
        let server = server?;
        check_server(&server, &self.desired)?;
        self.check_binding(previous, &server)?;
        Ok((server, observed?))
    }

    /// The servers this run talks to, as a state records them.
    pub fn binding(&self, server: &ServerInfo) -> Binding {
        Binding {
            pingfederate: match self.built_in_sandbox {
                Some(_) => Endpoint::Sandbox,
                None => Endpoint::Url(server.url.clone()),
            },
            identity: server.identity.clone(),
            pingone_environment: self
                .desired
                .pingone
                .as_ref()
                .map(|pingone| pingone.environment_id.clone()),
        }
    }

    /// Refuses a state bound to other servers, unless `--rebind`.
    fn check_binding(&self, previous: &PreviousRun, server: &ServerInfo) -> Result<()> {
        let Some(recorded) = &previous.binding else {
            return Ok(());
        };
        let differences = recorded.differences(&self.binding(server));
        if differences.is_empty() || self.rebind {
            return Ok(());
        }
        Err(Error::BoundElsewhere {
            location: self.state.clone(),
            differences,
        })
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
            binding: self.binding(&server),
            planned,
            observed,
            pingone,
        })
    }
}

/// The state of a configuration folder without `--state`: the `state` block's URL or
/// path, else `DIR/pingform.redb`.
pub fn default_state(dir: &std::path::Path) -> Result<StateLocation> {
    match config::state_setting(dir)? {
        Some(location) => Ok(location),
        None => Ok(StateLocation::File(dir.join("pingform.redb"))),
    }
}

/// The state of a built-in sandbox whose data is kept in `data`: the same folder,
/// `<name>.pingform.redb` (`sandbox.json` -> `sandbox.pingform.redb`).
fn sandbox_state_path(data: &std::path::Path) -> PathBuf {
    let stem = data
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sandbox".into());
    data.with_file_name(format!("{stem}.pingform.redb"))
}

/// A plan and what it was made from.
pub struct Read {
    /// The servers the plan was made against.
    pub binding: Binding,
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
