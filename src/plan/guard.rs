//! Guards on what a plan may do without explicit consent: changes that make
//! PingFederate delete PingOne accounts it must leave alone, bring an excluded account
//! back into provisioning, or delete the users who leave a channel's scope.

use super::{PlanError, Planned, ScopeConsent};

/// What the person applying has consented to (command-line flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct Consent {
    /// `--allow-delete-of-excluded`.
    pub delete_of_excluded: bool,
    /// `--allow-exclusion-removal`.
    pub exclusion_removal: bool,
    /// `--allow-remove-action-delete`.
    pub remove_action_delete: bool,
}

/// Refuses a plan that needs a consent it was not given; the first refusal found, in
/// the order: deletions of excluded accounts, excluded accounts back in scope, users
/// PingFederate would delete.
pub fn check(planned: &Planned, consent: Consent) -> Result<(), PlanError> {
    let deletions = &planned.review.deletions;
    if !deletions.is_empty() && !consent.delete_of_excluded {
        return Err(PlanError::DeleteOfExcluded {
            accounts: deletions.clone(),
        });
    }
    let needing = |wanted: ScopeConsent| -> Vec<String> {
        planned
            .review
            .scope
            .iter()
            .filter(|change| change.consent == Some(wanted))
            .map(|change| change.summary())
            .collect()
    };
    let removals = needing(ScopeConsent::ExclusionRemoval);
    if !removals.is_empty() && !consent.exclusion_removal {
        return Err(PlanError::ExclusionRemoval { accounts: removals });
    }
    let deletes = needing(ScopeConsent::RemoveActionDelete);
    if !deletes.is_empty() && !consent.remove_action_delete {
        return Err(PlanError::RemoveActionDelete { changes: deletes });
    }
    Ok(())
}
