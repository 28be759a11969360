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

impl ApplyError {
    /// Whether the change may have been made although it failed: its write timed out
    /// or lost its connection after it was sent.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, ApplyError::Provider(error) if error.outcome_unknown())
    }
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
#[error("{action} of {address} {}", if self.error.outcome_unknown() { "got no answer: its outcome is unknown" } else { "failed" })]
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
    /// Changes whose write may or may not have been made (timed out, connection lost).
    pub unknown: Vec<Address>,
    /// Changes that did not start.
    pub not_started: Vec<Address>,
}

fn list(addresses: &[Address]) -> String {
    if addresses.is_empty() {
        "none".to_string()
    } else {
        addresses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The line about writes with an unknown outcome, when there are any.
fn unknown_line(unknown: &[Address]) -> String {
    if unknown.is_empty() {
        return String::new();
    }
    format!(
        "outcome unknown (the request was sent but no answer came, so PingFederate may have made the change): {}; the next plan reads these objects back and converges without duplicates\n",
        list(unknown)
    )
}

impl ApplyFailure {
    /// One line for the history.
    pub fn summary(&self) -> String {
        format!("{self}: {}", self.error)
    }

    fn help_text(&self) -> String {
        let mut text = String::new();
        for other in &self.others {
            text.push_str(&format!(
                "also failed: {} of {}: {}\n",
                other.action, other.address, other.error
            ));
        }
        text.push_str(&format!(
            "finished and recorded in state: {}\n{}not started: {}\nfix the cause and run `pingform plan` again; the next plan starts from what finished",
            list(&self.finished),
            unknown_line(&self.unknown),
            list(&self.not_started)
        ));
        text
    }
}

/// The signal that stopped an apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM: what a cancelled CI job, `kill` or a container stop sends.
    Terminate,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// An apply stopped by a signal: no change started after it; the changes in flight
/// finished and were recorded, or, after a second signal, were left with an unknown
/// outcome.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error(
    "apply was interrupted by {}: {} of {} changes finished, {} did not start{}",
    signal.name(),
    finished.len(),
    finished.len() + failed.len() + unknown.len() + not_started.len(),
    not_started.len(),
    if unknown.is_empty() { String::new() } else { format!(", {} with an unknown outcome", unknown.len()) }
)]
#[diagnostic(
    code(pingform::apply::interrupted),
    help("{}", self.help_text())
)]
pub struct ApplyInterrupted {
    pub signal: Signal,
    /// A second signal stopped it without waiting for the changes in flight.
    pub at_once: bool,
    /// Finished changes; each is recorded in state.
    pub finished: Vec<Address>,
    /// Changes that failed while it stopped.
    pub failed: Vec<Address>,
    /// Changes left in flight by a second signal, or whose write got no answer.
    pub unknown: Vec<Address>,
    /// Changes that did not start.
    pub not_started: Vec<Address>,
}

impl ApplyInterrupted {
    fn help_text(&self) -> String {
        let mut text = format!(
            "finished and recorded in state: {}\n{}",
            list(&self.finished),
            unknown_line(&self.unknown)
        );
        if !self.failed.is_empty() {
            text.push_str(&format!("failed: {}\n", list(&self.failed)));
        }
        text.push_str(&format!(
            "not started: {}\nrun `pingform plan` to see what is left, then `pingform apply` to continue from there",
            list(&self.not_started)
        ));
        text
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
