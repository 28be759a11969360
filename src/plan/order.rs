//! The order changes run in, and what each waits for. Writes that others depend on go
//! first: a data store is created before the outbound provisioning settings or a
//! channel point at it, and a referrer is re-pointed (or deleted) before the object it
//! used is deleted. A delete runs before the creates of its collection (PingFederate
//! wants data store names unique, and a successor may compute the same name).
//!
//! Preferred order: deletes first, in reverse address order (the provisioning
//! connection goes before the PingOne connection and data stores it uses), then
//! creates and updates by address (data stores, then outbound provisioning and PingOne
//! connections, then provisioning connections). Dependency edges override the
//! preference. Each change also lists the changes it waits for (`waits_for`): apply
//! runs a change as soon as those have finished, so independent changes run together.

use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Change, PlanError};
use crate::model::{Address, Collection, Observed, references};

pub fn order_changes(
    changes: Vec<Change>,
    observed: &Observed,
    depends_on: &BTreeMap<&Address, &BTreeSet<Address>>,
) -> Result<Vec<Change>, PlanError> {
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

    let position: BTreeMap<(Collection, &str), usize> = changes
        .iter()
        .enumerate()
        .map(|(index, change)| ((change.kind().collection(), change.id.as_str()), index))
        .collect();
    let mut by_address: BTreeMap<&Address, usize> = BTreeMap::new();
    for (index, change) in changes.iter().enumerate() {
        by_address.entry(&change.address).or_insert(index);
    }
    let mut after: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (index, change) in changes.iter().enumerate() {
        if change.action == Action::NoOp {
            continue;
        }
        let wanted = change
            .after
            .as_ref()
            .map(|a| references(change.kind(), a))
            .unwrap_or_default();
        // What it will use must exist first.
        for target in &wanted {
            if let Some(&referent) = position.get(&(target.0, target.1.as_str()))
                && referent != index
                && matches!(changes[referent].action, Action::Create | Action::Replace)
            {
                after.entry(index).or_default().insert(referent);
            }
        }
        // What the configuration refers to anywhere in the block (a plugin field
        // naming a PingOne connection) exists first.
        for address in depends_on
            .get(&change.address)
            .into_iter()
            .copied()
            .flatten()
        {
            if let Some(&referent) = by_address.get(address)
                && referent != index
                && matches!(changes[referent].action, Action::Create | Action::Replace)
            {
                after.entry(index).or_default().insert(referent);
            }
        }
        // What it uses now may go only after it moved away.
        let live = observed
            .get(change.kind().collection(), &change.id)
            .map(|o| references(o.kind, &o.attributes))
            .unwrap_or_default();
        for target in live.iter().filter(|t| !wanted.contains(t)) {
            if let Some(&referent) = position.get(&(target.0, target.1.as_str()))
                && referent != index
                && matches!(changes[referent].action, Action::Delete | Action::Replace)
            {
                after.entry(referent).or_default().insert(index);
            }
        }
    }

    // A create may need a name a delete of its collection frees: it waits for the
    // delete, unless the delete already waits for it (a referrer moves to the new
    // object before the old one goes).
    let deletes: Vec<usize> = (0..changes.len())
        .filter(|&i| changes[i].action == Action::Delete)
        .collect();
    for index in 0..changes.len() {
        if !matches!(changes[index].action, Action::Create | Action::Replace) {
            continue;
        }
        for &deleted in &deletes {
            if changes[deleted].kind().collection() == changes[index].kind().collection()
                && !waits_on(&after, deleted, index)
            {
                after.entry(index).or_default().insert(deleted);
            }
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
    let waits: Vec<Vec<Address>> = (0..changes.len())
        .map(|index| {
            after
                .get(&index)
                .into_iter()
                .flatten()
                .filter(|&&other| changes[other].has_effect())
                .map(|&other| changes[other].address.clone())
                .collect()
        })
        .collect();
    let mut changes = changes;
    for (change, waits) in changes.iter_mut().zip(waits) {
        change.waits_for = waits;
    }
    permute(&mut changes, &order);
    Ok(changes)
}

/// Puts `items[order[k]]` at position `k`, in place: a plan of ten thousand changes is
/// not copied into a second vector.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // Where the item now at each position must go.
    let mut destination = vec![0; order.len()];
    for (position, &source) in order.iter().enumerate() {
        destination[source] = position;
    }
    for start in 0..items.len() {
        while destination[start] != start {
            let target = destination[start];
            items.swap(start, target);
            destination.swap(start, target);
        }
    }
}

/// Whether change `from` waits, directly or through others, for change `target`.
fn waits_on(after: &BTreeMap<usize, BTreeSet<usize>>, from: usize, target: usize) -> bool {
    let mut seen = BTreeSet::new();
    let mut pending = vec![from];
    while let Some(current) = pending.pop() {
        for &next in after.get(&current).into_iter().flatten() {
            if next == target {
                return true;
            }
            if seen.insert(next) {
                pending.push(next);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let order = [3, 0, 4, 1, 2, 5];
        let mut items = vec!["a", "b", "c", "d", "e", "f"];
        permute(&mut items, &order);
        assert_eq!(items, ["d", "a", "e", "b", "c", "f"]);
        let mut reversed: Vec<usize> = (0..7).collect();
        permute(&mut reversed, &[6, 5, 4, 3, 2, 1, 0]);
        assert_eq!(reversed, [6, 5, 4, 3, 2, 1, 0]);
    }
}
