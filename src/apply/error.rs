use crate::model::Address;
use crate::plan::PlanError;
use crate::provider::ProviderError;
use crate::state::StateError;

/// Why one change could not finish.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ApplyError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] PlanError),
    #[error("{0}")]
    Inconsistent(String),
    #[error("{0}, so the saved plan stops here")]
    #[diagnostic(
        code(pingform::apply::moved),
        help("make a new plan: `pingform plan --out FILE`")
    )]
    Moved(String),
}

/// One change that failed, and why.
#[derive(Debug)]
pub struct Failed {
    pub address: Address,
    pub action: &'static str,
    pub error: ApplyError,
}

/// An apply that stopped: the change that failed first, any that failed while it
/// was running, and what did and did not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{action} of {address} failed")]
#[diagnostic(
    code(pingform::apply::failed),
    help("{}", self.help_text())
)]
pub struct ApplyFailure {
    pub address: Address,
    pub action: &'static str,
    #[source]
    #[diagnostic_source]
    pub error: ApplyError,
    /// Changes that failed too, while the first was running.
    pub others: Vec<Failed>,
    /// Finished changes; each is recorded in state.
    pub finished: Vec<Address>,
    /// Changes that did not start.
    pub not_started: Vec<Address>,
}

impl ApplyFailure {
    /// One line for the history.
    pub fn summary(&self) -> String {
        format!("{self}: {}", self.error)
    }

    fn help_text(&self) -> String {
        let list = |addresses: &[Address]| {
            if addresses.is_empty() {
                "none".to_string()
            } else {
                addresses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let mut text = String::new();
        for other in &self.others {
            text.push_str(&format!(
                "also failed: {} of {}: {}\n",
                other.action, other.address, other.error
            ));
        }
        text.push_str(&format!(
            "finished and recorded in state: {}\nnot started: {}\nfix the cause and run pingform again; the next plan starts from what finished",
            list(&self.finished),
            list(&self.not_started)
        ));
        text
    }
}

/// An apply stopped by an interrupt (Ctrl-C): the changes in flight finished and were
/// recorded; no other change started.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("apply was interrupted: {} of {} changes finished, {} did not start", finished.len(), finished.len() + not_started.len(), not_started.len())]
#[diagnostic(
    code(pingform::apply::interrupted),
    help("{}", self.help_text())
)]
pub struct ApplyInterrupted {
    /// Finished changes; each is recorded in state.
    pub finished: Vec<Address>,
    /// Changes that did not start.
    pub not_started: Vec<Address>,
}

impl ApplyInterrupted {
    fn help_text(&self) -> String {
        "every finished change is recorded in state; run pingform plan or apply again to \
         continue from there"
            .to_string()
    }
}

/// Why an apply did not finish every change.
#[derive(Debug)]
pub enum ApplyStopped {
    Failed(Box<ApplyFailure>),
    Interrupted(Box<ApplyInterrupted>),
}

impl ApplyStopped {
    /// The changes that finished (and are in state).
    pub fn finished(&self) -> &[Address] {
        match self {
            ApplyStopped::Failed(failure) => &failure.finished,
            ApplyStopped::Interrupted(interrupted) => &interrupted.finished,
        }
    }
}
