//! What an apply reports while it runs, for whoever shows it.

use std::time::Duration;

use crate::plan::Change;

/// Progress of an apply.
#[derive(Debug)]
pub enum ApplyEvent<'a> {
    Started {
        change: &'a Change,
    },
    /// Every ten seconds a change is still running.
    StillRunning {
        change: &'a Change,
        elapsed: Duration,
    },
    Finished {
        change: &'a Change,
        elapsed: Duration,
    },
    Failed {
        change: &'a Change,
    },
    /// An interrupt arrived: no change starts any more; these are still running.
    Interrupted {
        in_flight: usize,
    },
    /// After every start and end: how far the apply is.
    Progress {
        done: usize,
        total: usize,
        in_flight: usize,
    },
}

/// How often a running change is reported as still running.
pub const STILL_RUNNING_EVERY: Duration = Duration::from_secs(10);
