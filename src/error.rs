//! Every error a command can end with, worded once, with its exit code beside it (the
//! way `casey/just` keeps its `src/error.rs`). The modules' own errors (configuration
//! diagnostics, plan, provider, state, apply) are wrapped as they are; the rest are the
//! command line's own: arguments, plan files, the confirmation prompt.

use std::path::PathBuf;

use crate::apply::{ApplyError, ApplyFailure, ApplyInterrupted, ApplyStopped, Signal};
use crate::config::ConfigErrors;
use crate::model::{
    Address, AddressParseError, BindingDifference, ChannelReference, StateLocation,
};
use crate::plan::{Moved, PlanError};
use crate::provider::ProviderError;
use crate::state::StateError;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigErrors),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] PlanError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Provider(#[from] ProviderError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] StateError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Apply(#[from] Box<ApplyFailure>),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Interrupted(#[from] Box<ApplyInterrupted>),

    #[error(
        "every change was applied, but replicating the configuration to the cluster failed: {error}"
    )]
    #[diagnostic(
        code(pingform::apply::replication),
        help(
            "the changes are on the administrative node only; replicate with `pingform apply` (it replicates when the cluster reports replicationRequired), Replicate Configuration in the admin console, or POST /cluster/replicate"
        )
    )]
    Replication { error: ProviderError },

    /// A step of an apply that is not one of its changes (the convergence check).
    #[error(transparent)]
    #[diagnostic(transparent)]
    ApplyStep(#[from] ApplyError),

    #[error("{} arrived {during}; nothing was changed", signal.name())]
    #[diagnostic(
        code(pingform::interrupted),
        help("run the command again when you are ready")
    )]
    StoppedBeforeChanges {
        signal: Signal,
        /// `while planning`, `at the confirmation prompt`.
        during: &'static str,
    },

    #[error(
        "{} arrived after every change was applied and recorded; {skipped} did not run",
        signal.name()
    )]
    #[diagnostic(
        code(pingform::interrupted),
        help("run `pingform plan` to check that nothing is left to change")
    )]
    StoppedAfterChanges {
        signal: Signal,
        /// What was left: `the convergence check`, `the replication to the cluster`.
        skipped: &'static str,
    },

    #[error(
        "the state {location} belongs to other servers:\n{}",
        differences.iter().map(|d| format!("  - {}", binding_difference(d))).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code(pingform::state::other_servers),
        help(
            "use this environment's own state (--state or the `state` block); if these are the same servers under a new name (a renamed host), run `pingform apply --rebind` once to record them"
        )
    )]
    BoundElsewhere {
        location: StateLocation,
        differences: Vec<BindingDifference>,
    },

    #[error("invalid --var `{text}`: {message}")]
    #[diagnostic(code(pingform::cli::var), help("write it as --var NAME=VALUE"))]
    InvalidVar { text: String, message: String },

    #[error("the configuration in {dir} has no pingfederate block")]
    #[diagnostic(
        code(pingform::config::no_pingfederate),
        help(
            "add a `pingfederate {{ url = ..., username = ..., password = ... }}` block, or pass --sandbox to try pingform on a built-in sandbox"
        )
    )]
    NoPingFederate { dir: PathBuf },

    #[error("apply needs confirmation, but standard input is not a terminal")]
    #[diagnostic(
        code(pingform::apply::needs_confirmation),
        help(
            "run it in a terminal to answer the prompt, or pass --auto-approve (for example in CI)"
        )
    )]
    NeedsConfirmation,

    #[error("no random numbers for {what}")]
    #[diagnostic(code(pingform::random))]
    NoRandomNumbers { what: &'static str },

    #[error("cannot write the plan file {path}: {reason}")]
    #[diagnostic(code(pingform::plan_file::write))]
    PlanFileWrite { path: PathBuf, reason: String },

    #[error("cannot read the plan file {path}: {reason}")]
    #[diagnostic(code(pingform::plan_file::read))]
    PlanFileRead { path: PathBuf, reason: String },

    #[error(
        "the plan file {path} has format version {found}; this pingform reads version {supported}"
    )]
    #[diagnostic(
        code(pingform::plan_file::version),
        help("make the plan again with this pingform")
    )]
    PlanFileVersion {
        path: PathBuf,
        found: u64,
        supported: u32,
    },

    #[error("{path} is not a pingform plan file")]
    #[diagnostic(
        code(pingform::plan_file::invalid),
        help("pass a file written by `pingform plan --out FILE`")
    )]
    NotAPlanFile { path: PathBuf },

    #[error("the plan file {path} is damaged: {detail}")]
    #[diagnostic(code(pingform::plan_file::invalid))]
    PlanFileDamaged { path: PathBuf, detail: String },

    #[error(
        "the saved plan {path} is stale; nothing was changed:\n{}",
        moved.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code(pingform::apply::stale_plan),
        help("make a new plan with `pingform plan --out FILE`, review it, and apply that")
    )]
    StalePlan { path: PathBuf, moved: Vec<Moved> },

    #[error(transparent)]
    #[diagnostic(code(pingform::state::address))]
    Address(#[from] AddressParseError),

    #[error("{address} is not in the state {location}")]
    #[diagnostic(
        code(pingform::state::not_managed),
        help("`pingform state list` shows what the state holds")
    )]
    NotInState {
        address: Address,
        location: StateLocation,
    },

    #[error("{path} exists; pingform import does not overwrite it")]
    #[diagnostic(
        code(pingform::import::exists),
        help(
            "pass --force to write it again from the live objects (its blocks are imported again, under the addresses the state knows), or --out to write another file"
        )
    )]
    ImportFileExists { path: PathBuf },

    #[error("--out {path}: {problem}")]
    #[diagnostic(
        code(pingform::import::out),
        help(
            "write it directly into the configuration folder {} as a `.hcl` file: pingform records the imported objects as managed, and a plan deletes managed objects its configuration does not declare (use --dry-run to print it instead)",
            dir.display()
        )
    )]
    ImportOutside {
        path: PathBuf,
        dir: PathBuf,
        problem: &'static str,
    },

    #[error("--only `{prefix}` selects nothing pingform imports")]
    #[diagnostic(
        code(pingform::import::only),
        help(
            "write an address or its start: {kinds}, or a whole address such as `provisioning_connection.hr`"
        )
    )]
    ImportOnly { prefix: String, kinds: String },

    #[error("cannot write {path}: {reason}")]
    #[diagnostic(code(pingform::import::write))]
    ImportWrite { path: PathBuf, reason: String },

    #[error(
        "nothing was written: the configuration pingform import made for {what} does not load or plan as it must ({detail})"
    )]
    #[diagnostic(
        code(pingform::import::inexact),
        help(
            "this is a pingform defect: please report it with the objects named; `--only` can import the others"
        )
    )]
    ImportInexact { what: String, detail: String },

    #[error("cannot start the async runtime: {0}")]
    #[diagnostic(code(pingform::runtime))]
    Runtime(std::io::Error),

    #[error("cannot start the sandbox: {0}")]
    #[diagnostic(code(pingform::sandbox))]
    Sandbox(String),

    #[error(transparent)]
    #[diagnostic(transparent)]
    UnknownPopulationAt(Box<UnknownPopulationAt>),

    #[error("{flag} {address}: {why}")]
    #[diagnostic(code(pingform::cli::selection))]
    Selection {
        flag: &'static str,
        address: String,
        why: String,
        #[help]
        help: Option<String>,
    },

    #[error("cannot run in {path}: {reason}")]
    #[diagnostic(code(pingform::cli::chdir), help("--chdir takes a folder that exists"))]
    Chdir { path: PathBuf, reason: String },

    #[error("`{text}` is not an option: pingform's options take two dashes")]
    #[diagnostic(code(pingform::cli::single_dash), help("use {suggestion}"))]
    SingleDashOption { text: String, suggestion: String },

    #[error("cannot read {path}: {reason}")]
    #[diagnostic(code(pingform::fmt::read))]
    FormatRead { path: PathBuf, reason: String },

    #[error("cannot format {path}: {reason}")]
    #[diagnostic(
        code(pingform::fmt::syntax),
        help("`pingform validate` shows the syntax error with its line; no file was changed")
    )]
    FormatParse { path: PathBuf, reason: String },

    #[error("cannot write {path}: {reason}")]
    #[diagnostic(code(pingform::fmt::write))]
    FormatWrite { path: PathBuf, reason: String },

    #[error("pingform has no subcommand `{name}`")]
    #[diagnostic(code(pingform::cli::subcommand), help("subcommands are {}", known.join(", ")))]
    UnknownSubcommand { name: String, known: Vec<String> },

    #[error("cannot write the output: {0}")]
    #[diagnostic(code(pingform::output))]
    Output(#[from] std::io::Error),
}

