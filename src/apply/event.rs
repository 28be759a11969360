use std::time::Duration;

use crate::plan::Change;

/// Progress of an apply, for whoever shows it.
#[derive(Debug)]
pub enum ApplyEvent<'a> {
    Started {
        change: &'a Change,
    },
    Finished {
        change: &'a Change,
        elapsed: Duration,
    },
    Failed {
        change: &'a Change,
    },
}
