//! Who holds a state's write lock: recorded by the process that takes it, and shown to
//! a process the lock refuses.

use std::fmt;

/// The process holding (or last holding) a state's write lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LockHolder {
    /// What it runs: `apply`, `state migrate`.
    pub command: String,
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// RFC 3339, UTC.
    pub since: String,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`pingform {}` run by {} on {} (process {}) since {}",
            self.command, self.user, self.host, self.pid, self.since
        )
    }
}
