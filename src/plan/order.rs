//! The order changes run in. Writes that others depend on go first: a data store is
//! created before the outbound provisioning settings point at it, and the settings are
//! re-pointed before the store they used is deleted.

use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Change, PlanError};
use crate::model::{Collection, Observed, ResourceKind, SINGLETON_ID};

pub fn order_changes(changes: Vec<Change>, observed: &Observed) -> Result<Vec<Change>, PlanError> {
    // Preferred order: deletes first, in reverse address order (PingFederate wants data
    // store names unique, so a store that replaces another under a new block name must
    // not be created while the old one exists), then creates and updates by address
    // (data stores before the settings that use them). The dependency edges below hold
    // back a delete whose store is still in use until its referrer moved away.
    let mut preferred: Vec<usize> = (0..changes.len()).collect();
    preferred.sort_by(|&a, &b| {
        let (left, right) = (&changes[a], &changes[b]);
        let deleting = |c: &Change| c.action == Action::Delete;
        deleting(right).cmp(&deleting(left)).then_with(|| {
            if deleting(left) {
                right.address.cmp(&left.address)
            } else {
                left.address.cmp(&right.address)
            }
        })
    });

    let datastore_change = |id: &str| {
        changes
            .iter()
            .position(|c| c.kind().collection() == Collection::DataStores && c.id == id)
    };
    let mut after: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (index, change) in changes.iter().enumerate() {
        if change.kind() != ResourceKind::OutboundProvisioning {
            continue;
        }
        // The store it will use must exist first.
        if let Some(target) = change
            .after
            .as_ref()
            .and_then(|a| a.get("datastore"))
            .and_then(|v| v.as_str())
            .and_then(datastore_change)
            && matches!(changes[target].action, Action::Create | Action::Replace)
        {
            after.entry(index).or_default().insert(target);
        }
        // The store it uses now may be deleted only after it moved away.
        let current = observed
            .get(Collection::OutboundProvisioning, SINGLETON_ID)
            .and_then(|o| o.attributes.get("datastore"))
            .and_then(|v| v.as_str());
        if let Some(old) = current.and_then(datastore_change)
            && matches!(changes[old].action, Action::Delete | Action::Replace)
            && change.action != Action::NoOp
        {
            after.entry(old).or_default().insert(index);
        }
    }

    // Kahn's algorithm, always taking the first ready change in preferred order.
    let mut done = vec![false; changes.len()];
    let mut order = Vec::with_capacity(changes.len());
    // Everything before `start` in `preferred` is done, which keeps this linear when
    // few changes wait for others.
    let mut start = 0;
    while order.len() < changes.len() {
        while start < preferred.len() && done[preferred[start]] {
            start += 1;
        }
        let next = preferred[start..].iter().copied().find(|&i| {
            !done[i]
                && after
                    .get(&i)
                    .is_none_or(|deps| deps.iter().all(|&d| done[d]))
        });
        match next {
            Some(index) => {
                done[index] = true;
                order.push(index);
            }
            None => {
                return Err(PlanError::Cycle {
                    addresses: (0..changes.len())
                        .filter(|&i| !done[i])
                        .map(|i| changes[i].address.clone())
                        .collect(),
                });
            }
        }
    }
    let mut slots: Vec<Option<Change>> = changes.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}