impl Error {
    /// The process's exit code for this error. Every error is 1: 2 means "changes
    /// pending" or "drift found", which are answers, not errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_)
            | Error::Plan(_)
            | Error::Provider(_)
            | Error::State(_)
            | Error::Apply(_)
            | Error::ApplyStep(_)
            | Error::InvalidVar { .. }
            | Error::NoPingFederate { .. }
            | Error::NeedsConfirmation
            | Error::NoRandomNumbers { .. }
            | Error::PlanFileWrite { .. }
            | Error::PlanFileRead { .. }
            | Error::PlanFileVersion { .. }
            | Error::NotAPlanFile { .. }
            | Error::PlanFileDamaged { .. }
            | Error::StalePlan { .. }
            | Error::Address(_)
            | Error::NotInState { .. }
            | Error::Runtime(_)
            | Error::Sandbox(_)
            | Error::Output(_)
            | Error::Chdir { .. }
            | Error::Selection { .. }
            | Error::UnknownPopulationAt(_)
            | Error::SingleDashOption { .. }
            | Error::FormatRead { .. }
            | Error::FormatParse { .. }
            | Error::FormatWrite { .. }
            | Error::UnknownSubcommand { .. }
            | Error::ImportFileExists { .. }
            | Error::ImportOutside { .. }
            | Error::ImportOnly { .. }
            | Error::ImportWrite { .. }
            | Error::ImportInexact { .. }
            | Error::Replication { .. }
            | Error::BoundElsewhere { .. } => 1,
            // The shell's codes for a process stopped by the signal: 130 for SIGINT,
            // 143 for SIGTERM.
            Error::Interrupted(interrupted) => signal_exit_code(interrupted.signal),
            Error::StoppedBeforeChanges { signal, .. }
            | Error::StoppedAfterChanges { signal, .. } => signal_exit_code(*signal),
        }
    }

    /// A reader that closed stdout early (`pingform plan | head`) is not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(error) if error.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// A population PingOne does not have, pointed at where the configuration names it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{channel}: PingOne has no population named `{name}` in environment {environment}")]
