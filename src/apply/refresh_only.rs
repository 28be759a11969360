//! `apply --refresh-only`: the live values of drifted objects accepted into state,
//! PingFederate untouched, with a history row.

use crate::model::{ManagedObject, Observed, RawJson, encrypted_digest};
use crate::plan::{Drift, DriftStatus};
use crate::state::{HistoryEntry, RunOrigin, StateError, StateStore};

/// `apply --refresh-only`: accepts the live objects into state for every drifted
/// object, without touching PingFederate. A changed object's recorded values and
/// encrypted-secret digests become the live ones (the secret fingerprints stay: they
/// describe what the configuration holds); a deleted object is forgotten.
pub async fn accept_live(
    drift: &Drift,
    observed: &Observed,
    state: &mut StateStore,
    origin: RunOrigin,
) -> Result<usize, StateError> {
    let mut recorded = 0;
    for item in &drift.items {
        let Some(managed) = state.previous().objects.get(&item.address).cloned() else {
            continue;
        };
        match (
            item.status,
            observed.get(item.address.kind().collection(), &item.id),
        ) {
            (DriftStatus::Changed, Some(live)) => {
                let mut updated: ManagedObject = managed;
                updated.observed = RawJson::new(&live.attributes).ok();
                for (field, record) in updated.secrets.iter_mut() {
                    record.encrypted_digest =
                        live.encrypted.get(field).map(|e| encrypted_digest(e));
                }
                state.record(&item.address, Some(&updated), None).await?;
            }
            _ => state.record(&item.address, None, None).await?,
        }
        recorded += 1;
    }
    state
        .append_history(&HistoryEntry::state_only(
            "apply --refresh-only",
            origin,
            recorded,
            state.previous().serial,
        ))
        .await?;
    Ok(recorded)
}
