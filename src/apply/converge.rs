//! The convergence rule, checked after every apply: PingFederate read again, planned
//! again against the state the apply left, must need no change.

use super::ApplyError;
use crate::model::{Address, Desired, PingOneView};
use crate::plan::{Inputs, plan};
use crate::provider::PingFederate;
use crate::state::StateStore;

/// The objects a fresh plan would still change (none, when the apply converged).
/// PingOne is not read again: pingform never writes it.
pub async fn converge(
    client: &PingFederate,
    desired: &Desired,
    pingone: Option<&PingOneView>,
    state: &StateStore,
) -> Result<Vec<Address>, ApplyError> {
    let observed = client.refresh().await?;
    let planned = plan(Inputs {
        server: None,
        desired,
        previous: state.previous(),
        observed: &observed,
        pingone,
        // Replacement was what the apply did: the fresh plan asks only for changes.
        replace: &[],
    })?;
    Ok(planned
        .plan
        .effective()
        .map(|change| change.address.clone())
        .collect())
}
