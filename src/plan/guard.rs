//! Guards on what a plan may do without explicit consent: changes that make
//! PingFederate delete PingOne accounts it must leave alone.

use super::{PlanError, Planned};

/// What the person applying has consented to (command-line flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct Consent {
    /// `--allow-delete-of-excluded`.
    pub delete_of_excluded: bool,
}

/// Refuses a plan that needs a consent it was not given.
pub fn check(planned: &Planned, consent: Consent) -> Result<(), PlanError> {
    let deletions = &planned.review.deletions;
    if deletions.is_empty() || consent.delete_of_excluded {
        return Ok(());
    }
    Err(PlanError::DeleteOfExcluded {
        accounts: deletions.clone(),
    })
}
