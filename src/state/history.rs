/// One row of the apply history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// What ran: `apply`, for now.
    pub command: String,
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    /// Changes that finished (and are in state).
    pub finished: usize,
    pub outcome: Outcome,
    /// The serial after the run.
    pub serial: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Succeeded,
    Failed { message: String },
}