#[diagnostic(code(pingform::plan::unknown_population))]
pub struct UnknownPopulationAt {
    pub channel: ChannelReference,
    pub name: String,
    pub environment: String,
    #[source_code]
    pub src: miette::NamedSource<std::sync::Arc<str>>,
    #[label("not in PingOne")]
    pub span: miette::SourceSpan,
    #[help]
    pub help: String,
}

impl Error {
    /// A plan error about a value of the configuration, pointed at where the
    /// configuration in `dir` sets it, when it can be found there.
    pub fn located(error: PlanError, dir: &std::path::Path) -> Error {
        if let PlanError::UnknownPopulation {
            channel,
            name,
            environment,
            existing,
        } = &error
            && let Ok(reference) = channel.parse::<ChannelReference>()
            && let Some((src, span)) =
                crate::config::channel_attribute_location(dir, &reference, "population")
        {
            return Error::UnknownPopulationAt(Box::new(UnknownPopulationAt {
                channel: reference,
                name: name.clone(),
                environment: environment.clone(),
                src,
                span,
                help: crate::plan::population_help(name, existing),
            }));
        }
        Error::Plan(error)
    }
}

impl From<ApplyStopped> for Error {
    fn from(stopped: ApplyStopped) -> Error {
        match stopped {
            ApplyStopped::Failed(failure) => Error::Apply(failure),
            ApplyStopped::Interrupted(interrupted) => Error::Interrupted(interrupted),
        }
    }
}

impl From<ApplyFailure> for Error {
    fn from(failure: ApplyFailure) -> Error {
        Error::Apply(Box::new(failure))
    }
}

/// The exit code of a process stopped by `signal`, as a shell reports it (128 + the
/// signal's number).
pub fn signal_exit_code(signal: Signal) -> u8 {
    match signal {
        Signal::Interrupt => 130,
        Signal::Terminate => 143,
    }
}

fn binding_difference(difference: &BindingDifference) -> String {
    match difference {
        BindingDifference::Url { recorded, current } => {
            format!("it manages the PingFederate at {recorded}; this run talks to {current}")
        }
        BindingDifference::Identity { recorded, current } => {
            format!("that PingFederate reported {recorded}; this one reports {current}")
        }
        BindingDifference::PingOneEnvironment { recorded, current } => {
            format!("its PingOne environment is {recorded}; the configuration names {current}")
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
