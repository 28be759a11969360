//! `lifecycle { prevent_destroy = true }`: a plan that would delete or replace a
//! protected object fails, naming where the protection is declared. While the block is
//! there, the configuration decides; once the block is gone, the state remembers what
//! the last apply declared, so deleting the block of a protected object fails too
//! (Terraform's long-standing hole, hashicorp/terraform#17599). A change of the
//! protection alone is a state-only change, so the state always knows it.

use super::error::{PreventDestroy, Protected};
use super::{Action, Change, PlanError, Reason};
use crate::model::{Desired, PreviousRun};

/// Marks the objects whose protection differs from the state's: an apply records it
/// even when nothing else changes.
pub fn record_changes(desired: &Desired, previous: &PreviousRun, changes: &mut [Change]) {
    for change in changes.iter_mut() {
        if desired.get(&change.address).is_none() {
            continue;
        }
        let recorded_at = change.moved_from.as_ref().unwrap_or(&change.address);
        let Some(managed) = previous.objects.get(recorded_at) else {
            continue;
        };
        let wanted = declared(desired, change);
        if wanted != managed.prevent_destroy {
            change.reasons.push(Reason::ProtectionChanged {
                prevent_destroy: wanted,
            });
            if change.action == Action::NoOp {
                change.state_only = true;
            }
        }
    }
}

/// Whether the configuration protects the object of `change` (its block is there).
fn declared(desired: &Desired, change: &Change) -> bool {
    desired
        .lifecycle
        .get(&change.address)
        .is_some_and(|lifecycle| lifecycle.prevent_destroy)
}

/// Refuses a plan that deletes or replaces a protected object.
pub fn check(
    desired: &Desired,
    previous: &PreviousRun,
    changes: &[Change],
) -> Result<(), PlanError> {
    let mut objects = Vec::new();
    for change in changes {
        let would = match change.action {
            Action::Replace => "must be replaced",
            Action::Delete if change.kind().is_singleton() => {
                "would be reset to PingFederate's defaults (its block is gone)"
            }
            Action::Delete
                if change
                    .reasons
                    .iter()
                    .any(|reason| matches!(reason, Reason::PartRemoved { .. })) =>
            {
                "would lose its outbound provisioning (its block is gone)"
            }
            Action::Delete => "would be deleted (its block is gone)",
            _ => continue,
        };
        let protected = if desired.get(&change.address).is_some() {
            desired
                .lifecycle
                .get(&change.address)
                .filter(|lifecycle| lifecycle.prevent_destroy)
                .map(|lifecycle| Some(lifecycle.declared_at.clone()))
        } else {
            previous
                .objects
                .get(&change.address)
                .filter(|managed| managed.prevent_destroy)
                .map(|_| None)
        };
        if let Some(declared_at) = protected {
            objects.push(Protected {
                address: change.address.clone(),
                would: would.to_string(),
                declared_at,
            });
        }
    }
    if objects.is_empty() {
        return Ok(());
    }
    let first = objects.iter().find_map(|o| o.declared_at.clone());
    Err(PlanError::PreventDestroy(Box::new(PreventDestroy {
        span: first.as_ref().map(|place| place.source_span()),
        declared_in: first,
        objects,
    })))
}
