//! Every reference of the configuration must end on an object that will exist, of a
//! kind the field accepts (outbound provisioning on a JDBC store, a channel on an LDAP
//! store), and that this plan does not delete or replace under it. Driven by the
//! reference fields of the kind descriptors, nested blocks included.

use std::collections::BTreeMap;

use serde_json::Value;

use super::pingone::Resolved;
use super::{Action, Change, PlanError};
use crate::model::suggest::with_article;
use crate::model::{
    Address, Attributes, Collection, Desired, Field, FieldType, Observed, ReferenceTarget,
};

pub fn check(
    desired: &Desired,
    resolved: &Resolved,
    observed: &Observed,
    changes: &[Change],
) -> Result<(), PlanError> {
    // Looked up once per reference: indexed, as a plan of ten thousand objects would
    // otherwise compare every address with every other.
    let mut by_address: BTreeMap<&Address, Action> = BTreeMap::new();
    for change in changes {
        by_address.entry(&change.address).or_insert(change.action);
    }
    let mut by_id: BTreeMap<(Collection, &str), Vec<&Change>> = BTreeMap::new();
    for change in changes {
        by_id
            .entry((change.kind().collection(), change.id.as_str()))
            .or_default()
            .push(change);
    }
    for resource in &desired.resources {
        let attributes = resolved.attributes(resource);
        let referrer_action = by_address.get(&resource.address).copied();
        let mut references = Vec::new();
        collect(resource.kind().fields(), &attributes, &mut references);
        for (field, target, id) in references {
            let Some(collection) = target.collection else {
                continue;
            };
            let planned = by_id
                .get(&(collection, id.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            check_one(
                &resource.address,
                referrer_action,
                field,
                target,
                (collection, &id),
                observed,
                planned,
            )?;
        }
    }
    Ok(())
}

fn collect(
    fields: &'static [Field],
    attributes: &Attributes,
    found: &mut Vec<(&'static str, &'static ReferenceTarget, String)>,
) {
    for field in fields {
        match (field.ty, attributes.get(field.name)) {
            (FieldType::Reference(target), Some(Value::String(id))) => {
                found.push((field.name, target, id.clone()));
            }
            (FieldType::Blocks(nested), Some(Value::Array(items))) => {
                for item in items.iter().filter_map(Value::as_object) {
                    collect(nested.fields, item, found);
                }
            }
            _ => {}
        }
    }
}

/// One reference to `id` in `collection`; `changes` are this plan's changes of
/// objects with that id in that collection.
fn check_one(
    address: &Address,
    referrer_action: Option<Action>,
    field: &'static str,
    target: &'static ReferenceTarget,
    (collection, id): (Collection, &str),
    observed: &Observed,
    changes: &[&Change],
) -> Result<(), PlanError> {
    let wrong_kind = |found: String| PlanError::ReferentWrongKind {
        address: address.clone(),
        field,
        id: id.to_string(),
        found,
        target,
    };
    let planned = changes.iter().find(|c| c.action != Action::Delete);
    if let Some(change) = planned {
        if !target.accepts(change.kind()) {
            return Err(wrong_kind(with_article(change.kind().describe())));
        }
        let in_use = change.action == Action::Replace
            && change.before.is_some()
            && referrer_action != Some(Action::Create);
        if in_use {
            return Err(PlanError::ReferentReplaced {
                address: address.clone(),
                referent: change.address.clone(),
            });
        }
        return Ok(());
    }
    if let Some(deleted) = changes.iter().find(|c| c.action == Action::Delete) {
        return Err(PlanError::ReferentDeleted {
            address: address.clone(),
            field,
            id: id.to_string(),
            referent: deleted.address.clone(),
        });
    }
    match observed.get(collection, id) {
        Some(live) if target.accepts(live.kind) => Ok(()),
        Some(live) => Err(wrong_kind(with_article(live.kind.describe()))),
        None => match observed.foreign(collection, id) {
            Some(what) => Err(wrong_kind(what.to_string())),
            None => Err(PlanError::UnknownReferent {
                address: address.clone(),
                field,
                what: target.describe(),
                id: id.to_string(),
            }),
        },
    }
}
