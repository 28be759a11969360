//! One row of the apply history: when, who and how, what the plan held, what finished,
//! and how the run ended. Rows written by earlier versions (without the newer fields)
//! still read: every newer field has a default.

/// One row of the apply history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// What ran: `apply`, `apply FILE`, `apply --refresh-only`.
    pub command: String,
    /// Who ran it, where, and how it was approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<RunOrigin>,
    /// What the plan held: creates, updates (in place), deletes.
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    /// Replacements in the plan (rows before this field counted them as updates).
    #[serde(default)]
    pub replace: usize,
    /// Changes that finished (and are in state).
    pub finished: usize,
    /// What the finished changes did, by kind of change.
    #[serde(default)]
    pub done: DoneCounts,
    /// Writes whose outcome is unknown (timed out, or the connection was lost): the
    /// next plan reads those objects back.
    #[serde(default)]
    pub unknown: usize,
    /// Changes that did not start.
    #[serde(default)]
    pub not_started: usize,
    pub outcome: Outcome,
    /// The serial after the run.
    pub serial: u64,
}

impl HistoryEntry {
    /// A run that changed only the state and finished (`apply --refresh-only`, `state
    /// rm`): `recorded` state-only changes, now, at `serial`.
    pub fn state_only(command: &str, origin: RunOrigin, recorded: usize, serial: u64) -> Self {
        HistoryEntry {
            time: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            command: command.to_string(),
            origin: Some(origin),
            create: 0,
            update: 0,
            delete: 0,
            replace: 0,
            finished: recorded,
            done: DoneCounts {
                recorded,
                ..DoneCounts::default()
            },
            unknown: 0,
            not_started: 0,
            outcome: Outcome::Succeeded,
            serial,
        }
    }
}

/// What the finished changes of one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DoneCounts {
    #[serde(default)]
    pub created: usize,
    #[serde(default)]
    pub updated: usize,
    #[serde(default)]
    pub replaced: usize,
    #[serde(default)]
    pub deleted: usize,
    /// Renamed blocks, moved in state only.
    #[serde(default)]
    pub moved: usize,
    /// Other state-only changes: existing objects taken over, objects forgotten,
    /// values accepted by `apply --refresh-only`.
    #[serde(default)]
    pub recorded: usize,
}

/// Who ran an apply, on which machine, and how it was approved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunOrigin {
    pub user: String,
    pub host: String,
    pub approval: Approval,
}

/// How an apply was approved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Approval {
    /// Someone answered `yes` at the prompt.
    Interactive,
    /// `--auto-approve`.
    AutoApprove,
    /// `apply FILE`: a plan saved with `plan --out`.
    PlanFile { file: String },
    /// A command that changes only the state and asks nothing (`state rm`, `import`).
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Succeeded,
    Failed {
        message: String,
    },
    /// Stopped by a signal: `SIGINT` (Ctrl-C) or `SIGTERM` (a cancelled CI job).
    /// `at_once` when a second signal stopped it without waiting for the changes in
    /// flight.
    Interrupted {
        signal: String,
        #[serde(default)]
        at_once: bool,
    },
}
